"""Classify stage: the taxonomy files, scoring rules and the classification of the real seeds."""

from __future__ import annotations

import copy

import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from qbank.classify import Classification, classify
from qbank.taxonomy import Taxonomy, TaxonomyError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEEDS = ROOT / "seeds"

TOPIC_IDS = [
    "foundations", "activations", "training-and-optimization", "regularization-and-generalization",
    "normalization", "cnn-and-vision", "sequence-models", "attention-and-transformers", "generative-models",
    "classical-ml", "efficiency-and-deployment", "math-and-information-theory",
]


# --------------------------------------------------------------------------------------
# seed questions, cut with a few regexes (independent of the real extractors)

def seed_questions() -> list[tuple[str, str, list[str]]]:
    """(seed, question, answers) for the three seeds; answers only where easy to cut."""
    out: list[tuple[str, str, list[str]]] = []
    lines = (SEEDS / "000_d3bd1c64e802493d.txt").read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if len(line) < 150
              and re.match(r"(What|How|Why|Explain|Can|Is|In|Even|While|Please)\b.*[?.]$", line)]
    for i, end in zip(starts, starts[1:] + [len(lines)]):
        out.append(("000", lines[i], ["\n".join(lines[i + 1:end])]))
    for line in (SEEDS / "001_bb0412ce525cf09f.txt").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"- Q\d+: (.*)", line):
            out.append(("001", unicodedata.normalize("NFKC", m.group(1)), []))
    lines = (SEEDS / "002_571e76fee13970cc.txt").read_text(encoding="utf-8").splitlines()
    starts = [i + 2 for i, line in enumerate(lines) if line == "New cards"]
    for i, nxt in zip(starts, starts[1:] + [len(lines) + 4]):
        out.append(("002", lines[i], ["\n".join(lines[i + 1:nxt - 4])]))
    return out


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load(DATA)


@pytest.fixture(scope="module")
def seeds() -> list[tuple[str, str, list[str]]]:
    return seed_questions()


@pytest.fixture(scope="module")
def answers_of(seeds) -> dict[str, list[str]]:
    return {q: a for _, q, a in seeds}


# --------------------------------------------------------------------------------------
# data files

def test_topics_file(taxonomy: Taxonomy) -> None:
    assert list(taxonomy.topic_ids) == TOPIC_IDS
    tag_ids = set(taxonomy.tag_ids)
    for topic in taxonomy.topics:
        assert 0 < len(topic.title) <= 40 and "\n" not in topic.title
        assert topic.description.endswith(".") and len(topic.description) > 30
        assert re.fullmatch(r"material/[a-z0-9-]+", topic.icon)
        assert topic.default_tag in tag_ids
        assert topic.rules
    assert taxonomy.topic("training-and-optimization").title == "Training & optimization"


def test_topic_icons_exist_in_material_theme(taxonomy: Taxonomy) -> None:
    material = pytest.importorskip("material")
    icons = Path(material.__file__).parent / "templates" / ".icons"
    for topic in taxonomy.topics:
        assert (icons / f"{topic.icon}.svg").is_file(), topic.icon


def test_tags_file(taxonomy: Taxonomy) -> None:
    assert 30 <= len(taxonomy.tags) <= 60
    assert len(set(taxonomy.tag_ids)) == len(taxonomy.tags)
    for tag in taxonomy.tags:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", tag.id)
        assert tag.description and "\n" not in tag.description
        assert tag.rules
    for wanted in ("backpropagation", "gradient-descent", "overfitting", "dropout", "batch-norm", "cnn", "rnn",
                   "lstm", "attention", "transformers", "bert", "gans", "autoencoders", "transfer-learning",
                   "loss-functions", "softmax", "entropy", "ensembles", "decision-trees", "clustering",
                   "quantization", "llms", "object-detection", "segmentation", "data-augmentation",
                   "hyperparameters", "initialization", "vanishing-gradients", "regularization",
                   "evaluation-metrics"):
        assert wanted in taxonomy.tag_ids


