"""Reference data about Dataverse SDK messages and plug-in step registrations.

A plug-in step (``SdkMessageProcessingStep``) names its message only by GUID
(``<SdkMessageId>``). Messages that ship with the platform have the same GUID in
every environment, so an offline analyzer can name them from this table. A GUID
that is not listed here is either a custom process action / Custom API message
(look it up in the solution) or a platform message we could not verify; callers
must treat it as unknown, not as an error.

Every id below was seen next to its message name in at least one public source;
sources are listed once in ``_SOURCES`` and referenced by key on each entry.
Nothing here was guessed from the GUID pattern.

Pure data plus two lookup helpers; no third-party imports.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Sources (facts only were taken from these; no text was copied)
# ---------------------------------------------------------------------------
_SOURCES: dict[str, str] = {
    # Microsoft Learn, "Use messages with the SDK for .NET" (Organization service).
    # Its Web API sample responses pair sdkmessageid with the message name for
    # every message the account table supports, and give the id returned for a
    # query filtered on name eq 'RetrieveUnpublishedMultiple'.
    # Repo copy: MicrosoftDocs/powerapps-docs,
    #   powerapps-docs/developer/data-platform/org-service/use-messages.md
    "learn-use-messages": "https://learn.microsoft.com/power-apps/developer/data-platform/org-service/use-messages",
    # Real solution package, corpus item #1 (carltoncolter/dyn-req-mgmt @ d152bbec):
    #   SolutionPackage/package/SdkMessageProcessingSteps/{60f455a2-...}.xml "PreCreate Account",
    #   {b3a632a7-...}.xml "Post Create Email" -> Create; {175b27a2-...}.xml
    #   "Post Update Approval Action" (FilteringAttributes statuscode) -> Update.
    "corpus-1": "github.com/carltoncolter/dyn-req-mgmt SolutionPackage/package/SdkMessageProcessingSteps/",
    # Real solution package, corpus item #18 (microsoft/Dynamics365-Apps-Samples @ 656a881a):
    #   samples-from-msdn/CustomPricePlug-In/SampleCalculatePricePlugin_1_0_0_0_managed.zip,
    #   customizations.xml step "Microsoft.Crm.Sdk.Samples.CalculatePricePlugin: CalculatePrice of  any Entity".
    "corpus-18": (
        "github.com/microsoft/Dynamics365-Apps-Samples "
        "samples-from-msdn/CustomPricePlug-In/SampleCalculatePricePlugin_1_0_0_0_managed.zip"
    ),
    # Public C# plug-in deployment tool (class RegisterPlugins, namespace
    # ZD365DT.DeploymentTool.Utils.Plugin). It keeps a name -> id cache of
    # "the most commonly used" messages: create, delete, execute, setstate,
    # setstatedynamicentity, update. The code-search index that returned it
    # (file id 2882062177) does not expose the repository name.
    "zd365dt-registerplugins": (
        "public GitHub C# file ZD365DT.DeploymentTool.Utils.Plugin.RegisterPlugins "
        "(code index id 2882062177)"
    ),
}

# ---------------------------------------------------------------------------
# Built-in SDK message ids: lower-case GUID without braces -> message name
# ---------------------------------------------------------------------------
MESSAGES: dict[str, str] = {
    "8cbdbb1b-ea3e-db11-86a7-000a3a5473e8": "Assign",  # learn-use-messages
    "9ebdbb1b-ea3e-db11-86a7-000a3a5473e8": "Create",  # learn-use-messages, corpus-1, zd365dt-registerplugins
    "a1bdbb1b-ea3e-db11-86a7-000a3a5473e8": "Delete",  # learn-use-messages, zd365dt-registerplugins
    # Execute: Learn's event-framework page says not to register extensions for it
    # (every operation passes through it). Single source for the id.
    "a6bdbb1b-ea3e-db11-86a7-000a3a5473e8": "Execute",  # zd365dt-registerplugins
    "c5bdbb1b-ea3e-db11-86a7-000a3a5473e8": "GrantAccess",  # learn-use-messages
    "dbbdbb1b-ea3e-db11-86a7-000a3a5473e8": "Merge",  # learn-use-messages
    "dcbdbb1b-ea3e-db11-86a7-000a3a5473e8": "ModifyAccess",  # learn-use-messages
    "f2bdbb1b-ea3e-db11-86a7-000a3a5473e8": "Retrieve",  # learn-use-messages
    "f6bdbb1b-ea3e-db11-86a7-000a3a5473e8": "RetrieveUnpublishedMultiple",  # learn-use-messages
    "03bebb1b-ea3e-db11-86a7-000a3a5473e8": "RetrieveMultiple",  # learn-use-messages
    "04bebb1b-ea3e-db11-86a7-000a3a5473e8": "RetrievePrincipalAccess",  # learn-use-messages
    "10bebb1b-ea3e-db11-86a7-000a3a5473e8": "RetrieveSharedPrincipalsAndAccess",  # learn-use-messages
    "11bebb1b-ea3e-db11-86a7-000a3a5473e8": "RevokeAccess",  # learn-use-messages
    "1cbebb1b-ea3e-db11-86a7-000a3a5473e8": "SetState",  # learn-use-messages, zd365dt-registerplugins
    "1dbebb1b-ea3e-db11-86a7-000a3a5473e8": "SetStateDynamicEntity",  # learn-use-messages, zd365dt-registerplugins
    "20bebb1b-ea3e-db11-86a7-000a3a5473e8": "Update",  # learn-use-messages, corpus-1, zd365dt-registerplugins
    "6c9b0335-34d7-4a84-961e-832a3c0f81d1": "CalculatePrice",  # corpus-18
}

_BY_NAME: dict[str, str] = {name.lower(): guid for guid, name in MESSAGES.items()}


def _normalise_guid(value: str) -> str:
    return value.strip().strip("{}").strip().lower()


def message_name(message_id: str | None) -> str | None:
    """Name of a built-in message from its id (braces and case ignored); None if unknown."""
    if not message_id:
        return None
    return MESSAGES.get(_normalise_guid(message_id))


def message_id(name: str) -> str | None:
    """Lower-case, brace-less id of a built-in message by name (case-insensitive); None if unknown."""
    if not name:
        return None
    return _BY_NAME.get(name.strip().lower())


# ---------------------------------------------------------------------------
# Step stage, mode and image type values
# ---------------------------------------------------------------------------
# Stage choice values of sdkmessageprocessingstep.stage (the table reference also
# lists internal-only stages 5/15/25/35/45/55/80/90, which never appear in
# customer steps and are left out here). 30 is the platform's main operation,
# marked "for internal use only"; a Custom API's own plug-in runs there (per the
# use-messages page), a registered step never does. 50 is the CRM 4.0-era
# post-operation stage, labelled deprecated.
#   https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstep
#   https://learn.microsoft.com/power-apps/developer/data-platform/event-framework#event-execution-pipeline
#   https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.ipluginexecutioncontext.stage
#     (valid values 10, 20, 40 and 50 "post-operation, deprecated")
STAGES: dict[int, str] = {
    10: "PreValidation",
    20: "PreOperation",
    30: "MainOperation",
    40: "PostOperation",
    50: "PostOperationDeprecated",
}

# sdkmessageprocessingstep.mode choices.
#   https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstep
# Asynchronous steps may only be registered in PostOperation (40):
#   https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#execution-mode
MODES: dict[int, str] = {
    0: "Synchronous",
    1: "Asynchronous",
}

# sdkmessageprocessingstepimage.imagetype choices.
#   https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstepimage
IMAGE_TYPES: dict[int, str] = {
    0: "PreImage",
    1: "PostImage",
    2: "Both",
}

# ---------------------------------------------------------------------------
# Entity images
# ---------------------------------------------------------------------------
# Learn, "Register a plug-in" > "Define entity images" > "Messages that support
# entity images": only the messages below support images, with the request
# property that carries the record. The same section ("Availability of images")
# states that Create has no pre image (the row does not exist yet), Delete has no
# post image (the row no longer exists), and post images exist only for steps in
# the PostOperation stage.
#   https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#define-entity-images
# Value: (message property name as listed first by Learn, allowed image types).
_ANY_IMAGE = frozenset({0, 1, 2})
IMAGE_MESSAGES: dict[str, tuple[str, frozenset[int]]] = {
    "Assign": ("Target", _ANY_IMAGE),
    "Create": ("Target", frozenset({1})),  # post image only
    "Delete": ("Target", frozenset({0})),  # pre image only
    "DeliverIncoming": ("EmailId", _ANY_IMAGE),
    "DeliverPromote": ("EmailId", _ANY_IMAGE),
    "Merge": ("Target", _ANY_IMAGE),  # or SubordinateId, see IMAGE_MESSAGE_PROPERTIES
    "Route": ("Target", _ANY_IMAGE),
    "Send": ("EmailId", _ANY_IMAGE),  # or FaxId / TemplateId
    "SetState": ("EntityMoniker", _ANY_IMAGE),
    "Update": ("Target", _ANY_IMAGE),
}

# Every message property name a step image may carry for each message. Learn
# (same section as above) lists Merge: Target or SubordinateId; Send: FaxId,
# EmailId or TemplateId. "Id" for Create is NOT from Learn: it is what the
# Plug-in Registration Tool and several public registration tools write for a
# Create post image, so real exports carry it.
IMAGE_MESSAGE_PROPERTIES: dict[str, frozenset[str]] = {
    "Assign": frozenset({"Target"}),
    "Create": frozenset({"Target", "Id"}),
    "Delete": frozenset({"Target"}),
    "DeliverIncoming": frozenset({"EmailId"}),
    "DeliverPromote": frozenset({"EmailId"}),
    "Merge": frozenset({"Target", "SubordinateId"}),
    "Route": frozenset({"Target"}),
    "Send": frozenset({"EmailId", "FaxId", "TemplateId"}),
    "SetState": frozenset({"EntityMoniker"}),
    "Update": frozenset({"Target"}),
}

# Stages in which a post image can be populated (same Learn section).
POST_IMAGE_STAGES: frozenset[int] = frozenset({40})

# ---------------------------------------------------------------------------
# Filtering attributes
# ---------------------------------------------------------------------------
# Learn documents filtering attributes only for Update and OnExternalUpdated
# ("Register a plug-in", General Configuration Information Fields) and for
# UpdateMultiple ("Write plug-ins for CreateMultiple and UpdateMultiple",
# Attribute filters: the step runs if any entity in Targets has a listed column).
# Nothing in Learn says they are honoured for Create or any other message.
#   https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#general-configuration-information-fields
#   https://learn.microsoft.com/power-apps/developer/data-platform/write-plugin-multiple-operation#attribute-filters
FILTERING_ATTRIBUTE_MESSAGES: frozenset[str] = frozenset(
    {"Update", "UpdateMultiple", "OnExternalUpdated"}
)

# ---------------------------------------------------------------------------
# Custom API choice values
# ---------------------------------------------------------------------------
# customapi.bindingtype, customapi.allowedcustomprocessingsteptype and the
# customapirequestparameter / customapiresponseproperty .type choices.
#   https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables
BINDING_TYPES: dict[int, str] = {
    0: "Global",
    1: "Entity",
    2: "EntityCollection",
}

STEP_TYPE_ALLOWED: dict[int, str] = {
    0: "None",  # no custom processing steps may be registered on the message
    1: "AsyncOnly",  # only asynchronous steps
    2: "SyncAndAsync",  # no restriction
}

PARAMETER_TYPES: dict[int, str] = {
    0: "Boolean",
    1: "DateTime",
    2: "Decimal",
    3: "Entity",
    4: "EntityCollection",
    5: "EntityReference",
    6: "Float",
    7: "Integer",
    8: "Money",
    9: "Picklist",
    10: "String",
    11: "StringArray",
    12: "Guid",
}

# ---------------------------------------------------------------------------
# Workflow (process) categories
# ---------------------------------------------------------------------------
# workflow.category choices: 0 Workflow, 1 Dialog, 2 Business Rule, 3 Action,
# 4 Business Process Flow, 5 Modern Flow (cloud flow), 6 Desktop Flow. The table
# reference also lists 7 "AI Flow", deliberately not mapped here.
#   https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/workflow
WORKFLOW_CATEGORIES: dict[int, str] = {
    0: "workflow",
    1: "dialog",
    2: "business_rule",
    3: "action",
    4: "bpf",
    5: "cloud_flow",
    6: "desktop_flow",
}

# ---------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------
# IExecutionContext.Depth: when depth reaches its maximum (8) within the time
# window (one hour) the platform treats it as an infinite loop and stops.
#   https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.iexecutioncontext.depth
MAX_DEPTH = 8

# A Dataverse message operation, including every synchronous step registered on
# it, has a hard 2-minute limit; past it the platform throws TimeoutException and
# rolls the operation back. Real-time (synchronous) workflows run inside the same
# pipeline stage and transaction, so the same limit applies to them.
#   https://learn.microsoft.com/power-apps/developer/data-platform/analyze-performance#time-and-resource-constraints
#   https://learn.microsoft.com/dynamics365/customerengagement/on-premises/developer/create-real-time-workflows
SANDBOX_TIMEOUT_SECONDS = 120
