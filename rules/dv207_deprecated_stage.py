from analyzer.model import Step
from analyzer.platform import Stage
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV207", name="deprecated-stage", severity=Severity.WARNING,
      title="Plug-in step registered in the deprecated CRM 4.0 post-operation stage (50)",
      fix="Re-register the step in PostOperation (stage 40), updating the plug-in for the current SDK if needed.",
      tags={"step", "upgrade"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps with `<Stage>50</Stage>`.

    ## Why is this bad?
    Stage 50 is the post-operation stage kept for plug-ins written for Microsoft Dynamics CRM
    4.0; the SDK documents it as "post-operation, deprecated". Such steps run outside the
    transaction with the CRM 4.0 semantics and depend on compatibility behaviour that current
    versions no longer guarantee, so they are an upgrade risk.

    ## Example
    Step "Contoso.Plugins.LegacyAudit: Update of contact" with `<Stage>50</Stage>` and
    `<Mode>1</Mode>`.

    ## How to fix
    Register the step in PostOperation (stage 40), synchronous or asynchronous as needed, after
    making sure the plug-in uses the current SDK (`Microsoft.Xrm.Sdk`), then remove the old step.

    ## Known limitations
    Only the stage number is checked; whether the assembly itself targets the CRM 4.0 SDK is not
    known from the solution files.

    ## References
    - https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.ipluginexecutioncontext.stage
      (valid values 10, 20, 40 and "50 (post-operation, deprecated)")
    - https://learn.microsoft.com/power-apps/maker/data-platform/use-powerapps-checker
      (Solution Checker rule `meta-avoid-crm4-event`: "Don't use Microsoft Dynamics CRM 4.0 plug-in
      registration stage")
    """
    for step in ctx.components(Step):
        if step.stage != Stage.POST_OPERATION_DEPRECATED:
            continue
        message = ctx.graph.message_of(step.key)
        yield ctx.finding(
            step,
            f"{step.display} on {ctx.graph.event_label(step)} is registered in stage 50, "
            f"the Dynamics CRM 4.0 post-operation stage, "
            f"which is deprecated",
            related=[message] if message else [])
