"""What a release changed: a component-level diff of two versions of a solution (``dvsa diff OLD NEW``).

Components are matched by key (``<kind>:<id or unique name>``), never by file name, so a renamed
file is a change of name, not a removal and an addition. Each kind has one table below saying
which fields are compared and what they are called; everything else — where a component is
written, line numbers, file paths, the order of lists that have no order — is not a change.
Pure: model and graphs in, plain data out (values are strings, numbers, booleans, None or
sorted tuples of strings, so every renderer can print them as they are).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.contracts import Contract, Parameter, contract_of
from analyzer.graph import DependencyGraph
from analyzer.model import (
    DEFAULT_SITE_MAP,
    Component,
    ConnectionReference,
    CustomApi,
    CustomApiRequestParameter,
    CustomApiResponseProperty,
    DataProvider,
    Entity,
    EnvironmentVariable,
    OptionSet,
    OtherComponent,
    PluginAssembly,
    PluginPackage,
    PluginType,
    SecurityRole,
    Solution,
    Step,
    StepImage,
    WebResource,
    Workflow,
    digest_changes,
)
from analyzer.platform import ImageType, Managed, Mode, ProcessMode, Stage, StepTypeAllowed, component_type_label
from analyzer.result import AnalysisResult


class Digest(str):
    """A field whose value is a content digest (a flow's definition, a web resource's content, a form): what
    it says is that the content changed, not how; reports say "changed", JSON keeps the digests."""

    __slots__ = ()


Value = str | int | bool | None | tuple[str, ...]
Getter = Callable[[Component, DependencyGraph], Value]


# --- how each field is read -------------------------------------------------------------------------------------

def _label(choice, value: int | None) -> str | None:
    return choice(value).label if value is not None else None


def _names(values) -> tuple[str, ...]:
    """A list with no order (filtering attributes, image columns, privileges…): sorted, case and blanks folded."""
    return tuple(sorted({v.strip().lower() for v in values if v and v.strip()}))


def _workflow_state(wf: Workflow) -> str:
    # Flows are "on"/"off" in the maker portal; every other process is draft or active.
    if wf.is_flow:
        return "on" if wf.state == "active" else "off"
    return wf.state


def _step_message(step: Step, graph: DependencyGraph) -> str | None:
    # Each side's own graph names the message, so an id both sides share reads the same, and a step moved from
    # one message to another reads as the two names people know.
    ref = graph.message_ref(step.key)
    return ref.name or ref.label


def _plugin_type(type_id: str | None, type_name: str | None, graph: DependencyGraph) -> str | None:
    """The plug-in type by its class name: from the analyzed type when the id resolves, else as the XML wrote it."""
    known = graph.component(f"plugin_type:{type_id}") if type_id else None
    if isinstance(known, PluginType):
        return known.type_name
    return type_name.split(",")[0].strip() if type_name else type_id


def _image_fields(step: Step) -> dict[str, Value]:
    """One field per image, named by its alias: its type and columns (all columns when the list is empty)."""
    fields: dict[str, Value] = {}
    for image in step.images:
        columns = ", ".join(_names(image.attributes)) or "all columns"
        fields[f"image '{image.alias or image.name}'"] = f"{_label(ImageType, image.image_type)} image ({columns})"
    return fields


def _parameter(p: Parameter, required_matters: bool) -> str:
    return p.type + ((", required" if p.required else ", optional") if required_matters else "")


_UNKNOWN_PARAMETERS = "parameters unknown"
_PARAMETER_FIELD = ("input '", "output '")


def _contract_fields(contract: Contract | None) -> dict[str, Value]:
    """A custom message's binding, function-ness and parameters: one field per parameter, so a parameter added,
    removed, retyped or made required reads as exactly that."""
    if contract is None:
        return {}
    fields: dict[str, Value] = {"binding": contract.binding, "function": contract.is_function}
    if not contract.parameters_known:  # an action without its XAML body: its arguments are not known, not none
        return {**fields, _UNKNOWN_PARAMETERS: True}
    fields.update({f"input '{p.name}'": _parameter(p, True) for p in contract.inputs})
    fields.update({f"output '{p.name}'": _parameter(p, False) for p in contract.outputs})
    return fields


# --- which fields each kind compares, and what they are called --------------------------------------------------

_NAME: tuple[tuple[str, Getter], ...] = (("name", lambda c, g: c.name),)

FIELDS: dict[type, tuple[tuple[str, Getter], ...]] = {
    Workflow: _NAME + (
        ("type", lambda c, g: c.category_name.replace("_", " ")),
        ("state", lambda c, g: _workflow_state(c)),
        ("mode", lambda c, g: _label(ProcessMode, c.mode)),
        ("message", lambda c, g: c.message_name),
        ("table", lambda c, g: c.primary_entity),
        ("scope", lambda c, g: c.scope),
        ("on demand", lambda c, g: c.on_demand),
        ("child process", lambda c, g: c.subprocess),
        ("trigger on create", lambda c, g: c.trigger_on_create),
        ("trigger on delete", lambda c, g: c.trigger_on_delete),
        ("trigger on update of", lambda c, g: _names(c.trigger_on_update_attributes)),
        ("create stage", lambda c, g: _label(Stage, c.create_stage)),
        ("update stage", lambda c, g: _label(Stage, c.update_stage)),
        ("delete stage", lambda c, g: _label(Stage, c.delete_stage)),
        ("run as", lambda c, g: c.run_as),
        ("rollback enabled", lambda c, g: c.is_transacted),
        ("custom workflow activities", lambda c, g: _names(c.custom_activities)),
        ("messages called", lambda c, g: _names(m.message_name or m.message_id for m in c.invoked_messages)),
        ("child processes", lambda c, g: _names(c.child_workflows)),
        ("Dataverse actions called", lambda c, g: _names(call.action_name for call in c.flow_calls)),
        ("triggers", lambda c, g: _names(t.message or t.operation or t.kind for t in c.flow_triggers)),
        ("connection references", lambda c, g: _names(c.connection_references)),
    ),
    Step: _NAME + (
        ("message", lambda c, g: _step_message(c, g)),
        ("table", lambda c, g: c.primary_entity),
        ("secondary table", lambda c, g: c.secondary_entity),
        ("stage", lambda c, g: _label(Stage, c.stage)),
        ("mode", lambda c, g: _label(Mode, c.mode)),
        ("rank", lambda c, g: c.rank),
        ("filtering attributes", lambda c, g: _names(c.filtering_attributes)),
        ("plug-in type", lambda c, g: _plugin_type(c.plugin_type_id, c.plugin_type_name, g)),
        ("state", lambda c, g: "enabled" if c.enabled else "disabled"),
        ("delete async job on success", lambda c, g: c.async_auto_delete),
        ("run in user's context", lambda c, g: "specific user" if c.impersonating_user_id else "calling user"),
        ("unsecure configuration", lambda c, g: c.configuration),
    ),
    CustomApi: _NAME + (
        ("display name", lambda c, g: c.display_name),
        ("private", lambda c, g: c.is_private),
        ("enabled for workflow", lambda c, g: c.enabled_for_workflow),
        ("allowed custom processing step type", lambda c, g: _label(StepTypeAllowed, c.allowed_step_type)),
        ("execute privilege", lambda c, g: c.execute_privilege),
        ("plug-in type", lambda c, g: _plugin_type(c.plugin_type_id, None, g)),
    ),
    PluginAssembly: _NAME + (
        ("version", lambda c, g: c.version),
        ("public key token", lambda c, g: c.public_key_token),
        ("isolation mode", lambda c, g: {1: "none", 2: "sandbox"}.get(c.isolation_mode, c.isolation_mode)),
        ("source type", lambda c, g: c.source_type),
    ),
    PluginType: _NAME + (
        ("type name", lambda c, g: c.type_name),
        ("friendly name", lambda c, g: c.friendly_name),
        ("assembly", lambda c, g: c.assembly_name),
        ("workflow activity group", lambda c, g: c.workflow_activity_group),
    ),
    PluginPackage: _NAME + (("version", lambda c, g: c.version),),
    Entity: _NAME + (
        ("display name", lambda c, g: c.display_name),
        ("columns", lambda c, g: _names(c.attributes)),
        ("forms", lambda c, g: _names(name for _id, name in c.forms)),
        ("views", lambda c, g: _names(name for _id, name in c.views)),
    ),
    SecurityRole: _NAME + (("privileges", lambda c, g: _names(c.privileges)),),
    ConnectionReference: _NAME + (("connector", lambda c, g: c.connector_id),),
    EnvironmentVariable: _NAME + (
        ("type", lambda c, g: c.type),
        ("required", lambda c, g: c.is_required),
        ("default value", lambda c, g: c.default_value),
        ("current value", lambda c, g: c.value),
    ),
    WebResource: _NAME + (
        ("display name", lambda c, g: c.display_name),
        ("type", lambda c, g: c.type),
    ),
    OptionSet: _NAME + (("display name", lambda c, g: c.display_name),),
    OtherComponent: _NAME + (("behavior", lambda c, g: c.behavior),),
    DataProvider: _NAME + (
        ("data source", lambda c, g: c.data_source),
        ("plug-in types", lambda c, g: _names(f"{op} {_plugin_type(i, n, g)}" for op, i, n in c.plugin_types)),
    ),
}

# Fields that come in a varying number (one per image, one per parameter), after the table's.
_MORE: dict[type, Callable[[Component], dict[str, Value]]] = {
    Step: _image_fields,
    CustomApi: lambda c: _contract_fields(contract_of(c)),
    Workflow: lambda c: _contract_fields(contract_of(c)),
}

# Parts shown on their parent, not on their own: an image is a change of its step, a parameter of its Custom API.
_PART_OF: dict[type, Callable[[Component], str]] = {
    StepImage: lambda c: c.step_key,
    CustomApiRequestParameter: lambda c: c.api_key,
    CustomApiResponseProperty: lambda c: c.api_key,
}

SOLUTION_FIELDS: tuple[tuple[str, Callable[[Solution], Value]], ...] = (
    ("version", lambda s: s.version),
    ("managed", lambda s: Managed(s.managed).label if isinstance(s.managed, int) else str(s.managed)),
    ("display name", lambda s: s.display_name),
    ("publisher", lambda s: s.publisher),
    ("prefix", lambda s: s.prefix),
)


def compared_fields(c: Component, graph: DependencyGraph) -> dict[str, Value]:
    """The fields of ``c`` a diff compares, by the name people know them by."""
    fields = {label: get(c, graph) for label, get in FIELDS.get(type(c), _NAME)}
    if more := _MORE.get(type(c)):
        fields.update(more(c))
    return fields


# --- the diff ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One component added, removed or changed. ``group`` refines ``kind`` for processes (``cloud_flow``…)."""

    key: str
    kind: str
    name: str
    title: str  # as messages name it: "cloud flow 'Approve'", "step 'Post Update'", "action contoso_Check"
    short: str  # the name alone, as people search for it: "Approve", "contoso_Check", "account"
    group: str
    fields: dict[str, tuple[Value, Value]] = field(default_factory=dict)  # changed only: label -> (old, new)


