"""Mapping files (issue 8): files an unpacked folder keeps elsewhere are provided by SolutionPackager's mapping
XML (--map, `map` in dvsa.toml) or spkl.json's map entries, so DV405 reports only files nobody provides."""

from __future__ import annotations

import json
import shutil
from collections import Counter

from conftest import FIXTURES

from analyzer.reader import load, read_mapping

REPO = FIXTURES / "mapping" / "contoso_repo"
PACKAGE = REPO / "Solution"
MAP = REPO / "map.xml"

FORM_JS = "web_resource:f4080000-0000-4000-8000-000000000001"  # FileToPath WebResources\**\*.js -> ..\src\**
LOGO = "web_resource:f4080000-0000-4000-8000-000000000002"  # Folder WebResources\contoso_\img -> ..\images
HELP = "web_resource:f4080000-0000-4000-8000-000000000003"  # no directive maps .htm: missing
RIBBON = "web_resource:f4080000-0000-4000-8000-000000000004"  # mapped to src\**, where there is no ribbon.js
PLUGINS = "plugin_assembly:c4080000-0000-4000-8000-000000000001"  # FileToFile to ..\Plugins\bin\**: not built
TOOLS = "plugin_assembly:c4080000-0000-4000-8000-000000000002"  # FileToFile to ..\lib\Contoso.Tools.dll


def dv405(invoke, *args) -> dict[str, str]:
    result = invoke(1, ["check", *args, "--select", "DV405", "--format", "json"])
    return {f["component"]["key"]: f["severity"] for f in json.loads(result.output)["findings"]}


def by_key(solution):
    return {c.key: c for c in solution.components}


def test_each_directive_provides_its_file():
    components = by_key(load(str(PACKAGE), mapping=read_mapping(str(MAP))))
    assert components[FORM_JS].file_mapped_to == (REPO / "src" / "scripts" / "form.js").as_posix()
    assert components[LOGO].file_mapped_to == (REPO / "images" / "logo.svg").as_posix()
    assert components[TOOLS].file_mapped_to == (REPO / "lib" / "Contoso.Tools.dll").as_posix()
    assert not any(components[k].file_missing for k in (FORM_JS, LOGO, TOOLS))
    assert components[HELP].file_missing and components[HELP].file_mapped_to is None


def test_mapped_but_absent_files_keep_the_pattern():
    components = by_key(load(str(PACKAGE), mapping=read_mapping(str(MAP))))
    assert components[PLUGINS].file_missing
    assert components[PLUGINS].file_mapped_to == (REPO / "Plugins" / "bin" / "**" / "Contoso.Plugins.dll").as_posix()
    assert components[RIBBON].file_mapped_to == (REPO / "src" / "**" / "ribbon.js").as_posix()


def test_without_a_mapping_every_outside_file_is_an_error(invoke):
    assert dv405(invoke, PACKAGE) == dict.fromkeys([FORM_JS, LOGO, HELP, RIBBON, PLUGINS, TOOLS], "error")


def test_with_the_mapping_only_unprovided_files_are_errors(invoke):
    assert dv405(invoke, PACKAGE, "--map", MAP) == {HELP: "error", RIBBON: "warning", PLUGINS: "warning"}


def test_build_output_warning_names_the_mapped_path(invoke):
    result = invoke(1, ["check", PACKAGE, "--map", MAP, "--select", "DV405"])
    assert "contoso_repo/Plugins/bin/**/Contoso.Plugins.dll: build first" in result.output


