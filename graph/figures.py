"""Reading figures from Vietnamese text: numbers in base units, their unit, qualifier and status.

One reader serves the build, which checks that every observation can be read from its own quote,
and the ingest extractor, which proposes observations from an article. Vietnamese numbers write a
decimal comma and a thousands dot ("12,167 tỷ USD" is 12 167 000 000 USD, "6.900 đô la" is 6 900);
"ước đạt" makes an estimate, "mục tiêu" or "phấn đấu" a target; "khoảng", "ít nhất" and "hơn"
qualify a value.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from graph.text import clause_start, sentence_start

__all__ = ["Figure", "read_figures", "number_value", "UNITS", "QUALIFIERS", "STATUSES"]

# The keys are the local names of the concepts of ontology/schemes/unit.ttl, qualifier.ttl, obs-status.ttl.
UNITS = ("count", "ordinal-rank", "percent", "usd", "usd-per-capita", "vnd")
QUALIFIERS = ("approximately", "at-least", "more-than")
STATUSES = ("reported", "estimated", "target")

_W = r"[^\W\d_]"  # a letter, Vietnamese ones included
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_WORD_NUMBERS = {"hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
_SCALES = (("nghìn tỷ", Decimal(10) ** 12), ("ngàn tỷ", Decimal(10) ** 12), ("tỷ", Decimal(10) ** 9),
           ("tỉ", Decimal(10) ** 9), ("triệu", Decimal(10) ** 6), ("nghìn", Decimal(10) ** 3),
           ("ngàn", Decimal(10) ** 3))
_CURRENCIES = (("đô la Mỹ", "usd"), ("đô-la Mỹ", "usd"), ("đô la", "usd"), ("USD", "usd"), ("US$", "usd"),
               ("đồng", "vnd"), ("VNĐ", "vnd"), ("VND", "vnd"))
_QUALIFIER_WORDS = (("ít nhất", "at-least"), ("tối thiểu", "at-least"), ("khoảng", "approximately"),
                    ("xấp xỉ", "approximately"), ("gần", "approximately"), ("chừng", "approximately"),
                    ("hơn", "more-than"), ("trên", "more-than"), ("vượt", "more-than"))
# The nearest cue before a figure in its clause gives its status; no cue means a reported figure.
_STATUS_CUES = (("ước đạt", "estimated"), ("ước tính", "estimated"), ("ước khoảng", "estimated"),
                ("ước thực hiện", "estimated"), ("dự kiến", "estimated"), ("dự báo", "estimated"),
                ("mục tiêu", "target"), ("phấn đấu", "target"), ("chỉ tiêu", "target"), ("kế hoạch", "target"),
                ("đến năm", "target"), ("tới năm", "target"), ("hướng tới", "target"), ("hướng đến", "target"),
                ("mong muốn", "target"), ("trước mắt", "target"), ("sẽ", "target"),
                ("đã", "reported"), ("hiện nay", "reported"), ("hiện tại", "reported"), ("đến nay", "reported"),
                ("năm qua", "reported"))
_GROWTH = (("tăng trưởng", 1), ("tăng", 1), ("giảm", -1))


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_FIGURE = re.compile(
    rf"(?<![\w.,/\-:+])(?P<number>{_NUMBER})(?![\w]|[.,]\d|[/\-]\d|[/\-]{_W}|:\d)"
    rf"|(?<!\w)(?P<word>{_alternation(tuple(_WORD_NUMBERS))})(?!\w)")
_RANGE_UNITS = _alternation(tuple(s for s, _ in _SCALES) + tuple(c for c, _ in _CURRENCIES) + ("%", "phần trăm"))
_RANGE = re.compile(rf"(?<![\w.,/\-:+])(?P<a>{_NUMBER})\s*%?\s*[-–]\s*(?P<b>{_NUMBER})(?=\s*(?:{_RANGE_UNITS}))")
_SCALE = re.compile(rf"\s*(?P<scale>{_alternation(tuple(s for s, _ in _SCALES))})(?!\w)")
_CURRENCY = re.compile(rf"\s*(?P<currency>{_alternation(tuple(c for c, _ in _CURRENCIES))})(?!\w)(?P<per>\s*/\s*người)?")
_PERCENT = re.compile(r"\s*(?:%|phần\s+trăm(?!\w))")
_QUALIFIER = re.compile(rf"(?<!\w)(?<!dựa )(?P<q>{_alternation(tuple(q for q, _ in _QUALIFIER_WORDS))})\s+$")
_ENGLISH_MONTH = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+$")
_NOT_OUR_UNIT = re.compile(r"\s*(?:ha|km2|km²|km|m2|m²|m|cm|mm|nm|kg|tấn|MW|kW|GW|MWh|kWh|lít|bit|inch|GB|TB|°C)(?![^\W\d_])")
_NAMED_NUMBER = re.compile(r"(?<=[^\s.!?:;])\s+(?:[A-ZĐ][^\W\d_]*\s+)?(?:[A-ZĐ]|đai|Quận|Khu|Phường|Đường|Tuyến|Cầu)[^\W\d_]*\s+$")
_RANK = re.compile(r"(?<!\w)(?:(?P<edition>lần)\s+)?(?:thứ|hạng)\s+$")
_GROWTH_WORD = re.compile(rf"(?<!\w)(?P<g>{_alternation(tuple(g for g, _ in _GROWTH))})\s+(?:\w+\s+){{0,2}}$")
_CUE = re.compile(rf"(?<!\w)(?:{_alternation(tuple(c for c, _ in _STATUS_CUES))})(?!\w)", re.IGNORECASE)
_PER_CAPITA = re.compile(r"(?<!\w)(?:bình\s+quân\s+)?đầu\s+người(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A number as an article states it: its span, its value in base units and what qualifies it.

    `status` is read from the nearest cue before the figure in its clause (`cue`, a span, or None);
    `growth` is +1 or -1 for a rate of change ("tăng 18,3%", "giảm 2%"), whose value is signed; `reads_to`
    is where the text that gives its unit ends: the figure's own end, or, for the first end of a range
    ("30" of "30%-40%"), the second's.
    """

    start: int
    end: int
    surface: str
    value: Decimal
    unit: str
    status: str
    qualifier: str | None = None
    growth: int = 0
    cue: tuple[int, int] | None = None
    reads_to: int = 0

    def __post_init__(self) -> None:
        if self.reads_to < self.end:
            object.__setattr__(self, "reads_to", self.end)


