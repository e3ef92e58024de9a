"""The collaboration network projected from the seed graph: the ties the articles state, filters, ego
networks, metrics and sentences, exports that NetworkX reads back, and the `innograph network` command."""

import io
import json
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from conftest import quote_at
from graph import network as nw
from graph.errors import ParameterError
from graph.namespaces import PREFIXES

IGR = PREFIXES["igr"]
C4IR, HCMC, TORINO = IGR + "c4ir-hcmc", IGR + "ho-chi-minh-city", IGR + "torino"
CONSULATES = [IGR + f"consulate-general-{c}" for c in ("japan", "south-korea", "united-states")]
MEETING = IGR + "event-c4ir-hcmc-consuls-general-meeting"
SOUTHEAST_DOSTS = [IGR + f"{p}-department-of-science-and-technology"
                   for p in ("hcmc", "binh-duong", "dong-nai", "ba-ria-vung-tau", "tay-ninh", "binh-phuoc")]
AGREEMENT_2023 = IGR + "agreement-southeast-technology-exchange-data-sharing-2023"


@pytest.fixture(scope="module")
def network(store: ox.Store) -> nw.Network:
    return nw.project(store)


def ties(graph: nx.MultiGraph, a: str, b: str) -> list[dict]:
    return list(graph.get_edge_data(a, b, default={}).values())


def test_c4ir_is_tied_to_each_consulate_through_the_14_april_meeting(network: nw.Network, seeds: dict[str, str]) -> None:
    for consulate in CONSULATES:
        meeting = [t for t in ties(network.graph, C4IR, consulate) if t["fact"] == MEETING]
        assert len(meeting) == 1, consulate
        tie = meeting[0]
        assert tie["kind"] == "co-participation"
        assert tie["roles"] == {C4IR: "host", consulate: "delegate"}
        assert tie["date"] == "--04-14"  # the article gives no year ...
        assert tie["start"] == "2025-04-14" and tie["date_inferred"]  # ... the curator's inferred one is marked
        file, quote, start = tie["sources"][0]
        assert seeds[file][start:start + len(quote)] == quote and "14/4" in quote
        assert not tie["inferred"]


def test_the_partner_cities_of_the_mayors_conference_are_inferred_ties_of_hcmc(network: nw.Network) -> None:
    for city in ("torino", "porto", "san-francisco"):
        partner = [t for t in ties(network.graph, HCMC, IGR + city) if t["kind"] == "partner-city"]
        assert len(partner) == 1, city
        assert partner[0]["inferred"] and partner[0]["fact"] == IGR + "inference-hcmc-partner-localities"
        assert any("37 địa phương quốc tế có quan hệ hợp tác hữu nghị" in quote for _, quote, _ in partner[0]["sources"])
        met = [t for t in ties(network.graph, HCMC, IGR + city) if t["kind"] == "co-participation"]
        assert met and met[0]["start"] == "2024-09-24" and not met[0]["inferred"]
    # partner cities are partners of HCMC, not of each other
    assert not [t for t in ties(network.graph, TORINO, IGR + "porto") if t["kind"] == "partner-city"]


def test_the_provincial_departments_are_the_parties_of_the_2023_agreement(network: nw.Network) -> None:
    for a in SOUTHEAST_DOSTS:
        for b in SOUTHEAST_DOSTS:
            if a < b:
                agreement = [t for t in ties(network.graph, a, b) if t["fact"] == AGREEMENT_2023]
                assert len(agreement) == 1, (a, b)
                assert agreement[0]["kind"] == "agreement" and agreement[0]["status"] == "signed"
                assert agreement[0]["date"] == "2023-11-17"
                assert agreement[0]["inferred"]  # the article names no department: the membership is inferred
        member = [t for t in ties(network.graph, a, IGR + "southeast-departments-of-science-and-technology")
                  if t["kind"] == "membership"]
        assert member and member[0]["inferred"]


def test_every_tie_has_a_fact_and_a_quote_from_its_source(network: nw.Network, texts: dict[str, str]) -> None:
    assert network.graph.number_of_edges() > 200
    for a, b, tie in network.graph.edges(data=True):
        assert tie["kind"] in nw.RELATIONS
        assert tie["sources"], (a, b, tie["fact"])
        for file, quote, start in tie["sources"]:
            assert quote_at(texts, file, start, start + len(quote)) in (quote, None)
    for node, data in network.graph.nodes(data=True):
        assert data["label_vi"] and data["label_en"] and data["category"], node


