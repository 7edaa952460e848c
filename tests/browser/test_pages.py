"""Every page of the built site in headless Chromium, in both colour schemes, as a reader sees it."""

from html.parser import HTMLParser
import json
from urllib.parse import urlparse

import pytest

import shutil

from tests.browser.audit import COLOUR_RULES, WIDTHS, foreign_fonts, formula_defects, formula_defects_at, run_axe
from tests.browser.harness import SITE, serve, site_pages, wait_for_math
from tests.proof_pages import proof_urls

PAGES = site_pages()
SCHEMES = ["light", "dark"]
# axe-core violations that sit in Material's own markup and that no theme override can fix, by (rule, selector),
# each with its reason. None is left: the search dialog's missing name (aria-dialog-name, .md-search) is fixed by
# the override of partials/search.html, and the rest were the project's own styles. Never a rule as a whole.
MATERIAL_ONLY = {}


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
            typeset: document.querySelectorAll('.arithmatex > .katex, .arithmatex > .katex-display > .katex').length,
            mathml: document.querySelectorAll('.arithmatex .katex-mathml > math').length,
            displays: [...document.querySelectorAll('.equation .katex-display')].filter(d => d.getClientRects().length).length,
            tags: [...document.querySelectorAll('.equation .equation-number')].map(t => t.textContent),
            errors: document.querySelectorAll('.katex-error, .math-error').length,
            leftoverDollars: [...document.querySelectorAll('.jp-RenderedMarkdown')].filter(c => {
                const copy = c.cloneNode(true);
                copy.querySelectorAll('.katex, code, pre').forEach(k => k.remove());
                return /\\$[^$]+\\$/.test(copy.textContent);
            }).length,
            brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
            undescribedImages: [...document.images].filter(i => i.alt.trim().length < 20 || /No description/.test(i.alt))
                .map(i => i.src.slice(0, 60) + ' alt=' + JSON.stringify(i.alt)),
        })""")
        # every rule in the light scheme; in the dark one the rules that depend on colour (the rest see the same page)
        violations = [v for v in run_axe(page, None if scheme == "light" else COLOUR_RULES) if (v[0], v[2]) not in MATERIAL_ONLY]
        # the fonts every character is drawn in, the project's own (#29): the scheme changes colours, not fonts
        fonts = foreign_fonts(page) if scheme == "light" else []
    finally:
        context.close()
    problems = []
    if state["scheme"] != ("slate" if scheme == "dark" else "default"):
        problems.append(f"colour scheme {state['scheme']} instead of {scheme}")
    if state["arithmatex"] != arithmatex or state["typeset"] != arithmatex:
        problems.append(f"{state['typeset']} of {arithmatex} formulas typeset")
    if state["mathml"] != state["typeset"]:
        problems.append(f"{state['mathml']} of {state['typeset']} formulas carry MathML for screen readers")
    if state["displays"] != equations:
        problems.append(f"{state['displays']} of {equations} displayed equations typeset")
    if len(state["tags"]) != equations or not all(t.startswith("(") and t.endswith(")") for t in state["tags"]):
        problems.append(f"equation numbers shown: {state['tags']}")
    if state["errors"]:
        problems.append(f"{state['errors']} formulas show a render error")
    if state["leftoverDollars"]:
        problems.append(f"notebook math not typeset in {state['leftoverDollars']} cells")
    problems += [f"broken image {src}" for src in state["brokenImages"]]
    problems += [f"image without a description of what it shows: {src}" for src in state["undescribedImages"]]
    problems += [f"axe: {rule} ({impact}) at {selector}: {summary}" for rule, impact, selector, summary in violations]
    problems += fonts
    problems += [f"console: {e}" for e in log["errors"]]
    problems += [f"failed request: {f}" for f in log["failed"]]
    problems += [f"request to another host: {f}" for f in log["foreign"]]
    return problems


# the print page joins the other pages, which are checked in both schemes; it is printed in the light one
@pytest.mark.parametrize("path, scheme", [(p, s) for p in PAGES for s in SCHEMES if not (p == "print_page/" and s == "dark")],
                         ids=lambda v: v or "home")
def test_page_renders_its_math_with_no_errors_and_no_foreign_requests(chromium, site_url, path, scheme):
    assert page_problems(chromium, site_url, SITE, path, scheme) == []


def test_a_formula_left_untypeset_a_broken_image_or_an_accessibility_fault_is_caught(chromium, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(SITE, broken)
    page = broken / "problem-1" / "index.html"
    html = page.read_text(encoding="utf-8")
    # a formula the build did not typeset, and an image that is not there
    html = html.replace("</article>", r'<p><span class="arithmatex">\(s_1\)</span><img src="../missing.png" alt="x"></p>'
                        '<p style="color: #aaaaaa">Grey text on white.</p></article>', 1)
    html = html.replace('role="dialog" aria-label="Search"', 'role="dialog"', 1)  # Material's partial, unnamed
    page.write_text(html, encoding="utf-8")
    with serve(broken) as base:
        problems = page_problems(chromium, base, broken, "problem-1/", "light")
    assert any("formulas typeset" in p for p in problems), problems
    assert any("broken image" in p and "missing.png" in p for p in problems), problems
    assert any("without a description" in p and "missing.png" in p for p in problems), problems
    assert any(p.startswith("axe: color-contrast (serious)") for p in problems), problems
    assert any(p.startswith("axe: aria-dialog-name (serious) at .md-search") for p in problems), problems


@pytest.mark.parametrize("path", proof_urls())
def test_equation_references_land_on_their_equation(chromium, site_url, path):
    context, page, log = _open(chromium, site_url + path, "light")
    try:
        refs = page.evaluate("() => [...document.querySelectorAll('a.eqref')].map(a => [a.getAttribute('href'), a.textContent])")
        assert refs, "the page has no equation references"
        # every reference within the page, and the first three to other pages (followed, then back)
        inside = {h: t for h, t in refs if h.startswith("#")}
        outside = dict([(h, t) for h, t in refs if not h.startswith("#")][:3])
        for href, text in {**inside, **outside}.items():
            page.click(f'a.eqref[href="{href}"] >> nth=0')
            target = href.split("#", 1)[1]
            page.wait_for_function(f"location.hash === '#{target}'")
            if not href.startswith("#"):
                wait_for_math(page)  # another page: its fonts loaded and laid out
            shown = page.evaluate(f"""() => {{
                const el = document.getElementById('{target}');
                const r = el.getBoundingClientRect();
                return {{tag: el.querySelector('.equation-number') && el.querySelector('.equation-number').textContent,
                         visible: r.bottom > 0 && r.top < window.innerHeight}};
            }}""")
            assert shown["visible"], f"{text} ({href}) did not scroll to its equation"
            assert shown["tag"] == text, f"{href} shows {shown['tag']}, the reference says {text}"
            if not href.startswith("#"):
                page.go_back(wait_until="load")
                wait_for_math(page)
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


def test_the_four_marks_read_differently_without_colour_or_hovering(chromium, site_url):
    context, page, _ = _open(chromium, site_url + "problem-2/", "light")
    try:
        marks = page.evaluate("""() => [...document.querySelectorAll('.equation-mark')].map(a => ({
            mark: a.classList.contains('mark-all-sizes') ? 'all sizes' : a.classList.contains('mark-range') ? 'range'
                  : a.classList.contains('mark-off-kinks') ? 'off kinks' : a.classList.contains('mark-checked')
                  ? 'checked' : 'none', text: a.textContent.trim(), label: a.getAttribute('aria-label'),
            bg: getComputedStyle(a).backgroundColor, border: getComputedStyle(a).borderTopStyle,
            legend: !!a.closest('.mark-legend')}))""")
    finally:
        context.close()
    shown = [m for m in marks if not m["legend"]]
    legend = {m["mark"]: m for m in marks if m["legend"]}
    assert set(legend) == {"all sizes", "off kinks", "range", "checked"}, "every proof page has the four marks' legend"
    proved = [m for m in shown if m["mark"] == "all sizes"]
    off = [m for m in shown if m["mark"] == "off kinks"]
    checked = [m for m in shown if m["mark"] == "checked"]
    assert proved and off and checked
    # a word a reader sees, and a shape: filled, a double outline, outlined, dashed
    assert all(m["text"].endswith("proved") and m["label"].startswith("proved") for m in proved)
    assert all(m["text"].endswith("proved off the kinks") and "kink" in m["label"] for m in off)
    assert all(m["text"].endswith("checked") for m in checked)
    styles = {name: (m["bg"], m["border"]) for name, m in legend.items()}
    assert len(set(styles.values())) == 4, styles


PROOF_PAGES = proof_urls() + ["ledger/"]  # every problem's page, found from the catalog


@pytest.mark.parametrize("path, scheme", [(p, s) for p in PROOF_PAGES for s in SCHEMES])
def test_every_formula_can_be_seen_at_every_width(chromium, site_url, path, scheme):
    """Every formula whole in a shape that fits (none scrolls), its number in full view beside it or under it,
    nothing clipped or covered by its number or mark, at 320 to 1440 px in both schemes."""
    found = formula_defects_at(chromium, site_url, path, WIDTHS, scheme)
    assert {width: defects for width, defects in found.items() if defects} == {}


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_every_page_shows_typeset_math_without_javascript_on_the_narrowest_phone(chromium, site_url, path):
    assert formula_defects(chromium, site_url, path, 320, scheme="dark", javascript=False) == []


def _inline_as_before():
    """KaTeX's HTML of Problem 3's (1 - f_{y_i}) eta x_i, typeset without the groups that keep a bracket whole."""
    from derivations.site.typeset import shared_typesetter

    from tests.browser.harness import ROOT

    [markup] = shared_typesetter(ROOT / "node_modules" / "katex").render([(r"(1 - f_{y_i})\,\eta\,\mathbf{x}_i", False)])
    return f'<span class="arithmatex">{markup}</span>'


# the wide shape of every formula, as a browser without container queries would show it: wider than a phone
WIDE = (".md-typeset [data-shapes] .arithmatex[data-shape] { display: none !important; } "
        ".md-typeset [data-shapes] .arithmatex[data-shape=\"1\"] { display: block !important; } ")
BREAKAGES = {  # what a reader would see wrong, made on purpose: (extra CSS, change to the HTML, JavaScript on, expected)
    "number over formula": (".md-typeset .equation { position: relative; } .md-typeset .equation-meta "
                            "{ position: absolute; left: 40%; top: 0.8em; }", None, True,
                            "number is drawn over the formula"),
    "clipped": (WIDE + ".md-typeset .equation > .equation-formula { overflow: hidden !important; }", None, True,
                "clipped"),
    "no shadows": (WIDE + ".md-typeset .equation > .equation-formula { background: none !important; }", None, True,
                   "scrolls without showing that it does"),
    "not focusable": (WIDE, ('tabindex="0" role="group"', 'role="group"'), False, "a keyboard cannot reach it"),
    "runs out": (WIDE + ".md-typeset .equation > .equation-formula { overflow: visible !important; }", None, True,
                 "runs out of its column"),
    "one shape only": (WIDE, None, True, "scrolls at this width"),
    "not typeset": ("", ('<p>For ', r'<p><span class="arithmatex">\(N\)</span> For '), True, "raw LaTeX"),
    # an inline formula typeset as it was before #29, its brackets not kept whole, in a column as narrow as the
    # formula: KaTeX breaks it after "1 -" (the page is Problem 2's; the formula is Problem 3's)
    "inline broken in a bracket": ("", ('<p>For ', lambda: '<p style="width: 4em">' + _inline_as_before() + ' For '), True,
                                   "inline formula breaks inside a bracket"),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_width_check_sees_what_a_reader_would(chromium, tmp_path, breakage):
    css_extra, html_change, javascript, expected = BREAKAGES[breakage]
    broken = tmp_path / "site"
    shutil.copytree(SITE, broken)
    css = broken / "stylesheets" / "extra.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n" + css_extra + "\n", encoding="utf-8")
    if html_change:
        page = broken / "problem-2" / "index.html"
        html = page.read_text(encoding="utf-8")
        assert html_change[0] in html
        new = html_change[1]() if callable(html_change[1]) else html_change[1]
        page.write_text(html.replace(html_change[0], new, 1 if callable(html_change[1]) else -1), encoding="utf-8")
    with serve(broken) as base:
        found = formula_defects(chromium, base, "problem-2/", 390, javascript=javascript)
    assert any(expected in f for f in found), found


def ledger_on_a_phone(chromium, base, width=390):
    """Rows of the ledger at a phone's width: how narrow its narrowest cell is, and whether it shows its formula."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(base + "ledger/", wait_until="networkidle")
        wait_for_math(page)
        return page.evaluate("""() => [...document.querySelectorAll('.ledger-table tbody tr')].map(tr => {
            const cells = [...tr.children].filter(td => td.getClientRects().length);
            return {id: tr.id, formula: !!tr.querySelector('.ledger-formula .katex'),
                    narrowest: Math.min(...cells.map(td => td.getBoundingClientRect().width)),
                    row: tr.getBoundingClientRect().width};
        })""")
    finally:
        context.close()


