"""Typed Parquet columns stay typed: the same mentions written as a CSV (text cells) and as a
Parquet file with typed columns give the same report, rejects and notes, and the typed file's
plan parses no text."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from typer.testing import CliRunner

from conftest import storm_rows
from stormwatch.cli.main import ExitCode, app
from stormwatch.pipeline.analyse import analyse, load_sources
from stormwatch.pipeline.normalise import normalise
from stormwatch.render.formats import report_dict
from stormwatch.sources import ReadOptions, read_source
from stormwatch.store.canonical import CanonicalStore
from stormwatch.store.imports import import_sources

runner = CliRunner()
Row = dict[str, Any]
T0 = datetime(2026, 11, 1, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


def mentions() -> list[Row]:
    """``storm_rows`` (a storm of ``acme`` in its last two hours) with engagement, and, after
    the first mention, rows a reader sets aside or leaves a value of empty."""
    rows = [
        {
            "timestamp": datetime.strptime(r[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
            "brand": r[1],
            "author": r[2],
            "followers": r[3],
            "engagement": i % 7,
            "text": r[4],
            "sentiment": r[5],
        }
        for i, r in enumerate(storm_rows())
    ]
    at = T0 + timedelta(hours=5, minutes=10)
    base = {"brand": "acme", "author": "@odd", "text": "odd one", "sentiment": "neutral"}
    odd: list[Row] = [
        {**base, "timestamp": None, "followers": 1, "engagement": 1},
        {
            **base,
            "timestamp": datetime(1985, 3, 1, 10, tzinfo=UTC),
            "followers": 1,
            "engagement": 0,
        },
        {**base, "timestamp": at, "followers": -4, "engagement": 2},
        {**base, "timestamp": at, "followers": 5, "engagement": -1},
        {**base, "timestamp": at, "followers": None, "engagement": None, "sentiment": None},
        {**base, "timestamp": at, "followers": 7, "engagement": 3, "sentiment": "Sehr negativ"},
        {**base, "timestamp": at, "followers": 8, "engagement": 3, "sentiment": "bogus"},
        {**base, "timestamp": datetime(2200, 1, 2, tzinfo=UTC), "followers": 2, "engagement": 0},
    ]
    return [rows[0], *odd, *rows[1:]]


def cell(value: object) -> str:
    """How a text export writes a value (a null is an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M:%S")
        if value.tzinfo is UTC:
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def flat(row: Row) -> Row:
    """A row with nested objects as dotted names, as the readers name their columns."""
    out: Row = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def write_both(
    tmp_path: Path, rows: Sequence[Row], schema: dict[str, Any], stem: str = "mentions"
) -> tuple[Path, Path]:
    """``rows`` as a CSV of text cells and as a Parquet file typed by ``schema``."""
    text, typed = tmp_path / f"{stem}.csv", tmp_path / f"{stem}.parquet"
    pl.DataFrame(list(rows), schema=schema, orient="row").write_parquet(typed)
    flattened = [flat(r) for r in rows]
    header = list(flattened[0])
    with text.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([cell(r[k]) for k in header] for r in flattened)
    return text, typed


def comparable(data: dict[str, Any], path: Path, header_line: int) -> dict[str, Any]:
    """A report without what tells the files apart: their names, how the timestamps were
    read, and the header line (a CSV's first record is on line 2, a Parquet file's is 1)."""
    data = json.loads(json.dumps(data).replace(json.dumps(str(path))[1:-1], "FILE"))
    block = data["input"]
    del block["formats"]
    for item in (*block["rejects"], *block["unreadable"]):
        item["first_line"] -= header_line
    return data


def reports(
    text: Path, typed: Path, options: ReadOptions | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The reports of the CSV and the Parquet file, each made comparable."""
    of_text = report_dict(analyse([text], options=options))
    of_typed = report_dict(analyse([typed], options=options))
    return comparable(of_text, text, 1), comparable(of_typed, typed, 0)


def typed_plan(path: Path, options: ReadOptions | None = None) -> str:
    """The plan of the canonical columns a scan needs of every row."""
    source = read_source(path, options)
    columns = ("timestamp", "followers", "engagement", "sentiment", "_reject", "_unread_any")
    return normalise(source).select(*columns).explain()


# --- the same mentions, typed and as text ---------------------------------------------------


def as_local(zone: ZoneInfo) -> Callable[[datetime], datetime]:
    def convert(moment: datetime) -> datetime:
        return moment.astimezone(zone)

    return convert


def wall_time(moment: datetime) -> datetime:
    """The wall time in New York, without its zone: 2026-11-01 01:30 happens twice there."""
    return moment.astimezone(NEW_YORK).replace(tzinfo=None)


def epoch(scale: int) -> Callable[[datetime], int]:
    def convert(moment: datetime) -> int:
        return int(moment.timestamp()) * scale

    return convert


def to_date(moment: datetime) -> date:
    return moment.date()


@dataclass(frozen=True)
class Case:
    """How the mentions are typed: the timestamp's type and its values, the options."""

    timestamp: Any
    convert: Callable[[datetime], Any]
    formats: list[str]
    options: ReadOptions = field(default_factory=ReadOptions)
    #: the evaluation moment and acme's score (dates: every mention at midnight in Berlin)
    outcome: tuple[str, float] = ("2026-11-03T23:58:00Z", 95.2)


CASES = {
    "aware UTC": Case(pl.Datetime("us", "UTC"), lambda t: t, ["datetime"]),
    "aware Berlin ms": Case(
        pl.Datetime("ms", "Europe/Berlin"), as_local(ZoneInfo("Europe/Berlin")), ["datetime"]
    ),
    "naive in New York": Case(
        pl.Datetime("ns"), wall_time, ["datetime"], ReadOptions(timezone="America/New_York")
    ),
    "date in Berlin": Case(
        pl.Date(),
        to_date,
        ["date"],
        ReadOptions(timezone="Europe/Berlin"),
        ("2026-11-02T23:00:00Z", 89.0),
    ),
    "epoch seconds": Case(pl.Int64(), epoch(1), ["epoch_s"]),
    "epoch milliseconds": Case(pl.UInt64(), epoch(1000), ["epoch_ms"]),
}
SCHEMA = {
    "timestamp": pl.Datetime("us", "UTC"),
    "brand": pl.String(),
    "author": pl.String(),
    "followers": pl.Int64(),
    "engagement": pl.Int32(),
    "text": pl.String(),
    "sentiment": pl.String(),
}


def typed_rows(case: Case) -> list[Row]:
    rows = mentions()
    return [
        {**r, "timestamp": None if r["timestamp"] is None else case.convert(r["timestamp"])}
        for r in rows
    ]


@pytest.mark.parametrize("name", CASES)
def test_typed_timestamps_read_as_their_text(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    rows = typed_rows(case)
    if name == "naive in New York":  # a wall time that does not exist there: a bad timestamp
        rows.insert(2, {**rows[2], "timestamp": datetime(2026, 3, 8, 2, 30)})
    text, typed = write_both(tmp_path, rows, {**SCHEMA, "timestamp": case.timestamp})
    of_text, of_typed = reports(text, typed, case.options)
    assert of_typed == of_text
    raw = report_dict(analyse([typed], options=case.options))
    assert raw["input"]["formats"] == {
        str(typed): {"preset": "generic", "kind": "mentions", "timestamps": case.formats}
    }
    reasons = {r["reason"]: (r["count"], r["first_line"]) for r in raw["input"]["rejects"]}
    skipped = int(name == "naive in New York")  # the wall time skipped in spring
    assert reasons == {
        "missing timestamp": (1, 2),
        "bad timestamp": (2 + skipped, 3),  # 1985, 2200 and that
        "negative follower count": (1, 4 + skipped),
        "negative engagement": (1, 5 + skipped),
    }
    assert {r["reason"]: r["count"] for r in raw["input"]["unreadable"]} == {
        "unreadable sentiment": 1
    }
    assert raw["input"]["rows_read"] == len(rows)
    top = raw["topics"][0]
    assert (raw["evaluated_at"], top["score"]) == case.outcome
    assert (top["topic"], top["level"]) == ("acme", "storm")
    plan = typed_plan(typed, case.options)
    assert ".str." not in plan  # nothing parsed: no strptime, no text casts
    assert ".str." in typed_plan(text, case.options)  # the CSV's text is parsed


def test_a_typed_timestamp_out_of_range_is_a_bad_timestamp_as_its_text_is(tmp_path: Path) -> None:
    text, typed = write_both(tmp_path, mentions(), SCHEMA)

    def examples(path: Path) -> list[tuple[str, int, int, str | None]]:
        found = report_dict(analyse([path]))["input"]["rejects"]
        return [(r["reason"], r["count"], r["first_line"], r["example"]) for r in found]

    assert examples(typed) == [
        ("bad timestamp", 2, 3, "1985-03-01T10:00:00Z"),
        ("missing timestamp", 1, 2, None),
        ("negative engagement", 1, 5, "-1"),
        ("negative follower count", 1, 4, "-4"),
    ]
    assert examples(text) == [(r, n, line + 1, e) for r, n, line, e in examples(typed)]
    assert report_dict(analyse([typed]))["input"]["rows_used"] == 272 + 3
    bad = normalise(read_source(typed)).filter(pl.col("_reject") == "bad timestamp")
    assert bad.select("_line", "_raw_ts").collect().rows() == [
        (3, "1985-03-01T10:00:00Z"),
        (9, "2200-01-02T00:00:00Z"),
    ]


def test_float_followers_are_rounded_and_a_numeric_score_is_read_by_its_sign(
    tmp_path: Path,
) -> None:
    score = {"negative": -0.8, "neutral": 0.0, "positive": 0.35, "Sehr negativ": -3.0}
    rows = [
        {
            **r,
            "followers": None if r["followers"] is None else r["followers"] + 0.4,
            "sentiment": score.get(r["sentiment"], 7.0) if r["sentiment"] else None,
        }
        for r in mentions()
    ]
    rows[9]["followers"] = 1234.5  # rounded to even, as the text path rounds "1234.5"
    schema = {**SCHEMA, "followers": pl.Float64(), "sentiment": pl.Float32()}
    text, typed = write_both(tmp_path, rows, schema)
    of_text, of_typed = reports(text, typed)
    assert of_typed == of_text
    assert of_typed["input"]["unreadable"] == []  # a score is never unreadable
    top = of_typed["topics"][0]
    assert (top["topic"], top["level"]) == ("acme", "storm")
    frame = normalise(read_source(typed)).select("followers", "sentiment").collect()
    assert frame.row(9) == (1234, "positive")
    assert frame.row(3) == (-4, "neutral")
    assert ".str." not in typed_plan(typed)


def test_nested_fields_keep_their_type(tmp_path: Path) -> None:
    rows = [
        {
            "timestamp": r["timestamp"],
            "brand": r["brand"],
            "author": {"name": r["author"], "followers": r["followers"]},
            "text": r["text"],
            "sentiment": r["sentiment"],
        }
        for r in mentions()
    ]
    schema = {
        "timestamp": pl.Datetime("us", "UTC"),
        "brand": pl.String(),
        "author": pl.Struct({"name": pl.String(), "followers": pl.Int64()}),
        "text": pl.String(),
        "sentiment": pl.String(),
    }
    text, typed = write_both(tmp_path, rows, schema)
    source = read_source(typed)
    assert dict(source.columns) == {
        "timestamp": "timestamp",
        "author": "author.name",
        "followers": "author.followers",
        "text": "text",
        "sentiment": "sentiment",
        "topic": "brand",
    }
    assert source.frame.collect_schema()["followers"] == pl.Int64()
    of_text, of_typed = reports(text, typed)
    assert of_typed == of_text
    assert of_typed["input"]["rejects"][-1]["reason"] == "negative follower count"


def test_a_mapping_chooses_typed_columns_by_name(tmp_path: Path) -> None:
    rows = [
        {"posted": r["timestamp"], "fans": r["followers"], "who": r["author"], "brand": r["brand"]}
        for r in mentions()
    ]
    schema = {"posted": pl.Datetime("us", "UTC"), "fans": pl.Int64(), "who": pl.String()}
    text, typed = write_both(tmp_path, rows, {**schema, "brand": pl.String()})
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('timestamp = "posted"\nfollowers = "fans"\nauthor = "who"\n')
    options = ReadOptions(mapping=mapping)
    of_text, of_typed = reports(text, typed, options)
    assert of_typed == of_text
    assert of_typed["input"]["rows_rejected"] == 4
    assert ".str." not in typed_plan(typed, options)


def test_a_date_and_a_time_column_joined_are_read_as_text(tmp_path: Path) -> None:
    rows = [
        {
            "date": r["timestamp"].date(),
            "time": r["timestamp"].strftime("%H:%M"),
            "brand": r["brand"],
            "author": r["author"],
            "followers": r["followers"],
        }
        for r in mentions()
        if r["timestamp"] is not None
    ]
    schema = {"date": pl.Date(), "time": pl.String(), "brand": pl.String()}
    schema |= {"author": pl.String(), "followers": pl.Int64()}
    text, typed = write_both(tmp_path, rows, schema)
    of_text, of_typed = reports(text, typed)
    assert of_typed == of_text
    assert of_typed["input"]["notes"] == ["FILE: the timestamp is date + time joined"]
    formats = report_dict(analyse([typed]))["input"]["formats"][str(typed)]["timestamps"]
    assert formats == ["%Y-%m-%d %H:%M"]
    assert read_source(typed).frame.collect_schema()["followers"] == pl.Int64()


def test_an_integer_that_is_no_epoch_is_read_as_text_with_the_mapping_format(
    tmp_path: Path,
) -> None:
    rows = [
        {"day": int(f"{r['timestamp']:%Y%m%d}"), "brand": r["brand"], "author": r["author"]}
        for r in mentions()
        if r["timestamp"] is not None
    ]
    text, typed = write_both(
        tmp_path, rows, {"day": pl.Int64(), "brand": pl.String(), "author": pl.String()}
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('timestamp = "day"\ntimestamp_format = "%Y%m%d"\n')
    options = ReadOptions(mapping=mapping)
    of_text, of_typed = reports(text, typed, options)
    assert of_typed == of_text
    assert of_typed["input"]["rows_used"] == len(rows) - 2  # 1985 and 2200
    assert read_source(typed, options).frame.collect_schema()["timestamp"] == pl.String()


def test_a_volume_series_keeps_fractional_counts(tmp_path: Path) -> None:
    rows = [
        {"timestamp": T0 + timedelta(hours=h), "brand": b, "value": 0.25 * (h % 5) + (b == "x")}
        for h in range(60)
        for b in ("x", "y")
    ]
    rows[3]["value"] = -1.0
    schema = {"timestamp": pl.Datetime("us", "UTC"), "brand": pl.String(), "value": pl.Float64()}
    text, typed = write_both(tmp_path, rows, schema)
    of_text, of_typed = reports(text, typed)
    assert of_typed == of_text
    assert of_typed["input"]["rejects"] == [
        {
            "file": "FILE",
            "reason": "negative count",
            "count": 1,
            "first_line": 4,
            "example": "-1.0",
        }
    ]
    counts = normalise(read_source(typed)).select("count").collect()["count"]
    assert counts.dtype == pl.Float64
    assert counts[:5].to_list() == [1.0, 0.0, 1.25, -1.0, 1.5]


def test_copies_across_a_typed_and_a_text_file_count_once(tmp_path: Path) -> None:
    rows = mentions()
    text, typed = write_both(tmp_path, rows, SCHEMA)
    later, _ = write_both(tmp_path, rows[150:], SCHEMA, stem="later")
    both_text = report_dict(analyse([text, later]))
    mixed = report_dict(analyse([typed, later]))
    # the 130 copies, and two rows of the same author, time and text in the first file
    assert mixed["input"]["rows_duplicate"] == both_text["input"]["rows_duplicate"] == 132
    assert mixed["topics"] == both_text["topics"]


def test_a_typed_file_without_sentiment_is_estimated(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k != "sentiment"} for r in mentions()]
    schema = {k: v for k, v in SCHEMA.items() if k != "sentiment"}
    text, typed = write_both(tmp_path, rows, schema)
    of_text, of_typed = reports(text, typed)
    assert of_typed == of_text
    assert of_typed["input"]["sentiment_estimated"] == ["FILE"]


def test_the_newest_mention_is_guessed_from_the_typed_tail(tmp_path: Path) -> None:
    start = datetime(2026, 11, 1)
    rows = [{"timestamp": start + timedelta(minutes=i), "author": f"@a{i}"} for i in range(2500)]
    schema = {"timestamp": pl.Datetime("ns"), "author": pl.String()}
    text, typed = write_both(tmp_path, rows, schema)
    options = ReadOptions(timezone="America/New_York")
    newest = datetime(2026, 11, 2, 22, 39, tzinfo=UTC)  # the last row, 17:39 in New York
    assert read_source(typed, options).latest == read_source(text, options).latest == newest


def test_an_import_into_the_store_reads_the_typed_file(tmp_path: Path) -> None:
    text, typed = write_both(tmp_path, mentions(), SCHEMA)
    results = []
    for path in (text, typed):
        store = CanonicalStore(tmp_path / f"store-{path.suffix}")
        imported = import_sources(store, load_sources(path, ReadOptions()))
        results.append((imported.new, imported.stored, imported.input.rows_rejected))
        rows = pl.read_parquet(sorted(store.root.rglob("*.parquet")))
        results.append(rows.sort("timestamp", "author", "text").drop("_estimate", strict=False))
    assert results[0] == results[2] == (275, 0, 5)
    assert results[1].equals(results[3])


def test_the_cli_scans_a_typed_file(tmp_path: Path) -> None:
    text, typed = write_both(
        tmp_path, typed_rows(CASES["naive in New York"]), SCHEMA | {"timestamp": pl.Datetime("ns")}
    )
    outputs = []
    for path in (text, typed):
        rejects = tmp_path / f"rejects-{path.suffix[1:]}.csv"
        args = ["scan", str(path), "--format", "json", "--timezone", "America/New_York"]
        result = runner.invoke(app, [*args, "--rejects", str(rejects)])
        assert result.exit_code == ExitCode.OK, result.output
        outputs.append((json.loads(result.stdout), result.stderr, pl.read_csv(rejects)))
    (text_json, text_err, text_rejects), (typed_json, typed_err, typed_rejects) = outputs
    assert comparable(typed_json, typed, 0) == comparable(text_json, text, 1)
    assert typed_err.replace(str(typed), "FILE").splitlines() == [
        "Warning: 5 of 280 rows could not be used and were left out:",
        "  bad timestamp: 2 in FILE (first at line 3: '1985-03-01T05:00:00')",
        "  missing timestamp: 1 in FILE (first at line 2: empty)",
        "  negative engagement: 1 in FILE (first at line 5: '-1')",
        "  negative follower count: 1 in FILE (first at line 4: '-4')",
        "Warning: 1 of 280 rows was used with a value that could not be read and was left empty:",
        "  unreadable sentiment: 1 in FILE (first at line 8: 'bogus')",
        f"Note: wrote 5 set-aside rows to {tmp_path / 'rejects-parquet.csv'}.",
        "Note: the baseline covers 70 of 168 windows (the data starts later)",
    ]
    assert text_err.count("(first at line") == typed_err.count("(first at line") == 5
    assert typed_rejects.select("line", "reason", "timestamp").rows() == [
        (2, "missing timestamp", None),
        (3, "bad timestamp", "1985-03-01T05:00:00"),
        (4, "negative follower count", "2026-11-01T01:10:00"),
        (5, "negative engagement", "2026-11-01T01:10:00"),
        (9, "bad timestamp", "2200-01-01T19:00:00"),
    ]
    assert text_rejects["line"].to_list() == [n + 1 for n in typed_rejects["line"]]
    assert text_rejects.drop("file", "line").equals(typed_rejects.drop("file", "line"))
