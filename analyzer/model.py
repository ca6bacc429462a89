"""The typed model of a solution package: frozen dataclasses, no parsing, no networkx.

Every component has a stable ``key`` ``<kind>:<identity>``: the lower-case GUID without
braces where the component has an id, otherwise its unique or logical name lower-cased.
Keys survive re-export, so findings, baselines and diagrams use them, never line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from analyzer.platform import (
    ComponentType,
    ImageType,
    Managed,
    Mode,
    ProcessCategory,
    ProcessMode,
    ProcessState,
    Stage,
)


def version_key(version: str) -> tuple[int, ...] | None:
    """A solution version for comparing: ``1.2.0.3`` as (1, 2, 0, 3), missing parts as 0 (``20260130.2`` is
    (20260130, 2, 0, 0)); None when a part is not a number, so there is nothing to compare."""
    parts = version.strip().split(".")
    if not 1 <= len(parts) <= 4 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts) + (0,) * (4 - len(parts))


def norm_id(value: str | None) -> str | None:
    """``{20BEBB1B-…}`` and ``20bebb1b-…`` are the same id: strip braces, lower-case."""
    if value is None:
        return None
    value = value.strip().strip("{}").strip().lower()
    return value or None


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a component is written: the package member (``Workflows/x.xaml.data.xml``) and line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """Fields every component has. ``kind`` is a class constant, ``key`` is derived."""

    KIND: ClassVar[str] = "component"
    LABEL: ClassVar[str] = "component"  # what people call it in the maker portal

    ident: str  # lower-case id or name; the part of the key after the colon
    name: str
    solution: str
    source: SourceLocation | None = None
    # What its definition says, hashed by the reader (analyzer/reader/digest.py) as (part, digest): "record" its
    # own XML record, "definition" a process's XAML or JSON body, "content" a web resource's file, "form:<id>",
    # "view:<id>" and "ribbon" a table's forms, views and ribbon diff. Compared by ``digest_changes``.
    digests: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    @property
    def kind(self) -> str:
        return self.KIND

    @property
    def key(self) -> str:
        return f"{self.KIND}:{self.ident}"

    @property
    def display(self) -> str:
        return f"{self.LABEL} '{self.name}'"


def digest_changes(old: Component, new: Component) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parts of a component's definition that changed between two versions, and the parts only one side
    has a digest of (a body one package carries and the other does not: not known to be the same). The one
    place that decides what the digests mean; `dvsa diff` and DV503 both ask it."""
    before, after = dict(old.digests), dict(new.digests)
    changed = tuple(part for part in before if part in after and before[part] != after[part])
    one_sided = tuple(sorted(set(before) ^ set(after)))
    return changed, one_sided


def _root_set(s: Solution) -> set[tuple[str, str, int | None]]:
    return {(rc.type, norm_id(rc.id) or (rc.schema_name or "").lower(), rc.behavior) for rc in s.root_components}


def same_content(old: Solution, new: Solution) -> bool:
    """Whether two versions of a solution are known to carry the same content, the version number aside: the
    same publisher, managed flag, root components and components, and no component whose digests differ or
    are known on one side only. A component the reader keeps no digest of (a root component of a kind it does
    not read) is compared by its presence alone."""
    if (old.publisher, old.prefix, old.managed) != (new.publisher, new.prefix, new.managed) \
            or _root_set(old) != _root_set(new):
        return False
    before = {c.key: c for c in old.components}
    after = {c.key: c for c in new.components}
    if set(before) != set(after):
        return False
    return not any(any(digest_changes(before[key], after[key])) for key in before)


# --- processes -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class InvokedMessage:
    """A message a XAML process calls (``InvokeSdkMessageActivity``): usually a custom action."""

    message_id: str | None
    message_name: str | None
    entity: str | None = None


@dataclass(frozen=True, slots=True)
class FlowCall:
    """A Dataverse ``Perform(Un)BoundAction[WithOrganization]`` in a cloud flow."""

    action_name: str  # namespace prefix ``Microsoft.Dynamics.CRM.`` already stripped
    operation: str
    bound: bool
    entity_set: str | None = None
    step_name: str | None = None  # the flow action's own name, e.g. "Run_Evaluate"


