"""What the page prints is what was proved (#27): the mark a reader sees without hovering says how far each
equation is proved, and every equation is printed with the conditions its proof used, on the proof pages, on
the Ledger page and in the print page (the PDF).

These read ``site/`` (``make build``) and ``.cache/ledger.json`` (``make verify``).
"""

import html
from html.parser import HTMLParser
from pathlib import Path
import re

import pytest
import sympy as sp

from derivations.equations import CATALOG
from derivations.equations.prover import free_indices
from derivations.equations.parse import SymbolTable, parse_condition, parse_equation, same
from ledger_of_build import ledger_by_id

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
PROOF_PAGES = sorted({eq.page for eq in CATALOG})
# the words a reader sees on each mark, by what the ledger says of the equation
WORDS = {"all sizes": "proved", "off kinks": "proved off the kinks", "range": "proved for", "checked": "checked"}


class _Blocks(HTMLParser):
    """For each element carrying ``attr`` (an equation, a ledger row): its mark's visible text (the title and
    aria-label are not read), the TeX of its formula's shapes and of its printed conditions, and their text."""

    def __init__(self, attr):
        super().__init__()
        self.attr, self.found, self.stack = attr, {}, []
        self.current = None
        self.depth = 0
        self.annotation = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.current is None and a.get(self.attr):
            key = a[self.attr].removeprefix("ledger-")
            self.current = self.found.setdefault(key, {"mark": "", "shapes": [], "conditions": [], "text": ""})
            self.stack = []
        if self.current is None:
            return
        if tag in ("br", "img", "input", "meta", "link", "hr"):
            return
        classes = set((a.get("class") or "").split())
        role = ("mark" if "equation-mark" in classes else "conditions" if "equation-conditions" in classes
                else "shape" if a.get("data-shape") else None)
        hidden = a.get("aria-hidden") == "true" and "mark-glyph" in classes
        self.stack.append((tag, role, hidden))
        if tag == "annotation":
            self.annotation = ""

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "annotation" and self.annotation is not None:
            roles = {r for _, r, _ in self.stack}
            if "conditions" in roles:
                self.current["conditions"].append(self.annotation)
            elif "shape" in roles:
                self.current["shapes"].append(self.annotation)
            self.annotation = None
        while self.stack:
            opened = self.stack.pop()
            if opened[0] == tag:
                break
        if not self.stack:
            self.current = None

    def handle_data(self, data):
        if self.current is None:
            return
        if self.annotation is not None:
            self.annotation += data
            return
        roles = {r for _, r, _ in self.stack}
        if "mark" in roles and not any(h for _, _, h in self.stack):
            self.current["mark"] += data
        if "conditions" in roles and not any(t in ("math", "semantics") for t, _, _ in self.stack):
            self.current["text"] += data


