"""Fuzz the exercise-file loader, the report reader, landmark tracks and the printing of
reports with hypothesis, for minutes.

Every input must either load or fail with a ``FormcheckError`` whose message is one
line naming the file; anything else (a crash, a traceback, a multi-line message) is
printed and makes the run fail. A damaged track that loads must give a report that is
strict JSON (no NaN) and that ``formcheck report`` accepts. A report whose texts carry
control, bidi or surrogate characters must print (``formcheck report``) with none of
them left raw and as valid UTF-8. Prints the number of inputs tried.

    python benchmarks/fuzz_inputs.py [--minutes 3] [--only tracks]   # minutes per target
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.cli.main import main as cli_main
from formcheck.core.errors import FormcheckError
from formcheck.core.text import printable
from formcheck.exercises.loader import load_exercise, parse_exercise
from formcheck.offline.analyze import analyze
from formcheck.reports.reader import parse_report
from formcheck.reports.report import build_report
from tests.fuzzing import damaged_track, exercise_texts, hostile_reports, report_texts  # noqa: E402
from tests.synthetic import bridge_track, schedule  # noqa: E402


def sample_reports(tmp: Path) -> list[dict[str, Any]]:
    """Real reports of a two-sided, a one-sided and an activity exercise."""
    up_down = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 0.0)]
    t, lift = schedule(30.0, up_down * 2 + [(1.0, 0.0, 0.0)])
    track = tmp / "fuzz_track.npz"
    bridge_track(lift, t, jitter=0.8).save(track)
    try:
        return [
            build_report(analyze(track, load_exercise(name), lambda: None))
            for name in ("bridge", "knee_to_chest", "aerobics")
        ]  # type: ignore[arg-type,return-value]
    finally:
        track.unlink()


def check_one_line(name: str, call: Callable[[], object], failures: list[str], anywhere: bool = False) -> None:
    """``call`` succeeds or raises a one-line ``FormcheckError`` starting with (or, with
    ``anywhere``, naming) ``name``."""
    try:
        call()
    except FormcheckError as exc:
        message = str(exc)
        if "\n" in message or not (name in message if anywhere else message.startswith(name)):
            failures.append(f"bad message: {message!r}")
    except Exception as exc:  # noqa: BLE001 - that is what we are looking for
        failures.append(f"{type(exc).__name__}: {exc}")


def track_arrays(tmp: Path) -> dict[str, Any]:
    """The arrays of a valid saved track, as ``Track.save`` writes them."""
    t, lift = schedule(30.0, [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (1.0, 1.0, 1.0), (1.0, 1.0, 0.0)])
    path = tmp / "valid.npz"
    bridge_track(lift, t, jitter=0.5).save(path)
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def analyse_track(path: Path) -> None:
    """Analyse a track; the report must be strict JSON that the report reader accepts."""
    report = build_report(analyze(path, load_exercise("bridge"), lambda: None))  # type: ignore[arg-type,return-value]
    text = json.dumps(report.to_json(), allow_nan=False)  # raises ValueError on NaN or infinity
    parse_report(text, "report.json")


def print_report(folder: Path, report: dict[str, Any], failures: list[str]) -> None:
    """``formcheck report`` on the report: exit 0, nothing unsafe printed, valid UTF-8."""
    path = folder / "hostile.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = cli_main(["report", str(path)], out=out, err=err)
    printed = out.getvalue() + err.getvalue()
    if code != 0:
        failures.append(f"exit {code}: {err.getvalue()!r}")
    elif printable(printed) != printed:
        failures.append(f"unsafe characters printed: {printed!r}"[:500])
    else:
        printed.encode("utf-8")  # a lone surrogate would raise here


def fuzz(label: str, strategy: Any, target: Callable[[Any], None], seconds: float) -> tuple[int, list[str]]:
    tried = 0
    failures: list[str] = []

    @settings(
        max_examples=500, deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def run(example: Any) -> None:
        nonlocal tried
        tried += 1
        before = len(failures)
        target(example, failures)  # type: ignore[call-arg]
        if len(failures) > before:
            failures[-1] = f"{failures[-1][:300]}\n    input: {example!r:.300}"

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run()
    print(f"{label}: {tried} inputs in {seconds / 60:.1f} min, {len(failures)} failures")
    return tried, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="per target (default: %(default)s)")
    parser.add_argument("--only", help="run only the targets whose label contains this")
    args = parser.parse_args()
    seconds = args.minutes * 60
    folder = Path(tempfile.mkdtemp(prefix="formcheck-fuzz-"))
    reports = sample_reports(folder)
    arrays = track_arrays(folder)

    def exercise_target(example: tuple[str, str], failures: list[str]) -> None:
        name, text = example
        check_one_line(name, lambda: parse_exercise(text, name), failures)

    def report_target(text: str, failures: list[str]) -> None:
        check_one_line("report.json", lambda: parse_report(text, "report.json"), failures)

    def track_target(example: dict[str, Any] | bytes, failures: list[str]) -> None:
        path = folder / "fuzz.npz"
        if isinstance(example, bytes):
            path.write_bytes(example)
        else:
            np.savez_compressed(path, **example)
        check_one_line(str(path), lambda: analyse_track(path), failures, anywhere=True)

    def printing_target(report: dict[str, Any], failures: list[str]) -> None:
        try:
            print_report(folder, report, failures)
        except Exception as exc:  # noqa: BLE001 - that is what we are looking for
            failures.append(f"{type(exc).__name__}: {exc}")

    total, all_failures = 0, []
    targets = (
        ("exercise loader", exercise_texts(), exercise_target),
        ("report reader", report_texts(reports), report_target),
        ("landmark tracks", damaged_track(arrays), track_target),
        ("report printing", hostile_reports(reports), printing_target),
    )
    for label, strategy, target in targets:
        if args.only and args.only not in label:
            continue
        tried, failures = fuzz(label, strategy, target, seconds)
        total += tried
        all_failures += failures
    for failure in all_failures[:20]:
        print(f"  FAIL {failure}")
    print(f"total: {total} inputs, {len(all_failures)} failures")
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
