"""The losses: naive against vectorized, analytic against numerical gradients, dtypes, extremes."""

import numpy as np
import pytest

from derivations import (
    binary_cross_entropy, cross_entropy, grad_check_sparse, numerical_gradient, relative_error,
    softmax_loss, softmax_loss_naive, svm_loss, svm_loss_naive,
)

SIZES = [(1, 3, 2), (1, 4, 5), (7, 5, 2), (20, 6, 4), (50, 12, 10)]  # (N, D, C)
PAIRS = [(svm_loss_naive, svm_loss), (softmax_loss_naive, softmax_loss)]


def problem(n, d, c, seed=0, dtype=np.float64, scale=0.1):
    rng = np.random.default_rng(seed)
    return ((scale * rng.normal(size=(d, c))).astype(dtype), rng.normal(size=(n, d)).astype(dtype),
            rng.integers(0, c, size=n))


@pytest.mark.parametrize("naive, fast", PAIRS, ids=["svm", "softmax"])
@pytest.mark.parametrize("n, d, c", SIZES)
@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_naive_and_vectorized_agree(naive, fast, n, d, c, reg):
    W, X, y = problem(n, d, c, seed=n * 100 + c)
    loss_a, grad_a = naive(W, X, y, reg)
    loss_b, grad_b = fast(W, X, y, reg)
    assert abs(loss_a - loss_b) <= 1e-10 * max(1.0, abs(loss_a))
    assert relative_error(grad_a, grad_b) < 1e-10
    assert np.max(np.abs(grad_a - grad_b)) < 1e-12


def _margins(W, X, y):
    s = X @ W
    m = s - s[np.arange(len(y)), y][:, None] + 1
    m[np.arange(len(y)), y] = np.inf
    return m


@pytest.mark.parametrize("naive, fast", PAIRS, ids=["svm", "softmax"])
@pytest.mark.parametrize("reg", [0.0, 0.5])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_analytic_gradient_matches_finite_differences(naive, fast, reg, seed):
    W, X, y = problem(6, 5, 4, seed=seed)
    # stay away from kinks: no margin within 1e-3 of zero
    assert np.min(np.abs(_margins(W, X, y))) > 1e-3
    for loss in (naive, fast):
        numeric = numerical_gradient(lambda w: loss(w, X, y, reg)[0], W, h=1e-5)
        _, analytic = loss(W, X, y, reg)
        assert relative_error(analytic, numeric) < 1e-7


@pytest.mark.parametrize("fn", [svm_loss_naive, svm_loss, softmax_loss_naive, softmax_loss])
def test_dtypes_follow_the_input(fn):
    W, X, y = problem(5, 4, 3, dtype=np.float32)
    loss, dW = fn(W, X, y, 0.1)
    assert type(loss) is float and dW.dtype == np.float32
    W, X, y = problem(5, 4, 3, dtype=np.float64)
    loss, dW = fn(W, X, y, 0.1)
    assert type(loss) is float and dW.dtype == np.float64


@pytest.mark.parametrize("fn", [svm_loss_naive, svm_loss])
def test_hinge_kink_uses_the_strict_indicator(fn):
    W = np.array([[1.0, 0.0, 0.5], [0.0, 0.0, 0.0]])
    X = np.array([[1.0, 2.0]])
    # scores (1, 0, 0.5): class 1's margin is exactly 0 and adds nothing; class 2's is 0.5
    loss, dW = fn(W, X, np.array([0]))
    assert loss == 0.5
    np.testing.assert_array_equal(dW, [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0]])


def test_kink_is_reported_by_the_gradient_check():
    W = np.array([[1.0, 0.0, 0.5], [0.0, 0.0, 0.0]])
    X, y = np.array([[1.0, 2.0]]), np.array([0])
    _, dW = svm_loss(W, X, y)
    check = grad_check_sparse(lambda w: svm_loss(w, X, y)[0], W, dW, num_checks=30, seed=0)
    kinks = {index for index, k in zip(check.indices, check.crosses_kink) if k}
    assert (0, 1) in kinks and (1, 1) in kinks   # column 1 moves the zero margin
    assert (0, 2) not in kinks                   # column 2's margin is 0.5, far from its kink
    assert check.max_error < 1e-8


@pytest.mark.parametrize("dtype, big", [(np.float64, 1e4), (np.float32, 80.0)])
def test_extreme_logits_give_finite_correct_losses(dtype, big):
    scores = np.array([[big, -big, 0.0], [-big, big, big / 2]], dtype=dtype)
    y = np.array([1, 0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        ce = cross_entropy(scores, y)
    # row 1: log-sum-exp is big, correct score -big: 2 big; row 2: correct score -big, lse big
    assert ce == pytest.approx(2 * big, rel=1e-6)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        bce = binary_cross_entropy(np.array([big, -big], dtype=dtype), np.array([0.0, 0.0], dtype=dtype))
    assert bce == pytest.approx(big / 2, rel=1e-6)
    W = np.array([[big, -big, 0.0]], dtype=dtype)
    X = np.array([[1.0], [-1.0]], dtype=dtype)
    for fn in (softmax_loss, softmax_loss_naive, svm_loss, svm_loss_naive):
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            loss, dW = fn(W, X, y)
        assert np.isfinite(loss) and np.all(np.isfinite(dW))
    assert softmax_loss(W, X, y)[0] == pytest.approx(2 * big, rel=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_two_class_cross_entropy_is_binary_cross_entropy_of_the_difference(seed):
    rng = np.random.default_rng(seed)
    s = 4 * rng.normal(size=(30, 2))
    y = rng.integers(0, 2, size=30)
    assert cross_entropy(s, y) == pytest.approx(binary_cross_entropy(s[:, 0] - s[:, 1], y == 0), rel=1e-12)


def test_inputs_are_not_modified():
    W, X, y = problem(8, 5, 3)
    copies = (W.copy(), X.copy(), y.copy())
    for fn in (svm_loss_naive, svm_loss, softmax_loss_naive, softmax_loss):
        fn(W, X, y, 0.2)
    numerical_gradient(lambda w: svm_loss(w, X, y)[0], W)
    grad_check_sparse(lambda w: svm_loss(w, X, y)[0], W, svm_loss(W, X, y)[1], num_checks=3, seed=0)
    for a, b in zip((W, X, y), copies):
        np.testing.assert_array_equal(a, b)
