"""Problem 2: the gradients of the multiclass SVM loss, per sample and for a batch.

Each ``PROBLEM.equation`` is one displayed equation of ``docs/problem-2.md``, in page order.
"""

import numpy as np
import sympy as sp

from derivations import svm_loss
from derivations.equations import Problem
from derivations.equations import points as pts
from derivations.equations.notation import Dot, Frac, Frobenius, Grad, Ind, Partial, SumOver, Transpose
from derivations.equations.points import Point
from derivations.linear_svm import svm_score_gradient
from derivations.equations.symbols import C, G, Gm, N, S, W, X, i, j, l, lam, s, u, w, wv, x, xv, y

PROBLEM = Problem("problem-2.md", 2, "SVM gradients", columns={"w": "W"}, rows={"x": "X"}, bold=("S",),
                  shapes={"W": ("D", "C"), "X": ("N", "D"), "w": ("D",), "x": ("D",), "S": ("N", "C"),
                          "G": ("N", "C")})


# -- how the page's symbols read the package ------------------------------------------------

def _sample(values, index):
    return pts.one_sample(values, index, i)


def _sample_gradient(values, index):
    W_, X_, y_ = _sample(values, index)
    dW = svm_loss(W_, X_, y_)[1]
    return dW if "W" in values else dW[0]


Li = PROBLEM.function(
    "L_i", "L_{i}", "svm-loss-sample",
    lambda v, index, ev: svm_loss(*_sample(v, index))[0],
    {"W": _sample_gradient, "s": _sample_gradient}, show_args=False,
)
L = PROBLEM.function(
    "L", "L", "svm-loss-batch",
    lambda v, index, ev: svm_loss(*pts.whole_batch(v), reg=float(v["lam"]))[0],
    {"W": lambda v, index: svm_loss(*pts.whole_batch(v), reg=float(v["lam"]))[1]}, show_args=False,
)


def _hinge_slope(values, index):
    """The package's subgradient of max(0, u): svm_loss of scores (0, u - 1) with label 1 is max(0, u)."""
    scores = np.array([[0.0, float(values["u"]) - 1.0]])
    return svm_loss(scores, np.ones((1, 1)), np.array([0]))[1][0, 1]


PROBLEM.package_gradient(sp.Max(0, u), u, _hinge_slope)


# -- derived values and kink points -----------------------------------------------------------

def _hinge_weights(values, indices):
    """G of the batch gradient: the package's for numbers, a sympy Piecewise for symbols."""
    S_, y_ = pts.score_matrix(values, indices), np.asarray(values["y"]) - 1
    if S_.dtype != object:
        return svm_score_gradient(S_, y_)
    n, num_classes = S_.shape
    G_ = np.empty((n, num_classes), dtype=object)
    for a in range(n):
        active = [sp.Piecewise((1, sp.Gt(S_[a, b] - S_[a, y_[a]] + 1, 0, evaluate=False)), (0, True), evaluate=False)
                  for b in range(num_classes)]
        for b in range(num_classes):
            G_[a, b] = -sum(active[q] for q in range(num_classes) if q != y_[a]) if b == y_[a] else active[b]
    return G_


def _kink_weights(rng, d, num_classes):
    """Integer W and x with s_2 - s_1 + 1 = 0 exactly (label 1)."""
    W_ = rng.integers(-2, 3, size=(d, num_classes)).astype(float)
    x_ = rng.integers(-2, 3, size=(1, d)).astype(float)
    x_[0, 0] = 1.0
    s_ = x_[0] @ W_
    W_[0, 1] += (s_[0] - 1) - s_[1]
    return W_, x_


def _sample_kink(rng):
    W_, x_ = _kink_weights(rng, 3, 3)
    return [Point("kink: margin exactly 0, C=3, D=3", {"C": 3, "D": 3, "N": 1, "i": 1, "j": 2},
                  {"W": W_, "X": x_, "y": np.array([1])}, {"s": pts.sample_scores}, kink=True)]


def _batch_kink(rng):
    W_, x_ = _kink_weights(rng, 3, 3)
    return [Point("kink: margin exactly 0, N=1, C=3, D=3", {"C": 3, "D": 3, "N": 1, "j": 2, "i": 1},
                  {"W": W_, "X": x_, "y": np.array([1]), "lam": 0.5},
                  {"S": pts.score_matrix, "G": _hinge_weights}, kink=True)]


