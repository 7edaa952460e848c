"""Check one equation: every link of its chain, at every point, every way it can be evaluated.

A link ``a = b`` passes when each evaluation of ``a`` agrees with each
evaluation of ``b`` (see :mod:`derivations.equations.evaluate`): sympy at 40
digits, the package in float64, the package's analytic gradient, and finite
differences of the package. Every side must be evaluated at every point (a side
that cannot be, or whose value is complex, fails the equation), and every
equality pattern of the free indices (``k = p`` and ``k != p``, ``j = y_i`` and
``j != y_i``) is visited by construction at a small size, not left to a draw.

Every link of an identity or a gradient, and every link of a definition after
the first (the first *is* the definition, compared with the package), must
also be *proved* by :mod:`derivations.equations.prover`. Every link of an
inequality (side 1 >= side 2) goes to the prover as well: proved where the
kernel decides it, failed where a point is found with side 1 below side 2,
and otherwise "checked numerically", which its mark says. An equation may say
why it cannot be (``prove="reason"``): then the prover still runs, and a link
it finds false fails; only a link it cannot decide is left to the samples.

An equation with a max, an absolute value, an indicator of values, or a derived
value holding one has kinks. It needs a point that lies exactly on one of *its
own* kinks (a condition exactly zero there), at which every link is compared
with the package's convention or, for a derivative the package does not give,
with the one-sided slopes a subgradient lies between.
"""

from __future__ import annotations

import dataclasses

from dataclasses import dataclass, field
import itertools
import time
import zlib

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.evaluate import (DIVISION_BY_ZERO, Evaluator, InvalidValue, MissingValue, NotEvaluable,
                                            Point, Slopes, _strip_derivatives)
from derivations.equations.notation import DERIVATIVES, Frac, Ind, SumOver
from derivations.equations.prover import (Proof, domain_assumptions, free_indices, has_derivative, low_indices,
                                          name_clashes, notation_of, proof_key, prove_equation, statement_indices)
from derivations.equations.regions import Regions

__all__ = ["Record", "check_equation", "has_kink", "kink_conditions", "pattern_points", "METHODS", "MARKS"]

# (mode, derivative) of each way of evaluating a side
METHODS = {
    "sympy": ("symbolic", None),
    "package": ("package", "analytic"),
    "finite differences": ("package", "finite-differences"),
    "one-sided slopes": ("package", "one-sided slopes"),
}
TOLERANCE = {  # (rtol, atol) by the least exact method of a comparison
    "sympy": (1e-12, 1e-12),
    "package": (1e-9, 1e-11),
    "finite differences": (1e-6, 1e-7),
    "one-sided slopes": (1e-5, 1e-6),
}
# how the mark beside an equation reads, weakest link first
MARKS = {"all sizes": "proved for all sizes", "range": "proved for a stated range", "checked": "checked numerically"}


@dataclass
class Record:
    """The ledger's row for one equation."""

    id: str
    page: str
    number: str
    kind: str
    title: str
    latex: str
    source: str
    formula: str = ""  # the LaTeX without its number, as the page typesets it beside its own number
    shapes: list = field(default_factory=list)  # the formula wide, then broken for narrower columns
    result: str = "unchecked"
    methods: list = field(default_factory=list)
    proved_links: int = 0
    proved_for: list = field(default_factory=list)
    scopes: list = field(default_factory=list)  # per link: "all sizes", "range", "definition" or "numeric"
    mark: str = "checked"  # "all sizes", "range" or "checked": the weakest link
    links: int = 0
    kink_points: int = 0
    points: int = 0
    comparisons: int = 0
    seconds: float = 0.0
    message: str = ""

    def as_dict(self):
        return dict(self.__dict__)


def _has_derivative(expr):
    return expr.has(*DERIVATIVES)


def _evaluations(side, point, catalog, domain):
    """({method: value}, {method: why not}, invalid, missing): every way ``side`` can be evaluated at ``point``.

    ``missing`` is True when the point does not carry the values the side reads
    (a point of another kind, in a union of spaces): the side is not checked there.
    """
    out, why, invalid, missing = {}, {}, None, False
    for name, (mode, derivative) in METHODS.items():
        if name in ("finite differences", "one-sided slopes") and not _has_derivative(side):
            continue
        if name == "one-sided slopes" and not point.kink:
            continue
        try:
            out[name] = Evaluator(point, mode, catalog, derivative or "analytic", domain=domain).value(side)
        except InvalidValue as exc:
            invalid = f"{name}: {exc}"
        except MissingValue as exc:
            why[name], missing = str(exc), True
        except NotEvaluable as exc:
            why[name] = str(exc)
        except (FloatingPointError, OverflowError, ZeroDivisionError) as exc:
            why[name] = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001 - an author's mistake (a vector squared, shapes that do not multiply)
            why[name] = _in_words(exc)
    return out, why, invalid, missing and not out


def _in_words(exc):
    """What went wrong in evaluating a side, for an author: shapes that do not fit say so."""
    text = str(exc).strip()
    name = type(exc).__name__
    if name in ("ShapeError", "NonSquareMatrixError") or "broadcast" in text or "shapes" in text:
        return f"the shapes of its terms do not fit together ({name}: {text or 'a vector or matrix used as a scalar'})"
    return f"{name}: {text}"


