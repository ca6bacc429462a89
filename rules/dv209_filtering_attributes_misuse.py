from analyzer import sdk_messages
from analyzer.model import Step
from analyzer.rule import RuleContext, Severity, rule

# System activity tables: their primary key is activityid (inherited from activitypointer), not <table>id.
_SYSTEM_ACTIVITIES = frozenset({
    "activitypointer", "appointment", "bulkoperation", "campaignactivity", "campaignresponse", "email", "fax",
    "incidentresolution", "letter", "opportunityclose", "orderclose", "phonecall", "quoteclose",
    "recurringappointmentmaster", "serviceappointment", "socialactivity", "task", "untrackedemail",
})


def _primary_keys(table: str) -> set[str]:
    keys = {f"{table}id"}
    # A custom table's own columns carry the publisher prefix, so "activityid" on a custom table can only be
    # the primary key of a custom activity table.
    if table in _SYSTEM_ACTIVITIES or "_" in table:
        keys.add("activityid")
    return keys


@rule(id="DV209", name="filtering-attributes-misuse", severity=Severity.WARNING,
      title="Filtering attributes that cannot filter: the primary key, or a message that ignores them",
      fix="Remove the primary key from the filtering attributes, or clear them on messages other than Update.",
      tags={"step", "performance"})
def check(ctx: RuleContext):
    """## What it does
    Finds plug-in steps whose `<FilteringAttributes>`
    - contain the primary key of the step's table (`accountid` on account; `activityid` on an
      activity table such as email or task, or on a custom activity table), or
    - are set on a message that does not use filtering attributes: Learn documents them for
      `Update`, `UpdateMultiple` and `OnExternalUpdated` only
      (`sdk_messages.FILTERING_ATTRIBUTE_MESSAGES`).

    One finding per step. Where the list is ignored, the primary key in it is not reported
    separately.

    ## Why is this bad?
    Filtering attributes exist so that an Update step runs only when the update request carries
    one of the listed columns. The primary key is always included in update operations, so
    listing it negates all the other filtering attributes: the step runs on every update, as if
    it had none, while the registration suggests otherwise. On messages that do not use
    filtering attributes the list is ignored altogether; the step runs on every occurrence of
    the message, and whoever reads the registration is misled.

    ## Example
    Step "Contoso.Plugins.AccountSync: Update of account" with
    `<FilteringAttributes>accountid,name</FilteringAttributes>`, or step
    "Contoso.Plugins.AccountDefaults: Create of account" with
    `<FilteringAttributes>name</FilteringAttributes>`.

    ## How to fix
    List only the data columns whose change the plug-in reacts to, never the primary key. On
    Create, Delete and other messages, clear the filtering attributes and test the input in the
    plug-in code instead.

    ## Known limitations
    The "ignored" check follows the messages Learn documents; the register-plug-in page says
    "Update, OnExternalUpdated, or other message" without naming the others, so a message that
    honours filtering attributes without being documented would be reported. It judges a
    message only when the step's `<SdkMessageId>` settles it (a
    built-in message id or the id of an analyzed custom process action); a message guessed from
    the step name ("…: Create of account") is not trusted, because a renamed or copied step keeps
    a name that no longer matches its message. The primary-key check needs the step's primary
    table and does not depend on the message. Tables are recognised as activities from a fixed
    list of system activity tables or from the publisher prefix (custom tables); the model does
    not carry the tables' `IsActivity` flag.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#general-configuration-information-fields
      (Filtering Attributes: "Don't include the primary key of the entity in the filtering attributes.
      The primary key is always included in update operations, so doing this will negate all other
      filtered attributes.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/best-practices/business-logic/include-filtering-attributes-plugin-registration
    - https://learn.microsoft.com/power-apps/developer/data-platform/write-plugin-multiple-operation#attribute-filters
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/activitypointer
      (PrimaryIdAttribute `activityid`)
    """
    for step in ctx.components(Step):
        if not step.filtering_attributes:
            continue
        problems = []
        message = ctx.graph.settled_message(step)
        listed = ",".join(step.filtering_attributes)
        if message is not None and message not in sdk_messages.FILTERING_ATTRIBUTE_MESSAGES:
            problems.append(f"{message} ignores filtering attributes ({listed}); they are documented for Update, "
                            f"UpdateMultiple and OnExternalUpdated only, so the step runs on every {message}")
        table = step.primary_entity
        if table and not problems:  # where the list is ignored anyway, the key in it does not matter
            keys = sorted(_primary_keys(table) & set(step.filtering_attributes))
            if keys:
                problems.append(f"they include the primary key {', '.join(keys)} of {table}, which is part of "
                                f"every update and so negates the other filtering attributes")
        if not problems:
            continue
        on = f" on {message}" if message else ""
        of = f" of {table}" if table else ""
        yield ctx.finding(
            step,
            f"{step.display}{on}{of} has filtering attributes that cannot filter: " + "; ".join(problems),
            related=[k for k in [ctx.graph.message_of(step.key)] if k])
