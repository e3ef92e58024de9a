"""The curator's review: decisions on a draft, accepted facts written to graph/data, the terminal and the page."""

import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS
from typer.testing import CliRunner

from graph import review
from graph.build import validate
from graph.candidates import STATES, Candidate, evidence, read_draft, write_draft
from graph.cli import app as cli
from graph.namespaces import CONCEPT, ID, IG, ORG, PROV, QB, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE
from graph.review_page import create_review_app
from graph.settings import PROJECT_ROOT, Settings

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's XSD warns when pytest looks into the module
NAME = "000_review_test"
DOC = ID["doc-000"]
SEED = "000_d8733fc31d127914.txt"
HEADER = ("# Facts of 000_d8733fc31d127914.txt proposed by the extractor and accepted in review (test).\n"
          "# Every fact links to its evidence.\n\n")
FIGURE, KNOWN, NEW = "figure:252-272:20050000000", "known-actor:203-242:shtp", "new-actor:2098-2112:experts"
ENV_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")


def _text() -> str:
    path = Settings().seeds_dir / SEED
    if not path.is_file():
        pytest.skip(f"the seed article {path} is absent")
    return path.read_text(encoding="utf-8")


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def _candidate(text: str, kind: str, key: str, quote: str, node: URIRef, facts: list[tuple[object, object]],
               summary: str, *, subject: URIRef | None = None) -> Candidate:
    start, end = _span(text, quote)
    ev, g = evidence(DOC, text, start, end)
    for p, o in facts:
        g.add((node, p, o))  # type: ignore[arg-type]
    g.add((subject or node, PROV.wasDerivedFrom, ev))
    return Candidate(kind=kind, key=key, rule=f"rule:{kind}", confidence=0.8, summary=summary, node=node, triples=g,
                     span=(start, end), document=DOC)


def figure(text: str) -> Candidate:
    return _candidate(text, "figure", FIGURE, "ước đạt 20,05 tỷ USD", ID["obs-review-test-production-value"], [
        (RDF.type, QB.Observation), (IG.indicator, CONCEPT["indicator/high-tech-production-value"]),
        (SDMX_MEASURE.obsValue, Literal("20050000000.0", datatype=XSD.decimal)),
        (SDMX_ATTRIBUTE.unitMeasure, CONCEPT["unit/usd"]), (SDMX_ATTRIBUTE.obsStatus, CONCEPT["obs-status/estimated"]),
        (SDMX_DIMENSION.refArea, ID["shtp"])], "Production value of high-tech products: 20,05 tỷ USD (estimated)")


def known(text: str) -> Candidate:
    return _candidate(text, "known-actor", KNOWN, "Khu Công nghệ cao Thành phố Hồ Chí Minh", ID["shtp"], [],
                      "Khu Công nghệ cao Thành phố Hồ Chí Minh: igr:shtp")


def new_actor(text: str, *, key: str = NEW, quote: str = "các chuyên gia", slug: str = "review-test-mems-experts",
              vi: str | None = "Các chuyên gia vi cơ điện tử", en: str | None = "MEMS experts") -> Candidate:
    facts: list[tuple[object, object]] = [(RDF.type, ORG.OrganizationalCollaboration), (IG.category, CONCEPT["category/academia"])]
    facts += [(RDFS.label, Literal(vi, lang="vi"))] if vi else []
    facts += [(RDFS.label, Literal(en, lang="en"))] if en else []
    return _candidate(text, "new-actor", key, quote, ID[slug], facts, f"a new actor: {vi or en}")


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Settings, review.Article, str]:
    """A copy of graph/data with an empty article file 000_review_test.ttl, and its draft of three candidates."""
    text = _text()
    data = tmp_path / "data"
    shutil.copytree(Settings().data_dir, data, ignore=shutil.ignore_patterns(".*"))
    (data / f"{NAME}.ttl").write_text(HEADER + "@prefix igr: <https://w3id.org/innograph/id/> .\n", encoding="utf-8")
    settings = Settings(data_dir=data, review_dir=tmp_path / "review", sources_dir=tmp_path / "sources", curator="Test Curator")
    write_draft(settings.review_dir / f"{NAME}.trig", [figure(text), known(text), new_actor(text)])
    return settings, review.find_article(settings, NAME), text


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ENV_KEEP}
    env.update(INNOGRAPH_DATA_DIR=str(settings.data_dir), INNOGRAPH_REVIEW_DIR=str(settings.review_dir),
               INNOGRAPH_SOURCES_DIR=str(settings.sources_dir), INNOGRAPH_SEEDS_DIR=str(settings.seeds_dir),
               INNOGRAPH_CURATOR="Terminal Curator", PYTHONPATH=str(PROJECT_ROOT), PYTHONUNBUFFERED="1")
    return env