def _agree(a, b, rtol, atol):
    if isinstance(a, Slopes) or isinstance(b, Slopes):
        if isinstance(a, Slopes) and isinstance(b, Slopes):
            return None  # two intervals: nothing to compare
        slopes, value = (a, b) if isinstance(a, Slopes) else (b, a)
        return slopes.contains(value, rtol, atol)
    # a sympy column vector is (n, 1) where numpy has (n,)
    a, b = np.squeeze(np.asarray(a, dtype=np.float64)), np.squeeze(np.asarray(b, dtype=np.float64))
    if a.shape != b.shape:
        return False
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is a disagreement, not a warning
        return bool(np.all(np.abs(a - b) <= atol + rtol * np.maximum(np.abs(a), np.abs(b))))


# two values of 40 correct digits each: a difference past the 37th digit, or below 1e-37, is rounding (sympy's
# log of a value within 1e-40 of 1 is 0: -log f at f = 1 - 3e-2172 gives 0 where log-sum-exp gives 3e-2172)
DIGITS_RTOL = DIGITS_ATOL = 1e-37


def _digits(a, b):
    """The 40-digit values of a pair the symbolic mode computed on both sides (entry by entry), else None."""
    da, db = getattr(a, "digits", ()), getattr(b, "digits", ())
    if not da or not db or len(da) != len(db) or not all(x.is_number for x in (*da, *db)):
        return None
    return list(zip(da, db))


def _agree_digits(a, b):
    """Whether two exact values agree to 37 digits or 1e-37 (True where there are no digits to compare)."""
    pairs = _digits(a, b)
    return pairs is None or all(abs(x - y) <= DIGITS_ATOL + DIGITS_RTOL * max(abs(x), abs(y)) for x, y in pairs)


def _at_least_digits(a, b):
    pairs = _digits(a, b)
    return pairs is None or all(x - y >= -(DIGITS_ATOL + DIGITS_RTOL * max(abs(x), abs(y))) for x, y in pairs)


def _at_least(a, b, rtol, atol):
    """Whether a >= b entry by entry (within the tolerance of the two ways they were computed); None for slopes."""
    if isinstance(a, Slopes) or isinstance(b, Slopes):
        return None
    a, b = np.squeeze(np.asarray(a, dtype=np.float64)), np.squeeze(np.asarray(b, dtype=np.float64))
    if a.shape != b.shape:
        return False
    return bool(np.all(a >= b - (atol + rtol * np.maximum(np.abs(a), np.abs(b)))))


def _tolerance(m1, m2):
    order = list(METHODS)
    return TOLERANCE[max(m1, m2, key=order.index)]


def _about_indices(cond, labels=frozenset({"y"})):
    """Whether a condition compares indices and labels only (j = y_i), not values."""
    def index_like(e):
        if isinstance(e, sp.Indexed):
            return e.base.label.name in labels and all(index_like(q) for q in e.indices)
        if isinstance(e, sp.Symbol):
            return bool(e.is_integer)
        if isinstance(e, sp.Number):
            return True
        return isinstance(e, (sp.Add, sp.Mul)) and all(index_like(a) for a in e.args)
    return isinstance(cond, Relational) and index_like(cond.lhs) and index_like(cond.rhs)


def has_kink(expr, catalog, seen=(), point=None):
    """Whether ``expr`` (or a named function's definition in it, or with ``point`` a derived value it reads) has a kink.

    A kink is a max, min, absolute value, Heaviside, Piecewise or indicator of
    values; an indicator of indices (``1(j = y_i)``) only selects a case.
    """
    if point is not None and kink_conditions(expr, point, catalog) is not None and \
            kink_conditions(expr, point, catalog)[0]:
        return True
    labels = point.label_names if point is not None else frozenset({"y"})
    for node in sp.preorder_traversal(expr):
        if isinstance(node, Ind) and _about_indices(node.args[0], labels):
            continue  # 1(j = y_i) selects a class: no kink in any value
        if isinstance(node, (sp.Max, sp.Min, sp.Abs, Ind, sp.Piecewise, sp.Heaviside, sp.sign)):
            return True
        if isinstance(node, sp.core.function.AppliedUndef):
            spec = catalog.functions.get(type(node).__name__)
            if spec is not None and spec.definition and spec.definition not in seen:
                definition = catalog.equations[spec.definition]
                if any(has_kink(side, catalog, seen + (spec.definition,)) for side in definition.sides[1:]):
                    return True
    return False


def kink_conditions(expr, point, catalog, domain=None):
    """(conditions, values, sources): the conditions of ``expr``'s kinks at ``point``, their exact values, and the node
    of the notation (a max, |.|, an indicator, or a derived value) each comes from; None where sympy cannot evaluate it.
    """
    probe = Regions()
    try:
        ev = Evaluator(point, "symbolic", catalog, regions=probe, domain=domain)
        ev.ev(_strip_derivatives(expr))
    except Exception:  # noqa: BLE001 - what sympy cannot evaluate has no kink to report; the evaluations say why
        return None
    truth = probe.truth(ev.subs)  # a condition may hold other conditions' atoms (|r| - delta)
    values = [sp.simplify(u.xreplace(ev.subs).xreplace(truth)) for u in probe.kinks]
    return probe.kinks, values, probe.sources


