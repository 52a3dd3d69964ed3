"""Loading exercise files: TOML text into the validated ``Exercise`` of ``schema``.

Errors name the file, the key and the problem, because a typo in a threshold would
otherwise silently change what gets counted.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TypeVar

import tomllib
from pydantic import BaseModel, ValidationError

from formcheck.core.errors import ExerciseError
from formcheck.exercises.schema import Exercise


def key_path(loc: tuple[object, ...]) -> str:
    """A pydantic error location as ``rep.enter``; odd keys (spaces, newlines) quoted."""
    parts = [part if isinstance(part, int) or (part.isidentifier() and part.isascii()) else repr(part) for part in loc]  # type: ignore[union-attr]
    return ".".join(str(part) for part in parts) or "(top level)"


def _format_error(path: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    key = key_path(first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return f"{path}: {key}: {message}{more}"


Model = TypeVar("Model", bound=BaseModel)


def parse_toml_model(model: type[Model], text: str, path: str) -> Model:
    """Parse TOML text into a validated ``model``; errors name ``path`` and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExerciseError(f"{path}: not valid TOML: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ExerciseError(_format_error(path, exc)) from None


def parse_exercise(text: str, path: str) -> Exercise:
    """Parse and validate one exercise file's text; ``path`` names it in errors."""
    return parse_toml_model(Exercise, text, path)


def load_exercise_file(path: Path) -> Exercise:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExerciseError(f"{path}: cannot read exercise file: {exc}") from None
    exercise = parse_exercise(text, str(path))
    if exercise.id != path.stem:
        raise ExerciseError(f"{path}: id: {exercise.id!r} does not match the file name {path.stem!r}")
    return exercise


def _bundled() -> dict[str, Path]:
    folder = resources.files("formcheck.exercises.poses")
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")}


def exercise_ids() -> list[str]:
    return sorted(_bundled())


def load_exercise(name_or_path: str) -> Exercise:
    """A bundled exercise by id, or any exercise file by path."""
    if name_or_path.endswith(".toml"):
        return load_exercise_file(Path(name_or_path))
    bundled = _bundled()
    if name_or_path not in bundled:
        raise ExerciseError(
            f"unknown exercise {name_or_path!r}; known: {', '.join(sorted(bundled))} (or give a .toml path)"
        )
    return load_exercise_file(bundled[name_or_path])


def load_all() -> list[Exercise]:
    return [load_exercise(i) for i in exercise_ids()]
