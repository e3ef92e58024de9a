"""The collaboration network over HTTP: the page, its data, its exports and the report, with the same
filters as `innograph network`. The projection is made once a service (QueryService.network); each
view is cut from it, measured and written in a thread, so queries go on being answered meanwhile, and
kept by its URL with the query answers."""

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated
from urllib.parse import urlencode

import networkx as nx
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.errors import error_responses
from api.pages import Lang
from api.service import QueryService
from api.sparql import get_service
from graph import network as nw
from graph.network_page import SIZE_METRICS, PageContext, relation_label, render
from graph.search import find_actor
from graph.sources import cited

__all__ = ["router"]

router = APIRouter(tags=["network"])
Service = Annotated[QueryService, Depends(get_service)]
Format = Annotated[str, Query(pattern="^(html|json|gexf|graphml)$",
                              description="html (the page), json (node-link), gexf (with dates, for Gephi's timeline) or graphml.")]
SizeBy = Annotated[str, Query(pattern=f"^({'|'.join(SIZE_METRICS)})$", description="The metric that sizes the nodes.")]
_TYPES = {"html": "text/html; charset=utf-8", **nw.EXPORT_FORMATS}
_RESPONSES = {200: {"content": {t.split(";")[0]: {} for t in _TYPES.values()}}, **error_responses(400, 503)}


class ViewParams:
    """The filters every network route takes, as `innograph network` takes them."""

    def __init__(self,
                 sector: Annotated[list[str] | None, Query(description="Keep ties about this sector or a narrower one (repeatable): semiconductors, sector:ai or an IRI.")] = None,
                 category: Annotated[list[str] | None, Query(description="Keep actors of this category (repeatable): government, industry, academia, intermediary, international, media, person.")] = None,
                 as_of: Annotated[str | None, Query(description="Leave out ties dated after this day (YYYY-MM-DD); undated ties stay.")] = None,
                 source: Annotated[list[str] | None, Query(description="Keep ties quoted from this source document, by its text's file name (repeatable).")] = None,
                 relation: Annotated[list[str] | None, Query(description=f"Keep ties of this kind (repeatable; default all but shared-sector): {', '.join(nw.RELATIONS)}.")] = None) -> None:
        self.raw = {"sector": [s for s in sector or [] if s], "category": [c for c in category or [] if c],
                    "as_of": as_of or "", "source": [s for s in source or [] if s], "relation": [r for r in relation or [] if r]}
        self.filters = nw.Filters.parse(sectors=self.raw["sector"], categories=self.raw["category"], as_of=as_of,
                                        sources=self.raw["source"], relations=self.raw["relation"])

    def query(self, **more: object) -> str:
        pairs = [(k, v) for k, values in self.raw.items() for v in (values if isinstance(values, list) else [values]) if v]
        return urlencode(pairs + [(k, v) for k, v in more.items() if v not in (None, "")])

    def caption(self, lang: str, network: nw.Network) -> list[tuple[str, str]]:
        names = {"vi": {"sector": "lĩnh vực", "category": "loại chủ thể", "as_of": "tính đến", "source": "nguồn", "relation": "quan hệ"},
                 "en": {"sector": "sector", "category": "category", "as_of": "as of", "source": "source", "relation": "relation"}}[lang]
        shown = [(names[k], ", ".join(v) if isinstance(v, list) else v) for k, v in self.raw.items()
                 if v and k not in ("relation", "source")]
        if self.raw["source"]:
            shown.append((names["source"], "; ".join(cited(network.citations, f, lang) for f in self.raw["source"])))
        if self.raw["relation"] and set(self.raw["relation"]) != nw.DEFAULT_RELATIONS:  # the defaults go without saying
            shown.append((names["relation"], ", ".join(relation_label(r, lang) for r in self.raw["relation"])))
        return shown


View = Annotated[ViewParams, Depends()]


async def _network(service: QueryService, view: ViewParams) -> nw.Network:
    return await service.network(shared_sectors="shared-sector" in view.filters.relations)


def _form(network: nw.Network, graph: nx.MultiGraph, view: ViewParams, action: str, lang: str, hops: int | None) -> dict:
    # every source document, by its title, publisher and date
    sources = sorted(((file, citation.text(lang)) for file, citation in network.citations.items()), key=lambda s: s[1])
    # the relations in force are ticked, the default ones too when none is asked for
    values = {**view.raw, "relation": sorted(view.filters.relations)}
    # the categories that have actors in this view were it not filtered by category: no choice leads to an empty page
    unfiltered = nw.view(network, replace(view.filters, categories=frozenset())) if view.filters.categories else graph
    present = {category for _, category in unfiltered.nodes(data="category")} | set(view.filters.categories)
    return {"action": action, "values": values, "hops": hops, "sources": sources,
            "sectors": sorted(((iri.rsplit("/", 1)[-1], labels[lang]) for iri, labels in network.sectors.items()), key=lambda s: s[1]),
            "categories": [(c, labels[lang]) for c, labels in network.categories.items() if c in present],  # none offered empty
            "relations": [(r, relation_label(r, lang)) for r in nw.RELATIONS]}


