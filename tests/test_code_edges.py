"""Edges read from code are no platform dependencies (issue 16, items 2 and 10).

- The graph tells them by origin (``CODE_EDGES``, ``tracked``, ``from_code``); `dvsa dependents` lists them apart
  from what blocks deleting, DV501 leaves them out, and DV601 reports the call instead (in `diff`, naming the
  version that still defined the message).
- An unbound Web API URL is a message call, a table's entity set, or a name to judge (``unknown_urls``).
- A message name shared by a custom process action and a Custom API: the action's step is on the action.

Expected values come from reading the fixtures: fixtures/code/ContosoScripts (request.js line 12 calls action
contoso_CheckStatus; a ribbon command runs that script), fixtures/rules/DV601-removed/build.py,
fixtures/rules/DV501/build.py and fixtures/rules/DV308/build.py.
"""

from __future__ import annotations

import json

from conftest import FIXTURES

from analyzer.code.javascript import find_calls
from analyzer.graph import CALLS_FROM_CODE, CODE_EDGES, RIBBON_SCRIPT, build_graph
from analyzer.reader import load

SCRIPTS = FIXTURES / "code" / "ContosoScripts"
REQUEST_JS = "web_resource:b6010000-0000-4000-8000-000000000001"
SUBMIT_COMMAND = "ribbon_command:contoso_request/contoso.request.submit.command"
CHECK_STATUS = "sdk_message:contoso_checkstatus"
REMOVED = FIXTURES / "rules" / "DV601-removed"
DV501 = FIXTURES / "rules" / "DV501"
SHARED = FIXTURES / "rules" / "DV308" / "solution"
ACTION_STEP = "step:b3080000-0000-4000-8000-000000000001"  # SdkMessageId: the action's message d3080000-…01
API_STEP = "step:b3080000-0000-4000-8000-000000000002"  # SdkMessageId in no export; named after the Custom API


def test_code_edges_are_told_by_origin():
    graph = build_graph([load(str(SCRIPTS))])
    assert CALLS_FROM_CODE in CODE_EDGES
    assert graph.edge_types(REQUEST_JS, CHECK_STATUS) == {CALLS_FROM_CODE}
    assert graph.tracked(REQUEST_JS, CHECK_STATUS) == frozenset()
    assert graph.tracked(SUBMIT_COMMAND, REQUEST_JS) == {RIBBON_SCRIPT}
    action = graph.definition_of(CHECK_STATUS).key
    assert graph.from_code([REQUEST_JS, CHECK_STATUS, action])
    assert graph.from_code([SUBMIT_COMMAND, REQUEST_JS, CHECK_STATUS, action])  # through the script's call
    assert not graph.from_code([SUBMIT_COMMAND, REQUEST_JS])  # the command needs the script itself


def test_dependents_lists_callers_in_code_apart_from_what_blocks_deleting(invoke):
    out = invoke(0, ["dependents", SCRIPTS, "--of", "contoso_CheckStatus", "--transitive"]).output
    lines = out.splitlines()
    assert lines[0] == "Nothing in the analyzed solutions blocks deleting action contoso_CheckStatus [ContosoScripts]."
    assert lines[1].startswith("2 found in code, which Dataverse does not track (deleting succeeds")
    assert "calls (WebResources/contoso_/scripts/request.js:12)" in out and SUBMIT_COMMAND in out
    listed = json.loads(invoke(0, ["dependents", SCRIPTS, "--of", "contoso_CheckStatus", "--transitive",
                                   "--format", "json"]).output)["dependents"]
    assert {(d["key"], d.get("from_code")) for d in listed} == {(REQUEST_JS, True), (SUBMIT_COMMAND, True)}


def test_dependents_of_the_script_itself_is_blocked_by_the_ribbon_command(invoke):
    out = invoke(0, ["dependents", SCRIPTS, "--of", REQUEST_JS, "--format", "json"]).output
    [entry] = json.loads(out)["dependents"]
    assert entry["key"] == SUBMIT_COMMAND and "from_code" not in entry


