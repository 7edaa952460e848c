"""Each "Check your own" box shows an example line (#28): its own equation's, and never a known mistake.

Until #28 every box showed the same hint, whose second example was (A4) with its sign flipped: a reader who typed it
was told "not equal". The hint is now written by the build from the equation's own right side
(``reader_export._hint``); here every one is judged by the checker, and compared with every known mistake.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from derivations.equations.parse import same
from derivations.equations.reader import _parse, judge
from tests.proof_pages import proof_pages
from tests.test_reader import page, page_json

# every proof page of the catalog (a new problem's page is tested as soon as its module is there), by its name as the
# built JSON is named; a page with no identity or gradient has no boxes
PAGES = tuple(name for name in (PurePosixPath(p).stem for p in proof_pages()) if page_json(name))
# every box: an equation the build could not write data for has one too (it says it cannot check: a failure here)
HINTS = [(name, e["id"], e["hint"]) for name in PAGES for e in page_json(name)["equations"]
         if e.get("cases") or e.get("unchecked")]


def test_every_checkable_equation_has_a_hint_of_its_own():
    assert HINTS, "no checkable equation has a hint"
    for name in PAGES:
        hints = [h for n, _, h in HINTS if n == name]
        assert len(set(hints)) == len(hints), f"{name}: two boxes show the same hint"


@pytest.mark.parametrize(("name", "eq_id", "hint"), HINTS, ids=[f"{n}:{e}" for n, e, _ in HINTS])
def test_a_hint_is_judged_equal_and_is_no_known_mistake(name, eq_id, hint):
    verdict = judge(page(name), eq_id, hint)
    assert verdict["status"] == "equal", (hint, verdict)
    the_page = page(name)
    read = _parse(hint, the_page, the_page.equations[eq_id])[-1]
    for mutant in the_page.equations[eq_id].mutants:  # trees, as Page decodes them
        assert not same(read, mutant["tree"]), (hint, mutant["name"])


def test_the_old_shared_hint_would_have_failed_here():
    """The check above, on the hint every box showed before #28: (A4) with its sign flipped is judged not equal."""
    old = r"\sum_{j \neq y_i} \mathbb{1}(s_j - s_{y_i} + 1 > 0)\, x_i"
    assert judge(page("problem-2"), "svm-grad-wyi", old)["status"] == "not-equal"
