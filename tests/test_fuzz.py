"""Fuzz the reader and the whole pipeline with mutated solution packages (hypothesis).

Every input, however broken, must end in a ``Solution`` or an ``analyzer.errors.SolutionError``
(the CLI turns that into exit 2 and one line): never another exception, a hang or a memory
blow-up. The seeds are written here by hand (a small but complete package: a process of every
category with XAML or flow-JSON bodies, an assembly with types, steps with images, a Custom API
folder, a table, a role, a web resource, a connection reference and an environment variable);
nothing is read from the corpus, so the test runs anywhere.

What is mutated: truncation at random offsets; deleted and duplicated elements; element text
replaced with random, huge or non-numeric values where integers are expected (Category, Stage,
Mode, StateCode, Managed, Version, ImageType, bindingtype, …); unknown categories (7, 99, -1);
duplicate WorkflowId / step ids inside customizations.xml and across files; random attributes
up to 1 MB; 10 000 nested elements inside a Workflow and a XAML body, and 10 000 nested arrays
or objects in a flow JSON; invalid UTF-8, BOM / no BOM, odd XML declarations; random zip
members (unicode names, empty files, directories, duplicate names, case changes); random bytes
and damaged bytes as the zip itself; the same on the unpacked-folder layout. Each readable
package then goes through ``analyze`` with every rule (sometimes together with the unmutated
seed), every report format, the inventory and the DOT diagram: a rule crash fails the test.
A few cases also run ``python -m analyzer check`` in a subprocess: exit 0, 1 or 2, at most one
line on stderr, no traceback, no "internal error".

CI runs a bounded number of examples per test (``DVSA_FUZZ_EXAMPLES``, default 60, a twentieth of
that for the subprocess fuzz; the file takes about 10 s). A long campaign (about 5 minutes)::

    DVSA_FUZZ_EXAMPLES=5000 python3 -m pytest -q tests/test_fuzz.py \\
        --hypothesis-show-statistics --hypothesis-seed=$RANDOM

Hypothesis prints the failing example and stores it in ``.hypothesis/`` so the next run replays
it first. Each bug found this way keeps a plain (non-hypothesis) regression test at the end of
this file. ``DVSA_FUZZ_DEADLINE_MS`` (default 10000) bounds each example's run time; an example
still running after max(30 s, 3 x deadline) is stopped by SIGALRM and reported as a hang.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import warnings
import zipfile
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from analyzer import builder
from analyzer.diagram import to_digraph
from analyzer.engine import analyze
from analyzer.errors import SolutionError
from analyzer.model import Solution
from analyzer.reader import load
from analyzer.registry import discover
from analyzer.report import FORMATS
from analyzer.report.inventory import FORMATS as INVENTORY_FORMATS

EXAMPLES = int(os.environ.get("DVSA_FUZZ_EXAMPLES", "60"))
DEADLINE_MS = int(os.environ.get("DVSA_FUZZ_DEADLINE_MS", "10000"))
HANG_SECONDS = max(30, DEADLINE_MS // 1000 * 3)  # an example that runs this long is a hang
MAX_RSS_BYTES = 2 * 1024 ** 3  # the whole test process; the inputs are at most a few MB

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(milliseconds=DEADLINE_MS),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture, HealthCheck.large_base_example],
)

# --- the seed package (hand-written; fictional names and ids) ---------------------------------------------------

PREFIX = "contoso"


def gid(n: int) -> str:
    return f"a0000000-0000-4000-8000-{n:012d}"


WF_CLASSIC, WF_DIALOG, WF_RULE, WF_ACTION, WF_BPF, WF_FLOW, WF_DESKTOP = (gid(i) for i in range(1, 8))
ACTION_MESSAGE = gid(30)
ASSEMBLY, TYPE_PLUGIN, TYPE_ACTIVITY = gid(40), gid(41), gid(42)
STEP_CREATE, STEP_ACTION, STEP_UPDATE = gid(50), gid(51), gid(52)
CREATE_MESSAGE = builder.CREATE_MESSAGE
UPDATE_MESSAGE = builder.UPDATE_MESSAGE
ASSEMBLY_NAME = "Contoso.Plugins, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef"
WF_NAMES = {WF_CLASSIC: "Classic Request", WF_DIALOG: "Old Dialog", WF_RULE: "Require Title",
            WF_ACTION: "Do Thing", WF_BPF: "Request Process", WF_FLOW: "Notify Owner", WF_DESKTOP: "Desktop Task"}


def body_name(wf_id: str, ext: str) -> str:
    return f"Workflows/{WF_NAMES[wf_id].replace(' ', '')}-{wf_id.upper()}.{ext}"


COMPOSITE = "Microsoft.Crm.Workflow.Activities.Composite, Microsoft.Crm.Workflow, Version=9.0.0.0, Culture=neutral"

# The inner XAML of each process body (analyzer.builder wraps it in <Activity> with the usual namespaces).
XAML_CLASSIC = f"""  <mxswa:Workflow>
    <mxswa:ActivityReference AssemblyQualifiedName="{COMPOSITE}" DisplayName="Step1: Get details">
      <mxswa:ActivityReference.Properties>
        <sco:Collection x:TypeArguments="Activity" x:Key="Activities" \
xmlns:sco="clr-namespace:System.Collections.ObjectModel;assembly=mscorlib">
          <mxswa:ActivityReference AssemblyQualifiedName="Contoso.Plugins.GetDetails, Contoso.Plugins, \
Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef" DisplayName="Step1: Get details">
            <mxswa:ActivityReference.Arguments>
              <OutArgument x:TypeArguments="x:String" x:Key="Name">[Step1_name]</OutArgument>
            </mxswa:ActivityReference.Arguments>
          </mxswa:ActivityReference>
        </sco:Collection>
      </mxswa:ActivityReference.Properties>
    </mxswa:ActivityReference>
    <mcwa:InvokeSdkMessageActivity DisplayName="Step2: Do the thing" SdkMessageEntityName="contoso_request" \
SdkMessageId="{ACTION_MESSAGE}" SdkMessageName="{PREFIX}_DoThing" SdkMessageRequestSuffix="">
      <mcwa:InvokeSdkMessageActivity.Arguments>
        <InArgument x:TypeArguments="mxs:EntityReference" x:Key="Target">[Step2_target]</InArgument>
      </mcwa:InvokeSdkMessageActivity.Arguments>
    </mcwa:InvokeSdkMessageActivity>
    <mxswa:StartChildWorkflow DisplayName="Step3: Dialog" EntityName="contact" WorkflowId="{WF_DIALOG}" />
    <mxswa:UpdateEntity DisplayName="Step4: Update" Entity="[Step4_entity]" EntityName="contoso_request" />
  </mxswa:Workflow>"""
XAML_DIALOG = """  <mxswa:Workflow><mxswa:SetState DisplayName="Close" EntityName="contact" /></mxswa:Workflow>"""
XAML_RULE = """  <mxswa:Workflow>
    <mcwc:SetFieldRequiredLevel ControlId="contoso_title" RequiredLevel="ApplicationRequired" />
    <mcwc:SetVisibility ControlId="contoso_title" IsVisible="True" />
  </mxswa:Workflow>"""
XAML_ACTION = """  <x:Members>
    <x:Property Name="Target" Type="InArgument(mxs:EntityReference)">
      <x:Property.Attributes>
        <mxsw:ArgumentRequiredAttribute Value="True" \
