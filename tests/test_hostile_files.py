"""What a pull request can put in a repository (issue 13): special files, symbolic links, deep and
unreadable trees, huge and oddly named zip members, interrupts, impossible output paths.

dvsa runs in a subprocess with a timeout, so a hang fails the test instead of hanging CI. Each case
ends with one line ``error: …`` and exit 2 (or a clean run), never a traceback, never a changed input.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "solutions" / "contoso_approvals"

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no mkfifo on this platform")
not_root = pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                              reason="root reads any file whatever its permissions")


def dvsa(*args, timeout: float = 60, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "internal error" not in lines[0], lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def digest(folder: Path) -> str:
    """A hash of every name, kind and (regular) content under ``folder``, links not followed."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        h.update(f"{path.relative_to(folder)}:{stat.S_IFMT(mode)}".encode())
        if stat.S_ISREG(mode):
            h.update(path.read_bytes())
        elif stat.S_ISLNK(mode):
            h.update(os.readlink(path).encode())
    return h.hexdigest()


@pytest.fixture
def package(tmp_path) -> Path:
    copy = tmp_path / "repo" / "pkg"
    shutil.copytree(SAMPLE, copy)
    return copy


# --- special files ------------------------------------------------------------------------------

@needs_fifo
@pytest.mark.parametrize("member", ["Other/Customizations.xml",
                                    "Workflows/StampDecisionDate-674E52B8-3C3C-F011-A5D1-7C1E52B80449.xaml",
                                    "Other/unused.data.xml"])
def test_fifo_in_a_folder_is_refused_not_waited_on(package, member):
    target = package / member
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    before = digest(package)
    one_line_error(dvsa("check", package, timeout=30), f"!{member}: not a regular file")
    assert digest(package) == before


def test_character_device_in_a_folder_is_refused(package):
    target = package / "Other" / "Customizations.xml"
    target.unlink()
    try:
        os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # a copy of /dev/zero
    except (PermissionError, AttributeError, OSError):
        pytest.skip("cannot create a device node here")
    one_line_error(dvsa("inventory", package, timeout=30), "Customizations.xml: not a regular file")


@needs_fifo
def test_fifo_and_devices_as_the_path_argument(tmp_path):
    fifo = tmp_path / "export.zip"
    os.mkfifo(fifo)
    one_line_error(dvsa("inventory", fifo, timeout=30), f"{fifo}: not a regular file")
    for device in ("/dev/zero", "/dev/urandom"):
        if os.path.exists(device):
            one_line_error(dvsa("check", device, timeout=30), f"{device}: not a regular file")


@needs_fifo
def test_fifo_as_the_mapping_file(package, tmp_path):
    fifo = tmp_path / "map.xml"
    os.mkfifo(fifo)
    one_line_error(dvsa("check", "--map", fifo, package, timeout=30), "not a regular file")


# --- symbolic links -----------------------------------------------------------------------------

@needs_fifo
def test_fifo_as_the_baseline_or_the_configuration(tmp_path):
    # The baseline and dvsa.toml are opened through the same regular-file policy as packages.
    fifo = tmp_path / "baseline.json"
    os.mkfifo(fifo)
    one_line_error(dvsa("check", SAMPLE, "--baseline", fifo, timeout=30), "not a regular file")
    config = tmp_path / "dvsa.toml"
    os.mkfifo(config)
    one_line_error(dvsa("check", SAMPLE, "--config", config, timeout=30), "not a regular file")


