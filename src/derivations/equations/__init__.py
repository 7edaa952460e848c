"""The engine that prints and checks the site's equations.

The content, one module per problem, lives in :mod:`derivations.problems`;
``CATALOG`` gathers every problem found there, its equations in page order.
"""

from derivations.equations.catalog import Catalog, Equation, Problem, discover

CATALOG = discover("derivations.problems")

__all__ = ["CATALOG", "Catalog", "Equation", "Problem", "discover"]
