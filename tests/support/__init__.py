"""Helpers shared by tests: readers of what the renderers produce."""
