"""Running queries in worker processes that can be ended, so that a time limit really stops a query.

pyoxigraph has no query timeout and no cancel, and a signal is not delivered while it runs
(DESIGN.md §3); only a process that can be killed stops a runaway query and frees its CPU. Each
worker opens the store read-only; a query that runs past the limit has its worker killed and a new
one started, while the other workers go on answering.
"""

import asyncio
import multiprocessing
import os
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from graph.errors import NotAcceptable, QueryCrashed, QueryError, QueryTimeout, StoreMissing
from graph.query import run
from graph.results import Written, write
from graph.store import open_store

__all__ = ["Job", "QueryPool", "Term"]

# A term crossing the process boundary: ("iri", value) or ("literal", value, datatype or "", language or "")
Term = tuple[str, ...]
_ERRORS: dict[str, type[QueryError]] = {"QueryError": QueryError, "NotAcceptable": NotAcceptable}


@dataclass(frozen=True)
class Job:
    """One query to run and how its answer is wanted."""

    query: str
    accept: list[tuple[str, float]]
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    substitutions: dict[str, Term] = field(default_factory=dict)
    union_default_graph: bool = True  # off when the query or the request names its dataset
    base_iri: str | None = None
    functions: frozenset[str] = frozenset()  # IRIs the query calls as functions


def _term(term: Term) -> ox.NamedNode | ox.Literal:
    if term[0] == "iri":
        return ox.NamedNode(term[1])
    _, value, datatype, language = term
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def execute(store: ox.Store, job: Job) -> Written:
    """Run one job on a store (in whichever process holds it) and write its answer.

    Raises QueryError for a query that does not parse, NotAcceptable when no format fits.
    """
    substitutions = {ox.Variable(k): _term(v) for k, v in job.substitutions.items()} or None
    result = run(store, job.query, substitutions=substitutions, default_graphs=job.default_graphs,
                 named_graphs=job.named_graphs, union=job.union_default_graph, base_iri=job.base_iri,
                 functions=job.functions)
    return write(result, job.accept, max_rows=job.max_rows)


def _worker(conn: Connection, store_dir: str) -> None:
    store = open_store(Path(store_dir))
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", execute(store, job)))
        except QueryError as e:
            conn.send((type(e).__name__, str(e)))
        except OSError as e:  # the store could not be read
            conn.send(("QueryError", f"the store could not be read: {e}"))


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection


class QueryPool:
    """A fixed number of worker processes over one store, each running one query at a time."""

    def __init__(self, store_dir: Path, *, workers: int | None = None, timeout_s: float = 10.0) -> None:
        self._store_dir = store_dir
        self._size = workers or os.cpu_count() or 2
        self._timeout_s = timeout_s
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()

    async def start(self) -> None:
        """Start the workers and wait until each has opened the store.

        Raises StoreMissing when there is no store to open.
        """
        open_store(self._store_dir)  # fail here, with a clear message, rather than in every worker
        workers = await asyncio.gather(*(self._spawn() for _ in range(self._size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(child, str(self._store_dir)), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.add(worker)
        status, _ = await self._receive(worker, timeout=60.0)
        if status != "ready":
            raise StoreMissing(f"a query worker could not open the store at {self._store_dir}")
        return worker

    async def _receive(self, worker: _Worker, *, timeout: float) -> tuple[str, object]:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()
        loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
        try:
            await asyncio.wait_for(ready, timeout)
        finally:
            loop.remove_reader(fd)
        return worker.conn.recv()

    async def run(self, job: Job) -> Written:
        """Run a job on the next free worker, stopping it at the time limit.

        Raises QueryError or NotAcceptable from the query, QueryTimeout when it ran too long,
        QueryCrashed when its worker died.
        """
        worker = await self._idle.get()
        try:
            worker.conn.send(job)
            status, payload = await self._receive(worker, timeout=self._timeout_s)
        except asyncio.TimeoutError:
            self._replace(worker)
            raise QueryTimeout(f"the query ran past the {self._timeout_s:g} s limit and was stopped") from None
        except (EOFError, OSError, asyncio.CancelledError) as e:
            self._replace(worker)
            if isinstance(e, asyncio.CancelledError):
                raise
            raise QueryCrashed("the process running the query died; the service goes on with a new one") from e
        self._idle.put_nowait(worker)
        if status == "ok":
            return payload  # type: ignore[return-value]
        raise _ERRORS.get(status, QueryError)(str(payload))

    def _replace(self, worker: _Worker) -> None:
        """End a worker now and start another in the background."""
        self._all.discard(worker)
        worker.process.kill()
        worker.process.join(timeout=1)
        worker.conn.close()
        asyncio.get_running_loop().create_task(self._respawn())

    async def _respawn(self) -> None:
        worker = await self._spawn()
        self._idle.put_nowait(worker)

    async def close(self) -> None:
        """Stop every worker."""
        for worker in list(self._all):
            worker.process.kill()
            worker.conn.close()
            worker.process.join(timeout=5)
        self._all.clear()
