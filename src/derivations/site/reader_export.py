"""What a page's "Check your own" boxes need in the browser, written by the build from the engine: one JSON per page.

For each identity and gradient of the page: its sides (notation trees, as
:func:`derivations.equations.reader.encode` writes them), the cases the
reader's line is checked at (the sizes, indices and labels the prover covers,
capped to the smallest ones, with every value of the page's symbols written in
real symbols by the space's own rules, as the prover writes them), and the
known wrong versions of its right side (the mutation test's, plus the sum over
every class and the wrong normaliser), each with a name. The browser evaluates
these, never re-deriving the page's maths in another way.

Also here: the files the boxes load when one is opened (Pyodide from npm, the
sympy and mpmath wheels that ``make setup`` downloads with their hashes, the
checker's Python sources, KaTeX's script), served by the site itself.
"""

from __future__ import annotations

from dataclasses import replace
import gzip
import hashlib
import io
import itertools
import json
import os
import re
from pathlib import Path
import shutil
import subprocess
import zipfile

import numpy as np
import sympy as sp

from derivations.equations.mutation import _positions, _replace, side_mutants
from derivations.equations.notation import FUNCTION_LATEX, SumOver, Frac, latex
from derivations.equations.prover import _labels_matter, _labels_of, statement_indices
from derivations.equations import reader
from derivations.equations.symbols import N, C

__all__ = ["page_data", "ReaderDataError", "reader_files", "site_files", "WHEELS_DIR", "PYODIDE_FILES", "KINDS", "COLD"]

KINDS = ("identity", "gradient")  # the statements a reader re-derives (a definition is given, not derived)
WHEELS_DIR = Path(".cache") / "reader-wheels"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
MAX_CASES = 5  # the smallest sizes first, until this many cases, then one where every size and index differs
PAIR_ROWS = (4, 3, 6)  # the batch a one-sample point is a sample of, for the pairs (the first unlike C and D)
MAX_SPREAD_CASES = 40  # and beside it, points taking every pair of values of two indices or the label of sample i
MAX_MUTANTS = 40


def _plain(v):
    if isinstance(v, np.generic):
        return v.item()
    return v


def _value(v):
    arr = np.asarray(v, dtype=object) if not isinstance(v, sp.Basic) else None
    if arr is None or arr.ndim == 0:
        return reader.encode(_plain(v if arr is None else arr.item()))
    if arr.ndim == 1:
        return {"vector": [reader.encode(_plain(x)) for x in arr]}
    return {"matrix": [[reader.encode(_plain(x)) for x in row] for row in arr]}


def _case(point):
    """One case as the browser reads it: the point's sizes, indices and labels, and its values in real symbols."""
    values, subs = point.symbolic_values()
    label_names = point.label_names
    shown = [f"{k} = {v}" for k, v in point.indices.items()]
    shown += [f"{name}_{n + 1} = {int(q)}" for name in sorted(label_names)
              for n, q in enumerate(np.asarray(values[name]).tolist())]
    return {
        "label": ", ".join(shown) or "every value",
        "indices": {k: int(v) for k, v in point.indices.items()},
        "labels": {name: [int(q) for q in np.asarray(values[name]).tolist()] for name in label_names},
        "values": {name: _value(v) for name, v in values.items() if name not in label_names},
        "primitive": sorted([[s.name, dict(s._assumptions_orig)] for s in subs]),
    }


SIZE_NAMES = reader.SIZES  # the sizes, as the checker knows them (reader._index_arithmetic)


def _spread(point):
    """How far apart a point's sizes, indices and labels are: the more distinct values (none of them 1), the more
    mistakes of a size or an index it tells apart (x_1 for x_i, 1/N, a row for a column)."""
    labels = [int(q) for name in point.label_names for q in np.asarray(point.values[name]).tolist()]
    indices = [int(v) for k, v in point.indices.items() if k not in SIZE_NAMES]
    sizes = [int(v) for k, v in point.indices.items() if k in SIZE_NAMES]
    own = indices + labels[:1]
    return (len(set(sizes)), len(set(own)), -sum(1 for v in own if v == 1), sum(sizes))