@dataclass
class Diff:
    old: list[Solution]
    new: list[Solution]
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class DiffResult:
    """``dvsa diff``: what changed, and the rules' findings over NEW (with OLD as ``previous``)."""

    diff: Diff
    analysis: AnalysisResult


def _title(c: Component) -> str:
    if isinstance(c, Step):  # a step's display carries stage and mode, which the changed fields may be about
        return f"step '{c.name}'"
    return c.display


def _short(c: Component) -> str:
    if isinstance(c, Workflow) and c.is_action and c.message_name:
        return c.message_name
    if isinstance(c, CustomApi):
        return c.unique_name
    if isinstance(c, Entity):
        return c.logical_name or c.name
    if isinstance(c, PluginType):
        return c.type_name or c.name
    if isinstance(c, OtherComponent):  # say what it is: "Information (form of table Project)", "default site map"
        if c.ident == DEFAULT_SITE_MAP:
            return c.name
        what = f"{c.noun} of table {c.parent}" if c.parent else (c.label or component_type_label(c.type_code))
        return f"{c.name} ({what})"
    return c.name


def _entry(c: Component, fields: dict | None = None) -> Entry:
    group = c.category_name if isinstance(c, Workflow) else c.kind
    return Entry(c.key, c.kind, c.name, _title(c), _short(c), group, fields or {})


