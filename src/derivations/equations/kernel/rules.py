"""The kernel's rules: each a named function that rewrites an obligation without changing its value, or splits it
into cases that together cover it. Each docstring is the rule's soundness argument; each rule has a unit test of
its own in ``tests/test_kernel.py`` (a true instance proved, a near miss refused).
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy.core.relational import Relational

__all__ = ["expand", "canonical_sums", "normal_sums", "opaque_sums", "split_sums", "sum_rules", "implied",
           "discharge_ranges", "delta_cases", "distinct_deltas", "solve_for", "undefined_at", "undefined_among"]

SIZE_NAMES = ("C", "N", "D")


def expand(expr):
    """``sp.expand``, but an exponential of a sum stays one (sympy would make it a ``Product``)."""
    return sp.expand(expr, power_exp=False) if isinstance(expr, sp.Basic) and expr.has(sp.Sum) else sp.expand(expr)


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


def _split_exp(e):
    """exp(a + b) as exp(a) exp(b), where no sum is inside (exact for every a, b)."""
    return e.replace(lambda x: isinstance(x, sp.exp) and isinstance(x.args[0], sp.Add) and not x.args[0].has(sp.Sum),
                     lambda x: sp.Mul(*[sp.exp(t) for t in x.args[0].args]))


def normal_sums(expr):
    """Rule *linearity*: a sum split over the terms of its body, every factor free of the index taken out."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        var, lo, hi = expr.limits[0]
        out = sp.Integer(0)
        for term in sp.Add.make_args(expand(_split_exp(normal_sums(expr.function)))):
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
            (var, lo, hi), = e.limits
            positive = bool((hi - lo).is_nonnegative) and bool(e.function.is_positive)
            table[e] = sp.Dummy(f"sum{len(table)}", positive=True) if positive else \
                sp.Dummy(f"sum{len(table)}", real=True)
        return table[e]

    return expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1, opaque)


def split_sums(expr):
    """Rule *one sum per range*: (bodies by range, rest), the terms ``c * Sum(f, (k, lo, hi))`` with ``c`` free of
    ``k`` gathered into one body per range (sums over the same range add). The expression is zero if every body is
    zero for every value of its index and the rest is zero."""
    groups, rest = {}, []
    for term in sp.Add.make_args(expand(expr)):
        factors = sp.Mul.make_args(term)
        sums = [f for f in factors if isinstance(f, sp.Sum) and len(f.limits) == 1]
        if len(sums) != 1 or sp.Mul(*[f for f in factors if f is not sums[0]]).has(sums[0].limits[0][0]):
            rest.append(term)
            continue
        total = sums[0]
        groups.setdefault(total.limits[0], []).append(sp.Mul(*[f for f in factors if f is not total]) * total.function)
    return {limits: sp.Add(*bodies) for limits, bodies in groups.items()}, sp.Add(*rest)


def _delta_of(e, k):
    if isinstance(e, sp.KroneckerDelta) and k in e.args:
        return e
    if isinstance(e, sp.Pow) and isinstance(e.base, sp.KroneckerDelta) and k in e.base.args and e.exp.is_Integer \
            and e.exp > 0:
        return e.base  # a delta is 0 or 1
    return None


def _sum_one(body, k, lo, hi, holds):
    out, rest = sp.Integer(0), []
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
        rest.append(sp.Mul(*[f for f in factors if not f.has(k)]) * sp.Sum(sp.Mul(*[f for f in factors if f.has(k)]),
                                                                            (k, lo, hi)))
    return out + sp.Add(*rest)


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
    if expr.is_Rational:
        return expr > 0 if strict else expr >= 0
    symbols = sorted(expr.free_symbols, key=sp.default_sort_key)
    if not all(s.is_integer and s.is_nonnegative for s in symbols):
        return False
    try:
        poly = sp.Poly(expr, *symbols)
    except sp.PolynomialError:
        return False
    coeffs = dict(poly.terms())
    if not all(c.is_Rational and c >= 0 for c in coeffs.values()):
        return False
    constant = coeffs.get((0,) * len(symbols), sp.Integer(0))
    return constant > 0 if strict else True


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
    sizes = {getattr(s, "name", s) for s in symbols if s.name in SIZE_NAMES}
    size_of = {name: sp.Symbol(name, integer=True, positive=True) for name in SIZE_NAMES}
    shifted = {s: 1 + sp.Dummy(f"t_{s.name}", integer=True, nonnegative=True) for s in symbols if s.name in sizes}
    options = []
    for s in symbols:
        if s.name in sizes:
            continue
        slack = sp.Dummy(f"slack_{s.name}", integer=True, nonnegative=True)
        size = ranges.get(s) or bounds.get(s.name)
        size = getattr(size, "name", size)
        ends = [1 + slack] + ([size_of[size].xreplace(shifted) - slack if size in size_of else None] if size else [])
        options.append([(s, e) for e in ends if e is not None])
    big, small = (rel.lhs, rel.rhs) if isinstance(rel, (sp.GreaterThan, sp.StrictGreaterThan)) else (rel.rhs, rel.lhs)
    strict = isinstance(rel, (sp.StrictGreaterThan, sp.StrictLessThan))
    for choice in itertools.product(*options):
        values = {**{s: shifted[s] for s in symbols if s in shifted}, **dict(choice)}
        values.update({size_of[n]: v for n, v in ((s.name, v) for s, v in shifted.items())})
        if _nonnegative_polynomial((big - small).xreplace(values).xreplace(values), strict):
            return True
    return False


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


