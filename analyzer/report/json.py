"""``dvsa check --format json``: a versioned, deterministically sorted document."""

from __future__ import annotations

from analyzer import __version__, inert
from analyzer.inventory import SCHEMA_VERSION
from analyzer.report.findings import finding_record, solution_summaries
from analyzer.result import AnalysisResult


def render(result: AnalysisResult, out, **_options) -> None:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "version": 1,  # before schema_version; kept for the scripts that read it
        "tool": {"name": "dvsa", "version": __version__, "rules": [r.id for r in result.rules]},
        "solutions": solution_summaries(result),
        "findings": [finding_record(f) for f in result.findings],
        "summary": result.summary(),
        "errors": [{"rule": e.rule, "message": e.message} for e in result.errors],
        "stale_suppressions": list(result.stale),
    }
    out.write(inert.json_dumps(doc, indent=2) + "\n")
