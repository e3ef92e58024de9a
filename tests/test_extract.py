"""The ingest extractor: candidates with exact evidence, scored against the curated articles leave-one-out,
and a re-run after a review that proposes nothing already accepted or rejected."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF

from graph.candidates import Candidate, read_draft, write_draft
from graph.extract import ArticleText, Vocabulary, extract
from graph.figures import read_figures
from graph.gazetteer import Gazetteer
from graph.gold import Score, gold_standard, score
from graph.ingest import Extractor
from graph.namespaces import ID, IG, OA, SCHEMA, SDMX_ATTRIBUTE, SDMX_MEASURE, TIME, local_name
from graph.settings import Settings
from graph.sources import register


@pytest.fixture(scope="module")
def vocabulary(store: ox.Store) -> Vocabulary:
    return Vocabulary.from_store(store)


@pytest.fixture(scope="module")
def leave_one_out(store: ox.Store, vocabulary: Vocabulary, seeds: dict[str, str]) -> dict[str, dict[str, Score]]:
    """Each seed's candidates, with a gazetteer that does not know what only that seed says, against its gold."""
    everyone = Gazetteer.from_store(store).actors()
    scores = {}
    for name, text in seeds.items():
        gazetteer = Gazetteer.from_store(store, exclude_sources=frozenset({name}))
        candidates = extract(ArticleText(document=ID[f"doc-{name[:3]}"], text=text), gazetteer=gazetteer,
                             vocabulary=vocabulary)
        scores[name] = score(candidates, gold_standard(store, name, actors=everyone), gazetteer)
    return scores


def _total(scores: dict[str, dict[str, Score]], kind: str) -> Score:
    parts = [s[kind] for s in scores.values()]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


# Known actors: 18 of 19. The one missed, in 004, is the WEF's C4IR network, which that article describes
# ("24 trung tâm Cách mạng công nghiệp trên toàn cầu … của Diễn đàn Kinh tế thế giới") but never names.
@pytest.mark.parametrize(("kind", "precision", "recall"), [
    ("known-actor", 0.95, 0.94), ("figure", 0.90, 0.90), ("date", 0.95, 0.95), ("new-actor", 0.80, 0.80)])
def test_the_curated_articles_read_leave_one_out_meet_the_targets(leave_one_out: dict[str, dict[str, Score]], kind: str,
                                                                  precision: float, recall: float) -> None:
    total = _total(leave_one_out, kind)
    assert total.gold >= 10, f"the gold standard holds too few {kind} to measure"
    assert total.precision >= precision and total.recall >= recall, f"{kind}: {total}"


def test_every_candidate_quotes_its_article_exactly(store: ox.Store, vocabulary: Vocabulary, seeds: dict[str, str]) -> None:
    gazetteer = Gazetteer.from_store(store)
    for name, text in seeds.items():
        candidates = extract(ArticleText(document=ID[f"doc-{name[:3]}"], text=text), gazetteer=gazetteer,
                             vocabulary=vocabulary)
        assert {c.kind for c in candidates} >= {"known-actor", "figure"}
        for c in candidates:
            evidence = list(c.triples.subjects(RDF.type, OA.SpecificResource))
            assert evidence, c.summary
            for ev in evidence:
                [quote] = [c.triples.value(s, OA.exact) for s in c.triples.objects(ev, OA.hasSelector)
                           if c.triples.value(s, OA.exact) is not None]
                [start] = [c.triples.value(s, OA.start) for s in c.triples.objects(ev, OA.hasSelector)
                           if c.triples.value(s, OA.start) is not None]
                [end] = [c.triples.value(s, OA.end) for s in c.triples.objects(ev, OA.hasSelector)
                         if c.triples.value(s, OA.end) is not None]
                assert text[int(start):int(end)] == str(quote), (name, c.summary)
            if c.kind == "figure":  # the build's own reader reads the value from the candidate's quote
                value = Decimal(str(c.triples.value(c.node, SDMX_MEASURE.obsValue)))
                unit = local_name(str(c.triples.value(c.node, SDMX_ATTRIBUTE.unitMeasure)))
                assert any(f.value == value and f.unit == unit for f in read_figures(str(quote))), c.summary


