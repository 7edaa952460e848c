"""The pictures of the proof pages (``[[figure:NAME]]``), drawn by :mod:`derivations.pictures` when the site is built.

Each picture is a generated file of the site, ``figures/NAME.svg``, and the
placeholder becomes a figure with the picture's text alternative, which says
what it shows from the plotted numbers, and its caption. The print page (and
so the PDF) shows the same ``<img>``.
"""

from __future__ import annotations

import html
import re

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

__all__ = ["FIGURE_PLACEHOLDER", "picture_files", "render_pictures"]

FIGURE_PLACEHOLDER = re.compile(r"<p>\s*\[\[figure:([a-z0-9-]+)\]\]\s*</p>")
_DRAWN = {}


def _picture(name):
    from derivations.pictures import PICTURES

    if name not in PICTURES:
        raise KeyError(f"[[figure:{name}]] names no picture of derivations.pictures (there are {sorted(PICTURES)})")
    if name not in _DRAWN:
        _DRAWN[name] = PICTURES[name]()
    return _DRAWN[name]


def picture_files(config):
    """Every picture as a generated file of the site.

    A picture is drawn once per process: the package's modules are imported once, so a rebuild under
    ``mkdocs serve`` would draw the same picture again (most of a second of each rebuild), and ``make build``
    builds in a process of its own.
    """
    from derivations.pictures import PICTURES

    return [File.generated(config, f"figures/{name}.svg", content=_picture(name).svg) for name in PICTURES]


def render_pictures(content, page_url):
    """``content`` with each ``[[figure:NAME]]`` replaced by the picture, its text alternative and its caption."""
    def figure(match):
        picture = _picture(match.group(1))
        src = get_relative_url(f"figures/{picture.name}.svg", page_url)
        return (f'<figure class="derivation-figure" id="figure-{picture.name}">'
                f'<img src="{src}" alt="{html.escape(picture.alt)}">'
                f"<figcaption>{html.escape(picture.caption)}</figcaption></figure>")

    return FIGURE_PLACEHOLDER.sub(figure, content)
