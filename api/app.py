"""The FastAPI application of one worker: built by create_app(settings, build=…); its service opens in the lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api import briefs, dataset, errors, network, pages, sparql
from api.server import Build, WorkerSlot
from api.service import QueryService
from graph.settings import Settings

__all__ = ["create_app"]


def create_app(settings: Settings, *, build: Build, slot: WorkerSlot | None = None) -> FastAPI:
    """The service over `build`. A worker that had to stop a runaway query asks through `slot` to be
    replaced, and shuts its server down (`app.state.server`, set by api/server.py) once its requests are done."""

    def retire() -> None:
        if slot is not None:
            slot.retire()
        server = getattr(app.state, "server", None)
        if server is not None:
            server.should_exit = True

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = QueryService.start(settings, build, slot=slot, on_runaway=retire)
        try:
            yield
        finally:
            app.state.service.close()

    # /docs from the swagger-ui-bundle package's files, not FastAPI's default CDN, so that it opens offline
    app = FastAPI(title="innograph", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="SPARQL 1.1 over the knowledge graph of Ho Chi Minh City's innovation ecosystem; "
                              "every fact carries the source sentence it came from.")
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"],
                       expose_headers=sparql.CORS_EXPOSED)
    errors.install(app)
    app.include_router(sparql.router)
    app.include_router(pages.router)
    app.include_router(network.router)
    app.include_router(briefs.router)
    app.include_router(dataset.router)
    app.mount("/static/swagger-ui", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="innograph — API",
                                   swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/static/swagger-ui/favicon-32x32.png")

    return app
