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

from derivations.equations.notation import (_Grouped, _open_ended, build, declare_parameters, flatten, fn, latex,
                                            printer, vector_bases)

__all__ = ["Equation", "FunctionSpec", "Problem", "Catalog", "ProblemError", "discover", "expression_key", "KINDS"]


class ProblemError(ValueError):
    """A problem module that cannot be loaded: the message names its file and line and the error, in one line."""

KINDS = ("identity", "gradient", "definition", "inequality")
RELATION = {"inequality": r"\geq"}  # how the sides of a kind are joined (an inequality: side 1 >= side 2 >= ...)
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/derivations


def _same_print(eq_id, sides):
    """Refuse two different symbols that print alike (lam and lambda are both \\lambda): the page could not tell them
    apart, so a reader could not check what the engine checks."""
    printed = {}
    for side in sides:
        for node in sp.preorder_traversal(side):
            if isinstance(node, sp.Symbol) or isinstance(node, sp.IndexedBase):
                tex = latex(node)
                other = printed.setdefault(tex, node)
                same = (other.name == node.name) if isinstance(node, sp.Symbol) else (other == node)
                if isinstance(other, sp.Symbol) and isinstance(node, sp.Symbol) and not same:
                    raise ValueError(f"equation {eq_id!r}: the symbols {other.name!r} and {node.name!r} both print as "
                                     f"{tex}: rename one")


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

    With ``products``, a side that is one product has its last factor on a line of its own, after a \\cdot.
    Every piece is printed by the printer (``NotationPrinter.add_terms`` and ``factor``), which alone decides signs
    and parentheses: a term - (tau + 1) keeps its parentheses on a phone as on a desktop.
    """
    out = printer(narrow=True, bold=bold)
    whole = out.doprint(side)
    if products and isinstance(side, sp.Mul) and len(side.args) > 2 and not whole.startswith(r"\begin{cases}"):
        # the factors before the break keep their parentheses: -(sum_j ...) then x_i, never -sum_j (... x_i)
        head = sp.Mul(*[_Grouped(a) if _open_ended(a) else a for a in side.args[:-1]], evaluate=False)
        return out.doprint(head) + r" \\ " + lead + r"\cdot " + out.factor(side.args[-1])
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
        if not isinstance(page, str) or not page.endswith(".md"):
            raise ValueError(f"page must be the path of a Markdown page under docs/, got {page!r}")
        self.page, self.number, self.title = page, str(number), title
        self.columns, self.rows = dict(columns or {}), dict(rows or {})
        self.shapes = {}
        for name, shape in (shapes or {}).items():
            if not (isinstance(shape, tuple) and 1 <= len(shape) <= 2 and all(isinstance(n, str) for n in shape)):
                raise ValueError(f"shapes[{name!r}] must be a tuple of one or two size names such as ('D', 'C'), "
                                 f"got {shape!r}")
            self.shapes[name] = shape
        self.bold = frozenset(vector_bases) | frozenset(bold)  # this page's letters in bold, and no other page's
        self.equations, self.functions, self.package_gradients = [], {}, {}

    def equation(self, id, kind, title, sides, space, number=None, prove=True, domain=()):
        """Declare a displayed equation; ``sides()`` returns its sides, built unevaluated (as written).

        ``domain`` declares the values the statement is about, as relations of a
        value with zero (``[delta > 0]``): the prover may use them, and every
        point of the space must respect them. ``prove="reason"`` says why a link
        cannot be proved; the prover still runs, and a link it finds false fails.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        if prove is not True and not (isinstance(prove, str) and prove.strip()):
            raise ValueError(f"prove must be True or a non-empty reason why the prover cannot prove {id!r}, got {prove!r}")
        domain = tuple(domain)
        for rel in domain:
            if not (isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan))
                    and isinstance(rel.lhs, sp.Symbol) and rel.rhs == 0):
                raise ValueError(f"domain of {id!r} must hold relations of a value with 0, such as delta > 0, got {rel!r}")
        if not callable(sides):
            raise TypeError(f"sides must be a function returning the sides (a lambda), got {type(sides).__name__}")
        if not hasattr(space, "sample"):
            raise TypeError(f"space must be a Space from derivations.equations.points, got {type(space).__name__}")
        if any(eq.id == id for eq in self.equations):
            raise ValueError(f"equation id {id!r} is declared twice on {self.page}")
        caller = inspect.currentframe().f_back  # the declaring line (inspect.stack() read the source of every frame)
        frame = inspect.getframeinfo(caller, context=0)
        built = [flatten(sp.sympify(side)) for side in build(lambda: list(sides()))]
        if len(built) < 2:
            raise ValueError(f"equation {id!r} needs at least two sides, got {len(built)}")
        _same_print(id, built)
        head = built[0]
        for spec in self.functions.values():  # a definition names its function's parameters: g(u) prints as g(u)
            if spec.definition == id and isinstance(head, sp.core.function.AppliedUndef) and \
                    type(head).__name__ == spec.name:
                declare_parameters(spec.name, head.args)
        source = Path(frame.filename).resolve()
        where = source.relative_to(PACKAGE_DIR).as_posix() if PACKAGE_DIR in source.parents else source.name
        eq = Equation(id, self.page, kind, title, built, space, number, prove, (where, frame.lineno), domain=domain,
                      bold=self.bold)
        self.equations.append(eq)
        return eq

    def function(self, name, tex, definition, package, gradients=None, show_args=True):
        """Declare a named function of the notation; returns the sympy function to write equations with.

        ``tex`` is how it prints, ``definition`` the id of the equation that
        defines it on a page (None for one the notation takes as given),
        ``package(values, index, evaluate, *args)`` its value by the package.
        """
        if name in self.functions:
            raise ValueError(f"function {name!r} is declared twice on {self.page}")
        self.functions[name] = FunctionSpec(name, definition, package, dict(gradients or {}))
        return fn(name, tex, show_args)

    def package_gradient(self, expression, variable, rule):
        """The package's own (sub)gradient of ``expression`` (such as ``sp.Max(0, u)``) with respect to ``variable``.

        ``rule(values, index)`` returns it; the checks compare it with the
        page's formula, also at the kinks where no derivative exists. It applies
        to this expression only: the rule for max(0, u) says nothing of max(0, 1 - u).
        """
        if isinstance(expression, type) or not isinstance(expression, sp.Basic):
            raise TypeError(f"expression must be the sympy expression whose gradient the rule gives, such as "
                            f"sp.Max(0, u), got {expression!r}: a rule applies to one expression, not to every "
                            f"use of a function")
        if not callable(rule):
            raise TypeError(f"rule must be a function rule(values, index), got {type(rule).__name__}")
        self.package_gradients[expression_key(expression), str(variable)] = rule


