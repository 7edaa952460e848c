"""A property of the kernel: whatever it proves zero is zero.

Hypothesis builds small expressions of the notation's kinds (sums over 1..C, nested sums, Kronecker deltas of
indices, products, powers, exponentials) and a second expression that is either a value-keeping rewrite of the
first (renamed bound variables, a constant factor taken out, terms reordered) or a near miss (an index swapped, a
constant changed, a term dropped). Whenever the kernel proves the difference zero at symbolic size, the difference
is evaluated exactly at concrete sizes C = 1..4 and random rational values, and must be zero there. A failure is
shown shrunk by hypothesis to its smallest expressions.
"""

import random

from hypothesis import HealthCheck, given, settings, strategies as st
import sympy as sp

from derivations.equations.kernel import Obligation, prove
from derivations.equations.summation import expand_finite_sums

C = sp.Symbol("C", integer=True, positive=True)
j, k, l = (sp.Symbol(n, integer=True, positive=True) for n in "jkl")
a, b = sp.IndexedBase("a", real=True), sp.IndexedBase("b", real=True)
u = sp.Symbol("u", real=True)
BOUNDS = {"j": sp.Symbol("C"), "k": sp.Symbol("C"), "l": sp.Symbol("C")}


def leaves(indices):
    return st.sampled_from([u, sp.Integer(1), sp.Integer(2), sp.Integer(-1)] +
                           [base[i] for base in (a, b) for i in indices])


def terms(indices, depth=2):
    if depth == 0:
        return leaves(indices)
    inner = terms(indices, depth - 1)
    return st.one_of(
        leaves(indices),
        st.tuples(inner, inner).map(lambda p: p[0] + p[1]),
        st.tuples(inner, inner).map(lambda p: p[0] * p[1]),
        inner.map(lambda e: sp.exp(e) if e.is_number is not True else e),
        st.tuples(inner, st.sampled_from(indices), st.sampled_from(indices)).map(
            lambda p: sp.KroneckerDelta(p[1], p[2]) * p[0]),
    )


@st.composite
def statements(draw):
    """(an expression with j free, summed over k and sometimes over l inside it)."""
    body = draw(terms([j, k, l] if draw(st.booleans()) else [j, k]))
    if body.has(l):
        body = sp.Sum(body, (l, 1, C))
    return sp.Sum(body, (k, 1, C)) + draw(terms([j], 1))


def rewritten(expr, rng):
    """A value-keeping rewrite of ``expr`` (True) or a near miss (False), chosen at random."""
    choice = rng.randrange(6)
    if choice == 0:
        return expr.xreplace({k: sp.Symbol("q", integer=True, positive=True)}), True  # k is bound: renaming it keeps
    if choice == 1:
        return sp.expand(2 * expr) / 2, True
    if choice == 2:
        return expr.xreplace({j: k}) if expr.has(j) else expr + 1, False  # a free index captured, or an offset
    if choice == 3:
        return expr.xreplace({a: b}) if expr.has(a) else expr * 2, False
    if choice == 4:
        args = sp.Add.make_args(expr)
        return (sp.Add(*args[1:]) if len(args) > 1 else expr + u), False
    return expr.xreplace({sp.Integer(2): sp.Integer(3)}) if expr.has(sp.Integer(2)) else expr - u, False


def concrete_difference(diff, size, rng):
    values = {u: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5))}
    at = expand_finite_sums(diff.xreplace({C: size}))
    for node in at.atoms(sp.Indexed):
        values[node] = sp.Rational(rng.randint(-9, 9), rng.randint(1, 5))
    return at.xreplace(values)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(statements(), st.integers(0, 10 ** 6))
def test_what_the_kernel_proves_is_zero_at_every_concrete_size(expr, seed):
    rng = random.Random(seed)
    other, _ = rewritten(expr, rng)
    diff = expr - other
    if not prove(Obligation(diff, bounds=BOUNDS)).proved:
        return
    for size in (1, 2, 3, 4):
        for jv in range(1, size + 1):
            value = sp.simplify(concrete_difference(diff.xreplace({j: jv}), size, rng))
            assert value == 0, f"proved, but at C = {size}, j = {jv} the difference is {value}: {expr} vs {other}"


def test_the_property_sees_a_false_proof():
    # the check itself: a kernel that called everything zero would be caught on the first near miss
    rng = random.Random(1)
    expr = sp.Sum(a[k] * b[j], (k, 1, C))
    other = expr.xreplace({j: k})
    diff = expr - other
    assert any(sp.simplify(concrete_difference(diff.xreplace({j: 1}), size, rng)) != 0 for size in (2, 3))
