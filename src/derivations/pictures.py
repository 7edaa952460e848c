"""The pictures of the proof pages, drawn from the package's numbers when the site is built.

Each function returns a :class:`Picture`: the SVG, and a text alternative that
says what the picture shows, with the numbers read off the same data that was
plotted (never typed by hand). The figures are drawn on a white card with dark
ink, so that they read the same in the light and the dark colour scheme and
in print, and they are narrow (4 inches), so that a phone shows their labels
at about the size of the text.

>>> picture = hinge()
>>> picture.svg.startswith(b"<?xml") and b"<svg" in picture.svg
True
>>> print(picture.alt)  # doctest: +ELLIPSIS
The hinge max(0, u) for u from -2 to 2: ... slopes 0, 0.25, 0.5, 0.75 and 1 ...
"""

from __future__ import annotations

from dataclasses import dataclass
import io

import numpy as np

from derivations import worked_example
from derivations.activations import sigmoid, softmax
from derivations.linear_softmax import softmax_loss
from derivations.linear_svm import svm_loss

__all__ = ["Picture", "PICTURES", "hinge", "loss_slice", "two_class_softmax"]

INK, BLUE, ORANGE, GREEN, GREY = "#1a1a1a", "#1f5fa8", "#c0560c", "#2a7a3b", "#6b6b6b"  # dark on white: 5:1 or more


@dataclass(frozen=True)
class Picture:
    name: str
    svg: bytes
    alt: str
    caption: str


def _figure(height=2.9, rows=1):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10.5, "axes.edgecolor": INK, "axes.labelcolor": INK, "xtick.color": INK,
                         "ytick.color": INK, "text.color": INK, "svg.fonttype": "path", "svg.hashsalt": "derivations"})
    fig, axes = plt.subplots(rows, 1, figsize=(4.0, height * rows), facecolor="white")
    return fig, axes


def _svg(fig):
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", facecolor="white", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def _words(values):
    """0, 0.25, 0.5, 0.75 and 1."""
    parts = [f"{v:g}" for v in values]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def hinge():
    """The hinge max(0, u) and, at its kink u = 0, lines through the origin whose slopes are its subgradients."""
    u = np.linspace(-2.0, 2.0, 401)
    h = np.maximum(0.0, u)
    slopes = [0.0, 0.25, 0.5, 0.75, 1.0]
    below = [bool(np.all(g * u <= h + 1e-12)) for g in slopes]  # the subgradient inequality, on the plotted grid
    outside = [bool(np.all(g * u <= h + 1e-12)) for g in (-0.25, 1.25)]
    fig, ax = _figure()
    for g in slopes:
        colour = ORANGE if g == 0.0 else GREEN if g == 1.0 else GREY
        ax.plot(u, g * u, color=colour, linestyle="--", linewidth=1.3 if g in (0.0, 1.0) else 0.9)
    ax.plot(u, h, color=BLUE, linewidth=2.4, label=r"$\max(0, u)$")
    ax.plot([0], [0], "o", color=INK, markersize=4)
    ax.annotate(r"slope 0: $\mathbf{1}(u > 0)$ at $u=0$", xy=(-1.6, 0.0), xytext=(-1.95, 0.85), color=ORANGE,
                arrowprops={"arrowstyle": "-", "color": ORANGE, "linewidth": 0.8})
    ax.annotate(r"slope 1: $\mathbf{1}(u \geq 0)$", xy=(1.25, 1.25), xytext=(-0.1, 1.75), color=GREEN,
                arrowprops={"arrowstyle": "-", "color": GREEN, "linewidth": 0.8})
    ax.set_xlim(-2, 2)
    ax.set_ylim(-0.6, 2.05)
    ax.set_xlabel(r"$u$")
    ax.axhline(0, color=GREY, linewidth=0.5)
    ax.legend(loc="lower right", frameon=False)
    alt = (f"The hinge max(0, u) for u from {u[0]:g} to {u[-1]:g}: flat at 0 for negative u, rising with slope 1 "
           f"for positive u. At the kink u = 0, dashed lines through the origin with slopes {_words(slopes)} "
           f"{'all stay' if all(below) else 'do not all stay'} on or below the hinge, so each slope is a "
           f"subgradient there; a slope below 0 or above 1 {'would cross' if not any(outside) else 'would not cross'} "
           f"it. The strict indicator 1(u > 0) is slope 0, the lowest; 1(u ≥ 0) would be slope 1, the highest.")
    caption = ("The hinge and its subgradients at the kink: every slope from 0 to 1 gives a line under the hinge; "
               "the package's strict indicator takes 0.")
    return Picture("hinge", _svg(fig), alt, caption)


