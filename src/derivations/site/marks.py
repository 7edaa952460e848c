"""The marks beside the equations, and every sentence that says what is proved: all printed from the ledger.

Four marks, told apart by their shape and their words, not by colour or a
tooltip (phones and the PDF show no tooltip):

- **proved**: every link proved by sympy for every size the statement is about,
  ties included (a filled mark);
- **proved off the kinks**: proved for every size, except exactly on a kink (a
  max, |.| or indicator of values at zero, where a derivative does not exist);
  on the kinks the printed value was compared with the package's convention
  (a filled mark with a dashed inner edge);
- **proved for C ≤ 5** (the sizes named in the mark): proved for every size of
  a stated range only (an outlined mark);
- **checked**: compared numerically at sample points (a definition, compared
  with the package, or a link the prover could not decide: a dashed mark). This
  is evidence, not proof: a statement false only between the points passes.

The prose of the pages never says what is proved: ``[[claims]]`` prints it
from the ledger, and every page with equations opens with the legend.
"""

from __future__ import annotations

import html
import re

__all__ = ["MARKS", "mark_of", "mark_word", "mark_html", "legend_html", "claims_sentence", "range_short", "readme_claims"]

# mark -> (glyph, word, what it means)
MARKS = {
    "all sizes": ("\u2713", "proved", "proved by sympy for every size the statement is about, ties included"),
    "off kinks": ("\u2713", "proved off the kinks",
                  "proved by sympy for every size, except exactly on a kink (a max, |.| or indicator at zero, where "
                  "no derivative exists); on a kink the value printed is the package's convention, compared with it "
                  "at points exactly on each kink"),
    "range": ("\u2713", "proved for", "proved by sympy for every size of the range it names"),
    "checked": ("\u2248", "checked", "checked numerically at sample points, not proved: evidence, since a statement false "
                                      "only between the points would pass (a definition is compared with the package)"),
}
RANGE = re.compile(r"\b([CND]) = (\d+)(?:\.\.(\d+))?")


def mark_of(record):
    """The mark of a ledger record: its weakest link's scope, and "off kinks" for a proof for all sizes that holds
    off the kinks only (the ledger's words of the proof say so)."""
    mark = record.get("mark", "checked")
    off = record.get("off_kinks")
    if off is None:
        off = any(text.endswith("off the kinks") for text in record.get("proved_for", []))
    return "off kinks" if mark == "all sizes" and off else mark


def mark_word(record):
    """The words of a record's mark as a reader sees them (proved, proved off the kinks, proved for C ≤ 5, checked)."""
    return _mark_text(record)[1]


def range_short(record):
    """The sizes of a range proof in a few characters: C ≤ 5, N ≤ 3 (the widest range of the equation's links); C = 2
    where every link is proved at that one size (a statement about two classes)."""
    highest, single = {}, {}
    for text in record.get("proved_for", []):
        for name, low, high in RANGE.findall(text):
            highest[name] = max(highest.get(name, 0), int(high or low))
            single[name] = single.get(name, True) and not high and int(low) == highest[name]
    return ", ".join(f"{name}\u2009{'=' if single[name] else chr(0x2264)}\u2009{value}"
                     for name, value in sorted(highest.items(), key=lambda kv: "CND".index(kv[0])))


def _mark_text(record):
    mark = mark_of(record)
    glyph, word, _ = MARKS[mark]
    if mark == "range":
        word = f"{word} {range_short(record)}"
    return glyph, word


def mark_html(record, href):
    """The mark beside an equation: a link to its ledger row, its meaning in words for every reader."""
    mark = mark_of(record)
    glyph, word = _mark_text(record)
    failing = record["result"] != "pass"
    if failing:
        glyph, word = "\u2717", record["result"]
    detail = "; ".join(dict.fromkeys(record.get("proved_for", [])))
    title = f"({record['number']}) {record['kind']}, {record['result']}: {MARKS[mark][2]} ({detail})"
    return (f'<a class="equation-mark mark-{mark.replace(" ", "-")}" href="{href}" title="{html.escape(title)}" '
            f'aria-label="{html.escape(word)}: {html.escape(MARKS[mark][2])}; see its row in the ledger">'
            f'<span class="mark-glyph" aria-hidden="true">{glyph}</span> {html.escape(word)}</a>')


EXAMPLE_INDEX = r"j \neq y_{i}"


