"""Synthetic exercise footage with exact ground truth.

``render_clip(spec)`` poses a skinned MakeHuman body through an exercise,
renders it headless and writes ``<name>.mp4`` plus ``<name>.json``.
"""

from tools.render.clip import ClipSpec, render_clip

__all__ = ["ClipSpec", "render_clip"]
