from analyzer.model import Step
from analyzer.platform import Stage
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV105", name="step-on-main-operation", severity=Severity.ERROR,
      title="Plug-in step registered in the MainOperation stage (30), which is reserved for the platform",
      fix="Register the step in PreValidation (10), PreOperation (20) or PostOperation (40); for a message "
          "whose main logic is a plug-in, use a Custom API.",
      tags={"step", "registration", "import"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps (`SdkMessageProcessingStep`) whose `<Stage>` is 30, the MainOperation
    stage of the event execution pipeline.

    ## Why is this bad?
    The platform performs the message's own operation in stage 30. It is for internal use
    only, except for the main-operation plug-in of a Custom API and the plug-ins of a custom
    virtual table data provider, and those are not registered as steps: the Custom API or
    data provider record names the plug-in type. The execution context documents 10
    (PreValidation), 20 (PreOperation), 40 (PostOperation) and the deprecated 50 as the
    stages a registered plug-in runs in. A step at 30 is therefore not a supported
    registration; it comes from hand-edited or generated solution XML, and its code cannot
    be relied on to run where its author expects.

    ## Example
    `<SdkMessageProcessingStep Name="Main Calculate Quote">` with `<Stage>30</Stage>`.

    ## How to fix
    Choose the stage by what the step does: validation outside the transaction in
    PreValidation (10), changes to the data being saved in PreOperation (20), follow-up work
    in PostOperation (40). If the step is meant to implement a custom message, create a
    Custom API and set the plug-in type as its implementation.

    ## Severity
    An error: Learn ("Event framework", event execution pipeline) reserves stage 30 for the
    platform's own operation, "for internal use only"; a step there is not a registration the
    platform supports, and its import or its run fails depending on the platform's checks.

    ## Known limitations
    The stage choices of `sdkmessageprocessingstep` also list internal stages (5, 15, 25,
    35, 45, 55, 80, 90); they never appear in exports seen so far and are not checked here.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/event-framework#event-execution-pipeline
      (MainOperation: "For internal use only except for Custom API and Custom virtual table data providers")
    - https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.ipluginexecutioncontext.stage
      (valid values 10, 20, 40 and 50)
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
      (steps on an action's message go on PreValidation, PreOperation and PostOperation)
    """
    for step in ctx.components(Step):
        if step.stage != Stage.MAIN_OPERATION:
            continue
        message = ctx.graph.message_of(step.key)
        message_name = ctx.graph.message_label(step)
        definition = ctx.graph.definition_of(message) if message else None
        on = definition.display if definition is not None else message_name
        if step.primary_entity:
            on += f" of {step.primary_entity}"
        yield ctx.finding(
            step,
            f"{step.display} on {on} is registered at stage 30 (MainOperation), which is reserved for the "
            f"platform's own operation: steps belong in PreValidation (10), PreOperation (20) or PostOperation (40)",
            related=[k for k in [message, definition.key if definition is not None else None] if k])
