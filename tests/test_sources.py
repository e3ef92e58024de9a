"""Registering source articles (`innograph ingest add`): what is stored, what is refused, what is left untouched."""

import hashlib
import os
import shutil
import signal
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rdfns
from typer.testing import CliRunner

import graph.sources as sources
from conftest import ignore_ingested
from graph.build import validate
from graph.candidates import read_draft
from graph.cli import app
from graph.namespaces import ID, IG, SCHEMA
from graph.settings import PROJECT_ROOT, Settings
from graph.sources import SourceRefused, parse_issued, read_article, register, registered_documents, source_path

SEEDS = Settings().seeds_dir
ARTICLE = (
    "URL: https://vneconomy.vn/khu-cong-nghe-cao-2025.htm\n"
    "Title: Khu Công nghệ cao TP.HCM thu hút 1,5 tỷ USD đầu tư mới\n"
    "DATE: 2025-01-06\n"
    "publisher: VnEconomy\n"
    "\n"
    "Khu Công nghệ cao TP.HCM thu hút 1,5 tỷ USD đầu tư mới\n"
    "\n"
    "Năm 2025, Khu Công nghệ cao thu hút thêm 1,5\u00a0tỷ USD vốn đầu tư, tăng 12% so với cùng kỳ.\r\n"
)
DATELINE = (
    "December 28, 2024 | 09:52 GMT+7\n"
    "\n"
    "Trung tâm C4IR TP.HCM ký kết hợp tác với ba trường đại học\n"
    "\n"
    "Bạch Dương -\n"
    "\n"
    "Sáng 28/12, Trung tâm Cách mạng công nghiệp lần thứ 4 ký kết biên bản hợp tác.\n"
)


@pytest.fixture()
def workspace(tmp_path: Path) -> Settings:
    """A copy of graph/data with the five curated articles, an empty sources folder to be, and the real seeds folder."""
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "graph" / "data", data, ignore=ignore_ingested)
    return Settings(data_dir=data, sources_dir=tmp_path / "sources", seeds_dir=SEEDS, review_dir=tmp_path / "review")


