"""The row limit cuts every result format after exactly the rows it keeps, whatever the terms hold."""

import csv
import io

import pyoxigraph as ox
import pytest

from graph.results import _ROW_MARKS, SOLUTION_TYPES, _RowLimit, _RowsFull, write

# Terms that hold what each format marks its rows with, one that spans several of the writer's chunks,
# and terms of every length up to 300, so that the writer's chunks (8 KiB) end inside marks of every kind.
AWKWARD = ['x},{"y\n<result>,z', "{}", "a\r\nb", '"quoted"', ',{"s":1}', "ends with ,{", "tab\there\\",
           "</result>", "x" * 20_000, "plain", *("y" * n for n in range(300))]
QUERIES = {
    "terms": "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s",
    "unbound": "SELECT ?s ?none WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?none FILTER (false) } } ORDER BY ?s",
    "empty rows": "SELECT ?none WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?none FILTER (false) } }",
    "no rows": "SELECT ?s WHERE { ?s ?p ?o FILTER (false) }",
}
_FORMATS = {SOLUTION_TYPES[0]: ox.QueryResultsFormat.JSON, SOLUTION_TYPES[1]: ox.QueryResultsFormat.XML,
            "text/tab-separated-values": ox.QueryResultsFormat.TSV}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for i, text in enumerate(AWKWARD * 3):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s/{i:03}"), ox.NamedNode("http://example.org/p"), ox.Literal(text)))
    return store


def _rows(body: bytes, media: str) -> list[tuple[str, ...]]:
    if media == "text/csv":  # CSV cannot be read back into terms; its cells hold their text
        return [tuple(row) for row in csv.reader(io.StringIO(body.decode(), newline=""))][1:]
    return [tuple(str(term) for term in row) for row in ox.parse_query_results(body, format=_FORMATS[media])]


@pytest.mark.parametrize("media", SOLUTION_TYPES)
@pytest.mark.parametrize("query", QUERIES)
def test_a_cut_result_holds_the_first_rows_and_says_it_was_cut(store: ox.Store, media: str, query: str) -> None:
    whole = write(store.query(QUERIES[query]), [(media, 1.0)], max_rows=10_000)
    assert not whole.truncated
    everything = _rows(whole.body, media)
    assert whole.count == len(everything) == (0 if query == "no rows" else len(AWKWARD) * 3)
    for limit in (1, 2, 9, 100, 500, len(everything) - 1, len(everything), len(everything) + 1):
        if limit < 1:
            continue
        written = write(store.query(QUERIES[query]), [(media, 1.0)], max_rows=limit)
        assert _rows(written.body, media) == everything[:limit], f"{query} as {media}, cut at {limit}"
        assert written.count == min(limit, len(everything))
        assert written.truncated == (len(everything) > limit)
        # The service adds LIMIT limit + 1 to an open SELECT; the answer is written whole, then cut.
        bounded = write(store.query(f"{QUERIES[query]}\nLIMIT {limit + 1}"), [(media, 1.0)], max_rows=limit, bounded=True)
        assert (bounded.body, bounded.count, bounded.truncated) == (written.body, written.count, written.truncated)


@pytest.mark.parametrize("media", SOLUTION_TYPES)
def test_the_cut_is_the_same_wherever_the_writer_splits_its_output(media: str) -> None:
    store = ox.Store()
    for i, text in enumerate(AWKWARD[:8]):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s/{i}"), ox.NamedNode("http://example.org/p"), ox.Literal(text)))
    query = QUERIES["terms"]
    expected = {limit: write(store.query(query), [(media, 1.0)], max_rows=limit) for limit in (1, 4, 7, 8)}
    body = store.query(query).serialize(format=_FORMATS.get(media, ox.QueryResultsFormat.CSV))
    for split in range(1, len(body)):
        for limit, answer in expected.items():
            sink = _RowLimit(_ROW_MARKS[media], limit)
            try:
                for chunk in (body[:split], body[split:]):
                    sink.write(chunk)
                sink.read_to(len(sink.data), done=True)
            except _RowsFull:
                pass
            assert (bytes(sink.data), sink.rows(), sink.full) == (answer.body, answer.count, answer.truncated), \
                f"{media} split at {split} of {len(body)} bytes, cut at {limit}"
