"""The reader's checker on second derivatives: every node of the notation has a JSON form and a rule, a page with a
Hessian, a Jacobian and a Diag is written and its boxes judge, and a 1 x 1 product at sizes 1 adds to a vector of one
entry or a 1 x 1 matrix as it does at the engine's verify.

The equations are the logistic regression of ``tests/logistic_problem.py`` (not a page of the site), some with a
penalty added as the Poisson regression of an author's page had one: (1/N) X^T diag(q) X + 2 I, whose boxes said
"the checker cannot evaluate the page's side at N = 1, D = 1: a vector added to a number" for every line.
"""

from __future__ import annotations

from dataclasses import replace
import json

import pytest
import sympy as sp

from derivations.equations import CATALOG, Catalog, notation
from derivations.equations.interpret import Interpreter
from derivations.equations.notation import Diag, Frac, Grad, Hessian, Identity, Jacobian, Transpose, build, \
    flatten
from derivations.equations import reader
from derivations.equations.reader import NODES, Page, decode, encode, judge
from derivations.equations.symbols import D
from derivations.site.reader_export import page_data

import logistic_problem as lp

OTHERS = [problem for problem in CATALOG.problems if not problem.page.startswith("example-")]
PAGE = "example-logistic.md"
N, X, w, n, x = lp.N, lp.X, lp.w, lp.n, lp.x


@pytest.fixture(scope="module")
def catalog():
    return Catalog([*OTHERS, lp.PROBLEM])


def with_sides(catalog, eq_id, sides):
    """The catalog with equation ``eq_id``'s sides replaced by ``sides()``, built as written."""
    eq = replace(catalog[eq_id], sides=[flatten(side) for side in build(sides)])
    return catalog.replacing(eq)


def boxes(catalog):
    data = page_data(catalog, PAGE)
    return data, Page(json.loads(json.dumps(data)))


def test_every_node_of_the_notation_has_a_json_form_and_a_rule():
    classes = [c for c in vars(notation).values() if isinstance(c, type) and issubclass(c, sp.Expr)
               and c.__module__ == notation.__name__ and not c.__name__.startswith("_")]
    assert {"Hessian", "Jacobian", "Diag"} <= {c.__name__ for c in classes}
    for c in classes:
        assert NODES.get(c.__name__) is c, f"{c.__name__} of notation.py has no JSON form in reader.NODES"
        assert hasattr(Interpreter, f"_ev_{c.__name__}"), f"{c.__name__} has no rule in interpret.py"
    W = sp.Symbol("W")
    for tree in (Hessian(lp.L(), w), Jacobian(Transpose(X) * X * w, w), Frac(1, N) * Transpose(X) * Diag(lp.q_all) * X):
        assert decode(json.loads(json.dumps(encode(tree)))) == tree
    assert decode(encode(Grad(lp.L(), W))) == Grad(lp.L(), W)


def test_a_page_with_a_hessian_is_written_and_its_boxes_judge(catalog):
    """The build died here: ValueError: no JSON form for Hessian."""
    data, page = boxes(catalog)
    ids = [e["id"] for e in data["equations"]]
    assert ids == ["logistic-gradient", "logistic-hessian"] and all(e["cases"] for e in data["equations"])
    for e in data["equations"]:
        assert judge(page, e["id"], e["hint"])["status"] == "equal", e["hint"]
    assert judge(page, "logistic-hessian", r"\frac{1}{N}\sum_{n=1}^{N} q_n x_n x_n^T")["status"] == "equal"
    wrong = judge(page, "logistic-hessian", r"\frac{1}{N}\sum_{n=1}^{N} q_n x_n^T x_n")
    assert wrong["status"] == "not-equal", wrong
    assert judge(page, "logistic-hessian", r"\nabla^2_w L")["status"] == "undecided"  # the page's own left side


