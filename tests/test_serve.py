"""``mkdocs serve``: a rebuild reuses the API reference and the search index only while their inputs are unchanged
(serve_memo.py), and the watcher sees an edit however an editor saves it."""

import json
import os
from pathlib import Path
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from test_adding_a_problem import copy_project

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project whose API reference reads ``apisrc/``, a copy of the package the tests edit."""
    project = copy_project(tmp_path_factory.mktemp("serve"))
    shutil.copytree(project / "src", project / "apisrc")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "paths: [src]" in text
    config.write_text(text.replace("paths: [src]", "paths: [apisrc]"), encoding="utf-8")
    shutil.copy(ROOT / ".cache" / "ledger.json", project / ".cache" / "ledger.json")  # make test built it
    return project


def _env(project):
    return dict(os.environ, PYTHONPATH=str(project / "src"), DERIVATIONS_NB_CACHE="true", DERIVATIONS_PRINT_PAGE="false",
                NO_MKDOCS_2_WARNING="1")


@pytest.fixture(scope="module")
def rebuilds(project):
    run = subprocess.run([sys.executable, str(ROOT / "tests" / "serve_rebuilds.py"), str(project)], cwd=project,
                         env=_env(project), capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_a_rebuild_with_nothing_edited_writes_the_same_site(rebuilds):
    assert rebuilds["unchanged"] == []


def test_an_edited_docstring_is_shown_on_the_next_rebuild(rebuilds):
    assert rebuilds["docstring"]["shown"]
    assert "reference/index.html" in rebuilds["docstring"]["differing"]


def test_an_edited_page_is_searchable_on_the_next_rebuild(rebuilds):
    indexed = rebuilds["page"]["indexed"]  # the home page's last section, and no other entry
    assert len(indexed) == 1 and indexed[0].startswith("#"), indexed
    assert "search/search_index.json" in rebuilds["page"]["differing"]


def test_an_edited_option_of_the_api_reference_is_applied(rebuilds):
    assert rebuilds["options"] == {"source_before": True, "source_after": False}


def test_a_warning_stops_every_strict_rebuild_until_it_is_fixed(rebuilds):
    assert rebuilds["warning"] == [True, True]
    assert rebuilds["fixed"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url, marker, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if marker in urllib.request.urlopen(url, timeout=2).read().decode():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def test_serve_sees_edits_written_in_place_saved_by_rename_and_of_the_package(project, rebuilds):
    port = _free_port()
    log = project / "serve.log"
    serve = subprocess.Popen([str(Path(sys.executable).parent / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}",
                              "--watch", "apisrc", "--watch", "src"], cwd=project, env=_env(project),
                             stdout=subprocess.DEVNULL, stderr=log.open("w"))
    base = f"http://127.0.0.1:{port}/"
    page, module = project / "docs" / "index.md", project / "apisrc" / "derivations" / "activations.py"
    try:
        assert _wait_for(base, "Checked Derivations", 300), "mkdocs serve did not start"
        page.write_text(page.read_text(encoding="utf-8") + "\n\nwritteninplace\n", encoding="utf-8")
        assert _wait_for(base, "writteninplace", 60)
        # an editor that saves by writing a new file and renaming it over the old one
        saved = page.with_name(".index.md.swp")
        saved.write_text(page.read_text(encoding="utf-8") + "\n\nsavedbyrename\n", encoding="utf-8")
        os.replace(saved, page)
        assert _wait_for(base, "savedbyrename", 60)
        module.write_text(module.read_text(encoding="utf-8").replace("The logistic sigmoid", "The logistic sigmoid srcedit"),
                          encoding="utf-8")
        assert _wait_for(base + "reference/", "srcedit", 60)
        # an edit of a problem module: the page's table of shapes is printed from the module as it is now
        problem = project / "src" / "derivations" / "problems" / "problem1.py"
        text = problem.read_text(encoding="utf-8")
        assert '"s": r"the scores (logits)' in text
        problem.write_text(text.replace('"s": r"the scores (logits)', '"s": r"the scores (logits) modulereread'),
                           encoding="utf-8")
        assert _wait_for(base + "problem-1/", "modulereread", 240)
        # a module that does not load: one message naming its file and line, no traceback; then fixed
        broken = project / "src" / "derivations" / "problems" / "problem9.py"
        broken.write_text("import sympy as sp\nfrom derivations.equations import Problem\n"
                          "PROBLEM = Problem('problem-9.md', 9, 'Broken')\n"
                          "PROBLEM.equation('broken', 'identity', 'x', lambda: [sp.Symbol('x'), 1], None)\n",
                          encoding="utf-8")
        deadline = time.time() + 120
        while "The package does not load" not in log.read_text(encoding="utf-8") and time.time() < deadline:
            time.sleep(0.2)
        output = log.read_text(encoding="utf-8")
        assert re.search(r"ERROR +- +The package does not load: ProblemError: problems/problem9\.py, line 4: ", output), output
        broken.unlink()
        problem.write_text(text.replace('"s": r"the scores (logits)', '"s": r"the scores (logits) loadsagain'),
                           encoding="utf-8")
        assert _wait_for(base + "problem-1/", "loadsagain", 240)
    finally:
        serve.terminate()
        serve.wait(timeout=30)


QUIET = 10  # seconds without a rebuild after the one an edit asks for


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``make serve`` in a copy of the project: its own mkdocs.yml (the API reference read from ``src/``), ``--watch
    src``, and the watcher's log (``-v`` names the event behind each rebuild)."""
    project = copy_project(tmp_path_factory.mktemp("settles"))
    shutil.copy(ROOT / ".cache" / "ledger.json", project / ".cache" / "ledger.json")
    port, log = _free_port(), project / "serve.log"
    env = _env(project)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on an author's machine: importing an edited module writes its .pyc
    serve = subprocess.Popen([str(Path(sys.executable).parent / "mkdocs"), "serve", "-v", "--dev-addr", f"127.0.0.1:{port}",
                              "--watch", "src"], cwd=project, env=env, stdout=subprocess.DEVNULL,
                             stderr=log.open("w"))
    base = f"http://127.0.0.1:{port}/"
    try:
        assert _wait_for(base, "Checked Derivations", 300), "mkdocs serve did not start"
        yield project, base, log
    finally:
        serve.terminate()
        serve.wait(timeout=30)


