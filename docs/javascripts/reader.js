// "Check your own" (#19): under each identity and gradient a reader can check, a collapsed box where they type
// their own line (LaTeX) and get a verdict: equal (and how), or not equal with a counterexample.
// Nothing is loaded until the reader presses Check (the button says how much, measured by the build): then one Web
// Worker (reader-worker.js: Pyodide, sympy, mpmath and the checker, all served by this site) shared by every box,
// which keeps what it loads in Cache Storage for the next pages, and KaTeX's script (the preview and the verdicts).
(function () {
  "use strict";
  var LIMIT_MS = 30000; // a check that takes longer is stopped (the worker is ended) and reported as timed out
  // a checker that has not loaded by then is ended and said so (a stalled download must not leave the box waiting
  // for ever); the next Check starts a fresh one. A test may set window.derivationsReaderLoadLimitMs first.
  var LOAD_LIMIT_MS = window.derivationsReaderLoadLimitMs || 180000;
  var base = new URL("../", document.querySelector("script[src$='javascripts/reader.js']").src).href;
  var worker = null, workerReady = null, katexReady = null, pending = {}, counter = 0;
  var progressTargets = new Set();
  var first = document.querySelector(".equation[data-reader-version]");
  var version = first ? first.getAttribute("data-reader-version") : "";
  var downloadBytes = first ? Number(first.getAttribute("data-download")) : 0;
  var cacheName = "derivations-reader-" + version;
  var keyboard = window.matchMedia && window.matchMedia("(hover: hover) and (pointer: fine)").matches;
  var katexWaiting = [];

  function megabytes(n) { return (n / 1e6).toFixed(1) + " MB"; }

  // whether this build's checker is in the browser's cache already (a look, not a download)
  var cachedAlready = (window.caches ? window.caches.has(cacheName) : Promise.resolve(false)).catch(function () { return false; });

  function loadKatex() {
    // KaTeX's script comes from the worker's cache (the page's own math was typeset when the site was built)
    if (!katexReady) {
      katexReady = new Promise(function (resolve, reject) {
        katexWaiting.push({ resolve: resolve, reject: reject });
        workerMade.then(function (w) { w.postMessage({ type: "katex", base: base, version: version }); });
      });
    }
    return katexReady;
  }

  function katexArrived(msg) {
    if (msg.type === "katex-error") {
      katexReady = null;
      katexWaiting.splice(0).forEach(function (w) { w.reject(new Error(msg.text)); });
      return;
    }
    var url = URL.createObjectURL(new Blob([msg.text], { type: "text/javascript" }));
    var s = document.createElement("script");
    s.src = url;
    s.onload = function () {
      URL.revokeObjectURL(url);
      katexWaiting.splice(0).forEach(function (w) { w.resolve(window.katex); });
      document.querySelectorAll("details.reader-check").forEach(function (box) { box.dispatchEvent(new Event("katex")); });
    };
    s.onerror = function () { katexReady = null; katexWaiting.splice(0).forEach(function (w) { w.reject(new Error("KaTeX did not load")); }); };
    document.head.appendChild(s);
  }

  function workerScript() {
    // the worker's own script from this build's cache when a page checked before (so that it starts offline)
    var url = base + "javascripts/reader-worker.js";
    if (!window.caches) return Promise.resolve(url);
    return window.caches.match(url, { cacheName: cacheName }).then(function (response) {
      if (!response) return url;
      return response.text().then(function (text) { return URL.createObjectURL(new Blob([text], { type: "text/javascript" })); });
    }).catch(function () { return url; });
  }

  var workerMade = null;

  function startWorker() {
    if (workerReady) return workerReady;
    workerMade = workerScript().then(function (url) {
      worker = new Worker(url, { type: "module" });
      return worker;
    });
    workerReady = workerMade.then(function (w) {
      return new Promise(function (resolve, reject) {
        var loading = setTimeout(function () {
          reject(new Error("it did not load within " + LOAD_LIMIT_MS / 1000 + " s. Press Check to try again."));
        }, LOAD_LIMIT_MS);
        w.onmessage = function (event) {
          var msg = event.data;
          if (msg.type === "progress") {
            progressTargets.forEach(function (el) { el.textContent = msg.text; });
          } else if (msg.type === "katex" || msg.type === "katex-error") {
            katexArrived(msg);
          } else if (msg.type === "ready") {
            window.derivationsReader.timings = msg.timings;
            document.querySelectorAll(".reader-button").forEach(function (b) { b.textContent = "Check"; });
            clearTimeout(loading);
            resolve();
          } else if (msg.type === "verdict" || msg.type === "error") {
            if (msg.timings) window.derivationsReader.timings = msg.timings; // the first verdict's too
            if (msg.id === undefined) { clearTimeout(loading); reject(new Error(msg.text)); return; }
            var done = pending[msg.id];
            delete pending[msg.id];
            if (done) done(msg);
          }
        };
        w.onerror = function (event) { clearTimeout(loading); reject(new Error(event.message || "the checker did not start")); };
        w.postMessage({ type: "init", base: base, version: version, page: firstPage });
      });
    });
    return workerReady;
  }

  var firstPage = first ? first.getAttribute("data-check") : null;

  function stopWorker() {
    if (worker) worker.terminate();
    worker = null;
    workerReady = null;
    workerMade = null;
    if (katexReady && !window.katex) { katexReady = null; katexWaiting.splice(0); }
  }

  function check(page, eq, text, limitMs) {
    var limit = limitMs || LIMIT_MS;
    var started = startWorker();
    loadKatex().catch(function () {}); // meanwhile: the verdict is typeset
    return started.then(function () {
      var id = ++counter;
      return new Promise(function (resolve) {
        var timer = setTimeout(function () {
          delete pending[id];
          stopWorker(); // the only way to stop Python mid-computation; the next check starts a fresh one
          resolve({ type: "verdict", verdict: { status: "undecided", timed_out: true,
            message: "timed out: the check took longer than " + limit / 1000 + " s and was stopped; nothing is said of your line" } });
        }, limit);
        pending[id] = function (msg) { clearTimeout(timer); resolve(msg); };
        worker.postMessage({ type: "check", id: id, page: page, eq: eq, text: text, base: base, seconds: 20 });
      });
    });
  }

  function tex(el, source, display) {
    if (!window.katex) { el.textContent = source; return; }
    window.katex.render(source, el, { throwOnError: false, displayMode: !!display, output: "htmlAndMathml" });
  }

  // math in a verdict's words: a list of values ("i = 1, y_1 = 1", "u = 3/2"), a name with an index (y_i), and a
  // piece of the reader's line the checker quotes (“\mathbb” or '\\mathbb'): each typeset, never shown as source
  var VALUE = "[A-Za-z](?:_\\{?[A-Za-z0-9,]+\\}?)?\\s*=\\s*-?\\d+(?:/\\d+)?";
  var MATH = new RegExp("(" + VALUE + "(?:,\\s*" + VALUE + ")*|\\b[A-Za-z]_\\{?[A-Za-z0-9]+\\}?)" +
                        "|“([^”]+)”|'(\\\\[^'\\s]*)'", "g");

  function quoted(el, source) {
    var span = document.createElement("span");
    span.className = "reader-piece";
    if (window.katex) {
      try {
        window.katex.render(source, span, { throwOnError: true, displayMode: false, output: "htmlAndMathml" });
        el.appendChild(span);
        return;
      } catch (e) { /* not TeX on its own (half a command): shown as typed, in code */ }
    }
    var code = document.createElement("code");
    code.textContent = source;
    el.appendChild(code);
  }

  function words(el, text) {
    var last = 0;
    text.replace(MATH, function (match, math, curly, single, offset) {
      el.appendChild(document.createTextNode(text.slice(last, offset)));
      if (math) { var span = document.createElement("span"); tex(span, math.replace(/\s*=\s*/g, " = "), false); el.appendChild(span); }
      else if (curly !== undefined) quoted(el, curly);
      else quoted(el, single.replace(/\\\\/g, "\\")); // a Python repr's doubled backslash
      last = offset + match.length;
      return match;
    });
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  // a message: words as text (never HTML: it quotes what the reader typed), \( ... \), $ ... $ and math in words
  // typeset
  function rich(el, message) {
    el.textContent = "";
    String(message).split(/\\\(|\\\)|\$/).forEach(function (part, n) {  // \( ... \) or $ ... $
      if (n % 2) { var span = document.createElement("span"); tex(span, part, false); el.appendChild(span); }
      else words(el, part);
    });
  }

  function element(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text) el.textContent = text;
    return el;
  }

  function showVerdict(box, msg, number) {
    var out = box.querySelector(".reader-verdict");
    out.textContent = "";
    out.removeAttribute("data-status");
    if (msg.type === "error") {
      out.setAttribute("data-status", "undecided");
      out.appendChild(element("p", "reader-status", "The checker stopped: " + msg.text));
      return;
    }
    var v = msg.verdict;
    out.setAttribute("data-status", v.status);
    var titles = { "equal": "Equal", "not-equal": "Not equal", "undecided": "Cannot decide",
                   "unknown-symbol": "Not in this page's notation", "parse-error": "Could not read your line",
                   "subgradient": "A subgradient: equal off the kink, and a valid choice on it" };
    out.appendChild(element("p", "reader-status", v.title || titles[v.status] || v.status));
    if (v.read) {
      var read = element("p", "reader-read", "Read as: ");
      var span = document.createElement("span");
      tex(span, v.read, false);
      read.appendChild(span);
      out.appendChild(read);
    }
    var message = element("p", "reader-message");
    var said = v.message.replace(/^(not equal|equal): /, ""); // the status says it already
    rich(message, said.charAt(0).toUpperCase() + said.slice(1));
    out.appendChild(message);
    if ((v.status === "parse-error" || v.status === "unknown-symbol") && v.token) {
      // the piece refused, typeset as it would print (in code when it is not TeX on its own)
      var piece = element("p", "reader-token", "The piece: ");
      quoted(piece, v.token);
      out.appendChild(piece);
    }
    if (v.mistake) {
      var named = element("p", "reader-mistake");
      rich(named, "A known mistake: this is (" + number + ") with " + v.mistake + ".");
      out.appendChild(named);
    }
    var c = v.counterexample;
    if (c) {
      var table = element("table", "reader-counterexample");
      var caption = element("caption");
      // a valid subgradient's point on the kink is where the two choices part, not a counterexample
      var head = v.status === "subgradient" ? "Where the two choices differ (check it by hand): "
        : "Counterexample (check it by hand): ";
      // a case without sizes or indices is labelled "every value": the point itself says where
      var where = [c.case === "the point shown" ? "" : c.case, c.kink ? "exactly on a kink" : ""].filter(Boolean);
      rich(caption, head + (where.join(", ") || "at this point"));
      table.appendChild(caption);
      var body = document.createElement("tbody");
      var row = function (label, value, isTex) {
        var tr = document.createElement("tr");
        var th = document.createElement("th");
        th.scope = "row";
        if (isTex) tex(th, label, false); else th.textContent = label;
        var td = document.createElement("td");
        tex(td, value, false);
        tr.appendChild(th); tr.appendChild(td); body.appendChild(tr);
      };
      c.values.forEach(function (pair) { row(pair[0], pair[1], true); });
      (c.derived || []).forEach(function (pair) { row(pair[0], pair[1], true); });
      row("your line" + (c.entry ? " (entry " + c.entry + ")" : ""), c.reader, false);
      row("(" + number + ")" + (c.entry ? " (entry " + c.entry + ")" : ""), c.page, false);
      table.appendChild(body);
      out.appendChild(table);
    }
  }

  function makeBox(equation) {
    var eq = equation.getAttribute("data-equation");
    var page = equation.getAttribute("data-check");
    var number = (equation.querySelector(".equation-number") || {}).textContent || "";
    number = number.replace(/^\(|\)$/g, "");
    var id = "reader-" + eq;
    var box = element("details", "reader-check");
    box.setAttribute("data-equation", eq);
    var summary = element("summary", null, "Check your own line of (" + number + ")");
    box.appendChild(summary);
    var body = element("div", "reader-body");
    var label = element("label", null, "Your right side, or a whole step left = right, in LaTeX");
    label.htmlFor = id;
    var input = element("textarea", "reader-input");
    input.id = id;
    input.rows = 2;
    input.spellcheck = false;
    input.setAttribute("autocapitalize", "off");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-describedby", id + "-hint");
    // this equation's own example: its right side as printed, or a correct rewriting (never a known mistake)
    var hint = element("p", "reader-hint", "For example: ");
    hint.id = id + "-hint";
    var example = element("code", "reader-example", equation.getAttribute("data-hint") || "");
    hint.appendChild(example);
    if (keyboard) hint.appendChild(document.createTextNode(" " + (/Mac|iP/.test(navigator.platform) ? "⌘" : "Ctrl") + "+Enter checks."));
    var button = element("button", "md-button md-button--primary reader-button", "Check");
    button.type = "button";
    cachedAlready.then(function (cached) {
      // what the first Check downloads, as the build measured it; nothing once the checker is in the cache
      if (!cached && !worker && downloadBytes) button.textContent = "Check (downloads " + megabytes(downloadBytes) + ", once)";
    });
    var preview = element("div", "reader-preview");
    preview.setAttribute("aria-hidden", "true"); // what is typed, typeset; the verdict says how it was read
    var progress = element("p", "reader-progress");
    progress.setAttribute("role", "status");
    var verdict = element("div", "reader-verdict");
    verdict.setAttribute("aria-live", "polite");
    [label, input, hint, button, progress, preview, verdict].forEach(function (el) { body.appendChild(el); });
    box.appendChild(body);

    var timer = null;
    function showPreview() { if (window.katex) tex(preview, input.value || "\\;", true); }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(showPreview, 120);
    });
    box.addEventListener("katex", showPreview);
    function run() {
      var text = input.value.trim();
      if (!text) { input.focus(); return; }
      button.disabled = true;
      progressTargets.add(progress);
      progress.textContent = worker ? "Checking…" : "Loading the checker…";
      var started = performance.now();
      check(page, eq, text).then(function (msg) {
        return (msg.type === "verdict" ? loadKatex() : Promise.resolve()).then(function () { return msg; }, function () { return msg; });
      }).then(function (msg) {
        showVerdict(box, msg, number);
        showPreview();
        var v = msg.verdict || {};
        if (v.status === "parse-error" && typeof v.position === "number") { // the refused characters, selected
          input.focus();
          input.setSelectionRange(v.position, Math.min(text.length, v.position + Math.max(1, (v.token || "").length)));
        }
        progress.textContent = "Checked in " + ((performance.now() - started) / 1000).toFixed(1) + " s.";
      }, function (error) {
        showVerdict(box, { type: "error", text: String(error.message || error) }, number);
        progress.textContent = "";
        stopWorker();
      }).then(function () { button.disabled = false; progressTargets.delete(progress); });
    }
    button.addEventListener("click", run);
    input.addEventListener("keydown", function (event) {
      // a keyboard's shortcut; the button is what a phone has
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
    });
    return box;
  }

  // the same check without a box: the browser tests and benchmarks/bench_reader.py call it
  window.derivationsReader = { check: check };

  document.querySelectorAll(".equation[data-check]").forEach(function (equation) {
    equation.insertAdjacentElement("afterend", makeBox(equation));
  });
})();
