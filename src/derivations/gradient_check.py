"""Numerical gradients by centred differences, and checks of analytic gradients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from derivations.validation import float_array

__all__ = ["numerical_gradient", "relative_error", "grad_check_sparse", "GradCheck"]


def _step(name, h):
    if isinstance(h, bool) or not isinstance(h, (int, float, np.floating)) or not (np.isfinite(h) and h > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {h!r}")
    return float(h)


def _scalar(f, x):
    value = f(x)
    if isinstance(value, tuple):  # (loss, grad) functions: take the loss
        value = value[0]
    value = np.asarray(value, dtype=np.float64)
    if value.shape != ():
        raise ValueError(f"f must return a scalar (or a (loss, grad) pair), got shape {value.shape}")
    return float(value)


def _probe(f, x, index, delta):
    """f at x with x[index] moved by delta; x is restored afterwards."""
    old = x[index]
    x[index] = old + delta
    try:
        return _scalar(f, x)
    finally:
        x[index] = old


def numerical_gradient(f, x, h=1e-5):
    r"""Gradient of a scalar function by centred differences over every coordinate.

    ``df/dx_k ~ (f(x + h e_k) - f(x - h e_k)) / (2h)``

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x``; returns a scalar, or a tuple whose
        first entry is the scalar (such as ``svm_loss``'s ``(loss, dW)``).
    x : array_like of float
        The point; it is copied to float64, never modified.
    h : float, default 1e-5
        The step.

    Returns
    -------
    numpy.ndarray
        float64, shaped like ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from derivations import numerical_gradient
    >>> numerical_gradient(lambda v: np.sum(v ** 2), np.array([1.0, -2.0]))
    array([ 2., -4.])
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    h = _step("h", h)
    point = float_array("x", x, allow_empty=True).astype(np.float64)  # a private copy
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        grad[index] = (_probe(f, point, index, h) - _probe(f, point, index, -h)) / (2 * h)
    return grad


def relative_error(a, b):
    r"""Largest elementwise relative error ``|a - b| / (|a| + |b|)``.

    Entries where both are zero count as agreeing (error 0), not as 0/0.

    Parameters
    ----------
    a, b : array_like of float
        Same shape (or broadcastable).

    Returns
    -------
    float
        In ``[0, 1]``.

    Examples
    --------
    >>> from derivations import relative_error
    >>> relative_error([1.0, 0.0], [1.0, 0.0])
    0.0
    >>> relative_error([1.0], [3.0])
    0.5
    """
    a = float_array("a", a, allow_empty=True).astype(np.float64)
    b = float_array("b", b, allow_empty=True).astype(np.float64)
    try:
        diff = np.abs(a - b)
    except ValueError:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}") from None
    scale = np.abs(a) + np.abs(b)
    err = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    return float(err.max()) if err.size else 0.0


@dataclass(frozen=True)
class GradCheck:
    """The result of ``grad_check_sparse``, one entry per sampled coordinate.

    ``crosses_kink[k]`` is true where ``f`` is not differentiable between
    ``x - h`` and ``x + h`` along coordinate ``indices[k]``: its two one-sided
    slopes differ by more than curvature explains. There the numerical
    gradient is meaningless and ``relative_errors[k]`` is not a failure.
    """

    indices: list
    analytic: np.ndarray
    numerical: np.ndarray
    relative_errors: np.ndarray
    crosses_kink: np.ndarray

    @property
    def max_error(self):
        """Largest relative error over the coordinates that cross no kink (0 if none)."""
        smooth = self.relative_errors[~self.crosses_kink]
        return float(smooth.max()) if smooth.size else 0.0


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=None):
    r"""Compare an analytic gradient with centred differences at random coordinates.

    For each sampled coordinate ``k`` the relative error between
    ``analytic_grad[k]`` and ``(f(x + h e_k) - f(x - h e_k)) / 2h`` is
    reported. A coordinate *crosses a kink* when the one-sided slopes
    ``d_+- = +-(f(x +- h e_k) - f(x)) / h`` differ by more than rounding,
    and their difference does not halve with the step as it does for a smooth
    function (``d_+ - d_- ~ h f''``); the hinge's kink makes it
    roughly constant instead.

    Parameters
    ----------
    f : callable
        Scalar function of an array shaped like ``x`` (or returning ``(loss, grad)``).
    x : array_like of float
        The point; never modified.
    analytic_grad : array_like of float
        The gradient to check, shaped like ``x``.
    num_checks : int, default 10
        Number of coordinates to sample (with replacement).
    h : float, default 1e-5
    seed : int or None
        Seed of the coordinate sampler.

    Returns
    -------
    GradCheck

    Examples
    --------
    >>> import numpy as np
    >>> from derivations import grad_check_sparse
    >>> x = np.array([1.0, -2.0, 3.0])
    >>> result = grad_check_sparse(lambda v: np.sum(v ** 3), x, 3 * x ** 2, num_checks=5, seed=0)
    >>> result.max_error < 1e-8, bool(result.crosses_kink.any())
    (True, False)
    >>> hinge = grad_check_sparse(lambda v: np.maximum(0, v).sum(), np.array([0.0]), np.array([0.0]), num_checks=1)
    >>> bool(hinge.crosses_kink[0])
    True
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    h = _step("h", h)
    if isinstance(num_checks, bool) or not isinstance(num_checks, (int, np.integer)) or num_checks < 1:
        raise ValueError(f"num_checks must be an integer >= 1, got {num_checks!r}")
    point = float_array("x", x).astype(np.float64)
    grad = float_array("analytic_grad", analytic_grad, allow_empty=True)
    if grad.shape != point.shape:
        raise ValueError(f"analytic_grad must have the shape of x, {point.shape}, got {grad.shape}")
    rng = np.random.default_rng(seed)
    f0 = _scalar(f, point)
    indices, analytic, numerical, errors, kinks = [], [], [], [], []
    for _ in range(num_checks):
        index = tuple(int(rng.integers(n)) for n in point.shape)
        plus, minus = _probe(f, point, index, h), _probe(f, point, index, -h)
        half_plus, half_minus = _probe(f, point, index, h / 2), _probe(f, point, index, -h / 2)
        num = (plus - minus) / (2 * h)
        gap = (plus - 2 * f0 + minus) / h  # d+ - d-
        half_gap = (half_plus - 2 * f0 + half_minus) / (h / 2)
        noise = 1e-7 * max(1.0, abs(num), abs(f0) * 1e-5 / h)
        kinks.append(abs(gap) > noise and abs(gap - 2 * half_gap) > 0.1 * abs(gap))
        indices.append(index)
        analytic.append(float(grad[index]))
        numerical.append(num)
        errors.append(relative_error(grad[index], num))
    return GradCheck(indices, np.array(analytic), np.array(numerical), np.array(errors), np.array(kinks, dtype=bool))
