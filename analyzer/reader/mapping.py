"""SolutionPackager mapping files: which real file provides a package member that is not in the folder.

Teams keep an unpacked solution in source control without its build outputs and web resource
content, and let SolutionPackager (``/map``, ``pac solution pack --map``) or spkl read those files
from elsewhere when packing. The rules, from Microsoft Learn, "SolutionPackager tool", section
"Use the /map command argument" (https://learn.microsoft.com/power-platform/alm/solution-packager-tool):

- ``<Folder map="A" to="B"/>``: package paths under folder A are read from B (same sub-folders).
- ``<FileToFile map="path\\name.ext" to="path\\name.ext"/>`` and ``<FileToPath map="path\\name.ext"
  to="path"/>``: a file matching ``map`` is read from ``to``. Without a path, ``map`` matches the
  file name in any folder; ``*.ext`` / ``*.*`` match file names; ``**`` means "in any subfolder".
- Relative paths are evaluated from the package folder (the ``/folder`` argument), not from the
  mapping file's folder; both real mapping files in ../shared/corpus (#1, #23) say ``..\\..\\`` from
  the package folder. ``%variable%`` names an environment variable.
- "If a file is matched to any directive, it must be found in at least one alternative location."

spkl (``spkl.json``, found in the package folder's parent chain) writes its ``solutions[].map``
entries (``"map": "file" | "path" | "folder"``, ``from``, ``to``) into such a file and runs
SolutionPackager with ``/folder`` set to the entry's ``packagepath``, so the same rules apply.

Mapped files are only looked for here, never opened (a script web resource's content is read by reader/scripts.py).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import SolutionError
from analyzer.files import read_regular
from analyzer.reader.package import MiB, Package
from analyzer.reader.xmlparse import attr, line, local, parse_bytes

_KINDS = {"folder": "Folder", "filetofile": "FileToFile", "filetopath": "FileToPath"}
_SPKL_KINDS = {"folder": "Folder", "file": "FileToFile", "path": "FileToPath"}
_MAX_WALKED_FILES = 200_000  # a `to` of "C:\**" must not walk a whole disk
_MAX_MAPPING_BYTES = 16 * MiB  # real mapping files and spkl.json are a few KiB


@dataclass(frozen=True)
class Directive:
    kind: str  # Folder | FileToFile | FileToPath
    map: str  # '/'-separated, as written
    to: str  # '/'-separated, environment variables expanded
    origin: str  # "map.xml:4", where the directive is written


@dataclass(frozen=True)
class Mapped:
    """Where a package member comes from: ``path`` is the real file when ``exists``, else the pattern."""

    path: str
    exists: bool
    origin: str


@dataclass(frozen=True)
class Mapping:
    directives: tuple[Directive, ...]
    source: str  # the mapping file or spkl.json it was read from
    _finder: _Finder = field(default_factory=lambda: _Finder(), compare=False, repr=False)

    def provider(self, folder: str, member: str) -> Mapped | None:
        """Which file provides package member ``member`` of the package folder ``folder``; None if unmapped.

        Directives listed first win; a member matched by several is provided when any of them finds it.
        """
        first: Mapped | None = None
        for d in self.directives:
            targets = [Path(os.path.normpath(os.path.join(folder, t))).as_posix() for t in _targets(d, member)]
            for target in targets:
                found = self._finder.find(target)
                if found:
                    return Mapped(found, True, d.origin)
            if targets and first is None:
                first = Mapped(targets[-1], False, d.origin)  # the most general pattern tells where to build
        return first


# --- reading --------------------------------------------------------------------------------

def read_mapping(path: str) -> Mapping:
    """A SolutionPackager mapping XML; SolutionError (one line, exit 2) when it is not one."""
    data = _read_bytes(path)
    root = parse_bytes(Package("", []), path, data)
    if local(root.tag) != "mapping":
        raise SolutionError(f"not a SolutionPackager mapping file: the root element is <{local(root.tag)}>, "
                            "not <Mapping>", None, path, line(root))
    directives = []
    for elem in root:
        name = local(elem.tag)
        if not name:
            continue  # comment or processing instruction
        kind = _KINDS.get(name)
        if kind is None:
            raise SolutionError(f"unknown mapping directive <{elem.tag}>: expected Folder, FileToFile or FileToPath",
                                None, path, line(elem))
        map_, to = attr(elem, "map"), attr(elem, "to")
        if not map_ or not to:
            raise SolutionError(f"<{kind}> needs both map=\"…\" and to=\"…\"", None, path, line(elem))
        directives.append(_directive(kind, map_, to, f"{path}:{line(elem)}"))
    return Mapping(tuple(directives), path)


def discover(folder: str) -> Mapping | None:
    """spkl's mapping for the package folder, when a spkl.json in its parent chain lists that folder."""
    start = Path(folder).resolve()
    for parent in start.parents:
        spkl = parent / "spkl.json"
        if spkl.is_file():
            return read_spkl(str(spkl), start)
    return None


