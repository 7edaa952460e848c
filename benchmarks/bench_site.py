"""`make bench-site`: how fast the site is for a reader and for a writer.

Per page: the time from navigation until its math is on screen (the first paint
of the page, whose math the build typeset, and KaTeX's style sheet and fonts
loaded), and the bytes transferred. For the site: the time of a clean `make build` (equations checked,
notebooks executed) and of a rebuild under `make serve` after one Markdown page
is edited. For an author, in a copy of the project with the guide's regression
example added: a warm ``derivations verify --page`` of each proof page, and one
after editing a comment and after editing one equation (a side rewritten into
an equal form the proofs have not seen). Targets on a 2-core machine: math
within 300 ms of load, at most 1.5 MB a page, a clean build within 30 s, a
rebuild within 1.5 s, each verify of a page within 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.harness import SITE, browser, serve, site_pages, wait_for_math  # noqa: E402

BIN = Path(sys.executable).parent


def page_figures(repeat=3, site=SITE):
    rows = []
    with serve(site) as base, browser() as b:
        for path in site_pages(site):
            times, sizes = [], []
            for _ in range(repeat):
                context = b.new_context()  # a cold cache each time: every byte is transferred
                page = context.new_page()
                responses = []
                page.on("requestfinished", lambda r: responses.append(r))
                page.goto(base + path, wait_until="load")
                wait_for_math(page)
                marks = page.evaluate("""() => {
                    const paint = performance.getEntriesByName('first-contentful-paint')[0];
                    const katex = performance.getEntriesByType('resource').filter(r => r.name.includes('/katex/'));
                    const typeset = document.documentElement.getAttribute('data-math-typeset');  // math typeset by a script
                    return {paint: paint ? paint.startTime : 0,
                            katex: Math.max(+typeset || 0, ...katex.map(r => r.responseEnd)),
                            dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventStart};
                }""")
                marks["done"] = max(marks["paint"], marks["katex"])
                page.wait_for_load_state("networkidle")
                # bytes on the wire: the server gzips text as GitHub Pages does
                total = sum((r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]) for r in responses)
                times.append(marks)
                sizes.append(total)
                context.close()
            times.sort(key=lambda m: m["done"])
            mid = times[len(times) // 2]
            rows.append({"page": path or "(home)", "math_on_screen_ms": mid["done"], "first_paint_ms": mid["paint"],
                         "dom_content_loaded_ms": mid["dcl"], "bytes": max(sizes)})
    return rows


def clean_build_seconds():
    shutil.rmtree(ROOT / ".cache", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(["make", "build"], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rebuild_seconds(page="docs/index.md"):
    port = _free_port()
    env = dict(os.environ, DERIVATIONS_NB_CACHE="true", DERIVATIONS_PRINT_PAGE="false", NO_MKDOCS_2_WARNING="1")  # as make serve
    proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = ROOT / page
    original = path.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("mkdocs serve did not start within 300 s")
        marker = f"rebuild-marker-{time.time_ns()}"
        start = time.perf_counter()
        path.write_text(original + f"\n\n{marker}\n", encoding="utf-8")
        while time.perf_counter() - start < 120:
            try:
                if marker in urllib.request.urlopen(url, timeout=2).read().decode():
                    return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the edit did not appear within 120 s")
    finally:
        path.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait(timeout=30)


VERIFY_PAGES = ("problem-1.md", "problem-2.md", "problem-3.md", "example-ridge.md")
# an edit of one equation: a side of (1.18) rewritten as an equal expression, so that its link is proved anew
EDITED_EQUATION = ("Partial(softplus(z), z) - tau, sigma(z) - tau]", "Partial(softplus(z), z) - tau, 1 - sigma(-z) - tau]")


def verify_seconds(repeat=3):
    """Seconds of ``derivations verify --page`` in a copy of the project (with the guide's regression example),
    warm (median of ``repeat``), after a comment edit and after a one-equation edit of a problem module."""
    import tempfile

    from tests.test_adding_a_problem import EXAMPLE, NAV_AFTER, copy_project, run

    def timed(project, page):
        start = time.perf_counter()
        done = run(project, "derivations", "verify", "--docs", "docs", "--page", page)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"verify --page {page} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return seconds

    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        shutil.copy(EXAMPLE / "ridge.py", project / "src" / "derivations" / "problems" / "ridge.py")
        shutil.copy(EXAMPLE / "example-ridge.md", project / "docs" / "example-ridge.md")
        mkdocs = project / "mkdocs.yml"
        mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace(
            NAV_AFTER, NAV_AFTER + '      - "Example R: ridge regression": example-ridge.md\n'), encoding="utf-8")
        figures = {}
        for page in VERIFY_PAGES:
            timed(project, page)  # the proofs of a new checkout, and the records of this copy
            figures[f"warm verify --page {page}"] = sorted(timed(project, page) for _ in range(repeat))[repeat // 2]
        module = project / "src" / "derivations" / "problems" / "problem2.py"
        module.write_text(module.read_text(encoding="utf-8") + "\n# a comment an author adds\n", encoding="utf-8")
        figures["verify --page problem-2.md after a comment edit"] = timed(project, "problem-2.md")
        module = project / "src" / "derivations" / "problems" / "problem1.py"
        text = module.read_text(encoding="utf-8")
        if EDITED_EQUATION[0] not in text:
            raise RuntimeError(f"problem1.py no longer has {EDITED_EQUATION[0]!r}: update EDITED_EQUATION")
        module.write_text(text.replace(*EDITED_EQUATION), encoding="utf-8")
        figures["verify --page problem-1.md after editing one equation"] = timed(project, "problem-1.md")
    return figures


def _cpu():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} cores"
    except OSError:
        pass
    return f"unknown, {os.cpu_count()} cores"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "site-results.json")
    args = parser.parse_args(argv)
    print("CPU:", _cpu())
    build = clean_build_seconds()
    print(f"clean make build: {build:.1f} s (target 30 s)")
    pages = page_figures()
    for row in pages:
        print(f"{row['page']:32} math on screen {row['math_on_screen_ms']:5.0f} ms after navigation "
              f"(first paint {row['first_paint_ms']:4.0f} ms, DOMContentLoaded {row['dom_content_loaded_ms']:4.0f} ms)"
              f"   {row['bytes'] / 1e6:5.2f} MB transferred")
    rebuild = sorted(rebuild_seconds() for _ in range(3))[1]
    print(f"rebuild under make serve after editing docs/index.md: {rebuild:.1f} s, median of 3 (target 1.5 s)")
    verify = verify_seconds()
    for name, seconds in verify.items():
        print(f"{name}: {seconds:.1f} s (target 5 s)")
    args.output.write_text(json.dumps({"cpu": _cpu(), "clean_build_s": build, "rebuild_s": rebuild, "verify_s": verify,
                                       "pages": pages}, indent=1))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
