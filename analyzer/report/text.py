"""``dvsa check`` for a terminal: grouped by solution, then severity; a help line per finding; a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import click

from analyzer.inert import text as inert
from analyzer.result import AnalysisResult
from analyzer.rule import Severity

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _belongs(f, s) -> bool:
    """The finding is about this package: by its path when known, else by the solution's name."""
    return f.package == s.path if f.package else f.component.solution == s.unique_name


def use_color(choice: str, is_tty: bool, environ: Mapping[str, str]) -> bool:
    """``--color always|never`` wins; with ``auto``: ``NO_COLOR`` (https://no-color.org: set and not empty) or
    ``TERM=dumb`` turn colour off, ``FORCE_COLOR`` (set, not empty, not "0") turns it on, else a terminal has it."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    if environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    return is_tty


def render(result: AnalysisResult, out, *, color: bool = False, quiet: bool = False, statistics: bool = False,
           **_options) -> None:
    """``quiet``: only the summary line; ``statistics``: counts by rule (as ruff's) instead of each finding."""
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    if quiet:
        out.write(style(summary_line(result), bold=True) + "\n")
        return
    if statistics:
        _statistics(result, out, style)
        out.write(style(summary_line(result), bold=True) + "\n")
        return
    names = Counter(s.unique_name for s in result.solutions)
    for s in result.solutions:
        findings = [f for f in result.findings if _belongs(f, s) and not f.suppressed]
        out.write(style(f"{inert(s.unique_name)} {inert(s.version)}", bold=True)
                  + f"  ({s.managed_name}, {inert(s.path)})\n")
        if names[s.unique_name] > 1:
            out.write(f"  {inert(s.unique_name)} was given {names[s.unique_name]} times: each package was checked on "
                      f"its own, with the other solutions as context\n")
        if not findings:
            out.write("  no findings\n\n")
            continue
        for severity in Severity:
            group = sorted((f for f in findings if f.severity == severity), key=lambda f: (f.rule, f.component.key))
            if not group:
                continue
            out.write("  " + style(f"{severity.value}s ({len(group)})", fg=_COLORS[severity], bold=True) + "\n")
            for f in group:
                out.write(f"    {style(f.rule, fg=_COLORS[severity])} {inert(f.name)}: {inert(f.message)}\n")
                where = inert(f.location) if f.location else ""
                out.write(style(f"      {inert(f.component.key)}" + (f"  at {where}" if where else ""), dim=True)
                          + "\n")
                out.write(f"      help: {inert(f.fix)}\n")
        out.write("\n")
    orphans = [f for f in result.findings if f.component.solution not in {s.unique_name for s in result.solutions}]
    for f in orphans:  # findings about no single solution (none today; kept so nothing is ever hidden)
        out.write(f"  {f.rule} {inert(f.name)}: {inert(f.message)}\n")
    for entry in result.stale:
        out.write(style(f"stale: {inert(entry)} matched no finding; remove it", fg="yellow") + "\n")
    for e in result.errors:
        out.write(style(f"internal error in rule {e.rule}: {inert(e.message)}", fg="red") + "\n")
    out.write(style(summary_line(result), bold=True) + "\n")


def summary_line(result: AnalysisResult) -> str:
    """``3 findings: 1 error, 2 warnings, 0 notes in 1 solution (41 rules run)``."""
    counts = result.summary()
    total = sum(counts.values())
    suppressed = sum(1 for f in result.findings if f.suppressed)
    line = (f"{_plural(total, 'finding')}: {_plural(counts['error'], 'error')}, "
            f"{_plural(counts['warning'], 'warning')}, {_plural(counts['note'], 'note')}"
            f" in {_plural(len(result.solutions), 'solution')} ({_plural(len(result.rules), 'rule')} run)")
    if suppressed:
        line += f"; {suppressed} suppressed"
    return line


def statistics(result: AnalysisResult) -> list[tuple[int, str, str, Severity]]:
    """(count, rule id, rule name, severity) of the findings that remain, most frequent first, then by id."""
    counts = Counter((f.rule, f.name, f.severity) for f in result.findings if not f.suppressed)
    return sorted(((n, rule, name, sev) for (rule, name, sev), n in counts.items()), key=lambda t: (-t[0], t[1]))


def _statistics(result: AnalysisResult, out, style) -> None:
    for n, rule, name, severity in statistics(result):
        out.write(f"{n:>5}  {style(rule, fg=_COLORS[severity])}  [{severity.value}]  {inert(name)}\n")
