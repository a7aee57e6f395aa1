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
"""

from __future__ import annotations

from stormwatch.checklist import Checklist
from stormwatch.models import Recommendation, TopicResult
from stormwatch.settings import LEVELS, Lang

INFLUENCE_MIN = 0.4
CROWD_MIN = 0.5
NEGATIVITY_MIN = 0.3
PERSISTENT_SHARE = 0.3
PERSISTENT_POSTS = 5


def format_int(value: float, lang: Lang) -> str:
    """``1000000`` -> ``1,000,000`` (en) or ``1.000.000`` (de)."""
    text = f"{round(value):,}"
    return text.replace(",", ".") if lang == "de" else text


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
    if max(value["velocity"], value["spread"]) >= CROWD_MIN:
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
    steps = checklist.steps
    return tuple(
        Recommendation(n, steps[n].title, why, steps[n].action) for n, why in sorted(picked.items())
    )
