"""A SPARQL 1.1 server as the store, and `innograph publish`, which loads a build into one.

A server holds each published build in named graphs of its own: the build's graph G as
<urn:innograph:build:ID:G>, its default graph as <urn:innograph:build:ID:>. The control graph
<urn:innograph:control> says which build is published and which graphs each build has. Publishing
records the new build as loading, loads its graphs, then replaces the control graph in one Graph Store
Protocol PUT, which the server applies whole; that PUT is the switch. Readers read the control graph,
then ask with the build's graphs as their dataset, so they see the old build or the new one, never a
mixture. The build published before stays until the next publish, and at least a minute (a reader
that read the control graph just before a switch still finds its build); older ones, and whatever a
killed publish half loaded, are dropped then.

`RemoteStore` answers the calls innograph makes of a pyoxigraph store (`query`, `quads_for_pattern`,
`named_graphs`) over the SPARQL protocol, so every query, page, search, network and brief runs on it
unchanged. Graph names are those of the build as it was made: the query's FROM, FROM NAMED and GRAPH
IRIs are written into the build's names before sending, and graph names in answers are written back.
A graph named by a variable bound in the query (VALUES ?g { <G> }) is not rewritten.
"""

import json
import os
import re
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import httpx
import pyoxigraph as ox

from graph.errors import StoreError, StoreMissing
from graph.guard import lex
from graph.store import Manifest, open_store, read_manifest

if TYPE_CHECKING:
    from graph.settings import Settings

_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

__all__ = ["Endpoint", "Published", "RemoteStore", "published", "publish", "open_backend"]

CONTROL = "urn:innograph:control"
_BUILD = "urn:innograph:build:"
_P_GRAPH, _P_MANIFEST, _P_STATE, _P_RETIRED = (f"urn:innograph:{p}" for p in ("graph", "manifest", "state", "retired"))
_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
# How long a build stays on the server once another is published: readers (`innograph serve`) look at the
# control graph every 2 s, so none is still on it then.
_LINGER = timedelta(minutes=1)
_EMPTY = ox.Store()  # where queries are parsed before they are sent
_QUADS_KEPT = 100_000  # patterns whose quads a RemoteStore keeps
_PREFETCH = 200  # subjects asked for in one query
_CHUNK = 50_000  # triples in one request of a publish
_SOLUTIONS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
              "application/sparql-results+xml": ox.QueryResultsFormat.XML}
_ACCEPT_SOLUTIONS = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9"


@dataclass(frozen=True)
class Endpoint:
    """Where a SPARQL server answers: its query URL, its Graph Store Protocol URL (for publishing) and
    the credentials for both."""

    query_url: str
    store_url: str = ""
    user: str = ""
    password: str = ""
    auth: Literal["basic", "digest"] = "basic"
    timeout_s: float = 60.0



_CLIENTS: dict[tuple[int, Endpoint], httpx.Client] = {}
_CLIENTS_LOCK = threading.Lock()
# Connections a process keeps to a server: the threads that ask beyond them wait their turn. Kept few, as a
# server may give each open connection a thread of its own (Virtuoso has 16 and stops answering without one).
_CONNECTIONS = 6


def _client(endpoint: Endpoint) -> httpx.Client:
    """The process's one HTTP client for the server, shared by its threads; a forked worker makes its own,
    since it must not share its parent's connections."""
    key = (os.getpid(), endpoint)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            credentials: httpx.Auth | None = None
            if endpoint.user:
                credentials = (httpx.DigestAuth if endpoint.auth == "digest" else httpx.BasicAuth)(endpoint.user, endpoint.password)
            client = _CLIENTS[key] = httpx.Client(auth=credentials, timeout=endpoint.timeout_s, trust_env=False,
                                                  limits=httpx.Limits(max_connections=_CONNECTIONS))
        return client