@dataclass(frozen=True, slots=True)
class FlowTrigger:
    """What starts a cloud flow: a custom message, a row change, a button, a schedule…"""

    kind: str  # "message" | "row" | "manual" | "recurrence" | "other"
    operation: str | None = None
    message: str | None = None  # BusinessEventsTrigger sdkmessagename
    entity: str | None = None  # logical name, or entity-set name as the flow wrote it
    row_message: str | None = None  # SubscribeWebhookTrigger: 1 create, 2 delete, 3 update, 4 create or update…


@dataclass(frozen=True, slots=True)
class ActionArgument:
    """A caller-visible argument of a custom process action, from its XAML ``<x:Members>``.

    The platform-provided members (``InputEntities``, ``CreatedEntities``) and the Target of an
    entity-bound action are not arguments callers pass, so the reader leaves them out."""

    name: str
    direction: str  # "input" | "output"
    type_label: str  # "String", "EntityReference", "Picklist"…; an unknown XAML type as written
    required: bool = False
    entity: str | None = None  # ArgumentEntityAttribute: the table of an EntityReference / Entity argument


@dataclass(frozen=True, slots=True, kw_only=True)
class Workflow(Component):
    """Any process record (``<Workflow>``): classic workflow, business rule, action, BPF, flow…"""

    KIND: ClassVar[str] = "workflow"
    LABEL: ClassVar[str] = "process"

    unique_name: str | None = None
    category: int | None = None
    category_name: str = "unknown"
    mode: int | None = None  # 0 background, 1 real-time
    scope: int | None = None
    state_code: int | None = None  # 0 draft, 1 activated
    status_code: int | None = None
    subprocess: bool = False
    on_demand: bool = False
    trigger_on_create: bool = False
    trigger_on_delete: bool = False
    trigger_on_update_attributes: tuple[str, ...] = ()
    create_stage: int | None = None
    update_stage: int | None = None
    delete_stage: int | None = None
    primary_entity: str | None = None
    run_as: int | None = None
    is_transacted: bool | None = None
    # Actions: <IsCustomProcessingStepAllowedForOtherPublishers>; None when the export does not write it (older ones)
    steps_allowed_for_other_publishers: bool | None = None
    sdk_message_id: str | None = None
    message_name: str | None = None  # custom action: ``<prefix>_<UniqueName>``
    body_path: str | None = None  # package member of the XAML/JSON body
    body_missing: bool = False  # neither the package nor the mapping file provides the body
    body_mapped_to: str | None = None  # the file a mapping provides it from (or the pattern it does not find)
    custom_activities: tuple[str, ...] = ()  # assembly-qualified names from XAML
    invoked_messages: tuple[InvokedMessage, ...] = ()
    child_workflows: tuple[str, ...] = ()  # workflow ids
    has_steps: bool | None = None  # XAML: any activity in <mxswa:Workflow>; None without a XAML body
    flow_calls: tuple[FlowCall, ...] = ()
    flow_triggers: tuple[FlowTrigger, ...] = ()
    connection_references: tuple[str, ...] = ()  # logical names, lower-case
    arguments: tuple[ActionArgument, ...] = ()  # XAML: an action's input and output arguments, in file order

    @property
    def state(self) -> str:
        return ProcessState.ACTIVATED.label if self.state_code == ProcessState.ACTIVATED else ProcessState.DRAFT.label

    @property
    def is_action(self) -> bool:
        return self.category == ProcessCategory.ACTION

    @property
    def activates_in_real_time(self) -> bool:
        """Importing it activates a real-time process: an activated action, or an activated real-time classic
        workflow. Activating one needs Activate Real-time Processes (prvActivateSynchronousWorkflow)."""
        if self.state_code != ProcessState.ACTIVATED:
            return False
        return self.is_action or (self.category == ProcessCategory.WORKFLOW and self.mode == ProcessMode.REAL_TIME)

    @property
    def is_flow(self) -> bool:
        """A cloud or desktop flow: Power Automate, where on/off is a deployment setting."""
        return self.category is not None and ProcessCategory(self.category).is_flow

    @property
    def display(self) -> str:
        label = ProcessCategory(self.category).label if self.category is not None else "process"
        if self.is_action and self.message_name:
            return f"action {self.message_name}"
        return f"{label} '{self.name}'"


