r"""Judge a reader's own line of a derivation against the page's equation: sympy and mpmath only.

This module runs in the reader's browser (Pyodide) and, on the same inputs, in
CPython under pytest, so both say the same. It imports nothing but sympy,
mpmath and the engine's sympy-only modules (:mod:`notation`, :mod:`parse`, :mod:`interpret`, the one
interpreter of the notation, :mod:`kernel`, :mod:`feasible`); never numpy.

What the browser gets from the build (:mod:`derivations.site.reader_export`),
one JSON per page: each equation's sides as notation trees, the *cases* the
check runs at (sizes, indices and labels of the statement, and every value the
page's symbols take there, written in real symbols: ``s_1``, ``W_1_2``, the
softmax ``f`` already expanded), the named functions with their definitions,
and the known wrong versions (mutants) of each side. The reader's line is read
by :func:`derivations.equations.parse.parse_equation` (never ``eval``).

The verdict, per the project's first rule ("equal" meets the standard of "proved", #28):

* **equal, proved** when, at every case, :func:`kernel.is_zero` proves the
  difference zero for every real value of the symbols, and the second route,
  each side evaluated apart at points of magnitude 1, 10^3 and 10^6, finds no
  difference (a proof and a point that disagree are "cannot decide");
* **equal at N points** when either side is piecewise (an indicator, a max, an
  absolute value): at every case, at points of every scale, exactly on each
  kink and threshold of either side (conditions not linear in one symbol too:
  an exact root of the condition, the others drawn; a root no formula gives is
  found by a numeric search and visited beside, and exactly where it proves a
  simple rational) and beside it, each point compared exactly (the region both
  sides take there proved equal by the kernel, or the difference's sign
  certified); the verdict names the sizes and scales. A condition whose kink
  could not be visited (more conditions than a case visits, a jump at a root
  known only approximately) makes it "cannot decide", never "equal";
* **a subgradient** when the line differs from the page's side only exactly on
  a kink, and its value there is the page's with each indicator at the kink
  taken anywhere in [0, 1] (a gradient of a convex loss: another valid
  subgradient); the kink is named;
* **not equal** only with a counterexample: a point where the two exact values
  differ for certain, or a line whose shapes do not combine where the page's do;
  a known mistake is named only when it agrees with the line at every point;
* otherwise it **cannot decide**, and says why (timeout, a side it cannot
  evaluate, a difference it cannot tell from 0): never "equal". A case where a
  side cannot be evaluated, or no point decides, is passed over so that another
  case may still refute the line; a step that does not return by the deadline is
  stopped (a watchdog where Python has threads; in the browser its worker is
  stopped from outside).

The cases are the equation's smallest sizes and one where every size and index
differs (:mod:`derivations.site.reader_export`): N, D and C apart, i not 1.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import math
import random
import sys
import time

import mpmath
import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.interpret import InvalidValue, Interpreter, NotEvaluable, ShapeError, at_point
from derivations.equations import kernel
from derivations.equations.kernel.rules import _nonzero
from derivations.equations import notation
from derivations.equations.notation import DERIVATIVES, Ind, SumOver, fn, latex
from derivations.equations.parse import ParseError, SymbolTable, parse_equation, same

__all__ = ["encode", "decode", "Page", "judge", "BROWSER_MODULES", "MAX_INPUT"]

# the modules the browser loads, as paths under src/ (what this module imports, and nothing that imports numpy)
BROWSER_MODULES = ("derivations/equations/notation.py", "derivations/equations/parse.py",
                   "derivations/equations/interpret.py",
                   "derivations/equations/kernel/__init__.py", "derivations/equations/kernel/numbers.py",
                   "derivations/equations/kernel/rules.py", "derivations/equations/kernel/feasible.py",
                   "derivations/equations/kernel/order.py",
                   "derivations/equations/reader.py")
MAX_INPUT = 600  # characters of a reader's line: a homework step, not a page
MAX_POWER = 64  # a numeric power larger than this is refused (10^{10^{10}} would never finish)
DIGITS = 30
SECONDS = 20.0  # the Python side's own budget; the browser's worker is also stopped from outside

# -- a time limit on every call: the kernel takes no deadline, and no signal stops Python in the browser -------------

class _OutOfTime(BaseException):
    """Raised by :func:`_trace` in a call past its time limit: a BaseException, so that no ``except Exception`` of
    sympy's takes it for a failure of its own and goes on."""


_LIMITS = []  # the monotonic time limits of the calls running now (_within), innermost last
_RAN_OUT = set()  # what is_zero ran out of time on in this judgement: not tried again (not proved, as before)
_HOOK = [sys.unraisablehook]  # the hook of ignored exceptions outside every limit (_rearm within)


def _trace(frame, event, arg):
    """The trace function, set once a limit has passed (:func:`_watch`): at the next Python call it raises
    :class:`_OutOfTime` (Python then removes the trace: the stack unwinds untraced, each ``finally`` and ``with`` of
    sympy's restoring its state)."""
    if _LIMITS and time.monotonic() > _LIMITS[-1]:
        raise _OutOfTime


def _watch(phase, info):
    """A callback of the garbage collector, which runs every few hundred objects made: past the innermost limit, it
    sets the trace. No trace before (a trace from the start made every call of sympy's three times slower)."""
    if phase == "start" and _LIMITS and time.monotonic() > _LIMITS[-1] and sys.gettrace() is None:
        sys.settrace(_trace)


def _rearm(unraisable):
    """An :class:`_OutOfTime` raised where Python ignores what is raised (a generator closed as it is freed, a
    ``__del__``) removed the trace, and the computation goes on: the trace is set again, and the next call stops it."""
    if isinstance(unraisable.exc_value, _OutOfTime) and _LIMITS:
        sys.settrace(_trace)
    else:
        _HOOK[0](unraisable)


def _within(seconds, call, default):
    """``call()``, or ``default`` once it has run ``seconds`` (never past an enclosing call's limit: that call then
    stops too). Under another tracer (a debugger, coverage), no limit is set."""
    if sys.gettrace() not in (None, _trace):
        return call()
    if not _LIMITS:
        _HOOK[0], sys.unraisablehook = sys.unraisablehook, _rearm
        gc.callbacks.append(_watch)
    _LIMITS.append(min([time.monotonic() + seconds] + _LIMITS[-1:]))
    try:
        return call()
    except _OutOfTime:
        if len(_LIMITS) > 1 and time.monotonic() > _LIMITS[-2]:
            raise
        return default
    finally:
        _LIMITS.pop()
        sys.settrace(None)  # set again by _watch where an enclosing limit has passed too
        if not _LIMITS:
            sys.unraisablehook = _HOOK[0]
            gc.callbacks.remove(_watch)


def _left():
    return max(0.0, _LIMITS[-1] - time.monotonic()) if _LIMITS else SECONDS


def is_zero(expr):
    """The kernel's is_zero on ``expr``, False (not proved) where it takes more than half the time left: a check
    of points needs the rest. Nothing is proved that was not before."""
    if expr in _RAN_OUT:
        return False
    out = _within(_left() / 2, lambda: kernel.is_zero(expr), None)
    if out is None:
        _RAN_OUT.add(expr)
    return bool(out)


def _steep(u):
    """Whether the number ``u`` has an exponential beyond e^{\\pm 1000}: a difference of it past the kernel's 1200
    digits is not tried by ``simplify``, whose nsimplify computes it to as many digits as it has (1 - 1/(1 +
    e^{-10^6/2}) took 13 s, at 1 over a minute, in mpmath's integers, where no limit stops it)."""
    for node in sp.preorder_traversal(u):
        if isinstance(node, sp.exp):
            try:
                if abs(node.args[0].evalf(5)) > 1000:
                    return True
            except (TypeError, ValueError):
                return True
    return False


def certified_sign(u):
    """The kernel's certified sign of the number ``u``, None (not told) where it takes more than a tenth of the
    time left, or past 1200 digits at a steep exponential (:func:`_steep`)."""
    return _within(_left() / 10, lambda: kernel.certified_sign(u, simplify=not _steep(u)), None)


# -- trees <-> JSON --------------------------------------------------------------------------------------------

# every node of the notation an author may write (the public classes of notation.py, found there: a node added to the
# notation has a JSON form without a list here to extend; tests/test_reader.py checks each is also evaluated)
NODES = {c.__name__: c for c in vars(notation).values()
         if isinstance(c, type) and issubclass(c, sp.Expr) and c.__module__ == notation.__name__
         and not c.__name__.startswith("_")}
RELATIONS = {c.__name__: c for c in (sp.StrictGreaterThan, sp.StrictLessThan, sp.GreaterThan, sp.LessThan)}
RELATIONS.update(Equality=sp.Eq, Unequality=sp.Ne)
FUNCTIONS = {"exp": sp.exp, "log": sp.log, "Abs": sp.Abs, "KroneckerDelta": sp.KroneckerDelta}


def encode(e):
    """A notation tree (or a value of a case) as JSON-able lists: ``["Add", a, b]``, ``["S", "z", {"real": True}]``."""
    if isinstance(e, bool):
        return ["true"] if e else ["false"]
    if isinstance(e, int):
        return ["I", str(e)]
    if isinstance(e, float):
        e = sp.Rational(e)
    e = sp.sympify(e)
    if e is sp.S.NaN:
        return ["NaN"]
    if e is sp.true or e is sp.false:
        return [str(e).lower()]
    if e is sp.E:
        return ["E"]
    if isinstance(e, sp.Float):
        e = sp.Rational(e)
    if isinstance(e, sp.Integer):
        return ["I", str(e)]
    if isinstance(e, sp.Rational):
        return ["Q", str(e.p), str(e.q)]
    if isinstance(e, sp.Dummy):
        raise ValueError(f"a bound dummy {e} cannot be written for the browser")
    if isinstance(e, sp.Symbol):
        return ["S", e.name, dict(e._assumptions_orig)]
    if isinstance(e, sp.IndexedBase):
        return ["B", e.label.name]
    if isinstance(e, sp.Indexed):
        return ["X", encode(e.base)] + [encode(q) for q in e.indices]
    if isinstance(e, sp.core.function.AppliedUndef):
        return ["F", type(e).__name__] + [encode(a) for a in e.args]
    if isinstance(e, sp.Piecewise):
        return ["Piecewise"] + [[encode(x), encode(c)] for x, c in e.args]
    name = type(e).__name__
    if name in NODES or name in RELATIONS or name in FUNCTIONS or name in ("Add", "Mul", "Pow", "Max", "Min"):
        return [name] + [encode(a) for a in e.args]
    raise ValueError(f"no JSON form for {name}: {e}")


def decode(data):
    """The tree :func:`encode` wrote, rebuilt as written (sympy's evaluation off)."""
    head = data[0]
    if head == "I":
        return sp.Integer(int(data[1]))
    if head == "Q":
        return sp.Rational(int(data[1]), int(data[2]))
    if head == "S":
        return sp.Symbol(data[1], **data[2])
    if head == "B":
        return sp.IndexedBase(data[1])
    if head == "NaN":
        return sp.S.NaN
    if head == "E":
        return sp.E
    if head in ("true", "false"):
        return sp.true if head == "true" else sp.false
    if head == "X":
        return sp.Indexed(decode(data[1]), *[decode(q) for q in data[2:]])
    if head == "F":
        return sp.Function(data[1])(*[decode(a) for a in data[2:]])
    if head == "Piecewise":
        return sp.Piecewise(*[(decode(x), decode(c)) for x, c in data[1:]], evaluate=False)
    args = [decode(a) for a in data[1:]]
    if head in NODES:
        return NODES[head](*args)
    if head in RELATIONS:
        return RELATIONS[head](*args, evaluate=False)
    if head in ("Add", "Mul", "Max", "Min"):
        return getattr(sp, head)(*args, evaluate=False)
    if head == "Pow":
        return sp.Pow(*args, evaluate=False)
    if head in FUNCTIONS:
        return FUNCTIONS[head](*args, evaluate=False)
    raise ValueError(f"unknown node {head!r} in the page's data")


def _decode_value(data):
    """A case's value: a tree, or nested lists of trees (a vector; a matrix by rows)."""
    if data and isinstance(data[0], list) and data[0] and isinstance(data[0][0], list):
        if isinstance(data[0][0][0], list):  # rows of a matrix
            return sp.Matrix([[decode(v) for v in row] for row in data])
        return [decode(v) for v in data]
    if data and isinstance(data[0], list):
        return [decode(v) for v in data]
    return decode(data)


# -- the page's data ---------------------------------------------------------------------------------------------

class Unknown(Exception):
    """The line uses a name the page's notation does not have here."""


class Case:
    """One instance of a statement: its sizes, indices and labels, and the value of each of the page's symbols."""

    def __init__(self, data, columns, rows):
        # a case of no size, index or label ("every value" in the build's words) is where the counterexample shows
        self.label = data["label"] if data["label"] != "every value" else "the point shown"
        self.indices = dict(data["indices"])
        self.labels = {k: list(v) for k, v in data.get("labels", {}).items()}
        self.values = {}
        for name, value in data["values"].items():
            if isinstance(value, dict):  # {"matrix": rows} or {"vector": entries}
                if "matrix" in value:
                    self.values[name] = sp.Matrix([[decode(v) for v in row] for row in value["matrix"]])
                else:
                    self.values[name] = [decode(v) for v in value["vector"]]
            else:
                self.values[name] = decode(value)
        self.primitive = [sp.Symbol(n, **a) for n, a in data["primitive"]]
        self.spread = bool(data.get("spread"))  # one index or label at another value than the distinct case's
        self.pairs = bool(data.get("pairs"))  # a case of the pairs of index values (read only by a line that needs it)
        self.columns, self.rows = columns, rows


