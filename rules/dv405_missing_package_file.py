from analyzer.model import Component, PluginAssembly, WebResource, Workflow
from analyzer.rule import RuleContext, Severity, rule


def _missing(c: Component) -> tuple[str, str] | None:
    """(XML element that names the file, what the file holds) when the reader found no such member."""
    if isinstance(c, Workflow) and c.body_missing:
        if c.body_path and c.body_path.lower().endswith(".json"):
            return "JsonFileName", "the flow definition"
        return "XamlFileName", "the process definition (XAML)"
    if isinstance(c, PluginAssembly) and c.file_missing:
        return "FileName", "the assembly itself (.dll)"
    if isinstance(c, WebResource) and c.file_missing:
        return "FileName", "the web resource content"
    return None


@rule(id="DV405", name="missing-package-file", severity=Severity.ERROR,
      title="A process body, plug-in assembly or web resource file that the XML points to is not in the package",
      fix="Put the file back into the package (export again, or restore it before packing).",
      tags={"integrity", "import", "packaging"})
def check(ctx: RuleContext):
    """## What it does
    Reports components whose definition points to a file that is not in the package: a
    process whose `<XamlFileName>` (classic workflow, business rule, action, BPF) or
    `<JsonFileName>` (cloud flow) names a missing member, a plug-in assembly whose `<FileName>`
    .dll is missing, and a web resource whose content file is missing.

    ## Why is this bad?
    The package is incomplete. Packing an unpacked folder or importing the zip fails on the
    missing file, or imports a process with no definition and an assembly with no code. It
    happens when a file is lost in source control, left out by a build step, or excluded by a
    `.gitignore` (`*.dll`).

    ## Example
    `PluginAssemblies/ContosoPlugins-C4050000-…/ContosoPlugins.dll.data.xml` says
    `<FileName>/PluginAssemblies/ContosoPlugins-C4050000-…/ContosoPlugins.dll</FileName>`, and
    there is no `ContosoPlugins.dll` beside it.

    ## How to fix
    Export the solution again, or restore the file before packing. Teams that keep built
    assemblies and web resources out of source control and let SolutionPackager's `/map` file
    supply them at pack time should run dvsa on the packed zip, or skip this rule on the
    folder (`--ignore DV405`).

    ## Known limitations
    In an unpacked folder a web resource's `<FileName>` keeps the zip entry name while pac
    writes the content next to its `.data.xml`; the reader looks for that sibling file there.

    ## References
    - https://learn.microsoft.com/power-platform/alm/solution-packager-tool ("If a file is
      matched to any directive, it must be found in at least one alternative location. If no
      matching alternatives are found, the SolutionPackager issues an error.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in (the
      assembly content is what Dataverse stores and runs)
    """
    layouts = {s.unique_name: s.layout for s in ctx.solutions}
    for comp in ctx.components():
        found = _missing(comp)
        layout = layouts.get(comp.solution, "")
        if found is None:
            continue
        element, what = found
        path = getattr(comp, "file_path", None) or getattr(comp, "body_path", None) or "(no file name)"
        outcome = "the folder does not have it, so packing it fails" if layout == "unpacked" else \
            "the package does not have it, so the import fails"
        yield ctx.finding(comp, f"{comp.display} points to {path} (<{element}>), {what}; {outcome}")
