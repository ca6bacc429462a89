"""Suppressions that live outside the solution (an export is regenerated every time, so a comment
in its XML would not survive): targeted entries from the configuration, and a baseline file of
findings accepted as they are. Suppressed findings stay in the JSON and SARIF, marked, but no
longer fail the run. Entries key on rule id + component key, never on line numbers."""

from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import replace

from analyzer.config import Suppression
from analyzer.errors import SolutionError
from analyzer.files import read_regular
from analyzer.rule import Finding

VERSION = 1
BASELINE_REASON = "accepted in the baseline file"


def fingerprint(rule: str, component_key: str) -> str:
    """The same value as SARIF's partialFingerprints, so both identify a finding alike."""
    return hashlib.sha256(f"{rule}|{component_key}".encode()).hexdigest()[:32]


def baseline_document(findings: list[Finding]) -> dict:
    entries = sorted({(f.rule, f.component.key) for f in findings})
    return {"version": VERSION, "tool": "dvsa",
            "entries": [{"rule": r, "component": k, "fingerprint": fingerprint(r, k)} for r, k in entries]}


def read_baseline(path: str) -> set[tuple[str, str]]:
    try:
        # Through the regular-file policy: a FIFO or device named as the baseline must not hang the run.
        doc = json.loads(read_regular(path, path, 256 * 1024 * 1024).decode("utf-8"))
        if doc.get("version") != VERSION:
            raise ValueError(f"version {doc.get('version')!r}, expected {VERSION}")
        return {(e["rule"], e["component"]) for e in doc["entries"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SolutionError(f"not a dvsa baseline file ({exc})", path) from None


def apply(findings: list[Finding], suppress: list[Suppression], baseline: set[tuple[str, str]],
          rules_run: set[str]) -> tuple[list[Finding], list[str]]:
    """(findings with the matching ones marked suppressed, descriptions of entries that matched nothing).

    Entries for rules that did not run (``--select``) are not called stale."""
    used_entries: set[int] = set()
    used_baseline: set[tuple[str, str]] = set()
    result = []
    for f in findings:
        reasons = []  # every entry that accepts it, the suppress entries' own reasons first
        for i, s in enumerate(suppress):
            if s.rule.upper() in (f.rule, f.name.upper()) and fnmatch.fnmatchcase(f.component.key, s.component):
                used_entries.add(i)
                reasons.append(s.reason)
        if (f.rule, f.component.key) in baseline:
            used_baseline.add((f.rule, f.component.key))
            reasons.append(BASELINE_REASON)
        result.append(replace(f, suppressed=True, suppression_reason="; ".join(dict.fromkeys(reasons)))
                      if reasons else f)
    run = {r.upper() for r in rules_run}
    stale = [f"suppress entry {s.rule} {s.component}" for i, s in enumerate(suppress)
             if i not in used_entries and s.rule.upper() in run]
    stale += [f"baseline entry {r} {k}" for r, k in sorted(baseline - used_baseline) if r.upper() in run]
    return result, stale
