"""The pages people read: the home and query page, search, and a page for every IRI of the graph.

Every IRI under the graph's base dereferences here, as HTML for a browser and RDF by Accept or `format`:
resources (`id/…`) and concepts (`concept/…`) with their statements and evidence, the ontology's terms
(`ontology#…`) in the ontology's own document, and the named graphs (`graph/…`) with their triples.

Every page is rendered with autoescaping and works with no internet: no CDN, no script but the
home page's own.
"""

from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from api.errors import ERROR_RESPONSES
from api.service import QueryService
from api.sparql import get_service, parse_accept
from graph.catalogue import LANGUAGES, QUERIES_DIR, catalogue
from graph.errors import ParameterError
from graph.executor import Job
from graph.namespaces import BASE, CONCEPT, ID
from graph.query import bind, compact
from graph.results import GRAPH_TYPES, choose, serialize_triples
from graph.search import TYPE_FILTERS, needle, rank, typed
from graph.sources import Citation, cited

__all__ = ["router", "Lang", "compact_iri", "site_href", "templates", "wants_html"]

router = APIRouter()
# the service's own pages, and the header they share with the network page (graph/templates/site_header.html)
templates = Jinja2Templates(directory=[Path(__file__).parent / "templates", Path(__file__).parent.parent / "graph" / "templates"])


def _keep_lang(href: str, lang: str) -> str:
    """A link on the site that keeps the page's language."""
    if not href.startswith("/") or "lang=" in href:
        return href
    path, hash_, fragment = href.partition("#")
    return f"{path}{'&' if '?' in path else '?'}lang={lang}{hash_}{fragment}"


templates.env.filters["keep_lang"] = _keep_lang
Service = Annotated[QueryService, Depends(get_service)]


def page_language(request: Request, lang: Annotated[str | None, Query(
        description="vi or en; without it the Accept-Language header chooses, and else vi")] = None) -> str:
    """The language a page is written in: `lang`, else the first of vi and en the browser prefers, else vi.

    Raises ParameterError for a language the pages are not written in.
    """
    if lang is not None:
        if lang not in LANGUAGES:
            raise ParameterError(f"lang={lang!r}: the pages are written in Vietnamese and English; "
                                 "use lang=vi (Tiếng Việt) or lang=en (English)")
        return lang
    # Accept-Language is a list weighted by q-values as Accept is, and read by the same parser
    preferred = [(-q, order, tag.split("-")[0]) for order, (tag, q) in enumerate(parse_accept(request.headers.get("accept-language")))
                 if q > 0 and tag.split("-")[0] in LANGUAGES]
    return min(preferred)[2] if preferred else "vi"


Lang = Annotated[str, Depends(page_language)]
_RESOURCE = catalogue(QUERIES_DIR / "resource")
_HTML = "text/html"
_LD_FORMATS = [("turtle", "text/turtle"), ("jsonld", "application/ld+json"), ("ntriples", "application/n-triples"),
               ("rdfxml", "application/rdf+xml")]


def wants_html(request: Request, fmt: str | None) -> bool:
    if fmt:
        return fmt == "html"
    for media, q in sorted(parse_accept(request.headers.get("accept")), key=lambda mq: -mq[1]):
        if q <= 0:
            continue
        return media in (_HTML, "application/xhtml+xml")
    return False


def _label(bindings: list[dict[str, str]], lang: str) -> str | None:
    """The label to show: in the page's language, then Vietnamese, then English, then any."""
    order = [lang, "vi", "en"]
    ranked = sorted(bindings, key=lambda b: order.index(b["xml:lang"]) if b.get("xml:lang") in order else 3)
    return ranked[0]["value"] if ranked else None


def site_href(iri: str) -> str:
    """Where an IRI is shown: on this site for one under the graph's base, else where it points."""
    return "/" + iri.removeprefix(BASE) if iri.startswith(BASE) else iri


