"""Every equation shown on the site, as sympy objects, with the checks that back it.

``CATALOG`` holds them in page order; importing this package registers them.
"""

from derivations.equations.catalog import Catalog, Equation

CATALOG = Catalog({
    "problem-1.md": "1.",
    "problem-2.md": "2.",
})

from derivations.equations import problem1, problem2  # noqa: E402,F401  (they register their equations)

__all__ = ["CATALOG", "Catalog", "Equation"]
