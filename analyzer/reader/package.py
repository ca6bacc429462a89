"""One view over the two package shapes: a solution ``.zip`` and a folder (unpacked or extracted).

Nothing is extracted to disk and nothing is written. Member names are ``/``-separated and
looked up case-insensitively, because the same file is ``solution.xml`` in a zip and
``Other/Solution.xml`` in a pac/SolutionPackager folder.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from analyzer.errors import SolutionError
from analyzer.files import open_regular, refuse

MiB = 1024 ** 2
GiB = 1024 ** 3


@dataclass(frozen=True)
class Limits:
    """Guards against hostile packages; generous enough for 300 MB customizations.xml files.

    ``max_member_bytes``: the largest single member (a zip member or a file of a folder). The largest
    real member seen (the corpus's biggest Customizations.xml) is 266 KiB; 512 MiB also keeps every
    line and column libxml2 reports inside a C int. ``max_whole_bytes``: members parsed as one tree
    (solution.xml, XAML, .data.xml files) cost several times their size in memory, so they stop
    earlier; customizations.xml is streamed and only ``max_member_bytes`` applies to it.
    ``follow_symlinks``: links may also resolve into the repository around the package, not only
    into the package itself.
    """

    max_total_bytes: int = 4 * GiB
    max_ratio: float = 200.0
    max_members: int = 200_000
    max_member_bytes: int = 512 * MiB
    max_whole_bytes: int = 64 * MiB
    follow_symlinks: bool = False


# --- the file-access policy: every file dvsa reads from a package or a PATH goes through here ------

def _too_big(path: str, member: str, size: int | str, limit: int) -> SolutionError:
    return SolutionError(f"member is {size} bytes, more than the limit of {limit} bytes "
                         f"(--max-member-mb {limit // MiB or 1})", path, member)


class _Stream:
    """A read-only stream wrapper usable in ``with``: subclasses define ``read`` and ``close``."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _SizeCap(_Stream):
    """Stops a stream at ``limit`` bytes: the size in a zip header or a file's ``stat`` can lie or grow."""

    def __init__(self, raw, path: str, member: str, limit: int):
        self._raw = raw
        self._path = path
        self._member = member
        self._limit = limit
        self._read = 0

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self._limit + 1 - self._read  # never more than one byte past the limit at once
        data = self._raw.read(n)
        self._read += len(data)
        if self._read > self._limit:
            raise _too_big(self._path, self._member, f"more than {self._limit}", self._limit)
        return data

    def close(self) -> None:
        self._raw.close()


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

    limits: Limits = Limits()

    def read(self, member: str) -> bytes:
        """A member read whole to be parsed as one tree: refused beyond ``max_whole_bytes``."""
        limit = min(self.limits.max_whole_bytes, self.limits.max_member_bytes)
        with self.open(member) as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise self.error(f"member is more than {limit} bytes, the limit for a file parsed whole "
                             f"(XAML, manifests, .data.xml)", member)
        return data

    def error(self, message: str, member: str | None = None, line: int | None = None,
              column: int | None = None) -> SolutionError:
        # libxml2 counts in a C int: past 2 GiB a position wraps negative. No position beats a wrong one.
        line = line if line and line > 0 else None
        column = column if column and column > 0 and line else None
        return SolutionError(message, self.path, member, line, column)

    def close(self) -> None:
        pass


def _check_member_name(package_path: str, name: str) -> None:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise SolutionError(f"refusing absolute member name {name!r}", package_path)
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise SolutionError(f"refusing member name with '..': {name!r}", package_path)


class _CountingReader(_Stream):
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


class ZipPackage(Package):
    def __init__(self, path: str, limits: Limits, fh: IO[bytes]):
        self.limits = limits
        self._inflated = 0
        self._file = fh
        try:
            self._zip = zipfile.ZipFile(fh)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            fh.close()
            raise SolutionError(f"not a readable zip file ({exc})", path) from None
        try:
            self._infos = self._check_infos(path, limits, infos)
        except SolutionError:
            self.close()
            raise
        super().__init__(path, list(self._infos))

    @staticmethod
    def _check_infos(path: str, limits: Limits, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        if len(infos) > limits.max_members:
            raise SolutionError(f"zip has {len(infos)} members, more than the limit of {limits.max_members}", path)
        declared = 0
        found: dict[str, zipfile.ZipInfo] = {}
        lower: set[str] = set()
        for info in infos:
            if not info.filename.strip("/"):
                raise SolutionError("zip has a member with an empty name", path)
            _check_member_name(path, info.filename)
            if info.is_dir():
                continue
            if info.filename.lower() in lower:  # which copy would be read? Refuse rather than guess
                raise SolutionError("zip has two members of the same name", path, info.filename)
            lower.add(info.filename.lower())
            declared += info.file_size
            ratio = info.file_size / info.compress_size if info.compress_size else 0
            if ratio > limits.max_ratio and info.file_size > 1_000_000:
                raise SolutionError(
                    f"compression ratio {ratio:.0f}:1 exceeds the limit of "
                    f"{limits.max_ratio:g}:1 (zip bomb?)", path, info.filename)
            found[info.filename] = info
        if declared > limits.max_total_bytes:
            raise SolutionError(f"zip would inflate to {declared} bytes, more than the limit of "
                                f"{limits.max_total_bytes}", path)
        return found

    def account(self, n: int, member: str) -> None:
        self._inflated += n
        if self._inflated > self.limits.max_total_bytes:
            raise self.error(f"zip inflates beyond the limit of {self.limits.max_total_bytes} bytes", member)

    def open(self, member: str) -> IO[bytes]:
        info = self._infos[member]
        if info.file_size > self.limits.max_member_bytes:  # the header says so: refuse before inflating
            raise _too_big(self.path, member, info.file_size, self.limits.max_member_bytes)
        try:
            raw = self._zip.open(info)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise self.error(f"cannot read member ({exc})", member) from None
        capped = _SizeCap(_CountingReader(raw, self, info), self.path, member, self.limits.max_member_bytes)
        return _GuardedStream(capped, self, member)  # type: ignore[return-value]

    def close(self) -> None:
        self._zip.close()
        self._file.close()


class _GuardedStream(_Stream):
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


class DirPackage(Package):
    """An unpacked folder. Walked once, iteratively (a tree 1,000 folders deep is no recursion), with
    the access policy applied to every entry: only regular files and folders are taken; a FIFO, device
    or socket is refused; a symbolic link is followed only when it resolves inside ``allowed`` (the
    package folder, or the repository around it with ``follow_symlinks``); an unreadable folder is an
    error, like an unreadable file, never a silently missing part."""

    def __init__(self, path: str, root: Path, limits: Limits):
        self.path = path  # errors raised while walking name it
        self.root = root
        self.limits = limits
        real_root = os.path.realpath(root)
        self._allowed = _repository_root(real_root) if limits.follow_symlinks else real_root
        self._links: dict[str, str] = {}  # member -> the file a link inside the package resolves to
        super().__init__(path, self._walk(real_root))

    def _walk(self, real_root: str) -> list[str]:
        names: list[str] = []
        seen = {_identity(real_root)}  # folders entered, by device and inode: a link back up is a loop
        stack: list[tuple[str, str]] = [("", real_root)]
        while stack:
            rel, folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                raise refuse(exc, self.path, rel or None, "folder") from None
            subfolders = []
            for entry in entries:
                member = f"{rel}/{entry.name}" if rel else entry.name
                real, mode = self._resolve(entry, member)
                if stat.S_ISDIR(mode):
                    if _identity(real) in seen:
                        raise self.error("symbolic link loop", member)
                    seen.add(_identity(real))
                    subfolders.append((member, real))
                elif stat.S_ISREG(mode):
                    names.append(member)
                    if len(names) > self.limits.max_members:  # the zip limit, for the same reason
                        raise self.error(f"folder has more than {self.limits.max_members} files")
                    if real != entry.path:
                        self._links[member] = real
                else:
                    raise self.error("not a regular file", member)
            stack.extend(reversed(subfolders))  # pre-order, sorted: the order os.walk gave
        return names

    def _resolve(self, entry: os.DirEntry, member: str) -> tuple[str, int]:
        """The real path and mode of an entry, a link's target checked against the policy."""
        try:
            if not entry.is_symlink():
                return entry.path, entry.stat(follow_symlinks=False).st_mode
            real = os.path.realpath(entry.path, strict=True)
            mode = os.stat(real).st_mode
        except OSError as exc:
            raise refuse(exc, self.path, member) from None
        if os.path.commonpath([self._allowed, real]) != self._allowed:
            where = ("the repository" if self.limits.follow_symlinks
                     else "the package (--follow-symlinks allows the repository)")
            raise self.error(f"symbolic link points outside {where}", member)
        return real, mode

    def open(self, member: str) -> IO[bytes]:
        fh = open_regular(self._links.get(member) or str(self.root / member), self.path, member)
        size = os.fstat(fh.fileno()).st_size
        if size > self.limits.max_member_bytes:
            fh.close()
            raise _too_big(self.path, member, size, self.limits.max_member_bytes)
        return _SizeCap(fh, self.path, member, self.limits.max_member_bytes)  # type: ignore[return-value]


def _identity(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _repository_root(folder: str) -> str:
    """The nearest folder at or above ``folder`` holding ``.git``; the folder itself when there is none."""
    for candidate in (folder, *map(str, Path(folder).parents)):
        if os.path.lexists(os.path.join(candidate, ".git")):
            return candidate
    return folder


def open_package(path: str, limits: Limits | None = None) -> Package:
    """Open ``path`` as a zip or a folder; raise SolutionError for anything else.

    The PATH argument goes through the same policy as the files inside: a folder, or a regular file."""
    limits = limits or Limits()
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise refuse(exc, path, None) from None
    if stat.S_ISDIR(mode):
        return DirPackage(path, Path(path), limits)
    fh = open_regular(path, path)
    try:
        is_zip = zipfile.is_zipfile(fh)
        fh.seek(0)
    except OSError as exc:
        fh.close()
        raise refuse(exc, path, None) from None
    if not is_zip:
        fh.close()
        raise SolutionError("not a solution: expected a .zip export or a solution folder", path)
    return ZipPackage(path, limits, fh)
