"""``dvsa check --format html``: one self-contained page to hand to a release manager.

Summary, a filterable findings table, the inventory, each custom message's callers and handlers,
and the dependency diagram. No network: CSS and script are inline, nothing is fetched. Every value
from the package is hostile input, so each goes through ``html.escape`` (or, in the JSON blob the
script reads, has ``<`` escaped). The page reads without script; the filters only hide rows.

The diagram is drawn by the caller (``analyzer.diagram`` is a sibling layer) and passed in as a
``Diagram``: this module only places it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from html import escape
from xml.etree import ElementTree

from analyzer import __version__
from analyzer.contracts import Contract, contract_of
from analyzer.graph import CALLS, DEFINED_BY, INVOKES, REGISTERED_ON, TRIGGERED_BY, DependencyGraph, build_graph
from analyzer.inventory import KIND_LABELS, custom_api_handler, summary_lines
from analyzer.model import Component, CustomApi, Step, Workflow
from analyzer.report.findings import finding_record

# The table view's wording, shared so the page and `dvsa inventory` name things alike.
from analyzer.report.inventory import _detail, _title
from analyzer.result import AnalysisResult
from analyzer.rule import Finding, Severity


@dataclass(frozen=True)
class Diagram:
    """A drawn diagram: ``format`` is ``svg`` (placed inline) or the name of a source language
    (``dot``, ``mermaid``: shown as code); ``note`` says why there is no picture, if there is none."""

    format: str
    text: str
    note: str = ""


def _e(value) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# --- summary -----------------------------------------------------------------------------------

def _belongs(f: Finding, path: str, unique_name: str) -> bool:
    return f.package == path if f.package else f.component.solution == unique_name


def _badges(counts: dict[str, int]) -> str:
    def badge(s: Severity) -> str:
        n = counts.get(s.value, 0)
        return f'<span class="badge {f"sev-{s.value}" if n else "zero"}">{_plural(n, s.value)}</span>'
    return " ".join(badge(s) for s in Severity)


def _summary(result: AnalysisResult) -> str:
    counts = result.summary()
    total = sum(counts.values())
    suppressed = sum(1 for f in result.findings if f.suppressed)
    rows = []
    for s in result.solutions:
        mine = Counter(f.severity.value for f in result.findings if _belongs(f, s.path, s.unique_name)
                       and not f.suppressed)
        rows.append(f"<tr><th scope=\"row\">{_e(s.display_name or s.unique_name)}<div class=\"sub\">"
                    f"{_e(s.unique_name)}</div></th><td>{_e(s.version)}</td><td>{_e(s.managed_name)}</td>"
                    f"<td>{_e(s.publisher or '?')}</td><td class=\"num\">{len(s.components)}</td>"
                    f"<td>{_badges(mine)}</td><td class=\"path\">{_e(s.path)}</td></tr>")
    parts = [f'<p class="totals"><strong>{_plural(total, "finding")}</strong> {_badges(counts)} in '
             f'{_plural(len(result.solutions), "solution")}, {_plural(len(result.rules), "rule")} run'
             + (f"; {suppressed} suppressed or baselined" if suppressed else "") + "</p>",
             '<table class="grid"><caption>Solutions analyzed</caption><thead><tr><th scope="col">Solution</th>'
             '<th scope="col">Version</th><th scope="col">Package</th><th scope="col">Publisher</th>'
             '<th scope="col">Components</th><th scope="col">Findings</th><th scope="col">Path</th></tr></thead>'
             f"<tbody>{''.join(rows)}</tbody></table>"]
    if result.errors:
        items = "".join(f"<li>rule {_e(e.rule)} crashed: {_e(e.message)}</li>" for e in result.errors)
        parts.append(f'<div class="alert" role="alert"><strong>Internal errors</strong> (the run exits 2):'
                     f"<ul>{items}</ul></div>")
    if result.stale:
        items = "".join(f"<li>{_e(entry)}</li>" for entry in result.stale)
        parts.append(f"<p>Suppress or baseline entries that matched no finding (remove them):</p><ul>{items}</ul>")
    return "".join(parts)


# --- findings ------------------------------------------------------------------------------------

SEVERITY_ORDER = {s.value: i for i, s in enumerate(Severity)}


def _sorted_findings(result: AnalysisResult) -> list[Finding]:
    """Worst first, then by rule and component, so the table opens on what blocks the release."""
    return sorted(result.findings, key=lambda f: (f.suppressed, SEVERITY_ORDER[f.severity.value], f.rule,
                                                  f.component.name.lower(), f.component.key))


def _kind_word(kind: str) -> str:
    """The kind as the maker portal says it: "plug-in step", "Custom API"; a process is "process"."""
    return KIND_LABELS.get(kind, (kind.replace("_", " "),))[0] if kind != "sdk_message" else "message"


def _finding_row(index: int, f: Finding) -> str:
    where = _e(f.location) if f.location else ""
    status = ' <span class="tag">suppressed</span>' if f.suppressed else ""
    return (f'<tr data-index="{index}" class="sev-row-{f.severity.value}{" suppressed" if f.suppressed else ""}">'
            f'<td><span class="badge sev-{f.severity.value}">{f.severity.value}</span>{status}</td>'
            f'<td><code>{_e(f.rule)}</code><div class="sub">{_e(f.name)}</div></td>'
            f"<td>{_e(f.component.name)}<div class=\"sub\">{_e(_kind_word(f.component.kind))} in "
            f"{_e(f.component.solution or '?')}</div></td>"
            f'<td>{_e(f.message)}<div class="help"><strong>Fix:</strong> {_e(f.fix)}</div></td>'
            f'<td class="path">{where}<div class="sub key">{_e(f.component.key)}</div></td></tr>')


def _filters(findings: list[Finding]) -> str:
    rules = Counter((f.rule, f.name) for f in findings)
    severities = "".join(f'<option value="{s.value}">{s.value}</option>' for s in Severity)
    rule_options = "".join(f'<option value="{_e(r)}">{_e(r)} {_e(n)} ({count})</option>'
                           for (r, n), count in sorted(rules.items()))
    # Hidden until the script runs: without script there is nothing to filter with, only the full table.
    return ('<form id="filters" class="filters" hidden role="search" aria-controls="findings-table">'
            '<label for="f-severity">Severity</label><select id="f-severity">'
            f'<option value="">all</option>{severities}</select>'
            '<label for="f-rule">Rule</label><select id="f-rule">'
            f'<option value="">all rules</option>{rule_options}</select>'
            '<label for="f-text">Text</label><input id="f-text" type="search" '
            'placeholder="component, message, file…">'
            '<button type="reset">Clear</button>'
            '<output id="f-status" aria-live="polite"></output></form>')


def _findings(findings: list[Finding]) -> str:
    if not findings:
        return '<p class="clean">No findings.</p>'
    rows = "".join(_finding_row(i, f) for i, f in enumerate(findings))
    return (_filters(findings) + '<table id="findings-table" class="grid findings"><caption>Findings, worst first'
            '</caption><colgroup><col class="c-sev"><col class="c-rule"><col class="c-comp"><col>'
            '<col class="c-where"></colgroup><thead><tr><th scope="col">Severity</th><th scope="col">Rule</th>'
            '<th scope="col">Component</th><th scope="col">What is wrong</th><th scope="col">Where</th></tr>'
            f'</thead><tbody>{rows}</tbody></table><p id="f-none" class="clean" hidden>No finding matches the '
            "filters.</p>")


# --- custom messages ------------------------------------------------------------------------------

def _describe(graph: DependencyGraph, key: str) -> str:
    """A component as people know it; a step with its event, so two steps read apart."""
    c = graph.component(key)
    if c is None:
        return _e(f"{graph.node(key).get('kind', '').replace('_', ' ')} {graph.name(key)}")
    text = _e(c.display)
    if isinstance(c, Step):
        text += f' <span class="sub">on {_e(graph.event_label(c))}</span>'
        if not c.enabled:
            text += ' <span class="tag">disabled</span>'
    if isinstance(c, Workflow) and c.state != "active":  # a flow is "off" in the maker portal, a process "draft"
        state = "off" if c.category_name in ("cloud_flow", "desktop_flow") else c.state
        text += f' <span class="tag">{_e(state)}</span>'
    return text


def _list(graph: DependencyGraph, keys: list[str], empty: str) -> str:
    if not keys:
        return f'<p class="none">{_e(empty)}</p>'
    return "<ul>" + "".join(f"<li>{_describe(graph, k)}</li>" for k in keys) + "</ul>"


def _parameters(title: str, params, with_required: bool) -> str:
    if not params:  # the same heading as a table's, so inputs and outputs line up side by side
        return f'<div><h5>{_e(title)}</h5><p class="none">None.</p></div>'
    head = '<th scope="col">Required</th>' if with_required else ""
    rows = "".join(f"<tr><td><code>{_e(p.name)}</code></td><td>{_e(p.type)}</td>"
                   + (f"<td>{'yes' if p.required else 'optional'}</td>" if with_required else "") + "</tr>"
                   for p in params)
    return (f'<div><h5 aria-hidden="true">{_e(title)}</h5><table class="grid small"><caption class="visually-hidden">'
            f'{_e(title)}</caption><thead><tr><th scope="col">Name</th><th scope="col">Type</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def _binding(binding: str) -> str:
    """``entity X`` / ``entity collection X`` / ``global`` (contracts.py) as a sentence."""
    if binding.startswith("entity collection "):
        return f"bound to a collection of table {binding.removeprefix('entity collection ')}"
    if binding.startswith("entity "):
        return f"bound to table {binding.removeprefix('entity ')}"
    return "global (not bound to a table)"


def _contract(contract: Contract | None) -> str:
    if contract is None:
        return ""
    kind = "Function" if contract.is_function else "Action"
    return (f'<p>{_e(kind)}, {_e(_binding(contract.binding))}</p><div class="pair">'
            + _parameters("Inputs", contract.inputs, True) + _parameters("Outputs", contract.outputs, False)
            + "</div>")


def _message(graph: DependencyGraph, key: str) -> str:
    definition = graph.definition_of(key)
    external = graph.external(key)
    if definition is None:
        defined = f'<p class="none">Defined by no analyzed solution ({_e(external or "unknown")}).</p>'
    else:
        defined = f"<p>Defined by {_describe(graph, definition.key)} in {_e(definition.solution)}</p>"
    handlers = [k for k in graph.dependents(key, [REGISTERED_ON])]
    main = ""
    if isinstance(definition, CustomApi):  # a Custom API's plug-in type runs its main operation
        handler = custom_api_handler(definition, graph)[0]
        main = f"<p>Main operation: {_e('no plug-in type' if handler == 'none' else handler)}</p>"
    triggered = graph.dependents(key, [TRIGGERED_BY])
    callers = graph.dependents(key, [INVOKES, CALLS])
    return (f'<article class="message"><h3><code>{_e(graph.name(key))}</code></h3>{defined}'
            f"{_contract(contract_of(definition) if definition is not None else None)}"
            f'<div class="pair"><section><h4>Callers</h4>'
            f"{_list(graph, callers, 'No analyzed process or flow calls it.')}</section>"
            f"<section><h4>Handlers</h4>{main}"
            f"<h5>Plug-in steps</h5>{_list(graph, handlers, 'No plug-in step is registered on it.')}"
            f"<h5>Flows it triggers</h5>{_list(graph, triggered, 'No cloud flow runs when it runs.')}"
            "</section></div></article>")


def custom_messages(graph: DependencyGraph) -> list[str]:
    """Message nodes an analyzed action or Custom API defines, or that something needs and nothing
    defines (declared missing, unresolved); platform messages are not custom."""
    keys = []
    for key in graph.nodes(kind="sdk_message", external=False):
        defined = bool(graph.requires(key, [DEFINED_BY]))
        if defined or graph.external(key) not in (None, "platform"):
            keys.append(key)
    return sorted(keys, key=lambda k: (graph.name(k).lower(), k))


def _messages(graph: DependencyGraph) -> str:
    keys = custom_messages(graph)
    if not keys:
        return '<p class="none">The analyzed solutions define and call no custom message.</p>'
    return "".join(_message(graph, k) for k in keys)


# --- inventory ------------------------------------------------------------------------------------

def _kind_table(items: list[Component], graph: DependencyGraph, caption: str) -> str:
    rows = "".join(f"<tr><td>{_e(_title(c))}</td><td>{_e(_detail(c, graph))}</td>"
                   f'<td class="key">{_e(c.key)}</td></tr>' for c in items)
    return (f'<table class="grid small"><caption class="visually-hidden">{_e(caption)}</caption><thead><tr>'
            '<th scope="col">Name</th><th scope="col">Detail</th><th scope="col">Key</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _inventory_graph(result: AnalysisResult) -> DependencyGraph:
    """The run's graph, or, when two packages share a unique name (the run's graph then holds only the
    newest), the graph of every package, as `dvsa inventory` builds it."""
    if all(c.key in result.graph for s in result.solutions for c in s.components):
        return result.graph
    return build_graph(result.solutions)


def _inventory(result: AnalysisResult) -> str:
    graph = _inventory_graph(result)
    parts = []
    for s in result.solutions:
        lines = "".join(f"<li>{_e(line)}</li>" for line in summary_lines(s))
        parts.append(f"<h3>{_e(s.unique_name)} {_e(s.version)}</h3><ul class=\"counts\">{lines}</ul>")
        for kind, (_one, many) in KIND_LABELS.items():
            items = sorted((c for c in s.components if c.kind == kind), key=lambda c: (_title(c).lower(), c.key))
            if items:
                label = f"{many[:1].upper()}{many[1:]} ({len(items)})"
                parts.append(f"<details><summary>{_e(label)}</summary>"
                             f"{_kind_table(items, graph, f'{label} in {s.unique_name}')}</details>")
    return "".join(parts)


# --- diagram --------------------------------------------------------------------------------------

# What Graphviz draws a diagram with. Anything else (a link from a tooltip or URL, an image, script,
# foreignObject, style) is refused, whatever the text says: a name reading "javascript:" is only text.
_SVG_NS = "http://www.w3.org/2000/svg"
_SVG_ELEMENTS = frozenset({"svg", "g", "title", "text", "path", "polygon", "polyline", "ellipse"})
_SVG_REFUSED_ATTRIBUTES = frozenset({"href", "src", "style"})


def _inline_svg(text: str) -> str | None:
    """The ``<svg>`` element, parsed (the standard library's parser: no DTD is fetched; an SVG declaring
    entities is refused) and written again without Graphviz's prolog and comments; None when it holds anything
    but shapes and text: an element outside ``_SVG_ELEMENTS``, an event handler, a namespaced (``xlink:``) or
    loading attribute, a ``url()`` to anything but the picture itself."""
    if "<!ENTITY" in text:
        return None
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return None
    if not all(_inert(el) for el in root.iter()):
        return None
    ElementTree.register_namespace("", _SVG_NS)  # <svg xmlns="…">, as HTML reads inline SVG, not <ns0:svg>
    return ElementTree.tostring(root, encoding="unicode")


def _inert(el: ElementTree.Element) -> bool:
    prefix = f"{{{_SVG_NS}}}"
    if not isinstance(el.tag, str) or not el.tag.startswith(prefix) or el.tag[len(prefix):] not in _SVG_ELEMENTS:
        return False
    return all(not name.startswith("{") and name.lower() not in _SVG_REFUSED_ATTRIBUTES
               and not name.lower().startswith("on") and _local_url(value)
               for name, value in el.attrib.items())


def _local_url(value: str) -> bool:
    """Only ``url(#id)`` (a gradient in the same picture) may appear in a value: nothing is fetched."""
    return all(part.lstrip().startswith("#") for part in value.lower().split("url(")[1:])


def _diagram(diagram: Diagram | None) -> str:
    if diagram is None:
        return '<p class="none">No diagram was drawn for this report.</p>'
    note = f'<p class="note">{_e(diagram.note)}</p>' if diagram.note else ""
    if not diagram.text:
        return note or '<p class="none">No diagram was drawn for this report.</p>'
    if diagram.format == "svg":
        svg = _inline_svg(diagram.text)
        if svg is not None:
            return f'{note}<figure class="diagram" role="group" aria-label="Dependency diagram">{svg}</figure>'
        return '<p class="alert">The diagram was left out: its SVG holds active content.</p>'
    return (f"{note}<pre class=\"source\"><code class=\"language-{_e(diagram.format)}\">{_e(diagram.text)}"
            "</code></pre>")


# --- page -----------------------------------------------------------------------------------------

def _json_blob(findings: list[Finding]) -> str:
    """The findings as the JSON renderer writes them, in table order; ``<``, ``>`` and ``&`` escaped so
    no value can end the script element or open a comment."""
    text = json.dumps([finding_record(f) for f in findings], ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render(result: AnalysisResult, out, *, diagram: Diagram | None = None, title: str | None = None,
           **_options) -> None:
    findings = _sorted_findings(result)
    names = ", ".join(s.unique_name for s in result.solutions) or "no solution"
    page_title = title or f"dvsa report: {names}"
    out.write(_PAGE.format(
        title=_e(page_title), style=_STYLE, version=_e(__version__),
        summary=_summary(result), findings=_findings(findings), messages=_messages(result.graph),
        inventory=_inventory(result), diagram=_diagram(diagram), data=_json_blob(findings), script=_SCRIPT))


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="dvsa {version}">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header><h1>{title}</h1><nav aria-label="Sections"><a href="#summary">Summary</a> <a href="#findings">Findings</a>
 <a href="#messages">Custom messages</a> <a href="#diagram">Diagram</a> <a href="#inventory">Inventory</a></nav>
</header>
<main>
<section id="summary" aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2>{summary}</section>
<section id="findings" aria-labelledby="h-findings"><h2 id="h-findings">Findings</h2>{findings}</section>
<section id="messages" aria-labelledby="h-messages"><h2 id="h-messages">Custom messages</h2>
<p class="intro">Each message a custom process action or Custom API defines: who calls it, and what runs when
it is called.</p>{messages}</section>
<section id="diagram" aria-labelledby="h-diagram"><h2 id="h-diagram">Dependency diagram</h2>{diagram}</section>
<section id="inventory" aria-labelledby="h-inventory"><h2 id="h-inventory">Inventory</h2>{inventory}</section>
</main>
<footer>Written by dvsa {version}, offline: this page loads nothing from the network.</footer>
<script type="application/json" id="findings-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""

_STYLE = """
:root{--error:#b42318;--error-bg:#fde8e6;--warning:#8a5a00;--warning-bg:#fff3d6;--note:#1c5a94;--note-bg:#e3effa;
--line:#d9dce1;--muted:#5b6270;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
[hidden]{display:none!important}
body{margin:0;color:#1d2330;background:#f6f7f9;line-height:1.45;font-size:15px}
header{background:#1f3a5f;color:#fff;padding:16px 28px}
header h1{margin:0 0 6px;font-size:22px;font-weight:600}
header nav a{color:#cfe0f5;margin-right:14px;text-decoration:none}
header nav a:hover,header nav a:focus{text-decoration:underline;color:#fff}
main{padding:8px 28px 28px;max-width:1400px}
main>section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:4px 20px 16px;margin:18px 0}
h2{font-size:18px;margin:14px 0 10px}
h3{font-size:16px;margin:16px 0 6px}
h4{font-size:14px;margin:8px 0 4px}
h5{font-size:13px;margin:8px 0 2px;color:var(--muted);font-weight:600}
table.grid{border-collapse:collapse;width:100%;margin:8px 0}
table.findings{table-layout:fixed}
table.findings td{overflow-wrap:anywhere}
.grid caption{text-align:left;font-weight:600;padding:4px 0;color:var(--muted)}
.grid th,.grid td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
.grid thead th{background:#eef1f5;font-size:13px}
.grid.small{font-size:13px}
.num{text-align:right}
.sub{color:var(--muted);font-size:12px}
.key,.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
.findings col.c-sev{width:7em}.findings col.c-rule{width:11em}.findings col.c-comp{width:14em}
.findings col.c-where{width:19em}
.findings code{white-space:nowrap}
.help{color:var(--muted);font-size:13px;margin-top:4px}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;white-space:nowrap}
.sev-error{color:var(--error);background:var(--error-bg)}
.sev-warning{color:var(--warning);background:var(--warning-bg)}
.sev-note{color:var(--note);background:var(--note-bg)}
.badge.zero{color:var(--muted);background:#eef1f5;font-weight:400}
tr.sev-row-error td:first-child{border-left:4px solid var(--error)}
tr.sev-row-warning td:first-child{border-left:4px solid #d89a00}
tr.sev-row-note td:first-child{border-left:4px solid var(--note)}
tr.suppressed{opacity:.65}
.tag{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 5px;font-size:11px;
color:var(--muted);margin-left:4px}
.totals{font-size:16px}
.filters{display:flex;flex-wrap:wrap;gap:8px 10px;align-items:center;background:#eef1f5;padding:10px;
border-radius:6px}
.filters label{font-weight:600;font-size:13px}
.filters select,.filters input{font:inherit;font-size:14px;padding:3px 6px;border:1px solid #a9b0bb;border-radius:4px}
.filters input{min-width:18em}
.filters button{font:inherit;font-size:13px;padding:3px 10px}
#f-status{margin-left:auto;color:var(--muted);font-size:13px}
.message section{border:1px solid var(--line);border-radius:6px;padding:0 12px 8px;margin:6px 0}
.message{border-top:1px solid var(--line);padding-top:4px}
.message:first-of-type{border-top:0}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:0 24px}
.pair ul{margin:2px 0 6px;padding-left:20px}
.none{color:var(--muted);font-style:italic;margin:2px 0}
.clean{color:#1f6f3b;font-weight:600}
.alert{border:1px solid var(--error);background:var(--error-bg);padding:8px 12px;border-radius:6px}
.note,.intro{color:var(--muted)}
.diagram{margin:0;overflow:auto;max-height:80vh;border:1px solid var(--line);border-radius:6px;padding:8px}
.diagram svg{max-width:100%;height:auto}
pre.source{background:#f3f4f6;padding:10px;overflow:auto;max-height:60vh;font-size:12px}
details{margin:4px 0}
summary{cursor:pointer;font-weight:600}
ul.counts{margin:4px 0 8px;padding-left:20px;columns:2}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{color:var(--muted);font-size:12px;padding:0 28px 24px}
@media print{.filters{display:none}header{background:none;color:#000}details{display:block}}
"""

# Plain script, no library: show the filters, then hide the rows that do not match them.
_SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  var records = JSON.parse(document.getElementById("findings-data").textContent);
  var rows = Array.prototype.slice.call(document.querySelectorAll("#findings-table tbody tr"));
  var severity = document.getElementById("f-severity");
  var rule = document.getElementById("f-rule");
  var text = document.getElementById("f-text");
  var status = document.getElementById("f-status");
  var none = document.getElementById("f-none");
  function haystack(r) {
    var parts = [r.rule, r.name, r.severity, r.message, r.fix, r.component.key, r.component.name,
                 r.component.solution || "", r.location ? r.location.path : ""];
    return parts.join(" \\n ").toLowerCase();
  }
  var texts = records.map(haystack);
  function apply() {
    var words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var i = Number(row.getAttribute("data-index"));
      var r = records[i];
      var ok = (!severity.value || r.severity === severity.value) && (!rule.value || r.rule === rule.value) &&
        words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    status.textContent = "Showing " + shown + " of " + rows.length + " findings";
    none.hidden = shown !== 0;
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.hidden = false;
  apply();
})();
"""
