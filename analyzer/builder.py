"""Write a small solution package from a few declared components (a development tool: rule fixtures,
the fuzz seeds and the benchmark generator share it; nothing in the analysis pipeline imports it).

Declare a ``Package`` — a manifest plus workflows, plug-in assemblies, steps, Custom APIs, missing
dependencies — and write it in either layout the analyzer reads::

    package.members("zip")       # [(member name, bytes)], as 'Export solution' writes them
    package.members("unpacked")  # the same as a pac / SolutionPackager folder
    package.write_zip(path) / package.write_folder(path, layout)

The files follow ``FORMAT.md`` (the corpus): zip ``solution.xml`` / ``customizations.xml`` have no
declaration and CRLF line ends; unpacked XML has a BOM and a declaration; one file per workflow, step
and assembly in the unpacked layout; ``customapis/`` folders in both. Text goes through lxml, so names
with ``&`` or ``"`` are escaped. The same package always gives the same bytes (zip entries carry a
fixed date). Components the builder does not model (tables, roles, web resources, connection
references) can be passed as ``Raw`` XML.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lxml import etree

Layout = Literal["zip", "unpacked"]

XSI = "http://www.w3.org/2001/XMLSchema-instance"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so a zip is byte-identical from run to run
BOM_DECLARATION = '\ufeff<?xml version="1.0" encoding="utf-8"?>\n'

# Well-known ids of built-in messages (the same in every organisation; FORMAT.md section 5).
CREATE_MESSAGE = "9ebdbb1b-ea3e-db11-86a7-000a3a5473e8"
UPDATE_MESSAGE = "20bebb1b-ea3e-db11-86a7-000a3a5473e8"

# Top-level containers of customizations.xml, in the order a modern export writes them (FORMAT.md section 1).
CONTAINERS = ("Entities", "Roles", "Workflows", "FieldSecurityProfiles", "Templates", "EntityMaps",
              "EntityRelationships", "OrganizationSettings", "optionsets", "WebResources",
              "SolutionPluginAssemblies", "SdkMessageProcessingSteps", "connectionreferences")

XAML_NAMESPACES = (
    'xmlns="http://schemas.microsoft.com/netfx/2009/xaml/activities" '
    'xmlns:mxs="clr-namespace:Microsoft.Xrm.Sdk;assembly=Microsoft.Xrm.Sdk, Version=9.0.0.0, Culture=neutral, '
    'PublicKeyToken=31bf3856ad364e35" '
    'xmlns:mxswa="clr-namespace:Microsoft.Xrm.Sdk.Workflow.Activities;assembly=Microsoft.Xrm.Sdk.Workflow, '
    'Version=9.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" '
    'xmlns:mcwa="clr-namespace:Microsoft.Crm.Workflow.Activities;assembly=Microsoft.Crm.Workflow, Version=9.0.0.0, '
    'Culture=neutral, PublicKeyToken=31bf3856ad364e35" '
    'xmlns:mcwc="clr-namespace:Microsoft.Crm.Workflow.ClientActivities;assembly=Microsoft.Crm.Workflow, '
    'Version=9.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" '
    'xmlns:x="http://schemas.microsoft.com/winfx/2006/xaml"')


# --- the declared components -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Manifest:
    unique_name: str
    version: str = "1.0.0.0"
    managed: int = 0  # 0 unmanaged, 1 managed; 2 is what a pac "Both" unpack writes
    publisher: str = "contoso"
    prefix: str = "contoso"
    option_value_prefix: int = 10000
    display_name: str | None = None


@dataclass(frozen=True)
class Workflow:
    """A process record: classic workflow (0), dialog (1), business rule (2), action (3), BPF (4), cloud flow (5)…

    ``xaml`` is the inner XAML (the children of ``<Activity>``), wrapped by the builder; ``flow`` is the flow
    JSON. Neither: no body file. ``fields`` are extra child elements (name, text) written after the standard
    ones; ``raw`` extra child elements as XML text."""

    id: str
    name: str
    category: int = 0
    xaml: str | None = None
    flow: Mapping[str, Any] | None = None
    primary_entity: str = "none"
    mode: int = 0
    state: int = 1  # 1 activated, 0 draft
    unique_name: str | None = None  # actions: the message name without the prefix
    sdk_message_id: str | None = None  # actions: the id of the message they define
    fields: tuple[tuple[str, str], ...] = ()
    raw: tuple[str, ...] = ()
    body_file: str | None = None  # the body's member path, when it is written elsewhere (the benchmark generator)
    overrides: tuple[tuple[str, str | int], ...] = ()  # other values for standard elements (OnDemand, …)

    @property
    def body_path(self) -> str | None:
        if self.body_file is not None:
            return self.body_file
        if self.flow is not None:
            return f"Workflows/{self.file_stem}.json"
        return f"Workflows/{self.file_stem}.xaml" if self.xaml is not None else None

    @property
    def file_stem(self) -> str:
        # Export names the body after the display name without spaces, then the upper-case id.
        return f"{self.name.replace(' ', '')}-{self.id.upper()}"


def action(id: str, name: str, unique_name: str, message_id: str, *, xaml: str | None = "  <mxswa:Workflow />",
           state: int = 1, **more: Any) -> Workflow:
    """A custom process action (category 3) that defines message ``<prefix>_<unique_name>`` with id ``message_id``."""
    return Workflow(id=id, name=name, category=3, xaml=xaml, state=state, unique_name=unique_name,
                    sdk_message_id=message_id, **more)


def cloud_flow(id: str, name: str, flow: Mapping[str, Any], *, state: int = 1, **more: Any) -> Workflow:
    return Workflow(id=id, name=name, category=5, flow=flow, state=state,
                    fields=(("ModernFlowType", "0"), *more.pop("fields", ())), **more)


@dataclass(frozen=True)
class PluginType:
    id: str | None
    class_name: str  # Contoso.Plugins.PostCreate
    name: str | None = None  # display name; custom workflow activities often have one
    friendly_name: str | None = None
    description: str | None = None
    workflow_activity_group: str | None = None  # set: a custom workflow activity


@dataclass(frozen=True)
class PluginAssembly:
    id: str | None
    full_name: str  # Contoso.Plugins, Version=1.0.0.0, Culture=neutral, PublicKeyToken=…
    types: tuple[PluginType, ...] = ()
    isolation_mode: int = 2  # sandbox
    source_type: int = 0
    dll: bytes | None = b"MZ\x90\x00 placeholder assembly"  # None: the package lacks the .dll file

    @property
    def simple_name(self) -> str:
        return self.full_name.split(",")[0].strip()

    @property
    def dll_path(self) -> str:
        folder = self.simple_name.replace(".", "") + (f"-{self.id.upper()}" if self.id else "")
        return f"PluginAssemblies/{folder}/{self.simple_name}.dll"

    def type_name(self, class_name: str) -> str:
        """The assembly-qualified name of one of its types, as steps spell it."""
        return f"{class_name}, {self.full_name}"


@dataclass(frozen=True)
class StepImage:
    id: str
    alias: str
    image_type: int  # 0 pre, 1 post, 2 both
    attributes: str = ""  # comma list; empty: all columns
    message_property: str = "Target"


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    message_id: str
    plugin_type_name: str  # assembly-qualified
    plugin_type_id: str | None = None
    stage: int = 40
    mode: int = 0
    rank: int = 1
    primary_entity: str | None = None  # None: a global message, no <PrimaryEntity>
    filtering_attributes: str | None = ""  # None: element absent
    images: tuple[StepImage, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    overrides: tuple[tuple[str, str | int], ...] = ()  # other values for standard elements (AsyncAutoDelete, …)


@dataclass(frozen=True)
class ApiParameter:
    """A Custom API request parameter (``response=False``) or response property (``response=True``)."""

    unique_name: str
    type: int = 10  # 0 Boolean, 3 Entity, 10 String, 12 Guid …
    is_optional: bool = False
    name: str | None = None
    logical_entity_name: str | None = None
    description: str | None = None  # label texts; None: the unique name
    display_name: str | None = None


@dataclass(frozen=True)
class CustomApi:
    unique_name: str
    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    binding_type: int = 0  # 0 global, 1 entity, 2 entity collection
    bound_entity: str | None = None
    is_function: bool = False
    is_private: bool = False
    allowed_step_type: int = 0  # 0 none, 1 async only, 2 sync and async
    plugin_type_id: str | None = None
    workflow_step_enabled: bool = False
    request_parameters: tuple[ApiParameter, ...] = ()
    response_properties: tuple[ApiParameter, ...] = ()

    @property
    def folder(self) -> str:
        return f"customapis/{self.unique_name}"


@dataclass(frozen=True)
class MissingDependency:
    """One <MissingDependency>: the attributes of its <Required> and <Dependent>, in the order given."""

    required: tuple[tuple[str, str], ...]
    dependent: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RootComponent:
    type: int | str
    id: str | None = None
    schema_name: str | None = None
    behavior: int = 0


@dataclass(frozen=True)
class Raw:
    """A component element the builder does not model, as XML text, under ``container`` of customizations.xml.
    ``unpacked_path``: its own file in the unpacked layout; None keeps it in Other/Customizations.xml."""

    container: str
    xml: str
    unpacked_path: str | None = None


@dataclass(frozen=True)
class Package:
    manifest: Manifest
    workflows: tuple[Workflow, ...] = ()
    assemblies: tuple[PluginAssembly, ...] = ()
    steps: tuple[Step, ...] = ()
    custom_apis: tuple[CustomApi, ...] = ()
    missing_dependencies: tuple[MissingDependency, ...] = ()
    root_components: tuple[RootComponent, ...] | None = None  # None: one per workflow, assembly and step
    raw: tuple[Raw, ...] = ()
    files: tuple[tuple[str, bytes], ...] = ()  # any other member, the same in both layouts

    def members(self, layout: Layout = "zip") -> list[tuple[str, bytes]]:
        if layout == "zip":
            return _zip_members(self)
        if layout == "unpacked":
            return _unpacked_members(self)
        raise ValueError(f"unknown layout {layout!r}: 'zip' or 'unpacked'")

    def write_zip(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.members("zip"):
                zf.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
        return path

    def write_folder(self, path: str | Path, layout: Layout = "unpacked") -> Path:
        """An unpacked folder (Other/Solution.xml …) or, with layout 'zip', an extracted export."""
        path = Path(path)
        for name, data in self.members(layout):
            target = path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return path


# --- XML elements ------------------------------------------------------------------------------------------------

def _sub(parent: etree._Element, tag: str, text: str | int | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = str(text)
    return el


def _braced(guid: str) -> str:
    return "{" + guid.strip("{}") + "}"


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _localized(parent: etree._Element, tag: str, text: str) -> None:
    names = _sub(parent, tag)
    _sub(names, "LocalizedName", description=text, languagecode="1033")


def solution_element(package: Package) -> etree._Element:
    m = package.manifest
    root = etree.Element("ImportExportXml", {"version": "9.2.24014.198", "SolutionPackageVersion": "9.2",
                                             "languagecode": "1033", "generatedBy": "CrmLive"}, nsmap={"xsi": XSI})
    manifest = _sub(root, "SolutionManifest")
    _sub(manifest, "UniqueName", m.unique_name)
    _localized(manifest, "LocalizedNames", m.display_name or m.unique_name)
    _sub(manifest, "Descriptions")
    _sub(manifest, "Version", m.version)
    _sub(manifest, "Managed", m.managed)
    publisher = _sub(manifest, "Publisher")
    _sub(publisher, "UniqueName", m.publisher)
    _localized(publisher, "LocalizedNames", m.publisher)
    _sub(publisher, "CustomizationPrefix", m.prefix)
    _sub(publisher, "CustomizationOptionValuePrefix", m.option_value_prefix)
    address = _sub(_sub(publisher, "Addresses"), "Address")
    _sub(address, "AddressNumber", 1)
    _sub(address, "City").set(f"{{{XSI}}}nil", "true")
    roots = _sub(manifest, "RootComponents")
    for rc in package.root_components if package.root_components is not None else _default_roots(package):
        _sub(roots, "RootComponent", type=str(rc.type), id=_braced(rc.id) if rc.id else None,
             schemaName=rc.schema_name, behavior=str(rc.behavior))
    missing = _sub(manifest, "MissingDependencies")
    for dep in package.missing_dependencies:
        item = _sub(missing, "MissingDependency")
        _sub(item, "Required", **dict(dep.required))
        _sub(item, "Dependent", **dict(dep.dependent))
    return root


def _default_roots(package: Package) -> list[RootComponent]:
    return ([RootComponent(29, id=w.id) for w in package.workflows]
            + [RootComponent(91, id=a.id, schema_name=a.full_name) for a in package.assemblies if a.id]
            + [RootComponent(92, id=s.id) for s in package.steps])


def workflow_element(wf: Workflow) -> etree._Element:
    el = etree.Element("Workflow", WorkflowId=_braced(wf.id), Name=wf.name)
    body = wf.body_path
    if body:
        _sub(el, "JsonFileName" if body.endswith(".json") else "XamlFileName", f"/{body}")
    overrides = dict(wf.overrides)
    for tag, value in (("Type", 1), ("Subprocess", 0), ("Category", wf.category), ("Mode", wf.mode),
                       ("Scope", 4), ("OnDemand", 0), ("TriggerOnCreate", 0), ("TriggerOnDelete", 0),
                       ("AsyncAutodelete", 0), ("SyncWorkflowLogOnFailure", 1), ("StateCode", wf.state),
                       ("StatusCode", wf.state + 1), ("RunAs", 1), ("IsTransacted", 1),
                       ("IntroducedVersion", "1.0.0.0"), ("IsCustomizable", 1)):
        _sub(el, tag, overrides.get(tag, value))
    if wf.sdk_message_id:
        _sub(el, "SdkMessageId", _braced(wf.sdk_message_id))
    if wf.unique_name:
        _sub(el, "UniqueName", wf.unique_name)
    _sub(el, "PrimaryEntity", wf.primary_entity)
    for tag, value in wf.fields:
        _sub(el, tag, value)
    for fragment in wf.raw:
        el.append(etree.fromstring(fragment))
    _localized(el, "LocalizedNames", wf.name)
    return el


def xaml_document(wf: Workflow) -> str:
    return (f'<Activity x:Class="XrmWorkflow{wf.id.replace("-", "")}" {XAML_NAMESPACES}>\n'
            f"{wf.xaml}\n</Activity>")


def assembly_element(asm: PluginAssembly) -> etree._Element:
    el = etree.Element("PluginAssembly", {k: v for k, v in (("FullName", asm.full_name), ("PluginAssemblyId", asm.id),
                                                            ("CustomizationLevel", "1")) if v is not None})
    _sub(el, "IsolationMode", asm.isolation_mode)
    _sub(el, "SourceType", asm.source_type)
    _sub(el, "IntroducedVersion", "1.0")
    _sub(el, "FileName", f"/{asm.dll_path}")
    types = _sub(el, "PluginTypes")
    for t in asm.types:
        attrs = {"AssemblyQualifiedName": asm.type_name(t.class_name), "PluginTypeId": t.id,
                 "Name": t.name or t.class_name}
        te = _sub(types, "PluginType", **attrs)
        _sub(te, "FriendlyName", t.friendly_name or t.name or t.class_name)
        if t.description is not None:
            _sub(te, "Description", t.description)
        if t.workflow_activity_group is not None:
            _sub(te, "WorkflowActivityGroupName", t.workflow_activity_group)
    return el


def step_element(step: Step) -> etree._Element:
    el = etree.Element("SdkMessageProcessingStep", Name=step.name, SdkMessageProcessingStepId=_braced(step.id))
    _sub(el, "PluginTypeName", step.plugin_type_name)
    if step.plugin_type_id:
        _sub(el, "PluginTypeId", step.plugin_type_id)
    if step.primary_entity:
        _sub(el, "PrimaryEntity", step.primary_entity)
    overrides = dict(step.overrides)
    _sub(el, "AsyncAutoDelete", overrides.get("AsyncAutoDelete", 0))
    if step.filtering_attributes is not None:
        _sub(el, "FilteringAttributes", step.filtering_attributes)
    for tag, value in (("InvocationSource", 0), ("Mode", step.mode), ("Rank", step.rank),
                       ("SdkMessageId", _braced(step.message_id)), ("EventHandlerTypeCode", 4602),
                       ("Stage", step.stage), ("IsCustomizable", 1), ("IsHidden", 0), ("SupportedDeployment", 0),
                       ("IntroducedVersion", "1.0.0.0"), *step.fields):
        _sub(el, tag, overrides.get(tag, value))
    if step.images:
        images = _sub(el, "SdkMessageProcessingStepImages")
        for image in step.images:
            ie = _sub(images, "SdkMessageProcessingStepImage", Name=image.alias)
            for tag, value in (("SdkMessageProcessingStepImageId", _braced(image.id)),
                               ("Attributes", image.attributes), ("EntityAlias", image.alias),
                               ("ImageType", image.image_type), ("MessagePropertyName", image.message_property),
                               ("IsCustomizable", 1)):
                _sub(ie, tag, value)
    return el


def _label(parent: etree._Element, tag: str, text: str) -> None:
    _sub(_sub(parent, tag, default=text), "label", description=text, languagecode="1033")


_API_FOLDERS = {"customapirequestparameter": "customapirequestparameters",
                "customapiresponseproperty": "customapiresponseproperties"}


def custom_api_files(api: CustomApi) -> list[tuple[str, bytes]]:
    """customapi.xml and one file per request parameter and response property (the same in both layouts)."""
    el = etree.Element("customapi", uniquename=api.unique_name)
    _sub(el, "allowedcustomprocessingsteptype", api.allowed_step_type)
    _sub(el, "bindingtype", api.binding_type)
    if api.bound_entity:
        _sub(el, "boundentitylogicalname", api.bound_entity)
    _label(el, "description", api.description or api.unique_name)
    _label(el, "displayname", api.display_name or api.unique_name)
    _sub(el, "iscustomizable", 1)
    _sub(el, "isfunction", _flag(api.is_function))
    _sub(el, "isprivate", _flag(api.is_private))
    _sub(el, "name", api.name or api.unique_name)
    if api.plugin_type_id:
        _sub(_sub(el, "plugintypeid"), "plugintypeexportkey", api.plugin_type_id)
    _sub(el, "workflowsdkstepenabled", _flag(api.workflow_step_enabled))
    files = [(f"{api.folder}/customapi.xml", _plain(el))]
    for kind, items in (("customapirequestparameter", api.request_parameters),
                        ("customapiresponseproperty", api.response_properties)):
        for p in items:
            pe = etree.Element(kind, uniquename=p.unique_name)
            _label(pe, "description", p.description or p.unique_name)
            _label(pe, "displayname", p.display_name or p.unique_name)
            _sub(pe, "iscustomizable", 1)
            if kind == "customapirequestparameter":  # response properties are never optional
                _sub(pe, "isoptional", _flag(p.is_optional))
            if p.logical_entity_name:
                _sub(pe, "logicalentityname", p.logical_entity_name)
            _sub(pe, "name", p.name or p.unique_name)
            _sub(pe, "type", p.type)
            files.append((f"{api.folder}/{_API_FOLDERS[kind]}/{p.unique_name}/{kind}.xml", _plain(pe)))
    return files


def customizations_element(package: Package, *, shell: bool) -> tuple[etree._Element, list[tuple[str, bytes]]]:
    """customizations.xml; with ``shell`` (the unpacked layout) the components go to files of their own,
    returned beside the element."""
    root = etree.Element("ImportExportXml", nsmap={"xsi": XSI})
    extra = [r.container for r in package.raw if r.container not in CONTAINERS]
    containers = {name: _sub(root, name) for name in (*CONTAINERS, *dict.fromkeys(extra))}
    own_files: list[tuple[str, bytes]] = []

    def place(container: str, el: etree._Element, unpacked_path: str | None) -> None:
        if shell and unpacked_path:
            own_files.append((unpacked_path, _declared(el)))
        else:
            containers[container].append(el)

    for wf in package.workflows:
        data_file = f"{wf.body_path or f'Workflows/{wf.file_stem}.xaml'}.data.xml"
        place("Workflows", workflow_element(wf), data_file)
    for asm in package.assemblies:
        place("SolutionPluginAssemblies", assembly_element(asm), f"{asm.dll_path}.data.xml")
    for step in package.steps:
        place("SdkMessageProcessingSteps", step_element(step),
              f"SdkMessageProcessingSteps/{_braced(step.id).lower()}.xml")
    for raw in package.raw:
        place(raw.container, etree.fromstring(raw.xml), raw.unpacked_path)
    languages = _sub(root, "Languages")
    _sub(languages, "Language", 1033)
    return root, own_files


# --- serialisation -----------------------------------------------------------------------------------------------

def _text(el: etree._Element) -> str:
    etree.indent(el, space="  ")
    return etree.tostring(el, encoding="unicode")


def element_text(el: etree._Element) -> str:
    """One element as indented XML text, no declaration (for writers that stream elements one by one)."""
    return _text(el)


def _plain(el: etree._Element) -> bytes:
    """customapis/ and single component files: no BOM, no declaration, LF."""
    return _text(el).encode("utf-8")


def _exported(el: etree._Element) -> bytes:
    """Zip solution.xml / customizations.xml: no declaration, CRLF (FORMAT.md section 0)."""
    return (_text(el) + "\n").replace("\n", "\r\n").encode("utf-8")


def _declared(el: etree._Element) -> bytes:
    """pac / SolutionPackager output: UTF-8 BOM and a declaration."""
    return (BOM_DECLARATION + _text(el) + "\n").encode("utf-8")


CONTENT_TYPES = ('\ufeff<?xml version="1.0" encoding="utf-8"?><Types '
                 'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="xml" ContentType="application/octet-stream" />'
                 '<Default Extension="xaml" ContentType="application/octet-stream" /></Types>')


def _body_files(package: Package) -> list[tuple[str, bytes]]:
    files = []
    for wf in package.workflows:
        if wf.flow is not None:
            files.append((wf.body_path, json.dumps(wf.flow).encode("utf-8")))
        elif wf.xaml is not None:
            files.append((wf.body_path, xaml_document(wf).encode("utf-8")))
    files += [(a.dll_path, a.dll) for a in package.assemblies if a.dll is not None]
    return files


def _shared_files(package: Package) -> list[tuple[str, bytes]]:
    files = _body_files(package)
    for api in package.custom_apis:
        files += custom_api_files(api)
    return files + list(package.files)


def _zip_members(package: Package) -> list[tuple[str, bytes]]:
    customizations, _ = customizations_element(package, shell=False)
    return [("[Content_Types].xml", CONTENT_TYPES.encode("utf-8")),
            ("solution.xml", _exported(solution_element(package))),
            ("customizations.xml", _exported(customizations)),
            *_shared_files(package)]


def _unpacked_members(package: Package) -> list[tuple[str, bytes]]:
    customizations, own_files = customizations_element(package, shell=True)
    return [("Other/Solution.xml", _declared(solution_element(package))),
            ("Other/Customizations.xml", _declared(customizations)),
            *own_files, *_shared_files(package)]


__all__ = ["ApiParameter", "CREATE_MESSAGE", "CustomApi", "Manifest", "MissingDependency", "Package", "PluginAssembly",
           "PluginType", "Raw", "RootComponent", "Step", "StepImage", "UPDATE_MESSAGE", "Workflow", "action",
           "cloud_flow"]
