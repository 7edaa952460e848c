"""Messages an author can act on (issue 30, Deliver 6): the formula as the page prints it, the module line of the
side that is wrong, and the change to make; a module written against the previous guide (no shapes=, no kink
point at r = 0) is told the declaration that mends it."""

import importlib.util
from pathlib import Path
import re

import numpy as np
import pytest
import sympy as sp

from derivations.equations import CATALOG, Catalog, Problem
from derivations.equations import points as pts
from derivations.equations.catalog import DeclarationError
from derivations.equations.checks import check_equation
from derivations.equations.ledger import problems, with_conditions

ROOT = Path(__file__).resolve().parents[1]
RIDGE = (ROOT / "examples" / "adding-a-derivation" / "ridge.py").read_text(encoding="utf-8")
SHAPES = '''                  shapes={"X": ("N", "D"), "x": ("D",), "w": ("D",), "y": ("N",), "v": ("D",)})'''


def load(tmp_path, text, name):
    """The guide's ridge example as an older author wrote it, loaded as a module of its own (own page and names)."""
    text = text.replace('"example-ridge.md", "R"', f'"example-{name}.md", "{name}"')
    text = text.replace('"L_ridge"', f'"L_{name}"').replace('PROBLEM.function("huber"', f'PROBLEM.function("huber_{name}"')
    for eq_id in ("ridge-loss", "ridge-gradient", "ridge-minimiser", "ridge-stationary", "huber-derivative", "huber"):
        text = text.replace(f'"{eq_id}"', f'"{name}-{eq_id}"')
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_module_without_shapes_is_told_the_shapes_to_declare(tmp_path):
    assert SHAPES in RIDGE
    old = RIDGE.replace('bold=("y", "v"),\n' + SHAPES, 'bold=("y", "v"))')
    with pytest.raises(DeclarationError) as refused:  # before: "the terms of X*w - y have different shapes: [(), (N, D)]"
        load(tmp_path, old, "old1")
    message = str(refused.value)
    assert message.startswith("old1.py, line ")
    # its first equation uses x_i (a row of X) and w whole; y only entry by entry (y_i)
    assert ("X, x, w are vectors or matrices of the space regression(), whose shape this problem does not "
            "declare, so the shapes of the sides cannot be read: add {'X': ('N', 'D'), 'x': ('D',), 'w': ('D',)} "
            "to Problem(..., shapes=...) (Problem old1, example-old1.md, equation 'old1-ridge-loss')") in message
    # those declared, the minimiser v (a derived value of the space) is named with its shape, read from its points
    some = RIDGE.replace(SHAPES, SHAPES.replace(', "v": ("D",)', ""))
    with pytest.raises(DeclarationError, match=re.escape("v is a vector or matrix of the space regression(), whose "
                                                         "shape this problem does not declare, so the shapes of the "
                                                         "sides cannot be read: add {'v': ('D',)} to Problem(..., "
                                                         "shapes=...)")):
        load(tmp_path, some, "old2")


def test_a_kink_no_point_visits_is_told_where_it_is_and_how_to_add_it(tmp_path):
    old = RIDGE.replace("kinks=lambda d: (d, -d, 0.0))", "kinks=lambda d: (d, -d))")
    assert old != RIDGE
    module = load(tmp_path, old, "old3")
    catalog = Catalog([*CATALOG.problems, module.PROBLEM])
    record = check_equation(catalog["old3-huber"], catalog)
    assert record.result == "unchecked"
    assert record.message.endswith(r"; \left|{r}\right| is at r = 0: add 0 to the kinks of "
                                   r"scalar_with_parameter('r', 'delta'): kinks=lambda delta: (..., 0)"), record.message


def test_a_shape_error_prints_the_formula_as_the_page_does_and_the_line_of_the_side():
    X, w, y = sp.symbols("X w y")
    problem = Problem("problem-89.md", 89, "Shapes", bold=("y",),
                      shapes={"X": ("N", "D"), "w": ("D",), "y": ("N",)})
    eq = problem.equation(
        "wrong-shapes", "identity", "a residual minus the weights",
        lambda: [
            X * w - y,
            X * w - w,  # the wrong side: (N) minus (D)
        ],
        pts.regression())
    catalog = Catalog([*CATALOG.problems, problem])
    record = check_equation(catalog["wrong-shapes"], catalog)
    assert record.result == "fail"
    # LaTeX as the page prints it, never sympy's X*w - w
    # each term named with its shape (before: "have different shapes: (D), (N)", which term was which untold)
    assert (r"side 2 has no shape: the terms of \mathbf{X} \mathbf{w} - \mathbf{w} have different shapes: "
            r"\mathbf{X} \mathbf{w} is (N); - \mathbf{w} is (D)") in record.message, record.message
    first = eq.source[1]
    assert eq.side_lines == (first + 3, first + 4)
    report = problems({"equations": [with_conditions(record.as_dict(), eq, catalog)], "page_problems": []})[0]
    assert report.endswith(f"written at src/derivations/test_author_messages.py:{first}; side 2 at "
                           f"src/derivations/test_author_messages.py, line {first + 4}"), report