def test_filters_keep_what_they_say(network: nw.Network) -> None:
    before_2024 = nw.view(network, nw.Filters(as_of=date(2023, 12, 31)))
    assert before_2024.has_edge(SOUTHEAST_DOSTS[0], SOUTHEAST_DOSTS[1])
    # the Mayors' Conference was on 24 September 2024; the undated partnership stays
    assert {t["kind"] for t in ties(before_2024, HCMC, TORINO)} == {"partner-city"}
    assert all(not t["start"] or t["start"] <= "2023-12-31" for _, _, t in before_2024.edges(data=True))

    semiconductors = nw.view(network, nw.Filters.parse(sectors=["semiconductors"]))
    assert semiconductors.number_of_edges() > 0
    for _, _, tie in semiconductors.edges(data=True):
        assert any(s == PREFIXES["sector"] + "semiconductors" or PREFIXES["sector"] + "semiconductors" in network.broader.get(s, ())
                   for s in tie["sectors"])

    international = nw.view(network, nw.Filters.parse(categories=["international"]))
    assert {d["category"] for _, d in international.nodes(data=True)} == {"international"}

    one_source = nw.view(network, nw.Filters.parse(sources=["004_fdba76f455c76230.txt"]))
    assert one_source.has_edge(C4IR, CONSULATES[0]) and not one_source.has_edge(HCMC, TORINO)
    assert all("004_fdba76f455c76230.txt" in {s[0] for s in t["sources"]} for _, _, t in one_source.edges(data=True))

    proposals = nw.view(network, nw.Filters.parse(relations=["proposal"]))
    assert {t["kind"] for _, _, t in proposals.edges(data=True)} == {"proposal"}
    assert "shared-sector" not in {t["kind"] for _, _, t in nw.view(network, nw.Filters()).edges(data=True)}
    assert "shared-sector" in {t["kind"] for _, _, t in nw.view(network, nw.Filters.parse(relations=["shared-sector"])).edges(data=True)}


@pytest.mark.parametrize("kwargs, message", [
    ({"categories": ["ministries"]}, "unknown category ministries"),
    ({"as_of": "24/9/2024"}, "YYYY-MM-DD"),
    ({"relations": ["friendship"]}, "unknown relation(s) friendship"),
])
def test_a_wrong_filter_says_what_is_allowed(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        nw.Filters.parse(**kwargs)


def test_an_ego_network_reaches_k_hops(network: nw.Network) -> None:
    graph = nw.view(network, nw.Filters())
    one = nw.ego(graph, C4IR, 1)
    assert set(one) == {C4IR, *graph[C4IR]}
    two = nw.ego(graph, C4IR, 2)
    assert set(one) < set(two)


def test_metrics_and_sentences_explain_position(network: nw.Network) -> None:
    graph = nw.view(network, nw.Filters())
    rows, metrics = nw.report(network, graph)
    by_actor = {r["actor"]: r for r in rows}
    c4ir = by_actor[C4IR]
    simple = nw.collaboration(graph)
    assert c4ir["degree"] == simple.degree(C4IR) and c4ir["weighted_degree"] >= c4ir["degree"]
    assert metrics.betweenness_k is None  # exact on a small graph
    assert {n for c in metrics.communities for n in c} == set(simple)
    assert abs(sum(r["pagerank"] for r in rows) - 1) < 1e-6
    # C4IR links international actors (consulates) with the city government, which are not tied directly
    assert c4ir["brokerage"] > 0 and "government+international" in c4ir["bridges"]
    assert "Centre for the Fourth Industrial Revolution Ho Chi Minh City is tied to" in c4ir["position_en"]
    assert "international" in c4ir["position_en"]
    assert c4ir["position_vi"].startswith("Trung tâm Cách mạng công nghiệp lần thứ 4") and "quốc tế" in c4ir["position_vi"]


def test_positions_are_kept_for_the_days_last_asked_for(store: ox.Store) -> None:
    """A brief may be asked as of any day; the network keeps the positions of the few days last asked for."""
    network = nw.project(store, shared_sectors=False)
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(nw._DAYS_KEPT + 2)]
    first = network.position(days[0])
    assert network.position(days[0]) is first  # computed once
    for day in days[1:]:
        network.position(day)
    network.position(days[3])  # asked again: kept longer
    network.position(date(2025, 1, 1))
    assert len(network.positions) == nw._DAYS_KEPT
    assert days[0] not in network.positions and days[3] in network.positions
    assert date(2025, 1, 1) in network.positions and days[-1] in network.positions


