from analyzer.messages import FIRST_PARTY_PREFIXES
from analyzer.model import PluginAssembly, PluginPackage
from analyzer.platform import AssemblySource, IsolationMode
from analyzer.rule import RuleContext, Severity, rule


def _unsigned(assembly: PluginAssembly) -> bool:
    token = (assembly.public_key_token or "").strip().lower()
    return bool(assembly.full_name) and token in ("", "null")


@rule(id="DV214", name="plugin-assembly-registration", severity=Severity.ERROR,
      title="Plug-in assembly that Dataverse does not register as exported",
      fix="Sign the assembly with a strong-name key (or ship it in a plug-in package), register it in the sandbox "
          "and store it in the database, then export again.",
      tags={"plugin", "import"})
def check(ctx: RuleContext):
    """## What it does
    Checks how each plug-in assembly of the package is registered:
    - not strong-named: `PublicKeyToken=null` in its `FullName` (error), unless the solution ships
      a plug-in package (dependent assemblies), where unsigned assemblies are allowed;
    - `IsolationMode` other than 2 (Sandbox) (warning);
    - `SourceType` other than 0 (Database) (warning).

    ## Why is this bad?
    Dataverse registers only signed assemblies, except those in a plug-in package: importing an
    unsigned one fails. Dataverse (online) runs plug-ins only in the sandbox and stores them only
    in the database; isolation mode None and disk or GAC storage exist for on-premises servers.
    Those two are warnings: an on-premises target accepts both.

    ## Example
    `<PluginAssembly FullName="Contoso.Plugins, Version=1.0.0.0, Culture=neutral,
    PublicKeyToken=null">` with `<IsolationMode>1</IsolationMode>`.

    ## How to fix
    Sign the project (Visual Studio: Signing tab, or `sn.exe`), or move to a plug-in package
    (`pac plugin init`), which does not need signing. Register with isolation mode Sandbox and
    location Database in the Plug-in Registration Tool, then export again.

    ## Severity
    An error: for an unsigned assembly Dataverse refuses to register it outside a plug-in package
    (Learn, "Build and package plug-in code"), so the import fails. Isolation and storage are warnings.

    ## Known limitations
    Isolation and storage are not judged for solutions of a Microsoft first-party publisher prefix
    (msdyn…, mspp, adx): Microsoft's own solutions, such as the Universal Resource Scheduling
    upgrade scripts, are exported with isolation mode None and import into online environments.
    The `.dll` itself is not read: its size (16 MB at most) and target framework (.NET Framework
    4.6.2) are not checked.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/build-and-package ("assemblies must be
      signed before you can register them", "Limit assemblies to 16 MB", ".NET Framework 4.6.2")
    - https://learn.microsoft.com/power-apps/developer/data-platform/plug-ins#plug-in-isolation-trusts-and-statistics
    - https://learn.microsoft.com/power-apps/developer/data-platform/build-and-package#dependent-assemblies
    """
    packaged = {c.solution for c in ctx.components(PluginPackage)}
    first_party = {s.unique_name for s in ctx.solutions if (s.prefix or "").lower().startswith(FIRST_PARTY_PREFIXES)}
    for assembly in ctx.components(PluginAssembly):
        if _unsigned(assembly) and assembly.solution not in packaged:
            yield ctx.finding(assembly, f"{assembly.display} is not strong-named (PublicKeyToken=null): Dataverse "
                                        "registers only signed assemblies outside a plug-in package, so the import "
                                        "fails")
        if assembly.solution in first_party:
            continue  # Microsoft's own apps register outside the sandbox (see "Known limitations")
        isolation = IsolationMode.parse(assembly.isolation_mode)
        if isolation is not None and isolation != IsolationMode.SANDBOX:
            yield ctx.finding(assembly, f"{assembly.display} is registered with isolation mode {isolation.label} "
                                        "(not Sandbox): Dataverse online runs plug-ins only in the sandbox",
                              severity=Severity.WARNING)
        source = AssemblySource.parse(assembly.source_type)
        if source is not None and source != AssemblySource.DATABASE:
            yield ctx.finding(assembly, f"{assembly.display} is stored on {source.label} (not Database): Dataverse "
                                        "online loads plug-ins only from the database",
                              severity=Severity.WARNING)
