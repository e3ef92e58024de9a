"""Shared fixtures: the project's settings, its inputs loaded into an in-memory store, the seeds."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.rdfio import discover
from graph.settings import Settings
from graph.validate import load



@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def store(settings: Settings) -> ox.Store:
    """The ontology, concept schemes and curated data in an in-memory store."""
    memory = ox.Store()
    load(memory, discover(settings.default_inputs, exclude=(settings.shapes_file,)))
    return memory


@pytest.fixture(scope="session")
def seeds(settings: Settings) -> dict[str, str]:
    """The five source articles by file name; the test is skipped where ../shared is absent."""
    if not settings.seeds_dir.is_dir():
        pytest.skip(f"the seed articles are not at {settings.seeds_dir}, so quotes cannot be read against them")
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(settings.seeds_dir.glob("*.txt"))}


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """Small Turtle fixtures: a minimal valid graph and broken variants of it."""
    return Path(__file__).parent / "fixtures"
