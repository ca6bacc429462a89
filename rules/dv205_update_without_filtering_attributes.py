from analyzer.model import Step
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV205", name="update-without-filtering-attributes", severity=Severity.WARNING,
      title="Plug-in step on Update without filtering attributes",
      fix="Set the step's filtering attributes to the columns whose change the plug-in reacts to.",
      tags={"step", "performance"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps on the `Update` message whose `<FilteringAttributes>` is empty
    or missing.

    ## Why is this bad?
    Without filtering attributes the plug-in runs on every update of the row, whichever columns
    the update carries. Updates happen for many reasons (auto-save on forms, flows, integrations,
    roll-ups), so the step runs far more often than its logic needs, slowing every save when it
    is synchronous and filling the system job queue when it is asynchronous.

    ## Example
    Step "Contoso.Plugins.AccountSync: Update of account" (PostOperation, sync) with
    `<FilteringAttributes></FilteringAttributes>`.

    ## How to fix
    In the Plug-in Registration Tool, select the columns the plug-in cares about under
    Filtering Attributes (for example `name,telephone1`). A step on Update of every table (no
    primary table) cannot have filtering attributes: register it on the tables it is for.

    ## Known limitations
    Only steps whose `<SdkMessageId>` is the built-in Update message id are judged; a step whose
    message is only guessed from its name ("…: Update of account") is not. UpdateMultiple is not
    checked.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/best-practices/business-logic/include-filtering-attributes-plugin-registration
    - https://learn.microsoft.com/power-apps/maker/data-platform/use-powerapps-checker
      (Solution Checker rule `meta-avoid-reg-no-attribute`)
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#general-configuration-information-fields
    """
    for step in ctx.components(Step):
        if step.filtering_attributes:
            continue
        if ctx.graph.settled_message(step) != "Update":  # the id settles it; names are not trusted
            continue
        if step.primary_entity:
            what = f"every update of {step.primary_entity} rows, whichever columns change"
        else:
            what = "every update of every table"
        yield ctx.finding(
            step,
            f"{step.display} on Update{' of ' + step.primary_entity if step.primary_entity else ''} has no "
            f"filtering attributes, so it runs on {what}",
            related=[k for k in [ctx.graph.message_of(step.key)] if k])
