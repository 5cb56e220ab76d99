"""qbank: turn interview-question seeds into an editable Markdown question bank and site.

Pipeline, one module per stage: extract -> normalize -> dedupe -> classify -> bank -> export/site.
"""

__version__ = "0.1.0"
