"""Symbolic proofs of the links of an equation: for all sizes where sympy can, else for every size in a range.

Two provers, tried in order on each link ``a = b``; each only builds the
difference ``a - b`` and asks :func:`derivations.equations.kernel.is_zero`,
the one function that decides "proved" (its docstring gives the argument
why it never says so of a non-zero difference).

1. **All sizes.** The notation is translated with the sizes as symbols:
   sums over ``k = 1..C`` stay sympy ``Sum`` objects (refused where the range
   could be reversed, or an excluded index could lie outside it), one-hot
   targets are Kronecker deltas, derivatives of indexed sums go through
   Kronecker deltas, and the range conditions (``1 <= k <= C``) that sympy
   attaches are discharged from the index ranges of the statement. Equalities
   of free indices (``j = y_i``) are kept as Kronecker deltas and split into
   their two cases, except those the space never visits (``j != y_i`` by
   construction). Orderings of indices (``k <= p``) are left to the second prover.
2. **Every size in a range.** For each size in the space's range (at least
   C = 2..5, N = 1..3, D = 1..3) and every value of the free indices and
   labels, every real value is a symbol (no number is substituted) and
   ``a - b`` must be zero. Comparisons of indices are then exact.

**Conditions on values** (max, |.|, indicators) become 0/1 atoms
(:mod:`derivations.equations.regions`), one per term of a sum; the kernel
proves the difference zero for every 0/1 value of every atom at once. Such a
proof holds off the kinks (a condition exactly zero); there the numeric checks
compare the formula with the package's convention.

**Inequalities** (side 1 >= side 2) go the same two ways, the kernel asked
for ``a - b >= 0`` instead (``Obligation.relation``), with a guess of parts
(:func:`separate_atoms`) that it uses only where they add up; a witness is a
point where side 1 is certified below side 2, searched at each scale on both
sides of 0. What neither route decides stays "checked numerically".

**What "proved" claims** (a :class:`Proof`'s ``category``): "all sizes" when
the first prover succeeds, or when the statement is about one size only and
says so (``Space.fixed``); "range" when only the second does (the sizes are
named). A link the second prover cannot show zero is *refuted* only when a
concrete point is found where the two sides, evaluated as written, differ;
otherwise it is "not proved". Real symbols carry no assumption but ``real``,
unless the equation declares a domain (``delta > 0``) that every one of its
points respects. A difference that is definitely non-zero at a size outside
the range refutes the link too: a range proof never hides a size where the
statement is false and sympy can see it.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import itertools
from pathlib import Path
import weakref

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from derivations.equations import progress
from derivations.equations.evaluate import (
    FORM_CHECKS, Evaluator, InvalidValue, NotEvaluable, Point, reached_definitions,
)
from derivations.equations.general import SymbolicSizes, index_symbol, label_base
from derivations.equations.kernel import (
    MAX_ENUMERATED, Obligation, accurate_logs, certified_sign, is_nonnegative, is_zero as _kernel_is_zero,
    prove as kernel_prove, rational_in_exponentials_is_zero,
)
from derivations.equations.notation import DERIVATIVES, SumOver, subs_free
from derivations.equations.regions import IndexComparison, Regions
from derivations.equations.summation import expand_finite_sums

__all__ = ["Regions", "Proof", "prove_link", "prove_equation", "proof_key", "is_zero", "free_indices", "name_clashes",
           "low_indices", "notation_of", "domain_assumptions", "rational_in_exponentials_is_zero", "ALL_SIZES"]

ALL_SIZES = "all sizes"
MAX_ENUMERATED_SIGNS = MAX_ENUMERATED
_ERRORS = (NotEvaluable, IndexComparison, TypeError, ValueError, KeyError, IndexError, AttributeError,
           ZeroDivisionError, RecursionError)


def notation_of(catalog, eq):
    """The catalog as ``eq`` reads it: its own problem's columns, rows and shapes (``Catalog.for_equation``)."""
    view = getattr(catalog, "for_equation", None)
    return view(eq) if view is not None else catalog


def is_zero(expr, signs=(), atoms=None, conditions=None):
    """True when ``expr`` is zero in every sign region: :func:`derivations.equations.kernel.is_zero`."""
    return _kernel_is_zero(expr, signs, atoms, conditions=conditions)


def separate_atoms(expr, present):
    """A guess of parts of ``expr`` for the kernel's rule *parts* (a search, not trusted: the kernel uses parts only
    where they add up to ``expr``): ``expr`` as a polynomial in its atoms, its terms gathered into parts, atoms of
    one product or whose coefficients are one value up to a number in one part (the hinge of sample i at W and at
    W'), terms without atoms a part of their own. Each part has fewer atoms, so fewer cases, than the whole."""
    try:
        terms = sp.Poly(expr, *present).terms()
    except sp.PolynomialError:
        return [expr]
    root = {a: a for a in present}

    def find(a):
        while root[a] != a:
            a = root[a]
        return a
    by_value = {}
    for monomial, coeff in terms:
        mine = [a for a, e in zip(present, monomial) if e]
        primitive = sp.expand(coeff).as_content_primitive()[1]
        for a in (mine + by_value.setdefault(-primitive if primitive.could_extract_minus_sign() else primitive,
                                             mine)[:1]) if mine else ():
            root[find(a)] = find(mine[0])
    parts = {}
    for monomial, coeff in terms:
        mine = [a for a, e in zip(present, monomial) if e]
        key = find(mine[0]) if mine else None
        parts[key] = parts.get(key, 0) + coeff * sp.Mul(*[a ** e for a, e in zip(present, monomial)])
    return list(parts.values())


def _relation(eq):
    """What a link claims of side n - side n + 1: "==" (0), or for an inequality ">=" (at least 0)."""
    return ">=" if eq.kind == "inequality" else "=="


def _shown(eq, expr, signs=(), atoms=None, conditions=None):
    """The kernel's word on a concrete difference: zero, or for an inequality at least 0, in every region."""
    if eq.kind == "inequality":
        return is_nonnegative(expr, signs, atoms, conditions, split=separate_atoms)
    return is_zero(expr, signs, atoms, conditions)


def _refutes(eq, number):
    """Whether the 40-digit value of side n - side n + 1 at a point is worth confirming as a witness."""
    return number < 0 if eq.kind == "inequality" else abs(number) > 1e-12


def has_derivative(eq, catalog):
    """Whether a side of ``eq``, or the definition of a named function it reaches, takes a derivative: such a
    statement is proved off the kinks (ties left out); any other exactly, ties included."""
    todo, seen = list(eq.sides), set()
    while todo:
        expr = todo.pop()
        for node in sp.preorder_traversal(expr):
            if isinstance(node, DERIVATIVES):
                return True
            if isinstance(node, sp.core.function.AppliedUndef):
                spec = catalog.functions.get(type(node).__name__)
                if spec is not None and spec.definition and spec.definition not in seen:
                    seen.add(spec.definition)
                    todo.extend(catalog.equations[spec.definition].sides[1:])
    return False


def free_indices(expr, labels=frozenset({"y"}), bound=frozenset()):
    """Names of the index symbols (integer) that appear free in a notation tree, not bound by a sum or a product;
    labels by name."""
    labels = frozenset(labels)
    if isinstance(expr, sp.Symbol):
        return {expr.name} if expr.is_integer and expr.name not in bound else set()
    if isinstance(expr, sp.Product):  # sympy's last limit is the outermost: each binds in the limits before it
        out, inner = set(), bound
        for index, lo, hi in reversed(expr.limits):
            out |= free_indices(lo, labels, inner) | free_indices(hi, labels, inner)
            inner = inner | {index.name}
        return out | free_indices(expr.function, labels, inner)
    if isinstance(expr, SumOver):
        body, index, lo, hi, excluded = expr.args
        inner = bound | {index.name}
        out = free_indices(body, labels, inner) | free_indices(lo, labels, bound) | free_indices(hi, labels, bound)
        return out | (free_indices(excluded, labels, bound) if excluded is not sp.S.NaN else set())
    if isinstance(expr, sp.Indexed):
        out = set().union(*(free_indices(q, labels, bound) for q in expr.indices))
        return out | ({expr.base.label.name} if expr.base.label.name in labels else set())
    if not isinstance(expr, sp.Basic):
        return set()
    return set().union(set(), *(free_indices(a, labels, bound) for a in expr.args))


