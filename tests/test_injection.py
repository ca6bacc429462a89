"""A pull request controls the names in a package: no format may print a line that a CI agent would execute.

The hostile package is written with analyzer.builder (both layouts): a classic workflow whose name carries an
Azure logging command, CR/LF and a GitHub workflow command; an action with Markdown, HTML, a mention and a link
in its name; a step with a bidi override; a solution whose unique name breaks lines. Every command's output, on
stdout and stderr, is read line by line the way the agents read it (``ReadLine``: CR or LF ends a line):

- Azure Pipelines runs ``##vso[`` anywhere in a line; GitHub runs ``::cmd::`` at a line start after white space
  and ``##[cmd]`` anywhere (actions/runner ``ActionCommand.TryParseV2`` / ``TryParse``);
- so a line is inert when it holds no CR, no other control or format character, no ``##vso[`` or ``##[``, and
  does not start with ``::``. ``--format github`` and ``--format azure`` print commands of their own: one a
  finding, parsed here as the agents parse them, with nothing else in them that is a command.
"""

from __future__ import annotations

import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import cmarkgfm
import pytest
from click.testing import CliRunner
from cmarkgfm.cmark import Options

from analyzer import builder as b
from analyzer import inert
from analyzer.cli import main
from analyzer.report import markdown

HOSTILE = "Stamp ##vso[task.setvariable variable=DVSA_GATE]skip\r\n::error file=x::injected ##[error]old"
MARKUP = "**bold** _em_ [link](https://evil.example) <img src=x onerror=alert(1)> @octocat `code` | www.evil.example #1"
BIDI = "Post \u202egnp.exe\u2066 Update\u2028::warning::y"
SOLUTION = "Contoso\r::notice::z"

CREATE = b.CREATE_MESSAGE
TYPE = b.PluginType("e1800000-0000-4000-8000-000000000001", "Contoso.Plugins.Stamp")
ASM = b.PluginAssembly("c1800000-0000-4000-8000-000000000001",
                       "Contoso.Plugins, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef", (TYPE,))
MESSAGE = "d1800000-0000-4000-8000-000000000001"


def package(version: str = "1.0.0.0", *, renamed: bool = False) -> b.Package:
    stamp = b.Workflow("a1800000-0000-4000-8000-000000000001", HOSTILE + (" 2" if renamed else ""), state=0,
                       primary_entity="account")
    action = b.action("a1800000-0000-4000-8000-000000000002", "Check Status", "CheckStatus", MESSAGE, state=0)
    on_action = b.Step("b1800000-0000-4000-8000-000000000001", MARKUP, MESSAGE, ASM.type_name(TYPE.class_name),
                       plugin_type_id=TYPE.id)
    on_create = b.Step("b1800000-0000-4000-8000-000000000002", BIDI, CREATE, ASM.type_name(TYPE.class_name),
                       plugin_type_id=TYPE.id, stage=20, mode=1, primary_entity="account")
    return b.Package(b.Manifest(SOLUTION, version=version), workflows=(stamp, action), assemblies=(ASM,),
                     steps=(on_action, on_create))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    return {"unpacked": package().write_folder(root / "unpacked"),
            "zip": package().write_zip(root / "hostile.zip"),
            "old": package("1.0.0.0").write_folder(root / "old"),
            "new": package("1.1.0.0", renamed=True).write_folder(root / "new")}


def run(*args) -> tuple[str, str, int]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.stdout, result.stderr, result.exit_code


COMMAND = re.compile(r"##(?:vso)?\[", re.IGNORECASE)
UNSAFE = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def agent_lines(output: str) -> list[str]:
    """Lines as the agents' ReadLine splits them: at CR, LF or CRLF."""
    return re.split(r"\r\n|\r|\n", output)


def assert_inert(line: str) -> None:
    assert not any(unicodedata.category(c) in UNSAFE for c in line if c != "\t"), repr(line)
    assert not COMMAND.search(line), line
    assert not line.lstrip().startswith("::"), line


def assert_all_inert(output: str) -> None:
    assert output  # something was printed, or there is nothing to prove
    for line in agent_lines(output):
        assert_inert(line)


def test_the_fixture_is_hostile(hostile):
    """The names reach the findings as written: what the reports must defuse is really there."""
    out, _, _ = run("check", hostile["unpacked"], "--format", "json", "--fail-on", "never")
    messages = " ".join(f["message"] for f in json.loads(out)["findings"])
    assert HOSTILE in messages and MARKUP in messages and SOLUTION in json.loads(out)["solutions"][0]["unique_name"]
    assert "\u202e" in json.dumps(json.loads(out), ensure_ascii=False)


