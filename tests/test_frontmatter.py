"""The front-matter schema (qbank.frontmatter): one list of fields, used by validation and the reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbank.bank import BankFormatError, read_question
from qbank.frontmatter import FIELD_ORDER, REQUIRED, FieldError, expected, schema_errors

GOOD = {"id": "q-1a2b3c4", "title": "What is dropout?", "topic": "t", "tags": ["dropout"], "difficulty": "easy",
        "status": "unanswered"}


def test_fields_and_required_come_from_the_model() -> None:
    assert FIELD_ORDER[:6] == REQUIRED == ("id", "title", "topic", "tags", "difficulty", "status")
    assert FIELD_ORDER[-1] == "import_digest" and "redirect_from" in FIELD_ORDER
    assert expected("tags") == "a list of text values" and expected("title") == "text"


def test_schema_errors_name_each_field_once() -> None:
    assert schema_errors(GOOD) == []
    meta = {k: v for k, v in GOOD.items() if k != "topic"} | {"tags": ["a", 3], "title": None, "zz": 1, 7: "x"}
    assert schema_errors(meta) == [FieldError("topic", "missing"), FieldError("zz", "unknown"), FieldError("7", "unknown"),
                                   FieldError("title", "type"), FieldError("tags", "type")]
    assert schema_errors(GOOD | {"tags": None, "reviewed": "whenever", "origins": [1]}) == []


def test_the_reader_refuses_what_the_schema_refuses(tmp_path: Path) -> None:
    folder = tmp_path / "questions" / "t"
    folder.mkdir(parents=True)
    path = folder / "what-is-dropout.md"
    path.write_text("---\nid: q-1a2b3c4\ntitle: What is dropout?\ntopic: t\ntags: dropout\ndifficulty: easy\n"
                    "status: unanswered\nunknown: kept for validation\n---\n", encoding="utf-8")
    with pytest.raises(BankFormatError, match="'tags' must be a list of text values"):
        read_question(path, tmp_path)
    path.write_text(path.read_text().replace("tags: dropout", "tags: [dropout]"), encoding="utf-8")
    assert read_question(path, tmp_path).tags == ["dropout"]