def test_seed_helper_finds_all_questions(seeds) -> None:
    assert Counter(seed for seed, _, _ in seeds) == {"000": 54, "001": 44, "002": 37}
    questions = [q for _, q, _ in seeds]
    assert "How would you change a pre-trained neural network from classification to regression?" in questions


def test_every_seed_question_is_classified(taxonomy: Taxonomy, seeds) -> None:
    for _, q, answers in seeds:
        c = classify(q, answers, taxonomy)
        assert c.topic in taxonomy.topic_ids
        assert 1 <= len(c.tags) <= 5 and len(set(c.tags)) == len(c.tags)
        assert set(c.tags) <= set(taxonomy.tag_ids)


def test_every_tag_is_used_by_a_seed_question(taxonomy: Taxonomy, seeds) -> None:
    used = Counter(t for _, q, answers in seeds for t in classify(q, answers, taxonomy).tags)
    assert [t for t in taxonomy.tag_ids if t not in used] == []


def test_every_topic_but_efficiency_has_several_seed_questions(taxonomy: Taxonomy, seeds) -> None:
    counts = Counter(classify(q, a, taxonomy).topic for _, q, a in seeds)
    assert set(counts) == set(TOPIC_IDS)
    assert counts["efficiency-and-deployment"] >= 1
    assert all(n >= 2 for t, n in counts.items() if t != "efficiency-and-deployment")


# --------------------------------------------------------------------------------------
# pins on the real questions (classified with and without their answers)

TOPIC_PINS = [
    # 000: scraped MkDocs page
    ("What is Deep learning and how is it different from traditional Machine learning?", "foundations"),
    ("What is Dummy Variable Trap in ML?", "classical-ml"),
    ("How does backpropagation work in a neural network?", "training-and-optimization"),
    ("What are the benefits of using Batch Normalizattion?", "normalization"),
    ("What is Entropy (information theory)?", "math-and-information-theory"),
    ("Even though Sigmoid function is non-linear, why is Logistic regression considered a linear classifier?",
     "classical-ml"),
    ("What is the difference between Logits, Soft and Hard targets?", "activations"),
    ("Explain the concept of temperature in deep learning?", "activations"),
    ("How do you handle missing data in deep learning?", "classical-ml"),
    ("What is Representation learning?", "foundations"),
    ("Explain Label smoothing.", "regularization-and-generalization"),
    ("Can you explain the concept of Memory Networks in deep learning?", "sequence-models"),
    ("Explain Capsule Networks in deep learning?", "cnn-and-vision"),
    ("What is the concept of adversarial training in deep learning?", "regularization-and-generalization"),
    ("What is the different between Standardization and Normalization?", "normalization"),
    ("Is K-means clustering algorithm guaranteed to converge with unique result?", "classical-ml"),
    ("What is the Bias-Variance trade-off in machine learning?", "regularization-and-generalization"),
    ("What is the difference between an autoencoder and a variational autoencoder?", "generative-models"),
    ("Explain Gradient Boosting method in ensemble learning?", "classical-ml"),
    ("What is group_size in context of Quantization?", "efficiency-and-deployment"),
    ("What is EMA (Exponential Moving Average) in context of deep learning?", "training-and-optimization"),
    ("What is Bradley-Terry model? And how is it used in machine learning?", "math-and-information-theory"),
    # 001: GitHub Q&A list
    ("Why Sigmoid or Tanh is not preferred to be used as the activation function in the hidden layer of the neural "
     "network?", "activations"),
    ("Why should we use Batch Normalization?", "normalization"),
    ("Can you explain the parameter sharing concept in deep learning?", "cnn-and-vision"),
    ("Discuss the vanishing gradient in RNN and How they can be solved.", "sequence-models"),
    ("What are the main gates in LSTM and what are their tasks?", "sequence-models"),
    ("How would you change a pre-trained neural network from classification to regression?",
     "training-and-optimization"),
    ("What are the hyperparameters that can be optimized for the batch normalization layer?", "normalization"),
    ("What is the effect of dropout on the training and prediction speed of your deep learning model?",
     "regularization-and-generalization"),
    ("What is a depthwise Separable layer and what are its advantages?", "cnn-and-vision"),
    ("What is BERT (Bidirectional Encoder Representations from Transformers), and how does it improve language "
     "understanding tasks?", "attention-and-transformers"),
    ("Explain the concept of transfer learning and how it can be applied to transformers.",
     "attention-and-transformers"),
    ("How can transformers be used for tasks other than natural language processing, such as computer vision?",
     "attention-and-transformers"),
    ("What is optical character recognition (OCR), and what are its main applications?", "cnn-and-vision"),
    ("What is object detection, and how does it differ from image classification?", "cnn-and-vision"),
    ("Explain the concept of image segmentation and its applications.", "cnn-and-vision"),
    ("What are autoencoders? Explain the different layers of autoencoders and mention three practical usages of "
     "them?", "generative-models"),
    # 002: flashcards
    ("What is deep learning?", "foundations"),
    ("What is AI?", "foundations"),
    ("Types of Neutral network", "foundations"),
    ("What do you understand by a computational graph?", "foundations"),
    ("Describe how training of basic neural networks works", "training-and-optimization"),
    ("What is the connection between various activation functions and vanishing gradient problem?", "activations"),
    ("What is cross-entropy and why it’s preferred as the cost function for multi-class classification problems?",
     "math-and-information-theory"),
    ("What is Hessian, and how can it be used for faster training? What are its disadvantages?",
     "training-and-optimization"),
    ("What is Adam and why is it used most of the time in NNs?", "training-and-optimization"),
]


