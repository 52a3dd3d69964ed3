"""The cobra's chest lift is counted from the person's own lying value.

The 3D landmarks shift a lying body's chest lift with the camera angle (rendered cobra:
about 0 side-on, +0.15 at 40 degrees, -0.41 at 52 degrees, where the full cobra's top
reads only 0.42), so a fixed threshold lost every rep seen obliquely. Relative to the
lying value, a full cobra counts from any of those views, and a low one (the chest lifted
0.25 trunk lengths) is reported as a partial rep with how far it got.
"""

from __future__ import annotations

import pytest

from formcheck.core.events import Event, EventKind
from formcheck.engine.counter import RepCounter, RepInput
from formcheck.exercises.loader import load_exercise
from formcheck.feedback.wording import say

FPS = 30.0
COBRA = load_exercise("cobra")


def lifts(lying: float, top: float, reps: int = 2) -> list[Event]:
    """Events of the cobra's rep counter for ``reps`` lifts from ``lying`` to ``top``:
    1 s lying, 0.5 s up, 2 s at the top, 0.5 s down, each rep; then 1 s lying."""
    counter = RepCounter(COBRA.rep, COBRA.hold, None)
    path = [lying] * int(FPS)
    for _ in range(reps):
        path += [lying + (top - lying) * i / 15 for i in range(15)] + [top] * int(2 * FPS)
        path += [top + (lying - top) * i / 15 for i in range(15)] + [lying] * int(FPS)
    events: list[Event] = []
    for i, value in enumerate(path):
        events += counter.update(RepInput(i / FPS, value, setup_ok=True, hold_ok=True))
    return events + counter.finish(len(path) / FPS)


@pytest.mark.parametrize("lying", [0.0, 0.15, -0.41])
def test_a_full_cobra_counts_whatever_the_lying_value(lying: float) -> None:
    events = lifts(lying, lying + 0.8)
    assert [e.kind for e in events].count(EventKind.REP_COMPLETED) == 2


def test_the_oblique_full_cobra_counts_though_its_top_reads_below_the_side_on_threshold() -> None:
    events = lifts(-0.41, 0.42)
    assert [e.kind for e in events].count(EventKind.REP_COMPLETED) == 2


@pytest.mark.parametrize("lying", [0.0, 0.15])
def test_a_low_cobra_is_a_partial_rep_saying_how_far_it_got(lying: float) -> None:
    events = lifts(lying, lying + 0.25)
    assert not [e for e in events if e.kind is EventKind.REP_COMPLETED]
    partial = [e for e in events if e.kind is EventKind.REP_REJECTED]
    assert len(partial) == 2
    assert all(
        "partial rep" in say(e.data["reason"]) and f"{lying + 0.25:.2f}" in say(e.data["reason"]) for e in partial
    )
