r"""Judge a reader's own line of a derivation against the page's equation: sympy and mpmath only.

This module runs in the reader's browser (Pyodide) and, on the same inputs, in
CPython under pytest, so both say the same. It imports nothing but sympy,
mpmath and the engine's sympy-only modules (:mod:`notation`, :mod:`parse`,
:mod:`kernel`, :mod:`feasible`); never numpy.

What the browser gets from the build (:mod:`derivations.site.reader_export`),
one JSON per page: each equation's sides as notation trees, the *cases* the
check runs at (sizes, indices and labels of the statement, and every value the
page's symbols take there, written in real symbols: ``s_1``, ``W_1_2``, the
softmax ``f`` already expanded), the named functions with their definitions,
and the known wrong versions (mutants) of each side. The reader's line is read
by :func:`derivations.equations.parse.parse_equation` (never ``eval``).

The verdict, per the project's first rule:

* **equal** only when, at every case, :func:`kernel.is_zero` proves the
  difference zero for every real value of the symbols ("proved by sympy at the
  equation's sizes"), or, when either side is piecewise (an indicator, a max, an
  absolute value), when the two sides are equal at every one of N points, some
  of them exactly on each kink, and the verdict says so in those words;
* **not equal** only with a counterexample: a point where both sides,
  re-evaluated at higher precision, really differ;
* otherwise it **cannot decide**, and says why (timeout, a side it cannot
  evaluate, a proof out of sympy's reach with no point that tells the sides apart).
"""

from __future__ import annotations

import random
import time

import mpmath
import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.interpret import InvalidValue, Interpreter, NotEvaluable, at_point
from derivations.equations.kernel import is_zero
from derivations.equations.notation import (
    Dot, Frac, Frobenius, Grad, Identity, Ind, Inverse, Norm, Partial, SumOver, Transpose, ZeroVector, fn, latex,
)
from derivations.equations.parse import ParseError, SymbolTable, parse_equation, same

__all__ = ["encode", "decode", "Page", "judge", "BROWSER_MODULES", "MAX_INPUT"]

# the modules the browser loads, as paths under src/ (what this module imports, and nothing that imports numpy)
BROWSER_MODULES = ("derivations/equations/notation.py", "derivations/equations/parse.py",
                   "derivations/equations/interpret.py",
                   "derivations/equations/kernel/__init__.py", "derivations/equations/kernel/numbers.py",
                   "derivations/equations/kernel/rules.py", "derivations/equations/kernel/feasible.py",
                   "derivations/equations/reader.py")
MAX_INPUT = 600  # characters of a reader's line: a homework step, not a page
MAX_POWER = 64  # a numeric power larger than this is refused (10^{10^{10}} would never finish)
DIGITS = 30
SECONDS = 20.0  # the Python side's own budget; the browser's worker is also stopped from outside

# -- trees <-> JSON --------------------------------------------------------------------------------------------

NODES = {c.__name__: c for c in (SumOver, Ind, Frac, Dot, Partial, Grad, Transpose, Frobenius, Norm, Identity,
                                  ZeroVector, Inverse)}
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
        if _is_matrix(value):
            raise NotEvaluable("the derivative of a vector")
        # max(a, b) as the piecewise b if b > a, else a: its derivative takes the kink's convention 1(u > 0)
        value = value.replace(lambda e: isinstance(e, sp.Max) and len(e.args) == 2,
                              lambda e: sp.Piecewise((e.args[1], e.args[1] > e.args[0]), (e.args[0], True)))
        if value.has(sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling):
            raise NotEvaluable("a derivative through a max, a min or an absolute value of more than two terms")
        return value


# -- judging -----------------------------------------------------------------------------------------------------

PIECEWISE = (sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign)


class Check:
    """The running judgement of one line: what each case said."""

    def __init__(self, deadline):
        self.deadline = deadline
        self.proved_cases = 0
        self.points = 0
        self.kink_points = 0
        self.piecewise = False


def _entries(v):
    return list(v) if _is_matrix(v) else [v]


def _shape(v):
    return v.shape if _is_matrix(v) else None


