"""A line chart drawn on the server as SVG: no JavaScript, readable by screen readers
(role="img" with a title and a description), series told apart by dash pattern and
marker shape as well as colour, and always shown next to its data table."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 720, 280, 48, 36, 16, 16
STYLES = [  # (css class, dash pattern, marker)
    ("c-series-1", "", "circle"), ("c-series-2", "8 4", "square"), ("c-series-3", "2 4", "diamond"),
]


def _marker(kind: str, x: float, y: float, css: str) -> str:
    if kind == "circle":
        return f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>'
    if kind == "square":
        return f'<rect class="{css}" x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7"/>'
    return (f'<path class="{css}" d="M{x:.1f},{y - 4.5:.1f} L{x + 4.5:.1f},{y:.1f} '
            f'L{x:.1f},{y + 4.5:.1f} L{x - 4.5:.1f},{y:.1f} Z"/>')


def line_chart(chart_id: str, title: str, description: str, labels: list[str],
               series: list[tuple[str, list[int]]]) -> Markup:
    top = max([max(values, default=0) for _, values in series] + [1])
    steps = len(labels) - 1 or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + plot_w * i / steps

    def y(v: int) -> float:
        return TOP + plot_h * (1 - v / top)

    parts = [f'<svg class="c-chart" viewBox="0 0 {WIDTH} {HEIGHT + 28}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    for fraction in (0, 0.5, 1):
        value = round(top * fraction)
        parts.append(f'<line class="c-chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                     f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>')
        parts.append(f'<text class="c-chart__label" x="{LEFT - 6}" y="{y(value) + 4:.1f}" '
                     f'text-anchor="end">{value}</text>')
    every = max(1, len(labels) // 6)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(f'<text class="c-chart__label" x="{x(i):.1f}" y="{HEIGHT - 12}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    for (_name, values), (css, dash, marker) in zip(series, STYLES, strict=False):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline class="c-chart__line {css}" points="{points}"{dash_attr}/>')
        parts.extend(_marker(marker, x(i), y(v), css) for i, v in enumerate(values))
    legend_x = LEFT
    for (name, _values), (css, dash, marker) in zip(series, STYLES, strict=False):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line class="c-chart__line {css}" x1="{legend_x}" x2="{legend_x + 28}" '
                     f'y1="{HEIGHT + 14}" y2="{HEIGHT + 14}"{dash_attr}/>')
        parts.append(_marker(marker, legend_x + 14, HEIGHT + 14, css))
        parts.append(f'<text class="c-chart__label" x="{legend_x + 34}" y="{HEIGHT + 18}">'
                     f'{escape(name)}</text>')
        legend_x += 34 + 9 * len(name) + 24
    parts.append("</svg>")
    return Markup("".join(parts))  # every text above is escaped  # noqa: S704  # nosec B704
