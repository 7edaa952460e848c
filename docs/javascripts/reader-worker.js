// "Check your own" (#19, #28): the checker, in a Web Worker so that the page never freezes.
// Everything comes from the site itself, never another host: Pyodide (npm), and the modules of Python's library,
// sympy and mpmath that the checker imports, compiled to bytecode when the site is built
// (derivations/site/reader_runtime.mjs), each file gzipped by the build and unzipped here (DecompressionStream),
// whatever the host compresses. Each file is kept in Cache Storage under the build's version: the next page, a
// reload, or a reader offline start from there. The Python side is derivations/equations/reader.py, the module
// pytest runs in CPython on the same inputs.
let ready = null;
let setup = null; // resolved once the cache is open: the page's data is fetched while Python starts
let assets = null;
let store = null; // the Cache Storage of this build's files (null where the browser has none)
const realFetch = globalThis.fetch.bind(globalThis);
const pages = {};
const TYPES = { ".wasm": "application/wasm", ".json": "application/json", ".mjs": "text/javascript",
                ".js": "text/javascript", ".zip": "application/zip" };

function progress(text) {
  postMessage({ type: "progress", text });
}

async function cached(url) {
  // the site's own file: from this build's cache when it is there, else from the network (then kept)
  let response = store && await store.match(url);
  if (!response) {
    response = await realFetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    if (store) await store.put(url, response.clone());
  }
  return response;
}

async function file(name) {
  // a file under assets/reader/, unzipped when the build gzipped it (name.gz)
  const response = await cached(assets + name);
  if (!name.endsWith(".gz")) return response;
  const plain = name.slice(0, -3);
  const type = TYPES[plain.slice(plain.lastIndexOf("."))] || "application/octet-stream";
  return new Response(response.body.pipeThrough(new DecompressionStream("gzip")), { headers: { "Content-Type": type } });
}

