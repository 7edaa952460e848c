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


def _bold(name, problem, prose):
    """Whether the page prints the letter bold: its problem's bold letters (the formulas), or its prose does."""
    return name in problem.bold or f"\\mathbf{{{name}}}" in prose


def _symbol_tex(name, problem, prose=""):
    """How the symbol appears on its page: bold where the page prints it bold, with its index where it is a column
    or a row of a matrix of this problem (another problem's columns are not this page's)."""
    from derivations.equations.notation import letter_tex

    letter = letter_tex(name, _bold(name, problem, prose))
    if name in problem.columns:
        return r"%s_{%s}" % (letter, _index_of(name, problem, "j"))
    if name in problem.rows:
        return r"%s_{%s}" % (letter, _index_of(name, problem, "i"))
    return letter


def _index_of(name, problem, default):
    """The index letter the problem's equations write on the row or column ``name`` most often (an author's x_n is
    printed x_n in the table, not the site's x_i); ``default`` where they never index it."""
    from collections import Counter

    import sympy as sp

    counts = Counter()
    for eq in problem.equations:
        for side in eq.sides:
            counts.update(str(node.indices[0]) for node in sp.sympify(side).atoms(sp.Indexed)
                          if node.base.label.name == name and len(node.indices) == 1 and node.indices[0].is_Symbol)
    return counts.most_common(1)[0][0] if counts else default


def _shape_tex(shape):
    """The set a value of ``shape`` lies in: R for a number (x^T S x, a 1 x 1 product, is one), else R^{D x C}."""
    return r"\mathbb{R}^{%s}" % r" \times ".join(shape) if shape else r"\mathbb{R}"


def shape_rows(page, catalog=None, prose=""):
    """(symbol LaTeX, shape LaTeX, words) for every symbol the page's problem declares a shape for, in its order,
    then for every other symbol its equations use: indices and labels with the values they take, scalars as reals.

    ``prose`` is the page's text: a letter it prints bold is bold in the table too.
    """
    from derivations.equations import CATALOG

    catalog = catalog or CATALOG
    module = _module(page)
    problem = module.PROBLEM
    shapes, words = problem.shapes, getattr(module, "SYMBOLS", {})
    missing, unknown = sorted(set(shapes) - set(words)), sorted(set(words) - set(shapes))
    if missing or unknown:
        raise ShapeTableError(f"{page}: SYMBOLS of {module.__name__} must say what each declared symbol is: "
                              f"no words for {missing}, words for undeclared {unknown}")
    rows = [(_symbol_tex(name, problem, prose), _shape_tex(shape), words[name]) for name, shape in shapes.items()]
    return rows + _used_rows(page, catalog, problem)


VALUES = {"C": "a class", "N": "a sample", "D": "a feature"}


def _used_rows(page, catalog, problem):
    """A row for each symbol the page's equations use that declares no shape: an index or a label (the values it
    takes, 1 to its size), or a real scalar (a declared domain said beside it)."""
    from derivations.equations.notation import SumOver, latex

    rows, seen = [], set()
    for eq in catalog.on_page(page):
        bounds = {k: str(v) for k, v in getattr(eq.space, "bounds", {}).items()}
        # an index a sum runs over takes the values of its sum (k = 1..D in the subgradient inequality)
        bounds.update({node.args[1].name: str(node.args[3]) for side in eq.sides for node in sp.preorder_traversal(side)
                       if isinstance(node, SumOver) and isinstance(node.args[1], sp.Symbol)})
        domain = {rel.lhs.name: latex(rel, bold=eq.bold) for rel in getattr(eq, "domain", ())}
        labels = _labels(eq)
        for side in eq.sides:
            for node in sp.preorder_traversal(side):
                if isinstance(node, sp.Indexed) and node.base.label.name in labels and \
                        node.base.label.name not in problem.shapes and len(node.indices) == 1:
                    tex = latex(node, bold=eq.bold)
                    if tex not in seen:
                        seen.add(tex)
                        row = latex(node.indices[0], bold=eq.bold)
                        rows.append((tex, r"\{1, \dots, C\}", f"the label of sample \\({row}\\): its correct class"))
                    continue
                if not isinstance(node, sp.Symbol) or node.name in problem.shapes or node.name in SIZES:
                    continue
                if isinstance(node, sp.Dummy):
                    continue
                tex = latex(node, bold=eq.bold)
                if tex in seen:
                    continue
                if node.is_integer:
                    size = bounds.get(node.name) or {"i": "N"}.get(node.name, "C" if node.name in "jklp" else None)
                    if size not in VALUES:
                        continue
                    seen.add(tex)
                    rows.append((tex, r"\{1, \dots, %s\}" % size,
                                 "the correct class (the label)" if node.name == "p" and size == "C"
                                 else f"{VALUES[size]}: an index from 1 to \\({size}\\)"))
                elif node.is_real or node.name in domain:
                    seen.add(tex)
                    rows.append((tex, r"\mathbb{R}", "a real number" + (f", \\({domain[node.name]}\\)"
                                                                        if node.name in domain else "")))
    return rows


def _labels(eq):
    """The names of the class-label arrays of the equation's points (``y`` holding integers)."""
    import numpy as np

    try:
        first = next(iter(eq.space.sample(np.random.default_rng(0))), None)
    except Exception:  # noqa: BLE001 - a space that cannot sample has its checks say why
        return set()
    return set(first.label_names) if first is not None else set()


def _non_scalar(general, expr):
    try:
        return bool(general.shape(expr))
    except Exception:  # noqa: BLE001 - a factor without a shape here is left out of the table
        return False


def product_rows(page, catalog=None):
    """(product LaTeX, shape LaTeX, equation id) for each product of two or more vectors or matrices on the page."""
    from derivations.equations import CATALOG
    from derivations.equations.general import SymbolicSizes
    from derivations.equations.notation import latex
    from derivations.equations.regions import Regions

    catalog = catalog or CATALOG
    found = {}
    for eq in catalog.on_page(page):
        general = SymbolicSizes(eq, catalog.for_equation(eq), Regions(), {"y"}, {}, lambda definition, links: False)
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
                tex = latex(product, bold=eq.bold)  # bold as the page prints it: this problem's letters
                if tex not in found:
                    found[tex] = (tex, _shape_tex([str(n) for n in shape]), eq.id)
    return list(found.values())


def _math(tex):
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


INLINE = re.compile(r"\\\((.+?)\\\)")


def _words(text):
    """The words of a row, their inline math ``\\(...\\)`` as the page's other math (typeset with the page)."""
    # the math of the escaped text unescaped before _math escapes it once (a domain's > reached KaTeX as &gt;)
    return INLINE.sub(lambda m: _math(html.unescape(m.group(1))), html.escape(text, quote=False))


def render_shapes(content, page_src, catalog=None):
    """``content`` with ``[[shapes]]`` replaced by the table of the page's symbols and products."""
    if not SHAPES_PLACEHOLDER.search(content):
        return content
    rows = shape_rows(page_src, catalog, prose=content)
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
