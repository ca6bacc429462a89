"""`dvsa check --format html` in a real browser: Debian's chromium driven by Playwright.

Playwright never downloads a browser here: it launches the system chromium (`apt-get install chromium`).
The browser tests skip, saying why, only when chromium or the playwright package is missing; the
escaping tests need no browser. Set DVSA_HTML_SCREENSHOT=docs/html-report.png to refresh the README's
screenshot from this test.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
from collections import Counter
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import main
from analyzer.engine import analyze
from analyzer.report.html import Diagram, custom_messages, render

FIXTURE = str(Path(__file__).resolve().parent.parent / "fixtures" / "solutions" / "contoso_approvals")
HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


@pytest.fixture(scope="module")
def result():
    return analyze([FIXTURE])


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium); the HTML report is not tested in a browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]'); the HTML report is not tested "
                    "in a browser")
    with sync_playwright() as p:
        # --no-sandbox: CI runs as root in a container, where chromium's sandbox cannot start.
        launched = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The report as a user makes it: through the CLI, diagram included."""
    path = tmp_path_factory.mktemp("html") / "report.html"
    # Relative, as people type it: the page (and the README's screenshot) shows the path given.
    run = CliRunner().invoke(main, ["check", os.path.relpath(FIXTURE), "--format", "html", "-o", str(path)])
    assert run.exit_code in (0, 1), run.output  # 1: the fixture has errors; never 2
    return path


def _open(browser, path: Path, **context):
    """A page on ``path`` with every console error, page error, dialog and request recorded."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}, **context).new_page()
    seen = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    return page, seen


def _expect_rows(page, count: int, why: str = "") -> None:
    """The visible findings rows become ``count``. Playwright's expect waits for it: the filters run on
    input events, and Clear (a form reset) applies them in a later task, so a plain count right after
    an action races the page's script."""
    from playwright.sync_api import expect
    expect(page.locator("#findings-table tbody tr:visible"), why).to_have_count(count)


def _searched(f) -> str:
    """The fields the text filter searches, as the page says (rule, message, fix, component, file)."""
    return " ".join([f.rule, f.name, f.severity.value, f.message, f.fix, f.component.key, f.component.name,
                     f.component.solution or "", f.location.path if f.location else ""]).lower()


def test_filters_change_the_visible_rows(browser, report, result, tmp_path):
    page, seen = _open(browser, report)
    findings = result.findings
    _expect_rows(page, len(findings))
    assert page.locator("#f-status").inner_text() == f"Showing {len(findings)} of {len(findings)} findings"

    by_severity = Counter(f.severity.value for f in findings)
    for severity, count in sorted(by_severity.items()):
        page.get_by_label("Severity").select_option(severity)
        _expect_rows(page, count, severity)
        assert page.locator(f"#findings-table tbody tr.sev-row-{severity}:visible").count() == count

    # The component with the most findings, searched by its key: only its findings stay.
    page.get_by_label("Severity").select_option("")
    key, _n = Counter(f.component.key for f in findings).most_common(1)[0]
    page.get_by_label("Text").fill(key.upper())  # the search ignores case
    expected = sum(1 for f in findings if key in _searched(f))
    assert 0 < expected < len(findings)
    _expect_rows(page, expected)

    # Severity and text together: the intersection; a rule alone: that rule's findings.
    severity = Counter(f.severity.value for f in findings if key in _searched(f)).most_common()[-1][0]
    page.get_by_label("Severity").select_option(severity)
    _expect_rows(page, sum(1 for f in findings if key in _searched(f) and f.severity.value == severity))
    page.get_by_role("button", name="Clear").click()
    _expect_rows(page, len(findings))
    rule, rule_count = Counter(f.rule for f in findings).most_common(1)[0]
    page.get_by_label("Rule").select_option(rule)
    _expect_rows(page, rule_count)

    page.get_by_label("Rule").select_option("")
    page.get_by_label("Text").fill("no finding says this")
    _expect_rows(page, 0)
    assert page.locator("#f-none").is_visible()
    page.get_by_role("button", name="Clear").click()

    page.screenshot(path=str(tmp_path / "html-report.png"))
    if target := os.environ.get("DVSA_HTML_SCREENSHOT"):
        page.screenshot(path=target)
    assert seen["errors"] == []
    assert seen["requests"] == [report.as_uri()]  # the page itself, nothing else


