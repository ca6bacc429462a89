"""A mutation campaign over real packages (issue 13): does dvsa keep its contract on whatever a pull request holds?

    python benchmarks/mutate.py --count 10000 --seed 1            # the long campaign (about 1-2 hours on 2 cores)
    python benchmarks/mutate.py --count 40 --keep /tmp/mutants     # keep the failing mutants to replay them

Sources: every package in ../shared/corpus (``--corpus``) and fixtures/solutions/. Each mutant is one source
copied to a temporary folder and changed by one operator, chosen from the seed and the mutant's number (so
``--seed 1 --start 4711 --count 1`` replays mutant 4711): zip bytes flipped or cut, an XML member truncated,
nested 5,000 deep, given a megabyte attribute, a DOCTYPE, junk or invalid UTF-8; zip members with empty,
duplicate, absolute or ``..`` names, a 200:1 bomb, a member over ``--max-member-mb``; in a folder a file
replaced by a FIFO, a link to a secret file outside, to /dev/zero or into a loop, a tree 400 folders deep,
a file removed. Each mutant runs ``dvsa check --format json -o FILE`` in a child process with a wall-clock
timeout and an address-space limit, and must:

- exit 0, 1 or 2;
- print at most one line on stderr: with exit 2 an ``error: …`` line that is not an internal error, else
  no error (a one-line summary of a report written with ``-o`` is fine);
- finish within ``--timeout`` seconds with a peak RSS under ``--max-rss-mb``;
- leave the mutant unchanged (names, kinds, contents and link targets hashed before and after);
- never show the secret file a link points to.

Exit 0 when every mutant kept the contract, 1 otherwise (each failure printed on one line). CI runs a few
dozen mutants (tests/test_hostile_files.py; ``DVSA_MUTANTS=N`` there runs N).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SECRET = b"TOP-SECRET-ISSUE-13"
XML_SUFFIXES = (".xml", ".xaml", ".json")


@dataclass
class Outcome:
    index: int
    what: str
    problem: str | None
    seconds: float
    rss_mib: float


# --- sources ------------------------------------------------------------------------------------

def sources(corpus: Path) -> list[Path]:
    """Every zip and every folder holding a solution manifest, in a stable order."""
    found = sorted(REPO.glob("fixtures/solutions/*"))
    if corpus.is_dir():
        for path in sorted(corpus.rglob("*")):
            if path.suffix.lower() == ".zip" and path.is_file():
                found.append(path)
            elif path.name.lower() == "solution.xml" and path.parent.name.lower() == "other":
                found.append(path.parent.parent)
    return [p for p in found if p.is_dir() or p.suffix.lower() == ".zip"]


# --- mutations of XML text ----------------------------------------------------------------------

def mutate_xml(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(data) + 1) if data else 0
    choice = rng.randrange(8)
    if choice == 0:
        return data[:at], f"truncated at {at}"
    if choice == 1:
        return data[:at] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))) + data[at:], "junk bytes"
    if choice == 2:
        return b"<a>" * 5000 + data + b"</a>" * 5000, "nested 5,000 deep"
    if choice == 3:
        return data.replace(b">", b' x="' + b"A" * 1_000_000 + b'">', 1), "a 1 MB attribute"
    if choice == 4:
        return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data, "DOCTYPE"
    if choice == 5:
        return data[:at] + b"\xff\xfe\xc3" + data[at:], "invalid UTF-8"
    if choice == 6:
        end = data.find(b"</", at)
        return (data[:end] + data[end + 2:], "a closing tag broken") if end >= 0 else (data + b"<", "dangling <")
    chunk = data[at:at + rng.randrange(1, 4096)]
    return data[:at] + chunk * rng.randrange(2, 50) + data[at:], "a slice repeated"


# --- zip operators ------------------------------------------------------------------------------

def zip_members(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def write_members(path: Path, members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> None:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", method) as zf:
        warnings.simplefilter("ignore")  # duplicate names are one of the mutations
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)


def mutate_zip(rng: random.Random, source: Path, work: Path) -> tuple[Path, str, list[str]]:
    target = work / "mutant.zip"
    raw = source.read_bytes()
    members = [(i.filename, d) for i, d in zip_members(source) if not i.is_dir()]
    choice = rng.randrange(7)
    if choice == 0:
        data = bytearray(raw)
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        target.write_bytes(bytes(data))
        return target, "zip bytes flipped", []
    if choice == 1:
        target.write_bytes(raw[:rng.randrange(len(raw))])
        return target, "zip cut short", []
    if choice in (2, 3):
        xml = [i for i, (n, _d) in enumerate(members) if n.lower().endswith(XML_SUFFIXES)]
        i = rng.choice(xml) if xml else 0
        data, how = mutate_xml(rng, members[i][1])
        members[i] = (members[i][0], data)
        write_members(target, members)
        return target, f"{members[i][0]}: {how}", []
    if choice == 4:
        name = rng.choice(["", members[0][0], members[0][0].upper(), "/etc/passwd", "../../x.xml", "a\\..\\..\\b"])
        write_members(target, [*members, (name, b"<x/>")])
        return target, f"a member named {name!r}", []
    if choice == 5:
        write_members(target, [*members, ("Workflows/bomb.xaml", b"\0" * 50_000_000)])
        return target, "a 50 MB member compressed 1000:1", []
    write_members(target, [*members, ("Workflows/big.xaml", os.urandom(1_500_000))], zipfile.ZIP_STORED)
    return target, "a 1.5 MB member with --max-member-mb 1", ["--max-member-mb", "1"]


# --- folder operators ---------------------------------------------------------------------------

def mutate_folder(rng: random.Random, source: Path, work: Path, secret: Path) -> tuple[Path, str, list[str]]:
    target = work / "pkg"
    shutil.copytree(source, target, symlinks=True)
    files = sorted(p for p in target.rglob("*") if p.is_file())
    victim = rng.choice(files)
    rel = victim.relative_to(target).as_posix()
    choice = rng.randrange(8)
    if choice in (0, 1):
        victim = rng.choice([f for f in files if f.suffix.lower() in XML_SUFFIXES] or files)
        data, how = mutate_xml(rng, victim.read_bytes())
        victim.write_bytes(data)
        return target, f"{victim.relative_to(target).as_posix()}: {how}", []
    if choice == 2 and hasattr(os, "mkfifo"):
        victim.unlink()
        os.mkfifo(victim)
        return target, f"{rel} replaced by a FIFO", []
    if choice in (2, 3):
        victim.unlink()
        victim.symlink_to(secret)
        return target, f"{rel} linked to a file outside", []
    if choice == 4:
        victim.unlink()
        victim.symlink_to("/dev/zero")
        return target, f"{rel} linked to /dev/zero", []
    if choice == 5:
        (victim.parent / "loop").symlink_to("..")
        return target, f"{victim.parent.relative_to(target)}/loop linked to its parent", []
    if choice == 6:
        folder = target / "Workflows"
        folder.mkdir(exist_ok=True)
        for _ in range(400):
            folder = folder / "d"
            folder.mkdir()
        (folder / "x.xaml").write_bytes(b"<x/>")
        return target, "a tree 400 folders deep", []
    victim.unlink()
    return target, f"{rel} removed", []


# --- one run ------------------------------------------------------------------------------------

def digest(path: Path) -> str:
    """Names, kinds, contents and link targets; links and FIFOs never opened."""
    h = hashlib.sha256()
    paths = [path] if not path.is_dir() else [path, *sorted(path.rglob("*"))]
    for p in paths:
        mode = p.lstat().st_mode
        h.update(f"{p.relative_to(path.parent)}:{stat.S_IFMT(mode)}:".encode())
        if stat.S_ISREG(mode):
            h.update(p.read_bytes())
        elif stat.S_ISLNK(mode):
            h.update(os.readlink(p).encode())
    return h.hexdigest()


def _limit_memory(max_as: int):
    def apply() -> None:  # in the child, before exec: a runaway read fails instead of filling the machine
        resource.setrlimit(resource.RLIMIT_AS, (max_as, max_as))
    return apply


def _wait(pid: int, deadline: float):
    """os.wait4 until ``deadline``: the exit status and the child's own rusage, or (None, None) once it is
    killed for taking too long."""
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.perf_counter() > deadline:
            os.killpg(pid, 9)
            os.wait4(pid, 0)
            return None, None
        time.sleep(0.02)


def run_one(mutant: Path, flags: list[str], args) -> tuple[str | None, float, float]:
    """Run dvsa on ``mutant``; the first broken promise, or None; wall seconds; peak RSS MiB."""
    out = mutant.parent / "report.json"
    cmd = [sys.executable, "-m", "analyzer", *flags, "check", "--format", "json", "-o", str(out), str(mutant)]
    before = digest(mutant)
    with open(mutant.parent / "stdout", "w+b") as out_fh, open(mutant.parent / "stderr", "w+b") as err_fh:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_fh, stderr=err_fh, cwd=mutant.parent, start_new_session=True,
                                preexec_fn=_limit_memory(args.max_as_mb * 1024 * 1024))
        status, usage = _wait(proc.pid, started + args.timeout)
        seconds = time.perf_counter() - started
        if status is None:
            return f"no answer within {args.timeout} s", seconds, 0.0
        out_fh.seek(0)
        err_fh.seek(0)
        stdout, stderr = out_fh.read(), err_fh.read()
    returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / 1024  # this child's own peak, MiB (os.wait4, not the campaign's)
    err = stderr.decode("utf-8", "replace").strip()
    lines = err.splitlines()
    shown = stdout + stderr + (out.read_bytes() if out.is_file() else b"")
    problems = [
        (returncode not in (0, 1, 2), f"exit {returncode}"),
        (len(lines) > 1, f"{len(lines)} lines on stderr: {lines[-1][:200] if lines else ''}"),
        (returncode == 2 and not err.startswith("error: "), f"exit 2 without an error line: {err[:200]}"),
        (returncode != 2 and err.startswith("error: "), f"an error line without exit 2: {err[:200]}"),
        ("internal error" in err or "Traceback" in err, f"internal error: {err[:300]}"),
        (rss > args.max_rss_mb, f"peak RSS {rss:.0f} MiB"),
        (digest(mutant) != before, "the input changed"),
        (SECRET in shown, "the secret file outside the package was shown"),
    ]
    return next((text for bad, text in problems if bad), None), seconds, rss


def mutant(index: int, args, pool: list[Path], work: Path, secret: Path) -> tuple[Path, str, list[str]]:
    rng = random.Random(f"{args.seed}-{index}")
    source = pool[rng.randrange(len(pool))]
    if source.is_dir():
        path, what, flags = mutate_folder(rng, source, work, secret)
    else:
        path, what, flags = mutate_zip(rng, source, work)
    return path, f"{source.relative_to(source.parents[1])}: {what}", flags


def campaign(args) -> list[Outcome]:
    pool = sources(Path(args.corpus))
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="dvsa-mutants-") as tmp:
        secret = Path(tmp, "secret.xml")
        secret.write_bytes(b"<ImportExportXml>" + SECRET + b"</ImportExportXml>")
        for index in range(args.start, args.start + args.count):
            work = Path(tmp, str(index))
            work.mkdir()
            path, what, flags = mutant(index, args, pool, work, secret)
            problem, seconds, rss = run_one(path, flags, args)
            outcomes.append(Outcome(index, what, problem, seconds, rss))
            if problem:
                print(f"mutant {index}: {what}: {problem}", flush=True)
                if args.keep:
                    shutil.copytree(work, Path(args.keep, str(index)), symlinks=True, dirs_exist_ok=True)
            _remove(work)
    return outcomes


def _remove(folder: Path) -> None:
    """shutil.rmtree recurses once per level: a 400-deep tree is fine, but never trust it with more."""
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--start", type=int, default=0, help="the first mutant's number (replay one with --count 1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per mutant")
    ap.add_argument("--max-rss-mb", type=float, default=400.0, help="peak RSS allowed per run")
    ap.add_argument("--max-as-mb", type=int, default=3072, help="address-space limit of each child")
    ap.add_argument("--keep", help="copy failing mutants here")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    outcomes = campaign(args)
    failed = [o for o in outcomes if o.problem]
    slowest = max(outcomes, key=lambda o: o.seconds)
    print(f"{len(outcomes)} mutants, {len(failed)} broke the contract; slowest {slowest.seconds:.1f} s "
          f"(mutant {slowest.index}: {slowest.what}); peak RSS {max(o.rss_mib for o in outcomes):.0f} MiB; "
          f"{time.perf_counter() - started:.0f} s in all")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
