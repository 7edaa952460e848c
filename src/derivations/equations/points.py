"""Where an equation's statement lives: the points it is checked at, and the sizes it is proved for.

A :class:`Space` gives two things. ``sample(rng)`` draws the concrete points
of the numeric checks: random ones and the edge cases that break careless
derivations or code (logits of size 1e4, two classes, one sample) and, where
a formula has a kink, points built from integers that sit exactly on it.
``every(sizes, free)`` lists, for one choice of sizes, a point for every
value of the free indices and labels the statement ranges over; the prover
(:mod:`derivations.equations.prover`) replaces every value there by a real
symbol, so these points carry shapes, not numbers.

The builders here are generic; a problem passes what it derives from the
primitive values (``derived``: scores, one-hot targets, probabilities) and
its own kink points (``extra``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import itertools

import numpy as np
import sympy as sp

from derivations.equations.evaluate import Point
from derivations.linear_classifier import linear_scores

__all__ = ["Point", "Space", "one_hot", "max_of", "one_sample", "whole_batch", "sample_scores", "score_matrix", "logits",
           "binary", "scalar", "vectors", "labelled_scores", "weights", "batch", "regression", "scalar_with_parameter",
           "entries", "statement_letters", "array_shapes", "undeclared_shapes", "shapes_advice",
           "PROOF_SIZES", "TARGETS"]

# the sizes every statement with a free size is proved for, at least
PROOF_SIZES = {"C": (2, 3, 4, 5), "N": (1, 2, 3), "D": (1, 2, 3)}


@dataclass
class Space:
    """The points of one equation's checks and proofs.

    ``sizes`` maps each size of the statement (C, N, D) to the sizes a
    fixed-size proof covers; a statement about two classes has ``{"C": (2,)}``.
    ``general`` says how derived values read at a symbolic size (``t_k`` is
    ``KroneckerDelta(k, p)``), or is None where only fixed-size proofs apply;
    ``bounds`` gives the size that bounds each index there (k runs over 1..C).
    ``fixed`` names the sizes that the *statement itself* fixes (a statement
    about two classes): only then is a proof at that one size a proof of the
    whole statement. A space merely narrowed to fewer sizes gives a proof for
    the sizes it names, and the ledger says so.
    """

    sample: callable
    every: callable
    sizes: dict = field(default_factory=dict)
    general: dict | None = None
    bounds: dict = field(default_factory=dict)
    fixed: tuple = ()
    name: str = "Space(...)"  # how messages name it: regression(), logits(...)
    axes: dict = field(default_factory=dict)  # the size of each axis of each array it gives: {"X": ("N", "D")}

    def __add__(self, other):
        """Both spaces' sample points; proofs over the first (a size fixed by both stays fixed, else none is)."""
        fixed = tuple(n for n in self.fixed if n in getattr(other, "fixed", ()) and
                      self.sizes.get(n) == other.sizes.get(n))
        return Space(lambda rng: self.sample(rng) + other.sample(rng), self.every, self.sizes, self.general,
                     self.bounds, fixed, f"{self.name} + {getattr(other, 'name', 'Space(...)')}",
                     {**getattr(other, "axes", {}), **self.axes})

    def named(self, letters):
        """This space with more index letters, each running over a size of it: ``{"n": "N", "c": "C"}``.

        A letter of its own is left as it is. Each new letter takes a random value from 1 to its size at every
        sampled point, and every value at the proofs (``every``), independently of the others; at symbolic size it
        runs over 1..its size. A size the space does not have is refused, naming the letter and the space.
        """
        letters = _letters(letters, self)
        new = {name: size for name, size in letters.items() if name not in self.bounds}
        if not new:
            return self
        base = self

        def top(size, indices, values):
            if size in indices:
                return int(indices[size])
            for array, axes in base.axes.items():  # a size the point does not name: the length of an axis of it
                if size in axes and array in values:
                    return int(np.shape(values[array])[axes.index(size)])
            raise ValueError(f"the points of {base.name} name no size {size}")

        def sample(rng):
            out = []
            for point in base.sample(rng):
                indices = dict(point.indices)
                for name, size in new.items():
                    if name not in indices:
                        indices[name] = int(rng.integers(1, top(size, point.indices, point.values) + 1))
                out.append(Point(point.label, indices, point.values, point.derived, point.kink, point.labels))
            return out

        def every(sizes, free):
            mine = [name for name in new if name in free]
            for point in base.every(sizes, set(free) - set(mine)):
                ranges = [_range(sizes[new[name]] if new[name] in sizes else top(new[name], point.indices, point.values))
                          for name in mine]
                for values in itertools.product(*ranges):
                    indices = dict(point.indices, **dict(zip(mine, values)))
                    yield Point(point.label, indices, point.values, point.derived, point.kink, point.labels)

        bounds = dict(self.bounds, **{name: sp.Symbol(size, integer=True, positive=True) for name, size in new.items()})
        shown = ", ".join(f"{k!r}: {v!r}" for k, v in new.items())
        return Space(sample, every, self.sizes, self.general, bounds, self.fixed,
                     f"{self.name}.named({{{shown}}})", self.axes)

    def size_choices(self):
        """Every combination of sizes the fixed-size proofs cover, as dicts."""
        names = sorted(self.sizes)
        return [dict(zip(names, combo)) for combo in itertools.product(*(self.sizes[n] for n in names))]


