"""The checks every build runs: SHACL shapes, violation queries, and evidence read against its sources."""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDFS

from graph.closure import INDEX_GRAPH, write_closures
from graph.dates import stated_parts
from graph.errors import InputError, Violation
from graph.figures import read_figures
from graph.namespaces import IG, local_name
from graph.rdfio import RdfFile, check_safe, graph_name
from graph.settings import Settings
from graph.shacl import class_closure, compile_shapes
from graph.sources import source_path

__all__ = ["Report", "check", "load", "counts", "CHECKS_DIR"]

CHECKS_DIR = Path(__file__).parent / "queries" / "checks"


@dataclass
class Report:
    """What the checks found, and what the data holds."""

    triples: int = 0
    facts: int = 0
    sources: int = 0
    quotes_checked: int = 0
    quotes_unread: int = 0  # quotes whose source text is not here to be read against
    violations: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load(store: ox.Store, files: list[RdfFile]) -> None:
    """Load the files into the store: a named graph per triple file, TriG and N-Quads with their own graphs;
    then the closures of classes, concepts, events and places in the graph `index` (graph.closure).

    Raises InputError (file, line and column) for a file that does not parse, UnsafeInput for one refused.
    """
    for file in files:
        data = file.path.read_bytes()
        check_safe(file, data)
        to_graph = None if file.has_graphs else ox.NamedNode(graph_name(file.label))
        try:
            store.bulk_load(input=data, format=file.oxigraph_format, to_graph=to_graph)
        except SyntaxError as e:
            raise InputError(f"{file.label}: does not parse as {file.oxigraph_format}: {e}") from e
    write_closures(store)


def counts(store: ox.Store) -> tuple[int, int, int]:
    """Triples, fact nodes and source documents in the store."""
    row = next(iter(store.query(_COUNTS, use_default_graph_as_union=True)))
    return tuple(int(row[name].value) for name in ("triples", "facts", "sources"))  # type: ignore[return-value]


_COUNTS = """
PREFIX ig: <https://w3id.org/innograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
SELECT ?triples ?facts ?sources WHERE {
  { SELECT (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } }
  { SELECT (COUNT(DISTINCT ?fact) AS ?facts) WHERE { ?class rdfs:subClassOf* ig:Fact . ?fact a ?class } }
  { SELECT (COUNT(DISTINCT ?doc) AS ?sources) WHERE { ?doc a schema:NewsArticle } }
}
"""


def check(files: list[RdfFile], store: ox.Store, settings: Settings) -> Report:
    """Run every check on files already loaded into `store`; the report lists what is broken."""
    where = _Files(store)
    report = Report()
    report.triples, report.facts, report.sources = counts(store)
    report.violations += _shapes(store, settings, where)
    report.violations += _violation_queries(store, where)
    report.violations += _evidence(store, settings, report, where)
    report.violations += _figures_agree(store, where)
    report.violations += _dates_agree(store, where)
    return report


class _Files:
    """The input files that describe a node: the named graphs that hold its triples (not the build's own index),
    looked up for a reported node."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def __call__(self, node: ox.NamedNode | ox.BlankNode | str) -> tuple[str, ...]:
        try:
            term = ox.NamedNode(node) if isinstance(node, str) else node
        except ValueError:  # a blank node's id, read out of a query's answer, names no node of the store
            return ()
        prefix = graph_name("")
        return tuple(sorted({quad.graph_name.value.removeprefix(prefix)
                             for quad in self.store.quads_for_pattern(term, None, None)
                             if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name != INDEX_GRAPH}))


_SUBCLASSES = "SELECT ?sub ?super WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super }"


def _shapes(store: ox.Store, settings: Settings, where: _Files) -> list[Violation]:
    """The shapes of ontology/shapes.ttl, each run as one query on the store (graph/shacl.py).

    Subclass axioms come from the ontology folder as well as the store, so that a shape targeting
    ig:Fact reaches observations even in a build whose inputs leave the ontology out.
    """
    axioms = [(q.subject.value, q.object.value) for path in sorted(settings.ontology_dir.rglob("*.ttl"))
              if path.resolve() != settings.shapes_file.resolve()
              for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE)
              if q.predicate.value == str(RDFS.subClassOf) and isinstance(q.object, ox.NamedNode)]
    axioms += [(row["sub"].value, row["super"].value) for row in store.query(_SUBCLASSES, use_default_graph_as_union=True)
               if isinstance(row["super"], ox.NamedNode)]
    violations = []
    for shape in compile_shapes(settings.shapes_file, class_closure(axioms)):
        for focus, node in shape.breakers(store):
            violations.append(Violation(rule=shape.rule, node=node, message=shape.message, files=where(focus)))
    return sorted(violations, key=lambda v: (v.files, v.node, v.rule))


def _violation_queries(store: ox.Store, where: _Files) -> list[Violation]:
    violations = []
    for path in sorted(CHECKS_DIR.glob("*-violation.rq")):
        rule = path.stem
        for row in store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True):
            node = row["node"]
            violations.append(Violation(rule=rule, node=node.value, message=row["detail"].value,
                                        files=where(node)))
    return violations


_EVIDENCE = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX ig: <https://w3id.org/innograph/ontology#>
SELECT ?evidence ?file ?sha ?exact ?start ?end WHERE {
  ?evidence a oa:SpecificResource ; oa:hasSource ?doc ;
            oa:hasSelector [ oa:exact ?exact ] , [ oa:start ?start ; oa:end ?end ] .
  ?doc dcterms:identifier ?file .
  OPTIONAL { ?doc ig:sha256 ?sha }
}
"""


