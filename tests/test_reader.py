"""The reader on the hand-made fixtures (fixtures/solutions/README.md lists every expected value)."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import pytest
from conftest import SOLUTIONS, comparable_components, zip_folder

from analyzer.graph import build_graph
from analyzer.inventory import summary_lines
from analyzer.model import CustomApi, PluginType, Step, Workflow
from analyzer.reader import load

UNPACKED = SOLUTIONS / "contoso_approvals"
EXTRACTED = SOLUTIONS / "contoso_approvals_zip"
LEGACY = SOLUTIONS / "legacy_2011"


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    """The same solution read from all three shapes: unpacked folder, extracted folder, real zip."""
    zipped = zip_folder(EXTRACTED, tmp_path_factory.mktemp("z") / "ContosoApprovals_1_4_0_2.zip")
    return {"unpacked": load(str(UNPACKED)), "extracted": load(str(EXTRACTED)), "zip": load(str(zipped))}


def by_key(solution):
    return {c.key: c for c in solution.components}


def test_layouts_are_detected(layouts):
    assert {name: s.layout for name, s in layouts.items()} == {
        "unpacked": "unpacked", "extracted": "extracted", "zip": "zip"}


def test_all_layouts_read_to_the_same_components(layouts):
    unpacked = comparable_components(layouts["unpacked"])
    assert comparable_components(layouts["extracted"]) == unpacked
    assert comparable_components(layouts["zip"]) == unpacked


def test_manifest(layouts):
    s = layouts["zip"]
    assert (s.unique_name, s.version, s.managed, s.publisher, s.prefix) == (
        "ContosoApprovals", "1.4.0.2", 0, "contoso", "contoso")
    assert s.display_name == "Contoso Approvals" and s.option_value_prefix == "10000"
    assert len(s.root_components) == 21
    assert Counter(rc.type for rc in s.root_components) == {"1": 3, "20": 2, "29": 9, "61": 1, "91": 1, "92": 5}
    account = next(rc for rc in s.root_components if rc.schema_name == "account")
    assert account.behavior == 1


def test_missing_dependencies_in_three_styles(layouts):
    m1, m2, m3 = layouts["unpacked"].missing_dependencies
    assert (m1.required.type, m1.required.schema_name, m1.dependent.type) == ("9", "contoso_region", "2")
    assert m2.required.type == "EnvironmentVariableDefinition"
    assert m2.required.ids == (("schemaname", "contoso_TenantUrl"),)
    assert m2.dependent.id == "816fa5b3-f63c-f011-a5d1-7c1e52907479"
    assert m3.required.solution == "Active" and m3.required.type == "connectionreference"


def test_component_counts(layouts):
    kinds = Counter(c.kind for c in layouts["unpacked"].components)
    assert kinds == {"entity": 3, "security_role": 2, "workflow": 9, "plugin_assembly": 1, "plugin_type": 4,
                     "step": 5, "step_image": 3, "custom_api": 2, "custom_api_request_parameter": 2,
                     "custom_api_response_property": 1, "connection_reference": 1, "environment_variable": 1,
                     "web_resource": 1}


def test_workflows(layouts):
    wf = {c.name: c for c in layouts["zip"].components if isinstance(c, Workflow)}
    assert {n: (w.category_name, w.state) for n, w in wf.items()} == {
        "Submit Request": ("action", "active"), "Check Status": ("action", "draft"),
        "Escalate Request": ("action", "active"), "Submit New Approval Requests": ("workflow", "active"),
        "Stamp Decision Date": ("workflow", "draft"), "Require Amount When Submitted": ("business_rule", "active"),
        "Approval Process": ("bpf", "active"), "Approvals | Escalation Sweep": ("cloud_flow", "active"),
        "Approvals | Archive Request Handler": ("cloud_flow", "draft")}
    assert wf["Check Status"].message_name == "contoso_CheckStatus"
    assert wf["Check Status"].sdk_message_id == "521a653b-a63c-f011-a5d1-7c1e52874c94"
    assert wf["Check Status"].primary_entity is None  # "none" = global action
    assert wf["Submit Request"].primary_entity == "contoso_approvalrequest"  # schema name, lower-cased
    assert wf["Stamp Decision Date"].mode == 1
    assert wf["Stamp Decision Date"].trigger_on_update_attributes == ("contoso_status",)
    assert wf["Escalate Request"].custom_activities == (
        "Contoso.Approvals.Plugins.Activities.ResolveEscalationManager, Contoso.Approvals.Plugins, Version=1.0.0.0, "
        "Culture=neutral, PublicKeyToken=3f8a6c2e91d04b57",)
    [invoked] = wf["Submit New Approval Requests"].invoked_messages
    assert (invoked.message_id, invoked.message_name, invoked.entity) == (
        "0894e277-503c-f011-a5d1-7c1e524bd1a7", "contoso_SubmitRequest", "contoso_approvalrequest")
    assert wf["Approval Process"].unique_name == "contoso_approvalbpf"
    assert not any(w.body_missing for w in wf.values())


def test_cloud_flows(layouts):
    wf = {c.name: c for c in layouts["unpacked"].components if isinstance(c, Workflow)}
    sweep = wf["Approvals | Escalation Sweep"]
    assert [(c.action_name, c.operation, c.bound, c.entity_set) for c in sweep.flow_calls] == [
        ("contoso_EscalateRequest", "PerformBoundAction", True, "contoso_approvalrequests"),
        ("contoso_GetApprovalSummary", "PerformUnboundAction", False, None)]
    assert [t.kind for t in sweep.flow_triggers] == ["recurrence"]
    assert sweep.connection_references == ("contoso_approvalsdataverse",)
    archive = wf["Approvals | Archive Request Handler"]
    [trigger] = archive.flow_triggers
    assert (trigger.kind, trigger.message, trigger.entity) == ("message", "contoso_ArchiveRequest",
                                                              "contoso_approvalrequest")
    assert archive.connection_references == ("contoso_approvalsdataverse", "contoso_sharedoffice365_9f2c1")


def _message(solution, step):
    """The graph's answer for the message a step is on: (name, how it was known)."""
    ref = build_graph([solution]).message_ref(step.key)
    return ref.name, ref.known_by


