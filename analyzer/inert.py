"""What makes a line of output inert: the one place that decides how text from a package is printed.

Names, paths and messages come from the package, which a pull request controls, and CI agents execute some
of what a step prints:

- the Azure Pipelines agent runs a logging command found anywhere in a line: ``##vso[`` (its ``Command.TryParse``
  looks for it with ``IndexOf``), and reads stderr as well as stdout; its log viewer renders ``##[group]``,
  ``##[error]``…;
- the GitHub runner runs ``::command …::data`` when a line starts with ``::`` after leading white space
  (``ActionCommand.TryParseV2``: ``message.TrimStart()`` then ``StartsWith("::")``) and the older ``##[command]``
  anywhere in a line (``ActionCommand.TryParse``: ``IndexOf("##[")``);
- both read lines with ``ReadLine``, so a CR or LF inside a name starts a new line, and a terminal obeys escape
  sequences and bidirectional overrides (U+202E shows text reversed).

So every value from a package is passed through ``text`` before a human-readable format prints it: control and
format characters become visible escapes (``\\n``, ``\\r``, ``\\x1b``, ``\\u202e``), ``##vso[`` and ``##[`` get a
backslash before the bracket (``##vso\\[``), and a leading ``::`` becomes ``\\::``. The CLI passes each whole
stream through ``lines`` as well, which makes the same substitutions line by line, so a renderer that forgot a
value still prints nothing an agent executes. JSON keeps the data exact: ``json_text`` writes the ``#`` of those
sequences as ``\\u0023``, which a JSON reader decodes back.
"""

from __future__ import annotations

import json
import re
import unicodedata

# Cc: C0, DEL, C1. Cf: bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069), marks (U+200E, U+200F,
# U+061C), zero-width characters, the BOM. Zl/Zp: U+2028/U+2029, line breaks to some readers. Cs: a lone surrogate
# (an undecodable file name) cannot even be encoded.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# the commands an agent finds anywhere in a line; case-insensitive, as the agent's own neutraliser is
_ANYWHERE = re.compile(r"(##(?:vso)?)\[", re.IGNORECASE)
_LEADING = re.compile(r"^(\s*)::")
# colour, as click.style writes it (Select Graphic Rendition): the one escape sequence a coloured stream may keep
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES


def _visible(text: str, keep: str = "") -> str:
    return "".join(_escape(ch) if ch not in keep and _unsafe(ch) else ch for ch in text)


def _defused(line: str) -> str:
    return _LEADING.sub(r"\1\\::", _ANYWHERE.sub(r"\1\\[", line))


def text(value: object) -> str:
    """A value from a package as a part of one line that no CI agent or terminal acts on."""
    return _defused(_visible(str(value)))


def lines(output: str, *, color: bool = False) -> str:
    """A whole human-readable output made inert line by line: what ``text`` does to a value, except that LF
    (and tab) stay as they are, and click's colour codes too when ``color``."""
    if color:
        parts = _SGR.split(output)
        codes = _SGR.findall(output)
        escaped = [_visible(part, keep="\n\t") for part in parts]
        output = "".join(p + c for p, c in zip(escaped, [*codes, ""], strict=True))
    else:
        output = _visible(output, keep="\n\t")
    return "\n".join(_defused(line) for line in output.split("\n"))


def is_inert(line: str) -> bool:
    """What the tests assert of every printed line: nothing above would change it."""
    return "\n" not in line and lines(line) == line


_JSON_COMMANDS = re.compile(r"#(?=#(?:vso)?\[)", re.IGNORECASE)
_JSON_UNSAFE = re.compile("[\u0080-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def json_text(text: str) -> str:
    """Serialized JSON made inert without changing what it means: a ``#`` that starts ``##vso[`` or ``##[`` (which
    can only be inside a string) and C1, bidi and line-separator characters (written raw by ``ensure_ascii=False``)
    become ``\\uXXXX`` escapes. Indented JSON never starts a line with ``::``."""
    text = _JSON_COMMANDS.sub(r"\\u0023", text)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_dumps(value: object, **options) -> str:
    return json_text(json.dumps(value, **options))
