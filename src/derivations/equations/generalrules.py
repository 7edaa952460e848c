"""A space's rule for a derived value at symbolic size is used only if it agrees with the space's code.

``Space.general`` maps a derived name (``t``, ``S``) to a function of its
indices that gives the value at symbolic size (``t_k`` is ``KroneckerDelta(k, p)``,
``S_{i,j}`` a sum over 1..D). The numeric checks and the range proofs use the
space's *code* (``derived``) instead. :func:`rule_agrees` compares the two,
entry by entry and exactly, at every point the space lists at its two smallest
sizes: a rule that says something else than the code is not used, and the
statement is then proved size by size only.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from derivations.equations.evaluate import NotEvaluable
from derivations.equations.summation import expand_finite_sums

__all__ = ["rule_agrees", "to_point_symbols"]

_MEMO = {}


def to_point_symbols(expr, point, sizes):
    """A symbolic-size expression at one point: sizes and indices as numbers, ``W[a, b]`` as the point's symbol ``W_a_b``."""
    subs = {sp.Symbol(name, integer=True, positive=True): sp.Integer(value) for name, value in sizes.items()}
    subs.update({sp.Symbol(name, integer=True, positive=True): sp.Integer(value) for name, value in point.indices.items()})
    expr = expand_finite_sums(sp.sympify(expr).xreplace(subs))
    swap = {}
    for node in expr.atoms(sp.Indexed):
        name = node.base.label.name
        if not all(q.is_Integer for q in node.indices):
            raise NotEvaluable(f"{node} has no value at this point")
        if name in point.label_names:
            swap[node] = sp.Integer(int(np.asarray(point.values[name])[int(node.indices[0]) - 1]))
        else:
            swap[node] = sp.Symbol(f"{name}_{'_'.join(str(int(q)) for q in node.indices)}", real=True)
    for node in expr.free_symbols:
        if not node.is_integer and node.name in point.values and np.ndim(point.values[node.name]) == 0:
            swap[node] = sp.Symbol(node.name, real=True)
    return expr.xreplace(swap)


def rule_agrees(eq, name, general):
    """Whether ``eq.space.general[name]`` equals the derived value ``name`` at every point of the two smallest sizes."""
    key = (id(eq.space), name)
    if key in _MEMO:
        return _MEMO[key]
    _MEMO[key] = False
    rule = eq.space.general[name]
    names = sorted(eq.space.sizes)
    choices = sorted((dict(zip(names, combo)) for combo in itertools.product(*(eq.space.sizes[n] for n in names))),
                     key=lambda c: sum(c.values()))[:2] or [{}]
    try:
        for sizes in choices:
            for point in itertools.islice(eq.space.every(sizes, {"y", "p", "i", "j", "k", "l"}), 60):
                values, _ = point.symbolic_values()
                if name not in values:
                    return False
                derived = np.asarray(values[name], dtype=object)
                for idx in np.ndindex(derived.shape):
                    at = [sp.Integer(q + 1) for q in idx]
                    mine = to_point_symbols(rule(*at), point, sizes)
                    if sp.simplify(sp.sympify(derived[idx]) - mine) != 0:
                        return False
    except (NotEvaluable, TypeError, ValueError, KeyError, IndexError):  # noqa: B014 - any failure: not used
        return False
    _MEMO[key] = True
    return True
