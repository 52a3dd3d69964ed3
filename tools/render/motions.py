"""Key poses for each seed exercise, as a function of progress ``p``.

Each exercise maps ``p`` in [0, 1] (0 = start position, 1 = target
position) and a side to a ``Pose``.  Poses are built from a few scalar
parameters that are blended with ``p`` so the path between the key poses is
smooth, and constraints (feet on the floor, hands under the shoulders) are
kept with IK instead of hoping a blend of angles keeps them.

World frame: y up, the floor and mat at y = 0..MAT_TOP, the mat along x,
the camera by default on +z.  The pelvis is placed near x = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tools.render.body import Body
from tools.render.posing import Pose, Reach, frame_from, two_bone

MAT_TOP = 0.012
UP = np.array([0.0, 1.0, 0.0])
STANDARD = "standard"  # the variant every exercise has: the form its pose function draws by default


def mix(a: float | np.ndarray, b: float | np.ndarray, p: float) -> float | np.ndarray:
    return a + (b - a) * p


def unit(*xyz: float) -> np.ndarray:
    v = np.asarray(xyz, dtype=np.float64)
    return v / np.linalg.norm(v)


def rot_x(deg: float) -> np.ndarray:
    """World rotation about x (the mat's long axis): turns +y towards +z."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


@dataclass(frozen=True)
class Dims:
    """Segment lengths of the current body, used to keep contacts."""

    thigh: float
    shin: float
    upper_arm: float
    forearm: float
    torso: float  # pelvis joint to shoulder joint
    hip_half_width: float
    shoulder_half_width: float
    back_depth: float  # pelvis joint to the skin of the buttocks behind it
    hip_front: float  # hip joints in front of the pelvis joint (they move when the pelvis tilts)

    @staticmethod
    def of(body: Body) -> Dims:
        h = body.bone_heads
        return Dims(
            thigh=body.length("upperleg01.L", "lowerleg01.L"),
            shin=body.length("lowerleg01.L", "foot.L"),
            upper_arm=body.length("upperarm01.L", "lowerarm01.L"),
            forearm=body.length("lowerarm01.L", "wrist.L"),
            torso=float(h[body.bone("upperarm01.L"), 1] - h[body.bone("root"), 1]),
            hip_half_width=float(h[body.bone("upperleg01.L"), 0]),
            shoulder_half_width=float(h[body.bone("upperarm01.L"), 0]),
            back_depth=float(
                h[body.bone("root"), 2] - body.vertices[body.skin_bones[:, 0] == body.bone("root"), 2].min()
            ),
            hip_front=float(h[body.bone("upperleg01.L"), 2] - h[body.bone("root"), 2]),
        )


@dataclass(frozen=True)
class Context:
    """What a pose function may depend on besides progress."""

    dims: Dims
    side: str | None  # "left", "right" or None
    faults: frozenset[str] = field(default_factory=frozenset)
    variant: str = STANDARD  # one of the exercise's ``variants``, or the standard form


PoseFn = Callable[[float, Context], Pose]


@dataclass(frozen=True)
class Exercise:
    """An exercise: its pose path and default timing and camera."""

    id: str
    pose: PoseFn
    sided: bool
    move_s: float  # one way, into the position
    hold_s: float
    rest_s: float  # between reps, at the start position
    azimuth_deg: float = 0.0
    elevation_deg: float = 8.0
    seated: bool = False
    faults: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()  # forms people really do besides the standard one


def lateral(frame: np.ndarray, s: str) -> np.ndarray:
    """World direction of the person's left ("L") or right ("R") side."""
    return frame[:, 0] if s == "L" else -frame[:, 0]


def sides_of(ctx: Context) -> tuple[str, str]:
    """(active, other) limb suffixes; "L" first when the exercise has no side."""
    return ("R", "L") if ctx.side == "right" else ("L", "R")


# --- lying on the back -------------------------------------------------------

SUPINE_X = 0.15


def supine_root(d: Dims) -> np.ndarray:
    """Pelvis joint of a person lying on the back: the buttocks rest on the mat.

    A fixed height left the pelvis of a hook-lying person (whose feet are what
    touches the mat) floating several centimetres above it.
    """
    return np.array([SUPINE_X, MAT_TOP + d.back_depth, 0.0])


def supine_base(d: Dims, root: np.ndarray | None = None) -> Pose:
    """Lying on the back, head towards -x, arms by the sides, palms down."""
    root = supine_root(d) if root is None else root
    pose = Pose(root_pos=root.copy(), up=unit(-1, 0, 0), front=unit(0, 1, 0))
    f = frame_from(pose.up, pose.front)
    for s in ("L", "R"):
        lat = lateral(f, s)
        pose.aims[f"upperarm01.{s}"] = unit(*(np.array([1, -0.05, 0]) + 0.18 * lat))
        pose.aims[f"lowerarm01.{s}"] = unit(*(np.array([1, -0.05, 0]) + 0.08 * lat))
        pose.aims[f"wrist.{s}"] = unit(1, -0.15, 0)
    pose.head = np.array([-6.0, 0, 0])
    return pose


def hook_lying_feet(d: Dims, pose: Pose, ankle_x: float) -> None:
    """Knees bent, feet flat at ``ankle_x``: the start of most floor exercises."""
    f = frame_from(pose.up, pose.front)
    for s in ("L", "R"):
        lat = lateral(f, s)
        target = np.array([ankle_x, 0.085, 0.0]) + (d.hip_half_width + 0.02) * lat
        pose.reach[f"leg.{s}"] = Reach(target=target, hint=UP.copy())
        pose.aims[f"foot.{s}"] = unit(1, -0.55, 0)


def bridge_ankle_x(d: Dims, peak_deg: float) -> float:
    """Where the feet go so that at the peak knee, hip and shoulder line up."""
    th = np.radians(peak_deg)
    shoulder_x = SUPINE_X - d.torso
    knee = np.array([shoulder_x, supine_root(d)[1]]) + (d.torso + d.thigh) * np.array([np.cos(th), np.sin(th)])
    drop = knee[1] - 0.085
    return float(knee[0] + np.sqrt(max(d.shin**2 - drop**2, 0.0)))


BRIDGE_PEAK_DEG = 24.0
#: Heels far from the hips: the knees are nearly straight at the top, so the hips rise
#: only this far (the feet are placed so knee, hip and shoulder still line up there).
BRIDGE_HEELS_FAR_PEAK_DEG = 14.0
BRIDGE_VARIANTS = ("single_leg_left", "single_leg_right", "heels_far", "hands_behind_head")


def bridge(p: float, ctx: Context) -> Pose:
    """Hips lifted until knee, hip and shoulder line up; ``ctx.variant`` picks one of
    ``BRIDGE_VARIANTS`` (a single-leg bridge lifts the named leg straight, in line with
    the supporting thigh)."""
    d = ctx.dims
    full = BRIDGE_HEELS_FAR_PEAK_DEG if ctx.variant == "heels_far" else BRIDGE_PEAK_DEG
    peak = full * (0.45 if "hips_low" in ctx.faults else 1.0)
    th = np.radians(peak * p)
    shoulder = np.array([SUPINE_X - d.torso, supine_root(d)[1]])
    hip = shoulder + d.torso * np.array([np.cos(th), np.sin(th)])
    pose = supine_base(d, np.array([hip[0], hip[1], 0.0]))
    pose.up = np.array([-np.cos(th), -np.sin(th), 0.0])
    pose.front = np.array([-np.sin(th), np.cos(th), 0.0])
    hook_lying_feet(d, pose, bridge_ankle_x(d, full))
    # Arms stay on the floor while the chest tilts.
    for s in ("L", "R"):
        for b in ("upperarm01", "lowerarm01"):
            pose.aims[f"{b}.{s}"] = unit(*(pose.aims[f"{b}.{s}"] * [1, 0, 1] + [0, -0.03, 0]))
    # The neck bends forward as the chest tilts so the head stays on the mat.
    pose.neck = np.array([peak * p, 0, 0])
    if ctx.variant.startswith("single_leg_"):
        lift_leg(pose, d, "L" if ctx.variant.endswith("left") else "R")
    elif ctx.variant == "hands_behind_head":
        hands_behind_head(pose, d)
    return pose


def lift_leg(pose: Pose, d: Dims, s: str) -> None:
    """Straighten leg ``s`` off the floor along the other thigh (a single-leg bridge)."""
    other = "R" if s == "L" else "L"
    support = pose.reach[f"leg.{other}"]
    thigh, _ = two_bone(hip_joint(pose, d, other), support.target, d.thigh, d.shin, support.hint)
    del pose.reach[f"leg.{s}"]
    pose.aims[f"upperleg01.{s}"] = thigh
    pose.aims[f"lowerleg01.{s}"] = thigh
    pose.aims[f"foot.{s}"] = unit(*(0.5 * thigh + UP))


def hands_behind_head(pose: Pose, d: Dims) -> None:
    """Fingers laced under the back of the head, elbows out to the sides on the floor."""
    f = frame_from(pose.up, pose.front)
    behind_head = np.array([SUPINE_X - d.torso - 0.2, MAT_TOP + 0.07, 0.0])
    for s in ("L", "R"):
        lat = lateral(f, s)
        lat = unit(lat[0], 0.0, lat[2])
        pose.aims.pop(f"upperarm01.{s}")
        pose.aims.pop(f"lowerarm01.{s}")
        pose.reach[f"arm.{s}"] = Reach(target=behind_head + 0.04 * lat, hint=lat + np.array([0.4, 0.0, 0.0]))
        pose.aims[f"wrist.{s}"] = unit(*(-lat + np.array([-0.3, 0.2, 0.0])))


def hip_joint(pose: Pose, d: Dims, s: str) -> np.ndarray:
    f = frame_from(pose.up, pose.front)
    return pose.root_pos + d.hip_half_width * lateral(f, s)


def shoulder_joint(pose: Pose, d: Dims, s: str) -> np.ndarray:
    f = frame_from(pose.up, pose.front)
    return pose.root_pos + d.torso * f[:, 1] + d.shoulder_half_width * lateral(f, s)


def knee_to_chest(p: float, ctx: Context) -> Pose:
    d = ctx.dims
    a, _ = sides_of(ctx)
    pose = supine_base(d)
    ankle_x = SUPINE_X + 0.5
    hook_lying_feet(d, pose, ankle_x)
    hip = hip_joint(pose, d, a)
    # Start angles of the active leg from the same IK the hook position uses.
    start = pose.reach.pop(f"leg.{a}")
    reach = start.target - hip
    dist = np.linalg.norm(reach)
    base = np.degrees(np.arctan2(reach[1], reach[0]))
    cos_k = (d.thigh**2 + dist**2 - d.shin**2) / (2 * d.thigh * dist)
    thigh0 = base + np.degrees(np.arccos(np.clip(cos_k, -1, 1)))
    knee0 = np.array([np.cos(np.radians(thigh0)), np.sin(np.radians(thigh0))]) * d.thigh + hip[:2]
    shin0 = np.degrees(np.arctan2(start.target[1] - knee0[1], start.target[0] - knee0[0]))
    thigh_deg = mix(thigh0, 128.0, p)
    shin_deg = mix(shin0, -15.0, p)
    t_dir = np.array([np.cos(np.radians(thigh_deg)), np.sin(np.radians(thigh_deg)), 0.0])
    s_dir = np.array([np.cos(np.radians(shin_deg)), np.sin(np.radians(shin_deg)), 0.0])
    pose.aims[f"upperleg01.{a}"] = t_dir
    pose.aims[f"lowerleg01.{a}"] = s_dir
    pose.aims[f"foot.{a}"] = unit(*mix(np.array([1, -0.55, 0]), np.array([0.6, 0.6, 0]), p))
    # Both hands travel from the floor to just below the knee.
    knee = hip + d.thigh * t_dir
    grip = knee + 0.09 * s_dir
    f = frame_from(pose.up, pose.front)
    for s in ("L", "R"):
        lat = lateral(f, s)
        sh = shoulder_joint(pose, d, s)
        rest_hand = sh + (d.upper_arm + d.forearm) * unit(*(np.array([1, -0.05, 0]) + 0.12 * lat))
        target = mix(rest_hand, grip + 0.06 * lat, min(1.0, p * 1.4))
        pose.reach[f"arm.{s}"] = Reach(target=target, hint=lat + np.array([0.3, 0.3, 0]))
        pose.aims.pop(f"upperarm01.{s}")
        pose.aims.pop(f"lowerarm01.{s}")
    pose.head = np.array([-6.0 + 10 * p, 0, 0])
    return pose


def lower_back_rotation(p: float, ctx: Context) -> Pose:
    d = ctx.dims
    pose = supine_base(d)
    hook_lying_feet(d, pose, SUPINE_X + 0.5)
    f = frame_from(pose.up, pose.front)
    # Knees fall towards the person's own side ("left" rolls them to the left).
    toward = lateral(f, "L" if ctx.side != "right" else "R")
    angle = 60.0 * p * (1 if toward[2] > 0 else -1)
    roll = rot_x(angle)
    pelvis = rot_x(0.35 * angle)
    centre = np.array([pose.root_pos[0], pose.root_pos[1], 0.0])
    for s in ("L", "R"):
        r = pose.reach[f"leg.{s}"]
        pose.reach[f"leg.{s}"] = Reach(target=centre + roll @ (r.target - centre), hint=roll @ r.hint)
        pose.aims[f"foot.{s}"] = roll @ pose.aims[f"foot.{s}"]
    pose.front = pelvis @ pose.front
    # The chest counter-rotates so the shoulders stay flat on the floor.
    pose.spine = np.array([0.0, 0.35 * angle, 0.0])
    return pose


def leg_stretch(p: float, ctx: Context) -> Pose:
    d = ctx.dims
    pose = supine_base(d)
    for s in ("L", "R"):
        thigh = mix(95.0, 4.0, p)
        shin = mix(8.0, 2.0, p)
        pose.aims[f"upperleg01.{s}"] = unit(np.cos(np.radians(thigh)), np.sin(np.radians(thigh)), 0)
        pose.aims[f"lowerleg01.{s}"] = unit(np.cos(np.radians(shin)), np.sin(np.radians(shin)), 0)
        # Toes pulled back towards the shins when the legs are straight.
        pose.aims[f"foot.{s}"] = unit(*mix(np.array([1, -0.2, 0]), np.array([0.35, 1, 0]), p))
    return pose


# --- hands and knees, prone ----------------------------------------------------


def quadruped(p_flex: float, ctx: Context) -> Pose:
    """Hands and knees, head towards -x; ``p_flex`` > 0 rounds, < 0 sags (degrees)."""
    d = ctx.dims
    knee_h, wrist_h = 0.075, 0.045
    arm = d.upper_arm + d.forearm
    tilt = np.arcsin(np.clip((arm + wrist_h - d.thigh - knee_h) / d.torso, -0.5, 0.5))
    up = np.array([-np.cos(tilt), np.sin(tilt), 0.0])
    front = np.array([-np.sin(tilt), -np.cos(tilt), 0.0])
    # Pelvis tilts by half the spine bend so shoulders and hips stay level.
    half = np.radians(p_flex / 2)
    up, front = np.cos(half) * up - np.sin(half) * front, np.cos(half) * front + np.sin(half) * up
    pose = Pose(root_pos=np.array([0.25, d.thigh + knee_h, 0.0]), up=up, front=front)
    pose.spine = np.array([p_flex, 0.0, 0.0])
    f = frame_from(pose.up, pose.front)
    for s in ("L", "R"):
        lat = lateral(f, s)
        pose.aims[f"upperleg01.{s}"] = unit(*(np.array([0, -1, 0]) + 0.05 * lat))
        pose.aims[f"lowerleg01.{s}"] = unit(1, -0.08, 0)
        pose.aims[f"foot.{s}"] = unit(1, -0.25, 0)
        pose.aims[f"upperarm01.{s}"] = unit(0, -1, 0)
        pose.aims[f"lowerarm01.{s}"] = unit(0, -1, 0)
        pose.aims[f"wrist.{s}"] = unit(-1, -0.2, 0)
    return pose


def cat_stretch(p: float, ctx: Context) -> Pose:
    pose = quadruped(40.0 * p, ctx)
    pose.neck = np.array([30.0 * p, 0, 0])
    pose.head = np.array([20.0 * p, 0, 0])
    return pose


def cow_pose(p: float, ctx: Context) -> Pose:
    pose = quadruped(-32.0 * p, ctx)
    pose.neck = np.array([-30.0 * p, 0, 0])
    pose.head = np.array([-20.0 * p, 0, 0])
    return pose


#: A low ("baby") cobra: the chest curls only a little off the mat, the elbows stay bent
#: and the forearms near the floor; the seed's "curling your chest off the ground by using
#: your back muscles" allows it, and many people (and tutorials) do no more.
COBRA_VARIANTS = ("low",)
COBRA_SPINE_DEG = {STANDARD: 52.0, "low": 26.0}


def cobra(p: float, ctx: Context) -> Pose:
    d = ctx.dims
    pose = Pose(root_pos=np.array([0.15, 0.11, 0.0]), up=unit(-1, 0, 0), front=unit(0, -1, 0))
    f = frame_from(pose.up, pose.front)
    bend = COBRA_SPINE_DEG[ctx.variant]
    pose.spine = np.array([-bend * p, 0, 0])
    pose.neck = np.array([-12.0 * p * bend / 52.0, 0, 0])
    pose.head = np.array([-8.0 * p, 0, 0])
    for s in ("L", "R"):
        lat = lateral(f, s)
        pose.aims[f"upperleg01.{s}"] = unit(*(np.array([1, 0.0, 0]) + 0.06 * lat))
        pose.aims[f"lowerleg01.{s}"] = unit(*(np.array([1, 0.02, 0]) + 0.03 * lat))
        pose.aims[f"foot.{s}"] = unit(1, -0.3, 0)
        # Hands planted beside the chest, slightly below the shoulders.
        hand = pose.root_pos + np.array([-d.torso + 0.1, -pose.root_pos[1] + 0.06, 0.0])
        hand += (d.shoulder_half_width + 0.07) * lat
        pose.reach[f"arm.{s}"] = Reach(target=hand, hint=np.array([1.0, 0.8, 0.0]) + 0.3 * lat)
        pose.aims[f"wrist.{s}"] = unit(-1, -0.25, 0)
    return pose


# --- kneeling ------------------------------------------------------------------


def childs_pose(p: float, ctx: Context) -> Pose:
    d = ctx.dims
    off_heels = "butt_off_heels" in ctx.faults
    knee = np.array([-0.25, 0.06])
    beta = np.radians(mix(27.0, 60.0 if off_heels else 25.0, p))  # thigh above horizontal
    hip = knee + d.thigh * np.array([np.cos(beta), np.sin(beta)])
    # Hips up off the heels, the trunk still folds over the thighs with the hands on
    # the floor (a shallower fold left the hands in mid-air and never reached the pose).
    fold = np.radians(mix(0.0, 80.0 if off_heels else 66.0, p))
    pose = Pose(
        root_pos=np.array([hip[0], hip[1], 0.0]),
        up=np.array([-np.sin(fold), np.cos(fold), 0.0]),
        front=np.array([-np.cos(fold), -np.sin(fold), 0.0]),
    )
    pose.spine = np.array([mix(0.0, 30.0, p), 0, 0])
    pose.neck = np.array([mix(0.0, 22.0, p), 0, 0])
    pose.head = np.array([mix(0.0, 10.0, p), 0, 0])
    f = frame_from(pose.up, pose.front)
    for s in ("L", "R"):
        lat = lateral(f, s)
        pose.aims[f"upperleg01.{s}"] = unit(-np.cos(beta), -np.sin(beta), 0)
        pose.aims[f"lowerleg01.{s}"] = unit(1, -0.06, 0)
        pose.aims[f"foot.{s}"] = unit(1, -0.3, 0)
        # Hands slide from the thighs to the floor far in front, elbows lifting.
        on_thigh = np.array([knee[0] + 0.1, knee[1] + 0.17, 0.0]) + 0.15 * lat
        on_floor = np.array([knee[0] - 0.62, 0.05, 0.0]) + 0.2 * lat
        hint = mix(np.array([1.0, -0.3, 0.0]), np.array([0.0, 1.0, 0.0]), p) + 0.3 * lat
        pose.reach[f"arm.{s}"] = Reach(target=mix(on_thigh, on_floor, p), hint=hint)
        pose.aims[f"wrist.{s}"] = unit(-1, mix(-0.6, -0.1, p), 0)
    return pose


# --- seated on a stool -----------------------------------------------------------


def seated_base(d: Dims) -> Pose:
    """Upright on a stool facing -x, thighs level, shins vertical, hands on thighs."""
    pose = Pose(root_pos=np.array([0.1, d.shin + 0.12, 0.0]), up=unit(0, 1, 0), front=unit(-1, 0, 0))
    f = frame_from(pose.up, pose.front)
    for s in ("L", "R"):
        lat = lateral(f, s)
        pose.aims[f"upperleg01.{s}"] = unit(*(np.array([-1, -0.02, 0]) + 0.08 * lat))
        pose.aims[f"lowerleg01.{s}"] = unit(0.08, -1, 0)
        pose.aims[f"foot.{s}"] = unit(-1, -0.55, 0)
        pose.aims[f"upperarm01.{s}"] = unit(*(np.array([-0.25, -1, 0]) + 0.15 * lat))
        pose.aims[f"lowerarm01.{s}"] = unit(-1, -0.35, 0)
        pose.aims[f"wrist.{s}"] = unit(-1, -0.4, 0)
    return pose


def shoulder_blade_squeeze(p: float, ctx: Context) -> Pose:
    pose = seated_base(ctx.dims)
    f = frame_from(pose.up, pose.front)
    pose.clavicle = np.array([0.0, -18.0 * p, 0.0])
    pose.spine = np.array([-4.0 * p, 0, 0])
    for s in ("L", "R"):
        lat = lateral(f, s)
        pose.aims[f"upperarm01.{s}"] = unit(*mix(np.array([0.0, -1, 0]), np.array([0.55, -1, 0]), p) + 0.2 * lat)
        pose.aims[f"lowerarm01.{s}"] = unit(*(np.array([-1, 0.05, 0]) + 0.05 * lat))
        pose.aims[f"wrist.{s}"] = unit(-1, 0.0, 0)
    return pose


def neck_stretch(p: float, ctx: Context) -> Pose:
    pose = seated_base(ctx.dims)
    pose.neck = np.array([45.0 * p, 0, 0])
    pose.head = np.array([22.0 * p, 0, 0])
    return pose


# --- standing ------------------------------------------------------------------


def standing_base(d: Dims) -> Pose:
    pose = Pose(root_pos=np.array([0.0, d.thigh + d.shin + 0.09, 0.0]), up=unit(0, 1, 0), front=unit(-1, 0, 0))
    f = frame_from(pose.up, pose.front)
    for s in ("L", "R"):
        lat = lateral(f, s)
        pose.aims[f"upperleg01.{s}"] = unit(*(np.array([0, -1, 0]) + 0.03 * lat))
        pose.aims[f"lowerleg01.{s}"] = unit(0, -1, 0)
        pose.aims[f"foot.{s}"] = unit(-1, -0.45, 0)
        pose.aims[f"upperarm01.{s}"] = unit(*(np.array([0, -1, 0]) + 0.14 * lat))
        pose.aims[f"lowerarm01.{s}"] = unit(*(np.array([-0.12, -1, 0]) + 0.1 * lat))
        pose.aims[f"wrist.{s}"] = unit(-0.1, -1, 0)
    return pose


def hip_stretch(p: float, ctx: Context) -> Pose:
    """The side names the front (stretched) leg; the other steps back.

    "take a step back with one foot and bend forward with the other leg straight": the
    hips stay midway between the feet, so both legs stay straight as the body lowers.
    With the ``front_knee_bent`` fault the hips stay over the front foot, which makes the
    front knee bend to let the hips down (a lunge, not the stretch).
    """
    d = ctx.dims
    a, b = sides_of(ctx)
    pose = standing_base(d)
    f = frame_from(pose.up, pose.front)
    leg = d.thigh + d.shin - 0.002  # a hair short of a locked knee (1 cm short bends it 20 deg)
    step = leg * p  # a long walking stride between the feet: each thigh about 30 deg from vertical
    ankle_h = 0.085
    bend = np.radians(48.0 * p)
    pose.up = np.array([-np.sin(bend), np.cos(bend), 0.0])
    pose.front = np.array([-np.cos(bend), -np.sin(bend), 0.0])
    # Place the hip joints, then the pelvis behind them: tilting forward moves the hips.
    hip_x = 0.12 * p if "front_knee_bent" in ctx.faults else step / 2
    reach = max(hip_x, step - hip_x)
    hips = np.array([hip_x, ankle_h + np.sqrt(max(leg**2 - reach**2, 0.0)), 0.0])
    pose.root_pos = hips - d.hip_front * pose.front
    pose.spine = np.array([12.0 * p, 0, 0])
    fw = frame_from(pose.up, pose.front)
    for s, dx in ((a, 0.0), (b, step)):
        target = np.array([dx, ankle_h, 0.0]) + (d.hip_half_width + 0.01) * lateral(f, s)
        pose.reach[f"leg.{s}"] = Reach(target=target, hint=np.array([-1.0, 0.0, 0.0]))
    pose.aims[f"foot.{b}"] = unit(-1, mix(-0.45, -0.9, p), 0)
    for s in ("L", "R"):
        lat = lateral(fw, s)
        pose.aims[f"upperarm01.{s}"] = unit(
            *(mix(pose.aims[f"upperarm01.{s}"], np.array([-0.15, -1, 0]), p) + 0.1 * lat)
        )
        pose.aims[f"lowerarm01.{s}"] = unit(
            *(mix(pose.aims[f"lowerarm01.{s}"], np.array([-0.1, -1, 0]), p) + 0.05 * lat)
        )
    return pose


def aerobics(p: float, ctx: Context) -> Pose:
    """Marching in place: ``p`` lifts the side's knee and swings the opposite arm."""
    d = ctx.dims
    a, b = sides_of(ctx)
    pose = standing_base(d)
    hip = np.radians(70.0 * p)
    knee = np.radians(75.0 * p)
    pose.aims[f"upperleg01.{a}"] = unit(-np.sin(hip), -np.cos(hip), 0)
    pose.aims[f"lowerleg01.{a}"] = unit(-np.sin(hip - knee), -np.cos(hip - knee), 0)
    pose.aims[f"foot.{a}"] = unit(-1, -0.45 - 0.4 * p, 0)
    f = frame_from(pose.up, pose.front)
    for s, swing in ((b, 35.0 * p), (a, -20.0 * p)):
        lat = lateral(f, s)
        sw = np.radians(swing)
        pose.aims[f"upperarm01.{s}"] = unit(*(np.array([-np.sin(sw), -np.cos(sw), 0]) + 0.14 * lat))
        el = sw + np.radians(60.0)
        pose.aims[f"lowerarm01.{s}"] = unit(*(np.array([-np.sin(el), -np.cos(el), 0]) + 0.05 * lat))
    return pose


EXERCISES: dict[str, Exercise] = {
    e.id: e
    for e in (
        Exercise("bridge", bridge, False, 1.6, 3.0, 1.0, faults=("hips_low",), variants=BRIDGE_VARIANTS),
        Exercise("childs_pose", childs_pose, False, 2.2, 4.0, 1.2, faults=("butt_off_heels",)),
        Exercise("knee_to_chest", knee_to_chest, True, 1.6, 5.0, 1.0, azimuth_deg=15.0),
        Exercise("lower_back_rotation", lower_back_rotation, True, 2.0, 5.0, 1.0, azimuth_deg=45.0, elevation_deg=20.0),
        Exercise("cat_stretch", cat_stretch, False, 1.8, 2.0, 1.0),
        Exercise("cow_pose", cow_pose, False, 1.8, 2.0, 1.0),
        Exercise("cobra", cobra, False, 1.8, 3.0, 1.0, variants=COBRA_VARIANTS),
        Exercise(
            "shoulder_blade_squeeze", shoulder_blade_squeeze, False, 1.0, 5.0, 1.0, azimuth_deg=-35.0, seated=True
        ),
        Exercise("neck_stretch", neck_stretch, False, 1.5, 4.0, 1.0, azimuth_deg=-20.0, seated=True),
        Exercise("hip_stretch", hip_stretch, True, 1.8, 4.0, 1.0, faults=("front_knee_bent",)),
        Exercise("leg_stretch", leg_stretch, False, 1.6, 2.0, 1.0),
        Exercise("aerobics", aerobics, True, 0.35, 0.0, 0.0, azimuth_deg=-30.0),
    )
}
GENERIC_FAULTS = ("too_fast", "partial_range")
