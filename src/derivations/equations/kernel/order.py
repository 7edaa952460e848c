"""The kernel's rules for ``difference >= 0`` (an inequality, side 1 >= side 2): each a case split that covers every
value, or a decision made exactly. Each rule has a unit test of its own in ``tests/test_kernel.py``.

* *parts*: a sum of parts each >= 0 is >= 0; the parts are guessed outside the kernel (fewer atoms each, fewer
  cases) and used only where they add up to the expression exactly.
* *atom cases*: a 0/1 atom is 0 or 1; each case is shown >= 0 under the condition that case adds (1(u > 0) = 1:
  u > 0; = 0: u <= 0; 1(u = 0) = 1: u = 0), a case whose conditions cannot hold together being skipped only where
  :func:`.feasible.infeasible` shows it. A sign function at other indices has its condition at those indices
  (:func:`condition_of`). Kronecker deltas of free indices split the same way (:func:`.rules.delta_cases`); one of
  a sum's bound index is left to *termwise sums*, where the index is free in the body.
* *termwise sums*: ``sum_k f(k) >= 0`` where ``f(k) >= 0`` for every k and the range is not reversed (the index
  facts show hi >= lo - 1: an empty sum is 0, and sympy's reversed sum, which is negated, never arises).
* *linear facts*: an expression linear in real values is >= 0 under the case's conditions when those conditions
  and ``expr < 0`` cannot hold together (Fourier-Motzkin, exact): max(0, b) >= b, max(a, b) >= a.
* *real roots*: a polynomial in one real variable with rational coefficients is >= 0 (on [0, oo) or (0, oo) for
  a nonnegative or positive variable) iff, in its square-free factorisation c * prod q_i^m_i, every q_i of odd
  m_i has no root there (Sturm's count, exact), so that its sign is that at one point of the domain (0, or 1),
  and c times those signs is >= 0.
* *monotone*: a function f of one real variable, real and differentiable on its domain D, is >= 0 on D where
  f(a) >= 0 at a point a of D (0 or 1 are tried) and f' >= 0 above a, f' <= 0 below it, in D: by the mean value
  theorem f(x) - f(a) = f'(c) (x - a) >= 0. Each side of a is a new variable t >= 0 (x = a + t; x = a - t, or
  x = a / (1 + t) on a domain bounded by 0), f' there decided by these same rules, to ``MAX_TURNS`` derivatives.
* *nonnegative terms*: a sum of terms each nonnegative by sympy's assumptions (squares of reals, exponentials,
  positive symbols, sums of such over ranges that are not reversed) is >= 0; a number by its certified sign.
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy.core.function import AppliedUndef

from derivations.equations.kernel.feasible import infeasible
from derivations.equations.kernel.numbers import certified_sign
from derivations.equations.kernel.rules import (
    atom_powers, atoms_outside_sums, canonical_sums, delta_cases, exact, expand, free_delta, normal_sums, opaque_sums,
    split_sums, undefined_at,
)

__all__ = ["nonnegative", "condition_of", "facts_of", "polynomial_nonnegative", "monotone"]

MAX_CASES = 12  # atoms split into at most 2**12 cases
MAX_TURNS = 4  # derivatives taken by rule *monotone*, one inside another


def condition_of(atom, conditions):
    """The condition of ``atom``: its own, or that of the same sign function at other indices with the indices
    replaced (an obligation's sign function f(args) is 1 of its condition at args, whatever the args)."""
    if atom in conditions or not isinstance(atom, AppliedUndef):
        return conditions.get(atom)
    return next(((kind, sp.sympify(u).xreplace(dict(zip(other.args, atom.args)))) for other, (kind, u) in
                 conditions.items() if type(other) is type(atom) and len(other.args) == len(atom.args)), None)


def facts_of(atoms, values, conditions):
    """The conditions an assignment of 0/1 values to the atoms adds (atoms without a condition add none)."""
    out = []
    for atom, value in zip(atoms, values):
        kind, u = condition_of(atom, conditions) or (None, None)
        if kind == "sign":
            out.append((u, ">") if value else (-sp.sympify(u), ">="))
        elif kind == "equal" and value:
            out.append((u, "=="))
    return tuple(out)


def polynomial_nonnegative(expr, x):
    """Rule *real roots* (see the module's docstring): decided exactly, by square-free factors and Sturm counts."""
    try:
        poly = sp.Poly(expr, x)
    except sp.PolynomialError:
        return False
    if not all(c.is_Rational for c in poly.coeffs()):
        return False
    low = sp.Integer(0) if x.is_nonnegative else None
    constant, factors = poly.sqf_list()
    sign = sp.sign(constant)
    for q, m in factors:
        if m % 2:
            if q.count_roots(low, None) - (1 if x.is_positive and q.eval(0) == 0 else 0) > 0:
                return False  # a root of odd multiplicity in the domain (0 itself is outside it for a positive x)
            sign *= sp.sign(q.eval(0 if low is None else 1))
    return sign >= 0


def _opaque(expr, facts):
    """``expr`` and the facts with each sum (split by *linearity* first) and each real entry one real variable, the
    same in all of them (a value about which nothing is known but what is true of it: rule *opaque sums*)."""
    table = {}
    opaque = opaque_sums(canonical_sums(normal_sums(sp.Tuple(expr, *[sp.sympify(u) for u, _ in facts]))))
    opaque = opaque.replace(lambda e: isinstance(e, sp.Indexed) and e.is_real and not e.is_integer,
                            lambda e: table.setdefault(e, sp.Dummy(f"v{len(table)}", real=True)))
    return opaque[0], [(u, op) for u, (_, op) in zip(opaque[1:], facts)]


def _decide(expr, facts, holds, turns=0):
    """Rules *nonnegative terms*, *real roots*, *monotone*, *linear facts* on an expression without atoms or deltas
    (``turns``: the derivatives rule *monotone* has taken to reach it)."""
    expr, facts = _opaque(expr, facts) if facts or expr.has(sp.Sum, sp.Indexed) else (expr, facts)
    if expr.is_number:
        sign = certified_sign(expr)
        return sign is not None and sign >= 0
    if facts and _impossible(list(facts) + [(-expr, ">")]):
        return True
    if expr.is_nonnegative or all(t.is_nonnegative for t in sp.Add.make_args(expr)):
        return True
    if len(expr.free_symbols) == 1 and (polynomial_nonnegative(expr, *expr.free_symbols) or turns < MAX_TURNS and
                                        monotone(expr, *expr.free_symbols, lambda e: _decide(e, (), holds, turns + 1))):
        return True
    if all(x.is_integer for x in expr.free_symbols) and holds(sp.Ge(expr, 0)):
        return True  # sizes and indices: the range facts (C^2 >= C)
    constant, rest = expr.as_independent(*expr.free_symbols, as_Add=True)
    if constant != 0 and not constant.is_Rational and certified_sign(constant) in (0, 1):
        return _decide(rest, facts, holds, turns)  # a nonnegative number (e^-50) dropped: what is left must be >= 0
    return False


def _smooth(expr):
    """Whether ``expr`` is real and differentiable at every value its real symbols may take: built of real numbers
    and symbols by +, *, exp, logs of values positive by sympy's assumptions, and powers of a positive base or
    with an integer exponent (of a base nonzero by sympy's assumptions, where the exponent is negative)."""
    return all(e.is_number and e.is_real or isinstance(e, (sp.Add, sp.Mul, sp.exp)) or
               isinstance(e, sp.Symbol) and e.is_real or isinstance(e, sp.log) and e.args[0].is_positive or
               isinstance(e, sp.Pow) and (e.base.is_positive or e.exp.is_Integer and (e.exp > 0 or e.base.is_nonzero))
               for e in sp.preorder_traversal(expr))


def monotone(expr, x, decide):
    """Rule *monotone*: f = ``expr``, smooth (:func:`_smooth`) in its one real variable x on x's domain D (the
    reals; [0, oo) or (0, oo) for a nonnegative or positive x), is >= 0 on D when, at a point a of D, f(a) >= 0
    (a certified sign), f' >= 0 at every x > a in D and f' <= 0 at every x < a in D: by the mean value theorem
    f(x) - f(a) = f'(c) (x - a) for some c between a and x, a product >= 0. Each side is a new expression in a
    variable t >= 0, x = a + t above a, and below it x = a - t, or x = a / (1 + t) (which runs over (0, a]) on a
    domain bounded by 0; ``decide`` takes it (the rules of this module, one derivative deeper, to ``MAX_TURNS``).
    The points tried are 0 and 1 (where e^u >= 1 + u, log u <= u - 1 and their kin turn); at another point the
    rule only fails. Trusted: sympy's ``diff``."""
    if not _smooth(expr):
        return False
    slope, t = sp.diff(expr, x), sp.Dummy("t", nonnegative=True)
    for a in (sp.Integer(0), sp.Integer(1)):
        if a == 0 and x.is_positive:
            continue  # 0 is not in D
        below = sp.Integer(0) if a == 0 and x.is_nonnegative else \
            -slope.xreplace({x: a / (1 + t) if x.is_nonnegative else a - t})
        if certified_sign(expr.xreplace({x: a})) in (0, 1) and decide(slope.xreplace({x: a + t})) and decide(below):
            return True
    return False


def _impossible(facts):
    """Rule *linear facts*: whether the facts cannot hold together, shown by Fourier-Motzkin with each sum and real
    entry one real variable (:func:`_opaque`) and each product of two or more values one more (x W as v): a system
    that no real values of the new variables meet is met by no values of the old, whose products are some reals."""
    table = {}
    return infeasible([(sp.Add(*[c * (m if m.is_number or m.is_Symbol else table.setdefault(m, sp.Dummy(
        f"m{len(table)}", real=True))) for m, c in expand(u).as_coefficients_dict().items()]), op)
        for u, op in _opaque(0, facts)[1]])


def nonnegative(expr, atom, conditions, holds, split=None, facts=(), depth=0):
    """Whether ``expr`` >= 0 at every point and every allowed 0/1 value of the atoms (``atom(e)`` says which are
    atoms), given ``facts`` (``(u, op)``: u > 0, u >= 0 or u = 0) and the index facts ``holds``; ``split(expr,
    atoms)`` may guess parts, each then shown >= 0 where they add up to ``expr`` exactly (rule *parts*)."""
    expr = exact(expr)
    if depth > 16 or undefined_at(expr) is not None:
        return False
    expr = atom_powers(expr, atom)
    again = lambda e, more=(): nonnegative(e, atom, conditions, holds, split, facts + more, depth + 1)  # noqa: E731
    delta = free_delta(expr)
    if delta is not None:
        zero, one = delta_cases(expr, delta)
        return one is not None and again(zero) and again(one)
    present = atoms_outside_sums(expr, atom)
    if present:
        parts = split(expr, present) if split else [expr]
        if len(parts) > 1 and expand(sp.Add(*parts) - expr) == 0 and all(again(part) for part in parts):
            return True
        if len(present) > MAX_CASES:
            return False
        for values in itertools.product((0, 1), repeat=len(present)):
            more = facts_of(present, values, conditions)
            if not again(expr.xreplace(dict(zip(present, map(sp.Integer, values)))), more) and not (
                    more and _impossible(facts + more)):
                return False  # a case whose conditions cannot hold together is skipped
        return True
    inside = any(atom(a) for a in expr.atoms(sp.Symbol, AppliedUndef)) or expr.has(sp.KroneckerDelta)
    if not inside and _decide(expr, facts, holds):  # sums with no atom inside first as opaque values
        return True
    groups, rest = split_sums(expr, lambda f: not any(atom(a) for a in f.atoms(sp.Symbol, AppliedUndef))) \
        if expr.has(sp.Sum) else ({}, expr)
    return bool(groups) and all(holds(sp.Ge(hi - lo + 1, 0)) and again(body) for (_, lo, hi), body in
                                groups.items()) and again(rest)
