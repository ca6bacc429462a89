"""The README's rule table, generated from the registry so it cannot drift."""

from __future__ import annotations

import re

from analyzer.registry import Registry

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def rules_table(registry: Registry) -> str:
    lines = ["| id | name | severity | what it finds |", "|---|---|---|---|"]
    for r in registry.rules:
        lines.append(f"| {r.id} | `{r.name}` | {r.severity.value} | {r.title} |")
    return "\n".join(lines)


def replace_table(readme: str, table: str) -> str:
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        raise ValueError("README has no rules markers")
    return pattern.sub(lambda _m: f"{START}\n{table}\n{END}", readme)


def current_table(readme: str) -> str | None:
    match = re.search(re.escape(START) + r"\n(.*?)\n" + re.escape(END), readme, re.S)
    return match.group(1) if match else None
