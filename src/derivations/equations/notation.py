"""The notation of the pages as sympy objects, and the LaTeX printer that shows them.

Every displayed equation is built from these objects once, in
the problem modules of :mod:`derivations.problems`. The page shows what
:func:`latex` prints from them, and the checks evaluate the same objects.

Trees are kept unevaluated (as written), so that the printed order of terms is
the written one; :func:`build` flattens nested sums and products.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter

__all__ = ["expression_key", 
    "Ind", "SumOver", "Frac", "Dot", "Cdot", "Partial", "Grad", "Hessian", "Jacobian", "Diag", "DERIVATIVES", "Transpose", "Frobenius", "Norm", "Identity", "Inverse", "ZeroVector",
    "fn", "build", "latex", "subs_free", "vector_bases", "FUNCTION_LATEX", "FUNCTION_PARAMETERS", "declare_parameters",
    "function_head", "shows_arguments",
]

# bases printed in bold: the common notation's vectors and matrices (a problem adds its own: Problem(bold=...))
vector_bases = frozenset({"w", "x", "W", "X", "G", "P", "T", "e"})
# named functions: how each prints, and whether its arguments are shown
FUNCTION_LATEX = {}
# the parameters of a function that hides its arguments (the arguments of its definition's first side): applied to
# exactly these it prints its fixed LaTeX; applied to anything else it prints its arguments (#27)
FUNCTION_PARAMETERS = {}


def _digit_apart(tex):
    r"""A number before an indicator with a dot between: ``2 \mathbf{1}(u = 0)`` reads as 21(u = 0)."""
    return re.sub(r"(\d) (\\mathbf\{1\})", r"\1 \\cdot \2", tex)


class Ind(sp.Expr):
    r"""The indicator :math:`1(\text{cond})` of a relation; ``Ind(a > b)``."""

    is_commutative = True  # a scalar (or, for Grad, a vector like the commuting symbols W and x)

    def __new__(cls, cond):
        return sp.Expr.__new__(cls, sp.sympify(cond))


class SumOver(sp.Expr):
    r"""A sum :math:`\sum_{k=lo}^{hi}` body, or over :math:`k \neq` ``excluded`` when given."""

    is_commutative = True  # a scalar (or, for Grad, a vector like the commuting symbols W and x)

    def __new__(cls, body, index, lo, hi, excluded=sp.S.NaN):
        return sp.Expr.__new__(cls, *map(sp.sympify, (body, index, lo, hi, excluded)))


class Dot(sp.Expr):
    r"""The inner product :math:`a^T b` of two column vectors."""

    is_commutative = True  # a scalar (or, for Grad, a vector like the commuting symbols W and x)

    def __new__(cls, a, b):
        return sp.Expr.__new__(cls, sp.sympify(a), sp.sympify(b))


class Cdot(sp.Expr):
    r"""``a \cdot b`` as a reader writes it: the inner product :math:`a^T b` where both are column vectors of one
    length (w_j \cdot x_i, the usual dot), else the product ``a b`` (2 \cdot u). Only a reader's line has it."""

    is_commutative = True  # a scalar (or, as a product, what Mul's own factors are)

    def __new__(cls, a, b):
        return sp.Expr.__new__(cls, sp.sympify(a), sp.sympify(b))

    def doit(self, **hints):  # to sympy (of scalars, simplify's doit): the product
        a, b = self.args
        if hints.get("deep", True):
            a, b = a.doit(**hints), b.doit(**hints)
        return a * b


class Transpose(sp.Expr):
    """:math:`A^T` of a matrix symbol, in a product of matrices."""

    def __new__(cls, a):
        return sp.Expr.__new__(cls, sp.sympify(a))

    is_commutative = False

    @property
    def arg(self):  # sympy's str printer reads a transpose's argument by this name
        return self.args[0]


class Frobenius(sp.Expr):
    r""":math:`\sum_{k,l} A_{kl}^2`, the squared Frobenius norm of a matrix symbol."""

    is_commutative = True  # a scalar (or, for Grad, a vector like the commuting symbols W and x)

    def __new__(cls, a):
        a = sp.sympify(a)
        if not isinstance(a, sp.Symbol):  # printed as A_{k,l}: a sum of matrices has no such entry to print
            raise TypeError(f"Frobenius takes a matrix symbol such as W, got {a}")
        return sp.Expr.__new__(cls, a)


