"""The SPARQL servers the suite runs against instead of the embedded store: INNOGRAPH_TEST_BACKEND names one.

embedded (the default) runs everything on pyoxigraph in process; oxigraph-server on Oxigraph's own server (the
`oxigraph` package of the test extras), virtuoso on Virtuoso Open Source (Debian's virtuoso-opensource-7, with a
database of its own in a temporary folder). Either is started empty on free loopback ports for each store the
tests serve; the build is published to it as `innograph publish` does, and innograph serves and queries it there.
scripts/bench_http.py starts its servers here too.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox

from graph.remote import Endpoint, RemoteStore, publish
from graph.settings import Settings
from graph.store import Manifest, open_store, read_manifest

KIND = os.environ.get("INNOGRAPH_TEST_BACKEND", "embedded")
KINDS = ("embedded", "oxigraph-server", "virtuoso")
if KIND not in KINDS:
    raise SystemExit(f"INNOGRAPH_TEST_BACKEND is one of {', '.join(KINDS)}, not {KIND!r}")
REMOTE = KIND != "embedded"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sparql_server(timeout_s: float = Settings().query_timeout_s, *, kind: str = KIND if REMOTE else "oxigraph-server",
                  folder: Path | None = None) -> Iterator[Endpoint]:
    """An empty SPARQL server on loopback, of the kind the suite runs against (Oxigraph's on the embedded store),
    for as long as the block runs. It stops a query itself a second after innograph's time limit, `timeout_s`,
    as a server behind innograph should be set up."""
    with tempfile.TemporaryDirectory(prefix=f"{kind}-", dir=folder) as work:
        starts = _virtuoso if kind == "virtuoso" else _oxigraph
        process, endpoint = starts(Path(work), int(timeout_s) + 1)
        try:
            deadline = time.monotonic() + 60
            while not _answers(endpoint):
                assert process.poll() is None and time.monotonic() < deadline, f"{kind} did not start; see {work}"
                time.sleep(0.2)
            yield endpoint
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _answers(endpoint: Endpoint) -> bool:
    try:
        return httpx.get(endpoint.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _oxigraph(work: Path, timeout_s: int) -> tuple[subprocess.Popen[bytes], Endpoint]:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    assert binary, "Oxigraph's server is not installed: pip install oxigraph (it is in the test extras)"
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}", "--timeout-s", str(timeout_s)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, Endpoint(f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/store", timeout_s=60)


def _virtuoso(work: Path, timeout_s: int) -> tuple[subprocess.Popen[bytes], Endpoint]:
    """Virtuoso on a database of its own in `work`. Its anonymous SPARQL user may write (Graph Store Protocol
    at /sparql-graph-crud), which is only right on loopback, for tests and benchmarks."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    assert server and isql, "Virtuoso is not installed: apt-get install virtuoso-opensource-7 (make test-packages does)"
    http, sql = free_port(), free_port()
    (work / "virtuoso.ini").write_text(VIRTUOSO_INI.format(folder=work, sql=sql, http=http, timeout=timeout_s))
    log = open(work / "stdout.log", "wb")
    process = subprocess.Popen([server, "+foreground", "+configfile", "virtuoso.ini"], cwd=work, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    grant = """GRANT SPARQL_UPDATE TO "SPARQL"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"""
    while subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={grant}"], capture_output=True, timeout=30).returncode:
        assert process.poll() is None and time.monotonic() < deadline, f"Virtuoso did not start; see {work}"
        time.sleep(0.5)
    return process, Endpoint(f"http://127.0.0.1:{http}/sparql", f"http://127.0.0.1:{http}/sparql-graph-crud", timeout_s=60)


VIRTUOSO_INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = ., {folder}
NumberOfBuffers = 100000
MaxDirtyBuffers = 60000
MaxQueryMem = 1G
MaxSortedTopRows = 1000000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 16
MaxKeepAlives = 16
KeepAliveTimeout = 10
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = {timeout}
"""


def publish_store(endpoint: Endpoint, store: ox.Store) -> RemoteStore:
    """An in-memory store published to the server, as innograph reads it there."""
    manifest = Manifest("0" * 64, Manifest.now(), [], len(store), 0, 0)
    return RemoteStore(endpoint, publish(endpoint, store, manifest))


def publish_build(endpoint: Endpoint, store_dir: Path) -> None:
    """What `innograph publish` does with the build at `store_dir`."""
    manifest = read_manifest(store_dir)
    assert manifest is not None
    publish(endpoint, open_store(store_dir), manifest)
