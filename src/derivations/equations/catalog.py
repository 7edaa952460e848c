"""Problems, their equations and named functions, and the catalog that gathers them.

A problem is one module of :mod:`derivations.problems` and one page of the
site. The module makes a :class:`Problem` and declares everything the page
needs through it: its equations (:meth:`Problem.equation`), the named
functions of its notation with their package counterparts
(:meth:`Problem.function`), and how its indexed symbols read the package's
arrays (``columns``, ``rows``). :func:`discover` imports every such module and
builds the :class:`Catalog`; nothing outside the module lists it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import importlib
import inspect
from pathlib import Path
import pkgutil

import sympy as sp

from derivations.equations.notation import (_Grouped, _open_ended, build, declare_parameters, expression_key, flatten, fn, latex,
                                            printer, vector_bases)

__all__ = ["Equation", "FunctionSpec", "Problem", "Catalog", "ProblemNotation", "ProblemError", "DeclarationError", "discover",
           "expression_key", "KINDS"]


class ProblemError(ValueError):
    """A problem module that cannot be loaded: the message names its file and line and the error, in one line."""


class DeclarationError(ProblemError, TypeError):
    """A declaration refused where it is made (``Problem``, ``PROBLEM.equation``, ``PROBLEM.function``): the message
    names the module line, the error, the problem and the fix, in one line, as :func:`discover` prints it. It is a
    ValueError and a TypeError both, as the errors of a bad argument were before."""


def _source_of(frame):
    """(file as the messages name it, line) of a declaring frame: problems/x.py under the package, else the file name."""
    source = Path(frame.f_code.co_filename).resolve()
    where = source.relative_to(PACKAGE_DIR).as_posix() if PACKAGE_DIR in source.parents else source.name
    return where, frame.f_lineno


_PARSED = {}


def _side_lines(sides, count):
    """The line of each side in the module, read from the source of ``sides`` (a lambda returning a list, or a
    function returning one): (0, ...) where it cannot be read (no source, or not a list of ``count`` sides)."""
    import ast

    code = getattr(sides, "__code__", None)
    if code is None:
        return (0,) * count
    path = code.co_filename
    if path not in _PARSED:
        try:
            _PARSED[path] = ast.parse(Path(path).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            _PARSED[path] = None
    tree = _PARSED[path]
    if tree is None:
        return (0,) * count
    for node in ast.walk(tree):
        if isinstance(node, ast.Lambda) and node.lineno == code.co_firstlineno:
            body = node.body
        elif isinstance(node, ast.FunctionDef) and node.lineno <= code.co_firstlineno <= node.body[0].lineno and \
                node.name == code.co_name:
            body = next((r.value for r in ast.walk(node) if isinstance(r, ast.Return)), None)
        else:
            continue
        if isinstance(body, (ast.List, ast.Tuple)) and len(body.elts) == count and \
                not any(isinstance(e, ast.Starred) for e in body.elts):
            return tuple(e.lineno for e in body.elts)
    return (0,) * count


def _caller():
    """The frame that called the declaring method (the author's module line)."""
    return inspect.currentframe().f_back.f_back

KINDS = ("identity", "gradient", "definition", "inequality")
RELATION = {"inequality": r"\geq"}  # how the sides of a kind are joined (an inequality: side 1 >= side 2 >= ...)
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/derivations


def _same_print(sides):
    """Refuse two different symbols that print alike (lam and lambda are both \\lambda): the page could not tell them
    apart, so a reader could not check what the engine checks. The reason, or None."""
    printed = {}
    for side in sides:
        for node in sp.preorder_traversal(side):
            if isinstance(node, sp.Symbol) or isinstance(node, sp.IndexedBase):
                tex = latex(node)
                other = printed.setdefault(tex, node)
                same = (other.name == node.name) if isinstance(node, sp.Symbol) else (other == node)
                if isinstance(other, sp.Symbol) and isinstance(node, sp.Symbol) and not same:
                    return f"the symbols {other.name!r} and {node.name!r} both print as {tex}: rename one"
    return None


DEFINES = ("the first side of a definition is what it defines: a function declared with PROBLEM.function, applied "
           "to its parameters (sigma(z), BCE(z, tau), f(s_k)), or a symbol or an indexed symbol the space computes "
           "(P, s_j, G_{i,j})")
AS_IDENTITY = "a statement that one formula equals another is an identity: file it as kind='identity', to be proved"


def _parameters_problem(head):
    """Why the arguments of a definition's first side are not parameters (distinct symbols, entries s_k), or None."""
    seen = set()
    for arg in head.args:
        if isinstance(arg, sp.Symbol):
            key = arg.name
        elif isinstance(arg, sp.Indexed) and len(arg.indices) == 1 and isinstance(arg.indices[0], sp.Symbol):
            key = arg.indices[0].name
        else:
            return f"its argument {arg} is not a parameter (a symbol such as z, or an entry such as s_k)"
        if key in seen:
            return f"its parameter {key} appears twice"
        seen.add(key)
    return None


def _head_problem(head, space):
    """Why ``head`` cannot be the first side of a definition (:data:`DEFINES`), or None."""
    from derivations.equations.notation import FUNCTION_LATEX

    if isinstance(head, sp.core.function.AppliedUndef):
        if type(head).__name__ not in FUNCTION_LATEX:
            return (f"{head} applies a function no Problem declares: declare it with PROBLEM.function(name, tex, "
                    f"definition, package)")
        return _parameters_problem(head)
    if isinstance(head, sp.Indexed):
        if any(not isinstance(q, sp.Symbol) for q in head.indices) or len(set(head.indices)) != len(head.indices):
            return f"{head} is an entry at {', '.join(map(str, head.indices))}: a definition holds at index symbols"
        name = head.base.label.name
    elif isinstance(head, sp.Symbol) and not head.is_integer:
        name = head.name
    else:
        return f"{head} is a {type(head).__name__}, a formula: {AS_IDENTITY}"
    try:  # a value the space gives as an input is not defined by a formula: that is an identity about it
        first = next(iter(space.every({n: min(v) for n, v in space.sizes.items() if v}, set())), None)
    except Exception:  # noqa: BLE001 - a space that cannot list points: check_equation says so
        first = None
    if first is not None and name in first.values and name not in first.derived:
        return (f"{name} is a value the space gives (an input of its points), not one it computes from them: "
                f"{AS_IDENTITY}")
    return None


@dataclass
class Equation:
    """One displayed equation, or a chain ``sides[0] = sides[1] = ...`` checked link by link.

    ``space`` says where the statement lives: the points where every link is
    evaluated (random, edge cases, kinks) and the sizes it is proved for (see
    :mod:`derivations.equations.points`). ``number`` pins the number shown (the
    assignment's (1)-(4)); other equations are numbered on their page in order.
    """

    id: str
    page: str
    kind: str
    title: str
    sides: list
    space: object
    number: str | None = None
    prove: bool = True
    source: tuple = ("", 0)
    shown_number: str = field(default="", compare=False)
    domain: tuple = ()
    bold: frozenset = field(default=vector_bases, compare=False)
    side_lines: tuple = field(default=(), compare=False)  # the module line each side is written on (0: not known)

    def side_source(self, n):
        """'<file>, line <n>' of side ``n`` (1-based) where it is known, else of the declaration."""
        line = self.side_lines[n - 1] if 0 < n <= len(self.side_lines) and self.side_lines[n - 1] else self.source[1]
        return f"{self.source[0]}, line {line}"

    @property
    def anchor(self):
        return f"eq-{self.id}"

    def points(self, rng):
        """The concrete points of the numeric checks."""
        return self.space.sample(rng)

    @property
    def relation(self):
        """The relation between neighbouring sides: = (an inequality, >=, is checked numerically only)."""
        return RELATION.get(self.kind, "=")

    def latex(self, tag=True):
        """The LaTeX shown on the page, printed from ``sides``."""
        parts = [latex(side, bold=self.bold) for side in self.sides]
        rel = self.relation
        if len(parts) == 2:
            body = f"{parts[0]} {rel} {parts[1]}"
        else:
            body = r"\begin{aligned} " + f"{parts[0]} &{rel} {parts[1]}" + "".join(
                r" \\ " + f"&{rel} {p}" for p in parts[2:]
            ) + r" \end{aligned}"
        return body + (r" \tag{%s}" % self.shown_number if tag and self.shown_number else "")

    def shapes(self):
        """The formula as a book sets it at narrower widths, widest first, each printed from the same sides.

        1. as :meth:`latex` prints it (without its number);
        2. broken after each "=": every side on a line of its own, the relation leading it;
        3. also every side broken at its top-level + and - (continued lines indented), never inside a sum's
           argument, a fraction, an indicator or parentheses; a two-case brace with each condition under its value.
        A shape that is the same as the one before is left out.
        """
        out = [self.latex(tag=False)]
        rel = self.relation
        lines = [r"& " + latex(self.sides[0], bold=self.bold)]
        lines += [rf"& \quad {rel} " + latex(side, bold=self.bold) for side in self.sides[1:]]
        out.append(r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}")
        broken = [r"& " + latex(self.sides[0], narrow=True, bold=self.bold)]
        broken += [rf"& \quad {rel} " + _broken(side, r"& \qquad ", bold=self.bold) for side in self.sides[1:]]
        out.append(r"\begin{aligned} " + r" \\ ".join(broken) + r" \end{aligned}")
        # 4. a product that is still too wide: its last factor (x_i of (4)) on a line of its own
        broken = [r"& " + latex(self.sides[0], narrow=True, bold=self.bold)]
        broken += [rf"& \quad {rel} " + _broken(side, r"& \qquad ", products=True, bold=self.bold)
                   for side in self.sides[1:]]
        out.append(r"\begin{aligned} " + r" \\ ".join(broken) + r" \end{aligned}")
        return list(dict.fromkeys(out))


def _broken(side, lead, products=False, bold=None):
    """A side with a line break before each of its top-level + and - (``lead`` opens each continued line).

    With ``products``, a side that is one product has its last factor on a line of its own, written as every product of
    the site is, side by side with no sign (a scalar times a vector reads the same on one line and on two).
    Every piece is printed by the printer (``NotationPrinter.add_terms`` and ``factor``), which alone decides signs
    and parentheses: a term - (tau + 1) keeps its parentheses on a phone as on a desktop.
    """
    out = printer(narrow=True, bold=bold)
    whole = out.doprint(side)
    if products and isinstance(side, sp.Mul) and len(side.args) > 2 and not whole.startswith(r"\begin{cases}"):
        # the factors before the break keep their parentheses: -(sum_j ...) then x_i, never -sum_j (... x_i)
        head = sp.Mul(*[_Grouped(a) if _open_ended(a) else a for a in side.args[:-1]], evaluate=False)
        last = out.factor(side.args[-1])
        # a number after a number takes the \cdot that the one-line print gives it too (2 \cdot 3, never 23)
        return out.doprint(head) + r" \\ " + lead + (r"\cdot " if last[:1].isdigit() else "") + last
    if not isinstance(side, sp.Add) or not lead or whole.startswith(r"\begin{cases}"):
        return whole
    return "".join(tex if n == 0 else r" \\ " + lead + f"{op} {tex}" for n, (op, tex) in enumerate(out.add_terms(side)))


@dataclass
class FunctionSpec:
    """A named function of the notation, with its definition on a page and in the package.

    ``definition`` is the id of the equation whose first side is the function
    applied to its parameters and whose other sides are formulas for it.
    ``package(values, index, evaluate, *args)`` computes it with the package;
    ``gradients[var_name](values, index)`` is the package's own gradient.
    """

    name: str
    definition: str | None
    package: callable
    gradients: dict = field(default_factory=dict)
    tex: tuple = field(default=None, compare=False)  # (LaTeX, show_args) as the page prints it
    problem: str = field(default="", compare=False)  # the problem that declares it: "Problem 1 (problem-1.md)"
    source: tuple = field(default=("", 0), compare=False)  # (file, line) of its declaration

    def differences(self, other):
        """What differs between two declarations of one function name (definition, LaTeX, package code, gradients),
        in words; [] when they are the same function."""
        from derivations.equations.fingerprint import behaviour

        out = []
        if self.definition != other.definition:
            out.append(f"the definition ({self.definition!r} and {other.definition!r})")
        if self.tex is not None and other.tex is not None and self.tex != other.tex:
            out.append(f"the LaTeX ({self.tex[0]!r} and {other.tex[0]!r}"
                       + (", arguments shown and not" if self.tex[1] != other.tex[1] else "") + ")")
        if self.package is not other.package and behaviour(self.package) != behaviour(other.package):
            out.append("the package code")
        mine, theirs = self.gradients, other.gradients
        if set(mine) != set(theirs) or any(mine[k] is not theirs[k] and behaviour(mine[k]) != behaviour(theirs[k])
                                           for k in mine):
            out.append(f"the package gradients (with respect to {sorted(mine)} and {sorted(theirs)})")
        return out

    def where(self):
        """'<file>, line <n>' of its declaration."""
        return f"{self.source[0]}, line {self.source[1]}" if self.source[0] else "(declared outside a module)"


class Problem:
    """One page of derivations: its equations, named functions and array conventions.

    ``number`` prefixes the equation numbers of the page: (3.1), (3.2), ...
    ``columns`` and ``rows`` say how an indexed vector reads an array of the
    package: ``columns={"w": "W"}`` makes w_j column j of W, ``rows={"x": "X"}``
    makes x_i row i of X. ``bold`` names the letters of the page's vectors and
    matrices that the common notation does not already print in bold
    (w, x, W, X, G, P, T, e). ``shapes`` gives each vector and matrix its
    shape in sizes (``{"W": ("D", "C"), "x": ("D",)}``; for a family such as
    ``w_j`` the shape of one member): the points are checked against it, and
    the all-sizes prover writes vectors and matrices entry by entry with it.
    """

    def __init__(self, page, number, title, columns=None, rows=None, bold=(), shapes=None):
        frame = inspect.currentframe().f_back  # the module line that makes the problem
        self.module = frame.f_globals.get("__name__", "")  # the module that makes it (discover takes its own only)
        self.source = _source_of(frame)
        self.page, self.number, self.title = page, str(number), title
        if not isinstance(page, str) or not page.endswith(".md"):
            self._refuse(f"page must be the path of a Markdown page under docs/, got {page!r}", frame=frame)
        self.columns, self.rows = dict(columns or {}), dict(rows or {})
        self.shapes = {}
        for name, shape in (shapes or {}).items():
            if not (isinstance(shape, tuple) and 1 <= len(shape) <= 2 and all(isinstance(n, str) for n in shape)):
                self._refuse(f"shapes[{name!r}] must be a tuple of one or two size names such as ('D', 'C'), "
                             f"got {shape!r}", frame=frame)
            self.shapes[name] = shape
        self.bold = frozenset(vector_bases) | frozenset(bold)  # this page's letters in bold, and no other page's
        self.equations, self.functions, self.package_gradients = [], {}, {}

    def __repr__(self):
        return f"Problem {self.number} ({self.page})"

    def _refuse(self, message, frame=None, what="", kind="ValueError"):
        """Raise :class:`DeclarationError`: '<file>, line <n>: <kind>: <message> (Problem <number>, <page>, <what>)'."""
        where, line = _source_of(frame or _caller())
        named = f"Problem {self.number}, {self.page}" + (f", {what}" if what else "")
        raise DeclarationError(f"{where}, line {line}: {kind}: {message} ({named})")

    def equation(self, id, kind, title, sides, space, number=None, prove=True, domain=()):
        """Declare a displayed equation; ``sides()`` returns its sides, built unevaluated (as written).

        ``domain`` declares the values the statement is about, as relations of a
        value with zero (``[delta > 0]``): the prover may use them, and every
        point of the space must respect them. ``prove="reason"`` says why a link
        cannot be proved; the prover still runs, and a link it finds false fails.
        Every refusal is a :class:`DeclarationError` naming the module line, the problem and the fix.
        """
        caller = inspect.currentframe().f_back  # the declaring line (inspect.stack() read the source of every frame)
        what = f"equation {id!r}"

        def refuse(message, kind="ValueError"):
            self._refuse(message, caller, what, kind)

        if not isinstance(id, str) or not id:
            refuse(f"an equation's id is a non-empty string (its placeholder is [[eq:id]]), got {id!r}")
        if kind not in KINDS:
            refuse(f"kind must be one of {KINDS}, got {kind!r}")
        if prove is not True and not (isinstance(prove, str) and prove.strip()):
            refuse(f"prove must be True or a non-empty reason why the prover cannot prove {id!r}, got {prove!r}")
        domain = tuple(domain)
        for rel in domain:
            if not (isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan))
                    and isinstance(rel.lhs, sp.Symbol) and rel.rhs == 0):
                refuse(f"domain of {id!r} must hold relations of a value with 0, such as delta > 0, got {rel!r}")
        if not callable(sides):
            refuse(f"sides must be a function returning the sides (a lambda), got {type(sides).__name__}", "TypeError")
        if not hasattr(space, "sample"):
            refuse(f"space must be a Space from derivations.equations.points, got {type(space).__name__}"
                   + (" (call it: pts.binary(), not pts.binary)" if callable(space) else ""), "TypeError")
        if any(eq.id == id for eq in self.equations):
            refuse(f"equation id {id!r} is declared twice on {self.page}: give each equation an id of its own")
        try:
            made = build(lambda: sides())
        except Exception as exc:  # noqa: BLE001 - an author's sides: what went wrong, on the declaring line
            refuse(f"{exc}, in sides()", type(exc).__name__)
        if isinstance(made, (sp.Basic, str)) or not hasattr(made, "__iter__"):
            refuse(f"sides must return a list of the sides [left, right, ...], got one {type(made).__name__}: "
                   f"lambda: [left, right]", "TypeError")
        built = []
        for n, side in enumerate(made, 1):
            if isinstance(side, str):
                refuse(f"side {n} is the string {side!r}: write it as sympy, with the symbols of "
                       f"derivations.equations.symbols", "TypeError")
            try:
                built.append(flatten(sp.sympify(side)))
            except (sp.SympifyError, TypeError) as exc:
                refuse(f"side {n} is no sympy expression ({type(side).__name__}: {exc})", "TypeError")
        if len(built) < 2:
            refuse(f"equation {id!r} needs at least two sides, got {len(built)}")
        alike = _same_print(built)
        if alike:
            refuse(alike)
        from derivations.equations.evaluate import EVALUATED_FUNCTIONS, INSTEAD, unevaluable

        for n, side in enumerate(built, 1):
            missing = unevaluable(side)
            if missing:
                name, node = missing[0]
                instead = INSTEAD.get(name, "it with the functions they evaluate (" + ", ".join(
                    f for f in EVALUATED_FUNCTIONS if f[0].islower() or f in ("Abs", "Heaviside", "Max", "Min", "Product"))
                    + ", and the notation's SumOver, Frac, Ind, Partial, Grad, ...), or as a named function "
                      "(PROBLEM.function) with its definition and package code")
                refuse(f"side {n} uses {name} ({node}), which the checks cannot evaluate: write {instead}")
        space = self._letters_of(space, built, refuse)
        self._shapes_of(space, built, refuse)
        self._second_derivative_variables(built, refuse)
        self._entries(built, refuse)
        if kind == "definition":
            why = _head_problem(built[0], space)
            if why:
                refuse(f"{DEFINES}; here {why}")
        for spec in self.functions.values():  # a definition names its function's parameters: g(u) prints as g(u)
            if spec.definition == id and isinstance(built[0], sp.core.function.AppliedUndef) and \
                    type(built[0]).__name__ == spec.name:
                declare_parameters(spec.name, built[0].args)
        where, line = _source_of(caller)
        eq = Equation(id, self.page, kind, title, built, space, number, prove, (where, line), domain=domain,
                      bold=self.bold, side_lines=_side_lines(sides, len(built)))
        self.equations.append(eq)
        return eq

    def _letters_of(self, space, sides, refuse):
        """``space`` with the index letters of the statement it does not know, each bounded by the size of the axis
        it indexes (``x_n``, a row of X (N, D): n runs over 1..N); an index no size bounds is refused here, before
        any proof, naming the index, the space and the declaration that mends it."""
        from derivations.equations.points import statement_letters

        if not hasattr(space, "named"):
            return space
        try:
            found, refused = statement_letters(space, sides, self)
        except Exception:  # noqa: BLE001 - an author's space that cannot list points: its checks say so
            return space
        if refused:
            name, sizes = refused[0]
            sizes_of = sorted(set(space.sizes) | {n for axes in getattr(space, "axes", {}).values() for n in axes})
            why = (f"it indexes arrays of different sizes ({', '.join(sizes)})" if sizes else
                   "it indexes no array whose shape is declared (Problem(shapes=...), rows=, columns=)")
            refuse(f"the index {name} has no size in the space {space.name}: {why}, so no proof could range over "
                   f"it; give its size with the space's indices, such as {space.name.split('(')[0]}(indices="
                   f"{{{name!r}: {(sizes or sizes_of or ['N'])[0]!r}}})"
                   + (f" (its sizes: {', '.join(sizes_of)})" if sizes_of else
                      " (this space has no size: an index needs a space with sizes)"))
        try:
            return space.named(found) if found else space
        except (TypeError, ValueError) as exc:  # a size the statement reads that the space does not have
            refuse(str(exc))

    def _shapes_of(self, space, sides, refuse):
        """Refuse a vector or matrix of the space that the sides use and ``shapes=`` does not declare, naming the
        declaration to add (before, the checks said "the terms of X*w - y have different shapes: [(), (N, D)]")."""
        from derivations.equations.points import shapes_advice, undeclared_shapes

        if not hasattr(space, "axes"):
            return
        try:
            missing = undeclared_shapes(space, sides, self)
        except Exception:  # noqa: BLE001 - an author's space that cannot list points: its checks say so
            return
        if missing:
            names = ", ".join(missing)
            refuse(f"{names} {'is a vector or matrix' if len(missing) == 1 else 'are vectors or matrices'} of the "
                   f"space {space.name}, whose shape this problem does not declare, so the shapes of the sides "
                   f"cannot be read: {shapes_advice(missing)}")

    def _entries(self, sides, refuse):
        """Refuse an entry with more indices than its array has: a row x of X (rows={"x": "X"}) takes one index, x_n
        (a vector); x[n, d] was read as the vector x_n, and the checks said only that terms had different shapes."""
        for side in sides:
            for node in side.atoms(sp.Indexed):
                name = node.base.label.name
                matrix = self.rows.get(name) or self.columns.get(name)
                allowed = 1 if matrix else len(self.shapes.get(name, node.indices))
                if len(node.indices) > allowed:
                    written = f"{name}[{', '.join(map(str, node.indices))}]"
                    if matrix:
                        refuse(f"{written} indexes {name} twice, but {name} is a {'row' if name in self.rows else 'column'}"
                               f" of {matrix} ({'rows' if name in self.rows else 'columns'}={{{name!r}: {matrix!r}}}):"
                               f" {name}[{node.indices[0]}] is a whole vector; an entry of {matrix} is "
                               f"IndexedBase({matrix!r})[{', '.join(map(str, node.indices))}]")
                    refuse(f"{written} has {len(node.indices)} indices, but shapes= declares {name} of shape "
                           f"{self.shapes[name]}: one index per axis")

    def _second_derivative_variables(self, sides, refuse):
        """Refuse a Hessian or Jacobian with respect to a symbol this problem declares a matrix (``W``, D x C): the
        notation's second derivatives are matrices of a vector's entries (k, l); by a matrix they would be a
        four-index array, which no check can compare (before, ``Hessian(L, W)`` was accepted at declaration)."""
        from derivations.equations.notation import Hessian, Jacobian

        for side in sides:
            for node in side.atoms(Hessian, Jacobian):
                var = node.args[1]
                shape = self.shapes.get(var.name)
                if shape is not None and len(shape) != 1:
                    kind = type(node).__name__
                    refuse(f"{kind}(f, {var}) differentiates with respect to {var}, which shapes= declares a "
                           f"{' x '.join(shape)} matrix: {kind} takes a vector symbol (shape (D,)), its entries "
                           f"(k, l) the second derivatives by v_k and v_l; differentiate by a column of {var} "
                           f"(a vector of its own, such as w_j) or write the entries with Partial", "TypeError")

    def function(self, name, tex, definition, package, gradients=None, show_args=True):
        """Declare a named function of the notation; returns the sympy function to write equations with.

        ``tex`` is how it prints, ``definition`` the id of the equation that
        defines it on a page (None for one the notation takes as given),
        ``package(values, index, evaluate, *args)`` its value by the package.
        """
        caller = inspect.currentframe().f_back
        what = f"function {name!r}"

        def refuse(message, kind="ValueError"):
            self._refuse(message, caller, what, kind)

        if not isinstance(name, str) or not name.isidentifier():
            refuse(f"a function's name is an identifier such as 'sigma' or 'L_i', got {name!r}")
        if name in self.functions:
            refuse(f"function {name!r} is declared twice on {self.page}: declare it once, or import it")
        if not isinstance(tex, str) or not tex:
            refuse(f"tex is how the function prints, a LaTeX string such as r'\\sigma', got {tex!r}", "TypeError")
        if definition is not None and not isinstance(definition, str):
            refuse(f"definition is the id of the equation that defines {name}, or None, got {definition!r}", "TypeError")
        if package is not None and not callable(package):
            refuse(f"package is a function package(values, index, evaluate, *arguments), got "
                   f"{type(package).__name__}", "TypeError")
        for var, rule in (gradients or {}).items():
            if not (isinstance(var, str) and callable(rule)):
                refuse(f"gradients maps a variable's name to a function rule(values, index), got {var!r}: "
                       f"{type(rule).__name__}", "TypeError")
        self.functions[name] = FunctionSpec(name, definition, package, dict(gradients or {}), (tex, bool(show_args)),
                                            repr(self), _source_of(caller))
        return fn(name, tex, show_args)

    def package_gradient(self, expression, variable, rule):
        """The package's own (sub)gradient of ``expression`` (such as ``sp.Max(0, u)``) with respect to ``variable``.

        ``rule(values, index)`` returns it; the checks compare it with the
        page's formula, also at the kinks where no derivative exists. It applies
        to this expression only: the rule for max(0, u) says nothing of max(0, 1 - u).
        """
        caller = inspect.currentframe().f_back
        if isinstance(expression, type) or not isinstance(expression, sp.Basic):
            self._refuse(f"expression must be the sympy expression whose gradient the rule gives, such as "
                         f"sp.Max(0, u), got {expression!r}: a rule applies to one expression, not to every "
                         f"use of a function", caller, "a package gradient", "TypeError")
        if not callable(rule):
            self._refuse(f"rule must be a function rule(values, index), got {type(rule).__name__}", caller,
                         "a package gradient", "TypeError")
        self.package_gradients[expression_key(expression), str(variable)] = rule


