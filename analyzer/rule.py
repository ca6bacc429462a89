"""The rule API: metadata, the ``@rule`` decorator, the context a check runs in, and findings.

A rule module holds one ``@rule``-decorated check. Checks are pure generators over the
analyzed solutions and their graph: they never print, read files or change the model.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
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

    @property
    def sort_key(self) -> tuple:
        return (self.component.solution or "", self.component.key, self.rule, self.message)


CheckFn = Callable[["RuleContext"], Iterable[Finding]]


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
    options: dict[str, Any] = field(default_factory=dict)  # option name -> default
    module: str = ""


def rule(*, id: str, name: str, title: str, severity: Severity, fix: str, tags: Iterable[str] = (),
         stability: str = "stable", options: dict[str, Any] | None = None) -> Callable[[CheckFn], Rule]:
    """Turn a documented check function into a Rule; the docstring is the rationale."""

    def wrap(fn: CheckFn) -> Rule:
        return Rule(id=id, name=name, title=title, severity=severity, fix=fix, check=fn,
                    rationale=inspect.cleandoc(fn.__doc__ or ""), tags=frozenset(tags),
                    stability=stability, options=dict(options or {}), module=fn.__module__)

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


class RuleContext:
    """What a check sees: the solutions, their graph, its options, and a finding factory."""

    def __init__(self, rule: Rule, solutions: list[Solution], graph: DependencyGraph,
                 options: dict[str, Any] | None = None, severity: Severity | None = None,
                 ordered: list[Component] | None = None):
        self.rule = rule
        self.solutions = solutions
        self.graph = graph
        self.options = {**rule.options, **(options or {})}
        self.severity = severity or rule.severity
        self._ordered = ordered if ordered is not None else ordered_components(solutions)

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
                       location=location, fix=fix or self.rule.fix)
