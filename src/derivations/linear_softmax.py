"""The softmax cross-entropy loss of a linear classifier and its gradient."""

from __future__ import annotations

import numpy as np

from derivations.activations import softmax
from derivations.linear_classifier import blocked_gradient, check_problem
from derivations.validation import scores_and_labels

__all__ = ["softmax_loss_naive", "softmax_loss", "softmax_score_gradient"]


def softmax_loss_naive(W, X, y, reg=0.0):
    r"""Softmax cross-entropy and its gradient, with explicit loops.

    ``L = (1/N) sum_i ( log sum_j exp(s_j) - s_{y_i} ) + reg * sum(W**2)``, with ``s = x_i W``

    and ``d L_i / d s_j = f(s_j) - 1(j = y_i)``, so column
    ``j`` of the gradient gains ``(f(s_j) - 1(j = y_i)) x_i``.

    Derived on the site: per sample [[ref:softmax-dl-ds]] and [[ref:softmax-grad-wj]].

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
    >>> from derivations import softmax_loss_naive
    >>> loss, dW = softmax_loss_naive(np.zeros((2, 2)), np.array([[1.0, 2.0]]), np.array([1]))
    >>> round(loss, 6)
    0.693147
    >>> dW
    array([[ 0.5, -0.5],
           [ 1. , -1. ]])
    """
    W, X, y, reg = check_problem(W, X, y, reg)
    num_train, num_classes = X.shape[0], W.shape[1]
    dW = np.zeros_like(W)
    loss = 0.0
    for i in range(num_train):
        scores = X[i] @ W
        scores = scores - scores.max()  # softmax is shift invariant; now exp <= 1
        total = np.sum(np.exp(scores))
        loss += float(np.log(total) - scores[y[i]])
        for j in range(num_classes):
            p = np.exp(scores[j]) / total
            dW[:, j] += (p - (j == y[i])) * X[i]
    loss = loss / num_train + reg * float(np.sum(W.astype(np.float64) ** 2))
    dW = dW / num_train + 2 * reg * W
    return loss, dW.astype(W.dtype, copy=False)


def softmax_loss(W, X, y, reg=0.0):
    r"""Softmax cross-entropy and its gradient, vectorized over the samples.

    With ``P = softmax(XW)`` row by row and ``T`` the one-hot
    labels, ``grad_W L = X^T (P - T) / N + 2 reg W``.

    Derived on the site: [[ref:softmax-batch-gradient]].

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
    >>> from derivations import softmax_loss
    >>> loss, dW = softmax_loss(np.zeros((2, 2)), np.array([[1.0, 2.0]]), np.array([1]), reg=0.1)
    >>> round(loss, 6)
    0.693147
    >>> dW
    array([[ 0.5, -0.5],
           [ 1. , -1. ]])
    """
    W, X, y, reg = check_problem(W, X, y, reg, check_X_finite=False)
    return blocked_gradient(W, X, y, reg, _block_loss)


def _block_loss(scores, y):
    rows = np.arange(scores.shape[0])
    shifted = scores - scores.max(axis=1, keepdims=True)  # every exp is now <= 1
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    loss = float(np.sum(np.log(total[:, 0], dtype=np.float64) - shifted[rows, y]))
    grad = exp / total
    grad[rows, y] -= 1
    return loss, grad


def softmax_score_gradient(scores, y):
    r"""The matrix ``P - T`` with ``grad_W L = X^T (P - T) / N + 2 reg W``.

    ``P`` holds the softmax of each row of scores and ``T`` the one-hot
    labels; row ``i`` is ``d CE_i / d s = f(s) - t``.

    Parameters
    ----------
    scores : array_like of float, shape (N, C)
    y : array_like of int, shape (N,)

    Returns
    -------
    numpy.ndarray, shape (N, C)

    Examples
    --------
    >>> from derivations import softmax_score_gradient
    >>> softmax_score_gradient([[0.0, 0.0]], [1])
    array([[ 0.5, -0.5]])
    """
    scores, y = scores_and_labels(scores, y)
    grad = softmax(scores, axis=1)
    grad[np.arange(scores.shape[0]), y] -= 1
    return grad
