"""The ecosystem check: every finding dvsa gives on the real solutions in ../shared/corpus, in one snapshot.

As ruff runs on real projects for every change, this runs `check` on every package of the corpus (alone, and with
the mapping and sources its repository carries), `check` and `order` on the sets the corpus holds, and `diff` on
its real version pairs, and writes one sorted line per finding:

    <run> | <rule> | <severity> | <component key> | <first line of the message>

    python -m benchmarks.ecosystem            # print the snapshot
    python -m benchmarks.ecosystem --update   # rewrite benchmarks/ecosystem/snapshot.txt
    python -m benchmarks.ecosystem --check    # exit 1 with a diff when the snapshot changed, or an error has no verdict

benchmarks/ecosystem/verdicts.txt holds a reviewer's verdict on findings (`<run> | <rule> | <key> | true|false |
<file:line that proves it — why>`). Every error must have one; warnings get one as they are reviewed. A verdict
that matches no finding any more is stale and fails the check too. tests/test_ecosystem.py runs `--check`.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from click.testing import CliRunner

from analyzer.cli import main as dvsa

HERE = Path(__file__).resolve().parent / "ecosystem"
SNAPSHOT = HERE / "snapshot.txt"
VERDICTS = HERE / "verdicts.txt"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# Corpus paths, named as ../shared/corpus/README.md numbers them.
P1 = "carltoncolter__dyn-req-mgmt"
P5 = "microsoft__Power-CAT-Copilot-Studio-Kit"
P24 = ("microsoft__Dynamics-365-FastTrack-Implementation-Assets/Administration/Dual-write/P2C/"
       "microsoft.dynamics.xrmsolutions.crmp2c.15.0.0.2/Solutions")
P25 = "microsoft__Dynamics-365-FastTrack-Implementation-Assets/Customer Service/Field Service/Component Library/Vendor Self-Service"
P26 = "microsoft__PowerApps-Samples"
P26_SRS = f"{P26}/model-driven-apps/custom-connectors/SecondaryRecordSource/solution/SecondaryRecordSource_SampleSolution_"
P27 = "WaelHamze__xrm-ci-framework"
P27_SAMPLE = f"{P27}/CRM365/Xrm.Framework.CI.Sample"
P27_V9 = f"{P27}/MSDYNV9/Artifacts"
P24_SET = ["CRMP2C", "P2CFieldService", "P2CProjectService", "msdyn_ServiceUniversalScheduling", "msdyn_URSUpgradeScripts"]


@dataclass(frozen=True)
class Run:
    """One dvsa command over corpus paths (relative to the corpus folder), named for the snapshot."""

    name: str
    command: str  # check | order | diff
    paths: tuple[str, ...]
    options: tuple[str, ...] = ()


def _packages() -> list[str]:
    """Every package in the corpus: each zip, and each unpacked folder (the one holding Other/Solution.xml)."""
    found = [p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.zip")]
    found += [p.parent.parent.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("Other/Solution.xml")]
    return sorted(found)


def runs() -> list[Run]:
    alone = [Run(f"check {p}", "check", (p,)) for p in _packages()]
    return alone + [
        # With what the repositories carry beside the package.
        Run("check #1 with map.xml and sources", "check", (f"{P1}/SolutionPackage/package",),
            ("--map", f"{P1}/SolutionPackage/map.xml", "--sources", f"{P1}/Plugins", "--sources", f"{P1}/WebResources")),
        Run("check #23 with mapping.xml", "check", ("drivardxrm__Dataverse-CustomApis/Driv.CustomApis.Solution/Solution",),
            ("--map", "drivardxrm__Dataverse-CustomApis/Driv.CustomApis.Solution/mapping.xml")),
        Run("check #25 with sources", "check", (f"{P25}/VendorIntegration_1_1_0_0.zip",), ("--sources", P25)),
        Run("check #26 JS actions with sources", "check",
            (f"{P26}/dataverse/webapi/JS/WebAPIFunctionsAndActions/WebAPIFunctionsandActions_1_0_0_0_managed.zip",),
            ("--sources", f"{P26}/src/js-webapi-functions-actions")),
        Run("check #26 C# actions with sources", "check",
            (f"{P26}/dataverse/webapi/C#/FunctionAndActions/WebAPIFunctionsandActions_1_0_0_0_managed.zip",),
            ("--sources", f"{P26}/src/cs-webapi-functionandactions")),
        Run("check #26 IsSystemAdmin with sources", "check",
            (f"{P26}/dataverse/webapi/CSharp-NETx/FunctionsAndActions/Resources/IsSystemAdminFunction_1_0_0_0_managed.zip",),
            ("--sources", f"{P26}/src/cs-netx-functionsandactions", "--sources", f"{P26}/src/cs-issystemadmin")),
        Run("check #26 ExportData with sources", "check",
            (f"{P26}/dataverse/orgsvc/CSharp/ExportDataUsingFetchXmlToAnnotation/ExportDataUsingFetchXmlToAnnotation_1_0_0_0_managed.zip",),
            ("--sources", f"{P26}/src/cs-exportdata")),
        Run("check #27 with its mapping", "check", (f"{P27_SAMPLE}/SolutionFiles",),
            ("--map", f"{P27_SAMPLE}/XrmCIFrameworkSampleMapping.xml")),
        # The sets.
        Run("check #24 set (unmanaged)", "check", tuple(f"{P24}/{n}.zip" for n in P24_SET)),
        Run("check #24 set (managed)", "check", tuple(f"{P24}/{n}_managed.zip" for n in P24_SET)),
        Run("order #24 set (unmanaged)", "order", tuple(f"{P24}/{n}.zip" for n in P24_SET)),
        Run("order #24 set (managed)", "order", tuple(f"{P24}/{n}_managed.zip" for n in P24_SET)),
        Run("order #24 CRMP2C P2CFieldService P2CProjectService", "order",
            tuple(f"{P24}/{n}.zip" for n in P24_SET[:3])),
        Run("check #27 Lib set", "check", tuple(f"{P27_SAMPLE}/Lib/Solutions/{n}.zip"
                                                for n in ("Base", "ThirdParty_1_0_0_0", "XrmCIFrameworkSample_1_0_0_0"))),
        Run("order #27 Lib set", "order", tuple(f"{P27_SAMPLE}/Lib/Solutions/{n}.zip"
                                                for n in ("Base", "ThirdParty_1_0_0_0", "XrmCIFrameworkSample_1_0_0_0"))),
        # The real version pairs.
        Run("diff #22 -> #5", "diff", (f"{P5}/CopilotStudioAccelerator-2025-12/SolutionPackage/src",
                                        f"{P5}/CopilotStudioAccelerator/SolutionPackage/src")),
        Run("diff #26 SecondaryRecordSource 1.21111.1 -> 1.22033.1", "diff",
            (f"{P26_SRS}1_21111_1_managed.zip", f"{P26_SRS}1_22033_1_managed.zip")),
        Run("diff #26 SecondaryRecordSource 1.22033.1 -> 1.23091.1", "diff",
            (f"{P26_SRS}1_22033_1_managed.zip", f"{P26_SRS}1_23091_1_managed.zip")),
        Run("diff #27 Success 1.0.0.0 -> 1.1.0.0", "diff", (f"{P27_V9}/Success_1_0_0_0.zip", f"{P27_V9}/Success_1_1_0_0.zip")),
        Run("diff #27 Success 1.0.0.0 -> 1.1.0.0 (managed)", "diff",
            (f"{P27_V9}/Success_1_0_0_0_managed.zip", f"{P27_V9}/Success_1_1_0_0_managed.zip")),
        Run("diff #27 SolutionFiles 5dc0fbd -> HEAD", "diff",
            (f"{P27}/history/5dc0fbd/SolutionFiles", f"{P27_SAMPLE}/SolutionFiles"),
            ("--map", f"{P27_SAMPLE}/XrmCIFrameworkSampleMapping.xml")),
    ]


def _one_line(text: str) -> str:
    return " ".join(str(text).split("\n", 1)[0].split())


def _invoke(run: Run) -> dict:
    args = [run.command, *run.paths, *run.options, "--format", "json"]
    if run.command != "order":
        args += ["--fail-on", "never"]
    result = CliRunner().invoke(dvsa, args)
    if result.exit_code == 2 or not result.stdout.strip():
        raise SystemExit(f"ecosystem: `dvsa {' '.join(args)}` failed (exit {result.exit_code}): {result.output[-500:]}")
    return json.loads(result.stdout)


def _lines(run: Run, doc: dict) -> Iterator[str]:
    if run.command == "order":
        yield f"{run.name} | order | {' -> '.join(doc['order']) or '(none)'}"
        for cycle in doc["cycles"]:
            yield f"{run.name} | cycle | {' -> '.join(cycle)}"
        for m in doc["missing"]:
            yield f"{run.name} | missing | {m['solution']} {m.get('min_version') or ''}".rstrip()
        return
    if run.command == "diff":
        yield (f"{run.name} | summary | added {len(doc['added'])}, removed {len(doc['removed'])}, "
               f"changed {len(doc['changed'])}")
        for key in doc["added"]:
            yield f"{run.name} | added | {key}"
        for key in doc["removed"]:
            yield f"{run.name} | removed | {key}"
        for c in doc["changed"]:
            yield f"{run.name} | changed | {c['key']} | {', '.join(sorted(c['fields']))}"
    for e in doc.get("errors", []):
        yield f"{run.name} | input-error | {_one_line(e.get('message', e))}"
    for f in doc["findings"]:
        yield f"{run.name} | {f['rule']} | {f['severity']} | {f['component']['key']} | {_one_line(f['message'])}"


def snapshot() -> str:
    here = Path.cwd()
    os.chdir(CORPUS)  # paths in messages are relative to the corpus, so the snapshot is the same on every machine
    try:
        lines = sorted({line for run in runs() for line in _lines(run, _invoke(run))})
    finally:
        os.chdir(here)
    return "".join(line + "\n" for line in lines)


@dataclass(frozen=True)
class Verdict:
    run: str
    rule: str
    key: str
    verdict: str
    evidence: str

    def matches(self, run: str, rule: str, key: str) -> bool:
        """A key may hold `*` for a verdict that covers many findings of one cause (each still listed in the
        snapshot), such as every file the corpus copy left out of one package."""
        return self.run == run and self.rule == rule and fnmatchcase(key, self.key)


def verdicts(text: str) -> list[Verdict]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 5 or parts[3] not in ("true", "false") or not parts[4]:
            raise ValueError(f"{VERDICTS.name}:{number}: expected `run | rule | key | true|false | evidence`")
        found.append(Verdict(*parts))
    return found


def problems(snap: str, judged: list[Verdict]) -> list[str]:
    """Errors without a verdict, false verdicts, and verdicts that match no finding any more."""
    findings = {}
    for line in snap.splitlines():
        parts = line.split(" | ")
        if len(parts) >= 5 and parts[2] in ("error", "warning", "note"):
            findings[(parts[0], parts[1], parts[3])] = parts[2]
    out = [f"error without a verdict: {run} | {rule} | {key}"
           for (run, rule, key), severity in sorted(findings.items())
           if severity == "error" and _verdict(judged, run, rule, key) is None]
    out += [f"verdict false (a false finding to fix): {v.run} | {v.rule} | {v.key}" for v in judged if v.verdict == "false"]
    out += [f"stale verdict, no such finding: {v.run} | {v.rule} | {v.key}" for v in judged
            if not any(v.matches(*found) for found in findings)]
    return out


def _verdict(judged: list[Verdict], run: str, rule: str, key: str) -> Verdict | None:
    return next((v for v in judged if v.matches(run, rule, key)), None)


def check(current: str) -> list[str]:
    out = []
    stored = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if stored != current:
        out.append("the ecosystem snapshot changed (review, then `python -m benchmarks.ecosystem --update`):\n"
                   + "".join(difflib.unified_diff(stored.splitlines(True), current.splitlines(True),
                                                  "snapshot.txt (committed)", "snapshot.txt (now)", n=0)))
    judged = verdicts(VERDICTS.read_text(encoding="utf-8")) if VERDICTS.exists() else []
    return out + problems(current, judged)


def counts(snap: str) -> str:
    judged = verdicts(VERDICTS.read_text(encoding="utf-8")) if VERDICTS.exists() else []
    tally: dict[tuple[str, str], int] = {}
    for line in snap.splitlines():
        parts = line.split(" | ")
        if len(parts) >= 5 and parts[2] in ("error", "warning", "note"):
            found = _verdict(judged, parts[0], parts[1], parts[3])
            verdict = found.verdict if found else "unreviewed"
            tally[(parts[2], verdict)] = tally.get((parts[2], verdict), 0) + 1
    return ", ".join(f"{n} {sev} {verdict}" for (sev, verdict), n in sorted(tally.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ecosystem", description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the committed snapshot")
    parser.add_argument("--check", action="store_true", help="exit 1 when the snapshot changed or an error lacks a verdict")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"ecosystem: {CORPUS} is absent (../shared/corpus beside the checkout)", file=sys.stderr)
        return 2
    current = snapshot()
    if args.update:
        HERE.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")
        print(f"wrote {SNAPSHOT} ({len(current.splitlines())} lines; {counts(current)})")
        return 0
    if args.check:
        found = check(current)
        print("\n".join(found) if found else f"ecosystem unchanged ({counts(current)})")
        return 1 if found else 0
    sys.stdout.write(current)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
