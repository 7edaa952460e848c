"""Problem 1: for two classes, softmax cross-entropy is binary cross-entropy of the logit difference.

Each ``PROBLEM.equation`` is one displayed equation of ``docs/problem-1.md``,
in page order; the page prints it from the sides given here.
"""

import numpy as np
import sympy as sp

from derivations import binary_cross_entropy, cross_entropy, sigmoid, softmax, worked_example
from derivations.cross_entropy import softplus as package_softplus
from derivations.equations import Problem
from derivations.equations import points as pts
from derivations.equations.notation import Frac, Partial, SumOver
from derivations.equations.symbols import C, c, j, k, m, p, s, t, tau, z
from derivations.problems._worked import WORKED, number, only, score_point, with_example

PROBLEM = Problem("problem-1.md", 1, "Softmax to sigmoid", shapes={"s": ("C",), "t": ("C",), "f": ("C",)})
exp, log = sp.exp, sp.log
SYMBOLS = {  # what each symbol of ``shapes`` is: the page's table of shapes ([[shapes]]) prints it beside its shape
    "s": r"the scores (logits), one per class: entries \(s_k\)",
    "t": r"the one-hot target of the correct class \(p\): \(t_k\) is 1 for class \(p\), else 0",
    "f": r"the probabilities, the softmax of the whole of \(\mathbf{s}\): entries \(f_k\)",
}
# the equations whose values at the worked example the page prints ([[example:values]]), in page order
EXAMPLE = ("softmax", "ce-softmax", "ce-gradient")


# f_k, the probability of class k: entry k of the softmax of the whole score vector s (a derived value, so that
# f_k is read from every score, never from s_k alone)
f = sp.IndexedBase("f")


def probabilities(values, indices):
    """f, the softmax of the scores: the package's for numbers, sympy's for symbols."""
    s_ = values["s"]
    if np.asarray(s_).dtype != object:
        return softmax(s_)
    e = np.vectorize(sp.exp, otypes=[object])(np.asarray(s_, dtype=object))
    return e / e.sum()


WITH_F = {"t": pts.one_hot, "f": probabilities}


# the named functions of the notation, each with its page definition and the package function it is checked against
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

two_classes = pts.logits(classes=(2,), fixed=True, derived=WITH_F)  # statements about two classes

PROBLEM.equation(
    "softmax", "definition", "softmax of the scores",
    lambda: [f[k], Frac(exp(s[k]), SumOver(exp(s[j]), j, 1, C))],
    with_example(pts.logits(index="k", derived=WITH_F), [score_point(WITH_F, k=n) for n in (1, 2, 3)]),
)

PROBLEM.equation(
    "ce-softmax", "definition", "cross-entropy of the softmax (the assignment's (1), shown as (A1))",
    lambda: [CE(), -log(Frac(exp(s[p]), SumOver(exp(s[j]), j, 1, C)))],
    with_example(pts.logits(derived=WITH_F), [score_point(WITH_F)]), number="A1",
)

PROBLEM.equation(
    "sigmoid", "definition", "the sigmoid",
    lambda: [sigma(z), Frac(1, 1 + exp(-z))],
    pts.binary(),
)

PROBLEM.equation(
    "ce-binary", "identity", "the assignment's (2), shown as (A2): two-class cross-entropy in terms of f_1 alone",
    lambda: [CE(), -t[1] * log(f[1]) - (1 - t[1]) * log(1 - f[1])],
    two_classes, number="A2",
)

PROBLEM.equation(
    "ce-one-hot", "identity", "cross-entropy as a sum over one-hot targets",
    lambda: [CE(), -log(f[p]), -SumOver(t[k] * log(f[k]), k, 1, C)],
    pts.logits(derived=WITH_F),
)

PROBLEM.equation(
    "ce-two-class-sum", "identity", "the one-hot sum written out for two classes",
    lambda: [CE(), -t[1] * log(f[1]) - t[2] * log(f[2])],
    two_classes,
)

PROBLEM.equation(
    "two-class-targets", "identity", "the two one-hot targets sum to one",
    lambda: [t[2], 1 - t[1]],
    two_classes,
)

PROBLEM.equation(
    "two-class-complement", "identity", "the two probabilities sum to one",
    lambda: [f[2], 1 - f[1]],
    two_classes,
)

PROBLEM.equation(
    "two-class-softmax", "identity", "for two classes, softmax is the sigmoid of the logit difference",
    lambda: [f[1], Frac(exp(s[1]), exp(s[1]) + exp(s[2])), Frac(1, 1 + exp(-(s[1] - s[2]))), sigma(s[1] - s[2])],
    two_classes,
)

PROBLEM.equation(
    "shift-invariance", "identity", "softmax is unchanged by a shift of every score",
    lambda: [f[k], Frac(exp(s[k] - c), SumOver(exp(s[j] - c), j, 1, C))],
    pts.logits(index="k", shift=True, derived=WITH_F),
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

PROBLEM.equation(
    "ce-gradient", "gradient", "gradient of cross-entropy with respect to the scores, from its log-sum-exp form",
    lambda: [Partial(CE(), s[k]), Partial(log(SumOver(exp(s[j]), j, 1, C)), s[k]) - t[k],
             Frac(exp(s[k]), SumOver(exp(s[j]), j, 1, C)) - t[k], f[k] - t[k]],
    with_example(pts.logits(index="k", derived=WITH_F), [score_point(WITH_F, k=n) for n in (1, 2, 3)]),
)

PROBLEM.equation(
    "softplus-derivative", "gradient", "the derivative of the softplus is the sigmoid",
    lambda: [Partial(softplus(z), z), sigma(z)],
    pts.binary(),
)

PROBLEM.equation(
    "bce-gradient", "gradient", "gradient of binary cross-entropy with respect to the logit, from its softplus form",
    lambda: [Partial(BCE(z, tau), z), Partial(softplus(z), z) - tau, sigma(z) - tau],
    pts.binary(),
)


# -- the worked example: the instance's scores written into the page's formulas, checked at the instance only ---
_s = [number(v) for v in worked_example.numbers().scores]

PROBLEM.equation(
    "example-ce", "identity", "worked example: the cross-entropy of the instance's scores, by its definition and its log-sum-exp form",
    lambda: [CE(), -log(Frac(exp(_s[0]), exp(_s[0]) + exp(_s[1]) + exp(_s[2]))),
             log(exp(_s[0]) + exp(_s[1]) + exp(_s[2])) - _s[0]],
    only([score_point(WITH_F)]), prove=WORKED,
)

PROBLEM.equation(
    "example-two-class", "identity", "worked example: classes 1 and 2 of the instance alone, the probability of class 1 as a sigmoid of the difference",
    lambda: [f[1], Frac(exp(_s[0]), exp(_s[0]) + exp(_s[1])), sigma(_s[0] - _s[1])],
    only([score_point(WITH_F, classes=2)]), prove=WORKED,
)
