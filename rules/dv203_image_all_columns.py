from analyzer.model import Step, StepImage
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV203", name="image-all-columns", severity=Severity.WARNING,
      title="Step image without an attribute list captures every column",
      fix="List in the image's Attributes only the columns the plug-in reads.",
      tags={"step", "image", "performance"})
def check(ctx: RuleContext):
    """## What it does
    Finds entity images (pre, post or both) whose `<Attributes>` element is empty or missing.

    ## Why is this bad?
    An image without an attribute list holds every column of the row. That is the default when
    an image is registered, and Microsoft says not to keep it because it hurts performance:
    the platform has to read and serialize the whole row for every execution of the step, and
    the plug-in's execution context grows with it, although plug-ins usually read a handful of
    columns.

    ## Example
    Image "PreImage" of step "Contoso.Plugins.AccountAudit: Update of account" with
    `<Attributes></Attributes>`.

    ## How to fix
    In the Plug-in Registration Tool, open the image and select only the columns the plug-in
    reads from it (for example `name,statuscode`).

    ## Known limitations
    The rule does not know which columns the plug-in code reads, so it cannot say which ones to
    keep. An image that really needs every column (for example a full audit copy) is reported
    too; suppress it in the baseline.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#define-entity-images
      ("The default behavior when creating an entity image is to select all columns. Don't use this
      default behavior. This will negatively impact performance.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/tutorial-update-plug-in#add-an-image
      ("The default behavior when creating an entity image is to select all columns. However,
      this can result in reduced web service performance. Developers should only include those
      columns that are required.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/sdkmessageprocessingstepimage
    """
    for image in ctx.components(StepImage):
        if image.attributes:
            continue
        step = ctx.graph.component(image.step_key)
        kind = {0: "pre image", 1: "post image", 2: "pre and post image"}.get(image.image_type, "image")
        owner = step.display if isinstance(step, Step) else f"step {image.step_key}"
        row = f"the {step.primary_entity} row" if isinstance(step, Step) and step.primary_entity else "the row"
        yield ctx.finding(
            image,
            f"{kind} '{image.alias or image.name}' of {owner} lists no attributes, so it holds every column of {row}",
            related=[image.step_key])
