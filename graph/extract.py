"""The ingest extractor: an article's text in, candidate facts out, each with its exact evidence.

Offline and deterministic. Known actors are found by the gazetteer built from the graph's own names;
new actors, people and their posts by rules over pyvi's word segmentation (its model ships in its
package); figures and dates by the same readers the build checks facts with (graph/figures.py,
graph/dates.py); indicators, sectors and roles from the graph's concept schemes. Every candidate says
which rule proposed it and how sure it is; a year the article does not give stays missing, and the
article's own date is offered only as a marked inference.
"""

import bisect
import re
import threading
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from graph.candidates import Candidate, evidence
from graph.dates import DateMention, read_dates
from graph.figures import Figure, read_figures
from graph.gazetteer import Gazetteer, Mention
from graph.namespaces import (CONCEPT, ID, IG, OA, ORG, PROV, QB, SCHEMA, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE,
                              TIME, local_name)
from graph.query import run
from graph.text import clause_start, fold, sentence_start, sentences, slug

__all__ = ["ArticleText", "Vocabulary", "extract"]

_DOCUMENT_CLASSES = frozenset({str(IG.Programme), str(IG.Scheme), str(IG.TradeAgreement), str(IG.PolicyDocument)})
_PLACE_CLASSES = frozenset({str(IG.Locality), str(IG.Region), str(SCHEMA.Country), str(SCHEMA.Place), str(IG.Zone)})


@dataclass(frozen=True)
class ArticleText:
    """What the extractor reads: the registered document, its number ("005"), its text and its date."""

    document: URIRef
    text: str
    issued: date | None = None

    @property
    def key(self) -> str:
        return local_name(str(self.document)).removeprefix("doc-")


@dataclass(frozen=True)
class _Concept:
    iri: str
    label: str
    forms: tuple[str, ...]  # folded labels and variants


@dataclass(frozen=True)
class Vocabulary:
    """The graph's concept schemes the extractor names things with: indicators, sectors, roles."""

    indicators: tuple[_Concept, ...]
    sectors: tuple[_Concept, ...]
    roles: tuple[_Concept, ...]
    consulates: tuple[tuple[str, str], ...] = ()  # (country, the body that represents it: a consulate general)

    @classmethod
    def from_store(cls, store: ox.Store) -> "Vocabulary":
        """Read the schemes once from a store that holds the ontology."""
        found: dict[str, dict[str, tuple[str, set[str]]]] = {"indicator": {}, "sector": {}, "role": {}}
        for row in run(store, _CONCEPTS):
            scheme = local_name(row["scheme"].value)
            concept = row["concept"].value
            label, forms = found[scheme].setdefault(concept, ("", set()))
            if row["prop"].value == str(SKOS.prefLabel) and row["value"].language == "vi":
                label = row["value"].value
            if row["value"].language in (None, "", "vi") or row["prop"].value == str(SKOS.hiddenLabel):
                forms.add(fold(row["value"].value))
            found[scheme][concept] = (label, forms)

        def concepts(scheme: str) -> tuple[_Concept, ...]:
            return tuple(_Concept(iri=i, label=lab, forms=tuple(sorted(f for f in forms if f)))
                         for i, (lab, forms) in sorted(found[scheme].items()))

        consulates = tuple(sorted((r["country"].value, r["body"].value) for r in run(store, _REPRESENTS)))
        return cls(indicators=concepts("indicator"), sectors=concepts("sector"), roles=concepts("role"),
                   consulates=consulates)


_CONCEPTS = """# Which concepts of the indicator, sector and role schemes are there, by which labels?
SELECT ?scheme ?concept ?prop ?value WHERE {
  VALUES ?scheme { scheme:indicator scheme:sector scheme:role }
  VALUES ?prop { skos:prefLabel skos:altLabel skos:hiddenLabel }
  ?concept skos:inScheme ?scheme ; ?prop ?value .
}
"""


_REPRESENTS = """# Which bodies represent a country here (its consulate general)?
SELECT ?country ?body WHERE { ?body ig:represents ?country . ?country a schema:Country }
"""


def _iri_slug(text: str) -> str:
    return slug(text) or "x"


def extract(article: ArticleText, *, gazetteer: Gazetteer, vocabulary: Vocabulary) -> list[Candidate]:
    """Every candidate the article gives, in the order of the text.

    The article's header lines (a URL, a dateline) are read as the document's, not as facts.
    """
    text = article.text
    body = _body_start(text)
    mentions = [m for m in gazetteer.find(text) if m.start >= body]
    tokens = _tokens(text)
    spans = [s for s in sentences(text) if s[0] >= body]
    candidates: list[Candidate] = []
    candidates += _known_actors(article, mentions)
    places = gazetteer.folded_names_of(_PLACE_CLASSES)
    known_names = gazetteer.folded_names
    consulates = {country: body for country, body in vocabulary.consulates if gazetteer.known(body)}
    new_actors = _new_actors(article, tokens, mentions, places, known_names, consulates, body)
    known_links = [c for c in new_actors if c.kind == "known-actor"]
    new_actors = [c for c in new_actors if c.kind == "new-actor"]
    candidates += new_actors
    candidates += [c for c in known_links if c.key not in {k.key for k in candidates}]
    actors = sorted([(m.start, m.end, m.iri, m.cls) for m in mentions] +
                    [(c.span[0], c.span[1], str(c.node), str(c.triples.value(c.node, RDF.type))) for c in new_actors])
    candidates += _people(article, tokens, mentions, actors, vocabulary, places, body)
    candidates += _figures(article, actors, vocabulary, body)
    candidates += _events(article, spans, actors)
    candidates += _documents(article, body, [(m.start, m.end) for m in mentions if m.cls in _DOCUMENT_CLASSES])
    candidates += _relationships(article, spans, actors, vocabulary)
    candidates += _goals(article, spans, actors, vocabulary)
    return sorted(candidates, key=lambda c: (c.span, c.kind, c.key))


_HEADER = re.compile(r"(?:[A-Z]+:\s.*|[A-Z][a-z]+ \d{1,2}, \d{4}.*|.*\d{1,2}/\d{1,2}/\d{4}[ ,]+\d{1,2}:\d{2}.*)$")


def _body_start(text: str) -> int:
    """Where the article's body begins, after header lines such as `URL: …` or a dateline."""
    position = 0
    for line in text.splitlines(keepends=True):
        if line.strip() and not _HEADER.match(line.strip()):
            break
        position += len(line)
    return position


# -- words -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    tag: str


_PYVI_LOCK = threading.Lock()


def _tokens(text: str) -> list[_Token]:
    """pyvi's words and parts of speech, each at its place in the text (its syllables joined by "_")."""
    from pyvi import ViPosTagger, ViTokenizer  # loads its model on first use, not at import of this module

    with _PYVI_LOCK:
        words, tags = ViPosTagger.postagging(ViTokenizer.tokenize(text))
    tokens, position = [], 0
    for word, tag in zip(words, tags):
        syllables = word.split("_")
        pattern = r"\s*".join(re.escape(s) for s in syllables) if len(syllables) > 1 else re.escape(word)
        match = re.compile(pattern).search(text, position)
        if match is None or match.start() - position > 40:
            continue
        tokens.append(_Token(match.start(), match.end(), match.group(0), str(tag)))
        position = match.end()
    return tokens


