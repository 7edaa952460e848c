"""The second route looks past the declared sizes, reads every pattern of equal indices that some size shows, keeps
Heaviside's value at 0, and reads no witness from a number too large to evaluate (the issue "Proved that a reader
can trust", second review).

The all-sizes route translates a statement to symbolic sizes; a mistranslation times a factor that is zero on the
declared range, (C - 2)(C - 3)(C - 4)(C - 5), was invisible to a second route that looked at the range only.
"""

import itertools
from dataclasses import replace

import numpy as np
import sympy as sp

from derivations.equations import CATALOG
from derivations.equations import prover
from derivations.equations.checks import check_equation
from derivations.equations.notation import Ind, SumOver, build
from derivations.equations.points import Point, Space
from derivations.equations.prover import prove_link
from derivations.equations.regions import Regions
from derivations.equations.symbols import C, j, k, l, p, u

GATE = (C - 2) * (C - 3) * (C - 4) * (C - 5)  # zero at every declared size


def statement(*sides, space, kind="identity", base="ce-logsumexp"):
    eq = replace(CATALOG[base], sides=[build(lambda: side) for side in sides], space=space, kind=kind)
    return eq, CATALOG.replacing(eq)


def sized_scalar(kinks=(0.0,), sizes=(2, 3, 4, 5)):
    """A size C and one real value u, with points exactly on u's kinks."""
    def sample(rng):
        points = [Point(f"C={c}", {"C": c}, {"u": float(rng.normal())}) for c in sizes for _ in range(3)]
        return points + [Point(f"kink u={v}, C={c}", {"C": c}, {"u": v}, kink=True) for c in sizes for v in kinks]

    def every(chosen, free):
        yield Point(f"C={chosen['C']}", {"C": chosen["C"]}, {"u": 0.0})

    return Space(sample, every, {"C": tuple(sizes)}, {}, {})


def test_heaviside_keeps_its_value_at_zero_at_symbolic_sizes():
    # P(C) H(u, 0) = P(C) H(u, 1) was "proved for all sizes": the symbolic-size route wrote every Heaviside with
    # the value 1/2 at 0, and P(C) hid the difference from the sizes 2..5
    assert sp.expand(Regions().rewrite(sp.Heaviside(u - 1, 0)) - Regions().rewrite(sp.Heaviside(u - 1, 1))) != 0
    eq, catalog = statement(GATE * sp.Heaviside(u - 1, 0), GATE * sp.Heaviside(u - 1, 1), space=sized_scalar((1.0,)))
    assert prove_link(eq, 0, catalog).category != "all sizes"
    twin, twin_catalog = statement(GATE * sp.Heaviside(u - 1, 1), GATE * (sp.Heaviside(u - 1, 0) + Ind(sp.Eq(u, 1))),
                                   space=sized_scalar((1.0,)))
    assert prove_link(twin, 0, twin_catalog).category == "all sizes"


def test_an_all_sizes_proof_is_checked_past_the_declared_sizes(monkeypatch):
    # whatever the symbolic-size route proves, the sides as written are compared at C = 6 (and C = 1): a route that
    # proves sum_{k<=C} k P(C) = 0 (true at C = 2..5 only) is contradicted there
    monkeypatch.setattr(prover, "_prove_all_sizes", lambda eq, n, catalog: (True, None, None))
    eq, catalog = statement(GATE * SumOver(k, k, 1, C), sp.Integer(0), space=sized_scalar())
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and "the two routes disagree" in proof.reason and "C=6" in proof.reason, proof
    twin, twin_catalog = statement(GATE * SumOver(k, k, 1, C), GATE * C * (C + 1) / 2, space=sized_scalar())
    assert prove_link(twin, 0, twin_catalog).category == "all sizes"


def distinct_space(names, sizes):
    """Class indices ``names`` of a size C in ``sizes``, every combination listed, one real value u."""
    bound = sp.Symbol("C", integer=True, positive=True)

    def sample(rng):
        return [Point(f"C={c}", {"C": c, **{n: int(rng.integers(1, c + 1)) for n in names}}, {"u": float(rng.normal())})
                for c in sizes for _ in range(4)]

    def every(chosen, free):
        c = chosen["C"]
        wanted = [n for n in names if n in free]
        for combo in itertools.product(range(1, c + 1), repeat=len(wanted)):
            yield Point(f"C={c}", {"C": c, **dict(zip(wanted, combo)), **{n: 1 for n in names if n not in wanted}},
                        {"u": 0.0})

    return Space(sample, every, {"C": tuple(sizes)}, {}, {n: bound for n in names})


def test_a_pattern_of_more_distinct_indices_than_the_sizes_have_is_proved_too():
    # four class indices, never all distinct at C <= 3: "they are never all distinct" was proved for all sizes
    indices = (j, k, l, p)
    never = sp.Mul(*[Ind(sp.Ne(a, b)) for a, b in itertools.combinations(indices, 2)])
    eq, catalog = statement(never, sp.Integer(0), space=distinct_space("jklp", (1, 2, 3)))
    assert prove_link(eq, 0, catalog).category != "all sizes"
    # with three indices the pattern "all distinct" is shown at C = 3: read from the points, and proved
    three = sp.Mul(*[Ind(sp.Ne(a, b)) for a, b in itertools.combinations(indices[:3], 2)])
    twin, twin_catalog = statement(three * u, u * three, space=distinct_space("jkl", (1, 2, 3)))
    assert prove_link(twin, 0, twin_catalog).category == "all sizes"


def test_no_witness_is_read_from_a_tower_of_exponentials():
    # e^{e^{e^u}} at u = 1e6 has an exponent of 434,294 digits: mpmath computed them all (a prover that never
    # returned); such a number gives no witness, and a single e^{2e6} still gives one
    assert prover._towering(sp.exp(sp.exp(sp.exp(sp.Integer(10**6)))))
    assert not prover._towering(sp.exp(sp.Integer(2 * 10**6)) + sp.exp(sp.exp(sp.Integer(10))))
    assert prover._bounded(sp.exp(sp.exp(sp.exp(sp.Integer(10**6)))) / 2) is None
    assert prover._bounded(sp.exp(sp.Integer(2 * 10**6)) - sp.exp(sp.Integer(2 * 10**6) - 1)) is not None


def test_the_sizes_past_the_range_skip_every_zero_of_a_factor_of_the_sizes(monkeypatch):
    """Before: past the range the sides were compared at its largest size + 1 and at 1 only, so a factor zero at
    1..6, (C - 1)...(C - 6), hid any mistranslation (the third review found two). Now the first size past the range
    where no factor of the sizes is zero is taken (C = 7 here), and where none lies within reach, no all-sizes."""
    monkeypatch.setattr(prover, "_prove_all_sizes", lambda eq, n, catalog: (True, None, None))
    wide = (C - 1) * (C - 2) * (C - 3) * (C - 4) * (C - 5) * (C - 6)
    eq, catalog = statement(wide * SumOver(k, k, 1, C), sp.Integer(0), space=sized_scalar())
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and "the two routes disagree" in proof.reason and "C=7" in proof.reason, proof
    # a factor zero at every size in reach: the sizes cannot check the proof, so it is for the range only
    closed = sp.Product(C - k, (k, 1, 200))
    eq, catalog = statement(closed * SumOver(k, k, 1, C), sp.Integer(0), space=sized_scalar())
    proof = prove_link(eq, 0, catalog)
    assert proof.category != "all sizes", proof
