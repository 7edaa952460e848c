"""Problem 3: the gradient of the softmax classifier, per sample and for a batch.

Each ``PROBLEM.equation`` is one displayed equation of ``docs/problem-3.md``,
in page order. The softmax ``f`` and its definition (1.1) come from Problem 1.
"""

import numpy as np
import sympy as sp

from derivations import softmax, softmax_loss, worked_example
from derivations.equations import Problem
from derivations.equations import points as pts
from derivations.equations.notation import Dot, Frac, Frobenius, Grad, Ind, Partial, SumOver, Transpose
from derivations.equations.points import Point
from derivations.equations.symbols import C, N, S, W, X, i, j, l, lam, s, w, x, y
from derivations.problems._worked import LABEL, POINT_LABEL, WORKED, number, only, weights_point, with_example
from derivations.problems.problem1 import f, probabilities

PROBLEM = Problem("problem-3.md", 3, "Softmax gradient", columns={"w": "W"}, rows={"x": "X"}, bold=("S",),
                  shapes={"W": ("D", "C"), "X": ("N", "D"), "w": ("D",), "x": ("D",), "s": ("C",), "f": ("C",),
                          "S": ("N", "C"), "P": ("N", "C"), "T": ("N", "C")})
exp, log = sp.exp, sp.log
P, T = sp.IndexedBase("P"), sp.IndexedBase("T")
Pm, Tm = sp.symbols("P T")
SYMBOLS = {  # what each symbol of ``shapes`` is: the page's table of shapes ([[shapes]]) prints it beside its shape
    "W": "the weights, one column per class",
    "X": r"a batch of \(N\) samples, one per row",
    "w": r"column \(j\) of \(\mathbf{W}\): the weights of class \(j\)",
    "x": r"row \(i\) of \(\mathbf{X}\): sample \(i\)",
    "s": r"the scores of sample \(i\), one per class: entries \(s_j\)",
    "f": r"the probabilities of sample \(i\), the softmax of its scores: entries \(f_j\)",
    "S": r"the scores of the batch, \(\mathbf{X} \mathbf{W}\): row \(i\) holds the scores of sample \(i\)",
    "P": r"the probabilities of the batch: row \(i\) holds those of sample \(i\)",
    "T": r"the one-hot targets of the batch: row \(i\) is 1 at the label of sample \(i\)",
}
# the equations whose values at the worked example the page prints ([[example:values]]), in page order
EXAMPLE = ("softmax-loss-sample", "softmax-dl-ds", "softmax-grad-wj")


# -- how the page's symbols read the package ------------------------------------------------

def _sample_loss(values, index):
    return softmax_loss(*pts.one_sample(values, index, i))


def _sample_gradient(values, index):
    dW = _sample_loss(values, index)[1]
    return dW if "W" in values else dW[0]


def _batch_loss(values):
    return softmax_loss(*pts.whole_batch(values), reg=float(values["lam"]))


Li = PROBLEM.function(
    "softmax_L_i", "L_{i}", "softmax-loss-sample",
    lambda v, index, ev: _sample_loss(v, index)[0],
    {"W": _sample_gradient, "s": _sample_gradient}, show_args=False,
)
L = PROBLEM.function(
    "softmax_L", r"L(\mathbf{W})", "softmax-loss-batch",
    lambda v, index, ev: _batch_loss(v)[0],
    {"W": lambda v, index: _batch_loss(v)[1]}, show_args=False,
)


# -- derived values -------------------------------------------------------------------------------

def _probabilities(values, indices):
    """P, the softmax of each row of scores: the package's for numbers, sympy's for symbols."""
    S_ = pts.score_matrix(values, indices)
    if S_.dtype != object:
        return softmax(S_, axis=1)
    E = np.vectorize(sp.exp, otypes=[object])(S_)
    return E / E.sum(axis=1, keepdims=True)


def _targets(values, indices):
    """T, the one-hot labels."""
    y_ = np.asarray(values["y"]) - 1
    T_ = np.zeros((len(y_), indices["C"]), dtype=int)
    T_[np.arange(len(y_)), y_] = 1
    return T_


