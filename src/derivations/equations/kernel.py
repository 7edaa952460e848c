"""The one function that decides "proved": :func:`is_zero`, and why it never says so of a non-zero expression.

Everything else in the prover (translating the notation, splitting index cases,
rewriting maxima and indicators into atoms, storing proofs) only produces the
expression ``a - b`` that this module must show to be zero, or refuses.

**What is decided.** ``is_zero(expr, atoms)`` is True only when ``expr`` is 0
for every real value of its real symbols (those declared positive: every
positive value), every value of its integer symbols, and every 0/1 value of each
atom in ``atoms`` (sign atoms of :mod:`derivations.equations.regions`, plain
symbols or applied functions such as ``b1(k, y_i)``; one unknown per distinct
argument tuple), and every value of ``KroneckerDelta`` consistent with its
arguments.

**Why it is sound.** Each step below either keeps the value of the expression
at every such point or splits the points into cases that are all checked:

1. ``b**n`` is ``b`` for an atom ``b`` with value 0 or 1.
2. A polynomial in the atoms (outside sums) is zero for all 0/1 values iff each
   coefficient of its multilinear reduction is zero (a multilinear polynomial
   is determined by its values on the cube); where an atom sits inside another
   function, or some assignment is impossible, every one of the 2**n
   assignments is substituted instead, and an assignment is skipped only when
   :func:`derivations.equations.feasible.infeasible` shows by exact
   elimination that no real values meet its linear conditions.
3. ``KroneckerDelta(a, b)`` is split into its two cases: 0, or 1 with ``a``
   replaced by ``b`` (valid where they are equal). An equality atom ``1(u = 0)``
   likewise: 0, or 1 with a value in which ``u`` is linear written in the
   others, and the atoms whose conditions are then numbers replaced by them.
4. Sums over the same range are added into one sum (linearity); a sum whose
   body is zero for every value of its index is zero. Bound variables are
   renamed, which changes nothing. Otherwise each sum is an opaque value (a
   fresh symbol, real, or positive where its range is not empty and its body is
   positive). Sympy's own summation (``Sum.doit``) is never called: it is not
   sound on sums of unknown functions of the index (it rewrote a sum over
   ``i = 1..N`` of such terms as ``N f(N) - f(1) + f(N)``); the prover's
   summation rules are in :mod:`derivations.equations.summation`.
5. The remaining expression is handed to sympy's ``simplify`` and a few other
   rewrites (``expand_log`` and ``powsimp`` *without* ``force``, so no rule that
   needs a positive argument is applied to a value that is not known positive),
   each of which keeps the value under the symbols' assumptions. A test that
   replaces ``exp(c m)`` by ``E_m**c`` with a fresh positive ``E_m`` per monomial
   ``m`` is exact for real ``m`` (``exp(m) > 0``).

The prover gives real symbols no assumption but ``real`` (an author's
``positive=True`` is dropped unless the equation declares that domain and its
points respect it), so step 5 cannot use a sign that the statement does not
have. The converse does not hold: a zero expression may not be shown zero, and
then the statement is not proved, never proved wrongly.
"""

from __future__ import annotations

import itertools
import operator

import mpmath
import sympy as sp

__all__ = ["is_zero", "simplified_zero", "rational_in_exponentials_is_zero", "MAX_ENUMERATED"]

MAX_ENUMERATED = 12  # atoms inside a non-polynomial function: at most 2**12 assignments are tried


# a relation's test on a sign or on two numbers: the one table for the evaluator and the regions
COMPARE = {sp.StrictGreaterThan: operator.gt, sp.GreaterThan: operator.ge, sp.StrictLessThan: operator.lt,
           sp.LessThan: operator.le, sp.Eq: operator.eq, sp.Ne: operator.ne}


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

    if not expr.has(sp.log):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.log) and e.args[0].is_number, value)


def certified_sign(u):
    """1, 0 or -1, the sign of the real number ``u``, or None when it cannot be told for certain.

    sympy's own comparison of numbers trusts its evalf, which is wrong near log 1 (:func:`accurate_logs`): here a
    sign is read from a strict 40-digit value of ``u`` with such logs evaluated accurately, and 0 only from an
    exact zero."""
    u = sp.sympify(u)
    if u.is_Rational:
        return 1 if u > 0 else -1 if u < 0 else 0
    if u.is_real is False:
        return None
    if rational_in_exponentials_is_zero(u):
        return 0
    try:
        value = accurate_logs(u).evalf(40, maxn=2000, strict=True)
    except sp.core.evalf.PrecisionExhausted:
        return 0 if _simplifies_to_zero(u) else None
    if not value.is_number or not value.is_real:
        return None
    if value == 0:
        return 0 if _simplifies_to_zero(u) else None
    return 1 if value > 0 else -1


