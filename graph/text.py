"""Vietnamese-aware text helpers: folding diacritics and finding quotes in a source."""

import re
import unicodedata
from datetime import date

from graph.errors import ParameterError

__all__ = ["fold", "locate_quote", "QuoteNotFound", "parse_day"]


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


def fold(text: str) -> str:
    """Lower-case text without diacritics: "Khu Công nghệ cao" -> "khu cong nghe cao"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold()


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
