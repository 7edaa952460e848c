"""The equation checks: every equation passes, and a wrong one fails with a message a student can read."""

from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp

from derivations.equations import CATALOG
from derivations.equations.catalog import KINDS
from derivations.equations.checks import check_equation
from derivations.equations.mutation import check_mutant, mutants, side_mutants
from derivations.equations.pages import scan_docs, scan_page
from ledger_of_build import ledger_by_id

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT_NUMBERS = {"ce-softmax": "A1", "ce-binary": "A2", "svm-grad-wj": "A3", "svm-grad-wyi": "A4"}


def test_every_equation_passes_its_numeric_checks():
    # checked once, by `make verify`; a check that fails is tested below and in tests/test_soundness.py
    ledger = ledger_by_id()
    assert set(ledger) == {eq.id for eq in CATALOG}
    for eq in CATALOG:
        record = ledger[eq.id]
        assert record["result"] == "pass", (eq.id, record["message"])
        assert eq.kind in KINDS and record["kind"] == eq.kind
        assert record["comparisons"] > 0, eq.id


def test_the_assignments_equations_keep_their_numbers():
    assert {eq.id: eq.shown_number for eq in CATALOG if eq.id in ASSIGNMENT_NUMBERS} == ASSIGNMENT_NUMBERS
    numbers = [eq.shown_number for eq in CATALOG]
    assert len(numbers) == len(set(numbers))


def test_every_page_shows_its_equations_and_no_unchecked_math():
    from derivations.equations.ledger import page_problems_of

    problems = page_problems_of([(eq.id, eq.page) for eq in CATALOG], scan_docs(ROOT / "docs"))
    assert problems == []


def test_hand_written_math_on_a_page_is_reported(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Text\n\n$$ a = b $$\n\nand inline \\(x \\le y\\) but \\(j \\neq y_i\\) is fine.\n\n"
                    "```python\nx = '$$'\n```\n[[eq:softmax]]\n", encoding="utf-8")
    scan = scan_page(page, "page.md")
    reasons = [reason for _, _, reason in scan.unchecked]
    assert len(reasons) == 2
    assert "display math written by hand" in reasons[0]
    assert "inline math asserts a relation" in reasons[1]
    assert scan.shown == ["softmax"]


def _mutate(eq_id, side, operator, contains):
    for m in mutants(CATALOG):
        if m.equation == eq_id and m.side == side and m.operator == operator and contains in m.description:
            return m
    raise AssertionError(f"no {operator} mutant of {eq_id} containing {contains!r}")


@pytest.mark.parametrize("eq_id, side, operator, contains", [
    ("svm-grad-wj", 1, "flip sign", r"- \mathbf{w}_{j}^{T}"),        # a flipped sign
    ("svm-grad-wj", 1, "swap index", r"\mathbf{w}_{y_{i}}^{T} \mathbf{x}_{i} - \mathbf{w}_{y_{i}}"),  # j for y_i
    ("reg-gradient", 1, "change constant", r"3 \lambda"),             # a changed coefficient
    ("ce-binary", 1, "drop term", r"\log f_{1}"),                       # a dropped term
    ("svm-dl-dsj", 1, "reverse relation", "<"),
])
def test_one_token_changes_are_caught(eq_id, side, operator, contains):
    mutant = check_mutant(_mutate(eq_id, side, operator, contains), CATALOG)
    assert mutant.caught, mutant.description


def test_a_broken_equation_names_itself_its_page_and_the_inputs():
    eq = CATALOG["svm-grad-wj"]
    broken = replace(eq, sides=[eq.sides[0], sp.Mul(-1, eq.sides[1], evaluate=False)])
    record = check_equation(broken, CATALOG.replacing(broken))
    assert record.result == "fail"
    assert "differ at" in record.message and "x_i" not in record.message  # values, not symbols
    assert "W=" in record.message and "y=" in record.message


def test_mutation_sample_catches_at_least_95_percent():
    from derivations.equations.mutation import run_mutation

    report = run_mutation(CATALOG, sample=40, seed=1)
    assert report.kill_rate >= 0.95, report.summary()


def test_a_worked_example_s_mutant_is_equivalent_only_when_it_is_the_same_number():
    # max(0, 0 - 1 + 1) dropped from the example's sum changes nothing (survived as a "mistake"); a changed 2 does
    example = [m for m in mutants(CATALOG) if m.equation == "example-svm-loss" and m.side == 1]
    dropped = next(m for m in example if m.operator == "drop term" and m.description == r"\max(0, 2 - 1 + 1)")
    changed = next(m for m in example if m.operator == "change constant" and "3 - 1 + 1" in m.description)
    assert check_mutant(dropped, CATALOG).equivalent == "the same number"
    assert check_mutant(changed, CATALOG).caught and not changed.equivalent
    from derivations.equations.mutation import _equivalent

    assert _equivalent(CATALOG["example-svm-loss"], changed, CATALOG) == ""  # never "the same number" when it is not


def test_a_mutant_that_leaves_a_true_weaker_inequality_is_no_mistake_when_proved():
    # max(0, v) >= 1(u > 0)(v - u) (max(0, u) dropped) is true: it survived as a "mistake" no check could catch
    hinge = [m for m in mutants(CATALOG) if m.equation == "hinge-subgradient" and m.side == 1]
    weaker = next(m for m in hinge if m.operator == "drop term" and m.description.startswith(r"\mathbf{1}"))
    assert not check_mutant(weaker, CATALOG).caught and weaker.equivalent.startswith("a true inequality still")
    wrong = next(m for m in hinge if m.operator == "drop term" and m.description == r"\max(0, u)")
    assert check_mutant(wrong, CATALOG).caught and not wrong.equivalent


def test_side_mutants_cover_the_four_kinds_of_typo():
    ops = {op for op, _ in side_mutants(CATALOG["svm-grad-wyi"].sides[1])}
    assert {"flip sign", "swap index", "change constant", "drop term"} <= ops


# a broken equation failing `derivations verify` and the build, naming itself: tests/test_adding_a_problem.py