def _show(term: dict[str, str]) -> str:
    if term["type"] == "uri":
        return compact_iri(term["value"])
    return term["value"] + (f" @{term['xml:lang']}" if "xml:lang" in term else "")


def compact_iri(iri: str) -> str:
    return compact(ox.NamedNode(iri))


@router.get("/", response_class=HTMLResponse, summary="Home and query page")
async def home(request: Request, service: Service, lang: Lang = "vi",
               query: Annotated[str | None, Query(max_length=100_000, description="A query to show and run at once (a link to share).")] = None) -> HTMLResponse:
    """The query page: an editor, the example questions of the catalogue, a results table, downloads in every format;
    and the way to the collaboration network and to the briefs on its best-tied actors.
    With `query`, the page opens with that query and runs it."""
    queries = list(catalogue().values())
    manifest = service.manifest
    line = (f"{manifest.triples} triples, {manifest.facts} facts, {manifest.sources} sources · built {manifest.built_at}"
            if manifest else "")
    # An example opens in the editor with its example values bound, labels in the page's language: it then
    # answers as /queries/{name} does with those values.
    texts = [bind(q.text, q.substitutions({**q.example, **{p.name: lang for p in q.params if p.type == "lang"}}))[0]
             for q in queries]
    default = query or (texts[0] if texts else "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 20")
    examples = [{"name": q.name, "question": q.asked(lang),
                 "query_string": ("?" + urlencode(q.example)) if q.params else ""} for q in queries]
    graph = (await service.network(shared_sectors=False)).graph
    actors = [{"label": graph.nodes[n][f"label_{lang}"] or graph.nodes[n]["label_vi"], "slug": n.removeprefix(str(ID))}
              for n in sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))[:_HOME_ACTORS]]
    return templates.TemplateResponse(request, "home.html", {
        "lang": lang, "examples": examples, "example_texts": texts, "default_query": default,
        "manifest_line": line, "base": BASE, "run_at_once": query is not None, "actors": actors})


_HOME_ACTORS = 8  # the best-tied actors the home page offers a brief on


@router.get("/search", summary="Search labels in Vietnamese and English", responses=ERROR_RESPONSES)
async def search(request: Request, service: Service, q: Annotated[str, Query(min_length=1, max_length=200)],
                 type: Annotated[list[str] | None, Query(description=f"Filter by type: {', '.join(TYPE_FILTERS)}.")] = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 20, lang: Lang = "vi",
                 format: Annotated[str | None, Query(pattern="^(html|json)$")] = None) -> Response:
    """Find actors, people, events, programmes and concepts by any label, variant or abbreviation, in
    Vietnamese or English, with or without diacritics ("khu cong nghe cao" and "SHTP" both find the
    Saigon Hi-Tech Park). A text typed with diacritics finds the labels spelt the same way first ("Nhật" finds
    Nhật Bản before "ít nhất"); then whole-label matches rank first, then labels that start with the text, then
    labels with a word that starts with it."""
    types = tuple(t for t in type or [] if t)
    rows = await service.select(_RESOURCE["search"].text, needle=("literal", needle(q), "", ""),
                                typed=("literal", typed(q), "", ""))
    flat = [{k: v["value"] for k, v in row.items()} for row in rows]
    hits = rank(q, flat, types=types, limit=limit)
    labels: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if "label" in row and row["label"] not in labels.setdefault(row["resource"]["value"], []):
            labels[row["resource"]["value"]].append(row["label"])
    found = [{"iri": h.iri, "href": site_href(h.iri), "label": _label(labels.get(h.iri, []), lang) or h.matched, "matched": h.matched,
              "types": [compact_iri(t) for t in h.types]} for h in hits]
    if wants_html(request, format):
        return templates.TemplateResponse(request, "search.html", {"lang": lang, "q": q, "hits": found, "types": types,
                                                                   "type_names": list(TYPE_FILTERS)})
    return JSONResponse({"query": q, "results": found})


