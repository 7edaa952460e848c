"""False statements of the third white-box review (the issue "Proved that a reader can trust"), each refused at its
class, with a true twin that still passes where one exists."""

from dataclasses import replace
import re

import pytest
import sympy as sp

from derivations.equations import CATALOG
from derivations.equations.checks import check_equation
from derivations.equations.notation import Ind, Partial, build
from derivations.equations.points import Point, Space
from derivations.equations.regions import null_zero_set
from derivations.equations.symbols import u


def statement(*sides, space, kind="identity", base="ce-logsumexp"):
    eq = replace(CATALOG[base], sides=[build(lambda: side) for side in sides], space=space, kind=kind)
    return eq, CATALOG.replacing(eq)


def declared(sides, space, kind="identity", proof=False, **problem):
    """Declare ``sides`` through the public authoring API (a Problem of its own in a catalog with the site's), and
    check it: the ledger record (with ``proof``: the equation, its link 0 and the catalog, to prove it)."""
    from derivations.equations import Catalog, Problem

    mine = Problem("example-round3.md", "R3", "round three", **problem)
    eq = mine.equation("round3", kind, "a statement of the review", sides, space)
    others = [p for p in CATALOG.problems if not p.page.startswith("example-")]
    catalog = Catalog([*others, mine])
    if proof:
        return catalog[eq.id], 0, catalog
    return check_equation(catalog[eq.id], catalog)


def real_line(kinks):
    """One real value u: random points at scale 3, and points exactly on the kinks the statement names."""
    def sample(rng):
        points = [Point("random", {}, {"u": float(rng.normal(scale=3))}) for _ in range(6)]
        return points + [Point(f"kink u = {v}", {}, {"u": v}, kink=True) for v in kinks]

    def every(sizes, free):
        yield Point("no size", {}, {"u": 0.0})

    return Space(sample, every, {}, {})


def test_an_equality_true_on_an_interval_is_no_kink_to_leave_out():
    """Before: with a derivative in the statement every equality 1(a = 0) was read as 0 off the kinks, as if its set
    had measure zero; ⌊u⌋ = 7000 holds on [7000, 7001), where the left side is u - 7000.5, and the statement was
    "proved for all sizes, off the kinks"."""
    false = Partial(u, u) * Ind(sp.Eq(sp.floor(u), 7000)) * (u - sp.Rational(14001, 2))
    eq, catalog = statement(false, sp.Integer(0), space=real_line([7000.5]), kind="gradient")
    record = check_equation(eq, catalog)
    assert record.result == "fail" or "all sizes" not in " ".join(record.proved_for), record
    # its true twin: on that interval the left side is u - 7000.5 itself
    true = Partial(u, u) * Ind(sp.Eq(sp.floor(u), 7000)) * (u - sp.Rational(14001, 2))
    eq, catalog = statement(true, Ind(sp.Eq(sp.floor(u), 7000)) * (u - sp.Rational(14001, 2)),
                            space=real_line([7000.5]), kind="gradient")
    assert check_equation(eq, catalog).result == "pass"


@pytest.mark.parametrize("expr, null", [
    (u - 1, True), (u ** 2, True), (sp.exp(2 * u) * u + 3, True),
    (sp.floor(u) - 7000, False),  # an interval
    (sp.sin(u) ** 2 + sp.cos(u) ** 2 - 1, False),  # zero everywhere, not shown otherwise
    (sp.atan(u) + sp.atan(1 / u) - sp.pi / 2, False),  # zero on u > 0: analytic off 0, not entire
    (sp.IndexedBase("s")[sp.Symbol("k", integer=True)] - sp.IndexedBase("s")[sp.Symbol("y", integer=True)], False),
    (sp.IndexedBase("s")[sp.Symbol("k", integer=True)] - sp.IndexedBase("s")[sp.Symbol("y", integer=True)] + 1, True),
    (sp.Sum(sp.IndexedBase("x")[sp.Symbol("t")] ** 2, (sp.Symbol("t"), 1, sp.Symbol("D", integer=True, positive=True)))
     + 1, True),
], ids=["u-1", "u^2", "u e^2u + 3", "floor", "sin^2+cos^2-1", "atan", "s_k - s_y (k = y)", "margin", "sum + 1"])
def test_an_equality_is_left_out_only_where_its_set_has_measure_zero(expr, null):
    assert null_zero_set(expr) is null


