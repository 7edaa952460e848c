"""The built site as files: no broken internal link or anchor, nothing from other hosts, reproducible builds.

These read ``site/``, which ``make test`` builds first (``make build``).
"""

import html
from html.parser import HTMLParser
import json
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
from urllib.parse import unquote, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"


@pytest.fixture(scope="module")
def site():
    if not (SITE / "index.html").is_file():
        pytest.fail("site/ is not built: run `make build` (make test does it first)")
    return SITE


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links, self.resources = set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "link" and a.get("rel") == "canonical":
            return  # names the page's address; loads nothing
        for key in ("src", "href"):
            if tag in ("script", "img", "link", "iframe", "source") and a.get(key):
                self.resources.append(a[key])


def _parse(path):
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _target(site, page, href):
    """The file and fragment an internal link of ``page`` points to."""
    rel = page.relative_to(site).as_posix()
    url = urlparse(urljoin("http://site/" + rel, href))
    path = unquote(url.path).lstrip("/")
    target = site / path
    if path.endswith("/") or path == "" or target.is_dir():
        target = target / "index.html"
    return target, url.fragment


def _ids(parsed, page):
    if page not in parsed:
        parsed[page] = _parse(page)
    return parsed[page].ids


def broken_links(site):
    """Every internal link, resource or anchor of ``site`` that points nowhere."""
    pages = sorted(site.rglob("*.html"))
    parsed = {p: _parse(p) for p in pages}
    broken = []
    for page, links in parsed.items():
        for href in links.links + links.resources:
            scheme = urlparse(href).scheme
            if scheme in ("mailto", "javascript", "data"):
                continue
            if scheme in ("http", "https") or href.startswith("//"):
                continue  # outbound links are checked below: none may load anything
            target, fragment = _target(site, page, href)
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href} -> missing {target.relative_to(site)}")
            elif fragment and target.suffix == ".html" and fragment not in _ids(parsed, target):
                broken.append(f"{page.relative_to(site)}: {href} -> no anchor #{fragment}")
    return broken


def test_no_broken_internal_link_or_anchor(site):
    broken = broken_links(site)
    assert broken == [], "\n".join(broken)


def test_the_link_checker_finds_broken_links_and_anchors(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "problem-2" / "index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</article>", '<a href="../nowhere/">x</a><a href="#eq-nothing">y</a></article>', 1),
                    encoding="utf-8")
    found = broken_links(copy)
    assert any("../nowhere/" in b for b in found) and any("#eq-nothing" in b for b in found), found


