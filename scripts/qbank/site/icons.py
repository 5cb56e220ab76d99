"""The theme's icons as ``:shortcodes:`` for pymdownx.emoji -- and no emoji.

Why: ``mkdocs.yml`` used Material's ``twemoji`` index, which holds every Twemoji emoji and
every icon of the theme.  An emoji shortcode in a page (``:smile:``) became an ``<img>`` from
cdn.jsdelivr.net, and the site loads nothing from another host; and finding the icons walked
the theme's ~10,000 SVG files at the start of every build (~0.1 s).  The site uses icons only
(the topics' icons on the home page, ``data/topics.yml``).

How: :func:`index` is an ``emoji_index`` for pymdownx.emoji whose emoji are the icons, looked
up when a page names one: ``:material-sine-wave:`` is ``.icons/material/sine-wave.svg`` of the
theme (or of a ``custom_icons`` folder), as Material's own index names them.  Material's
``to_svg`` generator inlines the SVG exactly as before.  Any other ``:word:`` stays text.  The
index is called ``twemoji`` as Material's is, because that name becomes the icon's CSS class
(``<span class="twemoji">``), which Material's stylesheet sizes.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import material

__all__ = ["index"]

THEME_ICONS = Path(material.__file__).resolve().parent / "templates" / ".icons"


class _Icons(dict):
    """``{":set-name:": {"name": ..., "path": ...}}``, filled as pages ask for icons."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__()
        self.roots = roots

    def get(self, shortname: Any, default: Any = None) -> Any:  # what pymdownx.emoji calls
        if not dict.__contains__(self, shortname):
            path = _find(self.roots, shortname) if isinstance(shortname, str) else None
            if path is None:
                return default
            self[shortname] = {"name": shortname, "path": path}
        return dict.__getitem__(self, shortname)

    def __getitem__(self, shortname: Any) -> Any:  # what Material's to_svg calls
        found = self.get(shortname)
        if found is None:
            raise KeyError(shortname)
        return found

    def __contains__(self, shortname: object) -> bool:
        return self.get(shortname) is not None


@functools.cache
def _find(roots: tuple[Path, ...], shortname: str) -> str | None:
    """The SVG file ``:a-b-c:`` names: ``a/b-c.svg``, ``a/b/c.svg``... under the first root that has it."""
    if not (shortname.startswith(":") and shortname.endswith(":")) or "/" in shortname or ".." in shortname:
        return None
    parts = shortname[1:-1].split("-")
    for root in roots:
        for cut in range(1, len(parts)):
            candidate = root.joinpath(*parts[:cut], "-".join(parts[cut:]) + ".svg")
            if candidate.is_file():
                return os.path.normpath(candidate)
    return None


@functools.cache
def _index(custom: tuple[str, ...]) -> dict[str, Any]:
    return {"name": "twemoji", "emoji": _Icons((*map(Path, custom), THEME_ICONS)), "aliases": {}}


def index(options: dict[str, Any], md: Any) -> dict[str, Any]:
    """pymdownx.emoji's ``emoji_index`` (called for every page's Markdown converter)."""
    return _index(tuple(options.get("custom_icons", [])))