# --- plug-ins --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class PluginAssembly(Component):
    KIND: ClassVar[str] = "plugin_assembly"
    LABEL: ClassVar[str] = "plug-in assembly"

    full_name: str = ""
    version: str | None = None
    public_key_token: str | None = None
    isolation_mode: int | None = None  # 1 none, 2 sandbox
    source_type: int | None = None  # 0 database, 1 disk, 2 normal, 3 AzureWebApp, 4 file store
    file_path: str | None = None
    file_missing: bool = False  # neither the package nor the mapping file provides the file
    file_mapped_to: str | None = None  # the file a mapping provides it from (or the pattern it does not find)
    # a missing .dll a pac solution project builds: "<project>.csproj (ProjectReference of <x>.cdsproj)"
    file_built_by: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginType(Component):
    KIND: ClassVar[str] = "plugin_type"
    LABEL: ClassVar[str] = "plug-in type"

    type_name: str = ""  # full .NET class name
    assembly_name: str = ""
    assembly_key: str = ""
    assembly_qualified_name: str = ""
    friendly_name: str | None = None
    workflow_activity_group: str | None = None

    @property
    def is_workflow_activity(self) -> bool:
        return self.workflow_activity_group is not None

    @property
    def display(self) -> str:
        label = "custom workflow activity" if self.is_workflow_activity else "plug-in type"
        return f"{label} {self.type_name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginPackage(Component):
    """A plug-in package (``pluginpackages/<uniquename>/pluginpackage.xml``): the NuGet package that holds
    plug-in assemblies and their dependent assemblies. Dataverse registers its assemblies and types when the
    package is uploaded, so an export need not list them; ``ident`` is the lower-case unique name."""

    KIND: ClassVar[str] = "plugin_package"
    LABEL: ClassVar[str] = "plug-in package"

    unique_name: str = ""
    version: str | None = None
    file_path: str | None = None  # package member of the .nupkg, when the export names one
    file_missing: bool = False

    @property
    def display(self) -> str:
        return f"plug-in package {self.unique_name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class StepImage(Component):
    KIND: ClassVar[str] = "step_image"
    LABEL: ClassVar[str] = "step image"

    step_key: str = ""
    image_type: int | None = None  # 0 pre, 1 post, 2 both
    alias: str | None = None
    attributes: tuple[str, ...] = ()
    message_property: str | None = None

    @property
    def image_type_name(self) -> str:
        return ImageType(self.image_type).label if self.image_type is not None else "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class Step(Component):
    """An SdkMessageProcessingStep: a plug-in registered on a message, table and stage."""

    KIND: ClassVar[str] = "step"
    LABEL: ClassVar[str] = "step"

    message_id: str | None = None  # SdkMessageId; which message it names is the graph's answer (analyzer.messages)
    primary_entity: str | None = None
    secondary_entity: str | None = None
    stage: int | None = None
    mode: int | None = None  # 0 sync, 1 async
    rank: int | None = None
    filtering_attributes: tuple[str, ...] = ()
    plugin_type_id: str | None = None
    plugin_type_name: str | None = None  # assembly-qualified
    invocation_source: int | None = None
    enabled: bool = True
    async_auto_delete: bool = False
    impersonating_user_id: str | None = None
    configuration: str | None = None  # unsecure configuration passed to the plug-in's constructor
    images: tuple[StepImage, ...] = ()

    @property
    def stage_name(self) -> str:
        return Stage(self.stage).label if self.stage is not None else "stage None"

    @property
    def mode_name(self) -> str:
        return Mode(self.mode).label if self.mode is not None else "mode None"

    @property
    def display(self) -> str:
        return f"step '{self.name}' ({self.stage_name}, {self.mode_name})"


@dataclass(frozen=True, slots=True, kw_only=True)
class DataProvider(Component):
    """A virtual table data provider (``EntityDataProviders/{id}.xml`` unpacked, ``<EntityDataProviders>
    <EntityDataProvider>`` in customizations.xml): the plug-in types that run each operation on the virtual tables
    whose data source is ``data_source``. ``ident`` is the provider id."""

    KIND: ClassVar[str] = "data_provider"
    LABEL: ClassVar[str] = "virtual table data provider"

    data_source: str | None = None  # DataSourceLogicalName: the data source table, lower-case
    # (operation, plug-in type id, type name) for each operation the provider implements, in
    # DATA_PROVIDER_OPERATIONS order: the export writes the type's id (lower-case here) or its full class name
    plugin_types: tuple[tuple[str, str | None, str | None], ...] = ()

    @property
    def display(self) -> str:
        return f"virtual table data provider '{self.name}'"


