"""The HTML session report: one self-contained file that opens offline.

Everything is inline: the styles, the plot (a matplotlib PNG as a ``data:`` URI) and
the key frames (JPEG ``data:`` URIs). There are no scripts, fonts, style sheets or
links to fetch, and a Content-Security-Policy of ``default-src 'none'`` tells the
browser to refuse any fetch anyway. All text from the report (messages, file names,
exercise names) is escaped with ``html.escape``.
"""

from __future__ import annotations

import base64
import math
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from formcheck.core.state import Counts, Sides
from formcheck.engine.session import Session
from formcheck.exercises.schema import Exercise, MeasureSpec
from formcheck.feedback.wording import tenths
from formcheck.reports.model import RepEntry, Report
from formcheck.reports.plotting import png, pyplot
from formcheck.reports.report import missing_holds

if TYPE_CHECKING:
    from formcheck.reports.keyframes import KeyFrameCollector

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 1.5rem auto; max-width: 1100px; color: #1d232a; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccd; }
.meta { color: #556; } .caution { background: #fff4e0; border-left: 4px solid #e8a33d; padding: .5rem .8rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #ccd; padding: .25rem .6rem; text-align: left; }
th { background: #eef1f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1b7a32; font-weight: 600; } .short { color: #a05a00; font-weight: 600; }
img.plot { max-width: 100%; } figure { display: inline-block; vertical-align: top; margin: 0 1rem 1rem 0; max-width: 640px; }
figure img { max-width: 100%; } figcaption { color: #445; }
.timeline { display: flex; height: 2.2rem; background: #e4e7ec; border-radius: 4px; overflow: hidden; margin: .5rem 0; }
.timeline div { color: #fff; font-size: .8rem; white-space: nowrap; overflow: hidden; padding: .55rem .3rem; box-sizing: border-box; }
"""
#: One colour a segment, in turn (the gaps between them, set-up and transitions, stay grey).
SEGMENT_COLOURS = ("#2f6fd6", "#3fa34d", "#b5651d", "#7b4fc4", "#c23b6b", "#1f8f8f")
REP_COLOUR, HOLD_COLOUR, MISSED_COLOUR, FAULT_COLOUR = "#3fa34d", "#2f6fd6", "#9a9a9a", "#d64545"


def _unit(spec: MeasureSpec) -> str:
    return "°" if spec.kind in ("angle", "inclination") else ""


def _fmt(value: float | None, unit: str = "") -> str:
    """To 0.1, the same in the tables and the captions; never "-0.0"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:.1f}"
    return f"{'0.0' if text == '-0.0' else text}{unit}"


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _side_label(side: str | None) -> str:
    return f"{side[0].upper()}" if side else ""


# -- plot -------------------------------------------------------------------------------
def measures_plot_png(session: Session, report: Report, dpi: int = 96) -> bytes:
    """Each measure over time; thresholds as lines; reps, holds, faults shaded."""
    ex = session.exercise
    names = list(ex.measures)
    t = [row.t for row in session.timeline]
    fig, axes = pyplot().subplots(
        len(names), 1, sharex=True, figsize=(11, 1.0 + 2.1 * len(names)), dpi=dpi, squeeze=False
    )
    for ax, name in zip(axes[:, 0], names):
        spec = ex.measures[name]
        ax.plot(t, [row.measures.get(name, math.nan) for row in session.timeline], color="#1d232a", lw=1.2)
        ax.set_ylabel(f"{name} ({_unit(spec) or 'ratio'})")
        ax.grid(alpha=0.3)
        for rep in report.reps:
            ax.axvspan(rep.start_s, rep.end_s, color=REP_COLOUR, alpha=0.12, lw=0)
        for hold in report.holds:
            ax.axvspan(hold.start_s, hold.end_s, color=HOLD_COLOUR, alpha=0.18, lw=0)
        for miss in report.not_counted:
            ax.axvspan(miss.start_s, miss.end_s, color=MISSED_COLOUR, alpha=0.25, lw=0, hatch="//")
        if ex.rep is not None and name == ex.rep.measure:
            if not ex.rep.relative:  # relative thresholds move with the person's rest value
                ax.axhline(ex.rep.enter, color=REP_COLOUR, ls="-", lw=1, label=f"rep enter {ex.rep.enter:g}")
                ax.axhline(ex.rep.exit, color=REP_COLOUR, ls="--", lw=1, label=f"rep exit {ex.rep.exit:g}")
            for rep in report.reps:
                ax.annotate(
                    f"{_side_label(rep.side)}{rep.index}",
                    ((rep.start_s + rep.end_s) / 2, 1.0),
                    xycoords=("data", "axes fraction"),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=REP_COLOUR,
                )
        for check in ex.checks:
            if check.measure != name or check.of != "value":
                continue
            for bound, word in ((check.min, "min"), (check.max, "max")):
                if bound is not None and not check.relative:  # relative bounds move with the rest value
                    ax.axhline(bound, color=FAULT_COLOUR, ls=":", lw=1.2, label=f"{check.id} {word} {bound:g}")
            for fault in report.faults:
                if fault.check == check.id:
                    ax.axvspan(fault.start_s, fault.end_s, ymin=0, ymax=0.06, color=FAULT_COLOUR, alpha=0.8, lw=0)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    axes[-1, 0].set_xlabel("time (s)")
    axes[0, 0].set_title(
        "green: counted reps   blue: holds   grey hatched: not counted   red bar: fault", fontsize=9, loc="left", pad=14
    )
    return png(fig)


# -- sections -----------------------------------------------------------------------------
def table(headers: list[str], rows: list[list[str]], numeric: Collection[int] = ()) -> str:
    """Headers are escaped here; cells are HTML already (escaped by the caller)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary(report: Report, ex: Exercise) -> str:
    by_side = report.rep_count_by_side
    target = report.rep_target
    per = " per side" if by_side else ""
    rows = []
    if by_side:
        for side in ("left", "right"):
            rows.append([f"reps, {side}", str(by_side[side]), f"{target}{per}" if target else "–"])
    else:
        rows.append(["reps", str(report.rep_count), str(target) if target else "–"])
    if ex.hold:
        done = sum(h.completed for h in report.holds)
        longest = max((h.duration_s for h in report.holds), default=0.0)
        reached = f"{done} of {len(report.holds)}" if report.holds else "none held"
        rows.append(["holds reaching the target", reached, f"{ex.hold.target_s:g} s each"])
        rows.append(["longest hold", f"{tenths(longest)} s", f"{ex.hold.target_s:g} s"])
    rows.append(["reps not counted", str(len(report.not_counted)), "0"])
    parts = [table(["", "done", "target"], [[escape(c) for c in r] for r in rows], {1})]
    parts += [f'<p class="short">{escape(line[0].upper() + line[1:])}.</p>' for line in missing_holds(report)]
    if report.holds:
        hold_rows = [
            [
                escape(h.side or ""),
                f"{h.start_s:.1f}–{h.end_s:.1f} s",
                f"{tenths(h.duration_s)} s",
                f"{h.target_s:g} s",
                '<span class="ok">reached</span>' if h.completed else '<span class="short">short</span>',
            ]
            for h in report.holds
        ]
        parts.append("<h3>Holds</h3>" + table(["side", "when", "held", "target", ""], hold_rows, {2, 3}))
    if report.faults:
        counts = Counter((f.check, f.message) for f in report.faults)
        seconds: Counter[str] = Counter()
        for f in report.faults:
            seconds[f.check] += f.end_s - f.start_s
        fault_rows = [
            [escape(check), escape(message), str(n), f"{seconds[check]:.1f} s"]
            for (check, message), n in counts.most_common()
        ]
        parts.append(
            "<h3>Form faults</h3>" + table(["check", "what to fix", "times", "total time"], fault_rows, {2, 3})
        )
    else:
        parts.append("<p>No form faults.</p>")
    if report.not_counted:
        miss_rows = [
            [f"{n.start_s:.1f}–{n.end_s:.1f} s", escape(n.side or ""), escape(n.reason)] for n in report.not_counted
        ]
        parts.append("<h3>Not counted</h3>" + table(["when", "side", "why"], miss_rows))
    return "\n".join(parts)


def _rep_table(report: Report, ex: Exercise) -> str:
    if not report.reps:
        return "<p>No counted reps.</p>"
    unit = _unit(ex.measures[ex.rep.measure])
    messages = {c.id: c.message for c in ex.checks}
    rows = []
    for rep in report.reps:
        faults = (
            ", ".join(f'<span title="{escape(messages.get(c, ""))}">{escape(c)}</span>' for c in rep.faults) or "none"
        )
        rows.append(
            [
                str(rep.index),
                escape(rep.side or ""),
                f"{rep.start_s:.1f} s",
                f"{rep.end_s - rep.start_s:.1f} s",
                _fmt(rep.peak.get(ex.rep.measure), unit),
                f"{rep.hold_s:.1f} s",
                faults,
            ]
        )
    return table(
        ["rep", "side", "start", "duration", f"peak {ex.rep.measure}", "hold", "faults"], rows, {0, 2, 3, 4, 5}
    )


def best_and_worst(reps: Sequence[RepEntry], ex: Exercise) -> tuple[RepEntry | None, RepEntry | None]:
    """Best rep: fewest faults, then longest hold, then furthest into the position; worst: the
    reverse, only when it had more faults than the best (else it would show the same good form)."""
    if not reps or ex.rep is None:
        return None, None
    sign = 1.0 if ex.rep.direction == "rise" else -1.0
    measure = ex.rep.measure

    def badness(rep: RepEntry) -> tuple[float, float, float]:
        peak = rep.peak.get(measure)
        return (len(rep.faults), -rep.hold_s, -sign * peak if peak is not None else math.inf)

    ranked = sorted(reps, key=badness)
    best, worst = ranked[0], ranked[-1]
    return best, (worst if len(worst.faults) > len(best.faults) else None)


def _overlay_counts(counts: Counts) -> str:
    return ", ".join(f"{side} {n}" for side, n in counts.items()) if counts.sides is Sides.EACH else str(counts.total)


def _figure(caption: str, jpeg: bytes) -> str:
    return f'<figure><img alt="{escape(caption)}" src="{_data_uri("image/jpeg", jpeg)}"><figcaption>{escape(caption)}</figcaption></figure>'


def _rep_figure(label: str, rep: RepEntry, ex: Exercise, keyframes: KeyFrameCollector) -> str | None:
    """A rep at its furthest point, captioned with the table's numbers and the overlay's count."""
    frame = keyframes.for_span(rep.start_s, rep.end_s, rep.side)
    if frame is None or ex.rep is None:
        return None
    measure = ex.rep.measure
    side = f" ({rep.side})" if rep.side else ""
    caption = (
        f"{label}: rep {rep.index}{side} at {frame.t:.1f} s, {measure} {_fmt(rep.peak.get(measure), _unit(ex.measures[measure]))}; "
        f"faults: {', '.join(rep.faults) or 'none'}. The overlay still reads {_overlay_counts(frame.counts)}: a rep is counted when it ends."
    )
    return _figure(caption, frame.jpeg)


def _hold_figure(report: Report, keyframes: KeyFrameCollector) -> str | None:
    """The middle of the longest hold (for exercises whose counted reps have no picture)."""
    hold = max(report.holds, key=lambda h: h.duration_s, default=None)
    frame = keyframes.hold_for_span(hold.start_s, hold.end_s, hold.side) if hold is not None else None
    if hold is None or frame is None:
        return None
    side = f" ({hold.side})" if hold.side else ""
    mark = "reached" if hold.completed else "short"
    caption = (
        f"Longest hold{side}: {tenths(hold.duration_s)} s of {hold.target_s:g} s ({mark}), "
        f"{hold.start_s:.1f}–{hold.end_s:.1f} s; the picture is its middle, at {frame.t:.1f} s."
    )
    return _figure(caption, frame.jpeg)


def _key_frames(report: Report, ex: Exercise, keyframes: KeyFrameCollector) -> str:
    best, worst = best_and_worst(report.reps, ex)
    figures = [
        figure
        for label, rep in (("Best rep", best), ("Worst rep", worst))
        if rep is not None and (figure := _rep_figure(label, rep, ex, keyframes)) is not None
    ]
    if not figures and (hold := _hold_figure(report, keyframes)) is not None:
        figures.append(hold)
    return "".join(figures) or "<p>No counted rep has a picture.</p>"


def render_html(
    report: Report,
    session: Session,
    keyframes: KeyFrameCollector | None = None,
    generated: datetime | None = None,
) -> str:
    """The whole report as one HTML string. Key frames only when ``keyframes`` is given."""
    ex = session.exercise
    generated = generated or datetime.now().astimezone()
    title = f"{ex.name} — formcheck report"
    visible = (
        f"; person visible in {report.frames_with_pose} of {report.frames} frames"
        if report.frames_with_pose < report.frames
        else ""
    )
    sections = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Source: {escape(report.source)} · {report.duration_s:.1f} s · {report.frames} frames{escape(visible)} · '
        f"generated {escape(generated.strftime('%Y-%m-%d %H:%M'))} by formcheck {escape(report.formcheck_version)}</p>",
        f'<p class="caution">{escape(report.caution)}</p>',
        *_report_sections(report, session),
    ]
    if keyframes is not None:
        sections += ["<h2>Key frames</h2>", _key_frames(report, ex, keyframes)]
    return page(title, "\n".join(sections))


def _report_sections(report: Report, session: Session, heading: str = "h2") -> list[str]:
    """One exercise's summary, measures and reps (the page's own, or one segment's)."""
    ex = session.exercise
    return [
        f"<{heading}>Summary</{heading}>",
        _summary(report, ex),
        *_plot_section(report, session, heading),
        f"<{heading}>Reps</{heading}>",
        _rep_table(report, ex),
    ]


def timeline(report: Report) -> str:
    """The segments of a routine recording as one coloured bar, to scale, gaps in grey."""
    total = max(report.duration_s, 1e-9)
    cells, at = [], 0.0
    for i, seg in enumerate(report.segments or []):
        if seg.start_s > at:
            cells.append(f'<div style="width:{100 * (seg.start_s - at) / total:.2f}%"></div>')
        label = f"{seg.report.exercise_name} {seg.start_s:.0f}-{seg.end_s:.0f} s"
        colour = SEGMENT_COLOURS[i % len(SEGMENT_COLOURS)]
        width = 100 * (seg.end_s - seg.start_s) / total
        cells.append(
            f'<div title="{escape(label)}" style="width:{width:.2f}%;background:{colour}">{escape(label)}</div>'
        )
        at = seg.end_s
    return f'<div class="timeline">{"".join(cells)}</div>'


def render_segments_html(report: Report, sessions: Sequence[Session], generated: datetime | None = None) -> str:
    """A routine recording's report: the timeline, then each segment as its own report."""
    generated = generated or datetime.now().astimezone()
    title = "Exercises one after another — formcheck report"
    sections = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Source: {escape(report.source)} · {report.duration_s:.1f} s · {report.frames} frames · '
        f"generated {escape(generated.strftime('%Y-%m-%d %H:%M'))} by formcheck {escape(report.formcheck_version)}</p>",
        f'<p class="caution">{escape(report.caution)}</p>',
        "<h2>Timeline</h2>",
        timeline(report),
    ]
    for i, (seg, session) in enumerate(zip(report.segments or [], sessions, strict=True), 1):
        sections.append(
            f"<h2>{i}. {escape(seg.report.exercise_name or seg.exercise)}: {seg.start_s:.1f}-{seg.end_s:.1f} s "
            f"(confidence {seg.confidence:.2f})</h2>"
        )
        sections += _report_sections(seg.report, session, "h3")
    return page(title, "\n".join(sections))


def _plot_section(report: Report, session: Session, heading: str = "h2") -> list[str]:
    """The measures over time (nothing for an exercise that measures no angle, as aerobics)."""
    ex = session.exercise
    if not ex.measures:
        return []
    plot = _data_uri("image/png", measures_plot_png(session, report))
    alt = f"{', '.join(ex.measures)} over time, with thresholds, reps and holds"
    return [f"<{heading}>Measures over time</{heading}>", f'<img class="plot" alt="{escape(alt)}" src="{plot}">']


def page(title: str, body: str) -> str:
    """A whole self-contained page: the fetch-nothing policy, the styles, ``body`` (HTML)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def write_html(report: Report, session: Session, target: Path, keyframes: KeyFrameCollector | None = None) -> None:
    """Render, then write (to the temporary file a command's ``OutputPlan`` staged)."""
    target.write_text(render_html(report, session, keyframes), encoding="utf-8")


def write_segments_html(report: Report, sessions: Sequence[Session], target: Path) -> None:
    """Render a routine recording's report, then write it (to the staged temporary file)."""
    target.write_text(render_segments_html(report, sessions), encoding="utf-8")