@dataclass(frozen=True)
class Published:
    """One build on the server: its id, the graphs it holds (as it named them) and its manifest."""

    build: str
    graphs: tuple[str, ...]
    has_default: bool
    manifest: Manifest

    def remote(self, graph: str) -> str:
        """The server's name for the build's graph ("" for its default graph)."""
        return f"{_BUILD}{self.build}:{graph}"

    @property
    def default(self) -> str:
        return self.remote("")

    @property
    def every_graph(self) -> tuple[str, ...]:
        """The build's graphs, its default graph ("") too when it holds anything."""
        return self.graphs + (("",) if self.has_default else ())

    def on_server(self) -> list[str]:
        """The server's names for every graph of the build."""
        return [self.remote(g) for g in self.every_graph]

    def graph_back(self, name: ox.NamedNode) -> ox.NamedNode | ox.DefaultGraph:
        """The build's own graph for a graph name the server gave."""
        graph = name.value.removeprefix(self.default)
        return ox.NamedNode(graph) if graph else ox.DefaultGraph()


def _request(endpoint: Endpoint, method: str, url: str, what: str, **kwargs: object) -> httpx.Response:
    """One request to the server; its failures as StoreError naming the server and what was asked."""
    try:
        response = _client(endpoint).request(method, url, **kwargs)  # type: ignore[arg-type]
    except httpx.TimeoutException as e:
        raise StoreError(f"{url}: no answer to {what} within {endpoint.timeout_s:g} s") from e
    except httpx.HTTPError as e:
        raise StoreError(f"{url}: the SPARQL server cannot be reached ({e}); is it running, and is the URL right?") from e
    if response.status_code in (401, 403):
        raise StoreError(f"{url}: {what} was refused ({response.status_code}); check the user and password")
    return response


def _select(endpoint: Endpoint, query: str, **dataset: list[str]) -> ox.QuerySolutions:
    response = _request(endpoint, "POST", endpoint.query_url, "a query",
                        data={"query": query, **dataset}, headers={"accept": "application/sparql-results+json"})
    if response.status_code != 200:
        raise StoreError(f"{endpoint.query_url}: a query failed ({response.status_code}): {response.text[:500]}")
    return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)  # type: ignore[return-value]


_RECORDS = f"""SELECT ?build ?state ?retired ?manifest ?graph WHERE {{ GRAPH <{CONTROL}> {{
  ?build <{_P_STATE}> ?state ; <{_P_MANIFEST}> ?manifest .
  OPTIONAL {{ ?build <{_P_RETIRED}> ?retired }} OPTIONAL {{ ?build <{_P_GRAPH}> ?graph }} }} }}"""


def _records(endpoint: Endpoint) -> tuple[dict[str, Published], dict[str, "_State"]]:
    """Every build the control graph records, and the state of each."""
    found: dict[str, tuple[set[str], str]] = {}
    states: dict[str, _State] = {}
    for row in _select(endpoint, _RECORDS):
        build = row["build"].value.removeprefix(_BUILD)
        graphs, _ = found.setdefault(build, (set(), row["manifest"].value))
        states[build] = _State(row["state"].value, datetime.fromisoformat(row["retired"].value) if row["retired"] else None)
        if row["graph"] is not None:
            graphs.add(row["graph"].value)
    builds = {build: Published(build, tuple(sorted(g for g in graphs if g)), "" in graphs, Manifest.from_json(manifest, f"build {build} on {endpoint.query_url}"))
              for build, (graphs, manifest) in found.items()}
    return builds, states


@dataclass(frozen=True)
class _State:
    """What a build on the server is: loading, published, retired (since when) or dropping."""

    name: Literal["loading", "published", "retired", "dropping"]
    retired: datetime | None = None


def published(endpoint: Endpoint) -> Published | None:
    """The build the server publishes now, or None when nothing has been published there."""
    builds, states = _records(endpoint)
    return next((builds[b] for b, state in states.items() if state.name == "published"), None)


