"""Reading export files: layout sniffing, header matching, the raw frame and every input error."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from stormwatch.errors import InputError, SchemaError, StormwatchError
from stormwatch.pipeline.normalise import normalise
from stormwatch.sources import ReadOptions, Source, read_source

TS_EXAMPLES = (
    "2026-11-23T14:05:00Z, 2026-11-23 14:05:00+01:00, 2026-11-23T14:05+01:00, "
    "23.11.2026 14:05:00, 23.11.2026 14:05"
)
PRESET_LIST = (
    "brandwatch, meltwater, talkwalker, brand24, sprinklr, youscan, twarc2, snscrape, "
    "crowdtangle-facebook, crowdtangle-instagram"
)


def put(tmp_path: Path, data: str | bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def raw_frame(path: Path, columns: list[str], rows: list[tuple[object, ...]]) -> pl.DataFrame:
    """The expected ``Source.frame``: _file, then each row as (_line, *canonical values)."""
    schema = {"_file": pl.String, "_line": pl.Int64, **dict.fromkeys(columns, pl.String)}
    return pl.DataFrame([(str(path), *row) for row in rows], schema=schema, orient="row")


def read_error(path: Path, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        read_source(path, ReadOptions(**kwargs))  # type: ignore[arg-type]
    return info.value


# --- layouts ----------------------------------------------------------------------------------


def test_comma_file(tmp_path: Path) -> None:
    path = put(
        tmp_path,
        "timestamp,author,followers,text,sentiment,brand\n"
        "2026-11-23T14:05:00Z,@alice,1200,Door broken,negative,Acme\n"
        "2026-11-23T15:10:00Z,@bob,,Nice fridge,positive,Globex\n",
    )
    source = read_source(path)
    assert isinstance(source, Source)
    assert source.path == str(path)
    assert source.columns == {
        "timestamp": "timestamp",
        "author": "author",
        "followers": "followers",
        "text": "text",
        "sentiment": "sentiment",
        "topic": "brand",
    }
    assert source.topic_column == "brand"
    assert [f.pattern for f in source.timestamp_formats] == ["%Y-%m-%dT%H:%M:%S%.f%#z"]
    assert source.timezone == "UTC"
    assert_frame_equal(
        source.frame.collect(),
        raw_frame(
            path,
            ["timestamp", "author", "followers", "text", "sentiment", "topic"],
            [
                (2, "2026-11-23T14:05:00Z", "@alice", "1200", "Door broken", "negative", "Acme"),
                (3, "2026-11-23T15:10:00Z", "@bob", None, "Nice fridge", "positive", "Globex"),
            ],
        ),
    )


def test_semicolon_file_with_utf8_bom_and_german_headers(tmp_path: Path) -> None:
    path = put(
        tmp_path,
        "\ufeffDatum;Autor;Inhalt;Abonnenten;Stimmung;Marke\n"
        "23.11.2026 14:05;anna;Tür klemmt, schon;1.234;negativ;Siemens\n"
        "23.11.2026 15:05;jörg;geht;5;neutral;Bosch\n",
    )
    source = read_source(path, ReadOptions(timezone="Europe/Berlin"))
    assert source.columns == {
        "timestamp": "Datum",
        "author": "Autor",
        "followers": "Abonnenten",
        "text": "Inhalt",
        "sentiment": "Stimmung",
        "topic": "Marke",
    }
    assert [f.pattern for f in source.timestamp_formats] == ["%d.%m.%Y %H:%M"]
    assert source.timezone == "Europe/Berlin"
    assert_frame_equal(
        source.frame.collect(),
        raw_frame(
            path,
            ["timestamp", "author", "followers", "text", "sentiment", "topic"],
            [
                (2, "23.11.2026 14:05", "anna", "1.234", "Tür klemmt, schon", "negativ", "Siemens"),
                (3, "23.11.2026 15:05", "jörg", "5", "geht", "neutral", "Bosch"),
            ],
        ),
    )


def test_tab_file_after_blank_lines_with_aliases(tmp_path: Path) -> None:
    path = put(
        tmp_path,
        "\n  \n\n"
        "Created At\tScreen Name\tfollowers_count\tFull Text\tQuery Name\n"
        "2026-11-23 14:05\t@x\t10\thello, world\tfridge\n"
        "2026-11-23 14:06\t@y\t20\tbye; now\tfridge\n",
        name="export.tsv",
    )
    source = read_source(path)
    assert source.columns == {
        "timestamp": "Created At",
        "author": "Screen Name",
        "followers": "followers_count",
        "text": "Full Text",
        "topic": "Query Name",
    }
    assert [f.pattern for f in source.timestamp_formats] == ["%Y-%m-%d %H:%M"]
    assert_frame_equal(
        source.frame.collect(),
        raw_frame(
            path,
            ["timestamp", "author", "followers", "text", "topic"],
            [
                (5, "2026-11-23 14:05", "@x", "10", "hello, world", "fridge"),
                (6, "2026-11-23 14:06", "@y", "20", "bye; now", "fridge"),
            ],
        ),
    )


def test_utf8_bom_before_blank_lines(tmp_path: Path) -> None:
    path = put(tmp_path, "\ufeff\n\ntimestamp,author\n2026-11-23,a\n")
    assert read_source(path).frame.collect()["_line"].to_list() == [4]


def test_quoted_fields_with_delimiters_quotes_and_newlines(tmp_path: Path) -> None:
    path = put(
        tmp_path,
        "timestamp,author,text\r\n"
        '2026-11-23T14:05:00Z,"Smith, Anna","she said ""no"", twice"\r\n'
        '2026-11-23T15:05:00Z,bob,"line one\nline two, still one field"\r\n',
    )
    assert_frame_equal(
        read_source(path).frame.collect(),
        raw_frame(
            path,
            ["timestamp", "author", "text"],
            [
                (2, "2026-11-23T14:05:00Z", "Smith, Anna", 'she said "no", twice'),
                (3, "2026-11-23T15:05:00Z", "bob", "line one\nline two, still one field"),
            ],
        ),
    )


def test_physical_line_counts_quoted_newlines(tmp_path: Path) -> None:
    path = put(
        tmp_path,
        '\n\ntimestamp,text\n2026-11-23,"two\nlines"\n2026-11-24,"three\r\nmore\nlines"\n'
        "2026-11-25,x\n",
    )
    source = read_source(path)
    record_lines = source.frame.collect()["_line"].to_list()
    assert record_lines == [4, 5, 6]  # cheap: one line per record
    assert [source.physical_line(n) for n in record_lines] == [4, 6, 9]  # exact


def test_reported_lines_are_physical(tmp_path: Path) -> None:
    import stormwatch as sw

    path = put(tmp_path, 'timestamp,text\n2026-11-23T10:00Z,"a\nb"\nnever,x\n')
    report = sw.analyse([path])
    assert [(r.reason, r.first_line) for r in report.input.rejects] == [("bad timestamp", 4)]
    bad = put(tmp_path, 'timestamp,text\n,"a\nb"\nnever,x\n', name="bad.csv")
    with pytest.raises(InputError, match=r"bad\.csv, line 4, column 'timestamp'"):
        read_source(bad)


def test_quoted_empty_field_is_null_like_an_empty_one(tmp_path: Path) -> None:
    path = put(tmp_path, 'timestamp,author,brand\n"2026-11-23","",""\n2026-11-24,,\n')
    frame = read_source(path).frame.collect()
    assert frame.select("author", "topic").rows() == [(None, None), (None, None)]


def test_padded_header_names_are_matched_and_read(tmp_path: Path) -> None:
    path = put(tmp_path, " Created At , author\n2026-11-23T14:05:00Z,@a\n")
    source = read_source(path)
    assert source.columns == {"timestamp": " Created At ", "author": " author"}
    assert source.frame.collect().select("timestamp", "author").rows() == [
        ("2026-11-23T14:05:00Z", "@a")
    ]


def test_ragged_rows_are_padded_and_truncated(tmp_path: Path) -> None:
    path = put(tmp_path, "date,author\n2026-11-23,a\n2026-11-23,b,extra\n2026-11-24\n")
    assert read_source(path).frame.collect().select("_line", "timestamp", "author").rows() == [
        (2, "2026-11-23", "a"),
        (3, "2026-11-23", "b"),
        (4, "2026-11-24", None),
    ]


# --- topic column -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "topic"),
    [
        ("timestamp,brand,query", "brand"),  # brand is preferred over query
        ("timestamp,Query Name", "Query Name"),
        ("timestamp,Keyword,Project", "Keyword"),
        ("timestamp,Thema", "Thema"),
        ("timestamp,author,text", None),
    ],
)
def test_default_topic_column(tmp_path: Path, header: str, topic: str | None) -> None:
    n = header.count(",")
    path = put(tmp_path, f"{header}\n2026-11-23{',x' * n}\n")
    assert read_source(path).topic_column == topic


@pytest.mark.parametrize(
    ("by", "topic"),
    [
        ("Brand Name", "Brand Name"),  # exact
        ("brand name", "Brand Name"),  # normalised
        ("brand-name", "Brand Name"),
        ("Screen Name", "Screen Name"),  # a canonical column can be the topic too
        ("author", "Screen Name"),  # by its canonical name
    ],
)
def test_by_names_the_topic_column(tmp_path: Path, by: str, topic: str) -> None:
    path = put(tmp_path, "timestamp,Screen Name,Brand Name\n2026-11-23,@a,Acme\n")
    source = read_source(path, ReadOptions(by=by))
    assert source.topic_column == topic
    assert source.columns["author"] == "Screen Name"
    assert source.frame.collect()["topic"].to_list() == ["Acme" if topic == "Brand Name" else "@a"]


def test_by_column_missing_lists_the_columns(tmp_path: Path) -> None:
    path = put(tmp_path, "\ntimestamp,author,Brand Name\n2026-11-23,@a,Acme\n")
    err = read_error(path, by="campaign")
    assert str(err) == (
        f"{path}, line 2: no column 'campaign' to group by; "
        "the file has: 'timestamp', 'author', 'Brand Name'"
    )
    assert (err.line, err.column, err.hint) == (2, None, "name one of the file's columns with --by")


# --- errors -------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    err = read_error(path)
    assert str(err) == f"{path}: file not found"
    assert (err.path, err.line, err.hint) == (str(path), None, "check the path and the file name")


def test_directory(tmp_path: Path) -> None:
    err = read_error(tmp_path)
    assert str(err) == f"{tmp_path}: is a directory, not a file"
    assert err.hint == "name the export files, e.g. dir/*.csv"


@pytest.mark.parametrize("data", [b"", b"\n\n", b"  \r\n\t\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = put(tmp_path, data)
    err = read_error(path)
    assert str(err) == f"{path}: the file is empty"
    assert err.hint == "export the mentions again"


@pytest.mark.parametrize(("data", "line"), [("timestamp,author\n", 1), ("\n\ntimestamp;author", 3)])
def test_header_only(tmp_path: Path, data: str, line: int) -> None:
    path = put(tmp_path, data)
    err = read_error(path)
    assert str(err) == f"{path}, line {line}: the file has a header but no rows"
    assert (err.line, err.hint) == (line, "export the mentions again, with data")


def test_no_timestamp_column_suggests_a_date_like_column(tmp_path: Path) -> None:
    path = put(tmp_path, "Erstellt,Autor,Text\n2026-11-23,a,b\n")
    with pytest.raises(SchemaError) as info:
        read_source(path)
    err = info.value
    assert str(err) == (
        f"{path}, line 1: no timestamp column found; the file has: 'Erstellt', 'Autor', 'Text'"
    )
    assert err.hint == (
        "is 'Erstellt' the time of each mention? Rename that column to 'timestamp'; or map it: "
        'pass --mapping FILE, a TOML file with the line timestamp = "Erstellt"; '
        f"known export formats (--preset): {PRESET_LIST}"
    )
    assert (err.missing, err.available, err.line) == ("timestamp", ["Erstellt", "Autor", "Text"], 1)


def test_no_timestamp_column_without_a_candidate(tmp_path: Path) -> None:
    path = put(tmp_path, "foo;bar\n1;2\n")
    with pytest.raises(SchemaError) as info:
        read_source(path)
    assert (
        str(info.value) == f"{path}, line 1: no timestamp column found; the file has: 'foo', 'bar'"
    )
    assert info.value.hint == (
        "the export needs a date/time column per mention, e.g. 'timestamp' or 'date'; "
        "or map it: pass --mapping FILE, a TOML file with the line "
        'timestamp = "the column with the date and time"; '
        f"known export formats (--preset): {PRESET_LIST}"
    )


def test_no_timestamp_column_among_many(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(25))
    path = put(tmp_path, header + "\n" + ",".join("x" * 25) + "\n")
    with pytest.raises(SchemaError) as info:
        read_source(path)
    shown = ", ".join(f"'c{i}'" for i in range(20))
    assert str(info.value) == (
        f"{path}, line 1: no timestamp column found; the file has: {shown}, … (25 columns)"
    )


def test_unparseable_timestamps_name_file_line_column_and_value(tmp_path: Path) -> None:
    path = put(tmp_path, "Date,author\nyesterday,a\nlast week,b\n")
    err = read_error(path)
    assert str(err) == f"{path}, line 2, column 'Date': cannot read 'yesterday' as a timestamp"
    assert (err.line, err.column) == (2, "Date")
    assert err.hint == (
        f"expected e.g. {TS_EXAMPLES}; or give the format with --mapping FILE, a TOML file "
        'with the line timestamp_format = "%d/%m/%Y %H:%M" (a strptime pattern)'
    )


def test_unparseable_timestamps_skip_blank_values(tmp_path: Path) -> None:
    path = put(tmp_path, "\ntimestamp,author\n,a\n  ,b\nsoon,c\n")
    err = read_error(path)
    assert str(err) == f"{path}, line 5, column 'timestamp': cannot read 'soon' as a timestamp"


def test_no_timestamps_at_all_is_an_export_without_mentions(tmp_path: Path) -> None:
    path = put(tmp_path, "timestamp,author,text\n,a,\n,,No mentions\n")
    err = read_error(path)
    assert str(err) == (
        f"{path}, line 2, column 'timestamp': no mentions: the timestamp is empty in every row "
        "(2 read)"
    )
    assert err.hint == "export a period that has mentions"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_is_read(tmp_path: Path, encoding: str) -> None:
    path = put(tmp_path, "\ufefftimestamp,author\n2026-11-23,Bär\n".encode(encoding))
    source = read_source(path)
    assert source.frame.collect().select("_line", "timestamp", "author").rows() == [
        (2, "2026-11-23", "Bär")
    ]
    assert source.notes == ()


def test_non_utf8_file_is_read_as_cp1252_with_a_note(tmp_path: Path) -> None:
    data = b"timestamp,author\n2026-11-23,a\n" + "2026-11-24,Bär\n".encode("cp1252")
    path = put(tmp_path, data)
    source = read_source(path)
    assert source.frame.collect()["author"].to_list() == ["a", "Bär"]
    assert source.notes == (f"{path}: read as Windows-1252 (cp1252): the file is not valid UTF-8",)


def test_binary_file_with_nul_bytes(tmp_path: Path) -> None:
    path = put(tmp_path, b"\x00\x01\x02timestamp\n\x00", name="export.csv")
    err = read_error(path)
    assert str(err) == (
        f"{path}: not a file stormwatch can read: binary data, not CSV, JSON Lines, XLSX, ZIP "
        "or Parquet"
    )
    assert err.hint == "pass the export as downloaded from the listening tool (CSV, XLSX, ZIP, ...)"


def test_broken_zip_named_xlsx(tmp_path: Path) -> None:
    path = put(tmp_path, b"PK\x03\x04\x00\x00timestamp\n", name="export.xlsx")
    err = read_error(path)
    assert str(err) == f"{path}: not a valid XLSX workbook (File is not a zip file)"
    assert err.hint == "the file is damaged or was not downloaded completely; download it again"


def test_a_stray_quote_sets_its_row_aside_and_the_rest_is_read(tmp_path: Path) -> None:
    path = put(tmp_path, 'timestamp;author\n2026-11-23;a\n"2026-11-24;b\n2026-11-25;c\n')
    frame = normalise(read_source(path)).collect()
    assert frame.select("_line", "_raw_ts", "author", "_reject").rows() == [
        (2, "2026-11-23", "a", None),
        (3, "2026-11-24", "b", "unclosed quote"),
        (4, "2026-11-25", "c", None),
    ]


def test_a_nul_byte_sets_its_row_aside(tmp_path: Path) -> None:
    path = put(tmp_path, b"timestamp,author\n2026-11-23,a\n2026-11-24,b\x00\n2026-11-25,c\n")
    frame = normalise(read_source(path)).collect()
    assert frame.select("_line", "author", "_reject").rows() == [
        (2, "a", None),
        (3, "b", "NUL byte"),
        (4, "c", None),
    ]


# --- property: nothing but StormwatchError escapes ----------------------------------------------

FRAGMENTS = [
    b",", b";", b"\t", b"\n", b"\r\n", b"\r", b'"', b"'", b" ", b"", b"\x00", b"\xff", b"\xc3",
    b"\xef\xbb\xbf", b"\xff\xfe", b"timestamp", b"Date", b"brand", b"author", b"followers",
    b"sentiment", b"_row", b"2026-11-23T14:05:00Z", b"23.11.2026 14:05", b"1795442700",
    b"-3", b"1e308", b"99999999999999999999", b"negativ", b"\xc3\xa4",
]  # fmt: skip

csvish = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(b"".join)
headed = st.tuples(
    st.sampled_from([b"timestamp,author,followers,sentiment,brand\n", b"Date;Marke\n"]), csvish
).map(b"".join)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.one_of(st.binary(max_size=200), csvish, headed))
def test_any_bytes_give_a_frame_or_a_stormwatch_error(tmp_path: Path, data: bytes) -> None:
    path = put(tmp_path, data, name="fuzz.csv")
    try:
        frame = normalise(read_source(path)).collect()
    except StormwatchError:
        return
    assert frame.columns[:3] == ["_file", "_line", "_raw_ts"]
    assert frame["timestamp"].dtype == pl.Datetime("us", "UTC")


def test_rows_with_more_fields_than_the_header_are_noted(tmp_path: Path) -> None:
    path = put(
        tmp_path,
        "timestamp,author,text,sentiment\n"
        "2026-11-23T10:00:00Z,a,fine,positive\n"
        "2026-11-23T10:05:00Z,b,Hello, this is bad,negative\n"  # an unquoted comma
        '2026-11-23T10:06:00Z,c,"Hello, quoted",negative\n',
    )
    source = read_source(path)
    assert source.notes == (
        f"{path}: 1 of the first 3 rows have more fields than the header's 4 (first at line 3, "
        "5 fields); their extra fields are ignored and their columns may be shifted: texts "
        "that contain ',' must be quoted",
    )
    tidy = put(tmp_path, "timestamp,author\n2026-11-23T10:00:00Z,a\n", name="tidy.csv")
    assert read_source(tidy).notes == ()


def test_a_date_column_and_a_time_column_are_joined(tmp_path: Path) -> None:
    path = put(
        tmp_path,
        "Datum,Uhrzeit,author\n2026-02-01,10:07,a\n2026-02-01,23:59,b\n2026-02-02,08:30:15,c\n",
    )
    source = read_source(path)
    assert source.notes == (f"{path}: the timestamp is Datum + Uhrzeit joined",)
    stamps = normalise(source).collect()["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
    assert stamps.to_list() == ["2026-02-01 10:07:00", "2026-02-01 23:59:00", "2026-02-02 08:30:15"]
    # a date column that already holds the time keeps it; the other column stays apart
    full = put(tmp_path, "date,time,author\n2026-02-01 10:07,later,a\n", name="full.csv")
    assert read_source(full).columns["timestamp"] == "date"


def test_the_timestamp_hint_does_not_suggest_another_column_s_own_name(tmp_path: Path) -> None:
    path = put(tmp_path, "date_x,brand,sentiment,text\nfoo,a,negative,x\n")
    err = read_error(path, preset="meltwater")
    assert err.hint is not None
    assert 'timestamp = "date_x"' in err.hint
    assert "sentiment" not in err.hint
