"""The collaboration network served and drawn: the routes and their filters, the exports over HTTP, the
file `innograph network page` writes, and the page in headless Chromium with hostile labels."""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import networkx as nx
import pyoxigraph as ox
import pytest

from browser import chromium, open_page
from conftest import assert_offline
from graph import network as nw
from graph.network_page import PageContext, render

IGR = "https://w3id.org/innograph/id/"
HOSTILE_LABELS = ("<script>alert(1)</script>", '" onmouseover="alert(1)')


def test_the_network_page_draws_the_whole_networkassert_offline(base: str) -> None:
    page = httpx.get(f"{base}/network", timeout=60)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert_offline(page.text)
    assert "vis.Network" in page.text and "Trung tâm Cách mạng công nghiệp lần thứ 4" in page.text
    data = json.loads(re.search(r'<script id="network-data" type="application/json">(.*?)</script>', page.text, re.S)[1])
    ids = {n["id"] for n in data["nodes"]}
    assert {IGR + "c4ir-hcmc", IGR + "consulate-general-japan", IGR + "torino"} <= ids
    pair = next(e for e in data["edges"] if {e["from"], e["to"]} == {IGR + "c4ir-hcmc", IGR + "consulate-general-japan"})
    assert any(t["date"] == "14/4" and t["quotes"] for t in pair["ties"])  # the 14/4 meeting, dated as people write it
    english = httpx.get(f"{base}/network?lang=en", timeout=60).text
    assert "Collaboration network" in english and "Centre for the Fourth Industrial Revolution" in english
    english_data = json.loads(re.search(r'<script id="network-data" type="application/json">(.*?)</script>', english, re.S)[1])
    pair = next(e for e in english_data["edges"] if {e["from"], e["to"]} == {IGR + "c4ir-hcmc", IGR + "consulate-general-japan"})
    assert any(t["date"] == "14 April" for t in pair["ties"])


def test_the_page_is_legible(base: str) -> None:
    """Short labels are drawn (whole words, then …) and the whole ones are in the tooltips and the table; only
    categories that have actors are offered; the default relations are not stated as a filter."""
    page = httpx.get(f"{base}/network?lang=en", timeout=60).text
    data = json.loads(re.search(r'<script id="network-data" type="application/json">(.*?)</script>', page, re.S)[1])
    for node in data["nodes"]:
        assert len(node["short"]) <= 23 and (node["short"] == node["label"] or
                                             (node["short"].endswith("…") and node["label"].startswith(node["short"][:-1])))
    c4ir = next(n for n in data["nodes"] if n["id"] == IGR + "c4ir-hcmc")
    assert c4ir["short"] == "Centre for the Fourth…" and c4ir["label"] in page
    offered = re.findall(r'name="category" value="([^"]+)"', page)
    assert offered and set(offered) <= {n["category"] for n in data["nodes"]}
    defaults = "&".join(f"relation={r}" for r in sorted(nw.DEFAULT_RELATIONS))
    assert '<p class="caption">Filters' not in httpx.get(f"{base}/network?lang=en&{defaults}", timeout=60).text
    assert '<p class="caption">Filters: relation = ' in httpx.get(f"{base}/network?lang=en&relation=co-participation", timeout=60).text


def test_the_table_of_positions_sorts_by_a_column_in_chromium(base: str) -> None:
    with chromium() as devtools, open_page(devtools, f"{base}/network?lang=en") as page:
        page.wait_until("document.body.dataset.ready === 'true'")
        column = "[...document.querySelectorAll('#positions tbody tr')].map(r => parseFloat(r.cells[4].textContent))"
        page.evaluate("document.querySelectorAll('#positions th')[4].click()")  # degree, largest first
        first = page.evaluate(column)
        assert first == sorted(first, reverse=True) and len(set(first)) > 1  # type: ignore[arg-type]
        page.evaluate("document.querySelectorAll('#positions th')[4].click()")  # again: smallest first
        assert page.evaluate(column) == sorted(first)  # type: ignore[arg-type]
        names = "[...document.querySelectorAll('#positions tbody tr')].map(r => r.cells[0].textContent.trim())"
        page.evaluate("document.querySelectorAll('#positions th')[0].click()")
        shown = page.evaluate(names)
        assert shown == sorted(shown) and page.errors == []  # type: ignore[arg-type]


def test_the_page_json_and_exports_take_the_same_filters(base: str) -> None:
    query = "category=international&category=government&relation=co-participation"
    data = httpx.get(f"{base}/network.json?{query}", timeout=60).json()
    categories = {n["category"] for n in data["nodes"]}
    assert categories <= {"international", "government"} and data["edges"]
    assert {e["kind"] for e in data["edges"]} == {"co-participation"}
    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        body = httpx.get(f"{base}/network?{query}&format={fmt}", timeout=60)
        assert body.status_code == 200
        graph = read(io.BytesIO(body.content))
        assert set(graph.nodes) == {n["id"] for n in data["nodes"]}
        assert graph.number_of_edges() == len(data["edges"])
    page = httpx.get(f"{base}/network?{query}", timeout=60).text
    assert 'value="international" checked' in page and 'value="academia" checked' not in page
    assert 'value="co-participation" checked' in page and 'value="cooperation" checked' not in page
    default = httpx.get(f"{base}/network", timeout=60).text  # no relation asked for: the default ones are ticked
    assert 'value="cooperation" checked' in default and 'value="shared-sector" checked' not in default


