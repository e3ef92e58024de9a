"""Linked data as a crawler or a linked-data tool takes it, from the live server: the VoID description, the
dump, the ontology's terms, the concepts and the named graphs, each in HTML and in RDF, and every count they
state checked against /sparql."""

import json
import re

import httpx
import pyoxigraph as ox
import pytest
from conftest import assert_offline

VOID = "http://rdfs.org/ns/void#"
IG = "https://w3id.org/innograph/ontology#"
HTML = {"Accept": "text/html"}
TURTLE = {"Accept": "text/turtle"}


def _count(base: str, query: str) -> int:
    response = httpx.get(f"{base}/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=60)
    assert response.status_code == 200, response.text
    return int(response.text.split()[1])


def _turtle(response: httpx.Response) -> ox.Store:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/turtle")
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    return store


def _value(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> str:
    (quad,) = store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
    return quad.object.value


@pytest.fixture(scope="module")
def void(base: str) -> ox.Store:
    return _turtle(httpx.get(f"{base}/.well-known/void", headers=TURTLE, timeout=60))


def test_void_states_the_counts_that_sparql_gives(base: str, void: ox.Store) -> None:
    dataset = ox.NamedNode("https://w3id.org/innograph/")
    assert _value(void, dataset, VOID + "sparqlEndpoint") == f"{base}/sparql"
    assert _value(void, dataset, "http://purl.org/dc/terms/license") == "https://creativecommons.org/licenses/by/4.0/"
    assert int(_value(void, dataset, VOID + "triples")) == _count(base, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert int(_value(void, dataset, VOID + "classes")) == _count(base, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")
    (partition,) = [q.subject for q in void.quads_for_pattern(None, ox.NamedNode(VOID + "class"), ox.NamedNode(IG + "Participation"))]
    assert int(_value(void, partition, VOID + "entities")) == _count(base, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ig:Participation }")
    graphs = [q.object for q in void.quads_for_pattern(dataset, ox.NamedNode(VOID + "subset"), None)]
    assert ox.NamedNode("https://w3id.org/innograph/graph/data/actors.ttl") in graphs
    for graph in graphs:
        assert int(_value(void, graph, VOID + "triples")) == _count(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    dumps = sorted(q.object.value for q in void.quads_for_pattern(dataset, ox.NamedNode(VOID + "dataDump"), None))
    assert dumps == [f"{base}/dump?format=nquads", f"{base}/dump?format=trig"]

    page = httpx.get(f"{base}/.well-known/void?lang=en", headers=HTML, timeout=60)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"{int(_value(void, dataset, VOID + 'triples')):,}" in page.text and 'href="/graph/data/actors.ttl?lang=en"' in page.text
    assert_offline(page.text)


def test_the_dump_holds_every_quad_in_each_format(base: str, void: ox.Store) -> None:
    quads = _count(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    nquads = httpx.get(f"{base}/dump", timeout=60)  # N-Quads for */*
    assert nquads.headers["content-type"].startswith("application/n-quads")
    from_nquads = set(ox.parse(nquads.content, format=ox.RdfFormat.N_QUADS))
    assert len(from_nquads) == quads
    trig = httpx.get(f"{base}/dump", headers={"Accept": "application/trig"}, timeout=60)
    assert trig.headers["content-type"].startswith("application/trig")
    assert set(ox.parse(trig.content, format=ox.RdfFormat.TRIG)) == from_nquads
    union = _turtle(httpx.get(f"{base}/dump?format=turtle", timeout=60))
    assert len(union) == int(_value(void, ox.NamedNode("https://w3id.org/innograph/"), VOID + "triples"))
    page = httpx.get(f"{base}/dump?lang=en", headers=HTML, timeout=60)
    assert page.status_code == 200 and 'href="/dump?format=trig"' in page.text
    refused = httpx.get(f"{base}/dump", headers={"Accept": "application/json"}, timeout=60)
    assert refused.status_code == 406 and "application/n-quads" in refused.text


def test_an_ontology_term_dereferences_to_the_ontology(base: str) -> None:
    ontology = _turtle(httpx.get(f"{base}/ontology", headers=TURTLE, timeout=60))
    fact = ox.NamedNode(IG + "Fact")
    labels = {q.object for q in ontology.quads_for_pattern(fact, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)}
    assert labels == {ox.Literal("Dữ kiện", language="vi"), ox.Literal("Fact", language="en")}
    assert len(ontology) == _count(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/innograph/graph/ontology/innograph.ttl> { ?s ?p ?o } }")
    page = httpx.get(f"{base}/ontology", headers=HTML, timeout=60)  # Vietnamese first
    assert page.status_code == 200 and '<tr id="Fact"><td><strong>Dữ kiện</strong>' in page.text
    english = httpx.get(f"{base}/ontology?lang=en", headers=HTML, timeout=60).text
    assert '<tr id="Fact"><td><strong>Fact</strong>' in english
    assert '<tr id="party">' in english and 'href="/ontology?lang=en#Relationship"' in english  # the domain, linked to its term
    assert_offline(page.text)


def test_a_concept_and_a_named_graph_dereference(base: str) -> None:
    page = httpx.get(f"{base}/concept/sector/semiconductors", headers=HTML, timeout=60)
    assert page.status_code == 200 and "<h1>Bán dẫn</h1>" in page.text
    assert "<h1>Semiconductors</h1>" in httpx.get(f"{base}/concept/sector/semiconductors?lang=en", headers=HTML, timeout=60).text
    concept = _turtle(httpx.get(f"{base}/concept/sector/semiconductors", headers=TURTLE, timeout=60))
    semiconductors = ox.NamedNode("https://w3id.org/innograph/concept/sector/semiconductors")
    assert ox.Literal("Bán dẫn", language="vi") in {q.object for q in concept.quads_for_pattern(
        semiconductors, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), None)}
    assert httpx.get(f"{base}/concept/sector/no-such-sector", headers=HTML, timeout=60).status_code == 404
    assert 'href="/concept/category/' in httpx.get(f"{base}/id/shtp", headers=HTML, timeout=60).text  # linked here, not to w3id.org

    actors = _turtle(httpx.get(f"{base}/graph/data/actors.ttl", headers=TURTLE, timeout=60))
    assert len(actors) == _count(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/innograph/graph/data/actors.ttl> { ?s ?p ?o } }")
    graph_page = httpx.get(f"{base}/graph/data/actors.ttl?lang=en", headers=HTML, timeout=60)
    assert graph_page.status_code == 200 and f"<td>{len(actors)}</td>" in graph_page.text
    assert httpx.get(f"{base}/graph/data/no-such-file.ttl", headers=TURTLE, timeout=60).status_code == 404


def test_a_page_names_its_rdf_forms_and_says_what_it_is_and_json_ld_has_a_context(base: str) -> None:
    page = httpx.get(f"{base}/id/shtp", headers=HTML, timeout=60)
    assert page.status_code == 200
    assert '</id/shtp?format=turtle>; rel="alternate"; type="text/turtle"' in page.headers["link"]
    assert '<link rel="alternate" type="application/ld+json" href="/id/shtp?format=jsonld">' in page.text
    (schema_text,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.DOTALL)
    schema = json.loads(schema_text)
    assert schema["@type"] == "Place" and schema["@id"] == "https://w3id.org/innograph/id/shtp"  # the park is a zone
    assert schema["name"] == "Khu Công nghệ cao Thành phố Hồ Chí Minh" and "Saigon Hi-Tech Park" in schema["alternateName"]

    c4ir = httpx.get(f"{base}/id/c4ir-hcmc?lang=en", headers=HTML, timeout=60).text
    assert json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', c4ir, re.DOTALL)[0])["@type"] == "Organization"

    ntriples = httpx.get(f"{base}/id/shtp", headers={"Accept": "application/n-triples"}, timeout=60).text.splitlines()
    assert ntriples and len(set(ntriples)) == len(ntriples)  # no triple twice
    jsonld = httpx.get(f"{base}/id/shtp", headers={"Accept": "application/ld+json"}, timeout=60)
    document = jsonld.json()
    assert document["@context"]["igr"] == "https://w3id.org/innograph/id/" and any(n.get("@id") == "igr:shtp" for n in document["@graph"])
    from_jsonld = set(ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD))
    from_ntriples = set(ox.parse("\n".join(ntriples).encode(), format=ox.RdfFormat.N_TRIPLES))
    assert from_jsonld == from_ntriples


@pytest.mark.parametrize(("path", "accept"), [("/id/shtp", "text/turtle"), ("/id/shtp", "text/html"), ("/ontology", "text/turtle"),
                                            ("/.well-known/void", "text/turtle"), ("/network", "text/html"),
                                            ("/sparql?query=ASK%20%7B%7D", "application/sparql-results+json")])
def test_head_is_answered_as_get_without_the_body(base: str, path: str, accept: str) -> None:
    """Crawlers and link checkers ask HEAD first: the same status, type and length as GET, and no body."""
    got = httpx.get(f"{base}{path}", headers={"Accept": accept}, timeout=60)
    head = httpx.head(f"{base}{path}", headers={"Accept": accept}, timeout=60)
    assert head.status_code == got.status_code == 200
    assert head.headers["content-type"] == got.headers["content-type"]
    assert int(head.headers["content-length"]) == len(got.content) and head.content == b""