def _states(article: review.Article) -> dict[str, str]:
    return {c.key: c.state for c in read_draft(article.draft)}


# ---------------------------------------------------------------------------------------------


def test_an_article_is_found_by_its_name_file_document_or_number(workspace: tuple[Settings, review.Article, str]) -> None:
    settings, article, _ = workspace
    for name in (NAME, f"{NAME}.trig", f"{NAME}.ttl", "review_test", "doc-000", "igr:doc-000", f"{ID}doc-000", "000", "0"):
        found = review.find_article(settings, name)
        assert (found.name, found.draft, found.data_file, found.document) == (
            NAME, settings.review_dir / f"{NAME}.trig", settings.data_dir / f"{NAME}.ttl", DOC), name
    with pytest.raises(review.ReviewError, match=f"the drafts are: {NAME}"):
        review.find_article(settings, "007")


def test_accept_reject_and_correct_change_only_what_they_should(workspace: tuple[Settings, review.Article, str]) -> None:
    _, article, _ = workspace
    candidates = review.read_candidates(article)
    assert [c.key for c in candidates] == [KNOWN, FIGURE, NEW]  # article order
    accepted = review.accept(candidates, FIGURE)
    assert [c.state for c in accepted] == ["pending", "accepted", "pending"]
    assert [c.state for c in candidates] == ["pending"] * 3  # the list given is left as it was
    assert [c.state for c in review.reject(candidates, 3)] == ["pending", "pending", "rejected"]

    fixed = review.find_candidate(review.correct(candidates, FIGURE, value="20,05 tỷ USD", date="2024"), FIGURE)
    obs = fixed.node
    assert fixed.state == "accepted"
    assert fixed.triples.value(obs, SDMX_MEASURE.obsValue).toPython() == Decimal("20050000000")
    assert fixed.triples.value(obs, SDMX_DIMENSION.refPeriod) == Literal("2024", datatype=XSD.gYear)
    again = review.find_candidate(review.correct(candidates, FIGURE, value="17030000000", date="2024-12-28"), FIGURE)
    assert str(again.triples.value(obs, SDMX_MEASURE.obsValue)) == "17030000000.0"
    assert again.triples.value(obs, SDMX_DIMENSION.refPeriod) == Literal("2024-12-28", datatype=XSD.date)

    actor = review.find_candidate(review.correct(candidates, NEW, label_vi="Nhóm chuyên gia", label_en="Expert group",
                                                 cls="org:FormalOrganization"), NEW)
    assert set(actor.triples.objects(actor.node, RDFS.label)) == {Literal("Nhóm chuyên gia", lang="vi"),
                                                                 Literal("Expert group", lang="en")}
    assert set(actor.triples.objects(actor.node, RDF.type)) == {ORG.FormalOrganization}
    assert actor.triples.value(actor.node, PROV.wasDerivedFrom) is not None  # its evidence stays
    described = review.find_candidate(review.correct(candidates, NEW, description_vi="Nhóm chuyên gia MEMS.",
                                                     description_en="A group of MEMS experts."), NEW)
    assert review.node_descriptions(described) == {"vi": "Nhóm chuyên gia MEMS.", "en": "A group of MEMS experts."}

    for bad in ({"value": "12"}, {}):  # an actor has no value; nothing to correct
        with pytest.raises(review.ReviewError):
            review.correct(candidates, NEW, **bad)
    with pytest.raises(review.ReviewError, match="not a date"):
        review.correct(candidates, FIGURE, date="14/4")
    with pytest.raises(review.ReviewError, match="not a class"):
        review.correct(candidates, NEW, cls="FormalOrganization")

    review.decide(article, "accept", FIGURE)  # saved at once
    assert _states(article) == {KNOWN: "pending", FIGURE: "accepted", NEW: "pending"}