xmlns:mxsw="clr-namespace:Microsoft.Xrm.Sdk.Workflow;assembly=Microsoft.Xrm.Sdk.Workflow" />
      </x:Property.Attributes>
    </x:Property>
  </x:Members>
  <mxswa:Workflow />"""
XAML_BPF = """  <mxswa:Workflow>
    <mxswa:ActivityReference AssemblyQualifiedName="Microsoft.Crm.Workflow.Activities.StageComposite, \
Microsoft.Crm.Workflow" DisplayName="Stage 1" />
  </mxswa:Workflow>"""

FLOW = {
    "properties": {
        "connectionReferences": {
            "shared_commondataserviceforapps": {
                "runtimeSource": "embedded",
                "connection": {"connectionReferenceLogicalName": "contoso_dataverse"},
                "api": {"name": "shared_commondataserviceforapps"},
            },
        },
        "definition": {
            "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/"
                       "workflowdefinition.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {"$authentication": {"defaultValue": {}, "type": "SecureObject"}},
            "triggers": {
                "When_the_thing_is_done": {
                    "type": "OpenApiConnectionWebhook",
                    "inputs": {
                        "host": {"connectionName": "shared_commondataserviceforapps",
                                 "operationId": "BusinessEventsTrigger",
                                 "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"},
                        "parameters": {"catalog": "allcatalog", "category": "allcategory",
                                       "subscriptionRequest/sdkmessagename": f"{PREFIX}_DoThing",
                                       "subscriptionRequest/entityname": "contoso_request"},
                    },
                },
                "Row_changed": {
                    "type": "OpenApiConnectionWebhook",
                    "inputs": {"host": {"operationId": "SubscribeWebhookTrigger"},
                               "parameters": {"subscriptionRequest/message": 3,
                                              "subscriptionRequest/entityname": "contoso_request",
                                              "subscriptionRequest/scope": 4}},
                },
                "manual": {"type": "Request", "kind": "Button", "inputs": {"schema": {}}},
                "Recurrence": {"type": "Recurrence", "recurrence": {"frequency": "Day", "interval": 1}},
            },
            "actions": {
                "Scope": {
                    "type": "Scope",
                    "actions": {
                        "Run_api": {
                            "type": "OpenApiConnection",
                            "inputs": {
                                "host": {"connectionName": "shared_commondataserviceforapps",
                                         "operationId": "PerformUnboundAction",
                                         "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"},
                                "parameters": {"actionName": f"{PREFIX}_DoApi", "item/Input": "@triggerBody()"},
                            },
                        },
                    },
                },
                "Condition": {
                    "type": "If",
                    "expression": {"and": [{"equals": [1, 1]}]},
                    "actions": {
                        "Do_bound": {
                            "type": "OpenApiConnection",
                            "inputs": {
                                "host": {"connectionName": "shared_commondataserviceforapps",
                                         "operationId": "PerformBoundAction"},
                                "parameters": {"entityName": "contoso_requests",
                                               "actionName": f"Microsoft.Dynamics.CRM.{PREFIX}_DoThing",
                                               "recordId": "@triggerBody()?['id']"},
                            },
                        },
                    },
                    "else": {"actions": {"Delete_file": {
                        "type": "OpenApiConnection",
                        "inputs": {"host": {"operationId": "PerformUnboundActionWithOrganization"},
                                   "parameters": {"organization": "default", "actionName": "DeleteFile",
                                                  "item": {"FileId": "@{1}"}}}}}},
                },
                "Switch": {"type": "Switch", "expression": "@1",
                           "cases": {"Case": {"case": 1, "actions": {"Compose": {"type": "Compose", "inputs": 1}}}},
                           "default": {"actions": {}}},
            },
        },
    },
    "schemaVersion": "1.0.0.0",
}

ENV_VARIABLE = """<environmentvariabledefinition schemaname="contoso_Setting">
  <displayname default="Setting"><label description="Setting" languagecode="1033" /></displayname>
  <isrequired>0</isrequired>
  <type>100000000</type>
</environmentvariabledefinition>"""
WEB_RESOURCE_FILE = f"WebResources/contoso_/scripts/form.js{gid(80).upper()}"

# Components analyzer.builder does not model, as their XML (and their own file in the unpacked layout).
RAW = (
    builder.Raw("Entities", """<Entity>
      <Name LocalizedName="Request" OriginalName="Request">contoso_Request</Name>
      <EntityInfo>
        <entity Name="contoso_Request">
          <LocalizedNames><LocalizedName description="Request" languagecode="1033" /></LocalizedNames>
          <EntitySetName>contoso_requests</EntitySetName>
          <attributes><attribute PhysicalName="contoso_Title"><Type>nvarchar</Type><MaxLength>100</MaxLength>\
