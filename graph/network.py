"""The collaboration network: the knowledge graph projected into NetworkX, filtered, and measured.

`project(store)` gives the multigraph: one node an actor (organisation, place or person) and one
edge a tie between two actors through one fact, of a kind (a cooperation, agreement, proposal, …,
co-participation in an event, membership, post, sub-organisation, representation, management,
partner city, shared target sector), with the fact's date, status, sectors, and the quotes and
documents behind it. A fact with several actors ties each pair of them. A tie that rests on a
curator's inference is marked `inferred` and names the inference as its fact. The queries it runs
are in graph/queries/network/.

`Filters` keep part of it (sector, category, "as of" date, source, relation); `ego` keeps the
actors within k hops of one; `collaboration` folds it into a weighted simple graph (one edge a
pair of actors, weighted by the facts that tie them), on which `measure` computes degree,
weighted degree, betweenness, PageRank, Louvain communities and brokerage across categories.
"""

from __future__ import annotations

import calendar
import io
import json
import math
import random
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import TypeVar

import networkx as nx
import pyoxigraph as ox

from graph.catalogue import QUERIES_DIR, catalogue
from graph.errors import ParameterError
from graph.namespaces import PREFIXES, local_name
from graph.query import run
from graph.sources import Citation, citations
from graph.text import parse_day

__all__ = ["RELATIONS", "DEFAULT_RELATIONS", "Filters", "Network", "project", "ego", "ego_view", "induced", "collaboration", "measure",
           "Metrics", "betweenness", "report", "report_document", "export", "EXPORT_FORMATS"]

# Every kind of tie, in the order legends list them. Shared target sectors tie every pair of actors
# that focus on a sector, so they grow with the square of the actors: asked for by name only.
RELATIONS = ("cooperation", "agreement", "proposal", "request", "recommendation", "commitment", "goal",
             "co-participation", "membership", "post", "sub-organisation", "represents", "manages",
             "partner-city", "shared-sector")
DEFAULT_RELATIONS = frozenset(RELATIONS) - {"shared-sector"}
PERSON = "person"  # the category of people, who have none in the category scheme
_CATEGORY_NAMES = ("government", "industry", "academia", "intermediary", "international", "media", PERSON)
_QUERIES = QUERIES_DIR / "network"
_COLLABORATION = "http://www.w3.org/ns/org#OrganizationalCollaboration"
_HUB_ROLES = {"organisation", "city"}  # an inference ties this actor to each value, not the values to each other


def _value(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]


def _sector_iri(name: str) -> str:
    if "://" in name:
        return name
    return PREFIXES["sector"] + name.removeprefix("sector:")


@dataclass
class Network:
    """The projected multigraph with what filters, legends and sentences need to name things."""

    graph: nx.MultiGraph
    categories: dict[str, dict[str, str]]  # category local name -> {"vi": label, "en": label}
    sectors: dict[str, dict[str, str]]  # sector IRI -> labels
    broader: dict[str, set[str]]  # sector IRI -> every broader sector IRI
    citations: dict[str, Citation] = field(default_factory=dict)  # every source document, by its text's file name
    seconds: float = 0.0  # how long the projection took
    positions: OrderedDict[date | None, dict[str, dict[str, str]]] = field(default_factory=OrderedDict, repr=False)
    # ^ the position sentences of the whole network as of a day, by actor and language, for the days last asked

    def position(self, as_of: date | None) -> dict[str, dict[str, str]]:
        """Each actor's position in words, vi and en, in the network as of a day (all of it for None);
        computed once for a network and a day, and kept for the `_DAYS_KEPT` days last asked for."""
        if as_of in self.positions:
            self.positions.move_to_end(as_of)
            return self.positions[as_of]
        rows, _ = report(self, view(self, Filters(as_of=as_of)), betweenness_budget_s=2.0)
        self.positions[as_of] = {r["actor"]: {"vi": r["position_vi"], "en": r["position_en"]} for r in rows}
        while len(self.positions) > _DAYS_KEPT:  # briefs as of any day a user names: memory stays bounded
            self.positions.popitem(last=False)
        return self.positions[as_of]


