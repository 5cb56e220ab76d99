"""MkDocs side of the project: the `qbank` plugin, math rendering, vendored assets."""
