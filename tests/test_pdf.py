"""The proofs as one PDF (``make build`` prints it to site/checked-derivations.pdf), read back with pypdf."""

import json
from pathlib import Path
import re

import pytest
from pypdf import PdfReader, PdfWriter

from derivations.site import print_page

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "site" / "checked-derivations.pdf"
PROOFS = ("problem-1.md", "problem-2.md", "problem-3.md")
ERRATA = "Errata: where the submitted solution is wrong or loose"


def pdf_problems(path, ledger):
    """What a reader of the PDF would find missing or broken, as text."""
    reader = PdfReader(path)
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    problems = []
    wanted = [r["number"] for r in ledger["equations"] if r["page"] in PROOFS]
    problems += [f"equation ({n}) is not in the PDF" for n in wanted if f"({n})" not in text]
    if text.count(ERRATA) < 2:
        problems.append(f"{text.count(ERRATA)} errata boxes, not those of Problems 1 and 2")
    if "equations pass every check" not in text:
        problems.append("no ledger summary")
    for chrome in ("Skip to content", "Initializing search", "Previous", "Made with Material"):
        if chrome in text:
            problems.append(f"navigation chrome in the PDF: {chrome!r}")
    destinations = set(reader.named_destinations)
    internal = external = 0
    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annotation:
                internal += 1
                if str(annotation["/Dest"]) not in destinations:
                    problems.append(f"page {number}: a link to {annotation['/Dest']}, which the PDF does not have")
            else:
                external += 1
                uri = str(annotation["/A"].get("/URI", ""))
                if re.match(r"https?://127\.0\.0\.1:(?!8000/)", uri):
                    problems.append(f"page {number}: a link to the print server, {uri}")
    equation_links = sum(1 for d in destinations if d.startswith("/eq-"))
    if internal == 0 or equation_links < len(wanted):
        problems.append(f"{internal} internal links, {equation_links} equation anchors: references are not links")
    for number, page in enumerate(reader.pages, 1):
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and font.get("/DescendantFonts"):
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"page {number}: font {font.get('/BaseFont')} is not embedded")
    return problems


