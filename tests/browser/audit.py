"""What a reader sees wrong on a page, measured in the browser: formulas that are clipped, covered or
scroll without showing it, and what axe-core (pinned through npm) finds.

Used by the browser tests and, as ``python -m tests.browser.audit``, to print the figures of a built site::

    python -m tests.browser.audit            # formula defects by width, axe violations by rule
"""

from __future__ import annotations

import argparse
import collections
import json

from tests.browser.harness import ROOT, SITE, browser, serve, site_pages, wait_for_math

WIDTHS = [320, 390, 768, 1024, 1440]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Every formula shown on a page, display or inline, on proof pages and in notebooks, measured as laid out.
FORMULA_DEFECTS = """() => {
    const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    const name = el => {
        const eq = el.closest('.equation');
        if (eq) return eq.id;
        const tex = el.querySelector('annotation');
        return (tex ? tex.textContent : el.textContent).trim().slice(0, 60);
    };
    const out = [];
    const y = window.scrollY;
    window.scrollTo(100000, y);
    if (window.scrollX > 0) out.push('the page scrolls sideways (by ' + window.scrollX + ' px)');
    window.scrollTo(0, y);
    const raw = [...document.querySelectorAll('.arithmatex')].filter(a => !a.querySelector('.katex'));
    if (raw.length) out.push(raw.length + ' formulas shown as raw LaTeX, e.g. ' + raw[0].textContent.trim().slice(0, 50));
    for (const d of document.querySelectorAll('.katex-display')) {
        if (!d.getClientRects().length) continue;  // in a closed <details>
        // the box that scrolls: the display itself or the nearest block around it that does not let it overflow
        let box = d;
        const stop = '.equation, article, .jp-Cell, td';
        while (box.parentElement && !box.matches(stop) && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
        const scroller = !box.matches(stop) && getComputedStyle(box).overflowX !== 'visible';
        const wide = scroller && box.scrollWidth > box.clientWidth + 1;
        // an equation or ledger formula is set in a shape that fits: one that scrolls is a defect, keyboard or not
        if (wide && box.matches('.equation-formula, .ledger-formula'))
            out.push(name(d) + ': scrolls at this width (' + box.scrollWidth + ' px in ' + box.clientWidth + ' px)');
        if (!scroller) {  // the typeset formula itself, whose content may run past its block
            const k = d.querySelector(':scope > .katex') || d, c = box.getBoundingClientRect();
            const r = {right: k.getBoundingClientRect().left + Math.max(k.scrollWidth, k.getBoundingClientRect().width)};
            if (r.right > c.right + 1) out.push(name(d) + ': runs out of its column (' + Math.round(r.right - c.right) + ' px)');
        } else if (wide) {
            const style = getComputedStyle(box);
            if (style.overflowX !== 'auto' && style.overflowX !== 'scroll')
                out.push(name(d) + ': clipped (' + box.scrollWidth + ' px in ' + box.clientWidth + ' px, no scrolling)');
            else {
                if (box.tabIndex < 0) out.push(name(d) + ': scrolls but a keyboard cannot reach it');
                // the edge shadows: covers that scroll with the content ("local") over shadows that stay
                if (!(style.backgroundImage.includes('gradient') && style.backgroundAttachment.includes('local')))
                    out.push(name(d) + ': scrolls without showing that it does');
            }
        }
        const eq = d.closest('.equation');
        if (!eq) continue;
        const tag = eq.querySelector('.equation-number');
        const clip = (box && wide ? box : d).getBoundingClientRect();
        for (const base of eq.querySelectorAll('.katex-html .katex-base')) {
            const r = base.getBoundingClientRect();
            if (tag && hit(tag.getBoundingClientRect(), r)) { out.push(eq.id + ': its number is drawn over the formula'); break; }
        }
        const mark = eq.querySelector('.equation-mark');
        const b = d.getBoundingClientRect();
        const shown = {left: Math.max(b.left, clip.left), right: Math.min(b.right, clip.right), top: b.top, bottom: b.bottom};
        if (mark && hit(mark.getBoundingClientRect(), shown)) out.push(eq.id + ': the check mark covers the formula');
        if (tag) {  // the number in full view: inside the page's column and the viewport, never scrolled away
            const t = tag.getBoundingClientRect(), c = eq.getBoundingClientRect();
            if (t.right > c.right + 1 || t.left < c.left - 1 || t.right > document.documentElement.clientWidth + 1)
                out.push(eq.id + ': its number is cut off');
        }
    }
    for (const m of document.querySelectorAll('.katex:not(.katex-display .katex)')) {  // inline formulas
        if (!m.getClientRects().length || m.closest('.katex-display')) continue;
        const r = m.getBoundingClientRect(), v = document.documentElement.clientWidth;
        if (r.right > v + 1 || r.left < -1) out.push(name(m) + ': inline formula runs off the screen');
        // a line break inside a bracket (#29: "(1 -" at the end of a line, "f_{y_i})" on the next): KaTeX's pieces
        // (.katex-base) in order, the brackets open before each; a piece that starts left of the end of the one before is
        // on a new line
        let depth = 0, before = null;
        for (const piece of m.querySelectorAll(':scope > .katex-html > .katex-base')) {
            const at = piece.getBoundingClientRect();
            if (before && at.left < before.right - 1 && depth > 0) { out.push(name(m) + ': inline formula breaks inside a bracket'); break; }
            for (const c of piece.textContent) depth += '(['.includes(c) ? 1 : ')]'.includes(c) ? -1 : 0;
            before = at;
        }
    }
    return out;
}"""


