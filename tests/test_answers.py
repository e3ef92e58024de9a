"""Precomputed answers (graph/answers.py) give what the live query gives: the same rows, in the query's order, in
the same pages, in every format, with the same row counts, cut marks and next-page links."""

import csv
import io
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from api.server import Build
from api.service import QueryService, Served
from api.sparql import Reply, named_answer
from graph.answers import Precomputed
from graph.catalogue import LANGUAGES, NamedQuery, _parse, catalogue
from graph.errors import UnknownQuery
from graph.settings import Settings

PRECOMPUTED = [q for q in catalogue().values() if q.precomputed is not None]
FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
Row = tuple[str | None, ...]


@pytest.fixture(scope="module")
def services(settings: Settings, built_store: Path) -> tuple[QueryService, QueryService]:
    """The service as a worker runs it over the build loaded into memory, and the same without its precomputed
    answers, which runs every query live."""
    served = Served.open(settings, Build.loaded(Build(built_store.resolve())))
    assert served.precomputed is not None
    return QueryService(settings, served), QueryService(settings, replace(served, precomputed=None))


def _values(store: ox.Store, query: NamedQuery) -> list[str]:
    """Every value the precomputed parameter could usefully take: each object of the ig:within index (the sectors),
    and an IRI that is none."""
    found = {str(t.object) for t in store.quads_for_pattern(None, ox.NamedNode("https://w3id.org/innograph/ontology#within"), None)}
    return sorted(found) + ["<https://w3id.org/innograph/id/no-such-thing>"]


def _ask(service: QueryService, query: NamedQuery, **params: str) -> Reply:
    string = urlencode(params)
    return named_answer(query.name, string, {}, f"http://test/queries/{query.name}", service)


def _rows(reply: Reply, fmt: str) -> tuple[list[str], list[Row]]:
    assert reply.status == 200, reply.body
    if fmt == "csv":  # lossy (no term types), so pyoxigraph does not read it
        header, *lines = csv.reader(io.StringIO(reply.body.decode()))
        return header, [tuple(line) for line in lines]
    result = ox.parse_query_results(reply.body, format=FORMATS[fmt])
    names = [v.value for v in result.variables]
    return names, [tuple(str(s[n]) if s[n] is not None else None for n in names) for s in result]


def _order_keys(query: NamedQuery, names: list[str], rows: list[Row]) -> list[Row]:
    """Each row's values of the query's ORDER BY variables: rows that tie on them may come in either order."""
    order = re.search(r"ORDER BY((?:\s+\?\w+)+)\s*$", query.text)
    assert order, f"{query.name}: a precomputed query orders its rows, so that its pages are the live query's"
    at = [names.index(v.lstrip("?")) for v in order.group(1).split()]
    return [tuple(row[i] for i in at) for row in rows]


def _headers(reply: Reply) -> dict[str, str]:
    return {k: v for k, v in reply.headers.items() if k in ("X-Innograph-Rows", "X-Innograph-Truncated", "Link", "Warning")}


@pytest.mark.parametrize("query", PRECOMPUTED, ids=lambda q: q.name)
def test_a_precomputed_answer_is_the_live_one_for_every_value_and_language(
        services: tuple[QueryService, QueryService], query: NamedQuery) -> None:
    precomputed, live = services
    values = _values(precomputed.store, query)
    assert len(values) > 5
    answered = 0
    for value in values:
        for lang in LANGUAGES:
            params = {query.precomputed: value.strip("<>"), "lang": lang, "format": "tsv"}
            mine, theirs = _ask(precomputed, query, **params), _ask(live, query, **params)
            names, rows = _rows(mine, "tsv")
            live_names, live_rows = _rows(theirs, "tsv")
            assert names == live_names
            assert sorted(rows, key=str) == sorted(live_rows, key=str), f"{value} in {lang}"
            assert _order_keys(query, names, rows) == _order_keys(query, names, live_rows)
            assert _headers(mine) == _headers(theirs)
            answered += bool(rows)
    assert answered > 10  # most sectors have actors tied to them


@pytest.mark.parametrize("query", PRECOMPUTED, ids=lambda q: q.name)
@pytest.mark.parametrize("fmt", FORMATS)
def test_pages_of_a_precomputed_answer_are_the_live_pages_in_every_format(
        services: tuple[QueryService, QueryService], query: NamedQuery, fmt: str) -> None:
    precomputed, live = services
    largest = max(_values(precomputed.store, query),
                  key=lambda v: len(_rows(_ask(live, query, **{query.precomputed: v.strip("<>"), "format": "tsv"}), "tsv")[1]))
    params = {query.precomputed: largest.strip("<>"), "lang": "en", "format": fmt, "limit": "7"}
    whole: list[Row] = []
    offset, pages = 0, 0
    while True:
        mine, theirs = _ask(precomputed, query, **params, offset=str(offset)), _ask(live, query, **params, offset=str(offset))
        assert mine.media_type == theirs.media_type and _headers(mine) == _headers(theirs)
        names, rows = _rows(mine, fmt)
        assert _order_keys(query, names, rows) == _order_keys(query, names, _rows(theirs, fmt)[1])
        whole += rows
        pages += 1
        if "Link" not in mine.headers:
            break
        offset = int(re.search(r"offset=(\d+)", mine.headers["Link"]).group(1))  # type: ignore[union-attr]
    assert pages > 3
    assert sorted(whole, key=str) == sorted(_rows(_ask(live, query, **{**params, "limit": "10000"}), fmt)[1], key=str)


def test_a_graph_format_is_refused_for_a_precomputed_answer_as_for_a_live_one(
        services: tuple[QueryService, QueryService]) -> None:
    precomputed, live = services
    query = PRECOMPUTED[0]
    params = {query.precomputed: "sector:semiconductors", "format": "turtle"}
    mine, theirs = _ask(precomputed, query, **params), _ask(live, query, **params)
    assert mine.status == theirs.status == 406 and mine.body == theirs.body


def test_only_an_iri_parameter_beside_languages_is_precomputed(tmp_path: Path) -> None:
    path = tmp_path / "per_year.rq"
    path.write_text("# What happened in a year?\n# param ?year year 2024 the year\n# precompute ?year\n"
                    "SELECT ?year WHERE { }\n", encoding="utf-8")
    with pytest.raises(UnknownQuery, match=r"per_year.rq: only an iri parameter is precomputed.*year \(year\)"):
        _parse(path)


def test_a_store_without_the_values_answers_empty_pages(services: tuple[QueryService, QueryService]) -> None:
    query = PRECOMPUTED[0]
    empty = Precomputed.work_out(ox.Store(), [query])
    page = empty.page(query, query.substitutions(query.example), 0, 10)
    assert page is not None and [v.value for v in page.variables][:1] == [query.precomputed] and list(page) == []
