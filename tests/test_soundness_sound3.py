"""Round 3 of the white-box review (its tries 03, 04, 06 and 10): four classes of false statements that were marked
"pass, proved for all sizes", each refused at its root here, with a true twin that must still pass.

(a) labels (or indices) a space lists outside 1..their size, read at symbolic size as 1..size;
(b) an index a sizeless space only samples, reached through a named function's definition or a derived value;
(c) a stored proof reused after a library-wrapped helper of the space (np.vectorize, functools.cache, partial,
    bound methods) was edited;
(d) a fixed-size statement whose sides sum over the fixed size without naming it (an inner product at C = 2).
"""

import numpy as np
import sympy as sp

from derivations.equations import CATALOG, Catalog, Problem
from derivations.equations.checks import check_equation
from derivations.equations.points import Point, Space
from derivations.equations.prover import prove_link

C = sp.Symbol("C", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
j = sp.Symbol("j", integer=True, positive=True)
u = sp.Symbol("u", real=True)
x = sp.Symbol("x", real=True)
y = sp.IndexedBase("y")

_count = [0]


def declared(sides, space, kind="identity", problem_options=None, extra=None):
    """A statement declared through the authoring API (Problem.equation) in a problem of its own."""
    _count[0] += 1
    mine = Problem(f"example-sound3-{_count[0]}.md", f"S{_count[0]}", "soundness round 3", **(problem_options or {}))
    if extra is not None:
        extra(mine)
    eq = mine.equation(f"sound3-{_count[0]}", kind, "a statement of the review", sides, space)
    others = [q for q in CATALOG.problems if not q.page.startswith("example-")]
    catalog = Catalog([*others, mine])
    return catalog[eq.id], catalog


# -- (a) labels and indices outside 1..size --------------------------------------------------------------------------

P6 = (C - 1) * (C - 2) * (C - 3) * (C - 4) * (C - 5) * (C - 6)  # zero at C = 1..6: hides every size _beyond visits


def labelled_space(first):
    """Size C = 2..5, one sample i = 1, its label y_1 listed from ``first`` (0: 0-based, 1: classes 1..C)."""
    def pt(c, label, value):
        return Point(f"C={c}, y=[{label}]", {"C": c, "i": 1}, {"y": np.array([label]), "u": float(value)},
                     labels=("y",))

    def sample(rng):
        return [pt(c, label, rng.normal()) for c in (2, 3, 4, 5) for label in range(first, c + first)]

    def every(sizes, free):
        for label in range(first, sizes["C"] + first):
            yield pt(sizes["C"], label, 0.0)

    return Space(sample, every, {"C": (2, 3, 4, 5)}, {}, {})


def test_labels_listed_from_zero_are_refused_not_read_as_classes():
    # P(C) 0^{y_i} = 0 was "proved for all sizes" with y listed 0..C-1: at symbolic size y_i >= 1 made 0^{y_i} = 0,
    # false at C = 7, y_1 = 0 (720 on the left)
    eq, catalog = declared(lambda: [P6 * sp.Pow(sp.Integer(0), y[i], evaluate=False), sp.Integer(0)],
                           labelled_space(0))
    proof = prove_link(eq, 0, catalog)
    assert not proof.proved and "y = [0]" in proof.reason and "1-based" in proof.reason
    record = check_equation(eq, catalog)
    assert record.result == "fail" and record.mark != "all sizes"
    # the twin: the same statement with the labels listed as classes 1..C is true at every size
    twin, twin_catalog = declared(lambda: [P6 * sp.Pow(sp.Integer(0), y[i], evaluate=False), sp.Integer(0)],
                                  labelled_space(1))
    assert prove_link(twin, 0, twin_catalog).category == "all sizes"


def test_labels_the_proofs_enumerate_from_zero_are_refused_too():
    # the sampled points list classes 1..C, but the points the proofs enumerate (every) list them from 0
    good, bad = labelled_space(1), labelled_space(0)
    space = Space(good.sample, bad.every, {"C": (2, 3, 4, 5)}, {}, {})
    eq, catalog = declared(lambda: [P6 * sp.Pow(sp.Integer(0), y[i], evaluate=False), sp.Integer(0)], space)
    proof = prove_link(eq, 0, catalog)
    assert proof.category != "all sizes" and "y = [0]" in proof.reason, proof.reason


def test_an_index_or_label_past_its_size_is_out_of_range():
    from derivations.equations.prover import outside_range
    space = Space(lambda rng: [], lambda sizes, free: iter(()), {"C": (2, 3)}, {}, {"j": C, "y_i": C})
    assert outside_range(Point("ok", {"C": 3, "j": 3}, {"y": np.array([1, 3])}, labels=("y",)), space) == ""
    assert "j = 4" in outside_range(Point("j past C", {"C": 3, "j": 4}, {}), space)
    assert "y = [1, 4]" in outside_range(Point("class past C", {"C": 3}, {"y": np.array([1, 4])}, labels=("y",)), space)
    assert "j = 0" in outside_range(Point("j zero", {"C": 3, "j": 0}, {}), space)


def test_every_stock_space_lists_its_indices_and_labels_in_range():
    import itertools

    from derivations.equations.prover import outside_range
    for eq in CATALOG:
        points = list(eq.space.sample(np.random.default_rng(0)))
        sizes = (eq.space.size_choices() or [{}])[-1]
        points += list(itertools.islice(eq.space.every(sizes, {"i", "j", "k", "l", "p", "y"}), 300))
        assert not [outside_range(q, eq.space) for q in points if outside_range(q, eq.space)], eq.id


# -- (b) an index a sizeless space only samples, reached through a definition or a derived value ---------------------

def sizeless_space(name, derived=None):
    """No sizes; an index j listed at 1, 2, 3 (every value when asked for j) and one real value ``name``."""
    def sample(rng):
        return [Point(f"random, j={q}", {"j": q}, {name: float(rng.normal(scale=2))}, dict(derived or {}))
                for q in (1, 2, 3) for _ in range(2)]

    def every(sizes, free):
        for q in (1, 2, 3) if "j" in free else (1,):
            yield Point(f"j={q}", {"j": q}, {name: 0.0}, dict(derived or {}))

    return Space(sample, every, {}, {}, name=f"own({name})")


def with_power(exponent):
    """A named function g with the definition g(x) = x^exponent, in the problem being declared."""
    holder = {}

    def extra(problem):
        holder["g"] = problem.function("g", "g", "g-def-" + str(_count[0]),
                                       lambda values, index, ev, arg: float(ev(arg)) ** (
                                           index(exponent) if isinstance(exponent, sp.Symbol) else exponent))
        problem.equation("g-def-" + str(_count[0]), "definition", "g is a power",
                         lambda: [holder["g"](x), x ** exponent], sizeless_space("x"))
    return holder, extra


def test_an_index_reached_through_a_definition_is_not_proved_for_all_its_values():
    # (g(u) - u)(g(u) - u^2)(g(u) - u^3) = 0 with g(x) = x^j, j listed 1..3: "proved for all sizes", false at j = 4
    holder, extra = with_power(j)
    g = lambda arg: holder["g"](arg)  # noqa: E731
    eq, catalog = declared(lambda: [(g(u) - u) * (g(u) - u ** 2) * (g(u) - u ** 3), sp.Integer(0)],
                           sizeless_space("u"), extra=extra)
    proof = prove_link(eq, 0, catalog)
    assert proof.category != "all sizes" and "about j" in proof.reason
    assert check_equation(eq, catalog).mark != "all sizes"
    # the twin: g(x) = x^2 reaches no index, and the same statement is proved for every value
    holder2, extra2 = with_power(2)
    g2 = lambda arg: holder2["g"](arg)  # noqa: E731
    twin, twin_catalog = declared(lambda: [(g2(u) - u) * (g2(u) - u ** 2) * (g2(u) - u ** 3), sp.Integer(0)],
                                  sizeless_space("u"), extra=extra2)
    assert prove_link(twin, 0, twin_catalog).category == "all sizes"


def test_an_index_read_by_a_derived_value_is_not_proved_for_all_its_values():
    # r = u^j computed by the space, j listed 1..3: (r - u)(r - u^2)(r - u^3) = 0 holds at the points only
    r = sp.Symbol("r", real=True)
    power = {"r": lambda values, indices: values["u"] ** indices["j"]}
    eq, catalog = declared(lambda: [(r - u) * (r - u ** 2) * (r - u ** 3), sp.Integer(0)],
                           sizeless_space("u", power))
    proof = prove_link(eq, 0, catalog)
    assert proof.category != "all sizes" and "about j" in proof.reason
    square = {"r": lambda values, indices: values["u"] ** 2}
    twin, twin_catalog = declared(lambda: [(r - u) * (r - u ** 2) * (r - u ** 3), sp.Integer(0)],
                                  sizeless_space("u", square))
    assert prove_link(twin, 0, twin_catalog).category == "all sizes"


# -- (c) a stored proof and a library-wrapped helper of the space ---------------------------------------------------

def edited_helper(version):
    """One helper, before ("a") and after ("b") an edit: the same module, name and qualified name, other code."""
    if version == "a":
        def helper(value):
            return value ** 2
    else:
        def helper(value):
            return value ** 2 + (value - 0.5) * (value - 2.0)
    return helper


class _Holder:
    def __init__(self, fn):
        self.fn = fn

    def apply(self, value):
        return self.fn(value)


def _wrappers():
    import functools
    import types

    return {
        "np.vectorize": lambda h: np.vectorize(h, otypes=[object]),
        "functools.lru_cache": lambda h: functools.lru_cache(maxsize=None)(h),
        "functools.cache": lambda h: functools.cache(h),
        "functools.partial": lambda h: functools.partial(h),
        "functools.singledispatch": lambda h: functools.singledispatch(h),
        "bound method": lambda h: _Holder(h).apply,
        "method of a function": lambda h: types.MethodType(h, 0.5),
        "builtin bound method": lambda h: {"helper": h}.get,
        "np.frompyfunc": lambda h: np.frompyfunc(h, 1, 1),
        "lambdify": lambda h: sp.lambdify(u, h(u)),
    }


def space_calling(helper):
    """A sizeless space whose derived value r is the (wrapped) helper of u."""
    def derived(values, indices):
        out = helper(values["u"])
        return out.item() if np.ndim(out) == 0 and hasattr(out, "item") else out

    def sample(rng):
        return [Point("random", {}, {"u": value}, {"r": derived}) for value in (0.5, 2.0)]

    def every(sizes, free):
        yield Point("no size", {}, {"u": 0.0}, {"r": derived})

    return Space(sample, every, {}, {}, name="own")


def test_an_edit_of_a_wrapped_helper_changes_the_fingerprint_for_every_wrapper_kind():
    from derivations.equations.fingerprint import fingerprint

    changed = {kind: fingerprint(space_calling(wrap(edited_helper("a")))) !=
               fingerprint(space_calling(wrap(edited_helper("b")))) for kind, wrap in _wrappers().items()}
    assert all(changed.values()), [kind for kind, differs in changed.items() if not differs]
    # the same code wrapped twice is the same key (a stored proof is reused), except np.frompyfunc's, whose code
    # cannot be read (keyed to the object: never reused rather than reused wrongly)
    same = {kind: fingerprint(space_calling(wrap(edited_helper("a")))) ==
            fingerprint(space_calling(wrap(edited_helper("a")))) for kind, wrap in _wrappers().items()}
    assert [kind for kind, equal in same.items() if not equal] == ["np.frompyfunc"]
    assert fingerprint(np.vectorize(sp.exp, otypes=[object])) == fingerprint(np.vectorize(sp.exp, otypes=[object]))


def test_a_stored_proof_is_not_reused_after_a_vectorized_helper_was_edited():
    # r = u^2 proved with r computed as np.vectorize(helper)(u); helper edited to u^2 + (u - 1/2)(u - 2), zero at
    # the sampled u = 1/2, 2: the proof key did not change, and the stored "all sizes" proof was reused
    from derivations.equations.prover import proof_key

    r = sp.Symbol("r", real=True)
    store, keys, records = {}, [], []
    for version in ("a", "b"):
        eq, catalog = declared(lambda: [r, u ** 2], space_calling(np.vectorize(edited_helper(version), otypes=[object])))
        keys.append(proof_key(eq, catalog))
        records.append(check_equation(eq, catalog, proofs_done=store))
    assert keys[0] != keys[1]
    assert records[0].mark == "all sizes" and records[1].result == "fail"


# -- (d) a fixed-size statement that sums over the fixed size without naming it -------------------------------------

def test_an_inner_product_in_a_fixed_size_space_is_marked_for_that_size_only():
    # s^T s = s_1^2 + s_2^2 in logits(classes=(2,), fixed=True) was marked "all sizes": the inner product sums over
    # C without naming it, false at C = 3, s = (0, 0, 1)
    from derivations.equations import points as pts
    from derivations.equations.notation import Dot, Norm

    s = sp.Symbol("s", real=True)
    S = sp.IndexedBase("s")
    shapes = {"problem_options": {"shapes": {"s": ("C",), "t": ("C",)}}}
    for sides in (lambda: [Dot(s, s), S[1] ** 2 + S[2] ** 2], lambda: [Norm(s) ** 2, S[1] ** 2 + S[2] ** 2]):
        eq, catalog = declared(sides, pts.logits(classes=(2,), fixed=True), **shapes)
        proof = prove_link(eq, 0, catalog)
        assert proof.proved and proof.category == "range" and "C = 2" in proof.scope, sides()
        assert check_equation(eq, catalog).mark == "range"
    # the twin: the same statement written with the entries only is about two classes, as its space says
    twin, twin_catalog = declared(lambda: [S[1] * S[1] + S[2] * S[2], S[1] ** 2 + S[2] ** 2],
                                  pts.logits(classes=(2,), fixed=True), **shapes)
    proof = prove_link(twin, 0, twin_catalog)
    assert proof.category == "all sizes" and "C = 2" in proof.scope


def test_the_stock_two_class_statements_keep_their_marks():
    from derivations.equations.prover import _fixed_size_in_sides

    about_c = {eq.id: [_fixed_size_in_sides(eq, n, CATALOG) for n in range(len(eq.sides) - 1)]
               for eq in CATALOG if getattr(eq.space, "fixed", ())}
    assert about_c["two-class-softmax"] == [False, False, False] and about_c["two-class-complement"] == [False]
    assert about_c["ce-binary"] == [True] and about_c["ce-is-bce"] == [True, False]
