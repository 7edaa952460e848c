"""The worked example of a proof page: the instance, and its numbers, each a value the checks compared with a formula.

``[[example:data]]`` prints the instance of :mod:`derivations.worked_example`
(the weights, the sample, its label and its scores, computed by the package).
``[[example:values]]`` prints, for each equation the page's problem module
lists in ``EXAMPLE`` (by id), the value of its first side at each of its
points labelled "worked example", computed by the package when the site is
built. Those points are points of the equation's own space, so the ledger's
row of the equation compared exactly these values with the page's formula
there; and the build compares them again, here, with every other side of the
equation evaluated by sympy at 40 digits: a number that disagrees with its
formula stops the build, naming it.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import re

import numpy as np
import sympy as sp

__all__ = ["EXAMPLE_PLACEHOLDER", "ExampleError", "render_examples", "example_rows"]

EXAMPLE_PLACEHOLDER = re.compile(r"<p>\s*\[\[example:(data|values)\]\]\s*</p>")
POINT_LABEL = "worked example"
RTOL, ATOL = 1e-9, 1e-12


class ExampleError(ValueError):
    """A number of a worked example that its page's formula does not give."""


def _module_of(page):
    """The problem module whose ``PROBLEM`` is on ``page`` (None if none is)."""
    import derivations.problems as problems

    for info in pkgutil.iter_modules(problems.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"derivations.problems.{info.name}")
        if getattr(module, "PROBLEM", None) is not None and module.PROBLEM.page == page:
            return module
    return None


def _free(eq):
    """The free index a row of values runs over (j, k), or None."""
    from derivations.equations.prover import free_indices

    found = sorted(free_indices(eq.sides[0], frozenset({"y"})) - {"i", "p", "y"})
    return found[0] if found else None


def _points(eq):
    return [p for p in eq.points(np.random.default_rng(0)) if p.label.startswith(POINT_LABEL)]


def example_rows(page, catalog=None):
    """(equation, index name or None, [(index value, package value)]) for each row of the page's example table.

    Each value is checked against every other side of its equation at the same point (sympy, 40 digits);
    :class:`ExampleError` names the equation and the point where one disagrees.
    """
    from derivations.equations import CATALOG
    from derivations.equations.evaluate import Evaluator, NotEvaluable

    catalog = catalog or CATALOG
    module = _module_of(page)
    rows = []
    for eq_id in getattr(module, "EXAMPLE", ()):
        eq = catalog[eq_id]
        notation = catalog.for_equation(eq)  # its own problem's columns and rows
        points = _points(eq)
        if not points:
            raise ExampleError(f"{page}: ({eq.shown_number}) {eq_id} has no point labelled '{POINT_LABEL}' in its space")
        name = _free(eq)
        if name is None:  # one value: the first side does not depend on the index the points differ in
            points = points[:1]
        values = []
        for point in sorted(points, key=lambda q: q.indices.get(name, 0)):
            try:
                value = Evaluator(point, "package", notation).value(eq.sides[0])
            except NotEvaluable:  # a Hessian: the package gives gradients, and differences of them the rest
                value = Evaluator(point, "package", notation, derivative="finite-differences").value(eq.sides[0])
            compared = 0
            for n, side in enumerate(eq.sides[1:], 2):
                try:
                    formula = Evaluator(point, "symbolic", notation).value(side)
                except NotEvaluable:
                    continue
                compared += 1
                if np.shape(np.squeeze(formula)) != np.shape(np.squeeze(value)) or not np.allclose(
                        np.squeeze(value), np.squeeze(formula), rtol=RTOL, atol=ATOL):
                    raise ExampleError(f"{page}: the worked example's value of ({eq.shown_number}) {eq_id} at "
                                       f"{point.describe()} is {value.tolist()}, but side {n} gives {formula.tolist()}")
            if not compared:
                raise ExampleError(f"{page}: no other side of ({eq.shown_number}) {eq_id} can be evaluated at "
                                   f"{point.describe()}: its worked-example value would be checked against nothing")
            values.append((point.indices.get(name), value))
        rows.append((eq, name, values))
    return rows