def _widened(point):
    """A one-sample point (N = 1, X of one row) as sample i = 2 of a batch of N rows, N unlike C and D: the sample
    index and the batch size then matter, as on the page (the other rows take other labels). A point of one sample's
    scores (s and its label y_1, i = 1, no X) is sample i = 2 of two, the first of another label: y_1 for y_i is then
    told apart (it was the same value at every case of the score-level equations)."""
    X, y = point.values.get("X"), point.values.get("y")
    if X is None and y is not None and np.size(y) == 1 and point.indices.get("i") == 1 and "y" in point.label_names:
        num_classes, label = int(point.indices.get("C", 2)), int(np.asarray(y).reshape(-1)[0])
        other = next((q for q in range(1, num_classes + 1) if q != label), label)
        return replace(point, indices=dict(point.indices, i=2), values=dict(point.values, y=np.array([other, label])))
    if point.indices.get("N") != 1 or X is None or y is None or np.shape(X)[0] != 1:
        return point
    taken = {int(point.indices.get(k, 0)) for k in ("C", "D")}
    rows = next(n for n in (3, 4, 2, 6) if n not in taken)
    num_classes, label = int(point.indices.get("C", 2)), int(np.asarray(y)[0])
    others = [q for q in range(1, num_classes + 1) if q != label] or [label]
    labels = [others[n % len(others)] for n in range(rows)]
    labels[1] = label
    values = dict(point.values, X=np.zeros((rows, np.shape(X)[1])), y=np.array(labels))
    return replace(point, indices=dict(point.indices, N=rows, i=2), values=values)


def _distinct_sizes(eq):
    """The sizes of :func:`_distinct_case` (None without sizes)."""
    choices = eq.space.size_choices()
    if not choices or not choices[0]:
        return None
    return max(choices, key=lambda s: (len(set(s.values())), min(s.values()) > 1, s.get("C", 0), s.get("N", 0),
                                      -s.get("D", 0)))


def _distinct_case(eq, catalog, labels):
    """The case at the sizes that differ most (the largest C among them), at the point whose indices and labels
    differ most, a one-sample point widened to a batch: where rows and columns, samples and batches, i and j, and
    a factor such as (C - 2)(C - 3) that vanishes at small sizes are told apart."""
    choices = eq.space.size_choices()
    if not choices or not choices[0]:
        return None
    sizes = max(choices, key=lambda s: (len(set(s.values())), min(s.values()) > 1, s.get("C", 0), s.get("N", 0),
                                       -s.get("D", 0)))
    free = _free_at(eq, catalog, sizes, labels)
    if free is None:
        return None
    points = list(itertools.islice(eq.space.every(sizes, free), 5000))
    best = max(points, key=_spread)
    # and points where every pair of the statement's own coordinates (i, j, k, p and the label of sample i) takes
    # every pair of its values at these sizes: a term such as (j - 1)(j - 2)(j - 3) vanishes at every j of the
    # smallest sizes, and 1(j = y_i) 1(j <= 3) or 1(i = 2) 1(j = 2) differ from the page only at a pair of values
    # (a point of one sample's is taken as each sample i of a batch of PAIR_ROWS rows in turn: i is a coordinate too)
    if _one_sample(best):
        rows = next(n for n in PAIR_ROWS if n not in {int(best.indices.get(k, 0)) for k in ("C", "D")})
        points = [_as_sample(p, i, rows) for p in points for i in range(1, rows + 1)]
        best = _widened(best)
    out, seen = [_case(_widened(best))], {a for a in _pairs_of(best) if len(a) == 1}
    for point in _pair_cover(points, best):
        # a case with a value no case before had is every line's; one that adds pairs only, a line's that computes
        # with an index (reader._index_arithmetic)
        singles = {a for a in _pairs_of(point) if len(a) == 1}
        out.append(dict(_case(_widened(point)), spread=True, pairs=singles <= seen))
        seen |= singles
    return out


def _own(point, i=None):
    """{name: value} of a point's indices (sizes left out) and the label of sample i, as ``y_i``; with ``i``, the
    point's one sample taken as sample ``i`` (its label the first)."""
    own = {k: int(v) for k, v in point.indices.items() if k not in SIZE_NAMES}
    if i is not None:
        own["i"] = i
    for name in sorted(point.label_names):
        labels = np.asarray(point.values[name]).reshape(-1).tolist()
        at = 0 if i is not None else own.get("i", 1) - 1
        if 0 <= at < len(labels):
            own[f"{name}_i"] = int(labels[at])
    return own


def _pairs_of(point):
    own = sorted(_own(point).items())
    return {(a, b) for a, b in itertools.combinations(own, 2)} | {(a,) for a in own}


def _pair_cover(points, best):
    """Points (best's first left out) until every pair of values two of the own coordinates (:func:`_own`) take
    together somewhere at these sizes, and every single value, is taken by one of them (greedy: the point that takes
    the most pairs not taken yet, then the most distinct values): a covering array of strength 2, at most
    MAX_SPREAD_CASES."""
    pairs = [(_pairs_of(p), _spread(p), n) for n, p in enumerate(points)]
    left = set().union(*(q for q, _, _ in pairs)) - _pairs_of(best)
    out = []
    while left and len(out) < MAX_SPREAD_CASES:
        taken, _, n = max(pairs, key=lambda q: (len(q[0] & left), q[1], -q[2]))
        if not taken & left:
            break
        out.append(points[n])
        left -= taken
    return out


