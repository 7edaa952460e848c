// Typesets every formula with the KaTeX that the site serves itself.
// Markdown pages: pymdownx.arithmatex (generic) wraps math in .arithmatex as \( \) or \[ \].
// Notebook pages: mkdocs-jupyter leaves $ $ and $$ $$ in the markdown cells; they get the
// same engine and the same options through auto-render.
(function () {
  "use strict";
  var OPTIONS = { throwOnError: true, strict: "error", trust: false, macros: {} };

  function fail(el, tex, err) {
    el.classList.add("math-error");
    el.setAttribute("data-math", "error");
    el.textContent = tex;
    console.error("KaTeX could not typeset " + JSON.stringify(tex) + ": " + err.message);
  }

  function typesetArithmatex(el) {
    if (el.hasAttribute("data-math")) return;
    var display = el.tagName === "DIV";
    var tex = el.textContent.trim();
    tex = display ? tex.replace(/^\\\[/, "").replace(/\\\]$/, "") : tex.replace(/^\\\(/, "").replace(/\\\)$/, "");
    try {
      katex.render(tex, el, Object.assign({ displayMode: display }, OPTIONS));
      el.setAttribute("data-math", "ok");
    } catch (err) {
      fail(el, tex, err);
    }
  }

  function typesetNotebookCell(el) {
    if (el.hasAttribute("data-math")) return;
    var failed = false;
    renderMathInElement(el, Object.assign({
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true }
      ],
      errorCallback: function (msg, err) {
        failed = true;
        console.error("KaTeX could not typeset a notebook formula: " + msg + " " + (err && err.message));
      }
    }, OPTIONS));
    el.setAttribute("data-math", failed ? "error" : "ok");
  }

  function typeset(root) {
    document.documentElement.setAttribute("data-math-start", String(performance.now()));
    root.querySelectorAll(".arithmatex").forEach(typesetArithmatex);
    root.querySelectorAll(".jp-RenderedMarkdown").forEach(typesetNotebookCell);
    document.documentElement.setAttribute("data-math-typeset", String(performance.now()));
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { typeset(document.body); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { typeset(document.body); });
  }
})();
