"""Accessible charts, drawn on the server as SVG.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``, with the
figures written beside each bar; the page shows the same figures in a table next to it.
Colours come from presentation attributes (no inline styles, so the content security
policy needs nothing), and bars are labelled in text, never by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 680
LABEL_WIDTH = 250
VALUE_WIDTH = 110
ROW = 30
BAR = 18
TOP = 8
BLUE = "#1d70b8"
DARK = "#0b0c0c"
GREY = "#505a5f"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: nothing to draw (shown as "Not available")
    text: str
    low: float | None = None  # an interval around the value, drawn as a whisker
    high: float | None = None


def _scale(bars: list[Bar], maximum: float | None) -> float:
    values = [b.high if b.high is not None else b.value for b in bars if b.value is not None]
    top = maximum if maximum is not None else max(values, default=0)
    return top if top > 0 else 1


def bar_chart(
    chart_id: str, title: str, description: str, bars: list[Bar], maximum: float | None = None
) -> Markup:
    """A horizontal bar chart (``maximum``: the value of a full-width bar)."""
    scale = _scale(bars, maximum)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + ROW * max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'width="100%" viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 4}" text-anchor="end" '
            f'font-size="14" fill="{DARK}">{escape(bar.label)}</text>'
        )
        end = LABEL_WIDTH
        if bar.value is not None:
            length = max(plot * bar.value / scale, 0)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" '
                f'fill="{BLUE}"/>'
            )
            end = LABEL_WIDTH + length
            if bar.low is not None and bar.high is not None:
                low = LABEL_WIDTH + plot * bar.low / scale
                high = LABEL_WIDTH + plot * bar.high / scale
                middle = y + BAR / 2
                parts.append(
                    f'<path d="M{low:.1f} {middle}H{high:.1f}M{low:.1f} {y + 3}V{y + BAR - 3}'
                    f'M{high:.1f} {y + 3}V{y + BAR - 3}" stroke="{DARK}" stroke-width="2" '
                    'fill="none"/>'
                )
                end = max(end, high)
        parts.append(
            f'<text x="{end + 6:.1f}" y="{y + BAR - 4}" font-size="14" '
            f'fill="{DARK if bar.value is not None else GREY}">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