def _evidence(store: ox.Store, settings: Settings, report: Report, where: _Files) -> list[Violation]:
    """Read every quote against its source file: text[start:end] must equal the quote exactly.

    A document's text is looked up in the sources folder, then among the seeds. Article texts are not
    committed, so a clone may lack some: their quotes are not read, and the report says so.
    """
    texts: dict[str, str | None] = {}
    unread: dict[str, int] = {}  # a document whose text is absent: its quotes not read
    violations = []
    for row in store.query(_EVIDENCE, use_default_graph_as_union=True):
        evidence, file = row["evidence"].value, row["file"].value
        if file not in texts:
            path = source_path(settings, file)
            texts[file] = _read_source(path, row["sha"], violations, evidence, where) if path is not None else None
            if path is None:
                unread[file] = 0
        text = texts[file]
        if text is None:
            if file in unread:
                unread[file] += 1
            continue
        start, end, exact = int(row["start"].value), int(row["end"].value), row["exact"].value
        report.quotes_checked += 1
        if text[start:end] != exact:
            violations.append(Violation(
                rule="evidence-quote", node=evidence, files=where(evidence),
                message=f"{file}[{start}:{end}] is {text[start:end]!r}, not the quote {exact!r}; "
                        "recompute the offsets with `innograph ingest quote`"))
    report.quotes_unread = sum(unread.values())
    for file, count in sorted(unread.items()):
        report.notes.append(f"{count} quote(s) of {file} not read against their source: the text is in "
                            f"neither {settings.sources_dir} nor {settings.seeds_dir} (add it with `innograph ingest add`)")
    return violations


def _read_source(path: Path, sha: ox.Literal | None, violations: list[Violation], evidence: str,
                 where: _Files) -> str | None:
    data = path.read_bytes()
    if sha is not None and hashlib.sha256(data).hexdigest() != sha.value:
        violations.append(Violation(rule="evidence-source", node=evidence, files=where(evidence),
                                    message=f"{path.name} has changed since its ig:sha256 was recorded; re-anchor its quotes"))
        return None
    return data.decode("utf-8")


_OBSERVATIONS = """
PREFIX ig: <https://w3id.org/innograph/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
SELECT ?obs ?value ?unit ?status ?qualifier ?exact WHERE {
  ?obs a qb:Observation ; sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure ?unit ;
       sdmx-attribute:obsStatus ?status ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact .
  OPTIONAL { ?obs ig:valueQualifier ?qualifier }
}
"""



def _figures_agree(store: ox.Store, where: _Files) -> list[Violation]:
    """An observation's value, unit, status and qualifier must be what its own quotes state.

    A status is read from the nearest cue before the figure ("ước đạt": estimated); where one quote
    states the figure with a cue and another without (a headline), the cue decides.
    """
    observations: dict[str, tuple[Decimal, str, str, str | None, list[str]]] = {}
    for row in store.query(_OBSERVATIONS, use_default_graph_as_union=True):
        qualifier = local_name(row["qualifier"].value) if row["qualifier"] is not None else None
        found = (Decimal(row["value"].value), local_name(row["unit"].value), local_name(row["status"].value), qualifier, [])
        observations.setdefault(row["obs"].value, found)[4].append(row["exact"].value)
    violations = []
    for obs, (value, unit, status, qualifier, quotes) in sorted(observations.items()):
        figures = [(quote, f) for quote in quotes for f in read_figures(quote)]
        stated = [(quote, f) for quote, f in figures if f.value == value and f.unit == unit]
        readings = [(quote, f) for quote, f in stated if f.cue is not None] or stated
        same_status = [f for _, f in readings if f.status == status]
        files = where(obs)
        if not stated:
            read = "; ".join(f"{f.surface!r} is {f.value.normalize():f} {f.unit}" for _, f in figures[:6])
            violations.append(Violation(rule="figure-value", node=obs, files=files, message=(
                f"the value {value.normalize():f} {unit} is not stated in its quotes ({read or 'they state no figure'}); "
                "correct sdmx-measure:obsValue (in base units: 20,05 tỷ USD is 20050000000), its unit or its evidence")))
        elif not same_status:
            read = " or ".join(sorted({f.status + (f" (“{q[f.cue[0]:f.cue[1]]}”)" if f.cue else "") for q, f in readings}))
            violations.append(Violation(rule="figure-status", node=obs, files=files, message=(
                f"sdmx-attribute:obsStatus is {status}, but its quote reads {readings[0][1].surface!r} as {read}; "
                "correct the status or the evidence")))
        elif qualifier not in {f.qualifier for f in same_status}:
            said = " or ".join(sorted({f.qualifier or "no qualifier" for f in same_status}))
            violations.append(Violation(rule="figure-qualifier", node=obs, files=files, message=(
                f"ig:valueQualifier is {qualifier or 'absent'}, but its quote states {same_status[0].surface!r} with {said} "
                "(khoảng: approximately, ít nhất: at-least, hơn: more-than); correct the qualifier or the evidence")))
    return violations


