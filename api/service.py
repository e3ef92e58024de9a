"""What the routes share: the worker pool over the published store, the query policy, the store's graphs."""

import asyncio
import json
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from graph.executor import Job, QueryPool, Term
from graph.guard import Policy, check_graph, check_query
from graph.network import Network, project
from graph.results import Written
from graph.settings import Settings
from graph.store import Manifest, open_store, read_manifest

__all__ = ["QueryService", "ResultCache"]


class ResultCache:
    """Answers already written, least recently used dropped first, bounded in bytes.

    The store a service opens never changes while it serves, so the same query, asked the same way,
    has the same answer: it is written once.
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


@dataclass
class QueryService:
    """Checks a query against the policy, then runs it in the pool."""

    settings: Settings
    store_dir: Path
    store: ox.Store  # read-only, for the work done in this process: the network's projection, briefs
    pool: QueryPool
    graphs: frozenset[str]
    manifest: Manifest | None
    cache: ResultCache
    _networks: dict[bool, Network] = field(default_factory=dict)
    _network_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _warming: asyncio.Task[Network] | None = None

    @classmethod
    async def start(cls, settings: Settings, store_dir: Path) -> "QueryService":
        """Open the store's worker pool.

        Raises StoreMissing when no store has been built at `store_dir`.
        """
        store = open_store(store_dir)
        graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        pool = QueryPool(store_dir, workers=settings.query_workers or None, timeout_s=settings.query_timeout_s, engine=settings.engine)
        await pool.start()
        service = cls(settings=settings, store_dir=store_dir, store=store, pool=pool, graphs=graphs, manifest=read_manifest(store_dir),
                      cache=ResultCache(settings.result_cache_mb * 1_000_000))
        # Project the collaboration network now, in the background: at 1M triples it takes 22 s from disk,
        # which the first page or brief would otherwise wait for. A failure here is met again, and
        # reported, by the first request that needs the network.
        service._warming = asyncio.create_task(service.network(shared_sectors=False))
        service._warming.add_done_callback(lambda task: task.cancelled() or task.exception())
        return service

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
        key = ResultCache.key(job)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        facts = check_query(job.query, self.policy, is_local_graph=self.graphs.__contains__)
        for graph in job.default_graphs + job.named_graphs:
            check_graph(graph, self.policy, is_local_graph=self.graphs.__contains__)
        written = await self.pool.run(replace(job, union_default_graph=not facts.names_dataset, functions=facts.functions))
        self.cache.put(key, written)
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
        """The collaboration network of the store, projected on first use (in a thread: the service goes on
        answering) and kept, since the store does not change while it is served. Shared-sector ties, which
        grow with the square of the actors, are projected only when a view asks for them."""
        async with self._network_lock:
            if shared_sectors not in self._networks:
                self._networks[shared_sectors] = await asyncio.to_thread(
                    lambda: project(self.store, shared_sectors=shared_sectors))
            return self._networks[shared_sectors]

    async def document(self, key: Hashable, make: Callable[[], tuple[str, bytes]]) -> Written:
        """A page, export, report or brief, made in a thread on first request and kept with the query
        answers (the store does not change while it is served). `make` gives its media type and bytes."""
        written = self.cache.get(key)
        if written is None:
            media_type, body = await asyncio.to_thread(make)
            written = Written(media_type, body, "document", 0, False)
            self.cache.put(key, written)
        return written

    async def close(self) -> None:
        if self._warming is not None:
            self._warming.cancel()
        await self.pool.close()
