"""The closures the build writes (graph/closure.py) give what the paths they replace give."""

import pyoxigraph as ox
import pytest

from graph.closure import INDEX_GRAPH, write_closures
from graph.namespaces import PREFIXES
from graph.rdfio import discover
from graph.settings import Settings
from graph.validate import load


@pytest.fixture(scope="module")
def everything(settings: Settings) -> ox.Store:
    """Every input of the default build, ingested articles included, loaded as the build loads them."""
    store = ox.Store()
    load(store, discover(settings.default_inputs, exclude=(settings.shapes_file,)))
    return store


def _pairs(store: ox.Store, where: str) -> set[tuple[str, str]]:
    rows = store.query(f"SELECT ?c ?d WHERE {{ {where} }}", prefixes=PREFIXES, use_default_graph_as_union=True)
    return {(row["c"].value, row["d"].value) for row in rows}  # type: ignore[index,union-attr]


@pytest.mark.parametrize(("closure", "path"), [
    ("ig:kindOf", "rdfs:subClassOf*"),
    ("ig:within", "(skos:broader|schema:superEvent|schema:containedInPlace)*"),
])
def test_a_closure_holds_every_pair_its_path_reaches_and_no_other(everything: ox.Store, closure: str, path: str) -> None:
    written = _pairs(everything, f"?c {closure} ?d")
    assert written == _pairs(everything, f"?c {closure} ?any . ?c {path} ?d")
    assert len(written) > 50


def test_every_class_used_every_concept_and_every_event_is_in_its_closure(everything: ox.Store) -> None:
    kinds = _pairs(everything, "?c ig:kindOf ?d")
    within = _pairs(everything, "?c ig:within ?d")
    for query, closure in (("?x a ?c BIND (?c AS ?d)", kinds), ("?c skos:inScheme ?s BIND (?c AS ?d)", within),
                           ("?c a schema:Event BIND (?c AS ?d)", within)):
        found = _pairs(everything, query)
        assert found and found <= closure
    assert ("https://w3id.org/innograph/ontology#Cooperation", "https://w3id.org/innograph/ontology#Fact") in kinds
    assert ("https://w3id.org/innograph/concept/sector/semiconductor-chip-manufacturing",
            "https://w3id.org/innograph/concept/sector/high-tech-industry") in within


def test_the_closures_live_in_the_index_graph_alone(everything: ox.Store) -> None:
    for closure in ("kindOf", "within"):
        graphs = {q.graph_name for q in everything.quads_for_pattern(None, ox.NamedNode(PREFIXES["ig"] + closure), None)}
        assert graphs == {INDEX_GRAPH}


def test_a_cycle_of_broader_concepts_ends() -> None:
    store = ox.Store()
    store.load(input=b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <urn:a> skos:broader <urn:b> . <urn:b> skos:broader <urn:c> . <urn:c> skos:broader <urn:a> .""",
               format=ox.RdfFormat.TURTLE)
    write_closures(store)
    within = _pairs(store, "?c ig:within ?d")
    assert within == {(c, d) for c in ("urn:a", "urn:b", "urn:c") for d in ("urn:a", "urn:b", "urn:c")}