@pytest.mark.parametrize(("question", "topic"), TOPIC_PINS, ids=[q[:50] for q, _ in TOPIC_PINS])
def test_topic_pins(taxonomy: Taxonomy, answers_of, question: str, topic: str) -> None:
    assert question in answers_of, "pin must be a real seed question"
    assert classify(question, answers_of[question], taxonomy).topic == topic
    assert classify(question, [], taxonomy).topic == topic  # the question alone decides


TAG_PINS = [
    # (question, tags that must be there, expected first tag)
    ("What are the benefits of using Batch Normalizattion?", {"batch-norm"}, "batch-norm"),
    ("What is Entropy (information theory)?", {"entropy"}, "entropy"),
    ("What are Generative Adversarial Networks (GANs)?", {"gans", "generative-models"}, "gans"),
    ("What are the main gates in LSTM and what are their tasks?", {"lstm"}, "lstm"),
    ("What is BERT (Bidirectional Encoder Representations from Transformers), and how does it improve language "
     "understanding tasks?", {"bert", "transformers", "nlp"}, "bert"),
    ("Discuss the vanishing gradient in RNN and How they can be solved.", {"rnn", "vanishing-gradients"}, None),
    ("Please explain what is Dropout in deep learning?", {"dropout", "regularization"}, "dropout"),
    ("Explain XGBoost method in ensemble learning?", {"boosting", "ensembles"}, None),
    ("What is group_size in context of Quantization?", {"quantization"}, "quantization"),
    ("What are the challenges in implementing real-time object tracking?", {"object-detection", "model-efficiency"},
     "object-detection"),
    ("How would you change a pre-trained neural network from classification to regression?", {"transfer-learning"},
     "transfer-learning"),
    ("What is Bradley-Terry model? And how is it used in machine learning?", {"probability", "llms"}, None),
    ("Compare batch gradient descent, minibatch gradient descent, and stochastic gradient descent.",
     {"gradient-descent", "batch-size"}, None),
    ("What is the difference between Logits, Soft and Hard targets?", {"softmax"}, "softmax"),
    ("What is the purpose of data augmentation in computer vision, and what techniques can be used?",
     {"data-augmentation", "computer-vision"}, "data-augmentation"),
    ("Is K-means clustering algorithm guaranteed to converge with unique result?", {"clustering"}, "clustering"),
    ("What is deep learning?", {"ml-fundamentals"}, "ml-fundamentals"),
    ("What is perceptron?", {"neural-networks"}, "neural-networks"),
]


