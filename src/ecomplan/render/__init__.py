"""Renderers shared by every report: Markdown (jinja2), Excel (xlsxwriter), terminal (rich)."""