def test_link_puts_the_existing_actor_everywhere_the_proposed_one_was(store: ox.Store) -> None:
    text = _text()
    quote = "Tổ công tác hoàn thiện Đề án thành lập Trung tâm Cách mạng công nghiệp lần thứ 4"
    group = new_actor(text, key="new-actor:group", quote=quote, slug="review-test-working-group",
                      vi="Tổ công tác hoàn thiện Đề án thành lập Trung tâm Cách mạng công nghiệp lần thứ 4 (C4IR)",
                      en="C4IR scheme working group")
    membership = _candidate(text, "person-post", "person-post:group", quote, ID["membership-review-test"], [
        (RDF.type, ORG.Membership), (ORG.organization, group.node), (ORG.member, ID["shtp"])], "SHTP in the group")
    actors = review.known_actors(store)
    suggestions = review.suggest(actors, group)
    existing = ID["c4ir-scheme-working-group"]
    assert suggestions[0].actor.iri == str(existing)
    assert review.resolve_actor(actors, "1", suggestions=suggestions).iri == str(existing)
    assert review.resolve_actor(actors, "igr:c4ir-scheme-working-group").iri == str(existing)
    assert review.resolve_actor(actors, "to cong tac hoan thien de an thanh lap c4ir").iri == str(existing)  # no diacritics

    out = review.link([group, membership], "new-actor:group", str(existing))
    linked, member = out
    assert (linked.kind, linked.state, linked.node, linked.key) == ("known-actor", "accepted", existing, group.key)
    assert set(linked.triples.predicates(existing, None)) == {PROV.wasDerivedFrom}  # type, labels, category dropped
    ev = linked.triples.value(existing, PROV.wasDerivedFrom)
    assert (ev, RDF.type, URIRef("http://www.w3.org/ns/oa#SpecificResource")) in linked.triples
    assert (member.node, ORG.organization, existing) in member.triples
    assert all(group.node not in (s, o) for c in out for s, _, o in c.triples)
    with pytest.raises(review.ReviewError, match="only a new actor"):
        review.link(out, "person-post:group", str(existing))


def test_merge_makes_two_proposed_actors_one() -> None:
    text = _text()
    a = new_actor(text)
    b = new_actor(text, key="new-actor:b", quote="Bạch Dương", slug="review-test-other", vi="Nhóm chuyên gia MEMS",
                  en="MEMS expert group")
    ref = _candidate(text, "relationship", "relationship:b", "Bạch Dương", ID["cooperation-review-test"], [
        (RDF.type, IG.Cooperation), (IG.party, b.node)], "a cooperation with b")
    merged, gone, pointing = (review.find_candidate(review.merge([a, b, ref], NEW, "new-actor:b"), k)
                              for k in (NEW, "new-actor:b", "relationship:b"))
    assert {o for o in merged.triples.objects(a.node, SKOS.altLabel)} == {Literal("Nhóm chuyên gia MEMS", lang="vi"),
                                                                          Literal("MEMS expert group", lang="en")}
    assert len(set(merged.triples.objects(a.node, PROV.wasDerivedFrom))) == 2  # b's evidence too
    assert set(merged.triples.objects(a.node, RDF.type)) == {ORG.OrganizationalCollaboration}
    assert gone.state == "rejected" and "merged into igr:review-test-mems-experts" in gone.summary
    assert (pointing.node, IG.party, a.node) in pointing.triples and (pointing.node, IG.party, b.node) not in pointing.triples
    with pytest.raises(review.ReviewError):
        review.merge([a, b], NEW, NEW)