def test_link_to_a_file_outside_the_package_is_refused(package, tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text("<ImportExportXml>TOP-SECRET</ImportExportXml>")
    (package / "Other" / "Customizations.xml").unlink()
    (package / "Other" / "Customizations.xml").symlink_to(secret)
    line = one_line_error(dvsa("check", package, timeout=30), "Customizations.xml: symbolic link points outside")
    assert "TOP-SECRET" not in line


def test_link_to_a_device_is_refused(package):
    (package / "Other" / "extra.xml").symlink_to("/dev/zero")
    one_line_error(dvsa("inventory", package, timeout=30), "extra.xml")


def test_link_inside_the_package_is_followed(package):
    plain = dvsa("inventory", "--format", "json", package)
    real = package / "Other" / "Customizations.xml"
    moved = package / "Other" / "real-customizations.xml.bak"
    real.rename(moved)
    real.symlink_to(moved.name)
    linked = dvsa("inventory", "--format", "json", package)
    assert linked.returncode == 0, linked.stderr
    assert linked.stdout == plain.stdout


def test_link_into_the_repository_needs_follow_symlinks(package):
    repo = package.parent
    (repo / ".git").mkdir()
    shared = repo / "shared"
    shared.mkdir()
    (package / "Other" / "Customizations.xml").rename(shared / "Customizations.xml")
    (package / "Other" / "Customizations.xml").symlink_to(shared / "Customizations.xml")
    one_line_error(dvsa("inventory", package, timeout=30), "--follow-symlinks")
    followed = dvsa("--follow-symlinks", "inventory", package, timeout=30)
    assert followed.returncode == 0, followed.stderr
    assert "ContosoApprovals" in followed.stdout


@pytest.mark.parametrize("make", ["parent", "pair"])
def test_link_loops_are_detected(package, make):
    if make == "parent":
        (package / "Workflows" / "again").symlink_to("..")
    else:
        (package / "Other" / "a.xml").symlink_to("b.xml")
        (package / "Other" / "b.xml").symlink_to("a.xml")
    one_line_error(dvsa("inventory", package, timeout=30), "symbolic link loop")


@needs_fifo
def test_link_loop_as_the_path_argument(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    one_line_error(dvsa("inventory", tmp_path / "a", timeout=30), "symbolic link loop")


# --- deep and unreadable trees ------------------------------------------------------------------

def test_a_folder_1000_levels_deep_is_walked_without_recursion(package):
    folder = package / "WebResources"
    for _ in range(1000):  # os.makedirs itself recurses: make one level at a time
        folder = folder / "d"
        folder.mkdir()
    (folder / "deep.txt").write_text("x")
    try:
        result = dvsa("inventory", package, timeout=60)
    finally:
        (folder / "deep.txt").unlink()
        while folder.name == "d":  # shutil.rmtree (pytest's clean-up) recurses too: undo level by level
            folder.rmdir()
            folder = folder.parent
    assert result.returncode == 0, result.stderr
    assert "ContosoApprovals" in result.stdout


@not_root
def test_unreadable_subfolder_is_an_error_like_an_unreadable_file(package):
    folder = package / "SdkMessageProcessingSteps"
    folder.chmod(0)
    try:
        one_line_error(dvsa("check", package, timeout=30), "SdkMessageProcessingSteps: cannot read folder")
    finally:
        folder.chmod(0o755)
    file = package / "Other" / "Customizations.xml"
    file.chmod(0)
    try:
        one_line_error(dvsa("check", package, timeout=30), "Customizations.xml: cannot read file")
    finally:
        file.chmod(0o644)


# --- zip members: names and sizes -----------------------------------------------------------------

MANIFEST = (SAMPLE / "Other" / "Solution.xml").read_bytes()
CUSTOMIZATIONS = (SAMPLE / "Other" / "Customizations.xml").read_bytes()


def make_zip(path: Path, members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names these tests need
        with zipfile.ZipFile(path, "w", method) as zf:
            for name, data in members:
                zf.writestr(zipfile.ZipInfo(name), data)
    return path


def test_member_with_an_empty_name(tmp_path):
    z = make_zip(tmp_path / "e.zip", [("solution.xml", MANIFEST), ("customizations.xml", CUSTOMIZATIONS), ("", b"x")])
    one_line_error(dvsa("inventory", z), "e.zip: zip has a member with an empty name")


@pytest.mark.parametrize("second", ["customizations.xml", "Customizations.XML"])
def test_members_with_the_same_name(tmp_path, second):
    z = make_zip(tmp_path / "d.zip", [("solution.xml", MANIFEST), ("customizations.xml", CUSTOMIZATIONS),
                                      (second, b"<ImportExportXml/>")])
    one_line_error(dvsa("inventory", z), f"d.zip!{second}: zip has two members of the same name")


def test_member_larger_than_the_limit_is_refused_from_its_header(tmp_path):
    big = b"<ImportExportXml>" + os.urandom(3 * 1024 * 1024).hex().encode() + b"</ImportExportXml>"
    z = make_zip(tmp_path / "big.zip", [("solution.xml", MANIFEST), ("customizations.xml", big)],
                 zipfile.ZIP_STORED)
    one_line_error(dvsa("--max-member-mb", "2", "inventory", z), "big.zip!customizations.xml: member is",
                   "--max-member-mb")
    assert dvsa("--max-member-mb", "8", "check", "--fail-on", "never", z).returncode in (0, 2)


def test_file_that_grows_after_its_size_was_checked_is_stopped_while_reading(package):
    # zipfile itself stops at a member's declared size (then fails its CRC); a folder's file can grow
    # between fstat and read, so the cap counts what is really read.
    from analyzer.errors import SolutionError
    from analyzer.reader.package import Limits, open_package
    member = "Other/Customizations.xml"
    size = (package / member).stat().st_size
    folder = open_package(str(package), Limits(max_member_bytes=size + 10))
    with folder.open(member) as fh:
        with open(package / member, "ab") as grow:
            grow.write(b" " * 4096)
        with pytest.raises(SolutionError, match=f"more than the limit of {size + 10} bytes"):
            while fh.read(1024):
                pass


@pytest.mark.parametrize("layout", ["zip", "folder"])
def test_xaml_and_manifest_are_refused_above_the_whole_read_limit(tmp_path, layout):
    padding = b"<!--" + b"x" * (3 * 1024 * 1024) + b"-->"
    huge_manifest = MANIFEST.replace(b"<ImportExportXml", padding + b"<ImportExportXml", 1)
    if layout == "zip":
        path = make_zip(tmp_path / "m.zip", [("solution.xml", huge_manifest), ("customizations.xml", CUSTOMIZATIONS)],
                        zipfile.ZIP_STORED)
    else:
        path = tmp_path / "pkg"
        shutil.copytree(SAMPLE, path)
        (path / "Other" / "Solution.xml").write_bytes(huge_manifest)
    one_line_error(dvsa("--max-member-mb", "2", "inventory", path), "olution.xml: member is")


def test_error_positions_are_never_negative():
    from analyzer.reader.package import Package
    error = Package("x.zip", []).error("malformed XML: huge node", "customizations.xml", 1, -2147483000)
    assert str(error) == "x.zip!customizations.xml:1: malformed XML: huge node"
    assert Package("x.zip", []).error("m", "a.xml", -5, 3).line is None


# --- interrupts ---------------------------------------------------------------------------------

def _session_processes(sid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == sid:
                    found.append(int(entry))
            except OSError:
                pass
    return found


@pytest.mark.skipif(not Path("/proc").is_dir() or not hasattr(os, "killpg"), reason="needs /proc and process groups")
@pytest.mark.parametrize("how", ["SIGINT to the group", "SIGTERM to dvsa"])
def test_interrupt_during_parallel_check(tmp_path, how):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import scale  # the benchmark's generator: packages slow enough to interrupt while the workers read
    zips = [scale.calls_package(3000).write_zip(tmp_path / f"p{i}.zip") for i in range(3)]
    out = tmp_path / "report.json"
    proc = subprocess.Popen([sys.executable, "-m", "analyzer", "check", "-j", "2", "--format", "json", "-o", out,
                             *zips], stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=tmp_path)
    # Signal once the two workers exist (the handlers are installed before the pool starts): a fixed
    # sleep raced a slow start on a loaded machine. Each package then takes seconds to read.
    deadline = time.monotonic() + 60
    while len(_session_processes(proc.pid)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    if how.startswith("SIGINT"):
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    else:
        os.kill(proc.pid, signal.SIGTERM)  # what a CI runner cancelling the job does
    try:
        err = proc.communicate(timeout=30)[1]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert err.strip() == "error: interrupted"
    time.sleep(0.5)
    assert _session_processes(proc.pid) == []
    assert list(tmp_path.glob("*.json")) == [] and list(tmp_path.glob(".report.json.*")) == []


# --- -o corner cases ----------------------------------------------------------------------------

def test_output_onto_a_folder(tmp_path):
    one_line_error(dvsa("check", "--format", "json", "-o", tmp_path, SAMPLE),
                   f"{tmp_path}: cannot write the output file (is a folder")
    one_line_error(dvsa("graph", "--format", "dot", "-o", tmp_path, SAMPLE), f"{tmp_path}: cannot write the output file")


def test_output_onto_a_full_device():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    one_line_error(dvsa("check", "--format", "text", "-o", "/dev/full", SAMPLE),
                   "/dev/full: cannot write the output file (No space")
    one_line_error(dvsa("baseline", "-o", "/dev/full", SAMPLE), "/dev/full: cannot write the output file")


def test_output_into_a_read_only_folder(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere it has a writable file system; /sys refuses even root
        if not os.path.isdir("/sys"):
            pytest.skip("no read-only folder for root here")
        target = Path("/sys/dvsa-report.json")
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        target = folder / "report.json"
    one_line_error(dvsa("check", "-o", target, SAMPLE), f"{target}: cannot write the output file")
    assert not target.exists()


@needs_fifo
def test_output_onto_a_fifo_nobody_reads(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    one_line_error(dvsa("check", "-o", fifo, SAMPLE, timeout=30), "a FIFO that no process reads")


# --- the mutation campaign, bounded -------------------------------------------------------------

def test_bounded_mutation_campaign(capsys):
    """A few dozen mutants of the corpus and fixtures (benchmarks/mutate.py documents the long campaign):
    every one keeps the contract. ``DVSA_MUTANTS=10000`` runs the long one here."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import mutate
    count = int(os.environ.get("DVSA_MUTANTS", "20"))
    status = mutate.main(["--count", str(count), "--seed", os.environ.get("DVSA_MUTANT_SEED", "13")])
    report = capsys.readouterr().out
    assert f"{count} mutants, 0 broke the contract" in report, report
    assert status == 0


# --- output and time linear in the components (DV204, DV210, DV106, DV107) -------------------------

def _scale():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import scale
    return scale


def _check(tmp_path, package, *rules):
    from analyzer.engine import analyze
    path = package.write_zip(tmp_path / "scale.zip")
    return analyze([str(path)], select=list(rules)).findings


def test_many_duplicate_steps_relate_linearly(tmp_path):
    n = 300
    findings = _check(tmp_path, _scale().steps_package(n), "DV204", "DV210")
    for rule in ("DV204", "DV210"):
        mine = [f for f in findings if f.rule == rule]
        assert len(mine) == n - 1
        assert sum(len(f.related) for f in mine) == (n - 1) + (n - 2)  # the group once, then one each
        assert max(len(f.message) for f in mine) < 3000
    first = min((f for f in findings if f.rule == "DV204"), key=lambda f: f.component.key)
    assert first.message.endswith(" and 288 more")  # 298 other duplicates: 10 named, then a count


def test_deep_call_graph_is_reported_once_per_start_and_loop(tmp_path):
    scale = _scale()
    findings = _check(tmp_path, scale.calls_package(50), "DV106", "DV107")
    deep = [f for f in findings if f.rule == "DV107"]
    assert len(deep) == 50 and all("9 messages deep" in f.message for f in deep)
    loops = [f for f in findings if f.rule == "DV106"]
    assert len(loops) == 1  # a 30-action loop is one strongly connected component
    assert loops[0].component.key == f"workflow:{scale.guid(4, 100)}"
    assert loops[0].message.count("whose workflow invokes") == scale.CHAIN - 1


def test_a_loop_with_two_cycles_is_one_finding_naming_the_rest(tmp_path):
    from analyzer import builder as b
    scale = _scale()
    invokes = {0: [1], 1: [0, 2], 2: [1]}  # A <-> B <-> C: two cycles, one loop

    def xaml(targets):
        return "".join(scale._invokes(t) for t in targets)

    actions = tuple(b.action(scale.guid(4, i), f"A{i}", f"A{i}", scale.guid(5, i), xaml=xaml(t))
                    for i, t in invokes.items())
    findings = _check(tmp_path, b.Package(b.Manifest("TwoCycles"), workflows=actions), "DV106")
    assert len(findings) == 1
    assert findings[0].message.endswith("again; the same loop also takes in action contoso_A2")
    assert sorted(findings[0].related) == ["sdk_message:contoso_a0", "sdk_message:contoso_a1",
                                           f"workflow:{scale.guid(4, 1)}", f"workflow:{scale.guid(4, 2)}"]


def test_folder_with_more_files_than_the_member_limit(package):
    from analyzer.errors import SolutionError
    from analyzer.reader.package import Limits, open_package
    files = sum(1 for p in package.rglob("*") if p.is_file())
    assert open_package(str(package), Limits(max_members=files)).names
    with pytest.raises(SolutionError, match=f"folder has more than {files - 1} files"):
        open_package(str(package), Limits(max_members=files - 1))
