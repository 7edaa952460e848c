"""`make screenshots`: a PNG of every page of the built site, in the light and the dark scheme, and of every page
of the PDF (site/checked-derivations.pdf, rendered by pypdfium2, a test dependency)."""

from __future__ import annotations

import argparse
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.browser.harness import SITE, browser, serve, site_pages, wait_for_math  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--full-page", action="store_true", default=True)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with serve() as base, browser() as b:
        for scheme in ("light", "dark"):
            context = b.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            for path in site_pages():
                page.goto(base + path, wait_until="networkidle")
                wait_for_math(page)
                name = (path.strip("/").replace("/", "-") or "home") + f"-{scheme}.png"
                page.screenshot(path=str(out / name), full_page=args.full_page)
                print(out / name)
            context.close()
    pdf_pages(SITE / "checked-derivations.pdf", out)


def pdf_pages(pdf, out, scale=1.5):
    """Each page of ``pdf`` as ``out/pdf-page-NN.png``: what a reader of the PDF sees."""
    if not pdf.is_file():
        return
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    for number, page in enumerate(document, 1):
        name = out / f"pdf-page-{number:02d}.png"
        page.render(scale=scale).to_pil().save(name)
        print(name)


if __name__ == "__main__":
    main()