async function importFile(name) {
  const url = URL.createObjectURL(new Blob([await (await file(name)).text()], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function bytes(name) {
  return new Uint8Array(await (await file(name)).arrayBuffer());
}

async function openStore(version) {
  if (!globalThis.caches) return null;
  try {
    for (const name of await caches.keys()) { // an older build's files are not kept
      if (name.startsWith("derivations-reader-") && name !== "derivations-reader-" + version) await caches.delete(name);
    }
    return await caches.open("derivations-reader-" + version);
  } catch (e) {
    return null; // a browser that refuses storage: the files still load, only not kept
  }
}

const timings = {}; // where a first verdict's seconds go (benchmarks/bench_reader.py prints them)
const began = performance.now();
function mark(name) { timings[name] = Math.round(performance.now() - began) / 1000; }

async function start(base, version) {
  await setup;
  // this script too, so that a page offline can start it from the cache (reader.js)
  cached(new URL("javascripts/reader-worker.js", base).href).catch(() => {});
  const manifest = await (await cached(assets + "manifest.json")).json();
  // Pyodide fetches its wasm, its lock file and the library by URL: here they are this build's gzipped files
  const gzipped = {};
  for (const name of Object.keys(manifest.cold)) {
    if (name.endsWith(".gz")) gzipped[assets + name.slice(0, -3)] = name;
  }
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input); // a string, a URL or a Request
    return gzipped[url] ? file(gzipped[url]) : realFetch(input, init);
  };
  progress("Loading the checker (once: it is kept for the next pages)…");
  const libraries = Promise.all([bytes("lib.zip.gz"), bytes("checker.zip.gz")]); // meanwhile
  // Pyodide's two scripts are imported from blob: URLs of the cached files (an import by URL would bypass the cache)
  const { loadPyodide } = await importFile("pyodide/pyodide.mjs");
  const createPyodideModule = (await importFile("pyodide/pyodide.asm.mjs.gz")).default;
  mark("pyodide_script_s");
  const pyodide = await loadPyodide({ indexURL: assets + "pyodide/", stdLibURL: assets + "stdlib.zip",
                                      createPyodideModule, fullStdLib: false, checkAPIVersion: true });
  mark("python_started_s");
  const [lib, checker] = await libraries;
  mark("libraries_fetched_s");
  pyodide.FS.mkdirTree("/lib/reader");
  pyodide.FS.writeFile("/lib/reader/lib.zip", lib);
  pyodide.FS.writeFile("/lib/reader/checker.zip", checker);
  progress("Starting sympy…");
  pyodide.globals.set("_assets", assets);
  pyodide.globals.set("_fallback", pyodide.toPy(manifest.fallback));
  await pyodide.runPythonAsync(`
import sys, json, importlib, importlib.machinery, io, zipfile
sys.path[:0] = ["/lib/reader/checker.zip", "/lib/reader/lib.zip"]

class _Whole:
    """A module the build's lists left out: the whole library it belongs to, fetched once (the browser tests fail
    on it, naming the module)."""
    missing = []
    loaded = set()

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        what = "lib" if top in ("sympy", "mpmath") else "stdlib" if top in _fallback["stdlib_names"] else None
        if what is None or what in self.loaded:
            return None
        from js import XMLHttpRequest
        self.loaded.add(what)
        self.missing.append(name)
        for path_ in ([_fallback["stdlib"]] if what == "stdlib" else ["wheels/" + w for w in _fallback["wheels"]]):
            request = XMLHttpRequest.new()
            request.open("GET", _assets + path_, False)
            request.responseType = "arraybuffer"
            request.send(None)
            data = request.response.to_bytes()
            if what == "stdlib":
                open("/lib/reader/python_stdlib.zip", "wb").write(data)
                sys.path.append("/lib/reader/python_stdlib.zip")
            else:
                zipfile.ZipFile(io.BytesIO(data)).extractall("/lib/reader/whole")
                sys.path.append("/lib/reader/whole")
        importlib.invalidate_caches()
        return importlib.machinery.PathFinder.find_spec(name, path)

sys.meta_path.append(_Whole())
import time, types
# sympy's simplify() and solve() import sympy.physics.units (a second of a first verdict: every unit of every
# system) only to ask whether an expression holds a Quantity; the checker's never do (its parser makes none), so a
# stand-in says no at once (the same lines in reader_runtime.mjs, whose module list then leaves sympy.physics out)
_units = types.ModuleType("sympy.physics.units")
class Quantity:
    pass
_units.Quantity = _units.Unit = Quantity
sys.modules["sympy.physics.units"] = _units
_t = time.perf_counter()
import sympy
_sympy_s = time.perf_counter() - _t
from derivations.equations.reader import Page, judge
_checker_s = time.perf_counter() - _t - _sympy_s
_pages = {}
_spent = {}  # where the first check's seconds went, Python's side (benchmarks/bench_reader.py prints them)
def _check(name, text, eq, source, seconds):
    t = time.perf_counter()
    if name not in _pages:
        _pages[name] = Page.from_json(source)
    parsed = time.perf_counter()
    out = json.dumps(judge(_pages[name], eq, text, seconds=seconds))
    if not _spent:
        _spent.update(page_parse_s=round(parsed - t, 3), first_judge_s=round(time.perf_counter() - parsed, 3))
    return out
def _timings():
    return json.dumps(dict(import_sympy_s=round(_sympy_s, 3), import_checker_s=round(_checker_s, 3), **_spent))
def _missing():
    return json.dumps(_Whole.missing)
`);
  mark("checker_imported_s");
  return pyodide;
}

onmessage = async (event) => {
  const msg = event.data;
  try {
    if (!setup) {
      assets = new URL("assets/reader/", msg.base).href;
      setup = openStore(msg.version).then((s) => { store = s; });
      ready = start(msg.base, msg.version);
    }
    if (msg.type === "katex") { // the page's preview and verdicts: KaTeX's script, from the same cache
      try {
        await setup;
        postMessage({ type: "katex", text: await (await file("katex.min.js.gz")).text() });
      } catch (error) {
        postMessage({ type: "katex-error", text: String(error && error.message ? error.message : error) });
      }
      return;
    }
    if (msg.page && !(msg.page in pages)) { // the page's data, fetched while Python starts
      pages[msg.page] = setup.then(() => file(`pages/${msg.page}.json.gz`)).then((r) => r.text())
        .then((text) => ({ text, data: JSON.parse(text) }));
    }
    const pyodide = await ready;
    const source = msg.page ? await pages[msg.page] : null;
    if (msg.type === "init") {
      mark("page_data_s");
      postMessage({ type: "ready", timings });
      return;
    }
    progress("Checking…");
    const check = pyodide.globals.get("_check");
    const started = performance.now();
    const out = check(msg.page, msg.text, msg.eq, source.text, msg.seconds || 20);
    check.destroy();
    if (!("first_verdict_s" in timings)) {
      mark("first_verdict_s");
      Object.assign(timings, JSON.parse(pyodide.runPython("_timings()")));
    }
    const equation = source.data.equations.find((e) => e.id === msg.eq) || { cases: [] };
    postMessage({ type: "verdict", id: msg.id, verdict: JSON.parse(out), ms: performance.now() - started,
                  // the words of a verdict that are math (a case's values, the sizes), to be typeset
                  math: equation.cases.map((c) => c.label).concat(equation.sizes ? [equation.sizes] : []),
                  fallback: JSON.parse(pyodide.runPython("_missing()")), timings });
  } catch (error) {
    postMessage({ type: "error", id: msg.id, text: String(error && error.message ? error.message : error) });
  }
};
