"""Where a source names its origin, ``seeds/sources.yml`` records it and the sources page links it."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbank.site.pages import sources_page
from qbank.source import Source, SourceError, load_sources

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    return {s.id: s for s in load_sources(ROOT / "seeds" / "sources.yml")}


def test_known_origins_are_recorded_as_the_reference_states_them(sources: dict[str, Source]) -> None:
    guide = sources["lazy-ds-guide"]
    assert guide.url == "https://mohitmayank.com/a_lazy_data_science_guide/machine_learning/interview_questions/"
    assert guide.repository == "https://github.com/imohitmayank/a_lazy_data_science_guide"
    assert guide.file == "docs/machine_learning/interview_questions.md"
    qa = sources["github-dl-qa"]
    assert qa.repository == qa.url == "https://github.com/youssefHosni/Data-Science-Interview-Questions"
    assert qa.file == "Deep Learning Questions.md"
    for s in (guide, qa):  # no licence is invented
        assert s.licence == "unknown: no licence file found in the repository"
    assert sources["flashcard-deck"].url is None and sources["flashcard-deck"].licence == "unknown"


def test_sources_page_links_them(sources: dict[str, Source]) -> None:
    page = sources_page(list(sources.values()), [])
    assert ('- **Published at:** <a href="https://mohitmayank.com/a_lazy_data_science_guide/machine_learning/'
            'interview_questions/">') in page
    assert ('- **Source repository:** <a href="https://github.com/imohitmayank/a_lazy_data_science_guide">'
            'https://github.com/imohitmayank/a_lazy_data_science_guide</a>, file '
            '<code>docs/machine_learning/interview_questions.md</code>') in page
    # the Q&A is published where it is kept: one link, not two
    assert page.count('href="https://github.com/youssefHosni/Data-Science-Interview-Questions"') == 1
    assert "<code>Deep Learning Questions.md</code>" in page


@pytest.mark.parametrize("field, value", [
    ("url", "javascript:alert(1)"),
    ("url", "http://example.com/page"),
    ("repository", "https://github.com/a b"),
])
def test_only_https_urls_are_accepted(tmp_path: Path, field: str, value: str) -> None:
    text = (ROOT / "seeds" / "sources.yml").read_text(encoding="utf-8")
    text = text.replace("    format: flashcards\n", f"    format: flashcards\n    {field}: \"{value}\"\n")
    (tmp_path / "sources.yml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="https"):
        load_sources(tmp_path / "sources.yml")


def test_a_file_needs_its_repository(tmp_path: Path) -> None:
    text = (ROOT / "seeds" / "sources.yml").read_text(encoding="utf-8")
    text = text.replace("    format: flashcards\n", "    format: flashcards\n    file: deck.md\n")
    (tmp_path / "sources.yml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="repository"):
        load_sources(tmp_path / "sources.yml")


def test_page_escapes_and_never_links_anything_but_https(sources: dict[str, Source]) -> None:
    # model_construct skips validation: the page must still hold on its own
    bad = Source.model_construct(**{**sources["flashcard-deck"].model_dump(), "id": "bad",
                                    "url": "javascript:alert(1)", "repository": 'https://x.org/"><script>',
                                    "file": "<b>f</b>"})
    page = sources_page([bad], [])
    assert "javascript:" not in page and "<script>" not in page and "<b>" not in page
    assert 'href="https://x.org/&quot;&gt;&lt;script&gt;"' in page
