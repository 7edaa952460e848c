"""Example S: the derivative of the sigmoid, and its symmetry (the guide's first example).

Each ``PROBLEM.equation`` is one displayed equation of ``docs/example-sigmoid.md``, in page order. A real problem
takes the next number (problem-4.md, 4); the example is "S", which no real problem takes.
"""

import sympy as sp

from derivations import sigmoid
from derivations.equations import Problem
from derivations.equations import points as pts
from derivations.equations.notation import Frac, Partial
from derivations.equations.symbols import z
from derivations.problems.problem1 import sigma  # a named function another problem declared

PROBLEM = Problem("example-sigmoid.md", "S", "Sigmoid derivative")

# a named function of this page: how it prints, the equation that defines it, and its value by the package
logistic = PROBLEM.function("logistic", r"\ell", "logistic", lambda values, index, ev, arg: float(sigmoid(ev(arg))))

PROBLEM.equation(
    "logistic", "definition", "the logistic function, the sigmoid by another name",
    lambda: [logistic(z), Frac(1, 1 + sp.exp(-z))],
    pts.binary(),
)

PROBLEM.equation(
    "sigmoid-symmetry", "identity", "the sigmoid of -z is one minus the sigmoid of z",
    lambda: [sigma(-z), 1 - sigma(z), 1 - logistic(z)],
    pts.binary(),
)

PROBLEM.equation(
    "sigmoid-derivative", "gradient", "the derivative of the sigmoid",
    lambda: [Partial(sigma(z), z), sigma(z) * (1 - sigma(z))],
    pts.binary(),
)