_DAYS_KEPT = 8


@dataclass(frozen=True)
class Filters:
    """Which part of the network to keep. Empty sets keep everything of that dimension."""

    sectors: frozenset[str] = frozenset()  # sector IRIs: ties whose fact concerns one of them or a narrower one
    categories: frozenset[str] = frozenset()  # category names (government, industry, …, person): actors kept
    as_of: date | None = None  # ties dated after it are left out; undated ties stay
    sources: frozenset[str] = frozenset()  # document file names: ties with a quote from one of them
    relations: frozenset[str] = DEFAULT_RELATIONS

    def __post_init__(self) -> None:
        unknown = sorted(self.relations - set(RELATIONS))
        if unknown:
            raise ParameterError(f"unknown relation(s) {', '.join(unknown)}; the relations are {', '.join(RELATIONS)}")

    @classmethod
    def parse(cls, *, sectors: Iterable[str] = (), categories: Iterable[str] = (), as_of: str | None = None,
              sources: Iterable[str] = (), relations: Iterable[str] = ()) -> "Filters":
        """Filters from what a user types: sectors as `semiconductors`, `sector:semiconductors` or an IRI;
        categories by name; a date as YYYY-MM-DD; source file names; relation names (default: all but
        shared-sector).

        Raises ParameterError saying which value is wrong and what would be right.
        """
        unknown = sorted(set(categories) - set(_CATEGORY_NAMES))
        if unknown:
            raise ParameterError(f"unknown category {', '.join(unknown)}; the categories are {', '.join(_CATEGORY_NAMES)}")
        return cls(sectors=frozenset(_sector_iri(s) for s in sectors), categories=frozenset(categories), as_of=parse_day(as_of),
                   sources=frozenset(sources), relations=frozenset(relations) or DEFAULT_RELATIONS)

    def keeps_edge(self, data: dict, broader: dict[str, set[str]]) -> bool:
        if data["kind"] not in self.relations:
            return False
        if self.as_of and data["start"] and data["start"] > self.as_of.isoformat():
            return False
        if self.sources and not self.sources & {s[0] for s in data["sources"]}:
            return False
        if self.sectors:
            covered = set(data["sectors"])
            for sector in data["sectors"]:
                covered |= broader.get(sector, set())
            if not self.sectors & covered:
                return False
        return True


def _rows(store: ox.Store, name: str) -> ox.QuerySolutions:
    return run(store, catalogue(_QUERIES)[name].text)  # type: ignore[return-value]


