"""The SPARQL 1.1 Protocol for queries at /sparql, and the named queries at /queries."""

from typing import Annotated
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from api.errors import ERROR_RESPONSES
from api.service import QueryService
from graph.catalogue import catalogue, named
from graph.errors import NotAcceptable, QueryError, QueryRefused
from graph.executor import Job, Term
from graph.results import GRAPH_TYPES, MEDIA_TYPES, SOLUTION_TYPES, Written, choose

__all__ = ["router", "get_service"]

router = APIRouter()


async def get_service(request: Request) -> QueryService:
    """The service the lifespan opened (async: a plain function would be run in a thread pool on every request)."""
    return request.app.state.service  # type: ignore[no-any-return]


Service = Annotated[QueryService, Depends(get_service)]
_FORM = "application/x-www-form-urlencoded"
_RESULT_CONTENT = {t: {} for t in SOLUTION_TYPES + GRAPH_TYPES}


def parse_accept(header: str | None, fmt: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, from a `format`/`output` parameter or else the Accept header.

    Raises NotAcceptable for a format name nobody knows.
    """
    if fmt:
        media = MEDIA_TYPES.get(fmt.strip().lower())
        if media is None:
            raise NotAcceptable(f"unknown format {fmt!r}; use one of json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml")
        return [(media, 1.0)]
    ranges = []
    for part in (header or "*/*").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))
    return ranges or [("*/*", 1.0)]


def _respond(written: Written, max_rows: int, *, next_page: str | None = None) -> Response:
    headers = {"Vary": "Accept", "X-Innograph-Rows": str(written.count)}
    if written.truncated:
        headers["X-Innograph-Truncated"] = "true"
        headers["Warning"] = (f'199 innograph "a page of {max_rows} rows; the next is at the Link header"' if next_page
                              else f'199 innograph "result cut at the row limit of {max_rows}"')
    if next_page:
        headers["Link"] = f'<{next_page}>; rel="next"'
    media = written.media_type
    if media.startswith("text/") or media.endswith("json") or media.endswith("xml"):
        media += "; charset=utf-8"
    return Response(content=written.body, media_type=media, headers=headers)


def _one(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key, [])
    if len(found) > 1:
        raise QueryError(f"the request has {len(found)} '{key}' parameters; send exactly one")
    return found[0] if found else None


async def _protocol(request: Request, service: QueryService) -> Response:
    params = parse_qs(request.url.query, keep_blank_values=True)
    query: str | None = None
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            raise QueryRefused("this endpoint is read-only: SPARQL updates are not accepted")
        body = await request.body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise QueryError("the request body is not UTF-8") from e
        if media == _FORM:
            form = parse_qs(text, keep_blank_values=True)
            if "update" in form:
                raise QueryRefused("this endpoint is read-only: SPARQL updates are not accepted")
            for key in ("default-graph-uri", "named-graph-uri", "format", "output"):
                params.setdefault(key, []).extend(form.get(key, []))
            query = _one(form, "query")
            if query is None:
                raise QueryError("a form POST needs a 'query' parameter")
        elif media == "application/sparql-query":
            query = text
        else:
            return Response(f"a query is POSTed as {_FORM} or application/sparql-query, not {media or 'no media type'}\n",
                            status_code=415, media_type="text/plain")
    else:
        if "update" in params:
            raise QueryRefused("this endpoint is read-only: SPARQL updates are not accepted")
        query = _one(params, "query")
        if query is None:
            return _service_description(request, service)
    if request.method == "POST" and "query" in params:
        raise QueryError("send the query in the body or the URL, not both")
    accept = parse_accept(request.headers.get("accept"), _one(params, "format") or _one(params, "output"))
    job = Job(query=query, accept=accept, max_rows=service.settings.max_rows, base_iri=str(request.url.replace(query="")),
              default_graphs=tuple(params.get("default-graph-uri", [])), named_graphs=tuple(params.get("named-graph-uri", [])))
    return _respond(await service.run(job), service.settings.max_rows)


_SPARQL_DOC = """Ask the graph in SPARQL 1.1 (SELECT, ASK, CONSTRUCT, DESCRIBE).

Send the query as `?query=` (GET), a form field `query` (POST `application/x-www-form-urlencoded`) or the
body (POST `application/sparql-query`). `default-graph-uri` and `named-graph-uri` pick the dataset; without
them the default graph is the union of all graphs. The answer's format follows the Accept header
(q-values honoured) or a `format`/`output` parameter: SELECT and ASK as SPARQL JSON, XML, CSV or TSV;
CONSTRUCT and DESCRIBE as Turtle, N-Triples, JSON-LD or RDF/XML.

The service is read-only and offline: updates, and SERVICE or FROM aimed at hosts not on the allow-list,
are refused (403). A query is stopped at the time limit (503). At most the row limit of rows is
returned; a cut result carries `X-Innograph-Truncated: true`. Without a query, GET returns the
SPARQL 1.1 Service Description.
"""


@router.get("/sparql", summary="SPARQL query (GET), or the service description", description=_SPARQL_DOC,
            responses={200: {"content": _RESULT_CONTENT}, **ERROR_RESPONSES})
async def sparql_get(request: Request, service: Service) -> Response:
    return await _protocol(request, service)


@router.post("/sparql", summary="SPARQL query (POST)", description=_SPARQL_DOC,
             responses={200: {"content": _RESULT_CONTENT}, **ERROR_RESPONSES},
             openapi_extra={"requestBody": {"content": {
                 _FORM: {"schema": {"type": "object", "properties": {"query": {"type": "string"},
                                                                     "default-graph-uri": {"type": "string"},
                                                                     "named-graph-uri": {"type": "string"}}}},
                 "application/sparql-query": {"schema": {"type": "string"}}}}})
async def sparql_post(request: Request, service: Service) -> Response:
    return await _protocol(request, service)


def _service_description(request: Request, service: QueryService) -> Response:
    accept = parse_accept(request.headers.get("accept"), None)
    media = choose(accept, "graph")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = ox.NamedNode(str(request.url.replace(query="")))
    node = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    triples = [ox.Triple(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(sd + "Service")),
               ox.Triple(node, ox.NamedNode(sd + "endpoint"), endpoint),
               ox.Triple(node, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
               ox.Triple(node, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
               ox.Triple(node, ox.NamedNode(sd + "defaultDataset"), dataset),
               ox.Triple(dataset, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(sd + "Dataset"))]
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(node, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(f"http://www.w3.org/ns/formats/{fmt}")))
    for graph in sorted(service.graphs):
        named_graph = ox.BlankNode()
        triples += [ox.Triple(dataset, ox.NamedNode(sd + "namedGraph"), named_graph),
                    ox.Triple(named_graph, ox.NamedNode(sd + "name"), ox.NamedNode(graph))]
    formats = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
               "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}
    body = ox.serialize(triples, format=formats[media], prefixes={"sd": sd} if media == "text/turtle" else None)
    return Response(body, media_type=media, headers={"Vary": "Accept"})


@router.get("/queries", summary="The named queries", responses=ERROR_RESPONSES)
def list_queries() -> JSONResponse:
    """Every named query of the catalogue: its name, the question it answers, its parameters and an example URL."""
    return JSONResponse([
        {"name": q.name, "question": q.question,
         "parameters": [{"name": p.name, "type": p.type, "example": p.example, "description": p.description} for p in q.params],
         "example": f"/queries/{q.name}" + ("?" + "&".join(f"{k}={v}" for k, v in q.example.items()) if q.params else "")}
        for q in catalogue().values()])


_NOT_PARAMETERS = ("format", "output", "limit", "offset")  # what a request says besides a named query's parameters


@router.get("/queries/{name}", summary="Run a named query", responses={200: {"content": _RESULT_CONTENT}, **ERROR_RESPONSES})
async def run_named(name: str, request: Request, service: Service,
                    limit: Annotated[int | None, Query(ge=1, description="Rows a page holds (at most the row limit).")] = None,
                    offset: Annotated[int, Query(ge=0, description="Rows to skip: where the page starts.")] = 0) -> Response:
    """Run one named query; its parameters are given as URL parameters of the same name and bound by type,
    never pasted into the query text. `format` (or the Accept header) picks the result format.

    An answer longer than `limit` rows, or than the row limit, is cut and says so (`X-Innograph-Truncated`),
    with a `Link: <…>; rel="next"` header to the page that follows: `offset` moved on by the rows given."""
    query = named(name)
    values = {k: v for k, v in request.query_params.items() if k not in _NOT_PARAMETERS}
    substitutions: dict[str, Term] = {}
    for variable, term in query.substitutions(values).items():
        if isinstance(term, ox.NamedNode):
            substitutions[variable.value] = ("iri", term.value)
        else:
            substitutions[variable.value] = ("literal", term.value, term.datatype.value if not term.language else "", term.language or "")
    fmt = request.query_params.get("format") or request.query_params.get("output")
    page = min(limit or service.settings.max_rows, service.settings.max_rows)
    # One row more than the page, which the row limit cuts: a cut answer is one that goes on.
    text = f"{query.text}\nLIMIT {page + 1}" + (f" OFFSET {offset}" if offset else "")
    job = Job(query=text, accept=parse_accept(request.headers.get("accept"), fmt), max_rows=page, substitutions=substitutions)
    written = await service.run(job)
    next_page = str(request.url.include_query_params(offset=offset + written.count)) if written.truncated else None
    return _respond(written, page, next_page=next_page)
