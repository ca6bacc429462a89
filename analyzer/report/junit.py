"""``--format junit``: JUnit XML for Azure DevOps' Publish Test Results (``testResultsFormat: JUnit``) and any
other JUnit reader.

The shape is the one Publish Test Results maps (https://learn.microsoft.com/azure/devops/pipelines/tasks/
reference/publish-test-results-v2, "Result formats mapping", JUnit): ``testsuites`` > ``testsuite`` (name,
tests, failures, errors, skipped) > ``testcase`` (name, classname, file) holding at most one ``failure``
(message, type) or ``skipped``, and ``system-out``. One suite a package analyzed; in it one case a finding and
one passing case for each rule run that found nothing there, so the counts show what was checked.

A finding is a failed case when it is something to fix: an error or a warning, and a note too under
``--fail-on note``, so the Tests tab never shows more passing than the gate does. Any other note is a passing
case with the note as its output (Azure shows a failed test as a failure, whatever its ``type``). An accepted
finding (suppress entry, baseline) is skipped, with the reason. Cases are named as people know the component:
``DV101 step-on-inactive-action: plug-in step 'Post Check Status'``, with the key added only when two cases of a
suite would otherwise share a name. A rule that crashed is an ``error`` case of a suite of its own. Every value
from the package is made inert (``analyzer.inert``): XML 1.0 cannot even hold most control characters."""

from __future__ import annotations

from collections import Counter
from xml.etree import ElementTree as ET

from analyzer.inert import text as inert
from analyzer.inventory import CATEGORY_LABELS, KIND_LABELS
from analyzer.model import Workflow
from analyzer.report.locations import where
from analyzer.result import AnalysisResult
from analyzer.rule import Finding, Severity


def _belongs(f, s) -> bool:
    return f.package == s.path if f.package else f.component.solution == s.unique_name


def _suite(parent, name: str, cases: list[ET.Element]) -> None:
    suite = ET.SubElement(parent, "testsuite", name=inert(name), tests=str(len(cases)),
                          failures=str(sum(1 for c in cases if c.find("failure") is not None)),
                          errors=str(sum(1 for c in cases if c.find("error") is not None)),
                          skipped=str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.extend(cases)


def fails(severity: Severity, fail_rank: int | None) -> bool:
    """Errors and warnings fail their case; notes only when ``--fail-on note`` fails the run on them.
    ``fail_rank``: the gate's lowest failing rank (``analyzer.engine.FAIL_ON``, which the CLI passes)."""
    return severity.rank >= min(fail_rank or Severity.ERROR.rank, Severity.WARNING.rank)


def component_title(f: Finding, result: AnalysisResult) -> str:
    """``plug-in step 'Post Check Status'``, ``custom process action 'Check Status'``; the key without a name."""
    c = result.graph.component(f.component.key) if result.graph is not None else None
    if isinstance(c, Workflow):
        kind = CATEGORY_LABELS.get(c.category_name, KIND_LABELS["workflow"])[0]
    else:
        kind = KIND_LABELS.get(f.component.kind, (f.component.kind.replace("_", " "),))[0]
    return f"{kind} '{f.component.name}'" if f.component.name else f.component.key


def _names(found: list[Finding], result: AnalysisResult) -> list[str]:
    names = [f"{f.rule} {f.name}: {component_title(f, result)}" for f in found]
    taken = Counter(names)
    return [inert(n if taken[n] == 1 else f"{n} ({f.component.key})") for n, f in zip(names, found, strict=True)]


def _case(f: Finding, name: str, suite: str, result: AnalysisResult, fail_rank: int | None) -> ET.Element:
    at = where(f, result)
    case = ET.Element("testcase", name=name, classname=inert(f"dvsa.{suite}.{f.rule}"))
    if at.file:
        case.set("file", inert(at.file))
    details = "\n".join([f"{f.rule} {inert(f.name)} ({f.severity.value}): {inert(f.message)}",
                         f"component: {inert(f.component.key)} ({inert(f.component.name)})",
                         *([f"at: {inert(at)}"] if at.file else []), *([f"fix: {inert(f.fix)}"] if f.fix else [])])
    if f.suppressed:
        ET.SubElement(case, "skipped", message=inert(f.suppression_reason or "accepted"))
    elif fails(f.severity, fail_rank):
        failure = ET.SubElement(case, "failure", message=inert(f.message), type=f.severity.value)
        failure.text = details
    else:
        ET.SubElement(case, "system-out").text = details
    return case


def render(result: AnalysisResult, out, *, fail_rank: int | None = None, **_options) -> None:
    root = ET.Element("testsuites", name="dvsa")
    for s in result.solutions:
        found = [f for f in result.findings if _belongs(f, s)]
        names = _names(found, result)
        cases = [_case(f, name, s.unique_name, result, fail_rank) for f, name in zip(found, names, strict=True)]
        flagged = {f.rule for f in found}
        cases += [ET.Element("testcase", name=inert(f"{r.id} {r.name}"),
                             classname=inert(f"dvsa.{s.unique_name}.{r.id}"))
                  for r in sorted(result.rules, key=lambda r: r.id) if r.id not in flagged]
        _suite(root, f"{s.unique_name} {s.version} ({s.path})", cases)
    if result.errors:
        crashed = []
        for e in result.errors:
            case = ET.Element("testcase", name=f"{e.rule} crashed", classname=f"dvsa.internal.{e.rule}")
            ET.SubElement(case, "error", message=inert(e.message), type="internal error")
            crashed.append(case)
        _suite(root, "dvsa internal errors", crashed)
    for attr in ("tests", "failures", "errors", "skipped"):
        root.set(attr, str(sum(int(suite.get(attr)) for suite in root)))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
