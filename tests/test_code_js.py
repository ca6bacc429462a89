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
from click.testing import CliRunner
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


# --- team helpers, bodies built step by step (issue 16 items 3 and 4) ------------------------------------------

HELPERS = FIXTURES / "code" / "helpers"


def helper_calls(name: str):
    return [summary(c) + (c.bound_entity_set,)
            for c in find_calls((HELPERS / "scripts" / name).read_bytes(), name, name)]


def test_a_web_api_path_given_to_the_teams_own_helper_is_a_call():
    # contoso_sdk.js: Contoso.request(action, uri, data) joins a relative URI to the service root itself
    assert helper_calls("contoso_sdk.js") == [
        ("contoso_CheckStatus", 28, "relative url", False, None, None),  # "POST", "/contoso_CheckStatus"
        ("contoso_Recalculate", 32, "qualified url", None, None, None),  # requestUri + "/Microsoft.Dynamics.CRM.…"
        ("contoso_requests", 36, "relative url", False, None, None),  # a table's: the graph keeps no such call
    ]  # line 40: openUrl("/contoso_CheckStatus") is no HTTP request; the helper's own open(action, uri) is computed


def test_a_body_built_step_by_step_is_known_only_when_every_property_is():
    assert helper_calls("steps.js") == [
        ("contoso_CheckStatus", 6, "url", False, ("Priority", "Reason"), None),  # parameters.Reason, ["Priority"]
        ("contoso_CheckStatus", 17, "url", False, ("Priority", "Reason"), None),  # Object.assign, then req.send
        ("contoso_CheckStatus", 24, "url", False, None, None),  # addDefaults(parameters): not all known
        ("contoso_CheckStatus", 29, "url", False, (), None),  # Reason is set after the request is sent
    ]


def test_helpers_and_step_by_step_bodies_end_to_end():
    """ContosoScripts defines contoso_CheckStatus (Reason required), contoso_Recalculate and the Draft
    contoso_Archive: the helpers' callers are listed, the one body sent without Reason is the one DV603."""
    result = analyze([str(CONTOSO)], select=["DV601", "DV602", "DV603"], sources=[str(HELPERS)])
    found = sorted((f.rule, Path(f.location.path).name, f.location.line) for f in result.findings)
    assert found == [("DV602", "ContosoClient.cs", 30), ("DV603", "steps.js", 29)]
    callers = {(Path(call.source.path).name, call.source.line) for _c, call, ref in result.graph.code_calls()
               if ref is not None and ref.name == "contoso_CheckStatus"}
    assert {("contoso_sdk.js", 28), ("ContosoClient.cs", 17), ("steps.js", 6)} <= callers
    assert all(call.message != "contoso_requests" for _c, call, _r in result.graph.code_calls())


@needs_corpus
def test_item26_callers_through_sdk_request_and_svc_post_block_deleting_the_actions():
    """#26: WebAPIFunctionsAndActions.js calls Sdk.request("POST", "/sample_CreateCustomer", parameters) at lines
    311 and 332 and Sdk.request("POST", contactUri + "/Microsoft.Dynamics.CRM.sample_AddNoteToContact", …) at 286;
    Program.cs calls svc.Post("sample_CreateCustomer", …) at 186, svc.PostCreate(…) at 203 and svc.Post(actionUri,
    note) at 168, actionUri declared at 166."""
    item = CORPUS / "microsoft__PowerApps-Samples"
    webapi = item / "dataverse" / "webapi"
    packages = [webapi / "JS" / "WebAPIFunctionsAndActions" / "WebAPIFunctionsandActions_1_0_0_0_managed.zip",
                webapi / "C#" / "FunctionAndActions" / "WebAPIFunctionsandActions_1_0_0_0_managed.zip"]
    expected = {"sample_CreateCustomer": {("WebAPIFunctionsAndActions.js", 311), ("WebAPIFunctionsAndActions.js", 332),
                                          ("Program.cs", 186), ("Program.cs", 203)},
                "sample_AddNoteToContact": {("WebAPIFunctionsAndActions.js", 286), ("Program.cs", 168)}}
    for package in packages:
        for message, callers in expected.items():
            out = CliRunner().invoke(main, ["dependents", str(package), "--of", message, "--sources",
                                            str(item / "src"), "--format", "json"])
            assert out.exit_code == 0, out.output
            calls = {(Path(where.rsplit(":", 1)[0]).name, int(where.rsplit(":", 1)[1]))
                     for d in json.loads(out.stdout)["dependents"] for where in d.get("calls", [])}
            assert callers <= calls, (package, message, calls)


# --- pathological code (issue 19) --------------------------------------------------------------------------------

def test_pathological_scripts_are_skipped_and_said_so_quickly():
    """400 KB of nested calls and 8 MB of random bytes took over a minute (and over 1 GiB) before every parse was
    bounded (analyzer/code/bounds.py)."""
    from analyzer.code import read_code
    start = time.perf_counter()
    nested = b"f(\n" * 100_000 + b"1" + b")" * 100_000 + b";\n"  # 400 KB, lines too short for a bundle
    noise = os.urandom(1024 * 1024)
    assert read_code(nested, "n.js", "n.js").skipped == "files nested over 256 deep"
    assert read_code(noise, "r.js", "r.js").skipped == "binary files"
    assert read_code(os.urandom(8 * 1024 * 1024), "big.js", "big.js").skipped == "files over 4 MiB"
    # a chain 50,000 calls long nests no bracket: parsed, and the query engine starts no match below depth 1,000
    chain = b'x = a' + b'.b()\n' * 50_000 + b';\nfetch("/api/data/v9.2/contoso_X", {});\n'
    assert [c.message for c in read_code(chain, "c.js", "c.js").calls] == ["contoso_X"]
    assert time.perf_counter() - start < 20


def test_a_pathological_script_web_resource_or_source_is_counted_on_the_summary(tmp_path):
    """The package's own script web resource and a file of --sources, each out of bounds: skipped and counted
    on the stderr line, while the rest is still analyzed."""
    package = tmp_path / "ContosoScripts"
    shutil.copytree(CONTOSO, package)
    (package / "WebResources" / "contoso_" / "scripts" / "request.js").write_bytes(b"f(\n" * 100_000 + b")" * 100_000)
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "noise.js").write_bytes(os.urandom(256 * 1024))
    (sources / "Deep.cs").write_bytes(("class C {" * 1500 + "}" * 1500).encode())
    start = time.perf_counter()
    out = CliRunner().invoke(main, ["check", str(package), "--sources", str(sources), "--format", "json"])
    assert out.exit_code in (0, 1), out.output
    assert out.stderr.strip().splitlines()[-1] == (
        "sources: 0 files parsed; skipped binary files: 1, files nested over 256 deep: 1; "
        "script web resources not parsed: files nested over 256 deep: 1")
    assert time.perf_counter() - start < 30