def _letters(letters, space):
    """``letters`` checked: index letters (identifiers) to sizes the space has (its sizes, or an axis of its arrays)."""
    if letters is None:
        return {}
    if not isinstance(letters, dict):
        raise TypeError(f"indices maps each index letter to the size it runs over, such as {{'n': 'N'}}, "
                        f"got {letters!r}")
    known = set(space.sizes) | {size for axes in space.axes.values() for size in axes} | \
        {str(v) for v in space.bounds.values()}
    for name, size in letters.items():
        if not (isinstance(name, str) and name.isidentifier()):
            raise ValueError(f"an index letter is an identifier such as 'n', got {name!r} (indices of {space.name})")
        if size not in known:
            raise ValueError(f"index {name!r} of {space.name} runs over {size!r}, which is no size of it: its sizes "
                             f"are {', '.join(sorted(known)) or 'none'}")
    return dict(letters)


def _space(sample, every, sizes, general, bounds, fixed=(), name="Space(...)", axes=None, indices=None):
    """A stock space, with the author's index letters (``indices``) added to its own."""
    made = Space(sample, every, sizes, general, bounds, fixed, name, dict(axes or {}))
    return made.named(indices) if indices else made


def statement_letters(space, sides, problem=None):
    """(letters, refused): for each free index of ``sides`` that ``space`` gives no value, the size it runs over,
    read from the statement where it indexes an array whose axes are known (``x_n``, a row of X of shape (N, D): N;
    ``w_c``, a column of W (D, C): C; ``y_n`` of shape (N,): N), from the problem's ``shapes``, ``rows`` and
    ``columns`` or the space's own arrays; ``refused`` lists the letters no size bounds."""
    from derivations.equations.prover import free_indices

    labels = set()
    try:
        first = next(iter(space.every({n: min(v) for n, v in space.sizes.items() if v}, set())), None)
    except Exception:  # noqa: BLE001 - a space that cannot list points: its checks say so
        first = None
    given = set(first.indices) if first is not None else set()
    if first is None:
        try:
            drawn = space.sample(np.random.default_rng(0))
        except Exception:  # noqa: BLE001 - likewise
            drawn = []
        given = set.intersection(*(set(q.indices) for q in drawn)) if drawn else set()
        labels = set(drawn[0].label_names) if drawn else set()
    else:
        labels = set(first.label_names)
    letters = set().union(*(free_indices(side, labels) for side in sides)) - labels
    unknown = sorted(name for name in letters
                     if name not in space.bounds and name not in given and name not in space.sizes)
    if not unknown:
        return {}, []
    shapes = dict(space.axes)
    if problem is not None:
        shapes.update(problem.shapes)
    rows, columns = (getattr(problem, "rows", {}), getattr(problem, "columns", {})) if problem is not None else ({}, {})
    found, refused = {}, []
    for name in unknown:
        sizes = set()
        for node in (e for side in sides for e in _free_entries(side, name)):
            base = node.base.label.name
            for position, index in enumerate(node.indices):
                if not (isinstance(index, sp.Symbol) and index.name == name):
                    continue
                if base in rows and len(shapes.get(rows[base], ())) == 2:
                    sizes.add(shapes[rows[base]][0])
                elif base in columns and len(shapes.get(columns[base], ())) == 2:
                    sizes.add(shapes[columns[base]][1])
                elif base not in rows and base not in columns and position < len(shapes.get(base, ())) and \
                        len(shapes[base]) == len(node.indices):
                    sizes.add(shapes[base][position])
        if len(sizes) == 1:
            found[name] = sizes.pop()
        else:
            refused.append((name, sorted(sizes)))
    return found, refused


