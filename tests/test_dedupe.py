"""Tests for ``qbank.dedupe``: the merges on the real seeds, and the rules on synthetic records."""

from __future__ import annotations

import functools
import random
from collections import Counter
from pathlib import Path

import pytest

from qbank import dedupe as dd
from qbank.dedupe import Overrides, Shape, dedupe, origin_handle, question_key, question_shape
from qbank.pipeline import Project, run
from qbank.record import Record

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def result():
    return run(Project(ROOT))


def _question_of(result, handle: str):
    """The one bank question whose origins include ``handle`` (``<source>:<line>``)."""
    found = [q for q in result.questions if any(f"{o.source}:{o.line}" == handle for o in q.origins)]
    assert len(found) == 1, (handle, [q.id for q in found])
    return found[0]


# --- the real seeds --------------------------------------------------------------------


def test_per_source_counts(result):
    counts = Counter(r.source for r in result.records)
    assert counts == {"lazy-ds-guide": 54, "github-dl-qa": 44, "flashcard-deck": 37}
    assert len(result.records) == 135


def test_exactly_the_expected_merges(result):
    merged = {frozenset(origin_handle(r) for r in g) for g in result.dedupe.groups if len(g) > 1}
    assert merged == {
        frozenset({"lazy-ds-guide:32", "lazy-ds-guide:166"}),     # entropy, asked twice in 000
        frozenset({"lazy-ds-guide:98", "flashcard-deck:322"}),    # gradient descent
        frozenset({"lazy-ds-guide:28", "github-dl-qa:4"}),        # batch norm (override)
        frozenset({"lazy-ds-guide:50", "github-dl-qa:3"}),        # overfitting (override)
        # decided in the editorial review (issue 11), each with its why in data/dedupe.yml
        frozenset({"lazy-ds-guide:114", "github-dl-qa:1"}),       # autoencoders
        frozenset({"lazy-ds-guide:20", "flashcard-deck:353"}),    # backpropagation
        frozenset({"lazy-ds-guide:146", "github-dl-qa:43"}),      # data augmentation
        frozenset({"flashcard-deck:941", "flashcard-deck:910"}),  # batch size
        frozenset({"flashcard-deck:883", "flashcard-deck:688"}),  # GD vs SGD vs mini-batch
        frozenset({"lazy-ds-guide:220", "github-dl-qa:16"}),      # L1 vs L2
    }
    assert len(result.questions) == 135 - 10
    reasons = {frozenset((d.a, d.b)): d.reason for d in result.dedupe.merges}
    assert reasons[frozenset({"lazy-ds-guide:28", "github-dl-qa:4"})] == "override: merge"
    assert reasons[frozenset({"lazy-ds-guide:50", "github-dl-qa:3"})] == "override: merge"
    assert reasons[frozenset({"lazy-ds-guide:32", "lazy-ds-guide:166"})] == "question text"
    assert reasons[frozenset({"lazy-ds-guide:98", "flashcard-deck:322"})] == "question text"


def test_data_file_names_only_existing_origins(result):
    assert result.dedupe.unknown_overrides == []


def test_every_record_is_in_exactly_one_question(result):
    by_origin = Counter((o.seed, o.line) for q in result.questions for o in q.origins)
    records = {(r.seed, r.line) for r in result.records}
    assert len(records) == 135
    assert set(by_origin) == records
    assert all(n == 1 for n in by_origin.values()), [k for k, n in by_origin.items() if n != 1]
    # and each origin carries the question text of its record
    text = {(r.seed, r.line): r.question for r in result.records}
    for q in result.questions:
        for o in q.origins:
            assert o.question == text[(o.seed, o.line)]


def test_grouped_records_are_all_records(result):
    assert sorted(origin_handle(r) for g in result.dedupe.groups for r in g) == \
        sorted(origin_handle(r) for r in result.records)


def test_keep_apart_deep_learning(result):
    what = _question_of(result, "flashcard-deck:35")
    differ = _question_of(result, "flashcard-deck:65")
    compound = _question_of(result, "lazy-ds-guide:7")
    assert what.title == "What is deep learning?"
    assert differ.title.startswith("How does Deep learning differ")
    assert len({what.id, differ.id, compound.id}) == 3
    assert compound.title.startswith("What is Deep learning and how is it different")
    assert len(compound.origins) == 1