def test_an_ego_network_keeps_the_actors_within_its_hops(base: str) -> None:
    one = httpx.get(f"{base}/network/ego/consulate-general-japan?format=json&hops=1", timeout=60).json()
    two = httpx.get(f"{base}/network/ego/consulate-general-japan?format=json&hops=2", timeout=60).json()
    near = {n["id"] for n in one["nodes"]}
    assert IGR + "c4ir-hcmc" in near and IGR + "torino" not in near
    assert near < {n["id"] for n in two["nodes"]}
    by_label = httpx.get(f"{base}/network/ego/Tổng Lãnh sự quán Nhật Bản tại Thành phố Hồ Chí Minh?format=json", timeout=60)
    assert {n["id"] for n in by_label.json()["nodes"]} == near
    page = httpx.get(f"{base}/network/ego/consulate-general-japan?lang=en", timeout=60).text
    assert "Ego network of" in page and 'name="hops"' in page


def test_the_report_states_each_actors_position_in_words(base: str) -> None:
    report = httpx.get(f"{base}/network/report", timeout=60).json()
    c4ir = next(r for r in report["actors"] if r["actor"] == IGR + "c4ir-hcmc")
    assert c4ir["degree"] >= 3 and c4ir["position_en"].startswith(c4ir["label_en"])
    assert "quốc tế" in c4ir["position_vi"] and report["betweenness_sample"] is None


@pytest.mark.parametrize(("path", "fragment"), [
    ("/network?as_of=14/4", "YYYY-MM-DD"), ("/network?relation=friendship", "the relations are"),
    ("/network?category=startup", "the categories are"), ("/network/ego/nobody", "no actor is named"),
])
def test_a_bad_filter_gets_400_saying_what_is_wrong(base: str, path: str, fragment: str) -> None:
    answer = httpx.get(base + path, timeout=60)
    assert answer.status_code == 400 and fragment in answer.text


def test_an_actors_page_links_to_its_network_and_its_brief(base: str) -> None:
    page = httpx.get(f"{base}/id/c4ir-hcmc", headers={"Accept": "text/html"}, timeout=60).text
    assert 'href="/network/ego/c4ir-hcmc?lang=vi"' in page and 'href="/briefs/c4ir-hcmc?lang=vi"' in page
    for link in ("/network/ego/c4ir-hcmc?lang=vi", "/briefs/c4ir-hcmc?lang=vi"):
        assert httpx.get(base + link, timeout=60).status_code == 200
    document = httpx.get(f"{base}/id/doc-000", headers={"Accept": "text/html"}, timeout=60).text
    assert "/network/ego/" not in document and "/briefs/" not in document


def test_the_cli_writes_the_same_page_as_a_file(built_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "ego.html"
    done = subprocess.run([sys.executable, "-m", "graph", "network", "page", str(out), "--ego", "c4ir-hcmc", "--lang", "en",
                           "--store", str(built_store)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert_offline(html)
    assert "Consulate General of Japan" in html and 'action=' not in html  # a file has no server to filter


def test_hostile_labels_show_as_text_in_chromium_with_no_dialog_and_no_request_out(hostile_base: str) -> None:
    hostile = IGR + "hostile"
    with chromium() as devtools:
        for path, label in (("/network?lang=vi", HOSTILE_LABELS[0]), ("/network/ego/hostile?lang=en", HOSTILE_LABELS[1])):
            url = hostile_base + path
            with open_page(devtools, url) as page:
                page.wait_until("document.body.dataset.ready === 'true'")
                # The table shows each label as text.
                cells = page.evaluate("[...document.querySelectorAll('td a')].map(a => a.textContent)")
                assert label in cells, cells
                # Hovering the node shows its tooltip: the label as text, not as markup.
                x, y = page.evaluate(f"""(() => {{
                    document.getElementById('network').scrollIntoView();
                    const n = window.innograph.network, p = n.canvasToDOM(n.getPositions([{json.dumps(hostile)}])[{json.dumps(hostile)}]);
                    const box = document.getElementById('network').getBoundingClientRect();
                    return [box.left + p.x, box.top + p.y]; }})()""")
                page.hover(x - 1, y - 1)
                page.hover(x, y)
                page.wait_until("!!document.querySelector('div.vis-tooltip') && "
                                "document.querySelector('div.vis-tooltip').style.visibility !== 'hidden'", timeout=10)
                tooltip = page.evaluate("[...document.querySelectorAll('div.vis-tooltip div')].map(d => d.textContent)")
                assert label in tooltip, tooltip
                assert page.evaluate("document.querySelectorAll('div.vis-tooltip *:not(div)').length") == 0
                # Every element gets a mouseover: an injected handler would open a dialog.
                page.evaluate("document.querySelectorAll('*').forEach(e => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))")
                assert page.evaluate("document.querySelectorAll('[onmouseover], img, iframe').length") == 0
                page.evaluate("new Promise(r => setTimeout(r, 300))")
                assert page.dialogs == []
                assert page.errors == []
                assert [r for r in page.requests if not r.startswith((hostile_base + "/", "data:"))] == []


def test_a_large_view_draws_its_best_tied_actors_and_says_so(store: ox.Store) -> None:
    network = nw.project(store, shared_sectors=False)
    graph = nw.view(network, nw.Filters())
    html = render(network, graph, PageContext(title="t", lang="en"), limit=5)
    data = json.loads(re.search(r'<script id="network-data" type="application/json">(.*?)</script>', html, re.S)[1])
    best = {n for n, _ in sorted(graph.degree, key=lambda nd: (-nd[1], nd[0]))[:5]}
    assert {n["id"] for n in data["nodes"]} == best
    assert f"draws the 5 best-tied of the view's {graph.number_of_nodes()} actors" in html

