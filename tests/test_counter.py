"""The rep/hold state machine on exact measure sequences (no pose model involved)."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.core.events import EventKind
from formcheck.engine.counter import RepCounter, RepInput
from formcheck.engine.hold import Holding, HoldTracker
from formcheck.exercises.schema import HoldSpec, RepSpec
from formcheck.feedback.wording import say
from tests.synthetic import schedule

FPS = 30.0
REP = RepSpec(
    measure="hip", direction="rise", enter=160, exit=145, min_in_s=0.3, min_out_s=0.2, min_rest_s=0.5, min_range=15
)
HOLD = HoldSpec(target_s=3.0, min_s=1.0, grace_s=0.5)


def run(pieces, setup_ok=True, hold_ok=None, spec=REP, hold=HOLD, jitter=0.0, still=None):
    t, v = schedule(FPS, pieces)
    if jitter:
        v = v + np.random.default_rng(0).normal(0, jitter, v.shape)
    counter = RepCounter(spec, hold, None)
    events = []
    for ti, vi in zip(t, v):
        ok = True if hold_ok is None else hold_ok(ti)
        is_still = True if still is None else still(ti)
        events += counter.update(RepInput(float(ti), float(vi), setup_ok, ok, still=is_still))
    events += counter.finish(float(t[-1]))
    return counter, events


def kinds(events, kind):
    return [e for e in events if e.kind is kind]


def rep(rest=1.0, up=1.0, top=2.0, down=1.0, low=130.0, high=175.0):
    return [(rest, low, low), (up, low, high), (top, high, high), (down, high, low)]


def test_counts_clean_reps_and_times_them():
    counter, events = run(rep() + rep() + rep() + [(1.0, 130, 130)])
    assert counter.count == 3
    done = kinds(events, EventKind.REP_COMPLETED)
    assert [e.data["count"] for e in done] == [1, 2, 3]
    first = done[0].data
    assert first["start_s"] == pytest.approx(1.0 + 30 / 45, abs=0.05)  # crossing 160 on the way up
    assert first["peak"] == pytest.approx(175)


def test_getting_into_position_is_not_a_rep():
    # Starts already up (e.g. sitting up before lying down), comes down, then one real rep.
    counter, events = run([(2.0, 175, 175), (1.0, 175, 130)] + rep() + [(1.0, 130, 130)])
    assert counter.count == 1


def test_nothing_counts_until_the_start_posture_is_seen():
    counter, _ = run(rep() + rep() + [(1.0, 130, 130)], setup_ok=False)
    assert counter.count == 0
    assert not counter.armed


def test_lying_still_and_pausing_count_nothing():
    counter, events = run([(10.0, 130, 130)] + rep(top=0.5) + [(8.0, 130, 130)])
    assert counter.count == 1
    assert len(kinds(events, EventKind.REP_STARTED)) == 1


def test_partial_movements_do_not_count():
    # Up to 155: past exit but short of enter, three times.
    partial = [(1.0, 130, 130), (0.7, 130, 155), (0.5, 155, 155), (0.7, 155, 130)]
    counter, events = run(partial * 3 + [(1.0, 130, 130)])
    assert counter.count == 0
    assert kinds(events, EventKind.REP_STARTED) == []


def test_a_touch_shorter_than_min_in_s_does_not_count():
    blip = [(1.0, 130, 130), (0.1, 130, 170), (0.1, 170, 170), (0.1, 170, 130), (1.0, 130, 130)]
    counter, _ = run(blip)
    assert counter.count == 0


def test_jitter_while_holding_does_not_toggle():
    counter, events = run(
        [(1.0, 130, 130), (1.0, 130, 170), (4.0, 170, 170), (1.0, 170, 130), (1.0, 130, 130)], jitter=3.0
    )
    assert counter.count == 1


def test_sagging_between_the_thresholds_stays_one_rep():
    # Up, then wobbling between exit (145) and enter (160) several times, then down.
    wobble = [(0.4, 170, 150), (0.4, 150, 165)] * 4
    counter, events = run([(1.0, 130, 130), (1.0, 130, 170)] + wobble + [(1.0, 165, 130), (1.0, 130, 130)])
    assert counter.count == 1
    assert len(kinds(events, EventKind.REP_STARTED)) == 1


def test_last_raise_still_held_at_the_end_does_not_count():
    counter, events = run(rep() + [(1.0, 130, 130), (1.0, 130, 175), (3.0, 175, 175)])
    assert counter.count == 1
    rejected = kinds(events, EventKind.REP_REJECTED)
    assert len(rejected) == 1 and "end" in say(rejected[0].data["reason"])


def test_small_range_is_rejected():
    spec = REP.model_copy(update={"min_range": 40})
    counter, events = run(rep(low=140, high=170) + [(1.0, 140, 140)], spec=spec)
    assert counter.count == 0
    assert "too small" in say(kinds(events, EventKind.REP_REJECTED)[0].data["reason"])


def test_falling_direction():
    spec = RepSpec(measure="hip", direction="fall", enter=60, exit=90, min_range=20)
    counter, _ = run(rep(low=150, high=40) * 2 + [(1.0, 150, 150)], spec=spec)
    assert counter.count == 2


def test_hold_is_timed_from_when_the_position_is_reached():
    counter, events = run(rep(top=4.0) + [(1.0, 130, 130)])
    (hold,) = kinds(events, EventKind.HOLD_ENDED)
    # In position from crossing 160 on the way up to crossing 145 on the way down.
    assert hold.data["duration_s"] == pytest.approx(4.0 + 1 / 3 + 2 / 3, abs=0.1)
    assert hold.data["completed"] is True
    assert len(kinds(events, EventKind.HOLD_COMPLETED)) == 1


def test_hold_clock_stops_while_a_hold_check_fails_but_bridges_short_breaks():
    # Fails for 0.3 s (bridged by grace 0.5) and later for 1.5 s (splits the hold).
    failing = lambda t: not (3.0 <= t < 3.3 or 5.0 <= t < 6.5)  # noqa: E731
    counter, events = run(rep(top=7.0) + [(1.0, 130, 130)], hold_ok=failing)
    holds = [e.data for e in kinds(events, EventKind.HOLD_ENDED)]
    assert len(holds) == 2
    assert holds[0]["end_s"] == pytest.approx(5.0, abs=0.05)
    assert holds[1]["start_s"] == pytest.approx(6.5, abs=0.05)


def test_moving_inside_the_held_position_does_not_end_the_hold():
    # Moving for 1.2 s (longer than grace 0.5) while in position, 2 s into a 6 s top.
    _, events = run(rep(top=6.0) + [(1.0, 130, 130)], still=lambda t: not 4.0 <= t < 5.2)
    (hold,) = [e.data for e in kinds(events, EventKind.HOLD_ENDED)]
    assert hold["start_s"] < 2.0 and hold["end_s"] > 8.0  # one hold, the movement part of it


def test_moving_before_the_hold_counts_is_a_break():
    # Moving from 0.3 s after reaching the position (before min_s 1.0): still settling in.
    _, events = run(rep(top=6.0) + [(1.0, 130, 130)], still=lambda t: not 2.0 <= t < 3.2)
    (hold,) = [e.data for e in kinds(events, EventKind.HOLD_ENDED)]
    assert hold["start_s"] == pytest.approx(3.2, abs=0.05)


def test_moving_out_of_the_hold_tolerance_ends_the_hold():
    # In position (past 160) the whole time, but sliding from 175 to 195 while moving.
    hold = HoldSpec(target_s=3.0, min_s=1.0, grace_s=0.5, tolerance=10.0)
    pieces = [(1.0, 130, 130), (1.0, 130, 175), (2.0, 175, 175), (1.5, 175, 195), (2.0, 195, 195), (1.0, 195, 130)]
    _, events = run(pieces + [(1.0, 130, 130)], hold=hold, still=lambda t: not 4.0 <= t < 5.5)
    ended = kinds(events, EventKind.HOLD_ENDED)
    assert len(ended) == 2
    assert ended[0].data["end_s"] == pytest.approx(4.0, abs=0.05)
    # The hold goes on through the movement (it would have ended grace_s into it, at 4.5)
    # and ends where the value leaves the tolerance, 0.75 s into the slide (185 is 10
    # past 175): the break, counted from the movement's start, is past grace_s by then
    # (counted from the drift, it would end at 5.27).
    assert ended[0].t == pytest.approx(4.0 + 0.75 + 1 / FPS, abs=0.03)
    assert ended[1].data["start_s"] == pytest.approx(5.5, abs=0.05)


def test_a_hidden_position_after_moving_in_it_is_bridged_like_one_after_holding():
    hold = HoldTracker(HOLD, None)
    frames = [(i / FPS, Holding.HELD) for i in range(60)] + [(2 + i / FPS, Holding.MOVING) for i in range(90)]
    events = [e for t, h in frames for e in hold.update(t, h, 175.0)]
    events += hold.update(5.0, Holding.UNSEEN)
    assert kinds(events, EventKind.HOLD_ENDED) == [] and hold.current is not None


def test_dwell_shorter_than_min_hold_is_not_a_hold():
    # hold_ok is true only while still at the top (the evaluator's stillness test).
    counter, events = run(rep(top=0.2) + [(1.0, 130, 130)], hold_ok=lambda t: 2.0 <= t < 2.2)
    assert counter.count == 1
    assert kinds(events, EventKind.HOLD_ENDED) == []


def test_hold_at_end_of_stream_is_reported_unfinished():
    counter, events = run([(1.0, 130, 130), (1.0, 130, 175), (2.0, 175, 175)])
    (hold,) = kinds(events, EventKind.HOLD_ENDED)
    assert hold.data["completed"] is False
    assert counter.count == 0


def test_blocked_side_cannot_start():
    t, v = schedule(FPS, rep() + [(1.0, 130, 130)])
    counter = RepCounter(REP, None, "left")
    for ti, vi in zip(t, v):
        counter.update(RepInput(float(ti), float(vi), True, True, blocked=True))
    assert counter.count == 0


def test_nan_frames_freeze_the_state():
    t, v = schedule(FPS, rep(top=3.0) + [(1.0, 130, 130)])
    v[(t > 3.0) & (t < 4.0)] = np.nan  # landmarks lost while up
    counter = RepCounter(REP, None, None)
    for ti, vi in zip(t, v):
        counter.update(RepInput(float(ti), float(vi), True, True))
    assert counter.count == 1


def test_relative_thresholds_follow_the_persons_own_rest_value():
    # Same movement (down by 0.2) from two different rest values; a cow-like lift to
    # +0.25 in between must not move the rest level (it is not near it).
    spec = RepSpec(
        measure="head", direction="fall", enter=-0.12, exit=-0.07, min_range=0.1, relative=True, min_rest_s=0.5
    )
    for rest in (0.05, -0.12):
        pieces = [
            (2.0, rest, rest),
            (0.5, rest, rest + 0.25),
            (2.0, rest + 0.25, rest + 0.25),
            (0.5, rest + 0.25, rest),
            (1.0, rest, rest),
        ]
        pieces += [(0.5, rest, rest - 0.2), (2.0, rest - 0.2, rest - 0.2), (0.5, rest - 0.2, rest), (1.0, rest, rest)]
        counter, events = run(pieces, spec=spec, hold=None)
        assert counter.count == 1, rest


def test_relative_thresholds_wait_for_a_rest_level():
    spec = RepSpec(measure="head", direction="fall", enter=-0.12, exit=-0.07, relative=True, min_rest_s=1.0)
    counter, _ = run(
        [(0.5, 0.0, 0.0), (0.3, 0.0, -0.3), (2.0, -0.3, -0.3), (0.3, -0.3, 0.0), (0.5, 0.0, 0.0)], spec=spec, hold=None
    )
    assert counter.count == 0  # moved before the rest position had been seen for 1 s


def test_hold_ends_when_the_value_drifts_beyond_the_tolerance():
    hold = HoldSpec(target_s=10.0, min_s=1.0, grace_s=0.5, tolerance=5.0)
    # Held at 175 for 3 s, then a slow sag to 160 (still "in position", and slow).
    counter, events = run(
        [(1.0, 130, 130), (1.0, 130, 175), (3.0, 175, 175), (3.0, 175, 160), (1.0, 160, 130), (1.0, 130, 130)],
        hold=hold,
    )
    first = [e.data for e in kinds(events, EventKind.HOLD_ENDED)][0]
    assert first["end_s"] == pytest.approx(2.0 + 3.0 + 1.0, abs=0.15)  # 5 deg into the 15 deg sag


def test_a_hold_starts_where_the_value_settles():
    hold = HoldSpec(target_s=10.0, min_s=1.0, grace_s=0.5, tolerance=5.0)
    # Into position at 160 and still creeping up (slowly enough to pass as still) to 175,
    # where it rests for 2 s: the hold restarts as the value creeps, instead of breaking
    # and waiting out the grace time, so it starts close to where 175 is reached.
    counter, events = run(
        [(1.0, 130, 130), (0.3, 130, 160), (1.5, 160, 175), (2.0, 175, 175), (1.0, 175, 130), (1.0, 130, 130)],
        hold=hold,
    )
    holds = [e.data for e in kinds(events, EventKind.HOLD_ENDED)]
    assert len(holds) == 1
    assert 2.3 <= holds[0]["start_s"] <= 2.8  # 170 (within 5 of 175) is reached at 2.3 s
    assert holds[0]["end_s"] == pytest.approx(4.8 + 5 / 45, abs=0.1)


def test_leaving_the_position_without_moving_is_not_a_rep():
    # The measure jumps out of position while the rep's joints stay still (a tracking
    # flip or a camera cut): rejected, not counted.
    t, v = schedule(FPS, rep() + [(1.0, 130, 130)])
    counter = RepCounter(REP, None, None)
    events = []
    for ti, vi in zip(t, v):
        still_at_exit = ti > 3.5  # moving on the way up only
        events += counter.update(RepInput(float(ti), float(vi), True, True, moving=not still_at_exit))
    assert counter.count == 0
    assert "body stayed still" in say(kinds(events, EventKind.REP_REJECTED)[0].data["reason"])


@pytest.mark.parametrize(
    ("last", "counted"),
    [
        (175.0, False),  # still at the top when the video ends: held, not done
        (160.0, False),  # about a third of the way down: still in the position
        (145.0, True),  # the last frame reads 148, above the exit (145), 60 % of the way down
    ],
)
def test_a_rep_the_video_cuts_off_on_its_way_back_counts_once_past_half_way(last, counted):
    # Two full reps, then a third that is lowering (175 -> last) when the video ends.
    pieces = rep() + rep() + [(1.0, 130, 130), (1.0, 130, 175), (1.0, 175, 175), (0.3, 175, last)]
    counter, events = run(pieces)
    assert counter.count == 2 + counted
    rejected = kinds(events, EventKind.REP_REJECTED)
    assert [say(e.data["reason"]) for e in rejected] == ([] if counted else ["still in position when the video ended"])


@pytest.mark.parametrize(("moved_back", "counted"), [(True, True), (False, False)])
def test_a_rep_that_comes_back_short_of_the_exit_and_lies_still_to_the_end_counts_if_the_body_moved_back(
    moved_back, counted
):
    # A third rep comes back down to 148 (short of the exit, 145: the rest read a little
    # differently after the movement) and the body then lies still for the last second:
    # it was left when the body last moved, not when the video ended. Without any
    # movement on the way back the change is the tracking's, not the person's.
    pieces = rep() + rep() + [(1.0, 130, 130), (1.0, 130, 175), (1.0, 175, 175), (0.8, 175, 148), (1.0, 148, 148)]
    t, v = schedule(FPS, pieces)
    counter, events = RepCounter(REP, None, None), []
    for i, (ti, vi) in enumerate(zip(t, v)):
        on_way_back = ti > t[-1] - 1.8
        moving = abs(vi - v[i - 1]) * FPS > 0.05 if i and (moved_back or not on_way_back) else False
        events += counter.update(RepInput(float(ti), float(vi), True, True, moving=moving))
    events += counter.finish(float(t[-1]))
    assert counter.count == 2 + counted
    if counted:
        assert kinds(events, EventKind.REP_COMPLETED)[-1].data.end_s == pytest.approx(t[-1] - 1.0, abs=0.1)
    else:
        assert "body stayed still" in say(kinds(events, EventKind.REP_REJECTED)[-1].data.reason)


def test_a_movement_that_turns_back_short_of_the_position_is_a_partial_rep_with_how_far_it_got():
    # Rest at 130, a real rep to 175, then one that reaches only 152 (exit 145, enter 160).
    counter, events = run(rep() + rep(high=152.0) + [(1.0, 130, 130)])
    assert counter.count == 1
    (partial,) = kinds(events, EventKind.REP_REJECTED)
    assert say(partial.data["reason"]) == "partial rep: hip got to 152, short of 160 where the position starts"
    assert partial.data["start_s"] < partial.data["end_s"]


@pytest.mark.parametrize("high", [140.0, 150.0])
def test_movements_that_never_come_near_the_position_or_only_flick_past_its_edge_are_not_partial_reps(high):
    # 140 stays short of the exit (145); 150 passes it for a tenth of a second (min_in_s 0.3).
    up = 1.0 if high == 140.0 else 0.1
    counter, events = run(rep() + [(1.0, 130, 130), (up, 130, high), (up, high, 130), (1.0, 130, 130)], jitter=0.5)
    assert counter.count == 1
    assert kinds(events, EventKind.REP_REJECTED) == []


def run_moving(pieces, spec):
    """Like ``run``, with the body moving only while the value changes."""
    t, v = schedule(FPS, pieces)
    counter, events = RepCounter(spec, None, None), []
    for i, (ti, vi) in enumerate(zip(t, v)):
        moving = i > 0 and abs(vi - v[i - 1]) * FPS > 0.05
        events += counter.update(RepInput(float(ti), float(vi), True, True, moving=moving))
    return counter, events + counter.finish(float(t[-1]))


COBRA_LIKE = RepSpec(
    measure="chest_lift",
    direction="rise",
    enter=0.35,
    exit=0.2,
    min_in_s=0.4,
    min_out_s=0.3,
    min_rest_s=0.3,
    min_range=0.3,
    relative=True,
)
FULL_REP = [(0.6, 0.04, 0.55), (2.0, 0.55, 0.55), (0.6, 0.55, 0.04), (1.0, 0.04, 0.04)]


def test_a_clip_starting_on_the_way_into_the_position_counts_that_rep():
    # A cobra whose video begins as the chest is already lifting: counting starts at
    # 0.1, the "rest" creeps up to the top with the slowing body, and the lying value
    # (0.04) is first seen after the top. The rest is learnt there, and the top the clip
    # began in counts, like the full rep after it.
    first = [
        (0.4, 0.1, 0.3),
        (0.6, 0.3, 0.45),
        (0.8, 0.45, 0.55),
        (2.5, 0.55, 0.55),
        (0.8, 0.55, 0.04),
        (1.5, 0.04, 0.04),
    ]
    counter, events = run_moving(first + FULL_REP, COBRA_LIKE)
    assert counter.count == 2
    done = kinds(events, EventKind.REP_COMPLETED)
    assert done[0].data.start_s < 0.5 and 5.0 < done[0].t < 6.0  # from the start to the settled lying value


def test_a_still_start_then_a_pose_beyond_it_is_not_learnt_as_the_rest():
    # The start is held still (its level does not creep), then a cow-like pose on the
    # far side of it is held before the first rep: the rest stays, and the pose is no rep.
    pieces = [(1.5, 0.2, 0.2), (0.5, 0.2, -0.3), (2.0, -0.3, -0.3), (0.5, -0.3, 0.2), (1.5, 0.2, 0.2)]
    counter, _ = run_moving(pieces, COBRA_LIKE)
    assert counter.count == 0
    counter, _ = run_moving(pieces + [(0.6, 0.2, 0.6), (2.0, 0.6, 0.6), (0.6, 0.6, 0.2), (1.0, 0.2, 0.2)], COBRA_LIKE)
    assert counter.count == 1


def test_a_bridge_with_the_hips_lifted_above_the_line_counts_and_holds(tmp_path):
    """Hips lifted past the knee-to-shoulder line (to about 205 degrees) and held: read
    past 180, the top is the top. Folded back at 180, the held top read 156 degrees: below
    the straight line's 160, so no hold was timed and the person was told to lift higher."""
    from formcheck.exercises.loader import load_exercise
    from formcheck.offline.analyze import analyze
    from tests.synthetic import bridge_track

    rep = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.6), (3.0, 1.6, 1.6), (1.0, 1.6, 0.0)]
    t, lift = schedule(30.0, rep * 2 + [(1.0, 0.0, 0.0)])
    path = tmp_path / "high.npz"
    bridge_track(lift, t, jitter=0.5).save(path)
    session = analyze(path, load_exercise("bridge"), lambda: None)  # type: ignore[arg-type,return-value]
    assert len(session.of_kind(EventKind.REP_COMPLETED)) == 2
    holds = [e.data.duration_s for e in session.of_kind(EventKind.HOLD_ENDED)]
    assert len(holds) == 2 and all(2.5 <= d <= 3.4 for d in holds), holds
    assert [e.data.check for e in session.of_kind(EventKind.FAULT_STARTED)] == []


