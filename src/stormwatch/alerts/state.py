"""The alert state file (SQLite, standard library): open episodes, a log of every message
ever queued, the outbox of messages not yet accepted, and the run lock.

Rules that keep alerts from being lost or doubled:

* the episode changes of a watch and the messages they cause are written in **one
  transaction**, so a run killed half-way leaves either both or neither;
* a message leaves the outbox only after its server accepted it (:meth:`StateStore.delivered`);
* ``notices`` has one row per episode, kind and level, so a message can be queued once only;
* the file carries an SQLite application id and a schema version; anything else (not SQLite,
  another program's database, a newer schema, damage) is a :class:`StateError` and the file
  is left alone: it may hold undelivered messages.

The lock is an ``flock`` on the state file itself (Unix, like cron and systemd): the kernel
releases it when a run dies, so a killed run never blocks the next one.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from stormwatch.alerts.episodes import Episode, Notice
from stormwatch.alerts.errors import LockedError, StateError

APPLICATION_ID = 0x53574154  # "SWAT": marks the file as stormwatch's (PRAGMA application_id)
SCHEMA_VERSION = 1
_HINT = (
    "stormwatch never overwrites a state file; move it away (it may hold undelivered "
    "messages) or set [state] path to a new file"
)
WRITE_HINT = "free space where the state file lies (or make it writable)"

_SCHEMA = """
CREATE TABLE episodes (
    watch TEXT NOT NULL,
    topic TEXT NOT NULL,
    id TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    notified_level TEXT NOT NULL,
    notified_score REAL NOT NULL,
    level TEXT NOT NULL,
    score REAL NOT NULL,
    last_message_at TEXT NOT NULL,
    calm_since TEXT,
    PRIMARY KEY (watch, topic)
);
CREATE TABLE notices (
    key TEXT PRIMARY KEY,
    watch TEXT NOT NULL,
    topic TEXT NOT NULL,
    episode_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    score REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    destination TEXT NOT NULL,
    summary TEXT NOT NULL,
    payload BLOB NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    last_error TEXT,
    UNIQUE (key, destination)
);
"""
_TABLES = {"episodes", "notices", "outbox"}


@dataclass(frozen=True)
class OutboxItem:
    """A rendered message for one destination (``email`` or ``webhook:<name>``). ``payload``
    is the exact bytes to send, so a retry sends the identical message."""

    key: str
    destination: str
    summary: str
    payload: bytes
    created_at: datetime
    id: int | None = None
    attempts: int = 0
    last_error: str | None = None
    last_attempt_at: datetime | None = None


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class StateStore:
    """An open, validated state file. Use :func:`open_state`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, lost: str | None = None) -> None:
        self._conn = conn
        self.path = path
        #: The state file is new, but a state was created here before (when, as the marker
        #: ``<state>.created`` says): it was deleted or emptied, and with it the open episodes.
        self.lost = lost

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing. A write the file refuses (read-only, disk full, I/O error) is a
        StateError with SQLite's reason: after such an error SQLite may have rolled back on its
        own, and a second ROLLBACK ("no transaction is active") must not hide the cause."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:  # an IntegrityError is a bug: it propagates
            raise StateError(
                self.path, f"cannot write the state file ({exc})", hint=WRITE_HINT
            ) from None

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StateError(self.path, f"cannot read the state file ({exc})") from None

    def close(self) -> None:
        self._conn.close()

    def episodes(self, watch: str) -> dict[str, Episode]:
        """The open episodes of ``watch``, by topic."""
        rows = self._read(
            "SELECT topic, id, opened_at, notified_level, notified_score, level, score, "
            "last_message_at, calm_since FROM episodes WHERE watch = ? ORDER BY topic",
            (watch,),
        )
        result: dict[str, Episode] = {}
        for topic, eid, opened, n_level, n_score, level, score, last, calm in rows:
            result[topic] = Episode(
                watch,
                topic,
                eid,
                datetime.fromisoformat(opened),
                n_level,
                n_score,
                level,
                score,
                datetime.fromisoformat(last),
                _moment(calm),
            )
        return result

    def record(
        self,
        watch: str,
        episodes: Mapping[str, Episode],
        notices: Sequence[Notice],
        items: Sequence[OutboxItem],
    ) -> list[Notice]:
        """Atomically replace the open episodes of ``watch`` and queue the messages.

        A notice whose key was queued before (only possible if the state was edited by hand)
        is skipped with its messages. Returns the notices actually queued.
        """
        queued: list[Notice] = []
        with self._transaction() as db:
            db.execute("DELETE FROM episodes WHERE watch = ?", (watch,))
            db.executemany(
                "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.watch,
                        e.topic,
                        e.id,
                        _iso(e.opened_at),
                        e.notified_level,
                        e.notified_score,
                        e.level,
                        e.score,
                        _iso(e.last_message_at),
                        _iso(e.calm_since),
                    )
                    for e in episodes.values()
                ],
            )
            for n in notices:
                cursor = db.execute(
                    # only a repeated key is skipped (OR IGNORE would hide NOT NULL too)
                    "INSERT INTO notices VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (key) DO NOTHING",
                    (n.key, n.watch, n.topic, n.episode_id, n.kind, n.level, n.score, _iso(n.at)),
                )
                if cursor.rowcount == 0:
                    continue
                queued.append(n)
                db.executemany(
                    "INSERT INTO outbox (key, destination, summary, payload, created_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key, destination) DO NOTHING",
                    [
                        (i.key, i.destination, i.summary, i.payload, _iso(i.created_at))
                        for i in items
                        if i.key == n.key
                    ],
                )
        return queued

    def outbox(self) -> list[OutboxItem]:
        """Messages waiting for delivery, oldest first."""
        rows = self._read(
            "SELECT id, key, destination, summary, payload, created_at, attempts, last_error, "
            "last_attempt_at FROM outbox ORDER BY id"
        )
        return [
            OutboxItem(
                key,
                dest,
                summary,
                bytes(payload),
                datetime.fromisoformat(at),
                i,
                n,
                err,
                _moment(last),
            )
            for i, key, dest, summary, payload, at, n, err, last in rows
        ]

    def delivered(self, item_id: int | None) -> None:
        """The server accepted the message: remove it from the outbox."""
        with self._transaction() as db:
            db.execute("DELETE FROM outbox WHERE id = ?", (item_id,))

    def failed(self, item_id: int | None, error: str, at: datetime) -> None:
        """Delivery failed: keep the message for the next run and note why."""
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ? "
                "WHERE id = ?",
                (_iso(at), error[:500], item_id),
            )


