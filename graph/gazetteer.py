"""Finding the actors the graph already knows in an article's text, each mention linked to its IRI.

The gazetteer reads every actor's names (labels, variants, abbreviations, diacritic-free forms) with one
query and finds them in a text:

- leftmost-longest, no two mentions overlapping, each bounded by non-word characters on both sides;
- with or without Vietnamese diacritics (text and names folded by graph.text.fold; a one-word name or a
  common noun must keep its diacritics where the text has any: "Sở", not "Số"), across any run of white
  space (no-break spaces included), a dash with or without spaces, a full stop with or without one;
- an abbreviation of at most six capitals ("SHTP", "C4IR", "UBND", "TP.HCM") in capitals only, any other
  name in any case, except that a name written with capitals is not found where the text has none
  ("tiến bộ khoa học và công nghệ");
- not inside a post or unit term of the graph's vocabularies ("Bộ" in "Bộ trưởng", "Mỹ" in "đô la Mỹ"),
  not at the end of a capitalised name the graph does not know ("Bình Dương" in "Thái Bình Dương"), and a
  place not as the attribute of people, firms or goods ("doanh nghiệp Việt Nam");
- a common noun ("Thành phố", "Trung tâm", "Bộ", "Ban Quản lý") only as a reference back to the last actor
  of its kind the text has named in full;
- a form several actors share goes to the one the text otherwise names most, then to the one whose places
  it names most; if that does not settle it, the mention says which others it could be.

Offsets are code points of the text as given, so ``text[m.start:m.end] == m.surface``.
"""

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import pyoxigraph as ox

from graph.query import run
from graph.text import fold

__all__ = ["Mention", "Gazetteer", "Score", "GENERIC_FORMS", "leave_one_out"]

_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_FOAF = "http://xmlns.com/foaf/0.1/"
_IG = "https://w3id.org/innograph/ontology#"
_SCHEMA = "https://schema.org/"

_NAMES = """# Which actors (organisations, units, collaborations, localities, regions, zones, countries, places, people,
# programmes, schemes, trade agreements, policy documents) does the graph know, by which names, of which class, tied to which places, evidenced by
# which sources; and which post and unit terms ("Bộ trưởng", "đô la Mỹ") hold an actor's name inside them.
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX ig: <https://w3id.org/innograph/ontology#>
PREFIX scheme: <https://w3id.org/innograph/concept/scheme/>
SELECT ?kind ?subject ?cls ?prop ?value WHERE {
  {
    { SELECT DISTINCT ?subject ?cls WHERE {
        VALUES ?top { org:FormalOrganization org:OrganizationalUnit org:OrganizationalCollaboration ig:Locality
                      ig:Region ig:Zone schema:Country schema:Place foaf:Person ig:Programme ig:Scheme
                      ig:TradeAgreement ig:PolicyDocument }
        ?cls rdfs:subClassOf* ?top .
        ?subject a ?cls .
    } }
    {
      VALUES ?prop { rdfs:label skos:prefLabel skos:altLabel skos:hiddenLabel foaf:name }
      ?subject ?prop ?value .
      FILTER (isLiteral(?value))
      BIND ("name" AS ?kind)
    } UNION {
      VALUES ?prop { schema:location schema:areaServed org:subOrganizationOf schema:containedInPlace }
      ?subject ?prop ?value .
      FILTER (isIRI(?value))
      BIND ("place" AS ?kind)
    } UNION {
      ?subject prov:wasDerivedFrom/oa:hasSource/dcterms:identifier ?value .
      BIND ("source" AS ?kind)
    } UNION {
      ?fact ?prop ?subject ;
            prov:wasDerivedFrom/oa:hasSource/dcterms:identifier ?value .
      ?fact a/rdfs:subClassOf* ig:Fact .
      BIND ("source" AS ?kind)
    }
  } UNION {
    VALUES ?scheme { scheme:role scheme:event-role scheme:unit }
    VALUES ?prop { skos:prefLabel skos:altLabel skos:hiddenLabel }
    ?subject skos:inScheme ?scheme ;
             ?prop ?value .
    BIND ("term" AS ?kind)
  }
}
"""