def name_clashes(eq, catalog, first):
    """A sum's or product's index named like a value of the statement (a real k and Σ_k), or a real symbol of the
    sides named like an index of the space: the evaluator resolves a symbol by its name, the proof at symbolic sizes
    by the symbol, so each would read the statement differently. Refused, naming the clash. ``first`` is a point of
    the space (its values and indices), or None."""
    exprs = [e for side in eq.sides for e in (side, *reached_definitions(side, catalog))]
    bound = set()
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, SumOver) and isinstance(node.args[1], sp.Symbol):
                bound.add(node.args[1].name)
            elif isinstance(node, sp.Product):
                bound |= {limit[0].name for limit in node.limits if isinstance(limit[0], sp.Symbol)}
    reals = {s.name for side in eq.sides for s in sp.sympify(side).free_symbols
             if isinstance(s, sp.Symbol) and not s.is_integer}
    values = (set(first.values) - set(first.label_names)) if first is not None else set()
    indices = set(first.indices) if first is not None else set()
    out = [f"the index {name} of a sum or product has the name of a value of the statement ({name}, a real value "
           f"of its space or sides): the checks would read one for the other; rename one of them"
           for name in sorted(bound & (values | reals))]
    out += [f"the real symbol {name} of the sides has the name of an index of the space: the checks would read the "
            f"index for it; rename one of them" for name in sorted(reals & indices)]
    return out


ONE_BASED = ("sizes and indices are 1-based (1..size, as on the page and as the proof at symbolic sizes reads them), "
             "and labels are classes 1..C; list them from 1 to their size")


def low_indices(points, space=None):
    """[message] for the first of ``points`` that lists an index or a label outside its range: sizes and indices are
    1-based (1..size, as on the page), labels are classes 1..C (``y_i`` is bounded by ``bounds["y_i"]``, else C), and
    the translation to symbolic sizes reads every one so (``label_base``, ``index_symbol`` are positive: 0^m is 0
    there; the kernel's range facts take k <= its size). A space that lists m = 0, a label 0 or a class past C is
    refused, not misread. ``space`` gives the bounds (without it, only values below 1 are looked for)."""
    for point in points:
        fault = outside_range(point, space)
        if fault:
            return [f"the point {point.label} gives {fault}: {ONE_BASED}"]
    return []


def _size_at(space, point, size):
    """The value of the size named ``size`` at ``point``: its index, else the length of an axis of that size (None)."""
    name = getattr(size, "name", size)
    if name in point.indices:
        return int(point.indices[name])
    for array, axes in getattr(space, "axes", {}).items():
        if name in axes and array in point.values:
            return int(np.shape(point.values[array])[list(axes).index(name)])
    return None


def outside_range(point, space=None):
    """'m = 0' (or 'y = [0, 2]', 'j = 4 > C = 3'): an index or label value of ``point`` outside 1..its size, else ''."""
    bounds = getattr(space, "bounds", {}) or {}
    for name, value in sorted(point.indices.items()):
        if int(value) < 1:
            return f"{name} = {value}"
        size = _size_at(space, point, bounds[name]) if name in bounds else None
        if size is not None and int(value) > size:
            return f"{name} = {value} > {bounds[name]} = {size}"
    for name in sorted(point.label_names):
        rows = np.asarray(point.values.get(name, ())).ravel()
        bound = bounds.get(f"{name}_i") or bounds.get("y_i") or "C"
        size = _size_at(space, point, bound)
        bad = [v for v in rows.tolist() if v != int(v) or int(v) < 1 or (size is not None and int(v) > size)]
        if bad:
            where = f" (classes 1..{bound} = {size})" if size is not None else ""
            return f"{name} = {rows.tolist()}{where}"
    return ""


def domain_assumptions(eq):
    """name -> sympy assumptions of the values the equation's declared domain restricts (``delta > 0``: positive)."""
    kinds = {sp.StrictGreaterThan: "positive", sp.GreaterThan: "nonnegative", sp.StrictLessThan: "negative",
             sp.LessThan: "nonpositive"}
    out = {}
    for rel in getattr(eq, "domain", ()):
        if type(rel) in kinds and isinstance(rel.lhs, sp.Symbol) and not rel.lhs.is_integer and rel.rhs == 0:
            out.setdefault(rel.lhs.name, {"real": True})[kinds[type(rel)]] = True
    return out


@dataclass
class Proof:
    """How one link was proved.

    ``category`` is "all sizes" or "range" when proved, "" when not; ``scope``
    says it in words; ``refuted`` is True when a point was found where the two
    sides differ (``reason`` names it); ``reason`` otherwise says why not.
    """

    proved: bool
    scope: str
    reason: str = ""
    refuted: bool = False
    category: str = ""
    timed_out: bool = False  # stopped by its time budget: undecided, and never kept in the proof store

    @property
    def text(self):
        if self.refuted:
            return f"false: {self.reason}"
        if not self.proved:
            return f"not proved: {self.reason}"
        return f"proved for {self.scope}"


# -- all sizes -------------------------------------------------------------------------------

_ALL_SIZES_MEMO = weakref.WeakKeyDictionary()  # per catalog: another catalog may define the same names otherwise
_PROVED_MEMO = weakref.WeakKeyDictionary()


def proved_links(eq, links, catalog):
    """Whether each of these links of ``eq`` is proved, for all sizes or for its range (memo per catalog)."""
    return _every_link(_PROVED_MEMO, eq, links, catalog, lambda n: prove_link(eq, n, catalog).proved)


FORM_CHECKS.append(proved_links)  # the evaluator asks it whether a later form of a definition may stand for it


def _proved_all_sizes(eq, links, catalog):
    """Whether the links of a definition are proved for all sizes (a later form may stand for the definition only then)."""
    return _every_link(_ALL_SIZES_MEMO, eq, links, catalog, lambda n: _prove_all_sizes(eq, n, catalog)[0])


def _every_link(memos, eq, links, catalog, decide):
    """Whether ``decide(n)`` holds for every link ``n``, each answer kept per catalog and per the link's two sides."""
    # per catalog, not per problem's view of it: a link is proved in its own problem's notation whichever asks
    memo = memos.setdefault(getattr(catalog, "catalog", catalog), {})
    for n in links:
        key = (eq.id, n, sp.srepr(eq.sides[n]), sp.srepr(eq.sides[n + 1]))
        if key not in memo:
            memo[key] = False  # a definition that reaches itself is not proved by itself
            try:
                memo[key] = bool(decide(n))
            except _ERRORS:
                memo[key] = False
            except progress.LinkTimeout:
                del memo[key]  # undecided, not false: a later link with time to spare decides it
                raise
        if not memo[key]:
            return False
    return True


def _labels_of(eq):
    try:
        first = next(iter(eq.space.sample(np.random.default_rng(0))), None)
    except Exception:  # noqa: BLE001 - a space that cannot sample: no labels known
        first = None
    return first.label_names if first is not None else frozenset({"y"})


def _domain_respected(eq):
    """The declared domain's assumptions when every sampled point respects it, else none (it is not used)."""
    domain = domain_assumptions(eq)
    if not domain:
        return {}
    for point in eq.space.sample(np.random.default_rng(0)):
        for rel in eq.domain:
            if rel.lhs.name not in point.values:
                return {}
            values = np.atleast_1d(np.asarray(point.values[rel.lhs.name], dtype=np.float64))
            if not all(bool(rel.func(sp.Float(v), 0)) for v in values):
                return {}
    return domain


def _prove_all_sizes(eq, n, catalog):
    """(proved, regions, difference): the link at symbolic sizes; raises NotEvaluable where there is no such form.

    The link is proved once for every pattern of equal free indices the space
    visits (``j = p`` and ``j != p``), each index of a block written as one; in a
    pattern, indices of different blocks differ, so their Kronecker deltas are
    0. A condition that is identically zero in a pattern (``s_j - s_p`` at
    ``j = p``) is then decided exactly, not taken for a kink.
    """
    space, catalog = eq.space, notation_of(catalog, eq)
    if space.general is None or not space.sizes or all(len(v) <= 1 for v in space.sizes.values()):
        raise NotEvaluable("the statement has no symbolic-size form")
    labels = _labels_of(eq)
    sides = eq.sides[n:n + 2]
    items = _index_items(sides, labels, set(space.sizes) | {"C", "N", "D"})
    result = None
    for pattern in _patterns(eq, items, labels):
        mapping = {item: _representative(block) for block in pattern for item in block
                   if item != _representative(block)}
        written = [subs_free(side, mapping) for side in sides]
        groups = {}
        for block in pattern:  # representatives of blocks of the same range differ; of different ranges, they may not
            groups.setdefault(_bound_of(block[0], space.bounds) or f"own {block[0]}", []).append(_representative(block))
        proved, regions, diff = _prove_pattern(eq, written, catalog, labels, list(groups.values()))
        if not proved:
            return False, regions, diff
        result = (True, regions, diff)
    if result is None:
        raise NotEvaluable("the space visits no pattern of its indices")
    return result


