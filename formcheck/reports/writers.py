"""The output formats, each declared once: JSON report, HTML, CSV, and the annotated video.

``FORMATS`` is the one table that the command-line options (``add_report_options``),
``OutputRequest`` (its targets and the run's ``OutputPlan``), a batch's per-video files
and the write step all read, so a new output format is one entry: its name (the
request's key and the option ``--NAME``), how messages name the file, a batch's suffix,
the option's help and how it is written. The annotated video (``VIDEO``) is drawn while
the analysis runs, so it has no write step here: the plan stages it and the analysis
writes into the staged file.

Shared by recorded analysis and live sessions: a command adds the options with
``add_report_options``, turns its parsed arguments into an ``OutputRequest``, makes the
run's ``OutputPlan`` from it (``plan``: checked before the session starts) and stages the
reports with ``write_outputs`` when it ends; the plan commits them with the video.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Finished:
    """What a writer may read: the session, its report and the pictures collected for it."""

    session: Session
    report: Report
    keyframes: KeyFrameCollector | None = None  # when key frames were asked for


@dataclass(frozen=True)
class OutputFormat:
    name: str  # the request's key and the option's dest (``--NAME``)
    label: str  # how messages name the file
    suffix: str  # a batch's per-video file: NAME + suffix
    help: str | None = None  # the option add_report_options declares; None: each command declares its own
    write: Callable[[Finished, Path], None] | None = None  # None: written by the analysis as it runs
    segments: Callable[[Report, Sequence[Session], Path], None] | None = None  # several exercises; None: not written


JSON = OutputFormat(
    "report",
    "report",
    ".json",
    write=lambda done, path: write_json(done.report, path),
    segments=lambda report, _sessions, path: write_json(report, path),
)
HTML = OutputFormat(
    "html",
    "HTML report",
    ".html",
    "write a self-contained HTML report here (summary, plots, per-rep table)",
    write=lambda done, path: write_html(done.report, done.session, path, done.keyframes),
    segments=write_segments_html,
)
CSV = OutputFormat(
    "csv",
    "CSV",
    ".csv",
    "write per-frame measures (time, each measure, phase, side) as CSV here",
    write=lambda done, path: write_csv(done.session, path),
)
VIDEO = OutputFormat("out", "annotated video", ".mp4")

#: The reports written when a session ends, in the order messages list them.
FORMATS: tuple[OutputFormat, ...] = (JSON, HTML, CSV)

#: The options a batch gives without a file name (each video gets its own).
PER_VIDEO_OPTIONS = (*(f.name for f in FORMATS if f.help is not None), VIDEO.name)

#: The value of --html, --csv or --out given without a file name: one per video, in a batch.
#: (Not a str: argparse would pass a str through ``type``.)
PER_VIDEO = Path("<one per video>")


def add_report_options(p: argparse.ArgumentParser, per_video: bool = False) -> None:
    """The options of the formats that declare one (--html, --csv) and --frames (the JSON
    ``--report`` and the video's ``--out`` are declared by each command). With
    ``per_video``, they may also be given without a file name."""
    optional = {"nargs": "?", "const": PER_VIDEO, "metavar": "FILE"} if per_video else {}
    each = " (with --out-dir: no FILE, one per video)" if per_video else ""
    for fmt in FORMATS:
        if fmt.help is not None:
            p.add_argument(f"--{fmt.name}", type=Path, help=f"{fmt.help}{each}", **optional)
    p.add_argument(
        "--frames",
        action="store_true",
        help="put pictures of the best and worst rep in the HTML report (also on with --out)",
    )


@dataclass(frozen=True)
class OutputRequest:
    """The reports asked for: a file per format name (of ``FORMATS``), and key frames."""

    paths: Mapping[str, Path] = field(default_factory=dict)
    frames: bool = False  # key frames in the HTML report

    @classmethod
    def of(cls, frames: bool = False, **paths: Path | None) -> OutputRequest:
        """A request from format names (``report=``, ``html=``...); None asks for nothing."""
        unknown = set(paths) - {f.name for f in FORMATS}
        if unknown:
            raise ValueError(f"not an output format: {', '.join(sorted(unknown))}")
        return cls({name: path for name, path in paths.items() if path is not None}, frames)

    @classmethod
    def from_args(cls, args: argparse.Namespace, video_out: Path | None = None) -> OutputRequest:
        """Key frames are wanted with --frames, or when a video output was asked for."""
        frames = bool(getattr(args, "frames", False) or video_out is not None)
        return cls.of(frames, **{f.name: getattr(args, f.name, None) for f in FORMATS})

    def path(self, fmt: OutputFormat) -> Path | None:
        return self.paths.get(fmt.name)

    def targets(self) -> list[tuple[str, Path]]:
        return [(f.label, self.paths[f.name]) for f in FORMATS if f.name in self.paths]

    def plan(self, inputs: Iterable[Path | None], video: Path | None = None) -> OutputPlan:
        """The run's ``OutputPlan``: these reports and the annotated ``video``, checked
        against every file the run reads (video, exercise, routine, model, history)."""
        outputs = [*self.targets(), *([(VIDEO.label, video)] if video is not None else [])]
        return OutputPlan(outputs, [p for p in inputs if p is not None])

    def check(self, source: Path | None, *other_outputs: Path | None) -> None:
        """The plan's checks now, before a long run (for commands that stage outside it)."""
        others = [p for p in other_outputs if p is not None]
        OutputPlan([*self.targets(), *(("output", p) for p in others)], [source] if source else []).check()

    def keyframe_collector(self, exercise: Exercise) -> KeyFrameCollector | None:
        """A collector only when pictures will be used: --frames (or video out) and --html."""
        from formcheck.reports.keyframes import KeyFrameCollector

        return KeyFrameCollector(exercise) if self.frames and self.path(HTML) is not None else None


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
    done = Finished(session, report, keyframes if request.frames else None)
    try:
        for fmt in FORMATS:
            path = request.path(fmt)
            if path is not None and fmt.write is not None:
                plan.write(path, lambda staged, write=fmt.write: write(done, staged))
        if own:
            plan.commit()
    finally:
        if own:
            plan.discard()
    return request.targets()


def write_segment_outputs(
    report: Report, sessions: Sequence[Session], request: OutputRequest, plan: OutputPlan
) -> list[tuple[str, Path]]:
    """A routine recording's reports staged in ``plan``: the formats that can show
    several exercises (its segments follow different exercises, so there is no one CSV
    of them); returns (label, path)."""
    written = []
    for fmt in FORMATS:
        path = request.path(fmt)
        if path is not None and fmt.segments is not None:
            plan.write(path, lambda staged, write=fmt.segments: write(report, sessions, staged))
            written.append((fmt.label, path))
    return written


def write_report_only(report: Report, request: OutputRequest, plan: OutputPlan) -> list[tuple[str, Path]]:
    """The JSON report alone (nothing was recognised: there is no session for the others)."""
    path = request.path(JSON)
    if path is None:
        return []
    plan.write(path, lambda staged: write_json(report, staged))
    return [(JSON.label, path)]
