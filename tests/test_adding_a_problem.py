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
NAV_LINES = ('      - "Problem 4: a real fourth problem": problem-4.md\n'
             '      - "Problem 5: a real fifth problem": problem-5.md\n'
             '      - "Example S: sigmoid derivative": example-sigmoid.md\n'
             '      - "Example R: ridge regression": example-ridge.md\n')


def real_problem(number):
    """A real Problem N beside the guide's examples: the sigmoid example under its own number and ids."""
    module = (EXAMPLE / "sigmoid.py").read_text(encoding="utf-8")
    module = module.replace('Problem("example-sigmoid.md", "S"', f'Problem("problem-{number}.md", {number}')
    module = module.replace("from derivations.problems.problem1 import sigma", "from derivations.problems.problem1 import sigma")
    # the function first (its name is an identifier): the ids' replacement below would make it "p4-logistic"
    module = module.replace('PROBLEM.function("logistic", r"\\ell", "logistic"',
                            f'PROBLEM.function("logistic{number}", r"\\ell_{number}", "logistic"')
    for eq_id in ("logistic", "sigmoid-symmetry", "sigmoid-derivative"):
        module = module.replace(f'"{eq_id}"', f'"p{number}-{eq_id}"')
    page = (EXAMPLE / "example-sigmoid.md").read_text(encoding="utf-8").replace("Example S", f"Problem {number}")
    for eq_id in ("logistic", "sigmoid-symmetry", "sigmoid-derivative"):
        page = page.replace(f"[[eq:{eq_id}]]", f"[[eq:p{number}-{eq_id}]]").replace(f"[[ref:{eq_id}]]",
                                                                                    f"[[ref:p{number}-{eq_id}]]")
    return module, page


