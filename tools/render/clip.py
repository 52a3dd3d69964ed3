"""Render one clip: schedule -> poses -> skinned mesh -> frames + ground truth.

``render_clip`` is the Python entry point (used by the CLI and meant for
benchmarks): it takes a ``ClipSpec`` and returns the video and JSON paths;
``ground_truth`` gives the same clip's ground truth alone, without drawing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from tools.render import groundtruth
from tools.render.body import Body, BodyShape, load_body
from tools.render.camera import Camera, CameraPath, lens_fov_y
from tools.render.motions import EXERCISES, GENERIC_FAULTS, MAT_TOP, STANDARD, Context, Dims, Exercise
from tools.render.posing import Pose, solve
from tools.render.schedule import Timeline, build_timeline
from tools.render.skinning import skin

DEFAULT_COLOURS = {"shirt": "c8382f", "trousers": "23304f", "skin": "d9a27f"}
FIXED_COLOURS = {
    "hair": (0.10, 0.07, 0.05), "sclera": (0.95, 0.95, 0.93), "iris": (0.08, 0.06, 0.05),
    "brow": (0.16, 0.10, 0.07), "lips": (0.66, 0.32, 0.30),
}  # fmt: skip


@dataclass(frozen=True)
class ClipSpec:
    """Everything that defines a clip; defaults give the demo bridge sample."""

    exercise: str = "bridge"
    out: Path = Path("out/bridge.mp4")
    reps: int = 3
    hold_s: float | None = None  # None: the exercise's default
    sides: str = "both"  # "both", "left" or "right" (sided exercises only)
    tempo: float = 1.0
    azimuth_deg: float | None = None  # None: the exercise's default view
    elevation_deg: float | None = None
    distance_m: float | None = None  # None: frame the whole motion
    width: int = 854
    height: int = 480
    fps: float = 30.0
    body: BodyShape = field(default_factory=BodyShape)
    colours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLOURS))
    faults: dict[str, set[int] | None] = field(default_factory=dict)  # name -> rep indices (None = all)
    seed: int = 0
    include_3d: bool = True
    # Phone-style footage and variants (all off by default):
    drift_deg: float = 0.0  # the azimuth sweeps this far over the clip, centred on azimuth_deg
    crop_feet: bool = False  # pan the camera so the toes (and heels where it can) stay out of frame
    start_at: float | None = None  # start this fraction (0..1) of the way through the first rep
    variant: str = STANDARD  # one of the exercise's variants (e.g. bridge: single_leg_left)

    def __post_init__(self) -> None:
        if self.exercise not in EXERCISES:
            raise ValueError(f"unknown exercise {self.exercise!r}; known: {', '.join(EXERCISES)}")
        variants = (STANDARD, *EXERCISES[self.exercise].variants)
        if self.variant not in variants:
            raise ValueError(f"variant {self.variant!r} does not apply to {self.exercise}; allowed: {variants}")
        if self.start_at is not None and not 0.0 <= self.start_at < 1.0:
            raise ValueError("start_at must be in [0, 1): a fraction of the first rep")
        allowed = set(EXERCISES[self.exercise].faults) | set(GENERIC_FAULTS)
        unknown = set(self.faults) - allowed
        if unknown:
            raise ValueError(f"faults {sorted(unknown)} do not apply to {self.exercise}; allowed: {sorted(allowed)}")
        if self.sides not in ("both", "left", "right"):
            raise ValueError("sides must be both, left or right")
        if self.reps < 1 or self.tempo <= 0:
            raise ValueError("reps must be >= 1 and tempo > 0")


def hex_rgb(h: str) -> tuple[float, float, float]:
    h = h.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def vertex_colours(body: Body, colours: dict[str, str]) -> np.ndarray:
    table = {name: hex_rgb(c) for name, c in (DEFAULT_COLOURS | colours).items()} | FIXED_COLOURS
    palette = np.array([table[name] for name in body.region_names])
    return palette[body.regions]


def pose_at(exercise: Exercise, timeline: Timeline, dims: Dims, t: float, seed: int, variant: str = STANDARD) -> Pose:
    """The pose at time t, with breathing and a slight sway layered on top.

    Variation is deterministic in (t, seed) so a clip re-renders identically.
    """
    p, rep = timeline.at(t)
    side = rep.side if rep else None
    faults = rep.faults if rep else frozenset()
    pose = exercise.pose(p, Context(dims, side, faults, variant))
    phase = seed * 1.7
    breath = np.sin(2 * np.pi * t / 4.2 + phase)
    pose.spine = pose.spine + np.array([0.8 * breath, 0.6 * np.sin(2 * np.pi * t / 9.0 + phase), 0.0])
    pose.head = pose.head + np.array(
        [1.0 * np.sin(2 * np.pi * t / 6.3 + phase), 1.5 * np.sin(2 * np.pi * t / 7.7), 0.0]
    )
    pose.root_pos = pose.root_pos + np.array(
        [0.004 * np.sin(2 * np.pi * t / 5.1 + phase), 0.0, 0.004 * np.sin(2 * np.pi * t / 6.7)]
    )
    return pose


def posed(body: Body, pose: Pose) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices, normals and joints, lowered or raised to rest on the mat."""
    g_rot, g_pos = solve(body, pose)
    verts, normals = skin(body, g_rot, g_pos)
    verts, normals = verts.astype(np.float32), normals.astype(np.float32)
    dy = MAT_TOP - verts[:, 1].min()
    verts[:, 1] += dy
    g_pos[:, 1] += dy
    return verts, normals, g_pos


