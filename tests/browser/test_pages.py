"""Every page of the built site in headless Chromium, in both colour schemes, as a reader sees it."""

from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest

import shutil

from tests.browser.harness import SITE, serve, site_pages, wait_for_math

PAGES = site_pages()
SCHEMES = ["light", "dark"]


class _Count(HTMLParser):
    def __init__(self):
        super().__init__()
        self.equations = 0
        self.arithmatex = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        self.equations += "equation" in classes and tag == "div"
        self.arithmatex += "arithmatex" in classes


def _served_counts(site, path):
    parser = _Count()
    parser.feed((site / path / "index.html").read_text(encoding="utf-8"))
    return parser.equations, parser.arithmatex


def _open(chromium, url, scheme):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    log = {"errors": [], "failed": [], "foreign": []}
    host = urlparse(url).netloc
    page.on("console", lambda m: m.type == "error" and log["errors"].append(m.text))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("requestfailed", lambda r: log["failed"].append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and log["failed"].append(f"{r.url}: HTTP {r.status}"))
    page.on("request", lambda r: urlparse(r.url).scheme in ("http", "https", "ws", "wss")
            and urlparse(r.url).netloc != host and log["foreign"].append(r.url))
    page.goto(url, wait_until="networkidle")
    wait_for_math(page)
    return context, page, log


def page_problems(chromium, base, site, path, scheme):
    """Everything a reader would see wrong on one page: untypeset math, errors, failed or foreign requests."""
    context, page, log = _open(chromium, base + path, scheme)
    try:
        equations, arithmatex = _served_counts(site, path)
        state = page.evaluate("""() => ({
            scheme: document.body.getAttribute('data-md-color-scheme'),
            arithmatex: document.querySelectorAll('.arithmatex').length,
            typeset: document.querySelectorAll('.arithmatex[data-math="ok"] .katex').length,
            displays: document.querySelectorAll('.equation .katex-display').length,
            tags: [...document.querySelectorAll('.equation .katex-display .katex-tag')].map(t => t.textContent),
            errors: document.querySelectorAll('.katex-error, .math-error, [data-math="error"]').length,
            notebookCells: document.querySelectorAll('.jp-RenderedMarkdown').length,
            notebookTypeset: document.querySelectorAll('.jp-RenderedMarkdown[data-math="ok"]').length,
            leftoverDollars: [...document.querySelectorAll('.jp-RenderedMarkdown')]
                .filter(c => /\\$[^$]+\\$/.test(c.innerText)).length,
            brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
        })""")
    finally:
        context.close()
    problems = []
    if state["scheme"] != ("slate" if scheme == "dark" else "default"):
        problems.append(f"colour scheme {state['scheme']} instead of {scheme}")
    if state["arithmatex"] != arithmatex or state["typeset"] != arithmatex:
        problems.append(f"{state['typeset']} of {arithmatex} formulas typeset")
    if state["displays"] != equations:
        problems.append(f"{state['displays']} of {equations} displayed equations typeset")
    if len(state["tags"]) != equations or not all(t.startswith("(") and t.endswith(")") for t in state["tags"]):
        problems.append(f"equation numbers shown: {state['tags']}")
    if state["errors"]:
        problems.append(f"{state['errors']} formulas show a render error")
    if state["notebookTypeset"] != state["notebookCells"] or state["leftoverDollars"]:
        problems.append("notebook math not typeset")
    problems += [f"broken image {src}" for src in state["brokenImages"]]
    problems += [f"console: {e}" for e in log["errors"]]
    problems += [f"failed request: {f}" for f in log["failed"]]
    problems += [f"request to another host: {f}" for f in log["foreign"]]
    return problems


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_page_renders_its_math_with_no_errors_and_no_foreign_requests(chromium, site_url, path, scheme):
    assert page_problems(chromium, site_url, SITE, path, scheme) == []


def test_a_broken_equation_or_link_is_caught(chromium, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(SITE, broken)
    page = broken / "problem-1" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "\\frac{" in html
    page.write_text(html.replace("\\frac{", "\\fracc{", 1).replace("</article>", '<img src="../missing.png"></article>', 1),
                    encoding="utf-8")
    with serve(broken) as base:
        problems = page_problems(chromium, base, broken, "problem-1/", "light")
    assert any("render error" in p for p in problems), problems
    assert any("KaTeX could not typeset" in p for p in problems), problems
    assert any("missing.png" in p for p in problems), problems


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("problem")])
def test_equation_references_land_on_their_equation(chromium, site_url, path):
    context, page, log = _open(chromium, site_url + path, "light")
    try:
        refs = page.evaluate("() => [...document.querySelectorAll('a.eqref')].map(a => [a.getAttribute('href'), a.textContent])")
        assert refs, "the page has no equation references"
        for href, text in refs[:12]:
            page.goto(site_url + path, wait_until="networkidle")
            wait_for_math(page)
            page.click(f'a.eqref[href="{href}"] >> nth=0')
            target = href.split("#", 1)[1]
            page.wait_for_function(f"location.hash === '#{target}'")
            wait_for_math(page)
            shown = page.evaluate(f"""() => {{
                const el = document.getElementById('{target}');
                const r = el.getBoundingClientRect();
                return {{tag: el.querySelector('.katex-tag') && el.querySelector('.katex-tag').textContent,
                         visible: r.bottom > 0 && r.top < window.innerHeight}};
            }}""")
            assert shown["visible"], f"{text} ({href}) did not scroll to its equation"
            assert shown["tag"] == text, f"{href} shows {shown['tag']}, the reference says {text}"
        assert log["errors"] == []
    finally:
        context.close()


