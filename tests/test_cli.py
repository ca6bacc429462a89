"""The CLI over the real pipeline on small fixtures: exit codes, formats, selection, output files."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import FIXTURES, ROOT

DV101 = FIXTURES / "rules" / "DV101" / "solution"
DRAFT_STEP = "step:b1010000-0000-4000-8000-000000000001"


def test_check_exits_1_on_an_error_finding(invoke):
    result = invoke(1, ["check", DV101, "--select", "DV101"])
    assert "DV101" in result.output and "Post Check Status" in result.output
    assert "contoso_CheckStatus" in result.output


@pytest.mark.parametrize("fail_on,code", [("error", 1), ("warning", 1), ("note", 1), ("never", 0)])
def test_fail_on(invoke, fail_on, code):
    invoke(code, ["check", DV101, "--select", "DV101", "--fail-on", fail_on])


def test_ignore_removes_the_finding(invoke):
    result = invoke(0, ["check", DV101, "--select", "DV101,DV102", "--ignore", "DV101"])
    assert "step-on-inactive-action" not in result.output and "(1 rule run)" in result.output


def test_json_shape(invoke):
    result = invoke(1, ["check", DV101, "--select", "DV101", "--format", "json"])
    doc = json.loads(result.output)
    assert set(doc) >= {"tool", "solutions", "findings", "summary"}
    assert doc["summary"] == {"error": 1, "warning": 0, "note": 0}
    [finding] = doc["findings"]
    assert finding["rule"] == "DV101" and finding["name"] == "step-on-inactive-action"
    assert finding["component"] == {"key": DRAFT_STEP, "kind": "step", "name": "Post Check Status",
                                    "solution": "RuleDV101"}
    assert "workflow:a1010000-0000-4000-8000-000000000001" in finding["related"]
    assert finding["location"]["path"] == "customizations.xml" and finding["location"]["line"] > 1
    assert finding["fix"]


def test_sarif_validates_against_the_schema(invoke):
    schema_path = ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"  # vendored: runs in a clean clone
    result = invoke(1, ["check", DV101, "--format", "sarif"])
    doc = json.loads(result.output)
    jsonschema.validate(doc, json.loads(schema_path.read_text()))
    run = doc["runs"][0]
    [res] = [r for r in run["results"] if r["ruleId"] == "DV101"]
    assert res["level"] == "error"
    assert res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == DRAFT_STEP
    assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == "DV101"


def test_output_file_is_written_whole(invoke, tmp_path):
    target = tmp_path / "report.json"
    invoke(1, ["check", DV101, "--select", "DV101", "--format", "json", "-o", target])
    assert json.loads(target.read_text())["summary"]["error"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temp file left


def test_rules_lists_and_explains(invoke):
    listing = invoke(0, ["rules"]).output
    assert "DV101" in listing and "step-on-inactive-action" in listing
    one = invoke(0, ["rules", "DV101"]).output
    assert "## Why is this bad?" in one and "learn.microsoft.com" in one
    assert invoke(0, ["rules", "step-on-inactive-action"]).output == one
    invoke(2, ["rules", "DV999"])


def test_crashing_rule_exits_2_naming_it(invoke, monkeypatch):
    from analyzer import engine
    from analyzer import registry as registry_module
    from analyzer.rule import Severity, rule

    @rule(id="DV999", name="always-crashes", severity=Severity.NOTE, title="Crashes", fix="Nothing.")
    def crashing(ctx):
        """## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## How to fix\nx"""
        raise RuntimeError("boom")

    real = registry_module.discover()
    monkeypatch.setattr(engine, "discover",
                        lambda: registry_module.Registry.from_rules([*real.rules, crashing]))
    result = invoke(2, ["check", DV101])
    assert "DV999" in result.output and "boom" in result.output
    assert "DV101" in result.output  # the other rules still ran


def test_graph_dot(invoke):
    out = invoke(0, ["graph", DV101]).output
    assert out.startswith("digraph")
    assert f'"{DRAFT_STEP}" -> "sdk_message:contoso_checkstatus"' in out  # keys quoted whole: no node:port
    assert '"sdk_message:contoso_checkstatus" -> "workflow:a1010000-0000-4000-8000-000000000001"' in out


def test_graph_unknown_focus_is_a_clean_error(invoke):
    result = invoke(2, ["graph", DV101, "--focus", "workflow:nope"])
    assert "no component" in result.output


def test_dependents_lists_what_blocks_deleting_an_action(invoke):
    out = invoke(0, ["dependents", DV101, "--of", "workflow:a1010000-0000-4000-8000-000000000001"]).output
    assert "1 component(s) block deleting action contoso_CheckStatus" in out
    assert "step 'Post Check Status'" in out and DRAFT_STEP in out
    assert "Post Submit Request" not in out


def test_dependents_of_an_unused_component(invoke):
    out = invoke(0, ["dependents", DV101, "--of", DRAFT_STEP]).output
    assert out.startswith("Nothing in the analyzed solutions blocks deleting step 'Post Check Status'")
    invoke(2, ["dependents", DV101, "--of", "step:nope"])


def test_unknown_rule_in_select_is_an_error(invoke):
    result = invoke(2, ["check", DV101, "--select", "DV1O1"])
    assert "no rule matches 'DV1O1'" in result.output
