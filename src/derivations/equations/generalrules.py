"""A space's rule for a derived value at symbolic size is used only if it agrees with the space's code.

``Space.general`` maps a derived name (``t``, ``S``) to a function of its
indices that gives the value at symbolic size (``t_k`` is ``KroneckerDelta(k, p)``,
``S_{i,j}`` a sum over 1..D). The numeric checks and the range proofs use the
space's *code* (``derived``) instead. :func:`rule_agrees` compares the two,
entry by entry and exactly, at points of the smallest, a middle and the largest size of its range (the page's own definition of a derived
value, such as (2.1) for the scores, is compared the same way): a rule that
says something else than the code is not used, and the
statement is then proved size by size only.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from derivations.equations.evaluate import Evaluator, NotEvaluable
from derivations.equations.kernel import is_zero
from derivations.equations.regions import Regions
from derivations.equations.summation import expand_finite_sums

__all__ = ["rule_agrees", "definition_agrees", "to_point_symbols"]

_MEMO = {}


def _memo(space):
    """The answers kept for ``space``: held with the space itself, so a space made later at its address is compared
    afresh (the space is held: its address is not reused while its entry lives)."""
    memo = _MEMO.get(id(space))
    if memo is None or memo[0] is not space:
        memo = _MEMO[id(space)] = (space, {})
    return memo[1]


# the site's index letters and labels, which every derived value is compared over; an author's own letters are the
# space's bounds (points.Space.named)
_LETTERS = frozenset({"y", "p", "i", "j", "k", "l"})

def _all_sizes(space):
    """Every value of each size with the others at their smallest, and every size at its largest together.

    (All combinations at once would cost minutes for a batch: C, N and D each vary here over their whole range.)
    """
    names = sorted(space.sizes)
    if not names:
        return [{}]
    low = {n: min(space.sizes[n]) for n in names}
    out = [dict(low, **{n: v}) for n in names for v in sorted(space.sizes[n])]
    out.append({n: max(space.sizes[n]) for n in names})
    return [dict(c) for c in dict.fromkeys(tuple(sorted(c.items())) for c in out)]


def _ends(points, n):
    """The first and the last ``n`` points of an iterable (the labels change fastest at its end)."""
    points = list(itertools.islice(points, 5000))
    return points if len(points) <= 2 * n else points[:n] + points[-n:]


def _sizes_to_compare(space):
    """The smallest, a middle and the largest size of the space's range (each a dict of sizes)."""
    names = sorted(space.sizes)
    choices = sorted((dict(zip(names, combo)) for combo in itertools.product(*(space.sizes[n] for n in names))),
                     key=lambda c: (sum(c.values()), sorted(c.items())))
    if not choices:
        return [{}]
    picked = [choices[0], choices[len(choices) // 2], choices[-1]]
    return [dict(c) for c in dict.fromkeys(tuple(sorted(c.items())) for c in picked)]


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


def rule_agrees(eq, name):
    """Whether the space's rule ``eq.space.general[name]`` equals the derived value ``name`` of the space's code.

    Compared exactly, entry by entry, at every value of each size of the
    space's range (the others at their smallest, and all at their largest; the
    first and last points the space lists at each: the labels and indices that
    change the value). The memo is
    kept with the space itself, so a space made later at the same address is
    compared afresh.
    """
    memo = _memo(eq.space)
    key = (name, "rule")
    if key in memo:
        return memo[key]
    memo[key] = False
    rule = eq.space.general[name]
    try:
        for sizes in _all_sizes(eq.space):
            for point in _ends(eq.space.every(sizes, _LETTERS | set(eq.space.bounds)), 6):
                values, _ = point.symbolic_values()
                if name not in values:
                    return False
                derived = np.asarray(values[name], dtype=object)
                for idx in np.ndindex(derived.shape):
                    at = [sp.Integer(q + 1) for q in idx]
                    mine = to_point_symbols(rule(*at), point, sizes)
                    gap = sp.expand(sp.sympify(derived[idx]) - mine)
                    if gap != 0 and sp.simplify(gap) != 0:
                        return False
    except (NotEvaluable, TypeError, ValueError, KeyError, IndexError):  # noqa: B014 - any failure: not used
        return False
    memo[key] = True
    return True


def definition_agrees(eq, name, definition, catalog):
    """Whether the page's definition of a derived value (``G_{i,j} = ...``) is what the space's code computes.

    At points of every size of the space's range, each entry of the derived
    value and the definition's right side at that entry are written with the
    same atoms for their conditions, and their difference must be zero for
    every value of the atoms (the kernel's test), as in the range proof.
    """
    memo = _memo(eq.space)
    key = (name, "definition", definition.id, sp.srepr(definition.sides[1]), id(catalog))
    if key in memo:
        return memo[key]
    memo[key] = False
    head = definition.sides[0]
    params = [q.name for q in head.indices] if isinstance(head, sp.Indexed) else []
    try:
        for sizes in _all_sizes(eq.space):
            for point in _ends(eq.space.every(sizes, _LETTERS | set(eq.space.bounds)), 2):
                shape = np.shape(point.symbolic_values()[0][name])
                if len(shape) != len(params):
                    return False
                for idx in np.ndindex(shape):
                    regions = Regions()
                    ev = Evaluator(point, "symbolic", catalog, regions=regions)
                    ev.indices.update({p: q + 1 for p, q in zip(params, idx)})
                    mine = ev.exact(definition.sides[1])
                    theirs = np.asarray(ev.values[name], dtype=object)[idx]
                    if not is_zero(sp.sympify(theirs) - sp.sympify(mine), regions.variables, regions.is_atom,
                                   conditions=regions.conditions):
                        return False
    except Exception:  # noqa: BLE001 - a definition that cannot be compared is not used at symbolic size
        return False
    memo[key] = True
    return True
