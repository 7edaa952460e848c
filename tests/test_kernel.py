"""The trusted kernel, rule by rule: each rule proves a true instance and refuses a near miss.

The kernel (:mod:`derivations.equations.kernel`) is the only code that says "proved"; these tests call it with
obligations built by hand, so that a rule is tested without the translation, the regions or the store.
"""

import sympy as sp

from derivations.equations.kernel import Obligation, certified_sign, is_zero, prove
from derivations.equations.kernel import rules
from derivations.equations.kernel.feasible import infeasible
from derivations.equations.kernel.numbers import recheck_zero, simplified_zero

C, N = sp.symbols("C N", integer=True, positive=True)
j, k, p = sp.symbols("j k p", integer=True, positive=True)
u, v = sp.symbols("u v", real=True)
a, b = sp.IndexedBase("a", real=True), sp.IndexedBase("b", real=True)
y = sp.IndexedBase("y", integer=True, positive=True)
BOUNDS = {"j": sp.Symbol("C"), "k": sp.Symbol("C"), "p": sp.Symbol("C")}


# -- rename bound variables -------------------------------------------------------------------------------

def test_renaming_never_captures_a_free_depth_variable():
    # the body of an outer sum, met again when the kernel recurses into it, has the outer bound variable free: the
    # inner sum was renamed onto it, and only the diagonal of a double sum was compared
    outer = rules._DEPTH_POSITIVE[1]
    body = sp.Sum(a[outer] * b[k], (k, 1, C)) - sp.Sum(a[k] * b[k], (k, 1, C))
    renamed = rules.canonical_sums(body)
    assert outer not in renamed.atoms(sp.Sum).pop().variables
    assert not is_zero(body)


def test_a_double_sum_is_not_its_diagonal():
    double = sp.Sum(sp.Sum(a[j] * b[k], (k, 1, C)), (j, 1, C))
    diagonal_twice = sp.Sum(sp.Sum(a[k] * b[k], (k, 1, C)), (j, 1, C))
    assert not prove(Obligation(double - diagonal_twice, bounds=BOUNDS)).proved
    assert prove(Obligation(double - double.xreplace({j: p}), bounds=BOUNDS)).proved  # a bound name changes nothing


# -- linearity, one sum per range, constant terms, deltas -------------------------------------------------

def test_linearity_and_one_sum_per_range():
    lhs = sp.Sum(2 * a[k] + u * b[k], (k, 1, C))
    assert is_zero(lhs - 2 * sp.Sum(a[j], (j, 1, C)) - u * sp.Sum(b[j], (j, 1, C)))
    assert not is_zero(lhs - 2 * sp.Sum(a[j], (j, 1, C)) - u * sp.Sum(b[j], (j, 2, C)))  # another range


def test_constant_term_counts_the_range():
    assert prove(Obligation(sp.Sum(u, (k, 1, C)) - C * u, bounds=BOUNDS)).proved
    assert not prove(Obligation(sp.Sum(u, (k, 1, C)) - (C - 1) * u, bounds=BOUNDS)).proved
    # a range that may be reversed (2..C at C = 1 is empty, not -0 terms): only with the index facts
    assert prove(Obligation(sp.Sum(u, (k, 2, C)) - (C - 1) * u, bounds=BOUNDS)).proved


def test_a_delta_picks_its_term_only_inside_the_range():
    picked = sp.Sum(sp.KroneckerDelta(k, p) * a[k], (k, 1, C))
    assert prove(Obligation(picked - a[p], bounds=BOUNDS)).proved
    # p is not known to lie in 2..C: a case distinction is left, and refused
    shifted = sp.Sum(sp.KroneckerDelta(k, p) * a[k], (k, 2, C))
    verdict = prove(Obligation(shifted - a[p], bounds=BOUNDS))
    assert not verdict.proved and "case distinction" in verdict.reason


def test_delta_cases_and_distinct_indices():
    assert is_zero(sp.KroneckerDelta(j, p) * (a[j] - a[p]))  # case j = p: a_p - a_p
    assert not is_zero(sp.KroneckerDelta(j, p) * (a[j] - a[k]))
    # stated distinct: the delta is 0
    assert prove(Obligation(sp.KroneckerDelta(j, p) * u, bounds=BOUNDS, distinct=((j, p),))).proved
    assert not prove(Obligation(sp.KroneckerDelta(j, p) * u, bounds=BOUNDS)).proved


