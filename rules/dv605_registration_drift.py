from analyzer.graph import HANDLER
from analyzer.model import PluginType, Registration, Step
from analyzer.platform import ImageType, Stage
from analyzer.rule import RuleContext, Severity, rule

MODES = {0: "sync", 1: "async"}


@rule(id="DV605", name="registration-drift", severity=Severity.NOTE,
      title="A [CrmPluginRegistration] attribute in code disagrees with the step the solution exports",
      fix="Make the attribute and the exported step agree: change the attribute (the code is what spkl deploys) "
          "or re-register from code and export the solution again.",
      tags={"code", "step", "registration"})
def check(ctx: RuleContext):
    """## What it does
    Compares each spkl `[CrmPluginRegistration(...)]` attribute on a plug-in class (from the C#
    given with `--sources`) with the steps the solution exports for the same plug-in type. An
    attribute is paired with a step the way `spkl plugins` pairs them when it deploys: by the
    attribute's `Id` if a step of the type has that id, otherwise by step name and message. Then:

    - a paired step whose stage, mode, table, filtering attributes, rank or images differ (and its
      message or name, when paired by id) is reported at the attribute: deploying from code changes
      the step to what the attribute says;
    - an attribute no exported step pairs with is reported: deploying from code registers a step
      the solution does not ship;
    - an exported step of a class that has attributes, none of which pairs with it, is reported at
      the step: spkl deletes the steps of a registered type that no attribute matches.

    ## Why is this bad?
    Teams that keep registrations in code (spkl) deploy the assembly and its steps from the
    attributes, then export the solution. When someone changes a step in the Plug-in Registration
    Tool or the maker portal, or edits an attribute without redeploying, the code and the solution
    disagree, and the next deployment from code silently reverts the step (an async step becomes
    sync, filtering attributes vanish so the step runs on every update) or the next import ships a
    step that the code no longer describes.

    ## Example
    `[CrmPluginRegistration("Update", "fdbzap_ar_action", StageEnum.PostOperation,
    ExecutionModeEnum.Asynchronous, "", "Post Update Approval Action", 1, …)]`, while the exported step
    'Post Update Approval Action' is synchronous and filtered on `statuscode` (#1 in the corpus).

    ## How to fix
    Decide which side is right. If the solution is, write its values into the attribute (mode,
    filtering attributes, images). If the code is, deploy from code and export the solution again.
    Remove an attribute whose step was deliberately dropped.

    ## Known limitations
    A different `Id` alone is not reported. Read from spkl's `PluginRegistraton.RegisterStep`:
    spkl looks the step up by the attribute's `Id` and, failing that, by step name and message name,
    and updates the step it finds, so an attribute whose `Id` came from another environment (every
    `Id` in #1 differs from the exported step ids, while the names match) updates the exported
    step and adds no second one. Only when neither the id nor the name pairs does spkl create a new
    step (with the attribute's `Id`) and delete the unmatched one: those are the second and third
    cases above. A class without any attribute is left alone by spkl (its steps are registered by
    hand), so its steps are not reported. Values not written as literals are not compared, and an
    attribute whose message or step name is a constant is paired only by its `Id` (else nothing
    is said about it or its class's other steps). A
    type that no analyzed solution contains is not compared.

    ## References
    - https://github.com/scottdurow/SparkleXrm/wiki/spkl (spkl: plug-in registration in code)
    - spkl source: `spkl/SparkleXrm.Tasks/PluginRegistraton.cs` (`RegisterStep`: by `Id`, then by
      `Name` and message; remaining existing steps of the type are deleted)
    """
    for plugin_type in ctx.components(PluginType):
        registrations = [r for r in ctx.graph.plugin_registrations(plugin_type.key) if not r.workflow_activity]
        if not registrations:
            continue
        steps = sorted((s for k in ctx.graph.type_dependents(plugin_type.key, [HANDLER])
                        if isinstance(s := ctx.graph.component(k), Step)), key=lambda s: s.key)
        paired: set[str] = set()
        unpaired_unknown = False
        for reg in registrations:
            step, by_id = _pair(ctx, reg, steps)
            if step is None and (reg.message is None or reg.name is None):
                unpaired_unknown = True  # a name written as a constant: which step it means is not known
                continue
            if step is None:
                yield ctx.finding(
                    plugin_type,
                    f"[CrmPluginRegistration] on class {reg.type_name} registers step {_registration_label(reg)}, "
                    f"which the solution does not ship for {plugin_type.display}: deploying from code adds it",
                    location=reg.source)
                continue
            paired.add(step.key)
            differences = _differences(ctx, reg, step, by_id)
            if differences:
                yield ctx.finding(
                    step,
                    f"[CrmPluginRegistration] on class {reg.type_name} disagrees with the exported step "
                    f"'{step.name}' on {ctx.graph.event_label(step)}: {'; '.join(differences)}; deploying from "
                    f"code changes the step to the attribute's values",
                    related=[plugin_type.key], location=reg.source)
        first = registrations[0]
        for step in steps if not unpaired_unknown else []:  # the unknown attribute may be any of them
            if step.key not in paired:
                yield ctx.finding(
                    step,
                    f"the exported step '{step.name}' on {ctx.graph.event_label(step)} has no [CrmPluginRegistration] "
                    f"on class {first.type_name} ({first.source}), which registers other steps: deploying from "
                    f"code with spkl deletes it",
                    related=[plugin_type.key])


