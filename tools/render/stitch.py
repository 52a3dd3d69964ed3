"""Edited videos from rendered clips, with merged ground truth on the new timeline.

Why: tutorials people follow are edited (a title card, cuts between camera angles,
sometimes in the middle of a rep, a caption, a fade and an end card), and each of those
can make a counter add or lose reps. Built from renders, the edit keeps exact truth: a
rep is the rendered person's rep wherever the cuts fall, and card time has no person.

An ``Edit`` is a sequence of shots (``Card`` or ``Take``) plus captions. Consecutive
takes form one continuous motion when the second starts at the very frame of its clip
where the first stopped and both clips share the schedule (same exercise, reps, timing:
rendered with the same seed and settings from another azimuth): a rep cut there is ONE
rep. Any other take must start and end between reps, or ``stitch`` refuses it, since no
label could say whether half a rep seen once is a rep.

    python -m tools.render.stitch -o edit.mp4 --title "Bridges" a.mp4:0-6.2 b.mp4:6.2-14 \\
        --caption "Squeeze at the top@3-6" --fade 0.8 --end "Thanks for watching"
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from tools.render.groundtruth import SCHEMA
from tools.render.video import VideoWriter

CARD_BGR = (58, 40, 28)
TEXT_BGR = (240, 240, 240)
CAPTION_BGR = (20, 20, 20)
CAPTION_ALPHA = 0.7
FONT = cv2.FONT_HERSHEY_DUPLEX


@dataclass(frozen=True)
class Card:
    """Text on a plain background: no person in frame."""

    text: str
    seconds: float


@dataclass(frozen=True)
class Take:
    """Seconds ``start_s`` to ``end_s`` of a rendered clip (its ground truth JSON beside it);
    ``end_s`` None runs to the clip's end. The last ``fade_out_s`` seconds fade to black."""

    clip: Path
    start_s: float = 0.0
    end_s: float | None = None
    fade_out_s: float = 0.0


@dataclass(frozen=True)
class Caption:
    """A text box over the lower third, from ``start_s`` to ``end_s`` of the edit."""

    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Edit:
    shots: tuple[Card | Take, ...]
    captions: tuple[Caption, ...] = ()


@dataclass
class Placed:
    """A shot laid on the edit's timeline, in frames."""

    shot: Card | Take
    at: int  # first frame in the edit
    first: int = 0  # first frame in the clip (takes)
    frames: int = 0
    truth: dict = field(default_factory=dict)  # the clip's ground truth (takes)


def load_truth(clip: Path) -> dict:
    path = clip.with_suffix(".json")
    if not (clip.exists() and path.exists()):
        raise ValueError(f"{clip}: need the rendered video and its ground truth {path.name} beside it")
    truth = json.loads(path.read_text())
    if truth.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a {SCHEMA} ground truth file")
    return truth


def lay_out(edit: Edit) -> tuple[list[Placed], float, tuple[int, int]]:
    """Place every shot on the timeline; returns (shots, fps, (width, height)).

    All takes must share fps, frame size and exercise: an edit is one video of one exercise.
    """
    truths = {shot.clip: load_truth(shot.clip) for shot in edit.shots if isinstance(shot, Take)}
    if not truths:
        raise ValueError("an edit needs at least one take of a rendered clip")
    first = next(iter(truths.values()))
    for clip, t in truths.items():
        for key in ("fps", "width", "height", "exercise"):
            if t[key] != first[key]:
                raise ValueError(f"{clip}: {key} {t[key]} differs from the first take's {first[key]}")
    fps = first["fps"]
    placed, at = [], 0
    for shot in edit.shots:
        if isinstance(shot, Card):
            p = Placed(shot, at, frames=int(round(shot.seconds * fps)))
        else:
            truth = truths[shot.clip]
            start = int(round(shot.start_s * fps))
            end = truth["frames"] if shot.end_s is None else min(int(round(shot.end_s * fps)), truth["frames"])
            if not 0 <= start < end:
                raise ValueError(f"{shot.clip}: take {shot.start_s}-{shot.end_s} s is empty or outside the clip")
            p = Placed(shot, at, start, end - start, truth)
        placed.append(p)
        at += p.frames
    return placed, fps, (first["width"], first["height"])


def continues(a: Placed, b: Placed) -> bool:
    """Whether take ``b`` carries on ``a``'s motion: same schedule, next frame of it."""
    return (
        isinstance(a.shot, Take)
        and isinstance(b.shot, Take)
        and b.first == a.first + a.frames
        and a.truth["reps"] == b.truth["reps"]
        and a.truth["holds"] == b.truth["holds"]
    )


