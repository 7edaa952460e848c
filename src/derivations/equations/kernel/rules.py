"""The kernel's rules: each a named function that rewrites an obligation without changing its value, or splits it
into cases that together cover it. Each docstring is the rule's soundness argument; each rule has a unit test of
its own in ``tests/test_kernel.py`` (a true instance proved, a near miss refused).
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational

__all__ = ["exact", "atom_powers", "atoms_outside_sums", "expand", "canonical_sums", "normal_sums", "opaque_sums",
           "split_sums", "sum_rules", "implied", "discharge_ranges", "delta_cases", "free_delta", "distinct_deltas",
           "solve_for", "undefined_at", "undefined_among"]

SIZE_NAMES = ("C", "N", "D")


def expand(expr):
    """``sp.expand``, but an exponential of a sum stays one (sympy would make it a ``Product``)."""
    return sp.expand(expr, power_exp=False) if isinstance(expr, sp.Basic) and expr.has(sp.Sum) else sp.expand(expr)


def exact(expr):
    """``expr`` with each float the rational it stands for: 1e20 + 1 - 1e20 is 1, never 0."""
    expr = sp.sympify(expr)
    return expr.xreplace({f: sp.Rational(f) for f in expr.atoms(sp.Float)}) if expr.has(sp.Float) else expr


def atom_powers(expr, atom):
    """Rule *b**n = b*: a positive integer power of an atom (0 or 1) is the atom; then expanded, bound variables
    renamed (:func:`canonical_sums`)."""
    return canonical_sums(expand(expand(expr).replace(
        lambda e: e.is_Pow and atom(e.base) and e.exp.is_Integer and e.exp > 0, lambda e: e.base)))


def atoms_outside_sums(expr, atom):
    """The atoms of ``expr`` (``atom(e)`` says which) not inside a sum, in a fixed order: each is one 0/1 value."""
    sums = expr.atoms(sp.Sum)
    return sorted((a for a in expr.atoms(sp.Symbol, AppliedUndef) if atom(a) and not any(s.has(a) for s in sums)),
                  key=sp.default_sort_key)


# bound variables by nesting depth: dummies, so that no author's symbol is captured, the same ones every time, so
# that equal sums stay equal
_DEPTH_POSITIVE = [sp.Dummy(f"k{d}", integer=True, positive=True) for d in range(64)]
_DEPTH_INTEGER = [sp.Dummy(f"k{d}", integer=True) for d in range(64)]
_DEPTH_OF = {d: n for table in (_DEPTH_POSITIVE, _DEPTH_INTEGER) for n, d in enumerate(table)}


def canonical_sums(expr, depth=None):
    """Rule *rename bound variables*: every sum's bound variable renamed by nesting depth, bodies expanded.

    Renaming a bound variable to one that occurs nowhere free in the sum changes nothing. Numbering starts past
    every depth variable already free in ``expr`` (the body of an outer sum, whose own bound variable is free in
    it, is canonical again when the kernel recurses into it): an inner sum is never renamed onto a free variable,
    which would capture it and compare the diagonal of a double sum only."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if depth is None:
        depth = 1 + max([_DEPTH_OF[s] for s in expr.free_symbols if s in _DEPTH_OF], default=0)
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        var, lo, hi = expr.limits[0]
        lo, hi = canonical_sums(lo, depth), canonical_sums(hi, depth)
        fresh = (_DEPTH_POSITIVE if (lo - 1).is_nonnegative else _DEPTH_INTEGER)[depth]
        body = canonical_sums(expr.function.xreplace({var: fresh}), depth + 1)
        return sp.Sum(expand(body), (fresh, lo, hi))
    return expr.func(*[canonical_sums(a, depth) for a in expr.args])