def _free_entries(expr, name):
    """The entries (Indexed) of ``expr`` at the free letter ``name``: not those of a sum over a letter of that name."""
    from derivations.equations.notation import SumOver

    if isinstance(expr, SumOver) and expr.args[1].name == name:
        return [e for edge in expr.args[2:] for e in _free_entries(edge, name)]
    if isinstance(expr, sp.Indexed):
        return [expr] + [e for q in expr.indices for e in _free_entries(q, name)]
    return [e for a in getattr(expr, "args", ()) for e in _free_entries(a, name)]


def one_hot(values, indices):
    """The one-hot target ``t`` of label ``p``."""
    t = np.zeros(len(values["s"]), dtype=int)
    t[indices["p"] - 1] = 1
    return t


def max_of(name):
    """A derived value: the largest entry of ``values[name]`` (a sympy Max for symbols)."""
    def rule(values, indices):
        v = values[name]
        return sp.Max(*v) if np.asarray(v).dtype == object else float(np.max(v))
    return rule


def one_sample(values, index, i):
    """(W, X, y) of the one-sample problem of sample ``i``, labels 0-based as the package takes them.

    With scores only (no W), W is the scores as a 1 x C matrix and x = [1], so
    that a loss of (W, X, y) is the loss of the scores.
    """
    if "W" in values:
        row = index(i) - 1
        return values["W"], values["X"][row:row + 1], np.asarray(values["y"][row:row + 1]) - 1
    return np.asarray(values["s"])[None, :], np.ones((1, 1)), np.asarray(values["y"][:1]) - 1


def whole_batch(values):
    """(W, X, y) of the whole batch, labels 0-based as the package takes them."""
    return values["W"], values["X"], np.asarray(values["y"]) - 1


def sample_scores(values, indices):
    """Derived scores s = x_i^T W of a linear classifier: by the package for numbers, numpy's object dot for symbols."""
    x_i, W = values["X"][indices["i"] - 1], values["W"]
    return x_i @ W if W.dtype == object else linear_scores(W, x_i[None, :])[0]


def score_matrix(values, indices):
    """Derived score matrix S = X W, likewise."""
    return values["X"] @ values["W"] if values["W"].dtype == object else linear_scores(values["W"], values["X"])


def _range(n):
    return range(1, n + 1)