def _prove_pattern(eq, sides, catalog, labels, distinct_groups):
    space = eq.space
    regions = Regions(ties=not has_derivative(eq, catalog))
    general = SymbolicSizes(eq, catalog, regions, labels, _domain_respected(eq),
                      lambda definition, links: _proved_all_sizes(definition, links, catalog))
    left, comp = general.side(sides[0])
    if general.shape(sides[1]) != general.shape(sides[0]):
        raise NotEvaluable(f"the sides have shapes {general.shape(sides[0])} and {general.shape(sides[1])}")
    diff = left - general.tr(sides[1], comp)
    distinct = tuple(tuple(general.tr(rep) for rep in group) for group in distinct_groups
                     if not str(group[0]).startswith("own"))
    verdict = kernel_prove(Obligation(diff, tuple(regions.variables), regions.is_atom, dict(regions.conditions),
                                      dict(space.bounds, **general.bounds), tuple(labels), distinct,
                                      denominators=tuple(d for d in dict.fromkeys(general.denominators) if not d.is_number),
                                      relation=_relation(eq), split=separate_atoms))
    return verdict.proved, regions, verdict.residue


def _index_items(sides, labels, sizes):
    """The free indices of ``sides``: integer symbols (j, k, p, i) and labels at a free index (y_i), sizes left out."""
    found = []

    def walk(e, bound):
        if isinstance(e, sp.Symbol):
            if e.is_integer and e not in bound and e.name not in sizes:
                found.append(e)
            return
        if isinstance(e, SumOver):
            body, index, lo, hi, excluded = e.args
            walk(body, bound | {index})
            for edge in (lo, hi) + (() if excluded is sp.S.NaN else (excluded,)):
                walk(edge, bound)
            return
        if isinstance(e, sp.Product):
            for index, lo, hi in reversed(e.limits):
                walk(lo, bound)
                walk(hi, bound)
                bound = bound | {index}
            walk(e.function, bound)
            return
        if isinstance(e, sp.Indexed):
            if e.base.label.name in labels and len(e.indices) == 1 and isinstance(e.indices[0], sp.Symbol) \
                    and e.indices[0] not in bound:
                found.append(e)
            for q in e.indices:
                walk(q, bound)
            return
        for a in getattr(e, "args", ()):
            walk(a, bound)

    for side in sides:
        walk(side, frozenset())
    return list(dict.fromkeys(found))


def _bound_of(item, bounds):
    if isinstance(item, sp.Indexed):
        size = bounds.get(f"{item.base.label.name}_{item.indices[0]}") or bounds.get("y_i")
    else:
        size = bounds.get(item.name)
    return getattr(size, "name", None)


PATTERN_POINTS = 20000  # the points read for the patterns of equal indices; past them, every partition


def _patterns(eq, items, labels):
    """Every partition of ``items`` into equal indices that the space visits (j = p, j != p, ...).

    Read from the points the space lists at its largest sizes; where it lists
    none, or more than it can be read from, every partition of indices with the
    same range. A partition with more blocks than the largest size has values
    (four distinct classes where C <= 3) is one no size of the space can show,
    not one the space leaves out: it is proved too, since "for all sizes" covers
    the sizes where it occurs. Indices of different ranges (a sample and a
    class) are never equal.
    """
    from sympy.utilities.iterables import multiset_partitions

    bounds = eq.space.bounds
    groups = {}
    for item in items:
        groups.setdefault(_bound_of(item, bounds) or f"own {item}", []).append(item)
    sizes = {n: max(v) for n, v in eq.space.sizes.items() if v}
    names = {str(item.indices[0]) if isinstance(item, sp.Indexed) else item.name for item in items}
    seen, read = set(), 0
    try:
        for point in itertools.islice(eq.space.every(sizes, names | set(labels) | {"p"}), PATTERN_POINTS + 1):
            read += 1
            values = []
            for item in items:
                if isinstance(item, sp.Indexed):
                    rows = np.asarray(point.values[item.base.label.name]).ravel()
                    values.append(int(rows[point.indices[item.indices[0].name] - 1]))
                else:
                    values.append(point.indices[item.name])
            blocks = []
            for group in groups.values():
                by_value = {}
                for item in group:
                    by_value.setdefault(values[items.index(item)], []).append(item)
                blocks.extend(tuple(block) for block in by_value.values())
            seen.add(frozenset(blocks))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        seen = set()
    every = [[]]
    for group in groups.values():
        every = [blocks + [tuple(block) for block in partition] for blocks in every
                 for partition in multiset_partitions(group)]
    if not seen or read > PATTERN_POINTS:  # nothing to read, or more than was read: every partition
        return every

    def beyond_the_sizes(pattern):
        count = {}
        for block in pattern:
            bound = _bound_of(block[0], bounds)
            count[bound] = count.get(bound, 0) + 1
        return any(bound in sizes and number > sizes[bound] for bound, number in count.items())

    seen |= {frozenset(pattern) for pattern in every if beyond_the_sizes(pattern)}
    return [list(pattern) for pattern in seen]


def _representative(block):
    """The index a block of equal indices is written with: a label where there is one (its value is data)."""
    labels_first = sorted(block, key=lambda item: (not isinstance(item, sp.Indexed), str(item)))
    return labels_first[0]


def _general_witness(eq, n, catalog, diff, regions):
    """A size (inside or outside the range) where the all-sizes difference is definitely not zero, confirmed by evaluation.

    Only for a difference without atoms (whose non-zero assignment might not be
    realisable): it is evaluated at random values, and where it is not zero the
    two sides are evaluated as written at a point of the space of that size.
    """
    if any(diff.has(a) for a in regions.variables) or any(regions.is_atom(f) for f in
                                                          diff.atoms(sp.core.function.AppliedUndef)):
        return None
    derived = _derived_names(eq.space)
    if {s.name for s in diff.free_symbols} & derived or {n.base.label.name for n in diff.atoms(sp.Indexed)} & derived:
        return None  # a derived value read as any real: a non-zero difference there says nothing of the statement
    rng = np.random.default_rng(7)
    sizes = {name: sorted(v) for name, v in eq.space.sizes.items() if v}
    for extra in (0, 1, 2, 3):
        choice = {name: v[-1] + extra for name, v in sizes.items()}
        point = _concrete_point(eq, choice, rng, 1)
        if point is None:
            return None
        names = dict(point.indices)
        subs = {s: sp.Integer(names[s.name]) for s in diff.free_symbols if s.is_integer and s.name in names}
        for label in point.label_names:
            rows = np.asarray(point.values[label]).ravel()
            for index, at in point.indices.items():
                if 1 <= at <= len(rows):
                    subs[label_base(label)[index_symbol(index)]] = sp.Integer(int(rows[at - 1]))
        try:
            concrete = expand_finite_sums(diff.xreplace(subs))
            values = {s: sp.Rational(int(rng.integers(-40, 41)), 7) for s in concrete.free_symbols}
            for node in concrete.atoms(sp.Indexed):
                values[node] = sp.Rational(int(rng.integers(-40, 41)), 7)
            number = sp.N(concrete.xreplace(values), 30)
        except _ERRORS:
            continue
        if number.is_number and number.is_real is not False and _refutes(eq, number):
            found = _differs(eq, n, catalog, point)
            if found:
                return found
    return None


def _concrete_point(eq, sizes, rng, draw, scale=1.0, indices=None, pool=400):
    """A point of the space at ``sizes`` with random values (labels and indices from the first ``pool`` that
    ``every`` lists)."""
    labels = _labels_of(eq)
    free = set().union(*(free_indices(side, labels) for side in eq.sides)) | set(labels) | {"p"}
    try:
        choices = list(itertools.islice(eq.space.every(sizes, free), pool))
    except _ERRORS:
        return None
    if indices is not None:
        choices = [q for q in choices if all(q.indices.get(k) == v for k, v in indices.items())] or choices
    if not choices:
        return None
    q = choices[int(rng.integers(len(choices)))] if draw else choices[0]
    domain = domain_assumptions(eq)
    values = {}
    for name, v in q.values.items():
        arr = np.asarray(v)
        if name in q.label_names:
            values[name] = arr
            continue
        drawn = rng.normal(scale=scale, size=arr.shape)
        if domain.get(name, {}).get("positive") or domain.get(name, {}).get("nonnegative"):
            drawn = np.abs(drawn) + (1e-3 * scale if domain[name].get("positive") else 0.0)
        if domain.get(name, {}).get("negative") or domain.get(name, {}).get("nonpositive"):
            drawn = -np.abs(drawn) - (1e-3 * scale if domain[name].get("negative") else 0.0)
        values[name] = drawn if arr.ndim else float(drawn)
    label = "random values" if q.label == "no size" else f"{q.label}, random values"
    return Point(label, dict(q.indices), values, q.derived, False, q.labels)


