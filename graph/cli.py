"""The `innograph` command: each subcommand is a thin wrapper over a function the API also calls."""

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from graph.errors import InnographError, StoreMissing, ValidationFailed
from graph.settings import Settings

if TYPE_CHECKING:
    from graph.sources import Registered

__all__ = ["app", "main"]

app = typer.Typer(help="innograph: the knowledge graph of an innovation ecosystem.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
ingest_app = typer.Typer(help="Curators' tools for adding facts to graph/data.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
network_app = typer.Typer(help="The collaboration network: report, exports.", no_args_is_help=True)
app.add_typer(network_app, name="network")

DataOption = Annotated[Optional[list[Path]], typer.Option("--data", help="A folder of RDF files to use instead of ontology/ and graph/data/ (repeatable).")]
StoreOption = Annotated[Optional[Path], typer.Option("--store", help="The store folder (default: settings' store_dir).")]


def _fail(error: InnographError, code: int = 1) -> None:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(code)


def _within(seconds: float, work: Callable[[], str]) -> str:
    """What `work` returns, or an exit with a message when it runs past `seconds` or the user presses Ctrl-C.

    pyoxigraph cannot be stopped and a signal is not handled while it runs (DESIGN.md §3), but it lets
    other threads run: the query runs in a thread, and this process ends without waiting for it.
    """
    outcome: list[str | BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as e:  # handed to the waiting thread
            outcome.append(e)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    try:
        worker.join(seconds)
    except KeyboardInterrupt:
        _leave("the query was stopped at the user's request (Ctrl-C)", 130)
    if not outcome:
        _leave(f"the query ran past the {seconds:g} s limit and was stopped; give --timeout to allow longer", 1)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _leave(message: str, code: int) -> NoReturn:
    """Exit now, though a query is still running in another thread."""
    typer.echo(f"error: {message}", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@app.command()
def build(data: DataOption = None, store: StoreOption = None,
          force: Annotated[bool, typer.Option(help="Rebuild even when the inputs have not changed.")] = False) -> None:
    """Build the store from the inputs, check it, and publish it only if every check passes."""
    from graph.build import build as run_build

    try:
        result = run_build(Settings(), data=tuple(data) if data else None, store_dir=store, force=force)
    except ValidationFailed as e:
        typer.echo(f"build refused, the previous store is unchanged: {e}", err=True)
        raise typer.Exit(1)
    except InnographError as e:
        _fail(e)
        return
    m = result.manifest
    state = "built" if result.rebuilt else "up to date"
    unread = f", {m.quotes_unread} not read: their source texts are missing" if m.quotes_unread else ""
    typer.echo(f"{state}: {result.store_dir} — {m.triples} triples, {m.facts} facts, {m.sources} sources, "
               f"{len(m.inputs)} files, 0 violations, {m.quotes_checked} quotes read against their sources{unread}")
    for note in result.notes:
        typer.echo(f"warning: {note}", err=True)
    if m.quotes_unread:  # said again when the build is up to date: it stands until the texts are there
        typer.echo(f"warning: {m.quotes_unread} quotes were not read against their sources, so their offsets are "
                   "unchecked; put the texts in INNOGRAPH_SOURCES_DIR or INNOGRAPH_SEEDS_DIR and build again", err=True)


@app.command()
def validate(data: DataOption = None) -> None:
    """Run the checks (SHACL, violation queries, evidence against sources) without building."""
    from graph.build import validate as run_validate

    try:
        report = run_validate(Settings(), data=tuple(data) if data else None)
    except InnographError as e:
        _fail(e)
        return
    for note in report.notes:
        typer.echo(f"warning: {note}", err=True)
    for v in report.violations:
        typer.echo(str(v))
    typer.echo(f"{report.triples} triples, {report.facts} facts, {report.sources} sources, "
               f"{report.quotes_checked} quotes read, {len(report.violations)} violations")
    if report.violations:
        raise typer.Exit(1)


@app.command()
def query(
    text: Annotated[Optional[str], typer.Argument(help="A SPARQL query.")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the query from a file.")] = None,
    name: Annotated[Optional[str], typer.Option("--name", "-n", help="Run a named query from graph/queries/.")] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="A named query's parameter, name=value (repeatable).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, tsv, json, xml; turtle or ntriples for CONSTRUCT/DESCRIBE.")] = "table",
    timeout: Annotated[Optional[float], typer.Option("--timeout", min=0.001, help="Stop the query after this many seconds (default: the service's limit, settings' query_timeout_s).")] = None,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query (a string, a file, or a named query with parameters) and print its result.

    The query stops at the time limit, or at Ctrl-C."""
    from graph.catalogue import named
    from graph.query import FORMATS, render, run
    from graph.remote import open_backend

    if sum(x is not None for x in (text, file, name)) != 1:
        typer.echo("error: give exactly one of a query string, --file or --name", err=True)
        raise typer.Exit(2)
    if fmt not in FORMATS:
        typer.echo(f"error: --format is one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    settings = Settings()
    try:
        substitutions = None
        if name is not None:
            named_query = named(name)
            values = dict(_split_param(p) for p in param or [])
            substitutions = named_query.substitutions(values)
            sparql = named_query.text
        else:
            sparql = file.read_text(encoding="utf-8") if file is not None else text or ""
        opened, _ = open_backend(settings, store)
        out = _within(timeout or settings.query_timeout_s,
                      lambda: render(run(opened, sparql, substitutions=substitutions), fmt))  # type: ignore[arg-type]
        typer.echo(out, nl=not out.endswith("\n"))
    except InnographError as e:
        _fail(e)


def _split_param(raw: str) -> tuple[str, str]:
    key, sep, value = raw.partition("=")
    if not sep:
        raise typer.BadParameter(f"{raw!r}: write a parameter as name=value")
    return key.strip(), value


@app.command("queries")
def list_queries() -> None:
    """List the named queries with their questions and parameters."""
    from graph.catalogue import catalogue

    for q in catalogue().values():
        params = " ".join(f"{p.name}={p.example}" for p in q.params)
        typer.echo(f"{q.name}: {q.question}" + (f"  [{params}]" if params else ""))


@ingest_app.command("quote")
def ingest_quote(source: Path, quote: str,
                 occurrence: Annotated[int, typer.Option(help="Which occurrence of the quote, counting from 1.")] = 1) -> None:
    """Print an evidence node for QUOTE in the SOURCE file: the exact text as stored and its offsets."""
    from graph.ingest import evidence_turtle
    from graph.text import QuoteNotFound

    try:
        typer.echo(evidence_turtle(source, quote, occurrence=occurrence))
    except QuoteNotFound as e:
        typer.echo(f"error: {source}: {e}", err=True)
        raise typer.Exit(1)


@ingest_app.command("add")
def ingest_add(
    paths: Annotated[list[Path], typer.Argument(help="Article text files (UTF-8, NFC), or a folder: every *.txt in it, in name order.",
                                                 show_default=False)],
    url: Annotated[Optional[str], typer.Option(help="The article's web address (one article only).")] = None,
    title: Annotated[Optional[str], typer.Option(help="The article's title, in Vietnamese (one article only).")] = None,
    publisher: Annotated[Optional[str], typer.Option(help="The publisher, an actor graph/data describes: igr:slug, slug or label.")] = None,
    issued: Annotated[Optional[str], typer.Option(help="When it was published: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS+07:00 or as a dateline prints it.")] = None,
    language: Annotated[str, typer.Option(help="The article's language tag.")] = "vi",
) -> None:
    """Register source articles: each text stored unchanged in the sources folder, its document node in graph/data.

    The options override a file's header lines (URL:, TITLE:, DATE:, PUBLISHER:, AUTHOR:); without them the title is the first line and the date the dateline.

    Each article added has its candidate facts proposed into its review draft (review/ARTICLE.trig): `innograph review ARTICLE` walks them.

    One line per article says added, already registered, or refused and why; the exit code is 1 when any was refused. Ctrl-C stops after the current article."""
    from graph.ingest import Extractor
    from graph.sources import SourceRefused, articles_in, register

    settings = Settings()
    try:
        articles = articles_in(paths)
    except InnographError as e:
        _fail(e)
        return
    if (url is not None or title is not None) and len(articles) > 1:
        typer.echo("error: --url and --title describe one article; give them with a single FILE", err=True)
        raise typer.Exit(2)
    refused = done = 0
    extractor: Extractor | None = None
    try:
        with _DeferredInterrupts() as interrupted, _Progress(len(articles)) as progress:
            for path in articles:
                if interrupted():
                    break
                notes: tuple[str, ...] = ()
                try:
                    result = register(settings, path, url=url, title=title, publisher=publisher, issued=issued,
                                      language=language)
                except SourceRefused as e:
                    refused += 1
                    line = f"refused {e}"
                except InnographError as e:  # graph/data cannot be read: no article can be registered
                    progress.clear()
                    _fail(e)
                    return
                else:
                    line, notes = _ingest_line(result, path), result.notes
                    if result.added:
                        extractor = extractor or Extractor.from_settings(settings)
                        drafted = extractor.propose(settings, document=result.doc, identifier=result.identifier,
                                                    issued=result.issued)
                        line += f"; {drafted.pending} candidates to review in {drafted.draft}"
                done += 1
                progress.clear()
                typer.echo(line)
                for note in notes:
                    typer.echo(f"note: {result.name}: {note}", err=True)
                progress.advance()
    except KeyboardInterrupt:
        typer.echo(f"error: stopped at once at the user's request (Ctrl-C twice) after {done} of {len(articles)} "
                   "articles; an article being written may have left its text alone in the sources folder: "
                   "add it again to finish it", err=True)
        raise typer.Exit(130)
    if done < len(articles):
        typer.echo(f"stopped at the user's request (Ctrl-C): {len(articles) - done} of {len(articles)} articles "
                   "not looked at; every article added is whole", err=True)
        raise typer.Exit(130)
    raise typer.Exit(1 if refused else 0)


@ingest_app.command("extract")
def ingest_extract(
    articles: Annotated[list[str], typer.Argument(help="Registered articles: doc-005, 005 or the file name.", show_default=False)],
) -> None:
    """Propose an article's candidate facts again into its review draft: what a curator accepted or rejected stays as decided and is not proposed again."""
    from graph.ingest import Extractor

    settings = Settings()
    try:
        extractor = Extractor.from_settings(settings)
        for name in articles:
            document, identifier, issued = extractor.article(name)
            drafted = extractor.propose(settings, document=document, identifier=identifier, issued=issued)
            typer.echo(f"{identifier}: {drafted.new} new, {drafted.pending} pending, {drafted.decided} decided — {drafted.draft}")
    except InnographError as e:
        _fail(e)


def _ingest_line(result: "Registered", path: Path) -> str:
    """The line `ingest add` prints for an article added or already registered."""
    from graph.namespaces import ID

    if not result.added:
        doc = "igr:" + result.doc.removeprefix(str(ID)) if result.doc.startswith(str(ID)) else f"<{result.doc}>"
        return f"already registered as {doc} ({result.identifier}): {path}"
    issued = f"issued {result.issued.isoformat()}" if result.issued is not None else "no date"
    return f'added {result.name} {result.identifier} "{result.title}" ({result.characters} characters, {issued})'


class _Progress:
    """A progress bar on standard error, when it is a terminal, for a batch of more than one article."""

    def __init__(self, length: int) -> None:
        self._bar = (typer.progressbar(length=length, label="adding articles", file=sys.stderr, show_pos=True)
                     if length > 1 and sys.stderr.isatty() else None)

    def __enter__(self) -> "_Progress":
        if self._bar is not None:
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)  # type: ignore[arg-type]

    def clear(self) -> None:
        """Erase the bar's line on a terminal, so that a line printed now does not run into it."""
        if self._bar is not None:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.update(1)


class _DeferredInterrupts:
    """Within the block a first Ctrl-C asks to stop after the current article (the block reads that from
    the callable it is given); a second raises KeyboardInterrupt at once."""

    def __init__(self) -> None:
        self._requested = threading.Event()
        self._previous: object = None
        self._installed = False

    def __enter__(self) -> Callable[[], bool]:
        import signal

        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._ask)
            self._installed = True
        return self._requested.is_set

    def _ask(self, signum: int, frame: object) -> None:
        import signal

        self._requested.set()
        typer.echo("\nCtrl-C: stopping after the current article (Ctrl-C again stops at once)", err=True)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def __exit__(self, *exc: object) -> None:
        import signal

        if self._installed:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]


SectorOption = Annotated[Optional[list[str]], typer.Option("--sector", help="Keep ties about this sector or a narrower one (repeatable): semiconductors, sector:ai, or an IRI.")]
CategoryOption = Annotated[Optional[list[str]], typer.Option("--category", help="Keep actors of this category (repeatable): government, industry, academia, intermediary, international, media, person.")]
AsOfOption = Annotated[Optional[str], typer.Option("--as-of", help="Leave out ties dated after this day (YYYY-MM-DD); undated ties stay.")]
SourceOption = Annotated[Optional[list[str]], typer.Option("--source", help="Keep ties quoted from this source file (repeatable).")]
RelationOption = Annotated[Optional[list[str]], typer.Option("--relation", help="Keep ties of this kind (repeatable; default every kind but shared-sector).")]
EgoOption = Annotated[Optional[str], typer.Option("--ego", help="Only the actors within --hops ties of this one (IRI, slug or label).")]
HopsOption = Annotated[int, typer.Option("--hops", min=1, help="How far the ego network reaches.")]


def _network_view(store: Optional[Path], sector: Optional[list[str]], category: Optional[list[str]], as_of: Optional[str],
                  source: Optional[list[str]], relation: Optional[list[str]], ego: Optional[str], hops: int):  # type: ignore[no-untyped-def]
    from graph import network as nw
    from graph.remote import open_backend
    from graph.search import find_actor

    filters = nw.Filters.parse(sectors=sector or (), categories=category or (), as_of=as_of, sources=source or (),
                               relations=relation or ())
    opened, _ = open_backend(Settings(), store)
    net = nw.project(opened, shared_sectors="shared-sector" in filters.relations)
    graph = nw.ego_view(net, filters, find_actor(opened, ego), hops) if ego else nw.view(net, filters)
    return net, graph


@network_app.command("report")
def network_report(store: StoreOption = None, sector: SectorOption = None, category: CategoryOption = None,
                   as_of: AsOfOption = None, source: SourceOption = None, relation: RelationOption = None,
                   ego: EgoOption = None, hops: HopsOption = 1,
                   lang: Annotated[str, typer.Option(help="Language of the table's names and sentences: vi or en.")] = "vi",
                   json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write every metric and sentence, vi and en, to this JSON file.")] = None) -> None:
    """Print each actor's degree, weighted degree, betweenness, PageRank, community and brokerage, and its position in words."""
    import json

    from graph import network as nw

    if lang not in ("vi", "en"):
        raise typer.BadParameter("--lang is vi or en")
    try:
        net, graph = _network_view(store, sector, category, as_of, source, relation, ego, hops)
        rows, metrics = nw.report(net, graph)
    except InnographError as e:
        _fail(e)
        return
    typer.echo(f"{'actor':40} {'category':13} {'deg':>4} {'wdeg':>5} {'betweenness':>11} {'pagerank':>8} {'comm':>4} {'broker':>6}")
    for r in rows:
        typer.echo(f"{r['label_' + lang][:40]:40} {r['category']:13} {r['degree']:4} {r['weighted_degree']:5} "
                   f"{r['betweenness']:11.4f} {r['pagerank']:8.4f} {r['community']:4} {r['brokerage']:6}")
    typer.echo("")
    for r in rows:
        typer.echo(r["position_" + lang])
    if json_out:
        json_out.write_text(json.dumps(nw.report_document(rows, metrics), ensure_ascii=False, indent=1), encoding="utf-8")


@network_app.command("export")
def network_export(out: Annotated[Path, typer.Argument(help="The file to write; its format from --format or its suffix (.gexf, .graphml, .json).")],
                   store: StoreOption = None, sector: SectorOption = None, category: CategoryOption = None,
                   as_of: AsOfOption = None, source: SourceOption = None, relation: RelationOption = None,
                   ego: EgoOption = None, hops: HopsOption = 1,
                   fmt: Annotated[Optional[str], typer.Option("--format", help="gexf, graphml or json.")] = None) -> None:
    """Write the (filtered) network as GEXF with dates for Gephi's timeline, GraphML, or node-link JSON."""
    from graph import network as nw

    try:
        _, graph = _network_view(store, sector, category, as_of, source, relation, ego, hops)
        body = nw.export(graph, fmt or out.suffix.lstrip("."))
    except InnographError as e:
        _fail(e)
        return
    partial = out.with_name(out.name + ".partial")  # a failed write never leaves half a file under the real name
    partial.write_bytes(body)
    partial.replace(out)
    typer.echo(f"wrote {out}: {graph.number_of_nodes()} actors, {graph.number_of_edges()} ties")


@network_app.command("page")
def network_page(out: Annotated[Path, typer.Argument(help="The HTML file to write; it opens in a browser with no internet.")],
                 store: StoreOption = None, sector: SectorOption = None, category: CategoryOption = None,
                 as_of: AsOfOption = None, source: SourceOption = None, relation: RelationOption = None,
                 ego: EgoOption = None, hops: HopsOption = 1,
                 lang: Annotated[str, typer.Option(help="Language of the page: vi or en.")] = "vi",
                 size: Annotated[str, typer.Option(help="The metric that sizes the nodes at first: betweenness, pagerank, degree, weighted_degree or brokerage.")] = "betweenness") -> None:
    """Write the (filtered) network as one self-contained page: coloured by category, sized by a metric, every tie with its quote."""
    from graph import network_page as page
    from graph.remote import open_backend

    if lang not in ("vi", "en"):
        raise typer.BadParameter("--lang is vi or en")
    if size not in page.SIZE_METRICS:
        raise typer.BadParameter(f"--size is one of {', '.join(page.SIZE_METRICS)}")
    try:
        net, graph = _network_view(store, sector, category, as_of, source, relation, ego, hops)
        _, manifest = open_backend(Settings(), store)
    except InnographError as e:
        _fail(e)
        return
    given = [("sector", sector), ("category", category), ("as of", as_of), ("source", source), ("relation", relation)]
    filters = [(name, ", ".join(value) if isinstance(value, list) else value) for name, value in given if value]
    title = ("Mạng lưới hợp tác" if lang == "vi" else "Collaboration network") + (f" · {ego} ({hops})" if ego else "")
    html = page.render(net, graph, page.PageContext(title=title, lang=lang, size_by=size, filters=filters,
                                                    built=f"build {manifest.built_at}" if manifest else "", actor_href=""))
    partial = out.with_name(out.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(out)
    typer.echo(f"wrote {out}: {graph.number_of_nodes()} actors, {graph.number_of_edges()} ties")


@app.command()
def brief(actor: Annotated[str, typer.Argument(help="The actor: its IRI, slug, label or abbreviation, with or without diacritics.")],
          other: Annotated[Optional[str], typer.Option("--with", help="A second actor: a brief on the pair before they meet.")] = None,
          lang: Annotated[str, typer.Option(help="vi or en.")] = "vi",
          fmt: Annotated[str, typer.Option("--format", help="md, html or pdf.")] = "md",
          as_of: Annotated[Optional[str], typer.Option("--as-of", help="Leave out what is dated after this day (YYYY-MM-DD); default today.")] = None,
          out: Annotated[Optional[Path], typer.Option("--out", help="The file to write (default: Markdown and HTML to standard output; PDF needs --out).")] = None,
          store: StoreOption = None) -> None:
    """A sourced, dated brief on an actor, or on two actors before they meet; every statement with a footnote to its quote."""
    from graph.brief import build_brief, render
    from graph.remote import open_backend
    from graph.text import parse_day

    if fmt == "pdf" and out is None:
        raise typer.BadParameter("a PDF brief needs --out FILE")
    try:
        opened, manifest = open_backend(Settings(), store)
        body = render(build_brief(opened, actor, other=other, lang=lang, as_of=parse_day(as_of),  # type: ignore[arg-type]
                                  manifest=manifest), fmt)
    except InnographError as e:
        _fail(e)
        return
    if out is None:
        typer.echo(body.decode("utf-8"), nl=False)
        return
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(body)
    partial.replace(out)
    typer.echo(f"wrote {out}")


@app.command()
def serve(store: StoreOption = None,
          host: Annotated[Optional[str], typer.Option(help="Address to listen on (default: settings' host).")] = None,
          port: Annotated[Optional[int], typer.Option(help="Port to listen on (default: settings' port).")] = None) -> None:
    """Serve the store over HTTP: SPARQL 1.1 at /sparql, named queries at /queries, the API's page at /docs."""
    from api.server import serve as serve_build

    settings = Settings()
    try:
        serve_build(settings, store or settings.store_dir, host=host or settings.host, port=port or settings.port)
    except InnographError as e:
        _fail(e)


@app.command()
def publish(to: Annotated[Optional[str], typer.Option("--to", help="The server's SPARQL query URL (default: settings' backend_url).")] = None,
            store_url: Annotated[Optional[str], typer.Option("--store-url", help="Its Graph Store Protocol URL, which the build is loaded through (default: settings' backend_store_url).")] = None,
            store: StoreOption = None) -> None:
    """Load the built store into a SPARQL server and switch its readers to it at once: they see the old build
    or the new one, never a mixture. The user and password come from the settings (INNOGRAPH_BACKEND_USER, _PASSWORD)."""
    import time

    from graph.remote import publish as publish_build
    from graph.store import open_store, read_manifest

    settings = Settings()
    changes = {k: v for k, v in (("backend_url", to), ("backend_store_url", store_url)) if v}
    endpoint = settings.model_copy(update=changes).endpoint()
    if endpoint is None:
        typer.echo("error: name the server with --to URL (or INNOGRAPH_BACKEND_URL)", err=True)
        raise typer.Exit(2)
    store_dir = store or settings.store_dir
    started = time.monotonic()
    try:
        manifest = read_manifest(store_dir)
        built = open_store(store_dir)
        if manifest is None:
            raise StoreMissing(f"{store_dir}: the build has no manifest; run `innograph build` again")
        done = publish_build(endpoint, built, manifest)
    except InnographError as e:
        _fail(e)
        return
    typer.echo(f"published {done.build} at {endpoint.query_url}: {manifest.triples} triples in {len(done.graphs)} graphs, "
               f"{time.monotonic() - started:.1f} s; the build published before it answers until the next publish, a minute at least")


@app.command("review")
def review_article(
    article: Annotated[Optional[str], typer.Argument(help="The article: its name (005_khu_cong_nghe_cao), draft or data file name, igr:doc-005 or its number (005).", show_default=False)] = None,
    serve_page: Annotated[bool, typer.Option("--serve", help="Review in a browser instead: a local page on 127.0.0.1 (ARTICLE optional).")] = False,
    write: Annotated[bool, typer.Option("--write", help="Only write the article's accepted facts to graph/data, then exit.")] = False,
    curator: Annotated[Optional[str], typer.Option(help="Who is reviewing (default: settings' curator, else git's user.name, else $USER).")] = None,
    host: Annotated[str, typer.Option(help="With --serve: the address to listen on; only 127.0.0.1 is allowed.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="With --serve: the port to listen on.")] = 8001,
) -> None:
    """Review an article's candidate facts: accept, reject, correct, link or merge each, and write the accepted ones to graph/data.

    Keys: a accept, r reject, c correct (asks what), l link a new actor to one the graph has, m merge two new actors, s skip, w write accepted facts now, q write them and quit. Each decision is saved to the draft (review_dir/ARTICLE.trig) at once; accepted facts reach graph/data only after the whole graph with them passes every check. Ctrl-C stops without writing (exit code 130); `innograph review ARTICLE` again goes on where it stopped."""
    from graph import review

    if serve_page and host not in ("127.0.0.1", "localhost"):
        typer.echo(f"error: --host {host} is refused: the review page changes graph/data and listens on 127.0.0.1 only; "
                   "leave --host out", err=True)
        raise typer.Exit(2)
    settings = Settings()
    try:
        found = review.find_article(settings, article) if article else None
        if serve_page:
            import uvicorn

            from graph.review_page import create_review_app

            name = curator or review.default_curator(settings)
            address = f"http://127.0.0.1:{port}/" + (f"articles/{found.name}" if found else "")
            typer.echo(f"review page for {name}: {address} (Ctrl-C stops it)")
            uvicorn.run(create_review_app(settings, curator=name), host="127.0.0.1", port=port, http="h11",
                        log_level="warning")
            return
        if found is None:
            typer.echo("error: name the ARTICLE to review (or give --serve for the page of every draft)", err=True)
            raise typer.Exit(2)
        name = curator or review.default_curator(settings)
        if write:
            from datetime import datetime, timezone

            try:
                result = review.write_accepted(settings, found, curator=name, now=datetime.now(timezone.utc))
            except review.WriteRefused as e:
                typer.echo(f"error: {e}", err=True)
                raise typer.Exit(1)
            for note in result.notes:
                typer.echo(f"note: {note}", err=True)
            typer.echo(str(result))
            return
        raise typer.Exit(review.review_in_terminal(settings, found, curator=name))
    except InnographError as e:
        _fail(e)


def main() -> None:
    """Entry point of the `innograph` console script."""
    app()
