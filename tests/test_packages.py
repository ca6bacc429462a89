"""Two packages of one solution (managed + unmanaged export, or two versions) given together are never
merged: each is checked on its own, with the other solutions as context, whatever the argument order."""

from __future__ import annotations

import shutil

from conftest import FIXTURES, zip_folder

from analyzer.engine import analyze

DV101 = FIXTURES / "rules" / "DV101" / "solution"
DRAFT_STEP = "step:b1010000-0000-4000-8000-000000000001"  # on the Draft action CheckStatus (DV101 in 1.0)
SUBMIT_STEP = "step:b1010000-0000-4000-8000-000000000002"  # moved to MainOperation in 2.0 (DV105)


def _two_versions(tmp_path):
    """RuleDV101 1.0.0.0 as the fixture has it, and a 2.0.0.0 where CheckStatus is activated and the
    step 'Post Submit Request' was moved to stage 30: each version has a finding the other lacks."""
    old = zip_folder(DV101, tmp_path / "RuleDV101_1_0.zip")
    new = tmp_path / "v2"
    shutil.copytree(DV101, new)
    manifest = (new / "solution.xml").read_text(encoding="utf-8")
    (new / "solution.xml").write_text(manifest.replace("<Version>1.0.0.0</Version>", "<Version>2.0.0.0</Version>"),
                                      encoding="utf-8")
    body = (new / "customizations.xml").read_text(encoding="utf-8")
    body = body.replace("<StateCode>0</StateCode>\n      <StatusCode>1</StatusCode>",
                        "<StateCode>1</StateCode>\n      <StatusCode>2</StatusCode>", 1)
    marker = 'SdkMessageProcessingStepId="{b1010000-0000-4000-8000-000000000002}"'
    head, tail = body.split(marker)
    body = head + marker + tail.replace("<Stage>40</Stage>", "<Stage>30</Stage>", 1)
    (new / "customizations.xml").write_text(body, encoding="utf-8")
    return str(old), str(zip_folder(new, tmp_path / "RuleDV101_2_0.zip"))


def _findings(paths):
    result = analyze(paths, select=["DV101", "DV105"])
    return {(f.rule, f.component.key, f.package) for f in result.findings}


def test_each_package_keeps_its_findings_whatever_the_order(tmp_path):
    old, new = _two_versions(tmp_path)
    expected = {("DV101", DRAFT_STEP, old), ("DV105", SUBMIT_STEP, new)}
    assert _findings([old, new]) == expected
    assert _findings([new, old]) == expected


def test_other_solutions_are_context_for_each_package(tmp_path):
    # The action lives in one solution and its step in another: each copy of the step's solution
    # still resolves the step to the action (DV101 on each copy), none is merged away.
    cross = FIXTURES / "rules" / "DV102-cross-solution"
    actions = str(cross / "solution_a")
    steps_a = str(cross / "solution_b")
    steps_b = tmp_path / "solution_b_copy"
    shutil.copytree(cross / "solution_b", steps_b)
    result = analyze([actions, steps_a, str(steps_b)], select=["DV102"])
    once = analyze([actions, steps_a], select=["DV102"])
    assert {f.component.key for f in result.findings} == {f.component.key for f in once.findings}
    assert {f.package for f in result.findings} <= {actions}


def test_text_report_says_a_solution_was_given_twice(tmp_path, invoke):
    old, new = _two_versions(tmp_path)
    out = invoke(1, ["check", old, new, "--select", "DV101,DV105"]).output
    assert out.count("RuleDV101 was given 2 times: each package was checked on its own") == 2
    first, second = out.split("RuleDV101 2.0.0.0")
    assert "DV101 step-on-inactive-action" in first and "DV105 step-on-main-operation" not in first
    assert "DV105 step-on-main-operation" in second and "DV101 step-on-inactive-action" not in second