def _numeric(expr, subs, digits):
    """The value at a point, to ``digits`` digits, or None where it has no real value."""
    try:
        value = at_point(sp.sympify(expr), subs)
    except NotEvaluable:  # a sign that cannot be told for certain: no value to compare, never a guessed one
        return None
    if value.has(sp.Piecewise):
        value = sp.piecewise_fold(value)
    value = sp.N(value, digits)
    if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan) or not value.is_number:
        return None
    re_, im_ = value.as_real_imag()
    re_, im_ = sp.N(re_, digits), sp.N(im_, digits)
    if not (re_.is_Float or re_.is_Integer or re_.is_Rational):
        return None
    if im_ != 0 and abs(im_) > sp.Float(10) ** (-digits + 5) * (1 + abs(re_)):
        return None
    return mpmath.mpf(str(re_)) if not re_.is_Rational else mpmath.mpf(re_.p) / re_.q


def _differ(a, b, digits):
    if (a is None) != (b is None):
        return True
    if a is None:
        return False
    scale = max(mpmath.mpf(1), abs(a), abs(b))
    return abs(a - b) > scale * mpmath.mpf(10) ** (-(digits // 2))


def _conditions(*exprs):
    """The u of every condition u > 0 (u = lhs - rhs) in the piecewise parts of ``exprs``: where their kinks are."""
    out = []
    for e in exprs:
        for entry in _entries(e):
            entry = sp.sympify(entry)
            for node in sp.preorder_traversal(entry):
                if isinstance(node, sp.Piecewise):
                    for _, cond in node.args:
                        if isinstance(cond, Relational):
                            out.append(cond.lhs - cond.rhs)
                elif isinstance(node, (sp.Max, sp.Min)) and len(node.args) == 2:
                    out.append(node.args[0] - node.args[1])
                elif isinstance(node, (sp.Abs, sp.Heaviside, sp.sign)):
                    out.append(node.args[0])
    unique = []
    for u in out:
        if u.free_symbols and not any(sp.expand(u - v) == 0 or sp.expand(u + v) == 0 for v in unique):
            unique.append(u)
    return unique


def _points(symbols, kinks, rng, count):
    """Points as substitutions: small integers first (a counterexample a reader checks by hand), then fractions,
    then larger values; and for each kink u, points with u exactly 0 (one symbol solved for)."""
    symbols = sorted(symbols, key=lambda s: s.name)
    out = []
    for n in range(count):
        if n < count // 2:
            draw = [sp.Integer(rng.randint(-3, 3)) for _ in symbols]
        elif n < 3 * count // 4:
            draw = [sp.Rational(rng.randint(-12, 12), rng.choice((2, 3, 4, 5))) for _ in symbols]
        else:
            draw = [sp.Rational(rng.randint(-4000, 4000), 997) for _ in symbols]
        out.append((dict(zip(symbols, draw)), False))
    for u in kinks:
        linear = [s for s in sorted(u.free_symbols, key=lambda s: s.name)
                  if s in symbols and sp.diff(u, s).is_number and sp.diff(u, s) != 0]
        if not linear:
            continue
        for n in range(3):
            base = {s: sp.Integer(rng.randint(-3, 3)) for s in symbols}
            target = linear[n % len(linear)]
            rest = u.xreplace({s: v for s, v in base.items() if s != target})
            solved = sp.solve(sp.Eq(rest, 0), target)
            if len(solved) == 1 and solved[0].is_Rational:
                base[target] = solved[0]
                out.append((base, True))
    return out


def _format(v):
    if v is None:
        return "no real value"
    text = mpmath.nstr(v, 8)
    return text[:-2] if text.endswith(".0") else text


def _symbol_tex(sym):
    """W_1_2 as W_{1,2}, s_1 as s_{1}: the page's names of a case's real symbols."""
    name, _, rest = sym.name.partition("_")
    tex = latex(sp.Symbol(name))
    return f"{tex}_{{{rest.replace('_', ',')}}}" if rest else tex


def _value_tex(v):
    v = sp.Rational(v)
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

    Returns a dict: ``status`` is ``equal``, ``not-equal``, ``undecided``, ``unknown-symbol`` or ``parse-error``;
    ``message`` says it in words; ``read`` is the line as the checker read it (LaTeX); ``counterexample`` and
    ``mistake`` when not equal.
    """
    eq = page.equations[eq_id]
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
    for name in sorted(symbols):
        in_case = name in case0.indices or name in case0.values
        if not in_case or isinstance(case0.values.get(name), list):
            return dict(out, status="unknown-symbol", token=name,
                        message=_unknown_message(name, eq, page, indexed=False))
    for name in sorted(bases - known_bases):
        return dict(out, status="unknown-symbol", token=name, message=_unknown_message(name, eq, page, indexed=True))
    target = eq.sides[-1]
    # a side that is one of the page's own derivative sides (the gradient itself) is the page's: proved by the build
    todo = [s for s in sides if not (s.has(Partial, Grad) and any(same(s, p) for p in eq.sides))]
    if not todo:
        return dict(out, status="undecided", message="Your line is the page's own left side: write what it equals.")
    try:
        return dict(out, **_judge(page, eq, todo, target, deadline, seed))
    except TimeoutError:
        return dict(out, status="undecided", timed_out=True,
                    message=f"timed out: the check took longer than {seconds:g} s and was stopped; nothing is said "
                            "of your line")
    except Unknown as exc:
        return dict(out, status="unknown-symbol", token=str(exc),
                    message=_unknown_message(str(exc), eq, page, indexed=False))


def _judge(page, eq, todo, target, deadline, seed):
    rng = random.Random(seed)
    check = Check(deadline)
    sizes = set()
    for case in eq.cases:
        ev = Evaluator(page, case, deadline)
        try:
            page_value = ev.ev(target)
        except (NotEvaluable, InvalidValue, Unknown) as exc:
            return {"status": "undecided", "message": f"the checker cannot evaluate the page's side at {case.label}: {exc}"}
        for side in todo:
            try:
                reader_value = Evaluator(page, case, deadline).ev(side)
            except Unknown:
                raise
            except (NotEvaluable, InvalidValue) as exc:
                return {"status": "undecided", "message": f"I cannot evaluate your line at {case.label}: {exc}"}
            except (TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
                return {"status": "undecided",
                        "message": f"I cannot evaluate your line at {case.label}: {type(exc).__name__}: {exc}"}
            if _shape(reader_value) != _shape(page_value):
                def shape(v):
                    return "a number" if _shape(v) is None else (
                        f"a vector of {v.shape[0]} entries" if v.shape[1] == 1 else f"a {v.shape[0]} x {v.shape[1]} matrix")
                return {"status": "not-equal", "shape": True,
                        "message": f"not equal: at {case.label} your line is {shape(reader_value)}, "
                                   f"({eq.number}) is {shape(page_value)}"}
            verdict = _compare(case, reader_value, page_value, side, target, check, rng, eq)
            if verdict is not None:
                found = verdict.pop("_found", None)
                verdict["mistake"] = _mistake(page, eq, side, case, reader_value, found, rng, deadline)
                if found is not None:
                    verdict["counterexample"]["derived"] = _derived(case, side, found[0])
                return verdict
        sizes.add(case.label)
    if check.piecewise:
        kink = f", {check.kink_points} of them exactly on a kink" if check.kink_points else ""
        return {"status": "equal", "how": "points",
                "message": f"equal at {check.points} points{kink} ({eq.sizes}): piecewise, so checked at points, "
                           f"not proved. {_convention(eq)}"}
    return {"status": "equal", "how": "proved",
            "message": f"equal: proved by sympy at the equation's sizes ({eq.sizes}), for every real value of "
                       f"the symbols."}


def _convention(eq):
    if eq.sides[-1].has(Ind):
        return ("On a kink your line takes the page's values, whose convention is that an indicator "
                "1(u > 0) is 0 where u = 0 exactly.")
    return "On a kink your line takes the page's values."


def _compare(case, reader_value, page_value, reader, target, check, rng, eq):
    """None when equal at this case (the check records how), else the verdict."""
    pairs = list(zip(_entries(reader_value), _entries(page_value)))
    piecewise = any(sp.sympify(a).has(*PIECEWISE) or sp.sympify(b).has(*PIECEWISE) for a, b in pairs)
    symbols = set(case.primitive)
    if not piecewise:
        unproved = []
        for n, (a, b) in enumerate(pairs):
            check.deadline and time.monotonic() > check.deadline and _raise_timeout()
            if not is_zero(sp.sympify(a) - sp.sympify(b)):
                unproved.append(n)
        if not unproved:
            check.proved_cases += 1
            return None
        found = _search(case, pairs, unproved, symbols, [], rng, 24, check)
        if found:
            return _not_equal(case, found, reader_value, page_value, eq, reader, target)
        return {"status": "undecided",
                "message": f"I could not prove your line equal to ({eq.number}) at {case.label}, and no point "
                           f"I tried tells them apart: I cannot say"}
    check.piecewise = True
    kinks = _conditions(reader_value, page_value)
    found = _search(case, pairs, range(len(pairs)), symbols, kinks, rng, 16, check)
    if found:
        return _not_equal(case, found, reader_value, page_value, eq, reader, target)
    return None


def _raise_timeout():
    raise TimeoutError


def _search(case, pairs, entries, symbols, kinks, rng, count, check):
    for subs, kink in _points(symbols, kinks, rng, count):
        if time.monotonic() > check.deadline:
            raise TimeoutError
        check.points += 1
        check.kink_points += kink
        for n in entries:
            a, b = pairs[n]
            va, vb = _numeric(a, subs, DIGITS), _numeric(b, subs, DIGITS)
            if _differ(va, vb, DIGITS):
                # re-evaluated at twice the precision: a counterexample must really differ
                va2, vb2 = _numeric(a, subs, 2 * DIGITS), _numeric(b, subs, 2 * DIGITS)
                if _differ(va2, vb2, DIGITS):
                    return subs, kink, n, va2, vb2
    return None


def _not_equal(case, found, reader_value, page_value, eq, reader, target):
    subs, kink, entry, va, vb = found
    where = "" if not _is_matrix(page_value) else f" (entry {entry + 1})"
    counter = _counterexample(case, subs, va, vb, reader_value, page_value, kink, entry + 1 if _is_matrix(page_value) else None)
    on = " exactly on a kink" if kink else ""
    return {"status": "not-equal", "counterexample": counter, "_found": found,
            "message": f"not equal: at {case.label}{on}, your line is {counter['reader']} and ({eq.number}) is "
                       f"{counter['page']}{where}"}


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
            out.append([f"{latex(sp.Symbol(name))}_{{{n}}}", _format(_numeric(v, subs, DIGITS))])
    return out


def _mistake(page, eq, side, case, reader_value, found, rng, deadline):
    """The known wrong version of the equation (a mutant) that the reader's line agrees with, if any: the same tree,
    or the same values where the line was refuted and at every case after."""
    for mutant in eq.mutants:
        if same(side, mutant["tree"]):
            return mutant["name"]
    if found is None:
        return None
    subs = found[0]
    mine = [_numeric(v, subs, DIGITS) for v in _entries(reader_value)]
    for mutant in eq.mutants:
        if time.monotonic() > deadline:
            return None
        try:
            value = Evaluator(page, case, deadline).ev(mutant["tree"])
        except (NotEvaluable, InvalidValue, Unknown, TypeError, ValueError, ZeroDivisionError):
            continue
        if _shape(value) != _shape(reader_value):
            continue
        if any(_differ(a, _numeric(b, subs, DIGITS), DIGITS) for a, b in zip(mine, _entries(value))):
            continue
        if _agree(page, eq, side, mutant["tree"], rng, deadline):
            return mutant["name"]
    return None


def _agree(page, eq, a, b, rng, deadline, per_case=10):
    """Whether two lines take the same values at every case, at points each, on their kinks too (a name, not a proof)."""
    tried = 0
    for case in eq.cases[:4]:
        try:
            va, vb = Evaluator(page, case, deadline).ev(a), Evaluator(page, case, deadline).ev(b)
        except (NotEvaluable, InvalidValue, Unknown, TypeError, ValueError, ZeroDivisionError):
            return False
        if _shape(va) != _shape(vb):
            return False
        pairs = list(zip(_entries(va), _entries(vb)))
        kinks = _conditions(va, vb)
        for subs, _ in _points(set(case.primitive), kinks, rng, per_case):
            for x, y in pairs:
                if _differ(_numeric(x, subs, DIGITS), _numeric(y, subs, DIGITS), DIGITS):
                    return False
            tried += 1
    return tried > 0
