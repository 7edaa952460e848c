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


def test_a_fixed_size_reached_through_a_named_function_is_proved_for_that_size_only():
    # Z = sum_{k<=C} e^{s_k}, a definition for every C; Z = e^{s_1} + e^{s_2} in a space fixed to C = 2 was marked
    # "proved for all sizes" (only the link's own sides were searched for the fixed C, not Z's definition)
    import numpy as np

    from derivations.equations import Catalog, Problem

    problem = Problem("problem-92.md", 92, "Fixed")
    Z = problem.function("Zsum", "Z", "z-sum", lambda v, index, ev: float(np.sum(np.exp(v["s"]))))
    problem.equation("z-sum", "definition", "Z", lambda: [Z(), SumOver(exp(s[k]), k, 1, C)], pts.logits(large=False))
    problem.equation("z-two", "identity", "Z of two classes", lambda: [Z(), exp(s[1]) + exp(s[2])],
                     pts.logits(classes=(2,), fixed=True, large=False))
    catalog = Catalog([*CATALOG.problems, problem])
    proof = prove_link(catalog["z-two"], 0, catalog)
    assert proof.proved and proof.category == "range" and "C = 2" in proof.scope, proof
    assert check_equation(catalog["z-two"], catalog).mark == "range"
    # its twin about no size at all (Z is not used) keeps "all sizes" in the same fixed space
    twin, twin_catalog = statement(exp(s[1]) * exp(s[2]), exp(s[1] + s[2]), space=pts.logits(classes=(2,), fixed=True))
    assert prove_link(twin, 0, twin_catalog).category == "all sizes"


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


# -- the adversary's round against the kernel package (each was accepted before its fix) ---------------------------

def test_a_pole_under_an_indicator_is_no_value():
    # (u^3 - 2u)/(u^2 - 2) 1(u > 0) = u 1(u > 0) was proved for all sizes: Poly's coefficients cancelled the fraction
    space = pts.scalar("u", [lambda rng: rng.normal(), 2.5, -1.3], kinks=[0.0])
    eq, catalog = statement(Frac(u ** 3 - 2 * u, u ** 2 - 2) * Ind(u > 0), u * Ind(u > 0), space=space,
                            base="bce-logits")
    assert not prove_link(eq, 0, catalog).proved
    assert check_equation(eq, catalog).result != "pass"


def test_a_hidden_denominator_is_a_denominator():
    # tan u cos u = sin u: no value where cos u = 0
    space = pts.scalar("u", [lambda rng: rng.normal(), 0.5])
    eq, catalog = statement(sp.tan(u) * sp.cos(u), sp.sin(u), space=space, base="bce-logits")
    assert not prove_link(eq, 0, catalog).proved


def test_a_sum_from_zero_is_not_read_as_a_sum_from_one():
    # sum_{j=0}^{C} 0^{j + (k-4)^2 + (C-5)^2} = 0 was proved for all sizes (j read as j >= 1): 1 at C = 5, k = 4
    j0 = sp.Symbol("j", integer=True)
    eq, catalog = statement(SumOver(sp.Integer(0) ** (j0 + (k - 4) ** 2 + (C - 5) ** 2), j0, 0, C), sp.Integer(0),
                            space=pts.logits(classes=(2, 3), index="k"))
    proof = prove_link(eq, 0, catalog)
    assert proof.refuted and "C=5" in proof.reason.replace(" ", ""), proof


def test_limits_and_indices_that_are_not_integers_are_refused():
    # sum_{j=1}^{k/2} 1 was counted k/2 terms at symbolic size, and -1/2 was read as 0 at concrete sizes
    gated = (k - 1) * (k - 3) * (k - 5)
    eq, catalog = statement(gated * SumOver(sp.Integer(1), j, 1, k / 2), gated * k / 2, space=pts.logits(index="k"))
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and "not an integer" in proof.reason, proof
    plain_i = sp.Symbol("i")  # no integer assumption: it was never varied, and read by name
    from derivations.equations.symbols import x
    eq, catalog = statement(x[plain_i], x[1], space=pts.batch(), base="reg-gradient")
    record = check_equation(eq, catalog)
    assert record.result == "fail" and "not an integer symbol" in record.message, record.message


