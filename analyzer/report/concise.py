"""``--format concise``: one line a finding, ``path:line: DV101 [error] message``, then one summary line.

The path is the file the finding is in (``export.zip!customizations.xml:120`` inside a zip), or the component
key when the package names no file. Accepted findings are left out, as in the text report."""

from __future__ import annotations

from analyzer.inert import text as inert
from analyzer.report.locations import shown, where
from analyzer.report.text import summary_line
from analyzer.result import AnalysisResult


def render(result: AnalysisResult, out, **_options) -> None:
    for f in shown(result.findings):
        at = str(where(f, result)) or f.component.key
        out.write(f"{inert(at)}: {f.rule} [{f.severity.value}] {inert(f.message)}\n")
    for e in result.errors:
        out.write(f"internal error in rule {e.rule}: {inert(e.message)}\n")
    out.write(summary_line(result) + "\n")
