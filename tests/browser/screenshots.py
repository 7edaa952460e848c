"""`make screenshots`: a PNG of every page of the built site, in the light and the dark scheme."""

from __future__ import annotations

import argparse
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.browser.harness import browser, serve, site_pages, wait_for_math  # noqa: E402


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


if __name__ == "__main__":
    main()
