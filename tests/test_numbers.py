"""Every number the five articles state about the ecosystem is a value in the graph, backed by the quote it stands in.

A number in an article is covered when a node whose evidence span contains that number carries it:
as an observation value (scaled by "tỷ"), an edition number, a year of a date or period, the day and
month of a date, or part of an identifier. The few numbers that describe nothing (a time stamp, the
"4" in the name of the Fourth Industrial Revolution, a headline's rounding) are listed with the reason.
"""

import re
from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox

from graph.query import run

# (file prefix, a phrase around the number, why it is not a value of the graph)
NOT_VALUES = [
    ("000", "December 28, 2024 | 09:52 GMT+7", "the article's time stamp, recorded as dcterms:issued"),
    ("000", "19,2 tỷ USD/20 tỷ USD", "the headline rounds the 20,05 tỷ USD production value given in the text"),
    ("", "lần thứ 4", "part of the name of the Fourth Industrial Revolution, not a count"),
    ("", "lần thứ tư", "part of the name of the Fourth Industrial Revolution, not a count"),
]
_DAY_MONTH = re.compile(r"(?<![\w.,])(\d{1,2})[-/](\d{1,2})(?![\w/-])")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_SCALES = {"tỷ": Decimal(10) ** 9, "triệu": Decimal(10) ** 6, "nghìn": Decimal(10) ** 3}


def vietnamese_number(token: str, following: str) -> Decimal:
    """'12,167' -> 12.167 and '6.900' -> 6900 (decimal comma, thousands dot), times a scale word that follows."""
    value = Decimal(token.replace(".", "").replace(",", "."))
    word = following.split()[0] if following.split() else ""
    return value * _SCALES.get(word, Decimal(1))


def _spans(store: ox.Store) -> dict[str, list[tuple[str, int, int]]]:
    """Evidence spans by the node they support: (file, start, end)."""
    spans: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for row in run(store, """
            SELECT ?node ?file ?start ?end WHERE {
              ?node prov:wasDerivedFrom|ig:inferredFrom ?ev .
              ?ev oa:hasSource/dcterms:identifier ?file ; oa:hasSelector [ oa:start ?start ; oa:end ?end ] .
            }"""):
        spans[row["node"].value].append((row["file"].value, int(row["start"].value), int(row["end"].value)))
    return spans


def _values(store: ox.Store) -> dict[str, set[str]]:
    """What each node carries that a number can stand for, as comparable strings."""
    carried: dict[str, set[str]] = defaultdict(set)
    for row in run(store, """
            SELECT ?node ?value WHERE {
              { ?node sdmx-measure:obsValue|ig:editionNumber ?value }
              UNION { ?node sdmx-dimension:refPeriod|ig:periodStart|ig:periodEnd|ig:deadline|ig:comparedWith|schema:startDate|ig:attestedOn|dcterms:date|dcterms:identifier ?value }
              UNION { ?node ig:partialDate ?d . ?d time:year|time:month|time:day ?value }
            }"""):
        value = row["value"]
        node = row["node"].value
        datatype = value.datatype.value.rsplit("#", 1)[-1] if value.datatype else ""
        if datatype in ("decimal", "integer"):
            carried[node].add(f"n:{Decimal(value.value).normalize()}")
        elif datatype in ("date", "gYear", "gMonth", "gDay"):
            parts = value.value.lstrip("-").split("-")
            if datatype in ("date", "gYear"):
                carried[node].add(f"y:{parts[0]}")
            if datatype == "date":
                carried[node].add(f"dm:{int(parts[2])}/{int(parts[1])}")
            if datatype == "gMonth":
                carried[node].add(f"m:{int(parts[0])}")
            if datatype == "gDay":
                carried[node].add(f"d:{int(parts[0])}")
        else:
            carried[node].update(f"id:{token}" for token in re.findall(r"\d+", value.value))
    for node, found in carried.items():  # a partial date of day and month stands for "14/4"
        days = [f.removeprefix("d:") for f in found if f.startswith("d:")]
        months = [f.removeprefix("m:") for f in found if f.startswith("m:")]
        found.update(f"dm:{d}/{m}" for d in days for m in months)
    return carried


def _mentions(name: str, text: str) -> list[tuple[int, str, set[str]]]:
    """Each number in a text: its offset, the token, and the forms a node may carry it in."""
    found = []
    dates = [(m.start(), m.end()) for m in _DAY_MONTH.finditer(text)]
    for m in _DAY_MONTH.finditer(text):
        found.append((m.start(), m.group(0), {f"dm:{int(m.group(1))}/{int(m.group(2))}"}))
    for m in _NUMBER.finditer(text):
        if any(s <= m.start() < e for s, e in dates):
            continue
        token = m.group(0).rstrip(".,")
        forms = {f"n:{vietnamese_number(token, text[m.end():m.end() + 12]).normalize()}", f"id:{token}"}
        if re.fullmatch(r"(19|20)\d\d", token):
            forms.add(f"y:{token}")
        found.append((m.start(), token, forms))
    return found


def test_vietnamese_numbers_are_read_with_decimal_comma_and_thousands_dot() -> None:
    assert vietnamese_number("12,167", " tỷ USD") == Decimal("12167000000")
    assert vietnamese_number("6.900", " đô la") == Decimal(6900)
    assert vietnamese_number("16,1", " %") == Decimal("16.1")


def test_every_number_in_the_articles_is_a_value_in_the_graph(store: ox.Store, seeds: dict[str, str]) -> None:
    spans, values = _spans(store), _values(store)
    uncovered = []
    covered = 0
    for name, text in seeds.items():
        excused = [(m.start(), m.end()) for prefix, phrase, _ in NOT_VALUES if name.startswith(prefix)
                   for m in re.finditer(re.escape(phrase), text)]
        for offset, token, forms in _mentions(name, text):
            if any(s <= offset < e for s, e in excused):
                continue
            backed = any(forms & values.get(node, set())
                         for node, node_spans in spans.items()
                         for file, start, end in node_spans if file == name and start <= offset < end)
            if backed:
                covered += 1
            else:
                uncovered.append(f"{name}@{offset}: {token!r} in …{text[max(0, offset - 40):offset + 30]!r}…")
    assert uncovered == []
    assert covered >= 50
