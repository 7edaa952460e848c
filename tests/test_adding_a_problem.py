"""The "Adding a derivation" guide, followed in a copy of the project: one module, one page, one nav line."""

import json
import os
from pathlib import Path
import shutil
import subprocess
import sys

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "adding-a-derivation"
NAV_AFTER = '      - "Problem 3: softmax gradient": problem-3.md\n'
NAV_LINE = '      - "Problem 4: sigmoid derivative": problem-4.md\n'


def copy_project(tmp_path):
    """src, docs, examples and mkdocs.yml of this checkout, the npm KaTeX, and the proofs found so far."""
    for name in ("src", "docs", "examples", "benchmarks", "overrides", "mkdocs.yml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    store = ROOT / ".cache" / "proofs.json"
    if store.is_file():  # as in a developer's checkout: unchanged equations are not proved again
        (tmp_path / ".cache").mkdir()
        shutil.copy(store, tmp_path / ".cache" / "proofs.json")
    return tmp_path


def run(project, *args):
    env = dict(os.environ, PYTHONPATH=str(project / "src"), DERIVATIONS_NB_CACHE="false", NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", *args], cwd=project, env=env, capture_output=True, text=True)


def test_a_fourth_problem_is_one_module_one_page_and_a_nav_line(tmp_path):
    project = copy_project(tmp_path)
    # the guide's three steps, with the guide's own files
    shutil.copy(EXAMPLE / "problem4.py", project / "src" / "derivations" / "problems" / "problem4.py")
    shutil.copy(EXAMPLE / "problem-4.md", project / "docs" / "problem-4.md")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert NAV_AFTER in config
    (project / "mkdocs.yml").write_text(config.replace(NAV_AFTER, NAV_AFTER + NAV_LINE), encoding="utf-8")

    alone = run(project, "derivations", "verify", "--page", "problem-4.md")
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "3 of 3 equations pass" in alone.stdout

    verify = run(project, "derivations", "verify", "--json", ".cache/ledger.json")
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-3000:]
    ledger = json.loads((project / ".cache" / "ledger.json").read_text(encoding="utf-8"))
    mine = {r["id"]: r for r in ledger["equations"] if r["page"] == "problem-4.md"}
    assert [mine[i]["number"] for i in ("logistic", "sigmoid-symmetry", "sigmoid-derivative")] == ["4.1", "4.2", "4.3"]
    assert all(r["result"] == "pass" for r in mine.values())
    assert mine["sigmoid-derivative"]["proved_for"] == ["proved for all sizes"]

    build = run(project, "mkdocs", "build", "--strict", "-d", str(project / "site"))
    assert build.returncode == 0, build.stderr[-3000:]
    page = (project / "site" / "problem-4" / "index.html").read_text(encoding="utf-8")
    assert 'id="eq-sigmoid-derivative"' in page and '<span class="equation-number">(4.3)</span>' in page
    assert 'href="../problem-1/#eq-sigmoid"' in page  # a reference to another problem's equation

    # break one equation: verify and the build fail, naming it
    module = project / "src" / "derivations" / "problems" / "problem4.py"
    text = module.read_text(encoding="utf-8")
    good = "sigma(z) * (1 - sigma(z))]"
    assert good in text
    module.write_text(text.replace(good, "sigma(z) * (1 + sigma(z))]"), encoding="utf-8")
    broken = run(project, "derivations", "verify", "--page", "problem-4.md")
    assert broken.returncode == 1
    assert "equation (4.3) sigmoid-derivative on problem-4.md [gradient] is FAIL" in broken.stderr
    assert "differ at" in broken.stderr and "problems/problem4.py:" in broken.stderr
    build = run(project, "mkdocs", "build", "--strict", "-d", str(project / "site"))
    assert build.returncode != 0
    assert "sigmoid-derivative" in build.stdout + build.stderr


def test_a_problem_declares_the_bold_letters_of_its_own_vectors():
    import sympy as sp

    from derivations.equations import Problem
    from derivations.equations.notation import latex

    assert latex(sp.Symbol("V")) == "V"
    Problem("problem-9.md", 9, "Bold letters", bold=("V",))
    assert latex(sp.Symbol("V")) == r"\mathbf{V}" and latex(sp.Symbol("Q")) == "Q"
