"""Dataverse choice values as types: one home for every platform number the analyzer decides on.

Each enum is one Dataverse choice column (or SDK constant) with the Microsoft Learn page that lists
its values, and the label findings and reports show for each value. Exports from newer platform
versions may carry values this table does not know: ``Stage(35)`` or ``Stage.parse(35)`` returns a
pseudo-member labelled "stage 35" instead of raising, so a reader or rule never fails on them.

Limits (MAX_DEPTH, SANDBOX_TIMEOUT_SECONDS) and message-level facts stay in ``sdk_messages``.
Pure data; no imports beyond the standard library.
"""

from __future__ import annotations

from enum import IntEnum


class Choice(IntEnum):
    """A choice value with the label people see; unknown values become labelled pseudo-members."""

    label: str

    def __new__(cls, value: int, label: str):
        member = int.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def unknown_label(cls, value: int) -> str:
        """Label of a value this table does not list; each enum words it as its messages need."""
        return f"{value}"

    @classmethod
    def _missing_(cls, value):
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        pseudo = int.__new__(cls, value)
        pseudo._value_ = value
        pseudo._name_ = f"UNKNOWN_{value}"
        pseudo.label = cls.unknown_label(value)
        # Cached so the same unknown value is the same object, like a real member.
        return cls._value2member_map_.setdefault(value, pseudo)

    @classmethod
    def parse(cls, value: int | str | None):
        """The member (or pseudo-member) for ``value``; None when there is no number: None, "", "CustomAPI"."""
        if isinstance(value, str):
            value = value.strip()
            if not value.lstrip("-").isdigit():
                return None
            value = int(value)
        if value is None:
            return None
        return cls(value)

    @property
    def known(self) -> bool:
        """True for a value the platform documents (and this table lists)."""
        return self._name_ in type(self)._member_map_

    @property
    def code(self) -> str:
        """The value as solution files write it in text: ``"29"``."""
        return str(int(self))


# The privilege "Activate Real-time Processes": activating an action or a real-time workflow needs it.
#   https://learn.microsoft.com/power-automate/create-real-time-workflows
ACTIVATE_REAL_TIME = "prvActivateSynchronousWorkflow"


# ---------------------------------------------------------------------------
# Plug-in assemblies
# ---------------------------------------------------------------------------

class IsolationMode(Choice):
    """pluginassembly.isolationmode: 1 None, 2 Sandbox, 3 External.
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/pluginassembly
    """

    NONE = 1, "None"
    SANDBOX = 2, "Sandbox"
    EXTERNAL = 3, "External"

    @classmethod
    def unknown_label(cls, value: int) -> str:
        return f"isolation mode {value}"


class AssemblySource(Choice):
    """pluginassembly.sourcetype: where the platform loads the assembly from.
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/pluginassembly
    """

    DATABASE = 0, "Database"
    DISK = 1, "Disk"
    NORMAL = 2, "Normal (GAC)"
    AZURE_WEB_APP = 3, "AzureWebApp"
    FILE_STORE = 4, "File Store"

    @classmethod
    def unknown_label(cls, value: int) -> str:
        return f"source type {value}"


# ---------------------------------------------------------------------------
# Plug-in steps
# ---------------------------------------------------------------------------

class Stage(Choice):
    """sdkmessageprocessingstep.stage.

    The table reference also lists internal-only stages 5/15/25/35/45/55/80/90, which never appear in
    customer steps and are left out (they parse as "stage 35"). 30 is the platform's main operation,
    "for internal use only": a Custom API's own plug-in runs there (per the use-messages page), a
    registered step never does. 50 is the CRM 4.0-era post-operation stage, labelled deprecated.
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstep
      https://learn.microsoft.com/power-apps/developer/data-platform/event-framework#event-execution-pipeline
      https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.ipluginexecutioncontext.stage
        (valid values 10, 20, 40 and 50 "post-operation, deprecated")
    """

    PRE_VALIDATION = 10, "PreValidation"
    PRE_OPERATION = 20, "PreOperation"
    MAIN_OPERATION = 30, "MainOperation"
    POST_OPERATION = 40, "PostOperation"
    POST_OPERATION_DEPRECATED = 50, "PostOperation (deprecated)"

    @classmethod
    def unknown_label(cls, value: int) -> str:
        return f"stage {value}"