def test_steps_and_images(layouts):
    steps = by_key(layouts["zip"])
    check = steps["step:200c9d3d-bc13-4ca3-ae55-beca89530389"]
    assert (check.name, check.primary_entity, check.stage, check.mode) == ("Post Check Status", None, 40, 0)
    # The SdkMessageId is the Draft action CheckStatus's own message id (its <SdkMessageId> in the workflow).
    assert _message(layouts["zip"], check) == ("contoso_CheckStatus", "id")
    assert check.filtering_attributes == () and check.images == ()
    submit = steps["step:bd569838-0fdd-4b5f-b6fb-70e0cdf50d36"]
    assert submit.message_id == "0894e277-503c-f011-a5d1-7c1e524bd1a7"  # written {UPPER} in the file
    assert _message(layouts["zip"], submit) == ("contoso_SubmitRequest", "id")
    pre = steps["step:d60633a8-d250-462a-a70f-a548b5d0f9db"]
    assert (pre.stage, pre.mode, pre.filtering_attributes) == (20, 0, ("contoso_status", "contoso_amount"))
    assert _message(layouts["zip"], pre) == ("Update", "id")
    [image] = pre.images
    assert (image.key, image.image_type, image.alias, image.message_property) == (
        "step_image:dcf6c379-5596-4f98-b845-ba6dc6245c80", 0, "PreImage", "Target")
    assert image.attributes == ("contoso_status", "contoso_amount", "ownerid")
    assert image.step_key == pre.key and steps[image.key] == image
    post = steps["step:87dcc48a-ccb6-45cb-9d5d-ef3f6bc996c6"]
    assert (post.stage, post.mode, post.async_auto_delete) == (40, 1, True)
    assert _message(layouts["zip"], post) == ("Update", "id")
    assert post.name == pre.name  # same generated Name; keyed by id
    assert all(s.plugin_type_id for s in steps.values() if isinstance(s, Step))


def test_plugin_types(layouts):
    types = {c.ident: c for c in layouts["unpacked"].components if isinstance(c, PluginType)}
    activity = types["7f3fc251-1c8f-4265-bd10-39b1e74f9840"]
    assert activity.is_workflow_activity and activity.name == "Resolve Escalation Manager"
    assert activity.type_name == "Contoso.Approvals.Plugins.Activities.ResolveEscalationManager"
    assert activity.assembly_key == "plugin_assembly:e9722f24-8461-4e80-8d1b-2bc8ba9df7e3"
    assert sum(t.is_workflow_activity for t in types.values()) == 1


def test_custom_apis(layouts):
    apis = {c.unique_name: c for c in layouts["extracted"].components if isinstance(c, CustomApi)}
    summary = apis["contoso_GetApprovalSummary"]
    assert (summary.key, summary.is_function, summary.binding_type, summary.allowed_step_type) == (
        "custom_api:contoso_getapprovalsummary", True, 0, 0)
    assert summary.plugin_type_id == "fc2f15bd-393a-4137-8779-03851270c31a"
    assert [(p.unique_name, p.type, p.is_optional) for p in summary.request_parameters] == [
        ("IncludeSteps", 0, True), ("RequestId", 12, False)]
    assert [(p.unique_name, p.type) for p in summary.response_properties] == [("Summary", 10)]
    archive = apis["contoso_ArchiveRequest"]
    assert (archive.binding_type, archive.bound_entity, archive.allowed_step_type, archive.plugin_type_id) == (
        1, "contoso_approvalrequest", 1, None)


def test_other_components(layouts):
    c = by_key(layouts["unpacked"])
    assert c["entity:contoso_approvalrequest"].entity_set_name == "contoso_approvalrequests"
    assert c["entity:contoso_approvalrequest"].schema_name == "contoso_ApprovalRequest"
    assert len(c["security_role:a49fad5c-6b3e-4f30-8b07-54ebec562133"].privileges) == 18
    assert c["connection_reference:contoso_approvalsdataverse"].connector_id.endswith("shared_commondataserviceforapps")
    assert c["environment_variable:contoso_escalationthresholddays"].type == 100000001
    web = c["web_resource:52557373-351d-4958-a19f-5c05da2f8399"]
    assert web.name == "contoso_/scripts/approvalrequest_form.js" and not web.file_missing


