"""Check one equation: every link of its chain, at every point, every way it can be evaluated.

A link ``a = b`` passes when each evaluation of ``a`` agrees with each
evaluation of ``b`` (see :mod:`derivations.equations.evaluate`): sympy at 40
digits, the package in float64, the package's analytic gradient, and finite
differences of the package. Where sympy can simplify ``a - b`` to zero the
link is also *proved*; that is reported, not required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import time
import zlib

import numpy as np
import sympy as sp

from derivations.equations.evaluate import Evaluator, NotEvaluable
from derivations.equations.notation import Grad, Partial

__all__ = ["Record", "check_equation", "METHODS"]

# (mode, derivative) of each way of evaluating a side
METHODS = {
    "sympy": ("symbolic", None),
    "package": ("package", "analytic"),
    "finite differences": ("package", "finite-differences"),
}
TOLERANCE = {  # (rtol, atol) by the least exact method of a comparison
    "sympy": (1e-12, 1e-12),
    "package": (1e-9, 1e-11),
    "finite differences": (1e-6, 1e-7),
}
PROOF_OPS = 250  # sympy's simplify is tried on expressions up to this size


@dataclass
class Record:
    """The ledger's row for one equation."""

    id: str
    page: str
    number: str
    kind: str
    title: str
    latex: str
    source: str
    result: str = "unchecked"
    methods: list = field(default_factory=list)
    proved_links: int = 0
    links: int = 0
    points: int = 0
    comparisons: int = 0
    seconds: float = 0.0
    message: str = ""

    def as_dict(self):
        return dict(self.__dict__)


def _has_derivative(expr):
    return expr.has(Partial) or expr.has(Grad)


def _evaluations(side, point, catalog):
    out = {}
    for name, (mode, derivative) in METHODS.items():
        if name == "finite differences" and not _has_derivative(side):
            continue
        try:
            out[name] = Evaluator(point, mode, catalog, derivative or "analytic").value(side)
        except NotEvaluable:
            continue
        except (FloatingPointError, OverflowError, ZeroDivisionError):
            continue
    return out


def _agree(a, b, rtol, atol):
    # a sympy column vector is (n, 1) where numpy has (n,)
    a, b = np.squeeze(np.asarray(a, dtype=np.float64)), np.squeeze(np.asarray(b, dtype=np.float64))
    if a.shape != b.shape:
        return False
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is a disagreement, not a warning
        return bool(np.all(np.abs(a - b) <= atol + rtol * np.maximum(np.abs(a), np.abs(b))))


def _tolerance(m1, m2):
    order = ["sympy", "package", "finite differences"]
    return TOLERANCE[max(m1, m2, key=order.index)]


def _proved(a, b, point, catalog):
    """True when sympy simplifies a - b to zero in the point's symbols (sizes fixed)."""
    try:
        ev = Evaluator(point, "symbolic", catalog)
        d = ev.exact(a) - ev.exact(b)
    except (NotEvaluable, TypeError, ValueError):
        return False
    items = list(d) if isinstance(d, sp.MatrixBase) else [d]
    for item in items:
        item = sp.sympify(item)
        if item.count_ops() > PROOF_OPS or item.has(sp.Piecewise, sp.Max, sp.Heaviside):
            return False
        simplified = sp.simplify(sp.expand_log(item, force=True))
        if simplified != 0:
            return False
    return True


def _fmt(v):
    v = np.asarray(v, dtype=np.float64)
    return f"{float(v):.12g}" if v.ndim == 0 else np.array2string(v, precision=8, separator=", ")


def check_equation(eq, catalog, seed=0):
    """Run every check of ``eq``; return its :class:`Record` (``result`` pass or fail)."""
    start = time.perf_counter()
    record = Record(eq.id, eq.page, eq.shown_number, eq.kind, eq.title, eq.latex(), f"{eq.source[0]}:{eq.source[1]}")
    rng = np.random.default_rng([seed, zlib.crc32(eq.id.encode())])
    points = eq.points(rng)
    record.points = len(points)
    record.links = len(eq.sides) - 1
    methods, failures = set(), []
    package_checked = fd_checked = False
    per_link = [0] * record.links
    for point in points:
        evals = [_evaluations(side, point, catalog) for side in eq.sides]
        for n in range(record.links):
            for m1, v1 in evals[n].items():
                for m2, v2 in evals[n + 1].items():
                    record.comparisons += 1
                    per_link[n] += 1
                    methods.update((m1, m2))
                    package_checked |= "package" in (m1, m2)
                    fd_checked |= "finite differences" in (m1, m2)
                    if not _agree(v1, v2, *_tolerance(m1, m2)):
                        failures.append(
                            f"side {n + 1} and side {n + 2} differ at {point.describe()}\n"
                            f"    side {n + 1} ({m1}): {_fmt(v1)}\n    side {n + 2} ({m2}): {_fmt(v2)}"
                        )
    if eq.prove and eq.kind != "definition":  # a definition proved against itself proves nothing
        first = next((q for q in points if not q.kink), None)
        if first is not None:
            record.proved_links = sum(
                _proved(eq.sides[n], eq.sides[n + 1], first, catalog) for n in range(record.links)
            )
    record.methods = sorted(methods)
    unchecked = [n + 1 for n, count in enumerate(per_link) if count == 0]
    if failures:
        record.result = "fail"
        record.message = failures[0] + (f"\n  (and {len(failures) - 1} more)" if len(failures) > 1 else "")
    elif unchecked:
        record.message = f"links {unchecked} were never evaluated at any point"
    elif eq.kind == "gradient" and not (fd_checked or record.proved_links == record.links):
        record.message = "a gradient needs finite differences of the package or a sympy proof"
    elif eq.kind == "definition" and not package_checked:
        record.message = "a definition must be compared with the package"
    else:
        record.result = "pass"
    record.seconds = time.perf_counter() - start
    return record
