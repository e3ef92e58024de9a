"""The SPARQL 1.1 Protocol for queries at /sparql, and the named queries at /queries."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import parse_qs, parse_qsl, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from api.errors import ERROR_RESPONSES, status_of
from api.service import QueryService
from graph.catalogue import catalogue, named
from graph.errors import InnographError, NotAcceptable, QueryError, QueryRefused
from graph.executor import Job, Term
from graph.results import FORMAT_NAMES, GRAPH_TYPES, MEDIA_TYPES, SOLUTION_TYPES, Written, choose, write

__all__ = ["router", "get_service", "answer", "named_answer", "Reply", "error_reply", "CORS_EXPOSED"]

router = APIRouter()


async def get_service(request: Request) -> QueryService:
    """The service the lifespan opened (async: a plain function would be run in a thread pool on every request)."""
    return request.app.state.service  # type: ignore[no-any-return]


Service = Annotated[QueryService, Depends(get_service)]
_FORM = "application/x-www-form-urlencoded"
_RESULT_CONTENT = {t: {} for t in SOLUTION_TYPES + GRAPH_TYPES}
CORS_EXPOSED = ["X-Innograph-Truncated", "X-Innograph-Rows", "Link"]  # the answer's headers a browser client may read


@dataclass
class Reply:
    """An answer: what the worker's HTTP server (api/worker.py) writes, or a route returns as a Response."""

    status: int
    body: bytes
    media_type: str  # with its charset; "" when `headers` holds the content type
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        return Response(self.body, status_code=self.status, media_type=self.media_type or None, headers=self.headers)


def error_reply(error: InnographError) -> Reply:
    """An innograph error as its status and its message in plain text, as api/errors.py answers the routes."""
    return Reply(status_of(error), str(error).encode() + b"\n", "text/plain; charset=utf-8")


def _with_charset(media: str) -> str:
    return media + "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else media


def parse_accept(header: str | None, formats: Sequence[str] = ()) -> list[tuple[str, float]]:
    """Media ranges with their q-values, from the `format`/`output` parameters or else the Accept header.

    The parameters may repeat, and each may be a format name or a comma-separated list of media types, as
    SPARQLWrapper sends them (`format=tsv&format=text/tab-separated-values`): each is a type the client takes.

    Raises NotAcceptable for a format name nobody knows.
    """
    names = [name.strip().lower() for value in formats for name in value.split(",") if name.strip()]
    if names:
        ranges = []
        for name in names:
            types = FORMAT_NAMES.get(name) or ((MEDIA_TYPES[name],) if name in MEDIA_TYPES else None)
            if types is None:
                raise NotAcceptable(f"unknown format {name!r}; use one of json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml")
            ranges += [(media, 1.0) for media in types]
        return ranges
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


def _respond(written: Written, max_rows: int, *, next_page: str | None = None) -> Reply:
    headers = {"Vary": "Accept", "X-Innograph-Rows": str(written.count)}
    if written.truncated:
        headers["X-Innograph-Truncated"] = "true"
        headers["Warning"] = (f'199 innograph "a page of {max_rows} rows; the next is at the Link header"' if next_page
                              else f'199 innograph "result cut at the row limit of {max_rows}"')
    if next_page:
        headers["Link"] = f'<{next_page}>; rel="next"'
    return Reply(200, written.body, _with_charset(written.media_type), headers)


def _one(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key, [])
    if len(found) > 1:
        raise QueryError(f"the request has {len(found)} '{key}' parameters; send exactly one")
    return found[0] if found else None


def answer(method: str, query_string: str, headers: Mapping[str, str], body: bytes, endpoint: str,
           service: QueryService) -> Reply:
    """The SPARQL 1.1 Protocol's answer to a GET or POST at `endpoint`, run in the calling thread;
    an innograph error is answered with its status and message. `headers` are keyed in lower case."""
    try:
        asked = _asked(method, query_string, headers, body, endpoint, service)
        return asked if isinstance(asked, Reply) else _respond(service.run_here(asked), service.settings.max_rows)
    except InnographError as error:
        return error_reply(error)


async def _protocol(request: Request, service: QueryService) -> Response:
    body = await request.body() if request.method == "POST" else b""
    asked = _asked(request.method, request.url.query, request.headers, body, str(request.url.replace(query="")), service)
    reply = asked if isinstance(asked, Reply) else _respond(await service.run(asked), service.settings.max_rows)
    return reply.response()


