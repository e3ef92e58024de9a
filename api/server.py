"""`innograph serve`: a supervisor that loads the build once and forks HTTP workers that share it.

Each worker is a whole service (its HTTP server, api/worker.py, and the FastAPI app) on one listening
socket that all of them accept on, and runs its queries in threads of its own process: pyoxigraph
releases the GIL while it evaluates, so there is no hop to another process on any request. The
workers are forked from the supervisor after it has loaded the store into memory, so they share its
pages (copy-on-write) instead of each holding a copy.

pyoxigraph cannot stop a query (DESIGN.md §3), so a query past the time limit is answered 503 by its
worker, which then retires: it stops accepting, finishes the requests it holds, and exits, which ends
the runaway query and frees its CPU. The supervisor forks a replacement at once. Each worker also
writes into shared memory when its oldest running query started; one that has not answered past the
limit and a grace period (its event loop is stuck) is killed, as is one that crashes, and replaced.

Start-up: the first workers serve from the read-only on-disk store, which opens at once; the
supervisor meanwhile copies the build into memory and projects its network, then forks workers over
that and retires the first ones. A new build published by `innograph build` is served the same way,
without a restart. With a SPARQL server as the backend (graph/remote.py) it is the same without the
copy: the workers ask the server, and the supervisor looks every 2 s whether it publishes a new build.
"""

import ctypes
import gc
import itertools
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from graph.answers import Precomputed
from graph.errors import InnographError
from graph.network import Network, project
from graph.remote import RemoteStore, open_backend
from graph.settings import Settings
from graph.store import Manifest, check_built, open_store, read_manifest

__all__ = ["Build", "Supervisor", "WorkerSlot", "serve"]

_LOG = logging.getLogger("innograph")
_TICK_S = 0.1  # how often the supervisor looks at its workers
_WATCH_S = 2.0  # how often it looks whether `innograph build` has published a new store
_GRACE_S = 5.0  # past the time limit, how long a worker may go without answering before it is killed
_YOUNG_S = 2.0  # a worker that ends sooner after its start failed to start: its replacement waits
_MAX_BACKOFF_S = 30.0  # the longest wait before the next try, doubling from one tick


@dataclass
class Build:
    """One published build as a worker serves it: its folder, and its store copied into memory, where
    queries run 7-9x faster than on disk (DESIGN.md §3), or else opened read-only from disk; or a build
    published on a SPARQL server (graph/remote.py), which the workers ask over HTTP."""

    build_dir: Path | None
    memory: ox.Store | None = None
    network: Network | None = None  # the collaboration network projected from the store, with today's positions
    remote: RemoteStore | None = None
    answers: Precomputed | None = None  # the named queries worked out for every value (graph/answers.py)
    ready: bool = False  # made by `loaded`: served as it will be for long
    _disk: ox.Store | None = None
    _manifest: Manifest | None = None

    @classmethod
    def loaded(cls, build: "Build") -> "Build":
        """The build as it is served for long: an embedded one copied into memory with its precomputed answers
        (at 1M triples 4 s), and either one's network projected and today's positions worked out (22 s and
        15 s). Done once here, before the workers are forked over it, so that they share all of it instead of
        each working it out again and holding a copy."""
        memory = answers = None
        manifest = build.manifest  # read here, so that a build whose manifest is broken is refused, not served
        if build.remote is None:
            memory = ox.Store()
            memory.bulk_extend(open_store(build.build_dir).quads_for_pattern(None, None, None, None))  # type: ignore[arg-type]
            answers = Precomputed.work_out(memory)
        try:
            network: Network | None = project(memory if memory is not None else build.store, shared_sectors=False)
            network.position(date.today())  # type: ignore[union-attr]
        except Exception as e:  # the store is served all the same; the first request that needs the network meets this again
            _LOG.warning("could not project the network of %s: %s", build.name, e)
            network = None
        return cls(build.build_dir, memory, network, build.remote, answers, ready=True, _manifest=manifest)

    @classmethod
    def on_server(cls, settings: Settings) -> "Build":
        """The build the SPARQL server of the settings publishes now.

        Raises StoreMissing when nothing is published there, StoreError when the server cannot be asked.
        """
        remote, _ = open_backend(settings)
        return cls(None, remote=remote)  # type: ignore[arg-type]

    @property
    def name(self) -> str:
        return self.remote.build.build if self.remote is not None else self.build_dir.name  # type: ignore[union-attr]

    @property
    def manifest(self) -> Manifest | None:
        """Raises StoreError for a manifest that cannot be read."""
        if self.remote is not None:
            return self.remote.build.manifest
        if self._manifest is None:
            self._manifest = read_manifest(self.build_dir)  # type: ignore[arg-type]
        return self._manifest

    @property
    def store(self) -> ox.Store | RemoteStore:
        # The on-disk store is opened by the worker that reads it, after the fork: a RocksDB handle does
        # not survive one.
        if self.memory is not None:
            return self.memory
        if self.remote is not None:
            return self.remote
        if self._disk is None:
            self._disk = open_store(self.build_dir)  # type: ignore[arg-type]
        return self._disk