# -- range facts --------------------------------------------------------------------------------------------

def test_range_facts_are_decided_exactly():
    assert rules.implied(sp.Ge(j, 1), BOUNDS) and rules.implied(sp.Le(j, C), BOUNDS)
    assert not rules.implied(sp.Le(j, C - 1), BOUNDS)
    assert not rules.implied(sp.Ge(j, 2), BOUNDS)
    assert rules.implied(sp.Le(y[j], C), BOUNDS, ("y",)) and not rules.implied(sp.Lt(y[j], C), BOUNDS, ("y",))
    assert rules.implied(sp.And(sp.Ge(p, 1), sp.Le(p, C)), BOUNDS)
    assert not rules.implied(sp.Eq(j, 1), BOUNDS)  # only orderings are decided
    assert not rules.implied(sp.Le(j, N), BOUNDS)  # j runs to C, not to N


# -- atoms ----------------------------------------------------------------------------------------------------

def test_atoms_multilinear_and_idempotent():
    s1 = sp.Symbol("b1")
    assert is_zero(s1 ** 3 * u - s1 * u, signs=[s1])
    assert not is_zero(s1 * u - u, signs=[s1])  # false where b1 = 0


def test_impossible_assignments_are_skipped_only_when_shown():
    d = sp.Symbol("d", positive=True)
    b1, b2 = sp.symbols("b1 b2")
    conditions = {b1: ("sign", u - d), b2: ("sign", -u - d)}  # u > d and -u > d cannot both hold
    assert is_zero(b1 * b2 * u, signs=[b1, b2], conditions=conditions)
    assert infeasible([(u - d, ">"), (-u - d, ">")])
    assert not infeasible([(u - v, ">"), (-u - v, ">")])  # v may be negative
    assert not is_zero(b1 * b2 * u, signs=[b1, b2], conditions={b1: ("sign", u - v), b2: ("sign", -u - v)})


def test_an_equality_atom_is_split_in_its_two_cases():
    e = sp.Symbol("e1")
    assert is_zero(e * (u - v), signs=[e], conditions={e: ("equal", u - v)})
    assert not is_zero(e * (u - v + 1), signs=[e], conditions={e: ("equal", u - v)})


# -- defined everywhere ---------------------------------------------------------------------------------------

def test_a_removable_singularity_is_not_a_value():
    assert not is_zero((u ** 2 - 1) / (u - 1) - (u + 1))
    assert is_zero(sp.exp(u) / (1 + sp.exp(u)) - 1 / (1 + sp.exp(-u)))  # denominators that never vanish
    assert is_zero((1 - 1 / (1 + sp.exp(-u))) * (1 + sp.exp(u)) - 1)
    assert rules.undefined_at(1 / (u - 1)) == u - 1 and rules.undefined_at(1 / (u ** 2 + 1)) is None


def test_a_denominator_the_sides_divide_by_as_written_is_asked_even_where_sympy_cancelled_it():
    # u**3 * u**-1 is built as u**2: the difference holds no denominator, the obligation's list still does
    diff = u ** 3 / u - u ** 2
    assert diff == 0 and prove(Obligation(diff)).proved
    verdict = prove(Obligation(diff, denominators=(u,)))
    assert not verdict.proved and "the denominator u is not shown nonzero" in verdict.reason
    assert prove(Obligation((u ** 2 + 1) * u / (u ** 2 + 1) - u, denominators=(u ** 2 + 1, 1 + sp.exp(u)))).proved
    assert rules.undefined_among((sp.exp(u), u - 1)) == u - 1 and rules.undefined_among((sp.Integer(2),)) is None


# -- numbers --------------------------------------------------------------------------------------------------

def test_signs_are_certified_at_rising_precision():
    assert certified_sign(sp.exp(-1000)) == 1 and certified_sign(-sp.exp(-1000)) == -1
    assert certified_sign(sp.log(1 + sp.exp(-150))) == 1  # sympy's evalf says 0
    assert certified_sign(sp.exp(sp.Integer(700)) * 0 + sp.log(4) - 2 * sp.log(2)) == 0
    assert certified_sign(sp.sqrt(2) ** 2 - 2) == 0
    assert certified_sign(sp.pi - sp.Rational(355, 113)) == -1


