"""The ledger: every equation of the site with the result of its checks."""

from __future__ import annotations

import difflib
import hashlib
import json
import multiprocessing
import os
from pathlib import Path
import threading
import time

from derivations.equations import progress
from derivations.equations.checks import check_equation
from derivations.equations.conditions import conditions_of, off_kinks
from derivations.equations.prover import notation_of, proof_key
from derivations.equations.pages import scan_docs

__all__ = ["source_hash", "build_ledger", "format_table", "proof_counts", "mark_counts", "problems", "page_problems_of",
           "write_json"]

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def source_hash():
    """A hash of every source file of the package: the ledger is stale when it changes."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_ledger(catalog, docs_dir=None, seed=0, jobs=None, proof_store=None, pages=None, report=None):
    """Check every equation (of ``pages`` only, if given); with ``docs_dir``, also match the catalog against the pages.

    Equations are checked in ``jobs`` processes (default: one per core).
    ``proof_store`` is a JSON file of the proofs and records found before, each
    under a hash of everything it depends on (:func:`derivations.equations.prover.proof_key`,
    :func:`record_key`): an unchanged equation is not checked or proved again.
    ``report``, when given, receives every event of :mod:`derivations.equations.progress` (an equation or a link
    that starts or ends), from whichever process checks it, in this process.
    """
    start = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    store = _read_store(proof_store)
    ids = [eq.id for eq in catalog if pages is None or eq.page in pages]
    _WORK.update(catalog=catalog, seed=seed, store=store, report=report)
    if jobs > 1 and len(ids) > 1 and "fork" in multiprocessing.get_all_start_methods():
        # whole equations to the workers, those with the most sizes to prove first, so that they end together
        order = sorted(ids, key=lambda eq_id: -len(catalog[eq_id].space.size_choices()))
        context = multiprocessing.get_context("fork")
        channel = context.SimpleQueue() if report is not None else None
        _WORK["report"] = channel.put if channel is not None else None  # the workers send; this process shows
        reader = threading.Thread(target=_relay, args=(channel, report), daemon=True) if channel is not None else None
        if reader is not None:
            reader.start()
        try:
            with context.Pool(jobs) as pool:
                done = dict(zip(order, pool.imap(_check, order)))
        finally:
            if reader is not None:
                channel.put(None)
                reader.join(timeout=5)
    else:
        done = {eq_id: _check(eq_id) for eq_id in ids}
    progress.REPORT = None
    records = []
    for eq_id in ids:
        record, found = done[eq_id]
        store.update(found)
        records.append(record)
    if proof_store is not None:
        write_json(store, proof_store)
    page_problems = []
    if docs_dir is not None:
        scans = [scan for scan in scan_docs(docs_dir) if pages is None or scan.page in pages]
        page_problems = page_problems_of([(eq.id, eq.page) for eq in catalog], scans, pages)
    return {
        "source_hash": source_hash(),
        "seconds": round(time.perf_counter() - start, 3),
        "equations": records,
        "page_problems": page_problems,
    }


_WORK = {}  # the catalog being checked, for the worker processes forked from this one


def _check(eq_id):
    """(the record of one equation, the proofs and records it found that were not in the store).

    A record stored under :func:`record_key` is reused as it is (only where the equation is written, its
    number and its LaTeX are read afresh): nothing its checks depend on has changed.
    """
    catalog, store = _WORK["catalog"], _WORK["store"]
    eq = catalog[eq_id]
    progress.REPORT = _WORK.get("report")
    progress.report(event="equation", state="start", id=eq.id, number=eq.shown_number, page=eq.page)
    try:
        return _check_one(eq, catalog, store)
    finally:
        progress.report(event="equation", state="end", id=eq.id, number=eq.shown_number, page=eq.page)


def _relay(channel, report):
    """Pass the workers' events to ``report`` until the end (None)."""
    while True:
        event = channel.get()
        if event is None:
            return
        try:
            report(event)
        except Exception:  # noqa: BLE001 - the display's fault is not the ledger's
            pass


