"""``--sources DIR``: the source files of a team's code outside the solution, parsed for message calls.

Generated folders (``bin/``, ``obj/``, ``node_modules/``, and hidden ones such as ``.git/``) are not walked,
and minified bundles (``analyzer.code.is_minified``), files over ``MAX_FILE_BYTES`` and files out of the bounds of
``analyzer.code.bounds`` (binary, too big, nested too deep, too slow to parse) are not parsed: each is skipped and
counted, and ``summary`` says so with the script web resources left unparsed the same way. A file that is the
content of an analyzed web resource (mapped in by SolutionPackager or spkl) is that web resource's, already read
with its package, and is not read again.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.code import BATCH_READERS, MINIFIED, READERS, is_minified, read_code
from analyzer.errors import SolutionError
from analyzer.model import CodeFile, Solution

GENERATED_FOLDERS = frozenset({"bin", "obj", "node_modules"})
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass
class SourceScan:
    roots: list[str] = field(default_factory=list)
    files: list[CodeFile] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def add(self, code: CodeFile) -> None:
        """A file read: kept when parsed, counted when a reader left it unparsed."""
        if code.skipped:
            self.skip(code.skipped)
        else:
            self.files.append(code)

    @property
    def summary(self) -> str:
        """``sources: 12 files parsed; skipped 2 generated folders (bin/, obj/), 1 minified bundle``."""
        text = f"sources: {len(self.files)} file{'s' if len(self.files) != 1 else ''} parsed"
        if self.skipped:
            text += "; skipped " + ", ".join(f"{reason}: {n}" for reason, n in sorted(self.skipped.items()))
        return text


def scan(roots: Iterable[str], already_read: Iterable[str] = ()) -> SourceScan:
    """Parse every source file under ``roots``; ``already_read`` are real paths of web resource content."""
    result = SourceScan()
    batches: dict[str, list[tuple[str, bytes]]] = {}
    seen = {os.path.realpath(p) for p in already_read}
    for root in roots:
        if not os.path.isdir(root):
            raise SolutionError("--sources: no such folder", root)
        result.roots.append(root)
        for folder, dirs, files in os.walk(root):
            for d in sorted(dirs):
                if d.lower() in GENERATED_FOLDERS or d.startswith("."):
                    result.skip("generated folders (bin/, obj/, node_modules/, hidden)")
            dirs[:] = sorted(d for d in dirs if d.lower() not in GENERATED_FOLDERS and not d.startswith("."))
            for name in sorted(files):
                path = os.path.join(folder, name)
                extension = os.path.splitext(name)[1].lower()
                if extension not in READERS and extension not in BATCH_READERS or name.lower().endswith(".d.ts"):
                    continue
                real = os.path.realpath(path)
                if real in seen:
                    result.skip("web resource content read with its package")
                    continue
                seen.add(real)
                data = _read(result, path)
                shown = Path(path).as_posix()
                if data is not None and extension in BATCH_READERS:
                    batches.setdefault(extension, []).append((shown, data))
                elif data is not None and (code := read_code(data, shown, shown, extension)) is not None:
                    result.add(code)
    for extension, files in sorted(batches.items()):
        for code in BATCH_READERS[extension](files):
            result.add(code)
    return result


def summary(scanned: SourceScan | None, solutions: list[Solution]) -> str | None:
    """The line on stderr about code: what ``--sources`` parsed and skipped, and the script web resources of the
    packages left unparsed out of bounds (``script web resources not parsed: binary files: 1``); None when there
    is nothing to say. A package's minified bundle (jquery.min.js in many a solution) is left unparsed by design
    and not told, as before."""
    scripts: dict[str, int] = {}
    for s in solutions:
        for f in s.code:
            if f.skipped and f.skipped != MINIFIED:
                scripts[f.skipped] = scripts.get(f.skipped, 0) + 1
    parts = [scanned.summary] if scanned is not None else []
    if scripts:
        parts.append("script web resources not parsed: "
                     + ", ".join(f"{reason}: {n}" for reason, n in sorted(scripts.items())))
    return "; ".join(parts) or None


def _read(result: SourceScan, path: str) -> bytes | None:
    """The file's bytes, or None (counted) when it is not parsed."""
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_FILE_BYTES:
            result.skip(f"files over {MAX_FILE_BYTES // (1024 * 1024)} MiB or not regular")
            return None
        data = Path(path).read_bytes()
    except OSError:
        result.skip("unreadable files")
        return None
    if is_minified(data):
        result.skip(MINIFIED)
        return None
    return data
