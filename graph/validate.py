"""The checks every build runs: SHACL shapes, violation queries, and evidence read against its sources."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import RDF

from graph.errors import InputError, Violation
from graph.namespaces import IG, PREFIXES
from graph.rdfio import RdfFile, check_safe, discover, graph_name, parse_dataset
from graph.settings import Settings

__all__ = ["Report", "check", "load", "counts", "CHECKS_DIR"]

SH = Namespace("http://www.w3.org/ns/shacl#")
CHECKS_DIR = Path(__file__).parent / "queries" / "checks"


@dataclass
class Report:
    """What the checks found, and what the data holds."""

    triples: int = 0
    facts: int = 0
    sources: int = 0
    quotes_checked: int = 0
    violations: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load(store: ox.Store, files: list[RdfFile]) -> None:
    """Load the files into the store: a named graph per triple file, TriG and N-Quads with their own graphs.

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
    dataset = parse_dataset(files)
    where = _files_by_subject(dataset)
    report = Report()
    report.triples, report.facts, report.sources = counts(store)
    report.violations += _shacl(dataset, settings, where)
    report.violations += _violation_queries(store, where)
    report.violations += _evidence(store, settings, report, where)
    return report


def _files_by_subject(dataset: Dataset) -> dict[str, tuple[str, ...]]:
    prefix = graph_name("")
    found: dict[str, set[str]] = defaultdict(set)
    for s, _, _, g in dataset.quads((None, None, None, None)):
        name = str(g.identifier if isinstance(g, Graph) else g)
        found[str(s)].add(name.removeprefix(prefix))
    return {node: tuple(sorted(files)) for node, files in found.items()}


def _shacl(dataset: Dataset, settings: Settings, where: dict[str, tuple[str, ...]]) -> list[Violation]:
    data = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        data.add((s, p, o))
    ontology = parse_dataset(discover((settings.ontology_dir,), exclude=(settings.shapes_file,)))
    for s, p, o, _ in ontology.quads((None, None, None, None)):
        data.add((s, p, o))  # subclass axioms and concept schemes the shapes rely on
    shapes = Graph().parse(settings.shapes_file, format="turtle")
    conforms, results, _ = shacl_validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    namespaces = _namespace_manager()
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        owner = shape if isinstance(shape, URIRef) else shapes.value(predicate=SH.property, object=shape)
        rule = _short(owner, namespaces) if owner is not None else "shape"
        if path is not None:
            rule += f" {_short(path, namespaces)}"
        violations.append(Violation(rule=rule, node=_short(focus, namespaces), message=str(message or "breaks the shape"),
                                    files=where.get(str(focus), ())))
    return sorted(violations, key=lambda v: (v.files, v.node, v.rule))


def _namespace_manager() -> Graph:
    g = Graph()
    g.bind("igs", "https://w3id.org/innograph/shapes#")
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri, override=True, replace=True)
    return g


def _short(term: object, namespaces: Graph) -> str:
    if isinstance(term, URIRef):
        return term.n3(namespaces.namespace_manager)
    return str(term)


def _violation_queries(store: ox.Store, where: dict[str, tuple[str, ...]]) -> list[Violation]:
    violations = []
    for path in sorted(CHECKS_DIR.glob("*-violation.rq")):
        rule = path.stem
        for row in store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True):
            node = row["node"]
            violations.append(Violation(rule=rule, node=node.value, message=row["detail"].value,
                                        files=where.get(node.value, ())))
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


def _evidence(store: ox.Store, settings: Settings, report: Report, where: dict[str, tuple[str, ...]]) -> list[Violation]:
    """Read every quote against its source file: text[start:end] must equal the quote exactly."""
    if not settings.seeds_dir.is_dir():
        report.notes.append(f"evidence offsets not read against sources: {settings.seeds_dir} is absent")
        return []
    texts: dict[str, str | None] = {}
    violations = []
    for row in store.query(_EVIDENCE, use_default_graph_as_union=True):
        evidence, file = row["evidence"].value, row["file"].value
        if file not in texts:
            texts[file] = _read_source(settings.seeds_dir / file, row["sha"], violations, evidence, where)
        text = texts[file]
        if text is None:
            continue
        start, end, exact = int(row["start"].value), int(row["end"].value), row["exact"].value
        report.quotes_checked += 1
        if text[start:end] != exact:
            violations.append(Violation(
                rule="evidence-quote", node=evidence, files=where.get(evidence, ()),
                message=f"{file}[{start}:{end}] is {text[start:end]!r}, not the quote {exact!r}; "
                        "recompute the offsets with `innograph ingest quote`"))
    return violations


def _read_source(path: Path, sha: ox.Literal | None, violations: list[Violation], evidence: str,
                 where: dict[str, tuple[str, ...]]) -> str | None:
    if not path.is_file():
        violations.append(Violation(rule="evidence-source", node=evidence, files=where.get(evidence, ()),
                                    message=f"source file {path} not found; its quotes cannot be read"))
        return None
    data = path.read_bytes()
    if sha is not None and hashlib.sha256(data).hexdigest() != sha.value:
        violations.append(Violation(rule="evidence-source", node=evidence, files=where.get(evidence, ()),
                                    message=f"{path.name} has changed since its ig:sha256 was recorded; re-anchor its quotes"))
        return None
    return data.decode("utf-8")