@pytest.mark.parametrize(("question", "tags", "first"), TAG_PINS, ids=[q[:50] for q, _, _ in TAG_PINS])
def test_tag_pins(taxonomy: Taxonomy, answers_of, question: str, tags: set[str], first: str | None) -> None:
    c = classify(question, answers_of[question], taxonomy)
    assert tags <= set(c.tags), c.explanation
    if first is not None:
        assert c.tags[0] == first


def test_unicode_bold_question_is_nfkc_folded(taxonomy: Taxonomy) -> None:
    bold = "𝐇𝐨𝐰 𝐰𝐨𝐮𝐥𝐝 𝐲𝐨𝐮 𝐜𝐡𝐚𝐧𝐠𝐞 𝐚 𝐩𝐫𝐞-𝐭𝐫𝐚𝐢𝐧𝐞𝐝 𝐧𝐞𝐮𝐫𝐚𝐥 𝐧𝐞𝐭𝐰𝐨𝐫𝐤 𝐟𝐫𝐨𝐦 𝐜𝐥𝐚𝐬𝐬𝐢𝐟𝐢𝐜𝐚𝐭𝐢𝐨𝐧 𝐭𝐨 𝐫𝐞𝐠𝐫𝐞𝐬𝐬𝐢𝐨𝐧?"
    plain = unicodedata.normalize("NFKC", bold)
    assert classify(bold, [], taxonomy) == classify(plain, [], taxonomy)
    assert classify(bold, [], taxonomy).explanation == classify(plain, [], taxonomy).explanation


# --------------------------------------------------------------------------------------
# scoring behaviour

def test_deterministic_and_answer_order_does_not_matter(taxonomy: Taxonomy, answers_of) -> None:
    q = "How do you handle overfitting in deep learning models?"
    answers = [answers_of[q][0], "Use dropout and L2 regularization.", "Data augmentation helps with images."]
    first = classify(q, answers, taxonomy)
    assert classify(q, answers, taxonomy) == first
    assert classify(q, answers, taxonomy).explanation == first.explanation
    # decision: answers are a set of evidence, their order changes nothing (not even the explanation)
    for order in (answers[::-1], answers[1:] + answers[:1]):
        again = classify(q, order, taxonomy)
        assert (again.topic, again.tags, again.explanation) == (first.topic, first.tags, first.explanation)
    # a fresh load classifies the same way
    other = Taxonomy.load(DATA)
    assert classify(q, answers, other).explanation == first.explanation
    assert isinstance(first, Classification) and isinstance(first.tags, tuple)


def test_explanation_names_the_rules_that_fired(taxonomy: Taxonomy) -> None:
    c = classify("What is BERT and how is it pre-trained?", ["BERT is a transformer encoder."], taxonomy)
    text = "\n".join(c.explanation)
    assert "topic attention-and-transformers rule #3: keyword 'bert' in question: +8" in c.explanation
    assert "topic training-and-optimization rule #14: keyword 'pre train*' in question: +5" in c.explanation
    assert "tag bert rule #1: keyword 'bert' in question: +8" in c.explanation
    assert "topic attention-and-transformers rule #1: keyword 'transformer*' in answer: +1.75 = 7 x 0.25" in text
    assert c.explanation[-2].startswith("=> topic attention-and-transformers (score ")
    assert "runners-up: training-and-optimization" in c.explanation[-2]
    assert c.explanation[-1].startswith("=> tags bert ")


def test_explanation_shows_regex_rules(taxonomy: Taxonomy) -> None:
    c = classify("Why does my loss not decrease?", [], taxonomy)
    assert c.tags == ("training-loop",)
    assert any(line.startswith("tag training-loop rule #2 (loss not going down): regex /") for line in c.explanation)