def loss_slice(steps=301):
    """The SVM and the softmax loss of the worked example along a line W + t E through its kink.

    E moves the first weight of class 3: score s_3 moves by t x_1 = t, so the class-3 hinge argument, exactly 0 at
    t = 0, becomes t.
    """
    W, X, y = worked_example.W, worked_example.X, worked_example.y
    E = np.zeros_like(W)
    E[0, 2] = 1.0
    t = np.linspace(-1.5, 1.5, steps)
    svm = np.array([svm_loss(W + a * E, X, y)[0] for a in t])
    soft = np.array([softmax_loss(W + a * E, X, y)[0] for a in t])
    middle = steps // 2
    left = (svm[middle] - svm[middle - 10]) / (t[middle] - t[middle - 10])
    right = (svm[middle + 10] - svm[middle]) / (t[middle + 10] - t[middle])
    package_slope = float(np.sum(svm_loss(W, X, y)[1] * E))  # <dW, E>: the package's subgradient along E
    fig, ax = _figure()
    ax.plot(t, svm, color=BLUE, linewidth=2.2, label="SVM loss")
    ax.plot(t, soft, color=ORANGE, linewidth=2.2, linestyle="--", label="softmax loss")
    ax.plot([0], [svm[middle]], "o", color=INK, markersize=4)
    ax.set_xlabel(r"$t$, along $\mathbf{W} + t\,\mathbf{E}$ ($\mathbf{E}$: the first weight of class 3)")
    ax.set_ylabel(r"$L_i$")
    ax.legend(loc="upper left", frameon=False)
    alt = (f"The SVM loss and the softmax loss of the worked example along the line W + tE, where E moves the first "
           f"weight of class 3, for t from {t[0]:g} to {t[-1]:g}. The SVM loss is flat at {svm[0]:.3g} for t below 0 "
           f"(slope {left:.3g}) and rises with slope {right:.3g} above it, up to {svm[-1]:.3g}: a kink at t = 0, "
           f"where the class-3 hinge argument crosses 0. The package's gradient gives slope {package_slope:.3g} along "
           f"E there, the left one. The softmax loss is smooth, rising from {soft[0]:.3g} to {soft[-1]:.3g}.")
    caption = ("Both losses of the worked example along one line through the weights: the SVM loss has a kink where "
               "a hinge argument crosses zero, the softmax loss has none.")
    return Picture("loss-slice", _svg(fig), alt, caption)


def two_class_softmax():
    """f_1 of two classes against s_1 for three values of s_2, and the same values against s_1 - s_2."""
    s1 = np.linspace(-6.0, 6.0, 241)
    fig, (left, right) = _figure(height=2.6, rows=2)
    crossings, gap = [], 0.0
    colours = {-2.0: GREEN, 0.0: BLUE, 2.0: ORANGE}
    for s2, colour in colours.items():
        f1 = np.array([softmax(np.array([a, s2]))[0] for a in s1])
        crossings.append(float(s1[np.argmin(np.abs(f1 - 0.5))]))
        gap = max(gap, float(np.max(np.abs(f1 - sigmoid(s1 - s2)))))
        left.plot(s1, f1, color=colour, linewidth=2, label=rf"$s_2 = {s2:g}$")
        right.plot(s1 - s2, f1, color=colour, linewidth=5 - 1.5 * list(colours).index(s2), alpha=0.8)
    z = np.linspace(-8, 8, 321)
    right.plot(z, sigmoid(z), color=INK, linewidth=1, linestyle=":", label=r"$\sigma(s_1 - s_2)$")
    left.set_xlabel(r"$s_1$")
    left.set_ylabel(r"$f_1$")
    left.legend(loc="upper left", frameon=False, fontsize=9.5)
    right.set_xlabel(r"$s_1 - s_2$")
    right.set_ylabel(r"$f_1$")
    right.set_xlim(-8, 8)
    right.legend(loc="upper left", frameon=False, fontsize=9.5)
    fig.tight_layout()
    agreement = "less than 1e-12" if gap < 1e-12 else f"at most {gap:.1g}"
    alt = (f"Top: the two-class softmax probability f_1 against s_1 from {s1[0]:g} to {s1[-1]:g}, for s_2 = "
           f"{_words(list(colours))}: three S-shaped curves that cross 0.5 at s_1 = {_words(crossings)}, so f_1 is "
           f"not a function of s_1 alone. Bottom: the same values against s_1 - s_2 lie on one curve, the sigmoid "
           f"σ(s_1 - s_2) (they differ from it by {agreement}). Only the curve for s_2 = 0 is σ(s_1).")
    caption = ("The two-class softmax is the sigmoid of the difference of the scores: shifted in s₁ by s₂ (top), "
               "one curve against s₁ − s₂ (bottom).")
    return Picture("two-class-softmax", _svg(fig), alt, caption)


PICTURES = {"hinge": hinge, "loss-slice": loss_slice, "two-class-softmax": two_class_softmax}