def _check_one(eq, catalog, store):
    found = {}
    key = "record:" + record_key(eq, catalog, _WORK["seed"])
    if key in store:
        record = dict(store[key], id=eq.id, source=f"{eq.source[0]}:{eq.source[1]}", number=eq.shown_number,
                      latex=eq.latex(),
                      formula=eq.latex(tag=False), shapes=eq.shapes(), title=eq.title, page=eq.page, seconds=0.0)
        return with_conditions(record, eq, catalog), found
    record = check_equation(eq, catalog, _WORK["seed"], proofs_done=_Layered(store, found))
    if record.result == "pass":  # a failure is checked again, so that its message is always current
        found[key] = record.as_dict()
    return with_conditions(record.as_dict(), eq, catalog), found


def with_conditions(record, eq, catalog):
    """The record with what its proof used, for the pages to print under the formula (#27): ``off_kinks``, whether
    a link is proved off the kinks only (read from the words of its proof, "..., off the kinks"), and
    ``conditions``, each condition its checks and proof used (:mod:`derivations.equations.conditions`). Read
    afresh from the equation and the record, so that a record kept in the store gets them too."""
    return dict(record, off_kinks=off_kinks(record), conditions=conditions_of(eq, catalog, record),
                side_sources=[eq.side_source(n) for n in range(1, len(eq.sides) + 1)] if hasattr(eq, "side_source")
                else [])


def record_key(eq, catalog, seed=0):
    """A hash of everything an equation's record depends on: its proofs' inputs (:func:`proof_key`), the package
    functions and gradients its checks call (their code, by :mod:`derivations.equations.fingerprint`), the
    problems' shapes, numpy's version and the seed of its points."""
    import numpy as np

    from derivations.equations.fingerprint import fingerprint

    catalog = notation_of(catalog, eq)  # its own problem's shapes
    digest = hashlib.sha256(proof_key(eq, catalog).encode())
    names = set()
    todo, seen = list(eq.sides), set()
    while todo:
        for node in __import__("sympy").preorder_traversal(todo.pop()):
            name = type(node).__name__
            spec = catalog.functions.get(name)
            if spec is not None and name not in names:
                names.add(name)
                if spec.definition and spec.definition not in seen:
                    seen.add(spec.definition)
                    todo.extend(catalog.equations[spec.definition].sides)
    for name in sorted(names):
        spec = catalog.functions[name]
        digest.update(name.encode())
        digest.update(fingerprint((spec.package, spec.gradients)).encode())
    digest.update(fingerprint(getattr(catalog, "package_gradients", {})).encode())
    digest.update(repr(sorted(getattr(catalog, "shapes", {}).items())).encode())
    digest.update(f"{np.__version__} {seed} {eq.id} {eq.kind} {eq.prove}".encode())  # the id seeds its points
    return digest.hexdigest()


class _Layered(dict):
    """Reads the store and what this equation found; writes go to what it found."""

    def __init__(self, store, found):
        super().__init__()
        self.store, self.found = store, found

    def __contains__(self, key):
        return key in self.found or key in self.store

    def __getitem__(self, key):
        return self.found[key] if key in self.found else self.store[key]

    def __setitem__(self, key, value):
        self.found[key] = value


def _read_store(path):
    if path is None or not Path(path).is_file():
        return {}
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged store only costs the proofs again


def page_problems_of(entries, scans, pages=None):
    """What is wrong between the catalog's ``(id, page)`` entries, in order, and the scanned pages.

    With ``pages``, only the equations of those pages must be shown (the scans are of those pages).
    """
    out = []
    ids = {eq_id for eq_id, _ in entries}
    shown_where = {}
    for scan in scans:
        for n, text, reason in scan.unchecked:
            out.append(f"{scan.page}, line {n}: {reason}: {text}")
        for eq_id in dict.fromkeys(scan.shown + scan.refs):
            if eq_id not in ids:
                close = difflib.get_close_matches(eq_id, sorted(ids), n=3, cutoff=0.6)
                hint = f"; did you mean {' or '.join(close)}?" if close else "; no equation has a name close to it"
                kind = "eq" if eq_id in scan.shown else "ref"
                line = scan.lines.get(eq_id)
                where = f"{scan.page}, line {line}" if line else scan.page
                out.append(f"{where}: [[{kind}:{eq_id}]] names no equation{hint}")
        for eq_id in scan.shown:
            shown_where.setdefault(eq_id, []).append(scan.page)
        expected = [eq_id for eq_id, page in entries if page == scan.page]
        if expected and [q for q in scan.shown if q in ids] and [q for q in scan.shown if q in expected] != expected \
                and all(q in ids for q in scan.shown):
            out.append(f"{scan.page}: shows {scan.shown}, but its catalog equations in order are {expected}")
    for eq_id, page in entries:
        where = shown_where.get(eq_id, [])
        if where != [page] and (pages is None or page in pages):
            out.append(f"equation {eq_id} belongs to {page} but is shown on {where or 'no page'}")
    return out


