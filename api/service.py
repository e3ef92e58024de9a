"""What the routes share: the build served (its worker pool, store, graphs, answers), the query policy."""

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from graph.errors import InnographError
from graph.executor import Job, QueryPool, Term
from graph.guard import Policy, check_graph, check_query
from graph.network import Network, project
from graph.results import Written
from graph.settings import Settings
from graph.store import Manifest, open_store, read_manifest

__all__ = ["QueryService", "ResultCache", "Served"]


class ResultCache:
    """Answers already written, least recently used dropped first, bounded in bytes.

    A build never changes, so the same query, asked the same way, has the same answer: it is written once
    for each build served.
    """

    def __init__(self, max_bytes: int) -> None:
        self._entries: OrderedDict[Hashable, Written] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes

    @staticmethod
    def key(job: Job) -> Hashable:
        return (job.query, tuple(job.accept), job.max_rows, job.default_graphs, job.named_graphs,
                tuple(sorted(job.substitutions.items())), job.base_iri)

    def get(self, key: Hashable) -> Written | None:
        written = self._entries.get(key)
        if written is not None:
            self._entries.move_to_end(key)
        return written

    def put(self, key: Hashable, written: Written) -> None:
        size = len(written.body)
        if size > self._max_bytes // 4:  # a very large answer would push out many small ones
            return
        self._entries[key] = written
        self._bytes += size
        while self._bytes > self._max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)


# How often the service looks whether `innograph build` has published a new store.
_WATCH_S = 2.0
_LOG = logging.getLogger("uvicorn.error")  # uvicorn's own log: where a user of `innograph serve` looks


@dataclass
class Served:
    """One published build as the service serves it: its folder, its store (read-only, for the work done in
    this process: the network's projection, briefs), its worker pool, its graphs, and the answers and
    networks made from it."""

    build_dir: Path
    store: ox.Store
    pool: QueryPool
    graphs: frozenset[str]
    manifest: Manifest | None
    cache: ResultCache
    networks: dict[bool, Network] = field(default_factory=dict)

    @classmethod
    async def open(cls, settings: Settings, store_dir: Path) -> "Served":
        """Open the build `store_dir` names now, and start its workers.

        Raises StoreMissing when no store has been built at `store_dir`.
        """
        build_dir = store_dir.resolve()  # the build itself: publishing the next one moves the link, not this
        store = open_store(build_dir)
        graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        pool = QueryPool(build_dir, workers=settings.query_workers or None, timeout_s=settings.query_timeout_s,
                         engine=settings.engine)
        await pool.start()
        return cls(build_dir, store, pool, graphs, read_manifest(build_dir), ResultCache(settings.result_cache_mb * 1_000_000))


@dataclass
class QueryService:
    """Checks a query against the policy, then runs it in the pool of the build it serves; serves each new
    build as soon as its workers are ready."""

    settings: Settings
    store_dir: Path
    served: Served
    _network_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _warming: asyncio.Task[None] | None = None
    _warmed_day: date | None = None
    _watching: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, settings: Settings, store_dir: Path) -> "QueryService":
        """Open the store's worker pool, and watch for new builds.

        Raises StoreMissing when no store has been built at `store_dir`.
        """
        service = cls(settings=settings, store_dir=store_dir, served=await Served.open(settings, store_dir))
        service._warm()
        service._watching = asyncio.create_task(service._watch())
        return service

    def _warm(self) -> None:
        # Project the collaboration network now, in the background, and the day's positions that briefs
        # state: at 1M triples they take 22 s and 15 s, which the first page or brief would otherwise wait
        # for. A failure here is met again, and reported, by the first request that needs them.
        async def warm(day: date) -> None:
            network = await self.network(shared_sectors=False)
            await asyncio.to_thread(network.position, day)

        if self._warming is not None:
            self._warming.cancel()
        self._warmed_day = date.today()
        self._warming = asyncio.create_task(warm(self._warmed_day))
        self._warming.add_done_callback(lambda task: task.cancelled() or task.exception())

    async def _watch(self) -> None:
        """Serve each build `innograph build` publishes. The new build's workers load beside the old ones,
        which go on answering; then requests go to the new build, and the old workers stop once the
        queries they run are done. Answers, pages and networks of the old build are dropped with it.
        On a new day, warm that day's positions."""
        while True:
            await asyncio.sleep(_WATCH_S)
            if self.store_dir.resolve() == self.served.build_dir:
                if self._warmed_day != date.today():  # a new day: its positions, before its first brief
                    self._warm()
                continue
            try:
                new = await Served.open(self.settings, self.store_dir)
            except (InnographError, OSError) as e:  # pruned or half-removed meanwhile: look again next time
                _LOG.warning("could not open the new build at %s: %s; still serving %s", self.store_dir, e,
                             self.served.build_dir.name)
                continue
            old, self.served = self.served, new
            self._warm()
            _LOG.info("serving the new build %s (%s triples)", new.build_dir.name,
                      new.manifest.triples if new.manifest else "?")
            await old.pool.retire()

    # What the routes read is the build served now.
    @property
    def store(self) -> ox.Store:
        return self.served.store

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
        """Check the query, then run it.

        Raises QueryTooLarge or QueryRefused before it runs; QueryError, NotAcceptable, QueryTimeout
        or QueryCrashed from running it.
        """
        served = self.served  # one build from start to end, whatever is published meanwhile
        key = ResultCache.key(job)
        cached = served.cache.get(key)
        if cached is not None:
            return cached
        facts = check_query(job.query, self.policy, is_local_graph=served.graphs.__contains__)
        for graph in job.default_graphs + job.named_graphs:
            check_graph(graph, self.policy, is_local_graph=served.graphs.__contains__)
        written = await served.pool.run(replace(job, union_default_graph=not facts.names_dataset, functions=facts.functions))
        served.cache.put(key, written)
        return written

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
                    lambda: project(served.store, shared_sectors=shared_sectors))
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

    async def close(self) -> None:
        for task in (self._watching, self._warming):
            if task is not None:
                task.cancel()
        await self.served.pool.close()
