"""Participation rates as horizontal bars, drawn on the server as SVG: no JavaScript,
role="img" with a title and a description, the overall rate as a dashed line, and the
same figures in the table that always follows it."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from consult.representativeness.report import SMALL, Dimension

WIDTH, LABEL_W, ROW, TOP = 720, 230, 26, 8
BAR_W = WIDTH - LABEL_W - 150


def bar_chart(chart_id: str, dimension: Dimension) -> Markup:
    groups = dimension.groups
    top = dimension.top_rate or 1.0
    height = TOP * 2 + ROW * len(groups) + 22
    overall = dimension.overall_rate
    per = dimension.per
    description = _("Participants pour %(per)s habitants dans chaque groupe ; la ligne "
                    "pointillée est le taux de l’ensemble (%(rate)s). Les chiffres sont dans "
                    "le tableau qui suit.", per=format_decimal(per),
                    rate=format_decimal(overall * per, "#,##0.0"))
    parts = [f'<svg class="c-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(dimension.title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    for i, group in enumerate(groups):
        y = TOP + i * ROW
        label = group.label if len(group.label) <= 32 else group.label[:31] + "…"
        parts.append(f'<text class="c-chart__label" x="{LABEL_W - 8}" y="{y + 17}" '
                     f'text-anchor="end">{escape(label)}</text>')
        if group.suppressed:
            value = _("moins de %(n)s participants", n=SMALL)
        else:
            width = BAR_W * group.rate / top
            missing = group in dimension.missing
            css = " c-chart__bar--missing" if missing else ""
            parts.append(f'<rect class="c-chart__bar{css}" x="{LABEL_W}" y="{y + 5}" '
                         f'width="{width:.1f}" height="{ROW - 10}"/>')
            value = format_decimal(group.rate * per, "#,##0.0")
            if missing:
                value = _("%(rate)s — manque", rate=value)
            x_text = LABEL_W + width + 6
            parts.append(f'<text class="c-chart__label" x="{x_text:.1f}" y="{y + 17}">'
                         f'{escape(value)}</text>')
            continue
        parts.append(f'<text class="c-chart__label" x="{LABEL_W + 4}" y="{y + 17}">'
                     f'{escape(value)}</text>')
    x_overall = LABEL_W + BAR_W * overall / top
    bottom = TOP + ROW * len(groups)
    parts.append(f'<line class="c-chart__line c-series-3" x1="{x_overall:.1f}" '
                 f'x2="{x_overall:.1f}" y1="{TOP}" y2="{bottom}" stroke-dasharray="4 4"/>')
    parts.append(f'<text class="c-chart__label" x="{x_overall:.1f}" y="{bottom + 16}" '
                 f'text-anchor="middle">{escape(_("ensemble"))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # every text above is escaped  # noqa: S704  # nosec B704
