"""Check one equation: every link of its chain, at every point, every way it can be evaluated.

A link ``a = b`` passes when each evaluation of ``a`` agrees with each
evaluation of ``b`` (see :mod:`derivations.equations.evaluate`): sympy at 40
digits, the package in float64, the package's analytic gradient, and finite
differences of the package. Every link of an identity or a gradient must
also be *proved* by :mod:`derivations.equations.prover`, for all sizes or for
every size of a range, unless the equation declares why it is not
(``prove="reason"``). An equation with a max, an absolute value or an
indicator must have a point on a kink where the package's convention (the
strict subgradient) is compared with the formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import time
import zlib

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from derivations.equations.evaluate import Evaluator, NotEvaluable
from derivations.equations.notation import Grad, Ind, Partial
from derivations.equations.prover import Proof, proof_key, prove_equation

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
    proved_for: list = field(default_factory=list)
    links: int = 0
    kink_points: int = 0
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


def _about_indices(cond):
    """Whether a condition compares indices and labels only (j = y_i), not values."""
    def index_like(e):
        if isinstance(e, sp.Indexed):
            return e.base.label.name == "y" and all(index_like(q) for q in e.indices)
        if isinstance(e, sp.Symbol):
            return bool(e.is_integer)
        if isinstance(e, sp.Number):
            return True
        return isinstance(e, (sp.Add, sp.Mul)) and all(index_like(a) for a in e.args)
    return isinstance(cond, Relational) and index_like(cond.lhs) and index_like(cond.rhs)


def has_kink(expr, catalog, seen=()):
    """Whether ``expr``, or the definition of a named function in it, has a max, an absolute value or an indicator."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, Ind) and _about_indices(node.args[0]):
            continue  # 1(j = y_i) selects a class: no kink in any value
        if isinstance(node, (sp.Max, sp.Min, sp.Abs, Ind, sp.Piecewise, sp.Heaviside)):
            return True
        if isinstance(node, sp.core.function.AppliedUndef):
            spec = catalog.functions.get(type(node).__name__)
            if spec is not None and spec.definition and spec.definition not in seen:
                definition = catalog.equations[spec.definition]
                if any(has_kink(side, catalog, seen + (spec.definition,)) for side in definition.sides[1:]):
                    return True
    return False


def _fmt(v):
    v = np.asarray(v, dtype=np.float64)
    return f"{float(v):.12g}" if v.ndim == 0 else np.array2string(v, precision=8, separator=", ")


def check_equation(eq, catalog, seed=0, prove=True, proofs_done=None):
    """Run every check of ``eq``; return its :class:`Record` (``result`` pass or fail).

    ``prove=False`` runs the numeric checks alone, without the prover.
    ``proofs_done`` maps :func:`derivations.equations.prover.proof_key` to
    the proofs found before for the same inputs; new ones are added to it.
    """
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
        kink_checked = False
        for n in range(record.links):
            for m1, v1 in evals[n].items():
                for m2, v2 in evals[n + 1].items():
                    record.comparisons += 1
                    per_link[n] += 1
                    methods.update((m1, m2))
                    package_checked |= "package" in (m1, m2)
                    fd_checked |= "finite differences" in (m1, m2)
                    kink_checked |= point.kink and "package" in (m1, m2)
                    if not _agree(v1, v2, *_tolerance(m1, m2)):
                        failures.append(
                            f"side {n + 1} and side {n + 2} differ at {point.describe()}\n"
                            f"    side {n + 1} ({m1}): {_fmt(v1)}\n    side {n + 2} ({m2}): {_fmt(v2)}"
                        )
        record.kink_points += kink_checked
    unproved = []
    has_kink_formula = any(has_kink(side, catalog) for side in eq.sides)
    if eq.kind == "definition":  # a definition proved against itself proves nothing: it is compared with the package
        record.proved_for = ["a definition: compared with the package"] * record.links
    elif eq.prove is not True:
        record.proved_for = [f"not proved: {eq.prove}"] * record.links
    elif prove:
        key = proof_key(eq, catalog) if proofs_done is not None else None
        if key is not None and key in proofs_done:
            proofs = [Proof(**p) for p in proofs_done[key]]
        else:
            proofs = prove_equation(eq, catalog)
            if key is not None:
                proofs_done[key] = [p.__dict__ for p in proofs]
        record.proved_links = sum(p.proved for p in proofs)
        record.proved_for = [p.text + (", off the kinks" if p.proved and has_kink_formula else "") for p in proofs]
        unproved = [f"link {n + 1} ({p.text})" for n, p in enumerate(proofs) if not p.proved]
    record.methods = sorted(methods)
    unchecked = [n + 1 for n, count in enumerate(per_link) if count == 0]
    if failures:
        record.result = "fail"
        record.message = failures[0] + (f"\n  (and {len(failures) - 1} more)" if len(failures) > 1 else "")
    elif unchecked:
        record.message = f"links {unchecked} were never evaluated at any point"
    elif unproved:
        record.result = "unproved"
        record.message = ("not proved by sympy: " + "; ".join(unproved)
                          + "\n  (if no proof can be had, say why with prove=\"reason\": the ledger shows it as sampled only)")
    elif has_kink_formula and not record.kink_points:
        record.message = ("it has a max, an absolute value or an indicator, but no point on a kink compares it "
                          "with the package: add a kink point (Point(..., kink=True)) to its space")
    elif eq.kind == "gradient" and not (fd_checked or record.proved_links == record.links):
        record.message = "a gradient needs finite differences of the package or a sympy proof"
    elif eq.kind == "definition" and not package_checked:
        record.message = "a definition must be compared with the package"
    else:
        record.result = "pass"
    record.seconds = time.perf_counter() - start
    return record
