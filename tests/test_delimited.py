"""Delimited text exports as real files: UTF-16 (Meltwater), Windows-1252 with ';' and
German numbers (German Excel), a Brandwatch preamble, mixed line endings, huge fields, cut-off
files. Each is checked cell by cell, line by line, and end to end with ``analyse``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stormwatch as sw
from stormwatch.pipeline.normalise import normalise
from stormwatch.sources import delimited
from stormwatch.sources.interpret import interpret
from stormwatch.sources.sniff import SAMPLE_BYTES, Layout
from test_containers import analysed, cells, hours, names, only, put, refused

# --- text encodings -----------------------------------------------------------------------------

MELTWATER = names(
    "Date|Headline|URL|Hit Sentence|Source|Influencer|Country|Language|Reach|Engagement|"
    "Sentiment|Twitter Followers"
)


def meltwater_rows(n: int) -> list[list[str]]:
    sentiment = ["Positive", "Negative"]
    return [
        f"{ts}||https://x.com/s/{i}|Kühlschrank #{i}, laut|Twitter|@user{i}|Germany|German|"
        f"1200|3|{sentiment[i % 2]}|{100 + i}".split("|")
        for i, ts in enumerate(hours(30, "%d-%b-%Y %I:%M%p")[:n])
    ]


def test_utf16_le_tab_separated_with_bom(tmp_path: Path) -> None:
    """Meltwater: UTF-16 LE with a byte order mark, tab separated."""
    rows = meltwater_rows(30)
    text = "\r\n".join("\t".join(r) for r in [list(MELTWATER), *rows]) + "\r\n"
    path = put(tmp_path, "meltwater.csv", "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    table = only(path)
    assert table.name == str(path)
    assert table.header == MELTWATER
    assert (table.header_line, table.decimal_comma, table.notes) == (1, False, ())
    got = cells(table)
    assert got[0] == (
        "2|05-Feb-2026 08:00AM|∅|https://x.com/s/0|Kühlschrank #0, laut|Twitter|@user0|Germany|"
        "German|1200|3|Positive|100"
    )
    assert [int(row.split("|")[0]) for row in got] == list(range(2, 32))
    assert table.tail("Date")[-1] == "06-Feb-2026 01:00PM"
    report = analysed(path)
    assert report.input.rows_used == 30


def test_utf16_be(tmp_path: Path) -> None:
    text = "Date,Author,Text\n2026-02-06 15:03,Jörg,Größe\n2026-02-06 16:03,Ana,€ 5\n"
    path = put(tmp_path, "be.csv", "\ufeff".encode("utf-16-be") + text.encode("utf-16-be"))
    table = only(path)
    assert table.header == ("Date", "Author", "Text")
    assert (table.header_line, table.decimal_comma, table.notes) == (1, False, ())
    assert cells(table) == ["2|2026-02-06 15:03|Jörg|Größe", "3|2026-02-06 16:03|Ana|€ 5"]
    assert analysed(path).input.rows_used == 2


def test_big_utf16_file_is_transcoded_whole(tmp_path: Path) -> None:
    """Larger than the sample: the transcoding streams the rest, lines stay the file's."""
    n = 9000
    lines = ["Date\tInfluencer\tHit Sentence"] + [
        f"2026-02-06 {i % 24:02d}:00\t@u{i}\t{'é' * 20} {i}" for i in range(n)
    ]
    data = "\ufeff" + "\n".join(lines) + "\n"
    assert len(data.encode("utf-16-le")) > SAMPLE_BYTES
    path = put(tmp_path, "big.tsv", data.encode("utf-16-le"))
    table = only(path)
    frame = table.frame.collect()
    assert frame.height == n
    assert frame.row(-1) == (n - 1, "2026-02-06 23:00", f"@u{n - 1}", f"{'é' * 20} {n - 1}")
    assert table.physical_line(1 + 1 + n - 1) == n + 1
    assert table.tail("Influencer")[-1] == f"@u{n - 1}"