class Equation:
    def __init__(self, data, page):
        self.id, self.number, self.kind = data["id"], data["number"], data["kind"]
        self.sides = [decode(s) for s in data["sides"]]
        self.cases = [Case(c, page.columns, page.rows) for c in data["cases"]]
        self.sizes = data.get("sizes", "")
        self.pairs = data.get("pairs", "")  # what the cases of every pair of index values cover, in words
        self.mutants = [dict(m, tree=decode(m["tree"])) for m in data.get("mutants", [])]
        self.notation = data.get("notation", [])
        self.bound = set(data.get("bound", []))
        self.unchecked = data.get("unchecked")  # why the build could not write what a check needs (no cases then)


class Page:
    """What the browser knows of one page: :meth:`from_json` of the file the build wrote."""

    def __init__(self, data):
        self.page = data["page"]
        self.columns, self.rows = data.get("columns", {}), data.get("rows", {})
        self.bold = frozenset(data.get("bold", ()))
        self.functions = {}
        for name, spec in data["functions"].items():
            fn(name, spec["tex"], spec["show_args"])  # the printer and the parser learn it
            self.functions[name] = {"params": [decode(p) for p in spec["params"]],
                                    "body": decode(spec["body"]) if spec.get("body") else None}
        self.equations = {e["id"]: Equation(e, self) for e in data["equations"]}
        self.table = SymbolTable.of(*[s for eq in self.equations.values() for s in eq.sides],
                                    *[f["body"] for f in self.functions.values() if f["body"] is not None])
        for name in data.get("functions", {}):
            self.table.functions.setdefault(name, sp.Function(name))

    @classmethod
    def from_json(cls, text):
        import json
        return cls(json.loads(text))


# -- evaluation at a case ------------------------------------------------------------------------------------------

def _is_matrix(v):
    return isinstance(v, sp.MatrixBase)


REMEMBERED = 20000  # entries of each memo of pure functions below (cleared whole when full)
_INDICATORS = {}  # (relation, type, lhs, type, rhs) -> the value of the indicator (Evaluator._indicator)


def _page_value(page, case, target, deadline):
    """The value of the page's own tree ``target`` at ``case``: the same for every line judged against it, so computed
    once (kept on the case, keyed by the tree), a matrix handed out as a copy."""
    return _page_value_and_domain(page, case, target, deadline)[0]


def _page_value_and_domain(page, case, target, deadline):
    """(:func:`_page_value`, the conditions its value needs as written (:func:`_domain`)), kept together on the case."""
    values = case.__dict__.setdefault("_page_values", {})
    if target not in values:
        ev = Evaluator(page, case, deadline)
        value = ev.ev(target)
        values[target] = (value, _domain(ev))
    value, domain = values[target]
    return (value.copy() if _is_matrix(value) else value), list(domain)


class Evaluator(Interpreter):
    """The value of a notation tree at a case, in the case's real symbols (a number, or a sympy Matrix): the engine's
    own interpreter (:mod:`interpret`), reading the case's values, with limits that keep a line within its budget."""

    max_terms = 50
    max_power = MAX_POWER
    max_exponent = 10 ** 6
    row_times_column_is_number = True

    def __init__(self, page, case, deadline):
        super().__init__(case.indices, deadline=deadline)
        self.page, self.case = page, case
        self.arguments = []  # (argument of a log or base of a root, whether it must be > 0 rather than >= 0)

    def _real_argument(self, a, what, strict=True):
        if not _is_matrix(a) and not sp.sympify(a).is_number:
            self.arguments.append((sp.sympify(a), strict))
        super()._real_argument(a, what, strict)

    @staticmethod
    def show(expr):
        return f"${latex(expr)}$"

    def symbol(self, name):
        values = self.case.values
        if name not in values:
            raise Unknown(name)
        v = values[name]
        return sp.Matrix(v) if isinstance(v, list) else v

    def label(self, expr):
        base = expr.base.label.name
        if base not in self.case.labels:
            return None
        v, at = self.case.labels[base], [self.index(q) for q in expr.indices]
        if len(at) != 1 or not 1 <= at[0] <= len(v):
            raise NotEvaluable(f"${latex(expr)}$: there is no {base} number {at[0]} here")
        return v[at[0] - 1]

    def definition(self, name):
        spec = self.page.functions.get(name)
        if spec is None or spec["body"] is None:
            raise NotEvaluable(f"the function {name} has no definition the checker can use")
        return sp.Function(name)(*spec["params"]), [spec["body"]]

    def _ev_Indexed(self, expr):
        label = self.label(expr)
        if label is not None:
            return sp.Integer(label)
        base = expr.base.label.name
        at = [self.index(q) for q in expr.indices]
        source = self.case.columns.get(base) or self.case.rows.get(base)
        if source is not None and len(at) == 1:
            if source not in self.case.values:
                raise Unknown(base)
            whole = self.case.values[source]
            if base in self.case.columns:
                if not 1 <= at[0] <= whole.shape[1]:
                    raise NotEvaluable(f"${latex(expr)}$: there is no column {at[0]} of {source} here")
                return whole[:, at[0] - 1]
            if not 1 <= at[0] <= whole.shape[0]:
                raise NotEvaluable(f"${latex(expr)}$: there is no row {at[0]} of {source} here")
            return whole[at[0] - 1, :].T
        if base not in self.case.values:
            raise Unknown(base)
        v = self.case.values[base]
        if _is_matrix(v):
            if len(at) != 2 or not (1 <= at[0] <= v.shape[0] and 1 <= at[1] <= v.shape[1]):
                raise NotEvaluable(f"${latex(expr)}$: {base} is a {v.shape[0]} x {v.shape[1]} matrix here")
            return v[at[0] - 1, at[1] - 1]
        if not isinstance(v, list) or len(at) != 1:
            raise NotEvaluable(f"${latex(expr)}$: {base} takes {'one index' if isinstance(v, list) else 'no index'} here")
        if not 1 <= at[0] <= len(v):
            raise NotEvaluable(f"${latex(expr)}$: {base} has entries 1..{len(v)} here, not {at[0]}")
        return v[at[0] - 1]

    def _ev_Pow(self, expr):
        """A power of two numbers as written (10^{-65}, 2^{100}) is an exact rational, computed at once where it has
        few digits: the limit on a numeric exponent (max_power) is for a power of a symbol (s_1^{10^6} would expand
        forever), not for a plain number."""
        if not expr.free_symbols and not expr.has(sp.Indexed, sp.Function, SumOver):
            base, power = self.ev(expr.base), self.ev(expr.exp)
            if isinstance(base, sp.Rational) and isinstance(power, sp.Integer) and base != 0 and \
                    abs(power) <= MAX_EXACT_POWER and \
                    abs(int(power)) * max(abs(base.p).bit_length(), base.q.bit_length()) <= MAX_EXACT_BITS:
                return base ** power
        return super()._ev_Pow(expr)

    def _indicator(self, cond, lhs, rhs):
        """The interpreter's 1(lhs rel rhs), remembered (:data:`_INDICATORS`, keyed by the relation and both values,
        which are all it reads): building the Piecewise runs sympy's simplification of its condition, and the page's
        side and every line of it in the box build the same ones, verdict after verdict."""
        if _is_matrix(lhs) or _is_matrix(rhs):
            return super()._indicator(cond, lhs, rhs)
        key = (cond.func, type(lhs), lhs, type(rhs), rhs)
        value = _INDICATORS.get(key)
        if value is None:
            value = super()._indicator(cond, lhs, rhs)
            if len(_INDICATORS) >= REMEMBERED:
                _INDICATORS.clear()
            _INDICATORS[key] = value
        return value

    def differentiable(self, value):
        if _is_matrix(value):  # a Jacobian (of a gradient: a Hessian) differentiates a vector entry by entry
            return value.applyfunc(self.differentiable)
        # max(a, b) as the piecewise b if b > a, else a: its derivative takes the kink's convention 1(u > 0)
        value = value.replace(lambda e: isinstance(e, sp.Max) and len(e.args) == 2,
                              lambda e: sp.Piecewise((e.args[1], e.args[1] > e.args[0]), (e.args[0], True)))
        if value.has(sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling):
            raise NotEvaluable("a derivative through a max, a min or an absolute value of more than two terms")
        return value

    def _diff(self, inner, target):
        """d inner / d target, with no value where ``inner`` jumps across a condition in the target (recorded as where
        the value has none, as a denominator's zero is): 1(u > 5) has no derivative in u at 5; in s_j, 1(s_{y_i} > 2)
        has one everywhere."""
        targets = set(target) if _is_matrix(target) else {target}
        for entry in (inner if _is_matrix(inner) else [inner]):
            for g in _jumps(entry):
                if g.free_symbols & targets and g not in self.denominators:
                    self.denominators.append(g)
        return Interpreter._diff(inner, target)


JUMP_STEP = sp.Rational(1, 10 ** 40)  # how far each side of a condition's zero its two values are compared
JUMP_SIZE = sp.Rational(1, 10 ** 6)  # a change past this across 2 JUMP_STEP is a jump (a slope of 10^33 is none here)


def _jumps(value):
    """The u of each condition u = 0 of a Piecewise in ``value`` across which ``value`` jumps (1(u > 5) 100 does, u
    1(u > 0) and max(0, u) do not): where a derivative of ``value`` has no value. Told at a point on u = 0 (u solved
    for a symbol it is linear in, the others small rationals) from the values a step 10^-40 either side, compared
    exactly; NotEvaluable where that cannot be told."""
    out = []
    for node in sp.preorder_traversal(value):
        if not isinstance(node, sp.Piecewise):
            continue
        for _, cond in node.args:
            for rel in ([cond] if isinstance(cond, Relational) else cond.atoms(Relational)):
                u = sp.expand(rel.lhs - rel.rhs)
                if not u.free_symbols or any(_kink_key(u) == _kink_key(v) for v in out):
                    continue
                if _jump_across(value, u):
                    out.append(u)
    return out


def _jump_across(value, u):
    symbols = sorted(value.free_symbols | u.free_symbols, key=lambda s: s.name)
    for t in sorted(u.free_symbols, key=lambda s: s.name):
        base = {s: sp.Rational(n + 2, n + 3) for n, s in enumerate(symbols) if s != t}
        root = _linear_root(sp.expand(u.xreplace(base)), t)
        if root is None:
            continue
        sides = [sp.sympify(value).xreplace({**base, t: root[0] + d}) for d in (JUMP_STEP, -JUMP_STEP)]
        if not all(v.is_number for v in sides):
            raise NotEvaluable("a derivative across a piece whose values either side I cannot compute")
        gap = certified_sign(abs(sides[0] - sides[1]) - JUMP_SIZE)
        if gap is None:
            raise NotEvaluable("a derivative across a piece I cannot tell is continuous")
        return gap > 0
    raise NotEvaluable("a derivative across a piece whose condition is not linear in one of its symbols")


# -- judging -----------------------------------------------------------------------------------------------------

PIECEWISE = (sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign, sp.floor, sp.ceiling)
SCALES = (1, 10 ** 3, 10 ** 6)  # the magnitudes of the values tried: a line wrong only for large values is seen
MAX_EXACT_POWER = 10 ** 4  # an exact power with a larger exponent is not computed at a point (3^(3^27) never ends)
MAX_EXP_ARGUMENT = 10 ** 15  # an exponential of a larger argument is not computed exactly at a point (e^{e^{1000}})
MAX_EXACT_BITS = 10 ** 5  # the size of a power of two numbers the reader writes (10^{-65}) computed exactly
MAX_KINKS = 40  # distinct conditions whose kinks are visited, per case; past them the verdict is never "equal"
MAX_ROOTS = 12  # roots of one condition visited (on, beside, between); past them the verdict is never "equal"
FULL_KINKS = 12  # of them visited at two drawn points each (the others at one)
SPREAD_KINKS = 3  # of a case that differs from the distinct case in one index's value only
BESIDE = (sp.Rational(1, 10 ** 3), sp.Rational(1, 10 ** 12))  # how far beside a kink (times its size)


class Check:
    """The running judgement of one line: what each case and point said, and the points it was said at."""

    def __init__(self, deadline):
        self.deadline = deadline
        self.proved_cases = 0
        self.points = 0
        self.kink_points = 0
        self.beside_points = 0
        self.region_proved = 0
        self.piecewise = False
        self.scales = set()
        self.visited = []  # (case, point) of every point of the verdict: a mistake's name is confirmed on them
        self.pairs = True  # whether the cases of every pair of index values are the line's (_index_arithmetic)
        self.domain = []  # what the reader's line (not the page's side) needs to have a value, not shown to hold
        self.domain_points = 0  # points exactly where one of those fails
        self.unvisited = []  # the places where a condition changes that no point visited (said: never "equal" then)
        self.seen_kinks = set()  # the conditions visited at an earlier case (a spread case visits the others)

    def tick(self):
        if time.monotonic() > self.deadline:
            raise TimeoutError


class Point:
    """A point of a case: the value of each real symbol, its scale, and whether it lies on (or beside) a kink."""

    def __init__(self, subs, scale, kink=None, beside=False, zero=None):
        self.subs, self.scale, self.kink, self.beside = subs, scale, kink, beside
        self.zero = zero  # a condition u that is exactly 0 here (the point is an exact root of it): decided so


def _entries(v):
    return list(v) if _is_matrix(v) else [v]


def _shape(v):
    """The shape of a value, None for a number; a 1 x 1 matrix is a number here (at a size 1 the page's vector of one
    entry and a reader's number are one value: another case, of larger sizes, tells their shapes apart)."""
    return v.shape if _is_matrix(v) and v.shape != (1, 1) else None