def test_keep_apart_activation_functions(result):
    what = _question_of(result, "flashcard-deck:246")
    name = _question_of(result, "flashcard-deck:259")
    assert what.title == "What is activation function in neural network?"
    assert name.title.startswith("Name few popular activation functions")
    assert what.id != name.id
    assert len(what.origins) == 1 and len(name.origins) == 1


def test_ensemble_methods_stay_four_questions(result):
    handles = ["lazy-ds-guide:236", "lazy-ds-guide:240", "lazy-ds-guide:244", "lazy-ds-guide:248"]
    questions = [_question_of(result, h) for h in handles]
    assert [q.title.split()[1] for q in questions] == ["Bagging", "AdaBoost", "Gradient", "XGBoost"]
    assert len({q.id for q in questions}) == 4
    assert all(len(q.origins) == 1 for q in questions)


def test_ensemble_near_misses_are_explained(result):
    """The four ensemble questions score high but are held apart by their key word."""
    pairs = {frozenset((d.a, d.b)): d for d in result.dedupe.near_misses}
    d = pairs[frozenset({"lazy-ds-guide:236", "lazy-ds-guide:240"})]
    assert d.reason.startswith("different key words")
    assert "bagging" in d.reason and "adaboost" in d.reason


def test_merged_question_keeps_first_origin_id_and_aliases(result):
    q = _question_of(result, "github-dl-qa:4")
    assert q.title == "Why should we use Batch Normalization?"
    assert q.aliases == ["What are the benefits of using Batch Normalizattion?"]
    assert [f"{o.source}:{o.line}" for o in q.origins] == ["lazy-ds-guide:28", "github-dl-qa:4"]


# --- question_key / question_shape --------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("Can you explain the concept of Batch Normalization in deep learning?", "What is batch normalization?"),
    ("What are autoencoders?", "What is an autoencoder?"),
    ("Please explain what is Dropout in deep learning?", "What is dropout?"),
    ("**What** is  dropout?", "what is DROPOUT"),
])
def test_question_key_drops_filler_case_and_plurals(a, b):
    assert question_key(a) == question_key(b)


def test_question_key_keeps_content_words():
    assert question_key("Explain Bagging method in ensemble learning?") == "bagging method ensemble learning"
    assert question_key("What is group_size in context of Quantization?") == "group_size quantization"


@pytest.mark.parametrize("text, shape", [
    ("What is deep learning?", Shape(False, False)),
    ("What is dropout?", Shape(False, False)),
    ("How does Deep learning differ from traditional machine learning?", Shape(False, True)),
    ("What is the difference between L1 and L2 regularization?", Shape(False, True)),
    ("What is Deep learning and how is it different from traditional Machine learning?", Shape(True, True)),
    ("Name few popular activation functions and describe them.", Shape(True, False)),
    ("What is a depthwise Separable layer and what are its advantages?", Shape(True, False)),
    ("What is Hessian, and how can it be used for faster training? What are its disadvantages?",
     Shape(True, False)),
    ("What is Bradley-Terry model? And how is it used in machine learning?", Shape(True, False)),
    ("What is the difference between gradient descent and stochastic gradient descent??", Shape(False, True)),
])
def test_question_shape(text, shape):
    assert question_shape(text) == shape


# --- dedupe on synthetic records ---------------------------------------------------------


def rec(source: str, line: int, question: str, answer: str = "") -> Record:
    return Record(source, f"{source}.txt", line, None, question, answer)


def groups_of(result) -> set[frozenset[str]]:
    return {frozenset(origin_handle(r) for r in g) for g in result.groups}


def test_typo_only_variants_merge():
    out = dedupe([rec("a", 1, "What is batch normalization?"), rec("b", 5, "What is batch normalizattion?")])
    assert groups_of(out) == {frozenset({"a:1", "b:5"})}
    assert out.merges[0].reason == "question text"


def test_filler_only_variants_merge():
    out = dedupe([rec("a", 1, "Can you explain the concept of transfer learning?"),
                  rec("b", 2, "What is transfer learning?")])
    assert len(out.groups) == 1


