"""Stakeholder briefs: what the graph knows of an actor, or of two actors before they meet, every
statement with a footnote to the quote it rests on.

Each section is fed by its own panel query in graph/queries/brief/ (as Scholia builds its profiles) and
is left out when the panel has nothing: no section is padded and nothing is invented. The brief is
built as data (`Brief`: sections of lines and tables, each line citing numbered notes) and written as
Markdown, self-contained HTML (the ego network drawn inline as SVG) or PDF (WeasyPrint).

`as_of` leaves out what is dated after that day (undated statements stay, as in the network's filter).
"""

from __future__ import annotations

import math
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import jinja2
import networkx as nx
import pyoxigraph as ox

from graph import network as nw
from graph.catalogue import QUERIES_DIR, catalogue
from graph.errors import ParameterError, PdfUnavailable
from graph.namespaces import PREFIXES, local_name
from graph.network_page import CATEGORY_COLOURS
from graph.query import run
from graph.search import find_actor
from graph.sources import Citation, cited
from graph.store import Manifest
from graph.text import MONTHS, written_day

__all__ = ["Brief", "Section", "Line", "Note", "build_brief", "render", "FORMATS"]

FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}
_PANELS = catalogue(QUERIES_DIR / "brief")
_RESOURCE = catalogue(QUERIES_DIR / "resource")
_TEMPLATES = Path(__file__).parent / "templates"
_LABELS = tuple(ox.NamedNode(PREFIXES[p] + local) for p, local in (("rdfs", "label"), ("skos", "prefLabel"), ("foaf", "name")))
_OPEN = {"proposed", "requested", "recommended", "committed", "planned", "aspired", "ongoing"}  # not yet signed or done
_WORDS = {
    "vi": {"who": "Chủ thể là ai", "people": "Nhân sự", "figures": "Số liệu", "engagements": "Sự kiện đã tham gia",
           "relationships": "Hợp tác, thỏa thuận, đề xuất và cam kết", "sectors": "Lĩnh vực trọng tâm",
           "shared": "Điểm chung của hai bên", "open": "Việc còn để ngỏ giữa hai bên", "network": "Vị trí trong mạng lưới",
           "gaps": "Những điều đồ thị chưa biết", "sources": "Nguồn",
           "name": "Tên", "abbreviation": "Tên viết tắt", "kind": "Loại", "category": "Nhóm", "parent": "Trực thuộc",
           "unit": "Đơn vị trực thuộc", "place": "Địa điểm", "represents": "Đại diện cho", "represented-by": "Được đại diện bởi",
           "manages": "Quản lý", "managed-by": "Được quản lý bởi", "identifier": "Mã định danh",
           "attested": "ghi nhận ngày", "vacant": "nguồn chưa nêu người giữ chức", "role": "vai trò", "with": "cùng", "other-parties": "các bên khác",
           "status": "tình trạng", "at": "tại", "inferred-year": "năm {year} là suy luận của người biên tập",
           "indicator": "Chỉ tiêu", "value": "Giá trị", "period": "Kỳ", "kind-of-figure": "Loại số liệu", "growth": "Tăng trưởng",
           "vs": "so với", "by": "đến", "through": "qua", "stated": "Được nêu", "via-relationships": "Qua các quan hệ",
           "events": "Sự kiện chung", "between": "Quan hệ đã xác lập giữa hai bên", "shared-sectors": "Lĩnh vực cả hai cùng tham gia",
           "partners": "Đối tác chung", "as-of": "Tính đến ngày", "build": "Bản dựng của đồ thị", "brief": "Hồ sơ",
           "pair": "Hồ sơ gặp gỡ", "and": "và", "no-year": "không rõ năm",
           "post-without-holder": "Chức vụ chưa rõ người giữ", "membership-without-year": "Quan hệ thành viên/chức vụ chưa rõ năm",
           "figure-without-period": "Số liệu chưa rõ kỳ", "event-without-year": "Sự kiện chưa rõ năm",
           "inferred": "suy luận",
           "more": "Còn {count} mục cũ hơn hoặc không rõ ngày không nêu ở đây; trang của chủ thể (theo địa chỉ IRI ở trên) liệt kê đầy đủ",
           "drawn": "Hình vẽ thể hiện {shown} trong số {total} chủ thể có quan hệ trực tiếp: những chủ thể có nhiều quan hệ nhất"},
    "en": {"who": "Who they are", "people": "People", "figures": "Figures", "engagements": "Engagements",
           "relationships": "Cooperation, agreements, proposals and commitments", "sectors": "Sectors of focus",
           "shared": "What the two share", "open": "What is open between them", "network": "Position in the network",
           "gaps": "What the graph does not know", "sources": "Sources",
           "name": "Name", "abbreviation": "Abbreviations", "kind": "Kind", "category": "Category", "parent": "Part of",
           "unit": "Units", "place": "Place", "represents": "Represents", "represented-by": "Represented by",
           "manages": "Manages", "managed-by": "Managed by", "identifier": "Identifiers",
           "attested": "attested on", "vacant": "the sources name no holder", "role": "role", "with": "with", "other-parties": "other parties",
           "status": "status", "at": "at", "inferred-year": "the year {year} is a curator's inference",
           "indicator": "Indicator", "value": "Value", "period": "Period", "kind-of-figure": "Kind", "growth": "Growth",
           "vs": "vs", "by": "by", "through": "through", "stated": "Stated", "via-relationships": "Through its relationships",
           "events": "Events both attended", "between": "What is settled between them", "shared-sectors": "Sectors both are engaged in",
           "partners": "Partners in common", "as-of": "As of", "build": "Graph build", "brief": "Brief",
           "pair": "Meeting brief", "and": "and", "no-year": "year unknown",
           "post-without-holder": "Posts without a known holder", "membership-without-year": "Memberships and posts without a year",
           "figure-without-period": "Figures without a period", "event-without-year": "Events without a year",
           "inferred": "inferred",
           "more": "{count} more, earlier or undated, are left out here; the actor's page (at its IRI above) lists them all",
           "drawn": "The drawing shows {shown} of the {total} actors tied to them directly: those with the most ties"},
}


