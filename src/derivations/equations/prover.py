"""Symbolic proofs of the links of an equation: for all sizes where sympy can, else for every size in a range.

Two provers, tried in order on each link ``a = b`` of an identity or a gradient:

1. **All sizes.** The notation is translated with the sizes as symbols:
   sums over ``k = 1..C`` stay sympy ``Sum`` objects, one-hot targets are
   Kronecker deltas, derivatives of indexed sums go through Kronecker deltas,
   and the range conditions (``1 <= k <= C``) that sympy attaches are
   discharged from the index ranges of the statement. The link is proved when
   sympy simplifies ``a - b`` to zero.
2. **Every size in a range.** For each size in the space's range (at least
   C = 2..5, N = 1..3, D = 1..3) and every value of the free indices and
   labels, every real value is a symbol (no number is substituted) and
   ``a - b`` must simplify to zero.

**Piecewise-linear statements, region by region.** Every condition inside a
``max``, an absolute value or an indicator becomes a sign variable ``b`` (1
where the condition's expression is positive, 0 where negative), so that
``max(0, u)`` is ``b u`` and ``1(u > 0)`` is ``b``. Inside one sign region
every ``b`` is a constant and the statement is an ordinary one; derivatives
are taken with ``b`` held constant, which is exact in the open region. The
difference ``a - b`` is then a polynomial in the sign variables; reduced with
``b**2 = b`` it vanishes on every one of the 2**n sign assignments exactly
when each of its coefficients vanishes (a multilinear polynomial is fixed by
its values on the cube), so all regions are checked at once, empty ones
included: nothing is pruned, so an unsatisfiable region can only make a true
statement unprovable, never a false one proved. The proof holds everywhere
off the kinks (a condition exactly zero); there the numeric checks compare
the formula with the package's strict-subgradient convention.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import itertools
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.core.relational import Relational
from sympy.simplify.simplify import factor_sum

from derivations.equations.evaluate import Evaluator, NotEvaluable, rational_in_exponentials_is_zero
from derivations.equations.notation import Dot, Frac, Grad, Ind, Partial, SumOver

__all__ = ["Regions", "Proof", "prove_link", "prove_equation", "proof_key", "is_zero", "free_indices", "ALL_SIZES"]

ALL_SIZES = "all sizes"
MAX_ENUMERATED_SIGNS = 12  # signs inside a non-polynomial function are enumerated, up to 2**12 regions


class Regions:
    """Sign variables for the conditions of maxima, absolute values and indicators."""

    def __init__(self):
        self.signs = {}  # canonical condition expression -> its sign variable

    def _sign(self, u):
        """(sign variable of the canonical form of u, +1 or -1): u > 0 is b, or 1 - b."""
        u = sp.expand(u)
        terms = sorted(sp.Add.make_args(u), key=sp.default_sort_key)
        flip = terms[0].as_coeff_Mul()[0] < 0
        canon = -u if flip else u
        if canon not in self.signs:
            self.signs[canon] = sp.Symbol(f"b{len(self.signs) + 1}")
        return self.signs[canon], -1 if flip else 1

    def positive(self, u):
        """The indicator of u > 0 (the same as u >= 0 off the kink u = 0)."""
        u = sp.expand(u)
        if u.is_number:
            return sp.Integer(1 if u > 0 else 0)
        b, orientation = self._sign(u)
        return b if orientation == 1 else 1 - b

    def indicator(self, rel):
        """The indicator of a relation between values."""
        if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
            return self.positive(rel.lhs - rel.rhs)
        if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
            return self.positive(rel.rhs - rel.lhs)
        if isinstance(rel, (sp.Eq, sp.Ne)):
            diff = sp.expand(rel.lhs - rel.rhs)
            if diff.is_number:
                return sp.Integer(int(bool((diff == 0) == isinstance(rel, sp.Eq))))
            return sp.Integer(0 if isinstance(rel, sp.Eq) else 1)  # off the kink diff = 0
        raise NotEvaluable(f"no sign regions for the condition {rel}")

    def rewrite(self, expr):
        """``expr`` with every Max, Min, Abs, Heaviside and Piecewise written with sign variables."""
        if not isinstance(expr, sp.Basic) or not expr.has(sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.Piecewise):
            return expr
        args = [self.rewrite(a) for a in expr.args]
        if isinstance(expr, sp.Max) or isinstance(expr, sp.Min):
            return self.extremum(args, 1 if isinstance(expr, sp.Max) else -1)
        if isinstance(expr, sp.Abs):
            return (2 * self.positive(args[0]) - 1) * args[0]
        if isinstance(expr, sp.Heaviside):
            return self.positive(args[0])
        if isinstance(expr, sp.Piecewise):
            out = sp.Integer(0)
            for value, cond in reversed(expr.args):
                if cond == sp.true:
                    out = self.rewrite(value)
                else:
                    ind = self._condition(cond)
                    out = ind * self.rewrite(value) + (1 - ind) * out
            return out
        return expr.func(*args)

    def _condition(self, cond):
        if isinstance(cond, Relational):
            return self.indicator(cond)
        if isinstance(cond, sp.And):
            out = sp.Integer(1)
            for c in cond.args:
                out *= self._condition(c)
            return out
        if isinstance(cond, sp.Or):
            return 1 - sp.Mul(*[1 - self._condition(c) for c in cond.args])
        if isinstance(cond, sp.Not):
            return 1 - self._condition(cond.args[0])
        raise NotEvaluable(f"no sign regions for the condition {cond}")

    def extremum(self, args, direction):
        """max (direction 1) or min (-1) of args: the argument that beats every other, ties to the first."""
        if len(args) == 1:
            return args[0]
        out = sp.Integer(0)
        for n, a in enumerate(args):
            wins = sp.Integer(1)
            for m, other in enumerate(args):
                if m != n:
                    wins *= self.positive(direction * (a - other))
            out += a * wins
        return out

    def rewrite_array(self, value):
        if isinstance(value, np.ndarray) and value.dtype == object:
            out = np.empty(value.shape, dtype=object)
            for idx in np.ndindex(value.shape):
                out[idx] = self.rewrite(sp.sympify(value[idx]))
            return out
        return value

    @property
    def variables(self):
        return list(self.signs.values())


def _reduce_signs(expr, signs):
    """Expand and reduce b**n to b for every sign variable b (b is 0 or 1)."""
    expr = sp.expand(expr)
    if not signs:
        return expr
    sign_set = set(signs)
    return sp.expand(expr.replace(lambda e: e.is_Pow and e.base in sign_set and e.exp.is_Integer and e.exp > 0,
                                  lambda e: e.base))


def _simplified_zero(expr):
    """True when sympy shows ``expr`` is zero (no sign variables left in it)."""
    if expr == 0 or rational_in_exponentials_is_zero(expr):
        return True
    expr = sp.expand(expr)
    if expr == 0:
        return True
    if expr.has(sp.Sum):
        expr = expr.replace(lambda e: isinstance(e, sp.Sum),
                            lambda e: factor_sum(sp.Sum(sp.expand(sp.powsimp(sp.expand(e.function))), *e.limits)))
    # sympy's simplify is not a decision procedure: a few normal forms, any of which reaching 0 is a proof
    for attempt in (lambda e: sp.expand_log(e, force=True),
                    lambda e: sp.logcombine(e, force=True),
                    lambda e: sp.expand_log(sp.simplify(e), force=True),
                    lambda e: sp.powsimp(sp.expand(sp.expand_power_exp(e)))):
        if sp.simplify(attempt(expr)) == 0:
            return True
    return False


def is_zero(expr, signs=()):
    """True when ``expr`` is zero in every sign region; ``signs`` are the regions' sign variables.

    Off the sign variables' appearance, each coefficient of the reduced
    multilinear polynomial must simplify to zero; where a sign variable sits
    inside a non-polynomial function, every region is tried (at most
    2**MAX_ENUMERATED_SIGNS).
    """
    present = [b for b in signs if expr.has(b)]
    if not present:
        return _simplified_zero(expr)
    expr = _reduce_signs(expr, present)
    present = [b for b in present if expr.has(b)]
    if not present:
        return _simplified_zero(expr)
    try:
        poly = sp.Poly(expr, *present)
    except sp.PolynomialError:
        poly = None
    if poly is not None and not any(c.has(*present) for c in poly.coeffs()):
        return all(_simplified_zero(c) for c in poly.coeffs())
    if len(present) > MAX_ENUMERATED_SIGNS:
        return False
    return all(_simplified_zero(expr.xreplace(dict(zip(present, combo))))
               for combo in itertools.product((0, 1), repeat=len(present)))


def free_indices(expr, bound=frozenset()):
    """Names of the index symbols (integer) that appear free in a notation tree, not bound by a sum."""
    if isinstance(expr, sp.Symbol):
        return {expr.name} if expr.is_integer and expr.name not in bound else set()
    if isinstance(expr, SumOver):
        body, index, lo, hi, excluded = expr.args
        inner = bound | {index.name}
        out = free_indices(body, inner) | free_indices(lo, bound) | free_indices(hi, bound)
        return out | (free_indices(excluded, bound) if excluded is not sp.S.NaN else set())
    if isinstance(expr, sp.Indexed):
        out = set().union(*(free_indices(q, bound) for q in expr.indices))
        return out | ({"y"} if expr.base.label.name == "y" else set())
    if not isinstance(expr, sp.Basic):
        return set()
    return set().union(set(), *(free_indices(a, bound) for a in expr.args))


@dataclass
class Proof:
    """How one link was proved: ``scope`` is "all sizes", the sizes of a range, or "" when not proved."""

    proved: bool
    scope: str
    reason: str = ""

    @property
    def text(self):
        if not self.proved:
            return f"not proved: {self.reason}"
        return f"proved for {self.scope}"


# -- all sizes -------------------------------------------------------------------------------

class _General:
    """The notation at symbolic sizes: sums stay sums, one-hot targets are Kronecker deltas."""

    def __init__(self, catalog, rules, regions):
        self.catalog, self.rules, self.regions = catalog, rules, regions

    def tr(self, expr):
        if isinstance(expr, sp.Symbol):
            if expr.name in self.catalog.columns or expr.name in self.catalog.rows or not (
                    expr.is_integer or expr.is_real):
                raise NotEvaluable(f"{expr} is a vector or matrix: no symbolic-size form")
            return expr
        if isinstance(expr, sp.Number):
            return expr
        if isinstance(expr, sp.Indexed):
            base = expr.base.label.name
            indices = [self.tr(q) for q in expr.indices]
            if base in self.rules:
                return self.rules[base](*indices)
            if base == "y" and len(indices) == 1 and isinstance(indices[0], sp.Symbol):
                return sp.Symbol(f"y_{indices[0].name}", integer=True, positive=True)  # a label: an index in 1..C
            if base in self.catalog.columns or base in self.catalog.rows or base == "y" or len(indices) > 1:
                raise NotEvaluable(f"{base} has no symbolic-size form")
            return expr.base[indices[0]]
        if isinstance(expr, SumOver):
            body, index, lo, hi, excluded = expr.args
            # a fresh summation variable: d/ds_j of a sum over j must not mistake the bound j for the free one
            bound = sp.Symbol(f"{index.name}_bound", integer=True, positive=True)  # equal sums stay equal
            inner = self.tr(body).xreplace({index: bound})
            out = sp.Sum(inner, (bound, self.tr(lo), self.tr(hi)))
            if excluded is not sp.S.NaN:
                out = out - inner.xreplace({bound: self.tr(excluded)})
            return out
        if isinstance(expr, Frac):
            return self.tr(expr.args[0]) / self.tr(expr.args[1])
        if isinstance(expr, Partial):
            f, var = expr.args
            return sp.diff(self.tr(f), self.tr(var))
        if isinstance(expr, (Grad, Dot)):
            raise NotEvaluable("vectors have no symbolic-size form here")
        if isinstance(expr, Ind):
            cond = expr.args[0]
            if isinstance(cond, (sp.Eq, sp.Ne)):
                a, b = self.tr(cond.lhs), self.tr(cond.rhs)
                if a.is_integer and b.is_integer:  # 1(j = y_i) between indices: a Kronecker delta
                    delta = sp.KroneckerDelta(a, b)
                    return delta if isinstance(cond, sp.Eq) else 1 - delta
            return self.regions.indicator(self.tr(cond))
        if isinstance(expr, (sp.Max, sp.Min, sp.Abs)):
            return self.regions.rewrite(expr.func(*[self.tr(a) for a in expr.args]))
        if isinstance(expr, sp.core.function.AppliedUndef):
            return self._named(expr)
        if isinstance(expr, (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log)) or isinstance(expr, Relational):
            return expr.func(*[self.tr(a) for a in expr.args])
        raise NotEvaluable(f"no symbolic-size rule for {type(expr).__name__}")

    def _named(self, expr):
        spec = self.catalog.functions.get(type(expr).__name__)
        if spec is None or spec.definition is None:
            raise NotEvaluable(f"{type(expr).__name__} has no definition on a page")
        definition = self.catalog.equations[spec.definition]
        head, errors = definition.sides[0], []
        for form in definition.sides[1:]:  # the first form that has a symbolic-size translation
            try:
                out = self.tr(form)
                break
            except NotEvaluable as exc:
                errors.append(str(exc))
        else:
            raise NotEvaluable(f"no form of {type(expr).__name__} has a symbolic-size form: {'; '.join(errors)}")
        swap = {}
        for param, arg in zip(head.args, expr.args):
            if isinstance(param, sp.Indexed):
                if not isinstance(arg, sp.Indexed) or arg.base != param.base:
                    raise NotEvaluable(f"{expr} is not {head} at another index")
                swap[param.indices[0]] = self.tr(arg.indices[0])
            else:
                swap[param] = self.tr(arg)
        return out.xreplace(swap)


def _discharge_ranges(expr, bounds):
    """Replace the range conditions 1 <= k and k <= C that sympy attaches to sums by True, from the index ranges."""
    slack = sp.Symbol("slack", integer=True, nonnegative=True)

    def implied(rel):
        names = {s.name for s in rel.free_symbols}
        for name, size in bounds.items():
            q = sp.Symbol(name, integer=True, positive=True)
            if q.name not in names or not names <= {name, size.name}:
                continue
            # q = C - slack covers every q <= C, q = 1 + slack every q >= 1: either, true, implies rel on 1..C
            if sp.simplify(rel.subs(q, size - slack)) == sp.true or sp.simplify(rel.subs(q, 1 + slack)) == sp.true:
                return True
        return False

    relations = [r for r in expr.atoms(Relational) if implied(r)]
    return expr.xreplace({r: sp.true for r in relations}) if relations else expr


def _prove_all_sizes(eq, n, catalog):
    space = eq.space
    if space.general is None or not space.sizes or all(len(v) == 1 for v in space.sizes.values()):
        raise NotEvaluable("the statement has no symbolic-size form")
    regions = Regions()
    general = _General(catalog, space.general, regions)
    diff = general.tr(eq.sides[n]) - general.tr(eq.sides[n + 1])
    diff = _discharge_ranges(diff.doit(), space.bounds)
    diff = sp.piecewise_fold(diff)
    if diff.has(sp.Piecewise):
        diff = _discharge_ranges(diff, space.bounds)
        diff = sp.piecewise_fold(diff)
        if isinstance(diff, sp.Piecewise) and diff.args[0][1] == sp.true:
            diff = diff.args[0][0]
    if diff.has(sp.Piecewise):
        raise NotEvaluable("sympy leaves a case distinction it cannot discharge")
    return is_zero(diff, regions.variables)


# -- every size in a range ------------------------------------------------------------------

def _describe_sizes(sizes):
    parts = []
    for name in ("C", "N", "D"):
        if name in sizes:
            values = sorted(sizes[name])
            parts.append(f"{name} = {values[0]}" if len(values) == 1 else f"{name} = {values[0]}..{values[-1]}")
    return ", ".join(parts)


def _labels_matter(sides, point):
    """Whether labels (y, p) can change the sides: they appear, or a named function or derived value does."""
    derived = set(point.derived)
    for side in sides:
        for node in sp.preorder_traversal(side):
            if isinstance(node, sp.core.function.AppliedUndef):
                return True
            if isinstance(node, sp.Indexed) and (node.base.label.name in derived or node.base.label.name == "y"):
                return True
            if isinstance(node, sp.Symbol) and (node.name in derived or node.name == "p"):
                return True
    return False


def _range_at(eq, n, catalog, sizes):
    """'' when ``a - b`` is zero at these sizes for every index and label, else why not."""
    sides = eq.sides[n:n + 2]
    free = free_indices(sides[0]) | free_indices(sides[1])
    first = next(iter(eq.space.every(sizes, free)), None)
    if first is None:
        return f"the space has no point at {sizes}"
    if _labels_matter(sides, first):
        free |= {"y", "p"}  # every label, not the first only
    for point in eq.space.every(sizes, free):
        regions = Regions()
        try:
            ev = Evaluator(point, "symbolic", catalog, regions=regions)
            diff = ev.exact(sides[0]) - ev.exact(sides[1])
        except (NotEvaluable, TypeError, ValueError, KeyError, IndexError) as exc:
            return f"sympy cannot evaluate it at {point.describe_indices()}: {type(exc).__name__}: {exc}"
        items = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
        for item in items:
            if not is_zero(sp.sympify(item), regions.variables):
                return f"the two sides differ at {point.describe_indices()} (every value a symbol)"
    return ""


def prove_link(eq, n, catalog):
    """Prove link ``n`` (sides n and n + 1) of ``eq``: a :class:`Proof`."""
    try:
        if _prove_all_sizes(eq, n, catalog):
            return Proof(True, ALL_SIZES)
        general_reason = "sympy could not simplify the symbolic-size difference to zero"
    except (NotEvaluable, TypeError, ValueError, KeyError, IndexError) as exc:
        general_reason = str(exc) if isinstance(exc, NotEvaluable) else f"{type(exc).__name__}: {exc}"
    for sizes in eq.space.size_choices():
        reason = _range_at(eq, n, catalog, sizes)
        if reason:
            return Proof(False, "", reason)
    fixed = all(len(v) == 1 for v in eq.space.sizes.values())
    if fixed:
        scope = ALL_SIZES if not eq.space.sizes else f"{ALL_SIZES} ({_describe_sizes(eq.space.sizes)}, the statement's only size)"
        return Proof(True, scope)
    return Proof(True, _describe_sizes(eq.space.sizes), f"not for all sizes: {general_reason}")


def prove_equation(eq, catalog):
    """A :class:`Proof` for every link of ``eq``."""
    return [prove_link(eq, n, catalog) for n in range(len(eq.sides) - 1)]


PACKAGE_DIR = Path(__file__).resolve().parent.parent


def proof_key(eq, catalog):
    """A hash of everything a proof of ``eq`` depends on, so that a stored proof is reused only for the same inputs.

    The sides as trees, the definitions of every named function they reach
    (transitively), the sizes proved for, the source of the module that
    declares the equation and of those modules that declare the definitions
    (their derived values are code), the engine's source and sympy's version.
    """
    digest = hashlib.sha256(sp.__version__.encode())
    for path in sorted((PACKAGE_DIR / "equations").glob("*.py")):
        digest.update(path.read_bytes())
    seen, todo, modules = set(), [eq], {eq.source[0]}
    while todo:
        current = todo.pop()
        for side in current.sides:
            digest.update(sp.srepr(side).encode())
            for node in sp.preorder_traversal(side):
                spec = catalog.functions.get(type(node).__name__) if isinstance(node, sp.core.function.AppliedUndef) else None
                if spec is not None and spec.definition and spec.definition not in seen:
                    seen.add(spec.definition)
                    todo.append(catalog[spec.definition])
                    modules.add(catalog[spec.definition].source[0])
    digest.update(repr(sorted((k, tuple(v)) for k, v in eq.space.sizes.items())).encode())
    for name in sorted(modules):
        path = PACKAGE_DIR / name
        digest.update(path.read_bytes() if path.is_file() else name.encode())
    return digest.hexdigest()
