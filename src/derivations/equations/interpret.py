r"""The one interpreter of the notation, in sympy values: sympy and mpmath only.

Every reading of a notation tree (``SumOver``, ``Ind``, ``Frac``, ``Dot``,
``Partial``, ``Grad``, ``Transpose``, ``Frobenius``, ``Norm``, ``Identity``,
``Inverse``, named functions, max, min, |.|, sign, Heaviside, floor, sums and
products) is written here once. Three users share it:

* the reader's checker in the browser (:mod:`reader`, under Pyodide: this
  module imports nothing but sympy, mpmath and the kernel, never numpy);
* the range prover and the symbolic checks (:class:`evaluate.Evaluator` in
  ``symbolic`` mode, with a ``regions`` object that replaces each max, |.| and
  indicator of a condition by a sign variable);
* :class:`evaluate.Evaluator` in ``package`` mode, a float64 layer on top that
  overrides the rules it computes in float64 (the package side, finite
  differences, one-sided slopes).

A subclass says where values come from: :meth:`Interpreter.symbol` (a name),
:meth:`Interpreter._ev_Indexed` (an entry, a column, a row),
:meth:`Interpreter.label` (a class label ``y_i``, read as an index) and
:meth:`Interpreter.definition` (a named function's parameters and forms).

Every relation, max, min, |.|, sign, Heaviside, floor and ceiling of numbers is
decided by :func:`kernel.certified_sign`, never by sympy's own comparison (whose
evalf takes log(1 + 1e-200) as 0); a sign that cannot be told is
:class:`NotEvaluable`, never a guess.
"""

from __future__ import annotations

from functools import reduce
import operator
import time

import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.kernel import accurate_logs, certified_sign, rational_in_exponentials_is_zero
from derivations.equations.notation import Ind

__all__ = ["Interpreter", "NotEvaluable", "MissingValue", "ShapeError", "InvalidValue", "evalf_digits", "number", "at_point",
           "DECIDED", "DIGITS", "COMPARE"]

# a relation's test on a sign or on two numbers: the one table for the interpreter, the evaluator and the regions
COMPARE = {sp.StrictGreaterThan: operator.gt, sp.GreaterThan: operator.ge, sp.StrictLessThan: operator.lt,
           sp.LessThan: operator.le, sp.Eq: operator.eq, sp.Ne: operator.ne}

DIGITS = 40
MAX_PRECISION = 20000  # digits; e^{-1e4} needs about 4343


class NotEvaluable(Exception):
    """This side cannot be evaluated this way at this point (not a failure by itself)."""


class MissingValue(NotEvaluable):
    """The point does not carry a value this side reads (a point of another kind in a union of spaces)."""


class ShapeError(NotEvaluable):
    """The shapes of the values do not combine (a column times a column, a vector plus a number): the line has no
    value at these sizes."""


class InvalidValue(Exception):
    """This side has no real value at this point (complex, or a sum over a reversed range): a failure."""


def evalf_digits(expr, digits):
    """``digits`` correct digits of ``expr``, raising the working precision through cancellations (1 - sigma(1e4)).

    A value that is exactly zero has no significant digits to find: sympy
    would raise the precision to MAX_PRECISION digits (seconds) before
    giving up. So a first try stops at ten times ``digits``; if that fails, a
    value that is exactly zero as a rational function of its exponentials is
    zero, and anything else goes on to MAX_PRECISION. A value with a term that
    is exactly zero but not seen to be (e^100 (log 4 - 2 log 2)) has no
    significant digits in that term at any precision: then the value is taken
    at two working precisions, and kept when they agree to ``digits`` digits
    (each term's error shrinks with the precision, a zero term's with it).
    Else NotEvaluable: never a float's digits in place of sympy's.
    """
    expr = accurate_logs(sp.sympify(expr), digits + 20)
    try:
        return expr.evalf(digits, maxn=10 * digits, strict=True)
    except sp.core.evalf.PrecisionExhausted:
        pass
    if rational_in_exponentials_is_zero(expr):
        return sp.Float(0)
    try:
        return expr.evalf(digits, maxn=max(MAX_PRECISION, 10 * digits), strict=True)
    except sp.core.evalf.PrecisionExhausted:
        pass
    low, high = (expr.evalf(n, strict=False) for n in (4 * digits + 100, 8 * digits + 200))
    if low.is_number and high.is_number and abs(low - high) <= sp.Float(10, 8 * digits) ** -(digits + 5) * max(1, abs(high)):
        return high.evalf(digits)
    raise NotEvaluable(f"sympy could not reach {digits} digits")


# -- numbers, decided for certain -----------------------------------------------------------------------------------

