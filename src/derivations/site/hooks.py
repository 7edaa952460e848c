"""MkDocs hooks: print the catalog's equations into the pages, typeset all math with KaTeX, write the ledger.

The equations come from the ledger that ``derivations verify`` writes
(``.cache/ledger.json``): their LaTeX is printed from the checked sympy trees
and their check results travel with them. A stale ledger (the package's
sources changed since) is rebuilt by running ``derivations verify`` again.
A failing equation, a page that shows math outside the catalog, or an
unknown ``[[eq:...]]`` stops the build. Every formula is typeset here, when the
site is built (``typeset.py``): the pages need no JavaScript to show their math.
"""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path
import re
import subprocess
import sys

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from derivations.equations.ledger import page_problems_of, source_hash
from derivations.equations.pages import EQ, REF, scan_docs
from derivations.site.assets import font_files, katex_files
from derivations.site.reader_export import site_files as reader_site_files
from derivations.equations import CATALOG
from derivations.site.cards import errata_problems, label_errata_tables
from derivations.site.extras import extra_files, render_extras
from derivations.site.ledger_page import TAG, render_ledger
from derivations.site.notebook_css import shared_stylesheet, write_stylesheet
from derivations.site.marks import claims_sentence, conditions_html, legend_html, mark_html, mark_of
from derivations.site.shapes import shapes_html
from derivations.site import serve_memo
from derivations.site.performance_page import render_performance
from derivations.site.print_extras import build_stamp, code_line_blocks, finish_print_page, offsite_links
from derivations.site.print_page import PDF_NAME, PRINT_PAGE, update_anchor_ids
import mkdocs_print_site_plugin.urls as print_site_urls
from mkdocs_print_site_plugin.urls import get_page_key
from derivations.site.typeset import CODE, MathError, outside_code, shared_typesetter, typeset_page

log = logging.getLogger("mkdocs.hooks.derivations")

STATE = {}
NOTEBOOK_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
DISPLAY_PLACEHOLDER = re.compile(r"<p>\s*\[\[eq:([a-z0-9-]+)\]\]\s*</p>")
CELL_ID = re.compile(r'id="cell-id=[0-9a-f]+"')
LEDGER_PLACEHOLDER = re.compile(r"<p>\s*\[\[ledger\]\]\s*</p>")
PDF_PLACEHOLDER = re.compile(r"\[\[pdf\]\]")
PERFORMANCE_PLACEHOLDER = re.compile(r"<p>\s*\[\[performance\]\]\s*</p>")
CLAIMS_PLACEHOLDER = re.compile(r"\[\[claims\]\]")
FIRST_HEADING = re.compile(r"</h1>")


def _root(config):
    return Path(config["config_file_path"]).resolve().parent


def load_ledger(root):
    """The ledger for the current sources: from ``.cache/ledger.json`` if fresh, else by running the checks."""
    path = root / ".cache" / "ledger.json"
    wanted = source_hash()
    if path.is_file():
        ledger = json.loads(path.read_text(encoding="utf-8"))
        if ledger.get("source_hash") == wanted:
            return ledger
    log.info("derivations: checking every equation (the ledger is missing or stale)")
    run = subprocess.run(
        [sys.executable, "-m", "derivations", "verify", "--docs", "", "--json", str(path)],
        cwd=root, capture_output=True, text=True,
    )
    if not path.is_file():
        raise PluginError(f"derivations verify wrote no ledger:\n{run.stdout}\n{run.stderr}")
    ledger = json.loads(path.read_text(encoding="utf-8"))
    if run.returncode != 0:
        raise PluginError("Some equations of the site are not verified:\n\n" + run.stderr)
    return ledger


def _search_reads_tex(config):
    """The search plugin reads each page with its formulas as their TeX: parsing KaTeX's markup took it most of a
    rebuild, and a reader searches for words and TeX, not for spans."""
    events = config.plugins.events.get("page_context", [])
    for n, method in enumerate(events):
        owner = getattr(method, "__self__", None)
        if type(owner).__name__ != "SearchPlugin" or getattr(method, "_reads_tex", False):
            continue

        def reads_tex(context, page, config, nav, _search=method):
            typeset, plain = page.content, _typesetter().plain.get(page.file.src_uri)
            if plain is not None:
                page.content = plain
            try:
                return _search(context, page=page, config=config, nav=nav)
            finally:
                page.content = typeset

        reads_tex._reads_tex = True
        events[n] = reads_tex


def on_config(config):
    print_site_urls.update_anchor_ids = update_anchor_ids  # the same renaming, linear in the page (see print_page.py)
    _search_reads_tex(config)
    root = _root(config)
    ledger = load_ledger(root)
    records = {r["id"]: r for r in ledger["equations"]}
    problems = page_problems_of([(r["id"], r["page"]) for r in ledger["equations"]], scan_docs(config["docs_dir"]))
    if problems:
        raise PluginError("The pages show math that is not checked:\n  " + "\n  ".join(problems))
    STATE.update(root=root, ledger=ledger, records=records)
    serve_memo.fingerprint_inputs(config)
    return config