def test_unbound_urls_are_calls_tables_or_names_to_judge():
    folder = REMOVED / "new" / "RuleDV601Removed"
    tables = find_calls((folder / "WebResources" / "contoso_" / "scripts" / "tables.js").read_bytes(), "t", "t")
    assert {("contoso_categories", 5), ("contoso_invoices", 8)} <= {(c.message, c.source.line) for c in tables}
    graph = build_graph([load(str(folder))])
    calls = sorted((call.message, call.source.line) for _k, call, _ref in graph.code_calls())
    # contoso_Approve: an execute request; WhoAmI: a platform message; contoso_GetTotals: NEW's Custom API
    assert calls == [("WhoAmI", 18), ("contoso_Approve", 8), ("contoso_GetTotals", 26)]
    unknown = sorted((call.message, call.source.line) for _k, call in graph.unknown_urls())
    # contoso_categories (the analyzed table's entity set) and contoso_invoices (a declared table's) are tables;
    # the navigation property, $metadata and $batch are no calls at all
    assert unknown == [("accounts", 19), ("contoso_GetSummary", 5), ("contoso_GetTotal", 4),
                       ("contoso_gettotal", 7), ("fabrikam_Sync", 22), ("msdyn_GeocodeAddress", 23)]
    assert not graph.dependents("sdk_message:contoso_getsummary")  # no edge: it may be an entity set


def test_diff_reports_the_call_to_a_removed_custom_api_under_dv601_not_dv501(invoke):
    out = invoke(1, ["diff", DV501 / "old" / "RuleDV501", DV501 / "new" / "RuleDV501", "--with",
                     DV501 / "with" / "RuleDV501Extension", "--select", "DV501,DV601", "--format", "json"]).output
    findings = json.loads(out)["findings"]
    on_script = [(f["rule"], f["severity"]) for f in findings
                 if f["component"]["key"] == "web_resource:b5010000-0000-4000-8000-000000000061"]
    assert on_script == [("DV601", "error")]
    [message] = [f["message"] for f in findings if f["rule"] == "DV601"]
    assert ("calls contoso_GetSummary (an Xrm.WebApi execute request, line 4), a message that the previous version "
            "(RuleDV501 1.0.0.0) defined as Custom API contoso_GetSummary and this version removes") in message


def test_shared_message_name_the_step_follows_its_id():
    graph = build_graph([load(str(SHARED))])
    action_ref, api_ref = graph.message_ref(ACTION_STEP), graph.message_ref(API_STEP)
    assert (action_ref.key, action_ref.definition, action_ref.settled) == (
        "sdk_message:d3080000-0000-4000-8000-000000000001", "workflow:a3080000-0000-4000-8000-000000000001", True)
    assert (api_ref.key, api_ref.definition) == ("sdk_message:contoso_submitrequest", "custom_api:contoso_submitrequest")
    assert action_ref.name == api_ref.name == "contoso_SubmitRequest"
    assert [s.key for s in graph.steps_on_definition("workflow:a3080000-0000-4000-8000-000000000001")] == [ACTION_STEP]
    assert [s.key for s in graph.steps_on_definition("custom_api:contoso_submitrequest")] == [API_STEP]
    assert graph.find("contoso_SubmitRequest") == ["custom_api:contoso_submitrequest",
                                                   "workflow:a3080000-0000-4000-8000-000000000001"]


def test_a_path_cut_short_still_knows_it_runs_through_code():
    """`dependents` cuts a path to the 12 keys nearest the listed component: the call in code farther away, next
    to the component asked about, still marks it (a chain of ribbon commands is made up; the edges are real types)."""
    from analyzer.diagram.dependents import PATH_KEYS, find
    from analyzer.graph import DependencyGraph

    graph = DependencyGraph()
    chain = ["sdk_message:contoso_x", "web_resource:script", *(f"workflow:w{i}" for i in range(PATH_KEYS + 3))]
    for key in chain:
        graph.add_reference(key, None, key, kind=key.split(":")[0])
    graph.add_edge(chain[1], chain[0], CALLS_FROM_CODE)
    for near, far in zip(chain[1:], chain[2:], strict=False):
        graph.add_edge(far, near, "child_workflow")
    listed, count = find(graph, chain[0], requires=False, transitive=True)
    farthest = listed[-1]
    assert (farthest.key, count, farthest.hops) == (chain[-1], len(chain) - 1, len(chain) - 1)
    assert len(farthest.path) == PATH_KEYS and chain[0] not in farthest.path
    assert all(d.from_code for d in listed)
