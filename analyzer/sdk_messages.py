"""Reference data about Dataverse SDK messages and plug-in step registrations.

A plug-in step (``SdkMessageProcessingStep``) names its message only by GUID
(``<SdkMessageId>``). Messages that ship with the platform have the same GUID in
every environment, so an offline analyzer can name them from the table in
``analyzer/data/sdk_message_ids.csv`` (581 platform messages, each row with the
public sources it was seen in; see ``analyzer/data/README.md``). A GUID that is
not listed there is either a custom process action / Custom API message (the
graph looks it up in the analyzed solutions) or a platform message the table
lacks; callers must treat it as unknown, not as an error.

Pure data plus lookup helpers; no third-party imports.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from analyzer.platform import ImageType, Stage


def _load_message_ids() -> dict[str, str]:
    """lower-case GUID without braces -> message name, from the shipped CSV."""
    text = resources.files("analyzer").joinpath("data/sdk_message_ids.csv").read_text(encoding="utf-8")
    return {row["sdkmessageid"].strip().lower(): row["name"].strip() for row in csv.DictReader(io.StringIO(text))}


# Built-in SDK message ids: lower-case GUID without braces -> message name.
MESSAGES: dict[str, str] = _load_message_ids()

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
_ANY_IMAGE = frozenset(ImageType)
IMAGE_MESSAGES: dict[str, tuple[str, frozenset[int]]] = {
    "Assign": ("Target", _ANY_IMAGE),
    "Create": ("Target", frozenset({ImageType.POST})),  # post image only
    "Delete": ("Target", frozenset({ImageType.PRE})),  # pre image only
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
POST_IMAGE_STAGES: frozenset[int] = frozenset({Stage.POST_OPERATION})

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
