"""Building the store: read the inputs, load a new store beside the old one, check it, publish it."""

import hashlib
import threading
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox

from graph import store as stores
from graph.errors import ValidationFailed
from graph.rdfio import RdfFile, discover
from graph.settings import Settings
from graph.validate import CHECKS_DIR, Report, check, load

__all__ = ["BuildResult", "build", "validate", "input_files"]


@dataclass(frozen=True)
class BuildResult:
    """The published store and what it holds; `rebuilt` is False when the inputs had not changed."""

    store_dir: Path
    manifest: stores.Manifest
    rebuilt: bool
    notes: list[str] = field(default_factory=list)


def input_files(settings: Settings, data: tuple[Path, ...] | None) -> list[RdfFile]:
    """The RDF files to build from: the given folders, or the ontology and the curated data."""
    return discover(data if data else settings.default_inputs, exclude=(settings.shapes_file,))


def _fingerprint(files: list[RdfFile], settings: Settings) -> str:
    """What a build is made from: the package's version, the RDF files, the rules, and the source texts the
    quotes are read against (one added, changed or removed is a new build)."""
    digest = hashlib.sha256(version("innograph").encode())
    rules = [settings.shapes_file, *sorted(CHECKS_DIR.glob("*.rq"))]
    texts = [(f"{folder.name}/{p.name}", p) for folder in (settings.sources_dir, settings.seeds_dir) if folder.is_dir()
             for p in sorted(folder.glob("*.txt"))]
    for label, path in [(f.label, f.path) for f in files] + [(p.name, p) for p in rules] + texts:
        digest.update(label.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build(settings: Settings, *, data: tuple[Path, ...] | None = None, store_dir: Path | None = None,
          force: bool = False) -> BuildResult:
    """Build the store from the inputs unless it is up to date; publish it only if every check passes.

    Raises InputError for a file that cannot be read, ValidationFailed listing every broken rule;
    in both cases the previously published store stays in place and usable.
    """
    target = store_dir or settings.store_dir
    files = input_files(settings, data)
    fingerprint = _fingerprint(files, settings)
    current = stores.read_manifest(target)
    if current is not None and current.fingerprint == fingerprint and not force:
        return BuildResult(store_dir=target, manifest=current, rebuilt=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    build_dir, store = stores.new_build_dir(target, fingerprint)
    writer = _Writer(store, files)
    del store  # the writer drops the last reference when it is done, releasing the lock before readers open the folder
    writer.start()
    try:
        try:
            report = _checked(files, settings)
        finally:
            writer.join()
        if writer.error is not None:
            raise writer.error
        if report.violations:
            raise ValidationFailed(report.violations)
    except BaseException:
        stores.discard(build_dir)
        raise
    manifest = stores.Manifest(fingerprint=fingerprint, built_at=stores.Manifest.now(),
                               inputs=[f.label for f in files], triples=report.triples,
                               facts=report.facts, sources=report.sources, quotes_checked=report.quotes_checked,
                               quotes_unread=report.quotes_unread)
    stores.publish(target, build_dir, manifest)
    return BuildResult(store_dir=target, manifest=manifest, rebuilt=True,
                       notes=report.notes)


class _Writer(threading.Thread):
    """Loads the files into the on-disk store on the other core while they are checked in memory.

    The checks read the whole store many times, five times faster from memory than from the on-disk
    store; pyoxigraph lets go of the GIL while it loads, so the two loads run side by side.
    """

    def __init__(self, store: ox.Store, files: list[RdfFile]) -> None:
        super().__init__(name="store-writer", daemon=True)
        self.store: ox.Store | None = store
        self.files = files
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            load(self.store, self.files)
            self.store.flush()
        except BaseException as e:  # a bad file: the checks' own load of it says so first
            self.error = e
        finally:
            self.store = None


def _checked(files: list[RdfFile], settings: Settings) -> Report:
    store = ox.Store()
    load(store, files)
    return check(files, store, settings)


def validate(settings: Settings, *, data: tuple[Path, ...] | None = None) -> Report:
    """Run every check on the inputs without touching the store; the report lists what is broken.

    Raises InputError for a file that cannot be read.
    """
    return _checked(input_files(settings, data), settings)
