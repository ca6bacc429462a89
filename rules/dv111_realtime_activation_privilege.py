from analyzer.model import SecurityRole, Solution, Workflow
from analyzer.platform import ProcessCategory, ProcessMode, ProcessState
from analyzer.rule import RuleContext, Severity, rule

from .dv402_depends_on_unmanaged_layer import solution_summary

PRIVILEGE = "prvActivateSynchronousWorkflow"
SHOWN = 10


def _real_time(wf: Workflow) -> bool:
    """An activated action, or an activated real-time classic workflow: what the import activates synchronously."""
    if wf.state_code != ProcessState.ACTIVATED:
        return False
    return wf.is_action or (wf.category == ProcessCategory.WORKFLOW and wf.mode == ProcessMode.REAL_TIME)


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown if len(names) <= SHOWN else f"{shown} and {len(names) - SHOWN} more"


@rule(id="DV111", name="realtime-activation-privilege", severity=Severity.NOTE,
      title="Importing activates real-time processes: the importing user needs Activate Real-time Processes",
      fix="Import with a user whose security role grants Activate Real-time Processes (System Administrator and "
          "System Customizer do), or ask an administrator to import.",
      tags={"process", "import", "security"})
def check(ctx: RuleContext):
    """## What it does
    For each solution that ships activated custom process actions or activated real-time
    workflows, tells the person importing it that the import activates them, and which privilege
    that needs. Also points out a security role in the package that grants that privilege.

    ## Why is this bad?
    It is not a defect: it is what the import needs. Activating an action or a real-time
    workflow requires the privilege "Activate Real-time Processes"
    (`prvActivateSynchronousWorkflow`) on top of the privileges to create a process; an importing
    user without it sees the import fail on those processes (or leaves them deactivated). Real-time
    processes run inside the user's transaction, so Microsoft advises granting that privilege only
    to a small, experienced group: a role shipped in a solution that grants it deserves a look.

    ## Example
    Solution FedBizApps_RequestManagement activates 5 real-time processes: action
    fdbzap_ar_checkstatus, ….

    ## How to fix
    Nothing to fix in the package. Import with a System Administrator or System Customizer, or a
    role that has "Activate Real-time Processes" (Customization tab, Miscellaneous privileges).

    ## Known limitations
    The privilege's depth in a shipped role is not read: any grant is reported.

    ## References
    - https://learn.microsoft.com/power-automate/create-real-time-workflows#convert-a-background-workflow-to-a-real-time-workflow
      ("you must have the Activate Real-time Processes privilege")
    - https://learn.microsoft.com/power-apps/developer/data-platform/security-privileges
    """
    for solution in ctx.solutions:
        yield from _solution(ctx, solution)
    for role in ctx.components(SecurityRole):
        if any(p.lower() == PRIVILEGE.lower() for p in role.privileges):
            yield ctx.finding(role, f"{role.display} grants Activate Real-time Processes ({PRIVILEGE}): its users "
                                    "can activate processes that run inside every user's transaction")


def _solution(ctx: RuleContext, solution: Solution):
    processes = sorted((wf for wf in solution.components if isinstance(wf, Workflow) and _real_time(wf)),
                       key=lambda wf: wf.display)
    if processes:
        yield ctx.finding(
            solution_summary(solution),
            f"importing {solution.unique_name} activates {len(processes)} real-time process"
            f"{'es' if len(processes) != 1 else ''} ({_listing([wf.display for wf in processes])}): the importing "
            f"user needs Activate Real-time Processes ({PRIVILEGE})",
            related=[wf.key for wf in processes[:SHOWN]])