def test_a_sign_without_simplify_is_not_told_where_only_simplify_shows_zero():
    """simplify=False (the reader at a steep exponential, where simplify's nsimplify ran for minutes): a value 0 to
    every precision is None, never 0; a sign the ladder tells is told as before."""
    zero = sp.log(6) - sp.log(2) - sp.log(3)
    assert certified_sign(zero) == 0 and certified_sign(zero, simplify=False) is None
    assert certified_sign(1 / (1 + sp.exp(-sp.Integer(10) ** 3)) - 1, simplify=False) == -1
    assert certified_sign(sp.exp(sp.Integer(3)) - sp.exp(sp.Integer(2)), simplify=False) == 1


def test_simplify_is_rechecked():
    assert simplified_zero(sp.sin(u) ** 2 + sp.cos(u) ** 2 - 1)
    assert not simplified_zero(sp.sin(u) ** 2 + sp.cos(u) ** 2 - 1 + sp.exp(-50))
    assert recheck_zero(sp.sin(u) ** 2 + sp.cos(u) ** 2 - 1)
    assert not recheck_zero(u - v)  # an expression that is not 0 is caught at a random point


def test_logs_are_exponentiated_only_when_real():
    from derivations.equations.kernel.numbers import logs_exponentiated_zero

    total = sp.exp(u) + sp.exp(v)
    assert logs_exponentiated_zero(sp.log(total) - u - sp.log(1 + sp.exp(v - u)))
    assert not logs_exponentiated_zero(sp.log(total) - u - sp.log(1 + sp.exp(v - u)) + sp.exp(-40))
    w = sp.Symbol("w")  # not known real: log(w^2) = 2 log(w) is not for it
    assert not logs_exponentiated_zero(sp.log(w ** 2) - 2 * sp.log(w))
    assert not logs_exponentiated_zero(sp.log(u ** 2) - 2 * sp.log(u))  # u may be negative: log(u) is no real


def test_atoms_as_reals_first():
    # an identity in any value of the atoms needs no split into assignments; one that holds only at 0/1 still
    # goes through the assignments (b**2 = b), and one false at some assignment is refused
    b1, b2 = sp.symbols("b1 b2")
    m = b1 * u + (1 - b1) * v
    assert is_zero(sp.log(sp.exp(u) + sp.exp(v)) - m - sp.log(sp.exp(u - m) + sp.exp(v - m)), signs=[b1])
    assert is_zero(sp.exp(b1 ** 2 * u) - sp.exp(b1 * u), signs=[b1])
    assert not is_zero(sp.exp(b1 * b2 * u) - sp.exp(b1 * u), signs=[b1, b2])


# -- inequalities (relation ">="): the rules of kernel.order -------------------------------------------------

def at_least(lhs, rhs, bounds=None, split=None):
    """The kernel's verdict on lhs >= rhs, max and indicators written as atoms by the regions (ties exact)."""
    from derivations.equations.regions import Regions

    regions = Regions(ties=True)
    diff = regions.rewrite(sp.sympify(lhs)) - regions.rewrite(sp.sympify(rhs))
    return prove(Obligation(diff, tuple(regions.variables), regions.is_atom, dict(regions.conditions),
                            bounds or {}, relation=">=", split=split)).proved


def ind(rel):
    return sp.Piecewise((1, rel), (0, True))


def test_atom_cases_with_linear_facts():
    # the hinge above its line through u with the slope 1(u > 0), or 1(u >= 0): each case by Fourier-Motzkin
    assert at_least(sp.Max(0, v), sp.Max(0, u) + ind(u > 0) * (v - u))
    assert at_least(sp.Max(0, v), sp.Max(0, u) + ind(u >= 0) * (v - u))
    assert not at_least(sp.Max(0, v), sp.Max(0, u) + 2 * ind(u > 0) * (v - u))  # a slope outside 0..1
    assert at_least(sp.Max(u, v), u) and at_least(sp.Max(u, v), v)  # convexity of max: max(a, b) >= a
    assert not at_least(sp.Max(u, v), u + sp.Rational(1, 100))


