"""The print page (mkdocs-print-site-plugin) made whole, and printed to a PDF by headless Chromium.

print-site joins the pages into one and turns every link between them into an
anchor of that page, ``#<page>-<anchor>``; it renames only the ids of headings,
footnotes and list items to match. Equations (``<div id="eq-...">``) and ledger
rows (``<tr id="ledger-...">``) keep their ids, which are unique across the site,
so ``fix_links`` points those links at them. A link that still leads nowhere is
reported: in the PDF it would be a dead reference.

``python -m derivations.site.print_page SITE OUT.pdf`` prints ``SITE/print_page/``
with the Chromium on PATH (the one the browser tests use) into ``OUT.pdf``, then reads
the PDF back: a PDF that lacks an equation, the last heading or pages is printed once
more and then refused (a non-zero exit), so ``make build`` never ships half the proofs.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
from dataclasses import dataclass
import functools
import http.server
import math
import os
from pathlib import Path
import re
import shutil
import sys
import threading
import unicodedata
from urllib.parse import urljoin

ID = re.compile(r"""\bid=["']([^"']+)["']""")
HREF = re.compile(r'href="#([^"]*)"')
RELATIVE_LINK = re.compile(r'(<a\b[^>]*?\bhref=")(?!#|[a-z][a-z0-9+.-]*:)([^"]+)"')
EQUATION_LABEL = re.compile(r'aria-label="equation \(([^)"]+)\)"')
HEADING = re.compile(r"<h[1-6][\s>]", re.IGNORECASE)
PRINT_PAGE = "print_page"
PDF_NAME = "checked-derivations.pdf"
# A4 less the margins of the site's @page rule (docs/stylesheets/extra.css), in CSS px: one printed page
PRINT_AREA = {"width": round(180 / 25.4 * 96), "height": round(263 / 25.4 * 96)}
# a loaded machine takes tens of seconds to load the print page (30 s at a tenth of the CPU): wait, then refuse
LOAD_TIMEOUT_MS = 180_000
# how the PDF and the browser tests start Chromium (Debian's, driven by Playwright through executable_path)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]


def chromium_path():
    """Path of the Chromium binary (on PATH, or CHROMIUM_PATH), or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    path = os.environ.get("CHROMIUM_PATH")
    return path if path and Path(path).exists() else None


HEADING_ID = re.compile(r'(<(?:h[1-6]|sup|li)\b[^>]*?\bid=")([^"]*)(")', re.IGNORECASE)


def update_anchor_ids(page_html, page_key):
    r"""print-site's ``urls.update_anchor_ids`` in one linear pass: ``id="x"`` becomes ``id="<page>-x"`` on h1-h6, sup, li.

    print-site 2.9 finds those tags with ``<([^\s]+).*?id="..."`` and rewrites the whole page once per id: on pages
    whose typeset formulas are lines of hundreds of kilobytes that took 100 s a build. ``derivations.site.hooks``
    puts this one in its place; the result is the same.

    >>> update_anchor_ids('<h2 id="proof">Proof</h2><div id="eq-x"></div><li class="a" id="fn:1">', "problem-1")
    '<h2 id="problem-1-proof">Proof</h2><div id="eq-x"></div><li class="a" id="problem-1-fn:1">'
    """
    return HEADING_ID.sub(lambda m: f"{m.group(1)}{page_key}-{m.group(2)}{m.group(3)}", page_html)