def test_a_bound_index_does_not_bind_an_arguments_free_index():
    # F(c) = sum_j c e^{s_j}; F(1(j = 7)) = sum_l 1(l = 7) e^{s_l} was proved for all sizes: the argument's free j
    # was bound by the definition's sum, renamed to a Dummy of the same name
    import numpy as np
    from derivations.equations import Catalog, Problem

    problem = Problem("problem-93.md", 93, "Capture")
    F = problem.function("Fcap", "F", "f-cap",
                         lambda v, index, ev, arg: float(ev(arg)) * float(np.sum(np.exp(v["s"]))))
    problem.equation("f-cap", "definition", "F", lambda: [F(sp.Symbol("c", real=True)),
                                                          SumOver(sp.Symbol("c", real=True) * exp(s[j]), j, 1, C)],
                     pts.logits(shift=True, large=False))
    l = sp.Symbol("l", integer=True, positive=True)
    problem.equation("f-claim", "identity", "F at an indicator of j",
                     lambda: [F(Ind(sp.Eq(j, 7))), SumOver(Ind(sp.Eq(l, 7)) * exp(s[l]), l, 1, C)],
                     pts.logits(index="j"))
    catalog = Catalog([*CATALOG.problems, problem])
    proof = prove_link(catalog["f-claim"], 0, catalog)
    assert proof.refuted and "differ" in proof.reason, proof


def test_the_proof_key_covers_the_kernel_package():
    from pathlib import Path

    from derivations.equations import prover

    eq = CATALOG["ce-logsumexp"]
    kernel = Path(prover.__file__).parent / "kernel" / "rules.py"
    before = prover.proof_key(eq, CATALOG)
    original = kernel.read_bytes()
    try:
        kernel.write_bytes(original + b"\n# a change\n")
        assert prover.proof_key(eq, CATALOG) != before
    finally:
        kernel.write_bytes(original)


def test_values_past_float64_are_compared_by_their_digits():
    # e^z e^z = e^{2z} failed at z = 1e4 ("differ", with two identical 40-digit values): both sides overflowed
    # float64 and inf - inf was taken for a difference before the exact digits were looked at
    eq, catalog = statement(exp(z) * exp(z), exp(2 * z), space=pts.binary(), base="bce-logits")
    record = check_equation(eq, catalog)
    assert record.result == "pass", record.message
    # its false twin differs by one part in 1e30, which only the digits see
    twin, twin_catalog = statement(exp(z) * exp(z), exp(2 * z) * (1 + sp.Rational(1, 10**30)), space=pts.binary(),
                                   base="bce-logits")
    record = check_equation(twin, twin_catalog)
    assert record.result == "fail" and "differ" in record.message, record.message


def test_a_derivative_statement_holds_exactly_off_the_kinks_of_what_it_differentiates():
    # d(u^2)/du = 2u + 1(u^2 >= 1) - 1(u^2 > 1) passed "proved off the kinks": ties were dropped for the whole
    # statement, though u^2 has no kink, and its one kink point (u = 1) missed the other root, u = -1
    from derivations.equations.notation import Partial

    space = pts.scalar("u", [lambda rng: rng.normal(), 2.5, -1.3], kinks=[1.0])
    eq, catalog = statement(Partial(u ** 2, u), 2 * u + Ind(u ** 2 >= 1) - Ind(u ** 2 > 1), space=space,
                            base="bce-logits", kind="gradient")
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and proof.refuted and "u=-1" in proof.reason, proof
    # its twin differentiates the kink itself: proved off the kinks, where the indicator is the package's choice
    twin, twin_catalog = statement(Partial(sp.Max(0, u ** 2 - 1), u), 2 * u * Ind(u ** 2 > 1), space=space,
                                   base="bce-logits", kind="gradient")
    assert prove_link(twin, 0, twin_catalog).proved


# -- the adversary's second round (each false statement passed, most "proved for all sizes", before its fix) --------

def test_a_denominator_cancelled_while_the_side_is_built_is_still_a_denominator():
    # u^2 (u - 2)/(u - 2) = u^2 passed for all sizes: sympy combines (u - 2) (u - 2)^-1 to 1 when the evaluator builds
    # the quotient, so neither the kernel nor the checks saw the 0/0 at u = 2
    space = pts.scalar("u", [lambda rng: rng.normal(), 2.5, -1.3])
    eq, catalog = statement(Frac(u ** 2 * (u - 2), u - 2), u ** 2, space=space, base="bce-logits")
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and "denominator u - 2 is not shown nonzero" in proof.reason, proof
    record = check_equation(eq, catalog)
    assert record.result == "fail" and "no value at u = 2" in record.message and "division by zero" in record.message, \
        record.message
    twin, twin_catalog = statement(Frac(u ** 2 * (u ** 2 + 1), u ** 2 + 1), u ** 2, space=space, base="bce-logits")
    assert check_equation(twin, twin_catalog).result == "pass"
    # at symbolic sizes too: s_p^2 / s_p = s_p is not proved for all sizes (s_p may be 0); a softmax's sum is positive
    from derivations.equations.symbols import p

    sized, catalog = statement(Frac(s[p] ** 2, s[p]), s[p], space=pts.logits())
    proof = prove_link(sized, 0, catalog)
    assert not proof.proved and "the denominator s_1 is not shown nonzero" in proof.reason, proof
    total = SumOver(exp(s[k]), k, 1, C)
    twin, twin_catalog = statement(Frac(exp(s[p]), total) * total, exp(s[p]), space=pts.logits())
    assert prove_link(twin, 0, twin_catalog).category == "all sizes"


