"""`dvsa order`: the order in which a set of solutions must be imported, the solutions the set needs but
does not contain, or the cycles that leave no order. The requirements come from
``analyzer.solution_set`` (shared with DV506); this module only arranges and renders them."""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import inert
from analyzer.graph import DependencyGraph, build_graph
from analyzer.model import Solution
from analyzer.solution_set import MissingSolution, SolutionSet, requirements


@dataclass
class Plan:
    order: list[str] | None  # None when a cycle prevents an order
    missing: list[MissingSolution]
    cycles: list[list[str]]
    versions: dict[str, str]  # unique name -> version(s) as given
    solutions: SolutionSet


def _versions(solutions: list[Solution]) -> dict[str, str]:
    """Each name's version; two packages of one name (managed and unmanaged exports) show both."""
    found: dict[str, list[str]] = {}
    for s in solutions:
        if s.version not in found.setdefault(s.unique_name, []):
            found[s.unique_name].append(s.version)
    return {name: ", ".join(v) for name, v in found.items()}


def plan(solutions: list[Solution], graph: DependencyGraph | None = None) -> Plan:
    found = requirements(solutions, graph or build_graph(solutions))
    return Plan(order=found.order(), missing=found.missing, cycles=found.cycles(), versions=_versions(solutions),
                solutions=found)


def to_json(p: Plan) -> str:
    doc = {"order": p.order or [],
           "missing": [{"solution": m.name, "min_version": m.min_version, "required_by": list(m.required_by)}
                       for m in p.missing],
           "cycles": p.cycles}
    return inert.json_dumps(doc, indent=2) + "\n"


def to_text(p: Plan) -> str:
    """Names and reasons come from the packages: each is made inert (analyzer.inert) before it is printed."""
    t = inert.text
    lines = []
    if p.order is not None:
        lines.append("Import in this order:")
        for i, name in enumerate(p.order, 1):
            lines.append(f"  {i}. {t(name)} {t(p.versions.get(name, ''))}".rstrip())
            for required in _needs(p.solutions, name):
                lines.append(f"       needs {t(required)}: {t(p.solutions.why(name, required).reason)}")
    else:
        lines.append(f"No import order exists: {len(p.cycles)} cycle(s) of solutions that need each other.")
        for cycle in p.cycles:
            lines.append(f"  {' -> '.join(t(n) for n in [*cycle, cycle[0]])}")
            for dependent, required in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
                why = p.solutions.why(dependent, required).reason
                lines.append(f"    {t(dependent)} needs {t(required)}: {t(why)}")
    if p.missing:
        lines.append("")
        lines.append(f"Required but not in the set ({len(p.missing)}): the target environment must have them, "
                     f"at the lowest version their MissingDependencies name or later")
        for m in p.missing:
            shown = ", ".join(t(k) for k in m.required_by[:3]) + (
                f" and {len(m.required_by) - 3} more" if len(m.required_by) > 3 else "")
            lines.append(f"  - {t(m.name)} {t(m.min_version)}, needed by {shown}")
    return "\n".join(lines) + "\n"


def _needs(found: SolutionSet, name: str) -> list[str]:
    return [required for dependent, required in found.requirements if dependent == name]
