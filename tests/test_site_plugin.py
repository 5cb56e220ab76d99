"""The site as a MkDocs plugin (``qbank.site.plugin``): how it is registered and configured.

The pages it builds are checked in test_site_build.py; incremental rebuilds (``mkdocs serve
--dirty``) at the end of this file.
"""

from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from conftest import REPO, file_tree, mkdocs_config
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


def test_validate_bank_false_skips_validation(tmp_path: Path):
    docs = tmp_path / "docs"
    bad = docs / "questions" / "foundations" / "bad.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\nid: nope\n---\n\nno front matter to speak of\n", encoding="utf-8")
    p = plugin()
    try:
        with pytest.raises(PluginError, match="problem"):
            p.validate(REPO, docs)
    finally:
        p.on_shutdown()
    plugin(validate_bank=False).validate(REPO, docs)  # nothing raised, no KaTeX started


# -- incremental rebuilds (mkdocs serve --dirty) -------------------------------------------

QUESTION = "questions/activations/explain-the-concept-of-temperature-in-deep-learning.md"

# Two builds in one process with the same plugin instance, as `mkdocs serve --dirty` runs
# them: the first into an empty site, the second after the edit (argv[3] = the new text).
SERVE_TWICE = """
import logging
import sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

project, site, edited, new_text = sys.argv[1:5]
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
config = load_config(str(Path(project) / "mkdocs.yml"), site_dir=site)
config.plugins.on_startup(command="serve", dirty=True)
try:
    build(config, dirty=True)
    Path(edited).write_text(Path(new_text).read_text(encoding="utf-8"), encoding="utf-8")
    config = load_config(str(Path(project) / "mkdocs.yml"), site_dir=site)
    build(config, dirty=True)
finally:
    config.plugins.on_shutdown()
"""


@pytest.mark.xdist_group("incremental")
def test_a_dirty_rebuild_after_editing_one_question_equals_a_clean_build(tmp_path: Path):
    """Aggregates (questions.json, study cards, search index, topic and tag pages) and the
    other question pages that show the edited one (left column, related questions) are
    complete and up to date after an incremental rebuild that renders a few pages only."""
    import os
    import subprocess
    import sys

    from conftest import copy_project, mkdocs_build

    project = copy_project(tmp_path / "project", site=True)
    edited = project / "docs" / QUESTION
    text = edited.read_text(encoding="utf-8")
    new_title = "What does the temperature of a softmax change, in a word?"
    text = re.sub(r"(?m)^title: .*$", f"title: {new_title}", text, count=1)
    text = text.rstrip() + "\n\nA zanzibarish sentence added by the test.\n"
    (tmp_path / "new.md").write_text(text, encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-c", SERVE_TWICE, str(project), str(tmp_path / "served"), str(edited),
                           str(tmp_path / "new.md")], cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stderr.count("qbank: dirty build") == 2, "MkDocs's dirty-build warning is answered (strict mode)"
    clean = mkdocs_build(project, tmp_path / "clean")
    assert clean.returncode == 0, clean.stderr[-4000:]

    served, built = file_tree(tmp_path / "served"), file_tree(tmp_path / "clean")
    # Material's tags export lists only the pages of the last build under --dirty (a
    # limitation of Material's plugin); nothing on the site reads it.
    served.pop("tags.json"), built.pop("tags.json")
    assert sorted(served) == sorted(built)
    assert [p for p in built if served[p] != built[p]] == []
    # ... and the edit is there, in the aggregates and on pages other than its own.
    topic = next(p for p in built if p == "questions/activations/index.html")
    assert new_title in built[topic].decode()
    assert new_title.encode() in built["questions.json"]
    assert b"zanzibarish" in built["study/cards.json"]
    assert any(b"zanzibarish" in data for p, data in built.items() if p.startswith("search/terms/"))
    neighbours = [p for p, data in built.items() if p.startswith("questions/activations/") and p != topic
                  and "explain-the-concept-of-temperature" not in p and new_title.encode() in data]
    assert neighbours, "the left column of the topic's other questions shows the new title"