def formula_defects(chromium, base, path, width, scheme="light", javascript=True):
    """Every formula defect of one page at one viewport width, as text."""
    return formula_defects_at(chromium, base, path, [width], scheme, javascript)[width]


def formula_defects_at(chromium, base, path, widths, scheme="light", javascript=True):
    """{width: defects} of one page, loaded once and laid out again at each width (a window resized)."""
    context = chromium.new_context(viewport={"width": widths[0], "height": 900}, color_scheme=scheme,
                                   java_script_enabled=javascript)
    page = context.new_page()
    found = {}
    try:
        page.goto(base + path, wait_until="networkidle")
        if javascript:
            wait_for_math(page)
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            # Material's layout transitions take 250 ms; scroll-boxes.js updates the keyboard stops in a frame
            page.wait_for_timeout(300)
            found[width] = page.evaluate(FORMULA_DEFECTS)
        return found
    finally:
        context.close()


AXE_RUN = """async (rules) => {
    const r = await axe.run(document, rules ? {resultTypes: ['violations'], runOnly: {type: 'rule', values: rules}}
                                            : {resultTypes: ['violations']});
    return r.violations.flatMap(v => v.nodes.map(n => [v.id, n.impact || v.impact, n.target.join(' '),
                                                        (n.failureSummary || '').split('\\n').slice(0, 2).join(' ')]));
}"""


# the rules whose outcome depends on the colour scheme
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def run_axe(page, rules=None):
    """axe-core's serious and critical violations of the open page: [(rule, impact, selector, summary)].

    ``rules``: only these rules (by default every rule axe runs)."""
    page.add_script_tag(path=str(AXE))
    return [tuple(v) for v in page.evaluate(AXE_RUN, rules) if v[1] in ("serious", "critical")]


def axe_violations(chromium, base, path, scheme, width=1280):
    """axe-core's serious and critical violations of one page, loaded afresh."""
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(base + path, wait_until="networkidle")
        wait_for_math(page)
        return run_axe(page)
    finally:
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(SITE))
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()
    from pathlib import Path
    site = Path(args.site)
    pages = site_pages(site)
    figures = {"defects_by_width": {}, "nojs_raw_pages": [], "axe_by_rule": {}}
    with serve(site) as base, browser() as chromium:
        for width in WIDTHS:
            found = {p or "home": formula_defects(chromium, base, p, width) for p in pages}
            found = {p: d for p, d in found.items() if d}
            figures["defects_by_width"][width] = found
            print(f"{width:>5} px: {sum(map(len, found.values()))} formula defects",
                  {p: len(d) for p, d in found.items()})
        for p in pages:
            d = formula_defects(chromium, base, p, 1280, javascript=False)
            if any("raw LaTeX" in x for x in d):
                figures["nojs_raw_pages"].append(p or "home")
        print("without JavaScript, raw LaTeX on:", figures["nojs_raw_pages"])
        for scheme in ("light", "dark"):
            rules = collections.Counter()
            for p in pages:
                for rule, impact, selector, _ in axe_violations(chromium, base, p, scheme):
                    rules[f"{rule} ({impact})"] += 1
            figures["axe_by_rule"][scheme] = dict(rules.most_common())
            print(f"axe, {scheme}: {sum(rules.values())} serious/critical", dict(rules.most_common()))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()


# Every element that holds text of its own (not only whitespace), laid out: what CSS.getPlatformFontsForNode asks
# about. Not KaTeX's MathML, which is clipped to nothing on the screen and in print (it is there for screen readers).
MARK_TEXT = """() => {
  let n = 0;
  for (const e of document.querySelectorAll("body *")) {
    if (!e.getClientRects().length || e.closest(".katex-mathml")) continue;
    if ([...e.childNodes].some((c) => c.nodeType === 3 && c.data.trim())) e.setAttribute("data-font-probe", n++);
  }
  return n;
}"""
UNMARK_TEXT = "() => document.querySelectorAll('[data-font-probe]').forEach((e) => e.removeAttribute('data-font-probe'))"


def fonts_used(page):
    """{(family, whether a web font of the page, PostScript name): an element's text set in it}: the fonts Chromium
    drew the page's text with, fallbacks for single characters included (DevTools protocol, CSS domain)."""
    page.evaluate(MARK_TEXT)
    client = page.context.new_cdp_session(page)
    try:
        client.send("DOM.enable")
        client.send("CSS.enable")
        root = client.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        nodes = client.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-font-probe]"})["nodeIds"]
        used = {}
        for node in nodes:
            for font in client.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                key = (font["familyName"], font["isCustomFont"], font.get("postScriptName", ""))
                if key not in used:
                    html = client.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
                    used[key] = " ".join(html.split())[:80]
    finally:
        client.detach()
        page.evaluate(UNMARK_TEXT)
    return used


def foreign_fonts(page):
    """The fonts a page's text is drawn in that the project does not ship (a font of the machine), as sentences."""
    from tests.browser.harness import shipped_font

    return [f"text in {family!r} ({'a web font' if web else 'a font of this machine'}, {ps or 'no PostScript name'}), "
            f"e.g. {example}" for (family, web, ps), example in sorted(fonts_used(page).items())
            if not (web and shipped_font(ps or family))]
