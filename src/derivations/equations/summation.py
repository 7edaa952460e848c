"""Sums at concrete sizes written out term by term: used to evaluate, never to prove (the kernel's sum rules are
:mod:`derivations.equations.kernel.rules`)."""

from __future__ import annotations

import sympy as sp

__all__ = ["expand_finite_sums"]


def expand_finite_sums(expr):
    """``expr`` with every sum over integer limits written out term by term (an empty or reversed range is 0)."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum):
        body = expand_finite_sums(expr.function)
        for k, lo, hi in expr.limits:
            lo, hi = expand_finite_sums(lo), expand_finite_sums(hi)
            if not (lo.is_Integer and hi.is_Integer):
                raise ValueError(f"a sum over {lo}..{hi} has no finite expansion")
            body = sp.Add(*[body.xreplace({k: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)])
        return body
    return expr.func(*[expand_finite_sums(a) for a in expr.args])