WITNESS_DIGITS = 400  # the working precision a witness's values may take: exp of 1e6 is past it (no witness there)
DEEP_DIGITS = 1500  # for a link no proof covers: a difference of e^-1000 is seen


TOWER = 10**30  # an exponent past this needs its own 30 digits and more to be exact: no witness is read past it


REACH_DIGITS = 10**6  # an exponential past e^(2.3e6) beside 1: its gap alone is past a million digits


def _towering(expr):
    """Whether an exponential in ``expr`` has an argument past TOWER (e^{e^{e^u}} at u = 1e6, whose inner e^{e^u}
    has 434,294 digits before its point): mpmath would compute the argument to all of them, with no bound on its
    time. The innermost are looked at first, so no huge argument is evaluated."""
    for node in sp.postorder_traversal(expr):
        if isinstance(node, sp.exp) or (isinstance(node, sp.Pow) and not node.exp.is_Integer):
            arg = node.args[0] if isinstance(node, sp.exp) else node.exp * sp.log(sp.Abs(node.base))
            try:
                magnitude = abs(complex(sp.N(arg, 15, maxn=60)))
            except (TypeError, ValueError, ArithmeticError):
                continue
            if magnitude > TOWER:
                return True
    return False


def _bounded(expr, digits=40):
    """``digits`` correct digits of ``expr`` within a working precision of WITNESS_DIGITS, else None: strict
    evaluation, an exact zero of exponentials, or two evaluations (at 3 and 6 times ``digits``) that agree relative
    to the value, where no exponential's argument is past what that precision holds."""
    expr = accurate_logs(sp.sympify(expr), digits + 20)
    if _towering(expr) or _beyond_precision(expr, REACH_DIGITS):
        return None  # 1 - 1/(1 + e^-1e10): sympy's evalf widens its precision by the gap, 1.4e10 bits (24 GB)
    try:
        return expr.evalf(digits, maxn=WITNESS_DIGITS, strict=True)
    except sp.core.evalf.PrecisionExhausted:
        pass
    if rational_in_exponentials_is_zero(expr):
        return sp.Float(0)
    if _beyond_precision(expr, 6 * digits + 120):
        return None  # 1 - 1/(1 + e^-1e10) cancels past any precision tried: two evaluations agree on noise
    low, high = (expr.evalf(n, strict=False) for n in (3 * digits + 60, 6 * digits + 120))
    # agreement relative to the value: two values with no correct digit (a denominator 1 - 1/(1 + e^-1e6) that
    # came out 0.e-462) agree absolutely, at 1e-1036000, where the value is 2e4
    if low.is_number and high.is_number and abs(low - high) <= sp.Float(10, 6 * digits) ** -(digits + 5) * abs(high):
        return high.evalf(digits)
    return None


def _beyond_precision(expr, digits):
    """Whether ``expr`` holds an exponential whose argument is past ``digits`` decimal digits (|x| > 2.3 digits):
    beside 1, e^-x is lost at that precision, so that evaluations at two precisions agree on a wrong value (the
    derivative of log(1 - sigma(z)) at z = 1e10 read as 0), and sympy's evaluation without a precision bound
    shifts integers by its size in bits (e^(x w) at x, w of 1e6 is e^1e12: a MemoryError after minutes)."""
    for node in expr.atoms(sp.exp):
        try:
            size = abs(sp.N(node.args[0], 15))
        except (TypeError, ValueError):
            return True
        if not size.is_number or size > 2.3 * digits:
            return True
    return False


def _differs(eq, n, catalog, point, deep=False, shrink=True):
    """A description of ``point`` when the two sides of link ``n``, evaluated by sympy as written, differ there,
    shrunk first to small integers where they still differ (:func:`_shrunk`).

    Both sides are evaluated at 40 digits and compared at that precision, then closer (:func:`_exact_gap`): a
    difference of 1e-13 is a difference, whatever the numeric checks' float tolerance would let through. A point
    whose values sympy cannot reach within its working precision is no witness (undecided, never equal).
    """
    found = _differs_at(eq, n, catalog, point, deep)
    if found and shrink and not point.kink:
        return _shrunk(eq, n, catalog, point, deep) or found
    return found


def _shrunk(eq, n, catalog, point, deep):
    """``point`` with each value, one at a time, replaced by small integers (rounded into -3..3, else its signs
    times 1, 2 or 3)
    wherever the sides still differ there, so that a counterexample reads x = [1, -1, 0], not x = [-0.6205, ...]:
    never a value a declared domain or a label holds, never a point on a kink of what the statement differentiates
    (there it claims nothing). The description of the smallest such point; None where no value could be made
    smaller."""
    domain = domain_assumptions(eq)
    differentiated = [] if not has_derivative(eq, catalog) else _differentiated(eq, n, catalog)
    values, found = dict(point.values), None
    for name, value in point.values.items():
        if name in point.label_names or name in domain:
            continue
        array = np.asarray(value, dtype=np.float64)
        for small in (np.clip(np.rint(array), -3, 3), np.sign(array), 2 * np.sign(array), 3 * np.sign(array)):
            if np.array_equal(small, array):
                break
            trial = dict(values, **{name: small if np.ndim(value) else float(small)})
            at = Point(f"{point.label}, shrunk to small integers", dict(point.indices), trial, point.derived, False,
                       point.labels)
            differs = (not differentiated or not _on_a_kink_of(differentiated, eq, catalog, at)) and \
                _differs_at(eq, n, catalog, at, deep)
            if differs:
                values, found = trial, differs
                break
    return found


def _differs_at(eq, n, catalog, point, deep=False):
    """:func:`_differs` at ``point`` itself."""
    values, exprs = [], []
    try:
        for side in eq.sides[n:n + 2]:
            ev = Evaluator(point, "symbolic", catalog, domain=domain_assumptions(eq))
            out = sp.sympify(ev.exact(side))
            entries = [sp.sympify(e).xreplace(ev.subs) for e in (list(out) if isinstance(out, sp.MatrixBase) else [out])]
            numbers = [_bounded(e) for e in entries]
            if any(x is None or not x.is_number or x.has(sp.nan, sp.zoo, sp.oo, -sp.oo) for x in numbers):
                return None
            values.append((getattr(out, "shape", ()), numbers))
            exprs.append(entries)
    except (NotEvaluable, InvalidValue, *_ERRORS):
        return None
    (shape_a, a), (shape_b, b) = values
    if shape_a != shape_b:
        return f"{point.describe()}: the sides have shapes {shape_a or 'scalar'} and {shape_b or 'scalar'}"
    show = lambda v: _short(float(v[0])) if len(v) == 1 else _short(np.array([float(x) for x in v]))  # noqa: E731
    if eq.kind == "inequality":
        below = [_below(x, y, vx, vy, deep) for x, y, vx, vy in zip(*exprs, a, b)]
        if not any(below):
            return None
        return (f"{point.describe()}: side {n + 1} is {show(a)}, below side {n + 2}, {show(b)} (by "
                f"{float(max(below)):.3g})")
    gaps = [_exact_gap(x, y, vx, vy, deep) for x, y, vx, vy in zip(*exprs, a, b)]
    if not any(gaps):
        return None
    gap = max(gaps)
    return f"{point.describe()}: side {n + 1} is {show(a)}, side {n + 2} is {show(b)} (they differ by {float(gap):.3g})"


def _exact_gap(a, b, value_a, value_b, deep=False):
    """``|a - b|`` where it is shown nonzero, else 0 (no witness: undecided is not equal, but it refutes nothing).

    Sides apart in their first 30 digits differ. Else each side is evaluated to an absolute accuracy of 1e-45
    (sides of size e^100 that differ by 1 agree in their first 40 digits) and a gap over 1e-37 is one; with
    ``deep``, for a link no proof covers, the difference is then evaluated as one expression, strictly, within
    DEEP_DIGITS of working precision: a constant e^-1000 is seen. Each step is bounded: a difference that is
    exactly zero (a true identity at the point) makes sympy raise its precision to the bound and give up."""
    coarse = abs(value_a - value_b)
    if coarse > sp.Float(10) ** -30 * max(1, abs(value_a), abs(value_b)):
        return coarse  # they differ in their first 30 digits: no closer look is needed
    exact = [_absolutely(e, v) for e, v in ((a, value_a), (b, value_b))]
    if None not in exact:
        gap = abs(exact[0] - exact[1])
        if gap.is_number and not gap.has(sp.nan, sp.zoo, sp.oo, -sp.oo) and gap > sp.Float(10) ** -37:
            return gap
    if not deep:
        return 0
    try:
        gap = accurate_logs(sp.sympify(a - b)).evalf(15, maxn=DEEP_DIGITS, strict=True)
    except sp.core.evalf.PrecisionExhausted:
        return 0
    return abs(gap) if gap.is_number and gap.is_real and gap != 0 else 0


