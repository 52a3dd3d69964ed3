"""The exercise file schema: what an exercise file may say, as typed, validated models.

An exercise is data, not code: the engine reads what to measure, what a rep is, how
long to hold and what to check from the file. Anything the loader does not know, any
value out of range and any inconsistent pair is rejected with a message that names the
file, the key and the problem, because a typo in a threshold would otherwise silently
change what gets counted.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationInfo, field_validator, model_validator

from formcheck.core.body import BODY_PARTS, Posture
from formcheck.core.landmarks import resolve_point, valid_point_names
from formcheck.core.state import Sides
from formcheck.exercises.kinds import (
    DEFAULT_SPACE,
    FUSED_KINDS,
    KIND_NAMES,
    KINDS,
    PAST_STRAIGHT_MAX_DEG,
    PER_KINDS,
    WORLD_KINDS,
)


class _Strict(BaseModel):
    """Unknown keys, NaN and infinities are errors (``min = nan`` would disable a check)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: object, info: ValidationInfo) -> object:
        """TOML ``true`` is not 1: only a field meant as true/false takes one."""
        annotation = cls.model_fields[info.field_name].annotation if info.field_name else None
        if isinstance(value, bool) and {int, float} & {annotation, *get_args(annotation)}:
            raise ValueError(f"Input should be a number, not {str(value).lower()}")
        return value


class MeasureSpec(_Strict):
    """A number computed from landmarks each frame, on the working side."""

    kind: Literal[KIND_NAMES]  # type: ignore[valid-type]  # the names, from the one table in ``kinds``
    points: list[str]
    per: list[str] | None = Field(default=None, description="reference segment that normalises distance/height")
    description: str = ""
    space: Literal["image", "world", "fused"] | None = Field(
        default=None,
        description="image: the picture's 2D landmarks; world: the metric 3D ones; fused: 2D where an "
        "angle's three points or a height's reference segment face the camera, 3D as they turn edge-on "
        "(default: the kind's, DEFAULT_SPACE)",
    )
    min_visibility: float | None = Field(
        default=None,
        ge=0.05,
        le=1.0,
        description="landmark visibility below which the measure is not taken (default: the engine's 0.5)",
    )
    past_straight: Literal["up"] | None = Field(
        default=None,
        description="an angle's reading once its middle point rises above the line through the other two: "
        "'up' reads it past 180 (hips lifted above the knee-to-shoulder line: 190, not 170), where an "
        "unsigned angle folds back; without it, angles stay within 0-180",
    )

    @field_validator("points", "per")
    @classmethod
    def _known_points(cls, names: list[str] | None) -> list[str] | None:
        for name in names or []:
            try:
                resolve_point(name, "left")
            except KeyError:
                raise ValueError(f"unknown point {name!r}; valid points: {', '.join(valid_point_names())}") from None
        return names

    @model_validator(mode="after")
    def _shape(self) -> MeasureSpec:
        kind = KINDS[self.kind]
        if len(self.points) != kind.points:
            raise ValueError(f"a {self.kind} measure takes {kind.points} points, got {len(self.points)}")
        if kind.needs_per and (self.per is None or len(self.per) != 2):
            raise ValueError(f"a {self.kind} measure needs 'per': the two points of a reference segment")
        if not kind.needs_per and self.per is not None:
            per_kinds = f"{', '.join(PER_KINDS[:-1])} and {PER_KINDS[-1]}"
            raise ValueError(f"'per' only applies to {per_kinds} measures, not {self.kind}")
        if self.space not in (None, "image") and self.kind not in WORLD_KINDS:
            raise ValueError(f"space {self.space!r} applies to {', '.join(WORLD_KINDS)} measures, not {self.kind}")
        if self.past_straight is not None and self.kind != "angle":
            raise ValueError(f"'past_straight' applies to angle measures only, not {self.kind}")
        if self.space == "fused" and self.kind not in FUSED_KINDS:
            raise ValueError(f"space 'fused' applies to {' and '.join(FUSED_KINDS)} measures only")
        return self

    @property
    def value_range(self) -> tuple[float, float]:
        """The values the measure can take: its kind's, an angle read past straight up to
        ``PAST_STRAIGHT_MAX_DEG`` beyond 180."""
        kind = KINDS[self.kind]
        return kind.low, kind.high + (PAST_STRAIGHT_MAX_DEG if self.past_straight is not None else 0.0)

    @property
    def resolved_space(self) -> str:
        """Where the measure is taken: its own ``space``, else its kind's default."""
        return self.space or DEFAULT_SPACE.get(self.kind, "image")


