"""Smoke test of the benchmark's synthetic data (benchmarks.bench); nothing here is timed."""

from __future__ import annotations

import pytest

from qbank.bank import read_question, render
from benchmarks.bench import SEED, dedupe_quality, generate_records, synthetic_bank
from qbank.taxonomy import Taxonomy
from qbank.dedupe import dedupe
from qbank.pipeline import normalize_record
from qbank.repo import repo_root

N = 300


@pytest.fixture(scope="module")
def data():
    return generate_records(N, SEED)


def test_same_seed_gives_identical_records(data):
    again = generate_records(N, SEED)
    assert [r.to_dict() for r in again.records] == [r.to_dict() for r in data.records]
    assert again.base == data.base and again.kind == data.kind


def test_other_seed_gives_other_records(data):
    other = generate_records(N, SEED + 1)
    assert [r.question for r in other.records] != [r.question for r in data.records]


def test_shape_of_the_data(data):
    assert len(data.records) == N
    # ~10 % near-duplicates: binomial(300, 0.1) is 30 ± 5; 15..50 is far outside noise.
    assert 15 <= len(data.injected) <= 50
    origins = {(r.source, r.line) for r in data.records}
    assert len(origins) == N, "origin handles must be unique (dedupe overrides name records by them)"
    firsts: dict[int, str] = {}
    for r, b, kind in zip(data.records, data.base, data.kind):
        if kind is None:
            assert b not in firsts
            firsts[b] = r.question
        else:
            assert b in firsts, "a near-duplicate always follows its original"
            assert r.question != firsts[b]
    assert len(set(firsts.values())) == len(firsts), "distinct questions have distinct texts"
    answered = [r for r in data.records if r.answer]
    assert len(answered) > 0.8 * N
    assert any("\\(" in r.answer or "$$" in r.answer for r in answered)
    assert any("•" in r.answer for r in answered)


def test_dedupe_finds_injected_near_duplicates_without_false_merges(data):
    result = dedupe([normalize_record(r) for r in data.records])
    q = dedupe_quality(data, result.groups)
    assert q["near_duplicates_found"] > 0
    # Recall is ~85 % here (74-96 % over seeds 1-30): dedupe misses, by design or
    # known limitation, comma-led word orders ("In the context of Y, explain X." reads as
    # a compound ask) and typos in short words.  Below 50 % something broke.  (At 300
    # records no blocking key is common enough to be dropped; recall at scale is the
    # benchmark's business, not this test's.)
    assert q["recall"] >= 0.5, q["recall_by_kind"]
    # False merges are worse than missed ones (dedupe's own rule).  At this size the
    # generator (seeds 1-40 checked) produces none; at 100k the bench reports the rare
    # ones it finds, with examples.
    assert q["merged_pairs_different_questions"] == 0, q["false_merge_examples"]


def test_synthetic_bank_files_are_valid(tmp_path):
    taxonomy = Taxonomy.load(repo_root() / "data")
    questions = synthetic_bank(60, SEED)
    assert len({q.path for q in questions}) == len(questions)
    assert any(q.meta["math"] for q in questions)
    for q in questions:
        assert q.topic in taxonomy.topic_ids
        assert set(q.tags) <= set(taxonomy.tag_ids)
        path = tmp_path / q.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(q), encoding="utf-8")
        back = read_question(path, tmp_path)
        assert (back.id, back.title, back.topic, back.tags) == (q.id, q.title, q.topic, q.tags)
        assert [a.source for a in back.answers] == [a.source for a in q.answers]
