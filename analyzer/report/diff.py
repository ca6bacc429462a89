"""``dvsa diff`` renderers: what a release changed, grouped by kind, then the findings as ``check`` shows them."""

from __future__ import annotations

from analyzer import __version__, inert
from analyzer.diff import Diff, DiffResult, Digest, Entry, Value
from analyzer.inventory import CATEGORY_LABELS, KIND_LABELS, SCHEMA_VERSION
from analyzer.report import markdown, sarif, text
from analyzer.report.findings import finding_record, solution_summary

MAX_ITEMS = 10  # components listed per group and change before "and N more"
MAX_NAMES = 5  # names listed per list-valued field (columns, privileges…) before "and N more"
MAX_VALUE = 80  # characters of one value (a configuration string, a long name)

# The order groups are shown in: the solution first, then processes by category, then the other kinds.
_GROUPS = {"solution": ("solution", "solutions"), **{k: v for k, v in CATEGORY_LABELS.items()},
           **{k: v for k, v in KIND_LABELS.items() if k != "workflow"}, "option_set": ("choice", "choices")}


def _noun(group: str, n: int) -> str:
    one, many = _GROUPS.get(group, (group.replace("_", " "), group.replace("_", " ") + "s"))
    return f"{n} {one if n == 1 else many}"


def _bounded(items: list[str], limit: int) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _value(v: Value) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, tuple):
        return _bounded(list(v), MAX_NAMES) if v else "none"
    v = str(v)
    return v if len(v) <= MAX_VALUE else v[:MAX_VALUE] + "…"


def change_words(label: str, old: Value, new: Value) -> str:
    """One field's change in words: "stage PreOperation → PostOperation", "columns: added a; removed b",
    "definition changed" (a content digest: what changed in it is not said)."""
    if isinstance(old, Digest) or isinstance(new, Digest):
        return f"{label} changed"
    if isinstance(old, tuple) and isinstance(new, tuple):
        added = [x for x in new if x not in old]
        removed = [x for x in old if x not in new]
        parts = ([f"added {_bounded(added, MAX_NAMES)}"] if added else []) + \
                ([f"removed {_bounded(removed, MAX_NAMES)}"] if removed else [])
        return f"{label}: {'; '.join(parts)}"
    if old is None and not isinstance(new, bool):
        return f"{label} added ({_value(new)})"
    if new is None and not isinstance(old, bool):
        return f"{label} removed (was {_value(old)})"
    return f"{label} {_value(old)} → {_value(new)}"


def _changes(entry: Entry) -> str:
    return "; ".join(change_words(label, old, new) for label, (old, new) in entry.fields.items())


def _by_group(entries: list[Entry]) -> dict[str, list[Entry]]:
    groups: dict[str, list[Entry]] = {g: [] for g in _GROUPS}
    for e in entries:
        groups.setdefault(e.group, []).append(e)
    return {g: sorted(items, key=lambda e: (e.short.lower(), e.key)) for g, items in groups.items() if items}


def _heading(diff: Diff) -> str:
    def side(solutions) -> str:
        return ", ".join(f"{s.unique_name} {s.version}" for s in solutions) or "nothing"
    if len(diff.old) == len(diff.new) == 1 and diff.old[0].unique_name == diff.new[0].unique_name:
        return f"{diff.new[0].unique_name} {diff.old[0].version} → {diff.new[0].version}"
    return f"{side(diff.old)} → {side(diff.new)}"


def _totals(diff: Diff) -> str:
    return f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"


