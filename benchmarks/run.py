#!/usr/bin/env python3
"""Benchmark ``dvsa check`` against the floor of parsing the same zips, at several sizes.

    python benchmarks/run.py                      # 10, 100 and 300 MiB + 50 x 5 MiB, best of 3
    python benchmarks/run.py --sizes 10,100 --runs 5 --no-multi
    python benchmarks/run.py --jobs 2             # passed to `dvsa check --jobs` when it has that option

This is a benchmark, not a test: it prints a table and writes ``benchmarks/out/results.json``.
Missing inputs are generated first with ``benchmarks/generate.py`` (seeded, so every machine
measures the same bytes).

Each measurement is a fresh subprocess, so its wall time includes interpreter start-up and
imports and its peak RSS is its own:

* dvsa  -- ``dvsa check <zip...> --format json -o <file>`` (the console script next to this
  Python, so no pyenv/shim wrapper is timed). The report goes to a scratch file that is then
  deleted: ``-o /dev/null`` is NOT used, because the CLI writes its output atomically (temp
  file + rename), which would replace /dev/null itself.
* floor -- ``benchmarks/floor.py``: open the same zip(s) and parse every XML/XAML member with
  lxml (XAML in recover mode) and every flow JSON with json.loads, nothing else. It runs in
  two modes, ``tree`` (etree.parse per member) and ``stream`` (iterparse, clearing as it goes);
  the floor is the faster of the two.

Peak RSS comes from ``/usr/bin/time -v`` when present, else from ``os.wait4`` on the child.
Runs alternate floor and dvsa; the best (lowest) wall time of N runs is reported, and the
lowest peak RSS. All individual runs are kept in results.json.

Targets checked:
* time   -- dvsa wall time <= 1.5 x floor wall time;
* memory -- dvsa peak RSS <= 1.5 x the largest XML member + 150 MiB;
* linear -- s/MiB per size, and the marginal cost (delta s / delta MiB) between consecutive sizes:
  linear when the last marginal cost is at most 1.25 x the first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MiB = 1 << 20
TIME_FACTOR = 1.5
RSS_FACTOR, RSS_BASE_MIB = 1.5, 150
LINEAR_TOLERANCE = 1.25

sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (benchmarks/generate.py)

# --- inputs ------------------------------------------------------------------------------------

def ensure_solution(out: Path, size_mb: float, seed: int, *, name: str | None = None, folder: bool = True) -> Path:
    """``out/solution.zip`` for this size and seed, generated unless an up-to-date one is there."""
    meta_path = out / "meta.json"
    zip_path = out / "solution.zip"
    if meta_path.exists() and zip_path.exists():
        meta = json.loads(meta_path.read_text())
        if (meta.get("generator_version") == generate.GENERATOR_VERSION and meta.get("seed") == seed
                and float(meta.get("size_mb")) == float(size_mb) and (name is None or meta.get("unique_name") == name)):
            return zip_path
    print(f"generating {out} ({size_mb:g} MiB, seed {seed}) ...", file=sys.stderr, flush=True)
    generate.generate(out, size_mb, seed, unique=name, folder=folder, zip_file=True, quiet=True)
    return zip_path


def xml_members(zips: list[Path]) -> tuple[int, int, str]:
    """(total XML+XAML bytes, largest XML member bytes, its name) over the zips."""
    total, largest, largest_name = 0, 0, ""
    for z in zips:
        with zipfile.ZipFile(z) as zf:
            for info in zf.infolist():
                if info.filename.lower().endswith((".xml", ".xaml")):
                    total += info.file_size
                    if info.file_size > largest:
                        largest, largest_name = info.file_size, f"{z.name}!{info.filename}"
    return total, largest, largest_name


# --- measuring ---------------------------------------------------------------------------------

TIME_BIN = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure_time_v(cmd: list[str]) -> dict:
    """Run ``cmd`` once under ``/usr/bin/time -v``: wall seconds (perf_counter around the child; time's
    own overhead is about a millisecond), peak RSS in KiB, exit code."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as tf:
        stats_path = tf.name
    try:
        started = time.perf_counter()
        proc = subprocess.run([TIME_BIN, "-v", "-o", stats_path, *cmd], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, cwd=REPO)
        wall = time.perf_counter() - started
        stats = Path(stats_path).read_text()
    finally:
        Path(stats_path).unlink(missing_ok=True)
    rss = next((int(line.split(":")[1]) for line in stats.splitlines() if "Maximum resident set size" in line), 0)
    return {"wall_s": round(wall, 4), "rss_kib": rss, "rc": proc.returncode,
            "stderr": proc.stderr.decode(errors="replace")[-2000:], "rss_source": "/usr/bin/time -v"}


