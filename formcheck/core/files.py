"""Files the user has: read within bounds, and never destroyed or half-written by a run.

Every command that writes goes through one ``OutputPlan``: before the run it checks
each output (its folder exists and is writable, it is not a folder or a device, and it
is not the same file as any input or another output, compared by resolved path and by
inode); during the run each output is written to a temporary file beside its target;
only when the whole run has succeeded are the temporary files flushed to disk and
renamed into place together, with Ctrl-C and SIGTERM held back until the last rename.
A failed or interrupted run leaves every earlier file as it was and no temporary file.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from formcheck.core.errors import FormcheckError, InputError, OutputError

MAX_TEXT_BYTES = 1_000_000  # exercise and routine files are a few kB; this bounds a mistaken /dev/zero
COMMIT_SIGNALS = {signal.SIGINT, signal.SIGTERM}
LOW_SPACE_BYTES = 64 * 1024  # below this, a failed write is put down to a full disk


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of an existing file, so hard links and symlinks compare equal."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def disk_full(folder: Path) -> bool:
    """Whether ``folder``'s file system is (nearly) out of space: the real reason behind
    writers such as OpenCV's, which drop their write errors."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < LOW_SPACE_BYTES


def failure_reason(exc: OSError | None, folder: Path) -> str:
    """The reason to print for a failed write: the system's own, else a full disk if it is."""
    if exc is not None and exc.strerror:
        return exc.strerror
    return os.strerror(errno.ENOSPC) if disk_full(folder) else "the write failed"


def read_bounded(path: Path, what: str, error: type[FormcheckError], limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. A device, FIFO or folder is
    refused before it is opened (reading /dev/zero never ends; opening a FIFO blocks)."""
    try:
        st = path.stat()
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise error(f"{path}: cannot read {what}: not a regular file")
    if st.st_size > limit:
        raise error(f"{path}: cannot read {what}: {st.st_size} bytes, more than the {limit} allowed")
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}") from None
    if len(data) > limit:
        raise error(f"{path}: cannot read {what}: more than the {limit} bytes allowed")
    return data


def read_text_bounded(path: Path, what: str, error: type[FormcheckError], limit: int = MAX_TEXT_BYTES) -> str:
    """``read_bounded`` as UTF-8 text."""
    try:
        return read_bounded(path, what, error, limit).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: cannot read {what}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def check_writable(target: Path, label: str = "output") -> None:
    """Fail before a long run, not after it, if ``target`` could not be written."""
    folder = _folder(target)
    if not folder.is_dir():
        raise OutputError(f"output folder does not exist: {folder}")
    if target.is_dir():
        raise OutputError(f"output is a folder, not a file: {target}")
    if target.exists() and not target.is_file():
        raise OutputError(f"{label} {target} is not a regular file (a device or a FIFO): write to a file")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".probe", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror}") from None
    os.close(fd)
    os.unlink(probe)


def _fsync(path: Path, flags: int = os.O_RDONLY) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done, then reach their own handlers.

    Python runs signal handlers in the main thread whichever thread the signal hit, so
    blocking it in this thread would not do: the handlers are swapped for a recorder."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[tuple[int, FrameType | None]] = []
    previous = {sig: signal.signal(sig, lambda s, f: pending.append((s, f))) for sig in COMMIT_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig, frame in pending:
            handler = previous[sig]
            if callable(handler):
                handler(sig, frame)  # e.g. Python's Ctrl-C handler raises KeyboardInterrupt
            elif handler == signal.SIG_DFL:
                signal.raise_signal(sig)


@dataclass
class OutputPlan:
    """The files one run writes and the files it reads; see the module docstring."""

    outputs: Sequence[tuple[str, Path]]  # (label, path), e.g. ("report", out.json)
    inputs: Sequence[Path] = ()
    _staged: dict[Path, Path] = field(default_factory=dict, init=False, repr=False)  # target -> temporary file

    def check(self) -> None:
        """Refuse an output that is an input or another output, or that cannot be written."""
        taken: dict[object, str] = {}  # resolved path or (device, inode) -> what it already is
        for path in self.inputs:
            for key in (path.resolve(), _identity(path)):
                if key is not None:
                    taken.setdefault(key, f"would overwrite the input {path}")
        for label, path in self.outputs:
            clash = next((taken[k] for k in (path.resolve(), _identity(path)) if k is not None and k in taken), None)
            if clash is not None:
                raise InputError(f"{label} {path} {clash}")
            for key in (path.resolve(), _identity(path)):
                if key is not None:
                    taken[key] = f"is used twice (as the {label} too)"
        for label, path in self.outputs:
            check_writable(path, label)

    def stage(self, target: Path) -> Path:
        """A temporary file beside ``target`` to write it to; it replaces ``target`` at ``commit``."""
        real = target.resolve()  # through a symlink: the link stays, the file it names is replaced
        folder = _folder(real)
        try:
            fd, name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=real.suffix, dir=folder)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror}") from None
        os.close(fd)
        tmp = Path(name)
        self._staged[target] = tmp
        try:
            mode = stat.S_IMODE(real.stat().st_mode) if real.is_file() else 0o666 & ~_umask()
            os.chmod(tmp, mode)  # mkstemp makes it private; give it the earlier file's or a normal mode
        except OSError:
            pass
        return tmp

    def write(self, target: Path, write: Callable[[Path], None]) -> None:
        """Stage ``target`` and fill it with ``write(temporary path)``; a failed write
        (disk full, I/O error) is an ``OutputError`` with the system's reason."""
        tmp = self.stage(target)
        try:
            write(tmp)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {failure_reason(exc, _folder(tmp))}") from None

    def commit(self) -> None:
        """Flush every staged file to disk, then rename them all into place."""
        for target, tmp in self._staged.items():
            try:
                _fsync(tmp)
            except OSError as exc:
                raise OutputError(f"cannot write {target}: {failure_reason(exc, _folder(tmp))}") from None
        with _signals_held():
            for target, tmp in self._staged.items():
                try:
                    os.replace(tmp, target.resolve())
                except OSError as exc:
                    raise OutputError(f"cannot write {target}: {exc.strerror}") from None
            folders = {_folder(target.resolve()) for target in self._staged}
            self._staged.clear()
        for folder in folders:
            try:
                _fsync(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            except OSError:
                pass  # some file systems cannot sync a folder; the renames are done

    def discard(self) -> None:
        """Remove every staged file; the targets stay as they were."""
        for tmp in self._staged.values():
            tmp.unlink(missing_ok=True)
        self._staged.clear()

    @contextmanager
    def run(self) -> Iterator[OutputPlan]:
        """Check now; commit if the block succeeds, discard if it fails or is interrupted."""
        self.check()
        try:
            yield self
            self.commit()
        finally:
            self.discard()


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A one-file ``OutputPlan``: a temporary path beside ``target`` that replaces it,
    flushed to disk, only if the block succeeds (for files written outside a command's
    plan: a batch's index, a saved track)."""
    plan = OutputPlan([("output", target)])
    try:
        yield plan.stage(target)
        plan.commit()
    finally:
        plan.discard()


def with_companions(database: Path | None) -> Iterable[Path]:
    """A SQLite database and the journal files beside it, all inputs of a run using it."""
    if database is None:
        return []
    return [database, *(database.with_name(database.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]