def test_a_sums_bound_variable_is_not_the_authors_index_of_the_same_name():
    """Before: with an index letter k1 bounded by C in the space (unused by the statement), the kernel's renamed
    bound variable k1 of a sum over 1..N took C's range, and sum_k (C + 2 - k) 1(x_k > 0) >= 0 was proved for all
    sizes (false at C = 1, N = 4, x = (-1, -1, -1, 1))."""
    import numpy as np
    from derivations.equations.notation import SumOver
    from derivations.equations.symbols import C, N

    k = sp.Symbol("k", integer=True, positive=True)
    x = sp.IndexedBase("x")

    def point(c, n, values, kink=False):
        return Point(f"C={c}, N={n}", {"C": c, "N": n, "k1": 1}, {"x": np.asarray(values, float)}, kink=kink)

    def sample(rng):
        return [point(c, n, rng.normal(size=n)) for c in (2, 3, 4, 5) for n in (1, 2, 3)] + [
            point(c, n, np.zeros(n), kink=True) for c in (2, 5) for n in (1, 3)]

    def every(sizes, free):
        for k1 in range(1, sizes["C"] + 1) if "k1" in free else [1]:
            p = point(sizes["C"], sizes["N"], np.zeros(sizes["N"]))
            p.indices["k1"] = k1
            yield p

    space = Space(sample, every, {"C": (2, 3, 4, 5), "N": (1, 2, 3)}, {}, {"k1": C})
    record = declared(lambda: [SumOver((C + 2 - k) * Ind(x[k] > 0), k, 1, N), sp.Integer(0)], space,
                      kind="inequality", shapes={"x": ("N",)})
    assert "all sizes" not in " ".join(record.proved_for), record


def test_the_translations_own_indices_never_take_an_authors_name():
    """Before: the symbolic-size translation named a vector's entry index m_1 (sums' own indices j_bound1, ...), the
    very symbol of an author's index m_1: P(D) x_{m_1} x = P(D) diag(x) x, with P(D) zero at the declared D = 1..4,
    was proved for all sizes (false at D = 5)."""
    import numpy as np
    from derivations.equations.notation import Diag
    from derivations.equations.symbols import D

    m1 = sp.Symbol("m_1", integer=True, positive=True)
    x, entry = sp.Symbol("x", real=True), sp.IndexedBase("x")

    def point(d, m, values):
        return Point(f"D={d}, m_1={m}", {"D": d, "m_1": m}, {"x": np.asarray(values, float)})

    def sample(rng):
        return [point(d, m, rng.normal(size=d)) for d in (1, 2, 3) for m in range(1, d + 1)]

    def every(sizes, free):
        for m in range(1, sizes["D"] + 1) if "m_1" in free else [1]:
            yield point(sizes["D"], m, np.zeros(sizes["D"]))

    space = Space(sample, every, {"D": (1, 2, 3)}, {}, {"m_1": D})
    gate = (D - 1) * (D - 2) * (D - 3) * (D - 4)
    record = declared(lambda: [gate * entry[m1] * x, gate * Diag(x) * x], space, shapes={"x": ("D",)})
    assert record.result == "fail" and "differ" in record.message, record


def test_an_absolute_value_sympy_makes_itself_is_a_kink():
    """Before: the root of a square, (u^2)^(1/2), is sympy's own Abs(u), made while the side is built: no kink was
    registered, d sqrt(u^2)/du u = sqrt(u^2) was proved for all sizes (with no value at u = 0 on the left), and no
    kink point was asked for. Now it is proved off the kinks only, and the space is told to add a kink point."""
    from derivations.equations import points as pts

    record = declared(lambda: [Partial(sp.sqrt(u ** 2), u) * u, sp.sqrt(u ** 2)], pts.scalar("u", [0.3, -1.7, 2.9]),
                      kind="gradient")
    assert record.proved_for == ["proved for all sizes, off the kinks"], record
    assert record.result != "pass" and "kink" in record.message, record


def test_a_counterexample_is_shrunk_to_small_integers_before_it_is_shown():
    """The issue: "the prover's counterexamples are shrunk to small integers before they are shown" (they read
    x = [-0.6205, 0.4898, ...]); never onto a kink of what a statement differentiates."""
    from derivations.equations import points as pts
    from sympy import Max

    from derivations.equations.prover import prove_link

    proof = prove_link(*declared(lambda: [u ** 3 + u, 2 * u ** 3], pts.scalar("u", [0.37, -1.73, 2.91]), proof=True))
    assert proof.refuted and "shrunk to small integers" in proof.reason, proof
    assert re.search(r"u=-?[23]:", proof.reason.replace(" ", "")), proof  # u = +-1 and 0 are roots: 2 or 3
    # d max(0, u)/du = 1 is false for u < 0 only: the shrunk witness is u = -1, never the kink u = 0
    proof = prove_link(*declared(lambda: [Partial(Max(0, u), u), sp.Integer(1)],
                                 pts.scalar("u", [0.37, -1.73, 2.91], kinks=[0.0]), kind="gradient", proof=True))
    assert proof.refuted and "u=0.0:" not in proof.reason.replace(" ", ""), proof
