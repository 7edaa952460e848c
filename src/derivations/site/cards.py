"""Tables that become cards on a phone, as the ledger's rows do: each cell labelled with its column's header.

On a narrow screen a table of three prose columns ran one word per line, or cut its last column ("Checked by")
with no sign that it scrolled. ``label_cells`` gives every body cell of such a table its header as
``data-label``; the stylesheet (``extra.css``) shows each row as a card below 48em, each value under its label.
The errata boxes of the proof pages (``!!! warning errata "..."``) are such tables.
"""

from __future__ import annotations

import html
import re

__all__ = ["label_cells", "label_errata_tables"]

TABLE = re.compile(r"<table>.*?</table>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
HEADER = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
CELL = re.compile(r"<td\b")
ERRATA = re.compile(r'<div class="admonition [^"]*\berrata\b[^"]*">.*?</table>', re.S)


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


def label_errata_tables(content):
    """``content`` with the tables of its errata boxes labelled for cards."""
    return ERRATA.sub(lambda m: TABLE.sub(lambda t: label_cells(t.group(0)), m.group(0)), content)
