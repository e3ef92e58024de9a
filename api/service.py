"""What the routes share: the build a worker serves (its store, graphs, answers), the query policy."""

import asyncio
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from datetime import date

import pyoxigraph as ox

from api.server import Build, WorkerSlot
from graph.answers import Precomputed
from graph.errors import QueryError, QueryTimeout
from graph.executor import Job, Term, execute, execute_rdflib, rdflib_dataset
from graph.guard import Policy, check_graph, check_query
from graph.network import Network, project
from graph.results import Written
from graph.settings import Settings
from graph.store import Manifest

__all__ = ["QueryService", "ResultCache", "Served"]


class ResultCache:
    """Answers already written, least recently used dropped first, bounded in bytes.

    A build never changes, so the same query, asked the same way, has the same answer: it is written once
    for each build served. The threads of a worker's HTTP server share it.
    """

    def __init__(self, max_bytes: int) -> None:
        self._entries: OrderedDict[Hashable, Written] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    @staticmethod
    def key(job: Job) -> Hashable:
        return (job.query, tuple(job.accept), job.max_rows, job.default_graphs, job.named_graphs,
                tuple(sorted(job.substitutions.items())), job.base_iri)

    def get(self, key: Hashable) -> Written | None:
        with self._lock:
            written = self._entries.get(key)
            if written is not None:
                self._entries.move_to_end(key)
            return written

    def put(self, key: Hashable, written: Written) -> None:
        size = len(written.body)
        if size > self._max_bytes // 4:  # a very large answer would push out many small ones
            return
        with self._lock:
            if key in self._entries:  # written meanwhile by another thread
                return
            self._entries[key] = written
            self._bytes += size
            while self._bytes > self._max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)


_LOG = logging.getLogger("innograph")
# Queries one worker runs at once, each in a thread of its own (pyoxigraph releases the GIL); a runaway
# query holds one of them until its worker retires.
_QUERY_THREADS = 4
_NEW_DAY_CHECK_S = 60.0  # how often a worker looks whether a new day's positions are to be warmed


@dataclass
class Served:
    """The build a worker serves: its store, its graphs, and the answers and networks made from it."""

    build: Build
    graphs: frozenset[str]
    manifest: Manifest | None
    cache: ResultCache
    answer: Callable[[Job], Written]
    precomputed: Precomputed | None  # the build's, unless the service compares engines (rdflib's)
    networks: dict[bool, Network] = field(default_factory=dict)

    @classmethod
    def open(cls, settings: Settings, build: Build) -> "Served":
        store = build.store
        graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        answer = (partial(execute_rdflib, rdflib_dataset(store)) if settings.engine == "rdflib"
                  else partial(execute, store))
        networks = {False: build.network} if build.network is not None else {}
        return cls(build, graphs, build.manifest, ResultCache(settings.result_cache_mb * 1_000_000), answer,
                   build.answers if settings.engine != "rdflib" else None, networks)


