"""The local review page: an article's text with its candidate facts marked, and the curator's choices beside it.

It is the terminal review (graph/review.py) in a browser, for one curator on this machine: it listens on
127.0.0.1 only, answers only requests addressed to 127.0.0.1 or localhost, and takes a decision only from a
form that carries this process's token. Plain HTML forms (POST, then a redirect), no script, no asset from
elsewhere. It is not part of the read-only public service in api/, which never imports it.
"""

import secrets
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qsl, quote, urlsplit

import jinja2
import pyoxigraph as ox
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from rdflib import Graph
from starlette.middleware.trustedhost import TrustedHostMiddleware

from graph import review
from graph.candidates import KINDS, Candidate
from graph.errors import InnographError
from graph.settings import Settings
from graph.text import fold

__all__ = ["create_review_app", "highlight", "Span", "LOCAL_HOSTS"]

LOCAL_HOSTS = ("127.0.0.1", "localhost")
_TEMPLATES = Path(__file__).parent / "templates"
_MAX_FORM_BYTES = 64_000
_MAX_ACTORS_LISTED = 1000
_NOTES_KEPT = 50


@dataclass(frozen=True)
class Span:
    """A candidate's place in the text, to be marked: code points, end exclusive."""

    start: int
    end: int
    number: int
    kind: str
    state: str
    title: str


@dataclass
class _Piece:
    span: Span
    start: int
    end: int = -1
    first: bool = False


