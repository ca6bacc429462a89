"""A ``View`` as Graphviz DOT, and SVG/PNG through Graphviz's ``dot`` program.

A cluster per solution, and inside it a cluster per plug-in assembly holding the assembly and its
types; external nodes stay outside every cluster. The legend is its own cluster, one sample node per
kind present, plus the outlines and the dashed border the picture uses.

The DOT text is written here, not through ``graphviz.Digraph``: that library passes a value shaped
``<…>`` on as an HTML-like label (a package's name could then add links and images to the SVG) and
splits a node name at ``:`` into node and port. Here every value from the package is a quoted string
(``quoted``), every node is named by its key in quotes, and clusters have generated names, so a name
can only ever be text.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from collections.abc import Iterator

import graphviz

from analyzer.diagram import LOOKS, SEVERITY_COLOUR, Node, View, wrap
from analyzer.errors import SolutionError

INSTALL_HINT = ("Graphviz's `dot` program is not installed: install Graphviz (apt-get install graphviz, "
                "brew install graphviz, winget install graphviz); --format dot, mermaid, graphml and json "
                "work without it")
GRAPH_ATTRS = {"rankdir": "LR", "fontname": "Helvetica", "fontsize": "11", "nodesep": "0.25", "ranksep": "0.6"}
NODE_ATTRS = {"fontname": "Helvetica", "fontsize": "10", "margin": "0.12,0.06"}
EDGE_ATTRS = {"fontname": "Helvetica", "fontsize": "8", "color": "grey35", "fontcolor": "grey25"}


def plain(text: str) -> str:
    """One line of text: newlines and tabs become spaces; other control, format (bidi overrides) and
    unpaired surrogate characters go."""
    return "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in text)


def escaped(text: str) -> str:
    """``text`` as the inside of a DOT quoted string read as Graphviz's escString: a backslash is doubled
    (so ``\\N``, ``\\l`` or a final backslash stay text) and a quote escaped."""
    return plain(text).replace("\\", "\\\\").replace('"', '\\"')


def quoted(text: str) -> str:
    """A DOT quoted string: never an HTML-like ``<…>`` label, never a node:port."""
    return f'"{escaped(text)}"'


def _label(lines: list[str]) -> str:
    """Several lines as one quoted label: DOT's own ``\\n`` between them, so a node stays on one source line."""
    return '"' + "\\n".join(escaped(line) for line in lines) + '"'


def _attrs(attrs: dict[str, str], label: str | None = None) -> str:
    """``[label=… k=v …]``; ``label`` is already quoted, every other value is quoted here."""
    parts = [f"label={label}"] if label is not None else []
    parts += [f"{k}={quoted(v)}" for k, v in attrs.items()]
    return f" [{' '.join(parts)}]" if parts else ""


def to_source(v: View) -> str:
    lines = ["digraph dvsa {",
             f"\tgraph{_attrs(GRAPH_ATTRS)}", f"\tnode{_attrs(NODE_ATTRS)}", f"\tedge{_attrs(EDGE_ATTRS)}"]
    by_solution: dict[str, list[Node]] = defaultdict(list)
    for n in v.nodes:
        by_solution[n.solution or ""].append(n)
    for number, solution in enumerate(sorted(by_solution)):
        if not solution:
            lines += [f"\t{_node(n)}" for n in by_solution[solution]]
            continue
        lines.append(f"\tsubgraph cluster_s{number} {{")
        lines.append(f"\t\tgraph{_attrs({'style': 'rounded', 'color': 'grey60', 'fontsize': '12'}, quoted(solution))}")
        lines += _solution_nodes(by_solution[solution], v.assemblies, f"cluster_s{number}")
        lines.append("\t}")
    lines += [f"\t{quoted(e.source)} -> {quoted(e.target)}{_attrs({}, quoted(e.label))}" for e in v.edges]
    lines += _legend(v)
    return "\n".join(lines) + "\n}\n"


def to_digraph(v: View) -> graphviz.Source:
    """The DOT source as a ``graphviz.Source`` (``.source`` is the text, ``.pipe`` draws it)."""
    return graphviz.Source(to_source(v))


