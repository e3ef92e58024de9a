"""Measure the ingest extractor: precision and recall per kind of candidate, and seconds per article.

    python scripts/bench_ingest.py [--batch 1000] [--articles DIR] [--show KIND]

1. The five curated articles, leave-one-out, in the graph they make (ingested articles left out): for each,
   the gazetteer is built without what only that article says, its candidates are extracted, and they are scored against what the curated graph
   records of it (graph/gold.py).
2. More real articles, annotated by hand (scripts/fixtures/ingest_gold.json, short quotes only): their
   texts are not committed; give the folder that holds them with --articles, or they are looked up in
   the sources folder by SHA-256.
3. Speed: the candidates of a 5,000-character article (median of 7, after the model has loaded), and a
   batch of --batch articles (the real ones repeated under new names) registered and proposed for review
   in a temporary data folder, with a progress bar.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

import pyoxigraph as ox  # noqa: E402
import typer  # noqa: E402

from graph.build import input_files  # noqa: E402
from graph.extract import ArticleText, Vocabulary, extract  # noqa: E402
from graph.gazetteer import Gazetteer  # noqa: E402
from graph.gold import KINDS_SCORED, Score, candidate_dates, gold_standard, score, score_annotated  # noqa: E402
from graph.ingest import Extractor  # noqa: E402
from graph.namespaces import ID  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.sources import register, registered_documents  # noqa: E402
from graph.validate import load  # noqa: E402

GOLD = PROJECT / "scripts" / "fixtures" / "ingest_gold.json"


def _ingested(name: str) -> bool:
    """A data file of an article added by `innograph ingest add` (005 and on), not of the five curated by hand:
    the leave-one-out table reads the graph those five make, as tests/test_extract.py does."""
    number = re.match(r"(\d{3,})_", name)
    return number is not None and int(number.group(1)) >= 5


def _table(title: str, rows: dict[str, dict[str, Score]]) -> None:
    print(f"\n{title}")
    print(f"{'article':28} " + " ".join(f"{k:>21}" for k in KINDS_SCORED))
    print(f"{'':28} " + " ".join(f"{'P':>6} {'R':>6} {'n':>7}" for _ in KINDS_SCORED))
    total: dict[str, Score] = {}
    for article, scores in rows.items():
        print(f"{article[:28]:28} " + " ".join(_cell(scores[k]) for k in KINDS_SCORED))
        for k in KINDS_SCORED:
            total[k] = total[k] + scores[k] if k in total else scores[k]
    print(f"{'all':28} " + " ".join(_cell(total[k]) for k in KINDS_SCORED))


def _cell(s: Score) -> str:
    return f"{s.precision:6.0%} {s.recall:6.0%} {f'{s.found_right}/{s.found},{s.gold_found}/{s.gold}':>7}"


def curated(settings: Settings, store: ox.Store, vocabulary: Vocabulary, show: str | None) -> None:
    """The five curated articles, leave-one-out."""
    rows = {}
    everyone = Gazetteer.from_store(store).actors()
    for path in sorted(settings.seeds_dir.glob("*.txt")):
        gazetteer = Gazetteer.from_store(store, exclude_sources=frozenset({path.name}))
        doc = ID[f"doc-{path.name[:3]}"]
        issued = _issued(store, doc)
        candidates = extract(ArticleText(document=doc, text=path.read_text(encoding="utf-8"), issued=issued),
                             gazetteer=gazetteer, vocabulary=vocabulary)
        gold = gold_standard(store, path.name, actors=everyone)
        rows[path.name] = score(candidates, gold, gazetteer)
        if show:
            _show(show, candidates, gold, gazetteer)
    _table("Curated articles, leave-one-out (gazetteer without what only the article says)", rows)


def _issued(store: ox.Store, doc: str) -> date | None:
    rows = list(store.query(f"SELECT ?d WHERE {{ <{doc}> <http://purl.org/dc/terms/issued> ?d }}",
                            use_default_graph_as_union=True))
    return date.fromisoformat(rows[0]["d"].value[:10]) if rows else None


def _show(kind: str, candidates: list, gold: object, gazetteer: Gazetteer) -> None:  # type: ignore[type-arg]
    """What the gold standard holds of one kind that was not found, and what was found."""
    print(f"-- {getattr(gold, 'source', '')}: {kind}")
    found = [c for c in candidates if c.kind == kind]
    if kind in ("known-actor", "new-actor"):
        nodes = {str(c.node) for c in found}
        for a in sorted(getattr(gold, "actors")):
            if gazetteer.known(a) == (kind == "known-actor") and a not in nodes:
                print(f"   gold ({gazetteer.cls(a).rsplit('/', 1)[-1].rsplit('#', 1)[-1]}): {a.rsplit('/', 1)[-1]}")
    attr = {"figure": "observations", "date": "dates", "person-post": "posts", "relationship": "relationships"}.get(kind)
    if attr:
        for g in sorted(map(str, getattr(gold, attr))):
            print(f"   gold:  {g[:160]}")
    for c in found:
        print(f"   found: {c.summary[:140]}")
    if kind == "date":
        print(f"   found: {sorted(candidate_dates(candidates))}")


def annotated(settings: Settings, store: ox.Store, vocabulary: Vocabulary, folder: Path | None) -> None:
    """The hand-annotated real articles, with the full gazetteer."""
    fixtures = json.loads(GOLD.read_text(encoding="utf-8"))
    gazetteer = Gazetteer.from_store(store)
    rows, missing = {}, []
    for article in fixtures["articles"]:
        text = _find_text(settings, folder, article)
        if text is None:
            missing.append(article["file"])
            continue
        candidates = extract(ArticleText(document=ID["doc-bench"], text=text,
                                         issued=date.fromisoformat(article["issued"]) if article.get("issued") else None),
                             gazetteer=gazetteer, vocabulary=vocabulary)
        rows[article["file"]] = score_annotated(candidates, article, text)
    if rows:
        _table("Real articles annotated by hand (scripts/fixtures/ingest_gold.json)", rows)
    if missing:
        print(f"\nnot scored, their texts are not here (give --articles DIR): {', '.join(missing)}")


def _find_text(settings: Settings, folder: Path | None, article: dict) -> str | None:  # type: ignore[type-arg]
    candidates = [folder / article["file"]] if folder else []
    candidates += sorted(settings.sources_dir.glob("*.txt")) if settings.sources_dir.is_dir() else []
    for path in candidates:
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == article["sha256"]:
            return path.read_text(encoding="utf-8")
    return None


def speed(settings: Settings, store: ox.Store, vocabulary: Vocabulary, batch: int) -> None:
    """Seconds for the gazetteer, for one article's candidates, and for a batch registered and proposed for review."""
    builds = []
    for _ in range(7):
        started = time.perf_counter()
        gazetteer = Gazetteer.from_store(store)
        builds.append(time.perf_counter() - started)
    print(f"\nthe gazetteer of the graph's names: {statistics.median(builds):.3f} s (median of 7)")
    texts = [p.read_text(encoding="utf-8") for p in sorted(settings.seeds_dir.glob("*.txt"))]
    longest = texts[0]
    for more in texts[1:]:  # an article of at least 5,000 characters: the seeds are 3,600 to 5,300 long
        if len(longest) >= 5000:
            break
        longest += "\n\n" + more
    started = time.perf_counter()
    extract(ArticleText(document=ID["doc-bench"], text=longest), gazetteer=gazetteer, vocabulary=vocabulary)
    first = time.perf_counter() - started
    runs = []
    for _ in range(7):
        started = time.perf_counter()
        extract(ArticleText(document=ID["doc-bench"], text=longest), gazetteer=gazetteer, vocabulary=vocabulary)
        runs.append(time.perf_counter() - started)
    print(f"\none article of {len(longest):,} characters: {statistics.median(runs):.3f} s (median of 7; "
          f"the first call, which loads pyvi's model, {first:.2f} s)")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(settings.data_dir, root / "data")
        folder = root / "incoming"
        folder.mkdir()
        for i in range(batch):
            (folder / f"copy-{i:04d}.txt").write_text(f"URL: https://example.invalid/copy-{i}\n\n{texts[i % len(texts)]}",
                                                      encoding="utf-8")
        local = settings.model_copy(update={"data_dir": root / "data", "sources_dir": root / "sources",
                                            "review_dir": root / "review"})
        started = time.perf_counter()
        extractor = Extractor.from_settings(local)
        candidates = 0
        with typer.progressbar(sorted(folder.iterdir()), label="register and propose", file=sys.stderr) as paths:
            for path in paths:
                added = register(local, path)
                drafted = extractor.propose(local, document=added.doc, identifier=added.identifier, issued=added.issued)
                candidates += drafted.pending
        elapsed = time.perf_counter() - started
        print(f"batch of {batch} articles registered and proposed: {elapsed:.1f} s ({elapsed / batch * 1000:.0f} ms an "
              f"article, {candidates:,} candidates; {len(registered_documents(local)) - 5} documents added)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=1000, help="articles in the batch (default 1000; 0 skips it)")
    parser.add_argument("--articles", type=Path, default=None, help="the folder of the hand-annotated articles' texts")
    parser.add_argument("--show", default=None, help="list what was found and what the gold standard holds, for one kind")
    args = parser.parse_args()
    settings = Settings()
    store, five = ox.Store(), ox.Store()
    files = input_files(settings, None)
    load(store, files)
    load(five, [f for f in files if not _ingested(f.path.name)])
    vocabulary = Vocabulary.from_store(store)
    curated(settings, five, Vocabulary.from_store(five), args.show)
    if GOLD.is_file():  # annotated against the actors the five curated articles make, before any was ingested
        annotated(settings, five, Vocabulary.from_store(five), args.articles)
    if args.batch:
        speed(settings, store, vocabulary, args.batch)


if __name__ == "__main__":
    main()
