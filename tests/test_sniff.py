"""Sniffing: anchors, encodings, delimiters, header rows, number formats, container kinds."""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

import polars as pl
import pytest

from stormwatch.errors import InputError
from stormwatch.scratch import remove_scratch, scratch_file, sweep_stale
from stormwatch.sources import open_tables
from stormwatch.sources.anchors import KNOWN_HEADERS, choose_header, header_score
from stormwatch.sources.containers import container_kind
from stormwatch.sources.sniff import (
    SAMPLE_BYTES,
    TAIL_BYTES,
    Sample,
    Text,
    decimal_comma,
    detect_text,
    read_sample,
    sniff_layout,
    transcode,
)
from stormwatch.sources.table import unique_names


def put(tmp_path: Path, data: bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sample(data: bytes) -> Sample:
    return Sample(data, b"", len(data))


# --- anchors ------------------------------------------------------------------------------------


def test_known_headers_cover_aliases_and_vendor_names() -> None:
    names = (
        "timestamp full_text query_id hit_sentence conversation_stream created_time published "
        "content hrs mention_date post_created user_name created_at author_username "
        "user_followerscount marke"
    )
    assert set(names.split()) <= KNOWN_HEADERS


def test_header_score_counts_known_names_after_normalising() -> None:
    brandwatch = ["Query Id", "Query Name", "Date", "Author", "Full Text", "Url", "Whatever"]
    assert header_score(brandwatch) == 6
    assert header_score(["Report:", "Mentions export", None, ""]) == 0
    assert header_score([" CREATED-AT ", "Hit Sentence"]) == 2


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["Report"], ["Date range", "x"], ["Date", "Author", "Full Text"]], 2),  # best wins
        ([["Date", "Author"], ["Date", "Author", "Text"], ["x"]], 1),  # best score, not first
        ([["Date", "Author"], ["x"], ["Date", "Author"]], 0),  # ties: the earliest
        ([["Banner"], ["Date", "x"]], 1),  # a single known name, in the only row naming one
        ([["Date", "x"], ["Date", "y"]], 0),  # two rows with one name each: the first row
        ([["foo", "bar"], ["1", "2"]], 0),  # nothing known: the first row
        ([], 0),
    ],
)
def test_choose_header(rows: list[list[str]], expected: int) -> None:
    assert choose_header(rows) == expected


def test_unique_names() -> None:
    assert unique_names(["", "a", "a", "_row", None, "a_2", " "]) == [
        "column_1", "a", "a_2", "_row_2", "column_5", "a_2_2", "column_7",
    ]  # fmt: skip


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "codec", "bom"),
    [
        ("\ufeffa,b\n".encode(), "utf-8", 3),
        ("\ufeffa,b\n".encode("utf-16-le"), "utf-16-le", 2),
        ("\ufeffa,b\n".encode("utf-16-be"), "utf-16-be", 2),
        ("Datum,Text\n1,2\n".encode("utf-16-le"), "utf-16-le", 0),  # no BOM: NUL bytes tell
        ("Datum,Text\n1,2\n".encode("utf-16-be"), "utf-16-be", 0),
        ("a,ä\n".encode(), "utf-8", 0),
    ],
)
def test_encoding_by_bom_then_utf8(data: bytes, codec: str, bom: int) -> None:
    text = detect_text("f.csv", sample(data))
    assert (text.codec, text.bom, text.note) == (codec, bom, None)
    assert text.head.rstrip("\n").endswith(("a,b", "1,2", "a,ä"))


def test_cp1252_when_not_utf8_with_a_note() -> None:
    text = detect_text("f.csv", sample("Straße;€\n".encode("cp1252")))
    assert (text.codec, text.head) == ("cp1252", "Straße;€\n")
    assert text.note == "f.csv: read as Windows-1252 (cp1252): the file is not valid UTF-8"
    assert text.needs_transcoding


def test_a_character_cut_by_the_sample_end_is_still_utf8() -> None:
    data = "a,ä".encode()[:-1]  # half of "ä"
    text = detect_text("f.csv", Sample(data, b"", len(data) + 10))
    assert (text.codec, text.head) == ("utf-8", "a,")


def test_bad_bytes_in_the_tail_only_mean_cp1252() -> None:
    tail = b"x,y\n" + "Bär\n".encode("cp1252")
    text = detect_text("f.csv", Sample(b"a,b\n", tail, 10**6))
    assert text.codec == "cp1252"


def test_utf8_tail_starting_inside_a_character_is_fine() -> None:
    tail = "ä,x\n".encode()[1:]  # begins with a continuation byte
    assert detect_text("f.csv", Sample(b"a,b\n", tail, 10**6)).codec == "utf-8"


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03garbage", bytes(range(256)) * 4])
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="binary data"):
        detect_text("f.bin", sample(data))