def _components(solutions: list[Solution]) -> dict[str, Component]:
    """Components by key; the first package that defines a key wins, as in the graph."""
    found: dict[str, Component] = {}
    for s in solutions:
        for c in s.components:
            found.setdefault(c.key, c)
    return found


def _changes(old: dict[str, Value], new: dict[str, Value]) -> dict[str, tuple[Value, Value]]:
    """The fields whose values differ, as (old, new), in the table's order."""
    if old.get(_UNKNOWN_PARAMETERS) or new.get(_UNKNOWN_PARAMETERS):
        # One side's parameters are not known: comparing them would report every parameter added or removed.
        old, new = ({k: v for k, v in side.items() if not k.startswith(_PARAMETER_FIELD) and k != _UNKNOWN_PARAMETERS}
                    for side in (old, new))
    labels = list(old) + [label for label in new if label not in old]
    return {label: (old.get(label), new.get(label)) for label in labels if old.get(label) != new.get(label)}


_RECORD = "record"  # the component's own XML record: "definition" when no field says what changed in it


def _part_label(part: str, c: Component) -> str:
    """What a digested part is called: "definition", "content", "form 'Main'", "view 'Active Orders'"."""
    kind, _, ident = part.partition(":")
    if isinstance(c, Entity) and kind in ("form", "view"):
        names = dict(c.forms if kind == "form" else c.views)
        return f"{kind} '{names.get(ident, ident)}'"
    return "definition" if part == _RECORD else part


