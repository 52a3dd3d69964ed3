"""Hypothesis strategies for broken exercise files and reports, shared by the property
tests (a few hundred inputs) and ``benchmarks/fuzz_inputs.py`` (minutes of them).

Inputs start from something valid (a bundled exercise file, a real report) and are
damaged at the structure level (a key deleted, added, or given a value of another type
or out of range) or at the text level (characters replaced, the file cut short).
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import tomllib
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
EXERCISE_FILES = sorted((ROOT / "poses").glob("*.toml"))


def toml_text(data: dict[str, Any]) -> str:
    """A TOML document for ``data`` (every table written inline, every key quoted)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(str(k))} = {value(x)}" for k, x in v.items()) + "}"
        raise TypeError(type(v))

    return "".join(f"{json.dumps(str(k))} = {value(v)}\n" for k, v in data.items())


scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e9, -1e-9, 0.5, 180.0, 361.0]),
    st.text(max_size=20),
    st.sampled_from(["", "rise", "fall", "each", "none", "supine", "hip", "left_knee", "nosuch"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in nested dicts and lists."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, prefix + (i,))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with one to three keys deleted, replaced or added."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["delete", "replace", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(values)
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(values)
    return data


@st.composite
def damaged_text(draw: st.DrawFn, text: str) -> str:
    """``text`` cut short, or with a few characters replaced."""
    if draw(st.booleans()):
        return text[: draw(st.integers(0, len(text)))]
    chars = list(text)
    for _ in range(draw(st.integers(1, 5))):
        chars[draw(st.integers(0, len(chars) - 1))] = draw(st.sampled_from(list("=[]{}\"'#\n.,0-x\\ ")))
    return "".join(chars)


def exercise_texts() -> st.SearchStrategy[tuple[str, str]]:
    """(file name, text) of a damaged bundled exercise file."""

    def from_file(path: Path) -> st.SearchStrategy[tuple[str, str]]:
        text = path.read_text()
        structured = mutated(tomllib.loads(text)).map(toml_text)
        return st.one_of(structured, damaged_text(text)).map(lambda t: (path.name, t))

    return st.sampled_from(EXERCISE_FILES).flatmap(from_file)


def report_texts(valid_reports: list[dict[str, Any]]) -> st.SearchStrategy[str]:
    """Damaged JSON text of one of ``valid_reports``."""

    def from_report(report: dict[str, Any]) -> st.SearchStrategy[str]:
        text = json.dumps(report, indent=1)
        structured = mutated(report).map(lambda d: json.dumps(d, allow_nan=True))
        return st.one_of(structured, damaged_text(text))

    return st.sampled_from(valid_reports).flatmap(from_report)
