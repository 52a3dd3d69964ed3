"""The history of every session, in a SQLite database.

Where: ``--history PATH``, else the ``FORMCHECK_HISTORY`` environment variable, else
``history.sqlite3`` in the platform's user data directory (platformdirs).

Safety: WAL journal, ``synchronous = FULL`` and one ``BEGIN IMMEDIATE`` transaction per
session, so two formcheck processes can write at once (the second waits up to the busy
timeout) and a process killed mid-write loses at most the session it was writing.
The schema version is ``PRAGMA user_version``; ``MIGRATIONS[i]`` takes version i to
i + 1, inside the same kind of transaction, so two processes opening an old database
at once migrate it once. A database from a newer formcheck is refused, not touched.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import platformdirs

from formcheck import __version__
from formcheck.core.errors import HistoryError
from formcheck.engine.session import Session
from formcheck.reports.model import Report
from formcheck.reports.report import build_report

ENV_VAR = "FORMCHECK_HISTORY"
DB_NAME = "history.sqlite3"
BUSY_TIMEOUT_S = 10.0

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: one row per session.
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,          -- ISO 8601, UTC
            exercise TEXT NOT NULL,
            source TEXT NOT NULL,              -- a file path, or e.g. 'camera 0'
            source_kind TEXT NOT NULL,         -- file | track | camera
            duration_s REAL NOT NULL,
            reps INTEGER NOT NULL,
            reps_left INTEGER,                 -- one-sided exercises only
            reps_right INTEGER,
            rep_target INTEGER,
            holds INTEGER NOT NULL,
            holds_completed INTEGER NOT NULL,
            hold_s REAL NOT NULL,              -- total time held
            hold_target_s REAL,
            faults INTEGER NOT NULL,
            fault_counts TEXT NOT NULL,        -- JSON {check id: times}
            app_version TEXT NOT NULL
        )""",
        "CREATE INDEX sessions_by_time ON sessions (started_at)",
    ),
    # 2: the prescription travels with the session (exercises given as a path have no
    # bundled file to look it up in later), and sessions run as part of a routine name it.
    (
        "ALTER TABLE sessions ADD COLUMN frequency TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE sessions ADD COLUMN routine TEXT",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def _utc_text(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SessionRecord:
    """One row of the history: what was done, when, and how it went."""

    started_at: datetime
    exercise: str
    source: str
    source_kind: str
    duration_s: float
    reps: int
    reps_left: int | None
    reps_right: int | None
    rep_target: int | None
    holds: int
    holds_completed: int
    hold_s: float
    hold_target_s: float | None
    faults: int
    fault_counts: Mapping[str, int] = field(default_factory=dict)
    app_version: str = __version__
    frequency: str = ""
    routine: str | None = None
    id: int | None = None

    @property
    def did_exercise(self) -> bool:
        """A session that counts towards adherence: at least one rep or hold."""
        return self.reps > 0 or self.holds > 0

    @classmethod
    def from_report(
        cls,
        report: Report,
        started_at: datetime,
        source_kind: str,
        frequency: str = "",
        routine: str | None = None,
    ) -> SessionRecord:
        by_side = report.rep_count_by_side or {}
        holds = report.holds
        fault_counts: dict[str, int] = {}
        for f in report.faults:
            fault_counts[f.check] = fault_counts.get(f.check, 0) + 1
        return cls(
            started_at=started_at,
            exercise=report.exercise or "",
            source=report.source,
            source_kind=source_kind,
            duration_s=float(report.duration_s),
            reps=int(report.rep_count),
            reps_left=by_side.get("left"),
            reps_right=by_side.get("right"),
            rep_target=report.rep_target,
            holds=len(holds),
            holds_completed=sum(bool(h.completed) for h in holds),
            hold_s=round(sum(h.duration_s for h in holds), 2),
            hold_target_s=holds[0].target_s if holds else None,
            faults=len(report.faults),
            fault_counts=fault_counts,
            app_version=report.formcheck_version or __version__,
            frequency=frequency,
            routine=routine,
        )


COLUMNS = [f for f in SessionRecord.__dataclass_fields__ if f != "id"]


def default_path() -> Path:
    return platformdirs.user_data_path("formcheck", appauthor=False) / DB_NAME


def resolve_path(path: Path | None = None, environ: Mapping[str, str] = os.environ) -> Path:
    """``--history`` first, then the environment variable, then the user data directory."""
    if path is not None:
        return path
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]).expanduser()
    return default_path()


