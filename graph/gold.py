"""Scoring the extractor: what the curated graph says an article states, and how candidates compare with it.

The gold standard of a curated article is read from the graph itself: the actors its facts name, its
observations (value, unit, status, where its quotes stand), the dates of its facts, its memberships and
its relationships. Read leave-one-out, with a gazetteer that does not know what only that article says,
an actor the other articles never name counts as new, so finding new actors is measured too.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox
from rdflib.namespace import FOAF, RDF, RDFS

from graph.candidates import Candidate
from graph.gazetteer import Gazetteer
from graph.namespaces import IG, ORG, SCHEMA, SDMX_ATTRIBUTE, SDMX_MEASURE, TIME, local_name
from graph.query import run
from graph.text import fold

__all__ = ["Gold", "Score", "gold_standard", "score", "score_annotated", "candidate_dates", "KINDS_SCORED"]

KINDS_SCORED = ("known-actor", "new-actor", "person-post", "figure", "date", "relationship")


@dataclass(frozen=True)
class Observation:
    node: str
    value: Decimal
    unit: str
    status: str
    spans: tuple[tuple[int, int], ...]


@dataclass
class Gold:
    """What one article states, as the curated graph records it."""

    source: str
    actors: set[str] = field(default_factory=set)
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # actor -> folded names
    observations: list[Observation] = field(default_factory=list)
    dates: set[str] = field(default_factory=set)
    posts: set[tuple[str, str]] = field(default_factory=set)  # (folded person name, organisation)
    relationships: set[tuple[str, frozenset[str]]] = field(default_factory=set)  # (class, parties)


@dataclass(frozen=True)
class Score:
    """Of one kind of candidate in one or more articles: how many were found and how many of them are right,
    how many the gold standard holds and how many of those were found."""

    kind: str
    found: int
    found_right: int
    gold: int
    gold_found: int

    @property
    def precision(self) -> float:
        return self.found_right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.kind, self.found + other.found, self.found_right + other.found_right,
                     self.gold + other.gold, self.gold_found + other.gold_found)


_FACTS = """# Which nodes rest on evidence from this source, and what do they say?
SELECT ?node ?p ?o ?start ?end WHERE {
  ?node prov:wasDerivedFrom ?ev .
  ?ev oa:hasSource/dcterms:identifier ?file ; oa:hasSelector [ oa:start ?start ; oa:end ?end ] .
  OPTIONAL { ?node ?p ?o }
}
"""
_NAMES = """# Every actor-like node's names.
SELECT ?node ?name WHERE {
  VALUES ?p { rdfs:label skos:altLabel skos:hiddenLabel foaf:name }
  ?node ?p ?name .
}
"""
_DATE_PROPERTIES = {str(SCHEMA.startDate), "http://purl.org/dc/terms/date", "http://purl.org/dc/terms/issued", str(IG.periodStart), str(IG.periodEnd),
                    str(IG.deadline), "http://purl.org/linked-data/sdmx/2009/dimension#refPeriod", str(IG.comparedWith)}


def gold_standard(store: ox.Store, source: str, *, actors: frozenset[str]) -> Gold:
    """The gold standard of one source file: what the facts resting on its quotes say. `actors` are every
    actor's IRI (the gazetteer's), so that a fact's reference to one counts as the article naming it."""
    gold = Gold(source=source)
    described: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
    spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for row in run(store, _FACTS, substitutions={ox.Variable("file"): ox.Literal(source)}):
        node = row["node"].value
        spans[node].add((int(row["start"].value), int(row["end"].value)))
        if row["p"] is not None:
            described[node][row["p"].value].append(row["o"])
    for row in run(store, _NAMES):
        if row["node"].value in actors:
            gold.names[row["node"].value].add(fold(row["name"].value))
    for node, props in described.items():
        types = {t.value for t in props.get(str(RDF.type), [])}
        if node in actors:
            gold.actors.add(node)  # what else its description links to (its place, its parent) the article need not say
        else:
            for values in props.values():
                gold.actors.update(v.value for v in values if isinstance(v, ox.NamedNode) and v.value in actors)
        if "http://purl.org/linked-data/cube#Observation" in types:
            gold.observations.append(Observation(
                node=node, value=Decimal(props[str(SDMX_MEASURE.obsValue)][0].value),
                unit=local_name(props[str(SDMX_ATTRIBUTE.unitMeasure)][0].value),
                status=local_name(props[str(SDMX_ATTRIBUTE.obsStatus)][0].value), spans=tuple(sorted(spans[node]))))
        for prop, values in props.items():
            if prop in _DATE_PROPERTIES:
                gold.dates.update(_date(v.value) for v in values)
        for partial in props.get(str(IG.partialDate), []):
            gold.dates.add(_partial(store, partial.value))
        if str(ORG.Membership) in types and str(ORG.member) in props and str(ORG.organization) in props:
            person = props[str(ORG.member)][0].value
            names = [fold(r["name"].value) for r in run(store, "SELECT ?name WHERE { ?p foaf:name ?name }",
                                                        substitutions={ox.Variable("p"): ox.NamedNode(person)})]
            if names:
                gold.posts.add((names[0], props[str(ORG.organization)][0].value))
        if any(t in _RELATIONSHIP_CLASSES for t in types) and str(IG.party) in props:
            parties = frozenset(v.value for v in props[str(IG.party)])
            if len(parties) >= 2:
                gold.relationships.add((next(t for t in types if t in _RELATIONSHIP_CLASSES), parties))
    gold.actors -= {a for a in gold.actors if a.rsplit("/", 1)[-1].startswith(("doc-", "ev-"))}
    return gold


