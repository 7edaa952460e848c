"""What an author may declare, and what a declaration that cannot be checked says (issue 26, Deliver 4 and 6).

Every sympy function an author may write either has an evaluation rule (its
true identity passes, a wrong twin fails) or is refused when the equation is
declared, before any proof runs, naming the problem, the module line and the
function. A definition defines: its first side is a declared function applied
to its parameters, or a symbol the space computes. Two problems that declare one
name differently, or a module that makes no Problem of its own, are messages
naming both places, not tracebacks.
"""

from dataclasses import replace
import importlib
import itertools
import sys
import textwrap

import pytest
import sympy as sp

from derivations.equations import CATALOG, Catalog, Problem
from derivations.equations import points as pts
from derivations.equations.catalog import DeclarationError, ProblemError, discover
from derivations.equations.checks import check_equation
from derivations.equations.notation import Ind, SumOver, build
from derivations.equations.prover import prove_link
from derivations.equations.symbols import C, k, s, u, z

THIS = "test_declarations.py"
SCALAR = pts.scalar("u", [lambda rng: rng.uniform(-4, 4), 0.3, 1.7, -3.1, 2.5], kinks=(0.0, 2.0))


def statement(*sides, space=SCALAR, **options):
    eq = replace(CATALOG["hinge-derivative"], id="claim", kind="identity", sides=[build(lambda: side) for side in sides],
                 space=space, **options)
    return eq, CATALOG.replacing(eq)


def declare(sides, kind="identity", space=SCALAR, problem=None):
    problem = problem or Problem("problem-90.md", 90, "Declarations")
    return problem.equation("declared", kind, "a declaration", sides, space)  # the line the messages name


DECLARING_LINE = declare.__code__.co_firstlineno + 2


# -- every function an author may write has a rule: true identities pass, wrong twins fail ----------------------

FLOOR = "sympy cannot simplify floor(u) + ceiling(-u)"
TAN = "tan u has no value where cos u = 0"
IDENTITIES = {  # name: (true sides, wrong sides, space, proved for, prove)
    "Max and Min": ([sp.Max(u, 2) + sp.Min(u, 2), u + 2], [sp.Max(u, 2) + sp.Min(u, 2), u + 3], SCALAR, "all", True),
    "Heaviside": ([sp.Heaviside(u) + sp.Heaviside(-u), 1 + 0 * u], [sp.Heaviside(u), Ind(u > 0)], SCALAR, "all", True),
    "sign": ([sp.sign(u) * u, sp.Abs(u)], [sp.sign(u) * u, u], SCALAR, "all", True),
    "sin and cos": ([sp.sin(u) ** 2 + sp.cos(u) ** 2, 1 + 0 * u], [sp.sin(u) ** 2 + sp.cos(u) ** 2, sp.cos(2 * u)],
                    SCALAR, "all", True),
    # tan u cos u has no value where cos u = 0, where sin u has one: checked, never proved (the kernel's rule)
    "tan": ([sp.tan(u) * sp.cos(u), sp.sin(u)], [sp.tan(u) * sp.cos(u), sp.cos(u)], SCALAR, None, TAN),
    "sinh and cosh": ([sp.cosh(u) ** 2 - sp.sinh(u) ** 2, 1 + 0 * u], [sp.cosh(u) ** 2 + sp.sinh(u) ** 2, 1 + 0 * u],
                      SCALAR, "all", True),
    "tanh": ([sp.tanh(u) * sp.cosh(u), sp.sinh(u)], [sp.tanh(u), sp.sinh(u)], SCALAR, "all", True),
    "floor and ceiling": ([sp.floor(u) + sp.ceiling(-u), 0 * u], [sp.floor(u) + sp.floor(-u), 0 * u], SCALAR, None,
                          FLOOR),
    "Abs": ([sp.Abs(u) ** 2, u ** 2], [sp.Abs(u), u], SCALAR, "all", True),
    "exp and log": ([sp.log(sp.exp(u)), u], [sp.log(sp.exp(2 * u)), u], SCALAR, "all", True),
    "sqrt": ([sp.sqrt(u ** 2), sp.Abs(u)], [sp.sqrt(u ** 2), u], SCALAR, "all", True),
    "Product": ([sp.Product(sp.exp(s[k]), (k, 1, C)), sp.exp(SumOver(s[k], k, 1, C))],
                [sp.Product(sp.exp(s[k]), (k, 1, C)), sp.exp(SumOver(s[k], k, 2, C))], pts.logits(), "range", True),
    "And, Or and Not in an indicator": ([Ind(sp.And(u > 0, u < 2)) + Ind(sp.Or(u <= 0, u >= 2)), 1 + 0 * u],
                                        [Ind(sp.And(u > 0, sp.Not(u < 2))), Ind(u > 0)], SCALAR, "all", True),
}


