"""Load-test the SPARQL service over HTTP, with pyoxigraph and with rdflib behind the same app, beside
other SPARQL servers holding the same data.

    python scripts/bench_http.py --store OUT [--data DIR --build] [--duration 10] [--rounds 3]
        [--engines oxigraph,oxigraph-cached,innograph-over-oxigraph-server,oxigraph-server,oxigraph-server-disk,virtuoso,rdflib-endpoint,rdflib]

For each of innograph's engines it starts `python -m graph serve --store OUT --port P` (INNOGRAPH_ENGINE set), then
for each benchmark query runs a closed loop of 8 concurrent keep-alive clients for a fixed time and
prints requests per second, p50 and p99 latency, errors, and where the CPU went: milliseconds of
CPU per request in the server's supervisor process, in its workers (HTTP, the query and its
result writing) and in the load client. The queries: partners of one organisation, partnerships
per sector, a label search, a two-hop neighbourhood, and every named query in graph/queries with
its example parameters. `oxigraph-server` is Oxigraph's own HTTP server (`oxigraph serve`, from the
`oxigraph` package on PyPI) with the build's quads loaded into its in-memory store, the default graph
the union of the named graphs as in innograph (`innograph-over-oxigraph-server`: innograph serving the
build published to an Oxigraph server in memory, INNOGRAPH_BACKEND_URL, its CPU counted with the workers';
`oxigraph-server-disk`: `oxigraph serve-read-only` on the
build's own on-disk store), asked the ad-hoc queries with innograph's prefixes
declared; the named queries are innograph's own and are not asked of it. `rdflib-endpoint` is the
rdflib-endpoint package's server (installed apart, see --rdflib-endpoint) over the same quads, asked the
same way. `virtuoso` is Virtuoso Open Source (Debian's virtuoso-opensource-7) with a database of its own
in a temporary folder, loaded by its bulk loader. Then each system's throughput against the first one's.

The load comes from wrk when it is installed (`apt-get install wrk`; one C thread drives all the
connections), otherwise from Python client processes (http.client, one keep-alive connection a
thread). innograph's result cache is off but in `oxigraph-cached`, innograph with its cache on, where every
request after the first is a cache hit, which measures HTTP alone. With --rounds N the engines are run N
times in turn (interleaved, so that a slow spell of a shared machine falls on all of them) and the
ratios are those of each system's median. Everything stays on 127.0.0.1; the server is stopped at the
end, on an error and on Ctrl-C.

With --build, the store is first built from the generated folder (scripts/generate.py) and the
ontology: `python -m graph build --data ontology --data DIR --store OUT`, with the quotes read
against DIR/sources.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from shutil import which
from urllib.parse import quote, urlencode

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from graph.catalogue import catalogue  # noqa: E402
from tests.backends import VIRTUOSO_INI, free_port  # noqa: E402  (the servers as the tests start them)

JSON = "application/sparql-results+json"
OXIGRAPH_SERVER = "oxigraph-server"
OVER_OXIGRAPH = "innograph-over-oxigraph-server"
OXIGRAPH_DISK = "oxigraph-server-disk"
CACHED = "oxigraph-cached"  # innograph on its embedded store with the result cache on
RDFLIB_ENDPOINT = "rdflib-endpoint"
VIRTUOSO = "virtuoso"

# The four ad-hoc queries of DESIGN.md §3, written against the generated graph.
ADHOC: dict[str, str] = {
    "partners": """SELECT ?partner ?label ?fact WHERE {
  ?fact ig:party igr:c4ir-hcmc , ?partner . FILTER (?partner != igr:c4ir-hcmc)
  OPTIONAL { ?partner rdfs:label ?label FILTER (LANG(?label) = "en") }
} ORDER BY ?partner ?fact""",
    "partnerships-per-sector": """SELECT ?sector ?label (COUNT(DISTINCT ?fact) AS ?partnerships) WHERE {
  ?fact ig:party ?actor ; ig:sector ?sector .
  ?sector skos:prefLabel ?label FILTER (LANG(?label) = "en")
} GROUP BY ?sector ?label ORDER BY DESC(?partnerships)""",
    "label-search": """SELECT ?resource ?label WHERE {
  ?resource skos:hiddenLabel ?hidden FILTER (CONTAINS(?hidden, "cong nghe"))
  OPTIONAL { ?resource rdfs:label ?label FILTER (LANG(?label) = "vi") }
}""",
    "two-hop": """SELECT DISTINCT ?node WHERE {
  { igr:c4ir-hcmc ?p ?x } UNION { ?x ?p igr:c4ir-hcmc }
  FILTER (isIRI(?x) && STRSTARTS(STR(?x), STR(igr:)))
  { ?x ?q ?node } UNION { ?node ?q ?x }
  FILTER (isIRI(?node) && STRSTARTS(STR(?node), STR(igr:)) && ?node != igr:c4ir-hcmc)
}""",
}


@dataclass(frozen=True)
class Bench:
    name: str
    path: str  # path and query string
    accept: str = JSON
    text: str | None = None  # an ad-hoc query's text, which another SPARQL server can be asked too


def benches(only: str | None) -> list[Bench]:
    found = [Bench(name, "/sparql?" + urlencode({"query": text}), text=text) for name, text in ADHOC.items()]
    for q in catalogue().values():
        params = {**q.example, "format": "json"}
        found.append(Bench(f"q:{q.name}", f"/queries/{quote(q.name)}?" + urlencode(params)))
    return [b for b in found if not only or re.search(only, b.name)]


@dataclass
class Result:
    engine: str
    query: str
    rows: str
    bytes: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    main_ms: float  # server main process CPU per request
    workers_ms: float  # query workers' CPU per request
    client_ms: float  # load client's CPU per request
    note: str = ""


# ----------------------------------------------------------------------------------------------
# CPU accounting from /proc
# ----------------------------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(parent pid, CPU seconds, CPU seconds of its children that exited) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK, (int(fields[13]) + int(fields[14])) / _TICK


def cpu_of_tree(root: int) -> tuple[float, float]:
    """CPU seconds used so far by a process and by all of its descendants, those that exited included
    (workers come and go: a sum of the living ones alone would fall when one exits)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    exited: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(int(entry))
            if found:
                parents[int(entry)], cpu[int(entry)], exited[int(entry)] = found
    descendants = _descendants(root, parents)
    return cpu.get(root, 0.0), sum(cpu[p] for p in descendants) + sum(exited.get(p, 0.0) for p in descendants | {root})