def _svm_scores():
    """Scores ``s`` of one sample with label y_i, an index j != y_i, a kink and scores of 1e4."""
    def sample(rng):
        points = []
        for num_classes in (2, 3, 5):
            for draw in range(4):
                label = draw % num_classes + 1
                other = int(rng.choice([q for q in range(1, num_classes + 1) if q != label]))
                points.append(Point(f"random, C={num_classes}", {"C": num_classes, "i": 1, "j": other},
                                    {"s": rng.normal(scale=1.5, size=num_classes), "y": np.array([label])}))
        s_ = rng.integers(-3, 4, size=5).astype(float)
        s_[1] = s_[0] - 1  # margin s_2 - s_1 + 1 is exactly 0
        points.append(Point("kink: margin exactly 0, C=5", {"C": 5, "i": 1, "j": 2}, {"s": s_, "y": np.array([1])},
                            kink=True))
        points.append(Point("large scores |s| = 1e4, C=5", {"C": 5, "i": 1, "j": 5},
                            {"s": np.linspace(-1e4, 1e4, 5), "y": np.array([1])}))
        return points

    return pts.labelled_scores(sample, other=True)


weights = pts.weights(derived={"s": pts.sample_scores}, extra=_sample_kink)
scores = _svm_scores()
batch = pts.batch(derived={"S": pts.score_matrix, "G": _hinge_weights}, extra=_batch_kink)
hinge = pts.scalar("u", [lambda r: r.uniform(0.05, 0.95), lambda r: r.uniform(1, 3), lambda r: -r.uniform(0.05, 0.95),
                         lambda r: -r.uniform(1, 3), 1e4, -1e4], kinks=[0.0])

# -- the equations ---------------------------------------------------------------------------------

PROBLEM.equation(
    "scores", "definition", "the score of class j for sample i",
    lambda: [s[j], Dot(w[j], x[i])],
    weights,
)

PROBLEM.equation(
    "svm-loss-sample", "definition", "the multiclass SVM loss of one sample",
    lambda: [Li(), SumOver(sp.Max(0, Dot(w[j], x[i]) - Dot(w[y[i]], x[i]) + 1), j, 1, C, y[i]),
             SumOver(sp.Max(0, s[j] - s[y[i]] + 1), j, 1, C, y[i])],
    weights + scores,
)

PROBLEM.equation(
    "svm-grad-wj", "gradient", "the assignment's (3), shown as (A3): gradient with respect to a wrong class's weights",
    lambda: [Grad(Li(), w[j]), Ind(Dot(w[j], x[i]) - Dot(w[y[i]], x[i]) + 1 > 0) * x[i]],
    weights, number="A3",
)

PROBLEM.equation(
    "svm-grad-wyi", "gradient", "the assignment's (4), shown as (A4): gradient with respect to the correct class's weights",
    lambda: [Grad(Li(), w[y[i]]),
             -SumOver(Ind(Dot(w[j], x[i]) - Dot(w[y[i]], x[i]) + 1 > 0), j, 1, C, y[i]) * x[i]],
    weights, number="A4",
)

PROBLEM.equation(
    "hinge-derivative", "gradient", "the derivative of the hinge away from its kink",
    lambda: [Partial(sp.Max(0, u), u), Ind(u > 0)],
    hinge,
)

PROBLEM.equation(
    "svm-dl-dsj", "gradient", "the scalar chain rule: derivative with respect to a wrong class's score",
    lambda: [Partial(Li(), s[j]), Ind(s[j] - s[y[i]] + 1 > 0)],
    scores,
)

PROBLEM.equation(
    "svm-dl-dsyi", "gradient", "the scalar chain rule: derivative with respect to the correct class's score",
    lambda: [Partial(Li(), s[y[i]]), -SumOver(Ind(s[j] - s[y[i]] + 1 > 0), j, 1, C, y[i])],
    scores,
)

PROBLEM.equation(
    "linear-form-gradient", "gradient", "the gradient of an inner product",
    lambda: [Grad(Dot(wv, xv), wv), xv],
    pts.vectors(["w", "x"]),
)

PROBLEM.equation(
    "svm-loss-batch", "definition", "the loss of a batch, with L2 regularisation",
    lambda: [L(), Frac(1, N) * SumOver(Li(), i, 1, N) + lam * Frobenius(W)],
    batch,
)

PROBLEM.equation(
    "svm-g-matrix", "definition", "the matrix G of the batch gradient",
    lambda: [G[i, j], Ind(sp.Ne(j, y[i])) * Ind(S[i, j] - S[i, y[i]] + 1 > 0)
             - Ind(sp.Eq(j, y[i])) * SumOver(Ind(S[i, l] - S[i, y[i]] + 1 > 0), l, 1, C, y[i])],
    pts.entries(batch),
)

PROBLEM.equation(
    "svm-batch-gradient", "gradient", "the gradient of the batch loss in matrix form",
    lambda: [Grad(L(), W), Frac(1, N) * Transpose(X) * Gm + 2 * lam * W],
    batch,
)

PROBLEM.equation(
    "reg-gradient", "gradient", "the gradient of the regularisation term",
    lambda: [Grad(lam * Frobenius(W), W), 2 * lam * W],
    batch,
)
