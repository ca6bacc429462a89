"""Message contracts: action arguments read from XAML, Contract for actions and Custom APIs, what breaks a
caller (contracts.breaking_changes), the inventory's "Message contracts", and DV504 over version pairs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES

from analyzer import builder as b
from analyzer.contracts import Contract, Parameter, breaking_changes, contract_of
from analyzer.engine import run_rules
from analyzer.graph import build_graph
from analyzer.model import ActionArgument, Workflow
from analyzer.reader import load
from analyzer.registry import discover
from analyzer.rule import Previous

XAML_X = "{http://schemas.microsoft.com/winfx/2006/xaml}"
DV504_CASE = FIXTURES / "rules" / "DV504"


# --- the reader: arguments from <x:Members> ------------------------------------------------------------------

def _expected_arguments(xaml: Path) -> list[tuple]:
    """(name, direction, required, entity, XAML type name) of each caller argument, read with ElementTree."""
    members = ET.parse(xaml).getroot().find(f"{XAML_X}Members")
    found = []
    for prop in members.findall(f"{XAML_X}Property"):
        attrs = {el.tag.rsplit("}", 1)[-1]: el.get("Value") for block in prop for el in block}
        if prop.get("Name") in ("InputEntities", "CreatedEntities") or attrs.get("ArgumentTargetAttribute") == "True":
            continue
        type_name = prop.get("Type").split("(", 1)[1].rstrip(")").split(":")[-1]
        found.append((prop.get("Name"), attrs["ArgumentDirectionAttribute"].lower(),
                      attrs["ArgumentRequiredAttribute"] == "True", attrs["ArgumentEntityAttribute"] or None,
                      type_name))
    return found


def _actions_with_xaml(folder: Path) -> dict[str, Path]:
    """Workflow id -> XAML file of each action (Category 3) in an unpacked folder's Workflows/."""
    found = {}
    for data in sorted((folder / "Workflows").glob("*.xaml.data.xml")):
        root = ET.parse(data).getroot()
        if root.findtext("Category") == "3":
            found[root.get("WorkflowId").strip("{}").lower()] = data.with_name(data.name[:-len(".data.xml")])
    return found


@pytest.mark.parametrize("item", [
    "carltoncolter__dyn-req-mgmt/SolutionPackage/package",
    "microsoft__Power-CAT-Copilot-Studio-Kit/CopilotStudioAccelerator/SolutionPackage/src",
])
def test_corpus_action_arguments_match_the_xaml(corpus, item):
    folder = corpus / item
    actions = _actions_with_xaml(folder)
    solution = load(str(folder))
    by_id = {c.ident: c for c in solution.components if isinstance(c, Workflow)}
    total = 0
    for wf_id, xaml in actions.items():
        expected = _expected_arguments(xaml)
        got = [(a.name, a.direction, a.required, a.entity, a.type_label) for a in by_id[wf_id].arguments]
        # The corpus' types (String, Boolean, EntityReference, EntityCollection) keep their XAML names as labels.
        assert got == [(n, d, r, e.lower() if e else None, t) for n, d, r, e, t in expected], xaml.name
        total += len(expected)
    assert actions and total, "the corpus item has actions with arguments"


def test_corpus_bound_target_and_platform_members_are_not_arguments(corpus):
    # #1 ApplyTemplateGroup: bound to fdbzap_ar_approvalrequest (Target), one input ApprovalActionGroup.
    solution = load(str(corpus / "carltoncolter__dyn-req-mgmt/SolutionPackage/package"))
    action = next(c for c in solution.components if c.ident == "fadb47fa-8fee-417e-aa5d-a4d1df970782")
    assert [a.name for a in action.arguments] == ["ApprovalActionGroup"]
    contract = contract_of(action)
    assert contract.binding == "entity fdbzap_ar_approvalrequest"
    assert contract.inputs == (Parameter("ApprovalActionGroup", "EntityReference of fdbzap_ar_actiongroup", False),)


NAMESPACES = ('xmlns:mxsw="clr-namespace:Microsoft.Xrm.Sdk.Workflow;assembly=Microsoft.Xrm.Sdk.Workflow" '
              'xmlns:scg="clr-namespace:System.Collections.Generic;assembly=mscorlib"')


def _prop(name: str, type_: str, **attributes: str) -> str:
    inner = "".join(f'<mxsw:Argument{k}Attribute Value="{v}" />' for k, v in attributes.items())
    block = f"<x:Property.Attributes>{inner}</x:Property.Attributes>" if attributes else ""
    return f'<x:Property Name="{name}" Type="{type_}">{block}</x:Property>'