def _descendants(root: int, parents: dict[int, int]) -> set[int]:
    descendants, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - descendants
        descendants |= frontier
    return descendants


def memory_of_tree(root: int) -> float:
    """Megabytes of memory held by a process and its descendants: the sum of their proportional set sizes, so that
    pages that forked workers share with their parent (the store, copy-on-write) are counted once."""
    parents = {int(e): found[0] for e in os.listdir("/proc") if e.isdigit() and (found := _stat(int(e)))}
    total_kb = 0
    for pid in _descendants(root, parents) | {root}:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total_kb += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return total_kb / 1024


# ----------------------------------------------------------------------------------------------
# Load clients
# ----------------------------------------------------------------------------------------------

@dataclass
class Load:
    requests: int
    ok: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    client_cpu_s: float


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def run_wrk(url: str, accept: str, *, connections: int, duration: float, timeout: float, threads: int) -> Load:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", f"--timeout={timeout:g}s", "--latency",
               "-H", f"Accept: {accept}", url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = process.communicate(timeout=duration + timeout + 30)
    usage = _children_cpu()
    requests = int(re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out).group(1))  # type: ignore[union-attr]
    seconds = _ms(re.search(r"requests in ([\d.]+(?:us|ms|s|m))", out).group(1)) / 1000  # type: ignore[union-attr]
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    socket_errors = sum(int(x) for x in m.groups()) if (
        m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)) else 0
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M) if requests > non2xx else None
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M) if requests > non2xx else None
    return Load(requests=requests, ok=requests - non2xx, errors=non2xx + socket_errors, seconds=seconds,
                p50_ms=_ms(p50.group(1)) if p50 else float("nan"), p99_ms=_ms(p99.group(1)) if p99 else float("nan"),
                client_cpu_s=usage)


_last_children_cpu = [0.0]


def _children_cpu() -> float:
    """CPU seconds used by finished child processes since the last call."""
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    used, _last_children_cpu[0] = total - _last_children_cpu[0], total
    return used