def _rebuilds_after_one_edit(log, path, old, new, url):
    """Replace ``old`` by ``new`` in ``path``, wait until ``url`` shows the last word of ``new``, then ``QUIET`` seconds: the rebuilds
    that followed, and the files of other events the watcher passed on (what asks for another rebuild)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    before = log.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    marker = new.split()[-1]
    assert _wait_for(url, marker, 300), f"{marker} never shown:\n{log.read_text(encoding='utf-8')[-3000:]}"
    time.sleep(QUIET)
    after = log.read_text(encoding="utf-8")[len(before):]
    others = sorted(set(re.findall(r"Event\(src_path='([^']*)'", after)) - {str(path)})
    return after.count("Building documentation..."), others[:8]


def test_one_edit_of_a_problem_module_is_one_rebuild_then_quiet(served):
    project, base, log = served
    assert _rebuilds_after_one_edit(log, project / "src" / "derivations" / "problems" / "problem1.py",
                                    '"s": r"the scores (logits)', '"s": r"the scores (logits) settlemarker',
                                    base + "problem-1/") == (1, [])


def test_one_edit_of_a_page_is_one_rebuild_then_quiet(served):
    project, base, log = served
    assert _rebuilds_after_one_edit(log, project / "docs" / "index.md", "## How the checks work",
                                    "## How the checks work pagesettles", base) == (1, [])


def test_one_edit_of_a_docstring_is_one_rebuild_then_quiet(served):
    project, base, log = served
    assert _rebuilds_after_one_edit(log, project / "src" / "derivations" / "activations.py", "The logistic sigmoid",
                                    "The logistic sigmoid docsettles", base + "reference/") == (1, [])