class Norm(sp.Expr):
    r""":math:`\lVert a \rVert`, the Euclidean norm of a vector (of a matrix: the Frobenius norm)."""

    is_commutative = True

    def __new__(cls, a):
        return sp.Expr.__new__(cls, sp.sympify(a))


class Identity(sp.Expr):
    r""":math:`\mathbf{I}`, the identity matrix of size ``n`` (a size symbol such as D)."""

    is_commutative = True  # a matrix like the commuting symbols W and X: products keep their written order

    def __new__(cls, n):
        return sp.Expr.__new__(cls, sp.sympify(n))


class ZeroVector(sp.Expr):
    r""":math:`\mathbf{0}`, the zero vector of length ``n`` (a size symbol such as D)."""

    is_commutative = True

    def __new__(cls, n):
        return sp.Expr.__new__(cls, sp.sympify(n))


class Inverse(sp.Expr):
    r""":math:`A^{-1}`, the inverse of a square matrix."""

    is_commutative = True

    def __new__(cls, a):
        return sp.Expr.__new__(cls, sp.sympify(a))


class Frac(sp.Expr):
    r"""The fraction :math:`a / b`, printed as ``\frac{a}{b}``."""

    is_commutative = True  # a scalar (or, for Grad, a vector like the commuting symbols W and x)

    def __new__(cls, a, b):
        return sp.Expr.__new__(cls, sp.sympify(a), sp.sympify(b))


class Partial(sp.Expr):
    r""":math:`\partial f / \partial v` for a scalar variable ``v``."""

    is_commutative = True  # a scalar (or, for Grad, a vector like the commuting symbols W and x)

    def __new__(cls, f, var):
        return sp.Expr.__new__(cls, sp.sympify(f), sp.sympify(var))


class Grad(sp.Expr):
    r""":math:`\nabla_v f` of a scalar ``f`` for a vector or matrix variable ``v`` (of a gradient: :class:`Hessian`)."""

    is_commutative = True  # a scalar (or, for Grad, a vector like the commuting symbols W and x)

    def __new__(cls, f, var):
        f, var = sp.sympify(f), sp.sympify(var)
        if _vector_derivative(f):  # \nabla_w \nabla_w L would print as one thing and be checked as another
            raise TypeError(f"Grad(f, v) takes a scalar f, got the vector {f}: a derivative of a gradient is "
                            f"Hessian(L, w) (the matrix of second derivatives), or Jacobian(F, w) of a vector F")
        return sp.Expr.__new__(cls, f, var)


def _vector_derivative(f):
    """Whether ``f`` is, as written, a vector or matrix of derivatives: a gradient, Jacobian or Hessian, or a sum,
    multiple, fraction or SumOver of one."""
    if isinstance(f, (Grad, Jacobian, Hessian)):
        return True
    if isinstance(f, (sp.Add, sp.Mul)):
        return any(_vector_derivative(a) for a in f.args)
    return isinstance(f, (Frac, SumOver)) and _vector_derivative(f.args[0])


def _variable(cls, var):
    """A second derivative's variable: a vector symbol (``w``), never an entry or an expression."""
    if not isinstance(var, sp.Symbol) or var.is_integer:
        raise TypeError(f"{cls.__name__}(f, v) differentiates with respect to a vector symbol such as w, got {var}")


class Hessian(sp.Expr):
    r""":math:`\nabla^2_v f`, the Hessian of a scalar ``f`` with respect to a vector symbol ``v``: the matrix whose
    entry (k, l) is :math:`\partial^2 f / \partial v_k \partial v_l` (the Jacobian of the gradient)."""

    is_commutative = True  # a matrix like the commuting symbols W and X: products keep their written order

    def __new__(cls, f, var):
        f, var = sp.sympify(f), sp.sympify(var)
        _variable(cls, var)
        if _vector_derivative(f):
            raise TypeError(f"Hessian(f, v) takes a scalar f, got the vector {f}: the Hessian of L is Hessian(L, w), "
                            f"and the derivative of a vector of derivatives is Jacobian(F, w)")
        return sp.Expr.__new__(cls, f, var)


class Jacobian(sp.Expr):
    r""":math:`\partial \mathbf{f} / \partial \mathbf{v}^T`, the Jacobian of a vector ``f`` with respect to a vector
    symbol ``v``: the matrix whose entry (a, b) is :math:`\partial f_a / \partial v_b` (one row per entry of ``f``)."""

    is_commutative = True

    def __new__(cls, f, var):
        f, var = sp.sympify(f), sp.sympify(var)
        _variable(cls, var)
        return sp.Expr.__new__(cls, f, var)


