"""Curators' tools: anchoring a quote in its source, as an evidence node ready to paste into graph/data."""

from pathlib import Path

from graph.text import locate_quote

__all__ = ["evidence_turtle"]

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