def open_backend(settings: "Settings", store_dir: Path | None = None) -> tuple["ox.Store | RemoteStore", Manifest | None]:
    """The store the settings choose, and its manifest: the build published on the SPARQL server they name, or
    else the embedded store at `store_dir` (default: theirs).

    Raises StoreMissing when nothing is built or published there, StoreError when the server cannot be asked.
    """
    endpoint = settings.endpoint()
    if endpoint is None:
        folder = store_dir or settings.store_dir
        return open_store(folder), read_manifest(folder)
    build = published(endpoint)
    if build is None:
        raise StoreMissing(f"{endpoint.query_url}: no build is published there; run `innograph publish` first")
    return RemoteStore(endpoint, build), build.manifest


def _solutions(body: bytes, fmt: ox.QueryResultsFormat, *, ask: bool, distinct: bool) -> ox.QuerySolutions | ox.QueryBoolean:
    """The answer to a SELECT or an ASK, read whole first, so that one cut short fails here and not half-way
    through writing it. Raises SyntaxError then. No answer is left behind in a traceback: pyoxigraph's
    answers may only be freed by the thread that made them, and an error travels to the event loop's.
    A DISTINCT answer loses the rows a server repeats (Virtuoso does, where an OPTIONAL left a value unbound)."""
    answer = ox.parse_query_results(body, format=fmt)
    if isinstance(answer, ox.QueryBoolean):
        return answer
    try:
        rows = [tuple(row) for row in answer]
    finally:
        del answer
    if ask:  # sent as a SELECT of at most one row (_as_select)
        return ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if rows else b"false"), format=ox.QueryResultsFormat.JSON)
    if distinct and len(set(rows)) < len(rows) and fmt == ox.QueryResultsFormat.JSON:
        answer = json.loads(body)
        bindings = answer["results"]["bindings"]
        answer["results"]["bindings"] = list({json.dumps(b, sort_keys=True): b for b in bindings}.values())
        body = json.dumps(answer).encode()
    return ox.parse_query_results(body, format=fmt)


def _as_select(query: str) -> str:
    """An ASK as a SELECT of at most one row, whose answer is whether there is one: Virtuoso answers true to an
    ASK with a GRAPH pattern whenever the request names a dataset, as innograph's always do (and gives a row
    to a SELECT of constants there, so it selects * but where groups forbid that)."""
    tokens = list(lex(query))
    words = {t.group().upper() for t in tokens if t.lastgroup == "word"}
    ask = next(t for t in tokens if t.lastgroup == "word" and t.group().upper() == "ASK")
    projection = "(1 AS ?innograph_ask)" if words & {"GROUP", "HAVING"} else "*"
    select = f"{query[:ask.start()]}SELECT {projection}{query[ask.end():]}"
    return select if words & {"LIMIT", "VALUES"} else f"{select}\nLIMIT 1"  # a LIMIT goes before a trailing VALUES


def _distinct(query: str) -> bool:
    """Whether the query's own SELECT (the first in its text) is a SELECT DISTINCT."""
    words = (t.group().upper() for t in lex(query) if t.lastgroup == "word")
    return any(word == "SELECT" for word in words) and next(words, "") == "DISTINCT"


_BLANK_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CANONICAL_BOOLEAN = {"0": "false", "1": "true"}


def _blank_label(label: str) -> str:
    """A blank node's label as SPARQL allows it: Virtuoso writes its own as nodeID://b10000."""
    return label if _BLANK_LABEL.fullmatch(label) and not label.endswith(".") else "x" + label.encode().hex()