def number_value(token: str) -> Decimal:
    """'12,167' -> 12.167 and '6.900' -> 6900: a decimal comma and a thousands dot; a number word."""
    if token.lower() in _WORD_NUMBERS:
        return Decimal(_WORD_NUMBERS[token.lower()])
    return Decimal(token.replace(".", "").replace(",", "."))


def read_figures(text: str) -> list[Figure]:
    """Every figure `text` states, in reading order: amounts, percentages, ranks and counts.

    Years, dates, times, identifiers ("31-NQ/TW", "số 123/QĐ-TTg"), names ("4.0", "C4IR") and editions
    ("lần thứ 2") are not figures. A number word ("hai") is a count only after a qualifier
    ("ít nhất hai nhà đầu tư"), where it cannot be read otherwise.
    """
    figures = []
    ranges = {}
    for match in _RANGE.finditer(text):  # "30%-40% GRDP", "4-5%": each end is a figure, in the unit after the second
        second = _figure(text, match.start("b"), match.end("b"), match.group("b"), word=False)
        first = _figure(text, match.start("a"), match.end("a"), match.group("a"), word=False, unit_from=match.start("b"))
        if second is not None and first is not None:
            ranges[match.start("a")] = first
            ranges[match.start("b")] = replace(second, qualifier=second.qualifier or first.qualifier)
    for match in _FIGURE.finditer(text):
        figure = ranges.pop(match.start(), None) or _figure(text, match.start(), match.end(), match.group("number") or
                                                            match.group("word"), word=bool(match.group("word")))
        if figure is not None:
            figures.append(figure)
    figures += [f for f in ranges.values() if f is not None]
    return sorted(figures, key=lambda f: f.start)


