"""What the routes share: the worker pool over the published store, the query policy, the store's graphs."""

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from graph.executor import Job, QueryPool, Term
from graph.guard import Policy, check_graph, check_query
from graph.results import Written
from graph.settings import Settings
from graph.store import Manifest, open_store, read_manifest

__all__ = ["QueryService"]


@dataclass
class QueryService:
    """Checks a query against the policy, then runs it in the pool."""

    settings: Settings
    store_dir: Path
    pool: QueryPool
    graphs: frozenset[str]
    manifest: Manifest | None

    @classmethod
    async def start(cls, settings: Settings, store_dir: Path) -> "QueryService":
        """Open the store's worker pool.

        Raises StoreMissing when no store has been built at `store_dir`.
        """
        store = open_store(store_dir)
        graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        del store
        pool = QueryPool(store_dir, workers=settings.query_workers or None, timeout_s=settings.query_timeout_s)
        await pool.start()
        return cls(settings=settings, store_dir=store_dir, pool=pool, graphs=graphs, manifest=read_manifest(store_dir))

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
        facts = check_query(job.query, self.policy, is_local_graph=self.graphs.__contains__)
        for graph in job.default_graphs + job.named_graphs:
            check_graph(graph, self.policy, is_local_graph=self.graphs.__contains__)
        return await self.pool.run(replace(job, union_default_graph=not facts.names_dataset, functions=facts.functions))

    async def select(self, query: str, **params: Term) -> list[dict[str, dict[str, str]]]:
        """The rows of a SELECT, each variable bound to its SPARQL JSON term (type, value, xml:lang, datatype).

        Raises what `run` raises.
        """
        job = Job(query=query, accept=[("application/sparql-results+json", 1.0)], max_rows=self.settings.max_rows,
                  substitutions=params)
        written = await self.run(job)
        return json.loads(written.body)["results"]["bindings"]  # type: ignore[no-any-return]

    async def close(self) -> None:
        await self.pool.close()