def project(store: ox.Store, *, shared_sectors: bool = True) -> Network:
    """The whole multigraph of the store (every relation, shared sectors too unless told not to)."""
    started = time.perf_counter()
    graph = nx.MultiGraph()
    categories: dict[str, dict[str, str]] = {PERSON: {"vi": "Cá nhân", "en": "Person"}}
    sectors: dict[str, dict[str, str]] = {}
    broader: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, "categories"):
        concept = row["concept"].value
        labels = {"vi": _value(row["labelVi"]) or local_name(concept), "en": _value(row["labelEn"]) or local_name(concept)}
        if "/category/" in concept:
            categories[local_name(concept)] = labels
        else:
            sectors[concept] = labels
            if row["broader"] is not None:
                broader[concept].add(row["broader"].value)

    for row in _rows(store, "nodes"):
        actor = row["actor"].value
        attrs = graph.nodes[actor] if actor in graph else None
        if attrs is None:
            graph.add_node(actor, label_vi="", label_en="", category=PERSON, kind="", place="")
            attrs = graph.nodes[actor]
        if row["category"] is not None:
            attrs["category"] = local_name(row["category"].value)
        kind = row["kind"].value
        if kind == _COLLABORATION or not attrs["kind"]:
            attrs["kind"] = kind
        attrs["label_vi"] = attrs["label_vi"] or _value(row["labelVi"]) or ""
        attrs["label_en"] = attrs["label_en"] or _value(row["labelEn"]) or ""
        attrs["place"] = attrs["place"] or _value(row["place"]) or ""
    for attrs in graph.nodes.values():
        attrs["label_vi"] = attrs["label_vi"] or attrs["label_en"]
        attrs["label_en"] = attrs["label_en"] or attrs["label_vi"]

    # who takes part in each fact, and how: fact -> kind -> actor -> (role, inferred)
    parts: dict[str, dict[str, dict[str, tuple[str, bool]]]] = defaultdict(lambda: defaultdict(dict))
    for fact_term, kind, actor_term, role, inferred in _rows(store, "ties"):
        actor = actor_term.value
        if actor in graph:
            parts[fact_term.value][kind.value][actor] = (role.value, inferred.value == "true")  # type: ignore[union-attr]
    focus: dict[str, dict[str, str]] = defaultdict(dict)  # sector -> actor -> fact
    if shared_sectors:
        for fact_term, actor_term, sector in _rows(store, "focus"):
            if actor_term.value in graph:
                focus[sector.value].setdefault(actor_term.value, fact_term.value)  # type: ignore[union-attr]
    facts = _fact_details(store, set(parts) | {f for actors in focus.values() for f in actors.values()})
    members = _members(graph, parts)
    for fact, by_kind in parts.items():
        for kind, actors in by_kind.items():
            actors = _through_members(actors, members) if kind not in ("membership", "sub-organisation") else actors
            hubs = {a for a, (role, inferred) in actors.items() if inferred and role in _HUB_ROLES}
            for (a, (role_a, inf_a)), (b, (role_b, inf_b)) in combinations(sorted(actors.items()), 2):
                if not hubs or {a, b} & hubs:
                    _add_tie(graph, a, b, kind, fact, facts, {a: role_a, b: role_b}, inf_a or inf_b)
    for sector, actors in focus.items():
        for (a, fact_a), (b, fact_b) in combinations(sorted(actors.items()), 2):
            _add_tie(graph, a, b, "shared-sector", f"{fact_a} {fact_b}", facts, {a: "focus", b: "focus"}, False,
                     sector=sector)
    return Network(_in_order(graph), categories, sectors, dict(broader), citations(store), time.perf_counter() - started)


def _in_order(graph: nx.MultiGraph) -> nx.MultiGraph:
    """The graph with its nodes and ties in one order, whatever order the store answered in: PageRank's
    floating-point sums, and so the ranks of actors it scores alike, follow the order they were added in."""
    ordered = nx.MultiGraph()
    ordered.add_nodes_from(sorted(graph.nodes(data=True), key=lambda n: n[0]))
    ordered.add_edges_from(sorted(((*sorted((a, b)), key, data) for a, b, key, data in graph.edges(keys=True, data=True)),
                                  key=lambda e: (e[0], e[1], e[2])))
    return ordered


def _members(graph: nx.MultiGraph, parts: dict) -> dict[str, dict[str, bool]]:
    """Each collaboration's members (stated or inferred), which stand for it in the facts it is a party to."""
    members: dict[str, dict[str, bool]] = defaultdict(dict)
    for by_kind in parts.values():
        actors = by_kind.get("membership", {})
        organisations = [a for a, (role, _) in actors.items() if role == "organisation"
                         and graph.nodes[a]["kind"] == _COLLABORATION]
        for organisation in organisations:
            for member, (role, inferred) in actors.items():
                if role == "member":
                    members[organisation][member] = members[organisation].get(member, True) and inferred
    return members


def _through_members(actors: dict[str, tuple[str, bool]], members: dict[str, dict[str, bool]]) -> dict[str, tuple[str, bool]]:
    """The actors of a fact with each collaboration replaced by its members (inferred if their membership is)."""
    if not any(a in members for a in actors):
        return actors
    out: dict[str, tuple[str, bool]] = {}
    for actor, (role, inferred) in actors.items():
        if actor in members:
            for member, member_inferred in members[actor].items():
                out.setdefault(member, (role, inferred or member_inferred))
        else:
            out[actor] = (role, inferred)
    return out


