"""The named queries: one `.rq` file a question in graph/queries/, with typed parameters bound safely.

A file starts with comment lines: the first states the question in English, a `# vi:` line in Vietnamese
(the pages ask it in the reader's language); each `# param ?name type example
description` line declares a parameter (an example with spaces is written in double quotes), whose value is
bound by substitution, never spliced into the text. Types: iri, string, integer, decimal, date, year, and
lang: the language of the labels a query writes (vi or en; vi when left out, since every labelled thing has a
label in each). Parameters are bound by a VALUES block at the start of the WHERE clause (graph.query.bind), so
a FILTER inside a nested group (a group of a UNION, an OPTIONAL inside an OPTIONAL) does not see them: filter
on a parameter at the top level. A `# precompute ?name` line has the service work out the answer for every
value of that parameter once (graph/answers.py): an iri parameter that the query projects, beside which the
query takes only languages.

The queries (these and those of the network, briefs and pages) keep to what every SPARQL server answers alike,
Virtuoso included: no `*` property path, nor a `+` one that the build's closures hold (join on ig:kindOf and
ig:within instead: graph/closure.py), a computed IRI wrapped in IRI(), a computed boolean in xsd:boolean().
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from datetime import date
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from graph.errors import ParameterError, UnknownQuery
from graph.namespaces import PREFIXES

__all__ = ["Param", "NamedQuery", "catalogue", "named", "LANGUAGES", "QUERIES_DIR"]

QUERIES_DIR = Path(__file__).parent / "queries"
_QUESTION_VI = re.compile(r"^#\s*vi:\s*(?P<text>.+)$")
_PARAM = re.compile(r'^#\s*param\s+\?(?P<name>\w+)\s+(?P<type>\w+)\s+(?:"(?P<quoted>[^"]*)"|(?P<example>\S+))\s*(?P<doc>.*)$')
_PRECOMPUTE = re.compile(r"^#\s*precompute\s+\?(?P<name>\w+)\s*$")
_XSD = "http://www.w3.org/2001/XMLSchema#"
LANGUAGES = ("vi", "en")  # Vietnamese first: the labels a query writes when no language is asked for


@dataclass(frozen=True)
class Param:
    """A parameter of a named query."""

    name: str
    type: str
    example: str
    description: str

    @property
    def default(self) -> str | None:
        """The value a parameter left out takes: only the labels' language may be left out."""
        return LANGUAGES[0] if self.type == "lang" else None

    def term(self, raw: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for a value given as text.

        Raises ParameterError saying what the value should look like.
        """
        try:
            if self.type == "iri":
                return ox.NamedNode(_expand(raw))
            if self.type == "string":
                return ox.Literal(raw)
            if self.type == "integer":
                return ox.Literal(str(int(raw)), datatype=ox.NamedNode(_XSD + "integer"))
            if self.type == "decimal":
                return ox.Literal(str(Decimal(raw)), datatype=ox.NamedNode(_XSD + "decimal"))
            if self.type == "date":
                return ox.Literal(date.fromisoformat(raw).isoformat(), datatype=ox.NamedNode(_XSD + "date"))
            if self.type == "year":
                return ox.Literal(f"{int(raw):04d}", datatype=ox.NamedNode(_XSD + "gYear"))
            if self.type == "lang":
                if raw not in LANGUAGES:
                    raise ParameterError(f"parameter {self.name}: labels are in {' or '.join(LANGUAGES)}, not {raw!r}")
                return ox.Literal(raw)
        except (ValueError, InvalidOperation) as e:
            raise ParameterError(f"parameter {self.name}: {raw!r} is not a valid {self.type} (example: {self.example})") from e
        raise ParameterError(f"parameter {self.name}: unknown type {self.type!r}")


def _expand(raw: str) -> str:
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    prefix, sep, local = raw.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if not re.match(r"^[a-z][a-z0-9+.-]*:", raw, re.IGNORECASE):
        raise ValueError("not an IRI or a known prefixed name")
    return raw


@dataclass(frozen=True)
class NamedQuery:
    """One `.rq` file: its name, the question it answers, its parameters and its text."""

    name: str
    question: str  # in English
    params: tuple[Param, ...]
    text: str
    precomputed: str | None = None  # the parameter whose every value's answer is worked out once (graph/answers.py)
    question_vi: str = ""  # in Vietnamese: its `# vi:` line

    def asked(self, lang: str) -> str:
        """The question in a language: Vietnamese where it is written, else English."""
        return self.question_vi if lang == "vi" and self.question_vi else self.question

    def substitutions(self, values: dict[str, str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
        """Typed terms for the given parameter values.

        Raises ParameterError for a missing or unknown parameter, or a value of the wrong type.
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(f"{self.name}: unknown parameter(s) {', '.join(unknown)}; it takes {self._signature()}")
        missing = [p.name for p in self.params if p.name not in values and p.default is None]
        if missing:
            raise ParameterError(f"{self.name}: missing parameter(s) {', '.join(missing)}; it takes {self._signature()}")
        given = {**{p.name: p.default for p in self.params if p.default is not None}, **values}
        return {ox.Variable(name): known[name].term(raw) for name, raw in given.items()}

    def _signature(self) -> str:
        if not self.params:
            return "no parameters"
        return ", ".join(f"{p.name} ({p.type}, e.g. {p.example})" for p in self.params)

    @property
    def example(self) -> dict[str, str]:
        """Parameter values that show what the query does."""
        return {p.name: p.example for p in self.params}


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    if not comments:
        raise UnknownQuery(f"{path.name}: a named query starts with a comment line stating its question")
    params = tuple(
        Param(name=m["name"], type=m["type"], example=m["quoted"] if m["quoted"] is not None else m["example"],
              description=m["doc"].strip())
        for m in (_PARAM.match(line) for line in comments) if m
    )
    precomputed = next((m["name"] for m in (_PRECOMPUTE.match(line) for line in comments) if m), None)
    question_vi = next((m["text"].strip() for m in (_QUESTION_VI.match(line) for line in comments) if m), "")
    if precomputed is not None:
        kinds = {p.name: p.type for p in params}
        if kinds.get(precomputed) != "iri" or any(t != "lang" for n, t in kinds.items() if n != precomputed):
            raise UnknownQuery(f"{path.name}: only an iri parameter is precomputed, and only beside lang ones; "
                               f"its parameters are {', '.join(f'{n} ({t})' for n, t in kinds.items()) or 'none'}")
    return NamedQuery(name=path.stem, question=comments[0].lstrip("# ").strip(), params=params, text=text,
                      precomputed=precomputed, question_vi=question_vi)


@cache  # the queries ship with the code: read once a process, not on every request
def catalogue(folder: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query in the folder, by name."""
    return {q.name: q for q in (_parse(p) for p in sorted(folder.glob("*.rq")))}


def named(name: str, folder: Path = QUERIES_DIR) -> NamedQuery:
    """One named query.

    Raises UnknownQuery listing the names there are.
    """
    queries = catalogue(folder)
    if name not in queries:
        raise UnknownQuery(f"no named query {name!r}; there are: {', '.join(queries)}")
    return queries[name]