# -- known actors ----------------------------------------------------------------------------------------

def _known_actors(article: ArticleText, mentions: list[Mention]) -> list[Candidate]:
    """One candidate for each known actor the article names: its first mention as evidence."""
    first: dict[str, Mention] = {}
    for m in mentions:
        if m.iri not in first or (first[m.iri].rule == "gazetteer:coreference" and m.rule != "gazetteer:coreference"):
            first[m.iri] = m
    out = []
    for iri, m in first.items():
        note = f" (có thể là: {', '.join(local_name(a) for a in m.ambiguous)})" if m.ambiguous else ""
        out.append(_known_link(article, iri, m.start, m.end, m.rule, confidence=m.confidence,
                               summary=f"{m.surface} → {m.label} ({local_name(iri)}){note}"))
    return out


def _known_link(article: ArticleText, iri: str, start: int, end: int, rule: str, *, confidence: float = 0.75,
                summary: str | None = None) -> Candidate:
    """A known actor the text names at start:end, by one of its names or by description ("ba Tổng Lãnh sự của
    Hoa Kỳ, …"): the span is its evidence."""
    ev, g = evidence(article.document, article.text, start, end)
    g.add((URIRef(iri), PROV.wasDerivedFrom, ev))
    return Candidate(kind="known-actor", key=f"known-actor|{iri}", rule=rule, confidence=confidence,
                     summary=summary or f"{article.text[start:end]} → {local_name(iri)}", node=URIRef(iri), triples=g,
                     span=(start, end), document=article.document)


# -- new actors ------------------------------------------------------------------------------------------

# The head words that open an organisation's name, and the class and category each gives.
_HEADS: tuple[tuple[str, str, str], ...] = (
    ("Tổng Lãnh sự quán", "org:FormalOrganization", "international"),
    ("Đại sứ quán", "org:FormalOrganization", "international"),
    ("Lãnh sự quán", "org:FormalOrganization", "international"),
    ("Ủy ban nhân dân", "org:FormalOrganization", "government"), ("UBND", "org:FormalOrganization", "government"),
    ("Sở", "org:OrganizationalUnit", "government"), ("Bộ", "org:FormalOrganization", "government"),
    ("Ban Quản lý", "org:FormalOrganization", "government"), ("ban Quản lý", "org:FormalOrganization", "government"),
    ("Sàn giao dịch", "org:FormalOrganization", "intermediary"), ("Tạp chí", "org:FormalOrganization", "media"),
    ("Tạp Chí", "org:FormalOrganization", "media"), ("Báo", "org:FormalOrganization", "media"),
    ("Thông tấn xã", "org:FormalOrganization", "media"), ("Đài Truyền hình", "org:FormalOrganization", "media"),
    ("Thành ủy", "org:FormalOrganization", "government"),
    ("Tỉnh ủy", "org:FormalOrganization", "government"), ("Cục", "org:OrganizationalUnit", "government"),
    ("Vụ", "org:OrganizationalUnit", "government"), ("Văn phòng", "org:OrganizationalUnit", "government"),
    ("Đại học Quốc gia", "org:FormalOrganization", "academia"), ("ĐH Quốc gia", "org:FormalOrganization", "academia"),
    ("ĐHQG", "org:FormalOrganization", "academia"), ("ĐH", "org:FormalOrganization", "academia"),
    ("Trường Đại học", "org:FormalOrganization", "academia"),
    ("Đại học", "org:FormalOrganization", "academia"), ("Học viện", "org:FormalOrganization", "academia"),
    ("Trường Cao đẳng", "org:FormalOrganization", "academia"), ("Viện", "org:FormalOrganization", "academia"),
    ("Phòng thí nghiệm", "org:OrganizationalUnit", "academia"),
    ("Trung tâm", "org:FormalOrganization", "intermediary"), ("Hiệp hội", "org:FormalOrganization", "intermediary"),
    ("Hội", "org:FormalOrganization", "intermediary"), ("Quỹ", "org:FormalOrganization", "intermediary"),
    ("Vườn ươm", "org:FormalOrganization", "intermediary"), ("Khu Công nghệ cao", "ig:Zone", "government"),
    ("Khu công nghiệp", "ig:Zone", "government"), ("Công viên phần mềm", "ig:Zone", "industry"),
    ("Tập đoàn", "org:FormalOrganization", "industry"), ("Tổng công ty", "org:FormalOrganization", "industry"),
    ("Công ty", "org:FormalOrganization", "industry"), ("Ngân hàng", "org:FormalOrganization", "industry"),
    ("Diễn đàn Kinh tế", "org:FormalOrganization", "international"),
    ("Tổ chức", "org:FormalOrganization", "international"), ("Tổ công tác", "org:FormalOrganization", "government"),
)
_CLASSES = {"org:FormalOrganization": ORG.FormalOrganization, "org:OrganizationalUnit": ORG.OrganizationalUnit,
            "ig:Zone": IG.Zone, "ig:Locality": IG.Locality, "schema:Country": SCHEMA.Country, "ig:Region": IG.Region}
_REGION_NAMES = ("Đông Nam Á", "châu Á", "châu Âu", "châu Phi", "châu Mỹ", "Bắc Mỹ", "ASEAN", "Đông Nam Bộ", "Đông Nam bộ",
                 "Đồng bằng sông Cửu Long", "Tây Nguyên", "Duyên hải Nam Trung Bộ", "châu Á - Thái Bình Dương")
_REGION = re.compile(r"(?<![\w])(?:vùng\s+)?(?:" + "|".join(re.escape(r).replace(r"\ ", r"\s+")
                                                       for r in sorted(_REGION_NAMES, key=len, reverse=True)) + r")(?![\w])")
_LOCALITY = re.compile(r"(?<![\w])(?:tỉnh|Tỉnh)\s+(?P<name>[A-ZĐ]\w*(?:\s+[A-ZĐ]\w*){0,3}(?:\s*[-–]\s*[A-ZĐ]\w*(?:\s+[A-ZĐ]\w*)?)?)")
_CONNECTORS = {"và", "&", "-", "–", "tại", "thành phố", "tỉnh", "điện tử"}
_HEAD = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h, _, _ in
                                             sorted(_HEADS, key=lambda h: -len(h[0]))) + r")(?!\w)")
_FOREIGN_CITY = re.compile(r"(?<!\w)(?:thành phố|Thành phố|bang|tiểu bang)\s+(?P<name>(?:[A-Z][\w'-]*\s?){1,3}),\s+"
                           r"(?P<country>[A-ZĐ][\w]+(?:\s[A-ZĐ][\w]+){0,2})")


def _capitalised(word: str) -> bool:
    return bool(word) and (word[0].isupper() or word[0].isdigit() or word.isupper())


