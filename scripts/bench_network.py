"""Time the collaboration network on a built store: projection, each metric, sentences, exports and pages.

    python scripts/bench_network.py --store OUT [--disk] [--budget 10]

The store is copied into memory first, as the service's query workers hold it (--disk reads the
on-disk store instead). Prints seconds for the projection (with and without shared-sector ties),
the collaboration graph, each metric, the sentences, each export and the pages (the whole view and
the ego network of its best-tied actor, written with their metrics), with the graph's size.
Betweenness takes sources until every actor has been one (exact) or the budget is spent (default
10 s); how many it took is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

import pyoxigraph as ox  # noqa: E402

from graph import network as nw  # noqa: E402
from graph.network_page import PageContext, render  # noqa: E402
from graph.store import open_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a store made by `innograph build`")
    parser.add_argument("--disk", action="store_true", help="project from the on-disk store, not a copy in memory")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds betweenness may take (default 10)")
    args = parser.parse_args()

    store = open_store(args.store)
    if not args.disk:
        started = time.perf_counter()
        memory = ox.Store()
        memory.bulk_extend(store.quads_for_pattern(None, None, None, None))
        store = memory
        print(f"copied {len(memory):,} quads into memory in {time.perf_counter() - started:.1f} s")

    def timed(label: str, compute):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = compute()
        print(f"{label:42} {time.perf_counter() - started:8.2f} s")
        return result

    network = timed("projection (every relation but shared-sector)", lambda: nw.project(store, shared_sectors=False))
    whole = timed("projection (with shared-sector ties)", lambda: nw.project(store))
    print(f"{'':42} multigraph {network.graph.number_of_nodes():,} actors, {network.graph.number_of_edges():,} ties "
          f"({whole.graph.number_of_edges():,} with shared sectors)")
    graph = timed("default view", lambda: nw.view(network, nw.Filters()))
    simple = timed("collaboration graph", lambda: nw.collaboration(graph))
    print(f"{'':42} {simple.number_of_nodes():,} actors, {simple.number_of_edges():,} pairs")
    metrics = nw.measure(simple, betweenness_budget_s=args.budget)
    k = metrics.betweenness_k
    print(f"{'':42} betweenness: {'exact' if k is None else f'sampled over {k:,} of {simple.number_of_nodes():,} sources'}"
          f" (budget {args.budget:g} s)")
    for name, seconds in metrics.seconds.items():
        print(f"{'  ' + name:42} {seconds:8.2f} s")
    print(f"{'':42} {len(metrics.communities):,} communities")
    timed("sentences, vi and en", lambda: [nw.sentences(network, simple, metrics, lang) for lang in ("vi", "en")])
    for fmt in nw.EXPORT_FORMATS:
        body = timed(f"export {fmt}", lambda fmt=fmt: nw.export(graph, fmt))
        print(f"{'':42} {len(body) / 1e6:.1f} MB")
    context = PageContext(title="bench", lang="vi")
    page = timed("page of the whole view (metrics included)", lambda: render(network, graph, context, betweenness_budget_s=args.budget))
    print(f"{'':42} {len(page) / 1e6:.1f} MB")
    center = max(graph.degree, key=lambda nd: nd[1])[0]
    mine = timed("ego network, 1 hop, of the best-tied actor", lambda: nw.ego(graph, center, 1))
    page = timed("its page", lambda: render(network, mine, context, betweenness_budget_s=args.budget))
    print(f"{'':42} {mine.number_of_nodes():,} actors, {mine.number_of_edges():,} ties, {len(page) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