def test_answer_evidence_cannot_override_a_strong_question_match(taxonomy: Taxonomy) -> None:
    q = "What are the main gates in LSTM and what are their tasks?"
    noise = ["CNN convolution pooling image segmentation object detection computer vision ResNet. " * 20,
             "Transformers, attention, BERT, GPT and large language models. " * 20,
             "GANs, autoencoders, VAEs and diffusion models; generative models everywhere. " * 20]
    c = classify(q, noise, taxonomy)
    assert c.topic == "sequence-models"
    assert c.tags[0] == "lstm"
    assert any("answer evidence" in line and "capped at 2.5" in line for line in c.explanation)


def test_answers_decide_only_when_the_question_says_nothing(taxonomy: Taxonomy) -> None:
    q = "Can you explain this in simple words?"
    assert classify(q, [], taxonomy).topic == "foundations"  # nothing matched: first topic
    assert classify(q, [], taxonomy).tags == ("neural-networks",)  # its default tag
    c = classify(q, ["K-means assigns every point to the nearest centroid of a cluster."], taxonomy)
    assert c.topic == "classical-ml"
    # one answer-only rule is not enough for a tag: the topic's default tag is used
    assert c.tags == ("ml-fundamentals",)


def _mini(topics: list[dict], tags: list[dict]) -> Taxonomy:
    return Taxonomy.from_documents({"topics": topics}, {"tags": tags})


def _topic(tid: str, *rules: dict, default_tag: str = "misc") -> dict:
    return {"id": tid, "title": tid.title(), "description": f"All about {tid}.", "icon": "material/brain",
            "default_tag": default_tag, "rules": list(rules)}


def _tag(tid: str, *rules: dict) -> dict:
    return {"id": tid, "description": f"Questions about {tid}.", "rules": list(rules) or [{"keywords": [tid],
                                                                                             "weight": 3}]}


def test_ties_go_to_the_earlier_topic() -> None:
    rule = {"keywords": ["kernel"], "weight": 4}
    tags = [_tag("misc")]
    first = _mini([_topic("svms", rule), _topic("convs", rule)], tags)
    second = _mini([_topic("convs", rule), _topic("svms", rule)], tags)
    assert classify("What is a kernel?", [], first).topic == "svms"
    assert classify("What is a kernel?", [], second).topic == "convs"


def test_tags_best_first_then_alphabetical_at_most_five() -> None:
    topics = [_topic("t", {"keywords": ["x"], "weight": 1})]
    tags = [_tag(name, {"keywords": [word], "weight": w})
            for name, word, w in [("misc", "zzz", 3), ("b", "alpha", 4), ("a", "beta", 4), ("c", "gamma", 9),
                                  ("d", "delta", 3), ("e", "eps", 3), ("f", "phi", 3)]]
    tax = _mini(topics, tags)
    c = classify("alpha beta gamma delta eps phi zzz", [], tax)
    assert c.tags == ("c", "a", "b", "d", "e")
    assert "over the limit of 5: f, misc" in c.explanation[-1]


def test_keyword_matching_words_plurals_prefixes(taxonomy: Taxonomy) -> None:
    tax = _mini([_topic("t", {"keywords": ["k-means", "group size", "normali*", "gan", "batch norm*"],
                              "weight": 3})],
                [_tag("misc")])
    for text, expected in [("K means", "'k-means'"), ("k-Means clustering", "'k-means'"), ("group_size", "'group size'"),
                           ("Normalisation", "'normali*'"), ("GANs", "'gan'"), ("Batch-Normalization", "'normali*'")]:
        c = classify(text, [], tax)
        assert c.topic == "t" and any(expected in line for line in c.explanation), (text, c.explanation)
    # whole words only: no match inside another word, no "gan" in "organ"
    assert classify("organ", [], tax).explanation[0].startswith("=> topic t: no topic rule matched")
    assert classify("Kmeans", [], tax).explanation[0].startswith("=> topic t: no topic rule matched")