def _below(a, b, value_a, value_b, deep=False):
    """How far ``a`` is shown below ``b`` (a witness against a >= b), else 0: the gap of :func:`_exact_gap`, its
    sign read from the 40-digit values where they are apart in their first 30 digits, else certified."""
    gap = _exact_gap(a, b, value_a, value_b, deep)
    if not gap:
        return 0
    coarse = value_a - value_b
    if abs(coarse) > sp.Float(10) ** -30 * max(1, abs(value_a), abs(value_b)):
        return -coarse if coarse < 0 else 0
    return gap if certified_sign(sp.sympify(a - b)) == -1 else 0


def _absolutely(expr, value):
    """``expr`` to an absolute accuracy of 1e-45, given its 40-digit ``value`` (None past the working precision)."""
    if value == 0 or abs(value) < 1:
        return value
    digits = int(sp.floor(sp.log(abs(value), 10))) + 1 + 45
    return _bounded(expr, digits) if digits <= WITNESS_DIGITS else None


def _short(v):
    return f"{float(v):.10g}" if np.ndim(v) == 0 else np.array2string(np.asarray(v), precision=6, separator=", ")


# -- every size in a range ------------------------------------------------------------------

def _describe_sizes(sizes):
    parts = []
    for name in sorted(sizes, key=lambda s: ("CND".index(s) if s in "CND" else 3, s)):
        values = sorted(sizes[name])
        parts.append(f"{name} = {values[0]}" if len(values) == 1 else f"{name} = {values[0]}..{values[-1]}")
    return ", ".join(parts)


def statement_indices(eq, sides, catalog, sizes, labels):
    """The names of every index a link depends on: written in its sides, free in the definitions of the named
    functions it reaches (L_i reads the sample i), or read by a derived value it uses (s = x_i^T W)."""
    free = set().union(*(free_indices(side, labels) for side in sides))
    todo, seen = list(sides), set()
    while todo:
        for node in sp.preorder_traversal(todo.pop()):
            if isinstance(node, sp.core.function.AppliedUndef):
                spec = catalog.functions.get(type(node).__name__)
                if spec is not None and spec.definition and spec.definition not in seen:
                    seen.add(spec.definition)
                    forms = catalog.equations[spec.definition].sides
                    head = forms[0]
                    params = {q.name for a in head.args if isinstance(a, sp.Indexed) for q in a.free_symbols
                              if isinstance(q, sp.Symbol) and q.is_integer}
                    for form in forms[1:]:
                        free |= free_indices(form, labels) - params
                        todo.append(form)
    return free | _derived_indices(eq, sides, sizes)


def _derived_indices(eq, sides, sizes):
    """Index names whose value changes a derived value the sides read (tried: two points differing in that index)."""
    try:
        first = next(iter(eq.space.every(sizes, set())), None)
    except _ERRORS:
        return set()
    if first is None or not first.derived:
        return set()
    names = set(first.derived)
    read = {n.name for side in sides for n in side.atoms(sp.Symbol)} | \
        {n.base.label.name for side in sides for n in side.atoms(sp.Indexed)}
    if not (names & read) and not any(side.atoms(sp.core.function.AppliedUndef) for side in sides):
        return set()
    out = set()
    for index in [k for k in first.indices if k not in ("C", "N", "D")]:
        try:
            points = list(itertools.islice(eq.space.every(sizes, {index}), 2))
        except _ERRORS:
            continue
        if len(points) == 2 and points[0].indices.get(index) != points[1].indices.get(index):
            a, b = (p.symbolic_values()[0] for p in points)
            if any(sp.srepr(sp.sympify(np.asarray(a[n]).tolist())) != sp.srepr(sp.sympify(np.asarray(b[n]).tolist()))
                   for n in names if n in a and n in b):
                out.add(index)
    return out


def _labels_matter(sides, point):
    """Whether labels (y, p) can change the sides: they appear, or a named function or derived value does."""
    derived, labels = set(point.derived), point.label_names
    for side in sides:
        for node in sp.preorder_traversal(side):
            if isinstance(node, sp.core.function.AppliedUndef):
                return True
            if isinstance(node, sp.Indexed) and (node.base.label.name in derived or node.base.label.name in labels):
                return True
            if isinstance(node, sp.Symbol) and (node.name in derived or node.name == "p" or node.name in labels):
                return True
    return False


def _region_text(regions, assignment):
    """The conditions of a sign assignment in words (s_2 - s_1 + 1 > 0 and ...)."""
    by_atom = {}
    for u in list(regions.kinks):
        try:
            atom = regions.positive(u)
        except (IndexComparison, ValueError):
            continue
        if atom in assignment:
            by_atom.setdefault(atom, u)
        elif (1 - atom) in assignment:
            by_atom.setdefault(1 - atom, -u)
    parts = []
    for atom, value in assignment.items():
        u = by_atom.get(atom)
        if u is not None:
            parts.append(f"{u} {'>' if value else '<'} 0")
    return " and ".join(parts)


def _index_values(point, sizes):
    """(name, value) of a point's indices (its sizes left out), then of every label, each a class ("y_i": 1..C)."""
    values = [(k, v) for k, v in sorted(point.indices.items()) if k not in sizes]
    for name in sorted(point.label_names):
        values += [("y_i", int(x)) for x in np.asarray(point.values[name]).ravel()]
    return values


def _order_type(point, sides, sizes):
    """The order type of a point's indices and labels among themselves, 1, the sizes and the integers the sides
    name: two points of one order type differ by a relabelling that keeps every comparison the statement can make
    (every value being a symbol), so the second route proves one point of each."""
    values = [v for _, v in _index_values(point, sizes)]
    constants = {sign * int(c) for side in sides for c in side.atoms(sp.Integer) for sign in (1, -1)} | {1} | \
        set(sizes.values())  # (k - 4)^2 holds the integer -4: 4 is a value k is compared with
    refs = sorted(constants)
    return tuple((a > b) - (a < b) for a, b in itertools.combinations(values + refs, 2))


def _symmetric(eq, sides, catalog):
    """Whether the link can tell two values of an index apart only by their equality: every sum runs over a whole
    range (1 to a size), no index or label is compared by order or with a number, and no entry is read at a number
    or at an expression of indices, in the sides and in every definition they reach. Then one point per pattern of
    equal indices and labels stands for all (a relabelling of classes, samples or features maps one onto another,
    every value being a symbol)."""
    todo, seen = list(sides), set()
    while todo:
        for node in sp.preorder_traversal(todo.pop()):
            if isinstance(node, SumOver):
                _, index, lo, hi, _ = node.args
                if lo != 1 or not (isinstance(hi, sp.Symbol) and hi.name in ("C", "N", "D")):
                    return False
            elif isinstance(node, sp.Indexed):
                if any(not isinstance(q, sp.Symbol) and not (isinstance(q, sp.Indexed) and all(
                        isinstance(r, sp.Symbol) for r in q.indices)) for q in node.indices):  # s_{y_i}: a label
                    return False
            elif isinstance(node, Relational):
                if any(getattr(a, "is_integer", False) for a in (node.lhs, node.rhs)) and \
                        not isinstance(node, (sp.Eq, sp.Ne)):
                    return False
                if any(a.is_Integer for a in (node.lhs, node.rhs)):
                    return False
            elif isinstance(node, sp.core.function.AppliedUndef):
                spec = catalog.functions.get(type(node).__name__)
                if spec is not None and spec.definition and spec.definition not in seen:
                    seen.add(spec.definition)
                    todo.extend(catalog.equations[spec.definition].sides)
    return True


def _equality_pattern(point, sizes, bounds):
    """Which of a point's indices and labels of one range are equal (the partition, by first position); a class
    and a sample are never compared."""
    values = [(_range_name(name, bounds), v) for name, v in _index_values(point, sizes)]
    first = {}
    return tuple(first.setdefault(v, len(first)) for v in values)


def _range_name(index, bounds):
    size = bounds.get(index) or (sp.Symbol("C") if index == "y_i" else None)
    return getattr(size, "name", str(size)) if size is not None else f"own {index}"