def test_a_zero_factor_or_a_norm_does_not_hide_a_denominator():
    # 0 tan(2u) + u = u (no value where cos 2u = 0), ||1/(u - 1)|| ||u - 1|| = 1 (none at u = 1) and
    # ceil(u)/ceil(u) = 1 (none on -1 < u <= 0) passed: sympy dropped the factor or the quotient as it built them
    from derivations.equations.notation import Norm

    space = pts.scalar("u", [lambda rng: rng.normal(), 2.5, -1.3])
    zero_tan = sp.Add(sp.Mul(0, sp.tan(2 * u), evaluate=False), u, evaluate=False)
    tangent, catalog = statement(zero_tan, u, space=space, base="bce-logits")
    proof = prove_link(tangent, 0, catalog)
    assert not proof.proved and "cos(2*u) is not shown nonzero" in proof.reason, proof
    assert check_equation(tangent, catalog).result != "pass"
    norms, catalog = statement(Norm(Frac(1, u - 1)) * Norm(u - 1), sp.Integer(1), space=space, base="bce-logits")
    assert not prove_link(norms, 0, catalog).proved
    record = check_equation(norms, catalog)
    assert record.result == "fail" and "u - 1 is 0 here" in record.message, record.message
    rounded, catalog = statement(Frac(sp.ceiling(u), sp.ceiling(u)), sp.Integer(1), space=space, base="bce-logits")
    record = check_equation(rounded, catalog)
    assert record.result == "fail" and "ceiling(u) is 0 here" in record.message, record.message
    zero_tanh = sp.Add(sp.Mul(0, sp.tanh(2 * u), evaluate=False), u, evaluate=False)
    twin, twin_catalog = statement(zero_tanh, u, space=space, base="bce-logits")
    assert check_equation(twin, twin_catalog).result == "pass"


def test_a_sum_index_named_like_a_value_is_refused():
    # a real value k and a sum over the index k: the evaluator read the value as the index, the proof at symbolic
    # sizes as a free value, and P(C) sum_k k = P(C) C k passed for all sizes
    j_value = sp.Symbol("j", real=True)
    space = pts.scalar("j", [lambda rng: rng.normal(), 2.5])
    j_index = sp.Symbol("j", integer=True, positive=True)
    eq, catalog = statement(SumOver(j_value, j_index, 1, 3), sp.Integer(6), space=space, base="bce-logits")
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and "the index j of a sum or product has the name of a value" in proof.reason, proof
    record = check_equation(eq, catalog)
    assert record.result == "fail" and "the index j of a sum or product" in record.message, record.message
    twin, twin_catalog = statement(SumOver(u, j, 1, 3), 3 * u, space=pts.scalar("u", [lambda rng: rng.normal()]),
                                   base="bce-logits")
    assert check_equation(twin, twin_catalog).result == "pass"


def test_the_norm_of_a_scalar_is_a_kink():
    # d||u - 1||/du (u - 1) = ||u - 1|| was "proved for all sizes", not off the kinks: the norm of a scalar was
    # sympy's Abs, whose derivative sign(0) = 0 hides the kink at u = 1, and no kink point was asked for
    from derivations.equations.notation import Norm, Partial

    sides = [Partial(Norm(u - 1), u) * (u - 1), Norm(u - 1)]
    eq, catalog = statement(*sides, space=pts.scalar("u", [lambda rng: rng.normal(), 2.5]), base="bce-logits")
    record = check_equation(eq, catalog)
    assert record.result != "pass" and "no point lies exactly on one of its kinks" in record.message, record.message
    twin, twin_catalog = statement(*sides, space=pts.scalar("u", [lambda rng: rng.normal(), 2.5], kinks=[1.0]),
                                   base="bce-logits")
    record = check_equation(twin, twin_catalog)
    assert record.result == "pass" and all("off the kinks" in text for text in record.proved_for), record