def _as_given(body: bytes, media: str, build_prefix: str) -> bytes:
    """A server's answer as innograph gives it: graph names written back to the build's own, blank node labels
    that SPARQL allows (each still its own), and booleans in their canonical form (Virtuoso writes 0 and 1)."""
    if media != "application/sparql-results+json":
        body = body.replace(build_prefix.encode(), b"")  # XML: IRIs are element text, nothing else holds the prefix
        body = re.sub(rb"<bnode>([^<]*)</bnode>", lambda m: b"<bnode>%s</bnode>" % _blank_label(m[1].decode()).encode(), body)
        return re.sub(rb'(datatype="%s">)([01])<' % re.escape(_BOOLEAN.encode()),
                      lambda m: m[1] + _CANONICAL_BOOLEAN[m[2].decode()].encode() + b"<", body)
    answer = json.loads(body)
    for row in answer.get("results", {}).get("bindings", []):
        for term in row.values():
            kind = term.get("type")
            if kind == "uri":
                term["value"] = term["value"].removeprefix(build_prefix)
            elif kind == "bnode":
                term["value"] = _blank_label(term["value"])
            elif term.get("datatype") == _BOOLEAN:
                term["value"] = _CANONICAL_BOOLEAN.get(term["value"], term["value"])
    return json.dumps(answer).encode()


