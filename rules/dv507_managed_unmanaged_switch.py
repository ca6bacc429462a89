from __future__ import annotations

from analyzer.model import Solution
from analyzer.platform import Managed
from analyzer.rule import RuleContext, Severity, rule

from ._versions import solution_pairs
from .dv402_depends_on_unmanaged_layer import solution_summary

_EXPORTS = {"zip", "extracted"}  # layouts of what an export ships; "unpacked" is a source folder


def same_family(old: Solution, new: Solution) -> bool:
    """Both are exports, or both source folders. A source folder's <Managed> says how it was unpacked, and a
    pipeline that packs it, imports it into a build environment and exports it managed ships another kind."""
    return (old.layout in _EXPORTS) == (new.layout in _EXPORTS)


@rule(id="DV507", name="managed-unmanaged-switch", severity=Severity.ERROR,
      title="A solution released managed is unmanaged in the new version",
      fix="Export or pack the new version as managed, like the release it updates; to switch an environment to "
          "unmanaged, uninstall the managed copy first.",
      tags={"lifecycle", "managed", "import", "alm"})
def check(ctx: RuleContext):
    """## What it does
    In `dvsa diff`, compares solution.xml `<Managed>` of each solution in NEW with the same
    solution (by unique name) in OLD, and reports NEW when OLD is managed (1) and NEW unmanaged
    (0).

    ## Why is this bad?
    An environment holds a solution either as managed or as unmanaged, never both. Importing
    an unmanaged package over the installed managed solution is refused
    (`ImportSolutionUnmanagedToManagedMismatch`: "Import can only update solutions when the
    modes match. Uninstall the current solution and try again."), and uninstalling a managed
    solution deletes its components and their data. A pipeline that exported the wrong kind,
    or a source folder packed with another `--packagetype`, usually causes it.

    The other direction is not reported: importing a managed package over an unmanaged one
    converts the unmanaged components to managed, which is how Microsoft's ALM guidance moves
    an environment to managed solutions (`ImportSolutionRequest.ConvertToManaged` is obsolete
    because the platform now always does it).

    ## Example
    OLD `ContosoApprovals` 1.4.0.0 has `<Managed>1</Managed>` (the release in production) and NEW
    1.5.0.0 has `<Managed>0</Managed>`.

    ## How to fix
    Export or pack NEW as managed, like the release it updates (`pac solution pack
    --packagetype Managed`).

    ## Severity
    An error: the import into an environment where OLD is installed is refused. Microsoft Learn
    lists the refusal among the Dataverse web service errors; the reverse direction is a
    documented conversion, not a failure.

    ## Known limitations
    A folder unpacked with `--packagetype Both` has `<Managed>2</Managed>`: it packs into
    either kind, so it is not compared. An export (a .zip or its extracted folder) is not
    compared with an unpacked source folder either: last release's managed zip against today's
    unmanaged source is the normal pipeline (pack, import into a build environment, export
    managed), not a switch.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/org-service/web-service-error-codes
      (`ImportSolutionUnmanagedToManagedMismatch`: "The solution is already installed on this
      system as a managed solution and the package supplied is attempting to install it in
      unmanaged mode")
    - https://learn.microsoft.com/dotnet/api/microsoft.crm.sdk.messages.importsolutionrequest.converttomanaged
      ("When a managed solution is imported, the platform will automatically convert to managed
      any unmanaged components included in the solution of the target environment")
    - https://learn.microsoft.com/power-platform/alm/move-from-unmanaged-managed-alm
      (import a managed solution "to convert the unmanaged common components to managed")
    """
    for old, new in solution_pairs(ctx):
        if old.managed == Managed.MANAGED and new.managed == Managed.UNMANAGED and same_family(old, new):
            yield ctx.finding(
                solution_summary(new),
                f"solution {new.unique_name} is unmanaged in the new package ({new.version}) and managed in the "
                f"old one ({old.version}): an environment with the old one installed refuses to import the new "
                f"one (the modes must match) until the managed solution, and with it its data, is uninstalled")
