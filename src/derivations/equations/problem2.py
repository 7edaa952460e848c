"""Problem 2: the gradients of the multiclass SVM loss, per sample and for a batch.

Each ``CATALOG.add`` is one displayed equation of ``docs/problem-2.md``, in page order.
"""

import numpy as np
import sympy as sp

from derivations import svm_loss
from derivations.equations import CATALOG
from derivations.equations import points as pts
from derivations.equations.evaluate import FUNCTIONS, FunctionSpec
from derivations.equations.notation import Dot, Frac, Frobenius, Grad, Ind, Partial, SumOver, Transpose
from derivations.equations.symbols import (
    C, G, Gm, L, Li, N, S, W, X, i, j, l, lam, s, u, w, wv, x, xv, y,
)

PAGE = "problem-2.md"

CATALOG.add(
    "scores", PAGE, "definition", "the score of class j for sample i",
    lambda: [s[j], Dot(w[j], x[i])],
    pts.svm_weights,
)

CATALOG.add(
    "svm-loss-sample", PAGE, "definition", "the multiclass SVM loss of one sample",
    lambda: [Li(), SumOver(sp.Max(0, Dot(w[j], x[i]) - Dot(w[y[i]], x[i]) + 1), j, 1, C, y[i]),
             SumOver(sp.Max(0, s[j] - s[y[i]] + 1), j, 1, C, y[i])],
    lambda rng: pts.svm_weights(rng) + pts.svm_scores(rng),
)

CATALOG.add(
    "svm-grad-wj", PAGE, "gradient", "the assignment's (3): gradient with respect to a wrong class's weights",
    lambda: [Grad(Li(), w[j]), Ind(Dot(w[j], x[i]) - Dot(w[y[i]], x[i]) + 1 > 0) * x[i]],
    pts.svm_weights, number="3",
)

CATALOG.add(
    "svm-grad-wyi", PAGE, "gradient", "the assignment's (4): gradient with respect to the correct class's weights",
    lambda: [Grad(Li(), w[y[i]]),
             -SumOver(Ind(Dot(w[j], x[i]) - Dot(w[y[i]], x[i]) + 1 > 0), j, 1, C, y[i]) * x[i]],
    pts.svm_weights, number="4",
)

CATALOG.add(
    "hinge-derivative", PAGE, "gradient", "the derivative of the hinge away from its kink",
    lambda: [Partial(sp.Max(0, u), u), Ind(u > 0)],
    pts.hinge,
)

CATALOG.add(
    "svm-dl-dsj", PAGE, "gradient", "the scalar chain rule: derivative with respect to a wrong class's score",
    lambda: [Partial(Li(), s[j]), Ind(s[j] - s[y[i]] + 1 > 0)],
    pts.svm_scores,
)

CATALOG.add(
    "svm-dl-dsyi", PAGE, "gradient", "the scalar chain rule: derivative with respect to the correct class's score",
    lambda: [Partial(Li(), s[y[i]]), -SumOver(Ind(s[j] - s[y[i]] + 1 > 0), j, 1, C, y[i])],
    pts.svm_scores,
)

CATALOG.add(
    "linear-form-gradient", PAGE, "gradient", "the gradient of an inner product",
    lambda: [Grad(Dot(wv, xv), wv), xv],
    pts.linear_form,
)

CATALOG.add(
    "svm-loss-batch", PAGE, "definition", "the loss of a batch, with L2 regularisation",
    lambda: [L(), Frac(1, N) * SumOver(Li(), i, 1, N) + lam * Frobenius(W)],
    pts.svm_batch,
)

CATALOG.add(
    "svm-g-matrix", PAGE, "definition", "the matrix G of the batch gradient",
    lambda: [G[i, j], Ind(sp.Ne(j, y[i])) * Ind(S[i, j] - S[i, y[i]] + 1 > 0)
             - Ind(sp.Eq(j, y[i])) * SumOver(Ind(S[i, l] - S[i, y[i]] + 1 > 0), l, 1, C, y[i])],
    pts.svm_entries,
)

CATALOG.add(
    "svm-batch-gradient", PAGE, "gradient", "the gradient of the batch loss in matrix form",
    lambda: [Grad(L(), W), Frac(1, N) * Transpose(X) * Gm + 2 * lam * W],
    pts.svm_batch,
)

CATALOG.add(
    "reg-gradient", PAGE, "gradient", "the gradient of the regularisation term",
    lambda: [Grad(lam * Frobenius(W), W), 2 * lam * W],
    pts.svm_batch,
)


def _sample(values, index):
    """(W, X, y) of the one-sample problem L_i; with scores only, W = s as a 1 x C matrix and x = [1]."""
    if "W" in values:
        row = index(i) - 1
        return values["W"], values["X"][row:row + 1], np.asarray(values["y"][row:row + 1]) - 1
    return np.asarray(values["s"])[None, :], np.ones((1, 1)), np.asarray(values["y"][:1]) - 1


def _sample_gradient(values, index):
    W_, X_, y_ = _sample(values, index)
    dW = svm_loss(W_, X_, y_)[1]
    return dW if "W" in values else dW[0]


FUNCTIONS.update({
    "L_i": FunctionSpec(
        "L_i", "svm-loss-sample",
        lambda v, index, ev: svm_loss(*_sample(v, index))[0],
        {"W": _sample_gradient, "s": _sample_gradient},
    ),
    "L": FunctionSpec(
        "L", "svm-loss-batch",
        lambda v, index, ev: svm_loss(v["W"], v["X"], np.asarray(v["y"]) - 1, reg=float(v["lam"]))[0],
        {"W": lambda v, index: svm_loss(v["W"], v["X"], np.asarray(v["y"]) - 1, reg=float(v["lam"]))[1]},
    ),
})
