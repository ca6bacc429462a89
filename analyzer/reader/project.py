"""What the repository around an unpacked folder says about the files the folder lacks.

- A pac solution project (``<project>.cdsproj``, in the package folder or above it: pac keeps the package in
  ``<project>/src``) builds the projects its ``<ProjectReference Include="…\\Plugins.csproj"/>`` items name and
  puts each one's assembly into ``PluginAssemblies/**/<AssemblyName>.dll`` when it packs. A missing .dll of that
  name is a build output not built yet, as a mapped one is.
- A SolutionPackager mapping file (an XML file whose root is ``<Mapping>``) beside or above the folder, which
  nothing passed to dvsa: when files are missing, it is likely the mapping the folder is packed with.

Both are looked for from the package folder up to the repository root (the folder holding ``.git``), or at most
``MAX_LEVELS`` folders up outside a repository. Files are only opened when they are small and are never executed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import SolutionError
from analyzer.files import read_regular
from analyzer.reader.package import Package
from analyzer.reader.xmlparse import attr, local, parse_bytes

MAX_LEVELS = 3  # outside a repository: the package folder and three folders up
MAX_FILES = 200  # files looked at per folder
MAX_BYTES = 1024 * 1024  # a project or mapping file is a few KiB


@dataclass(frozen=True)
class BuiltAssembly:
    """A plug-in assembly a solution project builds: the referenced project and the .cdsproj that references it."""

    project: str  # the .csproj, as the .cdsproj names it
    solution_project: str  # the .cdsproj's path


def folders_up(folder: Path) -> list[Path]:
    """``folder`` and its parents up to the repository root, or MAX_LEVELS up when there is none."""
    chain = [folder, *folder.parents]
    for i, candidate in enumerate(chain):
        if os.path.lexists(candidate / ".git"):
            return chain[: i + 1]
    return chain[: MAX_LEVELS + 1]


def built_assemblies(folder: Path) -> dict[str, BuiltAssembly]:
    """Assembly name (lower-case) -> what builds it, from the nearest .cdsproj at or above ``folder``."""
    for candidate in folders_up(folder):
        projects = sorted(_files(candidate, ".cdsproj"))
        if projects:
            found: dict[str, BuiltAssembly] = {}
            for project in projects:
                for reference in _project_references(project):
                    found.setdefault(_assembly_name(project.parent, reference).lower(),
                                     BuiltAssembly(reference, str(project)))
            return found
    return {}


def mapping_files(folder: Path) -> list[str]:
    """SolutionPackager mapping files beside the package folder or above it (not inside it), nearest first."""
    found = []
    for candidate in folders_up(folder)[1:]:
        found += [str(path) for path in sorted(_files(candidate, ".xml")) if _root(path) == "mapping"]
    return found


def _files(folder: Path, suffix: str) -> list[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)[:MAX_FILES]
    except OSError:
        return []
    return [Path(e.path) for e in entries if e.name.lower().endswith(suffix) and e.is_file(follow_symlinks=False)]


def _parse(path: Path):
    """The root element of a small XML file; None when it cannot be read or parsed (a hint is never an error)."""
    try:
        return parse_bytes(Package("", []), str(path), read_regular(str(path), str(path), MAX_BYTES))
    except SolutionError:
        return None


def _root(path: Path) -> str | None:
    root = _parse(path)
    return local(root.tag) if root is not None else None


def _project_references(project: Path) -> list[str]:
    root = _parse(project)
    if root is None:
        return []
    return [include.replace("\\", "/") for elem in root.iter() if isinstance(elem.tag, str)
            and local(elem.tag) == "projectreference" and (include := attr(elem, "Include"))]


def _assembly_name(base: Path, reference: str) -> str:
    """The referenced project's ``<AssemblyName>``, else its file name without ``.csproj`` (MSBuild's default)."""
    root = _parse(base / reference)
    if root is not None:
        for elem in root.iter():
            if isinstance(elem.tag, str) and local(elem.tag) == "assemblyname" and (elem.text or "").strip():
                return elem.text.strip()
    return reference.rsplit("/", 1)[-1].rsplit(".", 1)[0]
