from analyzer.model import Step, Workflow
from analyzer.platform import ProcessState
from analyzer.rule import Option, RuleContext, Severity, rule


@rule(id="DV108", name="inactive-component", severity=Severity.NOTE,
      title="Draft process or disabled plug-in step shipped in the solution",
      fix="Remove the inactive component from the solution, or activate it if it should run.",
      tags={"process", "step", "maintainability"},
      options=[Option("include-cloud-flows", bool, False,
                      help="also report cloud flows and desktop flows that are off")])
def check(ctx: RuleContext):
    """## What it does
    Finds processes shipped in Draft (`<StateCode>0</StateCode>`: classic workflows, business
    rules, actions, business process flows, dialogs) and plug-in steps shipped disabled
    (`<StateCode>1</StateCode>` on the step). It matches Solution Checker's
    `meta-remove-inactive` ("Remove inactive configurations").

    Cloud flows and desktop flows that are off are not reported by default. Whether a flow
    runs is a per-environment deployment decision rather than part of the design: a flow can
    only be turned on once its connection references have connections, deployment settings
    and pipelines switch flows on after import, and kits ship optional or scheduled flows
    off on purpose (in the real exports studied, the only off flows are a daily timeout job
    in the Business Approvals Kit and an admin-approval flow in the Copilot Studio Kit, while
    the shipped Draft classic processes are leftovers). Set `include-cloud-flows` to report
    them too.

    ## Why is this bad?
    An inactive component does nothing, yet it is imported, layered and upgraded with the
    solution. It confuses makers (is it meant to be off, or broken?), keeps dependencies
    alive (a Draft process still requires its tables, columns and activities), and can be
    switched on by someone in the target environment without review. A Draft action also
    creates no message, so steps and callers that use it fail (see DV101).

    ## Example
    Business rule "Lock Fields" with `<StateCode>0</StateCode>` and `<StatusCode>1</StatusCode>`,
    or a step with `<StateCode>1</StateCode>`.

    ## How to fix
    If the component is obsolete, remove it from the solution (and delete it in the target
    environments). If it should run, activate it before exporting. If it is off on purpose,
    suppress the finding with a reason.

    ## Options
    - `include-cloud-flows` (default false): also report cloud flows and desktop flows that
      are off.

    ## Known limitations
    A process whose `StateCode` is missing is not reported. No disabled step occurs in the
    real exports studied, so the step case relies on the documented `statecode` values
    (0 Enabled, 1 Disabled).

    ## References
    - https://learn.microsoft.com/power-apps/developer/model-driven-apps/best-practices/business-logic/remove-deactivated-disabled-configurations
      (Solution Checker `meta-remove-inactive`: SDK message processing steps, processes, business rules)
    - https://learn.microsoft.com/power-apps/maker/data-platform/use-powerapps-checker
    """
    flows = ctx.options["include-cloud-flows"]
    for c in ctx.components():
        if isinstance(c, Workflow):
            if c.state_code != ProcessState.DRAFT or (c.is_flow and not flows):
                continue
            state = "Off" if c.is_flow else "Draft (deactivated)"
            extra = ": its message does not exist until it is activated" if c.is_action else ""
            yield ctx.finding(c, f"{c.display} is shipped {state}{extra}")
        elif isinstance(c, Step) and not c.enabled:
            message = ctx.graph.message_of(c.key)
            on = f" on {ctx.graph.name(message)}" if message else ""
            if on and c.primary_entity:
                on += f" of {c.primary_entity}"
            yield ctx.finding(c, f"{c.display}{on} is shipped disabled", related=[message] if message else [])
