"""Renderers: pure functions ``render(result, out, **options)``; they never decide anything.

The one place that says which formats ``check`` and ``diff`` write, which file extension means which format,
and how repeated ``--format`` and ``-o`` pair up (``plan_outputs``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import SolutionError
from analyzer.report import azure, concise, github, html, json, junit, markdown, sarif, text
from analyzer.report import diff as diff_report

FORMATS: dict[str, Callable] = {
    "text": text.render, "concise": concise.render, "json": json.render, "sarif": sarif.render,
    "junit": junit.render, "github": github.render, "azure": azure.render, "markdown": markdown.render,
    "html": html.render,
}


def _on_new_version(render: Callable) -> Callable:
    """A findings renderer over a diff: the findings of the new version, as ``check`` shows them."""
    return lambda result, out, **options: render(result.analysis, out, **options)


DIFF_FORMATS: dict[str, Callable] = {
    "text": diff_report.render_text, "concise": _on_new_version(concise.render), "json": diff_report.render_json,
    "sarif": diff_report.render_sarif, "junit": _on_new_version(junit.render),
    "github": _on_new_version(github.render), "azure": _on_new_version(azure.render),
    "markdown": diff_report.render_markdown,
}

# `-o FILE` without --format: the format from the extension
EXTENSIONS = {".sarif": "sarif", ".json": "json", ".xml": "junit", ".md": "markdown", ".html": "html",
              ".txt": "text"}


@dataclass(frozen=True, slots=True)
class Output:
    fmt: str
    path: str | None  # None: stdout


def format_of(path: str, formats: dict[str, Callable]) -> str:
    """The format an output file's extension names; a SolutionError for one it does not."""
    suffix = Path(path).suffix.lower()
    known = ", ".join(e for e, f in EXTENSIONS.items() if f in formats)
    fmt = EXTENSIONS.get(suffix)
    if fmt is not None and fmt not in formats:
        raise SolutionError(f"-o: this command writes no {fmt} report (it writes {', '.join(formats)})", path)
    if fmt is None:
        what = f"the extension {suffix!r}" if suffix else "no extension"
        raise SolutionError(f"-o: {what} names no report format (known: {known}); give --format before -o", path)
    return fmt


# Extensions that promise a file's content: pairing another format with one of them (`-o dvsa.sarif
# --format github` writes annotations into dvsa.sarif) is refused, never written. `.txt` promises nothing.
_STRICT_EXTENSIONS = (".sarif", ".json", ".xml", ".md", ".html")


def _check_pairing(o: Output) -> None:
    suffix = Path(o.path).suffix.lower() if o.path else ""
    named = EXTENSIONS.get(suffix)
    if suffix in _STRICT_EXTENSIONS and named is not None and named != o.fmt:
        raise SolutionError(f"-o: --format {o.fmt} is paired with this {named} file name (the n-th --format goes to "
                            f"the n-th -o): write --format {named} before it, or name the file for {o.fmt}", o.path)


def plan_outputs(formats: tuple[str, ...], outputs: tuple[str, ...],
                 available: dict[str, Callable] = FORMATS) -> list[Output]:
    """Pair the i-th ``--format`` with the i-th ``-o``: ``--format sarif -o dvsa.sarif --format github`` writes
    SARIF to the file and annotations to stdout. A format without a file goes to stdout (``-o -`` too); a file
    without a format takes it from its extension. At most one report goes to stdout; none given is text."""
    paths = [None if o == "-" else o for o in outputs]
    plan = [Output(fmt, paths[i] if i < len(paths) else None) for i, fmt in enumerate(formats)]
    for o in plan:
        _check_pairing(o)
    plan += [Output(format_of(p, available) if p else "text", p) for p in paths[len(formats):]]
    if not plan:
        plan = [Output("text", None)]
    for o in plan:
        if o.fmt not in available:
            raise SolutionError(f"--format {o.fmt}: not a format of this command (one of {', '.join(available)})")
    on_stdout = [o.fmt for o in plan if o.path is None]
    if len(on_stdout) > 1:
        raise SolutionError(f"--format {' and --format '.join(on_stdout)} would all go to stdout: give all but one "
                            f"an -o FILE")
    return plan


# the formats whose report ends with the summary line (text, -q and --statistics too; diff's text ends with check's)
SUMMARISED = frozenset({"text", "concise"})
# what a report may be made inert with on stdout (analyzer.inert): line by line, as JSON, or not at all (the
# annotation formats, whose renderers made each value inert and whose own commands must stay)
STREAM_KIND = {"json": "json", "sarif": "json", "github": "commands", "azure": "commands"}


def summary_line(result) -> str:
    """The summary line of ``check`` and ``diff``."""
    return text.summary_line(getattr(result, "analysis", result))


def files_line(result, plan: list[Output]) -> str | None:
    """The one line ``check`` and ``diff`` print to stderr when a report went to a file, so a CI log is never
    empty: the summary (unless a report on stdout already ends with it, which would print it twice) and the files
    written; None when no report went to a file."""
    written = [o for o in plan if o.path]
    if not written:
        return None
    files = "wrote " + ", ".join(f"{o.path} ({o.fmt})" for o in written)
    if any(o.path is None and o.fmt in SUMMARISED for o in plan):
        return files
    return f"{summary_line(result)}; {files}"
