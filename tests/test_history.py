"""The session history database: migrations, errors, concurrent writers, kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from formcheck.core.errors import HistoryError
from formcheck.history.store import MIGRATIONS, SCHEMA_VERSION, History, SessionRecord

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)


def make_record(i: int = 0, exercise: str = "bridge", when: datetime = T0, reps: int = 5) -> SessionRecord:
    return SessionRecord(
        started_at=when,
        exercise=exercise,
        source=f"/videos/session{i}.mp4",
        source_kind="file",
        duration_s=60.0 + i,
        reps=reps,
        reps_left=None,
        reps_right=None,
        rep_target=10,
        holds=2,
        holds_completed=1,
        hold_s=20.5,
        hold_target_s=12.0,
        faults=1,
        fault_counts={"straight_line": i % 3 + 1},
        frequency="twice a day",
    )


def writer_main(path: str, name: str, count: int) -> None:
    """Run in a child process: add ``count`` sessions (forever if 0), printing each id once committed."""
    with History(Path(path)) as history:
        i = 0
        while count == 0 or i < count:
            rid = history.add(make_record(i, exercise=name))
            print(rid, i, flush=True)
            i += 1


def spawn_writer(path: Path, name: str, count: int) -> subprocess.Popen:
    code = f"from tests.test_history import writer_main; writer_main({str(path)!r}, {name!r}, {count})"
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_round_trip(tmp_path):
    with History(tmp_path / "h.db") as h:
        rid = h.add(make_record(1))
        got = h.sessions()
    assert len(got) == 1 and got[0].id == rid
    assert got[0] == replace(make_record(1), id=rid)
    assert got[0].started_at == T0 and got[0].fault_counts == {"straight_line": 2}


def test_fresh_database_is_wal_at_the_latest_version(tmp_path):
    path = tmp_path / "sub" / "h.db"
    History(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrates_a_version_1_database_keeping_its_sessions(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute(
        "INSERT INTO sessions (started_at, exercise, source, source_kind, duration_s, reps, reps_left, reps_right, rep_target,"
        " holds, holds_completed, hold_s, hold_target_s, faults, fault_counts, app_version)"
        " VALUES ('2024-01-02T08:00:00+00:00', 'knee_to_chest', 'a.mp4', 'file', 30, 6, 3, 3, 3, 6, 2, 31.5, 5, 0, '{}', '0.0.9')"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with History(path) as h:
        assert h.version() == SCHEMA_VERSION
        (old,) = h.sessions()
        h.add(make_record(2))
        assert len(h.sessions()) == 2
    assert (old.exercise, old.reps_left, old.reps_right, old.frequency, old.routine) == (
        "knee_to_chest",
        3,
        3,
        "",
        None,
    )
    assert old.started_at == datetime(2024, 1, 2, 8, tzinfo=timezone.utc)


def test_a_database_from_a_newer_formcheck_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    History(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(HistoryError, match="newer formcheck"):
        History(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_damaged_database_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.db"
    path.write_bytes(b"this is not a database at all " * 200)
    with pytest.raises(HistoryError, match="damaged.*move it away"):
        History(path)


def test_a_locked_database_is_a_clear_error(tmp_path):
    path = tmp_path / "h.db"
    History(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with History(path, busy_timeout_s=0.2) as h:
            with pytest.raises(HistoryError, match="busy"):
                h.add(make_record())
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "h.db"
    procs = [spawn_writer(path, f"ex{k}", 40) for k in range(3)]  # the first ones race to create and migrate it
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert len(out.split("\n")) == 41
    with History(path) as h:
        sessions = h.sessions()
    assert len(sessions) == 120 and len({s.id for s in sessions}) == 120
    assert {s.exercise: sum(1 for x in sessions if x.exercise == s.exercise) for s in sessions} == {
        "ex0": 40,
        "ex1": 40,
        "ex2": 40,
    }


def test_sigkill_mid_write_keeps_every_committed_session(tmp_path):
    """A writer adding sessions as fast as it can is killed with SIGKILL three times; each
    time the database must pass integrity_check and hold every session whose commit the
    writer had reported (it prints an id only after COMMIT returned)."""
    path = tmp_path / "h.db"
    committed: dict[int, int] = {}
    for round_ in range(3):
        proc = spawn_writer(path, f"round{round_}", 0)
        seen = 0
        deadline = time.monotonic() + 60
        while seen < 25 + round_ * 7 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            rid, i = map(int, line.split())
            committed[rid] = i
            seen += 1
        os.kill(proc.pid, signal.SIGKILL)
        # Drain through proc.stdout itself: communicate() reads the raw pipe and would skip the
        # lines readline() has already pulled into the text wrapper's buffer.
        rest = proc.stdout.read()
        proc.stderr.read()
        proc.wait(timeout=30)
        for line in rest.splitlines():  # lines flushed before the kill landed
            rid, i = map(int, line.split())
            committed[rid] = i
        assert proc.returncode == -signal.SIGKILL
        assert seen >= 25, "the writer did not get going"
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        with History(path) as h:
            stored = {s.id: s for s in h.sessions()}
        for rid, i in committed.items():
            assert (
                rid in stored and stored[rid].duration_s == 60.0 + i and stored[rid].source == f"/videos/session{i}.mp4"
            )
        assert len(stored) - len(committed) <= round_ + 1  # per kill, at most one committed but not yet reported


def test_filters_newest_first(tmp_path):
    with History(tmp_path / "h.db") as h:
        for k in range(5):
            h.add(make_record(k, exercise="bridge" if k % 2 else "childs_pose", when=T0 + timedelta(days=k)))
        assert [s.duration_s for s in h.sessions()] == [64, 63, 62, 61, 60]
        assert [s.duration_s for s in h.sessions(exercise="bridge")] == [63, 61]
        assert [s.duration_s for s in h.sessions(since=T0 + timedelta(days=2, hours=-1))] == [64, 63, 62]
        assert [s.duration_s for s in h.sessions(limit=2)] == [64, 63]
