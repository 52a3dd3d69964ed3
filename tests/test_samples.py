"""The rendered samples end to end: a synthetic person on video, through the pose model,
against exact ground truth. With the adaptive stride (``--stride``) the same counts, and
holds within 0.2 s, must come out as with the pose model on every frame (the default).

Rep counts, sides and active time must be exact (active time within 0.5 s). For holds
the quality reached so far is stored, like a tracker's stored score: every labelled hold
found, and all but one within 0.5 s. The known miss: a child's pose hold where the arms
are still sliding forward when the ground truth says the pose is reached (0.53 s short).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.engine.stride import StrideParams
from formcheck.exercises.loader import exercise_ids, load_exercise
from formcheck.offline.analyze import AnalysisOptions, analyze
from formcheck.pose import create_estimator
from formcheck.reports.report import build_report

pytestmark = pytest.mark.slow  # the pose model on every sample video

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CLIPS = sorted(SAMPLES.glob("*.mp4"))
TOLERANCE_S = 0.5
STRIDE_HOLD_TOLERANCE_S = 0.2  # strided against every-frame analysis (issue 14)
MIN_HOLDS_WITHIN_TOLERANCE = 25  # of 26 labelled holds, reached on 2026-12-01


def truth(video: Path) -> dict:
    return json.loads(video.with_suffix(".json").read_text())


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    return {
        video.stem: build_report(analyze(video, load_exercise(truth(video)["exercise"]), create_estimator)).to_json()
        for video in CLIPS
    }


@pytest.fixture(scope="module")
def strided_reports() -> dict[str, dict]:
    return {
        video.stem: build_report(
            analyze(
                video, load_exercise(truth(video)["exercise"]), create_estimator, AnalysisOptions(stride=StrideParams())
            )
        ).to_json()
        for video in CLIPS
    }


def test_the_stride_counts_what_every_frame_counts(reports, strided_reports):
    for stem, strided in strided_reports.items():
        every = reports[stem]
        assert (strided["rep_count"], strided["rep_count_by_side"]) == (every["rep_count"], every["rep_count_by_side"])
        if every["active_s"] is not None:
            assert strided["active_s"] == pytest.approx(every["active_s"], abs=STRIDE_HOLD_TOLERANCE_S), stem
        assert len(strided["holds"]) == len(every["holds"]), stem
        for got, want in zip(strided["holds"], every["holds"]):
            assert got["duration_s"] == pytest.approx(want["duration_s"], abs=STRIDE_HOLD_TOLERANCE_S), stem


def test_every_exercise_has_a_sample():
    assert sorted(p.stem for p in CLIPS) == exercise_ids()


@pytest.mark.parametrize("video", CLIPS, ids=lambda p: p.stem)
def test_reps_sides_and_active_time(video: Path, reports):
    gt, report = truth(video), reports[video.stem]
    assert report["frames_with_pose"] == report["frames"] == gt["frames"]
    if load_exercise(gt["exercise"]).activity is not None:  # aerobics: marching on the spot
        active = gt["reps"][-1]["end_s"] - gt["reps"][0]["start_s"]
        assert report["active_s"] == pytest.approx(active, abs=TOLERANCE_S)
        return
    assert report["rep_count"] == len(gt["reps"])
    assert [r["side"] for r in report["reps"]] == [r["side"] for r in gt["reps"]]


def test_holds(reports):
    errors = {}
    for video in CLIPS:
        gt, report = truth(video), reports[video.stem]
        assert len(report["holds"]) == len(gt["holds"]), video.stem
        for i, (got, want) in enumerate(zip(report["holds"], gt["holds"])):
            assert got["side"] == want["side"]
            errors[f"{video.stem}[{i}]"] = round(got["duration_s"] - (want["end_s"] - want["start_s"]), 2)
    within = [k for k, e in errors.items() if abs(e) <= TOLERANCE_S]
    assert len(within) >= MIN_HOLDS_WITHIN_TOLERANCE, errors


def test_clean_renders_raise_no_faults(reports):
    # The samples are rendered without injected faults, by one person, in a good set-up:
    # a fault here is a false alarm (the hip stretch's front leg is straight, as the seed says).
    faults = {stem: sorted({f["check"] for f in report["faults"]}) for stem, report in reports.items()}
    assert {stem: checks for stem, checks in faults.items() if checks} == {}