def test_strict_and_non_strict_at_equality():
    assert at_least(ind(u >= 0), ind(u > 0))
    assert not at_least(ind(u > 0), ind(u >= 0))  # false at u = 0 only


def test_products_are_variables_of_the_linear_facts():
    # max(0, u v) >= u v: the case u v <= 0 with u v one real variable
    assert at_least(sp.Max(0, u * v), u * v)
    assert not at_least(sp.Max(0, u * v), u * v + sp.Rational(1, 10 ** 9))


def test_real_roots_of_a_polynomial():
    from derivations.equations.kernel.order import polynomial_nonnegative

    assert at_least((u - 3) ** 2, 0) and at_least(u ** 4 - 2 * u ** 2 + 1, 0)
    assert not at_least((u - 3) ** 2 - sp.Rational(1, 10 ** 6), 0)  # negative within 1e-3 of 3
    assert at_least(u ** 4 + 1, u ** 3 / 1000) and not at_least(u ** 2, u ** 3 / 1000)  # false beyond u = 1000
    x = sp.Symbol("x", positive=True)
    assert polynomial_nonnegative(x ** 3 + x, x) and not polynomial_nonnegative(u ** 3 + u, u)



def test_monotone_in_one_variable():
    # f(a) >= 0 at a = 0 or 1, f' >= 0 above a and <= 0 below it, f' decided by the same rules (to four derivatives)
    x, w = sp.Symbol("x", positive=True), sp.Symbol("w", nonnegative=True)
    assert at_least(sp.exp(u), 1 + u) and at_least(x - 1, sp.log(x)) and at_least(x * sp.log(x), x - 1)
    assert not at_least(sp.exp(u), 1 + sp.Float(1.01) * u)  # false near u = 0.00995
    assert not at_least(x - sp.Rational(101, 100), sp.log(x))  # false at x = 1
    assert at_least(sp.exp(w), 1 + w + w ** 2 / 2) and at_least(sp.exp(w), 1 + w + w ** 2 / 2 + w ** 3 / 6)
    assert not at_least(sp.exp(u), 1 + u + u ** 2 / 2)  # for every real u: false for u < 0
    assert at_least(sp.log(1 + w), w - w ** 2 / 2) and not at_least(sp.log(1 + w), w - w ** 2 / sp.Rational(201, 100))
    assert not at_least(u - 1, sp.log(u))  # log u is no real number for u <= 0: not smooth, not decided
    assert at_least(sp.exp(u), sp.E * u) and not at_least(sp.exp(u), sp.E * u + sp.Rational(1, 10 ** 9))

def test_nonnegative_terms_and_numbers():
    assert at_least(sp.exp(u) + u ** 2, 0)
    assert not at_least(sp.exp(u), 1)  # below 1 for u < 0: not shown
    assert at_least(sp.Max(0, u) + sp.exp(-50), u)  # a nonnegative number dropped
    assert not at_least(sp.Max(0, u), u + sp.exp(-50))  # off by e^-50 wherever u >= 0


def test_termwise_sums_and_range_facts():
    assert at_least(sp.Sum(a[k] ** 2, (k, 1, C)), 0, BOUNDS)
    assert not at_least(sp.Sum(a[k] ** 2 - sp.Rational(1, 100), (k, 1, C)), 0, BOUNDS)
    hinge = sp.Sum(sp.Max(0, b[k]) - sp.Max(0, a[k]) - ind(a[k] > 0) * (b[k] - a[k]), (k, 1, C))
    assert at_least(hinge, 0, BOUNDS)  # every term >= 0, its atoms at the bound index
    assert not at_least(hinge - sp.Sum(ind(a[k] > 0) * (b[k] - a[k]), (k, 1, C)), 0, BOUNDS)
    assert at_least(C ** 2, sp.Sum(1, (k, 1, C)), BOUNDS)  # C^2 >= C for every size C >= 1
    assert not at_least(5, sp.Sum(1, (k, 1, C)), BOUNDS)  # false from C = 6 on