def _new_actors(article: ArticleText, tokens: list[_Token], mentions: list[Mention], places: tuple[str, ...],
                known_names: frozenset[str], consulates: dict[str, str], body: int) -> list[Candidate]:
    """Organisations named by a head word and capitalised words ("Sở Công Thương TP.HCM"), and foreign
    cities named with their country ("thành phố Porto, Bồ Đào Nha"), that no known actor's mention covers."""
    text = article.text
    covered = [(m.start, m.end) for m in mentions if m.rule != "gazetteer:coreference"]
    out: list[Candidate] = []
    seen: set[str] = set()
    starts = {t.start for t in tokens}
    inside = [(t.start, t.end) for t in tokens if "_" in t.text or " " in t.text]
    for match in _HEAD.finditer(text, body):
        head = re.sub(r"\s+", " ", match.group(0))
        cls, category = next((c, k) for h, c, k in _HEADS if h == head)
        after = re.match(r"\s+(\w+)", text[match.end():match.end() + 30])
        lower_after = bool(after) and after.group(1)[0].islower() and after.group(1) not in ("tỉnh", "thành")
        if match.start() not in starts or any(s < match.start() < e or (s == match.start() and e > match.end() and lower_after)
                                              for s, e in inside):
            continue  # "Bộ" of "Bộ trưởng", "Trường" of "Lê Trường Duy"
        if any(m.start == match.start() for m in mentions):
            continue  # the head opens a known actor's name ("UBND TPHCM")
        end = _name_end(text, tokens, match.end(), mentions, places)
        if end <= match.end():
            continue
        start = match.start()
        name = text[start:end].strip(" ,.;:")
        end = start + len(name)
        if any(s <= start and end <= e for s, e in covered) or len(name.split()) < 2:
            continue
        if any(known.startswith(fold(name)) for known in known_names):
            continue  # the start of a known actor's name, written in part ("Trung tâm Cách mạng công nghiệp")
        if name[0].islower():
            name = name[0].upper() + name[1:]
        if any(s < end and start < e for s, e in covered) and not _extends(text, start, end, covered):
            continue
        out += _actor_candidate(article, name, start, end, cls, category, "rule:head-word", 0.7, seen)
    for match in _FOREIGN_CITY.finditer(text, body):
        start, end = match.span("name")
        name = match.group("name").strip()
        end = start + len(name)
        if any(s <= start and end <= e for s, e in covered) or fold(match.group("country")) not in _COUNTRIES:
            continue
        out += _actor_candidate(article, name, start, end, "ig:Locality", "government", "rule:city-country", 0.75, seen)
    for pattern, cls, category, rule, group in ((_COUNTRY, "schema:Country", "international", "rule:country-name", 0),
                                                (_REGION, "ig:Region", "international", "rule:region-name", 0),
                                                (_LOCALITY, "ig:Locality", "government", "rule:province-name", "name")):
        for match in pattern.finditer(text, body):
            start, end = match.span(group)
            if any(s <= start and end <= e for s, e in covered) or fold(match.group(group)) in known_names \
                    or _is_person_start(text, start) \
                    or text[max(0, start - 7):start].endswith(("đô la ", "đô la\u00a0")):
                continue
            out += _actor_candidate(article, match.group(group), start, end, cls, category, rule, 0.8, seen)
    out += _consulates(article, mentions, out, body, consulates)
    return _merged(out, mentions)


_CONSULS = re.compile(r"(?<!\w)Tổng\s+Lãnh\s+sự(?:\s+quán)?(?:\s+(?:của|các\s+nước|của\s+các\s+nước))?\s+")


def _consulates(article: ArticleText, mentions: list[Mention], proposed: list[Candidate], body: int,
                consulates: dict[str, str]) -> list[Candidate]:
    """The consulates general of the countries named right after "Tổng Lãnh sự (của / các nước)" — "ba Tổng Lãnh sự
    của Hoa Kỳ, Nhật Bản và Hàn Quốc" names three — each a new actor where the graph does not know it."""
    text = article.text
    countries = [(m.start, m.end, m.iri, m.surface) for m in mentions if m.cls == str(SCHEMA.Country)]
    new = {fold(str(c.triples.value(c.node, RDFS.label))): str(c.node) for c in proposed
           if c.triples.value(c.node, RDF.type) == SCHEMA.Country}
    countries += [(m.start(), m.end(), new[fold(m.group(0))], m.group(0)) for m in _COUNTRY.finditer(text, body)
                  if fold(m.group(0)) in new]
    countries.sort()
    out: list[Candidate] = []
    seen: set[str] = set()
    for match in _CONSULS.finditer(text, body):
        position = match.end()
        for start, end, iri, surface in countries:
            if start < position:
                continue
            if re.fullmatch(r"\s*(?:,|và)?\s*", text[position:start]) is None:
                break
            name = f"Tổng Lãnh sự quán {surface} tại Thành phố Hồ Chí Minh"
            if iri in consulates:
                out.append(_known_link(article, consulates[iri], match.start(), end, "rule:consulate-of-country"))
            elif fold(name) not in seen:
                seen.add(fold(name))
                out += _actor_candidate(article, name, match.start(), end, "org:FormalOrganization", "international",
                                        "rule:consulate-of-country", 0.7, set())
                out[-1].triples.add((out[-1].node, IG.represents, URIRef(iri)))
            position = end
    return out


def _merged(candidates: list[Candidate], mentions: list[Mention]) -> list[Candidate]:
    """One candidate for names that differ only in how they write a known place at their end
    ("Khu Công nghệ cao TP.HCM", "Khu Công nghệ cao Thành phố Hồ Chí Minh"): the later names become variants."""
    places = [(m.start, m.end, m.iri) for m in mentions if m.cls in _PLACE_CLASSES]
    kept: dict[tuple[str, str], Candidate] = {}
    out = []
    for c in candidates:
        if c.kind != "new-actor":
            out.append(c)
            continue
        place = next((iri for s, e, iri in places if e == c.span[1] and s > c.span[0]), "")
        start = next((s for s, e, iri in places if e == c.span[1] and s > c.span[0]), c.span[1])
        core = (fold(str(c.triples.value(c.node, RDFS.label))[:start - c.span[0]]).strip(), place)
        if place and core in kept:
            first = kept[core]
            first.triples.add((first.node, SKOS.altLabel, c.triples.value(c.node, RDFS.label)))
            for ev in c.triples.objects(c.node, PROV.wasDerivedFrom):
                first.triples += c.triples.triples((ev, None, None))
                first.triples += (t for b in c.triples.objects(ev, OA.hasSelector) for t in c.triples.triples((b, None, None)))
                first.triples.add((first.node, PROV.wasDerivedFrom, ev))
            continue
        if place:
            kept[core] = c
        out.append(c)
    return out


# Countries by their Vietnamese names, for a country the graph does not know yet.
_COUNTRY_NAMES = ("Hoa Kỳ", "Mỹ", "Nhật Bản", "Hàn Quốc", "Trung Quốc", "Singapore", "Úc", "Australia", "Đức", "Pháp", "Anh",
                  "Italy", "Ý", "Bồ Đào Nha", "Tây Ban Nha", "Hà Lan", "Bỉ", "Thụy Sĩ", "Thụy Điển", "Phần Lan", "Đan Mạch",
                  "Na Uy", "Áo", "Ba Lan", "Séc", "Hungary", "Nga", "Ukraine", "Israel", "Ấn Độ", "Thái Lan", "Malaysia",
                  "Indonesia", "Philippines", "Lào", "Campuchia", "Myanmar", "Đài Loan", "Canada", "Brazil", "Mexico",
                  "New Zealand", "Ireland", "Luxembourg", "Estonia", "Saudi Arabia", "UAE", "Qatar", "Thổ Nhĩ Kỳ", "Ai Cập",
                  "Nam Phi", "Argentina", "Chile", "Cuba", "Kazakhstan", "Mông Cổ", "Bangladesh", "Pakistan")