</attribute></attributes>
        </entity>
      </EntityInfo>
    </Entity>""", "Entities/contoso_Request/Entity.xml"),
    builder.Raw("Roles", f"""<Role id="{{{gid(70)}}}" name="Contoso User">
      <RolePrivileges><RolePrivilege name="prvReadcontoso_Request" level="Global" /></RolePrivileges>
    </Role>""", "Roles/Contoso User.xml"),
    builder.Raw("WebResources", f"""<WebResource>
      <WebResourceId>{{{gid(80)}}}</WebResourceId>
      <Name>contoso_/scripts/form.js</Name>
      <DisplayName>form.js</DisplayName>
      <WebResourceType>3</WebResourceType>
      <FileName>/{WEB_RESOURCE_FILE}</FileName>
    </WebResource>""", "WebResources/contoso_/scripts/form.js.data.xml"),
    builder.Raw("connectionreferences", """<connectionreference connectionreferencelogicalname="contoso_dataverse">
      <connectionreferencedisplayname>Dataverse</connectionreferencedisplayname>
      <connectorid>/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps</connectorid>
      <iscustomizable>1</iscustomizable>
      <statecode>0</statecode>
    </connectionreference>"""),
)

CLASSIC = builder.Workflow(WF_CLASSIC, WF_NAMES[WF_CLASSIC], 0, xaml=XAML_CLASSIC, primary_entity="contoso_request",
                           fields=(("TriggerOnUpdateAttributeList", "contoso_title,statuscode"),
                                   ("CreateStage", "40"), ("UpdateStage", "40")))
WORKFLOWS = (
    CLASSIC,
    builder.Workflow(WF_DIALOG, WF_NAMES[WF_DIALOG], 1, xaml=XAML_DIALOG, primary_entity="contact"),
    builder.Workflow(WF_RULE, WF_NAMES[WF_RULE], 2, xaml=XAML_RULE, primary_entity="contoso_request", mode=1, state=0),
    builder.action(WF_ACTION, WF_NAMES[WF_ACTION], "DoThing", ACTION_MESSAGE, xaml=XAML_ACTION,
                   fields=(("CreateStage", "40"), ("IsCustomProcessingStepAllowedForOtherPublishers", "1"))),
    builder.Workflow(WF_BPF, WF_NAMES[WF_BPF], 4, xaml=XAML_BPF, primary_entity="contoso_request",
                     unique_name="contoso_requestprocess",
                     fields=(("processorder", "100"), ("BusinessProcessType", "0")),
                     raw=('<labels><steplabels id="{b0000000-0000-4000-8000-000000000001}">'
                          '<label languagecode="1033" description="Stage 1" /></steplabels></labels>',)),
    builder.cloud_flow(WF_FLOW, WF_NAMES[WF_FLOW], FLOW),
    builder.Workflow(WF_DESKTOP, WF_NAMES[WF_DESKTOP], 6, state=0),
)
PLUGINS = builder.PluginAssembly(ASSEMBLY, ASSEMBLY_NAME, dll=b"MZ\x90\x00fake assembly", types=(
    builder.PluginType(TYPE_PLUGIN, "Contoso.Plugins.PostCreate", friendly_name=gid(43)),
    builder.PluginType(TYPE_ACTIVITY, "Contoso.Plugins.GetDetails", name="Get Details", friendly_name=gid(44),
                       description="Reads details", workflow_activity_group="Contoso (1.0.0.0)"),
))
PLUGIN_FILE = PLUGINS.dll_path
POST_CREATE = PLUGINS.type_name("Contoso.Plugins.PostCreate")
STEPS = (
    builder.Step(STEP_CREATE, "Contoso.Plugins.PostCreate: Create of contoso_request", CREATE_MESSAGE, POST_CREATE,
                 TYPE_PLUGIN, stage=20, mode=0, primary_entity="contoso_request",
                 images=(builder.StepImage(gid(60), "Pre", 0, "contoso_title"),
                         builder.StepImage(gid(61), "Post", 1, "contoso_title,statuscode"))),
    builder.Step(STEP_ACTION, "Contoso.Plugins.PostCreate: contoso_DoThing of any Entity", ACTION_MESSAGE, POST_CREATE,
                 TYPE_PLUGIN, stage=40, mode=1, images=(builder.StepImage(gid(62), "Both", 2, ""),)),
    builder.Step(STEP_UPDATE, "Post Update Request", UPDATE_MESSAGE, POST_CREATE, None, stage=40, mode=0,
                 primary_entity="contoso_request", filtering_attributes="statuscode"),
)
CUSTOM_API = builder.CustomApi(f"{PREFIX}_DoApi", display_name="Do API", description="Does the API thing",
                               plugin_type_id=TYPE_PLUGIN,
                               request_parameters=(builder.ApiParameter("Input", type=10),),
                               response_properties=(builder.ApiParameter("Output", type=12),))
ROOTS = (
    builder.RootComponent(1, schema_name="contoso_request"),
    builder.RootComponent(1, schema_name="account", behavior=1),
    *(builder.RootComponent(29, id=w) for w in WF_NAMES),
    builder.RootComponent(91, id=ASSEMBLY, schema_name=ASSEMBLY_NAME),
    builder.RootComponent(92, id=STEP_CREATE),
    builder.RootComponent(61, schema_name="contoso_/scripts/form.js"),
    builder.RootComponent(300, schema_name="contoso_canvas_1a2b3"),
    builder.RootComponent(432, schema_name="contoso_request"),
)
MISSING = (
    builder.MissingDependency((("key", "1"), ("type", "1"), ("schemaName", "account"), ("displayName", "Account"),
                               ("solution", "Active")),
                              (("key", "2"), ("type", "29"), ("displayName", "Classic Request"),
                               ("id", f"{{{WF_CLASSIC}}}"))),
    builder.MissingDependency((("type", "connectionreference"), ("displayName", "Dataverse"), ("solution", "Active"),
                               ("id.connectionreferencelogicalname", "contoso_dataverse")),
                              (("type", "29"), ("displayName", "Notify Owner"), ("id", f"{{{WF_FLOW}}}"))),
    builder.MissingDependency((("type", "90"), ("schemaName", "Other.Type, Other, Version=1.0.0.0"),
                               ("displayName", "Other.Type"), ("solution", "Other (1.0.0.0)"), ("id", f"{{{gid(99)}}}")),
                              (("type", "CustomAPI"), ("displayName", "contoso_DoApi"),
                               ("id.uniquename", "contoso_DoApi"))),
)
SEED = builder.Package(
    builder.Manifest("ContosoFuzz", version="1.2.3.4", managed=0, publisher="contoso", prefix=PREFIX,
                     display_name="Contoso Fuzz"),
    workflows=WORKFLOWS, assemblies=(PLUGINS,), steps=STEPS, custom_apis=(CUSTOM_API,), missing_dependencies=MISSING,
    root_components=ROOTS, raw=RAW,
    files=((WEB_RESOURCE_FILE, b"function onLoad() {}"),
           ("environmentvariabledefinitions/contoso_Setting/environmentvariabledefinition.xml", ENV_VARIABLE.encode())),
)
CUSTOMIZATIONS_XML = dict(SEED.members("zip"))["customizations.xml"].decode()


def workflow_xml(wf: builder.Workflow) -> str:
    """One <Workflow> record as customizations.xml holds it."""
    return etree.tostring(builder.workflow_element(wf), encoding="unicode") + "\n"


def seed_zip_members() -> list[tuple[str, bytes]]:
    """The members of a zip export, in the order 'Export solution' writes them (roughly)."""
    return SEED.members("zip")


def seed_unpacked_members() -> list[tuple[str, bytes]]:
    """The same solution as a SolutionPackager / pac folder, with the Managed 2 a "Both" unpack writes; the web
    resource's content sits beside its .data.xml there."""
    members = replace(SEED, manifest=replace(SEED.manifest, managed=2)).members("unpacked")
    return [("WebResources/contoso_/scripts/form.js" if name == WEB_RESOURCE_FILE else name, data)
            for name, data in members]


# --- running one case --------------------------------------------------------------------------------------------

REGISTRY = discover()


