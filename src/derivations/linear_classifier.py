"""Validation shared by the losses of a linear classifier with scores s = x_i W."""

from __future__ import annotations

import numpy as np

from derivations.validation import float_array, labels, raise_if_non_finite, regularisation, same_float_dtype

__all__ = ["check_problem", "linear_scores", "blocked_gradient"]


def check_problem(W, X, y, reg, check_X_finite=True):
    """Validate ``(W, X, y, reg)`` in CS231n's layout and return them converted.

    ``W`` is (D, C), ``X`` is (N, D) with N >= 1, ``y`` is (N,) in [0, C) and
    ``reg >= 0``. Both arrays come back in their common float dtype. With
    ``check_X_finite=False`` the caller checks X through its scores, which a
    NaN or infinity in X always makes non-finite (see ``blocked_gradient``).
    """
    W, X = _weights_and_samples(W, X, check_X_finite)
    if W.shape[1] < 2:
        raise ValueError(f"W must have at least 2 classes (columns), got shape {W.shape}")
    return W, X, labels("y", y, X.shape[0], W.shape[1]), regularisation("reg", reg)


def _weights_and_samples(W, X, check_X_finite=True):
    """``W`` (D, C) and ``X`` (N, D) as 2-D float arrays agreeing on D, in their common float dtype."""
    W = float_array("W", W, ndim=2)
    X = float_array("X", X, ndim=2, finite=check_X_finite)
    if X.shape[1] != W.shape[0]:
        raise ValueError(
            f"X and W must agree on D: X has shape {X.shape} (N, D) and W has shape {W.shape} (D, C)"
        )
    dtype = same_float_dtype(W, X)
    return W.astype(dtype, copy=False), X.astype(dtype, copy=False)


def linear_scores(W, X):
    r"""The class scores ``S = XW``: row ``i`` is ``s = x_i^T W``, so ``s_j = w_j^T x_i``.

    Parameters
    ----------
    W : array_like of float, shape (D, C)
    X : array_like of float, shape (N, D)

    Returns
    -------
    numpy.ndarray, shape (N, C)

    Examples
    --------
    >>> from derivations import linear_scores
    >>> linear_scores([[1.0, 0.0], [0.0, 2.0]], [[3.0, 4.0]])
    array([[3., 8.]])
    """
    W, X = _weights_and_samples(W, X)
    return X @ W


# rows of X per block: about 8 MiB, so that a block read for the scores is still in cache for the gradient
BLOCK_BYTES = 8 << 20


def blocked_gradient(W, X, y, reg, score_loss):
    r"""Loss and gradient of a linear classifier, one pass over X in blocks of rows.

    ``score_loss(S, y)`` returns the summed loss of a block of scores
    ``S = X_b W`` and ``G = d L / d S`` for it. Each block
    adds ``G^T X_b`` to ``(grad_W L)^T`` while ``X_b`` is still in
    cache, so X is read from memory once, and no temporary grows with N beyond
    one block. Returns ``(loss, dW)`` with the mean over samples and ``reg``.
    """
    num_train, dim = X.shape
    block = max(1, BLOCK_BYTES // max(1, dim * X.itemsize))
    dW_t = np.zeros((W.shape[1], dim), dtype=W.dtype)  # (G^T X) is faster in numpy than X^T G
    loss = 0.0
    for start in range(0, num_train, block):
        X_b, y_b = X[start:start + block], y[start:start + block]
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, naming the argument
            scores = X_b @ W
        if not np.all(np.isfinite(scores)):  # a NaN or inf in X always reaches its row of scores
            raise_if_non_finite("X", X_b, offset=start)
            raise ValueError(f"X @ W overflows {W.dtype}: the scores must be finite; scale X or W down")
        block_loss, G = score_loss(scores, y_b)
        loss += block_loss
        dW_t += G.T @ X_b
    loss = loss / num_train + reg * float(np.sum(np.square(W, dtype=np.float64)))
    dW = dW_t.T / W.dtype.type(num_train)
    if reg:
        dW = dW + W.dtype.type(2 * reg) * W
    return loss, np.ascontiguousarray(dW)
