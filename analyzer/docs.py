"""The README's generated parts: the rule catalogue (severity policy, table, what the platform does on each
error) and the example output, so neither can drift.

Regenerate with ``python -m analyzer.docs`` from the repository root. A development tool that sits
above the CLI (it runs it for the example); nothing in the package imports it."""

from __future__ import annotations

import re

from analyzer.report.catalogue import catalogue_markdown

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def current_table(readme: str) -> str | None:
    return between(readme, START, END)


EXAMPLE_START, EXAMPLE_END = "<!-- example:start -->", "<!-- example:end -->"
EXAMPLE_ARGS = ["check", "fixtures/solutions/contoso_approvals"]


def example_block(output: str) -> str:
    return f"```console\n$ dvsa {' '.join(EXAMPLE_ARGS)}\n{output.rstrip()}\n```"


def replace_between(readme: str, start: str, end: str, body: str) -> str:
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(readme):
        raise ValueError(f"README has no {start} marker")
    return pattern.sub(lambda _m: f"{start}\n{body}\n{end}", readme)


def between(readme: str, start: str, end: str) -> str | None:
    match = re.search(re.escape(start) + r"\n(.*?)\n" + re.escape(end), readme, re.S)
    return match.group(1) if match else None


def main() -> None:
    """Regenerate the README's rule table and example output (run from the repository root)."""
    from pathlib import Path

    from click.testing import CliRunner

    from analyzer.cli import main as cli
    from analyzer.registry import discover

    path = Path("README.md")
    readme = path.read_text(encoding="utf-8")
    readme = replace_between(readme, START, END, catalogue_markdown(discover()))
    output = CliRunner().invoke(cli, EXAMPLE_ARGS).output
    readme = replace_between(readme, EXAMPLE_START, EXAMPLE_END, example_block(output))
    path.write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    main()
