"""Writing query results in the SPARQL 1.1 result formats and RDF syntaxes, cut at a row limit that is reported.

pyoxigraph writes a whole result at once; a service must stop at a row limit and say so. Every
format is still written by pyoxigraph, into a sink that knows where each format's rows start.
"""

import io
import json
import re
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from graph.errors import NotAcceptable
from graph.namespaces import PREFIXES
from graph.query import GRAPH_ANSWERS, Result

__all__ = ["Written", "MEDIA_TYPES", "FORMAT_NAMES", "SOLUTION_TYPES", "GRAPH_TYPES", "choose", "write", "serialize_triples"]

SOLUTION_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values")
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
# Media types that clients send, in Accept headers or `format` parameters, for the types above.
MEDIA_TYPES: dict[str, str] = {
    "application/json": SOLUTION_TYPES[0], "application/xml": SOLUTION_TYPES[1], "text/xml": SOLUTION_TYPES[1],
    "application/x-turtle": "text/turtle", "application/turtle": "text/turtle",
    "text/n3": "text/turtle", "text/rdf+n3": "text/turtle", "application/n3": "text/turtle",  # N3 is answered in Turtle, which is N3
    "text/plain": "application/n-triples", "application/x-json+ld": "application/ld+json",
    **{t: t for t in SOLUTION_TYPES + GRAPH_TYPES},
}
# The names a `format` or `output` parameter gives: "json" and "xml" stand for the SPARQL results format for a
# SELECT or ASK and the RDF syntax for a CONSTRUCT or DESCRIBE, as SPARQLWrapper and Virtuoso use them.
FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": (SOLUTION_TYPES[0], "application/ld+json"), "xml": (SOLUTION_TYPES[1], "application/rdf+xml"),
    "srj": (SOLUTION_TYPES[0],), "srx": (SOLUTION_TYPES[1],), "csv": ("text/csv",), "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle",), "ttl": ("text/turtle",), "n3": ("text/turtle",),
    "ntriples": ("application/n-triples",), "nt": ("application/n-triples",), "n-triples": ("application/n-triples",),
    "jsonld": ("application/ld+json",), "json-ld": ("application/ld+json",),
    "rdfxml": ("application/rdf+xml",), "rdf": ("application/rdf+xml",), "rdf+xml": ("application/rdf+xml",), "rdf/xml": ("application/rdf+xml",),
}
_GRAPH_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
                  "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}
