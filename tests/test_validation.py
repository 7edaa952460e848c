"""Bad input: a clear error naming the argument, raised before anything is computed."""

import numpy as np
import pytest

from derivations import (
    binary_cross_entropy, cross_entropy, grad_check_sparse, log_softmax, numerical_gradient, sigmoid,
    softmax, softmax_loss, softmax_loss_naive, svm_loss, svm_loss_naive,
)

LOSSES = [svm_loss_naive, svm_loss, softmax_loss_naive, softmax_loss]
W = np.zeros((3, 4))
X = np.ones((2, 3))
Y = np.array([0, 3])


@pytest.mark.parametrize("fn", LOSSES)
@pytest.mark.parametrize("args, error, words", [
    ((np.zeros(3), X, Y, 0.0), ValueError, "W must be 2-dimensional"),
    ((W, np.ones(3), Y, 0.0), ValueError, "X must be 2-dimensional"),
    ((W, np.ones((2, 5)), Y, 0.0), ValueError, "X and W must agree on D"),
    ((W, X, np.array([0, 4]), 0.0), ValueError, "y must be in [0, 4)"),
    ((W, X, np.array([-1, 0]), 0.0), ValueError, "y must be in [0, 4)"),
    ((W, X, np.array([0.5, 1.0]), 0.0), TypeError, "y must hold integer class labels"),
    ((W, X, np.array([0, 1, 2]), 0.0), ValueError, "y must have one label per sample"),
    ((W, np.ones((0, 3)), np.array([], dtype=int), 0.0), ValueError, "X must have at least one sample"),
    ((np.full((3, 4), np.nan), X, Y, 0.0), ValueError, "W must be finite"),
    ((W, np.full((2, 3), np.inf), Y, 0.0), ValueError, "X must be finite"),
    ((W, X, Y, -0.1), ValueError, "reg must be a finite number >= 0"),
    ((W, X, Y, float("nan")), ValueError, "reg must be a finite number >= 0"),
    ((W, X, Y, "0.1"), TypeError, "reg must be a real number"),
    ((W.astype(str), X, Y, 0.0), TypeError, "W must have a real numeric dtype"),
    ((W, X.astype(object), Y, 0.0), TypeError, "X must have a real numeric dtype"),
    ((W, X.astype(bool), Y, 0.0), TypeError, "X must have a real numeric dtype"),
    ((np.zeros((3, 1)), X, np.array([0, 0]), 0.0), ValueError, "at least 2 classes"),
])
def test_loss_rejects_bad_input(fn, args, error, words):
    with pytest.raises(error) as info:
        fn(*args)
    assert words in str(info.value)


@pytest.mark.parametrize("call, error, words", [
    (lambda: cross_entropy(np.zeros(3), [0]), ValueError, "scores must be 2-dimensional"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0, 3]), ValueError, "y must be in [0, 3)"),
    (lambda: cross_entropy(np.zeros((0, 3)), []), ValueError, "scores must have at least one sample"),
    (lambda: cross_entropy([[0.0, np.nan]], [0]), ValueError, "scores must be finite"),
    (lambda: binary_cross_entropy([0.0, 1.0], [0.5]), ValueError, "t must have the shape of z"),
    (lambda: binary_cross_entropy([0.0], [1.5]), ValueError, "t must be in [0, 1]"),
    (lambda: binary_cross_entropy([0.0], [-0.1]), ValueError, "t must be in [0, 1]"),
    (lambda: binary_cross_entropy([np.inf], [1.0]), ValueError, "z must be finite"),
    (lambda: binary_cross_entropy([0.0], [np.nan]), ValueError, "t must be finite"),
    (lambda: binary_cross_entropy(np.zeros((1, 1)), [1.0]), ValueError, "z must be 1-dimensional"),
    (lambda: sigmoid(["a"]), TypeError, "z must have a real numeric dtype"),
    (lambda: softmax(3.0), ValueError, "scores must have at least one dimension"),
    (lambda: softmax([1.0, 2.0], axis=1), ValueError, "axis must be an integer"),
    (lambda: log_softmax([[1.0, np.inf]]), ValueError, "scores must be finite"),
    (lambda: numerical_gradient(3, np.zeros(2)), TypeError, "f must be callable"),
    (lambda: numerical_gradient(np.sum, np.zeros(2), h=0), ValueError, "h must be a finite number > 0"),
    (lambda: numerical_gradient(lambda v: v, np.zeros(2)), ValueError, "f must return a scalar"),
    (lambda: grad_check_sparse(np.sum, np.zeros(2), np.zeros(3)), ValueError, "analytic_grad must have the shape of x"),
    (lambda: grad_check_sparse(np.sum, np.zeros(2), np.zeros(2), num_checks=0), ValueError, "num_checks must be an integer >= 1"),
])
def test_functions_reject_bad_input(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_error_leaves_inputs_untouched():
    W_bad = np.zeros((3, 4))
    X_ok = np.ones((2, 3))
    y_bad = np.array([0, 7])
    before = (W_bad.copy(), X_ok.copy(), y_bad.copy())
    with pytest.raises(ValueError):
        svm_loss(W_bad, X_ok, y_bad)
    for a, b in zip((W_bad, X_ok, y_bad), before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("fn", [svm_loss, softmax_loss])
def test_scores_that_overflow_are_reported(fn):
    with pytest.raises(ValueError, match="X @ W overflows float64"):
        fn(np.array([[1e200, 0.0]]), np.array([[1e200]]), np.array([0]))


@pytest.mark.parametrize("fn", [svm_loss, softmax_loss])
def test_non_finite_x_in_a_later_block_is_named_with_its_row(fn, monkeypatch):
    import derivations.linear_classifier as lc

    monkeypatch.setattr(lc, "BLOCK_BYTES", 3 * 8 * 2)  # blocks of two rows
    X = np.ones((7, 3))
    X[5, 1] = np.nan
    with pytest.raises(ValueError, match=r"X must be finite, found nan at index \(5, 1\)"):
        fn(np.zeros((3, 2)), X, np.zeros(7, dtype=int))
