"""The multiclass (Weston–Watkins) SVM loss of a linear classifier and its gradient."""

from __future__ import annotations

import numpy as np

from derivations.linear_classifier import blocked_gradient, check_problem
from derivations.validation import scores_and_labels

__all__ = ["svm_loss_naive", "svm_loss", "svm_score_gradient"]


def svm_loss_naive(W, X, y, reg=0.0):
    r"""Multiclass hinge loss and its gradient, with explicit loops, as in the proof.

    ``L = (1/N) sum_i sum_{j != y_i} max(0, s_j - s_{y_i} + 1) + reg * sum(W**2)``, with ``s = x_i W``

    Each margin ``m = s_j - s_{y_i} + 1 > 0`` adds ``x_i`` to column
    ``j`` of the gradient and subtracts it from column ``y_i``
    (equations (3) and (4)). A margin of exactly 0 contributes nothing: the
    subgradient at the kink is the strict indicator ``1(m > 0)``.

    Derived on the site: per sample [[ref:svm-grad-wj]] and [[ref:svm-grad-wyi]].

    Parameters
    ----------
    W : array_like of float, shape (D, C)
        Weights, one column per class.
    X : array_like of float, shape (N, D)
        Samples, one per row; N >= 1.
    y : array_like of int, shape (N,)
        Labels in ``[0, C)``.
    reg : float, default 0.0
        Regularisation strength ``reg >= 0``.

    Returns
    -------
    loss : float
    dW : numpy.ndarray, shape (D, C)
        Gradient of ``loss`` with respect to ``W``, in the dtype of ``W`` and ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from derivations import svm_loss_naive
    >>> W = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.5]])
    >>> loss, dW = svm_loss_naive(W, np.array([[1.0, 2.0]]), np.array([0]))
    >>> loss
    2.0
    >>> dW
    array([[-1.,  1.,  0.],
           [-2.,  2.,  0.]])
    """
    W, X, y, reg = check_problem(W, X, y, reg)
    num_train, num_classes = X.shape[0], W.shape[1]
    dW = np.zeros_like(W)
    loss = 0.0
    for i in range(num_train):
        scores = X[i] @ W
        correct = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct + 1
            if margin > 0:
                loss += float(margin)
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / num_train + reg * float(np.sum(W.astype(np.float64) ** 2))
    dW = dW / num_train + 2 * reg * W
    return loss, dW.astype(W.dtype, copy=False)


def svm_loss(W, X, y, reg=0.0):
    r"""Multiclass hinge loss and its gradient, vectorized over the samples.

    The same quantity as ``svm_loss_naive``. With the scores
    ``S = XW`` and the margins ``M_ij = S_ij - S_{i,y_i} + 1``,
    let ``G_ij = 1(M_ij > 0)`` for ``j != y_i`` and
    ``G_{i,y_i} = -sum_{j != y_i} G_ij``; then

    ``grad_W L = X^T G / N + 2 reg W``, derived on the site as [[ref:svm-batch-gradient]].

    X is read once, in blocks of rows (see ``derivations.linear_classifier.blocked_gradient``).

    Parameters
    ----------
    W : array_like of float, shape (D, C)
    X : array_like of float, shape (N, D)
    y : array_like of int, shape (N,)
    reg : float, default 0.0

    Returns
    -------
    loss : float
    dW : numpy.ndarray, shape (D, C)

    Examples
    --------
    >>> import numpy as np
    >>> from derivations import svm_loss
    >>> W = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.5]])
    >>> loss, dW = svm_loss(W, np.array([[1.0, 2.0]]), np.array([0]), reg=0.5)
    >>> loss
    3.625
    >>> dW
    array([[ 0. ,  1. , -1. ],
           [-2. ,  3. ,  0.5]])
    """
    W, X, y, reg = check_problem(W, X, y, reg, check_X_finite=False)
    return blocked_gradient(W, X, y, reg, _block_loss)


def _block_loss(scores, y):
    return float(np.sum(_margins(scores, y), dtype=np.float64)), _score_gradient(scores, y)


def svm_score_gradient(scores, y):
    r"""The matrix ``G`` with ``grad_W L = X^T G / N + 2 reg W`` for the hinge loss.

    ``G_ij = 1(s_ij - s_{i,y_i} + 1 > 0)`` for ``j != y_i``, and
    ``G_{i,y_i} = -sum_{l != y_i} 1(s_il - s_{i,y_i} + 1 > 0)``

    Row ``i`` is the gradient of ``L_i`` with respect to the scores
    ``s_i``; every row sums to zero.

    Parameters
    ----------
    scores : array_like of float, shape (N, C)
    y : array_like of int, shape (N,)

    Returns
    -------
    numpy.ndarray, shape (N, C)
        In the float dtype of ``scores``.

    Examples
    --------
    >>> from derivations import svm_score_gradient
    >>> svm_score_gradient([[3.0, 2.5, 0.0]], [0])
    array([[-1.,  1.,  0.]])
    """
    scores, y = scores_and_labels(scores, y)
    return _score_gradient(scores, y)


def _margins(scores, y):
    """max(0, s_j - s_{y_i} + 1) for j != y_i, and 0 at j = y_i."""
    rows = np.arange(scores.shape[0])
    margins = scores - scores[rows, y][:, None] + 1
    margins[rows, y] = 0
    return np.maximum(margins, 0)


def _score_gradient(scores, y):
    rows = np.arange(scores.shape[0])
    G = (_margins(scores, y) > 0).astype(scores.dtype)  # strict: a margin of exactly 0 adds nothing
    G[rows, y] = -G.sum(axis=1)
    return G
