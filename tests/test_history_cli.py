"""History through the CLI: analyze records sessions; `formcheck history` shows them."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from formcheck.history.store import History
from tests.test_cli import cli
from tests.test_history import make_record


def test_analyze_records_the_session(history_db, mixed_bridges):
    code, out, err = cli("analyze", str(mixed_bridges), "-e", "bridge")
    assert code == 0, err
    assert f"recorded in history: {history_db}" in out
    with History(history_db) as h:
        (s,) = h.sessions()
    assert (s.exercise, s.reps, s.holds, s.holds_completed, s.faults, s.source_kind) == ("bridge", 4, 4, 0, 1, "track")
    assert s.source == str(mixed_bridges) and s.frequency == "about ten times a day" and s.app_version
    assert abs(s.duration_s - 24.0) < 0.1 and s.fault_counts == {"straight_line": 1}
    assert abs((datetime.now(timezone.utc) - s.started_at).total_seconds()) < 60


def test_no_history_and_history_path(tmp_path, history_db, mixed_bridges):
    code, _, err = cli("analyze", str(mixed_bridges), "-e", "bridge", "--no-history")
    assert code == 0, err
    assert not history_db.exists()
    elsewhere = tmp_path / "other.sqlite3"
    code, _, err = cli("analyze", str(mixed_bridges), "-e", "bridge", "--history", str(elsewhere))
    assert code == 0, err
    assert not history_db.exists() and len(History(elsewhere).sessions()) == 1


def test_history_table_filters_and_csv(tmp_path, history_db):
    now = datetime.now(timezone.utc)
    with History(history_db) as h:
        h.add(make_record(1, exercise="bridge", when=now - timedelta(days=10)))
        h.add(make_record(2, exercise="childs_pose", when=now - timedelta(hours=1)))
        h.add(make_record(3, exercise="bridge", when=now))
    code, out, err = cli("history")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["when", "exercise", "reps"]
    assert [line.split()[2] for line in lines[1:4]] == ["bridge", "childs_pose", "bridge"]  # newest first
    assert "session3.mp4" in lines[1] and "straight_line x1" in lines[1]
    code, out, _ = cli("history", "--exercise", "bridge", "--since", "3d")
    assert code == 0 and out.count("session") == 1 and "session3.mp4" in out
    code, out, _ = cli("history", "--csv", "-")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["exercise"] for r in rows] == ["bridge", "childs_pose", "bridge"] and rows[0][
        "fault_counts"
    ] == '{"straight_line": 1}'
    target = tmp_path / "all.csv"
    code, out, _ = cli("history", "--csv", str(target), "--since", (now - timedelta(days=2)).date().isoformat())
    assert code == 0 and "2 sessions written" in out and len(target.read_text().splitlines()) == 3


def test_history_adherence_and_plot(tmp_path, history_db):
    today = datetime.now().astimezone().replace(hour=12, minute=0)
    with History(history_db) as h:
        for days_ago, times in ((3, 2), (2, 2), (1, 2), (0, 1)):
            for k in range(times):
                h.add(make_record(days_ago * 10 + k, when=today - timedelta(days=days_ago, hours=k)))
    code, out, err = cli("history", "--adherence", "--per-day", "2", "--days", "5")
    assert code == 0, err
    assert "2 sessions a day (--per-day)" in out
    assert "days meeting it: 3 of 5; current streak: 3 days" in out
    code, out, _ = cli("history", "--adherence", "-e", "bridge", "--days", "5")
    assert "Bridges (bridge): 10 reps a day (from 'about ten times a day')" in out  # the exercise file's
    assert "days meeting it: 3 of 5; current streak: 3 days" in out  # 2 sessions of 5 reps, not the last
    strip = out.splitlines()[1]
    assert f".###+ {today:%a %d %b}   (# met, + some, . none)" in strip  # a calendar strip: one mark a day
    with History(history_db) as h:  # no recorded phrase: the bundled exercise file's
        h.add(replace(make_record(9, exercise="childs_pose", when=today), frequency=""))
        h.add(replace(make_record(9, exercise="knee_to_chest", when=today), frequency=""))
    code, out, _ = cli("history", "--adherence", "-e", "knee_to_chest")
    assert code == 0 and (
        "no daily number in the exercise file ('two to three times each leg'); give sessions a day with --per-day"
        in out
    )
    code, out, _ = cli("history", "--adherence", "--per-day", "1", "-e", "childs_pose", "--days", "2")
    assert "days meeting it: 1 of 2; current streak: 1 day\n" in out
    plot = tmp_path / "days.png"
    code, out, err = cli("history", "--plot", str(plot), "--days", "7")
    assert code == 0, err
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 10_000


def test_history_errors(tmp_path, history_db):
    code, out, _ = cli("history")
    assert code == 0 and "no sessions recorded yet" in out and not history_db.exists()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"garbage" * 500)
    code, _, err = cli("history", "--history", str(bad))
    assert code == 5 and err.startswith("formcheck: error: the history database is damaged") and err.count("\n") == 1
    code, _, err = cli("history", "--since", "last week")
    assert code == 3 and "--since" in err