@dataclass
class Note:
    """A footnote: the quote a statement rests on, where it is in which document."""

    number: int
    fact: str
    file: str
    quote: str
    start: int
    end: int
    cited: str  # its document by title, publisher and date (its file name when the build does not describe it)
    url: str  # the document's, "" when not known
    inferred: bool  # the quote is what a curator's inference was drawn from


@dataclass
class Line:
    """One statement of the brief, the facts whose quotes support it, and what it states (for checking it against the graph)."""

    text: str
    sources: tuple[str, ...] = ()  # the facts (or resources) whose quotes it cites
    fact: str = ""
    names: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # values as the brief writes them
    cells: list[str] = field(default_factory=list)  # a table row's cells (its text joins them with " | ")
    when: str = ""  # the day or year it is dated by (ISO), so that a long section keeps its latest lines
    group: str = ""  # what the lines next to it that share it are stated under (the event they arose at)
    notes: list[int] = field(default_factory=list)  # its notes' numbers, once the brief's lines are chosen


@dataclass
class Section:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # a table's columns, when the section is a table
    rows: list[Line] = field(default_factory=list)  # a table's rows, one Line each


@dataclass
class Subject:
    iri: str
    label: str
    other_label: str


@dataclass
class Brief:
    subjects: list[Subject]
    lang: str
    as_of: date
    build: str
    sections: list[Section]
    notes: list[Note]
    svg: str = ""

    @property
    def documents(self) -> list[tuple[str, str]]:
        """The source documents the notes quote, by name (title, publisher, date) and URL, in the order of their names."""
        return sorted({(n.cited, n.url) for n in self.notes})

    @property
    def as_of_text(self) -> str:
        """The day the brief is as of, as its reader writes a date."""
        return written_day(self.as_of.isoformat(), self.lang)

    @property
    def title(self) -> str:
        words = _WORDS[self.lang]
        return f"{words['pair' if len(self.subjects) > 1 else 'brief']}: " + f" {words['and']} ".join(s.label for s in self.subjects)


# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------

