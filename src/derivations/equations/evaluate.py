"""Evaluate the notation at a concrete point, two independent ways.

``symbolic``: every named function is replaced by the formula that defines it
on the page, derivatives are taken by sympy, and the result is evaluated
exactly or at 40 significant digits, so large logits cannot overflow. The
rules are :class:`derivations.equations.interpret.Interpreter`'s, the one
interpreter of the notation (the reader's in the browser too); this module
adds the point (sizes, indices, labels, a space's values) and the catalog.

``package``: every named function is computed by the ``derivations``
package in float64; a derivative is either the package's own analytic
gradient (``analytic``) or centred finite differences of the package's
function (``finite-differences``): :class:`PackageEvaluator`, the numpy layer
over the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
import operator

import numpy as np
import sympy as sp

from derivations.equations.interpret import (DIGITS, InvalidValue, Interpreter, MissingValue, NotEvaluable, at_point,
                                             evalf_digits)
from derivations.equations.interpret import COMPARE as _COMPARE
from derivations.equations.kernel import certified_sign
from derivations.equations.notation import Grad, Ind
from derivations.gradient_check import numerical_gradient
from sympy.core.relational import Relational

__all__ = ["Point", "Evaluator", "PackageEvaluator", "NotEvaluable", "MissingValue", "InvalidValue", "Undefined", "Slopes",
           "one_sided_slopes", "unevaluable", "evalf_digits", "EVALUATED_FUNCTIONS"]

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


def _exact_relation(cond, lhs, rhs):
    """The package's 1(lhs rel rhs): 0 or 1 when both sides are numbers (floats compared as floats; exact numbers,
    labels and indices exactly, with = and >= as written), else None."""
    if all(isinstance(v, (int, float, np.integer, np.floating)) or
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


# rules of the interpreter for a reader's line only: a reader's cases without "otherwise" (a Piecewise with no value
# where none holds) are read at points, and the prover's regions refuse them, so an author's equation may not use one
READER_ONLY = ("Piecewise",)


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
        ruled = hasattr(Evaluator, "_ev_" + name) and name not in READER_ONLY
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


class Evaluator(Interpreter):
    """Evaluates notation trees at one point, ``symbolic`` or ``package``.

    ``catalog`` gives the equations that define named functions, the
    functions' package counterparts and the array conventions (w_j is column j
    of W). ``derivative`` chooses how the package mode differentiates:
    ``"analytic"`` (the package's gradient) or ``"finite-differences"``.
    ``regions`` (symbolic mode, for the prover) replaces every max, absolute
    value and indicator of a condition on the values by a sign variable of
    that condition (:class:`derivations.equations.prover.Regions`).

    ``Evaluator(point, "package", ...)`` is a :class:`PackageEvaluator`.
    """

    def __new__(cls, point, mode, *args, **kwargs):
        return super().__new__(PackageEvaluator if cls is Evaluator and mode == "package" else cls)

    def __init__(self, point, mode, catalog, derivative="analytic", numeric_values=None, regions=None, domain=None):
        super().__init__({k: int(v) for k, v in point.indices.items()}, regions=regions)
        self.point = point
        self.domain = domain
        self.mode = mode
        self.catalog = catalog
        self.equations = catalog.equations
        self.columns, self.rows = catalog.columns, catalog.rows
        self.derivative = derivative
        self.labels = point.label_names
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
                out = out.applyfunc(lambda e: at_point(e, self.subs))
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
            num = at_point(sp.sympify(out), self.subs)
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
            number = _number(at_point(denominator, self.subs))
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

    # -- where values come from ----------------------------------------------------------------------------------------------
    def symbol(self, name):
        if name not in self.values:
            raise MissingValue(f"{name} has no value at this point")
        v = self.values[name]
        return _to_matrix(v) if isinstance(v, np.ndarray) else v

    def label(self, expr):
        name = expr.base.label.name
        if name not in self.labels:
            return None
        row = self.index(expr.indices[0]) - 1
        labels = np.asarray(self.values[name])
        if not 0 <= row < len(labels):
            raise NotEvaluable(f"{expr} is out of range: {len(labels)} labels")
        return int(labels[row])

    def definition(self, name):
        spec = self.catalog.functions.get(name)
        if spec is None:
            raise NotEvaluable(f"the function {name} is declared by no problem")
        if spec.definition is None:
            raise NotEvaluable(f"{name} has no definition on a page")
        definition = self.equations[spec.definition]
        # a later form stands for the definition only where it is proved equal to it (asked only when it is reached)
        forms = (form if n == 1 or _form_proved(definition, n, self.catalog) else
                 f"form {n + 1} of {spec.definition} is not proved equal to its definition"
                 for n, form in enumerate(definition.sides[1:], 1))
        return definition.sides[0], forms

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

    def before_derivative(self, f):
        if self.point.kink and self.on_kink(f):
            raise NotEvaluable("not differentiable at a kink")


class PackageEvaluator(Evaluator):
    """The numpy layer over the interpreter: the same notation in float64, every named function by the package's own
    code, derivatives by the package's analytic gradient, centred finite differences or one-sided slopes."""

    def _leaf(self, expr):
        if isinstance(expr, (sp.Number, sp.NumberSymbol)):  # e, pi: their float
            return float(expr)
        return super()._leaf(expr)

    def _ev_Symbol(self, expr):
        name = expr.name
        if name in self.locals:
            return self.locals[name]
        if name in self.indices:
            return float(self.indices[name])
        if name not in self.values:
            raise MissingValue(f"{name} has no value at this point")
        return _column(self.values[name])

    def _ev_Add(self, expr):
        return reduce(operator.add, [self.ev(a) for a in expr.args])

    def _times(self, out, v):
        if not (np.ndim(out) == 2 and np.ndim(v) == 2):
            return out * v
        if np.shape(out)[1] != np.shape(v)[0] and 1 not in (np.size(out), np.size(v)):
            raise NotEvaluable(f"the shapes do not multiply: {np.shape(out)} times {np.shape(v)}")
        return out @ v if np.shape(out)[1] == np.shape(v)[0] else out * v  # a 1 x 1 result is a number

    def _ev_Pow(self, expr):
        base = self.ev(expr.base)
        if np.ndim(base) == 2 and np.size(base) > 1:  # as sympy: no power of a vector
            raise NotEvaluable(f"a power of a vector or matrix of shape {np.shape(base)}")
        return base ** self.ev(expr.exp)

    def _ev_Frac(self, expr):
        bottom = self.ev(expr.args[1])
        if np.ndim(bottom) == 2 and np.size(bottom) > 1:
            raise NotEvaluable(f"a division by a vector or matrix of shape {np.shape(bottom)}")
        return self.ev(expr.args[0]) / bottom

    def _numpy(self, expr):
        """exp, log, sin, cos, tan, sinh, cosh, tanh, |.|, sign: numpy's function of the float."""
        return getattr(np, _NUMPY.get(type(expr).__name__, type(expr).__name__))(self.ev(expr.args[0]))

    _ev_exp = _ev_log = _ev_Abs = _ev_sign = _numpy
    _ev_sin = _ev_cos = _ev_tan = _ev_sinh = _ev_cosh = _ev_tanh = _numpy

    def _extremum(self, expr, direction):
        return reduce(np.maximum if direction > 0 else np.minimum, [self.ev(a) for a in expr.args])

    def _ev_Heaviside(self, expr):
        at_zero = self.ev(expr.args[1]) if len(expr.args) > 1 else 0.5
        return np.heaviside(np.asarray(self.ev(expr.args[0]), dtype=np.float64), float(at_zero))

    def _rounding(self, expr, up):
        a = self.ev(expr.args[0])
        return np.ceil(a) if up else np.floor(a)

    def _truth(self, holds):
        return 1.0 if holds else 0.0

    def _indicator(self, cond, lhs, rhs):
        exact = _exact_relation(cond, lhs, rhs)
        if exact is None:
            raise NotEvaluable(f"cannot decide {cond} here")
        return self._truth(exact)

    def _condition(self, rel):
        return self._truth(bool(rel))

    def _zero(self):
        return 0.0

    def _one(self):
        return 1.0

    def _ev_Dot(self, expr):
        a, b = self.ev(expr.args[0]), self.ev(expr.args[1])
        if np.shape(a) != np.shape(b) or (len(np.shape(a)) == 2 and np.shape(a)[1] != 1):
            raise NotEvaluable(f"an inner product of shapes {np.shape(a)} and {np.shape(b)}: two column vectors")
        return float((a.T @ b).item())

    def _ev_Transpose(self, expr):
        return self.ev(expr.args[0]).T

    def _ev_Norm(self, expr):
        return float(np.linalg.norm(np.asarray(self.ev(expr.args[0]), dtype=np.float64)))

    def _ev_Frobenius(self, expr):
        return float(np.sum(np.asarray(self.ev(expr.args[0])) ** 2))

    def _ev_Identity(self, expr):
        return np.eye(self.index(expr.args[0]))

    def _ev_ZeroVector(self, expr):
        return np.zeros((self.index(expr.args[0]), 1))

    def _ev_Inverse(self, expr):
        a = self.ev(expr.args[0])
        shape = a.shape if hasattr(a, "shape") else ()
        if len(shape) != 2 or shape[0] != shape[1]:
            raise NotEvaluable(f"the inverse of a matrix that is not square: shape {shape}")
        try:
            return np.linalg.inv(np.asarray(a, dtype=np.float64))
        except np.linalg.LinAlgError:
            raise NotEvaluable("the matrix has no inverse here (it is singular)") from None

    def _named(self, expr):
        name = type(expr).__name__
        spec = self.catalog.functions.get(name)
        if spec is None:
            raise NotEvaluable(f"the function {name} is declared by no problem")
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

    def _derivative(self, expr):
        """d f / d var in float64: the package's gradient, finite differences or one-sided slopes."""
        f, var = expr.args
        if isinstance(var, sp.Symbol) and var.name in self.locals:
            return self._parameter_derivative(f, var.name)
        name, loc = self._variable(var)
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
        """dF/dv^T of a vector F by a vector v: entry (a, b) = dF_a / dv_b, by centred differences of F (each difference
        a vector), with the steps of a derivative of a derivative where F takes one; the package declares no analytic
        Jacobian (the symbolic one is the interpreter's)."""
        f, var = expr.args
        if var.name in self.locals:
            raise NotEvaluable(f"a Jacobian with respect to the parameter {var.name} of a named function")
        name, _ = self._variable(var)
        if np.ndim(self.point.values[name]) != 1:
            raise NotEvaluable(f"a Jacobian with respect to {var.name}, which is no vector here")
        if self.point.kink and self.on_kink(f):
            raise NotEvaluable("not differentiable at a kink")
        if self.derivative != "finite-differences":
            raise NotEvaluable(f"the package has no {self.derivative} Jacobian: finite differences only")
        base = np.array(self.moved.get(name, self.point.values[name]), dtype=np.float64)
        analytic = self._package_gradient(f.args[0], var, name) if isinstance(f, Grad) and f.args[1] == var else None
        if analytic is not None:
            # the Hessian of a function whose gradient the package gives: differences of that gradient, one step
            # deep (differences of differences of a loss of 1e4 lose six digits: a true Hessian was refused)
            def along(v):
                moved = self.point.numeric_values(dict(self.moved, **{name: v}))
                return np.asarray(analytic(moved, self.index), dtype=np.float64).ravel()

            # the step that balances rounding (eps |g| / h: the targets' 1e4 cancel in a difference) and the
            # centred differences' h^2 error: (eps |g|)^(1/3)
            size = max(1.0, float(np.max(np.abs(along(base)))))
            return _numeric_jacobian(along, base, (np.finfo(float).eps * size) ** (1 / 3)
                                     * max(1.0, float(np.max(np.abs(base)))))

        def along(v):
            shifted = dict(self.moved, **{name: v})
            child = self._child("package", self.point.numeric_values(shifted), derivative="finite-differences",
                                moved=shifted)
            child.nested = True
            return np.asarray(child.ev(f), dtype=np.float64).ravel()

        nested = self.nested or _reaches_derivative(f, self.catalog)
        return _numeric_jacobian(along, base, 2e-4 * max(1.0, float(np.max(np.abs(base)))) if nested else 1e-6)

    def _ev_Diag(self, expr):
        """The diagonal matrix of a vector, in float64 (the symbolic one is the interpreter's)."""
        v = self.ev(expr.args[0])
        if np.ndim(v) == 0 or min(np.shape(v)) != 1:
            raise NotEvaluable(f"Diag takes a vector, got shape {np.shape(v)}")
        return np.diag(np.asarray(v, dtype=np.float64).ravel())


def _numeric_jacobian(along, start, h):
    """Centred differences of the vector function ``along`` at ``start``: column b is (F(x + h e_b) - F(x - h e_b)) / 2h."""
    columns = []
    for b in range(start.size):
        step = np.zeros_like(start)
        step.flat[b] = h
        columns.append((along(start + step) - along(start - step)) / (2 * h))
    return np.stack(columns, axis=1)


_NUMPY = {"Abs": "abs"}
EVALUATED_FUNCTIONS = tuple(_evaluated_functions())