def test_the_ledger_reads_on_a_phone_one_card_per_equation_with_its_formula(chromium, site_url):
    rows = ledger_on_a_phone(chromium, site_url)
    assert len(rows) == len(json.loads((SITE / "ledger.json").read_text(encoding="utf-8"))["equations"])
    assert [r["id"] for r in rows if not r["formula"]] == []
    squeezed = [r["id"] for r in rows if r["narrowest"] < 0.8 * r["row"]]
    assert squeezed == [], "cells squeezed into a column of the table"


def test_the_ledger_check_sees_a_table_squeezed_onto_a_phone(chromium, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(SITE, broken)
    css = broken / "stylesheets" / "extra.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.md-typeset .ledger-table table:not([class]) tr "
                   "{ display: table-row !important; }\n.md-typeset .ledger-table table:not([class]) td "
                   "{ display: table-cell !important; }\n", encoding="utf-8")  # the desktop table, at 390 px
    with serve(broken) as base:
        rows = ledger_on_a_phone(chromium, base)
    assert all(r["narrowest"] < 0.8 * r["row"] for r in rows)


BROKEN_WORDS = """() => {
    const broken = [];
    for (const th of document.querySelectorAll('.ledger-table th')) {
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const m of node.data.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
                if (tops.size > 1) broken.push(m[0]);
            }
        }
    }
    return broken;
}"""


