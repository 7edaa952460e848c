"""A second author's logistic regression, for the tests of second derivatives (not a page of the site).

The loss of a linear model with labels in {0, 1}, its gradient and its Hessian, sample by sample and in matrix form,
for every number of samples N and features D. The sample index is the author's own ``n``; the labels are values
(floats 0 and 1), so the space is written here (the stock spaces bound i, k, l and take class labels 1..C).
"""

import numpy as np
import sympy as sp

from derivations.equations import Problem
from derivations.equations.notation import Diag, Dot, Frac, Grad, Hessian, SumOver, Transpose
from derivations.equations.points import PROOF_SIZES, Point, Space
from derivations.problems.problem1 import sigma

PROBLEM = Problem("example-logistic.md", "G", "Logistic regression", rows={"x": "X"}, bold=("y", "q"),
                  shapes={"X": ("N", "D"), "x": ("D",), "w": ("D",), "y": ("N",), "q": ("N",)})

N, D = sp.symbols("N D", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
X, w = sp.symbols("X w")  # X (N x D) and w (D), as declared in shapes=
x, y, q = sp.IndexedBase("x"), sp.IndexedBase("y"), sp.IndexedBase("q")
q_all = sp.Symbol("q")  # the vector of the q_n (N), whose entries q[n] its definition gives


def _sigmoid(s):
    """σ of each entry: numbers by numpy, symbols (the prover's) by sympy."""
    if np.asarray(s).dtype == object:
        return np.array([1 / (1 + sp.exp(-e)) for e in s], dtype=object)
    return 1 / (1 + np.exp(-s))


def loss(values):
    """(1/N) Σ_n -y_n log σ(x_n·w) - (1 - y_n) log(1 - σ(x_n·w)), and its gradient (1/N) X^T (σ(Xw) - y)."""
    X_, w_, y_ = (np.asarray(values[k], dtype=np.float64) for k in ("X", "w", "y"))
    s = X_ @ w_
    # -log σ(s) = log(1 + e^-s) and -log(1 - σ(s)) = log(1 + e^s): stable for large |s|
    value = np.mean(y_ * np.logaddexp(0, -s) + (1 - y_) * np.logaddexp(0, s))
    return float(value), X_.T @ (_sigmoid(s) - y_) / len(y_)


def curvature(values, indices):
    """q_n = σ(x_n·w) (1 - σ(x_n·w)), the weight of sample n in the Hessian."""
    p = _sigmoid(values["X"] @ values["w"])
    return p * (1 - p)


def space(shapes=((3, 2), (4, 3), (2, 1), (1, 2))):
    """Rows x_n of X (N x D), weights w (D) and labels y in {0, 1} (floats: values of the statement), for each (N, D)
    of ``shapes``; the proofs run over N = 1..3, D = 1..3, with n bounded by N and k, l by D."""
    derived = {"q": curvature}

    def sample(rng):
        points = []
        for size_n, size_d in shapes:
            points.append(Point(f"random, N={size_n}, D={size_d}", {"N": size_n, "D": size_d, "n": size_n},
                                {"X": rng.normal(size=(size_n, size_d)), "w": rng.normal(scale=0.7, size=size_d),
                                 "y": rng.integers(0, 2, size=size_n).astype(float)}, derived, labels=()))
        points.append(Point("large logits |x·w| = 8", {"N": 2, "D": 2, "n": 1},
                            {"X": np.array([[2.0, 2.0], [-2.0, -2.0]]), "w": np.array([2.0, 2.0]),
                             "y": np.array([0.0, 1.0])}, derived, labels=()))
        return points

    def every(sizes, free):
        size_n, size_d = sizes["N"], sizes["D"]
        for row in range(1, size_n + 1) if "n" in free else [1]:
            yield Point(f"N={size_n}, D={size_d}", {"N": size_n, "D": size_d, "n": row},
                        {"X": np.zeros((size_n, size_d)), "w": np.zeros(size_d), "y": np.zeros(size_n)}, derived,
                        labels=())

    return Space(sample, every, {"N": PROOF_SIZES["N"], "D": PROOF_SIZES["D"]}, {}, {"n": N, "k": D, "l": D})


L = PROBLEM.function("L_logistic", "L", "logistic-loss", lambda values, index, ev: loss(values)[0],
                     {"w": lambda values, index: loss(values)[1]}, show_args=False)

data = space()


def p(row):
    """σ(x_n·w), the model's probability of label 1 for sample ``row``."""
    return sigma(Dot(x[row], w))


PROBLEM.equation(
    "logistic-loss", "definition", "the mean cross-entropy of a logistic model",
    lambda: [L(), Frac(1, N) * SumOver(-y[n] * sp.log(p(n)) - (1 - y[n]) * sp.log(1 - p(n)), n, 1, N)],
    data,
)

PROBLEM.equation(
    "logistic-gradient", "gradient", "its gradient",
    lambda: [Grad(L(), w), Frac(1, N) * SumOver((p(n) - y[n]) * x[n], n, 1, N)],
    data,
)

PROBLEM.equation(
    "logistic-curvature", "definition", "the weight of each sample in the Hessian",
    lambda: [q[n], p(n) * (1 - p(n))],
    data,
)

PROBLEM.equation(
    "logistic-hessian", "gradient", "its Hessian, sample by sample and in matrix form",
    lambda: [Hessian(L(), w), Frac(1, N) * SumOver(p(n) * (1 - p(n)) * x[n] * Transpose(x[n]), n, 1, N),
             Frac(1, N) * Transpose(X) * Diag(q_all) * X],
    data,
)
