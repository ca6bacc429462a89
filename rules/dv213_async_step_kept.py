from analyzer.model import Step
from analyzer.platform import Mode
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV213", name="async-step-kept", severity=Severity.NOTE,
      title="Asynchronous step whose successful system jobs are kept",
      fix="Turn on \"Delete AsyncOperation if StatusCode = Successful\" (AsyncAutoDelete) on the step.",
      tags={"step", "performance"})
def check(ctx: RuleContext):
    """## What it does
    Finds asynchronous plug-in steps (`Mode` 1) without `AsyncAutoDelete`.

    ## Why is this bad?
    Every run of an asynchronous step leaves a system job (`AsyncOperation`) row. Without
    automatic deletion the successful ones stay, the table grows with every event, and it counts
    against the environment's database capacity and slows the system jobs views. Learn
    recommends deleting successful jobs unless you need their history.

    ## Example
    Step "Post Create Email" (PostOperation, async) with
    `<AsyncAutoDelete>0</AsyncAutoDelete>`.

    ## How to fix
    Set the option on the step (Plug-in Registration Tool: "Delete AsyncOperation if StatusCode
    = Successful") and export the solution again. Failed jobs are always kept for diagnosis.

    ## Known limitations
    A step whose export omits the element counts as not deleting, which is the platform's default.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#general-configuration-information-fields
      ("Delete AsyncOperation if StatusCode = Successful")
    - https://learn.microsoft.com/power-platform/admin/manage-storage-asyncoperation-base-table (the table grows
      with asynchronous plug-ins and workflows; set automatic deletion for them)
    """
    for step in ctx.components(Step):
        if step.mode == Mode.ASYNC and not step.async_auto_delete:
            yield ctx.finding(step, f"{step.display} keeps a system job for every successful run "
                                    "(AsyncAutoDelete is off)")
