from analyzer.rule import ComponentSummary, RuleContext, Severity, rule


@rule(id="DV406", name="duplicate-component", severity=Severity.ERROR,
      title="The same component id is defined more than once in one package",
      fix="Keep one definition of the component and delete the copy (often a file duplicated in source control).",
      tags={"integrity", "import", "packaging"})
def check(ctx: RuleContext):
    """## What it does
    Finds components whose id (or unique name, where they have no id) is written twice in one
    package: two `<Workflow>` records with the same `WorkflowId`, two step files with the same
    `SdkMessageProcessingStepId`, a workflow both in `customizations.xml` and in a
    `Workflows/*.data.xml` file. The analyzer keeps the first definition; this rule reports each
    later one at its location.

    ## Why is this bad?
    A solution holds each component once; the ids are the primary keys of the rows the import
    writes. Two definitions of one id either fail the import or silently keep one of the two,
    and nothing says which. In an unpacked folder the copy usually comes from a file copied
    and renamed in source control, a merge that kept both sides, or a hand edit; SolutionPackager
    then packs both.

    ## Example
    `SdkMessageProcessingSteps/{b4060000-…-0001}.xml` and a copy named
    `SdkMessageProcessingSteps/{b4060000-…-0001} (copy).xml` with the same step id inside.

    ## How to fix
    Delete the copy, or give it the id it was meant to have. If both definitions differ, decide
    which one is right before deleting: the analyzer read the first one.

    ## Severity
    An error: a component id is the primary key of the row the import writes (Learn,
    "solutioncomponent table"); two definitions of one id fail the import or lose one of them.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/solutioncomponent
      (a solution component is identified by its object id and component type)
    - https://learn.microsoft.com/power-platform/alm/solution-packager-tool (one file per component
      in the unpacked folder; pack maps each back to a single component)
    """
    for solution in ctx.solutions:
        for key, where in sorted(solution.duplicates, key=lambda d: (d[0], str(d[1]))):
            kept = ctx.graph.component(key)
            summary = kept if kept is not None else ComponentSummary(key, key.split(":", 1)[0], key,
                                                                     solution.unique_name)
            label = kept.display if kept is not None else key
            if kept is not None and kept.source:
                # Which copy is "first" is only the order files are read in: name both, and the one analyzed.
                places = f"at {kept.source} and at {where}"
                analyzed = f" (dvsa analyzed the one at {kept.source})"
            else:
                places, analyzed = f"at {where} and elsewhere", ""
            yield ctx.finding(
                summary,
                f"{label} is defined twice in the package, {places}: only one of them can be imported{analyzed}",
                location=where)
