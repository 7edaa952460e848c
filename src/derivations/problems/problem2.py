"""Problem 2: the gradients of the multiclass SVM loss, per sample and for a batch.

Each ``PROBLEM.equation`` is one displayed equation of ``docs/problem-2.md``, in page order.
"""

import numpy as np
import sympy as sp

from derivations import svm_loss, worked_example
from derivations.equations import Problem
from derivations.equations import points as pts
from derivations.equations.notation import Dot, Frac, Frobenius, Grad, Ind, Partial, SumOver, Transpose
from derivations.equations.points import Point
from derivations.linear_svm import svm_score_gradient
from derivations.equations.symbols import C, D, G, Gm, N, S, W, X, i, j, k, l, lam, s, u, w, wv, x, xv, y
from derivations.problems._worked import WORKED, number, only, weights_point, with_example

PROBLEM = Problem("problem-2.md", 2, "SVM gradients", columns={"w": "W"}, rows={"x": "X"},
                  bold=("S", "V", "W'"),
                  shapes={"W": ("D", "C"), "X": ("N", "D"), "w": ("D",), "x": ("D",), "s": ("C",),
                          "S": ("N", "C"), "G": ("N", "C"), "V": ("D", "C"), "W'": ("D", "C")})
# the subgradient inequality compares the loss at W with the loss at any other point W' (entries W'_{k,j})
Wp = sp.Symbol("W'")
V = sp.Symbol("V")
W_, X_, Wp_, V_ = (sp.IndexedBase(name) for name in ("W", "X", "W'", "V"))  # entries W_{k,j}, X_{i,k}, ...
SYMBOLS = {  # what each symbol of ``shapes`` is: the page's table of shapes ([[shapes]]) prints it beside its shape
    "W": "the weights, one column per class",
    "X": r"a batch of \(N\) samples, one per row",
    "w": r"column \(j\) of \(\mathbf{W}\): the weights of class \(j\)",
    "x": r"row \(i\) of \(\mathbf{X}\): sample \(i\)",
    "s": r"the scores of sample \(i\), one per class: entries \(s_j\)",
    "S": r"the scores of the batch, \(\mathbf{X} \mathbf{W}\): row \(i\) holds the scores of sample \(i\)",
    "G": r"the multiples of sample \(i\) in [[ref:svm-grad-wj]] and [[ref:svm-grad-wyi]], one row per sample",
    "V": "the right side of [[ref:svm-batch-gradient]], defined on the kinks too",
    "W'": "any other point of the weights, in the subgradient inequality",
}
# the equations whose values at the worked example the page prints ([[example:values]]), in page order
EXAMPLE = ("scores", "svm-loss-sample", "svm-grad-wj", "svm-grad-wyi")


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
    "L", r"L(\mathbf{W})", "svm-loss-batch",
    lambda v, index, ev: svm_loss(*pts.whole_batch(v), reg=float(v["lam"]))[0],
    {"W": lambda v, index: svm_loss(*pts.whole_batch(v), reg=float(v["lam"]))[1]}, show_args=False,
)


def _hinge_slope(values, index):
    """The package's subgradient of max(0, u): svm_loss of scores (0, u - 1) with label 1 is max(0, u)."""
    scores = np.array([[0.0, float(values["u"]) - 1.0]])
    return svm_loss(scores, np.ones((1, 1)), np.array([0]))[1][0, 1]


PROBLEM.package_gradient(sp.Max(0, u), u, _hinge_slope)


L_at = PROBLEM.function(  # the batch loss at another point W' (the package's only: the page defines L at W)
    "L_at", "L", None,
    lambda v, index, ev, at: svm_loss(np.asarray(ev(at), dtype=np.float64), *pts.whole_batch(v)[1:],
                                      reg=float(v["lam"]))[0],
)


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