_RELATIONSHIP_CLASSES = {str(IG[c]) for c in ("Cooperation", "Agreement", "Proposal", "Request", "Recommendation",
                                              "Commitment", "Goal")}


def _date(value: str) -> str:
    return value[:10]


def _partial(store: ox.Store, node: str) -> str:
    parts = {local_name(r["p"].value): r["v"].value for r in run(
        store, "SELECT ?p ?v WHERE { ?d ?p ?v FILTER(?p IN (time:year, time:month, time:day)) }",
        substitutions={ox.Variable("d"): ox.NamedNode(node)})}
    return partial_date(parts)


def partial_date(parts: dict[str, str]) -> str:
    """A date known in part, as the gold standard writes it: 2024, 2024-09, -04-14 (a day without a year)."""
    year, month, day = parts.get("year", ""), parts.get("month", "").strip("-"), parts.get("day", "").strip("-")
    if not month:
        return year
    return f"{year}-{month}" + (f"-{day}" if day else "")


def candidate_dates(candidates: Iterable[Candidate]) -> set[str]:
    """The dates the candidates state, written as the gold standard writes them."""
    found = set()
    for c in candidates:
        if c.state == "rejected" or c.kind == "date":
            continue
        for _, p, o in c.triples.triples((None, None, None)):
            if str(p) in _DATE_PROPERTIES:
                found.add(_date(str(o)))
        for _, _, partial in c.triples.triples((None, IG.partialDate, None)):
            parts = {local_name(str(p)): str(v) for _, p, v in c.triples.triples((partial, None, None))
                     if p in (TIME.year, TIME.month, TIME.day)}
            found.add(partial_date(parts))
    return found


