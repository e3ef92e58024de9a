"""Building the store: counts, rebuilding only on change, refusing bad input while the old store keeps answering."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.build import build
from graph.errors import InputError, UnsafeInput, ValidationFailed
from graph.query import run
from graph.settings import Settings
from graph.sources import registered_documents
from graph.store import open_store, read_manifest


def _count(store_dir: Path, query: str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") -> int:
    return int(next(iter(run(open_store(store_dir), query)))["n"].value)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True, timeout=120)


def test_build_reports_what_it_holds_and_rebuilds_only_on_change(settings: Settings, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    first = build(settings, store_dir=store_dir)
    assert first.rebuilt and first.manifest.sources == len(registered_documents(settings))
    assert first.manifest.facts >= 100 and first.manifest.triples > 3000
    assert _count(store_dir) == first.manifest.triples
    again = build(settings, store_dir=store_dir)
    assert not again.rebuilt and again.manifest == first.manifest


def test_quotes_with_no_source_to_read_them_against_are_said_and_a_source_added_rebuilds(settings: Settings, tmp_path: Path) -> None:
    """With no source texts the build says, in its summary and in a warning, how many quotes it could not
    read, and says it again while it is up to date; the texts are inputs, so adding one builds again."""
    seeds, sources, store = tmp_path / "seeds", tmp_path / "sources", tmp_path / "store"
    seeds.mkdir()
    sources.mkdir()
    env = {**os.environ, "INNOGRAPH_SEEDS_DIR": str(seeds), "INNOGRAPH_SOURCES_DIR": str(sources)}

    def built() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "graph", "build", "--store", str(store)], capture_output=True, text=True,
                              timeout=120, env=env)

    blind = built()
    manifest = read_manifest(store)
    assert blind.returncode == 0 and manifest is not None and manifest.quotes_checked == 0
    assert manifest.quotes_unread > 100
    assert f"0 quotes read against their sources, {manifest.quotes_unread} not read: their source texts are missing" in blind.stdout
    assert f"warning: {manifest.quotes_unread} quotes were not read against their sources" in blind.stderr
    again = built()
    assert again.stdout.startswith("up to date:") and f"warning: {manifest.quotes_unread} quotes were not read" in again.stderr

    shutil.copy(settings.seeds_dir / "000_d8733fc31d127914.txt", seeds)
    seeing = built()
    after = read_manifest(store)
    assert seeing.stdout.startswith("built:") and after is not None
    assert after.quotes_checked > 0 and after.quotes_checked + after.quotes_unread == manifest.quotes_unread


def test_invalid_data_leaves_the_last_good_store_answering(settings: Settings, fixtures: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    store_dir = tmp_path / "store"
    good = build(settings, data=(settings.ontology_dir, data), store_dir=store_dir)
    shutil.copy(fixtures / "broken" / "value-without-unit.ttl", data)
    with pytest.raises(ValidationFailed) as refused:
        build(settings, data=(settings.ontology_dir, data), store_dir=store_dir)
    assert any(v.node == "igr:obs-unitless" and v.files == ("data/value-without-unit.ttl",) for v in refused.value.violations)
    assert _count(store_dir) == good.manifest.triples
    assert len(list((tmp_path / "builds").iterdir())) == 1  # the refused build left nothing behind


def test_the_cli_exits_non_zero_naming_file_node_and_rule(settings: Settings, fixtures: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(fixtures / "minimal", data)
    store_dir = tmp_path / "store"
    ok = _cli("build", "--data", str(settings.ontology_dir), "--data", str(data), "--store", str(store_dir))
    assert ok.returncode == 0, ok.stderr
    assert "0 violations" in ok.stdout and "1 sources" in ok.stdout
    shutil.copy(fixtures / "broken" / "fact-without-evidence.ttl", data)
    refused = _cli("build", "--data", str(settings.ontology_dir), "--data", str(data), "--store", str(store_dir))
    assert refused.returncode == 1
    assert "data/fact-without-evidence.ttl: igr:obs-unsourced: igs:FactShape prov:wasDerivedFrom: a fact needs evidence" in refused.stderr
    answer = _cli("query", "ASK { igr:obs-production-value ?p ?o }", "--store", str(store_dir))
    assert answer.stdout.strip() == "true"


def test_a_syntax_error_names_the_file_and_line(settings: Settings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "bad.ttl").write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"data/bad.ttl: .*line 4|data/bad.ttl: .*4:"):
        build(settings, data=(data,), store_dir=tmp_path / "store")
    assert not (tmp_path / "store").exists()


def test_any_folder_of_rdf_files_builds_with_its_named_graphs(settings: Settings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "people.nt").write_text('<http://example.org/a> <http://xmlns.com/foaf/0.1/name> "Ánh" .\n', encoding="utf-8")
    (data / "events.trig").write_text(
        "@prefix ex: <http://example.org/> .\nex:g1 { ex:e1 ex:on \"2024-09-24\" . }\nex:g2 { ex:e2 ex:on \"2023-11-17\" . }\n",
        encoding="utf-8")
    (data / "places.jsonld").write_text(json.dumps(
        {"@context": {"name": "http://schema.org/name"}, "@id": "http://example.org/hcmc", "name": "TP.HCM"}), encoding="utf-8")
    store_dir = tmp_path / "store"
    result = build(settings, data=(data,), store_dir=store_dir)
    assert result.manifest.triples == 4
    graphs = {row["g"].value for row in run(open_store(store_dir), "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == {"http://example.org/g1", "http://example.org/g2",
                      "https://w3id.org/innograph/graph/data/people.nt", "https://w3id.org/innograph/graph/data/places.jsonld"}


@pytest.mark.parametrize(("name", "content", "refusal"), [
    ("remote.jsonld", json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/x"}), "remote JSON-LD @context"),
    ("laughs.rdf", '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
                   '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "DOCTYPE or ENTITY"),
    ("deep.jsonld", "[" * 5000 + "]" * 5000, "nested too deeply"),
])
def test_unsafe_inputs_are_refused_before_any_parser_sees_them(settings: Settings, tmp_path: Path, name: str,
                                                               content: str, refusal: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / name).write_text(content, encoding="utf-8")
    with pytest.raises(UnsafeInput, match=refusal):
        build(settings, data=(data,), store_dir=tmp_path / "store")


def test_the_cli_runs_a_string_a_file_or_a_named_query(settings: Settings, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    build(settings, store_dir=store_dir)
    text = _cli("query", "SELECT ?l WHERE { igr:shtp rdfs:label ?l } ORDER BY ?l", "--format", "csv", "--store", str(store_dir))
    assert text.stdout.splitlines() == ["l", "Khu Công nghệ cao Thành phố Hồ Chí Minh", "Saigon Hi-Tech Park"]
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { igr:c4ir-hcmc ig:category category:intermediary }", encoding="utf-8")
    assert _cli("query", "--file", str(query_file), "--store", str(store_dir)).stdout.strip() == "true"
    named = _cli("query", "--name", "person_posts", "--param", "person=igr:le-truong-duy", "--format", "json",
                 "--store", str(store_dir))
    bindings = json.loads(named.stdout)["results"]["bindings"]
    assert {b["organisation"]["value"].rsplit("/", 1)[-1] for b in bindings} == {"c4ir-hcmc"}
    missing = _cli("query", "--name", "person_posts", "--store", str(store_dir))
    assert missing.returncode == 1 and "missing parameter(s) person" in missing.stderr
    bad = _cli("query", "SELECT ?x WHERE {", "--store", str(store_dir))
    assert bad.returncode == 1 and "does not parse" in bad.stderr


CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # hours on the seed graph


def test_the_cli_stops_a_query_at_its_time_limit(built_store: Path) -> None:
    started = time.perf_counter()
    answer = _cli("query", CARTESIAN, "--timeout", "1", "--store", str(built_store))
    assert answer.returncode == 1 and "ran past the 1 s limit" in answer.stderr
    assert time.perf_counter() - started < 10  # the interpreter's start, then 1 s


def test_the_cli_stops_a_query_at_ctrl_c(built_store: Path) -> None:
    running = subprocess.Popen([sys.executable, "-m", "graph", "query", CARTESIAN, "--timeout", "600", "--store", str(built_store)],
                               stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # past the interpreter's start: the query is running
    assert running.poll() is None
    running.send_signal(signal.SIGINT)
    _, stderr = running.communicate(timeout=10)
    assert running.returncode == 130 and "stopped at the user's request" in stderr


def test_two_stores_in_one_folder_keep_each_other_answering(settings: Settings, tmp_path: Path) -> None:
    """They share the folder of builds: the builds of one never remove the build the other is linked to."""
    data = tmp_path / "data"
    data.mkdir()
    for n in range(3):
        (data / "one.nt").write_text(f'<http://example.org/a> <http://example.org/n> "{n}" .\n', encoding="utf-8")
        build(settings, data=(data,), store_dir=tmp_path / "first" if n == 0 else tmp_path / "second")
    assert _count(tmp_path / "first") == _count(tmp_path / "second") == 1
