"""An author's own index letters, label kinds and time budget (issue 30, Deliver 1 and 5).

A stock space takes the letters the author writes (samples n, classes c) as it takes the site's i and j: given
with ``indices=``, or read from the statement where the letter indexes an array whose shape is known. A
statement written with other letters is proved exactly as far as the original; an index that no size bounds is
refused at declaration, naming the index and the space. A link whose proof runs past its time budget is stopped
and reported "could not decide in N s", never passed.
"""

from pathlib import Path
import time

import numpy as np
import pytest
import sympy as sp

from derivations.equations import CATALOG, Catalog, Problem
from derivations.equations import points as pts
from derivations.equations import progress
from derivations.equations.catalog import DeclarationError
from derivations.equations.checks import check_equation
from derivations.equations.notation import Dot, Frac, Grad, SumOver, Transpose
from derivations.equations.points import Point, Space
from derivations.equations.prover import prove_link

ROOT = Path(__file__).resolve().parents[1]
N, D, C = sp.symbols("N D C", integer=True, positive=True)
X, w, y = sp.symbols("X w y")
x, yv = sp.IndexedBase("x"), sp.IndexedBase("y")
lam = sp.Symbol("lam", real=True)
SHAPES = {"X": ("N", "D"), "x": ("D",), "w": ("D",), "y": ("N",)}


def _loss(values):
    X_, w_, y_, lam_ = values["X"], values["w"], values["y"], float(values["lam"])
    r = X_ @ w_ - y_
    return r @ r / len(y_) + lam_ * w_ @ w_, 2 * X_.T @ r / len(y_) + 2 * lam_ * w_


def ridge(letter, number):
    """The guide's ridge loss and gradient, written with the sample index ``letter``."""
    n = sp.Symbol(letter, integer=True, positive=True)
    problem = Problem(f"problem-{number}.md", number, "Ridge", rows={"x": "X"}, bold=("y",), shapes=SHAPES)
    L = problem.function(f"L_{number}", "L", f"loss-{number}", lambda v, index, ev: float(_loss(v)[0]),
                         {"w": lambda v, index: _loss(v)[1]}, show_args=False)
    data = pts.regression()
    problem.equation(f"loss-{number}", "definition", "the loss",
                     lambda: [L(), Frac(1, N) * SumOver((Dot(x[n], w) - yv[n]) ** 2, n, 1, N) + lam * Dot(w, w)], data)
    problem.equation(f"gradient-{number}", "gradient", "its gradient",
                     lambda: [Grad(L(), w), Frac(2, N) * SumOver((Dot(x[n], w) - yv[n]) * x[n], n, 1, N) + 2 * lam * w,
                              Frac(2, N) * Transpose(X) * (X * w - y) + 2 * lam * w], data)
    # a statement about one sample, whose letter is free: the space must range over it
    problem.equation(f"residual-{number}", "identity", "one sample's residual",
                     lambda: [(Dot(x[n], w) - yv[n]) ** 2, Dot(x[n], w) ** 2 - 2 * yv[n] * Dot(x[n], w) + yv[n] ** 2],
                     data)
    return problem


def test_an_authors_letters_are_proved_as_far_as_the_sites():
    site, author = ridge("i", 81), ridge("n", 82)
    catalog = Catalog([*CATALOG.problems, site, author])
    for what in ("gradient", "residual"):
        mine, theirs = (check_equation(catalog[f"{what}-{number}"], catalog) for number in (81, 82))
        assert mine.result == theirs.result == "pass", (mine.message, theirs.message)
        assert theirs.proved_for == mine.proved_for and set(mine.proved_for) == {"proved for all sizes"}
    # the free n of the residual is read from the statement: x_n is a row of X (N x D), so n runs over 1..N
    assert catalog["residual-82"].space.bounds["n"] == N
    assert {point.indices["n"] for point in catalog["residual-82"].space.every({"N": 3, "D": 1}, {"n"})} == {1, 2, 3}


def test_a_sum_bounds_its_own_letter_at_symbolic_size():
    """Inside SumOver(..., n, 1, N) the letter n runs over 1..N whatever the space says of it: before, x_n in a sum
    over n was 'may lie outside 1..N' and the gradient was proved for N, D = 1..3 only."""
    from derivations.equations.prover import _prove_all_sizes

    author = ridge("m", 83)
    catalog = Catalog([*CATALOG.problems, author])
    assert "m" not in catalog["gradient-83"].space.bounds
    assert _prove_all_sizes(catalog["gradient-83"], 0, catalog)[0]


