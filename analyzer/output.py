"""Writing output files atomically: a reader never sees half a report.

Every failure is an ``OSError`` carrying the path (a folder, a read-only folder, a full disk, a FIFO nobody
reads); the CLI turns it into one line naming the path.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: str, text: str) -> None:
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: str, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename it over the target."""
    target = Path(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", path)
    if mode is not None and not stat.S_ISREG(mode):  # /dev/null, /dev/full, a FIFO: never replace a device
        _write_special(path, data)
        return
    target.parent.mkdir(parents=True, exist_ok=True)  # `-o reports/dvsa.sarif` in a fresh checkout
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates the file 0600; give it what open() would: the file's own mode when replacing one,
        # else 0666 less the umask (a container step running as root must leave files the runner can read)
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:  # an interrupt too: no half-written temporary file stays behind
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_special(path: str, data: bytes) -> None:
    """Write into a device or FIFO in place. The open does not block: a FIFO that no process reads
    would otherwise wait forever (ENXIO says so instead); writing then blocks as a pipe should."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "a FIFO that no process reads", path) from None
        raise
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            fh.write(data)
    except OSError as exc:
        exc.filename = exc.filename or path
        raise
    finally:
        if fd >= 0:
            os.close(fd)