_LD_RESPONSES = {200: {"content": {_HTML: {}, **{m: {} for m in GRAPH_TYPES}}}, 404: {"description": "Not in the graph."},
                 **ERROR_RESPONSES}
Format = Annotated[str | None, Query(description="html, turtle, jsonld, ntriples or rdfxml")]


@router.get("/id/{slug:path}", summary="A resource of the graph", responses=_LD_RESPONSES)
async def resource(slug: str, request: Request, service: Service, lang: Lang = "vi", format: Format = None) -> Response:
    """A resource: an HTML page for a browser (labels in vi and en, every statement, the evidence quotes and
    their sources, what refers to it), or Turtle, JSON-LD, N-Triples or RDF/XML by Accept header or `format`."""
    return await _dereference(str(ID) + slug, request, service, lang, format)


@router.get("/concept/{slug:path}", summary="A concept of the graph's schemes (sectors, categories, units, …)",
            responses=_LD_RESPONSES)
async def concept(slug: str, request: Request, service: Service, lang: Lang = "vi", format: Format = None) -> Response:
    """A concept, as a resource is given: its labels, broader and narrower concepts, what refers to it."""
    return await _dereference(str(CONCEPT) + slug, request, service, lang, format)


async def _dereference(iri: str, request: Request, service: Service, lang: str, format: str | None) -> Response:
    subject = ("iri", iri)
    if wants_html(request, format):
        statements = await service.select(_RESOURCE["statements"].text, resource=subject)
        incoming = await service.select(_RESOURCE["incoming"].text, resource=subject)
        if not statements and not incoming:
            return _not_found(iri)
        evidence = await service.select(_RESOURCE["evidence"].text, resource=subject)
        network = await service.network(shared_sectors=False)  # which holds the build's citations, too
        page = _page(iri, statements, incoming, evidence, lang, network.citations)
        actor, slug = iri in network.graph, iri.removeprefix(str(ID))
        page["ego"] = f"/network/ego/{slug}?lang={lang}" if actor else ""
        page["brief"] = f"/briefs/{slug}?lang={lang}" if actor else ""
        return _resource_page(request, page, lang)
    accept = parse_accept(request.headers.get("accept"), [format] if format else [])
    written = await service.run(Job(query=_RESOURCE["describe"].text, accept=accept, max_rows=service.settings.max_rows,
                                    substitutions={"resource": subject}))
    if written.count == 0:
        return _not_found(iri)
    return Response(written.body, media_type=written.media_type, headers={"Vary": "Accept"})


_ONTOLOGY = BASE + "ontology"
_ONTOLOGY_GRAPH = BASE + "graph/ontology/innograph.ttl"


@router.get("/ontology", summary="The ontology: every class and property of innograph's vocabulary", responses=_LD_RESPONSES)
async def ontology(request: Request, service: Service, lang: Lang = "vi", format: Format = None) -> Response:
    """The document an ontology term (`ontology#Fact`, …) dereferences to: for a browser, the ontology's page
    with an anchor for each term (its labels in vi and en, definition, domain and range); as RDF, the whole
    ontology."""
    if not wants_html(request, format):
        return await _graph_document(_ONTOLOGY_GRAPH, request, service, format)
    statements = await service.select(_RESOURCE["statements"].text, resource=("iri", _ONTOLOGY))
    if not statements:
        return _not_found(_ONTOLOGY)
    page = _page(_ONTOLOGY, statements, [], [], lang, {})
    rows = await service.select(_RESOURCE["terms"].text)
    terms: dict[str, dict[str, object]] = {}
    for row in rows:
        term = terms.setdefault(row["term"]["value"], {"name": row["term"]["value"].partition("#")[2], "kind": compact_iri(row["kind"]["value"]),
                                                       "labels": [], "comments": [], "domain": None, "range": None})
        for key in ("label", "comment"):
            if key in row and row[key] not in term[key + "s"]:  # type: ignore[operator]
                term[key + "s"].append(row[key])  # type: ignore[union-attr]
        for key in ("domain", "range"):
            if key in row:
                term[key] = {"text": compact_iri(row[key]["value"]), "href": site_href(row[key]["value"])}
    page["terms"] = [{**t, "label": _label(t.pop("labels"), lang) or t["name"], "comment": _label(t.pop("comments"), lang) or ""}  # type: ignore[arg-type]
                     for t in sorted(terms.values(), key=lambda t: (str(t["kind"]), str(t["name"])))]
    return _resource_page(request, page, lang)