# -- the value of a line at a point: its region, then an exact number ------------------------------------------------

def _region(expr, subs, zeros=()):
    """``expr`` with each piece (indicator, max, min, |.|, sign, Heaviside, floor) replaced by the branch it takes at
    the point ``subs``, told by certified signs; the symbols stay. Equal regions are equal at the point, and on the
    whole region around it. A condition on one of ``zeros`` (the kinks the point is an exact root of, Point.zero) is
    decided as 0 there: its value at an algebraic root (a CRootOf of degree 7) is 0 to every precision, which a sign
    could only be told of by sympy's simplify, without end."""
    expr = sp.sympify(expr)
    if not _piecewise(expr):
        return expr
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            truth = None
            if isinstance(cond, Relational) and type(cond) in _AT_ZERO and _zero_at(cond.lhs - cond.rhs, zeros):
                truth = sp.true if _AT_ZERO[type(cond)] else sp.false
            elif _too_large(cond, subs):
                raise NotEvaluable("a power too large to evaluate exactly at this point")
            else:
                truth = at_point(cond, subs)
            if truth is sp.true:
                return _region(value, subs, zeros)
            if truth is not sp.false:
                raise NotEvaluable(f"cannot decide ${latex(cond)}$ at this point")
        return sp.nan
    if isinstance(expr, (sp.Max, sp.Min)):
        values = [_exact(a, subs) for a in expr.args]
        if any(v is None for v in values):
            raise NotEvaluable("a max or min of a value that has none here")
        best = 0
        for n in range(1, len(values)):
            sign = 0 if _zero_at(expr.args[n] - expr.args[best], zeros) else certified_sign(values[n] - values[best])
            if sign is None:
                raise NotEvaluable("cannot tell which value is the largest")
            if sign * (1 if isinstance(expr, sp.Max) else -1) > 0:
                best = n
        return _region(expr.args[best], subs, zeros)
    if isinstance(expr, (sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling)):
        inner = _region(expr.args[0], subs, zeros)
        value = _exact(inner, subs)
        if value is None:
            raise NotEvaluable("a piece of a value that has none here")
        if isinstance(expr, (sp.floor, sp.ceiling)):
            return at_point(expr.func(value), {})
        sign = 0 if not _piecewise(inner) and _zero_at(inner, zeros) else certified_sign(value)
        if sign is None:
            raise NotEvaluable("cannot tell the sign of a piece's argument")
        if isinstance(expr, sp.Abs):
            return inner if sign >= 0 else -inner
        if isinstance(expr, sp.sign):
            return sp.Integer(sign)
        return sp.Integer(1) if sign > 0 else sp.Integer(0) if sign < 0 else _region(
            expr.args[1] if len(expr.args) > 1 else sp.Rational(1, 2), subs, zeros)
    return expr.func(*[_region(a, subs, zeros) for a in expr.args])


_AT_ZERO = {sp.Equality: True, sp.Unequality: False, sp.StrictGreaterThan: False, sp.StrictLessThan: False,
            sp.GreaterThan: True, sp.LessThan: True}  # a relation u R 0 where u = 0


def _zero_at(u, zeros):
    """Whether ``u`` is 0 at a point that is an exact root of each of ``zeros``: it has the zero set of one of them
    (:func:`_kink_key`)."""
    if not zeros or not getattr(u, "free_symbols", None):
        return False
    key = _kink_key(u)
    return any(key == _kink_key(z) for z in zeros)


def _too_large(expr, subs):
    """Whether putting ``subs`` into ``expr`` would compute an exact power with a huge exponent (u^{u^{u^u}} at 3), or
    an exponential of a huge argument (e^{e^{e^u}} at u = 10^3: e^{e^{1000}} has no digits sympy could reach)."""
    for node in sp.postorder_traversal(expr):
        if type(node) is sp.exp and _tower(node):
            argument = node.args[0].xreplace(subs)
            if argument.is_Rational:
                if abs(argument) > MAX_EXP_ARGUMENT:
                    return True
                continue
            if not argument.is_number:
                continue
            try:
                with mpmath.workdps(20):
                    size = abs(_mp_at(argument, {}))
            except (_NoValue, ValueError, TypeError, ZeroDivisionError, OverflowError):
                continue  # no value here: said so by the exact evaluation
            if not mpmath.isfinite(size) or size > MAX_EXP_ARGUMENT:
                return True
        if isinstance(node, sp.Pow) and not node.exp.is_Integer or isinstance(node, sp.Pow) and abs(node.exp) > 64:
            exponent = node.exp.xreplace(subs)
            base = node.base.xreplace(subs)
            if not (exponent.is_number and base.is_number):
                continue
            try:
                size = abs(sp.N(exponent, 15))
            except (TypeError, ValueError):
                return True
            if not size.is_number or size.has(sp.zoo, sp.oo, sp.nan) or (
                    size > MAX_EXACT_POWER and base.is_Rational and abs(base) not in (0, 1)):
                return True
    return False


_TOWERS = {}


def _tower(node):
    """Whether the argument of the exponential ``node`` can be huge at a point: it holds an exponential, a power with
    a symbol in its exponent, or a power of degree more than 2 (an argument linear or quadratic in the point's values
    stays far below MAX_EXP_ARGUMENT, and the softmax's many e^{s_j} are not looked at again at every point)."""
    if node not in _TOWERS:
        if len(_TOWERS) > 10 ** 4:
            _TOWERS.clear()
        _TOWERS[node] = any(type(a) is sp.exp or isinstance(a, sp.Pow) and (not a.exp.is_number or abs(a.exp) > 2)
                            for a in sp.preorder_traversal(node.args[0]))
    return _TOWERS[node]


def _exact(expr, subs):
    """The exact number ``expr`` is at ``subs`` (pieces decided for certain), or None where it has no real value.
    NotEvaluable where a sign cannot be told, or the number is too large to compute exactly."""
    value = _rational_at(expr, subs)  # a rational expression at a rational point: its value, computed in whole numbers
    if value is not None:
        return value
    expr = sp.sympify(expr)
    if _too_large(expr, subs):
        raise NotEvaluable("a power too large to evaluate exactly at this point")
    value = at_point(expr, subs)
    if value.has(sp.Piecewise):
        value = sp.piecewise_fold(value)
    if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan) or not value.is_number or value.has(sp.Piecewise):
        return None
    return value if _real(value) else None


def _quick_sign(u):
    """The sign of the number ``u`` from a strict evaluation at 40 digits, working precision capped (a log's argument
    1 - (1 - e^-11000) would take thousands of digits: None then, and the point is undecided), else None."""
    u = sp.sympify(u)
    if u.is_Rational:
        return 1 if u > 0 else -1 if u < 0 else 0
    try:
        value = u.evalf(40, maxn=400, strict=True)
    except (sp.core.evalf.PrecisionExhausted, TypeError, ValueError):
        return None
    if not value.is_number or value.has(sp.I) or not value.is_Float:
        return None
    return 1 if value > 0 else -1 if value < 0 else None


def _real(value):
    """Whether a number written with logs and roots is real: each log's argument positive, each root's base not
    negative, told by certified signs (sympy's own is_real decides log(1 - e^-11000) by a low-precision evalf, and
    has called it not real)."""
    for node in sp.preorder_traversal(value):
        if isinstance(node, sp.log) or (isinstance(node, sp.Pow) and not node.exp.is_Integer):
            sign = _quick_sign(node.args[0])
            if sign is None:
                raise NotEvaluable("cannot tell the sign of a log's or a root's argument for certain")
            if sign < 0 or (sign == 0 and isinstance(node, sp.log)):
                return False
        elif isinstance(node, sp.Number) and not node.is_real:
            return False
    return not value.has(sp.I)


# -- a first look in whole numbers: exact, and never a verdict of its own ----------------------------------------------

class _Slow(Exception):
    """The whole-number look cannot say (a node it does not compute, a point not all rational, no branch taken)."""


_RELATIONS = {sp.StrictGreaterThan: ">", sp.GreaterThan: ">=", sp.StrictLessThan: "<", sp.LessThan: "<=",
              sp.Equality: "==", sp.Unequality: "!="}
FLOOR_JUMPS = (-2, -1, 0, 1, 2)  # the whole numbers whose crossing by a floor's or ceiling's argument is a kink
MAX_SCALED_DEGREE = 256  # the degree past which the whole-number look leaves an expression to the exact route
_COMPILED = {}  # an expression -> (its function, its degree, its constants' denominators' lcm, its symbols) or None


def _nan():
    raise _Slow


def _sign(x):
    return 1 if x > 0 else -1 if x < 0 else 0


def _scaled(expr):
    """``expr`` as a Python function ``f(S, L)`` of the point's values scaled to whole numbers (``S[s]`` is the value
    of ``s`` times ``L``, ``L`` a common denominator of the point's values and of the constants): ``f`` returns the
    whole number that is ``expr``'s exact value times ``L^degree``, each piece taking the branch its condition gives
    (a comparison of whole numbers: exact, as :func:`_region`'s certified signs of rationals are). Returns
    (f, degree, lcm of the constants' denominators, the symbols it reads), or None where ``expr`` has a node other
    than +, *, a positive integer power up to MAX_POWER, a piece (indicator, max, min, |.|, sign, Heaviside) and rational numbers. Kept per
    expression (:data:`_COMPILED`): a pure function of the tree."""
    try:
        return _COMPILED[expr]
    except KeyError:
        pass
    except TypeError:  # not hashable
        return None
    names, constants = {}, {}

    def at(src, degree, to):  # src (a value times L^degree) as the value times L^to
        return src if to == degree else f"({src} * L ** {to - degree})"

    def aligned(parts):
        top = max(d for _, d in parts)
        return [at(s, d, top) for s, d in parts], top

    def code(e):
        if e.is_Integer:
            return f"({int(e)})", 0
        if e.is_Rational:
            constants.setdefault(e, f"c{len(constants)}")
            return constants[e], 1
        if e.is_Symbol:
            names.setdefault(e, f"x{len(names)}")
            return names[e], 1
        if isinstance(e, (sp.Add, sp.Max, sp.Min)):
            parts, top = aligned([code(a) for a in e.args])
            if isinstance(e, sp.Add):
                return "(" + " + ".join(parts) + ")", top
            return f"{'max' if isinstance(e, sp.Max) else 'min'}({', '.join(parts)})", top
        if isinstance(e, sp.Mul):
            parts = [code(a) for a in e.args]
            return "(" + " * ".join(s for s, _ in parts) + ")", sum(d for _, d in parts)
        if isinstance(e, sp.Pow) and e.exp.is_Integer and 0 < e.exp <= MAX_POWER:
            base, degree = code(e.base)
            if degree * int(e.exp) > MAX_SCALED_DEGREE:  # ((u^2 + 1)^64 + 1)^64: whole numbers of millions of digits
                raise _Slow
            return f"({base} ** {int(e.exp)})", degree * int(e.exp)
        if isinstance(e, sp.Piecewise):
            values, top = aligned([code(value) for value, _ in e.args])
            out = "_nan()"
            for value, (_, cond) in reversed(list(zip(values, e.args))):
                out = f"({value} if {test(cond)} else {out})"
            return out, top
        if isinstance(e, sp.Abs):
            inner, degree = code(e.args[0])
            return f"abs({inner})", degree
        if isinstance(e, sp.sign):
            return f"_sign({code(e.args[0])[0]})", 0
        if isinstance(e, sp.Heaviside):
            at_zero, degree = code(e.args[1] if len(e.args) > 1 else sp.Rational(1, 2))
            inner = code(e.args[0])[0]
            return f"({at(1, 0, degree)} if {inner} > 0 else 0 if {inner} < 0 else {at_zero})", degree
        raise _Slow

    def test(cond):
        if cond is sp.true or cond is sp.false:
            return str(bool(cond))
        if type(cond) in _RELATIONS:
            (lhs, rhs), _ = aligned([code(cond.lhs), code(cond.rhs)])
            return f"({lhs} {_RELATIONS[type(cond)]} {rhs})"
        if isinstance(cond, (sp.And, sp.Or)):
            return "(" + (" and " if isinstance(cond, sp.And) else " or ").join(test(c) for c in cond.args) + ")"
        if isinstance(cond, sp.Not):
            return f"(not {test(cond.args[0])})"
        raise _Slow

    try:
        body, degree = code(sp.sympify(expr))
        source = "def f(S, L):\n" + "".join(f"    {n} = S[k{n[1:]}]\n" for n in names.values()) + \
            "".join(f"    {n} = {int(q.p)} * (L // {int(q.q)})\n" for q, n in constants.items()) + \
            f"    return {body}\n"
        namespace = {"_nan": _nan, "_sign": _sign}
        namespace.update({f"k{n[1:]}": s for s, n in names.items()})
        exec(compile(source, "<scaled>", "exec"), namespace)  # noqa: S102 - source written above from the tree
        compiled = (namespace["f"], degree, math.lcm(1, *(int(q.q) for q in constants)), tuple(names))
    except (_Slow, RecursionError, SyntaxError, MemoryError, TypeError, ValueError, AttributeError):
        compiled = None
    if len(_COMPILED) >= REMEMBERED:
        _COMPILED.clear()
    _COMPILED[expr] = compiled
    return compiled


