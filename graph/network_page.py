"""The collaboration network as a page that works with no internet: vis-network, as the pyvis package
ships it, inlined into the page, with a legend, nodes coloured by category and sized by a metric the
reader picks, tooltips on every tie (relation, date, status, the quote and its source), the filters in
force, and a table of the actors with their position in words.

pyvis's own page loads its scripts from CDNs and its Network.add_edge looks through every edge already
added (quadratic: hours for the 1M-triple graph), so the page is written here from the same vis-network
build. Every label and quote reaches the page as JSON data, escaped for a <script> element, and the
page's script puts it into the document as text, never as markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import jinja2
import networkx as nx

from graph.network import RELATIONS, Metrics, Network, induced, report
from graph.sources import cited
from graph.text import people_date

__all__ = ["PageContext", "render", "relation_label", "CATEGORY_COLOURS", "SIZE_METRICS", "PAGE_ACTORS"]

# One colour a category, the same on every page (legend order = this order).
CATEGORY_COLOURS = {"government": "#d1495b", "industry": "#2e86ab", "academia": "#3bb273", "intermediary": "#edae49",
                    "international": "#7d5ba6", "media": "#8d6a4f", "person": "#7f8c8d"}
_OTHER_COLOUR = "#b0b0b0"
SIZE_METRICS = ("betweenness", "pagerank", "degree", "weighted_degree", "brokerage")
_METRIC_LABELS = {
    "vi": {"betweenness": "Độ trung gian", "pagerank": "PageRank", "degree": "Số quan hệ",
           "weighted_degree": "Số dữ kiện", "brokerage": "Môi giới"},
    "en": {"betweenness": "Betweenness", "pagerank": "PageRank", "degree": "Degree",
           "weighted_degree": "Weighted degree", "brokerage": "Brokerage"},
}
_RELATION_LABELS = {
    "cooperation": ("hợp tác", "cooperation"), "agreement": ("thỏa thuận", "agreement"),
    "proposal": ("đề xuất", "proposal"), "request": ("đề nghị", "request"),
    "recommendation": ("kiến nghị", "recommendation"), "commitment": ("cam kết", "commitment"),
    "goal": ("mục tiêu chung", "shared goal"), "co-participation": ("cùng dự sự kiện", "co-participation in an event"),
    "membership": ("thành viên", "membership"), "post": ("chức vụ", "post"),
    "sub-organisation": ("đơn vị trực thuộc", "sub-organisation"), "represents": ("đại diện", "represents"),
    "manages": ("quản lý", "manages"), "partner-city": ("thành phố đối tác", "partner city"),
    "shared-sector": ("cùng lĩnh vực trọng tâm", "shared target sector"),
}
assert set(_RELATION_LABELS) == set(RELATIONS)
_TIES_SHOWN = 3  # ties listed in a pair's tooltip; the rest are counted
# Found without importing pyvis, whose package imports IPython (0.15 s on the way to a worker's first answer).
_VIS = Path(find_spec("pyvis").submodule_search_locations[0]) / "lib" / "vis-9.1.2"  # type: ignore[union-attr,index]
_TEMPLATES = Path(__file__).parent / "templates"


def relation_label(kind: str, lang: str) -> str:
    vi, en = _RELATION_LABELS[kind]
    return vi if lang == "vi" else en


@dataclass
class PageContext:
    """What the page says around the network: its title, the filters in force, the build, links."""

    title: str
    lang: str = "vi"
    size_by: str = "betweenness"
    filters: list[tuple[str, str]] = field(default_factory=list)  # (name, value) shown as the view's caption
    built: str = ""  # the graph build the page came from
    form: dict | None = None  # the served page's filter form: current values and the choices; None in a file
    links: dict[str, str] = field(default_factory=dict)  # downloads of the same view: format -> URL
    actor_href: str = "/id/{slug}"  # where an actor's name links; "" for no link
    ego_href: str = ""  # where "its ego network" links, e.g. /network/ego/{slug}?hops=1; "" for none
    switch_href: str = ""  # the served page in the other language; with it the page carries the site's header


@cache
def _vis_assets() -> tuple[str, str]:
    return ((_VIS / "vis-network.min.js").read_text(encoding="utf-8"), (_VIS / "vis-network.css").read_text(encoding="utf-8"))


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def script_json(value: object) -> str:
    """JSON that can stand inside a <script> element: no `<`, `>` or `&` to end it or open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


