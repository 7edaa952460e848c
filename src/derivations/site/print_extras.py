"""The print page made into a paper to hand in: title page, contents, the ledger's summary, code that wraps as code.

print-site joins the pages into one (``print_page/``), which ``print_page.py`` prints to the PDF. On paper a
reader has no navigation, no hover and no site around the pages, so ``finish_print_page`` rewrites that one
page after the build:

- a **title page**: the title, the course (``extra.course`` of mkdocs.yml), what is proved (the ledger's sentence,
  as everywhere on the site), the site's address when it is hosted (``SITE_URL``), the date and the commit the PDF
  was built from; the document's title is the print page's title alone;
- a **contents** list of every page and section, each with an empty slot for its page number: Chromium cannot
  print ``target-counter``, so the printer prints once, reads where each heading landed from the PDF's named
  destinations and writes the numbers in before the print that is kept (``print_page.py``);
- no **divider pages**: print-site gives each section of the nav ("Proofs", "Checks") a page with its name
  only, and an empty one to a section whose pages are all left out ("Notebooks");
- the **ledger's summary** (its counts, then one line per equation, its symbols typeset) where the site has the
  full table: the home page promises the summary, and the table took eleven pages;
- **code lines** each in a block of its own, so that a line too long for the paper wraps under itself (a
  hanging indent in ``print.css``) instead of at column 0, where it read as a doctest's output;
- an **appendix naming the notebooks**, which the PDF leaves out, with their addresses on the site;
- **links to pages that are not in the PDF** point to the hosted site, or, when the site was built for this
  machine only (``SITE_URL`` unset), are plain text: a loopback address means nothing to a reader of the PDF.
"""

from __future__ import annotations

import html
import re
import subprocess
from urllib.parse import urlparse

from derivations.site.marks import claims_sentence, mark_word

__all__ = ["finish_print_page", "build_stamp", "code_line_blocks", "is_hosted", "line_blocks", "offsite_links", "plain_offsite_links", "ledger_summary",
           "typeset_title", "notebooks_appendix"]

SECTION_DIVIDER = re.compile(
    r"<section class='print-page md-section' id='(section-[0-9]+)' heading-number='[^']*'>\s*<h1>.*?</h1>", re.S)
EMPTY_SECTION = re.compile(r"<section class='print-page md-section' id='section-[0-9]+' heading-number='[^']*'>\s*</section>")
TOC_SECTION = re.compile(r'<section class="print-page">\s*<div id="print-page-toc".*?</section>', re.S)
PAGE_SECTION = re.compile(r'<section class="print-page" id="([^"]+)" heading-number="[^"]*">\s*<h1 id="([^"]+)">(.*?)</h1>', re.S)
H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)
HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
TAGS = re.compile(r"<[^>]+>")
LEDGER_FULL = re.compile(r"<!-- ledger:full -->.*?<!-- /ledger:full -->", re.S)
CODE_BLOCK = re.compile(r'(<div class="highlight"><pre>(?:<span></span>)?<code>)(.*?)(</code></pre>)', re.S)
SPAN_TAG = re.compile(r"<span\b[^>]*>|</span>")
PRINT_AREA_START = '<div id="print-site-page"'
GENERATE_TOC = "generate_toc();"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def is_hosted(site_url):
    """Whether ``site_url`` is an address a reader of the PDF can open (not this machine's loopback).

    >>> is_hosted("https://example.github.io/checked/"), is_hosted("http://127.0.0.1:8000/"), is_hosted("")
    (True, False, False)
    """
    host = urlparse(site_url or "").hostname
    return bool(host) and host not in LOOPBACK


def build_stamp(root):
    """The commit the site is built from and its date, as git says; what the title page prints.

    The commit's date, not the build's: two builds of one commit print the same page.
    """
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%H %cs"],
                             capture_output=True, text=True, check=True).stdout.split()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "unknown (not a git checkout)", "date": "unknown", "dirty": False}
    commit, date = out[0], out[1]
    return {"commit": commit[:12], "date": date, "dirty": bool(dirty)}


