from analyzer.model import Step
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV208", name="step-on-execute", severity=Severity.WARNING,
      title="Plug-in step registered on the Execute message",
      fix="Register the step on the specific messages (and tables) the plug-in handles instead of Execute.",
      tags={"step", "performance"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps on the `Execute` message.

    ## Why is this bad?
    Every operation passes through the Execute message, so a step registered on it runs for
    every request the organization processes: each create, update, retrieve and query of every
    table. Microsoft's event framework documentation warns that the message is available but
    that extensions should not be registered for it; even a plug-in that returns immediately
    adds its overhead to all traffic, and a failure in it breaks everything.

    ## Example
    Step "Contoso.Plugins.RequestLogger: Execute of any Entity" with `<SdkMessageId>` equal to
    the Execute message id `a6bdbb1b-ea3e-db11-86a7-000a3a5473e8`.

    ## How to fix
    Find out which operations the plug-in really handles and register one step per message
    and table for them.

    ## Known limitations
    Only steps whose `<SdkMessageId>` is the built-in Execute id are judged; a message guessed
    from the step name is not trusted.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/event-framework#available-events
      ("The Execute message is available, but you shouldn't register extensions for it since
      every operation calls it.")
    """
    for step in ctx.components(Step):
        if ctx.graph.settled_message(step) != "Execute":
            continue
        yield ctx.finding(
            step,
            f"{step.display} is registered on the Execute message, which every operation passes through: "
            f"it runs for every request the organization processes",
            related=[k for k in [ctx.graph.message_of(step.key)] if k])
