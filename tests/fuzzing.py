"""Hypothesis strategies for broken exercise files, reports and landmark tracks, and for
reports whose texts carry terminal control characters, shared by the property tests (a
few hundred inputs) and ``benchmarks/fuzz_inputs.py`` (minutes of them).

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


# --- landmark tracks -------------------------------------------------------------------

TRACK_ARRAYS = ("t", "xy", "z", "visibility", "brightness", "scene_cut", "people", "world", "fps", "image_size")
odd_numbers = st.sampled_from([0.0, -1.0, math.nan, math.inf, -math.inf, 1e-9, 1e12, 30.0])


@st.composite
def damaged_array(draw: st.DrawFn, array: Any) -> Any:
    """``array`` with a wrong shape, wrong values (NaN, reversed, huge) or another dtype."""
    import numpy as np

    a = np.array(array, copy=True)
    action = draw(st.sampled_from(["value", "reverse", "truncate", "reshape", "dtype", "scalar", "empty"]))
    if action == "value" and a.size and a.dtype.kind == "f":
        flat = a.reshape(-1)
        for _ in range(draw(st.integers(1, 3))):
            flat[draw(st.integers(0, flat.size - 1))] = draw(odd_numbers)
        return flat.reshape(a.shape)
    if action == "reverse" and a.ndim:
        return a[::-1].copy()
    if action == "truncate" and a.ndim and len(a):
        return a[: draw(st.integers(0, len(a) - 1))]
    if action == "reshape" and a.size:
        return a.reshape(-1)
    if action == "dtype" and a.dtype.kind != "U":
        with np.errstate(all="ignore"):  # NaN to int8 is the point here
            return a.astype(draw(st.sampled_from(["int8", "float16", "complex64", "bool", "U3"])))
    if action == "scalar":
        return np.array(draw(odd_numbers))
    return np.zeros((0,) * max(a.ndim, 1))


@st.composite
def damaged_track(draw: st.DrawFn, arrays: dict[str, Any]) -> dict[str, Any] | bytes:
    """The arrays of a valid track with one to three damaged or deleted, or the whole
    ``.npz`` file's bytes cut short or overwritten in places."""
    import io

    import numpy as np

    data = dict(arrays)
    if draw(st.integers(0, 4)) == 0:  # damage the zip itself
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **data)
        raw = bytearray(buffer.getvalue())
        if draw(st.booleans()):
            return bytes(raw[: draw(st.integers(0, len(raw)))])
        for _ in range(draw(st.integers(1, 8))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(TRACK_ARRAYS))
        if key in data and draw(st.integers(0, 5)) == 0:
            del data[key]
        elif key in data:
            data[key] = draw(damaged_array(data[key]))
    return data


# --- text printed from a file -----------------------------------------------------------

# Characters a terminal may act on: C0 and C1 controls, DEL, bidi controls, surrogates.
hostile_text = st.text(
    st.one_of(
        st.characters(min_codepoint=0, max_codepoint=0x1F),
        st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
        st.sampled_from(["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u061c", "\ud800", "\udfff"]),
        st.characters(codec="utf-8"),
    ),
    max_size=30,
)


@st.composite
def hostile_report(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """A valid report whose texts (names, messages, notes, reasons) carry hostile characters."""
    report = copy.deepcopy(base)
    for key in ("exercise_name", "source", "caution"):
        if draw(st.booleans()):
            report[key] = draw(hostile_text)
    report["notes"] = draw(st.lists(hostile_text, max_size=3))
    for entry in report.get("faults", []):
        entry["message"] = draw(hostile_text)
    for entry in report.get("not_counted", []):
        entry["reason"] = draw(hostile_text)
    return report


def hostile_reports(valid_reports: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(valid_reports).flatmap(hostile_report)