def test_cp1252_semicolon_file_with_german_numbers(tmp_path: Path) -> None:
    """German Excel "CSV": Windows-1252, ';' separated, decimal comma."""
    text = (
        "Datum;Autor;Text;Abonnenten;Stimmung;Marke\r\n"
        "05.02.2026 08:00;Jörg Weiß;Tür klemmt, Preis 5 €;1.234;negativ;Siemens\r\n"
        "05.02.2026 09:00;Änne;Straße;1,5;positiv;Bosch\r\n"
        "05.02.2026 10:00;ß;ok;12;neutral;Siemens\r\n"
    )
    path = put(tmp_path, "de.csv", text.encode("cp1252"))
    table = only(path)
    assert table.header == ("Datum", "Autor", "Text", "Abonnenten", "Stimmung", "Marke")
    assert table.decimal_comma
    assert table.notes == (f"{path}: read as Windows-1252 (cp1252): the file is not valid UTF-8",)
    assert cells(table) == [
        "2|05.02.2026 08:00|Jörg Weiß|Tür klemmt, Preis 5 €|1.234|negativ|Siemens",
        "3|05.02.2026 09:00|Änne|Straße|1,5|positiv|Bosch",
        "4|05.02.2026 10:00|ß|ok|12|neutral|Siemens",
    ]
    mentions = normalise(interpret(table)).collect()
    assert mentions["followers"].to_list() == [1234, 2, 12]
    report = analysed(path)
    assert report.input.notes == table.notes
    assert {t.topic for t in report.topics} == {"Siemens", "Bosch"}


def test_cp1252_only_after_the_sample(tmp_path: Path) -> None:
    head = "timestamp,author\n" + "2026-02-06T10:00:00Z,plain ascii author name\n" * 7000
    data = head.encode() + "2026-02-06T11:00:00Z,Bär\n".encode("cp1252")
    assert len(data) > SAMPLE_BYTES
    table = only(put(tmp_path, "late.csv", data))
    assert table.frame.collect()["author"][-1] == "Bär"
    assert table.notes[0].endswith("read as Windows-1252 (cp1252): the file is not valid UTF-8")


# --- layouts ------------------------------------------------------------------------------------


def test_brandwatch_csv_with_a_preamble(tmp_path: Path) -> None:
    text = (
        "Brandwatch Consumer Research\n"
        "Report:,Mentions export\n"
        "Query:,Fridge doors\n"
        '"Date range:","2026-02-01 - 2026-02-07"\n'
        "Exported:,2026-02-07\n"
        "\n"
        "Query Id,Query Name,Date,Author,Full Text,Url,Sentiment\n"
        '1,Fridge,2026-02-05 08:00:00.0,@a,"door\nbroken",https://x/1,negative\n'
        "1,Fridge,2026-02-05 09:00:00.0,@b,meh,https://x/2,neutral\n"
    )
    table = only(put(tmp_path, "brandwatch.csv", text))
    assert table.header == names("Query Id|Query Name|Date|Author|Full Text|Url|Sentiment")
    assert (table.header_line, table.decimal_comma, table.notes) == (7, False, ())
    assert cells(table) == [
        "8|1|Fridge|2026-02-05 08:00:00.0|@a|door\nbroken|https://x/1|negative",
        "10|1|Fridge|2026-02-05 09:00:00.0|@b|meh|https://x/2|neutral",
    ]


def test_mixed_line_endings(tmp_path: Path) -> None:
    data = b'timestamp,text\r\n2026-02-06T10:00Z,a\n2026-02-06T11:00Z,"b\rc"\r2026-02-06T12:00Z,d'
    table = only(put(tmp_path, "mixed.csv", data))
    assert cells(table) == [
        "2|2026-02-06T10:00Z|a",
        "3|2026-02-06T11:00Z|b\nc",
        "5|2026-02-06T12:00Z|d",
    ]