class Mode(Choice):
    """sdkmessageprocessingstep.mode (0 Synchronous, 1 Asynchronous).

    Asynchronous steps may only be registered in PostOperation (40).
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstep
      https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#execution-mode
    """

    SYNC = 0, "sync"
    ASYNC = 1, "async"

    @classmethod
    def unknown_label(cls, value: int) -> str:
        return f"mode {value}"


class StepState(Choice):
    """sdkmessageprocessingstep.statecode (0 Enabled, 1 Disabled).
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstep
    """

    ENABLED = 0, "enabled"
    DISABLED = 1, "disabled"


class ImageType(Choice):
    """sdkmessageprocessingstepimage.imagetype (0 PreImage, 1 PostImage, 2 Both).
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstepimage
    """

    PRE = 0, "pre"
    POST = 1, "post"
    BOTH = 2, "both"

    @classmethod
    def unknown_label(cls, value: int) -> str:
        return "unknown"

    @property
    def has_pre(self) -> bool:
        return self in (ImageType.PRE, ImageType.BOTH)

    @property
    def has_post(self) -> bool:
        return self in (ImageType.POST, ImageType.BOTH)


# ---------------------------------------------------------------------------
# Processes (workflow table)
# ---------------------------------------------------------------------------

class ProcessCategory(Choice):
    """workflow.category: 0 Workflow, 1 Dialog, 2 Business Rule, 3 Action, 4 Business Process Flow,
    5 Modern Flow (cloud flow), 6 Desktop Flow. The table reference also lists 7 "AI Flow",
    deliberately not mapped (it parses as an unknown category).
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/workflow

    ``label`` is the word in messages ("business rule"); ``key`` is the identifier the model,
    inventory and JSON use ("business_rule"), "unknown" for a value not listed.
    """

    WORKFLOW = 0, "workflow"
    DIALOG = 1, "dialog"
    BUSINESS_RULE = 2, "business rule"
    ACTION = 3, "action"
    BPF = 4, "business process flow"
    CLOUD_FLOW = 5, "cloud flow"
    DESKTOP_FLOW = 6, "desktop flow"

    @classmethod
    def unknown_label(cls, value: int) -> str:
        return "process"

    @property
    def key(self) -> str:
        return self._name_.lower() if self.known else "unknown"

    @property
    def is_flow(self) -> bool:
        """A Power Automate flow: on/off is a deployment setting there, not a design decision."""
        return self in (ProcessCategory.CLOUD_FLOW, ProcessCategory.DESKTOP_FLOW)


class ProcessMode(Choice):
    """workflow.mode of a classic workflow: 0 Background (asynchronous), 1 Real-time.
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/workflow
      https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/dn455622(v=crm.8)
        (IWorkflowContext.WorkflowMode: "0 (background/asynchronous), 1 (real-time)")
    """

    BACKGROUND = 0, "background"
    REAL_TIME = 1, "real-time"


class ProcessState(Choice):
    """workflow.statecode: 0 Draft, 1 Activated (cloud flows show them as Off and On).
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/workflow
    """

    DRAFT = 0, "draft"
    ACTIVATED = 1, "active"


# ---------------------------------------------------------------------------
# Custom APIs
# ---------------------------------------------------------------------------
# customapi.bindingtype, customapi.allowedcustomprocessingsteptype and the
# customapirequestparameter / customapiresponseproperty .type choices.
#   https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables

