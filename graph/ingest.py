"""Curators' tools: anchoring a quote in its source, and proposing an article's candidate facts for review."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from graph.build import input_files
from graph.candidates import read_draft, renew, write_draft
from graph.errors import InputError
from graph.extract import ArticleText, Vocabulary, extract
from graph.gazetteer import Gazetteer
from graph.settings import Settings
from graph.query import run
from graph.sources import source_path
from graph.text import locate_quote
from graph.validate import load

__all__ = ["evidence_turtle", "Extractor", "Drafted", "draft_path"]

_TEMPLATE = """igr:ev-{doc}-{start}-{end} a oa:SpecificResource ;
    oa:hasSource igr:doc-{doc} ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact {exact} ] ,
        [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} ] ."""


def evidence_turtle(source: Path, quote: str, *, occurrence: int = 1) -> str:
    """The Turtle of an evidence node for `quote` in `source`: the exact text as stored and its offsets.

    White space in the quote matches any white space in the file, so a quote typed with plain spaces
    finds text that holds no-break spaces; the exact text written is the file's own.

    Raises QuoteNotFound when the quote is not in the file that often.
    """
    text = source.read_text(encoding="utf-8")
    start, end = locate_quote(text, quote, occurrence=occurrence)
    exact = text[start:end].replace("\\", "\\\\").replace('"', '\\"')
    return _TEMPLATE.format(doc=source.name[:3], start=start, end=end, exact=f'"{exact}"')


@dataclass(frozen=True)
class Drafted:
    """What proposing an article's candidates did: the draft written, and how many candidates it holds."""

    draft: Path
    pending: int
    new: int
    decided: int


@dataclass(frozen=True)
class Extractor:
    """The extractor with what it reads from the graph, built once for a batch of articles."""

    store: ox.Store
    gazetteer: Gazetteer
    vocabulary: Vocabulary

    @classmethod
    def from_settings(cls, settings: Settings) -> "Extractor":
        """Read the ontology, the schemes and the curated data into memory, and build the gazetteer from them.

        Raises InputError for a data file that cannot be read.
        """
        store = ox.Store()
        load(store, input_files(settings, None))
        return cls(store=store, gazetteer=Gazetteer.from_store(store), vocabulary=Vocabulary.from_store(store))

    def article(self, name: str) -> tuple[str, str, date | None]:
        """A registered article's document IRI, file name and date, named by doc-005, 005, its IRI or file name.

        Raises InputError listing the registered articles when none has that name.
        """
        number = name.removeprefix("igr:").removeprefix("doc-").split("_", 1)[0]
        found = list(run(self.store, _DOCUMENTS))
        for row in found:
            document, file = row["doc"].value, row["file"].value
            if name in (file, document) or file.startswith(number + "_"):
                issued = row["issued"]
                return document, file, date.fromisoformat(issued.value[:10]) if issued is not None else None
        names = ", ".join(sorted(row["file"].value for row in found))
        raise InputError(f"no registered article is named {name!r}; the articles are: {names}")

    def propose(self, settings: Settings, *, document: str, identifier: str, issued: date | None) -> Drafted:
        """Propose the candidates of one registered article into its review draft, keeping every decision made.

        Raises InputError when the article's text is in neither the sources folder nor the seeds, or its
        draft does not parse.
        """
        path = source_path(settings, identifier)
        if path is None:
            raise InputError(f"{identifier}: the text of {document} is in neither {settings.sources_dir} nor "
                             f"{settings.seeds_dir}; add it with `innograph ingest add`")
        text = path.read_text(encoding="utf-8")
        fresh = extract(ArticleText(document=URIRef(document), text=text, issued=issued),
                        gazetteer=self.gazetteer, vocabulary=self.vocabulary)
        draft = draft_path(settings, identifier)
        previous = read_draft(draft) if draft.exists() else []
        known = {c.key for c in previous}
        candidates = renew(previous, fresh)
        write_draft(draft, candidates)
        return Drafted(draft=draft, pending=sum(c.state == "pending" for c in candidates),
                       new=sum(c.key not in known for c in candidates),
                       decided=sum(c.state != "pending" for c in candidates))


_DOCUMENTS = """# Which source documents are registered, under which file names, of which date?
SELECT ?doc ?file ?issued WHERE {
  ?doc a schema:NewsArticle ; dcterms:identifier ?file .
  OPTIONAL { ?doc dcterms:issued ?issued }
}
"""


def draft_path(settings: Settings, identifier: str) -> Path:
    """The review draft of an article, named as its data file is: review/<NNN>_<slug>.trig."""
    number = identifier.split("_", 1)[0]
    data_files = sorted(settings.data_dir.glob(f"{number}_*.ttl"))
    stem = data_files[0].stem if data_files else Path(identifier).stem
    return settings.review_dir / f"{stem}.trig"