EVERY_KIND = [
    _prop("InputEntities", "InArgument(scg:IDictionary(x:String, mxs:Entity))"),
    _prop("CreatedEntities", "InArgument(scg:IDictionary(x:String, mxs:Entity))"),
    _prop("Target", "InArgument(mxs:EntityReference)", Required="True", Target="True", Direction="Input",
          Entity="contoso_request"),
    _prop("Flag", "InArgument(x:Boolean)", Required="True", Target="False", Direction="Input", Entity=""),
    _prop("When", "InArgument(s:DateTime)", Required="False", Direction="Input"),
    _prop("Rate", "InArgument(x:Decimal)", Direction="Input"),
    _prop("Ratio", "InArgument(x:Double)", Direction="Input"),
    _prop("Count", "InArgument(x:Int32)", Direction="Input"),
    _prop("Amount", "InArgument(mxs:Money)", Direction="Input"),
    _prop("Priority", "InArgument(mxs:OptionSetValue)", Direction="Input"),
    _prop("Note", "InArgument(x:String)", Direction="Input"),
    _prop("Account", "InArgument(mxs:EntityReference)", Required="True", Direction="Input", Entity="Account"),
    _prop("Draft", "InArgument(mxs:Entity)", Direction="Input", Entity="contoso_request"),
    _prop("Lines", "InArgument(mxs:EntityCollection)", Direction="Input"),
    _prop("Odd", "InArgument(x:TimeSpan)", Direction="Input"),
    _prop("NoAttributes", "OutArgument(x:String)"),  # no attribute block: direction from OutArgument
    _prop("Result", "OutArgument(mxs:EntityReference)", Required="False", Direction="Output", Entity="account"),
]
EVERY_KIND_EXPECTED = (
    ActionArgument("Flag", "input", "Boolean", True),
    ActionArgument("When", "input", "DateTime"),
    ActionArgument("Rate", "input", "Decimal"),
    ActionArgument("Ratio", "input", "Float"),
    ActionArgument("Count", "input", "Integer"),
    ActionArgument("Amount", "input", "Money"),
    ActionArgument("Priority", "input", "Picklist"),
    ActionArgument("Note", "input", "String"),
    ActionArgument("Account", "input", "EntityReference", True, "account"),
    ActionArgument("Draft", "input", "Entity", False, "contoso_request"),
    ActionArgument("Lines", "input", "EntityCollection"),
    ActionArgument("Odd", "input", "x:TimeSpan"),  # not an action argument type: shown as written
    ActionArgument("NoAttributes", "output", "String"),
    ActionArgument("Result", "output", "EntityReference", False, "account"),
)
ACTION_ID = "a0c00000-0000-4000-8000-000000000001"


def _package(*workflows: b.Workflow) -> b.Package:
    return b.Package(b.Manifest("ContractKinds"), workflows=workflows)


def _every_kind_action(**more) -> b.Workflow:
    xaml = f"  <x:Members {NAMESPACES}>{''.join(EVERY_KIND)}</x:Members>\n  <mxswa:Workflow />"
    return b.action(ACTION_ID, "Every Kind", "EveryKind", "e0c00000-0000-4000-8000-000000000001", xaml=xaml,
                    primary_entity="contoso_request", **more)


@pytest.mark.parametrize("layout", ["unpacked", "zip"])
def test_every_argument_kind(tmp_path, layout):
    package = _package(_every_kind_action())
    path = package.write_folder(tmp_path / "s") if layout == "unpacked" else package.write_zip(tmp_path / "s.zip")
    action = next(c for c in load(str(path)).components if isinstance(c, Workflow))
    assert action.arguments == EVERY_KIND_EXPECTED
    contract = contract_of(action)
    assert contract.message == "contoso_EveryKind"
    assert contract.binding == "entity contoso_request"
    assert contract.input("account") == Parameter("Account", "EntityReference of account", True)
    assert [p.name for p in contract.outputs] == ["NoAttributes", "Result"]
    assert contract.parameters_known


def test_action_without_xaml_body_has_unknown_arguments(tmp_path):
    path = _package(b.action(ACTION_ID, "No Body", "NoBody", "e0c00000-0000-4000-8000-000000000002",
                             xaml=None)).write_folder(tmp_path / "s")
    action = next(c for c in load(str(path)).components if isinstance(c, Workflow))
    contract = contract_of(action)
    assert contract.binding == "global" and not contract.parameters_known


def test_classic_workflow_has_no_contract(tmp_path):
    path = _package(b.Workflow("a0c00000-0000-4000-8000-000000000003", "Classic", category=0,
                               xaml="  <mxswa:Workflow />")).write_folder(tmp_path / "s")
    workflow = next(c for c in load(str(path)).components if isinstance(c, Workflow))
    assert contract_of(workflow) is None and workflow.arguments == ()