class BindingType(Choice):
    """customapi.bindingtype; neither it nor the bound entity can be changed after the API is saved."""

    GLOBAL = 0, "Global"
    ENTITY = 1, "Entity"
    ENTITY_COLLECTION = 2, "EntityCollection"

    @property
    def is_bound(self) -> bool:
        return self in (BindingType.ENTITY, BindingType.ENTITY_COLLECTION)


class StepTypeAllowed(Choice):
    """customapi.allowedcustomprocessingsteptype (labels as the maker portal shows them)."""

    NONE = 0, "None"  # no custom processing steps may be registered on the message
    ASYNC_ONLY = 1, "Async Only"  # only asynchronous steps
    SYNC_AND_ASYNC = 2, "Sync and Async"  # no restriction


class ParameterType(Choice):
    """customapirequestparameter.type and customapiresponseproperty.type."""

    BOOLEAN = 0, "Boolean"
    DATE_TIME = 1, "DateTime"
    DECIMAL = 2, "Decimal"
    ENTITY = 3, "Entity"
    ENTITY_COLLECTION = 4, "EntityCollection"
    ENTITY_REFERENCE = 5, "EntityReference"
    FLOAT = 6, "Float"
    INTEGER = 7, "Integer"
    MONEY = 8, "Money"
    PICKLIST = 9, "Picklist"
    STRING = 10, "String"
    STRING_ARRAY = 11, "StringArray"
    GUID = 12, "Guid"

    @classmethod
    def unknown_label(cls, value: int) -> str:
        return f"type {value}"


# A custom process action's argument types as its XAML writes them (``InArgument(mxs:Money)``, the
# namespace prefix dropped), in the Custom API vocabulary above, so an action and a Custom API read the
# same: the process designer offers the same eleven (Define process arguments,
# https://learn.microsoft.com/power-apps/maker/data-platform/configure-actions). A type not listed keeps
# the name it is written with.
XAML_ARGUMENT_TYPES = {
    "Boolean": ParameterType.BOOLEAN,
    "DateTime": ParameterType.DATE_TIME,
    "Decimal": ParameterType.DECIMAL,
    "Double": ParameterType.FLOAT,
    "Int32": ParameterType.INTEGER,
    "Money": ParameterType.MONEY,
    "OptionSetValue": ParameterType.PICKLIST,
    "String": ParameterType.STRING,
    "EntityReference": ParameterType.ENTITY_REFERENCE,
    "Entity": ParameterType.ENTITY,
    "EntityCollection": ParameterType.ENTITY_COLLECTION,
}


def xaml_argument_label(type_name: str) -> str:
    """"Money" for ``mxs:Money``; the written name for a type the table does not list."""
    local = type_name.rsplit(":", 1)[-1] if "(" not in type_name else type_name
    known = XAML_ARGUMENT_TYPES.get(local)
    return known.label if known is not None else type_name


# ---------------------------------------------------------------------------
# Solutions
# ---------------------------------------------------------------------------

class Managed(Choice):
    """solution.xml ``<Managed>``: 0 unmanaged, 1 managed; pac writes 2 for a "Both" source folder
    (``pac solution unpack --packagetype Both``), which packs into either."""

    UNMANAGED = 0, "unmanaged"
    MANAGED = 1, "managed"
    BOTH = 2, "both"