def normal_sums(expr):
    """Rule *linearity*: a sum split over the terms of its body, every factor free of the index taken out, and
    exp(a + b) as exp(a) exp(b) first where no sum is inside (exact for every a, b)."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        var, lo, hi = expr.limits[0]
        out = sp.Integer(0)
        body = normal_sums(expr.function).replace(
            lambda x: isinstance(x, sp.exp) and isinstance(x.args[0], sp.Add) and not x.args[0].has(sp.Sum),
            lambda x: sp.Mul(*[sp.exp(t) for t in x.args[0].args]))
        for term in sp.Add.make_args(expand(body)):
            factors = sp.Mul.make_args(term)
            constant = sp.Mul(*[f for f in factors if not f.has(var)])
            out += constant * sp.Sum(sp.Mul(*[f for f in factors if f.has(var)]), (var, lo, hi))
        return out
    return expr.func(*[normal_sums(a) for a in expr.args])


def opaque_sums(expr):
    """Rule *opaque sums*: each sum (innermost first) a fresh symbol, real, or positive for a positive body over a
    range that is not empty. A value the rest of the kernel knows nothing about but what is true of it."""
    table = {}

    def opaque(e):
        if e not in table:
            positive = bool((e.limits[0][2] - e.limits[0][1]).is_nonnegative) and bool(e.function.is_positive)
            table[e] = sp.Dummy(f"sum{len(table)}", **({"positive": True} if positive else {"real": True}))
        return table[e]

    return expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1, opaque)


def split_sums(expr, first=lambda factor: 0):
    """Rule *one sum per range*: (bodies by range, rest), each term ``c * Sum(f, (k, lo, hi))`` with ``k`` not free
    in ``c`` written inside its sum (``c sum_k f(k) = sum_k c f(k)``; of a term with several sums, the first by the
    key ``first``), and the sums over one range added into one body. The expression is zero if every body is zero
    for every value of its index and the rest is zero; >= 0 if each body is >= 0 for every value of its index, the
    range not reversed (an empty sum is 0), and the rest is >= 0 (rule *termwise sums*)."""
    groups, rest = {}, []
    for term in sp.Add.make_args(expand(expr)):
        factors = sp.Mul.make_args(term)
        sums = sorted((f for f in factors if isinstance(f, sp.Sum) and len(f.limits) == 1), key=first)
        others = sp.Mul(*[f for f in factors if not sums or f is not sums[0]])
        if not sums or sums[0].limits[0][0] in others.free_symbols:
            rest.append(term)
            continue
        groups.setdefault(sums[0].limits[0], []).append(others * sums[0].function)
    return {limits: sp.Add(*bodies) for limits, bodies in groups.items()}, sp.Add(*rest)


def _delta_of(e, k):
    """``e`` as a Kronecker delta of ``k``: itself, or the base of a positive power of it (a delta is 0 or 1)."""
    base = e.base if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0 else e
    return base if isinstance(base, sp.KroneckerDelta) and k in base.args else None


def _sum_one(body, k, lo, hi, holds):
    out = sp.Integer(0)
    ordered = holds(sp.Ge(hi - lo + 1, 0))  # a range that cannot be reversed: its count of terms is hi - lo + 1
    for term in sp.Add.make_args(sp.expand(body, power_exp=False)):
        if not term.has(k):
            out += (hi - lo + 1) * term if ordered else term * sp.Sum(1, (k, lo, hi))
            continue
        factors = sp.Mul.make_args(term)
        delta = next((d for d in (_delta_of(f, k) for f in factors) if d is not None), None)
        other = None if delta is None else (delta.args[1] if delta.args[0] == k else delta.args[0])
        if other is not None and not other.has(k):
            value = sp.Mul(*[f for f in factors if _delta_of(f, k) is not delta]).xreplace({k: other})
            inside = sp.And(sp.Ge(other, lo), sp.Le(other, hi))
            out += value if holds(inside) else sp.Piecewise((value, inside), (0, True))
            continue
        out += sp.Mul(*[f for f in factors if not f.has(k)]) * sp.Sum(sp.Mul(*[f for f in factors if f.has(k)]),
                                                                      (k, lo, hi))
    return out


def sum_rules(expr, holds):
    """Rules *constant term* and *delta*, innermost first: a term free of the index summed over ``lo..hi`` is
    ``(hi - lo + 1)`` times it where ``holds`` shows ``hi >= lo - 1`` (sympy's ``Sum`` counts a reversed range
    negative; ours is empty, so such a sum stays); ``sum over k of delta(k, a) f(k)`` is ``f(a)`` where ``holds``
    shows ``lo <= a <= hi``, else a Piecewise that the kernel refuses. Sympy's ``Sum.doit`` is never called: on
    sums of unknown functions of the index it returned ``N f(N) - f(1) + f(N)``."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum):
        body = sum_rules(expr.function, holds)
        for k, lo, hi in expr.limits:  # the first limit is the innermost
            body = _sum_one(body, k, lo, hi, holds)
        return body
    return expr.func(*[sum_rules(a, holds) for a in expr.args])


