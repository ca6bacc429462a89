from __future__ import annotations

from analyzer.graph import DEFINED_BY
from analyzer.model import Workflow
from analyzer.rule import RuleContext, Severity, bounded, rule


def was_active_action(ctx: RuleContext, action: Workflow) -> bool:
    """The same action (by id) is activated in OLD."""
    before = ctx.previous.component(action.key) if ctx.previous else None
    return isinstance(before, Workflow) and before.is_action and before.state == "active"


@rule(id="DV502", name="action-deactivated-with-steps", severity=Severity.ERROR,
      title="An action activated in the old version is Draft in the new one while plug-in steps are on its message",
      fix="Keep the action activated in the new version, or remove the steps on its message in the same release.",
      tags={"lifecycle", "action", "step", "import"})
def check(ctx: RuleContext):
    """## What it does
    In `dvsa diff`, finds each custom process action (a process of category 3) that OLD ships
    activated (`<StateCode>1</StateCode>`) and NEW ships as Draft (`<StateCode>0</StateCode>`),
    while plug-in steps in NEW, or in a solution given with `--with`, are registered on the
    message the action defines.

    ## Why is this bad?
    A custom process action's SDK message exists only while the action is activated. An
    environment running OLD has the action, its message and the steps on it working; importing
    NEW deactivates the action under those steps. Either the import fails on the steps, or the
    steps stay registered on a message nothing can call any more, and every flow, workflow or
    client that calls the action starts failing. DV101 reports the steps on a Draft action in
    one version; this rule reports the change between versions, which is what breaks a
    working environment.

    ## Example
    OLD: action `contoso_CheckStatus` activated, step 'Post Check Status' (PostOperation, sync)
    on its message. NEW: the same action with `<StateCode>0</StateCode>`, the step unchanged.

    ## How to fix
    Activate the action again before exporting NEW. If the action is being retired, remove the
    steps on its message (and the callers) in the same release, or replace the action with a
    Custom API first.

    ## Severity
    An error: importing the new version deactivates the message under the steps (Learn, "Use
    Custom Process Actions with code": the message exists while the action is activated), so the
    import fails on the steps or every call to the action fails afterwards.

    ## Known limitations
    Only steps in the analyzed solutions are seen; steps registered directly in the target
    environment are affected too.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
    - https://learn.microsoft.com/power-apps/maker/data-platform/create-actions
    """
    if ctx.previous is None:
        return
    for action in ctx.components(Workflow):
        if not action.is_action or action.state == "active" or not was_active_action(ctx, action):
            continue
        steps = ctx.graph.steps_on_definition(action.key)
        if not steps:
            continue
        names = bounded([step.display + (f" [solution {step.solution}]" if step.solution != action.solution else "")
                         for step in steps], sep="; ")
        count = f"{len(steps)} plug-in step{'s are' if len(steps) != 1 else ' is'}"
        them = "them" if len(steps) != 1 else "it"
        messages = ctx.graph.dependents(action.key, [DEFINED_BY])
        yield ctx.finding(
            action,
            f"{action.display} is activated in the old version and Draft in the new one, while {count} registered "
            f"on its message: {names}. Importing the new version deactivates the message under {them}",
            related=[*messages, *(step.key for step in steps)])
