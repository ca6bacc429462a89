from analyzer import sdk_messages
from analyzer.model import Step, StepImage
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV212", name="invalid-image-message-property", severity=Severity.ERROR,
      title="Step image on a request property its message does not have",
      fix="Set the image's message property to the one its message carries the record in (Target for Update, "
          "EntityMoniker for SetState, EmailId for Send…).",
      tags={"step", "image", "import"})
def check(ctx: RuleContext):
    """## What it does
    Finds entity images whose `MessagePropertyName` is not a request property that carries the
    record for the step's message: for example `Id` on an Update step, or `Target` on a SetState
    step (SetState passes the record as `EntityMoniker`).

    ## Why is this bad?
    The platform builds an image from the record the named request property identifies. Learn
    lists, per message that supports images, the property names it accepts; an image on another
    name is refused when the step is registered (so importing the solution that carries it fails),
    and a plug-in that finds no image under its alias fails at run time.

    ## Example
    Image "PreImage" of step "Contoso.Plugins.CaseStatus: SetState of incident" (PreOperation,
    sync) with `<MessagePropertyName>Target</MessagePropertyName>`.

    ## How to fix
    Use the property Learn names for the message: Assign, Create, Delete, Route, Update: `Target`
    (Create also `Id`, which the Plug-in Registration Tool writes for a post image); Merge:
    `Target` or `SubordinateId`; SetState: `EntityMoniker`; DeliverIncoming, DeliverPromote:
    `EmailId`; Send: `EmailId`, `FaxId` or `TemplateId`.

    ## Severity
    An error: the platform refuses to register an image on a property its message does not carry
    (Learn, "Register a plug-in", messages that support entity images), so the import fails on it.

    ## Known limitations
    Judged only when the step's `<SdkMessageId>` settles its message and that message is one of
    the messages Learn documents with images (see DV202 for images on other messages). Names are
    compared without regard to case.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#define-entity-images
      ("Messages that support entity images", with the message property name of each)
    """
    for image in ctx.components(StepImage):
        step = ctx.graph.component(image.step_key)
        if not isinstance(step, Step) or not image.message_property:
            continue
        message = ctx.graph.settled_message(step)
        allowed = sdk_messages.IMAGE_MESSAGE_PROPERTIES.get(message or "")
        if not allowed or image.message_property.lower() in {a.lower() for a in allowed}:
            continue
        yield ctx.finding(
            image,
            f"image '{image.alias or image.name}' of {step.display} on {message} reads the record from request "
            f"property '{image.message_property}', which {message} does not have: it carries the record in "
            f"{' or '.join(sorted(allowed))}",
            related=[k for k in (step.key, ctx.graph.message_of(step.key)) if k])