def test_inert_text_escapes_and_defuses():
    assert inert.text(HOSTILE) == ("Stamp ##vso\\[task.setvariable variable=DVSA_GATE]skip\\r\\n::error file=x::"
                                   "injected ##\\[error]old")
    assert inert.text("  ::set-output name=x::y") == "  \\::set-output name=x::y"
    assert inert.text("a\x1b[31mb\u202ec\u2066\x85\ud800") == "a\\x1b[31mb\\u202ec\\u2066\\x85\\ud800"
    assert inert.text("##VSO[task.complete]") == "##VSO\\[task.complete]"
    assert inert.lines("ok\n\x1b[1mbold\x1b[0m ##vso[x]", color=True) == "ok\n\x1b[1mbold\x1b[0m ##vso\\[x]"
    assert inert.lines("a\x1b[2Jb", color=True) == "a\\x1b[2Jb"  # colour only: not a screen clear
    assert json.loads(inert.json_dumps({"n": HOSTILE + "\u2028"}, ensure_ascii=False)) == {"n": HOSTILE + "\u2028"}


HUMAN = ["text", "concise", "markdown", "junit", "html"]


@pytest.mark.parametrize("layout", ["unpacked", "zip"])
@pytest.mark.parametrize("fmt", [*HUMAN, "json", "sarif"])
def test_check_prints_nothing_an_agent_runs(hostile, layout, fmt):
    out, err, code = run("check", hostile[layout], "--format", fmt)
    assert code == 1, err  # DV101: the step is on a Draft action
    assert_all_inert(out)
    if err:
        assert_all_inert(err)
    if fmt in ("json", "sarif"):  # exact data: the names come back whole
        doc = json.loads(out)
        messages = ([f["message"] for f in doc["findings"]] if fmt == "json"
                    else [r["message"]["text"] for r in doc["runs"][0]["results"]])
        assert any(HOSTILE in m for m in messages)


def _runner_commands(line: str) -> tuple[str, dict[str, str], str] | None:
    """actions/runner ActionCommand.TryParseV2: the command, its properties and its data, unescaped."""
    text = line.lstrip()
    if not text.startswith("::"):
        return None
    end = text.index("::", 2)
    name, _, props = text[2:end].partition(" ")
    pairs = dict(p.split("=", 1) for p in props.split(",") if "=" in p)
    unescape = {"%0D": "\r", "%0A": "\n", "%25": "%"}
    data = re.sub("%0D|%0A|%25", lambda m: unescape[m.group()], text[end + 2:])
    return name, pairs, data


@pytest.mark.parametrize("layout", ["unpacked", "zip"])
def test_github_annotations_are_the_only_commands(hostile, layout):
    out, _, _ = run("check", hostile[layout], "--format", "github")
    shown = json.loads(run("check", hostile[layout], "--format", "json")[0])["findings"]
    lines = out.splitlines()
    assert len(lines) == len(shown) and "\r" not in out
    for line in lines:
        name, props, data = _runner_commands(line)
        assert name in ("error", "warning", "notice") and set(props) <= {"file", "line", "title"}
        assert not COMMAND.search(line)  # no old-style command for a runner that read it so
        message, _, fix = data.partition("\nFix: ")
        assert_inert(message) and assert_inert(fix)  # the annotation's own text: our one line break only


@pytest.mark.parametrize("layout", ["unpacked", "zip"])
def test_azure_issues_are_the_only_commands(hostile, layout):
    out, _, _ = run("check", hostile[layout], "--format", "azure")
    shown = json.loads(run("check", hostile[layout], "--format", "json")[0])["findings"]
    lines = agent_lines(out.rstrip("\n"))
    issues = [line for line in lines if COMMAND.search(line)]
    assert len(issues) == sum(1 for f in shown if f["severity"] != "note") and len(lines) == len(shown)
    for line in issues:  # one command, at the start; its properties the four we write
        assert line.startswith("##vso[task.logissue ") and len(COMMAND.findall(line)) == 1
        props = dict(p.split("=", 1) for p in line[len("##vso[task.logissue "):line.index("]")].split(";"))
        assert set(props) <= {"type", "sourcepath", "linenumber", "code"} and props["type"] in ("error", "warning")
        assert_inert(line[line.index("]") + 1:])
    for line in set(lines) - set(issues):
        assert line.startswith("note: ") and "Stamp ##vso\\[task.setvariable" in out
        assert_inert(line)


def test_inventory_rules_order_dependents_and_diff(hostile):
    for args in (["inventory", hostile["unpacked"]], ["inventory", hostile["zip"], "--format", "csv"],
                 ["inventory", hostile["unpacked"], "--format", "json"], ["rules"], ["rules", "DV101"],
                 ["order", hostile["unpacked"]], ["order", hostile["unpacked"], "--format", "json"],
                 ["dependents", hostile["unpacked"], "--of", "contoso_CheckStatus"],
                 ["dependents", hostile["unpacked"], "--of", "contoso_CheckStatus", "--format", "json"],
                 ["diff", hostile["old"], hostile["new"]], ["diff", hostile["old"], hostile["new"], "--format",
                                                            "markdown"],
                 ["diff", hostile["old"], hostile["new"], "--format", "concise"]):
        out, err, _ = run(*args)
        assert_all_inert(out)
        if err:
            assert_all_inert(err)
    out, _, _ = run("inventory", hostile["unpacked"])
    assert inert.text(HOSTILE) in out  # whole: no cut in a pipe, one line
    diff_text, _, _ = run("diff", hostile["old"], hostile["new"])
    assert inert.text(HOSTILE + " 2") in diff_text


