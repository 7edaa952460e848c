"""Checks of the arguments of the public functions.

Every check raises before any computation starts, names the argument and says
what was expected, and never modifies its input: the arrays it returns are new
or read-only views of the caller's data.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["float_array", "labels", "scores_and_labels", "regularisation", "same_float_dtype", "raise_if_non_finite"]


def float_array(name, value, ndim=None, *, allow_empty=False, finite=True):
    """Return ``value`` as a finite float32 or float64 array, or raise.

    float32 stays float32; float64 and integer input become float64. With
    ``finite=False`` the caller takes over the finiteness check (see
    ``raise_if_non_finite``), to save a pass over a large array.
    """
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array, got {type(value).__name__}: {exc}") from None
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise TypeError(f"{name} must have a real numeric dtype (float or int), got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got an array of shape {arr.shape}")
    if not allow_empty and arr.size == 0 and arr.ndim > 0 and arr.shape[0] == 0:
        raise ValueError(f"{name} must have at least one sample (row), got shape {arr.shape}")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    # one pass that allocates nothing: a NaN or an infinity makes the sum non-finite; only then
    # (or if finite values overflowed the sum) is the elementwise test, with its N x D mask, run
    if finite:
        with np.errstate(over="ignore", invalid="ignore"):
            total = arr.sum() if arr.size else 0.0
        if not np.isfinite(total):
            raise_if_non_finite(name, arr)
    return arr


def raise_if_non_finite(name, arr, offset=0):
    """Raise a ValueError naming the first NaN or infinity of ``arr`` (rows counted from ``offset``)."""
    if np.all(np.isfinite(arr)):
        return
    bad = np.argwhere(~np.isfinite(arr))[0]
    where = tuple(int(k) for k in bad) if arr.ndim else ()
    value = arr[where] if arr.ndim else arr
    if where:
        where = (where[0] + offset,) + where[1:]
    raise ValueError(f"{name} must be finite, found {value} at index {where}")


def same_float_dtype(*arrays):
    """The common float dtype of ``arrays``: float32 only if all are float32."""
    return np.result_type(*arrays)


def labels(name, value, n, num_classes):
    """Return integer class labels of shape ``(n,)`` in ``[0, num_classes)``, or raise."""
    arr = np.asarray(value)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional of shape ({n},), got shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"{name} must have one label per sample: expected shape ({n},), got {arr.shape}")
    if n and (arr.min() < 0 or arr.max() >= num_classes):
        bad = arr[(arr < 0) | (arr >= num_classes)][0]
        raise ValueError(f"{name} must be in [0, {num_classes}) (C = {num_classes} classes), found label {bad}")
    return arr.astype(np.intp, copy=False)


def scores_and_labels(scores, y):
    """Validate logits ``scores`` (N, C) and their labels ``y`` (N,) in [0, C); return them converted."""
    scores = float_array("scores", scores, ndim=2)
    return scores, labels("y", y, scores.shape[0], scores.shape[1])


def regularisation(name, value):
    """Return ``value`` as a finite non-negative float, or raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number >= 0, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value
