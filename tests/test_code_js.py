"""JavaScript and TypeScript callers of messages (issue 12): analyzer/code/javascript.py finds the calls by parsing,
analyzer/code/sources.py walks --sources, the reader parses script web resources, the graph links script ->
message, DV601-DV603 judge them (their fixtures are in fixtures/rules/DV60x, written by fixtures/code/build.py).

Expected calls, lines and parameters below are read from the fixture scripts in fixtures/code/scripts and
fixtures/code/src, and from the real scripts of corpus item #1."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES

from analyzer.cli import main
from analyzer.code.javascript import find_calls
from analyzer.code.sources import scan
from analyzer.engine import analyze
from analyzer.graph import CALLS_FROM_CODE, RIBBON_SCRIPT, build_graph
from analyzer.reader import load

SCRIPTS = FIXTURES / "code" / "scripts"
SRC = FIXTURES / "code" / "src"
CONTOSO = FIXTURES / "code" / "ContosoScripts"
ITEM1 = CORPUS / "carltoncolter__dyn-req-mgmt"
ITEM21 = (CORPUS / "microsoft__Dynamics365-Apps-Samples" / "samples-from-msdn" / "DependentOptionSets"
          / "DependentOptionSets" / "DependentOptionSetsSample_2_0_0_0_target_CRM_8.0_managed.zip")
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")


def calls_of(name: str, language: str = "javascript"):
    path = SCRIPTS / name
    return find_calls(path.read_bytes(), name, name, language)


def summary(call) -> tuple:
    return (call.message, call.source.line, call.via, call.bound, call.parameters if call.parameters_known else None)


# --- call styles ------------------------------------------------------------------------------------------------

def test_execute_request_object_literal_and_bound_fetch_url():
    assert [summary(c) for c in calls_of("unknown.js")] == [
        ("contoso_ChekStatus", 16, "execute", False, ("Reason",)),
        ("contoso_Recalc", 21, "qualified url", True, ("contoso_Force",)),
    ]
    bound = calls_of("unknown.js")[1]
    assert bound.bound_entity_set == "contoso_requests"  # "/contoso_requests(" + id + ")/Microsoft.Dynamics.CRM…"


def test_comments_and_look_alike_strings_never_count():
    calls = calls_of("known.js")
    # line 3 is a commented-out execute of contoso_Missing; lines 4-5 hold look-alike strings nobody sends
    assert all(c.message != "contoso_Missing" for c in calls)
    assert [(c.message, c.source.line, c.via) for c in calls] == [
        ("contoso_CheckStatus", 15, "execute"),
        ("contoso_ExternalScore", 19, "execute"),  # an object literal given to execute directly
        ("msdyn_GeocodeAddress", 27, "qualified url"),  # $.ajax({url, data: JSON.stringify({Line1})})
        ("fabrikam_Sync", 31, "execute"),
        ("contoso_requests", 39, "url"),  # an entity set: the graph drops it, nothing defines the name
        (None, 43, "url"),  # xhr.open("POST", base + "contoso_" + name): dynamic
    ]
    assert calls[2].parameters == ("Line1",) and calls[2].bound_entity_set == "accounts"
    assert calls[-1].dynamic


def test_constructor_prototype_and_class_requests():
    [draft] = calls_of("draft.js")  # new ArchiveRequest(); ArchiveRequest.prototype.getMetadata = …
    assert (draft.message, draft.source.line, draft.operation_type, draft.parameters_known) == \
        ("contoso_Archive", 4, "action", True)
    [active] = calls_of("active.js")  # class CheckStatusRequest { getMetadata() {…} }
    assert (active.message, active.source.line, active.parameters) == ("contoso_CheckStatus", 10, ("Reason",))


def test_bound_request_function_url_and_bodies():
    calls = calls_of("match.js")
    recalc, totals, check, legacy = calls
    # boundParameter "entity"; the bound parameter is not a caller parameter; the table from its typeName
    assert (recalc.message, recalc.bound, recalc.bound_entity, recalc.parameters) == \
        ("contoso_Recalculate", True, "contoso_request", ("contoso_Force",))
    # $.ajax({url: "…/contoso_GetTotals(Year=@y)?@y=2024"}): a function with its parameter in the URL
    assert (totals.message, totals.operation_type, totals.parameters) == ("contoso_GetTotals", "function", ("Year",))
    assert (check.message, check.parameters) == ("contoso_CheckStatus", ("Priority", "Reason"))
    assert (legacy.message, legacy.source.line) == ("contoso_Legacy", 23)


def test_execute_multiple_and_requests_out_of_scope_are_dynamic():
    source = b"""
function one() { var req = { getMetadata: function () { return { operationName: "contoso_A", operationType: 0 }; } };
  Xrm.WebApi.online.executeMultiple([req, [{ getMetadata: () => ({ operationName: "contoso_B", operationType: 1 }) }]]);
}
function two(req) { Xrm.WebApi.online.execute(req); }
function three() { var name = "contoso_C"; name = pick(); Xrm.WebApi.execute({ getMetadata: function () {
  return { operationName: name, operationType: 0 }; } }); }