def _check_bounds(low: float | None, high: float | None, what: str) -> None:
    """One rule for every min/max pair: at least one given, and in order."""
    if low is None and high is None:
        raise ValueError(f"{what} needs 'min', 'max' or both")
    if low is not None and high is not None and low >= high:
        raise ValueError(f"min ({low}) must be below max ({high})")


class Bounds(_Strict):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _order(self) -> Bounds:
        _check_bounds(self.min, self.max, "a requirement")
        return self

    def contains(self, value: float) -> bool:
        """NaN is never inside: an unseen measure cannot satisfy a requirement."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max) and value == value


def all_within(bounds: dict[str, Bounds], values: dict[str, float]) -> bool:
    """Every named measure within its bounds (a missing value never is)."""
    return all(b.contains(values[name]) for name, b in bounds.items())


class WithoutStart(_Strict):
    """The position recognised from absolute values alone, while the start is unseen.

    A relative rep needs the person's own start value before it can tell "in position"
    from "at rest"; a video filmed already in the stretch never shows it. These bounds
    let such a video's holds be timed (no rep counts without a start position). They are
    looser evidence than the rep itself, so they apply only until the start is seen.
    """

    bounds: dict[str, Bounds] = Field(
        min_length=1, description="measures that must all be within bounds to enter the position"
    )
    stay: dict[str, Bounds] | None = Field(
        default=None,
        description="looser bounds that keep it recognised once entered (hysteresis, like enter and exit; default: bounds)",
    )
    side: Literal["any", "near"] = Field(
        default="any",
        description="near: the bounds mean the side nearer the camera is working (e.g. knees rolled towards it)",
    )


class RepSpec(_Strict):
    """A rep is into the position and back out, with hysteresis and minimum times."""

    measure: str
    require: dict[str, Bounds] = Field(
        default_factory=dict,
        description="other measures that must be within bounds to enter the position (e.g. hips down in a cobra, not a plank)",
    )
    direction: Literal["rise", "fall"] = Field(description="rise: in position above 'enter'; fall: below it")
    enter: float
    exit: float
    min_in_s: float = Field(default=0.3, ge=0.0, le=60.0)
    min_out_s: float = Field(default=0.2, ge=0.0, le=60.0)
    min_rest_s: float = Field(
        default=0.5, ge=0.0, le=60.0, description="time at rest in the start posture before counting"
    )
    min_range: float = Field(default=0.0, ge=0.0)
    target: int | None = Field(default=None, ge=1, le=100, description="prescribed reps per side")
    relative: bool = Field(
        default=False,
        description="enter/exit are offsets from the person's own rest value (for measures whose rest value varies between people)",
    )
    without_start: WithoutStart | None = Field(
        default=None, description="the position recognised before the start position is seen"
    )

    @model_validator(mode="after")
    def _hysteresis(self) -> RepSpec:
        if self.relative and (self.exit <= 0 if self.direction == "rise" else self.exit >= 0):
            raise ValueError(
                f"with relative = true, exit ({self.exit}) must be an offset towards the position ({'above' if self.direction == 'rise' else 'below'} 0)"
            )
        if self.direction == "rise" and not self.exit < self.enter:
            raise ValueError(f"with direction 'rise', exit ({self.exit}) must be below enter ({self.enter})")
        if self.direction == "fall" and not self.exit > self.enter:
            raise ValueError(f"with direction 'fall', exit ({self.exit}) must be above enter ({self.enter})")
        return self


class HoldSpec(_Strict):
    """How long the position is held; the clock runs only while the hold checks pass."""

    target_s: float = Field(gt=0.0, le=3600.0)
    where: str = Field(
        default="",
        max_length=120,
        description="where the hold is, in the seed's words, for summaries: 'at the top (three deep breaths)'",
    )
    min_s: float = Field(default=1.0, ge=0.0, le=60.0, description="shorter dwells are not holds")
    grace_s: float = Field(
        default=0.5,
        ge=0.0,
        le=10.0,
        description="breaks shorter than this do not end a hold (moving inside the position is no break)",
    )
    max_speed: float | None = Field(
        default=None, gt=0.0, description="rep measure speed above which the person is moving, not holding"
    )
    tolerance: float | None = Field(
        default=None,
        gt=0.0,
        description="rep measure may drift this far from its mean over the hold before the hold ends",
    )
    max_motion: float = Field(
        default=0.08,
        gt=0.0,
        le=10.0,
        description="body speed (trunk lengths/s) above which the person is moving, not holding",
    )

    @model_validator(mode="after")
    def _order(self) -> HoldSpec:
        if self.min_s > self.target_s:
            raise ValueError(f"min_s ({self.min_s}) must not exceed target_s ({self.target_s})")
        return self


class CheckSpec(_Strict):
    """A named form check: the measure must stay within [min, max] while it applies."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    measure: str
    of: Literal["value", "speed"] = "value"
    when: Literal["rest", "position", "hold", "active"] = Field(
        description=(
            "rest: counting and out of position; position: in position; hold: in position and "
            "still (judges the held pose, not the way into or out of it); active: any time after setup"
        )
    )
    min: float | None = None
    max: float | None = None
    min_s: float = Field(default=0.5, ge=0.0, le=60.0, description="how long a fault must last before it is reported")
    gates_hold: bool = Field(default=False, description="the hold clock stops while this check fails")
    relative: bool = Field(
        default=False,
        description="min and max are offsets from the person's own value in the start position (the camera's angle shifts the absolute value)",
    )
    message: str = Field(min_length=1)

    @model_validator(mode="after")
    def _bounds(self) -> CheckSpec:
        _check_bounds(self.min, self.max, "a check")
        if self.relative and (self.of == "speed" or self.when == "rest"):
            raise ValueError(
                "relative = true compares a value with its own rest value: it needs of = 'value' and when other than 'rest'"
            )
        if self.gates_hold and self.when not in ("position", "hold"):
            raise ValueError("only checks with when = 'position' or 'hold' can gate the hold")
        return self


