"""'Check your own' (#19, #28) in Chromium, offline: the checker in Pyodide says what CPython says (tests/test_reader.py)
on every line of tests/data/reader_cases.json and on each notation students write, no request leaves the machine,
nothing is loaded until Check (then at most 8 MB, as the button says, kept for the next page, which checks offline),
verdicts are typeset, the button is for touch, and an open box is axe-clean in both colour schemes. One desktop page
load with one warm worker, and one phone page load, serve every test here."""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest

from tests.browser.audit import COLOUR_RULES, run_axe
from derivations.equations.reader import judge
from tests.test_reader import CASES, all_lines, expected, page as page_of, verdict_of

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
    fetched = []  # (url, bytes over the network) of everything after the page's own load

    def finished(request):
        try:
            fetched.append((request.url, request.sizes()["responseBodySize"]))
        except Exception:  # noqa: BLE001 - a request without a body
            pass

    page.goto(site_url + "problem-2/")
    page.wait_for_load_state("load")
    page.on("requestfinished", finished)
    assert page.locator(f"{BOX} .reader-verdict").count() == 1
    box = page.locator(BOX)
    box.locator("summary").focus()
    page.keyboard.press("Enter")  # opened from the keyboard
    box.locator("textarea").fill(CASES["svm-grad-wyi"]["mistake"][0])
    box.locator("textarea").press("Control+Enter")
    page.wait_for_selector(f"{BOX} .reader-verdict[data-status]", timeout=120000)
    page.fetched = list(fetched)
    yield page, foreign
    context.close()


def test_the_box_is_collapsed_labelled_and_loads_nothing_until_check_which_says_how_much(chromium, site_url):
    context = chromium.new_context()
    page = context.new_page()
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(site_url + "problem-2/")
    page.wait_for_load_state("load")
    boxes = page.locator("details.reader-check")
    assert boxes.count() >= 5 and not any(boxes.nth(n).get_attribute("open") is not None for n in range(boxes.count()))
    assert page.locator(f"{BOX} label").text_content().startswith("Your right side")
    box = page.locator(BOX)
    box.locator("summary").click()
    box.locator("textarea").fill("x_i")  # opened and typed in: still nothing
    page.wait_for_timeout(300)
    assert not [u for u in urls if "assets/reader/" in u or "katex.min.js" in u or "reader-worker" in u], urls
    megabytes = int(page.locator(".equation[data-check]").first.get_attribute("data-download")) / 1e6
    assert box.locator("button").text_content() == f"Check (downloads {megabytes:.1f} MB, once)"
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


def test_a_warm_verdict_costs_no_more_than_the_checker_s_own_work(reader_page):
    """The next verdict reloads and refetches nothing: it takes what the judging takes in Pyodide, at most three
    times CPython's time on the same line (and within 0.5 s where CPython takes 0.15 s; `make bench-site` reports
    the figure against #28's target of 0.5 s)."""
    page, _ = reader_page
    line = r"-\sum_{j \neq y_i} \mathbb{1}(s_j - s_{y_i} + 1 > 0)\, x_i"
    verdict_of("svm-grad-wyi", line)  # the page read once, as the browser's worker has
    start = time.perf_counter()
    judge(page_of("problem-2"), "svm-grad-wyi", line)
    cpython = time.perf_counter() - start
    ms = page.evaluate("""async (line) => { const t = performance.now();
        await window.derivationsReader.check('problem-2', 'svm-grad-wyi', line);
        return performance.now() - t; }""", line)
    assert ms / 1000 < max(0.5, 3 * cpython), (ms, cpython)


def _network_bytes(fetched):
    """Bytes the checker's first Check fetched over the network: its files, the worker's script, the page's data."""
    return sum(n for u, n in fetched if "assets/reader/" in u or "reader-worker" in u)


def test_the_first_check_fetches_at_most_8_mb_and_what_the_button_said(reader_page):
    page, _ = reader_page
    said = int(page.locator(".equation[data-check]").first.get_attribute("data-download"))
    got = _network_bytes(page.fetched)
    assert got <= 8_000_000, sorted(page.fetched, key=lambda t: -t[1])[:8]
    assert abs(got - said) <= 0.02 * said, (got, said)  # the button's figure is the build's measure of these files
    assert not [u for u, _ in page.fetched if u.endswith((".whl", "python_stdlib.zip"))]  # no whole library


