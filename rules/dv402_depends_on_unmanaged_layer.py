from analyzer.graph import candidate_keys
from analyzer.model import DependencyNode, Entity, OptionSet, OtherComponent, Solution, WebResource
from analyzer.platform import ComponentType, component_type_label
from analyzer.rule import ComponentSummary, RuleContext, Severity, rule

# What the maker portal calls the kinds a MissingDependency names most; other kinds keep the
# solutioncomponent label and their type code.
_WORDS = {ComponentType.ENTITY: "table", ComponentType.ATTRIBUTE: "column", ComponentType.OPTION_SET: "choice",
          ComponentType.SAVED_QUERY: "view", ComponentType.SYSTEM_FORM: "form",
          ComponentType.WEB_RESOURCE: "web resource"}
_OF_TABLE = {ComponentType.ATTRIBUTE, ComponentType.SAVED_QUERY, ComponentType.SYSTEM_FORM}

# Columns the platform creates with a table (ownership, audit and state columns; the currency pair with its first
# currency column): they exist wherever the table does, whichever layer a customization of them sits in.
_WITH_THE_TABLE = frozenset({
    "ownerid", "owninguser", "owningteam", "owningbusinessunit", "organizationid", "createdby", "createdon",
    "createdonbehalfby", "modifiedby", "modifiedon", "modifiedonbehalfby", "statecode", "statuscode",
    "versionnumber", "importsequencenumber", "overriddencreatedon", "timezoneruleversionnumber",
    "utcconversiontimezonecode", "transactioncurrencyid", "exchangerate"})


def _managed_tables(solution: Solution) -> set[str]:
    """Tables the solution's MissingDependencies require from a named (managed) solution, by schema name."""
    return {(md.required.schema_name or "").lower() for md in solution.missing_dependencies
            if ComponentType.parse(md.required.type) == ComponentType.ENTITY
            and (md.required.solution or "").strip().lower() not in ("", "active")}


def comes_with_table(node: DependencyNode, managed_tables: set[str]) -> bool:
    """A column the platform creates with its table, of a table a managed solution provides."""
    return (ComponentType.parse(node.type) == ComponentType.ATTRIBUTE
            and (node.schema_name or "").lower() in _WITH_THE_TABLE
            and (node.parent_schema_name or "").lower() in managed_tables)


def type_label(node: DependencyNode) -> str:
    return component_type_label(node.type)


class Shipped:
    """What every analyzed solution ships, by the identities a MissingDependency uses where component keys do
    not reach: a column by its table and name, a web resource or choice by name, a form or view by id."""

    def __init__(self, solutions: list[Solution]):
        self.tables: dict[str, Entity] = {}  # logical or schema name (lower) -> the first table of that name
        self.columns: set[tuple[str, str]] = set()  # (table logical name, column logical name)
        self.forms: dict[str, tuple[str, Entity]] = {}  # form id -> (name, table)
        self.views: dict[str, tuple[str, Entity]] = {}
        self.web_resources: set[str] = set()  # names (lower)
        self.option_sets: set[str] = set()
        # Every solution's copy counts: a table shipped as a shell by one and with its columns by another.
        for solution in solutions:
            for c in solution.components:
                if isinstance(c, Entity):
                    self._add_table(c)
                elif isinstance(c, WebResource):
                    self.web_resources.add(c.name.lower())
                elif isinstance(c, OptionSet):
                    self.option_sets.add(c.ident)

    def _add_table(self, table: Entity) -> None:
        for name in {table.logical_name, (table.schema_name or "").lower()} - {""}:
            self.tables.setdefault(name, table)
        self.columns.update((table.logical_name, column) for column in table.attributes)
        for form_id, name in table.forms:
            self.forms.setdefault(form_id, (name, table))
        for view_id, name in table.views:
            self.views.setdefault(view_id, (name, table))

    def ships(self, node: DependencyNode) -> bool:
        code = ComponentType.parse(node.type)
        name = (node.schema_name or "").lower()
        if code == ComponentType.ATTRIBUTE:
            table = self.tables.get((node.parent_schema_name or "").lower())
            return table is not None and (table.logical_name, name) in self.columns
        if code == ComponentType.WEB_RESOURCE:
            return name in self.web_resources
        if code == ComponentType.OPTION_SET:
            return name in self.option_sets
        if code == ComponentType.SYSTEM_FORM:
            return node.id in self.forms
        if code == ComponentType.SAVED_QUERY:
            return node.id in self.views
        return False

    def part(self, node: DependencyNode) -> tuple[str, Entity] | None:
        """(name, table) of the form or view a node names by id, when an analyzed solution holds it."""
        code = ComponentType.parse(node.type)
        if node.id is None or code not in (ComponentType.SYSTEM_FORM, ComponentType.SAVED_QUERY):
            return None
        return (self.forms if code == ComponentType.SYSTEM_FORM else self.views).get(node.id)


