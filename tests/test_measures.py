"""Measures on a frame: a joint seen too faintly gives no value, unless the measure says
how faint a joint it accepts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.core.frame import PoseFrame
from formcheck.core.landmarks import Landmark as L
from formcheck.exercises.schema import MeasureSpec
from formcheck.measures.measure_set import MeasureSet, facing_of
from formcheck.measures.motion import BodyMotion, body_scale
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


def _standing(shoulder_x: float, shoulder_y: float, nose_lead: float):
    """A side-view body with its hips at (300, 300); the nose ``nose_lead`` px ahead of the ears."""
    xy = np.tile([300.0, 300.0], (len(L), 1))
    for mark in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER):
        xy[mark] = [shoulder_x, shoulder_y]
    for mark in (L.LEFT_EAR, L.RIGHT_EAR):
        xy[mark] = [shoulder_x + 10, shoulder_y - 30]
    xy[L.NOSE] = [shoulder_x + 10 + nose_lead, shoulder_y - 28]
    return PoseFrame(0, 0.0, (640, 480), xy, np.zeros(len(L)), np.ones(len(L)))


def test_the_bridges_hip_reads_past_straight_as_the_hips_rise_above_the_line():
    """Hips lifted above the knee-to-shoulder line (most real bridges: 181-193 degrees at
    the top) read past 180; an unsigned angle would fold back and the top would look
    like the way down."""
    from formcheck.exercises.loader import load_exercise

    bridge = load_exercise("bridge")
    folded = MeasureSpec(kind="angle", points=["shoulder", "hip", "knee"])
    measures = MeasureSet({"hip": bridge.measures["hip"], "folded": folded}, min_visibility=0.5)
    lifts = [0.0, 0.5, 0.9, 1.0, 1.1, 1.3]
    hips = [measures.evaluate(bridge_frame(i, i / 30, lift), "left") for i, lift in enumerate(lifts)]
    assert np.all(np.diff([h["hip"] for h in hips]) > 0) and hips[-1]["hip"] > 185.0
    assert hips[-1]["folded"] < hips[3]["folded"]  # the fold: higher hips, a smaller reading
    beyond = measures.evaluate(bridge_frame(9, 0.3, 2.5), "left")  # 55 degrees past straight: no body's
    assert math.isnan(beyond["hip"]) and beyond["folded"] == pytest.approx(125.0, abs=0.5)


def test_the_bridges_hip_reads_past_straight_in_3d_too():
    """The same lifted hips in MediaPipe's metric landmarks (y down, as the picture's)."""
    from dataclasses import replace

    from formcheck.exercises.loader import load_exercise

    bridge = load_exercise("bridge")
    world_only = bridge.measures["hip"].model_copy(update={"space": "world"})
    measures = MeasureSet({"hip": world_only}, min_visibility=0.5)
    frame = bridge_frame(0, 0.0, 1.3)
    world = np.column_stack([frame.xy / 500.0, np.zeros(len(L))])  # the picture, in metres
    assert measures.evaluate(replace(frame, world=world), "left")["hip"] > 185.0


def test_a_fused_angle_seen_square_on_keeps_the_pictures_value_when_3d_reads_none():
    """Past straight beyond the limit in 3D (a depth flip) is unmeasured there; with the
    picture weighted fully, the fused angle is the picture's, not NaN."""
    from dataclasses import replace

    from formcheck.exercises.loader import load_exercise

    hip_spec = load_exercise("bridge").measures["hip"]  # fused, past straight
    frame = bridge_frame(0, 0.0, 1.3)
    world = np.column_stack([frame.xy / 500.0, np.zeros(len(L))])
    for mark in L:  # left and right 0.2 m apart along the line of sight: seen side-on
        world[mark, 2] = -0.1 if mark.name.startswith("LEFT") else 0.1 if mark.name.startswith("RIGHT") else 0.0
    world[[L.LEFT_HIP, L.RIGHT_HIP], 1] -= 0.5  # the 3D hips flipped far above their line: no body's
    picture = MeasureSet({"hip": hip_spec.model_copy(update={"space": "image"})}, 0.5).evaluate(frame, "left")
    fused = MeasureSet({"hip": hip_spec}, 0.5).evaluate(replace(frame, world=world), "left")
    assert picture["hip"] > 185.0 and fused["hip"] == pytest.approx(picture["hip"])


