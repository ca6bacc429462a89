"""``--format github``: GitHub Actions workflow commands, one annotation a finding.

``::error file=…,line=…,title=…::message`` (warning and notice for the other severities), from "Workflow
commands for GitHub Actions": https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
(setting an error, warning or notice message). The escaping is the runner's own, as actions/toolkit's
``packages/core/src/command.ts`` writes it: in the message ``%``, CR and LF become ``%25``, ``%0D``, ``%0A``;
in a property ``:`` and ``,`` also become ``%3A`` and ``%2C``. File paths are relative to the repository root,
which is where the runner resolves them; a finding inside a zip is annotated on the zip, the member and line
in the message. Every value from the package is made inert first (``analyzer.inert``): the runner decodes
``%0A`` in an annotation, never in the log, but a ``##[`` in the data would still be read as an old-style
command by a runner that did not take the line for a new one."""

from __future__ import annotations

from pathlib import Path

from analyzer.inert import text as inert
from analyzer.report.locations import find_project_root, repo_path, shown, where
from analyzer.result import AnalysisResult
from analyzer.rule import Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: AnalysisResult, out, *, project_root: Path | str | None = None, **_options) -> None:
    root = Path(project_root).resolve() if project_root else find_project_root()
    for f in shown(result.findings):
        at = where(f, result)
        props = []
        if at.file:
            props.append(f"file={escape_property(inert(repo_path(at.file, root)))}")
            if at.line:
                props.append(f"line={at.line}")
        props.append(f"title={escape_property(inert(f'{f.rule} {f.name}'))}")
        message = f"{inert(f.message)} ({inert(f.component.key)}" + (
            f"; in {inert(at.inside)}" if at.member else "") + ")"
        if f.fix:
            message += f"\nFix: {inert(f.fix)}"  # a line break of ours: the annotation shows it
        out.write(f"::{COMMANDS[f.severity]} {','.join(props)}::{escape_data(message)}\n")
    for e in result.errors:
        out.write(f"::error title=dvsa internal error::{escape_data(inert(f'rule {e.rule} crashed: {e.message}'))}\n")
