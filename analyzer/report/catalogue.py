"""The rule catalogue as the README's Markdown (``dvsa rules --markdown``, ``python -m analyzer.docs``): what each
severity promises, the table of rules, and for each error rule the platform behaviour behind it and its Learn page.

All of it is read from the rules themselves (their ``## Severity`` and ``## References`` docstring sections) and
from ``analyzer.rule.SEVERITY_POLICY``, so the README cannot drift from the code."""

from __future__ import annotations

import re

from analyzer.registry import Registry
from analyzer.rule import SEVERITY_POLICY, Rule, Severity

_LEARN = re.compile(r"https://learn\.microsoft\.com/\S+")


def section(rationale: str, title: str) -> str:
    """The text of the docstring section ``## title``, its lines joined by spaces; "" when there is none."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", rationale, re.S | re.M)
    return " ".join(match.group(1).split()) if match else ""


def rules_table(registry: Registry) -> str:
    lines = ["| id | name | severity | what it finds |", "|---|---|---|---|"]
    for r in registry.rules:
        lines.append(f"| {r.id} | `{r.name}` | {r.severity.value} | {r.title} |")
    return "\n".join(lines)


def severity_policy() -> str:
    """What error, warning and note promise, one bullet each."""
    return "\n".join(f"- **{name}**: {text}" for name, text in SEVERITY_POLICY.items())


def error_behaviour(rule: Rule) -> str:
    """``- DV101: <the platform behaviour> ([Learn](url))`` from the rule's Severity and References sections."""
    behaviour = section(rule.rationale, "Severity").removeprefix("An error:").strip()
    learn = _LEARN.search(section(rule.rationale, "References"))
    cite = f" ([Learn]({learn.group(0)}))" if learn else ""
    return f"- {rule.id} `{rule.name}`: {behaviour}{cite}"


def catalogue_markdown(registry: Registry) -> str:
    errors = [r for r in registry.rules if r.severity == Severity.ERROR]
    return "\n".join([
        "What each severity promises:", "", severity_policy(), "", rules_table(registry), "",
        "What the platform does on each error (from the rule's `## Severity`; `dvsa rules ID` has the rest):", "",
        *[error_behaviour(r) for r in errors]])
