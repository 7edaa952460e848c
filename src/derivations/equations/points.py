"""Concrete points where equations are evaluated: random draws and edge cases.

Edge cases are the ones that break careless derivations or code: logits of
size 1e4, two classes, one sample, and hinge margins of exactly zero (the kink),
built from integers so that the margin is exactly 0 in float64 and in sympy.
"""

from __future__ import annotations

import numpy as np

from derivations.equations.evaluate import Point
from derivations.linear_classifier import linear_scores
from derivations.linear_svm import svm_score_gradient

__all__ = ["logits", "binary", "svm_scores", "svm_weights", "svm_batch", "linear_form"]


def _one_hot(values, indices):
    t = np.zeros(len(values["s"]), dtype=int)
    t[indices["p"] - 1] = 1
    return t


def _scores(values, indices):
    """s = x_i^T W: the package computes it for numbers, numpy's object dot for symbols."""
    x_i, W = values["X"][indices["i"] - 1], values["W"]
    if W.dtype == object:
        return x_i @ W
    return linear_scores(W, x_i[None, :])[0]


def _score_matrix(values, indices):
    if values["W"].dtype == object:
        return values["X"] @ values["W"]
    return linear_scores(values["W"], values["X"])


def _hinge_weights(values, indices):
    """G of the batch gradient: the package's for numbers, a sympy Piecewise for symbols."""
    S, y = _score_matrix(values, indices), np.asarray(values["y"]) - 1
    if S.dtype != object:
        return svm_score_gradient(S, y)
    import sympy as sp

    n, num_classes = S.shape
    G = np.empty((n, num_classes), dtype=object)
    for a in range(n):
        active = [sp.Piecewise((1, S[a, b] - S[a, y[a]] + 1 > 0), (0, True)) for b in range(num_classes)]
        for b in range(num_classes):
            G[a, b] = -sum(active[q] for q in range(num_classes) if q != y[a]) if b == y[a] else active[b]
    return G


def logits(rng, classes=(2, 3, 5), index=None, shift=False, large=True):
    """Scores ``s`` with a label ``p`` (and one-hot ``t``); ``index`` names a free class index."""
    points = []
    for num_classes in classes:
        for draw in range(max(2, num_classes)):  # every class is the label at least once
            idx = {"C": num_classes, "p": draw % num_classes + 1}
            if index:
                idx[index] = int(rng.integers(1, num_classes + 1))
            values = {"s": rng.normal(scale=3.0, size=num_classes)}
            if shift:
                values["c"] = float(rng.normal(scale=5.0))
            points.append(Point(f"random, C={num_classes}", idx, values, {"t": _one_hot}))
    if large:
        for num_classes in sorted({classes[0], classes[-1]}):
            s = np.linspace(-1e4, 1e4, num_classes)
            idx = {"C": num_classes, "p": 1}
            if index:
                idx[index] = num_classes
            values = {"s": s}
            if shift:
                values["c"] = 1e4
            points.append(Point(f"large logits |s| = 1e4, C={num_classes}", idx, values, {"t": _one_hot}))
    return points


def binary(rng, large=True):
    """A logit ``z`` and a target ``tau`` in [0, 1], including hard targets and |z| = 1e4."""
    points = [Point("random", {}, {"z": float(rng.normal(scale=3.0)), "tau": float(rng.uniform())}) for _ in range(4)]
    points += [Point("hard target 1", {}, {"z": float(rng.normal(scale=3.0)), "tau": 1.0}),
               Point("hard target 0", {}, {"z": float(rng.normal(scale=3.0)), "tau": 0.0}),
               Point("z = 0", {}, {"z": 0.0, "tau": 0.25})]
    if large:
        points += [Point("large logit z = 1e4", {}, {"z": 1e4, "tau": 0.0}),
                   Point("large logit z = -1e4", {}, {"z": -1e4, "tau": 1.0})]
    return points


def svm_scores(rng, classes=(2, 3, 5), other=True):
    """Scores ``s`` of one sample with label y_i, an index j != y_i, and a kink (a margin of exactly 0)."""
    points = []
    for num_classes in classes:
        for draw in range(4):
            label = draw % num_classes + 1
            j = _other(rng, label, num_classes)
            points.append(Point(f"random, C={num_classes}", {"C": num_classes, "i": 1, "j": j},
                                {"s": rng.normal(scale=1.5, size=num_classes), "y": np.array([label])}))
    num_classes = classes[-1]
    s = rng.integers(-3, 4, size=num_classes).astype(float)
    s[1] = s[0] - 1  # margin s_2 - s_1 + 1 is exactly 0
    points.append(Point(f"kink: margin exactly 0, C={num_classes}", {"C": num_classes, "i": 1, "j": 2},
                        {"s": s, "y": np.array([1])}, kink=True))
    s = np.linspace(-1e4, 1e4, num_classes)
    points.append(Point(f"large scores |s| = 1e4, C={num_classes}", {"C": num_classes, "i": 1, "j": num_classes},
                        {"s": s, "y": np.array([1])}))
    return points


