"""Many copies of one real solution analyzed together (issue 20, "linear first"): do edges and time stay linear?

    python -m benchmarks.copies                          # 10, 100, 300 copies of corpus item #1
    python -m benchmarks.copies --counts 10,100 --source path/to/unpacked/folder

Each copy is the source folder with every GUID replaced by a fresh one (seeded by the copy number, so runs
repeat) and its own unique name: the same plug-in types, workflows and steps by name, new ids, as when many
teams ship the same assembly. The platform's own message ids are kept, so steps still resolve their
messages. Copies are written once under ``benchmarks/out/copies/`` and reused. For each count the table gives
the graph's edges (all, and the step/process -> plug-in type ones), the seconds to build the graph, to decide the
requirements between the solutions and order them, and to run every rule; the solution pairs where one needs the
other and the number of solutions caught in cycles. Findings per rule go to stderr.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from analyzer import sdk_messages  # noqa: E402 - after the path insert, so the checkout is benchmarked
from analyzer.engine import run_rules  # noqa: E402
from analyzer.graph import HANDLER, USES_ACTIVITY, build_graph  # noqa: E402
from analyzer.reader import load  # noqa: E402
from analyzer.registry import discover  # noqa: E402
from analyzer.solution_set import requirements  # noqa: E402

SOURCE = REPO.parent / "shared/corpus/carltoncolter__dyn-req-mgmt/SolutionPackage/package"
OUT = REPO / "benchmarks/out/copies"
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_UNIQUE = re.compile(r"(<UniqueName>)([^<]+)(</UniqueName>)")


def _fresh(n: int):
    """A GUID replacer for copy ``n``: the same GUID maps to the same new one within a copy, keeping case."""
    def replace(match: re.Match) -> str:
        old = match.group(0)
        if sdk_messages.message_name(old) is not None:  # a platform message: keep it
            return old
        new = str(uuid.uuid5(uuid.NAMESPACE_OID, f"{n}/{old.lower()}"))
        return new.upper() if old.isupper() else new
    return replace


def make_copy(source: Path, out: Path, n: int) -> Path:
    target = out / f"copy{n:03d}"
    if target.exists():
        return target
    replace = _fresh(n)
    work = out / f".copy{n:03d}"
    shutil.rmtree(work, ignore_errors=True)
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = _GUID.sub(replace, str(path.relative_to(source)))
        dest = work / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        if path.suffix.lower() in {".xml", ".xaml", ".json"}:
            text = _GUID.sub(replace, data.decode("utf-8-sig"))
            if path.name.lower() == "solution.xml":  # the solution's unique name, not the publisher's
                text = _UNIQUE.sub(lambda m: f"{m[1]}{m[2]}{n:03d}{m[3]}", text, count=1)
            data = ("\ufeff" if data.startswith(b"\xef\xbb\xbf") else "").encode() + text.encode("utf-8")
        dest.write_bytes(data)
    work.rename(target)
    return target


def measure(folders: list[Path]) -> dict:
    solutions = [load(str(f)) for f in folders]
    started = time.perf_counter()
    graph = build_graph(solutions)
    built = time.perf_counter() - started
    edges = Counter(t for _s, _t, types in graph.edges() for t in types)
    # DV506 lists every simple cycle: on a set where every solution needs every other that is exponential in
    # the copies (before issue 20 item 0, 10 copies ran out of memory), so it runs only on a set that orders.
    started = time.perf_counter()
    found = requirements(solutions, graph)
    order = found.order()
    ordered = time.perf_counter() - started
    rules = [r for r in discover().rules if r.id != "DV506" or order is not None]
    started = time.perf_counter()
    result = run_rules(solutions, rules, graph=graph)
    ruled = time.perf_counter() - started
    largest = max((len(c) for c in nx.strongly_connected_components(found.digraph())), default=0)
    return {"edges": sum(1 for _ in graph.edges()), "type_edges": edges[HANDLER] + edges[USES_ACTIVITY],
            "uses_activity": edges[USES_ACTIVITY], "graph_s": built, "rules_s": ruled, "order_s": ordered,
            "findings": Counter(f.rule for f in result.findings), "pairs": len(found.requirements),
            "largest_cycle_set": largest if largest > 1 else 0, "ordered": order is not None}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counts", default="10,100,300")
    ap.add_argument("--source", type=Path, default=SOURCE)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    folders = [make_copy(args.source, args.out, n) for n in range(max(counts))]
    print(f"copies of {args.source}", flush=True)
    print("| copies | edges | type edges | uses activity | graph s | rules s | order s | solution pairs | "
          "solutions in cycles | order |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for count in counts:
        m = measure(folders[:count])
        print(f"| {count} | {m['edges']:,} | {m['type_edges']:,} | {m['uses_activity']:,} | {m['graph_s']:.2f} | "
              f"{m['rules_s']:.2f} | {m['order_s']:.2f} | {m['pairs']:,} | {m['largest_cycle_set']} | "
              f"{'yes' if m['ordered'] else 'no'} |", flush=True)
        per_copy = {rule: n for rule, n in sorted(m["findings"].items()) if n > 0}
        print(f"  findings: {per_copy}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
