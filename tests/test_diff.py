"""``dvsa diff``: the component diff of two versions (analyzer/diff.py), its engine entry and its reports.

Expected values come from the declarations in fixtures/diff/build.py (what each version of the fixture
was built with), never from what the code printed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES, ROOT, SOLUTIONS, folder_members, unpacked_to_zip, write_members

from analyzer.engine import diff_analysis

RELEASE = FIXTURES / "diff" / "release"
RENAMED = FIXTURES / "diff" / "renamed"

ACTION = "workflow:6b0b9f3e-aaaa-4f6e-8d0c-000000000001"
REMOVED_WORKFLOW = "workflow:6b0b9f3e-aaaa-4f6e-8d0c-000000000002"
ADDED_FLOW = "workflow:6b0b9f3e-aaaa-4f6e-8d0c-000000000004"
UPDATE_STEP = "step:7c1d0e4f-bbbb-4a1b-9c2d-000000000001"
CREATE_STEP = "step:7c1d0e4f-bbbb-4a1b-9c2d-000000000002"
REORDERED_STEP = "step:7c1d0e4f-bbbb-4a1b-9c2d-000000000003"
API = "custom_api:contoso_getordersummary"
ASSEMBLY = "plugin_assembly:5e2a0d6c-1111-4c3a-9d7e-0a0a0a0a0a01"


def _diff(old, new, **kw):
    return diff_analysis([str(old)], [str(new)], **kw).diff


def _changed(diff) -> dict[str, dict]:
    return {e.key: e.fields for e in diff.changed}


def _as_zip(folder: Path, target: Path) -> Path:
    return write_members(unpacked_to_zip(folder_members(folder)), target)


@pytest.fixture(scope="module")
def release():
    return _diff(RELEASE / "old", RELEASE / "new")


def test_added_and_removed_by_key(release):
    assert [e.key for e in release.added] == [ADDED_FLOW]
    assert [e.key for e in release.removed] == [REMOVED_WORKFLOW]
    assert set(_changed(release)) == {"solution:contosoorders", ACTION, API, ASSEMBLY, UPDATE_STEP, CREATE_STEP}


def test_solution_version(release):
    assert _changed(release)["solution:contosoorders"] == {"version": ("1.2.0.0", "1.3.0.0")}


def test_step_stage_rank_filtering_attributes_and_images(release):
    fields = _changed(release)[UPDATE_STEP]
    assert fields["stage"] == ("PreOperation", "PostOperation")  # 20 -> 40
    assert fields["rank"] == (1, 2)
    # "name,statuscode" -> "statuscode,name,description": one attribute added, the order is not a change
    assert fields["filtering attributes"] == (("name", "statuscode"), ("description", "name", "statuscode"))
    assert fields["image 'PreImage'"] == ("pre image (name, totalamount)", "pre image (name, statuscode, totalamount)")
    assert fields["image 'PostImage'"] == (None, "post image (statuscode)")
    assert set(fields) == {"stage", "rank", "filtering attributes", "image 'PreImage'", "image 'PostImage'"}


def test_step_message_mode_and_plugin_type(release):
    fields = _changed(release)[CREATE_STEP]
    assert fields == {"message": ("Create", "Update"), "mode": ("sync", "async"),
                      "plug-in type": ("Contoso.Orders.Plugins.OrderTotals", "Contoso.Orders.Plugins.OrderAudit")}


def test_list_order_and_assembly_version_in_type_name_are_not_changes(release):
    assert REORDERED_STEP not in _changed(release)


def test_custom_api_contract(release):
    fields = _changed(release)[API]
    assert fields["binding"] == ("global", "entity salesorder")
    assert fields["function"] == (False, True)
    assert fields["allowed custom processing step type"] == ("None", "Sync and Async")
    assert fields["input 'OrderId'"] == ("Guid, required", "String, required")  # retyped
    assert fields["input 'Currency'"] == ("String, required", None)  # removed
    assert fields["input 'IncludeLines'"] == (None, "Boolean, optional")  # added
    assert fields["output 'LineCount'"] == (None, "Integer")
    assert "output 'Summary'" not in fields


def test_action_state_and_arguments(release):
    fields = _changed(release)[ACTION]
    assert fields["state"] == ("draft", "active")
    assert fields["input 'Reason'"] == ("String, optional", "String, required")
    assert fields["input 'Priority'"] == (None, "Integer, optional")
    assert "input 'Order'" not in fields


def test_assembly_version(release):
    assert _changed(release)[ASSEMBLY] == {"version": ("1.0.0.0", "1.1.0.0")}


def test_images_and_parameters_are_shown_on_their_parent(release):
    keys = [e.key for e in release.added + release.removed + release.changed]
    assert not [k for k in keys if k.startswith(("step_image:", "custom_api_request", "custom_api_response"))]


@pytest.mark.parametrize("folder", [SOLUTIONS / "contoso_approvals", RELEASE / "old", RELEASE / "new"],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_zip_against_its_unpacked_folder_is_empty(folder, tmp_path):
    packed = _as_zip(folder, tmp_path / "export.zip")
    assert _diff(packed, folder).empty
    assert _diff(folder, packed).empty


def test_zip_old_against_unpacked_new_is_the_same_diff(release, tmp_path):
    mixed = _diff(_as_zip(RELEASE / "old", tmp_path / "old.zip"), RELEASE / "new")
    assert _changed(mixed) == _changed(release)
    assert [e.key for e in mixed.added] == [e.key for e in release.added]


def test_whitespace_guid_case_and_braces_are_not_changes(tmp_path):
    copy = shutil.copytree(RELEASE / "old", tmp_path / "old")
    step = copy / "SdkMessageProcessingSteps" / "{7c1d0e4f-bbbb-4a1b-9c2d-000000000001}.xml"
    text = step.read_text(encoding="utf-8-sig")
    text = text.replace("{7c1d0e4f-bbbb-4a1b-9c2d-000000000001}", "7C1D0E4F-BBBB-4A1B-9C2D-000000000001")
    text = text.replace("{20bebb1b-ea3e-db11-86a7-000a3a5473e8}", "{20BEBB1B-EA3E-DB11-86A7-000A3A5473E8}")
    text = text.replace("<Rank>1</Rank>", "<Rank>\n    1\n  </Rank>")
    step.write_text(text, encoding="utf-8-sig")
    assert text != (RELEASE / "old" / step.relative_to(copy)).read_text(encoding="utf-8-sig")
    assert _diff(RELEASE / "old", copy).empty


def test_renamed_files_with_the_same_ids_are_a_change_of_name():
    old_files = {p.name for p in (RENAMED / "old" / "Workflows").iterdir()}
    new_files = {p.name for p in (RENAMED / "new" / "Workflows").iterdir()}
    assert not old_files & new_files  # every file was renamed
    diff = _diff(RENAMED / "old", RENAMED / "new")
    assert not diff.added and not diff.removed
    assert _changed(diff) == {REMOVED_WORKFLOW: {"name": ("Stamp Order Date", "Stamp Order Confirmation Date")}}


def test_rules_see_the_old_side():
    # DV504 compares OLD's contract with NEW's: it can only fire when the engine passes OLD as previous.
    analysis = diff_analysis([str(RELEASE / "old")], [str(RELEASE / "new")], select=["DV504"]).analysis
    assert API in {f.component.key for f in analysis.findings}  # OrderId retyped, Currency removed
    alone = diff_analysis([str(RELEASE / "new")], [str(RELEASE / "new")], select=["DV504"]).analysis
    assert not alone.findings  # NEW against itself: nothing changed, nothing broken


# --- the command ----------------------------------------------------------------------------------------------

@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # paths in the reports are the relative paths given


# A fixed rule selection, so a rule added elsewhere does not change the golden files.
GOLDEN_RULES = ["--select", "DV205,DV504"]


def test_golden_text(invoke, golden, at_root):
    result = invoke(1, ["diff", "fixtures/diff/release/old", "fixtures/diff/release/new", *GOLDEN_RULES])
    golden("diff.txt", result.output)


def test_golden_json(invoke, golden, at_root):
    result = invoke(1, ["diff", "fixtures/diff/release/old", "fixtures/diff/release/new", "--format", "json",
                        *GOLDEN_RULES])
    doc = json.loads(result.output)
    assert doc["added"] == [ADDED_FLOW] and doc["removed"] == [REMOVED_WORKFLOW]
    step = next(c for c in doc["changed"] if c["key"] == UPDATE_STEP)
    assert step["kind"] == "step" and step["name"] == "Post Update Order"
    assert step["fields"]["stage"] == ["PreOperation", "PostOperation"]
    assert doc["old"]["version"] == "1.2.0.0" and doc["new"]["version"] == "1.3.0.0"
    assert doc["summary"]["added"] == 1 and doc["summary"]["removed"] == 1 and doc["summary"]["changed"] == 6
    assert API in {f["component"]["key"] for f in doc["findings"] if f["rule"] == "DV504"}
    golden("diff.json", result.output)


def test_text_groups_by_kind(invoke, at_root):
    out = invoke(0, ["diff", "fixtures/diff/release/old", "fixtures/diff/release/new", "--fail-on", "never"]).output
    assert "1 cloud flow added: 'Orders Notify Approver'" in out
    assert "1 classic workflow removed: 'Stamp Order Date'" in out
    assert "step 'Post Update Order' (stage PreOperation → PostOperation; rank 1 → 2;" in out


def test_markdown_and_sarif(invoke, at_root):
    args = ["diff", "fixtures/diff/release/old", "fixtures/diff/release/new", "--fail-on", "never"]
    markdown = invoke(0, [*args, "--format", "markdown"]).output
    assert markdown.startswith("## dvsa diff: ContosoOrders 1.2.0.0 → 1.3.0.0\n")
    assert "- 1 cloud flow added: 'Orders Notify Approver'" in markdown  # names as text, never code
    assert "| error | DV504 breaking-contract-change |" in markdown
    sarif = json.loads(invoke(0, [*args, "--format", "sarif"]).output)
    assert "DV504" in {r["ruleId"] for r in sarif["runs"][0]["results"]}


def test_exit_codes(invoke, at_root, tmp_path):
    invoke(0, ["diff", "fixtures/diff/renamed/old", "fixtures/diff/renamed/new", "--fail-on", "error"])
    invoke(1, ["diff", "fixtures/diff/release/old", "fixtures/diff/release/new"])  # DV504 errors
    invoke(0, ["diff", "fixtures/diff/release/old", "fixtures/diff/release/new", "--select", "DV2"])
    invoke(1, ["diff", "fixtures/diff/release/old", "fixtures/diff/release/new", "--select", "DV2",
               "--fail-on", "warning"])  # DV205 on the step moved to Update
    missing = invoke(2, ["diff", "fixtures/diff/release/old", str(tmp_path / "nope")])
    assert missing.output.startswith("error: ") and missing.output.count("\n") == 1
    invoke(2, ["diff", "fixtures/diff/release/old", "fixtures/diff/release/new", "--select", "DV999"])


def test_output_file(invoke, at_root, tmp_path):
    target = tmp_path / "diff.json"
    invoke(0, ["diff", "fixtures/diff/renamed/old", "fixtures/diff/renamed/new", "--format", "json", "-o", target])
    assert json.loads(target.read_text())["changed"][0]["fields"] == {
        "name": ["Stamp Order Date", "Stamp Order Confirmation Date"]}


# --- the real pair: Copilot Studio Kit, December 2025 (#22) -> January 2026 (#5) ---------------------------------

KIT = "microsoft__Power-CAT-Copilot-Studio-Kit"
_DATA_FILE = re.compile(r"-([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\.[^.]+\.data\.xml$")


def _workflow_ids(src: Path) -> set[str]:
    """Workflow ids from the file names alone (``<Name>-<GUID>.json.data.xml``), independently of the reader."""
    return {m.group(1).lower() for p in (src / "Workflows").glob("*.data.xml") if (m := _DATA_FILE.search(p.name))}


def test_real_pair_added_workflows_are_the_new_files(corpus):
    old = corpus / KIT / "CopilotStudioAccelerator-2025-12" / "SolutionPackage" / "src"
    new = corpus / KIT / "CopilotStudioAccelerator" / "SolutionPackage" / "src"
    expected = {f"workflow:{i}" for i in _workflow_ids(new) - _workflow_ids(old)}
    assert expected  # the January release adds flows and business rules
    result = diff_analysis([str(old)], [str(new)])
    assert {e.key for e in result.diff.added if e.kind == "workflow"} == expected
    gone = {f"workflow:{i}" for i in _workflow_ids(old) - _workflow_ids(new)}
    assert {e.key for e in result.diff.removed if e.kind == "workflow"} == gone
    assert "DV503" not in {f.rule for f in result.analysis.findings}  # 0.0.0.0 placeholder -> a real version
    assert CORPUS.is_dir()


def test_action_without_a_body_on_one_side_reports_no_parameters(tmp_path):
    # Without its XAML the action's arguments are unknown, not none: no "input added" for every argument.
    from dataclasses import replace

    from analyzer.builder import Manifest, Package
    build = _fixture_builder()
    with_body = build.OLD.workflows[0]
    old = Package(Manifest("ContosoOrders"), workflows=(replace(with_body, xaml=None),)).write_folder(tmp_path / "o")
    new = Package(Manifest("ContosoOrders"), workflows=(with_body,)).write_folder(tmp_path / "n")
    fields = _changed(_diff(old, new)).get(ACTION, {})
    assert not [label for label in fields if label.startswith(("input '", "output '"))]


def _fixture_builder():
    import importlib.util
    spec = importlib.util.spec_from_file_location("diff_fixture_build", FIXTURES / "diff" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- what only a content digest sees (fixtures/diff/build.py CONTENT_OLD / CONTENT_NEW, `same/`) ------------------

CONTENT = FIXTURES / "diff" / "content"
SAME = FIXTURES / "diff" / "same"
APP_ACTION = "other:appaction:contoso__{}!5d1c0e0f6a2b4c3d9e8f7a6b5c4d3e2f!contoso_orders!salesorder!0"


@pytest.fixture(scope="module")
def content():
    return _diff(CONTENT / "old", CONTENT / "new")


def test_app_actions_added_and_removed(content):
    # NEW drops "Archive", keeps "Recalculate" and adds "Approve" (appactions/<uniquename>/appaction.xml)
    assert [e.key for e in content.added] == [APP_ACTION.format("approve")]
    assert [e.key for e in content.removed] == [APP_ACTION.format("archive")]
    assert content.added[0].title == "app action 'Approve'"


def test_bodies_files_forms_and_apps_are_changes(content):
    changed = _changed(content)
    # the flow gained an action, the business rule's condition text changed: their body files, not their records
    assert set(changed["workflow:6b0b9f3e-cccc-4f6e-8d0c-000000000001"]) == {"definition"}
    assert set(changed["workflow:6b0b9f3e-cccc-4f6e-8d0c-000000000002"]) == {"definition"}
    assert set(changed[f"web_resource:{'b6020000-0000-4000-8000-000000000001'}"]) == {"content"}
    assert set(changed["entity:salesorder"]) == {"form 'Order'"}  # a cell's label renamed
    assert set(changed["other:80:contoso_orders"]) == {"definition"}  # the app gained the invoice table
    assert set(changed) == {"solution:contosocontent", "workflow:6b0b9f3e-cccc-4f6e-8d0c-000000000001",
                            "workflow:6b0b9f3e-cccc-4f6e-8d0c-000000000002",
                            "web_resource:b6020000-0000-4000-8000-000000000001", "entity:salesorder",
                            "other:80:contoso_orders", "environment_variable:contoso_threshold",
                            "environment_variable:contoso_region"}


def test_environment_variable_values(content):
    changed = _changed(content)
    assert changed["environment_variable:contoso_threshold"] == {"default value": ("10", "20"),
                                                                 "current value": ("5", "7")}
    # only its description changed: no field says so, its record does
    assert set(changed["environment_variable:contoso_region"]) == {"definition"}


def test_digest_fields_read_as_changed(invoke, at_root):
    out = invoke(0, ["diff", "fixtures/diff/content/old", "fixtures/diff/content/new", "--fail-on", "never"]).output
    assert "cloud flow 'Orders Notify Approver' (definition changed)" in out
    assert "web resource 'contoso_/scripts/order.js' (content changed)" in out
    assert "1 other component added: 'Approve (App Action)'" in out


def test_same_release_written_twice_is_no_change_and_no_dv503():
    # `same/new` is `same/old` with the <EntityHelpUrl></EntityHelpUrl> a newer export writes: same version, same content
    result = diff_analysis([str(SAME / "old")], [str(SAME / "new")])
    assert result.diff.empty
    assert "DV503" not in {f.rule for f in result.analysis.findings}


def test_same_version_with_changed_content_is_dv503(tmp_path):
    new = shutil.copytree(CONTENT / "new", tmp_path / "new")
    manifest = new / "Other" / "Solution.xml"
    manifest.write_text(manifest.read_text(encoding="utf-8-sig").replace("<Version>1.1.0.0</Version>",
                                                                         "<Version>1.0.0.0</Version>"), encoding="utf-8")
    result = diff_analysis([str(CONTENT / "old")], [str(new)])
    assert "DV503" in {f.rule for f in result.analysis.findings}


@pytest.mark.parametrize("folder", [CONTENT / "old", CONTENT / "new"], ids=lambda p: f"content/{p.name}")
def test_zip_against_unpacked_keeps_every_digest(folder, tmp_path):
    packed = _as_zip(folder, tmp_path / "export.zip")
    assert _diff(packed, folder).empty