def test_accepted_facts_are_written_once_with_who_accepted_them_and_the_graph_stays_valid(
        workspace: tuple[Settings, review.Article, str]) -> None:
    settings, article, _ = workspace
    for key in (FIGURE, KNOWN, NEW):
        review.decide(article, "accept", key)
    assert review.status(settings, article) == review.ReviewStatus(pending=0, accepted=3, rejected=0, unwritten=3, written=0)
    now = datetime(2025, 1, 2, 3, 4, 5, 600, tzinfo=timezone.utc)
    result = review.write_accepted(settings, article, curator="Nguyễn Văn Curator", now=now)
    activity, agent = ID["review-000-20250102T030405"], ID["curator-nguyen-van-curator"]
    assert (result.written, result.activity, result.curator) == ((KNOWN, FIGURE, NEW), activity, agent)

    body = article.data_file.read_text(encoding="utf-8")
    assert body.startswith(HEADER + "@prefix")  # the leading comment block as it was
    data = Graph().parse(article.data_file, format="turtle")
    for c in review.read_candidates(article):
        assert all(t in data for t in c.triples if not any(isinstance(x, BNode) for x in t)), c.key
        assert review.is_written(c, data)
    assert {(activity, RDF.type, PROV.Activity), (activity, PROV.wasAssociatedWith, agent),
            (activity, PROV.endedAtTime, Literal("2025-01-02T03:04:05Z", datatype=XSD.dateTime)),
            (activity, PROV.used, DOC), (agent, RDF.type, PROV.Agent),
            (agent, FOAF.name, Literal("Nguyễn Văn Curator"))} <= set(data)
    generated = set(data.subjects(PROV.wasGeneratedBy, activity))
    assert generated == {ID["obs-review-test-production-value"], ID["review-test-mems-experts"]}  # not igr:shtp
    assert validate(settings).violations == []

    before = article.data_file.read_bytes()
    again = review.write_accepted(settings, article, curator="Someone Else", now=datetime.now(timezone.utc))
    assert (again.written, again.activity, again.already) == ((), None, 3)
    assert article.data_file.read_bytes() == before
    assert review.status(settings, article) == review.ReviewStatus(pending=0, accepted=3, rejected=0, unwritten=0, written=3)
    with pytest.raises(review.ReviewError, match="already written"):
        review.decide(article, "reject", FIGURE)


def test_a_fact_that_breaks_a_shape_is_refused_and_the_data_file_is_left_byte_for_byte(
        workspace: tuple[Settings, review.Article, str]) -> None:
    settings, article, text = workspace
    candidates = review.read_candidates(article) + [
        new_actor(text, key="new-actor:no-english", quote="Bạch Dương", slug="review-test-no-english", en=None)]
    write_draft(article.draft, review.accept(review.accept(candidates, "new-actor:no-english"), FIGURE))
    before = article.data_file.read_bytes()
    listing = sorted(p.name for p in settings.data_dir.iterdir())
    with pytest.raises(review.WriteRefused) as refused:
        review.write_accepted(settings, article, curator="Test Curator", now=datetime.now(timezone.utc))
    found = [(v.node, v.rule, v.files) for v in refused.value.violations]
    assert ("igr:review-test-no-english", "igs:LabelledShape rdfs:label", (f"data/{NAME}.ttl",)) in found
    assert "igr:review-test-no-english" in str(refused.value) and "needs an rdfs:label in English" in str(refused.value)
    assert article.data_file.read_bytes() == before
    assert sorted(p.name for p in settings.data_dir.iterdir()) == listing  # no temporary file left behind


# ---------------------------------------------------------------------------------------------
# The terminal


def _read_until(process: subprocess.Popen[bytes], marker: bytes, count: int, *, timeout: float = 20) -> bytes:
    assert process.stdout is not None
    seen, deadline = b"", time.monotonic() + timeout
    while seen.count(marker) < count:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(process.stdout.fileno(), 65536) if ready else b""
        if not chunk:
            pytest.fail(f"no {marker!r} × {count} in the review's output: {seen.decode(errors='replace')}")
        seen += chunk
    return seen


def test_the_terminal_review_saves_each_key_and_q_writes_the_accepted_facts(
        workspace: tuple[Settings, review.Article, str]) -> None:
    settings, article, _ = workspace
    done = subprocess.run([sys.executable, "-m", "graph", "review", "000"], input=b"a\nr\nq\n", env=_env(settings),
                          capture_output=True, timeout=60)
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "19,2 tỷ USD/20 tỷ USD giá trị sản xuất" in out  # the title
    assert "»Khu Công nghệ cao Thành phố Hồ Chí Minh«" in out and "»ước đạt 20,05 tỷ USD«" in out
    assert _states(article) == {KNOWN: "accepted", FIGURE: "rejected", NEW: "pending"}
    data = Graph().parse(article.data_file, format="turtle")
    assert (ID["shtp"], PROV.wasDerivedFrom, ID["ev-000-203-242"]) in data
    assert (None, SDMX_MEASURE.obsValue, None) not in data
    assert (ID["curator-terminal-curator"], FOAF.name, Literal("Terminal Curator")) in data