class ActivitySpec(_Strict):
    """Time in motion, for activities whose form a pose cannot judge (walking, biking)."""

    min_motion: float = Field(
        default=0.15, gt=0.0, le=10.0, description="body speed (trunk lengths/s) that counts as moving"
    )
    min_s: float = Field(default=2.0, ge=0.0, le=600.0, description="shorter bouts of movement are not counted")
    grace_s: float = Field(default=1.5, ge=0.0, le=60.0, description="pauses shorter than this do not end a bout")
    target_min: float | None = Field(default=None, gt=0.0, le=600.0, description="prescribed active minutes, if any")


class RecognitionSpec(_Strict):
    """What recognising the exercise in a video may use (``formcheck analyze`` without -e)."""

    auto: StrictBool = Field(
        default=True,
        description="false: never recognised, only analysed when named (an activity that any movement "
        "satisfies would claim every exercise formcheck does not know)",
    )
    in_position: list[Posture] = Field(
        default_factory=list,
        description="postures the posture reader also sees while the position is held, besides setup.posture "
        "(a cobra's lifted chest reads as kneeling, a child's pose folded forward as prone); recognition "
        "wants the body in one of them for most of the time in position, and a rep starts only with the "
        "body lately in one of them or setup.posture",
    )


class SetupSpec(_Strict):
    posture: list[Posture] = Field(min_length=1, description="postures accepted as the start position")
    in_view: list[Literal[tuple(BODY_PARTS)]] = Field(  # type: ignore[valid-type]  # names: ``core.body``
        default=["head", "shoulders", "hips", "knees", "feet"], description="body parts that must be in the picture"
    )
    view: Literal["side", "front", "oblique", "any"] = Field(
        default="any",
        description="side: facing the camera is refused; front: side-on is refused; oblique (about 45 degrees): side-on is refused",
    )
    camera: str = Field(min_length=1, description="where to put the camera, in plain words")
    message: str = Field(min_length=1, description="what to do when the start position is not seen")


MAX_SESSIONS_A_DAY = 24


class PerDay(_Strict):
    """How often a day, as a number adherence can check: sessions a day ("twice a day")
    or repetitions a day in all ("ten times a day" of a bridge means ten bridges, however
    many sessions they take). Exactly one of the two."""

    sessions: int | None = Field(default=None, ge=1, le=MAX_SESSIONS_A_DAY, description="sessions a day")
    reps: int | None = Field(default=None, ge=1, le=500, description="repetitions a day, all sessions together")

    @model_validator(mode="after")
    def _one(self) -> PerDay:
        if (self.sessions is None) == (self.reps is None):
            raise ValueError("give either sessions (sessions a day) or reps (repetitions a day), not both or neither")
        return self

    @property
    def target(self) -> int:
        return self.sessions if self.sessions is not None else self.reps  # type: ignore[return-value]

    @property
    def unit(self) -> str:
        """``sessions`` or ``reps``: what a day's count is of."""
        return "sessions" if self.sessions is not None else "reps"