def test_a_space_with_an_array_of_no_known_size_names_what_to_declare():
    """A space of the author's own whose sizes are always alike (N = D = 2): which one v runs over is asked for."""
    v = sp.Symbol("v")
    space = pts.Space(lambda rng: [pts.Point("random", {"N": 2, "D": 2}, {"v": np.ones(2)})],
                      lambda sizes, free: iter([pts.Point("N=D=2", {"N": 2, "D": 2}, {"v": np.zeros(2)})]),
                      {"N": (2,), "D": (2,)}, {}, name="ones")
    problem = Problem("problem-79.md", 79, "Unknown sizes")
    with pytest.raises(DeclarationError, match=re.escape("v is a vector or matrix of the space ones, whose shape this "
                                                         "problem does not declare, so the shapes of the sides cannot "
                                                         "be read: declare them in Problem(..., shapes=...) (and the "
                                                         "shape of v in sizes, such as ('D',))")):
        problem.equation("v-twice", "identity", "v", lambda: [v + v, 2 * v], space)


@pytest.mark.parametrize("sides, said", [
    (lambda x, w, n, d: [x[n, d] * w[d], w[d] * x[n, d]],
     r"x\[n, d\] indexes x twice, but x is a row of X \(rows=\{'x': 'X'\}\): x\[n\] is a whole vector; an entry "
     r"of X is IndexedBase\('X'\)\[n, d\]"),
    (lambda x, w, n, d: [w[n, d], w[n, d]], r"w\[n, d\] has 2 indices, but shapes= declares w of shape \('D',\)"),
], ids=["a row indexed twice", "a vector indexed twice"])
def test_an_entry_with_more_indices_than_its_array_is_refused_at_declaration(sides, said):
    """Before: x[n, d], with x a row of X, was read as the vector x_n, and the checks said only "the terms of ... have
    different shapes: a scalar, (D)" (a new author's Poisson regression, #30)."""
    n, d = sp.symbols("n d", integer=True, positive=True)
    x, w = sp.IndexedBase("x"), sp.IndexedBase("w")
    mine = Problem("example-entries.md", "E", "Entries", rows={"x": "X"},
                   shapes={"X": ("N", "D"), "x": ("D",), "w": ("D",)})
    with pytest.raises(DeclarationError, match=said):
        mine.equation("entries", "identity", "an entry", lambda: sides(x, w, n, d),
                      pts.regression(indices={"n": "N", "d": "D"}))


def test_a_problem_module_imported_first_is_told_to_import_the_catalog_first():
    """Before: `python -c "import derivations.problems.problem2"` said "problems/problem2.py makes no Problem",
    though it does: its own import of derivations.equations gathered the problems and found it half-made."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", "import derivations.problems.problem2"], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode != 0
    assert "problems/problem2.py was imported first" in run.stderr and "from derivations.equations import CATALOG" \
        in run.stderr, run.stderr[-500:]
    assert "makes no Problem" not in run.stderr


def test_verify_reports_a_worked_example_the_build_would_refuse(monkeypatch):
    """Before: an equation in EXAMPLE whose value could not be computed stopped the build, while `derivations verify
    --page` said "0 problems on the pages" (a new author's Hessian). Verify now computes the example tables too."""
    from derivations.cli import _example_problems
    from derivations.problems import problem2

    root = Path(__file__).resolve().parents[1]
    assert _example_problems(CATALOG, root / "docs", {"problem-2.md"}) == []
    monkeypatch.setattr(problem2, "EXAMPLE", (*problem2.EXAMPLE, "svm-batch-gradient"))
    found = _example_problems(CATALOG, root / "docs", {"problem-2.md"})
    assert len(found) == 1 and "svm-batch-gradient" in found[0], found