class History:
    """An open history database. Use as a context manager, or call ``close``."""

    def __init__(self, path: Path, busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(f"cannot create the history folder {path.parent}: {exc.strerror}") from None
        with self._errors():
            self._db = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
        try:
            with self._errors():
                self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = FULL")
                self._migrate()
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """sqlite3 errors as one-line ``HistoryError``s that name the file."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise HistoryError(
                    f"the history database is busy (another formcheck writing?): {self.path}; try again, or use --no-history"
                ) from None
            raise HistoryError(f"cannot use the history database {self.path}: {text}") from None
        except sqlite3.DatabaseError as exc:
            raise HistoryError(
                f"the history database is damaged: {self.path} ({exc}); move it away to start a new one, or use --no-history"
            ) from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front (no upgrade deadlocks)."""
        with self._errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def version(self) -> int:
        with self._errors():
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _check_not_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"the history database {self.path} comes from a newer formcheck (schema {version}, this one knows up to {SCHEMA_VERSION}); upgrade formcheck or use --history elsewhere"
            )

    def _migrate(self) -> None:
        self._check_not_newer(self.version())
        if self.version() == SCHEMA_VERSION:
            return
        with self._transaction() as db:
            version = int(
                db.execute("PRAGMA user_version").fetchone()[0]
            )  # another process may have migrated meanwhile
            self._check_not_newer(version)
            for step in MIGRATIONS[version:]:
                for statement in step:
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def add(self, record: SessionRecord) -> int:
        """Store one session in its own transaction; returns its id."""
        values = asdict(record)
        values["started_at"] = _utc_text(record.started_at)
        values["fault_counts"] = json.dumps(dict(record.fault_counts), sort_keys=True)
        with self._transaction() as db:
            cursor = db.execute(
                f"INSERT INTO sessions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
                [values[c] for c in COLUMNS],
            )
            return int(cursor.lastrowid or 0)

    def delete(self, session_id: int) -> bool:
        """Remove one session (the web app's history page); False if there was none."""
        with self._transaction() as db:
            return db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

    def sessions(
        self, exercise: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[SessionRecord]:
        """Sessions, newest first."""
        where, params = [], []
        if exercise is not None:
            where.append("exercise = ?")
            params.append(exercise)
        if since is not None:
            where.append("started_at >= ?")
            params.append(_utc_text(since))
        sql = f"SELECT id, {', '.join(COLUMNS)} FROM sessions"
        sql += f" WHERE {' AND '.join(where)}" if where else ""
        sql += " ORDER BY started_at DESC, id DESC"
        sql += f" LIMIT {int(limit)}" if limit is not None else ""
        with self._errors():
            rows = self._db.execute(sql, params).fetchall()
        return [self._record(row) for row in rows]

    def _record(self, row: tuple[Any, ...]) -> SessionRecord:
        """A row as a record; a row damaged outside formcheck is a ``HistoryError``."""
        values = dict(zip(["id", *COLUMNS], row))
        try:
            values["started_at"] = datetime.fromisoformat(values["started_at"])
            counts = json.loads(values["fault_counts"])
            if not isinstance(counts, dict):
                raise TypeError("fault_counts is not an object")
            values["fault_counts"] = counts
        except (TypeError, ValueError) as exc:
            raise HistoryError(
                f"the history database is damaged: {self.path}: session {values['id']}: {str(exc).splitlines()[0]}"
            ) from None
        return SessionRecord(**values)


def record_session(
    session: Session,
    report: Report,
    path: Path | None = None,
    source_kind: str = "file",
    started_at: datetime | None = None,
    routine: str | None = None,
) -> int:
    """Record a finished session (recorded, live, or one step of a routine); returns its id.

    ``path`` defaults to ``resolve_path()``; ``started_at`` to now. File sources are
    stored as absolute paths, so the history still says which file it was.
    """
    return record_report(report, session.exercise.frequency, path, source_kind, started_at, routine)


def record_report(
    report: Report,
    frequency: str,
    path: Path | None = None,
    source_kind: str = "file",
    started_at: datetime | None = None,
    routine: str | None = None,
) -> int:
    """``record_session`` from the report alone (a batch records reports that workers,
    perhaps on other machines, wrote); ``frequency`` is the exercise's."""
    record = SessionRecord.from_report(
        report, started_at or datetime.now(timezone.utc), source_kind, frequency, routine
    )
    if source_kind in ("file", "track"):
        record = replace(record, source=os.path.abspath(record.source))
    with History(resolve_path(path)) as history:
        return history.add(record)


def record_live_session(
    session: Session, path: Path | None, source_kind: str, routine: str | None = None
) -> int | None:
    """Record a live session (``live``, ``routine`` or the web app) as it ends; it started
    ``duration_s`` ago. A step that never began counting (no frame) is not recorded."""
    if not session.frames:
        return None
    started = datetime.now(timezone.utc) - timedelta(seconds=session.duration_s)
    return record_session(session, build_report(session), path, source_kind, started, routine)
