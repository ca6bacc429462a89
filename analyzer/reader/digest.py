"""Content digests: one short hash of what a component's definition says, computed while the reader has the
element or file in hand, so nothing holds whole bodies afterwards.

Normalised so that the same solution gives the same digests however it is written: a .zip export, its extracted
folder or a SolutionPackager/pac unpacked folder (where a component is written, whitespace and indentation,
attribute order, BOM and line endings, comments, an id's case and braces, empty elements, the file-name elements
that only say where a body is). Also not a change: the order of a comma-separated column list (filtering
attributes, image columns, trigger columns) and the assembly version inside an assembly-qualified type name (a
new build of the assembly is reported on the assembly, not on every step that names one of its types).

``digest_changes`` in analyzer/model.py decides what two digests mean; this module only computes them.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import IO

from lxml import etree

from analyzer.reader.xmlparse import local

# Elements that say where a body is written, not what it is.
_FILE_NAME_ELEMENTS = frozenset({"xamlfilename", "jsonfilename", "filename"})
# Elements whose text is a comma-separated list with no order.
_UNORDERED_LISTS = frozenset({"filteringattributes", "attributes", "triggeronupdateattributelist"})
_ASSEMBLY_VERSION = re.compile(r",\s*Version=\d+(?:\.\d+){0,3}")
_GUID = re.compile(r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?")
_SEP = b"\x00"


def _hasher():
    return hashlib.sha256()


def _finish(h) -> str:
    return h.hexdigest()[:20]


def _norm_text(name: str, value: str | None) -> str:
    value = " ".join((value or "").split())
    if name in _UNORDERED_LISTS and "," in value:
        value = ",".join(sorted({v.strip().lower() for v in value.split(",") if v.strip()}))
    if _GUID.fullmatch(value):  # {20BEBB1B-…} and 20bebb1b-… are one id
        return value.strip("{}").lower()
    return _ASSEMBLY_VERSION.sub("", value)


def _feed(h, elem: etree._Element, skip: frozenset[str]) -> None:
    """Each element as its name, its attributes sorted, its text folded, then its children and an end mark;
    comments, processing instructions and the children named in ``skip`` are left out with their subtrees."""
    stack: list[etree._Element | None] = [elem]
    while stack:
        node = stack.pop()
        if node is None:
            h.update(b"/" + _SEP)
            continue
        name = local(node.tag)
        h.update(b"<" + name.encode() + _SEP)
        for key in sorted(node.attrib, key=local):
            h.update(local(key).encode() + b"=" + _norm_text(local(key), node.attrib[key]).encode() + _SEP)
        h.update(b">" + _norm_text(name, node.text).encode() + _SEP)
        stack.append(None)
        stack.extend(reversed([c for c in node if _kept(c, skip)]))


def _kept(node: etree._Element, skip: frozenset[str]) -> bool:
    """Elements, not comments; not skipped; and not empty (no text, attributes or children): a newer export
    writes ``<EntityHelpUrl></EntityHelpUrl>`` for a field an older one left out, and both say "not set"."""
    if not isinstance(node.tag, str) or local(node.tag) in skip or local(node.tag) in _FILE_NAME_ELEMENTS:
        return False
    return len(node) > 0 or bool(node.attrib) or bool((node.text or "").strip())


def element_digest(elem: etree._Element, skip: frozenset[str] = frozenset()) -> str:
    """The digest of an element and its subtree; children named in ``skip`` (lower-case local names) are
    left out: parts the unpacked layout writes to files of their own, digested on their own."""
    h = _hasher()
    _feed(h, elem, skip)
    return _finish(h)


def json_digest(value: object) -> str:
    """A parsed JSON body (a cloud flow's definition) by its value: key order and layout are not changes."""
    h = _hasher()
    h.update(json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii"))
    return _finish(h)


def content_digest(stream: IO[bytes], chunk: int = 1 << 20) -> str:
    """A file's content (a web resource), read in chunks so a large image is never held whole: a leading BOM
    and CRLF line endings folded (an editor's or a checkout's, not the author's)."""
    h = _hasher()
    first, carry = True, b""
    while data := stream.read(chunk):
        if first and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        first = False
        data = carry + data
        carry = b"\r" if data.endswith(b"\r") else b""
        h.update(data[: len(data) - len(carry)].replace(b"\r\n", b"\n"))
    h.update(carry)
    return _finish(h)
