"""Server-rendered SVG bar charts (no script, no CDN, no inline style: the staff CSP applies).

Each chart is drawn from (label, value) pairs; ``None`` (fewer than k sessions) is drawn as an empty outlined
bar marked "<k", never as a number. The page puts the same numbers in a table beside every chart.
"""
from __future__ import annotations

from html import escape
from typing import Sequence

BAR = "#0b5cab"
HIDDEN = "#c9d1d9"
INK = "#1b1f24"


def _nice_max(values: Sequence[int | None]) -> int:
    top = max([v for v in values if v is not None] or [1])
    return max(1, top)


def columns(title: str, points: Sequence[tuple[str, int | None]], k: int, *, width: int = 720,
            height: int = 220, every: int = 1) -> str:
    """A column chart (days, hours); every ``every``-th label is written under its column."""
    n = max(1, len(points))
    left, bottom, top = 40, 34, 14
    plot_w, plot_h = width - left - 8, height - bottom - top
    step = plot_w / n
    peak = _nice_max([v for _, v in points])
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="{INK}"/>',
             f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="12" fill="{INK}">{peak}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="12" fill="{INK}">0</text>']
    for i, (label, value) in enumerate(points):
        x = left + i * step + step * 0.15
        w = max(1.0, step * 0.7)
        if value is None:
            h = plot_h * 0.08
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                         f'fill="none" stroke="{HIDDEN}" stroke-dasharray="3 2"><title>{escape(label)}: &lt;{k}'
                         f'</title></rect>')
        else:
            h = plot_h * value / peak
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                         f'fill="{BAR}"><title>{escape(label)}: {value}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
                         f'fill="{INK}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(title: str, points: Sequence[tuple[str, int | None]], k: int, *, width: int = 720) -> str:
    """A horizontal bar chart (answer kinds, topics, gaps), one labelled row per point."""
    row, label_w = 30, 260
    height = max(1, len(points)) * row + 10
    peak = _nice_max([v for _, v in points])
    plot_w = width - label_w - 60
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(points):
        y = 5 + i * row
        short = label if len(label) <= 18 else label[:17] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" font-size="14" fill="{INK}">'
                     f'{escape(short)}</text>')
        if value is None:
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="24" height="20" fill="none" stroke="{HIDDEN}" '
                         f'stroke-dasharray="3 2"/><text x="{label_w + 30}" y="{y + 19}" font-size="13" '
                         f'fill="{INK}">&lt;{k}</text>')
            continue
        w = max(2.0, plot_w * value / peak)
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="20" fill="{BAR}">'
                     f'<title>{escape(label)}: {value}</title></rect>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 19}" font-size="13" fill="{INK}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)
