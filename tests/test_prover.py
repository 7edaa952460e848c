"""The prover proves what is true, refuses what is false, and the kink checks catch what it cannot see."""

from dataclasses import replace

import sympy as sp

from derivations.equations import CATALOG
from derivations.equations.checks import check_equation
from derivations.equations.notation import Ind, Partial, build
from derivations.equations.prover import ALL_SIZES, Regions, is_zero, prove_link
from derivations.equations.symbols import s, u, y, i, j
from ledger_of_build import ledger_by_id

def _with_sides(eq_id, *sides):
    eq = CATALOG[eq_id]
    new = replace(eq, sides=[build(lambda: side) for side in sides])
    return new, CATALOG.replacing(new)


# that every link of every identity and gradient is proved is asserted on the ledger that `make build`
# wrote (tests/test_site.py::test_ledger_json_lists_every_equation_with_its_latex): the same prover, run once


def test_the_smooth_identities_of_problem_1_are_proved_for_all_sizes():
    ledger = ledger_by_id()
    for eq_id in ("ce-one-hot", "shift-invariance", "ce-gradient", "ce-logsumexp", "logsumexp-shift"):
        assert ledger[eq_id]["proved_for"] == ["proved for all sizes"] * (len(CATALOG[eq_id].sides) - 1), eq_id


def test_the_hinge_gradients_are_proved_for_all_sizes_with_one_sign_per_term():
    # per-term sign atoms (b(j, ...), never one b for every term of a sum) and index notation at symbolic D
    ledger = ledger_by_id()
    for eq_id in ("svm-grad-wj", "svm-grad-wyi", "svm-dl-dsj", "svm-dl-dsyi", "svm-batch-gradient", "reg-gradient",
                  "softmax-grad-wj", "softmax-batch-gradient"):
        # "proved for all sizes, off the kinks" for the hinge: the kinks are compared with the package
        assert [text.split(",")[0] for text in ledger[eq_id]["proved_for"]] == ["proved for all sizes"], eq_id


def test_known_false_statements_are_refused():
    x1, x2 = sp.symbols("x1 x2", real=True)
    assert not is_zero(sp.exp(x1 + x2) - sp.exp(x1) * sp.exp(x2) + x1)
    assert is_zero(sp.exp(x1 + x2) - sp.exp(x1) * sp.exp(x2))
    # a wrong sign in the gradient of cross-entropy, for all sizes and at every fixed size
    eq, catalog = _with_sides("ce-gradient", CATALOG["ce-gradient"].sides[0], -CATALOG["ce-gradient"].sides[1])
    assert not prove_link(eq, 0, catalog).proved


def test_a_statement_wrong_in_one_region_only_is_refused_though_every_sample_agrees():
    # d max(0, u)/du claimed to be 2 on 0 < u < 0.001: no sampled margin lands there
    tiny = sp.Rational(1, 1000)
    wrong = Ind(u > 0) + Ind(u > 0) * Ind(tiny - u > 0)
    eq, catalog = _with_sides("hinge-derivative", Partial(sp.Max(0, u), u), wrong)
    numeric = check_equation(eq, catalog, prove=False)
    assert numeric.result != "fail", "the sampled checks were meant to miss this region"
    proof = prove_link(eq, 0, catalog)
    # the prover finds the region and a point in it where the two sides, evaluated as written, differ
    assert not proof.proved and proof.refuted and "differ" in proof.reason, proof
    assert check_equation(eq, catalog).result == "fail"


def test_a_statement_wrong_at_the_kink_only_is_proved_off_it_and_caught_at_it():
    eq, catalog = _with_sides("hinge-derivative", Partial(sp.Max(0, u), u), Ind(u >= 0))
    assert prove_link(eq, 0, catalog).proved  # the regions cannot see u = 0
    record = check_equation(eq, catalog)
    assert record.result == "fail" and "kink u = 0" in record.message
    # the same for the scalar chain rule of the SVM, at its integer kink point
    eq, catalog = _with_sides("svm-dl-dsj", CATALOG["svm-dl-dsj"].sides[0], Ind(s[j] - s[y[i]] + 1 >= 0))
    record = check_equation(eq, catalog)
    assert record.result == "fail" and "kink" in record.message