@dataclass
class _Fact:
    label_vi: str = ""
    label_en: str = ""
    status: str = ""
    sectors: set[str] = field(default_factory=set)
    date: str = ""  # as the sources give it: 2024-09-24, 2024, --04-14
    start: str = ""  # the first day of that date, for timelines and "as of"; from an inferred year if that is all
    date_inferred: bool = False
    end: str = ""  # the last day of the fact's period, where the sources give one
    sources: tuple[tuple[str, str, int], ...] = ()  # (file, quote, start offset), in document order


def _fact_details(store: ox.Store, wanted: set[str]) -> dict[str, _Fact]:
    """What the edges show of each wanted fact; see facts.rq."""
    attributes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for subject, attribute, value in _rows(store, "facts"):
        attributes[subject.value][attribute.value].append(value.value)  # type: ignore[union-attr]
    facts: dict[str, _Fact] = defaultdict(_Fact)
    for subject in wanted:
        found = attributes.get(subject, {})
        fact = facts[subject]
        fact.label_vi, fact.label_en = min(found.get("label-vi", [""])), min(found.get("label-en", [""]))
        fact.status = local_name(min(found.get("status", [""])))
        fact.sectors = set(found.get("sector", ()))
        fact.end = _last_day(max(found.get("end", [""])))
        own = found.get("date") or next((attributes[e]["date"] for e in found.get("event", ()) if "date" in attributes[e]), [])
        if own:
            fact.date = min(own)[:10]
            fact.start = _first_day(fact.date)
            continue
        dated = found if "month" in found else next((attributes[e] for e in found.get("event", ()) if "month" in attributes[e]), {})
        if dated:  # a day and month, with or without the year
            month_day = min(dated["month"])[1:] + (min(dated["day"])[2:] if "day" in dated else "")
            year = min(dated.get("year", [""]))
            fact.date = (year or "-") + month_day  # 2025-04-14, or --04-14 when the sources give no year
            inferred = min(dated.get("inferred-year", [""]))
            if year or inferred:
                fact.start, fact.date_inferred = _first_day((year or inferred) + month_day), not year
    sources: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for fact_term, file, quote, start in _rows(store, "evidence"):
        if fact_term.value in facts:  # type: ignore[union-attr]
            sources[fact_term.value].append((file.value, quote.value, int(start.value)))  # type: ignore[union-attr]
    for fact_iri, found in sources.items():
        facts[fact_iri].sources = tuple(sorted(found, key=lambda s: (s[0], s[2])))
    return facts


def _last_day(text: str) -> str:
    """2026 -> 2026-12-31, 2026-02 -> 2026-02-28, 2026-04-14 stays; anything else -> ''."""
    parts = text[:10].split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return ""
    year, month = int(parts[0]), int(parts[1]) if len(parts) > 1 else 12
    day = int(parts[2]) if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d}-{day:02d}"


def _first_day(text: str) -> str:
    """2024 -> 2024-01-01, 2024-04 -> 2024-04-01, 2024-04-14 stays; anything else -> ''."""
    parts = text.split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return ""
    return "-".join([parts[0], *(parts[1:] + ["01", "01"])[:2]])


def _add_tie(graph: nx.MultiGraph, a: str, b: str, kind: str, fact: str, facts: dict[str, _Fact],
             roles: dict[str, str], inferred: bool, *, sector: str | None = None) -> None:
    if sector:  # a shared sector: the two actors' focus facts
        details = [facts[f] for f in fact.split()]
        first, start, sources, sectors = details[0], max(d.start for d in details), details[0].sources + details[1].sources, (sector,)
    else:
        first = facts[fact]
        start, sources, sectors = first.start, first.sources, tuple(sorted(first.sectors))
    graph.add_edge(a, b, key=f"{kind} {fact}", kind=kind, fact=fact, label_vi=first.label_vi, label_en=first.label_en,
                   date=first.date, start=start, end=first.end, date_inferred=first.date_inferred, status=first.status,
                   sectors=sectors, sources=sources, roles=roles, inferred=inferred)