_COUNTRIES = {fold(c) for c in _COUNTRY_NAMES}
_COUNTRY = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+")
                                                  for c in sorted(_COUNTRY_NAMES, key=len, reverse=True)) + r")(?![\w])")


def _extends(text: str, start: int, end: int, covered: list[tuple[int, int]]) -> bool:
    """A name that holds a known actor's mention and more ("Sở Công Thương TP.HCM" holds "TP.HCM")."""
    return all(not (s < start < e) for s, e in covered)


def _name_end(text: str, tokens: list[_Token], position: int, mentions: list[Mention], places: tuple[str, ...]) -> int:
    """Where a name that starts before `position` ends: the capitalised words that follow, joined by
    connectors ("và", "&"), on one line; a connector is part of the name only when a capitalised word follows.
    A known place's name is taken whole ("Thành phố Hồ Chí Minh"); a person's name is never part of it."""
    end, last = position, position
    known = {m.start: m.end for m in mentions if m.cls in _PLACE_CLASSES}
    for at in range(bisect.bisect_right([t.end for t in tokens], position), len(tokens)):
        token = tokens[at]
        if token.end <= last:
            continue
        between = text[last:token.start]
        if between.strip() or "\n" in between:
            break
        place = _place_at(text, token.start, places)
        if token.start in known:
            end = last = known[token.start]
        elif place:
            end = last = place
        elif token.tag != "F" and _capitalised(token.text) and not _is_person_start(text, token.start):
            end = last = token.end
        elif _connects(token, first=end == position) and not _HEAD.match(text, _next_start(tokens, at)):
            last = token.end
        elif end > position and _joined_later(tokens, at):
            last = token.end  # "Trung tâm Xúc tiến thương mại và Đầu tư": lower-case words before "và" and a capital
        else:
            break
    return end


def _connects(token: _Token, *, first: bool) -> bool:
    """A word that joins a name's parts: "và", "&"; "tỉnh", "thành phố" and "điện tử" also right after the head."""
    word = re.sub(r"\s+", " ", token.text.lower())
    return word in _CONNECTORS and (not first or word in ("tỉnh", "thành phố", "điện tử"))


def _next_start(tokens: list[_Token], at: int) -> int:
    return tokens[at + 1].start if at + 1 < len(tokens) else tokens[at].end


def _joined_later(tokens: list[_Token], at: int) -> bool:
    """Whether the lower-case word at `at` is followed, within two more words, by "và" and a capitalised word."""
    following = tokens[at + 1:at + 4]
    for i, t in enumerate(following[:-1]):
        if t.text == "và" and _capitalised(following[i + 1].text):
            return True
        if _capitalised(t.text) or t.tag == "F":
            return False
    return False


def _place_at(text: str, position: int, places: tuple[str, ...]) -> int:
    """The end of a known place's name that starts at `position` ("Hồ Chí Minh" is a city, not a person), or 0."""
    head = fold(text[position:position + 60])
    for name in places:
        if head.startswith(name) and not head[len(name):len(name) + 1].isalnum():
            return position + len(name)
    return 0


_SURNAMES = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
             "Dương", "Lý", "Đinh", "Đoàn", "Lâm", "Mai", "Trương", "Tạ", "Hà", "Lưu", "Cao", "Châu", "Thái", "Tô", "Quách",
             "Tăng", "Văn", "Đào", "Kiều", "Triệu", "Lương", "Mạc", "Tống", "Chu", "Giang"}


def _is_person_start(text: str, position: int) -> bool:
    """A Vietnamese surname followed by two or three more capitalised syllables: a person's name begins here."""
    match = re.match(r"(\w+)((?:\s+[A-ZĐ]\w*){1,3})(?![\w])", text[position:position + 60])
    return bool(match) and match.group(1) in _SURNAMES and len(match.group(2).split()) >= 2 and all(
        w[:1].isupper() and w[1:].islower() for w in match.group(2).split())


def _actor_candidate(article: ArticleText, name: str, start: int, end: int, cls: str, category: str, rule: str,
                     confidence: float, seen: set[str]) -> list[Candidate]:
    node = ID[_iri_slug(name)]
    if str(node) in seen:
        return []
    seen.add(str(node))
    ev, g = evidence(article.document, article.text, start, end)
    g.add((node, RDF.type, _CLASSES[cls]))
    g.add((node, RDFS.label, Literal(name, lang="vi")))
    g.add((node, SKOS.hiddenLabel, Literal(fold(name))))
    g.add((node, IG.category, CONCEPT[f"category/{category}"]))
    g.add((node, PROV.wasDerivedFrom, ev))
    return [Candidate(kind="new-actor", key=f"new-actor|{fold(name)}", rule=rule, confidence=confidence,
                      summary=f"{name}: {cls}, {category} (cần nhãn tiếng Anh / needs an English label)", node=node,
                      triples=g, span=(start, end), document=article.document)]


# -- people and posts ------------------------------------------------------------------------------------

_POSTS = ("Phó Thủ tướng", "Thủ tướng", "Phó Chủ tịch", "Chủ tịch", "Bộ trưởng", "Thứ trưởng", "Phó Bí thư", "Bí thư",
          "Tổng Giám đốc", "Phó Tổng Giám đốc", "Phó Giám đốc", "Giám đốc", "Phó Trưởng ban", "Trưởng ban",
          "Viện trưởng", "Phó Viện trưởng", "Hiệu trưởng", "Phó Hiệu trưởng", "Tổng Lãnh sự", "Đại sứ",
          "Phó Thị trưởng", "Thị trưởng", "Chủ nhiệm", "Trưởng phòng", "Tổng Thư ký", "Chánh Văn phòng", "Phó Cục trưởng",
          "Cục trưởng", "Vụ trưởng", "Chủ tịch Hội đồng quản trị")
_POST = r"(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(_POSTS, key=len, reverse=True)) + r")"
_NAME = r"(?:[A-ZĐ][\w'’-]*)(?:\s+[A-ZĐ][\w'’-]*){1,3}"
_HONORIFIC = r"(?:Ông|Bà|ông|bà|Anh|Chị|(?:PGS|GS|TS|ThS|PGS\.TS|GS\.TS|PGS-TS|GS-TS)\.?)"
# "Ông Nguyễn Kỳ Phùng, Trưởng ban Quản lý Khu Công nghệ cao"; "Chủ tịch UBND TPHCM Phan Văn Mãi"
_PERSON_THEN_POST = re.compile(rf"(?<!\w){_HONORIFIC}\s+(?P<name>{_NAME})\s*[,–-]\s*(?P<post>{_POST})(?P<rest>[^,.;\n]{{0,120}})")
_POST_ALONE = re.compile(rf"(?<![\w])(?P<post>{_POST})(?![\w])")
_NAME_AFTER = re.compile(rf"\s+(?P<name>{_NAME})(?=\s*[,.;:(\n]|\s+[^\W\d_](?<![A-ZĐ]))")


