"""Renderers: pure functions from plain results to text. They never decide anything."""
