"""The ecosystem check (benchmarks/ecosystem.py): every finding on the real corpus is the committed, reviewed
snapshot, and every error in it has a verdict "true" with the file:line that proves it.

Refresh after a reviewed change: `python -m benchmarks.ecosystem --update`."""

from __future__ import annotations

import pytest

from benchmarks import ecosystem


def test_every_finding_on_real_data_is_reviewed(corpus):
    found = ecosystem.check(ecosystem.snapshot())
    if found:
        pytest.fail("\n".join(found), pytrace=False)


def test_an_error_without_a_verdict_is_reported():
    snap = "check x | DV999 | error | step:1 | a message\ncheck x | DV998 | warning | step:2 | another\n"
    assert ecosystem.problems(snap, []) == ["error without a verdict: check x | DV999 | step:1"]


def test_false_and_stale_verdicts_are_reported():
    snap = "check x | DV999 | error | step:1 | a message\n"
    judged = [ecosystem.Verdict("check x", "DV999", "step:1", "false", "a.xml:3 - the step is valid"),
              ecosystem.Verdict("check x", "DV999", "step:9", "true", "a.xml:9 - gone")]
    assert ecosystem.problems(snap, judged) == [
        "verdict false (a false finding to fix): check x | DV999 | step:1",
        "stale verdict, no such finding: check x | DV999 | step:9",
    ]


def test_a_verdict_line_must_name_its_evidence():
    with pytest.raises(ValueError, match="verdicts.txt:1"):
        ecosystem.verdicts("check x | DV999 | step:1 | true | \n")
