// The math is typeset when the site is built; this script only trims keyboard stops.
// Every displayed equation sits in a box that scrolls when the formula is wider than the column,
// and the build makes each box focusable so that a keyboard can scroll it (pages work without this
// script). Here, boxes that do not overflow at the current width leave the tab order, and come back
// when a narrower window makes them scroll.
(function () {
  "use strict";
  function update() {
    document.querySelectorAll(".equation > .arithmatex").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      box.setAttribute("tabindex", scrolls ? "0" : "-1");
      box.toggleAttribute("data-overflow", scrolls);
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
