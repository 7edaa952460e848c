"""Notebook pages share one stylesheet instead of each inlining it.

mkdocs-jupyter writes JupyterLab's CSS (about 574 KB, with the code colours and the light theme) into every
notebook page as ``<style>`` blocks, which made each notebook page 670-800 KB. ``shared_stylesheet`` takes those
blocks out of a page and links a file named by their content's hash instead, at the same place (so the cascade is
unchanged); the file is written once into the site, and a browser loads it once for all notebooks.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
import re

from mkdocs.utils import get_relative_url

__all__ = ["shared_stylesheet", "write_stylesheet"]

STYLE = re.compile(r'\s*<style type="text/css">(.*?)</style>', re.S)


def shared_stylesheet(content, page_url):
    """``content`` with its notebook ``<style>`` blocks replaced by one ``<link>``, and the file to write.

    Returns ``(content, (path in the site, css))``, or ``(content, None)`` for a page with no such block.

    >>> html, (path, css) = shared_stylesheet('<div><style type="text/css">a{}</style><style type="text/css">b{}'
    ...                                       '</style><p>x</p></div>', "notebooks/one/")
    >>> html, path, css
    ('<div><link rel="stylesheet" href="../../assets/notebook-5434887e.css"><p>x</p></div>', 'assets/notebook-5434887e.css', 'a{}\\nb{}\\n')
    """
    blocks = STYLE.findall(content)
    if not blocks:
        return content, None
    css = "".join(block.strip("\n") + "\n" for block in blocks)
    path = f"assets/notebook-{hashlib.sha256(css.encode()).hexdigest()[:8]}.css"
    link = f'<link rel="stylesheet" href="{get_relative_url(path, page_url)}">'
    first = STYLE.search(content)
    content = content[:first.start()] + link + STYLE.sub("", content[first.end():])
    return content, (path, css)


def write_stylesheet(site_dir, path, css):
    """Write ``css`` to ``site_dir/path`` unless that file is already there (its name is its content's hash)."""
    target = Path(site_dir) / path
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
