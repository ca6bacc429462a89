from analyzer.model import Entity, Solution, Step, StepImage
from analyzer.rule import RuleContext, Severity, rule

TABLE = "1"  # root component type of a table (Entity)


def _complete_tables(solutions: list[Solution]) -> dict[str, Entity]:
    """Tables an analyzed solution ships with all their columns: a table root component with behavior 0
    ("include all subcomponents"), whose export lists every column the table has."""
    found: dict[str, Entity] = {}
    for solution in solutions:
        whole = {(r.schema_name or r.id or "").lower() for r in solution.root_components
                 if r.type == TABLE and r.behavior in (0, None)}
        for table in solution.of_kind(Entity.KIND):
            assert isinstance(table, Entity)
            if table.attributes and {table.logical_name, (table.schema_name or "").lower()} & whole:
                found.setdefault(table.logical_name, table)
    return found


def _unknown(columns: tuple[str, ...], table: Entity) -> list[str]:
    """Columns with a publisher prefix that the table does not have (system columns, without `_`, always exist)."""
    have = set(table.attributes)
    return [c for c in columns if "_" in c and c.lower() not in have]


@rule(id="DV215", name="unknown-column", severity=Severity.WARNING,
      title="Filtering attribute or image column that its table does not have",
      fix="Correct the column's logical name in the step's filtering attributes or the image's attributes, or add "
          "the column to the table.",
      tags={"step", "image", "column"})
def check(ctx: RuleContext):
    """## What it does
    Finds a step's filtering attributes and an image's attributes that name a column its table
    does not have, when an analyzed solution ships that table with all its columns (a table root
    component with behavior 0): a typo such as `contoso_stauts`, or a column deleted since the
    step was registered.

    ## Why is this bad?
    A step filtered on a column that does not exist never runs for it: an Update that changes
    the column the author meant does not trigger the plug-in. An image column that does not exist
    is simply missing from the image, and the plug-in that reads it gets nothing.

    ## Example
    Step "Post Update Approval Request" (PostOperation, sync) on Update of
    contoso_approvalrequest with `<FilteringAttributes>contoso_stauts</FilteringAttributes>`,
    while the table defines `contoso_status`.

    ## How to fix
    Correct the name in the Plug-in Registration Tool (or the step's XML) and export again.

    ## Known limitations
    Only columns with a publisher prefix are judged, and only on tables shipped with all their
    columns: a table a solution includes partly (behavior 1 or 2) or not at all may have the
    column from another solution. A system column such as `statecode` always exists.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#general-configuration-information-fields
      (filtering attributes: the step runs only when one of these columns is in the update)
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#define-entity-images
    """
    tables = _complete_tables(ctx.solutions)
    for step in ctx.components(Step):
        table = tables.get((step.primary_entity or "").lower())
        if table is None:
            continue
        missing = _unknown(step.filtering_attributes, table)
        if missing:
            yield ctx.finding(step, f"{step.display} filters on {_names(missing)}, which table {table.logical_name} "
                                    "does not have: the step never runs for it", related=[table.key])
        for image in step.images:
            missing = _unknown(image.attributes, table)
            if missing:
                yield ctx.finding(image, f"{_image(image)} of {step.display} holds {_names(missing)}, which table "
                                         f"{table.logical_name} does not have", related=[table.key, step.key])


def _names(columns: list[str]) -> str:
    return ("column " if len(columns) == 1 else "columns ") + ", ".join(columns)


def _image(image: StepImage) -> str:
    return f"image '{image.alias or image.name}'"
