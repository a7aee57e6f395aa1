"""Backtest results as the documented JSON contract or a rich table (never printed here)."""

from __future__ import annotations

import statistics
from typing import Any

import polars as pl

from stormwatch.backtest.run import Backtest
from stormwatch.text.untrusted import clean


def _iso(moment: Any) -> str:
    return str(moment.isoformat()).replace("+00:00", "Z")


def to_dict(result: Backtest) -> dict[str, Any]:
    """``{"alerts": [...], "streams": [...], "notes": [...], "metrics": {...}}`` (metrics only
    with labels)."""
    data: dict[str, Any] = {
        "alerts": [
            {
                "time": _iso(a.time),
                "stream": a.stream,
                "topic": a.topic,
                "kind": a.kind,
                "level": a.level,
                "score": a.score,
            }
            for a in result.alerts
        ],
        "streams": [
            {
                "name": s.name,
                "file": s.file,
                "topic": s.topic,
                "start": _iso(s.start),
                "end": _iso(s.end),
                "steps": s.steps,
                "signals": list(s.available),
            }
            for s in result.streams
        ],
        "notes": list(result.notes),
    }
    m = result.metrics
    if m is not None:
        leads = sorted(m.lead_hours)
        data["metrics"] = {
            "windows": m.windows,
            "windows_hit": m.hit,
            "windows_missed": m.windows - m.hit,
            "first_alert_before_peak": m.before_peak,
            "first_alert_before_step_peak": m.before_fine_peak,
            "first_alert_before_peak_share": round(m.before_peak / m.windows, 3)
            if m.windows
            else None,
            "hours_before_peak_median": round(statistics.median(leads), 2) if leads else None,
            "hours_before_peak": [round(x, 2) for x in m.lead_hours],
            "false_alarm_episodes": m.false_alarm_episodes,
            "stream_weeks": round(m.stream_weeks, 2),
            "false_alarms_per_stream_week": round(m.false_alarms_per_week, 3),
            "nab_standard": None if m.nab_score is None else round(m.nab_score, 1),
            "nab_standard_by_stream": {k: round(v, 1) for k, v in m.nab_by_stream.items()},
            "nab_points_lost": None
            if m.nab_lost is None
            else {
                "late": round(m.nab_lost.late, 1),
                "missed_windows": round(m.nab_lost.missed, 1),
                "false_alarms": round(m.nab_lost.false_alarms, 1),
            },
            "windows_detail": [
                {
                    "stream": o.stream,
                    "start": _iso(o.window.start),
                    "end": _iso(o.window.end),
                    "peak": _iso(o.peak),
                    "step_peak": _iso(o.fine_peak),
                    "first_alert": _iso(o.first_alert) if o.first_alert else None,
                    "hours_before_peak": round(o.lead_hours, 2)
                    if o.lead_hours is not None
                    else None,
                }
                for o in result.outcomes
            ],
        }
    return data


def _or_na(value: float | None, spec: str = "") -> str:
    """A number for the table; "n/a" where there is none (no window hit, none scored)."""
    return "n/a" if value is None else format(value, spec)


def to_table(result: Backtest) -> Any:
    """The alerts (at most the last 50) and, with labels, the metrics."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    alerts = Table(title=f"{len(result.alerts)} alerts", title_justify="left")
    for column in ("time (UTC)", "stream", "topic", "alert", "level", "score"):
        alerts.add_column(column, justify="right" if column == "score" else "left")
    for a in result.alerts[-50:]:
        alerts.add_row(
            a.time.strftime("%Y-%m-%d %H:%M"),
            Text(clean(a.stream)),
            Text(clean(a.topic)),
            a.kind,
            a.level.upper(),
            f"{a.score:.0f}",
        )
    parts: list[Any] = [alerts]
    m = result.metrics
    if m is not None:
        d = to_dict(result)["metrics"]
        metrics = Table(title="against the labelled windows", title_justify="left")
        metrics.add_column("metric")
        metrics.add_column("value", justify="right")
        rows = [
            ("windows hit", f"{m.hit} of {m.windows}"),
            ("first alert before the volume peak", f"{m.before_peak} of {m.windows}"),
            ("… before the busiest step", f"{m.before_fine_peak} of {m.windows}"),
            ("median hours before the peak", _or_na(d["hours_before_peak_median"])),
            ("false-alarm episodes", str(m.false_alarm_episodes)),
            ("false alarms per stream-week", f"{m.false_alarms_per_week:.2f}"),
            ("NAB standard score", _or_na(m.nab_score, ".1f")),
        ]
        rows += [(f"  NAB {k}", f"{v:.1f}") for k, v in m.nab_by_stream.items()]
        if m.nab_lost is not None:
            rows += [
                ("NAB points lost to late detection", f"{m.nab_lost.late:.1f}"),
                ("  to missed windows", f"{m.nab_lost.missed:.1f}"),
                ("  to false alarms", f"{m.nab_lost.false_alarms:.1f}"),
            ]
        for name, value in rows:
            metrics.add_row(Text(name), value)
        parts += [Text(""), _windows_table(result), Text(""), metrics]
    return Group(*parts)


def _windows_table(result: Backtest) -> Any:
    """One row a labelled window: when it was, its volume peak, the first alert in it and how
    many hours that came before the peak (the lead; negative: after it)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(result.outcomes)} labelled windows", title_justify="left")
    table.add_column("stream", overflow="fold")  # the only column that may wrap
    for column in ("window (UTC)", "peak", "first alert", "lead (h)"):
        table.add_column(column, justify="right" if column == "lead (h)" else "left", no_wrap=True)
    for o in result.outcomes:
        lead = o.lead_hours
        table.add_row(
            Text(clean(o.stream)),
            f"{o.window.start:%m-%d %H:%M} – {o.window.end:%m-%d %H:%M}",
            f"{o.peak:%m-%d %H:%M}",
            f"{o.first_alert:%m-%d %H:%M}" if o.first_alert else Text("missed", style="bold"),
            f"{lead:.1f}" if lead is not None else "",
        )
    return table


def scores_csv(scores: pl.DataFrame) -> str:
    """The replay's series as CSV (``backtest --scores``): ISO times in UTC, stream and topic
    names protected against spreadsheet formulas (``render.csv_safe``)."""
    from stormwatch.render.formats import csv_safe

    safe = [  # a few distinct names: each is protected once, not per row
        pl.col(c).replace_strict({v: str(csv_safe(v)) for v in scores[c].unique()}).alias(c)
        for c in ("stream", "topic")
    ]
    return scores.with_columns(pl.col("time").dt.strftime("%Y-%m-%dT%H:%M:%SZ"), *safe).write_csv()
