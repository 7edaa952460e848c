"""The print page as Chromium lays it out for the PDF (print media, the printed column's width): no screen chrome,
and code that wraps as code. The PDF's own pages are checked in tests/test_pdf.py."""

import pytest

from derivations.site.print_page import PRINT_AREA, PRINT_PAGE, open_whole
from tests.browser.audit import foreign_fonts

# what only a screen needs: copy buttons, permalinks, "back to top", the header, sidebars, footer, search
CHROME = ".md-clipboard, .headerlink, .md-top, .md-code__nav, .md-header, .md-footer, .md-sidebar, .md-tabs, .md-search"

PRINT_DEFECTS = """() => {
  const out = [];
  const visible = (e) => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden";
  for (const e of document.querySelectorAll(%r)) {
    if (visible(e)) out.push("screen chrome printed: " + e.className.split(" ")[0]);
  }
  const digit = (el) => {
    const s = document.createElement("span");
    s.textContent = "0";
    el.appendChild(s);
    const w = s.getBoundingClientRect().width;
    s.remove();
    return w;
  };
  for (const code of document.querySelectorAll("#print-site-page pre > code")) {
    if (!code.getClientRects().length) continue;
    const pre = code.parentElement;
    if (pre.scrollWidth > pre.clientWidth + 1) out.push("code runs out of its box: " + code.textContent.slice(0, 40));
    const ch = digit(code);
    const left = code.getBoundingClientRect().left + parseFloat(getComputedStyle(code).paddingLeft);
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let node, pos = 0;
    while ((node = walker.nextNode())) { nodes.push([node, pos]); pos += node.data.length; }
    const at = (p) => { for (const [n, s] of nodes) if (p <= s + n.data.length) return [n, p - s]; };
    const text = nodes.map((x) => x[0].data).join("");
    let start = 0;
    for (const line of text.split("\\n")) {
      const end = start + line.length;
      if (line.trim()) {
        const range = document.createRange();
        range.setStart(...at(start));
        range.setEnd(...at(end));
        // the rows the line is laid out in, by their top; each row's leftmost box
        const rows = [];
        for (const r of [...range.getClientRects()].filter((r) => r.width > 0.5).sort((a, b) => a.top - b.top)) {
          const row = rows.find((x) => Math.abs(x.top - r.top) < r.height / 2);
          if (row) row.left = Math.min(row.left, r.left); else rows.push({top: r.top, left: r.left});
        }
        for (const row of rows.slice(1)) {
          if (row.left < left + 2 * ch)
            out.push("a wrapped line of code goes on at column " + Math.round((row.left - left) / ch) + ": " + line.trim().slice(0, 50));
        }
      }
      start = end + 1;
    }
  }
  return out;
}""" % CHROME


@pytest.fixture(scope="module")
def print_view(chromium, site_url):
    """The print page as it is printed: print media, the light scheme, the printed column's width."""
    page = chromium.new_page(viewport=PRINT_AREA)
    open_whole(page, site_url + PRINT_PAGE + "/")
    yield page
    page.close()


def test_the_print_shows_no_screen_chrome_and_wraps_code_as_code(print_view):
    assert print_view.evaluate(PRINT_DEFECTS) == []


def test_the_print_check_sees_copy_buttons_and_code_wrapped_to_column_0(print_view):
    """The print page without print.css, as it printed before #17: copy buttons, and doctest lines wrapped at
    column 0 where they read as output."""
    print_view.evaluate("() => document.querySelectorAll('link[href$=\"print.css\"]').forEach(l => l.disabled = true)")
    try:
        found = print_view.evaluate(PRINT_DEFECTS)
    finally:
        print_view.evaluate("() => document.querySelectorAll('link[href$=\"print.css\"]').forEach(l => l.disabled = false)")
    assert any(f.startswith("screen chrome printed: md-code__nav") for f in found), found  # the copy button
    assert any(f.startswith("a wrapped line of code goes on at column 0") for f in found), found


def test_the_print_sets_every_character_in_a_font_the_project_ships(print_view):
    """Text, code and math of the PDF in the site's own fonts (#29), never one of the machine that prints it: with
    Debian's fonts-liberation installed the PDF was set in Liberation Sans and DejaVu Sans, and its pages broke
    elsewhere."""
    assert foreign_fonts(print_view) == []


def test_the_font_check_sees_the_print_without_the_sites_fonts(print_view):
    """Without fonts.css the text falls back to the machine's sans-serif (DejaVu Sans, Liberation Sans...): a font
    of the machine, even when it bears the name of the one the site ships."""
    toggle = "(off) => document.querySelectorAll('link[href$=\"fonts.css\"]').forEach(l => l.disabled = off)"
    print_view.evaluate(toggle, True)
    try:
        found = foreign_fonts(print_view)
    finally:
        print_view.evaluate(toggle, False)
        print_view.evaluate("() => document.fonts.ready")
    assert any("a font of this machine" in f for f in found), found


def test_ci_lays_out_and_prints_with_other_fonts_on_the_machine():
    """`make system-deps` (CI's first step) installs Debian's Liberation and Noto families, so that the layout and PDF
    tests run where a font of the machine could stand in for the site's own, as on a reader's desktop (#29)."""
    import os
    import shutil
    import subprocess

    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        pytest.skip("only CI is bound to have the other fonts installed (make system-deps)")
    assert shutil.which("fc-list"), "fontconfig's fc-list is missing"
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    assert "Liberation Sans" in families and "Noto Sans" in families, "fonts-liberation or fonts-noto-core missing"