def fix_links(html, pages, base=None):
    """``html`` with its links mended, and the links that still lead nowhere.

    ``pages`` maps print-site's key of every page of the site to its absolute URL. A link
    ``#<page>-<anchor>`` goes to ``#<anchor>`` when only that id exists (equations, ledger
    rows), and a link to a page left out of the print page goes to that page on the site, as
    does a relative link to a file (``../ledger.json``), resolved against ``base``, the print
    page's own address on the site: a PDF has no site around it.

    >>> pages = {"problem-2": "https://x.org/problem-2/", "reference": "https://x.org/reference/"}
    >>> fix_links('<a href="#problem-2-eq-x">(3)</a><div id="eq-x"></div>'
    ...           '<a href="#reference-derivations.svm_loss">svm_loss</a><a href="#nowhere">', pages)
    ('<a href="#eq-x">(3)</a><div id="eq-x"></div><a href="https://x.org/reference/#derivations.svm_loss">svm_loss</a><a href="#nowhere">', ['nowhere'])
    >>> fix_links('<a class="x" href="../ledger.json">', pages, base="https://x.org/print_page/")[0]
    '<a class="x" href="https://x.org/ledger.json">'
    """
    ids = set(ID.findall(html))
    keys = sorted(pages, key=len, reverse=True)

    def point(match):
        target = match.group(1)
        if target in ids or not target:
            return match.group(0)
        for key in keys:
            if target == key:
                return f'href="{pages[key]}"'
            if target.startswith(key + "-"):
                anchor = target[len(key) + 1:]
                if anchor in ids:
                    return f'href="#{anchor}"'
                if key not in ids:  # a page that is not part of the print page
                    return f'href="{pages[key]}#{anchor}"'
        return match.group(0)

    html = HREF.sub(point, html)
    if base:
        html = RELATIVE_LINK.sub(lambda m: f'{m.group(1)}{urljoin(base, m.group(2))}"', html)
    dead = sorted({t for t in HREF.findall(html) if t and t not in ids})
    return html, dead


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory, handler=_Quiet):
    """Serve ``directory`` on a free port of 127.0.0.1 with ``handler`` (a SimpleHTTPRequestHandler); yields the URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# after the load event a layout asks for the fonts its text needs, and fonts.ready waits for them
SETTLE_FONTS = """async () => {
  for (let i = 0; i < 5; i++) {
    document.body.getBoundingClientRect();
    await document.fonts.ready;
    if (document.fonts.status === "loaded") return;
  }
}"""
# what the browser holds of the print page: its equations, its headings and the last that prints, the last
# element that prints and that a link points to (Chromium makes it a named destination of the PDF), its height
SHOWN = """() => {
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")];
  const printed = (elements) => elements.filter((e) => e.getClientRects().length);
  const linked = new Set([...document.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute("href").slice(1)));
  const targets = printed([...document.querySelectorAll("[id]")].filter((e) => linked.has(e.id)));
  const last = (elements) => elements[elements.length - 1];
  return {
    equations: [...document.querySelectorAll('[aria-label^="equation ("]')].map((e) => e.getAttribute("aria-label")),
    headings: headings.length,
    last_heading: printed(headings).length ? last(printed(headings)).textContent : "",
    last_target: targets.length ? last(targets).id : "",
    height: document.documentElement.scrollHeight,
    sections: document.querySelectorAll("section.print-page").length,
    contents: [...document.querySelectorAll("[data-page-of]")].map((e) => e.dataset.pageOf),
  };
}"""
# the contents' page numbers written in: {target id: page}; returns what each entry now shows
FILL_CONTENTS = """(pages) => {
  const shown = {};
  for (const slot of document.querySelectorAll("[data-page-of]")) {
    slot.textContent = pages[slot.dataset.pageOf] ?? "";
    shown[slot.dataset.pageOf] = slot.textContent;
  }
  return shown;
}"""


@dataclass(frozen=True)
class Expected:
    """What a whole PDF of the print page holds: its equation numbers, last heading, last link target, pages.

    The last link target is the end of the page, where the last heading can be pages above it (the ledger's table).
    """

    equations: tuple
    last_heading: str
    last_target: str
    pages: range


def page_range(height, sections):
    """The pages a print of ``height`` CSS px at the printed width fills, with a page break before each of ``sections``.

    No fewer than 80% of the height in whole pages (a print cannot hold less than its text), no more than twice
    that plus a page per section (``break-inside: avoid`` on equations and paragraphs leaves gaps).

    >>> page_range(22736, 10)
    range(18, 57)
    """
    filled = height / PRINT_AREA["height"]
    return range(math.floor(0.8 * filled), 2 * math.ceil(filled) + sections + 1)


def expected_content(html, shown):
    """What the PDF must hold, and what the browser lacks of the print page's file ``html``.

    ``shown`` is what the browser holds (``SHOWN``); the equations come from the file, so that a page the browser
    got or parsed only in part is caught here rather than trusted. The last heading is the last one that prints
    (the ledger's list of sources is hidden in print).
    """
    equations = tuple(EQUATION_LABEL.findall(html))
    shown_equations = {label[len("equation ("):-1] for label in shown["equations"]}
    lacking = [f"equation ({n}) is not in the page Chromium loaded" for n in equations if n not in shown_equations]
    if shown["headings"] < len(HEADING.findall(html)):
        lacking.append(f"{shown['headings']} headings in the page Chromium loaded, "
                       f"{len(HEADING.findall(html))} in {PRINT_PAGE}/index.html")
    heading = " ".join(shown["last_heading"].replace("\u00b6", "").split())
    pages = page_range(shown["height"], shown["sections"])
    return Expected(equations, heading, shown["last_target"], pages), lacking


def _squeeze(text):
    """``text`` without whitespace and ligatures: pypdf's text splits or joins words where lines break, and reads
    a ligature of the PDF's fonts as one character (ﬁ)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_problems(path, expected):
    """What the PDF at ``path`` lacks of ``expected``, as sentences naming it; [] for a whole PDF.

    The last heading must close the PDF's outline (Chromium builds it from the headings it printed): its text
    alone is no proof, the table of contents on page 1 names it too.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        text = _squeeze(" ".join(page.extract_text() for page in reader.pages))
    except (OSError, PdfReadError) as error:  # no PDF, or one cut off while written
        return [f"the PDF cannot be read: {error}"]
    problems = []
    if len(reader.pages) not in expected.pages:
        problems.append(f"{len(reader.pages)} pages, not {expected.pages.start}-{expected.pages.stop - 1}")
    problems += [f"equation ({n}) is not in the PDF" for n in expected.equations if f"({n})" not in text]
    outline = list(_flatten(reader.outline))
    last = outline[-1].title if outline else ""
    if _squeeze(expected.last_heading) not in text or _squeeze(last) != _squeeze(expected.last_heading):
        problems.append(f"the last heading, {expected.last_heading!r}, is not the end of the PDF "
                        f"(its outline ends at {last!r})")
    if expected.last_target and "/" + expected.last_target not in reader.named_destinations:
        problems.append(f"the end of the page, #{expected.last_target}, is not in the PDF")
    return problems


def destination_pages(path, ids):
    """The page (from 1) on which the PDF at ``path`` has each of ``ids`` (a named destination: Chromium makes one
    of every element a link points to), for those it has."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    destinations = reader.named_destinations
    return {i: str(reader.get_destination_page_number(destinations["/" + i]) + 1)
            for i in ids if "/" + i in destinations}


def contents_problems(path, shown):
    """Entries of the contents whose page number is not where the PDF at ``path`` has their heading.

    ``shown`` maps each entry's target id to the number the contents print ("" for none).
    """
    if not shown:
        return []
    where = destination_pages(path, list(shown))
    return [f"the contents give page {number or 'no page'} for #{target}, which is on page {where.get(target, '?')}"
            for target, number in shown.items() if where.get(target) != number]


def _flatten(outline):
    """The entries of a pypdf outline (nested lists) in document order."""
    for item in outline:
        yield from _flatten(item) if isinstance(item, list) else (item,)


def open_whole(page, url):
    """Load ``url`` in ``page`` until it is whole: parsed to its end, its scripts run, its fonts loaded.

    ``load`` and not Playwright's ``networkidle``: that fires once no request has been open for 500 ms, with no
    regard to the parser. A busy renderer is still parsing the print page then (seen: 3 of its 39 equations in
    the DOM), ``document.fonts.status`` is "loaded" between two fonts, and ``page.pdf`` prints the DOM as it is.
    """
    page.set_default_timeout(LOAD_TIMEOUT_MS)
    page.emulate_media(media="print", color_scheme="light")
    page.goto(url, wait_until="load")
    page.evaluate(SETTLE_FONTS)


def outside_asyncio(function, *args):
    """``function(*args)``, called in a thread of its own when this thread runs an asyncio loop.

    Playwright's sync API refuses to start under a running loop, and one runs in a Jupyter kernel and wherever a
    sync Playwright is already open in this thread (a test session's shared browser): the print would fail there.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def print_once(site, out):
    """Print ``site``'s print page to ``out`` once with headless Chromium; returns what the browser held (SHOWN)."""
    return outside_asyncio(_print_in_chromium, site, out)


def _print_in_chromium(site, out):
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            # the printed column's width, so that the page's height says how many pages it fills
            page = browser.new_page(viewport=PRINT_AREA)
            open_whole(page, base + PRINT_PAGE + "/")
            shown = page.evaluate(SHOWN)
            # margins and page numbers from the print page's CSS (print-site's @page rules)
            options = dict(format="A4", print_background=True, outline=True, tagged=True, prefer_css_page_size=True)
            page.pdf(path=str(out), **options)
            # the contents' page numbers: where the first print put each heading, written into slots that keep
            # their width (Chromium cannot print target-counter), then the print that is kept
            if shown["contents"]:
                shown["contents"] = page.evaluate(FILL_CONTENTS, destination_pages(out, shown["contents"]))
                page.pdf(path=str(out), **options)
        finally:
            browser.close()
    return shown


def check_print(site, out, printer=print_once):
    """Print with ``printer`` and read the PDF back: what it (or the page Chromium loaded) lacks; [] when whole."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        shown = printer(site, out)
    except PlaywrightError as error:  # a timeout on a loaded machine is a failed print, which is tried again
        return [f"Chromium did not print: {str(error).splitlines()[0]}"]
    html = (Path(site) / PRINT_PAGE / "index.html").read_text(encoding="utf-8")
    expected, lacking = expected_content(html, shown)
    problems = lacking + pdf_problems(out, expected)
    if not problems and isinstance(shown.get("contents"), dict):
        problems += contents_problems(out, shown["contents"])
    return problems


def print_pdf(site, out, printer=print_once):
    """Print ``site``'s print page to ``out`` (A4, outline, tagged, fonts embedded) and check what was printed.

    The PDF is written beside ``out`` and takes its name only once whole; a PDF that lacks something is printed
    again once, and then kept as ``*.incomplete.pdf`` and refused with a SystemExit naming what it lacks.
    """
    site, out = Path(site), Path(out)
    if not (site / PRINT_PAGE / "index.html").is_file():
        raise SystemExit(f"{site / PRINT_PAGE / 'index.html'} is missing: run `make build` first")
    if printer is print_once and chromium_path() is None:
        raise SystemExit("Chromium is not on PATH: the PDF is printed by it (install it with `make system-deps`)")
    partial = out.with_name(out.stem + ".incomplete.pdf")
    out.unlink(missing_ok=True)  # a PDF of an earlier build must not pass for this one
    for attempt in (1, 2):
        problems = check_print(site, partial, printer)
        if not problems:
            partial.replace(out)
            return out
        if attempt == 1:
            more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
            print(f"the PDF is incomplete ({problems[0]}{more}): printing it again", file=sys.stderr)
    shown = problems if len(problems) <= 8 else problems[:8] + [f"and {len(problems) - 8} more"]
    kept = f", kept as {partial}" if partial.exists() else ""
    raise SystemExit(f"the PDF of {site / PRINT_PAGE} is incomplete after two prints{kept}:\n  " + "\n  ".join(shown))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Print the site's proofs to one PDF.")
    parser.add_argument("site", nargs="?", default="site")
    parser.add_argument("out", nargs="?", default=None)
    args = parser.parse_args(argv)
    out = Path(args.out or Path(args.site) / PDF_NAME)
    print_pdf(args.site, out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    sys.exit(main())