def _nonnegative_polynomial(expr, strict):
    """Whether ``expr`` >= 0 (> 0 if strict) for all values of its symbols, all nonnegative integers: it expands to
    a polynomial whose coefficients are all nonnegative (its constant positive, if strict). Exact; no simplify."""
    expr = sp.expand(expr)
    symbols = sorted(expr.free_symbols, key=sp.default_sort_key)
    if not all(s.is_integer and s.is_nonnegative for s in symbols):
        return False
    try:
        terms = sp.Poly(expr, *symbols).as_dict() if symbols else {(): expr}
    except sp.PolynomialError:
        return False
    constant = terms.get((0,) * len(symbols), sp.Integer(0))
    return all(c.is_Rational and c >= 0 for c in terms.values()) and (constant > 0 or not strict)


def implied(rel, bounds, labels=()):
    """Rule *range facts*: whether the integer relation ``rel`` holds for every value of its indices in their
    ranges (1..size) and every size >= 1.

    ``bounds`` maps an index name to its size; a label ``y[i]`` is an index bounded by ``bounds["y_i"]`` (or C).
    Each size is ``1 + t``, each index ``1 + slack`` or ``size - slack``, with ``t, slack >= 0`` integers; either
    choice covers the index's whole range, so if ``lhs - rhs`` is then a polynomial with nonnegative coefficients
    in those nonnegative integers (``> 0`` for a strict relation), ``rel`` holds everywhere. Decided exactly."""
    if rel in (sp.true, sp.false):
        return rel == sp.true
    if isinstance(rel, sp.And):
        return all(implied(part, bounds, labels) for part in rel.args)
    if not isinstance(rel, (sp.GreaterThan, sp.StrictGreaterThan, sp.LessThan, sp.StrictLessThan)):
        return False
    swap, ranges = {}, {}
    for node in rel.atoms(sp.Indexed):
        name = node.base.label.name
        if name in labels and node.is_integer:
            fresh = sp.Dummy(f"label{len(swap)}", integer=True, positive=True)
            swap[node] = fresh
            ranges[fresh] = bounds.get(f"{name}_i") or bounds.get("y_i") or "C"
    rel = rel.xreplace(swap)
    symbols = sorted(rel.free_symbols, key=lambda s: s.name)
    if not symbols or any(not s.is_integer for s in symbols):
        return False
    # each size 1 + t; an index's end, a size named in ``bounds``, is the size of that name as the prover declares it
    # A Dummy (a bound variable the kernel renamed, k0, k1, ...) is never the author's index of the same name
    size_of = {name: sp.Symbol(name, integer=True, positive=True) for name in SIZE_NAMES}
    named = lambda s: None if isinstance(s, sp.Dummy) else s.name  # noqa: E731
    shift = {s: 1 + sp.Dummy(f"t_{s.name}", integer=True, nonnegative=True) for s in [*symbols, *size_of.values()]
             if named(s) in SIZE_NAMES}
    options = []
    for s in symbols:
        end = ranges.get(s) or bounds.get(named(s))
        end = getattr(end, "name", end)
        if s not in shift and end is None and not s.is_positive:
            return False  # an integer of no known range: not an index from 1
        slack = sp.Dummy(f"slack_{s.name}", integer=True, nonnegative=True)
        options.append([shift[s]] if s in shift else [1 + slack] + ([shift[size_of[end]] - slack] if end in size_of
                                                                     else []))
    big, small = (rel.lhs, rel.rhs) if isinstance(rel, (sp.GreaterThan, sp.StrictGreaterThan)) else (rel.rhs, rel.lhs)
    strict = isinstance(rel, (sp.StrictGreaterThan, sp.StrictLessThan))
    return any(_nonnegative_polynomial((big - small).xreplace(dict(zip(symbols, choice))), strict)
               for choice in itertools.product(*options))


def discharge_ranges(expr, holds):
    """Rule *range facts* applied: each relation sympy attaches to a sum (1 <= k, k <= C) that ``holds`` shows
    true is replaced by True; the Piecewise left, if any, is refused by the kernel."""
    relations = [r for r in expr.atoms(Relational) if holds(r)]
    return expr.xreplace({r: sp.true for r in relations}) if relations else expr


def distinct_deltas(expr, distinct):
    """Rule *distinct indices*: ``KroneckerDelta(a, b)`` is 0 where the obligation states ``a != b`` (two
    representatives of different blocks of one pattern of equal indices, in the same range)."""
    zero = {d: sp.Integer(0) for d in expr.atoms(sp.KroneckerDelta)
            if any(d.args[0] in group and d.args[1] in group and d.args[0] != d.args[1] for group in distinct)}
    return expr.xreplace(zero) if zero else expr