def test_source_locations_point_at_the_member_and_line(layouts):
    step = by_key(layouts["unpacked"])["step:200c9d3d-bc13-4ca3-ae55-beca89530389"]
    assert step.source.path == "SdkMessageProcessingSteps/{200c9d3d-bc13-4ca3-ae55-beca89530389}.xml"
    assert step.source.line == 2  # line 1 is the XML declaration
    zipped = by_key(layouts["zip"])["step:200c9d3d-bc13-4ca3-ae55-beca89530389"]
    text = (EXTRACTED / "customizations.xml").read_text(encoding="utf-8").splitlines()
    assert 'SdkMessageProcessingStepId="{200c9d3d' in text[zipped.source.line - 1]


def test_legacy_export_without_ids():
    s = load(str(LEGACY))
    assert (s.unique_name, s.managed, s.package_version, s.generated_by) == ("ContosoLegacyAudit", 1, None, "OnPremise")
    c = by_key(s)
    assert "plugin_assembly:contoso.legacy.plugins" in c
    assert "plugin_type:contoso.legacy.plugins.accountauditplugin, contoso.legacy.plugins" in c
    update = c["step:e6a5f84e-fdf5-435f-905f-90ffad10c381"]  # id written {UPPER} in the file
    assert (update.primary_entity, update.filtering_attributes) == ("account", ())
    assert _message(s, update) == ("Update", "id")
    assert update.plugin_type_id is None and update.plugin_type_name.startswith("Contoso.Legacy.Plugins.AccountAuditPlugin,")
    price = c["step:5afbabf9-1272-4c7a-a32a-308105abd6e7"]
    assert price.primary_entity is None
    assert _message(s, price) == ("CalculatePrice", "id")


def _legacy_with(tmp_path, *edits: tuple[str, str]):
    text = (LEGACY / "customizations.xml").read_text(encoding="utf-8")
    for old, new in edits:
        text = text.replace(old, new)
    folder = tmp_path / "legacy"
    folder.mkdir()
    (folder / "customizations.xml").write_text(text, encoding="utf-8")
    (folder / "solution.xml").write_bytes((LEGACY / "Solution.xml").read_bytes())
    return load(str(folder))


def test_message_name_inferred_from_step_name(tmp_path):
    # CreateMultiple (2023) is newer than the table of platform ids: an id the table lacks, and the
    # generated step name is all that says which message it is.
    solution = _legacy_with(tmp_path, ("6c9b0335-34d7-4a84-961e-832a3c0f81d1", "99999999-0000-4000-8000-000000000000"),
                            ("CalculatePrice of  any Entity", "CreateMultiple of  any Entity"))
    price = by_key(solution)["step:5afbabf9-1272-4c7a-a32a-308105abd6e7"]
    assert _message(solution, price) == ("CreateMultiple", "name")


def test_step_name_contradicting_its_platform_id_is_not_trusted(tmp_path):
    # The name says CalculatePrice, whose fixed id is 6c9b0335-…; the step's id is another one: a
    # renamed or copied step, on a message nothing names.
    solution = _legacy_with(tmp_path, ("6c9b0335-34d7-4a84-961e-832a3c0f81d1", "99999999-0000-4000-8000-000000000000"))
    price = by_key(solution)["step:5afbabf9-1272-4c7a-a32a-308105abd6e7"]
    assert _message(solution, price) == (None, "unknown")


def test_inventory_summary_lines(layouts):
    lines = summary_lines(layouts["unpacked"])
    assert "3 custom process actions (1 draft)" in lines
    assert "2 classic workflows (1 draft)" in lines
    assert "2 cloud flows (1 off)" in lines
    assert "5 plug-in steps (2 on custom actions)" in lines


def test_inventory_json_shape(invoke):
    doc = json.loads(invoke(0, ["inventory", UNPACKED, "--format", "json"]).output)
    assert [s["unique_name"] for s in doc["solutions"]] == ["ContosoApprovals"]
    workflows = [c for c in doc["components"] if c["kind"] == "workflow"]
    assert {c["category"] for c in workflows} == {"action", "workflow", "business_rule", "bpf", "cloud_flow"}
    assert {c["state"] for c in workflows} == {"active", "draft"}
    assert all({"key", "kind", "name", "solution"} <= set(c) for c in doc["components"])


def test_inventory_csv_and_table(invoke):
    csv_out = invoke(0, ["inventory", UNPACKED, "--format", "csv"]).output.splitlines()
    assert csv_out[0] == "solution,kind,key,name,detail,source"
    assert len(csv_out) == 1 + 35
    table = invoke(0, ["inventory", UNPACKED]).output
    assert "ContosoApprovals 1.4.0.2" in table and "3 custom process actions (1 draft)" in table


def test_model_is_frozen(layouts):
    step = next(c for c in layouts["zip"].components if isinstance(c, Step))
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.stage = 30