class RemoteStore:
    """A published build on a SPARQL server, answering the calls innograph makes of a pyoxigraph store."""

    def __init__(self, endpoint: Endpoint, build: Published) -> None:
        self.endpoint, self.build = endpoint, build
        self._quads: dict[tuple[object, ...], tuple[ox.Quad, ...]] = {}
        self._lock = threading.Lock()

    def query(self, query: str, *, prefixes: dict[str, str] | None = None, use_default_graph_as_union: bool = False,
              substitutions: dict[ox.Variable, _Term] | None = None, base_iri: str | None = None,
              default_graph: list[ox.NamedNode] | None = None, named_graphs: list[ox.NamedNode] | None = None,
              custom_functions: dict[ox.NamedNode, object] | None = None) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
        """Send the query with the build's graphs as its dataset and read the answer.

        What a function the server lacks does is the server's business (`custom_functions`, pyoxigraph's way
        to leave them unbound, only lets the query be parsed here). Raises SyntaxError for a query that does
        not parse, ValueError for one the server refuses, and StoreError when the server cannot be reached,
        does not answer in time, or cuts its answer short (Oxigraph's server does, at its own time limit).
        """
        if substitutions:
            from graph.query import bind

            query, substitutions = bind(query, substitutions)
            if substitutions:
                raise ValueError("a DESCRIBE with no WHERE clause cannot be sent with parameters; give it a WHERE clause")
        # Parsed here first (pyoxigraph evaluates lazily, on an empty store nothing), so that a query that does not
        # parse gets the message it gets on the embedded store, with its own line and column.
        form = type(_EMPTY.query(query, prefixes=prefixes, base_iri=base_iri, custom_functions=custom_functions))  # type: ignore[arg-type]
        accept = _ACCEPT_GRAPH if form is ox.QueryTriples else _ACCEPT_SOLUTIONS
        if form is ox.QueryBoolean:
            query = _as_select(query)
        query, names_dataset = self._in_build(query)
        # on the query's first line, so that the server's line numbers in an error are the query's own
        prologue = "".join(f"PREFIX {p}: <{iri}> " for p, iri in (prefixes or {}).items())
        if base_iri:
            prologue = f"BASE <{base_iri}> {prologue}"
        fields: dict[str, object] = {"query": prologue + query}
        if default_graph or named_graphs:
            fields["default-graph-uri"] = [self.build.remote(g.value) for g in default_graph or ()] or [self.build.default]
            fields["named-graph-uri"] = [self.build.remote(g.value) for g in named_graphs or ()]
        elif not names_dataset:
            fields["default-graph-uri"] = (use_default_graph_as_union and self.build.on_server()) or [self.build.default]
            fields["named-graph-uri"] = [self.build.remote(g) for g in self.build.graphs]
        response = _request(self.endpoint, "POST", self.endpoint.query_url, "a query", data=fields, headers={"accept": accept})
        if response.status_code != 200:
            raise ValueError(f"the server at {self.endpoint.query_url} refused it ({response.status_code}): {response.text[:1000].strip()}")
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        body = response.content
        rdf = ox.RdfFormat.from_media_type(media)
        if media not in _SOLUTIONS and rdf is None:
            raise StoreError(f"{self.endpoint.query_url}: answered in {media or 'no stated format'}, which is not SPARQL results or RDF")
        try:
            if media not in _SOLUTIONS:
                return [quad.triple for quad in ox.parse(body, format=rdf)]  # type: ignore[arg-type]
            if any(marker in body for marker in (self.build.default.encode(), b"bnode", _BOOLEAN.encode())):
                body = _as_given(body, media, self.build.default)
            return _solutions(body, _SOLUTIONS[media], ask=form is ox.QueryBoolean, distinct=_distinct(query))
        except (SyntaxError, ValueError) as e:
            raise StoreError(f"{self.endpoint.query_url}: its answer is cut short or malformed ({e}); "
                             "a server stops a query past its own time limit this way") from None

    def quads_for_pattern(self, subject: _Term | None, predicate: _Term | None, object: _Term | None,
                          graph_name: ox.NamedNode | ox.DefaultGraph | None = None) -> list[ox.Quad]:
        """The quads that match, as pyoxigraph's store gives them. A build on the server never changes, so each
        pattern is asked once: a brief looks up thousands of labels one by one, a round trip each otherwise."""
        key = (subject, predicate, object, graph_name)
        with self._lock:
            found = self._quads.get(key)
        if found is None:
            found = tuple(self._ask_quads(subject, predicate, object, graph_name))
            with self._lock:
                if len(self._quads) >= _QUADS_KEPT:
                    self._quads.pop(next(iter(self._quads)))
                self._quads[key] = found
        return list(found)

    def prefetch(self, subjects: set[str], predicates: tuple[ox.NamedNode, ...]) -> None:
        """Ask for the quads of every (subject, predicate) pair in a few queries, not one each, so that
        `quads_for_pattern` answers them from what it keeps: a brief's labels, a round trip each otherwise."""
        with self._lock:
            wanted = sorted(s for s in subjects if any((ox.NamedNode(s), p, None, None) not in self._quads for p in predicates))
        graphs = self.build.on_server()
        for start in range(0, len(wanted), _PREFETCH):
            chunk = [ox.NamedNode(s) for s in wanted[start:start + _PREFETCH]]
            found: dict[tuple[object, ...], list[ox.Quad]] = {(s, p, None, None): [] for s in chunk for p in predicates}
            # the predicates as a FILTER: as a second VALUES, Oxigraph's server takes 140x longer (0.7 s for 200 subjects at 1M)
            query = (f"SELECT * WHERE {{ VALUES ?s {{ {' '.join(map(str, chunk))} }} GRAPH ?g {{ ?s ?p ?o }} "
                     f"FILTER (?p IN ({', '.join(map(str, predicates))})) }}")
            for row in _select(self.endpoint, query, **{"named-graph-uri": graphs}):
                found[(row["s"], row["p"], None, None)].append(ox.Quad(row["s"], row["p"], row["o"], self.build.graph_back(row["g"])))
            with self._lock:
                self._quads.update({key: tuple(quads) for key, quads in found.items()})

    def _ask_quads(self, subject: _Term | None, predicate: _Term | None, object: _Term | None,
                   graph_name: ox.NamedNode | ox.DefaultGraph | None) -> list[ox.Quad]:
        terms = [str(t) if t is not None else v for t, v in ((subject, "?s"), (predicate, "?p"), (object, "?o"))]
        if graph_name is None:
            graphs = self.build.on_server()
        elif isinstance(graph_name, ox.DefaultGraph):
            graphs = [self.build.default]
        else:
            graphs = [self.build.remote(graph_name.value)]
        rows = _select(self.endpoint, f"SELECT * WHERE {{ GRAPH ?g {{ {' '.join(terms)} }} }}", **{"named-graph-uri": graphs})
        quads = []
        for row in rows:
            s, p, o = (t if t is not None else row[v[1:]] for t, v in ((subject, "?s"), (predicate, "?p"), (object, "?o")))
            quads.append(ox.Quad(s, p, o, self.build.graph_back(row["g"])))
        return quads

    def named_graphs(self) -> list[ox.NamedNode]:
        return [ox.NamedNode(g) for g in self.build.graphs]

    def _in_build(self, query: str) -> tuple[str, bool]:
        """The query with the IRIs after FROM, FROM NAMED and GRAPH written into the build's graph names,
        and whether it names its own dataset (FROM)."""
        parts, at, previous, names_dataset = [], 0, "", False
        for token in lex(query):
            word = token.group().upper() if token.lastgroup == "word" else ""
            if token.lastgroup == "iri" and previous in ("FROM", "NAMED", "GRAPH") and ":" in token.group():
                parts += [query[at:token.start()], f"<{self.build.remote(token.group()[1:-1])}>"]
                at = token.end()
            names_dataset = names_dataset or word == "FROM"
            previous = word
        return "".join(parts) + query[at:], names_dataset


