"""'Check your own' (#19) in Chromium, offline: the checker in Pyodide says what CPython says (tests/test_reader.py)
on every line of tests/data/reader_cases.json, no request leaves the machine, and an open box is axe-clean in both
colour schemes. One page load and one warm worker serve every test here."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.audit import COLOUR_RULES, run_axe
from tests.test_reader import CASES, all_lines, expected, verdict_of

BOX = "details.reader-check[data-equation=svm-grad-wyi]"


@pytest.fixture(scope="module")
def reader_page(chromium, site_url):
    """Problem 2 with the box under (A4) opened and a first (cold) verdict shown; every other host unreachable."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    page = context.new_page()
    foreign = []

    def route(r):
        if urlparse(r.request.url).hostname not in ("127.0.0.1", "localhost"):
            foreign.append(r.request.url)
            return r.abort()
        return r.continue_()

    page.route("**/*", route)
    page.goto(site_url + "problem-2/")
    assert page.locator(f"{BOX} .reader-verdict").count() == 1
    box = page.locator(BOX)
    box.locator("summary").focus()
    page.keyboard.press("Enter")  # opened from the keyboard
    box.locator("textarea").fill(CASES["svm-grad-wyi"]["mistake"][0])
    box.locator("textarea").press("Control+Enter")
    page.wait_for_selector(f"{BOX} .reader-verdict[data-status]", timeout=120000)
    yield page, foreign
    context.close()


def test_the_box_is_collapsed_labelled_and_loads_nothing_until_opened(chromium, site_url):
    context = chromium.new_context()
    page = context.new_page()
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(site_url + "problem-2/")
    page.wait_for_load_state("load")
    boxes = page.locator("details.reader-check")
    assert boxes.count() >= 5 and not any(boxes.nth(n).get_attribute("open") is not None for n in range(boxes.count()))
    assert page.locator(f"{BOX} label").text_content().startswith("Your right side")
    assert not [u for u in urls if "assets/reader/" in u or "katex.min.js" in u or "reader-worker" in u], urls
    context.close()


def test_a_checker_that_never_loads_is_stopped_and_said_so(chromium, site_url):
    """A download that stalls (here the worker's script, never answered) ends in a message, not a box that waits
    for ever; the button works again."""
    context = chromium.new_context()
    context.add_init_script("window.derivationsReaderLoadLimitMs = 1500")
    page = context.new_page()
    stalled = []
    page.route("**/reader-worker.js", lambda r: stalled.append(r))  # never fulfilled
    page.goto(site_url + "problem-2/")
    box = page.locator(BOX)
    box.locator("summary").click()
    box.locator("textarea").fill("x_i")
    box.locator("button").click()
    page.wait_for_selector(f"{BOX} .reader-verdict[data-status=undecided]", timeout=20000)
    assert "did not load within 1.5 s" in box.locator(".reader-verdict").text_content()
    assert stalled and not box.locator("button").is_disabled()
    context.close()


def test_an_open_box_shows_the_refusal_its_counterexample_and_the_named_mistake(reader_page):
    page, _ = reader_page
    verdict = page.locator(f"{BOX} .reader-verdict")
    assert verdict.get_attribute("data-status") == "not-equal"
    text = verdict.inner_text()
    assert "all classes" in text and "Counterexample" in text, text
    assert page.locator(f"{BOX} .reader-preview .katex").count() == 1  # the live preview, typeset


def test_the_browser_says_what_cpython_says_on_every_line(reader_page):
    page, _ = reader_page
    disagreements = []
    for eq_id, text in all_lines():
        msg = page.evaluate("([p, e, t]) => window.derivationsReader.check(p, e, t)",
                            [CASES[eq_id]["page"], eq_id, text])
        assert msg["type"] == "verdict", msg
        browser, cpython = msg["verdict"], verdict_of(eq_id, text)
        assert browser["status"] == expected(eq_id, text), (eq_id, text, browser)
        keys = ("status", "mistake", "read", "message")
        if any(browser.get(k) != cpython.get(k) for k in keys) or \
                (browser.get("counterexample") or {}).get("point") != (cpython.get("counterexample") or {}).get("point"):
            disagreements.append((eq_id, text, {k: (browser.get(k), cpython.get(k)) for k in keys}))
    assert disagreements == []


def test_a_warm_verdict_takes_under_a_second(reader_page):
    page, _ = reader_page
    ms = page.evaluate("""async () => { const t = performance.now();
        await window.derivationsReader.check('problem-2', 'svm-grad-wyi', '-\\\\sum_{j \\\\neq y_i} \\\\mathbb{1}(s_j - s_{y_i} + 1 > 0)\\\\, x_i');
        return performance.now() - t; }""")
    assert ms < 1000, ms


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_open_box_is_axe_clean(reader_page, scheme):
    page, _ = reader_page
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{'slate' if scheme == 'dark' else 'default'}')")
    violations = run_axe(page, None if scheme == "light" else COLOUR_RULES)
    mine = [v for v in violations if "reader" in v[2] or "details" in v[2]]
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
    assert mine == [], mine


def test_no_request_left_the_machine(reader_page):
    _, foreign = reader_page
    assert foreign == []


def test_a_check_past_its_time_limit_is_stopped_and_says_timed_out(reader_page):
    """Last: it ends the worker (the next check would start a fresh one)."""
    page, foreign = reader_page
    msg = page.evaluate("() => window.derivationsReader.check('problem-2', 'svm-grad-wyi', 'x_i + x_i', 1)")
    assert msg["verdict"]["status"] == "undecided" and msg["verdict"]["timed_out"], msg
    assert foreign == []