class Catalog:
    """Every problem's equations in page order, the numbers they are shown with, and the named functions."""

    def __init__(self, problems=()):
        self.problems, self.equations, self.functions = [], {}, {}
        self.columns, self.rows, self.package_gradients, self.shapes = {}, {}, {}, {}
        for problem in problems:
            self.add_problem(problem)
        self.check_definitions()  # every catalog, not only discover()'s: a function evaluates through its own definition

    def add_problem(self, problem):
        # an author's clash is a message (ProblemError) naming both problems, not a traceback from discover()
        if any(p.page == problem.page for p in self.problems):
            raise ProblemError(f"two problems declare the page {problem.page}")
        for other in self.problems:
            if other.number == problem.number:
                raise ProblemError(f"two problems declare the number {problem.number}: {other.page} and {problem.page} "
                                   "(Problem(page, number, title): give one of them a number no other problem takes)")
        for eq in problem.equations:
            if eq.id in self.equations:
                raise ProblemError(f"equation id {eq.id!r} is declared on {eq.page} ({eq.source[0]}, line "
                                   f"{eq.source[1]}) and on {self.equations[eq.id].page}: give each an id of its own")
        for name, spec in problem.functions.items():
            known = self.functions.get(name)
            differ = known.differences(spec) if known is not None else []
            if differ:
                raise ProblemError(f"the function {name!r} is declared by {known.problem} ({known.where()}) and by "
                                   f"{spec.problem} ({spec.where()}), which differ in {' and '.join(differ)}: one "
                                   f"name prints and computes one function; "
                                   f"import it from the first problem's module, or give the second another name")
        # columns, rows and shapes are the problem's own (for_equation): S of (D, D) here and of (N, C) on
        # Problem 2's page are two matrices of two pages, not a clash
        from derivations.equations.fingerprint import behaviour

        for key, rule in problem.package_gradients.items():
            known = self.package_gradients.get(key)
            if known is not None and known is not rule and behaviour(known) != behaviour(rule):
                raise ProblemError(f"{problem.page} declares a package gradient of {key[0]} with respect to {key[1]} "
                                   f"that another problem declares with different code: declare it once")
        self.equations.update({eq.id: eq for eq in problem.equations})
        for name, spec in problem.functions.items():
            self.functions.setdefault(name, spec)
        for table, mine in ((self.columns, problem.columns), (self.rows, problem.rows),
                            (self.package_gradients, problem.package_gradients), (self.shapes, problem.shapes)):
            for key, value in mine.items():
                table.setdefault(key, value)
        self.problems.append(problem)
        self._number()

    def for_equation(self, eq):
        """The catalog as ``eq`` reads it: the columns, rows and shapes of the problem that declares it (of its
        page), every equation and function of the site. One view per page, kept (the prover's memos are per
        view); an equation of no problem's page reads every problem's tables."""
        views = self.__dict__.setdefault("_views", {})
        page = getattr(eq, "page", None)
        if page not in views:
            problem = next((p for p in self.problems if p.page == page), None)
            views[page] = self if problem is None else ProblemNotation(self, problem)
        return views[page]

    def replacing(self, eq):
        """A copy of the catalog with ``eq`` in place of the equation of the same id (for mutants)."""
        out = Catalog.__new__(Catalog)
        out.__dict__.update(self.__dict__)
        out._views = {}  # views of this catalog would read its equations, not the copy's
        out.equations = dict(self.equations)
        out.equations[eq.id] = eq
        return out

    def _number(self):
        prefixes = {p.page: p.number for p in self.problems}
        counters = {}
        for eq in self.equations.values():
            if eq.number:
                eq.shown_number = eq.number
            else:
                counters[eq.page] = counters.get(eq.page, 0) + 1
                eq.shown_number = f"{prefixes[eq.page]}.{counters[eq.page]}"

    def check_definitions(self):
        """Every named function names a definition that exists and defines it, and every definition whose first side
        is a function is that function's own; raise :class:`ProblemError` otherwise, naming the declaring line."""
        for spec in self.functions.values():
            if spec.definition is None:
                continue
            eq = self.equations.get(spec.definition)
            if eq is None:
                raise ProblemError(f"{spec.where()}: function {spec.name!r} of {spec.problem} is defined by "
                                   f"{spec.definition!r}, which no problem declares: give the id of the equation "
                                   f"that defines it, or None")
            head = eq.sides[0]
            if eq.kind != "definition" or type(head).__name__ != spec.name:
                raise ProblemError(f"{spec.where()}: function {spec.name!r} of {spec.problem} is defined by "
                                   f"{spec.definition!r}, whose "
                                   f"first side is {head} ({eq.kind}): a function's definition is an equation of kind "
                                   f"'definition' whose first side is the function applied to its parameters")
        for eq in self.equations.values():
            head = eq.sides[0]
            if eq.kind != "definition" or not isinstance(head, sp.core.function.AppliedUndef):
                continue
            spec = self.functions.get(type(head).__name__)
            if spec is None or spec.definition != eq.id:
                named = "no problem declares it" if spec is None else (
                    f"its declaration ({spec.where()}) names {spec.definition!r} as its definition")
                raise ProblemError(f"{eq.source[0]}, line {eq.source[1]}: equation {eq.id!r} of {eq.page} is a "
                                   f"definition of {type(head).__name__}, but {named}: a function has one definition; "
                                   f"{AS_IDENTITY}")

    def __getitem__(self, id):
        return self.equations[id]

    def __iter__(self):
        return iter(self.equations.values())

    def __len__(self):
        return len(self.equations)

    def on_page(self, page):
        return [eq for eq in self if eq.page == page]


