"""Figures of the notebooks, each with a text alternative that says what it shows.

Jupyter writes a plot as an image with the placeholder alt text "No description
has been provided for this image", which tells a screen-reader user nothing.
``show(fig, alt)`` displays the figure as a PNG whose alt text is ``alt``.
"""

from __future__ import annotations

import base64
import html
import io

__all__ = ["figure_html", "show"]


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
