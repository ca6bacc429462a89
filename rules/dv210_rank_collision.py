from collections import defaultdict

from analyzer.model import Step
from analyzer.platform import Mode
from analyzer.rule import RuleContext, Severity, bounded, rule


@rule(id="DV210", name="rank-collision", severity=Severity.NOTE,
      title="Synchronous plug-in steps on the same event share an execution order",
      fix="Give each synchronous step on the same message, table and stage its own Execution Order (rank).",
      tags={"step", "ordering"})
def check(ctx: RuleContext):
    """## What it does
    Groups the enabled synchronous plug-in steps by message, primary table and stage, and
    reports groups in which two or more steps have the same `<Rank>` (the Execution Order in
    the Plug-in Registration Tool). In each group of equal rank the step with the smallest key
    is left alone and every other step is reported. The first reported step's finding tells the
    whole group (the other steps, the first 10 by name then a count, all of them as related
    components); the others name the step left alone, so the report grows with the steps.

    ## Why is this bad?
    Within a stage, synchronous steps run from the lowest Execution Order to the highest.
    When two steps on the same message, table and stage have the same value, their relative
    order is not guaranteed and can be random: if one step's result feeds the other (a value
    set in PreOperation, a record created in PostOperation), the outcome can change from one
    execution or environment to the next. Microsoft recommends setting the order explicitly
    rather than accepting the default value 1.

    ## Example
    Steps "Contoso.Plugins.AccountNumbering: Create of account" and
    "Contoso.Plugins.AccountDefaults: Create of account", both PreOperation, synchronous,
    `<Rank>1</Rank>`.

    ## How to fix
    Decide which step must run first and give the steps distinct Execution Order values (for
    example 10 and 20).

    ## Known limitations
    Steps are grouped by `<SdkMessageId>` (an exact identity), or by the message their name
    implies when the id is missing. Whether the steps actually depend on each other is not known;
    independent steps are reported too, hence the note severity. Asynchronous steps are not
    ordered by rank in a useful way and are ignored, as are disabled steps and steps without a
    rank. A step on a message for every table (no primary table) is not compared with steps on
    specific tables.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#general-configuration-information-fields
      (Execution Order: "It's not recommended to simply accept the default value. The actual execution
      order of plug-ins with the same Execution Order value (for the same stage, table and message)
      isn't guaranteed and can be random.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/event-framework#event-execution-pipeline
    - https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.ipluginexecutioncontext.stage
      (plug-ins are ordered within a stage by `SdkMessageProcessingStep.Rank`)
    """
    groups: dict[tuple, list[Step]] = defaultdict(list)
    for step in ctx.components(Step):
        if not step.enabled:
            continue
        message = step.message_id or ctx.graph.message_of(step.key)
        if step.mode != Mode.SYNC or step.rank is None or step.stage is None or not message:
            continue
        groups[(message, step.primary_entity or "", step.stage, step.rank)].append(step)
    for identity in sorted(groups, key=lambda i: groups[i][0].key):
        members = groups[identity]
        if len(members) < 2:
            continue
        first = members[0]
        event = ctx.graph.event_label(first)
        for position, step in enumerate(members[1:]):
            if position:  # the whole group is told once, on its first step after ``first``: output stays linear
                others, related = f"'{first.name}' and {len(members) - 2:,} other steps", [first.key]
            else:
                others = bounded([f"'{m.name}'" for m in members if m.key != step.key])
                related = [m.key for m in members if m.key != step.key]
            yield ctx.finding(
                step,
                f"{step.display} has the same execution order (rank {step.rank}) as {others} on {event} "
                f"in {step.stage_name}: the order in which they run is not guaranteed",
                related=related)