# the sizes past the smallest ones, each case sample i of a batch of N where its point is one sample's: one past the
# engine's range in one size at a time (the other sizes smallest: cheap), then the sizes no case had yet
PAST_SAMPLE = (3, 4)  # (i, N) of a one-sample point at the sizes one past the range
UNSEEN_SAMPLE = (2, 2)  # (i, N) of one at the sizes not seen yet
MAX_ENUMERATED = 20000  # points of one choice of sizes looked at for the indices and labels of a size case


def _seen(cases):
    """{name: set of values} of the sizes, indices and the label of sample i (``y_i``) of exported cases."""
    out = {}
    for c in cases:
        own = dict(c["indices"])
        for name, labels in c["labels"].items():
            at = own.get("i", 1) - 1
            if 0 <= at < len(labels):
                own[f"{name}_i"] = labels[at]
        for k, v in own.items():
            out.setdefault(k, set()).add(v)
    return out


def _one_sample(point):
    """Whether a point is one sample's (i = 1 of one label; X of one row, or none)."""
    y, X = point.values.get("y"), point.values.get("X")
    return (y is not None and "y" in point.label_names and np.size(y) == 1 and int(point.indices.get("i", 1)) == 1
            and point.indices.get("N", 1) == 1 and (X is None or np.shape(X)[0] == 1))


def _fresh(point, seen, i):
    """How many of a point's indices and labels of sample i take values no case before had (then how far apart they
    are): a term such as (j - 1)(j - 2)(j - 3) or (y_i - 1)(y_i - 2) vanishes at no more values."""
    own = _own(point, i)
    fresh = sum(1 for k, v in own.items() if v not in seen.get(k, ()))
    return (fresh, len(set(own.values())), -sum(1 for v in own.values() if v == 1), sum(own.values()))


def _as_sample(point, i, rows):
    """A one-sample point as sample ``i`` of a batch of ``rows`` (X's rows, if it has X), the other samples of other
    labels than sample i's (and than each other's where there are classes enough)."""
    if not _one_sample(point):
        return point
    X, y = point.values.get("X"), point.values.get("y")
    num_classes, label = int(point.indices.get("C", 2)), int(np.asarray(y).reshape(-1)[0])
    others = [q for q in range(num_classes, 0, -1) if q != label] or [label]
    labels = [others[n % len(others)] for n in range(rows - 1)]
    labels.insert(i - 1, label)
    values, indices = dict(point.values, y=np.array(labels)), dict(point.indices, i=i)
    if X is not None:
        values["X"] = np.zeros((rows, np.shape(X)[1]))
        indices["N"] = rows
    return replace(point, indices=indices, values=values)


def _size_cases(eq, catalog, labels, out, distinct=None):
    """Cases at sizes past the smallest ones (a term in the sizes, (N - 1)(N - 3), (D - 1)(D - 2) or
    (C - 2)(C - 3)(C - 4)(C - 5), vanishes at every size of the others): each size one past the engine's range
    (its declared sizes; a size the statement fixes stays), the other sizes their smallest, then the sizes of the
    range with the most values no case had yet; a one-sample point made sample i of a batch (N past the range,
    then N = 2). At each, the point whose indices and label of sample i take the most values no case had."""
    space_sizes = {n: v for n, v in eq.space.sizes.items() if v}
    if not space_sizes:
        return [], []
    fixed = set(getattr(eq.space, "fixed", ()))
    smallest = {n: min(v) for n, v in space_sizes.items()}
    targets = [(dict(smallest, **{n: max(v) + 1}), PAST_SAMPLE) for n, v in space_sizes.items() if n not in fixed]
    seen = _seen(out)
    for sizes, _ in targets + ([(distinct, None)] if distinct else []):
        for k, v in sizes.items():
            seen.setdefault(k, set()).add(v)
    unseen = min(eq.space.size_choices(), key=lambda s: (-sum(1 for k, v in s.items() if v not in seen.get(k, ())),
                                                          int(np.prod(list(s.values()))), sorted(s.items())))
    past = len(targets)
    if any(v not in seen.get(k, ()) for k, v in unseen.items()):
        targets.append((unseen, UNSEEN_SAMPLE))
    made = []  # (case, whether past the range)
    for n, (sizes, (i, rows)) in enumerate(targets):
        free = _free_at(eq, catalog, sizes, labels)
        if free is None:
            continue
        rows = sizes.get("N", rows)
        i = min(i, rows)
        now = _seen(out + [c for c, _ in made])
        best = max(itertools.islice(eq.space.every(sizes, free), MAX_ENUMERATED),
                   key=lambda p: _fresh(p, now, i if _one_sample(p) else None))
        case = _case(_as_sample(best, i, rows))
        if case["label"] not in {c["label"] for c in out} | {c["label"] for c, _ in made}:
            made.append((case, n < past))
    return [c for c, is_past in made if is_past], [c for c, is_past in made if not is_past]