@pytest.mark.parametrize("name", list(IDENTITIES))
def test_a_functions_true_identity_passes_and_its_wrong_twin_fails(name):
    # max(u, 2) + min(u, 2) = u + 2, sin^2 + cos^2 = 1, a product over classes, ... were refused: "side 1 cannot be
    # evaluated" (the evaluator had no rule for Min, Heaviside, sign, sin, ..., Product, And)
    right, wrong, space, proved, prove = IDENTITIES[name]
    record = check_equation(*statement(*right, space=space, prove=prove))
    assert record.result == "pass", record.message
    if prove is TAN:
        eq, catalog = statement(*right, space=space)
        assert prove_link(eq, 0, catalog).proved is False
    if proved == "all":
        assert record.proved_for == ["proved for all sizes"], record.proved_for
    elif proved == "range":  # the symbolic-size translation has no rule for a Product: size by size
        assert record.proved_for == ["proved for C = 2..5"], record.proved_for
    else:  # the prover cannot simplify floor and ceiling: checked at the points only, and said so
        assert record.mark == "checked" and "not proved" in record.proved_for[0], record.proved_for
    record = check_equation(*statement(*wrong, space=space, prove=prove))
    assert record.result == "fail" and "differ" in record.message, record.message


def test_a_sign_near_log_one_is_certified_in_every_new_rule():
    # sympy's evalf takes log(1 + 1e-200) as 0; sign, Heaviside, floor, ceiling, Min and Abs of a number decide it as
    # kernel.certified_sign, in the 40-digit values and in the prover (float64, the package's mode, cannot: it has 0)
    from derivations.equations.evaluate import Evaluator, Point

    with sp.evaluate(False):  # as an author's sides are built: sympy would decide each at once, by its own evalf
        tiny = sp.log(1 + sp.Rational(1, 10 ** 200))
        cases = ((sp.sign(tiny), 1), (sp.Heaviside(-tiny), 0), (sp.floor(-tiny), -1), (sp.ceiling(tiny), 1),
                 (sp.Min(tiny, 0), 0), (sp.Abs(-tiny) - tiny, 0))
    point = Point("u = 1/2", {}, {"u": 0.5})
    for left, right in cases:
        assert left.args, left  # kept as written
        assert float(Evaluator(point, "symbolic", CATALOG).value(left)) == right, left
        eq, catalog = statement(sp.Abs(u) + left, sp.Abs(u) + right)
        assert prove_link(eq, 0, catalog).proved, left
        eq, catalog = statement(sp.Abs(u) + left, sp.Abs(u) + right + 1)
        assert prove_link(eq, 0, catalog).refuted, left


# -- a function with no rule is refused at declaration ---------------------------------------------------------------

@pytest.mark.parametrize("make, name, fix", [
    (lambda: sp.erf(u), "erf", "named function (PROBLEM.function)"),
    (lambda: sp.Sum(s[k], (k, 1, C)), "Sum", "SumOver(body, k, lo, hi)"),
    (lambda: sp.Piecewise((u, u > 0), (0, True)), "Piecewise", "Ind(c) + b Ind(not c)"),
    (lambda: sp.Derivative(u ** 2, u), "Derivative", "Partial(f, v) or Grad(f, v)"),
    (lambda: sp.KroneckerDelta(k, C), "KroneckerDelta", "Ind(sp.Eq(j, k))"),
    (lambda: Ind(u), "Ind", "an indicator of a relation"),
    (lambda: sp.gamma(u) + sp.Max(u, 0), "gamma", "named function"),
], ids=["erf", "Sum", "Piecewise", "Derivative", "KroneckerDelta", "Ind-of-a-value", "gamma-inside"])
def test_a_function_with_no_rule_is_refused_at_declaration_naming_problem_line_and_function(make, name, fix):
    with pytest.raises(DeclarationError) as caught:
        declare(lambda: [u, make()])
    message = str(caught.value)
    assert message.startswith(f"{THIS}, line {DECLARING_LINE}: ValueError: side 2 uses {name} ("), message
    assert "which the checks cannot evaluate" in message and fix in message, message
    assert message.endswith("(Problem 90, problem-90.md, equation 'declared')"), message