def describe(node: DependencyNode, shipped: Shipped) -> str:
    """``form 'Information' of table 'Correspondence Group'``, ``column 'Priority' of table 'Ticket'
    (contoso_priority)``, ``Custom Control 'X' (type 66)``: the node's own names, else those the analyzed
    solutions give the form or view it names by id."""
    code = ComponentType.parse(node.type)
    word = _WORDS.get(code) if code is not None else None
    part = shipped.part(node)
    unique = node.schema_name or next((v for _a, v in node.ids), None)
    name = node.display_name or (part[0] if part else None) or unique or node.id or "(unnamed)"
    details = [unique] if unique and unique != name else []
    if word is None and node.type.isdigit():
        details.append(f"type {node.type}")
    table = node.parent_display_name or (part[1].display_name or part[1].logical_name if part else None) \
        or node.parent_schema_name
    of = (f" of table '{table}'" if code in _OF_TABLE else f" of '{table}'") if table else ""
    return f"{word or type_label(node)} '{name}'{of}" + (f" ({', '.join(details)})" if details else "")


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

    ## Columns that come with their table
    A column the platform creates with every table of its kind (`ownerid` and the other
    ownership columns, `createdon`, `statecode`, … and the `transactioncurrencyid` /
    `exchangerate` pair a table gets with its first currency column) is not reported when the
    same MissingDependencies require its table from a managed solution (#24's P2C solutions:
    table `msdyn_project` from `ProjectService (1.2.0.0)`, its `ownerid` from `Active`). Such a
    column belongs to the table, which the managed solution creates; `Active` only says that
    the source environment holds an unmanaged customization of it (a changed label). Learn's
    rule is that an import fails when a required component is neither in the solution "nor
    exists in the target environment": wherever the managed solution is installed, the column
    exists, so nothing fails and there is nothing to fix.

    ## Known limitations
    When the required component ships in another solution analyzed alongside (for example a
    custom connector kept in its own solution, `dvsa check app/ connectors/`), the finding is
    dropped: the dependency is met by importing that solution first. Required components are
    matched by id or unique name, a column by its table and logical name (the `<attribute>`s
    of the table's Entity.xml or `<Entity>`), a web resource or choice by name, and a form or
    view by id (the table's FormXml and SavedQueries); dashboards, charts and other kinds are
    matched only when listed as root components. A dependent of a kind the model does not
    describe (forms, views, apps) is reported on its root component when it is one, otherwise
    on the solution.

    ## References
    - https://learn.microsoft.com/power-platform/alm/dependency-tracking-solution-components
      ("Import of a solution fails if all required components aren't included in the solution
      and also don't exist in the target environment"; "A component in a managed solution can
      only depend on another managed component")
    - https://learn.microsoft.com/power-platform/alm/solution-layers-alm (the unmanaged layer
      holds "all imported unmanaged solutions and ad-hoc customizations")
    """
    graph = ctx.graph
    shipped = Shipped(ctx.solutions)
    for solution in ctx.solutions:
        managed_tables = _managed_tables(solution)
        for md in solution.missing_dependencies:
            required, dependent = md.required, md.dependent
            if (required.solution or "").strip().lower() != "active" or comes_with_table(required, managed_tables):
                continue
            if any(graph.component(k) is not None for k in candidate_keys(required)) or shipped.ships(required):
                continue  # it now ships in an analyzed solution
            target = next((c for k in candidate_keys(dependent) if (c := graph.component(k)) is not None
                           and c.solution == solution.unique_name), None)
            # The model's own wording ("cloud flow 'X'") says what a modelled component is; a root component
            # of a kind it does not describe (a form, an app) is named from the MissingDependency.
            depender = describe(dependent, shipped) if target is None or isinstance(target, OtherComponent) \
                else target.display
            message = (f"{depender} depends on {describe(required, shipped)}, which came from the unmanaged (Active) "
                       f"layer of the environment {solution.unique_name} was exported from, not from a managed "
                       f"solution: unless a solution imported first delivers it, importing {solution.unique_name} "
                       f"elsewhere fails on it")
            related = [k for k in candidate_keys(required) if k in graph]
            if target is not None:
                yield ctx.finding(target, message, related=related, location=md.source)
            else:
                yield ctx.finding(solution_summary(solution), message, related=related, location=md.source)