def _free_at(eq, catalog, sizes, labels):
    """The indices (and labels, where the sides read them) a case at ``sizes`` ranges over; None where the space
    has no point at those sizes."""
    free = statement_indices(eq, eq.sides, catalog, sizes, labels)
    first = next(iter(eq.space.every(sizes, free)), None)
    if first is None:
        return None
    if _labels_matter(eq.sides, first):
        free |= set(first.label_names) | {"p"}
    return free


def _values_text(values):
    values = [str(v) for v in sorted(values)]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _cases(eq, catalog):
    """The statement's cases: every index and label the prover ranges over, at the smallest sizes, one case where
    every size and index differs and its neighbours (:func:`_distinct_case`), and cases at sizes past the range
    (:func:`_size_cases`). The sizes' text names each size and every value each index and label took."""
    labels = _labels_of(eq)
    combos = sorted(eq.space.size_choices(), key=lambda s: (int(np.prod(list(s.values()) or [1])), sorted(s.items())))
    out = []
    for sizes in combos:
        free = _free_at(eq, catalog, sizes, labels)
        if free is None:
            continue
        for point in eq.space.every(sizes, free):
            out.append(_case(point))
        if len(out) >= MAX_CASES:
            break
    out = out[:MAX_CASES]
    # first the sizes one past the range, one at a time (cheap: a wrong size term is refuted early), then the case
    # where every size and index differs and its neighbours, then the sizes no case had yet
    past, unseen = _size_cases(eq, catalog, labels, out, _distinct_sizes(eq))
    out += past
    for distinct in _distinct_case(eq, catalog, labels) or []:
        if distinct["label"] not in {c["label"] for c in out}:
            out.append(distinct)
    out += [c for c in unseen if c["label"] not in {d["label"] for d in out}]
    # each size, and every value each index and label of sample i took: a line is checked there only (a term that
    # vanishes at each of them is not seen), never "every j" of any size
    # (the cases of every pair of index values are said apart: a line that computes with no index skips them)
    kept = [c for c in out if not c.get("pairs")]
    shown = {", ".join(f"{k} = {v}" for k, v in c["indices"].items() if k in SIZE_NAMES) for c in kept} - {""}
    sizes_text = "; ".join(sorted(shown, key=lambda t: [int(x) for x in re.findall(r"\d+", t)])) or "no size"
    values = _seen(kept)
    varying = sorted(k for k, v in values.items() if k not in SIZE_NAMES and len(v) > 1)
    if varying:
        sizes_text += ", at " + "; ".join(f"{k} = {_values_text(values[k])}" for k in varying)
    paired = [c for c in out if c.get("pairs")]
    pairs_text = ""
    if paired:
        ranges = {k: v for k, v in _seen(paired).items() if k not in SIZE_NAMES}
        names = [f"{k} = {min(v)} to {max(v)}" for k, v in sorted(ranges.items())]
        at = ", ".join(f"{k} = {v}" for k, v in paired[0]["indices"].items() if k in SIZE_NAMES)
        pairs_text = (f"every pair of values of {', '.join(names[:-1])} and {names[-1]}" if len(names) > 1
                      else f"every value of {names[0]}") + (f" at {at}" if at else "")
    return out, sizes_text, pairs_text


def _first_difference(a, b):
    """The outermost nodes where two trees differ, an index's holder (s_j) taken whole."""
    if a == b:
        return None
    if isinstance(a, (sp.Indexed, sp.Symbol, sp.Number)) or type(a) is not type(b) or len(a.args) != len(b.args):
        return a, b
    for x, y in zip(a.args, b.args):
        d = _first_difference(x, y)
        if d is not None:
            return d
    return a, b


def _name(operator, original, tree, bold):
    def tex(e):
        return f"\\({latex(e, bold=bold)}\\)"
    diff = _first_difference(original, tree)
    if diff is None:
        return None
    old, new = diff
    if operator == "drop term" and isinstance(old, sp.Add):
        kept = list(new.args) if isinstance(new, sp.Add) else [new]
        missing = [t for t in old.args if t not in kept]
        return f"the term {tex(missing[0])} dropped" if missing else None
    if operator == "flip sign":
        return f"the sign of {tex(old)} flipped"
    if operator == "reverse relation":
        return f"the inequality reversed: {tex(new)}"
    return f"{tex(new)} where the page has {tex(old)}"


