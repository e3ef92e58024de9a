"""Label search in Vietnamese and English, with or without diacritics, ranked."""

from dataclasses import dataclass

from graph.text import fold

__all__ = ["Hit", "needle", "rank", "TYPE_FILTERS"]

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
    score: tuple[int, int, int]


def needle(text: str) -> str:
    """The form a search text is compared in: folded, lower-cased, single-spaced."""
    return " ".join(fold(text).split())


def rank(text: str, rows: list[dict[str, str]], *, types: tuple[str, ...] = (), limit: int = 20) -> list[Hit]:
    """Order matches: a whole-label match first, then a label that starts with the text, then any other;
    within those, labels before variants before folded forms, and shorter labels first.

    `rows` hold `resource`, `matched`, `kind` and `type` as the search query returns them.
    """
    wanted = needle(text)
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
        position = 0 if folded == wanted else 1 if folded.startswith(wanted) else 2
        score = (position, _KIND_WEIGHT.get(row["kind"], 3), len(folded))
        if iri not in best or score < best[iri].score:
            best[iri] = Hit(iri=iri, matched=matched, types=tuple(sorted(t for t in kinds[iri] if t)), score=score)
    return sorted(best.values(), key=lambda h: (h.score, h.iri))[:limit]