def test_regex_rules_and_their_when_gate() -> None:
    rule = {"regex": r"\b(?:2|4|8)[- ]?bits?\b", "when": ["bit"], "weight": 4, "name": "bit widths"}
    tax = _mini([_topic("other", {"keywords": ["model"], "weight": 1}), _topic("quant", rule)], [_tag("misc")])
    c = classify("Is a 4-bit model good enough?", [], tax)
    assert c.topic == "quant"
    assert "topic quant rule #1 (bit widths): regex /\\b(?:2|4|8)[- ]?bits?\\b/ in question: +4" in c.explanation
    gated = _mini([_topic("quant", dict(rule, when=["zzz"]))], [_tag("misc")])
    assert classify("Is a 4-bit model good enough?", [], gated).explanation[0].startswith("=> topic quant: no topic")
    assert classify("zzz: a 4-bit model", [], gated).explanation[0].startswith("topic quant rule #1")
    with pytest.raises(TaxonomyError, match="'when' only goes with 'regex'"):
        _mini([_topic("quant", {"keywords": ["bit"], "when": ["bit"], "weight": 1})], [_tag("misc")])


def test_no_regex_is_compiled_per_call(taxonomy: Taxonomy, monkeypatch, seeds) -> None:
    def boom(*args, **kwargs):
        raise AssertionError("re.compile called while classifying")

    monkeypatch.setattr(re, "compile", boom)
    for _, q, answers in seeds:
        classify(q, answers, taxonomy)


# --------------------------------------------------------------------------------------
# bad taxonomy files

def _copy_data(tmp_path: Path) -> Path:
    for name in ("topics.yml", "tags.yml"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(("file", "change", "entry", "message"), [
    ("topics.yml", lambda d: d["topics"][2]["rules"].append({"regex": "(unclosed", "weight": 2}),
     "topic #3 'training-and-optimization'", "bad regex '(unclosed'"),
    ("topics.yml", lambda d: d["topics"][4].update(colour="red"), "topic #5 'normalization'", "colour: unknown key"),
    ("topics.yml", lambda d: d["topics"].append(copy.deepcopy(d["topics"][0])), "topic #13 'foundations'", "duplicate id"),
    ("topics.yml", lambda d: d["topics"][1].update(default_tag="nope"), "topic #2 'activations'",
     "default_tag 'nope' is not a tag"),
    ("topics.yml", lambda d: d["topics"][0]["rules"][0].update(regex="x"), "topic #1 'foundations'",
     "exactly one of 'keywords'"),
    ("topics.yml", lambda d: d["topics"][0]["rules"][0]["keywords"].append("a*"), "topic #1 'foundations'",
     "prefix needs at least 3 letters"),
    ("topics.yml", lambda d: d["scoring"].update(answer_weigth=0.5), "top level", "answer_weigth: unknown key"),
    ("tags.yml", lambda d: d["tags"][3]["rules"].append({"regex": "[a-", "weight": 1}), "tag #4 'backpropagation'",
     "bad regex"),
    ("tags.yml", lambda d: d["tags"].append(copy.deepcopy(d["tags"][5])), "tag #", "duplicate id"),
    ("tags.yml", lambda d: d["tags"][0].update(id="Neural Networks"), "tag #1 'Neural Networks'", "id:"),
    ("tags.yml", lambda d: d["tags"][7].pop("description"), "tag #8", "description: Field required"),
])
def test_bad_taxonomy_names_file_and_entry(tmp_path: Path, file: str, change, entry: str, message: str) -> None:
    data = _copy_data(tmp_path)
    _edit(data / file, change)
    with pytest.raises(TaxonomyError) as err:
        Taxonomy.load(data)
    text = str(err.value)
    assert text.startswith(str(data / file) + ": "), text
    assert entry in text and message in text, text


def test_broken_yaml_and_missing_file(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "tags.yml").write_text("tags:\n  - id: x\n   description: [\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"tags\.yml: line \d+: invalid YAML"):
        Taxonomy.load(data)
    (data / "tags.yml").unlink()
    with pytest.raises(TaxonomyError, match=r"tags\.yml: file not found"):
        Taxonomy.load(data)