def _kinks_at(eq, point, catalog, domain):
    """(condition, its exact value at ``point``, its source as the page prints it) of every kink of ``eq``'s sides."""
    for side in eq.sides:
        found = kink_conditions(side, point, catalog, domain)
        if found is not None:
            for condition, value, source in zip(*found):
                yield condition, value, _source_text(source)


def _kink_sources(eq, point, catalog, domain):
    """(every kink source of ``eq``, those whose condition is exactly zero at ``point``)."""
    every, zero = set(), set()
    for _, value, key in _kinks_at(eq, point, catalog, domain):
        every.add(key)
        if value == 0:
            zero.add(key)
    return every, zero


def _source_text(source):
    """A kink's source as a reader would find it on the page: the LaTeX of its max, |.| or indicator."""
    if isinstance(source, sp.Basic):
        from derivations.equations.notation import latex

        return latex(source)
    return str(source)


def kink_advice(eq, point, catalog, domain, missing):
    """For each kink in ``missing`` (its LaTeX, as the checks name it) that no point visits: where it lies (r = 0,
    r = delta), solved from its condition at ``point``, and the argument of the stock space that adds such a point.
    '' where nothing can be solved."""
    where = {}
    for u, _, text in _kinks_at(eq, point, catalog, domain):
        if text not in missing or text in where:
            continue
        u = sp.sympify(u)
        scalars = sorted((s for s in u.free_symbols if s.name in point.values and np.ndim(point.values[s.name]) == 0
                          and s.name not in {str(r.lhs) for r in getattr(eq, "domain", ())}),
                         key=lambda s: s.name)
        for s in scalars[:1]:
            try:
                roots = [r for r in sp.solve(u, s) if not r.has(sp.I)]
            except Exception:  # noqa: BLE001 - sympy cannot solve it: say where in words only
                roots = []
            if roots:
                where[text] = (s.name, roots)
    if not where:
        return ""
    parts = [f"{text} is at {' and '.join(f'{name} = {root}' for root in roots)}"
             for text, (name, roots) in where.items()]
    name = getattr(eq.space, "name", "")
    values = sorted({str(root) for _, roots in where.values() for root in roots})
    if name.startswith("scalar_with_parameter("):
        parameter = name.split(",")[1].strip(" ')")
        hint = (f"add {', '.join(values)} to the kinks of {name}: kinks=lambda {parameter}: (..., "
                f"{', '.join(values)})")
    elif name.startswith("scalar("):
        hint = f"add {', '.join(values)} to the kinks of {name}: kinks=(..., {', '.join(values)})"
    else:
        hint = "add a Point(..., kink=True) of its space there"
    return f"; {'; '.join(parts)}: {hint}"


def _pattern_signature(point, names):
    values = [point.indices[n] for n in sorted(names) if n in point.indices]
    for label in sorted(point.label_names):
        values.extend(int(v) for v in np.asarray(point.values[label]).ravel())
    return tuple(int(np.sign(a - b)) for a, b in itertools.combinations(values, 2))


def pattern_points(eq, sampled, catalog=None):
    """Points that visit every equality pattern of ``eq``'s free indices and labels, at the smallest sampled size.

    The indices and labels come from the space's ``every`` (which lists every
    value they take at one size), the values from a sampled point of that size;
    one point per pattern (``k < p``, ``k = p``, ``k > p``, ...).
    """
    labels = set().union(*(p.label_names for p in sampled)) if sampled else set()
    sizes0 = {n: min(v) for n, v in eq.space.sizes.items() if v}
    free = statement_indices(eq, eq.sides, catalog, sizes0, labels) if catalog is not None else \
        set().union(*(free_indices(side, labels) for side in eq.sides))
    if not free:
        return []
    free |= labels | {"p"}  # every label (labels reach the sides through named functions too)
    sizes = [n for n in eq.space.sizes]
    candidates = [p for p in sampled if not p.kink and all(n in p.indices for n in sizes)]
    if not candidates:
        return []
    out = []
    for base in sorted(candidates, key=lambda p: sum(p.indices[n] for n in sizes))[:1]:
        seen = set()
        for q in eq.space.every({n: base.indices[n] for n in sizes}, free):
            if set(q.values) != set(base.values):
                continue
            signature = _pattern_signature(q, free)
            if signature in seen:
                continue
            seen.add(signature)
            values = dict(base.values)
            for name in q.label_names:
                values[name] = q.values[name]
            out.append(Point(f"{base.label}, indices {q.describe_indices()}", dict(base.indices, **q.indices), values,
                             q.derived or base.derived, False, q.labels))
    return out


def _fmt(v):
    if isinstance(v, Slopes):
        return repr(v)
    v = np.asarray(v, dtype=np.float64)
    return f"{float(v):.12g}" if v.ndim == 0 else np.array2string(v, precision=8, separator=", ")