class Diag(sp.Expr):
    r""":math:`\operatorname{diag}(\mathbf{v})`, the diagonal matrix of a vector ``v``: entry (a, b) is v_a where
    a = b, else 0. A vector of values at each sample (p_n (1 - p_n)) is a derived value of the space with a
    definition on the page (``q[n]`` defined as ``p[n] * (1 - p[n])``): ``Diag(q)``."""

    is_commutative = True

    def __new__(cls, v):
        return sp.Expr.__new__(cls, sp.sympify(v))


# the notation's derivatives: a side with one of them is a derivative (checked by finite differences, proved off kinks)
DERIVATIVES = (Partial, Grad, Jacobian, Hessian)


def fn(name, tex, show_args=True):
    """A named function of the notation (``CE``, ``f``, ``\\sigma``, ``L_i``)."""
    FUNCTION_LATEX[name] = (tex, show_args)
    return sp.Function(name)


def declare_parameters(name, args):
    """The parameters of the named function ``name``, as its definition writes it (``g(u)``: ``(u,)``)."""
    FUNCTION_PARAMETERS[name] = tuple(args)


def function_head(tex):
    """A function's LaTeX without the parameters it was written with: ``L(\\mathbf{W})`` is ``L``."""
    text = tex.rstrip()
    for close, opens in ((r"\right)", r"\left("), (")", "(")):
        if text.endswith(close):
            depth, n = 0, len(text)
            while n > 0:
                n -= 1
                if text.startswith(close, n):
                    depth += 1
                elif text.startswith(opens, n):
                    depth -= 1
                    if depth == 0:
                        return text[:n].rstrip() or tex
            return tex
    return tex


def shows_arguments(name, args):
    """Whether the named function ``name`` applied to ``args`` prints them: always where it shows its arguments, and
    where it hides them, whenever they are not exactly its declared parameters (none for ``CE()``)."""
    tex, show_args = FUNCTION_LATEX[name]
    return show_args or (bool(args) and tuple(args) != FUNCTION_PARAMETERS.get(name, ()))


def build(make):
    """Call ``make()`` with sympy's evaluation off and flatten the result, so it stays as written."""
    with sp.evaluate(False):
        expr = make()
    return flatten(expr)


def flatten(expr):
    """Merge nested ``Add``/``Mul`` into one node each, keeping the written order."""
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    args = [flatten(a) for a in expr.args]
    if isinstance(expr, (sp.Add, sp.Mul)):
        merged = []
        for a in args:
            merged.extend(a.args if type(a) is type(expr) else [a])
        if isinstance(expr, sp.Mul):  # one coefficient, in front: - a, never - - a or a (-1) b
            numbers = [a for a in merged if isinstance(a, sp.Number)]
            if len(numbers) > 1 or (numbers and merged[0] is not numbers[0]):
                coeff = sp.Mul(*numbers)
                rest = [a for a in merged if not isinstance(a, sp.Number)]
                merged = ([coeff] if coeff != 1 else []) + rest
                if len(merged) == 1:
                    return merged[0]
                if not merged:
                    return sp.Integer(1)
        return expr.func(*merged, evaluate=False)
    if isinstance(expr, sp.Indexed):
        return sp.Indexed(args[0], *args[1:])
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:
        return expr.func(*args)


class _Grouped(sp.Expr):
    """A factor printed in parentheses (a sum that is not the last factor of a product)."""

    def __new__(cls, inner):
        return sp.Expr.__new__(cls, inner)


def _open_ended(node):
    """A factor whose printed form runs on into what follows it (\\sum, \\log x, \\nabla_v f, \\sum_{k,l} A^2)."""
    return isinstance(node, (SumOver, Frobenius, Grad, Hessian, sp.log))


def _groups(node):
    """Whether ``node`` must be parenthesised as a factor, a base or a transposed term (a sum, or a sum of terms)."""
    return isinstance(node, (SumOver, sp.Add))


