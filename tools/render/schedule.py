"""The timeline of a clip: when each rep moves, holds and rests.

Why separate from motion: the schedule alone defines the ground-truth
timing (reps, holds, faults), so it is built first and both the renderer and
the ground truth read from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tools.render.motions import Exercise

LEAD_IN_S = 1.5
LEAD_OUT_S = 1.0
TOO_FAST = 3.0  # speed-up of the moving phases in a ``too_fast`` rep
PARTIAL = 0.5  # fraction of the range reached in a ``partial_range`` rep


@dataclass(frozen=True)
class Rep:
    index: int
    side: str | None
    start_s: float
    peak_s: float  # the target position is first reached
    hold_end_s: float  # lowering starts
    end_s: float  # back in the start position
    peak_p: float
    faults: frozenset[str]


#: A pose within this fraction of its peak excursion counts as "in the position" for the
#: ground-truth holds: the last 5 % of an eased move is too slow for anybody (or any
#: detector) to tell from holding still.
HOLD_WITHIN = 0.95


def ease_inverse(y: float) -> float:
    """x in [0, 1] with ease(x) = y (bisection: ease is monotonic)."""
    lo, hi = 0.0, 1.0
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if ease(mid) < y else (lo, mid)
    return (lo + hi) / 2


def hold_window(rep: Rep, within: float = HOLD_WITHIN) -> tuple[float, float]:
    """When the rep's pose is within ``within`` of its peak: (start_s, end_s)."""
    x = ease_inverse(within)
    return rep.start_s + x * (rep.peak_s - rep.start_s), rep.hold_end_s + (1 - x) * (rep.end_s - rep.hold_end_s)


@dataclass(frozen=True)
class Timeline:
    reps: tuple[Rep, ...]
    duration_s: float

    def at(self, t: float) -> tuple[float, Rep | None]:
        """Progress p and the current (or last started) rep at time t.

        Moves use a smootherstep ease: zero velocity and acceleration at both
        ends, so holds start and end without a jerk.
        """
        for rep in self.reps:
            if t < rep.start_s:
                break
            if t <= rep.peak_s:
                return rep.peak_p * ease((t - rep.start_s) / (rep.peak_s - rep.start_s)), rep
            if t <= rep.hold_end_s:
                return rep.peak_p, rep
            if t <= rep.end_s:
                return rep.peak_p * ease((rep.end_s - t) / (rep.end_s - rep.hold_end_s)), rep
        previous = [r for r in self.reps if r.end_s < t]
        return 0.0, previous[-1] if previous else None

    def start_of(self, fraction: float) -> float:
        """The time ``fraction`` of the way through the first rep (0 = its start, 1 = its end)."""
        first = self.reps[0]
        return first.start_s + fraction * (first.end_s - first.start_s)

    def shifted(self, t0: float) -> Timeline:
        """The timeline of a clip that starts ``t0`` seconds in.

        A rep under way at the new 0 s stays only if the clip still shows it reach its
        position (its peak is at or after 0 s): a person seen rising into the position,
        holding and coming back did a rep; one first seen holding or on the way back did
        not, for any counter or labeller. Kept reps are renumbered from 0.
        """
        kept = [r for r in self.reps if r.peak_s >= t0]
        reps = tuple(
            replace(r, index=i, start_s=r.start_s - t0, peak_s=r.peak_s - t0, hold_end_s=r.hold_end_s - t0,
                    end_s=r.end_s - t0)
            for i, r in enumerate(kept)
        )  # fmt: skip
        return Timeline(reps, self.duration_s - t0)


def ease(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return x * x * x * (x * (6 * x - 15) + 10)


def rep_sides(exercise: Exercise, reps: int, sides: str) -> list[str | None]:
    """One entry per rep.  Sided exercises do ``reps`` per side, alternating
    left, right, ... when ``sides`` is "both"."""
    if not exercise.sided:
        return [None] * reps
    if sides == "both":
        return ["left", "right"] * reps
    return [sides] * reps


def build_timeline(
    exercise: Exercise,
    reps: int,
    hold_s: float | None,
    sides: str,
    tempo: float,
    faults: dict[str, set[int] | None],
    seed: int = 0,
) -> Timeline:
    """Lay out the reps with small random variation in speed and depth.

    ``tempo`` > 1 moves faster.  ``faults`` maps a fault name to the rep
    indices it applies to (None = every rep).
    """
    rng = np.random.default_rng(seed)
    hold = exercise.hold_s if hold_s is None else hold_s
    t = LEAD_IN_S
    out: list[Rep] = []
    for i, side in enumerate(rep_sides(exercise, reps, sides)):
        active = frozenset(f for f, idx in faults.items() if idx is None or i in idx)
        move = exercise.move_s / tempo * rng.uniform(0.92, 1.08)
        if "too_fast" in active:
            move /= TOO_FAST
        peak_p = rng.uniform(0.96, 1.0) * (PARTIAL if "partial_range" in active else 1.0)
        start = t
        peak = start + move
        hold_end = peak + hold * rng.uniform(0.95, 1.05)
        end = hold_end + move * rng.uniform(0.95, 1.05)
        out.append(Rep(i, side, start, peak, hold_end, end, peak_p, active))
        t = end + exercise.rest_s * rng.uniform(0.9, 1.1)
    duration = (out[-1].end_s if out else LEAD_IN_S) + LEAD_OUT_S
    return Timeline(tuple(out), duration)