def _scores_any_class(large=True):
    """Scores ``s`` of one sample with label y_i and a class j, the label included; with ``large``, scores of 1e4."""
    def sample(rng):
        points = []
        for num_classes in (2, 3, 5):
            for draw in range(2 * num_classes):
                points.append(Point(f"random, C={num_classes}",
                                    {"C": num_classes, "i": 1, "j": draw % num_classes + 1},
                                    {"s": rng.normal(scale=3.0, size=num_classes),
                                     "y": np.array([draw // 2 % num_classes + 1])}, {"f": probabilities}))
        if large:
            points.append(Point("large scores |s| = 1e4, C=5", {"C": 5, "i": 1, "j": 1},
                                {"s": np.linspace(-1e4, 1e4, 5), "y": np.array([5])}, {"f": probabilities}))
        return points

    size = sp.Symbol("C", integer=True, positive=True)
    space = pts.labelled_scores(sample, other=False, general={}, bounds={"j": size, "k": size, "y_i": size})
    listed = space.every
    # the probabilities f are read from the scores at every point the prover lists too
    space.every = lambda sizes, free: (Point(q.label, q.indices, q.values, {"f": probabilities}, q.kink, q.labels)
                                       for q in listed(sizes, free))
    return space


scores = _scores_any_class()
# the worked example as a point of the per-sample equations: every class j, the label 1 among them
_example_scores = [Point(f"{POINT_LABEL}, C=3", {"C": 3, "i": 1, "j": n},
                         {"s": worked_example.numbers().scores.copy(), "y": np.array([LABEL])}, {"f": probabilities})
                   for n in (1, 2, 3)]
_example_weights = [weights_point({"s": pts.sample_scores, "f": probabilities}, j=n) for n in (1, 2, 3)]
# a sum that cancels to exactly 0 at scores of 1e4 sends sympy's 40-digit evaluation to thousands of digits: minutes
scores_moderate = _scores_any_class(large=False)
weights = pts.weights(other=False, derived={"s": pts.sample_scores, "f": probabilities})
batch_values = {"S": pts.score_matrix, "P": _probabilities, "T": _targets}
batch = pts.batch(derived=batch_values)
# the batch gradient's proof cancels a rational function of exponentials per entry for every label vector;
# N = 3 (C**3 label vectors) would take minutes, so it is proved for N = 1..2 (the ledger says so)
batch_to_two = pts.batch(derived=batch_values, sizes=dict(pts.PROOF_SIZES, N=(1, 2)))

# -- the equations ---------------------------------------------------------------------------------

PROBLEM.equation(
    "softmax-loss-sample", "definition", "the softmax (cross-entropy) loss of one sample",
    lambda: [Li(), -log(Frac(exp(Dot(w[y[i]], x[i])), SumOver(exp(Dot(w[j], x[i])), j, 1, C))),
             -log(f[y[i]]), log(SumOver(exp(s[j]), j, 1, C)) - s[y[i]]],
    with_example(weights, _example_weights[:1]) + scores,
)

PROBLEM.equation(
    "softmax-dl-ds", "gradient", "the derivative of the loss with respect to the score of class j",
    lambda: [Partial(Li(), s[j]), f[j] - Ind(sp.Eq(j, y[i]))],
    with_example(scores, _example_scores),
)

PROBLEM.equation(
    "softmax-grad-wj", "gradient", "the gradient of one sample's loss with respect to the weights of class j",
    lambda: [Grad(Li(), w[j]), (f[j] - Ind(sp.Eq(j, y[i]))) * x[i]],
    with_example(weights, _example_weights),
)

PROBLEM.equation(
    "softmax-grad-sum", "identity", "the multiples of x_i add up to zero across the classes",
    lambda: [SumOver(f[j] - Ind(sp.Eq(j, y[i])), j, 1, C), 0],
    scores_moderate,
)

PROBLEM.equation(
    "softmax-loss-batch", "definition", "the loss of a batch, with L2 regularisation",
    lambda: [L(), Frac(1, N) * SumOver(Li(), i, 1, N) + lam * Frobenius(W)],
    batch,
)

PROBLEM.equation(
    "softmax-p-matrix", "definition", "the matrix P of predicted probabilities",
    lambda: [P[i, j], Frac(exp(S[i, j]), SumOver(exp(S[i, l]), l, 1, C))],
    pts.entries(batch),
)

PROBLEM.equation(
    "softmax-t-matrix", "definition", "the matrix T of one-hot targets",
    lambda: [T[i, j], Ind(sp.Eq(j, y[i]))],
    pts.entries(batch),
)

PROBLEM.equation(
    "softmax-batch-gradient", "gradient", "the gradient of the batch loss in matrix form",
    lambda: [Grad(L(), W), Frac(1, N) * Transpose(X) * (Pm - Tm) + 2 * lam * W],
    batch_to_two,
)


# -- the worked example: the instance's scores written into (3.3) for its label, checked at the instance only ---
_s = [number(v) for v in worked_example.numbers().scores]

PROBLEM.equation(
    "example-softmax-grad", "identity",
    "worked example: the gradient for the instance's correct class, with its scores written in",
    lambda: [Grad(Li(), w[LABEL]), (Frac(exp(_s[0]), exp(_s[0]) + exp(_s[1]) + exp(_s[2])) - 1) * x[i]],
    only(_example_weights[1:2]), prove=WORKED,  # j = 2 != i: an x_j written for x_i has no value there
)
