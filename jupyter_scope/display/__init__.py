"""Displays: renderers of a ScopeReport (text, static HTML, the widget). They never touch TF."""