def problems(ledger):
    """Every reason the ledger is not clean: failed or unchecked equations, unchecked math on pages."""
    out = []
    for r in ledger["equations"]:
        if r["result"] != "pass":
            out.append(
                f"equation ({r['number']}) {r['id']} on {r['page']} [{r['kind']}] is {r['result'].upper()}: "
                f"{r['title']}\n  {r['message']}\n  shown as: {r['latex']}\n  written at src/derivations/{r['source']}"
                + _sides_named(r)
            )
    out.extend(ledger["page_problems"])
    return out


def _sides_named(record):
    """Where the sides the message names are written ('; side 2 at src/derivations/problems/x.py, line 58'), for
    the sides whose line differs from the declaration's."""
    import re

    sources = record.get("side_sources") or []
    named = dict.fromkeys(int(n) for n in re.findall(r"\bside (\d+)\b", record.get("message", "")))
    if "the sides have" in record.get("message", ""):
        named.update(dict.fromkeys(range(1, len(sources) + 1)))
    start = record["source"].rsplit(":", 1)[-1]
    parts = [f"side {n} at src/derivations/{sources[n - 1]}" for n in named
             if 0 < n <= len(sources) and not sources[n - 1].endswith(f"line {start}")]
    return "; " + "; ".join(parts) if parts else ""


def proof_counts(ledger):
    """Links that go to the prover (of identities, gradients, inequalities, and definitions after their first line) by
    how far they are proved."""
    counts = {"all sizes": 0, "a range of sizes": 0, "not proved": 0}
    for r in ledger["equations"]:
        for scope in r.get("scopes", []):
            if scope == "all sizes":
                counts["all sizes"] += 1
            elif scope == "range":
                counts["a range of sizes"] += 1
            elif scope == "numeric":
                counts["not proved"] += 1
    return counts


def mark_counts(ledger, page=None):
    """Equations (of ``page``, or of the site) by their mark: all sizes, range, checked numerically."""
    counts = {"all sizes": 0, "range": 0, "checked": 0}
    for r in ledger["equations"]:
        if page is None or r["page"] == page:
            counts[r.get("mark", "checked")] += 1
    return counts


def _short(r):
    if r["kind"] == "definition":
        return "definition"
    unproved = "checked numerically" if r["kind"] == "inequality" else "NOT PROVED"  # an inequality may stay checked
    return "; ".join(dict.fromkeys(t.replace("proved for ", "") if t.startswith("proved") else unproved
                                   for t in r["proved_for"])) or "-"


def format_table(ledger):
    """The ledger as a plain-text table."""
    rows = [("id", "page", "no.", "kind", "result", "proved", "proved for", "checks", "time")]
    for r in ledger["equations"]:
        rows.append((r["id"], r["page"], f"({r['number']})", r["kind"], r["result"],
                     f"{r['proved_links']}/{r['links']}", _short(r), str(r["comparisons"]), f"{r['seconds']:.2f}s"))
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    passed = sum(r["result"] == "pass" for r in ledger["equations"])
    counts = proof_counts(ledger)
    lines.append(f"\n{passed} of {len(ledger['equations'])} equations pass, "
                 f"{len(ledger['page_problems'])} problems on the pages, in {ledger['seconds']:.1f}s")
    lines.append("links of identities, gradients and inequalities: " + ", ".join(f"{n} proved for {k}" if k != "not proved"
                                                                   else f"{n} not proved" for k, n in counts.items()))
    return "\n".join(lines)


def write_json(ledger, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ledger, indent=1), encoding="utf-8")