class WorkerSlot:
    """A worker's place in the memory it shares with the supervisor: since when its oldest running query
    runs (0 when none does), and whether it has asked to be replaced."""

    def __init__(self, busy_since: "ctypes.Array[ctypes.c_double]", retiring: "ctypes.Array[ctypes.c_bool]", index: int) -> None:
        self._busy_since, self._retiring, self.index = busy_since, retiring, index
        self._running: dict[int, float] = {}
        self._tokens = itertools.count()
        self._lock = threading.Lock()

    def started(self) -> int:
        with self._lock:
            token = next(self._tokens)
            self._running[token] = time.monotonic()
            self._busy_since[self.index] = min(self._running.values())
            return token

    def finished(self, token: int) -> None:
        with self._lock:
            self._running.pop(token, None)
            self._busy_since[self.index] = min(self._running.values(), default=0.0)

    def retire(self) -> None:
        self._retiring[self.index] = True


@dataclass(eq=False)
class _Worker:
    pid: int
    slot: int
    build: Build
    retiring: bool = False
    since: float = field(default_factory=time.monotonic)


class Supervisor:
    """Forks the workers, replaces those that retire, crash or hang, and serves each new build."""

    def __init__(self, settings: Settings, store_dir: Path, sock: socket.socket) -> None:
        self.settings = settings
        self.store_dir = store_dir
        self.sock = sock
        self.size = settings.query_workers or os.cpu_count() or 2
        slots = 64 + 4 * self.size  # two generations at once, and workers still finishing after they retired
        self._busy_since = multiprocessing.RawArray(ctypes.c_double, slots)
        self._retiring = multiprocessing.RawArray(ctypes.c_bool, slots)
        self._workers: dict[int, _Worker] = {}
        self._current: Build | None = None
        self._loading: threading.Thread | None = None
        self._loaded: Build | None = None
        self._stopping = False
        self._backoff = 0.0  # how long the next replacement of a worker that failed to start waits
        self._deferred: list[tuple[float, Build]] = []  # replacements waiting for their time

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> None:
        """Serve until SIGTERM or SIGINT, then stop every worker."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        endpoint = self.settings.endpoint()
        # from disk or the server, until the copy in memory and the network are ready
        self._serve(Build.on_server(self.settings) if endpoint is not None else Build(self.store_dir.resolve()))
        last_watch = time.monotonic()
        while not self._stopping:
            self._reap()
            self._check_workers()
            self._fork_deferred()
            if self._loaded is not None:
                loaded, self._loaded, self._loading = self._loaded, None, None
                self._serve(loaded)
            if time.monotonic() - last_watch >= _WATCH_S:
                last_watch = time.monotonic()
                self._watch()
            time.sleep(_TICK_S)
        self._shutdown()

    def _stop(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def _serve(self, build: Build) -> None:
        """Fork a generation of workers over `build`, then retire the generation before it."""
        old = [w for w in self._workers.values() if not w.retiring]
        self._current = build
        for _ in range(self.size):
            self._fork(build)
        for worker in old:
            self._retire(worker)
        if not build.ready:
            self._load(partial(Build.loaded, build), build.name)
        else:
            _LOG.info("serving build %s %s with %d workers", build.name,
                      f"from {build.remote.endpoint.query_url}" if build.remote is not None else "from memory", self.size)

    def _load(self, make: Callable[[], Build | None], name: str) -> None:
        """Make a build to serve in the background (None: there is no new one); the loop serves it once it is there."""
        def load() -> None:
            try:
                loaded = make()
            except (InnographError, OSError) as e:  # pruned meanwhile, or the server is away: the next watch looks again
                _LOG.warning("could not load the build %s: %s; still serving %s", name, e,
                             self._current.name if self._current else "nothing")
                loaded = None
            if loaded is None:
                self._loading = None
            else:
                self._loaded = loaded

        self._loading = threading.Thread(target=load, name="load-build", daemon=True)
        self._loading.start()

    def _watch(self) -> None:
        """Load the build that is published now when it is a new one; the old one answers meanwhile."""
        if self._current is None or self._loading is not None:
            return
        endpoint, current = self.settings.endpoint(), self._current
        if endpoint is not None:
            def newer() -> Build | None:
                build = Build.on_server(self.settings)
                return build if build.name != current.name else None

            self._load(newer, f"published at {endpoint.query_url}")
            return
        try:
            published_dir = self.store_dir.resolve(strict=True)
        except OSError:
            return
        if published_dir != current.build_dir:
            self._load(partial(Build.loaded, Build(published_dir)), published_dir.name)

    # -- workers -------------------------------------------------------------------------------

    def _free_slot(self) -> int:
        used = {w.slot for w in self._workers.values()}
        slot = next(i for i in range(len(self._busy_since)) if i not in used)
        self._busy_since[slot], self._retiring[slot] = 0.0, False
        return slot

    def _fork(self, build: Build) -> None:
        slot = self._free_slot()
        gc.freeze()  # what the supervisor holds stays out of the workers' collections, which would copy its pages
        pid = os.fork()
        if pid == 0:  # the worker: it never returns from here
            code = 1
            try:
                for signum in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(signum, signal.SIG_DFL)  # the worker's server installs its own while it serves
                _serve_worker(self.settings, build, self.sock, WorkerSlot(self._busy_since, self._retiring, slot))
                code = 0
            except Exception:
                _LOG.exception("a worker failed serving the build %s", build.name)
            finally:
                os._exit(code)  # not sys.exit: a runaway query's thread would be waited for
        self._workers[pid] = _Worker(pid, slot, build)

    def _retire(self, worker: _Worker) -> None:
        """Ask a worker to finish the requests it holds and exit."""
        if not worker.retiring:
            worker.retiring, worker.since = True, time.monotonic()
            _signal(worker.pid, signal.SIGTERM)

    def _reap(self) -> None:
        """Forget the workers that exited; replace those of the current build that did not mean to."""
        while self._workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            worker = self._workers.pop(pid, None)
            if worker is not None and not worker.retiring and not self._stopping:
                if time.monotonic() - worker.since < _YOUNG_S:  # it could not start: trying again at once would spin
                    self._backoff = min(max(2 * self._backoff, _TICK_S), _MAX_BACKOFF_S)
                    _LOG.warning("a worker (pid %d) ended as it started (%s); starting another in %.1f s", pid,
                                 _how(status), self._backoff)
                    worker.retiring = True
                    if worker.build is self._current:
                        self._deferred.append((time.monotonic() + self._backoff, worker.build))
                else:
                    self._backoff = 0.0
                    _LOG.warning("a worker (pid %d) ended unexpectedly (%s); starting another", pid, _how(status))
                    self._replace(worker)

    def _fork_deferred(self) -> None:
        """Start the replacements whose wait is over, for the build served now."""
        now = time.monotonic()
        due = [build for at, build in self._deferred if at <= now]
        self._deferred = [(at, build) for at, build in self._deferred if at > now]
        for build in due:
            if build is self._current:
                self._fork(build)

    def _check_workers(self) -> None:
        now = time.monotonic()
        limit = self.settings.query_timeout_s + _GRACE_S
        for worker in list(self._workers.values()):
            if self._retiring[worker.slot]:  # it stopped a runaway query and is finishing: replace it now
                self._replace(worker)
            busy_since = self._busy_since[worker.slot]
            if busy_since and now - busy_since > limit:
                _LOG.warning("a worker (pid %d) gave no answer for %.0f s; killing it", worker.pid, now - busy_since)
                self._kill(worker)
            elif worker.retiring and now - worker.since > limit:  # a retiring worker that does not finish
                self._kill(worker)

    def _replace(self, worker: _Worker) -> None:
        """Count a worker as going, and fork another in its place when it serves the current build."""
        if not worker.retiring:
            worker.retiring, worker.since = True, time.monotonic()
            if worker.build is self._current:
                self._fork(worker.build)

    def _kill(self, worker: _Worker) -> None:
        self._replace(worker)
        self._busy_since[worker.slot] = 0.0
        _signal(worker.pid, signal.SIGKILL)

    def _shutdown(self) -> None:
        for worker in self._workers.values():
            self._retire(worker)
        deadline = time.monotonic() + self.settings.query_timeout_s
        while self._workers and time.monotonic() < deadline:
            self._reap()
            time.sleep(_TICK_S)
        for worker in self._workers.values():
            _signal(worker.pid, signal.SIGKILL)
        self._reap()


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def _serve_worker(settings: Settings, build: Build, sock: socket.socket, slot: WorkerSlot) -> None:
    from api.app import create_app
    from api.worker import WorkerServer

    app = create_app(settings, build=build, slot=slot)
    server = WorkerServer(app, settings)
    app.state.server = server  # a worker that stopped a runaway query retires through it
    server.serve(sock)


def serve(settings: Settings, store_dir: Path, *, host: str, port: int) -> None:
    """Listen on host:port and serve the build `store_dir` names, and each one published after it.

    Raises StoreMissing when nothing has been built at `store_dir`.
    """
    endpoint = settings.endpoint()
    if endpoint is None:
        check_built(store_dir)  # fail here, with a clear message, rather than in every worker
        read_manifest(store_dir)
    # The app imported once, before the first fork, not by every worker at once (1.3 s of CPU each, on the
    # way to the first answer); the workers share its pages.
    import api.app  # noqa: F401
    import api.worker  # noqa: F401
    sock = socket.create_server((host, port), backlog=2048, reuse_port=False)
    sock.set_inheritable(True)
    # Accepted sockets inherit this; asyncio sets it only on sockets made with proto IPPROTO_TCP, and
    # without it every answer waits 40 ms for a delayed ACK between its headers and its body.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    _LOG.setLevel(logging.INFO)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line for each request to a SPARQL server backend otherwise
    _LOG.info("innograph serving %s on http://%s:%d", endpoint.query_url if endpoint else store_dir, host, port)
    try:
        Supervisor(settings, store_dir, sock).run()
    finally:
        sock.close()
