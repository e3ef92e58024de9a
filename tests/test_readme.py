"""The README's examples, run: each command a shell block shows after `$ ` is run as it stands, and what it
prints is compared with the lines the README shows below it, so that the README cannot drift from the
program. `…` stands for lines left out (text after it must be the last line printed); a command shown with
nothing below it must succeed and print something.

The commands run on a fresh clone's terms: a store of their own, and no texts of the ingested articles (they
are not in the repository). `.venv/bin/innograph` is the innograph of the running tests, and the README's
http://127.0.0.1:8000 the live server of the tests."""

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass

import pytest

from graph.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    command: str
    shown: list[str]  # what the README shows it prints
    line: int  # where it is in the README


def examples(text: str) -> list[Example]:
    found = []
    for block in _BLOCK.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        lines = block.group(1).splitlines()
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                i += 1
                continue
            start, command = i, lines[i][2:]
            while True:  # a quoted argument may go on over several lines
                try:
                    shlex.split(command)
                    break
                except ValueError:
                    i += 1
                    command += "\n" + lines[i]
            i += 1
            shown = []
            while i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            found.append(Example(command, shown, first + start))
    return found


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples_to_run() -> None:
    commands = [e.command.split()[0] for e in EXAMPLES]
    assert commands.count(".venv/bin/innograph") >= 4 and "curl" in commands


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"line {e.line}" for e in EXAMPLES])
def test_a_readme_example_prints_what_the_readme_shows(example: Example, base: str,
                                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    work = tmp_path_factory.getbasetemp() / "readme"  # one store for all the examples, as a reader has
    (work / "sources").mkdir(parents=True, exist_ok=True)
    store = work / "store"
    env = {**os.environ, "INNOGRAPH_STORE_DIR": str(store), "INNOGRAPH_SOURCES_DIR": str(work / "sources")}
    if not store.exists() and not example.command.startswith(".venv/bin/innograph build"):
        subprocess.run([sys.executable, "-m", "graph", "build"], env=env, capture_output=True, check=True)
    argv = shlex.split(example.command)
    if argv[0] == ".venv/bin/innograph":
        argv = [sys.executable, "-m", "graph", *argv[1:]]
    else:
        assert argv[0] == "curl", f"README line {example.line}: only innograph and curl are run here"
        argv = ["curl", "--silent", "--show-error", "--fail", "--noproxy", "*",
                *(a.replace("http://127.0.0.1:8000", base) for a in argv[1:])]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
    assert done.returncode == 0, f"README line {example.line}: {example.command}\n{done.stderr}"
    printed = [line.rstrip() for line in done.stdout.replace(str(store), ".innograph/store").splitlines()]
    shown = [line.rstrip() for line in example.shown]
    where = f"README line {example.line}: {example.command.splitlines()[0]}"
    if not shown:
        assert printed, f"{where} printed nothing"
    elif "…" in shown:
        cut = shown.index("…")
        assert printed[:cut] == shown[:cut], where
        assert printed[len(printed) - len(shown[cut + 1:]):] == shown[cut + 1:], where
    else:
        assert printed == shown, where