Xrm.WebApi.online.execute({ getMetadata: function () { return { operationName: "Create", operationType: 2 }; } });
"""
    calls = find_calls(source, "m.js", "m.js")
    assert [(c.message, c.dynamic, c.operation_type, c.source.line) for c in calls] == [
        ("contoso_A", False, "action", 3),
        ("contoso_B", False, "function", 3),  # a change set (nested array), an arrow returning the metadata
        (None, True, None, 5),  # a parameter: the request is not in this file
        (None, True, "action", 6),  # a name reassigned at run time
    ]  # operationType 2 (a table operation) is no message call


def test_typescript_source_and_generated_folders_skipped_and_counted(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SRC, src)
    # a minified bundle: 100 KB on one line (dist/ is git-ignored here, so the test writes it)
    (src / "dist").mkdir()
    (src / "dist" / "app.min.js").write_text('var a=function(){return fetch("/api/data/v9.2/contoso_FromBundle",'
                                             '{method:"POST"})};' * 1200 + "\n")
    result = scan([str(src)])
    by_file = {Path(f.path).name: f for f in result.files}
    assert sorted(by_file) == ["dynamic.js", "request.ts"]  # node_modules/, bin/ and dist/app.min.js are not read
    assert result.skipped == {"generated folders (bin/, obj/, node_modules/, hidden)": 2, "minified bundles": 1}
    ts = by_file["request.ts"]
    assert ts.language == "typescript"
    assert [summary(c) for c in ts.calls] == [
        ("contoso_CheckStatus", 20, "execute", False, ("Priority", "Reasons")),  # class in a namespace, `as any`
        ("contoso_GetTotals", 25, "url", False, ("Year",)),  # a typed const template string, fetch(url!)
    ]
    [dynamic] = by_file["dynamic.js"].calls
    assert dynamic.dynamic and dynamic.message is None and dynamic.source.line == 3


def test_a_file_that_does_not_parse_cleanly_still_gives_what_parses():
    calls = find_calls(b'fetch("/api/data/v9.2/contoso_X", {method: "POST"});\nfunction (( {{ broken', "b.js", "b.js")
    assert [c.message for c in calls] == ["contoso_X"]


# --- the reader, the graph, dependents --------------------------------------------------------------------------

def test_ribbon_command_to_script_to_message_in_the_graph_and_dependents(runner):
    solution = load(str(CONTOSO))
    [code] = solution.code
    assert code.path == "WebResources/contoso_/scripts/request.js" and code.web_resource
    graph = build_graph([solution])
    message = "sdk_message:contoso_checkstatus"
    assert CALLS_FROM_CODE in graph.edge_types(code.web_resource, message)
    commands = [k for k in graph.dependents(code.web_resource) if RIBBON_SCRIPT in graph.edge_types(k, code.web_resource)]
    assert commands == ["ribbon_command:contoso_request/contoso.request.submit.command"]
    [(caller, call, ref)] = graph.code_calls(message)
    assert (caller, call.source.line, ref.definition) == (code.web_resource, 12,
                                                          "workflow:a6010000-0000-4000-8000-000000000001")
    out = runner.invoke(main, ["dependents", str(CONTOSO), "--of", "contoso_CheckStatus", "--transitive"])
    assert out.exit_code == 0, out.output
    assert "calls (WebResources/contoso_/scripts/request.js:12)" in out.output
    assert "contoso.request.Submit.Command" in out.output  # the ribbon command that runs the script


def test_check_with_sources_names_the_line_of_a_renamed_parameter(runner):
    out = runner.invoke(main, ["check", str(CONTOSO), "--sources", str(SRC), "--select", "DV6", "--format", "json"])
    assert out.exit_code == 1, out.output
    findings = json.loads(out.stdout)["findings"]
    [finding] = [f for f in findings if f["rule"] == "DV603"]
    assert finding["location"]["path"].endswith("fixtures/code/src/app/request.ts")
    assert finding["location"]["line"] == 20
    assert "it passes Reasons, which the message does not declare" in finding["message"]
    assert "omits the required input Reason" in finding["message"]
    assert "sources: 2 files parsed" in out.stderr
    dependents = runner.invoke(main, ["dependents", str(CONTOSO), "--of", "contoso_CheckStatus",
                                      "--sources", str(SRC)])
    assert "request.ts" in dependents.output


def test_sources_from_the_config_file(runner, tmp_path):
    (tmp_path / "dvsa.toml").write_text(f'sources = ["{SRC.as_posix()}"]\nselect = ["DV603"]\n')
    out = runner.invoke(main, ["check", str(CONTOSO), "--config", str(tmp_path / "dvsa.toml")])
    assert out.exit_code == 1 and "request.ts:20" in out.stdout


def test_sources_folder_that_does_not_exist_is_one_error_line(runner, tmp_path):
    out = runner.invoke(main, ["check", str(CONTOSO), "--sources", str(tmp_path / "nope")])
    assert out.exit_code == 2
    assert out.stderr.strip().splitlines() == [f"error: {tmp_path / 'nope'}: --sources: no such folder"]


# --- real code --------------------------------------------------------------------------------------------------

@needs_corpus
def test_item1_scripts_call_only_through_helpers_and_no_dv60x_finding():
    """#1's scripts call the Web API through their own Transport.xrmPost({url}) helper (common/data.ts): lines 425
    (invokeProcessAction: `${clientUrl}/api/data/v9.0/${action}`, the action a parameter) and 460 (ExecuteWorkflow
    bound to workflows(<id>), the url built in a const two statements before). The commented-out
    Xrm.WebApi.retrieveMultipleRecords at line 546 and the queries with $select/fetchXml are not calls."""
    cwd = os.getcwd()
    os.chdir(ITEM1)
    try:
        result = analyze(["SolutionPackage/package"], select=["DV601", "DV602", "DV603"],
                         sources=["WebResources", "Plugins"])
    finally:
        os.chdir(cwd)
    assert [f for f in result.findings if f.rule.startswith("DV60") and f.rule <= "DV603"] == []
    ts = {(Path(call.source.path).name, call.source.line, call.message, call.dynamic)
          for _caller, call, _ref in result.graph.code_calls() if call.language == "typescript"}
    assert ts == {("data.ts", 425, None, True), ("data.ts", 460, "ExecuteWorkflow", False)}
    js = {(Path(call.source.path).name, call.message) for _c, call, _r in result.graph.code_calls()
          if call.language == "javascript"}
    assert js == {("data.js", None), ("data.js", "ExecuteWorkflow")}  # the mapped web resource content, read once
    assert "web resource content read with its package" in result.sources


@needs_corpus
def test_item21_zip_scripts_parse():
    solution = load(str(ITEM21))
    assert sorted(f.path for f in solution.code) == [
        "WebResources/sample_SDKDependentOptionSetSamplejsDBF2110C-B051-E111-866D-00155DBA381A",
        "WebResources/sample_TicketDependentOptionSetConfigjs43A05220-4B24-E611-80D3-00155D2A68DB",
    ]
    assert all(f.calls == () for f in solution.code)  # 2011-era scripts: XMLHttpRequest for an XML file only


def test_parsing_is_fast_enough():
    data = (SCRIPTS / "known.js").read_bytes()
    start = time.perf_counter()
    for _ in range(200):
        find_calls(data, "k.js", "k.js")
    assert time.perf_counter() - start < 10


def test_inventory_lists_each_message_callers_with_line_and_ribbon_command(runner):
    out = runner.invoke(main, ["inventory", str(CONTOSO), "--sources", str(SRC)])
    assert out.exit_code == 0, out.output
    contracts = out.stdout.split("Message contracts")[1]
    check_status = contracts.split("contoso_CheckStatus")[1].split("contoso_GetTotals")[0]
    assert ("called by web resource 'contoso_/scripts/request.js' at WebResources/contoso_/scripts/request.js:12 "
            "(run by ribbon command 'contoso.request.Submit.Command' of table 'Request')") in check_status
    assert f"called by {SRC.as_posix()}/app/request.ts:20" in check_status
    data = json.loads(runner.invoke(main, ["inventory", str(CONTOSO), "--format", "json"]).stdout)
    [record] = [c for c in data["components"] if c["key"] == "workflow:a6010000-0000-4000-8000-000000000001"]
    assert [(c["path"], c["line"], [r["key"] for r in c["ribbon_commands"]]) for c in record["callers"]] == [
        ("WebResources/contoso_/scripts/request.js", 12, ["ribbon_command:contoso_request/contoso.request.submit.command"])]


def test_constructor_whose_prototype_is_an_object_literal():
    source = b"""function R() {}
