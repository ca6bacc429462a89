"""The rule catalogue as the README's Markdown table (``dvsa rules --markdown``)."""

from __future__ import annotations

from analyzer.registry import Registry


def rules_table(registry: Registry) -> str:
    lines = ["| id | name | severity | what it finds |", "|---|---|---|---|"]
    for r in registry.rules:
        lines.append(f"| {r.id} | `{r.name}` | {r.severity.value} | {r.title} |")
    return "\n".join(lines)