# Common nouns that also serve as short names ("Thành phố" for the city, "Bộ" for the ministry the text
# named, "Ban Quản lý" for the board), lower case and single-spaced, with their diacritics. Such a form links
# only back to the last actor of that kind the text has named in full: an actor one of whose names is the
# form or starts with it ("Thành phố Hồ Chí Minh" is of the kind "thành phố", "Bồ Đào Nha" not of "bộ").
GENERIC_FORMS: frozenset[str] = frozenset({
    "thành phố", "tỉnh", "quận", "huyện", "vùng", "quốc gia",
    "trung tâm", "bộ", "sở", "ban quản lý", "ủy ban", "ủy ban nhân dân", "ubnd",
    "ủy ban nhân dân tỉnh", "ủy ban nhân dân thành phố", "ubnd tỉnh", "ubnd thành phố",
    "khu công nghệ cao", "khu công nghiệp", "sàn giao dịch công nghệ", "tổ công tác", "tổng lãnh sự quán",
    "lãnh sự quán", "đại sứ quán", "văn phòng", "tạp chí", "chính quyền", "chính quyền thành phố",
    "mạng lưới", "diễn đàn", "hội đồng", "công ty", "tập đoàn", "đại học", "viện", "hiệp hội",
    "city", "province", "centre", "center", "ministry", "department", "board", "committee", "park",
})
# Syllables after a common noun that make it another word ("Bộ phận", "Sở hữu", "Tỉnh ủy"), folded.
_COMPOUNDS: dict[str, frozenset[str]] = {
    "bo": frozenset({"truong", "nganh", "phan", "may", "luat", "doi", "mat", "suu", "tieu", "chi", "cong", "ho",
                     "oc", "tu", "giao"}),
    "so": frozenset({"huu", "di", "thich", "truong", "cu"}),
    "tinh": frozenset({"uy", "tao", "thuc", "le", "giac", "tuy", "ngo"}),
    "thanh pho": frozenset({"uy"}),
    "quan": frozenset({"uy", "doi", "su", "ly", "diem", "he", "tam", "trong", "sat", "chung", "ao", "an"}),
    "huyen": frozenset({"uy", "thoai", "bi", "ao"}),
    "vung": frozenset({"dat", "bien", "troi", "loi", "ven", "sau", "xa", "mien", "nuoc", "kin"}),
    "van phong": frozenset({"pham"}),
    "vien": frozenset({"dan", "tro", "phi", "canh", "chuc"}),
    "trung tam": frozenset({"diem"}),
}
# Words before a common noun that make it a plural or an indefinite ("các Bộ ngành", "những trung tâm"), folded.
_PLURAL = frozenset({"cac", "nhung", "moi", "nhieu", "mot", "mot so", "tung", "hai", "ba", "bon"})
# Nouns for people, firms and goods: a country or place right after one says whose they are ("doanh nghiệp
# Việt Nam", Vietnamese firms), not that the place takes part, so it is not linked there.
_BELONGING = frozenset({
    "doanh nghiệp", "công ty", "tập đoàn", "nhà đầu tư", "người", "công dân", "chuyên gia", "kỹ sư",
    "sinh viên", "du học sinh", "lao động", "du khách", "hàng", "hàng hóa", "sản phẩm", "thương hiệu",
    "đô la", "tiếng", "món", "phong cách",
})
# Prepositions, conjunctions and particles, which end a name rather than continue it ("châu Âu tại TPHCM").
_FUNCTION_WORDS = frozenset({
    "tại", "của", "ở", "với", "và", "cho", "từ", "đến", "tới", "là", "theo", "như", "về", "vào", "giữa",
    "sang", "qua", "trong", "ngoài", "thuộc", "gồm", "cùng", "hoặc", "hay", "có", "đã", "sẽ", "được",
    "mà", "nhưng", "bởi", "do", "vì", "để", "khi", "nói", "cả", "toàn",
})
# The commonest Vietnamese family names: a capitalised word after a common noun that starts a person's name
# ("Phó Chủ tịch UBND tỉnh Nguyễn Lộc Hà") does not make the noun part of a longer name.
_SURNAMES = frozenset({"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
                       "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lâm", "Mai", "Trương", "Đào", "Cao"})

