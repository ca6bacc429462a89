from __future__ import annotations

from analyzer.model import CustomApi, CustomApiField
from analyzer.platform import BindingType, ParameterType, StepTypeAllowed
from analyzer.rule import RuleContext, Severity, rule

from ._versions import solution_pairs


def _yes(value: bool | None) -> str:
    return "Yes" if value else "No"


def _api_columns(api: CustomApi) -> dict[str, str]:
    """The Custom API columns Learn marks "cannot be changed after it is saved", as the maker portal words them."""
    return {
        "Binding Type": BindingType.parse(api.binding_type).label if api.binding_type is not None else "Global",
        "Bound Entity Logical Name": api.bound_entity or "(none)",
        "Is Function": _yes(api.is_function),
        "Allowed Custom Processing Step Type": (StepTypeAllowed.parse(api.allowed_step_type).label
                                               if api.allowed_step_type is not None else "None"),
        "Enabled for Workflow": _yes(api.enabled_for_workflow),
    }


def _field_columns(f: CustomApiField) -> dict[str, str]:
    found = {"Type": ParameterType.parse(f.type).label if f.type is not None else "(none)",
             "Logical Entity Name": f.entity_name or "(none)"}
    if f.is_optional is not None:
        found["Is Optional"] = _yes(f.is_optional)
    return found


def _changed(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return [f"{name} {old[name]} -> {new[name]}" for name in new if name in old and old[name] != new[name]]


def _changes(old: CustomApi, new: CustomApi) -> list[str]:
    changes = _changed(_api_columns(old), _api_columns(new))
    for kind, old_fields, new_fields in (("request parameter", old.request_parameters, new.request_parameters),
                                         ("response property", old.response_properties, new.response_properties)):
        before = {f.unique_name.lower(): f for f in old_fields}
        for f in new_fields:
            previous = before.get(f.unique_name.lower())
            if previous is not None:
                changed = _changed(_field_columns(previous), _field_columns(f))
                changes += [f"{kind} {f.unique_name}: {c}" for c in changed]
    return changes


@rule(id="DV508", name="custom-api-fixed-column-changed", severity=Severity.ERROR,
      title="Custom API column that cannot change after it is saved changed between versions",
      fix="Keep the released values; for a new shape, create a Custom API (or parameter) under a new unique name, "
          "move the callers, then delete the old one.",
      tags={"lifecycle", "custom-api", "upgrade"})
def check(ctx: RuleContext):
    """## What it does
    In `dvsa diff`, compares each Custom API in NEW with the one of the same unique name in OLD
    and reports a change to a column that Learn marks as not changeable after the record is
    saved: Binding Type, Bound Entity Logical Name, Is Function, Allowed Custom Processing Step
    Type and Enabled for Workflow on the Custom API; Type, Logical Entity Name and Is Optional
    on a request parameter; Type and Logical Entity Name on a response property (matched by
    unique name).

    ## Why is this bad?
    Importing the new version updates the existing records in place, and the platform refuses
    updates to those columns: the upgrade fails on the Custom API. The only way to change them
    is to delete the Custom API (or parameter) and create it again, which the solution upgrade
    does not do while the old one is still there.

    ## Example
    OLD: Custom API `contoso_GetQuota` with Is Function: No. NEW: the same unique name with
    Is Function: Yes.

    ## How to fix
    Leave the released Custom API as it is and add a new one (`contoso_GetQuotaV2`) with the new
    shape; move callers to it and remove the old one in a later release. In a development
    environment you can delete and re-create the record instead.

    ## Severity
    An error: the platform refuses to update the columns Learn marks "cannot be changed after it
    is saved" (Learn, "Custom API tables"), so the upgrade fails on the Custom API.

    ## Known limitations
    Parameters and properties are matched by unique name; one that was removed and added back
    with another type under the same name is reported. DV504 reports what the change breaks for
    callers.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#custom-api-table-columns
      (the columns marked "Cannot be changed after it is saved")
    - https://learn.microsoft.com/power-apps/developer/data-platform/customapirequestparameter-table-columns
    - https://learn.microsoft.com/power-apps/developer/data-platform/customapiresponseproperty-table-columns
    """
    for old_solution, new_solution in solution_pairs(ctx):
        before = {c.unique_name.lower(): c for c in old_solution.components if isinstance(c, CustomApi)}
        for api in new_solution.components:
            if not isinstance(api, CustomApi) or api.unique_name.lower() not in before:
                continue
            changes = _changes(before[api.unique_name.lower()], api)
            if changes:
                yield ctx.finding(api, f"{api.display} changes columns that cannot change once saved, so the upgrade "
                                       f"is refused: {'; '.join(changes)}")
