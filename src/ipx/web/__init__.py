"""Shared pages furniture: base templates, static files, the home page and template helpers."""
