"""``dvsa check`` for a terminal: grouped by solution, then severity; a help line per finding; a summary."""

from __future__ import annotations

from collections import Counter

import click

from analyzer.result import AnalysisResult
from analyzer.rule import Severity

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _belongs(f, s) -> bool:
    """The finding is about this package: by its path when known, else by the solution's name."""
    return f.package == s.path if f.package else f.component.solution == s.unique_name


def render(result: AnalysisResult, out, *, color: bool = False, **_options) -> None:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    names = Counter(s.unique_name for s in result.solutions)
    for s in result.solutions:
        findings = [f for f in result.findings if _belongs(f, s) and not f.suppressed]
        out.write(style(f"{s.unique_name} {s.version}", bold=True) + f"  ({s.managed_name}, {s.path})\n")
        if names[s.unique_name] > 1:
            out.write(f"  {s.unique_name} was given {names[s.unique_name]} times: each package was checked on its "
                      f"own, with the other solutions as context\n")
        if not findings:
            out.write("  no findings\n\n")
            continue
        for severity in Severity:
            group = sorted((f for f in findings if f.severity == severity), key=lambda f: (f.rule, f.component.key))
            if not group:
                continue
            out.write("  " + style(f"{severity.value}s ({len(group)})", fg=_COLORS[severity], bold=True) + "\n")
            for f in group:
                out.write(f"    {style(f.rule, fg=_COLORS[severity])} {f.name}: {f.message}\n")
                where = f"{f.location}" if f.location else ""
                out.write(style(f"      {f.component.key}" + (f"  at {where}" if where else ""), dim=True) + "\n")
                out.write(f"      help: {f.fix}\n")
        out.write("\n")
    orphans = [f for f in result.findings if f.component.solution not in {s.unique_name for s in result.solutions}]
    for f in orphans:  # findings about no single solution (none today; kept so nothing is ever hidden)
        out.write(f"  {f.rule} {f.name}: {f.message}\n")
    for entry in result.stale:
        out.write(style(f"stale: {entry} matched no finding; remove it", fg="yellow") + "\n")
    for e in result.errors:
        out.write(style(f"internal error in rule {e.rule}: {e.message}", fg="red") + "\n")
    counts = result.summary()
    total = sum(counts.values())
    suppressed = sum(1 for f in result.findings if f.suppressed)
    line = (f"{_plural(total, 'finding')}: {_plural(counts['error'], 'error')}, "
            f"{_plural(counts['warning'], 'warning')}, {_plural(counts['note'], 'note')}"
            f" in {_plural(len(result.solutions), 'solution')} ({_plural(len(result.rules), 'rule')} run)")
    if suppressed:
        line += f"; {suppressed} suppressed"
    out.write(style(line, bold=True) + "\n")
