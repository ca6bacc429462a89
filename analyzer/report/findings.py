"""Plain records of findings and solutions, shared by the JSON and SARIF renderers."""

from __future__ import annotations

from analyzer.model import Solution
from analyzer.result import AnalysisResult
from analyzer.rule import Finding


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
    return {"unique_name": s.unique_name, "version": s.version, "managed": s.managed_name, "layout": s.layout,
            "path": s.path, "components": len(s.components)}


def solution_summaries(result: AnalysisResult) -> list[dict]:
    return [solution_summary(s) for s in result.solutions]
