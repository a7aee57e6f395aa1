"""Containers with real files in real formats: what ``open_tables`` reads, and every way it
refuses a file (always an InputError naming the file, never a traceback)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stormwatch as sw
from stormwatch.errors import InputError, StormwatchError
from stormwatch.pipeline.normalise import normalise
from stormwatch.sources import open_tables
from stormwatch.sources.interpret import interpret
from stormwatch.sources.sniff import SAMPLE_BYTES
from stormwatch.sources.table import RawTable, typed_name

T0 = datetime(2026, 2, 5, 8, 0)


def put(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def cells(table: RawTable) -> list[str]:
    """The table's rows as ``"line|cell|cell…"`` (the file line or sheet row; ∅ for null)."""
    frame = table.frame.select("_row", *table.header).collect()
    lines = [table.physical_line(table.header_line + 1 + r) for r in frame["_row"]]
    rows = frame.drop("_row").rows()
    return [
        "|".join([str(n), *("∅" if c is None else c for c in row)])
        for n, row in zip(lines, rows, strict=True)
    ]


def names(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


def only(path: Path) -> RawTable:
    tables = open_tables(path)
    assert len(tables) == 1
    return tables[0]


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        open_tables(path)
    return info.value


def hours(n: int, fmt: str) -> list[str]:
    return [(T0 + timedelta(hours=h)).strftime(fmt) for h in range(n)]


def analysed(path: Path) -> sw.Report:
    report = sw.analyse([path])
    assert report.topics
    assert report.input.rows_rejected == 0
    return report


# --- XLSX ---------------------------------------------------------------------------------------


BRAND24 = names("ID|Date|Hrs|Title|Content|Source|Domain|Category|Sentiment|Tags")


def test_xlsx_mentions_sheet_after_another_sheet_with_a_blank_first_row(tmp_path: Path) -> None:
    """Brand24: sheet "Mentions", row 1 blank, header in row 2 with an empty first cell; the
    day in ``Date`` (an Excel date) and the time in ``Hrs``."""
    path = tmp_path / "brand24.xlsx"
    with xlsxwriter.Workbook(path) as book:
        summary = book.add_worksheet("Summary")
        summary.write_row(0, 0, ["Date", "Mentions", "Author"])  # scores, but is not "Mentions"
        sheet = book.add_worksheet("Mentions")
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(1, 0, ["", *BRAND24])
        for i, row in enumerate([3, 5, 6]):  # sheet row 4 stays blank
            sheet.write_number(row - 1, 0, i + 1)
            sheet.write_number(row - 1, 1, [1234, 1.5, 20000000000][i])
            sheet.write_datetime(row - 1, 2, datetime(2026, 2, 5), day)
            sheet.write_string(row - 1, 3, f"{8 + i:02d}:00:00")
            sheet.write_row(row - 1, 4, f"t{i}|Inhalt {i}|https://x/{i}|x.com|social".split("|"))
            sheet.write(row - 1, 9, "negative")
    table = only(path)
    assert table.header == ("column_1", *BRAND24)
    assert (table.header_line, table.decimal_comma, table.notes) == (2, False, ())
    assert cells(table) == [
        "3|1|1234|2026-02-05|08:00:00|t0|Inhalt 0|https://x/0|x.com|social|negative|∅",
        "5|2|1.5|2026-02-05|09:00:00|t1|Inhalt 1|https://x/1|x.com|social|negative|∅",
        "6|3|20000000000|2026-02-05|10:00:00|t2|Inhalt 2|https://x/2|x.com|social|negative|∅",
    ]
    assert table.tail("Hrs") == ["08:00:00", "09:00:00", "10:00:00"]
    report = analysed(path)
    assert report.input.rows_used == 3


SPRINKLR = names(
    "Conversation Stream|Permalink|Created Time|Sender Screen Name|Sender Follower Count|Sentiment"
)


def test_xlsx_sprinklr_banner_and_blank_row(tmp_path: Path) -> None:
    path = tmp_path / "sprinklr.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("Export")
        sheet.write(0, 0, "Listening Dashboard: Brand X, 01/02/2026 - 07/02/2026")
        sheet.write_row(2, 0, SPRINKLR)
        sheet.write_row(3, 0, ["Tür klemmt", "https://x/1", "05/02/2026 08:00:00 AM", "@a", 10])
        sheet.write(3, 5, "NEGATIVE")
        sheet.write_row(4, 0, ["ok", "https://x/2", "05/02/2026 09:00:00 AM", "@b", 0.5, None])
    table = only(path)
    assert table.header == SPRINKLR
    assert (table.header_line, table.decimal_comma, table.notes) == (3, False, ())
    assert cells(table) == [
        "4|Tür klemmt|https://x/1|05/02/2026 08:00:00 AM|@a|10|NEGATIVE",
        "5|ok|https://x/2|05/02/2026 09:00:00 AM|@b|0.5|∅",
    ]


def test_xlsx_sheet_chosen_by_its_header_with_a_note(tmp_path: Path) -> None:
    """Excel date-times become ISO 8601; a time of day alone stays a time."""
    path = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(path) as book:
        book.add_worksheet("Cover").write(0, 0, "Quarterly report")
        data = book.add_worksheet("Data")
        stamp = book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
        clock = book.add_format({"num_format": "hh:mm"})
        data.write_row(0, 0, ["Date", "Author", "Text", "Time"])
        for i in range(3):
            data.write_datetime(i + 1, 0, T0 + timedelta(hours=i, seconds=i), stamp)
            data.write_row(i + 1, 1, [f"@a{i}", "hi"])
            data.write_number(i + 1, 3, (8 + i) / 24, clock)
        data.write(4, 0, datetime(2026, 2, 6), stamp)  # midnight, in a column of date-times
    table = only(path)
    assert table.header == ("Date", "Author", "Text", "Time")
    assert cells(table) == [
        "2|2026-02-05T08:00:00|@a0|hi|08:00:00",
        "3|2026-02-05T09:00:01|@a1|hi|09:00:00",
        "4|2026-02-05T10:00:02|@a2|hi|10:00:00",
        "5|2026-02-06T00:00:00|∅|∅|∅",
    ]
    assert table.notes == (f"{path}: read sheet 'Data', the one that looks like mentions",)
    assert analysed(path).input.rows_used == 4


def test_xlsx_without_a_mentions_sheet(tmp_path: Path) -> None:
    path = tmp_path / "charts.xlsx"
    with xlsxwriter.Workbook(path) as book:
        book.add_worksheet("Cover").write(0, 0, "Quarterly report")
        book.add_worksheet("Chart data").write_row(0, 0, ["Week", "Volume"])
    err = refused(path)
    assert str(err) == f"{path}: no sheet has mention columns (sheets: 'Cover', 'Chart data')"
    assert err.hint is not None
    assert err.hint.startswith("stormwatch looks for a header row with columns such as Date")


def test_xlsx_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    with xlsxwriter.Workbook(path) as book:
        book.add_worksheet("Mentions")
    assert str(refused(path)) == f"{path}: sheet 'Mentions' is empty"


# --- ZIP ----------------------------------------------------------------------------------------


def test_zip_with_two_csvs(tmp_path: Path) -> None:
    path = tmp_path / "download.zip"
    first = "Date,Author,Full Text\n" + "".join(
        f"{ts},@a{i},first {i}\n" for i, ts in enumerate(hours(20, "%Y-%m-%d %H:%M:%S")[:10])
    )
    second = "\ufeffDate,Author,Full Text\n" + "".join(
        f"{ts},@b{i},second {i}\n" for i, ts in enumerate(hours(20, "%Y-%m-%d %H:%M:%S")[10:])
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mentions-1.csv", first)
        archive.writestr("__MACOSX/._mentions-1.csv", "junk")
        archive.writestr("part/mentions-2.csv", second)
        archive.writestr("README.txt.pdf", "not a table")
    tables = open_tables(path)
    assert [t.name for t in tables] == [f"{path}:mentions-1.csv", f"{path}:part/mentions-2.csv"]
    assert [t.header for t in tables] == [("Date", "Author", "Full Text")] * 2
    assert [(t.header_line, t.decimal_comma, t.notes) for t in tables] == [(1, False, ())] * 2
    assert cells(tables[0])[0] == "2|2026-02-05 08:00:00|@a0|first 0"
    assert cells(tables[1])[-1] == "11|2026-02-06 03:00:00|@b9|second 9"
    report = sw.analyse([path])
    assert report.input.rows_used == 20
    assert report.input.files == tuple(t.name for t in tables)


def test_zip_without_csv_members(tmp_path: Path) -> None:
    path = tmp_path / "images.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("chart.png", b"\x89PNG")
        archive.writestr("notes.md", "hello")
    err = refused(path)
    assert str(err) == f"{path}: the archive holds no CSV files (it holds: chart.png, notes.md)"
    assert err.hint == "pass the export itself, or an archive with its CSV files"


def test_zip_member_errors_name_the_member(tmp_path: Path) -> None:
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("empty.csv", "")
    assert str(refused(path)) == f"{path}:empty.csv: the file is empty"


def test_zip_inside_a_zip(tmp_path: Path) -> None:
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a.csv", "Date\n2026-02-06\n")
    path = tmp_path / "outer.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(inner, "inner.csv")  # named like a table, but an archive
    assert str(refused(path)) == f"{path}:inner.csv: is an archive inside an archive"


def test_damaged_zip(tmp_path: Path) -> None:
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "timestamp\n2026-02-06\n" * 100)
    path.write_bytes(path.read_bytes()[:60])
    err = refused(path)
    assert str(err).startswith(f"{path}: not a valid ZIP archive (")
    assert err.hint == "the file is damaged or was not downloaded completely; download it again"


# --- Parquet ------------------------------------------------------------------------------------


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "mentions.parquet"
    pl.DataFrame(
        {
            "created_at": [T0.replace(tzinfo=UTC), T0.replace(tzinfo=UTC, microsecond=500)],
            "local": [T0, T0 + timedelta(hours=1)],
            "day": [T0.date(), None],
            "user": [{"username": "a", "followers_count": 10}, None],
            "tags": [["x", "y"], None],
            "likes": [3, None],
            "score": [0.5, -1.0],
            "text": ["hello", None],
        }
    ).write_parquet(path)
    table = only(path)
    assert table.header == names(
        "created_at|local|day|user.username|user.followers_count|tags|likes|score|text"
    )
    assert (table.header_line, table.decimal_comma, table.notes) == (0, False, ())
    assert cells(table) == [
        '1|2026-02-05T08:00:00Z|2026-02-05T08:00:00|2026-02-05|a|10|["x","y"]|3|0.5|hello',
        "2|2026-02-05T08:00:00.000500Z|2026-02-05T09:00:00|∅|∅|∅|∅|∅|-1.0|∅",
    ]
    assert table.tail("created_at")[-1] == "2026-02-05T08:00:00.000500Z"
    # numbers, datetimes and dates keep their type in twins of their text columns
    assert table.typed == {
        "created_at": pl.Datetime("us", "UTC"),
        "local": pl.Datetime("us"),
        "day": pl.Date(),
        "user.followers_count": pl.Int64(),
        "likes": pl.Int64(),
        "score": pl.Float64(),
    }
    twins = table.frame.select(typed_name(h) for h in table.typed).collect()
    assert twins.rows() == [
        (T0.replace(tzinfo=UTC), T0, T0.date(), 10, 3, 0.5),
        (T0.replace(tzinfo=UTC, microsecond=500), T0 + timedelta(hours=1), None, None, None, -1.0),
    ]
    assert table.tail(typed_name("created_at"))[-1] == T0.replace(tzinfo=UTC, microsecond=500)
    assert analysed(path).input.rows_used == 2


def test_parquet_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pl.DataFrame({"created_at": []}, schema={"created_at": pl.String}).write_parquet(path)
    assert str(refused(path)) == f"{path}: the file has no rows"


def test_damaged_parquet(tmp_path: Path) -> None:
    path = put(tmp_path, "broken.parquet", b"PAR1" + b"\x00" * 40)
    err = refused(path)
    assert str(err).startswith(f"{path}: not a readable Parquet file (")


# --- JSON Lines ---------------------------------------------------------------------------------


def snscrape(i: int, **extra: object) -> str:
    return json.dumps(
        {
            "_type": "snscrape.modules.twitter.Tweet",
            "url": f"https://twitter.com/u{i}/status/{i}",
            "date": (T0 + timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "rawContent": f"Tür {i}",
            "id": 1600000000000000000 + i,
            "user": {"username": f"u{i}", "followersCount": 10 * i, "verified": i % 2 == 0},
            "hashtags": ["fridge"] if i % 2 else None,
            **extra,
        },
        ensure_ascii=False,
    )


def test_jsonl_with_nested_user_objects(tmp_path: Path) -> None:
    lines = [snscrape(0), "", snscrape(1, place={"country": "DE"}), snscrape(2)]
    path = put(tmp_path, "tweets.jsonl", "\n".join(lines) + "\n")
    table = only(path)
    assert table.header == names(
        "_type|url|date|rawContent|id|user.username|user.followersCount|user.verified|hashtags|"
        "place.country"
    )
    assert (table.header_line, table.decimal_comma, table.notes) == (0, False, ())
    got = cells(table)
    assert got == [
        "1|snscrape.modules.twitter.Tweet|https://twitter.com/u0/status/0|"
        "2026-02-05T08:00:00+00:00|Tür 0|1600000000000000000|u0|0|true|∅|∅",
        "3|snscrape.modules.twitter.Tweet|https://twitter.com/u1/status/1|"
        '2026-02-05T09:00:00+00:00|Tür 1|1600000000000000001|u1|10|false|["fridge"]|DE',
        "4|snscrape.modules.twitter.Tweet|https://twitter.com/u2/status/2|"
        "2026-02-05T10:00:00+00:00|Tür 2|1600000000000000002|u2|20|true|∅|∅",
    ]
    assert table.tail("user.username") == ["u0", "u1", "u2"]
    assert analysed(path).input.rows_used == 3


def test_jsonl_line_that_is_not_json(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.jsonl", snscrape(0) + "\nnot json at all\n" + snscrape(1) + "\n")
    err = refused(path)
    assert str(err) == f"{path}, line 2: not JSON (Expecting value)"
    assert err.hint is not None
    assert err.hint.startswith("stormwatch reads JSON Lines: one JSON object per line")


def test_jsonl_array_is_explained(tmp_path: Path) -> None:
    path = put(tmp_path, "dump.json", "[" + snscrape(0) + "]\n")
    err = refused(path)
    assert str(err) == f"{path}, line 1: a JSON line must be an object, this is an array"


def test_jsonl_cut_off_after_the_sample(tmp_path: Path) -> None:
    n = 1200
    text = "\n".join(snscrape(i) for i in range(n)) + "\n" + snscrape(n)[:40]
    assert len(text.encode()) > SAMPLE_BYTES
    path = put(tmp_path, "cut.jsonl", text)
    err = refused(path)
    assert err.line == n + 1
    assert str(err).startswith(f"{path}, line {n + 1}: not JSON (")
    assert err.hint == "the file may be cut off: download it again"


# --- other bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\n \r\n", b"\xff\xfe"])
def test_empty_files(tmp_path: Path, data: bytes) -> None:
    path = put(tmp_path, "empty.csv", data)
    err = refused(path)
    assert str(err) == f"{path}: the file is empty"
    assert err.hint == "export the mentions again"


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"%PDF-1.7\n\x00\x01\x02\x03\x04\x05\x06\x07"],
)
def test_binary_garbage(tmp_path: Path, data: bytes) -> None:
    path = put(tmp_path, "export.csv", data)
    assert "binary data, not CSV, JSON Lines, XLSX, ZIP or Parquet" in str(refused(path))


def _as_nobody(path: Path) -> str:
    """What opening ``path`` says to an ordinary user, when the tests run as root (who may read
    anything): a forked child gives up root, opens it and sends the message back."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                open_tables(path)
                message = "read"
            except InputError as exc:
                message = str(exc)
            os.write(write, message.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        message = fh.read().decode()
    os.waitpid(pid, 0)
    return message


def test_unreadable_file(tmp_path: Path) -> None:
    # a folder anyone may enter, so only the file's own mode stands in the way
    folder = Path(tempfile.mkdtemp(prefix="stormwatch-locked-"))
    folder.chmod(0o755)
    path = put(folder, "locked.csv", "timestamp\n2026-02-06\n")
    path.chmod(0)
    try:
        expected = f"{path}: cannot read the file: Permission denied"
        if os.geteuid() == 0:
            assert _as_nobody(path) == expected
        else:
            assert str(refused(path)) == expected
    finally:
        shutil.rmtree(folder)


# --- property: anything gives tables or a StormwatchError ---------------------------------------

CELLS = [
    "timestamp", "Date", "Datum", "author", "Full Text", "followers", "brand", "Query Id", "_row",
    "2026-02-06T15:03:00Z", "06.02.2026 15:03", "06-Feb-2026 03:03PM", "1.234", "1,5", "-3",
    "negativ", "", " ", "ä ß €", '"', '""', "a\nb", "a\rb", "x\r\ny", ",", ";", "\t", "{", "}",
    "\x00", "\ufeff", "*", "^a$",
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]
MAGIC = [b"PK\x03\x04", b"PK\x05\x06", b"PAR1", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{", b"["]
MAGIC += [b"\x1f\x8b", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]


@st.composite
def csv_like(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = draw(st.lists(st.lists(st.sampled_from(CELLS), max_size=6), max_size=8))
    quote = draw(st.booleans())
    text = newline.join(
        delimiter.join(f'"{c}"' if quote and draw(st.booleans()) else c for c in row)
        for row in rows
    )
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, errors="replace")


@st.composite
def headed_csv(draw: st.DrawFn) -> bytes:
    """Mostly valid exports: a preamble, a header with a timestamp column, rows with noise."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    preamble = draw(st.lists(st.sampled_from(["Report", "", "Query:,x"]), max_size=3))
    stamp = draw(st.sampled_from(["timestamp", "Date", "Datum", "created_at"]))
    header = [stamp, "author", *draw(st.lists(st.sampled_from(CELLS[4:9]), max_size=2))]
    stamps = st.sampled_from(CELLS[9:12])
    rows = draw(
        st.lists(st.lists(st.one_of(stamps, st.sampled_from(CELLS)), min_size=1, max_size=5))
    )
    lines = [*preamble, delimiter.join(header)]
    lines += [delimiter.join([draw(stamps), *row]) for row in rows]
    encoding = draw(st.sampled_from(ENCODINGS))
    return newline.join(lines).encode(encoding, errors="replace")


anything = st.one_of(
    st.binary(max_size=300),
    csv_like(),
    headed_csv(),
    st.tuples(st.sampled_from(MAGIC), st.binary(max_size=200)).map(b"".join),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=anything, suffix=st.sampled_from([".csv", ".xlsx", ".zip", ".parquet", ".jsonl"]))
@pytest.mark.slow
def test_anything_gives_tables_or_a_stormwatch_error(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = put(tmp_path, "fuzz" + suffix, data)
    try:
        for table in open_tables(path):
            frame = normalise(interpret(table)).collect()
            assert frame["timestamp"].dtype == pl.Datetime("us", "UTC")
    except StormwatchError:
        return
