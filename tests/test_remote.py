"""A SPARQL server as the store: publishing builds to it, and reading them there as innograph does.

These tests start Oxigraph's server (the `oxigraph` package of the test extras) on loopback, whatever backend
the rest of the suite runs on.
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from backends import publish_build, sparql_server

from api.server import Build
from graph.errors import StoreError, StoreMissing
from graph.network import project
from graph.query import run, values
from graph.remote import (
    CONTROL,
    Endpoint,
    RemoteStore,
    _records,
    open_backend,
    publish,
    published,
)
from graph.settings import Settings
from graph.store import Manifest, new_build_dir, open_store
from graph.store import publish as publish_locally

MARK = ox.NamedNode("urn:test:build")


@pytest.fixture
def server() -> Iterator[Endpoint]:
    with sparql_server() as endpoint:
        yield endpoint


def _store(name: str, graphs: int, triples: int) -> ox.Store:
    """A store whose every graph says which build it belongs to; the default graph holds the marker."""
    store = ox.Store()
    store.add(ox.Quad(MARK, MARK, ox.Literal(name), ox.DefaultGraph()))
    for g in range(graphs):
        graph = ox.NamedNode(f"https://example.org/{name}/graph/{g}")
        store.bulk_extend(ox.Quad(ox.NamedNode(f"https://example.org/{name}/{g}/{i}"), MARK, ox.Literal(i), graph)
                          for i in range(triples))
    return store


def _manifest(store: ox.Store, name: str) -> Manifest:
    return Manifest(name.encode().hex().ljust(64, "0"), Manifest.now(), [], len(store), 0, 0)


def _built(folder: Path, name: str, graphs: int, triples: int) -> tuple[Path, int]:
    """A store folder as `innograph build` leaves it, and how many triples it holds."""
    store_dir = folder / name / "store"
    store_dir.parent.mkdir(parents=True)
    memory = _store(name, graphs, triples)
    build_dir, disk = new_build_dir(store_dir, _manifest(memory, name).fingerprint)
    disk.bulk_extend(memory)
    disk.flush()
    del disk
    publish_locally(store_dir, build_dir, _manifest(memory, name))
    return store_dir, len(memory)


READ = "SELECT ?mark (COUNT(*) AS ?n) WHERE { ?s ?p ?o . <urn:test:build> <urn:test:build> ?mark } GROUP BY ?mark"


def _seen(endpoint: Endpoint) -> tuple[str, int]:
    """What a reader sees: the build the server publishes, and how many triples it holds."""
    build = published(endpoint)
    assert build is not None
    rows = values(run(RemoteStore(endpoint, build), READ))  # type: ignore[arg-type]
    assert len(rows) == 1, rows
    return rows[0]["mark"], int(rows[0]["n"])


def _graphs_on(endpoint: Endpoint) -> set[str]:
    answer = httpx.post(endpoint.query_url, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                        headers={"accept": "application/sparql-results+json"})
    return {b["g"]["value"] for b in answer.json()["results"]["bindings"]}


def test_a_publish_killed_at_ten_random_moments_leaves_readers_on_a_whole_build(server: Endpoint, tmp_path: Path) -> None:
    """`innograph publish` is killed with SIGKILL at ten random moments while readers read without pause: each
    read sees the old build or the new one, whole, never a mixture and never nothing; afterwards a publish
    completes and leaves no half-loaded graphs behind."""
    a_dir, a_size = _built(tmp_path, "a", 2, 100)
    b_dir, b_size = _built(tmp_path, "b", 8, 15_000)
    whole = {("a", a_size), ("b", b_size)}
    command = [sys.executable, "-m", "graph", "publish", "--to", server.query_url, "--store-url", server.store_url]
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNOGRAPH_BACKEND")}
    subprocess.run([*command, "--store", str(a_dir)], check=True, env=env, capture_output=True)

    started = time.monotonic()
    subprocess.run([*command, "--store", str(b_dir)], check=True, env=env, capture_output=True)
    full = time.monotonic() - started
    assert _seen(server) == ("b", b_size)

    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(_seen(server))

    reader = threading.Thread(target=read)
    reader.start()
    chance = random.Random(os.environ.get("PYTEST_SEED", "kill"))
    interrupted = 0
    try:
        for round_ in range(10):
            target = a_dir if round_ % 2 == 0 else b_dir
            process = subprocess.Popen([*command, "--store", str(target)], env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            time.sleep(full * (round_ + chance.random()) / 10)
            process.send_signal(signal.SIGKILL)
            process.wait()
            records = httpx.post(server.query_url, data={"query": f"SELECT ?s WHERE {{ GRAPH <{CONTROL}> {{ ?b ?p ?s }} }}"},
                                 headers={"accept": "text/csv"}).text
            interrupted += "loading" in records or "dropping" in records
            assert _seen(server) in whole
    finally:
        stop.set()
        reader.join()
    assert seen and set(seen) <= whole, set(seen) - whole
    assert interrupted, "no kill came while a build was being loaded or dropped"

    subprocess.run([*command, "--store", str(a_dir)], check=True, env=env, capture_output=True)
    assert _seen(server) == ("a", a_size)
    on_server = {g.removeprefix("urn:innograph:build:").split(":")[0] for g in _graphs_on(server) if g.startswith("urn:innograph:build:")}
    recorded, states = _records(server)
    assert {s.name for s in states.values()} == {"published", "retired"}  # none loading or dropping any more
    assert on_server <= set(recorded)  # and none of their graphs left unrecorded


def test_publish_switches_readers_and_keeps_the_build_before_for_those_still_on_it(server: Endpoint) -> None:
    first, second = _store("first", 2, 10), _store("second", 3, 10)
    with pytest.raises(StoreMissing, match="no build is published there; run `innograph publish` first"):
        open_backend(Settings(backend_url=server.query_url))
    publish(server, first, _manifest(first, "first"))
    assert _seen(server) == ("first", len(first))
    done = publish(server, second, _manifest(second, "second"))
    assert _seen(server) == ("second", len(second))
    store, manifest = open_backend(Settings(backend_url=server.query_url))
    assert manifest == done.manifest and manifest.triples == len(second) and isinstance(store, RemoteStore) and store.build == done
    on_server = _graphs_on(server)
    assert {g for g in on_server if "first" in g} and {g for g in on_server if "second" in g}  # the first stays a while


def test_graph_names_and_datasets_are_the_builds_own(server: Endpoint) -> None:
    """The server holds a build under names of its own; a reader sees the build's names, in answers and in
    FROM, FROM NAMED and GRAPH, exactly as on the embedded store."""
    memory = _store("named", 3, 5)
    remote = RemoteStore(server, publish(server, memory, _manifest(memory, "named")))
    graph = "https://example.org/named/graph/1"
    queries = [
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}",
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "ASK { GRAPH ?g { ?s ?p ?o FILTER(?o = 4) } }",
    ]
    for query in queries:
        union = "FROM" not in query  # as the service runs them: a query that names its dataset is not on the union
        answer, expected = run(remote, query, union=union), run(memory, query, union=union)  # type: ignore[arg-type]
        if isinstance(expected, ox.QueryBoolean):
            assert bool(answer) == bool(expected), query
        else:
            assert values(answer) == values(expected), query  # type: ignore[arg-type]
    assert values(run(remote, "SELECT * WHERE { ?s ?p ?o }", union=False)) == values(run(memory, "SELECT * WHERE { ?s ?p ?o }", union=False))  # type: ignore[arg-type]
    assert sorted(remote.named_graphs(), key=str) == sorted(memory.named_graphs(), key=str)
    pattern = (None, MARK, ox.Literal(2), ox.NamedNode(graph))
    assert remote.quads_for_pattern(*pattern) == list(memory.quads_for_pattern(*pattern))
    subjects = {f"https://example.org/named/{g}/{i}" for g in range(3) for i in range(5)} | {"https://example.org/none"}
    remote.prefetch(subjects, (MARK, ox.NamedNode("urn:test:other")))  # what a brief asks for its labels, in one go
    for subject in sorted(subjects):
        for predicate in (MARK, ox.NamedNode("urn:test:other")):
            expected = list(memory.quads_for_pattern(ox.NamedNode(subject), predicate, None))
            assert remote.quads_for_pattern(ox.NamedNode(subject), predicate, None) == expected
    constructed = run(remote, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")  # type: ignore[arg-type]
    assert sorted(map(str, constructed)) == sorted(map(str, run(memory, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")))


def test_an_unreachable_or_unready_server_is_named_in_the_error(server: Endpoint, tmp_path: Path) -> None:
    away = Endpoint("http://127.0.0.1:9/query", "http://127.0.0.1:9/store", timeout_s=2)
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:9/query: the SPARQL server cannot be reached .*is it running"):
        published(away)
    memory = _store("x", 1, 1)
    with pytest.raises(StoreError, match="Graph Store Protocol URL"):
        publish(Endpoint(server.query_url), memory, _manifest(memory, "x"))
    assert published(server) is None  # nothing half published
    result = subprocess.run([sys.executable, "-m", "graph", "publish", "--store", str(tmp_path / "none"), "--to", server.query_url,
                             "--store-url", server.store_url], capture_output=True, text=True)
    assert result.returncode == 1 and "no store has been built here; run `innograph build` first" in result.stderr


def test_a_build_on_a_server_is_loaded_for_the_workers_with_the_network_it_has_embedded(server: Endpoint, built_store: Path) -> None:
    """What `innograph serve` makes before it forks its workers over a server's build: the same network, and
    today's positions in it, as from the embedded store."""
    publish_build(server, built_store)
    loaded = Build.loaded(Build.on_server(Settings(backend_url=server.query_url)))
    assert loaded.ready and loaded.memory is None and loaded.network is not None
    embedded = project(open_store(built_store), shared_sectors=False)
    ties = {(frozenset((a, b)), key) for a, b, key in loaded.network.graph.edges(keys=True)}
    assert ties == {(frozenset((a, b)), key) for a, b, key in embedded.graph.edges(keys=True)} != set()
    assert loaded.network.position(date.today()) == embedded.position(date.today())
