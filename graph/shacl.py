"""SHACL shapes run as SPARQL on the store: each shape becomes one query whose rows are the nodes that break it.

A build checks a million triples in seconds this way, on the store it has just loaded, where a SHACL
engine over an rdflib graph of everything takes minutes and gigabytes. The compiler knows the part of
SHACL Core that ontology/shapes.ttl uses (targets; paths of predicates, sequences, alternatives and
inverses; counts, qualified counts, datatypes, classes, node kinds, lengths, ranges, patterns,
languages, values, lists of values, nested shapes and sh:and, sh:or, sh:xone, sh:not) and refuses a
shape that uses anything else by name, so that no rule is ever skipped unseen. tests/test_shapes.py
compares what it finds with pySHACL's findings on the same data.

Classes are read as SHACL reads them: an instance of a class is typed with it or one of its subclasses,
the subclass axioms being those of the ontology and of the data.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from graph.errors import InputError
from graph.namespaces import PREFIXES

__all__ = ["ShapeCheck", "compile_shapes", "class_closure"]

SH = Namespace("http://www.w3.org/ns/shacl#")

# Lexical forms of the datatypes a shape may name: a literal typed with one but not of its form breaks sh:datatype.
_LEXICAL = {
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.date: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.dateTime: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
                  r"(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYearMonth: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gMonth: r"^--(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gDay: r"^---(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})", SH.IRIOrLiteral: "!isBlank({v})",
}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
# What a shape may say besides its constraints.
_ANNOTATIONS = {RDF.type, SH.message, SH.name, SH.description, SH.severity, RDFS.label, RDFS.comment, SH.path, *_TARGETS}
_UNDERSTOOD = _ANNOTATIONS | {
    SH.property, SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.hasValue, SH.datatype, SH["class"], SH.node, SH.nodeKind, SH.minLength, SH.maxLength, SH.pattern, SH.flags,
    SH.languageIn, SH["in"], SH["and"], SH["or"], SH.xone, SH["not"], *_RANGES}


@dataclass(frozen=True)
class ShapeCheck:
    """One shape's rule: its name as the build prints it, its message, and the query that finds its breakers."""

    rule: str
    message: str
    query: str
    names: Graph = field(repr=False, compare=False)  # the prefixes a node is named with, as the rule is

    def breakers(self, store: ox.Store) -> Iterator[tuple[ox.NamedNode | ox.BlankNode, str]]:
        """The focus nodes that break the rule, each with its name as the build prints it."""
        for row in store.query(self.query, use_default_graph_as_union=True):
            focus = row["focus"]
            yield focus, (URIRef(focus.value).n3(self.names.namespace_manager) if isinstance(focus, ox.NamedNode)
                          else str(focus))


