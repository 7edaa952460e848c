"""The table of shapes of a proof page (``[[shapes]]``), printed from its problem's declaration.

Every row comes from ``Problem(shapes=...)``, the declaration the checks read:
the points' arrays must have those shapes and the sides of every equation must
agree with them (:func:`derivations.equations.checks.check_equation`), so a
symbol used with another shape fails the build, and a changed declaration
changes this table. The words beside each symbol are the problem module's
``SYMBOLS``; a declared symbol without words, or words for an undeclared one,
stop the build. Below the symbols come the products of vectors and matrices
that the page's equations form (``X^T G``), with the shape the engine reads
for each from the same declaration.
"""

from __future__ import annotations

import html
import re

import sympy as sp

__all__ = ["SHAPES_PLACEHOLDER", "ShapeTableError", "render_shapes", "shape_rows", "product_rows"]

SHAPES_PLACEHOLDER = re.compile(r"<p>\s*\[\[shapes\]\]\s*</p>")
SIZES = {"C": "classes", "D": "features of a sample", "N": "samples in a batch"}


class ShapeTableError(ValueError):
    """The page's table of shapes cannot be printed from its problem's declaration."""


def _module(page):
    from derivations.site.worked import _module_of

    module = _module_of(page)
    if module is None:
        raise ShapeTableError(f"{page} asks for [[shapes]] but no problem module is on it")
    return module


def _symbol_tex(name, problem):
    """How the symbol appears in the formulas: bold, with its index where the page's own problem makes it a column or
    a row of a matrix (another problem's ``columns={"w": "W"}`` says nothing of this page's plain vector w)."""
    if name in problem.columns:
        return r"\mathbf{%s}_{j}" % name
    if name in problem.rows:
        return r"\mathbf{%s}_{i}" % name
    return r"\mathbf{%s}" % name


def _shape_tex(shape):
    return r"\mathbb{R}^{%s}" % r" \times ".join(shape)


def shape_rows(page, catalog=None):
    """(symbol LaTeX, shape LaTeX, words) for every symbol the page's problem declares a shape for, in its order (all
    read from the page's own module: ``catalog`` is not needed)."""
    module = _module(page)
    shapes, words = module.PROBLEM.shapes, getattr(module, "SYMBOLS", {})
    missing, unknown = sorted(set(shapes) - set(words)), sorted(set(words) - set(shapes))
    if missing or unknown:
        raise ShapeTableError(f"{page}: SYMBOLS of {module.__name__} must say what each declared symbol is: "
                              f"no words for {missing}, words for undeclared {unknown}")
    return [(_symbol_tex(name, module.PROBLEM), _shape_tex(shape), words[name]) for name, shape in shapes.items()]


def _non_scalar(general, expr):
    try:
        return bool(general.shape(expr))
    except Exception:  # noqa: BLE001 - a factor without a shape here is left out of the table
        return False


def product_rows(page, catalog=None):
    """(product LaTeX, shape LaTeX, equation id) for each product of two or more vectors or matrices on the page."""
    from derivations.equations import CATALOG
    from derivations.equations.general import General
    from derivations.equations.notation import latex
    from derivations.equations.regions import Regions

    catalog = catalog or CATALOG
    found = {}
    for eq in catalog.on_page(page):
        general = General(eq, catalog, Regions(), {"y"}, {}, lambda definition, links: False)
        for side in eq.sides:
            for node in sp.preorder_traversal(side):
                if not isinstance(node, sp.Mul):
                    continue
                factors = [a for a in node.args if _non_scalar(general, a)]
                if len(factors) < 2:
                    continue
                product = sp.Mul(*factors, evaluate=False)
                try:
                    shape = general.shape(product)
                except Exception as exc:  # noqa: BLE001 - the checks of the equation report it, naming it
                    raise ShapeTableError(f"{page}: the product {latex(product)} of ({eq.shown_number}) {eq.id} has "
                                          f"no shape: {exc}") from None
                tex = latex(product)
                if tex not in found:
                    found[tex] = (tex, _shape_tex([str(n) for n in shape]), eq.id)
    return list(found.values())


def _math(tex):
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


INLINE = re.compile(r"\\\((.+?)\\\)")


def _words(text):
    """The words of a row, their inline math ``\\(...\\)`` as the page's other math (typeset with the page)."""
    return INLINE.sub(lambda m: _math(m.group(1)), html.escape(text, quote=False))


def render_shapes(content, page_src, catalog=None):
    """``content`` with ``[[shapes]]`` replaced by the table of the page's symbols and products."""
    if not SHAPES_PLACEHOLDER.search(content):
        return content
    rows = shape_rows(page_src, catalog)
    products = product_rows(page_src, catalog)
    sizes = sorted({n for _, shape, _ in rows for n in SIZES if n in shape}, key="CDN".index)
    body = "".join(f"<tr><td>{_math(symbol)}</td><td>{_math(shape)}</td><td>{_words(words)}</td></tr>"
                   for symbol, shape, words in rows)
    body += "".join(f"<tr><td>{_math(product)}</td><td>{_math(shape)}</td><td>a product in [[ref:{eq_id}]]</td></tr>"
                    for product, shape, eq_id in products)
    legend = "; ".join(f"{_math(n)}, the number of {SIZES[n]}" for n in sizes)
    table = ('<div class="shape-table"><table>'
             f"<caption>Every vector and matrix of this page with its shape, printed from the declaration the checks "
             f"use: {legend}. Vectors are columns.</caption>"
             '<thead><tr><th scope="col">Symbol</th><th scope="col">Shape</th><th scope="col">What it is</th></tr>'
             f"</thead><tbody>{body}</tbody></table></div>")
    return SHAPES_PLACEHOLDER.sub(lambda m: table, content)
