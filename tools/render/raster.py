"""Headless OpenGL rendering (moderngl + EGL, Mesa llvmpipe on CPU).

Why OpenGL rather than a numpy rasteriser: llvmpipe rasterises the 27k
triangle body with depth testing and MSAA far faster than numpy could.
The scene is a plain room (floor, walls), an exercise mat, an optional stool,
a Lambert-shaded body and a soft shadow: the body flattened onto the floor is
drawn into a mask first, which the floor and mat then sample (blurred) to
darken themselves, so overlapping body parts never darken twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import moderngl
import numpy as np

from tools.render.camera import Camera

VERTEX_SHADER = """
#version 330
uniform mat4 mvp;
in vec3 in_pos;
in vec3 in_norm;
in vec3 in_col;
out vec3 v_norm;
out vec3 v_col;
void main() {
    gl_Position = mvp * vec4(in_pos, 1.0);
    v_norm = in_norm;
    v_col = in_col;
}
"""
FRAGMENT_SHADER = """
#version 330
uniform vec3 light_dir;
uniform float ambient;
uniform float shadow_strength;
uniform sampler2D shadow_mask;
in vec3 v_norm;
in vec3 v_col;
out vec4 f_col;
void main() {
    float d = max(dot(normalize(v_norm), light_dir), 0.0);
    float s = 0.0;
    if (shadow_strength > 0.0) {
        for (int i = -1; i <= 1; i++)
            for (int j = -1; j <= 1; j++)
                s += texelFetch(shadow_mask, ivec2(gl_FragCoord.xy) + 4 * ivec2(i, j), 0).r;
    }
    float shade = 1.0 - shadow_strength * s / 9.0;
    f_col = vec4(v_col * (ambient + (1.0 - ambient) * d) * shade, 1.0);
}
"""
SHADOW_VERTEX_SHADER = """
#version 330
uniform mat4 mvp;
uniform float floor_y;
in vec3 in_pos;
void main() { gl_Position = mvp * vec4(in_pos.x, floor_y, in_pos.z, 1.0); }
"""
SHADOW_FRAGMENT_SHADER = """
#version 330
out vec4 f_col;
void main() { f_col = vec4(1.0); }
"""

FLOOR_RGB = (0.60, 0.48, 0.36)
WALL_RGB = (0.84, 0.82, 0.77)
MAT_RGB = (0.16, 0.42, 0.52)
STOOL_RGB = (0.30, 0.22, 0.16)
MAT_SIZE = (2.0, 0.012, 0.7)  # x, y (thickness), z
ROOM_HALF = 4.5
ROOM_HEIGHT = 2.8


@dataclass(frozen=True)
class Box:
    """An axis-aligned box: centre of its bottom face, size, colour."""

    base: tuple[float, float, float]
    size: tuple[float, float, float]
    rgb: tuple[float, float, float]


def box_triangles(box: Box, inward: bool = False) -> np.ndarray:
    """Interleaved (pos, normal, colour) rows for the 12 triangles of a box."""
    c = np.asarray(box.base) + np.array([0, box.size[1] / 2, 0])
    h = np.asarray(box.size) / 2
    rows = []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            n = np.zeros(3)
            n[axis] = sign
            u, w = [a for a in range(3) if a != axis]
            corners = []
            for du, dw in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                p = c.copy()
                p[axis] += sign * h[axis]
                p[u] += du * h[u]
                p[w] += dw * h[w]
                corners.append(p)
            normal = -n if inward else n
            for tri in ((0, 1, 2), (0, 2, 3)):
                for k in tri:
                    rows.append(np.concatenate([corners[k], normal, box.rgb]))
    return np.asarray(rows, dtype=np.float32)


def room_boxes(stool: Box | None) -> list[tuple[Box, bool]]:
    """Room (seen from inside), mat and optional stool, with the inward flag."""
    room = Box((0.0, 0.0, 0.0), (2 * ROOM_HALF, ROOM_HEIGHT, 2 * ROOM_HALF), WALL_RGB)
    floor = Box((0.0, -0.01, 0.0), (2 * ROOM_HALF, 0.01, 2 * ROOM_HALF), FLOOR_RGB)
    mat = Box((0.0, 0.0, 0.0), MAT_SIZE, MAT_RGB)
    boxes = [(room, True), (floor, False), (mat, False)]
    if stool is not None:
        boxes.append((stool, False))
    return boxes


class Renderer:
    """Owns one GL context and framebuffer; renders frames of one clip."""

    def __init__(self, width: int, height: int, faces: np.ndarray, samples: int = 4, stool: Box | None = None) -> None:
        self.width, self.height = width, height
        self.ctx = moderngl.create_standalone_context(backend="egl")
        self.prog = self.ctx.program(vertex_shader=VERTEX_SHADER, fragment_shader=FRAGMENT_SHADER)
        self.shadow_prog = self.ctx.program(vertex_shader=SHADOW_VERTEX_SHADER, fragment_shader=SHADOW_FRAGMENT_SHADER)
        light = np.array([0.35, 1.0, 0.55])
        self.prog["light_dir"].value = tuple(light / np.linalg.norm(light))
        self.prog["ambient"].value = 0.45
        self.shadow_prog["floor_y"].value = MAT_SIZE[1] + 0.002

        scene = np.concatenate([box_triangles(b, inward) for b, inward in room_boxes(stool)])
        self.scene_vao = self.ctx.vertex_array(
            self.prog, [(self.ctx.buffer(scene.tobytes()), "3f 3f 3f", "in_pos", "in_norm", "in_col")]
        )
        ibo = self.ctx.buffer(faces.astype(np.uint32).tobytes())
        self.n_vertices = int(faces.max()) + 1
        self.pos_buf = self.ctx.buffer(reserve=self.n_vertices * 12, dynamic=True)
        self.norm_buf = self.ctx.buffer(reserve=self.n_vertices * 12, dynamic=True)
        self.col_buf = self.ctx.buffer(reserve=self.n_vertices * 12, dynamic=True)
        self.body_vao = self.ctx.vertex_array(
            self.prog,
            [(self.pos_buf, "3f", "in_pos"), (self.norm_buf, "3f", "in_norm"), (self.col_buf, "3f", "in_col")],
            index_buffer=ibo,
        )
        self.shadow_vao = self.ctx.vertex_array(self.shadow_prog, [(self.pos_buf, "3f", "in_pos")], index_buffer=ibo)
        self.msaa = self.ctx.framebuffer(
            self.ctx.renderbuffer((width, height), samples=samples),
            self.ctx.depth_renderbuffer((width, height), samples=samples),
        )
        self.resolved = self.ctx.framebuffer(self.ctx.renderbuffer((width, height)))
        self.mask_tex = self.ctx.texture((width, height), 1)
        self.mask_fbo = self.ctx.framebuffer(self.mask_tex)
        self.prog["shadow_mask"].value = 0

    def set_colours(self, rgb: np.ndarray) -> None:
        """Per-vertex albedo (V, 3) in [0, 1]; constant over a clip."""
        self.col_buf.write(rgb.astype(np.float32).tobytes())

    def render(self, camera: Camera, vertices: np.ndarray, normals: np.ndarray) -> np.ndarray:
        """One frame as an (H, W, 3) uint8 BGR image (OpenCV order)."""
        self.pos_buf.write(vertices.astype(np.float32).tobytes())
        self.norm_buf.write(normals.astype(np.float32).tobytes())
        mvp = tuple(camera.view_projection().T.astype(np.float32).ravel())
        self.prog["mvp"].value = mvp
        self.shadow_prog["mvp"].value = mvp

        self.ctx.disable(moderngl.CULL_FACE)
        self.mask_fbo.use()
        self.mask_fbo.clear(0.0)
        self.ctx.disable(moderngl.DEPTH_TEST)
        self.shadow_vao.render()

        self.msaa.use()
        self.ctx.clear(*WALL_RGB)
        self.ctx.enable(moderngl.DEPTH_TEST)
        self.mask_tex.use(0)
        self.prog["shadow_strength"].value = 0.35
        self.scene_vao.render()
        self.prog["shadow_strength"].value = 0.0
        self.body_vao.render()
        self.ctx.copy_framebuffer(self.resolved, self.msaa)
        raw = self.resolved.read(components=3)
        rgb = np.frombuffer(raw, dtype=np.uint8).reshape(self.height, self.width, 3)
        return np.ascontiguousarray(rgb[::-1, :, ::-1])

    def release(self) -> None:
        self.ctx.release()
