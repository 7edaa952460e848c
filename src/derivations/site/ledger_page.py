"""The Ledger page: a table of every equation with its status, and the source of each check."""

from __future__ import annotations

import ast
import functools
import html
import io
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

from derivations.equations.ledger import proof_counts
from derivations.site.marks import claims_sentence, conditions_html, mark_html
from derivations.site.shapes import shapes_html

__all__ = ["render_ledger", "catalog_source"]

TAG = re.compile(r"\s*\\tag\{[^}]*\}\s*$")  # the ledger gives the number in its own column


def catalog_source(root, source):
    """The statement that declares an equation, at ``file:line`` relative to ``src/derivations``."""
    name, line = source.rsplit(":", 1)
    text = (Path(root) / "src" / "derivations" / name).read_text(encoding="utf-8")
    line = int(line)
    for first, last, segment in _statements(text):
        if first <= line <= last:
            return segment
    raise ValueError(f"no statement of {name} contains line {line}")


@functools.lru_cache(maxsize=32)
def _statements(text):
    """The top-level statements of a module's ``text`` as (first line, last line, source): parsed once per text,
    not once per equation (46 parses of the problem modules were most of the Ledger page's build)."""
    lines = io.StringIO(text, newline="").readlines()  # split where ast counts lines: \n, \r\n, \r
    return tuple((node.lineno, node.end_lineno, _segment(lines, node)) for node in ast.parse(text).body)


def _segment(lines, node):
    if node.lineno == node.end_lineno:
        return lines[node.lineno - 1].encode()[node.col_offset:node.end_col_offset].decode()
    first = lines[node.lineno - 1].encode()[node.col_offset:].decode()
    last = lines[node.end_lineno - 1].encode()[:node.end_col_offset].decode()
    return "".join([first, *lines[node.lineno:node.end_lineno - 1], last])


def _proved_cell(r, href):
    texts = list(dict.fromkeys(r["proved_for"]))
    return mark_html(r, href) + " " + "; ".join(html.escape(t) for t in texts)


def _shapes(r, formula, typesetter):
    if typesetter is None:
        return f'<div class="arithmatex">\\[{formula}\\]</div>'
    divs, style = shapes_html(f"ledger-{r['id']}", r.get("shapes") or [html.unescape(formula)], typesetter)
    return divs + style


def render_ledger(ledger, page, page_url, root, typesetter=None):
    """HTML of the ledger table and the check sources, for the Ledger page (each formula in the shape that fits)."""
    records = ledger["equations"]
    passed = sum(r["result"] == "pass" for r in records)
    counts = proof_counts(ledger)
    links = sum(counts.values())
    definitions = sum(1 for r in records if r["kind"] == "definition")
    out = [f'<p class="ledger-summary"><strong>{passed} of {len(records)}</strong> equations pass every check '
           f'(source hash <code>{ledger["source_hash"]}</code>, checked in <span data-varies>{ledger["seconds"]:.1f}</span> s). '
           f'{html.escape(claims_sentence(records, "on this site"))}</p>',
           f'<ul class="ledger-proofs"><li>Of the <strong>{links}</strong> links that must be proved (of identities, '
           f'gradients, and definitions after their defining line), '
           f'<strong>{counts["all sizes"]}</strong> are proved by sympy for every size,</li>'
           f'<li><strong>{counts["a range of sizes"]}</strong> for every size of a range only '
           f'(each listed below with its range),</li>'
           f'<li><strong>{counts["not proved"]}</strong> are not proved (checked at sample points only).</li>'
           f'<li>The <strong>{definitions}</strong> defining lines of definitions are compared with the package, '
           f'not proved.</li></ul>',
           # the print page puts the summary in place of what lies between these markers (print_extras.py)
           '<!-- ledger:full --><div class="compact-table ledger-table"><table><thead><tr><th>No.</th><th>Equation</th>'
           '<th>Result</th><th>Proved by sympy</th><th>Checked by</th></tr></thead><tbody>']
    for r in records:
        url = get_relative_url(page_url(r["page"]), page.url) + f"#eq-{r['id']}"
        formula = html.escape(r.get("formula") or TAG.sub("", r["latex"]), quote=False)
        # each row says what it is about: the formula itself, typeset by the build like every formula on the site;
        # on a phone and in print the rows become cards, each cell labelled (data-label)
        out.append(
            f'<tr id="ledger-{r["id"]}" data-result="{r["result"]}"><td data-label="No."><a href="{url}">({r["number"]})</a>'
            f'<span class="ledger-source-link"> <a href="#src-{r["id"]}">source</a></span></td>'
            f'<td data-label="Equation"><div class="ledger-title">{html.escape(r["title"])} ({r["kind"]}), '
            f'<code>{r["id"]}</code> on {r["page"]}</div>'
            f'<div class="ledger-formula" data-shapes="ledger-{r["id"]}" tabindex="0" role="group" '
            f'aria-label="formula ({r["number"]})">{_shapes(r, formula, typesetter)}</div>{conditions_html(r)}</td>'
            f'<td data-label="Result" class="ledger-{r["result"]}">{r["result"]}</td>'
            f'<td data-label="Proved by sympy">{_proved_cell(r, url)}</td>'
            f'<td data-label="Checked by">{", ".join(r["methods"])}: {r["points"]} points, {r["comparisons"]} comparisons'
            f'<span class="ledger-time">, in <span data-varies>{r["seconds"]:.2f}</span>&nbsp;s</span></td></tr>'
        )
    out.append("</tbody></table></div>")
    out.append('<div class="ledger-sources">')
    out.append('<h2 id="sources">Where each equation and its check are written</h2>')
    for r in records:
        code = html.escape(catalog_source(root, r["source"]))
        out.append(
            f'<details class="ledger-source" id="src-{r["id"]}"><summary>({r["number"]}) <code>{r["id"]}</code> '
            f'— <code>src/derivations/{r["source"]}</code></summary>'
            f'<pre><code class="language-python">{code}</code></pre></details>'
        )
    out.append("</div><!-- /ledger:full -->")
    return "\n".join(out)
