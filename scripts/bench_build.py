"""Build and start-up beside Oxigraph's own tools, on the same files, in one run.

    python scripts/bench_build.py --data DIR [--rounds 1]

DIR is a folder written by scripts/generate.py (its article texts in DIR/sources). Each round times,
one after the other: `innograph build --force` of the ontology and DIR (every check run, the store
published), `oxigraph load` of the same files into a new on-disk store, then `innograph serve` on
the build and `oxigraph serve` on Oxigraph's store, each until it first answers a query, and for
innograph until its processes are idle. It prints wall time and peak memory of each command, the
memory of all the server's processes once idle (their proportional set sizes summed, so that what
forked workers share is counted once) against one in-memory pyoxigraph copy of the same store, the
medians over the rounds, and innograph's figures against Oxigraph's. Everything stays on 127.0.0.1 and in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from shutil import which

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import JSON, Server, free_port, memory_of_tree, wait_answer  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and the peak resident megabytes of a command run to its end; it must succeed."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output.decode(errors='replace')[-2000:]}")
    return time.monotonic() - started, usage.ru_maxrss / 1024


_IN_MEMORY = """
import sys, pyoxigraph as ox
from pathlib import Path
from graph.store import open_store
copy = ox.Store()
copy.bulk_extend(open_store(Path(sys.argv[1])))
"""


def one_round(data: Path, oxigraph: str, work: Path, log: Path) -> dict[str, float]:
    env = {**os.environ, "INNOGRAPH_SEEDS_DIR": str(data / "sources"), "INNOGRAPH_SOURCES_DIR": str(data / "sources")}
    inputs = sorted(p for folder in (PROJECT / "ontology", data) for p in folder.rglob("*")
                    if p.suffix in (".ttl", ".nt", ".nq", ".trig") and p.name != "shapes.ttl")
    figures: dict[str, float] = {}
    store = work / "innograph" / "store"
    figures["innograph build s"], figures["innograph build MB"] = timed(
        [sys.executable, "-m", "graph", "build", "--force", "--data", str(PROJECT / "ontology"), "--data", str(data),
         "--store", str(store)], env)
    location = work / f"oxigraph-{time.monotonic_ns()}"
    figures["oxigraph load s"], figures["oxigraph load MB"] = timed(
        [oxigraph, "load", "--location", str(location), *(arg for p in inputs for arg in ("--file", str(p)))], env)

    _, figures["in-memory copy MB"] = timed([sys.executable, "-c", _IN_MEMORY, str(store)], env)

    port = free_port()
    server = Server(store, port, {"INNOGRAPH_RESULT_CACHE_MB": "0"}, log)
    try:
        figures["innograph serve s"] = wait_answer(server.process, port, "/sparql?query=ASK%7B%7D", JSON, 120,
                                                   who="innograph serve", log=str(log))
        figures["innograph idle s"] = server.wait_idle(300) + figures["innograph serve s"]
        figures["innograph serve MB"] = memory_of_tree(server.process.pid)
    finally:
        server.stop()
    port = free_port()
    process = subprocess.Popen([oxigraph, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        figures["oxigraph serve s"] = wait_answer(process, port, "/query?query=ASK%7B%7D", JSON, 120,
                                                  who="oxigraph serve", log="(its output is not kept)")
        figures["oxigraph serve MB"] = memory_of_tree(process.pid)
    finally:
        process.kill()
        process.wait()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a folder written by scripts/generate.py")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    oxigraph = which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(oxigraph).exists():
        raise SystemExit("Oxigraph's command-line tool is not installed: pip install oxigraph")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs", flush=True)
    rounds = []
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        for number in range(1, args.rounds + 1):
            figures = one_round(args.data.resolve(), oxigraph, Path(tmp), Path(tmp) / "serve.log")
            print(f"round {number}: " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()), flush=True)
            rounds.append(figures)
    median = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    print(f"\n{'':24} {'innograph':>10} {'oxigraph':>10} {'ratio':>7}")
    for label, ours, theirs in (("build / load s", "innograph build s", "oxigraph load s"),
                                ("build / load peak MB", "innograph build MB", "oxigraph load MB"),
                                ("serve, first answer s", "innograph serve s", "oxigraph serve s"),
                                ("serve MB / in-memory copy", "innograph serve MB", "in-memory copy MB")):
        print(f"{label:24} {median[ours]:10.1f} {median[theirs]:10.1f} {median[ours] / median[theirs]:6.1f}x")
    print(f"{'serve, idle after s':24} {median['innograph idle s']:10.1f}")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
