"""Write a synthetic innovation ecosystem shaped like graph/data, of about a given number of triples.

    python scripts/generate.py --triples 100000 --out DIR [--seed N]

The graph uses the project's IRIs and concept schemes, so the ontology, the shapes and the named
queries apply to it: organisations of every category with Vietnamese and English labels,
abbreviations (skos:altLabel) and diacritic-free forms (skos:hiddenLabel), places, people and their
posts (org:Membership), events with participations and roles, cooperations, agreements, proposals,
requests, recommendations, commitments and goals (2-5 parties, sectors, status, the event where they
arose), programmes and their pillars, figures (qb:Observation: indicator, value in base units,
unit, status, area or subject, period, growth rates), sector focuses and curators' inferences.

Like the curated graph it is written as source articles: every fact and entity is
prov:wasDerivedFrom an evidence node (oa:SpecificResource with a quote and its code-point offsets)
in one of the synthetic articles that are written beside it, in DIR/sources, so that a build reads
every quote against its source exactly as it does for the real seeds:

    INNOGRAPH_SEEDS_DIR=DIR/sources python -m graph build --data ontology --data DIR --store OUT

The nodes and values that the named queries use as examples (igr:c4ir-hcmc, igr:shtp,
sector:semiconductors, the year 2024, the file 001_076c606e338a89e8.txt, …) exist in every
generated graph and are among its busiest hubs, so every named query has work to do at any size.

Output: DIR/ecosystem-NNN.nt (N-Triples, at most 250,000 triples a file) and DIR/sources/*.txt.
The same seed gives the same files. Triples are written as they are made; only the entities that
later facts refer to are kept in memory (under 70 MB of RAM at 1M triples).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

import pyoxigraph as ox  # noqa: E402

from graph.figures import read_figures  # noqa: E402
from graph.namespaces import PREFIXES  # noqa: E402
from graph.text import fold  # noqa: E402

TRIPLES_PER_FILE = 250_000


# ----------------------------------------------------------------------------------------------
# N-Triples terms
# ----------------------------------------------------------------------------------------------

def n(prefixed: str) -> str:
    """The N-Triples form of a prefixed name from graph.namespaces.PREFIXES."""
    prefix, _, local = prefixed.partition(":")
    return f"<{PREFIXES[prefix]}{local}>"


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^{n("xsd:" + datatype)}'


A = n("rdf:type")
LABEL, ALT, HIDDEN = n("rdfs:label"), n("skos:altLabel"), n("skos:hiddenLabel")
DERIVED = n("prov:wasDerivedFrom")
DESCRIPTION = n("schema:description")
CATEGORY = {c: n(f"category:{c}") for c in ("government", "industry", "academia", "intermediary", "international", "media")}


def local(term: str) -> str:
    """The local name of an igr: term in N-Triples form."""
    return term[len(PREFIXES["igr"]) + 1:-1]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def slug(text: str) -> str:
    out, dash = [], False
    for ch in fold(text):
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:60]


def vn_number(value: float) -> str:
    """A number as a Vietnamese article writes it: thousands dot, decimal comma."""
    whole, _, frac = f"{value:,.2f}".partition(".")
    frac = frac.rstrip("0")
    return whole.replace(",", ".") + ("," + frac if frac else "")


# ----------------------------------------------------------------------------------------------
# Vocabulary from the project's concept schemes
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Concept:
    term: str  # N-Triples form
    local: str
    vi: str
    en: str


def read_schemes(folder: Path) -> dict[str, list[Concept]]:
    """The concepts of every scheme in ontology/schemes, by scheme name, in IRI order."""
    in_scheme = PREFIXES["skos"] + "inScheme"
    pref = PREFIXES["skos"] + "prefLabel"
    scheme_base = PREFIXES["scheme"]
    schemes: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.ttl")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            s = t.subject.value
            if t.predicate.value == in_scheme:
                schemes[s] = t.object.value.removeprefix(scheme_base)
            elif t.predicate.value == pref and isinstance(t.object, ox.Literal) and t.object.language:
                labels.setdefault(s, {})[t.object.language] = t.object.value
    out: dict[str, list[Concept]] = {}
    for iri in sorted(schemes):
        label = labels.get(iri, {})
        out.setdefault(schemes[iri], []).append(
            Concept(f"<{iri}>", iri.rsplit("/", 1)[1], label.get("vi", ""), label.get("en", "")))
    return out


# ----------------------------------------------------------------------------------------------
# Names
# ----------------------------------------------------------------------------------------------

PROVINCES = [  # (slug, vi, en): the anchors igr:ho-chi-minh-city and igr:binh-duong first
    ("ho-chi-minh-city", "Thành phố Hồ Chí Minh", "Ho Chi Minh City"), ("binh-duong", "Tỉnh Bình Dương", "Bình Dương Province"),
    ("dong-nai", "Tỉnh Đồng Nai", "Đồng Nai Province"), ("ba-ria-vung-tau", "Tỉnh Bà Rịa - Vũng Tàu", "Bà Rịa–Vũng Tàu Province"),
    ("long-an", "Tỉnh Long An", "Long An Province"), ("tay-ninh", "Tỉnh Tây Ninh", "Tây Ninh Province"),
    ("binh-phuoc", "Tỉnh Bình Phước", "Bình Phước Province"), ("ha-noi", "Thành phố Hà Nội", "Hanoi"),
    ("da-nang", "Thành phố Đà Nẵng", "Da Nang"), ("hai-phong", "Thành phố Hải Phòng", "Hai Phong"),
    ("can-tho", "Thành phố Cần Thơ", "Can Tho"), ("bac-ninh", "Tỉnh Bắc Ninh", "Bắc Ninh Province"),
    ("quang-ninh", "Tỉnh Quảng Ninh", "Quảng Ninh Province"), ("khanh-hoa", "Tỉnh Khánh Hòa", "Khánh Hòa Province"),
    ("thua-thien-hue", "Tỉnh Thừa Thiên Huế", "Thừa Thiên Huế Province"), ("nghe-an", "Tỉnh Nghệ An", "Nghệ An Province"),
    ("thanh-hoa", "Tỉnh Thanh Hóa", "Thanh Hóa Province"), ("lam-dong", "Tỉnh Lâm Đồng", "Lâm Đồng Province"),
    ("tien-giang", "Tỉnh Tiền Giang", "Tiền Giang Province"), ("vinh-long", "Tỉnh Vĩnh Long", "Vĩnh Long Province"),
    ("an-giang", "Tỉnh An Giang", "An Giang Province"), ("bac-giang", "Tỉnh Bắc Giang", "Bắc Giang Province"),
    ("hung-yen", "Tỉnh Hưng Yên", "Hưng Yên Province"), ("vinh-phuc", "Tỉnh Vĩnh Phúc", "Vĩnh Phúc Province"),
    ("thai-nguyen", "Tỉnh Thái Nguyên", "Thái Nguyên Province"), ("quang-nam", "Tỉnh Quảng Nam", "Quảng Nam Province"),
    ("binh-dinh", "Tỉnh Bình Định", "Bình Định Province"), ("dak-lak", "Tỉnh Đắk Lắk", "Đắk Lắk Province"),
    ("hai-duong", "Tỉnh Hải Dương", "Hải Dương Province"), ("kien-giang", "Tỉnh Kiên Giang", "Kiên Giang Province"),
]
COUNTRIES = [  # (slug, vi, en): igr:vietnam first
    ("vietnam", "Việt Nam", "Vietnam"), ("japan", "Nhật Bản", "Japan"), ("south-korea", "Hàn Quốc", "South Korea"),
    ("united-states", "Hoa Kỳ", "United States"), ("singapore", "Singapore", "Singapore"), ("china", "Trung Quốc", "China"),
    ("thailand", "Thái Lan", "Thailand"), ("malaysia", "Malaysia", "Malaysia"), ("portugal", "Bồ Đào Nha", "Portugal"),
    ("italy", "Ý", "Italy"), ("germany", "Đức", "Germany"), ("france", "Pháp", "France"), ("australia", "Úc", "Australia"),
    ("canada", "Canada", "Canada"), ("netherlands", "Hà Lan", "Netherlands"), ("finland", "Phần Lan", "Finland"),
    ("israel", "Israel", "Israel"), ("india", "Ấn Độ", "India"),
]
CITIES = [  # (slug, vi, en, country slug)
    ("seoul", "Seoul", "Seoul", "south-korea"), ("busan", "Busan", "Busan", "south-korea"), ("tokyo", "Tokyo", "Tokyo", "japan"),
    ("osaka", "Osaka", "Osaka", "japan"), ("yokohama", "Yokohama", "Yokohama", "japan"),
    ("san-francisco", "San Francisco", "San Francisco", "united-states"), ("boston", "Boston", "Boston", "united-states"),
    ("shenzhen", "Thâm Quyến", "Shenzhen", "china"), ("bangkok", "Băng Cốc", "Bangkok", "thailand"),
    ("kuala-lumpur", "Kuala Lumpur", "Kuala Lumpur", "malaysia"), ("porto", "Porto", "Porto", "portugal"),
    ("torino", "Torino", "Turin", "italy"), ("munich", "München", "Munich", "germany"), ("lyon", "Lyon", "Lyon", "france"),
    ("melbourne", "Melbourne", "Melbourne", "australia"), ("toronto", "Toronto", "Toronto", "canada"),
    ("eindhoven", "Eindhoven", "Eindhoven", "netherlands"), ("espoo", "Espoo", "Espoo", "finland"),
    ("tel-aviv", "Tel Aviv", "Tel Aviv", "israel"), ("bengaluru", "Bengaluru", "Bengaluru", "india"),
]
REGIONS = [("southeast-region", "Vùng Đông Nam Bộ", "Southeast region"), ("southeast-asia", "Đông Nam Á", "Southeast Asia"),
           ("mekong-delta", "Vùng Đồng bằng sông Cửu Long", "Mekong Delta region")]
MEDIA = [("vneconomy", "VnEconomy", "VnEconomy"), ("saigon-times", "Tạp chí Kinh tế Sài Gòn", "The Saigon Times"),
         ("vietnam-news-agency", "Thông tấn xã Việt Nam", "Vietnam News Agency"), ("vnexpress", "Báo VnExpress", "VnExpress"),
         ("tuoi-tre", "Báo Tuổi Trẻ", "Tuoi Tre"), ("thanh-nien", "Báo Thanh Niên", "Thanh Nien"),
         ("sggp", "Báo Sài Gòn Giải Phóng", "Saigon Giai Phong"), ("nld", "Báo Người Lao Động", "Nguoi Lao Dong"),
         ("baodautu", "Báo Đầu tư", "Vietnam Investment Review"), ("vietnamplus", "VietnamPlus", "VietnamPlus"),
         ("khoahocphattrien", "Báo Khoa học và Phát triển", "Science and Development"),
         ("moi-truong-do-thi", "Tạp chí điện tử Môi trường và Đô thị Việt Nam", "Vietnam Environment and Urban Magazine")]
DEPARTMENTS = [("Khoa học và Công nghệ", "Science and Technology", "KH&CN", "DOST"),
               ("Công Thương", "Industry and Trade", "CT", "DOIT"),
               ("Kế hoạch và Đầu tư", "Planning and Investment", "KH&ĐT", "DPI"),
               ("Thông tin và Truyền thông", "Information and Communications", "TT&TT", "DIC"),
               ("Ngoại vụ", "Foreign Affairs", "NV", "DOFA"),
               ("Giáo dục và Đào tạo", "Education and Training", "GD&ĐT", "DOET")]
SYLLABLES = ["Tân", "Phát", "Hưng", "Thịnh", "Việt", "Á", "Minh", "Long", "Sao", "Mai", "Đông", "Nam", "Hòa", "Bình", "An",
             "Phú", "Thành", "Công", "Kim", "Hoàng", "Gia", "Nguyên", "Trí", "Đức", "Quang", "Hải", "Sơn", "Lam", "Hồng",
             "Bảo", "Tiến", "Lộc", "Khang", "Vĩnh", "Thiên", "Nhật", "Toàn", "Đại", "Trường", "Sáng"]
FOREIGN = ["Nova", "Kor", "Tek", "Sen", "Hira", "Zen", "Lumi", "Vex", "Aster", "Kai", "Ori", "Quanta", "Helio", "Sora",
           "Mira", "Taka", "Yun", "Bright", "Core", "Vanta", "Delta", "Echo", "Fuji", "Han", "Ilo"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Quốc", "Đức", "Ngọc", "Thành", "Kim", "Hoài", "Xuân"]
GIVEN = ["Anh", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Khoa", "Lan", "Linh", "Long", "Mai",
         "Minh", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Việt", "Vy", "Yến", "Duy"]
WESTERN = [("Anna", "Keller"), ("David", "Moreau"), ("Kenji", "Sato"), ("Min-jun", "Kim"), ("Sofia", "Rossi"), ("Pedro", "Costa"),
           ("Emily", "Clark"), ("Lukas", "Weber"), ("Priya", "Nair"), ("Wei", "Zhang"), ("Noa", "Levi"), ("Mika", "Virtanen")]


def initials(text: str) -> str:
    return "".join(w[0] for w in fold(text).upper().split() if w[0].isalnum())


# ----------------------------------------------------------------------------------------------
# Entities kept in memory: what later facts refer to
# ----------------------------------------------------------------------------------------------

@dataclass
class Entity:
    term: str
    vi: str
    en: str
    short: str = ""  # how an article names it after the first time
    kind: str = ""
    place: Entity | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.short or self.vi


class Writer:
    """N-Triples into DIR/ecosystem-NNN.nt, a new file once one holds TRIPLES_PER_FILE triples."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self._in_file = 0
        self._index = -1
        self._file: IO[str] | None = None
        self.files: list[Path] = []
        self._next_file()

    def _next_file(self) -> None:
        if self._file is not None:
            self._file.close()
        self._index += 1
        path = self.folder / f"ecosystem-{self._index:03d}.nt"
        self.files.append(path)
        self._file = open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
        self._in_file = 0

    def t(self, s: str, p: str, o: str) -> None:
        assert self._file is not None
        self._file.write(f"{s} {p} {o} .\n")
        self.count += 1
        self._in_file += 1

    def boundary(self) -> None:
        """Between two articles: start a new file if this one is full (blank nodes never span files)."""
        if self._in_file >= TRIPLES_PER_FILE:
            self._next_file()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class Article:
    """One synthetic source: sentences appended one a line; citing one makes an evidence node."""

    def __init__(self, gen: Generator, index: int, identifier: str, issued: date) -> None:
        self.gen = gen
        self.index = index
        self.identifier = identifier
        self.issued = issued
        self.term = gen.igr(f"doc-s{index:05d}")
        self.lines: list[str] = []
        self.offset = 0

    def say(self, sentence: str) -> int:
        sentence = nfc(sentence)
        self.lines.append(sentence)
        start = self.offset
        self.offset += len(sentence) + 1
        return start

    def cite(self, sentence: str) -> str:
        """Append a sentence and return its evidence node (quote and code-point offsets)."""
        sentence = nfc(sentence)
        start = self.say(sentence)
        end = start + len(sentence)
        g, w = self.gen, self.gen.out
        ev = g.igr(f"ev-s{self.index:05d}-{start}-{end}")
        g.bnode += 1
        pos, quote = f"_:p{g.bnode}", f"_:q{g.bnode}"
        w.t(ev, A, n("oa:SpecificResource"))
        w.t(ev, n("oa:hasSource"), self.term)
        w.t(ev, n("oa:hasSelector"), pos)
        w.t(pos, A, n("oa:TextPositionSelector"))
        w.t(pos, n("oa:start"), typed(str(start), "integer"))
        w.t(pos, n("oa:end"), typed(str(end), "integer"))
        w.t(ev, n("oa:hasSelector"), quote)
        w.t(quote, A, n("oa:TextQuoteSelector"))
        w.t(quote, n("oa:exact"), lit(sentence))
        return ev


