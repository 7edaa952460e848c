"""Property-based tests (hypothesis): invariances, bounds, the kink, and bad input."""

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from derivations import cross_entropy, softmax, softmax_loss, svm_loss, svm_score_gradient, binary_cross_entropy

settings.register_profile("project", max_examples=60, deadline=None, derandomize=True)
settings.load_profile("project")

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw):
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 5))
    c = draw(st.integers(2, 5))
    W = draw(hnp.arrays(np.float64, (d, c), elements=st.floats(-3, 3)))
    X = draw(hnp.arrays(np.float64, (n, d), elements=st.floats(-3, 3)))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)))
    reg = draw(st.sampled_from([0.0, 0.1, 2.0]))
    return W, X, y, reg


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=finite), finite)
def test_softmax_is_unchanged_by_a_constant_added_to_a_row(scores, shift):
    np.testing.assert_allclose(softmax(scores + shift), softmax(scores), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(softmax(scores).sum(axis=1), 1.0, rtol=1e-12)


@given(problems())
def test_losses_are_non_negative(prob):
    W, X, y, reg = prob
    assert svm_loss(W, X, y, reg)[0] >= 0
    assert softmax_loss(W, X, y, reg)[0] >= 0
    assert cross_entropy(X @ W, y) >= 0


@given(problems())
def test_rows_of_the_svm_score_gradient_sum_to_zero(prob):
    W, X, y, _ = prob
    G = svm_score_gradient(X @ W, y)
    np.testing.assert_array_equal(G.sum(axis=1), 0.0)
    assert set(np.unique(G[np.arange(len(y)), y])) <= set(-np.arange(W.shape[1]))


@given(st.integers(2, 6), st.integers(0, 5), st.integers(-4, 4))
def test_gradient_at_the_kink_is_the_strict_indicator(c, label_seed, base):
    # integer scores with every wrong class's margin exactly 0
    label = label_seed % c
    scores = np.full((1, c), base - 1.0)
    scores[0, label] = base
    G = svm_score_gradient(scores, [label])
    np.testing.assert_array_equal(G, 0.0)
    W = scores.copy()                      # D = 1, x = [1]: s = W
    loss, dW = svm_loss(W, np.ones((1, 1)), [label])
    assert loss == 0.0 and not dW.any()


@given(hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-1e4, 1e4)),
       hnp.arrays(np.float64, 8, elements=st.floats(0, 1)))
def test_binary_cross_entropy_is_finite_and_at_least_its_minimum(z, t):
    t = t[: z.size]
    loss = binary_cross_entropy(z, t)
    assert np.isfinite(loss)
    # the loss is minimised at sigmoid(z) = t, where it is the entropy of t
    entropy = -np.mean(np.where(t > 0, t * np.log(np.where(t > 0, t, 1)), 0)
                       + np.where(t < 1, (1 - t) * np.log(np.where(t < 1, 1 - t, 1)), 0))
    assert loss >= entropy - 1e-9


bad_values = st.sampled_from([np.nan, np.inf, -np.inf])


@given(problems(), bad_values, st.sampled_from(["W", "X"]), st.data())
def test_non_finite_input_is_named(prob, bad, which, data):
    W, X, y, reg = prob
    arr = {"W": W, "X": X}[which].copy()
    index = tuple(data.draw(st.integers(0, n - 1)) for n in arr.shape)
    arr[index] = bad
    args = {"W": W, "X": X}
    args[which] = arr
    for fn in (svm_loss, softmax_loss):
        with pytest.raises(ValueError, match=f"{which} must be finite"):
            fn(args["W"], args["X"], y, reg)


@given(problems(), st.integers(-3, 3).filter(lambda v: v != 0))
def test_out_of_range_labels_are_named(prob, offset):
    W, X, y, reg = prob
    c = W.shape[1]
    bad = y.copy()
    bad[0] = c - 1 + offset if offset > 0 else offset
    with pytest.raises(ValueError, match=r"y must be in \[0, "):
        svm_loss(W, X, bad, reg)


@given(problems(), st.floats(-10, -1e-9))
def test_negative_reg_is_named(prob, reg):
    W, X, y, _ = prob
    with pytest.raises(ValueError, match="reg must be"):
        softmax_loss(W, X, y, reg)


@given(problems())
def test_mismatched_shapes_are_named(prob):
    W, X, y, reg = prob
    assume(X.shape[1] > 1)
    with pytest.raises(ValueError, match="X and W must agree on D"):
        svm_loss(W, X[:, 1:], y, reg)
