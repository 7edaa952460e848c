"""The ledger that `make build` wrote (``.cache/ledger.json``): tests assert on it instead of proving again."""

import json
from pathlib import Path

import pytest

from derivations.equations.ledger import source_hash

LEDGER = Path(__file__).resolve().parents[1] / ".cache" / "ledger.json"


def ledger_by_id():
    """Each equation's record, from a ledger of the sources under test; a missing or stale ledger fails the test."""
    if not LEDGER.is_file():
        pytest.fail(f"{LEDGER} is missing: run `make verify` (make test does it first)")
    ledger = json.loads(LEDGER.read_text(encoding="utf-8"))
    if ledger.get("source_hash") != source_hash():
        pytest.fail(f"{LEDGER} was written for other sources: run `make verify` (make test does it first)")
    return {record["id"]: record for record in ledger["equations"]}
