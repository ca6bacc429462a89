"""Platform choice values: tolerant of values newer exports may carry, labelled as findings word them, and the
only place rules take their numbers from."""

import ast
from pathlib import Path

import pytest

from analyzer.model import Solution, Step, StepImage, Workflow
from analyzer.platform import (
    BindingType,
    ComponentType,
    ImageType,
    Managed,
    Mode,
    ParameterType,
    ProcessCategory,
    Stage,
    StepTypeAllowed,
    component_type_label,
)

RULES = Path(__file__).resolve().parent.parent / "rules"


# --- unknown values -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("enum, value, label", [
    (Stage, 35, "stage 35"),  # an internal stage the Learn table lists but this table leaves out
    (Mode, 2, "mode 2"),
    (ParameterType, 13, "type 13"),
    (ComponentType, 9999, "component type 9999"),
    (ProcessCategory, 7, "process"),  # 7 "AI Flow" is deliberately unmapped
])
def test_an_unknown_value_is_a_labelled_pseudo_member_not_an_error(enum, value, label):
    member = enum(value)
    assert isinstance(member, enum) and member == value and member.label == label
    assert not member.known
    assert enum.parse(value) is member  # the same object each time, like a real member
    assert value not in [int(m) for m in enum]  # iteration lists only documented values


def test_parse_reads_codes_written_as_text_and_leaves_names_and_blanks_alone():
    assert ComponentType.parse("29") is ComponentType.WORKFLOW
    assert ComponentType.parse(" 92 ") is ComponentType.SDK_MESSAGE_PROCESSING_STEP
    assert ComponentType.parse("CustomAPI") is None
    assert Stage.parse(None) is None and Stage.parse("") is None


def test_an_unknown_category_keeps_the_unknown_key_the_inventory_counts():
    assert ProcessCategory(7).key == "unknown"
    assert ProcessCategory.BUSINESS_RULE.key == "business_rule" and ProcessCategory.BPF.key == "bpf"


def test_a_value_that_is_no_number_is_still_refused():
    with pytest.raises(ValueError):
        Stage("forty")


# --- labels as findings show them ------------------------------------------------------------------------------

def test_labels_used_in_messages():
    assert Stage.POST_OPERATION.label == "PostOperation"
    assert Stage.POST_OPERATION_DEPRECATED.label == "PostOperation (deprecated)"
    assert Mode.SYNC.label == "sync" and Mode.ASYNC.label == "async"
    assert StepTypeAllowed.ASYNC_ONLY.label == "Async Only"
    assert BindingType.ENTITY_COLLECTION.label == "EntityCollection"
    assert ProcessCategory.BPF.label == "business process flow"


def test_component_type_labels_for_codes_and_names():
    assert component_type_label("90") == "Plugin Type"
    assert component_type_label("CustomAPI") == "Custom API"  # pac writes some node types as names
    assert component_type_label("Widget") == "component type Widget"


def test_model_labels_come_from_the_enums():
    step = Step(ident="s", name="Post Check Status", solution="x", stage=40, mode=0)
    assert step.display == "step 'Post Check Status' (PostOperation, sync)"
    newer = Step(ident="s", name="Odd", solution="x", stage=35, mode=2)
    assert newer.display == "step 'Odd' (stage 35, mode 2)"
    assert StepImage(ident="i", name="img", solution="x", image_type=2).image_type_name == "both"
    assert StepImage(ident="i", name="img", solution="x", image_type=7).image_type_name == "unknown"
    rule = Workflow(ident="w", name="Lock Fields", solution="x", category=2)
    assert rule.display == "business rule 'Lock Fields'"
    flow = Workflow(ident="f", name="Notify", solution="x", category=5)
    assert flow.is_flow and not rule.is_flow
    both = Solution(unique_name="s", version="1.0", managed=Managed.BOTH, publisher="p", prefix="c", path=".",
                    layout="unpacked")
    assert both.managed_name == "both"


def test_image_types_know_which_images_they_carry():
    assert ImageType.BOTH.has_pre and ImageType.BOTH.has_post
    assert ImageType.PRE.has_pre and not ImageType.PRE.has_post
    assert not ImageType.POST.has_pre


# --- no re-coded numbers in rules --------------------------------------------------------------------------------

_PLATFORM_FIELDS = {"stage", "mode", "category", "binding_type", "allowed_step_type", "image_type", "state_code"}


def _int_literals(node: ast.AST) -> list[int]:
    """Int literals a comparison operand holds: ``40``, ``(10, 20)``, ``{5, 6}``."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [v for e in node.elts for v in _int_literals(e)]
    return []


def _bare_platform_numbers(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        if not any(isinstance(o, ast.Attribute) and o.attr in _PLATFORM_FIELDS for o in operands):
            continue
        if any(_int_literals(o) for o in operands):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_the_check_finds_a_bare_number():
    assert _bare_platform_numbers("if step.stage == 40 or c.category in (5, 6): pass") == [
        "line 1: step.stage == 40", "line 1: c.category in (5, 6)"]
    assert _bare_platform_numbers("if step.stage == Stage.POST_OPERATION and step.rank == 1: pass") == []


@pytest.mark.parametrize("path", sorted(RULES.glob("*.py")), ids=lambda p: p.name)
def test_no_rule_compares_a_platform_field_with_a_bare_number(path):
    assert _bare_platform_numbers(path.read_text(encoding="utf-8")) == []