def write(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def snapshot(*folders: Path) -> dict[str, bytes]:
    """Every file under the folders, by path, with its bytes."""
    return {str(p): p.read_bytes() for folder in folders if folder.exists() for p in sorted(folder.rglob("*")) if p.is_file()}


def doc_graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


# --- a registration ---------------------------------------------------------------------------

def test_a_registration_stores_the_text_unchanged_and_a_document_node_from_the_header(workspace: Settings, tmp_path: Path) -> None:
    article = write(tmp_path / "in", "article.txt", ARTICLE)
    result = register(workspace, article)

    assert result.added and result.name == "doc-005"
    sha = hashlib.sha256(article.read_bytes()).hexdigest()
    assert result.identifier == f"005_{sha[:16]}.txt"
    assert (workspace.sources_dir / result.identifier).read_bytes() == article.read_bytes()  # CRLF and U+00A0 kept
    assert result.characters == len(ARTICLE)
    assert result.data_file == workspace.data_dir / "005_khu_cong_nghe_cao_tp_hcm_thu_hut_1_5_ty.ttl"
    assert result.data_file.read_text(encoding="utf-8").startswith("# Source 005_")

    g = doc_graph(result.data_file)
    doc = URIRef(f"{ID}doc-005")
    assert (doc, rdfns.RDF.type, SCHEMA.NewsArticle) in g
    assert g.value(doc, IG.sha256) == Literal(sha)
    assert g.value(doc, rdfns.DCTERMS.identifier) == Literal(result.identifier)
    assert g.value(doc, rdfns.DCTERMS.title) == Literal("Khu Công nghệ cao TP.HCM thu hút 1,5 tỷ USD đầu tư mới", lang="vi")
    assert g.value(doc, SCHEMA.url) == URIRef("https://vneconomy.vn/khu-cong-nghe-cao-2025.htm")
    assert g.value(doc, rdfns.DCTERMS.issued) == Literal("2025-01-06", datatype=rdfns.XSD.date)
    assert g.value(doc, rdfns.DCTERMS.language) == Literal("vi", datatype=rdfns.XSD.language)
    assert g.value(doc, rdfns.DCTERMS.publisher) == URIRef(f"{ID}vneconomy")
    assert source_path(workspace, result.identifier) == workspace.sources_dir / result.identifier


def test_the_dateline_of_seed_000_gives_its_date_time_and_the_title_is_the_next_line(workspace: Settings, tmp_path: Path) -> None:
    result = register(workspace, write(tmp_path / "in", "c4ir.txt", DATELINE))

    g = doc_graph(result.data_file)
    doc = URIRef(result.doc)
    assert g.value(doc, rdfns.DCTERMS.issued) == Literal("2024-12-28T09:52:00+07:00", datatype=rdfns.XSD.dateTime)
    assert str(g.value(doc, rdfns.DCTERMS.title)) == "Trung tâm C4IR TP.HCM ký kết hợp tác với ba trường đại học"
    assert g.value(doc, SCHEMA.url) is None and g.value(doc, rdfns.DCTERMS.publisher) is None


@pytest.mark.parametrize(("written", "meant"), [
    ("December 28, 2024 | 09:52 GMT+7", datetime(2024, 12, 28, 9, 52, tzinfo=timezone(timedelta(hours=7)))),
    ("28/12/2024 09:52", datetime(2024, 12, 28, 9, 52)),  # no zone given, none guessed
    ("Thứ bảy, 28/12/2024, 09:52 (GMT+7)", datetime(2024, 12, 28, 9, 52, tzinfo=timezone(timedelta(hours=7)))),
    ("2024-12-28", date(2024, 12, 28)),
    ("2024-12-28T09:52:00+07:00", datetime(2024, 12, 28, 9, 52, tzinfo=timezone(timedelta(hours=7)))),
    ("Ngày 14/4, Trung tâm C4IR làm việc với đoàn công tác", None),  # a sentence, and no year
    ("31/02/2024", None),
])
def test_dates_as_articles_print_them(written: str, meant: date | None) -> None:
    assert parse_issued(written) == meant


def test_options_override_the_header(workspace: Settings, tmp_path: Path) -> None:
    result = register(workspace, write(tmp_path / "in", "a.txt", ARTICLE), title="Tựa đề khác", url="https://example.org/a",
                      issued="2025-01-07T08:00:00+07:00", publisher="Tạp chí Kinh tế Việt Nam")
    g = doc_graph(result.data_file)
    doc = URIRef(result.doc)
    assert str(g.value(doc, rdfns.DCTERMS.title)) == "Tựa đề khác"
    assert g.value(doc, SCHEMA.url) == URIRef("https://example.org/a")
    assert g.value(doc, rdfns.DCTERMS.issued) == Literal("2025-01-07T08:00:00+07:00", datatype=rdfns.XSD.dateTime)
    assert g.value(doc, rdfns.DCTERMS.publisher) == URIRef(f"{ID}vneconomy")  # found by its alternative label
    assert result.data_file.name == "005_tua_de_khac.ttl"


def test_a_publisher_graph_data_does_not_describe_is_left_out_and_said_so(workspace: Settings, tmp_path: Path) -> None:
    result = register(workspace, write(tmp_path / "in", "a.txt", ARTICLE), publisher="Báo Tuổi Trẻ")
    assert doc_graph(result.data_file).value(URIRef(result.doc), rdfns.DCTERMS.publisher) is None
    assert any("Báo Tuổi Trẻ" in note and "actors.ttl" in note for note in result.notes)
    assert "# The publisher, Báo Tuổi Trẻ, is not described in graph/data" in result.data_file.read_text(encoding="utf-8")


# --- already registered ---------------------------------------------------------------------

def test_the_same_file_twice_is_registered_once(workspace: Settings, tmp_path: Path) -> None:
    article = write(tmp_path / "in", "a.txt", ARTICLE)
    first = register(workspace, article)
    before = snapshot(workspace.data_dir, workspace.sources_dir)
    again = register(workspace, write(tmp_path / "elsewhere", "renamed.txt", ARTICLE))

    assert not again.added
    assert (again.doc, again.identifier) == (first.doc, first.identifier)
    assert snapshot(workspace.data_dir, workspace.sources_dir) == before


def test_a_seed_article_is_already_registered(workspace: Settings) -> None:
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip(f"the seed articles are not at {SEEDS}")
    for seed in seeds:
        result = register(workspace, seed)
        assert not result.added
        assert result.name == f"doc-{seed.name[:3]}" and result.identifier == seed.name
        assert result.text_file == seed  # found in seeds_dir, as the build will look it up
    assert not workspace.sources_dir.exists()
    assert {d.file for d in registered_documents(workspace).values()} >= {s.name for s in seeds}


def test_source_path_looks_in_the_sources_folder_then_the_seeds(workspace: Settings, tmp_path: Path) -> None:
    write(workspace.sources_dir, "005_0123456789abcdef.txt", "Bài\n")
    assert source_path(workspace, "005_0123456789abcdef.txt") == workspace.sources_dir / "005_0123456789abcdef.txt"
    assert source_path(workspace, "999_nothing.txt") is None
    assert source_path(workspace, "../data/documents.ttl") is None
    if (SEEDS / "000_d8733fc31d127914.txt").is_file():
        assert source_path(workspace, "000_d8733fc31d127914.txt") == SEEDS / "000_d8733fc31d127914.txt"


# --- refusals ---------------------------------------------------------------------------------

REFUSALS = [
    ("latin1.txt", "Khu Công nghệ cao\n".encode("utf-8") + "Hà Nam".encode("cp1258"), ["not UTF-8", "0xE0 at byte offset 22 (line 2)", "iconv"]),
    ("empty.txt", b"", ["empty"]),
    ("blank.txt", b" \n\t\r\n\xc2\xa0\n", ["empty"]),
    ("page.txt", b"<!DOCTYPE html>\n<html><head><title>VnEconomy</title></head><body><p>Bai</p></body></html>",
     ["HTML page", "save the article's text, not the page"]),
    ("tags.txt", ("<div class=\"article\"><p>Khu Công nghệ cao</p><p><a href=\"/x\">tin</a></p><br/><span>…</span></div>\n"
                  "Nội dung ngắn.").encode("utf-8"), ["HTML page", "save the article's text, not the page"]),
    ("binary.txt", b"Khu C\x00ng ngh\x00", ["NUL", "byte offset 5", "UTF-8"]),
    ("utf16.txt", "Khu Công nghệ cao".encode("utf-16"), ["NUL", "UTF-16"]),
    ("decomposed.txt", "Khu Co\u0302ng nghe\u0323 cao\n".encode("utf-8"), ["NFC", "code point 5", "normalize"]),
    ("bom.txt", "\ufeffKhu Công nghệ cao\n".encode("utf-8"), ["byte-order mark", "without BOM"]),
]


@pytest.mark.parametrize(("name", "content", "said"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_file_that_cannot_be_stored_as_it_is_is_refused_and_nothing_is_written(
        workspace: Settings, tmp_path: Path, name: str, content: bytes, said: list[str]) -> None:
    path = write(tmp_path / "in", name, content)
    before = snapshot(workspace.data_dir, workspace.sources_dir)
    with pytest.raises(SourceRefused) as refused:
        register(workspace, path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ")
    for words in said:
        assert words in message
    assert snapshot(workspace.data_dir, workspace.sources_dir) == before
    assert not workspace.sources_dir.exists()


def test_a_10_mb_file_is_refused_at_once_without_being_read(workspace: Settings, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    huge = tmp_path / "in" / "huge.txt"
    huge.parent.mkdir()
    with huge.open("wb") as f:
        f.truncate(10_000_000)  # sparse: 10 MB of NUL bytes, which would be refused as binary if it were read
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("the file was opened"))
    started = time.perf_counter()
    with pytest.raises(SourceRefused, match=r"10,000,000 bytes, over the 1,000,000-byte limit .*max_source_bytes"):
        read_article(huge, max_bytes=workspace.max_source_bytes)
    assert time.perf_counter() - started < 0.5


def test_text_that_only_mentions_angle_brackets_is_not_a_page(workspace: Settings, tmp_path: Path) -> None:
    text = "So sánh giá trị <b> và <c>\n\nTăng trưởng > 10% và chi phí < 5%.\n"
    assert register(workspace, write(tmp_path / "in", "a.txt", text)).added


def test_an_article_in_another_language_is_refused_because_the_shapes_need_a_vietnamese_title(
        workspace: Settings, tmp_path: Path) -> None:
    with pytest.raises(SourceRefused, match="Vietnamese title"):
        register(workspace, write(tmp_path / "in", "en.txt", "HCMC hi-tech park\n\nText.\n"), language="en")


def test_an_unreadable_date_line_or_url_is_refused(workspace: Settings, tmp_path: Path) -> None:
    with pytest.raises(SourceRefused, match=r"DATE line 'hôm qua' is not a date.*--issued"):
        register(workspace, write(tmp_path / "in", "a.txt", "DATE: hôm qua\nTựa\n\nBài.\n"))
    with pytest.raises(SourceRefused, match=r"--url 'vneconomy.vn/x' is not a web address"):
        register(workspace, write(tmp_path / "in", "b.txt", "Tựa\n\nBài.\n"), url="vneconomy.vn/x")
    assert not workspace.sources_dir.exists()


# --- batches, numbering, failures ---------------------------------------------------------------

def test_a_folder_is_registered_in_name_order_numbered_from_005(workspace: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    for name, title in [("b.txt", "Bài thứ hai"), ("a.txt", "Bài thứ nhất"), ("c.txt", "Bài thứ ba")]:
        write(folder, name, f"{title}\n\nNội dung của {title.lower()}.\n")
    write(folder, "notes.md", "not an article")
    results = [register(workspace, p) for p in sources.articles_in([folder])]

    assert [(r.name, r.title) for r in results] == [("doc-005", "Bài thứ nhất"), ("doc-006", "Bài thứ hai"),
                                                    ("doc-007", "Bài thứ ba")]
    assert sorted(p.name[:4] for p in workspace.sources_dir.iterdir()) == ["005_", "006_", "007_"]
    assert {r.data_file.name for r in results} == {"005_bai_thu_nhat.ttl", "006_bai_thu_hai.ttl", "007_bai_thu_ba.ttl"}


def test_a_failure_after_the_text_leaves_no_data_file_and_a_second_run_finishes(workspace: Settings, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real_publish = sources._publish

    def disk_full_for_turtle(target: Path, data: bytes) -> None:
        if target.suffix == ".ttl":
            raise OSError(28, "No space left on device")
        real_publish(target, data)

    article = write(tmp_path / "in", "a.txt", ARTICLE)
    before = snapshot(workspace.data_dir)
    monkeypatch.setattr(sources, "_publish", disk_full_for_turtle)
    with pytest.raises(SourceRefused, match="add the article again to finish"):
        register(workspace, article)
    assert snapshot(workspace.data_dir) == before  # no data file, and no temporary file left behind
    assert [p.name[:4] for p in workspace.sources_dir.iterdir()] == ["005_"]

    monkeypatch.setattr(sources, "_publish", real_publish)
    result = register(workspace, article)
    assert result.added and result.name == "doc-005"
    assert [p.name for p in workspace.sources_dir.iterdir()] == [result.identifier]
    assert result.data_file.is_file()


def test_a_different_file_under_the_stored_name_is_never_overwritten(workspace: Settings, tmp_path: Path) -> None:
    article = write(tmp_path / "in", "a.txt", ARTICLE)
    sha = hashlib.sha256(article.read_bytes()).hexdigest()
    squatter = write(workspace.sources_dir, f"009_{sha[:16]}.txt", "other bytes\n")
    result = register(workspace, article)
    assert result.name == "doc-010"  # 009 is in use in the sources folder
    assert squatter.read_bytes() == b"other bytes\n"


# --- the command ------------------------------------------------------------------------------

@pytest.fixture()
def cli_env(workspace: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("INNOGRAPH_DATA_DIR", str(workspace.data_dir))
    monkeypatch.setenv("INNOGRAPH_SOURCES_DIR", str(workspace.sources_dir))
    monkeypatch.setenv("INNOGRAPH_SEEDS_DIR", str(workspace.seeds_dir))
    monkeypatch.setenv("INNOGRAPH_REVIEW_DIR", str(workspace.review_dir))
    return workspace


def test_the_command_prints_a_line_per_article_and_fails_when_one_is_refused(cli_env: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    write(folder, "1_dateline.txt", DATELINE)
    write(folder, "2_page.txt", "<!doctype html><html><body>Bài</body></html>")
    write(folder, "3_again.txt", DATELINE)
    result = CliRunner().invoke(app, ["ingest", "add", str(folder)])

    lines = result.stdout.splitlines()
    assert result.exit_code == 1, result.output
    assert lines[0].startswith('added doc-005 005_') and lines[0].endswith(
        '.txt "Trung tâm C4IR TP.HCM ký kết hợp tác với ba trường đại học" '
        f'({len(DATELINE)} characters, issued 2024-12-28T09:52:00+07:00); {len(read_draft(cli_env.review_dir / "005_trung_tam_c4ir_tp_hcm_ky_ket_hop_tac_voi.trig"))} '
        f'candidates to review in {cli_env.review_dir / "005_trung_tam_c4ir_tp_hcm_ky_ket_hop_tac_voi.trig"}')
    assert lines[1] == f"refused {folder / '2_page.txt'}: is an HTML page, not an article's text: save the article's text, " \
                       "not the page (select the article in the browser, copy it and paste it into a UTF-8 .txt file)"
    assert lines[2].startswith("already registered as igr:doc-005 (005_") and lines[2].endswith(str(folder / "3_again.txt"))
    assert len(lines) == 3


def test_the_command_succeeds_when_everything_is_added_or_already_there(cli_env: Settings, tmp_path: Path) -> None:
    article = write(tmp_path / "in", "a.txt", ARTICLE)
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", "add", str(article), "--issued", "2025-01-05"])
    assert first.exit_code == 0, first.output
    [draft] = cli_env.review_dir.iterdir()
    assert first.stdout.endswith(f"characters, issued 2025-01-05); {len(read_draft(draft))} candidates to review in {draft}\n")
    assert any(c.kind == "figure" for c in read_draft(draft))
    second = runner.invoke(app, ["ingest", "add", str(article)])
    assert second.exit_code == 0 and second.stdout.startswith("already registered as igr:doc-005")
    if SEEDS.is_dir():
        seeds = runner.invoke(app, ["ingest", "add", str(SEEDS)])
        assert seeds.exit_code == 0
        assert seeds.stdout.splitlines()[0] == (f"already registered as igr:doc-000 (000_d8733fc31d127914.txt): "
                                                f"{SEEDS / '000_d8733fc31d127914.txt'}")


def test_the_command_refuses_one_title_for_several_articles(cli_env: Settings, tmp_path: Path) -> None:
    a, b = write(tmp_path / "in", "a.txt", ARTICLE), write(tmp_path / "in", "b.txt", DATELINE)
    result = CliRunner().invoke(app, ["ingest", "add", str(a), str(b), "--title", "Một tựa"])
    assert result.exit_code == 2 and "--title" in result.output
    assert not cli_env.sources_dir.exists()


def test_ctrl_c_in_a_batch_stops_after_the_current_article_which_is_whole(cli_env: Settings, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "batch"
    for i in range(3):
        write(folder, f"{i}.txt", f"Bài số {i}\n\nNội dung {i}.\n")
    real_register = sources.register

    def pressed_during_the_first(settings: Settings, path: Path, **options: object) -> sources.Registered:
        if path.name == "0.txt":
            os.kill(os.getpid(), signal.SIGINT)  # arrives while the article is being written
        return real_register(settings, path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(sources, "register", pressed_during_the_first)
    result = CliRunner().invoke(app, ["ingest", "add", str(folder)])

    assert result.exit_code == 130, result.output
    assert result.stdout.splitlines() == [result.stdout.splitlines()[0]] and result.stdout.startswith("added doc-005")
    assert "2 of 3 articles not looked at" in result.stderr
    assert [p.name[:4] for p in cli_env.sources_dir.iterdir()] == ["005_"]
    assert len(list(cli_env.data_dir.glob("005_*.ttl"))) == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is put back


# --- the build -------------------------------------------------------------------------------

def test_registered_articles_and_graph_data_validate_with_no_violations(workspace: Settings, tmp_path: Path) -> None:
    register(workspace, write(tmp_path / "in", "a.txt", ARTICLE))
    register(workspace, write(tmp_path / "in", "b.txt", DATELINE), publisher="igr:vneconomy")
    register(workspace, write(tmp_path / "in", "c.txt", "Tựa \"có\" dấu \\ lạ\n\nBài.\n"), publisher="Không ai biết")

    report = validate(workspace)
    assert [str(v) for v in report.violations] == []
    assert report.sources == 8


def test_a_date_line_with_the_label_a_page_prints_is_read() -> None:
    assert parse_issued("Ngày: 15-07-2025") == date(2025, 7, 15)
    assert parse_issued("Cập nhật: 28/12/2024 09:52") == datetime(2024, 12, 28, 9, 52)
