"""Messages and names speak the maker portal's words: forms by their name and table, dashboards and the default
site map by what they are (never a bare id or an empty name), an activity shipped twice named once (DV104), and a
contract change that lists the scripts calling the message (DV504)."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from analyzer import builder as b
from analyzer.diff import diff_solutions
from analyzer.engine import run_rules
from analyzer.graph import build_graph
from analyzer.model import OtherComponent
from analyzer.reader import load
from analyzer.registry import discover
from analyzer.rule import Previous

FORM = "f0000000-0000-4000-8000-000000000001"
DASHBOARD = "f0000000-0000-4000-8000-000000000002"
DASHBOARD_XML = f"""<Dashboard>
  <LocalizedNames>
    <LocalizedName description="Request Management" languagecode="1033" />
  </LocalizedNames>
  <FormId>{{{DASHBOARD}}}</FormId>
  <IsCustomizable>1</IsCustomizable>
  <FormXml><forms type="dashboard"><form><tabs /></form></forms></FormXml>
</Dashboard>"""


def package() -> b.Package:
    """Like #1's export: a nameless site map root component (type 62), a form of a table it does not ship
    (named in a MissingDependency, as exports name them) and a dashboard (Dashboards/{id}.xml)."""
    form_node = (("type", "60"), ("displayName", "Information"), ("parentDisplayName", "Project"),
                 ("id", f"{{{FORM}}}"))
    return b.Package(
        b.Manifest("ContosoApp"),
        root_components=(b.RootComponent(62), b.RootComponent(60, id=FORM), b.RootComponent(60, id=DASHBOARD)),
        missing_dependencies=(b.MissingDependency(
            (("type", "2"), ("schemaName", "ownerid"), ("displayName", "Owner"), ("parentSchemaName", "msdyn_project"),
             ("solution", "ProjectService (1.2.0.0)")), form_node),),
        raw=(b.Raw("Dashboards", DASHBOARD_XML, f"Dashboards/{{{DASHBOARD}}}.xml"),))


@pytest.fixture(params=["zip", "unpacked"])
def others(request, tmp_path) -> dict[str, OtherComponent]:
    pkg = package()
    path = pkg.write_zip(tmp_path / "app.zip") if request.param == "zip" else pkg.write_folder(tmp_path / "app")
    return {c.key: c for c in load(str(path)).components if isinstance(c, OtherComponent)}


def test_default_site_map_has_a_name_and_a_key_that_say_what_it_is(others):
    site_map = others["other:62:default"]
    assert site_map.display == "default site map" and site_map.name == "default site map"
    assert "other:62:" not in others


def test_form_is_named_by_its_name_and_table(others):
    assert others[f"other:60:{FORM}"].display == "form 'Information' of table 'Project'"


def test_dashboard_is_named_by_its_localized_name(others):
    assert others[f"other:60:{DASHBOARD}"].display == "dashboard 'Request Management'"


def test_diff_names_a_removed_site_map_and_form_as_the_portal_does(tmp_path):
    old = load(str(package().write_folder(tmp_path / "old")))
    new = load(str(b.Package(b.Manifest("ContosoApp", version="1.1.0.0"), root_components=()).write_folder(
        tmp_path / "new")))
    changes = diff_solutions([old], build_graph([old]), [new], build_graph([new]))
    shorts = {e.short for e in changes.removed}
    # The report quotes each: 'default site map', 'Information (form of table Project)'.
    assert {"default site map", "Information (form of table Project)", "Request Management (dashboard)"} <= shorts
    assert not any(short.startswith(" (") or "'" in short for short in shorts)


def rule_findings(rule_id: str, paths, previous=None):
    solutions = [load(str(p)) for p in paths]
    result = run_rules(solutions, [discover().get(rule_id)], previous=previous)
    assert not result.errors, result.errors
    return result.findings


def test_dv104_names_an_activity_two_solutions_ship_once():
    case = FIXTURES / "rules" / "DV104-cross-solution"
    [finding] = rule_findings("DV104", [case / "ContosoCore", case / "ContosoTools"])
    assert finding.message.count("Contoso.Activities.RecalculateLines") == 1


def test_dv504_counts_the_scripts_that_call_the_message():
    case = FIXTURES / "rules" / "DV504"
    old = [load(str(case / "old" / "ContosoOps"))]
    found = rule_findings("DV504", [case / "new" / "ContosoOps"], Previous(old, build_graph(old)))
    [check_status] = [f for f in found if f.component.key == "workflow:a5040000-0000-4000-8000-000000000001"]
    # WebResources/contoso_/scripts/status.js line 5 sends the request (build.py's SCRIPT).
    assert "called in code by web resource 'contoso_/scripts/status.js' (line 5)" in check_status.message
    assert "web_resource:b5040000-0000-4000-8000-000000000001" in check_status.related
    assert "nothing in the analyzed solutions" not in check_status.message
