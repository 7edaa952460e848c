"""Serve the built site on 127.0.0.1 and drive Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import gzip
import http.server
from pathlib import Path

# one way to serve the site and start Chromium, as the PDF printer does
from derivations.site.print_page import CHROMIUM_ARGS, chromium_path, serve as serve_directory

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"


def site_pages(site=SITE):
    """URL paths of every HTML page of the built site ('' for the home page), 404 excluded."""
    pages = []
    for path in sorted(site.rglob("index.html")):
        rel = path.parent.relative_to(site).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return pages


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that, like GitHub Pages, gzips text when the browser accepts it."""

    COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".py")

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in self.COMPRESSIBLE or not path.is_file():
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(site=SITE):
    """Serve ``site`` on a free port of 127.0.0.1, gzipped as GitHub Pages does; a context that yields the base URL."""
    return serve_directory(site, _GzipHandler)


@contextlib.contextmanager
def browser():
    """A headless Chromium (Debian's) under Playwright."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium was not found on PATH: install it with `make system-deps`")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def wait_for_math(page, timeout=15000):
    """Wait until the page's fonts (KaTeX's among them) are loaded: the math is typeset when the site is built."""
    page.wait_for_function("document.readyState === 'complete' && document.fonts.status === 'loaded'", timeout=timeout)


# the PostScript names (and family names) of the fonts in package.json's @fontsource/dejavu-sans, -dejavu-mono and katex
SHIPPED_FONTS = ("DejaVuSans", "DejaVuSansMono", "KaTeX_")


def shipped_font(name):
    """Whether ``name`` (a font's PostScript or family name, a PDF's subset prefix ``ABCDEF+`` allowed) is one of the
    fonts the project ships: DejaVu Sans and DejaVu Sans Mono (npm, Fontsource) for text and code, KaTeX's for math."""
    name = name.split("+", 1)[-1].replace(" ", "")
    return name.startswith(SHIPPED_FONTS)
