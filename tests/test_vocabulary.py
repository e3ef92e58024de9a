"""The ontology describes itself, and our closed namespace class is in step with it."""


from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, DCTERMS

from graph.namespaces import IG, PREFIXES
from graph.settings import Settings
from graph.text import fold, locate_quote, QuoteNotFound
import pytest


def _ontology(settings: Settings) -> Graph:
    return Graph().parse(settings.ontology_dir / "innograph.ttl", format="turtle")


def test_the_namespace_class_and_the_ontology_name_the_same_terms(settings: Settings) -> None:
    ontology = _ontology(settings)
    declared = {str(s).removeprefix(str(IG._NS)) for s in ontology.subjects(RDF.type, None)
                if isinstance(s, URIRef) and str(s).startswith(str(IG._NS))}
    assert declared == set(IG.__annotations__)
    with pytest.raises(AttributeError):
        IG.notATerm  # noqa: B018 — the namespace is closed


def test_the_ontology_has_version_licence_and_title_and_every_term_is_described_in_both_languages(settings: Settings) -> None:
    ontology = _ontology(settings)
    head = URIRef(PREFIXES["ig"].rstrip("#"))
    assert (head, RDF.type, OWL.Ontology) in ontology
    for predicate in (OWL.versionIRI, OWL.versionInfo, DCTERMS.license, DCTERMS.title):
        assert ontology.value(head, predicate) is not None, predicate
    for term in IG.__annotations__:
        iri = IG[term]
        for predicate in (RDFS.label, SKOS.definition):
            languages = {o.language for o in ontology.objects(iri, predicate) if isinstance(o, Literal)}
            assert {"vi", "en"} <= languages, (term, predicate)


def test_turtle_files_use_the_one_base(settings: Settings) -> None:
    for path in [*settings.ontology_dir.rglob("*.ttl"), *settings.data_dir.glob("*.ttl")]:
        text = path.read_text(encoding="utf-8")
        for prefix in ("ig", "igr"):
            declaration = f"@prefix {prefix}: <"
            if declaration in text:
                assert f"{declaration}{PREFIXES[prefix]}>" in text, path


def test_folding_removes_vietnamese_diacritics() -> None:
    assert fold("Khu Công nghệ cao Thành phố Hồ Chí Minh") == "khu cong nghe cao thanh pho ho chi minh"
    assert fold("Đông Nam Bộ") == "dong nam bo"


def test_a_quote_typed_with_plain_spaces_finds_text_with_no_break_spaces() -> None:
    text = "Đối thoại hữu nghị TPHCM\u00a0 lần thứ 2"
    start, end = locate_quote(text, "hữu nghị TPHCM lần thứ 2")
    assert text[start:end] == "hữu nghị TPHCM\u00a0 lần thứ 2"
    with pytest.raises(QuoteNotFound):
        locate_quote(text, "lần thứ 3")


def test_ingest_prints_evidence_that_parses_and_points_at_the_quote(seeds: dict[str, str], settings: Settings) -> None:
    from graph.ingest import evidence_turtle

    source = settings.seeds_dir / "003_edde3cb67484f8ea.txt"
    snippet = evidence_turtle(source, "hữu nghị TPHCM lần thứ 2")
    prefixes = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    g = Graph().parse(data=prefixes + snippet, format="turtle")
    start = int(next(g.objects(None, URIRef(PREFIXES["oa"] + "start"))))
    end = int(next(g.objects(None, URIRef(PREFIXES["oa"] + "end"))))
    exact = str(next(g.objects(None, URIRef(PREFIXES["oa"] + "exact"))))
    assert seeds[source.name][start:end] == exact and "\u00a0" in exact
