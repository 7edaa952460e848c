"""The proof pages of the site, found from the engine's catalog: every page a problem module declares.

The PDF, phone and browser tests take their pages from here, so that a new problem's page gets every check as
soon as its module is there (``src/derivations/problems/``, found by ``discover()``), with no list to extend.

``python tests/proof_pages.py`` prints them as JSON (``PYTHONPATH=COPY/src``: those of a copy of the project).
"""

import json
from pathlib import PurePosixPath


def proof_pages(catalog=None):
    """The page of every problem of ``catalog`` (the site's, by default), in the catalog's order."""
    if catalog is None:
        from derivations.equations import CATALOG as catalog
    return [problem.page for problem in catalog.problems]


def url_of(page):
    """The path of a page's address on the built site: ``problem-1.md`` is ``problem-1/`` (``index.md``: '')."""
    path = PurePosixPath(page).with_suffix("")
    if path.name == "index":
        path = path.parent
    return "" if str(path) == "." else f"{path}/"


def proof_urls(catalog=None):
    """The address paths of the proof pages, as the browser tests open them."""
    return [url_of(page) for page in proof_pages(catalog)]


if __name__ == "__main__":
    print(json.dumps({"pages": proof_pages(), "urls": proof_urls()}))
