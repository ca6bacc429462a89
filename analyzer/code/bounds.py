"""The bounds of every parse of code (issue 19): what a pull request puts beside a solution, or ships as a
script web resource, must not stall the gate or exhaust its memory.

A file is not parsed, and the reason is counted where skipped files are reported (``sources.SourceScan``, and
``CodeFile.skipped`` for a package's scripts), when it is

- binary: a NUL or many control bytes, or mostly not UTF-8 (tree-sitter's error recovery on 8 MB of random
  bytes takes minutes and over 1 GiB);
- bigger than ``MAX_PARSE_BYTES`` (hand-written scripts and classes are far smaller; a 2 MB script parses in
  about a second and 80 MB);
- nested deeper than ``MAX_NESTING`` brackets (100,000 nested calls, 1,500 nested classes: code no one writes,
  and the walks over it grow with the square of the depth);
- still parsing after ``MAX_SECONDS`` (tree-sitter's own cancellation, through its progress callback).

Chains that nest without brackets (``a.b().c()…`` 50,000 long, ``1+1+…``) are parsed; the query engine that
finds the nodes the readers look at starts no match deeper than ``MAX_TREE_DEPTH`` (``bounded_cursor``), so
nodes deeper than that are not seen.
"""

from __future__ import annotations

import time
from itertools import accumulate

MAX_PARSE_BYTES = 4 * 1024 * 1024
MAX_NESTING = 256
MAX_SECONDS = 10.0
MAX_TREE_DEPTH = 1000
_CHUNK = 64 * 1024

# bytes that never occur in text: C0 controls other than tab, newlines, form feed and escape, and DEL
_CONTROL = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32), 127])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_BRACKETS = b"()[]{}"
_NOT_BRACKET = bytes(b for b in range(256) if b not in _BRACKETS)
_STEP = {ord("("): 1, ord("["): 1, ord("{"): 1, ord(")"): -1, ord("]"): -1, ord("}"): -1}


class NotParsed(Exception):  # noqa: N818 - a reason, not a failure: the file is skipped and counted
    """A file left unparsed; ``reason`` is how the skip is counted ("binary files")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_binary(data: bytes) -> bool:
    """A NUL, over 1% control bytes, or over 5% of the characters not UTF-8: not a source file. A script saved
    in Windows-1252 (an accent here and there) is text."""
    if b"\x00" in data:
        return True
    if len(data.translate(None, _NOT_CONTROL)) * 100 > len(data):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
        return text.count("\ufffd") * 20 > len(text)
    return False


def nesting(data: bytes) -> int:
    """The deepest bracket nesting, counted over the bytes (brackets in strings and comments count too: an
    estimate, only compared with ``MAX_NESTING``)."""
    brackets = data.translate(None, _NOT_BRACKET)
    return max(accumulate(_STEP[b] for b in brackets), default=0)


def check(data: bytes) -> None:
    """Raise ``NotParsed`` when ``data`` is not to be parsed."""
    if len(data) > MAX_PARSE_BYTES:
        raise NotParsed(f"files over {MAX_PARSE_BYTES // (1024 * 1024)} MiB")
    if is_binary(data):
        raise NotParsed("binary files")
    if nesting(data) > MAX_NESTING:
        raise NotParsed(f"files nested over {MAX_NESTING} deep")


def parse(parser, data: bytes):
    """``data`` checked, then parsed by ``parser`` within ``MAX_SECONDS``; ``NotParsed`` otherwise."""
    check(data)
    deadline = time.monotonic() + MAX_SECONDS

    def read(offset: int, _point) -> bytes:
        return data[offset:offset + _CHUNK]

    def cancel(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() > deadline

    try:
        tree = parser.parse(read, progress_callback=cancel)
    except ValueError as e:  # tree-sitter reports a cancelled parse as "Parsing failed"
        raise NotParsed(f"files still parsing after {MAX_SECONDS:g} s") from e
    # A tree parsed from a callback fetches each node's text through it; parsed again from the bytes with
    # itself as the old tree (nothing changed: every node reused, well under a millisecond) it holds them.
    return parser.parse(data, old_tree=tree)


def bounded_cursor(cursor):
    """A query cursor that starts no match deeper than ``MAX_TREE_DEPTH``: a query over a 50,000-deep chain
    otherwise takes a minute."""
    cursor.set_max_start_depth(MAX_TREE_DEPTH)
    return cursor
