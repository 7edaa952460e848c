"""Math typeset when the site is built: KaTeX's HTML and MathML in the page, and a rejected formula stops the build."""

import pytest

from derivations.site.typeset import MathError, Typesetter, typeset_page
from tests.browser.harness import ROOT

PAGE = r"""<p>Inline <span class="arithmatex">\(a &lt; b\)</span> and code <code>\(not math\)</code>.</p>
<div class="equation"><div class="arithmatex" tabindex="0">\[\frac{1}{2} \tag{1}\]</div></div>
<pre><code>$x$ stays code</code></pre>
<div class="jp-Cell"><div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" data-mime-type="text/markdown">
<p>A notebook's $s_1 - s_2$ and $$\sigma(z)$$ but not <code>$HOME</code>; it costs \$5.</p><div>nested</div>
</div></div>
<script>var t = `${SVG_XML_HEADER}$`;</script>"""


@pytest.fixture(scope="module")
def typesetter():
    t = Typesetter(ROOT / "node_modules" / "katex")
    yield t
    t.close()


def test_every_formula_becomes_html_and_mathml_and_code_is_left_alone(typesetter):
    out, count = typeset_page(PAGE, typesetter, "page.md")
    assert count == 4
    assert out.count('class="katex"') == 4 and out.count("<math") == 4  # MathML for screen readers
    assert out.count('class="katex-display"') == 2
    assert r"<annotation encoding=\"application/x-tex\">a &lt; b" in out.replace('"', r'\"')  # the < was unescaped once
    assert '<div class="arithmatex" tabindex="0"><span class="katex-display">' in out  # attributes kept
    assert r"<code>\(not math\)</code>" in out and "<code>$x$ stays code</code>" in out and "<code>$HOME</code>" in out
    assert r"\$5" in out and "${SVG_XML_HEADER}$" in out  # an escaped dollar and scripts are not math


def test_one_process_renders_a_whole_page_in_one_batch_and_caches(typesetter):
    before = typesetter.rendered
    pid = typesetter._process.pid
    typeset_page(PAGE, typesetter, "page.md")
    typeset_page(PAGE.replace("a &lt; b", "c"), typesetter, "other.md")
    assert typesetter._process.pid == pid
    assert typesetter.rendered - before <= 1  # the second page only sent its one new formula


def test_a_formula_katex_rejects_fails_naming_the_page_and_the_formula(typesetter):
    broken = PAGE.replace(r"\frac{1}{2}", r"\fracc{1}{2}")
    with pytest.raises(MathError, match=r"problem-9\.md: KaTeX cannot typeset display formula '\\\\fracc\{1\}\{2\} \\\\tag\{1\}'"):
        typeset_page(broken, typesetter, "problem-9.md")
    assert typeset_page(PAGE, typesetter, "page.md")[1] == 4  # and the process is still usable


def test_the_build_stops_on_a_formula_katex_rejects(monkeypatch):
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from derivations.site import hooks

    # what on_config sets up before any page: an empty catalog and ledger (the test must not lean on an earlier build)
    monkeypatch.setitem(hooks.STATE, "records", {})
    monkeypatch.setitem(hooks.STATE, "ledger", {"equations": []})
    monkeypatch.setitem(hooks.STATE, "root", ROOT)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="problem-9.md"), url="problem-9/")
    with pytest.raises(PluginError, match=r"problem-9\.md: KaTeX cannot typeset inline formula '\\\\fracc\{1\}\{2\}'"):
        hooks.on_page_content(r'<p>A <span class="arithmatex">\(\fracc{1}{2}\)</span>.</p>', page, {}, None)
    typeset = hooks.on_page_content(r'<p>A <span class="arithmatex">\(\frac{1}{2}\)</span>.</p>', page, {}, None)
    assert "katex-mathml" in typeset


def test_the_build_keeps_one_process_across_rebuilds():
    from derivations.site.typeset import shared_typesetter

    first = shared_typesetter(ROOT / "node_modules" / "katex")
    assert shared_typesetter(ROOT / "node_modules" / "katex") is first  # mkdocs serve reloads the hooks, not this
    first.close()
    again = shared_typesetter(ROOT / "node_modules" / "katex")
    assert again is not first and again.render([("x", False)])[0].startswith('<span class="katex">')


def _wide_and_narrow(terms):
    """A problem with one identity whose fraction holds ``terms`` powers of u (a fraction is never broken) and one
    short identity."""
    import sympy as sp

    from derivations.equations import Catalog, Problem
    from derivations.equations import points as pts
    from derivations.equations.notation import Frac
    from derivations.equations.symbols import u

    problem = Problem("problem-93.md", 93, "Widths")
    long = sum(u ** n for n in range(1, terms + 1))
    problem.equation("wide", "identity", "a long fraction", lambda: [Frac(long, 2), Frac(long, 2)], pts.scalar("u", [0.5]))
    problem.equation("narrow", "identity", "a short one", lambda: [Frac(u, 2), u / 2], pts.scalar("u", [0.5]))
    return list(Catalog([problem]))


def test_a_displayed_formula_too_wide_for_a_phone_is_found_from_katex_metrics(typesetter):
    from derivations.site.shapes import PHONE_COLUMN, SLACK, narrowest, too_wide_for_a_phone

    wide, narrow = _wide_and_narrow(12)
    found = too_wide_for_a_phone([wide, narrow], typesetter)
    assert len(found) == 1 and found[0].startswith("(93.1) wide on problem-93.md is too wide for a 320 px screen: "), found
    assert "it would scroll sideways" in found[0]
    # three terms fit; the limit is the formula box of a 320 px screen, less the box's padding
    fits, _ = _wide_and_narrow(3)
    assert too_wide_for_a_phone([fits], typesetter) == []
    assert narrowest(fits.shapes(), typesetter) + SLACK <= PHONE_COLUMN < narrowest(wide.shapes(), typesetter) + SLACK


class _Widths:
    """A typesetter that measures each shape as given (in em): the shapes of (A4), as KaTeX measures them."""

    def __init__(self, widths):
        self.widths = widths

    def width(self, tex):
        return self.widths[tex]


def _shown_at(style, shapes, width):
    """The shape (1, 2, ...) the ``<style>`` of :func:`shapes_html` shows in a container ``width`` em wide."""
    import re

    shown = 1
    for condition, body in re.findall(r"@container ([^{]*)\{(.*?\})\s*\}", style):
        bounds = dict((k, float(v)) for k, v in re.findall(r"(max|min)-width: ([\d.]+)em", condition))
        if width <= bounds.get("max", 1e9) and width >= bounds.get("min", 0):
            for n in re.findall(r'\[data-shape="(\d+)"\] \{ display: block', body):
                shown = int(n)
    return shown


def test_where_no_shape_fits_at_display_size_the_widest_that_fits_at_the_text_size_is_shown():
    """(A4) at 390 px (a 22.4 em box) took three lines, its product broken, where one fitted at the text's size."""
    from derivations.site.shapes import shapes_html

    shapes = {"one line": 24.72, "two lines": 22.36, "three lines": 21.07}
    _, style = shapes_html("a4", list(shapes), _Widths(shapes))
    assert _shown_at(style, shapes, 40) == 1
    assert _shown_at(style, shapes, 25.0) == 2  # the two-line shape at display size
    assert _shown_at(style, shapes, 22.4) == 1  # none fits at display size: at the text's size, one line fits
    assert _shown_at(style, shapes, 21.0) == 2  # ... and here two lines
    assert _shown_at(style, shapes, 18.0) == 3  # a 320 px phone: three lines, at the text's size
