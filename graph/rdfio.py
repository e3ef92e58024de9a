"""Finding and reading RDF input files, refusing what is unsafe before any parser sees it; writing one whole."""

import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on POSIX: files are not locked between processes
    fcntl = None  # type: ignore[assignment]

import pyoxigraph as ox

from graph.errors import InputError, UnsafeInput
from graph.namespaces import BASE

__all__ = ["RdfFile", "discover", "check_safe", "graph_name"]

_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    ".ttl": ("turtle", ox.RdfFormat.TURTLE),
    ".nt": ("nt", ox.RdfFormat.N_TRIPLES),
    ".nq": ("nquads", ox.RdfFormat.N_QUADS),
    ".trig": ("trig", ox.RdfFormat.TRIG),
    ".jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
    ".rdf": ("xml", ox.RdfFormat.RDF_XML),
    ".owl": ("xml", ox.RdfFormat.RDF_XML),
}
_QUAD_FORMATS = {".nq", ".trig"}
_XML_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_MAX_JSON_DEPTH = 200


@dataclass(frozen=True)
class RdfFile:
    """One input file, its format, and the named graph its triples go to."""

    path: Path
    label: str  # the path shown in messages, relative to the folder it was found in

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @property
    def rdflib_format(self) -> str:
        return _FORMATS[self.suffix][0]

    @property
    def oxigraph_format(self) -> ox.RdfFormat:
        return _FORMATS[self.suffix][1]

    @property
    def has_graphs(self) -> bool:
        """Whether the file names its own graphs (TriG, N-Quads)."""
        return self.suffix in _QUAD_FORMATS


def graph_name(label: str) -> str:
    """The IRI of the named graph that holds the triples of a file with that label."""
    return f"{BASE}graph/{label}"


def discover(folders: tuple[Path, ...], *, exclude: tuple[Path, ...] = ()) -> list[RdfFile]:
    """Every RDF file under the folders, in a stable order.

    Raises InputError when a folder does not exist or holds no RDF file.
    """
    excluded = {p.resolve() for p in exclude}
    found: list[RdfFile] = []
    for folder in folders:
        if not folder.is_dir():
            raise InputError(f"{folder}: no such folder; give a folder of RDF files (.ttl, .nt, .nq, .trig, .jsonld, .rdf)")
        root = folder.resolve()
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix.lower() in _FORMATS and path.resolve() not in excluded:
                found.append(RdfFile(path=path, label=f"{root.name}/{path.relative_to(root).as_posix()}"))
    if not found:
        names = ", ".join(str(f) for f in folders)
        raise InputError(f"{names}: no RDF files found (.ttl, .nt, .nq, .trig, .jsonld, .rdf)")
    return found


def check_safe(file: RdfFile, data: bytes) -> None:
    """Refuse inputs that would make a parser fetch from the network or blow up.

    Raises UnsafeInput naming the file and what to change.
    """
    if file.oxigraph_format == ox.RdfFormat.RDF_XML and _XML_DECLARATIONS.search(data):
        raise UnsafeInput(f"{file.label}: RDF/XML with a DOCTYPE or ENTITY declaration is refused "
                          "(entity expansion can exhaust memory); remove the declarations")
    if file.suffix == ".jsonld":
        try:
            document = json.loads(data)
        except RecursionError as e:
            raise UnsafeInput(f"{file.label}: JSON nested too deeply to read") from e
        except ValueError as e:
            raise InputError(f"{file.label}: not valid JSON: {e}") from e
        _check_json(file, document, depth=0)


def _check_json(file: RdfFile, value: object, *, depth: int) -> None:
    if depth > _MAX_JSON_DEPTH:
        raise UnsafeInput(f"{file.label}: JSON-LD nested deeper than {_MAX_JSON_DEPTH} levels is refused")
    if isinstance(value, dict):
        if isinstance(value.get("@import"), str):
            raise UnsafeInput(f"{file.label}: JSON-LD @import {value['@import']!r} is not fetched; inline the context")
        context = value.get("@context")
        for item in context if isinstance(context, list) else [context]:
            if isinstance(item, str):
                raise UnsafeInput(f"{file.label}: remote JSON-LD @context {item!r} is not fetched; "
                                  "inline the context as an object")
        for child in value.values():
            _check_json(file, child, depth=depth + 1)
    elif isinstance(value, list):
        for child in value:
            _check_json(file, child, depth=depth + 1)


def replace_file(path: Path, data: bytes) -> None:
    """Write a file whole: a temporary file beside it, synced, renamed over it (its mode kept), the folder synced.

    A crash at any moment leaves the old file or the new one, never a part of either.
    """
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename or a new name in a folder durable (where the filesystem syncs folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every filesystem syncs a folder
    finally:
        os.close(fd)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an advisory lock on a folder while its files are read, changed and written, so that two processes
    (two registrations, two review sessions) do not take the same number or undo each other's change."""
    if fcntl is None or not folder.is_dir():
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
