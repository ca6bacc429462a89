"""Every real solution in ../shared/corpus reads without error, and its counts equal counts
established independently from the files (tests/corpus_expected.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from corpus_expected import EXPECTED  # tests/ is put on sys.path by conftest

from analyzer.graph import build_graph
from analyzer.model import CustomApi, PluginType, Step, Workflow
from analyzer.reader import load


def _counts(solution) -> dict:
    kinds = Counter(c.kind for c in solution.components)
    workflows: dict = {}
    for w in solution.components:
        if isinstance(w, Workflow):
            workflows.setdefault(w.category_name, {"active": 0, "draft": 0})[w.state] += 1
    actions = {w.sdk_message_id for w in solution.components if isinstance(w, Workflow) and w.is_action}
    wfs = [w for w in solution.components if isinstance(w, Workflow)]
    return {
        "unique_name": solution.unique_name, "version": solution.version, "managed": solution.managed,
        "workflows": workflows,
        "steps": kinds["step"], "step_images": kinds["step_image"],
        "plugin_assemblies": kinds["plugin_assembly"], "plugin_types": kinds["plugin_type"],
        "custom_workflow_activities": sum(1 for c in solution.components
                                          if isinstance(c, PluginType) and c.is_workflow_activity),
        "custom_apis": kinds["custom_api"],
        "custom_api_request_parameters": kinds["custom_api_request_parameter"],
        "custom_api_response_properties": kinds["custom_api_response_property"],
        "entities": kinds["entity"], "security_roles": kinds["security_role"],
        "connection_references": kinds["connection_reference"], "environment_variables": kinds["environment_variable"],
        "web_resources": kinds["web_resource"],
        "root_components": len(solution.root_components), "missing_dependencies": len(solution.missing_dependencies),
        "steps_on_actions": sum(1 for c in solution.components if isinstance(c, Step) and c.message_id in actions),
        "flow_action_calls": sum(len(w.flow_calls) for w in wfs),
        # The model keeps a custom activity once per workflow; in the corpus no workflow uses one twice.
        "xaml_custom_activity_refs": sum(len(w.custom_activities) for w in wfs),
        "xaml_invoke_sdk_message": sum(len(w.invoked_messages) for w in wfs),
    }


@pytest.mark.parametrize("item", sorted(EXPECTED))
def test_corpus_item_counts(corpus, item):
    solution = load(str(corpus / item))
    expected = dict(EXPECTED[item])
    got = _counts(solution)
    expected_workflows = {k: v for k, v in expected.pop("workflows").items()}
    got_workflows = got.pop("workflows")
    assert got_workflows == expected_workflows
    assert {k: got[k] for k in expected} == expected


def test_item1_steps_resolve_to_their_actions(corpus):
    """The four steps on custom-action messages in #1 name their action, not a GUID."""
    solution = load(str(corpus / "carltoncolter__dyn-req-mgmt/SolutionPackage/package"))
    steps = {c.name: c for c in solution.components if isinstance(c, Step)}
    graph = build_graph([solution])

    def message(name):
        ref = graph.message_ref(steps[name].key)
        return ref.name, ref.known_by

    assert message("Post Apply Template Group") == ("fdbzap_ar_applytemplategroup", "id")
    assert message("Post Check Status Approval Request") == ("fdbzap_ar_checkstatus", "id")
    assert message("Post CreateGroupFromSelection Action") == ("fdbzap_CreateGroupFromSelection", "id")
    assert steps["Post CreateGroupFromSelection Action"].primary_entity is None
    assert message("Post Update Approval Request Regarding Object") == ("fdbzap_ar_update_regardingobject", "id")
    assert message("Post Update Approval Action") == ("Update", "id")
    assert message("PreCreate Account") == ("Create", "id") and steps["PreCreate Account"].stage == 20
    assert steps["Post Create Email"].mode == 1
    on_action = graph.message_of(steps["Post Check Status Approval Request"].key)
    definition = graph.definition_of(on_action)
    assert definition is not None and definition.name == "Check Approval Status"


def test_item1_xaml_links(corpus):
    solution = load(str(corpus / "carltoncolter__dyn-req-mgmt/SolutionPackage/package"))
    by_name = {c.name: c for c in solution.components if isinstance(c, Workflow)}
    approval = by_name["Approval Request"]
    assert [(m.message_id, m.message_name) for m in approval.invoked_messages] == [
        ("ba14d60c-b407-e811-a959-000d3a1087a0", "fdbzap_ar_applytemplategroup")]
    users = sorted(w.name for w in by_name.values() if w.custom_activities)
    assert len(users) == 4
    for w in by_name.values():
        for aqn in w.custom_activities:
            assert aqn.startswith("FedBizApps.RequestManagement.Plugins.Workflow.GetEntityDetails,")


def test_item5_flow_calls_and_triggers(corpus):
    solution = load(str(corpus / "microsoft__Power-CAT-Copilot-Studio-Kit/CopilotStudioAccelerator/SolutionPackage/src"))
    apis = {c.unique_name.lower() for c in solution.components if isinstance(c, CustomApi)}
    calls = [call for w in solution.components if isinstance(w, Workflow) for call in w.flow_calls]
    assert not any(c.action_name.lower().startswith("microsoft.dynamics.crm.") for c in calls)
    triggers = [t for w in solution.components if isinstance(w, Workflow) for t in w.flow_triggers if t.kind == "message"]
    # FORMAT.md §8: AgentComplianceQuarantine is triggered by the Custom API cat_SetCaseQuarantined.
    assert any(t.message == "cat_SetCaseQuarantined" and t.entity == "cat_compliancecase" for t in triggers)
    assert "cat_setcasequarantined" in apis