def _posts_then_people(text: str, actors: list[tuple[int, int, str, str]], body: int) -> list[re.Match[str]]:
    """"<post> <organisation> <name>": "Chủ tịch UBND TPHCM Phan Văn Mãi", "Bộ trưởng Bộ Khoa học và Công nghệ
    Huỳnh Thành Đạt"; the organisation is an actor named right after the post, the name right after it."""
    found = []
    for post in _POST_ALONE.finditer(text, body):
        after = [a for a in actors if post.end() < a[0] <= post.end() + 2 and a[3] != str(FOAF.Person)]
        if not after:
            continue
        org_end = max(a[1] for a in after)
        name = _NAME_AFTER.match(text, org_end)
        if name is not None:  # one match with the groups the people rule reads: post, rest (the organisation), name
            whole = re.compile(rf"(?P<post>{_POST})(?P<rest>[^\n]*?)\s+(?P<name>{re.escape(name.group('name'))})")
            match = whole.match(text, post.start(), name.end("name"))
            if match is not None:
                found.append(match)
    return found


def _people(article: ArticleText, tokens: list[_Token], mentions: list[Mention], actors: list[tuple[int, int, str, str]],
            vocabulary: Vocabulary, places: tuple[str, ...], body: int) -> list[Candidate]:
    """A person and the post the article attests, with the organisation it names: an org:Membership."""
    text = article.text
    people = {m.iri: m for m in mentions if m.cls == str(FOAF.Person)}
    out: list[Candidate] = []
    seen: set[str] = set()
    found = [(m, "rule:person-post") for m in _PERSON_THEN_POST.finditer(text, body)]
    found += [(m, "rule:post-person") for m in _posts_then_people(text, actors, body)]
    for match, rule in found:
        name_start, name = _person_name(text, match.start("name"), match.group("name"), actors, places)
        if name is None or _ends_with_post_word(name):
            continue
        org = _organisation(actors, match.start("post"), match.end("rest") if rule == "rule:person-post" else match.start("name"))
        if org is None:
            continue
        person = next((iri for iri, m in people.items() if fold(m.surface) == fold(name) or fold(m.label) == fold(name)), None)
        person_node = URIRef(person) if person else ID[_iri_slug(name)]
        key = f"person-post|{fold(name)}|{fold(match.group('post'))}|{org}"
        if key in seen:
            continue
        seen.add(key)
        start = min(match.start("post"), name_start) if rule == "rule:post-person" else match.start()
        end = max(match.end("name"), match.end("post"), match.end("rest") if rule == "rule:person-post" else 0)
        end = min(end, _org_end(actors, org, end))
        ev, g = evidence(article.document, text, start, end)
        membership = ID[f"membership-{local_name(str(person_node))}-{local_name(org)}"]
        if person is None:
            g.add((person_node, RDF.type, FOAF.Person))
            g.add((person_node, FOAF.name, Literal(name)))
            g.add((person_node, RDFS.label, Literal(name, lang="vi")))
            g.add((person_node, RDFS.label, Literal(name, lang="en")))
        g.add((person_node, PROV.wasDerivedFrom, ev))
        g.add((membership, RDF.type, ORG.Membership))
        g.add((membership, ORG.member, person_node))
        g.add((membership, ORG.organization, URIRef(org)))
        role = _concept(vocabulary.roles, match.group("post"))
        if role is not None:
            g.add((membership, ORG.role, URIRef(role.iri)))
        if article.issued is not None:
            g.add((membership, IG.attestedOn, Literal(article.issued.isoformat(), datatype=XSD.date)))
        g.add((membership, PROV.wasDerivedFrom, ev))
        post = re.sub(r"\s+", " ", match.group("post"))
        out.append(Candidate(kind="person-post", key=key, rule=rule, confidence=0.8 if person else 0.65,
                             summary=f"{name}: {post} — {local_name(org)}" + ("" if role else " (chức vụ mới / new role)"),
                             node=membership, triples=g, span=(start, end), document=article.document))
    return out


def _person_name(text: str, start: int, name: str, actors: list[tuple[int, int, str, str]],
                 places: tuple[str, ...]) -> tuple[int, str | None]:
    """A person's name as matched, less the words before it that are not part of one ("TPHCM Phan Văn Mãi"):
    two to four syllables, each a capital and lower-case letters, none a place or another actor's name."""
    words = list(re.finditer(r"\S+", name))
    while words and not _syllable(words[0].group(0)) or (words and _taken(start + words[0].start(), actors, text, places)):
        words = words[1:]
    if not 2 <= len(words) <= 4 or not all(_syllable(w.group(0)) for w in words):
        return start, None
    first = start + words[0].start()
    return first, text[first:start + words[-1].end()]


def _syllable(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower()) and word.isalpha()


def _taken(position: int, actors: list[tuple[int, int, str, str]], text: str, places: tuple[str, ...]) -> bool:
    """Whether a word at `position` belongs to an actor's name (not a person's) or to a known place's."""
    return any(s <= position < e and cls != str(FOAF.Person) for s, e, _, cls in actors) or bool(_place_at(text, position, places))


def _ends_with_post_word(name: str) -> bool:
    return bool(re.search(rf"{_POST}$", name))


def _organisation(actors: list[tuple[int, int, str, str]], start: int, end: int) -> str | None:
    """The first organisation (not a person, not a place) named between start and end, or the last place."""
    inside = [a for a in actors if start <= a[0] < end + 1 and a[3] != str(FOAF.Person)]
    organisations = [a for a in inside if a[3] not in _PLACE_CLASSES]
    chosen = organisations[0] if organisations else (inside[-1] if inside else None)
    return chosen[2] if chosen else None


def _org_end(actors: list[tuple[int, int, str, str]], iri: str, end: int) -> int:
    return max([end] + [a[1] for a in actors if a[2] == iri and a[0] < end])


def _concept(concepts: tuple[_Concept, ...], text: str) -> _Concept | None:
    """The concept one of whose labels is the text, folded."""
    folded = fold(re.sub(r"\s+", " ", text))
    return next((c for c in concepts if folded in c.forms), None)


# -- figures ---------------------------------------------------------------------------------------------

