from analyzer.model import Step
from analyzer.rule import RuleContext, Severity, rule

_RETRIEVE_MESSAGES = ("Retrieve", "RetrieveMultiple")

# Notes are read by the timeline of most forms: that step is at least a warning, never raised to an error, since
# nothing fails (a slower read is not a refused one). An error stays an error when the user configures it.
def _annotation_severity(configured: Severity) -> Severity:
    return configured if configured.rank >= Severity.WARNING.rank else Severity.WARNING



@rule(id="DV206", name="step-on-retrieve", severity=Severity.WARNING,
      title="Plug-in step registered on Retrieve or RetrieveMultiple",
      fix="Move the logic elsewhere if you can; otherwise keep the step minimal, synchronous only when it "
          "must change the result, and registered on as few tables as possible.",
      tags={"step", "performance"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps on the `Retrieve` or `RetrieveMultiple` message. A step on
    `RetrieveMultiple` of `annotation` (notes) is reported at least as a warning, even when the
    rule is configured as a note.

    ## Why is this bad?
    Retrieve and RetrieveMultiple run for every form load, view, subgrid, lookup, search and
    API query, so logic registered there slows down reading data everywhere: unresponsive apps,
    slow client interactions, a browser that stops responding. Notes are retrieved in bulk by
    the timeline of almost every form, which is why Solution Checker rates a plug-in on
    RetrieveMultiple of annotation higher than the general case.

    ## Example
    Step "Contoso.Plugins.NoteFilter: RetrieveMultiple of annotation" (PreOperation, sync).

    ## How to fix
    Prefer another design (a view, a security rule, a calculated column). When the step is
    really needed (for example to add query conditions), return as early as possible when it
    has nothing to do, avoid calls to external services, and register it on specific tables
    only.

    ## Severity
    A warning: the platform registers and runs such steps; Microsoft Learn warns of slower reads
    everywhere, not of a failure. Solution Checker rates the notes case higher (High against
    Medium), which is why it is never lowered to a note; it is not raised to an error, because
    nothing is refused.

    ## Known limitations
    Only steps whose `<SdkMessageId>` is the built-in Retrieve or RetrieveMultiple id are judged;
    a message guessed from the step name is not trusted.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/best-practices/business-logic/limit-registration-plugins-retrieve-retrievemultiple
    - https://learn.microsoft.com/power-apps/maker/data-platform/use-powerapps-checker
      (Solution Checker rules `meta-avoid-reg-retrieve`, severity Medium, and
      `meta-avoid-retrievemultiple-annotation`, severity High)
    """
    for step in ctx.components(Step):
        message = ctx.graph.settled_message(step)  # the id settles it; names are not trusted
        if message not in _RETRIEVE_MESSAGES:
            continue
        related = [k for k in [ctx.graph.message_of(step.key)] if k]
        table = step.primary_entity
        if message == "RetrieveMultiple" and table == "annotation":
            yield ctx.finding(
                step,
                f"{step.display} is registered on RetrieveMultiple of annotation: it runs every time notes are "
                f"queried, including the timeline of every form that shows notes",
                related=related, severity=_annotation_severity(Severity(ctx.severity)))
            continue
        rows = f"{table} rows" if table else "rows of any table"
        what = (f"every time a row of {table or 'any table'} is read" if message == "Retrieve"
                else f"for every query of {rows} (views, subgrids, lookups, searches, API queries)")
        yield ctx.finding(
            step,
            f"{step.display} is registered on {message} of {table or 'every table'}: it runs {what}",
            related=related)
