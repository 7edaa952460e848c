"""Front-end files the site serves itself, so that it works offline and looks the same on every machine.

KaTeX (the math) and the text and code fonts (DejaVu Sans and DejaVu Sans Mono, from Fontsource's npm packages)
are installed by npm (``package.json`` pins them) and copied into the build as ordinary MkDocs files under
``assets/katex/`` and ``assets/fonts/``. ``docs/stylesheets/fonts.css`` declares the fonts and makes them the
site's text and code fonts: no page and no PDF takes a font from the machine it is shown or printed on.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File

KATEX_FILES = ("katex.min.css",)  # the math is typeset when the site is built: no script
# (npm package, its files' prefix): the four faces of each, regular, bold, italic and bold italic
FONT_PACKAGES = (("dejavu-sans", "dejavu-sans-latin-"), ("dejavu-mono", "dejavu-mono-latin-"))
FONT_FACES = ("400-normal", "700-normal", "400-italic", "700-italic")


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


def font_files(project_root, config):
    """MkDocs ``File`` objects for the text and code fonts (``assets/fonts/*.woff2``) and their licence."""
    files = []
    for package, prefix in FONT_PACKAGES:
        root = Path(project_root) / "node_modules" / "@fontsource" / package
        names = [f"files/{prefix}{face}.woff2" for face in FONT_FACES]
        missing = [n for n in names if not (root / n).is_file()]
        if missing:
            raise FileNotFoundError(f"the font {package} is not installed at {root} (no {missing[0]}): "
                                    f"run `npm ci` (or `make setup`) in {project_root}")
        files += [File(n, str(root), config["site_dir"], config["use_directory_urls"],
                       dest_uri=f"assets/fonts/{Path(n).name}") for n in names]
        files.append(File.generated(config, f"assets/fonts/LICENSE-{package}.txt",
                                    abs_src_path=str(root / "LICENSE")))
    return files
