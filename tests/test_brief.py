"""Stakeholder briefs: every name and figure they state is in the graph with its evidence, every footnote
resolves to a quote in its source that contains what it supports; Markdown, HTML (in Chromium, offline)
and PDF (its pages drawn by pdftoppm); the CLI and /briefs."""

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from browser import chromium, open_page
from conftest import quote_at
from graph import brief as brief_module
from graph import network as nw
from graph.brief import Brief, build_brief, render
from graph.errors import ParameterError
from graph.query import run
from graph.search import find_actor

IGR = "https://w3id.org/innograph/id/"
SUBJECTS = [("c4ir-hcmc", None), ("shtp-board", None), ("consulate-general-japan", None), ("torino", None),
            ("c4ir-hcmc", "consulate-general-united-states")]
NUMBER_WORDS = {"1": "một", "2": "hai", "3": "ba", "4": "bốn", "5": "năm", "6": "sáu", "7": "bảy", "8": "tám", "9": "chín", "10": "mười"}


@pytest.fixture(scope="module")
def briefs(store: ox.Store) -> dict[tuple[str, str | None, str], Brief]:
    return {(a, b, lang): build_brief(store, a, other=b, lang=lang, as_of=date(2026, 1, 1))
            for a, b in SUBJECTS for lang in ("vi", "en")}


@pytest.fixture(scope="module")
def labels(store: ox.Store) -> set[str]:
    """Every name the graph gives anything, in any language."""
    rows = run(store, "SELECT ?l WHERE { ?s rdfs:label|skos:prefLabel|skos:altLabel|foaf:name ?l }")
    return {row["l"].value for row in rows}  # type: ignore[union-attr]


def _lines(brief: Brief):  # type: ignore[no-untyped-def]
    for section in brief.sections:
        for line in section.lines + section.rows:
            yield section, line


@pytest.mark.parametrize(("actor", "other"), SUBJECTS, ids=lambda v: v or "alone")
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_footnote_resolves_to_its_quote_in_its_source(briefs: dict, texts: dict[str, str], actor: str,
                                                            other: str | None, lang: str) -> None:
    brief = briefs[(actor, other, lang)]
    assert [n.number for n in brief.notes] == list(range(1, len(brief.notes) + 1))
    for note in brief.notes:
        assert quote_at(texts, note.file, note.start, note.end) in (note.quote, None), f"[{note.number}] is not at {note.file}:{note.start}"
    cited = {n for _, line in _lines(brief) for n in line.notes}
    assert cited == {n.number for n in brief.notes}, "a note nothing cites, or a citation with no note"
    for section, line in _lines(brief):
        if section.key not in ("network", "gaps"):
            assert line.notes, f"{section.title}: {line.text!r} has no footnote"


@pytest.mark.parametrize(("actor", "other"), SUBJECTS, ids=lambda v: v or "alone")
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_name_stated_is_a_name_in_the_graph(briefs: dict, labels: set[str], actor: str, other: str | None,
                                                  lang: str) -> None:
    for section, line in _lines(briefs[(actor, other, lang)]):
        unknown = [name for name in line.names if name not in labels and not name.startswith(("obs-", "membership-"))]
        assert not unknown, f"{section.title}: {unknown} are not names in the graph"


@pytest.mark.parametrize(("actor", "other"), SUBJECTS, ids=lambda v: v or "alone")
def test_each_figure_is_in_the_graph_and_its_quote_says_it(briefs: dict, store: ox.Store, actor: str,
                                                           other: str | None) -> None:
    brief = briefs[(actor, other, "vi")]
    notes = {n.number: n for n in brief.notes}
    for section, line in _lines(brief):
        if section.key != "figures":
            continue
        assert run(store, f"ASK {{ <{line.fact}> a qb:Observation ; prov:wasDerivedFrom ?evidence }}")
        quotes = " ".join(notes[n].quote for n in line.notes)
        for figure in line.figures:
            number = re.search(r"\d[\d.,]*", figure)[0]  # type: ignore[index]
            assert number in quotes or NUMBER_WORDS.get(number, "\0") in quotes, f"{figure} is not in {quotes!r}"


