"""The rule API: metadata, the ``@rule`` decorator, the context a check runs in, and findings.

A rule module holds one ``@rule``-decorated check. Checks are pure generators over the
analyzed solutions and their graph: they never print, read files or change the model.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from analyzer.model import Component, Solution, SourceLocation

if TYPE_CHECKING:
    from analyzer.graph import DependencyGraph


class Severity(StrEnum):
    """Values equal SARIF levels, so no mapping table can go wrong."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]


# What each severity promises (README "Rules", `dvsa rules ID`): the policy every rule's severity follows.
SEVERITY_POLICY: dict[str, str] = {
    "error": "the platform refuses or fails: an import, upgrade or delete is refused, or a call fails at run "
             "time, whatever the data. Each error rule names that platform behaviour and cites the Microsoft "
             "Learn page that documents it.",
    "warning": "the platform accepts it, but it does not do what the files say (a step that never runs), or it "
               "is a documented risk (performance, limits, a call a condition may or may not make) that a "
               "person should judge. Gate on warnings with `--fail-on warning`.",
    "note": "information: a fact worth knowing (what pins a component, a draft that is shipped); nothing is "
            "wrong.",
}

MAX_LISTED = 10  # a message names at most this many components, then counts the rest


def bounded(names: Iterable[str], sep: str = ", ", limit: int = MAX_LISTED) -> str:
    """The first ``limit`` names joined by ``sep``, then "and N more": a finding about 2,000 components stays
    one line. Every rule that names many components in a message goes through here; the finding's
    ``related`` keys still list them all."""
    names = list(names)
    if len(names) <= limit:
        return sep.join(names)
    return f"{sep.join(names[:limit])} and {len(names) - limit:,} more"


@dataclass(frozen=True, slots=True)
class ComponentSummary:
    key: str
    kind: str
    name: str
    solution: str | None


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    message: str
    component: ComponentSummary
    related: tuple[str, ...] = ()
    location: SourceLocation | None = None
    fix: str = ""
    suppressed: bool = False
    package: str | None = None  # the path of the package the component was read from, as given
    suppression_reason: str = ""  # why it is accepted: the suppress entry's reason, or the baseline's

    @property
    def sort_key(self) -> tuple:
        return (self.component.solution or "", self.package or "", self.component.key, self.rule, self.message)


CheckFn = Callable[["RuleContext"], Iterable[Finding]]

# The value types an option may have, with the words error messages and `dvsa rules` use for them.
OPTION_TYPES: dict[Any, str] = {int: "an integer", bool: "true or false", str: "a string",
                                list[str]: "a list of strings"}


class OptionValueError(ValueError):
    """A value an option cannot take; the message says what was expected and what was given."""


@dataclass(frozen=True, slots=True)
class Option:
    """One setting of a rule, given as ``[rules.DV107] max-depth = 6`` or ``--option DV107.max-depth=6``."""

    name: str
    type: Any  # a key of OPTION_TYPES: int, bool, str or list[str]
    default: Any
    help: str = ""
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.type not in OPTION_TYPES:
            raise TypeError(f"option {self.name!r}: type must be int, bool, str or list[str]")
        self.convert(self.default)  # a rule whose own default is invalid must not load
        if isinstance(self.default, list):  # stay hashable, like every other frozen declaration
            object.__setattr__(self, "default", tuple(self.default))

    @property
    def type_name(self) -> str:
        return {int: "int", bool: "bool", str: "str", list[str]: "list of str"}[self.type]

    def convert(self, value: Any) -> Any:
        """The value checked against type, range and choices; lists come back as new lists."""
        if not self._has_type(value):
            raise OptionValueError(f"expected {OPTION_TYPES[self.type]}, got {toml_value(value)}")
        for item in value if self.type == list[str] else [value]:
            self._check_bounds(item)
        return list(value) if self.type == list[str] else value

    def _has_type(self, value: Any) -> bool:
        if self.type == list[str]:
            return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        if self.type is int:  # True is an int to Python, not to a user writing max-depth = true
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, self.type)

    def _check_bounds(self, value: Any) -> None:
        if self.min is not None and value < self.min:
            raise OptionValueError(f"must be at least {self.min}, got {value}")
        if self.max is not None and value > self.max:
            raise OptionValueError(f"must be at most {self.max}, got {value}")
        if self.choices is not None and value not in self.choices:
            raise OptionValueError(f"must be one of {', '.join(self.choices)}, got {toml_value(value)}")

    def describe(self) -> str:
        """One line for `dvsa rules ID`: name, type, default, range and help."""
        limits = [f"{word} {bound}" for word, bound in (("min", self.min), ("max", self.max)) if bound is not None]
        if self.choices:
            limits.append("one of " + ", ".join(self.choices))
        extra = "".join(f", {limit}" for limit in limits)
        text = f"{self.name} ({self.type_name}, default {toml_value(self.default)}{extra})"
        return f"{text}: {self.help}" if self.help else text


