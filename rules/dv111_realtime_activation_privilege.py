from analyzer.model import SecurityRole
from analyzer.platform import ACTIVATE_REAL_TIME
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV111", name="realtime-activation-privilege", severity=Severity.NOTE,
      title="Security role that grants Activate Real-time Processes",
      fix="Grant Activate Real-time Processes only in a role for the few people who build real-time processes; "
          "remove it from roles meant for everyone else.",
      tags={"process", "security"})
def check(ctx: RuleContext):
    """## What it does
    Finds security roles in the package that grant "Activate Real-time Processes"
    (`prvActivateSynchronousWorkflow`).

    ## Why is this bad?
    Real-time workflows and actions run inside the transaction of the user who triggers them, so
    activating one changes what every save in the environment does. Microsoft advises granting
    this privilege only to a small, experienced group. A role shipped in a solution that grants
    it is handed to whoever the role is assigned to; it deserves a look. (Importing a solution
    that activates real-time processes needs the privilege too: `dvsa inventory` and the HTML
    report say so for each solution.)

    ## Example
    Role 'Process Admin' with `<RolePrivilege name="prvActivateSynchronousWorkflow" level="Global" />`.

    ## How to fix
    Keep the privilege in a dedicated role for process authors (System Customizer has it), not in
    roles for app users.

    ## Known limitations
    The privilege's depth in the role is not read: any grant is reported.

    ## References
    - https://learn.microsoft.com/power-automate/create-real-time-workflows#convert-a-background-workflow-to-a-real-time-workflow
      ("you must have the Activate Real-time Processes privilege")
    - https://learn.microsoft.com/power-apps/developer/data-platform/security-privileges
    """
    for role in ctx.components(SecurityRole):
        if any(p.lower() == ACTIVATE_REAL_TIME.lower() for p in role.privileges):
            yield ctx.finding(role, f"{role.display} grants Activate Real-time Processes ({ACTIVATE_REAL_TIME}): its "
                                    "users can activate processes that run inside every user's transaction")