def logits(classes=(2, 3, 5), index=None, shift=False, large=True, derived=None, fixed=False, kinks=False,
           indices=None):
    """Scores ``s`` with a label ``p`` and one-hot ``t``; ``index`` names a free class index; ``shift`` adds ``c``.
    ``indices`` adds the author's class index letters (``{"c": "C"}``; j, k, l are class indices already).

    ``fixed``: the statement is about the one number of classes in ``classes``
    (two classes), so a proof at that size proves all of it. ``kinks``: the
    statement reads the largest score (``max_of``), so points where two scores
    tie for the largest are kink points.
    """
    derived = {"t": one_hot} if derived is None else derived

    def sample(rng):
        points = []
        for num_classes in classes:
            for draw in range(max(2, num_classes)):  # every class is the label at least once
                idx = {"C": num_classes, "p": draw % num_classes + 1}
                if index:
                    idx[index] = int(rng.integers(1, num_classes + 1))
                values = {"s": rng.normal(scale=3.0, size=num_classes)}
                if shift:
                    values["c"] = float(rng.normal(scale=5.0))
                points.append(Point(f"random, C={num_classes}", idx, values, derived))
        if large:
            for num_classes in sorted({classes[0], classes[-1]}):
                idx = {"C": num_classes, "p": 1}
                if index:
                    idx[index] = num_classes
                values = {"s": np.linspace(-1e4, 1e4, num_classes)}
                if shift:
                    values["c"] = 1e4
                points.append(Point(f"large logits |s| = 1e4, C={num_classes}", idx, values, derived))
        if kinks:
            for num_classes in classes:
                values = {"s": rng.integers(-3, 4, size=num_classes).astype(float)}
                values["s"][-1] = values["s"][0] = max(values["s"]) + 1.0  # two scores tie for the largest
                idx = {"C": num_classes, "p": 1}
                if index:
                    idx[index] = 1
                points.append(Point(f"kink: two largest scores tie, C={num_classes}", idx, values, derived, kink=True))
        return points

    def every(sizes, free):
        num_classes = sizes["C"]
        for p in _range(num_classes) if "p" in free else [1]:
            for k in _range(num_classes) if index and index in free else [None]:
                idx = {"C": num_classes, "p": p}
                if k is not None:
                    idx[index] = k
                values = {"s": np.zeros(num_classes)}
                if shift:
                    values["c"] = 0.0
                yield Point(f"C={num_classes}", idx, values, derived)

    sizes = {"C": tuple(classes) if len(classes) == 1 else PROOF_SIZES["C"]}
    p, size = sp.Symbol("p", integer=True, positive=True), sp.Symbol("C", integer=True, positive=True)
    general = {"t": lambda k: sp.KroneckerDelta(k, p)}
    bounds = {name: size for name in ("p", "j", "k", "l", index) if name}
    if fixed and len(classes) != 1:
        raise ValueError(f"fixed means the statement is about one number of classes; got classes={classes}")
    return _space(sample, every, sizes, general, bounds, ("C",) if fixed else (), "logits()",
                  {"s": ("C",), "t": ("C",)}, indices)


def binary(large=True, kink=False):
    """A logit ``z`` and a target ``tau`` in [0, 1], including hard targets, z = 0 and |z| = 1e4.

    ``kink``: z = 0 is a kink of the statement (a max or an absolute value of z).
    """
    def sample(rng):
        points = [Point("random", {}, {"z": float(rng.normal(scale=3.0)), "tau": float(rng.uniform())}) for _ in range(4)]
        points += [Point("hard target 1", {}, {"z": float(rng.normal(scale=3.0)), "tau": 1.0}),
                   Point("hard target 0", {}, {"z": float(rng.normal(scale=3.0)), "tau": 0.0}),
                   Point("kink z = 0" if kink else "z = 0", {}, {"z": 0.0, "tau": 0.25}, kink=kink)]
        if large:
            points += [Point("large logit z = 1e4", {}, {"z": 1e4, "tau": 0.0}),
                       Point("large logit z = -1e4", {}, {"z": -1e4, "tau": 1.0})]
        return points

    def every(sizes, free):
        yield Point("no size", {}, {"z": 0.0, "tau": 0.0})

    return Space(sample, every, {}, {}, name="binary()")


def scalar(name, draws, kinks=()):
    """One real value ``name``: the given draws (functions of rng or numbers), and the kinks at which it sits exactly."""
    def sample(rng):
        points = [Point("random", {}, {name: float(d(rng) if callable(d) else d)}) for d in draws]
        return points + [Point(f"kink {name} = {v:g}", {}, {name: float(v)}, kink=True) for v in kinks]

    def every(sizes, free):
        yield Point("no size", {}, {name: 0.0})

    return Space(sample, every, {}, {}, name=f"scalar({name!r})")


