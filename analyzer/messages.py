"""Which message a step, process or flow call is on: decided here, once, for every caller.

A reference to a message comes with an id (a step's ``SdkMessageId``, a XAML
``InvokeSdkMessageActivity``), a name (a flow's ``actionName``, a trigger's
``sdkmessagename``, a XAML step), or a hint (the message a step's generated name
"Contoso.Plugins.X: Update of account" implies). ``resolve`` turns any of them into one
``MessageRef``: the message, and how it was known. Rules judge by that answer and never
guess again: a name that only a hint gives is not evidence for an error.

Pure: the caller passes what the analyzed solutions define (``Definitions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from analyzer import sdk_messages

# How a message was known, strongest first.
BY_ID = "id"  # the SdkMessageId settles it: a platform message id, or the id of an analyzed action's message
BY_DEFINITION = "definition"  # a name that an analyzed custom process action or Custom API defines
BY_NAME = "name"  # a name only: nothing analyzed defines it and the id (if any) names nothing
UNKNOWN = "unknown"  # an id that names nothing, with no usable name


# Publisher prefixes of Microsoft's first-party apps (Dynamics 365, Power Pages): their messages are expected in
# every target environment. The default of the rules' ``trusted-prefixes`` option (DV401, DV601), kept here once.
FIRST_PARTY_PREFIXES = ("msdyn", "mspp", "adx")


def message_key(name: str) -> str:
    return f"sdk_message:{name.lower()}"


def name_prefix(name: str | None) -> str | None:
    """The publisher prefix of a message name (``contoso`` in ``contoso_DoThing``), or None.

    Custom API unique names and custom action messages always carry one; platform messages
    (``Create``, ``QualifyLead``, ``RetrieveEnvironmentVariableSecretValue``) never contain ``_``.
    Whether a prefix is trusted (Microsoft's first-party apps) is a rule's decision, not a fact."""
    if not name or "_" not in name:
        return None
    return name.split("_", 1)[0].lower() or None


@dataclass(frozen=True, slots=True)
class MessageRef:
    key: str | None  # the graph node of the message; None when nothing at all is known
    name: str | None  # as people name it: "Update", "contoso_CheckStatus"
    known_by: str  # BY_ID | BY_DEFINITION | BY_NAME | UNKNOWN
    message_id: str | None = None  # the id the reference carried, if any
    definition: str | None = None  # key of the analyzed action workflow or Custom API that defines it

    @property
    def settled(self) -> bool:
        """The id settles the message: rules that judge by the message's kind may trust the name."""
        return self.known_by == BY_ID

    @property
    def platform(self) -> bool:
        """A built-in message: named by its platform id, or by a name without a publisher prefix."""
        if self.definition is not None or self.name is None:
            return False
        return sdk_messages.message_id(self.name) is not None or name_prefix(self.name) is None

    @property
    def label(self) -> str:
        """``Update``, ``contoso_CheckStatus``, or ``message with SdkMessageId <id>`` when only the id is known."""
        if self.name:
            return self.name
        return f"message with SdkMessageId {self.message_id}" if self.message_id else "an unknown message"


class Definitions(Protocol):
    def action_message(self, message_id: str) -> tuple[str, str] | None:
        """(message name, action workflow key) of an analyzed action whose message has this id."""

    def definition(self, name: str) -> tuple[str, str] | None:
        """(canonical message name, key) of the analyzed Custom API or action that defines ``name``."""


def _action_key(defs: Definitions, action: tuple[str, str], message_id: str) -> str:
    """The node of an action's message: its name's, unless another analyzed definition (a Custom API of the same
    unique name) has that name. Then the two are two messages, and the action's is known by the id its steps
    carry, so a step on the action is never taken for a step on the Custom API (DV308 reports the collision)."""
    name, key = action
    other = defs.definition(name)
    return message_key(name) if other is None or other[1] == key else f"sdk_message:{message_id}"


def resolve(defs: Definitions, *, message_id: str | None = None, name: str | None = None,
            hint: bool = False) -> MessageRef:
    """The one answer for a reference to a message. ``hint=True`` marks ``name`` as implied by a
    step's generated name rather than written by the reference itself."""
    if message_id:
        platform = sdk_messages.message_name(message_id)
        if platform:
            return MessageRef(message_key(platform), platform, BY_ID, message_id)
        action = defs.action_message(message_id)
        if action is not None:
            return MessageRef(_action_key(defs, action, message_id), action[0], BY_ID, message_id, action[1])
        if name and hint and sdk_messages.message_id(name) not in (None, message_id):
            # The name says a built-in message whose fixed id is not this one: a renamed or copied
            # step. Its name tells nothing about the message it is really on.
            name = None
    if not name:
        return MessageRef(f"sdk_message:{message_id}" if message_id else None, None, UNKNOWN, message_id)
    found = defs.definition(name)
    if found is not None:
        return MessageRef(message_key(found[0]), found[0], BY_DEFINITION, message_id, found[1])
    platform_id = sdk_messages.message_id(name)
    if platform_id and not message_id:  # a platform message named by a flow or a hint: the id is known
        canonical = sdk_messages.message_name(platform_id)
        return MessageRef(message_key(canonical), canonical, BY_NAME, None)
    return MessageRef(message_key(name), name, BY_NAME, message_id)