def test_ctrl_c_keeps_the_decisions_made_and_writes_nothing(workspace: tuple[Settings, review.Article, str]) -> None:
    settings, article, _ = workspace
    before = article.data_file.read_bytes()
    process = subprocess.Popen([sys.executable, "-m", "graph", "review", NAME], env=_env(settings),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdin is not None
    try:
        _read_until(process, b"[a]ccept", 1)
        process.stdin.write(b"a\n")
        process.stdin.flush()
        _read_until(process, b"[a]ccept", 1)  # the prompt for the second candidate: waiting for a key
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 130
    assert f"innograph review {NAME}" in err.decode() and "nothing was written" in err.decode()
    assert _states(article) == {KNOWN: "accepted", FIGURE: "pending", NEW: "pending"}
    assert article.data_file.read_bytes() == before


_WRITER = """
import itertools, sys, time
from datetime import datetime, timedelta, timezone
from graph import review
from graph.rdfio import replace_file
from graph.settings import Settings
settings = Settings()
article = review.find_article(settings, sys.argv[1])
keys = [c.key for c in review.read_candidates(article)]
start = datetime(2025, 1, 1, tzinfo=timezone.utc)

def decide_all(action):
    for key in keys:
        review.decide(article, action, key)

original, written = article.data_file.read_bytes(), open(sys.argv[2], "rb").read()  # the file before and after a write
print("ready", flush=True)
for i in itertools.count(1):  # the draft and the data file change at every step, old and new in turn
    if i % 2:
        replace_file(article.data_file, original)
        decide_all("reject")
    else:
        decide_all("accept")
        if i % 10 == 0:  # a whole write again: validation, then the file replaced
            review.write_accepted(settings, article, curator="Killed Curator", now=start + timedelta(seconds=i))
        else:
            replace_file(article.data_file, written)
        review.status(settings, article)  # the new file read back while the next step waits
        time.sleep(0.05)
"""


def test_a_kill_at_any_moment_leaves_the_draft_and_the_data_whole(tmp_path: Path) -> None:
    text = _text()
    template = tmp_path / "template"
    shutil.copytree(Settings().data_dir, template / "data", ignore=shutil.ignore_patterns(".*"))
    (template / "data" / f"{NAME}.ttl").write_text(HEADER, encoding="utf-8")
    settings = Settings(data_dir=template / "data", review_dir=template / "review", sources_dir=template / "sources")
    candidates = [figure(text), known(text), new_actor(text)]
    write_draft(settings.review_dir / f"{NAME}.trig", [c for k in (FIGURE, KNOWN, NEW) for c in review.accept(candidates, k)
                                                       if c.key == k])
    article = review.find_article(settings, NAME)
    review.write_accepted(settings, article, curator="Killed Curator", now=datetime(2025, 1, 1, tzinfo=timezone.utc))
    (tmp_path / "written.ttl").write_bytes(article.data_file.read_bytes())
    (template / "data" / f"{NAME}.ttl").write_text(HEADER, encoding="utf-8")
    write_draft(article.draft, candidates)
    runs = []
    for run in range(3):
        shutil.copytree(template, tmp_path / f"run{run}")
        settings = Settings(data_dir=tmp_path / f"run{run}" / "data", review_dir=tmp_path / f"run{run}" / "review",
                            sources_dir=tmp_path / f"run{run}" / "sources")
        process = subprocess.Popen([sys.executable, "-c", _WRITER, NAME, str(tmp_path / "written.ttl")],
                                   env=_env(settings), stdout=subprocess.PIPE)
        runs.append((settings, process))
    for _, process in runs:
        _read_until(process, b"ready", 1)
    started = time.monotonic()
    for at, (_, process) in sorted(zip((random.uniform(0.05, 1.5) for _ in runs), runs), key=lambda r: r[0]):
        time.sleep(max(0.0, started + at - time.monotonic()))
        assert process.poll() is None  # still deciding and writing when it is killed
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    checked: set[bytes] = set()
    for settings, _ in runs:
        article = review.find_article(settings, NAME)
        assert {c.state for c in read_draft(article.draft)} <= set(STATES) and len(read_draft(article.draft)) == 3
        Graph().parse(article.data_file, format="turtle")
        body = article.data_file.read_bytes()
        if body not in checked:  # the same file (old, or new from the same write) is validated once
            assert validate(settings).violations == [], body.decode()
            checked.add(body)


# ---------------------------------------------------------------------------------------------
# The page


class _Marks(HTMLParser):
    """Each <mark> piece of the article text: its candidate, its data-start and data-end, and the text in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[dict[str, object]] = []
        self.open: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mark" and dict(attrs).get("data-candidate"):
            a = dict(attrs)
            piece = {"n": int(a["data-candidate"] or 0), "start": int(a["data-start"] or 0), "end": int(a["data-end"] or 0),
                     "text": ""}
            self.pieces.append(piece)
            self.open.append(piece)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for piece in self.open:
            piece["text"] = str(piece["text"]) + data


def test_the_review_page_marks_each_span_escapes_everything_and_takes_only_its_own_forms(
        workspace: tuple[Settings, review.Article, str]) -> None:
    settings, article, text = workspace
    hostile = _candidate(text, "relationship", "relationship:hostile", text[230:260], ID["review-test-hostile"],
                         [(RDF.type, IG.Cooperation)], '<script>alert("x")</script> & co')
    write_draft(article.draft, review.read_candidates(article) + [hostile])  # crosses the SHTP and figure spans
    client = TestClient(create_review_app(settings, curator="Page Curator"), base_url="http://127.0.0.1")

    listing = client.get("/")
    assert listing.status_code == 200 and f'href="/articles/{NAME}"' in listing.text
    page = client.get(f"/articles/{NAME}")
    assert page.status_code == 200
    html = page.text
    marks = _Marks()
    marks.feed(html)
    candidates = review.read_candidates(article)
    assert [c.span for c in candidates] == [(203, 242), (230, 260), (252, 272), (2098, 2112)]
    for number, c in enumerate(candidates, 1):
        pieces = [p for p in marks.pieces if p["n"] == number]
        assert pieces and pieces[0]["start"] == c.span[0] and pieces[-1]["end"] == c.span[1], c.key
        assert all(p["text"] == text[p["start"]:p["end"]] for p in pieces)  # type: ignore[misc]
        assert "".join(str(p["text"]) for p in pieces) == text[c.span[0]:c.span[1]]
    assert len({p["n"] for p in marks.pieces}) == 4 and len(marks.pieces) > 4  # the crossing span is split
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in html
    assert "R&amp;D" in html and "R&D" not in html  # the article's own text is escaped
    assert not re.search(r"""(src|href|action)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)  # nothing from elsewhere
    assert "data-candidate" in html and 'class="k-figure s-pending"' in html

    found = client.get(f"/articles/{NAME}", params={"find": "to cong tac hoan thien"})
    assert f'value="{ID}c4ir-scheme-working-group"' in found.text.split("every actor")[0]  # found without diacritics

    token = re.search(r'name="token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    refused = client.post(f"/articles/{NAME}/decide", data={"action": "reject", "key": KNOWN}, follow_redirects=False)
    stale = client.post(f"/articles/{NAME}/decide", data={"action": "reject", "key": KNOWN, "token": "x" * 43},
                        follow_redirects=False)
    assert (refused.status_code, stale.status_code) == (403, 403) and "token" in refused.text
    assert _states(article)[KNOWN] == "pending"
    done = client.post(f"/articles/{NAME}/decide", data={"action": "accept", "key": FIGURE, "token": token},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/articles/{NAME}?note=")
    assert _states(article)[FIGURE] == "accepted"
    assert "now accepted" in client.get(done.headers["location"]).text
    client.post(f"/articles/{NAME}/decide", data={"action": "accept", "key": "relationship:hostile", "token": token})
    before = article.data_file.read_bytes()
    wrote = client.post(f"/articles/{NAME}/write", data={"token": token}, follow_redirects=False)
    shown = client.get(wrote.headers["location"]).text  # the violations, on the page, escaped
    assert "not written" in shown and "igr:review-test-hostile" in shown and "igs:RelationshipShape" in shown
    assert article.data_file.read_bytes() == before
    assert TestClient(create_review_app(settings), base_url="http://evil.example").get("/").status_code == 400


def test_the_review_page_listens_on_loopback_only() -> None:
    result = CliRunner().invoke(cli, ["review", "--serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "127.0.0.1 only" in result.output
