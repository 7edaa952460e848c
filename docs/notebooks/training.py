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
# # Training a linear classifier
#
# The losses and gradients of the two problems, put to work: plain minibatch
# stochastic gradient descent on scikit-learn's handwritten digits (1,797 images
# of 8 by 8 pixels, ten classes, shipped inside scikit-learn: nothing is
# downloaded). Beside it, scikit-learn's `LinearSVC` and `LogisticRegression`
# on the same split. Everything is seeded, so the numbers repeat from build to build.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from derivations import softmax_loss, svm_loss
from derivations.figures import show, show_table

plt.rcParams.update({"figure.facecolor": "white", "axes.facecolor": "white",
                     "figure.dpi": 110})

digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.data, digits.target, test_size=0.25, random_state=0,
    stratify=digits.target
)
# centre and scale with the training set's statistics, then append a
# constant 1 for the bias
mean, scale = X_train.mean(axis=0), X_train.std(axis=0) + 1e-8
X_train = np.hstack([(X_train - mean) / scale, np.ones((len(X_train), 1))])
X_test = np.hstack([(X_test - mean) / scale, np.ones((len(X_test), 1))])
show_table(["set", "samples", "features + bias", "classes"],
           [("train", *X_train.shape, np.unique(y_train).size),
            ("test", *X_test.shape, np.unique(y_test).size)])

# %% [markdown]
# ## Minibatch SGD, written out
#
# Each step draws a batch, asks the loss for its gradient and steps against it.

# %%
def train(loss, X, y, reg=1e-3, learning_rate=0.05, batch_size=64, epochs=30,
          seed=0):
    rng = np.random.default_rng(seed)
    W = 1e-3 * rng.normal(size=(X.shape[1], 10))
    history = []
    steps_per_epoch = int(np.ceil(len(X) / batch_size))
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        for step in range(steps_per_epoch):
            batch = order[step * batch_size : (step + 1) * batch_size]
            value, grad = loss(W, X[batch], y[batch], reg)
            W -= learning_rate * grad
        history.append(loss(W, X, y, reg)[0])
    return W, history


def accuracy(W, X, y):
    return float(np.mean(np.argmax(X @ W, axis=1) == y))


W_svm, history_svm = train(svm_loss, X_train, y_train)
W_softmax, history_softmax = train(softmax_loss, X_train, y_train)

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot(range(1, 31), history_svm, marker="o", ms=3,
        label="multiclass SVM loss (Problem 2)")
ax.plot(range(1, 31), history_softmax, marker="s", ms=3,
        label="softmax cross-entropy (Problem 1)")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (with regularisation)")
ax.set_yscale("log")
ax.set_title("Minibatch SGD on the digits")
ax.grid(alpha=0.3, which="both")
ax.legend()
show(fig, alt=(
    f"Line plot of the training loss, log scale, over 30 epochs of "
    f"minibatch SGD on the digits: the multiclass SVM loss falls from "
    f"{history_svm[0]:.3f} to {history_svm[-1]:.3f} and the softmax "
    f"cross-entropy from {history_softmax[0]:.3f} to "
    f"{history_softmax[-1]:.3f}."))

# %% [markdown]
# ## Against scikit-learn on the same split

# %%
features_train, features_test = X_train[:, :-1], X_test[:, :-1]  # no bias
reference_svc = LinearSVC(C=1.0, random_state=0, max_iter=20000)
reference_svc.fit(features_train, y_train)
reference_logistic = LogisticRegression(C=1.0, max_iter=5000)
reference_logistic.fit(features_train, y_train)
rows = [
    ("SGD + svm_loss (this site)",
     accuracy(W_svm, X_train, y_train), accuracy(W_svm, X_test, y_test)),
    ("SGD + softmax_loss (this site)",
     accuracy(W_softmax, X_train, y_train),
     accuracy(W_softmax, X_test, y_test)),
    ("scikit-learn LinearSVC",
     reference_svc.score(features_train, y_train),
     reference_svc.score(features_test, y_test)),
    ("scikit-learn LogisticRegression",
     reference_logistic.score(features_train, y_train),
     reference_logistic.score(features_test, y_test)),
]
show_table(["model", "train accuracy", "test accuracy"],
           [(name, f"{train_acc:.3f}", f"{test_acc:.3f}")
            for name, train_acc, test_acc in rows])
assert min(row[2] for row in rows) > 0.9, "every model passes 90% on test"

# %% [markdown]
# ## What the SVM's weights look like
#
# Each column of $\mathbf{W}$ (without the bias) reshaped to 8 by 8: the pattern each class's score rewards.

# %%
fig, axes = plt.subplots(1, 10, figsize=(10, 1.6))
for digit, ax in enumerate(axes):
    ax.imshow(W_svm[:-1, digit].reshape(8, 8), cmap="RdBu_r")
    ax.set_title(str(digit))
    ax.axis("off")
show(fig, alt=(
    "Ten 8 by 8 heat maps, one per digit 0 to 9: the SVM's weights for each "
    "class, red where a dark pixel raises that class's score and blue where "
    "it lowers it: the map of 0 is a red ring around a blue centre, the "
    "others are patchier mixtures of red and blue strokes."))
