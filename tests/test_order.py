"""`dvsa order` and the requirements between solutions it shares with DV506 (analyzer/solution_set.py).

fixtures/order/build.py declares the set (its docstring is the map): ContosoCore 1.2.0.0 defines action
contoso_Approve; ContosoApp registers step 'Post Approve' on it and names "ContosoCore (1.2.0.0)" and
"ContosoCore (1.1.0.0)" in its MissingDependencies; ContosoExtension's step runs ContosoApp's plug-in type on
ContosoCore's action; core_cycle is ContosoCore 1.3.0.0 with a step run by ContosoApp's plug-in type. Two sets that
once gave false cycles: sales/field/project (a table shipped by ContosoSales and included as a shell by the others,
whose MissingDependencies name ContosoSales, as in #24) and audit_new/audit_old (one plug-in type, by id in one export
and by name in an older one, each solution's step on its own copy); caller/ calls ContosoCore's action from a script.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import FIXTURES, folder_members, unpacked_to_zip, write_members

from analyzer.engine import load_all
from analyzer.graph import build_graph
from analyzer.solution_set import Requirement, SolutionSet, requirements

ORDER = FIXTURES / "order"
CORE, APP, EXTENSION, CORE_CYCLE = (ORDER / n for n in ("core", "app", "extension", "core_cycle"))
SALES, FIELD, PROJECT, AUDIT_NEW, AUDIT_OLD, CALLER = (
    ORDER / n for n in ("sales", "field", "project", "audit_new", "audit_old", "caller"))
APP_STEP = "step:d5060000-0000-4000-8000-000000000001"  # 'Post Approve', in fixtures/order/app


def order_json(invoke, code: int, *paths) -> dict:
    return json.loads(invoke(code, ["order", "--format", "json", *paths]).stdout)


def test_base_app_extension_in_dependency_order_whatever_the_argument_order(invoke):
    doc = order_json(invoke, 0, EXTENSION, APP, CORE)
    assert doc == {"order": ["ContosoCore", "ContosoApp", "ContosoExtension"], "missing": [], "cycles": []}


def test_text_numbers_the_order_and_says_why_each_solution_comes_later(invoke):
    text = invoke(0, ["order", EXTENSION, CORE, APP]).stdout
    numbered = re.findall(r"^  (\d)\. (\S+) (\S+)$", text, re.MULTILINE)
    assert numbered == [("1", "ContosoCore", "1.2.0.0"), ("2", "ContosoApp", "1.0.0.0"),
                        ("3", "ContosoExtension", "1.0.0.0")]
    assert ("needs ContosoCore: step 'Post Approve' (PostOperation, sync) is registered on contoso_Approve, "
            "defined by action contoso_Approve in ContosoCore") in text
    assert ("needs ContosoApp: step 'Post Approve Audit' (PostOperation, sync) runs plug-in type "
            "Contoso.App.Plugins.ApprovePlugin in ContosoApp") in text


def test_missing_base_is_listed_with_its_lowest_version_and_the_order_still_exists(invoke, tmp_path):
    out = tmp_path / "order.json"
    assert invoke(0, ["order", "--format", "json", "-o", out, APP, EXTENSION]).stdout == ""
    doc = json.loads(out.read_text())
    assert doc["order"] == ["ContosoApp", "ContosoExtension"]
    assert doc["cycles"] == []
    # app/Other/Solution.xml names ContosoCore at 1.2.0.0 and at 1.1.0.0, both for its step.
    assert doc["missing"] == [{"solution": "ContosoCore", "min_version": "1.1.0.0", "required_by": [APP_STEP]}]
    text = invoke(0, ["order", APP, EXTENSION]).stdout
    assert f"  - ContosoCore 1.1.0.0, needed by {APP_STEP}" in text


def test_cycle_has_no_order_exit_1_and_dv506_in_check(invoke):
    doc = order_json(invoke, 1, CORE_CYCLE, APP, EXTENSION)
    assert doc == {"order": [], "missing": [], "cycles": [["ContosoApp", "ContosoCore"]]}
    text = invoke(1, ["order", APP, CORE_CYCLE]).stdout
    assert "ContosoApp -> ContosoCore -> ContosoApp" in text
    assert ("ContosoCore needs ContosoApp: step 'Post Approve Notify' (PostOperation, sync) runs plug-in type "
            "Contoso.App.Plugins.ApprovePlugin in ContosoApp") in text
    check = invoke(1, ["check", "--select", "DV506", "--format", "json", CORE_CYCLE, APP]).stdout
    found = [(f["rule"], f["component"]["key"]) for f in json.loads(check)["findings"]]
    assert found == [("DV506", "solution:contosoapp")]
    invoke(0, ["check", "--select", "DV506", CORE, APP, EXTENSION])


def test_json_shape(invoke):
    doc = order_json(invoke, 0, APP)
    assert set(doc) == {"order", "missing", "cycles"}
    assert doc["order"] == ["ContosoApp"]
    assert [set(m) for m in doc["missing"]] == [{"solution", "min_version", "required_by"}]


def test_a_zip_and_a_folder_order_alike(invoke, tmp_path):
    core_zip = write_members(unpacked_to_zip(folder_members(CORE)), tmp_path / "core.zip")
    assert order_json(invoke, 0, APP, core_zip)["order"] == ["ContosoCore", "ContosoApp"]


def test_bad_input_is_one_line_and_exit_2(invoke, tmp_path):
    result = invoke(2, ["order", APP, tmp_path / "nothing-here"])
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def _requirement(dependent: str, required: str) -> Requirement:
    return Requirement(dependent, required, f"step:{dependent}", f"step:{required}", "")


def test_each_cycle_once_rotated_to_its_smallest_name():
    pairs = [("beta", "Alpha"), ("Alpha", "beta"), ("beta", "gamma"), ("gamma", "Alpha")]
    found = SolutionSet(names=["Alpha", "beta", "gamma", "delta"],
                        requirements={p: [_requirement(*p)] for p in pairs})
    assert found.cycles() == [["Alpha", "beta"], ["Alpha", "beta", "gamma"]]
    assert found.order() is None


def test_ties_are_broken_by_unique_name_without_regard_to_case():
    found = SolutionSet(names=["gamma", "Beta", "alpha"], requirements={("alpha", "gamma"): [_requirement("alpha",
                                                                                                          "gamma")]})
    assert found.order() == ["Beta", "gamma", "alpha"]


# --- the real solutions ------------------------------------------------------------------------------------------

KIT = "microsoft__powercat-business-approvals-kit"


def test_business_approval_kit_comes_after_office365_integration_for_its_connector(corpus, invoke):
    kit = corpus / KIT / "BusinessApprovalKit/SolutionPackage/src"
    office = corpus / KIT / "Office365Integration/SolutionPackage/src"
    # Read independently of the reader: the connector Office365Integration ships (root component type 372),
    # and BusinessApprovalKit's MissingDependencies naming it.
    connector = re.search(r'<RootComponent type="372" id="\{([^}]+)\}"', (office / "Other/Solution.xml").read_text())
    kit_xml = (kit / "Other/Solution.xml").read_text(encoding="utf-8-sig")
    assert connector and re.search(rf'<Required type="372"[^>]*id="\{{{connector[1]}\}}"', kit_xml)
    doc = order_json(invoke, 0, kit, office)
    assert doc["order"] == ["Office365Integration", "BusinessApprovalKit"]
    assert doc["cycles"] == []
    named = set(re.findall(r'solution="([^"(]+?) \(', kit_xml)) - {"Active"}
    assert {m["solution"] for m in doc["missing"]} == named


def test_a_system_table_shipped_by_another_solution_is_not_a_requirement(corpus):
    # DataverseCustomApis binds a Custom API to systemuser; CopilotStudioAccelerator includes systemuser to
    # customize it. Every environment has systemuser: neither solution needs the other.
    apis = corpus / "drivardxrm__Dataverse-CustomApis/Driv.CustomApis.Solution/Solution"
    copilot = corpus / "microsoft__Power-CAT-Copilot-Studio-Kit/CopilotStudioAccelerator/SolutionPackage/src"
    assert "<boundentitylogicalname>systemuser</boundentitylogicalname>" in "".join(
        p.read_text(encoding="utf-8-sig") for p in apis.glob("customapis/*/customapi.xml"))
    assert (copilot / "Entities/SystemUser").is_dir()
    solutions = load_all([str(apis), str(copilot)])
    assert requirements(solutions, build_graph(solutions)).requirements == {}


def as_zip(folder, tmp_path):
    return write_members(unpacked_to_zip(folder_members(folder)), tmp_path / f"{folder.name}.zip")


@pytest.mark.parametrize("layout", ["unpacked", "zip"])
def test_a_shell_is_provided_by_the_solution_its_missing_dependency_names(invoke, tmp_path, layout):
    # field/ and project/ include contoso_autonumber as RootComponent behavior="1" (a shell) and name ContosoSales
    # as its provider; sales/ ships it with behavior="0". Before: ContosoField -> ContosoProject -> ContosoField.
    field, project = (FIELD, PROJECT) if layout == "unpacked" else (as_zip(FIELD, tmp_path), as_zip(PROJECT, tmp_path))
    assert 'behavior="1"' in (FIELD / "Other/Solution.xml").read_text(encoding="utf-8-sig")
    doc = order_json(invoke, 0, project, field, SALES)
    assert doc == {"order": ["ContosoSales", "ContosoField", "ContosoProject"], "missing": [], "cycles": []}
    text = invoke(0, ["order", project, field, SALES]).stdout
    # the step on the table needs the table's provider, not the other shell
    assert ("needs ContosoSales: step 'Number Field Record' (PostOperation, sync) is on table contoso_autonumber in "
            "ContosoSales") in text
    assert ("needs ContosoSales: table contoso_autonumber, which ContosoProject includes only as a shell, is provided "
            "by ContosoSales (MissingDependencies of ContosoProject)") in text
    assert "needs ContosoField" not in text and "needs ContosoProject" not in text
    invoke(0, ["check", "--select", "DV506", project, field, SALES])


def test_without_the_provider_the_shells_need_nothing_in_the_set(invoke):
    doc = order_json(invoke, 0, PROJECT, FIELD)
    assert doc["order"] == ["ContosoField", "ContosoProject"]
    # field/ names ContosoSales (1.0.0.0), project/ ContosoSales (0.9.0.0): the lower is what the set needs
    assert [(m["solution"], m["min_version"]) for m in doc["missing"]] == [("ContosoSales", "0.9.0.0")]


@pytest.mark.parametrize("layout", ["unpacked", "zip"])
def test_one_plugin_type_by_id_and_by_name_is_no_requirement_when_each_step_uses_its_own(invoke, tmp_path, layout):
    # audit_new ships Contoso.Audit.AuditPlugin with a PluginTypeId; audit_old, an older export, keys it by name.
    # Each solution's step runs the type its own solution ships. Before: ContosoAudit <-> ContosoAuditLegacy.
    new, old = (AUDIT_NEW, AUDIT_OLD) if layout == "unpacked" else (as_zip(AUDIT_NEW, tmp_path),
                                                                    as_zip(AUDIT_OLD, tmp_path))
    assert "PluginTypeId" not in (AUDIT_OLD / "PluginAssemblies/ContosoAudit/Contoso.Audit.dll.data.xml").read_text(
        encoding="utf-8-sig")
    doc = order_json(invoke, 0, old, new)
    assert doc == {"order": ["ContosoAudit", "ContosoAuditLegacy"], "missing": [], "cycles": []}
    solutions = load_all([str(new), str(old)])
    assert requirements(solutions, build_graph(solutions)).requirements == {}


def test_a_call_in_code_is_no_platform_requirement():
    # caller/'s script posts to /api/data/v9.2/contoso_Approve, the action ContosoCore defines: the call fails at run
    # time if the action is missing, but import does not track it, so it orders nothing.
    solutions = load_all([str(CORE), str(CALLER)])
    graph = build_graph(solutions)
    assert graph.edge_types("web_resource:b5060000-0000-4000-8000-000000000001", "sdk_message:contoso_approve")
    assert requirements(solutions, graph).requirements == {}


@pytest.mark.parametrize("folder", ["core", "app", "extension", "core_cycle", "caller", "sales", "field", "project",
                                    "audit_new", "audit_old"])
def test_fixture_folders_are_what_build_py_writes(folder):
    """The committed fixtures are the builder's output (run fixtures/order/build.py after changing it)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("order_fixture_build", ORDER / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert dict(module.PACKAGES[folder].members("unpacked")) == folder_members(ORDER / folder)