def _shape_failures(eq, catalog, sampled):
    """What is wrong with the shapes of the sides, from the problems' declared shapes (a vector squared, a vector
    against a scalar), and declared shapes that a sampled point's arrays do not have."""
    from derivations.equations.general import SymbolicSizes

    out = []
    try:
        general = SymbolicSizes(eq, catalog, Regions(), set().union(*(p.label_names for p in sampled)) if sampled else set(),
                          {}, lambda definition, links: False)
        shapes = []
        for n, side in enumerate(eq.sides, 1):
            try:
                shapes.append(general.shape(side))
            except NotEvaluable as exc:
                out.append(f"side {n} has no shape: {exc}")
                shapes.append(None)
        known = [sh for sh in shapes if sh is not None]
        if len({tuple(str(d) for d in sh) for sh in known}) > 1:
            words = ", ".join("a scalar" if not sh else "(" + ", ".join(map(str, sh)) + ")" for sh in known)
            out.append(f"the sides have different shapes: {words}")
    except Exception as exc:  # noqa: BLE001 - no shapes to read: the evaluations will say what is wrong
        return [f"the shapes of the sides cannot be read: {type(exc).__name__}: {exc}"] if isinstance(
            exc, NotEvaluable) else []
    declared = getattr(catalog, "shapes", {})
    for point in sampled[:4]:
        for name, shape in declared.items():
            if name in point.values and name not in point.label_names and all(d in point.indices for d in shape):
                want = tuple(point.indices[d] for d in shape)
                have = np.shape(point.values[name])
                if have != want:
                    out.append(f"{name} is declared of shape {shape} = {want}, but {point.label} gives it shape {have}")
    return out


def _domain_failures(eq, points):
    """Points of the space where the equation's declared domain (delta > 0) does not hold."""
    out = []
    for rel in eq.domain:
        if not isinstance(rel, Relational) or not isinstance(rel.lhs, sp.Symbol) or rel.lhs.is_integer or \
                not rel.rhs.is_number:
            out.append(f"the declared domain {rel} is not a relation of a value with a number (such as delta > 0)")
            continue
        name = rel.lhs.name
        for point in points:
            if name not in point.values:
                out.append(f"the declared domain {rel} names {name}, which the point {point.label} does not have")
                continue
            values = np.atleast_1d(np.asarray(point.values[name], dtype=np.float64))
            if not all(bool(rel.func(sp.Float(v), rel.rhs)) for v in values):  # u != 2 is not u != 0
                out.append(f"the declared domain {rel} does not hold at {point.describe()}")
    return out


PROBES = (-2.0, -0.5)  # the values a real scalar takes at the probes of :func:`_real_value_failures`
# and, for a scalar the declared domain restricts, those of these the domain allows (u > 0: 1e-3, 0.5, 1, 2)
DOMAIN_PROBES = (1e-3, 0.5, 1.0, 2.0, -1e-3, -0.5, -1.0, -2.0)


def _allowed(eq, name, value):
    """Whether the equation's declared domain allows the scalar ``name`` the value ``value``."""
    return all(bool(rel.func(sp.Float(value), rel.rhs)) for rel in eq.domain
               if isinstance(rel, Relational) and isinstance(rel.lhs, sp.Symbol) and rel.lhs.name == name)


def _recorded(eq, base, catalog, domain):
    """(denominators, arguments, substitution): what the sides divide by and take logs and roots of, as the evaluator
    meets them at ``base`` with every value a symbol (through the named functions' definitions too: g(x) = log x
    called at (u - 3)^2 - 1/100 has that argument), and the symbols' values at ``base``. Where the evaluator cannot,
    the sides' own nodes (Frac, negative powers, logs, roots) instead."""
    denominators, arguments, subs = [], [], {}
    for side in eq.sides:
        try:
            ev = Evaluator(base, "symbolic", catalog, domain=domain)
            ev.ev(side)
            denominators += ev.denominators
            arguments += ev.real_arguments
            subs.update(ev.subs)
            continue
        except Exception:  # noqa: BLE001 - the evaluator cannot read it here: the nodes as written
            pass
        for node in sp.preorder_traversal(side):
            if isinstance(node, sp.Pow) and node.exp.is_negative:
                denominators.append(node.base)
            elif isinstance(node, Frac):
                denominators.append(node.args[1])
            if isinstance(node, sp.log):
                arguments.append(node.args[0])
            elif isinstance(node, sp.Pow) and not node.exp.is_integer:
                arguments.append(node.base)
    return list(dict.fromkeys(denominators)), list(dict.fromkeys(arguments)), subs


def _in_one_scalar(exprs, name, base, subs, number):
    """``exprs`` written in one real symbol for the scalar ``name``, every other value at ``base`` (a sympy
    ``number``): (that symbol, [each that depends on it and on nothing else])."""
    symbol = sp.Symbol(name, real=True)
    others = _other_scalars(exprs, base, name, number)
    others.update({k: v for k, v in subs.items() if k.name != name and k not in others})
    out = []
    for expr in exprs:
        expr = sp.sympify(expr)
        named = {sym for sym in expr.free_symbols if isinstance(sym, sp.Symbol) and sym.name == name}
        if not named:
            continue
        expr = expr.xreplace({sym: symbol for sym in named}).xreplace(others)
        if expr.free_symbols == {symbol}:
            out.append(expr)
    return symbol, out


