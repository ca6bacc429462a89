from analyzer.model import Workflow
from analyzer.platform import ProcessCategory
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV110", name="dialog-process", severity=Severity.WARNING,
      title="Dialog process (deprecated)",
      fix="Replace the dialog with a business process flow, a canvas app or a custom page, then remove it.",
      tags={"process", "deprecated"})
def check(ctx: RuleContext):
    """## What it does
    Finds dialogs: processes of category 1 (`<Category>1</Category>`).

    ## Why is this bad?
    Dialogs are deprecated. They run only in the legacy web client, which Unified Interface
    replaced, so users of model-driven apps cannot start them, and Microsoft recommends replacing
    them with business process flows or canvas apps. A solution that still ships one carries a
    process nobody can run.

    ## Example
    Dialog 'Case Escalation Script' of table incident.

    ## How to fix
    Rebuild the guided steps as a business process flow, or as a canvas app or custom page
    opened from the form; remove the dialog from the solution once nothing starts it.

    ## References
    - https://learn.microsoft.com/power-automate/use-cds-for-apps-dialogs ("Dialogs are deprecated. You should
      replace dialogs with business process flows or canvas apps.")
    - https://learn.microsoft.com/power-automate/replace-dialogs
    """
    for wf in ctx.components(Workflow):
        if wf.category == ProcessCategory.DIALOG:
            table = f" of table {wf.primary_entity}" if wf.primary_entity else ""
            yield ctx.finding(wf, f"dialog '{wf.name}'{table} is a deprecated process: Unified Interface apps "
                                  "cannot run it")