@pytest.mark.parametrize("data", [b" \n\r\n\t", "\ufeff".encode("utf-16-le"), b"\xef\xbb\xbf"])
def test_blank_text_is_empty(data: bytes) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        detect_text("f.csv", sample(data))


def test_lone_cr_line_breaks_are_detected_and_normalised() -> None:
    text = detect_text("f.csv", sample(b"a,b\r1,2\r\n3,4\r"))
    assert text.lone_cr
    assert text.head == "a,b\n1,2\r\n3,4\n"
    assert not detect_text("f.csv", sample(b"a,b\r\n1,2\n")).lone_cr


def test_transcode_streams_in_chunks_and_keeps_line_breaks(tmp_path: Path) -> None:
    # 1 MB chunks of UTF-16 are 512 Ki characters: a CRLF pair straddles the first boundary
    # and must stay one line break; a lone CR becomes LF.
    first = "x" * ((1 << 19) - 1)
    path = put(tmp_path, b"\xff\xfe" + (first + "\r\n" + "ä\r" + "end").encode("utf-16-le"))
    target = transcode(path, Text("utf-16-le", bom=2, lone_cr=True, head=""))
    assert target.read_bytes() == (first + "\r\nä\nend").encode()
    assert target.parent.name.startswith("stormwatch-")
    plain = transcode(path, Text("utf-16-le", bom=2, lone_cr=False, head=""))
    assert plain.read_bytes() == (first + "\r\nä\rend").encode()


def test_scratch_files_are_removed_by_their_process_only() -> None:
    path = scratch_file(".csv")
    assert path.exists()
    assert path.suffix == ".csv"
    assert path.parent.name.startswith(f"stormwatch-{os.getpid()}-")
    child = os.fork()
    if child == 0:  # a forked child: leaves the parent's files alone
        remove_scratch()
        os._exit(0)
    os.waitpid(child, 0)
    assert path.exists()
    remove_scratch()
    assert not path.parent.exists()


def test_stale_scratch_of_dead_processes_is_swept(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = tmp_path / f"stormwatch-{dead}-abc"
    (stale / "big").mkdir(parents=True)
    (stale / "big" / "member.csv").write_bytes(b"x" * 1000)
    live = tmp_path / f"stormwatch-{os.getpid()}-def"
    live.mkdir()
    other = tmp_path / "stormwatch-notapid"
    other.mkdir()
    link = tmp_path / f"stormwatch-{dead}-link"
    link.symlink_to(live)
    assert sweep_stale(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name, link.name])


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_sample_is_head_and_tail_only(tmp_path: Path) -> None:
    path = put(tmp_path, b"a" * (SAMPLE_BYTES + TAIL_BYTES + 1000))
    got = read_sample(path, "f")
    assert (len(got.head), len(got.tail), got.size, got.complete) == (
        SAMPLE_BYTES, TAIL_BYTES, SAMPLE_BYTES + TAIL_BYTES + 1000, False,
    )  # fmt: skip
    small = read_sample(put(tmp_path, b"abc", "small.csv"), "f")
    assert (small.head, small.tail, small.complete) == (b"abc", b"", True)


# --- layout -------------------------------------------------------------------------------------


def layout(data: str):  # type: ignore[no-untyped-def]
    raw = data.encode()
    return sniff_layout("f.csv", detect_text("f.csv", sample(raw)), complete=True)


@pytest.mark.parametrize(
    ("data", "delimiter", "line", "header"),
    [
        ("timestamp,author\n1,2\n", ",", 1, ("timestamp", "author")),
        ("Datum;Autor;Text, mit Komma\n1;2;3\n", ";", 1, ("Datum", "Autor", "Text, mit Komma")),
        ("Date\tHit Sentence\tInfluencer\n1\ta, b; c\t@x\n", "\t", 1,
         ("Date", "Hit Sentence", "Influencer")),
        # Brandwatch: a preamble of six lines, one of them with a known name
        ("Brandwatch\nReport:,Mentions\nQuery:,Fridge\n\nFrom:,2026-01-01\nTo:,2026-01-31\n"
         "Query Id,Date,Author,Full Text\n1,2,3,4\n", ",", 7,
         ("Query Id", "Date", "Author", "Full Text")),
        # Sprinklr: banner, blank row, header
        ("Listening Dashboard - Brand\n\nConversation Stream,Permalink,Created Time\na,b,c\n",
         ",", 3, ("Conversation Stream", "Permalink", "Created Time")),
        # Brand24: blank first row, first header cell empty
        ("\n,ID,Date,Hrs,Content\n1,2,3,4,5\n", ",", 2, ("", "ID", "Date", "Hrs", "Content")),
        # A quoted newline in the preamble does not shift the header line
        ('"Report\nwith two lines"\nDate,Author\n1,2\n', ",", 3, ("Date", "Author")),
        # Unknown names: the first row, split by the delimiter giving most fields
        ("foo;bar;baz\n1;2;3\n", ";", 1, ("foo", "bar", "baz")),
        ("\n\nfoo\n1\n", ",", 3, ("foo",)),
    ],
)  # fmt: skip
def test_header_row_and_delimiter(data: str, delimiter: str, line: int, header: tuple[str]) -> None:
    found = layout(data)
    assert (found.delimiter, found.header_line, found.header) == (delimiter, line, header)


