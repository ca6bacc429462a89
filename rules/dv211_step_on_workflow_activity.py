from analyzer.graph import HANDLER
from analyzer.model import CustomApi, PluginType, Step
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV211", name="step-on-workflow-activity", severity=Severity.ERROR,
      title="Plug-in step or Custom API that runs a custom workflow activity",
      fix="Point the step or the Custom API at a plug-in class (one that implements IPlugin), or call the "
          "activity from a workflow or action instead.",
      tags={"step", "plugin", "custom-api", "runtime"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps and Custom APIs whose handler is a custom workflow activity: a plug-in
    type with a `WorkflowActivityGroupName`, which is how the export marks a class that derives
    from `CodeActivity` rather than implementing `IPlugin`.

    ## Why is this bad?
    Only classes that implement `IPlugin` run in the event pipeline. A custom workflow activity
    is a step of a process: it appears in the workflow designer and takes no plug-in step. The
    event framework creates the handler of a step (or of a Custom API's main operation) as an
    `IPlugin`; an activity class is not one, so the operation fails every time it runs.

    ## Example
    Step "Post Create Invoice" (PostOperation, sync) runs
    `Contoso.Workflows.CalculateTotals`, whose plug-in type has
    `<WorkflowActivityGroupName>Contoso.Workflows (1.0.0.0)</WorkflowActivityGroupName>`.

    ## How to fix
    Register the step on the plug-in class that holds the logic. To reuse an activity's logic
    from an event, move it into a shared class that both a plug-in and the activity call.

    ## Severity
    An error: the event pipeline fails to run the handler every time the message is processed (a
    step's or Custom API's handler must implement IPlugin, Learn "Plug-ins"), so the call fails at run time.

    ## Known limitations
    Judged only when the step's handler is a plug-in type of the analyzed solutions; a type
    that only a plug-in package or another environment provides is not known here.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/plug-ins ("A plug-in is a
      class within an assembly ... that implements the IPlugin interface")
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow/workflow-extensions
      (custom workflow activities are used from the workflow designer, not registered on messages)
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in
    """
    for owner in ctx.components():
        if not isinstance(owner, Step | CustomApi):
            continue
        for type_key in ctx.graph.requires(owner.key, [HANDLER]):
            handler = ctx.graph.component(type_key)
            if not isinstance(handler, PluginType) or not handler.workflow_activity_group:
                continue
            runs = "runs" if isinstance(owner, Step) else "is implemented by"
            yield ctx.finding(
                owner,
                f"{owner.display} {runs} {handler.type_name}, a custom workflow activity (group "
                f"'{handler.workflow_activity_group}'), not a plug-in: the event pipeline cannot run it",
                related=[type_key])
