"""Facts agree with their quotes: a value, unit, status, qualifier, date or offset changed while the quote
stays as it was fails the build, naming the file, the node and the rule; the reader parses what the
articles write."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from graph.build import build
from graph.dates import read_dates
from graph.errors import ValidationFailed
from graph.figures import read_figures
from graph.settings import Settings

SHTP = "000_shtp_2024_results.ttl"
MAYORS = "003_mayors_conference_2024.ttl"
PRODUCTION = "https://w3id.org/innograph/id/obs-shtp-high-tech-production-value-2024"

# (what is changed, file, the text as curated, the text after the change, node, rule)
MUTATIONS = [
    ("value", SHTP, "sdmx-measure:obsValue 20050000000.0 ;", "sdmx-measure:obsValue 20.05 ;", PRODUCTION, "figure-value"),
    ("unit", SHTP, "sdmx-attribute:unitMeasure unit:usd ;\n    sdmx-dimension:refArea igr:shtp ;\n    sdmx-dimension:refPeriod \"2024\"^^xsd:gYear ;\n    sdmx-measure:obsValue 20050000000.0",
     "sdmx-attribute:unitMeasure unit:count ;\n    sdmx-dimension:refArea igr:shtp ;\n    sdmx-dimension:refPeriod \"2024\"^^xsd:gYear ;\n    sdmx-measure:obsValue 20050000000.0", PRODUCTION, "figure-value"),
    ("status", SHTP, "sdmx-attribute:obsStatus obsstatus:estimated ;\n    sdmx-attribute:unitMeasure unit:usd ;\n    sdmx-dimension:refArea igr:shtp ;\n    sdmx-dimension:refPeriod \"2024\"^^xsd:gYear ;\n    sdmx-measure:obsValue 20050000000.0",
     "sdmx-attribute:obsStatus obsstatus:reported ;\n    sdmx-attribute:unitMeasure unit:usd ;\n    sdmx-dimension:refArea igr:shtp ;\n    sdmx-dimension:refPeriod \"2024\"^^xsd:gYear ;\n    sdmx-measure:obsValue 20050000000.0", PRODUCTION, "figure-status"),
    ("qualifier", MAYORS, "    ig:valueQualifier qualifier:approximately .", "    .",
     "https://w3id.org/innograph/id/obs-hcmc-high-tech-industry-share-of-gdp", "figure-qualifier"),
    ("date", MAYORS, 'schema:startDate "2024-09-24"^^xsd:date', 'schema:startDate "2024-09-25"^^xsd:date',
     "https://w3id.org/innograph/id/event-mayors-conference-2024", "date-stated"),
    ("offset", SHTP, "oa:end 308 ;\n            oa:start 141 ]", "oa:end 309 ;\n            oa:start 142 ]",
     "https://w3id.org/innograph/id/ev-000-141-308", "evidence-quote"),
]


@pytest.mark.parametrize(("changed", "file", "before", "after", "node", "rule"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_a_fact_changed_while_its_quote_stays_fails_the_build(settings: Settings, seeds: dict[str, str], tmp_path: Path,
                                                            changed: str, file: str, before: str, after: str,
                                                            node: str, rule: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    text = (data / file).read_text(encoding="utf-8")
    assert text.count(before) == 1, f"the curated text to change is not in {file} once"
    (data / file).write_text(text.replace(before, after), encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        build(settings, data=(settings.ontology_dir, data), store_dir=tmp_path / "store")
    broken = [(v.files, v.node, v.rule) for v in refused.value.violations]
    assert broken == [((f"data/{file}",), node, rule)], f"{changed}: {refused.value}"
    assert not (tmp_path / "store").exists()


def test_the_curated_data_agrees_with_its_quotes(settings: Settings, seeds: dict[str, str], tmp_path: Path) -> None:
    result = build(settings, store_dir=tmp_path / "store")
    assert result.manifest.quotes_checked > 100 and result.rebuilt


@pytest.mark.parametrize(("text", "value", "unit", "status", "qualifier"), [
    ("ước đạt 20,05 tỷ USD", "20050000000", "usd", "estimated", None),
    ("tổng vốn đầu tư là 12,167 tỷ USD", "12167000000", "usd", "reported", None),
    ("GDP bình quân đầu người đạt 6.900 đô la Mỹ", "6900", "usd-per-capita", "reported", None),
    ("doanh thu 1.250 tỷ đồng", "1250000000000", "vnd", "reported", None),
    ("vốn 3,5 nghìn tỷ đồng", "3500000000000", "vnd", "reported", None),
    ("chỉ chiếm khoảng 23% trong tổng GDP", "23", "percent", "reported", "approximately"),
    ("mục tiêu đến năm 2030 Thành phố sẽ nâng tỷ trọng này lên 40%", "40", "percent", "target", None),
    ("phấn đấu thu hút hơn 500 triệu USD", "500000000", "usd", "target", "more-than"),
    ("mong muốn thu hút ít nhất hai nhà đầu tư", "2", "count", "target", "at-least"),
    ("xuất khẩu giảm 2,5% so với cùng kỳ", "-2.5", "percent", "reported", None),
    ("Trung tâm C4IR thứ 2 của Đông Nam Á", "2", "ordinal-rank", "reported", None),
    ("dự kiến đạt 25 tỷ USD", "25000000000", "usd", "estimated", None),
])
def test_the_reader_reads_vietnamese_figures(text: str, value: str, unit: str, status: str, qualifier: str | None) -> None:
    [figure] = read_figures(text)
    assert (figure.value, figure.unit, figure.status, figure.qualifier) == (Decimal(value), unit, status, qualifier)
    assert text[figure.start:figure.end] == figure.surface


@pytest.mark.parametrize("text", ["Hội nghị lần thứ 2, năm 2024", "Nghị quyết 57-NQ/TW", "Quyết định số 1234/QĐ-TTg",
                                  "Công nghiệp 4.0", "C4IR", "giai đoạn 2020 - 2030", "ngày 24-9", "09:52 GMT+7",
                                  "December 28, 2024", "dựa trên một nền tảng"])
def test_years_dates_names_and_identifiers_are_not_figures(text: str) -> None:
    assert read_figures(text) == []


@pytest.mark.parametrize(("text", "parts"), [
    ("ngày 21/9/2024", [("date", 2024, 9, 21, None)]),
    ("Ngày 14/4, tại", [("date", None, 4, 14, None)]),
    ("Sáng 17-11, tại", [("date", None, 11, 17, None)]),
    ("vào tháng 9/2024", [("date", 2024, 9, None, None)]),
    ("ngày 5 tháng 3 năm 2025", [("date", 2025, 3, 5, None)]),
    ("giai đoạn 2020 - 2030", [("period", 2020, None, None, 2030)]),
    ("từ năm 2021 đến năm 2025", [("period", 2021, None, None, 2025)]),
    ("mục tiêu đến năm 2030", [("deadline", 2030, None, None, None)]),
    ("ngày 31/2", []),
    ("Quyết định số 123/QĐ-TTg", []),
])
def test_the_reader_reads_dates_full_and_partial(text: str, parts: list[tuple[object, ...]]) -> None:
    assert [(d.kind, d.year, d.month, d.day, d.end_year) for d in read_dates(text)] == parts