def _create_file(path: Path) -> None:
    """An empty file only the owner can read: the outbox holds mention text."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise StateError(
            path,
            f"cannot create the state file ({exc.strerror or exc})",
            hint="give [state] path a place this user may write, or make its directory writable",
        ) from None


def _query(conn: sqlite3.Connection, path: Path, sql: str) -> list[Any]:
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.DatabaseError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
            raise StateError(path, f"not a stormwatch state file ({exc})", hint=_HINT) from None
        # a full disk or an I/O error: the file may be fine
        raise StateError(path, f"cannot read the state file ({exc})", hint=WRITE_HINT) from None


def _empty_store(path: Path) -> StateStore:
    """An in-memory state, for a dry run before the first real run."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(_SCHEMA)
    return StateStore(conn, path)


def created_marker(path: Path) -> Path:
    """``<state>.created``: outside the database, so it survives the database's loss."""
    return path.with_name(path.name + ".created")


def _lost(path: Path) -> str | None:
    """When the state that a new state file replaces was created, if one was."""
    try:
        return created_marker(path).read_text(encoding="utf-8").strip() or "at an unknown time"
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateError(created_marker(path), f"cannot read ({exc.strerror})") from None


def open_state(path: Path, *, readonly: bool = False, now: datetime | None = None) -> StateStore:
    """Open (and on first use create) the state file at ``path``.

    ``readonly`` (for ``--dry-run``) never creates or changes anything; a missing file reads
    as an empty state. Creating one writes ``now`` to :func:`created_marker`; a new state file
    where that marker exists sets :attr:`StateStore.lost`.

    Raises:
        StateError when the file is not a usable stormwatch state file.
    """
    if readonly and not path.exists():
        store = _empty_store(path)
        store.lost = _lost(path)
        return store
    if not readonly:
        _create_file(path)
    try:
        target = f"{path.resolve().as_uri()}?mode=ro" if readonly else str(path)
        conn = sqlite3.connect(target, uri=readonly, timeout=10, isolation_level=None)
    except sqlite3.Error as exc:
        raise StateError(path, f"cannot open the state file ({exc})", hint=_HINT) from None
    app_id = _query(conn, path, "PRAGMA application_id")[0][0]
    version = _query(conn, path, "PRAGMA user_version")[0][0]
    tables = {r[0] for r in _query(conn, path, "SELECT name FROM sqlite_master")}
    if app_id == 0 and not tables:  # a new, empty file: ours to set up
        lost = _lost(path)
        if readonly:
            conn.close()
            store = _empty_store(path)
            store.lost = lost
            return store
        # One script, one transaction: a run killed here leaves an empty file, not half a
        # schema. (executescript would commit a transaction begun outside the script.)
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA application_id = {APPLICATION_ID}; "
                f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            )
        except sqlite3.Error as exc:
            conn.close()
            raise StateError(
                path, f"cannot write the state file ({exc})", hint=WRITE_HINT
            ) from None
        try:
            created_marker(path).write_text(now.isoformat() if now else "", encoding="utf-8")
        except OSError as exc:
            conn.close()
            raise StateError(
                created_marker(path), f"cannot write ({exc.strerror})", hint=WRITE_HINT
            ) from None
        return StateStore(conn, path, lost)
    problem = None
    if app_id != APPLICATION_ID:
        problem = "is an SQLite database of another program, not a stormwatch state file"
    elif version > SCHEMA_VERSION:
        problem = (
            f"was written by a newer stormwatch (state schema {version}; "
            f"this version reads {SCHEMA_VERSION})"
        )
    elif missing := _TABLES - tables:
        problem = f"is incomplete (missing tables: {', '.join(sorted(missing))})"
    else:
        check = [r[0] for r in _query(conn, path, "PRAGMA quick_check")]
        if check != ["ok"]:
            problem = f"is damaged ({'; '.join(check[:3])})"
    if problem is not None:
        conn.close()
        hint = "upgrade stormwatch" if version > SCHEMA_VERSION else _HINT
        raise StateError(path, problem, hint=hint)
    return StateStore(conn, path)


@contextmanager
def run_lock(state_path: Path) -> Iterator[Path]:
    """Hold the run lock for the block; raise LockedError at once if another run holds it.

    The lock is an ``flock`` on the state file itself (created if need be), not on a file of
    its own that could be deleted under a running run and let a second one in. (SQLite locks
    with ``fcntl``, which does not interact with ``flock``.) The holder's pid goes to
    ``<state>.lock``, only for the other run's message. Yields that file's path.
    """
    import fcntl  # Unix only, as cron and systemd timers are

    _create_file(state_path)
    pid_file = state_path.with_name(state_path.name + ".lock")
    fd = os.open(state_path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(state_path, _holder(pid_file)) from None
        with suppress(OSError):  # informative only
            pid_file.write_text(f"{os.getpid()}\n", encoding="ascii")
        yield pid_file
    finally:
        os.close(fd)  # releases the flock; SQLite's connection is closed by then


def _holder(pid_file: Path) -> str | None:
    try:
        return pid_file.read_text(encoding="ascii", errors="replace").strip()[:20] or None
    except OSError:
        return None
