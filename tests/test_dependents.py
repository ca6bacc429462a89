"""`dvsa dependents`: by key and by name, --transitive with paths, --requires, JSON, ambiguous names.
Expected keys come from reading fixtures/solutions/contoso_approvals and fixtures/rules/DV102-cross-solution."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, SOLUTIONS

from analyzer.engine import load_all
from analyzer.graph import build_graph
from analyzer.reader import Limits

CONTOSO = SOLUTIONS / "contoso_approvals"
CROSS = FIXTURES / "rules" / "DV102-cross-solution"
CHECK_STATUS_ACTION = "workflow:d459c2fa-6f3c-f011-a5d1-7c1e5201cb90"
CHECK_STATUS_STEP = "step:200c9d3d-bc13-4ca3-ae55-beca89530389"
DATA_PLUGIN = "plugin_type:603f84bb-8381-4cca-a388-d7dd5d71e987"  # ApprovalDataPlugin: three steps on Update
DATA_STEPS = {"step:7fb2f03a-d4a7-45f9-ad1c-8d7f6520f0a6", "step:87dcc48a-ccb6-45cb-9d5d-ef3f6bc996c6",
              "step:d60633a8-d250-462a-a70f-a548b5d0f9db"}
DATA_IMAGES = {"step_image:33e54a6f-6ab5-4ca8-ac57-1fd2b90aa79f": "step:7fb2f03a-d4a7-45f9-ad1c-8d7f6520f0a6",
               "step_image:5cda8707-38bc-424e-a917-206ca556ab25": "step:87dcc48a-ccb6-45cb-9d5d-ef3f6bc996c6",
               "step_image:dcf6c379-5596-4f98-b845-ba6dc6245c80": "step:d60633a8-d250-462a-a70f-a548b5d0f9db"}


def _json(invoke, paths, *args) -> dict:
    return json.loads(invoke(0, ["dependents", *paths, "--format", "json", *args]).output)


@pytest.mark.parametrize("of", [CHECK_STATUS_ACTION, "contoso_CheckStatus", "CONTOSO_CHECKSTATUS",
                                "action contoso_CheckStatus", "Check Status"])
def test_by_key_message_name_or_display_name(invoke, of):
    out = invoke(0, ["dependents", CONTOSO, "--of", of]).output
    assert out.startswith("1 component(s) block deleting action contoso_CheckStatus [ContosoApprovals]:")
    assert "step 'Post Check Status' (PostOperation, sync) [ContosoApprovals]: registered on" in out
    assert "(through message contoso_CheckStatus)" in out and CHECK_STATUS_STEP in out


def test_transitive_across_two_solutions(invoke):
    doc = _json(invoke, [CROSS / "solution_a", CROSS / "solution_b"], "--of", "contoso_ApproveOrder", "--transitive")
    action = "workflow:a1021000-0000-4000-8000-000000000001"
    assert doc["of"] == {"key": action, "kind": "workflow", "name": "Approve Order", "solution": "ContosoCore"}
    assert doc["direction"] == "required-by"
    step = next(d for d in doc["dependents"] if d["key"] == "step:b1021000-0000-4000-8000-000000000001")
    assert (step["solution"], step["relation"]) == ("ContosoExtensions", "registered_on")
    assert step["path"] == [step["key"], "sdk_message:contoso_approveorder", action]


def test_transitive_follows_requirements_to_the_end(invoke):
    direct = _json(invoke, [CONTOSO], "--of", DATA_PLUGIN)
    assert {d["key"] for d in direct["dependents"]} == DATA_STEPS
    deep = _json(invoke, [CONTOSO], "--of", DATA_PLUGIN, "--transitive")
    assert {d["key"] for d in deep["dependents"]} == DATA_STEPS | set(DATA_IMAGES)
    for d in deep["dependents"]:
        if d["key"] in DATA_IMAGES:
            assert d["path"] == [d["key"], DATA_IMAGES[d["key"]], DATA_PLUGIN] and d["relation"] == "image_of"


def test_every_path_runs_along_edges(invoke):
    graph = build_graph(load_all([str(CONTOSO)], Limits()))
    for args in ([], ["--requires"]):
        doc = _json(invoke, [CONTOSO], "--of", CHECK_STATUS_STEP, "--transitive", *args)
        for d in doc["dependents"]:
            assert all(graph.edge_types(a, b) for a, b in zip(d["path"], d["path"][1:], strict=False))


def test_requires_is_the_other_direction(invoke):
    doc = _json(invoke, [CONTOSO], "--of", CHECK_STATUS_STEP, "--requires")
    assert doc["direction"] == "requires"
    assert {d["key"] for d in doc["dependents"]} == {"sdk_message:contoso_checkstatus",
                                                      "plugin_type:5f664248-44a0-4e11-b7d3-f5ed523e1075"}
    deep = _json(invoke, [CONTOSO], "--of", CHECK_STATUS_STEP, "--requires", "--transitive")
    action = next(d for d in deep["dependents"] if d["key"] == CHECK_STATUS_ACTION)
    assert action["path"] == [CHECK_STATUS_STEP, "sdk_message:contoso_checkstatus", CHECK_STATUS_ACTION]
    assert "plugin_assembly:e9722f24-8461-4e80-8d1b-2bc8ba9df7e3" in {d["key"] for d in deep["dependents"]}
    text = invoke(0, ["dependents", CONTOSO, "--of", CHECK_STATUS_STEP, "--requires"]).output
    assert text.startswith("step 'Post Check Status' (PostOperation, sync) [ContosoApprovals] requires 2 component(s):")


def test_ambiguous_name_lists_the_candidates(invoke):
    result = invoke(2, ["dependents", CONTOSO, "--of", "PreImage"])
    assert result.output.startswith("error: 'PreImage' names 2 components:")
    assert "step_image:33e54a6f-6ab5-4ca8-ac57-1fd2b90aa79f" in result.output
    assert "step_image:dcf6c379-5596-4f98-b845-ba6dc6245c80" in result.output


def test_unknown_component_is_a_clean_error(invoke):
    result = invoke(2, ["dependents", CONTOSO, "--of", "contoso_Nothing"])
    assert result.output == ("error: no component 'contoso_Nothing' in the analyzed solutions; "
                             "`dvsa inventory` lists the keys\n")