class ProblemNotation:
    """A catalog as one problem's equations read it (:meth:`Catalog.for_equation`): that problem's ``columns``,
    ``rows`` and ``shapes``; everything else (equations, functions, package gradients) is the catalog's."""

    def __init__(self, catalog, problem):
        self.catalog, self.problem = catalog, problem
        self.columns, self.rows, self.shapes = dict(problem.columns), dict(problem.rows), dict(problem.shapes)

    def __getattr__(self, name):
        return getattr(self.catalog, name)

    def for_equation(self, eq):
        return self.catalog.for_equation(eq)

    def __getitem__(self, id):
        return self.catalog[id]

    def __iter__(self):
        return iter(self.catalog)

    def __len__(self):
        return len(self.catalog)

    def __repr__(self):
        return f"<the catalog as {self.problem} reads it>"


def _where(exc, name):
    """'problems/x.py, line N: ' of the deepest frame of ``exc`` in the problem module ``name``."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).stem == name]
    if not frames:
        return f"problems/{name}.py: "
    return f"problems/{name}.py, line {frames[-1].lineno}: "


def discover(package="derivations.problems"):
    """Import every module of ``package`` and gather the :class:`Problem` each one makes, by number."""
    pkg = importlib.import_module(package)
    problems = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{package}.{info.name}")
        except DeclarationError as exc:  # it names its line already
            raise ProblemError(str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - an author's module: where it went wrong, not a traceback
            raise ProblemError(_where(exc, info.name) + f"{type(exc).__name__}: {exc}") from exc
        if getattr(getattr(module, "__spec__", None), "_initializing", False) and not any(
                isinstance(v, Problem) for v in vars(module).values()):
            raise ProblemError(
                f"problems/{info.name}.py was imported first, before derivations.equations gathered the problems: "
                f"its own import of derivations.equations asked for it half-made (no PROBLEM yet). Import the "
                f"catalog first: python -c \"from derivations.equations import CATALOG; "
                f"print(CATALOG.on_page('{info.name.replace('problem', 'problem-')}.md'))\", or run "
                f"derivations verify --page <its page>")
        problems.append(_own_problem(module, info.name))
    # numbers first in their order, then named problems (the guide's examples): never a number compared with a name
    problems.sort(key=lambda p: tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                                      for part in p.number.split(".")))
    catalog = Catalog(problems)
    catalog.check_definitions()
    return catalog


def _own_problem(module, name):
    """The one Problem ``module`` makes: another problem's Problem that it imports (from problem1 import *) is not
    its own. A message naming the module and the fix otherwise."""
    found = list({id(v): v for v in vars(module).values() if isinstance(v, Problem)}.values())
    own = [p for p in found if p.module == module.__name__]
    if len(own) == 1:
        return own[0]
    if not own and len(found) == 1:  # made by a helper of another module, for this one
        return found[0]
    if len(own) > 1:
        lines = ", ".join(str(p.source[1]) for p in own)
        raise ProblemError(f"problems/{name}.py makes {len(own)} Problems (lines {lines}): a module of "
                           f"derivations.problems makes exactly one, for one page; put the other in a module of its own")
    if found:
        others = ", ".join(f"{p} from {p.module}" for p in found)
        raise ProblemError(f"problems/{name}.py makes no Problem of its own; it imports {others}: a module of "
                           f"derivations.problems makes exactly one (PROBLEM = Problem(page, number, title)), and "
                           f"imports only the functions it needs from another (from derivations.problems.problem1 "
                           f"import sigma)")
    raise ProblemError(f"problems/{name}.py makes no Problem: a module of derivations.problems makes exactly one "
                       f"(PROBLEM = Problem(page, number, title)); a helper module's name starts with _")