def chains(placed: list[Placed]) -> list[list[Placed]]:
    """Runs of takes that form one continuous motion (a take alone is a run of one)."""
    runs: list[list[Placed]] = []
    for p in placed:
        if not isinstance(p.shot, Take):
            continue
        if runs and runs[-1][-1].at + runs[-1][-1].frames == p.at and continues(runs[-1][-1], p):
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def events_in(run: list[Placed], fps: float) -> tuple[list[dict], list[dict], list[dict]]:
    """The run's reps, holds and faults on the edit's timeline.

    Within a run one shift maps clip time to edit time. An event must lie wholly inside
    the run; one it cuts is refused (see the module docstring).
    """
    first, last = run[0], run[-1]
    lo, hi = first.first / fps, (last.first + last.frames) / fps
    shift = first.at / fps - lo
    name = ", ".join(str(p.shot.clip) for p in run)
    out: list[list[dict]] = []
    for key in ("reps", "holds", "faults"):
        items = []
        for ev in first.truth[key]:
            if ev["end_s"] <= lo or ev["start_s"] >= hi:
                continue
            if ev["start_s"] < lo - 0.5 / fps or ev["end_s"] > hi + 0.5 / fps:
                what = f"rep {ev.get('index', ev.get('rep_index'))}" if key != "holds" else "a hold"
                raise ValueError(
                    f"{name} ({lo:.2f}-{hi:.2f} s) cuts {what} ({ev['start_s']}-{ev['end_s']} s): cut between reps,"
                    " or continue the same motion in the next take (the same clip rendered from another angle)"
                )
            items.append({**ev, **{k: round(ev[k] + shift, 3) for k in ("start_s", "peak_s", "end_s") if k in ev}})
        out.append(items)
    return out[0], out[1], out[2]


def merged_truth(placed: list[Placed], edit: Edit, fps: float, size: tuple[int, int]) -> dict:
    """One ground-truth document for the edit (schema as a rendered clip, plus shots,
    captions and a per-frame ``person`` flag; card frames have null joints and angles)."""
    reps, holds, faults = [], [], []
    index_of: dict[tuple[int, int], int] = {}
    for run_no, run in enumerate(chains(placed)):
        r, h, f = events_in(run, fps)
        for rep in r:
            index_of[(run_no, rep["index"])] = len(reps)
            reps.append({**rep, "index": len(reps)})
        holds += h
        faults += [{**x, "rep_index": index_of[(run_no, x["rep_index"])]} for x in f]
    total = sum(p.frames for p in placed)
    takes = [p for p in placed if isinstance(p.shot, Take)]
    names = list(takes[0].truth["joints2d"])
    angle_names = list(takes[0].truth["angles"])
    joints: dict[str, list] = {n: [None] * total for n in names}
    angles: dict[str, list] = {n: [None] * total for n in angle_names}
    person = [False] * total
    for p in takes:
        for i in range(p.frames):
            src, dst = p.first + i, p.at + i
            person[dst] = True
            for n in names:
                joints[n][dst] = p.truth["joints2d"][n][src]
            for n in angle_names:
                angles[n][dst] = p.truth["angles"][n][src]
    return {
        "schema": SCHEMA,
        "exercise": takes[0].truth["exercise"],
        "fps": fps,
        "frames": total,
        "width": size[0],
        "height": size[1],
        "edited": True,
        "sides": takes[0].truth["sides"],
        "shots": [shot_entry(p, fps) for p in placed],
        "captions": [{"text": c.text, "start_s": c.start_s, "end_s": c.end_s} for c in edit.captions],
        "reps": reps,
        "holds": holds,
        "faults": faults,
        "t": [round(i / fps, 4) for i in range(total)],
        "person": person,
        "joints2d": joints,
        "angles": angles,
    }


def shot_entry(p: Placed, fps: float) -> dict:
    entry = {"start_s": round(p.at / fps, 3), "end_s": round((p.at + p.frames) / fps, 3)}
    if isinstance(p.shot, Card):
        return {"kind": "card", "text": p.shot.text, **entry}
    return {
        "kind": "take", "clip": p.shot.clip.name, **entry,
        "clip_start_s": round(p.first / fps, 3), "clip_end_s": round((p.first + p.frames) / fps, 3),
        "camera": p.truth.get("camera"), "body": p.truth.get("body"), "fade_out_s": p.shot.fade_out_s,
    }  # fmt: skip


