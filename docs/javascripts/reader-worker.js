// "Check your own" (#19): the checker, in a Web Worker so that the page never freezes.
// Pyodide (npm), the sympy and mpmath wheels (PyPI, pinned by hash) and the checker's Python sources are all
// served by the site itself; nothing is fetched from another host. The Python side is
// derivations/equations/reader.py, the module pytest runs in CPython on the same inputs.
let ready = null;
const pages = {};

function progress(text) {
  postMessage({ type: "progress", text });
}

async function start(base) {
  const assets = new URL("assets/reader/", base).href;
  progress("Loading the checker: the Python interpreter (about 12 MB, once)…");
  const { loadPyodide } = await import(assets + "pyodide/pyodide.mjs");
  const pyodide = await loadPyodide({ indexURL: assets + "pyodide/", fullStdLib: false, checkAPIVersion: true });
  progress("Loading sympy and mpmath…");
  const manifest = await (await fetch(assets + "manifest.json")).json();
  await pyodide.loadPackage(manifest.wheels.map((w) => assets + "wheels/" + w), { messageCallback: () => {} });
  progress("Loading the page's notation…");
  for (const path of manifest.modules) {
    const text = await (await fetch(assets + "py/" + path)).text();
    const parts = path.split("/");
    let dir = "/home/pyodide/reader";
    for (const part of parts.slice(0, -1)) {
      dir += "/" + part;
      pyodide.FS.mkdirTree(dir);
      try { pyodide.FS.stat(dir + "/__init__.py"); } catch (e) { pyodide.FS.writeFile(dir + "/__init__.py", ""); }
    }
    pyodide.FS.writeFile(dir + "/" + parts[parts.length - 1], text);
  }
  progress("Starting sympy (the first time takes a few seconds)…");
  await pyodide.runPythonAsync(`
import sys, json
sys.path.insert(0, "/home/pyodide/reader")
from derivations.equations.reader import Page, judge
import sympy
sympy.simplify(sympy.Symbol("a") - sympy.Symbol("a"))
_pages = {}
def _check(name, text, eq, source, seconds):
    if name not in _pages:
        _pages[name] = Page.from_json(source)
    return json.dumps(judge(_pages[name], eq, text, seconds=seconds))
`);
  return pyodide;
}

onmessage = async (event) => {
  const msg = event.data;
  try {
    if (!ready) ready = start(msg.base);
    const pyodide = await ready;
    if (msg.type === "init") {
      postMessage({ type: "ready" });
      return;
    }
    if (!(msg.page in pages)) {
      pages[msg.page] = await (await fetch(new URL(`assets/reader/pages/${msg.page}.json`, msg.base))).text();
    }
    progress("Checking…");
    const check = pyodide.globals.get("_check");
    const started = performance.now();
    const out = check(msg.page, msg.text, msg.eq, pages[msg.page], msg.seconds || 20);
    check.destroy();
    postMessage({ type: "verdict", id: msg.id, verdict: JSON.parse(out), ms: performance.now() - started });
  } catch (error) {
    postMessage({ type: "error", id: msg.id, text: String(error && error.message ? error.message : error) });
  }
};
