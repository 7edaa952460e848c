"""Certified arithmetic on numbers and closed forms: the kernel's only source of signs and of "simplifies to zero".

Trusted here (listed again in the package's docstring): sympy's exact rational
arithmetic, ``evalf`` with ``strict=True`` (it raises rather than return fewer
digits than asked), mpmath's ``log1p``, ``together``/``cancel``/``expand`` as
exact rewrites of rational functions, and ``simplify`` only where its answer 0
survives :func:`recheck_zero`, an independent evaluation at random points.
"""

from __future__ import annotations

import random

import mpmath
import sympy as sp

__all__ = ["accurate_logs", "certified_sign", "rational_in_exponentials_is_zero", "simplified_zero",
           "recheck_zero", "logs_exponentiated_zero", "exact_zero"]

DIGITS = (40, 120, 400, 1200)  # the rising precisions of a sign; past the last, the sign is not told


def accurate_logs(expr, digits=60):
    """``expr`` with each log of a number within 1/2 of 1 replaced by its value, ``log1p(a - 1)`` to ``digits``
    digits: sympy's evalf takes the log of a value that rounds to 1 at its working precision as exactly 0, even
    with ``strict=True`` (log(1 + e^-150) is 0 to it; 7.2e-66 in truth), and so decides log(1 + 1e-200) > 0 false."""
    def value(node):
        a = node.args[0]
        if not a.is_number:
            return node
        t = accurate_logs(sp.Add(a, -1), digits)
        if t == 0:
            return sp.Integer(0)
        try:
            tv = t.evalf(digits + 20, maxn=20 * digits, strict=True)
        except sp.core.evalf.PrecisionExhausted:
            return node
        if not tv.is_real or abs(tv) >= sp.Rational(1, 2):
            return node
        with mpmath.workdps(digits + 30):
            return sp.Float(mpmath.log1p(mpmath.mpf(str(tv))), digits + 20)

    return expr.replace(lambda e: isinstance(e, sp.log) and e.args[0].is_number, value)


def certified_sign(u, simplify=True):
    """1, 0 or -1, the sign of the real number ``u``, or None when it cannot be told for certain.

    A sign is read from a strict value of ``u`` (logs near 1 evaluated accurately) at rising precision, 40 digits
    to 1200: a difference of e^-1000 is told at 1200 digits, never taken for 0. 0 comes only from an exact zero
    (a rational 0, a rational function of exponentials that cancels, or ``simplify`` rechecked, not tried where
    ``simplify`` is False: it can run without end); a value that stays 0 to every precision without such a proof is
    None: undecided is never equal."""
    u = sp.sympify(u)
    if u.is_Rational:
        return 1 if u > 0 else -1 if u < 0 else 0
    if u.is_real is False or u.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    if rational_in_exponentials_is_zero(u):
        return 0
    accurate = accurate_logs(u)
    for digits in DIGITS:
        try:
            value = accurate.evalf(digits, maxn=4 * digits, strict=True)
        except sp.core.evalf.PrecisionExhausted:
            continue
        if not value.is_number or not value.is_real:
            return None
        if value != 0:
            return 1 if value > 0 else -1
    try:
        return 0 if simplify and sp.simplify(u) == 0 and recheck_zero(u) else None
    except Exception:  # noqa: BLE001 - sympy could not: not shown zero
        return None


def recheck_zero(expr, tries=3, seed=0):
    """An independent look at a claim of ``simplify`` that ``expr`` is 0: ``expr`` evaluated at ``tries`` random
    rational points (each free symbol drawn as its assumptions allow) must be 0 to 30 digits of its terms' size,
    or not evaluable there. A check of simplify's answer, never a proof of its own: it can only refuse."""
    rng = random.Random(seed)
    symbols = sorted(expr.atoms(sp.Indexed) | expr.free_symbols, key=sp.default_sort_key)
    for _ in range(tries):
        values = {}
        for s in symbols:
            v = sp.Rational(rng.randint(1, 997), rng.randint(1, 97))
            values[s] = v if (s.is_positive or s.is_nonnegative or rng.random() < 0.5) else -v
            if s.is_integer and not isinstance(s, sp.Indexed):
                values[s] = sp.Integer(max(1, int(abs(values[s])))) if s.is_positive else sp.Integer(int(values[s]))
        at = expr.xreplace(values)
        try:
            value = at.evalf(30, strict=False)
            size = max([abs(t.evalf(15)) for t in sp.Add.make_args(sp.expand(at))] + [sp.Integer(1)])
        except Exception:  # noqa: BLE001 - not evaluable there: no word against simplify
            continue
        if value.is_number and value.is_real and abs(value) > size * sp.Float(10) ** -25:
            return False
    return True


