"""Time the stakeholder briefs: each of the issue's briefs, in vi and en, in each format.

    python scripts/bench_brief.py [--store OUT] [--runs 5]

Opens the store as `innograph brief` does (on disk), projects the collaboration network once (as the
service does, which keeps it), then builds and writes each brief `--runs` times and prints the median
seconds of building it and of writing it as Markdown, HTML and PDF.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from graph import network as nw  # noqa: E402
from graph.brief import build_brief, render  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.store import open_store, read_manifest  # noqa: E402

BRIEFS = [("c4ir-hcmc", None), ("shtp-board", None), ("consulate-general-japan", None), ("torino", None),
          ("c4ir-hcmc", "consulate-general-united-states")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=None, help="a store made by `innograph build` (default: the project's)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each brief (default 5)")
    args = parser.parse_args()
    store_dir = args.store or Settings().store_dir
    store, manifest = open_store(store_dir), read_manifest(store_dir)
    started = time.perf_counter()
    network = nw.project(store, shared_sectors=False)
    print(f"network projected once in {time.perf_counter() - started:.2f} s")
    print(f"{'brief':50} {'lang':4} {'build':>7} {'md':>7} {'html':>7} {'pdf':>7}  (median s of {args.runs})")
    for actor, other in BRIEFS:
        for lang in ("vi", "en"):
            times: dict[str, list[float]] = {"build": [], "md": [], "html": [], "pdf": []}
            for _ in range(args.runs):
                started = time.perf_counter()
                brief = build_brief(store, actor, other=other, lang=lang, manifest=manifest, network=network)
                times["build"].append(time.perf_counter() - started)
                for fmt in ("md", "html", "pdf"):
                    started = time.perf_counter()
                    render(brief, fmt)
                    times[fmt].append(time.perf_counter() - started)
            name = actor + (f" + {other}" if other else "")
            print(f"{name:50} {lang:4} " + " ".join(f"{statistics.median(times[k]):7.3f}" for k in ("build", "md", "html", "pdf")))


if __name__ == "__main__":
    main()
