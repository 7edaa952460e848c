"""Softmax, cross-entropy and multiclass SVM losses with their gradients.

Conventions follow CS231n's assignment 1: ``W`` is (D, C), ``X`` is (N, D),
``y`` is (N,) with labels in [0, C); losses are means over the N samples and
``reg`` adds ``reg * sum(W**2)`` to the loss.
"""

from derivations.activations import log_softmax, sigmoid, softmax
from derivations.cross_entropy import binary_cross_entropy, cross_entropy, softplus
from derivations.gradient_check import GradCheck, grad_check_sparse, numerical_gradient, relative_error
from derivations.linear_classifier import linear_scores
from derivations.linear_softmax import softmax_loss, softmax_loss_naive, softmax_score_gradient
from derivations.linear_svm import svm_loss, svm_loss_naive, svm_score_gradient

__all__ = [
    "sigmoid", "softmax", "log_softmax", "softplus",
    "cross_entropy", "binary_cross_entropy",
    "linear_scores", "svm_loss_naive", "svm_loss", "svm_score_gradient",
    "softmax_loss_naive", "softmax_loss", "softmax_score_gradient",
    "numerical_gradient", "relative_error", "grad_check_sparse", "GradCheck",
]
__version__ = "0.1.0"