def _real_value_failures(eq, sampled, catalog, domain):
    """Where a side has no real value and another side has one, at a sampled point with one real scalar made negative.

    A statement is about every real value of its value symbols unless its domain says otherwise, and the prover
    simplifies as sympy does, in complex arithmetic: ``sqrt(u)**2`` built unevaluated is ``u``, proved for a u the
    space only ever draws positive. Probing each scalar at negative values finds the reals where one side is no
    real number; the values themselves are the prover's business.
    """
    base = next((point for point in sampled if not point.kink), None)  # labels too: a batch's lambda is probed
    if base is None:
        return []
    out = []
    recorded = _recorded(eq, base, catalog, domain)
    for name, value in sorted(base.values.items()):
        if np.ndim(value) != 0 or isinstance(value, (bool, np.bool_)):
            continue
        poles = _poles(recorded, base, name)
        # a scalar the domain restricts is probed where the domain allows it (0 < u < 5 for sqrt(u - 5), u > 0)
        candidates = PROBES + _edges(recorded, base, name) + poles + (DOMAIN_PROBES if name in domain else ())
        for probe_value in dict.fromkeys(v for v in candidates if _allowed(eq, name, v)):
            probe = dataclasses.replace(base, label=f"{name} = {probe_value}",
                                        values=dict(base.values, **{name: probe_value}))
            try:
                evaluated = [_evaluations(side, probe, catalog, domain) for side in eq.sides]
            except Exception:  # noqa: BLE001 - a probe that cannot be made says nothing
                continue
            invalid = [n + 1 for n, e in enumerate(evaluated) if e[2]]
            valid = [n + 1 for n, e in enumerate(evaluated) if e[0]]
            undefined = [n + 1 for n, e in enumerate(evaluated) if not e[0] and not e[2] and not e[3]]
            if invalid and valid and DIVISION_BY_ZERO in evaluated[invalid[0] - 1][2]:
                out.append(f"side {invalid[0]} has no value at {probe.describe()}, where side {valid[0]} has one "
                           f"({evaluated[invalid[0] - 1][2]}): declare the domain the statement is about "
                           f"(domain=[sp.Ne({name}, {probe_value:g})])")
                break
            if invalid and valid:
                out.append(f"side {invalid[0]} has no real value at {probe.describe()}, where side {valid[0]} has one "
                           f"({evaluated[invalid[0] - 1][2]}): " + (
                               f"the declared domain allows {name} = {probe_value:g}" if name in domain else
                               f"the statement is about every real {name} unless its domain says otherwise "
                               f"(domain=[{name} > 0])"))
                break
            if undefined and valid and probe_value in poles:
                why = "; ".join(f"{m}: {r}" for m, r in evaluated[undefined[0] - 1][1].items())
                out.append(f"side {undefined[0]} has no value at {probe.describe()} (a division by zero: {why}), where "
                           f"side {valid[0]} has one: declare the domain the statement is about "
                           f"(domain=[sp.Ne({name}, {probe_value:g})])")
                break
    return out


GRID = tuple(sorted({sign * 10.0 ** (k / 2) for sign in (-1, 1) for k in range(-4, 13)} | {0.0}))  # ±0.01 .. ±1e6


def _other_scalars(exprs, base, name, number):
    """The scalar symbols of ``exprs`` other than ``name``, each at its value at ``base`` (made a sympy ``number``)."""
    return {sym: number(float(base.values[sym.name])) for side in exprs for sym in sp.sympify(side).free_symbols
            if isinstance(sym, sp.Symbol) and sym.name != name and sym.name in base.values
            and np.ndim(base.values[sym.name]) == 0 and not isinstance(base.values[sym.name], (bool, np.bool_))}


def _edges(recorded, base, name):
    """Values of the scalar ``name`` where an argument of a log or a root in the sides is negative, the other scalars
    at ``base``: the probes at -2 and -0.5 miss an edge elsewhere (u < -5 for sqrt(u + 5), u > log 5 for
    sqrt(5 - e^u)). The argument is evaluated on a grid from -1e6 to 1e6, at the least value between the
    neighbours of each minimum on the grid (a dip narrower than the grid: (e^u - 20)^2 - 1e-6), and beside and
    between the real roots of a polynomial argument of degree at most 4. At most 12 values. A dip thinner than
    float64 can place is missed (a documented limit). The arguments are those :func:`_recorded` found, inside the
    named functions' definitions too."""
    symbol, arguments = _in_one_scalar(recorded[1], name, base, recorded[2], sp.Float)
    values = []
    for expr in arguments:
        try:
            f = sp.lambdify(symbol, expr, "math")
        except Exception:  # noqa: BLE001 - an argument with no float form: the grid says nothing
            f = None
        on_grid = [_float_or_none(f, v) for v in GRID] if f is not None else []
        values += [v for v, fv in zip(GRID, on_grid) if fv is not None and fv < 0]
        # a dip narrower than the grid: the least value between each grid minimum's neighbours
        for n in range(1, len(on_grid) - 1):
            here, left, right = on_grid[n], on_grid[n - 1], on_grid[n + 1]
            if None not in (here, left, right) and here <= left and here <= right:
                low = _golden_minimum(f, GRID[n - 1], GRID[n + 1])
                if low is not None and (_float_or_none(f, low) or 0.0) < 0:
                    values.append(low)
        if expr.is_polynomial(symbol):
            try:
                poly = sp.Poly(expr, symbol)
                roots = poly.nroots(n=15) if 0 < poly.degree() <= 4 else []
            except (sp.PolynomialError, sp.polys.polyerrors.NoConvergence, ValueError, TypeError):
                roots = []
            real = sorted(float(root) for root in roots if root.is_real)
            for root in real:
                values += [root - 1.0, root - 0.25, root + 0.25, root + 1.0]
            values += [(a + b) / 2 for a, b in zip(real, real[1:])]  # between two roots: (u - 3)^2 - 1e-6 at 3
    # the values nearest the sampled point first: a side that has no real value far away may overflow there too
    values = sorted(dict.fromkeys(v for v in values if v not in PROBES), key=lambda v: abs(v - float(base.values[name])))
    return tuple(values[:12])


