"""MkDocs side of the project: build-time hooks, math rendering, vendored assets."""