def test_the_next_page_checks_from_the_cache_even_offline(reader_page):
    page, _ = reader_page
    context = page.context
    second = context.new_page()
    urls = []
    second.goto(page.url)
    second.wait_for_load_state("load")
    second.on("request", lambda r: urls.append(r.url))
    box = second.locator(BOX)
    assert box.locator("button").text_content() == "Check"  # nothing to download: it says so
    context.set_offline(True)
    try:
        box.locator("summary").click()
        box.locator("textarea").fill(second.locator(".equation[data-equation=svm-grad-wyi]").get_attribute("data-hint"))
        box.locator("button").click()
        second.wait_for_selector(f"{BOX} .reader-verdict[data-status]", timeout=120000)
        assert box.locator(".reader-verdict").get_attribute("data-status") == "equal", box.inner_text()
    finally:
        context.set_offline(False)
        second.close()


def _raw_math(page, selector):
    """Text of a verdict outside its typeset math that still reads as math: y_1 = 1, s_j, a backslash command."""
    texts = page.evaluate("""(selector) => {
        const out = [];
        const walk = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) {
            const node = walk.currentNode;
            if (!node.parentElement.closest('.katex, code')) out.push(node.textContent);
        }
        return out; }""", selector)
    return [t for t in texts if re.search(r"[A-Za-z]_\{?\w|\b[A-Za-z] = -?\d|\\[A-Za-z]", t)]


def test_a_not_equal_verdict_is_typeset_counterexample_and_all(reader_page):
    page, _ = reader_page
    verdict = f"{BOX} .reader-verdict"
    assert page.locator(f"{verdict} caption .katex").count() >= 1  # the case's values, typeset
    assert _raw_math(page, verdict) == []


def _check_in_box(page, eq_id, text):
    box = page.locator(f"details.reader-check[data-equation={eq_id}]")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    box.locator(".reader-verdict").evaluate("el => { el.textContent = ''; el.removeAttribute('data-status'); }")
    box.locator("textarea").fill(text)
    box.locator("button").click()
    page.wait_for_selector(f"details.reader-check[data-equation={eq_id}] .reader-verdict[data-status]", timeout=60000)
    return box.locator(".reader-verdict")


def test_every_hint_of_the_page_is_judged_equal_in_the_browser(reader_page):
    page, _ = reader_page
    wrong = []
    for equation in page.locator(".equation[data-check]").all():
        eq_id, hint = equation.get_attribute("data-equation"), equation.get_attribute("data-hint")
        msg = page.evaluate("([e, t]) => window.derivationsReader.check('problem-2', e, t)", [eq_id, hint])
        if msg["verdict"]["status"] != "equal":
            wrong.append((eq_id, hint, msg["verdict"]))
    assert wrong == []


def test_an_equal_verdict_is_typeset(reader_page):
    page, _ = reader_page
    verdict = _check_in_box(page, "svm-dl-dsj", page.locator(".equation[data-equation=svm-dl-dsj]").get_attribute("data-hint"))
    assert verdict.get_attribute("data-status") == "equal"
    assert verdict.locator(".reader-message .katex").count() >= 1  # the sizes, typeset
    assert _raw_math(page, "details.reader-check[data-equation=svm-dl-dsj] .reader-verdict") == []


def test_a_subgradient_verdict_shows_its_kink_point_typeset_and_calls_it_no_counterexample(reader_page):
    page, _ = reader_page
    verdict = _check_in_box(page, "hinge-derivative", r"\mathbb{1}(u \ge 0)")
    assert verdict.get_attribute("data-status") == "subgradient"
    caption = verdict.locator("caption").inner_text()
    assert caption.startswith("Where the two choices differ") and "kink" in caption, caption
    assert "Counterexample" not in verdict.inner_text()
    assert _raw_math(page, "details.reader-check[data-equation=hinge-derivative] .reader-verdict") == []


@pytest.mark.parametrize("line", [r"\mathbb", r"\frac{1}{s_j", r"s_j +"])
def test_a_refused_line_shows_the_piece_typeset_never_a_repr(reader_page, line):
    page, _ = reader_page
    verdict = _check_in_box(page, "svm-dl-dsj", line)
    assert verdict.get_attribute("data-status") == "parse-error"
    text = verdict.inner_text()
    assert "\\\\" not in text and not re.search(r"'\\", text), text  # no Python repr of the reader's text
    assert _raw_math(page, "details.reader-check[data-equation=svm-dl-dsj] .reader-verdict") == [], text


