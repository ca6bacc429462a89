"""Shared test helpers: layout converters for fixtures, the corpus location, the CLI runner, golden files."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SOLUTIONS = FIXTURES / "solutions"
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # test data modules such as corpus_expected


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/* from the current output")
    parser.addoption("--update-snapshots", action="store_true",
                     help="rewrite fixtures/rules/*/findings.txt from the current findings")


def zip_folder(folder: Path, target: Path) -> Path:
    """Zip an extracted-layout fixture folder the way 'Export solution' lays it out (files at the root)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return target


# --- layout converters (FORMAT.md section 1) -----------------------------------------------------------------------
# A zip export keeps every component in customizations.xml; an unpacked folder (SolutionPackager / pac) keeps
# Other/Customizations.xml as a shell and writes each component to its own file. Process bodies, assembly .dll
# files, customapis/ and environmentvariabledefinitions/ folders are the same in both. Web resource content is
# the one file that moves: the zip holds it under its flattened <FileName>, the folder beside its .data.xml.

# customizations.xml element -> the container that holds it in customizations.xml
CONTAINERS = {"Workflow": "Workflows", "PluginAssembly": "SolutionPluginAssemblies",
              "SdkMessageProcessingStep": "SdkMessageProcessingSteps", "Entity": "Entities", "Role": "Roles",
              "WebResource": "WebResources", "optionset": "optionsets", "EntityDataProvider": "EntityDataProviders"}
# An unpacked table keeps its forms and views beside its Entity.xml, one file each; a zip holds them inside
# <Entity>: <FormXml><forms type="main"><systemform>, <SavedQueries><savedqueries><savedquery>.
_TABLE_PART = re.compile(r"^(Entities/[^/]+)/(?:FormXml/([^/]+)|SavedQueries)/[^/]+\.xml$", re.IGNORECASE)
_DECLARATION = '\ufeff<?xml version="1.0" encoding="utf-8"?>\n'


def _xml(element) -> bytes:
    return (_DECLARATION + etree.tostring(element, encoding="unicode")).encode("utf-8")


def _field(element, name: str) -> str:
    return (element.findtext(name) or "").strip()




def _parse(data: bytes):
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False))


def folder_members(folder: Path) -> dict[str, bytes]:
    """Every file of a fixture folder by its member name."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def unpacked_to_zip(files: dict[str, bytes]) -> dict[str, bytes]:
    """An unpacked folder's members (Other/Solution.xml …) as the members 'Export solution' writes to a zip."""
    files = dict(files)
    custom_bytes = files.pop("Other/Customizations.xml", b"<ImportExportXml />")
    custom = _parse(custom_bytes)
    members = {"solution.xml": files.pop("Other/Solution.xml")}
    parts = _pop_table_parts(files)
    # SolutionPackager packs Entities/<T>/RibbonDiff.xml into the table's <RibbonDiffXml> (Entity.xml carries an
    # empty one in its place)
    ribbons = {name.rsplit("/", 1)[0].lower(): _parse(files.pop(name)) for name in list(files)
               if re.match(r"^Entities/[^/]+/RibbonDiff\.xml$", name, re.IGNORECASE)}
    moved: dict[str, str] = {}  # web resource content beside its .data.xml -> its flattened zip entry name
    for name, data in files.items():
        # the reader skips *_managed.xml (the managed half of a "Both" unpack), so the zip does not carry it over
        root = _parse(data) if name.lower().endswith(".xml") and not name.lower().endswith("_managed.xml") else None
        tag = etree.QName(root).localname if root is not None else None
        if tag not in CONTAINERS:
            members[name] = data
            continue
        container = custom.find(CONTAINERS[tag])
        if container is None:
            container = etree.SubElement(custom, CONTAINERS[tag])
        container.append(root)
        if tag == "Entity":
            _inline_table_parts(root, parts.get(name.rsplit("/", 1)[0].lower(), []))
            _inline_ribbon(root, ribbons.pop(name.rsplit("/", 1)[0].lower(), None))
        if tag == "WebResource" and _field(root, "FileName"):
            moved[name[: -len(".data.xml")]] = _field(root, "FileName").lstrip("/")
    for beside, entry in moved.items():
        if beside in members:
            members[entry] = members.pop(beside)
    members["customizations.xml"] = _xml(custom)
    return members


def _pop_table_parts(files: dict[str, bytes]) -> dict[str, list[tuple[str | None, object]]]:
    """Take the unpacked forms and views out of ``files``: table folder (lower-case) -> [(form type or None, root)]."""
    parts: dict[str, list] = {}
    for name in [n for n in files if _TABLE_PART.match(n) and not n.lower().endswith("_managed.xml")]:
        match = _TABLE_PART.match(name)
        parts.setdefault(match.group(1).lower(), []).append((match.group(2), _parse(files.pop(name))))
    return parts


