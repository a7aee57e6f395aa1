"""Normalise: raw string columns -> typed canonical mentions, with unusable rows marked."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

import polars as pl

from stormwatch.sentiment.fill import BUILT_IN, Estimator, estimates
from stormwatch.sources import Source
from stormwatch.sources.repair import MALFORMED, NUL, UNCLOSED
from stormwatch.sources.schema import (
    CANONICAL,
    UNREAD_MARK,
    number_text,
    score_marked,
    sentiment_exact,
    sentiment_marked,
    unmarked,
)
from stormwatch.sources.table import BAD
from stormwatch.sources.timestamps import parse_parts
from stormwatch.sources.typed import as_text, decimal, read_timestamps, whole

#: The reject reasons, in the order they are checked.
REASONS = (
    "missing timestamp",
    "bad timestamp",
    "future timestamp",
    "negative follower count",
    "negative engagement",
    "unreadable count",
    "negative count",
    # set aside while reading a damaged CSV (sources.repair), before anything else
    UNCLOSED,
    MALFORMED,
    NUL,
)
#: The raw values kept next to the typed ones (``_raw_<name>``), for the examples of problems.
RAW_VALUES = ("followers", "engagement", "count", "sentiment")
#: Values that cannot be read are left empty and the row is used; this names them (``_unread``).
UNREADABLE = {
    "followers": "unreadable follower count",
    "engagement": "unreadable engagement",
    "sentiment": "unreadable sentiment",
}
#: Not an error: the same mention in another file (see ``mark_duplicates``).
DUPLICATE = "duplicate"


def _as_float(raw: pl.Expr, decimal_comma: bool) -> pl.Expr:
    """The text path of a number cell: Excel's text guard, spaces and the Unicode minus
    removed (``number_text``); in German files "1.234" is 1234 and "1,5" is 1.5."""
    text = number_text(raw)
    if decimal_comma:
        text = text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    return text.cast(pl.Float64, strict=False)


def _integer(raw: pl.Expr, decimal_comma: bool = False) -> pl.Expr:
    """Counts written as "1234", "1234.0", " 1234 " or "'1234" (Excel's text guard), with a
    Unicode minus or not; in German files "1.234" is 1234 and "1,5" is 1.5."""
    whole = raw.cast(pl.Int64, strict=False)
    # Plain integers, nearly every value, take the cheap cast: polars evaluates the text path
    # only for the other rows (measured: the followers of 10M rows in 0.08 s instead of 0.24).
    return (
        pl.when(whole.is_not_null())
        .then(whole)
        .otherwise(_as_float(raw, decimal_comma).round(0).cast(pl.Int64, strict=False))
    )


def _decimal(raw: pl.Expr, decimal_comma: bool = False) -> pl.Expr:
    """A volume series' value as a number (``0.08``, ``1234``, in German files ``0,5``):
    fractional values are kept, not rounded to whole mentions."""
    plain = raw.cast(pl.Float64, strict=False)
    return pl.when(plain.is_not_null()).then(plain).otherwise(_as_float(raw, decimal_comma))


def normalise(
    source: Source,
    not_after: datetime | None = None,
    estimator: Estimator | None = BUILT_IN,
    *,
    empty_sentiment: bool = False,
    horizon: tuple[datetime, datetime] | None = None,
    generous: bool = True,
) -> pl.LazyFrame:
    """Typed canonical columns (see ``schema.CANONICAL``) plus ``_file``, ``_line``, ``_raw_ts``,
    ``_reject`` (null for usable rows, else the reason, one of ``REASONS``), ``_unread`` (null,
    or which value of a usable row could not be read and was left empty, one of
    ``UNREADABLE``'s reasons; ``_unread_any``: whether there is one), ``_slow`` (the
    timestamp was read with the general pattern, not the sample's fixed-width spelling) and
    the raw text of the values (``_raw_<name>`` for ``RAW_VALUES``, null where the file has
    no such column).
    Absent columns are typed nulls. A column the source has typed (Parquet, see
    ``sources.typed``) is converted as such; its raw value is made text only where asked for.

    Built in steps on purpose: the columns that decide whether a row is usable (timestamp,
    counts, topic) come first, the rest after, so a filter on time or ``_reject`` is pushed
    below the costlier conversions and they run only on the rows that survive it.

    ``not_after``: timestamps later than this are rejected as "future timestamp" (the CLI
    passes the wall clock plus a day: a date in 2099 must not become the evaluation moment).

    ``estimator``: fills the sentiment of a file without one from its texts (see
    :func:`estimates`; ``empty_sentiment``: the file's sentiment column is known to be empty);
    None leaves it null. A file with sentiment gets exactly the plan it would without.
    ``horizon``: ``(start, end)``, estimate only mentions with ``start < timestamp <= end``
    (the windows a score uses); the others stay unrated.
    ``generous=False``: the fast path only, with no Python and no string work: timestamps in
    the sample's fixed-width spelling (``timestamps.parse_parts``), sentiment in an exact
    spelling (``schema.sentiment_exact``); ``_slow`` marks every row with a value it could
    not read: the frame is right where none is, else read it again generously.
    """
    if source.kind == "store":  # already canonical: imported through this function
        return _stored(source, estimator, horizon)
    present = set(source.columns)

    def column(name: str, convert: Callable[[pl.Expr], pl.Expr] | None = None) -> pl.Expr:
        if name not in present:
            return pl.lit(None, dtype=CANONICAL[name]).alias(name)
        return (convert(pl.col(name)) if convert else pl.col(name)).alias(name)

    topic = (
        pl.col("topic").str.strip_chars().fill_null("(none)")  # "Acme " is Acme
        if "topic" in present
        else pl.lit("all")
    )

    schema = source.frame.collect_schema()
    typed = {n: d for n, d in schema.items() if n in present and d != pl.String}

    def integer(raw: pl.Expr) -> pl.Expr:
        name = raw.meta.output_name()
        return whole(raw, typed[name]) if name in typed else _integer(raw, source.decimal_comma)

    def raw_text(name: str, raw: str) -> pl.Expr:
        """A typed raw value (kept typed until here) as the text of its cell."""
        return as_text(pl.col(raw), typed[name]).alias(raw) if name in typed else pl.col(raw)

    if "timestamp" in typed:  # nothing to parse, nothing slow
        ts = read_timestamps(
            pl.col("timestamp"), typed["timestamp"], source.timestamp_formats, source.timezone
        )
        slow = pl.lit(False)
    else:
        ts, slow = parse_parts(
            pl.col("timestamp"), source.timestamp_formats, source.timezone, generous
        )
    raw_sentiment = pl.col("sentiment")
    if "sentiment" in typed:
        labelled = score_marked(raw_sentiment)
    elif generous or "sentiment" not in present:
        labelled = sentiment_marked(raw_sentiment)
    else:  # the fast path: exact spellings only; any other is read again, generously
        labelled, missed = sentiment_exact(raw_sentiment)
        slow = slow | missed
    first = source.frame.select(
        pl.col("_file"),
        pl.col("_line"),
        # why a damaged CSV's record was set aside (see sources.repair)
        pl.col(BAD) if BAD in schema else pl.lit(None, pl.String).alias(BAD),
        pl.col("timestamp").alias("_raw_ts"),
        ts.alias("timestamp"),
        slow.alias("_slow"),  # read the slow way: counted, or read again (see generous)
        topic.alias("topic"),
        # The raw values stay alongside (pruned unless asked for): the examples of rejects.
        *(
            pl.col(n).alias(f"_raw_{n}")
            if n in typed
            else pl.col(n).cast(pl.String).alias(f"_raw_{n}")
            for n in RAW_VALUES
            if n in present
        ),
        *(column(n, integer) for n in ("followers", "engagement")),
        # An empty count is one mention; an unreadable one rejects the row (see below). A
        # volume series keeps fractional values (a metric of 0.08 is not 0 mentions).
        (
            pl.when(pl.col("count").is_null())
            .then(1)
            .otherwise(
                (
                    decimal(pl.col("count"))
                    if "count" in typed
                    else _decimal(pl.col("count"), source.decimal_comma)
                )
                if source.kind == "series"
                else integer(pl.col("count"))
            )
        ).alias("count")
        if "count" in present
        else pl.lit(1, pl.Int64).alias("count"),
        *([pl.col("author")] if "author" in present else []),
        *([labelled.alias("_sentiment")] if "sentiment" in present else []),
        *(column(n) for n in ("text", "url", "platform", "language", "id")),
    )
    raw_count = pl.col("_raw_count") if "count" in present else pl.lit(None, pl.String)
    reject = (
        pl.when(pl.col(BAD).is_not_null())
        .then(pl.col(BAD))
        .when(pl.col("_raw_ts").is_null())  # the CSV reader reads "" as null
        .then(pl.lit(REASONS[0]))
        .when(pl.col("timestamp").is_null())
        .then(pl.lit(REASONS[1]))
        .when(pl.col("timestamp") > not_after if not_after is not None else pl.lit(False))
        .then(pl.lit(REASONS[2]))
        .when(pl.col("followers") < 0)
        .then(pl.lit(REASONS[3]))
        .when(pl.col("engagement") < 0)
        .then(pl.lit(REASONS[4]))
        .when(raw_count.is_not_null() & pl.col("count").is_null())
        .then(pl.lit(REASONS[5]))
        .when(pl.col("count") < 0)
        .then(pl.lit(REASONS[6]))
        .otherwise(None)
    )
    sentiment = (
        unmarked(pl.col("_sentiment")) if "sentiment" in present else pl.lit(None, pl.String)
    ).alias("sentiment")
    if estimator is not None and estimates(source, empty_sentiment):
        text = pl.col("text")
        if horizon is not None:
            ts = pl.col("timestamp")
            text = pl.when((ts > horizon[0]) & (ts <= horizon[1])).then(text)
        sentiment = estimator.expr(text, pl.col("language")).alias("sentiment")
    unread: pl.Expr = pl.lit(None, pl.String)
    unread_any: pl.Expr = pl.lit(False)
    for name in ("sentiment", "engagement", "followers"):  # the last set wins: the first named
        if name in present:
            raw = pl.col(f"_raw_{name}")
            failed = (
                pl.col("_sentiment") == UNREAD_MARK
                if name == "sentiment"
                else raw.is_not_null() & pl.col(name).is_null()
            )
            unread = pl.when(failed).then(pl.lit(UNREADABLE[name])).otherwise(unread)
            unread_any = unread_any | failed
    absent = [pl.lit(None, pl.String).alias(f"_raw_{n}") for n in RAW_VALUES if n not in present]
    return (
        first.with_columns(reject.alias("_reject"), column("author"), sentiment, *absent)
        # The summary pass counts the cheap flag; the names cost a pass only when it is set.
        .with_columns(unread.alias("_unread"), unread_any.alias("_unread_any"))
        .select(
            "_file",
            "_line",
            raw_text("timestamp", "_raw_ts"),
            *CANONICAL,
            "_reject",
            "_unread",
            "_unread_any",
            "_slow",
            *(raw_text(n, f"_raw_{n}") for n in RAW_VALUES),
        )
    )


def read_otherwise(source: Source) -> pl.Expr:
    """Over the rows of ``normalise(source, generous=False)``: whether the generous reading
    reads the row otherwise than the fast path did, a timestamp it left empty that a general
    pattern reads, or a sentiment it left empty that the generous lookup labels (or finds
    unreadable). Meant for the few rows it marked ``_slow``: where none reads otherwise, its
    frame is the generous one."""
    general = parse_parts(pl.col("_raw_ts"), source.timestamp_formats, source.timezone)[0]
    otherwise = pl.col("timestamp").is_null() & general.is_not_null()
    if "sentiment" in source.columns:
        labelled = sentiment_marked(pl.col("_raw_sentiment")).is_not_null()
        otherwise = otherwise | (pl.col("sentiment").is_null() & labelled)
    return otherwise


def normalise_all(
    sources: Sequence[Source],
    not_after: datetime | None = None,
    estimator: Estimator | None = BUILT_IN,
    empty_sentiment: Collection[str] = (),
    horizon: tuple[datetime, datetime] | None = None,
    generous: bool = True,
) -> pl.LazyFrame:
    """All sources as one frame of normalised mentions, with the copies of a mention found in
    several files marked "duplicate" (see ``mark_duplicates``; with ``horizon``, only inside
    it). ``estimator``, ``horizon``, ``generous`` and ``empty_sentiment`` (paths of files whose
    sentiment column is empty): see ``normalise``."""
    mentions = pl.concat(
        [
            normalise(
                s,
                not_after,
                estimator,
                empty_sentiment=s.path in empty_sentiment,
                horizon=horizon,
                generous=generous,
            )
            for s in sources
        ],
        how="vertical_relaxed",
    )
    # One file of mentions has no copies of its own; a volume series may repeat a time.
    several = len(sources) > 1 or any(s.kind == "series" for s in sources)
    return mark_duplicates(mentions, horizon) if several else mentions


def mark_duplicates(
    mentions: pl.LazyFrame, within: tuple[datetime, datetime] | None = None
) -> pl.LazyFrame:
    """Mark the second and later copies of a mention (across several export files) with the
    reason "duplicate": within a topic, the same platform and id, else the same URL, else the
    same author, time and text; a row of a volume series (none of these) repeats one with the
    same time. The first copy, in file order, is kept.

    ``within``: ``(start, end)``, only mentions with ``start < timestamp <= end`` are compared
    (a scan's horizon: a copy older than that cannot change a score, and comparing it would
    keep a key of every mention of every file in memory); the others stay as they are. Keys
    are exact, never hashes: a collision would lose a mention."""
    ok = pl.col("_reject").is_null()
    if within is not None:
        ok = ok & (pl.col("timestamp") > within[0]) & (pl.col("timestamp") <= within[1])
    stamp = pl.col("timestamp").dt.epoch("us").cast(pl.String)
    sep = "\x1f"
    topic = pl.col("topic").fill_null("")
    key = (
        pl.when(ok & pl.col("id").is_not_null())
        .then(
            pl.concat_str(
                pl.lit("id"), topic, pl.col("platform").fill_null(""), pl.col("id"), separator=sep
            )
        )
        .when(ok & pl.col("url").is_not_null())
        .then(pl.concat_str(pl.lit("url"), topic, pl.col("url"), separator=sep))
        .when(ok & (pl.col("author").is_not_null() | pl.col("text").is_not_null()))
        .then(
            pl.concat_str(
                pl.lit("at"),
                topic,
                pl.col("author").fill_null(""),
                stamp,
                pl.col("text").fill_null(""),
                separator=sep,
            )
        )
        .when(ok)  # a volume series: one count per topic and time
        .then(pl.concat_str(pl.lit("ts"), topic, stamp, separator=sep))
    )
    duplicate = key.is_not_null() & ~key.is_first_distinct()
    return mentions.with_columns(
        pl.when(duplicate).then(pl.lit(DUPLICATE)).otherwise(pl.col("_reject")).alias("_reject")
    )


def _stored(
    source: Source, estimator: Estimator | None, horizon: tuple[datetime, datetime] | None
) -> pl.LazyFrame:
    """A store's mentions in the columns ``normalise`` gives a file's (nothing to reject or
    report: that was done on import), with the sentiment estimated where ``_estimate`` says so
    (inside ``horizon`` when given), as a scan of the export would. Without that column (a
    store that holds no such mention) the pass runs no Python."""
    sentiment = pl.col("sentiment")
    if estimator is not None and "_estimate" in source.frame.collect_schema():
        ts = pl.col("timestamp")
        wanted = pl.col("_estimate")
        if horizon is not None:
            wanted = wanted & (ts > horizon[0]) & (ts <= horizon[1])
        text = pl.when(wanted).then(pl.col("text"))
        sentiment = (
            pl.when(pl.col("_estimate"))
            .then(estimator.expr(text, pl.col("language")))
            .otherwise(sentiment)
        )
    null = pl.lit(None, pl.String)
    return source.frame.select(
        pl.lit(source.path).alias("_file"),
        pl.lit(None, pl.Int64).alias("_line"),
        null.alias("_raw_ts"),
        *(sentiment.alias(c) if c == "sentiment" else pl.col(c) for c in CANONICAL),
        null.alias("_reject"),
        null.alias("_unread"),
        pl.lit(False).alias("_unread_any"),
        pl.lit(False).alias("_slow"),  # typed in the store: nothing parsed here
        *(null.alias(f"_raw_{n}") for n in RAW_VALUES),
    )