async def _kept(service: QueryService, request: Request, make: Callable[[], tuple[str, bytes]]) -> Response:
    """Each view is written once per request URL and kept: the store does not change while it is served."""
    key = ("network", request.url.path, tuple(sorted(request.query_params.multi_items())))
    written = await service.document(key, make)
    return Response(written.body, media_type=written.media_type)


def _write(service: QueryService, network: nw.Network, graph: nx.MultiGraph, *, fmt: str, request: Request,
           view: ViewParams, lang: str, size: str, title: str, hops: int | None = None) -> tuple[str, bytes]:
    if fmt != "html":
        return _TYPES[fmt], nw.export(graph, fmt)
    manifest = service.manifest
    context = PageContext(
        title=title, lang=lang, size_by=size, filters=view.caption(lang, network),
        built=f"{'bản dựng' if lang == 'vi' else 'build'} {manifest.built_at}" if manifest else "",
        form=_form(network, graph, view, request.url.path, lang, hops),
        links={f: f"{request.url.path}?{view.query(hops=hops, format=f)}" for f in ("json", "gexf", "graphml")}
        | {"report": f"/network/report?{view.query()}"},
        actor_href=f"/id/{{slug}}?lang={lang}", ego_href=f"/network/ego/{{slug}}?{view.query(hops=hops or 1, lang=lang)}",
        switch_href=str(request.url.include_query_params(lang="en" if lang == "vi" else "vi")))
    # A page's sizes need no more than a few seconds of betweenness; the report's budget is larger.
    return _TYPES["html"], render(network, graph, context, betweenness_budget_s=2.0).encode("utf-8")


@router.get("/network", summary="The collaboration network: page or export", responses=_RESPONSES)
async def network_page(request: Request, service: Service, view: View, lang: Lang = "vi", format: Format = "html",
                       size: SizeBy = "betweenness") -> Response:
    """The actors and the ties between them that the filters keep: an interactive page (coloured by
    category, sized by a metric, every tie with its relation, date and quote; the best-tied actors of a
    large view), or the whole view as node-link JSON, GEXF or GraphML."""
    network = await _network(service, view)
    title = "Mạng lưới hợp tác" if lang == "vi" else "Collaboration network"
    return await _kept(service, request, lambda: _write(service, network, nw.view(network, view.filters), fmt=format,
                                                        request=request, view=view, lang=lang, size=size, title=title))


@router.get("/network.json", summary="The collaboration network as node-link JSON", responses=_RESPONSES)
async def network_json(request: Request, service: Service, view: View) -> Response:
    """The same as /network?format=json: every actor and every tie the filters keep, with their attributes."""
    return await network_page(request, service, view, format="json")


@router.get("/network/ego/{actor:path}", summary="The ego network of an actor", responses=_RESPONSES)
async def network_ego(actor: str, request: Request, service: Service, view: View, lang: Lang = "vi", format: Format = "html",
                      size: SizeBy = "betweenness",
                      hops: Annotated[int, Query(ge=1, le=6, description="How far the ego network reaches.")] = 1) -> Response:
    """The actors within `hops` ties of one (named by its slug, IRI or label), and every tie among them."""
    network = await _network(service, view)

    def make() -> tuple[str, bytes]:
        center = find_actor(service.store, actor)
        graph = nw.ego_view(network, view.filters, center, hops)
        label = network.graph.nodes[center][f"label_{lang}"]
        title = (f"Mạng quanh {label} ({hops} bước)" if lang == "vi"
                 else f"Ego network of {label} ({hops} {'hop' if hops == 1 else 'hops'})")
        return _write(service, network, graph, fmt=format, request=request, view=view, lang=lang, size=size,
                      title=title, hops=hops)

    return await _kept(service, request, make)


@router.get("/network/report", summary="Each actor's position in the network", responses=error_responses(400, 503))
async def network_report(request: Request, service: Service, view: View,
                         ego: Annotated[str | None, Query(description="Only the actors within `hops` ties of this one.")] = None,
                         hops: Annotated[int, Query(ge=1, le=6)] = 1) -> Response:
    """Degree, weighted degree, betweenness (sampled on a large network; the sample size is given),
    PageRank, Louvain community and brokerage across categories for every actor the filters keep, with
    a sentence in Vietnamese and one in English saying its position; best connected first."""
    network = await _network(service, view)

    def make() -> tuple[str, bytes]:
        graph = nw.view(network, view.filters)
        if ego:
            graph = nw.ego(graph, find_actor(service.store, ego), hops)
        document = nw.report_document(*nw.report(network, graph))
        return "application/json", json.dumps(document, ensure_ascii=False).encode("utf-8")

    return await _kept(service, request, make)
