// Renders TeX with the project's pinned KaTeX, for the site build (one process per build).
// Protocol: one JSON array per input line, [[tex, displayMode], ...]; one JSON array per output line,
// [{html, width} | {error}, ...] in the same order. Usage: node katex_render.js <path of the katex package>
// width: the formula's width in em of the text around it, from KaTeX's own glyph metrics (within a few per cent of
// what Chromium lays out), so that the page can show, by CSS alone, the shape of an equation that fits.
"use strict";
const katex = require(process.argv[2]);
const readline = require("readline");

const OPTIONS = { throwOnError: true, strict: "error", trust: false, output: "htmlAndMathml" };
const SIZES = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.44, 1.728, 2.074, 2.488];  // KaTeX's size1..size11
const DISPLAY_SCALE = 1.21;  // .katex { font-size: 1.21em }

function em(value) {
  const match = /^(-?[\d.]+)em$/.exec(value || "");
  return match ? parseFloat(match[1]) : 0;
}

const glyphs = {};
function glyphWidth(ch) {  // KaTeX joins neighbouring glyphs into one node and keeps the first one's width only
  if (!(ch in glyphs)) {
    let found = 0.5;
    const walk = (n) => { if (n.text !== undefined && n.width !== undefined) found = n.width; (n.children || []).forEach(walk); };
    try { walk(katex.__renderToHTMLTree("\\mathrm{" + (/[a-zA-Z0-9]/.test(ch) ? ch : "\\" + ch) + "}", {})); } catch (e) { /* a rough width */ }
    glyphs[ch] = found;
  }
  return glyphs[ch];
}

function width(node, scale) {
  if (!node) return 0;
  const classes = node.classes || [];
  let s = scale;
  const reset = classes.find((c) => c.startsWith("reset-size"));
  const size = classes.find((c) => /^size\d+$/.test(c));
  if (reset && size) s = scale * SIZES[+size.slice(4) - 1] / SIZES[+reset.slice(10) - 1];
  const style = node.style || {};
  let w = (em(style.marginLeft) + em(style.marginRight)) * s;
  if (node.text !== undefined && node.width !== undefined) {  // a glyph, or glyphs joined
    const text = node.text.length > 1 ? [...node.text].reduce((a, ch) => a + glyphWidth(ch), 0) : node.width;
    return w + (text + (node.italic || 0)) * s;
  }
  if (classes.includes("nulldelimiter")) return w + 0.12 * s;
  if (style.width) w += em(style.width) * s;
  if (classes.includes("vlist-t")) {  // rows stacked (a fraction, sub- and superscripts, a column): the widest
    let best = 0;
    const walk = (n) => {
      for (const c of n.children || []) {
        if ((c.classes || []).includes("vlist")) for (const row of c.children || []) best = Math.max(best, width(row, s));
        else walk(c);
      }
    };
    walk(node);
    return w + best;
  }
  return w + (node.children || []).reduce((a, c) => a + width(c, s), 0);
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const replies = JSON.parse(line).map(([tex, display]) => {
    try {
      const html = katex.renderToString(tex, Object.assign({ displayMode: display }, OPTIONS));
      const reply = { html };
      if (display) reply.width = width(katex.__renderToHTMLTree(tex, Object.assign({ displayMode: true }, OPTIONS)), DISPLAY_SCALE);
      return reply;
    } catch (err) {
      return { error: String(err.message || err) };
    }
  });
  process.stdout.write(JSON.stringify(replies) + "\n");
});
