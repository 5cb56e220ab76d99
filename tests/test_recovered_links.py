"""Links the scrape of seed 000 lost, recovered into ``data/recovered_links.yml`` and written
back by the pipeline (``qbank.recovered_links``).

The data file is cross-checked against the page's original Markdown, which is *evidence*,
not an input: it lives in ``<repo>/../shared/reference/`` (CI has ``../shared`` beside the
clone).  That test fails, rather than skips, when the reference is missing, so a CI run can
never pass without having checked the URLs.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from qbank.extract import extract_file
from qbank.normalize import normalize_answer
from qbank.pipeline import Project, normalize_record, normalize_records
from qbank.record import Record
from qbank.recovered_links import RecoveredLinkError, RecoveredLinks

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "recovered_links.yml"
SEED = ROOT / "seeds" / "000_d3bd1c64e802493d.txt"
REFERENCE = ROOT.parent / "shared" / "reference" / "lazy-ds-guide-interview_questions.md"


@functools.cache
def links() -> RecoveredLinks:
    return RecoveredLinks.load(DATA)


@functools.cache
def normalized() -> dict[int, Record]:
    """Seed 000 through the pipeline's normalize stage, by question line."""
    records = normalize_records(extract_file(SEED, "lazy-ds-guide", "mkdocs-page"), Project(ROOT))
    return {r.line: r for r in records}


def owner(line: int) -> Record:
    return max((r for r in normalized().values() if r.line < line), key=lambda r: r.line)


def test_twelve_lost_links_in_eleven_answers_are_recorded() -> None:
    entries = links().links
    assert {e.source for e in entries} == {"lazy-ds-guide"}
    assert len({(e.line, e.context) for e in entries}) == 12  # "Refer ..." texts
    assert len({owner(e.line).line for e in entries}) == 11  # question pages
    unrecovered = [e for e in entries if e.url is None]
    assert [(e.line, e.text) for e in unrecovered] == [(14, "Wikipedia")]


@pytest.mark.parametrize("entry", links().links, ids=lambda e: f"line{e.line}-{e.text[:12]}")
def test_entry_matches_its_seed_line(entry) -> None:
    seed_line = SEED.read_text(encoding="utf-8").split("\n")[entry.line - 1]
    assert entry.context in seed_line
    assert entry.comment.strip()


@pytest.mark.parametrize("entry", [e for e in links().links if e.url], ids=lambda e: f"line{e.line}-{e.text[:12]}")
def test_link_is_written_into_the_answer(entry) -> None:
    answer = owner(entry.line).answer
    assert f"[{entry.text}]({entry.url})" in answer
    assert normalize_answer(answer).text == answer  # a re-normalized bank answer keeps its links


def test_before_and_after_on_real_answers() -> None:
    bradley_terry = normalized()[264].answer
    assert bradley_terry.splitlines()[0].endswith(
        "Refer: [Wikipedia](https://en.wikipedia.org/wiki/Bradley%E2%80%93Terry_model)")
    assert "Refer [Paper 1](https://arxiv.org/pdf/1906.02629.pdf) or [Paper 2](https://arxiv.org/pdf/2011.12562.pdf)" \
        in normalized()[106].answer
    dummy = normalized()[11].answer
    assert "Refer [Damien Martin's Blog](https://kiwidamien.github.io/" in dummy
    assert 'impossible." Refer Wikipedia' in dummy  # not recovered: left as it was


def test_a_stale_entry_is_an_error(tmp_path: Path) -> None:
    data = tmp_path / "recovered_links.yml"
    data.write_text(DATA.read_text(encoding="utf-8").replace('"Refer: Wikipedia"', '"Refer to Wikipedia"'),
                    encoding="utf-8")
    records = list(normalized().values())
    with pytest.raises(RecoveredLinkError, match="Refer to Wikipedia.*found 0 times"):
        RecoveredLinks.load(data).apply(records)


