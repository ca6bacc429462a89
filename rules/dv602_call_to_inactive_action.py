from analyzer.model import Workflow
from analyzer.rule import RuleContext, Severity, rule

from ._code_calls import caller_of, resolved_calls, told


@rule(id="DV602", name="call-to-inactive-action", severity=Severity.ERROR,
      title="Code calls a custom process action that the solution ships Draft",
      fix="Activate the action in the solution (StateCode 1) before exporting, or stop calling it.",
      tags={"code", "action"})
def check(ctx: RuleContext):
    """## What it does
    Finds calls in code (script web resources, and the files of `--sources`) to the message of a
    custom process action that is exported as Draft.

    ## Why is this bad?
    An action's message exists only while the action is activated. Imported in Draft, the
    action has no message, and every call to it from a script or a plug-in fails at run time;
    the import itself succeeds, because the platform does not track calls in code.

    ## Example
    Action `contoso_CheckStatus` is exported with `<StateCode>0</StateCode>`, and the form
    script `contoso_/scripts/request.js` calls it with `Xrm.WebApi.online.execute`.

    ## How to fix
    Activate the action before exporting the solution, or remove the call.

    ## Severity
    An error: every call to the action fails at run time, since its message does not exist while
    it is Draft (Learn, "Use Custom Process Actions with code").

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
    """
    for key, call, ref in resolved_calls(ctx):
        action = ctx.graph.component(ref.definition) if ref.definition else None
        if isinstance(action, Workflow) and action.is_action and action.state != "active":
            caller = caller_of(ctx, key, action.solution)
            yield ctx.finding(
                caller,
                f"{told(ctx, caller, call, action.display)}, which is Draft: its message exists only while the "
                f"action is activated, so the call fails",
                related=[action.key, ref.key], location=call.source)