def read_spkl(path: str, folder: Path) -> Mapping | None:
    """The ``map`` entries of the spkl.json solution whose ``packagepath`` is ``folder``.

    When that entry has no ``map`` but a mapping.xml sits beside spkl.json, that file is the mapping.
    """
    config = _spkl_json(path)
    base = Path(path).parent
    for solution in config.get("solutions") or []:
        if not isinstance(solution, dict) or not isinstance(solution.get("packagepath"), str):
            continue
        if (base / _posix(solution["packagepath"])).resolve() != folder:
            continue
        entries = solution.get("map")
        if entries:
            return Mapping(tuple(_spkl_directive(path, i, e) for i, e in enumerate(entries)), path)
        beside = base / "mapping.xml"
        return read_mapping(str(beside)) if beside.is_file() else None
    return None


def _read_bytes(path: str) -> bytes:
    # The package's file-access policy: a FIFO or /dev/zero given as --map must not hang or fill memory.
    return read_regular(path, path, _MAX_MAPPING_BYTES)


def _spkl_json(path: str) -> dict:
    try:
        data = json.loads(_strip_json_comments(_read_bytes(path).decode("utf-8-sig")))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SolutionError(f"malformed spkl.json: {exc}", None, path) from None
    if not isinstance(data, dict):
        raise SolutionError("malformed spkl.json: the top level is not an object", None, path)
    return data


# spkl.json is JSON with /* */ and // comments (and the odd trailing comma); strings are kept whole.
_JSON_COMMENT = re.compile(r'"(?:\\.|[^"\\])*"|/\*.*?\*/|//[^\n]*', re.S)
_JSON_TRAILING_COMMA = re.compile(r'"(?:\\.|[^"\\])*"|,(?=\s*[\]}])')


def _strip_json_comments(text: str) -> str:
    def keep_strings(m: re.Match) -> str:
        return m.group(0) if m.group(0).startswith('"') else ""
    return _JSON_TRAILING_COMMA.sub(keep_strings, _JSON_COMMENT.sub(keep_strings, text))


def _spkl_directive(path: str, index: int, entry) -> Directive:
    where = f"{path}: solutions[].map[{index}]"
    if not isinstance(entry, dict):
        raise SolutionError(f"malformed spkl.json: map[{index}] is not an object", None, path)
    kind = _SPKL_KINDS.get(str(entry.get("map", "")).lower())
    if kind is None or not isinstance(entry.get("from"), str) or not isinstance(entry.get("to"), str):
        raise SolutionError(f"malformed spkl.json: map[{index}] needs \"map\" (file, path or folder), "
                            "\"from\" and \"to\"", None, path)
    return _directive(kind, entry["from"], entry["to"], where)


def _directive(kind: str, map_: str, to: str, origin: str) -> Directive:
    return Directive(kind, _posix(map_).strip("/"), _posix(_expand(to)), origin)


def _posix(p: str) -> str:
    return p.strip().replace("\\", "/")