def test_header_after_twenty_rows_is_not_looked_for() -> None:
    data = "".join(f"note {i}\n" for i in range(20)) + "Date,Author\n1,2\n"
    assert layout(data).header_line == 1


@pytest.mark.parametrize(
    ("rows", "delimiter", "expected"),
    [
        ([["1.234", "x"], ["5", "y"]], ";", True),  # ';' files are German by default
        ([["0.35"], ["1.5"]], ";", False),  # but English decimals say otherwise (de_CH)
        ([["1,5"], ["2"]], ",", True),  # unambiguous German in a ',' file (quoted cells)
        ([["1.234.567"]], ",", True),
        ([["1.234"], ["5"]], ",", False),  # ambiguous: the delimiter decides
        ([["1,234"], ["5"]], ";", True),
        ([["2026-01-01 10:00:00.5", "1.5"]], ",", False),
        ([["v1.5", "text"], ["v2,5", "more"]], ";", True),  # not numeric columns
        ([["1.000,50"], ["0.5"]], ";", True),  # both: the delimiter decides
    ],
)
def test_decimal_comma(rows: list[list[str]], delimiter: str, expected: bool) -> None:
    assert decimal_comma(rows, delimiter) is expected


def test_german_numbers_in_a_semicolon_file() -> None:
    found = layout("Datum;Abonnenten\n23.11.2026 14:05;1.234\n23.11.2026 14:06;1,5\n")
    assert found.decimal_comma


# --- containers ---------------------------------------------------------------------------------


def make_zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return path


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls", "excel"),
        (b"PAR1\x15\x04", "data.bin", "parquet"),
        (b'{"a": 1}\n', "dump.txt", "jsonl"),
        (b'\xef\xbb\xbf  {"a": 1}\n', "dump", "jsonl"),
        (b"[1, 2]", "dump.json", "jsonl"),  # by extension (and the reader explains)
        (b"a,b\n", "export.jsonl.csv", "delimited"),
        (b"a,b\n", "export.xlsx", "delimited"),  # magic bytes first
    ],
)
def test_container_kind(tmp_path: Path, head: bytes, name: str, kind: str) -> None:
    assert container_kind(tmp_path / name, name, head) == kind


def test_zip_or_workbook_by_its_members(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"x.csv": "a,b\n"})
    workbook = make_zip(tmp_path / "renamed.zip", {"xl/workbook.xml": "<workbook/>"})
    assert container_kind(archive, "a.zip", archive.read_bytes()[:8]) == "zip"
    assert container_kind(workbook, "renamed.zip", workbook.read_bytes()[:8]) == "excel"


@pytest.mark.parametrize(
    ("data", "what"),
    [(b"\x1f\x8b\x08\x00", "gzip-compressed"), (b"\x28\xb5\x2f\xfd", "zstd-compressed")],
)
def test_compressed_files_say_unpack_first(tmp_path: Path, data: bytes, what: str) -> None:
    path = put(tmp_path, data + b"\x00" * 20, "export.csv.gz")
    with pytest.raises(InputError) as info:
        open_tables(path)
    assert str(info.value) == f"{path}: the file is {what}"
    assert info.value.hint == "unpack it first and pass the file inside (CSV, XLSX or JSON Lines)"


def test_plain_utf8_csv_is_scanned_in_place(tmp_path: Path) -> None:
    """The fast path: pl.scan_csv on the file itself, no copy, no per-row Python."""
    path = put(tmp_path, b"\xef\xbb\xbftimestamp,author\n2026-01-01,a\n")
    table = open_tables(path)[0]
    plan = table.frame.explain()
    assert str(path) in plan
    assert "stormwatch-" not in plan
    assert table.frame.collect().rows() == [(0, "2026-01-01", "a")]
    assert table.frame.collect_schema() == pl.Schema(
        {"_row": pl.UInt32, "timestamp": pl.String, "author": pl.String}
    )


def test_header_names_polars_would_read_as_regex_are_escaped() -> None:
    from stormwatch.sources.table import unique_names

    assert unique_names(["^a$", "b", "^x"]) == ["^a$ ", "b", "^x"]