# each notation students write (#28), on an equation it belongs to: read (never refused), and Pyodide agrees with CPython
NOTATIONS = [
    ("1_{...}", "svm-dl-dsj", r"1_{\{s_j - s_{y_i} + 1 > 0\}}"),
    ("mathbb 1", "svm-dl-dsj", r"\mathbb{1}\{s_j - s_{y_i} + 1 > 0\}"),
    ("mathbb I", "svm-dl-dsj", r"\mathbb{I}[s_j - s_{y_i} + 1 > 0]"),
    ("Iverson", "svm-dl-dsj", r"[s_j - s_{y_i} + 1 > 0]"),
    ("Kronecker delta", "softmax-dl-ds", r"f_j - \delta_{j y_i}"),
    ("partial_v", "svm-dl-dsj", r"\partial_{s_j} \max(0, s_j - s_{y_i} + 1)"),
    ("operatorname sign", "hinge-derivative", r"\frac{1 + \operatorname{sign}(u)}{2}"),
    ("norm", "reg-gradient", r"\frac{\partial}{\partial \mathbf{W}} \lambda \|\mathbf{W}\|^2 = 2 \lambda \mathbf{W}"),
    ("Unicode minus", "softmax-dl-ds", "f_j \u2212 \\mathbf{1}(j = y_i)"),
    ("sum without limits", "ce-one-hot", r"-\sum_k t_k \log f_k"),
    ("prod", "ce-one-hot", r"-\log \prod_{k=1}^{C} f_k^{t_k}"),
    ("cases", "hinge-derivative", r"\begin{cases} 1 & u > 0 \\ 0 & u \le 0 \end{cases}"),
    ("cases with a gap", "hinge-derivative", r"\begin{cases} 1 & u > 0 \\ 0 & u < -1 \end{cases}"),
    ("sqrt", "reg-gradient", r"2 \lambda \sqrt{4} W / 2"),
    ("floor", "hinge-derivative", r"\mathbb{1}(\lfloor u \rfloor \ge 0) - \mathbb{1}(u = 0)"),
    ("mathrm e", "softplus-stable", r"\max(0, z) + \log(1 + \mathrm{e}^{-|z|})"),
    ("tanh", "softplus-derivative", r"\tfrac12 + \tfrac12 \tanh(z/2)"),
    ("transpose before subscript", "svm-grad-wj",
     r"\mathbb{1}(\mathbf{w}^T_j \mathbf{x}_i - \mathbf{w}^T_{y_i} \mathbf{x}_i + 1 > 0) \mathbf{x}_i"),
    ("dot of two vectors", "svm-grad-wj", r"\mathbb{1}(w_j \cdot x_i - w_{y_i} \cdot x_i + 1 > 0) x_i"),
    ("lvert", "hinge-derivative", r"\frac{u + \lvert u \rvert}{2 u} + \mathbb{1}(u = 0)"),
    ("Unicode sigma", "softplus-derivative", "σ(z) · 1"),
    ("slash in a sum", "ce-one-hot", r"-\sum_{k=1}^{C} t_k \log f_k / 1"),
    ("log to a base", "ce-one-hot", r"-\sum_{k=1}^{C} t_k \log_2 f_k \log 2"),
]


@pytest.mark.parametrize(("eq_id", "text"), [n[1:] for n in NOTATIONS], ids=[n[0] for n in NOTATIONS])
def test_a_notation_students_write_is_read_and_the_browser_says_what_cpython_says(reader_page, eq_id, text):
    page, _ = reader_page
    msg = page.evaluate("([p, e, t]) => window.derivationsReader.check(p, e, t)", [CASES[eq_id]["page"], eq_id, text])
    assert msg["type"] == "verdict", msg
    browser, cpython = msg["verdict"], verdict_of(eq_id, text)
    assert browser["status"] not in ("parse-error", "unknown-symbol"), browser
    keys = ("status", "mistake", "read", "message")
    assert {k: browser.get(k) for k in keys} == {k: cpython.get(k) for k in keys}
    assert (browser.get("counterexample") or {}).get("point") == (cpython.get("counterexample") or {}).get("point")
    assert msg["fallback"] == []  # every module it imported was in the build's list


@pytest.fixture(scope="module")
def phone_page(chromium, site_url):
    """Problem 2 on a 390 px touch screen (no keyboard, no fine pointer)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site_url + "problem-2/")
    page.wait_for_load_state("load")
    yield page
    context.close()


def test_on_a_phone_check_is_a_visible_touch_target_and_no_shortcut_is_promised(phone_page, reader_page):
    page = phone_page
    box = page.locator(BOX)
    box.locator("summary").tap()
    button = box.locator("button")
    button.scroll_into_view_if_needed()
    area = button.bounding_box()
    assert button.is_visible() and area["width"] >= 44 and area["height"] >= 44, area
    assert area["x"] >= 0 and area["x"] + area["width"] <= 390, area
    assert "Enter" not in box.locator(".reader-hint").inner_text()
    desktop, _ = reader_page
    assert "Ctrl+Enter checks" in desktop.locator(f"{BOX} .reader-hint").inner_text()  # where there is a keyboard
    box.locator("textarea").fill(r"\sum_{j \neq y_i} \mathbb{1}(s_j - s_{y_i} + 1 > 0)\, x_i")
    button.tap()
    page.wait_for_selector(f"{BOX} .reader-verdict[data-status]", timeout=120000)
    assert box.locator(".reader-verdict").get_attribute("data-status") == "not-equal"


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
