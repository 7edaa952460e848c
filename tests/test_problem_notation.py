"""Shapes, rows and columns belong to the problem that declares them (issue 30, Deliver 3).

Problem 2 has a matrix S of shape (N, C) and reads x_i as row i of X; a new problem may name its own S of shape
(D, D) and use x as a vector of its own, on its page, and neither reads the other's. A function, which is
site-wide (declared once, printed and computed one way), is still refused when two problems declare it
differently, naming both and what differs.
"""

import numpy as np
import pytest
import sympy as sp

from derivations.equations import CATALOG, Catalog, Problem
from derivations.equations import points as pts
from derivations.equations.catalog import ProblemError
from derivations.equations.checks import check_equation
from derivations.equations.notation import Dot, Transpose
from derivations.equations.prover import proof_key
from derivations.site import symbol_shapes

S, x = sp.symbols("S x")


def quadratic():
    """x^T S x = x^T S^T x for a square S (D x D) and a vector x (D): letters Problem 2 gives other shapes."""
    problem = Problem("problem-86.md", 86, "A square matrix S", shapes={"S": ("D", "D"), "x": ("D",)}, bold=("S",))

    def sample(rng):
        return [pts.Point(f"random, D={d}", {"D": d}, {"S": rng.normal(size=(d, d)), "x": rng.normal(size=d)})
                for d in (1, 2, 3)]

    def every(sizes, free):
        d = sizes["D"]
        yield pts.Point(f"D={d}", {"D": d}, {"S": np.zeros((d, d)), "x": np.zeros(d)})

    space = pts.Space(sample, every, {"D": (1, 2, 3)}, {}, {}, name="squares")
    problem.equation("quadratic-form", "identity", "a quadratic form is its transpose",
                     lambda: [Transpose(x) * S * x, Transpose(x) * Transpose(S) * x], space)
    return problem


def test_a_problem_names_a_matrix_another_problem_has_with_its_own_shape(monkeypatch):
    problem = quadratic()
    catalog = Catalog([*CATALOG.problems, problem])  # before: ProblemError, "the notation is shared"
    assert catalog.for_equation(catalog["quadratic-form"]).shapes["S"] == ("D", "D")
    assert catalog.for_equation(catalog["svm-batch-gradient"]).shapes["S"] == ("N", "C")
    assert "x" not in catalog.for_equation(catalog["quadratic-form"]).rows
    assert catalog.for_equation(catalog["svm-batch-gradient"]).rows == {"x": "X"}
    record = check_equation(catalog["quadratic-form"], catalog)
    assert record.result == "pass", record.message
    # Problem 2's equations read what they read before: their proofs are kept
    assert all(proof_key(eq, catalog) == proof_key(eq, CATALOG) for eq in CATALOG.on_page("problem-2.md"))
    # the new page's table of shapes has its S, of (D, D), and nothing of Problem 2's
    module = type("module", (), {"PROBLEM": problem, "SYMBOLS": {"S": "a square matrix", "x": "a vector"},
                                 "__name__": "problem86"})
    found = symbol_shapes._module
    monkeypatch.setattr(symbol_shapes, "_module", lambda page: module if page == problem.page else found(page))
    rows = symbol_shapes.shape_rows(problem.page, catalog)
    assert [(symbol, shape) for symbol, shape, _ in rows] == [(r"\mathbf{S}", r"\mathbb{R}^{D \times D}"),
                                                           (r"\mathbf{x}", r"\mathbb{R}^{D}")]
    # its products are read with its S (with Problem 2's S of (N, C), x^T S x would not multiply)
    assert [(product, shape) for product, shape, _ in symbol_shapes.product_rows(problem.page, catalog)] == [
        (r"\mathbf{x}^{T} \mathbf{S} \mathbf{x}", r"\mathbb{R}"),
        (r"\mathbf{x}^{T} \mathbf{S}^{T} \mathbf{x}", r"\mathbb{R}")]


def test_a_function_declared_differently_by_two_problems_names_both():
    one, two = Problem("problem-87.md", 87, "One"), Problem("problem-88.md", 88, "Two")
    one.function("phi87", r"\phi", None, lambda v, index, ev, a: 1.0)
    two.function("phi87", r"\varphi", None, lambda v, index, ev, a: 1.0)
    with pytest.raises(ProblemError) as refused:
        Catalog([one, two])
    message = str(refused.value)
    assert "Problem 87 (problem-87.md)" in message and "Problem 88 (problem-88.md)" in message
    assert r"which differ in the LaTeX ('\\phi' and '\\varphi')" in message
