"""Tests for the scraped MkDocs/Material page extractor (seed 000, A Lazy Data Science Guide)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbank.extract import mkdocs_page
from qbank.record import ExtractError, Record

SEEDS = Path(__file__).parents[1] / "seeds"
SEED = SEEDS / "000_d3bd1c64e802493d.txt"
SOURCE = "lazy-data-science-guide"


def _text() -> str:
    return SEED.read_text(encoding="utf-8")


def _lines() -> list[str]:
    return _text().split("\n")


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return mkdocs_page.extract(_text(), SEED.name, SOURCE)


def _by_question(records: list[Record], question: str) -> list[Record]:
    return [r for r in records if r.question == question]


def test_exactly_54_records_numbered_in_order(records: list[Record]) -> None:
    assert len(records) == 54
    assert [r.number for r in records] == list(range(1, 55))
    assert [r.line for r in records] == sorted(r.line for r in records)
    assert all(r.seed == SEED.name and r.source == SOURCE for r in records)


def test_first_and_last_questions(records: list[Record]) -> None:
    assert records[0].question == "What is Deep learning and how is it different from traditional Machine learning?"
    assert records[0].line == 7
    assert records[-1].question == "What is Bradley-Terry model? And how is it used in machine learning?"
    assert records[-1].line == 264
    assert records[-1].answer.endswith("into the training of language models.")


def test_line_points_at_question(records: list[Record]) -> None:
    lines = _lines()
    for rec in records:
        assert lines[rec.line - 1] == rec.question


def test_every_answer_non_empty(records: list[Record]) -> None:
    assert all(r.answered for r in records)
    # no blank lines around the answer (leading indentation of a bullet is kept)
    assert all(r.answer == r.answer.strip("\n").rstrip() for r in records)


def test_entropy_asked_twice_both_kept(records: list[Record]) -> None:
    first = _by_question(records, "What is Entropy (information theory)?")
    second = _by_question(records, "What is entropy in information theory?")
    assert len(first) == 1 and len(second) == 1
    assert (first[0].line, second[0].line) == (32, 166)
    assert first[0].answer != second[0].answer
    assert first[0].answer.startswith("Entropy is a measurement of uncertainty")
    assert second[0].answer.startswith("Entropy is a measure of the amount of uncertainty")


def test_imperative_questions_without_question_mark(records: list[Record]) -> None:
    questions = [r.question for r in records]
    assert "Explain Label smoothing." in questions
    assert "Explain Support Vector Machine (SVM)." in questions


def test_chrome_and_answer_furniture_are_not_questions(records: list[Record]) -> None:
    questions = {r.question for r in records}
    for line in ("Skip to content", "Interview Questions", "Note", "Where:",
                 "Here's how temperature impacts the Softmax function:",
                 "Here is an excellent video from Aurelien Geron, explaining the topic."):
        assert line not in questions
    assert not any("Best of luck" in q or q.startswith("•") for q in questions)


def test_chrome_is_not_in_any_answer(records: list[Record]) -> None:
    for rec in records:
        assert "Skip to content" not in rec.answer
        assert "Best of luck" not in rec.answer


def test_dummy_variable_trap_has_note_admonition(records: list[Record]) -> None:
    (rec,) = _by_question(records, "What is Dummy Variable Trap in ML?")
    assert "\n!!! note\n    If using regularizing, then don't drop a level" in rec.answer
    assert rec.answer.endswith("Refer Damien Martin's Blog")
    assert "\nNote\n" not in rec.answer
    # bullets are left as scraped for the normalize stage
    assert rec.answer.startswith("  • When using linear models")


def test_logits_answer_has_mermaid_fence(records: list[Record]) -> None:
    (rec,) = _by_question(records, "What is the difference between Logits, Soft and Hard targets?")
    expected = ("\n\n```mermaid\ngraph LR\n"
                "    A[Logits] -- normalization --> B[Soft Targets]\n"
                "    B -- encoding --> C[Hard Targets]\n```")
    assert rec.answer.endswith(expected)
    assert "    • Hard targets: are the encoding of the soft targets." in rec.answer


def test_temperature_keeps_math_and_where_verbatim(records: list[Record]) -> None:
    (rec,) = _by_question(records, "Explain the concept of temperature in deep learning?")
    assert "\n\\[P(i) = \\frac{e^{z_i / \\tau}}{\\sum_{j} e^{z_j / \\tau}}\\]\n" in rec.answer
    assert "\nWhere:\n" in rec.answer
    assert "  • \\(P(i)\\) is the probability of class \"i.\"" in rec.answer


def test_video_line_gets_a_note_or_link(records: list[Record]) -> None:
    (rec,) = _by_question(records, "What is entropy in information theory?")
    assert rec.answer.endswith("explaining the topic. " + mkdocs_page.VIDEO_NOTE)
    url = "https://example.org/guide/interview_questions/"
    (linked,) = _by_question(mkdocs_page.extract(_text(), SEED.name, url), rec.question)
    assert linked.answer.endswith(f"explaining the topic. ([watch it on the original page]({url}))")


def test_looks_like() -> None:
    assert mkdocs_page.looks_like(_text())
    for other in sorted(SEEDS.glob("001_*.txt")) + sorted(SEEDS.glob("002_*.txt")):
        assert not mkdocs_page.looks_like(other.read_text(encoding="utf-8")), other.name


def test_truncated_inside_mermaid_raises(tmp_path: Path) -> None:
    lines = _lines()
    # cut mid-line in the diagram body, and cut at a line boundary with a final newline
    for cut in ("\n".join(lines[:46]) + "\n    A[Logits] -- norm",
                "\n".join(lines[:47]) + "\n"):
        path = tmp_path / "cut.txt"
        path.write_text(cut, encoding="utf-8")
        with pytest.raises(ExtractError) as err:
            mkdocs_page.extract(path.read_text(encoding="utf-8"), path.name, SOURCE)
        assert err.value.line == 46
        assert "mermaid" in err.value.message


def test_unclosed_code_fence_raises() -> None:
    text = "Skip to content\n\nWhat is X?\n\nCode:\n\n```python\nprint(1)\n"
    with pytest.raises(ExtractError) as err:
        mkdocs_page.extract(text, "t.txt", SOURCE)
    assert err.value.line == 7


def test_question_inside_fence_is_not_a_heading() -> None:
    text = "Skip to content\n\nWhat is X?\n\n```\n\nWhat is Y?\n\n```\n\nWhat is Z?\n\nZed."
    recs = mkdocs_page.extract(text, "t.txt", SOURCE)
    assert [r.question for r in recs] == ["What is X?", "What is Z?"]
    assert "What is Y?" in recs[0].answer


def test_no_headings_raises() -> None:
    with pytest.raises(ExtractError) as err:
        mkdocs_page.extract("Skip to content\n\nJust a page.\n", "t.txt", SOURCE)
    assert err.value.line == 1


def test_last_heading_without_answer_is_unanswered() -> None:
    recs = mkdocs_page.extract(_text() + "\n\nWhat is a trailing question?\n", SEED.name, SOURCE)
    assert len(recs) == 55
    assert recs[-1].question == "What is a trailing question?" and recs[-1].answer == ""
    assert recs[-2].answer.endswith("into the training of language models.")


def test_material_footer_is_dropped() -> None:
    footer = ("\n\nBack to top\n\nPrevious\n\nData Science Tools\n\nNext\n\nML Projects\n\n"
              "Was this page helpful?\n\nCopyright © 2020 Mohit Mayank\n\nMade with Material for MkDocs\n")
    recs = mkdocs_page.extract(_text() + footer, SEED.name, SOURCE)
    assert len(recs) == 54
    assert recs[-1].answer.endswith("into the training of language models.")