_SHORT = 22  # the longest label drawn beside a node; the whole one is in its tooltip and the table


def short_label(label: str) -> str:
    """A label short enough to draw beside its node: whole words up to `_SHORT` characters, then "…"."""
    if len(label) <= _SHORT:
        return label
    cut = label.rfind(" ", 0, _SHORT)
    return label[:cut if cut > _SHORT // 2 else _SHORT].rstrip(" ,;:-–") + "…"


def _data(network: Network, graph: nx.MultiGraph, rows: list[dict], metrics: Metrics, context: PageContext) -> dict:
    lang = context.lang
    other = "en" if lang == "vi" else "vi"
    category_label = {c: labels[lang] for c, labels in network.categories.items()}
    nodes = [{"id": r["actor"], "label": r[f"label_{lang}"], "short": short_label(r[f"label_{lang}"]),
              "other": r[f"label_{other}"], "category": r["category"],
              "categoryLabel": category_label.get(r["category"], r["category"]),
              "colour": CATEGORY_COLOURS.get(r["category"], _OTHER_COLOUR), "position": r[f"position_{lang}"],
              "metrics": {m: r[m] for m in SIZE_METRICS}} for r in rows]
    pairs: dict[tuple[str, str], list[dict]] = {}
    for a, b, data in graph.edges(data=True):
        pairs.setdefault((a, b) if a <= b else (b, a), []).append(data)
    edges = []
    for (a, b), ties in pairs.items():
        ties.sort(key=lambda t: (t["date"] or "9999", t["kind"], t["fact"]))
        shown = [{"relation": relation_label(t["kind"], lang), "date": people_date(t["date"] or "", lang), "status": t["status"] or "",
                  "fact": t[f"label_{lang}"] or t["label_vi"] or _slug(t["fact"]), "inferred": bool(t["inferred"]),
                  "quotes": [[cited(network.citations, file, lang), quote] for file, quote, _ in t["sources"][:2]]} for t in ties[:_TIES_SHOWN]]
        edges.append({"from": a, "to": b, "weight": len({t["fact"] for t in ties}), "ties": shown,
                      "more": len(ties) - len(shown)})
    words = {"vi": {"date": "ngày", "status": "tình trạng", "inferred": "suy luận của người biên tập", "more": "và {n} quan hệ khác",
                    "category": "loại"},
             "en": {"date": "date", "status": "status", "inferred": "a curator's inference", "more": "and {n} more ties",
                    "category": "category"}}[lang]
    return {"nodes": nodes, "edges": edges, "sizeBy": context.size_by, "words": words}


PAGE_ACTORS = 400  # what a browser draws smoothly; the exports and the report keep every actor


def render(network: Network, graph: nx.MultiGraph, context: PageContext, *, betweenness_budget_s: float = 10.0,
           limit: int = PAGE_ACTORS) -> str:
    """The page of a (filtered, or ego) multigraph: its `limit` best-tied actors and the ties among them,
    measured as that view (the page says how many it leaves out)."""
    total = graph.number_of_nodes()
    if total > limit:
        kept = {n for n, _ in sorted(graph.degree, key=lambda nd: (-nd[1], nd[0]))[:limit]}
        graph = induced(graph, (n for n in graph if n in kept))
    rows, metrics = report(network, graph, betweenness_budget_s=betweenness_budget_s)
    script, style = _vis_assets()
    present = {r["category"] for r in rows}
    legend = [{"colour": colour, "label": network.categories.get(c, {}).get(context.lang, c),
               "count": sum(1 for r in rows if r["category"] == c)} for c, colour in CATEGORY_COLOURS.items() if c in present]
    table = [{**r, "label": r[f"label_{context.lang}"], "position": r[f"position_{context.lang}"],
              "category_label": network.categories.get(r["category"], {}).get(context.lang, r["category"]),
              "href": context.actor_href.format(slug=_slug(r["actor"])) if context.actor_href else "",
              "ego": context.ego_href.format(slug=_slug(r["actor"])) if context.ego_href else ""} for r in rows]
    return _environment().get_template("network.html").render(
        c=context, vis_script=script, vis_style=style, data=script_json(_data(network, graph, rows, metrics, context)),
        legend=legend, table=table, actors=len(rows), total=total, ties=graph.number_of_edges(), sample=metrics.betweenness_k,
        metric_labels=_METRIC_LABELS[context.lang], metrics=SIZE_METRICS,
        relation_labels={k: relation_label(k, context.lang) for k in RELATIONS})
