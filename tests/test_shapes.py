"""The checks refuse broken data with a message that names the file, the node and the rule."""

import shutil
from pathlib import Path

import pytest

from graph.build import validate
from graph.settings import Settings
from graph.sources import registered_documents

I = "https://w3id.org/innograph/id/"


def _case(fixtures: Path, tmp_path: Path, broken: str | None) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(fixtures / "minimal", folder)
    if broken:
        shutil.copy(fixtures / "broken" / broken, folder)
    return folder


def _violations(settings: Settings, folder: Path) -> list[tuple[str, str, str, tuple[str, ...]]]:
    report = validate(settings, data=(settings.ontology_dir, folder))
    return [(v.rule, v.node, v.message, v.files) for v in report.violations]


def test_the_minimal_fixture_is_valid(settings: Settings, fixtures: Path, tmp_path: Path) -> None:
    assert _violations(settings, _case(fixtures, tmp_path, None)) == []


@pytest.mark.parametrize(("broken", "rule", "node", "message"), [
    ("fact-without-evidence.ttl", "igs:FactShape prov:wasDerivedFrom", "igr:obs-unsourced", "a fact needs evidence"),
    ("value-without-unit.ttl", "igs:ObservationShape sdmx-attribute:unitMeasure", "igr:obs-unitless", "a value needs its unit"),
    ("organisation-without-vietnamese-label.ttl", "igs:LabelledShape rdfs:label", "igr:english-only", "needs an rdfs:label in Vietnamese (@vi)"),
    ("misspelt-sector.ttl", "unknown-concept-violation", I + "focus-misspelt", "is not a concept of any scheme"),
])
def test_broken_data_is_refused_with_file_node_and_rule(settings: Settings, fixtures: Path, tmp_path: Path, broken: str,
                                                         rule: str, node: str, message: str) -> None:
    found = _violations(settings, _case(fixtures, tmp_path, broken))
    assert any(r == rule and n == node and message in m and f == (f"case/{broken}",) for r, n, m, f in found), found


def test_a_quote_off_its_offsets_is_refused(settings: Settings, seeds: dict[str, str], fixtures: Path, tmp_path: Path) -> None:
    found = _violations(settings, _case(fixtures, tmp_path, "quote-off-its-offsets.ttl"))
    assert [(r, n, f) for r, n, _, f in found] == [("evidence-quote", I + "ev-shifted", ("case/quote-off-its-offsets.ttl",))]
    assert "not the quote 'ước đạt 20,05 tỷ USD'" in found[0][2]


def test_the_curated_graph_has_no_violations(settings: Settings) -> None:
    report = validate(settings)
    assert report.violations == []
    assert report.sources == len(registered_documents(settings)) >= 10
    assert report.facts >= 100