def _number(v):
    """A value as the page prints it: integers as integers, others to 4 decimals."""
    v = float(v)
    if v == int(v) and abs(v) < 1e12:
        return f"{int(v)}".replace("-", "\u2212")
    return f"{v:.4f}".replace("-", "\u2212")


def _value(v):
    v = np.squeeze(np.asarray(v, dtype=np.float64))
    if v.ndim == 0:
        return _number(v)
    return "(" + ", ".join(_number(e) for e in v.ravel()) + ")"


def _math(tex):
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


def _quantity(eq, name, at):
    """The first side of ``eq`` with its free index ``name`` set to ``at``, as LaTeX (f_2, the gradient for w_3)."""
    from derivations.equations.notation import latex, subs_free

    side = eq.sides[0]
    if name is not None and at is not None:
        side = subs_free(side, {sp.Symbol(name, integer=True, positive=True): sp.Integer(at)})
    return latex(side)


def _values_table(page, catalog):
    body = []
    for eq, name, values in example_rows(page, catalog):
        for at, value in values:
            quantity = r"\displaystyle " + _quantity(eq, name, at)  # a derivative's fraction at full size
            body.append(f"<tr><td>{_math(quantity)}</td><td>{html.escape(_value(value))}</td>"
                        f"<td>[[ref:{eq.id}]]</td></tr>")
    return ('<div class="worked-example worked-example-values"><table>'
            "<caption>The worked example's numbers, computed by the package when this page was built; each is "
            "compared with the formula of the equation beside it, at the example's point, by the checks of that "
            "equation and again by the build.</caption>"
            "<thead><tr><th scope=\"col\">Quantity</th><th scope=\"col\">Value</th>"
            "<th scope=\"col\">Checked against</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _data():
    from derivations import worked_example

    W, X = worked_example.W, worked_example.X
    d, num_classes = W.shape
    columns = [_math(r"\mathbf{w}_{%d}" % (j + 1)) for j in range(num_classes)]
    # every symbol the caption uses is defined in it: the page it is on may not have defined them (Problem 1 has no
    # weights, and calls the correct class p)
    sample, column_j, score = _math(r"\mathbf{x}_i"), _math(r"\mathbf{w}_j"), _math(r"s_j = \mathbf{w}_j^T \mathbf{x}_i")
    head = "".join(f'<th scope="col">{column}</th>' for column in columns)
    rows = "".join(
        f'<tr><th scope="row">{k + 1}</th>'
        + "".join(f"<td>{_number(W[k, j])}</td>" for j in range(num_classes))
        + f"<td>{_number(X[0, k])}</td></tr>" for k in range(d))
    scores = worked_example.numbers().scores
    return ('<div class="worked-example worked-example-data"><table>'
            f"<caption>The instance: {d} features, {num_classes} classes and one sample, whose correct class is "
            f"class {worked_example.LABEL}. Column {column_j} holds the weights of class {_math('j')}, column "
            f"{sample} the sample's features, and the score of class {_math('j')} is {score}.</caption>"
            f'<thead><tr><th scope="col">feature</th>{head}<th scope="col">{sample}</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
            f"<p>Its scores, one per class, computed by the package: "
            + ", ".join(f"{_math('s_{%d}' % (j + 1))} is {_number(v)}" for j, v in enumerate(scores))
            + ".</p></div>")


def render_examples(content, page_src, catalog=None):
    """``content`` with ``[[example:data]]`` and ``[[example:values]]`` filled for the page ``page_src``."""
    if not EXAMPLE_PLACEHOLDER.search(content):
        return content
    return EXAMPLE_PLACEHOLDER.sub(lambda m: _data() if m.group(1) == "data" else _values_table(page_src, catalog),
                                   content)