def _inline_ribbon(entity, ribbon) -> None:
    if ribbon is None:
        return
    placeholder = entity.find("RibbonDiffXml")
    if placeholder is not None:
        entity.replace(placeholder, ribbon)
    else:
        entity.append(ribbon)


def _inline_table_parts(entity, parts) -> None:
    for form_type, root in parts:
        if form_type is not None:  # <forms> of one form type
            root.set("type", form_type)
        section = "FormXml" if form_type is not None else "SavedQueries"
        holder = entity.find(section)
        if holder is None:
            holder = etree.SubElement(entity, section)
        holder.append(root)


def _table_part_files(entity, folder: str) -> dict[str, bytes]:
    """Move an <Entity>'s inline forms and views out into the files an unpacked table keeps them in."""
    files = {}
    for section, item, id_field in (("FormXml", "systemform", "formid"), ("SavedQueries", "savedquery", "savedqueryid")):
        holder = entity.find(section)
        if holder is None:
            continue
        for group in holder:
            for part in group.findall(item):
                ident = _field(part, id_field).strip("{}").lower()
                where = f"FormXml/{group.get('type')}" if section == "FormXml" else "SavedQueries"
                wrapper = etree.Element(group.tag)
                wrapper.append(part)
                files[f"{folder}/{where}/{{{ident}}}.xml"] = _xml(wrapper)
        entity.remove(holder)
    return files


def _component_file(item, taken: set[str]) -> str:
    """Where SolutionPackager writes one customizations.xml item (a second item with the same name gets a suffix,
    as two components with one id would otherwise overwrite each other)."""
    tag = etree.QName(item).localname
    if tag == "Workflow":
        body = (_field(item, "XamlFileName") or _field(item, "JsonFileName")).lstrip("/")
        name = f"{body}.data.xml" if body else f"Workflows/{item.get('Name')}-{item.get('WorkflowId')}.xaml.data.xml"
    elif tag == "PluginAssembly":
        file_name = _field(item, "FileName").lstrip("/")
        short = (item.get("FullName") or "").split(",")[0].strip()
        folder = f"PluginAssemblies/{short}-{(item.get('PluginAssemblyId') or '').upper()}"
        name = f"{file_name}.data.xml" if file_name else f"{folder}/{short}.dll.data.xml"
    elif tag == "SdkMessageProcessingStep":
        name = f"SdkMessageProcessingSteps/{(item.get('SdkMessageProcessingStepId') or '').lower()}.xml"
    elif tag == "Entity":
        name = f"Entities/{_field(item, 'Name')}/Entity.xml"
    elif tag == "Role":
        name = f"Roles/{item.get('name')}.xml"
    elif tag == "optionset":
        name = f"OptionSets/{item.get('Name')}.xml"
    elif tag == "EntityDataProvider":
        name = f"EntityDataProviders/{{{_field(item, 'EntityDataProviderId').strip('{}').lower()}}}.xml"
    else:  # WebResource: named after the resource, content beside it
        name = f"WebResources/{_field(item, 'Name')}.data.xml"
    stem, dot, ext = name.rpartition(".data.xml") if name.endswith(".data.xml") else name.rpartition(".")
    n = 1
    while name.lower() in taken:
        n += 1
        name = f"{stem} ({n}){dot}{ext}"
    taken.add(name.lower())
    return name


def zip_to_unpacked(files: dict[str, bytes]) -> dict[str, bytes]:
    """A zip's members (solution.xml + customizations.xml …) as SolutionPackager unpacks them into a folder."""
    files = dict(files)
    files.pop("[Content_Types].xml", None)  # pac regenerates it when packing
    members = {"Other/Solution.xml": files.pop("solution.xml")}
    custom = _parse(files.pop("customizations.xml"))
    taken: set[str] = set()
    for container in custom:
        for item in list(container):
            if not isinstance(item.tag, str) or etree.QName(item).localname not in CONTAINERS:
                continue
            name = _component_file(item, taken)
            container.remove(item)
            if etree.QName(item).localname == "Entity":
                members.update(_table_part_files(item, name.rsplit("/", 1)[0]))
            members[name] = _xml(item)
            entry = _field(item, "FileName").lstrip("/")
            if etree.QName(item).localname == "WebResource" and entry in files:
                files[name[: -len(".data.xml")]] = files.pop(entry)
    members["Other/Customizations.xml"] = _xml(custom)
    members.update(files)
    return members


def write_members(members: dict[str, bytes], target: Path) -> Path:
    """Write members as a .zip (target ends in .zip) or as a folder."""
    if target.suffix == ".zip":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
        return target
    for name, data in members.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
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