def vectors(names, dims=(1, 3, 5), indices=None):
    """Vectors of length D named ``names``, for statements about vectors of any length; ``indices`` names the
    letters of their entries (``{"k": "D"}``)."""
    def sample(rng):
        return [Point(f"random, D={d}", {"D": d}, {n: rng.normal(size=d) for n in names}) for d in dims]

    def every(sizes, free):
        d = sizes["D"]
        yield Point(f"D={d}", {"D": d}, {n: np.zeros(d) for n in names})

    return _space(sample, every, {"D": PROOF_SIZES["D"]}, {}, {}, (), "vectors()", {n: ("D",) for n in names}, indices)


def labelled_scores(sample, other=True, general=None, bounds=None, indices=None):
    """Scores ``s`` of one sample with a label y_1 and a class index j (off the label where ``other``).

    ``sample(rng)`` draws the problem's own points; the proofs run over every
    label and index at C = 2..5, and at symbolic C where sympy can (the class
    index and the label both run over 1..C).
    """
    def every(sizes, free):
        n = sizes["C"]
        for label in _range(n):
            cols = [q for q in _range(n) if not (other and q == label)] if "j" in free else [None]
            for col in cols:
                idx = {"C": n, "i": 1} if col is None else {"C": n, "i": 1, "j": col}
                yield Point(f"C={n}", idx, {"s": np.zeros(n), "y": np.array([label])})

    size = sp.Symbol("C", integer=True, positive=True)
    bounds = {name: size for name in ("j", "k", "l", "y_i")} if bounds is None else bounds
    return _space(sample, every, {"C": PROOF_SIZES["C"]}, {} if general is None else general, bounds, (),
                  "labelled_scores()", {"s": ("C",)}, indices)


def weights(classes=(2, 3, 4), dims=(3, 4), index="j", other=True, derived=None, extra=None, indices=None):
    """Weights ``W`` (D, C), one sample ``x_1`` (X of one row) with label ``y_1``, and a class index.
    ``indices`` adds the author's letters (``{"c": "C", "d": "D"}``).

    ``other`` keeps the index off the label (``j != y_i``); ``extra(rng)``
    adds a problem's own points (kinks).
    """
    derived = derived or {}

    def indices_at(num_classes, d, label, col):
        out = {"C": num_classes, "D": d, "N": 1, "i": 1}
        return out if col is None else dict(out, **{index: col})

    def sample(rng):
        points = []
        for num_classes, d in zip(classes, dims * len(classes)):
            for draw in range(4):
                label = draw % num_classes + 1
                col = _other(rng, label, num_classes) if other else int(rng.integers(1, num_classes + 1))
                points.append(Point(
                    f"random, C={num_classes}, D={d}", indices_at(num_classes, d, label, col),
                    {"W": rng.normal(scale=0.5, size=(d, num_classes)), "X": rng.normal(size=(1, d)),
                     "y": np.array([label])}, derived))
        return points + (extra(rng) if extra else [])

    def every(sizes, free):
        num_classes, d = sizes["C"], sizes["D"]
        for label in _range(num_classes):
            cols = [q for q in _range(num_classes) if not (other and q == label)] if index in free else [None]
            for col in cols:
                yield Point(f"C={num_classes}, D={d}", indices_at(num_classes, d, label, col),
                            {"W": np.zeros((d, num_classes)), "X": np.zeros((1, d)), "y": np.array([label])}, derived)

    size = {name: sp.Symbol(name, integer=True, positive=True) for name in ("C", "D", "N")}
    bounds = {"j": size["C"], "k": size["C"], "l": size["C"], "y_i": size["C"], "i": size["N"]}
    return _space(sample, every, {"C": PROOF_SIZES["C"], "D": PROOF_SIZES["D"]}, {}, bounds, (), "weights()",
                  {"W": ("D", "C"), "X": ("N", "D"), "y": ("N",)}, indices)


def _other(rng, label, num_classes):
    return int(rng.choice([q for q in _range(num_classes) if q != label]))


