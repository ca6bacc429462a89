"""The dependency graph: typed edges, external nodes, cross-solution resolution."""

from __future__ import annotations

from conftest import FIXTURES

from analyzer.graph import (
    DEFINED_BY,
    HANDLER,
    IN_ASSEMBLY,
    INVOKES,
    PLATFORM,
    REGISTERED_ON,
    USES_ACTIVITY,
    build_graph,
)
from analyzer.reader import load

DV101 = FIXTURES / "rules" / "DV101" / "solution"
ITEM1 = "carltoncolter__dyn-req-mgmt/SolutionPackage/package"


def test_fixture_edges_as_sorted_list():
    graph = build_graph([load(str(DV101))])
    edges = [(s, t, sorted(types)) for s, t, types in graph.edges() if not s.startswith("solution:")]
    assert edges == [
        ("plugin_type:e1010000-0000-4000-8000-000000000001", "plugin_assembly:c1010000-0000-4000-8000-000000000001",
         [IN_ASSEMBLY]),
        ("sdk_message:contoso_checkstatus", "workflow:a1010000-0000-4000-8000-000000000001", [DEFINED_BY]),
        ("sdk_message:contoso_submitrequest", "workflow:a1010000-0000-4000-8000-000000000002", [DEFINED_BY]),
        ("step:b1010000-0000-4000-8000-000000000001", "plugin_type:e1010000-0000-4000-8000-000000000001", [HANDLER]),
        ("step:b1010000-0000-4000-8000-000000000001", "sdk_message:contoso_checkstatus", [REGISTERED_ON]),
        ("step:b1010000-0000-4000-8000-000000000002", "plugin_type:e1010000-0000-4000-8000-000000000001", [HANDLER]),
        ("step:b1010000-0000-4000-8000-000000000002", "sdk_message:contoso_submitrequest", [REGISTERED_ON]),
    ]
    # The solution node contains every component: 2 actions, 1 assembly, 1 type, 2 steps.
    assert [k.split(":")[0] for k in graph.requires("solution:ruledv101")] == [
        "plugin_assembly", "plugin_type", "step", "step", "workflow", "workflow"]


def test_step_resolves_to_an_action_in_another_solution(tmp_path):
    """Split the DV101 fixture: actions in one solution, steps in another; analyzed together they link."""
    base = (DV101 / "customizations.xml").read_text()
    manifest = (DV101 / "solution.xml").read_text()
    start, end = base.index("<SolutionPluginAssemblies>"), base.index("</SdkMessageProcessingSteps>")
    actions_only = base[:start] + base[end + len("</SdkMessageProcessingSteps>"):]
    steps_only = base[:base.index("<Workflows>")] + base[start:]
    for name, body in (("core", actions_only), ("plugins", steps_only)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "customizations.xml").write_text(body)
        (folder / "solution.xml").write_text(manifest.replace("RuleDV101", f"Rule{name}"))
    alone = build_graph([load(str(tmp_path / "plugins"))])
    assert alone.external(alone.message_of("step:b1010000-0000-4000-8000-000000000001")) == "unresolved"
    both = build_graph([load(str(tmp_path / "core")), load(str(tmp_path / "plugins"))])
    message = both.message_of("step:b1010000-0000-4000-8000-000000000001")
    assert message == "sdk_message:contoso_checkstatus"
    assert both.definition_of(message).solution == "Rulecore"


def test_corpus_item1_graph(corpus):
    graph = build_graph([load(str(corpus / ITEM1))])
    # "Approval Request" invokes action fdbzap_ar_applytemplategroup (FORMAT.md §4), defined by "Apply Template Group".
    assert graph.requires("workflow:1b6b4b7e-2045-4552-afd8-4a53f6b9c82b", [INVOKES]) == [
        "sdk_message:fdbzap_ar_applytemplategroup"]
    assert graph.definition_of("sdk_message:fdbzap_ar_applytemplategroup").name == "Apply Template Group"
    # Four workflows use the custom activity GetEntityDetails.
    activity = [k for k in graph.nodes("plugin_type", external=None)
                if graph.component(k).type_name.endswith(".GetEntityDetails")]
    assert len(activity) == 1
    assert len(graph.dependents(activity[0], [USES_ACTIVITY])) == 4
    # Built-in messages are platform nodes; every step resolves to an analyzed plug-in type.
    assert graph.external("sdk_message:update") == PLATFORM
    for step in graph.nodes("step", external=None):
        handler = graph.requires(step, [HANDLER])
        assert len(handler) == 1 and graph.external(handler[0]) is None
        assert graph.external(graph.message_of(step)) in (None, PLATFORM)