def toml_value(value: Any) -> str:
    """A value as it is written in dvsa.toml: 6, true, "six", ["msdyn"]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "a table"
    return str(value)


def _declared(options: Iterable[Option] | Mapping[str, Any] | None) -> tuple[Option, ...]:
    """Declarations as given, or inferred from an old-style ``{name: default}`` mapping."""
    if options is None:
        return ()
    if isinstance(options, Mapping):
        inferred = {bool: bool, int: int, str: str, list: list[str]}
        return tuple(Option(k, inferred[type(v)], v) for k, v in options.items())
    return tuple(options)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    title: str
    severity: Severity
    fix: str
    check: CheckFn = field(repr=False)
    rationale: str = field(default="", repr=False)
    tags: frozenset[str] = frozenset()
    stability: Literal["stable", "preview", "deprecated", "removed"] = "stable"
    options: tuple[Option, ...] = ()
    module: str = ""

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    def option_values(self, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every option's value: the default, or the given one checked by its declaration.
        Raises KeyError for a name the rule does not declare and OptionValueError for a bad value."""
        given = dict(given or {})
        values = {o.name: o.convert(given.pop(o.name)) if o.name in given else o.convert(o.default)
                  for o in self.options}
        if given:
            raise KeyError(next(iter(given)))
        return values


def rule(*, id: str, name: str, title: str, severity: Severity, fix: str, tags: Iterable[str] = (),
         stability: str = "stable",
         options: Iterable[Option] | Mapping[str, Any] | None = None) -> Callable[[CheckFn], Rule]:
    """Turn a documented check function into a Rule; the docstring is the rationale."""

    def wrap(fn: CheckFn) -> Rule:
        return Rule(id=id, name=name, title=title, severity=severity, fix=fix, check=fn,
                    rationale=inspect.cleandoc(fn.__doc__ or ""), tags=frozenset(tags),
                    stability=stability, options=_declared(options), module=fn.__module__)

    return wrap


def ordered_components(solutions: list[Solution]) -> list[Component]:
    """Components solution by solution in key order. One shipped in two analyzed solutions (a base
    and its patch) is listed once, from the first solution, as the graph holds it once."""
    seen: set[str] = set()
    ordered = []
    for solution in solutions:
        for c in sorted(solution.components, key=lambda c: c.key):
            if c.key not in seen:
                seen.add(c.key)
                ordered.append(c)
    return ordered


@dataclass(frozen=True)
class Previous:
    """The OLD side of ``dvsa diff``: the earlier version's solutions and their graph."""

    solutions: list[Solution]
    graph: DependencyGraph

    def component(self, key: str) -> Component | None:
        return self.graph.component(key)


class RuleContext:
    """What a check sees: the solutions, their graph, its options, and a finding factory.

    ``options`` is a read-only mapping holding every declared option, typed and checked.
    ``previous`` is the OLD side when the rules run in ``dvsa diff`` (NEW is ``solutions``/``graph``),
    None in ``dvsa check``: lifecycle rules that compare versions yield nothing without it."""

    def __init__(self, rule: Rule, solutions: list[Solution], graph: DependencyGraph,
                 options: dict[str, Any] | None = None, severity: Severity | None = None,
                 ordered: list[Component] | None = None, previous: Previous | None = None):
        self.rule = rule
        self.solutions = solutions
        self.graph = graph
        self.previous = previous
        self.options: Mapping[str, Any] = MappingProxyType(rule.option_values(options))
        self.severity = severity or rule.severity
        self._ordered = ordered if ordered is not None else ordered_components(solutions)
        self._packages = {s.unique_name: s.path for s in solutions}  # unique within one run (see engine)

    def option(self, name: str) -> Any:
        return self.options[name]

    def components(self, kind: str | type | None = None) -> Iterator[Component]:
        """Every analyzed component (of a kind name or class), solution by solution in key order."""
        for c in self._ordered:
            if kind is None or (c.KIND == kind if isinstance(kind, str) else isinstance(c, kind)):
                yield c

    def finding(self, component: Component | ComponentSummary, message: str, *, related: Iterable[str] = (),
                severity: Severity | None = None, fix: str | None = None,
                location: SourceLocation | None = None) -> Finding:
        if isinstance(component, Component):
            summary = ComponentSummary(component.key, component.kind, component.name, component.solution)
            location = location or component.source
        else:
            summary = component
        return Finding(rule=self.rule.id, name=self.rule.name, severity=severity or self.severity,
                       message=message, component=summary, related=tuple(sorted(set(related))),
                       location=location, fix=fix or self.rule.fix,
                       package=self._packages.get(summary.solution or ""))