def _subgradient(values, indices):
    """V, the right side of the batch gradient: the package's dW for numbers (its convention at a kink), the formula
    (1/N) X^T G + 2 lam W for symbols."""
    if np.asarray(values["W"]).dtype != object:
        return svm_loss(*pts.whole_batch(values), reg=float(values["lam"]))[1]
    n = values["X"].shape[0]
    return values["X"].T @ values["G"] / n + 2 * values["lam"] * values["W"]


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


def _batch_on_kinks(rng, n, num_classes, scale=1):
    """Integer W (D = N + 1) and X whose samples 1.. n - 1 each have a wrong class exactly on its kink (margin 0).

    Feature 1 is 1 for every sample and feature a + 1 belongs to sample a alone, so that row a + 1 of W moves
    the scores of sample a only.
    """
    d = n + 1
    X_ = np.hstack([np.ones((n, 1)), scale * np.eye(n)])
    W_ = rng.integers(-2, 3, size=(d, num_classes)).astype(float)
    y_ = rng.integers(1, num_classes + 1, size=n)
    for a in range(n - 1):  # the last sample is left off its kinks
        other = int(rng.choice([q for q in range(num_classes) if q != y_[a] - 1]))
        s_ = X_[a] @ W_
        W_[a + 1, other] += (s_[y_[a] - 1] - 1 - s_[other]) / scale
    return W_, X_, y_


def _subgradient_points(rng):
    """Points W on a kink of the batch loss, each with several other points W' (near, far, and across the kink)."""
    kink_batches = [(worked_example.W.copy(), worked_example.X.copy(), np.array([worked_example.LABEL]), 0.0,
                     "the worked example")]
    W_, x_ = _kink_weights(rng, 3, 3)
    kink_batches.append((W_, x_, np.array([1]), 0.5, "N=1, C=3, D=3"))
    for n, num_classes, lam_ in ((3, 4, 0.1), (2, 3, 0.0)):
        W_, X_, y_ = _batch_on_kinks(rng, n, num_classes)
        kink_batches.append((W_, X_, y_, lam_, f"N={n}, C={num_classes}, D={n + 1}"))
    derived = {"S": pts.score_matrix, "G": _hinge_weights, "V": _subgradient}
    points = []
    for W_, X_, y_, lam_, label in kink_batches:
        d, num_classes = W_.shape
        idx = {"C": num_classes, "D": d, "N": len(y_)}
        values = {"W": W_, "X": X_, "y": y_, "lam": lam_}
        for scale in (1e-3, 1e-1, 1.0, 5.0):
            for draw in range(2):
                other = W_ + scale * rng.normal(size=W_.shape)
                points.append(Point(f"kink: {label}, W' at distance ~{scale:g}", idx, dict(values, **{"W'": other}),
                                    derived, kink=True))
        for sign in (-1.0, 1.0):  # along one entry, each side of the kink
            other = W_.copy()
            other[0, -1] += sign * 0.25
            points.append(Point(f"kink: {label}, W' one step {'up' if sign > 0 else 'down'} in W_(1,C)", idx,
                                dict(values, **{"W'": other}), derived, kink=True))
    # W near 0 (every margin violated) and a W' that classifies every sample with room to spare: L(W') is 0, far
    # below the tangent plane of L at W continued to 0 (a bound that drops L(W) or W' holds at every other point)
    n, num_classes = 2, 3
    X_, y_ = np.hstack([np.ones((n, 1)), np.eye(n)]), np.array([1, 3])
    W_ = 1e-3 * rng.normal(size=(n + 1, num_classes))
    good = np.zeros_like(W_)
    good[np.arange(1, n + 1), y_ - 1] = 10.0
    points.append(Point(f"random, N={n}, C={num_classes}, D={n + 1}, W near 0, W' with every margin met",
                        {"C": num_classes, "D": n + 1, "N": n},
                        {"W": W_, "X": X_, "y": y_, "lam": 0.0, "W'": good}, derived))
    for num_classes, d, n in ((3, 2, 4), (4, 3, 2)):  # off the kinks the inequality is the gradient's
        W_, X_ = rng.normal(size=(d, num_classes)), rng.normal(size=(n, d))
        values = {"W": W_, "X": X_, "y": rng.integers(1, num_classes + 1, size=n), "lam": 0.3}
        for scale in (0.1, 1.0, 3.0):
            points.append(Point(f"random, N={n}, C={num_classes}, D={d}, W' at distance ~{scale:g}",
                                {"C": num_classes, "D": d, "N": n},
                                dict(values, **{"W'": W_ + scale * rng.normal(size=W_.shape)}), derived))
    return points


