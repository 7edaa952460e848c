"""The print page (mkdocs-print-site-plugin) made whole, and printed to a PDF by headless Chromium.

print-site joins the pages into one and turns every link between them into an
anchor of that page, ``#<page>-<anchor>``; it renames only the ids of headings,
footnotes and list items to match. Equations (``<div id="eq-...">``) and ledger
rows (``<tr id="ledger-...">``) keep their ids, which are unique across the site,
so ``fix_links`` points those links at them. A link that still leads nowhere is
reported: in the PDF it would be a dead reference.

``python -m derivations.site.print_page SITE OUT.pdf`` prints ``SITE/print_page/``
with the Chromium on PATH (the one the browser tests use) into ``OUT.pdf``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
from pathlib import Path
import re
import shutil
import sys
import threading
from urllib.parse import urljoin

ID = re.compile(r"""\bid=["']([^"']+)["']""")
HREF = re.compile(r'href="#([^"]*)"')
RELATIVE_LINK = re.compile(r'(<a\b[^>]*?\bhref=")(?!#|[a-z][a-z0-9+.-]*:)([^"]+)"')
PRINT_PAGE = "print_page"
PDF_NAME = "checked-derivations.pdf"
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


def print_pdf(site, out):
    """Print ``site``'s print page to ``out`` with headless Chromium: A4, outline, tagged, fonts embedded."""
    from playwright.sync_api import sync_playwright

    site, out = Path(site), Path(out)
    if not (site / PRINT_PAGE / "index.html").is_file():
        raise SystemExit(f"{site / PRINT_PAGE / 'index.html'} is missing: run `make build` first")
    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("Chromium is not on PATH: the PDF is printed by it (install it with `make system-deps`)")
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            open_whole(page, base + PRINT_PAGE + "/")
            # margins and page numbers from the print page's CSS (print-site's @page rules)
            page.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
                     prefer_css_page_size=True)
        finally:
            browser.close()
    return out


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
