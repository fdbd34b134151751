"""Geometry of the small server-drawn SVG charts (no chart library on the page: the
portal runs on closed networks and a bar chart is a few rectangles)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    flagged: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    bars: list[Bar]
    top_value: int
    first_label: str
    last_label: str


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 times a power of ten at or above ``value``."""
    if value <= 1:
        return 1
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if step * multiple >= value:
                return step * multiple
        step *= 10


def bar_chart(
    points: list[tuple[str, int, bool]],
    *,
    width: int = 1000,
    height: int = 100,
    plot_left: int = 0,
    plot_bottom: int = 0,
) -> BarChart:
    """Bars for ``points`` (label, value, flagged), scaled to a round top value, in a
    viewBox of ``width`` x ``height`` that the page stretches to its size."""
    top = _nice_ceiling(max((value for _label, value, _flag in points), default=0))
    plot_width = width - plot_left
    plot_height = height - plot_bottom
    slot = plot_width / max(len(points), 1)
    gap = min(2.0, slot * 0.2)
    bars = []
    for index, (label, value, flagged) in enumerate(points):
        bar_height = plot_height * value / top
        bars.append(
            Bar(
                x=round(plot_left + index * slot + gap / 2, 2),
                y=round(height - plot_bottom - bar_height, 2),
                width=round(slot - gap, 2),
                height=round(bar_height, 2),
                value=value,
                label=label,
                flagged=flagged,
            )
        )
    return BarChart(
        width=width,
        height=height,
        plot_left=plot_left,
        plot_bottom=height - plot_bottom,
        bars=bars,
        top_value=top,
        first_label=points[0][0] if points else "",
        last_label=points[-1][0] if points else "",
    )


@dataclass(frozen=True)
class Segment:
    """A part of a horizontal bar, in percent of the chart's width."""

    x: float
    width: float
    value: int
    css: str


@dataclass(frozen=True)
class HorizontalBar:
    label: str
    segments: list[Segment]
    value_text: str


def horizontal_bars(
    rows: list[tuple[str, list[tuple[int, str]], str]], *, top: int | None = None
) -> list[HorizontalBar]:
    """One bar per row (label, [(value, css class) stacked left to right], value text),
    scaled to ``top`` (e.g. 100 for percentages) or to the round ceiling of the largest
    bar. The page draws each bar in a viewBox 100 wide that stretches to its cell: the
    labels and numbers are text beside it, the same size on a phone and a desktop."""
    largest = max((sum(value for value, _css in parts) for _label, parts, _text in rows), default=0)
    scale = top or _nice_ceiling(largest)
    bars = []
    for label, parts, text in rows:
        segments = []
        offset = 0.0
        for value, css in parts:
            width = round(100 * value / scale, 2)
            segments.append(Segment(x=round(offset, 2), width=width, value=value, css=css))
            offset += width
        bars.append(HorizontalBar(label=label, segments=segments, value_text=text))
    return bars