weights = pts.weights(derived={"s": pts.sample_scores}, extra=_sample_kink)
# the worked example (on a kink: class 3's hinge argument is 0) is a point of the per-sample equations too
example_points = [weights_point({"s": pts.sample_scores}, kink=True, j=n) for n in (2, 3)]
scores = _svm_scores()
batch = pts.batch(derived={"S": pts.score_matrix, "G": _hinge_weights}, extra=_batch_kink)
hinge = pts.scalar("u", [lambda r: r.uniform(0.05, 0.95), lambda r: r.uniform(1, 3), lambda r: -r.uniform(0.05, 0.95),
                         lambda r: -r.uniform(1, 3), 1e4, -1e4], kinks=[0.0])

# -- the equations ---------------------------------------------------------------------------------

PROBLEM.equation(
    "scores", "definition", "the score of class j for sample i",
    lambda: [s[j], Dot(w[j], x[i])],
    with_example(weights, [weights_point({"s": pts.sample_scores}, kink=True, j=n) for n in (1, 2, 3)]),
)

PROBLEM.equation(
    "svm-loss-sample", "definition", "the multiclass SVM loss of one sample",
    lambda: [Li(), SumOver(sp.Max(0, Dot(w[j], x[i]) - Dot(w[y[i]], x[i]) + 1), j, 1, C, y[i]),
             SumOver(sp.Max(0, s[j] - s[y[i]] + 1), j, 1, C, y[i])],
    with_example(weights, example_points) + scores,
)

PROBLEM.equation(
    "svm-grad-wj", "gradient", "the assignment's (3), shown as (A3): gradient with respect to a wrong class's weights",
    lambda: [Grad(Li(), w[j]), Ind(Dot(w[j], x[i]) - Dot(w[y[i]], x[i]) + 1 > 0) * x[i]],
    with_example(weights, example_points), number="A3",
)

