"""False statements of the classes the kernel and its second route now refuse, each with the reason asserted, and
a true twin that must pass (the issue "Proved that a reader can trust").

Each was "proved for all sizes" or passed as checked on the engine before the kernel became a package of its
own with a second route (the test names what it did then).
"""

from dataclasses import replace

import pytest
import sympy as sp

from derivations.equations import CATALOG
from derivations.equations import points as pts
from derivations.equations.checks import check_equation
from derivations.equations.notation import Frac, Ind, SumOver, build
from derivations.equations.prover import prove_link
from derivations.equations.regions import Regions
from derivations.equations.symbols import C, j, k, s, u, z

exp, log = sp.exp, sp.log


def statement(*sides, space, kind="identity", base="ce-logsumexp", **options):
    eq = replace(CATALOG[base], sides=[build(lambda: side) for side in sides], space=space, kind=kind, **options)
    return eq, CATALOG.replacing(eq)


def test_a_double_sum_is_not_compared_on_its_diagonal_only():
    # sum_j sum_k e^{s_j s_k} = sum_j sum_k e^{s_k s_k} was "proved for all sizes": the inner sum was renamed
    # onto the outer bound variable when the kernel recursed into the outer body, so only j = k was compared
    double = SumOver(SumOver(exp(s[j] * s[k]), k, 1, C), j, 1, C)
    eq, catalog = statement(double, SumOver(SumOver(exp(s[k] * s[k]), k, 1, C), j, 1, C), space=pts.logits())
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and proof.refuted and "differ" in proof.reason, proof
    twin, twin_catalog = statement(double, SumOver(SumOver(exp(s[k] * s[j]), k, 1, C), j, 1, C), space=pts.logits())
    assert prove_link(twin, 0, twin_catalog).proved


def test_a_fixed_size_in_the_sides_is_proved_for_that_size_only():
    # a space fixed to C = 2 proved sum_{k<=C} e^{s_k} = e^{s_1} + e^{s_2} "for all sizes"; the page printed C
    fixed = pts.logits(classes=(2,), fixed=True)
    eq, catalog = statement(SumOver(exp(s[k]), k, 1, C), exp(s[1]) + exp(s[2]), space=fixed)
    proof = prove_link(eq, 0, catalog)
    assert proof.proved and proof.category == "range" and "C = 2" in proof.scope, proof
    assert check_equation(eq, catalog).mark == "range"


def test_a_removable_singularity_is_no_value():
    # (u^2 - 1)/(u - 1) = u + 1 was "proved for all sizes" (cancelled) and passed: at u = 1 the left side is 0/0
    space = pts.scalar("u", [lambda rng: rng.normal(), 2.5])
    eq, catalog = statement(Frac(u ** 2 - 1, u - 1), u + 1, space=space, base="bce-logits")
    proof = prove_link(eq, 0, catalog)
    assert not (proof.proved and proof.category == "all sizes"), proof
    record = check_equation(eq, catalog)
    assert record.result == "fail" and "no value at u = 1" in record.message, record.message
    twin, twin_catalog = statement(Frac(u ** 2 - 1, u ** 2 + 1), 1 - Frac(2, u ** 2 + 1), space=space,
                                   base="bce-logits")
    assert check_equation(twin, twin_catalog).result == "pass"


@pytest.mark.parametrize("offset", [exp(-1000), exp(-200) * z ** 2])
def test_a_difference_below_37_digits_is_a_difference(offset):
    # z + e^-1000 = z, prove="a reason": the 37-digit comparison took it for equal ("checked")
    eq, catalog = statement(z + offset, z, space=pts.binary(), base="bce-logits", prove="a reason")
    proof = prove_link(eq, 0, catalog)
    assert proof.refuted and "differ" in proof.reason, proof
    assert check_equation(eq, catalog).result == "fail"


def test_a_gate_far_out_is_found_beside_its_threshold():
    # z + 1(z > 1000) = z, prove="a reason": the sample draws never reach z = 1000
    eq, catalog = statement(z + Ind(z > 1000), z, space=pts.binary(), base="bce-logits", prove="a reason")
    proof = prove_link(eq, 0, catalog)
    assert proof.refuted and "differ" in proof.reason, proof


def test_a_nested_condition_with_many_atoms_is_refused_not_dropped():
    regions = Regions(ties=False)
    inner = sum(regions.positive(sp.Symbol(f"v{n}", real=True)) for n in range(7))
    with pytest.raises(ValueError, match="holds 7 other conditions"):
        regions.positive(inner - 3)