def test_different_key_word_does_not_merge():
    out = dedupe([rec("a", 1, "Explain Bagging method in ensemble learning?"),
                  rec("a", 2, "Explain AdaBoost method in ensemble learning?")])
    assert len(out.groups) == 2
    assert out.merges == []
    assert [d.reason for d in out.near_misses] == ["different key words: adaboost, bagging"]


def test_compound_never_auto_merges_with_single_ask():
    out = dedupe([rec("a", 1, "What is dropout and how does it work?"), rec("b", 1, "What is dropout?")])
    assert len(out.groups) == 2


def test_groups_keep_input_order_with_first_as_primary():
    out = dedupe([rec("x", 3, "What is dropout?"), rec("y", 1, "Unrelated thing about kernels"),
                  rec("z", 9, "what is dropout")])
    assert [[origin_handle(r) for r in g] for g in out.groups] == [["x:3", "z:9"], ["y:1"]]


def test_keep_apart_beats_a_perfect_score():
    records = [rec("a", 1, "What is dropout?"), rec("b", 2, "What is dropout?")]
    assert len(dedupe(records).groups) == 1
    out = dedupe(records, Overrides(keep_apart=[["a:1", "b:2"]]))
    assert len(out.groups) == 2
    assert [(d.score, d.reason) for d in out.near_misses] == [(100.0, "override: keep apart")]


def test_keep_apart_is_not_bypassed_through_a_third_record():
    records = [rec("a", 1, "What is dropout?"), rec("b", 2, "What is dropout?"), rec("c", 3, "What is dropout?")]
    out = dedupe(records, Overrides(keep_apart=[["a:1", "c:3"]]))
    for group in groups_of(out):
        assert not {"a:1", "c:3"} <= group
    assert len(out.groups) == 2


def test_merge_override_joins_a_low_score_pair():
    records = [rec("a", 1, "What is dropout?"), rec("b", 2, "How do you stop a network memorising noise?")]
    assert len(dedupe(records).groups) == 2
    out = dedupe(records, Overrides(merge=[["a:1", "b:2"]]))
    assert groups_of(out) == {frozenset({"a:1", "b:2"})}
    assert out.merges[0].reason == "override: merge"
    assert out.merges[0].score < dd.NEAR_MISS_FLOOR


def test_unknown_origins_in_overrides_are_reported():
    records = [rec("a", 1, "What is dropout?"), rec("b", 2, "What is pooling?")]
    out = dedupe(records, Overrides(merge=[["a:1", "b:2", "c:99"]], keep_apart=[["a:1", "zz:3"]]))
    assert sorted(out.unknown_overrides) == ["c:99", "zz:3"]
    assert groups_of(out) == {frozenset({"a:1", "b:2"})}


def test_empty_input():
    out = dedupe([])
    assert out.groups == [] and out.merges == [] and out.unknown_overrides == []


# --- Overrides.load ------------------------------------------------------------------------


def test_overrides_load_reads_the_real_file():
    o = Overrides.load(ROOT / "data" / "dedupe.yml")
    assert ["lazy-ds-guide:28", "github-dl-qa:4"] in o.merge
    assert ["flashcard-deck:246", "flashcard-deck:259", "github-dl-qa:2"] in o.keep_apart


def test_overrides_missing_file_is_empty(tmp_path):
    o = Overrides.load(tmp_path / "nope.yml")
    assert o.merge == [] and o.keep_apart == []


@pytest.mark.parametrize("text", [
    "merge: [\n  - origins: [a:1",                               # not YAML
    "merge:\n  - origins: [a:1, b:2]\n keep_apart: x\n",         # bad indentation
    "mergee:\n  - origins: [a:1, b:2]\n",                        # unknown key
    "merge:\n  - origins: [a:1]\n",                              # one origin
    "keep_apart:\n  - why: no origins\n",                        # no origins
    "merge:\n  - a:1\n  - b:2\n",                                # entries not mappings
])
def test_malformed_dedupe_yml_raises_value_error_naming_the_file(tmp_path, text):
    path = tmp_path / "dedupe.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        Overrides.load(path)
    assert str(path) in str(info.value)