def _scaled_point(point, common):
    """(the point's values times L, L): L the lcm of ``common`` and the values' denominators; None where a value is not
    rational (a root of a condition not linear in one symbol). Kept on the point, per ``common``."""
    kept = point.__dict__.setdefault("_scaled", {})
    if common not in kept:
        if not all(isinstance(v, sp.Rational) for v in point.subs.values()):
            kept[common] = None
        else:
            scale = math.lcm(common, *(int(v.q) for v in point.subs.values()))
            kept[common] = ({s: int(v.p) * (scale // int(v.q)) for s, v in point.subs.items()}, scale)
    return kept[common]


def _rational_at(expr, subs):
    """The exact value of ``expr`` at ``subs``, the rational sympy gives (:func:`_scaled`: whole numbers, the point's
    values of its own symbols only), or None where that look cannot say."""
    compiled = _scaled(expr)
    if compiled is None:
        return None
    f, degree, common, symbols = compiled
    values = [subs.get(s) for s in symbols]
    if not all(isinstance(v, sp.Rational) for v in values):
        return None
    scale = math.lcm(common, *(int(v.q) for v in values))
    try:
        value = f({s: int(v.p) * (scale // int(v.q)) for s, v in zip(symbols, values)}, scale)
    except (_Slow, KeyError, ZeroDivisionError, TypeError, OverflowError, RecursionError):
        return None
    return sp.Rational(value, scale ** degree)


def _same_rational(a, b, point):
    """Whether the entries ``a`` and ``b`` have the same exact value at ``point``, computed in whole numbers (:func:`_scaled`);
    False where they differ or this look cannot say (then the exact route decides, as it always did): a True is what
    that route says too (the same branches, decided by exact signs; the same rational values)."""
    fa, fb = _scaled(a), _scaled(b)
    if fa is None or fb is None:
        return False
    scaled = _scaled_point(point, math.lcm(fa[2], fb[2]))
    if scaled is None:
        return False
    values, scale = scaled
    try:
        va, vb = fa[0](values, scale), fb[0](values, scale)
    except (_Slow, KeyError, ZeroDivisionError, TypeError, OverflowError, RecursionError):
        return False
    top = max(fa[1], fb[1])
    return va * scale ** (top - fa[1]) == vb * scale ** (top - fb[1])



def _compare_at(a, b, point, cache):
    """How the entries ``a`` (the reader's) and ``b`` (the page's) compare at ``point``: ("equal", how),
    ("differ", value a, value b), ("undefined",) where neither has a value, or ("undecided", why)."""
    if _same_rational(a, b, point):
        return ("equal", "exact")
    try:
        zeros = () if point.zero is None else (point.zero,)
        ra, rb = _region(a, point.subs, zeros), _region(b, point.subs, zeros)
        key = (ra, rb)
        if key not in cache:
            cache[key] = not _piecewise(ra) and not _piecewise(rb) and is_zero(ra - rb)
        va = _exact(ra, point.subs)
        vb = va if rb == ra else _exact(rb, point.subs)  # one region, one value (the same sympy computation)
        if va is None and vb is None:
            return ("undefined",)
        if (va is None) != (vb is None):
            return ("differ", va, vb)
        if cache[key]:
            return ("equal", "region")
        if _apart(va, vb) is None:
            return ("undecided", "a value I cannot evaluate to 30 digits")
        sign = certified_sign(va - vb)
    except NotEvaluable as exc:
        return ("undecided", str(exc))
    except (TypeError, ValueError, ZeroDivisionError, AttributeError, RecursionError, OverflowError) as exc:
        return ("undecided", f"{type(exc).__name__}")
    if sign is None:
        return ("undecided", "the difference is too small to tell from 0 for certain")
    return ("equal", "exact") if sign == 0 else ("differ", va, vb)


MP_DIGITS = 50  # the fixed working precision of a first look at a number (_mp_value)
_MP_FUNCTIONS = {sp.exp: mpmath.exp, sp.log: mpmath.log, sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan,
                 sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh, sp.tanh: mpmath.tanh, sp.Abs: abs}


def _mp_value(v):
    """The number ``v`` in mpmath at a fixed working precision (MP_DIGITS), or None where it has a node this does not
    know. Never sympy's evalf: an exact 0 in disguise with terms near e^{10^6} (a softmax at scores near 10^6) makes
    evalf raise its precision by the size of the cancellation at once, to a million bits (minutes in e_fixed, far past
    any budget); a first look needs no certainty (certified_sign decides)."""
    with mpmath.workdps(MP_DIGITS):
        def ev(e):
            if e.is_Integer:
                return mpmath.mpf(int(e))
            if e.is_Rational:
                return mpmath.mpf(int(e.p)) / int(e.q)
            if e.is_Float:
                return mpmath.mpf(str(e))
            if e is sp.E:
                return mpmath.e
            if e is sp.pi:
                return mpmath.pi
            if isinstance(e, sp.Add):
                return mpmath.fsum(ev(a) for a in e.args)
            if isinstance(e, sp.Mul):
                return mpmath.fprod(ev(a) for a in e.args)
            if isinstance(e, sp.Pow):
                base, power = ev(e.base), ev(e.exp)
                if base < 0 and not e.exp.is_Integer:
                    raise ValueError("a root of a negative number")
                return mpmath.power(base, power)
            if type(e) in _MP_FUNCTIONS:
                return _MP_FUNCTIONS[type(e)](ev(e.args[0]))
            raise ValueError(f"no first look at {type(e).__name__}")
        try:
            value = ev(sp.sympify(v))
        except (ValueError, TypeError, ZeroDivisionError, OverflowError, AttributeError):
            return None
        if isinstance(value, mpmath.mpc) or not mpmath.isfinite(value):
            return None
        return +value


def _apart(va, vb):
    """Whether two exact numbers differ at 20 digits, each evaluated apart at a fixed precision (_mp_value: a first
    look, never sympy's evalf, whose precision for an exact 0 at values near 10^6 grows without end), or None."""
    x, y = _mp_value(va), _mp_value(vb)
    if x is None or y is None:
        return None
    with mpmath.workdps(MP_DIGITS):
        return bool(abs(x - y) > mpmath.mpf(10) ** -20 * max(1, abs(x), abs(y)))


def _numeric_differs(a, b, point, cheap=False):
    """Whether the two values, each computed apart at ``point``, differ (the second route at a point of a case the
    kernel proved: a proof and a point that disagree are never equal): at 30 digits, confirmed by certified signs
    unless ``cheap``."""
    if _same_rational(a, b, point):
        return False
    try:
        va = _exact(a, point.subs)
        vb = va if b == a else _exact(b, point.subs)  # one expression, one value (the same sympy computation)
    except NotEvaluable:
        return False
    if va is None or vb is None:
        return (va is None) != (vb is None)
    if not _apart(va, vb):
        return False
    return cheap or certified_sign(va - vb) not in (0, None)


# -- where a side has a value: its domain as written -----------------------------------------------------------------

NONZERO, POSITIVE, NONNEGATIVE = 0, 1, 2  # what a condition of a side's domain asks of its expression


def _domain(ev):
    """The conditions a side's value needs as written, recorded by the evaluator ``ev`` before sympy combined
    anything: [(expression, NONZERO)] for each denominator, (argument, POSITIVE) for each log, (base, NONNEGATIVE)
    for each root. sympy writes u/u as 1, 0/u as 0 and e^{log z} as z on construction: the value alone has no trace
    of the point where the line has none. Conditions shown to hold for every value (a sum of exponentials) are left
    out, and so are those inside a derivative's own variables (not the case's symbols)."""
    out = []
    for expr, kind in [(d, NONZERO) for d in ev.denominators] + \
            [(a, POSITIVE if strict else NONNEGATIVE) for a, strict in getattr(ev, "arguments", ())]:
        expr = sp.sympify(expr)
        if not expr.free_symbols or expr.atoms(sp.Dummy) or any(k == kind and _same_condition(e, expr)
                                                                for e, k in out):
            continue
        if not _holds(expr, kind):
            out.append((expr, kind))
    return out


def _same_condition(e, f):
    return sp.expand(e - f) == 0 or sp.expand(e + f) == 0


def _holds(expr, kind):
    """Whether sympy's assumptions show the condition true for every real value of the symbols (as it is, or as one
    fraction: 1 - 1/(1 + e^-z) is e^-z/(1 + e^-z))."""
    if len(expr.free_symbols) == 1 and expr.is_polynomial():  # u^2 + 2u + 2: no real root, the sign of its value at 0
        poly = sp.Poly(expr, *expr.free_symbols)
        if all(c.is_Rational for c in poly.coeffs()) and poly.count_roots() == 0:
            return kind == NONZERO or poly.eval(0) > 0
    if kind == NONZERO:
        return _nonzero(expr)
    sure = lambda e: bool(e.is_positive) or (kind == NONNEGATIVE and bool(e.is_nonnegative))  # noqa: E731
    if sure(expr):
        return True
    numerator, denominator = sp.together(expr).as_numer_denom()
    return (sure(numerator) or sure(sp.factor(numerator))) and bool(denominator.is_positive)


def _defined(conditions, point):
    """Whether every condition holds at ``point`` (True), one fails (False: the side has no value there), or None
    when a sign cannot be told quickly for certain. A condition 0 at 40 digits is 0 only where the point was built
    as an exact root of it (a kink point of that very condition): never a slow proof of a zero in the budget."""
    undecided = False
    for expr, kind in conditions:
        try:
            value = _exact(_region(expr, point.subs), point.subs)
        except NotEvaluable:
            undecided = True
            continue
        if value is None:
            return False
        sign = _quick_sign(value)
        if sign is None:
            if point.kink is not None and not point.beside and point.kink == expr:
                sign = 0
            else:
                undecided = True
                continue
        if (kind == NONZERO and sign == 0) or (kind == POSITIVE and sign <= 0) or (kind == NONNEGATIVE and sign < 0):
            return False
    return None if undecided else True


def _domain_at(domains, pairs, point):
    """How the two sides' domains compare at ``point``: None when both have a value there (compare the values),
    "undefined" when neither has, "undecided", or ("differ", value a, value b) with None for the side that has none
    (its value as written: the other's is computed)."""
    mine, theirs = _defined(domains[0], point), _defined(domains[1], point)
    if mine and theirs:
        return None
    if mine is None or theirs is None:
        return "undecided"
    if not mine and not theirs:
        return "undefined"
    a, b = pairs[0]
    try:
        value = _exact(_region(b if theirs else a, point.subs), point.subs)
    except NotEvaluable:
        return "undecided"
    if value is None:  # the side that has a value by its conditions has none by its own (a piece): neither has
        return "undefined"
    return ("differ", None, value) if theirs else ("differ", value, None)


# -- where to look: scales, kinks and beside them --------------------------------------------------------------------

def _zero_power(node):
    """Whether ``node`` is 0 to a power with symbols: an indicator of its exponent being 0, in disguise."""
    return isinstance(node, sp.Pow) and node.base.is_zero is True and bool(node.exp.free_symbols)


def _piecewise(expr):
    expr = sp.sympify(expr)
    return expr.has(*PIECEWISE) or any(_zero_power(n) for n in sp.preorder_traversal(expr))


def _conditions(*values, jumps=None):
    """The u of every condition u = 0 where a piece of ``values`` changes (indicators, max, min, |.|, sign), each zero
    set once (u, -u, 3u and u^3 are one condition: :func:`_kink_key`). ``jumps``, a set, receives the keys of those
    where a value jumps (a relation's indicator, sign, Heaviside): their points on the kink must be visited exactly."""
    out = []

    def relation(cond, jump=True):
        if isinstance(cond, Relational):
            out.append((cond.lhs - cond.rhs, jump))
        elif isinstance(cond, (sp.And, sp.Or, sp.Not)):
            for c in cond.args:
                relation(c)

    for v in values:
        for entry in _entries(v):
            for node in sp.preorder_traversal(sp.sympify(entry)):
                if isinstance(node, sp.Piecewise):
                    for _, cond in node.args:
                        relation(cond)
                elif isinstance(node, (sp.Max, sp.Min)):
                    out += [(p - q, False) for n, p in enumerate(node.args) for q in node.args[n + 1:]]
                elif isinstance(node, (sp.Abs, sp.Heaviside, sp.sign)):
                    out.append((node.args[0], not isinstance(node, sp.Abs)))
                elif isinstance(node, (sp.floor, sp.ceiling)):  # a jump at every whole number: those near 0
                    out += [(node.args[0] - k, False) for k in FLOOR_JUMPS]  # (the drawn points' odd denominators
                    # land between the others: 210z - floor(210z) is not 0 there)
                elif _zero_power(node):  # 0^u: 1 where u = 0, else 0 (or no value): a jump at u = 0
                    out.append((node.exp, True))
    unique, keys = [], {}
    for u, jump in out:
        if not u.free_symbols:
            continue
        key = _kink_key(u)
        if key not in keys:
            keys[key] = u
            unique.append(u)
        if jump and jumps is not None:
            jumps.add(key)
    return unique


def _linear_root(g, t):
    """[the root -b/a] of g = a t + b with a, b rational and a not 0, read off sympy's sum (what real_roots finds, without
    building a polynomial), or None where ``g`` is not of that form."""
    a, b = [], []
    for term in sp.Add.make_args(g):
        if term == t:
            a.append(sp.Integer(1))
        elif term.is_Rational:
            b.append(term)
        elif isinstance(term, sp.Mul) and len(term.args) == 2 and term.args[0].is_Rational and term.args[1] == t:
            a.append(term.args[0])
        else:
            return None
    a = sp.Add(*a)
    return [-sp.Add(*b) / a] if a != 0 else None


_KEYS = {}


def _kink_key(u):
    """One form of the zero set of ``u``: a polynomial with rational coefficients made square-free (one symbol) or
    monic (linear), else u expanded with its sign fixed; u, -u, 3u, u^3 and (2u - 2)^2 / (u - 1) have one key each
    with their own kind."""
    if u in _KEYS:
        return _KEYS[u]
    key = sp.expand(u)
    try:
        symbols = sorted(u.free_symbols, key=lambda s: s.name)
        poly = sp.Poly(u, *symbols)
        if poly.domain.is_QQ or poly.domain.is_ZZ:
            if poly.total_degree() == 1:
                key = poly.monic().as_expr()
            elif len(symbols) == 1 and poly.degree() <= 12:
                key = poly.sqf_part().monic().as_expr()
    except (sp.PolynomialError, sp.polys.polyerrors.GeneratorsNeeded, ValueError, TypeError, NotImplementedError):
        pass
    if key.could_extract_minus_sign():
        key = -key
    if len(_KEYS) > 10 ** 4:
        _KEYS.clear()
    _KEYS[u] = key
    return key


def _abs_pieces(g, t, most=3):
    """The polynomials (rational coefficients, in ``t``) that ``g`` is on each side of the zeros of its absolute
    values' arguments and its maxima's and minima's differences, with those themselves; None where ``g`` has none
    (a polynomial goes the usual way), more than ``most``, or a piece that is no such polynomial."""
    g = sp.sympify(g)
    inner = sorted(g.atoms(sp.Abs, sp.Max, sp.Min), key=sp.default_sort_key)
    if not inner or len(inner) > most or any(len(a.args) > 2 or any(x.has(sp.Abs, sp.Max, sp.Min) for x in a.args)
                                             for a in inner):
        return None
    choices = [(a.args[0], -a.args[0]) if isinstance(a, sp.Abs) else a.args for a in inner]
    out = [a.args[0] if isinstance(a, sp.Abs) else a.args[0] - a.args[1] for a in inner]  # where each piece turns
    for picked in itertools.product(*choices):
        out.append(sp.expand(g.xreplace(dict(zip(inner, picked)))))
    polys = []
    for h in out:
        if h == 0:
            continue
        try:
            poly = sp.Poly(h, t)
        except (sp.PolynomialError, sp.polys.polyerrors.GeneratorsNeeded):
            return None
        if not all(c.is_Rational for c in poly.coeffs()) or poly.degree() > 12:
            return None
        if poly.degree() > 0:
            polys.append(h)
    return polys


def _located(g, t, deadline=None):
    """(exact roots, rational points within 10^-40 of each root that could not be written exactly, whether every
    root was looked for, the exact roots at which ``g`` is 0 for certain) of ``g`` in ``t``: a polynomial's roots
    are exact and all found; any other function's are sympy's solve's and those a numeric search finds (sign changes
    on a grid of every scale the points reach, and dips between its points, each refined by bisection)."""
    linear = _linear_root(g, t)  # a t + b, a and b rational: its root read off the sum
    if linear is not None:
        return linear, [], True, set(linear)
    pieces = _abs_pieces(g, t)
    if pieces is not None:  # |u| + u, (|u| - 5.01)(|u| - 5.02): each sign's polynomial, its roots exact and all found
        roots = list(dict.fromkeys(r for h in pieces for r in sp.real_roots(sp.Poly(h, t))))
        return roots, [], True, {r for r in roots if sp.sympify(g).xreplace({t: r}) == 0}
    try:
        poly = sp.Poly(g, t)
        if poly.degree() <= 0:
            return [], [], True, set()
        if all(c.is_number for c in poly.coeffs()):
            if poly.degree() <= 4 or all(c.is_Rational for c in poly.coeffs()):  # by radicals, else CRootOf
                roots = list(dict.fromkeys(sp.real_roots(poly)))
                return roots, [], True, set(roots)
    except (sp.PolynomialError, sp.polys.polyerrors.GeneratorsNeeded, ValueError, TypeError, NotImplementedError):
        pass
    exact, trusted = [], set()
    if sp.count_ops(g) <= 24:
        try:
            found = sp.solve(g, t)
        except (NotImplementedError, TypeError, ValueError, ZeroDivisionError):
            found = []
        exact = [r for r in found if r.is_number and r.is_real]
        trusted = {r for r in exact if sp.sympify(g).xreplace({t: r}) == 0}
    near, complete = _numeric_roots(g, t, exact, deadline)
    approximate = []
    for r in near:  # a numeric root that is a simple rational (2.75 = 11/4): exact where g is 0 there as sympy writes it
        q = r.limit_denominator(10 ** 6)
        if abs(q - r) < sp.Rational(1, 10 ** 30) * max(1, abs(r)) and sp.sympify(g).xreplace({t: q}) == 0:
            if q not in exact:
                exact.append(q)
            trusted.add(q)
        else:
            approximate.append(r)
    return exact, approximate, complete, trusted


NUMERIC_DIGITS = 60
MAX_ARGUMENT = 10 ** 9  # an exponential's argument past this is infinite (or 0) to the numeric root search


def _grid():
    """The numeric search's grid: 0, steps of 1/8 up to 10, and 16 steps per decade from 10 to past 10^7."""
    steps = [mpmath.mpf(k) / 8 for k in range(1, 81)]
    steps += [mpmath.power(10, 1 + mpmath.mpf(k) / 16) for k in range(1, 6 * 16 + 4)]
    return [-x for x in reversed(steps)] + [mpmath.mpf(0)] + steps


class _NoValue(Exception):
    pass


def _mp_at(e, env):
    """The value of ``e`` in mpmath with the symbols of ``env`` (mpf) put in, exponentials of arguments past
    MAX_ARGUMENT taken as infinite or 0; _NoValue where it has none (a log of a negative number) or a node this does
    not know."""
    if e.is_Symbol:
        if e not in env:
            raise _NoValue
        return env[e]
    if e.is_Integer:
        return mpmath.mpf(int(e))
    if e.is_Rational:
        return mpmath.mpf(int(e.p)) / int(e.q)
    if e.is_Float:
        return mpmath.mpf(e)
    if e is sp.E:
        return mpmath.e
    if e is sp.pi:
        return mpmath.pi
    if isinstance(e, sp.Add):
        return mpmath.fsum(_mp_at(a, env) for a in e.args)
    if isinstance(e, sp.Mul):
        return mpmath.fprod(_mp_at(a, env) for a in e.args)
    if isinstance(e, sp.exp) or isinstance(e, sp.Pow) and e.base is sp.E:
        a = _mp_at(e.args[0] if isinstance(e, sp.exp) else e.exp, env)
        return _mp_exp(a)
    if isinstance(e, sp.Pow):
        base = _mp_at(e.base, env)
        if e.exp.is_Integer and abs(e.exp) <= MAX_POWER:
            if base == 0 and e.exp < 0:
                raise _NoValue
            return mpmath.power(base, int(e.exp))
        power = _mp_at(e.exp, env)
        if base < 0 or base == 0 and power <= 0:
            raise _NoValue
        if base == 0:
            return mpmath.mpf(0)
        return _mp_exp(power * mpmath.log(base))
    if isinstance(e, sp.log):
        a = _mp_at(e.args[0], env)
        if a <= 0:
            raise _NoValue
        return mpmath.log(a)
    if type(e) in _MP_FUNCTIONS and len(e.args) == 1 and type(e) is not sp.exp:
        return _MP_FUNCTIONS[type(e)](_mp_at(e.args[0], env))
    if isinstance(e, (sp.Max, sp.Min)):
        return (max if isinstance(e, sp.Max) else min)(_mp_at(a, env) for a in e.args)
    if isinstance(e, sp.sign):
        return mpmath.mpf(mpmath.sign(_mp_at(e.args[0], env)))
    raise _NoValue


def _mp_exp(a):
    """e^a in mpmath, a past MAX_ARGUMENT in size taken as 2^(+-2 MAX_ARGUMENT): its sign and order, never its
    digits (e^(e^(10^6)) has no value mpmath could compute)."""
    if abs(a) > MAX_ARGUMENT:
        return mpmath.ldexp(mpmath.mpf(1), int(mpmath.sign(a)) * 2 * MAX_ARGUMENT)
    return mpmath.exp(a)


def _sign_at(f, t, x):
    """The sign of ``f`` at ``t = x`` (mpf) in mpmath, or None where it has no value there."""
    try:
        with mpmath.workdps(NUMERIC_DIGITS):
            v = _mp_at(f, {t: x})
    except (_NoValue, ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None
    if isinstance(v, mpmath.mpc) or mpmath.isnan(v):
        return None
    return 1 if v > 0 else -1 if v < 0 else 0


def _numeric_roots(g, t, exact, deadline):
    """Rational points within 10^-40 (relative) of the real roots of ``g`` in ``t`` that ``exact`` does not hold, and
    whether the search could look everywhere (``g`` evaluated at every point of the grid). A root is bracketed by a
    sign change of ``g`` between two grid points, or of its derivative (a dip: (h)^2 < 10^-8 holds on a window far
    narrower than the grid), then bisected."""
    g = sp.sympify(g)
    try:
        dg = sp.diff(g, t)
    except (TypeError, ValueError, NotImplementedError):
        dg = None
    grid = _grid()
    signs = [_sign_at(g, t, x) for x in grid]
    # a grid sees a sign change between its points only: two roots in one step, or one past its end, are missed. The
    # search is complete only where g is monotone in t (its derivative of one sign, by sympy's assumptions): one root
    complete = None not in signs and dg is not None and (dg.is_positive is True or dg.is_negative is True)
    brackets, touching, dsigns = [], [], {}

    def bisect(f, lo, slo, hi):
        with mpmath.workdps(NUMERIC_DIGITS):
            for _ in range(400):
                if time.monotonic() > (deadline or float("inf")):
                    raise TimeoutError
                if hi - lo <= mpmath.mpf(10) ** -45 * max(1, abs(lo)):
                    break
                mid = (lo + hi) / 2
                sm = _sign_at(f, t, mid)
                if sm is None:
                    return None
                if sm == 0:
                    return mid, mid
                if sm == slo:
                    lo = mid
                else:
                    hi = mid
            return lo, hi

    for n in range(len(grid) - 1):
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError
        a, b, sa, sb = grid[n], grid[n + 1], signs[n], signs[n + 1]
        if sa == 0 and sb != 0 and (n == 0 or signs[n - 1] != 0):  # an isolated 0 (g 0 on a whole interval, as
            touching.append(a)  # max(0, u) is, changes at its ends: the kinks of the max's own arguments)
        if sa is None or sb is None or sa == 0 or sb == 0:
            continue
        if sa != sb:
            brackets.append((a, sa, b))
            continue
        if dg is None:
            continue
        for k in (n, n + 1):
            if k not in dsigns:
                dsigns[k] = _sign_at(dg, t, grid[k])
        da, db = dsigns[n], dsigns[n + 1]
        if da is None or db is None or da == db or 0 in (da, db):
            continue
        found = bisect(dg, a, da, b)  # a critical point between a and b: a dip of g, where it may cross 0 twice
        if found is None:
            continue
        c = found[0]
        sc = _sign_at(g, t, c)
        if sc is None:
            continue
        if sc == 0 or abs(_mp_value_at(g, t, c)) < mpmath.mpf(10) ** -40:
            touching.append(c)
        elif sc != sa:
            brackets += [(a, sa, c), (c, sc, b)]
    roots = list(touching)
    for lo, slo, hi in brackets:
        found = bisect(g, lo, slo, hi)
        if found is not None:
            with mpmath.workdps(NUMERIC_DIGITS):
                roots.append((found[0] + found[1]) / 2)
    out = []
    known = []
    for r in exact:
        try:
            known.append(mpmath.mpf(str(sp.N(r, 50))))
        except (TypeError, ValueError):
            continue
    for r in roots:
        if any(abs(r - k) <= mpmath.mpf(10) ** -30 * max(1, abs(k)) for k in known):
            continue
        known.append(r)
        negative, man, exp, _ = r._mpf_  # the binary number r, exactly (mpf(r) would round it to 53 bits)
        out.append((-1) ** negative * sp.Rational(int(man)) * sp.Rational(2) ** int(exp))
    return out, complete


def _mp_value_at(f, t, x):
    with mpmath.workdps(NUMERIC_DIGITS):
        return _mp_at(f, {t: x})


def _base(symbols, rng, scale):
    if scale == 1:
        return {s: sp.Integer(rng.randint(-3, 3)) if rng.random() < 0.5 else
                sp.Rational(rng.randint(-12, 12), rng.choice((2, 3, 5, 7))) if rng.random() < 0.6 else
                _odd(rng, 3) for s in symbols}
    # (at 10^3 and 10^6 sevenths only: sympy's solve of e^t = e^v at v = 3000000 + 4567/7919 takes minutes)
    return {s: sp.Integer(rng.choice((-1, 1)) * rng.randint(1, 9) * scale) + sp.Rational(rng.randint(-9, 9), 7)
            for s in symbols}


def _odd(rng, size):
    """A value within ``size`` whose denominator is a prime from 1009 to 99991 (drawn): no line can be 0 at every
    such point by a factor written in advance ((-1)^{420u} - 1, 210z - floor(210z) are 0 at k/2, k/3, k/5, k/7)."""
    q = rng.choice(_PRIMES)
    return sp.Rational(rng.randint(-size * q, size * q), q)


def _primes(lo, hi):
    sieve = bytearray([1]) * hi
    for d in range(2, int(hi ** 0.5) + 1):
        if sieve[d]:
            sieve[d * d::d] = bytearray(len(range(d * d, hi, d)))
    return [q for q in range(lo, hi) if sieve[q]]


_PRIMES = _primes(1009, 100000)


def _points(symbols, kinks, rng, count, deadline, jumps=None, unvisited=None, where="", full=None):
    """Points as substitutions: small integers and fractions (a counterexample a reader checks by hand), values near
    10^3 and 10^6, and for each kink u = 0 points exactly on it and beside it (one symbol solved for, the others
    drawn: conditions not linear in any symbol too; a root no formula gives is found numerically, and exactly where
    it is a simple rational). Every kink is visited, the first ``full`` (FULL_KINKS) at two drawn points, up to
    MAX_KINKS; a
    kink past them, or a jump (``jumps``: keys of :func:`_kink_key`) whose point on the kink could only be
    approximated or looked for in part, is said in ``unvisited``."""
    symbols = sorted(symbols, key=lambda s: s.name)
    out = []
    for n in range(count):
        scale = SCALES[0] if n < count // 2 else SCALES[1 + n % 2]
        out.append(Point(_base(symbols, rng, scale), scale))
    if len(symbols) > 1:  # a point mixing magnitudes (one value large, another small)
        out.append(Point({s: _base([s], rng, rng.choice(SCALES))[s] for s in symbols}, SCALES[-1]))
    missed = set()  # kinks already said not visited (once, not once per drawn point)
    if len(kinks) > MAX_KINKS and unvisited is not None:
        unvisited.append(f"{len(kinks) - MAX_KINKS} of the {len(kinks)} conditions{where} were not visited")
    for m, u in enumerate(kinks[:MAX_KINKS]):
        free = [s for s in symbols if s in u.free_symbols]
        first = m < (FULL_KINKS if full is None else full)  # else: one drawn point, and one step beside (10^-12)
        for n in range(2 if first else 1):
            if time.monotonic() > deadline:
                raise TimeoutError
            if not free:
                break
            base = _base(symbols, rng, SCALES[0] if n == 0 else SCALES[1])
            target = free[n % len(free)]
            g = u.xreplace({s: v for s, v in base.items() if s != target})
            exact, near, complete, trusted = _located(g, target, deadline)
            jump = jumps is not None and _kink_key(u) in jumps
            if jump and unvisited is not None and (near or not complete) and not (n and unvisited and u in missed):
                missed.add(u)
                unvisited.append(f"${_kink_tex(u)}$ at {_symbol_tex(target)} \\approx {float(near[0]):.12g}"
                                 if near else f"${_kink_tex(u)}$, where it has no value to look at")
            if len(exact) + len(near) > MAX_ROOTS and unvisited is not None and u not in missed:
                missed.add(u)  # every root of a condition is visited (the window may lie past the third), or it is said
                unvisited.append(f"${_kink_tex(u)}$: {len(exact) + len(near) - MAX_ROOTS} of its "
                                 f"{len(exact) + len(near)} roots")
            for root in exact[:MAX_ROOTS]:
                out.append(Point({**base, target: root}, 1, kink=u, zero=u if root in trusted else None))
                out += _beside(base, target, root if root.is_Rational else sp.Rational(str(sp.N(root, 40))), u,
                               BESIDE if first else BESIDE[1:])
            for r in near[:max(0, MAX_ROOTS - len(exact))]:  # a root known to 10^-40 only: the rational, steps beside
                out.append(Point({**base, target: r}, 1, kink=u, beside=True))
                out += _beside(base, target, r, u, BESIDE if first else BESIDE[1:])
    out += _crossed(symbols, kinks[:MAX_KINKS], out, deadline)
    out += _between(symbols, kinks[:MAX_KINKS], rng, deadline)
    return out


CROSS_BASES = 16  # points beside one kink from which each other kink (linear in a symbol) is reached exactly


def _crossed(symbols, kinks, points, deadline):
    """Points exactly on each kink u = 0 reached from a point beside another kink (a symbol of u that the other does
    not have solved for): a line that differs only where two conditions hold together, 1(s_1 = s_2) 1(s_2 > 10^7),
    is met there, though neither kink's own points (the others' values drawn) meet the other condition."""
    by_kink = {}
    for p in points:  # a point beside each kink in turn (the first kinks' do not crowd out the others')
        if p.beside and p.kink is not None:
            by_kink.setdefault(id(p.kink), []).append(p)
    bases = [p for row in itertools.zip_longest(*by_kink.values()) for p in row if p is not None][:CROSS_BASES]
    out = []
    for u in kinks:
        for p in bases:
            if time.monotonic() > deadline:
                raise TimeoutError
            if p.kink is u:
                continue
            free = sorted(u.free_symbols, key=lambda s: (s in p.kink.free_symbols, s.name))
            for target in free:
                root = _linear_root(sp.expand(u.xreplace({s: v for s, v in p.subs.items() if s != target})), target)
                if root is not None:
                    out.append(Point({**p.subs, target: root[0]}, p.scale, kink=u, zero=u))
                    break
    return out


def _beside(base, target, near, u, steps=BESIDE):
    size = max(sp.Integer(1), abs(near))
    return [Point({**base, target: near + sign * step * size}, 1, kink=u, beside=True)
            for step in steps for sign in (1, -1)]


def _between(symbols, kinks, rng, deadline):
    """Points between the kinks of two conditions, on a line through one point along one symbol: the midpoint of each
    two neighbouring roots. A line that differs only on a window between two thresholds (1(u > 5) 1(u < 5 + 10^-15))
    agrees on each kink and a step beside it, but not there."""
    out = []
    for target, scale in [(t, scale) for t in symbols if sum(t in u.free_symbols for u in kinks) > 1
                          for scale in SCALES]:
        base = _base(symbols, rng, scale)
        roots = set()
        for u in kinks:
            if time.monotonic() > deadline:
                raise TimeoutError
            if target in u.free_symbols:
                exact, near, _, _ = _located(u.xreplace({s: v for s, v in base.items() if s != target}), target, deadline)
                roots.update(r if r.is_Rational else sp.Rational(str(sp.N(r, 40))) for r in exact[:MAX_ROOTS])
                roots.update(near[:MAX_ROOTS])
        ordered = sorted(roots)
        for a, b in zip(ordered, ordered[1:]):
            out.append(Point({**base, target: (a + b) / 2}, 1, beside=True))
    return out


# -- the verdict -----------------------------------------------------------------------------------------------------

SIZES = frozenset({"C", "D", "N"})


def _index_arithmetic(tree, labels):
    """Whether a line computes with an index or the label of a sample as a number, outside a subscript and a sum's
    plain limits (1(j = y_i), (i - 1)(i - 2), 1(j <= 3), \\delta_{jk}, a sum from i): its value may then differ from
    the page's at a pair of index values only, so the cases of every pair (reader_export) are its to pass."""
    def simple(limit):
        return limit.is_Integer or limit is sp.S.NaN or (limit.is_Symbol and limit.name in SIZES) or (
            isinstance(limit, sp.Indexed) and limit.base.label.name in labels and limit.indices[0].is_Symbol)

    def walk(e):
        if isinstance(e, sp.Indexed):  # the entry it reads; a label read as a value is a number
            return e.base.label.name in labels
        if isinstance(e, SumOver):
            return walk(e.args[0]) or not all(simple(x) for x in (e.args[2], e.args[3], e.args[4]))
        if isinstance(e, sp.Symbol):
            return bool(e.is_integer) and e.name not in SIZES
        if isinstance(e, DERIVATIVES):  # d s_{y_i} / d s_j is 1(j = y_i): a derivative by an entry compares indices
            return True
        return any(walk(a) for a in e.args)

    return walk(sp.sympify(tree))


def _judge(page, eq, todo, target, deadline, seed):
    rng = random.Random(seed)
    check = Check(deadline)
    on_kinks = []  # differences at points exactly on a kink: a subgradient may be the reader's choice
    labels = set(eq.cases[0].labels) if eq.cases else set()
    check.pairs = any(_index_arithmetic(side, labels) for side in todo)
    # a case where a side cannot be evaluated, or no point decides, is passed over: a later case may still refute the
    # line (x_j for x_i has no row j of X at N = 1, and a value at N = 3); the first such case is said at the end,
    # and nothing is "equal" (nor a subgradient) then
    undecided = None
    for case in eq.cases:
        if case.pairs and not check.pairs:
            continue
        try:
            page_value, page_domain = _page_value_and_domain(page, case, target, deadline)
        except (NotEvaluable, InvalidValue, Unknown) as exc:
            undecided = undecided or {"status": "undecided",
                                      "message": f"the checker cannot evaluate the page's side at {case.label}: {exc}"}
            continue
        for side in todo:
            reader_ev = Evaluator(page, case, deadline)
            try:
                reader_value = reader_ev.ev(side)
            except Unknown:
                raise
            except ShapeError as exc:
                return {"status": "not-equal", "shape": True,
                        "message": f"not equal: at {case.label} your line cannot be formed ({exc}); "
                                   f"({eq.number}) is {_shape_words(page_value)} there"}
            except (NotEvaluable, InvalidValue) as exc:
                undecided = undecided or {"status": "undecided",
                                          "message": f"I cannot evaluate your line at {case.label}: {exc}"}
                continue
            if _shape(reader_value) != _shape(page_value):
                return {"status": "not-equal", "shape": True,
                        "message": f"not equal: at {case.label} your line is {_shape_words(reader_value)}, "
                                   f"({eq.number}) is {_shape_words(page_value)}"}
            verdict = _compare(case, side, reader_value, page_value, check, rng, eq,
                               domains=(_domain(reader_ev), page_domain))
            if verdict is None:
                continue
            if verdict.get("_kink"):
                on_kinks.append(verdict)
                continue
            if "_found" not in verdict:  # undecided at this case: another may refute the line
                undecided = undecided or verdict
                continue
            return _finish(page, eq, side, verdict, check, rng)
    if on_kinks:
        out = _at_kinks(page, eq, on_kinks, check, rng)
        if out["status"] == "not-equal" or undecided is None and not check.unvisited:
            return out
    if undecided is not None:
        return undecided
    if check.unvisited:  # "equal" (or a subgradient) only where every place a condition changes was visited
        return {"status": "undecided",
                "message": f"no point I tried tells your line from ({eq.number}), but I could not visit every place "
                           f"where a condition of your line or the page's changes ({check.unvisited[0]}"
                           f"{f' and {len(check.unvisited) - 1} more' if len(check.unvisited) > 1 else ''}): "
                           f"I cannot say"}
    return _equal(eq, check)


def _kink_tex(u):
    """A kink u = 0 in the page's names of the case's symbols (W_{1,2}, s_{1})."""
    names = {s: sp.Symbol(_symbol_tex(s), real=True) for s in u.free_symbols}
    return latex(sp.Eq(u.xreplace(names), 0, evaluate=False))


def _on_kink(point, kinks):
    """The condition u of ``kinks`` that is exactly 0 at ``point``, or None."""
    for u in kinks:
        try:
            if _exact(u, point.subs) == 0:
                return u
        except NotEvaluable:
            continue
    return None


def _shape_words(v):
    if _shape(v) is None:
        return "a number"
    return f"a vector of {v.shape[0]} entries" if v.shape[1] == 1 else f"a {v.shape[0]} x {v.shape[1]} matrix"


def _compare(case, side, reader_value, page_value, check, rng, eq, domains=((), ())):
    """None when no point of this case tells the sides apart (the check records how), else a verdict: not equal
    (with ``_found``), on a kink only (``_kink``), or undecided. ``domains``: the conditions (:func:`_domain`) the
    reader's and the page's side need to have a value; each point is first asked where each side has one, and the
    roots of each condition are visited as a kink's are (a denominator's 0, a log argument's 0 and beside it)."""
    pairs = list(zip(_entries(reader_value), _entries(page_value)))
    piecewise = any(_piecewise(x) for pair in pairs for x in pair)
    symbols = set(case.primitive)
    proved = False
    if not piecewise:
        proved = True
        for a, b in pairs:
            check.tick()
            if not is_zero(sp.sympify(a) - sp.sympify(b)):
                proved = False
                break
    jumps = set()
    kinks = _conditions(reader_value, page_value, jumps=jumps) if piecewise else []
    # a case beside the one where every size and index differs (one index or label at another value: reader_export)
    # is there to tell an index's value apart, not a kink: fewer points, and of the kinks a few and those no earlier
    # case visited (a condition of the line's own met at this index's value only is visited here, never dropped)
    spread = getattr(case, "spread", False)
    own = [e for e, k in domains[0] if not any(k == j and _same_condition(e, f) for f, j in domains[1])]
    walls = [e for e, _ in domains[0] + domains[1]]  # where a side may have no value: visited first
    if spread:
        kinks = kinks[:SPREAD_KINKS] + [u for u in kinks[SPREAD_KINKS:] if _kink_key(u) not in check.seen_kinks]
    points = _points(symbols, walls + kinks, rng, (6 if spread else 10) if proved else (8 if spread else 16),
                     check.deadline, jumps=jumps, unvisited=check.unvisited,
                     where=f" at {case.label}" if case.indices else "",
                     full=len(walls) + SPREAD_KINKS if spread else None)
    check.seen_kinks.update(_kink_key(u) for u in kinks[:MAX_KINKS])
    cache, undecided, kink_differences = {}, [], []
    for point in points:
        check.tick()
        check.visited.append((case, point))
        check.points += 1
        on_wall = point.kink is not None and any(point.kink is e for e in walls)
        check.kink_points += point.kink is not None and not point.beside and not on_wall
        check.domain_points += on_wall and not point.beside
        check.beside_points += point.beside
        check.scales.add(point.scale)
        if walls:
            there = _domain_at(domains, pairs, point)
            if there == "undefined":
                continue
            if there == "undecided":
                undecided.append("whether your line has a value at a point where it may divide by 0 or take the "
                                 "log of a number that is not positive")
                continue
            if there is not None:
                point.kink = None
                return {"_found": {"case": case, "side": side, "point": point, "entry": 0, "values": there[1:],
                                   "reader": reader_value, "page": page_value,
                                   "why": ": your line as written has no value there (it divides by 0, takes "
                                          "the log or root of a number that is not positive, or differentiates "
                                          "where its function jumps)" if there[1] is None else
                                          f": ({eq.number}) has no value there"}}
        for n, (a, b) in enumerate(pairs):
            if proved:  # the second route: each side computed apart at the point
                if _numeric_differs(a, b, point):
                    return {"status": "undecided",
                            "message": f"the kernel proves your line equal to ({eq.number}) at {case.label}, but "
                                       f"at a point the two values differ: the routes disagree, so I cannot say"}
                continue
            outcome = _compare_at(a, b, point, cache)
            if outcome[0] == "differ":
                difference = {"case": case, "side": side, "point": point, "entry": n, "values": outcome[1:],
                              "reader": reader_value, "page": page_value}
                if point.zero is None:  # a drawn point may lie on a kink too (small integers often do)
                    point.kink = _on_kink(point, kinks)
                if point.kink is not None:
                    kink_differences.append(difference)
                    break
                return {"_found": difference}
            if outcome[0] == "undecided":
                undecided.append(outcome[1])
            elif outcome == ("equal", "region"):
                check.region_proved += 1
    unresolved = [e for e in own if not any(p.kink is e and not p.beside for p in points)]
    if unresolved:  # where the line has no value was never found (no exact root), nor shown to be nowhere
        return {"status": "undecided",
                "message": f"your line as written has no value where ${_kink_tex(unresolved[0])}$ (it divides by it "
                           f"or takes its log or root), and I could neither find such a point nor show there is none: "
                           f"I cannot say"}
    if proved:
        if undecided:
            return {"status": "undecided",
                    "message": f"the kernel proves your line equal to ({eq.number}) at {case.label} where both have "
                               f"a value, but at {len(undecided)} points I could not tell {undecided[0]}: "
                               f"I cannot say"}
        check.proved_cases += 1
        check.domain += [e for e in own if e not in check.domain]
        return None
    check.piecewise = True
    if kink_differences:
        return {"_kink": True, "differences": kink_differences}
    if undecided:
        return {"status": "undecided",
                "message": f"at {case.label}, no point I tried tells your line from ({eq.number}), but at "
                           f"{len(undecided)} of them I could not decide ({undecided[0]}): I cannot say"}
    if not piecewise:
        return {"status": "undecided",
                "message": f"I could not prove your line equal to ({eq.number}) at {case.label}, and no point "
                           f"I tried tells them apart: I cannot say"}
    return None


def _scales_tex(check):
    return ", ".join("1" if s == 1 else f"$10^{{{len(str(s)) - 1}}}$" for s in sorted(check.scales))


def _equal(eq, check):
    scales = _scales_tex(check)
    if check.piecewise:
        kink = (f", {check.kink_points} of them exactly on a kink and {check.beside_points} beside one"
                if check.kink_points or check.beside_points else "")
        return {"status": "equal", "how": "points",
                "message": f"equal at {check.points} points{kink}, at the sizes {eq.sizes}{_pairs_text(eq, check)} "
                           f"and values of "
                           f"magnitude {scales}, each compared exactly: piecewise, so checked at points, not "
                           f"proved. {_convention(eq)}"}
    if check.domain:  # the values are proved equal, where the line has one: where it has, checked at points only
        walls = ", ".join(f"${_kink_tex(u)}$" for u in check.domain[:3])
        return {"status": "equal", "how": "points",
                "message": f"equal where your line has a value: proved by the engine's kernel at the equation's "
                           f"sizes ({eq.sizes}). Your line as written has none where {walls} (it divides by it or "
                           f"takes its log or root); at {check.points} points, {check.domain_points} of them exactly "
                           f"there, I found none where ({eq.number}) has a value and your line has none: checked at "
                           f"points, not proved."}
    return {"status": "equal", "how": "proved",
            "message": f"equal: proved by the engine's kernel at the equation's sizes ({eq.sizes}"
                       f"{_pairs_text(eq, check)}), for every real "
                       f"value of the symbols, and re-checked apart at {check.points} points of magnitude {scales}."}


def _pairs_text(eq, check):
    return f", and {eq.pairs}" if eq.pairs and check.pairs else ""


def _convention(eq):
    if eq.sides[-1].has(Ind):
        return ("On a kink your line takes the page's values, whose convention is that an indicator "
                "$\\mathbf{1}(u > 0)$ is 0 where $u = 0$ exactly.")
    return "On a kink your line takes the page's values."


def _finish(page, eq, side, verdict, check, rng):
    """A verdict of "not equal" with its counterexample and, where one agrees at every point, the mistake's name."""
    if "_found" not in verdict:
        return verdict
    d = verdict.pop("_found")
    out = _not_equal(eq, d, why=d.get("why", ""))
    # where one side has no value, a mutant that agrees with the line's cancelled value elsewhere is not its mistake
    out["mistake"] = _mistake(page, eq, side, check, by_value=None not in d["values"])
    out["counterexample"]["derived"] = _derived(d["case"], side, d["point"].subs)
    return out


def _not_equal(eq, d, why=""):
    case, point = d["case"], d["point"]
    va, vb = d["values"]
    entry = d["entry"] + 1 if _is_matrix(d["page"]) else None
    where = "" if entry is None else f" (entry {entry})"
    counter = _counterexample(case, point.subs, va, vb, d["reader"], d["page"], point.kink is not None, entry)
    on = f" exactly on the kink ${_kink_tex(point.kink)}$" if point.kink is not None else ""
    return {"status": "not-equal", "counterexample": counter,
            "message": f"not equal: at {case.label}{on}, your line is {counter['reader']} and ({eq.number}) is "
                       f"{counter['page']}{where}{why}"}


def _at_kinks(page, eq, found, check, rng):
    """The line differs from the page's side only on kinks: a subgradient where its value lies in the
    subdifferential there (the page's indicators at 0 free in [0, 1]), else not equal, the kink named."""
    for verdict in found:
        for d in verdict["differences"]:
            if d["values"][0] is None:  # the line has no value there, as written (a denominator 0, a log of <= 0)
                out = _not_equal(eq, d, why=": your line as written divides by 0 or takes the log of a number that "
                                            "is not positive there")
                out["mistake"] = _mistake(page, eq, d["side"], check)
                return out
            if eq.kind != "gradient" or not eq.sides[-1].has(Ind) or not _in_subdifferential(d):
                out = _not_equal(eq, d, why=": outside the subdifferential there (the page's indicators at the kink "
                                            "may take any value from 0 to 1, and no such choice gives your value)"
                                 if eq.kind == "gradient" else "")
                out["mistake"] = _mistake(page, eq, d["side"], check)
                return out
    d = found[0]["differences"][0]
    counter = _counterexample(d["case"], d["point"].subs, *d["values"], d["reader"], d["page"], True,
                              d["entry"] + 1 if _is_matrix(d["page"]) else None)
    kink = latex(sp.Eq(_page_condition(eq), 0))
    return {"status": "subgradient", "counterexample": counter,
            "message": f"a subgradient: your line equals ({eq.number}) off the kink ${kink}$; on it (at "
                       f"{d['case'].label}) your line is {counter['reader']} and ({eq.number}) is "
                       f"{counter['page']}. Both lie in the subdifferential there, so both are valid subgradients: "
                       f"the page's convention is $\\mathbf{{1}}(u > 0)$, 0 where $u = 0$ exactly."}


def _page_condition(eq):
    for node in sp.preorder_traversal(eq.sides[-1]):
        if isinstance(node, Ind) and isinstance(node.args[0], Relational):
            return node.args[0].lhs - node.args[0].rhs
    return sp.Symbol("u")


def _in_subdifferential(d):
    """Whether the reader's value at a kink point is the page's value with each indicator at 0 there replaced by
    some t in [0, 1] (the same t for the same condition)."""
    point, page_value, reader_value = d["point"], d["page"], d["reader"]
    relaxed, params = [], {}

    def relax(expr):
        expr = sp.sympify(expr)
        if not expr.has(sp.Piecewise):
            return expr
        if isinstance(expr, sp.Piecewise) and len(expr.args) == 2 and expr.args[1][1] is sp.true and \
                isinstance(expr.args[0][1], Relational) and {expr.args[0][0], expr.args[1][0]} <= {0, 1}:
            cond = expr.args[0][1]
            u = cond.lhs - cond.rhs
            if _exact(u, point.subs) == 0:
                key = next((k for k in params if sp.expand(k - u) == 0 or sp.expand(k + u) == 0), u)
                params.setdefault(key, sp.Dummy("t"))
                return params[key] if expr.args[0][0] == 1 else 1 - params[key]
        return expr.func(*[relax(a) for a in expr.args])

    for entry in _entries(page_value):
        relaxed.append(relax(entry))
    if not params:
        return False
    mine = [_exact(e, point.subs) for e in _entries(reader_value)]
    theirs = [_exact(_region(e, point.subs), point.subs) if not e.has(*params.values()) else
              at_point(e, point.subs) for e in relaxed]
    if any(v is None for v in mine + theirs):
        return False
    ts = list(params.values())
    equations = [sp.expand(a - b) for a, b in zip(mine, theirs)]
    equations = [e for e in equations if e != 0]
    if not equations:
        return True
    try:
        solutions = sp.solve(equations, ts, dict=True)
    except (NotImplementedError, TypeError, ValueError):
        return False
    for solution in solutions:
        for free in (sp.S.Zero, sp.S.One, sp.S.Half):  # a t the equations leave free: its ends and middle
            values = {t: sp.sympify(sp.sympify(solution.get(t, t)).xreplace({q: free for q in ts})) for t in ts}
            if all(v.is_number and certified_sign(v) in (0, 1) and certified_sign(1 - v) in (0, 1)
                   for v in values.values()) and \
                    all(certified_sign(sp.sympify(e).xreplace(values)) == 0 for e in equations):
                return True
    return False


def _derived(case, side, subs):
    """The values the line reads that the page derives (the scores s_j of W and x_i): shown beside the symbols."""
    _, bases = _names(side)
    out = []
    primitive = set(case.primitive)
    for name in sorted(bases):
        value = case.values.get(name)
        if not isinstance(value, list) or all(v in primitive for v in value):
            continue
        for n, v in enumerate(value[:6], 1):
            try:
                out.append([f"{latex(sp.Symbol(name))}_{{{n}}}", _format(_exact(v, subs))])
            except NotEvaluable:
                continue
    return out


def _mistake(page, eq, side, check, by_value=True):
    """The known wrong version of the equation (a mutant) that the reader's line agrees with, if any: the same tree,
    or the same value, exactly, at every point the verdict was reached on (never a name confirmed elsewhere)."""
    written = _written(side)
    for mutant in eq.mutants:  # the tree as written first: s_j - s_j + 1 is s_j where the page has s_{y_i}, though
        if _written(mutant["tree"]) == written:  # evaluated it is also s_{y_i} - s_{y_i} + 1, the mirror edit
            return mutant["name"]
    if not by_value:
        return None
    # then by value, the mutants that use the very names the line uses first (of two mirror edits that agree in
    # value, the one that puts the reader's own symbol where the page has the other)
    names = written.atoms(sp.Indexed, sp.Symbol)
    mutants = sorted(eq.mutants, key=lambda m: _written(m["tree"]).atoms(sp.Indexed, sp.Symbol) != names)
    for mutant in mutants:
        if same(side, mutant["tree"]):
            return mutant["name"]
    for mutant in mutants:
        if time.monotonic() > check.deadline:
            return None
        values = {}  # the two lines' values at each case, computed once for both looks
        if _agree_at(page, side, mutant["tree"], check.visited, check.deadline, values) and \
                _agree(page, eq, side, mutant["tree"], random.Random(1), check.deadline, cases=len(eq.cases),
                       values=values):
            return mutant["name"]
    return None


def _written(expr):
    """A notation tree as written, up to formatting: the order of a sum's terms and of a product's commuting factors,
    grouping, a product of numbers (-1 times 1) and the symbols' assumptions; nothing cancelled (s_j - s_j stays)."""
    if not isinstance(expr, sp.Basic):
        return expr
    if isinstance(expr, sp.Indexed):
        return sp.Indexed(expr.base.label.name, *[_written(q) for q in expr.indices])
    if isinstance(expr, sp.Symbol):
        return sp.Symbol(expr.name, integer=True) if expr.is_integer else sp.Symbol(expr.name, real=True)
    if not expr.args or isinstance(expr, sp.IndexedBase):
        return expr
    args = [_written(a) for a in expr.args]
    if isinstance(expr, (sp.Add, sp.Mul)):
        flat = [b for a in args for b in (a.args if a.func is expr.func else (a,))]
        numbers = [a for a in flat if a.is_Number]
        if isinstance(expr, sp.Mul) and len(numbers) > 1:
            flat = [sp.Mul(*numbers)] + [a for a in flat if not a.is_Number]
        if all(a.is_commutative for a in flat):
            flat = sorted(flat, key=sp.default_sort_key)
        return flat[0] if len(flat) == 1 else expr.func(*flat, evaluate=False)
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:
        return expr.func(*args)


def _pairs(page, case, a, b, deadline):
    """[(entry of a, entry of b)] of two trees at ``case``, or None where either has no value or their shapes
    differ."""
    try:
        va, vb = Evaluator(page, case, deadline).ev(a), _page_value(page, case, b, deadline)  # b: a mutant's tree
    except (NotEvaluable, InvalidValue, Unknown, TypeError, ValueError, ZeroDivisionError):
        return None
    return list(zip(_entries(va), _entries(vb))) if _shape(va) == _shape(vb) else None


def _agree_at(page, a, b, visited, deadline, values=None):
    """Whether the trees ``a`` and ``b`` take the same value, exactly, at every (case, point) of ``visited``;
    ``values`` keeps their :func:`_pairs` at each case (by its label) for the next call on the same two trees."""
    values = {} if values is None else values
    cache = {}
    for case, point in visited:
        if time.monotonic() > deadline:
            return False
        if case.label not in values:
            values[case.label] = _pairs(page, case, a, b, deadline)
        if values[case.label] is None:
            return False
        for x, y in values[case.label]:
            if _numeric_differs(x, y, point, cheap=True):  # most names fail here, at 30 digits
                return False
    for case, point in visited:  # then exactly: a name is confirmed on every point
        for x, y in values[case.label]:
            if time.monotonic() > deadline or _compare_at(x, y, point, cache)[0] not in ("equal", "undefined"):
                return False
    return bool(visited)


def _agree(page, eq, a, b, rng, deadline, per_case=16, cases=4, values=None):
    """Whether two lines take the same values at the first ``cases`` cases, at points each, on and beside their kinks
    too, at every scale (a name, not a proof): points as a verdict draws them. ``values`` as for :func:`_agree_at`."""
    values = {} if values is None else values
    visited = []
    for case in eq.cases[:cases]:
        if case.label not in values:
            values[case.label] = _pairs(page, case, a, b, deadline)
        pairs = values[case.label]
        if pairs is None:
            return False
        kinks = _conditions(*[sp.Matrix([p[k] for p in pairs]) for k in (0, 1)])
        visited += [(case, p) for p in _points(set(case.primitive), kinks, rng, per_case, deadline)]
    return _agree_at(page, a, b, visited, deadline, values)


def _format(v, digits=8):
    if v is None:
        return "no real value"
    if isinstance(v, sp.Integer):
        return str(v)
    value = _mp_value(v)
    text = mpmath.nstr(value if value is not None else mpmath.mpf(str(sp.N(v, 20))), digits)
    return text[:-2] if text.endswith(".0") else text


def _formats(a, b):
    """Both values as shown, with digits enough to tell them apart (1 and 1 - e^-50 are not both "1"); where 40 digits
    do not, the larger one says by how much."""
    for digits in (8, 20, 40):
        fa, fb = _format(a, digits), _format(b, digits)
        if fa != fb or a is None or b is None:
            return fa, fb
    gap = sp.sympify(a) - sp.sympify(b)
    more = f" (more than the other by {_format(abs(gap))})"
    return (fa + more, fb) if certified_sign(gap) == 1 else (fa, fb + more)


def _symbol_tex(sym):
    """W_1_2 as W_{1,2}, s_1 as s_{1}: the page's names of a case's real symbols."""
    name, _, rest = sym.name.partition("_")
    tex = latex(sp.Symbol(name))
    return f"{tex}_{{{rest.replace('_', ',')}}}" if rest else tex


def _value_tex(v):
    if not v.is_Rational:  # a root of a condition not linear in one symbol (an exact algebraic number)
        return sp.latex(v)
    return sp.latex(v) if v.q != 1 else str(v.p)


def _counterexample(case, subs, reader_value, page_value, reader, target, kink, entry):
    used = set()
    for e in (reader, target):
        for x in _entries(e):
            used |= sp.sympify(x).free_symbols
    values = [[_symbol_tex(s), _value_tex(v)] for s, v in sorted(subs.items(), key=lambda t: t[0].name) if s in used]
    shown = _formats(reader_value, page_value)
    return {"case": case.label, "values": values, "reader": shown[0],
            "page": shown[1], "kink": kink, "entry": entry,
            "point": {s.name: str(v) for s, v in subs.items()}}


def _names(expr, bound=frozenset()):
    """(symbols, indexed bases, bare names) the line uses, a sum's own index left out."""
    symbols, bases = set(), set()
    if isinstance(expr, SumOver):
        body, index, lo, hi, excluded = expr.args
        s, b = _names(body, bound | {index.name})
        symbols |= s
        bases |= b
        for part in (lo, hi) + (() if excluded is sp.S.NaN else (excluded,)):
            s, b = _names(part, bound)
            symbols |= s
            bases |= b
        return symbols, bases
    if isinstance(expr, sp.Product):
        body, (index, lo, hi) = expr.args[0], expr.args[1]
        return _union(_names(body, bound | {index.name}), _names(lo, bound), _names(hi, bound))
    if isinstance(expr, sp.Indexed):
        bases.add(expr.base.label.name)
        for q in expr.indices:
            s, b = _names(q, bound)
            symbols |= s
            bases |= b
        return symbols, bases
    if isinstance(expr, sp.Symbol):
        if expr.name not in bound and not expr.name.startswith("_"):
            symbols.add(expr.name)
        return symbols, bases
    for a in getattr(expr, "args", ()):
        s, b = _names(a, bound)
        symbols |= s
        bases |= b
    return symbols, bases


def _union(*pairs):
    return set().union(*(p[0] for p in pairs)), set().union(*(p[1] for p in pairs))


def _unknown_message(name, eq, page, indexed):
    notation = ", ".join(f"\\({t}\\)" for t in eq.notation)
    if indexed and name in {b for c in eq.cases for b in c.values} | set(page.columns) | set(page.rows):
        return (f"{name} is not indexed that way in ({eq.number}); its notation is {notation}")
    if any(isinstance(c.values.get(name), list) for c in eq.cases) or (
            name in page.table.families or name in set(page.columns) | set(page.rows)) and not any(
            name in c.values for c in eq.cases):
        return (f"“{name}” stands alone, but on this page {name} is written with an index ({name}_1, {name}_j): "
                f"“{name}1” reads as {name} times 1. ({eq.number}) writes {notation}")
    if name in eq.bound:
        return (f"“{name}” is the index of a sum in ({eq.number}), not a value of the statement: "
                f"its notation is {notation}")
    return f"“{name}” is not in the notation of ({eq.number}), which writes {notation}"


def _table(page, eq):
    """The page's names, with the ranges of this equation's own sums first (what \\sum_j runs over here)."""
    if getattr(eq, "_table", None) is None:
        own = SymbolTable.of(*eq.sides)
        eq._table = SymbolTable(page.table.symbols, page.table.families, page.table.functions, page.table.nodes,
                                {**(page.table.ranges or {}), **(own.ranges or {})})
    return eq._table


def _parse(text, page, eq=None):
    if len(text) > MAX_INPUT:
        raise ParseError(f"the line is longer than {MAX_INPUT} characters", MAX_INPUT, text[MAX_INPUT])
    # read as typed (the parser takes x_i, x_12 as LaTeX does: one token below), so that a refusal quotes the
    # reader's own text and its character numbers are theirs
    try:
        sides = parse_equation(text, page.table if eq is None else _table(page, eq), reader=True)
    except ParseError as exc:
        position = None if exc.position is None else min(exc.position, len(text))
        message = str(exc).rsplit(" at character ", 1)[0]
        raise ParseError(message, position, exc.token) from None
    except (TypeError, ValueError, AttributeError, IndexError, KeyError, RecursionError) as exc:
        raise ParseError(f"cannot read this line: {exc}", None, None) from None
    return sides


def _braced(text):
    """``x_i`` as ``x_{i}`` (a one-character subscript, as people type it), and where each character came from."""
    out, origin = [], []
    n = 0
    while n < len(text):
        if text[n] == "_" and n + 1 < len(text) and text[n + 1].isalnum():
            out += ["_", "{", text[n + 1], "}"]
            origin += [n, n + 1, n + 1, n + 1]
            n += 2
            continue
        out.append(text[n])
        origin.append(n)
        n += 1
    origin.append(len(text))
    return "".join(out), origin


def _seed_of(eq_id, text):
    """The points' seed of a line: drawn from the line itself (a polynomial hash of the equation and the text, the same
    in CPython and Pyodide), so no line can be written to vanish at points known before it was written."""
    h = 0
    for ch in f"{eq_id}\n{' '.join(text.split())}":  # the line as read: spaces between tokens do not matter
        h = (h * 1000003 + ord(ch)) % (2 ** 61 - 1)
    return h



class OutOfTime(BaseException):
    """Raised into the checker, wherever it is, at its deadline (:func:`_watchdog`): an exact step of sympy's that
    does not return (a simplify, a root refined to 1200 digits) ends as "timed out", never as a verdict. A
    BaseException, so that no ``except Exception`` of sympy's or the kernel's takes it for an ordinary failure."""


GRACE = 0.5  # seconds past the deadline before the watchdog stops a step that does not return by itself


@contextlib.contextmanager
def _watchdog(deadline):
    """Stop the checker at ``deadline`` (time.monotonic) wherever it is: a timer thread raises :class:`OutOfTime` in
    this thread (CPython). Where there are no threads (Pyodide), the browser stops its worker from outside instead,
    and the check's own ticks stop it between steps."""
    try:
        import ctypes
        import threading
        raise_in = ctypes.pythonapi.PyThreadState_SetAsyncExc
        ident = threading.get_ident()
    except (ImportError, AttributeError, OSError):
        yield
        return
    lock, state = threading.Lock(), {"active": True, "fired": False}

    def fire():
        with lock:
            if state["active"]:
                state["fired"] = True
                raise_in(ctypes.c_ulong(ident), ctypes.py_object(OutOfTime))

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), fire)
    timer.daemon = True
    try:
        timer.start()
    except RuntimeError:  # no threads here
        yield
        return
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["active"] = False
            if state["fired"]:  # raised but not yet delivered: withdrawn
                raise_in(ctypes.c_ulong(ident), None)


def judge(page, eq_id, text, seconds=SECONDS, seed=None):
    """The verdict on a reader's ``text`` (LaTeX: a right side, or a whole step ``left = right``) for equation ``eq_id``.

    Returns a dict: ``status`` is ``equal``, ``not-equal``, ``subgradient`` (equal off a kink, and on it another
    value of the subdifferential than the page's), ``undecided``, ``unknown-symbol`` or ``parse-error``;
    ``message`` says it in words; ``read`` is the line as the checker read it (LaTeX); ``counterexample`` and
    ``mistake`` when not equal.
    """
    eq = page.equations[eq_id]
    if eq.unchecked or not eq.cases:  # said plainly, whatever the line: nothing is concluded
        return {"status": "undecided", "unchecked": True,
                "message": f"This box cannot check lines of ({eq.number}): "
                           f"{eq.unchecked or 'the page gives it no case to check at'}. Nothing is said of your line."}
    deadline = time.monotonic() + seconds
    try:
        sides = _parse(text.strip(), page, eq)
    except ParseError as exc:
        where = "" if exc.position is None else f" (character {exc.position + 1}"
        where += "" if exc.position is None else (f", “{exc.token}”)" if exc.token else ")")
        return {"status": "parse-error", "message": f"I could not read your line{where}: {exc}",
                "position": exc.position, "token": exc.token}
    if not text.strip():
        return {"status": "parse-error", "message": "Type a right side, or a whole step left = right.",
                "position": 0, "token": None}
    read = " = ".join(latex(s, bold=page.bold) for s in sides)
    out = {"read": read}
    # names the statement does not have
    symbols, bases = set(), set()
    for side in sides:
        s, b = _names(side)
        symbols |= s
        bases |= b
    case0 = eq.cases[0]
    known_bases = set(case0.values) | set(case0.labels) | set(page.columns) | set(page.rows)
    whole = set().union(*(_names(side)[0] for side in eq.sides))  # what the equation itself writes whole (x of (2.6))
    for name in sorted(symbols):
        in_case = name in case0.indices or name in case0.values
        if not in_case or (isinstance(case0.values.get(name), list) and name not in whole):
            return dict(out, status="unknown-symbol", token=name,
                        message=_unknown_message(name, eq, page, indexed=False))
    for name in sorted(bases - known_bases):
        return dict(out, status="unknown-symbol", token=name, message=_unknown_message(name, eq, page, indexed=True))
    target = eq.sides[-1]
    # a side that is one of the page's own derivative sides (the gradient itself) is the page's: proved by the build
    todo = [s for s in sides if not (s.has(*DERIVATIVES) and any(same(s, p) for p in eq.sides))]
    if not todo:
        return dict(out, status="undecided", message="Your line is the page's own left side: write what it equals.")
    try:
        _RAN_OUT.clear()
        with _watchdog(deadline + GRACE):
            verdict = _within(deadline - time.monotonic(),
                              lambda: _judge(page, eq, todo, target, deadline,
                                             _seed_of(eq_id, text) if seed is None else seed), None)
        if verdict is None:
            raise TimeoutError
        return dict(out, **verdict)
    except (TimeoutError, OutOfTime):
        return dict(out, status="undecided", timed_out=True,
                    message=f"timed out: the check took longer than {seconds:g} s and was stopped; nothing is said "
                            "of your line")
    except Unknown as exc:
        return dict(out, status="unknown-symbol", token=str(exc),
                    message=_unknown_message(str(exc), eq, page, indexed=False))
    except (TypeError, ValueError, ZeroDivisionError, AttributeError, RecursionError, OverflowError, MemoryError,
            NotImplementedError, NotEvaluable, InvalidValue) as exc:  # never a crash: said, and nothing concluded
        return dict(out, status="undecided",
                    message=f"the checker could not finish on your line ({type(exc).__name__}): I cannot say")