_DATED = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX ig: <https://w3id.org/innograph/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?node ?property ?value ?period ?exact WHERE {
  # The dated values first, in a subquery: joined in one group with the quotes, Oxigraph reads them quote by quote (15x slower at 1M)
  { SELECT ?node ?property ?value WHERE {
      { VALUES ?property { schema:startDate schema:endDate dcterms:date sdmx-dimension:refPeriod ig:periodStart
                           ig:periodEnd ig:deadline ig:comparedWith }
        ?node ?property ?value }
      UNION { VALUES ?property { time:year time:month time:day } ?node ig:partialDate ?date . ?date ?property ?value } } }
  ?node prov:wasDerivedFrom ?evidence . ?evidence oa:hasSelector ?selector . ?selector oa:exact ?exact .
  OPTIONAL { ?node sdmx-dimension:refPeriod ?period }
}
"""
_SAME_PERIOD_BEFORE = re.compile(r"(?<!\w)cùng\s+kỳ(?!\w)", re.IGNORECASE)


def _dates_agree(store: ox.Store, where: _Files) -> list[Violation]:
    """Every date of a fact (its day, month and year) must be stated in one of its quotes.

    A part no quote states is a curator's inference: an ig:Inference node, not an asserted value.
    "So với cùng kỳ" states the year before the observation's own period.
    """
    dated: dict[tuple[str, str, ox.Literal, ox.Literal | None], list[str]] = defaultdict(list)
    for row in store.query(_DATED, use_default_graph_as_union=True):
        dated[(row["node"].value, row["property"].value, row["value"], row["period"])].append(row["exact"].value)
    violations = []
    for (node, prop, value, period), quotes in sorted(dated.items(), key=lambda item: (item[0][0], item[0][1])):
        stated = set().union(*(stated_parts(q) for q in quotes))
        if prop == str(IG.comparedWith) and period is not None and any(_SAME_PERIOD_BEFORE.search(q) for q in quotes):
            stated.add(("year", int(period.value[:4]) - 1))
        missing = [part for part in _date_parts(value) if part not in stated]
        if missing:
            violations.append(Violation(rule="date-stated", node=node, files=where(node), message=(
                f"{local_name(prop)} {value.value} is not stated in its quotes (no {', no '.join(_describe(p) for p in missing)}); "
                "correct the date or the evidence, or record what a curator inferred as an ig:Inference")))
    return violations


def _date_parts(value: ox.Literal) -> list[tuple[str, int] | tuple[str, int, int]]:
    """What a date literal says: a year, a month, a day, or a day of a month; nothing for one not of its type's
    form ("20x4"^^xsd:gYear), which the shapes report."""
    kind, text = local_name(value.datatype.value), value.value
    try:
        if kind in ("date", "dateTime"):
            year, month, day = (int(p) for p in text[:10].split("-"))
            return [("year", year), ("day-month", day, month)]
        if kind == "gYearMonth":
            return [("year", int(text[:4])), ("month", int(text[5:7]))]
        if kind == "gYear":
            return [("year", int(text[:4]))]
        if kind == "gMonth":
            return [("month", int(text.strip("-")[:2]))]
        if kind == "gDay":
            return [("day", int(text.strip("-")[:2]))]
    except ValueError:
        return []
    return []


def _describe(part: tuple[str, int] | tuple[str, int, int]) -> str:
    return f"day {part[1]}/{part[2]}" if part[0] == "day-month" else f"{part[0]} {part[1]}"