def draw_text(img: np.ndarray, text: str, centre_y: int, max_width: int) -> None:
    """Text centred horizontally at ``centre_y``, scaled to fit ``max_width``."""
    scale, thick = 1.0, 2
    w = cv2.getTextSize(text, FONT, scale, thick)[0][0]
    scale = min(scale * max_width / max(w, 1), img.shape[0] / 300)
    thick = max(1, int(round(scale * 2)))
    (w, h), _ = cv2.getTextSize(text, FONT, scale, thick)
    cv2.putText(img, text, ((img.shape[1] - w) // 2, centre_y + h // 2), FONT, scale, TEXT_BGR, thick, cv2.LINE_AA)


def card_frame(text: str, size: tuple[int, int]) -> np.ndarray:
    img = np.empty((size[1], size[0], 3), np.uint8)
    img[:] = CARD_BGR
    draw_text(img, text, size[1] // 2, int(size[0] * 0.8))
    return img


def with_caption(img: np.ndarray, text: str) -> np.ndarray:
    """A translucent box over the lower third with the caption in it."""
    h, w = img.shape[:2]
    top, bottom = int(h * 0.72), int(h * 0.9)
    box = img.copy()
    cv2.rectangle(box, (int(w * 0.05), top), (int(w * 0.95), bottom), CAPTION_BGR, -1)
    out = cv2.addWeighted(box, CAPTION_ALPHA, img, 1 - CAPTION_ALPHA, 0)
    draw_text(out, text, (top + bottom) // 2, int(w * 0.85))
    return out


def take_frames(p: Placed, fps: float):
    """The take's frames from its clip, faded towards black over its last ``fade_out_s``."""
    assert isinstance(p.shot, Take)
    cap = cv2.VideoCapture(str(p.shot.clip))
    fade = int(round(p.shot.fade_out_s * fps))
    try:
        for _ in range(p.first):  # read, not seek: seeking compressed video can land off by a frame
            cap.read()
        for i in range(p.frames):
            ok, frame = cap.read()
            if not ok:
                raise ValueError(f"{p.shot.clip}: ends before frame {p.first + i} that its ground truth has")
            left = p.frames - i
            if left <= fade:
                frame = (frame * ((left - 1) / fade)).astype(np.uint8)
            yield frame
    finally:
        cap.release()


def stitch(edit: Edit, out: Path) -> tuple[Path, Path]:
    """Write the edit to ``out`` (mp4) and its merged ground truth beside it (json).

    Both are written under temporary names and moved into place at the end, so a
    failure leaves no half-written file.
    """
    placed, fps, size = lay_out(edit)
    truth = merged_truth(placed, edit, fps, size)  # validates the cuts before any frame is written
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_video, tmp_truth = out.with_name(".part-" + out.name), out.with_name(".part-" + out.stem + ".json")
    writer = VideoWriter(tmp_video, size[0], size[1], fps)
    try:
        for p in placed:
            frames = (
                (card_frame(p.shot.text, size) for _ in range(p.frames))
                if isinstance(p.shot, Card)
                else take_frames(p, fps)
            )
            for i, frame in enumerate(frames):
                t = (p.at + i) / fps
                for c in edit.captions:
                    if c.start_s <= t < c.end_s:
                        frame = with_caption(frame, c.text)
                writer.write(frame)
    finally:
        writer.close()
    tmp_truth.write_text(json.dumps(truth, separators=(",", ":")))
    gt = out.with_suffix(".json")
    tmp_truth.replace(gt)
    tmp_video.replace(out)
    return out, gt


def parse_take(text: str) -> Take:
    """``CLIP.mp4`` or ``CLIP.mp4:START-END`` (seconds of that clip; END may be empty)."""
    clip, sep, span = text.rpartition(":") if text.count(":") else (text, "", "")
    if not sep or "-" not in span:
        return Take(Path(text))
    a, _, b = span.partition("-")
    return Take(Path(clip), float(a or 0), float(b) if b else None)


def parse_caption(text: str) -> Caption:
    """``TEXT@START-END`` (seconds of the edit)."""
    words, _, span = text.rpartition("@")
    a, _, b = span.partition("-")
    return Caption(words, float(a), float(b))


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m tools.render.stitch", description=__doc__.splitlines()[0])
    ap.add_argument("takes", nargs="+", help="CLIP.mp4[:START-END] rendered clips, in order")
    ap.add_argument("-o", "--out", type=Path, required=True, help="output .mp4 (its .json goes beside it)")
    ap.add_argument("--title", help="a title card first")
    ap.add_argument("--end", help="an end card last")
    ap.add_argument("--card-s", type=float, default=2.0, help="seconds per card (default 2)")
    ap.add_argument("--caption", action="append", default=[], help="TEXT@START-END over the lower third")
    ap.add_argument("--fade", type=float, default=0.0, help="fade the last take to black over this many seconds")
    ap.add_argument("--force", action="store_true", help="replace an existing output")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    try:
        takes = [parse_take(t) for t in args.takes]
        captions = tuple(parse_caption(c) for c in args.caption)
    except ValueError as e:
        ap.error(f"bad take or caption: {e}")
    if args.fade:
        last = takes[-1]
        takes[-1] = Take(last.clip, last.start_s, last.end_s, args.fade)
    shots: list[Card | Take] = [Card(args.title, args.card_s)] if args.title else []
    shots += takes
    if args.end:
        shots.append(Card(args.end, args.card_s))
    if (args.out.exists() or args.out.with_suffix(".json").exists()) and not args.force:
        ap.error(f"{args.out} or its .json exists; pass --force to replace it")
    try:
        video, gt = stitch(Edit(tuple(shots), captions), args.out)
    except ValueError as e:
        ap.error(str(e))
    truth = json.loads(gt.read_text())
    print(f"wrote {video} and {gt}: {truth['frames']} frames, {len(truth['reps'])} reps, {len(truth['shots'])} shots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