@router.get("/graph/{path:path}", summary="A named graph of the build: one input file's triples", responses=_LD_RESPONSES)
async def named_graph(path: str, request: Request, service: Service, lang: Lang = "vi", format: Format = None) -> Response:
    """A named graph: for a browser, how many triples it holds and where to download them; as RDF, its triples."""
    iri = BASE + "graph/" + path
    if iri not in service.graphs:
        return _not_found(iri)
    if not wants_html(request, format):
        return await _graph_document(iri, request, service, format)
    # the IRI written into the query (it is one of the build's graphs), so that a SPARQL server backend maps it to its own
    count = await service.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    page = {"iri": iri, "label": path, "other_label": "", "variants": [], "types": ["sd:NamedGraph"], "evidence": [],
            "incoming": [], "statements": [{"property": "số bộ ba" if lang == "vi" else "triples",
                                            "value": count[0]["n"]["value"], "href": ""}]}
    return _resource_page(request, page, lang)


async def _graph_document(graph: str, request: Request, service: Service, format: str | None) -> Response:
    """A named graph's triples, whole, in the RDF syntax asked for (not cut at the row limit: a document)."""
    media = choose(parse_accept(request.headers.get("accept"), [format] if format else []), "graph")

    def make() -> tuple[str, bytes]:
        return media, serialize_triples([quad.triple for quad in service.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))],
                                        media)

    written = await service.document(("graph", graph, media), make)
    return Response(written.body, media_type=written.media_type, headers={"Vary": "Accept"})



# The schema.org type a page's JSON-LD gives, by the resource's types (the first that has one), for search engines.
_SCHEMA_TYPES = {"org:FormalOrganization": "Organization", "org:Organization": "Organization", "org:OrganizationalUnit": "Organization",
                 "foaf:Person": "Person", "schema:Person": "Person", "schema:Event": "Event", "ig:Locality": "Place",
                 "ig:Region": "Place", "ig:Zone": "Place", "skos:Concept": "DefinedTerm", "skos:ConceptScheme": "DefinedTermSet",
                 "owl:Ontology": "Dataset", "sd:NamedGraph": "Dataset"}


def _resource_page(request: Request, page: dict[str, object], lang: str) -> Response:
    """A resource's HTML page, which names its RDF forms (a `Link: rel="alternate"` header and <link>s) and
    says what it is in schema.org JSON-LD."""
    alternates = [(media, f"{request.url.path}?format={name}") for name, media in _LD_FORMATS]
    kind = next((_SCHEMA_TYPES[t] for t in page["types"] if t in _SCHEMA_TYPES), "Thing")  # type: ignore[attr-defined]
    schema = {"@context": "https://schema.org", "@type": kind, "@id": page["iri"], "name": page["label"],
              "url": str(request.url.replace(query="")), "inLanguage": lang}
    names = [n for n in (page["other_label"], *page["variants"]) if n]  # type: ignore[misc]
    if names:
        schema["alternateName"] = names
    response = templates.TemplateResponse(request, "resource.html", {"lang": lang, "page": page, "formats": _LD_FORMATS,
                                                                     "alternates": alternates, "schema": schema})
    response.headers["Link"] = ", ".join(f'<{href}>; rel="alternate"; type="{media}"' for media, href in alternates)
    return response


def _not_found(iri: str) -> Response:
    return Response(f"{iri} is not in the graph; search for it at /search?q=…\n", status_code=404, media_type="text/plain")