def frame_camera(spec: ClipSpec, exercise: Exercise, lo: np.ndarray, hi: np.ndarray) -> Camera:
    """Aim at the centre of the motion's bounding box; by default back off
    until the whole box fits with a margin (from every azimuth a drift passes)."""
    az = exercise.azimuth_deg if spec.azimuth_deg is None else spec.azimuth_deg
    el = exercise.elevation_deg if spec.elevation_deg is None else spec.elevation_deg
    centre = tuple(float(c) for c in (lo + hi) / 2)
    fov = lens_fov_y(spec.width, spec.height)
    if spec.distance_m is not None:
        return Camera(az, el, spec.distance_m, centre, spec.width, spec.height, fov)
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    azimuths = (az,) if not spec.drift_deg else (az - spec.drift_deg / 2, az, az + spec.drift_deg / 2)
    dist = 1.0
    for _ in range(40):
        cam = Camera(az, el, dist, centre, spec.width, spec.height, fov)
        span = max(frame_span(replace(cam, azimuth_deg=a), corners) for a in azimuths)
        if span < 0.8:
            break
        dist *= 1.08
    return cam


def frame_span(cam: Camera, points: np.ndarray) -> float:
    """How much of the frame the points' bounding box fills (1 = edge to edge)."""
    px = cam.project(points)
    return max(np.ptp(px[:, 0]) / cam.width, np.ptp(px[:, 1]) / cam.height)


HIPS = tuple(groundtruth.LANDMARKS.index(n) for n in ("left_hip", "right_hip"))
TOES = tuple(groundtruth.LANDMARKS.index(n) for n in ("left_foot_index", "right_foot_index"))
HEELS = tuple(groundtruth.LANDMARKS.index(n) for n in ("left_heel", "right_heel"))
KNEES = tuple(groundtruth.LANDMARKS.index(n) for n in ("left_knee", "right_knee"))
CROP_STEP_M = 0.01


def in_frame(px: np.ndarray, cam: Camera, margin: float = 0.0) -> np.ndarray:
    """Whether pixel positions lie inside the frame shrunk by ``margin`` pixels on each side."""
    x, y = px[..., 0], px[..., 1]
    return (x >= margin) & (x < cam.width - margin) & (y >= margin) & (y < cam.height - margin)


def crop_feet(path: CameraPath, points3d: np.ndarray) -> CameraPath:
    """Pan the camera from the feet towards the hips (the phone propped too close) until no
    toe is in frame in any frame, and on until the heels are out too or a knee would leave.

    Why not always both heels: lying on the back with the knees bent, the knees are above
    the heels, so a frame edge that cuts the heels off would cut the knees off as well.
    """
    away = points3d[:, HIPS].mean(axis=(0, 1)) - points3d[:, TOES].mean(axis=(0, 1))
    away /= np.linalg.norm(away)
    cam = path.camera
    best = None
    for step in range(1, 300):
        target = tuple(float(c) for c in np.asarray(cam.target) + step * CROP_STEP_M * away)
        moved = CameraPath(replace(cam, target=target), path.frames, path.drift_deg)
        px = moved.project(points3d)
        # A pixel of margin either way, so the rounded positions in the JSON agree.
        if not in_frame(px[:, KNEES], cam, 1.0).all():
            break
        if not in_frame(px[:, TOES], cam, -1.0).any():
            best = moved
            if not in_frame(px[:, HEELS], cam, -1.0).any():
                break
    if best is None:
        raise ValueError("cannot frame this clip with the toes out and the knees in; try another azimuth or distance")
    return best


def stool_for(body: Body, verts: np.ndarray):
    """A stool whose top meets the buttocks of the first seated frame."""
    from tools.render.raster import Box

    seat = verts[body.skin_bones[:, 0] == body.bone("root")]
    top = float(seat[:, 1].min())
    centre_x = float(np.median(seat[:, 0])) + 0.04
    return Box((centre_x, 0.0, 0.0), (0.36, top, 0.36), (0.30, 0.22, 0.16))


