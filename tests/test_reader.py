"""The reader's checker ("Check your own", #19) in CPython, on the inputs the browser tests give it in Pyodide.

The lines are in ``tests/data/reader_cases.json``; the pages' data are the JSON files the build wrote
(``site/assets/reader/pages/``), which the browser reads too. tests/browser/test_reader.py asks Chromium the
same questions and compares its verdicts with these.
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

import pytest
import sympy as sp

from derivations.equations import CATALOG
from derivations.equations.kernel import certified_sign
from derivations.equations.reader import BROWSER_MODULES, Evaluator, Page, _exact, judge
from derivations.site.reader_export import page_data

ROOT = Path(__file__).resolve().parents[1]
CASES = json.loads((ROOT / "tests" / "data" / "reader_cases.json").read_text(encoding="utf-8"))["equations"]
_PAGES = {}


def page_json(name):
    """The page's data as the browser gets it: the built file, or (no build yet) the same written afresh."""
    if name not in _PAGES:
        built = ROOT / "site" / "assets" / "reader" / "pages" / f"{name}.json"
        _PAGES[name] = json.loads(built.read_text(encoding="utf-8")) if built.is_file() else \
            json.loads(json.dumps(page_data(CATALOG, f"{name}.md")))
    return _PAGES[name]


def page(name):
    return Page(page_json(name))


_VERDICTS = {}


def verdict_of(eq_id, text):
    """The CPython verdict on a line of the cases (once per session: the browser test compares with it)."""
    if (eq_id, text) not in _VERDICTS:
        _VERDICTS[eq_id, text] = judge(page(CASES[eq_id]["page"]), eq_id, text)
    return _VERDICTS[eq_id, text]


def own_right_side(eq_id, name):
    return next(e["right"] for e in page_json(name)["equations"] if e["id"] == eq_id)


def all_lines():
    """Every line of the cases file, with the verdict it must get."""
    out = lines("own") + lines("correct") + lines("wrong") + lines("subgradient")
    out += [(e, CASES[e]["mistake"][0]) for e in CASES if CASES[e]["mistake"]]
    out += [(e, CASES[e]["parse_error"][0]) for e in CASES]
    return list(dict.fromkeys(out))


def lines(kind):
    """(equation, text) of one kind of line for every equation of the cases."""
    out = []
    for eq_id, case in CASES.items():
        if kind == "own":
            out.append((eq_id, own_right_side(eq_id, case["page"])))
        elif kind in ("correct", "wrong", "subgradient"):
            out += [(eq_id, text) for text in case[kind]]
    return out


def expected(eq_id, text):
    """What the checker must say of a line of the cases file (the browser test asks the same)."""
    case = CASES[eq_id]
    if text == own_right_side(eq_id, case["page"]) or text in case["correct"]:
        return "equal"
    if text in case["wrong"]:
        return "not-equal"
    if text in case.get("subgradient", ()):
        return "subgradient"
    if case["parse_error"] and text == case["parse_error"][0]:
        return "parse-error"
    raise KeyError(text)


def really_differ(eq_id, text, verdict):
    """Re-evaluate both sides at the counterexample's point, apart from the checker's own search: exact numbers whose
    difference has a certified sign (or one side with no real value)."""
    name = CASES[eq_id]["page"]
    p = page(name)
    eq = p.equations[eq_id]
    counter = verdict["counterexample"]
    case = next(c for c in eq.cases if c.label == counter["case"])
    subs = {s: sp.sympify(counter["point"][s.name]) for s in case.primitive if s.name in counter["point"]}
    from derivations.equations.reader import _parse
    mine = Evaluator(p, case, float("inf")).ev(_parse(text, p, eq)[-1])  # read as the checker reads it
    theirs = Evaluator(p, case, float("inf")).ev(eq.sides[-1])
    entries = list(zip(mine, theirs)) if isinstance(theirs, sp.MatrixBase) else [(mine, theirs)]

    def differ(a, b):
        va, vb = _exact(a, subs), _exact(b, subs)
        if va is None or vb is None:
            return (va is None) != (vb is None)
        return certified_sign(va - vb) not in (0, None)

    return any(differ(a, b) for a, b in entries)


