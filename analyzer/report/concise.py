"""``--format concise``: one line a finding, ``path:line: DV101 [error] message``, then one summary line.

The path is the file the finding is in (``export.zip!customizations.xml:120`` inside a zip), or the component
key when the package names no file. Accepted findings are left out, as in the text report."""

from __future__ import annotations

from analyzer.report.locations import one_line, shown, where
from analyzer.result import AnalysisResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(result: AnalysisResult) -> str:
    """``3 findings: 1 error, 2 warnings, 0 notes in 1 solution (41 rules run); 2 accepted``."""
    counts = result.summary()
    line = (f"{_plural(sum(counts.values()), 'finding')}: {_plural(counts['error'], 'error')}, "
            f"{_plural(counts['warning'], 'warning')}, {_plural(counts['note'], 'note')} in "
            f"{_plural(len(result.solutions), 'solution')} ({_plural(len(result.rules), 'rule')} run)")
    accepted = sum(1 for f in result.findings if f.suppressed)
    return line + (f"; {accepted} accepted" if accepted else "")


def render(result: AnalysisResult, out, **_options) -> None:
    for f in shown(result.findings):
        at = str(where(f, result)) or f.component.key
        out.write(f"{at}: {f.rule} [{f.severity.value}] {one_line(f.message)}\n")
    for e in result.errors:
        out.write(f"internal error in rule {e.rule}: {one_line(e.message)}\n")
    out.write(summary_line(result) + "\n")
