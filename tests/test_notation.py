"""One notation: a vector or matrix letter is bold wherever it is printed, in the equations and in the prose."""

from pathlib import Path
import re

import pytest

from derivations.equations import CATALOG
ROOT = Path(__file__).resolve().parents[1]
MATRICES = sorted({b for problem in CATALOG.problems for b in problem.bold if b.isupper()})
INLINE = re.compile(r"\\\((.+?)\\\)|\$([^$\n]+)\$")


def plain_uses(tex, letters=MATRICES):
    """The letters of ``letters`` that ``tex`` prints without \\mathbf (a token of its own, not a command's name)."""
    tex = re.sub(r"\\(?:mathbf|operatorname|mathrm|text)\{[^}]*\}", "", tex)
    tex = re.sub(r"\\[a-zA-Z]+|\^\{?T\}?", "", tex)  # commands, and the transpose's T
    return sorted({m for m in re.findall(r"(?<![A-Za-z])([A-Z])(?![A-Za-z])", tex) if m in letters})


def test_the_check_sees_a_plain_matrix_letter():
    assert plain_uses(r"\sum_{k,l} W_{kl}^{2}") == ["W"]
    assert plain_uses(r"\frac{1}{N} \mathbf{X}^{T} G") == ["G"]
    assert plain_uses(r"T_{i,j} + \mathbf{w}_j^T") == ["T"]
    assert plain_uses(r"\mathbf{W}_{k,l} + \operatorname{softplus}(z) + \mathrm{CE} + \text{if X}") == []


@pytest.mark.parametrize("eq", list(CATALOG), ids=lambda e: e.id)
def test_every_equation_prints_matrices_bold(eq):
    assert plain_uses(eq.latex()) == [], eq.latex()


@pytest.mark.parametrize("page", sorted((ROOT / "docs").glob("problem-*.md")), ids=lambda p: p.name)
def test_the_prose_prints_matrices_as_the_equations_do(page):
    text = re.sub(r"```.*?```|^>>>.*$", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    found = {m.group(0): plain_uses(m.group(1) or m.group(2)) for m in INLINE.finditer(text)}
    assert {tex: letters for tex, letters in found.items() if letters} == {}


def test_complementary_indicators_print_as_a_two_case_brace_with_each_value_beside_its_condition():
    import sympy as sp

    from derivations.equations.notation import Ind, build, latex

    j, k, a, b = sp.symbols("j k a b")
    cases = r"\begin{cases} a & \text{if } j \neq k \\ - b & \text{if } j = k \end{cases}"
    assert latex(build(lambda: Ind(sp.Ne(j, k)) * a - Ind(sp.Eq(j, k)) * b)) == cases
    assert latex(build(lambda: -Ind(sp.Eq(j, k)) * b + Ind(sp.Ne(j, k)) * a)) == cases  # written the other way round
    # not complementary: printed as written
    assert "cases" not in latex(build(lambda: Ind(sp.Ne(j, k)) * a - Ind(sp.Eq(j, a)) * b))


@pytest.mark.parametrize("eq", list(CATALOG), ids=lambda e: e.id)
def test_a_product_is_written_one_way_in_every_shape(eq):
    """A scalar times a vector is written side by side, on one line as when broken over two (#29: (A4) on a phone had
    "\\cdot x_i" on a line of its own where (A3) wrote 1(...) x_i); a \\cdot only between two numbers, as sympy's."""
    for shape in [eq.latex()] + eq.shapes():
        shape = re.sub(r"\s*\\\\\s*&\s*\\q*quad\s*", " ", shape)  # a continued line read on from the line before
        for m in re.finditer(r"\\cdot", shape):
            before, after = shape[:m.start()].rstrip(), shape[m.end():].lstrip()
            assert before[-1:].isdigit() and after[:1].isdigit(), f"{eq.id}: {shape}"