def _solution_nodes(nodes: list[Node], assemblies: dict[str, str], cluster: str) -> list[str]:
    by_assembly: dict[str, list[Node]] = defaultdict(list)
    for n in nodes:
        by_assembly[n.assembly or (n.key if n.key in assemblies else "")].append(n)
    lines = [f"\t\t{_node(n)}" for n in by_assembly.pop("", [])]
    for number, assembly in enumerate(sorted(by_assembly)):
        title = quoted(f"assembly {assemblies.get(assembly, assembly)}")
        lines.append(f"\t\tsubgraph {cluster}_a{number} {{")
        lines.append(f"\t\t\tgraph{_attrs({'style': 'dashed', 'color': '#9b7fc0'}, title)}")
        lines += [f"\t\t\t{_node(n)}" for n in by_assembly[assembly]]
        lines.append("\t\t}")
    return lines


def _node(n: Node) -> str:
    """A node named by its key (the SVG's ``<title>``, what a browser shows on hover)."""
    look = LOOKS[n.look]
    styles = ["filled", "rounded" if look.shape == "box" else ""]
    if n.dashed:
        styles.append("dashed")
    attrs = {"color": "grey40", "fillcolor": look.fill, "shape": look.shape,
             "style": ",".join(s for s in styles if s)}
    if n.external:
        attrs.update(fillcolor=LOOKS["external"].fill, color="grey55", fontcolor="grey30")
    if n.severity is not None:
        attrs.update(color=SEVERITY_COLOUR[n.severity], penwidth="2.5")
    if n.focused:  # a double border: the outline colour stays free for findings
        attrs["peripheries"] = "2"
    return f"{quoted(n.key)}{_attrs(dict(sorted(attrs.items())), _label([*wrap(n.name), n.caption]))}"


def _legend(v: View) -> list[str]:
    """One sample per kind present, then the outlines: the reader never has to guess a colour. One rank
    (a column, left to right) keeps the legend out of the picture's way. Its node names hold no colon, so
    no component key (always ``kind:…``) can be one of them."""
    frame = {"style": "rounded", "color": "grey75", "fontsize": "10", "rank": "same"}
    lines = ["\tsubgraph cluster_legend {", f"\t\tgraph{_attrs(frame, quoted('legend'))}",
             f"\t\tnode{_attrs({'fontsize': '9', 'height': '0.3'})}"]
    lines += [f"\t\t{sample}" for sample in _samples(v)]
    lines.append("\t}")
    return lines


def _sample(name: str, label: str, **attrs: str) -> str:
    return f"{quoted(f'legend/{name}')}{_attrs(attrs, quoted(label))}"


def _samples(v: View) -> Iterator[str]:
    for look in v.looks():
        sample = LOOKS[look]
        yield _sample(look, sample.legend, shape=sample.shape,
                      style="filled,dashed" if look == "external" else "filled", fillcolor=sample.fill,
                      color="grey55" if look == "external" else "grey40")
    if any(n.dashed and not n.external for n in v.nodes):
        yield _sample("dashed", "draft or disabled", shape="box", style="dashed", color="grey40")
    if any(n.focused for n in v.nodes):
        yield _sample("focus", "focus", shape="box", peripheries="2", color="grey40")
    for severity in v.severities():
        yield _sample(severity.value, f"has {severity.value} findings", shape="box",
                      color=SEVERITY_COLOUR[severity], penwidth="2.5")


def render(v: View, fmt: str) -> bytes:
    """SVG or PNG bytes; a missing ``dot`` program is a one-line error saying how to install it, and what
    ``dot`` prints on stderr (warnings) is kept out of the user's terminal and CI log."""
    try:
        return to_digraph(v).pipe(format=fmt, quiet=True)
    except graphviz.ExecutableNotFound:
        raise SolutionError(INSTALL_HINT) from None
    except subprocess.CalledProcessError as exc:
        said = plain((exc.stderr or b"").decode("utf-8", "replace")).strip()[:300]
        raise SolutionError(f"Graphviz's `dot` could not draw the diagram (exit {exc.returncode}): "
                            f"{said or 'no message'}") from None