# The operations a data provider names a plug-in type for: the element is ``<Operation>PluginTypeId``.
DATA_PROVIDER_OPERATIONS = ("Retrieve", "RetrieveMultiple", "Create", "Update", "Delete")


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalog(Component):
    """A business events catalog or category (``catalogs/<uniquename>/catalog.xml``); ``ident`` is the lower-case
    unique name. A category names its parent catalog."""

    KIND: ClassVar[str] = "catalog"
    LABEL: ClassVar[str] = "catalog"

    unique_name: str = ""
    parent: str | None = None  # the parent catalog's unique name, lower-case

    @property
    def display(self) -> str:
        return f"catalog '{self.name}'"


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogAssignment(Component):
    """One ``<catalogassignment>`` of ``Assets/catalogassignments.xml``: a table, Custom API or custom process
    action offered as a business event in a catalog. ``ident`` is ``<catalog>/<object type>/<object>``,
    lower-case: the file gives an assignment no id."""

    KIND: ClassVar[str] = "catalog_assignment"
    LABEL: ClassVar[str] = "catalog assignment"

    catalog: str = ""  # catalogid.uniquename, lower-case
    object_type: str = ""  # objectidtype: "entity" | "customapi" | "workflow"
    object: str = ""  # object.logicalname / object.uniquename / object.workflowid, lower-case (id without braces)

    @property
    def display(self) -> str:
        return f"catalog assignment '{self.name}'"


# --- Custom APIs -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class CustomApiField(Component):
    """Shared shape of request parameters and response properties."""

    api_key: str = ""
    unique_name: str = ""
    type: int | None = None
    is_optional: bool | None = None  # None: no <isoptional> element (response properties never have one)
    entity_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomApiRequestParameter(CustomApiField):
    KIND: ClassVar[str] = "custom_api_request_parameter"
    LABEL: ClassVar[str] = "request parameter"


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomApiResponseProperty(CustomApiField):
    KIND: ClassVar[str] = "custom_api_response_property"
    LABEL: ClassVar[str] = "response property"


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomApi(Component):
    KIND: ClassVar[str] = "custom_api"
    LABEL: ClassVar[str] = "Custom API"

    unique_name: str = ""
    display_name: str | None = None
    binding_type: int | None = None  # 0 global, 1 entity, 2 entity collection
    bound_entity: str | None = None
    is_function: bool = False
    is_private: bool = False
    enabled_for_workflow: bool = False
    allowed_step_type: int | None = None  # 0 none, 1 async only, 2 sync and async
    execute_privilege: str | None = None
    plugin_type_id: str | None = None
    request_parameters: tuple[CustomApiRequestParameter, ...] = ()
    response_properties: tuple[CustomApiResponseProperty, ...] = ()

    @property
    def display(self) -> str:
        return f"Custom API {self.unique_name}"


# --- everything else ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class Entity(Component):
    KIND: ClassVar[str] = "entity"
    LABEL: ClassVar[str] = "table"

    logical_name: str = ""
    schema_name: str | None = None
    entity_set_name: str | None = None
    display_name: str | None = None
    attributes: tuple[str, ...] = ()  # logical names (lower-case) of the columns the package defines
    forms: tuple[tuple[str, str], ...] = ()  # (form id, form name) of its system forms
    views: tuple[tuple[str, str], ...] = ()  # (view id, view name) of its saved queries
    # Its forms and views in full and its ribbon diff's script commands: graph nodes (``form:<id>``, ``view:<id>``,
    # ``ribbon_command:<table>/<command id>``), not components of the solution themselves.
    form_details: tuple[Form, ...] = field(default=(), repr=False)
    view_details: tuple[View, ...] = field(default=(), repr=False)
    ribbon_commands: tuple[RibbonCommand, ...] = field(default=(), repr=False)

    @property
    def display(self) -> str:
        return f"table {self.logical_name}"


@dataclass(frozen=True, slots=True)
class EventHandler:
    """A function a form runs on an event: ``<event name="onload"><Handlers><Handler functionName=…
    libraryName=…/>``. ``control`` is the column or control whose event it is (``onchange``), if any."""

    event: str
    library: str  # web resource name, lower-case
    function: str
    control: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Form(Component):
    """A form of a table (``<systemform>`` in ``FormXml``); ``ident`` is the form id. The form libraries it
    loads and the columns its controls show are web resource and column names, lower-case."""

    KIND: ClassVar[str] = "form"
    LABEL: ClassVar[str] = "form"

    table: str = ""  # logical name
    table_name: str = ""  # the table's display name, as the maker portal shows it
    form_type: str | None = None  # main, quick, card… (the FormXml folder or <forms type=…>)
    libraries: tuple[str, ...] = ()  # <formLibraries><Library name=…/>, in file order
    handlers: tuple[EventHandler, ...] = ()
    columns: tuple[str, ...] = ()  # <control datafieldname=…>, sorted, unique
    web_resources: tuple[str, ...] = ()  # web resource controls: <control …><parameters><Url>name</Url>

    @property
    def display(self) -> str:
        return f"form '{self.name}' of table '{self.table_name or self.table}'"


