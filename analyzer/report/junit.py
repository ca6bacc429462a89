"""``--format junit``: JUnit XML for Azure DevOps' Publish Test Results (``testResultsFormat: JUnit``) and any
other JUnit reader.

The shape is the one Publish Test Results maps (https://learn.microsoft.com/azure/devops/pipelines/tasks/
reference/publish-test-results-v2, "Result formats mapping", JUnit): ``testsuites`` > ``testsuite`` (name,
tests, failures, errors, skipped) > ``testcase`` (name, classname, file) holding at most one ``failure``
(message, type) or ``skipped``. One suite a package analyzed; in it one case a finding, failed with the
severity as its type, or skipped with the reason when accepted (suppress entry, baseline); and one passing case
for each rule run that found nothing there, so the counts show what was checked. A rule that crashed is an
``error`` case of a suite of its own."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from analyzer.report.locations import where
from analyzer.result import AnalysisResult


def _belongs(f, s) -> bool:
    return f.package == s.path if f.package else f.component.solution == s.unique_name


def _suite(parent, name: str, cases: list[ET.Element]) -> None:
    suite = ET.SubElement(parent, "testsuite", name=name, tests=str(len(cases)),
                          failures=str(sum(1 for c in cases if c.find("failure") is not None)),
                          errors=str(sum(1 for c in cases if c.find("error") is not None)),
                          skipped=str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.extend(cases)


def render(result: AnalysisResult, out, **_options) -> None:
    root = ET.Element("testsuites", name="dvsa")
    for s in result.solutions:
        found = [f for f in result.findings if _belongs(f, s)]
        cases = []
        for f in found:
            at = where(f, result)
            case = ET.Element("testcase", name=f"{f.rule} {f.name}: {f.component.key}",
                              classname=f"dvsa.{s.unique_name}.{f.rule}")
            if at.file:
                case.set("file", at.file)
            if f.suppressed:
                ET.SubElement(case, "skipped", message=f.suppression_reason or "accepted")
            else:
                failure = ET.SubElement(case, "failure", message=f.message, type=f.severity.value)
                failure.text = "\n".join([f"{f.rule} {f.name} ({f.severity.value}): {f.message}",
                                          f"component: {f.component.key} ({f.component.name})",
                                          *([f"at: {at}"] if at.file else []), *([f"fix: {f.fix}"] if f.fix else [])])
            cases.append(case)
        flagged = {f.rule for f in found}
        cases += [ET.Element("testcase", name=f"{r.id} {r.name}", classname=f"dvsa.{s.unique_name}.{r.id}")
                  for r in sorted(result.rules, key=lambda r: r.id) if r.id not in flagged]
        _suite(root, f"{s.unique_name} {s.version} ({s.path})", cases)
    if result.errors:
        crashed = []
        for e in result.errors:
            case = ET.Element("testcase", name=f"{e.rule} crashed", classname=f"dvsa.internal.{e.rule}")
            ET.SubElement(case, "error", message=e.message, type="internal error")
            crashed.append(case)
        _suite(root, "dvsa internal errors", crashed)
    for attr in ("tests", "failures", "errors", "skipped"):
        root.set(attr, str(sum(int(suite.get(attr)) for suite in root)))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