P24 = ("microsoft__Dynamics-365-FastTrack-Implementation-Assets/Administration/Dual-write/P2C/"
       "microsoft.dynamics.xrmsolutions.crmp2c.15.0.0.2/Solutions")


@pytest.mark.parametrize("suffix", ["", "_managed"])
def test_prospect_to_cash_comes_before_field_service_and_project_service(corpus, invoke, suffix):
    # Both integrations include msdynce_p2cautonumber as a shell and name msdynce_ProspectToCashIntegration as its
    # provider (P2CFieldService.zip, P2CProjectService.zip solution.xml); CRMP2C.zip ships it with behavior="0".
    folder = corpus / P24
    doc = order_json(invoke, 0, *(folder / f"{n}{suffix}.zip" for n in ("P2CProjectService", "P2CFieldService",
                                                                      "CRMP2C")))
    assert doc["cycles"] == []
    assert doc["order"][0] == "msdynce_ProspectToCashIntegration"
    assert set(doc["order"]) == {"msdynce_ProspectToCashIntegration", "msdynce_FieldServiceIntegration",
                                 "PSAOPSIntegration"}


def test_a_solution_with_its_own_action_of_a_message_name_needs_no_other(tmp_path):
    # Two solutions each ship action contoso_Approve (other ids) and a step on their own action's message. The graph
    # links the message to one definition; the second solution's step is still on its own action.
    from analyzer import builder as b
    paths = []
    for n, name in enumerate(("ContosoApprovalsA", "ContosoApprovalsB"), 1):
        action = b.action(f"a5060000-0000-4000-8000-0000000001{n}0", "Approve", "Approve",
                          f"e5060000-0000-4000-8000-0000000001{n}0")
        asm = b.PluginAssembly(f"c5060000-0000-4000-8000-0000000001{n}0", f"Contoso.Approvals{n}, Version=1.0.0.0, "
                               "Culture=neutral, PublicKeyToken=0123456789abcdef",
                               (b.PluginType(f"c5060000-0000-4000-8000-0000000001{n}1", f"Contoso.Approvals{n}.Post"),))
        step = b.Step(f"d5060000-0000-4000-8000-0000000001{n}0", "Post Approve", action.sdk_message_id,
                      asm.type_name(f"Contoso.Approvals{n}.Post"), asm.types[0].id)
        package = b.Package(b.Manifest(name), workflows=(action,), assemblies=(asm,), steps=(step,))
        paths.append(str(package.write_zip(tmp_path / f"{name}.zip")))
    solutions = load_all(paths)
    graph = build_graph(solutions)
    assert len(graph.requires("sdk_message:contoso_approve", ["defined_by"])) == 1
    assert requirements(solutions, graph).requirements == {}


def test_copies_of_a_real_solution_need_nothing_of_each_other(corpus, tmp_path):
    # Three copies of #1 with fresh ids and their own unique names (benchmarks/copies.py): each ships the same
    # plug-in types, actions and web resources by name, and each step, form and process uses its own. Before:
    # every copy needed every other (steps on the first copy's action, forms loading its web resources, steps and
    # processes on every copy's plug-in types), and each step linked to the type of all three.
    from benchmarks.copies import make_copy
    source = corpus / "carltoncolter__dyn-req-mgmt/SolutionPackage/package"
    solutions = load_all([str(make_copy(source, tmp_path, n)) for n in range(3)])
    graph = build_graph(solutions)
    assert requirements(solutions, graph).requirements == {}
    steps = graph.nodes("step", external=None)
    assert steps and all(len(graph.requires(s, ["handler"])) == 1 for s in steps)
