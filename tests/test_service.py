"""The SPARQL service, tested live: a real server process on loopback, real HTTP."""

import concurrent.futures
import os
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from graph.build import build
from backends import REMOTE, free_port
from conftest import live_server, republish
from graph.settings import Settings

TIMEOUT_S = 2.0
MAX_ROWS = 50


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`innograph serve` over a fresh build of the graph, with a short time limit and a small row limit."""
    store_dir = tmp_path_factory.mktemp("service") / "store"
    build(settings, store_dir=store_dir)
    with live_server(store_dir, query_timeout_s=str(TIMEOUT_S), max_rows=str(MAX_ROWS)) as running:
        yield running


LABELS = "SELECT ?label WHERE { igr:shtp rdfs:label ?label } ORDER BY ?label"


def _labels(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [b["label"]["value"] for b in response.json()["results"]["bindings"]]


def test_get_form_post_and_direct_post_give_the_same_answer(server: tuple[str, object]) -> None:
    base, _ = server
    accept = {"Accept": "application/sparql-results+json"}
    via_get = _labels(httpx.get(f"{base}/sparql", params={"query": LABELS}, headers=accept))
    via_form = _labels(httpx.post(f"{base}/sparql", data={"query": LABELS}, headers=accept))
    direct = _labels(httpx.post(f"{base}/sparql", content=LABELS.encode(),
                                headers={**accept, "Content-Type": "application/sparql-query"}))
    assert via_get == via_form == direct == ["Khu Công nghệ cao Thành phố Hồ Chí Minh", "Saigon Hi-Tech Park"]


@pytest.mark.parametrize(("accept", "fmt", "media", "marker"), [
    ("application/sparql-results+xml", None, "application/sparql-results+xml", "<sparql"),
    ("text/csv", None, "text/csv", "label\r\n"),
    ("text/tab-separated-values", None, "text/tab-separated-values", "?label\n"),
    ("text/csv;q=0.5, application/sparql-results+json;q=0.9", None, "application/sparql-results+json", '"vars":["label"]'),
    ("text/html", "csv", "text/csv", "label\r\n"),
    (None, "xml", "application/sparql-results+xml", "<sparql"),
])
def test_select_results_follow_accept_q_values_and_format(server: tuple[str, object], accept: str | None, fmt: str | None,
                                                           media: str, marker: str) -> None:
    base, _ = server
    params = {"query": LABELS, **({"format": fmt} if fmt else {})}
    response = httpx.get(f"{base}/sparql", params=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert marker in response.text and "Saigon Hi-Tech Park" in response.text


@pytest.mark.parametrize(("accept", "media", "marker"), [
    ("text/turtle", "text/turtle", "Saigon Hi-Tech Park"),
    ("application/n-triples", "application/n-triples", "<https://w3id.org/innograph/id/shtp>"),
    ("application/ld+json", "application/ld+json", '"@id":"igr:shtp"'),
    ("application/rdf+xml", "application/rdf+xml", "rdf:about=\"https://w3id.org/innograph/id/shtp\""),
])
def test_construct_results_come_as_rdf(server: tuple[str, object], accept: str, media: str, marker: str) -> None:
    base, _ = server
    query = "CONSTRUCT { igr:shtp rdfs:label ?l } WHERE { igr:shtp rdfs:label ?l }"
    response = httpx.get(f"{base}/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert marker in response.text.replace(" ", "")  or marker in response.text


def test_errors_say_what_is_wrong(server: tuple[str, object]) -> None:
    base, _ = server
    bad = httpx.get(f"{base}/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert bad.status_code == 400 and "does not parse" in bad.text
    assert httpx.get(f"{base}/sparql", params={"query": LABELS}, headers={"Accept": "image/png"}).status_code == 406
    assert httpx.post(f"{base}/sparql", content=LABELS.encode(), headers={"Content-Type": "text/plain"}).status_code == 415
    two = httpx.get(f"{base}/sparql", params=[("query", LABELS), ("query", LABELS)])
    assert two.status_code == 400 and "exactly one" in two.text
    update = httpx.post(f"{base}/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"})
    assert update.status_code == 403 and "read-only" in update.text
    direct_update = httpx.post(f"{base}/sparql", content=b"DELETE WHERE { ?s ?p ?o }",
                               headers={"Content-Type": "application/sparql-update"})
    assert direct_update.status_code == 403


def test_named_queries_write_vietnamese_labels_unless_english_is_asked_for(server: tuple[str, object]) -> None:
    base, _ = server
    listed = {q["name"]: q for q in httpx.get(f"{base}/queries").json()}
    assert {"name": "lang", "type": "lang", "example": "vi"}.items() <= listed["actor_partners"]["parameters"][1].items()

    def partners(**lang: str) -> set[str]:
        response = httpx.get(f"{base}/queries/actor_partners", params={"actor": "igr:c4ir-hcmc", **lang})
        assert response.status_code == 200, response.text
        return {b["partnerLabel"]["value"] for b in response.json()["results"]["bindings"] if "partnerLabel" in b}

    assert "Tổng Lãnh sự quán Nhật Bản tại Thành phố Hồ Chí Minh" in partners()
    assert partners() == partners(lang="vi")
    assert "Consulate General of Japan in Ho Chi Minh City" in partners(lang="en")
    wrong = httpx.get(f"{base}/queries/actor_partners", params={"actor": "igr:c4ir-hcmc", "lang": "fr"})
    assert wrong.status_code == 400 and "labels are in vi or en, not 'fr'" in wrong.text


def test_a_named_querys_answer_comes_in_pages_that_link_to_the_next(server: tuple[str, object]) -> None:
    base, _ = server
    whole = httpx.get(f"{base}/queries/actor_partners", params={"actor": "igr:c4ir-hcmc", "format": "csv"})
    assert whole.status_code == 200 and "link" not in whole.headers
    rows = whole.text.splitlines()[1:]
    assert len(rows) == 39 < MAX_ROWS
    url: str | None = f"{base}/queries/actor_partners?actor=igr:c4ir-hcmc&format=csv&limit=15"
    pages: list[list[str]] = []
    while url:
        page = httpx.get(url)
        assert page.status_code == 200, page.text
        pages.append(page.text.splitlines()[1:])
        assert page.headers["x-innograph-rows"] == str(len(pages[-1]))
        url = page.links.get("next", {}).get("url")
        assert (page.headers.get("x-innograph-truncated") == "true") == (url is not None)
        assert url is None or "a page of 15 rows" in page.headers["warning"]
    assert [len(p) for p in pages] == [15, 15, 9]
    assert [row for p in pages for row in p] == rows  # in the answer's order, nothing twice, nothing left out
    assert "offset=30" in httpx.get(f"{base}/queries/actor_partners?actor=igr:c4ir-hcmc&limit=15&offset=15").links["next"]["url"]
    beyond = httpx.get(f"{base}/queries/actor_partners", params={"actor": "igr:c4ir-hcmc", "limit": 1000, "format": "csv"})
    assert beyond.text.splitlines()[1:] == rows  # a page holds at most the row limit
    empty = httpx.get(f"{base}/queries/actor_partners", params={"actor": "igr:c4ir-hcmc", "limit": 0})
    assert empty.status_code == 422 and "limit" in empty.text
    for bad in ({"offset": "-1"}, {"offset": "ten"}, {"limit": "many"}):
        refused = httpx.get(f"{base}/queries/actor_partners", params={"actor": "igr:c4ir-hcmc", **bad})
        assert refused.status_code == 422 and next(iter(bad)) in refused.text, refused.text
    unknown = httpx.get(f"{base}/queries/no_such_question")
    assert unknown.status_code == 404 and "actor_partners" in unknown.text, unknown.text


def test_a_result_cut_at_the_row_limit_says_so(server: tuple[str, object]) -> None:
    base, _ = server
    response = httpx.get(f"{base}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    assert response.headers["X-Innograph-Truncated"] == "true" and str(MAX_ROWS) in response.headers["Warning"]
    whole = httpx.get(f"{base}/sparql", params={"query": LABELS})
    assert "X-Innograph-Truncated" not in whole.headers


@pytest.mark.parametrize(("query", "rows", "cut"), [
    ("SELECT ?s WHERE { ?s rdfs:label ?l } # ends in a comment", MAX_ROWS, True),
    ("SELECT ?s WHERE { ?s ?p ?l } VALUES ?p { rdfs:label }", MAX_ROWS, True),
    ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s rdfs:label ?l } LIMIT 70 } }", MAX_ROWS, True),
    ("SELECT ?s WHERE { ?s rdfs:label ?l } LIMIT 70", MAX_ROWS, True),
    ("SELECT ?s WHERE { ?s rdfs:label ?l } OFFSET 3 LIMIT 50", MAX_ROWS, False),
    ("SELECT ?s WHERE { ?s rdfs:label ?l } LIMIT 7", 7, False),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s rdfs:label ?l }", 1, False),
])
def test_the_row_limit_holds_for_every_shape_of_select(server: tuple[str, object], query: str, rows: int, cut: bool) -> None:
    """The service bounds an open SELECT with a LIMIT of its own; where it cannot (a trailing VALUES, a
    LIMIT of the query's own), the cut is the same."""
    base, _ = server
    response = httpx.get(f"{base}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) == rows == int(response.headers["X-Innograph-Rows"])
    assert (response.headers.get("X-Innograph-Truncated") == "true") == cut


def test_the_service_description_lists_the_graphs(server: tuple[str, object]) -> None:
    base, _ = server
    response = httpx.get(f"{base}/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and "sd:Service" in response.text
    assert "https://w3id.org/innograph/graph/data/actors.ttl" in response.text


CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_runaway_query_is_stopped_while_simple_queries_keep_answering(server: tuple[str, object]) -> None:
    base, _ = server
    slow: dict[str, object] = {}

    def run_slow() -> None:
        started = time.monotonic()
        response = httpx.get(f"{base}/sparql", params={"query": CARTESIAN}, timeout=30)
        slow.update(status=response.status_code, seconds=time.monotonic() - started, text=response.text)

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)

    client = httpx.Client(limits=httpx.Limits(max_connections=20), timeout=10)  # one client: no TLS set-up per call

    def simple(i: int) -> tuple[int, float]:
        started = time.monotonic()  # each query differs (by a comment), so none is answered from the cache
        response = client.get(f"{base}/sparql", params={"query": f"{LABELS} # {i}"})
        return response.status_code, time.monotonic() - started

    with client, concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        client.get(f"{base}/sparql", params={"query": LABELS})
        answers = list(pool.map(simple, range(20)))
    thread.join()
    assert all(status == 200 for status, _ in answers)
    # On a SPARQL server backend each answer crosses one more process, on the same two cores the runaway holds
    # in the server until the server's own limit stops it.
    assert max(seconds for _, seconds in answers) < (0.5 if REMOTE else 0.2), answers
    assert slow["status"] == 503 and "stopped" in str(slow["text"])
    assert TIMEOUT_S - 0.1 <= float(slow["seconds"]) <= TIMEOUT_S + 1  # type: ignore[arg-type]


def test_after_ten_timeouts_in_a_row_the_server_still_answers(server: tuple[str, object]) -> None:
    base, _ = server
    for _ in range(10):
        assert httpx.get(f"{base}/sparql", params={"query": CARTESIAN}, timeout=30).status_code == 503
    assert _labels(httpx.get(f"{base}/sparql", params={"query": LABELS}))


def test_a_query_nested_100000_levels_gets_400_and_the_server_lives_on(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, process = server
    pid = process.pid
    deep = "SELECT * WHERE " + "{" * 100_000 + "}" * 100_000
    response = httpx.post(f"{base}/sparql", content=deep.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    nested = "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"
    assert httpx.post(f"{base}/sparql", data={"query": nested}).status_code == 400
    assert process.poll() is None and process.pid == pid
    assert _labels(httpx.get(f"{base}/sparql", params={"query": LABELS}))


def _exchange(base: str, data: bytes, *, then: bytes = b"", answers: int = 1) -> list[bytes]:
    """Raw bytes to the server on one connection; the responses that come back, each head and body."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        received = b""
        if then:  # sent once the server has said 100 Continue
            while b"\r\n\r\n" not in received:
                received += sock.recv(65536)
            sock.sendall(then)
        responses: list[bytes] = []
        while len(responses) < answers:
            head_end = received.find(b"\r\n\r\n")
            if head_end >= 0:
                head = received[:head_end].decode("latin-1")
                length = next((int(line.split(":")[1]) for line in head.split("\r\n") if line.lower().startswith("content-length:")), 0)
                if len(received) >= head_end + 4 + length:
                    responses.append(received[:head_end + 4 + length])
                    received = received[head_end + 4 + length:]
                    continue
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return responses


def test_the_http_server_speaks_http_1_1_to_hand_written_clients(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """What the worker's own HTTP server does that no library client shows: requests pipelined on one
    connection are answered in order, a client that waits for 100 Continue gets it, and bytes that are
    not HTTP get 400 with the reason, while the server lives on."""
    base, process = server
    query = LABELS.replace(" ", "%20").replace("?", "%3F").replace("{", "%7B").replace("}", "%7D")
    get = f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n".encode()
    first, second = _exchange(base, get + get, answers=2)
    assert first == second and first.startswith(b"HTTP/1.1 200 OK\r\n") and b"Saigon Hi-Tech Park" in first
    body = LABELS.encode()
    head = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nAccept: text/csv\r\n"
            f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n").encode()
    go_on, answer = _exchange(base, head, then=body, answers=2)
    assert go_on.startswith(b"HTTP/1.1 100 Continue") and answer.split(b"\r\n\r\n", 1)[1] == first.split(b"\r\n\r\n", 1)[1]
    (refused,) = _exchange(base, b"GET /sparql HTTP/1.1\r\nHost x\r\n\r\n")
    assert refused.startswith(b"HTTP/1.1 400 Bad Request") and b"not valid HTTP/1.1" in refused
    assert process.poll() is None and _labels(httpx.get(f"{base}/sparql", params={"query": LABELS}))


def test_the_http_server_reads_every_framing_and_refuses_what_it_cannot_read(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """A chunked body, a body after an `Upgrade: h2c` offer with a request pipelined behind it, an HTTP/1.0
    request (answered, then closed), an HTTP/1.1 request without Host (400) and a head larger than a query
    may be (431, told before the head has ended)."""
    base, process = server
    host, port = base.removeprefix("http://").split(":")
    (expected,) = _exchange(base, f"GET /sparql?query={quote(LABELS)} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n".encode())
    rows = expected.split(b"\r\n\r\n", 1)[1]
    body = LABELS.encode()
    chunked = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nAccept: text/csv\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (10, body[:10]) + b"%x\r\n%s\r\n" % (len(body) - 10, body[10:])
               + b"0\r\n\r\n")
    offered = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n"
               b"Content-Type: application/sparql-query\r\nAccept: text/csv\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    answers = _exchange(base, chunked + offered + chunked, answers=3)
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"HTTP/1.1 200 OK"] * 3
    assert [a.split(b"\r\n\r\n", 1)[1] for a in answers] == [rows] * 3

    with socket.create_connection((host, int(port)), timeout=10) as sock:  # HTTP/1.0: one answer, then the end
        sock.sendall(f"GET /sparql?query={quote(LABELS)} HTTP/1.0\r\nAccept: text/csv\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 200 OK\r\n") and b"connection: close\r\n" in received.lower()
    assert received.split(b"\r\n\r\n", 1)[1] == rows
    get_kept = f"GET /sparql?query={quote(LABELS)} HTTP/1.0\r\nConnection: keep-alive\r\nAccept: text/csv\r\n\r\n".encode()
    kept = _exchange(base, get_kept + get_kept, answers=2)  # HTTP/1.0 with keep-alive: both answered, the connection kept
    assert [b"connection: keep-alive\r\n" in a.lower() and a.endswith(rows) for a in kept] == [True, True]

    (no_host,) = _exchange(base, f"GET /sparql?query={quote(LABELS)} HTTP/1.1\r\nAccept: text/csv\r\n\r\n".encode())
    assert no_host.startswith(b"HTTP/1.1 400 Bad Request") and b"no Host header" in no_host
    with socket.create_connection((host, int(port)), timeout=10) as sock:  # a header line that never ends
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Padding: ")
        for _ in range(200):  # 12.5 MB, unless the server answers first
            sock.sendall(b"a" * 65536)
            if select.select([sock], [], [], 0)[0]:
                break
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 431 Request Header Fields Too Large") and b"POST body" in received
    assert process.poll() is None and _labels(httpx.get(f"{base}/sparql", params={"query": LABELS}))


@pytest.fixture
def listener() -> Iterator[tuple[int, list[int]]]:
    """A TCP listener on loopback that counts the connections it receives."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    connections: list[int] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                connections.append(1)
                conn.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    yield sock.getsockname()[1], connections
    stop.set()
    thread.join()
    sock.close()


def test_service_load_and_from_aimed_at_a_local_listener_are_refused(server: tuple[str, object], listener: tuple[int, list[int]]) -> None:
    base, _ = server
    port, connections = listener
    target = f"http://127.0.0.1:{port}/data"
    for query in (f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
                  f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        response = httpx.get(f"{base}/sparql", params={"query": query})
        assert response.status_code == 403, (query, response.text)
    load = httpx.post(f"{base}/sparql", data={"update": f"LOAD <{target}>"})
    assert load.status_code == 403
    direct_load = httpx.post(f"{base}/sparql", content=f"LOAD <{target}>".encode(), headers={"Content-Type": "application/sparql-query"})
    assert direct_load.status_code == 403
    by_parameter = httpx.get(f"{base}/sparql", params={"query": LABELS, "default-graph-uri": target})
    assert by_parameter.status_code == 403
    time.sleep(0.5)
    assert connections == []


def test_named_graphs_of_the_store_can_be_chosen(server: tuple[str, object]) -> None:
    base, _ = server
    graph = "https://w3id.org/innograph/graph/data/actors.ttl"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    only_actors = httpx.get(f"{base}/sparql", params={"query": query, "default-graph-uri": graph})
    everything = httpx.get(f"{base}/sparql", params={"query": query})
    count = lambda r: int(r.json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert 0 < count(only_actors) < count(everything)
    from_clause = httpx.get(f"{base}/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"})
    assert count(from_clause) == count(only_actors)


def test_cors_lets_browser_clients_read_answers(server: tuple[str, object]) -> None:
    base, _ = server
    origin = {"Origin": "http://example.org"}
    response = httpx.get(f"{base}/sparql", params={"query": LABELS}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "x-innograph-rows" in response.headers["access-control-expose-headers"].lower()
    posted = httpx.post(f"{base}/sparql", content=LABELS, headers={**origin, "Content-Type": "application/sparql-query"})
    assert posted.status_code == 200 and posted.headers["access-control-allow-origin"] == "*"
    refused = httpx.get(f"{base}/sparql", params={"query": "SELECT * WHERE { ?s ?p"}, headers=origin)
    assert refused.status_code == 400 and refused.headers["access-control-allow-origin"] == "*"
    assert "does not parse" in refused.text
    preflight = httpx.options(f"{base}/sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                                         "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


def test_openapi_describes_every_route_with_its_errors(server: tuple[str, object]) -> None:
    base, _ = server
    spec = httpx.get(f"{base}/openapi.json").json()
    for method in ("get", "post"):
        responses = spec["paths"]["/sparql"][method]["responses"]
        assert {"200", "400", "403", "406", "503"} <= set(responses), method
        assert all(responses[code]["description"] for code in responses)
    assert "application/sparql-query" in spec["paths"]["/sparql"]["post"]["requestBody"]["content"]
    for path in ("/queries/{name}", "/search", "/id/{slug}"):
        assert {"400", "503"} <= set(spec["paths"][path]["get"]["responses"]), path
    assert "404" in spec["paths"]["/id/{slug}"]["get"]["responses"]


def test_the_service_serves_each_new_build_without_a_restart_and_answers_throughout(
        settings: Settings, tmp_path: Path) -> None:
    """`innograph build` publishes a new store while the service runs: the service answers from it within
    seconds, drops the answers of the old one, and every request made meanwhile is answered. Two more builds
    remove the first one's folder; pages and briefs, made in the server's own process, go on working."""
    store_dir = tmp_path / "store"
    build(settings, store_dir=store_dir)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "extra.ttl").write_text('@prefix igr: <https://w3id.org/innograph/id/> .\n'
                                     '@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
                                     'igr:torino skos:altLabel "Turin, from the second build"@en .\n', encoding="utf-8")
    ask = "SELECT ?l WHERE { igr:torino skos:altLabel ?l }"
    with live_server(store_dir) as (base, process):
        def variants() -> set[str]:
            response = httpx.get(f"{base}/sparql", params={"query": ask}, timeout=30)
            assert response.status_code == 200, response.text
            return {b["l"]["value"] for b in response.json()["results"]["bindings"]}

        before = variants()  # kept in the result cache: the new build must not be answered from it
        assert "Turin, from the second build" not in before
        statuses: list[int] = []
        stop = threading.Event()

        def keep_asking() -> None:
            with httpx.Client(timeout=30) as client:
                while not stop.is_set():
                    statuses.append(client.get(f"{base}/sparql", params={"query": LABELS}).status_code)

        asking = threading.Thread(target=keep_asking)
        asking.start()
        try:
            build(settings, data=(*settings.default_inputs, extra), store_dir=store_dir)
            republish(store_dir)
            deadline = time.monotonic() + 60
            while "Turin, from the second build" not in variants():
                assert time.monotonic() < deadline, "the new build was not served within 60 s"
                time.sleep(0.5)
        finally:
            stop.set()
            asking.join()
        assert statuses and set(statuses) == {200}
        first = sorted((store_dir.parent / "builds").iterdir())[0]
        for _ in range(2):
            build(settings, store_dir=store_dir, force=True)
            republish(store_dir)
        assert not first.exists()
        deadline = time.monotonic() + 60
        while "Turin, from the second build" in variants():  # the last builds are without the extra file
            assert time.monotonic() < deadline, "the last build was not served within 60 s"
            time.sleep(0.5)
        brief = httpx.get(f"{base}/briefs/torino", params={"format": "md", "lang": "en"}, timeout=60)
        assert brief.status_code == 200 and "Stefano Lo Russo" in brief.text
        assert httpx.get(f"{base}/network/ego/torino", timeout=60).status_code == 200
        assert process.poll() is None


@pytest.mark.skipif(REMOTE, reason="a build folder on disk with a broken manifest: the embedded store's own case")
def test_a_published_build_that_cannot_be_read_is_refused_and_the_old_one_answers(settings: Settings, tmp_path: Path) -> None:
    """A build whose manifest is broken (written by hand, or by a newer innograph gone wrong) is refused by the
    supervisor with the reason in its log, and the build before it goes on answering; no worker is started over it."""
    store_dir = tmp_path / "store"
    build(settings, store_dir=store_dir)
    good = store_dir.resolve()
    log, port = tmp_path / "serve.log", free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--store", str(store_dir), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def logged(text: str, within_s: float) -> bool:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if text in log.read_text(errors="replace"):
                return True
            time.sleep(0.1)
        return False

    try:
        assert logged(f"serving build {good.name} from memory", 60), log.read_text()
        broken = good.with_name(good.name + "-broken")
        shutil.copytree(good, broken)
        (broken / "manifest.json").write_text('{"fingerprint": ', encoding="utf-8")
        link = store_dir.with_name("store.next")
        link.symlink_to(broken)
        os.replace(link, store_dir)
        assert logged(f"could not load the build {broken.name}", 20), log.read_text()
        assert "its manifest cannot be read" in log.read_text()
        answer = httpx.get(f"{base}/sparql", params={"query": LABELS}, timeout=10)
        assert _labels(answer) and process.poll() is None
        time.sleep(2 * 2.0)  # two more looks at the published build
        text = log.read_text()
        assert f"serving build {broken.name}" not in text and "ended" not in text, text
    finally:
        process.terminate()
        process.wait(timeout=30)
