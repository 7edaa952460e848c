"""``derivations verify`` and ``derivations mutation``: the equation checks from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
import sys

__all__ = ["main"]


def _missing_from_nav(catalog, docs, pages=None):
    """Pages with equations that the nav of mkdocs.yml leaves out (the strict build would stop on them, later)."""
    config = Path("mkdocs.yml")
    if not config.is_file():
        return []
    text = config.read_text(encoding="utf-8")
    nav = text.split("\nnav:", 1)[1] if "\nnav:" in text else ""
    nav = nav.split("\n\n", 1)[0] if nav else ""
    out = []
    for page in sorted({eq.page for eq in catalog if pages is None or eq.page in pages}):
        if (docs / page).is_file() and f" {page}" not in nav:
            out.append(f"{page} has equations but is not in the nav of mkdocs.yml: add a line such as "
                       f'- "Title": {page}')
    return out


def _catalog():
    """The catalog, or None with the reason printed (a problem module that cannot be loaded)."""
    try:  # importing the engine loads every problem module: the import itself can fail on an author's module
        from derivations.equations import CATALOG
    except Exception as exc:
        if type(exc).__name__ != "ProblemError":
            raise
        print(f"derivations: {exc}", file=sys.stderr)
        return None
    return CATALOG


def _too_wide(catalog, pages=None):
    """The displayed formulas that would not fit a 320 px screen, from KaTeX's metrics (the build's own KaTeX, in
    ``node_modules/``), as the build would show them; where KaTeX is not installed, a note and nothing found."""
    from derivations.site.shapes import too_wide_for_a_phone
    from derivations.site.typeset import MathError, shared_typesetter

    try:
        typesetter = shared_typesetter(Path("node_modules") / "katex")
    except MathError as error:
        print(f"derivations verify: the widths of the formulas are not checked: {error}", file=sys.stderr)
        return []
    return too_wide_for_a_phone([eq for eq in catalog if pages is None or eq.page in pages], typesetter)


def _example_problems(catalog, docs, pages=None):
    """The worked-example tables the build would refuse ([[example:values]] on a page whose module lists EXAMPLE), as
    the build computes them: a new author's Hessian in EXAMPLE stopped the build while verify said nothing."""
    from derivations.site.worked import ExampleError, example_rows

    found = []
    for page in sorted({eq.page for eq in catalog if pages is None or eq.page in pages}):
        path = Path(docs) / page
        if not path.is_file() or "[[example:values]]" not in path.read_text(encoding="utf-8"):
            continue
        try:
            example_rows(page, catalog)
        except ExampleError as error:
            found.append(str(error))
        except Exception as error:  # noqa: BLE001 - what the build would stop on, said here in one line
            found.append(f"{page}: the worked example cannot be computed: {type(error).__name__}: {error}")
    return found


class Display:
    """What verify says while it proves: on a terminal, one live line (each equation and link being worked on, and
    for how long); elsewhere (a CI log) a line when a link has run ``slow`` seconds, and one when it ends, for the
    slow links only. Fed the events of :mod:`derivations.equations.progress` (:func:`build_ledger`'s ``report``)."""

    def __init__(self, stream=None, live=None, slow=10.0, tick=1.0):
        import threading

        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.slow, self.tick = slow, tick
        self.working = {}  # pid -> {"equation": event, "link": event}
        self.announced = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.shown = 0  # the width of the live line on screen
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @staticmethod
    def _name(event):
        return f"({event['number']}) {event['id']}" if event.get("number") else event["id"]

    def _link(self, event):
        return f"{self._name(event)}, link {event['link']} of {event['links']}"

    def __call__(self, event):
        import time

        with self.lock:
            mine = self.working.setdefault(event["pid"], {})
            kind, key = event["event"], (event["pid"], event["id"], event.get("link"))
            if event["state"] == "start":
                mine[kind] = dict(event, received=time.monotonic())
                return
            mine.pop(kind, None)
            if kind == "link" and (key in self.announced or event.get("seconds", 0) >= self.slow):
                self.announced.discard(key)
                self._line(f"derivations verify: {self._link(event)}: {event['seconds']:.1f} s, {event['text']}")

    def _line(self, text):
        """A line of its own (the live line, if any, is cleared first and redrawn at the next tick)."""
        if self.live and self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.shown = 0
        self.stream.write(text + "\n")
        self.stream.flush()

    def _run(self):
        import shutil
        import time

        while not self.stop.wait(self.tick):
            with self.lock:
                now = time.monotonic()
                parts = []
                for pid, mine in sorted(self.working.items()):
                    link, equation = mine.get("link"), mine.get("equation")
                    if link is not None:
                        took = now - link["received"]
                        parts.append(f"proving {self._link(link)}: {took:.0f} s")
                        key = (pid, link["id"], link["link"])
                        if not self.live and took >= self.slow and key not in self.announced:
                            self.announced.add(key)
                            self._line(f"derivations verify: proving {self._link(link)} on {link['page']}: "
                                       f"{took:.0f} s so far")
                    elif equation is not None:
                        parts.append(f"checking {self._name(equation)}: {now - equation['received']:.0f} s")
                if self.live:
                    width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
                    text = ("; ".join(parts))[:width]
                    self.stream.write("\r" + text + " " * max(0, self.shown - len(text)) + "\r" + text)
                    self.stream.flush()
                    self.shown = len(text)

    def close(self):
        self.stop.set()
        self.thread.join(timeout=2)
        with self.lock:
            if self.live and self.shown:
                self.stream.write("\r" + " " * self.shown + "\r")
                self.stream.flush()
                self.shown = 0


