# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Problem 2 explored
#
# Gradient checks of the SVM and softmax losses, naive and vectorized, against
# centred finite differences; one check that crosses the hinge's kink; and the
# time of the naive loops against the vectorized code.

# %%
import time

import numpy as np
from IPython.display import HTML

from derivations import (
    grad_check_sparse,
    relative_error,
    softmax_loss,
    softmax_loss_naive,
    svm_loss,
    svm_loss_naive,
)

rng = np.random.default_rng(231)
D, C, N = 30, 10, 50
W = 0.01 * rng.normal(size=(D, C))
X = rng.normal(size=(N, D))
y = rng.integers(0, C, size=N)

# %% [markdown]
# ## Gradient checks away from kinks
#
# Each line samples 10 coordinates of $W$ and compares the analytic gradient
# with centred differences. A relative error near 1e-7 or below is agreement;
# a wrong gradient gives errors near 1.

# %%
lines = []  # one print per cell: the kernel may split a cell's stream output differently from run to run
for name, loss in (("svm_loss_naive", svm_loss_naive), ("svm_loss", svm_loss),
                   ("softmax_loss_naive", softmax_loss_naive), ("softmax_loss", softmax_loss)):
    for reg in (0.0, 0.1):
        _, grad = loss(W, X, y, reg)
        check = grad_check_sparse(lambda w: loss(w, X, y, reg)[0], W, grad, num_checks=10, seed=0)
        lines.append(f"{name:20} reg={reg:<4} max relative error {check.max_error:.1e}, "
                     f"coordinates crossing a kink: {int(check.crosses_kink.sum())}")
print("\n".join(lines))

# %% [markdown]
# Naive and vectorized agree to rounding:

# %%
lines = []
for naive, fast in ((svm_loss_naive, svm_loss), (softmax_loss_naive, softmax_loss)):
    loss_a, grad_a = naive(W, X, y, 0.1)
    loss_b, grad_b = fast(W, X, y, 0.1)
    lines.append(f"{fast.__name__:13} loss difference {abs(loss_a - loss_b):.1e}, "
                 f"gradient relative error {relative_error(grad_a, grad_b):.1e}")
print("\n".join(lines))

# %% [markdown]
# ## A check that crosses a kink
#
# Here the scores are built so that one margin is exactly zero: the loss has a
# kink there. Centred differences straddle it and average the two slopes, which
# disagrees with the analytic subgradient; `grad_check_sparse` sees the gap
# between the one-sided slopes and reports the coordinate as crossing a kink.

# %%
W_kink = np.zeros((3, 3))
W_kink[0] = [1.0, 0.0, 0.5]        # scores of x below: (1, 0, 0.5)
x_kink = np.array([[1.0, 2.0, -1.0]])
label = np.array([0])               # margin of class 2: 0 - 1 + 1 = 0, exactly at the kink
loss, grad = svm_loss(W_kink, x_kink, label)
check = grad_check_sparse(lambda w: svm_loss(w, x_kink, label)[0], W_kink, grad, num_checks=12, seed=3)
lines = [f"W{index}: analytic {analytic:+.3f}  numerical {numeric:+.3f}  "
         f"relative error {error:.1e}  {'crosses a kink' if kink else ''}"
         for index, analytic, numeric, error, kink in zip(check.indices, check.analytic, check.numerical,
                                                          check.relative_errors, check.crosses_kink)]
lines.append(f"largest error away from the kink: {check.max_error:.1e}")
print("\n".join(lines))

# %% [markdown]
# ## Naive loops against vectorized code
#
# CS231n's development-set shape: N = 500 samples, D = 3073 features, C = 10
# classes. Median of 5 runs each, on the machine that built this page (the
# [performance page](../../performance/) has the full benchmark).

# %%
def median_time(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


Wb = 1e-4 * rng.normal(size=(3073, 10))
Xb = rng.normal(size=(500, 3073))
yb = rng.integers(0, 10, size=500)
rows = []
for name, naive, fast in (("svm", svm_loss_naive, svm_loss), ("softmax", softmax_loss_naive, softmax_loss)):
    t_naive = median_time(lambda: naive(Wb, Xb, yb, 1e-3))
    t_fast = median_time(lambda: fast(Wb, Xb, yb, 1e-3))
    rows.append(f"<tr><td>{name}</td><td>{1e3 * t_naive:.1f}</td><td>{1e3 * t_fast:.2f}</td>"
                f"<td>{t_naive / t_fast:.0f}&times;</td></tr>")
# timings differ from run to run: marked so that the build's reproducibility test skips them
HTML('<table data-varies="timing" data-search-exclude><thead><tr><th>loss</th><th>naive (ms)</th><th>vectorized (ms)</th>'
     '<th>speed-up</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")
