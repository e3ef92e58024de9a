"""Reading dates from Vietnamese text, full or partial: "ngày 21/9/2024", "14/4", "sáng 17-11", "năm 2024".

A part the text does not give stays missing: "Ngày 14/4" has no year. Periods ("giai đoạn 2020 - 2030")
and deadlines ("đến năm 2030") are read as the years they name. The build checks with the same reader
that every date of a fact is stated in its quote; the ingest extractor proposes dates with it.
"""

import re
from dataclasses import dataclass

__all__ = ["DateMention", "read_dates", "stated_parts"]


@dataclass(frozen=True)
class DateMention:
    """A date as written: its span and the parts it gives (None where the text gives none).

    `kind` is "date" (a day, a month or a year), "period" (a range of years, start in `year` and end
    in `end_year`) or "deadline" ("đến năm 2030"); `part_of_day` is "sáng", "chiều", "tối" or "trưa".
    """

    start: int
    end: int
    surface: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    kind: str = "date"
    end_year: int | None = None
    part_of_day: str | None = None


_YEAR = r"(?:19|20)\d\d"
_DAY_PART = r"(?:(?P<part>sáng|chiều|tối|trưa)\s+(?:ngày\s+)?|ngày\s+)"
_PATTERNS = (
    ("period", re.compile(rf"(?:giai\s+đoạn\s+|từ\s+năm\s+|thời\s+kỳ\s+)?(?<![\d/\-])(?P<y1>{_YEAR})\s*(?:-|–|—|đến(?:\s+năm)?)\s*(?P<y2>{_YEAR})(?!\d)", re.IGNORECASE)),
    ("deadline", re.compile(rf"(?:đến|tới|trước)\s+năm\s+(?P<y>{_YEAR})(?!\d)", re.IGNORECASE)),
    ("date", re.compile(rf"{_DAY_PART}?(?<![\d/\-,.])(?P<d>\d{{1,2}})\s*[/\-.]\s*(?P<m>\d{{1,2}})\s*[/\-.]\s*(?P<y>{_YEAR})(?!\d)", re.IGNORECASE)),
    ("date", re.compile(rf"ngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})(?:\s+năm\s+(?P<y>{_YEAR}))?(?!\d)", re.IGNORECASE)),
    ("date", re.compile(rf"tháng\s+(?P<m>\d{{1,2}})\s*(?:/|\s+năm\s+)\s*(?P<y>{_YEAR})(?!\d)", re.IGNORECASE)),
    ("date", re.compile(rf"{_DAY_PART}?(?<![\d/\-,.])(?P<d>\d{{1,2}})\s*[/\-]\s*(?P<m>\d{{1,2}})(?![\d/\-]|[.,]\d)", re.IGNORECASE)),
    ("date", re.compile(r"tháng\s+(?P<m>\d{1,2})(?![\d/\-]|[.,]\d)", re.IGNORECASE)),
    ("date", re.compile(rf"(?<![\w.,/\-])(?P<y>{_YEAR})(?![\w]|[.,/\-]\d)")),
)


def read_dates(text: str) -> list[DateMention]:
    """Every date, period and deadline `text` states, in reading order, none overlapping another.

    The patterns are tried most specific first; a day-month that is not a real day ("31/2") is not a date.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            mention = _mention(kind, match)
            if mention is not None:
                found.append(mention)
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def _mention(kind: str, match: re.Match[str]) -> DateMention | None:
    groups = match.groupdict()
    number = {k: int(v) for k, v in groups.items() if v and v.isdigit()}
    common = {"start": match.start(), "end": match.end(), "surface": match.group(0)}
    if kind == "period":
        if number["y2"] <= number["y1"]:
            return None
        return DateMention(**common, year=number["y1"], end_year=number["y2"], kind="period")
    if kind == "deadline":
        return DateMention(**common, year=number["y"], kind="deadline")
    day, month = number.get("d"), number.get("m")
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= _DAYS_IN_MONTH[month or 1]:
        return None
    return DateMention(**common, year=number.get("y"), month=month, day=day, part_of_day=(groups.get("part") or "").lower() or None)


_DAYS_IN_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def stated_parts(text: str) -> set[tuple[str, int] | tuple[str, int, int]]:
    """The parts of dates `text` states: ("year", y), ("month", m), ("day", d), ("day-month", d, m).

    A period states both its years; "cùng kỳ" (the same period a year before) states no year of its own.
    """
    parts: set[tuple[str, int] | tuple[str, int, int]] = set()
    for mention in read_dates(text):
        for year in (mention.year, mention.end_year):
            if year is not None:
                parts.add(("year", year))
        if mention.month is not None:
            parts.add(("month", mention.month))
        if mention.day is not None:
            parts.add(("day", mention.day))
        if mention.day is not None and mention.month is not None:
            parts.add(("day-month", mention.day, mention.month))
    return parts