@contextmanager
def hang_guard(seconds: int = HANG_SECONDS):
    """Fail instead of hanging: SIGALRM raises in the main thread after ``seconds``."""
    def on_alarm(_sig, _frame):
        raise TimeoutError(f"example still running after {seconds} s: a hang")
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write_zip(path: Path, members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is one of the mutations
        with zipfile.ZipFile(path, "w", compression) as zf:
            for name, data in members:
                if not name.split("\x00")[0]:
                    name = "x" + name  # zipfile cuts a name at NUL and cannot write an empty one
                name = name.encode("utf-8", "replace").decode("utf-8")  # nor a lone surrogate (see "bad-utf8-name")
                if name.endswith("/"):
                    zf.writestr(zipfile.ZipInfo(name), b"")
                else:
                    zf.writestr(name, data)
    return path


def write_folder(root: Path, members: list[tuple[str, bytes]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in members:
        target = root / name
        if name.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            pass  # a mutation made a file where a folder must be (or the reverse): skip that member
    return root


def _event(text: str) -> None:
    """What happened, for ``--hypothesis-show-statistics``."""
    if currently_in_test_context():
        event(text)


def assert_pipeline(path: Path, *others: Path) -> Solution | None:
    """The reader gives a Solution or a SolutionError; the rules and every renderer survive the Solution.

    ``others`` are analyzed together with ``path`` (one graph over several solutions)."""
    with hang_guard():
        try:
            solution = load(str(path))
        except SolutionError as exc:
            message = str(exc)
            assert message and str(path) in message, message
            _event("SolutionError: " + re.sub(r"[\d'\"(].*", "", exc.message)[:40])
            return None
        _event("Solution")
        assert isinstance(solution, Solution)
        result = analyze([str(path), *map(str, others)], registry=REGISTRY)
        assert not result.errors, f"rule crashed on {path}: {result.errors}"
        for render in FORMATS.values():
            render(result, io.StringIO())
        for render in INVENTORY_FORMATS.values():
            render(result.solutions, io.StringIO())
        to_digraph(result.graph, result.findings).source.encode("utf-8")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < MAX_RSS_BYTES
    return solution


# --- mutation strategies -----------------------------------------------------------------------------------------

INT_FIELDS = ("Category", "Stage", "Mode", "StateCode", "StatusCode", "Managed", "Version", "ImageType", "Rank",
              "Scope", "RunAs", "CreateStage", "UpdateStage", "InvocationSource", "IsolationMode", "SourceType",
              "bindingtype", "type", "isfunction", "allowedcustomprocessingsteptype", "WebResourceType",
              "Subprocess", "OnDemand", "TriggerOnCreate", "IsTransacted", "isoptional")
WEIRD_NUMBERS = ["abc", "", " ", "1.5", "1e3", "1e400", "inf", "-inf", "NaN", "-1", "7", "99", "-0", "+3",
                 "0x1F", "١٢", "9" * 5000, "2147483648", "-9223372036854775809", "1,0", "1 0", "true", "None",
                 "\u00a0", "0.0.0.0.0", "1..2", "v1.0"]
ID_ATTRS = ("WorkflowId", "SdkMessageProcessingStepId", "PluginAssemblyId", "PluginTypeId", "id", "uniquename",
            "schemaname", "Name", "AssemblyQualifiedName", "FullName", "type", "SdkMessageId", "SdkMessageName",
            "connectionreferencelogicalname", "behavior", "schemaName")
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@st.composite
def huge_strings(draw) -> str:
    unit = draw(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8))
    size = draw(st.sampled_from([1_000, 100_000, 1_000_000]))
    return (unit * (size // len(unit) + 1))[:size]


# Values that made regular expressions backtrack: a step name with a newline and many "x: y of z".
PATHOLOGICAL = ["a: b of " * 125_000 + "\nX", "a: b of " * 240 + "\nX", "Type:" + " " * 100_000 + "x",
                ", Version=" * 100_000, "{" * 100_000, "Microsoft.Dynamics.CRM." * 40_000]
VALUES = st.one_of(st.sampled_from(WEIRD_NUMBERS), XML_TEXT, huge_strings(), st.sampled_from(PATHOLOGICAL),
                   st.sampled_from([WF_ACTION, ACTION_MESSAGE, STEP_CREATE, TYPE_PLUGIN, "{" + WF_FLOW + "}",
                                    f"{PREFIX}_DoThing", "Microsoft.Dynamics.CRM.x", "none", "..", "/", "Other/x"]))


def is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".xaml"))


def pick_member(data, members, predicate=lambda n: True) -> int | None:
    indexes = [i for i, (n, _d) in enumerate(members) if predicate(n)]
    return data.draw(st.sampled_from(indexes)) if indexes else None


def parse(raw: bytes):
    parser = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False, no_network=True)
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        return None


def serialize(root) -> bytes:
    return etree.tostring(root, encoding="utf-8", xml_declaration=False)


def elements(root) -> list:
    return [e for e in root.iter() if isinstance(e.tag, str)]


def op_delete_element(data, members):
    """Delete a random element (a whole Workflow, a <Category>, the <SolutionManifest>…)."""
    i = pick_member(data, members, is_xml)
    root = parse(members[i][1]) if i is not None else None
    if root is None:
        return
    candidates = [e for e in elements(root) if e.getparent() is not None]
    if candidates:
        victim = data.draw(st.sampled_from(candidates))
        victim.getparent().remove(victim)
        members[i] = (members[i][0], serialize(root))


def op_duplicate_element(data, members):
    """Duplicate an element next to itself: two Workflows with one id, two <Category>, two manifests…"""
    i = pick_member(data, members, is_xml)
    root = parse(members[i][1]) if i is not None else None
    if root is None:
        return
    candidates = [e for e in elements(root) if e.getparent() is not None]
    if candidates:
        elem = data.draw(st.sampled_from(candidates))
        copy = deepcopy(elem)
        elem.addnext(copy)
        members[i] = (members[i][0], serialize(root))


def op_set_text(data, members):
    """Replace the text of a random element, or of a field that should hold an integer."""
    i = pick_member(data, members, is_xml)
    root = parse(members[i][1]) if i is not None else None
    if root is None:
        return
    targeted = [e for e in elements(root) if etree.QName(e).localname in INT_FIELDS]
    pool = targeted if targeted and data.draw(st.booleans()) else elements(root)
    elem = data.draw(st.sampled_from(pool))
    elem.text = data.draw(VALUES)
    members[i] = (members[i][0], serialize(root))


def op_set_attribute(data, members):
    """Set an id-like or random attribute to a random value (up to 1 MB)."""
    i = pick_member(data, members, is_xml)
    root = parse(members[i][1]) if i is not None else None
    if root is None:
        return
    elem = data.draw(st.sampled_from(elements(root)))
    name = data.draw(st.one_of(st.sampled_from(ID_ATTRS + tuple(elem.attrib.keys())),
                               st.from_regex(r"[A-Za-z][A-Za-z0-9.]{0,12}", fullmatch=True)))
    elem.set(name, data.draw(VALUES))
    members[i] = (members[i][0], serialize(root))


def op_unknown_category(data, members):
    """Give a process an unknown or impossible category."""
    i = pick_member(data, members, lambda n: n.lower() in ("customizations.xml",) or n.endswith(".data.xml"))
    root = parse(members[i][1]) if i is not None else None
    if root is None:
        return
    cats = [e for e in elements(root) if etree.QName(e).localname == "Category"]
    if cats:
        data.draw(st.sampled_from(cats)).text = data.draw(st.sampled_from(["7", "99", "-1", "1000000", "3.0",
                                                                            "x", ""]))
        members[i] = (members[i][0], serialize(root))


def op_duplicate_ids(data, members):
    """Copy one component's id onto another of the same kind (same file), or a whole component into another file."""
    i = pick_member(data, members, lambda n: n.lower() == "customizations.xml" or n.endswith(".data.xml")
                    or n.startswith("SdkMessageProcessingSteps/"))
    root = parse(members[i][1]) if i is not None else None
    if root is None:
        return
    kinds = {"Workflow": "WorkflowId", "SdkMessageProcessingStep": "SdkMessageProcessingStepId",
             "PluginType": "PluginTypeId", "SdkMessageProcessingStepImage": None}
    items = [e for e in elements(root) if etree.QName(e).localname in kinds]
    if not items:
        return
    source = data.draw(st.sampled_from(items))
    tag = etree.QName(source).localname
    if data.draw(st.booleans()):  # the same element again, in a new one-component file
        folder = {"Workflow": "Workflows/Copy-{n}.xaml.data.xml",
                  "SdkMessageProcessingStep": "SdkMessageProcessingSteps/{{copy-{n}}}.xml",
                  "PluginType": "PluginAssemblies/Copy-{n}/Copy.dll.data.xml",
                  "SdkMessageProcessingStepImage": "SdkMessageProcessingSteps/{{img-{n}}}.xml"}[tag]
        members.append((folder.format(n=len(members)), etree.tostring(deepcopy(source))))
        return
    same = [e for e in items if etree.QName(e).localname == tag and e is not source]
    attr = kinds[tag]
    if same and attr:
        data.draw(st.sampled_from(same)).set(attr, source.get(attr) or "")
        members[i] = (members[i][0], serialize(root))


def op_step_on_other_category(data, members):
    """Point a step at a process that is not an action: its WorkflowId, or the SdkMessageId of a flow."""
    i = pick_member(data, members, lambda n: n.lower() == "customizations.xml")
    root = parse(members[i][1]) if i is not None else None
    if root is None:
        return
    steps = [e for e in elements(root) if etree.QName(e).localname == "SdkMessageId"
             and etree.QName(e.getparent()).localname == "SdkMessageProcessingStep"]
    workflows = [e for e in elements(root) if etree.QName(e).localname == "Workflow"]
    if not steps or not workflows:
        return
    target = data.draw(st.sampled_from([WF_CLASSIC, WF_RULE, WF_BPF, WF_FLOW, WF_DESKTOP, WF_ACTION]))
    if data.draw(st.booleans()):  # the step names a workflow id
        data.draw(st.sampled_from(steps)).text = "{" + target + "}"
    else:  # a non-action process carries the action's message id (or the action loses its category)
        for wf in workflows:
            if wf.get("WorkflowId", "").strip("{}") == target:
                etree.SubElement(wf, "SdkMessageId").text = "{" + ACTION_MESSAGE + "}"
    members[i] = (members[i][0], serialize(root))


def _deep(depth: int, tag: str = "n") -> bytes:
    return f"<{tag}>".encode() * depth + f"</{tag}>".encode() * depth


def op_deep_nesting(data, members):
    """Insert up to 10 000 nested elements right after a start tag (inside a Workflow, a XAML body…)."""
    i = pick_member(data, members, is_xml)
    if i is None:
        return
    name, raw = members[i]
    starts = [m.end() for m in re.finditer(rb"<[A-Za-z][^<>]*(?<!/)>", raw)]
    if not starts:
        return
    wf = [m.end() for m in re.finditer(rb"<Workflow [^<>]*>", raw)]
    pos = data.draw(st.sampled_from(wf)) if wf and data.draw(st.booleans()) else data.draw(st.sampled_from(starts))
    depth = data.draw(st.sampled_from([10, 255, 257, 2048, 2049, 10_000]))
    members[i] = (name, raw[:pos] + _deep(depth, data.draw(st.sampled_from(["n", "Workflow", "Category"])))
                  + raw[pos:])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
    | st.sampled_from(["PerformBoundAction", "PerformUnboundAction", "BusinessEventsTrigger", "Request",
                       "Microsoft.Dynamics.CRM.", "\ud800", "contoso_DoApi"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "inputs", "host", "parameters", "operationId", "actionName", "actions", "else",
                        "cases", "entityName", "kind", "connection", "connectionReferenceLogicalName",
                        "subscriptionRequest/sdkmessagename", "subscriptionRequest/message", "x"]) | st.text(max_size=5),
        inner, max_size=4),
    max_leaves=12)


