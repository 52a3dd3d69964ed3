"""Fuzz the exercise-file loader and the report reader with hypothesis, for minutes.

Every input must either load or fail with a ``FormcheckError`` whose message is one
line starting with the file's name; anything else (a crash, a traceback, a multi-line
message) is printed and makes the run fail. Prints the number of inputs tried.

    python benchmarks/fuzz_inputs.py [--minutes 3]   # per target
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.core.errors import FormcheckError
from formcheck.exercises.loader import load_exercise, parse_exercise
from formcheck.offline.analyze import analyze
from formcheck.reports.reader import parse_report
from formcheck.reports.report import build_report
from tests.fuzzing import exercise_texts, report_texts  # noqa: E402
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


def check_one_line(name: str, call: Callable[[], object], failures: list[str]) -> None:
    try:
        call()
    except FormcheckError as exc:
        message = str(exc)
        if "\n" in message or not message.startswith(name):
            failures.append(f"bad message: {message!r}")
    except Exception as exc:  # noqa: BLE001 - that is what we are looking for
        failures.append(f"{type(exc).__name__}: {exc}")


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
            failures[-1] = f"{failures[-1]}\n    input: {example!r}"[:2000]

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run()
    print(f"{label}: {tried} inputs in {seconds / 60:.1f} min, {len(failures)} failures")
    return tried, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="per target (default: %(default)s)")
    args = parser.parse_args()
    seconds = args.minutes * 60
    reports = sample_reports(Path("."))

    def exercise_target(example: tuple[str, str], failures: list[str]) -> None:
        name, text = example
        check_one_line(name, lambda: parse_exercise(text, name), failures)

    def report_target(text: str, failures: list[str]) -> None:
        check_one_line("report.json", lambda: parse_report(text, "report.json"), failures)

    total, all_failures = 0, []
    for label, strategy, target in (
        ("exercise loader", exercise_texts(), exercise_target),
        ("report reader", report_texts(reports), report_target),
    ):
        tried, failures = fuzz(label, strategy, target, seconds)
        total += tried
        all_failures += failures
    for failure in all_failures[:20]:
        print(f"  FAIL {failure}")
    print(f"total: {total} inputs, {len(all_failures)} failures")
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
