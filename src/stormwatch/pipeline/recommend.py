"""Recommend: map a scored topic's signals to steps of the response checklist, each with a
one-line reason in the user's language.

| step | when |
|---|---|
| 1 listen | level >= watch |
| 2 answer the influential critic | influence >= 0.4 and a critic is known |
| 3 write for the onlookers | level >= watch and velocity or spread >= 0.5 |
| 4 open, not wooden | negativity >= 0.3 |
| 5 personality | level >= warning |
| 8 personal responsibility | level = storm |
| 9 empathy | negativity >= 0.3 and level >= warning |
| 11 don't feed one persistent author | level >= watch, top author wrote >= 30 % and >= 5 posts |

With the topic's context indicators (``pipeline/context.py``), at watch and above:

| step | when | reason |
|---|---|---|
| 3 write for the onlookers | stage "media pick-up" | the news/blog share now vs usual |
| 3 write for the onlookers | stage "amplification" and newcomer share >= 0.5 | the newcomers |
| 3 write for the onlookers | otherwise: >= 10 reshares, >= 3x the baseline median | reshares |
| 10 be where the fire is | response gap open >= 1 h | hours since the start; evening/weekend |
| 11 step back | concentration >= 0.5 with >= 5 posts | one persistent author, not a storm |

When one author is that concentrated, step 3 needs the spread (distinct authors), not just the
volume, since one author's posts alone are no growing audience.
"""

from __future__ import annotations

from stormwatch.models import Context, Recommendation, TopicResult
from stormwatch.pipeline.checklist import Checklist
from stormwatch.pipeline.context import NEWCOMER_HIGH, concentrated, reshares_fast
from stormwatch.settings import LEVELS, Lang

INFLUENCE_MIN = 0.4
CROWD_MIN = 0.5
NEGATIVITY_MIN = 0.3
PERSISTENT_SHARE = 0.3
PERSISTENT_POSTS = 5
RESPONSE_GAP_HOURS = 1.0  # an open response gap from this many hours gets step 10


def format_int(value: float, lang: Lang) -> str:
    """``1000000`` -> ``1,000,000`` (en) or ``1.000.000`` (de)."""
    text = f"{round(value):,}"
    return text.replace(",", ".") if lang == "de" else text


def format_decimal(value: float, lang: Lang, digits: int = 1) -> str:
    """``7.65`` -> ``7.7`` (en) or ``7,7`` (de)."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "de" else text


def format_share(value: float, lang: Lang) -> str:
    """``0.64`` -> ``64%`` (en) or ``64 %`` (de)."""
    return f"{round(value * 100)} %" if lang == "de" else f"{round(value * 100)}%"


def recommend(topic: TopicResult, checklist: Checklist, window: str) -> tuple[Recommendation, ...]:
    """The checklist steps for ``topic``, ordered by step number; empty when calm."""
    lang: Lang = "de" if checklist.lang == "de" else "en"
    level = LEVELS.index(topic.level)
    if level == 0:
        return ()
    s = topic.signals
    value = {name: sig.value if sig.available else 0.0 for name, sig in s.items()}
    r = checklist.reasons
    level_name = checklist.levels[topic.level]
    picked: dict[int, str] = {
        1: r["monitor"].format(
            current=format_int(topic.mentions, lang),
            window=window,
            baseline=format_int(topic.baseline, lang),
        )
    }
    critic = topic.top_critic
    if value["influence"] >= INFLUENCE_MIN and critic is not None and critic.followers:
        picked[2] = r["influencer"].format(
            author=critic.author, followers=format_int(critic.followers, lang)
        )
    one_voice = topic.context is not None and concentrated(topic.context)
    crowd = value["spread"] if one_voice else max(value["velocity"], value["spread"])
    if crowd >= CROWD_MIN:
        spread = s["spread"].detail
        picked[3] = r["onlookers"].format(
            authors=format_int(spread.get("now", 0), lang),
            window=window,
            baseline=format_int(spread.get("median", 0), lang),
        )
    if value["negativity"] >= NEGATIVITY_MIN:
        neg = s["negativity"].detail
        share = format_share(neg.get("share_now", 0.0), lang)
        picked[4] = r["open_tone"].format(
            share=share, baseline_share=format_share(neg.get("share_baseline", 0.0), lang)
        )
        if level >= LEVELS.index("warning"):
            picked[9] = r["empathy"].format(share=share)
    if level >= LEVELS.index("warning"):
        picked[5] = r["personality"].format(level=level_name)
    if topic.level == "storm":
        picked[8] = r["ownership"].format(level=level_name)
    if topic.top_authors and topic.mentions:
        top = topic.top_authors[0]  # ranked by posts
        share_top = top.mentions / topic.mentions
        if share_top >= PERSISTENT_SHARE and top.mentions >= PERSISTENT_POSTS:
            picked[11] = r["persistent_author"].format(
                author=top.author, share=format_share(share_top, lang), mentions=top.mentions
            )
    if topic.context is not None:
        picked.update(_context_steps(topic.context, r, lang, window))
    steps = checklist.steps
    return tuple(
        Recommendation(n, steps[n].title, why, steps[n].action) for n, why in sorted(picked.items())
    )


def _context_steps(c: Context, r: dict[str, str], lang: Lang, window: str) -> dict[int, str]:
    """Steps 3, 10 and 11 from the context indicators (table in the module doc)."""
    from stormwatch.pipeline.explain import format_hours, format_local, off_hours

    picked: dict[int, str] = {}
    if c.stage == "media pick-up":
        picked[3] = r["media_pickup"].format(
            share=format_share(c.media_share or 0.0, lang),
            baseline_share=format_share(c.media_share_baseline or 0.0, lang),
        )
    elif c.stage == "amplification" and (c.newcomer_share or 0.0) >= NEWCOMER_HIGH:
        picked[3] = r["newcomers"].format(
            newcomers=format_int(c.newcomers, lang),
            authors=format_int(c.critical_authors, lang),
            share=format_share(c.newcomer_share or 0.0, lang),
        )
    elif reshares_fast(c):
        picked[3] = r["reshares"].format(
            reshares=format_int(c.reshares, lang),
            median=format_int(c.reshares_median or 0.0, lang),
            window=window,
        )
    gap = c.response
    if gap.status == "open" and gap.episode_start and (gap.hours or 0.0) >= RESPONSE_GAP_HOURS:
        when = off_hours(gap, lang)
        picked[10] = r["response_gap_off_hours" if when else "response_gap"].format(
            hours=format_hours(gap.hours or 0.0, lang),
            start=format_local(gap.episode_start, gap.timezone, lang),
            when=when,
        )
    if concentrated(c) and c.top_author is not None:
        picked[11] = r["concentrated_author"].format(
            author=c.top_author,
            share=format_share(c.concentration or 0.0, lang),
            mentions=format_int(c.mentions, lang),
            window=window,
            posts=format_int(c.top_author_mentions, lang),
        )
    return picked
