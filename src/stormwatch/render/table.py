"""The terminal table: the ranked topics, then each hot topic's context, themes, critics and
loudest mention, then the steps. Built for the console's width when it is printed: a handle,
a number and its unit ("640 Tsd.") are never split; when the table does not fit, the
optional columns go first (the sparkline, then the top critic), and lists under the table
wrap between their items only."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from stormwatch.models import Report, TopicResult
from stormwatch.render.context import gap_text, stage_text
from stormwatch.render.evidence_text import critics, excerpt, mention_head, safe_url
from stormwatch.render.formats import (
    LEVEL_STYLE,
    critic_short,
    critic_text,
    driver_lines,
    sparkline,
    themes_text,
    title_line,
)
from stormwatch.settings import Lang
from stormwatch.text.labels import CONTEXT as CONTEXT_LABELS
from stormwatch.text.labels import TABLE as LABELS
from stormwatch.text.untrusted import clean

#: Columns left out, in this order, until the table fits the console.
OPTIONAL = ("volume", "critic")


class Fitted:
    """A table that chooses its columns when rendered: ``build(left_out)`` makes it without
    the columns named in ``left_out``; the first whose every cell fits ``max_width`` unwrapped
    is shown (else, with every optional column left out, the narrowest)."""

    def __init__(self, build: Callable[[frozenset[str]], Any], optional: Sequence[str]) -> None:
        self.build, self.optional = build, optional

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.measure import Measurement

        unbounded = options.update_width(10_000)  # Measurement.get clamps to the width given
        left_out: frozenset[str] = frozenset()
        table = self.build(left_out)
        for name in self.optional:
            if Measurement.get(console, unbounded, table).maximum <= options.max_width:
                break
            left_out |= {name}
            table = self.build(left_out)
        yield table


class Items:
    """``head`` then ``items`` joined by ``sep``, wrapped between items only (an item wider
    than the line wraps on its own); continuation lines are indented by two spaces."""

    def __init__(self, head: Any, items: Sequence[str], sep: str = ", ") -> None:
        self.head, self.items, self.sep = head, items, sep

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.text import Text

        line = self.head.copy()
        for i, item in enumerate(self.items):
            piece = item + (self.sep.rstrip() if i < len(self.items) - 1 else "")
            gap = " " if i and self.sep.endswith(" ") else ""
            if i and line.cell_len + len(gap) + len(piece) > options.max_width:
                yield line
                line, gap = Text("  "), ""
            line.append(gap + piece)
        yield line


def _ranking(report: Report, lang: Lang, spark_windows: int, left_out: frozenset[str]) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from stormwatch.pipeline.checklist import load_checklist

    labels = LABELS[lang]
    level_names = load_checklist(lang).levels
    table = Table(
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
    )
    table.add_column(labels["rank"], justify="right", no_wrap=True)
    table.add_column(labels["topic"], overflow="fold")
    table.add_column(labels["score"], justify="right", no_wrap=True)
    table.add_column(labels["level"], no_wrap=True)
    if "volume" not in left_out:
        table.add_column(labels["volume"], no_wrap=True)
    table.add_column(labels["drivers"], no_wrap=True)
    if "critic" not in left_out:
        table.add_column(labels["critic"], no_wrap=True)
    for t in report.topics:
        style = LEVEL_STYLE[t.level]
        cells: list[Any] = [
            str(t.rank),
            Text(clean(t.topic)),
            Text(f"{t.score:.0f}", style=style),
            Text(level_names[t.level].upper(), style=style),
        ]
        if "volume" not in left_out:
            cells.append(Text(sparkline(t.sparkline[-spark_windows:]), style=style))
        cells.append(Text("\n".join(driver_lines(t, lang)) or labels["none"]))
        if "critic" not in left_out:
            cells.append(Text(critic_text(t, lang, sep="\n")))
        table.add_row(*cells)
    return table


def _evidence(t: TopicResult, lang: Lang) -> list[Any]:
    """The lines under the table for one topic: stage and reply, themes, critics, the most
    engaged critical mention."""
    from rich.text import Text

    labels = LABELS[lang]

    def head(label: str) -> Any:
        return Text(f"{clean(t.topic)} — {label}: ", style=LEVEL_STYLE[t.level])

    parts: list[Any] = []
    if t.context is not None:
        stage = [stage_text(t.context, lang), gap_text(t.context.response, lang)]
        parts.append(Items(head(CONTEXT_LABELS[lang]["column"]), stage, sep=" · "))
    if t.themes:
        parts.append(Items(head(labels["themes"]), themes_text(t).split(", ")))
    if t.critics:
        parts.append(Items(head(labels["critics"]), [critic_short(a, lang) for a in critics(t)]))
    if t.top_mentions:
        m = t.top_mentions[0]
        parts.append(Items(head(labels["loudest"]), mention_head(m, lang).split(", ")))
        words = f"“{excerpt(m)}”".split()
        parts.append(Items(Text("  "), [*words, *filter(None, [safe_url(m.url)])], sep=" "))
    return parts


def to_table(report: Report, spark_windows: int = 12) -> Any:
    """A rich renderable: the ranked table, then the evidence of each topic and the steps for
    topics at warning or above. The sparkline shows the last ``spark_windows`` windows (JSON
    carries all of them)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    lang = report.lang
    labels = LABELS[lang]
    # The title above the table, not in it: a table narrowed to fit would wrap it.
    parts: list[Any] = [
        Text(title_line(report, labels)),
        Fitted(lambda left_out: _ranking(report, lang, spark_windows, left_out), OPTIONAL),
    ]
    # Stage, reply, themes and evidence under the table: as columns they would not fit.
    for t in report.topics:
        parts += _evidence(t, lang)
    for t in report.topics:
        if t.level in ("warning", "storm") and t.recommendations:
            steps = Table.grid(padding=(0, 1))
            steps.add_column(justify="right")
            steps.add_column()
            for r in t.recommendations:
                line = Text(r.title, style="bold")
                line.append(f": {clean(r.why)}")
                steps.add_row(f"{r.step}.", line)
            heading = Text(f"\n{clean(t.topic)} — {labels['steps']}", style=LEVEL_STYLE[t.level])
            parts += [heading, steps]
    return Group(*parts)