def test_a_log_inside_a_named_function_is_probed():
    # e^{g((u - 4)^2 - 1/100)} = (u - 4)^2 - 1/100 with g(x) = log x passed for all sizes: the probes looked for
    # logs in the sides only, never in the definitions they reach (no real value on 3.9 < u < 4.1)
    import numpy as np

    from derivations.equations import Catalog, Problem

    x = sp.Symbol("x", real=True)
    problem = Problem("problem-93.md", 93, "Logs")
    g = problem.function("glog", "g", "g-log", lambda values, index, ev, arg: float(np.log(ev(arg))))
    problem.equation("g-log", "definition", "g", lambda: [g(x), log(x)], pts.scalar("x", [0.5, 3.0]),
                     domain=[x > 0])
    inside = (u - 4) ** 2 - sp.Rational(1, 100)
    problem.equation("g-false", "identity", "e^g", lambda: [exp(g(inside)), inside],
                     pts.scalar("u", [0.3, 1.7, 6.0]))
    problem.equation("g-true", "identity", "e^g", lambda: [exp(g((u - 4) ** 2 + 1)), (u - 4) ** 2 + 1],
                     pts.scalar("u", [0.3, 1.7, 6.0]))
    catalog = Catalog([*CATALOG.problems, problem])
    record = check_equation(catalog["g-false"], catalog)
    assert record.result == "fail" and "has no real value at u = 3.99" in record.message and "log" in record.message, \
        record.message
    assert check_equation(catalog["g-true"], catalog).result == "pass"


def test_a_declared_domain_is_probed_where_it_allows():
    # (sqrt(u - 3))^2 = u - 3 with domain u > 0 passed: the probes skipped u entirely
    root = sp.Pow(sp.sqrt(u - 3), 2, evaluate=False)
    space = pts.scalar("u", [3.5, 4.25, 8.0])
    eq, catalog = statement(root, u - 3, space=space, base="bce-logits", domain=[u > 0])
    record = check_equation(eq, catalog)
    assert record.result == "fail" and "the declared domain allows u" in record.message, record.message
    twin, twin_catalog = statement(sp.Pow(sp.sqrt(u + 3), 2, evaluate=False), u + 3, space=space, base="bce-logits",
                                   domain=[u > 0])
    assert check_equation(twin, twin_catalog).result == "pass"


def _from(first):
    """A space of sizes C = 2..5 with a free index m listed from ``first`` to C - 1 + first, and one value u."""
    from derivations.equations.points import Point, Space

    def sample(rng):
        return [Point(f"C={c}, m={q}", {"C": c, "m": q}, {"u": float(rng.normal())})
                for c in (2, 3, 4, 5) for q in range(first, c + first)]

    def every(sizes, free):
        for q in range(first, sizes["C"] + first):
            yield Point(f"C={sizes['C']}, m={q}", {"C": sizes["C"], "m": q}, {"u": 0.0})

    return Space(sample, every, {"C": (2, 3, 4, 5)}, {}, {})


def test_an_index_listed_from_zero_is_refused():
    # P(C) 0^m = 0 with m listed from 0 passed for all sizes: the translation to symbolic sizes reads m >= 1
    m = sp.Symbol("m", integer=True)
    gate = (C - 2) * (C - 3) * (C - 4) * (C - 5)
    eq, catalog = statement(gate * Ind(m < 1), sp.Integer(0), space=_from(0), base="bce-logits")
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and "m = 0: sizes and indices are 1-based" in proof.reason, proof
    record = check_equation(eq, catalog)
    assert record.result == "fail" and "m = 0: sizes and indices are 1-based" in record.message, record.message
    twin, twin_catalog = statement(gate * Ind(m < 1), sp.Integer(0), space=_from(1), base="bce-logits")
    assert check_equation(twin, twin_catalog).result == "pass"


def test_a_product_binds_its_index():
    # prod_{j=1}^{2} (u - j) = u^2 - 3u + 2 was refused as "about j": only a sum was read as binding its index
    space = pts.scalar("u", [lambda rng: rng.normal(), 2.5])
    eq, catalog = statement(sp.Product(u - j, (j, 1, 2)), u ** 2 - 3 * u + 2, space=space, base="bce-logits")
    proof = prove_link(eq, 0, catalog)
    assert proof.proved, proof
    false, false_catalog = statement(sp.Product(u - j, (j, 1, 2)), u ** 2 - 3 * u + 1, space=space,
                                     base="bce-logits")
    proof = prove_link(false, 0, false_catalog)
    assert not proof.proved and proof.refuted, proof
