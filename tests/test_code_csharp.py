"""C# source (issue 12): calls, early-bound request classes, plug-in classes, spkl registrations.

Expected values are read from fixtures/code/csharp/ and from #1's Plugins/ (grep-level facts computed
here from the files themselves), never pasted from the parser's output.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES

from analyzer.code import csharp

SOURCES = FIXTURES / "code" / "csharp" / "Contoso.Plugins"
PLUGINS = CORPUS / "carltoncolter__dyn-req-mgmt" / "Plugins"


@dataclass
class Code:
    calls: list
    handlers: list
    registrations: list


def parsed(files: list) -> Code:
    return Code([c for f in files for c in f.calls], [h for f in files for h in f.handlers],
                [r for f in files for r in f.registrations])


def read(folder: Path) -> Code:
    paths = [p for p in sorted(folder.rglob("*.cs")) if "bin" not in p.relative_to(folder).parts]
    return parsed(csharp.read_files((p.relative_to(folder).as_posix(), p.read_bytes()) for p in paths))


def read_one(path: str, data: bytes) -> Code:
    return parsed([csharp.read(data, path, path)])


@pytest.fixture(scope="module")
def code() -> Code:
    return read(SOURCES)


def calls_at(code: Code, path: str) -> dict[int, csharp.MessageCall]:
    return {c.source.line: c for c in code.calls if c.source.path == path}


def line_of(path: Path, text: str, nth: int = 0) -> int:
    return [i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line][nth]


def test_organization_request_calls(code):
    callers = SOURCES / "Requests" / "Callers.cs"
    calls = calls_at(code, "Requests/Callers.cs")
    check = calls[line_of(callers, 'new OrganizationRequest("contoso_CheckStatus")')]
    assert (check.message, check.dynamic, check.parameters) == ("contoso_CheckStatus", False, ("Reason", "Request"))
    assert check.caller == "Contoso.Plugins.Callers.ApprovalService"
    submit = calls[line_of(callers, 'RequestName = "contoso_Submit"')]
    assert (submit.message, submit.parameters) == ("contoso_Submit", ("Comment",))
    later = calls[line_of(callers, "var later = new OrganizationRequest();")]
    assert (later.message, later.parameters) == ("contoso_Approve", ("Target", "Comment"))
    assert check.parameters_known and later.parameters_known  # only set and executed in Submit


def test_early_bound_request_classes_and_their_instantiation(code):
    # contoso_RecalculateRequest has [RequestProxy("contoso_Recalculate")]; contoso_CheckStatusRequest only sets
    # RequestName in its constructor; their properties' setters write Parameters["<key>"]
    callers = SOURCES / "Requests" / "Callers.cs"
    calls = calls_at(code, "Requests/Callers.cs")
    early = calls[line_of(callers, "new contoso_RecalculateRequest {")]
    assert (early.message, set(early.parameters)) == ("contoso_Recalculate", {"Target", "contoso_Force"})
    assert early.parameters_known and early.via == "request" and early.language == "csharp"
    status = calls[line_of(callers, "new contoso_CheckStatusRequest()")]
    assert (status.message, status.parameters) == ("contoso_CheckStatus", ("Reason",))
    # the early-bound classes are known across files; a file read alone does not know them
    alone = read_one("Requests/Callers.cs", callers.read_bytes())
    assert "contoso_Recalculate" not in {c.message for c in alone.calls}
    # the generated class's own constructor (this.RequestName = …) defines the message, it does not call it
    assert not [c for c in code.calls if c.source.path == "Requests/EarlyBound.cs"]


def test_comments_and_look_alike_strings_never_count(code):
    messages = {c.message for c in code.calls}
    assert not messages & {"contoso_Commented", "contoso_AlsoCommented", "contoso_LookAlike"}
    recalc = next(h for h in code.handlers if h.type_name == "Contoso.Plugins.Recalculate")
    assert "contoso_Old" not in {k for k, _ in recalc.writes}  # // context.OutputParameters["contoso_Old"]


def test_a_name_that_is_not_a_literal_is_dynamic(code):
    callers = SOURCES / "Requests" / "Callers.cs"
    calls = calls_at(code, "Requests/Callers.cs")
    for text in ("new OrganizationRequest(messageName)", 'new OrganizationRequest("contoso_" + messageName)'):
        call = calls[line_of(callers, text)]
        assert (call.message, call.dynamic) == (None, True)
    assert len(code.calls) == 8  # 6 named calls in Submit, EarlyBound and Helper, 2 dynamic ones


def test_a_request_passed_to_a_helper_has_parameters_not_all_known(code):
    callers = SOURCES / "Requests" / "Callers.cs"
    passed = calls_at(code, "Requests/Callers.cs")[line_of(callers, 'new OrganizationRequest("contoso_Passed")')]
    assert (passed.message, passed.parameters, passed.parameters_known) == ("contoso_Passed", ("Target",), False)


def test_plugin_class_keys_and_registration(code):
    plugin = SOURCES / "Recalculate.cs"
    handlers = {h.type_name: h for h in code.handlers}
    recalc = handlers["Contoso.Plugins.Recalculate"]
    assert dict(recalc.reads) == {
        "Target": csharp.SourceLocation("Recalculate.cs", line_of(plugin, 'InputParameters["Target"]')),
        "contoso_Force": csharp.SourceLocation("Recalculate.cs", line_of(plugin, 'Contains("contoso_Force")')),
    }
    assert [k for k, _ in recalc.writes] == ["contoso_Count", "contoso_Total"]
    assert recalc.source.line == line_of(plugin, "public class Recalculate")
    # a nested class is its own type (Outer+Inner, as .NET names it), its helper read is its own
    assert [k for k, _ in handlers["Contoso.Plugins.Recalculate+Totals"].reads] == ["contoso_Nested"]
    (reg,) = code.registrations
    assert (reg.type_name, reg.message, reg.entity_logical_name, reg.stage, reg.execution_mode, reg.execution_order) \
        == ("Contoso.Plugins.Recalculate", "contoso_Recalculate", "contoso_request", 40, 0, 1)
    assert reg.id == "6c1d7a4e-1b2c-4d5e-8f90-0a1b2c3d4e5f"  # braces and case as a step id is compared
    assert reg.source.line == line_of(plugin, "[CrmPluginRegistration(")


def test_registration_forms():
    source = b"""