def subs_free(expr, mapping, bound=frozenset()):
    """``expr`` with the free occurrences of the keys of ``mapping`` replaced (a sum's own index is left alone)."""
    if not mapping or not isinstance(expr, sp.Basic):
        return expr
    live = {k: v for k, v in mapping.items() if not (isinstance(k, sp.Symbol) and k in bound)}
    if expr in live:
        return live[expr]
    if not expr.args:
        return expr
    if isinstance(expr, SumOver):
        body, index, lo, hi, excluded = expr.args
        if any(isinstance(v, sp.Basic) and index in v.free_symbols for k, v in live.items() if body.has(k)):
            # the sum's own index is in what comes in: rename it first, so that nothing is captured
            fresh = sp.Dummy(index.name, **index.assumptions0)
            body, index = subs_free(body, {index: fresh}), fresh
        inner = bound | {index}
        return SumOver(subs_free(body, mapping, inner), index, subs_free(lo, mapping, bound),
                       subs_free(hi, mapping, bound),
                       excluded if excluded is sp.S.NaN else subs_free(excluded, mapping, bound))
    args = [subs_free(a, mapping, bound) for a in expr.args]
    if isinstance(expr, sp.Indexed):
        return sp.Indexed(args[0], *args[1:])
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:
        return expr.func(*args)


def _paren(tex, args):
    """Parentheses that grow only around tall contents (fractions, sums)."""
    tall = any(a.has(Frac, SumOver) for a in args if isinstance(a, sp.Basic))
    return r"\left(%s\right)" % tex if tall else "(%s)" % tex


def letter_tex(name, bold=False, plain=None):
    r"""A symbol's letter as the pages print it: ``lam`` is \lambda, ``mu`` sympy's \mu; bold, a Latin letter is
    \mathbf{x} and a Greek one \boldsymbol{\mu} (\mathbf{mu} would print the two letters m and u).

    >>> letter_tex("mu", bold=True), letter_tex("x", bold=True), letter_tex("lam"), letter_tex("x_1")
    ('\\boldsymbol{\\mu}', '\\mathbf{x}', '\\lambda', 'x_{1}')
    """
    tex = r"\lambda" if name == "lam" else (plain or (lambda n: LatexPrinter()._print_Symbol(sp.Symbol(n))))(name)
    if not bold:
        return tex
    return r"\boldsymbol{%s}" % tex if tex.startswith("\\") else r"\mathbf{%s}" % name