def test_upright_the_face_says_which_way_the_person_faces():
    assert facing_of(_standing(300, 200, nose_lead=12)) == 1.0
    assert facing_of(_standing(300, 200, nose_lead=-12)) == -1.0


def test_bent_forward_the_shoulders_say_it_whatever_the_bowed_head_does():
    # Bent 50 degrees forward to image-right, the hanging head's nose a little "behind"
    # the ears, as the pose model places it in a lizard lunge.
    assert facing_of(_standing(377, 236, nose_lead=-3)) == 1.0
    assert facing_of(_standing(223, 236, nose_lead=3)) == -1.0


def _knee_bent_towards_the_camera(true_angle: float) -> PoseFrame:
    """Hip, knee and ankle in a plane along the camera's line of sight (the camera looks
    along the body, from the feet): the picture shows a straight leg whatever the knee
    does, the metric 3D landmarks show the true bend."""
    xy = np.tile([300.0, 300.0], (len(L), 1))
    world = np.zeros((len(L), 3))
    bend = np.radians(180.0 - true_angle)
    legs = ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, -0.15), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, 0.15))
    for hip, knee, ankle, x in legs:  # the body's left-right axis along x: side-on to the camera's z
        xy[hip], xy[knee], xy[ankle] = [300.0, 200.0], [300.0, 300.0], [300.0, 400.0]
        world[hip], world[knee] = [x, -0.4, 0.0], [x, 0.0, 0.0]
        world[ankle] = [x, 0.4 * np.cos(bend), 0.4 * np.sin(bend)]  # the shin turns along z
    world[L.LEFT_SHOULDER], world[L.RIGHT_SHOULDER] = [-0.15, -0.9, 0.0], [0.15, -0.9, 0.0]
    return PoseFrame(0, 0.0, (640, 480), xy, np.zeros(len(L)), np.ones(len(L)), world=world)


def test_angles_in_the_world_space_see_a_bend_the_picture_cannot():
    frame = _knee_bent_towards_the_camera(90.0)
    specs = {
        space: MeasureSpec(kind="angle", points=["hip", "knee", "ankle"], space=space)
        for space in ("image", "world", "fused")
    }
    got = MeasureSet(specs, min_visibility=0.5).evaluate(frame, "left")
    assert got["image"] == pytest.approx(180.0)
    assert got["world"] == pytest.approx(90.0)
    # The body's bending plane is edge-on to the camera: the fused angle is the 3D one.
    assert got["fused"] == pytest.approx(90.0)
    no_world = PoseFrame(0, 0.0, (640, 480), frame.xy, frame.z, frame.visibility)
    assert MeasureSet(specs, min_visibility=0.5).evaluate(no_world, "left")["world"] == pytest.approx(180.0)


def _head_dropped(shoulders_across_the_picture: bool) -> PoseFrame:
    """The nose 0.1 m above the shoulders, which are 0.3 m apart. Facing the camera they
    lie across the picture (300 px wide there); side-on they point at it and look 30 px
    apart, so the picture's height in shoulder widths comes out ten times too large."""
    xy = np.tile([300.0, 300.0], (len(L), 1))
    world = np.zeros((len(L), 3))
    half_width_px = 150.0 if shoulders_across_the_picture else 15.0
    xy[L.LEFT_SHOULDER], xy[L.RIGHT_SHOULDER] = [300.0 - half_width_px, 300.0], [300.0 + half_width_px, 300.0]
    xy[L.NOSE] = [300.0, 200.0]  # 100 px above: 0.1 m at 1000 px per metre
    axis = np.array([1.0, 0.0, 0.0]) if shoulders_across_the_picture else np.array([0.0, 0.0, 1.0])
    world[L.LEFT_SHOULDER], world[L.RIGHT_SHOULDER] = -0.15 * axis, 0.15 * axis
    world[L.NOSE] = [0.0, -0.1, 0.0]
    return PoseFrame(0, 0.0, (640, 480), xy, np.zeros(len(L)), np.ones(len(L)), world=world)


@pytest.mark.parametrize("across", [True, False], ids=["facing the camera", "side-on"])
def test_a_fused_height_trusts_the_picture_only_while_its_reference_lies_across_it(across):
    specs = {
        space: MeasureSpec(
            kind="height", points=["nose", "mid_shoulder"], per=["left_shoulder", "right_shoulder"], space=space
        )
        for space in ("image", "world", "fused")
    }
    got = MeasureSet(specs, min_visibility=0.5).evaluate(_head_dropped(across), "left")
    assert got["world"] == pytest.approx(1 / 3)
    assert got["image"] == pytest.approx(1 / 3 if across else 10 / 3)
    assert got["fused"] == pytest.approx(1 / 3)  # the picture's when it is right, the 3D one when not


