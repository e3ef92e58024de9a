"""The curator's review: deciding on an article's candidate facts, and writing the accepted ones to graph/data.

An article under review is named by one stem, `<NNN>_<slug>`, and held in three places: its draft
(`review_dir/<stem>.trig`: what the extractor proposes, one named graph per candidate, and what the curator
decided), its data file (`data_dir/<stem>.ttl`: the curated facts, with the document node `igr:doc-<NNN>`)
and its text (in the sources or seeds folder, named by the document's dcterms:identifier).

What is written where, and in which order:

1. every decision (accept, reject, correct, link, merge) is saved to the draft at once, whole
   (`graph.candidates.write_draft`: a temporary file beside it, then a rename); the data file is not touched;
2. `write_accepted` writes the accepted candidates that the data file does not hold yet, with who accepted
   them and when (PROV-O), into the data file: the whole graph is first validated with the new file in a
   temporary copy of the data folder, and the file is replaced only if that shows no violation (a temporary
   file in the same folder, fsync, os.replace). The draft is not touched.

A kill at any moment leaves the draft and the data file each whole, old or new. Whether an accepted
candidate is written is read from the data file itself (its main node's triples are all there), so writing
again writes nothing twice, and a decision that would change a candidate already written is refused.
"""

import difflib
import getpass
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from graph.candidates import Candidate, read_draft, write_draft
from graph.errors import InnographError, InputError, Violation
from graph.namespaces import ID, IG, OA, ORG, PREFIXES, PROV, QB, SCHEMA, SDMX_DIMENSION, SDMX_MEASURE, local_name
from graph.rdfio import folder_lock, replace_file
from graph.settings import Settings
from graph.text import fold, slug
from graph.validate import Report

__all__ = [
    "ReviewError", "WriteRefused", "Article", "ReviewStatus", "WriteResult", "KnownActor", "Suggestion",
    "ArticleContext", "ACTIONS",
    "drafts", "find_article", "read_candidates", "find_candidate",
    "accept", "reject", "correct", "link", "merge", "decide",
    "write_accepted", "status", "is_written", "read_data", "serialise", "default_curator",
    "article_context", "known_actors", "suggest", "search_actors", "resolve_actor",
    "named_by", "node_labels", "node_descriptions", "node_class", "node_value", "node_date", "concept_of", "evidence_quote", "curie",
    "review_in_terminal",
]

ACTIONS = ("accept", "reject", "correct", "link", "merge")
_NUMBERED = re.compile(r"^(\d{3,})_")  # 000_…, and past 999: 1000_…
_LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, FOAF.name)
_OWN_DESCRIPTION = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, FOAF.name, IG.category}
_DATE_PROPERTIES = (SCHEMA.startDate, DCTERMS.date, SDMX_DIMENSION.refPeriod)


class ReviewError(InnographError):
    """A review cannot do what was asked: no such article or candidate, a decision that does not apply, a
    value that cannot be read, or a candidate already written to graph/data; the message says what to do."""


class WriteRefused(ReviewError):
    """The accepted facts were not written: the graph with them would break these rules; the data file is unchanged."""

    def __init__(self, path: Path, violations: list[Violation]) -> None:
        self.path = path
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations[:50])
        more = f"\n  … and {len(violations) - 50} more" if len(violations) > 50 else ""
        super().__init__(f"{path.name} not written, it is unchanged: with the accepted facts the graph breaks "
                         f"{len(violations)} rule(s):\n{lines}{more}\ncorrect or reject the candidates named, "
                         "then write again")


# ---------------------------------------------------------------------------------------------
# Articles and their drafts
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Article:
    """An article under review: its stem, its draft, its data file and its document's IRI."""

    name: str  # the stem: 005_khu_cong_nghe_cao
    draft: Path  # review_dir/<stem>.trig
    data_file: Path  # data_dir/<stem>.ttl
    document: URIRef  # igr:doc-<NNN>

    @property
    def number(self) -> str:
        """The article's number, NNN, as its document IRI and evidence IRIs write it."""
        return str(self.document).removeprefix(str(ID)).removeprefix("doc-")


@dataclass(frozen=True)
class ReviewStatus:
    """How far the review of an article is: candidates by state, and accepted ones written or not yet."""

    pending: int
    accepted: int
    rejected: int
    unwritten: int  # accepted, not in the data file yet
    written: int  # accepted and in the data file

    @property
    def total(self) -> int:
        return self.pending + self.accepted + self.rejected


@dataclass(frozen=True)
class WriteResult:
    """What `write_accepted` did: which candidates it wrote, under which activity, and how many were there already."""

    path: Path
    written: tuple[str, ...]  # the keys of the candidates written now, in article order
    already: int  # accepted candidates the data file held before
    activity: URIRef | None  # None when there was nothing to write (the file is untouched)
    curator: URIRef | None
    triples_added: int
    notes: tuple[str, ...] = ()  # what the checks could not do (a source text not found, say)

    def __str__(self) -> str:
        if self.activity is None:
            if not self.already:
                return f"nothing to write: no candidate is accepted yet for {self.path.name}"
            return f"nothing new to write: the {self.already} accepted fact(s) are already in {self.path.name}"
        return (f"wrote {len(self.written)} accepted fact(s), {self.triples_added} triples, to {self.path.name} "
                f"as {curie(self.activity)} by {curie(self.curator or '')}"
                + (f" ({self.already} were there already)" if self.already else ""))


def _article(settings: Settings, draft: Path) -> Article:
    stem = draft.stem
    numbered = _NUMBERED.match(stem)
    if numbered:
        document = ID[f"doc-{numbered.group(1)}"]
    else:  # a stem without a number: the document its candidates quote
        sources = {c.document for c in read_draft(draft)}
        if len(sources) != 1:
            raise ReviewError(f"{draft}: the name has no article number (NNN_) and its candidates quote "
                              f"{len(sources)} documents; name the draft as its data file is named")
        document = URIRef(sources.pop())
    return Article(name=stem, draft=draft, data_file=settings.data_dir / f"{stem}.ttl", document=document)


def drafts(settings: Settings) -> list[Article]:
    """Every article with a draft in the review folder, in name order (none when the folder is absent).

    Raises ReviewError for a draft without an article number whose document cannot be told.
    """
    folder = settings.review_dir
    if not folder.is_dir():
        return []
    return [_article(settings, p) for p in sorted(folder.glob("*.trig")) if not p.name.startswith(".") and p.is_file()]