def _left_out(side, path):
    """The side without the factor at ``path`` (1 in its place where it is no factor of a product)."""
    parent = side
    for n in path[:-1]:
        parent = parent.args[n]
    if path and isinstance(parent, sp.Mul) and len(parent.args) > 1:
        rest = [a for n, a in enumerate(parent.args) if n != path[-1]]
        return _replace(side, path[:-1], rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False))
    return _replace(side, path, sp.Integer(1))


def _extra_mutants(side):
    """Mistakes the one-token mutants do not make: a sum over every class (the skipped index kept), a wrong normaliser.
    Each is the side with one node replaced as written (mutation._replace): xreplace would let sympy reorder a product,
    G X^T for X^T G, a tree of another shape than the mistake it names."""
    out = []
    for path, node in _positions(side):
        if isinstance(node, SumOver) and node.args[4] is not sp.S.NaN:
            body, index, lo, hi, excluded = node.args
            every = SumOver(body, index, lo, hi)
            out.append(("all classes", _replace(side, path, every),
                        f"the sum over all classes, not \\({latex(index)} \\neq {latex(excluded)}\\)"))
        if isinstance(node, Frac) and node.args[0] == 1 and node.args[1] == N:
            out.append(("normaliser", _replace(side, path, Frac(1, C)), "the normaliser \\(1/C\\), not \\(1/N\\)"))
            out.append(("normaliser", _left_out(side, path), "the normaliser \\(1/N\\) left out"))
    return out


def _mutants(eq, bold, page_obj):
    side = eq.sides[-1]
    found = [(name, tree, text) for name, tree, text in _extra_mutants(side)]
    for operator, tree in side_mutants(side):
        text = _name(operator, side, tree, bold)
        if text:
            found.append((operator, tree, text))
    out, seen = [], set()
    for operator, tree, text in found:
        key = latex(tree)
        if key in seen or key == latex(side):
            continue
        seen.add(key)
        out.append({"operator": operator, "name": text, "tree": reader.encode(tree)})
    # a mutant equal to the page's side is no mistake (it agrees at every point tried, at every case: the smallest
    # sizes alone, N = 1, cannot tell a 1/N left out): left out
    kept = []
    for m in out:
        if len(kept) >= MAX_MUTANTS:
            break
        tree = reader.decode(m["tree"])
        if not reader._agree(page_obj, page_obj.equations[eq.id], tree, side, _rng(), deadline=float("inf"),
                             cases=len(page_obj.equations[eq.id].cases)):
            kept.append(m)
    return kept


def _rng():
    import random
    return random.Random(0)


def _notation(eq, bold):
    """The LaTeX of each symbol the statement writes: what a reader's line may use."""
    seen, out = set(), []
    bound = set()
    for side in eq.sides:
        for node in sp.preorder_traversal(side):
            if isinstance(node, SumOver):
                bound.add(node.args[1].name)
    def walk(node):
        if isinstance(node, sp.Indexed) or (isinstance(node, sp.Symbol) and node.name not in bound):
            text = latex(node, bold=bold)
            if text not in seen:
                seen.add(text)
                out.append(text)
            return
        for a in getattr(node, "args", ()):
            walk(a)

    for side in eq.sides:
        walk(side)
    return out, sorted(bound)


def _hint(side, bold):
    """The example line a box shows (what to type): the equation's own right side as the printer prints it, its terms
    in the other order when it is a sum (a line need not be the page's to be equal). It is never a known mistake:
    tests/test_reader_hints.py judges every one equal and unlike every mutant."""
    if isinstance(side, sp.Add) and len(side.args) > 1:
        side = sp.Add(*reversed(side.args), evaluate=False)
    return latex(side, bold=bold)


class ReaderDataError(Exception):
    """The data of a page's boxes cannot be written: the message names the page, the equation and its module line."""


def _where(page, eq):
    return f"{page}, ({eq.shown_number}) {eq.id} ({eq.side_source(len(eq.sides))})"


def _warn(text):
    """Said on the build's output (never a crash of the build: the box itself says it cannot check)."""
    import sys
    print(f"derivations: {text}", file=sys.stderr)


def _entry(eq, catalog, bold):
    cases, sizes, pairs = _cases(eq, catalog)
    notation, bound = _notation(eq, bold)
    entry = {
        "id": eq.id, "number": eq.shown_number, "kind": eq.kind, "title": eq.title,
        "sides": [reader.encode(s) for s in eq.sides], "cases": cases, "sizes": sizes, "pairs": pairs,
        "notation": notation, "bound": bound, "right": latex(eq.sides[-1], bold=bold),
        "hint": _hint(eq.sides[-1], bold), "mutants": [],
    }
    reader.Equation(json.loads(json.dumps(entry)), reader.Page({"page": "", "functions": {}, "equations": []}))
    return entry