def ledger_headers_broken_inside_a_word(chromium, base):
    out = {}
    for width in (1024, 1440):
        context = chromium.new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.goto(base + "ledger/", wait_until="load")
            out[width] = page.evaluate(BROKEN_WORDS)
        finally:
            context.close()
    return out


def test_the_ledger_headers_break_between_words_only(chromium, site_url, tmp_path):
    assert ledger_headers_broken_inside_a_word(chromium, site_url) == {1024: [], 1440: []}
    # the "Result" header too wide for its column ("Resul|t" at 1440 px): the column as narrow as it once was, and its
    # header's letters larger, since the fixed table now gives that column the width the others leave
    broken = tmp_path / "site"
    shutil.copytree(SITE, broken)
    css = broken / "stylesheets" / "extra.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.md-typeset .ledger-table th:nth-child(3) { width: 3.6rem; "
                   "font-size: 1.4rem; }\n", encoding="utf-8")
    with serve(broken) as base:
        assert "Result" in ledger_headers_broken_inside_a_word(chromium, base)[1440]


# every picture drawn on white: the proofs' figures, the notebooks' plots, the Performance chart
PICTURES = """() => [...document.querySelectorAll(
  'figure.derivation-figure img, .jupyter-wrapper .jp-OutputArea-output img, figure.performance-plot svg')]
  .map((e) => getComputedStyle(e).filter)"""