# ----------------------------------------------------------------------------------------------
# The generator
# ----------------------------------------------------------------------------------------------

class Generator:
    def __init__(self, out: Writer, sources: Path, schemes: dict[str, list[Concept]], seed: int, target: int) -> None:
        self.out = out
        self.sources = sources
        self.rng = random.Random(seed)
        self.target = target
        self.bnode = 0
        self.used_slugs: dict[str, int] = {}
        self.c = {name: {x.local: x for x in concepts} for name, concepts in schemes.items()}
        self.sectors = schemes["sector"]
        self.indicators = [i for i in schemes["indicator"] if i.local != "growth-rate"]
        # entities by role
        self.provinces: list[Entity] = []
        self.countries: dict[str, Entity] = {}
        self.cities: list[Entity] = []
        self.regions: list[Entity] = []
        self.venues: list[Entity] = []
        self.zones: list[Entity] = []
        self.media: list[Entity] = []
        self.orgs: list[Entity] = []  # the organisations and zones that can be parties, hubs apart
        self.peoples_committees: dict[str, Entity] = {}
        self.consulates: dict[str, Entity] = {}
        self.people: list[Entity] = []
        self.events: list[Entity] = []
        self.programmes: list[Entity] = []
        self.facts: list[Entity] = []  # relationships that figures may be about (a bounded sample)
        self.plain_facts: list[Entity] = []  # those whose names state no status cue
        self.hubs: list[tuple[Entity, float]] = []
        self.hub_events: list[Entity] = []
        self.hub_areas: list[Entity] = []
        self.day0 = date(2019, 1, 1)

    # -- terms -------------------------------------------------------------------------------

    def igr(self, local: str) -> str:
        return f"<{PREFIXES['igr']}{local}>"

    def mint(self, text: str) -> str:
        """A readable, unique igr: IRI from a name."""
        base = slug(text) or "x"
        k = self.used_slugs.get(base, 0)
        self.used_slugs[base] = k + 1
        return self.igr(base if k == 0 else f"{base}-{k + 1}")

    def concept(self, scheme: str, local: str) -> str:
        return self.c[scheme][local].term

    # -- choices -----------------------------------------------------------------------------

    def skewed(self, items: list[Entity], power: float = 2.2) -> Entity:
        """An item, the earlier ones (the older, better-known actors) much more often."""
        return items[int(len(items) * self.rng.random() ** power)]

    def party(self) -> Entity:
        if self.hubs and self.rng.random() < 0.06:
            r, acc = self.rng.random() * sum(w for _, w in self.hubs), 0.0
            for entity, weight in self.hubs:
                acc += weight
                if r < acc:
                    return entity
        return self.skewed(self.orgs, 1.6)

    def organisation(self) -> Entity:
        """An organisation (not a zone or a place) that people can hold posts in."""
        while True:
            e = self.skewed(self.orgs, 1.5)
            if e.extra.get("class") in ("org:FormalOrganization", "org:OrganizationalUnit"):
                return e

    def parties(self, k: int) -> list[Entity]:
        chosen: list[Entity] = []
        while len(chosen) < k:
            e = self.party()
            if all(e is not x for x in chosen):
                chosen.append(e)
        return chosen

    def area(self) -> Entity:
        r = self.rng.random()
        if r < 0.25:
            return self.rng.choice(self.hub_areas)
        if r < 0.65:
            return self.skewed(self.provinces, 1.5)
        if r < 0.85 and self.zones:
            return self.skewed(self.zones, 1.5)
        return self.skewed(list(self.countries.values()), 2.0)

    def sector(self) -> Concept:
        if self.rng.random() < 0.15:
            return self.c["sector"]["semiconductors"]
        return self.rng.choice(self.sectors)

    def day(self, article: Article, within_days: int = 120) -> date:
        return article.issued - timedelta(days=self.rng.randrange(within_days))

    # -- writing helpers ---------------------------------------------------------------------

    def labels(self, e: Entity, alts: tuple[str, ...] = (), hidden: bool = True) -> None:
        w = self.out
        w.t(e.term, LABEL, lit(e.vi, "vi"))
        w.t(e.term, LABEL, lit(e.en, "en"))
        for alt in alts:
            w.t(e.term, ALT, lit(alt, "vi") if fold(alt) != alt.casefold() else lit(alt))
        if hidden:
            folded = {fold(e.vi): None}
            for alt in alts:
                folded.setdefault(fold(alt), None)
            for f in folded:
                w.t(e.term, HIDDEN, lit(f))

    def describe(self, term: str, vi: str, en: str) -> None:
        self.out.t(term, DESCRIPTION, lit(nfc(vi), "vi"))
        self.out.t(term, DESCRIPTION, lit(en, "en"))

    # -- entities ----------------------------------------------------------------------------

    def actor(self, article: Article, e: Entity, cls: str, category: str, *, alts: tuple[str, ...] = (),
              evidence: str | None = None, hidden: bool = True) -> Entity:
        w = self.out
        e.extra["class"] = cls
        w.t(e.term, A, n(cls))
        self.labels(e, alts, hidden)
        w.t(e.term, n("ig:category"), CATEGORY[category])
        w.t(e.term, DERIVED, evidence or article.cite(self.mention(e)))
        return e

    def mention(self, e: Entity) -> str:
        where = f" tại {e.place.vi}" if e.place is not None else ""
        forms = [f"{e.vi}{f' ({e.short})' if e.short and e.short != e.vi else ''} là {e.kind or 'một đơn vị'}{where}.",
                 f"Theo {e.vi}, đơn vị đang mở rộng hoạt động{where}.",
                 f"Đại diện {e.vi} cho biết sẽ tăng cường kết nối với các đối tác{where}."]
        return self.rng.choice(forms)

    def world(self, article: Article) -> None:
        """Places, countries, regions and publishers, named in the first article."""
        w = self.out
        for s, vi, en in COUNTRIES:
            e = Entity(self.igr(s), vi, en, kind="một quốc gia")
            self.used_slugs[s] = 1
            self.actor(article, e, "schema:Country", "international")
            self.countries[s] = e
        vietnam = self.countries["vietnam"]
        for s, vi, en in PROVINCES:
            short = vi.removeprefix("Tỉnh ").removeprefix("Thành phố ")
            e = Entity(self.igr(s), vi, en, short=short, kind="một địa phương", place=vietnam)
            self.used_slugs[s] = 1
            alts = (short,) + (("TP.HCM", "TPHCM", "HCMC", "Sài Gòn") if s == "ho-chi-minh-city" else ())
            self.actor(article, e, "ig:Locality", "government", alts=alts)
            w.t(e.term, n("schema:containedInPlace"), vietnam.term)
            self.provinces.append(e)
        for s, vi, en, country in CITIES:
            e = Entity(self.igr(s), vi, en, kind="một thành phố đối tác", place=self.countries[country])
            self.used_slugs[s] = 1
            self.actor(article, e, "ig:Locality", "international")
            w.t(e.term, n("schema:containedInPlace"), self.countries[country].term)
            self.cities.append(e)
        for s, vi, en in REGIONS:
            e = Entity(self.igr(s), vi, en)
            self.used_slugs[s] = 1
            w.t(e.term, A, n("ig:Region"))
            self.labels(e)
            w.t(e.term, DERIVED, article.cite(f"{vi} là vùng có tiềm năng phát triển công nghệ cao."))
            self.regions.append(e)
        for prov in self.provinces[:4]:
            w.t(prov.term, n("schema:containedInPlace"), self.regions[0].term)
        for s, vi, en in MEDIA:
            e = Entity(self.igr(s), vi, en, kind="một cơ quan báo chí", place=vietnam)
            self.used_slugs[s] = 1
            self.actor(article, e, "org:FormalOrganization", "media")
            w.t(e.term, n("schema:location"), vietnam.term)
            self.media.append(e)
        for prov in self.provinces[:12]:
            e = Entity(self.mint(f"trung tam hoi nghi {prov.short}"), f"Trung tâm Hội nghị và Triển lãm {prov.short}",
                       f"{prov.en} Convention and Exhibition Centre")
            w.t(e.term, A, n("schema:Place"))
            self.labels(e)
            w.t(e.term, n("schema:containedInPlace"), prov.term)
            w.t(e.term, DERIVED, article.cite(f"{e.vi} là nơi diễn ra nhiều hội nghị, triển lãm công nghệ."))
            self.venues.append(e)

    def anchors(self, article: Article) -> None:
        """The nodes the named queries' examples name, made hubs of the graph."""
        w, hcmc, vietnam = self.out, self.provinces[0], self.countries["vietnam"]
        pc = self.org(article, "government", kind_hint="peoples-committee", province=hcmc)
        dost = self.org(article, "government", kind_hint="department", province=hcmc, dept=0)
        most = Entity(self.igr("most"), "Bộ Khoa học và Công nghệ", "Ministry of Science and Technology", short="Bộ KH&CN",
                      kind="cơ quan của Chính phủ", place=vietnam)
        self.used_slugs["most"] = 1
        self.actor(article, most, "org:FormalOrganization", "government", alts=("Bộ KH&CN", "MOST"))
        w.t(most.term, n("schema:location"), vietnam.term)
        w.t(most.term, n("schema:areaServed"), vietnam.term)
        c4ir = Entity(self.igr("c4ir-hcmc"), "Trung tâm Cách mạng công nghiệp lần thứ 4 Thành phố Hồ Chí Minh",
                      "Centre for the Fourth Industrial Revolution Ho Chi Minh City", short="C4IR TP.HCM",
                      kind="một tổ chức trung gian", place=hcmc)
        self.used_slugs["c4ir-hcmc"] = 1
        self.actor(article, c4ir, "org:FormalOrganization", "intermediary", alts=("C4IR TP.HCM", "C4IR"))
        w.t(c4ir.term, n("schema:location"), hcmc.term)
        shtp = Entity(self.igr("shtp"), "Khu Công nghệ cao Thành phố Hồ Chí Minh", "Saigon Hi-Tech Park", short="Khu Công nghệ cao",
                      kind="một khu công nghệ cao", place=hcmc)
        self.used_slugs["shtp"] = 1
        self.actor(article, shtp, "ig:Zone", "intermediary", alts=("SHTP", "KCNC TP.HCM"))
        w.t(shtp.term, n("schema:containedInPlace"), hcmc.term)
        board = Entity(self.igr("shtp-board"), "Ban Quản lý Khu Công nghệ cao Thành phố Hồ Chí Minh",
                       "Saigon Hi-Tech Park Management Board", short="Ban Quản lý SHTP", kind="một cơ quan quản lý", place=hcmc)
        self.used_slugs["shtp-board"] = 1
        self.actor(article, board, "org:FormalOrganization", "government", alts=("BQL KCNC", "Ban Quản lý SHTP"))
        w.t(board.term, n("schema:location"), hcmc.term)
        w.t(board.term, n("ig:manages"), shtp.term)
        self.zones.append(shtp)
        binh_duong = self.provinces[1]
        # Hubs are chosen only through party(): c4ir-hcmc is a party to about 4% of the relationships
        self.hubs = [(c4ir, 0.25), (board, 0.15), (hcmc, 0.15), (pc, 0.1), (most, 0.1), (dost, 0.1), (shtp, 0.05),
                     (binh_duong, 0.1)]
        self.orgs = [o for o in self.orgs if all(o is not h for h, _ in self.hubs)]
        for category in ("industry", "academia", "intermediary", "international", "industry", "government"):
            self.org(article, category)
        self.hub_areas = [hcmc, shtp, binh_duong, vietnam]
        # phan-van-mai, chair of the People's Committee
        mai = Entity(self.igr("phan-van-mai"), "Phan Văn Mãi", "Phan Văn Mãi", kind="person")
        self.used_slugs["phan-van-mai"] = 1
        self.person(article, mai, pc, self.c["role"]["chair-peoples-committee"])
        self.person(article, None, board, self.c["role"]["head-of-management-board"])
        # the two example events, one with a date known only in part
        consuls = self.event(article, host=c4ir, term=self.igr("event-c4ir-hcmc-consuls-general-meeting"),
                             vi="Buổi làm việc của C4IR TP.HCM với Tổng Lãnh sự Hoa Kỳ, Nhật Bản và Hàn Quốc",
                             en="C4IR HCMC's working session with the Consuls General of the United States, Japan and Korea",
                             partial=(4, 14), participants=10)
        self.event(article, host=hcmc, term=self.igr("event-mayors-conference-2024"), vi="Hội nghị Thị trưởng 2024",
                   en="Mayors' Conference 2024", on=date(2024, 9, 24), participants=12)
        self.hub_events = [consuls, self.events[-1]]
        us, jp, kr = self.countries["united-states"], self.countries["japan"], self.countries["south-korea"]
        self.relationship(article, kind="Proposal", parties=[c4ir, us, jp, kr, vietnam],
                          term=self.igr("proposal-international-technology-exchange"), event=consuls,
                          sectors=[self.c["sector"]["new-technologies"]])
        for s, vi, en, start, end, sector in [
                ("programme-hcmc-mechanical-automation-2020-2030", "Chương trình hỗ trợ phát triển ngành cơ khí - tự động hóa giai đoạn 2020 - 2030",
                 "Programme supporting mechanical engineering and automation, 2020–2030", 2020, 2030, "mechanical-automation"),
                ("programme-hcmc-industrial-development", "Định hướng phát triển công nghiệp TP.HCM giai đoạn 2021 - 2030",
                 "Ho Chi Minh City's industrial development strategy", 2021, 2030, "high-tech-industry")]:
            self.used_slugs[s] = 1
            self.programme(article, term=self.igr(s), vi=vi, en=en, responsible=pc, period=(start, end),
                           sector=self.c["sector"][sector], pillars=4)
        # the park's 2024 production and export values (zone_export-share, area_figures)
        self.observation(article, area=shtp, indicator=self.c["indicator"]["high-tech-production-value"], year=2024,
                         value=20_050_000_000.0, growth=True)
        self.observation(article, area=shtp, indicator=self.c["indicator"]["high-tech-export-value"], year=2024,
                         value=19_200_000_000.0, growth=True)

    def org(self, article: Article, category: str, *, kind_hint: str = "", province: Entity | None = None,
            dept: int | None = None) -> Entity:
        """A new organisation of a category, with names in both languages, introduced in the article."""
        rng, w = self.rng, self.out
        province = province or self.skewed(self.provinces, 1.6)
        sector = rng.choice(self.sectors)
        brand = rng.choice(SYLLABLES) + " " + rng.choice(SYLLABLES)
        brand_en = fold(brand).title()
        cls, alts, parent, represents, manages = "org:FormalOrganization", (), None, None, None
        if category == "government":
            hint = kind_hint or rng.choice(["department", "department", "peoples-committee", "zone-authority"])
            if hint == "peoples-committee" and province.term not in self.peoples_committees:
                vi, en = f"Ủy ban nhân dân {province.vi[0].lower()}{province.vi[1:]}", f"{province.en} People's Committee"
                short, kind = f"UBND {province.short}", "cơ quan hành chính"
                alts = (short,)
            elif hint == "zone-authority":
                vi, en = f"Ban Quản lý Khu công nghiệp {brand} {province.short}", f"{brand_en} Industrial Park Authority, {province.en}"
                short, kind = f"BQL KCN {brand}", "một cơ quan quản lý"
                zone = Entity(self.mint(f"khu cong nghiep {brand} {province.short}"), f"Khu công nghiệp {brand} {province.short}",
                              f"{brand_en} Industrial Park, {province.en}", short=f"KCN {brand}", kind="một khu công nghiệp",
                              place=province)
                self.actor(article, zone, "ig:Zone", "intermediary", alts=(f"KCN {brand}",))
                w.t(zone.term, n("schema:containedInPlace"), province.term)
                self.zones.append(zone)
                self.orgs.append(zone)
                manages = zone
            else:
                d = DEPARTMENTS[dept if dept is not None else rng.randrange(len(DEPARTMENTS))]
                key = f"so {d[0]} {province.short}"
                if slug(key) in self.used_slugs:  # the department exists: a division of a district instead
                    district = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
                    vi = f"Phòng {d[0]} huyện {district}, {province.short}"
                    en = f"{d[1]} Division of {fold(district).title()} District, {province.en}"
                    short = f"Phòng {d[2]} {district}"
                else:
                    vi = f"Sở {d[0]} {province.vi[0].lower()}{province.vi[1:]}"
                    en = f"{province.en} Department of {d[1]}"
                    short = f"Sở {d[2]} {province.short}"
                    self.used_slugs[slug(key)] = 1
                cls, kind, alts = "org:OrganizationalUnit", "cơ quan chuyên môn", (short, f"{d[3]} {fold(province.short).title()}")
                parent = self.peoples_committees.get(province.term)
        elif category == "industry":
            form_vi, form_en = rng.choice([("Công ty Cổ phần", "JSC"), ("Công ty TNHH", "Co., Ltd."), ("Tập đoàn", "Group")])
            vi, en = f"{form_vi} {sector.vi} {brand}", f"{brand_en} {sector.en} {form_en}"
            short, kind = f"{brand} {initials(sector.vi)}", f"một doanh nghiệp {sector.vi.lower()}"
            alts = (short,)
        elif category == "academia":
            pattern = rng.randrange(3)
            if pattern == 0:
                vi, en = f"Trường Đại học {sector.vi} {brand}", f"{brand_en} University of {sector.en}"
            elif pattern == 1:
                vi, en = f"Viện {sector.vi} {brand}", f"{brand_en} Institute of {sector.en}"
            else:
                vi, en = f"Phòng thí nghiệm trọng điểm {sector.vi} {brand}", f"{brand_en} Key Laboratory of {sector.en}"
            short, kind = initials(vi), "một cơ sở nghiên cứu, đào tạo"
            alts = (short,)
        elif category == "intermediary":
            pattern = rng.randrange(4)
            if pattern == 0:
                vi, en = f"Trung tâm Đổi mới sáng tạo {brand}", f"{brand_en} Innovation Centre"
            elif pattern == 1:
                vi, en = f"Vườn ươm doanh nghiệp {sector.vi} {brand}", f"{brand_en} {sector.en} Business Incubator"
            elif pattern == 2:
                vi, en = f"Hiệp hội Doanh nghiệp {sector.vi} {brand} {province.short}", f"{brand_en} {sector.en} Business Association, {province.en}"
            else:
                vi, en = f"Quỹ Đầu tư mạo hiểm {brand}", f"{brand_en} Ventures"
            short, kind = initials(vi), "một tổ chức trung gian"
            alts = (short,)
        else:  # international
            country = self.skewed(list(self.countries.values())[1:], 1.4)
            foreign = rng.choice(FOREIGN) + rng.choice(FOREIGN).lower()
            pattern = rng.randrange(3)
            if pattern == 0 and country.term not in self.consulates:
                vi, en = f"Tổng Lãnh sự quán {country.vi} tại TP.HCM", f"Consulate General of {country.en} in Ho Chi Minh City"
                short, kind = f"TLSQ {country.vi}", "một cơ quan đại diện nước ngoài"
                represents = country
                province = self.provinces[0]
            elif pattern == 1:
                vi, en = f"Tập đoàn {foreign} {sector.vi}", f"{foreign} {sector.en} Corporation"
                short, kind = foreign, "một tập đoàn nước ngoài"
            else:
                vi, en = f"Văn phòng đại diện {foreign} tại Việt Nam", f"{foreign} Representative Office in Vietnam"
                short, kind = f"{foreign} Việt Nam", "một văn phòng đại diện nước ngoài"
            alts = (short,)
            province = province if rng.random() < 0.6 or represents else self.provinces[0]
        e = Entity(self.mint(en), nfc(vi), en, short=short, kind=kind, place=province)
        self.actor(article, e, cls, category, alts=tuple(dict.fromkeys(a for a in alts if a)))
        w.t(e.term, n("schema:location"), province.term)
        if category == "government":
            w.t(e.term, n("schema:areaServed"), province.term)
        if parent is not None:
            w.t(e.term, n("org:subOrganizationOf"), parent.term)
        if manages is not None:
            w.t(e.term, n("ig:manages"), manages.term)
        if represents is not None:
            w.t(e.term, n("ig:represents"), represents.term)
            e.extra["consulate"] = represents.term
            self.consulates[represents.term] = e
        if kind_hint == "peoples-committee" or (category == "government" and vi.startswith("Ủy ban")):
            self.peoples_committees[province.term] = e
        self.orgs.append(e)
        if category in ("industry", "academia") and rng.random() < 0.5:
            self.focus(article, e, [sector])
        return e

    def person(self, article: Article, e: Entity | None, organisation: Entity, role: Concept | None = None) -> Entity:
        rng, w = self.rng, self.out
        if e is None:
            if organisation.kind.startswith("một tập đoàn nước ngoài") or rng.random() < 0.05:
                first, last = rng.choice(WESTERN)
                name = f"{first} {last}"
            else:
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            e = Entity(self.mint(name), name, name, kind="person")
        if role is None:
            role = self.c["role"]["consul-general" if "consulate" in organisation.extra else
                                  "vice-chair-peoples-committee" if organisation.vi.startswith("Ủy ban") else
                                  "head-of-management-board" if organisation.vi.startswith("Ban Quản lý") else "director"]
        evidence = article.cite(f"Ông/bà {e.vi}, {role.vi.lower()} {organisation.vi}, cho biết đơn vị sẽ đẩy mạnh hợp tác.")
        w.t(e.term, A, n("foaf:Person"))
        w.t(e.term, LABEL, lit(e.vi, "vi"))
        w.t(e.term, LABEL, lit(e.en, "en"))
        w.t(e.term, n("foaf:name"), lit(e.vi))
        if e.vi != fold(e.vi):
            w.t(e.term, HIDDEN, lit(fold(e.vi)))
        w.t(e.term, DERIVED, evidence)
        m = self.igr(f"membership-{local(e.term)}-{local(organisation.term)}")
        w.t(m, A, n("org:Membership"))
        w.t(m, n("org:member"), e.term)
        w.t(m, n("org:organization"), organisation.term)
        w.t(m, n("org:role"), role.term)
        w.t(m, n("ig:attestedOn"), typed(article.issued.isoformat(), "date"))
        w.t(m, DERIVED, evidence)
        e.extra["org"] = organisation
        self.people.append(e)
        return e

    def post(self, article: Article, organisation: Entity) -> None:
        role = self.rng.choice(list(self.c["role"].values()))
        p = self.mint(f"post {role.local} {organisation.en}")
        w = self.out
        w.t(p, A, n("org:Post"))
        w.t(p, LABEL, lit(f"{role.vi} {organisation.vi}", "vi"))
        w.t(p, LABEL, lit(f"{role.en}, {organisation.en}", "en"))
        w.t(p, n("org:postIn"), organisation.term)
        w.t(p, n("org:role"), role.term)
        w.t(p, DERIVED, article.cite(f"Vị trí {role.vi.lower()} của {organisation.vi} hiện do lãnh đạo đơn vị đảm nhiệm."))

    def event(self, article: Article, *, host: Entity, term: str | None = None, vi: str = "", en: str = "",
              on: date | None = None, partial: tuple[int, int] | None = None, participants: int = 0) -> Entity:
        rng, w = self.rng, self.out
        sector = self.sector()
        place = host.place if host.place is not None and rng.random() < 0.7 else self.skewed(self.provinces, 1.5)
        if not vi:
            year = (on or article.issued).year
            pattern = rng.randrange(4)
            if pattern == 0:
                vi, en = f"Hội thảo {sector.vi} {place.name} {year}", f"{sector.en} Workshop, {place.en} {year}"
            elif pattern == 1:
                vi, en = f"Diễn đàn Đổi mới sáng tạo {place.name} {year}", f"{place.en} Innovation Forum {year}"
            elif pattern == 2:
                vi, en = f"Hội nghị xúc tiến đầu tư {sector.vi} {year}", f"{sector.en} Investment Promotion Conference {year}"
            else:
                vi, en = f"Techmart {sector.vi} {place.name} {year}", f"{sector.en} Techmart, {place.en} {year}"
            vi = f"{vi} ({host.name})"
            en = f"{en} ({host.en})"
        if partial is None and on is None and rng.random() < 0.04:
            partial = (rng.randint(1, 12), rng.randint(1, 28))
        day = on or self.day(article)
        when = f"ngày {partial[1]}/{partial[0]}" if partial else f"ngày {day.day}/{day.month}/{day.year}"
        e = Entity(term or self.mint(f"event {en}"), nfc(vi), en, kind="event", place=place)
        evidence = article.cite(f"{when.capitalize()}, {host.name} tổ chức {e.vi} tại {place.name}.")
        w.t(e.term, A, n("schema:Event"))
        self.labels(e)
        w.t(e.term, DERIVED, evidence)
        w.t(e.term, n("schema:location"), (self.rng.choice(self.venues) if rng.random() < 0.3 else place).term)
        w.t(e.term, n("ig:sector"), sector.term)
        if partial:
            d = self.igr(f"date-{local(e.term)}")
            w.t(d, A, n("time:DateTimeDescription"))
            w.t(d, n("time:unitType"), n("time:unitDay"))
            w.t(d, n("time:month"), typed(f"--{partial[0]:02d}", "gMonth"))
            w.t(d, n("time:day"), typed(f"---{partial[1]:02d}", "gDay"))
            w.t(e.term, n("ig:partialDate"), d)
            if term is not None or rng.random() < 0.5:
                self.inference(article, e, evidence)
        else:
            w.t(e.term, n("schema:startDate"), typed(day.isoformat(), "date"))
        if self.events and rng.random() < 0.1:
            w.t(e.term, n("schema:superEvent"), self.skewed(self.events, 1.5).term)
        self.events.append(e)
        roles = self.c["event-role"]
        self.participation(article, e, host, roles["host"], evidence)
        for k in range(participants or rng.randint(2, 7)):
            if self.people and rng.random() < 0.3:
                who, role = self.skewed(self.people, 1.3), roles["speaker"]
            else:
                who, role = self.party(), roles[rng.choice(["delegate", "delegate", "participant", "organiser", "signatory"])]
            if who is not host:
                self.participation(article, e, who, role, evidence if k % 3 else
                                   article.cite(f"{who.name} tham dự {e.vi} với vai trò {role.vi.lower()}."))
        return e

    def participation(self, article: Article, event: Entity, who: Entity, role: Concept, evidence: str) -> None:
        w = self.out
        self.bnode += 1
        p = self.igr(f"participation-s{article.index:05d}-{self.bnode}")
        w.t(p, A, n("ig:Participation"))
        w.t(p, n("ig:event"), event.term)
        w.t(p, n("ig:participant"), who.term)
        w.t(p, n("ig:participationRole"), role.term)
        w.t(p, DERIVED, evidence)

    def inference(self, article: Article, event: Entity, evidence: str) -> None:
        w, year = self.out, article.issued.year if self.rng.random() < 0.8 else article.issued.year - 1
        i = self.igr(f"inference-{local(event.term)}-year")
        w.t(i, A, n("ig:Inference"))
        w.t(i, n("ig:about"), event.term)
        w.t(i, n("ig:inferredProperty"), n("time:year"))
        w.t(i, n("ig:inferredValue"), typed(str(year), "gYear"))
        w.t(i, n("ig:inferredFrom"), evidence)
        w.t(i, n("ig:inferredFrom"), article.term)
        w.t(i, n("rdfs:comment"), lit(nfc(f"Bài viết không nêu năm; bài đăng năm {article.issued.year} nên sự kiện nhiều khả năng diễn ra năm {year}."), "vi"))
        w.t(i, n("rdfs:comment"), lit(f"The article gives no year; it was published in {article.issued.year}, so the event most likely took place in {year}.", "en"))

    _KINDS = [("Cooperation", 0.30), ("Agreement", 0.14), ("Proposal", 0.14), ("Request", 0.10), ("Recommendation", 0.08),
              ("Commitment", 0.10), ("Goal", 0.14)]
    _STATUS = {"Cooperation": ["ongoing", "ongoing", "completed", "planned"], "Agreement": ["signed"],
               "Proposal": ["proposed"], "Request": ["requested"], "Recommendation": ["recommended"],
               "Commitment": ["committed"], "Goal": ["aspired", "planned"]}

    def relationship(self, article: Article, *, kind: str = "", parties: list[Entity] | None = None, term: str | None = None,
                     event: Entity | None = None, sectors: list[Concept] | None = None) -> Entity:
        rng, w = self.rng, self.out
        if not kind:
            r, acc = rng.random(), 0.0
            for kind, weight in self._KINDS:
                acc += weight
                if r < acc:
                    break
        parties = parties or self.parties(rng.choice([2, 2, 2, 3, 3, 4, 5]) if kind != "Goal" else rng.choice([1, 1, 2, 3]))
        if sectors is None:
            sectors = list(dict.fromkeys(self.sector() for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3]))))
        a, rest = parties[0], parties[1:]
        others_vi = ", ".join(p.name for p in rest) or "các đối tác"
        others_en = ", ".join(p.en for p in rest) or "partners"
        topic_vi = ", ".join(s.vi.lower() for s in sectors) or "đổi mới sáng tạo"
        topic_en = ", ".join(s.en.lower() for s in sectors) or "innovation"
        vi, en, quote = {
            "Cooperation": (f"Hợp tác giữa {a.name} và {others_vi} về {topic_vi}", f"Cooperation between {a.en} and {others_en} on {topic_en}",
                            f"{a.name} phối hợp với {others_vi} triển khai các hoạt động về {topic_vi}."),
            "Agreement": (f"Thỏa thuận hợp tác về {topic_vi} giữa {a.name} và {others_vi}", f"Agreement on {topic_en} between {a.en} and {others_en}",
                          f"{a.name} và {others_vi} đã ký kết thỏa thuận hợp tác trong lĩnh vực {topic_vi}."),
            "Proposal": (f"{a.name} đề xuất hợp tác về {topic_vi} với {others_vi}", f"{a.en} proposes cooperation on {topic_en} to {others_en}",
                         f"{a.name} đề xuất {others_vi} cùng xây dựng chương trình hợp tác về {topic_vi}."),
            "Request": (f"{a.name} đề nghị {others_vi} hỗ trợ về {topic_vi}", f"{a.en} asks {others_en} for support on {topic_en}",
                        f"{a.name} đề nghị {others_vi} tạo điều kiện, hỗ trợ doanh nghiệp trong lĩnh vực {topic_vi}."),
            "Recommendation": (f"{a.name} khuyến nghị {others_vi} về {topic_vi}", f"{a.en} recommends a course on {topic_en} to {others_en}",
                               f"Chia sẻ kinh nghiệm, {a.name} khuyến nghị {others_vi} chú trọng phát triển {topic_vi}."),
            "Commitment": (f"{a.name} cam kết hỗ trợ {others_vi} về {topic_vi}", f"{a.en} pledges support on {topic_en} to {others_en}",
                           f"{a.name} cam kết tạo mọi điều kiện để {others_vi} phát triển {topic_vi}."),
            "Goal": (f"{a.name} đặt mục tiêu phát triển {topic_vi}", f"{a.en} aims to develop {topic_en}",
                     f"{a.name} đặt mục tiêu phát triển mạnh {topic_vi} cùng {others_vi} trong giai đoạn tới."),
        }[kind]
        e = Entity(term or self.mint(f"{kind} {en}"), nfc(vi), en, kind=kind)
        w.t(e.term, A, n(f"ig:{kind}"))
        self.labels(e)
        self.describe(e.term, quote, en + ".")
        w.t(e.term, DERIVED, article.cite(quote))
        if rng.random() < 0.2:
            w.t(e.term, DERIVED, article.cite(f"Theo {a.name}, hoạt động này góp phần thúc đẩy hệ sinh thái đổi mới sáng tạo."))
        for p in parties:
            w.t(e.term, n("ig:party"), p.term)
        if kind not in ("Cooperation", "Agreement"):
            w.t(e.term, n("ig:initiator"), a.term)
            if kind != "Goal" and rest:
                w.t(e.term, n("ig:addressee"), rest[0].term)
        for s in sectors:
            w.t(e.term, n("ig:sector"), s.term)
        w.t(e.term, n("ig:status"), self.concept("status", rng.choice(self._STATUS[kind])))
        if event is None and self.events and rng.random() < 0.45:
            event = rng.choice(self.hub_events) if self.hub_events and rng.random() < 0.1 else self.skewed(self.events[-300:], 0.7)
        if event is not None:
            w.t(e.term, n("ig:aroseAt"), event.term)
        if kind == "Agreement":
            day = self.day(article)
            w.t(e.term, n("dcterms:date"), typed(day.isoformat(), "date"))
            w.t(e.term, DERIVED, article.cite(f"Thỏa thuận được ký ngày {day.day}/{day.month}/{day.year}."))
        if self.programmes and rng.random() < 0.05:
            w.t(e.term, n("dcterms:isPartOf"), self.skewed(self.programmes, 1.5).term)
        if len(self.facts) < 5000:
            self.facts.append(e)
            if read_figures(f"{e.name} đạt 1 USD")[-1].status == "reported":  # a figure about it must not take
                self.plain_facts.append(e)  # a "mục tiêu" in its name for its own status
        return e

    def _unit(self, indicator: Concept) -> tuple[str, float, float]:
        """The unit of an indicator, and the range of its values."""
        name = indicator.local
        if "per-capita" in name:
            return "usd-per-capita", 1_000, 15_000
        if "value" in name or "capital" in name:
            return "usd", 1e6, 3e10
        if "share" in name or "smes" in name:
            return "percent", 1, 60
        if name == "rank":
            return "ordinal-rank", 1, 20
        return "count", 1, 5000

    def observation(self, article: Article, *, area: Entity | None = None, subject: Entity | None = None,
                    indicator: Concept | None = None, year: int | None = None, value: float | None = None,
                    growth: bool | None = None) -> str:
        rng, w = self.rng, self.out
        indicator = indicator or rng.choice(self.indicators)
        unit, low, high = self._unit(indicator)
        if value is None:
            value = round(math.exp(rng.uniform(math.log(low), math.log(high))), 2 if unit != "count" else 0)
            if unit in ("count", "ordinal-rank"):
                value = float(int(value))
        status = rng.choices(["reported", "estimated", "target"], [0.6, 0.25, 0.15])[0]
        year = year or rng.randint(max(2015, article.issued.year - 4), article.issued.year)
        if area is None and subject is None:
            if rng.random() < 0.7:
                area = self.area()
            else:
                subject = self.party() if rng.random() < 0.6 or not self.plain_facts else rng.choice(self.plain_facts)
        about = area or subject
        assert about is not None
        self.bnode += 1
        o = self.igr(f"obs-{local(about.term)[:40]}-{indicator.local}-{year}-{self.bnode}")
        verb = {"reported": "đạt", "estimated": "ước đạt", "target": "phấn đấu đạt"}[status]
        qualifier = rng.choice(["approximately", "at-least"]) if unit != "ordinal-rank" and rng.random() < 0.08 else None
        # The quote states what the build reads back from it: the value, the unit, the status cue and the qualifier.
        if unit == "ordinal-rank":
            stated = f"vị trí thứ {int(value)}"
        else:
            unit_vi = {"usd": "USD", "usd-per-capita": "USD/người", "percent": "%", "count": ""}[unit]
            said = {"approximately": "khoảng ", "at-least": "ít nhất ", None: ""}[qualifier]
            stated = f"{said}{vn_number(value)} {unit_vi}".rstrip()
        deadline = year + rng.choice([1, 2, 5]) if status == "target" else None
        when = f"từ năm {year} đến năm {deadline}" if deadline else f"năm {year}"
        quote = f"{indicator.vi} của {about.name} {when} {verb} {stated}"
        evidence = article.cite(quote + ".")
        w.t(o, A, n("qb:Observation"))
        w.t(o, n("ig:indicator"), indicator.term)
        w.t(o, n("sdmx-measure:obsValue"), typed(repr(float(value)), "decimal"))
        w.t(o, n("sdmx-attribute:unitMeasure"), self.concept("unit", unit))
        w.t(o, n("sdmx-attribute:obsStatus"), self.concept("obs-status", status))
        if area is not None:
            w.t(o, n("sdmx-dimension:refArea"), area.term)
        else:
            w.t(o, n("ig:subject"), about.term)
        if status == "target":
            w.t(o, n("ig:deadline"), typed(str(deadline), "gYear"))
            w.t(o, n("ig:periodStart"), typed(str(year), "gYear"))
        else:
            w.t(o, n("sdmx-dimension:refPeriod"), typed(str(year), "gYear"))
        if rng.random() < 0.3:
            w.t(o, n("ig:sector"), self.sector().term)
        if qualifier is not None:
            w.t(o, n("ig:valueQualifier"), self.concept("qualifier", qualifier))
        w.t(o, DERIVED, evidence)
        if growth or (growth is None and unit == "usd" and status != "target" and rng.random() < 0.4):
            rate = round(rng.uniform(-5, 30), 1)
            g = self.igr(f"{local(o)}-growth")
            ev = article.cite(f"{quote}, tăng {vn_number(rate)}% so với cùng kỳ năm {year - 1}.") if rate >= 0 else \
                article.cite(f"{quote}, giảm {vn_number(-rate)}% so với năm {year - 1}.")
            w.t(g, A, n("qb:Observation"))
            w.t(g, n("ig:indicator"), self.concept("indicator", "growth-rate"))
            w.t(g, n("sdmx-measure:obsValue"), typed(repr(float(rate)), "decimal"))
            w.t(g, n("sdmx-attribute:unitMeasure"), self.concept("unit", "percent"))
            w.t(g, n("sdmx-attribute:obsStatus"), self.concept("obs-status", status))
            w.t(g, n("sdmx-dimension:refArea" if area is not None else "ig:subject"), about.term)
            w.t(g, n("sdmx-dimension:refPeriod"), typed(str(year), "gYear"))
            w.t(g, n("ig:growthOf"), o)
            w.t(g, n("ig:comparedWith"), typed(str(year - 1), "gYear"))
            w.t(g, DERIVED, ev)
        return o

    def focus(self, article: Article, who: Entity, sectors: list[Concept]) -> None:
        w = self.out
        self.bnode += 1
        f = self.igr(f"focus-{local(who.term)[:50]}-{self.bnode}")
        topic = ", ".join(s.vi.lower() for s in sectors)
        quote = f"{who.name} tập trung phát triển các lĩnh vực {topic}."
        w.t(f, A, n("ig:SectorFocus"))
        w.t(f, n("ig:focusOf"), who.term)
        for s in sectors:
            w.t(f, n("ig:sector"), s.term)
        self.describe(f, quote, f"{who.en} focuses on {', '.join(s.en.lower() for s in sectors)}.")
        w.t(f, DERIVED, article.cite(quote))

    def programme(self, article: Article, *, term: str | None = None, vi: str = "", en: str = "", responsible: Entity | None = None,
                  period: tuple[int, int] | None = None, sector: Concept | None = None, pillars: int | None = None) -> Entity:
        rng, w = self.rng, self.out
        sector = sector or self.sector()
        responsible = responsible or self.party()
        start = period[0] if period else rng.randint(2018, 2026)
        end = period[1] if period else start + rng.choice([2, 3, 5, 10])
        scheme = term is None and rng.random() < 0.3
        if not vi:
            if scheme:
                vi, en = f"Đề án phát triển {sector.vi.lower()} của {responsible.name} giai đoạn {start} - {end}", \
                    f"{responsible.en}'s scheme for {sector.en.lower()}, {start}–{end}"
            else:
                vi, en = f"Chương trình phát triển {sector.vi.lower()} của {responsible.name} giai đoạn {start} - {end}", \
                    f"{responsible.en}'s {sector.en.lower()} programme, {start}–{end}"
        e = Entity(term or self.mint(f"programme {en}"), nfc(vi), en, kind="programme")
        quote = f"{responsible.name} triển khai {e.vi} nhằm thúc đẩy {sector.vi.lower()}."
        w.t(e.term, A, n("ig:Scheme" if scheme else "ig:Programme"))
        self.labels(e)
        self.describe(e.term, quote, f"{en}: to advance {sector.en.lower()}.")
        w.t(e.term, DERIVED, article.cite(quote))
        w.t(e.term, n("ig:responsible"), responsible.term)
        w.t(e.term, n("ig:status"), self.concept("status", rng.choice(["planned", "ongoing", "ongoing", "completed"])))
        w.t(e.term, n("ig:sector"), sector.term)
        w.t(e.term, n("ig:periodStart"), typed(str(start), "gYear"))
        w.t(e.term, n("ig:periodEnd"), typed(str(end), "gYear"))
        if self.programmes and rng.random() < 0.3:
            parent = self.skewed(self.programmes, 2.0)
            w.t(e.term, n("dcterms:isPartOf" if scheme else "ig:implements"), parent.term)
        for k in range(pillars if pillars is not None else rng.choice([0, 0, 1, 2, 3])):
            s = self.sector()
            p = self.igr(f"pillar-{local(e.term)}-{k + 1}")
            pq = f"Trụ cột {k + 1} của {e.vi}: phát triển {s.vi.lower()}."
            w.t(p, A, n("ig:Pillar"))
            w.t(p, LABEL, lit(nfc(f"Trụ cột {k + 1}: {s.vi}"), "vi"))
            w.t(p, LABEL, lit(f"Pillar {k + 1}: {s.en}", "en"))
            w.t(p, HIDDEN, lit(fold(f"Trụ cột {k + 1}: {s.vi}")))
            w.t(p, n("dcterms:isPartOf"), e.term)
            w.t(p, n("ig:sector"), s.term)
            w.t(p, n("ig:status"), self.concept("status", "ongoing"))
            w.t(p, DERIVED, article.cite(pq))
        self.programmes.append(e)
        if rng.random() < 0.4:
            self.focus(article, e, [sector])
        return e

    # -- articles ----------------------------------------------------------------------------

    def article(self, index: int) -> None:
        """One synthetic article and every fact it supports."""
        rng, w = self.rng, self.out
        issued = self.day0 + timedelta(days=rng.randrange(7 * 365))
        if index == 1:
            identifier, issued = "001_076c606e338a89e8.txt", date(2024, 12, 28)
        else:
            identifier = f"{index:06d}_{rng.getrandbits(64):016x}.txt"
        art = Article(self, index, identifier, issued)
        sector = self.sector()
        title_vi = nfc(f"Thúc đẩy hợp tác phát triển {sector.vi.lower()} (bài {index})")
        art.say(title_vi)
        if index == 0:
            self.world(art)
        elif index == 1:
            self.anchors(art)
        else:
            self.body(art)
        text = "\n".join(art.lines) + "\n"
        data = text.encode("utf-8")
        (self.sources / identifier).write_bytes(data)
        publisher = self.media[index % len(self.media)] if self.media else None
        d = art.term
        w.t(d, A, n("schema:NewsArticle"))
        w.t(d, n("dcterms:identifier"), lit(identifier))
        w.t(d, n("dcterms:title"), lit(title_vi, "vi"))
        w.t(d, n("dcterms:title"), lit(f"Advancing cooperation in {sector.en.lower()} (article {index})", "en"))
        w.t(d, n("dcterms:issued"), typed(f"{issued.isoformat()}T{rng.randrange(6, 22):02d}:{rng.randrange(60):02d}:00+07:00", "dateTime"))
        w.t(d, n("dcterms:language"), typed("vi", "language"))
        if publisher is not None:
            w.t(d, n("dcterms:publisher"), publisher.term)
        w.t(d, n("ig:sha256"), lit(hashlib.sha256(data).hexdigest()))

    def body(self, art: Article) -> None:
        rng = self.rng
        for _ in range(rng.choice([1, 2, 2, 3, 3, 4])):
            self.org(art, rng.choices(["government", "industry", "academia", "intermediary", "international"],
                                      [0.22, 0.38, 0.14, 0.14, 0.12])[0])
        for _ in range(rng.choice([0, 1, 1, 2])):
            self.person(art, None, self.organisation())
        if rng.random() < 0.5:
            self.event(art, host=self.party())
        for _ in range(rng.randint(3, 7)):
            self.relationship(art)
        for _ in range(rng.randint(2, 5)):
            self.observation(art)
        if rng.random() < 0.7:
            self.focus(art, self.party() if rng.random() < 0.8 else rng.choice(self.regions),
                       list(dict.fromkeys(self.sector() for _ in range(rng.randint(1, 3)))))
        if rng.random() < 0.15:
            self.programme(art)
        if rng.random() < 0.15:
            self.post(art, self.organisation())

    def run(self) -> None:
        index = 0
        while index < 2 or self.out.count < self.target:
            self.article(index)
            self.out.boundary()
            index += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True, help="about how many triples to write (10000, 100000, 1000000, …)")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write into (created; old ecosystem-*.nt removed)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same graph (default 1)")
    parser.add_argument("--schemes", type=Path, default=PROJECT / "ontology" / "schemes", help="the SKOS concept schemes")
    args = parser.parse_args()
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    sources = args.out / "sources"
    sources.mkdir(exist_ok=True)
    for old in list(args.out.glob("ecosystem-*.nt")) + list(sources.glob("*.txt")):
        old.unlink()
    out = Writer(args.out)
    generator = Generator(out, sources, read_schemes(args.schemes), args.seed, args.triples)
    try:
        generator.run()
    finally:
        out.close()
    seconds = time.perf_counter() - started
    print(f"{out.count} triples in {len(out.files)} file(s) under {args.out}, {len(list(sources.glob('*.txt')))} source "
          f"articles in {sources}; {len(generator.orgs)} organisations, {len(generator.people)} people, "
          f"{len(generator.events)} events; {seconds:.1f} s")


if __name__ == "__main__":
    main()