def test_an_index_no_size_bounds_is_refused_at_declaration():
    q = sp.Symbol("q", integer=True, positive=True)
    problem = Problem("problem-84.md", 84, "Unbounded", rows={"x": "X"}, shapes=SHAPES)
    start = time.perf_counter()
    with pytest.raises(DeclarationError) as refused:  # q indexes nothing whose shape is known
        problem.equation("unbounded", "identity", "q is bounded by nothing",
                         lambda: [SumOver(Dot(x[q], w), q, 1, N) * q, q * SumOver(Dot(x[q], w), q, 1, N)],
                         pts.regression())
    assert time.perf_counter() - start < 1.0
    message = str(refused.value)
    assert "test_author_letters.py, line " in message
    assert "the index q has no size in the space regression()" in message
    assert "regression(indices={'q': " in message and "(its sizes: D, N)" in message
    # given with the space's indices, it is an index of 1..N like any other
    eq = problem.equation("bounded", "identity", "q is a sample",
                          lambda: [SumOver(Dot(x[q], w), q, 1, N) * q, q * SumOver(Dot(x[q], w), q, 1, N)],
                          pts.regression(indices={"q": "N"}))
    assert eq.space.bounds["q"] == N


def test_a_space_refuses_a_size_it_does_not_have():
    with pytest.raises(ValueError, match=r"index 'c' of regression\(\) runs over 'C', which is no size of it: its "
                                         r"sizes are D, N"):
        pts.regression(indices={"c": "C"})
    with pytest.raises(ValueError, match=r"an index letter is an identifier such as 'n', got '1' \(indices of batch\(\)\)"):
        pts.batch(indices={"1": "N"})
    with pytest.raises(TypeError, match="indices maps each index letter to the size it runs over"):
        pts.logits(indices=["c"])
    assert pts.batch(indices={"n": "N", "c": "C"}).bounds["c"] == C


def test_the_label_kinds():
    rng = np.random.default_rng(0)
    binary = pts.regression(targets="binary").sample(rng)
    assert all(set(np.unique(p.values["y"])) <= {0.0, 1.0} for p in binary)
    assert {0.0, 1.0} <= set(np.concatenate([p.values["y"] for p in binary]))
    assert all(not p.label_names for p in binary)  # values of the statement, not class labels
    real = pts.regression().sample(rng)
    assert any(abs(p.values["y"]).max() >= 1e4 for p in real)
    classes = pts.batch().sample(rng)
    assert all(p.label_names == {"y"} and set(p.values["y"]) <= set(range(1, p.indices["C"] + 1)) for p in classes)
    with pytest.raises(ValueError, match=r"targets of regression\(\) is one of \('real', 'binary'\), got 'labels'"):
        pts.regression(targets="labels")


# -- the time budget of a link ---------------------------------------------------------------

def _slow_statement(prove=True):
    """An identity whose proof takes minutes: two products of 25th powers of four symbols, expanded."""
    a, b, c, d = sp.symbols("a b c d", real=True)
    names = ("a", "b", "c", "d")
    space = Space(lambda rng: [Point("random", {}, {n: float(rng.normal()) for n in names})],
                  lambda sizes, free: iter([Point("no size", {}, {n: 0.0 for n in names})]), {}, {})
    problem = Problem("problem-85.md", 85, "Slow")
    eq = problem.equation("slow", "identity", "a long expansion",
                          lambda: [(a + b + c + d) ** 25 * (a - b + c - d) ** 25, ((a + c) ** 2 - (b + d) ** 2) ** 25],
                          space, prove=prove)
    return eq, Catalog([problem])


def test_a_link_past_its_budget_is_stopped_and_not_passed(monkeypatch):
    eq, catalog = _slow_statement()
    events = []
    monkeypatch.setattr(progress, "BUDGET", 2.0)
    monkeypatch.setattr(progress, "REPORT", events.append)
    start, cpu = time.perf_counter(), time.process_time()
    proof = prove_link(eq, 0, catalog)
    took, used = time.perf_counter() - start, time.process_time() - cpu
    # stopped after 2 s of processor time, not waited for (unbudgeted, this link runs for minutes)
    assert used < 4 and took < 60, (used, took)
    assert not proof.proved and proof.timed_out and not proof.refuted
    assert proof.text.startswith("not proved: could not decide in 2 s")
    assert [(e["event"], e["state"], e["link"]) for e in events] == [("link", "start", 1), ("link", "end", 1)]
    assert events[-1]["text"] == proof.text and events[-1]["seconds"] >= 2
    # the equation is not passed, and its undecided proof is not kept in the proof store (the search for values
    # where a side has no real value, which takes long on four scalars and is beside the point here, left out)
    from derivations.equations import checks

    monkeypatch.setattr(checks, "_real_value_failures", lambda *args: [])
    store = {}
    record = check_equation(eq, catalog, proofs_done=store)
    assert record.result == "unproved" and "could not decide in 2 s" in record.message
    assert store == {}
    # an equation that says why it cannot be proved is not passed either: past its budget the prover could not
    # tell whether the link is false
    eq, catalog = _slow_statement(prove="sympy takes too long")
    record = check_equation(eq, catalog)
    assert record.result == "unproved" and record.proved_for[0].startswith("not proved: could not decide in 2 s")
    # no alarm is left behind
    import signal
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)