def _asked(method: str, query_string: str, headers: Mapping[str, str], body: bytes, endpoint: str,
           service: QueryService) -> Job | Reply:
    """The job a protocol request asks for, or the reply that answers it without one (the service
    description, an unsupported media type).

    Raises QueryError or QueryRefused for a request the protocol does not allow, NotAcceptable for an
    unknown format name.
    """
    params = parse_qs(query_string, keep_blank_values=True)
    query: str | None = None
    if method == "POST":
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            raise QueryRefused("this endpoint is read-only: SPARQL updates are not accepted")
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
            message = f"a query is POSTed as {_FORM} or application/sparql-query, not {media or 'no media type'}\n"
            return Reply(415, message.encode(), "text/plain; charset=utf-8")
    else:
        if "update" in params:
            raise QueryRefused("this endpoint is read-only: SPARQL updates are not accepted")
        query = _one(params, "query")
        if query is None:
            return _service_description(headers.get("accept"), endpoint, service)
    if method == "POST" and "query" in params:
        raise QueryError("send the query in the body or the URL, not both")
    accept = parse_accept(headers.get("accept"), params.get("format", []) + params.get("output", []))
    return Job(query=query, accept=accept, max_rows=service.settings.max_rows, base_iri=endpoint,
               default_graphs=tuple(params.get("default-graph-uri", [])), named_graphs=tuple(params.get("named-graph-uri", [])))


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


def _service_description(accept_header: str | None, endpoint_iri: str, service: QueryService) -> Reply:
    media = choose(parse_accept(accept_header), "graph")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = ox.NamedNode(endpoint_iri)
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
    return Reply(200, body, _with_charset(media), {"Vary": "Accept"})


@router.get("/queries", summary="The named queries", responses=ERROR_RESPONSES)
def list_queries() -> JSONResponse:
    """Every named query of the catalogue: its name, the question it answers (in English, and in Vietnamese as
    `question_vi`), its parameters and an example URL."""
    return JSONResponse([
        {"name": q.name, "question": q.question, "question_vi": q.question_vi,
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
    page = _Page(name, dict(request.query_params), request.headers.get("accept"), str(request.url.replace(query="")), service,
                 limit, offset)
    return page.reply(page.precomputed(service) or await service.run(page.job)).response()


def named_answer(name: str, query_string: str, headers: Mapping[str, str], url: str, service: QueryService) -> Reply:
    """The answer to GET /queries/{name}, run in the calling thread (the worker's HTTP server, api/worker.py);
    `limit` and `offset` are checked as the route's declaration checks them. `headers` are keyed in lower case."""
    try:
        params = dict(parse_qsl(query_string, keep_blank_values=True))
        page = _Page(name, params, headers.get("accept"), url, service, _count(params, "limit", least=1),
                     _count(params, "offset", least=0) or 0)
        return page.reply(page.precomputed(service) or service.run_here(page.job))
    except InnographError as error:
        return error_reply(error)
    except _Invalid as invalid:
        return Reply(422, f"{invalid}\n".encode(), "text/plain; charset=utf-8")


class _Invalid(ValueError):
    """A URL parameter the route's declaration refuses (422, as FastAPI answers it)."""


def _count(values: dict[str, str], key: str, *, least: int) -> int | None:
    if key not in values:
        return None
    try:
        number = int(values[key])
    except ValueError:
        number = least - 1
    if number < least:
        raise _Invalid(f"query parameter {key}: {values[key]!r} is not an integer of at least {least}")
    return number


class _Page:
    """A page of a named query's answer: the job that asks for it, and the reply that gives it."""

    def __init__(self, name: str, params: dict[str, str], accept: str | None, url: str, service: QueryService,
                 limit: int | None, offset: int) -> None:
        self.query = query = named(name)
        values = {k: v for k, v in params.items() if k not in _NOT_PARAMETERS}
        self.terms = query.substitutions(values)
        substitutions: dict[str, Term] = {}
        for variable, term in self.terms.items():
            if isinstance(term, ox.NamedNode):
                substitutions[variable.value] = ("iri", term.value)
            else:
                substitutions[variable.value] = ("literal", term.value, term.datatype.value if not term.language else "", term.language or "")
        self.params, self.url, self.offset = params, url, offset
        self.size = min(limit or service.settings.max_rows, service.settings.max_rows)
        # One row more than the page, which the row limit cuts: a cut answer is one that goes on.
        text = f"{query.text}\nLIMIT {self.size + 1}" + (f" OFFSET {offset}" if offset else "")
        self.job = Job(query=text, accept=parse_accept(accept, [params.get("format", ""), params.get("output", "")]),
                       max_rows=self.size, substitutions=substitutions)

    def precomputed(self, service: QueryService) -> Written | None:
        """The page written from the build's precomputed answer (graph/answers.py), when the query has one.

        Raises NotAcceptable when no acceptable format fits.
        """
        answers = service.served.precomputed
        solutions = answers.page(self.query, self.terms, self.offset, self.size + 1) if answers is not None else None
        return write(solutions, self.job.accept, max_rows=self.size, bounded=True) if solutions is not None else None

    def reply(self, written: Written) -> Reply:
        next_page = None
        if written.truncated:
            next_page = self.url + "?" + urlencode({**self.params, "offset": str(self.offset + written.count)})
        return _respond(written, self.size, next_page=next_page)
