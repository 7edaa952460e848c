// The math is typeset when the site is built; this script only manages keyboard stops of boxes that scroll.
// Every displayed equation sits in a box that scrolls when the formula is wider than the column, and the
// build makes each one focusable so that a keyboard can scroll it (pages work without this script). Here,
// equation boxes that do not overflow at the current width leave the tab order, and other boxes that scroll
// sideways (tables wrapped by Material, notebook code and output) join it while they overflow.
(function () {
  "use strict";
  var OTHERS = ".md-typeset__scrollwrap, .jupyter-wrapper .highlight-ipynb, .jupyter-wrapper .jp-OutputArea-output";

  function overflows(box) {
    return box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
  }

  function update() {
    document.querySelectorAll(".equation > .equation-formula, .ledger-table .ledger-formula").forEach(function (box) {
      var scrolls = overflows(box);
      box.setAttribute("tabindex", scrolls ? "0" : "-1");
      box.toggleAttribute("data-overflow", scrolls);
    });
    document.querySelectorAll(OTHERS).forEach(function (box) {
      var style = getComputedStyle(box);
      var scrollable = /auto|scroll/.test(style.overflowX + style.overflowY);
      if (scrollable && overflows(box)) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-box", "");
        if (!box.hasAttribute("role")) {
          box.setAttribute("role", "group");
          box.setAttribute("aria-label", box.matches(".md-typeset__scrollwrap") ? "table, scrolls" :
                           box.matches(".highlight-ipynb") ? "code cell, scrolls" : "cell output, scrolls");
        }
      } else if (box.hasAttribute("data-scroll-box")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-box");
      }
    });
  }

  var pending = null;
  function later() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(update);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(update);
  } else {
    document.addEventListener("DOMContentLoaded", update);
  }
  window.addEventListener("resize", later);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(update);
})();
