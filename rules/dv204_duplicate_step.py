from collections import defaultdict

from analyzer.graph import HANDLER
from analyzer.model import PluginType, Step
from analyzer.rule import RuleContext, Severity, bounded, rule


def _type_name(ctx: RuleContext, key: str) -> str:
    c = ctx.graph.component(key)
    return c.type_name if isinstance(c, PluginType) and c.type_name else ctx.graph.name(key)


@rule(id="DV204", name="duplicate-step", severity=Severity.WARNING,
      title="Two plug-in steps register the same plug-in type for the same event",
      fix="Delete the extra step (in the source environment too) and keep one registration.",
      tags={"step", "performance"})
def check(ctx: RuleContext):
    """## What it does
    Groups the enabled plug-in steps by plug-in type, message, primary and secondary table,
    stage, execution mode, filtering attributes (compared as a set, case ignored) and unsecure
    configuration, and
    reports every group with more than one step. In each group the step with the smallest key
    (its id) is taken as the registration to keep and every other step is reported: one finding
    per extra execution, each naming the step to keep. The first extra step's finding tells the
    whole group once: the other duplicates (the first 10 by name, then a count) and every member
    as related components, so a thousand duplicates make a report a thousand lines long, not a
    million.

    ## Why is this bad?
    Each registration runs the plug-in again for the same event: a synchronous duplicate makes
    every save slower (unresponsive forms, time-outs) and can deadlock on Update; an
    asynchronous duplicate queues the same system job twice. Duplicates usually come from
    deleting and re-creating a step in the development environment, or from editing step ids
    in customizations.xml: the target environment then holds both the old and the new step.

    ## Example
    Steps "Contoso.Plugins.AccountSync: Update of account" and "Account sync (new)" both run
    `Contoso.Plugins.AccountSync` on Update of account, PostOperation, synchronous, filtering
    attributes `name,telephone1`.

    ## How to fix
    Keep one step. Update an existing step instead of deleting and re-creating it, and never
    change step ids by hand.

    ## Severity
    A warning: the platform imports and runs both steps. Microsoft Learn describes duplicate
    registrations as a performance problem (the plug-in runs more than once, and a synchronous
    duplicate can hold locks), not as something the platform refuses; Solution Checker's
    Critical rating is a recommendation, not a failure.

    ## Known limitations
    The message is compared by `<SdkMessageId>` (an exact identity, so no name guessing is
    involved); a step without one is compared by the message its name implies. Steps whose
    unsecure configuration differs (one generic plug-in registered twice with different settings)
    are not duplicates; the secure configuration is not exported and cannot be compared.
    Disabled steps (`StateCode` 1) are ignored. The same step found in two analyzed solutions
    is one step, not a duplicate.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/best-practices/business-logic/do-not-duplicate-plugin-step-registration
    - https://learn.microsoft.com/power-apps/maker/data-platform/use-powerapps-checker
      (Solution Checker rule `meta-remove-dup-reg`, severity Critical)
    """
    groups: dict[tuple, list[Step]] = defaultdict(list)
    for step in ctx.components(Step):
        if not step.enabled:
            continue
        handlers = ctx.graph.requires(step.key, [HANDLER])
        message = step.message_id or ctx.graph.message_of(step.key)
        if not handlers or not message:
            continue
        # one type of several copies of its name (same_types): steps on either copy run the same class
        handler = ctx.graph.same_types(handlers[0])[0]
        identity = (handler, message, step.primary_entity or "", step.secondary_entity or "",
                    step.stage, step.mode, frozenset(step.filtering_attributes), step.configuration or "")
        groups[identity].append(step)
    for identity in sorted(groups, key=lambda i: groups[i][0].key):
        members = groups[identity]
        if len(members) < 2:
            continue
        keep = members[0]
        type_name = _type_name(ctx, identity[0])
        message = ctx.graph.message_label(keep)
        filters = (f", filtering attributes {','.join(sorted(keep.filtering_attributes))}"
                   if keep.filtering_attributes else ", no filtering attributes")
        times = "twice" if len(members) == 2 else f"{len(members)} times"
        for position, step in enumerate(members[1:]):
            # Duplicates often keep the generated name: tell them apart by id then.
            kept = _distinct(keep, step)
            text = (f"{step.display} duplicates {kept}: both run {type_name} on {ctx.graph.event_label(keep)} in "
                    f"{keep.stage_name}, {keep.mode_name}{filters}, so the plug-in runs {times} for every {message}")
            if position:  # the group is told once, on its first extra step: output stays linear in the steps
                yield ctx.finding(step, text, related=[keep.key])
                continue
            others = members[2:]
            if others:
                text += f"; the other duplicates: {bounded([_distinct(o, step) for o in others])}"
            yield ctx.finding(step, text, related=[m.key for m in members if m.key != step.key])



def _distinct(step: Step, beside: Step) -> str:
    return f"{step.display} (id {step.ident})" if step.name == beside.name else step.display

