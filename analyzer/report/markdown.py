"""``--format markdown``: a summary for ``$GITHUB_STEP_SUMMARY`` or a pull-request comment.

A table of counts by solution and severity, then the findings as a table, most severe first, bounded: at most
``MAX_ROWS`` rows and ``MAX_BYTES`` bytes (GitHub takes at most 1 MiB of summary per step,
https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands "Adding a job summary", and a
comment body holds at most 65,536 characters), with a last line saying how many were left out. Cells are
escaped so a component name cannot break the table or inject HTML."""

from __future__ import annotations

from analyzer.report.locations import shown, where
from analyzer.report.text import summary_line
from analyzer.result import AnalysisResult
from analyzer.rule import Severity

MAX_ROWS = 200
MAX_BYTES = 60_000  # under a pull-request comment's 65,536 characters, far under a step summary's 1 MiB
ICONS = {Severity.ERROR: "🔴 error", Severity.WARNING: "🟡 warning", Severity.NOTE: "🔵 note"}


def cell(text: str) -> str:
    """Text for one table cell: one line, ``|`` escaped, ``<``/``>``/``&`` as entities."""
    text = " ".join(str(text).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _code(text: str) -> str:
    text = cell(text)
    return f"`{text}`" if "`" not in text else text


def render(result: AnalysisResult, out, **_options) -> None:
    out.write(f"## dvsa check\n\n{cell(summary_line(result))}\n\n")
    out.write("| solution | version | errors | warnings | notes |\n|---|---|---:|---:|---:|\n")
    for s in result.solutions:
        mine = [f for f in shown(result.findings) if (f.package == s.path if f.package
                                                       else f.component.solution == s.unique_name)]
        counts = [sum(1 for f in mine if f.severity == sev) for sev in Severity]
        out.write(f"| {cell(s.unique_name)} | {cell(s.version)} | " + " | ".join(map(str, counts)) + " |\n")
    for e in result.errors:
        out.write(f"\n**Internal error** in rule {cell(e.rule)}: {cell(e.message)}\n")
    findings = sorted(shown(result.findings), key=lambda f: -f.severity.rank)  # stable: report order kept within
    if not findings:
        out.write("\nNo findings.\n")
        return
    out.write("\n| severity | rule | component | where | message |\n|---|---|---|---|---|\n")
    written = 0
    for n, f in enumerate(findings):
        at = where(f, result)
        row = (f"| {ICONS[f.severity]} | {cell(f.rule)} {cell(f.name)} | {_code(f.component.key)} | "
               f"{_code(str(at)) if at.file else ''} | {cell(f.message)} |\n")
        written += len(row.encode("utf-8"))
        if n >= MAX_ROWS or written > MAX_BYTES:
            out.write(f"\n… and {len(findings) - n} more findings: see the full report (`dvsa check`, SARIF or "
                      "JSON).\n")
            return
        out.write(row)
