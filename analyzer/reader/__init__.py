"""Read a solution package (zip, unpacked folder, or extracted zip folder) into the model.

    load(path) -> Solution

The reader only reads: no rule logic, nothing written, nothing extracted to disk.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from analyzer.errors import SolutionError
from analyzer.model import (
    DEFAULT_SITE_MAP,
    MODELLED_ROOT_TYPES,
    Catalog,
    Component,
    DataProvider,
    Entity,
    OptionSet,
    OtherComponent,
    PluginAssembly,
    Solution,
    SourceLocation,
)
from analyzer.platform import ComponentType
from analyzer.reader import project
from analyzer.reader.catalogs import read_catalogs
from analyzer.reader.context import ReadContext
from analyzer.reader.customapis import read_custom_apis
from analyzer.reader.dataproviders import read_data_provider
from analyzer.reader.definitions import read_app_action, read_canvas_app
from analyzer.reader.digest import element_digest
from analyzer.reader.forms import read_app_module, read_dashboard, read_site_map
from analyzer.reader.manifest import read_manifest
from analyzer.reader.mapping import Mapping, discover, read_mapping
from analyzer.reader.others import (
    ENTITY_PARTS,
    read_connection_reference,
    read_entity,
    read_environment_variable,
    read_option_set,
    read_role,
    read_web_resource,
)
from analyzer.reader.package import DirPackage, Limits, Package, ZipPackage, open_package
from analyzer.reader.pluginpackages import read_plugin_packages
from analyzer.reader.plugins import read_assembly, read_step
from analyzer.reader.scripts import read_scripts
from analyzer.reader.workflows import read_workflow
from analyzer.reader.xmlparse import iter_items, local, parse_member

__all__ = ["load", "Limits", "Mapping", "SolutionError", "read_mapping"]

# element name (lower-case) -> reader; the same readers serve customizations.xml items and
# the one-component-per-file layout of unpacked folders.
_READERS: dict[str, Callable] = {
    "workflow": read_workflow,
    "pluginassembly": read_assembly,
    "sdkmessageprocessingstep": read_step,
    "entity": read_entity,
    "role": read_role,
    "webresource": read_web_resource,
    "connectionreference": read_connection_reference,
    "environmentvariabledefinition": read_environment_variable,
    "optionset": read_option_set,
    "appmodulesitemap": read_site_map,
    "appmodule": read_app_module,
    "appaction": read_app_action,
    "canvasapp": read_canvas_app,
    "entitydataprovider": read_data_provider,
    "dashboard": read_dashboard,
}

# The same readers' elements as customizations.xml spells them.
ITEM_NAMES = ("Workflow", "PluginAssembly", "SdkMessageProcessingStep", "Entity", "Role", "WebResource",
              "connectionreference", "EnvironmentVariableDefinition", "optionset", "AppModuleSiteMap", "AppModule",
              "appaction", "CanvasApp", "EntityDataProvider", "Dashboard")
assert {n.lower() for n in ITEM_NAMES} == set(_READERS)

# Where an unpacked folder keeps one component per file (lower-cased fnmatch globs; `*` spans folders).
_COMPONENT_FILES = (
    "workflows/*.data.xml",
    "pluginassemblies/*/*.data.xml",
    "sdkmessageprocessingsteps/*.xml",
    "entities/*/entity.xml",
    "roles/*.xml",
    "webresources/*.data.xml",
    "environmentvariabledefinitions/*/environmentvariabledefinition.xml",
    "optionsets/*.xml",
    "appmodulesitemaps/*/appmodulesitemap.xml",
    "appmodules/*/appmodule.xml",
    "appactions/*/appaction.xml",
    "canvasapps/*.meta.xml",
    "entitydataproviders/*.xml",
    "dashboards/*.xml",
)

# What a record's digest leaves out, by element: the parts the unpacked layout writes to files of their own.
_DIGEST_SKIPS = {"entity": ENTITY_PARTS}

def load(path: str, limits: Limits | None = None, mapping: Mapping | None = None) -> Solution:
    """``mapping``: the SolutionPackager mapping the folder is packed with; without one, a spkl.json in the
    folder's parent chain that lists the folder supplies it."""
    package = open_package(path, limits)
    try:
        if mapping is None and isinstance(package, DirPackage):
            mapping = discover(str(package.root))
        return _read(package, mapping)
    finally:
        package.close()


