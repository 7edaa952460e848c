"""Validation shared by the losses of a linear classifier with scores s = x_i W."""

from __future__ import annotations

from derivations.validation import float_array, labels, regularisation, same_float_dtype

__all__ = ["check_problem", "linear_scores"]


def check_problem(W, X, y, reg):
    """Validate ``(W, X, y, reg)`` in CS231n's layout and return them converted.

    ``W`` is (D, C), ``X`` is (N, D) with N >= 1, ``y`` is (N,) in [0, C) and
    ``reg >= 0``. Both arrays come back in their common float dtype.
    """
    W = float_array("W", W, ndim=2)
    X = float_array("X", X, ndim=2)
    if X.shape[1] != W.shape[0]:
        raise ValueError(
            f"X and W must agree on D: X has shape {X.shape} (N, D) and W has shape {W.shape} (D, C)"
        )
    if W.shape[1] < 2:
        raise ValueError(f"W must have at least 2 classes (columns), got shape {W.shape}")
    y = labels("y", y, X.shape[0], W.shape[1])
    reg = regularisation("reg", reg)
    dtype = same_float_dtype(W, X)
    return W.astype(dtype, copy=False), X.astype(dtype, copy=False), y, reg


def linear_scores(W, X):
    r"""The class scores :math:`S = XW`: row :math:`i` is :math:`s = \mathbf{x}_i^T W`, so :math:`s_j = \mathbf{w}_j^T \mathbf{x}_i`.

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
    W = float_array("W", W, ndim=2)
    X = float_array("X", X, ndim=2)
    if X.shape[1] != W.shape[0]:
        raise ValueError(
            f"X and W must agree on D: X has shape {X.shape} (N, D) and W has shape {W.shape} (D, C)"
        )
    dtype = same_float_dtype(W, X)
    return X.astype(dtype, copy=False) @ W.astype(dtype, copy=False)
