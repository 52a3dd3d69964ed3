"""Measures on a frame: a joint seen too faintly gives no value, unless the measure says
how faint a joint it accepts."""
from __future__ import annotations

import math

from formcheck.exercise import MeasureSpec
from formcheck.landmarks import Landmark as L
from formcheck.measures import MeasureSet
from tests.synthetic import bridge_frame


def test_a_faint_joint_gives_nan_unless_the_measure_accepts_it():
    frame = bridge_frame(0, 0.0, 0.5)
    visibility = frame.visibility.copy()
    visibility[L.LEFT_KNEE] = 0.3  # the far knee, hidden behind the near leg
    faint = type(frame)(frame.index, frame.timestamp_s, frame.image_size, frame.xy, frame.z, visibility)
    strict = MeasureSpec(kind="angle", points=["shoulder", "hip", "knee"])
    lenient = MeasureSpec(kind="angle", points=["shoulder", "hip", "knee"], min_visibility=0.25)
    measures = MeasureSet({"strict": strict, "lenient": lenient}, min_visibility=0.5)
    seen = measures.evaluate(faint, "left")
    assert math.isnan(seen["strict"])
    assert seen["lenient"] == measures.evaluate(frame, "left")["strict"]
    assert not math.isnan(seen["lenient"])