def _substitutable(e):
    return isinstance(e, sp.Symbol) or (isinstance(e, sp.Indexed) and e.is_integer)


def delta_cases(expr, delta):
    """Rule *delta cases*: (case 0, case 1) of ``delta``: 0, and 1 with one argument written as the other (valid
    where they are equal); case 1 is None where neither argument can be substituted (then not proved)."""
    a, b = delta.args
    zero = expr.xreplace({delta: sp.Integer(0)})
    if _substitutable(a):
        return zero, expr.xreplace({delta: sp.Integer(1)}).xreplace({a: b})
    if _substitutable(b):
        return zero, expr.xreplace({delta: sp.Integer(1)}).xreplace({b: a})
    return zero, None


def solve_for(condition, free):
    """Rule *equal case*: (x, value) with ``condition = 0`` exactly when ``x = value``, for a real symbol or entry x
    in which it is linear with a nonzero numeric slope; None if there is none."""
    for x in sorted(condition.atoms(sp.Symbol, sp.Indexed), key=sp.default_sort_key):
        if x.is_integer or (isinstance(x, sp.Symbol) and x not in free) or (isinstance(x, sp.Indexed) and not (
                x.free_symbols <= free)):
            continue
        try:
            poly = sp.Poly(condition, x)
        except sp.PolynomialError:
            continue
        if poly.degree() != 1:
            continue
        slope, rest = poly.all_coeffs()
        if slope.is_number and slope != 0 and not rest.has(x):
            return x, -rest / slope
    return None


def undefined_at(expr):
    """Rule *defined everywhere*: the first denominator of ``expr`` (the base of a negative power) not shown
    nonzero for every value, else None. The kernel proves a difference zero at every point, and a side that is
    0/0 at a point has no value there: ``(u**2 - 1)/(u - 1) - (u + 1)`` cancels to 0 but is undefined at u = 1.
    A denominator is nonzero when sympy's assumptions say so (exp(m) with m real, 1 + exp(m), a positive sum), of
    it or of the numerator and denominator of it written as one fraction (:func:`_nonzero`)."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and node.exp.is_negative and not node.base.is_number:
            if not _nonzero(node.base):
                return node.base
        hidden = _HIDDEN_DENOMINATOR.get(type(node))
        if hidden is not None and not node.args[0].is_number and not _nonzero(hidden(node.args[0])):
            return hidden(node.args[0])  # tan u is sin u / cos u: undefined where cos u = 0
    return None


def undefined_among(denominators):
    """Rule *defined everywhere*, for the denominators the sides divide by as written (recorded before sympy
    combined anything: ``u**3 * u**-1`` is built as ``u**2``): the first not shown nonzero for every value (as in
    :func:`undefined_at`: by sympy's assumptions, of it or of it written as one fraction), else None. A
    difference proved zero is zero only where every one of them is nonzero."""
    for denominator in denominators:
        denominator = sp.sympify(denominator)
        if denominator.is_number:
            if denominator.is_zero:
                return denominator
            continue
        if not _nonzero(denominator):
            return denominator
    return None


_HIDDEN_DENOMINATOR = {sp.tan: sp.cos, sp.sec: sp.cos, sp.cot: sp.sin, sp.csc: sp.sin, sp.tanh: sp.cosh,
                       sp.coth: sp.sinh, sp.sech: sp.cosh, sp.csch: sp.sinh}


def _nonzero(base):
    """Whether sympy's assumptions show ``base`` nonzero, as it is or as one fraction (1 - 1/(1 + e^-z) is
    e^-z / (1 + e^-z)), whose numerator and denominator are then asked."""
    base = opaque_sums(base)  # a sum of a positive body over a range that is not empty is positive
    if base.is_nonzero or base.is_positive or base.is_negative:
        return True
    numerator, denominator = sp.together(base).as_numer_denom()
    return any(bool(n.is_nonzero or n.is_positive or n.is_negative) for n in (numerator, sp.factor(numerator))) and \
        bool(denominator.is_nonzero or denominator.is_positive or denominator.is_negative)
