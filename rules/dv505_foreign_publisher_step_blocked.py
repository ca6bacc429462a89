from analyzer.model import Workflow
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV505", name="foreign-publisher-step-blocked", severity=Severity.WARNING,
      title="Plug-in step of another publisher on an action that does not allow custom processing steps "
            "from other publishers",
      fix="Ship the step in a solution of the action's publisher, or turn on the action's \"Allow custom "
          "processing step for other publishers\" setting and export it again.",
      tags={"action", "step", "publisher", "solution-set"})
def check(ctx: RuleContext):
    """## What it does
    With several solutions analyzed together, finds plug-in steps registered on the message of a
    custom process action whose setting "Allow custom processing step for other publishers"
    (`<IsCustomProcessingStepAllowedForOtherPublishers>0</…>` in the action's workflow record)
    is off, when the step's solution has another publisher than the action's solution.

    ## Why is this bad?
    The setting exists so that the action's publisher can keep other publishers' plug-ins off
    its message. Microsoft Learn says what happens when it is off: "only plug-ins from the same
    solution publisher will run when a plug-in step is registered for the message". The step
    of another publisher registers and imports without complaint, and then never runs: its
    logic is silently skipped every time the action is called.

    ## Example
    ContosoCore (publisher `contoso`) ships action `contoso_Approve` with
    `<IsCustomProcessingStepAllowedForOtherPublishers>0</IsCustomProcessingStepAllowedForOtherPublishers>`;
    FabrikamAddOn (publisher `fabrikam`) ships step 'Post Approve Audit' on `contoso_Approve`.

    ## How to fix
    Move the step into a solution of the action's publisher, or have the action's owner allow
    custom processing steps from other publishers and export the action again. If the logic
    belongs to the add-on, consider a message of its own (a Custom API) that it calls instead.

    ## Severity
    A warning: nothing is refused and no call fails (the platform imports the step and the call
    to the action succeeds), but the step does not do what the package says it does.

    ## Known limitations
    Only steps whose solution is analyzed with the action's solution are judged
    (`dvsa check core/ addon/`), since a step's publisher is its solution's. Publishers are
    compared by unique name. An action whose export does not write the element (older
    exports) is not judged; in the corpus, the newer exports write it, always as 1.
    Custom APIs are left to DV301: Learn describes their Allowed Custom Processing Step Type
    (0 None, 1 Async Only, 2 Sync and Async) as controlling whether other plug-ins can be
    registered at all, whatever their publisher, and DV301 already reports a step it forbids.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-actions#compare-custom-process-action-and-custom-api
      ("Block Extension by other plug-ins": with IsCustomProcessingStepAllowedForOtherPublishers
      `false`, "only plug-ins from the same solution publisher will run when a plug-in step is
      registered for the message")
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/workflow
      (Process table: writable column IsCustomProcessingStepAllowedForOtherPublishers)
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#custom-api-table-columns
      (Allowed Custom Processing Step Type: "This allows you to control whether other plug-ins can be registered")
    """
    publishers = {s.unique_name: s.publisher for s in ctx.solutions}
    for action in ctx.components(Workflow):
        if not action.is_action or action.steps_allowed_for_other_publishers is not False:
            continue
        owner = publishers.get(action.solution)
        for step in ctx.graph.steps_on_definition(action.key):
            other = publishers.get(step.solution)
            if not owner or not other or other.lower() == owner.lower():
                continue
            yield ctx.finding(
                step,
                f"{step.display} in {step.solution} (publisher {other}) is registered on {action.display}, which "
                f"{action.solution} (publisher {owner}) ships with \"Allow custom processing step for other "
                f"publishers\" off: the step registers but never runs, since only plug-ins of the action's "
                f"publisher run on its message",
                related=[action.key])