def class_closure(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Each class's subclasses, itself among them, from (subclass, superclass) pairs."""
    below: dict[str, set[str]] = defaultdict(set)
    for sub, sup in pairs:
        below[sup].add(sub)
    closure: dict[str, set[str]] = {}
    for top in list(below):
        seen, todo = {top}, [top]
        while todo:
            for sub in below.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        closure[top] = seen
    return closure


def compile_shapes(shapes_file: Path, subclasses: dict[str, set[str]]) -> list[ShapeCheck]:
    """A check for each property shape and each node shape with constraints of its own, in file order.

    Raises InputError naming the shape and the term when a shape uses what the compiler does not know.
    """
    shapes = Graph().parse(shapes_file, format="turtle")
    return _Compiler(shapes, subclasses, shapes_file.name).checks()


class _Compiler:
    def __init__(self, shapes: Graph, subclasses: dict[str, set[str]], source: str) -> None:
        self.shapes = shapes
        self.subclasses = subclasses
        self.source = source
        self.names = Graph()  # the shapes file's prefixes, then the house's: how a rule is named in messages
        for prefix, iri in [*shapes.namespaces(), *PREFIXES.items()]:
            self.names.bind(prefix, iri, override=True, replace=True)
        self.count = 0

    def checks(self) -> list[ShapeCheck]:
        found = []
        targeted = sorted({s for t in _TARGETS for s in self.shapes.subjects(t, None)}, key=str)
        for shape in targeted:  # _violations refuses a shape that says what the compiler does not know
            name = self._name(shape)
            own = self._violations(shape, "?focus", with_properties=False)
            if own:
                found.append(self._check(shape, name, own))
            for prop in self._objects(shape, SH.property):
                path = self._path(self._one(prop, SH.path))
                found.append(self._check(shape, f"{name} {path}", self._violations(prop, "?focus"), prop))
        return found

    def _check(self, shape: URIRef | BNode, rule: str, patterns: list[str], said_by: URIRef | BNode | None = None) -> ShapeCheck:
        message = self.shapes.value(said_by or shape, SH.message) or self.shapes.value(shape, SH.message)
        # Each pattern joined with the targets in one group, not in EXISTS: Oxigraph plans an EXISTS as if the focus
        # were unbound, so a chain in it is read across the whole store for every focus.
        targets = self._targets(shape)
        query = "SELECT DISTINCT ?focus WHERE { " + " UNION ".join(f"{{ {targets} {p} }}" for p in patterns) + " }"
        return ShapeCheck(rule=rule, message=str(message or f"breaks {rule}"), query=query, names=self.names)

    # Targets -------------------------------------------------------------------------------------

    def _targets(self, shape: URIRef | BNode) -> str:
        parts = []
        for cls in self._objects(shape, SH.targetClass):
            parts.append(f"{{ ?focus a ?class . VALUES ?class {{ {self._classes(cls)} }} }}")
        for node in self._objects(shape, SH.targetNode):
            parts.append(f"{{ BIND ({node.n3()} AS ?focus) }}")
        for prop in self._objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ SELECT DISTINCT ?focus WHERE {{ ?focus {prop.n3()} [] }} }}")
        for prop in self._objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ SELECT DISTINCT ?focus WHERE {{ [] {prop.n3()} ?focus }} }}")
        return " UNION ".join(parts)

    def _classes(self, cls: URIRef) -> str:
        return " ".join(f"<{c}>" for c in sorted(self.subclasses.get(str(cls), set()) | {str(cls)}))

    # Constraints ---------------------------------------------------------------------------------

    def _violations(self, shape: URIRef | BNode, focus: str, *, with_properties: bool = True) -> list[str]:
        """Patterns, each matching (joined with `focus` bound) exactly when the focus breaks one constraint of the shape."""
        self._refuse_unknown(shape)
        path_node = self.shapes.value(shape, SH.path)
        if path_node is not None:
            return self._property_violations(shape, focus, path_node)
        patterns = []
        test = self._value_test(shape, focus)
        if test is not None:
            patterns.append(f"FILTER (!({test}))")
        if with_properties:
            for prop in self._objects(shape, SH.property):
                patterns += self._violations(prop, focus)
        return patterns

    def _property_violations(self, shape: URIRef | BNode, focus: str, path: URIRef | BNode) -> list[str]:
        patterns = []
        least = self._integer(shape, SH.minCount)
        if least:
            patterns.append(self._absent(*self._distinct(focus, path, least)))
        most = self._integer(shape, SH.maxCount)
        if most is not None:
            patterns.append(self._distinct(focus, path, most + 1)[0])
        qualified = self.shapes.value(shape, SH.qualifiedValueShape)
        if qualified is not None:
            conforms = lambda v: self._conforms(qualified, v)  # noqa: E731
            fewest = self._integer(shape, SH.qualifiedMinCount)
            if fewest:
                patterns.append(self._absent(*self._distinct(focus, path, fewest, conforms)))
            most_qualified = self._integer(shape, SH.qualifiedMaxCount)
            if most_qualified is not None:
                patterns.append(self._distinct(focus, path, most_qualified + 1, conforms)[0])
        for value in self._objects(shape, SH.hasValue):
            found = self._variable()
            patterns.append(self._absent(f"{self._step(path, focus, found)} FILTER (sameTerm({found}, {value.n3()}))", found))
        value = self._variable()
        test = self._value_test(shape, value)
        if test is not None:
            patterns.append(f"{self._step(path, focus, value)} FILTER (!({test}))")
        return patterns

    @staticmethod
    def _absent(pattern: str, variable: str) -> str:
        """A pattern that matches once when `pattern` does not match (`variable` being one it binds)."""
        return f"OPTIONAL {{ {pattern} }} FILTER (!BOUND({variable}))"

    def _distinct(self, focus: str, path: URIRef | BNode, how_many: int, condition=None) -> tuple[str, str]:
        """A pattern that matches when the focus has at least `how_many` distinct values on the path (meeting the
        condition), and one of the variables it binds."""
        values = [self._variable() for _ in range(how_many)]
        parts = [self._step(path, focus, v) for v in values]
        tests = [f"!sameTerm({a}, {b})" for i, a in enumerate(values) for b in values[i + 1:]]
        if condition is not None:
            tests += [condition(v) for v in values]
        if tests:
            parts.append(f"FILTER ({' && '.join(tests)})")
        return " ".join(parts), values[0]

    def _value_test(self, shape: URIRef | BNode, v: str) -> str | None:
        """A filter expression, never an error, true when the value node `v` meets every value constraint of the shape."""
        tests = []
        for datatype in self._objects(shape, SH.datatype):
            test = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {datatype.n3()})"
            if datatype in _LEXICAL:
                test += f" && REGEX(STR({v}), {Literal(_LEXICAL[datatype]).n3()})"
            tests.append(test)
        for cls in self._objects(shape, SH["class"]):
            typed = self._variable()
            tests.append(f"!isLiteral({v}) && EXISTS {{ {v} a {typed} . VALUES {typed} {{ {self._classes(cls)} }} }}")
        for kind in self._objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                self._refuse(shape, kind)
            tests.append(_NODE_KINDS[kind].format(v=v))
        for prop, op in ((SH.minLength, ">="), (SH.maxLength, "<=")):
            for n in self._objects(shape, prop):
                tests.append(f"!isBlank({v}) && STRLEN(STR({v})) {op} {int(n)}")
        for prop, op in _RANGES.items():
            for bound in self._objects(shape, prop):
                tests.append(f"{v} {op} {bound.n3()}")
        for pattern in self._objects(shape, SH.pattern):
            flags = self.shapes.value(shape, SH.flags)
            tests.append(f"!isBlank({v}) && REGEX(STR({v}), {Literal(str(pattern)).n3()}"
                         + (f", {Literal(str(flags)).n3()})" if flags else ")"))
        for languages in self._objects(shape, SH.languageIn):
            tests.append(" || ".join(f'langMatches(LANG({v}), "{tag}")' for tag in self._list(languages)) or "false")
        for values in self._objects(shape, SH["in"]):
            tests.append(" || ".join(f"sameTerm({v}, {term.n3()})" for term in self._list(values)) or "false")
        if self.shapes.value(shape, SH.path) is None:
            for value in self._objects(shape, SH.hasValue):
                tests.append(f"sameTerm({v}, {value.n3()})")
        for nested in self._objects(shape, SH.node):
            tests.append(self._conforms(nested, v))
        for listed in self._objects(shape, SH["and"]):
            tests.append(" && ".join(self._conforms(s, v) for s in self._list(listed)) or "true")
        for listed in self._objects(shape, SH["or"]):
            tests.append(" || ".join(self._conforms(s, v) for s in self._list(listed)) or "false")
        for listed in self._objects(shape, SH.xone):
            tests.append(" + ".join(f"IF({self._conforms(s, v)}, 1, 0)" for s in self._list(listed)) + " = 1")
        for negated in self._objects(shape, SH["not"]):
            tests.append(f"!({self._conforms(negated, v)})")
        if not tests:
            return None
        return " && ".join(f"COALESCE(({t}), false)" for t in tests)

    def _conforms(self, shape: URIRef | BNode, v: str) -> str:
        patterns = self._violations(shape, v)
        return " && ".join(f"NOT EXISTS {{ {p} }}" for p in patterns) if patterns else "true"

    # Paths and terms -----------------------------------------------------------------------------

    def _step(self, path: URIRef | BNode, subject: str, value: str) -> str:
        """Triple patterns from the subject along the path to the value: a sequence as a chain of triples with
        a variable between each, not a property path, which Oxigraph evaluates from both ends unbound."""
        if isinstance(path, URIRef):
            return f"{subject} {path.n3()} {value} ."
        if self.shapes.value(path, RDF.first) is not None:
            steps = self._list(path)
            points = [subject, *(self._variable() for _ in steps[1:]), value]
            return " ".join(self._step(step, points[i], points[i + 1]) for i, step in enumerate(steps))
        inverse = self.shapes.value(path, SH.inversePath)
        if inverse is not None:
            return self._step(inverse, value, subject)
        return f"{subject} {self._path(path, sparql=True)} {value} ."

    def _path(self, node: URIRef | BNode, *, sparql: bool = False) -> str:
        """A SHACL path as a SPARQL property path (`sparql`), or in prefixed names for messages."""
        show = (lambda t: t.n3()) if sparql else (lambda t: t.n3(self.names.namespace_manager))
        if isinstance(node, URIRef):
            return show(node)
        if self.shapes.value(node, RDF.first) is not None:
            joined = "/".join(self._path(p, sparql=sparql) for p in self._list(node))
            return f"({joined})" if sparql else joined
        for prop, wrap in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                           (SH.zeroOrOnePath, "{}?")):
            inner = self.shapes.value(node, prop)
            if inner is not None:
                text = self._path(inner, sparql=sparql)
                return wrap.format(f"({text})" if sparql and not isinstance(inner, URIRef) else text)
        alternatives = self.shapes.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self._path(p, sparql=sparql) for p in self._list(alternatives)) + ")"
        raise InputError(f"{self.source}: a path the shapes compiler does not know: {node.n3()}")

    def _variable(self) -> str:
        self.count += 1
        return f"?v{self.count}"

    def _objects(self, subject: URIRef | BNode, predicate: URIRef) -> list:
        return sorted(self.shapes.objects(subject, predicate), key=str)

    def _one(self, subject: URIRef | BNode, predicate: URIRef):
        values = self._objects(subject, predicate)
        if len(values) != 1:
            raise InputError(f"{self.source}: {self._name(subject)} needs exactly one {predicate.n3(self.names.namespace_manager)}")
        return values[0]

    def _integer(self, shape: URIRef | BNode, predicate: URIRef) -> int | None:
        value = self.shapes.value(shape, predicate)
        return int(value) if value is not None else None

    def _list(self, node: URIRef | BNode) -> list:
        return list(Collection(self.shapes, node))

    def _name(self, shape: URIRef | BNode) -> str:
        if isinstance(shape, URIRef):
            return shape.n3(self.names.namespace_manager)
        owner = self.shapes.value(predicate=SH.property, object=shape)
        return self._name(owner) if owner is not None else "shape"

    def _refuse_unknown(self, shape: URIRef | BNode) -> None:
        for predicate in set(self.shapes.predicates(shape, None)) - _UNDERSTOOD:
            self._refuse(shape, predicate)

    def _refuse(self, shape: URIRef | BNode, term: URIRef) -> None:
        raise InputError(f"{self.source}: {self._name(shape)} uses {term.n3(self.names.namespace_manager)}, "
                         "which the shapes compiler (graph/shacl.py) does not know; add it there or say it another way")

