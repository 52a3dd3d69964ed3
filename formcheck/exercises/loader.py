"""Loading exercise files: TOML text into the validated ``Exercise`` of ``schema``.

Errors name the file, the key and the problem, because a typo in a threshold would
otherwise silently change what gets counted.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TypeVar

import tomllib
from pydantic import BaseModel, ValidationError

from formcheck.core.errors import ExerciseError
from formcheck.core.files import read_text_bounded
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


EXERCISES = "formcheck.exercises.poses"
AUTO = "auto"  # the exercise "name" that asks for recognition (analyze without -e)
Model = TypeVar("Model", bound=BaseModel)


def parse_toml_model(model: type[Model], text: str, path: str) -> Model:
    """Parse TOML text into a validated ``model``; errors name ``path`` and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExerciseError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ExerciseError(f"{path}: not valid TOML: nested too deeply") from None
    try:
        return model.model_validate(data)
    except RecursionError:
        raise ExerciseError(f"{path}: (top level): nested too deeply") from None
    except ValidationError as exc:
        raise ExerciseError(_format_error(path, exc)) from None


def parse_exercise(text: str, path: str) -> Exercise:
    """Parse and validate one exercise file's text; ``path`` names it in errors."""
    return parse_toml_model(Exercise, text, path)


def load_exercise_file(path: Path) -> Exercise:
    text = read_text_bounded(path, "exercise file", ExerciseError)
    exercise = parse_exercise(text, str(path))
    if exercise.id != path.stem:
        raise ExerciseError(f"{path}: id: {exercise.id!r} does not match the file name {path.stem!r}")
    return exercise


def bundled_files(package: str) -> dict[str, Path]:
    """The TOML files shipped in ``package``, by name."""
    folder = resources.files(package)
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")}


def normalised_id(name: str) -> str:
    """``Knee-to-chest`` and ``knee to chest`` name ``knee_to_chest``."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def did_you_mean(wanted: str, known: Iterable[str]) -> str:
    """``"did you mean 'bridge'? "`` for the nearest known name, or nothing."""
    nearest = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    return f"did you mean {nearest[0]!r}? " if nearest else ""


def find_file(name_or_path: str, package: str, kind: str) -> Path:
    """The file behind a bundled name (in any case, ``-`` or spaces for ``_``) or a
    ``.toml`` path; the CLI also lists it among the run's inputs, so that no output may
    replace it. An unknown name is answered with the nearest known one."""
    if name_or_path.endswith(".toml"):
        return Path(name_or_path)
    bundled = bundled_files(package)
    wanted = normalised_id(name_or_path)
    if wanted in bundled:
        return bundled[wanted]
    hint = did_you_mean(wanted, bundled)
    raise ExerciseError(
        f"unknown {kind} {name_or_path!r}; {hint}known: {', '.join(sorted(bundled))} (or give a .toml path)"
    )


def exercise_ids() -> list[str]:
    return sorted(bundled_files(EXERCISES))


def exercise_file(name_or_path: str) -> Path:
    """The file behind an exercise id (bundled) or path."""
    return find_file(name_or_path, EXERCISES, "exercise")


def load_exercise(name_or_path: str) -> Exercise:
    """A bundled exercise by id, or any exercise file by path."""
    return load_exercise_file(exercise_file(name_or_path))


def load_all() -> list[Exercise]:
    return [load_exercise(i) for i in exercise_ids()]
