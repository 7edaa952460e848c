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
# # Problem 1 explored
#
# The [proof](../../problem-1/) shows that for two classes the softmax
# cross-entropy of the scores $(s_1, s_2)$ is the binary cross-entropy of the
# logit difference $s_1 - s_2$. Here the package computes both on random logits,
# plots them, and shows the naive formulas overflowing where the stable ones do not.
# Every number below comes from running this notebook at build time.

# %%
import matplotlib.pyplot as plt
import numpy as np

from derivations import (binary_cross_entropy, cross_entropy, sigmoid,
                         softmax)
from derivations.figures import show, show_table

plt.rcParams.update({"figure.facecolor": "white", "axes.facecolor": "white",
                     "figure.dpi": 110})
rng = np.random.default_rng(2023)

# %% [markdown]
# ## Cross-entropy and binary cross-entropy agree
#
# A thousand random two-class problems with logits of scale 5: cross-entropy of
# the score pairs against binary cross-entropy of their difference, with target 1
# for class 1.

# %%
scores = 5 * rng.normal(size=(1000, 2))
labels = rng.integers(0, 2, size=1000)
per_sample_ce = np.array([cross_entropy(scores[i : i + 1], labels[i : i + 1])
                          for i in range(1000)])
per_sample_bce = np.array(
    [binary_cross_entropy(scores[i : i + 1, 0] - scores[i : i + 1, 1],
                          labels[i : i + 1] == 0) for i in range(1000)]
)
gap = np.max(np.abs(per_sample_ce - per_sample_bce)
             / np.maximum(1.0, per_sample_ce))
print(f"largest relative gap, 1000 samples: {gap:.1e}")
assert gap < 1e-12

# %% [markdown]
# The probability of class 1 is the sigmoid of the difference, not of $s_1$:

# %%
p1 = softmax(scores, axis=1)[:, 0]
show_table(["compared with softmax_1", "largest difference"],
           [("sigmoid(s1 - s2)",
             f"{np.max(np.abs(p1 - sigmoid(scores @ [1, -1]))):.1e}"),
            ("sigmoid(s1)",
             f"{np.max(np.abs(p1 - sigmoid(scores[:, 0]))):.3f}")])

# %% [markdown]
# ## Both losses against the logit difference
#
# For a sample of class 1, both losses depend on the scores only through the
# difference $z$; the curves coincide.

# %%
z = np.linspace(-8, 8, 401)
fig, ax = plt.subplots(figsize=(7, 3.8))
for s2, style in ((0.0, "-"), (3.0, "--")):
    ce_curve = [cross_entropy([[zz + s2, s2]], [0]) for zz in z]
    ax.plot(z, ce_curve, style, lw=2,
            label=f"cross-entropy, scores (z + {s2:g}, {s2:g}), class 1")
bce_curve = [binary_cross_entropy([zz], [1.0]) for zz in z]
ax.plot(z, bce_curve, ":", lw=3, color="black",
        label="binary cross-entropy of z, target 1")
ax.set_xlabel("logit difference z = s1 - s2")
ax.set_ylabel("loss")
ax.set_title("Two-class cross-entropy is binary cross-entropy of z")
ax.legend()
ax.grid(alpha=0.3)
shifted = [cross_entropy([[zz + 3.0, 3.0]], [0]) for zz in z]
gap = max(abs(a - b) for a, b in zip(shifted, bce_curve))
show(fig, alt=(
    f"Line plot of the loss against the logit difference z from -8 to 8: "
    f"the two-class cross-entropy for scores (z, 0) and for (z + 3, 3) and "
    f"the binary cross-entropy of z with target 1 are one curve, falling "
    f"from {bce_curve[0]:.2f} at z = -8 to {bce_curve[-1]:.4f} at z = 8 "
    f"(largest gap between the curves {gap:.1e})."))

# %% [markdown]
# ## Naive formulas overflow
#
# Written as printed, the losses take the exponential of a logit, which overflows
# float64 beyond about 709, and the log of a sigmoid that has rounded to 0 or 1.
# The package uses log-sum-exp and the softplus instead.

# %%
magnitudes = np.array([1, 10, 100, 700, 710, 1000, 1e4])
rows = []
with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
    for m in magnitudes:
        s = np.array([0.0, m])  # class 1 (index 0) is correct, m below
        naive_ce = -np.log(np.exp(s[0]) / np.exp(s).sum())
        naive_bce = -np.log(1.0 / (1.0 + np.exp(-(s[0] - s[1]))))
        rows.append((m, naive_ce, cross_entropy(s[None, :], [0]), naive_bce,
                     binary_cross_entropy([s[0] - s[1]], [1.0])))
show_table(["logit gap", "naive CE", "stable CE", "naive BCE", "stable BCE"],
           [tuple(f"{value:.6g}" for value in row) for row in rows])

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
gaps = np.logspace(0, 4, 200)
with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
    naive = [-np.log(np.exp(0.0) / (np.exp(0.0) + np.exp(g))) for g in gaps]
stable = [cross_entropy([[0.0, g]], [0]) for g in gaps]
ax.loglog(gaps, stable, lw=2, label="stable (log-sum-exp)")
ax.loglog(gaps, np.where(np.isfinite(naive), naive, np.nan), "--", lw=2,
          label="naive (inf beyond about 709)")
ax.axvline(np.log(np.finfo(np.float64).max), color="gray", lw=1)
ax.set_xlabel("how far the wrong class scores above the correct one")
ax.set_ylabel("cross-entropy")
ax.legend()
ax.grid(alpha=0.3, which="both")
infinite = ~np.isfinite(naive)
overflow = gaps[infinite][0] if infinite.any() else None
show(fig, alt=(
    f"Log-log plot of the cross-entropy against how far the wrong class "
    f"scores above the correct one, from 1 to 10,000: the stable "
    f"log-sum-exp form grows in a straight line to {stable[-1]:,.0f}, while "
    f"the naive formula follows it and then becomes infinite from a gap of "
    f"about {overflow:.0f}, where exp overflows float64."))
