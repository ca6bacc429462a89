from analyzer.model import MODELLED_ROOT_TYPES, Component, Entity, PluginAssembly, RootComponent, Solution
from analyzer.platform import ComponentType
from analyzer.rule import ComponentSummary, RuleContext, Severity, rule

_ENTITY, _ROLE, _WORKFLOW = ComponentType.ENTITY.code, ComponentType.ROLE.code, ComponentType.WORKFLOW.code
_WEB_RESOURCE, _ASSEMBLY = ComponentType.WEB_RESOURCE.code, ComponentType.PLUGIN_ASSEMBLY.code
_STEP = ComponentType.SDK_MESSAGE_PROCESSING_STEP.code
# What the maker portal calls each modelled root type; the component type's own label and code follow it.
_NOUNS = {_ENTITY: "table", _ROLE: "security role", _WORKFLOW: "process", _WEB_RESOURCE: "web resource",
          _ASSEMBLY: "plug-in assembly", _STEP: "plug-in step"}
# Where the definition should be: a file per component in an unpacked folder, an element of customizations.xml
# in a zip.
_FILES = {_ENTITY: "no Entities/<Name>/Entity.xml", _ROLE: "no Roles/<Name>.xml",
          _WORKFLOW: "no Workflows/<Name>-<GUID>.xaml.data.xml or .json.data.xml",
          _WEB_RESOURCE: "no WebResources/<Name>.data.xml",
          _ASSEMBLY: "no PluginAssemblies/<Name>-<GUID>/<Name>.dll.data.xml",
          _STEP: "no SdkMessageProcessingSteps/{<GUID>}.xml"}
_ELEMENTS = {_ENTITY: "no <Entity> in customizations.xml", _ROLE: "no <Role> in customizations.xml",
             _WORKFLOW: "no <Workflow> in customizations.xml", _WEB_RESOURCE: "no <WebResource> in customizations.xml",
             _ASSEMBLY: "no <PluginAssembly> in customizations.xml",
             _STEP: "no <SdkMessageProcessingStep> in customizations.xml"}
_BEHAVIORS = {0: "include subcomponents", 1: "do not include subcomponents", 2: "include as shell only"}


def _label(code: str) -> str:
    """``table (Entity, type 1)``: the portal noun, then the component type's label and code."""
    return f"{_NOUNS[code]} ({ComponentType.parse(code).label}, type {code})"


def _names(c: Component) -> set[str]:
    """Every lower-case identity a root component may use for ``c``: id, unique, schema or file name."""
    names = {c.ident, c.name.lower()}
    if isinstance(c, Entity):
        names |= {n.lower() for n in (c.logical_name, c.schema_name) if n}
    elif isinstance(c, PluginAssembly):
        names.add(c.full_name.split(",")[0].strip().lower())
    return names  # a web resource is listed by its Name, which is c.name


def _index(solution: Solution) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for c in solution.components:
        found.setdefault(c.kind, set()).update(_names(c))
    return found


def _identity(rc: RootComponent) -> list[str]:
    """The ids and names a RootComponent gives, lower-cased; an assembly's ``Name, Version=…`` is cut to Name."""
    values = [rc.id] if rc.id else []
    if rc.schema_name:
        name = rc.schema_name.strip()
        if rc.type == _ASSEMBLY:
            name = name.split(",")[0].strip()
        values.append(name.lower())
    return values


@rule(id="DV403", name="root-component-undefined", severity=Severity.ERROR,
      title="solution.xml lists a root component that the package does not define",
      fix="Export the solution again (or restore the missing component file); if the component was removed, remove "
          "its RootComponent entry.",
      tags={"integrity", "import", "packaging"})
def check(ctx: RuleContext):
    """## What it does
    Checks every `<RootComponent>` of solution.xml whose type the analyzer models (1 table,
    20 security role, 29 process, 61 web resource, 91 plug-in assembly, 92 plug-in step) and
    reports those with no definition anywhere in the package: no `<Entity>`, `<Role>`,
    `<Workflow>`, `<WebResource>`, `<PluginAssembly>` or `<SdkMessageProcessingStep>` in
    customizations.xml, and no per-component file in an unpacked folder. Root components are
    matched by `id` or by `schemaName` (an assembly's `schemaName` is its full name; the version
    is ignored). The finding is on the solution and points at the RootComponent line.

    ## Why is this bad?
    A root component is what the solution promises to create or update. When its definition
    is missing the package is inconsistent: a hand-edited or partly merged solution.xml, a file
    lost in source control, or a component deleted from the folder without updating the
    manifest. The import either fails or silently skips the component, and everything that
    depends on it breaks in the target environment.

    ## Example
    ```xml
    <RootComponent type="92" id="{b4030000-0000-4000-8000-000000000002}" behavior="0" />
    ```
    in Other/Solution.xml, but no `SdkMessageProcessingSteps/{b4030000-…-000000000002}.xml`.

    ## How to fix
    Restore the component file from source control or export the solution again and unpack
    it. If the component was removed on purpose, remove its `RootComponent` entry too.

    ## Severity
    An error: the import fails on a root component whose definition the package does not hold,
    or skips it (Learn, "SolutionPackager tool": packing needs every file the manifest names);
    what depends on it then fails in the target.

    ## Known limitations
    Tables are listed with `behavior` 1 ("do not include subcomponents") or 2 ("include as
    shell only") when only some of their parts are shipped; the export still writes an
    `<Entity>` element for them (system tables in real exports do), so any `<Entity>` with the
    name counts as the definition, however partial. A table listed only by `id` cannot be
    matched (the package names tables, it does not give their ids) and is skipped.

    ## References
    - https://learn.microsoft.com/power-platform/alm/solution-packager-tool
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/solutioncomponent
      (component types; root component behaviors 0 "Include Subcomponents", 1 "Do not include
      subcomponents", 2 "Include As Shell Only")
    """
    for solution in ctx.solutions:
        defined = _index(solution)
        where = _FILES if solution.layout == "unpacked" else _ELEMENTS
        summary = ComponentSummary(key=f"solution:{solution.unique_name.lower()}", kind="solution",
                                   name=solution.unique_name, solution=solution.unique_name)
        for rc in solution.root_components:
            kind = MODELLED_ROOT_TYPES.get(rc.type)
            if kind is None:
                continue
            identity = _identity(rc)
            if rc.type == _ENTITY and not rc.schema_name:
                continue  # tables are defined by name; an id alone cannot be matched
            if not identity or any(v in defined.get(kind, ()) for v in identity):
                continue
            shown = rc.schema_name or f"{{{rc.id}}}"
            if rc.schema_name and rc.id:
                shown += f" ({{{rc.id}}})"
            behavior = f", behavior {rc.behavior} \"{_BEHAVIORS[rc.behavior]}\"" if rc.behavior in _BEHAVIORS \
                and rc.type == _ENTITY else ""
            yield ctx.finding(
                summary,
                f"solution {solution.unique_name} lists {_label(rc.type)} {shown} as a root component{behavior}, "
                f"but the package does not define it ({where[rc.type]})",
                location=rc.source)
