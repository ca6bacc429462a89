"""Custom API handlers in every form exports write, and plug-in packages (issue 8).

Expected values come from the fixtures' XML: fixtures/rules/DV307-nested-handler (unpacked, one Custom API per
handler form), fixtures/rules/DV401-plugin-package (unpacked) and -zip (zip layout), which ship plug-in package
contoso_Contoso.Plugins and no PluginAssemblies entry.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, folder_members, unpacked_to_zip, write_members, zip_folder

from analyzer.engine import run_rules
from analyzer.errors import SolutionError
from analyzer.graph import HANDLER, PACKAGED, PROVIDED_BY, UNRESOLVED, build_graph
from analyzer.model import CustomApi, PluginPackage
from analyzer.reader import load
from analyzer.registry import discover

FORMS = FIXTURES / "rules" / "DV307-nested-handler" / "solution"
PACKAGED_UNPACKED = FIXTURES / "rules" / "DV401-plugin-package" / "solution"
PACKAGED_ZIP = FIXTURES / "rules" / "DV401-plugin-package-zip" / "solution"

# customapis/<name>/customapi.xml of FORMS: the GUID each one writes, normalised (lower case, no braces).
HANDLER_IDS = {
    "contoso_agecalculation": "e8010000-0000-4000-8000-000000000001",  # <plugintypeid><plugintypeid>
    "contoso_dateinfo": "e8010000-0000-4000-8000-000000000002",  # <plugintypeexportkey>{E801…}
    "contoso_datecompare": "e8010000-0000-4000-8000-000000000003",  # <plugintypeid>E801…</plugintypeid>
    "contoso_ping": None,  # no <plugintypeid>
}
GET_PRICE = "custom_api:contoso_getprice"
AUDIT_STEP = "step:b8010000-0000-4000-8000-000000000011"


def _apis(solution) -> dict[str, str | None]:
    return {c.ident: c.plugin_type_id for c in solution.components if isinstance(c, CustomApi)}


def _as_zip(folder: Path, tmp_path: Path) -> Path:
    return write_members(unpacked_to_zip(folder_members(folder)), tmp_path / f"{folder.parent.name}.zip")


def _dv401(solutions) -> set[str]:
    result = run_rules(solutions, [discover().get("DV401")], graph=build_graph(solutions))
    assert not result.errors
    return {f.component.key for f in result.findings}


def test_handler_forms_unpacked():
    assert _apis(load(str(FORMS))) == HANDLER_IDS


def test_handler_forms_zip(tmp_path):
    assert _apis(load(str(_as_zip(FORMS, tmp_path)))) == HANDLER_IDS


@pytest.mark.parametrize("layout", ["unpacked", "zip"])
def test_plugin_package_read(layout, tmp_path):
    path = PACKAGED_UNPACKED if layout == "unpacked" else zip_folder(PACKAGED_ZIP, tmp_path / "packaged.zip")
    solution = load(str(path))
    packages = [c for c in solution.components if isinstance(c, PluginPackage)]
    assert len(packages) == 1
    package = packages[0]
    assert package.key == "plugin_package:contoso_contoso.plugins"
    assert (package.unique_name, package.version) == ("contoso_Contoso.Plugins", "1.0.0")
    assert package.file_path == "pluginpackages/contoso_Contoso.Plugins/package/contoso_Contoso.Plugins.nupkg"
    assert not package.file_missing


def test_plugin_package_without_its_nupkg(tmp_path):
    copy = shutil.copytree(PACKAGED_UNPACKED, tmp_path / "solution")
    (copy / "pluginpackages/contoso_Contoso.Plugins/package/contoso_Contoso.Plugins.nupkg").unlink()
    package = next(c for c in load(str(copy)).components if isinstance(c, PluginPackage))
    assert package.file_missing
    assert package.file_path == "contoso_Contoso.Plugins.nupkg"  # as <package> names it


@pytest.mark.parametrize("folder", [PACKAGED_UNPACKED, PACKAGED_ZIP], ids=["unpacked", "zip"])
def test_types_presumed_in_the_package(folder, tmp_path):
    """The Custom API's and the step's types are in no PluginAssemblies entry: provided by the package."""
    path = folder if folder is PACKAGED_UNPACKED else zip_folder(folder, tmp_path / "packaged.zip")
    solutions = [load(str(path))]
    graph = build_graph(solutions)
    for source, type_id in ((GET_PRICE, "e8010000-0000-4000-8000-000000000011"),
                            (AUDIT_STEP, "e8010000-0000-4000-8000-000000000012")):
        target = f"plugin_type:{type_id}"
        assert graph.requires(source, [HANDLER]) == [target]
        assert graph.external(target) == PACKAGED
        assert graph.requires(target, [PROVIDED_BY]) == ["plugin_package:contoso_contoso.plugins"]
    assert _dv401(solutions) == set()


def test_without_the_package_the_same_references_fail(tmp_path):
    """The package is what makes them pass: remove pluginpackages/ and DV401 reports both."""
    copy = shutil.copytree(PACKAGED_UNPACKED, tmp_path / "solution")
    shutil.rmtree(copy / "pluginpackages")
    solutions = [load(str(copy))]
    assert build_graph(solutions).external("plugin_type:e8010000-0000-4000-8000-000000000011") == UNRESOLVED
    assert _dv401(solutions) == {GET_PRICE, AUDIT_STEP}


def test_listed_types_are_joined_normally(tmp_path):
    """A package beside a PluginAssemblies entry that lists the types: the APIs run those types."""
    copy = shutil.copytree(FORMS, tmp_path / "solution")
    shutil.copytree(PACKAGED_UNPACKED / "pluginpackages", copy / "pluginpackages")
    graph = build_graph([load(str(copy))])
    for api, type_id in HANDLER_IDS.items():
        expected = [f"plugin_type:{type_id}"] if type_id else []
        assert graph.requires(f"custom_api:{api}", [HANDLER]) == expected
        if type_id:
            assert graph.component(f"plugin_type:{type_id}") is not None  # the listed type, not a reference


def test_a_package_in_another_analyzed_solution_counts(tmp_path):
    """A solution without a package, analyzed with one that ships a package: its unlisted type may be in it."""
    copy = shutil.copytree(PACKAGED_UNPACKED, tmp_path / "without")
    shutil.rmtree(copy / "pluginpackages")
    xml = copy / "Other" / "Solution.xml"
    xml.write_text(xml.read_text(encoding="utf-8-sig").replace("RuleDV401Package", "RuleDV401Other"), encoding="utf-8")
    for customapi in (copy / "customapis").iterdir():  # another API name, the same unlisted type
        customapi.rename(copy / "customapis" / "contoso_GetCost")
    api = copy / "customapis" / "contoso_GetCost" / "customapi.xml"
    api.write_text(api.read_text(encoding="utf-8").replace("contoso_GetPrice", "contoso_GetCost"), encoding="utf-8")
    shutil.rmtree(copy / "SdkMessageProcessingSteps")
    assert _dv401([load(str(copy)), load(str(PACKAGED_UNPACKED))]) == set()


def test_wrong_root_element_is_one_clear_error(tmp_path):
    copy = shutil.copytree(PACKAGED_UNPACKED, tmp_path / "solution")
    (copy / "pluginpackages/contoso_Contoso.Plugins/pluginpackage.xml").write_text("<pluginassembly />")
    with pytest.raises(SolutionError, match=r"pluginpackage\.xml.*expected <pluginpackage>, found <pluginassembly>"):
        load(str(copy))


def test_malformed_package_xml_exits_2(tmp_path, runner):
    from analyzer.cli import main
    copy = shutil.copytree(PACKAGED_UNPACKED, tmp_path / "solution")
    (copy / "pluginpackages/contoso_Contoso.Plugins/pluginpackage.xml").write_text("<pluginpackage uniquename=")
    run = runner.invoke(main, ["check", str(copy)])
    assert run.exit_code == 2
    lines = run.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "pluginpackage.xml" in lines[0]
    assert "Traceback" not in run.output


def test_inventory_shows_handlers_and_packages(runner, tmp_path):
    from analyzer.cli import main
    copy = shutil.copytree(FORMS, tmp_path / "forms")
    shutil.copytree(PACKAGED_UNPACKED, tmp_path / "packaged")
    run = runner.invoke(main, ["inventory", str(copy), str(tmp_path / "packaged"), "--format", "json"])
    assert run.exit_code == 0, run.output
    records = {r["key"]: r for r in json.loads(run.output)["components"]}
    assert records["custom_api:contoso_agecalculation"]["handler"] == "Contoso.Apis.AgeCalculation"
    assert records["custom_api:contoso_agecalculation"]["handler_key"] == \
        "plugin_type:e8010000-0000-4000-8000-000000000001"
    assert records["custom_api:contoso_ping"]["handler"] == "none"
    assert records[GET_PRICE]["handler"] == \
        "plug-in package contoso_Contoso.Plugins (types not listed in the export)"
    assert records[GET_PRICE]["plugin_type_id"] == "e8010000-0000-4000-8000-000000000011"  # existing field kept
    package = records["plugin_package:contoso_contoso.plugins"]
    assert (package["kind"], package["unique_name"], package["version"]) == \
        ("plugin_package", "contoso_Contoso.Plugins", "1.0.0")
    table = runner.invoke(main, ["inventory", str(tmp_path / "packaged")]).output
    assert "Plug-in packages (1)" in table
    assert "handler plug-in package contoso_Contoso.Plugins" in table