def _other(rng, label, num_classes):
    choices = [q for q in range(1, num_classes + 1) if q != label]
    return int(rng.choice(choices))


def svm_weights(rng, classes=(2, 3, 4), dims=(3, 4)):
    """Weights ``W`` (D, C), one sample ``x_i`` and label ``y_i``, an index j != y_i; scores derived."""
    points = []
    for num_classes, d in zip(classes, dims * len(classes)):
        for draw in range(4):
            label = draw % num_classes + 1
            points.append(Point(
                f"random, C={num_classes}, D={d}",
                {"C": num_classes, "D": d, "N": 1, "i": 1, "j": _other(rng, label, num_classes)},
                {"W": rng.normal(scale=0.5, size=(d, num_classes)), "X": rng.normal(size=(1, d)),
                 "y": np.array([label])},
                {"s": _scores}))
    W, x = _kink_weights(rng, 3, 3)
    points.append(Point("kink: margin exactly 0, C=3, D=3", {"C": 3, "D": 3, "N": 1, "i": 1, "j": 2},
                        {"W": W, "X": x, "y": np.array([1])}, {"s": _scores}, kink=True))
    return points


def _kink_weights(rng, d, num_classes):
    """Integer W and x with s_2 - s_1 + 1 = 0 exactly (label 1)."""
    W = rng.integers(-2, 3, size=(d, num_classes)).astype(float)
    x = rng.integers(-2, 3, size=(1, d)).astype(float)
    x[0, 0] = 1.0
    s = x[0] @ W
    W[0, 1] += (s[0] - 1) - s[1]
    return W, x


def svm_batch(rng):
    """A batch: W (D, C), X (N, D), labels y, regularisation lam; scores and G derived."""
    points = []
    for num_classes, d, n in ((3, 3, 4), (2, 3, 3), (4, 2, 1)):
        points.append(Point(
            f"random, N={n}, C={num_classes}, D={d}",
            {"C": num_classes, "D": d, "N": n, "j": int(rng.integers(1, num_classes + 1)), "i": int(rng.integers(1, n + 1))},
            {"W": rng.normal(scale=0.5, size=(d, num_classes)), "X": rng.normal(size=(n, d)),
             "y": rng.integers(1, num_classes + 1, size=n), "lam": float(rng.uniform(0.05, 1.0))},
            {"S": _score_matrix, "G": _hinge_weights}))
    W, x = _kink_weights(rng, 3, 3)
    points.append(Point("kink: margin exactly 0, N=1, C=3, D=3", {"C": 3, "D": 3, "N": 1, "j": 2, "i": 1},
                        {"W": W, "X": x, "y": np.array([1]), "lam": 0.5},
                        {"S": _score_matrix, "G": _hinge_weights}, kink=True))
    return points


def svm_entries(rng):
    """Every entry (i, j) of two batches, for the equations that define one entry of a matrix."""
    points = []
    for point in svm_batch(rng)[:2] + svm_batch(rng)[-1:]:
        n, num_classes = point.values["X"].shape[0], point.indices["C"]
        for row in range(1, n + 1):
            for col in range(1, num_classes + 1):
                points.append(Point(f"{point.label}, entry ({row}, {col})", dict(point.indices, i=row, j=col),
                                    point.values, point.derived, point.kink))
    return points


def linear_form(rng):
    """Vectors ``w`` and ``x`` for the gradient of w^T x."""
    return [Point(f"random, D={d}", {"D": d}, {"w": rng.normal(size=d), "x": rng.normal(size=d)}) for d in (1, 3, 5)]


def hinge(rng):
    """A margin u away from the kink, on both sides."""
    margins = (rng.uniform(0.05, 0.95), rng.uniform(1, 3), -rng.uniform(0.05, 0.95), -rng.uniform(1, 3), 1e4, -1e4)
    return [Point("random", {}, {"u": float(v)}) for v in margins] + [
        Point("kink u = 0", {}, {"u": 0.0}, kink=True)]