def _labels(store: ox.Store, iri: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for predicate in _LABELS:
        for quad in store.quads_for_pattern(ox.NamedNode(iri), predicate, None):
            literal = quad.object
            found.setdefault(literal.language or "", literal.value)  # type: ignore[union-attr]
    return found


def _label(store: ox.Store, iri: str, lang: str) -> str:
    labels = _labels(store, iri)
    return labels.get(lang) or labels.get("vi") or labels.get("en") or labels.get("") or local_name(iri)


def _rows(store: ox.Store, panel: str, **params: str) -> list[dict[str, str]]:
    result = run(store, _PANELS[panel].text, substitutions={ox.Variable(k): ox.NamedNode(v) for k, v in params.items()})
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    solutions = list(result)  # type: ignore[arg-type]
    prefetch = getattr(store, "prefetch", None)  # a SPARQL server's store: the labels of the rows' IRIs in one go
    if prefetch is not None:
        prefetch({t.value for s in solutions for t in s if isinstance(t, ox.NamedNode)}, _LABELS)
    return [{name: s[name].value for name in names if s[name] is not None} for s in solutions]


def _number(value: Decimal, lang: str) -> str:
    """Every digit the graph holds, never rounded: 12.167 -> "12,167" (vi) / "12.167" (en); 1000 -> "1.000" / "1,000"."""
    integer, _, fraction = f"{value.normalize():f}".partition(".")
    text = f"{int(integer):,}" + (f".{fraction}" if fraction else "")
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


_CURRENCIES = {"usd": ("USD", "USD"), "vnd": ("đồng", "VND")}  # how a reader writes each currency, vi and en


def value_text(value: str, unit: str, lang: str, *, unit_label: str = "", qualifier_label: str = "") -> str:
    """A figure as a reader writes it: 20050000000 USD -> "20,05 tỷ USD" / "20.05 billion USD", 4200000000000
    đồng -> "4.200 tỷ đồng" / "4,200 billion VND"; a unit with no form of its own here is written by its label,
    a qualifier ("ít nhất") goes before."""
    amount, unit_name = Decimal(value), local_name(unit)
    if unit_name in _CURRENCIES:
        vi_unit, en_unit = _CURRENCIES[unit_name]
        currency = vi_unit if lang == "vi" else en_unit
        for size, vi, en in ((Decimal(10) ** 9, "tỷ", "billion"), (Decimal(10) ** 6, "triệu", "million")):
            if abs(amount) >= size:
                text = f"{_number(amount / size, lang)} {vi if lang == 'vi' else en} {currency}"
                break
        else:
            text = f"{_number(amount, lang)} {currency}"
    elif unit_name == "percent":
        text = f"{_number(amount, lang)}%"
    elif unit_name == "ordinal-rank":
        text = f"thứ {_number(amount, lang)}" if lang == "vi" else f"No. {_number(amount, lang)}"
    else:
        text = _number(amount, lang) + ("" if unit_name == "count" else f" {unit_label or unit_name}")
    return f"{qualifier_label.lower()} {text}" if qualifier_label else text


def _when(row: dict[str, str], lang: str, *, full: str = "date") -> tuple[str, str]:
    """When a row's fact happened, as a reader writes it, and a remark on its year: its full date (the column
    `full`), or the parts a source gives (gDay ---14, gMonth --04, a year) with the year a curator inferred or
    "year unknown" as the remark; ("", "") with no date."""
    words = _WORDS[lang]
    if row.get(full):
        return written_day(row[full], lang), ""
    if not row.get("month"):
        return "", ""
    day, month, year = row.get("day", "").lstrip("-").lstrip("0"), int(row["month"].lstrip("-")), row.get("year", "")
    text = "/".join(p for p in (day, str(month), year) if p) if lang == "vi" \
        else " ".join(p for p in (day, MONTHS[month - 1], year) if p)
    if year:
        return text, ""
    return text, (words["inferred-year"].format(year=row["inferredYear"]) if row.get("inferredYear") else words["no-year"])


class _Notes:
    """Numbers the quotes as the brief cites them: the first quote cited is [1], and a quote that
    supports several statements keeps its one number."""

    def __init__(self, store: ox.Store, citations: dict[str, Citation], lang: str) -> None:
        self.store, self.citations, self.lang = store, citations, lang
        self.notes: list[Note] = []
        self._by_quote: dict[tuple[str, int, int], int] = {}
        self._by_fact: dict[str, list[int]] = {}

    def cite(self, *facts: str) -> list[int]:
        numbers: list[int] = []
        for fact in facts:
            if fact and fact not in self._by_fact:
                self._by_fact[fact] = []
                rows = run(self.store, _RESOURCE["evidence"].text, substitutions={ox.Variable("resource"): ox.NamedNode(fact)})
                for row in rows:
                    key = (row["file"].value, int(row["start"].value), int(row["end"].value))
                    if key not in self._by_quote:
                        self._by_quote[key] = len(self.notes) + 1
                        citation = self.citations.get(key[0])
                        self.notes.append(Note(len(self.notes) + 1, fact, key[0], row["quote"].value, key[1], key[2],
                                               cited(self.citations, key[0], self.lang), citation.url if citation else "",
                                               row["inferred"].value == "true"))
                    if self._by_quote[key] not in self._by_fact[fact]:
                        self._by_fact[fact].append(self._by_quote[key])
            numbers += [n for n in self._by_fact.get(fact, []) if n not in numbers]
        return sorted(numbers)


def _after(as_of: date, *dates: str) -> bool:
    """Whether what these dates (full dates or years, first known wins) date lies after the day."""
    for text in dates:
        if text and text[:4].isdigit():
            start = text[:10] if len(text) >= 10 else f"{text[:4]}-01-01"
            return start > as_of.isoformat()
    return False


# ---------------------------------------------------------------------------------------------------
# The sections
# ---------------------------------------------------------------------------------------------------

def _who(store: ox.Store, actor: str, lang: str) -> Section:
    words = _WORDS[lang]
    rows = _rows(store, "identity", actor=actor)
    section = Section("who", words["who"])
    values: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        attribute, value = row["attribute"], row["value"]
        if attribute == "name":
            continue
        if attribute == "kind" and not value.startswith((PREFIXES["ig"], PREFIXES["org"], PREFIXES["foaf"], PREFIXES["schema"])):
            continue
        shown = row.get("labelVi" if lang == "vi" else "labelEn") or row.get("labelEn") or row.get("labelVi") \
            or (value if "://" not in value else local_name(value))
        if shown not in values[attribute]:
            values[attribute].append(shown)
    labels = _labels(store, actor)
    names = [n for n in (labels.get("vi"), labels.get("en")) if n]
    if names:
        section.lines.append(Line(f"{words['name']}: " + " · ".join(dict.fromkeys(names)), (actor,), actor, names=names))
    for attribute in ("abbreviation", "kind", "category", "parent", "unit", "place", "represents", "represented-by",
                      "manages", "managed-by", "identifier"):
        if values.get(attribute):
            section.lines.append(Line(f"{words[attribute]}: " + ", ".join(sorted(values[attribute])), (actor,), actor,
                                      names=values[attribute]))
    return section


def _people(store: ox.Store, actor: str, lang: str, as_of: date) -> Section:
    words = _WORDS[lang]
    section = Section("people", words["people"])
    for row in _rows(store, "people", actor=actor):
        if _after(as_of, row.get("attestedOn", ""), row.get("year", "")):
            continue
        role = row.get("roleVi" if lang == "vi" else "roleEn") or local_name(row["role"])
        when, remark = _when(row, lang, full="attestedOn")
        if row.get("vacant") == "true":
            post = _label(store, row["fact"], lang)
            section.lines.append(Line(f"{post} ({role}): {words['vacant']}", (row["fact"],), row["fact"], names=[post]))
            continue
        person, organisation = _label(store, row["person"], lang), _label(store, row["organisation"], lang)
        text = (f"{role}, {organisation}" if row["person"] == actor else f"{person}: {role}"
                + (f", {organisation}" if row["organisation"] != actor else "")) + \
            (f" ({words['attested']} {when}" + (f"; {remark}" if remark else "") + ")" if when else "")
        section.lines.append(Line(text, (row["fact"],), row["fact"], names=[person, organisation],
                                  when=row.get("attestedOn") or row.get("year") or row.get("inferredYear", "")))
    return section


def _figures(store: ox.Store, actor: str, lang: str, as_of: date) -> Section:
    words = _WORDS[lang]
    section = Section("figures", words["figures"], header=[words["indicator"], words["value"], words["period"],
                                                          words["kind-of-figure"], words["growth"]])
    rows = {r["fact"]: r for r in _rows(store, "figures", actor=actor)}
    growth = {r["growthOf"]: r for r in rows.values() if "growthOf" in r}
    for fact, row in rows.items():
        if "growthOf" in row and row["growthOf"] in rows:
            continue  # shown with the figure it measures the growth of
        period = row.get("period") or "–".join(p for p in (row.get("periodStart", ""), row.get("periodEnd", "")) if p)
        if row.get("deadline"):
            period = (period + " " if period else "") + f"({words['by']} {row['deadline']})"
        if _after(as_of, row.get("period", ""), row.get("periodStart", "")):
            continue
        indicator = row.get("indicatorVi" if lang == "vi" else "indicatorEn") or local_name(row["indicator"])
        if row.get("via"):
            indicator += f" ({words['through']} {_label(store, row['via'], lang)})"
        value = value_text(row["value"], row["unit"], lang, unit_label=_label(store, row["unit"], lang),
                           qualifier_label=_label(store, row["qualifier"], lang) if row.get("qualifier") else "")
        figures = [value]
        rate = growth.get(fact)
        growth_text = ""
        sources = (fact,)
        if rate:
            rate_text = value_text(rate["value"], rate["unit"], lang, unit_label=_label(store, rate["unit"], lang))
            growth_text = rate_text + (f" {words['vs']} {rate['comparedWith']}" if rate.get("comparedWith") else "")
            figures.append(rate_text)
            sources += (rate["fact"],)
        status = _label(store, row["status"], lang)
        cells = [indicator, value, period, status, growth_text]
        section.rows.append(Line(" | ".join(cells), sources, fact, figures=figures, cells=cells,
                                 when=row.get("period") or row.get("periodStart") or row.get("periodEnd", "")))
    return section


def _engagements(store: ox.Store, actor: str, lang: str, as_of: date) -> Section:
    words = _WORDS[lang]
    section = Section("engagements", words["engagements"])
    events: dict[str, dict] = {}
    for row in _rows(store, "engagements", actor=actor):
        entry = events.setdefault(row["event"], {"row": row, "with": {}})
        if "counterpart" in row:
            entry["with"][row["counterpart"]] = row["counterpartRole"]
    ordered = sorted(events.items(), key=lambda e: (e[1]["row"].get("date") or e[1]["row"].get("year")
                                                   or e[1]["row"].get("inferredYear") or "9999", e[0]))
    for event, entry in ordered:
        row = entry["row"]
        if _after(as_of, row.get("date", ""), row.get("year", "")):
            continue
        when, remark = _when(row, lang)
        when = f"{when} ({remark})" if remark else when or words["no-year"].capitalize()  # it opens the line
        label = _label(store, event, lang)
        others = [f"{_label(store, c, lang)} ({_label(store, r, lang).lower()})" for c, r in sorted(entry["with"].items())]
        text = f"{when} — {label} — {words['role']}: {_label(store, row['role'], lang).lower()}"
        if others:
            text += f" — {words['with']}: " + "; ".join(others)
        section.lines.append(Line(text, (row["fact"], event), event,
                                  names=[label, *(_label(store, c, lang) for c in entry["with"])],
                                  when=row.get("date") or row.get("year") or row.get("inferredYear", "")))
    return section


def _relationships(store: ox.Store, rows: list[dict[str, str]], lang: str, as_of: date, *, other: str | None = None,
                   between: bool = False, is_open: bool | None = None, key: str = "relationships") -> Section:
    """An actor's relationships, from the rows of its relationships panel: with `other` given, those the other
    is in too (`between`) or those it is not in; with `is_open` given, only those still open (proposed,
    requested, …) or only those that are not."""
    words = _WORDS[lang]
    section = Section(key, words[key])
    facts: dict[str, dict] = {}
    for row in rows:
        entry = facts.setdefault(row["fact"], {"row": row, "with": {}})
        if "counterpart" in row:
            entry["with"].setdefault(row["counterpart"], row["counterpartPosition"])

    def order(item: tuple[str, dict]) -> tuple[str, ...]:  # those with no event first, then by event, date first
        row = item[1]["row"]
        return (row.get("eventDate", "") if row.get("event") else "", row.get("event", ""), row["kind"], item[0])

    for fact, entry in sorted(facts.items(), key=order):
        row = entry["row"]
        if other and (other in entry["with"]) != between:
            continue
        if is_open is not None and (local_name(row.get("status", "")) in _OPEN) != is_open:
            continue
        if _after(as_of, row.get("date", "")):
            continue
        parts = [f"{_label(store, row['kind'], lang)}: {_label(store, fact, lang)}"]
        if row.get("status"):
            parts.append(f"{words['status']}: {_label(store, row['status'], lang).lower()}")
        if row.get("date"):
            parts.append(row["date"])
        # between the two, the other is a party to every line: name only who else is
        counterparts = sorted(_label(store, c, lang) for c in entry["with"] if not (between and c == other))
        if counterparts:
            parts.append(f"{words['other-parties' if between else 'with']}: " + ", ".join(counterparts))
        group = ""  # the lines that arose at one event are stated under it, which is named once
        if row.get("event"):
            event = _label(store, row["event"], lang)
            group = f"{words['at'].capitalize()} {event}" + (f" ({written_day(row['eventDate'], lang)})" if row.get("eventDate") else "")
            counterparts.append(event)
        section.lines.append(Line(" — ".join(parts), (fact,), fact, names=counterparts,
                                  when=row.get("date") or row.get("eventDate", ""), group=group))
    return section


def _sectors(store: ox.Store, actor: str, lang: str) -> Section:
    words = _WORDS[lang]
    section = Section("sectors", words["sectors"])
    by_how: dict[str, dict[str, list[str]]] = {"focus": defaultdict(list), "relationship": defaultdict(list)}
    for row in _rows(store, "sectors", actor=actor):
        by_how[row["how"]][row["sector"]].append(row["fact"])
    for how, title in (("focus", words["stated"]), ("relationship", words["via-relationships"])):
        if by_how[how]:
            names = sorted(_label(store, s, lang) for s in by_how[how])
            facts = sorted({min(fs) for fs in by_how[how].values()})  # one quote a sector: a hub has hundreds
            section.lines.append(Line(f"{title}: " + ", ".join(names), tuple(facts), names=names))
    return section


def _shared(store: ox.Store, actor: str, other: str, lang: str, as_of: date) -> Section:
    words = _WORDS[lang]
    section = Section("shared", words["shared"])
    found: dict[str, dict[str, set[tuple[str, str]]]] = {w: defaultdict(set) for w in ("event", "sector", "partner")}
    for row in _rows(store, "shared", actor=actor, other=other):
        found[row["what"]][row["thing"]].add((row["factA"], row["factB"]))
    for what, title in (("event", "events"), ("sector", "shared-sectors"), ("partner", "partners")):
        if found[what]:
            names = sorted(_label(store, thing, lang) for thing in found[what])
            facts = sorted({f for pairs in found[what].values() for f in min(pairs)})  # one pair of quotes a thing
            section.lines.append(Line(f"{words[title]}: " + "; ".join(names), tuple(facts), names=names))
    return section


def _gaps(store: ox.Store, actor: str, lang: str) -> Section:
    words = _WORDS[lang]
    section = Section("gaps", words["gaps"])
    by_gap: dict[str, list[str]] = defaultdict(list)
    for row in _rows(store, "gaps", actor=actor):
        label = _label(store, row["thing"], lang)
        by_gap[row["gap"]].append(label if label == local_name(row["thing"]) else f"{label} ({local_name(row['thing'])})")
    for gap, things in by_gap.items():
        section.lines.append(Line(f"{words[gap]}: " + "; ".join(sorted(set(things)))))
    return section


_DRAWN = 40  # actors an ego network's drawing holds, the subjects among them


def _network(network: nw.Network, subjects: list[str], lang: str, as_of: date) -> tuple[Section, str]:
    words = _WORDS[lang]
    section = Section("network", words["network"])
    egos = {}
    for subject in subjects:
        with suppress(ParameterError):  # no tie as of the day: no position, nothing to draw
            egos[subject] = nw.ego_view(network, nw.Filters(as_of=as_of), subject, 1)
    present = list(egos)
    if not present:
        return section, ""
    around = nw.collaboration(nx.compose_all(egos.values()))
    positions = network.position(as_of)
    for subject in present:
        section.lines.append(Line(positions[subject][lang]))
    if len(around) > _DRAWN:  # a hub's hundreds of partners make no picture: draw those most tied to the subjects
        ties = sorted((-tie["weight"], node) for s in present for node, tie in around[s].items() if node not in present)
        kept = list(dict.fromkeys([*present, *(node for _, node in ties)]))[:_DRAWN]
        section.lines.append(Line(words["drawn"].format(shown=len(kept) - len(present), total=len(around) - len(present))))
        around = nw.induced(around, kept)
    return section, _svg(around, present, lang)


def _svg(graph: nx.Graph, centres: list[str], lang: str) -> str:
    """The ego network as an inline SVG: nodes coloured by category, the subjects ringed, labels as text."""
    from xml.sax.saxutils import escape, quoteattr

    width, height, margin = 760, 460, 120  # room for a label either side of a node at the edge
    layout = (nx.kamada_kawai_layout(graph) if 2 < len(graph) <= 200 else nx.spring_layout(graph, seed=7))
    xs, ys = [p[0] for p in layout.values()], [p[1] for p in layout.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(node: str) -> tuple[float, float]:
        x, y = layout[node]
        return (margin + (x - min(xs)) / span_x * (width - 2 * margin), margin / 2 + (y - min(ys)) / span_y * (height - margin))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label={quoteattr("mạng lưới quanh chủ thể" if lang == "vi" else "ego network")}>']
    ties: dict[str, list[str]] = defaultdict(list)  # one path for the ties of a width, not an element a tie
    for a, b, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = at(a), at(b)
        ties[f'{min(1 + math.log2(data["weight"]), 6):.1f}'].append(f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}")
    for width_of_tie, segments in sorted(ties.items()):
        parts.append(f'<path d="{"".join(segments)}" stroke="#9aa5b1" stroke-width="{width_of_tie}" fill="none"/>')
    for node, data in graph.nodes(data=True):
        x, y = at(node)
        colour = CATEGORY_COLOURS.get(data.get("category", ""), "#b0b0b0")
        ring = ' stroke="#1d2329" stroke-width="3"' if node in centres else ""
        label = data.get(f"label_{lang}") or local_name(node)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{12 if node in centres else 8}" fill="{colour}"{ring}/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 22:.1f}" font-size="11" text-anchor="middle">{escape(label if len(label) <= 34 else label[:33] + "…")}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------------
# The brief
# ---------------------------------------------------------------------------------------------------

def build_brief(store: ox.Store, actor: str, *, other: str | None = None, lang: str = "vi", as_of: date | None = None,
                manifest: Manifest | None = None, network: nw.Network | None = None) -> Brief:
    """The brief on one actor, or on a pair before they meet (`other`), from a store.

    Raises ParameterError for an unknown or ambiguous actor or language.
    """
    if lang not in _WORDS:
        raise ParameterError(f"lang is vi or en, not {lang!r}")
    day = as_of or date.today()
    subjects = [find_actor(store, actor)] + ([find_actor(store, other)] if other else [])
    if len(set(subjects)) != len(subjects):
        raise ParameterError("a meeting brief needs two different actors")
    relationships = {s: _rows(store, "relationships", actor=s) for s in subjects}  # read once; a pair uses the first's thrice
    sections: list[Section] = []
    stated: set[str] = set()  # in a meeting brief, what the first actor's sections state is not said again
    for subject in subjects:
        own = [_who(store, subject, lang), _people(store, subject, lang, day),
               _figures(store, subject, lang, day), _engagements(store, subject, lang, day),
               _relationships(store, relationships[subject], lang, day, other=next((o for o in subjects if o != subject), None)),
               _sectors(store, subject, lang)]
        for section in own:
            _leave_out(section, stated)
            stated |= {line.fact for line in section.lines + section.rows if line.fact and section.key != "who"}
            if len(subjects) > 1:
                section.title = f"{section.title} — {_label(store, subject, lang)}"
        sections += own
    if other:
        sections.append(_shared(store, subjects[0], subjects[1], lang, day))
        # what ties the two, once: settled (signed, completed) apart from still open
        sections.append(_relationships(store, relationships[subjects[0]], lang, day, other=subjects[1], between=True,
                                       is_open=False, key="between"))
        sections.append(_relationships(store, relationships[subjects[0]], lang, day, other=subjects[1], between=True,
                                       is_open=True, key="open"))
    network = network or nw.project(store, shared_sectors=False)
    position, svg = _network(network, subjects, lang, day)
    sections.append(position)
    for subject in subjects:
        gaps = _gaps(store, subject, lang)
        if len(subjects) > 1:
            gaps.title = f"{gaps.title} — {_label(store, subject, lang)}"
        sections.append(gaps)
    kept = [s for s in sections if s.lines or s.rows]
    notes = _Notes(store, network.citations, lang)
    for section in kept:
        _cut_to_latest(section, lang)
        for line in section.rows + section.lines:  # numbered in reading order, and only for the lines kept
            line.notes = notes.cite(*line.sources)
    build = f"{manifest.built_at} ({manifest.fingerprint[:12]})" if manifest else ""
    return Brief([Subject(s, _label(store, s, lang), _label(store, s, "en" if lang == "vi" else "vi")) for s in subjects],
                 lang, day, build, kept, notes.notes, svg)


_LONGEST = 25  # lines or table rows a section states: a hub's hundreds make no brief


def _cut_to_latest(section: Section, lang: str) -> None:
    """Keep the latest `_LONGEST` lines (or rows) of a longer section, in their order, and say how many are left out."""
    stated = section.rows or section.lines
    if len(stated) <= _LONGEST:
        return
    left_out = len(stated) - _LONGEST
    latest = sorted(sorted(range(len(stated)), key=lambda i: stated[i].when, reverse=True)[:_LONGEST])
    stated[:] = [stated[i] for i in latest]
    section.lines.append(Line(_WORDS[lang]["more"].format(count=left_out)))


def _leave_out(section: Section, stated: set[str]) -> None:
    """Drop the lines and table rows that state a fact already stated."""
    if section.key == "who":
        return
    section.lines = [line for line in section.lines if not line.fact or line.fact not in stated]
    section.rows = [row for row in section.rows if not row.fact or row.fact not in stated]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined,
                              autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False))


def render(brief: Brief, fmt: str) -> bytes:
    """The brief as Markdown, self-contained HTML or PDF.

    Raises ParameterError for an unknown format, PdfUnavailable when WeasyPrint cannot run here.
    """
    if fmt not in FORMATS:
        raise ParameterError(f"unknown brief format {fmt!r}; use md, html or pdf")
    context = {"b": brief, "w": _WORDS[brief.lang], "for_print": fmt == "pdf"}
    if fmt == "md":
        return _environment().get_template("brief.md").render(**context).encode("utf-8")
    html = _environment().get_template("brief.html").render(**context)
    if fmt == "html":
        return html.encode("utf-8")
    try:
        import weasyprint
    except (ImportError, OSError) as e:  # OSError: the package is there, its system libraries (Pango) are not
        raise PdfUnavailable(f"PDF needs WeasyPrint and its system libraries: {e}. On Debian: "
                             "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; or ask for md or html") from e
    return weasyprint.HTML(string=html).write_pdf()  # type: ignore[no-any-return]
