"""The result cache keeps answers by how they were asked, drops the least recently used, and stays in its bound."""

from graph.executor import Job
from graph.results import Written

from api.service import ResultCache


def _written(size: int) -> Written:
    return Written("application/sparql-results+json", b"x" * size, "solutions", 1, False)


def test_the_same_question_asked_the_same_way_is_one_entry() -> None:
    ask = Job(query="SELECT * WHERE { ?s ?p ?o }", accept=[("text/csv", 1.0)], max_rows=10)
    cache = ResultCache(1000)
    cache.put(ResultCache.key(ask), _written(10))
    assert cache.get(ResultCache.key(Job(query=ask.query, accept=[("text/csv", 1.0)], max_rows=10))) is not None
    assert cache.get(ResultCache.key(Job(query=ask.query, accept=[("text/tab-separated-values", 1.0)], max_rows=10))) is None
    assert cache.get(ResultCache.key(Job(query=ask.query, accept=ask.accept, max_rows=10,
                                         substitutions={"s": ("iri", "https://w3id.org/innograph/id/shtp")}))) is None


def test_the_least_recently_used_answer_goes_first_and_the_bound_holds() -> None:
    cache = ResultCache(1000)
    for name in "abcd":
        cache.put(name, _written(200))
    assert cache.get("a") is not None  # used again: now the most recent
    cache.put("e", _written(200))  # 1000 bytes: nothing dropped yet
    cache.put("f", _written(200))  # over the bound: "b", the least recently used, goes
    assert cache.get("b") is None and all(cache.get(k) is not None for k in "acdef")
    cache.put("huge", _written(600))  # over a quarter of the bound: not kept
    assert cache.get("huge") is None