@dataclass(frozen=True)
class Motion:
    """A clip's movement before any pixel is drawn: the posed mesh of every frame, the
    landmarks' true 3D positions, the camera of every frame and the timeline."""

    exercise: Exercise
    body: Body
    timeline: Timeline  # on the clip's own clock (a clip that starts mid-rep starts at 0)
    frames: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # (vertices, normals, joints) per frame
    points3d: np.ndarray
    cameras: CameraPath


def plan_motion(spec: ClipSpec) -> Motion:
    """Poses of every frame, and the camera that frames the whole motion."""
    exercise = EXERCISES[spec.exercise]
    body = load_body(spec.body)
    dims = Dims.of(body)
    timeline = build_timeline(exercise, spec.reps, spec.hold_s, spec.sides, spec.tempo, spec.faults, spec.seed)
    t0 = 0.0 if spec.start_at is None else timeline.start_of(spec.start_at)
    n_frames = int(round((timeline.duration_s - t0) * spec.fps))
    times = t0 + np.arange(n_frames) / spec.fps
    frames = [posed(body, pose_at(exercise, timeline, dims, t, spec.seed, spec.variant)) for t in times]
    lo = np.min([v.min(axis=0) for v, _, _ in frames], axis=0)
    hi = np.max([v.max(axis=0) for v, _, _ in frames], axis=0)
    points3d = np.stack([groundtruth.landmarks_3d(body, j, v) for v, _, j in frames])
    cameras = CameraPath(frame_camera(spec, exercise, lo, hi), n_frames, spec.drift_deg)
    if spec.crop_feet:
        cameras = crop_feet(cameras, points3d)
    check_inside_room(cameras)
    return Motion(exercise, body, timeline.shifted(t0), frames, points3d, cameras)


def truth_of(spec: ClipSpec, motion: Motion) -> dict:
    """The ground-truth document of a clip (``groundtruth.build``, plus its variations)."""
    doc = groundtruth.build(
        spec.exercise, motion.timeline, motion.cameras, spec.body, spec.fps,
        spec.sides if motion.exercise.sided else "none", motion.points3d, spec.include_3d,
    )  # fmt: skip
    return doc | variations(spec)


def ground_truth(spec: ClipSpec) -> dict:
    """The ground truth of ``spec`` without rendering it: the true landmarks of every
    frame from any view in seconds, where drawing and encoding the pictures take minutes
    (tests of what needs no pose model, such as recognition from several views)."""
    return truth_of(spec, plan_motion(spec))


def render_clip(spec: ClipSpec) -> tuple[Path, Path]:
    """Render ``spec`` to ``spec.out`` (mp4) and the ground truth beside it (json)."""
    from tools.render.raster import Renderer
    from tools.render.video import VideoWriter

    motion = plan_motion(spec)
    spec.out.parent.mkdir(parents=True, exist_ok=True)
    first_vertices = motion.frames[0][0]
    renderer = Renderer(
        spec.width,
        spec.height,
        motion.body.faces,
        stool=stool_for(motion.body, first_vertices) if motion.exercise.seated else None,
    )
    renderer.set_colours(vertex_colours(motion.body, spec.colours))
    writer = VideoWriter(spec.out, spec.width, spec.height, spec.fps)
    try:
        for i, (verts, normals, _) in enumerate(motion.frames):
            writer.write(renderer.render(motion.cameras.at(i), verts, normals))
    finally:
        writer.close()
        renderer.release()
    gt_path = spec.out.with_suffix(".json")
    groundtruth.write(truth_of(spec, motion), gt_path)
    return spec.out, gt_path


def check_inside_room(cameras: CameraPath) -> None:
    """A camera beyond the room's walls films the wall: refuse rather than render it."""
    from tools.render.raster import ROOM_HALF

    for i in (0, cameras.frames - 1):
        if np.abs(cameras.at(i).eye[[0, 2]]).max() >= ROOM_HALF:
            raise ValueError("the camera would stand outside the room; give a smaller --distance or a wider frame")


def variations(spec: ClipSpec) -> dict:
    """The ground-truth keys that record the options in use (none for a default clip,
    so the committed samples' JSON stays as it was)."""
    out: dict = {}
    if spec.variant != STANDARD:
        out["variant"] = spec.variant
    if spec.start_at is not None:
        out["start_at"] = spec.start_at
    if spec.crop_feet:
        out["crop_feet"] = True
    if spec.drift_deg:
        out["camera_drift_deg"] = spec.drift_deg
    return out
