"""The build as the workers serve it: copied into memory with its network; and the rdflib engine behind the same
workers (kept for benchmarks) answers as pyoxigraph does."""

import json
from datetime import date
from functools import partial
from pathlib import Path

import pytest

from api.server import Build
from graph.build import build
from graph.catalogue import named
from graph.errors import QueryError
from graph.executor import Job, Term, execute, execute_rdflib, rdflib_dataset
from graph.network import project
from graph.results import Written
from graph.settings import Engine, Settings
from graph.store import open_store

ENGINES: tuple[Engine, ...] = ("oxigraph", "rdflib")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
PER_SECTOR = """SELECT ?sector (COUNT(DISTINCT ?fact) AS ?facts) WHERE {
  ?fact ig:party ?actor ; ig:sector ?sector } GROUP BY ?sector"""


@pytest.fixture(scope="module")
def store_dir(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store_dir = tmp_path_factory.mktemp("engines") / "store"
    build(settings, store_dir=store_dir)
    return store_dir


def _answers(store_dir: Path, engine: Engine, jobs: list[Job]) -> list[Written | QueryError]:
    """Each job answered by the engine as a worker answers it: its written answer, or the QueryError it raised."""
    store = Build.loaded(Build(store_dir.resolve())).store
    answer = partial(execute_rdflib, rdflib_dataset(store)) if engine == "rdflib" else partial(execute, store)
    answers: list[Written | QueryError] = []
    for job in jobs:
        try:
            answers.append(answer(job))
        except QueryError as e:
            answers.append(e)
    return answers


def _rows(written: Written | QueryError) -> set[tuple[tuple[str, str, str, str | None, str | None], ...]]:
    assert isinstance(written, Written), written
    bindings = json.loads(written.body)["results"]["bindings"]
    return {tuple(sorted((k, v["type"], v["value"], v.get("xml:lang"), v.get("datatype")) for k, v in row.items()))
            for row in bindings}


def _json(query: str, *, max_rows: int = 10_000, **substitutions: Term) -> Job:
    return Job(query=query, accept=[("application/sparql-results+json", 1.0)], max_rows=max_rows, substitutions=substitutions)


def test_the_same_select_gives_the_same_rows_in_both_engines(store_dir: Path) -> None:
    partners = named("actor_partners")
    jobs = [_json(partners.text, actor=("iri", "https://w3id.org/innograph/id/c4ir-hcmc")),
            _json(named("label_search").text, text=("literal", "mach", XSD_STRING, "")),  # as the API binds a string
            _json(named("document_facts").text, file=("literal", "004_fdba76f455c76230.txt", XSD_STRING, "")),
            _json(PER_SECTOR)]
    oxigraph, rdflib = (_answers(store_dir, engine, jobs) for engine in ENGINES)
    for ox_answer, rdflib_answer in zip(oxigraph, rdflib):
        assert _rows(ox_answer), "the query should have answers on the seed graph"
        assert _rows(rdflib_answer) == _rows(ox_answer)
        assert isinstance(rdflib_answer, Written) and isinstance(ox_answer, Written)
        assert rdflib_answer.count == ox_answer.count


def test_both_engines_cut_rows_at_the_limit_and_write_the_same_kinds_of_answer(store_dir: Path) -> None:
    jobs = [Job(query="SELECT ?s WHERE { ?s a org:FormalOrganization }", accept=[("text/csv", 1.0)], max_rows=3),
            Job(query="ASK { igr:shtp rdfs:label ?label }", accept=[("application/sparql-results+xml", 1.0)], max_rows=3),
            Job(query="CONSTRUCT { igr:shtp rdfs:label ?l } WHERE { igr:shtp rdfs:label ?l }",
                accept=[("application/n-triples", 1.0)], max_rows=1),
            _json("SELECT ?x WHERE { ?x ?y }")]
    oxigraph, rdflib = (_answers(store_dir, engine, jobs) for engine in ENGINES)
    for ox_answer, rdflib_answer in zip(oxigraph[:3], rdflib[:3]):
        assert isinstance(ox_answer, Written) and isinstance(rdflib_answer, Written)
        assert (rdflib_answer.media_type, rdflib_answer.kind, rdflib_answer.count, rdflib_answer.truncated) == \
            (ox_answer.media_type, ox_answer.kind, ox_answer.count, ox_answer.truncated)
    assert oxigraph[0].truncated and oxigraph[0].count == 3  # type: ignore[union-attr]
    assert b"true" in rdflib[1].body  # type: ignore[union-attr]
    assert isinstance(oxigraph[3], QueryError) and isinstance(rdflib[3], QueryError)


def test_a_build_loaded_for_the_workers_carries_its_network_and_todays_positions(store_dir: Path) -> None:
    loaded = Build.loaded(Build(store_dir.resolve()))
    assert loaded.network is not None and date.today() in loaded.network.positions
    projected = project(open_store(store_dir), shared_sectors=False)
    def ties(network: object) -> set[tuple[frozenset[str], str]]:
        return {(frozenset((a, b)), key) for a, b, key in network.graph.edges(keys=True)}  # type: ignore[attr-defined]

    assert ties(loaded.network) == ties(projected) != set()
    assert loaded.network.position(date.today()) == projected.position(date.today())