def _pair(ctx: RuleContext, reg: Registration, steps: list[Step]) -> tuple[Step | None, bool]:
    """spkl's lookup: the step with the attribute's Id, else the one with its name on its message."""
    if reg.id:
        for step in steps:
            if step.ident == reg.id:
                return step, True
    for step in steps:
        if reg.name is not None and step.name == reg.name and _same_message(ctx, reg, step):
            return step, False
    return None, False


def _same_message(ctx: RuleContext, reg: Registration, step: Step) -> bool:
    name = ctx.graph.message_ref(step.key).name
    return reg.message is not None and name is not None and name.lower() == reg.message.lower()


def _table(name: str | None) -> str | None:
    return None if not name or name.lower() == "none" else name.lower()


def _differences(ctx: RuleContext, reg: Registration, step: Step, by_id: bool) -> list[str]:
    found = []
    if by_id and reg.name is not None and reg.name != step.name:
        found.append(f"step name '{reg.name}' (exported '{step.name}')")
    if by_id and reg.message is not None and not _same_message(ctx, reg, step):
        found.append(f"message {reg.message} (exported {ctx.graph.message_label(step)})")
    if reg.entity_logical_name is not None and _table(reg.entity_logical_name) != _table(step.primary_entity):
        found.append(f"table {_table(reg.entity_logical_name) or 'none'} (exported {step.primary_entity or 'none'})")
    if reg.stage is not None and reg.stage != step.stage:
        found.append(f"stage {Stage(reg.stage).label} (exported {step.stage_name})")
    if reg.execution_mode is not None and reg.execution_mode != step.mode:
        found.append(f"mode {MODES[reg.execution_mode]} (exported {MODES.get(step.mode, step.mode)})")
    if reg.execution_order is not None and step.rank is not None and reg.execution_order != step.rank:
        found.append(f"rank {reg.execution_order} (exported {step.rank})")
    exported = tuple(sorted({a.lower() for a in step.filtering_attributes}))
    if reg.filtering_attributes != exported:
        found.append(f"filtering attributes {_columns(reg.filtering_attributes, 'none: every change')} "
                     f"(exported {_columns(exported, 'none')})")
    ours = {_image(i.name, i.image_type, i.attributes) for i in reg.images}
    theirs = {_image(i.alias or i.name, i.image_type, i.attributes) for i in step.images}
    if ours != theirs:
        found.append(f"images {_images(ours)} (exported {_images(theirs)})")
    return found


def _image(alias: str, image_type: int | None, attributes) -> tuple[str, int | None, tuple[str, ...]]:
    return alias.lower(), image_type, tuple(sorted({a.lower() for a in attributes}))


def _images(images: set) -> str:
    if not images:
        return "none"
    return ", ".join(f"{ImageType(kind).label + ' ' if kind is not None else ''}image '{alias}' "
                     f"({_columns(columns, 'all columns')})" for alias, kind, columns in sorted(images, key=str))


def _columns(columns: tuple[str, ...], empty: str) -> str:
    return ", ".join(columns) if columns else empty


def _registration_label(reg: Registration) -> str:
    on = reg.message or "an unnamed message"
    if _table(reg.entity_logical_name):
        on += f" of {_table(reg.entity_logical_name)}"
    parts = [on]
    if reg.stage is not None:
        parts.append(Stage(reg.stage).label)
    if reg.execution_mode is not None:
        parts.append(MODES[reg.execution_mode])
    return f"'{reg.name}' ({', '.join(parts)})" if reg.name else f"({', '.join(parts)})"
