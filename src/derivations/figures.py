"""Figures and tables of the notebooks, each with a text alternative or header that says what it shows.

Jupyter writes a plot as an image with the placeholder alt text "No description
has been provided for this image", which tells a screen-reader user nothing.
``show(fig, alt)`` displays the figure as a PNG whose alt text is ``alt``.

``show_table(header, rows)`` displays results as an HTML table: printed lines of
results keep their columns only as long as the screen is wide (on a phone the
right-hand columns, the results, scrolled out of view); a table's header cells
wrap onto a second line and its values stay whole.
"""

from __future__ import annotations

import base64
import html
import io

__all__ = ["figure_html", "show", "show_table", "table_html"]


def figure_html(fig, alt):
    """An ``<img>`` of the matplotlib figure ``fig`` (PNG, inline) with ``alt`` as its text alternative.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> figure_html(fig, "A straight line from (0, 0) to (1, 1).")[:60]
    '<img alt="A straight line from (0, 0) to (1, 1)." src="data:'
    >>> figure_html(fig, "plot")
    Traceback (most recent call last):
    ...
    ValueError: alt must say what the figure shows (a sentence of at least 20 characters), got 'plot'
    """
    if not isinstance(alt, str) or len(alt.strip()) < 20:
        raise ValueError(f"alt must say what the figure shows (a sentence of at least 20 characters), got {alt!r}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt.strip())}" src="data:image/png;base64,{data}">'


def show(fig, alt):
    """Display ``fig`` in a notebook with the text alternative ``alt``, and close it."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    markup = figure_html(fig, alt)
    plt.close(fig)
    display(HTML(markup))


def table_html(header, rows, attrs=""):
    """An HTML table of ``rows`` (sequences of cells, as ``header``: one per column), each cell escaped; ``attrs``,
    attributes of the ``<table>`` (``'data-varies="timing"'``).

    >>> table_html(["loss", "error"], [("svm", "1e-08")])
    '<table class="results"><thead><tr><th scope="col">loss</th><th scope="col">error</th></tr></thead><tbody><tr><td>svm</td><td>1e-08</td></tr></tbody></table>'
    >>> table_html(["loss", "error"], [("svm",)])
    Traceback (most recent call last):
    ...
    ValueError: rows must have one cell per column of header (2), got a row of 1: ('svm',)
    """
    header = list(header)
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"rows must have one cell per column of header ({len(header)}), got a row of "
                             f"{len(row)}: {row!r}")
    head = "".join(f'<th scope="col">{html.escape(str(h))}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    attrs = f" {attrs.strip()}" if attrs.strip() else ""
    return f'<table class="results"{attrs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def show_table(header, rows, attrs=""):
    """Display :func:`table_html` of ``header`` and ``rows`` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(table_html(header, rows, attrs)))