def _range_at(eq, n, catalog, sizes, by_order_type=False):
    """(count of points, reason, refuted): '' when ``a - b`` is zero at these sizes for every index and label
    (with ``by_order_type``, at one point of each order type of them: :func:`_order_type`)."""
    sides = eq.sides[n:n + 2]
    labels = _labels_of(eq)
    free = statement_indices(eq, sides, catalog, sizes, labels)
    first = next(iter(eq.space.every(sizes, free)), None)
    if first is None:
        return 0, f"the space has no point at {_describe_sizes({k: [v] for k, v in sizes.items()})}", False
    if _labels_matter(sides, first):
        free |= set(first.label_names) | {"p"}  # every label, not the first only
    domain = _domain_respected(eq)
    count = 0
    ties = not has_derivative(eq, catalog)
    seen = set()
    symmetric = by_order_type and not _derived_indices(eq, sides, sizes) and _symmetric(eq, sides, catalog)
    for point in eq.space.every(sizes, free):
        fault = outside_range(point, eq.space)
        if fault:  # the symbolic route reads every index and label in 1..its size: a space listing others is refused
            return count, f"the point {point.label} gives {fault}: {ONE_BASED}", False
        if by_order_type:
            kind = _equality_pattern(point, sizes, eq.space.bounds) if symmetric else _order_type(point, sides, sizes)
            if kind in seen:
                continue
            seen.add(kind)
        count += 1
        regions = Regions(ties=ties)
        try:
            ev = Evaluator(point, "symbolic", catalog, regions=regions, domain=domain)
            a, b = ev.exact(sides[0]), ev.exact(sides[1])
            if isinstance(a, sp.MatrixBase) != isinstance(b, sp.MatrixBase) or (
                    isinstance(a, sp.MatrixBase) and a.shape != b.shape):
                shapes = [getattr(v, "shape", "a scalar") for v in (a, b)]
                return count, f"the sides have different shapes at {point.describe_indices()}: {shapes[0]} and {shapes[1]}", True
            diff = a - b
        except InvalidValue as exc:
            return count, f"a side has no real value at {point.describe_indices()}: {exc}", True
        except _ERRORS as exc:
            return count, f"sympy cannot evaluate it at {point.describe_indices()}: {type(exc).__name__}: {exc}", False
        items = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
        undefined = kernel_prove(Obligation(0, denominators=tuple(ev.denominators)))
        if not undefined.proved:  # a side divides by a value that may be 0: no value there, however sympy cancels it
            return count, f"at {point.describe_indices()}, {undefined.reason}", False
        for item in items:
            if not _shown(eq, sp.sympify(item), regions.variables, regions.is_atom, regions.conditions):
                witness = _range_witness(eq, n, catalog, point, regions, sp.sympify(item), ev)
                if witness:
                    return count, f"the sides differ at {witness}", True
                region = _failing_region(eq, sp.sympify(item), regions)
                where = f" where {region}" if region else ""
                shown = "in order (>=)" if eq.kind == "inequality" else "equal"
                return count, (f"sympy cannot show the sides {shown} at {point.describe_indices()}{where} "
                               f"(every value a symbol), and no sampled point there tells them apart"), False
    return count, "", False


def _failing_region(eq, diff, regions):
    """The first sign assignment where the difference is not shown zero, in words (or '')."""
    present = [a for a in regions.variables if diff.has(a)]
    if not present or len(present) > 10:
        return ""
    for combo in itertools.product((0, 1), repeat=len(present)):
        assignment = dict(zip(present, combo))
        if not _shown(eq, diff.xreplace(assignment)):
            return _region_text(regions, assignment)
    return ""


def _range_witness(eq, n, catalog, point, regions, diff, ev):
    """A concrete point (same indices and labels) where the two sides differ: found on the difference, confirmed as written.

    Values are drawn at several scales (a region can be small), each atom takes
    the value of its own condition there, and where the difference is not zero
    the two sides are evaluated as written at that point: only then is it a
    witness.
    """
    rng = np.random.default_rng(11)
    symbols = sorted(set(diff.free_symbols) | {s for _, u in regions.conditions.values() for s in
                                                 sp.sympify(u).free_symbols}, key=lambda s: s.name)
    symbols = [s for s in symbols if not s.is_integer and not regions.is_atom(s)]

    def draw(scale):
        values = {}
        for s in symbols:
            value = sp.Rational(int(rng.integers(-10**6, 10**6 + 1)), 10**6) * sp.nsimplify(scale)
            if s.is_positive:
                value = abs(value) + sp.Rational(1, 10**9)
            elif s.is_nonnegative:
                value = abs(value)
            values[s] = value
        return values

    def near_boundaries():
        """Values just either side of where a condition changes sign: a region may be thinner than any scale."""
        for _, u in regions.conditions.values():
            u = sp.sympify(u)
            for s in sorted(u.free_symbols & set(symbols), key=lambda s: s.name):
                base = draw(1.0)
                try:
                    roots = sp.solve(u.xreplace({k: v for k, v in base.items() if k != s}), s)
                except Exception:  # noqa: BLE001 - sympy cannot solve it: no boundary to try
                    continue
                for root in roots:
                    if not (root.is_number and root.is_real):
                        continue
                    for eps in (sp.Rational(1, 10**3), sp.Rational(1, 10**12)):
                        step = eps * max(1, abs(root))
                        for value in (root - step, root + step):
                            yield {**base, s: sp.nsimplify(value)}

    def critical_points():
        """The extremes of each condition (where its gradient is 0): a region can be a small disk around one."""
        for _, u in regions.conditions.values():
            u = sp.sympify(u)
            names = sorted(u.free_symbols & set(symbols), key=lambda s: s.name)
            if not names or len(names) > 3 or not u.is_polynomial(*names):
                continue
            try:
                found = sp.solve([sp.diff(u, x) for x in names], names, dict=True)
            except Exception:  # noqa: BLE001 - sympy cannot solve it: no extreme to try
                continue
            for solution in found[:4]:
                if all(v.is_number and v.is_real for v in solution.values()):
                    yield {**draw(1.0), **{k: sp.nsimplify(v) for k, v in solution.items()}}

    def trials():
        for scale in (1.0, 1e-3, 1e-2, 1e-1, 10.0, 1e2):
            for _ in range(8):
                yield draw(scale)
            if not regions.conditions:
                return  # no region to find: one scale is enough
        yield from itertools.islice(critical_points(), 20)
        yield from itertools.islice(near_boundaries(), 200)

    for values in trials():
        number = diff.xreplace(regions.truth(values)).xreplace(values)
        try:
            number = sp.N(number, 40)
        except (TypeError, ValueError):
            continue
        if not number.is_number or number.is_real is False or not _refutes(eq, number):
            continue
        concrete = _point_with(point, values, ev)
        found = _differs(eq, n, catalog, concrete) if concrete is not None else None
        if found:
            return found
    return None


def _point_with(point, values, ev):
    """``point`` with its primitive values set from ``values`` (the evaluator's symbols ``s_2``, ``W_1_3``, ``z``)."""
    by_name = {s.name: v for s, v in values.items()}
    out = {}
    for name, v in point.values.items():
        arr = np.asarray(v)
        if name in point.label_names:
            out[name] = arr
            continue
        if arr.ndim == 0:
            out[name] = by_name.get(name, sp.Integer(0))
            continue
        filled = np.empty(arr.shape, dtype=object)  # exact rationals: a witness 1e-21 inside a region stays inside
        for idx in np.ndindex(arr.shape):
            filled[idx] = by_name.get(f"{name}_{'_'.join(str(k + 1) for k in idx)}", sp.Integer(0))
        out[name] = filled
    return Point(point.label, dict(point.indices), out, point.derived, False, point.labels)


def prove_link(eq, n, catalog):
    """Prove link ``n`` (sides n and n + 1) of ``eq``: a :class:`Proof` (never an exception: a reason instead).

    The link runs under the time budget of :mod:`derivations.equations.progress`: past it, the work is stopped and
    the proof says "could not decide in N s" (not proved; ``timed_out``)."""
    state = {"outer": True}
    catalog = notation_of(catalog, eq)
    try:
        with progress.budgeted(eq, n) as state:
            proof = _prove_link(eq, n, catalog)
    except progress.LinkTimeout as exc:
        if not state["outer"]:
            raise  # a definition's link proved inside another link: the outer link's budget ran out
        proof = Proof(False, "", f"could not decide in {exc.seconds:g} s (of processor time: the time budget of a "
                                 f"link, derivations verify --budget SECONDS or DERIVATIONS_LINK_BUDGET)", timed_out=True)
    except Exception as exc:  # noqa: BLE001 - an author's space or function that raises: not proved, and why
        proof = Proof(False, "", f"the prover stopped: {type(exc).__name__}: {exc}")
    if state["outer"]:
        progress.report(event="link", state="end", id=eq.id, number=getattr(eq, "shown_number", ""), page=eq.page,
                        link=n + 1, links=len(eq.sides) - 1, seconds=state.get("elapsed", 0.0), text=proof.text)
    return proof


