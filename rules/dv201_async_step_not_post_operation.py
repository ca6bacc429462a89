from analyzer.graph import HANDLER
from analyzer.model import Step
from analyzer.platform import Mode, Stage
from analyzer.rule import RuleContext, Severity, rule

# Reported by other rules for every step, whatever its mode: 30 (MainOperation, reserved for the platform) by
# DV105, 50 (the deprecated CRM 4.0 post-operation stage) by DV207.
_ELSEWHERE = (Stage.MAIN_OPERATION, Stage.POST_OPERATION_DEPRECATED)


@rule(id="DV201", name="async-step-not-post-operation", severity=Severity.ERROR,
      title="Asynchronous plug-in step registered in PreValidation or PreOperation instead of PostOperation",
      fix="Register the step in PostOperation (stage 40), or make it synchronous if it must run before the operation.",
      tags={"step", "import"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps with execution mode Asynchronous (`<Mode>1</Mode>`) whose stage is
    PreValidation (10) or PreOperation (20) (or any other value that is not a post-operation
    stage).

    ## Why is this bad?
    An asynchronous step is queued as a system job that runs after the operation has
    completed, so it can only be registered for the PostOperation stage. Dataverse refuses
    such a registration, so the import of the step fails; a step that did import would not run
    where its author expected: the code written for "before the operation" would run
    afterwards, on its own, outside the transaction.

    ## Example
    Step "Contoso.Plugins.AccountAudit: Create of account" with `<Stage>20</Stage>` and
    `<Mode>1</Mode>`.

    ## How to fix
    If the logic can run after the operation, set the stage to PostOperation (40). If it must
    change or validate the data before it is saved, make the step synchronous instead.

    ## Severity
    An error: the platform refuses an asynchronous step in any stage but PostOperation
    (Learn, "Register a plug-in", execution mode), so the import of the step fails.

    ## Known limitations
    Stage 50 (the deprecated CRM 4.0 post-operation stage) is a post-operation stage in which
    CRM 4.0 asynchronous plug-ins were registered; it is reported by DV207
    (`deprecated-stage`), not here. Stage 30 (MainOperation) is wrong for every step and is
    reported by DV105 (`step-on-main-operation`). Steps whose stage or mode element is missing
    are not judged.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#execution-mode
      ("Asynchronous plug-ins can only be registered for the PostOperation stage")
    - https://learn.microsoft.com/power-apps/developer/data-platform/event-framework#asynchronous-plug-in-steps
    - https://github.com/rezanid/xrmtools/issues/157 (registering a PreOperation asynchronous step fails)
    """
    for step in ctx.components(Step):
        if (step.mode != Mode.ASYNC or step.stage is None or step.stage == Stage.POST_OPERATION
                or step.stage in _ELSEWHERE):
            continue
        message = ctx.graph.message_of(step.key)
        yield ctx.finding(
            step,
            f"{step.display} is asynchronous on {ctx.graph.event_label(step)} but registered in {step.stage_name} "
            f"(stage {step.stage}): "
            f"asynchronous steps run as system jobs after the operation and can only be registered in "
            f"PostOperation (stage 40)",
            related=[k for k in [message, *ctx.graph.requires(step.key, [HANDLER])] if k])