def _poles(recorded, base, name):
    """The real values of the scalar ``name`` (the other scalars at ``base``) where a denominator a side divides by
    (:func:`_recorded`: as written, before sympy cancels it) is 0: exactly where they are rational roots of a
    polynomial, else where it is exactly 0 on :data:`GRID` (floor(u) on 0 <= u < 1). A side that is 0/0 there has
    no value, however sympy cancels it."""
    symbol, denominators = _in_one_scalar(recorded[0], name, base, recorded[2], sp.nsimplify)
    values = []
    for expr in denominators:
        if expr.is_polynomial(symbol):
            try:
                roots = sp.Poly(expr, symbol).real_roots()
            except (sp.PolynomialError, NotImplementedError, ValueError):
                continue
            values += [float(r) for r in roots if r.is_Rational]
            continue
        try:
            f = sp.lambdify(symbol, expr, "math")
        except Exception:  # noqa: BLE001 - no float form: nothing to probe
            continue
        values += [v for v in GRID if _float_or_none(f, v) == 0.0][:3]
    return tuple(dict.fromkeys(values))[:6]


def _float_or_none(f, v):
    try:
        out = float(f(v))
    except Exception:  # noqa: BLE001 - no float value there (a named function, an overflow): nothing to probe
        return None
    return out if np.isfinite(out) else None