_RESULT_FORMATS = {SOLUTION_TYPES[0]: ox.QueryResultsFormat.JSON, SOLUTION_TYPES[1]: ox.QueryResultsFormat.XML,
                   "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}


@dataclass(frozen=True)
class Written:
    """A written result: its media type, bytes, how many rows or triples it holds, and whether it was cut."""

    media_type: str
    body: bytes
    kind: str  # "solutions", "boolean" or "graph"; "document" for a page, export or brief the service keeps
    count: int
    truncated: bool


def choose(accept: list[tuple[str, float]], kind: str, offered: tuple[str, ...] | None = None) -> str:
    """The media type to answer with: the client's most preferred one that fits the kind of result, of the
    types `offered` (by default those of its kind), the first of equal preference.

    `accept` lists (media range, q) pairs, as parsed from an Accept header or a format parameter.

    Raises NotAcceptable naming the types this kind of result comes in.
    """
    offered = offered or (GRAPH_TYPES if kind == "graph" else SOLUTION_TYPES)
    best, best_q = None, 0.0
    for rank, media in enumerate(offered):
        q = max((weight for pattern, weight in accept if _matches(pattern, media)), default=0.0)
        if q > best_q:
            best, best_q = media, q
    if best is None:
        what = {"graph": "graph result", "solutions": "query result", "boolean": "query result"}.get(kind, kind)
        raise NotAcceptable(f"this {what} comes as {', '.join(offered)}; none of them is acceptable to the client")
    return best


def _matches(pattern: str, media: str) -> bool:
    pattern = MEDIA_TYPES.get(pattern, pattern)
    if pattern in ("*/*", media):
        return True
    return pattern.endswith("/*") and media.startswith(pattern[:-1])


def write(result: Result, accept: list[tuple[str, float]],
          *, max_rows: int, bounded: bool = False) -> Written:
    """Write a result in the best acceptable format, stopping after `max_rows` rows or triples. A result
    `bounded` to `max_rows` + 1 rows by its query's LIMIT is written whole by pyoxigraph, then counted.

    Raises NotAcceptable when no acceptable format fits the result.
    """
    if isinstance(result, ox.QueryBoolean):
        media = choose(accept, "boolean")
        return Written(media, result.serialize(format=_RESULT_FORMATS[media]), "boolean", 1, False)
    if isinstance(result, GRAPH_ANSWERS):
        media = choose(accept, "graph")
        triples = list(islice(result, max_rows + 1))
        kept = triples[:max_rows]
        return Written(media, serialize_triples(kept, media), "graph", len(kept), len(triples) > max_rows)
    media = choose(accept, "solutions")
    body, count, truncated = _first_rows(result, media, max_rows, bounded=bounded)
    return Written(media, body, "solutions", count, truncated)


def serialize_triples(triples: list[ox.Triple], media: str) -> bytes:
    """Triples in one of GRAPH_TYPES; Turtle and JSON-LD with the project's prefixes."""
    if media == "application/ld+json":
        return _compact_jsonld(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    return ox.serialize(triples, format=_GRAPH_FORMATS[media], prefixes=PREFIXES if media == "text/turtle" else None)


_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def _compact_iri(iri: str) -> str:
    for prefix, namespace in _LONGEST_FIRST:
        local = iri[len(namespace):]
        if iri.startswith(namespace) and local and not local.startswith("//"):
            return f"{prefix}:{local}"
    return iri


def _compact_node(value: object, key: str = "") -> object:
    if isinstance(value, list):
        return [_compact_node(item, key) for item in value]
    if isinstance(value, dict):
        return {(_compact_iri(k) if not k.startswith("@") else k): _compact_node(v, k) for k, v in value.items()}
    if isinstance(value, str) and key in ("@id", "@type"):
        return _compact_iri(value)
    return value


def _compact_jsonld(expanded: bytes) -> bytes:
    """pyoxigraph's JSON-LD (expanded, every IRI whole) with the project's prefixes as its @context, and its
    properties, ids and types written as prefixed names, which a JSON-LD processor expands back to the same
    triples."""
    graph = _compact_node(json.loads(expanded))
    return json.dumps({"@context": dict(PREFIXES), "@graph": graph}, ensure_ascii=False, separators=(",", ":")).encode()


class _RowsFull(Exception):
    """The row limit was reached while writing."""


@dataclass(frozen=True)
class _RowMarks:
    """How a results format marks its rows, so that its writer can be stopped after a number of rows.

    `pattern` matches each mark, its group "cut" where a document cut after that many rows ends. A
    format whose strings can hold a mark is matched with its strings (its group "open" matches a
    string the writer has not finished). Where strings cannot hold `fast`, rows are counted with
    bytes.count, ten times quicker than a regex; that count holds until `unsure` matches.
    """

    pattern: re.Pattern[bytes]
    header: int  # marks before the first row's
    closing: bytes  # what completes a document cut after a row
    fast: bytes | None = None  # the mark, where bytes.count can count it
    unsure: re.Pattern[bytes] | None = None  # texts after which `fast` may also occur inside strings
    last: bytes | None = None  # how a complete document ends when its last row has no mark of its own


# TSV escapes line breaks in terms: each line ends a row, after the header's.
_TSV = _RowMarks(re.compile(rb"\n(?P<cut>)"), 1, b"", fast=b"\n")
# CSV quotes a term that holds a line break, so only a line break outside quotes ends a row.
_CSV = _RowMarks(re.compile(rb'"[^"]*"|\r\n(?P<cut>)|(?P<open>")'), 1, b"")
# XML results escape "<" in text, so "</result>" is always a tag.
_XML = _RowMarks(re.compile(rb"</result>(?P<cut>)"), 0, b"</results></sparql>", fast=b"</result>")
# In JSON ',{"' and a variable's name begin every row but the first. A string escapes '"', so its text
# never holds '{"'; its closing quote can follow ",{" but is then followed by "}" or ",", never a name.
# A row with no bound variable ("{}") has no name, so results that hold "{}" are read with their strings,
# as are those that hold '{"}' or '{",' (one pattern for the three: one pass over the bytes, not three).
_JSON = _RowMarks(re.compile(rb'"(?:[^"\\]|\\.)*"|(?P<cut>),\{|(?P<open>")'), 0, b"]}}", fast=b',{"',
                  unsure=re.compile(rb'\{(?:\}|"[},])'), last=b"}]}}")
_UNSURE_LONGEST = 3  # the longest text `unsure` matches

_ROW_MARKS = {SOLUTION_TYPES[0]: _JSON, SOLUTION_TYPES[1]: _XML, "text/csv": _CSV, "text/tab-separated-values": _TSV}
_HELD_BACK = len(b"</result>") - 1  # bytes left unread until the next chunk: every mark that begins before them is whole


class _RowLimit(io.RawIOBase):
    """Collects a result as pyoxigraph writes it, counting its rows, and stops the writer after `limit` rows."""

    def __init__(self, marks: _RowMarks, limit: int) -> None:
        self.data = bytearray()
        self.marks = marks
        self.limit = limit
        self.fast = marks.fast is not None  # counting with bytes.count, until an unsure text turns up
        self.seen = 0  # marks read so far
        self.read = 0  # where reading goes on: all marks before it are in `seen`
        self.full = False

    def writable(self) -> bool:
        return True

    def write(self, chunk: bytes) -> int:  # type: ignore[override]
        if self.full:
            raise _RowsFull
        self.data += chunk
        self.read_to(len(self.data) - _HELD_BACK)
        return len(chunk)

    def read_to(self, end: int, *, done: bool = False) -> None:
        """Count the marks that begin before `end` (all of them once the writer is `done`); past the limit,
        cut the document and stop the writer."""
        if end > self.read:
            unsure = self.marks.unsure
            if self.fast and unsure is not None and unsure.search(self.data, self.read, end + _UNSURE_LONGEST - 1):
                self.fast, self.seen, self.read = False, 0, 0  # read it all again, strings and all
            if self.fast:
                mark = self.marks.fast
                self.seen += self.data.count(mark, self.read, end + len(mark) - 1)
                self.read = end
            else:
                for match in self.marks.pattern.finditer(self.data, self.read, end):
                    if match.lastgroup == "open":  # an unfinished string: read it with the next chunk
                        break
                    self.read = match.end()
                    self.seen += match.lastgroup == "cut"
        if self.rows(done=done) > self.limit:
            del self.data[self._cut(self.marks.header + self.limit):]
            self.data += self.marks.closing
            self.full = True
            raise _RowsFull

    def _cut(self, marks: int) -> int:
        """Where the document ends that keeps the rows up to the `marks`-th mark."""
        if self.fast:
            position = -1
            for _ in range(marks):
                position = self.data.index(self.marks.fast, position + 1)
            return self.marks.pattern.match(self.data, position).start("cut")
        for match in self.marks.pattern.finditer(self.data):
            marks -= match.lastgroup == "cut"
            if not marks:
                return match.start("cut")
        raise AssertionError("fewer marks than were counted")

    def rows(self, *, done: bool = True) -> int:
        """How many rows have been read, the last one included once the writer is `done`."""
        if self.full:
            return self.limit
        closed_by_end = done and self.marks.last is not None and self.data.endswith(self.marks.last)
        return self.seen - self.marks.header + closed_by_end


def _first_rows(result: ox.QuerySolutions, media: str, limit: int, *, bounded: bool = False) -> tuple[bytes, int, bool]:
    """A result written as `media` up to its first `limit` rows, how many rows that is, and whether there were more.

    pyoxigraph writes the rows in Rust into a sink that counts them and stops the writer at the limit,
    so the kept rows are exactly as pyoxigraph writes them. A `bounded` result, of at most `limit` + 1
    rows, is written in one piece and counted once, without a call back into Python for every chunk.
    """
    sink = _RowLimit(_ROW_MARKS[media], limit)
    try:
        if bounded:
            sink.data += result.serialize(format=_RESULT_FORMATS[media])
        else:
            result.serialize(sink, format=_RESULT_FORMATS[media])
        sink.read_to(len(sink.data), done=True)
    except (_RowsFull, OSError):
        if not sink.full:
            raise
    return bytes(sink.data), sink.rows(), sink.full
