"""The near side of a stream of frames: depth flickers, the side must not."""

from __future__ import annotations

from formcheck.core.landmarks import Landmark as L
from formcheck.measures.posture import SHOULDERS, NearSide
from tests.synthetic import bridge_frame

FPS = 30.0


def sides_seen(nears: list[str], tracker: NearSide) -> list[str]:
    return [tracker.update(bridge_frame(i, i / FPS, 0.0, near=near)) for i, near in enumerate(nears)]


def test_a_brief_flip_of_depth_does_not_change_the_side():
    seen = sides_seen(["left"] * 30 + ["right"] * 15 + ["left"] * 30, NearSide(1.0))
    assert set(seen) == {"left"}


def test_a_lasting_change_switches_after_the_switch_time():
    seen = sides_seen(["left"] * 30 + ["right"] * 60, NearSide(1.0))
    first_right = seen.index("right")
    assert seen[:first_right] == ["left"] * first_right
    assert abs(first_right / FPS - (1.0 + 1.0)) <= 1.5 / FPS  # 1 s on the left, then 1 s to be sure


def test_the_shoulders_alone_can_say_it():
    # A twist: the pelvis turned over, hips and knees nearer on the right, shoulders on the left.
    frame = bridge_frame(0, 0.0, 0.0, near="left")
    for pair in ((L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_KNEE, L.RIGHT_KNEE)):
        frame.z[list(pair)] = -frame.z[list(pair)] * 3
    assert NearSide(1.0).update(frame) == "right"
    assert NearSide(1.0, SHOULDERS).update(frame) == "left"