# -- publishing ---------------------------------------------------------------------------------

def _store(endpoint: Endpoint, method: str, graph: str, body: bytes = b"") -> None:
    url = endpoint.store_url
    if not url:
        raise StoreError("publishing needs the server's Graph Store Protocol URL (--store-url, or INNOGRAPH_BACKEND_STORE_URL)")
    response = _request(endpoint, method, url, f"{method} of the graph <{graph}>", params={"graph": graph}, content=body,
                        headers={"content-type": "application/n-triples"} if body else {})
    if response.status_code >= 300 and not (method == "DELETE" and response.status_code == 404):
        raise StoreError(f"{url}: {method} of the graph <{graph}> failed ({response.status_code}): {response.text[:500]}")


def _control(builds: dict[str, Published], states: dict[str, _State]) -> bytes:
    triples = []
    for build, state in states.items():
        record, node = builds[build], ox.NamedNode(f"{_BUILD}{build}")
        triples += [ox.Triple(node, ox.NamedNode(_P_STATE), ox.Literal(state.name)),
                    ox.Triple(node, ox.NamedNode(_P_MANIFEST), ox.Literal(json.dumps(asdict(record.manifest))))]
        triples += [ox.Triple(node, ox.NamedNode(_P_GRAPH), ox.Literal(g)) for g in record.every_graph]
        if state.retired is not None:
            triples.append(ox.Triple(node, ox.NamedNode(_P_RETIRED), ox.Literal(state.retired.isoformat(), datatype=ox.NamedNode(_DATETIME))))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def publish(endpoint: Endpoint, store: ox.Store, manifest: Manifest) -> Published:
    """Load a validated build into the server and switch readers to it; returns what is published now.

    Raises StoreError when the server refuses or cannot be reached; the build published before then
    answers as it did.
    """
    builds, states = _records(endpoint)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    has_default = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    new = Published(f"{stamp}-{manifest.fingerprint[:12]}", tuple(graphs), has_default, manifest)
    builds[new.build] = new
    _store(endpoint, "PUT", CONTROL, _control(builds, {**states, new.build: _State("loading")}))
    for graph in new.every_graph:
        source = ox.DefaultGraph() if graph == "" else ox.NamedNode(graph)
        triples = (q.triple for q in store.quads_for_pattern(None, None, None, source))
        method = "PUT"
        while chunk := [t for _, t in zip(range(_CHUNK), triples)]:
            _store(endpoint, method, new.remote(graph), ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES))
            method = "POST"
    now = datetime.now(timezone.utc)
    kept = {new.build: _State("published")}
    for build, state in states.items():  # the one published until now, and those readers may still be on
        if state.name == "published" or (state.name == "retired" and state.retired and now - state.retired < _LINGER):
            kept[build] = _State("retired", state.retired or now)
    dropped = {b: _State("dropping") for b in builds if b not in kept}  # recorded until gone: a killed publish leaves none unknown
    _store(endpoint, "PUT", CONTROL, _control(builds, kept | dropped))  # the switch
    if dropped:
        for build in dropped:
            for graph in builds[build].on_server():
                _store(endpoint, "DELETE", graph)
        _store(endpoint, "PUT", CONTROL, _control(builds, kept))
    return new
