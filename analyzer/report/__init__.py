"""Renderers: pure functions ``render(result, out, **options)``; they never decide anything."""

from analyzer.report import json, sarif, text

FORMATS = {"text": text.render, "json": json.render, "sarif": sarif.render}
