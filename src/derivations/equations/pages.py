"""Read the site's pages: which equations each one shows, and any math that bypasses the catalog.

A page shows a catalog equation with ``[[eq:ID]]`` on a line of its own and
refers to one with ``[[ref:ID]]``. Display math written by hand (``$$``,
``\\[``, ``\\begin{...}``) and inline math that asserts a relation
(``=``, ``<``, ``>``, ``\\le``, ``\\ge``) are reported: neither is checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
import re

__all__ = ["PageScan", "scan_page", "scan_docs", "EQ", "REF"]

EQ = re.compile(r"\[\[eq:([a-z0-9-]+)\]\]")
REF = re.compile(r"\[\[ref:([a-z0-9-]+)\]\]")
DISPLAY = re.compile(r"\$\$|\\\[|\\begin\{")
INLINE = re.compile(r"(?<![\\$])\$([^$\n]+?)\$(?!\$)|\\\((.+?)\\\)")
RELATION = re.compile(r"(?<![\\a-zA-Z])[=<>]|\\(le|ge|leq|geq|lt|gt)(?![a-zA-Z])")


@dataclass
class PageScan:
    """What one page source shows: equation ids in order, references, and unchecked math."""

    page: str
    shown: list = field(default_factory=list)
    refs: list = field(default_factory=list)
    unchecked: list = field(default_factory=list)  # (line number, text, reason)
    lines: dict = field(default_factory=dict)  # equation id -> the line of its first placeholder


def _prose_lines(path, text):
    """(line number, text) of the prose: Markdown outside code fences, or notebook markdown cells."""
    lines = text.splitlines()
    if path.suffix == ".py":
        in_markdown = False
        for n, line in enumerate(lines, 1):
            if line.startswith("# %%"):
                in_markdown = "[markdown]" in line
                continue
            if in_markdown and line.startswith("#"):
                yield n, line[2:] if line.startswith("# ") else line[1:]
        return
    fence = None
    for n, line in enumerate(lines, 1):
        stripped = line.lstrip()
        if fence is None and (stripped.startswith("```") or stripped.startswith("~~~")):
            fence = stripped[:3]
            continue
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(">>>") or stripped.startswith("..."):
            continue
        yield n, re.sub(r"`[^`]*`", "", line)  # inline code is not math


def scan_page(path, page):
    """Scan one page source (a ``.md`` page or a jupytext ``.py`` notebook)."""
    scan = PageScan(page)
    for n, line in _prose_lines(Path(path), Path(path).read_text(encoding="utf-8")):
        for pattern, found in ((EQ, scan.shown), (REF, scan.refs)):
            for eq_id in pattern.findall(line):
                found.append(eq_id)
                scan.lines.setdefault(eq_id, n)
        if DISPLAY.search(line):
            scan.unchecked.append((n, line.strip(), "display math written by hand: show a catalog equation with [[eq:ID]]"))
        for match in INLINE.finditer(line):
            tex = match.group(1) or match.group(2)
            if RELATION.search(tex):
                scan.unchecked.append((n, match.group(0), "inline math asserts a relation: make it a catalog equation"))
    return scan


def scan_docs(docs_dir):
    """Scan every Markdown page and jupytext notebook under ``docs_dir``."""
    docs_dir = Path(docs_dir)
    scans = []
    for path in sorted(docs_dir.rglob("*")):
        if path.suffix in (".md", ".py") and "hooks" not in path.parts:
            scans.append(scan_page(path, path.relative_to(docs_dir).as_posix()))
    return scans
