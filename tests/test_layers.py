"""The stage packages import only from the stages below them, so the data flow reads off
the tree (README, "How it works"): no import runs back up, and packages of one layer
do not import each other. Read from the source's import statements (those inside
functions and under TYPE_CHECKING too), nothing is imported."""

from __future__ import annotations

import ast
from pathlib import Path

import formcheck

#: From the ground up; a package may import only from the layers before its own.
LAYERS: list[set[str]] = [
    {"core"},
    {"sources", "pose", "smoothing", "exercises"},
    {"measures"},
    {"engine"},
    {"recognition", "feedback"},
    {"reports"},
    {"history"},
    {"offline", "live"},
    {"batch", "web"},
    {"cli"},
    {"__main__"},
]
PACKAGE = Path(formcheck.__file__).parent


def _stage(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imported_stages(path: Path) -> set[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return {name.split(".")[1] for name in names if name.startswith("formcheck.")}


def test_every_stage_package_has_a_layer():
    stages = {_stage(p) for p in PACKAGE.rglob("*.py")} - {"__init__"}
    assert stages <= set().union(*LAYERS), stages - set().union(*LAYERS)


def test_no_import_runs_back_up_or_across_a_layer():
    layer = {stage: i for i, stages in enumerate(LAYERS) for stage in stages}
    wrong = sorted(
        f"{path.relative_to(PACKAGE)} imports formcheck.{target}"
        for path in PACKAGE.rglob("*.py")
        if _stage(path) in layer
        for target in _imported_stages(path)
        if target != _stage(path) and target in layer and layer[target] >= layer[_stage(path)]
    )
    assert wrong == []
