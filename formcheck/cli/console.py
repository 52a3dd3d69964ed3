"""The ``formcheck`` program: quiets the model libraries' own logging before they load.

MediaPipe, TensorFlow Lite, absl and OpenCV write their start-up chatter ("Created
TensorFlow Lite XNNPACK delegate", "W0000 ... inference_feedback_manager", OpenCV's
"[ WARN:0@2.2] can't open camera by index") straight to file descriptor 2, some of it in
the middle of the progress bar and before formcheck's own clean error. The environment
variables below are read only when those libraries load, so they are set here, before
anything imports them; what the C++ side prints regardless is filtered out of fd 2 by
``quiet_stderr``. ``--debug`` or ``-v`` (anywhere on the command line) leaves all of it on.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

VERBOSE_FLAGS = frozenset({"--debug", "-v", "--verbose"})

# Set only where the user has not chosen a level.
QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # TensorFlow (Lite): errors only
    "GLOG_minloglevel": "2",  # glog-based builds: errors and fatal only
    "ABSL_MIN_LOG_LEVEL": "2",  # absl's C++ log, where built to read it
    "OPENCV_LOG_LEVEL": "OFF",  # OpenCV: formcheck's own message says what failed
    "OPENCV_VIDEOIO_DEBUG": "0",
}

# Library lines that say nothing a user can act on. Fatal ("F...") and error ("E...")
# lines of absl/glog are kept: they precede a crash the user should hear about.
_NOISE = re.compile(
    rb"^(?:[IW]\d{4} [\d:.]+ +\d+ [^\]]*\] "  # absl / glog info and warnings
    rb"|INFO: Created TensorFlow Lite"  # TFLite's delegate notice
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    rb"|\[ ?(?:ERROR|WARN|INFO|DEBUG|VERBOSE):\d+@"  # OpenCV's logger (formcheck says what failed)
    rb")"
)


def is_noise(line: bytes) -> bool:
    """Whether a line written to fd 2 is library chatter that ``quiet_stderr`` drops."""
    return _NOISE.match(line.lstrip(b"\r")) is not None


def _forward(read_fd: int, write_fd: int) -> None:
    """Copy lines from ``read_fd`` to ``write_fd`` until end of file, leaving out noise."""
    pending = b""
    while chunk := os.read(read_fd, 65536):
        *lines, pending = (pending + chunk).split(b"\n")
        kept = b"".join(line + b"\n" for line in lines if not is_noise(line))
        if kept:
            os.write(write_fd, kept)
    if pending and not is_noise(pending):
        os.write(write_fd, pending)
    os.close(read_fd)


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """Within the block, fd 2 goes through a filter that drops library chatter; Python's
    ``sys.stderr`` (formcheck's messages, the progress bar) writes to the terminal directly.
    Child processes inherit the filtered fd 2."""
    terminal = os.dup(2)
    read_fd, write_fd = os.pipe()
    python_err = sys.stderr
    sys.stderr = open(os.dup(terminal), "w", buffering=1, encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    os.dup2(write_fd, 2)
    os.close(write_fd)
    forwarder = threading.Thread(target=_forward, args=(read_fd, terminal), name="stderr-filter", daemon=True)
    forwarder.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(terminal, 2)  # closes the pipe's last write end here: the forwarder ends
        forwarder.join(timeout=2.0)
        sys.stderr.close()
        sys.stderr = python_err
        os.close(terminal)


def wants_verbose(argv: Sequence[str]) -> bool:
    return any(arg in VERBOSE_FLAGS for arg in argv)


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point (``formcheck`` and ``python -m formcheck``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if wants_verbose(argv):
        from formcheck.cli.main import main as cli_main

        return cli_main(argv)
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    with quiet_stderr():
        from formcheck.cli.main import main as cli_main

        return cli_main(argv, err=sys.stderr)