@pytest.mark.parametrize("path", ["problem-1/", "notebooks/training/", "performance/"])
def test_pictures_follow_the_colour_scheme(chromium, site_url, path):
    """In the dark scheme a picture is not a bright white panel (#29): it is shown inverted, hues turned back; in the
    light scheme as drawn."""
    filters = {}
    for scheme in SCHEMES:
        context = chromium.new_context(viewport={"width": 1024, "height": 900}, color_scheme=scheme)
        try:
            page = context.new_page()
            page.goto(site_url + path, wait_until="networkidle")
            filters[scheme] = page.evaluate(PICTURES)
        finally:
            context.close()
    assert filters["light"] and all(f == "none" for f in filters["light"]), filters
    assert all("invert" in f and "hue-rotate" in f for f in filters["dark"]), filters


# what a desktop reader finds cut or squeezed (#29): a block of code or output, or a table, wider than its box (at
# 1440 px the doctest lines were clipped), and a caption squeezed into a box much narrower than the text (the worked
# example's, about 140 px wide, five lines)
CLIPPED = """() => {
  const out = [];
  const column = document.querySelector('.md-content .md-typeset').getBoundingClientRect().width;
  // Material scrolls a code block in its <code>, JupyterLab in its <pre>
  for (const box of document.querySelectorAll('.md-typeset pre, .md-typeset pre > code, .md-typeset__scrollwrap, .jp-OutputArea-output')) {
    if (!box.getClientRects().length || box.closest('.md-typeset__scrollwrap pre')) continue;
    if (box.scrollWidth > box.clientWidth + 2)
      out.push('clipped: ' + box.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50) + ' (' + box.scrollWidth + ' px in ' + box.clientWidth + ' px)');
  }
  for (const caption of document.querySelectorAll('.md-typeset caption, .md-typeset figcaption')) {
    if (!caption.getClientRects().length) continue;
    const range = document.createRange();
    range.selectNodeContents(caption);
    const tops = [];
    for (const r of range.getClientRects()) if (r.width > 0.5 && !tops.some((t) => Math.abs(t - r.top) < 6)) tops.push(r.top);
    const width = caption.getBoundingClientRect().width;
    if (tops.length > 3 && width < column / 2)
      out.push('a caption squeezed into ' + Math.round(width) + ' px of ' + Math.round(column) + ', ' + tops.length + ' lines: ' + caption.textContent.trim().slice(0, 40));
  }
  return out;
}"""


def clipped_on_a_desktop(page):
    return page.evaluate(CLIPPED)


@pytest.fixture(scope="module")
def desktop(chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_nothing_is_clipped_or_squeezed_at_1440_px(desktop, site_url, path):
    desktop.goto(site_url + path, wait_until="networkidle")
    wait_for_math(desktop)
    assert clipped_on_a_desktop(desktop) == []


def test_the_desktop_check_sees_a_clipped_doctest_and_a_squeezed_caption(desktop, site_url):
    desktop.goto(site_url + "problem-2/", wait_until="networkidle")
    wait_for_math(desktop)
    desktop.add_style_tag(content=".md-typeset pre > code { white-space: pre; } .md-typeset pre { max-width: 20em; }"
                                  ".md-typeset .worked-example table { min-width: 0 !important; width: 12em; }")
    found = clipped_on_a_desktop(desktop)
    assert any(f.startswith("clipped: >>> import numpy") for f in found), found
    assert any(f.startswith("a caption squeezed into ") for f in found), found