def test_sections_show_the_solution(browser, report, result):
    page, seen = _open(browser, report)
    counts = result.summary()
    totals = page.locator(".totals").inner_text()
    assert f"{sum(counts.values())} findings" in totals
    for severity, count in counts.items():
        assert f"{count} {severity}" in totals
    messages = page.locator("#messages article h3")
    assert messages.all_inner_texts() == [result.graph.name(k) for k in custom_messages(result.graph)]
    # A step registered on an action's message is listed among that message's handlers.
    step = next(s for k in custom_messages(result.graph) for s in result.graph.steps_on(k))
    message = result.graph.name(result.graph.message_of(step.key))
    article = page.locator("#messages article").filter(has=page.locator("h3", has_text=message))
    assert step.display in article.inner_text()
    inventory = page.locator("#inventory details summary").all_inner_texts()
    assert f"Plug-in steps ({sum(1 for c in result.solutions[0].components if c.kind == 'step')})" in inventory
    if shutil.which("dot"):
        assert page.locator("#diagram svg").count() == 1
    else:
        assert page.locator("#diagram pre code").count() == 1
    assert seen["errors"] == [] and seen["requests"] == [report.as_uri()]


def test_readable_without_script(browser, report, result):
    page, seen = _open(browser, report, java_script_enabled=False)
    _expect_rows(page, len(result.findings))
    assert not page.locator("#filters").is_visible()  # no controls that would do nothing
    assert seen["requests"] == [report.as_uri()]


def _hostile(result):
    """The fixture's result with package values that try to run script or fetch something."""
    first = result.findings[0]
    component = dataclasses.replace(first.component, name=HOSTILE, key=f"workflow:{HOSTILE}")
    bad = dataclasses.replace(first, message=HOSTILE, component=component, fix=HOSTILE)
    return dataclasses.replace(result, findings=[bad, *result.findings[1:]])


def test_package_values_are_escaped(result, tmp_path):
    out = tmp_path / "hostile.html"
    svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(3)</script></svg>'
    with out.open("w", encoding="utf-8") as fh:
        render(_hostile(result), fh, diagram=Diagram("svg", svg))
    text = out.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "<img src=x" not in text
    assert text.count("<script") == 2  # the JSON blob and the page's own script
    assert "alert(3)" not in text  # an SVG with script is left out, not placed
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in text


def test_hostile_page_runs_nothing(browser, result, tmp_path):
    out = tmp_path / "hostile.html"
    with out.open("w", encoding="utf-8") as fh:
        render(_hostile(result), fh, diagram=Diagram("dot", HOSTILE))
    page, seen = _open(browser, out)
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["requests"] == [out.as_uri()]
    page.get_by_label("Text").fill("onerror=alert(2)")
    _expect_rows(page, 1)  # the hostile text is data the filter finds, not markup


def test_diagram_over_the_limit_is_a_hint(result, tmp_path, monkeypatch):
    """Past max-diagram-nodes the page carries `dvsa graph`'s hint instead of a hairball."""
    drawn = {k for k in result.graph.nodes() if result.graph.node(k).get("kind") not in ("solution", "entity")}
    limit = 3
    assert len(drawn) > limit  # the fixture's diagram is larger than the limit set below
    (tmp_path / "dvsa.toml").write_text(f"max-diagram-nodes = {limit}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, ["check", FIXTURE, "--format", "html", "-o", "report.html"])
    assert run.exit_code in (0, 1), run.output
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    diagram = page[page.index('id="h-diagram"'):page.index('id="inventory"')]
    assert "<svg" not in diagram and "<pre" not in diagram
    assert f"more than max-diagram-nodes ({limit})" in diagram


def test_inventory_of_packages_the_drawn_graph_lacks(result):
    """Two packages of one name: the run's graph holds only the newest, yet both inventories are listed
    (the older one's steps with their messages, as `dvsa inventory` shows them)."""
    from analyzer.graph import DependencyGraph
    out = io.StringIO()
    render(dataclasses.replace(result, graph=DependencyGraph()), out)
    page = out.getvalue()
    inventory = page[page.index('id="inventory"'):]
    steps = [c for c in result.solutions[0].components if c.kind == "step"]
    assert steps
    for step in steps:
        assert escape(step.name) in inventory
    assert escape(result.graph.message_label(steps[0])) in inventory
