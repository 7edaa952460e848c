"""What ``mkdocs serve`` keeps from one rebuild to the next, so that a rebuild after a prose edit takes about a second.

MkDocs rebuilds the whole site after every edit. Two parts of this site's rebuild do the same work again on the
same input: the API reference (mkdocstrings reads every module of ``src/`` with griffe and renders it through
its templates) and the search index (Material parses every page's HTML). Each is kept here, keyed on
everything it reads, and redone when any of that changes:

- an API block (``::: module``) on the identifier, its options, the page's address, and the contents of every
  file its handler reads (the handler's source paths, the theme's overrides) and of ``mkdocs.yml``;
- a page's search entries on the page's address, title, table of contents, meta data and the text it indexes.

A rendering that logged a warning is never kept, so that a strict build fails on every rebuild that has it.
After an edit of the package's sources, the next rebuild imports the package afresh (``importing_afresh``):
the pages' tables, worked examples and pictures come from the package as it is now, like the ledger.
The file watcher is also made one that is told of a change (inotify) rather than one that looks every half second,
and that is told of writes only: a file read (as every rebuild reads the sources) or bytecode written is no edit.
Nothing here is used by ``mkdocs build``: one build per process has nothing to keep.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import logging
from pathlib import Path
import sys

ENABLED = {"on": False}
# one slot per API block and per page, holding the latest (key, work): a long session of edits keeps no history
_AUTODOC = {}   # (identifier, page) -> (key, (html, headings, aliases, handler name))
_SEARCH = {}    # page -> (key, entries)
_INPUTS = {"fingerprint": ""}

# modules that hold this process's state and read nothing of the package: kept when the package is imported afresh
KEEP = ("derivations.site.serve_memo", "derivations.site.typeset")

__all__ = ["enable", "fingerprint_inputs", "importing_afresh", "watch_with_inotify", "written_by_python"]


def enable():
    """Keep work between rebuilds from now on (``mkdocs serve``); patches mkdocstrings' block processor once."""
    if ENABLED["on"]:
        return
    ENABLED["on"] = True
    _memoise_autodoc()
    _memoise_search()


def _digest_tree(paths, digest):
    for root in paths:
        root = Path(root)
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if root.is_dir() \
            else ([root] if root.is_file() else [])
        for path in files:
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")


def fingerprint_inputs(config):
    """Record, for this build, a digest of what an API block reads besides its own text: ``mkdocs.yml``, the
    mkdocstrings handlers' source paths, the theme's custom directory, and the list of the site's pages."""
    if not ENABLED["on"]:
        return
    root = Path(config["config_file_path"]).resolve().parent
    paths = [Path(config["config_file_path"])]
    plugin = config.plugins.get("mkdocstrings")
    if plugin is not None:
        for handler in (plugin.config.get("handlers") or {}).values():
            paths += [root / p for p in (handler or {}).get("paths", [])]
    custom = config["theme"].custom_dir
    if custom:
        paths.append(Path(custom))
    digest = hashlib.sha256()
    _digest_tree(paths, digest)
    docs = Path(config["docs_dir"])
    digest.update("\0".join(sorted(str(p.relative_to(docs)) for p in docs.rglob("*") if p.is_file())).encode())
    _INPUTS["fingerprint"] = digest.hexdigest()


class _Warnings(logging.Handler):
    """Counts the warnings logged while a piece of work runs (MkDocs' own logger does not propagate)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1

    def __enter__(self):
        for name in ("", "mkdocs"):
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, *exc):
        for name in ("", "mkdocs"):
            logging.getLogger(name).removeHandler(self)


def _memoise_autodoc():
    from mkdocstrings._internal.extension import AutoDocProcessor  # the one class that runs ``::: identifier``

    process = AutoDocProcessor._process_block
    if getattr(process, "_memoised", False):
        return

    def _process_block(self, identifier, yaml_block, heading_level=0):
        page = getattr(self._autorefs, "current_page", None)
        key = (identifier, yaml_block, heading_level, getattr(page, "url", None), _INPUTS["fingerprint"])
        slot = (identifier, key[3])
        if ENABLED["on"] and _AUTODOC.get(slot, (None,))[0] == key and _INPUTS["fingerprint"]:
            html, headings, aliases, handler_name = _AUTODOC[slot][1]
            handler = self._handlers.get_handler(handler_name)  # marks the handler seen: its CSS is written
            if not handler._headings:  # (else a block inside a docstring: rendered afresh)
                handler._headings.extend(copy.deepcopy(headings))
                _remember_aliases(handler, aliases)  # what the inventory and autorefs ask of each heading next
                return html, handler, None
        with _Warnings() as warnings:
            html, handler, data = process(self, identifier, yaml_block, heading_level)
        if ENABLED["on"] and not warnings.count and handler.outer_layer and _INPUTS["fingerprint"]:
            name = self._handlers.get_handler_name(_local_config(yaml_block))
            aliases = {h.attrib["id"]: handler.get_aliases(h.attrib["id"]) for h in handler._headings if "id" in h.attrib}
            _AUTODOC[slot] = (key, (html, copy.deepcopy(list(handler._headings)), aliases, name))
        return html, handler, data

    _process_block._memoised = True
    AutoDocProcessor._process_block = _process_block


def _remember_aliases(handler, aliases):
    """The handler answers ``get_aliases`` for a reused block's headings as it did when it read the sources."""
    known = handler.__dict__.setdefault("_memo_aliases", {})
    known.update(aliases)
    if "get_aliases" not in handler.__dict__:
        read = handler.get_aliases
        handler.get_aliases = lambda identifier: known[identifier] if identifier in known else read(identifier)


