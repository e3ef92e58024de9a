"""Registering source articles: the text stored byte for byte, and its document node in graph/data.

An article is a UTF-8, NFC text file. Its quotes' offsets are code points of the file as stored, so
nothing in it is changed: a file that would need changing (another encoding, another normal form, a
saved web page) is refused with what to do instead. A registered article is two files, written in
this order, each atomically and never over another file:

1. its text, in `settings.sources_dir` as `<NNN>_<first 16 hex digits of its SHA-256>.txt`;
2. its document node, in `settings.data_dir` as `<NNN>_<slug of its title>.ttl`.

A failure between the two leaves a complete text and no data file; registering the same article
again reuses that text and writes the data file.
"""

import errno
import hashlib
import os
import re
import secrets
import shlex
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pyoxigraph as ox

from graph.errors import InputError
from graph.namespaces import ID
from graph.rdfio import RdfFile, check_safe, discover, folder_lock, sync_folder
from graph.settings import Settings
from graph.text import fold, slug, written_day

__all__ = [
    "SourceRefused", "Article", "Header", "Registered", "RegisteredDocument",
    "read_article", "register", "registered_documents", "source_path", "articles_in", "parse_issued",
    "Citation", "citations", "cited",
]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DCTERMS = "http://purl.org/dc/terms/"
_SHA256 = "https://w3id.org/innograph/ontology#sha256"
_LABELS = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
           "http://www.w3.org/2004/02/skos/core#altLabel", "http://www.w3.org/2004/02/skos/core#hiddenLabel"}
_NUMBERED = re.compile(r"^(\d{3,})_")
_DOC_IRI = re.compile(re.escape(str(ID)) + r"doc-(\d{3,})$")
_MAX_TITLE = 300  # a longer "first line" is a paragraph, not a title
_HEAD_LINES = 6   # a dateline is looked for among this many non-empty lines after the header


class SourceRefused(InputError):
    """An article was not registered: what is wrong with which file, and how to fix it.

    Nothing was written, unless a write failed after the text was stored; the message then says that
    adding the article again finishes it.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Header:
    """The `KEY: value` lines at the top of an article (URL, TITLE, DATE, PUBLISHER, AUTHOR), as written."""

    url: str | None = None
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Article:
    """An article's bytes as read, its text, and what its first lines say about it."""

    path: Path
    data: bytes
    text: str
    sha256: str
    header: Header
    dateline: date | None  # a datetime when the dateline gives a time
    first_line: str | None  # the first non-empty line that is neither a header line nor a dateline

    @property
    def title(self) -> str | None:
        """The TITLE header, or else the first line that is neither header nor dateline."""
        return self.header.title or self.first_line


class RegisteredDocument(NamedTuple):
    """A document already in the graph: its IRI and its file name (dcterms:identifier)."""

    iri: str
    file: str


@dataclass(frozen=True)
class Registered:
    """What `register` did with one article: added it (`added`), or found it already registered."""

    added: bool
    doc: str  # the document's IRI
    identifier: str  # the stored file name, its dcterms:identifier
    sha256: str
    characters: int  # code points of the text as stored
    title: str | None = None
    issued: date | None = None  # a datetime when the time is known
    url: str | None = None
    publisher: str | None = None  # the publisher's IRI, when it is in graph/data
    text_file: Path | None = None
    data_file: Path | None = None  # the RDF file that holds the document node
    notes: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        """The document's short name: doc-005."""
        return self.doc.removeprefix(str(ID))


def source_path(settings: Settings, file_name: str) -> Path | None:
    """Where a document's text is: sources_dir/file_name, else seeds_dir/file_name; None when neither exists.

    A name that is not a plain file name (a path, `..`) is never looked up and gives None.
    """
    if not file_name or file_name in (".", "..") or Path(file_name).name != file_name or "\\" in file_name:
        return None
    for folder in (settings.sources_dir, settings.seeds_dir):
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    return None


