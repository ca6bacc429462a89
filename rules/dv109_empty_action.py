from analyzer.graph import ASSIGNS, CALLS, CALLS_FROM_CODE, DEFINED_BY, INVOKES, TRIGGERED_BY
from analyzer.model import Workflow
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV109", name="empty-action", severity=Severity.NOTE,
      title="Custom process action with no steps of its own, no plug-in step, no flow it triggers and no caller",
      fix="Add the action's steps in the process designer (or register the plug-in step that implements it), "
          "or remove the action from the solution.",
      tags={"action", "dead-code"})
def check(ctx: RuleContext):
    """## What it does
    Finds custom process actions (processes of category 3) whose workflow body is empty (the
    XAML has no activity: `<mxswa:Workflow />`), when no plug-in step of the analyzed solutions
    is registered on the action's message, no cloud flow of the analyzed solutions is
    triggered by it ("When an action is performed"), no business events catalog of theirs
    offers it (`Assets/catalogassignments.xml`, `objectidtype="workflow"`), and nothing of
    theirs calls it (a cloud flow, a process, a script web resource, or code given with
    `--sources`).

    An empty action that is offered in a catalog or that the solution's own code calls is an
    event: calling it runs the event pipeline, where subscribers of other solutions or
    environments (flows, webhooks, Azure service endpoints) handle it. That is a design, not a
    no-op.

    ## Why is this bad?
    An action's logic runs in one of three places: its own real-time workflow, plug-in steps
    registered on its message, or flows that the message triggers. With none of them, calling
    the action succeeds and does nothing: it returns its output arguments unset. Real solutions
    ship such actions by mistake — an action created for a plug-in whose step was never added to
    the solution, or one whose steps were deleted while testing — and every caller then silently
    depends on logic that is not there.

    ## Example
    Action `contoso_ApproveInvoice` (UniqueName `ApproveInvoice`) whose XAML body is
    `<mxswa:Workflow />`, with no `SdkMessageProcessingStep` on its message and no flow
    triggered by `contoso_ApproveInvoice`.

    ## How to fix
    If the action should do something, add its steps in the process designer, or add the
    plug-in step that implements it to the solution (then consider a Custom API instead, see
    DV103). If nothing needs it, remove it from the solution.

    ## Known limitations
    Only the analyzed solutions are seen: a step, flow or webhook in another solution of the
    target environment is not. Analyze them together (`dvsa check app/ plugins/ flows/`) to take
    them into account. Actions without a XAML body in the package are skipped, as what they
    do is unknown.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
      (the action's logic is a real-time workflow run in the main operation stage; it can be
      extended with custom workflow activities or plug-in steps on its message)
    - https://learn.microsoft.com/power-apps/maker/data-platform/create-actions
      ("Create a custom process action": its steps are added in the process designer)
    - https://learn.microsoft.com/power-automate/dataverse/action-trigger
      ("When an action is performed": a flow that runs whenever the action is performed)
    - https://learn.microsoft.com/power-apps/developer/data-platform/catalog-catalogassignment
      (a catalog assignment offers a Custom API or custom process action as a business event)
    """
    for action in ctx.components(Workflow):
        if not action.is_action or action.has_steps is not False:
            continue  # not an action, an action with steps of its own, or no XAML to tell
        if ctx.graph.steps_on_definition(action.key) or _triggered_flows(ctx, action) or _used(ctx, action):
            continue
        yield ctx.finding(
            action,
            f"{action.display} has no steps of its own, no plug-in step of the analyzed solutions is registered "
            f"on its message, no cloud flow of theirs is triggered by it, no catalog of theirs offers it as a "
            f"business event and nothing of theirs calls it: calling it does nothing")


def _triggered_flows(ctx: RuleContext, action: Workflow) -> list[str]:
    """The flows triggered by the message the action defines ("When an action is performed")."""
    return [flow for message in ctx.graph.dependents(action.key, [DEFINED_BY])
            for flow in ctx.graph.dependents(message, [TRIGGERED_BY])]


def _used(ctx: RuleContext, action: Workflow) -> bool:
    """A catalog assignment offers the action as a business event, or a flow, process or code calls its message:
    the action is an event others may handle, not a no-op."""
    if ctx.graph.dependents(action.key, [ASSIGNS]):
        return True
    return any(ctx.graph.dependents(message, [CALLS, INVOKES, CALLS_FROM_CODE])
               for message in ctx.graph.dependents(action.key, [DEFINED_BY]))