def test_a_part_of_a_graph_keeps_the_order_asked_for_and_every_tie() -> None:
    """networkx's subgraph of a few actors follows a set, whose order changes with the hash seed."""
    multi = nx.MultiGraph()
    names = [f"actor-{i:02d}" for i in range(40)]
    for a, b in zip(names, names[1:]):
        multi.add_edge(a, b, key="k1")
        multi.add_edge(b, a, key="k2")
    multi.add_edge(names[5], names[5], key="self")
    wanted = [names[i] for i in (9, 3, 5, 4, 8, 2, 6)]
    part = nw.induced(multi, wanted)
    assert list(part) == wanted
    assert sorted((min(a, b), max(a, b), k) for a, b, k in part.edges(keys=True)) == sorted(
        (min(a, b), max(a, b), k) for a, b, k in multi.subgraph(wanted).edges(keys=True))
    simple = nx.path_graph(names)
    assert list(nw.induced(simple, wanted)) == wanted
    assert set(map(frozenset, nw.induced(simple, wanted).edges)) == {frozenset(e) for e in simple.subgraph(wanted).edges}


def test_brokerage_counts_open_pairs_across_categories() -> None:
    star = nx.Graph()
    star.add_node("hub", category="intermediary")
    for node, category in (("g", "government"), ("i1", "international"), ("i2", "international"), ("a", "academia")):
        star.add_node(node, category=category)
        star.add_edge("hub", node, weight=1)
    star.add_edge("g", "a", weight=1)  # closes the government-academia pair
    metrics = nw.measure(star)
    # cross-category neighbour pairs: g-i1, g-i2, g-a, i1-a, i2-a = 5, of which g-a is closed
    assert metrics.values["hub"]["brokerage"] == 4
    assert metrics.values["hub"]["bridges"] == "academia+international government+international"


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json"])
def test_exports_read_back_with_the_same_nodes_and_ties(network: nw.Network, fmt: str) -> None:
    graph = nw.view(network, nw.Filters())
    body = nw.export(graph, fmt)
    if fmt == "gexf":
        back = nx.read_gexf(io.BytesIO(body))
        assert b'mode="dynamic"' in body and b'timeformat="date"' in body and b'start="2024-09-24"' in body
    elif fmt == "graphml":
        back = nx.read_graphml(io.BytesIO(body))
    else:
        back = nx.node_link_graph(json.loads(body), edges="edges")
    assert set(back.nodes) == set(graph.nodes)

    def edges(g: nx.MultiGraph) -> list:
        return sorted((min(a, b), max(a, b), d["kind"], d["fact"]) for a, b, d in g.edges(data=True))

    assert edges(back) == edges(graph)
    assert back.nodes[C4IR]["label_vi"] == graph.nodes[C4IR]["label_vi"]


def test_graphml_is_read_by_igraph_without_a_warning(network: nw.Network) -> None:
    """python-igraph, as a network analyst would open the export: every actor and tie, attributes typed, no warning."""
    import igraph

    graph = nw.view(network, nw.Filters())
    body = nw.export(graph, "graphml")
    with tempfile.NamedTemporaryFile(suffix=".graphml") as file, warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning fails the test
        file.write(body)
        file.flush()
        read = igraph.Graph.Read_GraphML(file.name)
    assert sorted(read.vs["id"]) == sorted(graph.nodes)
    assert read.ecount() == graph.number_of_edges()
    assert sorted(read.es["fact"]) == sorted(d["fact"] for *_, d in graph.edges(data=True))
    c4ir = read.vs.find(id=C4IR)
    assert c4ir["label_vi"] == graph.nodes[C4IR]["label_vi"] and c4ir.degree() == graph.degree(C4IR)