# --- what breaks a caller ------------------------------------------------------------------------------------

BASE = Contract("contoso_Quote", "custom_api:contoso_quote", "global", False,
                inputs=(Parameter("Amount", "Money", True), Parameter("Note", "String", False)),
                outputs=(Parameter("Price", "Money"),))


def _with(**changes) -> Contract:
    fields = {f: getattr(BASE, f) for f in ("message", "definition", "binding", "is_function", "inputs", "outputs",
                                            "parameters_known")}
    return Contract(**{**fields, **changes})


@pytest.mark.parametrize("new", [
    BASE,
    _with(inputs=BASE.inputs + (Parameter("Extra", "String", False),)),  # an optional input added
    _with(outputs=BASE.outputs + (Parameter("Tax", "Money"),)),  # an output added
    _with(inputs=(Parameter("AMOUNT", "Money", True), Parameter("Note", "String", False))),  # case only
    _with(inputs=(Parameter("Amount", "Money", False), Parameter("Note", "String", False))),  # now optional
    _with(inputs=(), outputs=(), parameters_known=False),  # arguments unknown: not "all removed"
])
def test_not_breaking(new):
    assert breaking_changes(BASE, new) == []


@pytest.mark.parametrize(("new", "said"), [
    (_with(binding="entity contoso_request"), "binding changed from global to entity contoso_request"),
    (_with(is_function=True), "it is now a function"),
    (_with(inputs=(Parameter("Amount", "Money", True),)), "input Note (String) removed"),
    (_with(inputs=(Parameter("Amount", "Decimal", True), Parameter("Note", "String", False))),
     "input Amount retyped from Money to Decimal"),
    (_with(inputs=(Parameter("Amount", "Money", True), Parameter("Note", "String", True))),
     "input Note is now required"),
    (_with(inputs=BASE.inputs + (Parameter("Currency", "String", True),)), "required input Currency (String) added"),
    (_with(outputs=()), "output Price (Money) removed"),
    (_with(outputs=(Parameter("Price", "Decimal"),)), "output Price retyped from Money to Decimal"),
])
def test_breaking(new, said):
    assert breaking_changes(BASE, new) == [said]


# --- the inventory -------------------------------------------------------------------------------------------

def test_inventory_json_has_each_contract(invoke):
    result = invoke(0, ["inventory", DV504_CASE / "new" / "ContosoOps", "--format", "json"])
    records = {c["key"]: c for c in json.loads(result.output)["components"]}
    # From fixtures/rules/DV504/new/ContosoOps/Workflows/CheckStatus-…xaml and customapis/contoso_Quote/.
    assert records["workflow:a5040000-0000-4000-8000-000000000001"]["contract"] == {
        "message": "contoso_CheckStatus", "binding": "global", "is_function": False, "parameters_known": True,
        "inputs": [{"name": "Reason", "type": "String", "required": True},
                   {"name": "Request", "type": "EntityReference of account", "required": True}],
        "outputs": [{"name": "Message", "type": "String"}]}
    quote = records["custom_api:contoso_quote"]["contract"]
    assert [(p["name"], p["type"], p["required"]) for p in quote["inputs"]] == [
        ("contoso_Amount", "Decimal", True), ("contoso_Currency", "String", True)]
    assert quote["outputs"] == [{"name": "contoso_Price", "type": "Money"}]
    assert "contract" not in records["workflow:f5040000-0000-4000-8000-000000000001"]  # a cloud flow


def test_inventory_table_lists_message_contracts(invoke):
    folder = DV504_CASE / "new" / "ContosoOps"
    text = invoke(0, ["inventory", folder]).output
    # Every action's .xaml.data.xml (contoso_PurgeRequests' has no .xaml beside it) and every Custom API folder.
    messages = len(_actions_with_xaml(folder)) + len(list((folder / "customapis").iterdir()))
    section = text[text.index("Message contracts"):]
    assert section.startswith(f"Message contracts ({messages})")
    assert "    contoso_Recalculate  Custom API, entity contoso_request\n" in section
    assert "      in   contoso_Force: Boolean, optional\n" in section
    assert "    contoso_GetSummary  Custom API (function), global\n" in section
    assert "arguments unknown: the XAML body is not in the package" in section


# --- DV504 ---------------------------------------------------------------------------------------------------

def _dv504(old_folder: Path | None, new_folder: Path):
    new = [load(str(new_folder))]
    previous = None
    if old_folder is not None:
        old = [load(str(old_folder))]
        previous = Previous(old, build_graph(old))
    return run_rules(new, [discover().get("DV504")], previous=previous)