def _client_process(host: str, port: int, path: str, accept: str, threads: int, duration: float,
                    timeout: float) -> tuple[list[float], int, float]:
    """Closed-loop keep-alive GETs from `threads` threads; latencies (s), errors, CPU seconds of this process."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    start = time.monotonic()
    deadline = start + duration

    def loop(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": accept})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[k] += 1
                    continue
            except (OSError, http.client.HTTPException):
                errors[k] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
                continue
            latencies[k].append(time.perf_counter() - began)
        conn.close()

    workers = [threading.Thread(target=loop, args=(k,)) for k in range(threads)]
    cpu0 = time.process_time()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return [x for per in latencies for x in per], sum(errors), time.process_time() - cpu0


def run_python(host: str, port: int, path: str, accept: str, *, connections: int, duration: float, timeout: float,
               processes: int) -> Load:
    per = [connections // processes + (1 if k < connections % processes else 0) for k in range(processes)]
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        parts = list(pool.map(_client_process, *zip(*[(host, port, path, accept, n, duration, timeout) for n in per if n])))
    seconds = time.monotonic() - started
    latencies = sorted(x for part in parts for x in part[0])
    errors = sum(p[1] for p in parts)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    return Load(requests=len(latencies) + errors, ok=len(latencies), errors=errors, seconds=min(seconds, duration + timeout),
                p50_ms=pct(0.5), p99_ms=pct(0.99), client_cpu_s=sum(p[2] for p in parts))


# ----------------------------------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------------------------------

class Server:
    """`python -m graph serve` in a session of its own, stopped (with its workers) on exit."""

    def __init__(self, store: Path, port: int, env: dict[str, str], log: Path) -> None:
        self.port = port
        self._log = open(log, "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--store", str(store), "--port", str(port)],
                                        cwd=PROJECT, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    @staticmethod
    def path(bench: Bench) -> str:
        return bench.path

    def wait_ready(self, timeout: float) -> float:
        return wait_answer(self.process, self.port, "/sparql", "text/turtle", timeout, who="the server", log=self._log.name)

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far of the supervisor, and of its workers."""
        return cpu_of_tree(self.process.pid)

    def wait_idle(self, timeout: float) -> float:
        """Seconds until the server serves the build as it will for long (its log says so: copied into memory,
        or on a SPARQL server, with the network projected) and its processes use under a tenth of a core, so
        that no load meets what the service warms at start. Quiet alone is not enough: the supervisor can
        rest for a second between copying the build and projecting its network."""
        started = time.monotonic()
        before = sum(self.cpu())
        while time.monotonic() - started < timeout:
            time.sleep(1.0)
            now = sum(self.cpu())
            if now - before < 0.1 and re.search(r"serving build \S+ from (memory|http)", Path(self._log.name).read_text(errors="replace")):
                return time.monotonic() - started
            before = now
        raise RuntimeError(f"the server was still busy {timeout:g} s after it started; see {self._log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        try:  # workers left behind by a server that did not stop cleanly: same session, same group
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log.close()


class OverOxigraph(Server):
    """`python -m graph serve` with a SPARQL server as its backend: Oxigraph's, in memory, holding the build as
    `innograph publish` leaves it."""

    def __init__(self, store: Path, port: int, env: dict[str, str], log: Path) -> None:
        from graph.remote import Endpoint, publish
        from graph.store import open_store, read_manifest

        binary = which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        backend_port = free_port()
        self.backend = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{backend_port}", "--timeout-s",
                                         env["INNOGRAPH_QUERY_TIMEOUT_S"].split(".")[0]],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        url = f"http://127.0.0.1:{backend_port}"
        wait_answer(self.backend, backend_port, "/query?query=ASK%7B%7D", JSON, 60, who="Oxigraph's server", log=str(log))
        started = time.monotonic()
        manifest = read_manifest(store.resolve())
        assert manifest is not None, f"{store}: no manifest"
        publish(Endpoint(f"{url}/query", f"{url}/store", timeout_s=600), open_store(store.resolve()), manifest)
        print(f"published {manifest.triples} triples to Oxigraph's server in {time.monotonic() - started:.1f} s", flush=True)
        super().__init__(store, port, {**env, "INNOGRAPH_BACKEND_URL": f"{url}/query"}, log)

    def cpu(self) -> tuple[float, float]:
        main, workers = cpu_of_tree(self.process.pid)
        return main, workers + sum(cpu_of_tree(self.backend.pid))

    def stop(self) -> None:
        super().stop()
        self.backend.terminate()
        self.backend.wait(timeout=15)


