"""The benchmark generator's output, read in both layouts: the same components and the same findings.

The generator writes one solution as an export zip and as a pac-unpacked folder; any difference
between the two readings is a reader bug in one layout."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, comparable_components

from analyzer.engine import analyze


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--size-mb", "3", "--seed", "11",
                    "--defect-rate", "0.5", "--out", str(out), "-q"], check=True, timeout=120)
    return out


def test_zip_and_unpacked_read_alike(generated):
    zipped = analyze([str(generated / "solution.zip")])
    unpacked = analyze([str(generated / "unpacked")])
    assert len(zipped.solutions[0].components) > 100
    assert comparable_components(zipped.solutions[0]) == comparable_components(unpacked.solutions[0])
    assert [(f.rule, f.component.key) for f in zipped.findings] == [(f.rule, f.component.key) for f in unpacked.findings]
    # Half the modules carry a deliberate mistake, so the checks have something to find.
    assert {"DV101", "DV401"} & {f.rule for f in zipped.findings}
    assert not zipped.errors
