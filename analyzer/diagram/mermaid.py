"""A ``View`` as a Mermaid ``flowchart``, which GitHub renders in Markdown, issues and pull requests.

Node ids are ``n0``, ``n1``… in key order (a key's colon and dots are not id characters); the key
itself is kept in a ``%%`` comment above each node, escaped like a label. Labels are quoted with
Mermaid's entity codes for the characters that would end them; nothing from the package is written
raw, so a name cannot start a statement (a newline before ``click n0 call …``), a directive
(``%%{init: …}%%``, which Mermaid finds anywhere in the text) or a style. Mermaid refuses diagrams
over 50,000 characters (``maxTextSize``) or 500 edges (``maxEdges``), the defaults GitHub renders with:
https://mermaid.js.org/config/schema-docs/config-properties-maxtextsize.html,
https://mermaid.js.org/config/schema-docs/config-properties-maxedges.html. Past either, the
output is refused with a hint rather than written for GitHub to show as an error.
"""

from __future__ import annotations

from collections import defaultdict

from analyzer.diagram import LOOKS, SEVERITY_COLOUR, Node, View, wrap
from analyzer.errors import SolutionError

MAX_TEXT = 50_000
MAX_EDGES = 500
_ENTITIES = {"#": "#35;", "%": "#37;", "\\": "#92;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;",
             "[": "#91;", "]": "#93;", "|": "#124;", "{": "#123;", "}": "#125;"}


def escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label or a comment: one line (control characters dropped), entity codes
    for quote, brackets, braces, pipes, ``#``, ``%`` and markup."""
    return "".join(_ENTITIES.get(ch, ch) for ch in text if ch.isprintable())


def render(v: View) -> str:
    ids = {n.key: f"n{i}" for i, n in enumerate(v.nodes)}
    lines = ["flowchart LR"]
    by_solution: dict[str, list[Node]] = defaultdict(list)
    for n in v.nodes:
        by_solution[n.solution or ""].append(n)
    for number, solution in enumerate(sorted(by_solution)):
        if not solution:
            lines += [_node(n, ids, "  ") for n in by_solution[solution]]
            continue
        lines.append(f'  subgraph s{number}["{escape(solution)}"]')
        lines += _solution(by_solution[solution], ids, v.assemblies, number)
        lines.append("  end")
    lines += [f"  {ids[e.source]} -->|{escape(e.label)}| {ids[e.target]}" for e in v.edges]
    lines += _legend(v)
    lines += _styles(v, ids)
    text = "\n".join(lines) + "\n"
    _check_limits(text, len(v.edges))
    return text


def _solution(nodes: list[Node], ids: dict[str, str], assemblies: dict[str, str], number: int) -> list[str]:
    by_assembly: dict[str, list[Node]] = defaultdict(list)
    for n in nodes:
        by_assembly[n.assembly or (n.key if n.key in assemblies else "")].append(n)
    lines = [_node(n, ids, "    ") for n in by_assembly.pop("", [])]
    for inner, assembly in enumerate(sorted(by_assembly)):
        lines.append(f'    subgraph s{number}a{inner}["assembly {escape(assemblies.get(assembly, assembly))}"]')
        lines += [_node(n, ids, "      ") for n in by_assembly[assembly]]
        lines.append("    end")
    return lines


def _node(n: Node, ids: dict[str, str], indent: str) -> str:
    label = "<br/>".join(escape(line) for line in [*wrap(n.name), n.caption])
    opening, closing = _shape(n)
    css = "external" if n.external else n.look
    # Mermaid comments must stand on their own line.
    return f'{indent}%% {escape(n.key)}\n{indent}{ids[n.key]}{opening}"{label}"{closing}:::{css}'


def _shape(n: Node) -> tuple[str, str]:
    shape = LOOKS[n.look].shape
    return {"ellipse": ("([", "])"), "cylinder": ("[(", ")]"), "hexagon": ("{{", "}}"),
            "parallelogram": ("[/", "/]"), "box": ("(", ")")}.get(shape, ("[", "]"))


def _legend(v: View) -> list[str]:
    """A legend subgraph: one sample per kind present; its ids start with ``legend_``."""
    lines = ['  subgraph legend["legend"]']
    lines += [f'    legend_{look}["{escape(LOOKS[look].legend)}"]:::{look}' for look in v.looks()]
    if any(n.dashed and not n.external for n in v.nodes):
        lines.append('    legend_dashed["draft or disabled"]:::dashed')
    lines += [f'    legend_{s.value}["has {s.value} findings"]:::{s.value}' for s in v.severities()]
    lines.append("  end")
    return lines


def _styles(v: View, ids: dict[str, str]) -> list[str]:
    lines = [f"  classDef {look} fill:{LOOKS[look].fill},stroke:#666,color:#222" for look in v.looks()]
    lines.append("  classDef dashed fill:#fff,stroke:#666,stroke-dasharray:4 3,color:#222")
    lines += [f"  classDef {s.value} fill:#fff,stroke:{SEVERITY_COLOUR[s]},stroke-width:3px,color:#222"
              for s in v.severities()]
    for n in v.nodes:
        style = []
        if n.severity is not None:
            style.append(f"stroke:{SEVERITY_COLOUR[n.severity]},stroke-width:3px")
        if n.dashed:
            style.append("stroke-dasharray:4 3")
        if style:
            lines.append(f"  style {ids[n.key]} {','.join(style)}")
    return lines


def _check_limits(text: str, edges: int) -> None:
    if len(text) > MAX_TEXT or edges > MAX_EDGES:
        raise SolutionError(f"the Mermaid diagram has {len(text)} characters and {edges} edges, over what GitHub "
                            f"renders ({MAX_TEXT} characters, {MAX_EDGES} edges): narrow it with --focus, --depth "
                            "or --kinds, or use --format svg")