namespace N {
  [CrmPluginRegistration(MessageNameEnum.Update, "account", StageEnum.PreOperation, ExecutionModeEnum.Asynchronous,
      "Name, statuscode", "Pre Update", 2, IsolationModeEnum.Sandbox,
      Image1Type = ImageTypeEnum.PreImage, Image1Name = "pre", Image1Attributes = "name",
      Image2Name = "post", Image2Attributes = "statuscode,name", Image2Type = ImageTypeEnum.PostImage)]
  [CrmPluginRegistration(message: "Delete", entityLogicalName: "account", stage: StageEnum.PreValidation,
      executionMode: ExecutionModeEnum.Synchronous, filteringAttributes: null, stepName: "Pre Delete",
      executionOrder: 1, isolationModel: IsolationModeEnum.Sandbox)]
  public class Two : IPlugin { }
  [CrmPluginRegistration("Activity", "Friendly", "Description", "Group", IsolationModeEnum.Sandbox)]
  public class Activity : CodeActivity { }
}
"""
    update, delete, activity = read_one("Two.cs", source).registrations
    assert (update.message, update.stage, update.execution_mode, update.filtering_attributes, update.execution_order) \
        == ("Update", 20, 1, ("name", "statuscode"), 2)
    assert update.images == (csharp.RegistrationImage("pre", ("name",), 0),
                             csharp.RegistrationImage("post", ("name", "statuscode"), 1))
    assert (delete.message, delete.name, delete.stage, delete.execution_mode, delete.filtering_attributes) \
        == ("Delete", "Pre Delete", 10, 0, ())
    assert activity.workflow_activity and (activity.name, activity.group_name) == ("Activity", "Group")
    constant = b"""[CrmPluginRegistration(Names.Recalculate, "account", StageEnum.PreOperation,
        ExecutionModeEnum.Synchronous, "", Names.Step, 1, IsolationModeEnum.Sandbox)] public class C : IPlugin { }"""
    (reg,) = read_one("C.cs", constant).registrations
    assert (reg.message, reg.name, reg.stage) == (None, None, 20)  # constants are not guessed from their names


def test_a_parent_contexts_parameters_are_another_messages():
    source = b"""namespace N { public class P : IPlugin { void M(IPluginExecutionContext c) {
        var a = c.ParentContext.InputParameters["Target"];
        var b = c.InputParameters["Mine"];
    } } }"""
    (handler,) = read_one("P.cs", source).handlers
    assert [k for k, _ in handler.reads] == ["Mine"]


def test_hostile_nesting_is_read_without_recursion():
    """200 parentheses deep is read (a loop, not a recursion); 5,000 is past analyzer.code.bounds.MAX_NESTING:
    not parsed, and the file says why."""
    def deep(n: int) -> bytes:
        return b'class A { void M() { s.Execute(new OrganizationRequest(' + b"(" * n + b'"a_Deep"' + b")" * n \
            + b")); } }"
    assert [c.message for c in read_one("Deep.cs", deep(200)).calls] == ["a_Deep"]
    [too_deep] = csharp.read_files([("Deep.cs", deep(5000))])
    assert (too_deep.calls, too_deep.skipped) == ((), "files nested over 256 deep")


def test_file_scoped_namespace_and_verbatim_strings():
    source = b'namespace A.B;\npublic class C : IPlugin {\n  void M(IPluginExecutionContext c) {\n' \
             b'    c.OutputParameters[@"Out"] = 1;\n    s.Execute(new OrganizationRequest(@"a_Go"));\n  }\n}\n'
    code = read_one("C.cs", source)
    (handler,) = code.handlers
    assert handler.type_name == "A.B.C" and [k for k, _ in handler.writes] == ["Out"]
    assert [(c.message, c.source.line) for c in code.calls] == [("a_Go", 5)]


# --- #1's real plug-in source ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plugins() -> Code:
    if not PLUGINS.is_dir():
        pytest.skip(f"corpus folder {PLUGINS} is absent")
    return read(PLUGINS)


def uncommented(path: Path) -> str:
    return "\n".join(line.split("//")[0] for line in path.read_text(encoding="utf-8-sig").splitlines())


def test_real_plugins_parse_without_errors(plugins):
    p = csharp.parser()
    bad = [f for f in PLUGINS.rglob("*.cs") if p.parse(f.read_bytes()).root_node.has_error]
    assert bad == []


def test_real_organization_request_calls(plugins):
    """Every ``new OrganizationRequest("…")`` written in the files (no comment in #1 holds one)."""
    expected = sorted(
        (f.relative_to(PLUGINS).as_posix(), i, m.group(1))
        for f in PLUGINS.rglob("*.cs")
        for i, line in enumerate(uncommented(f).splitlines(), 1)
        for m in re.finditer(r'new OrganizationRequest\("([^"]+)"\)', line))
    assert len(expected) == 4
    assert sorted((c.source.path, c.source.line, c.message) for c in plugins.calls) == expected
    by_line = {(c.source.path, c.source.line): c for c in plugins.calls}
    apply = by_line[next((p, i) for p, i, m in expected if m == "fdbzap_ar_applytemplategroup")]
    assert apply.parameters == ("Target", "ApprovalActionGroup")  # the two req.Parameters.Add lines after it


def test_real_registrations_and_handler_keys(plugins):
    attribute_files = sorted(f.relative_to(PLUGINS).as_posix() for f in PLUGINS.rglob("*.cs")
                             if "[CrmPluginRegistration(" in uncommented(f))
    assert sorted(r.source.path for r in plugins.registrations) == attribute_files
    steps = [r for r in plugins.registrations if not r.workflow_activity]
    assert len(steps) == len(attribute_files) - 1  # Workflow/GetEntityDetails.cs registers an activity
    handlers = {h.type_name: h for h in plugins.handlers}
    create_group = handlers["Plugins.Actions.CreateGroupFromSelection"]
    text = uncommented(PLUGINS / "Actions" / "CreateGroupFromSelection.cs")
    assert [k for k, _ in create_group.reads] == re.findall(r'GetInputParameter<\w+>\("(\w+)"\)', text)
    assert [k for k, _ in create_group.writes] == re.findall(r'OutputParameters\["(\w+)"\]', text)


# --- #1 checked against its own solution: DV604, DV605, dependents ---------------------------------------------

PACKAGE = CORPUS / "carltoncolter__dyn-req-mgmt" / "SolutionPackage" / "package"
KEY = r'(?:InputParameters\[|OutputParameters\[|InputParameters\.\w+\(|OutputParameters(?:\.Keys)?\.\w+\(|' \
      r'(?:Input|Output)Parameter<\w+>\()"(\w+)"'


@pytest.fixture(scope="module")
def checked():
    if not PLUGINS.is_dir():
        pytest.skip(f"corpus folder {PLUGINS} is absent")
    from analyzer.code.sources import scan
    from analyzer.engine import run_rules
    from analyzer.graph import build_graph
    from analyzer.reader import load
    from analyzer.registry import discover

    solution = load(str(PACKAGE))
    graph = build_graph([solution], scan([str(PLUGINS)]).files)
    registry = discover()
    result = run_rules([solution], [registry.get("DV604"), registry.get("DV605")], graph=graph)
    assert not result.errors
    return solution, graph, result.findings


def action_handler_files() -> list[Path]:
    """The classes whose [CrmPluginRegistration] names one of #1's actions (fdbzap_…) as its message."""
    return [f for f in sorted(PLUGINS.rglob("*.cs"))
            if re.search(r'\[CrmPluginRegistration\(\s*"fdbzap_', uncommented(f))]


def test_real_handlers_use_only_declared_parameters(checked):
    """No DV604 on #1: every key its action handlers use is an argument (x:Property) of an action's XAML."""
    _, _, findings = checked
    files = action_handler_files()
    assert len(files) == 4
    keys = {k for f in files for k in re.findall(KEY, uncommented(f))}
    arguments = {name for x in (PACKAGE / "Workflows").glob("*.xaml")
                 for name in re.findall(r'<x:Property Name="(\w+)"', x.read_text(encoding="utf-8-sig"))}
    assert keys and keys <= arguments, keys - arguments
    assert not [f for f in findings if f.rule == "DV604"]


def _attribute_steps() -> dict[str, tuple[Path, str]]:
    """step name -> (file, the attribute's text) for each step registration (eight positional arguments)."""
    found = {}
    for f in sorted(PLUGINS.rglob("*.cs")):
        for text in re.findall(r"\[CrmPluginRegistration\((.*?)\)\]", uncommented(f), re.S):
            strings = re.findall(r'"([^"]*)"', text.split("IsolationModeEnum")[0])
            if "StageEnum" in text:  # a step, not the five-argument workflow activity form
                found[strings[-1]] = (f, text)
    return found


def test_real_registration_drift(checked):
    """DV605 on #1, from the files: attributes whose step name no exported step has are code-only steps; a
    paired step is drift when mode, stage or filtering attributes differ. Every Id differs from the exported
    step ids, but spkl pairs by name then, so Ids alone say nothing (see DV605's docstring)."""
    _, _, findings = checked
    exported = {}
    for x in (PACKAGE / "SdkMessageProcessingSteps").glob("*.xml"):
        text = x.read_text(encoding="utf-8-sig")
        exported[re.search(r'<SdkMessageProcessingStep Name="([^"]+)"', text).group(1)] = {
            "id": re.search(r'SdkMessageProcessingStepId="\{([^}]+)\}"', text).group(1),
            "mode": re.search(r"<Mode>(\d)</Mode>", text).group(1),
            "stage": re.search(r"<Stage>(\d+)</Stage>", text).group(1),
            "filter": re.search(r"<FilteringAttributes>([^<]*)</FilteringAttributes>", text).group(1)}
    attributes = _attribute_steps()
    stages = {"PreValidation": "10", "PreOperation": "20", "PostOperation": "40"}
    code_only = {name for name in attributes if name not in exported}
    drifted = set()
    for name, (_, text) in attributes.items():
        if name in exported:
            step = exported[name]
            mode = "1" if "ExecutionModeEnum.Asynchronous" in text else "0"
            stage = stages[re.search(r"StageEnum\.(\w+)", text).group(1)]
            filtering = re.findall(r'"([^"]*)"', text)[2]  # message, table, filtering attributes
            if (mode, stage, set(filtering.split(",")) - {""}) != \
                    (step["mode"], step["stage"], set(step["filter"].split(",")) - {""}):
                drifted.add(step["id"])
            assert f'Id = "{step["id"]}"' not in text  # every Id is another environment's
    assert len(code_only) == 2 and len(drifted) == 1
    dv605 = [f for f in findings if f.rule == "DV605"]
    assert {f.component.key for f in dv605 if f.component.kind == "step"} == {f"step:{i}" for i in drifted}
    shipped_nowhere = [f for f in dv605 if f.component.kind == "plugin_type"]
    assert sorted(f.location.path for f in shipped_nowhere) == sorted(
        Path(attributes[n][0]).as_posix() for n in code_only)
    (drift,) = [f for f in dv605 if f.component.kind == "step"]
    assert "mode async (exported sync)" in drift.message and "exported statuscode" in drift.message


def test_real_dependents_list_the_csharp_caller(checked):
    """`dependents --of fdbzap_ar_checkstatus` names the file whose code builds that OrganizationRequest."""
    solution, graph, _ = checked
    callers = sorted(f.as_posix() for f in PLUGINS.rglob("*.cs")
                     if 'new OrganizationRequest("fdbzap_ar_checkstatus")' in uncommented(f))
    assert len(callers) == 1
    (action,) = graph.find("fdbzap_ar_checkstatus")
    blockers = {key for key, _part, _types in graph.blockers(action)}
    assert {f"source_file:{c}" for c in callers} <= blockers
    # and the class <-> plug-in type link: the file holding CheckStatusAction implements its type
    (plugin_type,) = [c.key for c in solution.components if c.kind == "plugin_type"
                      and c.type_name == "Plugins.Entities.fdbzap_ar_approvalrequest.CheckStatusAction"]
    holder = (PLUGINS / "Entities" / "fdbzap_ar_approvalrequest" / "CheckStatusAction.cs").as_posix()
    assert f"source_file:{holder}" in graph.dependents(plugin_type)


def test_cli_points_findings_at_the_csharp_line(invoke, tmp_path, monkeypatch):
    """`dvsa check --sources`: a DV605 finding on an exported step is at the attribute's C# line in the reports
    that point at files (concise here; SARIF and annotations share analyzer.report.locations)."""
    case = FIXTURES / "rules" / "DV605"
    monkeypatch.chdir(case)
    result = invoke(1, ["check", "solution", "--sources", "sources", "--select", "DV605", "--format", "concise",
                        "--fail-on", "note"])
    source = case / "sources" / "Registered.cs"
    drift = line_of(source, "[CrmPluginRegistration(MessageNameEnum.Update")
    assert f"sources/Registered.cs:{drift}: DV605 [note]" in result.output
    # the step with no attribute is in the solution: its file is the step's XML in the package
    assert "solution/SdkMessageProcessingSteps/{b6050000-0000-4000-8000-000000000005}.xml:2: DV605" in result.output


def test_dv605_says_nothing_of_an_attribute_named_by_constants():
    """An attribute whose message and step name are constants could be any step of its class: no finding on the
    class's steps, nor "registers a step the solution does not ship"."""
    from analyzer.engine import run_rules
    from analyzer.graph import build_graph
    from analyzer.reader import load
    from analyzer.registry import discover

    solution = load(str(FIXTURES / "rules" / "DV605" / "solution"))
    source = b"""namespace Contoso.Registered {
        [CrmPluginRegistration(Names.Create, "account", StageEnum.PostOperation, ExecutionModeEnum.Synchronous,
            "", Names.CreateStep, 1, IsolationModeEnum.Sandbox)]
        public class Extra : IPlugin { } }"""
    graph = build_graph([solution], [csharp.read(source, "Extra.cs", "Extra.cs")])
    result = run_rules([solution], [discover().get("DV605")], graph=graph)
    assert result.findings == [] and not result.errors


def test_web_api_paths_given_to_the_teams_service_and_http_requests():
    """fixtures/code/helpers/csharp/ContosoClient.cs: svc.Post("contoso_CheckStatus", …) (line 17), svc.Post(actionUri,
    …) with actionUri = requestUri.ToString() + "/Microsoft.Dynamics.CRM.contoso_Recalculate" (23), a
    HttpRequestMessage to $"contoso_requests({requestId})/Microsoft.Dynamics.CRM.contoso_Recalculate" (24), and
    new OrganizationRequest($"contoso_Archive") (30). service.Delete("contoso_request", id) names a table and
    Console.WriteLine("POST contoso_CheckStatus done") is a sentence: neither is a call."""
    path = FIXTURES / "code" / "helpers" / "csharp" / "ContosoClient.cs"
    calls = read_one("ContosoClient.cs", path.read_bytes()).calls
    assert sorted((c.source.line, c.message, c.via, c.bound, c.bound_entity_set, c.dynamic) for c in calls) == [
        (line_of(path, 'svc.Post("contoso_CheckStatus"'), "contoso_CheckStatus", "relative url", False, None, False),
        (line_of(path, "svc.Post(actionUri"), "contoso_Recalculate", "qualified url", None, None, False),
        (line_of(path, "new HttpRequestMessage"), "contoso_Recalculate", "qualified url", True, "contoso_requests",
         False),
        (line_of(path, '$"contoso_Archive"'), "contoso_Archive", "request", None, None, False),
    ]
    assert {c.caller for c in calls} == {"Contoso.Client.RequestClient"}


def test_1500_nested_classes_are_skipped_at_once():
    """Issue 19: 21 KB of C# with 1,500 nested classes took over a minute (type names climbed Node.parent)."""
    source = ("namespace N {\n" + "".join(f"class C{i} {{\n" for i in range(1500)) + "}\n" * 1500 + "}\n").encode()
    assert len(source) > 20_000
    start = time.perf_counter()
    [code] = csharp.read_files([("Deep.cs", source)])
    assert (code.skipped, code.handlers) == ("files nested over 256 deep", ())
    # 250 nested classes, each calling a message: read, every type named, in well under the old minute
    source = ("namespace N {\n" + "".join(f'class C{i} {{ void M() {{ s.Execute(new OrganizationRequest("a_X")); }}\n'
                                          for i in range(250)) + "}\n" * 250 + "}\n").encode()
    [code] = csharp.read_files([("Deep.cs", source)])
    assert len(code.calls) == 250 and code.calls[-1].caller.count("+") == 249
    assert time.perf_counter() - start < 10