PROBLEM.equation(
    "svm-grad-wyi", "gradient", "the assignment's (4), shown as (A4): gradient with respect to the correct class's weights",
    lambda: [Grad(Li(), w[y[i]]),
             -SumOver(Ind(Dot(w[j], x[i]) - Dot(w[y[i]], x[i]) + 1 > 0), j, 1, C, y[i]) * x[i]],
    with_example(weights, example_points[:1]), number="A4",
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

# -- at a kink: subgradients ----------------------------------------------------------------------

v = sp.Symbol("v", real=True)  # the hinge's argument at another point, in the hinge's subgradient inequality


def _hinge_pairs():
    """Two real values, u and v (the hinge's argument at W and at another point W'): random, of size 1e4, and on
    the kinks u = 0, v = 0 and both."""
    def sample(rng):
        draws = [(rng.normal(), rng.normal()) for _ in range(6)] + [(1e4, -1e4), (-1e4, 1e4), (0.5, -0.5)]
        kinks = [(0.0, rng.normal()), (0.0, -abs(rng.normal())), (0.0, abs(rng.normal())), (rng.normal(), 0.0),
                 (0.0, 0.0)]
        return [Point("random", {}, {"u": a, "v": b}) for a, b in draws] + \
            [Point(f"kink u = {a:g}, v = {b:.3g}", {}, {"u": a, "v": b}, kink=True) for a, b in kinks]

    def every(sizes, free):
        yield Point("no size", {}, {"u": 0.0, "v": 0.0})

    return pts.Space(sample, every, {}, {})


def _with_other_weights(space, sizes, derived):
    """``space`` with another point of the weights, W', at each of its points (near, far, and W itself, so that a
    point on a kink of W is on the same kink at W'), each with the ``derived`` values too (the scores at W')."""
    def sample(rng):
        out = []
        for point in space.sample(rng):
            here = np.asarray(point.values["W"], dtype=np.float64)
            for scale in (0.0, 0.3, 3.0):
                out.append(Point(f"{point.label}, W' at distance ~{scale:g}", point.indices, dict(
                    point.values, **{"W'": here + scale * rng.normal(size=here.shape)}), dict(
                    point.derived or {}, **derived), point.kink, point.labels))
        return out

    def every(sizes_, free):
        for point in space.every(sizes_, free):
            yield Point(point.label, point.indices, dict(point.values, **{"W'": np.zeros_like(point.values["W"])}),
                        dict(point.derived or {}, **derived), point.kink, point.labels)

    return pts.Space(sample, every, sizes, space.general, dict(space.bounds, k=D))


r_ = sp.IndexedBase("r")  # the scores of sample i at W'


def _other_scores(values, indices):
    """r = x_i^T W', the scores of sample i at the other point W'."""
    x_i, other = values["X"][indices["i"] - 1], values["W'"]
    return x_i @ other if np.asarray(other).dtype == object else np.asarray(x_i, dtype=np.float64) @ other


PROBLEM.equation(
    "hinge-subgradient", "inequality",
    "the hinge lies above its line through u with the slope 1(u > 0): at its kink too, where the slope is 0",
    lambda: [sp.Max(0, v), sp.Max(0, u) + Ind(u > 0) * (v - u)],
    _hinge_pairs(),
)

PROBLEM.equation(
    "hinge-subgradient-right", "inequality",
    "the hinge lies above its line through u with the slope 1(u >= 0): at its kink, the other end slope 1",
    lambda: [sp.Max(0, v), sp.Max(0, u) + Ind(u >= 0) * (v - u)],
    _hinge_pairs(),
)

PROBLEM.equation(
    "svm-sample-subgradient", "inequality",
    "the sum rule for one sample, in the scores r = x_i^T W' of another point: each hinge's slope 1(margin > 0) "
    "on r_j - s_j and, with -, on r_{y_i} - s_{y_i}, summed over the hinges, gives a line under L_i",
    lambda: [SumOver(sp.Max(0, r_[j] - r_[y[i]] + 1), j, 1, C, y[i]),
             Li() + SumOver(Ind(s[j] - s[y[i]] + 1 > 0) * (r_[j] - s[j]), j, 1, C, y[i])
             - SumOver(Ind(s[j] - s[y[i]] + 1 > 0) * (r_[y[i]] - s[y[i]]), j, 1, C, y[i])],
    _with_other_weights(weights, {"C": (2, 3), "D": (1, 2)}, {"r": _other_scores}),
)

subgradient_space = only(_subgradient_points(np.random.default_rng(18)))

PROBLEM.equation(
    "svm-subgradient-matrix", "definition", "V, the right side of the batch gradient, defined on the kinks too",
    lambda: [V, Frac(1, N) * Transpose(X) * Gm + 2 * lam * W],
    subgradient_space,
)

PROBLEM.equation(
    "svm-subgradient", "inequality",
    "the subgradient inequality: V (and the package's dW) is a subgradient of the batch loss, also on a kink",
    lambda: [L_at(Wp), L() + SumOver(SumOver(V_[k, j] * (Wp_[k, j] - W_[k, j]), j, 1, C), k, 1, D)],
    subgradient_space,
)


# -- the worked example: the instance's numbers written into the page's formulas, checked at the instance only ---
_s = [number(v) for v in worked_example.numbers().scores]
_on_kink = only([weights_point({"s": pts.sample_scores}, kink=True)])

PROBLEM.equation(
    "example-svm-loss", "identity", "worked example: the SVM loss of the instance, with its scores written in",
    lambda: [Li(), sp.Max(0, _s[1] - _s[0] + 1) + sp.Max(0, _s[2] - _s[0] + 1),
             number(worked_example.numbers().svm_loss)],
    _on_kink, prove=WORKED,
)