def _figures(article: ArticleText, actors: list[tuple[int, int, str, str]], vocabulary: Vocabulary,
             body: int) -> list[Candidate]:
    """An observation for each figure: value in base units, unit, status, qualifier, period, indicator, subject;
    a rate of change is an observation of its own, of the figure before it in its clause."""
    text = article.text
    out: list[Candidate] = []
    previous: tuple[Figure, URIRef] | None = None
    previous_subject: tuple[tuple[int, str, str], int] | None = None
    stated = [d for d in read_dates(text) if d.kind != "date" or d.day is None]  # years, periods, deadlines
    for figure in (f for f in read_figures(text) if f.start >= body):
        clause = clause_start(text, figure.start)
        while clause < figure.start and text[clause].isspace():
            clause += 1
        node = ID[f"obs-{article.key}-{figure.start}-{figure.end}"]
        figure_end = figure.reads_to  # "30" of "30%-40%" is read as a percentage only with "%-40%"
        g = Graph()
        start = min(clause, figure.cue[0]) if figure.cue else clause  # a cue in the sentence before ("Dự kiến, …")
        g.add((node, RDF.type, QB.Observation))
        g.add((node, SDMX_MEASURE.obsValue, Literal(format(figure.value.normalize(), "f"), datatype=XSD.decimal)))
        g.add((node, SDMX_ATTRIBUTE.unitMeasure, CONCEPT[f"unit/{figure.unit}"]))
        g.add((node, SDMX_ATTRIBUTE.obsStatus, CONCEPT[f"obs-status/{figure.status}"]))
        if figure.qualifier:
            g.add((node, IG.valueQualifier, CONCEPT[f"qualifier/{figure.qualifier}"]))
        sentence = sentence_start(text, figure.start)
        period = _period([d for d in stated if sentence <= d.start and d.end <= figure.end + 40], figure)
        if period is not None:
            mention, prop, value = period
            g.add((node, prop, value))
            if mention.kind == "period":
                g.add((node, IG.periodStart, Literal(str(mention.year), datatype=XSD.gYear)))
                g.add((node, IG.periodEnd, Literal(str(mention.end_year), datatype=XSD.gYear)))
            start = min(start, mention.start)
            figure_end = max(figure_end, mention.end)
        indicator = "growth-rate" if figure.growth else _indicator(text, clause, figure, vocabulary)
        if figure.growth and previous is not None and clause_start(text, previous[0].start) == clause_start(text, figure.start):
            g.add((node, IG.growthOf, previous[1]))
        if figure.growth:
            compared = _COMPARED.match(text, figure.end)
            if compared:
                year = compared.group("year")
                period_year = g.value(node, SDMX_DIMENSION.refPeriod)
                if year or period_year is not None:
                    g.add((node, IG.comparedWith, Literal(year or str(int(str(period_year)) - 1), datatype=XSD.gYear)))
                figure_end = compared.end()
        if indicator is not None:
            g.add((node, IG.indicator, CONCEPT[f"indicator/{indicator}"]))
        subject = _subject(actors, sentence, figure.start)
        if subject is None and previous_subject is not None and figure.start - previous_subject[1] < 400:
            subject = previous_subject[0]  # "Trong đó, chi phí …": the actor of the figures just before
        if subject is not None:
            previous_subject = (subject, figure.end)
            s_start, iri, cls = subject
            g.add((node, SDMX_DIMENSION.refArea if cls in _PLACE_CLASSES else IG.subject, URIRef(iri)))
            if s_start >= sentence:
                start = min(start, s_start)
        ev, evg = evidence(article.document, text, start, figure_end)
        g += evg
        g.add((node, PROV.wasDerivedFrom, ev))
        if not figure.growth:
            previous = (figure, node)
        label = next((c.label for c in vocabulary.indicators if indicator and c.iri.endswith("/" + indicator)), "chỉ tiêu chưa rõ")
        qualifier = f", {figure.qualifier}" if figure.qualifier else ""
        out.append(Candidate(kind="figure", key=f"figure|{figure.start}|{figure.end}|{figure.value.normalize():f}|{figure.unit}",
                             rule="rule:figure", confidence=0.85 if indicator else 0.6,
                             summary=f"{figure.surface} = {figure.value.normalize():f} {figure.unit}, {figure.status}{qualifier} — {label}",
                             node=node, triples=g, span=(start, figure_end), document=article.document))
    return out


# "so với cùng kỳ (năm 2023)": compared with the same period a year before
_COMPARED = re.compile(r"\s*so\s+với\s+cùng\s+kỳ(?:\s+năm\s+(?P<year>(?:19|20)\d\d))?")


def _period(dates: list[DateMention], figure: Figure) -> tuple[DateMention, URIRef, Literal] | None:
    """The period of a figure: a target's deadline, else the year named last before it in its sentence."""
    if figure.status == "target":
        for d in dates:
            if d.kind == "deadline" or d.kind == "period":
                year = d.end_year or d.year
                return d, IG.deadline, Literal(str(year), datatype=XSD.gYear)
        return None
    before = [d for d in dates if d.start < figure.start and d.kind == "date" and d.year and d.month is None]
    if before:
        return before[-1], SDMX_DIMENSION.refPeriod, Literal(str(before[-1].year), datatype=XSD.gYear)
    return None


def _indicator(text: str, clause: int, figure: Figure, vocabulary: Vocabulary) -> str | None:
    """The indicator whose label shares the most words with the words around the figure, if enough do."""
    window = set(re.findall(r"\w+", fold(text[clause:figure.start] + " " + text[figure.end:figure.end + 60])))
    best, best_score = None, 0.0
    for concept in vocabulary.indicators:
        for form in concept.forms:
            words = [w for w in re.findall(r"\w+", form) if w not in ("so", "cac", "duoc", "va", "cua", "gia", "tri")]
            if not words:
                continue
            score = sum(w in window for w in words) / len(words)
            if score > best_score:
                best, best_score = concept.iri, score
    return local_name(best) if best and best_score >= 0.6 else None


def _subject(actors: list[tuple[int, int, str, str]], sentence: int, position: int) -> tuple[int, str, str] | None:
    """The actor a figure is about: the nearest one named before it in its sentence."""
    before = [a for a in actors if sentence <= a[0] and a[1] <= position and a[3] != str(FOAF.Person)]
    return (before[-1][0], before[-1][2], before[-1][3]) if before else None


# -- events and dates ------------------------------------------------------------------------------------

_EVENT_NOUN = re.compile(r"(?<!\w)(?:Hội nghị|hội nghị|Hội thảo|hội thảo|Diễn đàn|diễn đàn|Lễ ký kết|lễ ký kết|Lễ khánh thành|"
                         r"lễ khánh thành|Lễ ra mắt|lễ ra mắt|buổi làm việc|buổi tiếp|Tọa đàm|tọa đàm|Triển lãm|triển lãm|"
                         r"Hội chợ|hội chợ|cuộc gặp|buổi gặp|làm việc với|tiếp và làm việc|Lễ công bố|lễ công bố|Đối thoại|Tuần lễ|sự kiện)(?!\w)")


def _events(article: ArticleText, spans: list[tuple[int, int]], actors: list[tuple[int, int, str, str]]) -> list[Candidate]:
    """An event for each sentence that names an event and a day: its date in full when the sentence gives
    the year, else a partial date, with the article's year offered only as a marked inference."""
    text = article.text
    out: list[Candidate] = []
    for s, e in spans:
        sentence = text[s:e]
        noun = _EVENT_NOUN.search(sentence)
        dates = read_dates(sentence) if noun is not None else []
        days = [d for d in dates if d.kind == "date" and d.day is not None and d.month is not None]
        if noun is None or not days:
            continue
        day = days[0]
        years = [d.year for d in dates if d.year and d.kind == "date"]
        year = day.year or (years[0] if len(set(years)) == 1 else None)
        node = ID[f"event-{article.key}-{s + noun.start()}"]
        label = _event_label(sentence, noun)
        ev, g = evidence(article.document, text, s, e)
        g.add((node, RDF.type, SCHEMA.Event))
        g.add((node, RDFS.label, Literal(label, lang="vi")))
        g.add((node, PROV.wasDerivedFrom, ev))
        if year is not None:
            value = f"{year:04d}-{day.month:02d}-{day.day:02d}"
            g.add((node, SCHEMA.startDate, Literal(value, datatype=XSD.date)))
            shown = value
        else:
            partial = ID[f"date-{article.key}-{s + day.start}"]
            g.add((node, IG.partialDate, partial))
            g.add((partial, RDF.type, TIME.DateTimeDescription))
            g.add((partial, TIME.month, Literal(f"--{day.month:02d}", datatype=XSD.gMonth)))
            g.add((partial, TIME.day, Literal(f"---{day.day:02d}", datatype=XSD.gDay)))
            shown = f"{day.day}/{day.month}, năm không rõ / year not given"
        places = [a for a in actors if s <= a[0] < e and a[3] in (str(SCHEMA.Place),)]
        if places:
            g.add((node, SCHEMA.location, URIRef(places[0][2])))
        span = (s, e)
        out.append(Candidate(kind="event", key=f"event|{s + noun.start()}|{shown}", rule="rule:event-date", confidence=0.7,
                             summary=f"{label} — {shown}", node=node, triples=g, span=span, document=article.document))
        out += _participations(article, node, label, (s, e), ev, actors)
        if year is None and article.issued is not None:
            out.append(_year_inference(article, node, day, (s + day.start, s + day.end)))
    return out


