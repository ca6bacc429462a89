"""`dvsa order` and the requirements between solutions it shares with DV506 (analyzer/solution_set.py).

fixtures/order/build.py declares the set (its docstring is the map): ContosoCore 1.2.0.0 defines action
contoso_Approve; ContosoApp registers step 'Post Approve' on it and names "ContosoCore (1.2.0.0)" and
"ContosoCore (1.1.0.0)" in its MissingDependencies; ContosoExtension's step runs ContosoApp's plug-in type on
ContosoCore's action; core_cycle is ContosoCore 1.3.0.0 with a step run by ContosoApp's plug-in type.
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


@pytest.mark.parametrize("folder", ["core", "app", "extension", "core_cycle"])
def test_fixture_folders_are_what_build_py_writes(folder):
    """The committed fixtures are the builder's output (run fixtures/order/build.py after changing it)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("order_fixture_build", ORDER / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert dict(module.PACKAGES[folder].members("unpacked")) == folder_members(ORDER / folder)