def line_blocks(code):
    """``code`` (a highlighted code block's HTML) with each line in a ``<span class="print-line">`` of its own.

    Pygments' spans never cross a line here except a string or comment token: a span open at the end of a line
    is closed there and opened again on the next, so every line's block holds well-formed HTML.

    >>> line_blocks('<span class="s">"a\\nb"</span> x\\n')
    '<span class="print-line"><span class="s">"a</span>\\n</span><span class="print-line"><span class="s">b"</span> x\\n</span>'
    """
    lines = code.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out, open_tags = [], []
    for line in lines:
        text = "".join(open_tags) + line
        for tag in SPAN_TAG.findall(line):
            if tag == "</span>":
                if open_tags:
                    open_tags.pop()
            else:
                open_tags.append(tag)
        out.append(f'<span class="print-line">{text}{"</span>" * len(open_tags)}\n</span>')  # copied, lines stay lines
    return "".join(out)


def code_line_blocks(html_text):
    """Every highlighted code block of ``html_text`` with its lines in blocks (:func:`line_blocks`), once: a page's
    code wraps as code where its column is too narrow for a line (a desktop at 1440 px cut doctest lines of 90-110
    characters; ``extra.css``), and the print page wraps it so on paper.

    >>> once = code_line_blocks('<div class="highlight"><pre><code>a\\nb\\n</code></pre></div>')
    >>> once == code_line_blocks(once), once.count('class="print-line"')
    (True, 2)
    """
    return CODE_BLOCK.sub(lambda m: m.group(0) if 'class="print-line"' in m.group(2)
                          else m.group(1) + line_blocks(m.group(2)) + m.group(3), html_text)


def plain_offsite_links(html_text, site_url):
    """Links of the printed pages to ``site_url`` (pages and files the PDF does not hold) as plain text.

    >>> plain_offsite_links('<a href="http://127.0.0.1:8000/reference/">API</a> <a href="#eq-x">(1)</a>',
    ...                     "http://127.0.0.1:8000/")
    '<span class="offsite-link">API</span> <a href="#eq-x">(1)</a>'
    """
    base = re.escape(site_url.rstrip("/"))
    link = re.compile(r'<a\b[^>]*\bhref="' + base + r'(?:/[^"]*)?"[^>]*>(.*?)</a>', re.S)
    return link.sub(lambda m: f'<span class="offsite-link">{m.group(1)}</span>', html_text)


def offsite_links(html_text, pages, site_url):
    """The print page's links mended (``print_page.fix_links``), then those to pages outside the PDF pointed at the
    hosted site, or made plain text when ``site_url`` is this machine's; returns the HTML and the dead links.

    >>> page = '<a href="#reference-derivations.svm_loss">svm_loss</a> <a href="#problem-2-eq-x">(2.1)</a><div id="eq-x">'
    >>> pages = lambda base: {"problem-2": base + "problem-2/", "reference": base + "reference/"}
    >>> offsite_links(page, pages("https://x.org/"), "https://x.org/")[0]
    '<a href="https://x.org/reference/#derivations.svm_loss">svm_loss</a> <a href="#eq-x">(2.1)</a><div id="eq-x">'
    >>> offsite_links(page, pages("http://127.0.0.1:8000/"), "http://127.0.0.1:8000/")[0]
    '<span class="offsite-link">svm_loss</span> <a href="#eq-x">(2.1)</a><div id="eq-x">'
    """
    from derivations.site.print_page import PRINT_PAGE, fix_links

    html_text, dead = fix_links(html_text, pages, base=site_url.rstrip("/") + f"/{PRINT_PAGE}/")
    if not is_hosted(site_url):
        html_text = plain_offsite_links(html_text, site_url)
    return html_text, dead


def _text(fragment):
    return " ".join(html.unescape(TAGS.sub("", HEADERLINK.sub("", fragment))).split())