def batch(shapes=((3, 3, 4), (2, 3, 3), (4, 2, 1)), derived=None, extra=None, sizes=None, indices=None):
    """A batch: W (D, C), X (N, D), labels y (classes 1..C), regularisation lam, for each (C, D, N) of ``shapes``;
    samples i, classes j, k, l, and the author's letters of ``indices`` (``{"n": "N", "c": "C"}``).

    ``extra(rng)`` adds a problem's own points (kinks); ``sizes`` narrows the
    proof's sizes where every label vector at every size would take too long.
    """
    derived = derived or {}

    def sample(rng):
        points = []
        for num_classes, d, n in shapes:
            points.append(Point(
                f"random, N={n}, C={num_classes}, D={d}",
                {"C": num_classes, "D": d, "N": n, "j": int(rng.integers(1, num_classes + 1)),
                 "i": int(rng.integers(1, n + 1))},
                {"W": rng.normal(scale=0.5, size=(d, num_classes)), "X": rng.normal(size=(n, d)),
                 "y": rng.integers(1, num_classes + 1, size=n), "lam": float(rng.uniform(0.05, 1.0))},
                derived))
        return points + (extra(rng) if extra else [])

    def every(sizes, free):
        num_classes, d, n = sizes["C"], sizes["D"], sizes["N"]
        labels = itertools.product(_range(num_classes), repeat=n) if "y" in free else [(1,) * n]
        for y in labels:
            for i in _range(n) if "i" in free else [1]:
                for j in _range(num_classes) if "j" in free else [1]:
                    yield Point(f"N={n}, C={num_classes}, D={d}", {"C": num_classes, "D": d, "N": n, "i": i, "j": j},
                                {"W": np.zeros((d, num_classes)), "X": np.zeros((n, d)), "y": np.array(y),
                                 "lam": 0.0}, derived)

    size = {name: sp.Symbol(name, integer=True, positive=True) for name in ("C", "D", "N")}
    bounds = {"j": size["C"], "k": size["C"], "l": size["C"], "y_i": size["C"], "i": size["N"]}
    X_, W_, d = sp.IndexedBase("X", real=True), sp.IndexedBase("W", real=True), sp.Symbol("d", integer=True,
                                                                                             positive=True)
    # S = X W entry by entry; used at symbolic size only where it agrees with score_matrix (generalrules.py)
    general = {"S": lambda row, col: sp.Sum(X_[row, d] * W_[d, col], (d, 1, size["D"]))}
    return _space(sample, every, sizes or dict(PROOF_SIZES), general, bounds, (), "batch()",
                  {"W": ("D", "C"), "X": ("N", "D"), "y": ("N",), "S": ("N", "C")}, indices)


TARGETS = ("real", "binary")


