from analyzer.graph import USES_ACTIVITY
from analyzer.model import PluginType, Workflow
from analyzer.names import split_qualified_name
from analyzer.rule import RuleContext, Severity, bounded, rule


@rule(id="DV104", name="custom-activity-in-action", severity=Severity.WARNING,
      title="Custom process action runs a custom workflow activity, which is limited to two minutes",
      fix="Keep the activity's work well under two minutes, or move long work out of the action "
          "(asynchronous plug-in, Power Automate, Azure).",
      tags={"action", "custom-activity", "timeout", "performance"})
def check(ctx: RuleContext):
    """## What it does
    Finds custom process actions (processes of category 3) whose real-time workflow runs a
    custom workflow activity (an `mxswa:ActivityReference` whose `AssemblyQualifiedName` is
    not a built-in `Microsoft.Crm.Workflow` activity).

    ## Why is this bad?
    An action's workflow is a real-time workflow that runs inside the caller's request. A
    custom workflow activity in it runs in the isolated sandbox and is stopped after two
    minutes, like a plug-in. The action as a whole has no fixed limit, but it cannot run
    indefinitely either: when the action takes part in a transaction with rollback enabled
    (`IsTransacted`), SQL Server timeouts apply. Anything that takes longer than two minutes
    is too long for an action, and every caller waits for it.

    ## Example
    Action `contoso_RecalculateContract` whose XAML holds
    `<mxswa:ActivityReference AssemblyQualifiedName="Contoso.Activities.RecalculateLines, …">`,
    a type of assembly `Contoso.Activities` with a `<WorkflowActivityGroupName>`. Message:
    "action contoso_RecalculateContract runs custom workflow activity
    Contoso.Activities.RecalculateLines (assembly Contoso.Activities) in its real-time
    workflow: …".

    ## How to fix
    Make sure the activity finishes quickly and predictably (no external calls without
    short timeouts, no unbounded loops over records). Move long-running work out of the
    action: to an asynchronous plug-in step, a Power Automate flow, or Azure.

    ## Known limitations
    The rule cannot tell how long an activity runs; it reports every custom activity in an
    action so that someone checks it. Custom activities in other real-time workflows are out
    of scope here.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions#watch-out-for-long-running-actions
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-actions
      (compare table: "Subject to 2 minute time limit")
    """
    for action in ctx.components(Workflow):
        if not action.is_action or not action.custom_activities:
            continue
        keys = ctx.graph.requires(action.key, [USES_ACTIVITY])
        names = []
        for key in keys:
            activity = ctx.graph.component(key)
            if isinstance(activity, PluginType):
                names.append(f"{activity.display} (assembly {activity.assembly_name})")
            else:
                names.append(f"custom workflow activity {ctx.graph.name(key)} (not in the analyzed solutions)")
        if not names:  # unlinked: name them from the XAML
            names = [f"custom workflow activity {split_qualified_name(aqn)[0]}" for aqn in action.custom_activities]
        # The same class shipped by two analyzed solutions is one plug-in type in an environment: named once.
        names = list(dict.fromkeys(names))
        rollback = (", and with rollback enabled (IsTransacted) SQL Server timeouts apply to the whole action"
                    if action.is_transacted else "")
        yield ctx.finding(
            action,
            f"{action.display} runs {bounded(names, sep='; ')} in its real-time workflow: a custom workflow activity "
            f"there runs in the sandbox and is stopped after two minutes{rollback}",
            related=keys)