def _prove_link(eq, n, catalog):
    """The all-sizes route, then the second route (every size of the range, every value a symbol, and a witness
    search at several scales and beside every kink); "all sizes" only where both routes agree."""
    sampled = _sampled(eq)
    faults = name_clashes(eq, catalog, sampled[0] if sampled else None) + low_indices(sampled, eq.space)
    if faults:
        return Proof(False, "", faults[0])
    general_diff = regions = None
    general_proved = False
    try:
        general_proved, regions, general_diff = _prove_all_sizes(eq, n, catalog)
        general_reason = "sympy could not simplify the symbolic-size difference to zero"
    except _ERRORS as exc:
        general_reason = str(exc) if isinstance(exc, NotEvaluable) else f"{type(exc).__name__}: {exc}"
    beyond = _beyond(eq, catalog) if general_proved else []
    second = _second_route(eq, n, catalog, general_diff, regions, general_proved, beyond or [])
    if general_proved and second.category != "range":
        return Proof(False, "", "the two routes disagree: at symbolic size the kernel proved it, but "
                                f"{second.text}", refuted=second.refuted)
    if general_proved:
        if _fixed_size_in_sides(eq, n, catalog):
            return Proof(True, second.scope, "the statement is about its fixed size only", category="range")
        if beyond is None:
            return Proof(True, second.scope, f"not for all sizes: a factor of the sizes in the statement is zero at "
                                             f"every size up to {REACH} past the range, so no size beyond it could "
                                             f"check the symbolic-size proof", category="range")
        return Proof(True, ALL_SIZES, category="all sizes")
    if second.proved and second.category == "range":
        return Proof(True, second.scope, f"not for all sizes: {general_reason}", category="range")
    return second


def _fixed_size_in_sides(eq, n, catalog):
    """Whether the link's sides, or the definitions of the named functions they use, are about a size the space fixes
    (a sum to C in a space of C = 2 only): proved for that size, which the page must say, never for every C. About
    it: naming it, or using a whole array one of whose axes has that size (an inner product s^T s, a norm, a
    matrix product sums over C without naming it: s^T s = s_1^2 + s_2^2 holds at C = 2 only)."""
    fixed = set(getattr(eq.space, "fixed", ()))
    if not fixed:
        return False
    exprs = [e for side in eq.sides[n:n + 2] for e in (side, *reached_definitions(side, catalog))]
    if fixed & {s.name for e in exprs for s in e.free_symbols}:
        return True
    return bool(fixed & _sized_axes(eq, exprs, catalog))


def _sized_axes(eq, exprs, catalog):
    """The names of the sizes along the axes of the arrays ``exprs`` use whole (not an entry s_1 of them): from the
    shapes the translation to symbolic sizes gives each node (the problem's declared shapes), the space's axes, and,
    for an array of the space whose axes neither names, every size of the space (it may run along any of them)."""
    out = set()
    sampled = _sampled(eq)
    first = sampled[0] if sampled else None
    try:
        general = SymbolicSizes(eq, notation_of(catalog, eq), Regions(), first.label_names if first else set(), {},
                                lambda definition, links: False)
    except Exception:  # noqa: BLE001 - no translation to read shapes from: the space's arrays below still count
        general = None
    try:
        values = first.numeric_values() if first is not None else {}
    except Exception:  # noqa: BLE001 - a derived value that cannot be computed: its shape is not known
        values = dict(first.values) if first is not None else {}
    axes = getattr(eq.space, "axes", {}) or {}
    todo = list(exprs)
    while todo:
        node = todo.pop()
        if not isinstance(node, sp.Basic) or isinstance(node, sp.IndexedBase):
            continue  # an entry's base (s of s_1) is not the array used whole
        todo.extend(node.args)
        if general is not None:
            try:
                out |= {str(d) for d in general.shape(node) if isinstance(d, sp.Symbol)}
            except Exception:  # noqa: BLE001 - a node without a shape: its arrays are read below
                pass
        if isinstance(node, sp.Symbol) and not node.is_integer and np.ndim(values.get(node.name, 0)) >= 1:
            out |= set(axes.get(node.name) or eq.space.sizes)
    return out


def _second_route(eq, n, catalog, general_diff, regions, general_proved, beyond=()):
    """The link at every size of its range with every value a symbol (the kernel on concrete sizes, without the
    translation to symbolic sizes), then, where that proves it, a witness search of the sides as written: a
    :class:`Proof` of category "range" when nothing tells the sides apart, else why not."""
    choices = eq.space.size_choices()
    if eq.space.sizes and not choices:
        return Proof(False, "", "the space declares no size to prove at")
    total = 0
    for sizes in choices or [{}]:
        count, reason, refuted = _range_at(eq, n, catalog, sizes, by_order_type=general_proved)
        total += count
        if reason and not refuted:  # not proved: a closer search for a point where the sides differ
            witness = _scaled_witness(eq, n, catalog, choices or [{}], deep=True)
            if witness:
                return Proof(False, "", f"the sides differ at {witness}", refuted=True)
        if reason:
            return Proof(False, "", reason, refuted=refuted)
    if not total:
        return Proof(False, "", "the space has no point to prove at")
    if general_diff is not None:
        witness = _general_witness(eq, n, catalog, general_diff, regions)
        if witness:
            return Proof(False, "", f"the sides differ at {witness}", refuted=True)
    witness = _scaled_witness(eq, n, catalog, choices or [{}]) or (
        beyond and _scaled_witness(eq, n, catalog, beyond, scales=(1,), draws=2))
    if witness:
        return Proof(False, "", f"the sides differ at {witness}", refuted=True)
    fixed = [name for name in eq.space.sizes if name in getattr(eq.space, "fixed", ())]
    if not eq.space.sizes:
        # proved at the points the space enumerates: every size only when nothing in the statement has a size
        # every integer the link reaches: its sides', and the free indices of the definitions of the named functions
        # it uses and of its derived values (g(u) with g(x) = x^j): the points list some values of them, not all
        integers = sorted(set(_integer_symbols(eq)) | statement_indices(eq, eq.sides[n:n + 2], catalog, {},
                                                                          _labels_of(eq)))
        if integers:
            return Proof(False, "", f"the statement is about {', '.join(integers)} (in its sides, or in a definition or "
                                    "derived value it reads), and its space declares no sizes (Space(sizes=...)): its "
                                    "points prove nothing for other values of them")
        return Proof(True, ALL_SIZES, category="all sizes" if not general_proved else "range")
    if fixed and all(len(eq.space.sizes[name]) == 1 for name in eq.space.sizes) and _samples_at(eq, eq.space.sizes):
        scope = f"{_describe_sizes(eq.space.sizes)}, the only size the statement is about"
        if _fixed_size_in_sides(eq, n, catalog):
            return Proof(True, scope, "the statement is about its fixed size only", category="range")
        return Proof(True, scope, category="all sizes" if not general_proved else "range")
    return Proof(True, _describe_sizes(eq.space.sizes), category="range")


SCALES = (1, 10**3, 10**6)


REACH = 64  # sizes past the range tried for one where no factor of the sizes vanishes


def _size_gates(eq, catalog):
    """Every subexpression of the sides, and of the definitions they reach, that holds sizes and nothing else: a
    factor (D - 1)...(D - 6), a binomial, a max of sizes, zero at the sizes the second route looks at, would hide a
    mistranslation there."""
    names = set(eq.space.sizes)
    exprs = list(eq.sides)
    for side in eq.sides:
        exprs += reached_definitions(side, catalog)
    gates = []
    for expr in exprs:
        for node in sp.preorder_traversal(sp.sympify(expr)):
            free = getattr(node, "free_symbols", set())
            if isinstance(node, sp.Expr) and not node.is_Symbol and free and {s.name for s in free} <= names:
                gates.append(node)
    return gates


def _beyond(eq, catalog=None):
    """Sizes outside the declared range where an all-sizes proof must also hold, the sides evaluated as written
    (without the translation to symbolic sizes, which a factor zero on the range, (C - 2)...(C - 5), would hide):
    every size that is not fixed past its largest value, at the first sizes where no factor of the sizes in the
    statement is zero (:func:`_size_gates`), and at 1 where the range starts above it. None where no such sizes lie
    within ``REACH`` past the range: no all-sizes claim can be checked there."""
    fixed = set(getattr(eq.space, "fixed", ()))
    free = [name for name, values in eq.space.sizes.items() if values and name not in fixed]
    if not free:
        return []
    largest = {name: max(values) for name, values in eq.space.sizes.items() if values}
    gates = _size_gates(eq, catalog) if catalog is not None else []

    def open_at(sizes):
        ev = Evaluator(Point("past the range", dict(sizes), {}), "symbolic", catalog)
        for gate in gates:
            try:  # the interpreter reads the notation (Frac, SumOver, Ind of a size) as the sides do
                value = sp.sympify(ev.exact(gate))
            except Exception:  # noqa: BLE001 - a factor that cannot be evaluated there: not shown open
                return False
            if getattr(value, "is_zero", None) is not False:
                return False
        return True

    for step in range(1, REACH + 1):
        past = {**largest, **{name: largest[name] + step for name in free}}
        if open_at(past):
            break
    else:
        return None
    low = {name: 1 for name in free if min(eq.space.sizes[name]) > 1}
    return [past] + ([{**largest, **low}] if low else [])


