from analyzer.graph import HANDLER, REGISTERS_STEPS, RUNS_OPERATION, USES_ACTIVITY
from analyzer.model import PluginType
from analyzer.rule import Option, RuleContext, Severity, rule


@rule(id="DV404", name="unused-plugin-type", severity=Severity.NOTE,
      title="Plug-in type that no step, Custom API, data provider or process uses",
      fix="Add the missing step registration to the solution, or analyze what uses the type alongside (the "
          "solution that registers it, the code that creates its steps with --sources); only when nothing does, "
          "remove the class from the assembly.",
      tags={"plugin", "step", "dead-code"},
      options=[Option("include-workflow-activities", bool, False,
                      help="also report custom workflow activities that no analyzed process uses")])
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in types (classes of a shipped plug-in assembly) that nothing in the analyzed
    solutions uses: no plug-in step runs them, no Custom API is implemented by them, no virtual
    table data provider runs one of its operations with them (`RetrievePluginTypeId`,
    `RetrieveMultiplePluginTypeId`, `CreatePluginTypeId`, `UpdatePluginTypeId`,
    `DeletePluginTypeId`), no process calls them as a custom workflow activity, and no code
    given with `--sources` registers their steps at run time (a file that creates
    `sdkmessageprocessingstep` records and names the type, as `typeof(X)` or its full class
    name).

    Custom workflow activities (types with a `WorkflowActivityGroupName`) are not reported by
    default. They have no steps by design and appear in the process designer for every
    workflow, action and dialog of the environment, so an activity library (a solution that
    ships activities and no processes, like the Dynamics 365 Workflow Tools) is meant to be
    used by processes in other solutions or made later. Set `include-workflow-activities` to
    report them too.

    ## Why is this bad?
    A plug-in class runs only through a step (or as a Custom API's main operation). Steps are
    separate solution components: adding an assembly to a solution does not add its steps, so a
    type without a step is usually a registration someone forgot to add to the solution (the
    plug-in silently does nothing after import) or dead code that still ships and loads.

    ## Example
    Assembly Contoso.Plugins has types `Contoso.Plugins.AccountAudit` (step "Post Update
    Account Audit") and `Contoso.Plugins.LegacyAssign`, which no step, Custom API or process
    refers to.

    ## How to fix
    If the type should run, add its step to the solution (in the Plug-in Registration Tool or
    with "Add existing > Plug-in step"). If something outside the analyzed files uses it (a
    solution that registers its steps, a data provider, code that creates its steps at run
    time), analyze that alongside (`dvsa check app/ plugins/ --sources src/`) or ignore the
    finding. Only when nothing uses it, delete the class and update the assembly.

    ## Options
    - `include-workflow-activities` (bool, default `false`): also report custom workflow
      activities that no analyzed process uses.

    ## Known limitations
    Uses the analyzer knows nothing of are not seen: steps registered in another solution that
    is not analyzed alongside, a data provider of another solution, code not given with
    `--sources` that registers the type's steps, and code that calls the type directly. Hence the
    note severity. A Custom API's plug-in type is read in
    every form exports write (`<plugintypeexportkey>`, the older nested `<plugintypeid>`, or the
    id directly). Types inside a plug-in package's NuGet file are not listed in exports, so they
    are never reported.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in
      ("Any existing or subsequent step registrations are not added to the unmanaged solution
      that includes the plug-in assemblies. You must add each registered step to the solution
      separately.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow/workflow-extensions
      (custom workflow activities are available in the designer of workflow, dialog and action
      processes; "you do not register steps for custom workflow activities")
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/entitydataprovider
      (a data provider names the plug-in that runs each operation: RetrievePlugin,
      RetrieveMultiplePlugin, CreatePlugin, UpdatePlugin, DeletePlugin)
    """
    include_activities = ctx.options["include-workflow-activities"]
    for ptype in ctx.components(PluginType):
        if ptype.is_workflow_activity and not include_activities:
            continue
        # A step (or data provider, or code registering steps) on another copy of the type uses it too.
        if ctx.graph.type_dependents(ptype.key, [HANDLER, USES_ACTIVITY, RUNS_OPERATION, REGISTERS_STEPS]):
            continue
        assembly = ctx.graph.component(ptype.assembly_key)
        where = f" in {assembly.display}" if assembly is not None else ""
        checked = _checked(ctx)
        if ptype.is_workflow_activity:
            shown = f"'{ptype.name}' in group '{ptype.workflow_activity_group}'"
            message = (f"{ptype.display}{where} ({shown} of the process designer) is used by no process in "
                       f"{checked}")
            fix = ACTIVITY_FIX
        else:
            message = (f"{ptype.display}{where} is used by nothing in {checked}: no plug-in step there runs it, "
                       f"no Custom API or data provider there is implemented by it and no process there calls it")
            fix = None  # the rule's own: add the step, analyze what uses it, or (only then) remove the class
        yield ctx.finding(ptype, message, related=[ptype.assembly_key], fix=fix)


# Custom workflow activities are never registered with steps: a process runs them.
ACTIVITY_FIX = ("Add the activity to a workflow, dialog or action step in the process designer (activities take "
                "no step registration), or analyze the solutions whose processes use it alongside; only when none "
                "does, remove the class from the assembly.")


def _checked(ctx: RuleContext) -> str:
    """What was looked at: ``the analyzed solution ContosoCore`` / ``the analyzed solutions A and B``."""
    names = sorted(s.unique_name for s in ctx.solutions)  # sorted: the argument order must not change the text
    if len(names) == 1:
        return f"the analyzed solution {names[0]}"
    return f"the analyzed solutions {', '.join(names[:-1])} and {names[-1]}"
