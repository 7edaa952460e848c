"""Math typeset when the site is built: every formula of a page becomes KaTeX's HTML and MathML.

The pinned KaTeX (``package.json``) runs in one Node process for the whole build
(``katex_render.js``), and each page sends its formulas in one batch. Pages then
show their math without JavaScript, at first paint, and screen readers read the
MathML. A formula that KaTeX rejects stops the build, naming the page and the formula.

Where math is found:

- ``<span class="arithmatex">\\(...\\)</span>`` and ``<div class="arithmatex">\\[...\\]</div>``,
  which pymdownx.arithmatex (generic mode) writes for Markdown pages;
- ``$...$`` and ``$$...$$`` in the Markdown cells of notebooks (mkdocs-jupyter leaves them as typed),
  outside code.
"""

from __future__ import annotations

import atexit
import html
import json
from pathlib import Path
import re
import shutil
import subprocess

RENDERER = Path(__file__).with_name("katex_render.js")
ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex"(?P<attrs>[^>]*)>(?P<tex>.*?)</(?P=tag)>', re.S)
CODE = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>", re.S)
NOTEBOOK_CELL = re.compile(r'<div class="[^"]*\bjp-RenderedMarkdown\b[^"]*"[^>]*>')
DIV = re.compile(r"<div\b|</div>")
NOTEBOOK_MATH = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+?)(?<!\\)\$", re.S)


class MathError(ValueError):
    """KaTeX could not typeset a formula."""


