"""The sigmoid and the softmax, stable for every finite input."""

from __future__ import annotations

import numpy as np

from derivations.validation import float_array

__all__ = ["sigmoid", "softmax", "log_softmax"]


def sigmoid(z):
    r"""The logistic sigmoid ``sigma(z) = 1 / (1 + exp(-z))``, elementwise.

    Computed as ``exp(z) / (1 + exp(z))`` for negative ``z`` so that no
    exponential of a large positive number is ever formed.

    Parameters
    ----------
    z : array_like of float
        Logits of any shape, finite.

    Returns
    -------
    numpy.ndarray
        ``sigma(z)`` with the shape and float dtype of ``z``, in ``[0, 1]``.

    Examples
    --------
    >>> from derivations import sigmoid
    >>> sigmoid([0.0, 2.0, -1e4])
    array([0.5       , 0.88079708, 0.        ])
    """
    z = float_array("z", z, allow_empty=True)
    # exp(-|z|) is at most 1, so neither branch overflows
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)


def log_softmax(scores, axis=-1):
    r"""The log of the softmax, ``s_k - log sum_j exp(s_j)``, along ``axis``.

    Uses log-sum-exp with the maximum subtracted,
    ``log sum_j exp(s_j) = m + log sum_j exp(s_j - m)`` with
    ``m = max_j s_j``, so that every exponential is at most 1.

    Parameters
    ----------
    scores : array_like of float
        Logits, finite, with at least one dimension.
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Same shape and float dtype as ``scores``; every entry is ``<= 0``.

    Examples
    --------
    >>> from derivations import log_softmax
    >>> log_softmax([[0.0, 0.0], [1e4, 0.0]])
    array([[-6.93147181e-01, -6.93147181e-01],
           [ 0.00000000e+00, -1.00000000e+04]])
    """
    scores = float_array("scores", scores)
    if scores.ndim == 0:
        raise ValueError("scores must have at least one dimension (the classes), got a scalar")
    _check_axis(axis, scores.ndim)
    shifted = scores - scores.max(axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(scores, axis=-1):
    r"""The softmax ``f(s_k) = exp(s_k) / sum_j exp(s_j)`` along ``axis``.

    The maximum is subtracted first: softmax is unchanged by adding a constant
    to every score, and then no exponential exceeds 1.

    Parameters
    ----------
    scores : array_like of float
        Logits, finite, with at least one dimension.
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Probabilities with the shape and float dtype of ``scores``; they sum
        to 1 along ``axis``.

    Examples
    --------
    >>> from derivations import softmax
    >>> softmax([1.0, 1.0, 1.0 + 1e4])
    array([0., 0., 1.])
    >>> softmax([[0.0, 0.6931471805599453]])
    array([[0.33333333, 0.66666667]])
    """
    scores = float_array("scores", scores)
    if scores.ndim == 0:
        raise ValueError("scores must have at least one dimension (the classes), got a scalar")
    _check_axis(axis, scores.ndim)
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _check_axis(axis, ndim):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -ndim <= axis < ndim:
        raise ValueError(f"axis must be an integer in [{-ndim}, {ndim}) for scores with {ndim} dimensions, got {axis!r}")
