#!/usr/bin/env python3
"""Generate large, realistic Dataverse solution packages for benchmarking dvsa.

    python benchmarks/generate.py --size-mb 100 --seed 1 --out benchmarks/out/s100

A built-in seed solution -- one "module" of related components -- is cloned with fresh ids and
names until the XML reaches the target size. One module holds:

* 4-6 custom tables with 15-70 columns each, a main, quick-create and card form (FormXml) and
  6-10 views (SavedQueries) -- tables are most of the bytes, as in real exports;
* processes of every category, each with its body: a classic workflow that runs a custom
  workflow activity and calls an action, two business rules, two custom process actions
  (one bound, one global), a business process flow, and three cloud flows (row trigger,
  Custom API business-event trigger, manual) that call the actions and Custom APIs;
* a plug-in assembly with plug-in types, a custom workflow activity and Custom API handlers;
* plug-in steps with images on Create/Update of the tables, on the actions' own messages and on
  a Custom API message;
* three Custom APIs with request parameters and response properties;
* a security role, a global option set, relationships, a connection reference, RootComponents
  and a few MissingDependencies in solution.xml.

A small share of modules (``--defect-rate``) carries one deliberate mistake (a draft action with a
step on it, a flow calling a Custom API that does not exist, a function without a response) so
that ``dvsa check`` has something to report.

Written: ``<out>/solution.zip`` (zip export layout: solution.xml + one customizations.xml holding
everything + Workflows/ bodies + PluginAssemblies/ DLLs + customapis/ folders) and
``<out>/unpacked/`` (pac / SolutionPackager layout: Other/, Entities/<T>/Entity.xml + FormXml/ +
SavedQueries/, Workflows/*.data.xml, SdkMessageProcessingSteps/, PluginAssemblies/, customapis/,
Roles/, OptionSets/), plus ``<out>/meta.json`` (sizes and counts).

Deterministic: the same --seed, --size-mb and options give byte-identical files (random.Random
seeded per module, GUIDs drawn from it, fixed zip timestamps). customizations.xml is assembled
from per-section spool files and streamed into the zip, so memory stays small at any size.

"MB" here is MiB (2**20 bytes) of XML: customizations.xml, solution.xml, XAML and customapi XML
in the zip layout. Flow JSON and DLLs are counted separately.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# The fixture-writing helper the tests and the fuzzer share; run as a script, so find this checkout's analyzer first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analyzer import builder  # noqa: E402

GENERATOR_VERSION = 2  # 2: workflows, steps, assemblies and Custom APIs written by analyzer.builder
MiB = 1 << 20
ZIP_DATE = (2024, 1, 1, 0, 0, 0)
BOM = "\ufeff"
DECL = '<?xml version="1.0" encoding="utf-8"?>\n'
XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'

# Top-level containers of a modern customizations.xml, in export order.
SECTIONS = ("Entities", "Roles", "Workflows", "FieldSecurityProfiles", "Templates", "EntityMaps",
            "EntityRelationships", "OrganizationSettings", "optionsets", "CustomControls",
            "SolutionPluginAssemblies", "SdkMessageProcessingSteps", "EntityDataProviders",
            "connectionreferences", "Languages")

NOUNS = ("Account", "Agreement", "Allocation", "Appeal", "Application", "Approval", "Asset", "Assessment",
         "Assignment", "Audit", "Batch", "Benefit", "Booking", "Budget", "Campaign", "Case", "Catalog",
         "Certificate", "Change", "Charge", "Checklist", "Claim", "Clause", "Commitment", "Complaint",
         "Component", "Contract", "Contribution", "Control", "Correspondence", "Cost", "Coverage", "Credit",
         "Decision", "Delivery", "Deposit", "Document", "Donation", "Enrollment", "Entitlement", "Estimate",
         "Evaluation", "Event", "Exception", "Expense", "Facility", "Filing", "Finding", "Forecast", "Grant",
         "Hearing", "Incident", "Inspection", "Installment", "Interview", "Inventory", "Invoice", "Issue",
         "Journal", "Lease", "Licence", "Location", "Loan", "Maintenance", "Measure", "Meeting", "Milestone",
         "Notice", "Obligation", "Offer", "Order", "Outcome", "Package", "Payment", "Permit", "Placement",
         "Plan", "Policy", "Position", "Premium", "Procedure", "Program", "Project", "Proposal", "Purchase",
         "Quote", "Rebate", "Receipt", "Referral", "Registration", "Renewal", "Request", "Requirement",
         "Reservation", "Resolution", "Review", "Risk", "Schedule", "Service", "Settlement", "Shipment",
         "Site", "Submission", "Subscription", "Supplier", "Survey", "Task", "Tender", "Territory",
         "Ticket", "Timesheet", "Transfer", "Vehicle", "Vendor", "Visit", "Voucher", "Warranty", "Waiver")
ADJECTIVES = ("Active", "Annual", "Approved", "Assigned", "Closing", "Current", "Draft", "Expected", "External",
              "Final", "First", "Internal", "Last", "Local", "Monthly", "Net", "Open", "Original", "Pending",
              "Primary", "Projected", "Regional", "Requested", "Revised", "Scheduled", "Secondary", "Target",
              "Total", "Verified")
FIELDS = ("Amount", "Category", "Code", "Comments", "Date", "Description", "Due", "Email", "End", "Flag",
          "Level", "Limit", "Notes", "Number", "Owner", "Phone", "Priority", "Quantity", "Rate", "Reason",
          "Reference", "Region", "Score", "Source", "Stage", "Start", "Status", "Summary", "Title", "Total",
          "Type", "Value", "Version", "Weight")
VERBS = ("Approve", "Archive", "Assign", "Calculate", "Cancel", "Close", "Escalate", "Evaluate", "Generate",
         "Notify", "Publish", "Recalculate", "Reject", "Reopen", "Route", "Submit", "Sync", "Validate")
SENTENCES = ("Tracks {n} records for the {m} process.", "Used by the {m} team to manage {n} items.",
             "Stores {n} details captured during {m}.", "Holds the {n} history required for {m} reporting.",
             "Records each {n} raised against a {m}.")

# (attribute type, weight, form control class id)
ATTR_TYPES = (("nvarchar", 30, "{4273EDBD-AC1D-40d3-9FB2-095C621B552D}"),
              ("lookup", 12, "{270BD3DB-D9AF-4782-9025-509E298DEC0A}"),
              ("picklist", 14, "{3EF39988-22BB-4F0B-BBBE-64B5A3748AEE}"),
              ("datetime", 10, "{5B773807-9FB2-42DB-97C3-7A91EFF8ADFF}"),
              ("int", 8, "{C6D124CA-7EDA-4A60-AEA9-7FB8D318B68F}"),
              ("decimal", 5, "{C3EFE0C3-0EC6-42BE-8349-CBD9079DFD8E}"),
              ("money", 6, "{533B9E00-756B-4312-95A0-DC888637AC78}"),
              ("bit", 8, "{67FAC785-CD58-4F9F-ABB3-4B7DDC6ED5ED}"),
              ("memo", 7, "{E0DECE4B-6FC8-4A8F-A065-082708572369}"))
_TYPE_NAMES = [t for t, w, _ in ATTR_TYPES for _i in range(w)]
CLASS_IDS = {t: c for t, _w, c in ATTR_TYPES}
SYSTEM_LOOKUP_TARGETS = ("account", "contact", "systemuser", "team", "businessunit")

MSG_CREATE = "9ebdbb1b-ea3e-db11-86a7-000a3a5473e8"
MSG_UPDATE = "20bebb1b-ea3e-db11-86a7-000a3a5473e8"
MSG_DELETE = "a1bdbb1b-ea3e-db11-86a7-000a3a5473e8"
CRM_WF = "Microsoft.Crm.Workflow, Version=9.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35"
DATAVERSE_API = "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def new_guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def sentence(rng: random.Random, noun: str, topic: str) -> str:
    return rng.choice(SENTENCES).format(n=noun.lower(), m=topic.lower())


# --- the seed solution's model ---------------------------------------------------------------

@dataclass
class Attribute:
    schema: str
    logical: str
    type: str
    display: str
    required: str = "none"
    options: list[tuple[int, str]] = field(default_factory=list)
    target: str | None = None  # lookup target (logical name)
    primary: str | None = None  # "id" | "name"


@dataclass
class Table:
    schema: str
    logical: str
    set_name: str
    display: str
    plural: str
    description: str
    otc: int
    attributes: list[Attribute]
    forms: list[tuple[str, str]]  # (type, id)
    views: list[str]

    @property
    def custom(self) -> list[Attribute]:
        return [a for a in self.attributes if a.primary is None and a.type not in ("state", "status")]


@dataclass
class PluginTypeM:
    id: str
    cls: str
    name: str
    aqn: str
    activity_group: str | None = None


@dataclass
class Assembly:
    id: str
    name: str
    full_name: str
    types: list[PluginTypeM]
    folder: str
    dll_size: int


@dataclass
class Process:
    id: str
    name: str
    category: int  # 0 classic, 2 business rule, 3 action, 4 BPF, 5 flow
    entity: str | None
    file: str  # Workflows/<name>-<ID>.xaml|.json
    unique: str | None = None
    message_id: str | None = None
    state: int = 1
    mode: int = 0


@dataclass
class Api:
    unique: str
    name: str
    binding: int
    entity: str | None
    is_function: bool
    plugin_type: str | None
    allowed_steps: int
    params: list[tuple[str, int, bool]]
    responses: list[tuple[str, int]]


@dataclass
class StepM:
    id: str
    name: str
    message_id: str
    entity: str | None
    stage: int
    mode: int
    plugin: PluginTypeM
    filtering: str | None
    images: list[tuple[str, str, int, str, str]]  # (id, name/alias, type, attributes, property)
    description: str | None = None


@dataclass
class Module:
    index: int
    topic: str
    tables: list[Table]
    assembly: Assembly
    processes: list[Process]
    apis: list[Api]
    steps: list[StepM]
    role_id: str
    role_name: str
    optionset: tuple[str, list[tuple[int, str]]]
    connection_ref: str
    relationships: list[tuple[str, Table, Table, str]]  # (name, referencing, referenced, attribute)
    defect: str | None
    foreign_api: str | None  # a Custom API of the previous module, called from this one's flow


def _unique_name(rng: random.Random, taken: set[str], parts) -> str:
    for _ in range(20):
        name = "".join(rng.choice(p) for p in parts)
        if name.lower() not in taken:
            taken.add(name.lower())
            return name
    name = "".join(rng.choice(p) for p in parts) + str(len(taken))
    taken.add(name.lower())
    return name


def _file_name(name: str, wf_id: str, ext: str) -> str:
    stem = "".join(ch for ch in name if ch.isalnum() or ch == "_")[:50]
    return f"Workflows/{stem}-{wf_id.upper()}.{ext}"


def build_module(seed: int, index: int, prefix: str, option_prefix: int, defect_rate: float,
                 previous: Module | None) -> Module:
    rng = random.Random(f"dvsa-bench/{seed}/{index}")
    topic = rng.choice(NOUNS)
    n = index + 1
    tables = []
    taken_tables: set[str] = set()
    for t in range(rng.randint(4, 6)):
        base = _unique_name(rng, taken_tables, (ADJECTIVES, NOUNS)) if t else f"{topic}"
        schema = f"{prefix}_{base}{n}"
        logical = schema.lower()
        display = _split_camel(base)
        attrs = [Attribute(f"{schema}Id", f"{logical}id", "primarykey", display, "systemrequired", primary="id"),
                 Attribute(f"{prefix}_Name", f"{prefix}_name", "nvarchar", "Name", "applicationrequired",
                           primary="name"),
                 Attribute("statecode", "statecode", "state", "Status", "systemrequired",
                           options=[(0, "Active"), (1, "Inactive")]),
                 Attribute("statuscode", "statuscode", "status", "Status Reason", "none",
                           options=[(1, "Active"), (2, "Inactive")])]
        taken_attrs = {a.logical for a in attrs}
        for _ in range(rng.randint(15, 70)):
            attr_base = _unique_name(rng, taken_attrs, (ADJECTIVES, FIELDS))
            a_type = rng.choice(_TYPE_NAMES)
            a_schema = f"{prefix}_{attr_base}"
            attr = Attribute(a_schema, a_schema.lower(), a_type, _split_camel(attr_base),
                             rng.choice(("none", "none", "none", "recommended", "applicationrequired")))
            if a_type == "picklist":
                attr.options = [(option_prefix * 10000 + k, f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}")
                                for k in range(rng.randint(3, 9))]
            elif a_type == "bit":
                attr.options = [(0, "No"), (1, "Yes")]
            elif a_type == "lookup":
                attr.target = rng.choice(SYSTEM_LOOKUP_TARGETS + tuple(x.logical for x in tables))
            attrs.append(attr)
        forms = [("main", new_guid(rng)), ("quick", new_guid(rng)), ("card", new_guid(rng))]
        views = [new_guid(rng) for _ in range(rng.randint(6, 10))]
        plural = display + ("es" if display.endswith(("s", "x", "ch")) else "s")
        tables.append(Table(schema, logical, logical + ("es" if logical.endswith("s") else "s"), display, plural,
                            sentence(rng, display, topic), 10000 + index * 8 + t, attrs, forms, views))

    # plug-in assembly
    asm_name = f"Contoso.{topic}{n}.Plugins"
    token = "%016x" % rng.getrandbits(64)
    version = f"1.{rng.randint(0, 9)}.{rng.randint(0, 99)}.0"
    full_name = f"{asm_name}, Version={version}, Culture=neutral, PublicKeyToken={token}"
    asm_id = new_guid(rng)
    types = []
    for cls in ("PostCreate", "PreUpdate", "PostUpdate", "PreDelete", "ActionHandler", "AuditTrail"):
        type_cls = f"{asm_name}.{tables[0].display.replace(' ', '')}{cls}"
        types.append(PluginTypeM(new_guid(rng), type_cls, type_cls, f"{type_cls}, {full_name}"))
    activity_cls = f"{asm_name}.Workflow.Get{topic}Details"
    types.append(PluginTypeM(new_guid(rng), activity_cls, f"Get {topic} Details", f"{activity_cls}, {full_name}",
                             f"{asm_name} ({version})"))
    for cls in ("ApiHandler", "FunctionHandler"):
        type_cls = f"{asm_name}.Api.{topic}{cls}"
        types.append(PluginTypeM(new_guid(rng), type_cls, type_cls, f"{type_cls}, {full_name}"))
    assembly = Assembly(asm_id, asm_name, full_name, types, f"PluginAssemblies/{asm_name.replace('.', '')}-"
                        f"{asm_id.upper()}", rng.randint(6, 24) * 1024)

    defect = None
    if rng.random() < defect_rate:
        defect = rng.choice(("draft-action-step", "flow-missing-api", "function-without-response"))

    # Custom APIs
    taken_msgs: set[str] = set()
    apis = []
    for k, (binding, is_function, allowed, handler) in enumerate(
            ((0, False, 0, types[7]), (1, True, 0, types[8]), (1, False, 1, None))):
        unique = f"{prefix}_{_unique_name(rng, taken_msgs, (VERBS, NOUNS))}{n}"
        entity = tables[k % len(tables)].logical if binding else None
        params = [(f"{prefix}_{rng.choice(ADJECTIVES)}{rng.choice(FIELDS)}{p}", rng.choice((10, 10, 10, 0, 12, 7)),
                   rng.random() < 0.3) for p in range(rng.randint(1, 5))]
        responses = [(f"{prefix}_{rng.choice(FIELDS)}Result{p}", rng.choice((10, 3, 12, 0)))
                     for p in range(rng.randint(1, 3))] if k != 2 else []
        if k == 1 and defect == "function-without-response":
            responses = []
        apis.append(Api(unique, _split_camel(unique.split("_", 1)[1]), binding, entity, is_function,
                        handler.id if handler else None, allowed, params, responses))

    # processes
    processes = []
    action_entity = tables[0].logical
    for k, entity in enumerate((action_entity, None)):
        unique = _unique_name(rng, taken_msgs, (VERBS, NOUNS)) + str(n)
        name = _split_camel(unique)
        wf_id = new_guid(rng)
        state = 0 if (k == 0 and defect == "draft-action-step") else 1
        processes.append(Process(wf_id, name, 3, entity, _file_name(name, wf_id, "xaml"), unique=unique,
                                 message_id=new_guid(rng), state=state))
    wf_id = new_guid(rng)
    name = f"{topic} {n}: {rng.choice(VERBS)} {tables[1].display}"
    processes.append(Process(wf_id, name, 0, tables[1].logical, _file_name(name, wf_id, "xaml"), mode=1))
    for k in range(2):
        wf_id = new_guid(rng)
        t = tables[(k + 2) % len(tables)]
        name = f"Lock {t.display} fields {n}{'ab'[k]}"
        processes.append(Process(wf_id, name, 2, t.logical, _file_name(name, wf_id, "xaml"), mode=1))
    wf_id = new_guid(rng)
    name = f"{topic} {n} process"
    processes.append(Process(wf_id, name, 4, tables[0].logical, _file_name(name, wf_id, "xaml"),
                             unique=f"{prefix}_bpf_{wf_id.replace('-', '')[:12]}"))
    for k in range(3):
        wf_id = new_guid(rng)
        name = f"{topic} {n} | {('On change', 'On event', 'Manual')[k]} - {rng.choice(VERBS)} {rng.choice(NOUNS)}"
        processes.append(Process(wf_id, name, 5, None, _file_name(name, wf_id, "json")))

    # steps
    steps = []
    for k, t in enumerate(tables[:3]):
        cols = ",".join(a.logical for a in rng.sample(t.custom, min(4, len(t.custom))))
        steps.append(StepM(new_guid(rng), f"{types[0].cls}: Create of {t.logical}", MSG_CREATE, t.logical, 40, 0,
                           types[0], None, [(new_guid(rng), "PostImage", 1, cols, "Id")]))
        steps.append(StepM(new_guid(rng), f"{types[1].cls}: Update of {t.logical}", MSG_UPDATE, t.logical, 20, 0,
                           types[1], cols, [(new_guid(rng), "PreImage", 0, cols, "Target")],
                           description=f"Validates {t.display.lower()} changes"))
        if k == 0:
            steps.append(StepM(new_guid(rng), f"{types[3].cls}: Delete of {t.logical}", MSG_DELETE, t.logical, 10,
                               0, types[3], None, [(new_guid(rng), "PreImage", 0, cols, "Target")]))
        if k == 1:
            steps.append(StepM(new_guid(rng), f"{types[2].cls}: Update of {t.logical}", MSG_UPDATE, t.logical, 40,
                               1, types[2], cols, [(new_guid(rng), "PostImage", 1, cols, "Target")],
                               description=f"Notifies the owner when a {t.display.lower()} changes"))
    bound, unbound = processes[0], processes[1]
    steps.append(StepM(new_guid(rng), f"{types[4].cls}: {prefix}_{bound.unique} of {bound.entity}",
                       bound.message_id, bound.entity, 40, 0, types[4], None, []))
    steps.append(StepM(new_guid(rng), f"{types[4].cls}: {prefix}_{unbound.unique} of any Entity",
                       unbound.message_id, None, 20, 0, types[4], None, []))
    event_api = apis[2]
    steps.append(StepM(new_guid(rng), f"{types[5].cls}: {event_api.unique} of {event_api.entity}", new_guid(rng),
                       event_api.entity, 40, 1, types[5], None, []))

    option_name = f"{prefix}_{topic.lower()}{n}status"
    optionset = (option_name, [(option_prefix * 10000 + 500 + k, f"{rng.choice(ADJECTIVES)} {topic}")
                               for k in range(rng.randint(4, 12))])
    relationships = []
    for t in tables[1:]:
        relationships.append((f"{prefix}_{tables[0].logical.split('_', 1)[1]}_{t.logical.split('_', 1)[1]}",
                              t, tables[0], f"{tables[0].logical}id"))
    return Module(index, topic, tables, assembly, processes, apis, steps, new_guid(rng), f"{topic} {n} User",
                  optionset, f"{prefix}_sharedcommondataserviceforapps_{'%05x' % rng.getrandbits(20)}",
                  relationships, defect, previous.apis[0].unique if previous else None)


def _split_camel(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch.isupper() and i and not text[i - 1].isupper():
            out.append(" ")
        out.append(ch)
    return "".join(out)


# --- rendering: tables ------------------------------------------------------------------------

def render_attribute(a: Attribute, option_set_prefix: str) -> str:
    custom = "1" if a.schema.lower() == a.logical and "_" in a.logical else "0"
    extra = ""
    if a.type in ("nvarchar",):
        extra = ("          <Format>text</Format>\n          <MaxLength>100</MaxLength>\n"
                 "          <Length>200</Length>\n")
    elif a.type == "memo":
        extra = ("          <Format>textarea</Format>\n          <MaxLength>4000</MaxLength>\n"
                 "          <Length>8000</Length>\n")
    elif a.type == "lookup":
        extra = "          <LookupStyle>single</LookupStyle>\n          <LookupTypes />\n"
    elif a.type == "datetime":
        extra = ("          <Format>date</Format>\n          <CanChangeDateTimeBehavior>1</CanChangeDateTimeBehavior>\n"
                 "          <Behavior>1</Behavior>\n")
    elif a.type == "int":
        extra = ("          <Format>none</Format>\n          <MinValue>-2147483648</MinValue>\n"
                 "          <MaxValue>2147483647</MaxValue>\n")
    elif a.type in ("decimal", "money"):
        extra = ("          <MinValue>-100000000000</MinValue>\n          <MaxValue>100000000000</MaxValue>\n"
                 "          <Accuracy>2</Accuracy>\n          <AccuracySource>2</AccuracySource>\n")
    if a.options:
        opts = "".join(
            f'              <option value="{v}" ExternalValue="" IsHidden="0">\n'
            f'                <labels>\n                  <label description="{esc(label)}" languagecode="1033" />\n'
            f'                </labels>\n              </option>\n' for v, label in a.options)
        extra += (f'          <AppDefaultValue>{a.options[0][0]}</AppDefaultValue>\n'
                  f'          <optionset Name="{option_set_prefix}_{a.logical}">\n'
                  f'            <OptionSetType>{a.type if a.type != "status" else "status"}</OptionSetType>\n'
                  f'            <IntroducedVersion>1.0.0.0</IntroducedVersion>\n'
                  f'            <IsCustomizable>1</IsCustomizable>\n'
                  f'            <displaynames>\n              <displayname description="{esc(a.display)}" '
                  f'languagecode="1033" />\n            </displaynames>\n'
                  f'            <options>\n{opts}            </options>\n          </optionset>\n')
    return (
        f'        <attribute PhysicalName="{a.schema}">\n'
        f'          <Type>{a.type}</Type>\n'
        f'          <Name>{a.logical}</Name>\n'
        f'          <LogicalName>{a.logical}</LogicalName>\n'
        f'          <RequiredLevel>{a.required}</RequiredLevel>\n'
        f'          <DisplayMask>ValidForAdvancedFind|ValidForForm|ValidForGrid</DisplayMask>\n'
        f'          <ImeMode>auto</ImeMode>\n'
        f'          <ValidForUpdateApi>1</ValidForUpdateApi>\n'
        f'          <ValidForReadApi>1</ValidForReadApi>\n'
        f'          <ValidForCreateApi>1</ValidForCreateApi>\n'
        f'          <IsCustomField>{custom}</IsCustomField>\n'
        f'          <IsAuditEnabled>1</IsAuditEnabled>\n'
        f'          <IsSecured>0</IsSecured>\n'
        f'          <IntroducedVersion>1.0.0.0</IntroducedVersion>\n'
        f'          <IsCustomizable>1</IsCustomizable>\n'
        f'          <IsRenameable>1</IsRenameable>\n'
        f'          <CanModifySearchSettings>1</CanModifySearchSettings>\n'
        f'          <CanModifyRequirementLevelSettings>1</CanModifyRequirementLevelSettings>\n'
        f'          <CanModifyAdditionalSettings>1</CanModifyAdditionalSettings>\n'
        f'          <SourceType>0</SourceType>\n'
        f'          <IsGlobalFilterEnabled>0</IsGlobalFilterEnabled>\n'
        f'          <IsSortableEnabled>0</IsSortableEnabled>\n'
        f'          <CanModifyGlobalFilterSettings>1</CanModifyGlobalFilterSettings>\n'
        f'          <CanModifyIsSortableSettings>1</CanModifyIsSortableSettings>\n'
        f'          <IsDataSourceSecret>0</IsDataSourceSecret>\n'
        f'          <AutoNumberFormat></AutoNumberFormat>\n'
        f'          <IsSearchable>0</IsSearchable>\n'
        f'          <IsFilterable>0</IsFilterable>\n'
        f'          <IsRetrievable>0</IsRetrievable>\n'
        f'          <IsLocalizable>0</IsLocalizable>\n'
        f'{extra}'
        f'          <displaynames>\n'
        f'            <displayname description="{esc(a.display)}" languagecode="1033" />\n'
        f'          </displaynames>\n'
        f'          <Descriptions>\n'
        f'            <Description description="{esc(a.display)} of the record." languagecode="1033" />\n'
        f'          </Descriptions>\n'
        f'        </attribute>\n')


_ENTITY_FLAGS = "".join(f"      <{k}>{v}</{k}>\n" for k, v in (
    ("IsDuplicateCheckSupported", 1), ("IsBusinessProcessEnabled", 1), ("IsRequiredOffline", 0),
    ("IsInteractionCentricEnabled", 0), ("IsCollaboration", 0), ("AutoRouteToOwnerQueue", 0),
    ("IsConnectionsEnabled", 0), ("EntityColor", ""), ("IsDocumentManagementEnabled", 0),
    ("AutoCreateAccessTeams", 0), ("IsOneNoteIntegrationEnabled", 0), ("IsKnowledgeManagementEnabled", 0),
    ("IsSLAEnabled", 0), ("IsDocumentRecommendationsEnabled", 0), ("IsBPFEntity", 0),
    ("OwnershipTypeMask", "UserOwned"), ("EntityMask", "ActivityPointer"), ("IsAuditEnabled", 1),
    ("IsRetrieveAuditEnabled", 0), ("IsRetrieveMultipleAuditEnabled", 0), ("IsActivity", 0),
    ("ActivityTypeMask", ""), ("IsActivityParty", 0), ("IsReplicated", 0), ("IsReplicationUserFiltered", 0),
    ("IsMailMergeEnabled", 1), ("IsVisibleInMobile", 0), ("IsVisibleInMobileClient", 0),
    ("IsReadOnlyInMobileClient", 0), ("IsOfflineInMobileClient", 0), ("DaysSinceRecordLastModified", 0),
    ("MobileOfflineFilters", ""), ("IsMapiGridEnabled", 1), ("IsReadingPaneEnabled", 1),
    ("IsQuickCreateEnabled", 0), ("SyncToExternalSearchIndex", 0), ("IntroducedVersion", "1.0.0.0"),
    ("IsCustomizable", 1), ("IsRenameable", 1), ("IsMappable", 1), ("CanModifyAuditSettings", 1),
    ("CanModifyMobileVisibility", 1), ("CanModifyMobileClientVisibility", 1),
    ("CanModifyMobileClientReadOnly", 1), ("CanModifyMobileClientOffline", 1),
    ("CanModifyConnectionSettings", 1), ("CanModifyDuplicateDetectionSettings", 1),
    ("CanModifyMailMergeSettings", 1), ("CanModifyQueueSettings", 1), ("CanCreateAttributes", 1),
    ("CanCreateForms", 1), ("CanCreateCharts", 1), ("CanCreateViews", 1), ("CanModifyAdditionalSettings", 1),
    ("CanEnableSyncToExternalSearchIndex", 1), ("IconVectorName", ""), ("EnforceStateTransitions", 0),
    ("CanChangeHierarchicalRelationship", 1), ("EntityHelpUrlEnabled", 0), ("EntityHelpUrl", ""),
    ("ChangeTrackingEnabled", 0), ("CanChangeTrackingBeEnabled", 1), ("IsEnabledForExternalChannels", 0),
    ("IsMSTeamsIntegrationEnabled", 0), ("IsSolutionAware", 0), ("HasRelatedNotes", "True"),
    ("HasRelatedActivities", "True")))


def render_entity_head(t: Table, prefix: str, with_otc: bool) -> str:
    attrs = "".join(render_attribute(a, prefix) for a in t.attributes)
    otc = f"  <ObjectTypeCode>{t.otc}</ObjectTypeCode>\n" if with_otc else ""
    return (
        f'  <Name LocalizedName="{esc(t.display)}" OriginalName="{esc(t.display)}">{t.schema}</Name>\n{otc}'
        f'  <EntityInfo>\n'
        f'    <entity Name="{t.schema}">\n'
        f'      <LocalizedNames>\n        <LocalizedName description="{esc(t.display)}" languagecode="1033" />\n'
        f'      </LocalizedNames>\n'
        f'      <LocalizedCollectionNames>\n'
        f'        <LocalizedCollectionName description="{esc(t.plural)}" languagecode="1033" />\n'
        f'      </LocalizedCollectionNames>\n'
        f'      <Descriptions>\n        <Description description="{esc(t.description)}" languagecode="1033" />\n'
        f'      </Descriptions>\n'
        f'      <attributes>\n{attrs}      </attributes>\n'
        f'      <EntitySetName>{t.set_name}</EntitySetName>\n'
        f'{_ENTITY_FLAGS}'
        f'    </entity>\n'
        f'  </EntityInfo>\n')


def _cell(rng: random.Random, a: Attribute, header: bool = False) -> str:
    ctl = f"header_{a.logical}" if header else a.logical
    return (f'                    <row>\n'
            f'                      <cell id="{{{new_guid(rng)}}}" locklevel="0" colspan="1" rowspan="1">\n'
            f'                        <labels>\n'
            f'                          <label description="{esc(a.display)}" languagecode="1033" />\n'
            f'                        </labels>\n'
            f'                        <control id="{ctl}" classid="{CLASS_IDS.get(a.type, CLASS_IDS["nvarchar"])}" '
            f'datafieldname="{a.logical}" disabled="false" />\n'
            f'                      </cell>\n'
            f'                    </row>\n')


def render_systemform(rng: random.Random, t: Table, ftype: str, form_id: str) -> str:
    custom = t.custom
    if ftype == "main":
        fields = custom
        per_section = 8
    elif ftype == "quick":
        fields = custom[:6]
        per_section = 6
    else:
        fields = custom[:3]
        per_section = 3
    sections = []
    for s in range(0, max(len(fields), 1), per_section):
        chunk = fields[s:s + per_section]
        label = f"{chunk[0].display} details" if chunk else "General"
        rows = "".join(_cell(rng, a) for a in chunk)
        sections.append(
            f'                <section name="section_{s // per_section + 1}" showlabel="true" showbar="false" '
            f'IsUserDefined="0" id="{{{new_guid(rng)}}}" locklevel="0" layout="varwidth" '
            f'celllabelalignment="Left" celllabelposition="Left" columns="1" labelwidth="115">\n'
            f'                  <labels>\n'
            f'                    <label description="{esc(label)}" languagecode="1033" />\n'
            f'                  </labels>\n'
            f'                  <rows>\n{rows}                  </rows>\n'
            f'                </section>\n')
    # two tabs on the main form, one elsewhere
    tabs = []
    split = (len(sections) + 1) // 2 if ftype == "main" and len(sections) > 1 else len(sections)
    for tab_no, group in enumerate((sections[:split], sections[split:])):
        if not group:
            continue
        tabs.append(
            f'        <tab verticallayout="true" id="{{{new_guid(rng)}}}" IsUserDefined="1" name="tab_{tab_no + 1}">\n'
            f'          <labels>\n'
            f'            <label description="{"General" if tab_no == 0 else "Details"}" languagecode="1033" />\n'
            f'          </labels>\n'
            f'          <columns>\n            <column width="100%">\n              <sections>\n'
            f'{"".join(group)}'
            f'              </sections>\n            </column>\n          </columns>\n'
            f'        </tab>\n')
    header = ""
    if ftype == "main":
        header = ('      <header id="{%s}" celllabelposition="Top" columns="111" labelwidth="115" '
                  'celllabelalignment="Left">\n        <rows>\n%s        </rows>\n      </header>\n'
                  % (new_guid(rng), "".join(_cell(rng, a, header=True) for a in custom[:3])))
    name = {"main": "Information", "quick": "Quick Create", "card": "Card"}[ftype]
    return (
        f'    <systemform>\n'
        f'      <formid>{{{form_id}}}</formid>\n'
        f'      <IntroducedVersion>1.0.0.0</IntroducedVersion>\n'
        f'      <FormPresentation>1</FormPresentation>\n'
        f'      <FormActivationState>1</FormActivationState>\n'
        f'      <form headerdensity="HighWithControls">\n'
        f'        <tabs>\n{"".join(tabs)}        </tabs>\n'
        f'{header}'
        f'        <Navigation>\n          <NavBar>\n'
        f'            <NavBarByRelationshipItem RelationshipName="{t.logical}_connections1" '
        f'Id="nav_{t.logical}_connections" Sequence="10" Area="Info" />\n'
        f'          </NavBar>\n        </Navigation>\n'
        f'        <DisplayConditions Order="0" FallbackForm="true">\n          <Everyone />\n'
        f'        </DisplayConditions>\n'
        f'      </form>\n'
        f'      <IsCustomizable>1</IsCustomizable>\n'
        f'      <CanBeDeleted>1</CanBeDeleted>\n'
        f'      <LocalizedNames>\n        <LocalizedName description="{name}" languagecode="1033" />\n'
        f'      </LocalizedNames>\n'
        f'      <Descriptions>\n        <Description description="A form for this entity." languagecode="1033" />\n'
        f'      </Descriptions>\n'
        f'    </systemform>\n')


_VIEW_TYPES = ((0, "Active {p}", 1), (0, "Inactive {p}", 0), (1, "Advanced Find View", 0), (2, "{d} Associated View", 0),
               (4, "Quick Find Active {p}", 0), (64, "{d} Lookup View", 0), (0, "My {p}", 0), (0, "Recent {p}", 0),
               (0, "Open {p}", 0), (0, "All {p}", 0))


def render_savedquery(rng: random.Random, t: Table, k: int, view_id: str) -> str:
    qtype, label, default = _VIEW_TYPES[k % len(_VIEW_TYPES)]
    label = label.format(p=t.plural, d=t.display)
    cols = [t.attributes[1]] + rng.sample(t.custom, min(len(t.custom), rng.randint(3, 9)))
    cells = "".join(f'          <cell name="{a.logical}" width="{rng.choice((100, 125, 150, 200, 300))}" />\n'
                    for a in cols)
    attrs = "".join(f'          <attribute name="{a.logical}" />\n' for a in cols)
    conditions = f'            <condition attribute="statecode" operator="eq" value="{0 if "Inactive" not in label else 1}" />\n'
    if qtype == 4:
        conditions += "".join(f'            <condition attribute="{a.logical}" operator="like" value="{{0}}" />\n'
                              for a in cols[:3])
    return (
        f'    <savedquery>\n'
        f'      <IsCustomizable>1</IsCustomizable>\n'
        f'      <CanBeDeleted>{0 if default else 1}</CanBeDeleted>\n'
        f'      <isquickfindquery>{1 if qtype == 4 else 0}</isquickfindquery>\n'
        f'      <isprivate>0</isprivate>\n'
        f'      <isdefault>{default}</isdefault>\n'
        f'      <savedqueryid>{{{view_id}}}</savedqueryid>\n'
        f'      <layoutxml>\n'
        f'        <grid name="resultset" jump="{cols[0].logical}" select="1" icon="1" preview="1">\n'
        f'          <row name="result" id="{t.attributes[0].logical}">\n{cells}          </row>\n'
        f'        </grid>\n'
        f'      </layoutxml>\n'
        f'      <querytype>{qtype}</querytype>\n'
        f'      <fetchxml>\n'
        f'        <fetch version="1.0" mapping="logical">\n'
        f'          <entity name="{t.logical}">\n{attrs}'
        f'          <order attribute="{cols[0].logical}" descending="false" />\n'
        f'          <filter type="and">\n{conditions}          </filter>\n'
        f'          </entity>\n'
        f'        </fetch>\n'
        f'      </fetchxml>\n'
        f'      <IntroducedVersion>1.0.0.0</IntroducedVersion>\n'
        f'      <LocalizedNames>\n        <LocalizedName description="{esc(label)}" languagecode="1033" />\n'
        f'      </LocalizedNames>\n'
        f'    </savedquery>\n')


RIBBON = ('    <CustomActions />\n    <Templates>\n      <RibbonTemplates Id="Mscrm.Templates"></RibbonTemplates>\n'
          '    </Templates>\n    <CommandDefinitions />\n    <RuleDefinitions>\n      <TabDisplayRules />\n'
          '      <DisplayRules />\n      <EnableRules />\n    </RuleDefinitions>\n    <LocLabels />\n')


# --- rendering: processes ---------------------------------------------------------------------

XAML_NS = ('xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
           'xmlns:mcwa="clr-namespace:Microsoft.Crm.Workflow.Activities;assembly=Microsoft.Crm.Workflow, '
           'Version=9.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" '
           'xmlns:mcwc="clr-namespace:Microsoft.Crm.Workflow.ClientActivities;assembly=Microsoft.Crm.Workflow, '
           'Version=9.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" '
           'xmlns:mva="clr-namespace:Microsoft.VisualBasic.Activities;assembly=System.Activities, Version=4.0.0.0, '
           'Culture=neutral, PublicKeyToken=31bf3856ad364e35" '
           'xmlns:mxs="clr-namespace:Microsoft.Xrm.Sdk;assembly=Microsoft.Xrm.Sdk, Version=9.0.0.0, Culture=neutral, '
           'PublicKeyToken=31bf3856ad364e35" '
           'xmlns:mxsq="clr-namespace:Microsoft.Xrm.Sdk.Query;assembly=Microsoft.Xrm.Sdk, Version=9.0.0.0, '
           'Culture=neutral, PublicKeyToken=31bf3856ad364e35" '
           'xmlns:mxsw="clr-namespace:Microsoft.Xrm.Sdk.Workflow;assembly=Microsoft.Xrm.Sdk.Workflow, '
           'Version=9.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" '
           'xmlns:mxswa="clr-namespace:Microsoft.Xrm.Sdk.Workflow.Activities;assembly=Microsoft.Xrm.Sdk.Workflow, '
           'Version=9.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" '
           'xmlns:s="clr-namespace:System;assembly=mscorlib, Version=4.0.0.0, Culture=neutral, '
           'PublicKeyToken=b77a5c561934e089" '
           'xmlns:scg="clr-namespace:System.Collections.Generic;assembly=mscorlib, Version=4.0.0.0, '
           'Culture=neutral, PublicKeyToken=b77a5c561934e089" '
           'xmlns:sco="clr-namespace:System.Collections.ObjectModel;assembly=mscorlib, Version=4.0.0.0, '
           'Culture=neutral, PublicKeyToken=b77a5c561934e089" '
           'xmlns:srs="clr-namespace:System.Runtime.Serialization;assembly=System.Runtime.Serialization, '
           'Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089" '
           'xmlns:this="clr-namespace:" xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml"')


def _xaml_frame(p: Process, members: str, body: str) -> str:
    cls = "XrmWorkflow" + p.id.replace("-", "")
    return (
        f'<Activity x:Class="{cls}" {XAML_NS}>\n'
        f'  <x:Members>\n'
        f'    <x:Property Name="InputEntities" Type="InArgument(scg:IDictionary(x:String, mxs:Entity))" />\n'
        f'    <x:Property Name="CreatedEntities" Type="InArgument(scg:IDictionary(x:String, mxs:Entity))" />\n'
        f'{members}'
        f'  </x:Members>\n'
        f'  <this:{cls}.InputEntities>\n'
        f'    <InArgument x:TypeArguments="scg:IDictionary(x:String, mxs:Entity)" />\n'
        f'  </this:{cls}.InputEntities>\n'
        f'  <this:{cls}.CreatedEntities>\n'
        f'    <InArgument x:TypeArguments="scg:IDictionary(x:String, mxs:Entity)" />\n'
        f'  </this:{cls}.CreatedEntities>\n'
        f'  <mva:VisualBasic.Settings>Assembly references and imported namespaces for internal implementation'
        f'</mva:VisualBasic.Settings>\n'
        f'  <mxswa:Workflow>\n{body}  </mxswa:Workflow>\n'
        f'</Activity>')


def _evaluate(op: str, params: str, result: str, target: str = "x:String") -> str:
    return (
        f'      <mxswa:ActivityReference AssemblyQualifiedName="Microsoft.Crm.Workflow.Activities.EvaluateExpression, '
        f'{CRM_WF}" DisplayName="EvaluateExpression">\n'
        f'        <mxswa:ActivityReference.Arguments>\n'
        f'          <InArgument x:TypeArguments="x:String" x:Key="ExpressionOperator">{op}</InArgument>\n'
        f'          <InArgument x:TypeArguments="s:Object[]" x:Key="Parameters">[New Object() {{ {params} }}]'
        f'</InArgument>\n'
        f'          <InArgument x:TypeArguments="s:Type" x:Key="TargetType">\n'
        f'            <mxswa:ReferenceLiteral x:TypeArguments="s:Type" Value="{target}" />\n'
        f'          </InArgument>\n'
        f'          <OutArgument x:TypeArguments="x:Object" x:Key="Result">[{result}]</OutArgument>\n'
        f'        </mxswa:ActivityReference.Arguments>\n'
        f'      </mxswa:ActivityReference>\n')


def _update_step(rng: random.Random, t: Table, no: int) -> str:
    a = rng.choice(t.custom)
    v = f"UpdateStep{no}"
    return (
        f'    <Sequence DisplayName="{v}: Set {esc(a.display)}">\n'
        f'      <Sequence.Variables>\n'
        + "".join(f'        <Variable x:TypeArguments="x:Object" Name="{v}_{k}" />\n' for k in range(1, 4)) +
        f'      </Sequence.Variables>\n'
        f'      <Assign x:TypeArguments="mxs:Entity" To="[CreatedEntities(&quot;primaryEntity#Temp&quot;)]" '
        f'Value="[New Entity(&quot;{t.logical}&quot;)]" />\n'
        f'      <Assign x:TypeArguments="s:Guid" To="[CreatedEntities(&quot;primaryEntity#Temp&quot;).Id]" '
        f'Value="[InputEntities(&quot;primaryEntity&quot;).Id]" />\n'
        + _evaluate("CreateCrmType", f'Microsoft.Xrm.Sdk.Workflow.WorkflowPropertyType.String, "{rng.choice(NOUNS)}-", '
                    f'"String"', f"{v}_2")
        + _evaluate("SelectFirstNonNull", f"{v}_2", f"{v}_3")
        + _evaluate("Add", f"{v}_2, {v}_3", f"{v}_1") +
        f'      <mxswa:SetEntityProperty Attribute="{a.logical}" Entity="[CreatedEntities(&quot;primaryEntity#Temp&quot;)]" '
        f'EntityName="{t.logical}" Value="[{v}_1]">\n'
        f'        <mxswa:SetEntityProperty.TargetType>\n'
        f'          <InArgument x:TypeArguments="s:Type">\n'
        f'            <mxswa:ReferenceLiteral x:TypeArguments="s:Type" Value="x:String" />\n'
        f'          </InArgument>\n'
        f'        </mxswa:SetEntityProperty.TargetType>\n'
        f'      </mxswa:SetEntityProperty>\n'
        f'      <mxswa:UpdateEntity DisplayName="{v}" Entity="[CreatedEntities(&quot;primaryEntity#Temp&quot;)]" '
        f'EntityName="{t.logical}" />\n'
        f'      <Assign x:TypeArguments="mxs:Entity" To="[InputEntities(&quot;primaryEntity&quot;)]" '
        f'Value="[CreatedEntities(&quot;primaryEntity#Temp&quot;)]" />\n'
        f'    </Sequence>\n')


def _condition(rng: random.Random, t: Table, no: int, inner: str) -> str:
    a = rng.choice(t.custom)
    v = f"ConditionBranchStep{no}"
    return (
        f'    <mxswa:ActivityReference AssemblyQualifiedName="Microsoft.Crm.Workflow.Activities.ConditionSequence, '
        f'{CRM_WF}" DisplayName="ConditionStep{no}">\n'
        f'      <mxswa:ActivityReference.Arguments>\n'
        f'        <InArgument x:TypeArguments="x:Boolean" x:Key="Wait">False</InArgument>\n'
        f'      </mxswa:ActivityReference.Arguments>\n'
        f'      <mxswa:ActivityReference.Properties>\n'
        f'        <sco:Collection x:TypeArguments="Variable" x:Key="Variables">\n'
        f'          <Variable x:TypeArguments="x:Boolean" Default="False" Name="{v}_condition" />\n'
        f'          <Variable x:TypeArguments="x:Object" Name="{v}_1" />\n'
        f'        </sco:Collection>\n'
        f'        <sco:Collection x:TypeArguments="Activity" x:Key="Activities">\n'
        f'          <mxswa:GetEntityProperty Attribute="{a.logical}" Entity="[InputEntities(&quot;primaryEntity&quot;)]" '
        f'EntityName="{t.logical}" Value="[{v}_1]">\n'
        f'            <mxswa:GetEntityProperty.TargetType>\n'
        f'              <InArgument x:TypeArguments="s:Type">\n'
        f'                <mxswa:ReferenceLiteral x:TypeArguments="s:Type" Value="x:String" />\n'
        f'              </InArgument>\n'
        f'            </mxswa:GetEntityProperty.TargetType>\n'
        f'          </mxswa:GetEntityProperty>\n'
        f'          <mxswa:ActivityReference AssemblyQualifiedName="Microsoft.Crm.Workflow.Activities.EvaluateCondition, '
        f'{CRM_WF}" DisplayName="EvaluateCondition">\n'
        f'            <mxswa:ActivityReference.Arguments>\n'
        f'              <InArgument x:TypeArguments="mxsq:ConditionOperator" x:Key="ConditionOperator">NotNull'
        f'</InArgument>\n'
        f'              <InArgument x:TypeArguments="s:Object[]" x:Key="Parameters">[New Object() {{  }}]</InArgument>\n'
        f'              <InArgument x:TypeArguments="s:Object" x:Key="Operand">[{v}_1]</InArgument>\n'
        f'              <OutArgument x:TypeArguments="x:Boolean" x:Key="Result">[{v}_condition]</OutArgument>\n'
        f'            </mxswa:ActivityReference.Arguments>\n'
        f'          </mxswa:ActivityReference>\n'
        f'          <mxswa:ActivityReference AssemblyQualifiedName="Microsoft.Crm.Workflow.Activities.ConditionBranch, '
        f'{CRM_WF}" DisplayName="{v}">\n'
        f'            <mxswa:ActivityReference.Arguments>\n'
        f'              <InArgument x:TypeArguments="x:Boolean" x:Key="Condition">[{v}_condition]</InArgument>\n'
        f'            </mxswa:ActivityReference.Arguments>\n'
        f'            <mxswa:ActivityReference.Properties>\n'
        f'              <x:Reference x:Key="Then">__ReferenceID{no}</x:Reference>\n'
        f'              <x:Null x:Key="Else" />\n'
        f'              <x:Null x:Key="Description" />\n'
        f'            </mxswa:ActivityReference.Properties>\n'
        f'          </mxswa:ActivityReference>\n'
        f'        </sco:Collection>\n'
        f'      </mxswa:ActivityReference.Properties>\n'
        f'    </mxswa:ActivityReference>\n'
        f'    <Sequence x:Name="__ReferenceID{no}" DisplayName="ConditionBranchStep{no}">\n{inner}    </Sequence>\n')


def _client_action(rng: random.Random, t: Table) -> str:
    a = rng.choice(t.custom)
    kind = rng.choice(("SetVisibility", "SetFieldRequiredLevel", "SetDisplayMode"))
    value = {"SetVisibility": 'IsVisible="False"', "SetFieldRequiredLevel": 'RequiredLevel="Required"',
             "SetDisplayMode": 'IsReadOnly="True"'}[kind]
    return (f'      <mcwc:{kind} DisplayName="{kind}Step: {esc(a.display)}" ControlId="{a.logical}" '
            f'ControlType="standard" Entity="[InputEntities(&quot;primaryEntity&quot;)]" EntityName="{t.logical}" '
            f'{value} />\n')


def render_xaml(rng: random.Random, p: Process, m: Module, prefix: str, tables: dict[str, Table]) -> str:
    t = tables.get(p.entity or "") or m.tables[0]
    members = ""
    body = ""
    if p.category == 3:  # custom process action: arguments, a few steps
        members = (
            '    <x:Property Name="Target" Type="InArgument(mxs:EntityReference)">\n'
            '      <x:Property.Attributes>\n'
            '        <mxsw:ArgumentRequiredAttribute Value="True" />\n'
            '        <mxsw:ArgumentTargetAttribute Value="True" />\n'
            '        <mxsw:ArgumentDescriptionAttribute Value="Target Argument" />\n'
            '        <mxsw:ArgumentDirectionAttribute Value="Input" />\n'
            f'        <mxsw:ArgumentEntityAttribute Value="{p.entity or ""}" />\n'
            '      </x:Property.Attributes>\n'
            '    </x:Property>\n') if p.entity else ""
        for k in range(rng.randint(1, 4)):
            name = f"{rng.choice(ADJECTIVES)}{rng.choice(FIELDS)}{k}"
            members += (
                f'    <x:Property Name="{name}" Type="InArgument(x:String)">\n'
                f'      <x:Property.Attributes>\n'
                f'        <mxsw:ArgumentRequiredAttribute Value="False" />\n'
                f'        <mxsw:ArgumentTargetAttribute Value="False" />\n'
                f'        <mxsw:ArgumentDescriptionAttribute Value="{name} input" />\n'
                f'        <mxsw:ArgumentDirectionAttribute Value="Input" />\n'
                f'        <mxsw:ArgumentEntityAttribute Value="" />\n'
                f'      </x:Property.Attributes>\n'
                f'    </x:Property>\n')
        body = "".join(_update_step(rng, t, k + 1) for k in range(rng.randint(0, 2)))
    elif p.category == 0:  # classic: custom activity, call the bound action, updates, conditions
        activity = m.assembly.types[6]
        action = m.processes[0]
        body = (
            f'    <mxswa:ActivityReference AssemblyQualifiedName="Microsoft.Crm.Workflow.Activities.Composite, {CRM_WF}" '
            f'DisplayName="CustomActivityStep1: {esc(activity.name)}">\n'
            f'      <mxswa:ActivityReference.Properties>\n'
            f'        <sco:Collection x:TypeArguments="Variable" x:Key="Variables" />\n'
            f'        <sco:Collection x:TypeArguments="Activity" x:Key="Activities">\n'
            f'          <mxswa:ActivityReference AssemblyQualifiedName="{activity.aqn}" '
            f'DisplayName="CustomActivityStep1: {esc(activity.name)}">\n'
            f'            <mxswa:ActivityReference.Arguments>\n'
            f'              <OutArgument x:TypeArguments="x:String" x:Key="EntityName">[CustomActivityStep1EntityName]'
            f'</OutArgument>\n'
            f'              <OutArgument x:TypeArguments="x:String" x:Key="EntityId">[CustomActivityStep1EntityId]'
            f'</OutArgument>\n'
            f'            </mxswa:ActivityReference.Arguments>\n'
            f'          </mxswa:ActivityReference>\n'
            f'        </sco:Collection>\n'
            f'      </mxswa:ActivityReference.Properties>\n'
            f'    </mxswa:ActivityReference>\n'
            f'    <mcwa:InvokeSdkMessageActivity DisplayName="InvokeSdkMessageStep2: {esc(action.name)}" '
            f'SdkMessageEntityName="{action.entity}" SdkMessageId="{action.message_id}" '
            f'SdkMessageName="{prefix}_{action.unique}" SdkMessageRequestSuffix="">\n'
            f'      <mcwa:InvokeSdkMessageActivity.Arguments>\n'
            f'        <InArgument x:TypeArguments="mxs:EntityReference" x:Key="Target">'
            f'[InputEntities(&quot;related_{t.logical}#{action.entity}&quot;).ToEntityReference()]</InArgument>\n'
            f'      </mcwa:InvokeSdkMessageActivity.Arguments>\n'
            f'    </mcwa:InvokeSdkMessageActivity>\n')
        no = 3
        for _ in range(rng.randint(2, 6)):
            if rng.random() < 0.4:
                body += _condition(rng, t, no, _update_step(rng, t, no + 1))
                no += 2
            else:
                body += _update_step(rng, t, no)
                no += 1
    elif p.category == 2:  # business rule
        for k in range(rng.randint(1, 4)):
            inner = "".join(_client_action(rng, t) for _ in range(rng.randint(1, 4)))
            body += _condition(rng, t, k * 2 + 1, inner)
    elif p.category == 4:  # BPF: stages and steps
        for s in range(rng.randint(3, 6)):
            steps = "".join(
                f'            <mxswa:ActivityReference AssemblyQualifiedName="Microsoft.Crm.Workflow.Activities.'
                f'StepComposite, {CRM_WF}" DisplayName="{esc(a.display)}">\n'
                f'              <mxswa:ActivityReference.Properties>\n'
                f'                <sco:Collection x:TypeArguments="Variable" x:Key="Variables" />\n'
                f'                <sco:Collection x:TypeArguments="Activity" x:Key="Activities">\n'
                f'                  <mcwc:StepLabel Description="{esc(a.display)}" LabelId="{new_guid(rng)}" '
                f'LanguageCode="1033" />\n'
                f'                  <mxswa:ActivityReference AssemblyQualifiedName="Microsoft.Crm.Workflow.Activities.'
                f'ControlStep, {CRM_WF}" DisplayName="{a.logical}">\n'
                f'                    <mxswa:ActivityReference.Properties>\n'
                f'                      <x:String x:Key="ControlId">{a.logical}</x:String>\n'
                f'                      <x:String x:Key="DataFieldName">{a.logical}</x:String>\n'
                f'                      <x:Boolean x:Key="IsSystemControl">False</x:Boolean>\n'
                f'                    </mxswa:ActivityReference.Properties>\n'
                f'                  </mxswa:ActivityReference>\n'
                f'                </sco:Collection>\n'
                f'              </mxswa:ActivityReference.Properties>\n'
                f'            </mxswa:ActivityReference>\n'
                for a in rng.sample(t.custom, min(len(t.custom), rng.randint(2, 5))))
            body += (
                f'    <mxswa:ActivityReference AssemblyQualifiedName="Microsoft.Crm.Workflow.Activities.StageComposite, '
                f'{CRM_WF}" DisplayName="Stage {s + 1}">\n'
                f'      <mxswa:ActivityReference.Properties>\n'
                f'        <x:String x:Key="StageId">{new_guid(rng)}</x:String>\n'
                f'        <x:String x:Key="StageCategory">{s}</x:String>\n'
                f'        <sco:Collection x:TypeArguments="Variable" x:Key="Variables" />\n'
                f'        <sco:Collection x:TypeArguments="Activity" x:Key="Activities">\n{steps}'
                f'        </sco:Collection>\n'
                f'      </mxswa:ActivityReference.Properties>\n'
                f'    </mxswa:ActivityReference>\n')
    return _xaml_frame(p, members, body)


def _dataverse_action(op: str, params: dict, after: str | None, meta: str) -> dict:
    return {"type": "OpenApiConnection",
            "inputs": {"parameters": params,
                       "host": {"apiId": DATAVERSE_API, "operationId": op,
                                "connectionName": "shared_commondataserviceforapps"}},
            "runAfter": {after: ["Succeeded"]} if after else {},
            "metadata": {"operationMetadataId": meta}}


def render_flow(rng: random.Random, p: Process, m: Module, k: int, prefix: str) -> str:
    t = m.tables[k % len(m.tables)]
    action, global_action = m.processes[0], m.processes[1]
    if k == 0:
        trigger = {"When_a_row_is_added,_modified_or_deleted": {
            "type": "OpenApiConnectionWebhook",
            "inputs": {"parameters": {"subscriptionRequest/message": rng.choice((1, 3, 4)),
                                      "subscriptionRequest/entityname": t.logical,
                                      "subscriptionRequest/scope": 4,
                                      "subscriptionRequest/filteringattributes": t.custom[0].logical},
                       "host": {"apiId": DATAVERSE_API, "operationId": "SubscribeWebhookTrigger",
                                "connectionName": "shared_commondataserviceforapps"}},
            "metadata": {"operationMetadataId": new_guid(rng)}}}
    elif k == 1:
        api = m.apis[2]
        trigger = {f"When_an_action_is_performed:_{api.name.replace(' ', '_')}": {
            "type": "OpenApiConnectionWebhook",
            "inputs": {"parameters": {"catalog": "allcatalog", "category": "allcategory",
                                      "subscriptionRequest/entityname": api.entity,
                                      "subscriptionRequest/sdkmessagename": api.unique},
                       "host": {"apiId": DATAVERSE_API, "operationId": "BusinessEventsTrigger",
                                "connectionName": "shared_commondataserviceforapps"}},
            "metadata": {"operationMetadataId": new_guid(rng)}}}
    else:
        trigger = {"manual": {"type": "Request", "kind": "Button",
                              "inputs": {"schema": {"type": "object", "properties": {
                                  "text": {"title": "Record", "type": "string", "x-ms-dynamically-added": True}},
                                  "required": ["text"]}}}}
    actions: dict = {}
    last = None

    def add(name: str, action: dict) -> None:
        nonlocal last
        actions[name] = action
        last = name

    add("Initialize_variable:_ErrorMessage", {"type": "InitializeVariable", "inputs": {"variables": [
        {"name": "ErrorMessage", "type": "string"}]}, "runAfter": {}, "metadata": {"operationMetadataId": new_guid(rng)}})
    add("Get_record", _dataverse_action("GetItem", {"entityName": t.set_name,
                                                    "recordId": "@triggerOutputs()?['body/InputParameters/Target/Id']"},
                                        last, new_guid(rng)))
    calls = []
    if k == 0:
        calls.append(("PerformBoundAction", {"entityName": action_set(m, action.entity),
                                             "actionName": f"Microsoft.Dynamics.CRM.{prefix}_{action.unique}",
                                             "recordId": f"@outputs('Get_record')?['body/{t.attributes[0].logical}']"}))
        calls.append(("PerformUnboundAction", {"actionName": m.apis[0].unique,
                                               **{f"item/{pname}": f"@outputs('Get_record')?['body/{pname}']"
                                                  for pname, _t, _o in m.apis[0].params}}))
    elif k == 1:
        calls.append(("PerformUnboundAction", {"actionName": f"{prefix}_{global_action.unique}"}))
        if m.foreign_api:
            calls.append(("PerformUnboundAction", {"actionName": m.foreign_api}))
    else:
        api = m.apis[1]
        calls.append(("PerformBoundActionWithOrganization", {
            "organization": "default", "entityName": action_set(m, api.entity),
            "actionName": f"Microsoft.Dynamics.CRM.{api.unique}", "recordId": "@triggerBody()['text']"}))
        if m.defect == "flow-missing-api":
            calls.append(("PerformUnboundAction", {"actionName": f"{prefix}_Missing{m.topic}{m.index + 1}"}))
    for c, (op, params) in enumerate(calls):
        add(f"Perform_action_{c + 1}", _dataverse_action(op, params, last, new_guid(rng)))
    # filler: conditions with nested updates/lists, as real flows have
    for f in range(rng.randint(5, 25)):
        a = rng.choice(t.custom)
        nested = {f"Update_{a.logical}_{f}": _dataverse_action(
            "UpdateRecord", {"entityName": t.set_name, "recordId": f"@outputs('Get_record')?['body/{t.attributes[0].logical}']",
                             f"item/{a.logical}": "@variables('ErrorMessage')"}, None, new_guid(rng))}
        if rng.random() < 0.5:
            add(f"Condition_{f}", {"type": "If", "expression": {"and": [{"not": {"equals": [
                f"@outputs('Get_record')?['body/{a.logical}']", "@null"]}}]},
                "actions": nested, "else": {"actions": {f"Compose_{f}": {
                    "type": "Compose", "inputs": f"@concat('{a.display} missing on ', "
                                                 f"outputs('Get_record')?['body/{t.attributes[1].logical}'])"}}},
                "runAfter": {last: ["Succeeded"]}, "metadata": {"operationMetadataId": new_guid(rng)}})
        else:
            add(f"List_{f}", _dataverse_action("ListRecords", {
                "entityName": t.set_name, "$select": ",".join(x.logical for x in t.custom[:5]),
                "$filter": f"{a.logical} ne null", "$top": 50}, last, new_guid(rng)))
    doc = {"properties": {
        "connectionReferences": {"shared_commondataserviceforapps": {
            "runtimeSource": "embedded",
            "connection": {"connectionReferenceLogicalName": m.connection_ref},
            "api": {"name": "shared_commondataserviceforapps"}}},
        "definition": {"$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/"
                                  "2016-06-01/workflowdefinition.json#",
                       "contentVersion": "1.0.0.0",
                       "parameters": {"$connections": {"defaultValue": {}, "type": "Object"},
                                      "$authentication": {"defaultValue": {}, "type": "SecureObject"}},
                       "triggers": trigger, "actions": actions},
        "templateName": ""}, "schemaVersion": "1.0.0.0"}
    return json.dumps(doc, indent=2, ensure_ascii=False)


def action_set(m: Module, entity: str | None) -> str:
    for t in m.tables:
        if t.logical == entity:
            return t.set_name
    return (entity or "") + "s"


def render_workflow_meta(p: Process, m: Module, introduced: str) -> str:
    fields: list[tuple[str, str]] = []
    if p.category == 0:
        fields += [("CreateStage", "40"), ("UpdateStage", "40"),
                   ("TriggerOnUpdateAttributeList", m.tables[1].custom[0].logical)]
    if p.category == 4:
        fields.append(("processorder", "100"))
    if p.category in (2, 4):
        fields.append(("BusinessProcessType", "0"))
    if p.category == 3:
        fields.append(("IsCustomProcessingStepAllowedForOtherPublishers", "1"))
    if p.category == 5:
        fields.append(("ModernFlowType", "0"))
    wf = builder.Workflow(
        id=p.id, name=p.name, category=p.category, primary_entity=p.entity or "none", mode=p.mode, state=p.state,
        unique_name=p.unique, sdk_message_id=p.message_id, fields=tuple(fields), body_file=p.file,
        overrides=(("OnDemand", 1 if p.category == 0 else 0), ("TriggerOnCreate", 1 if p.category in (0, 4) else 0),
                   ("SyncWorkflowLogOnFailure", 0), ("IntroducedVersion", introduced)))
    return builder.element_text(builder.workflow_element(wf)) + "\n"


# --- rendering: plug-ins, steps, Custom APIs, roles (plug-ins, steps and APIs through analyzer.builder) ------

def render_assembly(a: Assembly, introduced: str) -> str:
    types = tuple(builder.PluginType(id=t.id, class_name=t.cls, name=t.name, friendly_name=t.id,
                                     description=t.name if t.activity_group else None,
                                     workflow_activity_group=t.activity_group) for t in a.types)
    asm = builder.PluginAssembly(id=a.id, full_name=a.full_name, types=types)
    assert asm.dll_path == f"{a.folder}/{a.name}.dll", asm.dll_path  # the builder's export naming
    return builder.element_text(builder.assembly_element(asm)) + "\n"


def render_step(s: StepM, introduced: str) -> str:
    step = builder.Step(
        id=s.id, name=s.name, message_id=s.message_id, plugin_type_name=s.plugin.aqn, plugin_type_id=s.plugin.id,
        stage=s.stage, mode=s.mode, primary_entity=s.entity, filtering_attributes=s.filtering or "",
        images=tuple(builder.StepImage(id=img_id, alias=name, image_type=itype, attributes=attrs,
                                       message_property=prop) for img_id, name, itype, attrs, prop in s.images),
        fields=(("Description", s.description),) if s.description else (),
        overrides=(("AsyncAutoDelete", 1 if s.mode else 0), ("IntroducedVersion", introduced)))
    return builder.element_text(builder.step_element(step)) + "\n"


def render_custom_api(api: Api) -> list[tuple[str, bytes]]:
    """[(member path, xml bytes)] for the API and its parameter / property folders."""
    def label(unique: str) -> str:
        return _split_camel(unique.split("_", 1)[1])

    return builder.custom_api_files(builder.CustomApi(
        unique_name=api.unique, name=api.name, display_name=api.name, description=f"{api.name} Custom API",
        binding_type=api.binding, bound_entity=api.entity, is_function=api.is_function,
        allowed_step_type=api.allowed_steps, plugin_type_id=api.plugin_type,
        request_parameters=tuple(builder.ApiParameter(unique, type=ptype, is_optional=optional,
                                                      description=f"{label(unique)} input", display_name=label(unique))
                                 for unique, ptype, optional in api.params),
        response_properties=tuple(builder.ApiParameter(unique, type=ptype, description=f"{label(unique)} output",
                                                       display_name=label(unique))
                                  for unique, ptype in api.responses)))


_SYSTEM_PRIVILEGES = ("prvReadAccount", "prvReadContact", "prvReadSystemUser", "prvReadTeam", "prvReadBusinessUnit",
                      "prvReadWorkflow", "prvReadSdkMessage", "prvReadPluginType", "prvReadSavedQuery",
                      "prvReadUserQuery", "prvCreateUserQuery", "prvWriteUserQuery", "prvReadSystemForm",
                      "prvReadWebResource", "prvReadCustomization", "prvReadRole", "prvReadQueue",
                      "prvAppendToAccount", "prvAppendToContact", "prvExportToExcel", "prvMerge", "prvBulkDelete")


def render_role(m: Module, xsi: bool) -> str:
    privs = []
    for t in m.tables:
        for op in ("Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share"):
            privs.append((f"prv{op}{t.schema}", "Global" if op == "Read" else "Basic"))
    privs += [(p, "Global") for p in _SYSTEM_PRIVILEGES]
    body = "".join(f'    <RolePrivilege name="{n}" level="{lvl}" />\n' for n, lvl in sorted(privs))
    ns = f" {XSI}" if xsi else ""
    return (f'<Role id="{{{m.role_id}}}" name="{esc(m.role_name)}"{ns}>\n'
            f'  <IsCustomizable>1</IsCustomizable>\n  <IsAutoAssigned>0</IsAutoAssigned>\n'
            f'  <RolePrivileges>\n{body}  </RolePrivileges>\n</Role>\n')


def render_optionset(m: Module, xsi: bool) -> str:
    name, options = m.optionset
    ns = f" {XSI}" if xsi else ""
    opts = "".join(f'    <option value="{v}" ExternalValue="" IsHidden="0">\n      <labels>\n'
                   f'        <label description="{esc(label)}" languagecode="1033" />\n      </labels>\n'
                   f'    </option>\n' for v, label in options)
    return (f'<optionset Name="{name}" localizedName="{esc(m.topic)} Status"{ns}>\n'
            f'  <OptionSetType>picklist</OptionSetType>\n  <IsGlobal>1</IsGlobal>\n'
            f'  <IntroducedVersion>1.0.0.0</IntroducedVersion>\n  <IsCustomizable>1</IsCustomizable>\n'
            f'  <displaynames>\n    <displayname description="{esc(m.topic)} Status" languagecode="1033" />\n'
            f'  </displaynames>\n  <options>\n{opts}  </options>\n</optionset>\n')


def render_relationship(rel) -> str:
    name, referencing, referenced, attribute = rel
    return (f'<EntityRelationship Name="{name}">\n'
            f'  <EntityRelationshipType>OneToMany</EntityRelationshipType>\n'
            f'  <IsCustomizable>1</IsCustomizable>\n  <IntroducedVersion>1.0.0.0</IntroducedVersion>\n'
            f'  <IsHierarchical>0</IsHierarchical>\n'
            f'  <ReferencingEntityName>{referencing.schema}</ReferencingEntityName>\n'
            f'  <ReferencedEntityName>{referenced.schema}</ReferencedEntityName>\n'
            f'  <CascadeAssign>NoCascade</CascadeAssign>\n  <CascadeDelete>RemoveLink</CascadeDelete>\n'
            f'  <CascadeReparent>NoCascade</CascadeReparent>\n  <CascadeShare>NoCascade</CascadeShare>\n'
            f'  <CascadeUnshare>NoCascade</CascadeUnshare>\n  <CascadeRollupView>NoCascade</CascadeRollupView>\n'
            f'  <IsValidForAdvancedFind>1</IsValidForAdvancedFind>\n'
            f'  <ReferencingAttributeName>{attribute}</ReferencingAttributeName>\n'
            f'  <RelationshipDescription>\n    <Descriptions>\n'
            f'      <Description description="{esc(referenced.display)} of the {esc(referencing.display.lower())}." '
            f'languagecode="1033" />\n    </Descriptions>\n  </RelationshipDescription>\n'
            f'  <EntityRelationshipRoles>\n'
            f'    <EntityRelationshipRole>\n      <NavPaneDisplayOption>UseCollectionName</NavPaneDisplayOption>\n'
            f'      <NavPaneArea>Details</NavPaneArea>\n      <NavPaneOrder>10000</NavPaneOrder>\n'
            f'      <NavigationPropertyName>{attribute}</NavigationPropertyName>\n'
            f'      <RelationshipRoleType>1</RelationshipRoleType>\n    </EntityRelationshipRole>\n'
            f'    <EntityRelationshipRole>\n      <NavigationPropertyName>{name}</NavigationPropertyName>\n'
            f'      <RelationshipRoleType>0</RelationshipRoleType>\n    </EntityRelationshipRole>\n'
            f'  </EntityRelationshipRoles>\n'
            f'</EntityRelationship>\n')


def render_connection_reference(m: Module) -> str:
    return (f'<connectionreference connectionreferencelogicalname="{m.connection_ref}">\n'
            f'  <connectionreferencedisplayname>Dataverse {esc(m.topic)} {m.index + 1}</connectionreferencedisplayname>\n'
            f'  <connectorid>/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps</connectorid>\n'
            f'  <iscustomizable>1</iscustomizable>\n  <statecode>0</statecode>\n  <statuscode>1</statuscode>\n'
            f'</connectionreference>\n')


# --- writing ----------------------------------------------------------------------------------

def _indent(text: str, pad: str) -> str:
    return "".join(pad + line if line else line for line in text.splitlines(True))


class Writer:
    """Writes the unpacked folder as it goes and spools customizations.xml sections for the zip."""

    def __init__(self, out: Path, folder: bool):
        self.out = out
        self.tmp = out / ".tmp"
        self.folder = out / "unpacked" if folder else None
        self.bodies = self.folder or self.tmp / "bodies"  # XAML/JSON/DLL/customapi files, same in both layouts
        self.spool = {name: open(self.tmp / f"{name}.xml", "wb") for name in SECTIONS}
        self.body_members: list[str] = []
        self.spooled = 0  # bytes of customizations.xml sections so far (zip layout, CRLF)
        self.body_xml = 0  # XAML and customapi XML
        self.json_bytes = 0
        self.largest_body = ("", 0)

    def section(self, name: str, text: str) -> None:
        data = text.replace("\n", "\r\n").encode("utf-8")
        self.spool[name].write(data)
        self.spooled += len(data)

    @property
    def xml_bytes(self) -> int:
        return self.spooled + self.body_xml

    def unpacked(self, member: str, text: str, bom: bool = True) -> None:
        if self.folder is None:
            return
        path = self.folder / member
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(((BOM + DECL) if bom else "").encode("utf-8") + text.encode("utf-8"))

    def body(self, member: str, data: bytes, kind: str) -> None:
        path = self.bodies / member
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        self.body_members.append(member)
        if kind == "xml":
            self.body_xml += len(data)
            if len(data) > self.largest_body[1]:
                self.largest_body = (member, len(data))
        elif kind == "json":
            self.json_bytes += len(data)

    def close_spools(self) -> None:
        for fh in self.spool.values():
            fh.close()


def write_module(w: Writer, m: Module, prefix: str, introduced: str) -> dict[str, int]:
    rng = random.Random(f"dvsa-bench/render/{m.index}/{m.tables[0].schema}")
    tables = {t.logical: t for t in m.tables}
    counts = {"tables": 0, "attributes": 0, "forms": 0, "views": 0}
    for t in m.tables:
        head_zip = render_entity_head(t, prefix, True)
        forms = [(ftype, fid, render_systemform(rng, t, ftype, fid)) for ftype, fid in t.forms]
        views = [(vid, render_savedquery(rng, t, k, vid)) for k, vid in enumerate(t.views)]
        form_xml = "".join(f'  <forms type="{ftype}">\n{xml}  </forms>\n' for ftype, _fid, xml in forms)
        view_xml = "".join(xml for _vid, xml in views)
        w.section("Entities", f"<Entity>\n{head_zip}  <FormXml>\n{form_xml}  </FormXml>\n"
                              f"  <SavedQueries>\n  <savedqueries>\n{view_xml}  </savedqueries>\n  </SavedQueries>\n"
                              f"  <RibbonDiffXml>\n{RIBBON}  </RibbonDiffXml>\n</Entity>\n")
        if w.folder is not None:
            base = f"Entities/{t.schema}"
            w.unpacked(f"{base}/Entity.xml", f"<Entity {XSI}>\n{render_entity_head(t, prefix, False)}"
                                             f"  <FormXml />\n  <SavedQueries />\n  <RibbonDiffXml />\n</Entity>")
            for ftype, fid, xml in forms:
                w.unpacked(f"{base}/FormXml/{ftype}/{{{fid}}}.xml", f"<forms {XSI}>\n{xml}</forms>")
            for vid, xml in views:
                w.unpacked(f"{base}/SavedQueries/{{{vid}}}.xml", f"<savedqueries {XSI}>\n{xml}</savedqueries>")
            w.unpacked(f"{base}/RibbonDiff.xml", f"<RibbonDiffXml {XSI}>\n{RIBBON}</RibbonDiffXml>")
        counts["tables"] += 1
        counts["attributes"] += len(t.attributes)
        counts["forms"] += len(forms)
        counts["views"] += len(views)

    role = render_role(m, False)
    w.section("Roles", role)
    w.unpacked(f"Roles/{m.role_name}.xml", render_role(m, True))

    for k, p in enumerate(m.processes):
        meta = render_workflow_meta(p, m, introduced)
        w.section("Workflows", meta)
        w.unpacked(f"{p.file}.data.xml", meta)
        if p.category == 5:
            flow_no = sum(1 for q in m.processes[:k] if q.category == 5)
            w.body(p.file, render_flow(rng, p, m, flow_no, prefix).encode("utf-8"), "json")
        else:
            w.body(p.file, render_xaml(rng, p, m, prefix, tables).encode("utf-8"), "xml")

    for rel in m.relationships:
        w.section("EntityRelationships", render_relationship(rel))
    if w.folder is not None:
        by_table: dict[str, list] = {}
        for rel in m.relationships:
            by_table.setdefault(rel[2].schema, []).append(rel)
        for schema, rels in by_table.items():
            w.unpacked(f"Other/Relationships/{schema}.xml",
                       f"<EntityRelationships {XSI}>\n"
                       + "".join(_indent(render_relationship(r), "  ") for r in rels) + "</EntityRelationships>")

    w.section("optionsets", render_optionset(m, False))
    w.unpacked(f"OptionSets/{m.optionset[0]}.xml", render_optionset(m, True))

    asm = render_assembly(m.assembly, introduced)
    w.section("SolutionPluginAssemblies", asm)
    w.unpacked(f"{m.assembly.folder}/{m.assembly.name}.dll.data.xml",
               asm.replace("<PluginAssembly ", f"<PluginAssembly {XSI} ", 1)[:-1])
    dll = b"MZ\x90\x00" + rng.randbytes(m.assembly.dll_size - 4)
    w.body(f"{m.assembly.folder}/{m.assembly.name}.dll", dll, "dll")

    for s in m.steps:
        xml = render_step(s, introduced)
        w.section("SdkMessageProcessingSteps", xml)
        w.unpacked(f"SdkMessageProcessingSteps/{{{s.id}}}.xml",
                   xml.replace("<SdkMessageProcessingStep ", f"<SdkMessageProcessingStep {XSI} ", 1)[:-1])

    w.section("connectionreferences", render_connection_reference(m))

    for api in m.apis:
        for member, data in render_custom_api(api):
            w.body(member, data, "xml")
    return counts


def _root_components(modules: list[Module]) -> list[str]:
    rows = []
    for m in modules:
        rows += [f'<RootComponent type="1" schemaName="{t.schema}" behavior="0" />' for t in m.tables]
        rows.append(f'<RootComponent type="9" schemaName="{m.optionset[0]}" behavior="0" />')
        rows.append(f'<RootComponent type="20" id="{{{m.role_id}}}" behavior="0" />')
        rows += [f'<RootComponent type="29" id="{{{p.id}}}" behavior="0" />' for p in m.processes]
        rows.append(f'<RootComponent type="91" id="{{{m.assembly.id}}}" schemaName="{m.assembly.full_name}" '
                    f'behavior="0" />')
        rows += [f'<RootComponent type="92" id="{{{s.id}}}" behavior="0" />' for s in m.steps]
    return rows


def _missing_dependencies(modules: list[Module]) -> list[str]:
    rows = []
    for m in modules:
        t = m.tables[0]
        rows.append(
            '<MissingDependency>\n'
            '  <Required type="1" schemaName="systemuser" displayName="User" solution="System (9.2.0.0)" />\n'
            f'  <Dependent type="2" schemaName="{t.custom[0].logical}" displayName="{esc(t.custom[0].display)}" '
            f'parentSchemaName="{t.logical}" parentDisplayName="{esc(t.display)}" />\n'
            '</MissingDependency>')
        if m.index % 3 == 0:
            rows.append(
                '<MissingDependency>\n'
                '  <Required type="connectionreference" displayName="Microsoft Dataverse" solution="Active" '
                f'id.connectionreferencelogicalname="{m.connection_ref}" />\n'
                f'  <Dependent type="29" displayName="{esc(m.processes[-1].name)}" id="{{{m.processes[-1].id}}}" />\n'
                '</MissingDependency>')
    return rows


def render_solution(unique: str, prefix: str, option_prefix: int, modules: list[Module], version: str) -> str:
    roots = "".join(f"      {r}\n" for r in _root_components(modules))
    missing = "".join(_indent(r + "\n", "      ") for r in _missing_dependencies(modules))
    addresses = "".join(
        f"        <Address>\n          <AddressNumber>{n}</AddressNumber>\n"
        f"          <AddressTypeCode>1</AddressTypeCode>\n"
        + "".join(f'          <{f} xsi:nil="true"></{f}>\n' for f in ("City", "County", "Country", "Fax",
                                                                       "Line1", "Line2", "PostalCode", "Telephone1"))
        + "        </Address>\n" for n in (1, 2))
    return (
        f'<ImportExportXml version="9.2.24044.209" SolutionPackageVersion="9.2" languagecode="1033" '
        f'generatedBy="CrmLive" {XSI} OrganizationVersion="9.2.24044.209" OrganizationSchemaType="Standard" '
        f'CRMServerServiceabilityVersion="9.2.24044.00209">\n'
        f'  <SolutionManifest>\n'
        f'    <UniqueName>{unique}</UniqueName>\n'
        f'    <LocalizedNames>\n      <LocalizedName description="{unique} (benchmark)" languagecode="1033" />\n'
        f'    </LocalizedNames>\n'
        f'    <Descriptions />\n'
        f'    <Version>{version}</Version>\n'
        f'    <Managed>0</Managed>\n'
        f'    <Publisher>\n'
        f'      <UniqueName>{prefix}publisher</UniqueName>\n'
        f'      <LocalizedNames>\n        <LocalizedName description="Benchmark publisher {prefix}" '
        f'languagecode="1033" />\n      </LocalizedNames>\n'
        f'      <Descriptions />\n'
        f'      <EMailAddress xsi:nil="true"></EMailAddress>\n'
        f'      <SupportingWebsiteUrl xsi:nil="true"></SupportingWebsiteUrl>\n'
        f'      <CustomizationPrefix>{prefix}</CustomizationPrefix>\n'
        f'      <CustomizationOptionValuePrefix>{option_prefix}</CustomizationOptionValuePrefix>\n'
        f'      <Addresses>\n{addresses}      </Addresses>\n'
        f'    </Publisher>\n'
        f'    <RootComponents>\n{roots}    </RootComponents>\n'
        f'    <MissingDependencies>\n{missing}    </MissingDependencies>\n'
        f'  </SolutionManifest>\n'
        f'</ImportExportXml>')


CONTENT_TYPES = (BOM + '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" />'
                 '<Default Extension="xaml" ContentType="application/octet-stream" /><Default Extension="json" '
                 'ContentType="application/octet-stream" /><Default Extension="dll" '
                 'ContentType="application/octet-stream" /></Types>')


def _zinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 0
    return info


def generate(out: Path, size_mb: float, seed: int, *, unique: str | None = None, folder: bool = True,
             zip_file: bool = True, defect_rate: float = 0.05, compresslevel: int = 6,
             quiet: bool = False) -> dict:
    started = time.perf_counter()
    target = int(size_mb * MiB)
    rng = random.Random(f"dvsa-bench/{seed}")
    prefix = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 5)))
    option_prefix = rng.randint(10000, 99999)
    unique = unique or f"DvsaBench{seed}"
    version = f"1.0.{seed}.{int(size_mb * 10)}"
    introduced = "1.0.0.0"

    if out.exists():
        for sub in ("unpacked", ".tmp"):
            shutil.rmtree(out / sub, ignore_errors=True)
        for f in ("solution.zip", "meta.json"):
            (out / f).unlink(missing_ok=True)
    (out / ".tmp").mkdir(parents=True, exist_ok=True)
    w = Writer(out, folder)

    modules: list[Module] = []
    counts: dict[str, int] = {}
    # solution.xml grows ~0.4 KB per module; include it in the estimate
    while True:
        m = build_module(seed, len(modules), prefix, option_prefix, defect_rate, modules[-1] if modules else None)
        for key, value in write_module(w, m, prefix, introduced).items():
            counts[key] = counts.get(key, 0) + value
        modules.append(m)
        if w.xml_bytes + 4096 + 450 * len(modules) >= target:
            break
    w.close_spools()

    solution_xml = render_solution(unique, prefix, option_prefix, modules, version)
    if folder:
        w.unpacked("Other/Solution.xml", solution_xml)
        shell = "".join(f"  <{name} />\n" for name in SECTIONS if name not in ("connectionreferences", "Languages"))
        conns = "".join(_indent(render_connection_reference(m), "    ") for m in modules)
        w.unpacked("Other/Customizations.xml",
                   f"<ImportExportXml {XSI}>\n{shell}  <connectionreferences>\n{conns}  </connectionreferences>\n"
                   f"  <Languages>\n    <Language>1033</Language>\n  </Languages>\n</ImportExportXml>")
        w.unpacked("Other/Relationships.xml",
                   f"<EntityRelationships {XSI}>\n" + "".join(
                       f'  <EntityRelationship Name="{r[0]}" />\n' for m in modules for r in m.relationships)
                   + "</EntityRelationships>")

    # languages section content
    with open(w.tmp / "Languages.xml", "wb") as fh:
        fh.write(b"<Language>1033</Language>\r\n")

    solution_bytes = solution_xml.replace("\n", "\r\n").encode("utf-8")
    customizations_size = 0
    zip_path = out / "solution.zip"
    if zip_file:
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
            zf.writestr(_zinfo("[Content_Types].xml"), CONTENT_TYPES.encode("utf-8"))
            with zf.open(_zinfo("customizations.xml"), "w", force_zip64=True) as dst:
                customizations_size = _write_customizations(dst, w.tmp)
            zf.writestr(_zinfo("solution.xml"), solution_bytes)
            for member in w.body_members:
                zf.writestr(_zinfo(member), (w.bodies / member).read_bytes())
    else:
        customizations_size = sum((w.tmp / f"{name}.xml").stat().st_size for name in SECTIONS) + 1024
    shutil.rmtree(w.tmp, ignore_errors=True)

    xml_members = {"customizations.xml": customizations_size, "solution.xml": len(solution_bytes)}
    largest = max([("customizations.xml", customizations_size), ("solution.xml", len(solution_bytes)),
                   w.largest_body], key=lambda kv: kv[1])
    xml_total = customizations_size + len(solution_bytes) + w.body_xml
    counts.update(modules=len(modules),
                  workflows=sum(len(m.processes) for m in modules),
                  workflows_by_category={str(c): sum(1 for m in modules for p in m.processes if p.category == c)
                                         for c in (0, 2, 3, 4, 5)},
                  plugin_assemblies=len(modules), plugin_types=sum(len(m.assembly.types) for m in modules),
                  steps=sum(len(m.steps) for m in modules),
                  step_images=sum(len(s.images) for m in modules for s in m.steps),
                  custom_apis=sum(len(m.apis) for m in modules),
                  defects={d: sum(1 for m in modules if m.defect == d) for d in
                           ("draft-action-step", "flow-missing-api", "function-without-response")})
    meta = {
        "generator_version": GENERATOR_VERSION, "seed": seed, "size_mb": size_mb, "unique_name": unique,
        "prefix": prefix, "defect_rate": defect_rate,
        "xml_bytes": xml_total, "xml_mb": round(xml_total / MiB, 3), "json_bytes": w.json_bytes,
        "customizations_bytes": customizations_size, "largest_xml_member": {"name": largest[0], "bytes": largest[1]},
        "zip_bytes": zip_path.stat().st_size if zip_file else None,
        "members": 3 + len(w.body_members), "counts": counts,
        "zip": "solution.zip" if zip_file else None, "folder": "unpacked" if folder else None,
        "xml_members": xml_members,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(f"{out}: {meta['xml_mb']} MiB XML ({customizations_size / MiB:.1f} MiB customizations.xml), "
              f"{len(modules)} modules, {counts['tables']} tables, {counts['workflows']} processes, "
              f"{counts['steps']} steps, {counts['custom_apis']} Custom APIs; "
              f"zip {meta['zip_bytes'] and meta['zip_bytes'] / MiB:.1f} MiB; "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return meta


def _write_customizations(dst, tmp: Path) -> int:
    total = 0

    def put(data: bytes) -> None:
        nonlocal total
        dst.write(data)
        total += len(data)

    put(f"<ImportExportXml {XSI}>\r\n".encode())
    for name in SECTIONS:
        path = tmp / f"{name}.xml"
        if path.stat().st_size == 0:
            put(f"  <{name} />\r\n".encode())
            continue
        put(f"  <{name}>\r\n".encode())
        with open(path, "rb") as src:
            while chunk := src.read(4 * MiB):
                put(chunk)
        put(f"  </{name}>\r\n".encode())
    put(b"</ImportExportXml>")
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, required=True, help="target MiB of XML (customizations.xml dominates)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output folder (solution.zip, unpacked/, meta.json)")
    ap.add_argument("--name", help="solution unique name (default DvsaBench<seed>)")
    ap.add_argument("--formats", default="zip,folder", help="zip, folder or both (default zip,folder)")
    ap.add_argument("--defect-rate", type=float, default=0.05,
                    help="share of modules with one deliberate mistake (default 0.05)")
    ap.add_argument("--compresslevel", type=int, default=6)
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    formats = {f.strip() for f in args.formats.split(",") if f.strip()}
    if not formats or formats - {"zip", "folder"}:
        ap.error("--formats takes zip, folder or zip,folder")
    generate(Path(args.out), args.size_mb, args.seed, unique=args.name, folder="folder" in formats,
             zip_file="zip" in formats, defect_rate=args.defect_rate, compresslevel=args.compresslevel,
             quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