_PARTICIPANT_CLASSES = {str(ORG.FormalOrganization), str(ORG.OrganizationalUnit), str(ORG.OrganizationalCollaboration),
                        str(IG.Locality), str(SCHEMA.Country), str(IG.Zone)}


def _participations(article: ArticleText, event: URIRef, label: str, span: tuple[int, int], ev: URIRef,
                    actors: list[tuple[int, int, str, str]]) -> list[Candidate]:
    """Each organisation, locality or country the event's sentence names takes part in it (a curator may
    make the role more precise: host, organiser, speaker, delegate)."""
    out = []
    for iri in dict.fromkeys(a[2] for a in actors if span[0] <= a[0] < span[1] and a[3] in _PARTICIPANT_CLASSES):
        node = ID[f"participation-{local_name(iri)}-{local_name(str(event))}"]
        _, g = evidence(article.document, article.text, *span)
        g.add((node, RDF.type, IG.Participation))
        g.add((node, IG.event, event))
        g.add((node, IG.participant, URIRef(iri)))
        g.add((node, IG.participationRole, CONCEPT["event-role/participant"]))
        g.add((node, PROV.wasDerivedFrom, ev))
        out.append(Candidate(kind="event", key=f"participation|{local_name(str(event))}|{iri}", rule="rule:event-participant",
                             confidence=0.6, summary=f"{local_name(iri)} tham gia / takes part in: {label}", node=node,
                             triples=g, span=span, document=article.document))
    return out


def _event_label(sentence: str, noun: re.Match[str]) -> str:
    rest = re.split(r"[,.;:(]|\s(?:với|tại|diễn ra|đã|do|vào|nhằm|về)\s", sentence[noun.start():])[0]
    return rest.strip()[:100]


def _year_inference(article: ArticleText, node: URIRef, day: DateMention, span: tuple[int, int]) -> Candidate:
    """The article's year for a day it gives without one, as a curator's inference, never asserted."""
    assert article.issued is not None
    inference = ID[f"inference-{local_name(str(node))}-year"]
    year = article.issued.year if (day.month, day.day) <= (article.issued.month, article.issued.day) else article.issued.year - 1
    ev, g = evidence(article.document, article.text, *span)
    g.add((inference, RDF.type, IG.Inference))
    g.add((inference, IG.about, node))
    g.add((inference, IG.inferredProperty, TIME.year))
    g.add((inference, IG.inferredValue, Literal(str(year), datatype=XSD.gYear)))
    g.add((inference, IG.inferredFrom, article.document))
    g.add((inference, IG.inferredFrom, ev))
    issued = article.issued.strftime("%d/%m/%Y")
    g.add((inference, RDFS.comment, Literal(f"Bài đăng ngày {issued} không nêu năm của ngày {day.day}/{day.month}: "
                                            f"là ngày gần nhất trước ngày đăng, năm {year}.", lang="vi")))
    g.add((inference, RDFS.comment, Literal(f"The article, dated {article.issued.isoformat()}, gives {day.day}/{day.month} "
                                            f"without a year: the nearest such day before it is in {year}.", lang="en")))
    return Candidate(kind="date", key=f"date|inference|{span[0]}|{year}", rule="inference:article-date", confidence=0.5,
                     summary=f"{day.surface}: năm {year} suy ra từ ngày đăng bài (inferred, not stated)",
                     node=inference, triples=g, span=span, document=article.document)


# -- documents named in passing ---------------------------------------------------------------------------

_DOCUMENT = re.compile(
    r"(?<!\w)(?P<kind>Quyết định|Nghị quyết|Kế hoạch(?: hành động)?|Chỉ thị|Thông tư|Nghị định|Kết luận|Luật|Công văn)"
    r"(?:\s+số)?\s+(?P<number>\d+[\w/-]*[/-][A-ZĐ][\w/-]*)(?:\s+(?:ngày|ban hành ngày)\s+(?P<date>\d{1,2}\s*[/-]\s*\d{1,2}\s*[/-]\s*\d{4}))?")
_NAMED = re.compile(r"“(?P<quoted>(?P<qkind>Chương trình|Đề án|Chiến lược|Kế hoạch|Hiệp định)[^”]{5,200})”"
                    r"|(?<!\w)(?P<akind>Chương trình|Đề án|Chiến lược|Hiệp định)\s+(?P<abbreviated>[^()\n.;:]{3,120}?\s*\([A-Z][A-Za-z0-9-]{1,11}\))"
                    r"|(?<!\w)(?P<kind>Chương trình|Đề án|Chiến lược|Kế hoạch|Hiệp định)\s+(?P<name>“[^”]{5,160}”|"
                    r"(?:[A-ZĐ][\w-]*\s?){2,12}(?:\([A-Z-]{2,12}\))?)")
_DOCUMENT_CLASS = {"Quyết định": "Decision", "Nghị quyết": "Resolution", "Chỉ thị": "Directive", "Thông tư": "Circular",
                   "Nghị định": "Decree", "Kết luận": "Conclusion", "Luật": "Law", "Công văn": "OfficialLetter",
                   "Kế hoạch": "Plan", "Kế hoạch hành động": "Plan"}


def _documents(article: ArticleText, body: int, known: list[tuple[int, int]]) -> list[Candidate]:
    """Decisions, resolutions and plans named by their number ("Quyết định số 575/QĐ-UBND ngày 23/02/2021"),
    and programmes, schemes, strategies and trade agreements named in passing."""
    text = article.text
    out: list[Candidate] = []
    seen: set[str] = set()
    for match in _DOCUMENT.finditer(text, body):
        number = match.group("number")
        node = ID[f"{_iri_slug(match.group('kind'))}-{_iri_slug(number)}"]
        if str(node) in seen:
            continue
        seen.add(str(node))
        ev, g = evidence(article.document, text, match.start(), match.end())
        g.add((node, RDF.type, IG.PolicyDocument))
        g.add((node, IG.documentType, Literal(_DOCUMENT_CLASS[re.sub(r"\s+", " ", match.group("kind"))])))
        g.add((node, DCTERMS.identifier, Literal(number)))
        g.add((node, RDFS.label, Literal(f"{match.group('kind')} {number}", lang="vi")))
        g.add((node, PROV.wasDerivedFrom, ev))
        if match.group("date"):
            d, m, y = (int(p) for p in re.split(r"\s*[/-]\s*", match.group("date")))
            g.add((node, DCTERMS.issued, Literal(f"{y:04d}-{m:02d}-{d:02d}", datatype=XSD.date)))
        out.append(Candidate(kind="document", key=f"document|{fold(number)}", rule="rule:document-number", confidence=0.9,
                             summary=f"{match.group(0)}", node=node, triples=g, span=match.span(), document=article.document))
    for match in _NAMED.finditer(text, body):
        name = (match.group("quoted") or match.group(0)).strip()
        kind = match.group("qkind") or match.group("akind") or match.group("kind")
        cls = {"Chương trình": IG.Programme, "Đề án": IG.Scheme, "Chiến lược": IG.Programme, "Kế hoạch": IG.Programme,
               "Hiệp định": IG.TradeAgreement}[kind]
        node = ID[_iri_slug(name)]
        if str(node) in seen or any(c.span[0] <= match.start() < c.span[1] for c in out) \
                or any(s < match.end() and match.start() < e for s, e in known):
            continue  # already proposed, or a programme or agreement the graph knows
        seen.add(str(node))
        at = match.start("quoted") if match.group("quoted") else match.start()
        ev, g = evidence(article.document, text, at, at + len(name))
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(name.replace("“", "").replace("”", "").strip('"'), lang="vi")))
        g.add((node, PROV.wasDerivedFrom, ev))
        for period in (d for d in read_dates(name) if d.kind == "period"):
            g.add((node, IG.periodStart, Literal(str(period.year), datatype=XSD.gYear)))
            g.add((node, IG.periodEnd, Literal(str(period.end_year), datatype=XSD.gYear)))
        out.append(Candidate(kind="document", key=f"document|{fold(name)}", rule="rule:named-programme", confidence=0.6,
                             summary=f"{name} ({local_name(str(cls))})", node=node, triples=g,
                             span=(at, at + len(name)), document=article.document))
    return out