def on_startup(command, dirty):
    if command == "serve":
        _compile_templates_once()
        serve_memo.enable()  # the API reference and the search index kept between rebuilds (serve_memo.py)


def on_serve(server, config, builder):
    server.builder = serve_memo.importing_afresh(server.builder)  # an edit under src/ shows as the ledger does
    return serve_memo.watch_with_inotify(server)


def _compile_templates_once():
    """Under ``mkdocs serve``, every Jinja template compiled once for the process, not once per rebuild.

    A rebuild makes new Jinja environments (Material's theme, several times, and mkdocstrings' API reference),
    and compiling the same templates again was about a second of each rebuild of this site. Jinja's bytecode
    cache (in its per-user temporary directory) reuses a compiled template only while its source is unchanged;
    it is made the default of every environment this process creates that does not choose a cache of its own.
    """
    init = jinja2.Environment.__init__
    if getattr(init, "_compiles_once", False):
        return
    cache = jinja2.FileSystemBytecodeCache()

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if self.bytecode_cache is None:
            self.bytecode_cache = cache

    __init__._compiles_once = True
    jinja2.Environment.__init__ = __init__


def on_files(files, config):
    for f in katex_files(STATE["root"], config) + font_files(STATE["root"], config):
        files.append(f)
    files.append(File.generated(config, "ledger.json", content=_ledger_json()))
    for f in extra_files(config):  # the pictures of the proof pages
        files.append(f)
    # "Check your own" (#19): what a box loads when opened, and each proof page's equations for the browser
    reader, STATE["checkable"], STATE["reader_download"] = reader_site_files(STATE["root"], config, CATALOG)
    for f in reader:
        files.append(f)
    STATE["files"] = files
    return files


def _page_url(src_path):
    f = STATE["files"].get_file_from_path(src_path)
    if f is None:
        raise PluginError(f"equations are registered for {src_path}, which is not a page of the site")
    return f.url


def _display(record, page):
    """A displayed equation: its formula (in every shape, the one that fits shown) in a box that scrolls when even
    the narrowest is wider than the column, then its number and its mark."""
    ledger_url = get_relative_url(_page_url("ledger.md"), page.url) + f"#ledger-{record['id']}"
    formula = record.get("formula") or TAG.sub("", record["latex"])
    shapes, style = shapes_html(f"eq-{record['id']}", record.get("shapes") or [formula], _typesetter())
    return (
        f'<div class="equation" id="eq-{record["id"]}" data-shapes="eq-{record["id"]}" data-equation="{record["id"]}" '
        f'data-result="{record["result"]}" data-mark="{mark_of(record).replace(" ", "-")}"{_checkable(record)}>'
        # the formula's own box, which scrolls when it is wider than the column: reachable by keyboard
        f'<div class="equation-formula" tabindex="0" role="group" aria-label="equation ({record["number"]})">'
        f'{shapes}</div>'
        f'<div class="equation-meta"><span class="equation-number">({record["number"]})</span>'
        f'{mark_html(record, ledger_url)}</div>{conditions_html(record)}{style}</div>'
    )


def _checkable(record):
    """The page whose JSON a "Check your own" box reads, on an identity or gradient a reader can check."""
    page = record["page"]
    hint = STATE.get("checkable", {}).get(page, {}).get(record["id"])
    if hint is None:
        return ""
    download = STATE["reader_download"]  # what Check loads the first time, and the name of the cache it stays in
    return (f' data-check="{Path(page).stem}" data-hint="{html.escape(hint)}" data-download="{download["bytes"]}"'
            f' data-reader-version="{download["version"]}"')


def _reference(record, page):
    url = get_relative_url(_page_url(record["page"]), page.url)
    href = f"#eq-{record['id']}" if record["page"] == page.file.src_uri else f"{url}#eq-{record['id']}"
    return f'<a class="eqref" href="{href}" title="{html.escape(record["title"])}">({record["number"]})</a>'