def test_every_equation_with_a_kink_is_compared_with_the_package_on_one():
    from derivations.equations.checks import has_kink

    kinked = [eq for eq in CATALOG if any(has_kink(side, CATALOG) for side in eq.sides)]
    assert {"svm-grad-wj", "svm-grad-wyi", "hinge-derivative", "svm-batch-gradient", "softplus-stable"} <= {
        eq.id for eq in kinked}
    ledger = ledger_by_id()
    for eq in kinked:
        assert ledger[eq.id]["kink_points"] > 0, eq.id


def test_a_kinked_equation_without_a_kink_point_fails():
    from derivations.equations import points as pts

    eq = replace(CATALOG["hinge-derivative"], space=pts.scalar("u", [0.5, -0.5]))
    record = check_equation(eq, CATALOG.replacing(eq), prove=False)
    assert record.result == "unchecked" and "no point lies exactly on one of its kinks" in record.message


def test_regions_share_a_sign_between_a_condition_and_its_negation():
    a, b = sp.symbols("a b", real=True)
    regions = Regions()  # exact: a > b, b > a or a = b
    assert sp.expand(regions.positive(a - b) + regions.positive(b - a) + regions.equal(a, b)) == 1
    assert len(regions.variables) == 2
    off_the_kinks = Regions(ties=False)  # for statements with derivatives: a = b is left out
    assert off_the_kinks.positive(a - b) + off_the_kinks.positive(b - a) == 1
    regions = Regions()
    # max(a, b) + min(a, b) = a + b in every region
    assert is_zero(regions.rewrite(sp.Max(a, b) + sp.Min(a, b) - a - b), regions.variables, conditions=regions.conditions)
    assert not is_zero(regions.rewrite(sp.Max(a, b) - a), regions.variables, conditions=regions.conditions)


def test_a_sum_index_is_not_captured_by_the_variable_of_differentiation():
    from derivations.equations import points as pts
    from derivations.equations.notation import SumOver
    from derivations.equations.symbols import C
    from derivations.problems.problem1 import WITH_F, f

    lse = sp.log(SumOver(sp.exp(s[j]), j, 1, C))
    for rhs, proved in ((sp.Integer(0), False), (f[j], True)):  # d/ds_j of log-sum-exp over j is f_j, not 0
        eq = replace(CATALOG["ce-gradient"], sides=[build(lambda: Partial(lse, s[j])), rhs],
                     space=pts.logits(index="j", derived=WITH_F))
        proof = prove_link(eq, 0, CATALOG.replacing(eq))
        assert proof.proved is proved, proof.text
        assert not proved or proof.scope == ALL_SIZES


def test_a_stored_proof_is_reused_only_for_the_same_inputs():
    from derivations.equations.prover import proof_key

    eq = CATALOG["svm-grad-wj"]
    assert proof_key(eq, CATALOG) == proof_key(replace(eq), CATALOG)
    flipped, catalog = _with_sides("svm-grad-wj", eq.sides[0], -eq.sides[1])
    assert proof_key(flipped, catalog) != proof_key(eq, CATALOG)
    # a change to a definition the equation reaches through L_i changes the key too
    definition = CATALOG["svm-loss-sample"]
    changed = replace(definition, sides=definition.sides[:2])
    assert proof_key(eq, CATALOG.replacing(changed)) != proof_key(eq, CATALOG)
    # a stored proof is used as it is: check_equation trusts the store it is given
    store = {}
    first = check_equation(eq, CATALOG, proofs_done=store)
    assert list(store) == [proof_key(eq, CATALOG)]
    store[proof_key(eq, CATALOG)] = [{"proved": False, "scope": "", "reason": "planted"}]
    assert check_equation(eq, CATALOG, proofs_done=store).result == "unproved" != first.result