def _math(tex):
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


def conditions_html(record):
    """The conditions the equation's checks and proof used (the ledger's ``conditions``), printed under its formula
    at every width and in the PDF: index restrictions, fixed sizes, a range, a declared domain, and the kinks the
    proof leaves out with what was checked on them. Empty when the statement holds with no condition."""
    conditions = record.get("conditions") or []
    if not conditions:
        return ""
    plain, kinks, notes = [], [], []
    for c in conditions:
        if c["kind"] in ("size", "range"):
            plain.append(f"{_math(c['latex'])} only")
        elif c["kind"] in ("domain", "index"):
            plain.append(_math(c["latex"]))
        elif c["kind"] == "kink":
            every = c.get("every") or []
            tail = (" for every " + " and ".join(_math(b) for b in every)) if every else ""
            kinks.append(_math(c["latex"]) + tail)
        elif c["kind"] == "convention":
            notes.append(html.escape(c["words"]))
    parts = []
    if plain:
        parts.append("where " + ", ".join(plain))
    if kinks:
        parts.append("off the kinks: " + ", ".join(kinks))
    text = "; ".join(parts) + ("." if parts else "")
    if notes:
        text += " " + " ".join(n[0].upper() + n[1:] + "." for n in notes)
    return f'<div class="equation-conditions">{text.strip()}</div>'


def counts(records):
    out = {mark: 0 for mark in MARKS}
    for r in records:
        out[mark_of(r)] += 1
    return out


def _plural(n, one, many):
    return f"{n} {one if n == 1 else many}"


def claims_sentence(records, where="on this page"):
    """What is proved, in one sentence, from the ledger's records (a page's, or the whole site's)."""
    n = counts(records)
    definitions = sum(1 for r in records if r["kind"] == "definition" and mark_of(r) == "checked")
    unproved = n["checked"] - definitions
    ranges = sorted({range_short(r) for r in records if mark_of(r) == "range"})
    parts = [f"{_plural(n['all sizes'], 'is', 'are')} proved by sympy for every size the statement is about"]
    if n["off kinks"]:
        parts.append(f"{_plural(n['off kinks'], 'is', 'are')} proved for every size off the kinks (on a kink, "
                     f"compared with the package's convention)")
    if n["range"]:
        parts.append(f"{_plural(n['range'], 'is', 'are')} proved for a stated range of sizes only ({'; '.join(ranges)})")
    parts.append(f"{_plural(definitions, 'is a definition', 'are definitions')}, checked numerically against the package")
    if unproved:
        parts.append(f"{_plural(unproved, 'is', 'are')} checked numerically only")
    failing = sum(1 for r in records if r["result"] != "pass")
    head = f"Of the {_plural(len(records), 'numbered equation', 'numbered equations')} {where}, "
    tail = "" if not failing else f" {_plural(failing, 'equation fails', 'equations fail')} its checks."
    return head + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] + "." + tail


def legend_html(records, ledger_href):
    """The legend of the marks, with this page's counts, for the top of every page with equations."""
    n = counts(records)
    items = []
    for mark, (glyph, word, meaning) in MARKS.items():
        shown = word if mark != "range" else f"{word} C\u2009\u2264\u20095"
        items.append(f'<li><span class="equation-mark mark-{mark.replace(" ", "-")}" aria-hidden="true">'
                     f'<span class="mark-glyph">{glyph}</span> {html.escape(shown)}</span> '
                     f'{html.escape(meaning)} <span class="mark-count">({n[mark]} here)</span></li>')
    return (f'<aside class="mark-legend" aria-label="what the marks beside the equations mean">'
            f'<p>{html.escape(claims_sentence(records))} Each mark links to the equation\'s row in the '
            f'<a href="{ledger_href}">ledger</a>.</p><ul>{"".join(items)}</ul>'
            '<p>Under a formula, the line that starts with "where" or "off the kinks" gives the conditions its checks '
            f'and proof used: the only indices its space visits (such as {_math(EXAMPLE_INDEX)}), a size the '
            f'statement is about ({_math("C = 2")}), its declared domain, and the kinks a proof off the kinks leaves '
            'out.</p></aside>')


def readme_claims(ledger):
    """The README's summary of what the checks guarantee today, from the ledger (``derivations readme`` writes it)."""
    records = ledger["equations"]
    return claims_sentence(records, where="on the site")