def find_article(settings: Settings, name: str) -> Article:
    """The article named by its stem (005_khu_cong_nghe_cao), a file name (….trig, ….ttl), its document
    (igr:doc-005, doc-005, the IRI) or its number (005, 5).

    Raises ReviewError listing the drafts when none or several match.
    """
    known = drafts(settings)
    wanted = name.strip().removeprefix(str(ID)).removeprefix("igr:")
    wanted = Path(wanted).name if wanted else wanted
    for suffix in (".trig", ".ttl", ".txt"):
        wanted = wanted.removesuffix(suffix)
    wanted = wanted.removeprefix("doc-")
    if wanted.isdigit():
        matches = [a for a in known if a.number == wanted.zfill(3) or a.name.startswith(f"{wanted.zfill(3)}_")]
    else:
        matches = [a for a in known if wanted in (a.name, a.name.split("_", 1)[-1])]
    if len(matches) == 1:
        return matches[0]
    listing = ", ".join(a.name for a in known) or f"none (no *.trig in {settings.review_dir})"
    if matches:
        raise ReviewError(f"{name!r} names {len(matches)} drafts ({', '.join(a.name for a in matches)}); give the whole name")
    raise ReviewError(f"no review draft for {name!r} in {settings.review_dir}; the drafts are: {listing}. "
                      "An article gets a draft when the extractor has read it")


def read_candidates(article: Article) -> list[Candidate]:
    """The candidates of the article's draft, in article order.

    Raises ReviewError when the draft is missing, InputError when it does not parse.
    """
    if not article.draft.is_file():
        raise ReviewError(f"{article.draft}: no such draft; run the extractor on {article.name} first")
    return read_draft(article.draft)


def find_candidate(candidates: list[Candidate], key: str | int) -> Candidate:
    """The candidate named by its key, its IRI (or the IRI's last segment), or its number in article order (from 1).

    Raises ReviewError when none matches.
    """
    if isinstance(key, int) or (isinstance(key, str) and key.strip().isdigit()):
        number = int(key)
        if 1 <= number <= len(candidates):
            return candidates[number - 1]
        raise ReviewError(f"no candidate #{number}: the draft has {len(candidates)}")
    wanted = key.strip()
    for c in candidates:
        if wanted in (c.key, str(c.iri), local_name(str(c.iri)), curie(c.iri)):
            return c
    raise ReviewError(f"no candidate {key!r} in the draft")


# ---------------------------------------------------------------------------------------------
# Reading a candidate's proposal
# ---------------------------------------------------------------------------------------------

def curie(iri: str | Node) -> str:
    """An IRI in the project's prefixed form (igr:shtp), or in angle brackets when no prefix fits."""
    text = str(iri)
    best = max((p for p in PREFIXES.items() if text.startswith(p[1])), key=lambda p: len(p[1]), default=None)
    if best is not None and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", text[len(best[1]):] or "-"):
        return f"{best[0]}:{text[len(best[1]):]}"
    return f"<{text}>"


def node_labels(c: Candidate) -> dict[str, str]:
    """The proposed node's rdfs:label by language ("vi", "en", "" for none)."""
    return _by_language(c, RDFS.label)