@pytest.mark.parametrize("query, expected", [("hinge", "problem-2/"), ("sigmoid", "problem-1/")])
def test_search_finds_the_right_page(chromium, site_url, query, expected):
    context, page, log = _open(chromium, site_url, "light")
    try:
        page.keyboard.press("/")  # Material's shortcut that opens the search
        page.wait_for_selector("input.md-search__input:focus", timeout=5000)
        page.keyboard.type(query, delay=20)
        page.wait_for_selector(".md-search-result__item", timeout=10000)
        links = page.evaluate("() => [...document.querySelectorAll('.md-search-result__item > a')].map(a => a.href)")
        assert any(urlparse(link).path.endswith("/" + expected) for link in links[:3]), links
        assert log["foreign"] == []
    finally:
        context.close()


def test_dark_scheme_changes_the_page_but_not_the_math(chromium, site_url):
    shots = {}
    for scheme in SCHEMES:
        context, page, _ = _open(chromium, site_url + "problem-2/", scheme)
        shots[scheme] = page.evaluate("""() => ({
            bg: getComputedStyle(document.body).backgroundColor,
            mathColor: getComputedStyle(document.querySelector('.equation .katex')).color,
            typeset: document.querySelectorAll('.equation .katex-display').length})""")
        context.close()
    assert shots["light"]["bg"] != shots["dark"]["bg"]
    assert shots["light"]["mathColor"] != shots["dark"]["mathColor"]  # math follows the text colour
    assert shots["light"]["typeset"] == shots["dark"]["typeset"] > 0


def test_proved_and_sampled_only_equations_are_marked_differently(chromium, site_url):
    context, page, _ = _open(chromium, site_url + "problem-2/", "light")
    try:
        marks = page.evaluate("""() => [...document.querySelectorAll('.equation')].map(e => {
            const a = e.querySelector('.equation-check');
            return {proof: e.dataset.proof, kind: a.title, label: a.getAttribute('aria-label'),
                    bg: getComputedStyle(a).backgroundColor};
        })""")
    finally:
        context.close()
    proved = [m for m in marks if m["proof"] == "proved"]
    checked = [m for m in marks if m["proof"] == "checked"]
    assert proved and checked
    assert all("proved for" in m["kind"] and m["label"].startswith("proved") for m in proved)
    assert all("proved for" not in m["kind"] and m["label"].startswith("checked") for m in checked)
    assert {m["bg"] for m in proved}.isdisjoint({m["bg"] for m in checked})  # filled against outlined


def formula_collisions(chromium, base, path, width):
    """Every displayed equation whose number is drawn over its formula or whose mark covers it, at one width."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(base + path, wait_until="networkidle")
        wait_for_math(page)
        return page.evaluate("""() => {
            const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
            const out = [];
            if (document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth + 1)
                out.push('the page scrolls sideways');
            for (const eq of document.querySelectorAll('.equation')) {
                const tag = eq.querySelector('.katex-tag'), box = eq.querySelector('.katex-display');
                const mark = eq.querySelector('.equation-check').getBoundingClientRect();
                // what can be seen of the formula: its box, clipped by the scrolling block around it
                const b = box.getBoundingClientRect(), c = eq.querySelector('.arithmatex').getBoundingClientRect();
                const shown = {left: Math.max(b.left, c.left), right: Math.min(b.right, c.right), top: b.top, bottom: b.bottom};
                for (const base of eq.querySelectorAll('.katex-html > .katex-base'))
                    if (tag && hit(tag.getBoundingClientRect(), base.getBoundingClientRect()))
                        out.push(eq.id + ': its number is drawn over the formula');
                if (hit(mark, shown)) out.push(eq.id + ': the check mark covers the formula');
            }
            return out;
        }""")
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 390, 1440])
@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("problem")])
def test_no_equation_number_or_mark_is_drawn_over_a_formula(chromium, site_url, path, width):
    assert formula_collisions(chromium, site_url, path, width) == []


def test_the_collision_check_sees_a_number_drawn_over_its_formula(chromium, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(SITE, broken)
    css = broken / "stylesheets" / "extra.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.md-typeset .equation .katex-display > .katex > .katex-html > "
                   ".katex-tag { position: absolute; right: 0; }\n", encoding="utf-8")  # KaTeX's own placement
    with serve(broken) as base:
        found = formula_collisions(chromium, base, "problem-2/", 390)
    assert any("number is drawn over the formula" in f for f in found), found
