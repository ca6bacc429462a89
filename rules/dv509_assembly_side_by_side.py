from __future__ import annotations

from analyzer.model import PluginAssembly
from analyzer.rule import RuleContext, Severity, rule

from ._versions import solution_pairs


def _major_minor(version: str | None) -> tuple[str, str] | None:
    parts = (version or "").split(".")
    return (parts[0], parts[1]) if len(parts) >= 2 else None


@rule(id="DV509", name="assembly-side-by-side", severity=Severity.WARNING,
      title="Plug-in assembly whose major or minor version changed is registered beside the old one",
      fix="Keep the assembly's major and minor version and raise only build and revision; or move every step, "
          "Custom API and process to the new assembly in the same release and remove the old one.",
      tags={"lifecycle", "plugin", "upgrade"})
def check(ctx: RuleContext):
    """## What it does
    In `dvsa diff`, compares the version in each plug-in assembly's `FullName` in NEW with the
    assembly of the same name in OLD, and reports a change of the major or minor number
    (1.0.x.x to 1.1.x.x or 2.0.x.x).

    ## Why is this bad?
    Dataverse identifies a plug-in assembly by name, culture, public key token and the major and
    minor version. A new major or minor version is a different assembly: it is registered side by
    side with the old one, and the steps already registered on the old assembly's types keep
    running the old code. The release looks installed while the old behaviour goes on; a change
    of build or revision number updates the assembly in place.

    ## Example
    OLD `Contoso.Plugins, Version=1.0.0.0`; NEW `Contoso.Plugins, Version=2.0.0.0`.

    ## How to fix
    Change only the build and revision numbers of a plug-in assembly between releases. For a
    real major version, re-point every step and Custom API at the new types in the same release
    and delete the old assembly afterwards.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#about-assembly-versions
      (assembly versioning: only build and revision changes update a registered assembly in place)
    """
    for old_solution, new_solution in solution_pairs(ctx):
        before = {c.name.lower(): c for c in old_solution.components if isinstance(c, PluginAssembly)}
        for assembly in new_solution.components:
            if not isinstance(assembly, PluginAssembly):
                continue
            old = before.get(assembly.name.lower())
            if old is None:
                continue
            was, now = _major_minor(old.version), _major_minor(assembly.version)
            if was and now and was != now:
                yield ctx.finding(assembly, f"{assembly.display} goes from version {old.version} to "
                                            f"{assembly.version}: a new major or minor version is registered beside "
                                            "the old assembly, and the steps registered on the old one keep running "
                                            "the old code")
