// The reader's runtime, compiled by Pyodide's own Python when the site is built (reader_export.runtime_files).
//
//   node reader_runtime.mjs PYODIDE_DIR WHEELS_DIR MODULES_LIST OUT_DIR
//   node reader_runtime.mjs --list PYODIDE_DIR WHEELS_DIR PAGES_DIR CASES_JSON MODULES_LIST
//   node reader_runtime.mjs --compile PYODIDE_DIR IN_ZIP OUT_ZIP
//
// The third form writes OUT_ZIP: the zip IN_ZIP (the checker's own modules, reader_export._checker_zip) with each
// .py as bytecode of Pyodide's Python (docstrings and line numbers kept: a traceback of the checker says where), so
// that the browser does not compile the checker's sources at the first Check.
//
// The second form writes MODULES_LIST (reader_modules.txt): what Pyodide has imported after judging every line of
// CASES_JSON (tests/data/reader_cases.json) and every equation's hint on the pages' data in PAGES_DIR
// (site/assets/reader/pages): run it after the checker's imports change (the browser tests say when: a verdict
// that needed a module the list lacks reports it in "fallback").
//
// Writes OUT_DIR/stdlib.zip (Pyodide's standard library, only the modules the list names) and OUT_DIR/lib.zip
// (sympy and mpmath, only the modules the list names), each module as bytecode of Pyodide's Python, so that the
// browser neither downloads modules the checker never imports nor compiles sympy's sources (13 s of a first
// verdict). Docstrings are left out (as python -OO does, asserts kept) and each function's line table says its
// first line only: a traceback names the function, not the line. Both zips are stored uncompressed: the site
// serves them gzipped as one stream each (better than a zip's file-by-file deflate).
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const listing = process.argv[2] === "--list";
const compiling = process.argv[2] === "--compile";
const [pyodideDir, wheelsDir, listFile, outDir] = process.argv.slice(listing || compiling ? 3 : 2);
const { loadPyodide } = await import(pathToFileURL(`${pyodideDir}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir.replace(/\/?$/, "/") });
if (compiling) {
  const [inZip, outZip] = process.argv.slice(4);
  pyodide.FS.writeFile("/tmp/in.zip", fs.readFileSync(inZip));
  pyodide.runPython(`
import importlib.util, marshal, zipfile
HEADER = importlib.util.MAGIC_NUMBER + bytes(12)  # flags 0, no source to compare with: the zip has none
with zipfile.ZipFile("/tmp/in.zip") as src, zipfile.ZipFile("/tmp/out.zip", "w", zipfile.ZIP_STORED) as out:
    for info in src.infolist():
        data = src.read(info)
        if info.filename.endswith(".py"):
            code = compile(data, info.filename, "exec", dont_inherit=True)
            info = zipfile.ZipInfo(info.filename + "c", date_time=info.date_time)
            data = HEADER + marshal.dumps(code)
        out.writestr(info, data)
`);
  fs.writeFileSync(outZip, pyodide.FS.readFile("/tmp/out.zip"));
  process.exit(0);
}
for (const w of fs.readdirSync(wheelsDir).filter((f) => f.endsWith(".whl"))) {
  pyodide.unpackArchive(new Uint8Array(fs.readFileSync(`${wheelsDir}/${w}`)), "wheel",
    { extractDir: "/tmp/site-packages" });
}
if (listing) {
  const [pagesDir, casesFile, out] = process.argv.slice(5);
  const src = new URL("../../", import.meta.url).pathname;
  pyodide.FS.mkdirTree("/tmp/src");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: src }, "/tmp/src");
  pyodide.FS.mkdirTree("/tmp/pages");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: pagesDir }, "/tmp/pages");
  pyodide.FS.writeFile("/tmp/cases.json", fs.readFileSync(casesFile, "utf8"));
  const modules = pyodide.runPython(`
import ast, json, os, sys
# the browser's tree: the checker's modules beside empty packages (as checker.zip has them), never numpy
reader_source = open("/tmp/src/derivations/equations/reader.py").read()
browser = next(ast.literal_eval(n.value) for n in ast.parse(reader_source).body
               if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "BROWSER_MODULES")
for module in browser:
    parts = module.split("/")
    for n in range(1, len(parts)):
        os.makedirs("/tmp/browser/" + "/".join(parts[:n]), exist_ok=True)
        init = "/tmp/browser/" + "/".join(parts[:n]) + "/__init__.py"
        if not os.path.exists(init):
            open(init, "w").close()
    open("/tmp/browser/" + module, "w").write(open("/tmp/src/" + module).read())
sys.path[:0] = ["/tmp/browser", "/tmp/site-packages"]
import importlib, importlib.machinery, io, zipfile, time, types  # the worker's own imports
# the worker's stand-in for sympy.physics.units (reader-worker.js): what simplify() and solve() ask of it
_units = types.ModuleType("sympy.physics.units")
class Quantity:
    pass
_units.Quantity = _units.Unit = Quantity
sys.modules["sympy.physics.units"] = _units
from derivations.equations.reader import Page, judge
cases = json.load(open("/tmp/cases.json"))["equations"]
pages = {}
def page(name):
    if name not in pages:
        pages[name] = Page.from_json(open(f"/tmp/pages/{name}.json").read())
    return pages[name]
for eq, case in cases.items():
    lines = list(case.get("correct") or []) + list(case.get("wrong") or [])
    lines += [(case.get(k) or [None])[0] for k in ("mistake", "parse_error")]
    for text in filter(None, lines):
        judge(page(case["page"]), eq, text, seconds=20)
for name in sorted(f[:-5] for f in os.listdir("/tmp/pages") if f.endswith(".json")):
    for e in json.load(open(f"/tmp/pages/{name}.json"))["equations"]:
        judge(page(name), e["id"], e["hint"], seconds=20)
stdlib = next(p for p in sys.path if p.endswith(".zip")) + "/"
found = set()
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None) or ""
    if f.startswith(stdlib):
        found.add("stdlib:" + f[len(stdlib):])
    elif f.startswith("/tmp/site-packages/"):
        found.add("lib:" + f[len("/tmp/site-packages/"):])
"\\n".join(sorted(found)) + "\\n"
`);
  fs.writeFileSync(out, modules);
  process.exit(0);
}
pyodide.FS.writeFile("/tmp/modules.txt", fs.readFileSync(listFile, "utf8"));
pyodide.runPython(`
import ast, importlib.util, io, marshal, sys, types, zipfile

STDLIB = next(p for p in sys.path if p.endswith(".zip"))
HEADER = importlib.util.MAGIC_NUMBER + bytes(12)  # flags 0, no source to compare with: the zip has none

def without_docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \\
                    and isinstance(body[0].value.value, str):
                if len(body) == 1:
                    body[0] = ast.copy_location(ast.Pass(), body[0])
                else:
                    del body[0]
    return tree

def first_line_only(code):
    consts = tuple(first_line_only(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    units = len(code.co_code) // 2
    # PEP 626 location entries "no columns, line delta 0", 8 code units each
    table = b"\\xef\\x00" * (units // 8) + (bytes([0x80 | 13 << 3 | (units % 8 - 1), 0]) if units % 8 else b"")
    return code.replace(co_consts=consts, co_linetable=table)

def pyc(source, name):
    code = compile(without_docstrings(ast.parse(source, name)), name, "exec", dont_inherit=True)
    return HEADER + marshal.dumps(first_line_only(code))

stdlib = zipfile.ZipFile(STDLIB)
outs = {"stdlib": zipfile.ZipFile("/tmp/stdlib.zip", "w", zipfile.ZIP_STORED),
        "lib": zipfile.ZipFile("/tmp/lib.zip", "w", zipfile.ZIP_STORED)}
for line in open("/tmp/modules.txt").read().split():
    where, _, path = line.partition(":")
    if where == "stdlib":
        source = stdlib.read(path)
    else:
        source = open("/tmp/site-packages/" + path, "rb").read()
    if path.endswith(".py"):
        outs[where].writestr(path + "c", pyc(source, path))
    else:
        outs[where].writestr(path, source)
for z in outs.values():
    z.close()
`);
fs.mkdirSync(outDir, { recursive: true });
for (const name of ["stdlib.zip", "lib.zip"]) fs.writeFileSync(`${outDir}/${name}`, pyodide.FS.readFile(`/tmp/${name}`));
