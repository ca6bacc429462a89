"""What blocks deleting a web resource or a column (issue 10 item 5): forms, ribbon commands, web resources that
load it, steps that filter on a column; and what `dvsa dependents` says it did not look at.

The fixture (fixtures/web_resource_refs, see its README) is laid over a copy of contoso_approvals in both layouts:
unpacked (the files at their paths) and zip (the same XML inside customizations.xml).
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import main
from analyzer.graph import (
    APP_RESOURCE,
    EMBEDS,
    FILTERS_ON,
    HANDLES_EVENT,
    IMAGE_COLUMN,
    LISTS_COLUMN,
    LOADS_DEPENDENCY,
    LOADS_LIBRARY,
    NOT_CHECKED,
    RIBBON_SCRIPT,
    SHOWS_COLUMN,
    UNRESOLVED,
    USES_COLUMN,
    WATCHES_COLUMN,
    build_graph,
)
from analyzer.model import Entity, EventHandler, ScriptFunction
from analyzer.reader import load

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "fixtures" / "solutions"
REFS = ROOT / "fixtures" / "web_resource_refs"
FORM_FILE = REFS / "Entities/contoso_ApprovalRequest/FormXml/main/{e1b5a7c2-0b6f-4d1e-9a52-3f7c1d2e8a01}.xml"
VIEW_FILE = REFS / "Entities/contoso_ApprovalRequest/SavedQueries/{b7e2c9d4-5a1f-4c3e-8d6b-9f0a1e2d3c41}.xml"
RIBBON_FILE = REFS / "Entities/contoso_ApprovalRequest/RibbonDiff.xml"
SCRIPTS = REFS / "WebResources/contoso_/scripts"
CORPUS_1 = Path("/work/shared/corpus/carltoncolter__dyn-req-mgmt/SolutionPackage/package")

FORM_SCRIPT = "web_resource:52557373-351d-4958-a19f-5c05da2f8399"  # contoso_/scripts/approvalrequest_form.js
COMMON = "web_resource:3f6e1a2b-8c4d-4e7f-a1b2-c3d4e5f60718"  # contoso_/scripts/common.js
FORM = "form:e1b5a7c2-0b6f-4d1e-9a52-3f7c1d2e8a01"
VIEW = "view:b7e2c9d4-5a1f-4c3e-8d6b-9f0a1e2d3c41"
SITE_MAP = "other:62:contoso_approvals"
HELP = "web_resource:contoso_/pages/help.html"
COMMAND = "ribbon_command:contoso_approvalrequest/contoso.approvalrequest.submit.command"
AMOUNT = "column:contoso_approvalrequest.contoso_amount"
# the step on Update of contoso_approvalrequest filtering on contoso_status,contoso_amount, and its PreImage
# (contoso_status,contoso_amount,ownerid): SdkMessageProcessingSteps/{d60633a8-…}.xml of contoso_approvals
STEP = "step:d60633a8-d250-462a-a70f-a548b5d0f9db"
IMAGE = "step_image:dcf6c379-5596-4f98-b845-ba6dc6245c80"


def _body(path: Path) -> str:
    """A fixture file without its XML declaration, to write inside customizations.xml."""
    return re.sub(r"^\ufeff?<\?xml[^>]*\?>\s*", "", path.read_text(encoding="utf-8"))


def unpacked(tmp_path: Path) -> Path:
    target = tmp_path / "contoso_approvals"
    shutil.copytree(SOLUTIONS / "contoso_approvals", target)
    for source in REFS.rglob("*"):
        if source.is_file() and source.name != "README.md":
            dest = target / source.relative_to(REFS)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
    return target


def zipped(tmp_path: Path) -> Path:
    source = SOLUTIONS / "contoso_approvals_zip"
    text = (source / "customizations.xml").read_text(encoding="utf-8-sig")
    request = text.index("<Name LocalizedName=\"Approval Request\"")
    head, tail = text[:request], text[request:]
    systemform = re.search(r"<systemform>.*</systemform>", _body(FORM_FILE), re.S).group(0)
    tail = tail.replace("<FormXml />", f'<FormXml><forms type="main">{systemform}</forms></FormXml>', 1)
    savedquery = re.search(r"<savedquery>.*</savedquery>", _body(VIEW_FILE), re.S).group(0)
    tail = tail.replace("<SavedQueries />", f"<SavedQueries><savedqueries>{savedquery}</savedqueries></SavedQueries>", 1)
    tail = re.sub(r"<RibbonDiffXml>.*?</RibbonDiffXml>", lambda _m: _body(RIBBON_FILE), tail, count=1, flags=re.S)
    resources = "".join(re.sub(r"<WebResource [^>]*>", "<WebResource>", _body(SCRIPTS / name))
                        for name in ("approvalrequest_form.js.data.xml", "common.js.data.xml"))
    site_map = _body(REFS / "AppModuleSiteMaps/contoso_Approvals/AppModuleSiteMap.xml")
    tail = re.sub(r"<WebResources>.*?</WebResources>",
                  lambda _m: f"<WebResources>{resources}</WebResources><AppModuleSiteMaps>{site_map}</AppModuleSiteMaps>",
                  tail, count=1, flags=re.S)
    path = tmp_path / "ContosoApprovals.zip"
    with zipfile.ZipFile(path, "w") as z:
        for file in sorted(source.rglob("*")):
            if file.is_file() and file.name != "customizations.xml":
                z.write(file, file.relative_to(source).as_posix())
        z.writestr("customizations.xml", head + tail)
        z.writestr("WebResources/contoso_scriptscommonjs3F6E1A2B-8C4D-4E7F-A1B2-C3D4E5F60718",
                   (SCRIPTS / "common.js").read_bytes())
    return path


@pytest.fixture(params=["unpacked", "zip"])
def package(request, tmp_path) -> Path:
    return unpacked(tmp_path) if request.param == "unpacked" else zipped(tmp_path)


@pytest.fixture
def graph(package):
    return build_graph([load(str(package))])


def dependents(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["dependents", *args])
    return result.exit_code, result.output


def test_the_form_is_read_with_its_libraries_handlers_and_columns(package):
    table = next(c for c in load(str(package)).components if isinstance(c, Entity)
                 and c.logical_name == "contoso_approvalrequest")
    (form,) = table.form_details
    assert table.forms == (("e1b5a7c2-0b6f-4d1e-9a52-3f7c1d2e8a01", "Information"),)
    assert form.display == "form 'Information' of table 'Approval Request'"
    assert form.form_type == "main"
    assert form.libraries == ("contoso_/scripts/approvalrequest_form.js",)
    assert form.handlers == (
        EventHandler("onload", "contoso_/scripts/approvalrequest_form.js", "Contoso.ApprovalRequestForm.onLoad"),
        EventHandler("onchange", "contoso_/scripts/approvalrequest_form.js",
                     "Contoso.ApprovalRequestForm.onAmountChange", "contoso_amount"))
    assert form.columns == ("contoso_amount", "contoso_name", "contoso_status")
    assert form.web_resources == ("contoso_/pages/help.html",)
    (command,) = table.ribbon_commands
    assert command.command_id == "contoso.approvalrequest.Submit.Command"
    assert command.table == "contoso_approvalrequest"
    assert command.functions == (
        ScriptFunction("contoso_/scripts/common.js", "Contoso.Ribbon.canSubmit",
                       "contoso.approvalrequest.CanSubmit.EnableRule"),
        ScriptFunction("contoso_/scripts/approvalrequest_form.js", "Contoso.ApprovalRequestForm.submit"))


def test_a_form_that_loads_the_script_blocks_deleting_it(package):
    """The issue's example: `dependents --of web_resource:52557373-…` no longer answers "nothing"."""
    code, out = dependents(str(package), "--of", FORM_SCRIPT)
    assert code == 0
    assert out.startswith("2 component(s) block deleting web resource 'contoso_/scripts/approvalrequest_form.js'")
    assert ("  - form 'Information' of table 'Approval Request' [ContosoApprovals]: runs event handlers from, "
            "loads library (onload: Contoso.ApprovalRequestForm.onLoad; "
            "onchange of contoso_amount: Contoso.ApprovalRequestForm.onAmountChange)\n"
            f"      {FORM}\n") in out
    assert ("  - ribbon command 'contoso.approvalrequest.Submit.Command' of table 'Approval Request' "
            "[ContosoApprovals]: runs script (Contoso.ApprovalRequestForm.submit)\n") in out
    assert "Nothing" not in out