def number(v):
    """``v`` as an exact real sympy number, or None when it is not one (a float is the rational it stands for)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return sp.Integer(v)
    if isinstance(v, float):
        return sp.Rational(v) if v == v and abs(v) != float("inf") else None
    if isinstance(v, sp.Float):
        return sp.Rational(v) if v.is_finite else None
    if isinstance(v, sp.Basic) and v.is_number and v.is_real:
        return v
    return None


def sign_of(u, show=str):
    """The sign of the number ``u`` told for certain (:func:`kernel.certified_sign`), else NotEvaluable."""
    sign = certified_sign(u)
    if sign is None:
        raise NotEvaluable(f"cannot tell the sign of {show(sp.sympify(u))} for certain")
    return sign


def decide(func, lhs, rhs, show=str):
    """True or False where ``lhs - rhs`` is a number (its sign certified: = and >= as written), else None."""
    diff = sp.sympify(lhs) - sp.sympify(rhs)
    if not diff.is_number:
        return None
    return bool(COMPARE[func](sign_of(diff, show), 0))


def extremum(args, direction, show=str):
    """max (1) or min (-1) of numbers, each comparison's sign certified."""
    best = number(args[0])
    for a in args[1:]:
        a = number(a)
        if sign_of(direction * (a - best), show) > 0:
            best = a
    return best


def certified_round(value, up):
    """floor (``up`` False) or ceiling of a number, the integer told for certain (each side certified), else
    NotEvaluable."""
    guess = int(sp.floor(evalf_digits(value, DIGITS)))  # a candidate; each side of it is then certified
    for n in (guess, guess - 1, guess + 1):
        low, high = (n - 1, n) if up else (n, n + 1)
        # floor: n <= a < n + 1; ceiling: n - 1 < a <= n
        above, below = certified_sign(value - low), certified_sign(high - value)
        if above is None or below is None:
            break
        if (above > 0 and below >= 0) if up else (above >= 0 and below > 0):
            return sp.Integer(n)
    raise NotEvaluable(f"cannot tell for certain which integers {value} lies between")


def _piece_of_sign(expr, a, args):
    """|a|, sign a, H(a), floor a or ceiling a of the number ``a``, decided for certain."""
    if isinstance(expr, (sp.floor, sp.ceiling)):
        return certified_round(a, isinstance(expr, sp.ceiling))
    sign = sign_of(a)
    if isinstance(expr, sp.Abs):
        return sign * a
    if isinstance(expr, sp.sign):
        return sp.Integer(sign)
    at_zero = args[1] if len(args) > 1 else sp.Rational(1, 2)
    return sp.Integer(1) if sign > 0 else sp.Integer(0) if sign < 0 else at_zero


DECIDED = (Relational, sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling)
_SIGNED = (sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling)


def at_point(expr, subs):
    """``expr`` with the point's values ``subs`` put in, every relation, piece, max, min, |.|, sign, Heaviside, floor
    and ceiling of a number decided by kernel.certified_sign: a plain substitution lets sympy decide them by its own
    comparison, whose evalf takes log(1 + e^-150) as 0 (max(u log(1 + e^-150), 0) e^300 came out -1e65 at u < 0).
    A sign that cannot be told for certain is NotEvaluable, never a guess."""
    if not isinstance(expr, sp.Basic):
        return expr
    if not expr.has(*DECIDED):
        return expr.xreplace(subs)
    if isinstance(expr, Relational):
        lhs, rhs = at_point(expr.lhs, subs), at_point(expr.rhs, subs)
        decided = decide(type(expr), lhs, rhs)
        return expr.func(lhs, rhs, evaluate=False) if decided is None else sp.true if decided else sp.false
    if isinstance(expr, sp.Piecewise):
        pieces = []
        for value, cond in expr.args:
            cond = at_point(cond, subs)
            if cond is sp.false:
                continue
            pieces.append((at_point(value, subs), cond))
            if cond is sp.true:
                break
        if pieces and pieces[0][1] is sp.true:
            return pieces[0][0]
        return sp.Piecewise(*pieces) if pieces else sp.nan
    args = [at_point(a, subs) for a in expr.args]
    numbers = [number(a) for a in args]
    if isinstance(expr, (sp.Max, sp.Min)) and None not in numbers:
        return extremum(numbers, 1 if isinstance(expr, sp.Max) else -1)
    if isinstance(expr, _SIGNED) and numbers[0] is not None:
        return _piece_of_sign(expr, numbers[0], args)
    return expr.func(*args)


def _is_matrix(v):
    return isinstance(v, sp.MatrixBase)


def _one_by_one(v):
    """Whether ``v`` is a 1 x 1 matrix: at a size 1 a vector of one entry, a 1 x 1 matrix and a number (w^T x at D = 1,
    X^T r at N = D = 1) are one value; the shape of the notation, not the size, tells them apart, so each stands
    where a number is needed, and a number where it is (as the engine's float64 layer broadcasts them)."""
    return isinstance(v, sp.MatrixBase) and v.shape == (1, 1)


