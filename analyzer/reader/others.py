"""Tables, security roles, connection references, environment variables and web resources."""

from __future__ import annotations

from lxml import etree

from analyzer.model import (
    ConnectionReference,
    Entity,
    EnvironmentVariable,
    SecurityRole,
    SourceLocation,
    WebResource,
    norm_id,
)
from analyzer.reader.context import ReadContext
from analyzer.reader.xmlparse import attr, child, children, fields, flag, integer, line, text


def read_entity(elem: etree._Element, member: str, ctx: ReadContext) -> Entity:
    f = fields(elem)
    info = child(f, "EntityInfo")
    inner = child(info, "entity") if info is not None else None
    name_el = child(f, "Name")
    schema = (attr(inner, "Name") if inner is not None else None) or text(name_el) or "(unnamed)"
    display = attr(name_el, "LocalizedName") if name_el is not None else None
    return Entity(
        ident=schema.lower(), name=display or schema, solution=ctx.solution,
        source=SourceLocation(member, line(elem)), logical_name=schema.lower(), schema_name=schema,
        entity_set_name=(text(inner, "EntitySetName") or "").lower() or None if inner is not None else None,
        display_name=display,
    )


def read_role(elem: etree._Element, member: str, ctx: ReadContext) -> SecurityRole:
    f = fields(elem)
    role_id = norm_id(attr(elem, "id"))
    name = attr(elem, "name") or role_id or "(unnamed role)"
    privs = child(f, "RolePrivileges")
    names = tuple(sorted({attr(p, "name") for p in children(privs, "RolePrivilege") if attr(p, "name")})) \
        if privs is not None else ()
    return SecurityRole(ident=role_id or name.lower(), name=name, solution=ctx.solution,
                        source=SourceLocation(member, line(elem)), privileges=names)


def read_connection_reference(elem: etree._Element, member: str, ctx: ReadContext) -> ConnectionReference:
    f = fields(elem)
    logical = attr(elem, "connectionreferencelogicalname") or text(f, "connectionreferencelogicalname") or "(unnamed)"
    return ConnectionReference(
        ident=logical.lower(), name=text(f, "connectionreferencedisplayname") or logical, solution=ctx.solution,
        source=SourceLocation(member, line(elem)), logical_name=logical.lower(), connector_id=text(f, "connectorid"))


def read_environment_variable(elem: etree._Element, member: str, ctx: ReadContext) -> EnvironmentVariable:
    f = fields(elem)
    schema = attr(elem, "schemaname") or text(f, "schemaname") or "(unnamed)"
    label = child(f, "displayname")
    return EnvironmentVariable(
        ident=schema.lower(), name=(attr(label, "default") if label is not None else None) or schema,
        solution=ctx.solution, source=SourceLocation(member, line(elem)), schema_name=schema,
        type=integer(f, "type"), is_required=flag(f, "isrequired"))


def read_web_resource(elem: etree._Element, member: str, ctx: ReadContext) -> WebResource:
    f = fields(elem)
    wr_id = norm_id(text(f, "WebResourceId") or attr(elem, "WebResourceId"))
    name = text(f, "Name") or wr_id or "(unnamed)"
    file_name = text(f, "FileName")
    file_member = ctx.member_for(file_name)
    if member.lower().endswith(".data.xml"):
        # Unpacked folders keep the content beside its .data.xml under the resource's own name;
        # <FileName> still holds the flattened zip entry name, so it is not where to look.
        file_name = member[: -len(".data.xml")]
        file_member = ctx.package.find(file_name)
    return WebResource(
        ident=wr_id or name.lower(), name=name, solution=ctx.solution, source=SourceLocation(member, line(elem)),
        display_name=text(f, "DisplayName"), type=integer(f, "WebResourceType"),
        file_path=file_member or (file_name.strip("/") if file_name else None),
        file_missing=bool(file_name) and file_member is None)