def _golden_minimum(f, a, b, steps=120):
    """Where ``f`` is least in [a, b], by golden-section search (for a minimum between grid values)."""
    ratio = (5 ** 0.5 - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = _float_or_none(f, c), _float_or_none(f, d)
    for _ in range(steps):
        if fc is None or fd is None:
            return None
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = _float_or_none(f, c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = _float_or_none(f, d)
        if b - a <= 1e-15 * max(1.0, abs(a)):
            break
    return (a + b) / 2


def _points_only_failures(eq):
    """An identity or gradient whose space gives points to check and none to prove at (a worked example) says what
    the values are there: each link has a side that is a number. Else a general formula passes by one point that fits it
    (log-sum-exp minus s_p^2 is the cross-entropy wherever s_p = 1)."""
    if eq.space.sizes or eq.kind not in ("identity", "gradient"):  # a definition is compared; an inequality unproved is "checked"
        return []
    try:
        proves_somewhere = next(iter(eq.space.every({}, set())), None) is not None
    except Exception:  # noqa: BLE001 - a space that cannot enumerate proves nowhere
        proves_somewhere = False
    if proves_somewhere:
        return []
    def states_values(side):  # numbers, and at most the instance's own data (x_i): no sum, function or derivative
        general = (SumOver, sp.core.function.AppliedUndef, sp.Derivative, *DERIVATIVES)
        return not any(isinstance(node, general) for node in sp.preorder_traversal(side))
    return [f"link {n + 1} (sides {n + 1} and {n + 2}) is checked at the space's own points only, and neither side "
            "states values (numbers and the instance's data, with no sum, named function or derivative): such a "
            "statement must state what it is at its points, or be given a space to prove it at"
            for n in range(len(eq.sides) - 1) if not (states_values(eq.sides[n]) or states_values(eq.sides[n + 1]))]


@dataclass
class _Tally:
    """What the numeric checks of one equation found so far, link by link."""

    links: int
    failures: list
    methods: set = field(default_factory=set)
    package_checked: bool = False
    fd_checked: bool = False
    per_link: list = None  # comparisons made, per link
    kink_links: list = None  # comparisons with the package's convention (or the one-sided slopes) on a kink
    off_kink: list = field(default_factory=list)  # kink points that are not on a kink of this equation
    visited: set = field(default_factory=set)  # the kink sources some point lies exactly on

    def __post_init__(self):
        self.per_link, self.kink_links = [0] * self.links, [0] * self.links


def check_equation(eq, catalog, seed=0, prove=True, proofs_done=None):
    """Run every check of ``eq``; return its :class:`Record` (``result`` pass, fail, unproved or unchecked).

    ``prove=False`` runs the numeric checks alone, without the prover.
    ``proofs_done`` maps :func:`derivations.equations.prover.proof_key` to
    the proofs found before for the same inputs; new ones are added to it.
    The steps: :func:`_sample` the points, :func:`_evaluate` every side at each, :func:`_visit_kinks`,
    :func:`_compare` the neighbouring sides, then :func:`_proofs` and :func:`_record_result`.
    """
    start = time.perf_counter()
    catalog = notation_of(catalog, eq)  # the columns, rows and shapes of eq's own problem
    record = Record(eq.id, eq.page, eq.shown_number, eq.kind, eq.title, eq.latex(), f"{eq.source[0]}:{eq.source[1]}",
                    eq.latex(tag=False), eq.shapes())
    try:
        sampled, points = _sample(eq, catalog, seed)
    except Exception as exc:  # noqa: BLE001 - an author's space that cannot list its points: a message, not a crash
        record.result = "fail"
        record.message = f"its space cannot give its points: {type(exc).__name__}: {exc}"
        record.seconds = time.perf_counter() - start
        return record
    domain = domain_assumptions(eq)
    record.points, record.links = len(points), len(eq.sides) - 1
    tally = _Tally(record.links, low_indices(points, eq.space) + _domain_failures(eq, points)
                   + _shape_failures(eq, catalog, sampled) + _points_only_failures(eq))
    kinked, kink_sources = _kinks(eq, catalog, sampled, domain)
    for point in points:
        evaluated = _evaluate(eq, point, catalog, domain, tally)
        on_kink = _visit_kinks(eq, point, catalog, domain, tally)
        _compare(eq, point, evaluated, on_kink, record, tally)
        record.kink_points += on_kink
    # a name read two ways (after the points: an evaluation's own message, such as a real index, says more)
    tally.failures += name_clashes(eq, catalog, sampled[0] if sampled else None)
    tally.failures += _real_value_failures(eq, sampled, catalog, domain)
    record.methods = sorted(tally.methods)
    proofs, unproved, refuted = _proofs(eq, catalog, prove, proofs_done)
    # an identity is proved at its ties too; a derivative only exists off the kinks
    _settle_scopes(record, eq, proofs, kinked and has_derivative(eq, catalog))
    _record_result(record, eq, tally, unproved, refuted, kinked, kink_sources, sampled, catalog, domain)
    record.seconds = time.perf_counter() - start
    return record


def _sample(eq, catalog, seed):
    """(sampled points, every point checked): the space's draws (seeded by the equation's id), then one point per
    equality pattern of its free indices."""
    rng = np.random.default_rng([seed, zlib.crc32(eq.id.encode())])
    sampled = eq.points(rng)
    return sampled, sampled + pattern_points(eq, sampled, catalog)


def _kinks(eq, catalog, sampled, domain):
    """(whether ``eq`` has kinks, the kink sources a point must lie exactly on): every max, |.|, indicator or
    derived value with a kink must be visited exactly on its kink by some point."""
    kinked = any(has_kink(side, catalog) for side in eq.sides) or (
        bool(sampled) and any(has_kink(side, catalog, point=sampled[0]) for side in eq.sides))
    return kinked, _kink_sources(eq, sampled[0], catalog, domain)[0] if kinked and sampled else set()


def _evaluate(eq, point, catalog, domain, tally):
    """Every side at ``point`` by every method (:func:`_evaluations`); a side with no real value or none at all is
    a failure."""
    evaluated = [_evaluations(side, point, catalog, domain) for side in eq.sides]
    for n, (values, why, invalid, missing) in enumerate(evaluated):
        if invalid:
            no = "no value" if DIVISION_BY_ZERO in invalid else "no real value"
            tally.failures.append(f"side {n + 1} has {no} at {point.describe()}\n    {invalid}")
        elif not values and not missing:
            tally.failures.append(f"side {n + 1} cannot be evaluated at {point.describe()}\n    "
                                  + "; ".join(f"{m}: {r}" for m, r in why.items()))
    return evaluated


def _visit_kinks(eq, point, catalog, domain, tally):
    """Whether a kink point lies exactly on a kink of ``eq`` (the kinks it lies on are noted as visited)."""
    zero = _kink_sources(eq, point, catalog, domain)[1] if point.kink else set()
    tally.visited |= zero
    if point.kink and not zero:
        tally.off_kink.append(point.label)
    return bool(zero)


def _compare(eq, point, evaluated, on_kink, record, tally):
    """Each link at ``point``: every method of one side against every method of the other, equal (an inequality:
    in order, >=) within the tolerance of the less exact method, to 37 digits where both are exact."""
    ordered = eq.kind == "inequality"
    for n in range(record.links):
        compared = 0
        for m1, v1 in evaluated[n][0].items():
            for m2, v2 in evaluated[n + 1][0].items():
                if m1 == m2 == "sympy" and _digits(v1, v2):  # both exact: to 37 digits, never through float64
                    agree = np.shape(np.squeeze(v1)) == np.shape(np.squeeze(v2)) and \
                        (_at_least_digits if ordered else _agree_digits)(v1, v2)
                else:  # (whose overflow made e^z e^z and e^{2z} at z = 1e4 differ: inf - inf)
                    agree = (_at_least if ordered else _agree)(v1, v2, *_tolerance(m1, m2))
                if agree is None:
                    continue
                compared += 1
                record.comparisons += 1
                tally.per_link[n] += 1
                tally.methods.update((m1, m2))
                tally.package_checked |= "package" in (m1, m2)
                tally.fd_checked |= "finite differences" in (m1, m2)
                if on_kink and ({"package", "one-sided slopes"} & {m1, m2}):
                    tally.kink_links[n] += 1
                if not agree:
                    verb = "are not in order (>=)" if ordered else "differ"
                    shown = (_fmt(v1), _fmt(v2))
                    if shown[0] == shown[1] and _digits(v1, v2):  # apart past float64's digits: show all 40
                        shown = tuple(", ".join(str(x) for x in getattr(v, "digits")) for v in (v1, v2))
                    tally.failures.append(
                        f"side {n + 1} and side {n + 2} {verb} at {point.describe()}\n"
                        f"    side {n + 1} ({m1}): {shown[0]}\n    side {n + 2} ({m2}): {shown[1]}"
                    )
        if not compared and all(evaluated[k][0] for k in (n, n + 1)) and not ordered:
            tally.failures.append(f"side {n + 1} and side {n + 2} could not be compared at {point.describe()}")


def _record_result(record, eq, tally, unproved, refuted, kinked, kink_sources, sampled, catalog, domain):
    """The equation's result and message, the most concrete failure first."""
    unchecked = [n + 1 for n, count in enumerate(tally.per_link) if count == 0]
    missing_kink = [n + 1 for n, count in enumerate(tally.kink_links) if count == 0]
    if tally.failures or refuted:
        record.result = "fail"
        lines = tally.failures + refuted  # a sampled point where the sides differ first: the most concrete
        record.message = lines[0] + (f"\n  (and {len(lines) - 1} more)" if len(lines) > 1 else "")
    elif unchecked:
        record.message = f"links {unchecked} were never evaluated at any point"
    elif unproved:
        record.result = "unproved"
        record.message = ("not proved by sympy: " + "; ".join(unproved)
                          + "\n  (if no proof can be had, say why with prove=\"reason\": the ledger shows it as "
                            "checked numerically; a link the prover finds false fails all the same)")
    elif kinked and not record.kink_points:
        record.message = ("it has a max, an absolute value or an indicator of values, but no point lies exactly on "
                          "one of its kinks" + (f" (the kink points {tally.off_kink} are not on its kinks)"
                                                if tally.off_kink else "")
                          + ": add one to its space (Point(..., kink=True) with a condition exactly 0)")
    elif kinked and kink_sources - tally.visited:
        record.message = ("no point lies exactly on the kink of " + ", ".join(sorted(kink_sources - tally.visited))
                          + ": add a kink point for each (Point(..., kink=True) where its condition is exactly 0)"
                          + (kink_advice(eq, sampled[0], catalog, domain, kink_sources - tally.visited)
                             if sampled else ""))
    elif kinked and missing_kink:
        record.message = (f"links {missing_kink} are never compared with the package's convention (or the one-sided "
                          f"slopes) at a point on a kink")
    elif eq.kind == "gradient" and not (tally.fd_checked or record.proved_links == record.links):
        record.message = "a gradient needs finite differences of the package or a sympy proof"
    elif eq.kind == "definition" and not tally.package_checked:
        record.message = "a definition must be compared with the package"
    else:
        record.result = "pass"


def _proofs(eq, catalog, prove, proofs_done):
    """(proofs or None, unproved link texts, refutations): the prover's word on every link that must be proved."""
    if not prove or record_links(eq) == []:
        return None, [], []
    key = proof_key(eq, catalog) if proofs_done is not None else None
    if key is not None and key in proofs_done:
        proofs = [Proof(**p) for p in proofs_done[key]]
    else:
        proofs = prove_equation(eq, catalog, links=record_links(eq))
        if key is not None and not any(p.timed_out for p in proofs):  # undecided in its budget: tried again next time
            proofs_done[key] = [p.__dict__ for p in proofs]
    unproved, refuted = [], []
    for n, p in zip(record_links(eq), proofs):
        if p.refuted:
            refuted.append(f"link {n + 1} (sides {n + 1} and {n + 2}) is false: {p.reason}")
        elif not p.proved and eq.kind != "inequality" and (eq.prove is True or p.timed_out):  # timed out: undecided
            unproved.append(f"link {n + 1} ({p.text})")
    return proofs, unproved, refuted


def record_links(eq):
    """The links the prover must prove: all of them, or for a definition every link after the defining one (an
    inequality's too: proved where the prover decides it, else checked numerically, and the mark says so)."""
    links = range(len(eq.sides) - 1)
    return [n for n in links if not (eq.kind == "definition" and n == 0)]


def _settle_scopes(record, eq, proofs, kinked):
    """Per link: what was proved, in words and as a scope; the mark is the weakest link's."""
    texts, scopes = [], []
    by_link = dict(zip(record_links(eq), proofs or []))
    for n in range(record.links):
        if eq.kind == "definition" and n == 0:
            texts.append("a definition: compared with the package")
            scopes.append("definition")
        elif eq.kind == "inequality" and not (n in by_link and by_link[n].proved):
            why = f"not proved: {eq.prove}" if eq.prove is not True else by_link[n].text if n in by_link else \
                "not proved"
            texts.append(f"an inequality: checked numerically at every point; {why}")
            scopes.append("numeric")
        elif n not in by_link:
            texts.append("not proved (numeric checks only)")
            scopes.append("numeric")
        else:
            p = by_link[n]
            if p.proved:
                texts.append(p.text + (", off the kinks" if kinked else ""))
                scopes.append(p.category)
            else:
                texts.append(f"not proved: {eq.prove}" if eq.prove is not True and not p.timed_out else p.text)
                scopes.append("numeric")
    record.proved_for, record.scopes = texts, scopes
    record.proved_links = sum(s in ("all sizes", "range") for s in scopes)
    if any(s in ("numeric", "definition") for s in scopes):
        record.mark = "checked"
    elif "range" in scopes:
        record.mark = "range"
    else:
        record.mark = "all sizes"
