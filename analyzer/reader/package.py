"""One view over the two package shapes: a solution ``.zip`` and a folder (unpacked or extracted).

Nothing is extracted to disk and nothing is written. Member names are ``/``-separated and
looked up case-insensitively, because the same file is ``solution.xml`` in a zip and
``Other/Solution.xml`` in a pac/SolutionPackager folder.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from analyzer.errors import SolutionError

GiB = 1024 ** 3


@dataclass(frozen=True)
class Limits:
    """Guards against zip bombs; generous enough for 300 MB customizations.xml files."""

    max_total_bytes: int = 4 * GiB
    max_ratio: float = 200.0
    max_members: int = 200_000


class Package:
    """Base: a set of members, read-only."""

    def __init__(self, path: str, names: list[str]):
        self.path = path
        self._names = names
        self._by_lower = {}
        for name in names:
            self._by_lower.setdefault(name.lower(), name)

    @property
    def names(self) -> list[str]:
        return self._names

    def find(self, member: str) -> str | None:
        """The real member name for ``member`` compared case-insensitively, or None."""
        return self._by_lower.get(member.strip("/").lower())

    def under(self, folder: str) -> Iterator[str]:
        """Members below ``folder`` (case-insensitive), in sorted order."""
        prefix = folder.strip("/").lower() + "/"
        for name in sorted(self._names):
            if name.lower().startswith(prefix):
                yield name

    def open(self, member: str) -> IO[bytes]:
        raise NotImplementedError

    def read(self, member: str) -> bytes:
        with self.open(member) as fh:
            return fh.read()

    def error(self, message: str, member: str | None = None, line: int | None = None,
              column: int | None = None) -> SolutionError:
        return SolutionError(message, self.path, member, line, column)

    def close(self) -> None:
        pass


def _check_member_name(package_path: str, name: str) -> None:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise SolutionError(f"refusing absolute member name {name!r}", package_path)
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise SolutionError(f"refusing member name with '..': {name!r}", package_path)


class _CountingReader:
    """Wraps a zip member stream and stops at the declared size or the ratio limit.

    The sizes in a zip's central directory can lie; counting what is really inflated is
    what stops a bomb.
    """

    def __init__(self, raw: IO[bytes], package: ZipPackage, info: zipfile.ZipInfo):
        self._raw = raw
        self._package = package
        self._info = info
        self._read = 0
        self._cap = max(info.compress_size, 1) * package.limits.max_ratio + 65536

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self._read += len(data)
        self._package.account(len(data), self._info.filename)
        if self._read > self._cap and self._read > self._info.file_size:
            raise self._package.error(
                f"member inflates beyond the compression-ratio limit ({self._package.limits.max_ratio:g}:1)",
                self._info.filename)
        return data

    def close(self) -> None:
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ZipPackage(Package):
    def __init__(self, path: str, limits: Limits):
        self.limits = limits
        self._inflated = 0
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise SolutionError(f"not a readable zip file ({exc})", path) from None
        if len(infos) > limits.max_members:
            raise SolutionError(f"zip has {len(infos)} members, more than the limit of {limits.max_members}", path)
        declared = 0
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            _check_member_name(path, info.filename)
            if info.is_dir():
                continue
            declared += info.file_size
            ratio = info.file_size / info.compress_size if info.compress_size else 0
            if ratio > limits.max_ratio and info.file_size > 1_000_000:
                raise SolutionError(
                    f"compression ratio {ratio:.0f}:1 exceeds the limit of "
                    f"{limits.max_ratio:g}:1 (zip bomb?)", path, info.filename)
            self._infos[info.filename] = info
        if declared > limits.max_total_bytes:
            raise SolutionError(f"zip would inflate to {declared} bytes, more than the limit of "
                                f"{limits.max_total_bytes}", path)
        super().__init__(path, list(self._infos))

    def account(self, n: int, member: str) -> None:
        self._inflated += n
        if self._inflated > self.limits.max_total_bytes:
            raise self.error(f"zip inflates beyond the limit of {self.limits.max_total_bytes} bytes", member)

    def open(self, member: str) -> IO[bytes]:
        info = self._infos[member]
        try:
            raw = self._zip.open(info)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise self.error(f"cannot read member ({exc})", member) from None
        return _GuardedStream(_CountingReader(raw, self, info), self, member)  # type: ignore[return-value]

    def close(self) -> None:
        self._zip.close()


class _GuardedStream:
    """Turns zlib/CRC errors from a truncated or corrupt member into a SolutionError."""

    def __init__(self, inner: _CountingReader, package: Package, member: str):
        self._inner = inner
        self._package = package
        self._member = member

    def read(self, n: int = -1) -> bytes:
        try:
            return self._inner.read(n)
        except SolutionError:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise self._package.error(f"corrupt or truncated member ({exc})", self._member) from None

    def close(self) -> None:
        self._inner.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DirPackage(Package):
    def __init__(self, path: str, root: Path):
        self.root = root
        names = []
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames.sort()
            for filename in sorted(filenames):
                full = Path(dirpath, filename)
                if full.is_symlink():
                    continue  # a link could point outside the package
                names.append(full.relative_to(root).as_posix())
        super().__init__(path, names)

    def open(self, member: str) -> IO[bytes]:
        try:
            return open(self.root / member, "rb")
        except OSError as exc:
            raise self.error(f"cannot read file ({exc.strerror})", member) from None


def open_package(path: str, limits: Limits | None = None) -> Package:
    """Open ``path`` as a zip or a folder; raise SolutionError for anything else."""
    limits = limits or Limits()
    p = Path(path)
    if not p.exists():
        raise SolutionError("no such file or folder", path)
    if p.is_dir():
        return DirPackage(path, p)
    if not zipfile.is_zipfile(p):
        raise SolutionError("not a solution: expected a .zip export or a solution folder", path)
    return ZipPackage(path, limits)
