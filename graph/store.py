"""The on-disk pyoxigraph store: an index built from the input files, thrown away and rebuilt at will.

Layout: `store_dir` is a symbolic link to `builds/<id>/` beside it; each build folder holds the
oxigraph files (`oxigraph/`) and `manifest.json`. A new build is written to a new folder and the
link is switched in one rename, so a reader always sees the old store or the new one, whole.
"""

import json
import os
import shutil
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from graph.errors import StoreError, StoreMissing

__all__ = ["Manifest", "check_built", "open_store", "read_manifest", "new_build_dir", "publish", "discard"]

_KEEP_BUILDS = 2  # the published one and the one before it


@dataclass(frozen=True)
class Manifest:
    """What a build was made from and what it holds."""

    fingerprint: str
    built_at: str
    inputs: list[str]
    triples: int
    facts: int
    sources: int
    quotes_checked: int = 0  # evidence quotes read against their source texts
    quotes_unread: int = 0  # evidence quotes whose source text was missing

    @staticmethod
    def now() -> str:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")

    @classmethod
    def from_json(cls, text: str, where: str) -> "Manifest":
        """The manifest a build wrote; fields that a newer innograph added are left out.

        Raises StoreError naming `where` for one that cannot be read.
        """
        try:
            data = json.loads(text)
            known = {f.name for f in fields(cls)}
            return cls(**{key: value for key, value in data.items() if key in known})
        except (ValueError, TypeError, AttributeError) as e:
            raise StoreError(f"{where}: its manifest cannot be read ({e}); build it again") from e


def _oxigraph_dir(build_dir: Path) -> Path:
    return build_dir / "oxigraph"


def check_built(store_dir: Path) -> Path:
    """The oxigraph folder of the published store, without opening it.

    Raises StoreMissing when nothing has been built there yet.
    """
    target = _oxigraph_dir(store_dir)
    if not target.is_dir():
        raise StoreMissing(f"{store_dir}: no store has been built here; run `innograph build` first")
    return target


def open_store(store_dir: Path, *, read_only: bool = True) -> ox.Store:
    """Open the published store.

    Raises StoreMissing when nothing has been built there yet.
    """
    target = check_built(store_dir)
    return ox.Store.read_only(str(target)) if read_only else ox.Store(str(target))


def read_manifest(store_dir: Path) -> Manifest | None:
    """The manifest of the published store, or None when there is none."""
    path = store_dir / "manifest.json"
    if not path.is_file():
        return None
    return Manifest.from_json(path.read_text(encoding="utf-8"), str(store_dir))


def new_build_dir(store_dir: Path, fingerprint: str) -> tuple[Path, ox.Store]:
    """A fresh build folder beside the published store, and a writable store inside it."""
    builds = store_dir.parent / "builds"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    build_dir = builds / f"{stamp}-{fingerprint[:12]}"
    build_dir.mkdir(parents=True)
    return build_dir, ox.Store(str(_oxigraph_dir(build_dir)))


def publish(store_dir: Path, build_dir: Path, manifest: Manifest) -> None:
    """Write the manifest and switch `store_dir` to the new build in one atomic rename."""
    (build_dir / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
    if store_dir.exists() and not store_dir.is_symlink():
        raise StoreError(f"{store_dir}: exists and is not a link made by `innograph build`; move it away")
    link = store_dir.with_name(store_dir.name + ".new")
    if link.is_symlink():
        link.unlink()
    link.symlink_to(os.path.relpath(build_dir, store_dir.parent))
    os.replace(link, store_dir)
    _prune(build_dir.parent)


def discard(build_dir: Path) -> None:
    """Remove a build that failed its checks; the published store is untouched."""
    shutil.rmtree(build_dir, ignore_errors=True)


def _prune(builds: Path) -> None:
    """Remove all but the newest builds, never one that a store beside them is linked to: stores in the same
    folder share it (.innograph/store and a test store, or two benchmark stores)."""
    linked = {link.resolve() for link in builds.parent.iterdir() if link.is_symlink()}
    for old in sorted(builds.iterdir())[:-_KEEP_BUILDS]:
        if old.resolve() not in linked:
            shutil.rmtree(old, ignore_errors=True)