def test_a_day_without_a_year_stays_without_one_and_the_article_date_is_only_an_inference(
        store: ox.Store, vocabulary: Vocabulary, seeds: dict[str, str]) -> None:
    text = seeds["004_fdba76f455c76230.txt"]
    candidates = extract(ArticleText(document=ID["doc-004"], text=text, issued=date(2025, 4, 15)),
                         gazetteer=Gazetteer.from_store(store), vocabulary=vocabulary)
    [meeting] = [c for c in candidates if c.kind == "event" and "14/4" in c.summary]
    assert meeting.triples.value(meeting.node, SCHEMA.startDate) is None
    partial = meeting.triples.value(meeting.node, IG.partialDate)
    assert (str(meeting.triples.value(partial, TIME.month)), str(meeting.triples.value(partial, TIME.day))) == ("--04", "---14")
    assert meeting.triples.value(partial, TIME.year) is None
    [inference] = [c for c in candidates if c.kind == "date" and c.triples.value(c.node, IG.about) == meeting.node]
    assert inference.rule == "inference:article-date" and inference.triples.value(inference.node, RDF.type) == IG.Inference
    assert str(inference.triples.value(inference.node, IG.inferredValue)) == "2025"


def test_header_lines_are_the_documents_not_facts(store: ox.Store, vocabulary: Vocabulary) -> None:
    text = "URL: https://example.invalid/a-2024\nDATE: 28/12/2024 09:52\n\nKhu Công nghệ cao TP.HCM ước đạt 20,05 tỷ USD năm 2024.\n"
    candidates = extract(ArticleText(document=ID["doc-900"], text=text), gazetteer=Gazetteer.from_store(store),
                         vocabulary=vocabulary)
    body = text.index("Khu")
    assert all(c.span[0] >= body for c in candidates)
    [figure] = [c for c in candidates if c.kind == "figure"]
    assert str(figure.triples.value(figure.node, SDMX_MEASURE.obsValue)) == "20050000000"


def test_extracting_is_deterministic(store: ox.Store, vocabulary: Vocabulary, seeds: dict[str, str], tmp_path: Path) -> None:
    gazetteer = Gazetteer.from_store(store)
    text = seeds["003_edde3cb67484f8ea.txt"]
    for name in ("a.trig", "b.trig"):
        write_draft(tmp_path / name, extract(ArticleText(document=ID["doc-003"], text=text), gazetteer=gazetteer,
                                             vocabulary=vocabulary))
    assert (tmp_path / "a.trig").read_bytes() == (tmp_path / "b.trig").read_bytes()
    again = read_draft(tmp_path / "a.trig")
    assert [(c.key, c.state, len(c.triples)) for c in again] == [
        (c.key, c.state, len(c.triples)) for c in extract(ArticleText(document=ID["doc-003"], text=text),
                                                          gazetteer=gazetteer, vocabulary=vocabulary)]


def test_a_rerun_after_a_review_proposes_nothing_already_accepted_or_rejected(settings: Settings, seeds: dict[str, str],
                                                                             tmp_path: Path) -> None:
    local = settings.model_copy(update={"data_dir": tmp_path / "data", "sources_dir": tmp_path / "sources",
                                        "review_dir": tmp_path / "review"})
    shutil.copytree(settings.data_dir, local.data_dir)
    article = tmp_path / "article.txt"
    article.write_text("URL: https://example.invalid/shtp\n\n" + seeds["000_d8733fc31d127914.txt"], encoding="utf-8")
    added = register(local, article)
    extractor = Extractor.from_settings(local)
    first = extractor.propose(local, document=added.doc, identifier=added.identifier, issued=added.issued)
    candidates = read_draft(first.draft)
    assert first.new == len(candidates) == first.pending > 5
    accepted, rejected = candidates[0], candidates[1]
    accepted.state, rejected.state = "accepted", "rejected"
    write_draft(first.draft, candidates)
    second = extractor.propose(local, document=added.doc, identifier=added.identifier, issued=added.issued)
    after = read_draft(second.draft)
    assert second.new == 0 and second.decided == 2 and second.pending == len(candidates) - 2
    keys = [c.key for c in after]
    assert len(keys) == len(set(keys))
    states = {c.key: c.state for c in after}
    assert (states[accepted.key], states[rejected.key]) == ("accepted", "rejected")
    assert all(isinstance(c, Candidate) for c in after)
