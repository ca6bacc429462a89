"""Tables (with their columns, forms and views), choices, security roles, connection references,
environment variables and web resources."""

from __future__ import annotations

import json
import weakref

from lxml import etree

from analyzer.model import (
    ConnectionReference,
    Entity,
    EnvironmentVariable,
    OptionSet,
    SecurityRole,
    SourceLocation,
    WebResource,
    norm_id,
)
from analyzer.reader.context import ReadContext
from analyzer.reader.digest import content_digest, element_digest
from analyzer.reader.forms import (
    form_file,
    inline_forms,
    inline_views,
    read_ribbon,
    ribbon_file,
    view_file,
    web_resource_dependencies,
)
from analyzer.reader.package import Package
from analyzer.reader.xmlparse import attr, child, children, fields, flag, integer, line, text


def read_entity(elem: etree._Element, member: str, ctx: ReadContext) -> Entity:
    """The table, with its forms (``Form``) and the ribbon commands of its ribbon diff that run scripts."""
    f = fields(elem)
    info = child(f, "EntityInfo")
    inner = child(info, "entity") if info is not None else None
    name_el = child(f, "Name")
    schema = (attr(inner, "Name") if inner is not None else None) or text(name_el) or "(unnamed)"
    display = attr(name_el, "LocalizedName") if name_el is not None else None
    table, table_name = schema.lower(), display or schema
    forms = inline_forms(child(f, "FormXml"), member, ctx, table, table_name)
    views = inline_views(child(f, "SavedQueries"), member, ctx, table, table_name)
    ribbon_xml = child(f, "RibbonDiffXml")
    ribbon = read_ribbon(ribbon_xml, member, ctx, table, table_name)
    ribbon_digest = element_digest(ribbon_xml) if ribbon_xml is not None else None
    if member.lower().endswith("/entity.xml"):  # unpacked: the forms, views and ribbon diff beside Entity.xml
        folder = member[: -len("/entity.xml")]
        parts = _table_part_members(ctx.package)
        for form_member in parts.get((folder.lower(), "formxml"), ()) if not forms else ():
            forms += form_file(form_member, ctx, table, table_name)
        for view_member in parts.get((folder.lower(), "savedqueries"), ()) if not views else ():
            views += view_file(view_member, ctx, table, table_name)
        if not ribbon:
            ribbon, file_digest = ribbon_file(ctx.package.find(f"{folder}/RibbonDiff.xml"), ctx, table, table_name)
            ribbon_digest = file_digest or ribbon_digest
    return Entity(
        ident=table, name=table_name, solution=ctx.solution,
        source=SourceLocation(member, line(elem)), logical_name=table, schema_name=schema,
        entity_set_name=(text(inner, "EntitySetName") or "").lower() or None if inner is not None else None,
        display_name=display, attributes=_attributes(inner),
        forms=tuple(sorted((form.ident, form.name) for form in forms)),
        views=tuple(sorted((view.ident, view.name) for view in views)),
        form_details=tuple(sorted(forms, key=lambda form: form.ident)),
        view_details=tuple(sorted(views, key=lambda view: view.ident)), ribbon_commands=tuple(ribbon),
        digests=_part_digests(forms, views, ribbon_digest),
    )


# The parts of an <Entity> the unpacked layout writes to files of their own: digested one by one (the parts
# below), so the table's own record leaves them out and a zip and its unpacked folder agree. <ObjectTypeCode>
# is the exporting environment's number for the table, which a zip carries and an unpacked folder drops.
ENTITY_PARTS = frozenset({"formxml", "savedqueries", "ribbondiffxml", "objecttypecode"})


def _part_digests(forms, views, ribbon_digest: str | None) -> tuple[tuple[str, str], ...]:
    parts = [(f"form:{c.ident}", d) for c in forms for _part, d in c.digests]
    parts += [(f"view:{c.ident}", d) for c in views for _part, d in c.digests]
    return tuple(parts) + ((("ribbon", ribbon_digest),) if ribbon_digest else ())


def _attributes(inner: etree._Element | None) -> tuple[str, ...]:
    """Logical names of the columns an ``<entity>`` defines (a system table lists only those customized)."""
    attributes = child(inner, "attributes") if inner is not None else None
    if attributes is None:
        return ()
    names = []
    for a in children(attributes, "attribute"):
        name = text(a, "LogicalName") or attr(a, "PhysicalName")  # <LogicalName> comes third: a short scan
        if name:
            names.append(name.lower())
    return tuple(names)


# package -> {(table folder, "formxml" | "savedqueries"): members}, built in one pass over the names: a
# package has hundreds of tables and thousands of members, so filtering the names per table is quadratic.
_PART_INDEX: weakref.WeakKeyDictionary[Package, dict[tuple[str, str], list[str]]] = weakref.WeakKeyDictionary()


def _table_part_members(package: Package) -> dict[tuple[str, str], list[str]]:
    index = _PART_INDEX.get(package)
    if index is None:
        index = {}
        for name in package.names:
            parts = name.lower().split("/")
            if len(parts) >= 4 and parts[2] in ("formxml", "savedqueries") and not parts[-1].endswith("_managed.xml"):
                index.setdefault(("/".join(parts[:2]), parts[2]), []).append(name)
        _PART_INDEX[package] = index
    return index


def read_option_set(elem: etree._Element, member: str, ctx: ReadContext) -> OptionSet:
    """A global option set: ``<optionset Name="contoso_status" localizedName="Status">``."""
    name = attr(elem, "Name") or "(unnamed)"
    label = attr(elem, "localizedName")
    if label is None:
        names = child(elem, "displaynames")
        first = child(names, "displayname") if names is not None else None
        label = attr(first, "description") if first is not None else None
    return OptionSet(ident=name.lower(), name=label or name, solution=ctx.solution,
                     source=SourceLocation(member, line(elem)), display_name=label)


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
        type=integer(f, "type"), is_required=flag(f, "isrequired"), default_value=text(f, "defaultvalue"),
        value=_current_value(ctx, schema))


def _current_value(ctx: ReadContext, schema: str) -> str | None:
    """The value the solution carries for this environment (``environmentvariabledefinitions/<schema>/
    environmentvariablevalues.json``, in a zip and an unpacked folder alike); None without one."""
    member = ctx.package.find(f"environmentvariabledefinitions/{schema}/environmentvariablevalues.json")
    if member is None:
        return None
    try:
        doc = json.loads(ctx.package.read(member).decode("utf-8-sig"))
        value = doc["environmentvariablevalues"]["environmentvariablevalue"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    value = value[0] if isinstance(value, list) and value else value
    return value.get("value") if isinstance(value, dict) else None


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
    dependencies, columns = web_resource_dependencies(text(f, "DependencyXml"), member, ctx)
    # The content's digest, read once here; a file only a mapping provides is not read (its content is the
    # build's, not the package's)
    content: tuple[tuple[str, str], ...] = ()
    if file_member:
        with ctx.package.open(file_member) as stream:
            content = (("content", content_digest(stream)),)
    return WebResource(
        ident=wr_id or name.lower(), name=name, solution=ctx.solution, source=SourceLocation(member, line(elem)),
        display_name=text(f, "DisplayName"), type=integer(f, "WebResourceType"),
        file_path=file_member or (file_name.strip("/") if file_name else None),
        file_missing=bool(file_name) and file_member is None,
        dependencies=dependencies, column_dependencies=columns, digests=content)