# -- definitions define --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("head, why", [
    (lambda: sp.log(1 + sp.exp(z)), "is a log, a formula"),
    (lambda: z ** 2, "is a Pow, a formula"),
    (lambda: z, "z is a value the space gives (an input of its points)"),
], ids=["a-formula", "a-power", "an-input-of-the-space"])
def test_a_definition_whose_first_side_is_no_declared_name_is_refused_as_an_identity(head, why):
    # log(1 + e^z) = softplus-formula filed as a definition passed as "compared with the package" and was never proved
    with pytest.raises(DeclarationError) as caught:
        declare(lambda: [head(), sp.log(1 + sp.exp(z))], kind="definition", space=pts.binary())
    message = str(caught.value)
    assert f"line {DECLARING_LINE}" in message and why in message, message
    assert "file it as kind='identity', to be proved" in message, message


def test_the_sites_fourteen_definitions_define():
    from derivations.equations.catalog import _head_problem

    definitions = [eq for eq in CATALOG if eq.kind == "definition"]
    assert len(definitions) == 14
    assert [eq.id for eq in definitions if _head_problem(eq.sides[0], eq.space)] == []
    CATALOG.check_definitions()


def test_a_function_evaluates_through_its_own_definition_only():
    # a function declared with another function's definition evaluated as that function: G(z) = log(1 + e^z) was proved
    problem = Problem("problem-89.md", 89, "Borrowed definition")
    problem.function("G_borrowed", "G", "softplus", lambda v, index, ev, arg: 0.0)
    with pytest.raises(ProblemError, match=r"test_declarations\.py, line \d+: function 'G_borrowed' of Problem 89 "
                                           r"\(problem-89\.md\) is defined by 'softplus', whose first side is "
                                           r"softplus\(z\)"):
        Catalog([*CATALOG.problems, problem])
    # and a second "definition" of a function that has one is an identity
    from derivations.problems.problem1 import sigma

    other = Problem("problem-88.md", 88, "Second definition")
    other.equation("sigma-again", "definition", "sigma again", lambda: [sigma(z), 1 / (1 + sp.exp(-z))], pts.binary())
    with pytest.raises(ProblemError, match=r"equation 'sigma-again' of problem-88\.md is a definition of sigma, but its "
                                           r"declaration .* names 'sigmoid' as its definition.*kind='identity'"):
        Catalog([*CATALOG.problems, other])


def test_a_function_defined_by_an_equation_no_problem_declares_names_its_line():
    problem = Problem("problem-87.md", 87, "Dangling")
    problem.function("H_dangling", "H", "no-such-equation", lambda v, index, ev, arg: 0.0)
    with pytest.raises(ProblemError, match=r"test_declarations\.py, line \d+: function 'H_dangling' of Problem 87 "
                                           r"\(problem-87\.md\) is defined by 'no-such-equation', which no problem "
                                           r"declares"):
        Catalog([*CATALOG.problems, problem])


# -- two problems, one name ------------------------------------------------------------------------------------------

def two_declarations(package_a, package_b, tex_a="h", tex_b="h"):
    """Problem 86 declares h (defined by its equation h-shared), and Problem 85 declares h again."""
    first, second = Problem("problem-86.md", 86, "First"), Problem("problem-85.md", 85, "Second")
    h = first.function("h_shared", tex_a, "h-shared", package_a)
    first.equation("h-shared", "definition", "h", lambda: [h(z), z ** 3], pts.binary())
    second.function("h_shared", tex_b, "h-shared", package_b)
    return first, second


def cube(v, index, ev, arg):
    return float(ev(arg)) ** 3


def test_one_function_name_declared_by_two_problems_differently_is_a_message_naming_both():
    # a ValueError traceback ("declares 'h' differently from another problem") from deep in the catalog
    first, second = two_declarations(cube, lambda v, index, ev, arg: float(ev(arg)) ** 2)
    with pytest.raises(ProblemError) as caught:
        Catalog([*CATALOG.problems, first, second])
    message = str(caught.value)
    assert "'h_shared' is declared by Problem 86 (problem-86.md) (test_declarations.py, line" in message, message
    assert "and by Problem 85 (problem-85.md) (test_declarations.py, line" in message, message
    assert "which differ in the package code: one name prints and computes one function" in message, message
    # the LaTeX differs: the second page would print the first's function with the second's letter
    first, second = two_declarations(cube, cube, tex_b=r"\eta")
    with pytest.raises(ProblemError, match=r"which differ in the LaTeX \('h' and '\\\\eta'\)"):
        Catalog([*CATALOG.problems, first, second])


def test_one_function_declared_alike_by_two_problems_is_one_function():
    first, second = two_declarations(cube, lambda v, index, ev, arg: float(ev(arg)) ** 3)  # the same code, twice
    catalog = Catalog([*CATALOG.problems, first, second])
    assert catalog.functions["h_shared"].problem == "Problem 86 (problem-86.md)"


