"""The dataset as a whole: its VoID description at /.well-known/void, and a dump of the served build at /dump.

Both are worked out from the build served (graph/queries/dataset), so they describe exactly what /sparql
answers from; a build never changes while it is served, so each is made once and kept with its answers.
"""

from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.errors import ERROR_RESPONSES
from api.pages import Lang, compact_iri, site_href, templates, wants_html
from api.service import QueryService
from api.sparql import get_service, parse_accept
from graph.catalogue import QUERIES_DIR, catalogue
from graph.namespaces import BASE, ID
from graph.results import GRAPH_TYPES, choose, serialize_triples

__all__ = ["router", "LICENCE"]

router = APIRouter()
Service = Annotated[QueryService, Depends(get_service)]
_QUERIES = catalogue(QUERIES_DIR / "dataset")
LICENCE = "https://creativecommons.org/licenses/by/4.0/"  # the data's, as the ontology states (dcterms:license)
_VOID = "http://rdfs.org/ns/void#"
_DCTERMS = "http://purl.org/dc/terms/"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_DUMPS = {"application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}
_DUMP_NAMES = {"nquads": "application/n-quads", "trig": "application/trig", "turtle": "text/turtle", "html": "text/html"}
_DUMP_TYPES = tuple(_DUMP_NAMES.values())  # N-Quads for */*


async def _figures(service: QueryService) -> dict[str, object]:
    """The dataset's size, classes, properties and named graphs, as VoID counts them."""
    totals = (await service.select(_QUERIES["totals"].text))[0]
    return {"totals": {k: int(v["value"]) for k, v in totals.items()},
            "classes": [(row["class"]["value"], int(row["entities"]["value"])) for row in await service.select(_QUERIES["classes"].text)],
            "properties": [(row["property"]["value"], int(row["triples"]["value"]))
                           for row in await service.select(_QUERIES["properties"].text)],
            "graphs": [(row["graph"]["value"], int(row["triples"]["value"])) for row in await service.select(_QUERIES["graphs"].text)]}


def _void(figures: dict[str, object], origin: str, built_at: str | None) -> list[ox.Triple]:
    dataset = ox.NamedNode(BASE)
    triples: list[ox.Triple] = []

    def say(subject: ox.NamedNode | ox.BlankNode, predicate: str, value: ox.NamedNode | ox.Literal | ox.BlankNode | int) -> None:
        term = ox.Literal(str(value), datatype=_XSD_INTEGER) if isinstance(value, int) else value
        triples.append(ox.Triple(subject, ox.NamedNode(predicate), term))

    triples.append(ox.Triple(dataset, _RDF_TYPE, ox.NamedNode(_VOID + "Dataset")))
    say(dataset, _DCTERMS + "title", ox.Literal("innograph", language="en"))
    say(dataset, _DCTERMS + "description", ox.Literal(
        "Đồ thị tri thức về hệ sinh thái đổi mới sáng tạo của TP.HCM, mỗi dữ kiện dẫn về đúng câu văn nguồn.", language="vi"))
    say(dataset, _DCTERMS + "description", ox.Literal(
        "A knowledge graph of Ho Chi Minh City's innovation ecosystem, every fact traceable to its source sentence.", language="en"))
    say(dataset, _DCTERMS + "license", ox.NamedNode(LICENCE))
    if built_at:
        say(dataset, _DCTERMS + "modified", ox.Literal(built_at, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")))
    say(dataset, _VOID + "sparqlEndpoint", ox.NamedNode(origin + "/sparql"))
    for name in ("nquads", "trig"):
        say(dataset, _VOID + "dataDump", ox.NamedNode(f"{origin}/dump?format={name}"))
    say(dataset, _VOID + "uriSpace", ox.Literal(str(ID)))
    say(dataset, _VOID + "rootResource", ox.NamedNode(BASE + "ontology"))
    totals: dict[str, int] = figures["totals"]  # type: ignore[assignment]
    classes: list[tuple[str, int]] = figures["classes"]  # type: ignore[assignment]
    properties: list[tuple[str, int]] = figures["properties"]  # type: ignore[assignment]
    for key, name in (("triples", "triples"), ("entities", "entities"), ("subjects", "distinctSubjects"), ("objects", "distinctObjects")):
        say(dataset, _VOID + name, totals[key])
    say(dataset, _VOID + "classes", len(classes))
    say(dataset, _VOID + "properties", len(properties))
    for vocabulary in sorted({_namespace(iri) for iri, _ in properties + classes}):
        say(dataset, _VOID + "vocabulary", ox.NamedNode(vocabulary))
    for number, (iri, entities) in enumerate(classes):  # blank nodes named in order: the same document every time
        partition = ox.BlankNode(f"class{number}")
        say(dataset, _VOID + "classPartition", partition)
        say(partition, _VOID + "class", ox.NamedNode(iri))
        say(partition, _VOID + "entities", entities)
    for number, (iri, count) in enumerate(properties):
        partition = ox.BlankNode(f"property{number}")
        say(dataset, _VOID + "propertyPartition", partition)
        say(partition, _VOID + "property", ox.NamedNode(iri))
        say(partition, _VOID + "triples", count)
    for iri, count in figures["graphs"]:  # type: ignore[attr-defined]
        graph = ox.NamedNode(iri)
        say(dataset, _VOID + "subset", graph)
        triples.append(ox.Triple(graph, _RDF_TYPE, ox.NamedNode(_VOID + "Dataset")))
        say(graph, _VOID + "triples", count)
        say(graph, _VOID + "dataDump", ox.NamedNode(origin + site_href(iri) + "?format=ntriples"))
    return triples


def _namespace(iri: str) -> str:
    """The vocabulary an IRI is a term of: what comes before its local name."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1] if iri[cut] == "/" else iri[:cut]


def _origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/.well-known/void", summary="The dataset's VoID description",
            responses={200: {"content": {"text/html": {}, **{m: {} for m in GRAPH_TYPES}}}, **ERROR_RESPONSES})
async def void(request: Request, service: Service, lang: Lang = "vi",
               format: Annotated[str | None, Query(description="html, turtle, jsonld, ntriples or rdfxml")] = None) -> Response:
    """The dataset described in VoID: its triples, entities, classes and properties (each with its count),
    named graphs, vocabularies, licence, SPARQL endpoint and dumps. As a page for a browser, or RDF (Turtle
    by default) by Accept or `format`."""
    figures = await _figures(service)
    manifest = service.manifest
    if wants_html(request, format):
        return templates.TemplateResponse(request, "dataset.html", {
            "lang": lang, "figures": figures, "licence": LICENCE, "origin": _origin(request),
            "built_at": manifest.built_at if manifest else "",
            "classes": [{"text": compact_iri(c), "href": site_href(c), "count": n} for c, n in figures["classes"]],  # type: ignore[attr-defined]
            "properties": [{"text": compact_iri(p), "href": site_href(p), "count": n} for p, n in figures["properties"]],  # type: ignore[attr-defined]
            "graphs": [{"text": g.removeprefix(BASE + "graph/"), "href": site_href(g), "count": n} for g, n in figures["graphs"]]})  # type: ignore[attr-defined]
    media = choose(parse_accept(request.headers.get("accept"), [format] if format else []), "graph")  # Turtle for */*
    body = serialize_triples(_void(figures, _origin(request), manifest.built_at if manifest else None), media)
    return Response(body, media_type=media, headers={"Vary": "Accept"})


@router.get("/dump", summary="A dump of the served build: every named graph, in N-Quads or TriG",
            responses={200: {"content": {"application/n-quads": {}, "application/trig": {}, "text/turtle": {}, "text/html": {}}},
                       **ERROR_RESPONSES})
async def dump(request: Request, service: Service, lang: Lang = "vi",
               format: Annotated[str | None, Query(pattern="^(nquads|trig|turtle|html)$",
                                                   description="nquads (the default), trig, turtle (the union of the graphs) or html")] = None) -> Response:
    """Every quad of the build served, each in its named graph: N-Quads (the default) or TriG by Accept or
    `format`; Turtle gives the union of the graphs, each triple once; a browser gets a page that links them."""
    media = _DUMP_NAMES[format] if format else choose(parse_accept(request.headers.get("accept")), "dump", _DUMP_TYPES)
    if media == "text/html":
        manifest = service.manifest
        figures = await _figures(service)
        return templates.TemplateResponse(request, "dataset.html", {
            "lang": lang, "figures": figures, "licence": LICENCE, "origin": _origin(request),
            "built_at": manifest.built_at if manifest else "", "classes": [], "properties": [], "graphs": []})

    def make() -> tuple[str, bytes]:
        quads = service.store.quads_for_pattern(None, None, None, None)
        if media == "text/turtle":
            return media, serialize_triples(list(dict.fromkeys(quad.triple for quad in quads)), media)
        return media, ox.serialize(quads, format=_DUMPS[media])

    written = await service.document(("dump", media), make)
    name = {"application/n-quads": "nq", "application/trig": "trig", "text/turtle": "ttl"}[media]
    return Response(written.body, media_type=written.media_type,
                    headers={"Vary": "Accept", "Content-Disposition": f'attachment; filename="innograph.{name}"'})

