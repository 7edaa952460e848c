"""0/1 atoms for the conditions of maxima, absolute values and indicators of values.

A condition ``u > 0`` on values becomes a *sign atom* ``b``, and ``max(0, u)`` is
``u b``, ``|u|`` is ``(2b - 1) u``, ``1(u > 0)`` is ``b``: exact wherever
``u`` is not zero. The prover then treats every atom as an unknown 0 or 1, so
that a statement shown zero for every assignment is zero at the true one
(:mod:`derivations.equations.kernel`). The zero sets ``u = 0`` are the kinks:
there a non-strict condition (``u >= 0``) and the strict one differ, and a
derivative of ``b u`` taken with ``b`` held constant is not a derivative.

**One atom per term.** A condition whose expression holds indices (``s_k -
s_{y_i} + 1`` inside a sum over ``k``) is one atom for *each value* of its
indices: an applied sign function ``b1(k, y_i)``, the same function for the
same condition at other indices (``b1(j, y_i)``), so that a sum's term at
``k = j`` is the free term at ``j``. Two terms of a sum never share an atom.

**Indices are not values.** A comparison of indices (``k <= p``, ``j = y_i``)
has no kink: ``k = p`` is an ordinary case. Such a comparison is refused here
(:class:`IndexComparison`); the evaluator decides it exactly where the indices
are numbers, and the prover splits it into cases.

**Equalities of values** (``1(s_j = s_k)``) are atoms of their own, decided
only where the two sides are the same expression (then 1) or differ by a
non-zero number (then 0); otherwise both values are kept.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.interpret import COMPARE as _COMPARE
from derivations.equations.kernel import certified_sign

__all__ = ["Regions", "IndexComparison", "index_atoms", "is_index_like"]


def _sign(u):
    """The sign of the number ``u``, told for certain (kernel.certified_sign), or a ValueError: never sympy's own
    comparison, which trusts an evalf that is wrong near log 1."""
    sign = certified_sign(u)
    if sign is None:
        raise ValueError(f"cannot tell the sign of {u} for certain")
    return sign


_ENTIRE_FUNCTIONS = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh)


def _entire(e):
    """Whether ``e`` is, as written, an entire function of its real values: numbers, symbols and entries, sums and
    products, whole powers, a positive number to an entire power, exp, sin, cos, sinh and cosh of entire arguments,
    finite sums of entire terms, and Kronecker deltas of indices (constants in the values)."""
    if isinstance(e, (sp.Symbol, sp.Indexed, sp.Idx)):
        return True
    if e.is_Number:
        return e.is_real is True
    if isinstance(e, (sp.Add, sp.Mul)) or isinstance(e, _ENTIRE_FUNCTIONS):
        return all(_entire(a) for a in e.args)
    if isinstance(e, sp.Pow):
        base, power = e.args
        if power.is_Integer and power >= 0:
            return _entire(base)
        return base.is_Number and base.is_positive is True and _entire(power)
    if isinstance(e, sp.KroneckerDelta):
        return all(is_index_like(a) for a in e.args)
    if isinstance(e, sp.Sum):
        return _entire(e.function) and all(is_index_like(a) for lim in e.limits for a in lim[1:])
    return False


def null_zero_set(diff):
    """Whether the set where ``diff`` = 0 has measure zero, at every size and index value, so that an equality of it
    may be left out off the kinks.

    Soundness: an entire function of real variables (:func:`_entire`) that is not identically zero has a zero set of
    measure zero (it is real-analytic on the connected space R^n). It is not identically zero where (1) its value
    with every real value 0 is a number sympy's assumptions show nonzero (a margin s_j - s_y + 1 is 1 there), or (2)
    it is a polynomial in one value v, found outside every sum and no other entry of v's array beside it (s_k and s_y
    may be one entry at k = y), whose leading coefficient is a nonzero number. Anything else is not shown: the
    equality is kept as an atom, exactly (a floor, an arctan of 1/u, a named function)."""
    diff = sp.sympify(diff)
    if not _entire(diff):
        return False
    sums = diff.atoms(sp.Sum)
    bound = set().union(*(s.variables for s in sums))
    values = {a for a in diff.atoms(sp.Symbol, sp.Indexed) if not a.is_integer and a not in bound}  # sums' too
    if sp.sympify(diff.xreplace({a: sp.Integer(0) for a in values})).doit().is_nonzero:
        return True
    inside = set().union(*(s.function.atoms(sp.Symbol, sp.Indexed) for s in sums))
    for v in values - inside:
        if isinstance(v, sp.Indexed) and any(isinstance(b, sp.Indexed) and b.base == v.base and b != v
                                             for b in values):
            continue
        try:
            poly = sp.Poly(diff, v)
        except sp.PolynomialError:
            continue
        if poly.degree() >= 1 and poly.LC().is_Number and poly.LC() != 0:
            return True
    return False


class IndexComparison(ValueError):
    """A condition compares indices or labels only: no sign region, an exact case."""


def is_index_like(expr):
    """Whether ``expr`` is built of integers, integer symbols and integer-valued indexed labels only."""
    expr = sp.sympify(expr)
    if isinstance(expr, sp.Integer):
        return True
    if isinstance(expr, (sp.Symbol, sp.Indexed)):
        return bool(expr.is_integer)
    if isinstance(expr, (sp.Add, sp.Mul)):
        return all(is_index_like(a) for a in expr.args)
    return False


def index_atoms(expr):
    """The free integer atoms of ``expr`` (integer symbols, integer-valued indexed labels), not bound by a sum."""
    found = []

    def walk(e, bound):
        if isinstance(e, sp.Indexed) and e.is_integer:
            if not (e.free_symbols & bound):
                found.append(e)
            return
        if isinstance(e, sp.Symbol):
            if e.is_integer and e not in bound:
                found.append(e)
            return
        if isinstance(e, sp.Sum):
            inner = bound | {lim[0] for lim in e.limits}
            walk(e.function, inner)
            for lim in e.limits:
                for edge in lim[1:]:
                    walk(edge, bound)
            return
        if isinstance(e, sp.Indexed):
            for q in e.indices:
                walk(q, bound)
            return
        for a in getattr(e, "args", ()):
            walk(a, bound)

    walk(sp.sympify(expr), frozenset())
    return list(dict.fromkeys(found))


_PLACEHOLDERS = [sp.Dummy(f"a{n}", integer=True) for n in range(1, 9)]  # no author's symbol can be one of them
_BOUND = [sp.Dummy(f"s{n}", integer=True) for n in range(1, 64)]


def _canonical_bound(expr):
    """``expr`` with the bound variable of each sum renamed by its place (the same condition, the same key)."""
    counter = iter(_BOUND)

    def rename(e):
        if isinstance(e, sp.Sum) and len(e.limits) == 1:
            var, lo, hi = e.limits[0]
            fresh = next(counter)
            return sp.Sum(rename(e.function.xreplace({var: fresh})), (fresh, rename(lo), rename(hi)))
        if not isinstance(e, sp.Basic) or not e.args or isinstance(e, sp.Indexed):
            return e
        return e.func(*[rename(a) for a in e.args])

    return sp.expand(rename(sp.expand(expr)))


MAX_NESTED = 6  # inner atoms of a nested condition, split into 2**6 cases at most


class Regions:
    """Sign atoms (and equality atoms) for the conditions on values of a statement.

    ``variables`` lists every atom made (plain symbols, or applied sign functions
    such as ``b1(k, y_i)``); ``kinks`` the expressions whose zero set is a kink.
    """

    def __init__(self, ties=True):
        self.ties = ties  # exact at u = 0 (an atom for it); False: off the kinks, for statements with derivatives
        self.signs = {}  # canonical template -> sign symbol or sign function
        self.made = {}  # atom -> None (ordered set)
        self.conditions = {}  # atom -> ("sign", u): the atom is 1(u > 0); ("equal", u): 1(u = 0)
        self.kinks = []
        self.sources = []  # beside each kink: the node of the notation (or derived value) whose condition it is
        self.source = None
        self._count = 0

    # -- atoms ---------------------------------------------------------------------------
    def _atom(self, template_key, args, prefix):
        fn = self.signs.get(template_key)
        if fn is None:
            self._count += 1
            name = f"{prefix}{self._count}"
            fn = sp.Function(name) if args else sp.Symbol(name)
            self.signs[template_key] = fn
        atom = fn(*args) if args else fn
        self.made[atom] = None
        return atom

    @staticmethod
    def _template(u):
        """(key, args, flipped): ``u`` up to a renaming of its free index atoms and its sign.

        Every ordering of the index atoms and both orientations are tried, and the
        smallest printed form wins, so that the same condition at other indices
        (``s_k - s_y + 1`` and ``s_j - s_y + 1``) has the same key.
        """
        u = _canonical_bound(u)
        atoms = index_atoms(u)
        if len(atoms) > len(_PLACEHOLDERS):
            raise ValueError(f"a condition with {len(atoms)} indices: {u}")
        best = None
        for order in itertools.permutations(atoms) if len(atoms) <= 4 else [tuple(atoms)]:
            swap = dict(zip(order, _PLACEHOLDERS))
            for flip in (False, True):
                t = sp.expand(-u if flip else u).xreplace(swap)
                key = sp.srepr(t)
                if best is None or (len(key), key) < (len(best[0]), best[0]):
                    best = (key, tuple(order), flip)
        return best

    def _nested(self, u, make):
        """A condition on an expression that holds atoms itself (|r| - delta, with |r| an atom times r): the sum over
        the inner atoms' values of their product times the condition with them put in, so that [|r| > delta] is
        [r > 0][r > delta] + [r <= 0][-r > delta], each a condition of its own."""
        inner = [a for a in self.variables if u.has(a)]
        if not inner:
            return None
        if len(inner) > MAX_NESTED:  # never read as a plain condition: one whose atoms make it 0 on a half-line
            raise ValueError(f"a condition on a value that holds {len(inner)} other conditions ({u}): more than "
                             f"{MAX_NESTED}, not split here")
        out = sp.Integer(0)
        for combo in itertools.product((0, 1), repeat=len(inner)):
            weight = sp.Integer(1)
            for atom, value in zip(inner, combo):
                weight *= atom if value else 1 - atom
            out += weight * make(sp.expand(u.xreplace(dict(zip(inner, combo)))))
        return out

    def positive(self, u):
        """The indicator of ``u > 0``, exactly: ``1 - b - e`` for the opposite orientation of ``u`` (``e`` is u = 0)."""
        u = sp.expand(sp.sympify(u))
        nested = self._nested(u, self.positive)
        if nested is not None:
            return nested
        if u.is_number:
            if u.is_real is False:
                raise ValueError(f"a condition on a complex value: {u} > 0")
            return sp.Integer(1 if _sign(u) > 0 else 0)
        if is_index_like(u):
            raise IndexComparison(f"{u} > 0 compares indices, not values")
        if u.is_positive:  # a declared domain (delta > 0) decides it
            return sp.Integer(1)
        if u.is_nonpositive:  # u <= 0 everywhere: u > 0 never (u >= 0 is decided by equal(), not here)
            return sp.Integer(0)
        key, args, flipped = self._template(u)
        self.kinks.append(u)
        self.sources.append(self.source)
        b = self._atom(("sign", key), args, "b")
        canonical = -u if flipped else u
        self.conditions.setdefault(b, ("sign", canonical))
        if not flipped:
            return b
        # u > 0 is canonical < 0: not (canonical > 0), and not canonical = 0
        return 1 - b - self._equal_atom(canonical, key, args)

    def _equal_atom(self, diff, key, args):
        """1(diff = 0): an atom of its own where ties are exact; 0 off the kinks where the set diff = 0 has measure
        zero (:func:`null_zero_set`), and an atom otherwise (the zero set of ⌊u⌋ - 7000 is an interval, of s_k - s_y
        inside a sum over k the whole space at k = y: no "kink" to leave out)."""
        if not self.ties and null_zero_set(diff):
            return sp.Integer(0)
        e = self._atom(("equal", key), args, "e")
        self.conditions.setdefault(e, ("equal", diff))
        return e

    def equal(self, lhs, rhs):
        """The indicator of ``lhs = rhs`` between values: decided where the difference is known, else an atom."""
        diff = sp.expand(sp.sympify(lhs) - sp.sympify(rhs))
        nested = self._nested(diff, lambda d: self.equal(d, 0))
        if nested is not None:
            return nested
        if diff == 0:
            return sp.Integer(1)
        if diff.is_number:
            return sp.Integer(1 if _sign(diff) == 0 else 0)
        if is_index_like(diff):
            raise IndexComparison(f"{lhs} = {rhs} compares indices, not values")
        if diff.is_nonzero:
            return sp.Integer(0)
        key, args, flipped = self._template(diff)
        self.kinks.append(diff)
        self.sources.append(self.source)
        return self._equal_atom(-diff if flipped else diff, key, args)

    def at_least(self, u):
        """The indicator of ``u >= 0``, exactly: ``u > 0`` or ``u = 0``."""
        u = sp.expand(sp.sympify(u))
        if u.is_number:
            if u.is_real is False:
                raise ValueError(f"a condition on a complex value: {u} >= 0")
            return sp.Integer(1 if _sign(u) >= 0 else 0)
        if u.is_nonnegative:
            return sp.Integer(1)
        if u.is_negative:
            return sp.Integer(0)
        return self.positive(u) + self.equal(u, 0)

    def indicator(self, rel):
        """The indicator of a relation between values, exactly (``>=`` is ``>`` or ``=``).

        Where ties are not exact (``ties=False``: statements with derivatives,
        which hold off the kinks only), ``u = 0`` is taken as never true.
        """
        if isinstance(rel, Relational):
            diff = sp.expand(sp.sympify(rel.lhs) - sp.sympify(rel.rhs))
            if diff.is_number:
                if diff.is_real is False:
                    raise ValueError(f"a condition on a complex value: {rel}")
                return sp.Integer(int(bool(_COMPARE[type(rel)](_sign(diff), 0))))  # every Relational is in it
        if isinstance(rel, sp.StrictGreaterThan):
            return self.positive(rel.lhs - rel.rhs)
        if isinstance(rel, sp.StrictLessThan):
            return self.positive(rel.rhs - rel.lhs)
        if isinstance(rel, sp.GreaterThan):
            return self.at_least(rel.lhs - rel.rhs)
        if isinstance(rel, sp.LessThan):
            return self.at_least(rel.rhs - rel.lhs)
        if isinstance(rel, sp.Eq):
            return self.equal(rel.lhs, rel.rhs)
        if isinstance(rel, sp.Ne):
            return 1 - self.equal(rel.lhs, rel.rhs)
        if rel in (sp.true, sp.false):
            return sp.Integer(1 if rel == sp.true else 0)
        raise ValueError(f"no sign regions for the condition {rel}")

    # -- rewriting -------------------------------------------------------------------------
    def rewrite(self, expr):
        """``expr`` with every Max, Min, Abs, Heaviside, Piecewise and Sign written with atoms."""
        if not isinstance(expr, sp.Basic) or not expr.has(sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.Piecewise, sp.sign):
            return expr
        args = [self.rewrite(a) for a in expr.args]
        if isinstance(expr, (sp.Max, sp.Min)):
            return self.extremum(args, 1 if isinstance(expr, sp.Max) else -1)
        if isinstance(expr, sp.Abs):
            return (self.positive(args[0]) - self.positive(-args[0])) * args[0]
        if isinstance(expr, sp.sign):
            return self.positive(args[0]) - self.positive(-args[0])
        if isinstance(expr, sp.Heaviside):  # its value at 0 is its second argument (sympy's default: 1/2)
            at_zero = args[1] if len(args) > 1 else sp.Rational(1, 2)
            return self.positive(args[0]) + self.equal(args[0], 0) * at_zero
        if isinstance(expr, sp.Piecewise):
            out = sp.Integer(0)
            for value, cond in reversed(expr.args):
                if cond == sp.true:
                    out = self.rewrite(value)
                else:
                    ind = self.condition(cond)
                    out = ind * self.rewrite(value) + (1 - ind) * out
            return out
        return expr.func(*args)

    def condition(self, cond):
        """The 0/1 value of a boolean condition of values, as atoms."""
        if isinstance(cond, Relational):
            return self.indicator(cond)
        if isinstance(cond, sp.And):
            out = sp.Integer(1)
            for c in cond.args:
                out *= self.condition(c)
            return out
        if isinstance(cond, sp.Or):
            return 1 - sp.Mul(*[1 - self.condition(c) for c in cond.args])
        if isinstance(cond, sp.Not):
            return 1 - self.condition(cond.args[0])
        if cond in (sp.true, sp.false):
            return sp.Integer(1 if cond == sp.true else 0)
        raise ValueError(f"no sign regions for the condition {cond}")

    _condition = condition

    def extremum(self, args, direction):
        """max (direction 1) or min (-1) of args: the first argument that is at least every later one and beats
        every earlier one (a tie goes to the first), exactly."""
        if len(args) == 1:
            return args[0]
        out = sp.Integer(0)
        for n, a in enumerate(args):
            wins = sp.Integer(1)
            for m, other in enumerate(args):
                if m < n:
                    wins *= self.positive(direction * (a - other))
                elif m > n:
                    wins *= self.at_least(direction * (a - other))
            out += a * wins
        return out

    def from_source(self, source, make):
        """``make()`` with the kinks it creates attributed to ``source`` (a max, |.| or indicator of the notation)."""
        saved, self.source = self.source, source if self.source is None else self.source
        try:
            return make()
        finally:
            self.source = saved

    def rewrite_array(self, value):
        if isinstance(value, np.ndarray) and value.dtype == object:
            out = np.empty(value.shape, dtype=object)
            for idx in np.ndindex(value.shape):
                out[idx] = self.rewrite(sp.sympify(value[idx]))
            return out
        return value

    @property
    def variables(self):
        """Every atom made so far (each applied sign function once per argument tuple)."""
        return list(self.made)

    def truth(self, values):
        """The 0/1 value of every atom whose condition is a number once ``values`` (symbol -> number) are put in
        (in the order the atoms were made: an atom inside another's condition is known first)."""
        out = {}
        for atom, (kind, u) in self.conditions.items():
            number = sp.sympify(u).xreplace(values).xreplace(out)
            if not number.is_number:
                continue
            number = sp.nsimplify(number) if not number.is_Rational else number
            sign = certified_sign(number)
            if sign is None:
                continue  # not told for certain: the atom stays unknown
            out[atom] = sp.Integer(int(sign > 0)) if kind == "sign" else sp.Integer(int(sign == 0))
        return out

    def is_atom(self, expr):
        """Whether ``expr`` is one of this object's atoms (a sign symbol, or a sign function at any indices)."""
        if isinstance(expr, sp.Symbol):
            return expr in self.made
        if isinstance(expr, sp.core.function.AppliedUndef):
            return any(type(expr) is fn for fn in self.signs.values() if not isinstance(fn, sp.Symbol))
        return False