def _scaled_witness(eq, n, catalog, choices, deep=False, scales=None, draws=1):
    """A point where the sides as written differ (sympy at 40 digits and beyond, certified), at the smallest and
    the largest sizes of ``choices``: random values at scales 1, 1e3 and 1e6 (``draws`` points each, with indices
    drawn anew), and values at and beside every kink of the link (at it only where the statement has no derivative,
    whose kinks are left out). None if none is found."""
    rng = np.random.default_rng([17, n])
    ties = not has_derivative(eq, catalog)
    differentiated = [] if ties else _differentiated(eq, n, catalog)
    picks = [choices[0], choices[-1]] if len(choices) > 1 and draws == 1 else choices
    for sizes, scale, draw in itertools.product(picks, scales or SCALES, range(draws)):
        point = _concrete_point(eq, sizes, rng, 1, scale=float(scale), pool=400 if draws == 1 else 5000)
        if point is None:
            if draws > 1:
                continue  # a size the space has no point at: nothing to compare there
            return None
        for at in [point] + ([_mirrored(eq, point)] if eq.kind == "inequality" else []):
            found = _differs(eq, n, catalog, at, deep)
            if found:
                return found
        for near, on in itertools.islice(_beside_kinks(eq, n, catalog, point), 9 if draw == 0 else 0):
            if on and not ties and _on_a_kink_of(differentiated, eq, catalog, near):
                continue  # no derivative there: the statement holds off the kinks
            found = _differs(eq, n, catalog, near, deep)
            if found:
                return found
    return None


def _differentiated(eq, n, catalog):
    """What the link's sides (and the definitions they reach) differentiate: a kink of these has no derivative."""
    exprs = [e for side in eq.sides[n:n + 2] for e in (side, *reached_definitions(side, catalog))]
    return [node.args[0] for e in exprs for node in sp.preorder_traversal(e) if isinstance(node, DERIVATIVES)]


def _on_a_kink_of(exprs, eq, catalog, point):
    """Whether ``point`` lies exactly on a kink of one of ``exprs`` (True where that cannot be told: no witness)."""
    probe = Regions(ties=True)
    try:
        ev = Evaluator(point, "symbolic", catalog, regions=probe, domain=domain_assumptions(eq))
        for expr in exprs:
            ev.exact(expr)
        truth = probe.truth(ev.subs)
        return any(sp.simplify(sp.sympify(u).xreplace(ev.subs).xreplace(truth)) == 0 for u in probe.kinks)
    except (NotEvaluable, InvalidValue, *_ERRORS):
        return True


def _mirrored(eq, point):
    """``point`` with every value negated but labels and values a declared domain keeps signed: an inequality false
    on one side only (u^2 >= u^3/1000 for u > 1000) is tried at each scale on both sides."""
    domain = domain_assumptions(eq)
    values = {name: v if name in point.label_names or name in domain else -np.asarray(v) if np.ndim(v) else -v
              for name, v in point.values.items()}
    return Point(f"{point.label}, negated", dict(point.indices), values, point.derived, False, point.labels)


def _beside_kinks(eq, n, catalog, point):
    """(``point`` moved onto each kink of the link's sides (a scalar value solved for), True), and 1e-9 either side
    of it (False).

    A statement with a derivative holds off the kinks of what it differentiates, but exactly on every other kink
    (d(u^2)/du = 2u + 1(u^2 >= 1) - 1(u^2 > 1) fails at u = 1 and u = -1): the caller tells them apart."""
    regions = Regions(ties=True)
    try:
        ev = Evaluator(point, "symbolic", catalog, regions=regions, domain=domain_assumptions(eq))
        for side in eq.sides[n:n + 2]:
            ev.exact(side)
    except (NotEvaluable, InvalidValue, *_ERRORS):
        return
    for u in list(regions.kinks)[:8]:
        u = sp.sympify(u).xreplace(regions.truth(ev.subs))
        for s in sorted(u.free_symbols & set(ev.subs), key=lambda x: x.name)[:1]:
            rest = u.xreplace({k: v for k, v in ev.subs.items() if k != s})
            try:
                roots = [r for r in sp.solve(rest, s) if r.is_number and r.is_real]
            except Exception:  # noqa: BLE001 - sympy cannot solve it: no kink to move onto
                continue
            for root in roots[:3]:
                for step in (0, sp.Rational(1, 10**9), -sp.Rational(1, 10**9)):
                    value = sp.nsimplify(root) + step * max(1, abs(sp.nsimplify(root)))
                    yield _point_with(point, {**ev.subs, s: value}, ev), step == 0


def _integer_symbols(eq):
    """The free integer symbols of ``eq``'s sides (sizes, indices, labels): a statement with none is about values."""
    labels = {b.label.name for side in eq.sides for b in side.atoms(sp.IndexedBase) if b.label.is_integer}  # read as values
    return sorted(set().union(*(free_indices(side, labels) for side in eq.sides)))


def _sampled(eq):
    """The points the space samples (seed 0), or none where it cannot."""
    try:
        return list(eq.space.sample(np.random.default_rng(0)))
    except Exception:  # noqa: BLE001 - a space that cannot sample: nothing to compare names or indices with
        return []


def _derived_names(space):
    try:
        first = next(iter(space.sample(np.random.default_rng(0))), None)
    except Exception:  # noqa: BLE001 - a space that cannot sample has no derived values to name
        first = None
    return set(first.derived if first is not None else ()) | set(space.general or {})


def _samples_at(eq, sizes):
    """Whether every sampled point of the statement has these sizes (a fixed statement is checked at its size only)."""
    try:
        points = eq.space.sample(np.random.default_rng(0))
    except Exception:  # noqa: BLE001 - a space that cannot sample fixes nothing
        return False
    return all(point.indices.get(name) in values for point in points for name, values in sizes.items())


def prove_equation(eq, catalog, links=None):
    """A :class:`Proof` for every link of ``eq`` (or for the links numbered in ``links``)."""
    links = range(len(eq.sides) - 1) if links is None else links
    return [prove_link(eq, n, catalog) for n in links]


PACKAGE_DIR = Path(__file__).resolve().parent.parent


def proof_key(eq, catalog):
    """A hash of everything a proof of ``eq`` depends on, so that a stored proof is reused only for the same inputs.

    The sides as trees, the definitions of every named function they reach
    (transitively), the space (its sizes, bounds, the code of its functions and
    of everything they call in the package: :mod:`derivations.equations.fingerprint`),
    the declared domain, the engine's source and sympy's version. A comment or a
    change elsewhere in a module does not count; a change in a helper a space
    calls does.
    """
    from derivations.equations.fingerprint import fingerprint

    catalog = notation_of(catalog, eq)
    digest = hashlib.sha256(sp.__version__.encode())
    for path in sorted((PACKAGE_DIR / "equations").rglob("*.py")):  # the kernel package's files too
        digest.update(path.read_bytes())
    seen, todo, spaces = set(), [eq], [eq.space]
    while todo:
        current = todo.pop()
        for side in current.sides:
            digest.update(sp.srepr(side).encode())
            for node in sp.preorder_traversal(side):
                spec = catalog.functions.get(type(node).__name__) if isinstance(node, sp.core.function.AppliedUndef) else None
                if spec is not None and spec.definition and spec.definition not in seen:
                    seen.add(spec.definition)
                    todo.append(catalog[spec.definition])
                    spaces.append(catalog[spec.definition].space)
    # the page's definitions of the space's derived values (the scores s by (2.1), G by (2.8)) are read as well
    derived = _derived_names(eq.space)
    for other in catalog:
        head = other.sides[0]
        name = head.base.label.name if isinstance(head, sp.Indexed) else getattr(head, "name", None)
        if other.kind == "definition" and name in derived:
            digest.update(other.id.encode())
            for side in other.sides:
                digest.update(sp.srepr(side).encode())
    digest.update(repr((eq.kind, eq.prove, [sp.srepr(r) for r in eq.domain])).encode())
    digest.update(repr(sorted((k, repr(v)) for k, v in catalog.columns.items())).encode())
    digest.update(repr(sorted((k, repr(v)) for k, v in catalog.rows.items())).encode())
    for space in spaces:
        digest.update(repr(sorted((k, tuple(v)) for k, v in space.sizes.items())).encode())
        digest.update(repr(sorted((k, str(v)) for k, v in space.bounds.items())).encode())
        digest.update(repr(sorted(getattr(space, "fixed", ()))).encode())
        digest.update(fingerprint(space).encode())
    return digest.hexdigest()