@pytest.mark.parametrize("eq_id, text", lines("own") + lines("correct"))
def test_the_page_s_own_right_side_and_other_correct_forms_are_equal(eq_id, text):
    verdict = verdict_of(eq_id, text)
    assert verdict["status"] == "equal", verdict
    assert ("proved by the engine's kernel" in verdict["message"]) == (verdict["how"] == "proved")
    assert verdict["how"] == "proved" or "checked at points, not proved" in verdict["message"]


@pytest.mark.parametrize("eq_id, text", lines("wrong"))
def test_a_wrong_line_is_refused_with_a_counterexample_that_really_differs(eq_id, text):
    verdict = verdict_of(eq_id, text)
    assert verdict["status"] == "not-equal", verdict
    counter = verdict["counterexample"]
    assert counter["reader"] != counter["page"] and counter["values"], counter
    assert really_differ(eq_id, text, verdict)


@pytest.mark.parametrize("eq_id", [e for e in CASES if CASES[e]["mistake"]])
def test_a_known_mistake_is_named(eq_id):
    text, words = CASES[eq_id]["mistake"]
    verdict = verdict_of(eq_id, text)
    assert verdict["status"] == "not-equal" and words in (verdict.get("mistake") or ""), verdict


@pytest.mark.parametrize("eq_id", list(CASES))
def test_a_line_that_cannot_be_read_says_where_and_what(eq_id):
    text, words = CASES[eq_id]["parse_error"]
    verdict = verdict_of(eq_id, text)
    assert verdict["status"] == "parse-error" and words in verdict["message"], verdict
    assert "character" in verdict["message"] and verdict["position"] is not None


# -- an adversary's lines ------------------------------------------------------------------------------------------

def test_a_line_that_differs_only_on_the_kink_is_found_there_and_called_a_subgradient():
    """1(u >= 0) and 1(u > 0) differ only where u = 0 exactly; random real points would never see it. Both are
    subgradients there (#28, Deliver 4): the verdict says so and names the kink, never "not equal"."""
    verdict = judge(page("problem-2"), "svm-dl-dsj", r"\mathbb{1}(s_j - s_{y_i} + 1 \ge 0)")
    assert verdict["status"] == "subgradient" and "kink" in verdict["message"], verdict
    point = {k: sp.Rational(v) for k, v in verdict["counterexample"]["point"].items()}
    assert verdict["counterexample"]["reader"] == "1" and verdict["counterexample"]["page"] == "0"
    assert len(point) >= 2


@pytest.mark.parametrize("eq_id, text", lines("subgradient"))
def test_another_subgradient_at_a_kink_is_said_so(eq_id, text):
    verdict = verdict_of(eq_id, text)
    assert verdict["status"] == "subgradient" and "kink" in verdict["message"], verdict


def test_a_line_equal_only_for_positive_values_is_refused():
    verdict = judge(page("problem-1"), "softplus-stable", r"z + \log(1 + e^{-|z|})")  # max(z, 0) is z for z >= 0 only
    assert verdict["status"] == "not-equal", verdict
    assert sp.Rational(verdict["counterexample"]["point"]["z"]) < 0


def test_a_threshold_off_the_kink_by_a_little_is_refused():
    verdict = judge(page("problem-2"), "svm-dl-dsj", r"\mathbb{1}(s_j - s_{y_i} + 1 > 1/1000)")
    assert verdict["status"] == "not-equal", verdict


def test_two_classes_and_the_skipped_index_are_cases_of_their_own():
    """At C = 2 the sum over j != y_i has one term; the sum over every class minus its j = y_i term is correct."""
    verdict = judge(page("problem-2"), "svm-dl-dsyi", r"-\sum_{j=1}^{C} \mathbb{1}(s_j - s_{y_i} + 1 > 0) + 1")
    assert verdict["status"] == "equal", verdict
    assert "C = 2" in verdict["message"]


