"""Plug-in assemblies with their types, and SdkMessageProcessingSteps with their images."""

from __future__ import annotations

import re

from lxml import etree

from analyzer.model import PluginAssembly, PluginType, SourceLocation, Step, StepImage, norm_id
from analyzer.names import split_qualified_name
from analyzer.platform import StepState
from analyzer.reader.context import ReadContext
from analyzer.reader.xmlparse import attr, child, children, csv_list, fields, flag, integer, line, text


def _assembly_part(full_name: str, key: str) -> str | None:
    match = re.search(rf"{key}=([^,]+)", full_name)
    return match.group(1).strip() if match else None


def read_assembly(elem: etree._Element, member: str, ctx: ReadContext) -> list:
    """A PluginAssembly element -> [PluginAssembly, PluginType, …]."""
    f = fields(elem)
    full_name = attr(elem, "FullName") or ""
    asm_name = full_name.split(",")[0].strip() or "(unnamed)"
    asm_id = norm_id(attr(elem, "PluginAssemblyId"))
    file_name = text(f, "FileName")
    file_member = ctx.member_for(file_name)
    assembly = PluginAssembly(
        ident=asm_id or asm_name.lower(), name=asm_name, solution=ctx.solution,
        source=SourceLocation(member, line(elem)), full_name=full_name,
        version=_assembly_part(full_name, "Version"),
        public_key_token=_assembly_part(full_name, "PublicKeyToken"),
        isolation_mode=integer(f, "IsolationMode"), source_type=integer(f, "SourceType"),
        file_path=file_member or (file_name.strip("/") if file_name else None),
        file_missing=bool(file_name) and file_member is None,
    )
    found: list = [assembly]
    types = child(f, "PluginTypes")
    for t in children(types, "PluginType") if types is not None else ():
        aqn = attr(t, "AssemblyQualifiedName") or ""
        type_name, _ = split_qualified_name(aqn) if aqn else (attr(t, "Name") or "", "")
        type_id = norm_id(attr(t, "PluginTypeId"))
        found.append(PluginType(
            ident=type_id or f"{type_name}, {asm_name}".lower(),
            name=attr(t, "Name") or type_name, solution=ctx.solution,
            source=SourceLocation(member, line(t)), type_name=type_name, assembly_name=asm_name,
            assembly_key=assembly.key, assembly_qualified_name=aqn,
            friendly_name=text(t, "FriendlyName"),
            workflow_activity_group=text(t, "WorkflowActivityGroupName"),
        ))
    return found


def read_step(elem: etree._Element, member: str, ctx: ReadContext) -> list:
    """An SdkMessageProcessingStep element -> [Step, StepImage, …]."""
    f = fields(elem)
    step_id = norm_id(attr(elem, "SdkMessageProcessingStepId"))
    name = attr(elem, "Name") or "(unnamed step)"
    message_id = norm_id(text(f, "SdkMessageId"))
    ident = step_id or name.lower()
    step_key = f"step:{ident}"
    images = tuple(_read_images(elem, member, ctx, step_key))
    state = integer(f, "StateCode")
    step = Step(
        ident=ident, name=name, solution=ctx.solution, source=SourceLocation(member, line(elem)),
        message_id=message_id,
        primary_entity=(text(f, "PrimaryEntity") or "").lower() or None,
        secondary_entity=(text(f, "SecondaryEntity") or "").lower() or None,
        stage=integer(f, "Stage"), mode=integer(f, "Mode"), rank=integer(f, "Rank"),
        filtering_attributes=csv_list(text(f, "FilteringAttributes")),
        plugin_type_id=norm_id(text(f, "PluginTypeId")),
        plugin_type_name=text(f, "PluginTypeName"),
        invocation_source=integer(f, "InvocationSource"),
        enabled=state != StepState.DISABLED,
        async_auto_delete=flag(f, "AsyncAutoDelete"),
        impersonating_user_id=norm_id(text(f, "ImpersonatingUserId")),
        # The column is "configuration"; exports have been seen to spell the element either way.
        configuration=text(f, "CustomConfiguration") or text(f, "Configuration"),
        images=images,
    )
    return [step, *images]


def _read_images(elem: etree._Element, member: str, ctx: ReadContext, step_key: str):
    container = child(elem, "SdkMessageProcessingStepImages")
    if container is None:
        return
    for img in children(container, "SdkMessageProcessingStepImage"):
        img_id = norm_id(text(img, "SdkMessageProcessingStepImageId"))
        alias = text(img, "EntityAlias")
        name = attr(img, "Name") or alias or "(unnamed image)"
        yield StepImage(
            ident=img_id or f"{step_key.split(':', 1)[1]}/{name.lower()}", name=name,
            solution=ctx.solution, source=SourceLocation(member, line(img)), step_key=step_key,
            image_type=integer(img, "ImageType"), alias=alias,
            attributes=csv_list(text(img, "Attributes")),
            message_property=text(img, "MessagePropertyName"),
        )
