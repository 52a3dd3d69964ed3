"""``live`` and ``routine`` record their sessions in the history, as ``analyze`` does;
``--no-history`` and ``--history PATH`` work the same way."""

from __future__ import annotations

from formcheck.history.store import History
from tests.test_cli import cli
from tests.test_live import bridges, fake_backend  # noqa: F401  (bridges is a fixture)


def test_live_session_is_recorded(history_db, bridges):  # noqa: F811
    clip, track, _ = bridges
    code, out, err = cli("live", "--source", str(clip), "-e", "bridge", "--no-window", *fake_backend(track))
    assert code == 0, err
    assert f"recorded in history: {history_db}" in out
    with History(history_db) as h:
        (s,) = h.sessions()
    assert (s.exercise, s.reps, s.source_kind, s.routine) == ("bridge", 2, "file", None)
    assert s.source == str(clip) and s.duration_s > 3.0


def test_routine_steps_are_recorded_with_the_routine_name(tmp_path, history_db, bridges):  # noqa: F811
    clip, track, _ = bridges
    routine = tmp_path / "mine.toml"
    routine.write_text('name = "Test"\n[[exercise]]\nid = "bridge"\nreps = 1\n[[exercise]]\nid = "knee_to_chest"\n')
    code, out, err = cli("routine", str(routine), "--source", str(clip), "--no-window", *fake_backend(track))
    assert code == 0, err
    with History(history_db) as h:
        rows = sorted(h.sessions(), key=lambda r: r.id)
    assert [(r.exercise, r.routine) for r in rows] == [("bridge", "Test"), ("knee_to_chest", "Test")]
    assert rows[0].reps == 1


def test_live_no_history_and_history_path(tmp_path, history_db, bridges):  # noqa: F811
    clip, track, _ = bridges
    args = ["live", "--source", str(clip), "-e", "bridge", "--no-window", *fake_backend(track)]
    code, out, err = cli(*args, "--no-history")
    assert code == 0, err
    assert not history_db.exists() and "recorded in history" not in out
    elsewhere = tmp_path / "other.sqlite3"
    code, _, err = cli(*args, "--history", str(elsewhere))
    assert code == 0, err
    assert not history_db.exists() and len(History(elsewhere).sessions()) == 1
