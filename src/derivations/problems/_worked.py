"""The worked example as points of the equations' spaces (:mod:`derivations.worked_example` holds the instance).

Two uses. The page's own equations get the instance as one more point
(:func:`with_example`), so that every number the page prints about it (the
``[[example]]`` table) is a value the checks compared with the page's formula
at exactly that point. And each page declares a few statements with the
instance's numbers written in (``L_i = max(0, 2 - 1 + 1) + ...``), checked at
that one point only (:func:`only`): they say nothing about other values, so
there is nothing to prove for them, and the ledger shows them as checked.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derivations import worked_example
from derivations.equations.points import Point, Space

__all__ = ["LABEL", "POINT_LABEL", "WORKED", "number", "score_point", "weights_point", "with_example", "only"]

LABEL = worked_example.LABEL
POINT_LABEL = "worked example"  # every point of the instance is labelled so; the site finds them by it
WORKED = ("a worked example: it states the values at the example's one point, and is checked there; "
          "there is nothing to prove for other values")


def number(value):
    """A number the package computed, as the exact number it stands for (the instance's scores are integers)."""
    value = float(value)
    return sp.Integer(int(value)) if value.is_integer() else sp.Rational(value)


def score_point(derived, classes=None, **indices):
    """The instance's scores as a point of a space of scores ``s`` (with the label as the index ``p``)."""
    scores = worked_example.numbers().scores
    scores = scores if classes is None else scores[:classes]
    return Point(f"{POINT_LABEL}, C={len(scores)}", dict({"C": len(scores), "p": LABEL}, **indices),
                 {"s": np.array(scores)}, derived)


def weights_point(derived, kink=False, **indices):
    """The instance as a point of a space of weights ``W`` and one sample ``x_1`` with label ``y_1``."""
    d, num_classes = worked_example.W.shape
    return Point(f"{POINT_LABEL}, C={num_classes}, D={d}" + (", on a kink" if kink else ""),
                 dict({"C": num_classes, "D": d, "N": 1, "i": 1}, **indices),
                 {"W": worked_example.W.copy(), "X": worked_example.X.copy(), "y": np.array([LABEL])}, derived,
                 kink=kink)


def with_example(space, points):
    """``space`` with the instance's ``points`` added to its samples (its proofs unchanged)."""
    return space + only(points)


def only(points):
    """A space of these points alone: checked there, with no size to prove at."""
    points = list(points)
    return Space(lambda rng: list(points), lambda sizes, free: iter(()), {}, None)
