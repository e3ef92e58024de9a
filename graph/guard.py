"""Reading a query before it runs: size, nesting, updates, and anything that would leave the machine.

pyoxigraph follows SERVICE and LOAD out to the network and has no switch against it, and a query
nested a few thousand levels deep crashes the process that parses it (DESIGN.md §3), so these are
checked here on the text, with a tokenizer that skips strings, IRIs and comments.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from graph.errors import QueryRefused, QueryTooLarge
from graph.namespaces import PREFIXES

__all__ = ["Policy", "QueryFacts", "check_query", "check_graph", "lex"]

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<var>[?$]\w+)
  | (?P<word>[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*|[A-Za-z_]\w*)
  | (?P<integer>\d+(?![\w.]))
  | (?P<other>\S)
''', re.VERBOSE)


def lex(query: str) -> Iterator[re.Match[str]]:
    """The query's tokens but its comments, each named by its group: string, iri, open, close, var, word,
    integer, other."""
    return (m for m in _TOKEN.finditer(query) if m.lastgroup != "comment")


_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


@dataclass(frozen=True)
class QueryFacts:
    """What the text of an accepted query says about how to run it."""

    names_dataset: bool  # FROM or FROM NAMED: the union default graph is off
    functions: frozenset[str]  # IRIs called as functions, for extension functions the engine lacks
    limit: int | None = None  # the LIMIT of the query itself, not of a subquery
    open_select: bool = False  # a SELECT with neither LIMIT nor a trailing VALUES, whose brackets all close:
    # a LIMIT can be added at its end


@dataclass(frozen=True)
class Policy:
    """The limits a query must keep to."""

    max_bytes: int = 100_000
    max_depth: int = 64
    allowed_hosts: frozenset[str] = frozenset()


def check_query(query: str, policy: Policy, *, is_local_graph: Callable[[str], bool]) -> QueryFacts:
    """Refuse a query that is too big, too deep, an update, or that would reach another host.

    `is_local_graph(iri)` says whether a FROM graph is one of the store's own.

    Raises QueryTooLarge or QueryRefused with what to change.
    """
    size = len(query.encode("utf-8"))
    if size > policy.max_bytes:
        raise QueryTooLarge(f"the query is {size} bytes; the limit is {policy.max_bytes}")
    tokens = [(m.lastgroup, m.group()) for m in lex(query)]
    depth = deepest = 0
    outermost: list[tuple[str | None, str]] = []  # the tokens outside every bracket and brace
    for kind, text in tokens:
        if depth == 0:
            outermost.append((kind, text.upper()))
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > policy.max_depth:
                raise QueryTooLarge(f"the query is nested deeper than {policy.max_depth} levels of brackets and braces")
        elif kind == "close":
            depth -= 1
    prefixes = dict(PREFIXES)
    names_dataset = False
    functions: set[str] = set()
    for i, (kind, text) in enumerate(tokens):
        keyword = text.upper() if kind == "word" else ""
        if kind in ("iri", "word") and i + 1 < len(tokens) and tokens[i + 1][1] == "(" and (kind == "iri" or ":" in text):
            functions.add(_resolve(kind, text, prefixes))
        if keyword == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
        elif keyword in _UPDATE_KEYWORDS:  # none of them is a keyword of the query grammar
            raise QueryRefused(f"{keyword} is an update; this endpoint is read-only and answers queries only")
        elif keyword == "SERVICE":
            target = _next_target(tokens, i + 1, prefixes, skip="SILENT")
            if target is None or not _host_allowed(target, policy):
                raise QueryRefused(f"SERVICE {target or '(a variable)'} is refused: remote calls go only to hosts on "
                                   "the allow-list (setting INNOGRAPH_ALLOWED_HOSTS), which is empty by default")
        elif keyword == "FROM":
            names_dataset = True
            check_graph(_next_target(tokens, i + 1, prefixes, skip="NAMED"), policy, is_local_graph=is_local_graph)
    words = [text for kind, text in outermost if kind == "word"]
    limit = next((int(outermost[i + 1][1]) for i, token in enumerate(outermost[:-1])
                  if token == ("word", "LIMIT") and outermost[i + 1][0] == "integer"), None)
    form = next((w for w in words if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), None)
    open_select = form == "SELECT" and depth == 0 and "LIMIT" not in words and "VALUES" not in words
    return QueryFacts(names_dataset=names_dataset, functions=frozenset(functions), limit=limit, open_select=open_select)


def check_graph(iri: str | None, policy: Policy, *, is_local_graph: Callable[[str], bool]) -> None:
    """Refuse a dataset graph (FROM, default-graph-uri, …) that is neither the store's own nor on an allowed host.

    Raises QueryRefused.
    """
    if iri is None or not (is_local_graph(iri) or _host_allowed(iri, policy)):
        raise QueryRefused(f"the graph {iri} is refused: it is not a graph of this store, and remote graphs are "
                           "fetched only from hosts on the allow-list (INNOGRAPH_ALLOWED_HOSTS)")


def _next_target(words: list[tuple[str | None, str]], i: int, prefixes: dict[str, str], *, skip: str) -> str | None:
    if i < len(words) and words[i][1].upper() == skip:
        i += 1
    if i >= len(words):
        return None
    kind, text = words[i]
    return _resolve(kind, text, prefixes) if kind == "iri" or (kind == "word" and ":" in text) else None


def _resolve(kind: str | None, text: str, prefixes: dict[str, str]) -> str:
    """The IRI an IRI token or a prefixed name stands for."""
    if kind == "iri":
        return text[1:-1]
    prefix, _, local = text.partition(":")
    return prefixes[prefix] + local if prefix in prefixes else text


def _host_allowed(iri: str, policy: Policy) -> bool:
    host = urlsplit(iri).hostname
    return host is not None and host.lower() in policy.allowed_hosts