def test_map_key_in_dvsa_toml_is_relative_to_the_file(invoke, tmp_path, monkeypatch):
    config = tmp_path / "conf" / "dvsa.toml"
    config.parent.mkdir()
    config.write_text(f'map = "{shutil.os.path.relpath(MAP, config.parent)}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert dv405(invoke, PACKAGE, "--config", config) == {HELP: "error", RIBBON: "warning", PLUGINS: "warning"}


def test_spkl_json_above_the_folder_is_discovered(invoke, tmp_path):
    repo = shutil.copytree(REPO, tmp_path / "repo")
    (repo / "spkl.json").write_text("""{
      /* spkl writes these entries into a SolutionPackager mapping file */
      "solutions": [
        { "packagepath": "Other", "map": [] },
        { "solution_uniquename": "ContosoMapped", "packagepath": "Solution",
          "map": [
            { "map": "file", "from": "ContosoPlugins.dll", "to": "..\\\\Plugins\\\\bin\\\\**\\\\Contoso.Plugins.dll" },
            { "map": "path", "from": "WebResources\\\\**\\\\*.js", "to": "..\\\\src\\\\**" }, // comment
          ] }
      ]
    }""", encoding="utf-8")
    assert dv405(invoke, repo / "Solution") == {HELP: "error", RIBBON: "warning", PLUGINS: "warning",
                                                LOGO: "error", TOOLS: "error"}


def test_malformed_map_file_is_one_line_exit_2(invoke, tmp_path):
    bad = tmp_path / "map.xml"
    bad.write_text('<Mapping><FileToFile map="a.dll" to="b.dll"></Mapping>', encoding="utf-8")
    result = invoke(2, ["check", PACKAGE, "--map", bad])
    assert result.output.count("\n") == 1 and result.output.startswith(f"error: {bad}:1:")
    assert "Traceback" not in result.output


def test_unknown_directive_is_refused(invoke, tmp_path):
    bad = tmp_path / "map.xml"
    bad.write_text('<Mapping>\n  <FileToFolder map="a.dll" to="b" />\n</Mapping>', encoding="utf-8")
    result = invoke(2, ["inventory", PACKAGE, "--map", bad])
    assert result.output.startswith(f"error: {bad}:2: unknown mapping directive <FileToFolder>")


# --- the real repositories in ../shared/corpus ------------------------------------------------------

def _corpus_dv405(invoke, package, *args) -> Counter:
    # exit 0: a warning does not fail the run at the default --fail-on error
    result = invoke(0, ["check", package, *args, "--select", "DV405", "--format", "json"])
    return Counter((f["severity"], f["component"]["kind"]) for f in json.loads(result.output)["findings"])


def test_corpus_1_with_its_map_xml(invoke, corpus):
    root = corpus / "carltoncolter__dyn-req-mgmt" / "SolutionPackage"
    # map.xml: every web resource comes from ..\..\WebResources; the .dll is a build output (Plugins/bin).
    assert _corpus_dv405(invoke, root / "package", "--map", root / "map.xml") == {("warning", "plugin_assembly"): 1}


def test_corpus_1_spkl_json_gives_the_same(invoke, corpus):
    root = corpus / "carltoncolter__dyn-req-mgmt" / "SolutionPackage"
    assert _corpus_dv405(invoke, root / "package") == {("warning", "plugin_assembly"): 1}


def test_corpus_23_with_its_mapping_xml_has_no_dv405_error(invoke, corpus):
    root = corpus / "drivardxrm__Dataverse-CustomApis" / "Driv.CustomApis.Solution"
    # mapping.xml maps DrivCustomApis.dll from ..\..\Driv.CustomApis.Code\bin\**, not built in the corpus.
    assert _corpus_dv405(invoke, root / "Solution", "--map", root / "mapping.xml") == {("warning", "plugin_assembly"): 1}


# --- what the repository around a folder says (issue 16 item 5) ------------------------------------------------

CDSPROJ = """<Project ToolsVersion="15.0" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <Import Project="$(MSBuildExtensionsPath)\\Microsoft\\PowerApps\\Microsoft.PowerApps.VisualStudio.Solution.props" />
  <PropertyGroup>
    <SolutionRootPath>Solution</SolutionRootPath>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="Plugins\\Contoso.Plugins.csproj" />
  </ItemGroup>
</Project>
"""
CSPROJ = """<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net462</TargetFramework>
    <AssemblyName>{name}</AssemblyName>
  </PropertyGroup>
</Project>
"""


def pac_project(tmp_path, assembly_name: str = "Contoso.Plugins"):
    """contoso_repo as a pac solution project: Contoso.Solution.cdsproj beside the package folder references the
    plug-in project, whose build pac copies into PluginAssemblies when it packs; no mapping file."""
    repo = shutil.copytree(REPO, tmp_path / "repo")
    (repo / "map.xml").unlink()
    (repo / "Contoso.Solution.cdsproj").write_text(CDSPROJ, encoding="utf-8")
    (repo / "Plugins").mkdir()
    (repo / "Plugins" / "Contoso.Plugins.csproj").write_text(CSPROJ.format(name=assembly_name), encoding="utf-8")
    return repo


def test_a_cdsproj_project_reference_makes_its_missing_dll_a_build_first_warning(invoke, tmp_path):
    repo = pac_project(tmp_path)
    # Contoso.Plugins (ContosoPlugins.dll) is the referenced project's build output; Contoso.Tools is not.
    assert dv405(invoke, repo / "Solution")[PLUGINS] == "warning"
    assert dv405(invoke, repo / "Solution")[TOOLS] == "error"
    plugins = by_key(load(str(repo / "Solution")))[PLUGINS]
    assert plugins.file_missing and plugins.file_built_by.startswith("Plugins/Contoso.Plugins.csproj (ProjectReference")


def test_a_project_reference_to_another_assembly_leaves_the_error(invoke, tmp_path):
    repo = pac_project(tmp_path, assembly_name="Contoso.Other")
    assert dv405(invoke, repo / "Solution")[PLUGINS] == "error"


def test_a_mapping_file_beside_the_folder_is_suggested_when_files_are_missing(invoke, tmp_path):
    repo = shutil.copytree(REPO, tmp_path / "repo")
    result = invoke(1, ["check", repo / "Solution", "--select", "DV405", "--format", "json"])
    messages = [f["message"] for f in json.loads(result.output)["findings"]]
    assert messages and all(m.endswith("check with --map " + shutil.os.path.relpath(repo / "map.xml"))
                            for m in messages)
    with_map = invoke(1, ["check", repo / "Solution", "--map", repo / "map.xml", "--select", "DV405",
                          "--format", "json"])
    assert not any("--map" in f["message"] for f in json.loads(with_map.output)["findings"])
