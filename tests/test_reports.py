"""HTML and CSV session reports, end to end through the CLI on a synthetic track."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from formcheck.exercises.loader import load_exercise
from formcheck.reports import html as html_report
from formcheck.reports.html import best_and_worst
from formcheck.reports.keyframes import downscale
from formcheck.reports.model import RepEntry
from tests.test_cli import cli

EXTERNAL_REF = re.compile(r"""(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?!data:)[^"'\s>]""", re.I)


def test_csv_has_a_row_per_frame_and_blank_missing_measures(tmp_path, mixed_bridges):
    target = tmp_path / "frames.csv"
    code, out, err = cli("analyze", str(mixed_bridges), "-e", "bridge", "--csv", str(target))
    assert code == 0, err
    assert f"CSV: {target}" in out
    rows = list(csv.DictReader(target.open(newline="")))
    assert list(rows[0]) == ["time_s", "has_pose", "phase", "side", "hip", "knee", "shoulder_lift"]
    assert len(rows) == 30 * (5 + 5 + 4.5 + 9.5)  # the schedule's frames
    assert {r["phase"] for r in rows} == {"setup", "ready", "position"}
    hidden = [r for r in rows if r["has_pose"] == "0"]
    assert len(hidden) == 15 and all(r["hip"] == "" for r in hidden)
    assert max(float(r["hip"]) for r in rows if r["hip"]) > 175
    times = [float(r["time_s"]) for r in rows]
    assert times == sorted(times) and times[0] == 0.0


def test_html_report_is_self_contained_and_complete(tmp_path, mixed_bridges):
    target = tmp_path / "report.html"
    code, out, err = cli("analyze", str(mixed_bridges), "-e", "bridge", "--html", str(target), "--frames")
    assert code == 0, err
    html = target.read_text(encoding="utf-8")
    assert EXTERNAL_REF.findall(html) == []
    assert "<script" not in html.lower() and "@import" not in html and "url(" not in html
    assert html.count('src="data:image/png;base64,') == 1  # the measures plot
    assert html.count('src="data:image/jpeg;base64,') == 2  # best and worst rep
    assert "Best rep: rep 4" in html and "Worst rep: rep 3" in html  # rep 3 is the low one
    # per-rep table: four rows, the partial rep with its fault
    rep_rows = re.findall(r"<tr><td class=\"num\">(\d)</td>", html)
    assert rep_rows == ["1", "2", "3", "4"]
    assert "straight_line" in html and "Lift your hips a little higher" in html
    assert "0 of 4" in html  # holds reaching the 12 s target


def test_key_frames_only_when_asked(tmp_path, mixed_bridges):
    target = tmp_path / "report.html"
    code, _, err = cli("analyze", str(mixed_bridges), "-e", "bridge", "--html", str(target))
    assert code == 0, err
    html = target.read_text(encoding="utf-8")
    assert "image/jpeg" not in html and "Key frames" not in html
    assert "image/png" in html


def test_html_escapes_text_from_exercise_files(tmp_path, mixed_bridges):
    text = (Path(__file__).parent.parent / "poses" / "bridge.toml").read_text(encoding="utf-8")
    assert 'name = "Bridges"' in text
    evil = tmp_path / "bridge.toml"
    evil.write_text(text.replace('name = "Bridges"', 'name = "<img src=x onerror=alert(1)> & co"'))
    target = tmp_path / "report.html"
    code, _, err = cli("analyze", str(mixed_bridges), "-e", str(evil), "--html", str(target))
    assert code == 0, err
    html = target.read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt; &amp; co" in html


def test_interrupted_html_leaves_the_old_report(tmp_path, mixed_bridges, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old report")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(html_report, "measures_plot_png", interrupted)
    code, _, err = cli("analyze", str(mixed_bridges), "-e", "bridge", "--html", str(target))
    assert code == 130 and "interrupted" in err
    assert target.read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_outputs_may_not_overwrite_each_other(tmp_path, mixed_bridges):
    same = tmp_path / "x.out"
    code, _, err = cli("analyze", str(mixed_bridges), "-e", "bridge", "--html", str(same), "--csv", str(same))
    assert code == 3 and "used twice" in err
    code, _, err = cli("analyze", str(mixed_bridges), "-e", "bridge", "--csv", str(mixed_bridges))
    assert code == 3 and "would overwrite the input" in err
    assert mixed_bridges.stat().st_size > 1000


@pytest.mark.parametrize("direction,expected", [("rise", (2, 3)), ("fall", (1, 3))])
def test_best_and_worst_rep(direction, expected):
    ex = load_exercise("bridge")
    ex = ex.model_copy(update={"rep": ex.rep.model_copy(update={"direction": direction})})
    reps = [
        RepEntry(index=1, start_s=0.0, end_s=1.0, faults=[], hold_s=2.0, peak={"hip": 170.0}),
        RepEntry(index=2, start_s=1.0, end_s=2.0, faults=[], hold_s=2.0, peak={"hip": 180.0}),
        RepEntry(index=3, start_s=2.0, end_s=3.0, faults=["straight_line"], hold_s=9.0, peak={"hip": 181.0}),
    ]
    best, worst = best_and_worst(reps, ex)
    assert (best.index, worst.index) == expected
    assert best_and_worst(reps[:1], ex) == (reps[0], None)


@pytest.mark.parametrize(
    "shape,expected", [((1920, 1080, 3), (320, 180)), ((720, 1280, 3), (180, 320)), ((100, 80, 3), (100, 80))]
)
def test_key_frame_thumbnails_fit_a_square(shape, expected):
    assert downscale(np.zeros(shape, np.uint8), 320).shape[:2] == expected


def test_the_worst_rep_is_shown_only_when_it_had_more_faults_than_the_best():
    ex = load_exercise("bridge")
    clean = [
        RepEntry(index=i, start_s=i, end_s=i + 1.0, faults=[], hold_s=2.0, peak={"hip": 170.0 + i}) for i in (1, 2)
    ]
    assert best_and_worst(clean, ex) == (clean[1], None)


@pytest.mark.parametrize("value,shown", [(-0.04, "0.0"), (0.8, "0.8"), (-1.26, "-1.3"), (None, "–")])
def test_numbers_read_as_in_the_rep_table_and_never_minus_zero(value, shown):
    assert html_report._fmt(value) == shown
