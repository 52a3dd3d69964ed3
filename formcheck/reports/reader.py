"""Reading a ``formcheck.report/1`` JSON report back, e.g. one a patient sent in.

``load_report`` validates the whole file into the ``Report`` model that
``report.build_report`` returns (``reports/model.py``); anything wrong (not JSON,
another schema, a missing or mistyped key, a negative count) is one ``InputError`` that
names the file, the key and the problem. Unknown keys are allowed, so reports from a
later formcheck that only adds keys still read.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from formcheck.core.errors import InputError
from formcheck.exercises.loader import key_path
from formcheck.reports.model import SCHEMA, Report


def _key(loc: tuple[Any, ...]) -> str:
    return key_path(tuple("schema" if part == "schema_" else part for part in loc))


def parse_report(text: str, name: str) -> Report:
    """Validate report text into a ``Report``; ``name`` names it in errors."""
    try:
        data = json.loads(text, parse_constant=lambda word: math.nan)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, or an integer of over 4300 digits
        raise InputError(f"{name}: not a JSON report: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise InputError(f"{name}: not a formcheck report: the top level is a {type(data).__name__}, not an object")
    if data.get("schema") != SCHEMA:
        raise InputError(f"{name}: schema: expected {SCHEMA!r}, got {data.get('schema')!r}")
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        problem = " ".join(first["msg"].removeprefix("Value error, ").split())
        raise InputError(f"{name}: {_key(first['loc'])}: {problem}{more}") from None


def load_report(path: Path) -> Report:
    """Read and validate a ``formcheck.report/1`` file."""
    if not path.is_file():
        raise InputError(f"report not found: {path}" if not path.exists() else f"not a report file: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read report {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_report(text, str(path))
