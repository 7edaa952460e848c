"""The trusted kernel: the only code that says "proved". It takes an :class:`Obligation` and answers a
:class:`Verdict`; everything else (translating the notation, splitting index patterns, turning max and indicators
into atoms, searching for witnesses, caching) only builds obligations or refuses.

**What an obligation claims.** ``difference`` is 0 for every real value of its real symbols (positive ones:
every positive value), every value of its integer symbols allowed by the index facts (``bounds``: each index in
1..its size, each size >= 1; ``distinct``: indices stated unequal), every 0/1 value of each atom (``atoms``,
``is_atom``) allowed by its condition (``conditions``: atom -> ("sign", u), 1(u > 0), or ("equal", u), 1(u = 0)),
and every value of each ``KroneckerDelta`` consistent with its arguments; a sign function's condition at other
indices is its condition with those indices put in. With ``relation`` ">=" it claims ``difference >= 0`` there
instead (an inequality, side 1 >= side 2): decided by the rules of :mod:`.order`.

**How it is decided** (each rule in :mod:`.rules`, with its soundness argument and a unit test of its own):

1. *sum rules* and *range facts*: sums at symbolic size evaluated by linearity, constant terms and Kronecker
   deltas only where the index facts imply the range conditions (decided exactly, polynomials in nonnegative
   integers); a case distinction left over is not proved.
2. *distinct indices*: deltas of indices stated unequal are 0.
3. *b**n = b* for an atom (floats first the rationals they stand for); *delta cases* and *equal case*: a delta
   of free indices (never of a sum's bound index: that is 0 for some values of the index and 1 for others) or an
   equality atom split into its two cases, the second with one value written in the others.
4. *atoms as reals*: an expression zero for every real value of its atoms is zero for their 0/1 values (tried
   where atoms sit inside exp or log); *multilinear atoms*: a polynomial in the atoms is 0 for every 0/1 value
   iff each coefficient of its multilinear reduction is; otherwise every assignment, skipped only where
   :mod:`.feasible` shows by exact elimination that no real values meet its conditions.
5. *one sum per range*, *rename bound variables*, *linearity*, *opaque sums*: sums over one range added into one
   body, which must be 0 for every value of its index; else each sum an opaque value.
6. *defined everywhere*: a denominator not shown nonzero (a negative power, or the cos of a tan) stops the
   kernel at every step (a 0/0 cancelled by sympy or by Poly's coefficients is no value); so does one of the
   obligation's ``denominators``, those the sides divide by as written, which sympy may have cancelled while
   building the difference (u^3/u is built as u^2).
7. closed forms (:mod:`.numbers`): exact expansion and cancellation, exponentials as positive variables (as
   written first, then expanded), *exponentiate logs* (a real sum of logs of positive values is 0 iff the product
   of their powers is 1), and ``simplify``'s 0 only after an independent evaluation at random points agrees.

8. *inequalities* (:mod:`.order`): parts guessed outside used where they add up, atom and delta cases with the
   conditions each adds, termwise sums, linear facts (Fourier-Motzkin, products as variables), real roots of a
   polynomial in one variable (square-free factors, Sturm counts), *monotone* in one real variable (f(a) >= 0 at
   a = 0 or 1, f' >= 0 above a and <= 0 below it, f' decided by these rules to four derivatives: the mean value
   theorem), and nonnegative terms by sympy's assumptions.

**What it trusts**, all of it: sympy's expression construction and exact arithmetic (``expand``, ``together``,
``cancel``, ``Poly``, ``xreplace``, ``piecewise_fold``, ``as_coefficients_dict``) and its assumptions system
(``is_positive``, ``is_nonzero``, ``is_real``, ``is_integer`` of the symbols the prover declares, and
``is_nonnegative`` of an expression: a square, an exponential, a positive symbol); ``simplify``, ``expand_log``,
``logcombine``, ``powsimp`` (without ``force``) as value-keeping rewrites, each answer 0 rechecked; ``evalf`` with
``strict=True`` and mpmath's ``log1p`` for signs of numbers; ``sqf_list`` and ``count_roots`` (Sturm sequences) on
polynomials with rational coefficients; ``diff`` for the derivative of a function of one real variable built of
+, *, exp, logs of positive values and powers (rule *monotone*); Fourier-Motzkin elimination in :mod:`.feasible`.
Nothing else: not the translation to symbolic sizes, not the regions, not the proof store. A zero difference may
fail to be shown zero (then "not proved", never proved wrongly); every all-sizes proof is also confirmed by a
second route outside this package (:func:`derivations.equations.prover.prove_link`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import itertools

import sympy as sp
from sympy.core.function import AppliedUndef

from derivations.equations.kernel.feasible import infeasible
from derivations.equations.kernel.order import facts_of, nonnegative
from derivations.equations.kernel.numbers import (
    accurate_logs, certified_sign, exact_zero, rational_in_exponentials_is_zero, simplified_zero,
)
from derivations.equations.kernel.rules import (
    atom_powers, atoms_outside_sums, canonical_sums, delta_cases, discharge_ranges, distinct_deltas, exact, free_delta,
    implied, normal_sums, opaque_sums, solve_for, split_sums, sum_rules, undefined_among, undefined_at,
)

__all__ = ["Obligation", "Verdict", "prove", "is_zero", "is_nonnegative", "implied", "certified_sign", "accurate_logs",
           "rational_in_exponentials_is_zero", "MAX_ENUMERATED"]

MAX_ENUMERATED = 12  # atoms inside a non-polynomial function: at most 2**12 assignments are tried
MAX_DEPTH = 16


@dataclass(frozen=True)
class Obligation:
    """What the kernel is asked to show zero, and every fact it may assume (see the package's docstring)."""

    difference: object
    atoms: tuple = ()
    is_atom: object = None  # a predicate extending ``atoms`` to applied sign functions at other indices
    conditions: dict = field(default_factory=dict)
    bounds: dict = field(default_factory=dict)  # index name -> size (symbol or number)
    labels: tuple = ()  # label arrays (y): y[i] is an index in 1..C
    distinct: tuple = ()  # groups of indices, pairwise unequal within a group
    denominators: tuple = ()  # what the sides divide by as written: each must be shown nonzero (rule 6)
    relation: str = "=="  # "==": the difference is 0; ">=": it is at least 0
    split: object = None  # a guess of parts of a difference >= 0 (searched outside): used only where they add up


@dataclass(frozen=True)
class Verdict:
    proved: bool
    reason: str = ""
    residue: object = None  # the difference after the sum and range rules: what the kernel looked at


def prove(ob):
    """The kernel's answer on ``ob``: proved only when every rule step shows the difference zero."""
    holds = lambda rel: implied(rel, ob.bounds, ob.labels)  # noqa: E731 - the index facts, as one test
    diff = sp.sympify(ob.difference)
    bad = undefined_among(ob.denominators)
    if bad is not None:
        return Verdict(False, f"the denominator {bad} is not shown nonzero (a side divides by it as written)", diff)
    if diff.has(sp.Sum):
        diff = sp.piecewise_fold(discharge_ranges(sum_rules(diff, holds), holds))
        if isinstance(diff, sp.Piecewise) and diff.args[0][1] == sp.true:
            diff = diff.args[0][0]
    if diff.has(sp.Piecewise):
        return Verdict(False, "a case distinction on indices is left that the index facts do not decide", diff)
    diff = distinct_deltas(diff, ob.distinct)
    if ob.relation == ">=":
        shown = is_nonnegative(diff, ob.atoms, ob.is_atom, ob.conditions, holds, ob.split)
        return Verdict(shown, "" if shown else "not shown at least 0", diff)
    if is_zero(diff, ob.atoms, ob.is_atom, conditions=ob.conditions):
        return Verdict(True, "", diff)
    bad = undefined_at(diff)
    why = f"the denominator {bad} is not shown nonzero" if bad is not None else "not shown zero"
    return Verdict(False, why, diff)


def _atom_test(signs, atoms):
    """The test of an atom: one of ``signs``, or one that the obligation's predicate ``atoms`` names."""
    sign_set = set(signs)
    return lambda e: e in sign_set or bool(atoms and atoms(e))


def is_nonnegative(expr, signs=(), atoms=None, conditions=None, holds=lambda rel: rel == sp.true, split=None):
    """True when ``expr`` >= 0 at every point and every allowed 0/1 value of the atoms (:mod:`.order`)."""
    return nonnegative(expr, _atom_test(signs, atoms), conditions or {}, holds, split)


def _equal_case(expr, atom, condition, conditions):
    """``expr`` where atom = 1, that is condition = 0: one value written in the others (rule *equal case*), and
    every atom whose condition is then a number replaced by its certified value."""
    expr = expr.xreplace({atom: sp.Integer(1)})
    solved = solve_for(condition, expr.free_symbols | condition.free_symbols)
    if solved is None:
        return expr
    expr = expr.xreplace(dict([solved]))
    known = {}
    for other, (kind, u) in conditions.items():
        number = sp.expand(sp.sympify(u).xreplace(dict([solved])))
        sign = certified_sign(number) if other != atom and expr.has(other) and number.is_number else None
        if sign is not None:
            known[other] = sp.Integer(int(sign > 0 if kind == "sign" else sign == 0))
    return expr.xreplace(known)


def _zero_for_real_atoms(expr, present):
    """Rule *atoms as reals*: an expression zero for every real value of the atoms is zero for their 0/1 values;
    tried before the 2**n assignments (log-sum-exp with m = max is an identity in any m)."""
    return not expr.has(sp.Sum) and exact_zero(expr.xreplace({a: sp.Dummy(f"r{n}", real=True)
                                                              for n, a in enumerate(present)}))


def is_zero(expr, signs=(), atoms=None, _depth=0, conditions=None):
    """True when ``expr`` is zero at every point and every allowed 0/1 value of the atoms (rules 2-7 above)."""
    expr, conditions, atom = exact(expr), conditions or {}, _atom_test(signs, atoms)
    again = lambda e: is_zero(e, signs, atoms, _depth + 1, conditions)  # noqa: E731
    if _depth > MAX_DEPTH or undefined_at(expr) is not None:
        return False  # a denominator not shown nonzero: a cancellation (by Poly's coefficients too) is no value
    has_atoms = lambda: any(atom(a) for a in expr.atoms(sp.Symbol, AppliedUndef))  # noqa: E731
    if not (has_atoms() or expr.has(sp.Sum, sp.KroneckerDelta)) and rational_in_exponentials_is_zero(expr):
        return True  # as written: expanded first, a softmax's squared denominators multiply out (100 times slower)
    expr = atom_powers(expr, atom)
    if expr == 0:
        return True
    delta = free_delta(expr)
    if delta is not None:
        zero, one = delta_cases(expr, delta)
        return one is not None and again(zero) and again(one)
    present = atoms_outside_sums(expr, atom)
    if present and any(f.has(*present) for f in expr.atoms(sp.exp, sp.log)) and _zero_for_real_atoms(expr, present):
        return True  # atoms inside a function: the cases would be enumerated
    equal = [a for a in present if conditions.get(a, ("",))[0] == "equal"]
    if equal:
        return again(expr.xreplace({equal[0]: sp.Integer(0)})) and \
            again(_equal_case(expr, equal[0], sp.sympify(conditions[equal[0]][1]), conditions))
    if present:
        try:
            poly = sp.Poly(expr, *present)
        except sp.PolynomialError:
            poly = None
        if poly is not None and not any(c.has(*present) for c in poly.coeffs()):
            if all(again(c) for c in poly.coeffs()):
                return True
            if not all(a in conditions for a in present):
                return False
        if len(present) > MAX_ENUMERATED:
            return False
        return all(infeasible(list(facts_of(present, combo, conditions))) or again(expr.xreplace(dict(zip(
            present, combo)))) for combo in itertools.product((0, 1), repeat=len(present)))
    if expr.has(sp.Sum):
        groups, rest = split_sums(expr)
        if groups and all(again(body) for body in groups.values()) and again(rest):
            return True
        if has_atoms():
            return False  # atoms inside a sum that is not linear in them: no sound rewrite left
        expr = opaque_sums(canonical_sums(normal_sums(expr)))
    return simplified_zero(expr)
