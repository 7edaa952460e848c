"""Front-end files the site serves itself, so that it works offline.

KaTeX is installed by npm (``package.json`` pins it) and copied into the
build as ordinary MkDocs files under ``assets/katex/``.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File

KATEX_FILES = ("katex.min.css",)  # the math is typeset when the site is built: no script


def katex_dist(project_root):
    """The ``dist`` folder of the npm-installed KaTeX, or raise with what to run."""
    dist = Path(project_root) / "node_modules" / "katex" / "dist"
    if not (dist / "katex.min.js").is_file():
        raise FileNotFoundError(
            f"KaTeX is not installed at {dist}: run `npm ci` (or `make setup`) in {project_root}"
        )
    return dist


def katex_files(project_root, config):
    """MkDocs ``File`` objects for KaTeX's style sheet and fonts."""
    dist = katex_dist(project_root)
    names = list(KATEX_FILES) + sorted(
        f"fonts/{p.name}" for p in (dist / "fonts").iterdir() if p.suffix == ".woff2"
    )
    return [
        File(name, str(dist), config["site_dir"], config["use_directory_urls"], dest_uri=f"assets/katex/{name}")
        for name in names
    ]
