// Renders TeX with the project's pinned KaTeX, for the site build (one process per build).
// Protocol: one JSON array per input line, [[tex, displayMode], ...]; one JSON array per output line,
// [{html} | {error}, ...] in the same order. Usage: node katex_render.js <path of the katex package>
"use strict";
const katex = require(process.argv[2]);
const readline = require("readline");

const OPTIONS = { throwOnError: true, strict: "error", trust: false, output: "htmlAndMathml" };

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const replies = JSON.parse(line).map(([tex, display]) => {
    try {
      return { html: katex.renderToString(tex, Object.assign({ displayMode: display }, OPTIONS)) };
    } catch (err) {
      return { error: String(err.message || err) };
    }
  });
  process.stdout.write(JSON.stringify(replies) + "\n");
});
