"""The closures the build writes into the store, so that queries join on them instead of walking paths.

`?c ig:kindOf ?d`: class ?c is ?d or a subclass of it at any depth (from rdfs:subClassOf). `?c ig:within ?d`:
concept ?c is ?d or narrower than it at any depth (from skos:broader), event ?c is ?d or part of it (from
schema:superEvent), place ?c is ?d or lies in it (from schema:containedInPlace). Both are reflexive, as `*`
paths are.
They live in a graph of their own, `index`, written after the files are loaded and read against the paths
they replace by the tests. A build is immutable, so they never go stale; and a plain join is what every
SPARQL server gets right: Virtuoso walks a `*` path wrongly over a dataset of several graphs, or refuses it
when neither end is a constant.
"""

from collections import defaultdict
from collections.abc import Iterator

import pyoxigraph as ox

from graph.namespaces import IG, PREFIXES
from graph.rdfio import graph_name

__all__ = ["INDEX_GRAPH", "KIND_OF", "WITHIN", "write_closures"]

INDEX_GRAPH = ox.NamedNode(graph_name("index"))  # no input file is named so: every one has a suffix
KIND_OF = ox.NamedNode(IG.kindOf)
WITHIN = ox.NamedNode(IG.within)
RDF, RDFS, SKOS, SCHEMA = (PREFIXES[p] for p in ("rdf", "rdfs", "skos", "schema"))

_CLASSES = f"""SELECT DISTINCT ?node WHERE {{
  {{ ?thing <{RDF}type> ?node }} UNION {{ ?node <{RDFS}subClassOf> ?other }} UNION {{ ?other <{RDFS}subClassOf> ?node }}
  FILTER (!isLITERAL(?node)) }}"""
_CONCEPTS = f"""SELECT DISTINCT ?node WHERE {{
  {{ ?node <{SKOS}inScheme> ?scheme }} UNION {{ ?node <{SKOS}broader> ?other }} UNION {{ ?other <{SKOS}broader> ?node }}
  FILTER (!isLITERAL(?node)) }}"""
_EVENTS, _PLACES = (f"""SELECT DISTINCT ?node WHERE {{
  {{ ?node a ?class . ?class <{KIND_OF.value}> <{SCHEMA}{kind}> }}
  UNION {{ ?node <{SCHEMA}{step}> ?other }} UNION {{ ?other <{SCHEMA}{step}> ?node }}
  FILTER (!isLITERAL(?node)) }}""" for kind, step in (("Event", "superEvent"), ("Place", "containedInPlace")))


def write_closures(store: ox.Store) -> None:
    """Write ig:kindOf and ig:within for everything the store holds into its index graph."""
    # classes first: the events are found by their classes
    for nodes, step, closure in ((_CLASSES, f"{RDFS}subClassOf", KIND_OF), (_CONCEPTS, f"{SKOS}broader", WITHIN),
                                 (_EVENTS, f"{SCHEMA}superEvent", WITHIN), (_PLACES, f"{SCHEMA}containedInPlace", WITHIN)):
        parents: dict[ox.NamedNode | ox.BlankNode, set[ox.NamedNode | ox.BlankNode]] = defaultdict(set)
        for quad in store.quads_for_pattern(None, ox.NamedNode(step), None):
            if not isinstance(quad.object, ox.Literal):
                parents[quad.subject].add(quad.object)  # type: ignore[index,arg-type]
        found = [row["node"] for row in store.query(nodes, use_default_graph_as_union=True)]  # type: ignore[union-attr,index]
        store.extend(ox.Quad(node, closure, upper, INDEX_GRAPH) for node in found for upper in _upwards(node, parents))


def _upwards(node: ox.NamedNode | ox.BlankNode,
             parents: dict[ox.NamedNode | ox.BlankNode, set[ox.NamedNode | ox.BlankNode]]) -> Iterator[ox.NamedNode | ox.BlankNode]:
    """The node and every node above it, each once, cycles included."""
    seen = {node}
    todo: list[ox.NamedNode | ox.BlankNode] = [node]
    while todo:
        current = todo.pop()
        yield current
        for parent in parents.get(current, ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