class Exercise(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    summary: str
    source: str = Field(description="the seed text the exercise comes from")
    instructions: list[str] = Field(min_length=1)
    sides: Sides = Field(description="none: both sides together; each: one side at a time, counted per side")
    setup: SetupSpec
    measures: dict[str, MeasureSpec] = Field(default_factory=dict)
    rep: RepSpec | None = None
    hold: HoldSpec | None = None
    activity: ActivitySpec | None = None
    not_measured: list[str] = Field(
        default_factory=list, description="what formcheck cannot judge for this exercise, said by 'show'"
    )
    checks: list[CheckSpec] = Field(default_factory=list)
    frequency: str = Field(default="", description="how often, in the seed's words, e.g. 'twice a day'")
    per_day: PerDay | None = Field(
        default=None, description="the frequency as a number adherence checks; none when the seed gives no daily number"
    )
    recognition: RecognitionSpec = Field(default_factory=RecognitionSpec)

    @property
    def position_postures(self) -> frozenset[Posture]:
        """The postures the exercise is done in: its start posture, and those its position
        also reads as (``recognition.in_position``)."""
        return frozenset({*self.setup.posture, *self.recognition.in_position})

    @model_validator(mode="after")
    def _references(self) -> Exercise:
        if self.per_day is not None and self.per_day.reps is not None and self.rep is None:
            raise ValueError("per_day.reps: an activity has no repetitions; give per_day.sessions")
        if self.rep is None:
            if self.activity is None:
                raise ValueError("an exercise needs [rep] (what a repetition is) or [activity] (time in motion)")
            if self.hold is not None or self.checks:
                raise ValueError("[hold] and [[checks]] need a [rep] that says what the position is")
            return self
        if self.rep.measure not in self.measures:
            raise ValueError(
                f"rep.measure {self.rep.measure!r} is not defined in [measures] ({', '.join(self.measures)})"
            )
        named = [(f"rep.require.{name}", name) for name in self.rep.require]
        start = self.rep.without_start
        if start is not None:
            named += [(f"rep.without_start.bounds.{name}", name) for name in start.bounds]
            named += [(f"rep.without_start.stay.{name}", name) for name in start.stay or {}]
            if start.side == "near" and self.sides is not Sides.EACH:
                raise ValueError("rep.without_start.side = 'near' names a working side: it needs sides = 'each'")
        for key, name in named:
            if name not in self.measures:
                raise ValueError(f"{key} is not defined in [measures] ({', '.join(self.measures)})")
        seen: set[str] = set()
        for i, check in enumerate(self.checks):
            if check.measure not in self.measures:
                raise ValueError(
                    f"checks[{i}].measure {check.measure!r} is not defined in [measures] ({', '.join(self.measures)})"
                )
            if check.id in seen:
                raise ValueError(f"checks[{i}].id {check.id!r} is used twice")
            seen.add(check.id)
        self._check_ranges()
        return self

    def _check_ranges(self) -> None:
        """Every threshold within what its measure can take: an angle's enter of 1000 or a
        min_range wider than the whole range could never count (absolute values within
        the kind's range, relative ones within its width, speeds not negative)."""
        rep = self.rep
        assert rep is not None
        values: list[tuple[str, str, float | None, bool]] = [  # key, measure, value, relative
            ("rep.enter", rep.measure, rep.enter, rep.relative),
            ("rep.exit", rep.measure, rep.exit, rep.relative),
        ]
        named = [(f"rep.require.{n}", n, b) for n, b in rep.require.items()]
        if rep.without_start is not None:
            named += [(f"rep.without_start.bounds.{n}", n, b) for n, b in rep.without_start.bounds.items()]
            named += [(f"rep.without_start.stay.{n}", n, b) for n, b in (rep.without_start.stay or {}).items()]
        named += [(f"checks[{i}]", c.measure, c) for i, c in enumerate(self.checks) if c.of == "value"]
        relative = {f"checks[{i}]": c.relative for i, c in enumerate(self.checks)}
        for key, measure, bounds in named:
            for end in ("min", "max"):
                values.append((f"{key}.{end}", measure, getattr(bounds, end), relative.get(key, False)))
        for key, measure, value, is_relative in values:
            low, high = self.measures[measure].value_range
            if is_relative:
                low, high = -(high - low), high - low
            if value is not None and not low <= value <= high:
                raise ValueError(
                    f"{key} ({value:g}) is outside what {'an offset of ' if is_relative else ''}the "
                    f"{self.measures[measure].kind} measure {measure!r} can take ({low:g} to {high:g})"
                )
        low, high = self.measures[rep.measure].value_range
        if rep.min_range > high - low:
            raise ValueError(
                f"rep.min_range ({rep.min_range:g}) is wider than {rep.measure!r} can move ({high - low:g})"
            )
        for i, check in enumerate(self.checks):
            if check.of == "speed" and any(v is not None and v < 0 for v in (check.min, check.max)):
                raise ValueError(f"checks[{i}]: a speed cannot be negative")