def test_error_lines_on_stderr_are_inert(tmp_path):
    missing = tmp_path / f"x{HOSTILE}\x1b[2J"
    _, err, code = run("check", missing)
    assert code == 2 and err.count("\n") == 1
    assert_all_inert(err)
    broken = tmp_path / f"{SOLUTION}##vso[task.complete]"
    (broken / "Other").mkdir(parents=True)
    (broken / "Other" / "Solution.xml").write_text("<ImportExportXml><Broken")
    _, err, code = run("check", broken)
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert_all_inert(err)


class _Cells(HTMLParser):
    """The text and the elements inside each table cell and list item of rendered Markdown."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[list[str], str]] = []
        self._open: list[tuple[list[str], list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "li"):
            self._open.append(([], []))
        elif self._open:
            self._open[-1][0].append(tag)

    def handle_endtag(self, tag):
        if tag in ("td", "li") and self._open:
            tags, text = self._open.pop()
            self.cells.append((tags, "".join(text)))

    def handle_data(self, data):
        if self._open:
            self._open[-1][1].append(data)


def rendered(text: str) -> _Cells:
    """Markdown as GitHub renders it (cmark-gfm with its table, autolink, strikethrough and tag filter), raw
    HTML let through so that any HTML a name smuggled in would show as an element."""
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    cells = _Cells()
    cells.feed(html)
    return cells


def shown(value: str) -> str:
    """What a reader sees of a value: the inert text, without the zero-width spaces that break mentions."""
    return inert.text(value)


@pytest.mark.parametrize("layout", ["unpacked", "zip"])
def test_markdown_names_stay_text(hostile, layout):
    out, _, _ = run("check", hostile[layout], "--format", "markdown")
    findings = json.loads(run("check", hostile[layout], "--format", "json")[0])["findings"]
    cells = rendered(out).cells
    messages = [(tags, text) for tags, text in cells if any(text.replace("\u200b", "") == shown(f["message"])
                                                            for f in findings)]
    assert len(messages) == len(findings)  # every message cell renders as exactly its text
    assert all(tags == [] for tags, _ in messages)  # no link, emphasis, code, image or HTML inside
    keys = [(tags, text) for tags, text in cells if tags == ["code"] and text.startswith(("step:", "workflow:"))]
    assert {text for _, text in keys} >= {f["component"]["key"] for f in findings if f["component"]["key"][:4]
                                          in ("step", "work")}
    assert "@\u200boctocat" in out.replace("&#8203;", "\u200b")  # no mention


def test_diff_markdown_names_stay_text(hostile):
    out, _, _ = run("diff", hostile["old"], hostile["new"], "--format", "markdown")
    items = [text for tags, text in rendered(out).cells if not tags]
    texts = [i.replace("\u200b", "") for i in items]  # the renamed workflow, "changed (name)", as its text
    assert any(t.startswith(f"workflow '{shown(HOSTILE + ' 2')}' (name ") for t in texts), texts
    assert f"solution {shown(SOLUTION)} (version 1.0.0.0 → 1.1.0.0)" in texts
    assert "\\|" not in "".join(items)  # a pipe escaped for a table shows no backslash anywhere
    assert {tag for tags, _ in rendered(out).cells for tag in tags} <= {"ul", "code"}  # lists, and the keys


def test_markdown_escapes_render_back_to_the_text():
    for value in (MARKUP, HOSTILE, BIDI, "a|b", "(<FileName>)", "x_y_z", "`", "``a`", "\\*", "&amp;", "$x$"):
        [(tags, text)] = rendered(f"| h |\n|---|\n| {markdown.text(value)} |\n").cells
        assert tags == [] and text.replace("\u200b", "") == inert.text(value), value
        [(tags, text)] = rendered(f"| h |\n|---|\n| {markdown.code(value)} |\n").cells
        assert tags == ["code"] and text == inert.text(value), value


def test_sarif_paths_and_messages_keep_the_data(hostile):
    doc = json.loads(run("check", hostile["unpacked"], "--format", "sarif")[0])
    texts = [r["message"]["text"] for r in doc["runs"][0]["results"]]
    assert any(HOSTILE in t for t in texts)
    for r in doc["runs"][0]["results"]:
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert "\n" not in uri and "\r" not in uri  # percent-encoded, and the same file when decoded
        assert "%0D%0A" in uri or r["ruleId"] != "DV108" or "Stamp" not in r["message"]["text"]
        assert Path(unquote(uri.removeprefix("file://"))).exists()