def test_an_entry_past_the_end_of_a_truncated_seed_has_nothing_to_apply_to() -> None:
    """Its question went with the cut lines (the import's shrink check reports that); an entry
    whose line is still in the seed must still match."""
    records = [normalize_record(r) for r in extract_file(SEED, "lazy-ds-guide", "mkdocs-page")
               if r.line < 264]  # Bradley-Terry (line 264) and its answer cut off
    seed = records[0].seed
    assert not any("arxiv.org/pdf/1906.02629.pdf" in r.answer for r in records)
    out = links().apply(records, {seed: 263})
    assert not any("Bradley%E2%80%93Terry" in r.answer for r in out)
    assert any("arxiv.org/pdf/1906.02629.pdf" in r.answer for r in out)  # earlier entries still applied
    with pytest.raises(RecoveredLinkError, match="found 0 times"):
        links().apply(records, {seed: 271})  # the same records, but the seed claims the line is there


def test_only_https_urls_are_accepted(tmp_path: Path) -> None:
    data = tmp_path / "recovered_links.yml"
    data.write_text(DATA.read_text(encoding="utf-8").replace("https://arxiv.org/abs/1410.3916",
                                                             "javascript:alert(1)"), encoding="utf-8")
    with pytest.raises(RecoveredLinkError, match="https"):
        RecoveredLinks.load(data)


def test_the_repository_does_not_read_the_reference() -> None:
    for path in [*ROOT.joinpath("scripts").rglob("*.py"), ROOT / "mkdocs.yml", ROOT / "Makefile"]:
        assert "shared/reference" not in path.read_text(encoding="utf-8"), path


# -- the evidence -----------------------------------------------------------------------------

def _plain(markdown: str) -> str:
    """Markdown line -> its words: links to their text, emphasis and code marks dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return " ".join(re.sub(r"[*`_]", "", text).split())


def _question_block(reference: list[str], line: int) -> tuple[str, list[str]]:
    """The ``#### question`` heading at or before ``line`` (1-based) and its block."""
    start = max(k for k in range(line) if reference[k].strip().startswith("#### "))
    end = next((k for k in range(start + 1, len(reference)) if reference[k].strip().startswith("#### ")), len(reference))
    return reference[start].strip()[5:], reference[start:end]


def test_every_url_is_backed_by_the_reference() -> None:
    assert REFERENCE.is_file(), (
        f"{REFERENCE} is missing: the reference must be checked out beside the repository "
        "(CI provides ../shared); this test is never skipped")
    reference = REFERENCE.read_text(encoding="utf-8").split("\n")
    seed = SEED.read_text(encoding="utf-8").split("\n")
    for e in links().links:
        question = owner(e.line).question
        if e.match == "not-found":
            heading, block = _question_block(reference, next(
                k + 1 for k, line in enumerate(reference) if _plain(line.replace("#### ", "")) == _plain(question)))
            assert f"[{e.text}](" not in "\n".join(block), e
            continue
        assert e.reference_line is not None
        ref_line = reference[e.reference_line - 1]
        assert f"]({e.url})" in ref_line, e
        heading, _ = _question_block(reference, e.reference_line)
        if e.match != "inferred":
            assert f"[{e.text}]({e.url})" in ref_line, e
        if e.match == "same-sentence":
            # the words before the link in the seed are the words before it in the reference
            before = _plain(seed[e.line - 1][: seed[e.line - 1].index(e.context) + e.context.index(e.text)])
            window = _plain(" ".join(reference[e.reference_line - 2: e.reference_line]))
            assert " ".join(before.split()[-6:]) in window, e
            assert _plain(heading) == _plain(question), e
        elif e.match == "same-question":
            assert _plain(heading) == _plain(question), e
        else:  # inferred: the question is gone, the URL is the page's
            assert not any(_plain(line.replace("#### ", "")) == _plain(question) for line in reference), e