def _figure(text: str, start: int, token_end: int, token: str, *, word: bool, unit_from: int | None = None) -> Figure | None:
    """The figure whose number is text[start:token_end]; its scale and unit are read after it, or, for the first
    end of a range, after the second (`unit_from`)."""
    before = text[max(0, start - 40):start]
    qualifier_match = _QUALIFIER.search(before)
    if (word and qualifier_match is None) or _ENGLISH_MONTH.search(before):
        return None  # a number word without a qualifier is read otherwise; "December 28, 2024" is a dateline
    if unit_from is not None:
        second_token = re.compile(_NUMBER).match(text, unit_from)
        assert second_token is not None
        second = _figure(text, unit_from, second_token.end(), second_token.group(0), word=False)
        if second is None:
            return None
        status, cue = _status(text, start)
        qualifier = dict(_QUALIFIER_WORDS)[re.sub(r"\s+", " ", qualifier_match.group("q"))] if qualifier_match else None
        # the second end's scale, currency and sign hold for the first: "30%-40%", "10-15 tỷ USD", "tăng 3-5%"
        ratio = second.value / number_value(second_token.group(0))
        return Figure(start=start, end=token_end, surface=text[start:token_end], value=number_value(token) * ratio,
                      unit=second.unit, status=status, qualifier=qualifier, growth=second.growth, cue=cue,
                      reads_to=second.end)
    value, end, unit = number_value(token), token_end, "count"
    scale = _SCALE.match(text, end)
    if scale:
        value *= dict(_SCALES)[re.sub(r"\s+", " ", scale.group("scale"))]
        end = scale.end()
    currency = _CURRENCY.match(text, end)
    percent = _PERCENT.match(text, end)
    rank = _RANK.search(before)
    if currency:
        unit, end = dict(_CURRENCIES)[re.sub(r"\s+", " ", currency.group("currency"))], currency.end()
        if unit == "usd" and (currency.group("per") or _PER_CAPITA.search(text, clause_start(text, start), end)):
            unit = "usd-per-capita"
    elif percent:
        unit, end = "percent", percent.end()
    elif rank:
        if rank.group("edition") or scale:
            return None  # "lần thứ 2" is an edition, part of a name
        unit = "ordinal-rank"
    elif scale is None and _is_year(token):
        return None
    elif _NOT_OUR_UNIT.match(text, end) or _NAMED_NUMBER.search(before):
        return None  # "1,7 km", "166,2ha": a measure the unit scheme does not have; "Vành đai 3": a name
    growth = 0
    if unit == "percent":
        growth_match = _GROWTH_WORD.search(before)
        if growth_match:
            growth = dict(_GROWTH)[re.sub(r"\s+", " ", growth_match.group("g"))]
            value *= growth
    status, cue = _status(text, start)
    qualifier = dict(_QUALIFIER_WORDS)[re.sub(r"\s+", " ", qualifier_match.group("q"))] if qualifier_match else None
    return Figure(start=start, end=end, surface=text[start:end], value=value, unit=unit,
                  status=status, qualifier=qualifier, growth=growth, cue=cue)


def _is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1900 <= int(token) <= 2100


def _status(text: str, position: int) -> tuple[str, tuple[int, int] | None]:
    """The nearest cue in the figure's clause; else a strong cue (an estimate, a plan) earlier in its sentence,
    or in the sentence before one that opens "Trong đó" ("Dự kiến, tổng mức đầu tư là 17.400 tỷ đồng; gồm
    16.327 tỷ đồng …" makes both estimates); else none, a reported figure."""
    clause = clause_start(text, position)
    cues = list(_CUE.finditer(text, clause, position))
    if not cues:
        sentence = sentence_start(text, position)
        cues = [c for c in _CUE.finditer(text, sentence, clause) if _cue_status(c) in _STRONG and _strong(c)]
        if not cues and _OF_WHICH.match(text, sentence):
            end = sentence
            while end > 0 and (text[end - 1].isspace() or text[end - 1] in ".!?…"):
                end -= 1
            before = sentence_start(text, end)
            cues = [c for c in _CUE.finditer(text, before, sentence) if _strong(c)]
    if not cues:
        return "reported", None
    return _cue_status(cues[-1]), cues[-1].span()


_STRONG = ("estimated", "target")
_WEAK_CUES = ("sẽ", "đến năm", "tới năm", "trước mắt", "hướng tới", "hướng đến")
_OF_WHICH = re.compile(r"(?:Trong\s+đó|Cụ\s+thể|Bao\s+gồm)\s*,?", re.IGNORECASE)


def _cue_status(cue: re.Match[str]) -> str:
    return dict(_STATUS_CUES)[re.sub(r"\s+", " ", cue.group(0).lower())]


def _strong(cue: re.Match[str]) -> bool:
    """A cue that still holds in the clauses after its own: an estimate or a plan, not a bare "sẽ"."""
    return re.sub(r"\s+", " ", cue.group(0).lower()) not in _WEAK_CUES

