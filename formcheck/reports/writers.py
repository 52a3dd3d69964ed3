"""The files a finished session is written to: JSON, HTML and CSV reports.

Shared by recorded analysis and live sessions: a command adds the options with
``add_report_options``, turns its parsed arguments into an ``OutputRequest``, makes the
run's ``OutputPlan`` from it (``plan``: checked before the session starts) and stages the
reports with ``write_outputs`` when it ends; the plan commits them with the video.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from formcheck.core.files import OutputPlan
from formcheck.engine.session import Session
from formcheck.exercises.schema import Exercise
from formcheck.reports.csv_rows import write_csv
from formcheck.reports.html import write_html, write_segments_html
from formcheck.reports.model import Report
from formcheck.reports.report import write_json

if TYPE_CHECKING:  # the key frames need OpenCV: imported only when they are collected
    from formcheck.reports.keyframes import KeyFrameCollector

#: The value of --html, --csv or --out given without a file name: one per video, in a batch.
#: (Not a str: argparse would pass a str through ``type``.)
PER_VIDEO = Path("<one per video>")


def add_report_options(p: argparse.ArgumentParser, per_video: bool = False) -> None:
    """--html, --csv and --frames (the JSON ``--report`` option is declared by each command).
    With ``per_video``, --html and --csv may also be given without a file name."""
    optional = {"nargs": "?", "const": PER_VIDEO, "metavar": "FILE"} if per_video else {}
    each = " (with --out-dir: no FILE, one per video)" if per_video else ""
    p.add_argument(
        "--html",
        type=Path,
        help=f"write a self-contained HTML report here (summary, plots, per-rep table){each}",
        **optional,
    )
    p.add_argument(
        "--csv",
        type=Path,
        help=f"write per-frame measures (time, each measure, phase, side) as CSV here{each}",
        **optional,
    )
    p.add_argument(
        "--frames",
        action="store_true",
        help="put pictures of the best and worst rep in the HTML report (also on with --out)",
    )


@dataclass(frozen=True)
class OutputRequest:
    report: Path | None = None  # JSON
    html: Path | None = None
    csv: Path | None = None
    frames: bool = False  # key frames in the HTML report

    @classmethod
    def from_args(cls, args: argparse.Namespace, video_out: Path | None = None) -> OutputRequest:
        """Key frames are wanted with --frames, or when a video output was asked for."""
        frames = bool(getattr(args, "frames", False) or video_out is not None)
        return cls(getattr(args, "report", None), getattr(args, "html", None), getattr(args, "csv", None), frames)

    def targets(self) -> list[tuple[str, Path]]:
        return [
            (label, path)
            for label, path in (("report", self.report), ("HTML report", self.html), ("CSV", self.csv))
            if path is not None
        ]

    def plan(self, inputs: Iterable[Path | None], video: Path | None = None) -> OutputPlan:
        """The run's ``OutputPlan``: these reports and the annotated ``video``, checked
        against every file the run reads (video, exercise, routine, model, history)."""
        outputs = [*self.targets(), *([("annotated video", video)] if video is not None else [])]
        return OutputPlan(outputs, [p for p in inputs if p is not None])

    def check(self, source: Path | None, *other_outputs: Path | None) -> None:
        """The plan's checks now, before a long run (for commands that stage outside it)."""
        others = [p for p in other_outputs if p is not None]
        OutputPlan([*self.targets(), *(("output", p) for p in others)], [source] if source else []).check()

    def keyframe_collector(self, exercise: Exercise) -> KeyFrameCollector | None:
        """A collector only when pictures will be used: --frames (or video out) and --html."""
        from formcheck.reports.keyframes import KeyFrameCollector

        return KeyFrameCollector(exercise) if self.frames and self.html is not None else None


def write_outputs(
    session: Session,
    report: Report,
    request: OutputRequest,
    keyframes: KeyFrameCollector | None = None,
    plan: OutputPlan | None = None,
) -> list[tuple[str, Path]]:
    """Stage every requested report in ``plan``, committed with the rest of the run's
    outputs (without one, in a plan of their own, committed here); returns (label, path)."""
    own = plan is None
    plan = plan if plan is not None else OutputPlan(request.targets())
    try:
        if request.report is not None:
            plan.write(request.report, lambda path: write_json(report, path))
        if request.html is not None:
            frames = keyframes if request.frames else None
            plan.write(request.html, lambda path: write_html(report, session, path, frames))
        if request.csv is not None:
            plan.write(request.csv, lambda path: write_csv(session, path))
        if own:
            plan.commit()
    finally:
        if own:
            plan.discard()
    return request.targets()


def write_segment_outputs(
    report: Report, sessions: Sequence[Session], request: OutputRequest, plan: OutputPlan
) -> list[tuple[str, Path]]:
    """A routine recording's JSON and HTML reports staged in ``plan`` (its segments
    follow different exercises, so there is no one CSV of them); returns (label, path)."""
    if request.report is not None:
        plan.write(request.report, lambda path: write_json(report, path))
    if request.html is not None:
        plan.write(request.html, lambda path: write_segments_html(report, sessions, path))
    return [(label, path) for label, path in request.targets() if path != request.csv]
