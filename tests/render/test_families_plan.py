"""benchmarks/families.py draws the same seeded clips each run, each family varying what it names."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.families import FAMILIES, MAX_CLIP_S, build_cases  # noqa: E402
from tools.render.motions import EXERCISES  # noqa: E402
from tools.render.schedule import build_timeline  # noqa: E402
from tools.render.stitch import Card  # noqa: E402


def duration(spec) -> float:
    tl = build_timeline(
        EXERCISES[spec.exercise], spec.reps, spec.hold_s, spec.sides, spec.tempo, spec.faults, spec.seed
    )
    return tl.duration_s - (0.0 if spec.start_at is None else tl.start_of(spec.start_at))


def test_the_set_is_seeded_and_subsets_pick_the_same_clips(tmp_path):
    full = build_cases(list(FAMILIES), 3, 0, tmp_path)
    assert full == build_cases(list(FAMILIES), 3, 0, tmp_path)
    assert build_cases(["edited"], 1, 0, tmp_path)[0] == next(c for c in full if c.name == "edited0")
    assert build_cases(["phone"], 1, 1, tmp_path)[0] != next(c for c in full if c.name == "phone0")
    for case in full:
        for spec in case.renders:
            assert 6.0 < duration(spec) <= MAX_CLIP_S + 0.1
            assert (spec.width, spec.height) in ((640, 360), (360, 640))


@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_family_varies_what_it_names(family, tmp_path):
    for case in build_cases([family], 4, 0, tmp_path):
        spec = case.renders[0]
        offset = spec.azimuth_deg - EXERCISES[spec.exercise].azimuth_deg
        if family == "variants":
            assert spec.variant != "standard"
        elif family == "phone":
            assert 30 <= abs(offset) <= 60
            assert spec.height > spec.width or spec.drift_deg or spec.crop_feet
        elif family == "edited":
            a, b = case.renders
            assert isinstance(case.edit.shots[0], Card) and isinstance(case.edit.shots[-1], Card)
            assert case.edit.captions and case.edit.shots[-2].fade_out_s > 0
            if case.notes == "two demonstrators":
                assert a.body != b.body and abs(b.azimuth_deg - a.azimuth_deg) > 0
                continue
            assert (a.seed, a.reps, a.tempo, a.hold_s) == (b.seed, b.reps, b.tempo, b.hold_s)
            assert 30 <= abs(b.azimuth_deg - a.azimuth_deg) <= 60.1
            cut = case.edit.shots[1].end_s
            tl = build_timeline(EXERCISES[a.exercise], a.reps, a.hold_s, a.sides, a.tempo, a.faults, a.seed)
            assert any(r.start_s <= cut <= r.end_s for r in tl.reps)  # the cut falls inside a rep
        elif family == "midstart":
            assert 0 < spec.start_at < 1
        elif family == "short_holds":
            assert 1.0 <= spec.hold_s <= 3.0
        elif family == "sides":
            assert EXERCISES[spec.exercise].sided and spec.sides == "both"
        elif family == "zero":
            assert case.zero_reps and case.analysed_as != spec.exercise