def test_an_empty_sum_is_zero():
    verdict = judge(page("problem-1"), "two-class-softmax", r"\sigma(s_1 - s_2) + \sum_{k=3}^{C} s_k")
    assert verdict["status"] == "equal", verdict


def test_symbols_not_on_the_page_are_named_with_what_the_page_expects():
    verdict = judge(page("problem-1"), "two-class-softmax", r"\sigma(q_1 - s_2)")
    assert verdict["status"] == "unknown-symbol" and verdict["token"] == "q", verdict
    assert "s_{1}" in verdict["message"]
    verdict = judge(page("problem-1"), "two-class-softmax", r"\sigma(s1 - s2)")
    assert verdict["status"] == "unknown-symbol" and "s times 1" in verdict["message"], verdict


def test_huge_inputs_are_never_equal():
    p = page("problem-1")
    verdict = judge(p, "two-class-softmax", r"\sigma(s_1 - s_2) + 10^{10^{10}} - 10^{10^{10}}")
    assert verdict["status"] == "undecided" and "too large" in verdict["message"], verdict
    verdict = judge(p, "two-class-softmax", r"\sigma(s_1 - s_2) + (s_1 + s_2)^{100000} - (s_1 + s_2)^{100000}")
    assert verdict["status"] == "undecided" and "too large" in verdict["message"], verdict
    verdict = judge(p, "two-class-softmax", r"e^{e^{e^{e^{s_1}}}} - e^{e^{e^{e^{s_1}}}} + \sigma(s_1 - s_2)",
                    seconds=0.0)
    assert verdict["status"] == "undecided" and verdict.get("timed_out"), verdict
    verdict = judge(p, "two-class-softmax", "s_1 + " * 200 + "s_2")
    assert verdict["status"] == "parse-error" and "longer than" in verdict["message"], verdict


def test_a_whole_step_is_read_and_the_page_s_own_left_side_is_not_re_derived():
    verdict = judge(page("problem-2"), "svm-grad-wyi",
                    r"\nabla_{w_{y_i}} L_i = -\sum_{j \neq y_i} \mathbb{1}(s_j - s_{y_i} + 1 > 0)\, x_i")
    assert verdict["status"] == "equal", verdict
    verdict = judge(page("problem-1"), "two-class-softmax", r"f_1 = \sigma(s_2 - s_1)")
    assert verdict["status"] == "not-equal", verdict


