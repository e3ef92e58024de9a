"""The package as a user installs it: `pip install .` (not editable) into a fresh virtual environment, then
`innograph build`, `serve` and `brief` run from a folder of the user's, with nothing of the checkout on the path."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from backends import REMOTE, free_port
from conftest import wait_until_serving

from graph.settings import PROJECT_ROOT, Settings
from graph.store import read_manifest

pytestmark = pytest.mark.skipif(REMOTE, reason="installs the package, whatever the backend: run once, on the embedded store")


def test_the_package_installed_from_its_wheel_builds_serves_and_writes_a_pdf_brief(
        settings: Settings, built_store: Path, tmp_path: Path) -> None:
    venv, work = tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INNOGRAPH_", "VIRTUAL_ENV", "PYTHON"))}
    # From a copy of the checkout's sources: setuptools would take files left in its build/ folder by earlier builds.
    source = tmp_path / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".innograph", "build", "*.egg-info", "__pycache__", ".pytest_cache", "sources", "review", "node_modules"))
    installed = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(source)], env=env,
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-3000:]
    env["INNOGRAPH_SEEDS_DIR"] = str(settings.seeds_dir)

    def innograph(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(venv / "bin" / "innograph"), *args], cwd=work, env=env, capture_output=True, text=True)

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import graph; print(graph.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert Path(where).is_relative_to(venv), where

    built = innograph("build")
    assert built.returncode == 0, built.stdout + built.stderr
    store = work / ".innograph" / "store"
    manifest, checkout = read_manifest(store), read_manifest(built_store)
    assert manifest is not None and checkout is not None
    assert (manifest.triples, manifest.facts, manifest.sources) == (checkout.triples, checkout.facts, checkout.sources)

    port = free_port()
    server = subprocess.Popen([str(venv / "bin" / "innograph"), "serve", "--port", str(port)], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server, "the installed server")
        home = httpx.get(f"{base}/?lang=en", timeout=30)
        assert home.status_code == 200 and "Saigon Hi-Tech Park" in httpx.get(f"{base}/id/shtp", timeout=30).text
        assert "<textarea" in home.text
        count = httpx.get(f"{base}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                          headers={"Accept": "text/csv"}, timeout=30)
        assert count.status_code == 200 and int(count.text.split()[1]) > 0
    finally:
        server.terminate()
        server.wait(timeout=10)

    brief = innograph("brief", "shtp", "--lang", "en", "--format", "pdf", "--out", "shtp.pdf")
    assert brief.returncode == 0, brief.stdout + brief.stderr
    pdf = (work / "shtp.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
