"""`make bench`: the vectorized losses against the naive loops, PyTorch's CPU code and two lower bounds.

Times loss and gradient together at CS231n's sizes (D = 3073, C = 10; N = 500
and N = 49,000) in float32 and float64, reports medians of repeated runs with
each figure's ratio to PyTorch and to the bounds, and the peak memory that one
call allocates beyond its inputs. Writes the results for the Performance page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
from pathlib import Path
import platform
import statistics
import sys
import time
import tracemalloc

import numpy as np

from derivations import softmax_loss, softmax_loss_naive, svm_loss, svm_loss_naive

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(fn, repeat, budget=20.0):
    fn()  # warm-up: first-touch of memory, BLAS threads
    times = []
    start = time.perf_counter()
    while len(times) < repeat and (len(times) < 3 or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def peak_extra_bytes(fn):
    """Peak bytes that numpy allocates during one call (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def torch_runner(name, W, X, y):
    import torch

    F = torch.nn.functional
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    Wt = torch.from_numpy(W.copy()).requires_grad_(True)
    classes = W.shape[1]

    def run():
        Wt.grad = None
        scores = Xt @ Wt
        if name == "svm":
            loss = classes * F.multi_margin_loss(scores, yt, p=1, margin=1.0)
        else:
            loss = F.cross_entropy(scores, yt)
        loss.backward()
        return loss.item(), Wt.grad

    return run


def machine():
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "platform": platform.platform(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "")}
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = [f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}, {p.get('num_threads')} threads)"
                        for p in threadpool_info() if p.get("user_api") == "blas"]
    except ImportError:
        pass
    try:
        import torch

        info["torch"] = f"{torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:
        info["torch"] = None
    return info


def bench(sizes, dtypes, repeat, naive_max_n, dim, classes, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    have_torch = importlib.util.find_spec("torch") is not None
    for n in sizes:
        X64 = rng.normal(size=(n, dim))
        y = rng.integers(0, classes, size=n)
        W64 = 1e-4 * rng.normal(size=(dim, classes))
        for dtype in dtypes:
            X, W = X64.astype(dtype), W64.astype(dtype)
            G = rng.normal(size=(n, classes)).astype(dtype)
            bounds = {
                "read X once": median_seconds(lambda: np.add.reduce(X, axis=0), repeat)[0],
                "X W and (G^T X)^T": median_seconds(lambda: (X @ W, (G.T @ X).T), repeat)[0],
            }
            for name, fast, naive in (("svm", svm_loss, svm_loss_naive), ("softmax", softmax_loss, softmax_loss_naive)):
                t, runs = median_seconds(lambda: fast(W, X, y, 1e-3), repeat)
                row = {"loss": name, "N": n, "D": dim, "C": classes, "dtype": np.dtype(dtype).name,
                       "vectorized_s": t, "runs": runs, **{f"bound {k}_s": v for k, v in bounds.items()}}
                row["peak_extra_bytes"] = peak_extra_bytes(lambda: fast(W, X, y, 1e-3))
                row["X_bytes"] = X.nbytes
                row["NC_plus_DC_bytes"] = (n * classes + dim * classes) * X.itemsize
                if n <= naive_max_n:
                    row["naive_s"] = median_seconds(lambda: naive(W, X, y, 1e-3), max(3, repeat // 2))[0]
                if have_torch:
                    run = torch_runner(name, W, X, y)
                    row["torch_s"] = median_seconds(run, repeat)[0]
                    ours_loss, ours_grad = fast(W, X, y, 0.0)
                    ref_loss, ref_grad = run()
                    row["torch_agreement"] = float(np.max(np.abs(ours_grad - ref_grad.numpy())))
                rows.append(row)
                print(_line(row), flush=True)
    return rows


def _line(r):
    parts = [f"{r['loss']:8} N={r['N']:<6} {r['dtype']:8} vectorized {1e3 * r['vectorized_s']:9.2f} ms"]
    if "naive_s" in r:
        parts.append(f"naive {1e3 * r['naive_s']:9.1f} ms ({r['naive_s'] / r['vectorized_s']:.0f}x)")
    if "torch_s" in r:
        parts.append(f"torch {1e3 * r['torch_s']:8.2f} ms (ours/torch {r['vectorized_s'] / r['torch_s']:.2f})")
    parts.append(f"matmuls {1e3 * r['bound X W and (G^T X)^T_s']:8.2f} ms")
    parts.append(f"read X {1e3 * r['bound read X once_s']:7.2f} ms")
    parts.append(f"peak extra {r['peak_extra_bytes'] / 2**20:7.2f} MiB (X is {r['X_bytes'] / 2**20:.0f} MiB)")
    return "  ".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 49000])
    parser.add_argument("--dim", type=int, default=3073)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--naive-max-n", type=int, default=500)
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    args = parser.parse_args(argv)
    rows = bench(args.sizes, [np.dtype(d).type for d in args.dtypes], args.repeat, args.naive_max_n, args.dim, args.classes)
    result = {"recorded": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
              "command": "make bench", "rows": rows}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