def op_json(data, members):
    """Mutate the flow JSON: replace a random node, nest 10 000 levels, lone surrogates, not JSON at all."""
    i = pick_member(data, members, lambda n: n.lower().endswith(".json"))
    if i is None:
        return
    name, raw = members[i]
    how = data.draw(st.sampled_from(["replace", "deep", "surrogate", "scalar", "bytes"]))
    if how == "deep":
        depth = data.draw(st.sampled_from([100, 900, 1000, 10_000, 100_000]))
        opener, closer = data.draw(st.sampled_from([("[", "]"), ('{"actions":', "}"), ('{"a":{"type":"If","actions":', "}}")]))
        nested = opener * depth + "1" + closer * depth
        members[i] = (name, raw.replace(b'"actions": {', f'"actions": {{"deep": {nested}, '.encode(), 1))
        return
    if how == "surrogate":
        members[i] = (name, raw.replace(b'"contoso_DoApi"', b'"contoso_\\ud800Api\\udfff"'))
        return
    if how == "scalar":
        members[i] = (name, json.dumps(data.draw(JSON_VALUES)).encode())
        return
    if how == "bytes":
        members[i] = (name, data.draw(st.binary(max_size=200)))
        return
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return
    node, path = doc, []
    while isinstance(node, (dict, list)) and node and data.draw(st.integers(0, 4)) > 0:
        key = data.draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
        path.append(key)
        node = node[key]
    if not path:
        doc = data.draw(JSON_VALUES)
    else:
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = data.draw(JSON_VALUES)
    members[i] = (name, json.dumps(doc).encode())


CORRUPTIONS = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x00", b"\x1b",
               b"\x80", b"\xef\xbb\xbf", b"<", b"&", b"]]>", b"<!DOCTYPE x>", b"<?xml version='1.0'?>"]
DECLARATIONS = [b"", b"\xef\xbb\xbf", b'<?xml version="1.0" encoding="utf-8"?>',
                b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\r\n', b'<?xml version="1.0" encoding="utf-16"?>',
                b'<?xml version="1.0" encoding="iso-8859-1"?>', b'<?xml version="1.0" encoding="bogus"?>',
                b'<?xml version="2.0"?>', b"\xff\xfe", b"\xfe\xff"]