def _digest_fields(o: Component, n: Component, fields: dict[str, tuple[Value, Value]],
                   parts_changed: bool) -> dict[str, tuple[Value, Value]]:
    """The digested parts that changed (``digest_changes``), beside the fields: a body, a file, a form;
    the record itself only when no field or part says what changed in it (``parts_changed``: a part shown on
    this component, a Custom API parameter, changed)."""
    changed, _one_sided = digest_changes(o, n)
    before, after = dict(o.digests), dict(n.digests)
    found = {_part_label(p, n if p in after else o): (Digest(before[p]), Digest(after[p]))
             for p in changed if p != _RECORD}
    if (_RECORD in changed or parts_changed) and not fields and not found:
        found["definition"] = (Digest(before.get(_RECORD, "")), Digest(after.get(_RECORD, "")))
    return found


def _solution_entries(old: list[Solution], new: list[Solution], diff: Diff) -> None:
    """The solutions themselves, by unique name: version, managed flag, publisher."""
    before = {s.unique_name.lower(): s for s in reversed(old)}
    after = {s.unique_name.lower(): s for s in reversed(new)}
    for name in sorted(set(before) | set(after)):
        o, n = before.get(name), after.get(name)
        s = n or o
        entry = Entry(f"solution:{name}", "solution", s.unique_name, f"solution {s.unique_name}", s.unique_name,
                      "solution")
        if o is None:
            diff.added.append(entry)
        elif n is None:
            diff.removed.append(entry)
        elif fields := _changes({k: get(o) for k, get in SOLUTION_FIELDS}, {k: get(n) for k, get in SOLUTION_FIELDS}):
            diff.changed.append(Entry(entry.key, "solution", s.unique_name, entry.title, s.unique_name, "solution",
                                      fields))


def diff_solutions(old: list[Solution], old_graph: DependencyGraph,
                   new: list[Solution], new_graph: DependencyGraph) -> Diff:
    """Added, removed and changed components of NEW against OLD, sorted by key within each list."""
    diff = Diff(old, new)
    _solution_entries(old, new, diff)
    before, after = _components(old), _components(new)
    parents = set(before) | set(after)

    def shown_on_parent(c: Component) -> bool:
        part_of = _PART_OF.get(type(c))
        return part_of is not None and part_of(c) in parents

    # Parents of a part (a Custom API parameter) added, removed or changed: the parent changed.
    parents_changed = {_PART_OF[type(c)](c) for key in set(before) | set(after)
                       if shown_on_parent(c := after.get(key) or before[key])
                       and (key not in before or key not in after or digest_changes(before[key], after[key])[0])}
    for key in sorted(set(before) | set(after)):
        o, n = before.get(key), after.get(key)
        if shown_on_parent(n or o):
            continue
        if o is None:
            diff.added.append(_entry(n))
        elif n is None:
            diff.removed.append(_entry(o))
        else:
            fields = _changes(compared_fields(o, old_graph), compared_fields(n, new_graph))
            fields.update(_digest_fields(o, n, fields, key in parents_changed))
            if fields:
                diff.changed.append(_entry(n, fields))
    return diff
