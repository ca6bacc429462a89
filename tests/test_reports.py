"""Reports and diagrams against golden files (regenerate with `pytest --update-golden`).

The composite input is the bundled sample plus the 2011-style export, analyzed together with
every rule; the tool version is redacted so a release does not churn the files."""

from __future__ import annotations

import io
import json

import pytest
from conftest import ROOT

from analyzer import __version__
from analyzer.diagram import to_digraph
from analyzer.engine import analyze
from analyzer.report import FORMATS

INPUTS = ["fixtures/solutions/contoso_approvals", "fixtures/solutions/legacy_2011"]


@pytest.fixture(scope="module")
def result():
    import os
    cwd = os.getcwd()
    os.chdir(ROOT)  # relative paths in, relative paths out
    try:
        return analyze(INPUTS)
    finally:
        os.chdir(cwd)


def render(result, fmt: str) -> str:
    out = io.StringIO()
    FORMATS[fmt](result, out, color=False)
    # the repository root SARIF names as %SRCROOT% is where this checkout happens to be
    return out.getvalue().replace(f'"{__version__}"', '"[VERSION]"').replace(ROOT.as_uri() + "/", "file:///[ROOT]/")


@pytest.mark.parametrize("fmt,name", [("text", "report.txt"), ("json", "report.json"), ("sarif", "report.sarif")])
def test_golden_reports(result, golden, fmt, name, monkeypatch):
    monkeypatch.chdir(ROOT)
    golden(name, render(result, fmt))


def test_json_findings_are_sorted_and_complete(result):
    doc = json.loads(render(result, "json"))
    keys = [(f["component"]["solution"], f["component"]["key"], f["rule"]) for f in doc["findings"]]
    assert keys == sorted(keys)
    assert {s["unique_name"] for s in doc["solutions"]} == {"ContosoApprovals", "ContosoLegacyAudit"}


def test_dot_outlines_nodes_by_worst_finding(result):
    source = to_digraph(result.graph, result.findings).source
    draft_step = '"step:200c9d3d-bc13-4ca3-ae55-beca89530389"'
    line = next(l for l in source.splitlines() if l.strip().startswith(draft_step + " ["))
    assert "color=\"#c62828\"" in line and 'penwidth="2.5"' in line  # DV101 error outline (diagram.SEVERITY_COLOUR)
