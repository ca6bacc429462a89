"""Safe XML parsing and small helpers for the mixed-case solution XML.

DTDs, entities and network access are off: solution XML never has a DOCTYPE, so any
document that declares one is refused (no XXE, no billion laughs). Element names are
matched on their local name, case-insensitively, because the same package mixes
``<Category>`` with ``<bindingtype>`` and ``<optionsets>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from lxml import etree

from analyzer.errors import SolutionError
from analyzer.reader.package import Package

_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False,
                       dtd_validation=False, huge_tree=True, remove_comments=True, remove_pis=True)

# libxml2 calls clr-namespace URIs in XAML "not a valid URI"; that warning is harmless.
_IGNORED_XAML_ERRORS = {"WAR_NS_URI", "WAR_NS_URI_RELATIVE"}


def local(tag) -> str:
    """Lower-cased local name of an element tag (``{ns}Name`` -> ``name``); '' for comments."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _refuse_doctype(package: Package, member: str, tree) -> None:
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise package.error("DOCTYPE/entity declarations are not allowed in solution XML", member, 1)


def _syntax_error(package: Package, member: str, exc: etree.XMLSyntaxError) -> SolutionError:
    line, col = (exc.position if exc.position else (None, None))
    msg = exc.msg if hasattr(exc, "msg") and exc.msg else str(exc)
    # libxml2 appends "(line N, column M)"; we already print the position.
    msg = msg.split(", line ")[0].rstrip()
    return package.error(f"malformed XML: {msg}", member, line or None, col or None)


def parse_member(package: Package, member: str, *, recover: bool = False) -> etree._Element:
    """Parse one member into an element tree; SolutionError on malformed or hostile XML."""
    data = package.read(member)
    return parse_bytes(package, member, data, recover=recover)


def parse_bytes(package: Package, member: str, data: bytes, *, recover: bool = False) -> etree._Element:
    parser = etree.XMLParser(recover=recover, **_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(package, member, exc) from None
    if root is None:
        raise package.error("malformed XML: no root element", member)
    _refuse_doctype(package, member, root.getroottree())
    if recover:
        for entry in parser.error_log:
            if entry.level >= etree.ErrorLevels.ERROR and entry.type_name not in _IGNORED_XAML_ERRORS:
                raise package.error(f"malformed XML: {entry.message.strip()}", member, entry.line or None,
                                    entry.column or None)
    return root


def iter_items(package: Package, member: str, stream: IO[bytes],
               names: Iterable[str]) -> Iterator[etree._Element]:
    """Stream a customizations.xml: yield each item (a grandchild of the root) named in ``names``.

    ``<ImportExportXml><Workflows><Workflow/>…`` yields the <Workflow>. libxml2 filters the tags,
    so Python sees one event per item instead of two per element (names match in their given,
    lower-case and capitalised spellings). Each item is cleared after the caller is done with it,
    and finished sections are dropped, so memory stays flat however large the file.
    """
    spellings = {v for n in names for v in (n, n.lower(), n[:1].upper() + n[1:])}
    context = etree.iterparse(stream, events=("end",), tag=[f"{{*}}{n}" for n in sorted(spellings)],
                              **_PARSER_OPTIONS)
    checked = False
    try:
        for _event, elem in context:
            if not checked:
                _refuse_doctype(package, member, elem.getroottree())
                checked = True
            section = elem.getparent()
            root = section.getparent() if section is not None else None
            if root is None or root.getparent() is not None:
                continue  # an element of the same name nested inside an item: part of that item
            yield elem
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del section[0]
            while section.getprevious() is not None:
                del root[0]
        if context.root is not None:
            _refuse_doctype(package, member, context.root.getroottree())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(package, member, exc) from None


# --- reading fields -------------------------------------------------------------------------

def children(elem: etree._Element, name: str) -> list[etree._Element]:
    name = name.lower()
    return [c for c in elem if local(c.tag) == name]


Fields = dict  # lower-case local name -> first child element of that name


def fields(elem: etree._Element) -> Fields:
    """An element's children by lower-case local name (the first of each), for reading many fields
    of one record without rescanning its children each time."""
    found: Fields = {}
    for c in elem:
        found.setdefault(local(c.tag), c)
    return found


def child(elem: etree._Element | Fields | None, name: str) -> etree._Element | None:
    if elem is None:
        return None
    if isinstance(elem, dict):
        return elem.get(name.lower())
    name = name.lower()
    for c in elem:
        if local(c.tag) == name:
            return c
    return None


def text(elem: etree._Element | Fields | None, name: str | None = None) -> str | None:
    """Stripped text of ``elem`` (or of its child ``name``); None when absent, nil or empty."""
    if elem is not None and name is not None:
        elem = child(elem, name)
    if elem is None or elem.text is None:
        return None
    value = elem.text.strip()
    return value or None


def integer(elem: etree._Element | Fields | None, name: str | None = None) -> int | None:
    value = text(elem, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        try:
            return int(float(value))
        except (ValueError, OverflowError):  # "abc", "nan"; "inf", "1e400", a 5000-digit number
            return None


def flag(elem: etree._Element | Fields | None, name: str | None = None) -> bool:
    value = text(elem, name)
    return value is not None and value.lower() in ("1", "true")


def attr(elem: etree._Element, name: str) -> str | None:
    """Attribute by case-insensitive local name; None when absent or blank."""
    value = elem.get(name)  # the usual spelling first: a dictionary lookup, no scan
    if value is not None:
        value = value.strip()
        return value or None
    name = name.lower()
    for key, value in elem.attrib.items():
        if local(key) == name:
            value = value.strip()
            return value or None
    return None


def csv_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(v.strip().lower() for v in value.split(",") if v.strip())


def line(elem: etree._Element) -> int | None:
    return elem.sourceline or None