# -- problem modules -------------------------------------------------------------------------------------------------

def package_of(tmp_path, monkeypatch, modules):
    """A package of problem modules (name -> source) under tmp_path, importable under a name of its own."""
    name = f"problems_{abs(hash(tuple(sorted(modules.items())))) % 10 ** 8}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("", encoding="utf-8")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for loaded in [m for m in sys.modules if m.startswith(name)]:
        sys.modules.pop(loaded)
    importlib.invalidate_caches()
    return name


OWN = """\
    import sympy as sp
    from derivations.equations import Problem
    from derivations.equations import points as pts
    from derivations.equations.symbols import z
    {imports}
    PROBLEM = Problem("problem-84.md", 84, "Own")
    PROBLEM.equation("own-identity", "identity", "x", lambda: [z + z, 2 * z], pts.binary())
    {more}
"""


def test_a_module_that_imports_another_problem_is_its_own_problem(tmp_path, monkeypatch):
    # "must make exactly one Problem, found 2": a traceback, for a module that imports another problem's PROBLEM
    name = package_of(tmp_path, monkeypatch, {"problem84": OWN.format(
        imports="from derivations.problems.problem1 import PROBLEM as FIRST, sigma", more="")})
    catalog = discover(name)
    assert [p.page for p in catalog.problems] == ["problem-84.md"]


def test_a_module_with_two_problems_or_none_is_a_message(tmp_path, monkeypatch):
    name = package_of(tmp_path, monkeypatch, {"problem84": OWN.format(
        imports="", more='SECOND = Problem("problem-83.md", 83, "Second")')})
    with pytest.raises(ProblemError, match=r"problems/problem84\.py makes 2 Problems \(lines 6, 8\): a module of "
                                           r"derivations\.problems makes exactly one"):
        discover(name)
    name = package_of(tmp_path, monkeypatch, {"helper": "X = 1\n"})
    with pytest.raises(ProblemError, match=r"problems/helper\.py makes no Problem: .* a helper module's name starts "
                                           r"with _"):
        discover(name)


def test_a_refused_declaration_in_a_module_names_its_line_once(tmp_path, monkeypatch):
    name = package_of(tmp_path, monkeypatch, {"problem84": OWN.format(
        imports="", more='PROBLEM.equation("bad", "identity", "x", lambda: [sp.erf(z), z], pts.binary())')})
    with pytest.raises(ProblemError) as caught:
        discover(name)
    message = str(caught.value)
    assert message.startswith("problem84.py, line 8: ValueError: side 1 uses erf (erf(z))"), message
    assert message.count("line") == 1 and message.endswith("(Problem 84, problem-84.md, equation 'bad')"), message


@pytest.mark.parametrize("call, expected", [
    (lambda P: P.equation("e", "identity", "x", lambda: [z, z], pts.binary), "space must be a Space from "
     "derivations.equations.points, got function (call it: pts.binary(), not pts.binary)"),
    (lambda P: P.equation("e", "identity", "x", lambda: z + 1, pts.binary()), "sides must return a list of the sides"),
    (lambda P: P.equation("e", "identity", "x", lambda: [z, "z"], pts.binary()), "side 2 is the string 'z'"),
    (lambda P: P.equation("e", "identity", "x", lambda: [undefined_name, z], pts.binary()),  # noqa: F821
     "NameError: name 'undefined_name' is not defined, in sides()"),
    (lambda P: P.equation("e", "identiy", "x", lambda: [z, z], pts.binary()), "kind must be one of"),
    (lambda P: P.function("f", "f", None, 3), "package is a function package(values, index, evaluate, *arguments), "
     "got int"),
    (lambda P: P.function("f", "f", None, lambda v, index, ev: 0.0, gradients={"z": 1.0}),
     "gradients maps a variable's name to a function rule(values, index)"),
    (lambda P: P.function("f two", "f", None, None), "a function's name is an identifier"),
], ids=["space-not-called", "one-side", "a-string", "a-name-error", "a-misspelt-kind", "package-not-callable",
        "gradient-not-callable", "name-not-an-identifier"])
def test_a_bad_declaration_is_a_message_naming_the_problem_and_line(call, expected):
    problem = Problem("problem-82.md", 82, "Bad declarations")
    with pytest.raises(DeclarationError) as caught:
        call(problem)
    message = str(caught.value)
    line = call.__code__.co_firstlineno  # the line of the declaration (in the list above)
    assert message.startswith(f"{THIS}, line {line}: ") and expected in message, message
    assert "(Problem 82, problem-82.md, " in message, message