@pytest.mark.parametrize(("actor", "other"), SUBJECTS, ids=lambda v: v or "alone")
def test_a_post_holders_footnote_quotes_the_holder_by_name(briefs: dict, store: ox.Store, actor: str, other: str | None) -> None:
    brief = briefs[(actor, other, "vi")]
    notes = {n.number: n for n in brief.notes}
    people = {row["n"].value for row in run(store, "SELECT ?n WHERE { ?p a foaf:Person ; foaf:name|rdfs:label ?n }")}  # type: ignore[union-attr]
    checked = []
    for section, line in _lines(brief):
        if section.key == "people":
            named = [name for name in line.names if name in people]
            quotes = " ".join(notes[n].quote for n in line.notes)
            assert all(name in quotes for name in named), f"{line.text!r}: {named} not in {quotes!r}"
            checked += named
    assert checked or actor == "consulate-general-japan"  # the articles name no holder of the Japanese consul's post


def test_the_briefs_say_what_the_articles_say(briefs: dict) -> None:
    def text(actor: str, other: str | None, lang: str) -> str:
        return render(briefs[(actor, other, lang)], "md").decode()

    c4ir = text("c4ir-hcmc", None, "vi")
    assert "Lê Trường Duy: Giám đốc" in c4ir and "14/4 (năm 2025 là suy luận của người biên tập)" in c4ir
    assert all(c in c4ir for c in ("Tổng Lãnh sự quán Nhật Bản", "Tổng Lãnh sự quán Hàn Quốc", "Tổng Lãnh sự quán Hoa Kỳ"))
    assert "1.000" in c4ir and "ít nhất 50%" in c4ir
    board = text("shtp-board", None, "en")
    assert "Nguyễn Kỳ Phùng" in board and "attested on 2024-12-28" in board
    park = text("shtp-board", None, "vi")  # the board manages the park: the park's figures are in its brief
    assert "| 20,05 tỷ USD | 2024 | Ước tính | 18,3% so với 2023 |" in park
    assert "- Không rõ năm — Buổi làm việc của Bộ trưởng Bộ KH&CN" in park  # the source gives no date at all
    japan = text("consulate-general-japan", None, "en")
    assert "C4IR HCMC working session" in japan and "Consul General of Japan in Ho Chi Minh City" in japan
    torino = text("torino", None, "vi")
    assert "Stefano Lo Russo: Thị trưởng" in torino and "24/09/2024" in torino
    pair = text("c4ir-hcmc", "consulate-general-united-states", "en")
    assert "## What the two share" in pair and "## What is open between them" in pair
    assert "Events both attended: C4IR HCMC working session" in pair
    # the consulate states no focus of its own: the sectors both are engaged in come through their relationships
    assert "Sectors both are engaged in: Advanced manufacturing; Artificial intelligence; New technologies; " \
           "Research and development" in pair
    open_between = pair.split("## What is open between them")[1].split("## ")[0]
    assert "other parties: Consulate General of Japan" in open_between  # who else, not the two again
    assert "Consulate General of the United States" not in open_between
    # what arose at one event is stated under it, and the event named once
    assert open_between.count("C4IR HCMC working session") == 1
    assert "- At C4IR HCMC working session with the Consuls General of the United States, Japan and Korea:\n" in open_between
    assert "\n  - Proposal: A training cooperation framework — status: proposed" in open_between