def _simplifies_to_zero(u):
    try:
        return sp.simplify(u) == 0
    except Exception:  # noqa: BLE001 - sympy could not: not shown zero
        return False


class _NotReal(Exception):
    """An exponent not known to be real: exp of it is no positive variable."""


def rational_in_exponentials_is_zero(expr):
    """Zero as a rational function once each exponential of a monomial is a variable of its own.

    exp(a + b) is split into exp(a) exp(b) and exp(c m) with rational c is
    E_m**c, for a fresh positive E_m per monomial m (sympy must know m is real,
    not only its symbols); if the result cancels to 0 as a rational function,
    it is 0 for every value of E_m, the true ones included. (The converse can
    fail; then the caller tries simplify.)
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
                raise _NotReal  # exp(sqrt(u)) or exp((-1)**u): real symbols, an exponent that need not be real
            if monomial not in table:
                table[monomial] = sp.Dummy(f"E{len(table)}", positive=True)  # fresh: no author's E0 is it
            out *= table[monomial] ** coeff
        return out

    try:
        replaced = expr.replace(lambda e: isinstance(e, sp.exp), atom)
    except _NotReal:
        return False
    if replaced.has(sp.exp):
        return False
    numerator = sp.together(replaced).as_numer_denom()[0]
    return sp.expand(numerator) == 0


def simplified_zero(expr):
    """True when sympy shows ``expr`` is zero by rewrites that keep its value (no sums or atoms handled here)."""
    if expr == 0 or rational_in_exponentials_is_zero(expr):
        return True
    expr = sp.expand(expr)
    if expr == 0:
        return True
    if not expr.has(sp.exp, sp.log, sp.Pow) or all(p.exp.is_Integer for p in expr.atoms(sp.Pow)):
        if sp.cancel(sp.together(expr)) == 0:  # a rational function: cancelled exactly, fast where simplify is slow
            return True
    # sympy's simplify is not a decision procedure: a few normal forms, any of which reaching 0 is a proof
    for attempt in (lambda e: e,
                    sp.expand_log,
                    sp.logcombine,
                    lambda e: sp.expand_log(sp.simplify(e)),
                    lambda e: sp.powsimp(sp.expand(sp.expand_power_exp(e)))):
        if sp.simplify(attempt(expr)) == 0:
            return True
    return False


def expand(expr):
    """``sp.expand``, but an exponential of a sum stays one (sympy would make it a ``Product``)."""
    return sp.expand(expr, power_exp=False) if isinstance(expr, sp.Basic) and expr.has(sp.Sum) else sp.expand(expr)


# the bound variables of sums by nesting depth: dummies, so that no symbol of an author's can be captured by one,
# and the same ones every time, so that equal sums stay equal
_DEPTH_POSITIVE = [sp.Dummy(f"k{d}", integer=True, positive=True) for d in range(64)]
_DEPTH_INTEGER = [sp.Dummy(f"k{d}", integer=True) for d in range(64)]


def _canonical_sums(expr, depth=1):
    """Every sum's bound variable renamed by nesting depth, bodies expanded."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        var, lo, hi = expr.limits[0]
        lo, hi = _canonical_sums(lo, depth), _canonical_sums(hi, depth)
        fresh = (_DEPTH_POSITIVE if (lo - 1).is_nonnegative else _DEPTH_INTEGER)[depth]
        body = _canonical_sums(expr.function.xreplace({var: fresh}), depth + 1)
        return sp.Sum(expand(body), (fresh, lo, hi))
    return expr.func(*[_canonical_sums(a, depth) for a in expr.args])


def _split_exp(e):
    """exp(a + b) as exp(a) exp(b), where no sum is inside (exact for every a, b)."""
    return e.replace(lambda x: isinstance(x, sp.exp) and isinstance(x.args[0], sp.Add) and not x.args[0].has(sp.Sum),
                     lambda x: sp.Mul(*[sp.exp(t) for t in x.args[0].args]))