def add_values(out, v, what):
    """out + v: of two numbers, two matrices of one shape, or a number and a 1 x 1 matrix (a 1 x 1 matrix then);
    anything else is a :class:`ShapeError` saying ``what``."""
    if _is_matrix(out) != _is_matrix(v):
        if not (_one_by_one(out) or _one_by_one(v)):
            raise ShapeError(what)
        out, v = (x if _is_matrix(x) else sp.Matrix([[x]]) for x in (out, v))
    if _is_matrix(out) and out.shape != v.shape:
        raise ShapeError(f"the shapes do not add: {out.shape} plus {v.shape}")
    return out + v


# -- the interpreter ------------------------------------------------------------------------------------------------

class Interpreter:
    """The value of a notation tree in sympy values (a number, an expression in real symbols, or a sympy Matrix).

    ``regions`` (the prover's): each max, |.|, sign, Heaviside and indicator of a condition that is not decided
    becomes its sign variables (``regions.extremum``, ``positive``, ``equal``, ``indicator``, ``condition``,
    ``from_source``). ``deadline`` (time.monotonic()): past it, TimeoutError. ``subs``: the point's values of the
    real symbols, when known (a log of a value that is not positive there has no real value).

    The limits are the reader's guard against a line that would never finish (10^{10^{10}}); the engine's
    evaluator sets none (its sizes are its own).
    """

    max_terms = None  # terms of a sum or factors of a product
    max_power = None  # the size of a numeric exponent
    max_exponent = None  # the size of a numeric argument of exp
    row_times_column_is_number = False  # w^T x as a number, not a 1 x 1 matrix

    def __init__(self, indices=None, regions=None, deadline=None, subs=None):
        self.indices = dict(indices or {})
        self.locals = {}  # the parameters of the named function being evaluated, bound to its arguments' values
        self.regions = regions
        self.deadline = deadline
        self.subs = subs or {}
        # every denominator met as written, before sympy combines anything (u^3/u is u^2 to sympy, undefined at u = 0
        # on the page): a point where one is 0 is one where the side has no value, and the prover's obligations
        # carry them; every argument of a log and base of a root met, likewise (real only where >= 0)
        self.denominators = []
        self.real_arguments = []

    def divides_by(self, denominator):
        """Record ``denominator``: the side divides by it as written. A number, or a value sympy's assumptions show
        nonzero (a sum of exponentials), needs no record."""
        if _is_matrix(denominator):
            if len(denominator) != 1:
                return
            denominator = denominator[0]
        if not isinstance(denominator, sp.Basic):
            return  # a float of the package's (a derived value): a number
        if denominator.is_number or denominator.is_nonzero or denominator in self.denominators:
            return
        self.denominators.append(denominator)

    @staticmethod
    def show(expr):
        """How a message names a piece of the notation (the reader's: TeX between dollars)."""
        return str(expr)

    # -- where values come from (a subclass's) ------------------------------------------------------------------------
    def symbol(self, name):
        """The value of a name that is neither a parameter nor an index."""
        raise MissingValue(f"{name} has no value at this point")

    def label(self, expr):
        """The class label an entry ``y_i`` stands for (an int), or None when ``expr`` is no label."""
        return None

    def definition(self, name):
        """(first side of the named function's definition, [its forms: a tree, or a message why it is not used])."""
        raise NotEvaluable(f"the function {name} has no definition here")

    def _ev_Indexed(self, expr):
        raise NotEvaluable(f"{self.show(expr)} has no value here")

    # -- dispatch -----------------------------------------------------------------------------------------------------
    def ev(self, expr):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeoutError
        method = getattr(self, "_ev_" + type(expr).__name__, None)
        if method is not None:
            return method(expr)
        return self._leaf(expr)

    def _leaf(self, expr):
        if isinstance(expr, sp.Number):
            return sp.Rational(expr)
        if isinstance(expr, sp.NumberSymbol):  # e (what exp(1) becomes), pi
            return expr
        if isinstance(expr, sp.core.function.AppliedUndef):
            return self._named(expr)
        if isinstance(expr, Relational):
            return expr.func(self.ev(expr.lhs), self.ev(expr.rhs))
        raise NotEvaluable(f"no rule for {type(expr).__name__}")

    def index(self, expr):
        """The whole number an index expression stands for here (1-based, as on the page)."""
        expr = sp.sympify(expr)
        if isinstance(expr, sp.Integer):
            return int(expr)
        if isinstance(expr, sp.Symbol):
            if not expr.is_integer:  # never read by its name alone: a plain i is not the point's index i
                raise InvalidValue(f"{expr.name} is used as an index, but it is not an integer symbol: write it with "
                                   f"derivations.equations.symbols ({expr.name} = sp.Symbol({expr.name!r}, "
                                   f"integer=True, positive=True))")
            if expr.name in self.indices:
                return int(self.indices[expr.name])
            raise MissingValue(f"index {expr.name} has no value at this point")
        if isinstance(expr, sp.Indexed):
            value = self.label(expr)
            if value is not None:
                return int(value)
        if isinstance(expr, (sp.Add, sp.Mul)):
            # y_i + 1: each label's value first (the free symbols of y[i] are y and i, and y is no index)
            expr = expr.xreplace({e: sp.Integer(self.index(e)) for e in expr.atoms(sp.Indexed)})
            value = sp.sympify(expr.xreplace({s: sp.Integer(self.index(s)) for s in expr.free_symbols}))
            if not value.is_Integer:  # int() would round k/2 = -1/2 to 0
                raise InvalidValue(f"the index {expr} is {value} here, not an integer")
            return int(value)
        raise NotEvaluable(f"{self.show(expr)} is used as an index, but it is not a whole number here")

    def _ev_Symbol(self, expr):
        name = expr.name
        if name in self.locals:
            return self.locals[name]
        if name in self.indices:
            return sp.Integer(self.indices[name])
        return self.symbol(name)

    # -- arithmetic ---------------------------------------------------------------------------------------------------
    def _ev_Add(self, expr):
        out = None
        for a in expr.args:
            v = self.ev(a)
            out = v if out is None else add_values(out, v, "a vector added to a number")
        return out

    def _ev_Mul(self, expr):
        out = None
        for a in expr.args:
            v = self.ev(a)
            out = v if out is None else self._times(out, v)
        return out

    def _times(self, out, v):
        """out times v: a matrix product where both are matrices (their shapes must agree), else a scaling."""
        if not (_is_matrix(out) and _is_matrix(v)):
            return out * v
        if out.shape[1] != v.shape[0]:
            if out.shape == v.shape and out.shape[1] == 1:
                raise ShapeError("a product of two column vectors: write the inner product as $a^T b$")
            raise ShapeError(f"the shapes do not multiply: {out.shape} times {v.shape}")
        out = out * v
        return out[0, 0] if out.shape == (1, 1) and self.row_times_column_is_number else out

    def _ev_Pow(self, expr):
        base, power = self.ev(expr.base), self.ev(expr.exp)
        if (_is_matrix(base) and len(base) > 1) or _is_matrix(power):
            raise ShapeError("a power of a vector or a matrix")
        if self.max_power is not None and getattr(power, "is_number", False) and \
                abs(sp.N(power, 15)) > self.max_power:  # s_1^{10^6} would take sympy's expand forever
            raise NotEvaluable(f"a power too large to evaluate: {self.show(expr)}")
        if isinstance(power, sp.Rational) and not power.is_Integer:
            self._real_argument(base, "a root of a negative value", strict=False)
        if getattr(power, "is_number", False) and power.is_negative:
            self.divides_by(base)
        return self._own_kinks(base ** power, (base, power))

    _KINKED = (sp.Abs, sp.sign)

    def _own_kinks(self, value, given):
        """``value`` with every |a| or sign a that sympy made itself while building it (the root of a square is
        |u|: (u^2)^(1/2) = Abs(u)) read as the notation's own |a| and sign a: a kink for the regions, never sympy's
        Abs, whose derivative sign(u) is 0 at the kink."""
        if not isinstance(value, sp.Basic):
            return value
        before = set().union(*(g.atoms(*self._KINKED) for g in given if isinstance(g, sp.Basic)))
        made = [n for n in value.atoms(*self._KINKED) if n not in before]
        if not made:
            return value
        return value.xreplace({n: self._signed_value(n, list(n.args), self._abs_rule if n.func is sp.Abs else
                                                     self._sign_rule) for n in made})

    def _ev_Frac(self, expr):
        bottom = self.ev(expr.args[1])
        if _is_matrix(bottom) and len(bottom) > 1:
            raise NotEvaluable(f"a division by a vector or matrix of shape {bottom.shape}")
        if _one_by_one(bottom):
            bottom = bottom[0, 0]
        if isinstance(bottom, sp.Basic) and bottom == 0:
            raise NotEvaluable(f"a division by zero: {self.show(expr)}")
        self.divides_by(bottom)
        return self.ev(expr.args[0]) / bottom

    def _scalar(self, v, what):
        if _one_by_one(v):
            return v[0, 0]
        if _is_matrix(v):
            raise NotEvaluable(f"{what} of a vector")
        return v

    def _ev_exp(self, expr):
        a = self._scalar(self.ev(expr.args[0]), "an exponential")
        if self.max_exponent is not None and a.is_number and abs(sp.N(a, 15)) > self.max_exponent:
            raise NotEvaluable(f"an exponential too large to evaluate: {self.show(expr)}")
        return sp.exp(a)

    def _ev_log(self, expr):
        a = self._scalar(self.ev(expr.args[0]), "a logarithm")
        self._real_argument(a, "the log of a value that is not positive")
        return sp.log(a)

    def _real_argument(self, a, what, strict=True):
        """A log or a root of a number that is not positive has no real value: sympy would rewrite exp(log u) as u."""
        if not _is_matrix(a) and not sp.sympify(a).is_number:
            self.real_arguments.append(sp.sympify(a))
        if self.regions is not None or _is_matrix(a):
            return
        value = sp.sympify(a).xreplace(self.subs)
        if value.is_number and value.is_real is not False:
            value = evalf_digits(value, DIGITS)
            if value.is_number and (value < 0 or (strict and value == 0)):
                raise InvalidValue(f"{what} ({value})")

    def _elementary(self, expr):
        """sin, cos, tan, sinh, cosh, tanh: sympy's function of the value."""
        a = self._scalar(self.ev(expr.args[0]), f"a {type(expr).__name__}")
        if type(expr).__name__ == "tan":  # sin a / cos a: no value where cos a = 0, even times 0
            self.divides_by(sp.cos(a))
        value = getattr(sp, type(expr).__name__)(a)
        if isinstance(expr, (sp.sinh, sp.cosh, sp.tanh)):  # in exponentials, which the kernel decides (its signs of
            return value.rewrite(sp.exp)  # tanh(1/2) - ... went to sympy's trigsimp, which ran for minutes)
        return value

    _ev_sin = _ev_cos = _ev_tan = _ev_sinh = _ev_cosh = _ev_tanh = _elementary

    # -- pieces: max, min, |.|, sign, Heaviside, floor, indicators -------------------------------------------------------
    def _extremum(self, expr, direction):
        args = [self._scalar(self.ev(a), "a max or a min") for a in expr.args]
        if self.regions is not None:
            return self.regions.from_source(expr, lambda: self.regions.extremum(args, direction))
        if all(number(a) is not None for a in args):
            return extremum(args, direction, self.show)
        return sp.Max(*args) if direction > 0 else sp.Min(*args)

    def _ev_Max(self, expr):
        return self._extremum(expr, 1)

    def _ev_Min(self, expr):
        return self._extremum(expr, -1)

    def _signed(self, expr, regions_rule):
        """|a|, sign a, H(a): decided where a is a number, the regions' sign variables for the prover, else sympy's."""
        return self._signed_value(expr, [self._scalar(self.ev(a), f"a {type(expr).__name__}") for a in expr.args],
                                  regions_rule)

    def _signed_value(self, expr, args, regions_rule):
        a = number(args[0])
        if a is not None:
            return _piece_of_sign(expr, a, args)
        if self.regions is not None:
            return self.regions.from_source(expr, lambda: regions_rule(args[0], args))
        return expr.func(*args)

    def _sign_rule(self, a, _=None):
        """sign a for the prover: 1(a > 0) - 1(-a > 0), the regions' sign variables."""
        return self.regions.positive(a) - self.regions.positive(-a)

    def _abs_rule(self, a, _=None):
        """|a| for the prover: sign a times a."""
        return self._sign_rule(a) * a

    def _ev_Abs(self, expr):
        return self._signed(expr, self._abs_rule)

    def _ev_sign(self, expr):
        return self._signed(expr, self._sign_rule)

    def _ev_Heaviside(self, expr):
        """H(a): 0 below 0, 1 above, and at 0 its second argument (sympy's default 1/2)."""
        if len(expr.args) == 1:
            expr = sp.Heaviside(expr.args[0], sp.Rational(1, 2), evaluate=False)
        return self._signed(expr, lambda a, args: self.regions.positive(a) + args[1] * self.regions.equal(a, 0))

    def _rounding(self, expr, up):
        """floor (``up`` False) or ceiling of a value; of a number, the integer told for certain."""
        a = self._scalar(self.ev(expr.args[0]), "a rounding")
        value = number(a)
        if value is None:
            return sp.ceiling(a) if up else sp.floor(a)
        return certified_round(value, up)

    def _ev_floor(self, expr):
        return self._rounding(expr, up=False)

    def _ev_ceiling(self, expr):
        return self._rounding(expr, up=True)

    def _ev_Ind(self, expr):
        cond = expr.args[0]
        if isinstance(cond, (sp.And, sp.Or, sp.Not)):  # 1(a and b) = 1(a) 1(b), 1(not a) = 1 - 1(a), exactly
            parts = [self._ev_Ind(Ind(c)) for c in cond.args]
            if isinstance(cond, sp.Not):
                return 1 - parts[0]
            if isinstance(cond, sp.And):
                return reduce(operator.mul, parts)
            return 1 - reduce(operator.mul, [1 - part for part in parts])
        if isinstance(cond, Relational):
            lhs, rhs = self.ev(cond.lhs), self.ev(cond.rhs)
            return self._indicator(cond, lhs, rhs)
        rel = self.ev(cond)
        if rel in (sp.true, sp.false) or isinstance(rel, bool):
            return self._truth(bool(rel))
        return self._condition(rel)

    def _ev_Piecewise(self, expr):
        """A reader's cases without "otherwise" (parse.py): the value of the first case whose condition holds, and no
        value (nan) where none holds. Read at points only: the prover's regions have no rule for it."""
        if self.regions is not None:
            raise NotEvaluable("cases with no value where none holds are decided at points only")
        pieces = []
        for value, cond in expr.args:
            holds = self._holds(cond)
            if holds is sp.false:
                continue
            value = self._scalar(self.ev(value), "a case")
            if holds is sp.true and not pieces:
                return value
            pieces.append((value, holds))
            if holds is sp.true:
                break
        return sp.Piecewise(*pieces) if pieces else sp.nan

    def _holds(self, cond):
        """A condition's truth (sp.true or sp.false) where it is decided, else the relation of its values."""
        if cond is sp.true or cond is True:
            return sp.true
        if isinstance(cond, (sp.And, sp.Or, sp.Not)):
            return cond.func(*[self._holds(c) for c in cond.args])
        lhs, rhs = (x[0, 0] if _one_by_one(x) else x for x in (self.ev(cond.lhs), self.ev(cond.rhs)))
        if _is_matrix(lhs) or _is_matrix(rhs):
            raise ShapeError("a case's condition between vectors")
        decided = decide(cond.func, lhs, rhs, self.show)
        if decided is not None:
            return sp.true if decided else sp.false
        return cond.func(lhs, rhs, evaluate=False)

    def _condition(self, rel):
        """1(rel) of a condition that is not a relation of two values."""
        if self.regions is not None:
            return self.regions.condition(rel)
        return sp.Piecewise((1, rel), (0, True))

    def _truth(self, holds):
        return sp.Integer(1 if holds else 0)

    def _indicator(self, cond, lhs, rhs):
        """1(lhs rel rhs): decided where lhs - rhs is a number, else the regions' atom or a Piecewise."""
        lhs, rhs = (x[0, 0] if _one_by_one(x) else x for x in (lhs, rhs))
        if _is_matrix(lhs) or _is_matrix(rhs):
            raise ShapeError("an indicator of a relation between vectors")
        decided = decide(cond.func, lhs, rhs, self.show)
        if decided is not None:  # numbers (indices, labels, exact values): decided, = and >= included
            return self._truth(decided)
        relation = cond.func(lhs, rhs, evaluate=False)
        if self.regions is not None:
            return self.regions.from_source(Ind(cond), lambda: self.regions.indicator(relation))
        return sp.Piecewise((1, relation), (0, True))

    # -- sums, products and matrices ------------------------------------------------------------------------------------
    def _over(self, index, lo, hi, skip, each, what):
        """[each() for the index at lo..hi, ``skip`` left out]: none when hi < lo."""
        if not isinstance(index, sp.Symbol):
            raise NotEvaluable(f"a {what} must run over an index symbol, not {index}")
        low, high = self.index(lo), self.index(hi)
        if self.max_terms is not None and high - low >= self.max_terms:
            raise NotEvaluable(f"a {what} of more than {self.max_terms} terms")
        had, saved = index.name in self.indices, self.indices.get(index.name)
        out = []
        try:
            for k in range(low, high + 1):
                if k == skip:
                    continue
                self.indices[index.name] = k
                out.append(each())
        finally:
            if had:
                self.indices[index.name] = saved
            else:
                self.indices.pop(index.name, None)
        return out

    def _zero(self):
        return sp.Integer(0)

    def _one(self):
        return sp.Integer(1)

    def _ev_SumOver(self, expr):
        """The sum over ``lo..hi`` (none when ``hi < lo``: an empty range is 0), skipping ``excluded``."""
        body, index, lo, hi, excluded = expr.args
        skip = None if excluded is sp.S.NaN else self.index(excluded)
        terms = self._over(index, lo, hi, skip, lambda: self.ev(body), "sum")
        if not terms:
            return self._zero()
        out = terms[0]
        for t in terms[1:]:
            out = add_values(out, t, "a sum of vectors and numbers")
        return out

    def _ev_Product(self, expr):
        """sympy's Product(body, (k, lo, hi), ...): the product over lo..hi (none when hi < lo: an empty range is 1)."""
        return self._product(expr.args[0], list(expr.args[1:]))

    def _product(self, body, limits):
        if not limits:
            value = self.ev(body)
            if _is_matrix(value):
                raise NotEvaluable("a product of vectors")
            return value
        index, lo, hi = limits[-1]  # sympy's last limit is the outermost
        factors = self._over(index, lo, hi, None, lambda: self._product(body, limits[:-1]), "product")
        return reduce(operator.mul, factors) if factors else self._one()

    def _ev_Dot(self, expr):
        a, b = self.ev(expr.args[0]), self.ev(expr.args[1])
        if not (_is_matrix(a) and _is_matrix(b) and a.shape == b.shape and a.shape[1] == 1):
            raise ShapeError(f"an inner product of two column vectors, not of {self.show(expr.args[0])} and "
                               f"{self.show(expr.args[1])}")
        return (a.T * b)[0, 0]

    def _ev_Cdot(self, expr):
        """a \\cdot b: the inner product of two column vectors of one length (as a^T b), else the product a b."""
        a, b = self.ev(expr.args[0]), self.ev(expr.args[1])
        if _is_matrix(a) and _is_matrix(b) and a.shape == b.shape and a.shape[1] == 1:
            return (a.T * b)[0, 0]
        return self._times(a, b)

    def _ev_Transpose(self, expr):
        a = self.ev(expr.args[0])
        return a.T if _is_matrix(a) else a

    def _ev_Norm(self, expr):
        a = self.ev(expr.args[0])
        entries = list(a) if _is_matrix(a) else [a]
        if len(entries) == 1:  # the norm of a scalar is |a|: a kink like |.|, never sympy's Abs (sign(0) = 0)
            return self._signed_value(sp.Abs(entries[0], evaluate=False), entries, self._abs_rule)
        return sp.sqrt(sum(e ** 2 for e in entries))

    def _ev_Frobenius(self, expr):
        a = self.ev(expr.args[0])
        return sum(e ** 2 for e in a) if _is_matrix(a) else a ** 2

    def _ev_Identity(self, expr):
        return sp.eye(self.index(expr.args[0]))

    def _ev_ZeroVector(self, expr):
        return sp.zeros(self.index(expr.args[0]), 1)

    def _ev_Inverse(self, expr):
        a = self.ev(expr.args[0])
        if not _is_matrix(a) or a.shape[0] != a.shape[1]:
            raise NotEvaluable(f"the inverse of a matrix that is not square: {self.show(expr.args[0])}")
        if a.det() == 0:
            raise NotEvaluable("the matrix has no inverse here (its determinant is 0)")
        return a.inv()

    # Hessian, Jacobian and Diag (another change adds them to the notation): their rules go here, as the
    # derivative's below, in sympy values; the float64 layer (evaluate.PackageEvaluator) overrides them for the package.

    # -- named functions --------------------------------------------------------------------------------------------------
    def _named(self, expr):
        name = type(expr).__name__
        head, forms = self.definition(name)
        # every argument is read in the caller's context first, then bound: g(b, a) never reads its own new a for b
        bound_locals, bound_indices = self._arguments(name, head, expr)
        saved_locals, saved_indices = self.locals, dict(self.indices)
        try:
            self.locals = bound_locals  # the body sees its own parameters only, never an enclosing function's
            self.indices.update(bound_indices)
            errors = []
            for form in forms:
                if isinstance(form, str):  # a form not used here, and why
                    errors.append(form)
                    continue
                try:
                    return self.ev(form)
                except NotEvaluable as exc:
                    errors.append(str(exc))
            raise NotEvaluable(f"no form of {name} can be evaluated here: {'; '.join(errors)}")
        finally:
            self.locals, self.indices = saved_locals, saved_indices

    def _arguments(self, name, head, expr):
        """({parameter name: value}, {index name: value}): the arguments of ``expr`` bound to the parameters of
        its definition's first side ``head`` (a value parameter to the argument's value, an entry s_k to the index
        of the argument, which must be an entry of the same s)."""
        if len(head.args) != len(expr.args):
            raise NotEvaluable(f"{name} takes {len(head.args)} argument(s), as its definition {self.show(head)} says, "
                               f"but is called with {len(expr.args)}: {self.show(expr)}")
        values, indices = {}, {}
        for param, arg in zip(head.args, expr.args):
            if isinstance(param, sp.Indexed):
                if not (isinstance(arg, sp.Indexed) and arg.base == param.base and len(arg.indices) == 1):
                    raise NotEvaluable(f"{name}'s parameter {self.show(param)} is an entry of {param.base}: it takes "
                                       f"{param.base} at another index, not {self.show(arg)}")
                indices[param.indices[0].name] = self.index(arg.indices[0])
            elif isinstance(param, sp.Symbol) and param.is_integer:  # an index parameter: f(k) at k = 2
                indices[param.name] = self.index(arg)
            else:
                values[param.name] = self.ev(arg)
        return values, indices

    # -- derivatives --------------------------------------------------------------------------------------------------------
    def _frozen(self, f):
        """(value of ``f``, back, held): ``f`` evaluated with every parameter of the named function being evaluated
        held as a symbol of its own (``held``: name -> symbol, or Matrix of symbols), and ``back`` the substitution
        of their values. A parameter is an independent variable of its definition: d/dz of a body whose parameter is
        bound to 2z must not see the 2z, and d/dp of it is taken at p's value."""
        if not self.locals:
            return self.ev(f), {}, {}
        held, back = {}, {}
        for name, value in self.locals.items():
            if _is_matrix(value):
                syms = sp.Matrix(value.rows, value.cols, lambda r, c: sp.Dummy(f"{name}_{r + 1}_{c + 1}", real=True))
                back.update(zip(syms, value))
                held[name] = syms
            else:
                sym = sp.Dummy(name, real=True)
                back[sym] = value
                held[name] = sym
        before = set(self.regions.variables) if self.regions is not None else set()
        saved, self.locals = self.locals, held
        recorded = len(self.denominators)
        try:
            inner = self.ev(f)
        finally:
            self.locals = saved
            self.denominators[recorded:] = [d.xreplace(back) for d in self.denominators[recorded:]]
        if self.regions is not None:  # an atom whose condition holds a held symbol would never be told at a point
            dummies, conditions = set(back), getattr(self.regions, "conditions", None)
            for atom in set(self.regions.variables) - before:
                condition = conditions.get(atom) if conditions is not None else None
                if condition is None or sp.sympify(condition[1]).free_symbols & dummies:
                    raise NotEvaluable("a derivative inside a named function through a max, |.| or indicator of its "
                                       "parameters: decided at points only")
        return inner, back, held

    def variables(self, var):
        """The real symbols a derivative is taken with respect to, in the shape of the variable."""
        v = self.ev(var)
        entries = list(v) if _is_matrix(v) else [v]
        if not all(isinstance(e, sp.Symbol) for e in entries):
            raise NotEvaluable(f"cannot differentiate with respect to {self.show(var)}: not a free variable here")
        return v

    def differentiable(self, value):
        """The value a derivative is taken of (a subclass refuses what it cannot differentiate)."""
        return value

    def before_derivative(self, f):
        """Called before ``f`` is differentiated here (the engine refuses a derivative on a kink)."""

    @staticmethod
    def _diff(inner, target):
        """d inner / d target, entry by entry for a vector or matrix target (a sympy Matrix then)."""
        if _is_matrix(target):
            return target.applyfunc(lambda s: sp.diff(inner, s))
        return sp.diff(inner, target)

    def _derivative(self, expr):
        """d f / d var: with respect to a value of the point (s_k, W, z), or to a parameter of the named function
        being evaluated (its definition h'(z) = dh(z)/dz, called at h'(2z): the derivative of h at 2z)."""
        f, var = expr.args
        self.before_derivative(f)
        inner, back, held = self._frozen(f)  # a sign variable of Regions is a constant in its region: diff treats it so
        target = held[var.name] if isinstance(var, sp.Symbol) and var.name in held else self.variables(var)
        out = self._diff(self.differentiable(inner), target)
        return out.xreplace(back) if back else out

    _ev_Partial = _derivative
    _ev_Grad = _derivative

    def _ev_Hessian(self, expr):
        """The Hessian of f by a vector v: the Jacobian of its gradient, entry (k, l) = d^2 f / dv_k dv_l (by a
        scalar: the second derivative)."""
        from derivations.equations.notation import Grad, Jacobian, Partial

        f, var = expr.args
        if not _is_matrix(self.variables(var)):
            return self.ev(Partial(Partial(f, var), var))
        return self.ev(Jacobian(Grad(f, var), var))

    def _ev_Jacobian(self, expr):
        """dF/dv^T of a vector F by a vector v: entry (a, b) = dF_a / dv_b, sympy's derivative of each entry."""
        f, var = expr.args
        if var.name in self.locals:
            raise NotEvaluable(f"a Jacobian with respect to the parameter {var.name} of a named function")
        self.before_derivative(f)
        target = self.variables(var)
        if not _is_matrix(target) or target.cols != 1:
            raise NotEvaluable(f"a Jacobian with respect to {self.show(var)}, which is no vector here")
        inner, back, _ = self._frozen(f)
        inner = self.differentiable(inner)
        if not _is_matrix(inner) or inner.cols != 1:
            raise NotEvaluable(f"the Jacobian of {self.show(f)}, which is no vector here (of a scalar: Grad)")
        out = sp.Matrix(inner.rows, target.rows, lambda a, b: sp.diff(inner[a], target[b]))
        return out.xreplace(back) if back else out

    def _ev_Diag(self, expr):
        """The diagonal matrix of a vector."""
        v = self.ev(expr.args[0])
        if not _is_matrix(v) or min(v.shape) != 1:
            raise NotEvaluable("Diag takes a vector")
        return sp.diag(*list(v))
