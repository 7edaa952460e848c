"""The registry of every displayed equation: its id, page, kind, sides and test points."""

from __future__ import annotations

from dataclasses import dataclass, field
import inspect
from pathlib import Path

from derivations.equations.notation import build, flatten, latex

__all__ = ["Equation", "Catalog", "KINDS"]

KINDS = ("identity", "gradient", "definition")


@dataclass
class Equation:
    """One displayed equation, or a chain ``sides[0] = sides[1] = ...`` checked link by link.

    ``points(rng)`` gives the concrete points (random, edge cases) where every
    link is evaluated. ``number`` pins the number shown (the assignment's
    (1)-(4)); other equations are numbered on their page in order.
    """

    id: str
    page: str
    kind: str
    title: str
    sides: list
    points: callable
    number: str | None = None
    prove: bool = True
    source: tuple = ("", 0)
    shown_number: str = field(default="", compare=False)

    @property
    def anchor(self):
        return f"eq-{self.id}"

    def latex(self, tag=True):
        """The LaTeX shown on the page, printed from ``sides``."""
        parts = [latex(side) for side in self.sides]
        if len(parts) == 2:
            body = f"{parts[0]} = {parts[1]}"
        else:
            body = r"\begin{aligned} " + f"{parts[0]} &= {parts[1]}" + "".join(
                r" \\ " + f"&= {p}" for p in parts[2:]
            ) + r" \end{aligned}"
        return body + (r" \tag{%s}" % self.shown_number if tag and self.shown_number else "")


class Catalog:
    """Equations in page order, and the numbers they are shown with."""

    def __init__(self, prefixes):
        self.prefixes = prefixes  # page -> prefix of its equation numbers, "1." for (1.1)
        self.equations = {}

    def add(self, id, page, kind, title, make_sides, points, number=None, prove=True):
        """Register an equation; ``make_sides()`` returns its sides, built unevaluated."""
        if id in self.equations:
            raise ValueError(f"equation id {id!r} is registered twice")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        if page not in self.prefixes:
            raise ValueError(f"page {page!r} has no equation prefix")
        frame = inspect.stack()[1]
        sides = [flatten(side) for side in build(lambda: list(make_sides()))]
        eq = Equation(id, page, kind, title, sides, points, number, prove,
                      (Path(frame.filename).name, frame.lineno))
        self.equations[id] = eq
        self._number()
        return eq

    def _number(self):
        counters = {}
        for eq in self.equations.values():
            if eq.number:
                eq.shown_number = eq.number
            else:
                counters[eq.page] = counters.get(eq.page, 0) + 1
                eq.shown_number = f"{self.prefixes[eq.page]}{counters[eq.page]}"

    def __getitem__(self, id):
        return self.equations[id]

    def __iter__(self):
        return iter(self.equations.values())

    def __len__(self):
        return len(self.equations)

    def on_page(self, page):
        return [eq for eq in self if eq.page == page]