def regression(shapes=((2, 3), (3, 2), (4, 3), (1, 1)), derived=None, extra=None, sizes=None, targets="real",
               indices=None):
    """A regression: rows x_i of X (N x D), weights w (D), targets y (N) and a regularisation lam > 0, for each
    (N, D) of ``shapes``; the proofs run over N = 1..3, D = 1..3 (or ``sizes``).

    ``targets`` says what y holds: ``"real"`` numbers (a linear regression; with targets of 1e4 among the points)
    or ``"binary"`` labels 0 and 1 (a logistic regression; each sample both ways among the points). Either way they
    are values, not class labels, and the prover makes each a real symbol: a statement proved holds for every real
    target, 0 and 1 among them. Samples are i, features k and l, and ``indices`` adds the author's letters
    (``{"n": "N", "d": "D"}``; a letter that indexes x, X, w or y is read from the statement without it).
    ``derived`` computes further values (a minimiser w*, residuals); ``extra(rng)`` adds a problem's own points.
    """
    derived = derived or {}
    if targets not in TARGETS:
        raise ValueError(f"targets of regression() is one of {TARGETS}, got {targets!r}")

    def draw_targets(rng, n, draw):
        if targets == "real":
            return rng.normal(size=n)
        return ((np.arange(n) + draw) % 2).astype(float)  # 0 and 1 at every size, each sample both ways

    def sample(rng):
        points = []
        for n, d in shapes:
            for draw in range(2):
                points.append(Point(f"random, N={n}, D={d}", {"N": n, "D": d, "i": 1 + draw % n},
                                    {"X": rng.normal(size=(n, d)), "w": rng.normal(size=d), "y": draw_targets(rng, n, draw),
                                     "lam": float(rng.uniform(0.05, 1.0))}, derived, labels=()))
        if targets == "real":
            points.append(Point("large targets |y| = 1e4", {"N": 2, "D": 2, "i": 1},
                                {"X": np.array([[1.0, 2.0], [-1.0, 0.5]]), "w": np.array([0.5, -0.25]),
                                 "y": np.array([1e4, -1e4]), "lam": 0.5}, derived, labels=()))
        else:
            points.append(Point("large scores x^T w = 30 and -5, labels 1 and 0", {"N": 2, "D": 2, "i": 1},
                                {"X": np.array([[1.0, 2.0], [-1.0, 0.5]]), "w": np.array([10.0, 10.0]),
                                 "y": np.array([1.0, 0.0]), "lam": 0.5}, derived, labels=()))
        return points + (extra(rng) if extra else [])

    def every(sizes_, free):
        n, d = sizes_["N"], sizes_["D"]
        for row in _range(n) if "i" in free else [1]:
            yield Point(f"N={n}, D={d}", {"N": n, "D": d, "i": row},
                        {"X": np.zeros((n, d)), "w": np.zeros(d), "y": np.zeros(n), "lam": 0.0}, derived, labels=())

    size = {name: sp.Symbol(name, integer=True, positive=True) for name in ("N", "D")}
    bounds = {"i": size["N"], "k": size["D"], "l": size["D"]}
    return _space(sample, every, sizes or {"N": PROOF_SIZES["N"], "D": PROOF_SIZES["D"]}, {}, bounds, (),
                  "regression()" if targets == "real" else "regression(targets='binary')",
                  {"X": ("N", "D"), "w": ("D",), "y": ("N",)}, indices)


def scalar_with_parameter(name, parameter, draws, parameter_draws, kinks=()):
    """A real value ``name`` and a positive parameter (Huber's delta): every draw with every parameter draw, and
    the kink points ``kinks(parameter)`` (values of ``name`` where a condition is exactly 0, such as +-delta).

    Declare the parameter's domain on the equation (``domain=[delta > 0]``): every point here respects it.
    """
    def sample(rng):
        points = []
        for q in parameter_draws:
            q = float(q(rng) if callable(q) else q)
            if not q > 0:
                raise ValueError(f"{parameter} must be drawn positive, got {q}")
            for d in draws:
                points.append(Point(f"random, {parameter}={q:g}", {}, {name: float(d(rng) if callable(d) else d),
                                                                      parameter: q}))
            for v in kinks(q) if callable(kinks) else kinks:
                points.append(Point(f"kink {name} = {v:g}, {parameter}={q:g}", {}, {name: float(v), parameter: q},
                                    kink=True))
        return points

    def every(sizes, free):
        yield Point("no size", {}, {name: 0.0, parameter: 1.0})

    return Space(sample, every, {}, {}, name=f"scalar_with_parameter({name!r}, {parameter!r})")


def entries(space, take=lambda points: points[:2] + points[-1:]):
    """Every entry (i, j) of some batches of ``space``, for equations that define one entry of a matrix."""
    def sample(rng):
        out = []
        for point in take(space.sample(rng)):
            n, num_classes = point.values["X"].shape[0], point.indices["C"]
            for row in _range(n):
                for col in _range(num_classes):
                    out.append(Point(f"{point.label}, entry ({row}, {col})", dict(point.indices, i=row, j=col),
                                     point.values, point.derived, point.kink))
        return out

    return Space(sample, space.every, space.sizes, space.general, space.bounds, space.fixed, f"entries({space.name})",
                 space.axes)


# -- what an author must add: the shapes a statement needs, the kink points it lacks ---------------------------

