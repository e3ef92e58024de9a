"""Real SPARQL clients against a live server over the project's own graph: SPARQLWrapper, rdflib's SPARQLStore,
Comunica (JavaScript, on Node), curl, and the raw request Apache Jena's HTTP client sends (with an h2c upgrade
offer). All on loopback."""

import csv
import http.client
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from xml.dom.minidom import Document, Element, Text

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import ResultRow
from rdflib.term import Node
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from conftest import live_server
from graph.build import build
from graph.settings import Settings

# Written out in full, as a client that knows nothing of the service's predeclared prefixes would send it.
LABELS = """PREFIX igr: <https://w3id.org/innograph/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { igr:shtp rdfs:label ?label } ORDER BY ?label"""
SHTP = URIRef("https://w3id.org/innograph/id/shtp")
EXPECTED = {("Khu Công nghệ cao Thành phố Hồ Chí Minh", "vi"), ("Saigon Hi-Tech Park", "en")}
ACTORS_GRAPH = "https://w3id.org/innograph/graph/data/actors.ttl"  # where igr:shtp is described
DOCUMENTS_GRAPH = "https://w3id.org/innograph/graph/data/documents.ttl"  # where it is not
# What Apache Jena (QueryExecHTTP over java.net.http.HttpClient) sends for a SELECT by form POST over plain HTTP:
# the JDK client offers an upgrade to HTTP/2 cleartext on every HTTP/1.1 request.
JENA_HEADERS = {
    "Connection": "Upgrade, HTTP2-Settings",
    "HTTP2-Settings": "AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA",
    "Upgrade": "h2c",
    "User-Agent": "Apache-Jena-ARQ/5.2.0",
    "Accept": "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.7, "
              "text/csv;q=0.5, application/json;q=0.2, application/xml;q=0.2, */*;q=0.1",
    "Content-Type": "application/x-www-form-urlencoded",
}