class NotationPrinter(LatexPrinter):
    """sympy's LaTeX printer, taught this site's notation."""

    def __init__(self, narrow=False, bold=vector_bases):
        super().__init__({"order": "none", "mul_symbol": None})
        self.narrow = narrow
        self.bold = frozenset(bold)

    def _print_Symbol(self, expr, style="plain"):
        return letter_tex(expr.name, expr.name in self.bold, lambda name: super(NotationPrinter, self)._print_Symbol(
            sp.Symbol(name), style))

    def _print_IndexedBase(self, expr):
        return self._print(expr.label)

    def _print_Indexed(self, expr):
        # an entry of a vector is a scalar (s_j); an entry of a matrix keeps the matrix's letter (bold W_{k,l}),
        # so that the W of a sum over entries is the W of a matrix product
        base = self._print(expr.base)
        indices = ",".join(self._print(i) for i in expr.indices)
        return "%s_{%s}" % (base, indices)

    def _print__Grouped(self, expr):
        return r"\left(%s\right)" % self._print(expr.args[0])

    def _print_Mul(self, expr):
        # a factor that reaches to the end of its term (a sum's body, the argument of a log, a gradient's function)
        # would take the next factor in: (sum_j a_j) x, (log f) s, (nabla f) g, never sum_j a_j x
        args = list(expr.args)
        if any(_open_ended(a) for a in args[:-1]):
            args = [_Grouped(a) if _open_ended(a) and n < len(args) - 1 else a for n, a in enumerate(args)]
            return _digit_apart(super()._print_Mul(sp.Mul(*args, evaluate=False)))
        return _digit_apart(super()._print_Mul(expr))

    def _print_Pow(self, expr):
        if expr.exp == -1 and not isinstance(expr.base, (Inverse, sp.Symbol)):  # 1/b, never b (-1)
            return r"\frac{1}{%s}" % self._print(expr.base)
        if isinstance(expr.base, Norm):
            return self._print_Norm(expr.base, self._print(expr.exp))
        if isinstance(expr.base, (SumOver, Frobenius, Grad, Hessian, Jacobian, Diag, Dot, Transpose, Frac, Inverse)):
            return r"\left(%s\right)^{%s}" % (self._print(expr.base), self._print(expr.exp))
        return super()._print_Pow(expr)

    def _print_Add(self, expr, order=None):
        cases = self._cases(expr)
        if cases is not None:
            return cases
        return "".join(tex if n == 0 else f" {op} {tex}" for n, (op, tex) in enumerate(self.add_terms(expr, order)))

    def add_terms(self, expr, order=None):
        """The terms of a sum as this printer writes them: (``""``, ``"+"`` or ``"-"``, the term's LaTeX), the sign
        taken out of a term only where the term is printed whole after it (``- (\\tau + 1)``, never ``- \\tau + 1``).
        The one place that decides how a sum is written: the wide shape joins the terms on a line, the narrow
        shapes (:func:`derivations.equations.catalog.Equation.shapes`) one per line."""
        out = []
        for n, term in enumerate(self._as_ordered_terms(expr, order=order)):
            op = ""
            if n and term.could_extract_minus_sign():
                op, term = "-", -term
            elif n:
                op = "+"
            tex = self._print(term)
            if self._needs_add_brackets(term):
                tex = r"\left(%s\right)" % tex
            out.append((op, tex))
        return out

    def factor(self, expr):
        """``expr`` as a factor of a product is printed: in parentheses where it is a sum, or runs on (a sum's body)."""
        if isinstance(expr, sp.Add) or _open_ended(expr) or self._print(expr).lstrip().startswith("-"):
            return self._print(_Grouped(expr))
        return self._print(expr)

    def _cases(self, expr):
        r"""``a 1(j != k) + b 1(j = k)`` as a two-case brace: ``a if j != k, b if j = k``; else None."""
        if len(expr.args) != 2:
            return None
        parts = []
        for term in expr.args:
            coeff, factors = term.as_coeff_mul()
            conditions = [f for f in factors if isinstance(f, Ind) and isinstance(f.args[0], (sp.Eq, sp.Ne))]
            if len(conditions) != 1:
                return None
            rest = [f for f in factors if f is not conditions[0]]
            value = sp.Mul(coeff, *rest, evaluate=False) if coeff != 1 else sp.Mul(*rest, evaluate=False)
            parts.append((conditions[0].args[0], value))
        (a, x), (b, y) = sorted(parts, key=lambda p: isinstance(p[0], sp.Eq))
        if not (isinstance(a, sp.Ne) and isinstance(b, sp.Eq) and set(a.args) == set(b.args)):
            return None
        if self.narrow:  # each condition on a line under its value: half the width
            return (r"\begin{cases} %s \\ \quad \text{if } %s, \\ %s \\ \quad \text{if } %s \end{cases}"
                    % (self._print(x), self._print(a), self._print(y), self._print(b)))
        return (r"\begin{cases} %s & \text{if } %s \\ %s & \text{if } %s \end{cases}"
                % (self._print(x), self._print(a), self._print(y), self._print(b)))

    def _print_Ind(self, expr):
        return r"\mathbf{1}%s" % _paren(self._print(expr.args[0]), expr.args)

    def _print_SumOver(self, expr):
        body, index, lo, hi, excluded = expr.args
        if excluded is sp.S.NaN:
            limits = r"_{%s=%s}^{%s}" % (self._print(index), self._print(lo), self._print(hi))
        elif lo == 1 and isinstance(hi, sp.Symbol) and hi.name == "C":  # over the classes, as the pages say
            limits = r"_{%s \neq %s}" % (self._print(index), self._print(excluded))
        else:  # any other range is shown
            limits = r"_{%s=%s,\, %s \neq %s}^{%s}" % (self._print(index), self._print(lo), self._print(index),
                                                      self._print(excluded), self._print(hi))
        inner = self._print(body)
        if isinstance(body, sp.Add) or inner.lstrip().startswith("-"):  # \sum_k - a_k would read as a difference
            inner = r"\left(%s\right)" % inner
        return r"\sum%s %s" % (limits, inner)

    def _print_Dot(self, expr):
        a, b = (self._print(x) for x in expr.args)
        a = r"\left(%s\right)" % a if isinstance(expr.args[0], (sp.Add, sp.Mul, SumOver, Transpose)) else a
        b = r"\left(%s\right)" % b if _groups(expr.args[1]) or b.startswith("-") else b
        return r"%s^{T} %s" % (a, b)

    def _print_Cdot(self, expr):
        a, b = (self._print(x) for x in expr.args)
        a = r"\left(%s\right)" % a if _groups(expr.args[0]) else a
        b = r"\left(%s\right)" % b if _groups(expr.args[1]) or b.startswith("-") else b
        return r"%s \cdot %s" % (a, b)

    def _print_Transpose(self, expr):
        inner = self._print(expr.args[0])
        if isinstance(expr.args[0], (sp.Add, sp.Mul, SumOver)):
            inner = r"\left(%s\right)" % inner
        return r"%s^{T}" % inner

    def _print_Norm(self, expr, exp=None):
        tex = r"\left\lVert %s \right\rVert" % self._print(expr.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def _print_Identity(self, expr):
        return r"\mathbf{I}"

    def _print_ZeroVector(self, expr):
        return r"\mathbf{0}"

    def _print_Inverse(self, expr):
        inner = self._print(expr.args[0])
        if not isinstance(expr.args[0], (sp.Symbol, Identity)):
            inner = r"\left(%s\right)" % inner
        return r"%s^{-1}" % inner

    def _print_Frobenius(self, expr):
        a = expr.args[0]
        return r"\sum_{k,l} %s_{k,l}^{2}" % self._print(a)

    def _print_Partial(self, expr):
        return r"\frac{\partial %s}{\partial %s}" % (self._print(expr.args[0]), self._print(expr.args[1]))

    def _operand(self, f):
        """The function an operator (a gradient, a Hessian) applies to: in parentheses where it is a sum or product."""
        tex = self._print(f)
        if isinstance(f, (sp.Add, sp.Mul, Dot)) or tex.startswith("-"):
            tex = r"\left(%s\right)" % tex
        return tex

    def _print_Grad(self, expr):
        return r"\nabla_{%s} %s" % (self._print(expr.args[1]), self._operand(expr.args[0]))

    def _print_Hessian(self, expr):
        return r"\nabla^{2}_{%s} %s" % (self._print(expr.args[1]), self._operand(expr.args[0]))

    def _print_Jacobian(self, expr):
        return r"\frac{\partial %s}{\partial %s^{T}}" % (self._print(expr.args[0]), self._print(expr.args[1]))

    def _print_Diag(self, expr):
        return r"\operatorname{diag}%s" % _paren(self._print(expr.args[0]), expr.args)

    def _print_Function(self, expr, exp=None):
        name = type(expr).__name__
        if name in FUNCTION_LATEX:
            tex, show_args = FUNCTION_LATEX[name]
            if shows_arguments(name, expr.args):  # g(2u) is never printed as the g(u) of its definition
                head = tex if show_args else function_head(tex)
                tex = "%s%s" % (head, _paren(", ".join(self._print(a) for a in expr.args), expr.args))
            return tex if exp is None else r"%s^{%s}" % (tex, exp)
        return super()._print_Function(expr, exp)

    def _print_Max(self, expr, exp=None):
        tex = r"\max%s" % _paren(", ".join(self._print(a) for a in expr.args), expr.args)
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def _print_log(self, expr, exp=None):
        arg = expr.args[0]
        inner = self._print(arg)
        if not isinstance(arg, (sp.Symbol, sp.Indexed, sp.Number, sp.Function, Frac)) or inner.startswith("-"):
            inner = r"\left(%s\right)" % inner
        tex = r"\log %s" % inner
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)

    def _print_Frac(self, expr):
        return r"\frac{%s}{%s}" % (self._print(expr.args[0]), self._print(expr.args[1]))


