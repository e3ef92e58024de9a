"""Shared fixtures: the project's settings, its inputs loaded into an in-memory store, the seeds."""

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from backends import REMOTE, free_port, publish_build, publish_store, sparql_server

from graph.build import build
from graph.rdfio import discover
from graph.remote import Endpoint
from graph.settings import Settings
from graph.validate import load


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


def ingested(name: str) -> bool:
    """Whether a data file holds an article added by `innograph ingest add` (numbered 005 and on), not one of
    the five curated by hand (000-004) or the actors and documents files they share."""
    number = re.match(r"(\d{3,})_", name)
    return number is not None and int(number.group(1)) >= 5


def ignore_ingested(folder: str, names: list[str]) -> set[str]:
    """For shutil.copytree: a copy of graph/data with the five curated articles only."""
    return {n for n in names if ingested(n) or n.startswith(".")}


@pytest.fixture(scope="session")
def store(settings: Settings) -> Iterator[ox.Store]:
    """The ontology, concept schemes and the five curated articles (with the actors and documents files) in an
    in-memory store: the answers the tests expect are those articles'. The ingested articles only add to them,
    and nothing in the curated files refers to them; the build checks the whole graph. On a SPARQL server
    backend (tests/backends.py), the same published there."""
    memory = ox.Store()
    files = discover(settings.default_inputs, exclude=(settings.shapes_file,))
    load(memory, [f for f in files if not ingested(f.path.name)])
    if not REMOTE:
        yield memory
        return
    with sparql_server() as endpoint:
        yield publish_store(endpoint, memory)  # type: ignore[misc]


@pytest.fixture(scope="session")
def seeds(settings: Settings) -> dict[str, str]:
    """The five source articles by file name; the test is skipped where ../shared is absent."""
    if not settings.seeds_dir.is_dir():
        pytest.skip(f"the seed articles are not at {settings.seeds_dir}, so quotes cannot be read against them")
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(settings.seeds_dir.glob("*.txt"))}


@pytest.fixture(scope="session")
def texts(settings: Settings, seeds: dict[str, str]) -> dict[str, str]:
    """Every source text this clone has, by file name: the seeds and the ingested articles in the sources
    folder. Ingested texts are not committed, so a fresh clone has only the seeds; a test reads each quote
    whose text is here, as the build does."""
    found = dict(seeds)
    if settings.sources_dir.is_dir():
        found.update({p.name: p.read_text(encoding="utf-8") for p in sorted(settings.sources_dir.glob("*.txt"))})
    return found


def quote_at(texts: dict[str, str], file: str, start: int, end: int) -> str | None:
    """The text of a source at the offsets; None for an ingested article whose text this clone lacks (never a seed)."""
    if file not in texts:
        assert not re.match(r"00[0-4]_", file), f"the seed {file} is missing"
        return None
    return texts[file][start:end]


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """Small Turtle fixtures: a minimal valid graph and broken variants of it."""
    return Path(__file__).parent / "fixtures"


def assert_offline(html: str) -> None:
    """A page loads no script, style, image or frame from another host."""
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html


_SERVERS: dict[Path, "Endpoint"] = {}  # the SPARQL server each live server's store is published to


def republish(store_dir: Path) -> None:
    """After a new build at `store_dir`: publish it to the SPARQL server a live server reads, if it reads one."""
    if store_dir in _SERVERS:
        publish_build(_SERVERS[store_dir], store_dir)


@contextmanager
def live_server(store_dir: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`innograph serve` over a built store, on a free loopback port; yields its base URL and process. On a
    SPARQL server backend, the build is published to a server of its own, which innograph serves."""
    if REMOTE:
        with sparql_server(float(env.get("query_timeout_s", Settings().query_timeout_s))) as endpoint:
            publish_build(endpoint, store_dir)
            _SERVERS[store_dir] = endpoint
            try:
                with _serving(store_dir, backend_url=endpoint.query_url, **env) as running:
                    yield running
            finally:
                del _SERVERS[store_dir]
    else:
        with _serving(store_dir, **env) as running:
            yield running


def wait_until_serving(base: str, process: subprocess.Popen[bytes], what: str, *, timeout_s: float = 60.0) -> None:
    """Return once `innograph serve` at `base` answers /sparql; fail, naming `what`, if it ends or takes too long."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{base}/sparql", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start")
            time.sleep(0.2)


@contextmanager
def _serving(store_dir: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    settings_env = {f"INNOGRAPH_{k.upper()}": v for k, v in env.items()}
    process = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--store", str(store_dir), "--port", str(port)],
                               env={**os.environ, **settings_env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process, f"the server over {store_dir}")
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def hostile_base(settings: Settings, fixtures: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server over the minimal graph plus an organisation whose labels try to run script in a page."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(fixtures / "minimal", data)
    shutil.copy(fixtures / "hostile" / "hostile.ttl", data)
    store_dir = data.parent / "store"
    build(settings, data=(settings.ontology_dir, data), store_dir=store_dir)
    with live_server(store_dir) as (url, _):
        yield url


@pytest.fixture(scope="session")
def built_store(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of the project's graph, for the commands and the server the tests start."""
    store_dir = tmp_path_factory.mktemp("built") / "store"
    build(settings, store_dir=store_dir)
    return store_dir


@pytest.fixture(scope="session")
def base(built_store: Path) -> Iterator[str]:
    """A live server over that build, shared by the tests of pages, network and briefs."""
    with live_server(built_store) as (url, _):
        yield url