def score(candidates: list[Candidate], gold: Gold, gazetteer: Gazetteer) -> dict[str, Score]:
    """How the candidates of one article compare with its gold standard, for each kind scored."""
    by_kind: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_kind[c.kind].append(c)
    known_gold = {a for a in gold.actors if gazetteer.known(a)}
    new_gold = {a for a in gold.actors - known_gold if gazetteer.cls(a) not in _NOT_NEW_ACTORS}
    found_known = {str(c.node) for c in by_kind["known-actor"]}
    new = by_kind["new-actor"]
    found_dates = candidate_dates(candidates)
    posts = {(_person_name(c), str(c.triples.value(c.node, ORG.organization))) for c in by_kind["person-post"]}
    relationships = {(str(c.triples.value(c.node, RDF.type)), frozenset(str(o) for o in c.triples.objects(c.node, IG.party)))
                     for c in by_kind["relationship"]}

    def same_relationship(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
        return a[0] == b[0] and len(a[1] & b[1]) >= 2

    return {
        "known-actor": _sets("known-actor", found_known, known_gold),
        "new-actor": Score("new-actor", len(new), sum(any(_same_actor(c, a, gold) for a in new_gold) for c in new),
                           len(new_gold), sum(any(_same_actor(c, a, gold) for c in new) for a in new_gold)),
        "person-post": _sets("person-post", posts, gold.posts),
        "figure": _score_figures(by_kind["figure"], gold),
        "date": _sets("date", found_dates, gold.dates),
        "relationship": Score("relationship", len(relationships),
                              sum(any(same_relationship(r, g) for g in gold.relationships) for r in relationships),
                              len(gold.relationships),
                              sum(any(same_relationship(r, g) for r in relationships) for g in gold.relationships)),
    }


# People are scored with their posts; programmes, schemes, agreements and decisions are documents, not new actors.
_NOT_NEW_ACTORS = {str(FOAF.Person), str(IG.Programme), str(IG.Scheme), str(IG.TradeAgreement), str(IG.PolicyDocument)}


def _sets(kind: str, found: set, gold: set) -> Score:  # type: ignore[type-arg]
    return Score(kind, len(found), len(found & gold), len(gold), len(found & gold))


def _person_name(candidate: Candidate) -> str:
    person = candidate.triples.value(candidate.node, ORG.member)
    name = candidate.triples.value(person, FOAF.name) if person is not None else None
    return fold(str(name)) if name is not None else fold(candidate.summary.split(":")[0])


def _same_actor(candidate: Candidate, actor: str, gold: Gold) -> bool:
    """A proposed new actor is a gold one when its name is one of the gold actor's names, or holds one."""
    label = candidate.triples.value(candidate.node, RDFS.label)
    name = fold(str(label)) if label is not None else ""
    names = gold.names.get(actor, set())
    if not name:
        return False
    if name in names or local_name(actor) == local_name(str(candidate.node)):
        return True
    return any(_names_match(name, n) for n in names)


def _score_figures(candidates: list[Candidate], gold: Gold) -> Score:
    """A figure is right when its value, unit and status are a gold observation's and it stands in its quotes."""
    unmatched = list(gold.observations)
    right = 0
    for c in candidates:
        value = Decimal(str(c.triples.value(c.node, SDMX_MEASURE.obsValue)))
        unit = local_name(str(c.triples.value(c.node, SDMX_ATTRIBUTE.unitMeasure)))
        status = local_name(str(c.triples.value(c.node, SDMX_ATTRIBUTE.obsStatus)))
        start, end = c.span
        match = next((o for o in unmatched if (o.value, o.unit, o.status) == (value, unit, status)
                      and any(s <= end and start <= e for s, e in o.spans)), None)
        if match is not None:
            unmatched.remove(match)
            right += 1
    return Score("figure", len(candidates), right, len(gold.observations), right)


def score_annotated(candidates: list[Candidate], article: dict, text: str) -> dict[str, Score]:  # type: ignore[type-arg]
    """How the candidates of a hand-annotated article (scripts/fixtures/ingest_gold.json) compare with it."""
    by_kind: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_kind[c.kind].append(c)
    prefix = "https://w3id.org/innograph/id/"
    known_gold = {prefix + a.removeprefix("igr:") for a in article["known_actors"]}
    found_known = {str(c.node) for c in by_kind["known-actor"]}
    new_names = [fold(a["name"]) for a in article["new_actors"]]
    new = [fold(str(c.triples.value(c.node, RDFS.label) or "")) for c in by_kind["new-actor"]]
    people_gold = {fold(p["name"]) for p in article["people"]}
    people = {_person_name(c) for c in by_kind["person-post"]}
    figures_gold = [(Decimal(f["value"]), f["unit"], f["status"]) for f in article["figures"]]
    figures = [(Decimal(str(c.triples.value(c.node, SDMX_MEASURE.obsValue))),
                local_name(str(c.triples.value(c.node, SDMX_ATTRIBUTE.unitMeasure))),
                local_name(str(c.triples.value(c.node, SDMX_ATTRIBUTE.obsStatus)))) for c in by_kind["figure"]]
    remaining = list(figures_gold)
    figures_right = 0
    for f in figures:
        if f in remaining:
            remaining.remove(f)
            figures_right += 1
    dates_gold, dates = set(article["dates"]), candidate_dates(candidates)
    relationships_gold = [(r["class"], {prefix + p.removeprefix("igr:") if p.startswith("igr:") else fold(p) for p in r["parties"]})
                          for r in article["relationships"]]
    relationships = [(local_name(str(c.triples.value(c.node, RDF.type))), {str(o) for o in c.triples.objects(c.node, IG.party)})
                     for c in by_kind["relationship"]]

    def same(a: tuple[str, set[str]], b: tuple[str, set[str]]) -> bool:
        return a[0] == b[0] and len(a[1] & b[1]) >= 2

    return {
        "known-actor": _sets("known-actor", found_known, known_gold),
        "new-actor": Score("new-actor", len(new), sum(any(_names_match(n, g) for g in new_names) for n in new),
                           len(new_names), sum(any(_names_match(n, g) for n in new) for g in new_names)),
        "person-post": _sets("person-post", people, people_gold),
        "figure": Score("figure", len(figures), figures_right, len(figures_gold), figures_right),
        "date": _sets("date", dates, dates_gold),
        "relationship": Score("relationship", len(relationships), sum(any(same(r, g) for g in relationships_gold) for r in relationships),
                              len(relationships_gold), sum(any(same(r, g) for r in relationships) for g in relationships_gold)),
    }


def _names_match(a: str, b: str) -> bool:
    """Two folded names of one actor: the same, or sharing most of their words."""
    if not a or not b:
        return False
    if a == b:
        return True
    wa, wb = set(re.findall(r"\w+", a)), set(re.findall(r"\w+", b))
    return len(wa & wb) / len(wa | wb) >= 0.6
