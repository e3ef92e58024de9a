"""A query job and its answer, written in the format asked for: with pyoxigraph, or with rdflib's engine.

The service's workers (api/server.py) run jobs in threads with `execute`. For comparison they can run
them with rdflib's engine instead (`engine="rdflib"`): each loads the store's quads into an rdflib
Dataset once, then answers jobs with the same media types, row limit and errors. It is far slower
(DESIGN.md §3), holds the GIL while it runs, and is meant for benchmarks.
"""

from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox
import rdflib

from graph.errors import QueryError
from graph.namespaces import PREFIXES
from graph.query import run
from graph.results import Written, choose, write

__all__ = ["Job", "Term", "execute", "execute_rdflib", "rdflib_dataset"]

# A term crossing the process boundary: ("iri", value) or ("literal", value, datatype or "", language or "")
Term = tuple[str, ...]


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
    bounded: bool = False  # the query's own LIMIT lets it return at most max_rows + 1 solutions


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
    return write(result, job.accept, max_rows=job.max_rows, bounded=job.bounded)


def rdflib_dataset(store: ox.Store) -> rdflib.Dataset:
    """The store's quads in an rdflib Dataset whose default graph is the union of its graphs.

    rdflib is also told never to fetch a graph that a query names with FROM and the dataset lacks.
    """
    import rdflib.plugins.sparql  # here, not with the module: building its grammar delays a worker's first answer by 0.25 s

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
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.processor import prepareQuery
    from rdflib.plugins.sparql.sparql import SPARQLError

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