class OxigraphServer:
    """`oxigraph serve` in memory on 127.0.0.1:port, loaded with the quads of a built store; or, `on_disk`,
    `oxigraph serve-read-only` on the build's own on-disk store."""

    def __init__(self, store: Path, port: int, log: Path, *, on_disk: bool = False) -> None:
        import pyoxigraph as ox

        from graph.store import check_built, open_store
        binary = which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        if not Path(binary).exists():
            raise SystemExit("Oxigraph's server is not installed: pip install oxigraph (or leave it out of --engines)")
        self.port = port
        bind = ["--union-default-graph", "--bind", f"127.0.0.1:{port}"]
        if on_disk:
            self._quads = b""
            command = [binary, "serve-read-only", "--location", str(check_built(store.resolve())), *bind]
        else:
            self._quads = open_store(store.resolve()).dump(format=ox.RdfFormat.N_QUADS)
            command = [binary, "serve", *bind]
        self._log = open(log, "wb")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    @staticmethod
    def path(bench: Bench) -> str:
        return _adhoc("/query", bench)

    def wait_ready(self, timeout: float) -> float:
        """Seconds until it answers and holds the data (in memory, loaded by POST /store)."""
        started = time.monotonic()
        wait_answer(self.process, self.port, "/query?query=ASK%7B%7D", JSON, timeout, who="Oxigraph's server", log=self._log.name)
        if not self._quads:
            return time.monotonic() - started
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("POST", "/store", body=self._quads, headers={"Content-Type": "application/n-quads"})
            response = conn.getresponse()
            if response.status not in (200, 201, 204):
                raise RuntimeError(f"Oxigraph's server refused the data: HTTP {response.status} {response.read()[:200]!r}")
        finally:
            conn.close()
        return time.monotonic() - started

    def wait_idle(self, timeout: float) -> float:
        return 0.0

    stop = Server.stop


class RdflibEndpoint:
    """rdflib-endpoint (`pip install rdflib-endpoint`, best in a virtual environment of its own: it pins its own
    rdflib and FastAPI) on 127.0.0.1:port, serving the build's quads from an N-Quads file with rdflib's store."""

    def __init__(self, store: Path, port: int, log: Path, binary: str | None) -> None:
        import pyoxigraph as ox

        from graph.store import open_store
        binary = binary or which(RDFLIB_ENDPOINT)
        if binary is None or not Path(binary).exists():
            raise SystemExit("rdflib-endpoint is not installed: python -m venv V && V/bin/pip install rdflib-endpoint, "
                             "then --rdflib-endpoint V/bin/rdflib-endpoint (or leave it out of --engines)")
        self.port = port
        quads = log.with_suffix(".nq")
        open_store(store.resolve()).dump(output=str(quads), format=ox.RdfFormat.N_QUADS)
        self._log = open(log, "wb")
        self.process = subprocess.Popen([binary, "serve", str(quads), "--host", "127.0.0.1", "--port", str(port)],
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    @staticmethod
    def path(bench: Bench) -> str:
        return _adhoc("/", bench)

    def wait_ready(self, timeout: float) -> float:
        """Seconds until it answers: it parses the whole file before it listens."""
        return wait_answer(self.process, self.port, "/?query=ASK%7B%7D", JSON, timeout, who="rdflib-endpoint", log=self._log.name)

    def wait_idle(self, timeout: float) -> float:
        return 0.0

    stop = Server.stop


class Virtuoso:
    """Virtuoso Open Source (Debian's virtuoso-opensource-7) with a database of its own in a temporary folder,
    its SQL and HTTP ports on 127.0.0.1, loaded with the build's quads by its bulk loader. A query with no
    FROM reads every graph, as innograph's default graph does."""

    def __init__(self, store: Path, port: int, log: Path) -> None:
        import pyoxigraph as ox

        from graph.store import open_store
        self.server, self.isql = which("virtuoso-t"), which("isql-vt")
        if self.server is None or self.isql is None:
            raise SystemExit("Virtuoso is not installed: apt-get install virtuoso-opensource-7 (or leave it out of --engines)")
        self.port, self.sql_port = port, free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="virtuoso-", dir=log.parent))
        open_store(store.resolve()).dump(output=str(self.folder / "data.nq"), format=ox.RdfFormat.N_QUADS)
        (self.folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(folder=self.folder, sql=self.sql_port, http=port, timeout=60))
        self._log = open(log, "wb")
        self.process = subprocess.Popen([self.server, "+foreground", "+configfile", "virtuoso.ini"], cwd=self.folder,
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    @staticmethod
    def path(bench: Bench) -> str:
        return _adhoc("/sparql", bench)

    def _sql(self, statements: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
                              capture_output=True, text=True, timeout=timeout)

    def wait_ready(self, timeout: float) -> float:
        """Seconds until it answers with the data loaded."""
        started = time.monotonic()
        while self._sql("status();", 10).returncode != 0:
            if self.process.poll() is not None or time.monotonic() - started > timeout:
                raise RuntimeError(f"Virtuoso did not start; see {self._log.name}")
            time.sleep(0.5)
        loaded = self._sql(f"ld_dir('{self.folder}', 'data.nq', 'urn:innograph:unnamed'); rdf_loader_run(); checkpoint;",
                           timeout)
        errors = self._sql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;", 30)
        if loaded.returncode or "data.nq" in errors.stdout:
            raise RuntimeError(f"Virtuoso did not load the data: {loaded.stdout[-500:]} {errors.stdout[-500:]}")
        return time.monotonic() - started

    def wait_idle(self, timeout: float) -> float:
        return 0.0

    stop = Server.stop


def _adhoc(route: str, bench: Bench) -> str:
    """An ad-hoc query for a server other than innograph: the prefixes of innograph's that it uses declared in its
    text (Virtuoso compiles every query it is sent, declarations and all)."""
    from graph.namespaces import PREFIXES
    text = bench.text or ""
    prefixes = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items()
                       if re.search(rf"(?<![\w-]){re.escape(prefix)}:", text))
    return route + "?" + urlencode({"query": prefixes + text})