@event_priority(50)  # before print-site keeps each page's HTML for the print page: equations printed and typeset
def on_page_content(content, page, config, files):
    records = STATE["records"]
    content = NOTEBOOK_MATHJAX.sub("", content)  # mkdocs-jupyter's MathJax comes from a CDN; KaTeX does it here
    content, sheet = shared_stylesheet(content, page.url)  # a notebook's 574 KB of CSS, linked, not inlined
    if sheet:
        write_stylesheet(config["site_dir"], *sheet)
    counter = iter(range(1, 1_000_000))
    # jupytext notebooks carry no cell ids, so nbformat draws random ones: number them for reproducible pages
    content = CELL_ID.sub(lambda m: f'id="cell-{next(counter)}"', content)

    def record(match):
        if match.group(1) not in records:
            raise PluginError(f"{page.file.src_uri}: {match.group(0)} names no equation of the catalog")
        return records[match.group(1)]

    def placeholders(html):
        html = DISPLAY_PLACEHOLDER.sub(lambda m: _display(record(m), page), html)
        return REF.sub(lambda m: _reference(record(m), page), html)

    # a proof page's table of shapes, worked example and pictures, whose [[ref:...]] the next step makes links
    content = outside_code(content, lambda part: render_extras(part, page.file.src_uri, page.url))
    # placeholders inside code (a guide that shows how to write a page) stay as written
    shown = [records[m.group(1)] for m in DISPLAY_PLACEHOLDER.finditer(CODE.sub("", content)) if m.group(1) in records]
    content = outside_code(content, placeholders)
    # what is proved is said from the ledger only: the site's sentence where a page asks for it, and on every page
    # with equations a legend of the marks with that page's own sentence
    everything = STATE["ledger"]["equations"]
    content = outside_code(content, lambda part: CLAIMS_PLACEHOLDER.sub(
        lambda m: html.escape(claims_sentence(everything, "on this site")), part))
    if shown:
        ledger_href = get_relative_url(_page_url("ledger.md"), page.url)
        content = FIRST_HEADING.sub(lambda m: m.group(0) + legend_html(shown, ledger_href), content, count=1)
    if LEDGER_PLACEHOLDER.search(content):
        content = LEDGER_PLACEHOLDER.sub(lambda m: render_ledger(STATE["ledger"], page, _page_url, STATE["root"], _typesetter()), content)
    # a link to the PDF, which `make build` prints after the site (a Markdown link would fail the strict build)
    content = PDF_PLACEHOLDER.sub(lambda m: f'<a href="{get_relative_url(PDF_NAME, page.url)}" type="application/pdf">'
                                            'the proofs as one PDF</a>', content)
    if PERFORMANCE_PLACEHOLDER.search(content):
        results = STATE["root"] / "benchmarks" / "results.json"
        content = PERFORMANCE_PLACEHOLDER.sub(lambda m: render_performance(results), content)
    empty = errata_problems(content)
    if empty:
        raise PluginError(f"{page.file.src_uri}: " + "; ".join(empty))
    content = label_errata_tables(content)  # cards on a phone, each cell under its column's header (cards.py)
    content = code_line_blocks(content)  # each code line a block: on a desktop a long one wraps under itself
    left = EQ.findall(CODE.sub("", content))
    if left:
        raise PluginError(f"{page.file.src_uri}: [[eq:{left[0]}]] must stand alone on its line to be displayed")
    try:
        content, _ = typeset_page(content, _typesetter(), page.file.src_uri)
    except MathError as error:
        raise PluginError(str(error)) from None
    return content


@event_priority(-50)  # after print-site has written the print page
def on_post_build(config):
    path = Path(config["site_dir"]) / PRINT_PAGE / "index.html"
    if not path.is_file():
        return
    base = config["site_url"] or "/"
    urls = ["" if f.url == "./" else f.url for f in STATE["files"].documentation_pages()]  # a page's own url
    pages = {get_page_key(url): base.rstrip("/") + "/" + url for url in urls}
    # a title page, page-numbered contents, the ledger's summary, no divider pages (print_extras.py)
    notebooks = [(f.page.title if f.page and f.page.title else f.name, f.url) for f in STATE["files"].documentation_pages()
                 if f.src_uri.startswith("notebooks/")]
    html = finish_print_page(path.read_text(encoding="utf-8"), records=STATE["ledger"]["equations"],
                             title=config.plugins["print-site"].config["print_page_title"], stamp=build_stamp(STATE["root"]),
                             description=config["site_description"], course=config["extra"].get("course", ""),
                             site_url=config["site_url"] or "", notebooks=notebooks)
    html, dead = offsite_links(html, pages, base)
    if dead:
        raise PluginError(f"{PRINT_PAGE}/: links that lead nowhere in the PDF: {', '.join(dead[:10])}")
    path.write_text(html, encoding="utf-8")


def _typesetter():
    """One KaTeX process for the build, and for every rebuild of ``mkdocs serve``."""
    return shared_typesetter(STATE["root"] / "node_modules" / "katex")


def _ledger_json():
    """The published ledger: one record per equation, as on the Ledger page."""
    keys = ("id", "page", "number", "kind", "title", "latex", "formula", "shapes", "result", "mark", "off_kinks",
            "conditions", "scopes", "methods",
            "proved_links", "proved_for", "links", "points", "kink_points", "comparisons", "seconds", "source")
    rows = [{key: r[key] for key in keys} for r in STATE["ledger"]["equations"]]
    return json.dumps({"source_hash": STATE["ledger"]["source_hash"], "equations": rows}, indent=1)
