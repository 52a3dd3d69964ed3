"""The event stream: what happened and when, consumed by the overlay, the console,
the report and the voice, so that all of them agree. What an event tells the person is
a ``Note`` (``core/reasons.py``); ``feedback/wording.py`` puts it, and the console's
line for an event, into words.

Each kind of event carries its own frozen payload (``RepCompleted``, ``HoldEnded``, ...),
written and read by attribute. A payload is also a read-only mapping of its fields, as
``Counts`` is, so a test or a log can look at ``event.data["start_s"]`` without knowing
the class.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, TypeVar

from formcheck.core.reasons import Note
from formcheck.core.state import Side


class EventKind(str, Enum):
    READY = "ready"  # start position seen: counting begins
    REP_STARTED = "rep_started"
    REP_COMPLETED = "rep_completed"
    REP_REJECTED = "rep_rejected"  # into position but not a rep (too small, or not back out)
    HOLD_STARTED = "hold_started"
    HOLD_COMPLETED = "hold_completed"  # the target time was reached
    HOLD_ENDED = "hold_ended"
    FAULT_STARTED = "fault_started"
    FAULT_ENDED = "fault_ended"
    SIDE_CHANGED = "side_changed"
    ACTIVE_STARTED = "active_started"  # a bout of movement (activities without reps)
    ACTIVE_ENDED = "active_ended"
    POSE_LOST = "pose_lost"
    POSE_FOUND = "pose_found"


@dataclass(frozen=True)
class Payload(Mapping[str, Any]):
    """What an event says beyond its kind, time and side (nothing, for most kinds)."""

    def __getitem__(self, key: str) -> Any:
        if key not in self._names():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def _names(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self))


@dataclass(frozen=True)
class RepStarted(Payload):
    start_s: float


@dataclass(frozen=True)
class RepCompleted(Payload):
    start_s: float
    end_s: float
    peak: float  # the rep measure furthest into the position
    range: float  # how far it moved from where the rep started
    count: int  # this side's (or the exercise's) count with this rep


@dataclass(frozen=True)
class RepRejected(Payload):
    start_s: float
    end_s: float
    peak: float
    reason: Note
    range: float = math.nan  # known only when the movement came back out of the position


@dataclass(frozen=True)
class HoldStarted(Payload):
    start_s: float
    target_s: float


@dataclass(frozen=True)
class HoldCompleted(Payload):
    start_s: float
    target_s: float


@dataclass(frozen=True)
class HoldEnded(Payload):
    start_s: float
    end_s: float
    duration_s: float
    target_s: float
    completed: bool


@dataclass(frozen=True)
class FaultStarted(Payload):
    check: str
    message: Note
    start_s: float
    value: float  # the check's value when it fired (NaN when it has none, as setup checks)


@dataclass(frozen=True)
class FaultEnded(Payload):
    check: str
    message: Note
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SideChanged(Payload):
    previous: Side | None


@dataclass(frozen=True)
class ActiveStarted(Payload):
    start_s: float


@dataclass(frozen=True)
class ActiveEnded(Payload):
    start_s: float
    end_s: float
    duration_s: float


NOTHING = Payload()
P = TypeVar("P", bound=Payload)


@dataclass(frozen=True)
class Event:
    kind: EventKind
    t: float
    side: Side | None = None
    data: Payload = field(default=NOTHING)


def payloads(events: Iterable[Event], kind: type[P]) -> Iterator[tuple[Event, P]]:
    """The events that carry a ``kind`` payload, each with it (typed, for reading by attribute)."""
    for event in events:
        if isinstance(event.data, kind):
            yield event, event.data
