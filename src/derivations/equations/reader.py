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
  an exact root of the condition, the others drawn) and beside it, each point
  compared exactly (the region both sides take there proved equal by the
  kernel, or the difference's sign certified); the verdict names the sizes and
  scales;
* **a subgradient** when the line differs from the page's side only exactly on
  a kink, and its value there is the page's with each indicator at the kink
  taken anywhere in [0, 1] (a gradient of a convex loss: another valid
  subgradient); the kink is named;
* **not equal** only with a counterexample: a point where the two exact values
  differ for certain, or a line whose shapes do not combine where the page's do;
  a known mistake is named only when it agrees with the line at every point;
* otherwise it **cannot decide**, and says why (timeout, a side it cannot
  evaluate, a difference it cannot tell from 0): never "equal".

The cases are the equation's smallest sizes and one where every size and index
differs (:mod:`derivations.site.reader_export`): N, D and C apart, i not 1.
"""

from __future__ import annotations

import gc
import random
import sys
import time

import mpmath
import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.interpret import InvalidValue, Interpreter, NotEvaluable, ShapeError, at_point
from derivations.equations import kernel
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
        self.label = data["label"]
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
        self.columns, self.rows = columns, rows


class Equation:
    def __init__(self, data, page):
        self.id, self.number, self.kind = data["id"], data["number"], data["kind"]
        self.sides = [decode(s) for s in data["sides"]]
        self.cases = [Case(c, page.columns, page.rows) for c in data["cases"]]
        self.sizes = data.get("sizes", "")
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

    def differentiable(self, value):
        if _is_matrix(value):  # a Jacobian (of a gradient: a Hessian) differentiates a vector entry by entry
            return value.applyfunc(self.differentiable)
        # max(a, b) as the piecewise b if b > a, else a: its derivative takes the kink's convention 1(u > 0)
        value = value.replace(lambda e: isinstance(e, sp.Max) and len(e.args) == 2,
                              lambda e: sp.Piecewise((e.args[1], e.args[1] > e.args[0]), (e.args[0], True)))
        if value.has(sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling):
            raise NotEvaluable("a derivative through a max, a min or an absolute value of more than two terms")
        return value


# -- judging -----------------------------------------------------------------------------------------------------

PIECEWISE = (sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign, sp.floor, sp.ceiling)
SCALES = (1, 10 ** 3, 10 ** 6)  # the magnitudes of the values tried: a line wrong only for large values is seen
MAX_EXACT_POWER = 10 ** 4  # an exact power with a larger exponent is not computed at a point (3^(3^27) never ends)
MAX_KINKS = 12  # conditions whose kinks are visited, per case
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

    def tick(self):
        if time.monotonic() > self.deadline:
            raise TimeoutError


class Point:
    """A point of a case: the value of each real symbol, its scale, and whether it lies on (or beside) a kink."""

    def __init__(self, subs, scale, kink=None, beside=False):
        self.subs, self.scale, self.kink, self.beside = subs, scale, kink, beside


def _entries(v):
    return list(v) if _is_matrix(v) else [v]


def _shape(v):
    """The shape of a value, None for a number; a 1 x 1 matrix is a number here (at a size 1 the page's vector of one
    entry and a reader's number are one value: another case, of larger sizes, tells their shapes apart)."""
    return v.shape if _is_matrix(v) and v.shape != (1, 1) else None


# -- the value of a line at a point: its region, then an exact number ------------------------------------------------

def _region(expr, subs):
    """``expr`` with each piece (indicator, max, min, |.|, sign, Heaviside, floor) replaced by the branch it takes at
    the point ``subs``, told by certified signs; the symbols stay. Equal regions are equal at the point, and on the
    whole region around it."""
    expr = sp.sympify(expr)
    if not expr.has(*PIECEWISE):
        return expr
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            if _too_large(cond, subs):
                raise NotEvaluable("a power too large to evaluate exactly at this point")
            truth = at_point(cond, subs)
            if truth is sp.true:
                return _region(value, subs)
            if truth is not sp.false:
                raise NotEvaluable(f"cannot decide ${latex(cond)}$ at this point")
        return sp.nan
    if isinstance(expr, (sp.Max, sp.Min)):
        values = [_exact(a, subs) for a in expr.args]
        if any(v is None for v in values):
            raise NotEvaluable("a max or min of a value that has none here")
        best = 0
        for n in range(1, len(values)):
            sign = certified_sign(values[n] - values[best])
            if sign is None:
                raise NotEvaluable("cannot tell which value is the largest")
            if sign * (1 if isinstance(expr, sp.Max) else -1) > 0:
                best = n
        return _region(expr.args[best], subs)
    if isinstance(expr, (sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling)):
        inner = _region(expr.args[0], subs)
        value = _exact(inner, subs)
        if value is None:
            raise NotEvaluable("a piece of a value that has none here")
        if isinstance(expr, (sp.floor, sp.ceiling)):
            return at_point(expr.func(value), {})
        sign = certified_sign(value)
        if sign is None:
            raise NotEvaluable("cannot tell the sign of a piece's argument")
        if isinstance(expr, sp.Abs):
            return inner if sign >= 0 else -inner
        if isinstance(expr, sp.sign):
            return sp.Integer(sign)
        return sp.Integer(1) if sign > 0 else sp.Integer(0) if sign < 0 else _region(
            expr.args[1] if len(expr.args) > 1 else sp.Rational(1, 2), subs)
    return expr.func(*[_region(a, subs) for a in expr.args])


def _too_large(expr, subs):
    """Whether putting ``subs`` into ``expr`` would compute an exact power with a huge exponent (u^{u^{u^u}} at 3)."""
    for node in sp.postorder_traversal(expr):
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


def _exact(expr, subs):
    """The exact number ``expr`` is at ``subs`` (pieces decided for certain), or None where it has no real value.
    NotEvaluable where a sign cannot be told, or the number is too large to compute exactly."""
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


def _compare_at(a, b, point, cache):
    """How the entries ``a`` (the reader's) and ``b`` (the page's) compare at ``point``: ("equal", how),
    ("differ", value a, value b), ("undefined",) where neither has a value, or ("undecided", why)."""
    try:
        ra, rb = _region(a, point.subs), _region(b, point.subs)
        key = (ra, rb)
        if key not in cache:
            cache[key] = not ra.has(*PIECEWISE) and not rb.has(*PIECEWISE) and is_zero(ra - rb)
        va, vb = _exact(ra, point.subs), _exact(rb, point.subs)
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
    try:
        va, vb = _exact(a, point.subs), _exact(b, point.subs)
    except NotEvaluable:
        return False
    if va is None or vb is None:
        return (va is None) != (vb is None)
    if not _apart(va, vb):
        return False
    return cheap or certified_sign(va - vb) not in (0, None)


# -- where to look: scales, kinks and beside them --------------------------------------------------------------------

def _conditions(*values):
    """The u of every condition u = 0 where a piece of ``values`` changes (indicators, max, min, |.|, sign)."""
    out = []

    def relation(cond):
        if isinstance(cond, Relational):
            out.append(cond.lhs - cond.rhs)
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
                    out += [p - q for n, p in enumerate(node.args) for q in node.args[n + 1:]]
                elif isinstance(node, (sp.Abs, sp.Heaviside, sp.sign)):
                    out.append(node.args[0])
    unique = []
    for u in out:
        if u.free_symbols and not any(sp.expand(u - v) == 0 or sp.expand(u + v) == 0 for v in unique):
            unique.append(u)
    return unique


def _roots(g, t):
    """Exact real roots of the function ``g`` of one symbol ``t``: a polynomial's (degree up to 4), else sympy's
    solve of a small expression (log u = 0, e^u = 5, 1/u = 2)."""
    try:
        poly = sp.Poly(g, t)
        if poly.degree() <= 0:
            return []
        if poly.degree() <= 4 and all(c.is_number for c in poly.coeffs()):
            return list(dict.fromkeys(sp.real_roots(poly)))
    except (sp.PolynomialError, sp.polys.polyerrors.GeneratorsNeeded, ValueError, TypeError, NotImplementedError):
        pass
    if sp.count_ops(g) > 24:
        return []
    try:
        found = sp.solve(g, t)
    except (NotImplementedError, TypeError, ValueError, ZeroDivisionError):
        return []
    return [r for r in found if r.is_number and r.is_real]


def _base(symbols, rng, scale):
    if scale == 1:
        return {s: sp.Integer(rng.randint(-3, 3)) if rng.random() < 0.6 else
                sp.Rational(rng.randint(-12, 12), rng.choice((2, 3, 5, 7))) for s in symbols}
    return {s: sp.Integer(rng.choice((-1, 1)) * rng.randint(1, 9) * scale) + sp.Rational(rng.randint(-9, 9), 7)
            for s in symbols}


def _points(symbols, kinks, rng, count, deadline):
    """Points as substitutions: small integers and fractions (a counterexample a reader checks by hand), values near
    10^3 and 10^6, and for each kink u = 0 points exactly on it and beside it (one symbol solved for, the others
    drawn: conditions not linear in any symbol too)."""
    symbols = sorted(symbols, key=lambda s: s.name)
    out = []
    for n in range(count):
        scale = SCALES[0] if n < count // 2 else SCALES[1 + n % 2]
        out.append(Point(_base(symbols, rng, scale), scale))
    if len(symbols) > 1:  # a point mixing magnitudes (one value large, another small)
        out.append(Point({s: _base([s], rng, rng.choice(SCALES))[s] for s in symbols}, SCALES[-1]))
    for u in kinks[:MAX_KINKS]:
        free = [s for s in symbols if s in u.free_symbols]
        for n in range(2):
            if time.monotonic() > deadline:
                raise TimeoutError
            if not free:
                break
            base = _base(symbols, rng, SCALES[0] if n == 0 else SCALES[1])
            target = free[n % len(free)]
            g = u.xreplace({s: v for s, v in base.items() if s != target})
            for root in _roots(g, target)[:3]:
                out.append(Point({**base, target: root}, 1, kink=u))
                near = sp.Rational(str(sp.N(root, 40))) if not root.is_Rational else root
                size = max(sp.Integer(1), abs(near))
                for step in BESIDE:
                    for sign in (1, -1):
                        out.append(Point({**base, target: near + sign * step * size}, 1, kink=u, beside=True))
    out += _between(symbols, kinks[:MAX_KINKS], rng, deadline)
    return out


def _between(symbols, kinks, rng, deadline):
    """Points between the kinks of two conditions, on a line through one point along one symbol: the midpoint of each
    two neighbouring roots. A line that differs only on a window between two thresholds (1(u > 5) 1(u < 5 + 10^-15))
    agrees on each kink and a step beside it, but not there."""
    out = []
    for target in [t for t in symbols if sum(t in u.free_symbols for u in kinks) > 1][:3]:
        base = _base(symbols, rng, SCALES[0])
        roots = set()
        for u in kinks:
            if time.monotonic() > deadline:
                raise TimeoutError
            if target in u.free_symbols:
                roots.update(r if r.is_Rational else sp.Rational(str(sp.N(r, 40)))
                             for r in _roots(u.xreplace({s: v for s, v in base.items() if s != target}), target)[:3])
        ordered = sorted(roots)
        for a, b in zip(ordered, ordered[1:]):
            out.append(Point({**base, target: (a + b) / 2}, 1, beside=True))
    return out


# -- the verdict -----------------------------------------------------------------------------------------------------

def _judge(page, eq, todo, target, deadline, seed):
    rng = random.Random(seed)
    check = Check(deadline)
    on_kinks = []  # differences at points exactly on a kink: a subgradient may be the reader's choice
    for case in eq.cases:
        ev = Evaluator(page, case, deadline)
        try:
            page_value = ev.ev(target)
        except (NotEvaluable, InvalidValue, Unknown) as exc:
            return {"status": "undecided",
                    "message": f"the checker cannot evaluate the page's side at {case.label}: {exc}"}
        for side in todo:
            try:
                reader_value = Evaluator(page, case, deadline).ev(side)
            except Unknown:
                raise
            except ShapeError as exc:
                return {"status": "not-equal", "shape": True,
                        "message": f"not equal: at {case.label} your line cannot be formed ({exc}); "
                                   f"({eq.number}) is {_shape_words(page_value)} there"}
            except (NotEvaluable, InvalidValue) as exc:
                return {"status": "undecided", "message": f"I cannot evaluate your line at {case.label}: {exc}"}
            if _shape(reader_value) != _shape(page_value):
                return {"status": "not-equal", "shape": True,
                        "message": f"not equal: at {case.label} your line is {_shape_words(reader_value)}, "
                                   f"({eq.number}) is {_shape_words(page_value)}"}
            verdict = _compare(case, side, reader_value, page_value, check, rng, eq)
            if verdict is None:
                continue
            if verdict.get("_kink"):
                on_kinks.append(verdict)
                continue
            return _finish(page, eq, side, verdict, check, rng)
    if on_kinks:
        return _at_kinks(page, eq, on_kinks, check, rng)
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


def _compare(case, side, reader_value, page_value, check, rng, eq):
    """None when no point of this case tells the sides apart (the check records how), else a verdict: not equal
    (with ``_found``), on a kink only (``_kink``), or undecided."""
    pairs = list(zip(_entries(reader_value), _entries(page_value)))
    piecewise = any(sp.sympify(x).has(*PIECEWISE) for pair in pairs for x in pair)
    symbols = set(case.primitive)
    proved = False
    if not piecewise:
        proved = True
        for a, b in pairs:
            check.tick()
            if not is_zero(sp.sympify(a) - sp.sympify(b)):
                proved = False
                break
    kinks = _conditions(reader_value, page_value) if piecewise else []
    # a case beside the one where every size and index differs (one index or label at another value: reader_export)
    # is there to tell an index's value apart, not a kink: fewer points and kinks, so the many of them stay cheap
    spread = getattr(case, "spread", False)
    points = _points(symbols, kinks[:SPREAD_KINKS] if spread else kinks, rng,
                     (6 if spread else 10) if proved else (8 if spread else 16), check.deadline)
    cache, undecided, kink_differences = {}, [], []
    for point in points:
        check.tick()
        check.visited.append((case, point))
        check.points += 1
        check.kink_points += point.kink is not None and not point.beside
        check.beside_points += point.beside
        check.scales.add(point.scale)
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
                point.kink = _on_kink(point, kinks)  # a drawn point may lie on a kink too (small integers often do)
                if point.kink is not None:
                    kink_differences.append(difference)
                    break
                return {"_found": difference}
            if outcome[0] == "undecided":
                undecided.append(outcome[1])
            elif outcome == ("equal", "region"):
                check.region_proved += 1
    if proved:
        check.proved_cases += 1
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
                "message": f"equal at {check.points} points{kink}, at the sizes {eq.sizes} and values of "
                           f"magnitude {scales}, each compared exactly: piecewise, so checked at points, not "
                           f"proved. {_convention(eq)}"}
    return {"status": "equal", "how": "proved",
            "message": f"equal: proved by the engine's kernel at the equation's sizes ({eq.sizes}), for every real "
                       f"value of the symbols, and re-checked apart at {check.points} points of magnitude {scales}."}


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
    out = _not_equal(eq, d)
    out["mistake"] = _mistake(page, eq, side, check)
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


def _mistake(page, eq, side, check):
    """The known wrong version of the equation (a mutant) that the reader's line agrees with, if any: the same tree,
    or the same value, exactly, at every point the verdict was reached on (never a name confirmed elsewhere)."""
    for mutant in eq.mutants:
        if same(side, mutant["tree"]):
            return mutant["name"]
    for mutant in eq.mutants:
        if time.monotonic() > check.deadline:
            return None
        values = {}  # the two lines' values at each case, computed once for both looks
        if _agree_at(page, side, mutant["tree"], check.visited, check.deadline, values) and \
                _agree(page, eq, side, mutant["tree"], random.Random(1), check.deadline, cases=len(eq.cases),
                       values=values):
            return mutant["name"]
    return None


def _pairs(page, case, a, b, deadline):
    """[(entry of a, entry of b)] of two trees at ``case``, or None where either has no value or their shapes
    differ."""
    try:
        va, vb = Evaluator(page, case, deadline).ev(a), Evaluator(page, case, deadline).ev(b)
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


def _format(v):
    if v is None:
        return "no real value"
    if isinstance(v, sp.Integer):
        return str(v)
    value = _mp_value(v)
    text = mpmath.nstr(value if value is not None else mpmath.mpf(str(sp.N(v, 20))), 8)
    return text[:-2] if text.endswith(".0") else text


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
    return {"case": case.label, "values": values, "reader": _format(reader_value),
            "page": _format(page_value), "kink": kink, "entry": entry,
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


def judge(page, eq_id, text, seconds=SECONDS, seed=0):
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
        verdict = _within(deadline - time.monotonic(), lambda: _judge(page, eq, todo, target, deadline, seed), None)
        if verdict is None:
            raise TimeoutError
        return dict(out, **verdict)
    except TimeoutError:
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