def copy_project(tmp_path):
    """src, docs, examples and mkdocs.yml of this checkout (its notebooks shown, not run), the npm KaTeX, and the proofs
    found so far."""
    for name in ("src", "docs", "examples", "benchmarks", "overrides", "mkdocs.yml", "pyproject.toml", "conftest.py"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    # the copies' builds test the problem pages; the notebooks run in `make build` and are tested on site/
    config = tmp_path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      execute: true\n" in text
    config.write_text(text.replace("      execute: true\n", "      execute: false\n"), encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "reader-wheels").symlink_to(ROOT / ".cache" / "reader-wheels")  # as make setup leaves them
    store = ROOT / ".cache" / "proofs.json"
    if store.is_file():  # as in a developer's checkout: unchanged equations are not proved again
        shutil.copy(store, tmp_path / ".cache" / "proofs.json")
    return tmp_path


def run(project, *args):
    env = dict(os.environ, PYTHONPATH=str(project / "src"), DERIVATIONS_NB_CACHE="false", NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", *args], cwd=project, env=env, capture_output=True, text=True)


def test_the_guides_two_examples_go_in_beside_two_real_problems(tmp_path):
    project = copy_project(tmp_path)
    problems, docs = project / "src" / "derivations" / "problems", project / "docs"
    # the guide's steps, with the guide's own files: module, page, nav line; and two real problems beside them
    shutil.copy(EXAMPLE / "sigmoid.py", problems / "sigmoid.py")
    shutil.copy(EXAMPLE / "example-sigmoid.md", docs / "example-sigmoid.md")
    shutil.copy(EXAMPLE / "ridge.py", problems / "ridge.py")
    shutil.copy(EXAMPLE / "example-ridge.md", docs / "example-ridge.md")
    for number in (4, 5):
        module, page = real_problem(number)
        (problems / f"problem{number}.py").write_text(module, encoding="utf-8")
        (docs / f"problem-{number}.md").write_text(page, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert NAV_AFTER in config

    # a page with equations that the nav leaves out: verify says so, before the build would stop on it
    missing = run(project, "derivations", "verify", "--page", "example-ridge.md")
    assert missing.returncode == 1 and "example-ridge.md has equations but is not in the nav" in missing.stderr

    (project / "mkdocs.yml").write_text(config.replace(NAV_AFTER, NAV_AFTER + NAV_LINES), encoding="utf-8")
    alone = run(project, "derivations", "verify", "--page", "example-sigmoid.md")
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "3 of 3 equations pass" in alone.stdout

    verify = run(project, "derivations", "verify", "--json", ".cache/ledger.json")
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-3000:]
    ledger = json.loads((project / ".cache" / "ledger.json").read_text(encoding="utf-8"))
    by_id = {r["id"]: r for r in ledger["equations"]}
    assert [by_id[i]["number"] for i in ("logistic", "sigmoid-symmetry", "sigmoid-derivative")] == ["S.1", "S.2", "S.3"]
    assert [by_id[f"p4-{i}"]["number"] for i in ("logistic", "sigmoid-symmetry")] == ["4.1", "4.2"]
    assert by_id["p5-sigmoid-derivative"]["number"] == "5.3"
    assert all(r["result"] == "pass" for r in ledger["equations"])
    assert by_id["ridge-gradient"]["proved_for"] == ["proved for all sizes", "proved for all sizes"]

    build = run(project, "mkdocs", "build", "--strict", "-d", str(project / "site"))
    assert build.returncode == 0, build.stderr[-3000:]
    page = (project / "site" / "example-sigmoid" / "index.html").read_text(encoding="utf-8")
    assert 'id="eq-sigmoid-derivative"' in page and '<span class="equation-number">(S.3)</span>' in page
    assert 'href="../problem-1/#eq-sigmoid"' in page  # a reference to another problem's equation
    # [[shapes]] with the module's SYMBOLS, each symbol as this problem prints it (w is no column here, as in Problem 2)
    ridge = (project / "site" / "example-ridge" / "index.html").read_text(encoding="utf-8")
    table = ridge.split('<div class="shape-table">', 1)[1].split("</table>", 1)[0]
    assert "the minimiser of the ridge loss" in table and "a product in" in table
    assert r'<annotation encoding="application/x-tex">\mathbf{w}</annotation>' in table, table[:2000]
    assert r"\mathbf{w}_{j}" not in table
    # the guide's own examples, run in the copy with both examples and both real problems present
    guide = run(project, "pytest", "-q", "-p", "no:cacheprovider", "docs/adding-a-derivation.md")
    assert guide.returncode == 0, guide.stdout[-3000:]

    # break one equation: verify and the build fail, naming it
    module = problems / "sigmoid.py"
    text = module.read_text(encoding="utf-8")
    good = "sigma(z) * (1 - sigma(z))]"
    assert good in text
    module.write_text(text.replace(good, "sigma(z) * (1 + sigma(z))]"), encoding="utf-8")
    broken = run(project, "derivations", "verify", "--page", "example-sigmoid.md")
    assert broken.returncode == 1
    assert "equation (S.3) sigmoid-derivative on example-sigmoid.md [gradient] is FAIL" in broken.stderr
    assert "differ at" in broken.stderr and "problems/sigmoid.py:" in broken.stderr
    build = run(project, "mkdocs", "build", "--strict", "-d", str(project / "site"))
    assert build.returncode != 0
    assert "sigmoid-derivative" in build.stdout + build.stderr


def test_the_pdf_phone_and_browser_checks_find_a_new_problems_page_by_itself(tmp_path):
    """The tests take the proof pages from the catalog (tests/proof_pages.py): a module and a page added, and the
    PDF, phone and browser checks of the copy would open that page too, with no list of pages edited."""
    project = copy_project(tmp_path)
    module, page = real_problem(4)
    (project / "src" / "derivations" / "problems" / "problem4.py").write_text(module, encoding="utf-8")
    (project / "docs" / "problem-4.md").write_text(page, encoding="utf-8")
    shutil.copy(EXAMPLE / "sigmoid.py", project / "src" / "derivations" / "problems" / "sigmoid.py")
    # the pages each of those test modules would check, imported with the copy's package
    listed = ("import json, test_pdf\nfrom tests.browser import test_narrow, test_pages\nfrom tests import test_reader_hints\n"
              "print(json.dumps({'pdf': test_pdf.PROOFS, 'phones': test_narrow.PROOFS, 'browser': test_pages.PROOF_PAGES,\n"
              "                  'boxes': sorted({name for name, _, _ in test_reader_hints.HINTS})}))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(project / "src"), str(ROOT), str(ROOT / "tests")]))
    found = subprocess.run([sys.executable, "-c", listed], cwd=project, env=env, capture_output=True, text=True)
    assert found.returncode == 0, found.stderr[-3000:]
    assert json.loads(found.stdout) == {
        "pdf": ["problem-1.md", "problem-2.md", "problem-3.md", "problem-4.md", "example-sigmoid.md"],
        "phones": ["problem-1/", "problem-2/", "problem-3/", "problem-4/", "example-sigmoid/"],
        "browser": ["problem-1/", "problem-2/", "problem-3/", "problem-4/", "example-sigmoid/", "ledger/"],
        # the "Check your own line" boxes of every page with one (tests/test_reader_hints.py): problem-4's among them
        "boxes": json.loads(found.stdout)["boxes"]}
    assert "problem-4" in json.loads(found.stdout)["boxes"], found.stdout


def test_verify_finds_a_formula_too_wide_for_a_phone(tmp_path):
    """A displayed formula whose narrowest shape would scroll on a 320 px screen fails ``derivations verify``, from
    KaTeX's metrics, in seconds: before, only the browser tests of ``make test`` found it."""
    project = copy_project(tmp_path)
    module = project / "src" / "derivations" / "problems" / "problem9.py"

    def write(terms):
        module.write_text(
            "from derivations.equations import Problem\nfrom derivations.equations import points as pts\n"
            "from derivations.equations.notation import Frac\nfrom derivations.equations.symbols import u\n"
            "PROBLEM = Problem('problem-9.md', 9, 'Widths')\n"
            f"LONG = sum(u ** n for n in range(1, {terms + 1}))\n"
            "PROBLEM.equation('long-fraction', 'identity', 'a fraction is never broken',\n"
            "                 lambda: [Frac(LONG, 2), LONG / 2], pts.scalar('u', [0.5, -1.5]))\n", encoding="utf-8")

    (project / "docs" / "problem-9.md").write_text("# Problem 9\n\nA long fraction:\n\n[[eq:long-fraction]]\n",
                                                   encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(NAV_AFTER, NAV_AFTER + '      - "Problem 9": problem-9.md\n'),
                      encoding="utf-8")
    write(12)
    wide = run(project, "derivations", "verify", "--page", "problem-9.md")
    assert wide.returncode == 1, wide.stdout + wide.stderr
    assert "(9.1) long-fraction on problem-9.md is too wide for a 320 px screen: its narrowest shape is " in wide.stderr
    write(3)
    fits = run(project, "derivations", "verify", "--page", "problem-9.md")
    assert fits.returncode == 0, fits.stdout + fits.stderr
    assert "not checked" not in fits.stderr
    # without the npm KaTeX (before make setup), the widths are not checked, and verify says so
    (project / "node_modules").unlink()
    write(12)
    unmeasured = run(project, "derivations", "verify", "--page", "problem-9.md")
    assert unmeasured.returncode == 0, unmeasured.stdout + unmeasured.stderr
    assert "derivations verify: the widths of the formulas are not checked: KaTeX is not installed at " in unmeasured.stderr


def test_an_authors_mistakes_are_messages_not_tracebacks(tmp_path):
    project = copy_project(tmp_path)
    problems, docs = project / "src" / "derivations" / "problems", project / "docs"
    # a module that fails to load: its file, line and error, in one line
    (problems / "problem9.py").write_text(
        "import sympy as sp\nfrom derivations.equations import Problem\n"
        "PROBLEM = Problem('problem-9.md', 9, 'Broken')\n"
        "PROBLEM.equation('broken', 'identity', 'x', lambda: [sp.Symbol('x'), 1], None)\n", encoding="utf-8")
    loading = run(project, "derivations", "verify", "--docs", "")
    assert loading.returncode == 2 and "Traceback" not in loading.stderr
    assert "problems/problem9.py, line 4: TypeError: space must be a Space" in loading.stderr
    (problems / "problem9.py").unlink()
    # a misspelt placeholder: its page line and the closest ids
    page = docs / "problem-1.md"
    page.write_text(page.read_text(encoding="utf-8").replace("[[ref:ce-softmax]] reduces", "[[ref:ce-sofmax]] reduces"),
                    encoding="utf-8")
    misspelt = run(project, "derivations", "verify", "--page", "problem-1.md")
    assert misspelt.returncode == 1
    assert "[[ref:ce-sofmax]] names no equation; did you mean ce-softmax" in misspelt.stderr
    assert "problem-1.md, line " in misspelt.stderr


def test_a_problem_declares_the_bold_letters_of_its_own_vectors_and_no_other_problems():
    import sympy as sp

    from derivations.equations import Problem
    from derivations.equations import points as pts

    V = sp.Symbol("V", real=True)
    mine = Problem("problem-91.md", 91, "Bold letters", bold=("V",))
    other = Problem("problem-92.md", 92, "Plain letters")
    shown = mine.equation("bold-v", "identity", "V", lambda: [V, V], pts.scalar("V", [1.0]))
    plain = other.equation("plain-v", "identity", "V", lambda: [V, V], pts.scalar("V", [1.0]))
    assert shown.latex(tag=False) == r"\mathbf{V} = \mathbf{V}"
    assert plain.latex(tag=False) == "V = V"  # the first page's letters do not leak into the second