def _verify(args):
    CATALOG = _catalog()  # first: a problem module that cannot be loaded is a message, not a traceback
    if CATALOG is None:
        return 2
    from derivations.equations import progress  # (importing the engine loads every problem module)

    try:
        if args.budget is not None:
            progress.set_budget(args.budget)
        progress.budget_seconds()
    except ValueError as exc:
        print(f"derivations verify: {'--budget: ' if args.budget is not None else ''}{exc}", file=sys.stderr)
        return 2
    from derivations.equations.ledger import build_ledger, format_table, problems, write_json

    docs = Path(args.docs) if args.docs else None
    if docs is not None and not docs.is_dir():
        print(f"derivations verify: --docs {docs} is not a folder", file=sys.stderr)
        return 2
    pages = None
    if args.page:
        known = sorted({eq.page for eq in CATALOG})
        unknown = [page for page in args.page if page not in known]
        if unknown:
            print(f"derivations verify: --page {unknown[0]} has no equations; pages with equations: {', '.join(known)}",
                  file=sys.stderr)
            return 2
        pages = set(args.page)
    store = None if args.no_store else Path(args.store)
    display = Display()
    try:
        ledger = build_ledger(CATALOG, docs, pages=pages, proof_store=store, report=display)
    finally:
        display.close()
    if docs is not None:
        ledger["page_problems"] += _missing_from_nav(CATALOG, docs, pages)
        ledger["page_problems"] += _too_wide(CATALOG, pages)
        ledger["page_problems"] += _example_problems(CATALOG, docs, pages)
    if args.json:
        write_json(ledger, args.json)
    print(format_table(ledger))
    found = problems(ledger)
    if found:
        print("\nNot verified:\n\n" + "\n\n".join(found), file=sys.stderr)
        return 1
    return 0


def _mutation(args):
    CATALOG = _catalog()
    if CATALOG is None:
        return 2
    from derivations.equations.mutation import run_mutation

    report = run_mutation(CATALOG, sample=args.sample, seed=args.seed, progress=not args.quiet, proofs=not args.no_proofs)
    print(report.summary())
    if report.kill_rate < args.min_kill_rate:
        print(f"kill rate {report.kill_rate:.1%} is below the target {args.min_kill_rate:.0%}", file=sys.stderr)
        return 1
    return 0


def _readme(args):
    import json
    import re

    from derivations.site.marks import readme_claims

    ledger_path, readme = Path(args.ledger), Path(args.readme)
    if not ledger_path.is_file():
        print(f"derivations readme: no ledger at {ledger_path}: run `derivations verify --json {ledger_path}` first",
              file=sys.stderr)
        return 2
    sentence = readme_claims(json.loads(ledger_path.read_text(encoding="utf-8")))
    text = readme.read_text(encoding="utf-8")
    block = re.compile(r"(<!-- claims:begin -->\n)(.*?)(\n\s*<!-- claims:end -->)", re.S)
    if not block.search(text):
        print(f"derivations readme: {readme} has no <!-- claims:begin --> ... <!-- claims:end --> block", file=sys.stderr)
        return 2
    indent = re.search(r"\n([ \t]*)<!-- claims:begin -->", text)
    pad = indent.group(1) if indent else ""
    updated = block.sub(lambda m: m.group(1) + pad + sentence + m.group(3), text)
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
        print(f"{readme}: what the checks prove, from {ledger_path}: {sentence}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="derivations", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="check every equation and print the ledger; exit 1 on any failure")
    verify.add_argument("--docs", default="docs", help="the pages to match against the catalog ('' to skip)")
    verify.add_argument("--json", help="also write the ledger to this JSON file")
    verify.add_argument("--page", action="append", help="check the equations of this page only (repeatable), "
                        "e.g. --page problem-3.md while writing it")
    verify.add_argument("--store", default=".cache/proofs.json",
                        help="proofs found before, reused while nothing they depend on changes")
    verify.add_argument("--no-store", action="store_true", help="prove every equation afresh")
    verify.add_argument("--budget", type=float, default=None,
                        help="seconds each link's proof may take before it is reported 'could not decide in N s' "
                             "(default: DERIVATIONS_LINK_BUDGET, else 60)")
    verify.set_defaults(run=_verify)
    mutation = sub.add_parser("mutation", help="mutate every equation and count the mutants the checks catch")
    mutation.add_argument("--sample", type=int, default=None, help="check only this many mutants, drawn at random")
    mutation.add_argument("--seed", type=int, default=0)
    mutation.add_argument("--min-kill-rate", type=float, default=0.95)
    mutation.add_argument("--quiet", action="store_true")
    mutation.add_argument("--no-proofs", action="store_true", help="run the numeric checks alone on each mutant")
    mutation.set_defaults(run=_mutation)
    readme = sub.add_parser("readme", help="write the README's sentence of what is proved from the ledger")
    readme.add_argument("--ledger", default=".cache/ledger.json")
    readme.add_argument("--readme", default="README.md")
    readme.set_defaults(run=_readme)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
