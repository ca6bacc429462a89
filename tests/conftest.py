"""Shared test helpers: zipping unpacked fixtures, the corpus location, the CLI runner, golden files."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SOLUTIONS = FIXTURES / "solutions"
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # test data modules such as corpus_expected


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/* from the current output")


def zip_folder(folder: Path, target: Path) -> Path:
    """Zip an extracted-layout fixture folder the way 'Export solution' lays it out (files at the root)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return target


def comparable_components(solution) -> dict:
    """Inventory records by key, without where each was read from (paths differ between layouts)."""
    from analyzer.inventory import component_record
    records = {}
    for c in solution.components:
        record = component_record(c)
        for volatile in ("source", "body_path", "file_path"):
            record.pop(volatile, None)
        records[c.key] = record
    return records


@pytest.fixture
def zip_fixture(tmp_path):
    def make(folder: Path | str, name: str | None = None) -> Path:
        folder = Path(folder)
        return zip_folder(folder, tmp_path / (name or f"{folder.name}.zip"))
    return make


@pytest.fixture(scope="session")
def runner():
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """Run ``dvsa`` in-process; assert the exit code; re-raise unexpected exceptions."""
    from analyzer.cli import main

    def run(code: int, args: list[str]):
        result = runner.invoke(main, [str(a) for a in args])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, f"exit {result.exit_code}, expected {code}\n{result.output}"
        return result
    return run


@pytest.fixture
def corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus folder {CORPUS} is absent; real-solution tests need ../shared/corpus beside the checkout")
    return CORPUS


@pytest.fixture
def golden(request):
    """Compare text with tests/golden/<name>, or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = ROOT / "tests" / "golden" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"golden file {path} missing; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8")
    return check
