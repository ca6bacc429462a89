"""Process records (``<Workflow>``) of every category, with what their XAML or flow JSON calls."""

from __future__ import annotations

import json
import re

from lxml import etree

from analyzer.model import ActionArgument, FlowCall, FlowTrigger, InvokedMessage, SourceLocation, Workflow, norm_id
from analyzer.platform import ProcessCategory, xaml_argument_label
from analyzer.reader.context import ReadContext
from analyzer.reader.digest import element_digest, json_digest
from analyzer.reader.xmlparse import attr, csv_list, fields, flag, integer, line, local, parse_bytes, text

_PERFORM_OPERATIONS = {
    "performboundaction", "performunboundaction",
    "performboundactionwithorganization", "performunboundactionwithorganization",
}
_NAMESPACE = "microsoft.dynamics.crm."


def read_workflow(elem: etree._Element, member: str, ctx: ReadContext) -> Workflow:
    f = fields(elem)
    wf_id = norm_id(attr(elem, "WorkflowId"))
    name = attr(elem, "Name") or text(f, "UniqueName") or wf_id or "(unnamed)"
    category = integer(f, "Category")
    unique_name = text(f, "UniqueName")
    body_file = text(f, "XamlFileName") or text(f, "JsonFileName")
    body_member = ctx.member_for(body_file)
    values: dict = dict(
        ident=wf_id or (unique_name or name).lower(),
        name=name,
        solution=ctx.solution,
        source=SourceLocation(member, line(elem)),
        unique_name=unique_name,
        category=category,
        category_name=ProcessCategory(category).key if category is not None else "unknown",
        mode=integer(f, "Mode"),
        scope=integer(f, "Scope"),
        state_code=integer(f, "StateCode"),
        status_code=integer(f, "StatusCode"),
        subprocess=flag(f, "Subprocess"),
        on_demand=flag(f, "OnDemand"),
        trigger_on_create=flag(f, "TriggerOnCreate"),
        trigger_on_delete=flag(f, "TriggerOnDelete"),
        trigger_on_update_attributes=csv_list(text(f, "TriggerOnUpdateAttributeList")),
        create_stage=integer(f, "CreateStage"),
        update_stage=integer(f, "UpdateStage"),
        delete_stage=integer(f, "DeleteStage"),
        primary_entity=_entity(text(f, "PrimaryEntity")),
        run_as=integer(f, "RunAs"),
        is_transacted=flag(f, "IsTransacted") if text(f, "IsTransacted") is not None else None,
        steps_allowed_for_other_publishers=flag(f, "IsCustomProcessingStepAllowedForOtherPublishers")
        if text(f, "IsCustomProcessingStepAllowedForOtherPublishers") is not None else None,
        sdk_message_id=norm_id(text(f, "SdkMessageId")),
        body_path=body_member or (body_file.strip("/") if body_file else None),
        body_missing=bool(body_file) and body_member is None,
    )
    if category == ProcessCategory.ACTION and unique_name:
        values["message_name"] = f"{ctx.prefix}_{unique_name}" if ctx.prefix else unique_name
    if body_member:
        reader = read_flow_body if body_member.lower().endswith(".json") else read_xaml_body
        values.update(ctx.body(body_member, reader))
    return Workflow(**values)


def _entity(value: str | None) -> str | None:
    if value is None or value.lower() == "none":
        return None
    return value.lower()


# --- XAML ------------------------------------------------------------------------------------

def read_xaml_body(ctx: ReadContext, member: str) -> dict:
    """Custom workflow activities, invoked actions and child workflows in a XAML body."""
    root = parse_bytes(ctx.package, member, ctx.package.read(member), recover=True)
    activities: list[str] = []
    invoked: list[InvokedMessage] = []
    children: list[str] = []
    for elem in root.iter("{*}ActivityReference", "{*}InvokeSdkMessageActivity", "{*}StartChildWorkflow"):
        name = local(elem.tag)
        if name == "activityreference":
            aqn = attr(elem, "AssemblyQualifiedName")
            if aqn and not aqn.startswith("Microsoft.Crm.Workflow") and aqn not in activities:
                activities.append(aqn)
        elif name == "invokesdkmessageactivity":
            invoked.append(InvokedMessage(
                message_id=norm_id(attr(elem, "SdkMessageId")),
                message_name=attr(elem, "SdkMessageName"),
                entity=(attr(elem, "SdkMessageEntityName") or "").lower() or None))
        elif name == "startchildworkflow":
            child_id = norm_id(attr(elem, "WorkflowId"))
            if child_id and child_id not in children:
                children.append(child_id)
    return {"custom_activities": tuple(activities), "invoked_messages": tuple(invoked),
            "child_workflows": tuple(children), "has_steps": _has_steps(root), "arguments": _arguments(root),
            "digests": (("definition", element_digest(root)),)}


# Members every process XAML declares for the platform's own use; callers never pass them.
_PLATFORM_MEMBERS = {"inputentities", "createdentities"}
_ARGUMENT_TYPE = re.compile(r"\s*(In|Out|InOut)Argument\((.*)\)\s*$", re.DOTALL)


def _arguments(root) -> tuple[ActionArgument, ...]:
    """An action's arguments: the ``<x:Property>`` children of ``<x:Members>`` (a direct child of the root,
    so this looks at a few elements, not the whole body)."""
    members = root.find("{*}Members")
    if members is None:
        return ()
    found = []
    for prop in members.iterfind("{*}Property"):
        argument = _argument(prop)
        if argument is not None:
            found.append(argument)
    return tuple(found)


