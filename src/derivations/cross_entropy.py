"""Cross-entropy of softmax scores, and binary cross-entropy of sigmoid logits."""

from __future__ import annotations

import numpy as np

from derivations.activations import log_softmax
from derivations.validation import float_array, scores_and_labels

__all__ = ["cross_entropy", "binary_cross_entropy", "softplus"]


def softplus(z):
    r"""The softplus ``log(1 + exp(z))``, computed as ``max(z, 0) + log(1 + exp(-|z|))``.

    The second form never exponentiates a positive number, so it is finite
    for every finite ``z``; ``-log sigma(z) = softplus(-z)``.

    Parameters
    ----------
    z : array_like of float
        Finite logits of any shape.

    Returns
    -------
    numpy.ndarray
        Non-negative values with the shape and float dtype of ``z``.

    Examples
    --------
    >>> from derivations import softplus
    >>> softplus([0.0, 1e4, -1e4])
    array([6.93147181e-01, 1.00000000e+04, 0.00000000e+00])
    """
    z = float_array("z", z, allow_empty=True)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def cross_entropy(scores, y):
    r"""Mean softmax cross-entropy of logits against integer labels.

    ``CE = (1/N) sum_i -log( exp(s_{i,y_i}) / sum_j exp(s_ij) )``

    computed as log-sum-exp minus the correct score, so it is finite for any
    finite logits. Derived on the site: [[ref:ce-logsumexp]]; its gradient
    with respect to the scores, [[ref:ce-gradient]].

    Parameters
    ----------
    scores : array_like of float, shape (N, C)
        Logits, finite; N >= 1.
    y : array_like of int, shape (N,)
        Labels in ``[0, C)``.

    Returns
    -------
    float
        The mean loss, ``>= 0``.

    Examples
    --------
    >>> from derivations import cross_entropy
    >>> round(cross_entropy([[2.0, 0.0, 0.0]], [0]), 6)
    0.239545
    >>> cross_entropy([[0.0, 1e4]], [0])
    10000.0
    """
    scores, y = scores_and_labels(scores, y)
    logp = log_softmax(scores, axis=1)
    return float(-np.mean(logp[np.arange(scores.shape[0]), y]))


def binary_cross_entropy(z, t):
    r"""Mean binary cross-entropy of logits ``z`` against targets ``t`` in [0, 1].

    ``BCE = (1/N) sum_i [ -t_i log sigma(z_i) - (1 - t_i) log(1 - sigma(z_i)) ]``

    computed from the logits as ``softplus(z_i) - t_i z_i``,
    without forming ``sigma(z_i)``, which rounds to 0 or 1 for large
    ``|z_i|`` and would make the logarithm infinite. Derived on the site:
    [[ref:bce-logits]]; its gradient with respect to the logit, [[ref:bce-gradient]].

    Parameters
    ----------
    z : array_like of float, shape (N,)
        Logits, finite; N >= 1.
    t : array_like of float or bool, shape (N,)
        Targets in ``[0, 1]`` (hard labels or probabilities).

    Returns
    -------
    float
        The mean loss, ``>= 0`` for hard targets.

    Examples
    --------
    >>> from derivations import binary_cross_entropy
    >>> round(binary_cross_entropy([2.0], [1.0]), 6)
    0.126928
    >>> binary_cross_entropy([-1e4], [1.0])
    10000.0
    """
    z = float_array("z", z, ndim=1)
    t_arr = np.asarray(t)
    if t_arr.dtype == np.bool_:
        t_arr = t_arr.astype(z.dtype)
    t_arr = float_array("t", t_arr, ndim=1)
    if t_arr.shape != z.shape:
        raise ValueError(f"t must have the shape of z, {z.shape}, got {t_arr.shape}")
    if np.any((t_arr < 0) | (t_arr > 1)):
        bad = t_arr[(t_arr < 0) | (t_arr > 1)][0]
        raise ValueError(f"t must be in [0, 1], found {bad}")
    return float(np.mean(softplus(z) - t_arr * z))