def test_edges(graph):
    assert graph.edge_types(FORM, FORM_SCRIPT) == {LOADS_LIBRARY, HANDLES_EVENT}
    assert graph.edge_types(COMMAND, FORM_SCRIPT) == {RIBBON_SCRIPT}
    assert graph.edge_types(COMMAND, COMMON) == {RIBBON_SCRIPT}
    assert graph.edge_types(FORM_SCRIPT, COMMON) == {LOADS_DEPENDENCY}
    # a web resource control on a page no analyzed solution holds: an unresolved reference, by name
    assert graph.edge_types(FORM, "web_resource:contoso_/pages/help.html") == {EMBEDS}
    assert graph.external("web_resource:contoso_/pages/help.html") == UNRESOLVED


def test_a_site_map_that_shows_a_page(graph):
    site_map = graph.component(SITE_MAP)
    assert site_map.display == "site map 'contoso_Approvals'"
    assert graph.requires(SITE_MAP) == [HELP, "web_resource:msdyn_/images/area_default_icon.png"]
    assert graph.edge_types(SITE_MAP, HELP) == {APP_RESOURCE}
    assert [k for k, _path in graph.trace(COMMON)] == [COMMAND, FORM_SCRIPT]  # a commented-out area is not read
    assert [k for k, _path in graph.trace(HELP)] == [FORM, SITE_MAP]


