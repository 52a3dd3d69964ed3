"""Exit statuses and the exceptions that map to them.

Every failure the user can cause (bad file, unknown exercise, camera gone) is raised as
a ``FormcheckError`` subclass carrying a one-line message; ``cli.main`` is the single
place that turns them into that message and an exit status.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1  # unexpected internal error (a bug): traceback only with --debug
    USAGE = 2  # bad command-line arguments (argparse's own convention)
    INPUT = 3  # the video or camera cannot be read
    EXERCISE = 4  # an exercise file is missing or invalid
    OUTPUT = 5  # an output cannot be written
    NO_POSE = 6  # nobody was found in the video
    SOME_FAILED = 7  # a batch finished, but some of its videos could not be analysed
    INTERRUPTED = 130  # Ctrl-C, as shells report it
    PIPE_CLOSED = 141  # the program reading the output stopped (128 + SIGPIPE, as shells report it)
    TERMINATED = 143  # SIGTERM (128 + 15), as shells report it


class FormcheckError(Exception):
    """An error the user can act on; its message is printed as one line."""

    status: ExitStatus = ExitStatus.ERROR


class UsageError(FormcheckError):
    """Arguments that cannot work together or here (e.g. a window without a display)."""

    status = ExitStatus.USAGE


class InputError(FormcheckError):
    status = ExitStatus.INPUT


class CameraError(InputError):
    """The camera cannot be opened, or stopped sending frames during a session."""


class ExerciseError(FormcheckError):
    status = ExitStatus.EXERCISE


class OutputError(FormcheckError):
    status = ExitStatus.OUTPUT


class NoPoseError(FormcheckError):
    status = ExitStatus.NO_POSE


class HistoryError(OutputError):
    """The session history database is damaged, busy, or from a newer formcheck."""


class BatchFailed(FormcheckError):
    """A batch ran to the end, but some videos failed; their errors are in the index."""

    status = ExitStatus.SOME_FAILED


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every clean-up that runs on Ctrl-C runs too."""
