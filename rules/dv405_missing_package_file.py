from analyzer.model import Component, PluginAssembly, WebResource, Workflow
from analyzer.rule import RuleContext, Severity, rule


def _missing(c: Component) -> tuple[str, str] | None:
    """(XML element that names the file, what the file holds) when neither the package nor a mapping has it."""
    if isinstance(c, Workflow) and c.body_missing:
        if c.body_path and c.body_path.lower().endswith(".json"):
            return "JsonFileName", "the flow definition"
        return "XamlFileName", "the process definition (XAML)"
    if isinstance(c, PluginAssembly) and c.file_missing:
        return "FileName", "the assembly itself (.dll)"
    if isinstance(c, WebResource) and c.file_missing:
        return "FileName", "the web resource content"
    return None


def _mapped_to(c: Component) -> str | None:
    """The path a mapping file reads the missing file from, which does not exist (yet)."""
    return getattr(c, "body_mapped_to", None) or getattr(c, "file_mapped_to", None)


def _mapping_hint(ctx: RuleContext, c: Component) -> str:
    """The --map suggestion when the reader found a mapping file beside or above the folder and none was given."""
    hints = next((s.mapping_hints for s in ctx.solutions if s.unique_name == c.solution and s.mapping_hints), ())
    if not hints:
        return ""
    return f"; if the folder is packed with the SolutionPackager mapping file near it, check with --map {hints[0]}"


@rule(id="DV405", name="missing-package-file", severity=Severity.ERROR,
      title="A process body, plug-in assembly or web resource file that the XML points to is not in the package",
      fix="Put the file back into the package (export again, or restore it before packing); "
          "for a mapped build output, build it first.",
      tags={"integrity", "import", "packaging"})
def check(ctx: RuleContext):
    """## What it does
    Reports components whose definition points to a file that is not in the package: a
    process whose `<XamlFileName>` (classic workflow, business rule, action, BPF) or
    `<JsonFileName>` (cloud flow) names a missing member, a plug-in assembly whose `<FileName>`
    .dll is missing, and a web resource whose content file is missing.

    An unpacked folder is checked together with the mapping it is packed with, so files kept
    outside the folder are not reported as missing: give SolutionPackager's mapping file with `--map FILE`
    (or `map = "…"` in `dvsa.toml` / `[tool.dvsa]`, relative to that file); without one, a
    `spkl.json` in the folder's parent chain whose `solutions[].packagepath` is the folder
    supplies its `map` entries (or the `mapping.xml` beside it). A file the mapping reads from a
    path that does not exist yet, typically a build output such as `Plugins/bin/**/X.dll`, is a
    warning naming that path, not an error: build first, then pack. So is a `.dll` a pac solution
    project builds: a `.cdsproj` in the folder or above it (pac keeps the package in
    `<project>/src`) whose `<ProjectReference Include="…/Plugins.csproj"/>` names a project whose
    assembly (its `<AssemblyName>`, else its file name) is the missing `PluginAssemblies/**/X.dll`.
    When files are missing, no mapping is in use and an XML file whose root is `<Mapping>` sits
    beside or above the folder (up to the repository root), the finding names it and suggests
    `--map`.

    ## Why is this bad?
    The package is incomplete. Packing an unpacked folder or importing the zip fails on the
    missing file, or imports a process with no definition and an assembly with no code. It
    happens when a file is lost in source control, left out by a build step, or excluded by a
    `.gitignore` (`*.dll`).

    ## Example
    `PluginAssemblies/ContosoPlugins-C4050000-…/ContosoPlugins.dll.data.xml` says
    `<FileName>/PluginAssemblies/ContosoPlugins-C4050000-…/ContosoPlugins.dll</FileName>`, and
    there is no `ContosoPlugins.dll` beside it, nor does a mapping file provide it.

    ## How to fix
    Export the solution again, or restore the file before packing. If the file is kept
    elsewhere and mapped in at pack time, run dvsa with the same mapping file (`--map`), or
    add a mapping directive for it.

    ## Severity
    An error: packing with SolutionPackager (Learn, "SolutionPackager tool") fails on the
    missing file, and importing the zip fails or imports a process with no definition and an
    assembly with no code.

    ## Known limitations
    In an unpacked folder a web resource's `<FileName>` keeps the zip entry name while pac
    writes the content next to its `.data.xml`; the reader looks for that sibling file there.
    Mapped files are only looked for, never opened: a process body provided by a mapping is
    not analyzed. A mapping applies to folders only; a zip holds what it holds.

    ## References
    - https://learn.microsoft.com/power-platform/alm/solution-packager-tool ("Use the /map
      command argument": "If a file is matched to any directive, it must be found in at least
      one alternative location. If no matching alternatives are found, the SolutionPackager
      issues an error." and "Relative paths are always evaluated from the folder specified by
      the /folder parameter.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in (the
      assembly content is what Dataverse stores and runs)
    """
    for comp in ctx.components():
        found = _missing(comp)
        if found is None:
            continue
        element, what = found
        path = getattr(comp, "file_path", None) or getattr(comp, "body_path", None) or "(no file name)"
        mapped_to = _mapped_to(comp)
        built_by = getattr(comp, "file_built_by", None)
        if built_by:
            # pac builds the referenced project and copies its assembly in when it packs: not built yet.
            yield ctx.finding(
                comp, f"{comp.display} points to {path} (<{element}>), {what}, which the solution project builds "
                      f"from {built_by}: build first (packing fails while it does not exist)",
                severity=_at_most_warning(ctx.severity))
            continue
        if mapped_to:
            # The mapping says where the file comes from; it is usually a build output not built yet.
            yield ctx.finding(
                comp, f"{comp.display} points to {path} (<{element}>), {what}, which the mapping file reads "
                      f"from {mapped_to}: build first (packing fails while it does not exist)",
                severity=_at_most_warning(ctx.severity))
            continue
        yield ctx.finding(comp, f"{comp.display} points to {path} (<{element}>), {what}; the package does not "
                                f"have it, so packing or importing the solution fails{_mapping_hint(ctx, comp)}")


def _at_most_warning(configured: Severity) -> Severity:
    return configured if configured.rank <= Severity.WARNING.rank else Severity.WARNING