def test_a_persons_brief_dates_a_post_as_its_engagement_and_calls_them_they(store: ox.Store) -> None:
    """The session of 14 April has no year in its source; a curator inferred 2025. The post attested there says so
    as the engagement does, and the person's position is "they", not "it"."""
    en = render(build_brief(store, "le truong duy", lang="en", as_of=date(2026, 1, 1)), "md").decode()
    assert "Director, Centre for the Fourth Industrial Revolution Ho Chi Minh City (attested on 14 April; " \
           "the year 2025 is a curator's inference)" in en
    assert "- 14 April (the year 2025 is a curator's inference) — C4IR HCMC working session" in en
    assert "????" not in en
    assert "they rank" in en and "they belong to community" in en and " it " not in en.split("## Position")[1]
    vi = render(build_brief(store, "le truong duy", lang="vi", as_of=date(2026, 1, 1)), "md").decode()
    assert "(ghi nhận ngày 14/4; năm 2025 là suy luận của người biên tập)" in vi
    assert " nó " not in vi


def test_a_figure_is_written_with_its_units_and_qualifiers_labels(store: ox.Store) -> None:
    vi = render(build_brief(store, "ho-chi-minh-city", lang="vi", as_of=date(2026, 1, 1)), "md").decode()
    en = render(build_brief(store, "ho-chi-minh-city", lang="en", as_of=date(2026, 1, 1)), "md").decode()
    assert "| 6.770 đô la Mỹ/người | 2022 |" in vi and "| 6,770 US dollars per person | 2022 |" in en
    assert "| ít nhất 50% |" in vi and "| at least 50% |" in en


def test_sections_with_nothing_are_left_out(briefs: dict) -> None:
    torino = briefs[("torino", None, "en")]
    assert "figures" not in {s.key for s in torino.sections}  # the articles give Torino no figure
    assert all(s.lines or s.rows for s in torino.sections)


def test_a_brief_as_of_an_earlier_day_leaves_out_what_came_after(store: ox.Store) -> None:
    later = build_brief(store, "shtp-board", lang="en", as_of=date(2026, 1, 1))
    earlier = build_brief(store, "shtp-board", lang="en", as_of=date(2024, 6, 1))
    assert "As of: 2024-06-01" in render(earlier, "md").decode()

    def people(brief: Brief) -> list[str]:
        return [line.text for s in brief.sections if s.key == "people" for line in s.lines]

    held = [t for t in people(later) if t.startswith("Nguyễn Kỳ Phùng: ") and "2024-12-28" in t]
    assert held and not any(t in people(earlier) for t in held)


@pytest.mark.parametrize(("name", "iri"), [
    ("C4IR", "c4ir-hcmc"), ("trung tam cach mang cong nghiep lan thu 4 thanh pho ho chi minh", "c4ir-hcmc"),
    ("igr:torino", "torino"), (IGR + "shtp-board", "shtp-board"), ("Thanh pho Torino", "torino"), ("Tổng Lãnh sự quán Nhật Bản tại TPHCM", "consulate-general-japan"),
])
def test_an_actor_is_found_by_iri_slug_label_or_abbreviation(store: ox.Store, name: str, iri: str) -> None:
    assert find_actor(store, name) == IGR + iri


def test_an_ambiguous_name_lists_the_candidates_and_an_unknown_one_says_how_to_name(store: ox.Store) -> None:
    with pytest.raises(ParameterError, match=r"names \d+ actors: .*hcmc-department-of-science-and-technology"):
        find_actor(store, "So Khoa hoc va Cong nghe")
    with pytest.raises(ParameterError, match="no actor is named"):
        find_actor(store, "event-c4ir-hcmc-consuls-general-meeting")


def test_markdown_defines_every_footnote_it_uses(briefs: dict) -> None:
    text = render(briefs[("c4ir-hcmc", "consulate-general-united-states", "vi")], "md").decode()
    used = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    defined = set(re.findall(r"^\[\^(\d+)\]:", text, re.M))
    assert used and used == defined
    assert text.startswith("# Hồ sơ gặp gỡ: ") and "Tính đến ngày: 01/01/2026" in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_brief_names_its_sources_by_title_publisher_and_date(briefs: dict, fmt: str) -> None:
    """Notes and the list of documents name each source by its title, publisher and date (and link its URL
    where known), never by the hashed name of its text's file."""
    for lang, cited in (("vi", "19,2 tỷ USD/20 tỷ USD giá trị sản xuất của Khu Công nghệ cao TP.HCM năm 2024 là do xuất khẩu — VnEconomy, 28/12/2024"),
                        ("en", "19.2 of the 20 billion USD produced in the HCMC Hi-Tech Park in 2024 came from exports — VnEconomy, 2024-12-28")):
        brief = briefs[("shtp-board", None, lang)]
        text = render(brief, fmt).decode()  # type: ignore[arg-type]
        assert cited in text and cited in [name for name, _ in brief.documents]
        assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", text)
        assert all(note.cited != note.file for note in brief.notes)