R.prototype = { getMetadata: function () { return { operationName: "contoso_P", operationType: 0,
                                                    parameterTypes: { A: {} } }; } };
Xrm.WebApi.online.execute(new R());
"""
    [call] = find_calls(source, "p.js", "p.js")
    assert (call.message, call.parameters, call.source.line, call.bound) == ("contoso_P", ("A",), 4, None)


def test_scopes_deep_nesting_and_siblings():
    """Each function's own `var b`; 250 nested functions (just under analyzer.code.bounds.MAX_NESTING) in well
    under a second (scopes come from byte ranges: tree-sitter's Node.parent walks down from the root, so asking
    it per declaration was quadratic)."""
    siblings = "".join(f'function g{i}() {{ var b = "contoso_Y{i % 2}"; fetch("/api/data/v9.2/" + b, {{}}); }}\n'
                       for i in range(4)).encode()
    assert [c.message for c in find_calls(siblings, "s.js", "s.js")] == ["contoso_Y0", "contoso_Y1"] * 2
    n = 250
    nested = ("".join(f'function f{i}() {{ var a{i} = "x";' for i in range(n))
              + 'fetch("/api/data/v9.2/contoso_X" + a0, {});' + "}" * n).encode()
    start = time.perf_counter()
    [call] = find_calls(nested, "d.js", "d.js")
    assert call.message == "contoso_Xx"  # a0 is declared in f0, around the call
    assert time.perf_counter() - start < 2
