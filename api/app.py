"""The FastAPI application of one worker: built by create_app(settings, build=…); its service opens in the lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

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

    app = FastAPI(title="innograph", version="0.1.0", lifespan=lifespan,
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
    return app
