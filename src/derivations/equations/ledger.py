"""The ledger: every equation of the site with the result of its checks."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from pathlib import Path
import time

from derivations.equations.checks import check_equation
from derivations.equations.pages import scan_docs

__all__ = ["source_hash", "build_ledger", "format_table", "proof_counts", "problems", "page_problems_of", "write_json"]

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def source_hash():
    """A hash of every source file of the package: the ledger is stale when it changes."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_ledger(catalog, docs_dir=None, seed=0, jobs=None):
    """Check every equation; with ``docs_dir``, also match the catalog against the pages.

    Equations are checked in ``jobs`` processes (default: one per core).
    """
    start = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    _WORK.update(catalog=catalog, seed=seed)
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        # whole equations to the workers, those with the most sizes to prove first, so that they end together
        order = sorted(catalog.equations, key=lambda eq_id: -len(catalog[eq_id].space.size_choices()))
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            done = dict(zip(order, pool.imap(_check, order)))
        records = [done[eq.id] for eq in catalog]
    else:
        records = [_check(eq.id) for eq in catalog]
    page_problems = []
    if docs_dir is not None:
        page_problems = page_problems_of([(eq.id, eq.page) for eq in catalog], scan_docs(docs_dir))
    return {
        "source_hash": source_hash(),
        "seconds": round(time.perf_counter() - start, 3),
        "equations": records,
        "page_problems": page_problems,
    }


_WORK = {}  # the catalog being checked, for the worker processes forked from this one


def _check(eq_id):
    catalog = _WORK["catalog"]
    return check_equation(catalog[eq_id], catalog, _WORK["seed"]).as_dict()


def page_problems_of(entries, scans):
    """What is wrong between the catalog's ``(id, page)`` entries, in order, and the scanned pages."""
    out = []
    ids = {eq_id for eq_id, _ in entries}
    shown_where = {}
    for scan in scans:
        for n, text, reason in scan.unchecked:
            out.append(f"{scan.page}, line {n}: {reason}: {text}")
        for eq_id in scan.shown + scan.refs:
            if eq_id not in ids:
                out.append(f"{scan.page}: [[eq/ref:{eq_id}]] names no equation of the catalog")
        for eq_id in scan.shown:
            shown_where.setdefault(eq_id, []).append(scan.page)
        expected = [eq_id for eq_id, page in entries if page == scan.page]
        if expected and [q for q in scan.shown if q in expected] != expected:
            out.append(f"{scan.page}: shows {scan.shown}, but its catalog equations in order are {expected}")
    for eq_id, page in entries:
        pages = shown_where.get(eq_id, [])
        if pages != [page]:
            out.append(f"equation {eq_id} belongs to {page} but is shown on {pages or 'no page'}")
    return out


def problems(ledger):
    """Every reason the ledger is not clean: failed or unchecked equations, unchecked math on pages."""
    out = []
    for r in ledger["equations"]:
        if r["result"] != "pass":
            out.append(
                f"equation ({r['number']}) {r['id']} on {r['page']} [{r['kind']}] is {r['result'].upper()}: "
                f"{r['title']}\n  {r['message']}\n  shown as: {r['latex']}\n  written at src/derivations/{r['source']}"
            )
    out.extend(ledger["page_problems"])
    return out


def proof_counts(ledger):
    """Links of identities and gradients by how far they are proved: all sizes, a range of sizes, not proved."""
    counts = {"all sizes": 0, "a range of sizes": 0, "not proved": 0}
    for r in ledger["equations"]:
        if r["kind"] == "definition":
            continue
        for text in r["proved_for"]:
            if text.startswith("proved for all sizes"):
                counts["all sizes"] += 1
            elif text.startswith("proved for"):
                counts["a range of sizes"] += 1
            else:
                counts["not proved"] += 1
    return counts


def _short(r):
    if r["kind"] == "definition":
        return "definition"
    return "; ".join(dict.fromkeys(t.replace("proved for ", "") if t.startswith("proved") else "NOT PROVED"
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
    lines.append("links of identities and gradients: " + ", ".join(f"{n} proved for {k}" if k != "not proved"
                                                                   else f"{n} not proved" for k, n in counts.items()))
    return "\n".join(lines)


def write_json(ledger, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ledger, indent=1), encoding="utf-8")
