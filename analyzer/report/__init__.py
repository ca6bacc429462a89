"""Renderers: pure functions ``render(result, out, **options)``; they never decide anything."""

from analyzer.report import html, json, sarif, text

FORMATS = {"text": text.render, "json": json.render, "sarif": sarif.render, "html": html.render}
