"""``--format markdown``: a summary for ``$GITHUB_STEP_SUMMARY`` or a pull-request comment.

A table of counts by solution and severity, then the findings as a table, most severe first, bounded: at most
``MAX_ROWS`` rows and ``MAX_BYTES`` bytes (GitHub takes at most 1 MiB of summary per step,
https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands "Adding a job summary", and a
comment body holds at most 65,536 characters), with a last line saying how many were left out.

Names and messages come from the package: ``text`` makes one inert (``analyzer.inert``) and then escapes every
character Markdown or GitHub would act on, so a name never becomes a link, emphasis, a mention, HTML, code or a
new table cell; ``code`` writes a key as a code span whatever backticks it holds. Both are the diff report's too."""

from __future__ import annotations

import re

from analyzer import inert
from analyzer.report.locations import shown, where
from analyzer.report.text import summary_line
from analyzer.result import AnalysisResult
from analyzer.rule import Severity

MAX_ROWS = 200
MAX_BYTES = 60_000  # under a pull-request comment's 65,536 characters, far under a step summary's 1 MiB
ICONS = {Severity.ERROR: "🔴 error", Severity.WARNING: "🟡 warning", Severity.NOTE: "🔵 note"}


# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that start something: emphasis,
# code, links and images, HTML and autolinks, table cells, strikethrough, headings, math and entities; `_` only
# where it can open or close emphasis (not inside a word: contoso_CheckStatus stays readable), and `:` where it
# makes `https://` an autolink or `::` a command
_PUNCTUATION = re.compile(r"([\\`*\[\]<>!|~#$&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|:(?=[:/]))")
_WWW = re.compile(r"(www)\.", re.IGNORECASE)  # GitHub autolinks `www.example.com` without a scheme
# GitHub links @user and #123 in the rendered text, after backslashes are gone: a zero-width space after the sign
# (what Dependabot writes) keeps them text
_REFERENCE = re.compile(r"([@#])(?=[A-Za-z0-9])")


def text(value: object) -> str:
    """A value from a package as Markdown text on one line that renders as the inert text (with a zero-width space
    after an ``@`` or ``#`` that starts a word)."""
    escaped = _PUNCTUATION.sub(lambda m: "\\" + m.group(), inert.text(value))
    return _REFERENCE.sub(r"\1&#8203;", _WWW.sub(r"\1\\.", escaped))


def code(value: object, *, table: bool = True) -> str:
    """A value as a code span: fenced by more backticks than it holds; ``|`` escaped inside a table (GFM reads
    ``\\|`` there even in code), nothing else (code shows backslashes and entities as they are)."""
    shown_text = inert.text(value)
    if table:
        shown_text = shown_text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", shown_text)), default=0) + 1)
    pad = " " if shown_text.startswith("`") or shown_text.endswith("`") else ""
    return f"{fence}{pad}{shown_text}{pad}{fence}"


def render(result: AnalysisResult, out, **_options) -> None:
    out.write(f"## dvsa check\n\n{text(summary_line(result))}\n\n")
    out.write("| solution | version | errors | warnings | notes |\n|---|---|---:|---:|---:|\n")
    for s in result.solutions:
        mine = [f for f in shown(result.findings) if (f.package == s.path if f.package
                                                       else f.component.solution == s.unique_name)]
        counts = [sum(1 for f in mine if f.severity == sev) for sev in Severity]
        out.write(f"| {text(s.unique_name)} | {text(s.version)} | " + " | ".join(map(str, counts)) + " |\n")
    for e in result.errors:
        out.write(f"\n**Internal error** in rule {text(e.rule)}: {text(e.message)}\n")
    findings = sorted(shown(result.findings), key=lambda f: -f.severity.rank)  # stable: report order kept within
    if not findings:
        out.write("\nNo findings.\n")
        return
    out.write("\n| severity | rule | component | where | message |\n|---|---|---|---|---|\n")
    written = 0
    for n, f in enumerate(findings):
        at = where(f, result)
        row = (f"| {ICONS[f.severity]} | {text(f.rule)} {text(f.name)} | {code(f.component.key)} | "
               f"{code(str(at)) if at.file else ''} | {text(f.message)} |\n")
        written += len(row.encode("utf-8"))
        if n >= MAX_ROWS or written > MAX_BYTES:
            out.write(f"\n… and {len(findings) - n} more findings: see the full report (`dvsa check`, SARIF or "
                      "JSON).\n")
            return
        out.write(row)
