"""Requirements met by another analyzed solution (DV402), plug-in types joined across solutions (DV404), the
names those messages use, and DV109 on empty actions. Expected values are read from the fixtures' XML."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, zip_folder

from analyzer.engine import run_rules
from analyzer.graph import HANDLER, build_graph
from analyzer.model import Entity, OptionSet
from analyzer.reader import load
from analyzer.registry import discover

SATISFIED = FIXTURES / "rules" / "DV402-satisfied-columns"
BY_NAME = FIXTURES / "rules" / "DV404-cross-solution-by-name"
CORPUS_1 = "carltoncolter__dyn-req-mgmt/SolutionPackage/package"


def findings(rule_id: str, paths, options=None):
    solutions = [load(str(p)) for p in paths]
    result = run_rules(solutions, [discover().get(rule_id)], options=options)
    assert not result.errors, result.errors
    return result.findings


# --- reader --------------------------------------------------------------------------------------

def test_unpacked_table_has_its_columns_forms_and_views():
    solution = load(str(SATISFIED / "base"))
    table = next(c for c in solution.components if isinstance(c, Entity))
    # Entities/contoso_Ticket/Entity.xml lists three <attribute>s; FormXml/main and SavedQueries hold one file each.
    assert table.attributes == ("contoso_ticketid", "contoso_priority", "contoso_status")
    assert table.forms == (("f4020000-0000-4000-8000-000000000011", "Ticket Information"),)
    assert table.views == (("f4020000-0000-4000-8000-000000000012", "Open Tickets"),)


def test_form_name_is_unescaped():
    solution = load(str(SATISFIED / "app"))
    table = next(c for c in solution.components if isinstance(c, Entity))
    assert table.forms == (("f4020000-0000-4000-8000-000000000031", "Request & Follow-up"),)


def test_option_set_is_read_and_not_listed_twice():
    solution = load(str(SATISFIED / "base"))
    choices = [c for c in solution.components if isinstance(c, OptionSet)]
    assert [(c.key, c.name) for c in choices] == [("option_set:contoso_ticketstatus", "Ticket Status")]
    # RootComponent type 9 contoso_ticketstatus is the same choice, not a second, unmodelled component.
    assert not [c for c in solution.components if c.key.startswith("other:9:")]


ZIP_CUSTOMIZATIONS = """<ImportExportXml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Entities>
    <Entity>
      <Name LocalizedName="Ticket" OriginalName="Ticket">contoso_Ticket</Name>
      <EntityInfo>
        <entity Name="contoso_Ticket">
          <attributes>
            <attribute PhysicalName="contoso_Priority">
              <Type>picklist</Type>
              <Name>contoso_priority</Name>
              <LogicalName>contoso_priority</LogicalName>
              <optionset Name="contoso_ticket_contoso_priority"><OptionSetType>picklist</OptionSetType></optionset>
            </attribute>
          </attributes>
        </entity>
      </EntityInfo>
      <FormXml>
        <forms type="main">
          <systemform>
            <formid>{F4020000-0000-4000-8000-000000000011}</formid>
            <form><tabs /></form>
            <LocalizedNames><LocalizedName description="Ticket Information" languagecode="1033" /></LocalizedNames>
          </systemform>
        </forms>
      </FormXml>
      <SavedQueries>
        <savedqueries>
          <savedquery>
            <savedqueryid>{f4020000-0000-4000-8000-000000000012}</savedqueryid>
            <LocalizedNames><LocalizedName description="Open Tickets" languagecode="1033" /></LocalizedNames>
          </savedquery>
        </savedqueries>
      </SavedQueries>
    </Entity>
  </Entities>
  <optionsets>
    <optionset Name="contoso_ticketstatus" localizedName="Ticket Status"><IsGlobal>1</IsGlobal></optionset>
  </optionsets>
  <Languages><Language>1033</Language></Languages>
