from analyzer.graph import node_keys
from analyzer.model import DependencyNode, Solution
from analyzer.platform import component_type_label
from analyzer.rule import ComponentSummary, RuleContext, Severity, rule


def type_label(node: DependencyNode) -> str:
    return component_type_label(node.type)


def candidate_keys(node: DependencyNode) -> list[str]:
    """Component keys the node may stand for: ``<kind>:<id>`` and ``<kind>:<name>``."""
    # Root components of kinds the model does not describe are kept as ``other:<type>:<id or schema name>``.
    others = [f"other:{node.type}:{v}" for v in (node.id, (node.schema_name or "").lower()) if v]
    return others + node_keys(node)

def describe(node: DependencyNode) -> str:
    """``Entity 'Region' (contoso_region, type 1)`` from the node's own attributes."""
    unique = node.schema_name or next((v for _a, v in node.ids), None)
    name = node.display_name or unique or node.id or "(unnamed)"
    details = [unique] if unique and unique != name else []
    if node.type.isdigit():
        details.append(f"type {node.type}")
    of = f" of '{node.parent_display_name}'" if node.parent_display_name else ""
    return f"{type_label(node)} '{name}'{of}" + (f" ({', '.join(details)})" if details else "")


def solution_summary(solution: Solution) -> ComponentSummary:
    return ComponentSummary(key=f"solution:{solution.unique_name.lower()}", kind="solution",
                            name=solution.unique_name, solution=solution.unique_name)


@rule(id="DV402", name="depends-on-unmanaged-layer", severity=Severity.WARNING,
      title="A component depends on a customization from the unmanaged (Active) layer of the source environment",
      fix="Add the required component to this solution (or to a solution imported before it), then export again.",
      tags={"dependency", "import", "alm"})
def check(ctx: RuleContext):
    """## What it does
    Reads solution.xml `MissingDependencies` and reports each one whose `<Required>` comes
    from `solution="Active"`: at export time the required component was an unmanaged
    customization of the source environment (an ad-hoc change, or part of an unmanaged
    solution other than this one), not a component of an installed managed solution. The
    finding is on the dependent component when it is analyzed, otherwise on the solution.

    ## Why is this bad?
    A missing dependency on a managed solution (`solution="ContosoBase (1.2.0.0)"`) says
    "import ContosoBase first". One on `Active` names nothing that can be imported: unless the
    team knows which other solution carries the component and imports it first, the import
    into any other environment fails on it, and a managed solution may only depend on managed
    components. Typical causes: a code component, connector or web resource created in the
    development environment and never added to a shipped solution.

    ## Example
    ```xml
    <MissingDependency>
      <Required type="66" schemaName="contoso_Contoso.RichText" displayName="contoso_Contoso.RichText"
                solution="Active" />
      <Dependent type="60" displayName="Information" id="{…}" />
    </MissingDependency>
    ```
    The form "Information" uses a code component that was registered in the development
    environment but never added to a solution.

    ## How to fix
    Add the required component to this solution, or to the base solution the team imports
    first, and export again. If it is no longer needed, remove its use from the dependent
    component.

    ## Known limitations
    When the required component ships in another solution analyzed alongside (for example a
    custom connector kept in its own solution, `dvsa check app/ connectors/`), the finding is
    dropped: the dependency is met by importing that solution first. Dependents and required
    components are matched by id or unique name; a dependent of a kind the model does not
    describe (forms, views, charts, apps) is reported on the solution.

    ## References
    - https://learn.microsoft.com/power-platform/alm/dependency-tracking-solution-components
      ("Import of a solution fails if all required components aren't included in the solution
      and also don't exist in the target environment"; "A component in a managed solution can
      only depend on another managed component")
    - https://learn.microsoft.com/power-platform/alm/solution-layers-alm (the unmanaged layer
      holds "all imported unmanaged solutions and ad-hoc customizations")
    """
    graph = ctx.graph
    for solution in ctx.solutions:
        for md in solution.missing_dependencies:
            required, dependent = md.required, md.dependent
            if (required.solution or "").strip().lower() != "active":
                continue
            if any(graph.component(k) is not None for k in candidate_keys(required)):
                continue  # it now ships in an analyzed solution
            target = next((c for k in candidate_keys(dependent) if (c := graph.component(k)) is not None
                           and c.solution == solution.unique_name), None)
            if target is None:
                depender = describe(dependent)
            else:  # the model's own wording ("cloud flow 'X'") already says what it is
                depender = f"{target.display} (type {dependent.type})" if dependent.type.isdigit() else target.display
            message = (f"{depender} depends on {describe(required)}, which came from the unmanaged (Active) layer "
                       f"of the environment {solution.unique_name} was exported from, not from a managed solution: "
                       f"unless a solution imported first delivers it, importing {solution.unique_name} elsewhere "
                       f"fails on it")
            related = [k for k in candidate_keys(required) if k in graph]
            if target is not None:
                yield ctx.finding(target, message, related=related, location=md.source)
            else:
                yield ctx.finding(solution_summary(solution), message, related=related, location=md.source)