def _expand(p: str) -> str:
    """%NAME% -> the environment variable; an undefined one stays as written (and will not be found)."""
    return re.sub(r"%([^%]+)%", lambda m: os.environ.get(m.group(1), m.group(0)), p)


# --- matching ---------------------------------------------------------------------------------

def _targets(d: Directive, member: str) -> tuple[str, ...]:
    """The path patterns (relative to the package folder, or absolute) that may provide ``member``."""
    member = member.strip("/")
    if d.kind == "Folder":
        prefix = d.map.lower().rstrip("/") + "/"
        return (_join(d.to, member[len(prefix):]),) if member.lower().startswith(prefix) else ()
    subfolders = _match_file(d.map, member)
    if subfolders is None:
        return ()
    if d.kind == "FileToFile":
        return (d.to,)
    name = member.rsplit("/", 1)[-1]
    to = d.to.rstrip("/")
    if to.endswith("**") and subfolders:
        # "to=…\WebResources\**": first the sub-folders the map's ** matched, then any sub-folder.
        return (_join(to[:-2], subfolders, name), _join(to, name))
    return (_join(to, name),)


def _match_file(pattern: str, member: str) -> str | None:
    """None when ``member`` does not match the ``map`` of a file directive, else the folders ``**`` matched."""
    folder, _, name = pattern.rpartition("/")
    m_folder, _, m_name = member.rpartition("/")
    if not re.fullmatch(_name_regex(name), m_name, re.I):
        return None
    if not folder:
        return ""  # no path: the file name in any folder
    # each segment ends with '/', so ** can match no folder at all
    regex = "".join("((?:[^/]+/)*)" if part == "**" else re.escape(part) + "/" for part in folder.split("/"))
    match = re.fullmatch(regex, m_folder + "/" if m_folder else "", re.I)
    if match is None:
        return None
    return _join(*match.groups())


def _name_regex(name: str) -> str:
    return ".*".join(re.escape(part) for part in name.split("*"))


def _join(*parts: str) -> str:
    return "/".join(p.strip("/") for p in parts if p.strip("/"))


# --- finding --------------------------------------------------------------------------------

class _Finder:
    """Looks for mapped files (case-insensitively, as Windows does); nothing is opened.

    Each folder a ``**`` searches is walked once per mapping, however many members ask.
    """

    def __init__(self):
        self._walks: dict[str, tuple[str | None, tuple[str, ...]]] = {}

    def find(self, pattern: str) -> str | None:
        if "**" not in pattern:
            return _real(pattern, want_dir=False)
        base, _, rest = pattern.partition("**")
        regex = "(?:.*/)?" + re.escape(rest.strip("/")).replace(re.escape("**"), ".*")
        real_base, files = self._files_under(base.rstrip("/") or "/")
        for rel in files:
            if re.fullmatch(regex, rel, re.I):
                return Path(real_base, rel).as_posix()
        return None

    def _files_under(self, base: str) -> tuple[str | None, tuple[str, ...]]:
        if base not in self._walks:
            real = _real(base, want_dir=True)
            found: list[str] = []
            for dirpath, dirnames, filenames in os.walk(real, followlinks=False) if real else ():
                dirnames.sort()
                rel = os.path.relpath(dirpath, real).replace(os.sep, "/")
                found += [n if rel == "." else f"{rel}/{n}" for n in sorted(filenames)]
                if len(found) > _MAX_WALKED_FILES:
                    break
            self._walks[base] = (real, tuple(found))
        return self._walks[base]


def _real(path: str, *, want_dir: bool) -> str | None:
    """``path`` as it exists on disk, matching each name case-insensitively when the exact one is not there."""
    if os.path.isdir(path) if want_dir else os.path.isfile(path):
        return path
    parent, name = os.path.split(path)
    if not name or parent == path:
        return None
    parent_real = _real(parent, want_dir=True)
    if parent_real is None:
        return None
    try:
        for entry in os.scandir(parent_real):
            if entry.name.lower() == name.lower() and (entry.is_dir() if want_dir else entry.is_file()):
                return os.path.join(parent_real, entry.name)
    except OSError:
        return None
    return None
