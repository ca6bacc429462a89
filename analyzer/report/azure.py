"""``--format azure``: Azure Pipelines logging commands, one issue a finding.

``##vso[task.logissue type=error;sourcepath=…;linenumber=…;code=DV101]message``, from "Logging commands",
https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands (LogIssue: ``type`` is ``error`` or
``warning``; file paths are given absolute). The agent has no third type, so a note is printed as a plain log
line and does not mark the step as having issues. Escaping follows azure-pipelines-task-lib's
``node/taskcommand.ts``: in a property ``%`` -> ``%AZP25``, CR -> ``%0D``, LF -> ``%0A``, ``]`` -> ``%5D``,
``;`` -> ``%3B``; in the message the first three. A finding inside a zip is reported on the zip, the member
and its line in the message. Every value from the package is made inert first (``analyzer.inert``): the agent
runs a ``##vso[`` anywhere in a line, so a note line, printed as it is, must hold none."""

from __future__ import annotations

from pathlib import Path

from analyzer.inert import text as inert
from analyzer.report.locations import shown, where
from analyzer.result import AnalysisResult
from analyzer.rule import Severity


def escape_data(text: str) -> str:
    return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace("]", "%5D").replace(";", "%3B")


def render(result: AnalysisResult, out, **_options) -> None:
    for f in shown(result.findings):
        at = where(f, result)
        message = f"{f.rule} {inert(f.name)}: {inert(f.message)} ({inert(f.component.key)}" + (
            f"; in {inert(at.inside)}" if at.member else "") + ")" + (f" Fix: {inert(f.fix)}" if f.fix else "")
        if f.severity == Severity.NOTE:
            out.write(f"note: {message}" + (f" at {inert(at)}" if at.file else "") + "\n")
            continue
        props = [f"type={f.severity.value}"]
        if at.file:
            props.append(f"sourcepath={escape_property(inert(Path(at.file).resolve().as_posix()))}")
            if at.line:
                props.append(f"linenumber={at.line}")
        props.append(f"code={escape_property(f.rule)}")
        out.write(f"##vso[task.logissue {';'.join(props)}]{escape_data(message)}\n")
    for e in result.errors:
        text = escape_data(inert(f"rule {e.rule} crashed: {e.message}"))
        out.write(f"##vso[task.logissue type=error;code=internal]{text}\n")
