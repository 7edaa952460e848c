"""A named function prints its arguments unless they are exactly its declared parameters (#27, Deliver 3).

With ``show_args=False`` a function printed its fixed LaTeX whatever its argument: a true statement about
g(2u), g(2u) = 4 g(u) for g(u) = u^2, was printed "g(u) = 4 g(u)" with a check mark.
"""

import numpy as np
import sympy as sp

from derivations.equations import Problem
from derivations.equations import points as pts
from derivations.equations.parse import SymbolTable, parse_equation, same
from derivations.equations.symbols import u


def _problem():
    problem = Problem("example-args.md", "G27", "arguments")
    g = problem.function("g_args27", "g(u)", "g27-square", lambda v, index, ev, a: float(ev(a)) ** 2,
                         show_args=False)
    space = pts.scalar("u", [1.5, -0.5])
    definition = problem.equation("g27-square", "definition", "g", lambda: [g(u), u ** 2], space)
    scaled = problem.equation("g27-scaled", "identity", "g of 2u", lambda: [g(2 * u), 4 * g(u)], space)
    return definition, scaled


def test_a_function_that_hides_its_arguments_prints_an_argument_that_is_not_its_parameter():
    definition, scaled = _problem()
    assert definition.latex(tag=False) == "g(u) = u^{2}"  # its parameter: the fixed LaTeX
    printed = scaled.latex(tag=False)
    assert printed != "g(u) = 4 g(u)", "g(2u) printed as g(u)"
    assert printed.replace(" ", "") == "g(2u)=4g(u)", printed


def test_what_is_printed_reads_back_as_the_statement_in_every_shape():
    definition, scaled = _problem()
    for eq in (definition, scaled):
        for tex in [eq.latex(tag=False)] + eq.shapes():
            sides = parse_equation(tex, SymbolTable.of(*eq.sides))
            assert len(sides) == len(eq.sides) and all(same(a, b) for a, b in zip(sides, eq.sides)), tex


def test_a_function_with_no_parameters_prints_and_reads_an_argument_it_is_given():
    from derivations.equations import CATALOG
    from derivations.equations.notation import latex
    from derivations.problems.problem1 import CE

    assert latex(CE()) == r"\mathrm{CE}"
    shown = latex(CE(u))
    assert shown == r"\mathrm{CE}(u)", shown
    table = SymbolTable.of(CE(u), *CATALOG["ce-binary"].sides)
    assert same(parse_equation(shown + " = u", table)[0], CE(u))
    assert same(parse_equation(r"\mathrm{CE} = u", table)[0], CE())