def _blocks(path, attr):
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make build`")
    parser = _Blocks(attr)
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.found


def _category(record):
    """How far the ledger says the equation is proved, read from its words (not from the field the site prints)."""
    if record["mark"] == "all sizes" and any(t.endswith("off the kinks") for t in record["proved_for"]):
        return "off kinks"
    return record["mark"]


def _visible(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def records():
    return ledger_by_id()


@pytest.fixture(scope="module")
def shown():
    """Each equation as printed: on its page, on the Ledger page, and on the print page (the PDF's source)."""
    pages = {}
    for page in PROOF_PAGES:
        pages.update(_blocks(SITE / page.removesuffix(".md") / "index.html", "data-equation"))
    return {"page": pages, "ledger": _blocks(SITE / "ledger" / "index.html", "id"),
            "print": _blocks(SITE / "print_page" / "index.html", "data-equation")}


# -- Deliver 2: four marks a phone reader tells apart ------------------------------------------------------------------

def test_the_ledger_tells_off_the_kinks_apart(records):
    # (A3), (A4), (2.3)-(2.5) and (2.9) are proved off the kinks only
    off = {r["number"] for r in records.values() if _category(r) == "off kinks"}
    assert {"A3", "A4", "2.3", "2.4", "2.5", "2.9"} <= off
    for r in records.values():
        assert r["off_kinks"] == any(t.endswith("off the kinks") for t in r["proved_for"]), r["id"]


@pytest.mark.parametrize("where", ["page", "ledger"])
def test_every_mark_says_in_words_how_far_its_equation_is_proved(records, shown, where):
    assert set(shown[where]) >= set(records)
    for eq_id, r in records.items():
        text = _visible(shown[where][eq_id]["mark"])
        want = WORDS[_category(r)]
        assert text.startswith(want), f"({r['number']}) {eq_id} on the {where}: the mark reads {text!r}, not {want!r}"
        if _category(r) == "all sizes":
            assert "kink" not in text and "for" not in text, text


def test_the_print_page_and_its_ledger_lines_say_off_the_kinks(records, shown):
    printed = (SITE / "print_page" / "index.html").read_text(encoding="utf-8")
    for eq_id, r in records.items():
        assert _visible(shown["print"][eq_id]["mark"]).startswith(WORDS[_category(r)]), eq_id
        line = re.search(rf'<li id="ledger-{re.escape(eq_id)}">(.*?)</li>', printed, re.S)
        assert line, eq_id
        word = re.search(r'class="print-ledger-mark">([^<]*)<', line.group(1)).group(1)
        assert word.startswith(WORDS[_category(r)]), f"{eq_id}: the PDF's ledger line says {word!r}"


@pytest.mark.parametrize("page", PROOF_PAGES)
def test_every_proof_page_has_the_legend_of_the_four_marks(page):
    html = (SITE / page.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    legend = re.search(r'<aside class="mark-legend".*?</aside>', html, re.S)
    assert legend, page
    classes = re.findall(r'class="equation-mark (mark-[a-z-]+)"', legend.group(0))
    assert classes == ["mark-all-sizes", "mark-off-kinks", "mark-range", "mark-checked"], classes
    text = re.sub(r"<[^>]+>", "", legend.group(0))
    assert "proved off the kinks" in text and "kink" in text


# -- Deliver 1: the conditions of each proof, printed with its formula ---------------------------------------------

def _index_restrictions(eq):
    """Pairs of indices and labels the statement ranges over that its space never lets be equal (j and y_i), read
    from the space's own list of index values at its smallest sizes."""
    sizes = {n: min(v) for n, v in eq.space.sizes.items() if v}
    names = set().union(*(free_indices(side, frozenset()) for side in eq.sides)) - {"C", "N", "D"}
    labelled = {f"y_{q.indices[0]}" for side in eq.sides for q in side.atoms(sp.Indexed)
                if q.base.label.name == "y" and len(q.indices) == 1 and isinstance(q.indices[0], sp.Symbol)
                and q.indices[0].name in names}
    wanted = (names - {"C", "N", "D"}) | labelled
    if len(wanted) < 2:
        return set()
    seen = {}
    try:
        points = list(eq.space.every(sizes, wanted | {"y", "p"} | {n for n in names}))
    except Exception:  # noqa: BLE001 - a space without sizes: nothing to restrict
        return set()
    for point in points:
        values = {k: v for k, v in point.indices.items() if k not in ("C", "N", "D")}
        y = point.values.get("y")
        for name in labelled:
            row = name.split("_")[1]
            if y is not None and row in point.indices:
                values[name] = int(sp.Integer(int(y[point.indices[row] - 1])))
        for a in wanted:
            for b in wanted:
                if a < b and a in values and b in values:
                    seen.setdefault((a, b), False)
                    seen[(a, b)] |= values[a] == values[b]
    return {pair for pair, equal in seen.items() if not equal}


def _expected(eq, record):
    """The conditions the proof of ``eq`` used, as sympy relations, and whether it holds off the kinks only."""
    out = []
    for name in eq.space.fixed:
        out.append(sp.Eq(sp.Symbol(name, integer=True, positive=True), eq.space.sizes[name][0], evaluate=False))
    out.extend(eq.domain)
    for a, b in sorted(_index_restrictions(eq)):
        def sym(n):
            if n.startswith("y_"):
                return sp.IndexedBase("y")[sp.Symbol(n[2:], integer=True, positive=True)]
            return sp.Symbol(n, integer=True, positive=True)
        out.append(sp.Ne(sym(a), sym(b), evaluate=False))
    return out, _category(record) == "off kinks"


def _parsed(eq, texs):
    table = SymbolTable.of(*eq.sides, *eq.domain, *(sp.Symbol(n, integer=True, positive=True) for n in "CND"))
    # a bare index ("for every \\(i\\)") is not a condition of its own
    return [parse_condition(tex, table) for tex in texs if re.search(r"=|<|>|\\neq|\\leq|\\geq", tex)]


def _holds(wanted, printed):
    return any(same(wanted, p) or same(wanted.reversed, p) for p in printed if type(p) is type(wanted) or
               type(p) is type(wanted.reversed))


@pytest.mark.parametrize("where", ["page", "ledger", "print"])
def test_every_equation_is_printed_with_the_conditions_its_proof_used(records, shown, where):
    missing = []
    for eq in CATALOG:
        block = shown[where][eq.id]
        wanted, off = _expected(eq, records[eq.id])
        printed = _parsed(eq, block["conditions"])
        for rel in wanted:
            if not _holds(rel, printed):
                missing.append(f"({eq.shown_number}) {eq.id}: {rel} is not printed (printed: {printed})")
        text = _visible(block["text"])
        if off:
            if "off the kinks" not in text:
                missing.append(f"({eq.shown_number}) {eq.id}: 'off the kinks' is not printed ({text!r})")
            kinks = [p for p in printed if isinstance(p, sp.Ne) and p.rhs == 0]
            if not kinks:
                missing.append(f"({eq.shown_number}) {eq.id}: no kink (a condition != 0) is printed")
            if "package" not in text:
                missing.append(f"({eq.shown_number}) {eq.id}: the kink's convention is not said ({text!r})")
        elif "kink" in text:
            missing.append(f"({eq.shown_number}) {eq.id}: proved on its kinks too, but printed 'off the kinks'")
    assert missing == []


def test_the_printed_formula_in_every_shape_is_the_equation(shown):
    for eq in CATALOG:
        block = shown["page"][eq.id]
        assert block["shapes"], eq.id
        for tex in block["shapes"]:
            sides = parse_equation(tex, SymbolTable.of(*eq.sides))
            assert len(sides) == len(eq.sides) and all(same(a, b) for a, b in zip(sides, eq.sides)), (eq.id, tex)


def test_the_conditions_of_the_svm_gradients_are_the_ones_a_grader_needs(records, shown):
    # (A3): j != y_i, and off the kinks of its hinge, the package's choice on them
    texs = shown["page"]["svm-grad-wj"]["conditions"]
    assert any(re.sub(r"\s", "", t) == r"j\neqy_{i}" for t in texs), texs
    assert "off the kinks" in _visible(shown["page"]["svm-grad-wj"]["text"])
    # (1.4)-style statements about two classes print C = 2
    two = [eq for eq in CATALOG if "C" in eq.space.fixed]
    assert two and all(any(re.sub(r"\s", "", t) == "C=2" for t in shown["page"][eq.id]["conditions"]) for eq in two)


def test_dropping_a_condition_is_caught(records, shown, monkeypatch):
    # the comparison fails when one printed condition is left out
    block = dict(shown["page"]["svm-grad-wj"])
    block["conditions"] = [t for t in block["conditions"] if "neq y" not in re.sub(r"\s", " ", t)]
    wanted, _ = _expected(CATALOG["svm-grad-wj"], records["svm-grad-wj"])
    assert not all(_holds(rel, _parsed(CATALOG["svm-grad-wj"], block["conditions"])) for rel in wanted)


def test_a_declared_domain_and_the_kinks_of_a_second_author_s_derivative_are_printed():
    # the guide's Huber derivative: delta > 0 is declared, and it is proved off its kinks r = +-delta
    import importlib.util

    from derivations.equations import Catalog
    from derivations.equations.conditions import conditions_of
    from derivations.site.marks import conditions_html, mark_of

    spec = importlib.util.spec_from_file_location("ridge27c", ROOT / "examples" / "adding-a-derivation" / "ridge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    catalog = Catalog([*(p for p in CATALOG.problems if not p.page.startswith("example-")), module.PROBLEM])
    eq = catalog["huber-derivative"]
    record = {"mark": "all sizes", "proved_for": ["proved for all sizes, off the kinks"], "kink_points": 6,
              "methods": ["package", "sympy"]}
    conditions = conditions_of(eq, catalog, record)
    record["conditions"] = conditions
    assert mark_of(record) == "off kinks"
    texs = [c["latex"] for c in conditions]
    assert r"\delta > 0" in texs, texs
    kinks = {re.sub(r"\s", "", c["latex"]) for c in conditions if c["kind"] == "kink"}
    assert {r"r-\delta\neq0", r"r+\delta\neq0"} <= kinks or len(kinks) >= 2, kinks
    printed = html.unescape(conditions_html(record))
    assert r"\(\delta > 0\)" in printed and "off the kinks" in printed and "at 6 points" in printed, printed