def view(network: Network, filters: Filters, *, within: nx.MultiGraph | None = None) -> nx.MultiGraph:
    """The part of the multigraph (or of `within`, a part of it) the filters keep: its ties, and the actors they join."""
    kept = nx.MultiGraph()
    graph = network.graph if within is None else within
    for a, b, key, data in graph.edges(keys=True, data=True):
        if filters.categories and not (graph.nodes[a]["category"] in filters.categories
                                       and graph.nodes[b]["category"] in filters.categories):
            continue
        if filters.keeps_edge(data, network.broader):
            for node in (a, b):
                if node not in kept:
                    kept.add_node(node, **graph.nodes[node])
            kept.add_edge(a, b, key=key, **data)
    return kept


def ego(graph: nx.MultiGraph, center: str, hops: int) -> nx.MultiGraph:
    """The actors within `hops` ties of `center`, with every tie among them.

    Raises ParameterError when the actor is not in the graph.
    """
    if center not in graph:
        raise ParameterError(f"{center} has no ties in this network (with these filters)")
    return induced(graph, nx.single_source_shortest_path_length(graph, center, cutoff=hops))


GraphT = TypeVar("GraphT", nx.Graph, nx.MultiGraph)


def induced(graph: GraphT, nodes: Iterable[str]) -> GraphT:
    """The actors of `nodes` and every tie among them, in the order of `nodes` and of the graph's own ties: a
    copy. networkx's `subgraph` walks a set when it keeps few actors, so its order, and with it a drawing's
    layout, a page and an export, changed with each process's hash seed."""
    wanted = dict.fromkeys(nodes)
    kept = graph.__class__()
    kept.add_nodes_from((node, graph.nodes[node]) for node in wanted)
    done: set[str] = set()
    for a in wanted:
        for b, data in graph.adj[a].items():
            if b in wanted and b not in done:  # a tie is met from both ends: taken from the first
                if graph.is_multigraph():
                    kept.add_edges_from((a, b, key, tie) for key, tie in data.items())
                else:
                    kept.add_edge(a, b, **data)
        done.add(a)
    return kept


def ego_view(network: Network, filters: Filters, center: str, hops: int) -> nx.MultiGraph:
    """`ego(view(network, filters), center, hops)`, without cutting the whole network first: the kept ties
    within `hops` of the centre all lie in its neighbourhood in the whole multigraph, so only that is cut
    (a hub's ego network at 1M triples: 1.1–1.4 s, against 2.1–2.4 s through the whole view).

    Raises ParameterError when the actor has no kept tie.
    """
    if center not in network.graph:
        raise ParameterError(f"{center} has no ties in this network (with these filters)")
    reach = nx.single_source_shortest_path_length(network.graph, center, cutoff=hops)
    return ego(view(network, filters, within=induced(network.graph, reach)), center, hops)


