"""Code beside a solution: the messages scripts and classes call, and the messages classes handle.

The shared code model (``MessageCall``, ``CodeHandler``, ``CodeFile``) lives in ``analyzer.model`` so the
graph and the rules can see it without importing this package; it is re-exported here. This package reads
files (like the reader): the reader calls ``read_code`` for each script web resource of a package, the engine
calls ``sources.scan`` for ``--sources DIR``; the graph never imports it.

``READERS`` maps a file extension to the function that parses such a file: ``(data, path, caller) ->
CodeFile``. JavaScript and TypeScript are ``analyzer.code.javascript``; another language plugs in with one
entry.
"""

from __future__ import annotations

from collections.abc import Callable

from analyzer.code import csharp, javascript
from analyzer.code.bounds import NotParsed
from analyzer.model import CodeFile, CodeHandler, MessageCall, SourceLocation

__all__ = ["BATCH_READERS", "MINIFIED", "READERS", "CodeFile", "CodeHandler", "MessageCall", "SourceLocation",
           "is_minified", "read_code"]

# A file this big whose lines average this long is a minified bundle (jquery.min.js: 87 KB in 2 lines), not
# code a team writes: skipped and counted. Hand-written scripts average 30-60 characters a line.
MINIFIED_BYTES = 64 * 1024
MINIFIED_LINE = 300
MINIFIED = "minified bundles"  # how a skipped bundle is counted


def _script(language: str) -> Callable[[bytes, str, str], CodeFile]:
    def read(data: bytes, path: str, caller: str) -> CodeFile:
        shown = "typescript" if language != "javascript" else "javascript"
        if is_minified(data):
            return CodeFile(path, shown, skipped=MINIFIED)
        try:
            return CodeFile(path, shown, calls=javascript.find_calls(data, path, caller, language))
        except NotParsed as e:  # analyzer.code.bounds: binary, too big, too deep, too slow
            return CodeFile(path, shown, skipped=e.reason)
    return read


READERS: dict[str, Callable[[bytes, str, str], CodeFile]] = {
    ext: _script(language) for ext, language in javascript.LANGUAGES.items()}
# Languages whose files are read together (a C# request class in one file, instantiated in another):
# extension -> function of [(path, data)] -> CodeFiles. ``sources.scan`` gathers them and calls it once.
BATCH_READERS: dict[str, Callable[[list[tuple[str, bytes]]], list[CodeFile]]] = {".cs": csharp.read_files}


def is_minified(data: bytes) -> bool:
    return len(data) > MINIFIED_BYTES and len(data) / (data.count(b"\n") + 1) > MINIFIED_LINE


def read_code(data: bytes, path: str, caller: str, extension: str = ".js") -> CodeFile | None:
    """``data`` parsed by the reader of ``extension``; None when no reader knows the extension. A file left
    unparsed (a minified bundle, or out of ``analyzer.code.bounds``) is a CodeFile whose ``skipped`` says why."""
    reader = READERS.get(extension.lower())
    return reader(data, path, caller) if reader is not None else None
