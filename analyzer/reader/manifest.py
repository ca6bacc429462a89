"""solution.xml: identity, publisher, RootComponents and MissingDependencies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from analyzer.model import DependencyNode, MissingDependency, RootComponent, SourceLocation, norm_id
from analyzer.reader.package import Package
from analyzer.reader.xmlparse import attr, child, children, line, local, parse_member, text


@dataclass
class Manifest:
    unique_name: str
    version: str
    managed: int
    publisher: str
    prefix: str
    display_name: str | None
    option_value_prefix: str | None
    package_version: str | None
    generated_by: str | None
    root_components: tuple[RootComponent, ...]
    missing_dependencies: tuple[MissingDependency, ...]


def read_manifest(package: Package, member: str) -> Manifest:
    root = parse_member(package, member)
    manifest = child(root, "SolutionManifest")
    if local(root.tag) != "importexportxml" or manifest is None:
        raise package.error("not a solution manifest: expected <ImportExportXml><SolutionManifest>", member, line(root))
    unique = text(manifest, "UniqueName")
    if not unique:
        raise package.error("solution manifest has no <UniqueName>", member, line(manifest))
    managed_text = text(manifest, "Managed") or "0"
    if managed_text not in ("0", "1", "2"):
        raise package.error(f"<Managed> must be 0, 1 or 2, not {_shorten(managed_text)!r}", member,
                            line(child(manifest, "Managed")))
    version = text(manifest, "Version") or ""
    if version and not _VERSION.fullmatch(version):
        raise package.error(f"<Version> must be numeric (major.minor[.build[.revision]]), not {_shorten(version)!r}",
                            member, line(child(manifest, "Version")))
    publisher = child(manifest, "Publisher")
    names = child(manifest, "LocalizedNames")
    first_name = child(names, "LocalizedName") if names is not None else None
    return Manifest(
        unique_name=unique,
        version=version,
        managed=int(managed_text),
        publisher=(text(publisher, "UniqueName") or "") if publisher is not None else "",
        prefix=(text(publisher, "CustomizationPrefix") or "") if publisher is not None else "",
        display_name=attr(first_name, "description") if first_name is not None else None,
        option_value_prefix=text(publisher, "CustomizationOptionValuePrefix") if publisher is not None else None,
        package_version=attr(root, "SolutionPackageVersion"),
        generated_by=attr(root, "generatedBy"),
        root_components=tuple(_roots(manifest, member)),
        missing_dependencies=tuple(_missing(manifest, member)),
    )


# A solution version is two to four dot-separated numbers ("1.0", "0.1.0.60", "20260130.2"); an import
# rejects anything else, so the reader does too. One bare number is tolerated.
_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){0,3}")


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _roots(manifest: etree._Element, member: str):
    container = child(manifest, "RootComponents")
    for rc in children(container, "RootComponent") if container is not None else ():
        yield RootComponent(
            type=attr(rc, "type") or "", id=norm_id(attr(rc, "id")), schema_name=attr(rc, "schemaName"),
            behavior=integer_attr(rc, "behavior"), source=SourceLocation(member, line(rc)))


def integer_attr(elem: etree._Element, name: str) -> int | None:
    value = attr(elem, name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _node(elem: etree._Element | None) -> DependencyNode:
    if elem is None:
        return DependencyNode(type="")
    ids = tuple(sorted((local(k)[3:], v) for k, v in elem.attrib.items() if local(k).startswith("id.")))
    return DependencyNode(
        type=attr(elem, "type") or "", id=norm_id(attr(elem, "id")), schema_name=attr(elem, "schemaName"),
        display_name=attr(elem, "displayName"), parent_display_name=attr(elem, "parentDisplayName"),
        solution=attr(elem, "solution"), ids=ids, parent_schema_name=attr(elem, "parentSchemaName"))


def _missing(manifest: etree._Element, member: str):
    container = child(manifest, "MissingDependencies")
    for md in children(container, "MissingDependency") if container is not None else ():
        yield MissingDependency(required=_node(child(md, "Required")), dependent=_node(child(md, "Dependent")),
                                source=SourceLocation(member, line(md)))
