"""Precomputed answers: named queries worked out once for every value of a parameter, from a build that never changes.

A named query that declares `# precompute ?name` (graph/catalogue.py) is run once for each language with that
parameter left unbound; its rows, which project the parameter, are kept by its value. A request that binds
the parameter is then answered from the rows kept for that value, in pages as the live query gives them
(`LIMIT size + 1 OFFSET offset` on the same ORDER BY), instead of joining, sorting and labelling again: at 1M
triples sector_actors takes 0.43 s a request live and 0.04 s from its rows. tests/test_answers.py compares
them with the live query.

The rows are kept as the TSV pyoxigraph writes (one row a line, terms in N-Triples syntax, compact) in one
bytes object for each value, which workers forked from the supervisor share without copying, and a page is
read back by pyoxigraph's TSV parser and written in the format asked for.
"""

import itertools
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from graph.catalogue import LANGUAGES, NamedQuery, catalogue
from graph.namespaces import PREFIXES
from graph.query import bind

__all__ = ["Precomputed"]

_TSV = ox.QueryResultsFormat.TSV


@dataclass(frozen=True)
class _Rows:
    """The rows kept for one value: TSV lines, and where each starts (the last entry is where they end)."""

    lines: bytes
    starts: array

    def page(self, offset: int, count: int) -> bytes:
        first, last = min(offset, len(self.starts) - 1), min(offset + count, len(self.starts) - 1)
        return self.lines[self.starts[first]:self.starts[last]]


@dataclass(frozen=True)
class _Answers:
    """One precomputed query's rows for one choice of its other parameters, by the value of its precomputed one."""

    header: bytes  # the TSV header line
    by_value: dict[str, _Rows]  # keyed by the value's N-Triples form


class Precomputed:
    """The precomputed answers of a build's named queries."""

    def __init__(self, answers: dict[tuple[str, tuple[str, ...]], _Answers]) -> None:
        self._answers = answers

    @classmethod
    def work_out(cls, store: ox.Store, queries: Iterable[NamedQuery] | None = None) -> "Precomputed":
        """Run every query that declares a precomputed parameter (all the catalogue's by default) once for each
        choice of its other parameters, which are languages; keep its rows by the parameter's value."""
        answers = {}
        for query in queries if queries is not None else catalogue().values():
            if query.precomputed is None:
                continue
            others = [p.name for p in query.params if p.name != query.precomputed]
            for choice in itertools.product(LANGUAGES, repeat=len(others)):
                text, _ = bind(query.text, {ox.Variable(name): ox.Literal(lang) for name, lang in zip(others, choice)})
                written = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True).serialize(format=_TSV)
                answers[(query.name, choice)] = _grouped(written, query.precomputed)
        return cls(answers)

    def page(self, query: NamedQuery, substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal],
             offset: int, count: int) -> ox.QuerySolutions | None:
        """The rows `offset` to `offset + count` of the query's answer for these parameter values, as the
        live query with `LIMIT count OFFSET offset` gives them; None when the query is not precomputed."""
        if query.precomputed is None:
            return None
        choice = tuple(substitutions[ox.Variable(p.name)].value for p in query.params if p.name != query.precomputed)
        answers = self._answers.get((query.name, choice))
        if answers is None:
            return None
        rows = answers.by_value.get(str(substitutions[ox.Variable(query.precomputed)]))
        lines = rows.page(offset, count) if rows is not None else b""
        return ox.parse_query_results(answers.header + lines, format=_TSV)


def _grouped(tsv: bytes, variable: str) -> _Answers:
    """A TSV answer's rows by the value of `variable`, in the answer's order."""
    header, _, body = tsv.partition(b"\n")
    column = header.split(b"\t").index(b"?" + variable.encode())
    groups: dict[bytes, list[bytes]] = {}
    for line in body.split(b"\n")[:-1]:  # TSV escapes line breaks inside terms: each line is a row
        groups.setdefault(line.split(b"\t", column + 1)[column], []).append(line)
    by_value = {}
    for value, lines in groups.items():
        starts = array("q", itertools.accumulate((len(line) + 1 for line in lines), initial=0))
        by_value[value.decode()] = _Rows(b"\n".join(lines) + b"\n", starts)
    return _Answers(header + b"\n", by_value)
