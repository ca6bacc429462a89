"""Plain records of findings and solutions, shared by the JSON and SARIF renderers."""

from __future__ import annotations

from collections.abc import Iterable

from analyzer import __version__
from analyzer.inventory import SCHEMA_VERSION, solution_identity
from analyzer.model import Solution
from analyzer.result import AnalysisResult
from analyzer.rule import Finding, Rule


def finding_record(f: Finding) -> dict:
    record = {
        "rule": f.rule, "name": f.name, "severity": f.severity.value, "message": f.message,
        "component": {"key": f.component.key, "kind": f.component.kind, "name": f.component.name,
                      "solution": f.component.solution},
        "related": list(f.related),
        "location": {"path": f.location.path, "line": f.location.line} if f.location else None,
        "fix": f.fix,
        "package": f.package,
    }
    if f.suppressed:
        record["suppressed"] = True
    return record


def solution_summary(s: Solution) -> dict:
    """The shared solution record (analyzer.inventory.solution_identity) with the layout and component count."""
    return {**solution_identity(s), "layout": s.layout, "components": len(s.components)}


def solution_summaries(result: AnalysisResult) -> list[dict]:
    return [solution_summary(s) for s in result.solutions]


_OPTION_TYPE_NAMES = {int: "integer", bool: "boolean", str: "string", list[str]: "list of strings"}


def rule_record(r: Rule) -> dict:
    """One rule of `dvsa rules --format json`."""
    return {"id": r.id, "name": r.name, "title": r.title, "severity": r.severity.value, "stability": r.stability,
            "tags": sorted(r.tags), "fix": r.fix,
            "options": [{"name": o.name, "type": _OPTION_TYPE_NAMES[o.type],
                         "default": list(o.default) if isinstance(o.default, tuple) else o.default,
                         "help": o.help, "min": o.min, "max": o.max,
                         "choices": list(o.choices) if o.choices else None} for o in r.options],
            "rationale": r.rationale}


def rules_document(rules: Iterable[Rule]) -> dict:
    """`dvsa rules --format json`: the catalogue (docs/json.md)."""
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "dvsa", "version": __version__},
            "rules": [rule_record(r) for r in rules]}
