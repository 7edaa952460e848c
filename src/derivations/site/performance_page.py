"""The Performance page: the table and plot of the latest `make bench` run (benchmarks/results.json)."""

from __future__ import annotations

import html
import json
from pathlib import Path

__all__ = ["render_performance"]

BAR_COLOURS = {"naive loops": "#9e9e9e", "PyTorch (CPU)": "#ef6c00", "this package": "#3949ab",
               "bound: X W and (G^T X)^T": "#43a047"}


def _ms(seconds):
    return f"{1e3 * seconds:,.2f}"


def _ratio(a, b):
    return f"{a / b:.2f}" if a and b else "–"


def render_performance(path):
    """HTML for ``[[performance]]``, from the JSON that benchmarks/bench_losses.py writes."""
    path = Path(path)
    if not path.is_file():
        return "<p><strong>No benchmark has been recorded yet.</strong> Run <code>make bench</code>.</p>"
    data = json.loads(path.read_text(encoding="utf-8"))
    m = data["machine"]
    out = [
        f'<p>Recorded {html.escape(data["recorded"])} with <code>{html.escape(data["command"])}</code> on '
        f'{html.escape(str(m.get("cpu")))}, {m.get("cores")} cores; Python {m.get("python")}, NumPy {m.get("numpy")} '
        f'({html.escape(", ".join(m.get("blas") or ["BLAS unknown"]))}); '
        f'PyTorch {html.escape(str(m.get("torch") or "not installed"))}.</p>',
    ]
    # two tables of at most nine columns, which fit the text column at 1440 px (#29: one of thirteen ran 1149 px in
    # 720, its right half cut): the times, then the same runs against their bounds, with their memory
    key = ("loss", "N", "dtype", "vectorized (ms)")
    times, bounds = [], []
    for r in data["rows"]:
        matmul, read = r["bound X W and (G^T X)^T_s"], r["bound read X once_s"]
        run = f'<td>{r["loss"]}</td><td>{r["N"]:,}</td><td>{r["dtype"]}</td><td>{_ms(r["vectorized_s"])}</td>'
        times.append(
            f'<tr>{run}<td>{_ms(r["naive_s"]) if "naive_s" in r else "–"}</td>'
            f'<td>{_ratio(r.get("naive_s"), r["vectorized_s"])}</td>'
            f'<td>{_ms(r["torch_s"]) if "torch_s" in r else "–"}</td>'
            f'<td>{_ratio(r["vectorized_s"], r.get("torch_s"))}</td></tr>')
        bounds.append(
            f'<tr>{run}<td>{_ms(matmul)}</td><td>{_ratio(r["vectorized_s"], matmul)}</td><td>{_ms(read)}</td>'
            f'<td>{r["peak_extra_bytes"] / 2**20:,.2f} MiB</td><td>{r["X_bytes"] / 2**20:,.0f} MiB</td></tr>')
    for columns, rows in (
            (key + ("naive (ms)", "naive / vectorized", "PyTorch (ms)", "vectorized / PyTorch"), times),
            (key + ("matmul bound (ms)", "vectorized / matmul bound", "read-X bound (ms)", "peak extra memory",
                    "X itself"), bounds)):
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        out.append(f'<div class="compact-table"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
                   "</tbody></table></div>")
    out.append(_plot(data["rows"]))
    return "\n".join(out)


def _plot(rows):
    """A horizontal bar chart (SVG, log scale) of the times of each configuration."""
    import math

    series = []
    for r in rows:
        bars = [("this package", r["vectorized_s"]), ("bound: X W and (G^T X)^T", r["bound X W and (G^T X)^T_s"])]
        if "torch_s" in r:
            bars.insert(1, ("PyTorch (CPU)", r["torch_s"]))
        if "naive_s" in r:
            bars.append(("naive loops", r["naive_s"]))
        series.append((f'{r["loss"]}, N={r["N"]:,}, {r["dtype"]}', bars))
    lo = min(t for _, bars in series for _, t in bars)
    hi = max(t for _, bars in series for _, t in bars)
    lo_exp, hi_exp = math.floor(math.log10(lo * 1e3)), math.ceil(math.log10(hi * 1e3))
    left, width, bar, gap = 200, 520, 10, 10
    height = sum(len(b) * bar + gap for _, b in series) + 60

    def x(seconds):
        return left + width * (math.log10(seconds * 1e3) - lo_exp) / max(1, hi_exp - lo_exp)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 20} {height}" '
             f'role="img" aria-label="benchmark times" font-family="sans-serif" font-size="12" '
             f'style="width: 100%; height: auto">',
             '<rect width="100%" height="100%" fill="#ffffff"/>']
    y = 10
    for label, bars in series:
        parts.append(f'<text x="{left - 6}" y="{y + len(bars) * bar / 2 + 4}" text-anchor="end" fill="#212121">'
                     f'{html.escape(label)}</text>')
        for name, seconds in bars:
            parts.append(f'<rect x="{left}" y="{y}" width="{max(1.0, x(seconds) - left):.1f}" height="{bar - 1}" '
                         f'fill="{BAR_COLOURS[name]}"><title>{html.escape(name)}: {_ms(seconds)} ms</title></rect>')
            y += bar
        y += gap
    for e in range(lo_exp, hi_exp + 1):
        xe = x(10 ** e / 1e3)
        parts.append(f'<line x1="{xe:.1f}" y1="5" x2="{xe:.1f}" y2="{y}" stroke="#bdbdbd" stroke-width="0.5"/>')
        parts.append(f'<text x="{xe:.1f}" y="{y + 14}" text-anchor="middle" fill="#212121">{10 ** e:g} ms</text>')
    lx = left
    for name, colour in BAR_COLOURS.items():
        parts.append(f'<rect x="{lx}" y="{y + 24}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="{y + 33}" fill="#212121">{html.escape(name)}</text>')
        lx += 14 + 7 * len(name) + 16
    parts.append("</svg>")
    return f'<figure class="performance-plot">{"".join(parts)}<figcaption>Time of one call with its gradient, log scale (median of repeated runs).</figcaption></figure>'
