"""Writing query results in the SPARQL 1.1 result formats and RDF syntaxes, cut at a row limit that is reported.

pyoxigraph writes a whole result at once; a service must stop at a row limit and say so. Every
format is still written by pyoxigraph: SELECT rows go through a TSV sink that stops at the limit.
"""

import io
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from graph.errors import NotAcceptable
from graph.namespaces import PREFIXES

__all__ = ["Written", "MEDIA_TYPES", "SOLUTION_TYPES", "GRAPH_TYPES", "choose", "write"]

SOLUTION_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values")
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
# Names that clients use in `format`/`output` parameters and in Accept headers for the types above.
MEDIA_TYPES: dict[str, str] = {
    "json": SOLUTION_TYPES[0], "application/json": SOLUTION_TYPES[0], "srj": SOLUTION_TYPES[0],
    "xml": SOLUTION_TYPES[1], "application/xml": SOLUTION_TYPES[1], "text/xml": SOLUTION_TYPES[1], "srx": SOLUTION_TYPES[1],
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "turtle": "text/turtle", "ttl": "text/turtle", "application/x-turtle": "text/turtle",
    "ntriples": "application/n-triples", "nt": "application/n-triples", "n-triples": "application/n-triples", "text/plain": "application/n-triples",
    "jsonld": "application/ld+json", "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml", "rdf": "application/rdf+xml", "rdf/xml": "application/rdf+xml",
    **{t: t for t in SOLUTION_TYPES + GRAPH_TYPES},
}
_GRAPH_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
                  "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}
_BOOLEAN_FORMATS = {SOLUTION_TYPES[0]: ox.QueryResultsFormat.JSON, SOLUTION_TYPES[1]: ox.QueryResultsFormat.XML,
                    "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}


@dataclass(frozen=True)
class Written:
    """A written result: its media type, bytes, how many rows or triples it holds, and whether it was cut."""

    media_type: str
    body: bytes
    kind: str  # "solutions", "boolean" or "graph"; "document" for a page, export or brief the service keeps
    count: int
    truncated: bool


def choose(accept: list[tuple[str, float]], kind: str) -> str:
    """The media type to answer with: the client's most preferred one that fits the kind of result.

    `accept` lists (media range, q) pairs, as parsed from an Accept header or a format parameter.

    Raises NotAcceptable naming the types this kind of result comes in.
    """
    offered = GRAPH_TYPES if kind == "graph" else SOLUTION_TYPES
    best, best_q = None, 0.0
    for rank, media in enumerate(offered):
        q = max((weight for pattern, weight in accept if _matches(pattern, media)), default=0.0)
        if q > best_q:
            best, best_q = media, q
    if best is None:
        raise NotAcceptable(f"this {'graph' if kind == 'graph' else 'query'} result comes as {', '.join(offered)}; "
                            "none of them is acceptable to the client")
    return best


def _matches(pattern: str, media: str) -> bool:
    pattern = MEDIA_TYPES.get(pattern, pattern)
    if pattern in ("*/*", media):
        return True
    return pattern.endswith("/*") and media.startswith(pattern[:-1])


def write(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, accept: list[tuple[str, float]],
          *, max_rows: int) -> Written:
    """Write a result in the best acceptable format, stopping after `max_rows` rows or triples.

    Raises NotAcceptable when no acceptable format fits the result.
    """
    if isinstance(result, ox.QueryBoolean):
        media = choose(accept, "boolean")
        return Written(media, result.serialize(format=_BOOLEAN_FORMATS[media]), "boolean", 1, False)
    if isinstance(result, ox.QueryTriples):
        media = choose(accept, "graph")
        triples = list(islice(result, max_rows + 1))
        kept = triples[:max_rows]
        body = ox.serialize(kept, format=_GRAPH_FORMATS[media],
                            prefixes=PREFIXES if media == "text/turtle" else None)
        return Written(media, body, "graph", len(kept), len(triples) > max_rows)
    media = choose(accept, "solutions")
    kept, count, truncated = _first_rows(result, max_rows)
    return Written(media, kept.serialize(format=_BOOLEAN_FORMATS[media]), "solutions", count, truncated)


class _RowsFull(Exception):
    """The row limit was reached while writing."""


class _RowLimit(io.RawIOBase):
    """Collects TSV results and stops the writer once the header and `limit` rows are in.

    TSV writes one line a row (line breaks inside literals are escaped), so rows are counted by lines.
    """

    def __init__(self, limit: int) -> None:
        self.data = bytearray()
        self.lines = 0
        self.limit = limit
        self.full = False

    def writable(self) -> bool:
        return True

    def write(self, chunk: bytes) -> int:  # type: ignore[override]
        if self.full:
            raise _RowsFull
        self.data += chunk
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit + 1:  # more than the header and `limit` rows: cut after row `limit`
            end = -1
            for _ in range(self.limit + 1):
                end = self.data.index(b"\n", end + 1)
            del self.data[end + 1:]
            self.lines, self.full = self.limit + 1, True
            raise _RowsFull
        return len(chunk)


def _first_rows(result: ox.QuerySolutions, limit: int) -> tuple[ox.QuerySolutions, int, bool]:
    """At most `limit` rows of a result, how many, and whether there were more.

    pyoxigraph writes rows in Rust; it writes TSV into a sink that stops at the limit, and the rows
    kept are read back, so every output format is written by pyoxigraph too, with no loss (TSV keeps
    each term's full N-Triples form).
    """
    sink = _RowLimit(limit)
    try:
        result.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except (_RowsFull, OSError):
        if not sink.full:
            raise
    kept = ox.parse_query_results(bytes(sink.data), format=ox.QueryResultsFormat.TSV)
    return kept, max(sink.lines - 1, 0), sink.full
