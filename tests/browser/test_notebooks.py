"""Notebook pages on a phone (#17): outputs keep their lines and columns, prompts leave the width to the code, and
what is wider than the screen scrolls in a box a keyboard reaches, with shadows at the edges that show it does."""

import pytest

from tests.browser.harness import site_pages, wait_for_math

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
    found = phone.evaluate(NOTEBOOK_DEFECTS)
    assert any(f.startswith("a prompt takes") for f in found), found
    assert any(f.startswith("an output of") and "wraps onto" in f for f in found), found
    assert any(f.startswith("an output scrolls without showing that it does: loss") for f in found), found