# -- relationships ---------------------------------------------------------------------------------------

_RELATIONS = (
    (re.compile(r"(?<!\w)(?:ký kết|ký|thỏa thuận hợp tác|biên bản ghi nhớ|MoU)(?!\w)", re.IGNORECASE), IG.Agreement, "signed"),
    (re.compile(r"(?<!\w)đề xuất(?!\w)", re.IGNORECASE), IG.Proposal, "proposed"),
    (re.compile(r"(?<!\w)kiến nghị(?!\w)", re.IGNORECASE), IG.Recommendation, "recommended"),
    (re.compile(r"(?<!\w)đề nghị(?!\w)", re.IGNORECASE), IG.Request, "requested"),
    (re.compile(r"(?<!\w)cam kết(?!\w)", re.IGNORECASE), IG.Commitment, "committed"),
    (re.compile(r"(?<!\w)(?:hợp tác với|phối hợp với|phối hợp cùng|liên kết với|tăng cường hợp tác|hợp tác giữa|thúc đẩy hợp tác)(?!\w)",
                re.IGNORECASE), IG.Cooperation, "ongoing"),
)


def _relationships(article: ArticleText, spans: list[tuple[int, int]], actors: list[tuple[int, int, str, str]],
                   vocabulary: Vocabulary) -> list[Candidate]:
    """A relationship for each sentence whose verb names one (ký kết, đề xuất, hợp tác với …) between two or more
    actors it names; its sectors are the sector concepts the sentence names."""
    text = article.text
    out: list[Candidate] = []
    for s, e in spans:
        sentence = text[s:e]
        for pattern, cls, status in _RELATIONS:
            cue = pattern.search(sentence)
            if cue is None:
                continue
            parties = list(dict.fromkeys(a[2] for a in actors if s <= a[0] < e and a[3] != str(FOAF.Person)))
            if len(parties) < 2:
                continue
            node = ID[f"{local_name(str(cls)).lower()}-{article.key}-{s}"]
            ev, g = evidence(article.document, text, s, e)
            g.add((node, RDF.type, cls))
            g.add((node, RDFS.label, Literal(sentence[:90].rstrip(" ,.;") + ("…" if len(sentence) > 90 else ""), lang="vi")))
            g.add((node, IG.status, CONCEPT[f"status/{status}"]))
            g.add((node, PROV.wasDerivedFrom, ev))
            before = [a[2] for a in actors if s <= a[0] < s + cue.start() and a[3] != str(FOAF.Person)]
            if before and cls != IG.Cooperation:
                g.add((node, IG.initiator, URIRef(before[0])))
            for party in parties:
                g.add((node, IG.party, URIRef(party)))
            for sector in _sectors(sentence, vocabulary):
                g.add((node, IG.sector, URIRef(sector)))
            out.append(Candidate(kind="relationship", key=f"relationship|{local_name(str(cls))}|{s}", rule="rule:relation-verb",
                                 confidence=0.55, summary=f"{local_name(str(cls))} ({cue.group(0)}): {', '.join(local_name(p) for p in parties)}",
                                 node=node, triples=g, span=(s, e), document=article.document))
            break
    return out


_GOAL_OPENING = re.compile(r"^(?:Trong\s+|Ở\s+)?(?:giai\s+đoạn\s+(?P<y1>(?:19|20)\d\d)\s*[-–]\s*(?P<y2>(?:19|20)\d\d)|"
                           r"(?:Đến|Tới)\s+năm\s+(?P<y>(?:19|20)\d\d))\s*,", re.IGNORECASE)


def _goals(article: ArticleText, spans: list[tuple[int, int]], actors: list[tuple[int, int, str, str]],
           vocabulary: Vocabulary) -> list[Candidate]:
    """A goal for each sentence that opens with its period or deadline ("Trong giai đoạn 2020 - 2025, tập trung …")."""
    text = article.text
    out = []
    for s, e in spans:
        opening = _GOAL_OPENING.match(text[s:e])
        if opening is None:
            continue
        node = ID[f"goal-{article.key}-{s}"]
        sentence = text[s:e]
        ev, g = evidence(article.document, text, s, e)
        g.add((node, RDF.type, IG.Goal))
        g.add((node, RDFS.label, Literal(sentence[opening.end():opening.end() + 90].strip(" ,.;"), lang="vi")))
        g.add((node, IG.status, CONCEPT["status/planned"]))
        g.add((node, PROV.wasDerivedFrom, ev))
        if opening.group("y1"):
            g.add((node, IG.periodStart, Literal(opening.group("y1"), datatype=XSD.gYear)))
            g.add((node, IG.periodEnd, Literal(opening.group("y2"), datatype=XSD.gYear)))
        else:
            g.add((node, IG.deadline, Literal(opening.group("y"), datatype=XSD.gYear)))
        for party in dict.fromkeys(a[2] for a in actors if s <= a[0] < e and a[3] != str(FOAF.Person)):
            g.add((node, IG.party, URIRef(party)))
        for sector in _sectors(sentence, vocabulary):
            g.add((node, IG.sector, URIRef(sector)))
        out.append(Candidate(kind="relationship", key=f"relationship|Goal|{s}", rule="rule:goal-period", confidence=0.6,
                             summary=f"Goal ({opening.group(0).strip(' ,')}): {sentence[opening.end():opening.end() + 80].strip()}",
                             node=node, triples=g, span=(s, e), document=article.document))
    return out


def _sectors(sentence: str, vocabulary: Vocabulary) -> list[str]:
    words = _words(sentence)
    return [c.iri for c in vocabulary.sectors if any(_words(f) in words for f in c.forms if len(f) > 3)]


def _words(text: str) -> str:
    """The folded words of a text between spaces, for matching whole words: " cong nghe sinh hoc "."""
    return " " + " ".join(re.findall(r"[\w&]+", fold(text))) + " "