def highlight(text: str, spans: list[Span]) -> Markup:
    """The text, escaped, with a <mark> for each span (class k-<kind> s-<state>, data-candidate, data-start,
    data-end): a span inside another is nested in it, and one that crosses another is split in pieces, each
    piece's data-start and data-end saying which code points of the text it holds."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    points = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    starting: dict[int, list[Span]] = defaultdict(list)
    for s in valid:
        starting[s.start].append(s)
    seen: set[int] = set()
    out: list[str | _Piece] = []
    stack: list[_Piece] = []

    def open_(s: Span, at: int) -> None:
        piece = _Piece(span=s, start=at, first=s.number not in seen)
        seen.add(s.number)
        out.append(piece)
        stack.append(piece)

    for i, p in enumerate(points):
        ending = [k for k, piece in enumerate(stack) if piece.span.end == p]
        if ending:
            lowest = ending[0]
            reopen = [piece.span for piece in stack[lowest:] if piece.span.end > p]
            for piece in reversed(stack[lowest:]):
                piece.end = p
                out.append("</mark>")
            del stack[lowest:]
            for s in sorted(reopen, key=lambda s: (-s.end, s.number)):
                open_(s, p)
        for s in sorted(starting.get(p, []), key=lambda s: (-s.end, s.number)):
            open_(s, p)
        if i + 1 < len(points):
            out.append(str(escape(text[p:points[i + 1]])))
    html = []
    for item in out:
        if isinstance(item, str):
            html.append(item)
            continue
        s = item.span
        anchor = f' id="m-{s.number}"' if item.first else ""
        html.append(f'<mark{anchor} class="k-{escape(s.kind)} s-{escape(s.state)}" data-candidate="{s.number}" '
                    f'data-start="{item.start}" data-end="{item.end}" title="{escape(s.title)}">')
    return Markup("".join(html))


@dataclass
class _State:
    settings: Settings
    token: str
    curator: str | None
    notes: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    cached: tuple[tuple[tuple[str, int, int], ...], ox.Store] | None = None

    def note(self, kind: str, lines: list[str]) -> str:
        """Keep a message for the page the redirect leads to; its id."""
        ident = secrets.token_urlsafe(8)
        with self.lock:
            self.notes[ident] = (kind, lines)
            while len(self.notes) > _NOTES_KEPT:
                self.notes.pop(next(iter(self.notes)))
        return ident

    def store(self) -> ox.Store:
        """The inputs in memory, loaded again only when a file changed."""
        from graph.build import input_files
        from graph.validate import load

        files = input_files(self.settings, None)
        stamp = tuple((str(f.path), f.path.stat().st_mtime_ns, f.path.stat().st_size) for f in files)
        with self.lock:
            if self.cached is not None and self.cached[0] == stamp:
                return self.cached[1]
        loaded = ox.Store()
        load(loaded, files)
        with self.lock:
            self.cached = (stamp, loaded)
        return loaded


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def create_review_app(settings: Settings, *, curator: str | None = None) -> FastAPI:
    """The review page over the settings' review folder and data: a list of drafts, and a page per article.

    `curator` is who the facts written from it are credited to (default: `review.default_curator`).
    """
    state = _State(settings=settings, token=secrets.token_urlsafe(32), curator=curator)
    templates = _environment()
    app = FastAPI(title="innograph review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(LOCAL_HOSTS))
    app.state.review = state

    @app.middleware("http")
    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                                       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    async def form(request: Request) -> dict[str, str]:
        """The posted form, once its token and origin are checked."""
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            raise HTTPException(415, "post the page's own forms (application/x-www-form-urlencoded)")
        body = await request.body()
        if len(body) > _MAX_FORM_BYTES:
            raise HTTPException(413, "the form is too large")
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).hostname not in LOCAL_HOSTS:
            raise HTTPException(403, f"a form from {origin} is refused: post from the review page itself")
        try:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50))
        except (UnicodeDecodeError, ValueError) as e:
            raise HTTPException(400, "the form cannot be read") from e
        if not secrets.compare_digest(fields.get("token", "").encode(), state.token.encode()):
            raise HTTPException(403, "the form's token is missing or stale (the review page was restarted): "
                                     "reload the page and decide again")
        return fields

    Form = Annotated[dict[str, str], Depends(form)]

    @app.exception_handler(HTTPException)
    async def plain(_: Request, error: HTTPException) -> PlainTextResponse:
        return PlainTextResponse(str(error.detail), status_code=error.status_code)

    def article_or_404(name: str) -> review.Article:
        try:
            return review.find_article(settings, name)
        except review.ReviewError as e:
            raise HTTPException(404, str(e)) from e

    def back(article: review.Article, kind: str, lines: list[str], anchor: str = "") -> RedirectResponse:
        url = f"/articles/{quote(article.name)}?note={state.note(kind, lines)}" + (f"#{anchor}" if anchor else "")
        return RedirectResponse(url, status_code=303)

    @app.get("/", response_class=HTMLResponse)
    def drafts() -> HTMLResponse:
        """The drafts of the review folder, with how many candidates each has pending, accepted, rejected, unwritten."""
        rows = []
        try:
            articles = review.drafts(settings)
        except InnographError as e:
            articles, rows = [], [{"name": "", "error": str(e)}]
        for article in articles:
            try:
                rows.append({"name": article.name, "status": review.status(settings, article), "error": None})
            except InnographError as e:
                rows.append({"name": article.name, "status": None, "error": str(e)})
        html = templates.get_template("review.html").render(page="list", rows=rows, review_dir=str(settings.review_dir))
        return HTMLResponse(html)

    @app.get("/articles/{name}", response_class=HTMLResponse)
    def article_page(name: str, find: str = "", note: str = "") -> HTMLResponse:
        """An article's text with each candidate marked at its offsets, and the candidates with their choices."""
        article = article_or_404(name)
        try:
            context = review.article_context(settings, article, store=state.store())
            candidates = review.read_candidates(article)
            counts = review.status(settings, article)
            written = review.read_data(article.data_file)
        except InnographError as e:
            raise HTTPException(500, str(e)) from e
        views = [_view(i, c, candidates, context, written) for i, c in enumerate(candidates, 1)]
        spans = [Span(start=c.span[0], end=c.span[1], number=i, kind=c.kind if c.kind in KINDS else "other",
                      state=c.state, title=f"#{i} {c.kind}: {c.summary}") for i, c in enumerate(candidates, 1)]
        actors = sorted(context.actors, key=lambda a: (fold(a.label), a.iri))[:_MAX_ACTORS_LISTED]
        found = review.search_actors(context.actors, find, limit=50) if find.strip() else []
        with state.lock:
            shown = state.notes.pop(note, None)
        html = templates.get_template("review.html").render(
            page="article", article=article, title=context.title, identifier=context.identifier,
            text=highlight(context.text, spans) if context.text is not None else None, candidates=views,
            counts=counts, token=state.token, actors=actors, found=found, find=find, note=shown, kinds=KINDS,
            curie=review.curie)
        return HTMLResponse(html)

    @app.post("/articles/{name}/decide")
    def decide(name: str, fields: Form) -> RedirectResponse:
        """Accept, reject, correct, link or merge one candidate; the draft is saved at once."""
        article = article_or_404(name)
        action, key = fields.get("action", ""), fields.get("key", "")

        def given(field_name: str) -> str | None:
            value = fields.get(field_name, "").strip()
            return value or None

        try:
            candidates = review.decide(article, action, key, label_vi=given("label_vi"), label_en=given("label_en"),
                                       cls=given("cls"), value=given("value"), date=given("date"),
                                       description_vi=given("description_vi"), description_en=given("description_en"),
                                       indicator=given("indicator"), role=given("role"),
                                       existing=given("existing"), other=given("other"))
            target = review.find_candidate(candidates, key)
        except InnographError as e:
            return back(article, "error", [str(e)])
        number = candidates.index(target) + 1
        return back(article, "done", [f"#{number} {action}: now {target.state}"], anchor=f"c-{number}")

    @app.post("/articles/{name}/write")
    def write(name: str, fields: Form) -> RedirectResponse:
        """Write the accepted facts to the article's data file, or say which rules they would break."""
        article = article_or_404(name)
        try:
            curator = state.curator or review.default_curator(settings)
            result = review.write_accepted(settings, article, curator=curator, now=datetime.now(timezone.utc))
        except review.WriteRefused as e:
            return back(article, "error", [f"{article.data_file.name} not written, it is unchanged: with the accepted "
                                           "facts the graph breaks these rules; correct or reject the candidates named"]
                        + [str(v) for v in e.violations])
        except InnographError as e:
            return back(article, "error", [str(e)])
        return back(article, "done", [str(result), *(f"note: {n}" for n in result.notes)])

    return app