def test_no_page_loads_anything_from_another_host(site):
    foreign = []
    for page in site.rglob("*.html"):
        for res in _parse(page).resources:
            if urlparse(res).scheme in ("http", "https") or res.startswith("//"):
                foreign.append(f"{page.relative_to(site)}: {res}")
    assert foreign == []
    for css in site.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:|url\(\s*['\"]?https?:", css.read_text(encoding="utf-8")), css


def test_ledger_json_lists_every_equation_with_its_latex(site):
    from derivations.equations import CATALOG

    ledger = json.loads((site / "ledger.json").read_text(encoding="utf-8"))
    by_id = {r["id"]: r for r in ledger["equations"]}
    assert set(by_id) == {eq.id for eq in CATALOG}
    for eq in CATALOG:
        assert by_id[eq.id]["latex"] == eq.latex()
        assert by_id[eq.id]["result"] == "pass"
        assert len(by_id[eq.id]["proved_for"]) == by_id[eq.id]["links"]
        if eq.kind == "definition":
            pass
        elif eq.prove is True and eq.kind != "inequality":  # to be proved: every link is
            assert by_id[eq.id]["proved_links"] == by_id[eq.id]["links"], eq.id
            assert all(text.startswith("proved for ") for text in by_id[eq.id]["proved_for"]), eq.id
        elif eq.kind == "inequality":  # proved where the prover decides it, else marked checked
            proved = by_id[eq.id]["proved_links"] == by_id[eq.id]["links"]
            assert (by_id[eq.id]["mark"] == "checked") != proved, eq.id
        else:  # declared unprovable (a worked example's numbers): marked checked, never proved
            assert by_id[eq.id]["mark"] == "checked" and by_id[eq.id]["proved_links"] == 0, eq.id
            assert not any(text.startswith("proved") for text in by_id[eq.id]["proved_for"]), eq.id
        html = (site / eq.page.replace(".md", "") / "index.html").read_text(encoding="utf-8")
        assert f'id="eq-{eq.id}"' in html


VARIES = re.compile(r'<(?P<tag>\w+)[^>]*data-varies[^>]*>.*?</(?P=tag)>', re.S)


STAMP = re.compile(r'<p class="print-stamp">.*?</p>', re.S)  # the commit it is built from, tested in test_pdf.py


def _normalised(path):
    """A page as two builds of the same sources must write it: what varies on purpose, and the commit, left out
    (``site/`` may be built from the commit before the one under test)."""
    return STAMP.sub("", VARIES.sub("", path.read_text(encoding="utf-8")))


def test_building_twice_gives_the_same_html(site, tmp_path):
    out = tmp_path / "again"
    env = dict(os.environ, DERIVATIONS_NB_CACHE="false", NO_MKDOCS_2_WARNING="1")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    # the PDF is printed after the build, by make build
    first = sorted(p.relative_to(site) for p in site.rglob("*")
                   if p.is_file() and "sitemap" not in p.name and p.name != "checked-derivations.pdf")
    second = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file() and "sitemap" not in p.name)
    assert first == second
    different = [str(rel) for rel in first if rel.suffix in (".html", ".json", ".js", ".css")
                 and _normalised(site / rel) != _normalised(out / rel)]
    assert different == []


def test_search_indexes_each_formula_once_as_its_tex(site):
    """Search reads a formula as its TeX, once: not KaTeX's spans (which took most of a rebuild to parse and put
    every glyph into the index), nor each of an equation's shapes."""
    from derivations.equations import CATALOG

    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    text = "\n".join(d["text"] for d in docs)
    assert "katex" not in text
    for eq in CATALOG:
        page = [d["text"] for d in docs if d["location"].split("#")[0] == eq.page.replace(".md", "/")]
        shown = html.escape(eq.shapes()[0], quote=False)
        assert sum(t.count(shown) for t in page) == 1, eq.id


NOTEBOOK_PAGE_LIMIT = 300_000  # bytes of HTML: each notebook page was 670-800 KB with JupyterLab's CSS inlined


def notebook_weight_problems(site):
    """Notebook pages that inline JupyterLab's stylesheet rather than share one file, or weigh too much."""
    problems, sheets = [], set()
    pages = sorted((site / "notebooks").rglob("index.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        name = page.relative_to(site).as_posix()
        inline = sum(len(css) for css in re.findall(r"<style[^>]*>(.*?)</style>", text, re.S))
        if inline > 20_000:
            problems.append(f"{name} inlines {inline // 1000} KB of CSS")
        if len(text.encode("utf-8")) > NOTEBOOK_PAGE_LIMIT:
            problems.append(f"{name} weighs {len(text.encode('utf-8')) // 1000} KB")
        linked = [urljoin("http://site/" + name, href) for href in
                  re.findall(r'<link rel="stylesheet" href="([^"]*/notebook-[0-9a-f]+\.css)"', text)]
        if not linked:
            problems.append(f"{name} links no shared notebook stylesheet")
        sheets.update(linked)
    if pages and len(sheets) != 1:
        problems.append(f"{len(sheets)} notebook stylesheets, not one shared by every notebook")
    missing = [s for s in sheets if not (site / urlparse(s).path.lstrip("/")).is_file()]
    return problems + [f"the stylesheet {s} is not in the site" for s in missing]


def test_notebook_pages_share_one_stylesheet(site):
    assert notebook_weight_problems(site) == []


def test_the_weight_check_sees_a_notebook_that_inlines_its_stylesheet(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "notebooks" / "training" / "index.html"
    text = page.read_text(encoding="utf-8")
    link = re.search(r'<link rel="stylesheet" href="([^"]*/(notebook-[0-9a-f]+\.css))">', text)
    css = (copy / "assets" / link.group(2)).read_text(encoding="utf-8")
    page.write_text(text.replace(link.group(0), f'<style type="text/css">{css}</style>'), encoding="utf-8")
    problems = notebook_weight_problems(copy)
    assert any(p.startswith("notebooks/training/index.html inlines") for p in problems), problems
    assert any(p.startswith("notebooks/training/index.html weighs") for p in problems), problems
    assert "notebooks/training/index.html links no shared notebook stylesheet" in problems


def test_the_ledger_quotes_each_declaration_as_python_reads_it():
    """The Ledger's source of a check is parsed once per module: it must be ast's segment of every statement,
    also with CRLF and CR line ends, a form feed and a non-ASCII character before the column."""
    import ast

    from derivations.site.ledger_page import _statements

    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "src" / "derivations").rglob("*.py"))]
    texts.append("x = 1\f\ny = ('é', f(\r\n  2))\rz = [3,\n 4]; w = 5\n")
    for text in texts:
        statements = _statements(text)
        assert [s[2] for s in statements] == [ast.get_source_segment(text, node) for node in ast.parse(text).body]