def _normal_sums(expr):
    """Sums split over the terms of their bodies, with every factor that does not depend on the index taken out."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        var, lo, hi = expr.limits[0]
        body = expand(_split_exp(_normal_sums(expr.function)))
        out = sp.Integer(0)
        for term in sp.Add.make_args(body):
            factors = sp.Mul.make_args(term)
            constant = sp.Mul(*[f for f in factors if not f.has(var)])
            varying = sp.Mul(*[f for f in factors if f.has(var)])
            out += constant * sp.Sum(varying, (var, lo, hi)) if varying != 1 else constant * sp.Sum(1, (var, lo, hi))
        return out
    return expr.func(*[_normal_sums(a) for a in expr.args])


def _opaque_sums(expr):
    """Each sum (innermost first) replaced by a fresh symbol: real, or positive for a positive body over a range that is not empty."""
    table = {}

    def opaque(e):
        if e not in table:
            (var, lo, hi), = e.limits
            positive = bool((hi - lo).is_nonnegative) and bool(e.function.is_positive)
            table[e] = sp.Dummy(f"sum{len(table)}", positive=True) if positive else \
                sp.Dummy(f"sum{len(table)}", real=True)
        return table[e]

    return expr.replace(lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1, opaque)


def _split_sums(expr):
    """(sums by range, rest): ``expr`` expanded, its terms ``c * Sum(f, (k, lo, hi))`` gathered as one body per range."""
    groups, rest = {}, []
    for term in sp.Add.make_args(expand(expr)):
        factors = sp.Mul.make_args(term)
        sums = [f for f in factors if isinstance(f, sp.Sum) and len(f.limits) == 1]
        if len(sums) != 1:
            rest.append(term)
            continue
        total = sums[0]
        var = total.limits[0][0]
        coeff = sp.Mul(*[f for f in factors if f is not total])
        if coeff.has(var):
            rest.append(term)
            continue
        groups.setdefault(total.limits[0], []).append(coeff * total.function)
    return {limits: sp.Add(*bodies) for limits, bodies in groups.items()}, sp.Add(*rest)


def _deltas(expr):
    return [d for d in expr.atoms(sp.KroneckerDelta)]


def _substitutable(e):
    return isinstance(e, sp.Symbol) or (isinstance(e, sp.Indexed) and e.is_integer)


def _delta_cases(expr, delta):
    """The two cases of ``delta``: 0, and 1 with one argument written as the other."""
    a, b = delta.args
    zero = expr.xreplace({delta: sp.Integer(0)})
    if _substitutable(a):
        one = expr.xreplace({delta: sp.Integer(1)}).xreplace({a: b})
    elif _substitutable(b):
        one = expr.xreplace({delta: sp.Integer(1)}).xreplace({b: a})
    else:
        one = None
    return zero, one


def _solve_for(condition, free):
    """(x, value) with condition = 0 exactly when x = value, for a real symbol or entry x in which it is linear."""
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


def _equal_case(expr, atom, condition, conditions):
    """``expr`` in the case atom = 1, that is condition = 0: one value written in the others where it can be, and
    every atom whose condition is then a number replaced by its value."""
    expr = expr.xreplace({atom: sp.Integer(1)})
    solved = _solve_for(condition, expr.free_symbols | condition.free_symbols)
    if solved is None:
        return expr
    x, value = solved
    expr = expr.xreplace({x: value})
    known = {}
    for other, (kind, u) in conditions.items():
        if other in (atom,) or not expr.has(other):
            continue
        number = sp.expand(sp.sympify(u).xreplace({x: value}))
        if number.is_number and number.is_real:
            known[other] = sp.Integer(int(number > 0)) if kind == "sign" else sp.Integer(int(number == 0))
    return expr.xreplace(known)


def _impossible(atoms, values, conditions):
    """Whether no real values meet the conditions of this assignment of the atoms (shown, not guessed)."""
    if not conditions:
        return False
    from derivations.equations.feasible import infeasible

    wanted = []
    for atom, value in zip(atoms, values):
        if atom not in conditions:
            return False
        kind, u = conditions[atom]
        if kind == "sign":
            wanted.append((u, ">") if value else (-sp.sympify(u), ">="))
        elif value:
            wanted.append((u, "=="))
    return infeasible(wanted)


def is_zero(expr, signs=(), atoms=None, _depth=0, conditions=None):
    """True when ``expr`` is zero at every point and for every 0/1 value of the atoms (see the module's soundness argument).

    ``signs`` lists atoms (plain symbols or applied functions); ``atoms``, a
    predicate saying whether a node is an atom, extends it to applied sign
    functions at indices not listed (inside sums). ``conditions`` maps an atom
    to ("sign", u), the atom being 1(u > 0), or ("equal", u), 1(u = 0): an
    equality atom is split into its two cases, and in the case u = 0 a value
    in which u is linear is written in the others (valid in that case).
    """
    expr = sp.sympify(expr)
    if expr.has(sp.Float):  # a float is the rational it stands for: 1e20 + 1 - 1e20 is 1, never 0
        expr = expr.xreplace({f: sp.Rational(f) for f in expr.atoms(sp.Float)})
    signs = list(signs)
    is_atom = atoms or (lambda e: False)
    sign_set = set(signs)

    def atom(e):
        return e in sign_set or is_atom(e)

    # 1. b**n = b
    expr = expand(expr)
    expr = expr.replace(lambda e: e.is_Pow and atom(e.base) and e.exp.is_Integer and e.exp > 0, lambda e: e.base)
    expr = expand(expr)
    if expr == 0:
        return True
    # bound variables renamed (_k1, _k2, ...), so that no substitution below can capture one
    expr = _canonical_sums(expr)
    # 3. Kronecker deltas of free indices (not of a sum's bound variable): both cases
    free = expr.free_symbols
    outside = [d for d in _deltas(expr) if d.free_symbols <= free and not (d.args[0].is_number and d.args[1].is_number)]
    if outside and _depth < 8:
        zero, one = _delta_cases(expr, outside[0])
        if one is None:
            return False
        return is_zero(zero, signs, atoms, _depth + 1, conditions) and is_zero(one, signs, atoms, _depth + 1, conditions)
    # 2a. equality atoms (u = 0) outside sums: both cases, the second with u = 0 put in
    if conditions:
        equal = [a for a in expr.atoms(sp.Symbol, sp.core.function.AppliedUndef)
                 if a in conditions and conditions[a][0] == "equal" and not any(
                     s.has(a) for s in expr.atoms(sp.Sum))]
        if equal and _depth < 16:
            e = sorted(equal, key=sp.default_sort_key)[0]
            return (is_zero(expr.xreplace({e: sp.Integer(0)}), signs, atoms, _depth + 1, conditions) and
                    is_zero(_equal_case(expr, e, sp.sympify(conditions[e][1]), conditions), signs, atoms, _depth + 1,
                            conditions))
    # 2. atoms outside sums: coefficients of the multilinear polynomial, or every assignment
    present = [a for a in expr.atoms(sp.Symbol, sp.core.function.AppliedUndef) if atom(a)]
    present = [a for a in present if not any(a in s.free_symbols | s.atoms(sp.core.function.AppliedUndef)
                                             for s in expr.atoms(sp.Sum))] if expr.has(sp.Sum) else present
    present = sorted(present, key=sp.default_sort_key)
    if present:
        try:
            poly = sp.Poly(expr, *present)
        except sp.PolynomialError:
            poly = None
        if poly is not None and not any(c.has(*present) for c in poly.coeffs()):
            if all(is_zero(c, signs, atoms, _depth + 1, conditions) for c in poly.coeffs()):
                return True
            if not conditions or not all(a in conditions for a in present):
                return False
        if len(present) > MAX_ENUMERATED:
            return False
        # every assignment of the atoms, except those shown impossible (r > delta and r < -delta, delta > 0)
        return all(_impossible(present, combo, conditions) or
                   is_zero(expr.xreplace(dict(zip(present, combo))), signs, atoms, _depth + 1, conditions)
                   for combo in itertools.product((0, 1), repeat=len(present)))
    # 4. sums: one body per range, each zero for every value of its index
    if expr.has(sp.Sum):
        canonical = _canonical_sums(expr)
        groups, rest = _split_sums(canonical)
        if groups and all(is_zero(body, signs, atoms, _depth + 1, conditions) for body in groups.values()) and \
                is_zero(rest, signs, atoms, _depth + 1, conditions):
            return True
        if any(atom(a) for a in canonical.atoms(sp.Symbol, sp.core.function.AppliedUndef)):
            return False  # atoms inside a sum that is not linear in them: no sound rewrite left
        return simplified_zero(_opaque_sums(_canonical_sums(_normal_sums(canonical))))
    # 5. sympy
    return simplified_zero(expr)
