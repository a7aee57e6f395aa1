"""The SQLite state file: created once, validated on every open, never overwritten, atomic."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stormwatch.alerts.episodes import Episode, Notice
from stormwatch.alerts.errors import LockedError, StateError
from stormwatch.alerts.state import OutboxItem, open_state, run_lock

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)


def episode(topic: str = "acme") -> Episode:
    return Episode("brands", topic, "e1", T0, "storm", 90.0, "storm", 90.0, T0)


def notice(level: str = "storm") -> Notice:
    return Notice("open", "brands", "acme", "e1", level, 90.0, None, None, T0, T0)  # type: ignore[arg-type]


def item(n: Notice, destination: str = "email") -> OutboxItem:
    return OutboxItem(n.key, destination, "subject", b"payload \x00 bytes", T0)


def test_created_private_with_schema_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.db"
    store = open_state(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    n = notice()
    assert store.record("brands", {"acme": episode()}, [n], [item(n), item(n, "webhook:chat")])
    store.close()
    store = open_state(path)
    assert store.episodes("brands") == {"acme": episode()}
    assert store.episodes("other") == {}
    queued = store.outbox()
    assert [(i.destination, i.payload, i.attempts) for i in queued] == [
        ("email", b"payload \x00 bytes", 0),
        ("webhook:chat", b"payload \x00 bytes", 0),
    ]
    store.failed(queued[0].id, "SMTP 451 later", T0)
    store.delivered(queued[1].id)
    (left,) = store.outbox()
    assert (left.destination, left.attempts, left.last_error) == ("email", 1, "SMTP 451 later")


def test_a_notice_is_queued_only_once(tmp_path: Path) -> None:
    store = open_state(tmp_path / "state.db")
    n = notice()
    assert store.record("brands", {}, [n], [item(n)]) == [n]
    assert store.record("brands", {}, [n], [item(n)]) == []
    assert len(store.outbox()) == 1


def test_record_is_atomic(tmp_path: Path) -> None:
    store = open_state(tmp_path / "state.db")
    n = notice()
    bad = OutboxItem(n.key, "email", "s", None, T0)  # type: ignore[arg-type]  # NOT NULL fails
    with pytest.raises(sqlite3.IntegrityError):
        store.record("brands", {"acme": episode()}, [n], [bad])
    assert (store.episodes("brands"), store.outbox()) == ({}, [])
    assert store.record("brands", {}, [n], [item(n)]) == [n]  # the notice was rolled back too


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database, just some text\n" * 20, "not a stormwatch state file"),
        (b"SQLite format 3\x00" + b"\xff" * 200, "not a stormwatch state file"),
    ],
)
def test_garbage_is_a_clear_error_and_left_alone(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(content)
    with pytest.raises(StateError) as info:
        open_state(path)
    assert str(info.value).startswith(f"{path}: {message}")
    assert "never overwrites" in (info.value.hint or "")
    assert path.read_bytes() == content


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(StateError) as info:
        open_state(path)
    assert str(info.value) == (
        f"{path}: is an SQLite database of another program, not a stormwatch state file"
    )
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    open_state(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StateError) as info:
        open_state(path)
    assert "newer stormwatch (state schema 99; this version reads 1)" in str(info.value)
    assert info.value.hint == "upgrade stormwatch"


def test_readonly_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = open_state(path, readonly=True)
    assert store.outbox() == []
    store.close()
    assert not path.exists()
    open_state(path).close()
    store = open_state(path, readonly=True)
    with pytest.raises(StateError) as info:  # really read-only
        store.record("brands", {}, [notice()], [])
    assert "cannot write the state file (attempt to write a readonly database)" in str(info.value)


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with run_lock(path) as lock:
        assert lock.read_text().strip() == str(os.getpid())
        with pytest.raises(LockedError) as info, run_lock(path):
            pass
        assert str(info.value) == (
            f"another stormwatch alert run (pid {os.getpid()}) holds the lock on {path}; "
            "nothing done"
        )
    with run_lock(path):  # released
        pass