def articles_in(paths: Iterable[Path]) -> list[Path]:
    """The articles the paths name: a file as it is, a folder as every *.txt in it, sorted by name.

    Hidden files in a folder (.name.txt, macOS's ._name.txt) are left out, as a shell's *.txt leaves them.

    Raises InputError for a folder that holds no *.txt file.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            texts = sorted(p for p in path.glob("*.txt") if p.is_file() and not p.name.startswith("."))
            if not texts:
                raise InputError(f"{path}: no *.txt file in this folder; save each article's text as a .txt file")
            found += texts
        else:
            found.append(path)
    return found


# ---------------------------------------------------------------------------------------------
# Reading an article
# ---------------------------------------------------------------------------------------------

_HEADER_KEYS = {"url": "url", "link": "url", "title": "title", "date": "date", "issued": "date",
                "published": "date", "publisher": "publisher", "author": "author"}
_HEADER = re.compile(r"^\s*(" + "|".join(_HEADER_KEYS) + r")\s*:\s*(.*?)\s*$", re.IGNORECASE)
_HTML_START = re.compile(r"^\s*<(!doctype|html|head|body)\b", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?(html|head|body|meta|link|script|style|div|span|p|a|br|img|ul|ol|li|table|tr|td|th|"
                       r"h[1-6]|strong|em|b|i|figure|figcaption|section|article|header|footer|nav|iframe|form|input)"
                       r"\b[^<>]*>", re.IGNORECASE)
_NFC_FIX = ("python3 -c 'import sys,unicodedata as u;p=sys.argv[1];t=open(p,encoding=\"utf-8\",newline=\"\").read();"
            "open(p,\"w\",encoding=\"utf-8\",newline=\"\").write(u.normalize(\"NFC\",t))' ")


def read_article(path: Path, *, max_bytes: int) -> Article:
    """Read an article and check it can be stored as it is: UTF-8, NFC, text, not a web page, not too large.

    The size is checked before anything is read, so a huge file is refused at once.

    Raises SourceRefused naming the file, the problem and its fix.
    """
    try:
        info = path.stat()
    except FileNotFoundError as e:
        raise SourceRefused(path, "no such file") from e
    except OSError as e:
        raise SourceRefused(path, f"cannot be read: {e.strerror}") from e
    if not stat.S_ISREG(info.st_mode):
        raise SourceRefused(path, "not a regular file; give an article's .txt file, or a folder of them")
    if info.st_size > max_bytes:
        raise SourceRefused(path, _too_large(info.st_size, max_bytes))
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since it was measured
    except OSError as e:
        raise SourceRefused(path, f"cannot be read: {e.strerror}") from e
    if len(data) > max_bytes:
        raise SourceRefused(path, _too_large(len(data), max_bytes))
    nul = data.find(b"\0")
    if nul >= 0:
        raise SourceRefused(path, f"holds NUL bytes (the first at byte offset {nul}): it is a binary file, or text "
                                  "saved as UTF-16; save the article's text as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SourceRefused(path, f"is not UTF-8: byte 0x{data[e.start]:02X} at byte offset {e.start} (line {line}) "
                                  "cannot be read; save the file as UTF-8 (for a file in Windows-1258, say: "
                                  f"iconv -f WINDOWS-1258 -t UTF-8 {_quoted(path)} > {_quoted(path)}.utf8)") from e
    if text.startswith("\ufeff"):
        raise SourceRefused(path, "starts with a byte-order mark (U+FEFF), which some readers drop and others count, "
                                  "so quote offsets would disagree; save it as UTF-8 without BOM")
    if not text.strip():
        raise SourceRefused(path, "is empty (or holds only white space); save the article's text in it")
    if _looks_like_html(text):
        raise SourceRefused(path, "is an HTML page, not an article's text: save the article's text, not the page "
                                  "(select the article in the browser, copy it and paste it into a UTF-8 .txt file)")
    if not unicodedata.is_normalized("NFC", text):
        at = _first_not_nfc(text)
        line = text.count("\n", 0, at) + 1
        raise SourceRefused(path, f"is not in Unicode NFC form (the first decomposed character at code point {at}, "
                                  f"line {line}); quote offsets are read against the file as stored, so store it in "
                                  f"NFC, e.g. {_NFC_FIX}{_quoted(path)}, then add it again")
    header, dateline, first_line = _read_head(path, text)
    return Article(path=path, data=data, text=text, sha256=hashlib.sha256(data).hexdigest(), header=header,
                   dateline=dateline, first_line=first_line)


def _quoted(path: Path) -> str:
    return shlex.quote(str(path))


def _too_large(size: int, max_bytes: int) -> str:
    return (f"is {size:,} bytes, over the {max_bytes:,}-byte limit for an article (setting max_source_bytes, "
            "INNOGRAPH_MAX_SOURCE_BYTES); save only the article's text, or raise the limit if it really is that long")


def _looks_like_html(text: str) -> bool:
    """A page starts with <!doctype, <html, <head or <body, or is mostly HTML tags."""
    if _HTML_START.match(text):
        return True
    tags = _HTML_TAG.findall(text)
    if len(tags) < 5:
        return False
    tag_chars = sum(len(m.group(0)) for m in _HTML_TAG.finditer(text))
    visible = sum(1 for c in text if not c.isspace())
    return tag_chars * 5 >= visible  # tags make a fifth of what is not white space


def _first_not_nfc(text: str) -> int:
    """The code point at which the text first differs from its NFC form."""
    nfc = unicodedata.normalize("NFC", text)
    for i, (a, b) in enumerate(zip(text, nfc)):
        if a != b:
            return i
    return min(len(text), len(nfc))


def _read_head(path: Path, text: str) -> tuple[Header, date | None, str | None]:
    """The header lines at the top, a dateline among the first lines, and the first other line.

    Raises SourceRefused for a header key given twice with different values.
    """
    lines = text.split("\n")
    values: dict[str, tuple[str, int]] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        match = _HEADER.match(line)
        if not match:
            break
        key, value = _HEADER_KEYS[match.group(1).lower()], match.group(2)
        if value:
            if key in values and values[key][0] != value:
                raise SourceRefused(path, f"line {values[key][1]} and line {index + 1} both give the {key.upper()}; keep one")
            values.setdefault(key, (value, index + 1))
        index += 1
    header = Header(**{key: value for key, (value, _) in values.items()})
    dateline: date | None = None
    first_line: str | None = None
    seen = 0
    for line in lines[index:]:
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        parsed = _parse_dateline(stripped) if seen <= _HEAD_LINES else None
        if parsed is not None:
            if dateline is None:
                dateline = parsed
            continue
        if first_line is None:
            first_line = stripped
        if seen >= _HEAD_LINES:
            break
    return header, dateline, first_line


# ---------------------------------------------------------------------------------------------
# Dates: ISO 8601, and datelines as Vietnamese and English news sites print them
# ---------------------------------------------------------------------------------------------

_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for name in names}
_WEEKDAY = re.compile(r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|cn|t[2-7]|"
                      r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
                      r"sat(?:urday)?|sun(?:day)?)\.?\s*[,|-]?\s*")
_DAY_NUMERIC = re.compile(r"(?:ngày\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_DAY_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DAY_MONTH_FIRST = re.compile(r"([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(\d{4})")
_DAY_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?\s*,?\s+(\d{4})")
_TIME = re.compile(r"(\d{1,2})\s*[:h]\s*(\d{2})(?::(\d{2}))?(?:\s*(am|pm|sa|ch)\b)?")
_ZONE = re.compile(r"\(?\s*(?:gmt|utc)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\s*\)?")
_SEP = re.compile(r"\s*[|,–—-]?\s*")


_DATE_LABEL = re.compile(r"^(?:Ngày|Ngày đăng|Đăng ngày|Cập nhật|Thời gian|Published|Updated)\s*:\s*", re.IGNORECASE)


def parse_issued(text: str) -> date | None:
    """The date (a datetime when a time is given) that `text` writes, or None when it is not one.

    Reads ISO 8601 (2024-12-28, 2024-12-28T09:52:00+07:00) and datelines: "December 28, 2024 | 09:52 GMT+7",
    "28/12/2024 09:52", "Thứ bảy, 28/12/2024, 09:52 (GMT+7)", with a label before it as pages print one
    ("Ngày: 15-07-2025", "Cập nhật: …"). A time without a zone stays without one.
    """
    text = _DATE_LABEL.sub("", text.strip())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None
    return _parse_dateline(text)


def _parse_dateline(line: str) -> date | None:
    """A whole line that is a date, with or without weekday, time and zone; None for any other line."""
    s = unicodedata.normalize("NFC", line).strip().casefold()
    weekday = _WEEKDAY.match(s)
    if weekday and _starts_with_day_or_time(s[weekday.end():]):
        s = s[weekday.end():]
    day, after = _match_day(s, 0)
    if day is not None:
        clock = _match_time_zone(s, after)
        return None if clock is False else _combine(day, clock)
    clock_first = _TIME.match(s)
    if clock_first:
        sep = _SEP.match(s, clock_first.end())
        day, after = _match_day(s, sep.end() if sep else clock_first.end())
        if day is not None:
            zone = _match_zone_only(s, after)
            if zone is False:
                return None
            moment = _clock(clock_first, zone)
            return None if moment is None else _combine(day, moment)
    return None


def _starts_with_day_or_time(s: str) -> bool:
    return any(rx.match(s) for rx in (_DAY_NUMERIC, _DAY_ISO, _DAY_MONTH_FIRST, _DAY_DAY_FIRST, _TIME))


def _match_day(s: str, at: int) -> tuple[date | None, int]:
    for rx, order in ((_DAY_ISO, "ymd"), (_DAY_NUMERIC, "dmy"), (_DAY_MONTH_FIRST, "Mdy"), (_DAY_DAY_FIRST, "dMy")):
        m = rx.match(s, at)
        if not m:
            continue
        parts = dict(zip(order, m.groups()))
        month = _MONTHS.get(parts["M"]) if "M" in parts else int(parts["m"])
        if month is None:
            continue
        try:
            return date(int(parts["y"]), month, int(parts["d"])), m.end()
        except ValueError:
            return None, at
    return None, at


def _match_time_zone(s: str, at: int) -> time | None | bool:
    """What follows a day: nothing (None), a time with an optional zone (a time), or anything else (False)."""
    if not s[at:].strip():
        return None
    sep = _SEP.match(s, at)
    position = sep.end() if sep else at
    clock = _TIME.match(s, position)
    if not clock:  # a zone with no time says nothing more than the day
        return None if _ZONE.fullmatch(s, position) else False
    zone = _match_zone_only(s, clock.end())
    if zone is False:
        return False
    moment = _clock(clock, zone)
    return False if moment is None else moment


def _match_zone_only(s: str, at: int) -> timezone | None | bool:
    """What follows a time: nothing (None), a zone (a timezone), or anything else (False)."""
    rest = s[at:]
    if not rest.strip():
        return None
    sep = _SEP.match(s, at)
    zone = _ZONE.fullmatch(s, sep.end() if sep else at)
    if not zone:
        return False
    sign, hours, minutes = zone.groups()
    if sign is None:
        return timezone.utc
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if offset > timedelta(hours=14):
        return False
    return timezone(-offset if sign == "-" else offset)


def _clock(m: re.Match[str], zone: timezone | None | bool) -> time | None:
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    meridiem = m.group(4)
    if meridiem in ("pm", "ch") and hour < 12:
        hour += 12
    elif meridiem in ("am", "sa") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second, tzinfo=zone if isinstance(zone, timezone) else None)


def _combine(day: date, clock: time | None) -> date:
    return day if clock is None else datetime.combine(day, clock)


def _xsd_issued(issued: date) -> tuple[str, str]:
    """The lexical form and XSD datatype of an issue date."""
    if isinstance(issued, datetime):
        return issued.isoformat(), "dateTime"
    return issued.isoformat(), "date"


# ---------------------------------------------------------------------------------------------
# What graph/data already holds
# ---------------------------------------------------------------------------------------------

@dataclass
class _Registry:
    """A snapshot of graph/data: documents by SHA-256, the numbers in use, the typed IRIs and their labels."""

    documents: dict[str, RegisteredDocument] = field(default_factory=dict)
    where: dict[str, Path] = field(default_factory=dict)  # document IRI -> the file that gives its sha256
    titles: dict[str, str] = field(default_factory=dict)
    numbers: set[int] = field(default_factory=set)
    typed: set[str] = field(default_factory=set)
    labels: dict[str, set[str]] = field(default_factory=dict)  # folded label -> IRIs


def _read_registry(settings: Settings) -> _Registry:
    """Read every RDF file under data_dir.

    Raises InputError for a missing folder or a file that does not parse.
    """
    folder = settings.data_dir
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; set data_dir (INNOGRAPH_DATA_DIR) to the folder of the curated data")
    try:
        files = discover((folder,))
    except InputError:  # the folder exists but holds no RDF file yet
        files = []
    registry = _Registry()
    identifiers: dict[str, str] = {}
    shas: dict[str, tuple[str, Path]] = {}
    for file in files:
        for t in _statements(file):
            subject, predicate, obj = t.subject, t.predicate.value, t.object
            if not isinstance(subject, ox.NamedNode):
                continue
            if predicate == _RDF_TYPE:
                registry.typed.add(subject.value)
            elif predicate == _SHA256 and isinstance(obj, ox.Literal):
                shas[subject.value] = (obj.value, file.path)
            elif predicate == _DCTERMS + "identifier" and isinstance(obj, ox.Literal):
                identifiers[subject.value] = obj.value
            elif predicate == _DCTERMS + "title" and isinstance(obj, ox.Literal) and obj.language == "vi":
                registry.titles[subject.value] = obj.value
            elif predicate in _LABELS and isinstance(obj, ox.Literal):
                registry.labels.setdefault(fold(obj.value), set()).add(subject.value)
            doc = _DOC_IRI.match(subject.value)
            if doc:
                registry.numbers.add(int(doc.group(1)))
        numbered = _NUMBERED.match(file.path.name)
        if numbered:
            registry.numbers.add(int(numbered.group(1)))
    for iri, (sha, path) in shas.items():
        name = identifiers.get(iri, "")
        registry.documents[sha] = RegisteredDocument(iri=iri, file=name)
        registry.where[iri] = path
    for name in identifiers.values():
        numbered = _NUMBERED.match(name)
        if numbered:
            registry.numbers.add(int(numbered.group(1)))
    return registry


_PARSED: dict[Path, tuple[tuple[int, int], list[ox.Triple | ox.Quad]]] = {}


def _statements(file: RdfFile) -> list[ox.Triple | ox.Quad]:
    """A data file's statements, parsed once while the file stays as it was (its size and time of change):
    a batch of articles reads graph/data again for each one, and it grows with every article added.

    Raises InputError for a file that does not parse.
    """
    status = file.path.stat()
    stamp = (status.st_mtime_ns, status.st_size)
    cached = _PARSED.get(file.path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    data = file.path.read_bytes()
    check_safe(file, data)
    try:
        statements = list(ox.parse(data, format=file.oxigraph_format))
    except SyntaxError as e:
        raise InputError(f"{file.label}: does not parse as {file.oxigraph_format}: {e}; "
                         "fix it before adding sources") from e
    _PARSED[file.path] = (stamp, statements)
    return statements


def registered_documents(settings: Settings) -> dict[str, RegisteredDocument]:
    """The documents graph/data holds, by the SHA-256 of their text: their IRI and file name.

    Raises InputError for a missing data folder or a data file that does not parse.
    """
    return dict(_read_registry(settings).documents)


# ---------------------------------------------------------------------------------------------
# Registering
# ---------------------------------------------------------------------------------------------

def register(settings: Settings, path: Path, *, url: str | None = None, title: str | None = None,
             publisher: str | None = None, issued: str | date | None = None, language: str = "vi") -> Registered:
    """Register the article in `path`: store its text unchanged in sources_dir and its document node in data_dir.

    The options override what the article's header says. An article whose SHA-256 is already in the
    graph is not added again (`added` is False). The publisher (an IRI, `igr:slug`, slug or label)
    is linked by dcterms:publisher only when graph/data describes it; otherwise a note says so.

    Raises SourceRefused for a file that cannot be stored as it is or a field that cannot be written
    (nothing is written), or when a write fails (at most the complete text is left, and adding the
    article again finishes it); InputError when graph/data cannot be read.
    """
    article = read_article(path, max_bytes=settings.max_source_bytes)
    if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*", language):
        raise SourceRefused(path, f"--language {language!r} is not a language tag; write one such as vi or en")
    if language != "vi":
        raise SourceRefused(path, f"the article is in {language!r}, but the shapes (ontology/shapes.ttl, "
                                  "igs:DocumentShape) need a Vietnamese title (@vi) for every source; only "
                                  "Vietnamese articles can be added this way")
    doc_title = _resolve_title(article, title)
    doc_url = _resolve_url(path, url if url is not None else article.header.url,
                           "--url" if url is not None else "the URL line")
    doc_issued = _resolve_issued(article, issued)
    creator = article.header.author
    if creator is not None:
        _check_single_line(path, creator, "the AUTHOR line")
    publisher_name = publisher if publisher is not None else article.header.publisher
    if publisher_name is not None:
        publisher_name = publisher_name.strip() or None
    if publisher_name is not None:
        _check_single_line(path, publisher_name, "--publisher" if publisher is not None else "the PUBLISHER line")
    with folder_lock(settings.data_dir):
        registry = _read_registry(settings)
        known = registry.documents.get(article.sha256)
        if known is not None:
            return Registered(added=False, doc=known.iri, identifier=known.file, sha256=article.sha256,
                              characters=len(article.text), title=registry.titles.get(known.iri),
                              text_file=source_path(settings, known.file), data_file=registry.where.get(known.iri))
        notes: list[str] = []
        publisher_iri = _resolve_publisher(path, publisher_name, registry) if publisher_name else None
        if publisher_name and publisher_iri is None:
            notes.append(f"publisher {publisher_name!r} is not described in {settings.data_dir}, so it is not "
                         "recorded; describe it in actors.ttl, then add dcterms:publisher to the document")
        number, reuse = _number(settings, registry, article)
        stored = f"{number:03d}_{article.sha256[:16]}.txt"
        doc = f"{ID}doc-{number:03d}"
        data_file = settings.data_dir / f"{number:03d}_{slug(doc_title, sep='_', limit=40) or 'article'}.ttl"
        turtle = _turtle(doc=doc, stored=stored, title=doc_title, sha256=article.sha256, url=doc_url,
                         issued=doc_issued, publisher=publisher_iri, publisher_name=publisher_name,
                         creator=creator, language=language)
        _check_turtle(path, turtle)
        text_file = settings.sources_dir / stored
        if reuse:
            notes.append(f"the text was already stored as {text_file} by an earlier, unfinished run; the data file is written now")
        else:
            try:
                settings.sources_dir.mkdir(parents=True, exist_ok=True)
                _publish(text_file, article.data)
            except FileExistsError as e:
                raise SourceRefused(path, f"{text_file} exists and holds other bytes; it is not overwritten: "
                                          "move it away and add the article again") from e
            except OSError as e:
                raise SourceRefused(path, f"its text could not be written to {text_file}: {e.strerror}; "
                                          "nothing was added") from e
        try:
            _publish(data_file, turtle.encode("utf-8"))
        except FileExistsError as e:
            raise SourceRefused(path, f"{data_file} appeared while the article was being added; "
                                      "add the article again") from e
        except OSError as e:
            raise SourceRefused(path, f"its document node could not be written to {data_file}: {e.strerror}; "
                                      f"the text is stored as {text_file}: add the article again to finish") from e
    return Registered(added=True, doc=doc, identifier=stored, sha256=article.sha256, characters=len(article.text),
                      title=doc_title, issued=doc_issued, url=doc_url, publisher=publisher_iri,
                      text_file=text_file, data_file=data_file, notes=tuple(notes))


def _check_single_line(path: Path, value: str, what: str) -> None:
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise SourceRefused(path, f"{what} holds a line break or control character; give it on one line")


def _resolve_title(article: Article, title: str | None) -> str:
    path = article.path
    if title is not None:
        title = title.strip()
        if not title:
            raise SourceRefused(path, "--title is empty; give the article's title")
        _check_single_line(path, title, "--title")
        return title
    if article.header.title:
        _check_single_line(path, article.header.title, "the TITLE line")
        return article.header.title
    if article.first_line is None:
        raise SourceRefused(path, "has no line that could be its title (only header lines and a date); "
                                  "add a TITLE: line at the top or give --title")
    if len(article.first_line) > _MAX_TITLE:
        raise SourceRefused(path, f"its first line is {len(article.first_line)} characters long, a paragraph rather "
                                  "than a title; add a TITLE: line at the top or give --title")
    return article.first_line


_IRI_FORBIDDEN = re.compile(r"[\x00-\x20<>\"{}|^`\\\x7f-\x9f]")


def _resolve_url(path: Path, url: str | None, what: str) -> str | None:
    if url is None:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or _IRI_FORBIDDEN.search(url):
        raise SourceRefused(path, f"{what} {url!r} is not a web address; write it whole, as https://… "
                                  "with spaces and <>\"{}|^`\\ percent-encoded")
    return url


def _resolve_issued(article: Article, issued: str | date | None) -> date | None:
    path = article.path
    if isinstance(issued, date):
        return issued
    if issued is not None:
        parsed = parse_issued(issued)
        if parsed is None:
            raise SourceRefused(path, f"--issued {issued!r} is not a date; write it as YYYY-MM-DD or "
                                      "YYYY-MM-DDTHH:MM:SS+07:00")
        return parsed
    if article.header.date is not None:
        parsed = parse_issued(article.header.date)
        if parsed is None:
            raise SourceRefused(path, f"the DATE line {article.header.date!r} is not a date; write it as YYYY-MM-DD "
                                      "(or as the dateline is printed: 28/12/2024 09:52), or give --issued")
        return parsed
    return article.dateline


def _resolve_publisher(path: Path, name: str, registry: _Registry) -> str | None:
    """The IRI of the publisher graph/data describes under that IRI, slug or label; None when none.

    Raises SourceRefused when the name fits several.
    """
    candidates: set[str] = set()
    local = name.removeprefix("igr:").removeprefix(str(ID)) if name.startswith(("igr:", str(ID))) else None
    for form in filter(None, (local, name, slug(name, limit=200))):
        if f"{ID}{form}" in registry.typed:
            candidates.add(f"{ID}{form}")
    if not candidates:
        candidates = {iri for iri in registry.labels.get(fold(name), set()) if iri in registry.typed}
    if len(candidates) > 1:
        names = ", ".join(sorted("igr:" + c.removeprefix(str(ID)) for c in candidates))
        raise SourceRefused(path, f"publisher {name!r} fits several nodes ({names}); give one with --publisher igr:…")
    return next(iter(candidates), None)


def _number(settings: Settings, registry: _Registry, article: Article) -> tuple[int, bool]:
    """The article's number, and whether its text is already stored under it (an unfinished earlier run).

    Numbers have three digits at least: 000 to 999, then 1000 and on.
    """
    used = set(registry.numbers)
    orphan: int | None = None
    suffix = f"_{article.sha256[:16]}.txt"
    for folder in (settings.sources_dir, settings.seeds_dir):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            numbered = _NUMBERED.match(entry.name)
            if not numbered:
                continue
            number = int(numbered.group(1))
            if (folder == settings.sources_dir and entry.name.endswith(suffix) and number not in registry.numbers
                    and entry.is_file() and entry.read_bytes() == article.data):
                orphan = number
            else:
                used.add(number)
    if orphan is not None and orphan not in used:
        return orphan, True
    return max(used, default=-1) + 1, False


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def _literal(value: str) -> str:
    """A Turtle string literal."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t"))
    escaped = "".join(f"\\u{ord(c):04X}" if unicodedata.category(c) == "Cc" else c for c in escaped)
    return f'"{escaped}"'


