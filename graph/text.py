"""Vietnamese-aware text helpers: folding diacritics and finding quotes in a source."""

import re
import unicodedata
from datetime import date

from graph.errors import ParameterError

__all__ = ["fold", "slug", "locate_quote", "QuoteNotFound", "parse_day", "written_day", "people_date", "MONTHS", "sentences", "sentence_start", "clause_start"]


class QuoteNotFound(ValueError):
    """A quote does not occur in the source text, or occurs more than once where one was wanted."""


def parse_day(text: str | None) -> date | None:
    """An "as of" day as a user writes it, YYYY-MM-DD; None when none is given.

    Raises ParameterError saying how to write it.
    """
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as e:
        raise ParameterError(f"as_of {text!r} is not a date; write it as YYYY-MM-DD") from e


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_GRAPH_DATE = re.compile(r"^(?P<y>\d{4})?(?:-{1,2}(?P<m>\d{2}))?(?:-(?P<d>\d{2}))?")


def people_date(text: str, lang: str) -> str:
    """A date of the graph (2024-09-24, 2024-09, 2024, or a day and month with no year, --04-14) as people write
    it: 24/9/2024, tháng 9/2024, 14/4 in Vietnamese; 24 September 2024, September 2024, 14 April in English. A text
    that is none of these is given back as it is."""
    found = _GRAPH_DATE.match(text)
    if not text or found is None or not found.group(0) or not (found["y"] or found["m"]):
        return text
    year, month, day = found["y"] or "", int(found["m"]) if found["m"] else 0, str(int(found["d"])) if found["d"] else ""
    if lang == "vi":
        written = "/".join(p for p in (day, str(month) if month else "", year) if p)
        return f"tháng {written}" if month and not day else written
    return " ".join(p for p in (day, MONTHS[month - 1] if month else "", year) if p)


def written_day(iso: str, lang: str) -> str:
    """A full date (YYYY-MM-DD) as a reader writes it: 30/11/2026 in Vietnamese, as it is in English."""
    return iso if lang == "en" else "/".join(reversed(iso.split("-")))


def fold(text: str) -> str:
    """Lower-case text without diacritics: "Khu Công nghệ cao" -> "khu cong nghe cao"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold()


def slug(text: str, *, sep: str = "-", limit: int = 60) -> str:
    """An ASCII slug of at most `limit` characters, cut at a word boundary: "Sở Khoa học và Công nghệ TP.HCM" ->
    so-khoa-hoc-va-cong-nghe-tp-hcm; empty for a text with no letter or digit."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    out = ""
    for word in words:
        candidate = f"{out}{sep}{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def locate_quote(text: str, quote: str, *, occurrence: int = 1) -> tuple[int, int]:
    """The span (start, end) of `quote` in `text`, counting code points, end exclusive.

    White space in the quote matches any run of white space in the text (the seeds hold
    no-break spaces where a reader sees plain ones), so text[start:end] is the exact quote.

    Raises QuoteNotFound when the quote has fewer than `occurrence` matches.
    """
    words = [re.escape(w) for w in quote.split()]
    if not words:
        raise QuoteNotFound("the quote is empty")
    pattern = re.compile(r"\s+".join(words))
    matches = list(pattern.finditer(text))
    if len(matches) < occurrence:
        raise QuoteNotFound(
            f"quote {quote!r} occurs {len(matches)} time(s) in the source, not {occurrence}"
        )
    match = matches[occurrence - 1]
    return match.start(), match.end()


# "TP.HCM" and "4.0" hold a dot inside a name; "40%.Thế giới" ends a sentence with no space.
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|(?<![^\W\d_])\.(?=[A-ZĐ])|\n")
_CLAUSE_END = re.compile(r"[.!?;](?=\s|$)|(?<![^\W\d_])\.(?=[A-ZĐ])|\n")


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of the text's sentences, without their leading or trailing white space; a line is a sentence at most."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def sentence_start(text: str, position: int) -> int:
    """Where the sentence holding `position` starts, after its leading white space."""
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, position):
        start = match.end()
    while start < position and text[start].isspace():
        start += 1
    return start


def clause_start(text: str, position: int) -> int:
    """Where the clause holding `position` starts: after the last sentence end, semicolon or line end."""
    start = 0
    for match in _CLAUSE_END.finditer(text, 0, position):
        start = match.end()
    return start
