"""SARIF 2.1.0, shaped for GitHub code scanning.

What GitHub reads, and what this writes for it (GitHub's "SARIF support for code scanning",
https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning,
and its limits page, .../troubleshooting-sarif-uploads/results-exceed-limit):

- ``artifactLocation.uri`` relative to the repository root with ``uriBaseId: "%SRCROOT%"``, the root itself in
  ``run.originalUriBaseIds`` as an absolute ``file:`` URI ending in ``/``; every path percent-encoded (RFC 3986),
  so ``SdkMessageProcessingSteps/{…}.xml`` is a valid ``uri-reference``. A file outside the root gets an absolute
  ``file:`` URI and no base.
- A finding inside a ``.zip`` is located at the zip, the one file in the repository; the member and its line go
  into the message and the result's ``properties`` (``member``, ``memberLine``), never into a path; the region
  is the zip's line 1, as GitHub takes a result without one.
- ``partialFingerprints["dvsaComponent/v1"]``: sha256 of rule id + component key (``analyzer.baseline.fingerprint``,
  the baseline file's value too). Keys are GUIDs or unique names, so the fingerprint is the same after a
  re-export, a SolutionPackager rename of the file or lines moving.
- ``partialFingerprints["primaryLocationLineHash"]``, the one GitHub tracks alerts by: written here from rule id,
  component key and solution unique name (``line_hash``), ``<16 hex>:<n>`` as upload-sarif writes it (n counts
  results with the same hash). upload-sarif computes it only where a result lacks it, from the text of the
  result's line, which a re-export or a rename changes; it logs a warning where its own value differs, and keeps
  ours (github/codeql-action ``src/fingerprints.ts``).
- Rules: ``fullDescription`` is plain text of at most 1,024 characters (GitHub's limit), the rule's "What it does"
  and "Why is this bad?"; the whole documentation is ``help.markdown``; ``helpUri`` only when a docs URL is
  given; ``properties.precision`` and ``properties.problem.severity`` (error, warning, recommendation).
- ``runAutomationDetails.id`` from ``--category``, which GitHub uses to keep analyses of several runs apart.
- Accepted findings (suppress entries, baseline) are left out by default: GitHub opens an alert for a result
  with ``suppressions`` as for any other. ``suppressed="include"`` writes them with
  ``suppressions[].justification`` = the entry's reason.
- At most 25,000 results a run (GitHub refuses more): past that the lowest severities are dropped and a
  ``toolExecutionNotifications`` entry says how many.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from analyzer import __version__, inert
from analyzer.baseline import fingerprint
from analyzer.report.locations import Where, find_project_root, where
from analyzer.result import AnalysisResult
from analyzer.rule import Finding, Rule, Severity

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 25_000  # results per run GitHub accepts
MAX_DESCRIPTION = 1_024  # characters of fullDescription.text GitHub shows
SUPPRESSED = ("omit", "include")
# GitHub's problem.severity words for a non-security rule; a note is a recommendation
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "recommendation"}


def plain_description(rationale: str, limit: int = MAX_DESCRIPTION) -> str:
    """The rationale's "What it does" and "Why is this bad?" as plain text: no headings, backticks, emphasis or
    link syntax, one paragraph each; cut at a word with an ellipsis past ``limit`` characters."""
    sections = re.split(r"^## +(.+)$", rationale, flags=re.MULTILINE)
    wanted = {"What it does", "Why is this bad?"}
    chosen = [body for title, body in zip(sections[1::2], sections[2::2], strict=True) if title.strip() in wanted]
    text = " ".join(" ".join(body.split()) for body in (chosen or [rationale]))
    text = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", text)  # [words](url) -> words (url)
    text = re.sub(r"`+|\*\*|__", "", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _help_uri(docs_url: str, r: Rule) -> str:
    """``{id}``/``{name}`` in the URL are replaced; a URL without them gets the rule's anchor."""
    if "{id}" in docs_url or "{name}" in docs_url:
        return docs_url.replace("{id}", r.id).replace("{name}", r.name)
    return f"{docs_url}#{r.id.lower()}"


def _rule(r: Rule, docs_url: str | None) -> dict:
    descriptor = {
        "id": r.id, "name": r.name,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": plain_description(r.rationale)},
        "help": {"text": r.fix, "markdown": f"{r.rationale}\n\n**Fix:** {r.fix}\n"},
        "defaultConfiguration": {"level": r.severity.value},
        # every stable rule reads facts from the package, none guesses: high; a preview rule may still misfire
        "properties": {"tags": sorted(r.tags), "precision": "high" if r.stability == "stable" else "medium",
                       "problem.severity": PROBLEM_SEVERITY[r.severity]},
    }
    if docs_url:
        descriptor["helpUri"] = _help_uri(docs_url, r)
    return descriptor