def test_the_budget_is_a_positive_number(monkeypatch):
    with pytest.raises(ValueError, match="the time budget of a link is a number of seconds above 0, got 0"):
        progress.set_budget(0)
    monkeypatch.setattr(progress, "BUDGET", None)
    monkeypatch.setenv("DERIVATIONS_LINK_BUDGET", "soon")
    with pytest.raises(ValueError, match="DERIVATIONS_LINK_BUDGET is a number of seconds, got 'soon'"):
        progress.budget_seconds()
    monkeypatch.setenv("DERIVATIONS_LINK_BUDGET", "12.5")
    assert progress.budget_seconds() == 12.5
    monkeypatch.delenv("DERIVATIONS_LINK_BUDGET")
    assert progress.budget_seconds() == progress.DEFAULT_BUDGET == 60


def test_verify_says_which_link_it_is_proving(capsys):
    """Off a terminal, a line when a link has run past ``slow`` seconds and one when it ends; a fast link says
    nothing (a CI log stays short)."""
    import io

    from derivations.cli import Display

    out = io.StringIO()
    display = Display(out, live=False, slow=0.5, tick=0.1)
    base = dict(pid=1, id="slow", number="85.1", page="problem-85.md", links=2)
    display(dict(base, event="equation", state="start"))
    display(dict(base, event="link", state="start", link=1))
    display(dict(base, event="link", state="end", link=1, seconds=0.01, text="proved for all sizes"))
    display(dict(base, event="link", state="start", link=2))
    time.sleep(1.0)
    display(dict(base, event="link", state="end", link=2, seconds=1.0, text="not proved: could not decide in 1 s"))
    display.close()
    lines = out.getvalue().splitlines()
    assert lines == ["derivations verify: proving (85.1) slow, link 2 of 2 on problem-85.md: 1 s so far",
                     "derivations verify: (85.1) slow, link 2 of 2: 1.0 s, not proved: could not decide in 1 s"], lines
    # on a terminal, one live line, rewritten in place
    tty = io.StringIO()
    live = Display(tty, live=True, slow=0.5, tick=0.1)
    live(dict(base, event="link", state="start", link=1))
    time.sleep(0.35)
    live.close()
    assert "\rproving (85.1) slow, link 1 of 2: 0 s" in tty.getvalue() and "\n" not in tty.getvalue()


def test_a_cancellation_past_the_working_precision_is_no_witness():
    """2 + e^-z / ((1 - 1/(1 + e^-z)) (1 + e^-z)) is 3, but at z = 1e10 the difference 1 - 1/(1 + e^-z) cancels past
    any precision tried, and two evaluations agreed on 2: a logistic regression's gradient, proved for all sizes,
    was refuted at such a point ('side 1 is -0'). Such a value is no witness (undecided), never a false one."""
    from derivations.equations.prover import _bounded

    t = sp.exp(-sp.Integer(10) ** 10)
    cancelling = 2 + t / ((1 - 1 / (t + 1)) * (t + 1))
    assert _bounded(cancelling) is None
    assert abs(_bounded(2 + sp.exp(-sp.Integer(3))) - (2 + sp.exp(-3)).evalf(40)) < sp.Float(10) ** -35


def test_a_logistic_regression_in_the_authors_letters_is_proved_for_all_sizes():
    """The issue's page: samples n, targets 0 or 1, sigma from Problem 1; its model and gradient, for all sizes."""
    from derivations.problems.problem1 import sigma

    n = sp.Symbol("n", integer=True, positive=True)
    problem = Problem("problem-78.md", 78, "Logistic regression", rows={"x": "X"}, bold=("y",), shapes=SHAPES)

    def loss(v):
        p = 1 / (1 + np.exp(-(v["X"] @ v["w"])))
        return float(-np.mean(v["y"] * np.log(p) + (1 - v["y"]) * np.log(1 - p))), v["X"].T @ (p - v["y"]) / len(p)

    L = problem.function("L_78", "L", "log-loss-78", lambda v, index, ev: loss(v)[0],
                         {"w": lambda v, index: loss(v)[1]}, show_args=False)
    data = pts.regression(targets="binary")
    problem.equation("log-loss-78", "definition", "the loss", lambda: [
        L(), -Frac(1, N) * SumOver(yv[n] * sp.log(sigma(Dot(x[n], w))) + (1 - yv[n]) * sp.log(1 - sigma(Dot(x[n], w))),
                                   n, 1, N)], data)
    problem.equation("log-gradient-78", "gradient", "its gradient", lambda: [
        Grad(L(), w), Frac(1, N) * SumOver((sigma(Dot(x[n], w)) - yv[n]) * x[n], n, 1, N)], data)
    catalog = Catalog([*CATALOG.problems, problem])
    for eq_id, proved in (("log-loss-78", ["a definition: compared with the package"]),
                          ("log-gradient-78", ["proved for all sizes"])):
        record = check_equation(catalog[eq_id], catalog)
        assert record.result == "pass" and record.proved_for == proved, (record.proved_for, record.message)


def test_verify_refuses_a_budget_that_is_no_time(capsys):
    from derivations.cli import main

    assert main(["verify", "--budget", "0", "--docs", "", "--page", "problem-1.md"]) == 2
    assert "derivations verify: --budget: the time budget of a link is a number of seconds above 0, got 0.0" in \
        capsys.readouterr().err
    assert progress.BUDGET is None  # nothing was set
