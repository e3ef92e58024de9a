"""Candidate facts and the review drafts that hold them: one TriG file per article in the review folder.

A draft's default graph says of each candidate what kind it is, which rule proposed it, how sure it is,
its key and its review state; the triples it proposes, its evidence included, are in the named graph
that bears the candidate's IRI, so that accepting one copies exactly its own triples. Rejected and
accepted candidates stay in the draft: the extractor, run again, proposes neither again.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from graph.errors import InputError
from graph.namespaces import ID, IG, OA, PREFIXES
from graph.rdfio import replace_file

__all__ = ["Candidate", "KINDS", "STATES", "evidence", "candidate_iri", "read_draft", "write_draft", "renew"]

KINDS = ("known-actor", "new-actor", "person-post", "figure", "date", "event", "document", "relationship")
STATES = ("pending", "accepted", "rejected")


@dataclass
class Candidate:
    """A fact the extractor proposes: its kind, the node it describes and the triples that say it.

    `key` names it across runs (kind, span and value), `rule` is what proposed it, `summary` one line
    for the curator; `span` is where the article says it.
    """

    kind: str
    key: str
    rule: str
    confidence: float
    summary: str
    node: URIRef
    triples: Graph
    span: tuple[int, int]
    document: URIRef
    state: str = "pending"
    iri: URIRef = field(init=False)

    def __post_init__(self) -> None:
        self.iri = candidate_iri(self.document, self.key)


def candidate_iri(document: URIRef, key: str) -> URIRef:
    """A candidate's IRI, the same for the same key in every run: igr:candidate-<doc>-<hash of key>."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
    return ID[f"candidate-{str(document).removeprefix(str(ID)).removeprefix('doc-')}-{digest}"]


def evidence(document: URIRef, text: str, start: int, end: int) -> tuple[URIRef, Graph]:
    """The evidence node of text[start:end] in the house style, igr:ev-<doc>-<start>-<end>, and its triples."""
    doc = str(document).removeprefix(str(ID)).removeprefix("doc-")
    node = ID[f"ev-{doc}-{start}-{end}"]
    g = Graph()
    quote, position = BNode(f"{node.removeprefix(str(ID))}-quote"), BNode(f"{node.removeprefix(str(ID))}-position")
    g.add((node, RDF.type, OA.SpecificResource))
    g.add((node, OA.hasSource, document))
    g.add((node, OA.hasSelector, quote))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(text[start:end])))
    g.add((node, OA.hasSelector, position))
    g.add((position, RDF.type, OA.TextPositionSelector))
    g.add((position, OA.start, Literal(start)))
    g.add((position, OA.end, Literal(end)))
    return node, g


def write_draft(path: Path, candidates: list[Candidate]) -> None:
    """Write a draft whole: a crash at any moment leaves the old draft or the new one.

    The quads are written in a fixed order by pyoxigraph (rdflib's TriG writer took half of the time of
    proposing an article), so the same candidates give the same bytes.
    """
    quads: list[ox.Quad] = []
    for c in candidates:
        about = _ox(c.iri)
        for predicate, value in ((RDF.type, IG.Candidate), (IG.candidateKind, Literal(c.kind)),
                                 (IG.proposedBy, Literal(c.rule)),
                                 (IG.confidence, Literal(f"{c.confidence:.2f}", datatype=XSD.decimal)),
                                 (IG.reviewState, Literal(c.state)), (IG.candidateKey, Literal(c.key)),
                                 (IG.proposes, c.node), (OA.hasSource, c.document), (OA.start, Literal(c.span[0])),
                                 (OA.end, Literal(c.span[1])), (RDFS.comment, Literal(c.summary))):
            quads.append(ox.Quad(about, _ox(predicate), _ox(value), ox.DefaultGraph()))
        names = _blank_names(c)
        quads += [ox.Quad(_ox(s, names), _ox(p), _ox(o, names), about) for s, p, o in c.triples]
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES))


def _blank_names(candidate: Candidate) -> dict[BNode, str]:
    """A name for each blank node (a selector) from what it says, so that a draft read and written again keeps
    its bytes: rdflib gives blank nodes new names when it reads a file."""
    names = {}
    for node in {t for triple in candidate.triples for t in triple if isinstance(t, BNode)}:
        said = sorted(f"{p} {o}" for p, o in candidate.triples.predicate_objects(node))
        names[node] = "b" + hashlib.sha1("\n".join([str(candidate.iri), *said]).encode("utf-8")).hexdigest()[:16]
    return names


def _ox(term: Node, blank_names: dict[BNode, str] | None = None) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term of an rdflib one; a blank node by the name given to it."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode((blank_names or {}).get(term, str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"not an RDF term: {term!r}")


def read_draft(path: Path) -> list[Candidate]:
    """The candidates of a draft, in the order of their place in the article.

    Raises InputError when the draft does not parse or a candidate lacks what every candidate has.
    """
    dataset = Dataset()
    try:
        dataset.parse(path, format="trig")
    except Exception as e:  # rdflib raises several unrelated types for bad syntax
        raise InputError(f"{path}: the review draft does not parse as TriG: {e}") from e
    default = dataset.default_graph
    candidates = []
    for iri in default.subjects(RDF.type, IG.Candidate):
        values = {p: default.value(iri, p) for p in (IG.candidateKind, IG.proposedBy, IG.confidence, IG.reviewState,
                                                     IG.candidateKey, IG.proposes, OA.hasSource, OA.start, OA.end,
                                                     RDFS.comment)}
        missing = [str(p) for p, v in values.items() if v is None]
        if missing:
            raise InputError(f"{path}: candidate {iri} lacks {', '.join(missing)}")
        triples = Graph()
        for triple in dataset.graph(URIRef(iri)):
            triples.add(triple)
        candidate = Candidate(kind=str(values[IG.candidateKind]), key=str(values[IG.candidateKey]),
                              rule=str(values[IG.proposedBy]), confidence=float(values[IG.confidence].toPython()),
                              summary=str(values[RDFS.comment]), node=URIRef(values[IG.proposes]), triples=triples,
                              span=(int(values[OA.start]), int(values[OA.end])), document=URIRef(values[OA.hasSource]),
                              state=str(values[IG.reviewState]))
        if candidate.iri != iri:
            raise InputError(f"{path}: candidate {iri} does not match its key {candidate.key!r}")
        candidates.append(candidate)
    return sorted(candidates, key=lambda c: (c.span, c.kind, c.key))


def renew(previous: list[Candidate], fresh: list[Candidate]) -> list[Candidate]:
    """A draft after the extractor ran again: every decision kept, and only what is new proposed.

    A candidate already accepted or rejected keeps its state and its triples (a curator's correction
    included), and nothing about the node it decided is proposed again; a pending one is replaced by what
    the extractor proposes now.
    """
    decided = {c.key: c for c in previous if c.state != "pending"}
    # an actor (or person) accepted as new is not then proposed as a known one
    nodes = {s for c in decided.values() for s in c.triples.subjects(RDF.type, None)
             if (s, RDF.type, OA.SpecificResource) not in c.triples} | {c.node for c in decided.values()}
    kept = list(decided.values())
    kept += [c for c in fresh if c.key not in decided and c.node not in nodes]
    return sorted(kept, key=lambda c: (c.span, c.kind, c.key))
