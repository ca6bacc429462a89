"""Pathological shapes, not sizes (issue 13): does dvsa stay linear when one rule sees many components at once?

    python benchmarks/scale.py                     # both cases at 1,000 / 2,000 / 5,000
    python benchmarks/scale.py --counts 500,5000 --case steps

``steps``: N plug-in steps registered for the same event (one DV204 group of N; before issue 13 each finding
related all the others, N² output). ``calls``: N real-time workflows that each invoke the head of a chain of
30 actions (DV107 used to search paths from every starting workflow; DV106 enumerated cycles), plus a
30-action loop for DV106. Each count runs ``dvsa check --format json`` once on a generated zip; the table
gives wall seconds, peak RSS and JSON bytes, and the per-N ratios against the smallest count: linear growth
keeps the time and output ratios near 1 (memory has a fixed floor, so its ratio falls).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from analyzer import builder as b  # noqa: E402 - after the path insert, so the checkout is benchmarked

UPDATE = "20bebb1b-ea3e-db11-86a7-000a3a5473e8"  # the platform's Update message
CHAIN = 30


def guid(kind: int, n: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def steps_package(n: int) -> b.Package:
    asm = b.PluginAssembly(guid(1, 1), "Contoso.Plugins, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null",
                           types=(b.PluginType(guid(2, 1), "Contoso.Plugins.AccountSync"),))
    type_name = asm.type_name("Contoso.Plugins.AccountSync")
    steps = tuple(b.Step(guid(3, i), f"Account sync {i}", UPDATE, type_name, guid(2, 1), primary_entity="account",
                         filtering_attributes="name") for i in range(n))
    return b.Package(b.Manifest("ScaleSteps"), assemblies=(asm,), steps=steps)


def _invokes(target: int) -> str:
    return ('<mxswa:Workflow><mcwa:InvokeSdkMessageActivity DisplayName="InvokeSdkMessageStep1: next" '
            f'SdkMessageEntityName="" SdkMessageId="{guid(5, target)}" SdkMessageName="contoso_A{target}" '
            'SdkMessageRequestSuffix="" /></mxswa:Workflow>')


def calls_package(n: int) -> b.Package:
    chain = [b.action(guid(4, i), f"A{i}", f"A{i}", guid(5, i), xaml=_invokes(i + 1) if i + 1 < CHAIN else None)
             for i in range(CHAIN)]
    loop = [b.action(guid(4, 100 + i), f"L{i}", f"L{i}", guid(5, 100 + i), xaml=_invokes(100 + (i + 1) % CHAIN))
            for i in range(CHAIN)]
    starters = [b.Workflow(guid(6, i), f"On save {i}", category=0, mode=1, primary_entity="account",
                           xaml=_invokes(0)) for i in range(n)]
    return b.Package(b.Manifest("ScaleCalls"), workflows=tuple(chain + loop + starters))


CASES = {"steps": steps_package, "calls": calls_package}


def measure(zip_path: Path) -> dict:
    """One ``dvsa check`` in a child process: wall time and its own peak RSS (os.wait4), JSON size."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, "-m", "analyzer", "check", "--format", "json", "--fail-on", "never",
               "-o", out.name, str(zip_path)]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
        err = proc.stderr.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"dvsa failed on {zip_path}: {err.decode(errors='replace')[-500:]}")
        return {"wall_s": wall, "rss_mib": usage.ru_maxrss / 1024, "json_bytes": os.path.getsize(out.name)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", default="1000,2000,5000")
    ap.add_argument("--case", choices=[*CASES, "all"], default="all")
    args = ap.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",")]
    print("| case | N | seconds | peak RSS MiB | JSON KiB | seconds per N ÷ smallest | JSON per N ÷ smallest |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES if args.case == "all" else [args.case]:
            first = None
            for n in counts:
                path = CASES[case](n).write_zip(Path(tmp, f"{case}-{n}.zip"))
                m = measure(path)
                first = first or (m, n)
                t_ratio = (m["wall_s"] / n) / (first[0]["wall_s"] / first[1])
                j_ratio = (m["json_bytes"] / n) / (first[0]["json_bytes"] / first[1])
                print(f"| {case} | {n:,} | {m['wall_s']:.2f} | {m['rss_mib']:.0f} | {m['json_bytes'] / 1024:,.0f} "
                      f"| {t_ratio:.2f} | {j_ratio:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
