"""Problem 1: for two classes, softmax cross-entropy is binary cross-entropy of the logit difference.

Each ``PROBLEM.equation`` is one displayed equation of ``docs/problem-1.md``,
in page order; the page prints it from the sides given here.
"""

import numpy as np
import sympy as sp

from derivations import binary_cross_entropy, cross_entropy, sigmoid, softmax
from derivations.cross_entropy import softplus as package_softplus
from derivations.equations import Problem
from derivations.equations import points as pts
from derivations.equations.notation import Frac, Partial, SumOver
from derivations.equations.symbols import C, c, j, k, m, p, s, t, tau, z

PROBLEM = Problem("problem-1.md", 1, "Softmax to sigmoid", shapes={"s": ("C",), "t": ("C",)})
exp, log = sp.exp, sp.log


def _label(index, arg):
    return index(arg.indices[0]) - 1


# the named functions of the notation, each with its page definition and the package function it is checked against
f = PROBLEM.function("f", "f", "softmax", lambda v, index, ev, arg: softmax(v["s"])[_label(index, arg)])
CE = PROBLEM.function(
    "CE", r"\mathrm{CE}", "ce-softmax",
    lambda v, index, ev: cross_entropy(v["s"][None, :], [index(p) - 1]),
    {"s": lambda v, index: softmax(v["s"]) - np.eye(len(v["s"]))[index(p) - 1]},
    show_args=False,
)
sigma = PROBLEM.function("sigma", r"\sigma", "sigmoid", lambda v, index, ev, arg: float(sigmoid(ev(arg))))
softplus = PROBLEM.function("softplus", r"\operatorname{softplus}", "softplus",
                            lambda v, index, ev, arg: float(package_softplus(ev(arg))))
BCE = PROBLEM.function(
    "BCE", r"\mathrm{BCE}", "bce",
    lambda v, index, ev, logit, target: binary_cross_entropy([ev(logit)], [ev(target)]),
    {"z": lambda v, index: float(sigmoid(v["z"])) - v["tau"]},
)

two_classes = pts.logits(classes=(2,), fixed=True)  # statements about two classes

PROBLEM.equation(
    "softmax", "definition", "softmax of the scores",
    lambda: [f(s[k]), Frac(exp(s[k]), SumOver(exp(s[j]), j, 1, C))],
    pts.logits(index="k"),
)

PROBLEM.equation(
    "ce-softmax", "definition", "cross-entropy of the softmax (the assignment's (1), shown as (A1))",
    lambda: [CE(), -log(Frac(exp(s[p]), SumOver(exp(s[j]), j, 1, C)))],
    pts.logits(), number="A1",
)

PROBLEM.equation(
    "sigmoid", "definition", "the sigmoid",
    lambda: [sigma(z), Frac(1, 1 + exp(-z))],
    pts.binary(),
)

PROBLEM.equation(
    "ce-binary", "identity", "the assignment's (2), shown as (A2): two-class cross-entropy in terms of f(s_1) alone",
    lambda: [CE(), -t[1] * log(f(s[1])) - (1 - t[1]) * log(1 - f(s[1]))],
    two_classes, number="A2",
)

PROBLEM.equation(
    "ce-one-hot", "identity", "cross-entropy as a sum over one-hot targets",
    lambda: [CE(), -log(f(s[p])), -SumOver(t[k] * log(f(s[k])), k, 1, C)],
    pts.logits(),
)

PROBLEM.equation(
    "ce-two-class-sum", "identity", "the one-hot sum written out for two classes",
    lambda: [CE(), -t[1] * log(f(s[1])) - t[2] * log(f(s[2]))],
    two_classes,
)

PROBLEM.equation(
    "two-class-targets", "identity", "the two one-hot targets sum to one",
    lambda: [t[2], 1 - t[1]],
    two_classes,
)

PROBLEM.equation(
    "two-class-complement", "identity", "the two probabilities sum to one",
    lambda: [f(s[2]), 1 - f(s[1])],
    two_classes,
)

PROBLEM.equation(
    "two-class-softmax", "identity", "for two classes, softmax is the sigmoid of the logit difference",
    lambda: [f(s[1]), Frac(exp(s[1]), exp(s[1]) + exp(s[2])), Frac(1, 1 + exp(-(s[1] - s[2]))), sigma(s[1] - s[2])],
    two_classes,
)

PROBLEM.equation(
    "shift-invariance", "identity", "softmax is unchanged by a shift of every score",
    lambda: [f(s[k]), Frac(exp(s[k] - c), SumOver(exp(s[j] - c), j, 1, C))],
    pts.logits(index="k", shift=True),
)

PROBLEM.equation(
    "bce", "definition", "binary cross-entropy of a logit z against a target tau",
    lambda: [BCE(z, tau), -tau * log(sigma(z)) - (1 - tau) * log(1 - sigma(z))],
    pts.binary(),
)

PROBLEM.equation(
    "ce-is-bce", "identity", "two-class cross-entropy is binary cross-entropy of s_1 - s_2",
    lambda: [CE(), -t[1] * log(sigma(s[1] - s[2])) - (1 - t[1]) * log(1 - sigma(s[1] - s[2])), BCE(s[1] - s[2], t[1])],
    two_classes,
)

PROBLEM.equation(
    "ce-gradient", "gradient", "gradient of cross-entropy with respect to the scores",
    lambda: [Partial(CE(), s[k]), f(s[k]) - t[k]],
    pts.logits(index="k"),
)

PROBLEM.equation(
    "bce-gradient", "gradient", "gradient of binary cross-entropy with respect to the logit",
    lambda: [Partial(BCE(z, tau), z), sigma(z) - tau],
    pts.binary(),
)

PROBLEM.equation(
    "ce-logsumexp", "identity", "cross-entropy as log-sum-exp minus the correct score",
    lambda: [CE(), log(SumOver(exp(s[j]), j, 1, C)) - s[p]],
    pts.logits(),
)

PROBLEM.equation(
    "logsumexp-shift", "identity", "log-sum-exp with the largest score m taken out",
    lambda: [log(SumOver(exp(s[j]), j, 1, C)), m + log(SumOver(exp(s[j] - m), j, 1, C))],
    pts.logits(derived={"t": pts.one_hot, "m": pts.max_of("s")}, kinks=True),
)

PROBLEM.equation(
    "softplus", "definition", "the softplus, and minus the log of the sigmoid",
    lambda: [softplus(z), log(1 + exp(z)), -log(sigma(-z))],
    pts.binary(),
)

PROBLEM.equation(
    "softplus-stable", "identity", "the softplus without overflow",
    lambda: [log(1 + exp(z)), sp.Max(z, 0) + log(1 + exp(-sp.Abs(z)))],
    pts.binary(kink=True),
)

PROBLEM.equation(
    "bce-logits", "identity", "binary cross-entropy from the logit alone",
    lambda: [BCE(z, tau), softplus(-z) + (1 - tau) * z, softplus(z) - tau * z],
    pts.binary(),
)
