from analyzer.model import CustomApi, Workflow
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV308", name="message-name-collision", severity=Severity.WARNING,
      title="A Custom API and a custom process action define the same message name",
      fix="Rename one of them (a Custom API's unique name cannot be changed: create it again under a new name), "
          "or retire the action once the Custom API replaces it.",
      tags={"custom-api", "action"})
def check(ctx: RuleContext):
    """## What it does
    Finds a Custom API whose unique name is the message name of a custom process action in
    the analyzed solutions (compared without regard to case): two definitions of one message.
    The finding is on the Custom API and names the action.

    ## Why is this bad?
    Both create a message (`sdkmessage`) named after them, and callers address a message by
    that name only: a Web API URL or `Xrm.WebApi` request, an `OrganizationRequest`, a cloud
    flow's "Perform an unbound action". Which of the two a caller reaches is not something the
    solution can state, so replacing an action by a Custom API of the same name leaves every
    caller ambiguous. Microsoft Learn does not document that the platform refuses the second
    definition, so this is a warning, not an error.

    What dvsa does meanwhile: a plug-in step whose `SdkMessageId` is the action's message is on
    the action (DV102, DV301 and the others judge it so); every reference by name only (a
    flow, code, a step whose id is not in the export) is taken to mean the Custom API.

    ## Example
    Custom API `contoso_SubmitRequest` and action "Submit Request" (`contoso_SubmitRequest`),
    with step "Contoso.Plugins.SubmitPlugin: contoso_SubmitRequest of any Entity" on the
    action's message.

    ## How to fix
    Rename one of them. A Custom API's unique name cannot be changed after it is saved:
    create it again under a new name. When the Custom API replaces the action, move the
    action's steps and callers to it and remove the action in the same release.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-actions
      (Custom Process Action and Custom API: two ways to define a message; "Compare Custom
      Process Action and Custom API")
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#custom-api-table-columns
      (UniqueName: the name of the message; cannot be changed after it is saved)
    """
    actions: dict[str, list[Workflow]] = {}
    for wf in ctx.components(Workflow):
        if wf.is_action and wf.message_name:
            actions.setdefault(wf.message_name.lower(), []).append(wf)
    for api in ctx.components(CustomApi):
        same = actions.get(api.unique_name.lower(), [])
        if not same:
            continue
        names = ", ".join(_where(ctx, api, wf) for wf in same)
        yield ctx.finding(
            api,
            f"{api.display} and {names} define the same message {api.unique_name}: a call by name (Web API, "
            f"OrganizationRequest, a cloud flow) cannot say which one it means",
            related=[wf.key for wf in same])


def _where(ctx: RuleContext, api: CustomApi, action: Workflow) -> str:
    """``action contoso_X ('Submit Request')``, with its solution when it is not the Custom API's."""
    where = f" [solution {action.solution}]" if action.solution != api.solution else ""
    return f"{action.display} ('{action.name}'){where}"
