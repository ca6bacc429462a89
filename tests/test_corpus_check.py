"""`dvsa check` on every real solution in ../shared/corpus: never exit 2, and the findings that
reading the files predicts are there (and the ones it rules out are not)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from corpus_expected import EXPECTED

from analyzer.engine import analyze

ITEM1 = "carltoncolter__dyn-req-mgmt/SolutionPackage/package"
ITEM5 = "microsoft__Power-CAT-Copilot-Studio-Kit/CopilotStudioAccelerator/SolutionPackage/src"
ITEM17 = "microsoft__Dynamics365-Apps-Samples/samples-from-msdn/Plug-ins/Sample_AdvancedPlugins_1_0_0_0_managed.zip"

# Workflow ids from the file names in #1's Workflows/ folder (<Name>-<ID>.xaml): the four actions
# that a step in SdkMessageProcessingSteps/ is registered on (joined on <SdkMessageId>).
ITEM1_ACTIONS_WITH_STEPS = {
    "workflow:4d5101c9-bb22-4aba-b8b5-7c59defa1273",  # CreateGroupFromSelection
    "workflow:6e0383da-ddfa-4034-8418-efcae115e48d",  # Update Approval Regarding Object
    "workflow:fadb47fa-8fee-417e-aa5d-a4d1df970782",  # Apply Template Group
    "workflow:996ff7a5-a341-4b86-8f61-4c4be02f7510",  # Check Approval Status
}


def rules_by_key(result, rule: str) -> set[str]:
    return {f.component.key for f in result.findings if f.rule == rule}


@pytest.mark.parametrize("item", sorted(EXPECTED))
def test_check_never_exits_2(corpus, item, runner):
    from analyzer.cli import main
    run = runner.invoke(main, ["check", str(corpus / item), "--format", "json"])
    assert run.exit_code in (0, 1), run.output
    doc = json.loads(run.output)
    assert doc["errors"] == []
    assert not [f for f in doc["findings"] if f["rule"] == "DV401"], "a corpus reference resolved to nothing"


def test_item1_findings(corpus):
    result = analyze([str(corpus / ITEM1)])
    # Every step on an action's message resolves to that action (so no DV401), and blocks deleting it.
    assert rules_by_key(result, "DV102") == ITEM1_ACTIONS_WITH_STEPS
    # Each of those four actions' XAML is an empty <mxswa:Workflow />: the steps carry the logic.
    assert rules_by_key(result, "DV103") == ITEM1_ACTIONS_WITH_STEPS
    # The one draft process: the classic workflow "Initiate Public Affairs Correspondence Approval Request".
    assert rules_by_key(result, "DV108") == {"workflow:9102877d-de80-4fde-a876-61711acafb2c"}
    # No action is Draft, no step is async outside PostOperation, the custom activity sits in classic workflows.
    for rule in ("DV101", "DV104", "DV105", "DV106", "DV201", "DV202", "DV204", "DV401"):
        assert not rules_by_key(result, rule), rule


def test_item5_draft_business_rules(corpus):
    result = analyze([str(corpus / ITEM5)], select=["DV108"])
    draft_rules = EXPECTED[ITEM5]["workflows"]["business_rule"]["draft"]
    assert len(rules_by_key(result, "DV108")) == draft_rules == 6
    assert all("business rule" in f.message for f in result.findings)


def test_item17_types_without_steps(corpus):
    """The 2011 sample ships 6 plug-in types and no SdkMessageProcessingSteps at all."""
    result = analyze([str(corpus / ITEM17)])
    assert Counter(f.rule for f in result.findings) == {"DV404": EXPECTED[ITEM17]["plugin_types"]}


def test_all_corpus_items_together(corpus):
    """One invocation over every item: cross-solution resolution must not invent problems."""
    result = analyze([str(corpus / item) for item in sorted(EXPECTED)])
    assert not result.errors
    assert not rules_by_key(result, "DV401")
    assert rules_by_key(result, "DV102") == ITEM1_ACTIONS_WITH_STEPS


ITEM23 = "drivardxrm__Dataverse-CustomApis/Driv.CustomApis.Solution/Solution"


def test_item23_custom_api_handlers(corpus):
    """#23 writes each Custom API's handler in the older nested form <plugintypeid><plugintypeid>GUID…: all 9
    APIs run a type of the shipped assembly, so neither DV307 nor DV404 applies, and the inventory names the
    type. The expected type of each API is read here from the XML itself."""
    import xml.etree.ElementTree as ET

    from analyzer.graph import build_graph
    from analyzer.inventory import custom_api_handler
    from analyzer.reader import load

    root = corpus / ITEM23
    type_names = {t.get("PluginTypeId").lower(): t.get("Name")
                  for data in root.glob("PluginAssemblies/*/*.data.xml") for t in ET.parse(data).iter("PluginType")}
    expected = {}
    for api in root.glob("customapis/*/customapi.xml"):
        element = ET.parse(api).getroot()
        expected[f"custom_api:{element.get('uniquename').lower()}"] = \
            type_names[element.find("plugintypeid/plugintypeid").text.strip().lower()]
    assert len(expected) == 9
    result = analyze([str(root)])
    assert not rules_by_key(result, "DV307") and not rules_by_key(result, "DV404")
    solution = load(str(root))
    graph = build_graph([solution])
    shown = {c.key: custom_api_handler(c, graph)[0] for c in solution.components if c.kind == "custom_api"}
    assert shown == expected
