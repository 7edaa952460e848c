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
# centred finite differences; one check that crosses the hinge's kink, and what
# a centred difference measures there; and the time of the naive loops against
# the vectorized code.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from derivations import (
    grad_check_sparse,
    relative_error,
    softmax_loss,
    softmax_loss_naive,
    svm_loss,
    svm_loss_naive,
)
from derivations.figures import show, show_table

plt.rcParams.update({"figure.facecolor": "white", "axes.facecolor": "white",
                     "figure.dpi": 110})
rng = np.random.default_rng(231)
D, C, N = 30, 10, 50
W = 0.01 * rng.normal(size=(D, C))
X = rng.normal(size=(N, D))
y = rng.integers(0, C, size=N)

# %% [markdown]
# ## Gradient checks away from kinks
#
# Each row samples 10 coordinates of $W$ and compares the analytic gradient
# with centred differences. A relative error near 1e-7 or below is agreement;
# a wrong gradient gives errors near 1.

# %%
rows = []
for loss in (svm_loss_naive, svm_loss, softmax_loss_naive, softmax_loss):
    for reg in (0.0, 0.1):
        _, grad = loss(W, X, y, reg)
        check = grad_check_sparse(lambda w: loss(w, X, y, reg)[0], W, grad,
                                  num_checks=10, seed=0)
        rows.append((loss.__name__, f"{reg:g}", f"{check.max_error:.1e}",
                     int(check.crosses_kink.sum())))
show_table(["loss", "reg", "max relative error", "crossing a kink"], rows)

# %% [markdown]
# Naive and vectorized agree to rounding:

# %%
rows = []
for naive, fast in ((svm_loss_naive, svm_loss),
                    (softmax_loss_naive, softmax_loss)):
    loss_a, grad_a = naive(W, X, y, 0.1)
    loss_b, grad_b = fast(W, X, y, 0.1)
    rows.append((fast.__name__, f"{abs(loss_a - loss_b):.1e}",
                 f"{relative_error(grad_a, grad_b):.1e}"))
show_table(["loss", "loss difference", "gradient relative error"], rows)

# %% [markdown]
# ## A check that crosses a kink
#
# Here the scores are built so that one margin is exactly zero: the loss has a
# kink there. Centred differences straddle it and average the two slopes, which
# disagrees with the analytic subgradient; `grad_check_sparse` sees the gap
# between the one-sided slopes and reports the coordinate as crossing a kink.

# %%
W_kink = np.zeros((3, 3))
W_kink[0] = [1.0, 0.0, 0.5]   # scores of x below: (1, 0, 0.5)
x_kink = np.array([[1.0, 2.0, -1.0]])
label = np.array([0])          # class 2's hinge argument: 0 - 1 + 1 = 0
loss, grad = svm_loss(W_kink, x_kink, label)
check = grad_check_sparse(lambda w: svm_loss(w, x_kink, label)[0], W_kink,
                          grad, num_checks=12, seed=3)
found = zip(check.indices, check.analytic, check.numerical,
            check.relative_errors, check.crosses_kink)
show_table(["entry of W", "analytic", "numerical", "relative error",
            "crosses a kink"],
           [(f"{index}", f"{analytic:+.3f}", f"{numeric:+.3f}",
             f"{error:.1e}", "yes" if kink else "no")
            for index, analytic, numeric, error, kink in found])
print(f"largest error away from the kink: {check.max_error:.1e}")

# %% [markdown]
# ## What a centred difference measures at a kink
#
# Move the centre of the difference a distance $t_0$ = 0.1 to the left of the
# kink of class 2, along its first weight. The loss is flat to the left of the
# kink and rises with slope 1 to the right. A centred difference with step $h$
# below $t_0$ sees only the flat side; above it, the kink falls inside the
# interval and the quotient is the average of the two slopes weighted by the
# fractions of the interval on their sides, $(h - t_0) / (2h)$ here: it climbs
# towards 1/2, the plain average, and never reaches the right slope.

# %%
t0 = 0.1
E = np.zeros_like(W_kink)
E[0, 1] = 1.0          # class 2's first weight; the first feature is 1
centre = W_kink - t0 * E   # class 2's hinge argument is -t0: kink t0 right


def loss_at(V):
    return svm_loss(V, x_kink, label)[0]


steps = np.logspace(-3, 1, 81)
quotients = [(loss_at(centre + h * E) - loss_at(centre - h * E)) / (2 * h)
             for h in steps]
weighted = np.where(steps > t0, (steps - t0) / (2 * steps), 0.0)
slope = svm_loss(centre, x_kink, label)[1][0, 1]   # the analytic one, 0
# one hinge changes sign in the interval: the weighted average, exactly
assert np.allclose(quotients, weighted)

fig, ax = plt.subplots(figsize=(4.6, 3.2))
ax.semilogx(steps, quotients, lw=2.5, label="centred difference (svm_loss)")
ax.semilogx(steps, weighted, "--", lw=1.5, color="black",
            label="weighted average of the slopes")
ax.axhline(slope, color="tab:green", lw=1,
           label=f"analytic slope at the centre, {slope:g}")
ax.axhline(1.0, color="tab:red", lw=1, label="slope right of the kink, 1")
ax.axvline(t0, color="gray", lw=1, ls=":")
ax.set_xlabel("step h (the kink is at t0 = 0.1)")
ax.set_ylabel("difference quotient")
ax.set_ylim(-0.08, 1.08)
ax.legend(fontsize=8, loc="center left")
ax.grid(alpha=0.3, which="both")
show(fig, alt=(
    f"Plot of the centred difference quotient of the SVM loss along class "
    f"2's first weight against the step h, from 0.001 to 10 on a log "
    f"scale, centred {t0} to the left of the kink: it is {quotients[0]:g}, "
    f"the analytic slope, for every step up to {t0}, then rises along the "
    f"weighted average (h - {t0}) / (2h) to {quotients[-1]:.3f} at h = 10, "
    f"towards one half, never reaching the slope 1 right of the kink."))

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
for name, naive, fast in (("svm", svm_loss_naive, svm_loss),
                          ("softmax", softmax_loss_naive, softmax_loss)):
    t_naive = median_time(lambda: naive(Wb, Xb, yb, 1e-3))
    t_fast = median_time(lambda: fast(Wb, Xb, yb, 1e-3))
    rows.append((name, f"{1e3 * t_naive:.1f}", f"{1e3 * t_fast:.2f}",
                 f"{t_naive / t_fast:.0f}\u00d7"))
# timings differ from run to run: the build's reproducibility test skips them
show_table(["loss", "naive (ms)", "vectorized (ms)", "speed-up"], rows,
           attrs='data-varies="timing" data-search-exclude')
