"""The conditions an equation's proof used, as the page prints them under the formula (#27).

A reader sees the formula and its mark, never the ledger; so every condition the
checks and the proof relied on is printed with the formula:

- **index restrictions** of its space: indices and labels the statement ranges
  over that its space never lets be equal (``j != y_i``: the space of (A3)
  visits only wrong classes), read from the space's own list of index values
  (``Space.every``), the list the prover proves over;
- **fixed sizes**: a statement about one size only (``C = 2``, ``Space.fixed``);
- **a range of sizes**: a link proved only for the sizes of a range (``C <= 5``);
- **declared domains** (``Problem.equation(domain=[delta > 0])``);
- **off the kinks**: a statement with a derivative and a max, |.| or indicator
  of values is proved where no condition is exactly zero (the prover leaves ties
  out, ``prover.has_derivative``); the ledger's words say so ("..., off the
  kinks"). The kinks are printed as relations ``u != 0``, with what was checked on
  them: the printed value against the package's convention at the kink points.

:func:`conditions_of` returns them as dicts ``{"kind", "latex", "words"}``
(``latex`` one relation a parser reads back, ``words`` what goes with it); the
ledger stores them in each record (``conditions``), and the site prints them.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.notation import Ind, SumOver, latex

__all__ = ["conditions_of", "off_kinks", "index_restrictions", "kink_relations"]

SIZES = ("C", "N", "D")
RANGE = re.compile(r"\b([CND]) = (\d+)(?:\.\.(\d+))?")
MAX_POINTS = 4000  # of a space's index values, enough to see every pattern of equal indices at its sizes


def off_kinks(record):
    """Whether the ledger says a link of the equation is proved off the kinks only (ties left out)."""
    return any(text.endswith("off the kinks") for text in record.get("proved_for", []))


def _index(name):
    return sp.Symbol(name, integer=True, positive=True)


def _named(name):
    """The index, or the label y_i, of a name as :func:`index_restrictions` lists it."""
    if name.startswith("y_"):
        return sp.IndexedBase("y")[_index(name[2:])]
    return _index(name)


def _free(expr, bound=frozenset()):
    """(free index names, free labels y_q) written in ``expr``, a sum's own index left out."""
    if isinstance(expr, sp.Symbol):
        return ({expr.name} if expr.is_integer and expr.name not in bound and expr.name not in SIZES else set()), set()
    if isinstance(expr, SumOver):
        body, index, lo, hi, excluded = expr.args
        inner = _free(body, bound | {index.name})
        rest = [_free(e, bound) for e in (lo, hi) + (() if excluded is sp.S.NaN else (excluded,))]
        return inner[0].union(*(r[0] for r in rest)), inner[1].union(*(r[1] for r in rest))
    if isinstance(expr, sp.Indexed):
        names, labels = set(), set()
        for q in expr.indices:
            n, lab = _free(q, bound)
            names |= n
            labels |= lab
        if expr.base.label.name == "y" and len(expr.indices) == 1 and isinstance(expr.indices[0], sp.Symbol) \
                and expr.indices[0].name not in bound:
            labels.add(f"y_{expr.indices[0].name}")
        return names, labels
    if not isinstance(expr, sp.Basic):
        return set(), set()
    names, labels = set(), set()
    for a in expr.args:
        n, lab = _free(a, bound)
        names |= n
        labels |= lab
    return names, labels


def index_restrictions(eq):
    """Pairs ``(a, b)`` of the indices and labels written free in ``eq`` that its space never lets be equal."""
    names, labels = set(), set()
    for side in eq.sides:
        n, lab = _free(side)
        names |= n
        labels |= lab
    wanted = sorted(names | labels)
    if len(wanted) < 2 or not eq.space.sizes:
        return []
    free = set(names) | {"y", "p"}
    seen = {}
    try:
        choices = eq.space.size_choices()
        points = itertools.islice(itertools.chain.from_iterable(eq.space.every(s, free) for s in choices), MAX_POINTS)
        for point in points:
            values = {k: v for k, v in point.indices.items() if k not in SIZES}
            y = point.values.get("y")
            for label in labels:
                row = label[2:]
                if y is not None and row in point.indices and np.issubdtype(np.asarray(y).dtype, np.integer):
                    values[label] = int(np.asarray(y)[point.indices[row] - 1])
            for a, b in itertools.combinations(wanted, 2):
                if a in values and b in values:
                    seen[a, b] = seen.get((a, b), False) or values[a] == values[b]
    except Exception:  # noqa: BLE001 - a space that cannot list its indices restricts none; its checks say why
        return []
    # an index against a label (j != y_i), or two indices of the same range; i (a sample) never equals a class
    return [(a, b) for (a, b), equal in sorted(seen.items()) if not equal and _comparable(eq, a, b)]


def _comparable(eq, a, b):
    """Whether two names run over the same range (both classes), so that their being unequal says something."""
    bounds = {k: str(v) for k, v in getattr(eq.space, "bounds", {}).items()}

    def bound(name):
        return bounds.get(name) or bounds.get("y_i" if name.startswith("y_") else name)
    return bound(a) is not None and bound(a) == bound(b)


