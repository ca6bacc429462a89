"""The shared code model, as ``analyzer.code.model``: defined in ``analyzer.model`` (the graph and the rules see
it there without importing this package) and re-exported here for the language readers."""

from analyzer.model import CodeFile, CodeHandler, MessageCall, SourceLocation

__all__ = ["CodeFile", "CodeHandler", "MessageCall", "SourceLocation"]