def _distinct_sizes(space):
    """A choice of the space's sizes with no two equal (N = 2, D = 3), so that an array's shape names its sizes."""
    for choice in reversed(space.size_choices()):
        if len(set(choice.values())) == len(choice):
            return choice
    return None


def array_shapes(space):
    """{value name: its shape in size names} for every vector and matrix a point of ``space`` gives (derived values
    too): the space's own ``axes``, else read from the arrays of a point whose sizes differ (N = 2, D = 3; None
    where no point tells them apart). Labels are left out."""
    out = {name: tuple(axes) for name, axes in space.axes.items()}
    choice = _distinct_sizes(space) if space.sizes else {}

    def candidates():
        if choice is not None:
            yield from itertools.islice(space.every(choice, set()), 1)
        yield from space.sample(np.random.default_rng(0))  # random values: a derived value of zeros may not exist

    names = set(space.sizes) | {"C", "N", "D"}
    seen = None  # the arrays of a point whose sizes are alike: vectors and matrices of sizes not told
    try:
        for point in candidates():
            try:
                values = point.numeric_values()
            except Exception:  # noqa: BLE001 - a derived value that does not exist here: another point
                continue
            arrays = {name: value for name, value in values.items()
                      if name not in point.label_names and name not in out and np.ndim(value) > 0}
            sizes = {v: n for n, v in point.indices.items() if n in names}
            if len(sizes) != len([n for n in point.indices if n in names]):
                seen = arrays if seen is None else seen
                continue  # two sizes alike: an axis of 3 could be either
            for name, value in arrays.items():
                shape = tuple(sizes.get(length) for length in np.shape(value))
                out[name] = shape if None not in shape else None
            return {name: shape for name, shape in out.items() if name not in point.label_names}
    except Exception:  # noqa: BLE001 - a space that cannot give a point: its checks say why
        pass
    return dict(out, **{name: None for name in seen or {}})


def undeclared_shapes(space, sides, problem):
    """{name: shape or None} of each vector or matrix the sides use whole (``w``, ``X``) or as a row or column
    family (``x_i``) whose shape ``problem`` does not declare: without it the shapes of the sides cannot be read
    (the terms of X w - y would be a matrix and a scalar), nor the statement proved at symbolic size."""
    arrays = array_shapes(space)
    rows, columns = getattr(problem, "rows", {}), getattr(problem, "columns", {})
    declared = getattr(problem, "shapes", {})
    missing = {}
    for side in sides:
        for node in _whole_and_entries(side):
            if isinstance(node, sp.Symbol) and not node.is_integer and node.name in arrays and \
                    node.name not in declared:
                missing[node.name] = arrays[node.name]
            elif isinstance(node, sp.Indexed) and node.base.label.name not in declared:
                base = node.base.label.name
                whole = rows.get(base) or columns.get(base)
                if whole is None:
                    continue
                shape = declared.get(whole) or arrays.get(whole)
                if whole not in declared and whole in arrays:
                    missing[whole] = arrays[whole]
                missing[base] = None if shape is None or len(shape) != 2 else (
                    (shape[1],) if base in rows else (shape[0],))
    return missing


def _whole_and_entries(expr):
    """Every node of ``expr`` but the letters of its indexed families (the s of s_j is no symbol of its own)."""
    yield expr
    if isinstance(expr, sp.Indexed):
        for q in expr.indices:
            yield from _whole_and_entries(q)
        return
    for a in getattr(expr, "args", ()):
        yield from _whole_and_entries(a)


def shapes_advice(missing):
    """The declaration that mends ``missing`` (:func:`undeclared_shapes`), in words an author can paste."""
    known = ", ".join(f"{name!r}: {shape!r}" for name, shape in missing.items() if shape is not None)
    unknown = [name for name, shape in missing.items() if shape is None]
    out = f"add {{{known}}} to Problem(..., shapes=...)" if known else "declare them in Problem(..., shapes=...)"
    if unknown:
        out += f" (and the shape of {', '.join(unknown)} in sizes, such as ('D',))"
    return out
