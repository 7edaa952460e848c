"""Prose never claims more than the ledger: what is proved is printed from it, on the pages and in the README."""

import json
from pathlib import Path
import re

import pytest

from derivations.equations.pages import _prose_lines
from derivations.site.marks import claims_sentence, readme_claims

ROOT = Path(__file__).resolve().parents[1]


def _relative(path):
    return path.relative_to(ROOT) if ROOT in path.parents else path.name
# sentences that say what the prover did: only the ledger may say them ([[claims]], the legend, the marks)
CLAIM = re.compile(r"\b(is|are) (also )?proved (by|for)\b|\bproved for (all|every|any) (sizes?|C|N|D|numbers?)\b|"
                   r"\bevery (identity|gradient|link)\b[^.]*\bproved\b", re.IGNORECASE)
BLOCK = re.compile(r"<!-- claims:begin -->\n(.*?)\n\s*<!-- claims:end -->", re.S)


def paragraphs(path, text):
    """(first line number, text) of each paragraph of prose, emphasis marks dropped: a claim may span lines."""
    out, start, lines = [], None, []
    for n, line in list(_prose_lines(path, text)) + [(None, "")]:
        if re.match(r"\s*([-*+]|\d+\.)\s", line) and lines:  # a list item starts a paragraph of its own
            out.append((start, " ".join(lines)))
            start, lines = None, []
        if line.strip() and n is not None:
            start = start or n
            lines.append(line.strip().replace("**", "").replace("__", ""))
        elif lines:
            out.append((start, " ".join(lines)))
            start, lines = None, []
    return out


def claims_in(path):
    text = path.read_text(encoding="utf-8")
    if path.name == "README.md":
        text = BLOCK.sub("", text)
    return [f"{_relative(path)}:{n}: {sentence[:160]}" for n, para in paragraphs(path, text)
            for sentence in re.split(r"(?<=[.;:])\s+", para) if CLAIM.search(sentence)]


def test_no_page_or_readme_says_by_hand_what_is_proved():
    found = [hit for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))] for hit in claims_in(path)]
    assert found == [], "say it with [[claims]] (or let the legend say it):\n" + "\n".join(found)


def test_the_lint_finds_a_claim_written_by_hand(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Intro.\n\nEvery identity and gradient on this page is proved by sympy.\n", encoding="utf-8")
    assert len(claims_in(page)) == 1


def test_the_readme_says_what_the_ledger_says():
    ledger = ROOT / "site" / "ledger.json"
    if not ledger.is_file():
        pytest.fail("site/ is not built: run `make build` (make test does it first)")
    block = BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block, "README.md has no claims block"
    wanted = readme_claims(json.loads(ledger.read_text(encoding="utf-8")))
    assert block.group(1).strip() == wanted, \
        f"the README's sentence of what is proved is stale: run `make readme`, which writes:\n  {wanted}"


def test_the_sentence_counts_every_kind_of_mark():
    records = [{"kind": "gradient", "mark": "all sizes", "result": "pass", "proved_for": ["proved for all sizes"]},
               {"kind": "identity", "mark": "range", "result": "pass", "proved_for": ["proved for C = 2..5, N = 1..3"]},
               {"kind": "definition", "mark": "checked", "result": "pass", "proved_for": []},
               {"kind": "identity", "mark": "checked", "result": "pass", "proved_for": ["not proved: too slow"]}]
    sentence = claims_sentence(records)
    assert sentence.startswith("Of the 4 numbered equations on this page, 1 is proved by sympy for every size")
    assert "1 is proved for a stated range of sizes only (C\u2009\u2264\u20095, N\u2009\u2264\u20093)" in sentence
    assert "1 is a definition" in sentence and "1 is checked numerically only" in sentence