def collaboration(graph: nx.MultiGraph) -> nx.Graph:
    """The weighted simple graph: one edge a pair of actors, weighted by the distinct facts that tie them."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for a, b, data in graph.edges(data=True):
        if simple.has_edge(a, b):
            edge = simple.edges[a, b]
            edge["facts"].add(data["fact"])
            edge["kinds"].add(data["kind"])
        else:
            simple.add_edge(a, b, facts={data["fact"]}, kinds={data["kind"]})
    for _, _, edge in simple.edges(data=True):
        edge["weight"] = len(edge["facts"])
    return simple


@dataclass
class Metrics:
    """Per actor: degree, weighted degree, betweenness, PageRank, community, brokerage; and how long each took."""

    values: dict[str, dict[str, float | int | str]]
    seconds: dict[str, float]
    betweenness_k: int | None  # the sample of source nodes, or None when exact
    communities: list[list[str]]
    bridged: dict[str, Counter[tuple[str, str]]]  # per actor: open neighbour pairs by pair of categories


_SOURCES_AT_ONCE = 4  # sources between two looks at the clock: the budget is overrun by at most this many


def betweenness(graph: nx.Graph, budget_s: float = math.inf, *, seed: int = 7) -> tuple[dict[str, float], int | None]:
    """Each actor's betweenness, normalised as networkx normalises it, and how many sources it was estimated
    from (None when exact).

    Sources are taken in a random order, a few at a time, until every actor has been one (exact) or the
    time budget is spent (an estimate from those sources, scaled as networkx scales a sample of that size).
    Timing the work itself keeps to the budget; extrapolating from a probe of a few sources did not (2 s
    asked, about 10 s taken at 1M triples: sources differ widely in cost).
    """
    nodes = list(graph)
    random.Random(seed).shuffle(nodes)
    n = len(nodes)
    if n < 3:  # no actor can lie between two others
        return dict.fromkeys(nodes, 0.0), None
    ordered_pairs = dict.fromkeys(nodes, 0.0)  # paths through each actor, counting (s, t) and (t, s) apart
    used, started = 0, time.perf_counter()
    while used < n and (used < 2 or time.perf_counter() - started < budget_s):
        chunk = nodes[used:used + _SOURCES_AT_ONCE]
        for node, value in nx.betweenness_centrality_subset(graph, sources=chunk, targets=nodes).items():
            ordered_pairs[node] += 2 * value  # the subset function counts an unordered pair once
        used += len(chunk)
    sources = set(nodes[:used])
    # a source is never an inner node of its own paths, so it is averaged over one source fewer
    scale = {True: 1 / ((used - 1) * (n - 2)), False: 1 / (used * (n - 2))}
    return {node: paths * scale[node in sources] for node, paths in ordered_pairs.items()}, (None if used == n else used)


def measure(graph: nx.Graph, *, betweenness_budget_s: float = math.inf, seed: int = 7) -> Metrics:
    """Degree, weighted degree, betweenness (estimated from a sample of sources when exact would take
    longer than `betweenness_budget_s`), PageRank, Louvain communities and brokerage across categories,
    for each actor of a collaboration graph."""
    seconds: dict[str, float] = {}
    values: dict[str, dict[str, float | int | str]] = {n: {} for n in graph}

    def timed(name: str, compute):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = compute()
        seconds[name] = time.perf_counter() - started
        return result

    for node, d in timed("degree", lambda: dict(graph.degree())).items():
        values[node]["degree"] = d
    for node, d in timed("weighted_degree", lambda: dict(graph.degree(weight="weight"))).items():
        values[node]["weighted_degree"] = d
    between, sources = timed("betweenness", lambda: betweenness(graph, betweenness_budget_s, seed=seed))
    for node, b in between.items():
        values[node]["betweenness"] = b
    rank = timed("pagerank", lambda: nx.pagerank(graph, weight="weight") if graph.number_of_edges() else
                 {n: 1 / max(1, len(graph)) for n in graph})
    for node, r in rank.items():
        values[node]["pagerank"] = r
    communities = timed("communities", lambda: [sorted(c) for c in sorted(
        nx.community.louvain_communities(graph, weight="weight", seed=seed), key=lambda c: (-len(c), min(c)))])
    for number, members in enumerate(communities, 1):
        for node in members:
            values[node]["community"] = number
    bridged = timed("brokerage", lambda: _brokerage(graph))
    for node, pairs in bridged.items():
        values[node]["brokerage"] = sum(pairs.values())
        values[node]["bridges"] = " ".join(f"{a}+{b}" for a, b in sorted(pairs))
    return Metrics(values, seconds, sources, communities, bridged)


def _brokerage(graph: nx.Graph) -> dict[str, Counter[tuple[str, str]]]:
    """For each actor, how many pairs of its neighbours in different categories are not tied to each other
    (it is their only direct go-between), and which pairs of categories it so bridges.

    Counted as all cross-category neighbour pairs less those closed by a tie, so a hub's cost is its
    triangles, not the square of its degree.
    """
    category = {n: d.get("category", "") for n, d in graph.nodes(data=True)}
    open_pairs: dict[str, Counter[tuple[str, str]]] = {}
    for node in graph:
        counts = Counter(category[m] for m in graph[node] if m != node)
        pairs: Counter[tuple[str, str]] = Counter()
        for (c1, n1), (c2, n2) in combinations(sorted(counts.items()), 2):
            pairs[(c1, c2)] = n1 * n2
        open_pairs[node] = pairs
    for a, b in graph.edges():
        if a == b or category[a] == category[b]:
            continue
        pair = tuple(sorted((category[a], category[b])))
        for common in set(graph[a]) & set(graph[b]) - {a, b}:
            open_pairs[common][pair] -= 1  # type: ignore[index]
    return {node: +pairs for node, pairs in open_pairs.items()}  # unary + drops the pairs all closed


_WORDS = {
    "en": {"ties": "is tied to {n} {actors} ({parts})", "none": "has no ties in this view",
           "bridge": "it is the only link between {pairs} pairs of actors of different kinds it is tied to, chiefly {kinds}",
           "rank": "it ranks {b} of {n} by betweenness and {p} by PageRank",
           "community": "it belongs to community {c} ({size} actors, with {peers})",
           "and": " and ", "with": " with ",
           PERSON: {"bridge": "they are the only link between {pairs} pairs of actors of different kinds they are tied to, "
                              "chiefly {kinds}",
                    "rank": "they rank {b} of {n} by betweenness and {p} by PageRank",
                    "community": "they belong to community {c} ({size} actors, with {peers})"}},
    "vi": {"ties": "có quan hệ với {n} {actors} ({parts})", "none": "không có quan hệ nào trong phạm vi này",
           "bridge": "là cầu nối duy nhất giữa {pairs} cặp chủ thể khác loại cùng liên hệ với mình, chủ yếu giữa {kinds}",
           "rank": "xếp thứ {b}/{n} về độ trung gian và {p} về PageRank",
           "community": "thuộc cộng đồng {c} ({size} chủ thể, cùng {peers})",
           "and": " và ", "with": " với "},
}


def sentences(network: Network, graph: nx.Graph, metrics: Metrics, lang: str) -> dict[str, str]:
    """One plain sentence per actor saying its position in the network, in Vietnamese ("vi") or English ("en")."""
    words = _WORDS[lang]
    label = {n: d[f"label_{lang}"] or local_name(n) for n, d in graph.nodes(data=True)}

    def category_name(c: str) -> str:
        return network.categories.get(c, {}).get(lang, c).lower()

    def order(key: str) -> dict[str, int]:
        ranked = sorted(graph, key=lambda n: (-float(metrics.values[n][key]), n))
        return {n: i for i, n in enumerate(ranked, 1)}

    by_betweenness, by_pagerank = order("betweenness"), order("pagerank")
    community_of = {n: i for i, c in enumerate(metrics.communities, 1) for n in c}
    out = {}
    for node in graph:
        neighbours = [m for m in graph[node] if m != node]
        if not neighbours:
            out[node] = f"{label[node]} {words['none']}."
            continue
        said = {**words, **words.get(graph.nodes[node]["category"], {})}  # English says "they" of a person
        counts = Counter(graph.nodes[m]["category"] for m in neighbours)
        parts = ", ".join(f"{k} {category_name(c)}" for c, k in sorted(counts.items(), key=lambda x: (-x[1], x[0])))
        noun = "chủ thể" if lang == "vi" else "actor" if len(neighbours) == 1 else "actors"
        clauses = [words["ties"].format(n=len(neighbours), actors=noun, parts=parts)]
        pairs = int(metrics.values[node]["brokerage"])
        if pairs:
            kinds = words["and"].join(f"{category_name(a)}{words['with']}{category_name(b)}"
                                      for (a, b), _ in metrics.bridged[node].most_common(2))
            clauses.append(said["bridge"].format(pairs=pairs, kinds=kinds))
        clauses.append(said["rank"].format(b=by_betweenness[node], n=len(graph), p=by_pagerank[node]))
        peers = [label[m] for m in metrics.communities[community_of[node] - 1] if m != node][:3]
        if peers:
            clauses.append(said["community"].format(c=community_of[node], size=len(metrics.communities[community_of[node] - 1]),
                                                     peers=", ".join(peers)))
        out[node] = f"{label[node]} " + "; ".join(clauses) + "."
    return out


EXPORT_FORMATS = {"gexf": "application/gexf+xml", "graphml": "application/graphml+xml", "json": "application/json"}


def flat(graph: nx.MultiGraph) -> nx.MultiGraph:
    """The multigraph with every attribute a plain string, number or boolean, as GEXF and GraphML need.

    An edge's `start` is the first day of its date and `end` the last day of its fact's period (for Gephi's
    timeline; each absent when the sources give none),
    `sources` lists "file@offset: quote" separated by " | ", `roles` lists "actor=role".
    """
    out = nx.MultiGraph()
    for node, data in graph.nodes(data=True):
        out.add_node(node, label=data["label_vi"], **{k: v for k, v in data.items() if isinstance(v, (str, int, float, bool))})
    for a, b, key, data in graph.edges(keys=True, data=True):
        attrs = {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool)) and k not in ("start", "end")}
        for bound in ("start", "end"):  # Gephi's timeline: absent when the sources give none
            if data[bound]:
                attrs[bound] = data[bound]
        attrs["sectors"] = " ".join(data["sectors"])
        attrs["sources"] = " | ".join(f"{file}@{start}: {quote}" for file, quote, start in data["sources"])
        attrs["roles"] = "; ".join(f"{actor}={role}" for actor, role in sorted(data["roles"].items()))
        out.add_edge(a, b, key=key, id=key, **attrs)
    return out


def export(graph: nx.MultiGraph, fmt: str) -> bytes:
    """The multigraph as GEXF 1.2 (dynamic, with start dates), GraphML or node-link JSON.

    Raises ParameterError for an unknown format.
    """
    if fmt not in EXPORT_FORMATS:
        raise ParameterError(f"unknown network format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    plain = flat(graph)
    if fmt == "json":
        return json.dumps(nx.node_link_data(plain, edges="edges"), ensure_ascii=False, indent=1).encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(plain, buffer, version="1.2draft")
    else:
        for *_, data in plain.edges(keys=True, data=True):  # GraphML writes the key as the edge's id: a second one
            del data["id"]                                   # as data would clash with it in readers (igraph warns)
        nx.write_graphml(plain, buffer, named_key_ids=True)
    return buffer.getvalue()


def report(network: Network, graph: nx.MultiGraph, *, betweenness_budget_s: float = 10.0) -> tuple[list[dict], Metrics]:
    """Each actor of a (filtered) multigraph with its metrics and its position in words, vi and en, best connected first.

    Betweenness is exact when it fits the budget, else sampled (Metrics.betweenness_k says over how many sources).
    """
    simple = collaboration(graph)
    metrics = measure(simple, betweenness_budget_s=betweenness_budget_s)
    words = {lang: sentences(network, simple, metrics, lang) for lang in ("vi", "en")}
    rows = [{"actor": node, "label_vi": simple.nodes[node]["label_vi"], "label_en": simple.nodes[node]["label_en"],
             "category": simple.nodes[node]["category"], **metrics.values[node],
             "position_vi": words["vi"][node], "position_en": words["en"][node]} for node in simple]
    rows.sort(key=lambda r: (-r["betweenness"], -r["weighted_degree"], r["actor"]))
    return rows, metrics


def report_document(rows: list[dict], metrics: Metrics) -> dict:
    """The report as the CLI writes it and the API answers it: every actor, the communities, the betweenness sample."""
    return {"actors": rows, "communities": metrics.communities, "betweenness_sample": metrics.betweenness_k}
