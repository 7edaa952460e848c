"""Inequalities go to the prover: false ones are refused with their reason, each beside a true twin that is proved
(the issue "Proved that a reader can trust", deliver 4, and "What the page prints is what was proved", deliver 6).

Before, an inequality was compared at its sample points only: each false statement here passed as "checked
numerically" where its samples never reach the place it fails, and no true one was ever proved.
"""

from dataclasses import replace

import sympy as sp

from derivations.equations import CATALOG
from derivations.equations import points as pts
from derivations.equations.checks import check_equation
from derivations.equations.notation import Ind, SumOver, build
from derivations.equations.prover import prove_link
from derivations.equations.symbols import C, k, u

exp = sp.exp
SMALL = pts.scalar("u", [lambda rng: rng.normal(), 2.5, -1.3, 0.4], kinks=[0.0])  # never beyond |u| = 10


def inequality(*sides, space=SMALL, base="hinge-derivative", **options):
    eq = replace(CATALOG[base], sides=[build(lambda: sp.sympify(side)) for side in sides], space=space,
                 kind="inequality", prove=True, **options)
    return eq, CATALOG.replacing(eq)


def refused(*sides, where=None, **options):
    """The prover finds a point with side 1 below side 2 (at ``where`` if given), and the check fails."""
    eq, catalog = inequality(*sides, **options)
    proof = prove_link(eq, 0, catalog)
    assert proof.refuted and "below side 2" in proof.reason, proof
    if where:
        assert where in proof.reason.replace(" ", ""), proof.reason
    record = check_equation(eq, catalog)  # a sampled point out of order is shown first, else the prover's witness
    assert record.result == "fail" and ("below side 2" in record.message or "not in order (>=)" in record.message), \
        record.message
    return proof


def proved(*sides, **options):
    eq, catalog = inequality(*sides, **options)
    proof = prove_link(eq, 0, catalog)
    assert proof.proved and proof.category == "all sizes", proof
    return eq, catalog


def test_false_only_beyond_1e3():
    # u^2 >= u^3 / 1000 fails for u > 1000 only: the samples (|u| < 10) passed it
    refused(u ** 2, u ** 3 / 1000)
    proved(u ** 4 + 1, u ** 3 / 1000)
    # a gate that opens at u = 2000
    refused(sp.Integer(1), 2 * Ind(u > 2000), space=pts.scalar("u", [lambda rng: rng.normal(), 2.5], kinks=[2000.0]))
    proved(sp.Integer(1), Ind(u > 2000), space=pts.scalar("u", [lambda rng: rng.normal(), 2.5], kinks=[2000.0]))


def test_false_only_at_a_kink():
    # |u| >= 1(u = 0) fails at u = 0 only
    refused(sp.Abs(u), Ind(sp.Eq(u, 0)), where="u=0")
    proved(sp.Abs(u) + Ind(sp.Eq(u, 0)), Ind(sp.Eq(u, 0)))


def test_strict_and_non_strict_at_equality():
    refused(Ind(u > 0), Ind(u >= 0), where="u=0")
    eq, catalog = proved(Ind(u >= 0), Ind(u > 0))
    record = check_equation(eq, catalog)
    assert record.result == "pass" and record.mark == "all sizes", record.message
    assert record.proved_for == ["proved for all sizes"]  # ties included: no "off the kinks"


def test_false_only_from_c_6():
    # 5 >= sum_{k=1}^{C} 1 holds for the space's sizes C = 2..5 and fails from C = 6: the difference at symbolic size
    # is evaluated at sizes past the range
    space = pts.logits(index="k")
    proof = refused(sp.Integer(5), SumOver(sp.Integer(1), k, 1, C), space=space, base="ce-logsumexp")
    assert "C=6" in proof.reason.replace(" ", ""), proof.reason
    proved(C ** 2, SumOver(sp.Integer(1), k, 1, C), space=space, base="ce-logsumexp")


def test_off_by_a_tiny_number():
    # max(0, u) >= u + e^-50 fails by e^-50 wherever u >= 0; by e^-100 the 37-digit comparison of the samples
    # cannot see it at all
    refused(sp.Max(0, u), u + exp(-50))
    refused(sp.Max(0, u), u + exp(-100))
    proved(sp.Max(0, u) + exp(-100), u)


def test_monotone_in_one_variable_is_proved():
    # e^u >= 1 + u: e^0 = 1, and e^u - 1 >= 0 above 0 and <= 0 below it (kernel rule *monotone*)
    eq, catalog = inequality(exp(u), 1 + u)
    assert prove_link(eq, 0, catalog).category == "all sizes"
    eq, catalog = inequality(exp(u), 1 + sp.Rational(101, 100) * u)  # false near u = 0.00995
    assert not prove_link(eq, 0, catalog).proved


def test_undecided_stays_checked_and_says_so():
    # e^u >= e^2 (u - 1), the tangent at 2, is true, but no rule of the kernel decides it (rule *monotone* tries
    # the points 0 and 1 only): checked numerically, and the mark says so
    eq, catalog = inequality(exp(u), sp.exp(2) * (u - 1))
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and not proof.refuted, proof
    record = check_equation(eq, catalog)
    assert record.result == "pass" and record.mark == "checked", record
    assert record.proved_for[0].startswith("an inequality: checked numerically at every point; not proved")


def test_a_subgradient_with_a_slope_outside_0_to_1_is_refused():
    hinge = CATALOG["hinge-subgradient"]
    u_, v_ = (sp.Symbol(n, real=True) for n in "uv")
    eq, catalog = inequality(sp.Max(0, v_), sp.Max(0, u_) + 2 * Ind(u_ > 0) * (v_ - u_), space=hinge.space,
                             base="hinge-subgradient")
    proof = prove_link(eq, 0, catalog)
    assert proof.refuted and "below side 2" in proof.reason, proof
    assert prove_link(hinge, 0, CATALOG).category == "all sizes"


def test_the_sum_rule_needs_the_slope_in_column_y_i_too():
    # each hinge's slope on the score of class j only (the - on the score of y_i left out) gives no line under L_i
    true = CATALOG["svm-sample-subgradient"]
    lhs, rhs = true.sides
    column_j_only = sp.Add(*[term for term in sp.Add.make_args(rhs) if not term.could_extract_minus_sign()])
    assert column_j_only != rhs
    eq = replace(true, sides=[lhs, column_j_only])
    proof = prove_link(eq, 0, CATALOG.replacing(eq))
    assert proof.refuted and "below side 2" in proof.reason, proof
    assert prove_link(true, 0, CATALOG).category == "all sizes"
