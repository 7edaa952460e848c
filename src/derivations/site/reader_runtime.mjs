// The reader's runtime, compiled by Pyodide's own Python when the site is built (reader_export.runtime_files).
//
//   node reader_runtime.mjs PYODIDE_DIR WHEELS_DIR MODULES_LIST OUT_DIR
//
// Writes OUT_DIR/stdlib.zip (Pyodide's standard library, only the modules the list names) and OUT_DIR/lib.zip
// (sympy and mpmath, only the modules the list names), each module as bytecode of Pyodide's Python, so that the
// browser neither downloads modules the checker never imports nor compiles sympy's sources (13 s of a first
// verdict). Docstrings are left out (as python -OO does, asserts kept) and each function's line table says its
// first line only: a traceback names the function, not the line. Both zips are stored uncompressed: the site
// serves them gzipped as one stream each (better than a zip's file-by-file deflate).
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheelsDir, listFile, outDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(`${pyodideDir}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir.replace(/\/?$/, "/") });
for (const w of fs.readdirSync(wheelsDir).filter((f) => f.endsWith(".whl"))) {
  pyodide.unpackArchive(new Uint8Array(fs.readFileSync(`${wheelsDir}/${w}`)), "wheel",
    { extractDir: "/tmp/site-packages" });
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
