from analyzer.model import Step, Workflow
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV101", name="step-on-inactive-action", severity=Severity.ERROR,
      title="Plug-in step registered on the message of a custom process action that is not activated",
      fix="Activate the action in the solution (StateCode 1), or remove the step.",
      tags={"action", "step", "import"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps whose message is a custom process action (a workflow of category 3)
    that is shipped as Draft.

    ## Why is this bad?
    A custom process action creates its SDK message only while it is activated. When the
    solution is imported, the action arrives in Draft, the message does not exist, and the
    import of the step that is registered on it fails ("SdkMessage … does not exist"). In an
    environment where it imports, the step never runs because nothing can call the message.

    ## Example
    Action `contoso_CheckStatus` is exported with `<StateCode>0</StateCode>` and step
    "Post Check Status" (PostOperation, sync) has `<SdkMessageId>` equal to the action's
    `<SdkMessageId>`.

    ## How to fix
    Activate the action before exporting, or remove the step from the solution.

    ## Severity
    An error: the import of the step fails, since the message it is registered on does not
    exist while the action is Draft (Learn, "Use Custom Process Actions with code": the message
    exists once the action is activated).

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
    - https://learn.microsoft.com/power-apps/maker/data-platform/create-actions
    """
    for step in ctx.components(Step):
        message = ctx.graph.message_of(step.key)
        action = ctx.graph.definition_of(message) if message else None
        if isinstance(action, Workflow) and action.is_action and action.state != "active":
            yield ctx.finding(
                step,
                f"{step.display} is registered on {action.display}, which is Draft: the message exists only "
                f"while the action is activated",
                related=[action.key, message])
