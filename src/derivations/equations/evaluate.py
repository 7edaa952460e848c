"""Evaluate the notation at a concrete point, two independent ways.

``symbolic``: every named function is replaced by the formula that defines it
on the page, derivatives are taken by sympy, and the result is evaluated
exactly or at 40 significant digits, so large logits cannot overflow.

``package``: every named function is computed by the ``derivations``
package in float64; a derivative is either the package's own analytic
gradient (``analytic``) or centred finite differences of the package's
function (``finite-differences``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
import operator

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.kernel import COMPARE as _COMPARE, accurate_logs, certified_sign, rational_in_exponentials_is_zero
from derivations.equations.notation import Ind
from derivations.gradient_check import numerical_gradient

__all__ = ["Point", "Evaluator", "NotEvaluable", "MissingValue", "InvalidValue", "Undefined", "Slopes",
           "one_sided_slopes",
           "unevaluable", "EVALUATED_FUNCTIONS"]

DIGITS = 40
MAX_PRECISION = 20000  # digits; e^{-1e4} needs about 4343


class NotEvaluable(Exception):
    """This side cannot be evaluated this way at this point (not a failure by itself)."""


class MissingValue(NotEvaluable):
    """The point does not carry a value this side reads (a point of another kind in a union of spaces)."""


class InvalidValue(Exception):
    """This side has no real value at this point (complex, or a sum over a reversed range): a failure."""


DIVISION_BY_ZERO = "a division by zero"


class Undefined(InvalidValue):
    """This side has no value at this point: a denominator it divides by as written is 0 there (0/0 included,
    however sympy cancelled it when the side was built: u^3/u is u^2 to sympy, undefined at u = 0 on the page)."""


@dataclass
class Point:
    """A concrete point: sizes and indices (1-based, as on the page) and primitive values.

    ``derived`` computes further values from the primitives (``s = x_i W``,
    one-hot ``t``); it runs on float arrays and on arrays of sympy symbols alike.
    ``labels`` names the values that are class labels (integers 1..C, read as
    indices: ``s_{y_i}``); by default ``y`` when it holds integers. Every other
    value is real, ``y`` included when it holds floats (regression targets).
    """

    label: str
    indices: dict
    values: dict
    derived: dict = field(default_factory=dict)
    kink: bool = False
    labels: tuple | None = None

    @property
    def label_names(self):
        if self.labels is not None:
            return frozenset(self.labels)
        y = self.values.get("y")
        return frozenset({"y"}) if y is not None and np.issubdtype(np.asarray(y).dtype, np.integer) else frozenset()

    def describe(self):
        parts = [f"{k}={v}" for k, v in self.indices.items()]
        for name, v in self.values.items():
            arr = np.asarray(v)
            if arr.dtype == object:
                arr = arr.astype(np.float64)
            parts.append(f"{name}={np.array2string(arr, precision=4, separator=', ')}" if arr.ndim else f"{name}={float(arr):.6g}")
        return f"{self.label}: " + ", ".join(parts)

    def describe_indices(self):
        """Sizes, indices and labels, without the values: where a symbolic proof failed."""
        parts = [f"{k}={v}" for k, v in self.indices.items()]
        for name in sorted(self.label_names):
            parts.append(f"{name}={np.asarray(self.values[name]).tolist()}")
        return ", ".join(parts) or "the statement's only point (no size or index)"

    def numeric_values(self, overrides=None):
        """Primitive values as floats and the derived values computed from them (once per point: a copy each call)."""
        if overrides is None:
            cached = self.__dict__.get("_numeric")
            if cached is None:
                cached = self._numeric_values(None)
                self.__dict__["_numeric"] = cached
            return dict(cached)
        return self._numeric_values(overrides)

    def _numeric_values(self, overrides):
        labels = self.label_names
        values = {k: (np.array(v) if k in labels else np.array(v, dtype=np.float64)) for k, v in self.values.items()}
        if overrides:
            values.update(overrides)
        for name, rule in self.derived.items():
            values[name] = rule(values, self.indices)
        return values

    def symbolic_values(self, domain=None):
        """Primitive floats as sympy symbols, derived values built from them, and the substitution.

        Every symbol is real, with no other assumption, unless ``domain`` (name ->
        assumptions, from the equation's declared domain) says more. Computed once per point and domain.
        """
        key = repr(sorted((k, sorted(v.items())) for k, v in (domain or {}).items()))
        cache = self.__dict__.setdefault("_symbolic", {})
        if key not in cache:
            cache[key] = self._symbolic_values(domain)
        values, subs = cache[key]
        return dict(values), dict(subs)

    def _symbolic_values(self, domain=None):
        values, subs = {}, {}
        labels = self.label_names
        domain = domain or {}
        for name, v in self.values.items():
            arr = np.asarray(v)
            if name in labels:
                values[name] = arr
                continue
            assumptions = domain.get(name, {"real": True})
            if arr.ndim == 0:
                sym = sp.Symbol(f"{name}", **assumptions)
                values[name] = sym
                subs[sym] = _exact(arr.item() if arr.dtype == object else arr)
                continue
            syms = np.empty(arr.shape, dtype=object)
            for idx in np.ndindex(arr.shape):
                sym = sp.Symbol(f"{name}_{'_'.join(str(k + 1) for k in idx)}", **assumptions)
                syms[idx] = sym
                subs[sym] = _exact(arr[idx])
            values[name] = syms
        for name, rule in self.derived.items():
            values[name] = rule(values, self.indices)
        return values, subs


FORM_CHECKS = []  # the prover puts its proved_links here when it is imported: this module never imports the prover


def _form_proved(definition, n, catalog):
    """Whether the links of ``definition`` before its form ``n`` are proved (for all sizes, or for its range); never
    without the prover (a later form then stands for nothing)."""
    return any(check(definition, range(1, n), catalog) for check in FORM_CHECKS)


def _exact(v):
    """A value of a point as an exact number: a sympy number as it is, a float as the rational it stands for."""
    if isinstance(v, sp.Basic) and v.is_number:
        return v
    return sp.Rational(float(v))


def _in_range(expr, at, shape):
    """Raise unless every index of ``expr`` (values ``at``, 1-based) lies within ``shape``: numpy would wrap a 0 to the end."""
    if len(at) > len(shape):
        raise NotEvaluable(f"{expr} has {len(at)} indices, but its array has shape {shape}")
    for value, size in zip(at, shape):
        if not 1 <= value <= size:
            raise NotEvaluable(f"{expr} is out of range here: index {value} of 1..{size}")


def _number(v):
    """``v`` as an exact sympy number, or None when it is not one."""
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (int, np.integer)):
        return sp.Integer(int(v))
    if isinstance(v, (float, np.floating)):
        return sp.Rational(float(v)) if np.isfinite(v) else None
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return _number(v.item())
    if isinstance(v, sp.Basic) and v.is_number and v.is_real:
        return v
    return None


def _exact_relation(cond, lhs, rhs, mode):
    """0 or 1 when both sides are numbers (exactly, with = and >= as written), else None."""
    if mode == "package" and all(isinstance(v, (int, float, np.integer, np.floating)) or
                                 (isinstance(v, np.ndarray) and v.ndim == 0) for v in (lhs, rhs)):
        return int(bool(_COMPARE[type(cond)](float(lhs), float(rhs))))
    a, b = _number(lhs), _number(rhs)
    if a is None or b is None:
        return None
    diff = a - b
    sign = certified_sign(diff)  # not sympy's own comparison, which trusts its evalf (wrong near log 1)
    if sign is None:
        raise NotEvaluable(f"cannot tell the sign of {diff} for certain, to decide {cond}")
    return int(bool(_COMPARE[type(cond)](sign, 0)))


def _numeric_extremum(args, direction):
    """max (1) or min (-1) of numbers, each comparison's sign certified (:func:`kernel.certified_sign`)."""
    best = _number(args[0])
    for a in args[1:]:
        a = _number(a)
        sign = certified_sign(direction * (a - best))
        if sign is None:
            raise NotEvaluable(f"cannot tell which of {a} and {best} is larger for certain")
        if sign > 0:
            best = a
    return best


def _certified_round(number, up):
    """floor (``up`` False) or ceiling of a number, the integer told for certain (each side certified), else
    NotEvaluable."""
    guess = int(sp.floor(evalf_digits(number, DIGITS)))  # a candidate; each side of it is then certified
    for n in (guess, guess - 1, guess + 1):
        low, high = (n - 1, n) if up else (n, n + 1)
        # floor: n <= a < n + 1; ceiling: n - 1 < a <= n
        above, below = certified_sign(number - low), certified_sign(high - number)
        if above is None or below is None:
            break
        if (above > 0 and below >= 0) if up else (above >= 0 and below > 0):
            return sp.Integer(n)
    raise NotEvaluable(f"cannot tell for certain which integers {number} lies between")


_DECIDED = (Relational, sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling)


def _at_point(expr, subs):
    """``expr`` with the point's values ``subs`` put in, every relation, piece, max, min, |.|, sign, Heaviside, floor
    and ceiling of a number decided by kernel.certified_sign: a plain substitution lets sympy decide them by its own
    comparison, whose evalf takes log(1 + e^-150) as 0 (max(u log(1 + e^-150), 0) e^300 came out -1e65 at u < 0).
    A sign that cannot be told for certain is NotEvaluable, never a guess."""
    if not isinstance(expr, sp.Basic):
        return expr
    if not expr.has(*_DECIDED):
        return expr.xreplace(subs)
    if isinstance(expr, Relational):
        lhs, rhs = _at_point(expr.lhs, subs), _at_point(expr.rhs, subs)
        diff = _number(sp.sympify(lhs) - sp.sympify(rhs))
        if diff is None:
            return expr.func(lhs, rhs, evaluate=False)
        sign = certified_sign(diff)
        if sign is None:
            raise NotEvaluable(f"cannot tell the sign of {diff} for certain, to decide {expr}")
        return sp.true if _COMPARE[type(expr)](sign, 0) else sp.false
    if isinstance(expr, sp.Piecewise):
        pieces = []
        for value, cond in expr.args:
            cond = _at_point(cond, subs)
            if cond is sp.false:
                continue
            pieces.append((_at_point(value, subs), cond))
            if cond is sp.true:
                break
        if pieces and pieces[0][1] is sp.true:
            return pieces[0][0]
        return sp.Piecewise(*pieces) if pieces else sp.nan
    args = [_at_point(a, subs) for a in expr.args]
    numbers = [_number(a) for a in args]
    if isinstance(expr, (sp.Max, sp.Min)) and None not in numbers:
        return _numeric_extremum(numbers, 1 if isinstance(expr, sp.Max) else -1)
    if isinstance(expr, (sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling)) and numbers[0] is not None:
        a = numbers[0]
        if isinstance(expr, (sp.floor, sp.ceiling)):
            return _certified_round(a, isinstance(expr, sp.ceiling))
        sign = certified_sign(a)
        if sign is None:
            raise NotEvaluable(f"cannot tell the sign of {a} for certain")
        if isinstance(expr, sp.Abs):
            return sign * a
        if isinstance(expr, sp.sign):
            return sp.Integer(sign)
        return sp.Integer(1) if sign > 0 else sp.Integer(0) if sign < 0 else args[1] if len(args) > 1 else sp.Rational(1, 2)
    return expr.func(*args)


class _Rewritten(dict):
    """A point's values whose maxima and Piecewise are written with the atoms of ``regions`` on first reading."""

    def __init__(self, values, regions):
        super().__init__(values)
        self.regions, self.done = regions, set()

    def __getitem__(self, name):
        value = super().__getitem__(name)
        if name not in self.done:
            rewrite = self.regions.rewrite_array if isinstance(value, np.ndarray) else self.regions.rewrite if \
                isinstance(value, sp.Basic) else (lambda v: v)
            value = self.regions.from_source(f"the derived value {name}", lambda: rewrite(value))
            super().__setitem__(name, value)
            self.done.add(name)
        return value

    def get(self, name, default=None):
        return self[name] if name in self else default


class Precise(np.ndarray):
    """A float64 value of the symbolic mode that also carries its 40 correct digits (``digits``, sympy numbers in
    row order): two such values are compared to 37 digits, where float64 would let 1 + 1e-13 pass for 1."""

    digits = ()


def _precise(floats, digits):
    out = np.asarray(floats, dtype=np.float64).view(Precise)
    out.digits = tuple(digits)
    return out


class Slopes:
    """The one-sided slopes of a function at a kink: a (sub)gradient g lies between them, entry by entry, and in
    every direction v tried, g . v lies between the one-sided derivatives along v and along -v."""

    def __init__(self, left, right, directions=()):
        self.low, self.high = np.minimum(left, right), np.maximum(left, right)
        self.directions = list(directions)  # (v, -f'(x; -v), f'(x; v))

    def contains(self, value, rtol, atol):
        value = np.squeeze(np.asarray(value, dtype=np.float64))
        if value.shape != np.squeeze(self.low).shape:
            return False
        slack = atol + rtol * np.maximum(np.abs(self.low), np.abs(self.high))
        if not bool(np.all((value >= np.squeeze(self.low) - slack) & (value <= np.squeeze(self.high) + slack))):
            return False
        for v, back, forth in self.directions:
            along = float(np.sum(value * np.squeeze(v)))
            low, high = min(back, forth), max(back, forth)
            room = atol + rtol * max(abs(low), abs(high), 1.0)
            if not low - room <= along <= high + room:
                return False
        return True

    def __repr__(self):
        return f"between the one-sided slopes {np.squeeze(self.low).tolist()} and {np.squeeze(self.high).tolist()}"

    # a side that is a derivative scaled and shifted by numbers (d|u|/du / 2 + 1/2) keeps its bounds, in order
    def _scalar(self, other):
        value = np.asarray(other, dtype=np.float64) if isinstance(other, (int, float, np.number, np.ndarray)) else \
            np.asarray(float(other)) if isinstance(other, sp.Basic) and other.is_number else None
        if value is None:
            raise NotEvaluable("one-sided slopes combine with numbers only")
        return value

    def __add__(self, other):
        v = self._scalar(other)
        shifted = [(d, b + float(np.sum(v * np.squeeze(d))), f + float(np.sum(v * np.squeeze(d))))
                   for d, b, f in self.directions]
        return Slopes(self.low + v, self.high + v, shifted)

    __radd__ = __add__

    def __sub__(self, other):
        return self + (-self._scalar(other))

    def __rsub__(self, other):
        return (-self) + self._scalar(other)

    def __neg__(self):
        return Slopes(-self.high, -self.low, [(v, -b, -f) for v, b, f in self.directions])

    def __mul__(self, other):
        v = self._scalar(other)
        if np.ndim(v) == 0:
            return Slopes(self.low * v, self.high * v, [(d, b * float(v), f * float(v)) for d, b, f in self.directions])
        return Slopes(self.low * v, self.high * v)

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self * (1.0 / self._scalar(other))


def one_sided_slopes(f, x, h=1e-7, seed=0):
    """:class:`Slopes` of ``f`` at ``x``: (f(x) - f(x - h)) / h and (f(x + h) - f(x)) / h, per entry, and for a
    vector or matrix the one-sided derivatives along random directions and along e_a - e_b."""
    x = np.asarray(x, dtype=np.float64)
    left, right = np.empty(x.shape), np.empty(x.shape)
    centre = f(x.copy() if x.ndim else float(x))
    for idx in np.ndindex(x.shape) if x.ndim else [()]:
        for sign, out in ((-1, left), (1, right)):
            moved = x.copy()
            moved[idx] = moved[idx] + sign * h
            value = f(moved if x.ndim else float(moved))
            out[idx] = (value - centre) / h if sign == 1 else (centre - value) / h
    directions = []
    if x.size > 1:
        rng = np.random.default_rng(seed)
        picks = [rng.normal(size=x.shape) for _ in range(6)]
        flat = list(np.ndindex(x.shape))
        for a, b in zip(flat, flat[1:]):
            d = np.zeros(x.shape)
            d[a], d[b] = 1.0, -1.0
            picks.append(d)
        for v in picks:
            v = v / np.linalg.norm(v)
            forth = (f(x + h * v) - centre) / h
            back = (centre - f(x - h * v)) / h
            directions.append((v, back, forth))
    return Slopes(left, right, directions)


def _strip_derivatives(expr):
    """``expr`` with every derivative replaced by the function it differentiates (for finding its kinks)."""
    from derivations.equations.notation import DERIVATIVES

    if isinstance(expr, DERIVATIVES):
        return _strip_derivatives(expr.args[0])
    if not isinstance(expr, sp.Basic) or not expr.args or isinstance(expr, sp.Indexed):
        return expr
    try:
        return expr.func(*[_strip_derivatives(a) for a in expr.args], evaluate=False)
    except TypeError:
        return expr.func(*[_strip_derivatives(a) for a in expr.args])


def reached_definitions(expr, catalog, seen=()):
    """The defining sides of every named function ``expr`` uses, and of those their definitions use, each once."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.core.function.AppliedUndef):
            spec = catalog.functions.get(type(node).__name__)
            if spec is not None and spec.definition in catalog.equations and spec.definition not in seen:
                seen += (spec.definition,)
                for side in catalog.equations[spec.definition].sides[1:]:
                    yield side
                    yield from reached_definitions(side, catalog, seen)


def _reaches_derivative(expr, catalog):
    """Whether ``expr``, or the definition of a named function it uses, takes a derivative."""
    from derivations.equations.notation import DERIVATIVES

    return any(isinstance(node, DERIVATIVES) for e in (expr, *reached_definitions(expr, catalog))
               for node in sp.preorder_traversal(e))


def _column(v):
    """A vector of the package as a column (n x 1), as sympy has it, so that products mean the same in both modes."""
    if isinstance(v, np.ndarray) and v.ndim == 1:
        return v.reshape(-1, 1)
    return v


def _to_matrix(v):
    """A sympy Matrix of an array: a column for a vector."""
    return sp.Matrix(np.asarray(v, dtype=object).tolist())


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


# what to write instead of a sympy object the evaluator has no rule for
INSTEAD = {
    "Sum": "the notation's SumOver(body, k, lo, hi)",
    "Derivative": "Partial(f, v) or Grad(f, v) of the notation",
    "Piecewise": "it with indicators, a Ind(c) + b Ind(not c) (Ind of the notation)",
    "KroneckerDelta": "Ind(sp.Eq(j, k))",
    "ImaginaryUnit": "real values only (the checks evaluate real numbers)",
    "Integral": "it as a named function (PROBLEM.function) whose package code computes it",
    "Ind": "an indicator of a relation: Ind(a > b), Ind(sp.Eq(j, k)), Ind(sp.And(a > 0, b > 0))",
}


def unevaluable(expr):
    """[(name, node)] of every node of ``expr`` that :class:`Evaluator` has no rule for: a sympy function (erf,
    Piecewise, Sum, ...) that no check could evaluate, found when the equation is declared rather than as
    "cannot be evaluated" at every point. The test is the evaluator's own dispatch (:meth:`Evaluator.ev`)."""
    from derivations.equations.notation import DERIVATIVES, SumOver

    found = []

    def walk(node):
        if isinstance(node, (sp.Symbol, sp.Number, sp.NumberSymbol, sp.IndexedBase, sp.logic.boolalg.BooleanAtom)):
            return
        if isinstance(node, sp.Indexed):
            for q in node.indices:
                walk(q)
            return
        name = type(node).__name__
        ruled = hasattr(Evaluator, "_ev_" + name)
        if not (ruled or isinstance(node, (sp.core.function.AppliedUndef, Relational))):
            found.append((name, node))
            return
        if isinstance(node, Ind):
            condition(node, node.args[0])
            return
        if isinstance(node, sp.Product):
            walk(node.args[0])
            for limit in node.args[1:]:
                for edge in limit[1:]:
                    walk(edge)
            return
        if isinstance(node, DERIVATIVES):
            walk(node.args[0])
            return
        if isinstance(node, SumOver):
            for a in node.args[:4]:
                walk(a)
            if node.args[4] is not sp.S.NaN:
                walk(node.args[4])
            return
        for a in node.args:
            walk(a)

    def condition(ind, cond):
        if isinstance(cond, (sp.And, sp.Or, sp.Not)):
            for c in cond.args:
                condition(ind, c)
        elif isinstance(cond, Relational):
            walk(cond.lhs)
            walk(cond.rhs)
        elif not isinstance(cond, sp.logic.boolalg.BooleanAtom):
            found.append(("Ind", ind))

    walk(sp.sympify(expr))
    return found


def _evaluated_functions():
    """The sympy functions and notation nodes :class:`Evaluator` evaluates (its ``_ev_`` rules), by name."""
    return sorted(name[4:] for name in dir(Evaluator) if name.startswith("_ev_"))


class Evaluator:
    """Evaluates notation trees at one point, ``symbolic`` or ``package``.

    ``catalog`` gives the equations that define named functions, the
    functions' package counterparts and the array conventions (w_j is column j
    of W). ``derivative`` chooses how the package mode differentiates:
    ``"analytic"`` (the package's gradient) or ``"finite-differences"``.
    ``regions`` (symbolic mode, for the prover) replaces every max, absolute
    value and indicator of a condition on the values by a sign variable of
    that condition (:class:`derivations.equations.prover.Regions`).
    """

    def __init__(self, point, mode, catalog, derivative="analytic", numeric_values=None, regions=None, domain=None):
        self.point = point
        self.domain = domain
        self.mode = mode
        self.catalog = catalog
        self.equations = catalog.equations
        self.columns, self.rows = catalog.columns, catalog.rows
        self.derivative = derivative
        self.regions = regions
        self.labels = point.label_names
        self.indices = {k: int(v) for k, v in point.indices.items()}
        self.locals = {}  # the parameters of the named function being evaluated, bound to its arguments' values
        self.moved = {}  # primitive values moved from the point's own (finite differences): name -> value
        self.nested = False  # inside a derivative taken by finite differences (its steps are larger)
        # every denominator met as written (symbolic mode), before sympy combines anything: a point where one is 0
        # is one where the side has no value (:meth:`defined`), and the prover's obligations carry them
        self.denominators = []
        self.real_arguments = []  # every argument of a log and base of a root met (symbolic mode): real only if >= 0
        if mode == "symbolic":
            values, self.subs = point.symbolic_values(domain)
            # a derived value's max or Piecewise becomes atoms when it is read, so that only what a side reads counts
            self.values = _Rewritten(values, regions) if regions is not None else values
        else:
            self.values = numeric_values if numeric_values is not None else point.numeric_values()
            self.subs = {}

    # -- results --------------------------------------------------------
    def value(self, expr):
        """The value of ``expr`` as a float64 array (scalar arrays for scalars)."""
        with np.errstate(all="ignore"):  # float64 overflow is reported as NotEvaluable below
            out = self.ev(expr)
        if isinstance(out, Slopes):
            return out
        if self.mode == "symbolic":
            self.defined()
            if isinstance(out, sp.MatrixBase):
                out = out.applyfunc(lambda e: _at_point(e, self.subs))
                exact = not out.atoms(sp.Float)  # a float64 inside (a derived value the package computed) is no exact value
                out = out.applyfunc(self._evalf)
                if any(not e.is_number or e.has(sp.zoo, sp.nan, sp.oo) for e in out):
                    raise NotEvaluable(f"sympy gives {out}")
                if any(e.as_real_imag()[1] != 0 for e in out):
                    raise InvalidValue(f"the value is complex: {out}")
                return _precise(np.array(out.tolist(), dtype=object).astype(np.float64).reshape(out.shape),
                                [e.as_real_imag()[0] for e in out] if exact else ())
            if isinstance(out, (int, float, np.integer)):
                return np.array(float(out))  # a float64 from outside sympy: no more digits than that
            num = _at_point(sp.sympify(out), self.subs)
            exact = not num.atoms(sp.Float)
            num = self._evalf(num)
            if num.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not num.is_number:
                raise NotEvaluable(f"sympy gives {num}")
            re, im = num.as_real_imag()
            if im != 0 and abs(float(im)) > 1e-30 * max(1.0, abs(float(re))):
                raise InvalidValue(f"the value is complex: {num}")
            return _precise(float(re), [re] if exact else ())
        if np.iscomplexobj(out) and np.any(np.imag(out) != 0):
            raise InvalidValue(f"the value is complex: {out}")
        try:
            out = np.asarray(out, dtype=np.float64)
        except TypeError as exc:
            raise InvalidValue(f"the value is not a real number: {exc}") from None
        if not np.all(np.isfinite(out)):
            raise NotEvaluable("not finite in float64")
        return out

    def divides_by(self, denominator):
        """Record ``denominator`` (symbolic mode): the side divides by it as written. A number, or a value sympy's
        assumptions show nonzero (a sum of exponentials), needs no record."""
        if self.mode != "symbolic":
            return
        if isinstance(denominator, sp.MatrixBase):
            if len(denominator) != 1:
                return
            denominator = denominator[0]
        if isinstance(denominator, np.ndarray) and denominator.size == 1:
            denominator = denominator.reshape(-1)[0]
        if not isinstance(denominator, sp.Basic):
            return  # a float of the package's (a derived value): a number
        if denominator.is_number or denominator.is_nonzero or denominator in self.denominators:
            return
        self.denominators.append(denominator)

    def defined(self):
        """Raise :class:`Undefined` where a recorded denominator is exactly 0 at this point (told for certain)."""
        for denominator in self.denominators:
            number = _number(_at_point(denominator, self.subs))
            if number is not None and certified_sign(number) == 0:
                raise Undefined(f"{DIVISION_BY_ZERO}: {denominator} is 0 here")

    @staticmethod
    def _evalf(expr):
        """40 correct digits of ``expr`` (:func:`evalf_digits`)."""
        return evalf_digits(expr, DIGITS)

    def exact(self, expr):
        """The sympy expression of ``expr`` in the point's symbols (symbolic mode only)."""
        assert self.mode == "symbolic"
        return self.ev(expr)

    # -- indices ----------------------------------------------------------
    def index(self, expr):
        expr = sp.sympify(expr)
        if isinstance(expr, sp.Integer):
            return int(expr)
        if isinstance(expr, sp.Symbol):
            if not expr.is_integer:
                raise InvalidValue(f"{expr.name} is used as an index, but it is not an integer symbol: write it with "
                                   f"derivations.equations.symbols ({expr.name} = sp.Symbol({expr.name!r}, "
                                   f"integer=True, positive=True))")
            if expr.name not in self.indices:
                raise MissingValue(f"index {expr.name} has no value at this point")
            return self.indices[expr.name]
        if isinstance(expr, sp.Indexed) and expr.base.label.name in self.labels:
            row = self.index(expr.indices[0]) - 1
            labels = np.asarray(self.values[expr.base.label.name])
            if not 0 <= row < len(labels):
                raise NotEvaluable(f"{expr} is out of range: {len(labels)} labels")
            return int(labels[row])
        if isinstance(expr, (sp.Add, sp.Mul)):
            value = sp.sympify(expr.subs({s: self.index(s) for s in expr.free_symbols}))
            if not value.is_Integer:  # int() would round k/2 = -1/2 to 0
                raise InvalidValue(f"the index {expr} is {value} here, not an integer")
            return int(value)
        raise NotEvaluable(f"cannot read {expr} as an index")

    # -- evaluation -------------------------------------------------------
    def ev(self, expr):
        method = getattr(self, "_ev_" + type(expr).__name__, None)
        if method is not None:
            return method(expr)
        if isinstance(expr, sp.Number):
            return sp.Rational(expr) if self.mode == "symbolic" else float(expr)
        if isinstance(expr, sp.NumberSymbol):  # e (what exp(1) becomes), pi: exact in sympy, their float in numpy
            return expr if self.mode == "symbolic" else float(expr)
        if isinstance(expr, sp.core.function.AppliedUndef):
            return self._named(expr)
        if isinstance(expr, Relational):
            return expr.func(self.ev(expr.lhs), self.ev(expr.rhs))
        raise NotEvaluable(f"no rule for {type(expr).__name__}")

    def _ev_Symbol(self, expr):
        name = expr.name
        if name in self.locals:
            return self.locals[name]
        if name in self.indices:
            return sp.Integer(self.indices[name]) if self.mode == "symbolic" else float(self.indices[name])
        if name not in self.values:
            raise MissingValue(f"{name} has no value at this point")
        v = self.values[name]
        if self.mode == "symbolic" and isinstance(v, np.ndarray):
            return _to_matrix(v)
        return _column(v) if self.mode == "package" else v

    def _ev_Indexed(self, expr):
        base = expr.base.label.name
        if len(expr.indices) > 1:
            if base not in self.values:
                raise MissingValue(f"{base} has no value at this point")
            arr = np.asarray(self.values[base])
            at = tuple(self.index(q) for q in expr.indices)
            _in_range(expr, at, arr.shape)
            return arr[tuple(q - 1 for q in at)]
        k = self.index(expr.indices[0])
        source = self.columns.get(base) or self.rows.get(base)
        if source is not None and source not in self.values:
            raise MissingValue(f"{source} has no value at this point")
        if base in self.columns:
            whole = np.asarray(self.values[self.columns[base]])
            _in_range(expr, (k,), whole.shape[1:])  # w_j is column j of W: 1..C, never W[:, -1] for j = 0
            arr = whole[:, k - 1]
        elif base in self.rows:
            whole = np.asarray(self.values[self.rows[base]])
            _in_range(expr, (k,), whole.shape[:1])
            arr = whole[k - 1]
        else:
            if base not in self.values:
                raise MissingValue(f"{base} has no value at this point")
            arr = np.asarray(self.values[base])
            _in_range(expr, (k,), arr.shape[:1])
            return arr[k - 1]
        return _to_matrix(arr) if self.mode == "symbolic" else _column(np.asarray(arr, dtype=np.float64))

    def _ev_Add(self, expr):
        return reduce(operator.add, [self.ev(a) for a in expr.args])

    def _ev_Mul(self, expr):
        out = None
        for a in expr.args:
            v = self.ev(a)
            if out is None:
                out = v
            elif self.mode == "package" and np.ndim(out) == 2 and np.ndim(v) == 2:
                if np.shape(out)[1] != np.shape(v)[0] and 1 not in (np.size(out), np.size(v)):
                    raise NotEvaluable(f"the shapes do not multiply: {np.shape(out)} times {np.shape(v)}")
                out = out @ v if np.shape(out)[1] == np.shape(v)[0] else out * v  # a 1 x 1 result is a number
            else:
                out = out * v
        return out

    def _ev_Pow(self, expr):
        base = self.ev(expr.base)
        if self.mode == "package" and np.ndim(base) == 2 and np.size(base) > 1:  # as sympy: no power of a vector
            raise NotEvaluable(f"a power of a vector or matrix of shape {np.shape(base)}")
        power = self.ev(expr.exp)
        if isinstance(power, sp.Rational) and not power.is_Integer:
            self._real_argument(base, "a root of a negative value", strict=False)
        if isinstance(power, sp.Number) and power.is_negative:
            self.divides_by(base)
        return base ** power

    def _ev_Frac(self, expr):
        bottom = self.ev(expr.args[1])
        if np.ndim(bottom) == 2 and np.size(bottom) > 1 or isinstance(bottom, sp.MatrixBase) and len(bottom) > 1:
            raise NotEvaluable(f"a division by a vector or matrix of shape {np.shape(bottom)}")
        self.divides_by(bottom)
        return self.ev(expr.args[0]) / bottom

    def _ev_exp(self, expr):
        a = self.ev(expr.args[0])
        return sp.exp(a) if self.mode == "symbolic" else np.exp(a)

    def _ev_log(self, expr):
        a = self.ev(expr.args[0])
        self._real_argument(a, "the log of a value that is not positive")
        return sp.log(a) if self.mode == "symbolic" else np.log(a)

    def _real_argument(self, a, what, strict=True):
        """A log or a root of a number that is not positive has no real value: sympy would rewrite exp(log u) as u."""
        if self.mode == "symbolic" and not isinstance(a, sp.MatrixBase) and not sp.sympify(a).is_number:
            self.real_arguments.append(sp.sympify(a))
        if self.mode != "symbolic" or self.regions is not None or isinstance(a, sp.MatrixBase):
            return
        number = sp.sympify(a).xreplace(self.subs)
        if number.is_number and number.is_real is not False:
            value = self._evalf(number)
            if value.is_number and (value < 0 or (strict and value == 0)):
                raise InvalidValue(f"{what} ({value})")

    def _extremum(self, expr, direction):
        args = [self.ev(a) for a in expr.args]
        if self.mode != "symbolic":
            return reduce(np.maximum if direction > 0 else np.minimum, args)
        if self.regions is None:
            if all(_number(a) is not None for a in args):
                return _numeric_extremum(args, direction)
            return sp.Max(*args) if direction > 0 else sp.Min(*args)
        return self.regions.from_source(expr, lambda: self.regions.extremum(args, direction))

    def _ev_Max(self, expr):
        return self._extremum(expr, 1)

    def _ev_Min(self, expr):
        return self._extremum(expr, -1)

    def _number_sign(self, a):
        """The sign of ``a`` where it is a number (told for certain, never by sympy's own comparison), else None."""
        number = _number(a)
        if number is None:
            return None
        sign = certified_sign(number)
        if sign is None:
            raise NotEvaluable(f"cannot tell the sign of {number} for certain")
        return sign

    def _ev_Abs(self, expr):
        return self._absolute(expr, self.ev(expr.args[0]))

    def _absolute(self, expr, a):
        """|a|: a kink at a = 0 (a sign variable of ``regions``), never sympy's Abs, whose derivative sign(0) is 0."""
        if self.mode != "symbolic":
            return np.abs(a)
        if self.regions is None:
            sign = self._number_sign(a)
            return sp.Abs(a) if sign is None else sign * a
        return self.regions.from_source(expr, lambda: (self.regions.positive(a) - self.regions.positive(-a)) * a)

    def _ev_sign(self, expr):
        a = self.ev(expr.args[0])
        if self.mode != "symbolic":
            return np.sign(a)
        if self.regions is None:
            sign = self._number_sign(a)
            return sp.sign(a) if sign is None else sp.Integer(sign)
        return self.regions.from_source(expr, lambda: self.regions.positive(a) - self.regions.positive(-a))

    def _ev_Heaviside(self, expr):
        """H(a): 0 below 0, 1 above, and at 0 its second argument (sympy's default 1/2)."""
        a = self.ev(expr.args[0])
        at_zero = self.ev(expr.args[1]) if len(expr.args) > 1 else sp.Rational(1, 2)
        if self.mode != "symbolic":
            return np.heaviside(np.asarray(a, dtype=np.float64), float(at_zero))
        if self.regions is None:
            sign = self._number_sign(a)
            if sign is None:
                return sp.Heaviside(a, at_zero)
            return sp.Integer(1) if sign > 0 else sp.Integer(0) if sign < 0 else at_zero
        return self.regions.from_source(expr, lambda: self.regions.positive(a) + at_zero * self.regions.equal(a, 0))

    def _rounding(self, expr, up):
        """floor (``up`` False) or ceiling of a value; of a number, the integer told for certain."""
        a = self.ev(expr.args[0])
        if self.mode != "symbolic":
            return np.ceil(a) if up else np.floor(a)
        number = _number(a)
        if number is None:
            return sp.ceiling(a) if up else sp.floor(a)
        return _certified_round(number, up)

    def _ev_floor(self, expr):
        return self._rounding(expr, up=False)

    def _ev_ceiling(self, expr):
        return self._rounding(expr, up=True)

    def _elementary(self, expr):
        """sin, cos, tan, sinh, cosh, tanh: sympy's function of the value, or numpy's of the float."""
        name = type(expr).__name__
        a = self.ev(expr.args[0])
        if name == "tan":  # sin a / cos a: no value where cos a = 0, even times 0
            self.divides_by(sp.cos(a))
        return getattr(sp, name)(a) if self.mode == "symbolic" else getattr(np, name)(a)

    _ev_sin = _ev_cos = _ev_tan = _ev_sinh = _ev_cosh = _ev_tanh = _elementary

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
            exact = _exact_relation(cond, lhs, rhs, self.mode)
            if exact is not None:  # numbers (indices, labels, exact values): decided, = and >= included
                return sp.Integer(exact) if self.mode == "symbolic" else float(exact)
            if self.mode != "symbolic":
                raise NotEvaluable(f"cannot decide {cond} here")
            if self.regions is not None:
                return self.regions.from_source(expr, lambda: self.regions.indicator(cond.func(lhs, rhs, evaluate=False)))
            return sp.Piecewise((1, cond.func(lhs, rhs)), (0, True))
        rel = self.ev(cond)
        if rel in (sp.true, sp.false) or isinstance(rel, (bool, np.bool_)):
            return sp.Integer(1 if rel else 0) if self.mode == "symbolic" else (1.0 if rel else 0.0)
        if self.mode == "symbolic":
            if self.regions is not None:
                return self.regions.condition(rel)
            return sp.Piecewise((1, rel), (0, True))
        return 1.0 if bool(rel) else 0.0

    def _ev_SumOver(self, expr):
        """The sum over ``lo..hi`` (none when ``hi < lo``: an empty range is 0), skipping ``excluded``."""
        body, index, lo, hi, excluded = expr.args
        if not isinstance(index, sp.Symbol):
            raise NotEvaluable(f"a sum must run over an index symbol, not {index}")
        skip = None if excluded is sp.S.NaN else self.index(excluded)
        had, saved = index.name in self.indices, self.indices.get(index.name)
        terms = []
        try:
            for k in range(self.index(lo), self.index(hi) + 1):
                if k == skip:
                    continue
                self.indices[index.name] = k
                terms.append(self.ev(body))
        finally:
            if had:
                self.indices[index.name] = saved
            else:
                self.indices.pop(index.name, None)
        if not terms:
            return sp.Integer(0) if self.mode == "symbolic" else 0.0
        return reduce(operator.add, terms)

    def _ev_Product(self, expr):
        """sympy's Product(body, (k, lo, hi), ...): the product over lo..hi (none when hi < lo: an empty range is 1)."""
        return self._product(expr.args[0], list(expr.args[1:]))

    def _product(self, body, limits):
        if not limits:
            return self.ev(body)
        index, lo, hi = limits[-1]  # sympy's last limit is the outermost
        if not isinstance(index, sp.Symbol):
            raise NotEvaluable(f"a product must run over an index symbol, not {index}")
        had, saved = index.name in self.indices, self.indices.get(index.name)
        factors = []
        try:
            for k in range(self.index(lo), self.index(hi) + 1):
                self.indices[index.name] = k
                factors.append(self._product(body, limits[:-1]))
        finally:
            if had:
                self.indices[index.name] = saved
            else:
                self.indices.pop(index.name, None)
        if not factors:
            return sp.Integer(1) if self.mode == "symbolic" else 1.0
        return reduce(operator.mul, factors)

    def _ev_Dot(self, expr):
        a, b = self.ev(expr.args[0]), self.ev(expr.args[1])
        if np.shape(a) != np.shape(b) or (len(np.shape(a)) == 2 and np.shape(a)[1] != 1):
            raise NotEvaluable(f"an inner product of shapes {np.shape(a)} and {np.shape(b)}: two column vectors")
        return (a.T * b)[0, 0] if self.mode == "symbolic" else float((a.T @ b).item())

    def _ev_Transpose(self, expr):
        a = self.ev(expr.args[0])
        return a.T

    def _ev_Norm(self, expr):
        a = self.ev(expr.args[0])
        if self.mode == "symbolic":
            entries = list(a) if isinstance(a, sp.MatrixBase) else [a]
            if len(entries) == 1:  # the norm of a scalar is |a|: a kink like |.|
                return self._absolute(expr, entries[0])
            return sp.sqrt(sum(e ** 2 for e in entries))
        return float(np.linalg.norm(np.asarray(a, dtype=np.float64)))

    def _ev_Identity(self, expr):
        n = self.index(expr.args[0])
        return sp.eye(n) if self.mode == "symbolic" else np.eye(n)

    def _ev_ZeroVector(self, expr):
        n = self.index(expr.args[0])
        return sp.zeros(n, 1) if self.mode == "symbolic" else np.zeros((n, 1))

    def _ev_Inverse(self, expr):
        a = self.ev(expr.args[0])
        shape = a.shape if hasattr(a, "shape") else ()
        if len(shape) != 2 or shape[0] != shape[1]:
            raise NotEvaluable(f"the inverse of a matrix that is not square: shape {shape}")
        if self.mode == "symbolic":
            if a.det() == 0:
                raise NotEvaluable("the matrix has no inverse here (its determinant is 0)")
            return a.inv()
        try:
            return np.linalg.inv(np.asarray(a, dtype=np.float64))
        except np.linalg.LinAlgError:
            raise NotEvaluable("the matrix has no inverse here (it is singular)") from None

    def _ev_Frobenius(self, expr):
        a = self.ev(expr.args[0])
        if self.mode == "symbolic":
            return sum(e ** 2 for e in a)
        return float(np.sum(np.asarray(a) ** 2))

    # -- named functions ---------------------------------------------------
    def _named(self, expr):
        name = type(expr).__name__
        spec = self.catalog.functions.get(name)
        if spec is None:
            raise NotEvaluable(f"the function {name} is declared by no problem")
        if self.mode == "package":
            if spec.package is None:
                raise NotEvaluable(f"the package has no value for {name}")
            try:
                return spec.package(self.values, self.index, self.ev, *expr.args)
            except (NotEvaluable, InvalidValue):
                raise
            except TypeError as exc:
                raise NotEvaluable(f"the package function of {name} raised TypeError: {exc} (it is called as "
                                   f"package(values, index, evaluate, *arguments), one argument per argument of "
                                   f"{name} on the page)") from None
            except Exception as exc:  # noqa: BLE001 - an author's package function: its error, named
                raise NotEvaluable(f"the package function of {name} raised {type(exc).__name__}: {exc}") from None
        if spec.definition is None:
            raise NotEvaluable(f"{name} has no definition on a page")
        definition = self.equations[spec.definition]
        head = definition.sides[0]
        # every argument is read in the caller's context first, then bound: g(b, a) never reads its own new a for b
        bound_locals, bound_indices = self._arguments(name, head, expr)
        saved_locals, saved_indices = self.locals, dict(self.indices)
        try:
            self.locals = bound_locals  # the body sees its own parameters only, never an enclosing function's
            self.indices.update(bound_indices)
            errors = []
            for n, form in enumerate(definition.sides[1:], 1):
                # a later form stands for the definition only where it is proved equal to it
                if n > 1 and not _form_proved(definition, n, self.catalog):
                    errors.append(f"form {n + 1} of {spec.definition} is not proved equal to its definition")
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
            raise NotEvaluable(f"{name} takes {len(head.args)} argument(s), as its definition {head} says, "
                               f"but is called with {len(expr.args)}: {expr}")
        values, indices = {}, {}
        for param, arg in zip(head.args, expr.args):
            if isinstance(param, sp.Indexed):
                if not (isinstance(arg, sp.Indexed) and arg.base == param.base and len(arg.indices) == 1):
                    raise NotEvaluable(f"{name}'s parameter {param} is an entry of {param.base}: it takes "
                                       f"{param.base} at another index, not {arg}")
                indices[param.indices[0].name] = self.index(arg.indices[0])
            elif isinstance(param, sp.Symbol) and param.is_integer:  # an index parameter: f(k) at k = 2
                indices[param.name] = self.index(arg)
            else:
                values[param.name] = self.ev(arg)
        return values, indices

    # -- derivatives ---------------------------------------------------------
    def _variable(self, var):
        """(primitive name, location) of a differentiation variable."""
        if isinstance(var, sp.Symbol):
            if var.name not in self.point.values:
                raise NotEvaluable(f"cannot differentiate with respect to {var.name}: not a free variable here")
            return var.name, ()
        if not isinstance(var, sp.Indexed):
            raise NotEvaluable(f"cannot differentiate with respect to {var}: a variable is a symbol or an entry w_j")
        base = var.base.label.name
        if len(var.indices) != 1:
            raise NotEvaluable(f"cannot differentiate with respect to {var}: one index, as in w_j")
        k = self.index(var.indices[0])
        name = self.columns.get(base) or self.rows.get(base) or base
        if name not in self.point.values:
            raise NotEvaluable(f"cannot differentiate with respect to {base}: not a free variable here")
        shape = np.shape(self.point.values[name])
        _in_range(var, (k,), shape[1:] if base in self.columns else shape[:1])
        if base in self.columns:
            return name, (slice(None), k - 1)
        if base in self.rows:
            return name, (k - 1,)
        return base, (k - 1,)

    def _child(self, mode, values=None, regions=None, derivative=None, moved=None, locals_=None):
        """An evaluator at this point in this one's context: the same indices (a sum's, a named function's) and
        parameters, with ``moved`` primitives (finite differences) and ``locals_`` parameters in place of these."""
        child = Evaluator(self.point, mode, self.catalog, derivative or self.derivative, values, regions=regions,
                          domain=self.domain)
        child.indices = dict(self.indices)
        child.locals = dict(self.locals if locals_ is None else locals_)
        child.moved = dict(self.moved if moved is None else moved)
        child.nested = self.nested
        return child

    def on_kink(self, f):
        """Whether this point lies exactly on a kink of ``f`` (a condition of a max, |.| or indicator is 0 there)."""
        from derivations.equations.regions import Regions

        probe = Regions()  # at the point itself, also inside a finite difference: a kink there is not differentiated
        child = self._child("symbolic", regions=probe)
        if self.mode != "symbolic":  # the parameters' float values, as the numbers they stand for
            child.locals = {k: _exact(v) if np.ndim(v) == 0 else _to_matrix(np.vectorize(_exact, otypes=[object])(v))
                            for k, v in self.locals.items()}
        try:
            child.ev(_strip_derivatives(f))
        except (NotEvaluable, InvalidValue, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError):
            return self.point.kink  # cannot tell: trust the point's own word
        _, subs = self.point.symbolic_values(self.domain)
        return any(sp.simplify(u.xreplace(subs)) == 0 for u in probe.kinks)

    def _package_gradient(self, f, var, name):
        """The package's own gradient of ``f`` (a named function's, or one registered for this very expression).

        Only where ``f`` is written as the package computes it: a named function applied to its definition's own
        parameters (BCE(z, tau), never BCE(2z, tau)), outside the body of a named function (where a parameter is
        bound to an argument the package's rule does not read)."""
        from derivations.equations.notation import expression_key

        if self.locals or self.moved:
            return None
        spec = self.catalog.functions.get(type(f).__name__) if isinstance(f, sp.core.function.AppliedUndef) else None
        if spec is not None and name in spec.gradients:
            head = self.equations[spec.definition].sides[0] if spec.definition in self.equations else None
            own = f.args == head.args if head is not None else not f.args
            return spec.gradients[name] if own else None
        return getattr(self.catalog, "package_gradients", {}).get((expression_key(f), str(var)))

    def _frozen(self, f):
        """(value of ``f``, back, held): ``f`` evaluated (symbolic mode) with every parameter of the named function
        being evaluated held as a symbol of its own (``held``: name -> symbol, or Matrix of symbols), and ``back`` the
        substitution of their values. A parameter is an independent variable of its definition: d/dz of a body whose
        parameter is bound to 2z must not see the 2z, and d/dp of it is taken at p's value."""
        if not self.locals:
            return self.ev(f), {}, {}
        held, back = {}, {}
        for name, value in self.locals.items():
            if isinstance(value, sp.MatrixBase):
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

    @staticmethod
    def _diff(inner, target):
        """d inner / d target, entry by entry for a vector or matrix target (a sympy Matrix then)."""
        if isinstance(target, (np.ndarray, sp.MatrixBase)):
            shape = target.shape
            entries = np.asarray(target.tolist() if isinstance(target, sp.MatrixBase) else target, dtype=object)
            grads = np.empty(entries.shape, dtype=object)
            for idx in np.ndindex(entries.shape):
                grads[idx] = sp.diff(inner, entries[idx])
            return _to_matrix(grads.reshape(shape))
        return sp.diff(inner, target)

    def _derivative(self, expr):
        """d f / d var: with respect to a value of the point (s_k, W, z), or to a parameter of the named function
        being evaluated (its definition h'(z) = dh(z)/dz, called at h'(2z): the derivative of h at 2z)."""
        f, var = expr.args
        if isinstance(var, sp.Symbol) and var.name in self.locals:
            return self._parameter_derivative(f, var.name)
        name, loc = self._variable(var)
        if self.mode == "symbolic":
            if self.point.kink and self.on_kink(f):
                raise NotEvaluable("not differentiable at a kink")
            inner, back, _ = self._frozen(f)  # a sign variable of Regions is a constant in its region: diff treats it so
            target = self.values[name][loc] if loc else self.values[name]
            out = self._diff(inner, target)
            return out.xreplace(back) if back else out
        if self.derivative == "analytic":
            rule = self._package_gradient(f, var, name)
            if rule is None:
                raise NotEvaluable("the package has no analytic gradient for this")
            grad = np.asarray(rule(self.values, self.index), dtype=np.float64)
            return grad[loc] if loc else grad
        kinked = self.point.kink and self.on_kink(f)
        if kinked and self.derivative != "one-sided slopes":
            raise NotEvaluable("finite differences are meaningless across a kink")
        if not kinked and self.derivative == "one-sided slopes":
            raise NotEvaluable("one-sided slopes are taken at a kink only")
        # the base is this evaluator's own point: inside an outer finite difference, the moved one
        base = np.array(self.moved.get(name, self.point.values[name]), dtype=np.float64)
        start = base[loc] if loc else base

        def along(v):
            moved = base.copy()
            if loc:
                moved[loc] = v
            else:
                moved = np.asarray(v, dtype=np.float64)
            shifted = dict(self.moved, **{name: moved})
            child = self._child("package", self.point.numeric_values(shifted), derivative="finite-differences",
                                moved=shifted)
            child.nested = True
            return float(np.asarray(child.ev(f)).item())

        return self._numeric_derivative(f, along, start)

    def _numeric_derivative(self, f, along, start):
        """One-sided slopes, or centred differences of ``along`` at ``start``: steps of 1e-6, or where a derivative
        is taken of a derivative (each difference of differences divides rounding by a step again), 2e-4 times the
        value's magnitude."""
        if self.derivative == "one-sided slopes":
            return one_sided_slopes(along, start)
        if self.nested or _reaches_derivative(f, self.catalog):
            scale = max(1.0, float(np.max(np.abs(start))) if np.size(start) else 1.0)
            return numerical_gradient(along, start, h=2e-4 * scale)
        return numerical_gradient(along, start, h=1e-6)

    def _parameter_derivative(self, f, name):
        """d f / d p for a parameter p of the named function being evaluated, at the value p is bound to."""
        value = self.locals[name]
        if self.point.kink and self.on_kink(f):
            raise NotEvaluable("not differentiable at a kink")
        if self.mode == "symbolic":
            inner, back, held = self._frozen(f)
            return self._diff(inner, held[name]).xreplace(back)
        if self.derivative == "analytic":
            raise NotEvaluable(f"the package's gradients are with respect to the point's values, not the parameter "
                               f"{name} of a named function")
        if self.derivative == "one-sided slopes":
            raise NotEvaluable("one-sided slopes are taken with respect to the point's values")
        base = np.array(value, dtype=np.float64)

        def along(v):
            child = self._child("package", self.values, derivative="finite-differences",
                                locals_=dict(self.locals, **{name: np.asarray(v, dtype=np.float64).reshape(base.shape)
                                                             if base.ndim else float(v)}))
            child.nested = True
            return float(np.asarray(child.ev(f)).item())

        return self._numeric_derivative(f, along, base if base.ndim else float(base))

    _ev_Partial = _derivative
    _ev_Grad = _derivative

    # -- second derivatives: through the derivatives above ---------------------------------------------------------
    def _ev_Hessian(self, expr):
        """The Hessian of f by a vector v: the Jacobian of its gradient, entry (k, l) = d^2 f / dv_k dv_l (by a
        scalar: the second derivative)."""
        from derivations.equations.notation import Grad, Jacobian, Partial

        f, var = expr.args
        if np.ndim(self.values.get(var.name, 0)) == 0:
            return self.ev(Partial(Partial(f, var), var))
        return self._ev_Jacobian(Jacobian(Grad(f, var), var))

    def _ev_Jacobian(self, expr):
        """dF/dv^T of a vector F by a vector v: entry (a, b) = dF_a / dv_b. Symbolic: sympy's derivative of each entry
        (as a gradient's). Package: centred differences of F (each difference a vector), with the steps of a
        derivative of a derivative where F takes one; the package declares no analytic Jacobian."""
        f, var = expr.args
        if var.name in self.locals:
            raise NotEvaluable(f"a Jacobian with respect to the parameter {var.name} of a named function")
        name, _ = self._variable(var)
        if np.ndim(self.point.values[name]) != 1:
            raise NotEvaluable(f"a Jacobian with respect to {var.name}, which is no vector here")
        if self.point.kink and self.on_kink(f):
            raise NotEvaluable("not differentiable at a kink")
        if self.mode == "symbolic":
            inner, back, _ = self._frozen(f)
            if not isinstance(inner, sp.MatrixBase) or inner.cols != 1:
                raise NotEvaluable(f"the Jacobian of {f}, which is no vector here (of a scalar: Grad)")
            target = list(self.values[name])
            out = sp.Matrix(inner.rows, len(target), lambda a, b: sp.diff(inner[a], target[b]))
            return out.xreplace(back) if back else out
        if self.derivative != "finite-differences":
            raise NotEvaluable(f"the package has no {self.derivative} Jacobian: finite differences only")
        base = np.array(self.moved.get(name, self.point.values[name]), dtype=np.float64)

        def along(v):
            shifted = dict(self.moved, **{name: v})
            child = self._child("package", self.point.numeric_values(shifted), derivative="finite-differences",
                                moved=shifted)
            child.nested = True
            return np.asarray(child.ev(f), dtype=np.float64).ravel()

        nested = self.nested or _reaches_derivative(f, self.catalog)
        return _numeric_jacobian(along, base, 2e-4 * max(1.0, float(np.max(np.abs(base)))) if nested else 1e-6)

    def _ev_Diag(self, expr):
        """The diagonal matrix of a vector."""
        v = self.ev(expr.args[0])
        if np.ndim(v) == 0 or min(np.shape(v)) != 1:
            raise NotEvaluable(f"Diag takes a vector, got shape {np.shape(v)}")
        if self.mode == "symbolic":
            return sp.diag(*list(v))
        return np.diag(np.asarray(v, dtype=np.float64).ravel())


def _numeric_jacobian(along, start, h):
    """Centred differences of the vector function ``along`` at ``start``: column b is (F(x + h e_b) - F(x - h e_b)) / 2h."""
    columns = []
    for b in range(start.size):
        step = np.zeros_like(start)
        step.flat[b] = h
        columns.append((along(start + step) - along(start - step)) / (2 * h))
    return np.stack(columns, axis=1)


EVALUATED_FUNCTIONS = tuple(_evaluated_functions())
