"""Tables that become cards on a phone, as the ledger's rows do: each cell labelled with its column's header.

On a narrow screen a table of three prose columns ran one word per line, or cut its last column ("Checked by")
with no sign that it scrolled. ``label_cells`` gives every body cell of such a table its header as
``data-label``; the stylesheet (``extra.css``) shows each row as a card below 48em, each value under its label.
The errata boxes of the proof pages (``!!! warning errata "..."``) are such tables, and so are the boxes of slips a
write-up is prone to (``!!! note slips "..."``), which a page with no submitted solution has instead of errata: an
errata box corrects something, and one that lists no erratum stops the build (:func:`errata_problems`).
"""

from __future__ import annotations

import html
import re

__all__ = ["errata_problems", "label_cells", "label_errata_tables"]

TABLE = re.compile(r"<table>.*?</table>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
HEADER = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
CELL = re.compile(r"<td\b")
CARD_BOXES = re.compile(r'<div class="admonition [^"]*\b(?:errata|slips)\b[^"]*">.*?</table>', re.S)
# an errata box, up to the start of the next box or block of the page (its table, if it has one, is inside)
ERRATA_BOX = re.compile(r'<div class="admonition [^"]*\berrata\b[^"]*">\s*<p class="admonition-title">(.*?)</p>'
                        r'(.*?)(?=<div class="admonition |<h[1-6]\b|\Z)', re.S)


def label_cells(table):
    """``table``'s body cells, each with ``data-label`` set to its column's header text.

    >>> label_cells('<table><thead><tr><th>Claim</th><th>Checked <em>by</em></th></tr></thead>'
    ...             '<tbody><tr><td>a</td><td>b</td></tr></tbody></table>')
    '<table><thead><tr><th>Claim</th><th>Checked <em>by</em></th></tr></thead><tbody><tr><td data-label="Claim">a</td><td data-label="Checked by">b</td></tr></tbody></table>'
    """
    head, _, body = table.partition("</thead>")
    labels = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", h)).split()) for h in HEADER.findall(head)]

    def row(match):
        cells = iter(labels)
        return "<tr>" + CELL.sub(lambda m: f'<td data-label="{html.escape(next(cells, ""))}"', match.group(1)) + "</tr>"

    return head + _ + ROW.sub(row, body)


SUBMITTED = "The submitted solution"  # the first column of an errata table: what the submitted work says


def errata_problems(content):
    """What is wrong with the errata boxes of a page's ``content``, as sentences. An errata box corrects a submitted
    solution: a table whose first column is "The submitted solution", one erratum a row. A box without one (a page
    with nothing submitted, which lists slips a write-up is prone to) is another kind of box.

    >>> box = '<div class="admonition warning errata"><p class="admonition-title">Errata: none</p><p>Nothing.</p></div>'
    >>> print(*errata_problems(box))
    the errata box 'Errata: none' lists no erratum of a submitted solution (a table whose first column is 'The submitted solution', one row each): remove it, or make it a box of slips (!!! note slips "...")
    >>> table = '<table><thead><tr><th>{}</th></tr></thead><tbody><tr><td>b</td></tr></tbody></table>'
    >>> errata_problems(box.replace("<p>Nothing.</p>", table.format("The submitted solution")))
    []
    >>> len(errata_problems(box.replace("<p>Nothing.</p>", table.format("A common slip"))))
    1
    """
    out = []
    for title, body in ERRATA_BOX.findall(content):
        table = TABLE.search(body)
        head, _, rows = table.group(0).partition("</thead>") if table else ("", "", "")
        first = HEADER.search(head)
        first = " ".join(html.unescape(re.sub(r"<[^>]+>", "", first.group(1))).split()) if first else ""
        if first != SUBMITTED or not ROW.findall(rows):
            title = " ".join(html.unescape(re.sub(r"<[^>]+>", "", title)).split())
            out.append(f"the errata box {title!r} lists no erratum of a submitted solution (a table whose first "
                       f"column is {SUBMITTED!r}, one row each): remove it, or make it a box of slips "
                       '(!!! note slips "...")')
    return out


def label_errata_tables(content):
    """``content`` with the tables of its errata boxes (and of its boxes of slips) labelled for cards."""
    return CARD_BOXES.sub(lambda m: TABLE.sub(lambda t: label_cells(t.group(0)), m.group(0)), content)
