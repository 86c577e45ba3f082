"""Saved listing searches and their alerts on new listings."""