_printers = {}


def printer(narrow=False, bold=None):
    """The printer of :func:`latex` for these settings (one per setting, kept)."""
    key = (narrow, frozenset(vector_bases if bold is None else bold))
    if key not in _printers:
        _printers[key] = NotationPrinter(narrow, key[1])
    return _printers[key]


def latex(expr, narrow=False, bold=None):
    """LaTeX of ``expr`` in this site's notation, printed in the written order.

    >>> import sympy as sp
    >>> s = sp.IndexedBase("s")
    >>> j, yi = sp.symbols("j y_i")
    >>> print(latex(build(lambda: sp.Max(0, s[j] - s[yi] + 1))))
    \\max(0, s_{j} - s_{y_{i}} + 1)

    ``narrow`` sets a two-case brace with each condition under its value;
    ``bold`` names the letters printed bold (the common ones by default).
    """
    return printer(narrow, bold).doprint(expr)


def expression_key(expr):
    """A key of ``expr`` that does not depend on how it was built (evaluated or as written)."""
    def evaluated(e):
        if not isinstance(e, sp.Basic) or not e.args or isinstance(e, (sp.Indexed, sp.IndexedBase)):
            return e
        try:
            return e.func(*[evaluated(a) for a in e.args])
        except (TypeError, ValueError):
            return e
    return sp.srepr(evaluated(sp.sympify(expr)))
