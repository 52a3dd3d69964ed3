"""Shared fixtures. History is always redirected to a temporary database, so no test
(and no CI run) ever writes to the real user's data directory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.history.store import ENV_VAR
from tests.synthetic import bridge_track, schedule


@pytest.fixture(autouse=True)
def history_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path per test, outside the test's own tmp_path."""
    path = tmp_path_factory.mktemp("history") / "history.sqlite3"
    monkeypatch.setenv(ENV_VAR, str(path))
    return path


@pytest.fixture
def mixed_bridges(tmp_path: Path) -> Path:
    """Four counted bridges: two with 2 s at the top, one only 40 % up (hips too low:
    a 'straight_line' fault) and one held 5 s; then 1.5 s lying still. The person is
    hidden for 0.5 s in the final rest, so some measures are missing there."""
    full = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 0.0)]
    partial = [(1.0, 0.0, 0.0), (1.0, 0.0, 0.4), (1.5, 0.4, 0.4), (1.0, 0.4, 0.0)]
    long_hold = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (5.0, 1.0, 1.0), (1.0, 1.0, 0.0), (1.5, 0.0, 0.0)]
    t, lift = schedule(30.0, full * 2 + partial + long_hold)
    track = bridge_track(lift, t, jitter=0.8)
    hidden = slice(len(t) - 20, len(t) - 5)
    track.xy[hidden] = np.nan
    track.visibility[hidden] = 0.0
    path = tmp_path / "mixed.npz"
    track.save(path)
    return path
