"""The site as a MkDocs plugin (``qbank.site.plugin``): how it is registered and configured.

The pages it builds are checked in test_site_build.py; incremental rebuilds (``mkdocs serve
--dirty``) at the end of this file.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from conftest import REPO, mkdocs_config
from qbank.site.plugin import QbankPlugin


def plugin(**options) -> QbankPlugin:
    p = QbankPlugin()
    errors, warnings = p.load_config(options)
    assert not errors and not warnings
    return p


def test_the_package_registers_the_plugin():
    (ep,) = [ep for ep in entry_points(group="mkdocs.plugins") if ep.name == "qbank"]
    assert ep.load() is QbankPlugin


def test_mkdocs_yml_lists_it_after_materials_search_and_tags():
    config = mkdocs_config()
    assert "hooks" not in config
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert names[-1] == "qbank"
    assert names.index("search") < names.index("tags") < names.index("qbank")


def test_options_are_typed():
    assert plugin().config.validate_bank is True
    assert plugin(validate_bank=False).config.validate_bank is False
    errors, _ = QbankPlugin().load_config({"validate_bank": "no"})
    assert errors and errors[0][0] == "validate_bank"


def test_validate_bank_false_skips_validation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("QBANK_SKIP_VALIDATE", raising=False)
    docs = tmp_path / "docs"
    bad = docs / "questions" / "foundations" / "bad.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\nid: nope\n---\n\nno front matter to speak of\n", encoding="utf-8")
    p = plugin()
    try:
        with pytest.raises(PluginError, match="problem"):
            p._validate(REPO, docs)
    finally:
        p.on_shutdown()
    plugin(validate_bank=False)._validate(REPO, docs)  # nothing raised, no KaTeX started
    monkeypatch.setenv("QBANK_SKIP_VALIDATE", "1")  # the deprecated alias
    plugin()._validate(REPO, docs)