def free_delta(expr):
    """The first Kronecker delta of ``expr`` whose arguments are free in it (not a sum's bound index: such a delta is
    0 for some values of the index and 1 for others, no one case) and not both numbers; None if there is none."""
    free = expr.free_symbols
    return next((d for d in sorted(expr.atoms(sp.KroneckerDelta), key=sp.default_sort_key)
                 if d.free_symbols <= free and not (d.args[0].is_number and d.args[1].is_number)), None)


def delta_cases(expr, delta):
    """Rule *delta cases*: (case 0, case 1) of ``delta``: 0, and 1 with one argument written as the other (valid
    where they are equal); case 1 is None where neither argument can be substituted (then not proved)."""
    zero = expr.xreplace({delta: sp.Integer(0)})
    for x, value in (delta.args, delta.args[::-1]):
        if isinstance(x, sp.Symbol) or (isinstance(x, sp.Indexed) and x.is_integer):
            return zero, expr.xreplace({delta: sp.Integer(1)}).xreplace({x: value})
    return zero, None


def solve_for(condition, free):
    """Rule *equal case*: (x, value) with ``condition = 0`` exactly when ``x = value``, for a real symbol or entry x
    in which it is linear with a nonzero numeric slope; None if there is none."""
    for x in sorted(condition.atoms(sp.Symbol, sp.Indexed), key=sp.default_sort_key):
        if x.is_integer or not (x.free_symbols <= free if isinstance(x, sp.Indexed) else x in free):
            continue
        try:
            slope, rest = sp.Poly(condition, x).all_coeffs()  # degree 1, else a ValueError
        except (sp.PolynomialError, ValueError):
            continue
        if slope.is_number and slope != 0 and not rest.has(x):
            return x, -rest / slope
    return None


def undefined_at(expr):
    """Rule *defined everywhere*: the first denominator of ``expr`` (the base of a negative power) not shown
    nonzero for every value, else None. The kernel proves a difference zero at every point, and a side that is
    0/0 at a point has no value there: ``(u**2 - 1)/(u - 1) - (u + 1)`` cancels to 0 but is undefined at u = 1.
    A denominator is nonzero when sympy's assumptions say so (exp(m) with m real, 1 + exp(m), a positive sum), of
    it or of the numerator and denominator of it written as one fraction (:func:`_nonzero`)."""
    nodes = list(sp.preorder_traversal(expr))
    bases = [n.base for n in nodes if isinstance(n, sp.Pow) and n.exp.is_negative and not n.base.is_number]
    hidden = [_HIDDEN_DENOMINATOR[type(n)](n.args[0]) for n in nodes if type(n) in _HIDDEN_DENOMINATOR
              and not n.args[0].is_number]  # tan u is sin u / cos u: undefined where cos u = 0
    return undefined_among(bases + hidden)


def undefined_among(denominators):
    """Rule *defined everywhere*, for the denominators the sides divide by as written (recorded before sympy
    combined anything: ``u**3 * u**-1`` is built as ``u**2``): the first not shown nonzero for every value (as in
    :func:`undefined_at`: by sympy's assumptions, of it or of it written as one fraction), else None. A
    difference proved zero is zero only where every one of them is nonzero."""
    return next((d for d in map(sp.sympify, denominators) if (d.is_zero if d.is_number else not _nonzero(d))), None)


_HIDDEN_DENOMINATOR = {sp.tan: sp.cos, sp.sec: sp.cos, sp.cot: sp.sin, sp.csc: sp.sin, sp.tanh: sp.cosh,
                       sp.coth: sp.sinh, sp.sech: sp.cosh, sp.csch: sp.sinh}


def _nonzero(base):
    """Whether sympy's assumptions show ``base`` nonzero, as it is or as one fraction (1 - 1/(1 + e^-z) is
    e^-z / (1 + e^-z)), whose numerator and denominator are then asked."""
    sure = lambda e: bool(e.is_nonzero or e.is_positive or e.is_negative)  # noqa: E731
    base = opaque_sums(base)  # a sum of a positive body over a range that is not empty is positive
    if sure(base):
        return True
    numerator, denominator = sp.together(base).as_numer_denom()
    return (sure(numerator) or sure(sp.factor(numerator))) and sure(denominator)
