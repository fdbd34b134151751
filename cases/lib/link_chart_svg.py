"""A case's link chart drawn server-side as SVG, for the PDF report (no browser there).

The layout is deterministic, so two reports of the same case draw the same picture:
entities sit on concentric rings, the most connected in the middle ring first, each
ring in order of connections then name; relations are straight arrows with their
label at the middle. Enough for a printed overview; the interactive chart stays the
analyst's tool.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH = 720
NODE_R = 16
# Colours of the entity families (those of the interactive chart's legend).
FAMILY_COLOURS = {
    "Person": "#2563eb",
    "Company": "#b45309",
    "Organization": "#b45309",
    "LegalEntity": "#b45309",
    "Vehicle": "#047857",
    "Vessel": "#047857",
    "Address": "#7c3aed",
}
DEFAULT_COLOUR = "#475569"
MAX_LABEL = 28


@dataclass(frozen=True)
class ChartNode:
    id: int
    label: str
    kind: str
    kind_label: str


@dataclass(frozen=True)
class ChartLink:
    source: int
    target: int
    label: str


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _rings(count: int) -> list[int]:
    """How many nodes each ring holds, from the centre out: up to three side by side on
    one ring; more around the most connected one in the middle (8, then 14, 20, ...)."""
    if count <= 0:
        return []
    if count <= 3:
        return [count]
    sizes = [1]
    left = count - 1
    capacity = 8
    while left > 0:
        sizes.append(min(capacity, left))
        left -= sizes[-1]
        capacity += 6
    return sizes


RING_GAP = 140


def chart_layout(
    nodes: Sequence[ChartNode], links: Sequence[ChartLink]
) -> tuple[dict[int, tuple[float, float]], float, float]:
    """Positions of ``nodes`` (centre of each circle) and the picture's width and
    height (the PDF scales a wide picture down to the page)."""
    degree = {node.id: 0 for node in nodes}
    for link in links:
        degree[link.source] = degree.get(link.source, 0) + 1
        degree[link.target] = degree.get(link.target, 0) + 1
    ordered = sorted(nodes, key=lambda node: (-degree.get(node.id, 0), node.label, node.id))
    sizes = _rings(len(ordered))
    centred = bool(sizes) and sizes[0] == 1 and len(sizes) > 1
    outer = RING_GAP * (len(sizes) - 1 if centred else len(sizes))
    width = max(WIDTH, 2 * outer + 240)
    height = max(2 * outer + 100, 160)
    centre = (width / 2, height / 2 - 10)
    positions: dict[int, tuple[float, float]] = {}
    index = 0
    for ring, size in enumerate(sizes):
        # A lone centre node sits at the middle; otherwise the first ring is one gap out.
        radius = RING_GAP * ring if centred else RING_GAP * (ring + 1)
        if size == 1 and not centred:
            radius = 0
        for slot in range(size):
            # Rings turned against each other, so that labels of neighbours do not meet.
            angle = -math.pi / 2 + 2 * math.pi * slot / size + ring * math.pi / (size + 1)
            positions[ordered[index].id] = (
                centre[0] + radius * math.cos(angle),
                centre[1] + radius * math.sin(angle),
            )
            index += 1
    return positions, width, height


def link_chart_svg(nodes: Sequence[ChartNode], links: Sequence[ChartLink]) -> str:
    """The chart of ``nodes`` and ``links`` as an SVG document (text)."""
    positions, width, height = chart_layout(nodes, links)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, sans-serif">',
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='7' "
        "markerHeight='7' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' "
        "fill='#64748b'/></marker></defs>",
    ]
    # Two relations between one pair: their labels stacked, not written over each other.
    pair_seen: dict[frozenset[int], int] = {}
    for link in links:
        if link.source not in positions or link.target not in positions:
            continue
        pair = frozenset((link.source, link.target))
        stacked = pair_seen.get(pair, 0)
        pair_seen[pair] = stacked + 1
        (x1, y1), (x2, y2) = positions[link.source], positions[link.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # Stop at the circles' edges so that the arrow head shows.
        dx, dy = (x2 - x1) / length, (y2 - y1) / length
        sx, sy = x1 + dx * NODE_R, y1 + dy * NODE_R
        ex, ey = x2 - dx * (NODE_R + 2), y2 - dy * (NODE_R + 2)
        parts.append(
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" '
            'stroke="#94a3b8" stroke-width="1.4" marker-end="url(#arrow)"/>'
        )
        label_y = (y1 + y2) / 2 - 4 + 11 * stacked
        parts.append(
            f'<text x="{(x1 + x2) / 2:.1f}" y="{label_y:.1f}" font-size="9" '
            f'fill="#334155" text-anchor="middle">{escape(_short(link.label))}</text>'
        )
    for node in nodes:
        x, y = positions[node.id]
        colour = FAMILY_COLOURS.get(node.kind, DEFAULT_COLOUR)
        initial = escape((node.kind_label or node.kind or "?")[:1].upper())
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{NODE_R}" fill="{colour}" '
            'stroke="#ffffff" stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="11" font-weight="bold" '
            f'fill="#ffffff" text-anchor="middle">{initial}</text>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y + NODE_R + 12:.1f}" font-size="10" fill="#0f172a" '
            f'text-anchor="middle">{escape(_short(node.label))}</text>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y + NODE_R + 23:.1f}" font-size="8" fill="#64748b" '
            f'text-anchor="middle">{escape(_short(node.kind_label))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