def contents_html(page_html):
    """The contents: each printed page (its h1) and its sections (h2), each with a slot for its page number."""
    items = []
    for match in PAGE_SECTION.finditer(page_html):
        section, h1_id, title = match.groups()
        end = page_html.find('<section class="print-page"', match.end())
        body = page_html[match.end(): end if end > 0 else len(page_html)]
        subs = "".join(_entry(h2_id, _text(text)) for h2_id, text in H2.findall(body) if _text(text))
        items.append(_entry(h1_id, _text(title), "print-contents-page", f"<ul>{subs}</ul>" if subs else ""))
    return ('<section class="print-contents" aria-labelledby="print-contents-title">'
            '<h1 id="print-contents-title">Contents</h1>'
            f'<ul class="print-contents-list">{"".join(items)}</ul></section>')


def _entry(target, title, cls="print-contents-section", children=""):
    # the page number's slot is as wide as any number it will hold, so filling it in moves nothing
    return (f'<li class="{cls}"><a href="#{target}"><span class="print-contents-title">{html.escape(title)}</span>'
            f'<span class="print-contents-dots" aria-hidden="true"></span>'
            f'<span class="print-contents-number" data-page-of="{target}"></span></a>{children}</li>')


def title_page_html(title, description, records, stamp, course="", site_url=""):
    """The title page: title, the course, what the proofs are about, what is proved (from the ledger), the site's
    address (when it is hosted: ``SITE_URL``), the date and the commit.

    >>> page = title_page_html("T", "", [], {"date": "2026-12-06", "commit": "abc", "dirty": False},
    ...                        course="A homework", site_url="https://x.org/proofs/")
    >>> "A homework" in page, '<a href="https://x.org/proofs/">https://x.org/proofs/</a>' in page, "abc." in page
    (True, True, True)
    """
    claim = claims_sentence(records, "in these proofs")
    dirty = ", with changes not committed" if stamp.get("dirty") else ""
    if is_hosted(site_url):
        where = (f'<p class="print-address">Online, with every check and the notebooks: '
                 f'<a href="{html.escape(site_url)}">{html.escape(site_url)}</a></p>')
    else:
        where = '<p class="print-address">Built on this machine, not for a hosted site (SITE_URL was not set).</p>'
    # the commit as plain text: a <code> box printed a space before the full stop that follows it
    return ('<section class="print-title-page">'
            f'<p class="print-title">{html.escape(title)}</p>'
            + (f'<p class="print-course">{html.escape(course)}</p>' if course else "")
            + (f'<p class="print-description">{html.escape(description)}</p>' if description else "")
            + f'<p class="print-claims">{html.escape(claim)}</p>'
            + where
            + f'<p class="print-stamp">Built on {html.escape(stamp["date"])} from commit '
            f'{html.escape(stamp["commit"])}{dirty}.</p></section>')


GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "lambda": "λ", "mu": "μ", "sigma": "σ", "tau": "τ"}
SUBSCRIPT = re.compile(r"\b([A-Za-z])_([A-Za-z0-9]+)\b")
VARIABLE = re.compile(r"\b(?:logit|target|score) ([a-z])\b")


def typeset_title(title):
    """A ledger title (plain text, as in ``ledger.json``) as HTML: ``f_1`` with its subscript, ``tau`` as τ, a minus
    between two symbols as −, a named variable in italics.

    >>> typeset_title("binary cross-entropy of a logit z against a target tau")
    'binary cross-entropy of a logit <i>z</i> against a target <i>τ</i>'
    >>> typeset_title("two-class cross-entropy is binary cross-entropy of s_1 - s_2")
    'two-class cross-entropy is binary cross-entropy of <i>s</i><sub>1</sub> − <i>s</i><sub>2</sub>'
    """
    text = html.escape(title)
    text = re.sub(r"\b(" + "|".join(GREEK) + r")\b", lambda m: f"<i>{GREEK[m.group(1)]}</i>", text)
    text = VARIABLE.sub(lambda m: m.group(0)[:-1] + f"<i>{m.group(1)}</i>", text)
    text = SUBSCRIPT.sub(lambda m: f"<i>{m.group(1)}</i><sub>{m.group(2)}</sub>", text)
    return re.sub(r"(</sub>|</i>) - (<i>)", r"\1 − \2", text)


