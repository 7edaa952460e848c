"""What the reader's checker keeps between verdicts never changes one (#28: the next verdict within 0.5 s).

Kept: the page's side at each case (on the case, keyed by the page's tree), each indicator built (keyed by its
relation and values), each entry compiled for the whole-number look (keyed by the expression) and each pair of kinks
compared (keyed by the pair): all pure functions of their keys, none keyed by anything a reader's line can change
without changing the key. Here a box judges right, wrong and subgradient lines one after another, each verdict equal
to the one the same line gets first on a fresh page; and the whole-number look says "equal" only where the exact
route does.
"""

from __future__ import annotations

import json
import random

import pytest
import sympy as sp

from derivations.equations import CATALOG
from derivations.equations import reader
from derivations.equations.notation import Ind
from derivations.site.reader_export import page_data

EQ = "svm-grad-wyi"
RIGHT = r"-\sum_{j \neq y_i} \mathbb{1}(s_j - s_{y_i} + 1 > 0)\, x_i"
RIGHT_AGAIN = r"-\sum_{j \neq y_i} \mathbb{1}(s_j + 1 > s_{y_i})\, x_i"  # the same, its kinks written otherwise
LINES = [RIGHT,
         r"-\sum_{j=1}^{C} \mathbb{1}(s_j - s_{y_i} + 1 > 0)\, x_i",  # wrong: every class
         r"-\sum_{j \neq y_i} \mathbb{1}(s_j - s_{y_i} + 1 > 1/1000)\, x_i",  # wrong only near the kink
         r"-\sum_{j \neq y_i} \mathbb{1}(s_j - s_{y_i} + 1 \ge 0)\, x_i",  # a subgradient: differs on the kink only
         RIGHT,
         r"\sum_{j \neq y_i} \mathbb{1}(s_j - s_{y_i} + 1 > 0)\, x_i",  # wrong: the sign
         RIGHT_AGAIN,
         RIGHT]


@pytest.fixture(scope="module")
def data():
    return json.dumps(page_data(CATALOG, "problem-2.md"))


def fresh(data):
    """The page as a reader's first line in the box sees it: nothing kept."""
    for memo in (reader._INDICATORS, reader._COMPILED, reader._KEYS):
        memo.clear()
    return reader.Page(json.loads(data))


def test_a_verdict_does_not_depend_on_the_lines_judged_before_it(data):
    first = {text: reader.judge(fresh(data), EQ, text) for text in dict.fromkeys(LINES)}
    box = fresh(data)
    for text in LINES:
        assert reader.judge(box, EQ, text) == first[text], text
    statuses = [first[text]["status"] for text in LINES]
    assert statuses == ["equal", "not-equal", "not-equal", "subgradient", "equal", "not-equal", "equal", "equal"]


def _point(values):
    return reader.Point({s: sp.Rational(v) for s, v in values.items()}, 1)


def test_the_whole_number_look_says_equal_only_where_the_exact_route_does():
    a, b, c = sp.symbols("a b c", real=True)
    pieces = [a, b, c, a * b - 3 * c / 7, (a - b) ** 3, sp.Max(a, b, c / 2), sp.Min(a, 2 * b), sp.Abs(a - c),
              sp.sign(b), sp.Heaviside(a - b), sp.Heaviside(a - b, 1), sp.Integer(4),
              sp.Piecewise((1, a * b - c > 0), (0, True)),
              sp.Piecewise((a, sp.And(a > b, c <= 1)), (b, sp.Or(a < 0, sp.Not(b > c))), (c, True)),
              sp.Piecewise((a, sp.Eq(a, b)), (-b, sp.Ne(a, c)), (0, True))]
    rng = random.Random(0)
    exprs = pieces + [rng.choice(pieces) * rng.choice(pieces) + rng.choice(pieces) for _ in range(60)]
    fractions = ["0", "1", "-1", "1/2", "-3/7", "2", "5/3", "1000001/7", "-1/1000000000000"]
    points = [_point({a: rng.choice(fractions), b: rng.choice(fractions), c: rng.choice(fractions)}) for _ in range(40)]
    points.append(_point({a: "1", b: "1", c: "1"}))  # every piece exactly on its kink
    said = 0  # each "equal" of the look confirmed by the exact route
    for x in exprs:
        for y in exprs[:20]:
            for point in points[:12] if x is not y else points:
                if reader._same_rational(x, y, point):
                    said += 1
                    vx, vy = (reader._exact(reader._region(e, point.subs), point.subs) for e in (x, y))
                    assert vx is not None and vx == vy, (x, y, point.subs)
    assert said > 500


def test_the_whole_number_look_leaves_what_it_does_not_compute_to_the_exact_route():
    a, b = sp.symbols("a b", real=True)
    at = _point({a: "1/2", b: "0"})
    for e in (sp.exp(a), sp.log(a), 1 / a, a ** sp.Rational(1, 2), sp.floor(a), a ** 65, Ind(a > 0),
              sp.Piecewise((1, a < 0)),  # no branch taken at a = 1/2: no value
              1 / b):  # a division by 0
        assert not reader._same_rational(e, e, at), e
    root = reader.Point({a: sp.sqrt(2), b: sp.Integer(1)}, 1)  # a point not all rational
    assert not reader._same_rational(a + b, b + a, root)


def test_a_linear_root_is_what_real_roots_finds():
    t, u = sp.symbols("t u", real=True)
    rng = random.Random(1)
    for _ in range(200):
        a, b = (sp.Rational(rng.randint(-50, 50), rng.randint(1, 9)) for _ in range(2))
        g = sp.expand(a * t + b + rng.choice((0, 1)) * sp.Rational(rng.randint(-9, 9), 7) * t)
        found = reader._linear_root(g, t)
        if found is None:
            assert sp.Poly(g, t).degree() <= 0 or not g.has(t)
            continue
        assert found == list(dict.fromkeys(sp.real_roots(sp.Poly(g, t)))), g
    assert reader._linear_root(t ** 2 - 2, t) is None
    assert reader._linear_root(u * t + 1, t) is None
    assert reader._linear_root(sp.Float(0.5) * t + 1, t) is None
