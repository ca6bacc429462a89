from analyzer.model import Workflow
from analyzer.rule import RuleContext, Severity, bounded, rule


@rule(id="DV102", name="action-delete-blocked", severity=Severity.NOTE,
      title="Custom process action cannot be deleted while plug-in steps are registered on its message",
      fix="Unregister (or remove from the solution) the steps on the action's message before deleting the action.",
      tags={"action", "step", "dependency", "delete"})
def check(ctx: RuleContext):
    """## What it does
    Lists, for every custom process action (a process of category 3), the plug-in steps
    registered on the message the action creates, in any of the analyzed solutions.

    ## Why is this bad?
    Registering a plug-in step on a custom process action creates a solution dependency that
    prevents deleting the action. Deleting the action, or a solution upgrade that removes it,
    fails until every step on its message is unregistered. This is informational: nothing is
    wrong today, but the action is pinned by the listed steps, which may live in another
    solution and belong to another team.

    ## Example
    Action `contoso_CheckStatus` (`<SdkMessageId>{d1020000-…}</SdkMessageId>`) and step
    "Post Check Status" (PostOperation, sync), whose `<SdkMessageId>` is the same GUID.
    Deleting the action fails with a dependency error naming the step.

    ## How to fix
    To delete or replace the action, first unregister the listed steps (Plug-in Registration
    Tool) or ship a solution version without them, then delete the action. When the action
    only exists to carry plug-in steps, consider a Custom API instead (see DV103).

    ## Known limitations
    Only steps in the analyzed solutions are seen; steps registered directly in the target
    environment also block the deletion.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
      ("If you register any plug-in steps on a Custom Process Action it will establish a
      dependency in the solution that will prevent deleting the Custom Process Action.")
    """
    for action in ctx.components(Workflow):
        if not action.is_action:
            continue
        ordered = ctx.graph.steps_on_definition(action.key)
        if not ordered:
            continue
        names = bounded([step.display + (f" [solution {step.solution}]" if step.solution != action.solution else "")
                         for step in ordered], sep="; ")
        count = f"{len(ordered)} plug-in step{'s are' if len(ordered) != 1 else ' is'}"
        yield ctx.finding(
            action,
            f"{action.display} cannot be deleted while {count} registered on its message: {names}",
            related=[step.key for step in ordered])