def diff_lines(diff: Diff, bullet: str = "  ", sub: str = "    ", escape=inert.text) -> list[str]:
    """The answer, grouped by kind: one line per group added or removed, one per component changed. Names and
    values come from the packages: ``escape`` makes each line's text safe for the format (``analyzer.inert`` for
    a terminal or log, Markdown's escaping for a comment)."""
    if diff.empty:
        return [f"{bullet}no changes"]
    lines = []
    added, removed, changed = _by_group(diff.added), _by_group(diff.removed), _by_group(diff.changed)
    for group in [g for g in _GROUPS if g in added or g in removed or g in changed] + \
            sorted((set(added) | set(removed) | set(changed)) - set(_GROUPS)):
        for verb, entries in (("added", added.get(group, [])), ("removed", removed.get(group, []))):
            if entries:
                names = _bounded([f"'{e.short}'" for e in entries], MAX_ITEMS)
                lines.append(f"{bullet}{escape(f'{_noun(group, len(entries))} {verb}: {names}')}")
        entries = changed.get(group, [])
        if entries:
            lines.append(f"{bullet}{_noun(group, len(entries))} changed:")
            lines += [f"{sub}{escape(f'{e.title} ({_changes(e)})')}" for e in entries[:MAX_ITEMS]]
            if len(entries) > MAX_ITEMS:
                lines.append(f"{sub}and {len(entries) - MAX_ITEMS} more")
    return lines


def render_text(result: DiffResult, out, *, color: bool = False, **_options) -> None:
    diff = result.diff
    out.write(f"{inert.text(_heading(diff))}  ({_totals(diff)})\n")
    for label, solutions in (("old", diff.old), ("new", diff.new)):
        out.write(f"  {label}: {inert.text(', '.join(s.path for s in solutions))}\n")
    out.write("\n" + "\n".join(diff_lines(diff)) + "\n\nFindings in the new version\n")
    text.render(result.analysis, out, color=color)


def _json_value(v: Value):
    return list(v) if isinstance(v, tuple) else v


def _sides(solutions) -> dict | list[dict]:
    # `dvsa diff OLD NEW` compares one package with one: a summary each; the library may compare lists.
    records = [solution_summary(s) for s in solutions]
    return records[0] if len(records) == 1 else records


def render_json(result: DiffResult, out, **_options) -> None:
    diff, analysis = result.diff, result.analysis
    doc = {
        "schema_version": SCHEMA_VERSION,
        "version": 1,  # before schema_version; kept for the scripts that read it
        "tool": {"name": "dvsa", "version": __version__, "rules": [r.id for r in analysis.rules]},
        "old": _sides(diff.old),
        "new": _sides(diff.new),
        "added": [e.key for e in diff.added],
        "removed": [e.key for e in diff.removed],
        "changed": [{"key": e.key, "kind": e.kind, "name": e.name,
                     "fields": {label: [_json_value(o), _json_value(n)] for label, (o, n) in e.fields.items()}}
                    for e in diff.changed],
        "findings": [finding_record(f) for f in analysis.findings],
        "summary": {"added": len(diff.added), "removed": len(diff.removed), "changed": len(diff.changed),
                    **analysis.summary()},
        "errors": [{"rule": e.rule, "message": e.message} for e in analysis.errors],
        "stale_suppressions": list(analysis.stale),
    }
    out.write(inert.json_dumps(doc, indent=2) + "\n")


def render_markdown(result: DiffResult, out, **_options) -> None:
    """A GitHub-flavoured summary (a pull request comment, a job summary); every name escaped as the check
    report escapes it (``analyzer.report.markdown``)."""
    diff, analysis = result.diff, result.analysis
    out.write(f"## dvsa diff: {markdown.text(_heading(diff))}\n\n{_totals(diff)}\n\n")
    out.write("\n".join(diff_lines(diff, bullet="- ", sub="  - ", escape=markdown.text)) + "\n")
    findings = [f for f in analysis.findings if not f.suppressed]
    counts = analysis.summary()
    out.write(f"\n### Findings in the new version\n\n{counts['error']} errors, {counts['warning']} warnings, "
              f"{counts['note']} notes\n")
    if findings:
        out.write("\n| severity | rule | component | message |\n|---|---|---|---|\n")
        for f in findings:
            out.write(f"| {f.severity.value} | {markdown.text(f.rule)} {markdown.text(f.name)} | "
                      f"{markdown.code(f.component.key)} | {markdown.text(f.message)} |\n")


def render_sarif(result: DiffResult, out, **options) -> None:
    """The findings only: code scanning shows results, and a diff is not one."""
    sarif.render(result.analysis, out, **options)


FORMATS = {"text": render_text, "json": render_json, "markdown": render_markdown, "sarif": render_sarif}