def test_parts_are_used_only_where_they_add_up():
    # 7 hinges of 2 atoms each: 2^14 cases together (more than the kernel tries), 7 * 2^2 in parts
    from derivations.equations.prover import separate_atoms

    us, vs = sp.symbols("u1:8", real=True), sp.symbols("v1:8", real=True)
    terms = [sp.Max(0, q) - sp.Max(0, p) - ind(p > 0) * (q - p) for p, q in zip(us, vs)]
    assert at_least(sp.Add(*terms), 0, split=separate_atoms)
    assert not at_least(sp.Add(*terms), 0)  # no parts: too many cases, not proved (never guessed)
    wrong = sp.Add(*terms[:-1]) + terms[-1] - ind(us[-1] > 0) * (vs[-1] - us[-1])
    assert not at_least(wrong, 0, split=separate_atoms)
    # parts that leave out what is negative do not add up: not used
    assert not at_least(wrong, 0, split=lambda e, atoms: [e + ind(us[-1] > 0) * (vs[-1] - us[-1]), sp.Integer(0)])


def test_a_sign_function_has_its_condition_at_other_indices():
    from derivations.equations.kernel.order import condition_of

    f = sp.Function("b1")
    conditions = {f(j): ("sign", a[j] - 1)}
    assert condition_of(f(k), conditions) == ("sign", a[k] - 1)
    assert condition_of(sp.Function("b2")(k), conditions) is None


# -- size -------------------------------------------------------------------------------------------------------

def kernel_code_lines():
    """{file: code lines} of the kernel package: lines that are not blank, not comments and not in a module's,
    class's or function's docstring."""
    import ast
    import pathlib

    from derivations.equations import kernel

    counts = {}
    for path in sorted(pathlib.Path(kernel.__file__).parent.glob("*.py")):
        source = path.read_text()
        docstrings = set()
        for node in ast.walk(ast.parse(source)):
            body = getattr(node, "body", None)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body and \
                    isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and \
                    isinstance(body[0].value.value, str):
                docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
        counts[path.name] = sum(1 for n, line in enumerate(source.splitlines(), 1) if line.strip() and
                                not line.strip().startswith("#") and n not in docstrings)
    return counts


def test_the_kernel_is_small():
    # the bound: a kernel one can read in an afternoon, at most about 600 lines of code
    counts = kernel_code_lines()
    assert sum(counts.values()) <= 600, counts


def test_a_delta_of_a_bound_index_is_no_one_case():
    # delta(y_k, 1) inside a sum over k is 1 for some k and 0 for others: the two cases "0 for every k" and "1 for
    # every k" do not cover it. T U - T^2 (T = sum_k delta(y_k, 1) a_k, U = sum_k a_k) is 0 in both, yet -2 at
    # C = 2, y = (1, 2), a = (1, -2); it was proved >= 0 when the inequality rules split such a delta
    t = sp.Sum(sp.KroneckerDelta(y[k], 1) * a[k], (k, 1, C))
    u_sum = sp.Sum(a[j], (j, 1, C))
    assert not prove(Obligation(t * u_sum - t ** 2, bounds=BOUNDS, labels=("y",), relation=">=")).proved
    assert prove(Obligation(sp.Sum(sp.KroneckerDelta(y[k], 1) * a[k] ** 2, (k, 1, C)), bounds=BOUNDS,
                            labels=("y",), relation=">=")).proved  # each term >= 0 in both its cases
    assert rules.free_delta(t) is None and rules.free_delta(sp.KroneckerDelta(j, p) * t) == sp.KroneckerDelta(j, p)


def test_a_renamed_bound_variable_takes_no_range_from_an_index_of_its_name():
    """Before: canonical_sums renames bound variables to Dummies k0, k1, ..., and implied() looked ranges up by name,
    so an author's index k1 bounded by C gave the sum's k1 (ranging over 1..N) the bound C: C + 2 - k1 >= 0 was
    "implied" and a false inequality proved for all sizes."""
    from derivations.equations.kernel.rules import implied

    C = sp.Symbol("C", integer=True, positive=True)
    author = sp.Symbol("k1", integer=True, positive=True)
    renamed = sp.Dummy("k1", integer=True, positive=True)
    assert implied(sp.Ge(C + 2 - author, 0), {"k1": C})  # the author's k1 in 1..C: C + 2 - k1 >= 2
    assert not implied(sp.Ge(C + 2 - renamed, 0), {"k1": C})  # another k1, of no known range
    assert not implied(sp.Ge(sp.Dummy("n", integer=True), 1), {})  # an integer not known positive is no index
