from analyzer.model import CustomApi, Step
from analyzer.platform import Mode, StepTypeAllowed
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV301", name="custom-api-step-not-allowed", severity=Severity.ERROR,
      title="Plug-in step registered on a Custom API message whose allowed custom processing step type forbids it",
      fix="Remove the step, make it asynchronous for an Async Only API, or create the Custom API with "
          "Allowed Custom Processing Step Type Sync and Async.",
      tags={"custom-api", "step", "import"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps registered on the message of a Custom API whose **Allowed Custom
    Processing Step Type** (`allowedcustomprocessingsteptype`) does not allow them: any step
    when the value is 0 (None), and a synchronous step when the value is 1 (Async Only).

    ## Why is this bad?
    The Custom API decides which steps may be registered on its message: None means no custom
    processing steps at all, Async Only means only asynchronous ones (so nobody can change or
    cancel the operation). A step the Custom API forbids can't be registered, so the import of
    the solution that carries it fails; and the setting can't be changed after the Custom API is
    saved, so the target environment can't be adjusted to accept the step either.

    ## Example
    Custom API `contoso_ScoreLead` has `<allowedcustomprocessingsteptype>1</allowedcustomprocessingsteptype>`
    and the solution ships step "Contoso.Plugins.ScoreAudit: contoso_ScoreLead of lead"
    with `<Mode>0</Mode>` (synchronous).

    ## How to fix
    Make the step asynchronous (`Mode` 1, PostOperation) when the API is Async Only, or remove
    it. If other code really must change the operation synchronously, the Custom API has to be
    deleted and re-created with Allowed Custom Processing Step Type 2 (Sync and Async).

    ## Severity
    An error: the platform refuses a step the Custom API's Allowed Custom Processing Step Type
    forbids (Learn, "Custom API tables"), so the import of the solution carrying it fails.

    ## Known limitations
    A step names its message only by `<SdkMessageId>`, and the id of the message a Custom API
    creates is not in the export (customapi.xml has no message id). The step is therefore matched
    to a Custom API through the platform's generated step name, "<type>: <message> of <table>"
    (for example "Contoso.Plugins.ScoreAudit: contoso_ScoreLead of lead" or "…: contoso_Ping of
    any Entity"), compared with the Custom API's unique name without regard to case. Found:
    steps that keep the generated name, on a Custom API in any of the analyzed solutions.
    Not found: steps renamed in the Plug-in Registration Tool (e.g. "Audit score"), and steps
    on a Custom API that is not among the analyzed solutions. A Custom API whose
    `allowedcustomprocessingsteptype` element is missing is not judged. A step whose
    `SdkMessageId` is the message of an analyzed custom process action is on that action, even
    when a Custom API has the same name (DV308 reports that collision).

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#custom-api-table-columns
      (Allowed Custom Processing Step Type: 0 None "No custom processing steps allowed",
      1 Async Only "Only asynchronous custom processing steps allowed"; cannot be changed after it is saved)
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api#select-a-custom-processing-step-type
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/customapi
    """
    for step in ctx.components(Step):
        ref = ctx.graph.message_ref(step.key)  # an id that names an analyzed action's message settles it first
        api = ctx.graph.component(ref.definition) if ref.definition else None
        if not isinstance(api, CustomApi):
            continue
        message = ref.key
        allowed = StepTypeAllowed.parse(api.allowed_step_type)
        label = allowed.label if allowed is not None else str(allowed)
        if allowed == StepTypeAllowed.NONE:
            yield ctx.finding(
                step,
                f"{step.display} is registered on {api.display}, whose Allowed Custom Processing Step Type is "
                f"{label}: no custom processing steps can be registered on its message",
                related=[api.key, message])
        elif allowed == StepTypeAllowed.ASYNC_ONLY and step.mode == Mode.SYNC:
            yield ctx.finding(
                step,
                f"{step.display} is registered on {api.display}, whose Allowed Custom Processing Step Type is "
                f"{label}: only asynchronous steps can be registered on its message",
                related=[api.key, message])