def notebooks_appendix(notebooks, site_url):
    """An appendix that names the notebooks, which the PDF leaves out, with their addresses on the site.

    ``notebooks`` are (title, url relative to the site); the address is the hosted one when there is one.
    """
    hosted = is_hosted(site_url)
    items = []
    for title, url in notebooks:
        address = site_url.rstrip("/") + "/" + url if hosted else url
        shown = f'<a href="{html.escape(address)}">{html.escape(address)}</a>' if hosted else f"<code>{html.escape(url)}</code>"
        items.append(f"<li><strong>{html.escape(title)}</strong>: {shown}</li>")
    where = "on the site" if hosted else "on the site, under these paths"
    return ('<section class="print-page" id="appendix-notebooks" heading-number="">'
            '<h1 id="appendix-notebooks-title">Appendix: the notebooks</h1>'
            f'<p>Three notebooks run the same mathematics on numbers; they are {where}, executed afresh at every build, '
            f'with their outputs and figures:</p><ul>{"".join(items)}</ul></section>')


def ledger_summary(records, printed=None):
    """The ledger as printed below its counts: one line per equation (number, what it is, mark, result).

    Each line keeps its row's id (``ledger-<id>``), which the marks beside the equations link to, and links to its
    equation when that is in the PDF (the ids in ``printed``, all when None).
    """
    lines = []
    for r in records:
        word = mark_word(r) if r["result"] == "pass" else r["result"]
        number = f'({html.escape(r["number"])})'
        if printed is None or f'eq-{r["id"]}' in printed:
            number = f'<a href="#eq-{r["id"]}">{number}</a>'
        lines.append(f'<li id="ledger-{r["id"]}"><span class="print-ledger-number">{number}</span> '
                     f'{typeset_title(r["title"])} <span class="print-ledger-kind">({r["kind"]})</span> '
                     f'<span class="print-ledger-mark">{html.escape(word)}</span></li>')
    # the counts are the Ledger page's own paragraph and list above the table, which the PDF keeps
    return ('<div class="print-ledger-summary">'
            f'<p>Each equation with its mark ({len(records)} lines). The full table, with the sizes each proof covers '
            'and each check\'s points and source, is the Ledger page of the site.</p>'
            f'<ul class="print-ledger-lines">{"".join(lines)}</ul></div>')


def finish_print_page(page_html, *, title, records, stamp, description="", course="", site_url="", notebooks=()):
    """The print page's HTML made into the paper (see the module's docstring); ``records`` are the ledger's,
    ``notebooks`` the (title, url) of the notebooks, named in an appendix.

    Links to pages outside it are left to ``print_page.fix_links`` and then ``plain_offsite_links``.
    """
    start = page_html.find(PRINT_AREA_START)
    if start < 0:
        return page_html
    head, body = page_html[:start], page_html[start:]
    head = head.replace(GENERATE_TOC, "")  # print-site's script copies the sidebar's list; this page has its own
    # the document's title (the PDF's), not "<title> - <site name>"
    head = re.sub(r"<title>.*?</title>", lambda m: f"<title>{html.escape(title)}</title>", head, count=1, flags=re.S)
    if notebooks:
        last = body.rfind("</section>")
        body = body[:last + len("</section>")] + notebooks_appendix(notebooks, site_url) + body[last + len("</section>"):]
    body = SECTION_DIVIDER.sub(lambda m: f"<section class='print-page md-section' id='{m.group(1)}'>", body)
    body = EMPTY_SECTION.sub("", body)
    ids = set(re.findall(r'\bid="(eq-[^"]+)"', body))
    body = LEDGER_FULL.sub(lambda m: ledger_summary(records, ids), body)
    printed = set(re.findall(r'<section class="print-page" id="([^"]+)"', body))
    shown = [r for r in records if r["page"].removesuffix(".md") in printed]
    front = title_page_html(title, description, shown, stamp, course, site_url) + contents_html(body)
    body = TOC_SECTION.sub(lambda m: front, body, count=1)
    body = code_line_blocks(body)
    return head + body
