from analyzer.graph import DECLARED
from analyzer.messages import UNKNOWN
from analyzer.model import Step, Workflow
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV408", name="step-on-unknown-message", severity=Severity.WARNING,
      title="Plug-in step on a message that no platform id, analyzed solution or declaration names",
      fix="Analyze the solution that defines the message alongside this one, or remove the step if its action "
          "or Custom API was deleted.",
      tags={"step", "dependency", "import"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps whose `<SdkMessageId>` is none of the platform messages dvsa knows by id
    (581, shipped in `analyzer/data/sdk_message_ids.csv`), is not the message of a custom process
    action analyzed alongside, is not declared in solution.xml `MissingDependencies`, and whose
    name does not name a message either (a hand-given name such as "Post Archive Request"
    instead of the generated "Contoso.Plugins.X: contoso_Archive of contoso_request").

    ## Why is this bad?
    dvsa cannot tell which message such a step is on, so the checks that depend on it (images,
    stages, filtering attributes, the action's state) were not made. The usual cause is a step
    whose custom process action or Custom API was deleted from the unpacked folder, or lives in
    a solution that was not given on the command line: importing the solution then fails on the
    step. It may also be a platform message newer than dvsa's table of ids, hence a warning.

    ## Example
    Step "Post Archive Request" has `<SdkMessageId>{d4080000-…-00ff}</SdkMessageId>`; no action
    in the solution has that `<SdkMessageId>`, and nothing in `MissingDependencies` names it.

    ## How to fix
    Analyze the solution that defines the message together with this one
    (`dvsa check base.zip this.zip`), restore the deleted action or Custom API, or remove the step.

    ## Known limitations
    Steps whose id is the id of a process that defines no message are DV407's, not reported here.
    A message newer than the table (CreateMultiple, UpdateMultiple…) is recognised only through
    the generated step name.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstep
      (SdkMessageId: the SDK message the step is registered on)
    - https://learn.microsoft.com/power-platform/alm/dependency-tracking-solution-components
      ("Import of a solution fails if all required components aren't included in the solution
      and also don't exist in the target environment")
    """
    process_ids = {i for wf in ctx.components(Workflow) for i in (wf.ident, wf.sdk_message_id) if i}
    for step in ctx.components(Step):
        ref = ctx.graph.message_ref(step.key)
        if ref.known_by != UNKNOWN or not ref.message_id or ref.message_id in process_ids:
            continue  # known, or DV407's (an id of a process that defines no message)
        if ctx.graph.external(ref.key) == DECLARED or ctx.graph.declares_message_need(step):
            continue
        on = f" on {step.primary_entity}" if step.primary_entity else ""
        yield ctx.finding(
            step,
            f"{step.display}{on} is registered on a message that no platform id, analyzed action or Custom API, "
            f"or MissingDependencies entry names (SdkMessageId {ref.message_id}), and its name names none either: "
            f"its images, stage and filtering attributes were not checked, and if its action or Custom API was "
            f"removed, the import fails on this step",
            related=[ref.key] if ref.key else [])
