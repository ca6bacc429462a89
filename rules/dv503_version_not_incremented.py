from __future__ import annotations

from analyzer.model import Solution, same_content, version_key
from analyzer.rule import RuleContext, Severity, rule

from ._versions import solution_pairs
from .dv402_depends_on_unmanaged_layer import solution_summary


def is_placeholder(parts: tuple[int, ...]) -> bool:
    """0.0.0.0: a source folder whose version the build stamps in when it packs."""
    return not any(parts)


def export_and_its_source(old: Solution, new: Solution) -> bool:
    """One side is a source folder with the very version of the export on the other side: the folder was
    unpacked from that export (or packs into it), and the build that packs it is what raises the version."""
    return (old.layout == "unpacked") != (new.layout == "unpacked") and new.version.strip() == old.version.strip()


def unchanged(old: Solution, new: Solution, same_version: bool) -> bool:
    """The same version of the same content: nothing was released, so nothing to number (a lower version of
    the same content still is a finding: it reads as a downgrade)."""
    return same_version and same_content(old, new)


@rule(id="DV503", name="version-not-incremented", severity=Severity.WARNING,
      title="The new version of a solution does not have a higher version number than the old one",
      fix="Raise the solution's version (solution.xml <Version>) above the released one before exporting.",
      tags={"lifecycle", "version", "import", "alm"})
def check(ctx: RuleContext):
    """## What it does
    In `dvsa diff`, compares the `<Version>` of each solution in NEW with the same solution
    (by unique name) in OLD, part by part as numbers (major.minor.build.revision, so
    `1.10.0.0` is above `1.9.0.0`), and reports NEW when it is not greater.

    ## Why is this bad?
    An environment that has OLD installed treats the version number as the order of
    releases. Automated deployments compare it: the Package Deployer skips a solution whose
    version is lower than, or the same as, the installed one (its `SkipLowerVersion` and
    `SkipSameVersion` outcomes), so the release does not reach the environment and nothing
    says so loudly. Imported by hand, the same number makes two different packages
    indistinguishable in the solution history, and a lower number looks like a downgrade.

    ## Example
    OLD `ContosoApprovals` is `1.4.0.0` and NEW, with a removed step and a new flow, is still
    `1.4.0.0`; or NEW is `1.3.9.0`.

    ## How to fix
    Raise the version in the source environment (solution properties) or in
    `Other/Solution.xml` before packing, e.g. `1.4.0.0` -> `1.4.1.0`.

    ## Known limitations
    A version of `0.0.0.0` on either side is not a finding: unpacked source folders often
    carry it as a placeholder and get their real version at build time (`pac solution
    version`, a pipeline task). For the same reason, an unpacked source folder with the same
    version as an export (a .zip or its extracted folder) on the other side is not a finding:
    it was unpacked from that release and the build raises the version; a lower version is.
    A version that is not made of numbers is not compared. Two packages with the same version
    and the same content (every component's definition digest equal, as `dvsa diff` compares
    them) are one release seen twice, not a finding.

    ## References
    - https://learn.microsoft.com/power-apps/maker/data-platform/update-solutions
    - https://learn.microsoft.com/dotnet/api/microsoft.xrm.tooling.packagedeployment.crmpackageextentionbase.importaction
    """
    for old, new in solution_pairs(ctx):
        before, after = version_key(old.version), version_key(new.version)
        if before is None or after is None or is_placeholder(before) or is_placeholder(after):
            continue
        if after <= before and not export_and_its_source(old, new) and not unchanged(old, new, after == before):
            word = "the same as" if after == before else "lower than"
            yield ctx.finding(
                solution_summary(new),
                f"solution {new.unique_name} is version {new.version} in the new package, {word} {old.version} "
                f"in the old one: an environment with {old.version} installed sees no newer release, and a "
                f"deployment that skips lower or same versions does not import it")