def test_the_pdf_has_pages_that_pdftoppm_draws(briefs: dict, tmp_path: Path) -> None:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(render(briefs[("c4ir-hcmc", None, "vi")], "pdf"))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 5_000 for p in pages)
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Lê Trường Duy" in words and "Trung tâm Cách mạng công nghiệp lần thứ 4" in words


def test_the_html_brief_renders_in_chromium_with_no_request_leaving(base: str) -> None:
    url = f"{base}/briefs/c4ir-hcmc?with=consulate-general-united-states&lang=en"
    html = httpx.get(url, timeout=60).text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    with chromium() as devtools, open_page(devtools, url) as page:
        assert page.evaluate("document.querySelectorAll('svg circle').length") >= 2
        assert page.evaluate("document.querySelectorAll('ol.notes li').length") >= 10
        assert page.evaluate("[...document.querySelectorAll('a.ref')].every(a => document.querySelector(a.getAttribute('href')))")
        assert [r for r in page.requests if not r.startswith((base + "/", "data:"))] == []
        assert page.errors == [] and page.dialogs == []


@pytest.mark.parametrize(("path", "status", "fragment"), [
    ("/briefs/torino?format=md&lang=en", 200, "# Brief: Turin"),
    ("/briefs/C4IR?with=Tổng Lãnh sự quán Hoa Kỳ tại TPHCM&format=md", 200, "# Hồ sơ gặp gỡ"),
    ("/briefs/So Khoa hoc?format=md", 400, "names"),
    ("/briefs/nobody", 400, "no actor is named"),
    ("/briefs/torino?as_of=yesterday", 400, "YYYY-MM-DD"),
])
def test_the_briefs_route(base: str, path: str, status: int, fragment: str) -> None:
    answer = httpx.get(base + path, timeout=60)
    assert answer.status_code == status and fragment in answer.text