def op_bytes(data, members):
    """Byte damage on one member: truncation, invalid UTF-8, BOM / declaration changes, random bytes."""
    i = pick_member(data, members)
    if i is None:
        return
    name, raw = members[i]
    how = data.draw(st.sampled_from(["truncate", "insert", "overwrite", "declaration", "utf16", "empty"]))
    offset = data.draw(st.integers(0, len(raw)))
    if how == "truncate":
        raw = raw[:offset]
    elif how == "insert":
        raw = raw[:offset] + data.draw(st.sampled_from(CORRUPTIONS) | st.binary(min_size=1, max_size=8)) + raw[offset:]
    elif how == "overwrite":
        chunk = data.draw(st.binary(min_size=1, max_size=16))
        raw = raw[:offset] + chunk + raw[offset + len(chunk):]
    elif how == "declaration":
        body = re.sub(rb"^(\xef\xbb\xbf)?(<\?xml[^>]*\?>)?\s*", b"", raw)
        raw = data.draw(st.sampled_from(DECLARATIONS)) + body
    elif how == "utf16":
        raw = raw.decode("utf-8", "replace").encode(data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32"])))
    else:
        raw = b""
    members[i] = (name, raw)


MEMBER_NAMES = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(["solution.xml", "SOLUTION.XML", "customizations.xml", "Customizations.XML", "Other/Solution.xml",
                     "Workflows/", "Workflows/x.json", "Workflows/x.xaml.data.xml", "customapis/", "customapis/x/",
                     "customapis/x/customapi.xml", "customapis/customapi.xml",
                     "customapis/x/customapirequestparameters/p/customapirequestparameter.xml",
                     "SdkMessageProcessingSteps/{x}.xml", "pluginassemblies/a/b.dll.data.xml",
                     "entities/e/entity.xml", "roles/r.xml", "webresources/w.data.xml",
                     "environmentvariabledefinitions/e/environmentvariabledefinition.xml",
                     "Workflows/ünïcødé-名前.xaml", "Workflows/a\nb.xaml.data.xml", "a\\b.xml", "x_managed.xml",
                     "Workflows/x_managed.xml", " solution.xml", "solution.xml ", "./solution.xml",
                     "Workflows//x.data.xml", "\u202esolution.xml"]),
    st.builds(lambda a, b: f"{a}/{b}", st.sampled_from(["Workflows", "customapis/x", "SdkMessageProcessingSteps",
                                                         "Entities/e", "Roles"]),
              st.text(st.characters(blacklist_characters="/\\\x00"), min_size=1, max_size=20)),
)
MEMBER_DATA = st.one_of(st.just(b""), st.binary(max_size=64), st.sampled_from([
    b"<x/>", b"<Workflow/>", b"<Workflow WorkflowId='{%s}'/>" % WF_ACTION.encode(),
    b"<SdkMessageProcessingStep/>", b"<customapi/>", b"<customapi uniquename=''/>", b"<Entity/>", b"<Role/>",
    b"<PluginAssembly><PluginTypes><PluginType/></PluginTypes></PluginAssembly>", b"{}", b"[]", b"null",
    b"<ImportExportXml/>", b"<ImportExportXml><SolutionManifest/></ImportExportXml>",
    b"<environmentvariabledefinition/>", b"<WebResource/>", b"<customapirequestparameter/>"]))


