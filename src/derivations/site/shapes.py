"""A displayed formula in every shape the engine prints for it, and the CSS that shows the one that fits.

The engine prints each equation wide, broken after its "=", and broken at the
top-level + and - of its sides (:meth:`derivations.equations.catalog.Equation.shapes`).
The build typesets all of them and measures each from KaTeX's glyph metrics;
a container query per formula shows the widest shape that fits the column it is
in, so a phone gets a formula broken like a book's, a desktop the one-line one,
and the page needs no JavaScript for it. Hidden shapes are ``display: none``:
a screen reader reads one formula, not three.
"""

from __future__ import annotations

import html

__all__ = ["shapes_html", "MARGIN"]

MARGIN = 1.06  # KaTeX's metrics come within a few per cent of the browser's layout: a shape must fit with room to spare
SLACK = 0.5  # em: the formula box's padding and the scroll shadows' edge
SMALL = 1.0  # KaTeX sets math at 1.21 times the text; where no shape fits at that size, at the text's own size


def shapes_html(key, shapes, typesetter):
    """(HTML of the shapes, a ``<style>`` that picks one) for the container carrying ``data-shapes="key"``.

    A shape that is not narrower than the one before it is left out.
    """
    kept = []
    for tex in shapes:
        width = typesetter.width(tex)
        if width is None:  # KaTeX rejects it: the page's typesetting will stop the build, naming it
            kept.append((tex, None))
            break
        if not kept or kept[-1][1] is None or width < kept[-1][1] - 0.01:
            kept.append((tex, width))
    divs = "".join(
        f'<div class="arithmatex" data-shape="{n}">\\[{html.escape(tex, quote=False)}\\]</div>'
        for n, (tex, _) in enumerate(kept, 1))
    rules = []
    for n in range(1, len(kept)):
        threshold = kept[n - 1][1] * MARGIN + SLACK
        at = f'.md-typeset [data-shapes="{key}"][data-shapes] .arithmatex'  # above the default rule
        rules.append(f'@container (max-width: {threshold:.2f}em) {{ {at}[data-shape="{n}"] {{ display: none; }} '
                     f'{at}[data-shape="{n + 1}"] {{ display: block; }} }}')
    if kept and kept[-1][1] is not None:  # even the narrowest does not fit: the math at the size of the text around it
        threshold = kept[-1][1] * MARGIN + SLACK
        rules.append(f'@container (max-width: {threshold:.2f}em) {{ .md-typeset [data-shapes="{key}"][data-shapes] '
                     f'.katex-display > .katex {{ font-size: {SMALL}em; }} }}')
    style = f"<style>{' '.join(rules)}</style>" if rules else ""
    return divs, style
