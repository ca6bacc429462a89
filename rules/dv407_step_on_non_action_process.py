from analyzer.model import Step, Workflow
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV407", name="step-on-non-action-process", severity=Severity.ERROR,
      title="A plug-in step's message id is the id of a process that defines no message",
      fix="Point the step at the message it is meant for (re-register it), or remove it.",
      tags={"step", "integrity", "import"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps whose `<SdkMessageId>` is not a message at all but the `WorkflowId` of a
    process, or the message id recorded on a process that is not a custom process action (a
    cloud flow, a classic workflow, a business rule…).

    ## Why is this bad?
    A step is registered on an SDK message. Of all processes only a custom process action
    (category 3) creates one, and its `<SdkMessageId>` is that message's id; the `WorkflowId`
    of a process is the id of a workflow row, never of a message. A step that names such an id
    refers to a message that does not exist, and its import fails. It comes from hand-edited or
    generated XML that copied the wrong id.

    ## Example
    Cloud flow "Sync Orders" has `WorkflowId="{a4070000-…-0002}"`, and step "Post Sync" has
    `<SdkMessageId>{a4070000-…-0002}</SdkMessageId>`.

    ## How to fix
    Re-register the step on the intended message with the Plug-in Registration Tool (or fix the
    id in the step's XML to the action's `<SdkMessageId>`), then export again.

    ## Severity
    An error: the step's message does not exist, so the import of the step fails (Learn,
    "SdkMessageProcessingStep table": a step is registered on an SDK message).

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstep
      (SdkMessageId: the SDK message the step is registered on)
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
      (a custom process action creates a new message)
    """
    by_workflow_id: dict[str, Workflow] = {}
    by_message_id: dict[str, Workflow] = {}
    for wf in ctx.components(Workflow):
        by_workflow_id.setdefault(wf.ident, wf)
        if wf.sdk_message_id and not wf.is_action:
            by_message_id.setdefault(wf.sdk_message_id, wf)
    for step in ctx.components(Step):
        if not step.message_id:
            continue
        if step.message_id in by_workflow_id:
            wf = by_workflow_id[step.message_id]
            what = f"the WorkflowId of {wf.display}"
        elif step.message_id in by_message_id:
            wf = by_message_id[step.message_id]
            what = f"the SdkMessageId recorded on {wf.display}, which is not a custom process action"
        else:
            continue
        yield ctx.finding(
            step,
            f"{step.display} has SdkMessageId {step.message_id}, {what}: no message has this id, so the step "
            f"cannot be registered",
            related=[wf.key])