def rational_in_exponentials_is_zero(expr):
    """Zero as a rational function once each exponential of a monomial is a variable of its own.

    exp(a + b) is split into exp(a) exp(b) and exp(c m) with rational c is
    E_m**c, for a fresh positive E_m per monomial m (sympy must know m is real,
    not only its symbols); if the result cancels to 0 as a rational function,
    it is 0 for every value of E_m, the true ones included.
    """
    if expr.has(sp.log, sp.Sum, sp.Piecewise, sp.KroneckerDelta) or not expr.has(sp.exp):
        return False
    if any(not (s.is_real or s.is_integer) for s in expr.free_symbols):
        return False  # exp(m) > 0 needs a real m
    table = {}

    def atom(e):
        out = sp.Integer(1)
        for term in sp.Add.make_args(sp.expand(e.args[0])):
            coeff, monomial = term.as_coeff_Mul()
            if not coeff.is_Rational:
                coeff, monomial = sp.Integer(1), term
            if monomial.is_extended_real is not True:
                return e  # exp(sqrt(u)) or exp((-1)**u), an exponent that need not be real: it stays, not proved
            if monomial not in table:
                table[monomial] = sp.Dummy(f"E{len(table)}", positive=True)  # fresh: no author's E0 is it
            out *= table[monomial] ** coeff
        return out

    replaced = expr.replace(lambda e: isinstance(e, sp.exp), atom)
    if replaced.has(sp.exp):
        return False
    # terms grouped by the variables of their denominators first, each group over one common denominator (a sum
    # of zeros is zero); one common denominator of every term, which can be large (softmax of several samples),
    # only where that does not show it
    by_denominator = {}
    for term in sp.Add.make_args(sp.expand(replaced, deep=False, power_base=False, multinomial=False)):
        key = frozenset(term.as_numer_denom()[1].free_symbols)
        by_denominator[key] = by_denominator.get(key, 0) + term
    return len(by_denominator) > 1 and all(sp.expand(sp.together(group).as_numer_denom()[0]) == 0
                                           for group in by_denominator.values()) or \
        sp.expand(sp.together(replaced).as_numer_denom()[0]) == 0


def logs_exponentiated_zero(expr):
    """Rule *exponentiate logs*: ``d = sum c_i log X_i + L`` with rational ``c_i``, every ``X_i`` positive and ``L``
    real and free of logs is 0 iff ``prod X_i**c_i * exp(L) = 1`` (exp is one-to-one on the reals, and d is real);
    the product is then shown 1 exactly, as a rational function of exponentials. log-sum-exp identities with any
    shift m are decided so, without splitting the cases of m."""
    logs, rest = [], []
    for term in sp.Add.make_args(sp.expand(expr)):
        coeff, factor = term.as_coeff_Mul()
        if isinstance(factor, sp.log) and coeff.is_Rational:
            logs.append((coeff, factor.args[0]))
        elif term.has(sp.log):
            return False
        else:
            rest.append(term)
    rest = sp.Add(*rest)
    if not logs or any(x.is_positive is not True for _, x in logs) or rest.is_extended_real is not True:
        return False
    one = sp.Mul(*[x ** c for c, x in logs]) * sp.exp(rest) - 1
    return rational_in_exponentials_is_zero(one) or (not one.has(sp.exp) and sp.cancel(sp.together(one)) == 0)


def exact_zero(expr):
    """True when exact rewrites show ``expr`` zero: expansion, a rational function cancelled, exponentials as
    positive variables, logs exponentiated. Fast; no ``simplify``."""
    if expr == 0 or rational_in_exponentials_is_zero(expr):
        return True
    expr = sp.expand(expr)
    if expr == 0 or all(p.exp.is_Integer for p in expr.atoms(sp.Pow)) and sp.cancel(sp.together(expr)) == 0:
        return True  # a rational function: cancelled exactly, fast where simplify is slow
    return bool(expr.has(sp.log) and logs_exponentiated_zero(expr))


def simplified_zero(expr):
    """True when sympy shows ``expr`` is zero by rewrites that keep its value (no sums or atoms handled here):
    :func:`exact_zero`, then a few normal forms of ``simplify``, whose answer 0 is accepted only after
    :func:`recheck_zero`."""
    if exact_zero(expr):
        return True
    expr = sp.expand(expr)
    for attempt in (lambda e: e,
                    sp.expand_log,
                    sp.logcombine,
                    lambda e: sp.expand_log(sp.simplify(e)),
                    lambda e: sp.powsimp(sp.expand(sp.expand_power_exp(e)))):
        if sp.simplify(attempt(expr)) == 0:
            return recheck_zero(expr)
    return False