def _cite(file: str, lang: str, citations: dict[str, Citation]) -> dict[str, str]:
    citation = citations.get(file)
    return {"file": file, "cited": cited(citations, file, lang), "url": citation.url if citation else ""}


def _page(iri: str, statements: list[dict[str, dict[str, str]]], incoming: list[dict[str, dict[str, str]]],
          evidence: list[dict[str, dict[str, str]]], lang: str, citations: dict[str, Citation]) -> dict[str, object]:
    labels = [r["o"] for r in statements if r["p"]["value"] in _LABEL_PROPERTIES and r["o"]["type"] == "literal"]
    main = _label(labels, lang) or compact_iri(iri)
    other = _label([b for b in labels if b.get("xml:lang") != lang and b["value"] != main], "en" if lang == "vi" else "vi")
    variants = sorted({r["o"]["value"] for r in statements if r["p"]["value"] == _ALT})
    types = sorted({compact_iri(r["o"]["value"]) for r in statements if r["p"]["value"] == _TYPE})
    property_labels: dict[str, list[dict[str, str]]] = {}  # each property's labels, in every language the rows give
    for r in statements:
        if "pLabel" in r and r["pLabel"] not in property_labels.setdefault(r["p"]["value"], []):
            property_labels[r["p"]["value"]].append(r["pLabel"])
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for r in statements:
        prop, value = r["p"]["value"], r["o"]
        if prop in _HIDDEN_PROPERTIES:
            continue
        key = (prop, value["value"] + value.get("xml:lang", ""))
        shown = _label([r["oLabel"]] if "oLabel" in r else [], lang) if value["type"] == "uri" else None
        current = rows.get(key)
        if current is None or (shown and r.get("oLabel", {}).get("xml:lang") == lang):
            rows[key] = {"property": _label(property_labels.get(prop, []), lang) or compact_iri(prop),
                         "value": shown or _show(value),
                         "href": site_href(value["value"]) if value["type"] == "uri" else ""}
    refs: dict[tuple[str, str], dict[str, object]] = {}
    for r in incoming:
        key = (r["s"]["value"], r["p"]["value"])
        entry = refs.setdefault(key, {"href": site_href(r["s"]["value"]), "label": compact_iri(r["s"]["value"]),
                                      "property": compact_iri(r["p"]["value"]), "quotes": [], "_labels": []})
        if "sLabel" in r:
            entry["_labels"].append(r["sLabel"])  # type: ignore[union-attr]
        if "pLabel" in r and r["pLabel"].get("xml:lang") == lang:
            entry["property"] = r["pLabel"]["value"]
        if "quote" in r:
            quote = {"quote": r["quote"]["value"], **_cite(r["file"]["value"], lang, citations)}
            if quote not in entry["quotes"]:  # type: ignore[operator]
                entry["quotes"].append(quote)  # type: ignore[union-attr]
    for entry in refs.values():
        entry["label"] = _label(entry.pop("_labels"), lang) or entry["label"]  # type: ignore[arg-type]
    seen: set[str] = set()
    quotes = []
    for r in evidence:
        if r["evidence"]["value"] in seen:
            continue
        seen.add(r["evidence"]["value"])
        quotes.append({"quote": r["quote"]["value"], **_cite(r["file"]["value"], lang, citations), "start": r["start"]["value"],
                       "end": r["end"]["value"], "inferred": r["inferred"]["value"] == "true"})
    return {"iri": iri, "label": main, "other_label": other, "variants": variants, "types": types,
            "statements": sorted(rows.values(), key=lambda s: (s["property"], s["value"])),
            "incoming": sorted(refs.values(), key=lambda s: (str(s["property"]), str(s["label"]))), "evidence": quotes}


_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_LABEL_PROPERTIES = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"}
_HIDDEN_PROPERTIES = {"http://www.w3.org/2004/02/skos/core#hiddenLabel", "http://www.w3.org/ns/prov#wasDerivedFrom"}
