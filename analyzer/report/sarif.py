"""SARIF 2.1.0 for code scanning. Rules come from the registry metadata; results carry a logical
location (the component key) and a fingerprint of rule id + component key, which survive re-export
better than line numbers do."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from analyzer import __version__
from analyzer.result import AnalysisResult
from analyzer.rule import Finding, Rule

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _rule(r: Rule) -> dict:
    return {
        "id": r.id, "name": r.name,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.rationale},
        "help": {"text": r.fix, "markdown": r.rationale},
        "defaultConfiguration": {"level": r.severity.value},
        "properties": {"tags": sorted(r.tags)},
    }


def _artifact_uri(solution_path: str | None, member: str) -> str:
    """The member as a path relative to the working directory: ``src/Workflows/x.xaml.data.xml``
    for an unpacked folder; for a zip, ``export.zip/customizations.xml`` (inside the archive)."""
    if not solution_path:
        return member
    full = Path(solution_path) / member
    try:
        rel = os.path.relpath(full)
    except ValueError:  # another drive on Windows
        rel = str(full)
    return Path(rel).as_posix()


def _result(f: Finding, index: dict[str, int], paths: dict[str, str]) -> dict:
    result = {
        "ruleId": f.rule, "ruleIndex": index[f.rule], "level": f.severity.value,
        "message": {"text": f"{f.message}. Fix: {f.fix}" if f.fix else f.message},
        "locations": [{
            "logicalLocations": [{"fullyQualifiedName": f.component.key, "kind": f.component.kind,
                                  "name": f.component.name}],
        }],
        "partialFingerprints": {
            "dvsaComponent/v1": hashlib.sha256(f"{f.rule}|{f.component.key}".encode()).hexdigest()[:32]},
    }
    if f.location:
        package = f.package or paths.get(f.component.solution or "")
        physical = {"artifactLocation": {"uri": _artifact_uri(package, f.location.path)}}
        if f.location.line:
            physical["region"] = {"startLine": f.location.line}
        result["locations"][0]["physicalLocation"] = physical
    if f.related:
        result["relatedLocations"] = [
            {"id": i, "logicalLocations": [{"fullyQualifiedName": key}]} for i, key in enumerate(f.related, 1)]
    if f.suppressed:
        result["suppressions"] = [{"kind": "external"}]
    return result


def render(result: AnalysisResult, out, **_options) -> None:
    rules = sorted(result.rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    paths = {s.unique_name: s.path for s in result.solutions}
    doc = {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dvsa", "fullName": "dataverse-solution-analyzer", "version": __version__,
                                "rules": [_rule(r) for r in rules]}},
            "results": [_result(f, index, paths) for f in result.findings],
            "invocations": [{"executionSuccessful": not result.errors,
                             "toolExecutionNotifications": [
                                 {"level": "error", "message": {"text": f"rule {e.rule} crashed: {e.message}"}}
                                 for e in result.errors]}],
        }],
    }
    json.dump(doc, out, indent=2)
    out.write("\n")