_GENERIC_KEYS = frozenset(" ".join(fold(g).split()) for g in GENERIC_FORMS)
_FUNCTION_KEYS = frozenset(fold(w) for w in _FUNCTION_WORDS)
_BELONGING_KEYS = frozenset(" ".join(fold(g).split()) for g in _BELONGING)
_LABEL_PROPS = {_RDFS + "label", _SKOS + "prefLabel", _FOAF + "name"}
_HIDDEN = _SKOS + "hiddenLabel"
_PERSON = _FOAF + "Person"
_PLACES = frozenset({_IG + "Locality", _IG + "Region", _SCHEMA + "Country"})
# The ways the press writes Ho Chi Minh City at the end of a body's name: a name written with one is
# found written with any other ("Sở Khoa học và Công nghệ TP.HCM", "… Thành phố Hồ Chí Minh", "… TPHCM").
_CITY_FORMS = ("Thành phố Hồ Chí Minh", "TP.HCM", "TPHCM", "TP. Hồ Chí Minh", "TP.Hồ Chí Minh", "TP HCM")
_CITY_END = re.compile(r"(?<=\s)(?:" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in _CITY_FORMS) + r")$")
_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


def _city_variants(name: str) -> list[str]:
    """The name, and the same name with each other way of writing the city at its end."""
    end = _CITY_END.search(name)
    if end is None or end.start() == 0:
        return [name]
    stem = name[:end.start()]
    return [name] + [stem + form for form in _CITY_FORMS if stem + form != name]


_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_WORD = re.compile(r"\w+")
_WORD_START = re.compile(r"(?<!\w)\w")
_OPENS_SENTENCE = set(".!?:;…\"“”([•-–—")

# Confidence of a link by how its form matched; scaled down when a shared form was settled by context.
_CONFIDENCE = {"gazetteer:label": 0.95, "gazetteer:alt": 0.9, "gazetteer:folded": 0.75,
               "gazetteer:coreference": 0.7}
_BY_CONTEXT = 0.9


@dataclass(frozen=True)
class Mention:
    """One mention of a known actor: where it is in the text, what it links to, and how sure the link is.

    `start`/`end` are code points of the text as given, end exclusive (`text[start:end] == surface`);
    `label` is the actor's Vietnamese label, `cls` its class; `rule` says how the form matched
    (gazetteer:label, gazetteer:alt, gazetteer:folded, gazetteer:coreference); `ambiguous` holds the other
    actors the form could mean when the text did not settle it.
    """

    start: int
    end: int
    surface: str
    iri: str
    label: str
    cls: str
    rule: str
    confidence: float
    ambiguous: tuple[str, ...] = ()


@dataclass(frozen=True)
class Score:
    """The actors found in one source's text against the actors its facts refer to."""

    source: str
    found: frozenset[str]
    gold: frozenset[str]

    @property
    def precision(self) -> float:
        return len(self.found & self.gold) / len(self.found) if self.found else 1.0

    @property
    def recall(self) -> float:
        return len(self.found & self.gold) / len(self.gold) if self.gold else 1.0


@dataclass(frozen=True)
class _Name:
    iri: str
    text: str
    prop: str
    written: str  # the name as compared as written: lower case, diacritics kept
    abbreviation: bool  # at most six letters, all capitals ("SHTP", "C4IR", "TP.HCM"): matched case-sensitively
    one_word: bool  # a single word ("Mỹ", "Torino"): its capital and its diacritics must be kept
    cased: bool  # written with a capital ("Bộ Khoa học và Công nghệ"): not found in lower case only
    weak: bool  # a common noun or a single letter: only a reference back to an actor named in full


@dataclass
class _Form:
    key: str
    pattern: re.Pattern[str]
    names: list[_Name] = field(default_factory=list)
    generic: str = ""  # the common noun this form is, as written, if it is one


@dataclass
class _Span:
    start: int
    end: int
    surface: str
    names: list[_Name]  # what the span may be, best first; of one actor, or of several for a shared form
    weak: bool  # a common noun linked back to an earlier full mention


_FOLD_CACHE: dict[str, str] = {}


def _fold_char(c: str) -> str:
    folded = _FOLD_CACHE.get(c)
    if folded is None:
        folded = _FOLD_CACHE[c] = "-" if c in _DASHES else fold(c)
    return folded