@dataclass
class QueryService:
    """Checks a query against the policy, then runs it in a thread of this worker, answering 503 at the time
    limit; a worker that had to stop a query retires (api/server.py), which ends the query."""

    settings: Settings
    served: Served
    slot: WorkerSlot | None = None
    on_runaway: Callable[[], None] = lambda: None
    _network_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _warming: asyncio.Task[None] | None = None
    _executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(_QUERY_THREADS, "query"))

    @classmethod
    def start(cls, settings: Settings, build: Build, *, slot: WorkerSlot | None = None,
              on_runaway: Callable[[], None] = lambda: None) -> "QueryService":
        """Serve `build`; warm its network when it is the build as it will be served for long.

        Raises StoreMissing when `build` has no store.
        """
        service = cls(settings=settings, served=Served.open(settings, build), slot=slot, on_runaway=on_runaway)
        if build.ready:
            service._warm()
        return service

    def _warm(self) -> None:
        """Project the collaboration network now, in the background, and the day's positions that briefs
        state, and each new day's positions again: at 1M triples they take 22 s and 15 s, which the first
        page or brief would otherwise wait for."""
        async def warm() -> None:
            while True:
                day = date.today()
                try:
                    network = await self.network(shared_sectors=False)
                    await asyncio.to_thread(network.position, day)
                except Exception:  # met again, and reported, by the first request that needs them
                    pass
                while date.today() == day:
                    await asyncio.sleep(_NEW_DAY_CHECK_S)

        self._warming = asyncio.get_running_loop().create_task(warm())

    # What the routes read is the build served.
    @property
    def store(self) -> ox.Store:
        return self.served.build.store

    @property
    def graphs(self) -> frozenset[str]:
        return self.served.graphs

    @property
    def manifest(self) -> Manifest | None:
        return self.served.manifest

    @property
    def policy(self) -> Policy:
        s = self.settings
        return Policy(max_bytes=s.max_query_bytes, max_depth=s.max_query_depth,
                      allowed_hosts=frozenset(h.lower() for h in s.allowed_hosts))

    async def run(self, job: Job) -> Written:
        """Check the query, then run it in a query thread, answering 503 at the time limit.

        Raises QueryTooLarge or QueryRefused before it runs; QueryError, NotAcceptable or QueryTimeout
        from running it.
        """
        key, written, job = self._checked(job)
        if written is not None:
            return written
        with self._running():
            try:
                written = await asyncio.wait_for(
                    asyncio.get_running_loop().run_in_executor(self._executor, self._answer, job),
                    self.settings.query_timeout_s)
            except asyncio.TimeoutError:
                raise self.stopped() from None
        self.served.cache.put(key, written)
        return written

    def run_here(self, job: Job) -> Written:
        """`run`, in the calling thread: the worker's HTTP server (api/worker.py) answers 503 at the time
        limit on its behalf.

        Raises what `run` raises, but QueryTimeout.
        """
        key, written, job = self._checked(job)
        if written is not None:
            return written
        with self._running():
            written = self._answer(job)
        self.served.cache.put(key, written)
        return written

    def stopped(self) -> QueryTimeout:
        """The error for a query past the time limit; the worker retires, which stops it."""
        _LOG.warning("a query ran past the %g s limit; this worker retires to stop it", self.settings.query_timeout_s)
        self.on_runaway()
        return QueryTimeout(f"the query ran past the {self.settings.query_timeout_s:g} s limit and was stopped")

    def _checked(self, job: Job) -> tuple[Hashable, Written | None, Job]:
        """The job's cache key, its cached answer if there is one, and the job as the policy lets it run.

        Raises QueryTooLarge or QueryRefused.
        """
        served = self.served
        key = ResultCache.key(job)
        cached = served.cache.get(key)
        if cached is not None:
            return key, cached, job
        facts = check_query(job.query, self.policy, is_local_graph=served.graphs.__contains__)
        for graph in job.default_graphs + job.named_graphs:
            check_graph(graph, self.policy, is_local_graph=served.graphs.__contains__)
        if facts.open_select:  # the engine stops at the row after the limit: no sink has to stop it
            query, bounded = f"{job.query}\nLIMIT {job.max_rows + 1}", True
        else:
            query, bounded = job.query, facts.limit is not None and facts.limit <= job.max_rows + 1
        return key, None, replace(job, query=query, bounded=bounded, union_default_graph=not facts.names_dataset,
                                  functions=facts.functions)

    @contextmanager
    def _running(self) -> Iterator[None]:
        """While a query runs: its start in the worker's slot, where the supervisor watches for a hung worker."""
        token = self.slot.started() if self.slot else None
        try:
            yield
        finally:
            if self.slot is not None and token is not None:
                self.slot.finished(token)

    def _answer(self, job: Job) -> Written:
        try:
            return self.served.answer(job)
        except OSError as e:  # the store could not be read
            raise QueryError(f"the store could not be read: {e}") from e

    async def select(self, query: str, **params: Term) -> list[dict[str, dict[str, str]]]:
        """The rows of a SELECT, each variable bound to its SPARQL JSON term (type, value, xml:lang, datatype).

        Raises what `run` raises.
        """
        job = Job(query=query, accept=[("application/sparql-results+json", 1.0)], max_rows=self.settings.max_rows,
                  substitutions=params)
        written = await self.run(job)
        return json.loads(written.body)["results"]["bindings"]  # type: ignore[no-any-return]

    async def network(self, *, shared_sectors: bool) -> Network:
        """The collaboration network of the build served, projected on first use (in a thread: the service
        goes on answering) and kept with the build. Shared-sector ties, which grow with the square of the
        actors, are projected only when a view asks for them."""
        served = self.served
        async with self._network_lock:
            if shared_sectors not in served.networks:
                served.networks[shared_sectors] = await asyncio.to_thread(
                    lambda: project(served.build.store, shared_sectors=shared_sectors))
            return served.networks[shared_sectors]

    async def document(self, key: Hashable, make: Callable[[], tuple[str, bytes]]) -> Written:
        """A page, export, report or brief, made in a thread on first request and kept with the query
        answers of the build served. `make` gives its media type and bytes."""
        served = self.served
        written = served.cache.get(key)
        if written is None:
            media_type, body = await asyncio.to_thread(make)
            written = Written(media_type, body, "document", 0, False)
            served.cache.put(key, written)
        return written

    def close(self) -> None:
        if self._warming is not None:
            self._warming.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)  # a runaway query's thread is not waited for
