"""Pathological shapes, not sizes (issue 13): does dvsa stay linear when one rule sees many components at once?

    python benchmarks/scale.py                     # both cases at 1,000 / 2,000 / 5,000
    python benchmarks/scale.py --counts 500,5000 --case steps

``steps``: N plug-in steps registered for the same event (one DV204 and one DV210 group of N; before issue 13
each finding related all the others, N² output). ``calls``: N real-time workflows over a deep call graph (see
``calls_package``; DV107 used to search paths from every starting workflow, DV106 enumerated cycles). Each count runs ``dvsa check --format json`` once on a generated zip; the table
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


def _invokes(*targets: int) -> str:
    return "<mxswa:Workflow>" + "".join(
        '<mcwa:InvokeSdkMessageActivity DisplayName="InvokeSdkMessageStep1: next" '
        f'SdkMessageEntityName="" SdkMessageId="{guid(5, t)}" SdkMessageName="contoso_{_name(t)}" '
        'SdkMessageRequestSuffix="" />' for t in targets) + "</mxswa:Workflow>"


def _name(n: int) -> str:
    """Action numbers: 0-29 the chain (C), 100-129 the loop (L), 200-227 the lattice (B, sorted first)."""
    return {0: f"C{n}", 1: f"L{n - 100}", 2: f"B{n - 200}"}[n // 100]


def _action(n: int, *targets: int) -> b.Workflow:
    return b.action(guid(4, n), _name(n), _name(n), guid(5, n), xaml=_invokes(*targets) if targets else None)


def calls_package(n: int) -> b.Package:
    """N real-time workflows, each invoking a lattice of 7 layers of 4 actions (each invoking the whole next
    layer: 16,384 chains, none past the depth limit) and the head of a 30-action chain (too deep); and a
    30-action loop. A depth-first search per workflow walks the lattice's chains before it finds the deep one."""
    chain = [_action(i, *([i + 1] if i + 1 < CHAIN else [])) for i in range(CHAIN)]
    loop = [_action(100 + i, 100 + (i + 1) % CHAIN) for i in range(CHAIN)]
    layer = [list(range(200 + 4 * k, 204 + 4 * k)) for k in range(7)]
    lattice = [_action(a, *(layer[k + 1] if k + 1 < len(layer) else [])) for k in range(len(layer)) for a in layer[k]]
    starters = [b.Workflow(guid(6, i), f"On save {i}", category=0, mode=1, primary_entity="account",
                           xaml=_invokes(*layer[0], 0)) for i in range(n)]
    return b.Package(b.Manifest("ScaleCalls"), workflows=tuple(chain + loop + lattice + starters))


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