def wait_answer(process: subprocess.Popen, port: int, path: str, accept: str, timeout: float, *, who: str, log: str) -> float:
    """Seconds until a server on 127.0.0.1:port answers GET `path` with 200.

    Raises RuntimeError when it exits first or has not answered within `timeout` seconds.
    """
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{who} exited with status {process.returncode}; see {log}")
        try:
            if get("127.0.0.1", port, path, accept, timeout=5)[0] == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{who} did not answer within {timeout:g} s; see {log}")


def drain(port: int, *, timeout: float) -> float:
    """Seconds until a trivial query is answered: how long the server stayed busy with queued requests."""
    started = time.monotonic()
    try:
        get("127.0.0.1", port, "/sparql?" + urlencode({"query": "ASK {}"}), JSON, timeout=timeout)
    except OSError:
        pass
    return time.monotonic() - started


def get(host: str, port: int, path: str, accept: str, *, timeout: float) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------

def build(data: Path, store: Path) -> None:
    env = dict(os.environ)
    if (data / "sources").is_dir():
        env["INNOGRAPH_SEEDS_DIR"] = env["INNOGRAPH_SOURCES_DIR"] = str(data / "sources")
    command = [sys.executable, "-m", "graph", "build", "--data", str(PROJECT / "ontology"), "--data", str(data),
               "--store", str(store)]
    print("$", " ".join(command), flush=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
    print((done.stdout + done.stderr).strip())
    if done.returncode:
        raise SystemExit(f"the build failed ({done.returncode})")
    print(f"build: {time.monotonic() - started:.1f} s", flush=True)


HEADER = (f"{'engine':20} {'query':28} {'rows':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
          f"{'main ms':>8} {'work ms':>8} {'client ms':>9}")


def line(r: Result) -> str:
    return (f"{r.engine:20} {r.query:28} {r.rows:>6} {r.rps:8.1f} {r.p50_ms:8.1f} {r.p99_ms:8.1f} {r.errors:6d} "
            f"{r.main_ms:8.2f} {r.workers_ms:8.2f} {r.client_ms:9.3f}" + (f"  {r.note}" if r.note else ""))


def bench_engine(engine: str, args: argparse.Namespace, queries: list[Bench], logdir: Path) -> list[Result]:
    port = args.port or free_port()
    server: Server | OxigraphServer | RdflibEndpoint | Virtuoso
    if engine in (OXIGRAPH_SERVER, OXIGRAPH_DISK):
        server = OxigraphServer(args.store, port, logdir / f"serve-{engine}.log", on_disk=engine == OXIGRAPH_DISK)
        queries = [b for b in queries if b.text is not None]
    elif engine == RDFLIB_ENDPOINT:
        server = RdflibEndpoint(args.store, port, logdir / f"serve-{engine}.log", args.rdflib_endpoint)
        queries = [b for b in queries if b.text is not None]
    elif engine == VIRTUOSO:
        server = Virtuoso(args.store, port, logdir / f"serve-{engine}.log")
        queries = [b for b in queries if b.text is not None]
    else:
        env = {"INNOGRAPH_ENGINE": "oxigraph" if engine == CACHED else engine, "INNOGRAPH_QUERY_TIMEOUT_S": str(args.query_timeout)}
        if engine != CACHED:
            env["INNOGRAPH_RESULT_CACHE_MB"] = "0"
        if args.workers:
            env["INNOGRAPH_QUERY_WORKERS"] = str(args.workers)
        if engine == OVER_OXIGRAPH:
            env["INNOGRAPH_ENGINE"] = "oxigraph"
            server = OverOxigraph(args.store, port, env, logdir / f"serve-{engine}.log")
        else:
            server = Server(args.store, port, env, logdir / f"serve-{engine}.log")
    results = []
    try:
        ready = server.wait_ready(args.start_timeout)
        idle = server.wait_idle(args.start_timeout)
        print(f"\n{engine}: serving {args.store} on 127.0.0.1:{port} after {ready:.1f} s, idle {idle:.1f} s later "
              f"(cache {'on' if engine == CACHED else 'off'}, client {args.client_used}; "
              f"load average {os.getloadavg()[0]:.2f})", flush=True)
        print(HEADER, flush=True)
        timeout = args.query_timeout + 5
        for bench in queries:
            path = server.path(bench)
            try:
                status, headers, body = get("127.0.0.1", port, path, bench.accept, timeout=timeout)
            except OSError as e:
                status, headers, body = 0, {}, str(e).encode()
            rows = headers.get("x-innograph-rows") or _rows(body, status)
            note = "" if status == 200 else f"probe: HTTP {status} {body[:80]!r}"
            main0, workers0 = server.cpu() if isinstance(server, Server) else cpu_of_tree(server.process.pid)
            _children_cpu()
            if args.client_used == "wrk":
                load = run_wrk(f"http://127.0.0.1:{port}{path}", bench.accept, connections=args.connections,
                               duration=args.duration, timeout=timeout, threads=args.wrk_threads)
            else:
                load = run_python("127.0.0.1", port, path, bench.accept, connections=args.connections,
                                  duration=args.duration, timeout=timeout, processes=args.client_processes)
            main1, workers1 = server.cpu() if isinstance(server, Server) else cpu_of_tree(server.process.pid)
            if not isinstance(server, Server):  # one process does all the work: count it with the workers
                main0, workers0, main1, workers1 = 0.0, main0 + workers0, 0.0, main1 + workers1
            # Requests still queued when the load stopped go on running (the server does not drop the jobs of
            # clients that went away); wait until a trivial query gets through, so that the next query starts on an
            # idle server. Its CPU is not counted above.
            drained = drain(port, timeout=args.drain_timeout)
            if drained > 1.0:
                note = (note + "; " if note else "") + f"server busy {drained:.0f} s after the load"
            per = max(load.requests, 1)
            workers_ms = (workers1 - workers0) * 1000 / per
            if workers_ms < 0:  # a worker was killed at the time limit: its CPU left the process tree
                workers_ms = float("nan")
                note = (note + "; " if note else "") + "workers replaced"
            result = Result(engine=engine, query=bench.name, rows=rows, bytes=len(body), requests=load.requests,
                            rps=load.ok / load.seconds if load.seconds else 0.0, p50_ms=load.p50_ms, p99_ms=load.p99_ms,
                            errors=load.errors, main_ms=(main1 - main0) * 1000 / per,
                            workers_ms=workers_ms, client_ms=load.client_cpu_s * 1000 / per, note=note)
            results.append(result)
            print(line(result), flush=True)
    finally:
        server.stop()
    return results


def _rows(body: bytes, status: int) -> str:
    """The rows of a SPARQL JSON answer from a server that does not say how many it sent."""
    try:
        return str(len(json.loads(body)["results"]["bindings"])) if status == 200 else "-"
    except (ValueError, KeyError, TypeError):
        return "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="the store to serve (built here with --build)")
    parser.add_argument("--data", type=Path, help="a folder written by scripts/generate.py, for --build")
    parser.add_argument("--build", action="store_true", help="build the store from --data and the ontology first")
    parser.add_argument("--engines", default=f"oxigraph,{OXIGRAPH_SERVER},rdflib",
                        help=f"comma-separated: oxigraph and rdflib (innograph's engines), {CACHED} (innograph with its "
                             f"result cache on), {OVER_OXIGRAPH} (innograph with "
                             f"Oxigraph's server as its backend), {OXIGRAPH_SERVER} (Oxigraph's own "
                             f"server, in memory), {OXIGRAPH_DISK} (on the build's store), {RDFLIB_ENDPOINT}, {VIRTUOSO}")
    parser.add_argument("--rdflib-endpoint", help="the rdflib-endpoint command (default: the one on PATH)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per query (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive clients (default 8)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--workers", type=int, default=0, help="INNOGRAPH_QUERY_WORKERS (default: one per core)")
    parser.add_argument("--query-timeout", type=float, default=10.0, help="INNOGRAPH_QUERY_TIMEOUT_S (default 10)")
    parser.add_argument("--start-timeout", type=float, default=300.0, help="seconds to wait for the server to answer, and again for it to settle")
    parser.add_argument("--drain-timeout", type=float, default=600.0,
                        help="seconds to wait, after each load, for requests still queued in the server")
    parser.add_argument("--rounds", type=int, default=1, help="run the engines this many times in turn; compare medians (default 1)")
    parser.add_argument("--only", help="a regular expression: run only the queries whose names match")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto", help="load client (default: wrk if present)")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--client-processes", type=int, default=2, help="Python client processes (default 2)")
    parser.add_argument("--json", type=Path, help="also write every result to this JSON file")
    args = parser.parse_args()
    args.client_used = ("wrk" if which("wrk") else "python") if args.client == "auto" else args.client
    if args.client_used == "wrk" and not which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk); use --client python")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped in `finally`

    if args.build:
        if args.data is None:
            raise SystemExit("--build needs --data")
        build(args.data, args.store)
    queries = benches(args.only)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="innograph-bench-") as logs:
        for round_ in range(args.rounds):
            if args.rounds > 1:
                print(f"\n=== round {round_ + 1} of {args.rounds}", flush=True)
            for engine in engines:
                results += bench_engine(engine, args, queries, Path(logs))

    # req/s of each system and query: the median of its rounds, and the lowest and highest
    by: dict[tuple[str, str], list[float]] = {}
    for r in results:
        by.setdefault((r.engine, r.query), []).append(r.rps)
    median = {key: statistics.median(rps) for key, rps in by.items()}
    if args.rounds > 1:
        print(f"\n{'engine':30} {'query':28} {'median req/s':>12} {'lowest':>9} {'highest':>9}")
        for (engine, query), rps in by.items():
            print(f"{engine:30} {query:28} {median[engine, query]:12.1f} {min(rps):9.1f} {max(rps):9.1f}")
    base = engines[0]
    for other in engines[1:]:
        print(f"\n{'query':28} {base + ' req/s':>18} {other + ' req/s':>22} {'ratio':>8}")
        ratios = []
        for bench in queries:
            a, b = median.get((base, bench.name)), median.get((other, bench.name))
            if a is None or b is None:
                continue
            ratio = a / b if b else float("inf")
            if b and a:
                ratios.append(ratio)
            print(f"{bench.name:28} {a:18.1f} {b:22.1f} {ratio:8.2f}" + ("  (no successful request)" if not b else ""))
        if ratios:
            print(f"{'geometric mean':28} {'':18} {'':22} {statistics.geometric_mean(ratios):8.2f}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))


if __name__ == "__main__":
    main()
