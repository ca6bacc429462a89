from analyzer import sdk_messages
from analyzer.model import Step, StepImage
from analyzer.platform import ImageType, Stage
from analyzer.rule import RuleContext, Severity, rule

# Messages that carry entity images in practice although Learn's list (sdk_messages.IMAGE_MESSAGES) does not
# name them. SetStateDynamicEntity is SetState's counterpart (same EntityMoniker property; state-change steps
# are usually registered on both); CreateMultiple and UpdateMultiple pass one image per record (IPluginExecutionContext4
# Pre/PostEntityImagesCollection, "Write plug-ins for CreateMultiple and UpdateMultiple"). Never reported as
# "message without images".
_ALSO_WITH_IMAGES = frozenset({"SetStateDynamicEntity", "CreateMultiple", "UpdateMultiple"})


def _supports_images(message: str) -> bool:
    return message in sdk_messages.IMAGE_MESSAGES or message in _ALSO_WITH_IMAGES


def _kind(image: StepImage) -> str:
    return {ImageType.PRE: "pre image", ImageType.POST: "post image",
            ImageType.BOTH: "pre and post image"}.get(image.image_type, "image")


@rule(id="DV202", name="invalid-step-image", severity=Severity.ERROR,
      title="Step image that the step's message or stage cannot provide",
      fix="Remove the image, change its type, or move the step to the stage and message that provide it.",
      tags={"step", "image", "import"})
def check(ctx: RuleContext):
    """## What it does
    Finds entity images (`SdkMessageProcessingStepImage`) that cannot exist for their step:
    - a pre image on a `Create` step (the row does not exist before it is created);
    - a post image on a `Delete` step (the row no longer exists afterwards);
    - a post image on a step in PreValidation (10) or PreOperation (20): the row's final values
      are only known once the operation has been carried out, so post images exist only in
      PostOperation (40);
    - any image on a message that has no entity images at all, such as `Retrieve`, `Execute` or
      the message of a custom process action.

    "Pre and post image" (`ImageType` 2) counts as both. The finding is on the image; the step
    and its message are related.

    ## Why is this bad?
    Dataverse refuses to register such an image ("Message Create does not support this image
    type"), so the solution import fails on it. If it is accepted anyway the plug-in finds no
    image under its alias at run time and typically fails with a `KeyNotFoundException` or a
    null reference.

    ## Example
    Step "Contoso.Plugins.AccountDefaults: Create of account" (PreOperation, sync) has an image
    with `<ImageType>0</ImageType>` (pre image) named "PreImage".

    ## How to fix
    For Create, use the `Target` of the request instead of a pre image (or a post image in
    PostOperation). For Delete, use a pre image. For a post image, register the step in
    PostOperation. Remove images from steps on messages that have none.

    ## Severity
    An error: the platform refuses to register an image its message or stage cannot provide
    (Learn, "Register a plug-in", define entity images), so the import fails on it.

    ## Known limitations
    The message is judged only when the step's `<SdkMessageId>` settles it: a built-in message
    id (for example Create, Update, Delete, Retrieve, Execute, SetState) or the message id of a
    custom process action among the analyzed solutions. A message name taken from the step-name
    convention ("Contoso.Plugins.X: Create of account") is never trusted here: a step whose id is
    not the Create id but whose name says Create was renamed or copied, and the name proves
    nothing; steps on Custom API messages (whose ids are not in the export) are therefore not
    judged on their message, only on their stage. Learn lists Assign, Create, Delete,
    DeliverIncoming, DeliverPromote, Merge, Route, Send, SetState and Update as the messages with
    images; SetStateDynamicEntity, CreateMultiple and UpdateMultiple are also accepted, because
    real registrations use images on them. `MessagePropertyName` is not checked.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/register-plug-in#define-entity-images
      ("Messages that support entity images" and "Availability of images": no pre image for
      Create, no post image for Delete, post images only in PostOperation)
    - https://learn.microsoft.com/power-apps/developer/data-platform/write-plugin-multiple-operation#entity-images
    - https://github.com/Biznamics/PluginRegistration/issues/66 (the platform's error for a Create pre image)
    """
    for image in ctx.components(StepImage):
        step = ctx.graph.component(image.step_key)
        image_type = ImageType.parse(image.image_type)
        if not isinstance(step, Step) or image_type is None or not image_type.known:
            continue
        message, message_key = ctx.graph.settled_message(step), ctx.graph.message_of(step.key)
        has_pre, has_post = image_type.has_pre, image_type.has_post
        problems = []
        if message is not None and not _supports_images(message):
            problems.append(f"{message} has no entity images")
        else:
            if message == "Create" and has_pre:
                problems.append("a row has no pre image before it is created")
            if message == "Delete" and has_post:
                problems.append("a deleted row has no post image")
        if has_post and step.stage is not None and step.stage < Stage.POST_OPERATION:
            problems.append(f"post images exist only in PostOperation (stage 40), and the step runs in "
                            f"{step.stage_name} (stage {step.stage})")
        if not problems:
            continue
        on = f" on {message}" if message else ""
        table = f" of {step.primary_entity}" if step.primary_entity else ""
        yield ctx.finding(
            image,
            f"{_kind(image)} '{image.alias or image.name}' of {step.display}{on}{table} cannot be provided: "
            + "; ".join(problems),
            related=[k for k in (step.key, message_key) if k])