def _local_config(yaml_block):
    import yaml

    return yaml.safe_load(yaml_block) or {}


def _toc_key(items):
    return tuple((item.id, item.url, item.title, item.level, _toc_key(item.children)) for item in items)


def _memoise_search():
    from material.plugins.search.plugin import SearchIndex  # Material's search: one parse of each page's HTML

    add = SearchIndex.add_entry_from_context
    if getattr(add, "_memoised", False):
        return

    def add_entry_from_context(self, page):
        return search_entries(self, page, lambda: add(self, page))

    add_entry_from_context._memoised = True
    SearchIndex.add_entry_from_context = add_entry_from_context


def search_entries(index, page, add):
    """``add()`` indexes ``page`` into the search ``index``; under ``mkdocs serve`` the entries it added for the same
    page, title, contents and text are appended again instead."""
    if not ENABLED["on"]:
        return add()
    digest = hashlib.sha256(page.content.encode()).hexdigest()
    key = (page.url, str(page.title), _toc_key(page.toc), repr(sorted(page.meta.items(), key=str)), digest,
           repr(getattr(index, "config", None)))
    if _SEARCH.get(page.url, (None,))[0] == key:
        index.entries.extend(copy.deepcopy(_SEARCH[page.url][1]))
        return None
    before = len(index.entries)
    with _Warnings() as warnings:
        result = add()
    if not warnings.count:
        _SEARCH[page.url] = (key, copy.deepcopy(index.entries[before:]))
    return result


# what a rebuild may be asked for by: a file written, created, deleted or moved. inotify also reports a file opened and
# a file closed unwritten, that is a file read; a rebuild reads every source file (the ledger's hash of the package,
# the package imported afresh, the API reference), and MkDocs rebuilds on any event of a file, so each rebuild asked
# for the next (#30: 86 rebuilds in the minute after one edit)
_CHANGES = ("FileCreatedEvent", "FileModifiedEvent", "FileDeletedEvent", "FileMovedEvent", "FileClosedEvent",
            "DirCreatedEvent", "DirDeletedEvent", "DirMovedEvent")


def written_by_python(path):
    """Bytecode that importing the package writes beside its sources (``__pycache__/*.pyc``): not an edit."""
    path = Path(path)
    return "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo")


def _edits_only(handler):
    """``handler`` told of every event but those of bytecode: the rebuild after an edit imports the edited modules
    afresh, which writes their bytecode into the watched folder, and that would ask for one more rebuild."""
    from watchdog.events import FileSystemEventHandler

    class EditsOnly(FileSystemEventHandler):
        def dispatch(self, event):
            paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
            if not all(written_by_python(p) for p in paths):
                handler.dispatch(event)

    return EditsOnly()


def watch_with_inotify(server):
    """The live-reload server told of each edit by the kernel (inotify) instead of a look every 0.5 s.

    Only what changes a file is watched (``_CHANGES``), never a file being read, and never Python's bytecode: after
    an edit there is one rebuild, then none until the next edit. MkDocs schedules its watches on ``server.observer``
    before ``on_serve`` and starts it after; the paths already scheduled are moved to the new observer, and those
    scheduled after (``--watch``) go to it too. Where inotify is not available, polling stays."""
    try:
        from watchdog import events
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux
        return server
    changes = [getattr(events, name) for name in _CHANGES]

    class EditsObserver(InotifyObserver):
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
            return super().schedule(_edits_only(event_handler), path, recursive=recursive,
                                    event_filter=event_filter or changes, follow_symlink=follow_symlink)

    observer = EditsObserver()
    paths = dict(server._watched_paths)
    for path in paths:
        server.observer.unschedule(server._watch_refs.pop(path))
    server._watched_paths.clear()
    server.observer = observer
    for path, count in paths.items():
        for _ in range(count):
            server.watch(path)
    return server


def importing_afresh(builder, package="derivations", first="derivations.equations"):
    """``builder`` that first drops the package's modules from ``sys.modules`` when its sources changed since they
    were imported: MkDocs reads the hooks file again for every rebuild, but Python keeps the modules it imports.
    The modules in ``KEEP`` stay (the KaTeX process, what is kept between rebuilds); they import nothing of it.

    ``first`` (the catalog, which imports every problem module) is imported before the build: a module that does
    not load is reported in one message, as ``derivations verify`` reports it, and the server waits for the next
    edit."""
    from mkdocs.exceptions import Abort

    from derivations.equations.ledger import source_hash

    imported = {"hash": source_hash()}

    def build(*args, **kwargs):
        now = source_hash()
        if now != imported["hash"]:
            for name in [n for n in sys.modules if (n == package or n.startswith(package + ".")) and n not in KEEP]:
                del sys.modules[name]
            importlib.invalidate_caches()
            try:
                importlib.import_module(first)
            except Exception as error:  # noqa: BLE001 - whatever the author's module raises is the message
                # as MkDocs reports a build error: the message logged, then the rebuild aborted (the server waits)
                logging.getLogger("mkdocs.hooks.derivations").error(
                    f"The package does not load: {type(error).__name__}: {error}")
                raise Abort("Aborted: the package does not load") from None
            imported["hash"] = now
        return builder(*args, **kwargs)

    return build
