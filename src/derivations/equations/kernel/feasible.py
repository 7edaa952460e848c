"""Whether a set of linear conditions on real values can hold at once: Fourier-Motzkin elimination, exactly.

The kernel treats each condition of a piecewise statement as a 0/1 unknown; some
assignments cannot happen (``r > delta`` and ``r < -delta`` with ``delta > 0``).
:func:`infeasible` says True only when it has *shown* that no real values meet
every condition: exact rational arithmetic, each variable eliminated in turn
(the projection of a set of linear inequalities is the set its pairwise sums
describe, strict where either is strict), until a condition without variables
is false. Anything non-linear, or too large, is "not shown" (False): an
assignment is then kept, which can only make a true statement unprovable.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["infeasible"]

MAX_CONSTRAINTS = 80


def _linear(expr, variables):
    """{variable: coefficient} and the constant of a linear expression with rational coefficients, or None."""
    terms = sp.expand(expr).as_coefficients_dict()
    if any(not c.is_Rational or (m != 1 and m not in variables) for m, c in terms.items()):
        return None
    return {m: c for m, c in terms.items() if m != 1}, terms.get(sp.Integer(1), sp.Integer(0))


def infeasible(conditions):
    """True when the conditions ``(expr, op)``, op one of ">", ">=", "==" (expr op 0), provably cannot all hold. An
    equality is the two inequalities expr >= 0 and -expr >= 0."""
    exprs = [sp.expand(sp.sympify(e)) for e, _ in conditions]
    variables = sorted({s for e in exprs for s in e.free_symbols}, key=sp.default_sort_key)
    if any(not v.is_real or v.is_integer for v in variables):
        return False  # indices and unknowns are not eliminated here
    # rows (coeffs, constant, strict): sum coeffs * v + constant > 0 (strict) or >= 0; first what the symbols'
    # assumptions say (a declared domain: delta > 0)
    rows = [({v: sp.Integer(1)}, sp.Integer(0), bool(v.is_positive)) for v in variables if v.is_nonnegative]
    for expr, (_, op) in zip(exprs, conditions):
        linear = _linear(expr, variables)
        if linear is None:
            return False
        coeffs, constant = linear
        rows.append((coeffs, constant, op == ">"))
        if op == "==":
            rows.append(({k: -c for k, c in coeffs.items()}, -constant, False))
    rows = _informative(rows)
    for v in variables:
        if any(not row[0] for row in rows):
            return True
        pos = [r for r in rows if r[0].get(v, 0) > 0]
        neg = [r for r in rows if r[0].get(v, 0) < 0]
        combined = [r for r in rows if r[0].get(v, 0) == 0]
        for p in pos:
            for n in neg:
                a, b = p[0][v], -n[0][v]
                coeffs = {k: p[0].get(k, 0) / a + n[0].get(k, 0) / b for k in set(p[0]) | set(n[0]) if k != v}
                combined.append(({k: c for k, c in coeffs.items() if c != 0}, p[1] / a + n[1] / b, p[2] or n[2]))
        rows = _informative(combined)
        if len(rows) > MAX_CONSTRAINTS:
            return False
    return any(not row[0] for row in rows)


def _informative(rows):
    """The rows less those without variables that are true: a row left without variables is false (0 > 0, or a
    negative constant), and shows the system infeasible."""
    return [(coeffs, constant, strict) for coeffs, constant, strict in rows
            if coeffs or constant < 0 or (strict and constant == 0)]
