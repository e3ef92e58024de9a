"""The one settings object (environment prefix INNOGRAPH_), read once and passed down."""

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from graph.remote import Endpoint

__all__ = ["Settings", "PROJECT_ROOT", "Engine"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# In a source checkout the ontology sits beside the packages, and the work (the store, article texts, review
# drafts) is kept in the checkout. Installed from the wheel (`pip install .`), the ontology is inside the
# package, and the work is kept in the folder innograph is run in.
_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()
_WORK = PROJECT_ROOT if _CHECKOUT else Path.cwd()
Engine = Literal["oxigraph", "rdflib"]


class Settings(BaseSettings):
    """Where the inputs and the store live, and how the service runs."""

    model_config = SettingsConfigDict(env_prefix="INNOGRAPH_", frozen=True)

    ontology_dir: Path = PROJECT_ROOT / "ontology" if _CHECKOUT else PROJECT_ROOT / "graph" / "ontology"
    data_dir: Path = PROJECT_ROOT / "graph" / "data"
    seeds_dir: Path = Field(default=PROJECT_ROOT.parent / "shared" / "seeds" if _CHECKOUT else _WORK / "seeds",
                            description="the five seed articles the curated data quotes")
    sources_dir: Path = Field(default=_WORK / "sources",
                              description="the article texts `innograph ingest add` stores; git-ignored (publishers' copyright)")
    review_dir: Path = Field(default=_WORK / "review",
                             description="the review drafts, one TriG file of candidate facts per ingested article")
    max_source_bytes: int = Field(default=1_000_000, ge=1, description="the largest article text `innograph ingest add` accepts")
    curator: str = Field(default="", description="who accepts facts in review; empty: git's user.name, else $USER")
    store_dir: Path = _WORK / ".innograph" / "store"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    query_timeout_s: float = Field(default=10.0, gt=0)
    query_workers: int = Field(default=0, ge=0, description="worker processes, each serving HTTP and running queries; 0 means one per core")
    access_log: bool = Field(default=False, description="log every request (off: it costs each request its write)")
    max_rows: int = Field(default=10_000, ge=1)
    result_cache_mb: int = Field(default=64, ge=0, description="answers kept in memory; 0 turns the cache off")
    max_query_bytes: int = Field(default=100_000, ge=100)
    max_query_depth: int = Field(default=64, ge=4)
    allowed_hosts: frozenset[str] = Field(default=frozenset(), description="hosts SERVICE and remote FROM may reach")
    engine: Engine = Field(default="oxigraph", description="what the query workers run queries with; rdflib is for comparison only")
    backend_url: str = Field(default="", description="a SPARQL 1.1 server's query URL: serve and query the build published "
                                                     "there (`innograph publish`) instead of the embedded store")
    backend_store_url: str = Field(default="", description="that server's Graph Store Protocol URL, which `innograph publish` loads builds through")
    backend_user: str = Field(default="", description="the user name for that server; empty: none")
    backend_password: str = Field(default="", description="the password for that server")
    backend_auth: Literal["basic", "digest"] = Field(default="basic", description="how the user and password are sent")

    def endpoint(self) -> "Endpoint | None":
        """The SPARQL server the backend settings name, or None for the embedded store."""
        from graph.remote import Endpoint

        if not self.backend_url:
            return None
        return Endpoint(self.backend_url, self.backend_store_url, self.backend_user, self.backend_password,
                        self.backend_auth, timeout_s=self.query_timeout_s + 5.0)

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def default_inputs(self) -> tuple[Path, ...]:
        """The ontology, its concept schemes and the curated data."""
        return (self.ontology_dir, self.data_dir)