def _node(iri: str) -> str:
    local = iri.removeprefix(str(ID))
    if iri.startswith(str(ID)) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", local):
        return f"igr:{local}"
    return f"<{iri}>"


def _turtle(*, doc: str, stored: str, title: str, sha256: str, url: str | None, issued: date | None,
            publisher: str | None, publisher_name: str | None, creator: str | None, language: str) -> str:
    """The document file, in the style of graph/data/documents.ttl."""
    about = ", ".join(filter(None, [publisher_name, _human_date(issued) if issued else None]))
    comments = [
        f"# Source {stored}" + (f" ({about})" if about else "") + ", added by `innograph ingest add`.",
        "# Its text is kept in the sources folder (settings' sources_dir), not in git: the publisher's",
        "# copyright; facts quote it only as short evidence. Add the article's facts below, each with",
        f"# prov:wasDerivedFrom its evidence: `innograph ingest quote sources/{stored} \"…\"`.",
        "# The English title is not known yet: add it as dcterms:title \"…\"@en when it is.",
    ]
    if publisher_name and publisher is None:
        comments.append(f"# The publisher, {publisher_name}, is not described in graph/data yet: describe it in "
                        "actors.ttl, then add dcterms:publisher igr:… here.")
    prefixes = ["@prefix dcterms: <http://purl.org/dc/terms/> .", "@prefix ig: <https://w3id.org/innograph/ontology#> .",
                f"@prefix igr: <{ID}> .", "@prefix schema: <https://schema.org/> .",
                "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    statements = []
    if creator:
        statements.append(f"dcterms:creator {_literal(creator)}")
    statements.append(f"dcterms:identifier {_literal(stored)}")
    if issued is not None:
        lexical, datatype = _xsd_issued(issued)
        statements.append(f"dcterms:issued {_literal(lexical)}^^xsd:{datatype}")
    statements.append(f"dcterms:language {_literal(language)}^^xsd:language")
    if publisher is not None:
        statements.append(f"dcterms:publisher {_node(publisher)}")
    statements.append(f"dcterms:title {_literal(title)}@{language}")
    if url is not None:
        statements.append(f"schema:url <{url}>")
    statements.append(f"ig:sha256 {_literal(sha256)}")
    body = f"{_node(doc)} a schema:NewsArticle ;\n    " + " ;\n    ".join(statements) + " .\n"
    return "\n".join(comments) + "\n\n" + "\n".join(prefixes) + "\n\n" + body


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def _human_date(issued: date) -> str:
    return f"{issued.day} {_MONTH_NAMES[issued.month - 1]} {issued.year}"


def _check_turtle(path: Path, turtle: str) -> None:
    """The document file parses; a field that would break it is refused before anything is written."""
    try:
        list(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError as e:
        raise SourceRefused(path, f"its document node would not parse as Turtle ({e}); check the title, URL and "
                                  "publisher for unusual characters") from e


def _publish(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically: a temporary file beside it, synced, then linked into place.

    The link fails rather than replace a file that is there, so nothing is ever overwritten; a
    filesystem without hard links gets os.replace after a check that the name is free.

    Raises FileExistsError when `target` exists.
    """
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        with partial.open("xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(partial, target)
        except FileExistsError:
            raise
        except OSError as e:
            if e.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            if target.exists():
                raise FileExistsError(errno.EEXIST, "exists", str(target)) from e
            os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    sync_folder(target.parent)


@dataclass(frozen=True)
class Citation:
    """A source document as it is named wherever its quotes are shown: by its title, publisher and date (and
    URL where known), not by the name of its text's file."""

    file: str
    titles: dict[str, str]  # by language
    publishers: dict[str, str]  # the publisher's name, by language
    issued: str = ""  # its date, YYYY-MM-DD (or the year alone), "" when not known
    url: str = ""

    @classmethod
    def of(cls, row: dict[str, str]) -> "Citation":
        """From a row of graph/queries/resource/citations.rq, each column by its lexical value."""
        pick = lambda prefix: {lang: row[f"{prefix}_{lang}"] for lang in ("vi", "en") if row.get(f"{prefix}_{lang}")}  # noqa: E731
        issued = row.get("issued", "")
        return cls(row["file"], pick("title"), pick("publisher"), issued[:10] if len(issued) >= 10 else issued[:4],
                   row.get("url", ""))

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("vi") or self.titles.get("en") or self.file

    def text(self, lang: str) -> str:
        """"Title — Publisher, 28/12/2024" in vi, "Title — Publisher, 2024-12-28" in en; what is not known is left out."""
        publisher = self.publishers.get(lang) or self.publishers.get("vi") or self.publishers.get("en") or ""
        when = written_day(self.issued, lang) if len(self.issued) == 10 else self.issued
        about = ", ".join(p for p in (publisher, when) if p)
        return self.title(lang) + (f" — {about}" if about else "")


def cited(citations: dict[str, Citation], file: str, lang: str) -> str:
    """The name a quote's source is shown by: its citation, or the file name of a text the build does not describe."""
    citation = citations.get(file)
    return citation.text(lang) if citation is not None else file


_CITATIONS = Path(__file__).parent / "queries" / "resource" / "citations.rq"


def citations(store: "ox.Store") -> dict[str, Citation]:
    """Every source document of a store (or a SPARQL server's build), by the file name of its text."""
    rows = store.query(_CITATIONS.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    found = {}
    for row in rows:  # type: ignore[union-attr]
        values = {v.value: row[v].value for v in rows.variables if row[v] is not None}  # type: ignore[union-attr]
        found[values["file"]] = Citation.of(values)
    return found
