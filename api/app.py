"""The FastAPI application: built by create_app(settings); the store's worker pool opens in the lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import briefs, errors, network, pages, sparql
from api.service import QueryService
from graph.settings import Settings

__all__ = ["create_app"]


def create_app(settings: Settings, *, store_dir: Path | None = None) -> FastAPI:
    """The service over the store at `store_dir` (default: the settings' store)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = await QueryService.start(settings, store_dir or settings.store_dir)
        try:
            yield
        finally:
            await app.state.service.close()

    app = FastAPI(title="innograph", version="0.1.0", lifespan=lifespan,
                  description="SPARQL 1.1 over the knowledge graph of Ho Chi Minh City's innovation ecosystem; "
                              "every fact carries the source sentence it came from.")
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"],
                       expose_headers=["X-Innograph-Truncated", "X-Innograph-Rows", "Link"])
    errors.install(app)
    app.include_router(sparql.router)
    app.include_router(pages.router)
    app.include_router(network.router)
    app.include_router(briefs.router)
    return app
