"""mkdocs-jupyter's plugin, loaded without importing nbconvert and jupytext.

Why: importing mkdocs-jupyter imports nbconvert (through its ``convert`` module) and jupytext:
about 0.5 s of the site's ~5 s build, spent first, on one core, before anything else can run.
The build process itself never converts a notebook -- the build helper does
(:mod:`qbank.site.notebooks_ahead`) -- so it needs neither module.

How: ``mkdocs.yml`` names this entry point (``qbank-jupyter``) where it would name
``mkdocs-jupyter``.  Before importing mkdocs-jupyter's plugin, this module puts a stand-in for
each of the two modules in ``sys.modules``; the first use of one of their attributes imports the
real module, in whatever process that is (the helper, or the build when it converts a notebook
itself).  The plugin class, its options and the code that converts are mkdocs-jupyter's own.

Upgrade risk: if a newer mkdocs-jupyter uses either module while it loads or in an event the
build runs, the real module is imported there: the build is as fast as without this module, and
as correct.  ``tests/test_notebooks.py`` checks that loading the configuration imports neither.
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from typing import Any

__all__ = ["DEFERRED", "Plugin"]

DEFERRED = ("jupytext", "mkdocs_jupyter.convert")


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module until one of its attributes is asked for."""

    def __getattr__(self, name: str) -> Any:  # only for what the stand-in lacks: all but its name
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def _defer(name: str) -> None:
    if name in sys.modules:  # imported already (another plugin, a test): nothing to save
        return
    stand_in = _Deferred(name)
    sys.modules[name] = stand_in
    package, _, child = name.rpartition(".")
    if package:  # ``from . import convert`` reads the package's attribute
        setattr(importlib.import_module(package), child, stand_in)


for _name in DEFERRED:
    _defer(_name)
# What importing traitlets (nbconvert's) did here: its logger gets a NullHandler, so that its
# records -- e.g. nbconvert's warnings, which the helper sends back to the build -- are dropped,
# not printed by logging's last-resort handler.
logging.getLogger("traitlets").addHandler(logging.NullHandler())

from mkdocs_jupyter.plugin import Plugin  # noqa: E402 - after the stand-ins, which is the point
