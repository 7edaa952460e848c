"""`make bench` runs (at a tiny size here: no test depends on timing) and the Performance page renders its output."""

import json
from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_losses  # noqa: E402

from derivations.site.performance_page import render_performance  # noqa: E402


def test_benchmark_runs_and_the_page_renders_it(tmp_path):
    out = tmp_path / "results.json"
    assert bench_losses.main(["--sizes", "12", "--dim", "7", "--classes", "3", "--repeat", "3",
                              "--naive-max-n", "12", "--output", str(out)]) == 0
    data = json.loads(out.read_text())
    assert {(r["loss"], r["dtype"]) for r in data["rows"]} == {
        (loss, dtype) for loss in ("svm", "softmax") for dtype in ("float32", "float64")}
    for r in data["rows"]:
        assert r["vectorized_s"] > 0 and r["naive_s"] > 0 and r["peak_extra_bytes"] >= 0
    html = render_performance(out)
    # two tables (times; bounds and memory), each a header row and a row per run
    assert html.count("<tr>") == 2 * (1 + len(data["rows"])) and "<svg" in html


def test_the_recorded_benchmark_is_shown():
    recorded = ROOT / "benchmarks" / "results.json"
    html = render_performance(recorded)
    if recorded.is_file():
        rows = json.loads(recorded.read_text())["rows"]
        assert all(f"<td>{r['N']:,}</td>" in html for r in rows)
    else:
        assert "No benchmark has been recorded yet" in html