def _read(package: Package, mapping: Mapping | None = None) -> Solution:
    layout, manifest_member, custom_member = _detect(package)
    manifest = read_manifest(package, manifest_member)
    ctx = ReadContext(package, manifest.unique_name, manifest.prefix, mapping=mapping)
    components: list[Component] = []
    if custom_member:
        components += _from_customizations(ctx, custom_member)
    elif layout != "unpacked":
        raise package.error("the package has solution.xml but no customizations.xml")
    components += _from_component_files(ctx)
    components += read_custom_apis(ctx)
    components += read_plugin_packages(ctx)
    components += read_catalogs(ctx)
    components, duplicates = _first_of_each_key(components)
    components = ctx.with_mapped_files(components)
    components, hints = _with_build_outputs(package, components, mapping)
    apps = {c.ident: c for c in components if isinstance(c, OtherComponent)}  # site maps and apps, read
    components = [c for c in components if not isinstance(c, OtherComponent)]
    components += _other_root_components(manifest, components, apps, _part_names(components, manifest))
    return Solution(
        unique_name=manifest.unique_name, version=manifest.version, managed=manifest.managed,
        publisher=manifest.publisher, prefix=manifest.prefix, path=package.path, layout=layout,
        display_name=manifest.display_name, option_value_prefix=manifest.option_value_prefix,
        package_version=manifest.package_version, generated_by=manifest.generated_by,
        root_components=manifest.root_components, missing_dependencies=manifest.missing_dependencies,
        components=tuple(components), duplicates=tuple(duplicates), code=read_scripts(ctx, components),
        mapping_hints=hints,
    )


def _missing_file(c: Component) -> bool:
    return bool(getattr(c, "file_missing", False) or getattr(c, "body_missing", False))


def _with_build_outputs(package: Package, components: list[Component],
                        mapping: Mapping | None) -> tuple[list[Component], tuple[str, ...]]:
    """An unpacked folder that lacks files: the plug-in assemblies a pac solution project (.cdsproj) around it
    builds, and, with no mapping in use, the mapping files beside or above it (``reader/project.py``)."""
    if not isinstance(package, DirPackage) or not any(_missing_file(c) for c in components):
        return components, ()
    folder = Path(package.root).resolve()
    built = project.built_assemblies(folder)
    if built:
        components = [_built(c, built) for c in components]
    missing = [c for c in components if _missing_file(c) and not getattr(c, "file_built_by", None)]
    if mapping is not None or not missing:
        return components, ()
    return components, tuple(os.path.relpath(p) for p in project.mapping_files(folder))


def _built(c: Component, built: dict[str, project.BuiltAssembly]) -> Component:
    """A missing .dll of an assembly a referenced project builds is that project's build output: the assembly's
    name (its FullName) is the project's, and an export names the file after it without the dots
    (``Xrm.Framework.CI.Sample.Plugins`` -> ``XrmFrameworkCISamplePlugins.dll``)."""
    if not isinstance(c, PluginAssembly) or not c.file_missing or c.file_mapped_to or not c.file_path:
        return c
    stem = c.file_path.rsplit("/", 1)[-1].lower().removesuffix(".dll")
    found = built.get(c.full_name.split(",")[0].strip().lower()) or next(
        (b for name, b in sorted(built.items()) if name.replace(".", "") == stem.replace(".", "")), None)
    if found is None:
        return c
    return replace(c, file_built_by=f"{found.project} (ProjectReference of {os.path.relpath(found.solution_project)})")


def _detect(package: Package) -> tuple[str, str, str | None]:
    """(layout, manifest member, customizations member)."""
    zipped = isinstance(package, ZipPackage)
    manifest = package.find("solution.xml")
    if manifest:
        return ("zip" if zipped else "extracted"), manifest, package.find("customizations.xml")
    manifest = package.find("Other/Solution.xml")
    if manifest:
        return "unpacked", manifest, package.find("Other/Customizations.xml")
    if not package.names:
        raise package.error("not a solution: the folder is empty" if not zipped else "not a solution: the zip is empty")
    raise package.error("not a solution: no solution.xml (zip export) or Other/Solution.xml (unpacked folder) found")


def _dispatch(elem, member: str, ctx: ReadContext) -> list[Component]:
    name = local(elem.tag)
    reader = _READERS.get(name)
    if reader is None:
        return []
    found = reader(elem, member, ctx)
    found = found if isinstance(found, list) else [found]
    if found:  # the record itself comes first; what else it holds (types, images) is part of its digest
        record = ("record", element_digest(elem, _DIGEST_SKIPS.get(name, frozenset())))
        found[0] = replace(found[0], digests=(record, *found[0].digests))
    return found