class Catalog:
    """Every problem's equations in page order, the numbers they are shown with, and the named functions."""

    def __init__(self, problems=()):
        self.problems, self.equations, self.functions = [], {}, {}
        self.columns, self.rows, self.package_gradients, self.shapes = {}, {}, {}, {}
        for problem in problems:
            self.add_problem(problem)

    def add_problem(self, problem):
        # an author's clash is a message (ProblemError), not a traceback from discover()
        if any(p.page == problem.page for p in self.problems):
            raise ProblemError(f"two problems declare the page {problem.page}")
        for other in self.problems:
            if other.number == problem.number:
                raise ProblemError(f"two problems declare the number {problem.number}: {other.page} and {problem.page} "
                                   "(Problem(page, number, title): give one of them a number no other problem takes)")
        for eq in problem.equations:
            if eq.id in self.equations:
                raise ProblemError(f"equation id {eq.id!r} is declared on {eq.page} and on {self.equations[eq.id].page}")
            self.equations[eq.id] = eq
        for table, mine in ((self.functions, problem.functions), (self.columns, problem.columns), (self.rows, problem.rows),
                            (self.package_gradients, problem.package_gradients), (self.shapes, problem.shapes)):
            for key, value in mine.items():
                if key in table and table[key] != value:
                    raise ValueError(f"{problem.page} declares {key!r} differently from another problem")
                table[key] = value
        self.problems.append(problem)
        self._number()

    def replacing(self, eq):
        """A copy of the catalog with ``eq`` in place of the equation of the same id (for mutants)."""
        out = Catalog.__new__(Catalog)
        out.__dict__.update(self.__dict__)
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
        """Every named function names a definition that exists; raise otherwise."""
        for spec in self.functions.values():
            if spec.definition is not None and spec.definition not in self.equations:
                raise ValueError(f"function {spec.name!r} is defined by {spec.definition!r}, which no problem declares")

    def __getitem__(self, id):
        return self.equations[id]

    def __iter__(self):
        return iter(self.equations.values())

    def __len__(self):
        return len(self.equations)

    def on_page(self, page):
        return [eq for eq in self if eq.page == page]


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
        except Exception as exc:  # noqa: BLE001 - an author's module: where it went wrong, not a traceback
            raise ProblemError(_where(exc, info.name) + f"{type(exc).__name__}: {exc}") from exc
        found = [v for v in vars(module).values() if isinstance(v, Problem)]
        if len(found) != 1:
            raise ValueError(f"{module.__name__} must make exactly one Problem, found {len(found)}")
        problems.append(found[0])
    # numbers first in their order, then named problems (the guide's examples): never a number compared with a name
    problems.sort(key=lambda p: tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                                      for part in p.number.split(".")))
    catalog = Catalog(problems)
    catalog.check_definitions()
    return catalog