def measure_wait4(cmd: list[str]) -> dict:
    """Fallback without /usr/bin/time: os.wait4 gives the child's own rusage (peak RSS included)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": round(wall, 4), "rss_kib": usage.ru_maxrss, "rc": proc.returncode,
            "stderr": err.decode(errors="replace")[-2000:], "rss_source": "os.wait4"}


def run_cmd(cmd: list[str]) -> dict:
    return measure_time_v(cmd) if TIME_BIN and not FORCE_WAIT4 else measure_wait4(cmd)


FORCE_WAIT4 = False


def dvsa_command() -> list[str]:
    script = Path(sys.executable).with_name("dvsa")
    if script.exists():
        return [str(script)]
    found = shutil.which("dvsa")
    return [found] if found else [sys.executable, "-m", "analyzer"]


def supports_jobs(dvsa: list[str]) -> bool:
    proc = subprocess.run([*dvsa, "check", "--help"], capture_output=True, text=True, cwd=REPO)
    return "--jobs" in proc.stdout


def warm(zips: list[Path]) -> None:
    for z in zips:
        with open(z, "rb") as fh:
            while fh.read(8 * MiB):
                pass


def bench_case(label: str, zips: list[Path], runs: int, dvsa: list[str], jobs: int | None,
               stream_floor: bool, scratch: Path) -> dict:
    warm(zips)
    load_before = os.getloadavg()
    xml_total, largest, largest_name = xml_members(zips)
    report = scratch / (".report-" + "".join(ch if ch.isalnum() else "_" for ch in label) + ".json")
    dvsa_cmd = [*dvsa, "check", *map(str, zips), "--format", "json", "-o", str(report)]
    if jobs:
        dvsa_cmd += ["--jobs", str(jobs)]
    floor_modes = ["tree", "stream"] if stream_floor else ["tree"]
    floor_cmds = {m: [sys.executable, str(HERE / "floor.py"), "--mode", m, *map(str, zips)] for m in floor_modes}
    result: dict = {"label": label, "solutions": len(zips), "xml_bytes": xml_total, "xml_mib": xml_total / MiB,
                    "largest_xml_member": {"name": largest_name, "bytes": largest},
                    "dvsa_command": dvsa_cmd, "floor_runs": {m: [] for m in floor_modes}, "dvsa_runs": []}
    for i in range(runs):
        for m, cmd in floor_cmds.items():
            r = run_cmd(cmd)
            if r["rc"] != 0:
                raise SystemExit(f"floor failed on {label}: {r['stderr']}")
            result["floor_runs"][m].append({k: r[k] for k in ("wall_s", "rss_kib")})
        r = run_cmd(dvsa_cmd)
        if r["rc"] not in (0, 1):
            raise SystemExit(f"dvsa check failed (exit {r['rc']}) on {label}:\n{r['stderr']}")
        result["dvsa_runs"].append({k: r[k] for k in ("wall_s", "rss_kib", "rc")})
        result["rss_source"] = r["rss_source"]
        print(f"  {label} run {i + 1}/{runs}: dvsa {r['wall_s']:.2f} s, {r['rss_kib'] / 1024:.0f} MiB; floor "
              + ", ".join(f"{m} {result['floor_runs'][m][-1]['wall_s']:.2f} s" for m in floor_modes),
              file=sys.stderr, flush=True)
    if report.exists():
        try:
            summary = json.loads(report.read_text()).get("summary")
        except ValueError:
            summary = None
        result["findings"] = summary
        report.unlink()
    # other work on the machine inflates wall time; keep the load average so a reader can tell
    result["loadavg_1min"] = {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)}
    best = {m: min(runs_, key=lambda x: x["wall_s"]) for m, runs_ in result["floor_runs"].items()}
    floor_mode = min(best, key=lambda m: best[m]["wall_s"])
    result["floor_mode"] = floor_mode
    result["floor_s"] = best[floor_mode]["wall_s"]
    result["floor_rss_mib"] = min(x["rss_kib"] for x in result["floor_runs"][floor_mode]) / 1024
    result["floor_by_mode"] = {m: {"s": best[m]["wall_s"],
                                   "rss_mib": min(x["rss_kib"] for x in result["floor_runs"][m]) / 1024}
                               for m in floor_modes}
    result["dvsa_s"] = min(x["wall_s"] for x in result["dvsa_runs"])
    result["dvsa_rss_mib"] = min(x["rss_kib"] for x in result["dvsa_runs"]) / 1024
    result["ratio"] = result["dvsa_s"] / result["floor_s"] if result["floor_s"] else None
    result["rss_target_mib"] = RSS_FACTOR * largest / MiB + RSS_BASE_MIB
    result["mib_per_s"] = result["xml_mib"] / result["dvsa_s"]
    result["s_per_mib"] = result["dvsa_s"] / result["xml_mib"]
    result["time_ok"] = result["ratio"] is not None and result["ratio"] <= TIME_FACTOR
    result["rss_ok"] = result["dvsa_rss_mib"] <= result["rss_target_mib"]
    return result


# --- reporting ---------------------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    from lxml import etree

    import analyzer
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", "analyzer", "rules"], capture_output=True,
                                text=True, cwd=REPO).stdout.strip())
    return {"nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cpu": cpu, "ram_gib": mem, "python": platform.python_version(),
            "lxml": ".".join(map(str, etree.LXML_VERSION)), "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
            "dvsa": getattr(analyzer, "__version__", "?"), "git": commit + ("+dirty" if dirty else ""),
            "platform": platform.platform()}


def linearity(cases: list[dict]) -> dict:
    points = sorted(cases, key=lambda c: c["xml_mib"])
    slopes = []
    for a, b in zip(points, points[1:]):
        slopes.append({"from_mib": round(a["xml_mib"], 1), "to_mib": round(b["xml_mib"], 1),
                       "s_per_mib": (b["dvsa_s"] - a["dvsa_s"]) / (b["xml_mib"] - a["xml_mib"]),
                       "floor_s_per_mib": (b["floor_s"] - a["floor_s"]) / (b["xml_mib"] - a["xml_mib"]),
                       "rss_mib_per_mib": (b["dvsa_rss_mib"] - a["dvsa_rss_mib"]) / (b["xml_mib"] - a["xml_mib"])})
    ok = None
    if len(slopes) >= 2:
        first, last = slopes[0]["s_per_mib"], slopes[-1]["s_per_mib"]
        ok = last <= LINEAR_TOLERANCE * first if first > 0 else None
    return {"points": [{"xml_mib": round(c["xml_mib"], 1), "s_per_mib": c["s_per_mib"]} for c in points],
            "marginal": slopes, "ok": ok, "tolerance": LINEAR_TOLERANCE}


def yes(flag) -> str:
    return "n/a" if flag is None else ("yes" if flag else "NO")


def table(cases: list[dict]) -> str:
    head = ("case", "XML MiB", "floor s", "dvsa s", "ratio", "floor RSS", "dvsa RSS", "RSS target",
            "MiB/s", "s/MiB", "time<=1.5x", "RSS ok")
    rows = [head]
    for c in cases:
        rows.append((c["label"], f"{c['xml_mib']:.1f}", f"{c['floor_s']:.2f} ({c['floor_mode'][0]})",
                     f"{c['dvsa_s']:.2f}", f"{c['ratio']:.2f}", f"{c['floor_rss_mib']:.0f} MiB",
                     f"{c['dvsa_rss_mib']:.0f} MiB", f"{c['rss_target_mib']:.0f} MiB", f"{c['mib_per_s']:.1f}",
                     f"{c['s_per_mib']:.4f}", yes(c["time_ok"]), yes(c["rss_ok"])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(v.ljust(w) for v, w in zip(r, widths)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark dvsa check against the lxml parse floor.")
    ap.add_argument("--sizes", default="10,100,300", help="MiB of XML per solution, comma-separated (default 10,100,300)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement; the best is reported (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, help="pass --jobs N to dvsa check (skipped if dvsa check has no --jobs)")
    ap.add_argument("--multi", dest="multi", action="store_true", default=True,
                    help="also check many ~5 MiB solutions in one invocation (default on)")
    ap.add_argument("--no-multi", dest="multi", action="store_false")
    ap.add_argument("--multi-count", type=int, default=50)
    ap.add_argument("--multi-size", type=float, default=5)
    ap.add_argument("--no-stream-floor", dest="stream_floor", action="store_false", default=True,
                    help="measure only the tree-mode floor")
    ap.add_argument("--out", default=str(HERE / "out"), help="where inputs and results.json go")
    ap.add_argument("--rss-from", choices=("auto", "wait4"), default="auto",
                    help="peak RSS from /usr/bin/time -v when present (auto) or always from os.wait4")
    args = ap.parse_args(argv)
    global FORCE_WAIT4
    FORCE_WAIT4 = args.rss_from == "wait4"

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    dvsa = dvsa_command()
    jobs = args.jobs if args.jobs and supports_jobs(dvsa) else None
    info = machine()
    print(f"machine: {info['nproc']} CPU ({info['cpu']}), {info['ram_gib']} GiB, Python {info['python']}, "
          f"lxml {info['lxml']} (libxml2 {info['libxml2']}), dvsa {info['dvsa']} @ {info['git']}", file=sys.stderr)

    cases = []
    for size in sizes:
        zip_path = ensure_solution(out / f"s{size:g}", size, args.seed)
        cases.append(bench_case(f"{size:g} MiB", [zip_path], args.runs, dvsa, jobs, args.stream_floor, out))
    multi = None
    if args.multi and args.multi_count > 0:
        folder = out / f"multi{args.multi_count}x{args.multi_size:g}"
        zips = [ensure_solution(folder / f"sol{i:02d}", args.multi_size, 1000 + i, name=f"DvsaMulti{i:02d}",
                                folder=False) for i in range(args.multi_count)]
        multi = bench_case(f"{args.multi_count} x {args.multi_size:g} MiB", zips, args.runs, dvsa, jobs,
                           args.stream_floor, out)

    lin = linearity(cases) if len(cases) >= 2 else None
    all_cases = cases + ([multi] if multi else [])
    print()
    print(table(all_cases))
    if lin:
        print()
        print("linear growth (dvsa): " + ", ".join(f"{p['xml_mib']} MiB -> {p['s_per_mib']:.4f} s/MiB"
                                                  for p in lin["points"]))
        print("  marginal: " + ", ".join(f"{s['from_mib']}->{s['to_mib']} MiB: {s['s_per_mib']:.4f} s/MiB "
                                         f"(floor {s['floor_s_per_mib']:.4f}, RSS +{s['rss_mib_per_mib']:.2f} MiB/MiB)"
                                         for s in lin["marginal"])
              + f"  => linear: {yes(lin['ok'])} (last marginal <= {LINEAR_TOLERANCE} x first)")
    results = {"machine": info, "runs": args.runs, "jobs": jobs, "seed": args.seed,
               "targets": {"time": f"dvsa <= {TIME_FACTOR} x floor",
                           "rss": f"dvsa RSS <= {RSS_FACTOR} x largest XML member + {RSS_BASE_MIB} MiB",
                           "linear": f"last marginal s/MiB <= {LINEAR_TOLERANCE} x first"},
               "cases": cases, "multi": multi, "linearity": lin,
               "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults: {out / 'results.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
