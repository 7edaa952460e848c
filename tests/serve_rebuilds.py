"""Rebuilds as ``mkdocs serve`` makes them, in one process, in a copy of the project (run by test_serve.py).

Usage: ``python tests/serve_rebuilds.py PROJECT``. The API reference is read from ``PROJECT/apisrc``, a copy of
the package that this script edits (the package the hooks import stays as it is, so the ledger stays fresh).
Prints one JSON object: what each rebuild wrote, as the test asserts on it.
"""

import json
import os
from pathlib import Path
import sys
import tempfile

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

SERVE_URL = "http://127.0.0.1:8000/"


def site_files(site):
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(Path(site).rglob("*")) if p.is_file()}


def rebuild(started=[]):
    """One build as ``mkdocs serve`` makes it: the config read again, into a fresh directory; None if it stopped."""
    site = tempfile.mkdtemp(prefix="serve-rebuild-")
    config = load_config(config_file="mkdocs.yml", site_dir=site)
    config.site_url = SERVE_URL
    if not started:  # serve starts the plugins once, with the first config
        config.plugins.on_startup(command="serve", dirty=False)
        started.append(True)
    try:
        build(config, serve_url=SERVE_URL)
    except Abort:
        return None
    return site_files(site)


def differing(a, b):
    return sorted(name for name in set(a) | set(b) if a.get(name) != b.get(name))


def main(project):
    os.chdir(project)
    docstring = Path("apisrc/derivations/activations.py")
    page = Path("docs/index.md")
    config = Path("mkdocs.yml")
    out = {}

    first = rebuild()
    again = rebuild()
    out["unchanged"] = differing(first, again)  # a rebuild with nothing edited writes the same site

    source = docstring.read_text(encoding="utf-8")
    docstring.write_text(source.replace("The logistic sigmoid", "The logistic sigmoid docstringmarker"), encoding="utf-8")
    edited = rebuild()
    out["docstring"] = {"differing": differing(again, edited),
                        "shown": b"docstringmarker" in edited["reference/index.html"]}

    page.write_text(page.read_text(encoding="utf-8") + "\n\nsearchmarker\n", encoding="utf-8")
    searched = rebuild()
    index = json.loads(searched["search/search_index.json"])
    out["page"] = {"differing": differing(edited, searched),
                   "indexed": [d["location"] for d in index["docs"] if "searchmarker" in d["text"]]}

    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("show_source: true", "show_source: false"), encoding="utf-8")
    options = rebuild()
    out["options"] = {"source_before": b"Source code in" in searched["reference/index.html"],
                      "source_after": b"Source code in" in options["reference/index.html"]}
    config.write_text(text, encoding="utf-8")

    # a docstring that makes griffe warn: a strict build stops, and stops again on the next rebuild
    docstring.write_text(source.replace("    z : array_like of float\n", "    zz : array_like of float\n"), encoding="utf-8")
    out["warning"] = [rebuild() is None, rebuild() is None]
    docstring.write_text(source, encoding="utf-8")
    out["fixed"] = rebuild() is not None
    print(json.dumps(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