@pytest.fixture(scope="module")
def ledger():
    return json.loads((ROOT / "site" / "ledger.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdf():
    if not PDF.is_file():
        pytest.fail(f"{PDF} is missing: `make build` prints it (make test runs make build first)")
    return PDF


def test_the_pdf_has_every_equation_both_errata_and_the_ledger_with_working_links_and_embedded_fonts(pdf, ledger):
    assert pdf_problems(pdf, ledger) == []
    pages = len(PdfReader(pdf).pages)
    assert 10 <= pages <= 80, f"{pages} pages"


def test_the_pdf_check_sees_missing_pages(pdf, ledger, tmp_path):
    reader, writer = PdfReader(pdf), PdfWriter()
    for page in reader.pages[: len(reader.pages) // 3]:  # home and Problem 1 only: Problem 2, its errata, the ledger gone
        writer.add_page(page)
    short = tmp_path / "short.pdf"
    with short.open("wb") as f:
        writer.write(f)
    problems = pdf_problems(short, ledger)
    assert any("(2.8) is not in the PDF" in p for p in problems), problems
    assert any("errata boxes" in p for p in problems), problems
    assert any("no ledger summary" in p for p in problems), problems


def first_pages(pdf, out, count):
    """``out``, a copy of ``pdf`` cut after ``count`` pages: what Chromium printed of a page it had half parsed."""
    writer = PdfWriter()
    writer.append(PdfReader(pdf), pages=(0, count))  # with the outline and the named destinations of those pages
    with out.open("wb") as f:
        writer.write(f)
    return out


def shown_by_the_browser(pdf):
    """What Chromium holds of the whole print page, as print_page.SHOWN reports it: for the printers faked here."""
    html = (ROOT / "site" / print_page.PRINT_PAGE / "index.html").read_text(encoding="utf-8")
    reader = PdfReader(pdf)
    return {"equations": [f"equation ({n})" for n in print_page.EQUATION_LABEL.findall(html)],
            "headings": len(print_page.HEADING.findall(html)),
            "last_heading": list(print_page._flatten(reader.outline))[-1].title,
            "last_target": [i for i in print_page.ID.findall(html) if "/" + i in reader.named_destinations][-1],
            "height": len(reader.pages) * print_page.PRINT_AREA["height"], "sections": 0}


def test_the_printers_check_refuses_a_pdf_cut_in_half_and_names_what_it_lacks(pdf, tmp_path):
    html = (ROOT / "site" / print_page.PRINT_PAGE / "index.html").read_text(encoding="utf-8")
    expected, lacking = print_page.expected_content(html, shown_by_the_browser(pdf))
    assert lacking == []  # the whole PDF passes this check in make build, which refuses it otherwise
    pages = len(PdfReader(pdf).pages)
    half = first_pages(pdf, tmp_path / "half.pdf", pages // 2)  # issue #21: 15 pages of 29, cut inside (3.1)
    problems = print_page.pdf_problems(half, expected)
    assert f"{pages // 2} pages, not {expected.pages.start}-{expected.pages.stop - 1}" in problems, problems
    assert "equation (3.6) is not in the PDF" in problems, problems
    assert any(p.startswith(f"the last heading, {expected.last_heading!r}, is not the end") for p in problems), problems
    # one page short: the ledger's last row gone, every equation number and the last heading still printed above it
    short = print_page.pdf_problems(first_pages(pdf, tmp_path / "short.pdf", pages - 1), expected)
    assert short == [f"the end of the page, #{expected.last_target}, is not in the PDF"], short


def test_the_printer_prints_a_half_pdf_again_once_then_fails_naming_what_is_missing(pdf, tmp_path):
    prints = []

    def half_printer(site, out):
        prints.append(out)
        first_pages(pdf, out, len(PdfReader(pdf).pages) // 2)
        return shown_by_the_browser(pdf)

    out = tmp_path / "checked-derivations.pdf"
    with pytest.raises(SystemExit) as refused:
        print_page.print_pdf(ROOT / "site", out, printer=half_printer)
    assert len(prints) == 2
    assert "equation (3.6) is not in the PDF" in str(refused.value)
    assert "incomplete after two prints" in str(refused.value)
    assert not out.exists() and (tmp_path / "checked-derivations.incomplete.pdf").exists()


def test_the_printer_keeps_a_second_print_that_is_whole(pdf, tmp_path):
    prints = []

    def flaky_printer(site, out):
        prints.append(out)
        first_pages(pdf, out, 1 if len(prints) == 1 else len(PdfReader(pdf).pages))
        return shown_by_the_browser(pdf)

    out = print_page.print_pdf(ROOT / "site", tmp_path / "checked-derivations.pdf", printer=flaky_printer)
    assert len(prints) == 2 and len(PdfReader(out).pages) == len(PdfReader(pdf).pages)
    assert not (tmp_path / "checked-derivations.incomplete.pdf").exists()


def test_the_home_page_links_the_pdf():
    home = (ROOT / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="checked-derivations.pdf"' in home


def test_the_printer_runs_where_an_asyncio_loop_is_running():
    """Under a running loop (a Jupyter kernel, a test session's open sync Playwright) the print moves to a thread:
    Playwright's sync API raises "using Playwright Sync API inside the asyncio loop" there, and the PDF was lost."""
    import asyncio
    import concurrent.futures
    import threading

    def where():
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return threading.get_ident(), False
        return threading.get_ident(), True

    async def under_a_loop():
        return print_page.outside_asyncio(where)

    def in_a_fresh_thread(function):
        # this test's own thread may run a loop already (the browser tests' shared sync Playwright)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(lambda: (threading.get_ident(), function())).result()

    here, (ident, in_loop) = in_a_fresh_thread(lambda: print_page.outside_asyncio(where))
    assert (ident, in_loop) == (here, False)  # no loop: called in place
    here, (ident, in_loop) = in_a_fresh_thread(lambda: asyncio.run(under_a_loop()))
    assert not in_loop and ident != here
