"""Render one clip: schedule -> poses -> skinned mesh -> frames + ground truth.

``render_clip`` is the Python entry point (used by the CLI and meant for
benchmarks): it takes a ``ClipSpec`` and returns the video and JSON paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tools.render import groundtruth
from tools.render.body import Body, BodyShape, load_body
from tools.render.camera import Camera
from tools.render.motions import EXERCISES, GENERIC_FAULTS, MAT_TOP, Context, Dims, Exercise
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

    def __post_init__(self) -> None:
        if self.exercise not in EXERCISES:
            raise ValueError(f"unknown exercise {self.exercise!r}; known: {', '.join(EXERCISES)}")
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


def pose_at(exercise: Exercise, timeline: Timeline, dims: Dims, t: float, seed: int) -> Pose:
    """The pose at time t, with breathing and a slight sway layered on top.

    Variation is deterministic in (t, seed) so a clip re-renders identically.
    """
    p, rep = timeline.at(t)
    side = rep.side if rep else None
    faults = rep.faults if rep else frozenset()
    pose = exercise.pose(p, Context(dims, side, faults))
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
    until the whole box fits with a margin."""
    az = exercise.azimuth_deg if spec.azimuth_deg is None else spec.azimuth_deg
    el = exercise.elevation_deg if spec.elevation_deg is None else spec.elevation_deg
    centre = tuple(float(c) for c in (lo + hi) / 2)
    if spec.distance_m is not None:
        return Camera(az, el, spec.distance_m, centre, spec.width, spec.height)
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    dist = 1.0
    for _ in range(40):
        cam = Camera(az, el, dist, centre, spec.width, spec.height)
        px = cam.project(corners)
        span = max(np.ptp(px[:, 0]) / spec.width, np.ptp(px[:, 1]) / spec.height)
        if span < 0.8:
            break
        dist *= 1.08
    return cam


def stool_for(body: Body, verts: np.ndarray):
    """A stool whose top meets the buttocks of the first seated frame."""
    from tools.render.raster import Box

    seat = verts[body.skin_bones[:, 0] == body.bone("root")]
    top = float(seat[:, 1].min())
    centre_x = float(np.median(seat[:, 0])) + 0.04
    return Box((centre_x, 0.0, 0.0), (0.36, top, 0.36), (0.30, 0.22, 0.16))


def render_clip(spec: ClipSpec) -> tuple[Path, Path]:
    """Render ``spec`` to ``spec.out`` (mp4) and the ground truth beside it (json)."""
    from tools.render.raster import Renderer
    from tools.render.video import VideoWriter

    exercise = EXERCISES[spec.exercise]
    body = load_body(spec.body)
    dims = Dims.of(body)
    timeline = build_timeline(exercise, spec.reps, spec.hold_s, spec.sides, spec.tempo, spec.faults, spec.seed)
    n_frames = int(round(timeline.duration_s * spec.fps))
    times = np.arange(n_frames) / spec.fps

    # First pass: poses and the bounding box of the whole motion.
    frames = [posed(body, pose_at(exercise, timeline, dims, t, spec.seed)) for t in times]
    lo = np.min([v.min(axis=0) for v, _, _ in frames], axis=0)
    hi = np.max([v.max(axis=0) for v, _, _ in frames], axis=0)
    camera = frame_camera(spec, exercise, lo, hi)

    spec.out.parent.mkdir(parents=True, exist_ok=True)
    renderer = Renderer(
        spec.width, spec.height, body.faces, stool=stool_for(body, frames[0][0]) if exercise.seated else None
    )
    renderer.set_colours(vertex_colours(body, spec.colours))
    writer = VideoWriter(spec.out, spec.width, spec.height, spec.fps)
    try:
        for verts, normals, _ in frames:
            writer.write(renderer.render(camera, verts, normals))
    finally:
        writer.close()
        renderer.release()

    points3d = np.stack([groundtruth.landmarks_3d(body, j, v) for v, _, j in frames])
    doc = groundtruth.build(
        spec.exercise, timeline, camera, spec.body, spec.fps, spec.sides if exercise.sided else "none",
        points3d, spec.include_3d,
    )  # fmt: skip
    gt_path = spec.out.with_suffix(".json")
    groundtruth.write(doc, gt_path)
    return spec.out, gt_path
