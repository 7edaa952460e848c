"""Notebook pages on a phone (#17): outputs keep their lines and columns, prompts leave the width to the code, and
what is wider than the screen scrolls in a box a keyboard reaches, with shadows at the edges that show it does.
The results themselves never scroll (#29): every column of every output, the results at the right included, is in
view at 390 px, and the outputs start at the text's left edge."""

import pytest

from tests.browser.harness import SITE, serve, site_pages, wait_for_math

NOTEBOOKS = [p for p in site_pages() if p.startswith("notebooks/")]

NOTEBOOK_DEFECTS = """() => {
  const out = [];
  const y = window.scrollY;
  window.scrollTo(100000, y);
  if (window.scrollX > 0) out.push("the page scrolls sideways by " + window.scrollX + " px");
  window.scrollTo(0, y);
  for (const p of document.querySelectorAll(".jp-InputPrompt, .jp-OutputPrompt")) {
    const w = p.getBoundingClientRect().width;
    if (p.getClientRects().length && w > 24) out.push("a prompt takes " + Math.round(w) + " px: " + p.textContent.trim());
  }
  // printed output: each of its lines on one row of the screen, as typed (wrapped, its columns are lost)
  for (const pre of document.querySelectorAll(".jp-OutputArea-output pre")) {
    const lines = pre.textContent.replace(/\\n$/, "").split("\\n").length;
    const range = document.createRange();
    range.selectNodeContents(pre);
    const tops = [];
    for (const r of range.getClientRects()) if (r.width > 0.5 && !tops.some((t) => Math.abs(t - r.top) < r.height / 2)) tops.push(r.top);
    if (tops.length > lines) out.push("an output of " + lines + " lines wraps onto " + tops.length + " rows: " + pre.textContent.slice(0, 40));
  }
  // whatever is wider than its box scrolls in it, reachable by keyboard, with edge shadows that say so
  for (const output of document.querySelectorAll(".jp-OutputArea-output")) {
    const boxes = [output, ...output.querySelectorAll("*")].filter((e) => {
      const s = getComputedStyle(e);
      return e.scrollWidth > e.clientWidth + 1 && /auto|scroll/.test(s.overflowX);
    });
    for (const box of boxes) {
      const s = getComputedStyle(box);
      const what = box.textContent.trim().slice(0, 40);
      if (box.tabIndex < 0) out.push("an output scrolls but a keyboard cannot reach it: " + what);
      if (!(s.backgroundImage.includes("gradient") && s.backgroundAttachment.includes("local")))
        out.push("an output scrolls without showing that it does: " + what);
    }
    const r = output.getBoundingClientRect();
    if (r.right > document.documentElement.clientWidth + 1) out.push("an output runs off the screen");
  }
  return out;
}"""

# what a reader of an output sees of it (#29): nothing of it past its box's right edge or the screen's (a column of
# results scrolled out of view: "max relati..." and the timing table's speed-up at 390 px), and no table or printed
# block indented past the left edge of the text column (JupyterLab centred the timing table)
RESULTS_OUT_OF_VIEW = """() => {
  const out = [];
  const text = document.querySelector(".jp-RenderedMarkdown p");
  const left = text ? text.getBoundingClientRect().left : 0;
  const screen = document.documentElement.clientWidth;
  for (const output of document.querySelectorAll(".jp-OutputArea-output")) {
    if (!output.getClientRects().length) continue;
    const box = output.getBoundingClientRect(), edge = Math.min(box.right, screen) + 1;
    const what = output.textContent.trim().replace(/\\s+/g, " ").slice(0, 40);
    if (output.scrollWidth > output.clientWidth + 1)
      out.push("an output is wider than its box (" + output.scrollWidth + " px in " + output.clientWidth + " px): " + what);
    for (const cell of output.querySelectorAll("td, th, img"))
      if (cell.getBoundingClientRect().right > edge)
        out.push("a column is out of view at the right: " + (cell.textContent || cell.alt).trim().slice(0, 30) + " in " + what);
    for (const pre of output.querySelectorAll("pre")) {
      const range = document.createRange();
      range.selectNodeContents(pre);
      if ([...range.getClientRects()].some((r) => r.right > edge)) out.push("printed output runs out of view: " + what);
    }
    for (const block of output.querySelectorAll("table, pre")) {
      const indent = block.getBoundingClientRect().left - left;
      if (indent > 4) out.push("a " + block.tagName.toLowerCase() + " is indented " + Math.round(indent) + " px past the text column: " + what);
    }
  }
  return out;
}"""