def _by_language(c: Candidate, prop: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for o in sorted(c.triples.objects(c.node, prop)):
        if isinstance(o, Literal):
            found.setdefault(o.language or "", str(o))
    return found


def node_class(c: Candidate) -> str | None:
    """The proposed node's rdf:type as a CURIE, when the candidate states one."""
    types = sorted(c.triples.objects(c.node, RDF.type))
    return curie(types[0]) if types else None


def node_value(c: Candidate) -> str | None:
    """The proposed observation's sdmx-measure:obsValue as written, when it has one."""
    value = c.triples.value(c.node, SDMX_MEASURE.obsValue)
    return str(value) if value is not None else None


def node_date(c: Candidate) -> str | None:
    """The proposed node's date (schema:startDate, dcterms:date or refPeriod) as written, when it has one."""
    for p in _DATE_PROPERTIES:
        value = c.triples.value(c.node, p)
        if value is not None:
            return str(value)
    return None


def node_descriptions(c: Candidate) -> dict[str, str]:
    """The proposed node's schema:description by language."""
    return _by_language(c, SCHEMA.description)


def evidence_quote(c: Candidate) -> str | None:
    """The exact quote of the candidate's evidence, as its named graph holds it."""
    for ev in c.triples.objects(c.node, PROV.wasDerivedFrom):
        for selector in c.triples.objects(ev, OA.hasSelector):
            exact = c.triples.value(selector, OA.exact)
            if exact is not None:
                return str(exact)
    return None


# ---------------------------------------------------------------------------------------------
# Decisions: each returns a new list of candidates and leaves the one given as it was
# ---------------------------------------------------------------------------------------------

def _copy(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def _renamed(graph: Graph, old: URIRef, new: URIRef) -> Graph:
    out = Graph()
    for s, p, o in graph:
        out.add((new if s == old else s, p, new if o == old else o))
    return out


def _swap(candidates: list[Candidate], changed: dict[URIRef, Candidate]) -> list[Candidate]:
    return [changed.get(c.iri, c) for c in candidates]


def accept(candidates: list[Candidate], key: str | int) -> list[Candidate]:
    """The draft with this candidate accepted: its named graph will be written to graph/data as it is.

    Raises ReviewError when no candidate has that key.
    """
    target = find_candidate(candidates, key)
    return _swap(candidates, {target.iri: replace(target, triples=_copy(target.triples), state="accepted")})


def reject(candidates: list[Candidate], key: str | int) -> list[Candidate]:
    """The draft with this candidate rejected: it is never written, and the extractor does not propose it again.

    Raises ReviewError when no candidate has that key.
    """
    target = find_candidate(candidates, key)
    return _swap(candidates, {target.iri: replace(target, triples=_copy(target.triples), state="rejected")})


def correct(candidates: list[Candidate], key: str | int, *, label_vi: str | None = None, label_en: str | None = None,
            cls: str | None = None, value: Decimal | str | None = None, date: str | None = None,
            description_vi: str | None = None, description_en: str | None = None,
            indicator: str | None = None, role: str | None = None) -> list[Candidate]:
    """The draft with this candidate corrected in its named graph, then accepted.

    `label_vi`, `label_en`: the proposed node's rdfs:label in Vietnamese, English (a diacritic-free
    skos:hiddenLabel of the old Vietnamese label follows it); `cls`: its rdf:type (a CURIE such as
    org:FormalOrganization, or an IRI); `value`: an observation's sdmx-measure:obsValue, a decimal in base
    units (20050000000; a Vietnamese figure such as "20,05 tỷ USD" is read too); `date`: YYYY-MM-DD
    (xsd:date) or YYYY (xsd:gYear), in the node's schema:startDate, dcterms:date or sdmx-dimension:refPeriod,
    whichever it has (else the one its class takes); `description_vi`, `description_en`: its
    schema:description, which a relationship needs in both languages; `indicator`: an observation's
    ig:indicator, a concept of the indicator scheme (indicator:slug or its IRI); `role`: a membership's
    org:role, a concept of the role scheme (role:slug or its IRI).

    Raises ReviewError when nothing is given, a value cannot be read, or a value is given for a node that
    is not an observation.
    """
    if all(v is None or (isinstance(v, str) and not v.strip())
           for v in (label_vi, label_en, cls, value, date, description_vi, description_en, indicator, role)):
        raise ReviewError("nothing to correct: give a Vietnamese or English label, a class, a value, a date, "
                          "a description, an indicator or a role")
    target = find_candidate(candidates, key)
    g, node = _copy(target.triples), target.node
    for text, lang in ((label_vi, "vi"), (label_en, "en")):
        if text is not None and text.strip():
            _set_label(g, node, text.strip(), lang)
    for text, lang in ((description_vi, "vi"), (description_en, "en")):
        if text is not None and text.strip():
            for old in [o for o in g.objects(node, SCHEMA.description) if isinstance(o, Literal) and o.language == lang]:
                g.remove((node, SCHEMA.description, old))
            g.add((node, SCHEMA.description, Literal(text.strip(), lang=lang)))
    if cls is not None and cls.strip():
        g.remove((node, RDF.type, None))
        g.add((node, RDF.type, _class_iri(cls.strip())))
    if value is not None and (not isinstance(value, str) or value.strip()):
        if (node, RDF.type, QB.Observation) not in g:
            raise ReviewError(f"{curie(node)} is not an observation (qb:Observation): it has no value to correct")
        g.set((node, SDMX_MEASURE.obsValue, _decimal(value)))
    for concept, prop, scheme, kind in ((indicator, IG.indicator, "indicator", QB.Observation),
                                        (role, ORG.role, "role", ORG.Membership)):
        if concept is not None and concept.strip():
            if (node, RDF.type, kind) not in g:
                raise ReviewError(f"{curie(node)} is not a {curie(kind)}: it has no {scheme} to correct")
            g.set((node, prop, _concept_iri(concept.strip(), scheme)))
    if date is not None and date.strip():
        prop = _date_property(g, node)
        g.remove((node, prop, None))
        g.add((node, prop, _date(date.strip())))
    return _swap(candidates, {target.iri: replace(target, triples=g, state="accepted")})


def link(candidates: list[Candidate], key: str | int, existing_iri: str | URIRef) -> list[Candidate]:
    """The draft with a proposed new actor linked to an actor the graph already has, and accepted.

    The proposed IRI is replaced by the existing one in this candidate and in every other candidate of the
    draft; the proposed actor's own type, labels and category are dropped, and its evidence is kept as
    `existing prov:wasDerivedFrom ev`. The candidate becomes a known-actor mention.

    Raises ReviewError when the candidate is not a new actor, or is linked to itself.
    """
    target = find_candidate(candidates, key)
    existing = URIRef(str(existing_iri))
    if target.kind != "new-actor":
        raise ReviewError(f"candidate {target.key!r} is a {target.kind}, not a new actor: only a new actor can be linked")
    old = target.node
    if old == existing:
        raise ReviewError(f"{curie(old)} is the candidate's own IRI; link it to an actor the graph already has")
    kept = Graph()
    for s, p, o in target.triples:
        if s == old and p in _OWN_DESCRIPTION:
            continue
        kept.add((existing if s == old else s, p, existing if o == old else o))
    changed = {target.iri: replace(target, kind="known-actor", node=existing, triples=kept, state="accepted",
                                   summary=f"{target.summary} — linked to {curie(existing)}")}
    for c in candidates:
        if c.iri != target.iri and (c.node == old or (old, None, None) in c.triples or (None, None, old) in c.triples):
            changed[c.iri] = replace(c, node=existing if c.node == old else c.node, triples=_renamed(c.triples, old, existing))
    return _swap(candidates, changed)


def merge(candidates: list[Candidate], key_a: str | int, key_b: str | int) -> list[Candidate]:
    """The draft with two proposed new actors made one: a's IRI is kept, b's labels become a's skos:altLabel
    (its hidden labels a's skos:hiddenLabel), b's other statements and its evidence move to a, b's IRI is
    replaced by a's in every other candidate, and b is rejected with a comment saying it was merged into a.

    Raises ReviewError when either is not a new actor, or both are the same candidate.
    """
    a, b = find_candidate(candidates, key_a), find_candidate(candidates, key_b)
    if a.iri == b.iri:
        raise ReviewError("a candidate cannot be merged with itself; give the other one's number")
    for c in (a, b):
        if c.kind != "new-actor":
            raise ReviewError(f"candidate {c.key!r} is a {c.kind}, not a new actor: only new actors are merged")
    g = _copy(a.triples)
    a_labels = {o for p in _LABELS for o in g.objects(a.node, p)}
    fresh: dict[BNode, BNode] = {}

    def moved(term: Node) -> Node:
        if term == b.node:
            return a.node
        if isinstance(term, BNode):
            return fresh.setdefault(term, BNode())
        return term

    for s, p, o in b.triples:
        if s == b.node and p in (RDF.type, IG.category):
            continue  # a's class and category stand
        if s == b.node and p in _LABELS:
            if o not in a_labels:
                g.add((a.node, SKOS.altLabel, o))
            continue
        g.add((moved(s), p, moved(o)))
    changed = {a.iri: replace(a, triples=g),
               b.iri: replace(b, triples=_copy(b.triples), state="rejected",
                              summary=f"{b.summary} — merged into {curie(a.node)} (candidate {a.key})")}
    for c in candidates:
        if c.iri not in (a.iri, b.iri) and (c.node == b.node or (b.node, None, None) in c.triples
                                            or (None, None, b.node) in c.triples):
            changed[c.iri] = replace(c, node=a.node if c.node == b.node else c.node,
                                     triples=_renamed(c.triples, b.node, a.node))
    return _swap(candidates, changed)


def _set_label(g: Graph, node: URIRef, text: str, lang: str) -> None:
    old = [o for o in g.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == lang]
    for o in old:
        g.remove((node, RDFS.label, o))
    g.add((node, RDFS.label, Literal(text, lang=lang)))
    if lang == "vi":
        stale = {fold(str(o)) for o in old}
        hidden = [h for h in g.objects(node, SKOS.hiddenLabel) if str(h) in stale]
        for h in hidden:
            g.remove((node, SKOS.hiddenLabel, h))
        if hidden and fold(text) != text:
            g.add((node, SKOS.hiddenLabel, Literal(fold(text))))


def _concept_iri(text: str, scheme: str) -> URIRef:
    """A concept of a scheme named as scheme:slug, by its slug, or by its IRI."""
    base = f"{PREFIXES[scheme]}"
    if text.startswith(("http://", "https://")):
        return URIRef(text)
    return URIRef(base + text.removeprefix(f"{scheme}:"))


def _class_iri(text: str) -> URIRef:
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if re.match(r"^https?://", text):
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and re.fullmatch(r"[A-Za-z_][\w.\-]*", local):
        return URIRef(PREFIXES[prefix] + local)
    raise ReviewError(f"{text!r} is not a class: write it as prefix:Name with one of the project's prefixes "
                      "(org:FormalOrganization, ig:Zone, foaf:Person, schema:Event) or as an IRI")


def _decimal(value: Decimal | str) -> Literal:
    number: Decimal | None = None
    if isinstance(value, Decimal):
        number = value
    else:
        text = re.sub(r"[\s_\u00a0]", "", str(value))
        try:
            number = Decimal(text)
        except InvalidOperation:
            from graph.figures import read_figures

            figures = read_figures(str(value))
            if len(figures) == 1:
                number = figures[0].value
    if number is None or not number.is_finite():
        raise ReviewError(f"{value!r} is not a value: give a decimal in base units (20050000000 for 20,05 tỷ USD)")
    lexical = f"{number.normalize():f}"  # 20050000000.00 from "20,05 tỷ" is written 20050000000.0, as graph/data writes it
    if "." not in lexical:
        lexical += ".0"
    return Literal(lexical, datatype=XSD.decimal)


def _date(text: str) -> Literal:
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    try:
        return Literal(date.fromisoformat(text).isoformat(), datatype=XSD.date)
    except ValueError as e:
        raise ReviewError(f"{text!r} is not a date: write YYYY-MM-DD, or YYYY for a year") from e


def _date_property(g: Graph, node: URIRef) -> URIRef:
    for p in _DATE_PROPERTIES:
        if (node, p, None) in g:
            return p
    if (node, RDF.type, SCHEMA.Event) in g:
        return SCHEMA.startDate
    if (node, RDF.type, QB.Observation) in g:
        return SDMX_DIMENSION.refPeriod
    return DCTERMS.date


_DECISIONS: dict[str, Callable[..., list[Candidate]]] = {"accept": accept, "reject": reject, "correct": correct}


def decide(article: Article, action: str, key: str | int, *, label_vi: str | None = None, label_en: str | None = None,
           cls: str | None = None, value: Decimal | str | None = None, date: str | None = None,
           description_vi: str | None = None, description_en: str | None = None,
           indicator: str | None = None, role: str | None = None,
           existing: str | None = None, other: str | int | None = None) -> list[Candidate]:
    """Make one decision on the article's draft and save the draft at once; the candidates as saved.

    `action` is accept, reject, correct (with the fields of `correct`), link (with `existing`, the actor's
    IRI) or merge (with `other`, the candidate merged into this one). The draft is read afresh, so two
    review sessions on one article do not undo each other's decisions.

    Raises ReviewError for an unknown action, a decision that does not apply, or one that would change a
    candidate already written to the data file (change that in the data file instead); InputError when
    the draft or the data file does not parse.
    """
    if action not in ACTIONS:
        raise ReviewError(f"{action!r} is not a decision: {', '.join(ACTIONS)}")
    with folder_lock(article.draft.parent):
        before = read_candidates(article)
        if action == "correct":
            after = correct(before, key, label_vi=label_vi, label_en=label_en, cls=cls, value=value, date=date,
                            description_vi=description_vi, description_en=description_en,
                            indicator=indicator, role=role)
        elif action == "link":
            if not existing:
                raise ReviewError("link to which actor? give its IRI")
            after = link(before, key, existing)
        elif action == "merge":
            if other is None or str(other).strip() == "":
                raise ReviewError("merge with which candidate? give its number")
            after = merge(before, key, other)
        else:
            after = _DECISIONS[action](before, key)
        changed = [old for old, new in zip(before, after) if not _same(old, new)]
        if changed:
            data = read_data(article.data_file)
            for c in changed:
                if c.state == "accepted" and is_written(c, data):
                    raise ReviewError(f"candidate {c.key!r} ({curie(c.node)}) is already written to {article.data_file.name}: "
                                      "the draft no longer decides it; change or remove it in the data file")
            write_draft(article.draft, after)
        return after


def _same(a: Candidate, b: Candidate) -> bool:
    return ((a.state, a.kind, a.node, a.summary) == (b.state, b.kind, b.node, b.summary)
            and len(a.triples) == len(b.triples) and isomorphic(a.triples, b.triples))


# ---------------------------------------------------------------------------------------------
# Which accepted candidates the data file holds
# ---------------------------------------------------------------------------------------------

def _signature(graph: Graph, node: BNode, memo: dict[BNode, str], seen: frozenset[BNode] = frozenset()) -> str:
    """What a blank node says, nested blank nodes included, as one string: equal for equal descriptions."""
    if node in memo:
        return memo[node]
    parts = []
    for p, o in graph.predicate_objects(node):
        if isinstance(o, BNode):
            inner = "[…]" if o in seen or o == node else _signature(graph, o, memo, seen | {node})
        else:
            inner = o.n3()
        parts.append(f"{p.n3()} {inner}")
    memo[node] = "[" + " ; ".join(sorted(parts)) + "]"
    return memo[node]


class _Holder:
    """A graph, asked whether it holds a triple of another graph, blank nodes compared by what they say."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._memo: dict[BNode, str] = {}

    def match(self, s: Node, p: Node, o: Node, source: Graph, memo: dict[BNode, str]) -> BNode | bool:
        if not isinstance(o, BNode):
            return (s, p, o) in self.graph
        wanted = _signature(source, o, memo)
        for candidate in self.graph.objects(s, p):
            if isinstance(candidate, BNode) and _signature(self.graph, candidate, self._memo) == wanted:
                return candidate
        return False


def is_written(candidate: Candidate, data: Graph) -> bool:
    """Whether the data holds the candidate: every triple of its main node is there (blank nodes by content)."""
    holder, memo = _Holder(data), {}
    own = list(candidate.triples.triples((candidate.node, None, None)))
    if not own:
        return False
    return all(holder.match(s, p, o, candidate.triples, memo) is not False for s, p, o in own)


def _merge_into(target: Graph, source: Graph) -> int:
    """Add `source` to `target`, a blank node that says what one of `target` says under the same subject and
    predicate counted as that one (two candidates citing one sentence give its evidence one pair of selectors)."""
    holder, memo = _Holder(target), {}
    skip: set[BNode] = set()
    for s, p, o in source:
        if not isinstance(s, BNode) and isinstance(o, BNode) and holder.match(s, p, o, source, memo) is not False:
            skip |= _closure(source, o)
    fresh: dict[BNode, BNode] = {}

    def mapped(term: Node) -> Node:
        return fresh.setdefault(term, BNode()) if isinstance(term, BNode) else term

    before = len(target)
    for s, p, o in source:
        if s in skip or o in skip:
            continue
        target.add((mapped(s), p, mapped(o)))
    return len(target) - before


def _closure(graph: Graph, node: BNode) -> set[BNode]:
    found, todo = set(), [node]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo += [o for o in graph.objects(current, None) if isinstance(o, BNode)]
    return found


def read_data(path: Path) -> Graph:
    """The triples of a data file; none when it does not exist.

    Raises InputError when it does not parse.
    """
    graph = Graph()
    if path.is_file():
        try:
            graph.parse(path, format="turtle")
        except Exception as e:  # rdflib raises several unrelated types for bad syntax
            raise InputError(f"{path}: the data file does not parse as Turtle: {e}") from e
    return graph


def status(settings: Settings, article: Article) -> ReviewStatus:
    """How far the article's review is: candidates pending, accepted, rejected, and accepted ones not yet written.

    Raises ReviewError when the draft is missing, InputError when the draft or the data file does not parse.
    """
    candidates = read_candidates(article)
    data = read_data(article.data_file)
    accepted = [c for c in candidates if c.state == "accepted"]
    written = sum(1 for c in accepted if is_written(c, data))
    return ReviewStatus(pending=sum(1 for c in candidates if c.state == "pending"), accepted=len(accepted),
                        rejected=sum(1 for c in candidates if c.state == "rejected"),
                        unwritten=len(accepted) - written, written=written)


# ---------------------------------------------------------------------------------------------
# Writing accepted facts
# ---------------------------------------------------------------------------------------------

def default_curator(settings: Settings) -> str:
    """Who is reviewing: settings' curator (INNOGRAPH_CURATOR), else `git config user.name`, else $USER.

    Raises ReviewError when none of these names anyone.
    """
    if settings.curator.strip():
        return settings.curator.strip()
    try:
        found = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5,
                               cwd=settings.data_dir if settings.data_dir.is_dir() else None)
        if found.returncode == 0 and found.stdout.strip():
            return found.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    user = os.environ.get("USER") or os.environ.get("LOGNAME")
    if not user:
        try:
            user = getpass.getuser()
        except (OSError, KeyError):
            user = None
    if not user:
        raise ReviewError("who is the curator? give --curator NAME or set INNOGRAPH_CURATOR")
    return user


def write_accepted(settings: Settings, article: Article, *, curator: str, now: datetime) -> WriteResult:
    """Write every accepted candidate the data file does not hold yet into data_dir/<stem>.ttl.

    The file's triples become its own, each such candidate's named graph, and who accepted them when:
    one prov:Activity `igr:review-<NNN>-<UTC yyyymmddThhmmss>` (prov:wasAssociatedWith the curator,
    prov:endedAtTime `now`, prov:used the document), the curator `igr:curator-<slug>` a prov:Agent with
    foaf:name, and prov:wasGeneratedBy the activity on each new node a candidate proposes (not on a node
    the data already types, such as an actor it mentions: that mention is its evidence link). It is serialised as the project's Turtle,
    its leading comment block kept. Before it replaces the file, the whole graph is validated with the new
    file in a temporary copy of the data folder (SHACL, violation queries, quotes read against their
    sources, figures and dates against their quotes); the file is replaced atomically, and only when that
    finds nothing. The draft is not changed. With nothing new to write, nothing is touched.

    Raises WriteRefused (a ReviewError) listing each violation's file, node, rule and message, the data
    file unchanged; ReviewError for no curator, a missing draft or a data file changed meanwhile;
    InputError for a file that does not parse.
    """
    name = " ".join(curator.split())
    if not name:
        raise ReviewError("who is the curator? give --curator NAME or set INNOGRAPH_CURATOR")
    if not settings.data_dir.is_dir():
        raise ReviewError(f"{settings.data_dir}: no such folder; set data_dir (INNOGRAPH_DATA_DIR)")
    with folder_lock(settings.data_dir):
        candidates = read_candidates(article)
        original = article.data_file.read_bytes() if article.data_file.is_file() else None
        current = read_data(article.data_file)
        accepted = [c for c in candidates if c.state == "accepted"]
        todo = [c for c in accepted if not is_written(c, current)]
        if not todo:
            return WriteResult(path=article.data_file, written=(), already=len(accepted), activity=None,
                               curator=None, triples_added=0)
        graph = _copy(current)
        for c in todo:
            _merge_into(graph, c.triples)
        ended = (now if now.tzinfo else now.astimezone()).astimezone(timezone.utc).replace(microsecond=0)
        activity = ID[f"review-{article.number}-{ended:%Y%m%dT%H%M%S}"]
        serial = 1
        while (activity, None, None) in current:
            serial += 1
            activity = ID[f"review-{article.number}-{ended:%Y%m%dT%H%M%S}-{serial}"]
        agent = ID[f"curator-{slug(name, limit=200) or hashlib.sha1(name.encode('utf-8')).hexdigest()[:10]}"]
        graph.add((activity, RDF.type, PROV.Activity))
        graph.add((activity, PROV.wasAssociatedWith, agent))
        graph.add((activity, PROV.endedAtTime, Literal(f"{ended:%Y-%m-%dT%H:%M:%SZ}", datatype=XSD.dateTime)))
        graph.add((activity, PROV.used, article.document))
        graph.add((agent, RDF.type, PROV.Agent))
        if (agent, FOAF.name, None) not in graph:
            graph.add((agent, FOAF.name, Literal(name)))
        known = _typed_nodes(settings)
        for c in todo:  # a node the candidate creates, not one the graph had (an actor it mentions, a fact it cites)
            if (c.node, RDF.type, None) in c.triples and str(c.node) not in known:
                graph.add((c.node, PROV.wasGeneratedBy, activity))
        data = (_header(original, article) + serialise(graph)).encode("utf-8")
        report = _validate_with(settings, article.data_file, data)
        if report.violations:
            raise WriteRefused(article.data_file, list(report.violations))
        now_there = article.data_file.read_bytes() if article.data_file.is_file() else None
        if now_there != original:
            raise ReviewError(f"{article.data_file} changed while the accepted facts were checked; nothing was "
                              "written: write again")
        replace_file(article.data_file, data)
    return WriteResult(path=article.data_file, written=tuple(c.key for c in todo), already=len(accepted) - len(todo),
                       activity=activity, curator=agent, triples_added=len(graph) - len(current),
                       notes=tuple(report.notes))


def _typed_nodes(settings: Settings) -> set[str]:
    """The IRIs the data folder gives an rdf:type, read as it is now."""
    from graph.rdfio import check_safe, discover

    typed: set[str] = set()
    try:
        files = discover((settings.data_dir,))
    except InputError:  # no RDF file in the folder yet
        return typed
    for file in files:
        data = file.path.read_bytes()
        check_safe(file, data)
        try:
            for t in ox.parse(data, format=file.oxigraph_format):
                if t.predicate.value == str(RDF.type) and isinstance(t.subject, ox.NamedNode):
                    typed.add(t.subject.value)
        except SyntaxError as e:
            raise InputError(f"{file.label}: does not parse as {file.oxigraph_format}: {e}") from e
    return typed


def _header(original: bytes | None, article: Article) -> str:
    """The data file's leading comment block as it was (blank lines after it included)."""
    if original is None:
        return (f"# Facts of igr:doc-{article.number} accepted in review (`innograph review {article.name}`).\n"
                "# Every fact links to its evidence (prov:wasDerivedFrom); each review that wrote facts is a\n"
                "# prov:Activity naming its curator and time.\n\n")
    lines = original.decode("utf-8").splitlines(keepends=True)
    kept = []
    for line in lines:
        if line.lstrip().startswith("#") or not line.strip():
            kept.append(line)
        else:
            break
    header = "".join(kept)
    if header.strip() and not header.endswith("\n\n"):
        header = header.rstrip("\n") + "\n\n"
    return header if header.strip() else ""


def serialise(graph: Graph) -> str:
    """A graph as the project writes Turtle: its prefixes, rdflib's order, blank nodes in a fixed order
    (so that writing the same triples again gives the same bytes)."""
    memo: dict[BNode, str] = {}
    blanks = {t for triple in graph for t in (triple[0], triple[2]) if isinstance(t, BNode)}
    names: dict[BNode, BNode] = {}
    used: set[str] = set()
    for b in sorted(blanks, key=lambda b: _signature(graph, b, memo)):
        parents = sorted(f"{s.n3()} {p.n3()}" for s, p in graph.subject_predicates(b))
        types = "".join(sorted(local_name(str(t)) for t in graph.objects(b, RDF.type)))
        base = types + "x" + hashlib.sha1((" | ".join(parents) + _signature(graph, b, memo)).encode()).hexdigest()[:16]
        label, n = base, 1
        while label in used:
            n += 1
            label = f"{base}{n}"
        used.add(label)
        names[b] = BNode(label)
    out = Graph()
    for prefix, iri in PREFIXES.items():
        out.bind(prefix, iri, override=True, replace=True)
    for s, p, o in graph:
        out.add((names.get(s, s), p, names.get(o, o)))  # type: ignore[arg-type]
    return out.serialize(format="turtle")


def _validate_with(settings: Settings, data_file: Path, data: bytes) -> Report:
    """The checks of the whole graph with `data` as the data file, run in a copy of the data folder."""
    from graph.build import validate

    with tempfile.TemporaryDirectory(prefix="innograph-review-") as folder:
        copy = Path(folder) / settings.data_dir.name  # the same name: messages name the files as a build does
        shutil.copytree(settings.data_dir, copy, ignore=shutil.ignore_patterns(".*"))
        target = copy / data_file.relative_to(settings.data_dir)
        target.write_bytes(data)
        return validate(settings.model_copy(update={"data_dir": copy}))


# ---------------------------------------------------------------------------------------------
# What the graph already knows: the article's title and text, the actors to link to
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KnownActor:
    """An actor of the graph: its IRI, its Vietnamese and English labels, and every name it goes by."""

    iri: str
    label_vi: str | None
    label_en: str | None
    names: tuple[str, ...]

    @property
    def label(self) -> str:
        """Both labels, Vietnamese first, as a curator reads them in a list."""
        shown = [x for x in (self.label_vi, self.label_en) if x]
        return " / ".join(dict.fromkeys(shown)) or curie(self.iri)


@dataclass(frozen=True)
class Suggestion:
    """An existing actor a proposed one may be, and how alike their names are (0 to 1)."""

    actor: KnownActor
    score: float


@dataclass(frozen=True)
class ArticleContext:
    """What a review shows beside the candidates: the article's title and text and the graph's actors."""

    article: Article
    title: str | None
    identifier: str | None  # the text's file name, dcterms:identifier
    source: Path | None  # where the text is, None when it is not found
    text: str | None
    actors: tuple[KnownActor, ...]


_DOCUMENT = """
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?doc ?title ?identifier WHERE {
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc dcterms:identifier ?identifier }
}
"""

_ACTORS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX ig: <https://w3id.org/innograph/ontology#>
SELECT ?actor ?property ?name WHERE {
  { SELECT DISTINCT ?actor WHERE { { ?class rdfs:subClassOf* ig:Actor . ?actor a ?class } UNION { ?actor a foaf:Person } } }
  VALUES ?property { rdfs:label skos:prefLabel skos:altLabel skos:hiddenLabel foaf:name }
  ?actor ?property ?name .
  FILTER (isLiteral(?name))
}
"""


def _load_inputs(settings: Settings) -> ox.Store:
    from graph.build import input_files
    from graph.validate import load

    store = ox.Store()
    load(store, input_files(settings, None))
    return store


def known_actors(store: ox.Store) -> tuple[KnownActor, ...]:
    """The actors (organisations, units, places that act, countries, people) of a loaded store, by IRI."""
    labels: dict[str, dict[str, str]] = {}
    names: dict[str, list[str]] = {}
    for row in store.query(_ACTORS, use_default_graph_as_union=True):
        iri, prop, name = row["actor"].value, row["property"].value, row["name"]
        if not isinstance(row["actor"], ox.NamedNode):
            continue
        names.setdefault(iri, []).append(name.value)
        if prop in (str(RDFS.label), str(SKOS.prefLabel), str(FOAF.name)):
            current = labels.setdefault(iri, {})
            language = name.language or ""
            if language not in current or name.value < current[language]:
                current[language] = name.value
    actors = []
    for iri in sorted(names):
        by_lang = labels.get(iri, {})
        actors.append(KnownActor(iri=iri, label_vi=by_lang.get("vi") or by_lang.get(""), label_en=by_lang.get("en"),
                                 names=tuple(sorted(set(names[iri])))))
    return tuple(actors)


def article_context(settings: Settings, article: Article, *, store: ox.Store | None = None) -> ArticleContext:
    """The article's title and text, and the graph's actors, read from the inputs (or from `store`, loaded).

    Raises InputError for an input file that does not parse.
    """
    from graph.sources import source_path

    loaded = store if store is not None else _load_inputs(settings)
    title = identifier = None
    for row in loaded.query(_DOCUMENT, use_default_graph_as_union=True,
                            substitutions={ox.Variable("doc"): ox.NamedNode(str(article.document))}):
        if row["title"] is not None and (title is None or row["title"].language == "vi"):
            title = row["title"].value
        if row["identifier"] is not None:
            identifier = row["identifier"].value
    source = source_path(settings, identifier) if identifier else None
    text = source.read_text(encoding="utf-8") if source is not None else None
    return ArticleContext(article=article, title=title, identifier=identifier, source=source, text=text,
                          actors=known_actors(loaded))


def _alike(a: str, b: str) -> float:
    if a == b:
        return 1.0
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    words_a, words_b = set(a.split()), set(b.split())
    overlap = len(words_a & words_b) / len(words_a | words_b) if words_a | words_b else 0.0
    return max(ratio, overlap)


def suggest(actors: tuple[KnownActor, ...], candidate: Candidate, *, limit: int = 5) -> list[Suggestion]:
    """The existing actors most like a proposed one, by its labels and the words of its span, diacritics folded."""
    names = {" ".join(fold(str(o)).split()) for p in (*_LABELS, SKOS.hiddenLabel)
             for o in candidate.triples.objects(candidate.node, p)}
    names.discard("")
    if not names:
        return []
    scored = []
    for actor in actors:
        if actor.iri == str(candidate.node):
            continue
        forms = {" ".join(fold(n).split()) for n in actor.names}
        score = max((_alike(n, f) for n in names for f in forms if f), default=0.0)
        if score >= 0.5:
            scored.append(Suggestion(actor=actor, score=round(score, 2)))
    return sorted(scored, key=lambda s: (-s.score, s.actor.iri))[:limit]


def search_actors(actors: tuple[KnownActor, ...], text: str, *, limit: int = 20) -> list[KnownActor]:
    """The actors with a name that holds `text`, with or without diacritics: whole names first, then beginnings."""
    wanted = " ".join(fold(text).split())
    if not wanted:
        return []
    ranked = []
    for actor in actors:
        forms = [" ".join(fold(n).split()) for n in actor.names] + [fold(local_name(actor.iri)).replace("-", " ")]
        scores = [(0 if f == wanted else 1 if f.startswith(wanted) else 2, len(f)) for f in forms if wanted in f]
        if scores:
            ranked.append((min(scores), actor.iri, actor))
    return [a for _, _, a in sorted(ranked, key=lambda r: (r[0], r[1]))][:limit]


def resolve_actor(actors: tuple[KnownActor, ...], text: str, *, suggestions: list[Suggestion] | None = None) -> KnownActor:
    """The actor a curator names: a number from the suggestions, an IRI, igr:slug, a slug, or a name.

    Raises ReviewError when it names none of the graph's actors, or several (listing them).
    """
    wanted = text.strip()
    if wanted.isdigit() and suggestions:
        number = int(wanted)
        if 1 <= number <= len(suggestions):
            return suggestions[number - 1].actor
        raise ReviewError(f"no suggestion #{number}: there are {len(suggestions)}")
    by_iri = {a.iri: a for a in actors}
    iri = wanted[1:-1] if wanted.startswith("<") and wanted.endswith(">") else wanted
    iri = str(ID) + iri.removeprefix("igr:") if not iri.startswith(("http://", "https://")) else iri
    if iri in by_iri:
        return by_iri[iri]
    found = search_actors(actors, wanted, limit=8)
    exact = [a for a in found if any(" ".join(fold(n).split()) == " ".join(fold(wanted).split()) for n in a.names)]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0]
    if found:
        raise ReviewError(f"{wanted!r} names several actors: " + "; ".join(f"{curie(a.iri)} {a.label}" for a in found))
    raise ReviewError(f"{wanted!r} names none of the graph's actors; give igr:slug, an IRI or a name it knows")


# ---------------------------------------------------------------------------------------------
# The review in a terminal
# ---------------------------------------------------------------------------------------------

_PROMPT = "[a]ccept [r]eject [c]orrect [l]ink [m]erge [s]kip [w]rite [q]uit > "
_HELP = ("a accept · r reject · c correct (asks what) · l link a new actor to one the graph has · "
         "m merge with another new actor (asks its number) · s skip · w write accepted facts now · "
         "q write accepted facts and quit · Ctrl-C quit without writing")
_CONTEXT = 80


def _echo(text: str = "", *, err: bool = False) -> None:
    import click

    click.echo(text, err=err)


def _read_line(prompt: str) -> str:
    """A line typed by the curator; EOFError at the end of input, KeyboardInterrupt at Ctrl-C."""
    import click

    click.echo(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    if not sys.stdin.isatty():
        click.echo(line.rstrip("\n"))  # what was read, so that a transcript of piped input reads as a session
    return line.strip()


def _read_key(prompt: str) -> str:
    """One key: read at once on a terminal, else the first letter of a line of input."""
    import click

    if sys.stdin.isatty():
        click.echo(prompt, nl=False)
        key = click.getchar()
        click.echo(key if key.isprintable() else "")
        return key.strip().lower()[:1]
    return _read_line(prompt).lower()[:1]


def _in_context(text: str | None, c: Candidate) -> str:
    start, end = c.span
    if text is None or not (0 <= start < end <= len(text)):
        return f"»{evidence_quote(c) or '(the text is not at hand)'}«"
    before, after = text[max(0, start - _CONTEXT):start], text[end:end + _CONTEXT]

    def flat(part: str) -> str:
        return " ".join(part.split())

    return ("…" if start > _CONTEXT else "") + flat(before) + (" " if before[-1:].isspace() else "") + \
        f"»{text[start:end]}«" + (" " if after[:1].isspace() else "") + flat(after) + ("…" if end + _CONTEXT < len(text) else "")


def _show(number: int, total: int, c: Candidate, context: ArticleContext, suggestions: list[Suggestion]) -> None:
    _echo()
    _echo(f"#{number} of {total} · {c.kind} · {c.rule} · confidence {c.confidence:.2f} · {c.state}")
    _echo(f"  {c.summary}")
    _echo(f"  {_in_context(context.text, c)}")
    facts = []
    labels = node_labels(c)
    if labels:
        facts.append(" · ".join(f"{lang or '-'}: {text}" for lang, text in sorted(labels.items(), key=lambda i: i[0] != "vi")))
    if node_class(c) and c.kind != "known-actor":
        facts.append(f"a {node_class(c)}")
    if node_value(c) is not None:
        facts.append(f"value {node_value(c)}")
    if node_date(c) is not None:
        facts.append(f"date {node_date(c)}")
    _echo(f"  {curie(c.node)}" + (f" — {' · '.join(facts)}" if facts else ""))
    if c.kind == "new-actor":
        if suggestions:
            _echo("  may be an actor the graph has (l to link):")
            for i, s in enumerate(suggestions, 1):
                _echo(f"    {i}. {curie(s.actor.iri)} {s.actor.label} ({s.score:.2f})")
        else:
            _echo("  no existing actor has a name like it")


def concept_of(c: Candidate, scheme: str) -> str:
    """The indicator of an observation or the role of a membership, as scheme:slug; empty when it has none."""
    value = c.triples.value(c.node, {"indicator": IG.indicator, "role": ORG.role}[scheme])
    return curie(value) if value is not None else ""


def _correct_fields(c: Candidate) -> dict[str, str]:
    fields: dict[str, str] = {}
    names = {"vi": "label_vi", "en": "label_en", "class": "cls", "value": "value", "date": "date",
             "desc-vi": "description_vi", "desc-en": "description_en", "indicator": "indicator", "role": "role"}
    while True:
        asked = _read_line("  correct what? vi, en (labels), class, value, date, desc-vi, desc-en (descriptions), "
                           "indicator, role; Enter when done: ").lower()
        if not asked:
            return fields
        if asked not in names:
            _echo(f"  {asked!r}: one of {', '.join(names)}")
            continue
        current = {"vi": node_labels(c).get("vi"), "en": node_labels(c).get("en"), "class": node_class(c),
                   "value": node_value(c), "date": node_date(c), "desc-vi": node_descriptions(c).get("vi"),
                   "desc-en": node_descriptions(c).get("en"),
                   "indicator": concept_of(c, "indicator"), "role": concept_of(c, "role")}[asked]
        given = _read_line(f"  new {asked}" + (f" (now {current})" if current else "") + ": ")
        if given:
            fields[names[asked]] = given


def _write(settings: Settings, article: Article, curator: str) -> list[Violation] | None:
    """Write the accepted facts and say what was written; the violations when the write is refused."""
    try:
        result = write_accepted(settings, article, curator=curator, now=datetime.now(timezone.utc))
    except WriteRefused as e:
        _echo(f"error: {e}", err=True)
        return e.violations
    for note in result.notes:
        _echo(f"note: {note}", err=True)
    _echo(str(result))
    return None


def named_by(violations: list[Violation], candidates: list[Candidate]) -> list[Candidate]:
    """The candidates whose triples describe a node the violations name (by IRI or CURIE), in article order."""
    named = set()
    for v in violations:
        node = v.node
        prefix, sep, rest = node.partition(":")
        named.add(PREFIXES[prefix] + rest if sep and prefix in PREFIXES and not rest.startswith("//") else node)
    return [c for c in candidates if named & {str(s) for s in c.triples.subjects() if isinstance(s, URIRef)}]


def _fingerprint(path: Path) -> bytes | None:
    return hashlib.sha256(path.read_bytes()).digest() if path.is_file() else None


def _session(settings: Settings, article: Article, curator: str) -> int:
    """The review loop of `review_in_terminal`; Ctrl-C and the end of input are its caller's to handle."""
    context = article_context(settings, article)
    candidates = read_candidates(article)
    state = status(settings, article)
    _echo(f"{article.name}: {context.title or '(no title)'}")
    _echo(f"{state.total} candidates: {state.pending} pending, {state.accepted} accepted "
          f"({state.unwritten} not yet written), {state.rejected} rejected · curator {curator}")
    if context.text is None:
        _echo(f"note: the article's text ({context.identifier or 'no dcterms:identifier'}) is not in the sources "
              "or seeds folder; quotes are shown from the evidence", err=True)
    skipped: set[str] = set()
    revisit: list[str] = []  # accepted candidates a refused write named, shown again to be corrected or rejected
    revisited: set[str] = set()

    def refused(violations: list[Violation]) -> bool:
        """Queue the candidates a refused write names; False when every one of them was shown again already."""
        again = [c.key for c in named_by(violations, read_candidates(article))
                 if c.state == "accepted" and c.key not in revisited]
        if again:
            _echo("the candidates it names are shown again: correct (c) or reject (r) them", err=True)
        revisit.extend(k for k in again if k not in revisit)
        revisited.update(again)
        return bool(again)

    while True:
        candidates = read_candidates(article)
        waiting = [c for k in revisit for c in candidates if c.key == k and c.state == "accepted"]
        waiting += [c for c in candidates if c.state == "pending" and c.key not in skipped]
        if not waiting:
            _echo("\nno pending candidate left" + (" (some skipped)" if skipped else ""))
            violations = _write(settings, article, curator)
            if violations is None:
                return 0
            if not refused(violations):
                return 1
            continue
        c = waiting[0]
        number = candidates.index(c) + 1
        suggestions = suggest(context.actors, c) if c.kind == "new-actor" else []
        _show(number, len(candidates), c, context, suggestions)
        while True:
            key = _read_key(_PROMPT)
            try:
                if key in ("a", "r"):
                    decide(article, "accept" if key == "a" else "reject", c.key)
                elif key == "c":
                    fields = _correct_fields(c)
                    if not fields:
                        _echo("  nothing corrected")
                        continue
                    decide(article, "correct", c.key, **fields)
                elif key == "l":
                    if c.kind != "new-actor":
                        _echo(f"  a {c.kind} is not linked; only a new actor is")
                        continue
                    actor = resolve_actor(context.actors, _read_line("  link to (a number above, igr:slug, an IRI or a name): "),
                                          suggestions=suggestions)
                    decide(article, "link", c.key, existing=actor.iri)
                    _echo(f"  linked to {curie(actor.iri)} {actor.label}")
                elif key == "m":
                    if c.kind != "new-actor":
                        _echo(f"  a {c.kind} is not merged; only new actors are")
                        continue
                    other = find_candidate(candidates, _read_line("  merge which candidate into this one (its #number): "))
                    decide(article, "merge", c.key, other=other.key)
                    _echo(f"  #{candidates.index(other) + 1} merged into #{number}")
                    break  # show this candidate again, with its new names
                elif key == "s":
                    skipped.add(c.key)
                elif key == "w":
                    violations = _write(settings, article, curator)
                    if violations is not None and refused(violations):
                        break
                    continue
                elif key == "q":
                    violations = _write(settings, article, curator)
                    if violations is not None:
                        _echo(f"the decisions are kept in {article.draft}; correct or reject the candidates "
                              f"named with `innograph review {article.name}`, then write again", err=True)
                    return 0 if violations is None else 1
                else:
                    _echo(f"  {_HELP}")
                    continue
            except ReviewError as e:
                _echo(f"  error: {e}", err=True)
                continue
            if c.key in revisit:  # decided (or skipped) again after a refused write
                revisit.remove(c.key)
            break


def review_in_terminal(settings: Settings, article: Article, *, curator: str) -> int:
    """Review the article's pending candidates one by one at the terminal; the exit code to end with.

    Each decision is saved to the draft at once. q (or the end of the candidates) writes the accepted
    facts and ends (0, or 1 when the write is refused); Ctrl-C ends at once with 130, the decisions kept
    and nothing more written; the end of input ends with 1, the same way.

    Raises ReviewError or InputError when the draft, the data or the article cannot be read.
    """
    before = _fingerprint(article.data_file)
    try:
        return _session(settings, article, curator)
    except KeyboardInterrupt:
        written = _fingerprint(article.data_file) != before
        _echo(f"\nstopped (Ctrl-C): the decisions made are kept in {article.draft}; "
              + (f"facts written with w are in {article.data_file}" if written
                 else f"nothing was written to {article.data_file}")
              + f". Run `innograph review {article.name}` to go on.", err=True)
        return 130
    except EOFError:
        _echo(f"\nthe input ended: the decisions made are kept in {article.draft}; nothing more was written. "
              f"Run `innograph review {article.name}` to go on, or `innograph review {article.name} --write` "
              "to write the accepted facts.", err=True)
        return 1