def _argument(prop) -> ActionArgument | None:
    name = attr(prop, "Name")
    match = _ARGUMENT_TYPE.match(attr(prop, "Type") or "")
    if not name or name.lower() in _PLATFORM_MEMBERS or match is None:
        return None
    # ArgumentRequiredAttribute, ArgumentTargetAttribute, ArgumentDirectionAttribute, ArgumentEntityAttribute…
    values = {local(a.tag): attr(a, "Value") or "" for block in prop.iterfind("{*}Property.Attributes") for a in block
              if isinstance(a.tag, str)}
    if values.get("argumenttargetattribute", "").lower() == "true":
        return None  # the bound record of an entity-bound action: the platform passes it, not the caller
    written = values.get("argumentdirectionattribute", "").lower()
    direction = "output" if written == "output" or (not written and match.group(1) == "Out") else "input"
    return ActionArgument(
        name=name, direction=direction, type_label=xaml_argument_label(match.group(2).strip()),
        required=values.get("argumentrequiredattribute", "").lower() == "true",
        entity=values.get("argumententityattribute", "").lower() or None)


def _has_steps(root) -> bool:
    """True when the process body (``<mxswa:Workflow>``) holds any activity; an action with no
    logic of its own is exported as an empty ``<mxswa:Workflow />``. Property elements such as
    ``<mxswa:Workflow.Variables>`` are not activities."""
    for elem in root.iter("{*}Workflow"):
        return any(isinstance(c.tag, str) and "." not in local(c.tag) for c in elem)
    return False


# --- cloud flow JSON -------------------------------------------------------------------------

def read_flow_body(ctx: ReadContext, member: str) -> dict:
    raw = ctx.package.read(member)
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
        if _LONE_SURROGATE.search(raw):
            doc = _without_lone_surrogates(doc)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        message = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ctx.package.error(f"malformed flow JSON: {message}", member) from None
    digests = (("definition", json_digest(doc)),)
    props = doc.get("properties") if isinstance(doc, dict) else None
    if not isinstance(props, dict):
        return {"digests": digests}
    definition = props.get("definition") if isinstance(props.get("definition"), dict) else {}
    return {
        "digests": digests,
        "flow_calls": tuple(_flow_calls(definition.get("actions"))),
        "flow_triggers": tuple(_flow_triggers(definition.get("triggers"))),
        "connection_references": tuple(_connection_refs(props.get("connectionReferences"))),
    }


# A "\udXXX" escape: JSON may spell half a surrogate pair, which is no character and cannot be printed as UTF-8.
_LONE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _without_lone_surrogates(doc):
    """The document with unpaired surrogates replaced by U+FFFD (json already joined the real pairs)."""
    text = json.dumps(doc, ensure_ascii=False)
    cleaned = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return doc if cleaned == text else json.loads(cleaned)


def _walk_actions(actions) -> list[tuple[str, dict]]:
    """Every (name, action) in a flow, nested ones included (scopes, conditions, switch, loops)."""
    found = []
    stack = [actions]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict) and "type" in value and isinstance(value.get("type"), str):
                    found.append((key, value))
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return sorted(found, key=lambda kv: kv[0])


def _host_and_params(action: dict) -> tuple[str, dict]:
    inputs = action.get("inputs") if isinstance(action.get("inputs"), dict) else {}
    host = inputs.get("host") if isinstance(inputs.get("host"), dict) else {}
    params = inputs.get("parameters") if isinstance(inputs.get("parameters"), dict) else {}
    operation = host.get("operationId") if isinstance(host.get("operationId"), str) else ""
    return operation, params


def _strip_namespace(name: str) -> str:
    return name[len(_NAMESPACE):] if name.lower().startswith(_NAMESPACE) else name


def _flow_calls(actions) -> list[FlowCall]:
    calls = []
    for step_name, action in _walk_actions(actions):
        operation, params = _host_and_params(action)
        action_name = params.get("actionName")
        if operation.lower() not in _PERFORM_OPERATIONS or not isinstance(action_name, str):
            continue
        entity_set = params.get("entityName")
        calls.append(FlowCall(
            action_name=_strip_namespace(action_name.strip()),
            operation=operation,
            bound="unbound" not in operation.lower(),
            entity_set=entity_set.lower() if isinstance(entity_set, str) else None,
            step_name=step_name))
    return calls


def _flow_triggers(triggers) -> list[FlowTrigger]:
    found = []
    if not isinstance(triggers, dict):
        return found
    for _name, trigger in sorted(triggers.items()):
        if not isinstance(trigger, dict):
            continue
        operation, params = _host_and_params(trigger)
        kind_field = str(trigger.get("type", "")).lower()

        def param(key: str, params=params):
            value = params.get(key)
            return value.strip() if isinstance(value, str) else None

        if operation.lower() == "businesseventstrigger":
            found.append(FlowTrigger("message", operation, message=param("subscriptionRequest/sdkmessagename"),
                                     entity=(param("subscriptionRequest/entityname") or "").lower() or None))
        elif operation.lower() == "subscribewebhooktrigger":
            message = params.get("subscriptionRequest/message")
            entity = (param("subscriptionRequest/entityname") or "").lower() or None
            found.append(FlowTrigger("row", operation, entity=entity,
                                     row_message=str(message) if message is not None else None))
        elif kind_field == "request":
            found.append(FlowTrigger("manual", operation or trigger.get("kind")))
        elif kind_field == "recurrence":
            found.append(FlowTrigger("recurrence", operation or None))
        else:
            found.append(FlowTrigger("other", operation or kind_field or None))
    return found


def _connection_refs(refs) -> list[str]:
    names = []
    if not isinstance(refs, dict):
        return names
    for value in refs.values():
        conn = value.get("connection") if isinstance(value, dict) else None
        name = conn.get("connectionReferenceLogicalName") if isinstance(conn, dict) else None
        if isinstance(name, str) and name.lower() not in names:
            names.append(name.lower())
    return sorted(names)