def op_zip_members(data, members):
    """Add (random names: unicode, folders, duplicates), delete, rename or re-case members."""
    how = data.draw(st.sampled_from(["add", "add", "delete", "duplicate", "rename", "case"]))
    if how == "add":
        members.append((data.draw(MEMBER_NAMES), data.draw(MEMBER_DATA)))
        return
    i = pick_member(data, members)
    if i is None:
        return
    name, raw = members[i]
    if how == "delete":
        del members[i]
    elif how == "duplicate":  # the same name twice in the zip, with different or equal content
        members.append((name, data.draw(st.sampled_from([raw, b"", raw[: len(raw) // 2]]))))
    elif how == "rename":
        members[i] = (data.draw(MEMBER_NAMES), raw)
    else:
        members[i] = (name.upper() if data.draw(st.booleans()) else name.swapcase(), raw)


CONTENT_OPS = [op_delete_element, op_duplicate_element, op_set_text, op_set_attribute, op_unknown_category,
               op_duplicate_ids, op_step_on_other_category, op_deep_nesting, op_json]


def mutate(data, members, content_ops=CONTENT_OPS, max_ops: int = 3, byte_ops: bool = True,
           zip_ops: bool = True):
    for _ in range(data.draw(st.integers(1, max_ops), label="number of content mutations")):
        data.draw(st.sampled_from(content_ops), label="mutation")(data, members)
    if byte_ops and data.draw(st.integers(0, 3)) == 0:
        op_bytes(data, members)
    if zip_ops and data.draw(st.integers(0, 3)) == 0:
        op_zip_members(data, members)
    return members


# --- the fuzz tests ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def test_seeds_are_complete(workdir):
    """The unmutated seeds read into every kind of component, with no finding-free surprises."""
    for layout, members in (("zip", seed_zip_members()), ("unpacked", seed_unpacked_members())):
        path = write_zip(workdir / "seed.zip", members) if layout == "zip" else write_folder(workdir / "seed", members)
        solution = assert_pipeline(path)
        assert solution is not None, layout
        kinds = {c.kind for c in solution.components}
        assert kinds >= {"workflow", "plugin_assembly", "plugin_type", "step", "step_image", "custom_api",
                         "custom_api_request_parameter", "custom_api_response_property", "entity",
                         "security_role", "web_resource", "environment_variable", "other"}, (layout, kinds)
        categories = {c.category for c in solution.of_kind("workflow")}
        assert categories == {0, 1, 2, 3, 4, 5, 6}, layout
        flow = next(c for c in solution.of_kind("workflow") if c.category == 5)
        assert flow.flow_calls and flow.flow_triggers and flow.connection_references
        classic = next(c for c in solution.of_kind("workflow") if c.category == 0)
        assert classic.custom_activities and classic.invoked_messages and classic.child_workflows
        assert not solution.duplicates, solution.duplicates


@FUZZ
@given(data=st.data())
def test_fuzz_content_mutations(workdir, data):
    """Structural and value mutations of the XML / JSON members, sometimes with byte and zip damage on top."""
    members = mutate(data, seed_zip_members())
    compression = data.draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    others = [write_zip(workdir / "seed.zip", seed_zip_members())] if data.draw(st.booleans()) else []
    assert_pipeline(write_zip(workdir / "content.zip", members, compression), *others)


@FUZZ
@given(data=st.data())
def test_fuzz_byte_damage(workdir, data):
    """Truncation, invalid UTF-8, BOM / declaration changes and random bytes in 1-3 members."""
    members = seed_zip_members()
    for _ in range(data.draw(st.integers(1, 3))):
        op_bytes(data, members)
    assert_pipeline(write_zip(workdir / "bytes.zip", members))


@FUZZ
@given(data=st.data())
def test_fuzz_zip_members(workdir, data):
    """Random members: unicode names, empty files, folders, duplicate names, deletions and case changes."""
    members = seed_zip_members()
    for _ in range(data.draw(st.integers(1, 5))):
        op_zip_members(data, members)
    assert_pipeline(write_zip(workdir / "members.zip", members))


@FUZZ
@given(data=st.data())
def test_fuzz_zip_bytes(workdir, data):
    """The zip file itself: random bytes, a damaged real zip, a truncated zip, a zip signature and garbage."""
    raw = write_zip(workdir / "base.zip", seed_zip_members()).read_bytes()
    how = data.draw(st.sampled_from(["random", "flip", "truncate", "signature", "splice", "bad-utf8-name"]))
    if how == "random":
        blob = data.draw(st.binary(max_size=2048))
    elif how == "flip":
        blob = bytearray(raw)
        for _ in range(data.draw(st.integers(1, 20))):
            pos = data.draw(st.integers(0, len(blob) - 1))
            blob[pos] = data.draw(st.integers(0, 255))
        blob = bytes(blob)
    elif how == "truncate":
        blob = raw[: data.draw(st.integers(0, len(raw)))]
    elif how == "signature":
        blob = data.draw(st.sampled_from([b"PK\x03\x04", b"PK\x05\x06", b"PK\x01\x02"])) + data.draw(st.binary(max_size=512))
        if data.draw(st.booleans()):  # an end-of-central-directory record with lying counts and offsets
            blob += b"PK\x05\x06" + data.draw(st.binary(min_size=18, max_size=18))
    elif how == "splice":
        cut = data.draw(st.integers(0, len(raw)))
        blob = raw[:cut] + data.draw(st.binary(max_size=64)) + raw[cut:]
    else:  # a member name flagged UTF-8 (bit 11) whose bytes are not UTF-8
        members = seed_zip_members()
        i = data.draw(st.integers(0, len(members) - 1))
        members[i] = (members[i][0] + "é", members[i][1])
        blob = write_zip(workdir / "base.zip", members).read_bytes().replace(
            "é".encode(), data.draw(st.sampled_from([b"\xff\xfe", b"\xed\xa0", b"\xc3\x28"])))
    path = workdir / "raw.zip"
    path.write_bytes(blob)
    assert_pipeline(path)


@FUZZ
@given(data=st.data())
def test_fuzz_unpacked_folder(workdir, data):
    """The unpacked-folder layout (one component per file) under the same content and byte mutations."""
    members = mutate(data, seed_unpacked_members(), zip_ops=False)
    if data.draw(st.booleans()):  # delete, duplicate into a new file, or re-case a member
        i = data.draw(st.integers(0, len(members) - 1))
        name, raw = members[i]
        how = data.draw(st.sampled_from(["delete", "copy", "upper"]))
        if how == "delete":
            del members[i]
        elif how == "copy":
            stem, dot, ext = name.rpartition(".")
            members.append((f"{stem}-copy{dot}{ext}" if dot else name + "-copy", raw))
        else:
            members[i] = (name.upper(), raw)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        assert_pipeline(write_folder(Path(tmp) / "pkg", members))


# --- the CLI end to end: exit 0/1/2, at most one line on stderr, no traceback ------------------------------------

def run_check(path: Path) -> subprocess.CompletedProcess:
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
    return subprocess.run([sys.executable, "-m", "analyzer", "check", str(path)], capture_output=True,
                          timeout=120, preexec_fn=limit_memory)


def assert_cli_contract(result: subprocess.CompletedProcess) -> str:
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode in (0, 1, 2), (result.returncode, stderr)
    assert "Traceback" not in stderr, stderr
    assert len(stderr.splitlines()) <= 1, stderr
    assert "internal error" not in stderr, stderr
    if result.returncode == 2:
        assert stderr.startswith("error: "), stderr
    return stderr


def _mutated(edit) -> list[tuple[str, bytes]]:
    members = dict(seed_zip_members())
    edit(members)
    return list(members.items())


def _sub(member: str, old: bytes, new: bytes):
    def edit(members):
        assert old in members[member], (member, old)
        members[member] = members[member].replace(old, new, 1)
    return edit


CLI_CASES = {
    "seed": lambda m: None,
    "truncated-customizations": lambda m: m.__setitem__("customizations.xml", m["customizations.xml"][:5000]),
    "version-not-numeric": _sub("solution.xml", b"<Version>1.2.3.4", b"<Version>abc"),
    "managed-huge": _sub("solution.xml", b"<Managed>0", b"<Managed>" + b"9" * 100_000),
    "unknown-category": _sub("customizations.xml", b"<Category>5<", b"<Category>99<"),
    "category-inf": _sub("customizations.xml", b"<Category>3<", b"<Category>1e400<"),
    "stage-huge-number": _sub("customizations.xml", b"<Stage>20<", b"<Stage>" + b"9" * 5000 + b"<"),
    "duplicate-workflow-file": lambda m: m.__setitem__(
        "Workflows/Copy.xaml.data.xml",
        f'<Workflow WorkflowId="{{{WF_ACTION}}}" Name="Copy"><Category>0</Category></Workflow>'.encode()),
    "step-on-flow-id": _sub("customizations.xml", f"<SdkMessageId>{{{ACTION_MESSAGE}}}</SdkMessageId>\r\n      "
                            "<EventHandlerTypeCode>".encode(),
                            f"<SdkMessageId>{{{WF_FLOW}}}</SdkMessageId><EventHandlerTypeCode>".encode()),
    "deep-json": _sub(body_name(WF_FLOW, "json"), b'"actions": {',
                      b'"actions": {"deep": ' + b"[" * 100_000 + b"]" * 100_000 + b", "),
    "deep-xaml": _sub(body_name(WF_CLASSIC, "xaml"), b"<mxswa:Workflow>", b"<mxswa:Workflow>" + _deep(10_000)),
    "invalid-utf8": _sub("customizations.xml", b"Classic Request", b"Classic \xff\xfe Request"),
    "newline-member-name": lambda m: m.__setitem__("customapis/a\nb/customapi.xml", b"<customapi"),
    "lone-surrogate-in-flow": _sub(body_name(WF_FLOW, "json"), b'"contoso_DoApi"', b'"contoso_\\ud800"'),
    "huge-attribute": _sub("customizations.xml", b'Name="Do Thing"', b'Name="' + b"x" * 1_000_000 + b'"'),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_on_mutated_inputs(workdir, case):
    path = write_zip(workdir / f"cli-{case}.zip", _mutated(CLI_CASES[case]), zipfile.ZIP_STORED)
    assert_cli_contract(run_check(path))


@settings(FUZZ, max_examples=max(3, EXAMPLES // 20), deadline=None)
@given(data=st.data())
def test_fuzz_cli(workdir, data):
    """A few random mutations through ``python -m analyzer check``."""
    members = mutate(data, seed_zip_members())
    path = write_zip(workdir / "cli-fuzz.zip", members)
    assert_cli_contract(run_check(path))


def test_cli_random_bytes(workdir):
    path = workdir / "noise.zip"
    path.write_bytes(b"PK\x03\x04" + os.urandom(4096))
    assert_cli_contract(run_check(path))


# --- regression tests for what the fuzzer found (plain tests: they run whatever DVSA_FUZZ_EXAMPLES says) -----------

def _load_mutated(workdir: Path, name: str, edit) -> Solution:
    return load(str(write_zip(workdir / f"{name}.zip", _mutated(edit), zipfile.ZIP_STORED)))


@pytest.mark.parametrize("value", ["1e400", "inf", "-inf", "9" * 5000])
def test_integer_fields_out_of_float_range_are_unknown(workdir, value):
    """Found: int(float("1e400")) raised OverflowError out of the reader. Such a value is now simply not a number."""
    solution = _load_mutated(workdir, "overflow", lambda m: (
        _sub("customizations.xml", b"<Category>3<", f"<Category>{value}<".encode())(m),
        _sub("customizations.xml", b"<Stage>20<", f"<Stage>{value}<".encode())(m)))
    action = next(c for c in solution.of_kind("workflow") if c.ident == WF_ACTION)
    step = next(c for c in solution.of_kind("step") if c.ident == STEP_CREATE)
    assert action.category is None and action.category_name == "unknown"
    assert step.stage is None


def test_corrupt_deflate_stream_is_a_solution_error(workdir):
    """Found: a damaged deflate stream raised zlib.error (not an OSError) out of the zip reader."""
    path = write_zip(workdir / "zlib.zip", seed_zip_members())
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("solution.xml")
    data_start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[data_start] = 0xFF  # BFINAL=1, BTYPE=11: "invalid block type"
    path.write_bytes(bytes(raw))
    with pytest.raises(SolutionError, match=r"zlib\.zip!solution\.xml: corrupt or truncated member"):
        load(str(path))


def test_lone_surrogate_in_flow_json_is_replaced(workdir, invoke):
    """Found: a flow JSON "\\ud800" escape reached the model and the text report died with UnicodeEncodeError."""
    edit = _sub(body_name(WF_FLOW, "json"), b'"contoso_DoApi"', b'"contoso_\\ud800Api"')
    solution = _load_mutated(workdir, "surrogate", edit)
    flow = next(c for c in solution.of_kind("workflow") if c.ident == WF_FLOW)
    assert "contoso_\ufffdApi" in {call.action_name for call in flow.flow_calls}
    result = invoke(1, ["check", workdir / "surrogate.zip"])
    assert "internal error" not in result.output


def test_version_that_is_not_numeric_is_an_error(workdir):
    """Decision: a <Version> an import would reject ends the run (exit 2) naming solution.xml and its line."""
    with pytest.raises(SolutionError) as caught:
        _load_mutated(workdir, "version", _sub("solution.xml", b"<Version>1.2.3.4", b"<Version>abc"))
    assert caught.value.member == "solution.xml" and caught.value.line == 8
    assert "<Version> must be numeric" in str(caught.value) and "'abc'" in str(caught.value)
    with pytest.raises(SolutionError, match="…"):  # a 1 MB value is shortened in the message
        _load_mutated(workdir, "version-huge", _sub("solution.xml", b"<Version>1.2.3.4", b"<Version>" + b"x" * 10**6))
    for ok in (b"1", b"1.0", b"0.1.0.60", b"20260130.2"):
        assert _load_mutated(workdir, "version-ok", _sub("solution.xml", b"<Version>1.2.3.4",
                                                         b"<Version>" + ok)).version == ok.decode()


def test_duplicate_ids_keep_the_first_and_are_recorded(workdir):
    """A WorkflowId twice (customizations.xml and a Workflows/*.data.xml) and a step id twice: first one wins."""
    def edit(members):
        members["Workflows/Copy.xaml.data.xml"] = (
            f'<Workflow WorkflowId="{{{WF_ACTION.upper()}}}" Name="Copy">\n<Category>0</Category></Workflow>'.encode())
        members["customizations.xml"] = members["customizations.xml"].replace(
            f'SdkMessageProcessingStepId="{{{STEP_UPDATE}}}"'.encode(), f'SdkMessageProcessingStepId="{{{STEP_CREATE}}}"'.encode())
    solution = _load_mutated(workdir, "dups", edit)
    action = [c for c in solution.components if c.key == f"workflow:{WF_ACTION}"]
    assert len(action) == 1 and action[0].category == 3 and action[0].source.path == "customizations.xml"
    steps = [c for c in solution.components if c.key == f"step:{STEP_CREATE}"]
    assert len(steps) == 1 and steps[0].stage == 20
    step_line = CUSTOMIZATIONS_XML[:CUSTOMIZATIONS_XML.index(f'SdkMessageProcessingStepId="{{{STEP_UPDATE}}}"')].count("\n") + 1
    assert [(key, str(where)) for key, where in solution.duplicates] == [
        (f"step:{STEP_CREATE}", f"customizations.xml:{step_line}"),
        (f"workflow:{WF_ACTION}", "Workflows/Copy.xaml.data.xml:1"),
    ]
    assert len({c.key for c in solution.components}) == len(solution.components)


def test_error_line_stays_one_line(workdir, runner):
    """Found: a member name with a newline split the error over two lines; control characters are escaped now."""
    from analyzer.cli import main
    path = write_zip(workdir / "newline.zip", _mutated(lambda m: m.__setitem__("customapis/a\nb/customapi.xml",
                                                                                b"<customapi")))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "customapis/a\\nb/customapi.xml" in result.output


def test_several_rule_crashes_make_one_line(workdir, runner, monkeypatch):
    """Rule crashes used to print one stderr line each (and an exception message can span lines)."""
    import analyzer.engine
    from analyzer.cli import main
    from analyzer.result import RuleError
    real = analyzer.engine.analyze

    def crashing(*args, **kwargs):
        result = real(*args, **kwargs)
        result.errors = [RuleError("DV998", "KeyError: 'x'"), RuleError("DV999", "ValueError: two\nlines")]
        return result
    monkeypatch.setattr(analyzer.engine, "analyze", crashing)
    path = write_zip(workdir / "crash.zip", seed_zip_members())
    result = runner.invoke(main, ["check", "--format", "json", "-o", str(workdir / "crash.json"), str(path)])
    assert result.exit_code == 2
    # the report went to a file, so its one summary line comes first; then the crashes, in one line
    summary, crashes = result.stderr.splitlines()
    assert summary.endswith(f"; wrote {workdir / 'crash.json'} (json)")
    assert crashes == "error: 2 rule(s) crashed: DV998 (KeyError: 'x'); DV999 (ValueError: two\\nlines)"


def test_step_name_inference_is_linear():
    """Found: a 1 MB step Name with "&#10;" and many "a: b of " made infer_message backtrack for minutes."""
    from analyzer.names import infer_message
    with hang_guard(10):
        assert infer_message("a: b of " * 125_000 + "\nX") is None  # longer than any generated name
        assert infer_message("a: b of " * 240 + "\nX") == "b"
    assert infer_message("Contoso.Plugins.PostCreate: Create of account") == "Create"


def test_one_body_named_by_many_records_is_read_once(workdir, monkeypatch):
    """Thousands of <Workflow> records naming one large XAML used to parse it once per record."""
    import analyzer.reader.workflows as workflows
    calls = []
    real = workflows.read_xaml_body

    def counting(ctx, member):
        calls.append(member)
        return real(ctx, member)
    monkeypatch.setattr(workflows, "read_xaml_body", counting)
    copies = "".join(workflow_xml(CLASSIC).replace(WF_CLASSIC, gid(1000 + n))
                     for n in range(500))
    solution = _load_mutated(workdir, "many", _sub("customizations.xml", b"  </Workflows>",
                                                   copies.encode() + b"  </Workflows>"))
    assert len(solution.of_kind("workflow")) == 7 + 500
    assert len(calls) == len(set(calls)) == 5  # the five distinct XAML bodies
