"""Renderers: a Report as JSON, CSV, Markdown, a table or HTML."""
