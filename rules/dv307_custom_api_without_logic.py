from analyzer.model import CustomApi
from analyzer.platform import StepTypeAllowed
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV307", name="custom-api-without-logic", severity=Severity.WARNING,
      title="Custom API with no plug-in type that allows no custom processing steps",
      fix="Set the Custom API's plug-in type, or re-create it with Allowed Custom Processing Step Type Async Only "
          "(business event) or Sync and Async.",
      tags={"custom-api", "dead-code"})
def check(ctx: RuleContext):
    """## What it does
    Finds Custom APIs that have no plug-in type (no `<plugintypeid>`) and whose Allowed Custom
    Processing Step Type is 0 (None). The plug-in type is read in every form exports write:
    `<plugintypeexportkey>` inside `<plugintypeid>` (current), a nested `<plugintypeid>` (older
    exports, 2021) or the id directly in `<plugintypeid>`.

    ## Why is this bad?
    The logic of a Custom API comes from two places: the plug-in type set as its main operation,
    and the steps other code registers on its message. With no plug-in type, a call runs no code
    and every response property comes back with its type's default value. With step type None,
    nothing can be registered on the message either: no plug-in step and no asynchronous
    subscriber, so it can't serve as a business event ("When an action is performed" in Power
    Automate). The message can be called but can never do anything. It is usually a Custom API
    whose plug-in was forgotten, or a business event created with the wrong step type (which can't
    be changed after the Custom API is saved).

    ## Example
    `customapis/contoso_OrderShipped/customapi.xml` has
    `<allowedcustomprocessingsteptype>0</allowedcustomprocessingsteptype>` and no `<plugintypeid>`.
    By contrast, a plug-in-less bound API with `<allowedcustomprocessingsteptype>1</allowedcustomprocessingsteptype>`
    that flows subscribe to is a business event and is not reported.

    ## How to fix
    If the Custom API should compute something, set its plug-in type (`<plugintypeid><plugintypeexportkey>…`).
    If it is an event for others to react to, re-create it with Allowed Custom Processing Step Type
    1 (Async Only), the option recommended for business events.

    ## Known limitations
    Newer Custom APIs can get their logic from a Power Fx low-code plug-in (the `fxexpressionid` and
    `powerfxruleid` columns) instead of a plug-in type; the model does not read those columns, so
    such an API would be reported if it had no plug-in type. A Custom API whose
    `allowedcustomprocessingsteptype` element is missing is not judged.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api#select-a-custom-processing-step-type
      (None: the plug-in set as PluginTypeId "is the only logic that occurs when this operation
      executes"; Async Only is recommended for the business events pattern)
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api#use-a-plug-in-to-include-logic-in-your-custom-api
      ("Without a plug-in, any output parameter values return the default values for the type")
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#custom-api-table-columns
    - https://learn.microsoft.com/power-apps/developer/data-platform/business-events
    """
    for api in ctx.components(CustomApi):
        if api.plugin_type_id is None and api.allowed_step_type == StepTypeAllowed.NONE:
            yield ctx.finding(
                api,
                f"{api.display} has no plug-in type and its Allowed Custom Processing Step Type is None: calling it "
                f"runs no logic and returns default values, and no step or flow can subscribe to its message")
