"""The search index the build writes (qbank.site.search_index, qbank.site.search_vocab).

Browser-side behaviour is in test_search_browser.py (real bank) and
test_search_generated.py (a generated bank under the slow-phone profile).
"""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from qbank.bank import load_bank
from qbank.taxonomy import Taxonomy
from qbank.site.search_index import DOC_FIELDS, INDEX_FILE, SearchIndex, page_slug
from qbank.site.search_vocab import Vocabulary, words


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load(REPO / "data")


@pytest.fixture(scope="module")
def bank():
    return load_bank(REPO / "docs"), Taxonomy.load(REPO / "data")


def test_words_fold_case_and_accents_and_split_on_everything_else() -> None:
    assert words("Naïve Bayes, k-NN & t-SNE (2D)") == ["naive", "bayes", "k", "nn", "t", "sne", "2d"]
    assert words("x·y α-β") == ["x", "y"]  # non-ASCII letters separate, as in search.js


@pytest.mark.parametrize("british, american", [
    ("normalisation", "normalization"), ("regularisation", "regularization"), ("optimiser", "optimizer"),
    ("optimisers", "optimizers"), ("initialisation", "initialization"), ("behaviour", "behavior"),
    ("modelling", "modeling"), ("normalization", "normalization"), ("noise", "noise"),
])
def test_spelling(vocab: Vocabulary, british: str, american: str) -> None:
    assert vocab.spelling(british) == american


@pytest.mark.parametrize("text, expected", [
    ("Why should we use batch normalization?", {"bn", "batchnorm"}),
    ("Why should we use BN?", {"batch", "normalization"}),
    ("What are Generative Adversarial Networks (GANs)?", set()),  # "gans" is already the name
    ("Explain the k-means algorithm", {"kmeans"}),
    ("Can you explain convolutional neural networks (CNN)?", {"convnet"}),
    ("Explain the regularisation of a ConvNet", {"cnn", "convolutional"}),
    ("What is the use of the k-nearest neighbors (k-NN) algorithm?", {"knn"}),
    ("What is stochastic gradient descent?", {"sgd"}),
])
def test_synonyms_add_the_other_names(vocab: Vocabulary, text: str, expected: set[str]) -> None:
    extra = set(vocab.synonyms.expand(vocab.spelled(text)))
    assert expected <= extra, extra


def test_synonym_names_do_not_overlap(vocab: Vocabulary) -> None:
    # "k-NN" is the k-NN group only: its "NN" is not also "neural network"
    assert "neural" not in vocab.synonyms.expand(vocab.spelled("the k-NN classifier"))
    # "stochastic gradient descent" is SGD, not also plain "gradient descent" (GD)
    assert "gd" not in vocab.synonyms.expand(vocab.spelled("stochastic gradient descent"))


def test_data_files_say_how_to_edit_them() -> None:
    for name in ("synonyms.yml", "spelling.yml"):
        head = (REPO / "data" / name).read_text(encoding="utf-8").split("\n\n")[0]
        assert head.startswith("#") and "How to edit" in (REPO / "data" / name).read_text(encoding="utf-8"), name


def _index(vocab: Vocabulary, bank) -> dict[str, bytes]:
    questions, taxonomy = bank
    index = SearchIndex(vocab)
    index.add_page("sources/", "Sources & licence", "Where the questions come from", "<p>Zyxwvut on request</p>")
    return index.files(questions, taxonomy)


def test_index_is_deterministic_and_every_url_can_be_rebuilt(vocab: Vocabulary, bank) -> None:
    first, second = _index(vocab, bank), _index(vocab, bank)
    assert first == second
    data = json.loads(first[INDEX_FILE])
    questions = sorted(bank[0], key=lambda q: q.url)
    topics = [t[0] for t in data["topics"]]
    docs = list(zip(*data["docs"].values()))
    assert list(data["docs"]) == list(DOC_FIELDS)
    for q, doc in zip(questions, docs):
        assert doc[0] == q.title
        slug = doc[1] or page_slug(doc[0])  # what search.js does
        assert f"questions/{topics[doc[2]]}/{slug}/" == q.url
        assert [data["tags"][t][0] for t in doc[5]] == list(q.tags)
    assert docs[len(questions)][1] == "sources/"
    assert all(len(k) == len("search/terms/xx.json") for k in first if k != INDEX_FILE)


def test_full_text_postings_point_at_the_right_documents(vocab: Vocabulary, bank) -> None:
    files = _index(vocab, bank)
    data = json.loads(files[INDEX_FILE])
    shard = json.loads(files["search/terms/zy.json"])
    assert "zyxwvut" in shard  # the sources page's text
    ids, n = [], 0
    for delta in shard["zyxwvut"]:
        ids.append(n := n + delta)
    assert [data["docs"]["path"][i] for i in ids] == ["sources/"]
    assert set(data["shards"]) == {k[len("search/terms/"):-len(".json")] for k in files if k != INDEX_FILE}


def test_compact_index_stays_small(vocab: Vocabulary, bank) -> None:
    """What the first search downloads grows by about 100 bytes per question (gzip ~15)."""
    import gzip

    raw = _index(vocab, bank)[INDEX_FILE]
    per_question = len(gzip.compress(raw, 6)) / len(bank[0])
    assert per_question < 120, f"{per_question:.0f} bytes gzip per question"
