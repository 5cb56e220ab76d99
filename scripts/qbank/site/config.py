"""The options of the ``qbank`` MkDocs plugin (:mod:`qbank.site.plugin`), as ``mkdocs.yml`` sets them::

    plugins:
      - search
      - tags
      - qbank:
          validate_bank: false   # tests only: skip `qbank validate` at the start of the build
"""

from __future__ import annotations

from mkdocs.config.base import Config
from mkdocs.config.config_options import ListOfItems, Type


class QbankConfig(Config):
    """Typed options; MkDocs checks them when it loads ``mkdocs.yml``."""

    # Run `qbank validate` on the whole bank first; any error fails the build.  False is for
    # tests only (the output gate must hold on its own).
    validate_bank = Type(bool, default=True)

    # What `mkdocs serve` watches besides docs/ (relative to mkdocs.yml): a change there
    # rebuilds every page, also under `--dirty`.
    watch = ListOfItems(Type(str), default=["data", "seeds/sources.yml", "overrides"])


__all__ = ["QbankConfig"]