def test_the_browser_s_modules_import_without_numpy(tmp_path):
    """What the browser loads (BROWSER_MODULES, beside empty packages) imports and judges with numpy made
    unimportable: the same files, laid out as the worker lays them out."""
    src = Path(__import__("derivations").__file__).resolve().parents[1]
    for module in BROWSER_MODULES:
        target = tmp_path / module
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((src / module).read_text(encoding="utf-8"), encoding="utf-8")
        for parent in (target.parent, target.parent.parent):
            (parent / "__init__.py").touch()
    data = tmp_path / "page.json"
    data.write_text(json.dumps(page_json("problem-1")), encoding="utf-8")
    code = ("import sys, json; sys.modules['numpy'] = None; sys.path.insert(0, sys.argv[1]); "
            "from derivations.equations.reader import Page, judge; "
            "p = Page.from_json(open(sys.argv[2]).read()); "
            "print(judge(p, 'two-class-softmax', r'1 - \\sigma(s_2 - s_1)')['status'])")
    run = subprocess.run([sys.executable, "-I", "-c", code, str(tmp_path), str(data)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "equal"
    assert "numpy" not in "".join((src / m).read_text(encoding="utf-8") for m in BROWSER_MODULES).replace(
        "never numpy", "").replace("nothing that imports numpy", "").replace("no numpy", "")


# -- the parser reads what LaTeX means (#28, Deliver 2 and 3) ------------------------------------------------------

def _read(text, name="problem-2"):
    from derivations.equations.reader import _parse
    return _parse(text, page(name))


def _refused(text, words, eq_id="svm-dl-dsj", name="problem-2"):
    verdict = judge(page(name), eq_id, text)
    assert verdict["status"] == "parse-error" and words in verdict["message"], verdict
    assert "\\\\" not in verdict["message"] and "'" not in verdict["message"], verdict  # never a Python repr
    return verdict


def test_a_minus_after_a_product_sign_negates_the_factor():
    a, b = sp.symbols("a b", real=True)
    for op in (r"\cdot", r"\times", "*"):
        (read,) = _read(rf"u {op} -u")
        u = sp.Symbol("u", real=True)
        assert sp.simplify(sp.sympify(read) + u ** 2) == 0, (op, read)
        (read,) = _read(rf"u {op} + u")
        assert sp.simplify(sp.sympify(read) - u ** 2) == 0, (op, read)


def test_a_fraction_of_single_digits_is_one_digit_over_the_other():
    from derivations.equations.parse import canonical
    (read,) = _read(r"\frac12")
    assert canonical(read) == sp.Rational(1, 2), read
    (read,) = _read(r"\frac1{3} + \frac{1}2 + \frac 34")
    assert canonical(read) == sp.Rational(1, 3) + sp.Rational(1, 2) + sp.Rational(3, 4), read
    (read,) = _read(r"u^12")  # LaTeX's u^1 2
    assert sp.simplify(canonical(read) - 2 * sp.Symbol("u", real=True)) == 0, read


def test_a_trailing_operator_is_refused_never_dropped():
    for op in (r"\cdot", r"\times", "*", "+", "-", "/"):
        _refused(rf"\mathbf{{1}}(s_j - s_{{y_i}} + 1 > 0) {op}", "", eq_id="svm-dl-dsj")
    _refused(r"\mathbf{1}(s_j - s_{y_i} + 1 > 0) \cdot", r"“\cdot” needs a factor after it")
    _refused(r"\mathbf{1}(s_j - s_{y_i} + 1 > 0) \cdot = 1", r"“\cdot” needs a factor after it")


def test_an_inequality_is_not_a_step():
    for rel in (r"\ge", r"\geq", r"\le", r"\leq", "<", ">", r"\neq"):
        _refused(rf"\frac{{\partial L_i}}{{\partial s_j}} {rel} \mathbf{{1}}(s_j - s_{{y_i}} + 1 > 0)",
                 "an inequality is not a step of this equation")


def test_a_double_sum_is_read_with_its_body_or_refused():
    from derivations.equations.notation import Frobenius
    (read,) = _read(r"\sum_{k,l} W_{k,l}^{2}")
    assert isinstance(read, Frobenius)
    (read,) = _read(r"\sum_{k,l} W_{l,k}^{2}")
    assert isinstance(read, Frobenius)
    for body in (r"W_{k,1}^{2}", r"W_{k,k}^{2}", r"W_{1,1}^{2}", r"W_{k,l}^{3}", r"W_{k,l}^{2} x_i", "u"):
        _refused(rf"\sum_{{k,l}} {body}", "a double sum", eq_id="reg-gradient")


def test_refusals_show_the_piece_never_a_repr():
    verdict = _refused(r"f_j - \mathbb{X}(j = y_i)", r"“\mathbb”")
    verdict = _refused(r"\mathbf{1}(s_j - s_{y_i} + 1 > 0 x_i", "expected")
    assert "“)”" in verdict["message"], verdict
    verdict = _refused(r"\sigma(s_1 - s_2) @", "“@”", eq_id="two-class-softmax", name="problem-1")


def test_an_unbalanced_brace_is_reported_with_its_piece():
    verdict = _refused(r"\frac{1}{2 + \mathbf{1}(s_j - s_{y_i} + 1 > 0)", "never closed")
    assert r"“{2 + \mathbf{1}" in verdict["message"], verdict
    assert r"(s_j - s" in verdict["message"], verdict  # as the reader typed it, not with braces added
    verdict = _refused(r"\mathbf{1}(s_j - s_{y_i} + 1 > 0)}", "closes no")
    assert "}" in verdict["message"], verdict


def test_the_notations_students_write_read_as_the_page_s():
    from derivations.equations.notation import Ind, Norm, Partial, Transpose
    from derivations.equations.parse import same
    (page_side,) = _read(r"\mathbf{1}(s_j - s_{y_i} + 1 > 0)")
    for text in (r"1_{\{s_j - s_{y_i} + 1 > 0\}}", r"1_{s_j - s_{y_i} + 1 > 0}", r"1\{s_j - s_{y_i} + 1 > 0\}",
                 r"\mathbb{1}\{s_j - s_{y_i} + 1 > 0\}", r"\mathbb{1}_{s_j - s_{y_i} + 1 > 0}",
                 r"\mathbb{I}[s_j - s_{y_i} + 1 > 0]", r"\mathbb{I}(s_j - s_{y_i} + 1 > 0)",
                 r"\mathbf{1}[s_j - s_{y_i} + 1 > 0]", r"\mathbf{1}\left\{s_j - s_{y_i} + 1 > 0\right\}",
                 r"\mathbb 1_{\{s_j - s_{y_i} + 1 > 0\}}", r"[s_j - s_{y_i} + 1 > 0]",
                 r"\left[s_j - s_{y_i} + 1 > 0\right]", "\\mathbf{1}(s_j \u2212 s_{y_i} + 1 > 0)"):
        (read,) = _read(text)
        assert same(read, page_side), (text, read)
    (read,) = _read(r"[u + 1] u")  # square brackets that hold no relation group
    assert not read.has(Ind)
    (read,) = _read(r"\delta_{j y_i}")
    assert same(read, _read(r"\mathbf{1}(j = y_{i})")[0]), read
    (read,) = _read(r"\delta_{jk}")
    assert same(read, _read(r"\mathbf{1}(j = k)")[0]), read
    for text in (r"\frac{\partial}{\partial u} \max(0, u)", r"\partial_u \max(0, u)", r"\frac{d}{du} \max(0, u)"):
        (read,) = _read(text)
        assert isinstance(read, Partial) and same(read, _read(r"\frac{\partial \max(0, u)}{\partial u}")[0]), text
    for text in (r"w_j^\top x_i", r"w_j^{\top} x_i", r"w_j^T x_i", r"w_j^\intercal x_i", r"w_j^{\mathsf{T}} x_i"):
        (read,) = _read(text)
        assert read.has(Transpose), text
    (read,) = _read(r"\|x_i\|")
    assert isinstance(read, Norm)
    (read,) = _read(r"\operatorname{sign}(u)")
    assert not read.has(sp.Symbol("sign", real=True)) and read.has(Ind), read
    (read,) = _read(r"\begin{cases} 1 & u > 0 \\ 0 & \text{otherwise} \end{cases}")
    assert read.has(Ind)


def test_a_sum_without_limits_runs_over_the_page_s_range():
    from derivations.equations.notation import SumOver
    (read,) = _read(r"\sum_j \mathbf{1}(s_j > 0)")
    assert isinstance(read, SumOver) and read.args[2] == 1 and str(read.args[3]) == "C", read
    verdict = judge(page("problem-2"), "svm-dl-dsj", r"\sum_q \mathbf{1}(s_q > 0)")
    assert verdict["status"] == "parse-error" and "limits" in verdict["message"], verdict


def test_a_norm_is_read_only_as_the_page_means_it():
    # \|W\|_F is the Frobenius norm the page means; \|W\|_2 of a matrix is the spectral norm: refused, never read as it
    from derivations.equations.notation import Norm
    (read,) = _read(r"\|W\|_F^2")
    assert read.has(Norm)
    _refused(r"\nabla_W (\lambda \|W\|_2^2) = 2 \lambda W", "_", eq_id="reg-gradient")


def test_a_normaliser_mistake_is_the_side_as_written_and_kept_though_the_smallest_sizes_cannot_tell_it():
    """The mutant "1/N left out" of X^T G / N + 2 lam W was built by xreplace, which let sympy reorder it to G X^T
    (a tree of another shape), and a mutant was kept only where the first four cases (all N = 1) told it apart."""
    from derivations.equations.notation import latex
    from derivations.equations.reader import decode
    data = page_data(CATALOG, "problem-2.md")
    entry = next(e for e in data["equations"] if e["id"] == "svm-batch-gradient")
    named = {m["name"]: decode(m["tree"]) for m in entry["mutants"]}
    tree = named.get(r"the normaliser \(1/N\) left out")
    assert tree is not None, list(named)
    assert latex(tree, bold=set(data["bold"])) == r"\mathbf{X}^{T} \mathbf{G} + 2 \lambda \mathbf{W}"


def test_an_exact_zero_at_scores_near_a_million_is_judged_within_the_budget():
    """Adversary round 3, F1: the kernel proved these, then the second route's 30-digit sympy evalf of each side at
    points near 10^6 (a softmax summed to 1) raised its precision by the size of the cancellation at once, and ran
    for minutes; the first look is now at a fixed precision (reader._mp_value)."""
    import time
    for text in (r"\sum_{k=1}^{C} f_k - 1", r"\sum_{j=1}^{C} \left(f_{j} - \mathbf{1}(j = y_{i})\right)"):
        started = time.monotonic()
        verdict = judge(page("problem-3"), "softmax-grad-sum", text)
        assert verdict["status"] == "equal" and time.monotonic() - started < 60, (text, verdict)


@pytest.mark.parametrize("eq_id, text", [
    ("bce-gradient", r"\sigma(z)' - \tau"),  # sigma' - tau to a teacher; was "equal, proved" (the transpose of a number)
    ("softplus-stable", r"\operatorname{softplus}(z)'"),  # softplus' = sigma; was "equal"
    ("hinge-derivative", r"\max(0,u)'"),  # the right derivative; was "not equal" (max(0, u) itself)
], ids=["sigma(z)'", "softplus(z)'", "max(0,u)'"])
def test_a_prime_on_a_functions_value_is_refused_as_a_derivative_to_write_out(eq_id, text):
    """Before: a prime was always a transpose, which leaves a number as it is, so f(z)' was read as f(z): wrong lines
    called equal and right ones not equal (reader adversary, round 3, F12)."""
    verdict = judge(page("problem-1" if eq_id != "hinge-derivative" else "problem-2"), eq_id, text)
    assert verdict["status"] == "parse-error" and r"\frac{d}{dz}" in verdict["message"], verdict
    assert judge(page("problem-2"), "svm-batch-gradient", r"\frac{1}{N} X' G + 2 \lambda W")["status"] == "equal"


# -- the notations students write (adversary round 3, F7, F10, F13): read as LaTeX means them -----------------------

def test_a_square_root_is_a_power_of_one_half_and_an_odd_root_the_real_one():
    from derivations.equations.parse import same
    z = sp.Symbol("z", real=True)
    (read,) = _read(r"\sqrt{z^2 + 1}", "problem-1")
    assert read == sp.Pow(z ** 2 + 1, sp.Rational(1, 2), evaluate=False) or same(read, sp.sqrt(z ** 2 + 1)), read
    (read,) = _read(r"\sqrt[4]{z}", "problem-1")
    assert isinstance(read, sp.Pow) and read.exp == sp.Rational(1, 4), read
    for typed in ("√(z^2 + 1)", r"\sqrt{z^{2} + 1}"):
        assert same(_read(typed, "problem-1")[0], _read(r"\sqrt{z^2 + 1}", "problem-1")[0]), typed
    (read,) = _read(r"\sqrt[3]{z}", "problem-1")  # sign(z) |z|^{1/3}: the cube root of -8 is -2
    assert sp.sympify(read).xreplace({z: -8}).doit() != 0 and read.has(sp.Abs), read
    (read,) = _read(r"\sqrt z^2", "problem-1")  # LaTeX's (\sqrt{z})^2: the root takes one token
    assert isinstance(read, sp.Pow) and read.exp == 2 and isinstance(read.base, sp.Pow), read
    _refused(r"\sqrt[u]{u}", r"a root \sqrt[n]{x} has a whole number n >= 2", eq_id="hinge-derivative")
    _refused(r"\sqrt[3{u}", r"is never closed", eq_id="hinge-derivative")


def test_a_root_records_its_base_as_an_argument_that_must_not_be_negative():
    from derivations.equations.interpret import Interpreter
    u = sp.Symbol("u", real=True)

    class At(Interpreter):
        def symbol(self, name):
            return u

    ev = At()
    ev.ev(_read(r"\sqrt{u + 1}")[0])
    assert u + 1 in ev.real_arguments, ev.real_arguments


def test_floor_and_ceiling_are_read():
    u = sp.Symbol("u", real=True)
    (read,) = _read(r"\lfloor u \rfloor + \left\lceil \frac{u}{2} \right\rceil")
    assert read.has(sp.floor) and read.has(sp.ceiling), read
    (read,) = _read("⌊u⌋")
    assert isinstance(read, sp.floor) and read.args[0] == u, read
    _refused(r"\lfloor u", r"“\lfloor” of “\lfloor u” is never closed", eq_id="hinge-derivative")
    _refused(r"\lfloor u \rceil", r"expected “\rfloor”", eq_id="hinge-derivative")


def test_an_upright_e_is_euler_s_number_and_a_plain_e_where_the_page_has_none():
    from derivations.equations.parse import SymbolTable, parse_expression
    z = sp.Symbol("z", real=True)
    for text in (r"\mathrm{e}", r"\operatorname{e}", r"\mathrm e", "e"):
        (read,) = _read(text, "problem-1")
        assert read == sp.E, (text, read)
        (read,) = _read(text + "^{z}", "problem-1")
        assert read == sp.exp(z, evaluate=False), (text, read)
    e = sp.Symbol("e", real=True)
    table = SymbolTable.of(e, z)  # a page whose notation has a value e: a plain e is it, an upright e is Euler's
    assert parse_expression("e z", table) == sp.Mul(e, z, evaluate=False)
    assert parse_expression(r"\mathrm{e} z", table) == sp.Mul(sp.E, z, evaluate=False)


def test_hyperbolic_functions_are_read():
    z = sp.Symbol("z", real=True)
    (read,) = _read(r"\tanh(z/2) + \sinh z + \operatorname{cosh}(z)", "problem-1")
    assert read.has(sp.tanh) and read.has(sp.sinh) and read.has(sp.cosh), read
    (read,) = _read(r"\tanh^{2}(z)", "problem-1")  # the square of tanh z, as sympy prints it
    assert read == sp.Pow(sp.tanh(z, evaluate=False), 2, evaluate=False), read
    _refused(r"\tanh^{-1}(z)", r"\tanh^{-1} is the inverse function", eq_id="softplus-derivative", name="problem-1")


def test_a_transpose_before_the_subscript_is_the_entry_s_transpose():
    from derivations.equations.parse import same
    for text in (r"w^T_j x_i", r"w^{T}_{j} x_i", r"\mathbf{w}^\top_j \mathbf{x}_i", "w_jᵀ x_i", "wᵀ_j x_i"):
        (read,) = _read(text)
        assert same(read, _read(r"w_j^T x_i")[0]), (text, read)
    (read,) = _read(r"s^2_j")  # x^2_i is x_i^2, as LaTeX sets it
    assert same(read, _read(r"s_j^2")[0]), read
    _refused(r"w^T_j_i x_i", "“_”", eq_id="svm-grad-wj")  # one subscript only


def test_bars_written_as_commands_are_absolute_values_and_norms():
    from derivations.equations.notation import Norm
    from derivations.equations.parse import same
    for text in (r"\lvert u \rvert", r"\left\lvert u \right\rvert", r"\vert u \vert"):
        assert same(_read(text)[0], _read("|u|")[0]), text
    for text in (r"\lVert x_i \rVert", r"\left\lVert x_i \right\rVert", r"\Vert x_i \Vert", "‖x_i‖"):
        assert isinstance(_read(text)[0], Norm), text


def test_unicode_a_keyboard_types_is_the_latex_it_stands_for():
    from derivations.equations.parse import same
    for typed, tex, name in [
        ("σ(z) − τ", r"\sigma(z) - \tau", "problem-1"), ("σ(z) – τ", r"\sigma(z) - \tau", "problem-1"),
        ("2λW", r"2 \lambda W", "problem-2"), ("2 × λ · W", r"2 \times \lambda \cdot W", "problem-2"),
        ("u² + u³ + u⁻¹", "u^2 + u^3 + u^{-1}", "problem-2"), ("∑_{j=1}^{C} s_j", r"\sum_{j=1}^{C} s_j", "problem-2"),
        ("Σ_{j=1}^{C} s_j", r"\sum_{j=1}^{C} s_j", "problem-2"),
        ("[u ≤ 0] + [u ≥ 0] + [u ≠ 1]", r"[u \leq 0] + [u \geq 0] + [u \neq 1]", "problem-2"),
        ("\u200bu\u00a0+\u2009u\ufeff", "u + u", "problem-2"),
    ]:
        assert same(_read(typed, name)[0], _read(tex, name)[0]), typed
    verdict = _refused("u \u2603 u", "cannot read", eq_id="hinge-derivative")  # a character with no meaning
    assert "\u2603" in verdict["message"], verdict


def test_a_division_and_a_sign_in_a_sum_s_body_are_the_body_s():
    from derivations.equations.notation import Frac, Partial, SumOver
    (read,) = _read(r"\sum_{j=1}^{C} e^{s_j}/e^{s_1}")
    assert isinstance(read, SumOver) and isinstance(read.args[0], Frac), read
    (read,) = _read(r"\sum_{j \neq y_i} -\mathbb{1}(s_j > 0) s_j")
    assert isinstance(read, SumOver) and sp.sympify(read.args[0]).could_extract_minus_sign(), read
    (read,) = _read(r"\frac{d}{du}\max(0, u)/2")  # the derivative of the rest of the term, as \sum's body
    assert isinstance(read, Partial) and isinstance(read.args[0], Frac), read


def test_a_logarithm_to_a_base_is_the_log_over_the_log_of_the_base():
    from derivations.equations.notation import Frac
    z = sp.Symbol("z", real=True)
    (read,) = _read(r"\log_2 z", "problem-1")
    assert read == Frac(sp.log(z, evaluate=False), sp.log(2, evaluate=False)), read
    (read,) = _read(r"\log_{10}(1 + z)", "problem-1")
    assert isinstance(read, Frac) and read.args[1] == sp.log(10, evaluate=False), read
    verdict = _refused(r"\log_1 z", "a logarithm to base 1 has no value", eq_id="softplus-stable", name="problem-1")
    assert "“_” is not part of the notation" not in verdict["message"], verdict


def test_cases_without_otherwise_are_a_piecewise_with_no_value_where_none_holds():
    from derivations.equations.notation import Ind
    from derivations.equations.parse import SymbolTable, parse_equation
    u = sp.Symbol("u", real=True)
    (read,) = _read(r"\begin{cases} 1 & u > 0 \\ 0 & u < -1 \end{cases}")
    assert isinstance(read, sp.Piecewise) and len(read.args) == 2, read
    assert sp.Piecewise(*read.args).subs(u, sp.Rational(-1, 2)) is sp.nan
    (read,) = _read(r"\begin{cases} 1 & u > 0 \\ 0 & \text{otherwise} \end{cases}")  # a value everywhere
    assert not read.has(sp.Piecewise) and read.has(Ind), read
    # a page's own two-case brace (the printer's, complementary) reads as before: a sum of indicators
    (page_side,) = parse_equation(r"\begin{cases} 1 & u > 0 \\ 0 & u \le 0 \end{cases}", SymbolTable.of(u))
    assert not page_side.has(sp.Piecewise) and page_side.has(Ind), page_side


def test_a_number_before_an_indicator_is_echoed_with_a_dot_never_as_one_number():
    # 2 \mathbf{1}(u = 0) renders as "21(u = 0)", twenty-one: seen in a 390 px screenshot of a kink verdict
    v = judge(page("problem-2"), "hinge-derivative", r"\mathbb{1}(u > 0) + 2\mathbb{1}(u = 0)")
    assert r"2 \cdot \mathbf{1}" in v["read"], v["read"]
