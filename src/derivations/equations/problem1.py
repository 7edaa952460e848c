"""Problem 1: for two classes, softmax cross-entropy is binary cross-entropy of the logit difference.

Each ``CATALOG.add`` is one displayed equation of ``docs/problem-1.md``, in
page order; the page prints it from the sides given here.
"""

import numpy as np
import sympy as sp

from derivations import binary_cross_entropy, cross_entropy, sigmoid, softmax
from derivations.cross_entropy import softplus as package_softplus
from derivations.equations import CATALOG
from derivations.equations import points as pts
from derivations.equations.evaluate import FUNCTIONS, FunctionSpec
from derivations.equations.notation import Frac, Partial, SumOver
from derivations.equations.symbols import BCE, C, CE, c, f, j, k, m, p, s, sigma, softplus, t, tau, z

PAGE = "problem-1.md"
exp, log = sp.exp, sp.log

CATALOG.add(
    "softmax", PAGE, "definition", "softmax of the scores",
    lambda: [f(s[k]), Frac(exp(s[k]), SumOver(exp(s[j]), j, 1, C))],
    lambda rng: pts.logits(rng, index="k"),
)

CATALOG.add(
    "ce-softmax", PAGE, "definition", "cross-entropy of the softmax (the assignment's (1))",
    lambda: [CE(), -log(Frac(exp(s[p]), SumOver(exp(s[j]), j, 1, C)))],
    pts.logits, number="1",
)

CATALOG.add(
    "sigmoid", PAGE, "definition", "the sigmoid",
    lambda: [sigma(z), Frac(1, 1 + exp(-z))],
    pts.binary,
)

CATALOG.add(
    "ce-binary", PAGE, "identity", "the assignment's (2): two-class cross-entropy in terms of f(s_1) alone",
    lambda: [CE(), -t[1] * log(f(s[1])) - (1 - t[1]) * log(1 - f(s[1]))],
    lambda rng: pts.logits(rng, classes=(2,)), number="2",
)

CATALOG.add(
    "ce-one-hot", PAGE, "identity", "cross-entropy as a sum over one-hot targets",
    lambda: [CE(), -log(f(s[p])), -SumOver(t[k] * log(f(s[k])), k, 1, C)],
    pts.logits,
)

CATALOG.add(
    "ce-two-class-sum", PAGE, "identity", "the one-hot sum written out for two classes",
    lambda: [CE(), -t[1] * log(f(s[1])) - t[2] * log(f(s[2]))],
    lambda rng: pts.logits(rng, classes=(2,)),
)

CATALOG.add(
    "two-class-targets", PAGE, "identity", "the two one-hot targets sum to one",
    lambda: [t[2], 1 - t[1]],
    lambda rng: pts.logits(rng, classes=(2,)),
)

CATALOG.add(
    "two-class-complement", PAGE, "identity", "the two probabilities sum to one",
    lambda: [f(s[2]), 1 - f(s[1])],
    lambda rng: pts.logits(rng, classes=(2,)),
)

CATALOG.add(
    "two-class-softmax", PAGE, "identity", "for two classes, softmax is the sigmoid of the logit difference",
    lambda: [f(s[1]), Frac(exp(s[1]), exp(s[1]) + exp(s[2])), Frac(1, 1 + exp(-(s[1] - s[2]))), sigma(s[1] - s[2])],
    lambda rng: pts.logits(rng, classes=(2,)),
)

CATALOG.add(
    "shift-invariance", PAGE, "identity", "softmax is unchanged by a shift of every score",
    lambda: [f(s[k]), Frac(exp(s[k] - c), SumOver(exp(s[j] - c), j, 1, C))],
    lambda rng: pts.logits(rng, index="k", shift=True),
)

CATALOG.add(
    "bce", PAGE, "definition", "binary cross-entropy of a logit z against a target tau",
    lambda: [BCE(z, tau), -tau * log(sigma(z)) - (1 - tau) * log(1 - sigma(z))],
    pts.binary,
)

CATALOG.add(
    "ce-is-bce", PAGE, "identity", "two-class cross-entropy is binary cross-entropy of s_1 - s_2",
    lambda: [CE(), -t[1] * log(sigma(s[1] - s[2])) - (1 - t[1]) * log(1 - sigma(s[1] - s[2])), BCE(s[1] - s[2], t[1])],
    lambda rng: pts.logits(rng, classes=(2,)),
)

CATALOG.add(
    "ce-gradient", PAGE, "gradient", "gradient of cross-entropy with respect to the scores",
    lambda: [Partial(CE(), s[k]), f(s[k]) - t[k]],
    lambda rng: pts.logits(rng, index="k"),
)

CATALOG.add(
    "bce-gradient", PAGE, "gradient", "gradient of binary cross-entropy with respect to the logit",
    lambda: [Partial(BCE(z, tau), z), sigma(z) - tau],
    pts.binary,
)

CATALOG.add(
    "ce-logsumexp", PAGE, "identity", "cross-entropy as log-sum-exp minus the correct score",
    lambda: [CE(), log(SumOver(exp(s[j]), j, 1, C)) - s[p]],
    pts.logits,
)

CATALOG.add(
    "logsumexp-shift", PAGE, "identity", "log-sum-exp with the largest score m taken out",
    lambda: [log(SumOver(exp(s[j]), j, 1, C)), m + log(SumOver(exp(s[j] - m), j, 1, C))],
    lambda rng: [_with_max(q) for q in pts.logits(rng)],
)

CATALOG.add(
    "softplus", PAGE, "definition", "the softplus, and minus the log of the sigmoid",
    lambda: [softplus(z), log(1 + exp(z)), -log(sigma(-z))],
    pts.binary,
)

CATALOG.add(
    "softplus-stable", PAGE, "identity", "the softplus without overflow",
    lambda: [log(1 + exp(z)), sp.Max(z, 0) + log(1 + exp(-sp.Abs(z)))],
    pts.binary,
)

CATALOG.add(
    "bce-logits", PAGE, "identity", "binary cross-entropy from the logit alone",
    lambda: [BCE(z, tau), softplus(-z) + (1 - tau) * z, softplus(z) - tau * z],
    pts.binary,
)


def _with_max(point):
    point.derived = dict(point.derived, m=lambda values, indices: _max(values["s"]))
    return point


def _max(s_values):
    return sp.Max(*s_values) if s_values.dtype == object else float(np.max(s_values))


def _label(index, arg):
    return index(arg.indices[0]) - 1


FUNCTIONS.update({
    "f": FunctionSpec("f", "softmax", lambda v, index, ev, arg: softmax(v["s"])[_label(index, arg)]),
    "CE": FunctionSpec(
        "CE", "ce-softmax",
        lambda v, index, ev: cross_entropy(v["s"][None, :], [index(p) - 1]),
        {"s": lambda v, index: softmax(v["s"]) - np.eye(len(v["s"]))[index(p) - 1]},
    ),
    "sigma": FunctionSpec("sigma", "sigmoid", lambda v, index, ev, arg: float(sigmoid(ev(arg)))),
    "softplus": FunctionSpec("softplus", "softplus", lambda v, index, ev, arg: float(package_softplus(ev(arg)))),
    "BCE": FunctionSpec(
        "BCE", "bce",
        lambda v, index, ev, logit, target: binary_cross_entropy([ev(logit)], [ev(target)]),
        {"z": lambda v, index: float(sigmoid(v["z"])) - v["tau"]},
    ),
})
