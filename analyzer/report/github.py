"""``--format github``: GitHub Actions workflow commands, one annotation a finding.

``::error file=…,line=…,title=…::message`` (warning and notice for the other severities), from "Workflow
commands for GitHub Actions": https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
(setting an error, warning or notice message). The escaping is the runner's own, as actions/toolkit's
``packages/core/src/command.ts`` writes it: in the message ``%``, CR and LF become ``%25``, ``%0D``, ``%0A``;
in a property ``:`` and ``,`` also become ``%3A`` and ``%2C``. File paths are relative to the repository root,
which is where the runner resolves them; a finding inside a zip is annotated on the zip, the member and line
in the message."""

from __future__ import annotations

from pathlib import Path

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
            props.append(f"file={escape_property(repo_path(at.file, root))}")
            if at.line:
                props.append(f"line={at.line}")
        props.append(f"title={escape_property(f'{f.rule} {f.name}')}")
        message = f"{f.message} ({f.component.key}" + (f"; in {at.inside}" if at.member else "") + ")"
        if f.fix:
            message += f"\nFix: {f.fix}"
        out.write(f"::{COMMANDS[f.severity]} {','.join(props)}::{escape_data(message)}\n")
    for e in result.errors:
        out.write(f"::error title=dvsa internal error::{escape_data(f'rule {e.rule} crashed: {e.message}')}\n")