class ComponentType(Choice):
    """solutioncomponent.componenttype, with the labels the maker portal shows ("Plugin Type", "System Form"…).

    ``RootComponent type`` and ``MissingDependency`` nodes write the code as text ("29"); modern exports also
    write some node types as names (see ``COMPONENT_TYPE_NAMES``).
      https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/solutioncomponent
    """

    ENTITY = 1, "Entity"
    ATTRIBUTE = 2, "Attribute"
    RELATIONSHIP = 3, "Relationship"
    OPTION_SET = 9, "Option Set"
    ENTITY_RELATIONSHIP = 10, "Entity Relationship"
    ENTITY_KEY = 14, "Entity Key"
    PRIVILEGE = 16, "Privilege"
    ROLE = 20, "Role"
    FORM = 24, "Form"
    ORGANIZATION = 25, "Organization"
    SAVED_QUERY = 26, "Saved Query"
    WORKFLOW = 29, "Workflow"
    REPORT = 31, "Report"
    EMAIL_TEMPLATE = 36, "Email Template"
    CONTRACT_TEMPLATE = 37, "Contract Template"
    KB_ARTICLE_TEMPLATE = 38, "KB Article Template"
    MAIL_MERGE_TEMPLATE = 39, "Mail Merge Template"
    DUPLICATE_RULE = 44, "Duplicate Rule"
    ENTITY_MAP = 46, "Entity Map"
    RIBBON_CUSTOMIZATION = 50, "Ribbon Customization"
    SAVED_QUERY_VISUALIZATION = 59, "Saved Query Visualization"
    SYSTEM_FORM = 60, "System Form"
    WEB_RESOURCE = 61, "Web Resource"
    SITE_MAP = 62, "Site Map"
    CONNECTION_ROLE = 63, "Connection Role"
    HIERARCHY_RULE = 65, "Hierarchy Rule"
    CUSTOM_CONTROL = 66, "Custom Control"
    CUSTOM_CONTROL_DEFAULT_CONFIG = 68, "Custom Control Default Config"
    FIELD_SECURITY_PROFILE = 70, "Field Security Profile"
    FIELD_PERMISSION = 71, "Field Permission"
    MODEL_DRIVEN_APP = 80, "Model-driven App"
    PLUGIN_TYPE = 90, "Plugin Type"
    PLUGIN_ASSEMBLY = 91, "Plugin Assembly"
    SDK_MESSAGE_PROCESSING_STEP = 92, "SDK Message Processing Step"
    SDK_MESSAGE_PROCESSING_STEP_IMAGE = 93, "SDK Message Processing Step Image"
    SERVICE_ENDPOINT = 95, "Service Endpoint"
    ROUTING_RULE = 150, "Routing Rule"
    SLA = 152, "SLA"
    MOBILE_OFFLINE_PROFILE = 161, "Mobile Offline Profile"
    SIMILARITY_RULE = 165, "Similarity Rule"
    SDK_MESSAGE = 201, "SDK Message"
    CANVAS_APP = 300, "Canvas App"
    CONNECTOR = 371, "Connector"
    CONNECTOR_372 = 372, "Connector"
    ENVIRONMENT_VARIABLE_DEFINITION = 380, "Environment Variable Definition"
    ENVIRONMENT_VARIABLE_VALUE = 381, "Environment Variable Value"
    AI_PROJECT_TYPE = 400, "AI Project Type"
    AI_PROJECT = 401, "AI Project"
    AI_CONFIGURATION = 402, "AI Configuration"
    ENTITY_ANALYTICS_CONFIGURATION = 430, "Entity Analytics Configuration"
    ATTRIBUTE_IMAGE_CONFIGURATION = 431, "Attribute Image Configuration"
    ENTITY_IMAGE_CONFIGURATION = 432, "Entity Image Configuration"

    @classmethod
    def unknown_label(cls, value: int) -> str:
        return f"component type {value}"


# Node types that modern (pac) exports write as a name instead of a number, lower-cased, with their labels.
COMPONENT_TYPE_NAMES: dict[str, str] = {
    "customapi": "Custom API",
    "connectionreference": "Connection Reference",
    "environmentvariabledefinition": "Environment Variable Definition",
    "appaction": "App Action",  # a model-driven app's command (appactions/): its type code varies by environment
}


def component_type_label(type_text: str) -> str:
    """Maker-portal label of a component type written as a code ("90") or a name ("CustomAPI")."""
    code = ComponentType.parse(type_text)
    if code is not None:
        return code.label
    return COMPONENT_TYPE_NAMES.get(type_text.strip().lower(), f"component type {type_text}")
