"""The notation at symbolic sizes, in index notation: what the all-sizes prover proves.

A scalar side translates to one sympy expression in which the sizes (C, N, D)
are symbols and every sum is a sympy ``Sum``. A vector or matrix side
translates *entry by entry*: its entry at fresh component indices (``m_1`` in
1..D, ``m_2`` in 1..C), with ``w_j`` as the column ``W[m, j]``, ``x_i`` as the
row ``X[i, m]``, an inner product as a sum over 1..D, a product of matrices as
a sum over the inner size, a Hessian's entry (k, l) as the derivative by
``w[l]`` of the derivative by ``w[k]``, a diagonal matrix's as ``v[a]`` times a
Kronecker delta; the shapes come from the problems' declarations
(``Problem(shapes=...)``). Each node type has its rule, ``_tr_<Node>`` and
``_shape_<Node>``, found as sympy's printers find ``_print_<Node>``. A derived value (the scores ``s``, the matrix ``G``)
reads as the page's own definition of it (``s_j`` by (2.1), ``G_{i,j}`` by
(2.8)), or as the space's rule for it, which must agree with the space's code
at the sizes of its range before it is used.

Every refusal raises :class:`NotEvaluable`: the link is then proved size by
size, never at symbolic size with a guess.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.core.function import UndefinedFunction
from sympy.core.relational import Relational

from derivations.equations.evaluate import NotEvaluable, reached_definitions
from derivations.equations.generalrules import definition_agrees, rule_agrees
from derivations.equations.notation import DERIVATIVES, subs_free
from derivations.equations.kernel import implied
from derivations.equations.regions import is_index_like

__all__ = ["SymbolicSizes", "label_base", "index_symbol"]

INDEX_NAMES = {"i", "j", "k", "l", "p", "m", "n", "q", "r"}


def index_symbol(name):
    """An index of the notation at symbolic size: an integer of 1 or more."""
    return sp.Symbol(name, integer=True, positive=True)


def label_base(name):
    """The labels ``y`` at symbolic size: integers of 1 or more (classes 1..C)."""
    return sp.IndexedBase(name, integer=True, positive=True)


def _shape_words(shape):
    """A shape in words: 'a scalar', '(N, D)'."""
    return "a scalar" if not shape else "(" + ", ".join(map(str, shape)) + ")"


def _value_base(name):
    return sp.IndexedBase(name, real=True)


_RULES = {}  # (translator class, prefix, node class) -> the name of its rule, or None


def _rule(owner, prefix, expr):
    """``owner``'s method ``<prefix><Class>`` for the most specific class of ``expr`` that has one, as sympy's printers
    find ``_print_<Class>`` (a named function ``sigma`` finds ``AppliedUndef``'s), or None."""
    key = (type(owner), prefix, type(expr))
    if key not in _RULES:
        names = (prefix + cls.__name__ for cls in type(expr).__mro__
                 if not isinstance(cls, UndefinedFunction))  # an author's function name is no rule's name
        _RULES[key] = next((name for name in names if hasattr(owner, name)), None)
    return None if _RULES[key] is None else getattr(owner, _RULES[key])


class SymbolicSizes:
    """The translation of one equation's notation trees, written at concrete sizes, to sympy over symbolic sizes (see
    the module's docstring): :meth:`shape` and :meth:`tr` dispatch on the node, one rule per node type.

    ``regions`` turns conditions on values into atoms; ``labels`` names the
    label arrays; ``domain`` maps value names to their declared assumptions;
    ``rules`` maps derived names to functions of their indices;
    ``definition_of`` maps a name to the catalog definition whose first side is
    that name at indices (or None).
    """

    def __init__(self, eq, catalog, regions, labels, domain, prove_links):
        self.eq, self.catalog, self.regions = eq, catalog, regions
        self.rules = dict(eq.space.general or {})
        self.labels, self.domain = set(labels), domain
        self.shapes = getattr(catalog, "shapes", {})
        self.index_names = set(eq.space.bounds) | set(eq.space.sizes) | INDEX_NAMES
        self.sizes = {name: index_symbol(name) for name in ("C", "N", "D")} | {
            name: index_symbol(name) for name in eq.space.sizes}
        self.prove_links = prove_links  # (definition, links) -> whether proved for all sizes
        self.bounds = {}  # fresh index name -> its size, for discharging range conditions
        self.denominators = []  # what the sides divide by as written, before sympy cancels it: the kernel asks each
        self._fresh = 0
        self._taken = self._names_in(eq, catalog)
        self._derived_names = self._derived(eq)

    @staticmethod
    def _names_in(eq, catalog):
        """Every name a symbol of the statement, of the definitions it reaches or of the space has: the
        translation's own indices never take one (an author's m_1 was the translation's first entry index, and a
        false statement was proved)."""
        names = set(eq.space.bounds) | set(eq.space.sizes) | set(INDEX_NAMES)
        for side in eq.sides:
            for expr in (side, *reached_definitions(side, catalog)):
                names |= {a.name for a in sp.sympify(expr).atoms(sp.Symbol)}
        return names

    def _unused(self, name):
        """``name``, or it with primes, so that no symbol the author wrote has it."""
        while name in self._taken:
            name += "'"
        self._taken.add(name)
        return name

    def _derived(self, eq):
        """The derived names of the space; also records its primitive values (``self.primitives``)."""
        try:
            first = next(iter(eq.space.every({n: max(v) for n, v in eq.space.sizes.items() if v}, set())), None)
        except Exception:  # noqa: BLE001 - a space that cannot list points has no values to know of
            first = None
        self.primitives = set(first.values) if first is not None else None
        self.ndims = {n: np.ndim(v) for n, v in first.values.items()} if first is not None else {}
        return set(first.derived) if first is not None else set()

    def _present(self, name):
        """Refuse a value the space's points do not carry (a form in W, in a space of scores alone)."""
        if self.primitives is not None and name not in self.primitives and name not in self._derived_names \
                and name not in self.rules:
            raise NotEvaluable(f"{name} has no value in this statement's space")

    # -- names and shapes -------------------------------------------------------------------------
    def shown(self, expr):
        """``expr`` as the page prints it (LaTeX, this problem's bold letters), for a message."""
        from derivations.equations.notation import latex

        return latex(expr, bold=getattr(self.eq, "bold", None))

    def fresh(self, size, stem="m"):
        self._fresh += 1
        name = self._unused(f"{stem}_{self._fresh}")
        self.bounds[name] = size
        return index_symbol(name)

    def size(self, name):
        if name not in self.sizes:
            raise NotEvaluable(f"the size {name} has no symbol here")
        return self.sizes[name]

    def shape_of_name(self, name):
        shape = self.shapes.get(name)
        return None if shape is None else tuple(self.size(n) for n in shape)

    def shape(self, expr):
        """The shape of a notation tree as a tuple of size symbols (() for a scalar): the rule ``_shape_<Node>`` of
        its node; a node with no rule (a number, an inner product, a function of scalars) is a scalar."""
        rule = _rule(self, "_shape_", expr)
        return rule(expr) if rule is not None else ()

    def _shape_Symbol(self, expr):
        if expr.is_integer:
            return ()
        shape = self.shape_of_name(expr.name)
        return shape if shape is not None else ()

    def _shape_Indexed(self, expr):
        base = expr.base.label.name
        if base in self.catalog.columns or base in self.catalog.rows:
            shape = self.shape_of_name(base)
            if shape is None:
                raise NotEvaluable(f"the shape of {base} is not declared (Problem(shapes=...))")
            return shape
        return ()

    def _shape_Identity(self, expr):
        return (self.size(str(expr.args[0])),) * 2

    def _shape_ZeroVector(self, expr):
        return (self.size(str(expr.args[0])),)

    def _shape_Inverse(self, expr):
        inner = self.shape(expr.args[0])
        if len(inner) != 2 or inner[0] != inner[1]:
            raise NotEvaluable(f"the inverse of a matrix of shape {inner}")
        return inner

    def _shape_SumOver(self, expr):  # a sum of vectors is a vector
        return self.shape(expr.args[0])

    def _shape_Transpose(self, expr):
        inner = self.shape(expr.args[0])
        if len(inner) == 1:
            return (sp.Integer(1), inner[0])
        return tuple(reversed(inner))

    def _shape_Grad(self, expr):
        return self.shape(expr.args[1])

    def _shape_Hessian(self, expr):
        f, var = expr.args
        if self.shape(f):
            raise NotEvaluable(f"the Hessian of a vector {f}: the derivative of a vector is Jacobian(F, {var})")
        by = self.shape(var)
        if len(by) > 1:
            raise NotEvaluable(f"a Hessian with respect to the matrix {var}: with respect to a vector only")
        return by * 2  # (D, D) of a vector; of a scalar, the second derivative

    def _shape_Jacobian(self, expr):
        f, var = expr.args
        out, by = self.shape(f), self.shape(var)
        if len(out) != 1 or len(by) != 1:
            raise NotEvaluable(f"a Jacobian of shape {out} with respect to shape {by}: of a vector, with respect to a "
                               f"vector (of a scalar: Grad(f, {var}))")
        return (out[0], by[0])

    def _shape_Diag(self, expr):
        inner = self.shape(expr.args[0])
        if len(inner) != 1:
            raise NotEvaluable(f"the diagonal matrix of shape {inner}: Diag takes a vector")
        return inner * 2

    def _shape_Frac(self, expr):
        return self.shape(expr.args[0])

    def _shape_Add(self, expr):
        terms = [(a, self.shape(a)) for a in expr.args]
        shapes = {sh for _, sh in terms}
        if len(shapes) > 1:  # each term named with its shape: "x_{n,d}: (D)" says which one to mend
            raise NotEvaluable(f"the terms of {self.shown(expr)} have different shapes: "
                               + "; ".join(f"{self.shown(a)} is {_shape_words(sh)}" for a, sh in terms))
        return shapes.pop()

    def _shape_Mul(self, expr):
        chain = [s for s in (self.shape(a) for a in expr.args) if s]
        if not chain:
            return ()
        out = chain[0]
        for nxt in chain[1:]:
            if not out:  # a row times a column so far: a number, times what follows
                out = nxt
                continue
            if len(out) == 1 and len(nxt) == 1:
                raise NotEvaluable(f"a product of two vectors in {self.shown(expr)}: write an inner product with Dot")
            left, right = (out if len(out) == 2 else (out[0], sp.Integer(1))), nxt
            if len(right) == 1:
                right = (right[0], sp.Integer(1))
            if left[1] != right[0]:
                raise NotEvaluable(f"the shapes {_shape_words(out)} and {_shape_words(nxt)} in {self.shown(expr)} do "
                                   "not multiply")
            rows, cols = left[0], right[1]
            # x^T x is 1 x 1: a number, never the vector (1,) (a false Hessian x_n^T x_n for x_n x_n^T was proved so)
            out = () if rows == 1 and cols == 1 else (rows,) if cols == 1 else (rows, cols)
        return out

    def _shape_Pow(self, expr):
        if self.shape(expr.base):
            raise NotEvaluable(f"a power of a vector or matrix: {self.shown(expr)}")
        return ()

    # -- translation -------------------------------------------------------------------------------
    def side(self, expr):
        """(entry, component indices): ``expr`` at fresh component indices (none for a scalar)."""
        shape = self.shape(expr)
        comp = tuple(self.fresh(size) for size in shape)
        return self.tr(expr, comp), comp

    def symbol(self, expr):
        """An index keeps its integer assumptions; a value is real (or as its declared domain says), nothing more."""
        if expr.is_integer:
            if expr.name in self.index_names or expr.name in self.bounds:
                return index_symbol(expr.name)
            raise NotEvaluable(f"{expr} is an integer that the space does not bound: no symbolic-size form")
        return sp.Symbol(expr.name, **self.domain.get(expr.name, {"real": True}))

    def tr(self, expr, comp=()):
        """``expr``'s entry at the component indices ``comp`` (none for a scalar): the rule ``_tr_<Node>`` of its
        node; a node with no rule has no symbolic-size form."""
        rule = _rule(self, "_tr_", expr)
        if rule is None:
            raise NotEvaluable(f"no symbolic-size rule for {type(expr).__name__}")
        return rule(expr, comp)

    def _tr_Number(self, expr, comp):
        self._scalar(comp, expr)
        return sp.Rational(expr) if isinstance(expr, sp.Float) else expr  # exact: 1e20 + 1 is not 1e20

    def _tr_SumOver(self, expr, comp):
        return self._sum(*expr.args, comp=comp)

    def _tr_Frac(self, expr, comp):
        bottom = self.tr(expr.args[1])
        self.denominators.append(bottom)  # before sympy cancels it: the kernel asks that it is nonzero
        return self.tr(expr.args[0], comp) / bottom

    def _target(self, var, comp=()):
        """The entry of a differentiation variable at ``comp``: a real symbol or an entry of an array."""
        target = self.tr(var, comp)
        if not isinstance(target, (sp.Symbol, sp.Indexed)) or target.is_integer:
            raise NotEvaluable(f"cannot differentiate with respect to {var} at symbolic size")
        return target

    def _tr_Partial(self, expr, comp):
        f, var = expr.args
        target = self._target(var)
        return sp.diff(self.tr(f, comp), target)

    def _tr_Grad(self, expr, comp):
        f, var = expr.args
        if self.shape(f):
            raise NotEvaluable(f"the gradient of a vector {f}")
        target = self._target(var, comp)
        return sp.diff(self.tr(f), target)

    def _used_as(self, expr, comp):
        """Refuse ``expr`` at a number of component indices other than its shape's."""
        shape = self.shape(expr)
        if len(comp) != len(shape):
            raise NotEvaluable(f"{expr} has shape {shape}, used with {len(comp)} indices")

    def _tr_Hessian(self, expr, comp):
        """Entry (k, l): the derivative by v_l of the derivative by v_k of f, as the gradient's entry is."""
        f, var = expr.args
        self._used_as(expr, comp)
        half = len(comp) // 2
        first = self._target(var, comp[:half])
        second = self._target(var, comp[half:])
        return sp.diff(sp.diff(self.tr(f), first), second)

    def _tr_Jacobian(self, expr, comp):
        """Entry (a, b): the derivative of entry a of F by entry b of v."""
        f, var = expr.args
        self._used_as(expr, comp)
        target = self._target(var, comp[1:])
        return sp.diff(self.tr(f, comp[:1]), target)

    def _tr_Diag(self, expr, comp):
        """Entry (a, b): v_a where a = b, else 0 (a Kronecker delta, as the identity's)."""
        self._used_as(expr, comp)
        return self.tr(expr.args[0], comp[:1]) * sp.KroneckerDelta(*comp)

    def _tr_Dot(self, expr, comp):
        a, b = expr.args
        sa, sb = self.shape(a), self.shape(b)
        if len(sa) != 1 or sa != sb:
            raise NotEvaluable(f"an inner product of shapes {sa} and {sb}")
        r = self.fresh(sa[0], "r")
        return sp.Sum(self.tr(a, (r,)) * self.tr(b, (r,)), (r, 1, sa[0]))

    def _tr_Transpose(self, expr, comp):
        inner = self.shape(expr.args[0])
        if len(inner) == 1:
            return self.tr(expr.args[0], comp[1:])
        return self.tr(expr.args[0], tuple(reversed(comp)))

    def _tr_Norm(self, expr, comp):
        shape = self.shape(expr.args[0])
        if not shape:
            raise NotEvaluable("the norm of a scalar: write |a|")
        idx = [self.fresh(size, "r") for size in shape]
        out = self.tr(expr.args[0], tuple(idx)) ** 2
        for r, size in zip(reversed(idx), reversed(shape)):
            out = sp.Sum(out, (r, 1, size))
        return sp.sqrt(out)

    def _tr_ZeroVector(self, expr, comp):
        if len(comp) != 1:
            raise NotEvaluable("the zero vector is used with one index")
        return sp.Integer(0)

    def _tr_Identity(self, expr, comp):
        if len(comp) != 2:
            raise NotEvaluable("the identity matrix is used with two indices")
        return sp.KroneckerDelta(*comp)

    def _tr_Inverse(self, expr, comp):
        raise NotEvaluable("a matrix inverse has no symbolic-size form: decided size by size")

    def _tr_Frobenius(self, expr, comp):
        shape = self.shape(expr.args[0])
        if len(shape) != 2:
            raise NotEvaluable(f"a Frobenius norm of shape {shape}")
        a, b = self.fresh(shape[0], "r"), self.fresh(shape[1], "r")
        return sp.Sum(sp.Sum(self.tr(expr.args[0], (a, b)) ** 2, (b, 1, shape[1])), (a, 1, shape[0]))

    def _tr_Ind(self, expr, comp):
        self._scalar(comp, expr)
        return self._indicator(expr.args[0])

    def _tr_kinked(self, expr, comp):
        """max, min, |.|, sign, Heaviside: the regions' atoms for their conditions."""
        self._scalar(comp, expr)
        return self.regions.rewrite(expr.func(*[self.tr(a) for a in expr.args]))

    _tr_Max = _tr_Min = _tr_Abs = _tr_sign = _tr_Heaviside = _tr_kinked

    def _tr_AppliedUndef(self, expr, comp):
        self._scalar(comp, expr)
        return self._named(expr)

    def _tr_Add(self, expr, comp):
        return sp.Add(*[self.tr(a, comp) for a in expr.args])

    def _tr_elementary(self, expr, comp):
        """A power, exp or log of scalars (a negative power's base is a denominator)."""
        self._scalar(comp, expr)
        args = [self.tr(a) for a in expr.args]
        if isinstance(expr, sp.Pow) and args[1].is_number and args[1].is_negative:
            self.denominators.append(args[0])
        return expr.func(*args)

    _tr_Pow = _tr_exp = _tr_log = _tr_elementary

    def _scalar(self, comp, expr):
        if comp:
            raise NotEvaluable(f"{expr} is a scalar, used as a vector or matrix")

    def _tr_Symbol(self, expr, comp):
        if expr.name in self.labels:
            raise NotEvaluable(f"the labels {expr.name} as a whole vector have no symbolic-size form")
        shape = () if expr.is_integer else self.shape_of_name(expr.name)
        if expr.name in self._derived_names or expr.name in self.rules:
            return self._derived_entry(expr.name, comp)
        if shape:
            if len(comp) != len(shape):
                raise NotEvaluable(f"{expr.name} has shape {shape}, used with {len(comp)} indices")
            self._present(expr.name)
            return _value_base(expr.name)[comp]
        self._scalar(comp, expr)
        if not expr.is_integer:
            self._present(expr.name)
            if self.ndims.get(expr.name, 0) > 0:  # an array of the space with no declared shape: not a scalar
                raise NotEvaluable(f"{expr.name} is a vector or matrix of the space: declare its shape "
                                   f"(Problem(shapes=...)) to prove it at symbolic size")
        return self.symbol(expr)

    def _in_range(self, expr, indices, sizes):
        """Refuse an index that may lie outside 1..size (w_{j-1} at j = 1, s_{k+1} at k = C)."""
        bounds = dict(self.eq.space.bounds, **self.bounds)
        for index, size in zip(indices, sizes):
            if size is None:
                if not (isinstance(index, sp.Symbol) or (isinstance(index, sp.Indexed) and index.is_integer)):
                    raise NotEvaluable(f"the index {index} of {expr} may be out of range: declare the shape of "
                                       f"{expr.base.label.name} (Problem(shapes=...))")
                continue
            if not (implied(sp.Ge(index, 1), bounds, self.labels) and implied(sp.Le(index, size), bounds,
                                                                                 self.labels)):
                raise NotEvaluable(f"the index {index} of {expr} may lie outside 1..{size}: decided size by size")

    def _tr_Indexed(self, expr, comp):
        base = expr.base.label.name
        indices = [self.tr(q) for q in expr.indices]
        family = self.catalog.columns.get(base) or self.catalog.rows.get(base)
        if family is not None:
            shape = self.shape_of_name(family)
            if shape is None:
                raise NotEvaluable(f"the shape of {family} is not declared (Problem(shapes=...))")
            self._in_range(expr, indices, [shape[1]] if base in self.catalog.columns else [shape[0]])
        elif base not in self.labels:
            shape = self.shape_of_name(base)
            self._in_range(expr, indices, list(shape) if shape and len(shape) == len(indices) else [None] * len(indices))
        if base in self.catalog.columns:  # w_j: column j of W
            if len(comp) != 1 or len(indices) != 1:
                raise NotEvaluable(f"{expr} is a column: one component index")
            self._present(self.catalog.columns[base])
            return _value_base(self.catalog.columns[base])[comp[0], indices[0]]
        if base in self.catalog.rows:  # x_i: row i of X
            if len(comp) != 1 or len(indices) != 1:
                raise NotEvaluable(f"{expr} is a row: one component index")
            self._present(self.catalog.rows[base])
            return _value_base(self.catalog.rows[base])[indices[0], comp[0]]
        self._scalar(comp, expr)
        if base in self.labels and len(indices) == 1:
            return label_base(base)[indices[0]]
        if base in self.rules or base in self._derived_names:
            return self._derived_entry(base, tuple(indices))
        if base in self.labels:
            raise NotEvaluable(f"{base} has no symbolic-size form")
        self._present(base)
        return _value_base(base)[tuple(indices) if len(indices) > 1 else indices[0]]

    def _derived_entry(self, name, at):
        """A derived value at indices ``at``: the page's definition of it, or the space's (checked) rule."""
        definition = self._definition_of(name)
        if definition is not None:
            head = definition.sides[0]
            params = head.indices if isinstance(head, sp.Indexed) else ()
            if len(params) != len(at):
                raise NotEvaluable(f"{name} is defined at {len(params)} indices, used at {len(at)}")
            # another page's definition of the name may not be what this space computes: compared with its code first
            if definition_agrees(self.eq, name, definition, self.catalog):
                out = self.tr(definition.sides[1])
                return out.xreplace({index_symbol(p.name): a for p, a in zip(params, at)})
            if name not in self.rules:
                raise NotEvaluable(f"{definition.id} does not define {name} as this space computes it")
        if name in self.rules:
            if not rule_agrees(self.eq, name):
                raise NotEvaluable(f"the space's rule for {name} disagrees with its code at a size of its range")
            return self.rules[name](*at)
        if not self._reaches_derivative(self.eq.sides):
            # no derivative can see what it is computed from: a statement true for every real value of it is true
            # for the value the space computes (a generalisation, never a guess)
            return _value_base(name)[at] if at else sp.Symbol(name, real=True)
        raise NotEvaluable(f"{name} is a derived value with no definition on a page and no rule at symbolic size")

    def _definition_of(self, name):
        for eq in self.catalog:
            if eq.kind != "definition" or eq.id == self.eq.id:
                continue
            head = eq.sides[0]
            if isinstance(head, sp.Indexed) and head.base.label.name == name and all(
                    isinstance(q, sp.Symbol) for q in head.indices):
                return eq
        return None

    def _reaches_derivative(self, exprs, seen=()):
        """Whether a derivative appears in ``exprs`` or in the definition of a named function they use."""
        for expr in exprs:
            for node in sp.preorder_traversal(expr):
                if isinstance(node, DERIVATIVES):
                    return True
                if isinstance(node, sp.core.function.AppliedUndef):
                    spec = self.catalog.functions.get(type(node).__name__)
                    if spec is not None and spec.definition and spec.definition not in seen:
                        definition = self.catalog.equations[spec.definition]
                        if self._reaches_derivative(definition.sides[1:], seen + (spec.definition,)):
                            return True
        return False

    def _tr_Mul(self, expr, comp):
        scalars, chain = [], []
        for a in expr.args:
            (chain if self.shape(a) else scalars).append(a)
        out = sp.Mul(*[self.tr(a) for a in scalars])
        if not chain:
            self._scalar(comp, expr)
            return out
        if len(chain) == 1:
            return out * self.tr(chain[0], comp)
        # a chain of matrices, a vector a column (n x 1) and its transpose a row: one sum per inner size
        dims = []
        for factor in chain:
            shape = self.shape(factor)
            dims.append((shape, (shape[0], sp.Integer(1)) if len(shape) == 1 else shape))
        for (_, left), (_, right) in zip(dims, dims[1:]):
            if left[1] != right[0]:
                raise NotEvaluable(f"the shapes in {expr} do not multiply: {left} and {right}")
        comp = list(comp)
        first = comp.pop(0) if dims[0][1][0] != 1 and comp else sp.Integer(1)
        last = comp.pop(0) if dims[-1][1][1] != 1 and comp else sp.Integer(1)
        if comp or (dims[0][1][0] != 1 and first == 1 and dims[-1][1][1] == 1 and not isinstance(first, sp.Symbol)):
            raise NotEvaluable(f"{expr} is used with the wrong number of indices")
        cuts = [first] + [sp.Integer(1) if left[1] == 1 else self.fresh(left[1], "r")
                          for (_, left) in dims[:-1]] + [last]
        term = out
        for n, (factor, (shape, _)) in enumerate(zip(chain, dims)):
            row, col = cuts[n], cuts[n + 1]
            term = term * self.tr(factor, (row,) if len(shape) == 1 else (row, col))
        for r in reversed(cuts[1:-1]):
            if isinstance(r, sp.Symbol):
                term = sp.Sum(term, (r, 1, self.bounds[r.name]))
        return term

    def _sum(self, body, index, lo, hi, excluded, comp=()):
        lo, hi = self.tr(lo), self.tr(hi)
        if not (hi - lo + 1).is_nonnegative:  # sympy's Sum runs backwards over a reversed range; ours is empty
            raise NotEvaluable(f"the range {lo}..{hi} of a sum may be empty or reversed: decided size by size")
        if lo.is_integer is not True or hi.is_integer is not True:  # k/2 terms: sympy would count k/2 - lo + 1
            raise NotEvaluable(f"the limits {lo}..{hi} of a sum may not be integers: decided size by size")
        if not implied(sp.Ge(lo, 1), dict(self.eq.space.bounds, **self.bounds), self.labels):
            # every index of the translation is an integer of 1 or more: a sum from 0 (or below) would be read so
            raise NotEvaluable(f"a sum from {lo} may start below 1: decided size by size")
        self._fresh += 1
        if isinstance(index, sp.Dummy):
            # a bound j that a definition's parameters were renamed around (a Dummy named j) gets a name of its own
            # before translating, as symbols are translated by name: it must not bind an argument's free j. (A
            # plain bound index keeps its name: a named function or derived value reads the sample i by it.)
            own = sp.Symbol(self._unused(f"{index.name}_own{self._fresh}"), integer=True)
            ranges = dict(self.eq.space.bounds, **self.bounds)
            if isinstance(hi, sp.Symbol) and hi.name in ("C", "N", "D"):
                self.bounds[own.name] = sp.Symbol(hi.name)  # the bound index runs to its own sum's end
            elif ranges.get(index.name) is not None and implied(sp.Le(hi, sp.Symbol(getattr(
                    ranges[index.name], "name", str(ranges[index.name])), integer=True, positive=True)), ranges,
                    self.labels):
                self.bounds[own.name] = ranges[index.name]  # an end below the index's own size bounds it
            body = body.xreplace({index: own})
            index = own
        # a fresh summation variable: d/ds_j of a sum over j must not mistake the bound j for the free one
        positive = bool((lo - 1).is_nonnegative)
        name = self._unused(f"{index.name}_bound{self._fresh}")
        bound = sp.Symbol(name, integer=True, positive=True) if positive else sp.Symbol(name, integer=True)
        self.index_names.add(index.name)
        # inside its sum the index runs over lo..hi, whatever its letter (an author's n as the site's i): its
        # entries x_n are in range by the sum, not by a bound the space happens to give the letter i
        shadowed, had = self.bounds.get(index.name), index.name in self.bounds
        self.bounds[index.name] = hi
        try:
            inner = self.tr(body, comp).xreplace({index_symbol(index.name): bound})
        finally:
            if had:
                self.bounds[index.name] = shadowed
            else:
                del self.bounds[index.name]
        out = sp.Sum(inner, (bound, lo, hi))
        if excluded is not sp.S.NaN:
            skip = self.tr(excluded)
            bounds = dict(self.eq.space.bounds, **self.bounds)
            if not (implied(sp.Ge(skip - lo, 0), bounds, self.labels) and implied(sp.Ge(hi - skip, 0), bounds,
                                                                                     self.labels)):
                raise NotEvaluable(f"the excluded index {excluded} may lie outside {lo}..{hi}: decided size by size")
            out = out - inner.xreplace({bound: skip})
        return out

    def _indicator(self, cond):
        if not isinstance(cond, Relational):
            raise NotEvaluable(f"no symbolic-size rule for the condition {cond}")
        a, b = self.tr(cond.lhs), self.tr(cond.rhs)
        if is_index_like(a) and is_index_like(b):
            if isinstance(cond, (sp.Eq, sp.Ne)):  # 1(j = y_i) between indices: a Kronecker delta, split in cases
                delta = sp.KroneckerDelta(a, b)
                return delta if isinstance(cond, sp.Eq) else 1 - delta
            raise NotEvaluable(f"{cond} orders indices: decided size by size, where they are numbers")
        return self.regions.indicator(cond.func(a, b, evaluate=False))

    def _named(self, expr):
        spec = self.catalog.functions.get(type(expr).__name__)
        if spec is None or spec.definition is None:
            raise NotEvaluable(f"{type(expr).__name__} has no definition on a page")
        definition = self.catalog.equations[spec.definition]
        head, errors = definition.sides[0], []
        swap = {}
        for param, arg in zip(head.args, expr.args):
            if isinstance(param, sp.Indexed):
                if not isinstance(arg, sp.Indexed) or arg.base != param.base:
                    raise NotEvaluable(f"{expr} is not {head} at another index")
                swap[param.indices[0]] = arg.indices[0]
            else:
                swap[param] = arg
        for n, form in enumerate(definition.sides[1:], 1):  # the first form that has a symbolic-size translation
            if n > 1 and not self.prove_links(definition, range(1, n)):
                errors.append(f"form {n + 1} of {spec.definition} is not proved equal to its definition for all sizes")
                continue
            try:
                # the arguments go in before translating, so that index ranges are those of the call
                return self.tr(subs_free(form, swap))
            except NotEvaluable as exc:
                errors.append(str(exc))
        raise NotEvaluable(f"no form of {type(expr).__name__} has a symbolic-size form: {'; '.join(errors)}")