def test_a_web_resource_loaded_by_another_and_by_an_enable_rule(package):
    code, out = dependents(str(package), "--of", "contoso_/scripts/common.js", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    found = {d["key"]: d for d in doc["dependents"]}
    assert set(found) == {COMMAND, FORM_SCRIPT}
    assert found[FORM_SCRIPT]["relation"] == LOADS_DEPENDENCY
    assert found[COMMAND]["functions"] == ["Contoso.Ribbon.canSubmit (rule contoso.approvalrequest.CanSubmit.EnableRule)"]
    assert doc["not_checked"] == list(NOT_CHECKED["web_resource"])


def test_a_column_on_a_form_in_a_view_a_scripts_dependencies_and_a_steps_filtering_attributes(package, graph):
    assert graph.edge_types(FORM, AMOUNT) == {SHOWS_COLUMN}
    assert graph.edge_types(STEP, AMOUNT) == {FILTERS_ON}
    assert graph.edge_types(IMAGE, AMOUNT) == {IMAGE_COLUMN}
    code, out = dependents(str(package), "--of", AMOUNT, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert {d["key"]: d["relation"] for d in doc["dependents"]} == {
        FORM: SHOWS_COLUMN, STEP: FILTERS_ON, IMAGE: IMAGE_COLUMN, VIEW: LISTS_COLUMN, FORM_SCRIPT: USES_COLUMN}
    assert doc["not_checked"] == list(NOT_CHECKED["column"])
    # ownerid is only in the image: a system column, still one the image needs
    assert graph.dependents("column:contoso_approvalrequest.ownerid") == [IMAGE]


def test_a_view_lists_its_own_and_a_linked_tables_columns(package, graph):
    table = next(c for c in load(str(package)).components if isinstance(c, Entity)
                 and c.logical_name == "contoso_approvalrequest")
    (view,) = table.view_details
    assert table.views == (("b7e2c9d4-5a1f-4c3e-8d6b-9f0a1e2d3c41", "Active Approval Requests"),)
    assert view.display == "view 'Active Approval Requests' of table 'Approval Request'"
    request = "contoso_approvalrequest"
    assert view.columns == (("account", "accountid"), ("account", "name"), (request, "contoso_accountid"),
                            (request, "contoso_amount"), (request, "contoso_approvalrequestid"),
                            (request, "contoso_name"), (request, "statecode"))
    assert graph.edge_types(VIEW, "column:account.name") == {LISTS_COLUMN}
    assert "column:contoso_approvalrequest.a.name" not in graph


def test_a_classic_workflow_started_by_a_column_change():
    """Workflows/StampDecisionDate-674E52B8-….xaml.data.xml: <TriggerOnUpdateAttributeList>contoso_status on
    <PrimaryEntity>contoso_ApprovalRequest."""
    graph = build_graph([load(str(SOLUTIONS / "contoso_approvals"))])
    workflow = "workflow:674e52b8-3c3c-f011-a5d1-7c1e52b80449"
    assert graph.edge_types(workflow, "column:contoso_approvalrequest.contoso_status") == {WATCHES_COLUMN}


def test_not_checked_is_said_instead_of_nothing():
    """The plain fixture: nothing the analyzer reads needs the form script, and the answer says what it did not
    read rather than "nothing blocks deleting"."""
    code, out = dependents(str(SOLUTIONS / "contoso_approvals"), "--of", FORM_SCRIPT)
    assert code == 0
    assert out.splitlines() == [
        "Nothing the analyzer reads blocks deleting web resource 'contoso_/scripts/approvalrequest_form.js' "
        "[ContosoApprovals].",
        f"Not checked (not read from the files): {', '.join(NOT_CHECKED['web_resource'])}."]
    code, out = dependents(str(SOLUTIONS / "contoso_approvals"), "--of", FORM_SCRIPT, "--format", "json")
    doc = json.loads(out)
    assert doc["dependents"] == [] and doc["not_checked"] == list(NOT_CHECKED["web_resource"])
    # a step is not a web resource or a column: no not_checked list
    code, out = dependents(str(SOLUTIONS / "contoso_approvals"), "--of", STEP, "--format", "json")
    assert "not_checked" not in json.loads(out)


def test_referenced_web_resources_are_drawn(package, graph):
    from analyzer.diagram import view
    keys = {n.key for n in view(graph).nodes}
    assert {FORM_SCRIPT, COMMON, FORM, COMMAND} <= keys
    plain = build_graph([load(str(SOLUTIONS / "contoso_approvals"))])
    assert FORM_SCRIPT not in {n.key for n in view(plain).nodes}  # nothing loads it there


@pytest.mark.skipif(not CORPUS_1.is_dir(), reason="/work/shared/corpus is not here")
def test_corpus_1_form_libraries_match_the_files():
    """Each form's libraries and handler libraries, read with ElementTree from the FormXml files, are what the
    graph links the form to."""
    expected: dict[str, set[str]] = {}
    for path in sorted(CORPUS_1.glob("Entities/*/FormXml/*/*.xml")):
        if path.name.endswith("_managed.xml"):
            continue
        systemform = ET.parse(path).getroot().find("systemform")
        form_id = systemform.findtext("formid").strip().strip("{}").lower()
        names = {lib.get("name").lower() for lib in systemform.iter("Library")}
        names |= {h.get("libraryName").lower() for h in systemform.iter("Handler")}
        expected[f"form:{form_id}"] = names
    assert sum(1 for names in expected.values() if names) >= 3  # the corpus has forms with scripts
    graph = build_graph([load(str(CORPUS_1))])
    actual = {form: {graph.name(k).lower() for k in graph.requires(form, [LOADS_LIBRARY, HANDLES_EVENT])}
              for form in graph.nodes(kind="form")}
    assert actual == expected


@pytest.mark.skipif(not CORPUS_1.is_dir(), reason="/work/shared/corpus is not here")
def test_corpus_1_site_map_web_resources_match_the_file():
    """The site map's "$webresource:" and "/WebResources/" attributes, read with ElementTree (which skips the
    commented-out areas), are what the graph links it to."""
    root = ET.parse(CORPUS_1 / "AppModuleSiteMaps/fdbzap_RequestManagement/AppModuleSiteMap.xml").getroot()
    expected = set()
    for elem in root.iter():
        for name, value in elem.attrib.items():
            if name in ("Url", "Icon", "VectorIcon", "OutlookShortcutIcon"):
                for prefix in ("$webresource:", "/WebResources/"):
                    if value.startswith(prefix):
                        expected.add(value[len(prefix):].lower())
    assert expected
    graph = build_graph([load(str(CORPUS_1))])
    assert {graph.name(k).lower() for k in graph.requires("other:62:fdbzap_requestmanagement", [APP_RESOURCE])} \
        == expected


@pytest.mark.skipif(not CORPUS_1.is_dir(), reason="/work/shared/corpus is not here")
def test_corpus_1_views_list_their_fetchxml_attributes():
    """Each view's own-table ``<attribute name>``s and ``<cell name>``s, read with ElementTree, are columns the
    graph links the view to."""
    graph = build_graph([load(str(CORPUS_1))])
    checked = 0
    for path in sorted(CORPUS_1.glob("Entities/*/SavedQueries/*.xml")):
        query = ET.parse(path).getroot().find("savedquery")
        view = f"view:{query.findtext('savedqueryid').strip().strip('{}').lower()}"
        entity = query.find("fetchxml/fetch/entity")
        if entity is None:
            continue
        table = entity.get("name").lower()
        expected = {f"column:{table}.{a.get('name').lower()}" for a in entity.findall("attribute")}
        expected |= {f"column:{table}.{c.get('name').lower()}" for c in query.iter("cell") if "." not in c.get("name")}
        assert expected <= set(graph.requires(view, [LISTS_COLUMN])), path.name
        checked += 1
    assert checked >= 10