def _view(number: int, c: Candidate, candidates: list[Candidate], context: review.ArticleContext,
          written: Graph) -> dict[str, object]:
    """What the page shows of one candidate and offers to do with it."""
    labels, descriptions = review.node_labels(c), review.node_descriptions(c)
    text = context.text
    quote_text = text[c.span[0]:c.span[1]] if text is not None and 0 <= c.span[0] < c.span[1] <= len(text) else None
    new_actor = c.kind == "new-actor"
    return {
        "number": number, "key": c.key, "kind": c.kind, "state": c.state, "summary": c.summary, "rule": c.rule,
        "confidence": f"{c.confidence:.2f}", "span": c.span, "quote": quote_text or review.evidence_quote(c) or "",
        "node": review.curie(c.node), "label_vi": labels.get("vi", ""), "label_en": labels.get("en", ""),
        "description_vi": descriptions.get("vi", ""), "description_en": descriptions.get("en", ""),
        "cls": review.node_class(c) or "", "value": review.node_value(c), "date": review.node_date(c) or "",
        "indicator": review.concept_of(c, "indicator"), "role": review.concept_of(c, "role"),
        "new_actor": new_actor, "written": c.state == "accepted" and review.is_written(c, written),
        "suggestions": review.suggest(context.actors, c) if new_actor else [],
        "others": [(i, o.key, o.summary) for i, o in enumerate(candidates, 1) if o.kind == "new-actor" and o.iri != c.iri]
        if new_actor else [],
    }
