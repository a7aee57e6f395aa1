"""Inline SVG for the HTML report: a topic's timeline (critical mentions per window against
the band ``expected ± spread``, level changes and the loudest critical posts marked), its
negative share, and its score contributions as one bar. Pure functions, strings out; every
label goes through ``html.escape`` (the callers pass cleaned text).

Coordinates: a ``viewBox`` of ``WIDTH`` x height units scaled to the page width by CSS, so a
phone shows the same chart smaller. Each series is one ``polyline`` (or ``polygon`` for the
band) with one vertex per window, carrying its count in ``data-points``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from stormwatch.report.history import History
from stormwatch.settings import SIGNALS

WIDTH = 720
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 12, 26
LEVEL_COLOUR = {"calm": "#2e7d32", "watch": "#b58900", "warning": "#e65100", "storm": "#c62828"}
SIGNAL_COLOUR = {
    "velocity": "#1565c0",
    "influence": "#6a1b9a",
    "negativity": "#c62828",
    "spread": "#00838f",
}


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _x(i: int, n: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (i / max(n - 1, 1))


def _scale(top: float, height: int) -> tuple[float, float]:
    """(y of 0, units per count) for values 0..top."""
    base = height - BOTTOM
    return base, (base - TOP) / max(top, 1e-9)


def _points(values: Sequence[float], top: float, height: int) -> list[str]:
    base, unit = _scale(top, height)
    n = len(values)
    return [f"{_fmt(_x(i, n))},{_fmt(base - v * unit)}" for i, v in enumerate(values)]


def _time_labels(times: Sequence[datetime], height: int, fmt: str) -> list[str]:
    n = len(times)
    picks = sorted({0, n // 2, n - 1}) if n else []
    anchor = {0: "start", n - 1: "end"}
    return [
        f'<text class="axis" x="{_fmt(_x(i, n))}" y="{height - 8}" '
        f'text-anchor="{anchor.get(i, "middle")}">{html.escape(times[i].strftime(fmt))}</text>'
        for i in picks
    ]


def timeline_svg(
    history: History,
    marks: Sequence[tuple[datetime, str]],
    labels: dict[str, str],
    level_names: dict[str, str],
    time_format: str,
) -> str:
    """The timeline of one topic. ``marks``: the loudest critical posts (time, a cleaned
    description), drawn on the window that holds them."""
    height = 230
    n = len(history.times)
    upper = [e + s for e, s in zip(history.expected, history.spread, strict=True)]
    lower = [max(e - s, 0.0) for e, s in zip(history.expected, history.spread, strict=True)]
    top = max([*history.critical, *upper, 1.0]) * 1.1
    base, unit = _scale(top, height)
    band = _points(upper, top, height) + _points(lower, top, height)[::-1]
    out = [
        f'<svg class="chart timeline" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{html.escape(labels["chart"], quote=True)}">',
        f"<title>{html.escape(labels['chart'])}</title>",
        f'<line class="axis-line" x1="{LEFT}" y1="{_fmt(base)}" x2="{WIDTH - RIGHT}" '
        f'y2="{_fmt(base)}"/>',
    ]
    for value in (top / 1.1, top / 2.2):
        y = _fmt(base - value * unit)
        out.append(
            f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}"/>'
            f'<text class="axis" x="{LEFT - 4}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{_fmt(value)}</text>'
        )
    out.append(
        f'<polygon class="band" data-points="{len(band)}" points="{" ".join(band)}">'
        f"<title>{html.escape(labels['band'])}</title></polygon>"
    )
    expected = _points(history.expected, top, height)
    out.append(f'<polyline class="expected" data-points="{n}" points="{" ".join(expected)}"/>')
    line = _points(history.critical, top, height)
    out.append(f'<polyline class="mentions" data-points="{n}" points="{" ".join(line)}"/>')
    for i in history.changes():
        x = _fmt(_x(i, n))
        old, new = level_names[history.level[i - 1]], level_names[history.level[i]]
        text = f"{history.times[i].strftime(time_format)}: {old} → {new}"
        out.append(
            f'<g class="alert-marker" data-level="{history.level[i]}">'
            f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{_fmt(base)}" '
            f'stroke="{LEVEL_COLOUR[history.level[i]]}"/>'
            f"<title>{html.escape(text)}</title></g>"
        )
    for moment, text in marks:
        held = _window_of(history.times, moment)
        if held is None:
            continue
        cx, cy = _fmt(_x(held, n)), _fmt(base - history.critical[held] * unit)
        out.append(
            f'<circle class="amplifier" cx="{cx}" cy="{cy}" r="5">'
            f"<title>{html.escape(text)}</title></circle>"
        )
    out += _time_labels(history.times, height, time_format)
    out.append("</svg>")
    return "".join(out)


def _window_of(times: Sequence[datetime], moment: datetime) -> int | None:
    """The index of the window ``(times[i-1], times[i]]`` that holds ``moment``; None outside
    the chart."""
    if not times or moment > times[-1] or moment <= times[0]:
        return None
    return next(i for i, end in enumerate(times) if moment <= end)


def share_svg(history: History, labels: dict[str, str], time_format: str) -> str:
    """The negative share per window (0–100 %); windows without rated mentions are left out
    of the line."""
    height = 110
    n = len(history.times)
    base, unit = _scale(1.0, height)
    known = [(i, v) for i, v in enumerate(history.negative_share) if v is not None]
    points = [f"{_fmt(_x(i, n))},{_fmt(base - v * unit)}" for i, v in known]
    out = [
        f'<svg class="chart share" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{html.escape(labels["share_chart"], quote=True)}">',
        f"<title>{html.escape(labels['share_chart'])}</title>",
        f'<line class="axis-line" x1="{LEFT}" y1="{_fmt(base)}" x2="{WIDTH - RIGHT}" '
        f'y2="{_fmt(base)}"/>',
        f'<line class="grid" x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}"/>',
        f'<text class="axis" x="{LEFT - 4}" y="{TOP}" text-anchor="end" '
        'dominant-baseline="middle">100%</text>',
        f'<text class="axis" x="{LEFT - 4}" y="{_fmt(base)}" text-anchor="end" '
        'dominant-baseline="middle">0%</text>',
        f'<polyline class="negative" data-points="{len(points)}" points="{" ".join(points)}"/>',
        *_time_labels(history.times, height, time_format),
        "</svg>",
    ]
    return "".join(out)


def contributions_svg(points: dict[str, float], names: dict[str, str]) -> str:
    """The score as one bar of 100 points, a segment per signal that contributed."""
    height, bar = 34, 18
    inner = WIDTH - LEFT - RIGHT
    out = [
        f'<svg class="chart contributions" viewBox="0 0 {WIDTH} {height}" role="img">',
        f'<rect class="track" x="{LEFT}" y="0" width="{inner}" height="{bar}"/>',
    ]
    x = float(LEFT)
    for name in SIGNALS:
        value = points.get(name, 0.0)
        if value <= 0:
            continue
        width = inner * value / 100
        label = f"{names[name]} +{value:.0f}"
        out.append(
            f'<rect class="contribution" data-signal="{name}" x="{_fmt(x)}" y="0" '
            f'width="{_fmt(width)}" height="{bar}" fill="{SIGNAL_COLOUR[name]}">'
            f"<title>{html.escape(label)}</title></rect>"
        )
        if width > 60:
            out.append(
                f'<text class="bar-label" x="{_fmt(x + 4)}" y="{bar - 5}">'
                f"{html.escape(label)}</text>"
            )
        x += width
    out.append(
        f'<text class="axis" x="{WIDTH - RIGHT}" y="{height - 2}" text-anchor="end">100</text>'
    )
    out.append("</svg>")
    return "".join(out)