def _lying_body(azimuth_deg: float, shift_m: float = 0.0, t: float = 0.0) -> PoseFrame:
    """A person lying on their back with knees bent, turned ``azimuth_deg`` from side-on
    (90: the camera looks along the body from the feet), moved ``shift_m`` across the
    picture; an orthographic camera at 500 pixels a metre, its axes the 3D landmarks' (y down)
    (as MediaPipe's are)."""
    world = np.zeros((len(L), 3))
    joints = {"shoulder": (0.5, 0.0, 0.18), "elbow": (0.3, 0.0, 0.22), "wrist": (0.1, 0.0, 0.24)}
    joints |= {
        "hip": (0.0, 0.0, 0.14),
        "knee": (-0.3, -0.35, 0.14),
        "ankle": (-0.5, 0.0, 0.14),
        "heel": (-0.55, 0.0, 0.14),
    }
    for mark in L:
        name = mark.name.lower()
        side, _, part = name.partition("_")
        x, y, z = joints.get(part, (0.6, -0.1, 0.0))
        world[mark] = [x, y, -z if side == "left" else z]
    a = np.radians(azimuth_deg)
    turned = world @ np.array([[np.cos(a), 0.0, np.sin(a)], [0.0, 1.0, 0.0], [-np.sin(a), 0.0, np.cos(a)]])
    xy = np.column_stack([320.0 + 500.0 * (turned[:, 0] + shift_m), 300.0 + 500.0 * turned[:, 1]])
    return PoseFrame(0, t, (640, 480), xy, np.zeros(len(L)), np.ones(len(L)), world=turned)


@pytest.mark.parametrize("azimuth", [0.0, 30.0, 60.0, 85.0])
def test_the_body_scale_is_the_trunk_seen_square_on_from_any_side(azimuth):
    """Filmed from the feet the trunk's image shrinks to nothing; speeds measured in it
    would read a still body as moving (a real bridge clip from the feet: 2-3 times)."""
    frame = _lying_body(azimuth)
    assert body_scale(frame) == pytest.approx(0.5 * 500.0, rel=0.02)
    if azimuth >= 60.0:
        foreshortened = np.linalg.norm(frame.xy[L.LEFT_SHOULDER] - frame.xy[L.LEFT_HIP])
        assert foreshortened < 0.6 * body_scale(frame)
    without_3d = PoseFrame(0, 0.0, (640, 480), frame.xy, frame.z, frame.visibility)
    assert body_scale(without_3d) == pytest.approx(0.5 * 500.0 * np.cos(np.radians(azimuth)), rel=0.02, abs=1.0)


@pytest.mark.parametrize("broken", ["nan", "one point"], ids=["3D with NaN", "3D with no spread"])
def test_the_body_scale_falls_back_to_the_trunks_image_when_3d_cannot_say(broken):
    """A frame whose 3D landmarks are missing in part, or collapsed to one point (a
    degenerate estimate), scales by the trunk's image rather than by nothing."""
    from dataclasses import replace

    frame = _lying_body(30.0)
    world = frame.world.copy()
    if broken == "nan":
        world[L.LEFT_KNEE] = np.nan
    else:
        world[:] = 0.25
    image = np.linalg.norm(
        (frame.xy[L.LEFT_SHOULDER] + frame.xy[L.RIGHT_SHOULDER]) / 2
        - (frame.xy[L.LEFT_HIP] + frame.xy[L.RIGHT_HIP]) / 2
    )
    assert body_scale(replace(frame, world=world)) == pytest.approx(image, rel=0.05)


def test_a_movement_reads_the_same_speed_whichever_way_the_body_lies():
    speeds = []
    for azimuth in (0.0, 80.0):
        motion = BodyMotion()
        for i in range(10):
            speed = motion.update(_lying_body(azimuth, shift_m=0.1 * i / 30, t=i / 30))
        speeds.append(speed)
    # 0.1 metre a second across the picture, a trunk of 0.5 metre: 0.2 trunk lengths/s.
    assert speeds == pytest.approx([0.2, 0.2], rel=0.03)