def test_a_20_mb_text_field(tmp_path: Path) -> None:
    huge = "x" * 20_000_000
    path = put(tmp_path, "huge.csv", f'timestamp,author,text\n2026-02-06T10:00Z,a,"{huge}"\n'
                                     "2026-02-06T11:00Z,b,short\n")  # fmt: skip
    table = only(path)
    frame = table.frame.collect()
    assert frame["text"].str.len_chars().to_list() == [20_000_000, 5]
    assert [table.physical_line(n) for n in (2, 3)] == [2, 3]
    assert table.tail("author") == ["b"]
    assert analysed(path).input.rows_used == 2


def test_last_line_cut_mid_record_is_read_padded(tmp_path: Path) -> None:
    table = only(put(tmp_path, "cut.csv", "timestamp,author,text\n2026-02-06T10:00Z,a,b\n2026-02"))
    assert cells(table) == ["2|2026-02-06T10:00Z|a|b", "3|2026-02|∅|∅"]


def test_last_line_cut_inside_quotes_is_a_rejected_row(tmp_path: Path) -> None:
    path = put(tmp_path, "cut.csv", 'timestamp,text\n2026-02-06T10:00Z,a\n2026-02-06T11:00Z,"b, c')
    summary = sw.analyse([path]).input
    assert (summary.rows_read, summary.rows_used, summary.rows_rejected) == (2, 1, 1)
    (reject,) = summary.rejects
    assert (reject.reason, reject.first_line, reject.example) == (
        "unclosed quote",
        3,
        "2026-02-06T11:00Z",
    )


def test_a_file_cut_inside_quotes_is_detected_at_any_size(tmp_path: Path) -> None:
    rows = "".join(f"2026-02-06T{h % 24:02d}:00Z,text {h}\n" for h in range(40_000))
    path = put(tmp_path, "cut.csv", f'timestamp,text\n{rows}2026-02-07T11:00Z,"b, c')
    assert path.stat().st_size > SAMPLE_BYTES * 2
    summary = sw.analyse([path]).input
    assert (summary.rows_read, summary.rows_rejected) == (40_001, 1)
    assert (summary.rejects[0].reason, summary.rejects[0].first_line) == ("unclosed quote", 40_002)


def test_a_file_mostly_damaged_is_refused(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.csv", 'timestamp,text\n"2026-02-06T10:00Z,a\n"2026-02-06T11:00Z,b\n')
    err = refused(path)
    assert str(err) == (f"{path}, line 2: malformed quoting (2 of 2 rows are damaged)")
    assert err.hint == 'a field with quotes inside must be quoted and the quotes doubled ("")'


_FIELDS = st.text(alphabet='ab,"\n ', max_size=6)  # a lone CR is no line break here


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.lists(_FIELDS, min_size=2, max_size=2), min_size=1, max_size=30),
    preamble=st.integers(0, 2),
    crlf=st.booleans(),
    chunk=st.sampled_from([7, 64, 1 << 24]),
)
def test_physical_lines_are_the_lines_the_csv_module_counts(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[list[str]],
    preamble: int,
    crlf: bool,
    chunk: int,
) -> None:
    """Quoted newlines (and doubled quotes) move the lines after them, in any chunking."""
    out = io.StringIO()
    out.write("exported by a tool\n" * preamble)
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows([["a", "b"], *rows])
    path = tmp_path_factory.mktemp("lines") / "x.csv"
    path.write_bytes(out.getvalue().encode())
    expected, reader = [], csv.reader(io.StringIO(out.getvalue(), newline=""))
    for _ in range(preamble + 1):
        next(reader)  # the preamble lines and the header
    for _ in rows:
        start = reader.line_num + 1
        next(reader)
        expected.append(start)
    layout = Layout(",", preamble + 1, ("a", "b"))
    record_lines = [preamble + 2 + i for i in range(len(rows))]
    delimited.CHUNK = chunk
    try:
        assert delimited.physical_lines(path, layout, [*record_lines, 10**6]) == [
            *expected,
            10**6,  # a record the file does not reach keeps its number
        ]
    finally:
        delimited.CHUNK = 1 << 24
