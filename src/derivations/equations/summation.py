"""The only rules by which the prover evaluates a sum at symbolic size, each one exact.

Sympy's ``Sum.doit`` is not used: on sums of unknown functions of the index it
can return a wrong closed form (a sum over ``i = 1..N`` of terms in ``y_i``
came back as ``N f(N) - f(1) + f(N)``). :func:`evaluate_sums` applies, inside
out, only these:

- **linearity**: a sum of a sum of terms is the sum of the sums of each term,
  and a factor that does not depend on the index comes out of the sum;
- **constants**: a term that does not depend on the index, summed over
  ``lo..hi``, is ``(hi - lo + 1)`` times the term where the index ranges show
  that ``hi >= lo - 1`` (a reversed range is empty here, but sympy's ``Sum``
  would count it negative: such a sum is left as it is);
- **Kronecker deltas**: ``sum over k of delta(k, a) f(k)`` is ``f(a)`` if ``a``
  lies in ``lo..hi`` and 0 otherwise; the condition is dropped only where the
  index ranges imply it, else a Piecewise is left, which the prover refuses.

Anything else stays a ``Sum``, an opaque value to the kernel.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["evaluate_sums", "expand_finite_sums"]


def _delta_power(e, k):
    if isinstance(e, sp.KroneckerDelta) and k in e.args:
        return e
    if isinstance(e, sp.Pow) and isinstance(e.base, sp.KroneckerDelta) and k in e.base.args and e.exp.is_Integer \
            and e.exp > 0:
        return e.base  # a delta is 0 or 1
    return None


def _sum_one(body, k, lo, hi, implied):
    out, rest = sp.Integer(0), []
    ordered = implied(sp.Ge(hi - lo + 1, 0))  # a range that cannot be reversed: its count of terms is hi - lo + 1
    for term in sp.Add.make_args(sp.expand(body, power_exp=False)):
        if not term.has(k) and ordered:
            out += (hi - lo + 1) * term
            continue
        if not term.has(k):
            rest.append(term * sp.Sum(1, (k, lo, hi)))
            continue
        factors = sp.Mul.make_args(term)
        delta = next((d for d in map(lambda f: _delta_power(f, k), factors) if d is not None), None)
        if delta is not None:
            other = delta.args[1] if delta.args[0] == k else delta.args[0]
            if not other.has(k):
                kept = [f for f in factors if _delta_power(f, k) is not delta]
                value = sp.Mul(*kept).xreplace({k: other})
                inside = sp.And(sp.Ge(other, lo), sp.Le(other, hi))
                out += value if implied(inside) else sp.Piecewise((value, inside), (0, True))
                continue
        constant = sp.Mul(*[f for f in factors if not f.has(k)])
        varying = sp.Mul(*[f for f in factors if f.has(k)])
        rest.append(constant * sp.Sum(varying, (k, lo, hi)))
    return out + sp.Add(*rest)


def evaluate_sums(expr, implied):
    """``expr`` with every sum evaluated by the exact rules above, innermost first.

    ``implied(condition)`` says whether a condition on indices holds for every
    value in their ranges (it is then dropped).
    """
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if isinstance(expr, sp.Sum):
        body = evaluate_sums(expr.function, implied)
        for k, lo, hi in expr.limits:  # the first limit is the innermost
            body = _sum_one(body, k, lo, hi, implied)
        return body
    return expr.func(*[evaluate_sums(a, implied) for a in expr.args])


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
