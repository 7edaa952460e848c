"""Example R: ridge regression and the Huber loss, as a second author writes them (the guide's second example).

Each ``PROBLEM.equation`` is one displayed equation of ``docs/example-ridge.md``, in page order.
"""

import numpy as np
import sympy as sp

from derivations.equations import Problem
from derivations.equations import points as pts
from derivations.equations.notation import (
    Dot, Frac, Grad, Identity, Ind, Inverse, Norm, Partial, SumOver, Transpose, ZeroVector,
)

PROBLEM = Problem("example-ridge.md", "R", "Ridge regression", rows={"x": "X"}, bold=("y", "v"),
                  shapes={"X": ("N", "D"), "x": ("D",), "w": ("D",), "y": ("N",), "v": ("D",)})

# what each vector and matrix of shapes= is: the page's table of shapes ([[shapes]]) prints it beside its shape
SYMBOLS = {
    "X": r"the samples, one per row",
    "x": r"sample \(i\), row \(i\) of \(\mathbf{X}\)",
    "w": r"the weights of the linear model",
    "y": r"the real targets, one per sample",
    "v": r"the minimiser of the ridge loss",
}

# the page's symbols: X, w and the targets y are values (y holds floats: real targets, not class labels)
N, D = sp.symbols("N D", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
lam, r, delta = sp.symbols("lam r delta", real=True)
X, w, y, v = sp.symbols("X w y v")  # X (N x D), w and v (D), y (N), as declared in shapes=
x, yi = sp.IndexedBase("x"), sp.IndexedBase("y")


# -- the package side: how code computes what the page defines ----------------------------------------------

def ridge_loss(X_, w_, y_, lam_):
    """(1/N) ||X w - y||^2 + lam ||w||^2, and its gradient (2/N) X^T (X w - y) + 2 lam w."""
    residual = X_ @ w_ - y_
    return residual @ residual / len(y_) + lam_ * w_ @ w_, 2 * X_.T @ residual / len(y_) + 2 * lam_ * w_


def ridge_minimiser(values, indices):
    """w* of the ridge loss, solved by the package (numbers) or by sympy (symbols, for the proofs)."""
    X_, y_, lam_ = values["X"], values["y"], values["lam"]
    n, d = X_.shape
    if X_.dtype == object:
        A = sp.Matrix(X_.T.tolist()) * sp.Matrix(X_.tolist()) + n * lam_ * sp.eye(d)
        b = sp.Matrix(X_.T.tolist()) * sp.Matrix(list(y_))
        det = sp.expand(A.det())  # Cramer's rule: one polynomial denominator, which cancels fast
        return np.array([sp.expand(e) / det for e in A.adjugate() * b], dtype=object)
    return np.linalg.solve(X_.T @ X_ + n * lam_ * np.eye(d), X_.T @ y_)


def huber(r_, delta_):
    """The Huber loss: r^2 / 2 within delta of 0, delta (|r| - delta / 2) beyond."""
    return np.where(np.abs(r_) <= delta_, r_ ** 2 / 2, delta_ * (np.abs(r_) - delta_ / 2))


L = PROBLEM.function(
    "L_ridge", "L", "ridge-loss", lambda values, index, ev: float(ridge_loss(
        values["X"], values["w"], values["y"], float(values["lam"]))[0]),
    {"w": lambda values, index: ridge_loss(values["X"], values["w"], values["y"], float(values["lam"]))[1]},
    show_args=False,
)
h = PROBLEM.function("huber", r"h_{\delta}", "huber", lambda values, index, ev, arg: float(huber(ev(arg),
                                                                                              values["delta"])))

data = pts.regression()
# a symbolic inverse, size by size: at two features its determinant, (x_11 x_22 - x_12 x_21)^2 + 2 lam (...) + 4 lam^2,
# is positive, but not in a way the kernel can show, and it proves nothing across a denominator it cannot show nonzero
solved = pts.regression(derived={"v": ridge_minimiser}, sizes={"N": (1, 2), "D": (1,)})
residuals = pts.scalar_with_parameter("r", "delta", [0.3, -0.7, 2.5, -4.0, 1e4], [0.5, lambda rng: rng.uniform(1, 2)],
                                      kinks=lambda d: (d, -d, 0.0))

PROBLEM.equation(
    "ridge-loss", "definition", "the ridge loss: mean squared error plus a penalty on the weights",
    lambda: [L(), Frac(1, N) * SumOver((Dot(x[i], w) - yi[i]) ** 2, i, 1, N) + lam * Norm(w) ** 2],
    data,
)

PROBLEM.equation(
    "ridge-gradient", "gradient", "its gradient, sample by sample and in matrix form",
    lambda: [Grad(L(), w), Frac(2, N) * SumOver((Dot(x[i], w) - yi[i]) * x[i], i, 1, N) + 2 * lam * w,
             Frac(2, N) * Transpose(X) * (X * w - y) + 2 * lam * w],
    data,
)

PROBLEM.equation(
    "ridge-minimiser", "definition", "the weights where the gradient is zero",
    lambda: [v, Inverse(Transpose(X) * X + N * lam * Identity(D)) * Transpose(X) * y],
    solved,
)

PROBLEM.equation(
    "ridge-stationary", "identity", "at the minimiser the gradient vanishes",
    lambda: [Frac(2, N) * Transpose(X) * (X * v - y) + 2 * lam * v, ZeroVector(D)],
    solved, domain=[lam > 0],  # the minimiser solves (X^T X + N lam I) v = X^T y: no solution where that matrix is singular
)

PROBLEM.equation(
    "huber", "definition", "the Huber loss",
    lambda: [h(r), Ind(sp.Abs(r) <= delta) * Frac(r ** 2, 2) + Ind(sp.Abs(r) > delta) * delta * (sp.Abs(r) - delta / 2)],
    residuals, domain=[delta > 0],
)

PROBLEM.equation(
    "huber-derivative", "gradient", "its derivative: the residual, clipped at delta",
    lambda: [Partial(h(r), r), Ind(sp.Abs(r) <= delta) * r + Ind(r > delta) * delta - Ind(r < -delta) * delta],
    residuals, domain=[delta > 0],
)