@dataclass(frozen=True, slots=True, kw_only=True)
class View(Component):
    """A view of a table (``<savedquery>``: ``SavedQueries/{id}.xml`` unpacked, inside ``<Entity><SavedQueries>``
    zipped); ``ident`` is the view id. ``columns``: (table, column) its ``fetchxml`` (attributes, orders,
    conditions, link-entity from/to, on the linked table's own columns) and ``layoutxml`` cells name."""

    KIND: ClassVar[str] = "view"
    LABEL: ClassVar[str] = "view"

    table: str = ""
    table_name: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # sorted, unique, lower-case

    @property
    def display(self) -> str:
        return f"view '{self.name}' of table '{self.table_name or self.table}'"


@dataclass(frozen=True, slots=True)
class ScriptFunction:
    """A JavaScript function a ribbon command runs: ``<JavaScriptFunction Library="$webresource:x.js"
    FunctionName="f"/>`` in its ``<Actions>`` (``rule`` None), or a ``<CustomRule Library=… FunctionName=…/>``
    of an enable or display rule the command names (``rule`` is that rule's id)."""

    library: str  # web resource name, lower-case, without "$webresource:"
    function: str
    rule: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RibbonCommand(Component):
    """A ``<CommandDefinition>`` of a ribbon diff (``RibbonDiffXml``, ``Entities/<T>/RibbonDiff.xml``): a
    button's command. ``ident`` is ``<table>/<command id>`` lower-case (``application/…`` for the
    application ribbon); ``functions`` the scripts it runs or asks, in file order. Script-call parsing
    (what a function then calls) starts from here: library + function name."""

    KIND: ClassVar[str] = "ribbon_command"
    LABEL: ClassVar[str] = "ribbon command"

    command_id: str = ""  # as written, e.g. "contoso.approvalrequest.Submit.Command"
    table: str | None = None  # logical name; None for the application ribbon
    table_name: str = ""  # the table's display name
    functions: tuple[ScriptFunction, ...] = ()

    @property
    def display(self) -> str:
        where = f" of table '{self.table_name or self.table}'" if self.table else " of the application ribbon"
        return f"ribbon command '{self.command_id}'{where}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityRole(Component):
    KIND: ClassVar[str] = "security_role"
    LABEL: ClassVar[str] = "security role"

    privileges: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionReference(Component):
    KIND: ClassVar[str] = "connection_reference"
    LABEL: ClassVar[str] = "connection reference"

    logical_name: str = ""
    connector_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EnvironmentVariable(Component):
    KIND: ClassVar[str] = "environment_variable"
    LABEL: ClassVar[str] = "environment variable"

    schema_name: str = ""
    type: int | None = None
    is_required: bool = False
    default_value: str | None = None  # <defaultvalue>
    value: str | None = None  # the current value the solution carries (environmentvariablevalues.json)