def _kinks(expr, catalog, binders=()):
    """(condition, the sums around it) of each max, |.| or indicator of values in ``expr``."""
    out = []
    if isinstance(expr, SumOver):
        body, index, lo, hi, excluded = expr.args
        return _kinks(body, catalog, binders + ((index, excluded),))
    if isinstance(expr, Ind):
        cond = expr.args[0]
        if isinstance(cond, Relational) and not _about_indices(cond):
            out.append((sp.Add(cond.lhs, -cond.rhs) if cond.rhs != 0 else cond.lhs, binders))
    elif isinstance(expr, (sp.Max, sp.Min)) and len(expr.args) == 2:
        a, b = expr.args
        out.append((b if a == 0 else a if b == 0 else sp.Add(a, -b), binders))
    elif isinstance(expr, sp.Abs):
        out.append((expr.args[0], binders))
    if isinstance(expr, sp.Basic):
        for a in expr.args:
            out.extend(_kinks(a, catalog, binders))
    return out


def _about_indices(cond):
    def index_like(e):
        if isinstance(e, sp.Symbol):
            return bool(e.is_integer)
        if isinstance(e, sp.Indexed):
            return e.base.label.name == "y"
        if isinstance(e, sp.Integer):
            return True
        return isinstance(e, (sp.Add, sp.Mul)) and all(index_like(a) for a in e.args)
    return index_like(cond.lhs) and index_like(cond.rhs)


def _calls(expr, catalog, binders=()):
    """(definition id, the sums around the call) of each named function ``expr`` calls, nearest first."""
    if isinstance(expr, SumOver):
        body, index, lo, hi, excluded = expr.args
        return _calls(body, catalog, binders + ((index, excluded),))
    out = []
    if isinstance(expr, sp.core.function.AppliedUndef):
        spec = getattr(catalog, "functions", {}).get(type(expr).__name__)
        if spec is not None and spec.definition and spec.definition in catalog.equations:
            out.append((spec.definition, binders))
    if isinstance(expr, sp.Basic):
        for a in expr.args:
            out.extend(_calls(a, catalog, binders))
    return out


def kink_relations(eq, catalog):
    """The kinks of ``eq`` as ``(relation u != 0, sums around it)``: written in its sides, else in the definitions
    of the named functions it uses (the batch loss of (2.9) has its kinks in the per-sample loss, inside the sum
    over the samples)."""
    found = [k for side in eq.sides for k in _kinks(side, catalog)]
    todo, seen = [(side, ()) for side in eq.sides], {eq.id}
    while not found and todo:
        expr, around = todo.pop(0)
        for definition, binders in _calls(expr, catalog, around):
            if definition in seen:
                continue
            seen.add(definition)
            form = catalog.equations[definition].sides[1]
            found.extend(_kinks(form, catalog, binders))
            todo.append((form, binders))
    out, keys = [], set()
    for expr, binders in found:
        key = sp.srepr(expr)
        if key not in keys:
            keys.add(key)
            out.append((sp.Ne(expr, 0, evaluate=False), binders))
    return out


def _binders_latex(binders, expr, bold):
    used = [(index, excluded) for index, excluded in binders if expr.has(index)]
    parts = [latex(index, bold=bold) if excluded is sp.S.NaN else
             latex(sp.Ne(index, excluded, evaluate=False), bold=bold) for index, excluded in used]
    return parts


def conditions_of(eq, catalog, record):
    """The conditions the checks and proof of ``eq`` used (its ledger ``record`` says how far it is proved)."""
    bold = getattr(eq, "bold", None)
    out = []
    for name in getattr(eq.space, "fixed", ()):
        size = eq.space.sizes[name][0]
        out.append({"kind": "size", "latex": f"{name} = {size}", "words": "the statement is about this size only"})
    if record.get("mark") == "range":
        highest = {}
        for text in record.get("proved_for", []):
            for name, low, high in RANGE.findall(text):
                highest[name] = max(highest.get(name, 0), int(high or low))
        for name, value in sorted(highest.items()):
            if name in getattr(eq.space, "fixed", ()):
                continue  # C = 2 above says it
            out.append({"kind": "range", "latex": rf"{name} \leq {value}", "words": "proved for these sizes only"})
    for rel in getattr(eq, "domain", ()):
        out.append({"kind": "domain", "latex": latex(rel, bold=bold), "words": "its declared domain"})
    for a, b in index_restrictions(eq):
        out.append({"kind": "index", "latex": latex(sp.Ne(_named(a), _named(b), evaluate=False), bold=bold),
                    "words": "the only indices its space visits"})
    if off_kinks(record):
        for rel, binders in kink_relations(eq, catalog):
            out.append({"kind": "kink", "latex": latex(rel, bold=bold), "every": _binders_latex(binders, rel.lhs, bold),
                        "words": "off the kinks"})
        methods = set(record.get("methods", []))
        points = record.get("kink_points", 0)
        out.append({"kind": "convention", "latex": "",
                    "words": f"on a kink, where no derivative exists, the value printed is the package's convention: "
                             f"compared with it{', and with the one-sided slopes,' if 'one-sided slopes' in methods else ''}"
                             f" at {points} point{'s' if points != 1 else ''} exactly on a kink"})
    return out