</ImportExportXml>
"""


def test_zip_table_parts_and_choices(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    manifest = (SATISFIED / "base" / "Other" / "Solution.xml").read_text(encoding="utf-8-sig")
    (folder / "solution.xml").write_text(manifest, encoding="utf-8")
    (folder / "customizations.xml").write_text(ZIP_CUSTOMIZATIONS, encoding="utf-8")
    solution = load(str(zip_folder(folder, tmp_path / "export.zip")))
    table = next(c for c in solution.components if isinstance(c, Entity))
    assert table.attributes == ("contoso_priority",)
    assert table.forms == (("f4020000-0000-4000-8000-000000000011", "Ticket Information"),)
    assert table.views == (("f4020000-0000-4000-8000-000000000012", "Open Tickets"),)
    # The column's local option set is part of the table, not a global choice.
    assert [c.key for c in solution.components if isinstance(c, OptionSet)] == ["option_set:contoso_ticketstatus"]


# --- DV402 ---------------------------------------------------------------------------------------

def test_dv402_reports_only_what_no_analyzed_solution_ships():
    found = findings("DV402", [SATISFIED / "app", SATISFIED / "base"])
    messages = sorted(f.message for f in found)
    assert len(messages) == 2
    assert messages[0].startswith("form 'Request & Follow-up' of table 'Request' depends on web resource "
                                  "'contoso_/scripts/request.js', which came from")
    assert messages[1].startswith("workflow 'Escalate Ticket' depends on column 'Escalated On' of table 'Ticket' "
                                  "(contoso_escalatedon), which came from")
    assert not any("(type " in m for m in messages)


def test_dv402_without_the_other_solution_reports_all_seven():
    # Solution.xml of the app lists seven MissingDependencies, all from solution="Active".
    assert len(findings("DV402", [SATISFIED / "app"])) == 7


def test_dv402_argument_order_does_not_matter():
    one = findings("DV402", [SATISFIED / "app", SATISFIED / "base"])
    other = findings("DV402", [SATISFIED / "base", SATISFIED / "app"])
    assert sorted((f.component.key, f.message) for f in one) == sorted((f.component.key, f.message) for f in other)


def test_dv402_column_of_another_table_is_not_a_match(tmp_path):
    """contoso_priority exists on contoso_Ticket only: required of contoso_request, it stays unmet."""
    app = tmp_path / "app"
    shutil.copytree(SATISFIED / "app", app)
    manifest = app / "Other" / "Solution.xml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace('schemaName="contoso_priority" displayName="Priority" parentSchemaName="contoso_ticket"',
                        'schemaName="contoso_priority" displayName="Priority" parentSchemaName="contoso_request"')
    manifest.write_text(text, encoding="utf-8")
    messages = [f.message for f in findings("DV402", [app, SATISFIED / "base"])]
    assert len(messages) == 3
    assert any(m.startswith("workflow 'Set Ticket Priority' depends on column 'Priority'") for m in messages)


def test_dv402_names_the_form_on_corpus_item_1(corpus):
    found = findings("DV402", [corpus / CORPUS_1])
    # Other/Solution.xml: <Dependent key="2" type="60" displayName="Information" parentDisplayName="Correspondence
    # Group" …/> requires <Required type="66" schemaName="FDBZAP.Controls.RichTextBoxControl" solution="Active"/>.
    assert [f.message.split(", which came")[0] for f in found] == [
        "form 'Information' of table 'Correspondence Group' depends on Custom Control "
        "'FDBZAP.Controls.RichTextBoxControl' (type 66)"]


# --- plug-in types by name, DV404 ------------------------------------------------------------------

@pytest.mark.parametrize("names", [("legacy", "current"), ("current", "legacy")])
def test_step_uses_its_own_copy_of_a_type_another_solution_ships_by_name(names):
    solutions = [load(str(BY_NAME / n)) for n in names]
    graph = build_graph(solutions)
    # Step …0001 names PluginTypeId e404…0001; step …0002 only PluginTypeName. Both steps are in current/, which
    # ships both classes by id; legacy/ ships them again by name. Each step links to its own solution's copy, and
    # the copies are one group that the rules ask (no edge from every step to every copy).
    by_name = "plugin_type:contoso.audit.accountaudit, contoso.audit"
    by_id = "plugin_type:e4041000-0000-4000-8000-000000000001"
    assert graph.requires("step:b4041000-0000-4000-8000-000000000001", [HANDLER]) == [by_id]
    assert graph.requires("step:b4041000-0000-4000-8000-000000000002", [HANDLER]) == [
        "plugin_type:e4041000-0000-4000-8000-000000000002"]
    assert graph.same_types(by_name) == graph.same_types(by_id) == (by_name, by_id)
    assert graph.type_dependents(by_name, [HANDLER]) == ["step:b4041000-0000-4000-8000-000000000001"]
    assert graph.dependents(by_name, [HANDLER]) == []
    assert graph.same_types("plugin_type:contoso.audit.legacycleanup, contoso.audit") == (
        "plugin_type:contoso.audit.legacycleanup, contoso.audit",)


@pytest.mark.parametrize("order", [("legacy", "current"), ("current", "legacy")])
def test_dv404_by_name_whatever_the_order(order):
    found = findings("DV404", [BY_NAME / name for name in order])
    assert [f.component.key for f in found] == ["plugin_type:contoso.audit.legacycleanup, contoso.audit"]
    analyzed = " and ".join(sorted(["RuleDV404Current", "RuleDV404Legacy"]))
    assert f"is used by nothing in the analyzed solutions {analyzed}: no plug-in step there runs it" in found[0].message
    assert "never runs" not in found[0].message


def test_dv404_activity_gets_its_own_fix():
    case = FIXTURES / "rules" / "DV404-activity-library"
    folders = sorted(p for p in case.iterdir() if p.is_dir())
    found = findings("DV404", folders, options={"DV404": {"include-workflow-activities": True}})
    activities = [f for f in found if "custom workflow activity" in f.message]
    assert activities
    for f in activities:
        assert "step registration" not in f.fix.replace("no step registration", "")
        assert "process designer" in f.fix
    plugins = findings("DV404", [FIXTURES / "rules" / "DV404" / "solution"])
    assert [f.fix for f in plugins] == [discover().get("DV404").fix]


# --- DV109 on the corpus --------------------------------------------------------------------------

def test_dv109_on_corpus_item_1(corpus):
    """#1 has five actions; four carry steps on their messages (tests/corpus_expected.py), and TestAction
    (Workflows/TestAction-F8F72B22-….xaml: `<mxswa:Workflow />`) has neither steps nor a step on its message."""
    found = findings("DV109", [corpus / CORPUS_1])
    assert [f.component.key for f in found] == ["workflow:f8f72b22-9575-438c-8cea-6f0987cc506d"]
