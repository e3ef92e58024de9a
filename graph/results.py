"""Writing query results in the SPARQL 1.1 result formats and RDF syntaxes, cut at a row limit that is reported.

pyoxigraph writes a whole result at once; a service must stop at a row limit and say so, so the
SELECT writers here stream rows up to the limit. ASK and graph results use pyoxigraph's own writers.
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

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
    kind: str  # "solutions", "boolean" or "graph"
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
    names = [v.value for v in result.variables]
    rows = islice(result, max_rows + 1)
    writer = {SOLUTION_TYPES[0]: _json, SOLUTION_TYPES[1]: _xml, "text/csv": _csv, "text/tab-separated-values": _tsv}[media]
    counter = _Counter(rows, max_rows)
    body = writer(names, counter)
    return Written(media, body, "solutions", counter.count, counter.truncated)


class _Counter:
    """Passes on at most `limit` rows and notes whether there were more."""

    def __init__(self, rows: Iterator[ox.QuerySolution], limit: int) -> None:
        self._rows, self._limit = rows, limit
        self.count, self.truncated = 0, False

    def __iter__(self) -> Iterator[ox.QuerySolution]:
        for row in self._rows:
            if self.count == self._limit:
                self.truncated = True
                return
            self.count += 1
            yield row


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def _json(names: list[str], rows: _Counter) -> bytes:
    bindings = [{n: _json_term(row[n]) for n in names if row[n] is not None} for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate>"
                f"<object>{_xml_term(term.object)}</object></triple>")
    raise TypeError(f"unexpected term {term!r}")


def _xml(names: list[str], rows: _Counter) -> bytes:
    out = io.StringIO()
    out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>')
    out.writelines(f"<variable name={quoteattr(n)}/>" for n in names)
    out.write("</head>\n<results>\n")
    for row in rows:
        out.write("<result>")
        out.writelines(f"<binding name={quoteattr(n)}>{_xml_term(row[n])}</binding>" for n in names if row[n] is not None)
        out.write("</result>\n")
    out.write("</results>\n</sparql>\n")
    return out.getvalue().encode("utf-8")


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _csv(names: list[str], rows: _Counter) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([_csv_value(row[n]) for n in names] for row in rows)
    return out.getvalue().encode("utf-8")


def _tsv(names: list[str], rows: _Counter) -> bytes:
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if row[n] is None else str(row[n]) for n in names) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