def test_the_pdf_route_and_the_cli(base: str, built_store: Path, tmp_path: Path) -> None:
    pdf = httpx.get(f"{base}/briefs/consulate-general-japan?format=pdf", timeout=120)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    out = tmp_path / "japan.md"
    done = subprocess.run([sys.executable, "-m", "graph", "brief", "Tổng Lãnh sự quán Nhật Bản", "--lang", "en", "--out", str(out),
                           "--store", str(built_store)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("# Brief: Consulate General of Japan in Ho Chi Minh City")


def test_a_brief_is_the_same_in_every_process(built_store: Path) -> None:
    """The drawing's layout starts from the order of the actors: an order taken from a set changed with each
    process's hash seed, and so did the picture."""
    def brief(seed: str) -> str:
        done = subprocess.run([sys.executable, "-m", "graph", "brief", "c4ir-hcmc", "--with", "consulate-general-united-states",
                               "--format", "html", "--as-of", "2026-01-01", "--store", str(built_store)],
                              capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = brief("1")
    assert "<svg" in first and first == brief("2")


def test_every_actor_of_the_graph_gets_a_brief_whose_notes_resolve(store: ox.Store, texts: dict[str, str]) -> None:
    network = nw.project(store, shared_sectors=False)
    actors = [row["a"].value for row in run(store, "SELECT DISTINCT ?a WHERE { { ?a ig:category ?c } UNION { ?a a foaf:Person } }")]  # type: ignore[union-attr]
    assert len(actors) > 40
    for actor in actors:
        brief = build_brief(store, actor, lang="vi", as_of=date(2026, 1, 1), network=network)
        assert brief.sections[0].key == "who", actor
        for note in brief.notes:
            assert quote_at(texts, note.file, note.start, note.end) in (note.quote, None), (actor, note.number)


def test_a_hubs_drawing_holds_the_actors_most_tied_to_it_and_says_how_many_it_leaves_out(
        store: ox.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(brief_module, "_DRAWN", 6)  # the seed graph has no hub of 40 partners
    day = date(2026, 1, 1)
    hcmc = IGR + "ho-chi-minh-city"
    ties = nw.collaboration(nw.view(nw.project(store, shared_sectors=False), nw.Filters(as_of=day)))[hcmc]
    best = sorted(ties, key=lambda node: (-ties[node]["weight"], node))[:5]
    brief = build_brief(store, "ho-chi-minh-city", lang="en", as_of=day)
    assert brief.svg.count("<circle") == 6
    for node in best:
        assert f">{_label_of(store, node)[:30]}" in brief.svg  # long labels are cut in the drawing
    network_lines = [line.text for section in brief.sections if section.key == "network" for line in section.lines]
    assert f"The drawing shows 5 of the {len(ties)} actors tied to them directly: those with the most ties" in network_lines


def _label_of(store: ox.Store, iri: str) -> str:
    rows = run(store, f'SELECT ?l WHERE {{ <{iri}> rdfs:label ?l FILTER (LANG(?l) = "en") }}')
    return next(iter(rows))["l"].value  # type: ignore[index,union-attr]


def test_a_long_section_keeps_its_latest_lines_and_says_how_many_it_leaves_out(
        store: ox.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = build_brief(store, "ho-chi-minh-city", lang="en", as_of=date(2026, 1, 1))
    monkeypatch.setattr(brief_module, "_LONGEST", 4)  # the seed graph has no section of 25 lines
    cut = {s.key: s for s in build_brief(store, "ho-chi-minh-city", lang="en", as_of=date(2026, 1, 1)).sections}
    long_sections = [s for s in whole.sections if len(s.rows or s.lines) > 4]
    assert {s.key for s in long_sections} >= {"relationships", "figures"}
    for section in long_sections:
        stated = section.rows or section.lines
        latest = sorted(stated, key=lambda line: line.when, reverse=True)[:4]
        kept = cut[section.key].rows or cut[section.key].lines[:-1]
        assert [line.text for line in kept] == [line.text for line in stated if line in latest], section.key
        assert cut[section.key].lines[-1].text == \
            f"{len(stated) - 4} more, earlier or undated, are left out here; the actor's page (at its IRI above) lists them all"
    relationships = [line.text for line in cut["relationships"].lines]
    assert sum("Recommendation" in text for text in relationships) == 3  # the three of 24 September 2024 are the latest


def test_a_list_of_sectors_cites_one_fact_for_each_sector_not_every_fact(store: ox.Store, briefs: dict) -> None:
    brief = briefs[("c4ir-hcmc", None, "en")]
    line = next(line for section, line in _lines(brief)
                if section.key == "sectors" and line.text.startswith("Through its relationships"))
    first: dict[str, str] = {}  # sector -> the first fact (by IRI) that ties C4IR to it through a relationship
    for row in brief_module._rows(store, "sectors", actor=IGR + "c4ir-hcmc"):
        if row["how"] == "relationship":
            first[row["sector"]] = min(first.get(row["sector"], row["fact"]), row["fact"])
    assert len(first) == len(line.names) > 3
    quotes = set()
    for fact in first.values():
        for row in run(store, brief_module._RESOURCE["evidence"].text, substitutions={ox.Variable("resource"): ox.NamedNode(fact)}):
            quotes.add((row["file"].value, int(row["start"].value), int(row["end"].value)))  # type: ignore[union-attr]
    assert {(note.file, note.start, note.end) for note in brief.notes if note.number in line.notes} == quotes
