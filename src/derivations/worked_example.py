"""The worked example of the proof pages: one sample, two features, three classes, through both losses.

The instance (``W``, ``X``, ``y``) is chosen; every number the pages print
about it is computed here by the package, when the site is built. Its scores
are small integers, so that the pages can show the arithmetic with exact
numbers, and it sits on a kink of the SVM loss on purpose: class 3's hinge
argument is exactly zero, which is where the proofs need the most care.

The pages count classes from 1 and the code from 0: ``y[0] = 0`` is the
pages' label 1.

>>> example = numbers()
>>> example.scores.tolist(), example.svm_loss
([1.0, 2.0, 0.0], 2.0)
>>> example.hinge_arguments.tolist()  # s_j - s_1 + 1 for classes 2 and 3 (0-based 1 and 2)
[2.0, 0.0]
>>> example.svm_gradient.tolist()      # column j is the gradient with respect to w_j
[[-1.0, 1.0, 0.0], [-2.0, 2.0, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from derivations.activations import sigmoid, softmax
from derivations.cross_entropy import cross_entropy
from derivations.linear_classifier import linear_scores
from derivations.linear_softmax import softmax_loss
from derivations.linear_svm import svm_loss

__all__ = ["W", "X", "y", "LABEL", "Numbers", "numbers"]

W = np.array([[1.0, 0.0, 2.0],
              [0.0, 1.0, -1.0]])  # D = 2 features, C = 3 classes: column j holds the weights w_j of class j
X = np.array([[1.0, 2.0]])        # N = 1 sample: the row x_1
y = np.array([0])                 # its label, 0-based as the code counts: class 1 of the pages
LABEL = int(y[0]) + 1             # the same label as the pages count


@dataclass(frozen=True)
class Numbers:
    """Everything the pages print about the instance, each computed by the package."""

    scores: np.ndarray            # s_j = w_j^T x_1, one per class
    probabilities: np.ndarray     # f_j, the softmax of the scores
    cross_entropy: float          # the softmax loss of the sample, L_i = CE
    ce_gradient: np.ndarray       # dCE/ds_j = f_j - t_j
    softmax_gradient: np.ndarray  # (D, C): column j is the gradient of the softmax loss with respect to w_j
    hinge_arguments: np.ndarray   # s_j - s_{y_i} + 1 for every wrong class j, in class order
    svm_loss: float               # L_i of the SVM
    svm_gradient: np.ndarray      # (D, C): column j is the (sub)gradient of the SVM loss with respect to w_j
    two_class_probability: float  # f_1 of classes 1 and 2 alone: sigma(s_1 - s_2)
    sigmoid_of_s1: float          # sigma(s_1): what reading f(s_1) as the sigmoid of s_1 would give


def numbers():
    """The instance run through the package (see the module's docstring)."""
    scores = linear_scores(W, X)[0]
    probabilities = softmax(scores)
    loss_ce = float(cross_entropy(scores[None, :], y))
    _, softmax_dW = softmax_loss(W, X, y)
    loss_svm, svm_dW = svm_loss(W, X, y)
    wrong = [j for j in range(len(scores)) if j != y[0]]
    two = softmax(scores[:2])
    return Numbers(
        scores=scores,
        probabilities=probabilities,
        cross_entropy=loss_ce,
        ce_gradient=probabilities - np.eye(len(scores))[y[0]],
        softmax_gradient=softmax_dW,
        hinge_arguments=scores[wrong] - scores[y[0]] + 1.0,
        svm_loss=float(loss_svm),
        svm_gradient=svm_dW,
        two_class_probability=float(two[0]),
        sigmoid_of_s1=float(sigmoid(scores[0])),
    )