def _from_customizations(ctx: ReadContext, member: str) -> list[Component]:
    found: list[Component] = []
    with ctx.package.open(member) as stream:
        for item in iter_items(ctx.package, member, stream, ITEM_NAMES):
            found += _dispatch(item, member, ctx)
    return found


def _from_component_files(ctx: ReadContext) -> Iterable[Component]:
    for member in ctx.package.names:
        lower = member.lower()
        if lower.endswith("_managed.xml") or not any(fnmatch.fnmatchcase(lower, g) for g in _COMPONENT_FILES):
            continue
        yield from _dispatch(parse_member(ctx.package, member), member, ctx)


def _first_of_each_key(components: list[Component]) -> tuple[list[Component], list[tuple[str, SourceLocation]]]:
    """Keep the first component of each key; the later ones are returned as (key, location) duplicates."""
    kept: list[Component] = []
    duplicates: list[tuple[str, SourceLocation]] = []
    seen: set[str] = set()
    for c in components:
        if c.key in seen:
            duplicates.append((c.key, c.source or SourceLocation("")))
            continue
        seen.add(c.key)
        kept.append(c)
    return kept, duplicates


def _part_names(components: list[Component], manifest) -> dict[str, tuple[str, str]]:
    """(name, table) of the forms and views a root component may name by id (``<type>:<id>``): from the
    package's tables, else from the MissingDependencies that name them, as the maker portal shows them."""
    found: dict[str, tuple[str, str]] = {}
    for table in (c for c in components if isinstance(c, Entity)):
        table_name = table.display_name or table.logical_name
        for code, parts in ((ComponentType.SYSTEM_FORM.code, table.forms),
                            (ComponentType.SAVED_QUERY.code, table.views)):
            for part_id, name in parts:
                found.setdefault(f"{code}:{part_id}", (name, table_name))
    for md in manifest.missing_dependencies:
        for node in (md.required, md.dependent):
            code = ComponentType.parse(node.type)
            if node.id and node.display_name and code in (ComponentType.SYSTEM_FORM, ComponentType.SAVED_QUERY):
                found.setdefault(f"{code.code}:{node.id}", (node.display_name, node.parent_display_name or ""))
    return found


def _other_root_components(manifest, components: list[Component], apps: dict[str, OtherComponent],
                           parts: dict[str, tuple[str, str]]) -> list[Component]:
    """The root components of kinds the model does not describe; a site map, app or dashboard read from its own
    file (``apps``, by ident) keeps its name and the web resources it shows, and one no root component lists is
    kept too. A form or view is named by ``parts``; the default site map has no name and no id."""
    others = []
    seen = set()
    # A choice (root component type 9) read from its own definition is not listed a second time.
    option_sets = {c.ident for c in components if isinstance(c, OptionSet)}
    # A data provider or catalog read from its own definition (by id or unique name) is not listed a second time.
    defined = {c.ident for c in components if isinstance(c, DataProvider | Catalog)}
    for rc in manifest.root_components:
        if rc.type in MODELLED_ROOT_TYPES or (rc.type == "9" and (rc.schema_name or "").lower() in option_sets):
            continue
        if (rc.id or (rc.schema_name or "").lower()) in defined:
            continue
        ident = f"{rc.type}:{rc.id or (rc.schema_name or '').lower()}"
        default_site_map = rc.type == ComponentType.SITE_MAP.code and not rc.id and not rc.schema_name
        if default_site_map:
            ident = DEFAULT_SITE_MAP  # a key and a name that say what it is
        if ident in seen:
            continue
        seen.add(ident)
        read = apps.pop(ident, None)
        name, table = parts.get(ident, (rc.schema_name or (read.name if read is not None else "") or rc.id or "", ""))
        name = "default site map" if default_site_map else name
        others.append(OtherComponent(ident=ident, name=name, solution=manifest.unique_name,
                                     source=rc.source, type_code=rc.type, behavior=rc.behavior, parent=table,
                                     label=read.label if read is not None else "",
                                     web_resources=read.web_resources if read is not None else (),
                                     digests=read.digests if read is not None else ()))
    return others + [apps[ident] for ident in sorted(apps)]
