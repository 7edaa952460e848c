"""The table of shapes of a proof page is its own problem's (#27, Deliver 5): only its symbols, bold where its page
prints them bold, and a size (or a set of values) for every symbol its equations use."""

import importlib.util
from pathlib import Path
import re

import pytest

from derivations.equations import CATALOG, Catalog
from derivations.site import symbol_shapes
from derivations.site.symbol_shapes import product_rows, shape_rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ridge(monkeypatch):
    """The guide's ridge example beside the site's problems, its module found for its page."""
    spec = importlib.util.spec_from_file_location("ridge27", ROOT / "examples" / "adding-a-derivation" / "ridge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.SYMBOLS = {name: f"the {name} of the example" for name in module.PROBLEM.shapes}  # its page has no table
    catalog = Catalog([*(p for p in CATALOG.problems if not p.page.startswith("example-")), module.PROBLEM])
    found = symbol_shapes._module
    monkeypatch.setattr(symbol_shapes, "_module", lambda page: module if page == module.PROBLEM.page else found(page))
    return module, catalog


def _symbols(rows):
    return [symbol for symbol, _, _ in rows]


def test_a_problem_s_table_shows_its_own_symbols_not_another_problem_s(ridge):
    module, catalog = ridge
    symbols = _symbols(shape_rows(module.PROBLEM.page, catalog))
    # Problem 2 makes w_j a column of W; the ridge problem's w is a vector of its own
    assert r"\mathbf{w}" in symbols and r"\mathbf{w}_{j}" not in symbols, symbols
    assert r"\mathbf{x}_{i}" in symbols  # its own rows={"x": "X"}


def test_a_problem_s_products_are_bold_where_its_page_prints_them_bold(ridge):
    module, catalog = ridge
    products = [tex for tex, _, _ in product_rows(module.PROBLEM.page, catalog)]
    assert products
    for tex in products:
        # y is a vector of this page (bold=("y", "v")): never a plain y in its products
        plain = re.sub(r"\\mathbf\{[^}]*\}", "", tex)
        assert not re.search(r"(?<![\\a-zA-Z])[yv](?![a-zA-Z])", plain), tex


@pytest.mark.parametrize("page, wanted", [("problem-1.md", ["p"]), ("problem-2.md", ["y_{i}", r"\lambda"]),
                                          ("problem-3.md", ["y_{i}", r"\lambda"])])
def test_every_symbol_a_page_uses_has_its_size_in_the_table(page, wanted):
    rows = {symbol: shape for symbol, shape, _ in shape_rows(page)}
    for symbol in wanted:
        assert symbol in rows, f"{page}: {symbol} has no row ({sorted(rows)})"
    assert rows.get("y_{i}", r"\{1, \dots, C\}") == r"\{1, \dots, C\}"
    assert rows.get(r"\lambda", r"\mathbb{R}") == r"\mathbb{R}"


def test_a_greek_vector_and_an_authors_row_index_print_as_the_equations_print_them():
    """Before: bold=("mu",) printed \\mathbf{mu} (the letters m and u) in the equations, the table printed the key mu,
    and a row x of X was x_i in the table although the author's equations write x_n."""
    import sympy as sp

    from derivations.equations import Problem
    from derivations.equations import points as pts
    from derivations.equations.notation import latex
    from derivations.site.symbol_shapes import _symbol_tex

    mine = Problem("example-greek.md", "G", "Greek letters", rows={"x": "X"}, bold=("mu",),
                   shapes={"X": ("N", "D"), "x": ("D",), "w": ("D",), "mu": ("N",)})
    n = sp.Symbol("n", integer=True, positive=True)
    mu, x, w = sp.IndexedBase("mu"), sp.IndexedBase("x"), sp.Symbol("w")
    mine.equation("greek", "identity", "a row and a Greek vector", lambda: [mu[n] * x[n], x[n] * mu[n]],
                  pts.regression(indices={"n": "N"}))
    assert _symbol_tex("mu", mine) == r"\boldsymbol{\mu}"
    assert _symbol_tex("x", mine) == r"\mathbf{x}_{n}"
    assert latex(sp.Symbol("mu"), bold=mine.bold) == r"\boldsymbol{\mu}"
