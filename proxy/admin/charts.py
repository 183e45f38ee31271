"""Inline SVG charts rendered on the server: stacked bars of decisions per day.

People would rather look than read: one bar per day, one colour per action (or entity type),
with axis, gridlines, labels and a legend. Colours are SVG attributes (the CSP forbids inline
styles).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from html import escape

OUTCOME_COLOURS = {
    "forwarded": "#3b873e",
    "redacted": "#2f6fb3",
    "portal": "#c77c02",
    "blocked": "#c0392b",
    "refused": "#6d6d6d",
}
ACTION_COLOURS = {
    "allow": "#3b873e",
    "redact": "#2f6fb3",
    "mask": "#7b5ea7",
    "portal": "#c77c02",
    "block": "#c0392b",
}
PALETTE = (
    "#2f6fb3",
    "#c0392b",
    "#3b873e",
    "#c77c02",
    "#7b5ea7",
    "#16a2a5",
    "#d35d91",
    "#6d6d6d",
    "#8c6d31",
    "#1f3b73",
)


def _nice_max(v: int) -> int:
    """Top of the y axis: 4 gridline steps of 1, 2 or 5 × 10^k (whole numbers), covering v."""
    need = max(v, 1) / 4
    mag = 1
    while True:
        for step in (1, 2, 5):
            if step * mag >= need:
                return step * mag * 4
        mag *= 10


def stacked_bars(
    title: str,
    days: Sequence[str],
    series: Mapping[str, Counter[str]],
    keys: Sequence[str],
    colours: Mapping[str, str],
    width: int = 1000,
    height: int = 300,
    link: Callable[[str, str], str] | None = None,
    empty: str = "no decisions in this period",
) -> str:
    """One stacked bar per day; ``keys`` in stacking order (bottom first). With ``link``, each
    segment is a link (``link(day, key)``) to the rows behind it."""
    left, right, top, bottom = 44, 230, 28, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(series[d][k] for k in keys) for d in days]
    ymax = _nice_max(max(totals, default=0))
    slot = plot_w / max(len(days), 1)
    bar_w = max(2.0, slot * 0.7)
    out = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold" fill="#222">'
        f"{escape(title)}</text>",
    ]
    for i in range(5):
        v = ymax * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="#555">{int(v) if v == int(v) else round(v, 1)}</text>'
        )
    label_every = max(1, math.ceil(len(days) / 12))
    for i, d in enumerate(days):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for k in keys:
            n = series[d][k]
            if not n:
                continue
            h = plot_h * n / ymax
            y -= h
            rect = (
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colours.get(k, "#999")}">'
                f"<title>{escape(d)} {escape(k)}: {n}</title></rect>"
            )
            if link is not None:
                rect = (
                    f'<a href="{escape(link(d, k))}" aria-label="{escape(d)} {escape(k)}: {n}">'
                    f"{rect}</a>"
                )
            out.append(rect)
        if i % label_every == 0:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" font-size="10" '
                f'text-anchor="middle" fill="#555">{escape(d[5:])}</text>'
            )
        if totals[i]:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" '
                f'y="{top + plot_h - plot_h * totals[i] / ymax - 3:.1f}"'
                f' font-size="9" text-anchor="middle" fill="#333">{totals[i]}</text>'
            )
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#444" stroke-width="1"/>'
    )
    out.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 6}" font-size="10" text-anchor="middle" '
        'fill="#555">day (UTC)</text>'
    )
    for j, k in enumerate(reversed(keys)):
        ly = top + 4 + j * 18
        lx = left + plot_w + 16
        out.append(
            f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colours.get(k, "#999")}"/>'
        )
        out.append(
            f'<text x="{lx + 18}" y="{ly + 10}" font-size="11" fill="#222">{escape(k)}</text>'
        )
    if not any(totals):
        out.append(
            f'<text x="{left + plot_w / 2:.0f}" y="{top + plot_h / 2:.0f}" font-size="13" '
            f'text-anchor="middle" fill="#777">{escape(empty)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def top_keys(totals: Counter[str], n: int = 9) -> list[str]:
    return [k for k, _ in totals.most_common(n)]


def entity_colours(keys: Sequence[str]) -> dict[str, str]:
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}