def results_out_of_view(page):
    return page.evaluate(RESULTS_OUT_OF_VIEW)


# the notebooks as they were before #17: JupyterLab's wrapping of output, its prompts, tables without shadows
AS_BEFORE = (".md-typeset .jupyter-wrapper .jp-OutputArea-output pre { white-space: pre-wrap !important; "
             "word-break: break-all !important; }"
             ".md-typeset .jupyter-wrapper :is(.jp-InputPrompt, .jp-OutputPrompt) { display: block !important; }"
             ".md-typeset .md-typeset__scrollwrap, .md-typeset .jupyter-wrapper .jp-OutputArea-output "
             "{ background: none !important; }")


@pytest.fixture(scope="module")
def phone(chromium, site_url):
    context = chromium.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def _open(page, url):
    page.goto(url, wait_until="networkidle")
    wait_for_math(page)
    page.wait_for_timeout(100)  # scroll-boxes.js runs after the fonts: it gives the boxes that scroll their tab stop


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_a_notebook_reads_on_a_phone(phone, site_url, path):
    _open(phone, site_url + path)
    assert phone.evaluate(NOTEBOOK_DEFECTS) == []


def test_the_notebook_check_sees_outputs_broken_mid_word_wide_prompts_and_tables_that_hide_their_scrolling(phone,
                                                                                                         site_url):
    _open(phone, site_url + "notebooks/problem2_explored/")
    phone.add_style_tag(content=AS_BEFORE)
    # the results fit a phone since #29: a table made wider than the screen, and a printed line longer than it
    phone.add_style_tag(content=AS_BEFORE_29)
    phone.evaluate(LONG_LINE)
    found = phone.evaluate(NOTEBOOK_DEFECTS)
    assert any(f.startswith("a prompt takes") for f in found), found
    assert any(f.startswith("an output of") and "wraps onto" in f for f in found), found
    assert any(f.startswith("an output scrolls without showing that it does: loss") for f in found), found


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_result_of_a_notebook_is_in_view_on_a_phone(phone, site_url, path):
    _open(phone, site_url + path)
    assert results_out_of_view(phone) == []


# the outputs of #29's report, made on purpose: a table of results that runs wider than a phone (each value padded as
# the old printed lines were); printed output indented 10 px, as the cells' paddings had it; a printed line of
# results longer than the screen
AS_BEFORE_29 = (".md-typeset .jupyter-wrapper .jp-OutputArea-output table.results td { padding: 0 2.5em !important; }"
                ".md-typeset .jupyter-wrapper .jp-RenderedText { padding-left: 10px !important; }")
LONG_LINE = """() => {
  const pre = document.createElement("pre");
  pre.textContent = "svm_loss_naive       reg=0.0  max relative error 1.2e-08, coordinates crossing a kink: 0";
  const output = document.querySelector(".jp-OutputArea-output pre").closest(".jp-OutputArea-output");
  output.appendChild(pre);
}"""


def test_the_result_check_sees_a_column_out_of_view_a_printed_line_cut_and_an_indented_output(phone, site_url):
    _open(phone, site_url + "notebooks/problem2_explored/")
    assert results_out_of_view(phone) == []
    phone.add_style_tag(content=AS_BEFORE_29)
    phone.evaluate(LONG_LINE)
    found = results_out_of_view(phone)
    assert any(f.startswith("a column is out of view at the right: ") for f in found), found
    assert any(f.startswith("printed output runs out of view: ") for f in found), found
    assert any(f.startswith("a pre is indented 10 px") for f in found), found
    assert any(f.startswith("an output is wider than its box") for f in found), found


def main(site):
    """What ``results_out_of_view`` finds on every notebook of the site at ``site`` at 390 px (another build's)."""
    from pathlib import Path

    from tests.browser.harness import browser

    with serve(Path(site)) as base, browser() as b:
        page = b.new_page(viewport={"width": 390, "height": 800})
        for path in [p for p in site_pages(Path(site)) if p.startswith("notebooks/")]:
            _open(page, base + path)
            print(path, results_out_of_view(page))


if __name__ == "__main__":
    import sys

    main(sys.argv[1] if len(sys.argv) > 1 else SITE)