def _folded(text: str) -> tuple[str, list[int]]:
    """The text folded (lower case, no diacritics, one kind of dash) and, for each folded character, the
    index of the character of `text` it came from. Folding does not keep length ("ß" -> "ss", a combining
    accent -> nothing), so offsets found in the folded text are mapped back through this list."""
    parts: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        f = _fold_char(c)
        if f:
            parts.append(f)
            origin.extend([i] * len(f))
    return "".join(parts), origin


def _composed(text: str) -> tuple[str, list[int], list[int]]:
    """The text in composed form (NFC), each letter with its accents composed on its own, and for each
    composed character the start and end in `text` of the letter and accents it came from."""
    composed: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for cluster in re.finditer(r"(?s).[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", text):
        nfc = unicodedata.normalize("NFC", cluster.group())
        composed.append(nfc)
        starts.extend([cluster.start()] * len(nfc))
        ends.extend([cluster.end()] * len(nfc))
    return "".join(composed), starts, ends


def _canonical(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\.\s+", ".", text)


def _key(name: str) -> str:
    """A name in the form names are compared in: folded, single-spaced, no space around a dash or after a
    full stop ("TP. Hồ Chí Minh", "TP.Hồ Chí Minh" and "tp.ho chi minh" are one form)."""
    return _canonical(_folded(name)[0])


def _as_written(text: str) -> str:
    """A form compared as written: lower case, diacritics kept, spaced as in _key."""
    return _canonical("".join("-" if c in _DASHES else c for c in text).lower())


def _has_diacritics(text: str) -> bool:
    return _folded(text)[0] != "".join("-" if c in _DASHES else c for c in text).casefold()


def _pattern(key: str) -> re.Pattern[str]:
    """A regex for a form in folded text: a space is any run of white space, a dash may have white space
    around it, a full stop may be followed by some; a form that ends in a letter or digit ends a word."""
    parts = []
    for i, c in enumerate(key):
        if c == " ":
            parts.append(r"\s+")
        elif c == "-":
            parts.append(r"\s*-\s*")
        elif c == "." and i + 1 < len(key):
            parts.append(r"\.\s*")
        else:
            parts.append(re.escape(c))
    return re.compile("".join(parts) + (r"(?!\w)" if re.match(r"\w", key[-1]) else ""))


def _is_abbreviation(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= 6 and all(c.isupper() for c in letters)


class Gazetteer:
    """The names of the actors a graph knows, ready to be found in text.

    Build it with `Gazetteer.from_store`; `find` lists the mentions in a text.
    """

    def __init__(self, *, classes: Mapping[str, str], names: Mapping[str, Iterable[tuple[str, str]]],
                 labels: Mapping[str, str] | None = None, places: Mapping[str, Iterable[str]] | None = None,
                 sources: Mapping[str, Iterable[str]] | None = None, terms: Iterable[str] = (),
                 exclude_sources: frozenset[str] = frozenset()) -> None:
        """A gazetteer from plain data: each actor's class, its (name, property IRI) pairs, display label,
        related places and evidencing source files; `terms` are names of posts and units that hold an actor's
        name inside them ("Bộ trưởng", "đô la Mỹ"). With `exclude_sources`, an actor is known only if a source
        not excluded evidences it; with none excluded, every actor is known."""
        self._classes = dict(classes)
        self._by_classes: dict[frozenset[str], tuple[str, ...]] = {}
        self._labels = dict(labels or {})
        self._places = {iri: frozenset(p) for iri, p in (places or {}).items()}
        self._sources = {iri: frozenset(s) for iri, s in (sources or {}).items()}
        self._excluded = exclude_sources
        self._known = frozenset(iri for iri in self._classes if self._is_known(iri))
        self._names: dict[str, tuple[str, ...]] = {}
        self._forms: dict[str, _Form] = {}
        self._by_first: dict[str, list[_Form]] = defaultdict(list)
        self._kinds: dict[str, set[str]] = defaultdict(set)  # common noun -> the known actors of that kind
        self._terms: dict[str, list[re.Pattern[str]]] = defaultdict(list)
        for iri, pairs in names.items():
            pairs = sorted(set(pairs))
            self._names[iri] = tuple(sorted({n for n, _ in pairs}))
            if iri in self._known:
                for text, prop in pairs:
                    for variant in _city_variants(text):
                        self._add_name(iri, variant, prop if variant == text else _ALT)
        for generic in GENERIC_FORMS:
            if self._kinds.get(generic):
                self._form(_key(generic)).generic = generic
        for form in self._forms.values():
            # a diacritic-free form is written with capitals where the actor's own form with that key is
            cased = {n.iri for n in form.names if n.cased}
            form.names = sorted((replace(n, cased=n.iri in cased) if n.prop == _HIDDEN else n for n in form.names),
                                key=lambda n: (n.prop not in _LABEL_PROPS, n.prop == _HIDDEN))
        for forms in self._by_first.values():
            forms.sort(key=lambda f: (-len(f.key), f.key))
        for term in set(terms):
            key = _key(term)
            first = _WORD.match(key)
            if first:
                self._terms[first.group()].append(_pattern(key))

    def _is_known(self, iri: str) -> bool:
        return not self._excluded or bool(self._sources.get(iri, frozenset()) - self._excluded)

    def _form(self, key: str) -> _Form:
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = _Form(key=key, pattern=_pattern(key))
            self._by_first[_WORD.match(key).group()].append(form)  # type: ignore[union-attr]
        return form

    def _add_name(self, iri: str, text: str, prop: str) -> None:
        key = _key(text)
        first = _WORD.match(key)
        if first is None:
            return
        written = _as_written(text)
        abbreviation = _is_abbreviation(text)
        self._form(key).names.append(_Name(
            iri=iri, text=text, prop=prop, written=written, abbreviation=abbreviation,
            one_word=first.group() == key and not abbreviation,
            cased=prop != _HIDDEN and any(c.isupper() for c in text),
            weak=written in GENERIC_FORMS or key in _GENERIC_KEYS or sum(c.isalpha() for c in text) < 2))
        for generic in GENERIC_FORMS:
            if written == generic or written.startswith(generic + " "):
                self._kinds[generic].add(iri)

    @classmethod
    def from_store(cls, store: ox.Store, *, exclude_sources: frozenset[str] = frozenset()) -> "Gazetteer":
        """The gazetteer of every actor in the store; the ontology must be loaded too, for the subclasses.

        With `exclude_sources` (file names, the dcterms:identifier of a schema:NewsArticle), an actor is
        known only if some evidence of it, its own or that of a fact pointing to it, comes from another
        source; with none excluded every actor is known.

        Raises QueryError when the store cannot answer the query.
        """
        names: dict[str, set[tuple[str, str]]] = defaultdict(set)
        classes: dict[str, set[str]] = defaultdict(set)
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        places: dict[str, set[str]] = defaultdict(set)
        sources: dict[str, set[str]] = defaultdict(set)
        terms: set[str] = set()
        result = run(store, _NAMES)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("the gazetteer query is a SELECT")
        for row in result:
            kind, subject, value = row["kind"].value, row["subject"].value, row["value"]
            if kind == "term":
                terms.add(value.value)
                continue
            classes[subject].add(row["cls"].value)
            if kind == "name":
                prop = row["prop"].value
                names[subject].add((value.value, prop))
                if prop in _LABEL_PROPS and isinstance(value, ox.Literal):
                    labels[subject].setdefault(f"{prop}@{value.language or ''}", value.value)
            elif kind == "place":
                places[subject].add(value.value)
            else:
                sources[subject].add(value.value)
        return cls(classes={iri: min(c) for iri, c in classes.items()}, names=names,
                   labels={iri: _display_label(iri, labels.get(iri, {})) for iri in classes},
                   places=places, sources=sources, terms=terms, exclude_sources=exclude_sources)

    def known(self, iri: str) -> bool:
        """Whether the actor is known: in the graph and, in a leave-one-out gazetteer, evidenced by a
        source that is not excluded."""
        return iri in self._known

    def names(self, iri: str) -> tuple[str, ...]:
        """Every name of the actor (labels, variants, diacritic-free forms), sorted; empty for an IRI the
        graph has no actor for."""
        return self._names.get(iri, ())

    def sources(self, iri: str) -> frozenset[str]:
        """The source files whose evidence speaks of the actor (its own, or a fact's that points to it)."""
        return self._sources.get(iri, frozenset())

    def actors(self) -> frozenset[str]:
        """Every known actor."""
        return self._known

    @cached_property
    def folded_names(self) -> frozenset[str]:
        """Every name of every known actor, folded."""
        return frozenset(fold(n) for iri in self._known for n in self._names.get(iri, ()))

    def folded_names_of(self, classes: frozenset[str]) -> tuple[str, ...]:
        """The folded names (over three characters) of the known actors of these classes, longest first."""
        cached = self._by_classes.get(classes)
        if cached is None:
            cached = self._by_classes[classes] = tuple(sorted(
                {fold(n) for iri in self._known if self._classes.get(iri) in classes for n in self._names.get(iri, ())
                 if len(n) > 3}, key=len, reverse=True))
        return cached

    def cls(self, iri: str) -> str:
        """The actor's class IRI; empty for an IRI the graph has no actor for."""
        return self._classes.get(iri, "")

    def label(self, iri: str) -> str:
        """The actor's Vietnamese label (another label, or the IRI's last segment, where it has none)."""
        return self._labels.get(iri, iri.rsplit("/", 1)[-1])

    def find(self, text: str) -> list[Mention]:
        """The mentions of known actors in `text`, in text order and none overlapping (leftmost-longest).

        A text in decomposed form (NFD, "Unicode tổ hợp") is read as composed; offsets and surfaces are
        still those of the text as given.
        """
        if unicodedata.is_normalized("NFC", text):
            folded, origin = _folded(text)
            return self._resolve(self._spans(text, folded, origin))
        composed, starts, ends = _composed(text)
        folded, origin = _folded(composed)
        return [replace(m, start=starts[m.start], end=ends[m.end - 1], surface=text[starts[m.start]:ends[m.end - 1]])
                for m in self._resolve(self._spans(composed, folded, origin))]

    def _spans(self, text: str, folded: str, origin: list[int]) -> list[_Span]:
        """Pass 1: leftmost-longest spans and what each may name; a common noun only with its antecedent."""
        context = _Context(text=text, cased=any(c.isupper() for c in text))
        position = 0
        for word in _WORD_START.finditer(folded):
            start = word.start()
            first = _WORD.match(folded, start).group()  # type: ignore[union-attr]
            for term in self._terms.get(first, ()):
                if match := term.match(folded, start):
                    context.shadows.append((origin[start], _back(origin, match.end(), text)))
            if start < position:
                continue
            for form in self._by_first.get(first, ()):
                match = form.pattern.match(folded, start)
                if match is None:
                    continue
                span = self._span(context, origin[start], _back(origin, match.end(), text), form)
                if span is not None:
                    context.chosen.append(span)
                    position = match.end()
                    break
        return context.chosen

    def _span(self, context: "_Context", start: int, end: int, form: _Form) -> _Span | None:
        """The span a form matched at, if the rules let it name something there."""
        text = context.text
        if context.shadowed(start, end):
            return None  # "Bộ" in "Bộ trưởng", "Mỹ" in "đô la Mỹ"
        surface = text[start:end]
        written = _as_written(surface)
        bare = not _has_diacritics(surface)
        capitals = [c.isupper() for c in surface if c.isalpha()]
        names = []
        for name in form.names:
            if name.abbreviation and not all(capitals):
                continue  # "SHTP", "MOST", "US" in capitals only
            if name.cased and context.cased and not (surface[:1].isupper() if name.one_word else any(capitals)):
                continue  # "Mỹ" the country, not "thẩm mỹ"; not "tiến bộ khoa học và công nghệ"
            if (name.one_word or name.weak) and not (name.written == written or bare):
                continue  # "Sở", not "Số"; only a text without diacritics may leave them out
            if sum(c.isalpha() for c in name.text) < 2 and surface != name.text:
                continue  # a single letter ("Ý") only exactly as written
            names.append(name)
        generic = form.generic if form.generic and (form.generic == written or bare) else ""
        if not names and not generic:
            return None
        strong = [n for n in names if not n.weak]
        classes = {self._classes.get(n.iri) for n in strong}
        if _PERSON not in classes and context.continues_name(start):
            return None  # "Bình Dương" in "Thái Bình Dương", "Bộ" in "Đông Nam Bộ"
        if strong:
            if classes <= _PLACES and context.belongs(start):
                return None  # "Việt Nam" in "doanh nghiệp Việt Nam"
            strong.sort(key=lambda n: n.written != written)  # as written before folded
            return _Span(start=start, end=end, surface=surface, names=strong, weak=False)
        kind = {n.iri for n in names} | self._kinds.get(generic, set())
        for name in names:
            kind |= self._kinds.get(name.written, set())
        antecedent = self._antecedent(context, start, end, kind)
        if not antecedent:
            return None
        linked = [n for n in names if n.iri in antecedent] or [
            _Name(iri=iri, text=surface, prop="", written=written, abbreviation=False, one_word=False, cased=False,
                  weak=True) for iri in sorted(antecedent)]
        return _Span(start=start, end=end, surface=surface, names=linked, weak=True)

    def _antecedent(self, context: "_Context", start: int, end: int, kind: set[str]) -> set[str]:
        """The actors a common noun refers back to: of its kind, named in full most recently before it.

        A common noun refers back only with its capital ("Thành phố", not "thành phố"), not after a plural
        or a quantifier ("các Bộ ngành"), and not before a capitalised word, which makes it the start of a name
        the graph does not know ("Bộ Công Thương"), unless that word starts a person's name.
        """
        text = context.text
        if not text[start:start + 1].isupper():
            return set()
        before = _WORD.findall(_folded(text[max(0, start - 16):start])[0])
        if before and (before[-1] in _PLURAL or " ".join(before[-2:]) in _PLURAL):
            return set()
        after = re.match(r"[^\S\n]+(\w+)", text[end:end + 40])
        if after and after.group(1)[:1].isupper() and not self._starts_person(text, end + after.start(1)):
            return set()
        if after and fold(after.group(1)) in _COMPOUNDS.get(_key(text[start:end]), ()):
            return set()
        for previous in reversed(context.chosen):
            if not previous.weak and (actors := {n.iri for n in previous.names} & kind):
                return actors
        return set()

    def _starts_person(self, text: str, at: int) -> bool:
        """Whether a person's name starts at `at`: a known one, or an unknown one after a family name; a
        known name of anything else ("Hồ Chí Minh" in "Thành phố Hồ Chí Minh") is not a person's."""
        folded = _folded(text[at:at + 80])[0]
        first = _WORD.match(folded)
        if first is None:
            return False
        for form in self._by_first.get(first.group(), ()):  # longest first
            if form.names and form.pattern.match(folded):
                return any(self._classes.get(n.iri) == _PERSON for n in form.names)
        word = _WORD.match(text, at)
        return word is not None and word.group() in _SURNAMES

    def _resolve(self, spans: list[_Span]) -> list[Mention]:
        """Pass 2: one actor a span; a shared form goes to the actor the rest of the text speaks of."""
        settled: Counter[str] = Counter()
        for span in spans:
            actors = {n.iri for n in span.names}
            if len(actors) == 1:
                settled[next(iter(actors))] += 1
        mentions = []
        for span in spans:
            actors = list(dict.fromkeys(n.iri for n in span.names))
            iri, others, factor = actors[0], (), 1.0
            if len(actors) > 1:
                iri, others, factor = self._choose(actors, settled)
            best = next(n for n in span.names if n.iri == iri)
            if span.weak:
                rule = "gazetteer:coreference"
            elif best.prop == _HIDDEN or best.written != _as_written(span.surface):
                rule = "gazetteer:folded"
            else:
                rule = "gazetteer:label" if best.prop in _LABEL_PROPS else "gazetteer:alt"
            mentions.append(Mention(start=span.start, end=span.end, surface=span.surface, iri=iri,
                                    label=self.label(iri), cls=self._classes.get(iri, ""), rule=rule,
                                    confidence=round(_CONFIDENCE[rule] * factor, 3), ambiguous=others))
        return mentions

    def _choose(self, actors: list[str], settled: Counter[str]) -> tuple[str, tuple[str, ...], float]:
        """The actor a shared form means: the one the text names most by its other names, then the one
        whose places (location, area served, parent, containing place) it names most; a tie is flagged with
        the other candidates, its confidence split between them."""
        score = {iri: (settled[iri], sum(settled[p] for p in self._places.get(iri, ()))) for iri in actors}
        top = max(score.values())
        leaders = [iri for iri in actors if score[iri] == top]
        if top > (0, 0) and len(leaders) == 1:
            return leaders[0], (), _BY_CONTEXT
        return leaders[0], tuple(iri for iri in actors if iri != leaders[0]), 1 / len(actors)


def _is_function_word(word: str) -> bool:
    """A preposition, conjunction or particle, as written or, in a text without diacritics, folded ("thì",
    not "thị")."""
    return word.lower() in _FUNCTION_WORDS or (not _has_diacritics(word) and fold(word) in _FUNCTION_KEYS)


def _back(origin: list[int], end: int, text: str) -> int:
    """The offset in the text of an end offset in its folded form (a trailing combining accent included)."""
    return origin[end] if end < len(origin) else len(text)


@dataclass
class _Context:
    """What one `find` has seen so far: the spans chosen and the post and unit terms met."""

    text: str
    cased: bool  # whether the text uses capitals at all
    chosen: list[_Span] = field(default_factory=list)
    shadows: list[tuple[int, int]] = field(default_factory=list)

    def shadowed(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.shadows)

    def covered(self, start: int, end: int) -> bool:
        """Whether a word lies inside a chosen span or a post or unit term."""
        return any(s.start <= start and end <= s.end for s in self.chosen[-3:]) or \
            any(s <= start and end <= e for s, e in self.shadows)

    def continues_name(self, start: int) -> bool:
        """Whether the name at `start` ends a capitalised name the graph does not know: the word before it,
        or the one before that when the word between is a lower-case syllable ("Đô thị Việt Nam"), is
        capitalised, belongs to no mention or post, and does not open a sentence ("xuyên Thái Bình Dương")."""
        offset = max(0, start - 60)
        run: list[re.Match[str]] = []  # the two words before, joined to it by spaces only
        end = start
        for word in reversed(list(_WORD.finditer(self.text, offset, start))[-2:]):
            gap = self.text[word.end():end]
            if not gap or gap.strip() or "\n" in gap:
                break
            run.insert(0, word)
            end = word.start()
        if not run:
            return False
        last = run[-1].group()
        if last[:1].isupper():
            word = run[-1]
        elif len(run) == 2 and last[:1].islower() and not _is_function_word(last):
            word = run[0]
        else:
            return False
        if not word.group()[:1].isupper() or word.group().isupper():
            return False  # lower case, or an abbreviation ("UBND tỉnh", "C4IR TPHCM")
        if self.covered(word.start(), word.end()):
            return False  # part of a mention or of a post ("Trưởng ban Quản lý Khu Công nghệ cao")
        preceding = self.text[:word.start()]
        stripped = preceding.rstrip()
        return bool(stripped) and "\n" not in preceding[len(stripped):] and stripped[-1] not in _OPENS_SENTENCE

    def belongs(self, start: int) -> bool:
        """Whether a place name follows a lower-case noun for people, firms or goods ("doanh nghiệp Việt Nam")."""
        before = re.search(r"(?:\w+[^\S\n]+){1,3}$", self.text[max(0, start - 40):start])
        if before is None:
            return False
        words = before.group().split()
        phrases = (" ".join(words[-n:]) for n in range(1, len(words) + 1))
        return any(phrase.islower() and _key(phrase) in _BELONGING_KEYS for phrase in phrases)


def _display_label(iri: str, labels: dict[str, str]) -> str:
    for key in (f"{_RDFS}label@vi", f"{_SKOS}prefLabel@vi", f"{_FOAF}name@", f"{_RDFS}label@en",
                f"{_SKOS}prefLabel@en", f"{_RDFS}label@"):
        if key in labels:
            return labels[key]
    return min(labels.values(), default=iri.rsplit("/", 1)[-1])


def leave_one_out(store: ox.Store, texts: Mapping[str, str], *, exclude: bool = True) -> list[Score]:
    """For each source's text (by file name), the actors a gazetteer that leaves that source out finds in
    it, against the actors that source's facts refer to and that the gazetteer still knows. With `exclude`
    off, the full gazetteer reads every text.

    Raises QueryError when the store cannot answer the gazetteer's query.
    """
    full = Gazetteer.from_store(store)
    scores = []
    for source, text in texts.items():
        gazetteer = Gazetteer.from_store(store, exclude_sources=frozenset({source})) if exclude else full
        found = frozenset(m.iri for m in gazetteer.find(text))
        gold = frozenset(iri for iri in full.actors() if source in full.sources(iri) and gazetteer.known(iri))
        scores.append(Score(source=source, found=found, gold=gold))
    return scores
