"""Where a finding is, for the reports that point at files (concise, JUnit, GitHub and Azure annotations,
Markdown, SARIF): one decision, made here.

A finding in an unpacked or extracted folder is at a real file, ``<package>/<member>``, with its line; one in a
file under ``--sources`` (C#, scripts) is at that file, whichever component it is about. A
finding inside a ``.zip`` is at the zip itself: the member and its line are not a file anyone can open in the
repository, so they are carried beside it (``member``, ``member_line``) for the message, never as a path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from analyzer.result import AnalysisResult
from analyzer.rule import Finding


@dataclass(frozen=True, slots=True)
class Where:
    file: str | None  # a path that exists: the member's file in a folder, else the zip; as the package was given
    line: int | None  # a line in ``file`` (never a line of a zip)
    member: str | None = None  # the member inside a zip
    member_line: int | None = None

    def __str__(self) -> str:
        """``src/Workflows/x.xaml.data.xml:2`` or ``export.zip!customizations.xml:120`` (the error lines' form)."""
        if self.member:
            return f"{self.file}!{self.member}" + (f":{self.member_line}" if self.member_line else "")
        return (self.file or "") + (f":{self.line}" if self.line and self.file else "")

    @property
    def inside(self) -> str:
        """The member and line inside a zip, for a message: ``customizations.xml line 120``; else empty."""
        if not self.member:
            return ""
        return self.member + (f" line {self.member_line}" if self.member_line else "")


def where(f: Finding, result: AnalysisResult) -> Where:
    if f.location and result.graph is not None and f"source_file:{f.location.path}" in result.graph:
        return Where(f.location.path, f.location.line)  # a --sources file, named as the folder was given
    layouts = {s.path: s.layout for s in result.solutions}
    package = f.package or next((s.path for s in result.solutions if s.unique_name == f.component.solution), None)
    if package is None:
        return Where(None, None)
    if not f.location:
        return Where(package, None)
    if layouts.get(package) == "zip":
        return Where(package, None, f.location.path, f.location.line)
    joined = PurePosixPath(Path(package).as_posix()) / f.location.path
    return Where(str(joined), f.location.line)


def find_project_root(start: Path | None = None) -> Path:
    """The repository's top level: the nearest folder at or above ``start`` (the current folder) holding a
    ``.git`` (a folder, or a file in a worktree or submodule); the current folder when there is none."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def repo_path(file: str, root: Path) -> str:
    """The file relative to the repository root, with ``/`` (what GitHub annotations and SARIF name files by);
    a file outside the root keeps its absolute path."""
    full = Path(file).resolve()
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return full.as_posix()


def shown(findings: list[Finding]) -> list[Finding]:
    """The findings a report lists: the accepted ones (suppress entries, baseline) are left out."""
    return [f for f in findings if not f.suppressed]