def test_a_tie_with_a_period_starts_and_ends_on_gephis_timeline() -> None:
    store = ox.Store()
    store.load(input=b"""
        @prefix ig: <https://w3id.org/innograph/ontology#> . @prefix igr: <https://w3id.org/innograph/id/> .
        @prefix dcterms: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix org: <http://www.w3.org/ns/org#> . @prefix category: <https://w3id.org/innograph/concept/category/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ig:Cooperation rdfs:subClassOf ig:Relationship .
        igr:a a org:FormalOrganization ; ig:category category:government .
        igr:b a org:FormalOrganization ; ig:category category:academia .
        igr:coop a ig:Cooperation ; ig:party igr:a , igr:b ; dcterms:date "2024"^^xsd:gYear ; ig:periodEnd "2026"^^xsd:gYear .
        """, format=ox.RdfFormat.TURTLE)
    graph = nw.view(nw.project(store), nw.Filters())
    (tie,) = [d for _, _, d in graph.edges(data=True)]
    assert (tie["kind"], tie["start"], tie["end"]) == ("cooperation", "2024-01-01", "2026-12-31")
    body = nw.export(graph, "gexf")
    assert b'start="2024-01-01"' in body and b'end="2026-12-31"' in body


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graph", "network", *args], capture_output=True, text=True, timeout=120)


def test_the_cli_reports_and_exports(built_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = run_cli("report", "--store", str(built_store), "--lang", "en", "--ego", "c4ir-hcmc", "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert "Centre for the Fourth Industrial Revolution Ho Chi Minh City is tied to 10 actors" in done.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {r["actor"] for r in report["actors"]} >= {C4IR, *CONSULATES}
    assert all(r["position_vi"] and r["position_en"] for r in report["actors"])

    gexf = tmp_path / "c4ir.gexf"
    done = run_cli("export", str(gexf), "--store", str(built_store), "--ego", "c4ir-hcmc", "--relation", "co-participation")
    assert done.returncode == 0, done.stderr
    back = nx.read_gexf(gexf)
    assert set(back) == {C4IR, *CONSULATES, IGR + "le-truong-duy"}

    done = run_cli("export", str(tmp_path / "x.svg"), "--store", str(built_store))
    assert done.returncode == 1 and "unknown network format 'svg'" in done.stderr
    assert not (tmp_path / "x.svg").exists()


def test_betweenness_is_networkx_s_when_exact_and_keeps_to_its_budget_when_sampled(network: nw.Network) -> None:
    simple = nw.collaboration(nw.view(network, nw.Filters()))
    exact, sources = nw.betweenness(simple)
    assert sources is None
    assert exact == pytest.approx(nx.betweenness_centrality(simple), abs=1e-12)
    # On a star every path between two leaves runs through the hub, so any sample estimates it exactly.
    star = nx.star_graph(300)
    estimate, sources = nw.betweenness(star, budget_s=0.0)
    assert sources is not None and sources < 301
    assert estimate[0] == pytest.approx(1.0) and max(estimate[leaf] for leaf in range(1, 301)) == 0.0
    # A budget is kept to within a few sources: 0.2 s on a graph whose exact betweenness takes far longer.
    grid = nx.grid_2d_graph(60, 60)
    started = time.perf_counter()
    _, sources = nw.betweenness(grid, budget_s=0.2)
    assert sources is not None and sources < 3600 // 2 and time.perf_counter() - started < 3.0  # exact takes tens of seconds


@pytest.mark.parametrize("filters", [nw.Filters(), nw.Filters(as_of=date(2024, 6, 30)), nw.Filters.parse(categories=["international", "intermediary"]),
                                     nw.Filters.parse(relations=["proposal", "co-participation"])], ids=["all", "as-of", "categories", "relations"])
@pytest.mark.parametrize("hops", [1, 2])
def test_an_ego_view_is_the_ego_network_of_the_whole_view(network: nw.Network, filters: nw.Filters, hops: int) -> None:
    whole = nw.view(network, filters)
    for center in (C4IR, HCMC, TORINO, IGR + "consulate-general-japan"):
        if center not in whole:
            with pytest.raises(ParameterError):
                nw.ego_view(network, filters, center, hops)
            continue
        expected, got = nw.ego(whole, center, hops), nw.ego_view(network, filters, center, hops)
        assert set(got.nodes) == set(expected.nodes)
        assert {(frozenset((a, b)), key) for a, b, key in got.edges(keys=True)} == \
            {(frozenset((a, b)), key) for a, b, key in expected.edges(keys=True)}