class Typesetter:
    """A long-lived Node process with the project's KaTeX: ``render(items)`` typesets a batch."""

    def __init__(self, katex_package):
        node = shutil.which("node")
        if node is None:
            raise MathError("Node.js is needed to typeset the math when the site is built: install `node` (>= 18)")
        if not (Path(katex_package) / "package.json").is_file():
            raise MathError(f"KaTeX is not installed at {katex_package}: run `npm ci` (or `make setup`)")
        self._process = subprocess.Popen(
            [node, str(RENDERER), str(Path(katex_package).resolve())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
        self._cache = {}
        self.widths = {}  # (tex, True) -> the display formula's width in em of the text around it
        self.plain = {}  # page -> the page with each formula as its TeX (for the search index)
        self.rendered = 0
        atexit.register(self.close)

    def render(self, items):
        """KaTeX's HTML for each ``(tex, display)`` of ``items``; a rejected formula gives ``MathError`` (its message)."""
        wanted = [item for item in dict.fromkeys(items) if item not in self._cache]
        if wanted:
            self._process.stdin.write(json.dumps(wanted) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
            if not line:
                raise MathError("the KaTeX process stopped: " + str(self._process.poll()))
            for item, reply in zip(wanted, json.loads(line)):
                self._cache[item] = reply.get("html") or MathError(reply["error"])
                if "width" in reply:
                    self.widths[item] = reply["width"]
            self.rendered += len(wanted)
        return [self._cache[item] for item in items]

    def width(self, tex):
        """The width of display formula ``tex`` in em (typeset first if need be); None if KaTeX rejects it."""
        self.render([(tex, True)])
        return self.widths.get((tex, True))

    def close(self):
        if self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait(timeout=10)


_SHARED = {}


def shared_typesetter(katex_package):
    """One Typesetter per KaTeX for the life of the Python process: ``mkdocs serve`` reloads the hooks on every
    rebuild, and the Node process with its cache of typeset formulas outlives them here."""
    key = str(Path(katex_package).resolve())
    typesetter = _SHARED.get(key)
    if typesetter is None or typesetter._process.poll() is not None:
        typesetter = _SHARED[key] = Typesetter(katex_package)
    return typesetter


def _notebook_cells(content):
    """(start, end) of every Markdown cell of a notebook page."""
    spans = []
    for match in NOTEBOOK_CELL.finditer(content):
        depth, end = 1, match.end()
        for tag in DIV.finditer(content, match.end()):
            depth += 1 if tag.group(0) == "<div" else -1
            if depth == 0:
                end = tag.end()
                break
        spans.append((match.end(), end))
    return spans


def outside_code(text, replace):
    """``replace`` applied to the parts of ``text`` that are not code (``<pre>``, ``<code>``)."""
    parts, codes = CODE.split(text), CODE.findall(text)
    return "".join(replace(part) + (codes[n] if n < len(codes) else "") for n, part in enumerate(parts))


def _arithmatex_tex(match):
    tex = html.unescape(match.group("tex")).strip()
    display = match.group("tag") == "div"
    opening, closing = (r"\[", r"\]") if display else (r"\(", r"\)")
    if tex.startswith(opening) and tex.endswith(closing):
        tex = tex[2:-2]
    return tex.strip(), display


OPENERS, CLOSERS = "([", ")]"
PUNCTUATION = re.compile(r"[.,;:!?)\]]+")  # what follows a formula and must not start a line
SIZED = re.compile(r"\\(?:left|right|[bB]igg?[lr]?)\s*$")  # \left( and \bigl( are sized delimiters, groups already
ANNOTATION = re.compile(r'(<annotation encoding="application/x-tex">).*?(</annotation>)', re.S)


def unbroken_brackets(tex):
    r"""Inline ``tex`` with the inside of each bracket at its top level made one group, so that a line never breaks
    inside it: KaTeX lets an inline formula break after any top-level + - = (Problem 3's
    \((1 - f_{y_i})\,\eta\,\mathbf{x}_i\) broke after "1 -" on a phone), never inside a group. The brackets stay
    outside the group, so their spacing is as before; an unbalanced bracket leaves ``tex`` as it is.

    >>> unbroken_brackets(r"(1 - f_{y_i})\,\eta + \max(0, u) - [\mathbf{x}]_m")
    '({1 - f_{y_i}})\\,\\eta + \\max({0, u}) - [{\\mathbf{x}}]_m'
    >>> unbroken_brackets(r"\left(a + b\right) + \frac{(a - b)}{2} + [0, 1)")
    '\\left(a + b\\right) + \\frac{(a - b)}{2} + [{0, 1})'
    >>> unbroken_brackets(r"(a - \left(b\right) + c)")
    '({a - \\left(b\\right) + c})'
    >>> unbroken_brackets(r"a - (b")
    'a - (b'
    """
    out, stack, depth, n = [], [], 0, 0  # stack: where each open bracket's inside starts in out
    while n < len(tex):
        c = tex[n]
        if c == "\\":  # a command or an escaped character, \{ among them: copied whole, never a brace
            m = re.match(r"\\(?:[A-Za-z]+|.)", tex[n:])
            out.append(m.group(0))
            n += len(m.group(0))
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        sized = SIZED.search("".join(out[-3:]))
        if depth == 0 and c in OPENERS and not sized:
            out.append(c + "{")
            stack.append(len(out))
        elif depth == 0 and c in CLOSERS and stack and not sized:
            stack.pop()
            out.append("}" + c)
        else:
            out.append(c)
        n += 1
    return tex if stack else "".join(out)


def typeset_page(content, typesetter, where):
    """``content`` with every formula typeset; ``where`` names the page in errors. Returns (content, count)."""
    found = []  # (start, end, tex, display, opening tag)
    masked = CODE.sub(lambda m: " " * len(m.group(0)), content)  # code blanked out, every offset kept
    # Markdown pages: arithmatex
    for m in ARITHMATEX.finditer(masked):
        tex, display = _arithmatex_tex(m)
        found.append((m.start(), m.end(), tex, display, (m.group("tag"), m.group("attrs"))))
    # notebooks: $ and $$ in Markdown cells
    for start, end in _notebook_cells(masked):
        for m in NOTEBOOK_MATH.finditer(masked, start, end):
            display = m.group("display") is not None
            tex = html.unescape(m.group("display") if display else m.group("inline")).strip()
            found.append((m.start(), m.end(), tex, display, None))
    if not found:
        return content, 0
    found.sort()
    rendered = typesetter.render([(tex if display else unbroken_brackets(tex), display) for _, _, tex, display, _ in found])
    # the formula as written, not as grouped for KaTeX, is what a reader copies and a screen reader's TeX says
    rendered = [r if isinstance(r, MathError) or display else
                ANNOTATION.sub(lambda m, tex=tex: m.group(1) + html.escape(tex, quote=False) + m.group(2), r)
                for (_, _, tex, display, _), r in zip(found, rendered)]
    errors = [f"{'display' if f[3] else 'inline'} formula {f[2]!r}: {r}" for f, r in zip(found, rendered)
              if isinstance(r, MathError)]
    if errors:
        raise MathError(f"{where}: KaTeX cannot typeset " + "; ".join(errors))
    out, plain, last = [], [], 0
    for (start, end, tex, display, wrapper), markup in zip(found, rendered):
        out.append(content[last:start])
        plain.append(content[last:start])
        tag, attrs = wrapper or ("div" if display else "span", "")
        shown = f'<{tag} class="arithmatex"{attrs}>{markup}</{tag}>'
        stop = None if display else PUNCTUATION.match(content, end)
        if stop:  # the stop after an inline formula stays on its line (a line of the PDF began ". Then after k")
            shown = f'<span class="math-nowrap">{shown}{stop.group(0)}</span>'
        out.append(shown)
        if 'data-shape="' not in attrs or 'data-shape="1"' in attrs:  # one shape of an equation, not each
            plain.append(f"<{tag}>{html.escape(tex)}</{tag}>")  # what search indexes: the TeX, not KaTeX's markup
        last = stop.end() if stop else end
        if stop:
            plain.append(stop.group(0))
    out.append(content[last:])
    plain.append(content[last:])
    typesetter.plain[where] = "".join(plain)
    return "".join(out), len(found)
