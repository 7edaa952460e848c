"""The proofs as one PDF (``make build`` prints it to site/checked-derivations.pdf), read back with pypdf."""

import json
from pathlib import Path
import re

import pytest
from pypdf import PdfReader, PdfWriter

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


def test_the_home_page_links_the_pdf():
    home = (ROOT / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="checked-derivations.pdf"' in home
