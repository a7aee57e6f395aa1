"""Assemble: scored rows and author counts -> typed TopicResult records with recommendations."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import polars as pl

from stormwatch.models import AuthorStat, Context, SignalResult, TopicResult
from stormwatch.pipeline.checklist import load_checklist
from stormwatch.pipeline.context import ContextData, context_frame, contexts
from stormwatch.pipeline.recommend import recommend
from stormwatch.settings import SIGNALS, Settings, format_duration


def _num(value: object) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return float(value)  # type: ignore[arg-type]


def _known(value: object) -> bool:
    """A measurement that exists: not None and not NaN (no history, not growing)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _author_stats(frame: pl.DataFrame) -> dict[str, tuple[AuthorStat, ...]]:
    out: dict[str, list[AuthorStat]] = {}
    for r in frame.iter_rows(named=True):
        out.setdefault(r["topic"], []).append(
            AuthorStat(r["author"], r["followers"], r["mentions"], r["negative"])
        )
    return {k: tuple(v) for k, v in out.items()}


def _signal_results(r: dict[str, object], available: Sequence[str]) -> dict[str, SignalResult]:
    """Raw value, strength, points and the numbers behind each signal of one scored row."""
    measured: dict[str, tuple[object, dict[str, object]]] = {
        "velocity": (
            r["mentions_z"],
            {
                "now": r["mentions_now"],
                "median": r["mentions_median"],
                "expected": r["mentions_expected"],
                "seasonal_index": r["season_index"],
                "time_of_day_index": r["daily_index"],
                "hour_of_week_index": r["weekly_index"],
                "tail_probability": r["tail_p"],
                "record": r["record"],
                "record_ratio": r["record_ratio"],
                "now_long": r["mentions_long"],
                "z_long": r["z_long"],
                "acceleration": r["acceleration"],
                "doubling_hours": r["doubling_hours"],
            },
        ),
        "influence": (
            r["reach"],
            {
                "reach": r["reach"],
                "usual_reach": r["usual_reach"],
                "negativity_weight": r.get("reach_weight", 1.0),
                "engagement_proxy": r.get("engagement_proxy", 0.0),
            },
        ),
        "negativity": (
            r["neg_share_now"],
            {
                "share_now": r["neg_share_now"],
                "share_baseline": r["neg_share_base"],
                "negative": r["negative_now"],
            },
        ),
        "spread": (r["authors_z"], {"now": r["authors_now"], "median": r["authors_median"]}),
    }
    return {
        name: SignalResult(
            name,
            round(_num(raw), 3),
            round(_num(r[name]), 3),
            round(_num(r[f"points_{name}"]), 1),
            name in available,
            {k: round(_num(v), 3) for k, v in detail.items() if _known(v)},
        )
        for name, (raw, detail) in measured.items()
        if name in SIGNALS
    }


def topic_results(
    scored: pl.DataFrame,
    grid: pl.DataFrame,
    authors: pl.DataFrame,
    settings: Settings,
    available: Sequence[str],
    has_sentiment: bool,
    context: ContextData | None = None,
    covered: int = 0,
    storm_critics: Mapping[str, tuple[AuthorStat, ...]] | None = None,
) -> tuple[TopicResult, ...]:
    """One TopicResult per scored row, in rank order, with its recommendations; ``context``
    (the pass over the topics at watch or above) adds their context indicators, ``covered``
    being the number of complete baseline windows; calm topics have none. ``storm_critics``
    (the same topics' critics of the last 24 h, ``pipeline.critics``) names their top critic;
    the others' is the current window's."""
    indicators: dict[str, Context] = {}
    if context is not None:
        frame = context_frame(context, scored, covered)
        indicators = contexts(frame, settings.lang, context.timezone)
    checklist = load_checklist(settings.lang)
    window = format_duration(settings.window)
    top = _author_stats(
        authors.sort(
            ["topic", "mentions", "followers", "author"],
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .group_by("topic", maintain_order=True)
        .head(settings.top_authors)
    )
    critical = (pl.col("negative") > 0) if has_sentiment else pl.lit(True)
    critics = _author_stats(
        authors.filter(critical & pl.col("followers").is_not_null())
        .sort(["topic", "followers", "author"], descending=[False, True, False])
        .group_by("topic", maintain_order=True)
        .head(1)
    )
    spark = dict(
        grid.filter(pl.col("window") < settings.sparkline)
        .sort(["topic", "window"], descending=[False, True])
        .group_by("topic", maintain_order=True)
        .agg(pl.col("mentions"))
        .iter_rows()
    )
    results: list[TopicResult] = []
    for r in scored.iter_rows(named=True):
        signals = _signal_results(r, available)
        storm = (storm_critics or {}).get(r["topic"], ())
        critic = storm or critics.get(r["topic"], ())
        topic = TopicResult(
            rank=int(r["rank"]),
            topic=r["topic"],
            score=float(r["score"]),
            level=r["level"],
            mentions=int(r["total_now"]),
            baseline=round(_num(r["total_median"]), 3),
            signals=signals,
            top_authors=top.get(r["topic"], ()),
            top_critic=critic[0] if critic else None,
            sparkline=tuple(int(x) for x in spark.get(r["topic"], [])),
            context=indicators.get(r["topic"]),
            held=bool(r["held"]),
            critics=storm,
        )
        results.append(replace(topic, recommendations=recommend(topic, checklist, window)))
    return tuple(results)
