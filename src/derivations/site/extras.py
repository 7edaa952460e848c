"""What a proof page adds to its equations, filled in when the site is built: one call from the hooks.

- ``[[shapes]]``: the table of shapes of the page's symbols (:mod:`derivations.site.symbol_shapes`);
- ``[[example:data]]``, ``[[example:values]]``: its worked example (:mod:`derivations.site.worked`);
- ``[[figure:NAME]]``: a picture drawn by the package (:mod:`derivations.site.pictures`).

They are filled before the equations' placeholders, so the ``[[ref:...]]`` they print become links too.
A table or a number that its declaration or its formula does not give stops the build, naming it.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError

from derivations.site.pictures import picture_files, render_pictures
from derivations.site.symbol_shapes import ShapeTableError, render_shapes
from derivations.site.worked import ExampleError, render_examples

__all__ = ["render_extras", "extra_files"]


def extra_files(config):
    """The generated files the extras need (the pictures)."""
    return picture_files(config)


def render_extras(content, page_src, page_url):
    try:
        content = render_shapes(content, page_src)
        content = render_examples(content, page_src)
        return render_pictures(content, page_url)
    except (ShapeTableError, ExampleError, KeyError) as error:
        raise PluginError(f"{page_src}: {error}") from None
