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

__all__ = ["shapes_html", "MARGIN", "PHONE_COLUMN", "narrowest", "too_wide_for_a_phone"]

MARGIN = 1.06  # KaTeX's metrics come within a few per cent of the browser's layout: a shape must fit with room to spare
SLACK = 0.5  # em: the formula box's padding and the scroll shadows' edge
SMALL = 1.0  # KaTeX sets math at 1.21 times the text; where no shape fits at that size, at the text's own size
DISPLAY_SCALE = 1.21  # KaTeX's display math size against the text's (.katex { font-size: 1.21em }), in its widths
# the box of a displayed formula on a 320 px screen: 288 px of 16 px text (tests/browser/test_narrow.py measures it)
PHONE_COLUMN = 18.0


def _kept(shapes, typesetter):
    """(tex, width in em) of each shape a page shows, widest first: one not narrower than the one before is left out."""
    kept = []
    for tex in shapes:
        width = typesetter.width(tex)
        if width is None:  # KaTeX rejects it: the page's typesetting will stop the build, naming it
            kept.append((tex, None))
            break
        if not kept or kept[-1][1] is None or width < kept[-1][1] - 0.01:
            kept.append((tex, width))
    return kept


def narrowest(shapes, typesetter):
    """The width in em of text of the narrowest shape as a page shows it when no shape fits at KaTeX's display size:
    at the text's own size (``SMALL``). None if KaTeX rejects a shape."""
    kept = _kept(shapes, typesetter)
    if not kept or kept[-1][1] is None:
        return None
    return kept[-1][1] * SMALL / DISPLAY_SCALE


def too_wide_for_a_phone(equations, typesetter, column=PHONE_COLUMN):
    """A message for each equation whose narrowest shape does not fit the formula box of a 320 px screen, from
    KaTeX's own metrics: there the page would show it in a box that scrolls sideways."""
    found = []
    for eq in equations:
        width = narrowest(eq.shapes(), typesetter)
        if width is not None and width + SLACK > column:
            found.append(f"({eq.shown_number}) {eq.id} on {eq.page} is too wide for a 320 px screen: its narrowest "
                         f"shape is {width:.1f} em of text, and the formula box there holds {column - SLACK:.1f} em; "
                         "it would scroll sideways. Split a long side into two links of the chain (sides = [a, b, c]), "
                         "or name a long subexpression with PROBLEM.function")
    return found


def shapes_html(key, shapes, typesetter):
    """(HTML of the shapes, a ``<style>`` that picks one) for the container carrying ``data-shapes="key"``.

    A shape that is not narrower than the one before it is left out.
    """
    kept = _kept(shapes, typesetter)
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
        # at the text's size, the widest shape that fits there: fewer lines for the same size ((A4) at 390 px had
        # broken its product onto a third line when, at that size, two lines fitted); the last matching rule wins
        at = f'.md-typeset [data-shapes="{key}"][data-shapes] .arithmatex'
        for n in range(len(kept) - 1, 0, -1):
            fits = kept[n - 1][1] * SMALL / DISPLAY_SCALE * MARGIN + SLACK
            if fits < threshold:
                rules.append(f'@container (max-width: {threshold:.2f}em) and (min-width: {fits:.2f}em) {{ '
                             f'{at}[data-shape] {{ display: none; }} {at}[data-shape="{n}"] {{ display: block; }} }}')
    style = f"<style>{' '.join(rules)}</style>" if rules else ""
    return divs, style
