"""Hostile and broken input: exit 2 with one line naming the file, never a traceback or a changed input."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

MANIFEST = b"""<ImportExportXml><SolutionManifest><UniqueName>Evil</UniqueName><Version>1.0</Version>
<Managed>0</Managed><Publisher><UniqueName>p</UniqueName><CustomizationPrefix>p</CustomizationPrefix></Publisher>
</SolutionManifest></ImportExportXml>"""
CUSTOMIZATIONS = b"<ImportExportXml><Workflows/></ImportExportXml>"


def run_dvsa(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", "inventory", *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def test_xxe_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://' + str(secret).encode()
            + b'">]><ImportExportXml><SolutionManifest><UniqueName>&xxe;</UniqueName></SolutionManifest></ImportExportXml>')
    z = make_zip(tmp_path / "xxe.zip", {"solution.xml": evil, "customizations.xml": CUSTOMIZATIONS})
    line = assert_one_line_error(run_dvsa(z), "xxe.zip!solution.xml", "DOCTYPE")
    assert "TOP-SECRET" not in line


def test_billion_laughs_is_refused(tmp_path):
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    evil = f'<!DOCTYPE x [{entities}]><ImportExportXml><Workflows>&a9;</Workflows></ImportExportXml>'.encode()
    z = make_zip(tmp_path / "laughs.zip", {"solution.xml": MANIFEST, "customizations.xml": evil})
    line = assert_one_line_error(run_dvsa(z), "laughs.zip!customizations.xml")
    # Refused either for declaring a DTD or by libxml2's entity-amplification guard; never expanded.
    assert "DOCTYPE" in line or "entity amplification" in line


def test_zip_bomb_is_refused(tmp_path):
    bomb = b"<ImportExportXml>" + b" " * (40 * 1024 * 1024) + b"</ImportExportXml>"
    z = make_zip(tmp_path / "bomb.zip", {"solution.xml": MANIFEST, "customizations.xml": bomb})
    assert z.stat().st_size < 1_000_000
    assert_one_line_error(run_dvsa(z), "bomb.zip", "compression ratio")


def test_dot_dot_member_is_refused(tmp_path):
    z = make_zip(tmp_path / "slip.zip", {"solution.xml": MANIFEST, "customizations.xml": CUSTOMIZATIONS,
                                          "../../etc/evil.xml": b"<x/>"})
    assert_one_line_error(run_dvsa(z), "slip.zip", "..")


def test_absolute_member_is_refused(tmp_path):
    z = make_zip(tmp_path / "abs.zip", {"solution.xml": MANIFEST, "/etc/evil.xml": b"<x/>"})
    assert_one_line_error(run_dvsa(z), "abs.zip", "absolute")


def test_truncated_zip(tmp_path):
    good = make_zip(tmp_path / "good.zip", {"solution.xml": MANIFEST, "customizations.xml": CUSTOMIZATIONS * 200})
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert_one_line_error(run_dvsa(cut), "cut.zip")


def test_non_zip_file(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello")
    assert_one_line_error(run_dvsa(f), "notes.txt", "not a solution")


def test_empty_folder(tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    assert_one_line_error(run_dvsa(d), "empty", "empty")


def test_folder_without_manifest(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "readme.txt").write_text("x")
    assert_one_line_error(run_dvsa(tmp_path / "pkg"), "Other/Solution.xml")


def test_missing_path(tmp_path):
    assert_one_line_error(run_dvsa(tmp_path / "nope.zip"), "nope.zip", "no such file")


def test_malformed_xml_names_member_line_and_column(tmp_path):
    broken = b"<ImportExportXml>\n<Workflows>\n  <Workflow WorkflowId='{x}'>\n</ImportExportXml>"
    z = make_zip(tmp_path / "broken.zip", {"solution.xml": MANIFEST, "customizations.xml": broken})
    line = assert_one_line_error(run_dvsa(z), "broken.zip!customizations.xml:4:")
    assert "malformed XML" in line


def test_not_a_manifest(tmp_path):
    z = make_zip(tmp_path / "other.zip", {"solution.xml": b"<Something/>", "customizations.xml": CUSTOMIZATIONS})
    assert_one_line_error(run_dvsa(z), "other.zip!solution.xml", "not a solution manifest")


def test_debug_shows_traceback(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello")
    result = subprocess.run([sys.executable, "-m", "analyzer", "--debug", "inventory", str(f)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_input_is_never_changed(tmp_path):
    z = make_zip(tmp_path / "ok.zip", {"solution.xml": MANIFEST, "customizations.xml": CUSTOMIZATIONS})
    before = hashlib.sha256(z.read_bytes()).hexdigest()
    mtime = z.stat().st_mtime_ns
    result = run_dvsa(z, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert hashlib.sha256(z.read_bytes()).hexdigest() == before and z.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.zip"]  # nothing extracted beside it


def test_limits_are_configurable(tmp_path):
    """A 3 MB member compressed ~1000:1 passes with a generous --max-ratio and fails with the default."""
    body = b"<ImportExportXml>" + b" " * (3 * 1024 * 1024) + b"</ImportExportXml>"
    z = make_zip(tmp_path / "airy.zip", {"solution.xml": MANIFEST, "customizations.xml": body})
    assert_one_line_error(run_dvsa(z), "compression ratio")
    ok = subprocess.run([sys.executable, "-m", "analyzer", "--max-ratio", "5000", "inventory", str(z)],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    small = subprocess.run([sys.executable, "-m", "analyzer", "--max-ratio", "5000", "--max-unzipped-mb", "1",
                            "inventory", str(z)], capture_output=True, text=True, timeout=60)
    assert small.returncode == 2 and "limit" in small.stderr