def file_uri(path: Path) -> str:
    """An absolute path as a ``file:`` URI, percent-encoded; a folder ends with ``/``."""
    uri = path.resolve().as_uri()
    return uri if uri.endswith("/") or not path.is_dir() else uri + "/"


def artifact_location(file: str, root: Path) -> dict:
    """The file relative to the root under %SRCROOT%, percent-encoded; outside the root, an absolute URI."""
    full = Path(file).resolve()
    try:
        relative = full.relative_to(root)
    except ValueError:
        return {"uri": full.as_uri()}
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def line_hash(f: Finding) -> str:
    """What identifies a finding in every export of its solution: rule, component key, solution unique name."""
    solution = f.component.solution or ""
    return hashlib.sha256(f"{f.rule}|{f.component.key}|{solution}".encode()).hexdigest()[:16]


def _result(f: Finding, index: dict[str, int], at: Where, root: Path, occurrence: str) -> dict:
    message = f"{f.message}. Fix: {f.fix}" if f.fix else f.message
    if at.member:
        message += f" (in {at.file}: {at.inside})"
    result = {
        "ruleId": f.rule, "ruleIndex": index[f.rule], "level": f.severity.value,
        "message": {"text": message},
        "locations": [{
            "logicalLocations": [{"fullyQualifiedName": f.component.key, "kind": f.component.kind,
                                  "name": f.component.name}],
        }],
        "partialFingerprints": {"dvsaComponent/v1": fingerprint(f.rule, f.component.key),
                                "primaryLocationLineHash": occurrence},
    }
    if at.file:
        physical: dict = {"artifactLocation": artifact_location(at.file, root)}
        if at.line or at.member or at.file.lower().endswith(".zip"):  # a zip: its line 1, as GitHub would take it
            physical["region"] = {"startLine": at.line or 1}
        result["locations"][0]["physicalLocation"] = physical
    if at.member:
        result["properties"] = {"member": at.member, **({"memberLine": at.member_line} if at.member_line else {})}
    if f.related:
        result["relatedLocations"] = [
            {"id": i, "logicalLocations": [{"fullyQualifiedName": key}]} for i, key in enumerate(f.related, 1)]
    if f.suppressed:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": f.suppression_reason or "accepted"}]
    return result


def _bounded(findings: list[Finding], limit: int) -> tuple[list[Finding], list[dict]]:
    """At most ``limit`` findings, the most severe kept (in their order); a notification when some are dropped."""
    if len(findings) <= limit:
        return findings, []
    keep = set(sorted(range(len(findings)), key=lambda i: -findings[i].severity.rank)[:limit])
    kept = [f for i, f in enumerate(findings) if i in keep]
    dropped = len(findings) - limit
    lowest = min(f.severity.rank for f in kept)
    words = [s.value for s in Severity if s.rank <= lowest]
    return kept, [{"level": "warning", "descriptor": {"id": "dvsa/results-truncated"},
                   "message": {"text": f"{len(findings)} results, more than the {limit} GitHub code scanning "
                                       f"accepts in a run: {dropped} of the lowest severity ({', '.join(words)}) "
                                       f"were left out; run `dvsa check` for all of them"}}]


def render(result: AnalysisResult, out, *, project_root: Path | str | None = None, category: str | None = None,
           suppressed: str = "omit", docs_url: str | None = None, max_results: int = MAX_RESULTS,
           **_options) -> None:
    if suppressed not in SUPPRESSED:
        raise ValueError(f"suppressed must be one of {SUPPRESSED}, not {suppressed!r}")
    root = Path(project_root).resolve() if project_root else find_project_root()
    rules = sorted(result.rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    findings = [f for f in result.findings if suppressed == "include" or not f.suppressed]
    findings, truncated = _bounded(findings, max_results)
    notifications = truncated + [{"level": "error", "message": {"text": f"rule {e.rule} crashed: {e.message}"}}
                                 for e in result.errors]
    run = {
        "tool": {"driver": {"name": "dvsa", "fullName": "dataverse-solution-analyzer", "version": __version__,
                            "rules": [_rule(r, docs_url) for r in rules]}},
        "originalUriBaseIds": {SRCROOT: {"uri": file_uri(root)}},
        "results": [_result(f, index, where(f, result), root, occurrence)
                    for f, occurrence in zip(findings, _occurrences(findings), strict=True)],
        "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}],
    }
    if category:  # GitHub takes the id up to its last "/" as the category: end it with one, as codeql-action does
        run["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    out.write(inert.json_dumps(doc, indent=2) + "\n")


def _occurrences(findings: list[Finding]) -> list[str]:
    """``hash:n``, n counting the results with that hash so far (upload-sarif's form)."""
    seen: Counter[str] = Counter()
    values = []
    for f in findings:
        value = line_hash(f)
        seen[value] += 1
        values.append(f"{value}:{seen[value]}")
    return values