@pytest.fixture(scope="module")
def endpoint(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The /sparql URL of `innograph serve` over a fresh build of the project's graph; no proxy is consulted."""
    store_dir = tmp_path_factory.mktemp("clients") / "store"
    build(settings, store_dir=store_dir)
    with pytest.MonkeyPatch.context() as env:
        for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            env.delenv(name, raising=False)
        with live_server(store_dir) as (base, _):
            yield f"{base}/sparql"


def _tagged(term: Node | None) -> tuple[str, str]:
    """A literal as (text, language tag or "")."""
    assert isinstance(term, Literal), term
    return str(term), term.language or ""


def _text(element: Element) -> str:
    return "".join(child.data for child in element.childNodes if isinstance(child, Text))


def _json_labels(results: dict[str, object]) -> set[tuple[str, str]]:
    bindings = results["results"]["bindings"]  # type: ignore[index]
    return {(b["label"]["value"], b["label"].get("xml:lang", "")) for b in bindings}


# ---------------------------------------------------------------------------------------------------- SPARQLWrapper

@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_each_of_its_formats(endpoint: str, return_format: str, method: str) -> None:
    """As SPARQLWrapper asks by default (not only by Accept): its `format`, `output` and `results` parameters,
    for TSV each sent twice, once as a name and once as a media type."""
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(LABELS)
    sparql.setMethod(method)
    sparql.setReturnFormat(return_format)
    response = sparql.query()
    assert response.response.status == 200
    result = response.convert()
    if return_format == JSON:
        assert isinstance(result, dict)
        assert _json_labels(result) == EXPECTED
    elif return_format == XML:
        assert isinstance(result, Document)
        literals = result.getElementsByTagName("literal")
        assert {(_text(node), node.getAttribute("xml:lang")) for node in literals} == EXPECTED
    else:
        assert isinstance(result, bytes)
        if return_format == CSV:  # CSV has no language tags
            header, *rows = list(csv.reader(io.StringIO(result.decode("utf-8"), newline="")))
            assert header == ["label"] and sorted(rows) == sorted([label] for label, _ in EXPECTED)
        else:  # TSV writes terms as Turtle does
            header, *lines = result.decode("utf-8").splitlines()
            assert header == "?label" and sorted(lines) == sorted(f'"{label}"@{lang}' for label, lang in EXPECTED)


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("return_format", [TURTLE, N3, XML, RDFXML, JSONLD])
def test_sparqlwrapper_construct_in_each_of_its_formats(endpoint: str, return_format: str, method: str) -> None:
    """A CONSTRUCT in each RDF syntax SPARQLWrapper offers: `xml` is RDF/XML here, N3 comes as Turtle (which is
    N3), and JSON-LD and RDF/XML are each asked for twice, by name and by media type."""
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(LABELS.replace("SELECT ?label WHERE", "CONSTRUCT { igr:shtp rdfs:label ?label } WHERE").replace(" ORDER BY ?label", ""))
    sparql.setMethod(method)
    sparql.setReturnFormat(return_format)
    response = sparql.query()
    assert response.response.status == 200
    result = response.convert()
    if isinstance(result, bytes):  # Turtle and N3: the text, as SPARQLWrapper hands it over
        result = Graph().parse(data=result.decode("utf-8"), format="turtle")
    assert isinstance(result, Graph)
    assert {_tagged(label) for label in result.objects(SHTP, RDFS.label)} == EXPECTED


def test_a_format_parameter_the_accept_header_agrees_with_is_answered(endpoint: str) -> None:
    """`format` repeated, with a name and a media type that agree, or beside `output`: no conflict; a format for
    the other kind of result is refused with the formats that fit."""
    def ask(**params: str | list[str]) -> httpx.Response:
        return httpx.get(endpoint, params={"query": LABELS, **params}, headers={"Accept": "text/csv"}, timeout=30)

    assert ask(format=["json", "application/sparql-results+json"]).headers["content-type"].startswith("application/sparql-results+json")
    assert ask(format="tsv", output="tsv").headers["content-type"].startswith("text/tab-separated-values")
    refused = ask(format="turtle")
    assert refused.status_code == 406 and "application/sparql-results+json" in refused.text
    assert ask(format="yaml").status_code == 406


# ---------------------------------------------------------------------------------------------------- rdflib

def test_rdflib_sparqlstore_query(endpoint: str) -> None:
    """A Graph as rdflib makes one by default (named by a blank node, so no default-graph-uri is sent): the
    endpoint's default graph, the union of the store's graphs, answers."""
    graph = Graph(store=SPARQLStore(query_endpoint=endpoint))
    assert {_tagged(row["label"]) for row in graph.query(LABELS) if isinstance(row, ResultRow)} == EXPECTED


def test_rdflib_sparqlstore_triples_in_a_named_graph(endpoint: str) -> None:
    """rdflib writes its own queries for triple patterns; a Graph named by one of the store's graphs is sent as
    default-graph-uri, and the service answers from that graph alone."""
    actors = Graph(store=SPARQLStore(query_endpoint=endpoint), identifier=URIRef(ACTORS_GRAPH))
    assert {_tagged(label) for label in actors.objects(SHTP, RDFS.label)} == EXPECTED
    documents = Graph(store=SPARQLStore(query_endpoint=endpoint), identifier=URIRef(DOCUMENTS_GRAPH))
    assert list(documents.objects(SHTP, RDFS.label)) == []


# ---------------------------------------------------------------------------------------------------- Comunica

JS_CLIENTS = Path(__file__).parent / "js"  # its package.json and lock; `make test` installs node_modules there


def _comunica(endpoint: str, query: str) -> list[dict[str, dict[str, str]]]:
    """The answer of Comunica's query engine with the endpoint as its one source, a JSON object a line."""
    node = shutil.which("node")
    assert node is not None and (JS_CLIENTS / "node_modules" / "@comunica").is_dir(), \
        "Node and Comunica are installed by `make test` (Debian's nodejs and npm, then npm ci in tests/js)"
    done = subprocess.run([node, str(JS_CLIENTS / "comunica.mjs"), endpoint, query], capture_output=True, timeout=120,
                          check=False, cwd=JS_CLIENTS)
    assert done.returncode == 0, done.stderr.decode()
    return [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]


def test_comunica_asks_select_ask_and_construct(endpoint: str) -> None:
    rows = _comunica(endpoint, LABELS)
    assert {(row["label"]["value"], row["label"]["language"]) for row in rows} == EXPECTED
    ask = LABELS.replace("SELECT ?label WHERE", "ASK").replace(" ORDER BY ?label", "")
    assert _comunica(endpoint, ask) == [{"boolean": True}]
    construct = LABELS.replace("SELECT ?label WHERE", "CONSTRUCT { igr:shtp rdfs:label ?label } WHERE").replace(" ORDER BY ?label", "")
    triples = _comunica(endpoint, construct)
    assert {(t["subject"]["value"], t["object"]["value"], t["object"]["language"]) for t in triples} == {(str(SHTP), *e) for e in EXPECTED}


# ---------------------------------------------------------------------------------------------------- curl

def _curl(*args: str, stdin: bytes | None = None) -> str:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed (Debian: apt-get install curl)")
    done = subprocess.run([curl, "--silent", "--show-error", "--fail", "--noproxy", "*", *args],
                          input=stdin, capture_output=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode("utf-8")


def test_curl_data_urlencode(endpoint: str) -> None:
    body = _curl("-H", "Accept: application/sparql-results+json", "--data-urlencode", f"query={LABELS}", endpoint)
    assert _json_labels(json.loads(body)) == EXPECTED


def test_curl_data_binary_sparql_query(endpoint: str) -> None:
    body = _curl("-H", "Content-Type: application/sparql-query", "-H", "Accept: application/sparql-results+json",
                 "--data-binary", "@-", endpoint, stdin=LABELS.encode("utf-8"))
    assert _json_labels(json.loads(body)) == EXPECTED


# ---------------------------------------------------------------------------------------------------- Jena's request

def test_a_form_post_offering_h2c_like_jena_still_delivers_its_body(endpoint: str) -> None:
    """The body of a POST that offers `Upgrade: h2c` reaches the query (uvicorn's httptools parser loses it,
    DESIGN.md §3); the server answers in HTTP/1.1 and does not switch protocols."""
    url = urlsplit(endpoint)
    body = urlencode({"query": LABELS}).encode("ascii")
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        connection.request("POST", url.path, body=body, headers={**JENA_HEADERS, "Content-Length": str(len(body))})
        response = connection.getresponse()
        answer = response.read()
    finally:
        connection.close()
    assert response.status == 200, answer
    assert response.version == 11 and response.getheader("Content-Type", "").startswith("application/sparql-results+json")
    assert _json_labels(json.loads(answer)) == EXPECTED
