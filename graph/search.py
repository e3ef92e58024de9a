"""Label search in Vietnamese and English, with or without diacritics, ranked."""

import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from graph.catalogue import QUERIES_DIR, catalogue
from graph.errors import ParameterError
from graph.namespaces import PREFIXES
from graph.query import run, values
from graph.text import fold

__all__ = ["Hit", "needle", "typed", "rank", "find_actor", "TYPE_FILTERS", "ACTOR_TYPES"]

# Short type names a user can filter by, and the classes they stand for.
TYPE_FILTERS: dict[str, tuple[str, ...]] = {
    "organisation": ("http://www.w3.org/ns/org#FormalOrganization", "http://www.w3.org/ns/org#OrganizationalUnit",
                     "http://www.w3.org/ns/org#OrganizationalCollaboration"),
    "locality": ("https://w3id.org/innograph/ontology#Locality", "https://schema.org/Country",
                 "https://w3id.org/innograph/ontology#Region"),
    "zone": ("https://w3id.org/innograph/ontology#Zone",),
    "person": ("http://xmlns.com/foaf/0.1/Person",),
    "event": ("https://schema.org/Event",),
    "programme": ("https://w3id.org/innograph/ontology#Programme", "https://w3id.org/innograph/ontology#Scheme"),
    "relationship": tuple(f"https://w3id.org/innograph/ontology#{c}" for c in
                          ("Cooperation", "Agreement", "Proposal", "Request", "Recommendation", "Commitment", "Goal")),
    "concept": ("http://www.w3.org/2004/02/skos/core#Concept",),
}
_KIND_WEIGHT = {"label": 0, "variant": 1, "folded": 2}


@dataclass(frozen=True)
class Hit:
    """A resource that matched, the text it matched on, and its types."""

    iri: str
    matched: str
    types: tuple[str, ...]
    score: tuple[int, int, int, int]


def needle(text: str) -> str:
    """The form a search text is compared in: folded, lower-cased, single-spaced."""
    return " ".join(fold(text).split())


def typed(text: str) -> str:
    """A search text as typed, diacritics kept: lower-cased, single-spaced."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def rank(text: str, rows: list[dict[str, str]], *, types: tuple[str, ...] = (), limit: int = 20) -> list[Hit]:
    """Order matches: for a text typed with diacritics, those with the same diacritics first ("Nhật" finds
    Nhật Bản before "ít nhất"); then a whole-label match, then a label that starts with the text, then one
    with a word that starts with it, then any other ("Hàn" in "Thành"); within those, labels before variants
    before folded forms, and shorter labels first.

    `rows` hold `resource`, `matched`, `kind` and `type` as the search query returns them.
    """
    wanted, as_typed = needle(text), typed(text)
    allowed = {iri for name in types for iri in TYPE_FILTERS.get(name, (name,))}
    best: dict[str, Hit] = {}
    kinds: dict[str, set[str]] = {}
    for row in rows:
        kinds.setdefault(row["resource"], set()).add(row.get("type", ""))
    for row in rows:
        iri, matched = row["resource"], row["matched"]
        if allowed and not (kinds[iri] & allowed):
            continue
        folded = needle(matched)
        position = 0 if folded == wanted else 1 if folded.startswith(wanted) else 2 if f" {wanted}" in folded else 3
        differs = int(as_typed != wanted and as_typed not in typed(matched))  # 0 for a text typed without diacritics
        score = (differs, position, _KIND_WEIGHT.get(row["kind"], 3), len(folded))
        if iri not in best or score < best[iri].score:
            best[iri] = Hit(iri=iri, matched=matched, types=tuple(sorted(t for t in kinds[iri] if t)), score=score)
    return sorted(best.values(), key=lambda h: (h.score, h.iri))[:limit]


ACTOR_TYPES = ("organisation", "locality", "zone", "person")  # what a brief or an ego network can be about
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ACTOR_CLASSES = {iri for name in ACTOR_TYPES for iri in TYPE_FILTERS[name]}


def find_actor(store: ox.Store, name: str) -> str:
    """The actor an IRI, a prefixed name (igr:c4ir-hcmc), a slug (c4ir-hcmc), a label or an abbreviation
    names, with or without Vietnamese diacritics.

    Raises ParameterError listing the candidates when several actors match, or saying how to name one
    when none does.
    """
    iri = name if "://" in name else PREFIXES["igr"] + name.removeprefix("igr:")
    try:
        types = {q.object.value for q in store.quads_for_pattern(ox.NamedNode(iri), _RDF_TYPE, None)}
    except ValueError:  # not an IRI: a label with spaces, say
        types = set()
    if types & _ACTOR_CLASSES:
        return iri
    text = needle(name)
    rows = values(run(store, catalogue(QUERIES_DIR / "resource")["search"].text,  # type: ignore[arg-type]
                      substitutions={ox.Variable("needle"): ox.Literal(text), ox.Variable("typed"): ox.Literal(typed(name))}))
    hits = rank(name, rows, types=ACTOR_TYPES, limit=20)
    exact = [h for h in hits if needle(h.matched) == text]
    candidates = [h for h in exact if typed(h.matched) == typed(name)] or exact or hits
    if len(candidates) == 1:
        return candidates[0].iri
    if not candidates:
        raise ParameterError(f"no actor is named {name!r}; give its IRI, its slug (as in /id/SLUG), a label or an abbreviation")
    listed = "; ".join(f"{h.iri.rsplit('/', 1)[-1]} ({h.matched})" for h in candidates[:12])
    raise ParameterError(f"{name!r} names {len(candidates)} actors: {listed}; give one of these slugs")
