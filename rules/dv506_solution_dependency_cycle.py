from analyzer.rule import ComponentSummary, RuleContext, Severity, rule
from analyzer.solution_set import requirements


@rule(id="DV506", name="solution-dependency-cycle", severity=Severity.ERROR,
      title="Solutions in the analyzed set require each other in a cycle, so no import order exists",
      fix="Move the components both solutions need into one of them (or into a new base solution imported first), "
          "so the requirements between solutions run one way.",
      tags={"dependency", "import", "alm", "solution-set"})
def check(ctx: RuleContext):
    """## What it does
    Builds the requirements between the analyzed solutions — solution A needs solution B when a
    component of A requires a component B ships and A does not (a step on a message B's action or
    Custom API defines, a step run by B's plug-in type, a flow on B's table…), or when A's
    `MissingDependencies` name B (`solution="B (1.2.0.0)"`) or, naming no solution, a component B
    ships — and reports each cycle once: A needs B and B needs A, directly or through other
    solutions. It is the same computation `dvsa order` uses, so the command and the rule always
    agree.

    Only what the platform tracks counts: a call found in a script or in C# source fails at run
    time, never at import, so it orders nothing. A MissingDependency that names its solution
    decides who provides the component, whoever else holds a copy. A component included only as a
    shell (a root component with `behavior="1"` or `"2"`, as Microsoft's dual-write integrations
    include table `msdynce_p2cautonumber` and name ProspectToCash as its provider) is not shipped
    by that solution. A plug-in type exported by id in one solution and by name in an older
    export of another is one type; so is an action or Custom API of the same message name: a
    solution that ships its own copy needs no other's.

    ## Why is this bad?
    An import fails when the solution's required components are neither in it nor already in
    the target environment. When each solution of a cycle needs a component of the next, none
    of them can go first: every import order fails on one of the requirements, and a fresh
    environment can only be built by hand-editing a solution.

    ## Example
    ContosoApp ships step 'Post Approve' on action `contoso_Approve` from ContosoCore, and
    ContosoCore ships step 'Post Approve Notify', run by ContosoApp's plug-in type
    `Contoso.App.Plugins.ApprovePlugin`: `dvsa check core/ app/` reports ContosoApp ->
    ContosoCore -> ContosoApp.

    ## How to fix
    Make the requirements run one way: move the step (or the plug-in assembly, or whatever
    closes the cycle) into the solution that needs it, or split the shared components into a
    base solution both are imported after. `dvsa order` then prints the order.

    ## Severity
    An error: every import order fails on one of the requirements, since an import fails when a
    required component is neither in the solution nor in the target (Learn, "Dependency tracking
    for solution components").

    ## Known limitations
    Only the solutions given together are judged (`dvsa check a/ b/`); a single solution has no
    cycle. A component shipped by several analyzed solutions counts as needing each of them
    unless the requiring solution ships it too. A table a solution includes with behavior 1 as
    its own definition (rare: a table is usually included so to customize another solution's)
    counts as a shell, so a requirement on it is missed. Requirements the export does not write and
    the graph does not resolve (a step renamed so its message is unknown, a component kind the
    model does not describe) are not seen, so a cycle through them is missed, never invented.
    The finding is on the cycle's first solution by unique name.

    ## References
    - https://learn.microsoft.com/power-platform/alm/dependency-tracking-solution-components
      ("Import of a solution fails if all required components aren't included in the solution
      and also don't exist in the target environment")
    - https://learn.microsoft.com/power-platform/alm/organize-solutions ("Multiple solution
      layering and dependencies": a solution imported later lies above the one it builds on, and
      solutions should not depend on each other across)
    """
    found = requirements(ctx.solutions, ctx.graph)
    for cycle in found.cycles():
        steps = [found.why(dependent, required) for dependent, required in zip(cycle, [*cycle[1:], cycle[0]],
                                                                               strict=True)]
        loop = " -> ".join([*cycle, cycle[0]])
        reasons = "; ".join(f"{r.dependent} needs {r.required}: {r.reason}" for r in steps)
        first = cycle[0]
        yield ctx.finding(
            ComponentSummary(key=f"solution:{first.lower()}", kind="solution", name=first, solution=first),
            f"solutions {loop} require each other, so no import order exists: {reasons}",
            related=[k for r in steps for k in (r.source, r.target)])