def test_yaml_error_message_has_a_line(tmp_path):
    path = tmp_path / "dedupe.yml"
    path.write_text("merge:\n  - why: x\n    origins: [a:1, b:2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"^{path}:\d+: not valid YAML"):
        Overrides.load(path)


# --- blocking -----------------------------------------------------------------------------

_TEMPLATES = [
    "What is {a}?", "How does {a} work?", "Explain {a} in deep learning.",
    "What is the difference between {a} and {b}?", "Why do we use {a} for {b}?",
    "Can you explain the concept of {a}?", "What are the advantages of {a} over {b}?",
    "How do you choose {a} when training a {b}?", "What are the limitations of {a}?",
]
_HEADS = ["network", "learning", "model", "layer", "function", "gradient", "loss", "optimizer",
          "regularization", "attention", "encoder", "kernel"]


def _synthetic_questions(n: int, seed: int = 20240601) -> list[str]:
    """Interview-style questions: templates around terms made of rare modifiers and common heads."""
    rng = random.Random(seed)
    syllables = ["ba", "co", "de", "fi", "gu", "ha", "ki", "lo", "me", "nu", "pa", "ro", "si", "tu", "ve", "zo"]
    modifiers = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(3, 4))) for _ in range(3000)})

    def term() -> str:
        mods = " ".join(rng.choice(modifiers) for _ in range(rng.randint(1, 2)))
        return f"{mods} {rng.choice(_HEADS)}"

    return [rng.choice(_TEMPLATES).format(a=term(), b=term()) for _ in range(n)]


@functools.lru_cache(maxsize=None)
def _synthetic_keys(n: int) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(question_key(q).split()) for q in _synthetic_questions(n))


def test_synthetic_questions_are_prefix_stable():
    assert _synthetic_questions(1250) == _synthetic_questions(5000)[:1250]


def test_candidates_on_5000_records_are_far_fewer_than_all_pairs():
    """The module promises comparisons that grow with the number of records, not its square."""
    keys = [list(k) for k in _synthetic_keys(5000)]
    n = len(keys)
    pairs = dd.candidate_pairs(keys)
    assert all(i < j for i, j in pairs)
    assert len(pairs) < n * n // 2 // 10
    assert len(pairs) < 50 * n, f"{len(pairs)} candidate pairs for {n} records ({len(pairs) / n:.0f} per record)"


def test_candidates_grow_linearly_with_the_number_of_records():
    keys = _synthetic_keys(5000)  # the first 1250 are the questions _synthetic_questions(1250) makes
    small = dd.candidate_pairs([list(k) for k in keys[:1250]])
    large = dd.candidate_pairs([list(k) for k in keys])
    # 4x the records: ~4x the pairs if blocking is linear, ~16x if it is quadratic.
    assert len(large) / len(small) < 8, (len(small), len(large))


def test_candidates_still_pair_typo_variants():
    questions = _synthetic_questions(5000)
    originals = questions[:20]
    variants = [q.replace(w, w[:2] + w[1:], 1) for q in originals for w in [max(q.split(), key=len)]]
    assert all(v != o for v, o in zip(variants, originals))
    keys = [list(k) for k in _synthetic_keys(5000)] + [question_key(v).split() for v in variants]
    pairs = dd.candidate_pairs(keys)
    for k in range(len(originals)):
        assert (k, len(questions) + k) in pairs, (originals[k], variants[k])


def test_candidates_skip_words_too_common_to_block_on():
    keys = [["common", f"w{i}"] for i in range(dd.MAX_POSTING + 1)]
    pairs = dd.candidate_pairs(keys)
    assert pairs == set()


@pytest.mark.parametrize(("a", "b"), [
    ("What are the main limitations of supervised learning?", "What are the main limitations of unsupervised learning?"),
    ("Why is a linear model not enough?", "Why is a nonlinear model not enough?"),
])
def test_a_prefix_that_flips_the_meaning_is_not_a_typo(a, b):
    from qbank.dedupe import question_key, unmatched_words
    assert unmatched_words(question_key(a).split(), question_key(b).split())


def test_a_word_used_twice_is_not_the_same_question():
    from qbank.dedupe import question_key, unmatched_words
    a = question_key("When would you choose denoising autoencoder over denoising diffusion?").split()
    b = question_key("When would you choose autoencoder over denoising diffusion?").split()
    assert unmatched_words(a, b) == ["denoising"]