@dataclass(frozen=True, slots=True, kw_only=True)
class WebResource(Component):
    KIND: ClassVar[str] = "web_resource"
    LABEL: ClassVar[str] = "web resource"

    display_name: str | None = None
    type: int | None = None
    file_path: str | None = None
    file_missing: bool = False  # neither the package nor the mapping file provides the file
    file_mapped_to: str | None = None  # the file a mapping provides it from (or the pattern it does not find)
    # <DependencyXml><Dependencies><Dependency componentType="WebResource"><Library name=…/>: the web
    # resources it loads, declared (names, lower-case)
    dependencies: tuple[str, ...] = ()
    # <Dependency componentType="Attribute"><Attribute attributeName=… entityName=…/>: (table, column) a script
    # declares it uses
    column_dependencies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionSet(Component):
    """A global option set (OptionSets/<name>.xml, or ``<optionsets>`` in customizations.xml); ``ident`` is its
    lower-case name. The maker portal calls it a choice."""

    KIND: ClassVar[str] = "option_set"
    LABEL: ClassVar[str] = "choice"

    display_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherComponent(Component):
    """A root component of a kind the model does not describe: kept so the inventory is complete."""

    KIND: ClassVar[str] = "other"
    LABEL: ClassVar[str] = "component"

    type_code: str = ""
    behavior: int | None = None
    # A site map (62) or model-driven app (80): the web resources it shows (site map Url / Icon / VectorIcon
    # "$webresource:…" or "/WebResources/…" names; an app's icon WebResourceId, as "id:<guid>"), lower-case
    web_resources: tuple[str, ...] = ()
    parent: str = ""  # a form's or view's table, as the maker portal names it
    label: str = ""  # what it is when its type code does not say: a dashboard is a form (60) of no table

    @property
    def noun(self) -> str | None:
        """What the maker portal calls it ("form", "dashboard", "site map"), when dvsa knows."""
        return self.label or _OTHER_NOUNS.get(self.type_code)

    @property
    def display(self) -> str:
        if self.ident == DEFAULT_SITE_MAP:
            return self.name
        of = f" of table '{self.parent}'" if self.parent else ""
        return f"{self.noun} '{self.name}'{of}" if self.noun else f"component '{self.name}' (type {self.type_code})"


# The environment's own site map (Other/SiteMap.xml, <SiteMap> in customizations.xml): a root component of type 62
# with neither id nor name.
DEFAULT_SITE_MAP = f"{ComponentType.SITE_MAP.code}:default"
_OTHER_NOUNS = {ComponentType.SITE_MAP.code: "site map", ComponentType.MODEL_DRIVEN_APP.code: "model-driven app",
                ComponentType.SYSTEM_FORM.code: "form", ComponentType.SAVED_QUERY.code: "view",
                "appaction": "app action"}


# --- code that calls messages (analyzer/code reads it) -----------------------------------

@dataclass(frozen=True, slots=True)
class MessageCall:
    """A call to a message written in code: a script's ``Xrm.WebApi.execute`` request or Web API URL, a C#
    ``OrganizationRequest``. ``message`` is None and ``dynamic`` True when the code computes the name at run
    time: "dynamic, not resolved", never guessed."""

    message: str | None
    dynamic: bool
    parameters: tuple[str, ...]  # the parameter names passed
    source: SourceLocation  # the file and line of the call
    caller: str  # the script (web resource name or source file) or class that calls
    language: str = "javascript"  # "javascript" | "typescript" | "csharp"
    # "execute": a request object's getMetadata(); "url": an unbound Web API URL, which names a message or a
    # table's entity set alike; "relative url": a path given to an HTTP helper (``/<name>``), likewise;
    # "qualified url": …/Microsoft.Dynamics.CRM.<message>; "request": C# (analyzer.code.webapi)
    via: str = "execute"
    operation_type: str | None = None  # "action" | "function"; None when the code does not say
    bound: bool | None = None  # None when the code does not say
    bound_entity_set: str | None = None  # as a URL names it ("accounts")
    bound_entity: str | None = None  # logical name, as a request's entity.entityType names it
    parameters_known: bool = False  # True when ``parameters`` are all the call passes


@dataclass(frozen=True, slots=True)
class CodeHandler:
    """A class that handles a message (a plug-in class): the input keys it reads and output keys it writes."""

    type_name: str  # namespace + class name, the plug-in type name
    reads: tuple[tuple[str, SourceLocation], ...]  # (input key, where it is first read)
    writes: tuple[tuple[str, SourceLocation], ...]  # (output key, where it is first written)
    source: SourceLocation


@dataclass(frozen=True, slots=True)
class RegistrationImage:
    name: str  # spkl's ImageNName: the image's entity alias
    attributes: tuple[str, ...]  # ImageNAttributes, lower-case, sorted
    image_type: int | None  # ImageNType: 0 pre, 1 post, 2 both


@dataclass(frozen=True, slots=True)
class Registration:
    """A step registered in code: spkl's ``[CrmPluginRegistration(...)]`` on a plug-in class, its fields named
    as spkl names them. Values not written as literals are None; ``stage``, ``execution_mode`` and image types
    are the step's platform values (stage 40, mode 1 async)."""

    type_name: str  # the class it is on: namespace + class name
    source: SourceLocation
    workflow_activity: bool = False  # the five-argument form: a custom workflow activity, no step
    message: str | None = None
    entity_logical_name: str | None = None  # "none" in spkl means no table
    stage: int | None = None
    execution_mode: int | None = None  # 0 sync, 1 async
    filtering_attributes: tuple[str, ...] = ()  # lower-case, sorted
    name: str | None = None  # the step name (stepName), or the activity's name
    execution_order: int | None = None
    id: str | None = None  # lower-case, without braces
    images: tuple[RegistrationImage, ...] = ()
    friendly_name: str | None = None
    group_name: str | None = None


