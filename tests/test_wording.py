"""Every sentence a person sees or hears comes from a table of feedback/wording.py.

A language table that lacks a reason would fail only when that reason is first said,
perhaps mid-session; a front end that writes its own sentence again would not be
translated with the rest. Both are checked here, without running anything.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import formcheck
from formcheck.core.reasons import Reason
from formcheck.feedback.wording import LANGUAGES

PACKAGE = Path(formcheck.__file__).parent

# The front ends that coach: their words are the wording's. (web/app.py and
# web/analyses.py answer HTTP requests: their literals are headers, keys and error
# messages to the caller, which stay with the code, as the command line's do.)
FRONT_ENDS = sorted((PACKAGE / "live").glob("*.py")) + [
    PACKAGE / "web" / "coaching.py",
    PACKAGE / "feedback" / "cues.py",
]

# Two words with a space between ("Switch sides", " side done: switch sides"), or a
# capitalised word ("Go", "Paused"): words for a person, not a key or an enum's value.
PROSE = re.compile(r"[A-Za-z]{2,} [A-Za-z]|^[A-Z][a-z]+\b")
NOT_WORDS = {"browser camera"}  # the web camera's source name, as a video's file name would be


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds) and node.body and isinstance(node.body[0], ast.Expr)
    }


def _prose(path: Path) -> list[str]:
    """The sentence-like string literals of a module (an f-string's pieces too), docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    return [
        f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and node.value not in NOT_WORDS
        and PROSE.search(node.value)
    ]


def test_every_language_words_every_reason() -> None:
    for language, table in LANGUAGES.items():
        missing = [reason.name for reason in Reason if reason not in table]
        assert not missing, f"{language} has no words for {missing}"


def test_front_ends_write_no_sentence_of_their_own() -> None:
    found = [line for path in FRONT_ENDS for line in _prose(path)]
    assert not found, "say these through a Reason in feedback/wording.py:\n" + "\n".join(found)
