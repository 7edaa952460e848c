// "Check your own" (#19): under each identity and gradient a reader can check, a collapsed box where they type
// their own line (LaTeX) and get a verdict: equal (and how), or not equal with a counterexample.
// Nothing is loaded until a box is opened: then KaTeX's script (for the live preview) and one Web Worker
// (reader-worker.js: Pyodide, sympy, mpmath and the checker, all served by this site) shared by every box.
(function () {
  "use strict";
  var LIMIT_MS = 30000; // a check that takes longer is stopped (the worker is ended) and reported as timed out
  // a checker that has not loaded by then is ended and said so (a stalled download must not leave the box waiting
  // for ever); the next Check starts a fresh one. A test may set window.derivationsReaderLoadLimitMs first.
  var LOAD_LIMIT_MS = window.derivationsReaderLoadLimitMs || 180000;
  var base = new URL("../", document.querySelector("script[src$='javascripts/reader.js']").src).href;
  var worker = null, workerReady = null, katexReady = null, pending = {}, counter = 0;
  var progressTargets = new Set();

  function loadKatex() {
    if (!katexReady) {
      katexReady = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + "assets/katex/katex.min.js";
        s.onload = function () { resolve(window.katex); };
        s.onerror = function () { reject(new Error("KaTeX did not load")); };
        document.head.appendChild(s);
      });
    }
    return katexReady;
  }

  function startWorker() {
    if (worker) return workerReady;
    worker = new Worker(base + "javascripts/reader-worker.js", { type: "module" });
    workerReady = new Promise(function (resolve, reject) {
      var loading = setTimeout(function () {
        reject(new Error("it did not load within " + LOAD_LIMIT_MS / 1000 + " s. Press Check to try again."));
      }, LOAD_LIMIT_MS);
      worker.onmessage = function (event) {
        var msg = event.data;
        if (msg.type === "progress") {
          progressTargets.forEach(function (el) { el.textContent = msg.text; });
        } else if (msg.type === "ready") {
          clearTimeout(loading);
          resolve();
        } else if (msg.type === "verdict" || msg.type === "error") {
          if (msg.id === undefined) { clearTimeout(loading); reject(new Error(msg.text)); return; }
          var done = pending[msg.id];
          delete pending[msg.id];
          if (done) done(msg);
        }
      };
      worker.onerror = function (event) { clearTimeout(loading); reject(new Error(event.message || "the checker did not start")); };
    });
    worker.postMessage({ type: "init", base: base });
    return workerReady;
  }

  function stopWorker() {
    if (worker) worker.terminate();
    worker = null;
    workerReady = null;
  }

  function check(page, eq, text, limitMs) {
    var limit = limitMs || LIMIT_MS;
    return startWorker().then(function () {
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

  // a message: words as text (never HTML: it quotes what the reader typed), \( ... \) typeset
  function rich(el, message) {
    el.textContent = "";
    String(message).split(/\\\(|\\\)/).forEach(function (part, n) {
      if (n % 2) { var span = document.createElement("span"); tex(span, part, false); el.appendChild(span); }
      else el.appendChild(document.createTextNode(part));
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
                   "unknown-symbol": "Not in this page's notation", "parse-error": "Could not read your line" };
    out.appendChild(element("p", "reader-status", titles[v.status] || v.status));
    if (v.read) {
      var read = element("p", "reader-read", "Read as: ");
      var span = document.createElement("span");
      tex(span, v.read, false);
      read.appendChild(span);
      out.appendChild(read);
    }
    var message = element("p", "reader-message");
    var words = v.message.replace(/^(not equal|equal): /, ""); // the status says it already
    rich(message, words.charAt(0).toUpperCase() + words.slice(1));
    out.appendChild(message);
    if (v.mistake) {
      var named = element("p", "reader-mistake");
      rich(named, "A known mistake: this is (" + number + ") with " + v.mistake + ".");
      out.appendChild(named);
    }
    var c = v.counterexample;
    if (c) {
      var table = element("table", "reader-counterexample");
      var caption = element("caption", null, "Counterexample (check it by hand): " + c.case + (c.kink ? ", exactly on a kink" : ""));
      table.appendChild(caption);
      var body = document.createElement("tbody");
      function row(label, value, isTex) {
        var tr = document.createElement("tr");
        var th = document.createElement("th");
        th.scope = "row";
        if (isTex) tex(th, label, false); else th.textContent = label;
        var td = document.createElement("td");
        tex(td, value, false);
        tr.appendChild(th); tr.appendChild(td); body.appendChild(tr);
      }
      c.values.forEach(function (pair) { row(pair[0], pair[1], true); });
      (c.derived || []).forEach(function (pair) { row(pair[0], pair[1], true); });
      row("your line" + (c.entry ? " (entry " + c.entry + ")" : ""), c.reader, false);
      row("(" + number + ")" + (c.entry ? " (entry " + c.entry + ")" : ""), c.page, false);
      table.appendChild(body);
      out.appendChild(table);
    }
  }

  function makeBox(equation, n) {
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
    var hint = element("p", "reader-hint", "For example \\sigma(s_1 - s_2) or \\sum_{j \\neq y_i} \\mathbb{1}(s_j - s_{y_i} + 1 > 0)\\, x_i. Ctrl+Enter checks.");
    hint.id = id + "-hint";
    var button = element("button", "md-button md-button--primary reader-button", "Check");
    button.type = "button";
    var preview = element("div", "reader-preview");
    preview.setAttribute("aria-hidden", "true"); // what is typed, typeset; the verdict says how it was read
    var progress = element("p", "reader-progress");
    progress.setAttribute("role", "status");
    var verdict = element("div", "reader-verdict");
    verdict.setAttribute("aria-live", "polite");
    [label, input, hint, preview, button, progress, verdict].forEach(function (el) { body.appendChild(el); });
    box.appendChild(body);

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { tex(preview, input.value || "\\;", true); }, 120);
    });
    function run() {
      var text = input.value.trim();
      if (!text) { input.focus(); return; }
      button.disabled = true;
      progressTargets.add(progress);
      progress.textContent = worker ? "Checking…" : "Loading the checker…";
      var started = performance.now();
      check(page, eq, text).then(function (msg) {
        showVerdict(box, msg, number);
        progress.textContent = "Checked in " + ((performance.now() - started) / 1000).toFixed(1) + " s.";
      }, function (error) {
        showVerdict(box, { type: "error", text: String(error.message || error) }, number);
        progress.textContent = "";
        stopWorker();
      }).then(function () { button.disabled = false; progressTargets.delete(progress); });
    }
    button.addEventListener("click", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
    });
    box.addEventListener("toggle", function () {
      if (!box.open) return;
      loadKatex().then(function () { if (input.value) tex(preview, input.value, true); }, function () {});
      progressTargets.add(progress);
      if (!worker) progress.textContent = "Loading the checker…";
      startWorker().then(function () {
        progressTargets.delete(progress);
        if (progress.textContent.indexOf("Checked") !== 0) progress.textContent = "The checker is ready.";
      }, function (error) { progress.textContent = "The checker did not start: " + error.message; stopWorker(); });
    });
    return box;
  }

  // the same check without a box: the browser tests and benchmarks/bench_reader.py call it
  window.derivationsReader = { check: check };

  document.querySelectorAll(".equation[data-check]").forEach(function (equation, n) {
    equation.insertAdjacentElement("afterend", makeBox(equation, n));
  });
})();