def _unchecked(eq, bold, why):
    """The entry of an equation whose lines the box cannot check: the box is shown, and says so (and why)."""
    return {"id": eq.id, "number": eq.shown_number, "kind": eq.kind, "title": eq.title, "sides": [], "cases": [],
            "sizes": "", "notation": [], "bound": [], "right": latex(eq.sides[-1], bold=bold),
            "hint": _hint(eq.sides[-1], bold), "mutants": [], "unchecked": why}


def page_data(catalog, page):
    """The JSON of one page for its boxes (None when it has no identity or gradient).

    An equation whose data cannot be written (a node the reader does not know) still gets its box, which says
    plainly that it cannot check lines of it, and why; the build says so too, naming the page, the equation and
    its module line (never a crash of the build). An error that concerns the whole page (a named function's
    definition) is a :class:`ReaderDataError` naming the page, the defining equation and its module line."""
    equations = [eq for eq in catalog.on_page(page) if eq.kind in KINDS]
    if not equations:
        return None
    problem = next(p for p in catalog.problems if p.page == page)
    bold = set(equations[0].bold)
    functions = {}
    for name, spec in catalog.functions.items():
        if name not in FUNCTION_LATEX:
            continue
        tex, show_args = FUNCTION_LATEX[name]
        entry = {"tex": tex, "show_args": show_args, "params": [], "body": None}
        if spec.definition:
            definition = catalog[spec.definition]
            try:
                entry["params"] = [reader.encode(a) for a in definition.sides[0].args]
                entry["body"] = reader.encode(definition.sides[1])
            except Exception as exc:
                raise ReaderDataError(f"{page}: the reader's data cannot be written: the definition of {name}, "
                                      f"{_where(definition.page, definition)}: {type(exc).__name__}: {exc}") from exc
        functions[name] = entry
    data = {"page": page, "columns": problem.columns, "rows": problem.rows, "bold": sorted(bold),
            "functions": functions, "equations": []}
    for eq in equations:
        try:
            data["equations"].append(_entry(eq, catalog, bold))
        except Exception as exc:  # noqa: BLE001 -- any failure is said, in the box and on the build's output
            why = f"the build could not write its data ({type(exc).__name__}: {exc})"
            _warn(f"{_where(page, eq)}: its \"Check your own line\" box cannot check lines: {why}")
            data["equations"].append(_unchecked(eq, bold, why))
    try:
        page_obj = reader.Page(json.loads(json.dumps(data)))
    except Exception as exc:
        raise ReaderDataError(f"{page}: the reader cannot read the page's data: {type(exc).__name__}: {exc}") from exc
    for entry, eq in zip(data["equations"], equations):
        if entry.get("unchecked"):
            continue
        try:
            entry["mutants"] = _mutants(eq, bold, page_obj)
        except Exception as exc:  # noqa: BLE001 -- the box still checks; it names no known mistake
            _warn(f"{_where(page, eq)}: its known mistakes cannot be written ({type(exc).__name__}: {exc}); "
                  "the box checks lines but names no mistake")
    return data


RUNTIME_DIR = Path(".cache") / "reader-runtime"
MODULES_LIST = Path(__file__).with_name("reader_modules.txt")  # what the checker imports in Pyodide (see below)
RUNTIME_SCRIPT = Path(__file__).with_name("reader_runtime.mjs")
# served gzipped by the site itself and fetched so by the worker (DecompressionStream): a host that does not
# compress (.wasm, .zip and .mjs often are not) still sends these compressed
PRECOMPRESSED = ("pyodide.asm.wasm", "pyodide.asm.mjs", "pyodide-lock.json")


