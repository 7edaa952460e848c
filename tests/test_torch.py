"""A comparison with an implementation nobody here wrote: PyTorch (CPU, float64), with autograd.

Runs when torch is installed (`pip install torch==2.13.0`); skipped otherwise.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from derivations import binary_cross_entropy, cross_entropy, relative_error, softmax_loss, svm_loss  # noqa: E402

pytestmark = pytest.mark.torch
WORST = {}


def _record(name, err):
    WORST[name] = max(WORST.get(name, 0.0), err)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print("\nlargest relative error against PyTorch:", {k: f"{v:.1e}" for k, v in WORST.items()})


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n, d, c", [(1, 3, 2), (16, 8, 3), (64, 20, 10)])
def test_losses_and_gradients_match_pytorch(seed, n, d, c):
    rng = np.random.default_rng(seed)
    W = 0.5 * rng.normal(size=(d, c))
    X = rng.normal(size=(n, d))
    y = rng.integers(0, c, size=n)
    reg = 0.05

    Wt = torch.tensor(W, requires_grad=True)
    scores = torch.tensor(X) @ Wt
    yt = torch.tensor(y)
    # multi_margin_loss averages over the C classes too: the loss here is C times it
    svm_t = c * F.multi_margin_loss(scores, yt, p=1, margin=1.0) + reg * (Wt ** 2).sum()
    svm_t.backward()
    loss, dW = svm_loss(W, X, y, reg)
    err = max(abs(loss - svm_t.item()) / max(1.0, abs(loss)), relative_error(dW, Wt.grad.numpy()))
    _record("svm_loss vs multi_margin_loss", err)
    assert err < 1e-10

    Wt = torch.tensor(W, requires_grad=True)
    ce_t = F.cross_entropy(torch.tensor(X) @ Wt, yt) + reg * (Wt ** 2).sum()
    ce_t.backward()
    loss, dW = softmax_loss(W, X, y, reg)
    err = max(abs(loss - ce_t.item()) / max(1.0, abs(loss)), relative_error(dW, Wt.grad.numpy()))
    _record("softmax_loss vs cross_entropy", err)
    assert err < 1e-10

    s = torch.tensor(X @ W)
    err = abs(cross_entropy(X @ W, y) - F.cross_entropy(s, yt).item()) / max(1.0, abs(cross_entropy(X @ W, y)))
    _record("cross_entropy", err)
    assert err < 1e-10


@pytest.mark.parametrize("seed", range(6))
def test_binary_cross_entropy_matches_pytorch(seed):
    rng = np.random.default_rng(seed)
    z = 5 * rng.normal(size=40)
    z[:2] = [1e4, -1e4]
    t = rng.uniform(size=40)
    zt = torch.tensor(z, requires_grad=True)
    ref = F.binary_cross_entropy_with_logits(zt, torch.tensor(t))
    ref.backward()
    ours = binary_cross_entropy(z, t)
    err = abs(ours - ref.item()) / max(1.0, abs(ours))
    # the gradient of the mean, (sigmoid(z) - t) / N, from the package's sigmoid
    from derivations import sigmoid

    grad_err = relative_error((sigmoid(z) - t) / z.size, zt.grad.numpy())
    _record("binary_cross_entropy_with_logits", max(err, grad_err))
    assert err < 1e-10 and grad_err < 1e-10
