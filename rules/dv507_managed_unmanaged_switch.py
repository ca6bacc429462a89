from __future__ import annotations

from analyzer.model import Solution
from analyzer.platform import Managed
from analyzer.rule import RuleContext, Severity, rule

from ._versions import solution_pairs
from .dv402_depends_on_unmanaged_layer import solution_summary

# A pac "Both" folder (Managed 2) packs into either kind, so it is neither side of a switch.
_KINDS = {Managed.UNMANAGED, Managed.MANAGED}
_EXPORTS = {"zip", "extracted"}  # layouts of what an export ships; "unpacked" is a source folder


def same_family(old: Solution, new: Solution) -> bool:
    """Both are exports, or both source folders. A source folder's <Managed> says how it was unpacked, and a
    pipeline that packs it, imports it into a build environment and exports it managed ships another kind."""
    return (old.layout in _EXPORTS) == (new.layout in _EXPORTS)


@rule(id="DV507", name="managed-unmanaged-switch", severity=Severity.WARNING,
      title="A solution is managed in one version and unmanaged in the other",
      fix="Ship every release of a solution to an environment as the same kind (managed for test and production); "
          "to switch, uninstall the installed copy first.",
      tags={"lifecycle", "managed", "import", "alm"})
def check(ctx: RuleContext):
    """## What it does
    In `dvsa diff`, compares solution.xml `<Managed>` of each solution in NEW with the same
    solution (by unique name) in OLD, and reports NEW when one is managed (1) and the other
    unmanaged (0).

    ## Why is this bad?
    An environment holds a solution either as managed or as unmanaged, never both. Dataverse
    updates an installed solution only with a package of the same kind: importing the managed
    package over the unmanaged one (or the reverse) is refused until the installed copy is
    uninstalled, and uninstalling a managed solution deletes its components and their data.
    A pipeline that exported the wrong kind, or a source folder packed with another
    `--packagetype`, usually causes it.

    ## Example
    OLD `ContosoApprovals` 1.4.0.0 has `<Managed>1</Managed>` (the release in production) and NEW
    1.5.0.0 has `<Managed>0</Managed>`.

    ## How to fix
    Export or pack NEW as the same kind as the release it updates (`pac solution pack
    --packagetype Managed`). Moving an environment from unmanaged to managed is a planned step:
    follow Microsoft's guidance for it instead of importing over the installed copy.

    ## Known limitations
    A folder unpacked with `--packagetype Both` has `<Managed>2</Managed>`: it packs into
    either kind, so it is not compared. An export (a .zip or its extracted folder) is not
    compared with an unpacked source folder either: last release's managed zip against today's
    unmanaged source is the normal pipeline (pack, import into a build environment, export
    managed), not a switch.

    ## References
    - https://learn.microsoft.com/power-platform/alm/solution-concepts-alm
    - https://learn.microsoft.com/power-platform/alm/move-from-unmanaged-managed-alm
    """
    for old, new in solution_pairs(ctx):
        if old.managed in _KINDS and new.managed in _KINDS and old.managed != new.managed and same_family(old, new):
            yield ctx.finding(
                solution_summary(new),
                f"solution {new.unique_name} is {Managed(new.managed).label} in the new package "
                f"({new.version}) and {Managed(old.managed).label} in the old one ({old.version}): an environment "
                f"with the old one installed refuses to update it with a package of the other kind")