def _gzip(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def _runtime(root):
    """(name, gzipped bytes) of what the worker fetches to start: Pyodide's own files, and stdlib.zip and lib.zip,
    the modules of Python's library and of sympy and mpmath that the checker imports (MODULES_LIST) as bytecode
    of Pyodide's Python (reader_runtime.mjs, run once by Node and kept under .cache/reader-runtime/).

    MODULES_LIST is what Pyodide has imported after judging every line of tests/data/reader_cases.json and every
    hint (``node src/derivations/site/reader_runtime.mjs --list node_modules/pyodide .cache/reader-wheels
    site/assets/reader/pages tests/data/reader_cases.json src/derivations/site/reader_modules.txt`` writes it); a
    module missing from it is not an error in the browser (the worker then loads the whole library, and says so in
    the message's ``fallback``), and the browser tests fail on it, naming the module."""
    root = Path(root)
    pyodide = root / "node_modules" / "pyodide"
    wheels = sorted((root / WHEELS_DIR).glob("*.whl"))
    key = hashlib.sha256()
    for part in [(pyodide / "package.json").read_bytes(), MODULES_LIST.read_bytes(), RUNTIME_SCRIPT.read_bytes()] + [
            w.name.encode() + str(w.stat().st_size).encode() for w in wheels]:
        key.update(part)
    # beside the wheels' real directory: a copy of the project that links .cache/reader-wheels (as the tests'
    # copies do) shares the compiled runtime, whose name is its inputs' hash
    out = (root / WHEELS_DIR).resolve().parent / RUNTIME_DIR.name / key.hexdigest()[:16]
    names = [f + ".gz" for f in PRECOMPRESSED] + ["stdlib.zip.gz", "lib.zip.gz"]
    if not all((out / n).is_file() for n in names):
        node = shutil.which("node")
        if node is None:
            raise FileNotFoundError("the reader's runtime is compiled by Pyodide under Node.js when the site is "
                                    "built: install `node` (>= 18)")
        work = out / f"work-{os.getpid()}"  # two builds at once each write their own, then rename (atomic)
        subprocess.run([node, str(RUNTIME_SCRIPT), str(pyodide), str(root / WHEELS_DIR), str(MODULES_LIST),
                        str(work)], check=True, timeout=900, stdout=subprocess.DEVNULL)
        for name in ("stdlib.zip", "lib.zip"):
            (work / f"{name}.gz").write_bytes(_gzip((work / name).read_bytes()))
        for name in PRECOMPRESSED:
            (work / f"{name}.gz").write_bytes(_gzip((pyodide / name).read_bytes()))
        for name in names:
            os.replace(work / name, out / name)
        shutil.rmtree(work)
    return [(n, out / n) for n in names]


def _checker_zip(root=None):
    """The checker's own modules (reader.BROWSER_MODULES, with the packages' empty __init__), as one gzipped zip,
    each module as bytecode of Pyodide's Python when ``root`` is given (reader_runtime.mjs --compile, run once per
    version of the sources and kept under .cache/reader-runtime/): the browser would otherwise compile them at the
    first Check (about half a second under Pyodide)."""
    plain = _checker_sources()
    if root is None:
        return _gzip(plain)
    root = Path(root)
    pyodide = root / "node_modules" / "pyodide"
    key = hashlib.sha256(plain + (pyodide / "package.json").read_bytes() + RUNTIME_SCRIPT.read_bytes()).hexdigest()
    out = (root / WHEELS_DIR).resolve().parent / RUNTIME_DIR.name / f"checker-{key[:16]}.zip.gz"
    if not out.is_file():
        node = shutil.which("node")
        if node is None:
            raise FileNotFoundError("the reader's checker is compiled by Pyodide under Node.js when the site is "
                                    "built: install `node` (>= 18)")
        out.parent.mkdir(parents=True, exist_ok=True)
        work = out.parent / f"checker-work-{os.getpid()}"
        work.mkdir(exist_ok=True)
        (work / "in.zip").write_bytes(plain)
        subprocess.run([node, str(RUNTIME_SCRIPT), "--compile", str(pyodide), str(work / "in.zip"),
                        str(work / "out.zip")], check=True, timeout=900, stdout=subprocess.DEVNULL)
        (work / "out.zip.gz").write_bytes(_gzip((work / "out.zip").read_bytes()))
        os.replace(work / "out.zip.gz", out)  # two builds at once each write their own, then rename (atomic)
        shutil.rmtree(work)
    return out.read_bytes()


def _checker_sources():
    """The checker's modules as sources, in one uncompressed zip."""
    src = Path(reader.__file__).resolve().parents[2]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        packages = set()
        for module in reader.BROWSER_MODULES:
            parts = module.split("/")
            packages |= {"/".join(parts[:n]) for n in range(1, len(parts))}
            info = zipfile.ZipInfo(module, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, (src / module).read_bytes())
        for package in sorted(packages):
            if f"{package}/__init__.py" not in reader.BROWSER_MODULES:
                z.writestr(zipfile.ZipInfo(f"{package}/__init__.py", date_time=(1980, 1, 1, 0, 0, 0)), b"")
    return buffer.getvalue()


def reader_files(root):
    """(destination under the site, source path or bytes) of every file the checker loads when Check is pressed,
    and of the whole libraries it falls back on (never fetched when MODULES_LIST is complete)."""
    root = Path(root)
    pyodide = root / "node_modules" / "pyodide"
    wheels = root / WHEELS_DIR
    missing = [p for p in [pyodide / f for f in PYODIDE_FILES] if not p.is_file()]
    found = sorted(wheels.glob("*.whl")) if wheels.is_dir() else []
    if missing or len(found) < 2:
        raise FileNotFoundError("the reader's checker needs Pyodide (npm ci) and the sympy and mpmath wheels "
                                f"(make setup downloads them into {WHEELS_DIR}); missing: "
                                f"{', '.join(str(p) for p in missing) or 'the wheels'}")
    out = [("assets/reader/pyodide/pyodide.mjs", pyodide / "pyodide.mjs"),
           ("assets/reader/pyodide/python_stdlib.zip", pyodide / "python_stdlib.zip")]
    out += [(f"assets/reader/{'pyodide/' if n[:-3] in PRECOMPRESSED else ''}{n}", path) for n, path in _runtime(root)]
    out += [(f"assets/reader/wheels/{w.name}", w) for w in found]
    out.append(("assets/reader/checker.zip.gz", _checker_zip(root)))
    katex = (root / "node_modules" / "katex" / "dist" / "katex.min.js").read_bytes()
    out.append(("assets/reader/katex.min.js.gz", _gzip(katex)))
    return out


# what the worker fetches when Check is first pressed (the rest of reader_files is the fallback), and the page's data
COLD = ("pyodide/pyodide.mjs", "pyodide/pyodide.asm.mjs.gz", "pyodide/pyodide.asm.wasm.gz",
        "pyodide/pyodide-lock.json.gz", "stdlib.zip.gz", "lib.zip.gz", "checker.zip.gz", "katex.min.js.gz")
WORKER = Path(__file__).resolve().parents[3] / "docs" / "javascripts" / "reader-worker.js"


def _stdlib_names(root):
    """The top-level modules of Pyodide's whole standard library (an import of another name is not its to answer)."""
    with zipfile.ZipFile(Path(root) / "node_modules" / "pyodide" / "python_stdlib.zip") as z:
        return sorted({n.split("/")[0].removesuffix(".py") for n in z.namelist() if n.split("/")[0]})


def _bytes(source):
    return source if isinstance(source, bytes) else Path(source).read_bytes()


_WRITTEN = {}


def site_files(root, config, catalog):
    """MkDocs files: what the checker loads, and each page's JSON (gzipped); {page: {id: hint}} of the checkable
    equations; and what a box's Check button says before anything is loaded: {"version", "bytes"}."""
    from mkdocs.structure.files import File

    found = reader_files(root)
    contents = {dest: _bytes(source) for dest, source in found}
    files = [File.generated(config, dest, content=data) for dest, data in contents.items()]
    checkable, pages = {}, {}
    for page in sorted({eq.page for eq in catalog}):
        if (id(catalog), page) not in _WRITTEN:  # once per process: make serve's rebuilds do not redo it (~2 s)
            _WRITTEN[id(catalog), page] = page_data(catalog, page)
        data = _WRITTEN[id(catalog), page]
        if data is None:
            continue
        # a worked example has no statement (no box); an equation the box cannot check has one, which says so
        data = dict(data, equations=[e for e in data["equations"] if e["cases"] or e.get("unchecked")])
        checkable[page] = {e["id"]: e["hint"] for e in data["equations"]}
        dest = f"assets/reader/pages/{Path(page).stem}.json.gz"
        pages[dest] = _gzip(json.dumps(data, separators=(",", ":")).encode())
        files.append(File.generated(config, dest, content=pages[dest]))
        # the same, plain: what tests/test_reader.py reads as the browser's data
        files.append(File.generated(config, dest[:-3], content=json.dumps(data, separators=(",", ":"))))
    # the cache's name changes with any file the checker loads (the worker's script included)
    digest = hashlib.sha256()
    for dest in sorted(contents) + sorted(pages):
        digest.update(dest.encode() + hashlib.sha256(contents.get(dest) or pages[dest]).digest())
    digest.update(WORKER.read_bytes() if WORKER.is_file() else b"")
    cold = {name: len(contents["assets/reader/" + name]) for name in COLD}
    worker = len(WORKER.read_bytes()) if WORKER.is_file() else 0
    largest_page = max((len(d) for d in pages.values()), default=0)
    manifest = {"version": digest.hexdigest()[:16], "cold": cold,
                "fallback": {"stdlib": "pyodide/python_stdlib.zip", "stdlib_names": _stdlib_names(root),
                             "wheels": [Path(d).name for d in contents if d.startswith("assets/reader/wheels/")]}}
    text = json.dumps(manifest)
    files.append(File.generated(config, "assets/reader/manifest.json", content=text))
    download = {"version": manifest["version"], "bytes": sum(cold.values()) + worker + largest_page + len(text)}
    return files, checkable, download