@dataclass(frozen=True, slots=True)
class CodeFile:
    """One parsed source file: a script web resource's content, or a file under ``--sources``."""

    path: str  # as shown in findings: the package member, the mapped file, or DIR/relative path
    language: str  # "javascript" | "typescript" | "csharp"
    calls: tuple[MessageCall, ...] = ()
    handlers: tuple[CodeHandler, ...] = ()
    web_resource: str | None = None  # key of the web resource whose content this is
    registrations: tuple[Registration, ...] = ()  # C#: spkl's [CrmPluginRegistration] attributes
    skipped: str | None = None  # why the file was not parsed ("binary files": analyzer.code.bounds), else None
    # C#: the plug-in types whose steps this file's code registers at run time (it creates
    # ``sdkmessageprocessingstep`` records): each ``typeof(X)`` operand or string literal, with where it is written
    step_types: tuple[tuple[str, SourceLocation], ...] = ()


# --- the solution ------------------------------------------------------------------------

# RootComponent types the model describes in full; any other type is kept as OtherComponent.
# Codes: componenttype choices, https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/solutioncomponent
MODELLED_ROOT_TYPES = {ComponentType.ENTITY.code: "entity", ComponentType.ROLE.code: "security_role",
                       ComponentType.WORKFLOW.code: "workflow", ComponentType.WEB_RESOURCE.code: "web_resource",
                       ComponentType.PLUGIN_ASSEMBLY.code: "plugin_assembly",
                       ComponentType.SDK_MESSAGE_PROCESSING_STEP.code: "step"}


@dataclass(frozen=True, slots=True)
class RootComponent:
    type: str  # numeric code as text ("29") or, rarely, a name
    id: str | None = None
    schema_name: str | None = None
    behavior: int | None = None
    source: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class DependencyNode:
    """One side of a MissingDependency. ``type`` is numeric ("90") or a name ("CustomAPI")."""

    type: str
    id: str | None = None
    schema_name: str | None = None
    display_name: str | None = None
    parent_display_name: str | None = None  # e.g. the table of a form or attribute
    solution: str | None = None  # "Active" = unmanaged layer; "Name (version)" otherwise
    ids: tuple[tuple[str, str], ...] = ()  # string-typed nodes: ("uniquename", "cat_X"), …
    parent_schema_name: str | None = None  # the table of an attribute, form or view


@dataclass(frozen=True, slots=True)
class MissingDependency:
    required: DependencyNode
    dependent: DependencyNode
    source: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class Solution:
    unique_name: str
    version: str
    managed: int  # 0 unmanaged, 1 managed, 2 both (pac --packagetype Both)
    publisher: str
    prefix: str
    path: str  # what the user passed
    layout: str  # "zip" | "unpacked" | "extracted"
    display_name: str | None = None
    option_value_prefix: str | None = None
    package_version: str | None = None  # SolutionPackageVersion
    generated_by: str | None = None
    root_components: tuple[RootComponent, ...] = ()
    missing_dependencies: tuple[MissingDependency, ...] = ()
    components: tuple[Component, ...] = field(default=(), repr=False)
    # Components whose key was already taken by an earlier one (the same WorkflowId in customizations.xml and in
    # a Workflows/*.data.xml, two steps with one id…): the first is kept in ``components``, each later one is
    # listed here as (key, where it is written) so a rule can report it.
    duplicates: tuple[tuple[str, SourceLocation], ...] = ()
    # The parsed content of its script (JavaScript) web resources: the messages they call (analyzer/code).
    code: tuple[CodeFile, ...] = field(default=(), repr=False)
    # SolutionPackager mapping files beside or above an unpacked folder that lacks files, when none was used
    mapping_hints: tuple[str, ...] = ()

    @property
    def managed_name(self) -> str:
        return Managed(self.managed).label if isinstance(self.managed, int) else str(self.managed)

    def of_kind(self, kind: str) -> list[Component]:
        return [c for c in self.components if c.KIND == kind]
