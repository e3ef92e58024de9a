"""Running queries in worker processes that can be ended, so that a time limit really stops a query.

pyoxigraph has no query timeout and no cancel, and a signal is not delivered while it runs
(DESIGN.md §3); only a process that can be killed stops a runaway query and frees its CPU. Each
worker copies the store into memory when it starts (queries run 7-9x faster there than on the
read-only on-disk store: partners 2.0 ms against 17.8 ms at 100k triples; 300 MB and 22 s a worker
at 1M); a query that runs past the limit has its worker killed and a new one started, while the
other workers go on answering.

For comparison, the workers can run queries with rdflib's engine instead (`engine="rdflib"`): each
loads the store's quads into an rdflib Dataset once, then answers jobs with the same media types,
row limit, errors and time limit. It is far slower (DESIGN.md §3) and is meant for benchmarks.
"""

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
import rdflib
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.processor import prepareQuery
from rdflib.plugins.sparql.sparql import SPARQLError

from graph.errors import NotAcceptable, QueryCrashed, QueryError, QueryTimeout, StoreMissing
from graph.namespaces import PREFIXES
from graph.query import run
from graph.results import Written, choose, write
from graph.settings import Engine
from graph.store import open_store

__all__ = ["Job", "QueryPool", "Term", "execute", "execute_rdflib", "rdflib_dataset"]

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


def rdflib_dataset(store: ox.Store) -> rdflib.Dataset:
    """The store's quads in an rdflib Dataset whose default graph is the union of its graphs.

    rdflib is also told never to fetch a graph that a query names with FROM and the dataset lacks.
    """
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    return dataset


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _rdflib_term(term: Term) -> rdflib.URIRef | rdflib.Literal:
    if term[0] == "iri":
        return rdflib.URIRef(term[1])
    _, value, datatype, language = term
    if language:
        return rdflib.Literal(value, lang=language)
    # rdflib reads "x" from N-Quads as a plain literal, unequal to "x"^^xsd:string; they are the same term in RDF 1.1
    return rdflib.Literal(value, datatype=rdflib.URIRef(datatype) if datatype and datatype != _XSD_STRING else None)


_RDFLIB_GRAPH_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt",
                         "application/ld+json": "json-ld", "application/rdf+xml": "xml"}


def execute_rdflib(dataset: rdflib.Dataset, job: Job) -> Written:
    """Run one job with rdflib's engine and write its answer as `execute` would.

    SELECT and ASK results go through rdflib's SPARQL JSON writer and then `graph.results.write`, so
    the formats and the row limit are those of the oxigraph path; graphs are written by rdflib.

    Raises QueryError for a query that does not parse or cannot be evaluated, NotAcceptable when no
    format fits.
    """
    try:
        query = prepareQuery(job.query, initNs=PREFIXES, base=job.base_iri)
    except ParseException as e:
        raise QueryError(f"the query does not parse: {e}") from e
    if job.default_graphs or job.named_graphs:  # the request's dataset replaces the query's FROM clauses
        query.algebra["datasetClause"] = ([CompValue("DatasetClause", default=rdflib.URIRef(g)) for g in job.default_graphs]
                                          + [CompValue("DatasetClause", named=rdflib.URIRef(g)) for g in job.named_graphs])
    try:
        result = dataset.query(query, initBindings={k: _rdflib_term(v) for k, v in job.substitutions.items()})
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            media = choose(job.accept, "graph")
            triples = list(islice(result.graph or (), job.max_rows + 1))
            graph = rdflib.Graph(bind_namespaces="none")
            for prefix, iri in PREFIXES.items() if media == "text/turtle" else ():
                graph.bind(prefix, iri)
            for triple in triples[:job.max_rows]:
                graph.add(triple)
            body = graph.serialize(format=_RDFLIB_GRAPH_FORMATS[media], encoding="utf-8")
            return Written(media, body, "graph", len(graph), len(triples) > job.max_rows)
        if result.type == "SELECT":
            result.bindings = result.bindings[:job.max_rows + 1]
        answer = ox.parse_query_results(result.serialize(format="json"), format=ox.QueryResultsFormat.JSON)
    except (SPARQLError, ValueError, TypeError) as e:  # rdflib's evaluation errors
        raise QueryError(f"the query cannot be evaluated: {e}") from e
    return write(answer, job.accept, max_rows=job.max_rows)


def _answerer(store_dir: str, engine: Engine) -> Callable[[Job], Written]:
    store = open_store(Path(store_dir))
    if engine == "rdflib":
        return partial(execute_rdflib, rdflib_dataset(store))
    in_memory = ox.Store()
    in_memory.bulk_extend(store.quads_for_pattern(None, None, None, None))
    return partial(execute, in_memory)


def _worker(conn: Connection, store_dir: str, engine: Engine) -> None:
    answer = _answerer(store_dir, engine)
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", answer(job)))
        except QueryError as e:
            conn.send((type(e).__name__, str(e)))
        except OSError as e:  # the store could not be read
            conn.send(("QueryError", f"the store could not be read: {e}"))


# How long a new worker may take to load the store: 22 s for 1M triples into oxigraph's memory store;
# rdflib parses every quad first (58 s for 1M, DESIGN.md §3).
_START_TIMEOUT_S: dict[str, float] = {"oxigraph": 300.0, "rdflib": 600.0}


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection


class QueryPool:
    """A fixed number of worker processes over one store, each running one query at a time."""

    def __init__(self, store_dir: Path, *, workers: int | None = None, timeout_s: float = 10.0,
                 engine: Engine = "oxigraph") -> None:
        self._store_dir = store_dir
        self._size = workers or os.cpu_count() or 2
        self._timeout_s = timeout_s
        self._engine = engine
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
        process = self._context.Process(target=_worker, args=(child, str(self._store_dir), self._engine), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.add(worker)
        status, _ = await self._receive(worker, timeout=_START_TIMEOUT_S[self._engine])
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

    async def retire(self) -> None:
        """Stop the workers once the queries they run are done, or at the time limit."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout_s
        while self._idle.qsize() < len(self._all) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        await self.close()

    async def close(self) -> None:
        """Stop every worker."""
        for worker in list(self._all):
            worker.process.kill()
            worker.conn.close()
            worker.process.join(timeout=5)
        self._all.clear()