def test_a_jacobian_is_written_and_judged(catalog):
    with_it = with_sides(catalog, "logistic-hessian", lambda: [Jacobian(Transpose(X) * X * w, w), Transpose(X) * X])
    data, page = boxes(with_it)
    assert judge(page, "logistic-hessian", r"X^T X")["status"] == "equal"
    assert judge(page, "logistic-hessian", r"2 X^T X")["status"] == "not-equal"


@pytest.fixture(scope="module")
def penalised(catalog):
    """The Hessian of L + ||w||^2: (1/N) X^T diag(q) X + 2 I, as the author's Poisson page writes its own."""
    with_it = with_sides(catalog, "logistic-hessian", lambda: [
        Hessian(lp.L() + notation.Norm(w) ** 2, w), Frac(1, N) * Transpose(X) * Diag(lp.q_all) * X + 2 * Identity(D)])
    return boxes(with_it)


def test_a_product_of_size_1_x_1_adds_to_a_matrix_of_size_1_x_1(penalised):
    """At N = 1, D = 1, X^T diag(q) X is a row times a column; the reader took it for a number and refused to add
    the 1 x 1 identity to it, so that every line, the page's own too, was "cannot evaluate the page's side"."""
    data, page = penalised
    entry = data["equations"][-1]
    assert entry["cases"][0]["indices"]["N"] == 1 and entry["cases"][0]["indices"]["D"] == 1
    for line in (entry["hint"], entry["right"], r"\frac{1}{N}\sum_{n=1}^{N} q_n x_n x_n^T + 2 I"):
        verdict = judge(page, "logistic-hessian", line)
        assert verdict["status"] == "equal", (line, verdict)
    verdict = judge(page, "logistic-hessian", r"\frac{1}{N}\sum_{n=1}^{N} q_n x_n x_n^T + I")
    assert verdict["status"] == "not-equal" and "counterexample" in verdict, verdict
    # a number where the page has a D x D matrix: a vector of one entry at D = 1, refused at a larger size
    verdict = judge(page, "logistic-hessian", r"\frac{1}{N}\sum_{n=1}^{N} q_n x_n^T x_n + 2")
    assert verdict["status"] == "not-equal", verdict


def test_the_interpreter_adds_a_1_x_1_matrix_and_a_number_and_refuses_a_longer_vector():
    from derivations.equations.interpret import ShapeError, add_values
    a = sp.Symbol("a")
    assert add_values(sp.Matrix([[a]]), 2, "x") == sp.Matrix([[a + 2]])
    assert add_values(2, sp.Matrix([[a]]), "x") == sp.Matrix([[a + 2]])
    with pytest.raises(ShapeError):
        add_values(sp.Matrix([a, a]), 2, "a vector added to a number")
    with pytest.raises(ShapeError):
        add_values(sp.Matrix([a, a]), sp.Matrix([[a, a]]), "x")


def test_an_equation_whose_data_cannot_be_written_gets_a_box_that_says_so(catalog, monkeypatch, capsys):
    """Never a crash of the build: the box says it cannot check, and the build names the page, the equation and its
    module line."""
    original = reader.encode

    def no_diag(tree):
        if isinstance(tree, sp.Basic) and tree.has(Diag):
            raise ValueError(f"no JSON form for Diag: {tree}")
        return original(tree)

    monkeypatch.setattr(reader, "encode", no_diag)
    data, page = boxes(catalog)
    said = capsys.readouterr().err
    assert "example-logistic.md" in said and "logistic-hessian" in said and "logistic_problem.py, line" in said, said
    entry = next(e for e in data["equations"] if e["id"] == "logistic-hessian")
    assert "no JSON form for Diag" in entry["unchecked"]
    verdict = judge(page, "logistic-hessian", entry["hint"])
    assert verdict["status"] == "undecided" and "cannot check" in verdict["message"], verdict
    assert judge(page, "logistic-gradient", data["equations"][0]["hint"])["status"] == "equal"