def test_no_bridge_is_counted_while_the_body_lies_face_down(tmp_path):
    """A rep starts only in a posture the exercise is done in (or one that cannot be
    told): lying on the back at first, counting armed, then the same hip lifts face down
    (a side plank's dips read so) count nothing."""
    from formcheck.core.landmarks import Landmark
    from formcheck.exercises.loader import load_exercise
    from formcheck.offline.analyze import analyze
    from tests.synthetic import bridge_track

    rep = [(1.0, 0.0, 0.0), (1.0, 0.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 0.0)]
    t, lift = schedule(30.0, rep * 2 + [(1.0, 0.0, 0.0)])
    counted = {}
    for face in ("up", "down"):
        track = bridge_track(lift, t, jitter=0.5)
        if face == "down":  # after the first second, the nose below the ears: lying on the front
            track.xy[30:, Landmark.NOSE, 1] = track.xy[30:, Landmark.LEFT_EAR, 1] + 20.0
        path = tmp_path / f"face_{face}.npz"
        track.save(path)
        session = analyze(path, load_exercise("bridge"), lambda: None)  # type: ignore[arg-type,return-value]
        counted[face] = len(session.of_kind(EventKind.REP_COMPLETED))
    assert counted == {"up": 2, "down": 0}


def test_recent_postures_let_a_rep_start_unless_most_of_the_last_second_was_another():
    from formcheck.core.body import Posture
    from formcheck.engine.posture_share import RecentPostures

    share = RecentPostures({Posture.SUPINE})
    assert share.in_them  # nothing told yet
    for i in range(30):
        share.add(i / 30, Posture.UNKNOWN)
    assert share.in_them  # none could be told (a body filmed from the feet)
    for i in range(30, 60):
        share.add(i / 30, Posture.PRONE if i in (40, 41) else Posture.SUPINE)
    assert share.in_them  # a head turned for two frames
    for i in range(60, 80):
        share.add(i / 30, Posture.PRONE)
    assert not share.in_them  # face down for most of the last second
