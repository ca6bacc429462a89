"""Business events catalogs: ``catalogs/<uniquename>/catalog.xml`` and ``Assets/catalogassignments.xml``.

Learn, "Catalog and CatalogAssignment tables" (https://learn.microsoft.com/power-apps/developer/data-platform/
catalog-catalogassignment), section "Create Catalog and Catalog Assignments by editing solution files": each catalog
is a folder named after its unique name holding ``catalog.xml`` (``<catalog uniquename=…>``, a category with
``<parentcatalogid><uniquename>``); every assignment is one ``<catalogassignment catalogid.uniquename=…
objectidtype="entity|customapi|workflow" object.logicalname|object.uniquename|object.workflowid=…>`` of
``Assets/catalogassignments.xml``. They are read at those paths in either layout, as customapis/ is.
"""

from __future__ import annotations

from analyzer.model import Catalog, CatalogAssignment, SourceLocation, norm_id
from analyzer.reader.context import ReadContext
from analyzer.reader.digest import element_digest
from analyzer.reader.xmlparse import attr, child, line, local, parse_member, text

ASSIGNMENTS = "Assets/catalogassignments.xml"
# objectidtype -> the attribute that names the object
_OBJECT_ATTRIBUTES = {"entity": "object.logicalname", "customapi": "object.uniquename", "workflow": "object.workflowid"}


def read_catalogs(ctx: ReadContext) -> list:
    found: list = []
    for member in ctx.package.under("catalogs"):
        if member.lower().endswith("/catalog.xml"):
            found.append(_catalog(ctx, member))
    assignments = ctx.package.find(ASSIGNMENTS)
    if assignments:
        found += _assignments(ctx, assignments)
    return found


def _catalog(ctx: ReadContext, member: str) -> Catalog:
    root = parse_member(ctx.package, member)
    if local(root.tag) != "catalog":
        raise ctx.package.error(f"expected <catalog>, found <{local(root.tag)}>", member, line(root))
    unique = attr(root, "uniquename") or member.split("/")[-2]
    parent = child(root, "parentcatalogid")
    label = child(root, "displayname")
    shown = (attr(label, "default") if label is not None else None) or text(root, "name") or unique
    parent_name = text(parent, "uniquename") if parent is not None else None
    return Catalog(ident=unique.lower(), name=shown, solution=ctx.solution, source=SourceLocation(member, line(root)),
                   unique_name=unique, parent=parent_name.lower() if parent_name else None,
                   digests=(("record", element_digest(root)),))


def _assignments(ctx: ReadContext, member: str) -> list[CatalogAssignment]:
    root = parse_member(ctx.package, member)
    found = []
    for elem in root:
        if local(elem.tag) != "catalogassignment":
            continue
        catalog = (attr(elem, "catalogid.uniquename") or "").lower()
        object_type = (attr(elem, "objectidtype") or "").lower()
        value = attr(elem, _OBJECT_ATTRIBUTES.get(object_type, "")) if object_type in _OBJECT_ATTRIBUTES else None
        target = (norm_id(value) if object_type == "workflow" else (value or "").lower()) or ""
        name = text(elem, "name") or target or "(unnamed catalog assignment)"
        found.append(CatalogAssignment(
            ident=f"{catalog}/{object_type}/{target}", name=name, solution=ctx.solution,
            source=SourceLocation(member, line(elem)), catalog=catalog, object_type=object_type, object=target,
            digests=(("record", element_digest(elem)),)))
    return found

