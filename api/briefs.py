"""Stakeholder briefs over HTTP: the same brief as `innograph brief`, as HTML, Markdown or PDF."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.errors import error_responses
from api.pages import Lang
from api.service import QueryService
from api.sparql import get_service
from graph.brief import FORMATS, build_brief, render
from graph.text import parse_day

__all__ = ["router"]

router = APIRouter(tags=["briefs"])
Service = Annotated[QueryService, Depends(get_service)]


@router.get("/briefs/{actor:path}", summary="A sourced brief on an actor, or on two before they meet",
            responses={200: {"content": {t.split(";")[0]: {} for t in FORMATS.values()}}, **error_responses(400, 503)})
async def brief(actor: str, service: Service,
                with_: Annotated[str | None, Query(alias="with", description="The other actor, for a meeting brief on the pair.")] = None,
                lang: Lang = "vi",
                format: Annotated[str, Query(pattern="^(html|md|pdf)$")] = "html",
                as_of: Annotated[str | None, Query(description="Leave out what is dated after this day (YYYY-MM-DD); default today.")] = None) -> Response:
    """Who the actor is, its people, figures, engagements, relationships and sectors, its position in the
    network and what the graph does not know about it; every statement with a footnote to its quote.
    The actor is named by its slug, IRI, label or abbreviation, with or without diacritics; an
    ambiguous name gets 400 listing the candidates."""
    day = parse_day(as_of)
    network = await service.network(shared_sectors=False)

    def write() -> tuple[str, bytes]:
        made = build_brief(service.store, actor, other=with_, lang=lang, as_of=day, manifest=service.manifest, network=network)
        return FORMATS[format], render(made, format)

    key = ("brief", actor, with_, lang, format, day or date.today())  # today's brief is new tomorrow
    written = await service.document(key, write)
    headers = {"Content-Disposition": f'inline; filename="brief.{format}"'} if format == "pdf" else {}
    return Response(written.body, media_type=written.media_type, headers=headers)