def test_dv504_nothing_without_a_previous_version():
    result = _dv504(None, DV504_CASE / "new" / "ContosoOps")
    assert result.findings == [] and result.errors == []


def test_dv504_same_version_on_both_sides_is_clean():
    folder = DV504_CASE / "new" / "ContosoOps"
    assert _dv504(folder, folder).findings == []


def test_dv504_names_changes_and_callers():
    result = _dv504(DV504_CASE / "old" / "ContosoOps", DV504_CASE / "new" / "ContosoOps")
    by_key = {f.component.key: f for f in result.findings}
    check = by_key["workflow:a5040000-0000-4000-8000-000000000001"]
    assert "output Status (Picklist) removed" in check.message
    # The flow calls it (PerformUnboundAction contoso_CheckStatus); the step's SdkMessageId is the action's; the
    # script contoso_/scripts/status.js executes it.
    assert set(check.related) == {"workflow:f5040000-0000-4000-8000-000000000001",
                                  "step:d5040000-0000-4000-8000-000000000001",
                                  "web_resource:b5040000-0000-4000-8000-000000000001"}
    assert "step 'Post Check Status' (PostOperation, sync)" in check.message
    assert by_key["custom_api:contoso_quote"].related == ("workflow:f5040000-0000-4000-8000-000000000002",)
    assert "nothing in the analyzed solutions or their code calls" in by_key["custom_api:contoso_getsummary"].message


def test_dv504_action_turned_custom_api_with_same_contract_is_clean(tmp_path):
    # The message keeps its name and contract while its definition moves from an action to a Custom API.
    xaml = (f"  <x:Members {NAMESPACES}>"
            + _prop("Reason", "InArgument(x:String)", Required="True", Direction="Input")
            + _prop("Status", "OutArgument(x:String)", Direction="Output") + "</x:Members>\n  <mxswa:Workflow />")
    old = _package(b.action(ACTION_ID, "Check", "Check", "e0c00000-0000-4000-8000-000000000009", xaml=xaml))
    new = b.Package(b.Manifest("ContractKinds"), custom_apis=(b.CustomApi(
        "contoso_Check", request_parameters=(b.ApiParameter("Reason"),),
        response_properties=(b.ApiParameter("Status"),)),))
    assert _dv504(old.write_folder(tmp_path / "old"), new.write_folder(tmp_path / "new")).findings == []


def test_dv504_real_release_pair_changes_no_contract(corpus):
    # #22 (December 2025) -> #5 (January 2026): the same Custom APIs and actions with the same parameters, read
    # from the XML here, independently of the reader; so DV504 must say nothing.
    kit = corpus / "microsoft__Power-CAT-Copilot-Studio-Kit"
    old, new = kit / "CopilotStudioAccelerator-2025-12/SolutionPackage/src", kit / "CopilotStudioAccelerator/SolutionPackage/src"

    def api_signatures(folder: Path) -> dict:
        found = {}
        for api in (folder / "customapis").iterdir():
            root = ET.parse(api / "customapi.xml").getroot()
            params = []
            for file in api.glob("*/*/*.xml"):  # customapirequestparameters/<name>/…, customapiresponseproperties/…
                param = ET.parse(file).getroot()
                params.append((file.parent.parent.name, param.get("uniquename"), param.findtext("type"),
                               param.findtext("isoptional")))
            params.sort()
            found[root.get("uniquename")] = (root.findtext("bindingtype"), root.findtext("isfunction"), params)
        return found

    signatures = api_signatures(new)
    assert signatures and any(params for *_, params in signatures.values())
    assert api_signatures(old) == signatures
    result = _dv504(old, new)
    assert result.findings == [] and result.errors == []


def test_dv504_action_draft_in_old_version_is_not_compared(tmp_path):
    # A Draft action defines no message, so nobody called the old contract: an input removed is no break.
    def check(state: int, *props: str) -> b.Workflow:
        xaml = f"  <x:Members {NAMESPACES}>{''.join(props)}</x:Members>\n  <mxswa:Workflow />"
        return b.action(ACTION_ID, "Check", "Check", "e0c00000-0000-4000-8000-000000000009", xaml=xaml, state=state)

    reason = _prop("Reason", "InArgument(x:String)", Required="True", Direction="Input")
    new = _package(check(1)).write_folder(tmp_path / "new")
    assert _dv504(_package(check(0, reason)).write_folder(tmp_path / "draft"), new).findings == []
    activated = _dv504(_package(check(1, reason)).write_folder(tmp_path / "active"), new).findings
    assert [f.message.split(": ", 1)[1] for f in activated] == [
        "input Reason (String) removed; nothing in the analyzed solutions or their code calls or handles it "
        "(callers elsewhere still send the old request)"]
