"""`make bench-site`, the reader's checker ("Check your own", #19): how long a reader waits for a verdict.

From opening the first box under (A4) on Problem 2 to its first verdict, cold (a fresh browser cache: Pyodide,
sympy and mpmath are fetched and started) and warm (the next check, the worker already running; and a page
load with the files in the browser's cache), and the bytes transferred for the cold one; with the CPU, since
the figures depend on it. Target: a warm verdict under 1 s. Writes benchmarks/reader-results.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import platform
import subprocess
import sys
import time

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.harness import SITE, browser, serve  # noqa: E402

BOX = "details.reader-check[data-equation=svm-grad-wyi]"
LINE = r"-\sum_{j=1}^{C} \mathbb{1}(s_j - s_{y_i} + 1 > 0)\, x_i"  # the sum over all classes: refused, named


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def first_verdict(page, url):
    """Seconds from opening the box under (A4) to its verdict; the verdict's status."""
    page.goto(url + "problem-2/", wait_until="load")
    box = page.locator(BOX)
    start = time.perf_counter()
    box.locator("summary").click()
    box.locator("textarea").fill(LINE)
    box.locator("button").click()
    page.wait_for_selector(f"{BOX} .reader-verdict[data-status]", timeout=180000)
    return time.perf_counter() - start, box.locator(".reader-verdict").get_attribute("data-status")


def measure():
    with serve(SITE) as url, browser() as b:
        context = b.new_context()
        page = context.new_page()
        sizes, foreign = [], []
        # watched, not routed: Playwright turns the HTTP cache off when requests are routed
        context.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(url) else None)

        def finished(request):
            try:  # bytes received over the network (encoded): 0 for what the browser's cache gave
                sizes.append((request.url, request.sizes()["responseBodySize"]))
            except Exception:  # noqa: BLE001 - a redirect has no body
                pass

        context.on("requestfinished", finished)
        page.goto(url + "problem-2/", wait_until="load")
        page_bytes = sum(n for _, n in sizes)
        sizes.clear()
        cold, status = first_verdict(page, url)
        cold_bytes = sum(n for _, n in sizes if "problem-2/" not in _)
        start = time.perf_counter()
        page.evaluate("([l]) => window.derivationsReader.check('problem-2', 'svm-grad-wyi', l)", [LINE])
        warm_check = time.perf_counter() - start
        sizes.clear()
        warm_page, _ = first_verdict(page, url)  # a new page load: the files come from the browser's cache
        warm_page_bytes = sum(n for _, n in sizes if "problem-2/" not in _)
        context.close()
    return {
        "cpu": cpu_model(),
        "cold_first_verdict_s": round(cold, 2),
        "cold_bytes_transferred": cold_bytes,
        "warm_next_verdict_s": round(warm_check, 3),
        "warm_cache_first_verdict_s": round(warm_page, 2),
        "warm_cache_bytes_transferred": warm_page_bytes,
        "proof_page_bytes_before_a_box_opens": page_bytes,
        "verdict": status,
        "requests_to_other_hosts": len(foreign),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "reader-results.json"))
    args = parser.parse_args()
    if not (SITE / "problem-2" / "index.html").is_file():
        sys.exit("site/ is not built: run `make build` first")
    results = measure()
    Path(args.output).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    for key, value in results.items():
        print(f"{key:40} {value}")
    if results["warm_next_verdict_s"] >= 1.0:
        sys.exit("a warm verdict took 1 s or more")


if __name__ == "__main__":
    main()
