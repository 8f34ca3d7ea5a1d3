"""Charts of the statistics dashboard, drawn on the server as SVG by pygal.

Everything about pygal stays in this module behind ``chart_svg``. The SVG carries no script
(``js=[]``); its styles are inside the SVG document, which a page shows as an ``<img>``, so
the page's own policy (no inline style) is untouched.
"""

import unicodedata
from decimal import Decimal

import pygal
from pygal.etree import etree
from pygal.style import Style

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
COLOURS = ("#1d3557", "#2a9d8f", "#e76f51", "#e9c46a", "#8ab17d", "#6d597a", "#457b9d")

STYLE = Style(
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    tooltip_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    no_data_font_family=FONT,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1b1b",
    foreground_strong="#1b1b1b",
    foreground_subtle="#8a8a8a",
    colors=COLOURS,
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=12,
    tooltip_font_size=12,
    no_data_font_size=18,
)

KINDS = {
    "line": pygal.Line,
    "hbar": pygal.HorizontalBar,
    "bar": pygal.Bar,
    "donut": pygal.Pie,
}


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    if isinstance(value, int | float):
        return f"{int(value):,}"
    return str(value)


def chart_svg(
    kind: str,
    title: str,
    labels: list[str],
    series: list[tuple[str, list]],
    *,
    no_data: str = "",
) -> str:
    """An SVG document: ``kind`` is line, hbar, bar or donut; ``series`` are (name, values),
    one value per label (for a donut: each series is one slice with one value)."""
    if kind == "hbar":  # pygal draws the first label at the bottom; read top-down as the table
        labels = labels[::-1]
        series = [(name, list(values)[::-1]) for name, values in series]
    tall = kind == "hbar" and len(labels) > 6
    config = {
        "title": title,
        "style": STYLE,
        "js": [],
        "width": 800,
        "height": 300 + 34 * len(labels) if tall else 400,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": min(len(series), 4) or 1,
        "truncate_legend": 40,
        "truncate_label": 30,
        "show_minor_x_labels": True,
        "value_formatter": _number,
        "no_data_text": no_data,
        "explicit_size": True,
        "margin": 16,
        "print_values": kind in ("donut", "hbar"),
        "print_zeroes": False,
    }
    if kind == "hbar" and labels:
        # pygal sizes a label at 0.6 em a character; a Chinese character is a whole em, so
        # the labels on the left would be cut without the difference added to the margin.
        wide = max(_wide_characters(label[:30]) for label in labels)
        config["margin_left"] = 16 + round(0.4 * STYLE.label_font_size * wide)
    if kind == "donut":
        config.update(inner_radius=0.55, print_values=True)
    if kind == "line":
        config.update(
            dots_size=4, show_y_guides=True, x_label_rotation=0 if len(labels) <= 6 else 30
        )
    if kind == "bar":
        config.update(x_label_rotation=0 if len(labels) <= 6 else 30)
    values = [v for _name, vs in series for v in vs]
    if kind != "donut" and values and all(isinstance(v, int) for v in values):
        top = max(values)
        if top <= 10:  # whole person-times: no 0.2 ticks on a small count
            config["y_labels"] = list(range(0, max(top, 1) + 1))
    chart = KINDS[kind](**config)
    if kind != "donut":
        chart.x_labels = labels
    for name, values in series:
        chart.add(name, [float(v) if isinstance(v, Decimal) else v for v in values])
    return _without_scripts(chart.render_tree())


def _wide_characters(text: str) -> int:
    return sum(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)


def _without_scripts(tree) -> str:
    """pygal always writes its tooltip configuration as an inline script, even with
    ``js=[]``; an image never runs scripts, and the SVG's own policy forbids them, but the
    document is cleaner and smaller without."""
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    text = etree.tostring(tree, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + text
