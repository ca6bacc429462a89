"""The one policy for opening a file named by the user or found in a package: regular files only.

A FIFO would block forever and a device (a copy of /dev/zero) never ends, so ``stat`` decides
before ``open``. The reader (packages, mapping files), the configuration and the baseline all open
files through here, so none of them can hang on a special file.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import IO

from analyzer.errors import SolutionError


def refuse(exc: OSError, path: str, member: str | None, what: str = "file") -> SolutionError:
    if exc.errno == errno.ELOOP:
        return SolutionError("symbolic link loop", path, member)
    if exc.errno == errno.ENOENT:
        return SolutionError("no such file or folder", path, member)
    return SolutionError(f"cannot read {what} ({exc.strerror or exc})", path, member)


def open_regular(real: str, path: str, member: str | None = None) -> IO[bytes]:
    """Open ``real`` for reading only if it is a regular file: a FIFO would block forever and a
    device (a copy of /dev/zero) never ends. ``stat`` decides before ``open``; the open itself is
    non-blocking and re-checked with ``fstat``, so a file swapped for a FIFO in between is refused too.
    Errors name ``path`` (and ``member``), the way the user wrote them."""
    try:
        if not stat.S_ISREG(os.stat(real).st_mode):
            raise SolutionError("not a regular file", path, member)
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise refuse(exc, path, member) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SolutionError("not a regular file", path, member)
    return os.fdopen(fd, "rb")


def read_regular(real: str, path: str, limit: int, member: str | None = None) -> bytes:
    """The whole of a regular file, refused beyond ``limit`` bytes (a config or mapping file)."""
    with open_regular(real, path, member) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise refuse(exc, path, member) from None
    if len(data) > limit:
        raise SolutionError(f"file is larger than the limit of {limit} bytes", path, member)
    return data
