"""Benchmark of the import pipeline and the site build: ``python -m benchmarks.bench``.

Three parts, each runnable alone with ``--only pipeline|site|lighthouse``; ``--quick`` is a fast
smoke run with small sizes.  Results are printed as Markdown tables and written to
``bench-results.json`` in the current directory.

* **pipeline**: a deterministic synthetic generator (:func:`generate_records`) makes
  interview-like :class:`~qbank.record.Record` s with ~10 % injected near-duplicates
  (typo, filler phrasing, plural, word order).  For each size, a *fresh* Python process
  runs normalize -> dedupe -> classify exactly as :func:`qbank.pipeline.run` does, so peak
  RSS is the real resident memory of that run.  Merges found are checked against the
  generator's ground truth (recall of injected near-duplicates, false merges).  A stage
  that misses its goal is profiled with cProfile.  Extraction of the real seeds is timed
  separately (it is per file and does not scale with the bank).
* **site**: ``mkdocs build --strict`` of the real site and of synthetic banks (in a temp
  dir, written with :func:`qbank.bank.render`), then bytes a browser transfers (gzip -6)
  and the DOM size, measured in headless Debian chromium through Playwright.
* **lighthouse**: a strict build of the real site, served with gzip, and the pinned Lighthouse
  CLI (npm devDependency) with Debian's chromium on each page kind, light and dark palette:
  accessibility, best practices, SEO; and mobile performance, median of 3 (not with
  ``--quick``). See :mod:`benchmarks.lighthouse_bench`.

Nothing here edits the repository: every build goes to a temporary directory.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as _dt
import gzip
import http.server
import json
import math
import os
import platform
import pstats
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbank.record import Record
from qbank.repo import repo_root

REPO = repo_root()
RESULTS_FILE = "bench-results.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

FULL_PIPELINE_SIZES = (1_000, 10_000, 100_000)
QUICK_PIPELINE_SIZES = (500, 2_000)
PROFILE_SIZE = 30_000
FULL_SITE_SIZES = (1_000, 10_000)
QUICK_SITE_SIZES = (100, 300)
SEED = 20240601

# Goals (the brief's numbers).
GOAL_PIPELINE_S = 60.0
GOAL_PIPELINE_RSS = 2 * 1024**3
GOAL_BUILD_MS_PER_PAGE = 25.0
GOAL_10K_BUILD_S = 180.0
GOAL_MATH_PAGE_BYTES = 150 * 1024  # issue 12: on the real bank and at 10,000 questions alike
GOAL_FIRST_RESULT_MS = 1500.0  # first keystroke -> first result, 10,000 questions, slow 4G + 4x CPU
GOAL_LATER_KEY_MS = 100.0
GOAL_MATH_PAGE_DOM = 800
GOAL_DIAGRAM_PAGE_BYTES = 400 * 1024  # issue 12: a page with one flowchart
GOAL_LIGHTHOUSE = 100  # issue 14: accessibility, best practices, SEO on every page kind, both palettes
GOAL_MOBILE_PERFORMANCE = 99  # issue 12: median of 3
LIGHTHOUSE_PERFORMANCE_RUNS = 3
RSS_LIMIT = 10 * 1024**3  # a measured child above this is killed (shared box)
# "Near-linear": time grows at most like n^1.15 (x14.1 for x10 more input).
LINEAR_EXPONENT = 1.15

# =============================================================================
# Synthetic interview questions
# =============================================================================

# A few hundred DL/ML terms, by area.  Pairs are drawn mostly within an area so that
# "How does X differ from Y?" reads like a real question.
VOCABULARY: dict[str, list[str]] = {
    "foundations": [
        "neural network", "perceptron", "multilayer perceptron", "hidden layer", "feedforward network",
        "universal approximation theorem", "representation learning", "computational graph",
        "automatic differentiation", "supervised learning", "unsupervised learning", "self-supervised learning",
        "semi-supervised learning", "reinforcement learning", "online learning", "curriculum learning",
        "contrastive learning", "metric learning", "few-shot learning", "zero-shot learning", "meta-learning",
        "multi-task learning", "active learning", "federated learning", "continual learning",
    ],
    "activations": [
        "ReLU", "leaky ReLU", "GELU", "ELU", "SELU", "Swish", "sigmoid function", "tanh", "softmax",
        "softplus", "maxout", "temperature scaling", "logits", "dying ReLU problem", "activation function",
        "gating mechanism", "Mish",
    ],
    "optimization": [
        "backpropagation", "gradient descent", "stochastic gradient descent", "mini-batch gradient descent",
        "momentum", "Nesterov momentum", "Adam optimizer", "AdamW", "RMSprop", "Adagrad", "learning rate",
        "learning rate warmup", "cosine annealing", "learning rate schedule", "weight decay", "gradient clipping",
        "vanishing gradients", "exploding gradients", "Xavier initialization", "He initialization", "batch size",
        "early stopping", "loss function", "cross-entropy loss", "mean squared error", "hinge loss",
        "focal loss", "triplet loss", "contrastive loss", "Hessian matrix", "second-order optimization",
        "gradient accumulation", "mixed precision training", "hyperparameter tuning", "grid search",
        "random search", "Bayesian optimization", "saddle point", "local minimum", "loss landscape",
    ],
    "regularization": [
        "dropout", "DropConnect", "L1 regularization", "L2 regularization", "elastic net", "data augmentation",
        "label smoothing", "mixup", "CutMix", "overfitting", "underfitting", "bias-variance tradeoff",
        "cross-validation", "adversarial training", "adversarial examples", "stochastic depth", "ensembling",
        "noise injection", "model calibration", "double descent",
    ],
    "normalization": [
        "batch normalization", "layer normalization", "group normalization", "instance normalization",
        "weight normalization", "RMSNorm", "standardization", "min-max scaling", "whitening",
        "internal covariate shift",
    ],
    "vision": [
        "convolution", "deconvolution", "transposed convolution", "dilated convolution",
        "depthwise separable convolution", "pooling layer", "max pooling", "global average pooling",
        "receptive field", "stride", "padding", "feature map", "ResNet", "residual connection",
        "skip connection", "DenseNet", "Inception module", "VGG", "MobileNet", "EfficientNet", "U-Net",
        "object detection", "YOLO", "Faster R-CNN", "anchor boxes", "non-maximum suppression",
        "semantic segmentation", "instance segmentation", "image classification", "capsule network",
        "vision transformer", "feature pyramid network", "optical character recognition", "image captioning",
        "style transfer",
    ],
    "sequence": [
        "recurrent neural network", "LSTM", "GRU", "bidirectional RNN", "sequence-to-sequence model",
        "teacher forcing", "beam search", "greedy decoding", "backpropagation through time",
        "truncated backpropagation", "word embedding", "Word2Vec", "GloVe", "fastText", "n-gram model",
        "language model", "perplexity", "connectionist temporal classification", "time-series forecasting",
        "temporal convolutional network", "memory network",
    ],
    "transformers": [
        "attention mechanism", "self-attention", "multi-head attention", "cross-attention",
        "scaled dot-product attention", "positional encoding", "rotary positional embedding", "transformer",
        "encoder", "decoder", "encoder-decoder architecture", "BERT", "GPT", "masked language modeling",
        "next-token prediction", "tokenization", "byte-pair encoding", "WordPiece", "key-value cache",
        "flash attention", "sparse attention", "mixture of experts", "large language model",
        "prompt engineering", "in-context learning", "instruction tuning", "RLHF", "fine-tuning",
        "parameter-efficient fine-tuning", "LoRA", "adapter layers", "retrieval-augmented generation",
        "hallucination", "chain-of-thought prompting", "transfer learning", "pretraining",
    ],
    "generative": [
        "autoencoder", "denoising autoencoder", "sparse autoencoder", "variational autoencoder",
        "reparameterization trick", "evidence lower bound", "generative adversarial network", "mode collapse",
        "Wasserstein GAN", "conditional GAN", "CycleGAN", "StyleGAN", "diffusion model", "denoising diffusion",
        "score matching", "normalizing flow", "latent space", "energy-based model", "Boltzmann machine",
        "generative model", "discriminative model", "classifier-free guidance",
    ],
    "classical": [
        "linear regression", "logistic regression", "decision tree", "random forest", "gradient boosting",
        "XGBoost", "LightGBM", "AdaBoost", "bagging", "stacking", "support vector machine", "kernel trick",
        "k-nearest neighbors", "k-means clustering", "hierarchical clustering", "DBSCAN",
        "Gaussian mixture model", "expectation maximization", "principal component analysis", "t-SNE", "UMAP",
        "naive Bayes", "feature selection", "feature engineering", "one-hot encoding", "dummy variable trap",
        "missing data imputation", "class imbalance", "SMOTE", "precision", "recall", "F1 score", "ROC curve",
        "AUC", "confusion matrix", "decision boundary",
    ],
    "efficiency": [
        "quantization", "post-training quantization", "quantization-aware training", "pruning",
        "knowledge distillation", "model compression", "weight sharing", "low-rank factorization", "ONNX",
        "TensorRT", "model serving", "batch inference", "inference latency", "throughput", "edge deployment",
        "distributed training", "data parallelism", "model parallelism", "pipeline parallelism",
        "gradient checkpointing", "ZeRO optimizer", "GPU memory",
    ],
    "math": [
        "entropy", "cross-entropy", "mutual information", "KL divergence", "Jensen-Shannon divergence",
        "maximum likelihood estimation", "maximum a posteriori", "Bayes theorem", "Bradley-Terry model",
        "Jacobian matrix", "eigenvalues", "singular value decomposition", "central limit theorem",
        "Monte Carlo sampling", "importance sampling", "Markov chain", "exponential moving average",
        "Lipschitz continuity", "convex optimization",
    ],
}
TERMS: list[tuple[str, str]] = [(t, area) for area, terms in VOCABULARY.items() for t in terms]

# Qualifiers that make a question a different question ("... for tabular data?").
SETTINGS = [
    "when training on small datasets", "for image classification", "in production systems", "on edge devices",
    "for time-series forecasting", "in large language models", "for speech recognition",
    "in recommender systems", "for medical imaging", "with limited GPU memory", "for tabular data",
    "in multilingual models", "for anomaly detection", "with noisy labels", "in reinforcement learning agents",
]


@dataclass(frozen=True)
class Family:
    """A kind of question: its canonical template and the rewordings that keep its meaning.

    ``{X}``/``{Y}`` are terms, ``{Xp}``/``{Yp}`` their plurals, ``{S}`` an optional setting.
    """

    arity: int
    base: str
    filler: tuple[str, ...]
    plural: str | None
    order: tuple[str, ...] = ()
    settings: bool = False
    weight: float = 1.0


FAMILIES: dict[str, Family] = {
    "what-is": Family(1, "What is {X}?", ("Can you explain the concept of {X}?", "What do you understand by {X}?",
                                           "Explain {X} in deep learning."),
                      "What are {Xp}?", ("{X}: what is it?",), weight=1.4),
    "advantages": Family(1, "What are the advantages of {X}{S}?",
                         ("Can you describe the advantages of {X}{S}?",
                          "What are the advantages of {X}{S} in machine learning?"),
                         "What are the advantages of {Xp}{S}?", ("{X}: what are its advantages{S}?",), True),
    "limitations": Family(1, "What are the main limitations of {X}{S}?",
                          ("Can you explain the main limitations of {X}{S}?",
                           "What are the main limitations of {X}{S} in deep learning?"),
                          "What are the main limitations of {Xp}{S}?", ("{X}: what are its main limitations{S}?",), True),
    "problem": Family(1, "What problem does {X} solve?",
                      ("Can you explain what problem {X} solves?", "What problem does {X} solve in deep learning?"),
                      "What problem do {Xp} solve?"),
    "implement": Family(1, "How would you implement {X} from scratch{S}?",
                        ("Can you explain how you would implement {X} from scratch{S}?",
                         "How would you implement {X} from scratch{S} in deep learning?"),
                        "How would you implement {Xp} from scratch{S}?", ("How would you implement {X}{S} from scratch?",),
                        True),
    "tune": Family(1, "Which hyperparameters matter most when using {X}{S}?",
                   ("Can you explain which hyperparameters matter most when using {X}{S}?",
                    "Which hyperparameters matter most when using {X}{S} in deep learning?"),
                   "Which hyperparameters matter most when using {Xp}{S}?",
                   ("Which hyperparameters of {X} matter most{S}?",), True),
    "debug": Family(1, "How do you debug a model that uses {X}{S}?",
                    ("Can you describe how you debug a model that uses {X}{S}?",),
                    "How do you debug a model that uses {Xp}{S}?", (), True),
    "example": Family(1, "Give a practical example where {X} helps.",
                      ("Can you give a practical example where {X} helps?",),
                      "Give a practical example where {Xp} help."),
    "differ": Family(2, "How does {X} differ from {Y}?",
                     ("Can you explain how {X} differs from {Y}?", "How does {X} differ from {Y} in deep learning?"),
                     "How do {Xp} differ from {Yp}?", ("How does {Y} differ from {X}?",), weight=1.6),
    "context": Family(2, "Explain {X} in the context of {Y}.",
                      ("Can you explain {X} in the context of {Y}?", "Please explain {X} in the context of {Y}."),
                      "Explain {Xp} in the context of {Y}.", ("In the context of {Y}, explain {X}.",)),
    "role": Family(2, "What is the role of {X} in {Y}{S}?",
                   ("Can you explain the role of {X} in {Y}{S}?", "What is the role of {X} in {Y}{S} in deep learning?"),
                   "What is the role of {Xp} in {Yp}{S}?", ("In {Y}{S}, what is the role of {X}?",), True),
    "affect": Family(2, "How does {X} affect {Y}{S}?", ("Can you explain how {X} affects {Y}{S}?",),
                     "How do {Xp} affect {Y}{S}?", ("How is {Y} affected by {X}{S}?",), True),
    "combine": Family(2, "Can {X} be combined with {Y}{S}?", ("Can {X} be combined with {Y}{S} in deep learning?",),
                      "Can {Xp} be combined with {Yp}{S}?", ("Can {Y} be combined with {X}{S}?",), True),
    "choose": Family(2, "When would you choose {X} over {Y}{S}?",
                     ("Can you explain when you would choose {X} over {Y}{S}?",),
                     "When would you choose {Xp} over {Yp}{S}?", (), True),
}
REWORD_KINDS = ("typo", "filler", "plural", "order")
REWORD_WEIGHTS = (0.3, 0.3, 0.2, 0.2)

_EFFECTS = [
    "reduces the variance of the estimates", "makes optimization more stable", "improves generalization on unseen data",
    "lowers the memory footprint", "speeds up convergence", "captures long-range dependencies",
    "helps the model ignore irrelevant features", "keeps gradients in a healthy range",
    "turns raw scores into calibrated probabilities", "adds a useful inductive bias", "reduces the number of parameters",
    "makes the learned features easier to interpret", "lets the network reuse computation",
    "decouples the learning rate from the scale of the weights", "reduces the gap between training and validation loss",
    "makes the model robust to small input perturbations",
]
_CONDITIONS = [
    "the dataset is small", "the batch size is large", "the network is very deep", "labels are noisy",
    "inputs have very different scales", "training runs on a single GPU", "the learning rate is too high",
    "the model is deployed on a phone", "classes are heavily imbalanced", "sequences are long",
    "the validation loss starts to rise", "the features are highly correlated",
]
_COMPARISONS = [
    "needs fewer labelled examples", "is cheaper to compute at inference time", "is easier to tune",
    "is more robust to outliers", "scales better to long sequences", "has fewer hyperparameters",
    "trades some accuracy for speed", "converges in fewer epochs", "uses more memory during training",
    "is less sensitive to initialization",
]
_PITFALLS = [
    "forgetting to disable it at inference time", "applying it before the data is shuffled",
    "using the test set to choose its settings", "combining it with an overly large learning rate",
    "ignoring the extra memory it needs", "evaluating it on a single random seed",
    "leaking information from the validation split", "assuming it fixes a badly scaled input",
]
_IDEAS = [
    "the model should not rely on any single feature", "small, noisy updates can escape sharp minima",
    "information should flow through the network without being distorted",
    "similar inputs should map to nearby representations", "the loss should penalise confident mistakes more",
    "the same weights can be reused across positions", "an easier problem is solved first and then refined",
    "the model is asked to explain its own training signal",
]
_IMPLS = [
    "single fused kernel", "thin wrapper around a matrix multiplication", "stateful module with running statistics",
    "callback in the training loop", "preprocessing step", "layer with learnable parameters",
]
_SENTENCES = [
    "{X} is a widely used {area} technique that {effect}.",
    "In practice, {X} {effect} when {cond}.",
    "Compared with {Z}, {X} {cmp}.",
    "A common pitfall is {pitfall}.",
    "It is usually tuned together with {Z}.",
    "The key idea is that {idea}.",
    "Most frameworks implement {X} as a {impl}.",
    "When {cond}, {X} tends to matter more than {Z}.",
]
_AREA_NOUN = {
    "foundations": "learning", "activations": "modelling", "optimization": "optimization",
    "regularization": "regularization", "normalization": "normalization", "vision": "computer vision",
    "sequence": "sequence modelling", "transformers": "NLP", "generative": "generative modelling",
    "classical": "machine learning", "efficiency": "deployment", "math": "probabilistic",
}
_GREEK = ["\\alpha", "\\beta", "\\gamma", "\\eta", "\\lambda", "\\tau", "\\mu"]


def _formula(rng: random.Random) -> str:
    """A valid KaTeX formula of the kind interview answers contain (numbers vary)."""
    g = rng.choice(_GREEK)
    k = rng.randint(2, 512)
    p = rng.randint(1, 99) / 100
    return rng.choice([
        rf"\sigma(z) = \frac{{1}}{{1 + e^{{-{k} z}}}}",
        rf"\theta_{{t+1}} = \theta_t - {g} \nabla_\theta \mathcal{{L}}(\theta_t)",
        rf"\mathcal{{L}} = -\sum_{{i=1}}^{{{k}}} y_i \log \hat{{y}}_i",
        rf"\text{{softmax}}(z)_i = \frac{{e^{{z_i / {g}}}}}{{\sum_j e^{{z_j / {g}}}}}",
        rf"\hat{{x}} = \frac{{x - \mu_B}}{{\sqrt{{\sigma_B^2 + 10^{{-{rng.randint(3, 8)}}}}}}}",
        rf"\lVert w \rVert_2^2 = \sum_{{j=1}}^{{{k}}} w_j^2",
        rf"\text{{Attention}}(Q, K, V) = \text{{softmax}}\left(\frac{{QK^\top}}{{\sqrt{{{k}}}}}\right) V",
        r"D_{KL}(P \,\|\, Q) = \sum_x P(x) \log \frac{P(x)}{Q(x)}",
        rf"m_t = {p} \, m_{{t-1}} + {round(1 - p, 2)} \, g_t",
        rf"y = W x + b, \quad W \in \mathbb{{R}}^{{{k} \times {rng.randint(2, 512)}}}",
        rf"p = {p}, \quad \mathbb{{E}}[h] = {p} \cdot h",
        rf"H(p) = -\sum_{{c=1}}^{{{k}}} p_c \log_2 p_c",
    ])


def _signature(text: str) -> tuple[str, ...]:
    """What makes two generated asks the *same* question: their content words as a multiset.

    Independent of qbank.dedupe on purpose.  Because it ignores word order, a directional
    ask and its reverse ("role of X in Y" / "role of Y in X") are never both generated:
    dedupe compares word multisets (token_sort_ratio) by design, and such reversed pairs
    are rare in real banks.
    """
    stop = {"a", "an", "the", "is", "are", "of", "in", "to", "do", "does", "you", "what", "how", "can", "be"}
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
             for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stop]
    return tuple(sorted(words))


def _plural(term: str) -> str:
    head, _, last = term.rpartition(" ")
    if last.endswith(("s", "x", "sh", "ch")) or not last[-1:].isalpha():
        plural = last + ("" if last.endswith("s") else "es")
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


@dataclass(frozen=True)
class Ask:
    """One distinct question the generator made up."""

    family: str
    x: str
    y: str | None
    setting: str | None
    area: str


class QuestionFactory:
    """Deterministic source of distinct interview questions, their rewordings and answers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[tuple[str, ...]] = set()
        self.names = list(FAMILIES)
        self.weights = [FAMILIES[n].weight for n in self.names]

    # -- questions -------------------------------------------------------------
    def new_ask(self) -> Ask:
        rng = self.rng
        for _ in range(1000):
            name = rng.choices(self.names, self.weights)[0]
            fam = FAMILIES[name]
            x, area = rng.choice(TERMS)
            y = None
            if fam.arity == 2:
                pool = VOCABULARY[area] if rng.random() < 0.7 else [t for t, _ in TERMS]
                y = rng.choice(pool)
                # "fine-tuning" vs "parameter-efficient fine-tuning": one term inside the other
                # makes an unnatural question, not a test of dedupe.
                if y == x or y.lower() in x.lower() or x.lower() in y.lower():
                    continue
            setting = rng.choice(SETTINGS) if fam.settings and rng.random() < 0.35 else None
            # "implement large language model ... in large language models": the setting
            # repeats the term, an unnatural question rather than a test of dedupe.
            if setting and _signature(setting) and set(_signature(setting)) & set(_signature(f"{x} {y or ''}")):
                setting = None
            ask = Ask(name, x, y, setting, area)
            sig = _signature(self.text(ask))
            if sig not in self.seen:
                self.seen.add(sig)
                return ask
        raise RuntimeError("vocabulary exhausted: cannot make another distinct question")

    @staticmethod
    def _fill(template: str, ask: Ask) -> str:
        y = ask.y or ""
        return template.format(X=ask.x, Y=y, Xp=_plural(ask.x), Yp=_plural(y) if y else "",
                               S=f" {ask.setting}" if ask.setting else "")

    def text(self, ask: Ask) -> str:
        return self._fill(FAMILIES[ask.family].base, ask)

    def reword(self, ask: Ask) -> tuple[str, str]:
        """A near-duplicate phrasing of ``ask``: (kind, text)."""
        rng = self.rng
        fam = FAMILIES[ask.family]
        base = self.text(ask)
        order = [t for t in fam.order if self._fill(t, ask) != base]
        kinds = [k for k in REWORD_KINDS
                 if (k != "plural" or fam.plural) and (k != "order" or order)
                 and (k != "typo" or _typo_words(base))]
        kind = rng.choices(kinds, [REWORD_WEIGHTS[REWORD_KINDS.index(k)] for k in kinds])[0]
        if kind == "typo":
            text = _typo(rng, base)
        elif kind == "filler":
            text = self._fill(rng.choice(fam.filler), ask)
        elif kind == "plural":
            text = self._fill(fam.plural or fam.base, ask)
        else:
            text = self._fill(rng.choice(order), ask)
        if kind != "typo" and rng.random() < 0.2 and _typo_words(text):
            text, kind = _typo(rng, text), kind + "+typo"
        return kind, text

    # -- answers ---------------------------------------------------------------
    def answer(self, ask: Ask, *, math: bool | None = None, bullets: bool | None = None,
               mermaid: bool = False) -> str:
        """2-6 sentences in scraped form: `\\(..\\)`/`$$..$$` math sometimes, `•` bullet lists sometimes."""
        rng = self.rng
        same_area = VOCABULARY[ask.area]
        sentences = []
        for template in rng.sample(_SENTENCES, rng.randint(2, 6)):
            z = rng.choice(same_area)
            sentences.append(template.format(
                X=ask.x, Z=z if z != ask.x else (ask.y or "a simpler baseline"), area=_AREA_NOUN[ask.area],
                effect=rng.choice(_EFFECTS), cond=rng.choice(_CONDITIONS), cmp=rng.choice(_COMPARISONS),
                pitfall=rng.choice(_PITFALLS), idea=rng.choice(_IDEAS), impl=rng.choice(_IMPLS)))
        sentences = [s[0].upper() + s[1:] for s in sentences]
        blocks = [" ".join(sentences)]
        if math if math is not None else rng.random() < 0.2:
            if rng.random() < 0.35:
                blocks.append(f"It is usually written as\n\n$${_formula(rng)}$$")
            else:
                blocks.append(f"For example, \\({_formula(rng)}\\) in the usual notation, "
                              f"with \\({rng.choice(_GREEK)} > 0\\).")
        if bullets if bullets is not None else rng.random() < 0.15:
            items = rng.sample(_EFFECTS, rng.randint(2, 4))
            blocks.append("Key points:\n" + "\n".join(f"• It {item}." for item in items))
        if mermaid:
            y = ask.y or rng.choice(same_area)
            blocks.append(f'```mermaid\ngraph LR\n    A["{ask.x}"] --> B["{y}"]\n    B --> C["prediction"]\n```')
        return "\n\n".join(blocks)

    def paraphrase(self, answer: str) -> str:
        """Another source's answer to the same question: same facts, shuffled, one dropped."""
        rng = self.rng
        first, *rest = answer.split("\n\n")
        sentences = re.split(r"(?<=\.) ", first)
        rng.shuffle(sentences)
        if len(sentences) > 2:
            sentences.pop()
        return "\n\n".join([" ".join(sentences), *rest])


def _typo_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]+", text) if len(w) >= 7]


def _typo(rng: random.Random, text: str) -> str:
    """One realistic slip in a long word: swapped, dropped or doubled letter."""
    word = rng.choice(_typo_words(text))
    i = rng.randint(1, len(word) - 3)
    how = rng.choice(("swap", "drop", "double"))
    if how == "swap" and word[i] != word[i + 1]:
        wrong = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    elif how == "drop":
        wrong = word[:i] + word[i + 1:]
    else:
        wrong = word[:i] + word[i] + word[i:]
    return re.sub(rf"\b{word}\b", wrong, text, count=1)


@dataclass
class SyntheticSet:
    """Records plus ground truth: ``base[i]`` is the distinct question record ``i`` asks."""

    records: list[Record]
    base: list[int]
    kind: list[str | None]  # reword kind for injected near-duplicates, None for originals

    @property
    def injected(self) -> list[int]:
        return [i for i, k in enumerate(self.kind) if k is not None]


SYNTH_SOURCES = ("synth-a", "synth-b", "synth-c")


def generate_records(n: int, seed: int = SEED, dup_rate: float = 0.10) -> SyntheticSet:
    """``n`` interview-like records, ~``dup_rate`` of them reworded near-duplicates.

    Deterministic: the same ``n`` and ``seed`` always give identical records.  A
    near-duplicate comes from another source than its original, as in real imports.
    """
    rng = random.Random(seed)
    factory = QuestionFactory(rng)
    records: list[Record] = []
    base: list[int] = []
    kinds: list[str | None] = []
    asks: list[Ask] = []
    answers: list[str] = []
    first_source: list[int] = []
    lines = {s: 1 for s in SYNTH_SOURCES}

    def add(src: int, question: str, answer: str, b: int, kind: str | None) -> None:
        source = SYNTH_SOURCES[src]
        line = lines[source]
        lines[source] += 3 + answer.count("\n")
        records.append(Record(source=source, seed=f"{source}.txt", line=line, number=len(records) + 1,
                              question=question, answer=answer, section=asks[b].area))
        base.append(b)
        kinds.append(kind)

    for _ in range(n):
        if asks and rng.random() < dup_rate:
            b = rng.randrange(len(asks))
            kind, question = factory.reword(asks[b])
            answer = "" if rng.random() < 0.2 or not answers[b] else factory.paraphrase(answers[b])
            src = (first_source[b] + rng.randint(1, len(SYNTH_SOURCES) - 1)) % len(SYNTH_SOURCES)
            add(src, question, answer, b, kind)
            continue
        ask = factory.new_ask()
        asks.append(ask)
        question = factory.text(ask)
        if rng.random() < 0.05:  # scraped emphasis, fixed by normalize
            question = question.replace(ask.x, f"**{ask.x}**", 1)
        answer = "" if rng.random() < 0.08 else factory.answer(ask)
        answers.append(answer)
        src = rng.randrange(len(SYNTH_SOURCES))
        first_source.append(src)
        add(src, question, answer, len(asks) - 1, None)
    return SyntheticSet(records, base, kinds)


def dedupe_quality(data: SyntheticSet, groups: list[list[Record]]) -> dict:
    """Compare dedupe groups with the ground truth of :func:`generate_records`."""
    index = {(r.source, r.line): i for i, r in enumerate(data.records)}
    group_of: dict[int, int] = {}
    for g, members in enumerate(groups):
        for r in members:
            group_of[index[(r.source, r.line)]] = g
    first_of_base: dict[int, int] = {}
    for i, b in enumerate(data.base):
        first_of_base.setdefault(b, i)
    found_by_kind: Counter[str] = Counter()
    total_by_kind: Counter[str] = Counter()
    found = 0
    for i in data.injected:
        kind = data.kind[i] or ""
        total_by_kind[kind] += 1
        if group_of[i] == group_of[first_of_base[data.base[i]]]:
            found += 1
            found_by_kind[kind] += 1
    same_pairs = diff_pairs = 0
    false_examples: list[list[str]] = []
    false_groups = 0
    for members in groups:
        if len(members) < 2:
            continue
        ids = [index[(r.source, r.line)] for r in members]
        bases = Counter(data.base[i] for i in ids)
        total = len(ids) * (len(ids) - 1) // 2
        same = sum(c * (c - 1) // 2 for c in bases.values())
        same_pairs += same
        diff_pairs += total - same
        if len(bases) > 1:
            false_groups += 1
            if len(false_examples) < 8:
                false_examples.append([r.question for r in members])
    injected = len(data.injected)
    return {
        "records": len(data.records),
        "distinct_questions": len(first_of_base),
        "injected_near_duplicates": injected,
        "groups": len(groups),
        "near_duplicates_found": found,
        "recall": found / injected if injected else None,
        "recall_by_kind": {k: {"found": found_by_kind[k], "injected": total_by_kind[k],
                               "recall": found_by_kind[k] / total_by_kind[k]} for k in sorted(total_by_kind)},
        "merged_pairs_same_question": same_pairs,
        "merged_pairs_different_questions": diff_pairs,
        "pair_precision": same_pairs / (same_pairs + diff_pairs) if same_pairs + diff_pairs else None,
        "groups_with_false_merge": false_groups,
        "false_merge_examples": false_examples,
    }


# =============================================================================
# Measurement helpers
# =============================================================================


@dataclass
class Measured:
    wall: float
    user: float
    sys: float
    maxrss: int  # bytes, largest single process among the child and its waited-for descendants
    returncode: int
    stdout: str
    stderr: str
    killed: bool = False
    kill_reason: str = ""


def run_measured(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None,
                 timeout: float | None = None, rss_limit: int | None = RSS_LIMIT) -> Measured:
    """Run ``cmd`` and return wall time plus *this child's* rusage (os.wait4, not the
    cumulative RUSAGE_CHILDREN, so sizes measured one after the other do not mix).

    The child is killed after ``timeout`` seconds or when its RSS passes ``rss_limit``
    (the box is shared: a runaway benchmark must not take the machine down).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        reason: list[str] = []
        done = threading.Event()

        def kill(why: str) -> None:
            reason.append(why)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        def watch() -> None:
            status = Path(f"/proc/{proc.pid}/status")
            while not done.wait(0.2):
                if timeout and time.perf_counter() - start > timeout:
                    kill(f"timed out after {timeout:.0f} s")
                    return
                if rss_limit:
                    with contextlib.suppress(OSError, ValueError, IndexError):
                        rss = next(int(line.split()[1]) * 1024 for line in status.read_text().splitlines()
                                   if line.startswith("VmRSS:"))
                        if rss > rss_limit:
                            kill(f"killed: RSS passed {_fmt_bytes(rss_limit)} "
                                 f"after {time.perf_counter() - start:.0f} s")
                            return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            done.set()
            watcher.join()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss * 1024, proc.returncode,
                        out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                        bool(reason), reason[0] if reason else "")


def _proc_status(key: str) -> int | None:
    """VmRSS / VmHWM of this process in bytes."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset VmHWM (Linux: write 5 to /proc/self/clear_refs) so the peak covers what follows."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _digest(path: Path) -> str | None:
    import hashlib

    try:
        data = path.read_bytes()
    except OSError:
        return None
    stamp = _dt.datetime.fromtimestamp(path.stat().st_mtime, _dt.timezone.utc).strftime("%H:%M:%S")
    return f"{hashlib.sha256(data).hexdigest()[:10]} (mtime {stamp} UTC)"


def machine_info() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = {}
    for mod in ("mkdocs", "material", "rapidfuzz", "ftfy", "playwright"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version
            versions[mod] = version({"material": "mkdocs-material"}.get(mod, mod))
    with contextlib.suppress(Exception):
        versions["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True,
                                          timeout=10).stdout.strip()
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "nproc": nproc,
        "cpu": cpu,
        "ram_bytes": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load1_at_start": os.getloadavg()[0],
        # Other people edit the pipeline while benchmarks run: record what was measured.
        "code": {name: _digest(REPO / "scripts" / "qbank" / name)
                 for name in ("normalize.py", "dedupe.py", "classify.py", "matcher.py", "taxonomy.py", "pipeline.py", "site/plugin.py",
                              "validate/run.py", "validate/duplicates.py")},
        "versions": versions,
    }


def _fmt_bytes(n: float | None) -> str:
    if n is None:
        return "–"
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} B"


def _fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def growth_exponent(n1: int, t1: float, n2: int, t2: float) -> float | None:
    """k in t ~ n^k between two sizes (1 = linear)."""
    if min(n1, n2, t1, t2) <= 0 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def _profile_top(profiler: cProfile.Profile, limit: int = 14) -> list[dict]:
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, func), (_cc, nc, tt, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{Path(filename).name}:{line}({func})", "ncalls": nc, "tottime": tt,
                     "cumtime": ct})
    own = sorted(rows, key=lambda r: -r["tottime"])[:limit]
    # Where the time goes in qbank's own code (and ftfy, which it calls per text).
    ours = [r for r in rows if re.match(r"(normalize|dedupe|classify|pipeline|bank|difficulty)\.py:", r["function"])
            or r["function"].endswith("(fix_text)")]
    cumulative = sorted(ours, key=lambda r: -r["cumtime"])[:limit]
    return {"own": own, "cumulative": cumulative}


# =============================================================================
# Pipeline benchmark
# =============================================================================


def pipeline_worker(n: int, seed: int, profile: str | None) -> dict:
    """Runs in a fresh process: generate, then normalize -> dedupe -> classify, timed."""
    from qbank.taxonomy import Taxonomy
    from qbank.dedupe import Overrides, dedupe
    from qbank.pipeline import build_questions, normalize_record

    t0 = time.perf_counter()
    data = generate_records(n, seed)
    generate_s = time.perf_counter() - t0
    taxonomy = Taxonomy.load(REPO / "data")
    rss_before = _proc_status("VmRSS")
    peak_reset = _reset_peak_rss()

    stages = [x for x in (profile or "").split(",") if x in ("normalize", "dedupe", "classify")]
    prof = {name: cProfile.Profile() for name in stages}

    cpu: dict[str, float] = {}
    load_before = os.getloadavg()[0]

    def stage(name: str, fn: Callable[..., Any], *args):
        p = prof.get(name)
        start, start_cpu = time.perf_counter(), time.process_time()
        if p:
            p.enable()
        result = fn(*args)
        if p:
            p.disable()
        cpu[name] = time.process_time() - start_cpu
        return result, time.perf_counter() - start

    records, normalize_s = stage("normalize", lambda rs: [normalize_record(r) for r in rs], data.records)
    result, dedupe_s = stage("dedupe", dedupe, records, Overrides())
    (questions, _), classify_s = stage("classify", build_questions, result.groups, taxonomy)
    out = {
        "n": n,
        "seed": seed,
        "generate_s": generate_s,
        "normalize_s": normalize_s,
        "dedupe_s": dedupe_s,
        "classify_s": classify_s,
        "pipeline_s": normalize_s + dedupe_s + classify_s,
        "normalize_cpu_s": cpu["normalize"],
        "dedupe_cpu_s": cpu["dedupe"],
        "classify_cpu_s": cpu["classify"],
        "pipeline_cpu_s": sum(cpu.values()),
        "load1_before": load_before,
        "load1_after": os.getloadavg()[0],
        "rss_after_generate": rss_before,
        "pipeline_peak_rss": _proc_status("VmHWM") if peak_reset else None,
        "questions": len(questions),
        "dedupe_merges": len(result.merges),
        "dedupe_near_misses": len(result.near_misses),
        "quality": dedupe_quality(data, result.groups),
    }
    out["blocking"] = blocking_stats(records)
    if prof:
        out["profile"] = {name: _profile_top(p) for name, p in prof.items()}
    return out


def blocking_stats(records: list[Record]) -> dict:
    """How many candidate pairs dedupe's blocking produces (its own ``candidate_pairs``, called
    again after the timed stages, so it does not affect them)."""
    try:
        from qbank.dedupe import candidate_pairs, question_key

        return {"candidate_pairs": len(candidate_pairs([question_key(r.question).split() for r in records]))}
    except Exception as exc:  # noqa: BLE001 - a benchmark records the failure instead of stopping
        return {"candidate_pairs": None, "error": f"{type(exc).__name__}: {exc}"}


def _run_pipeline_size(n: int, seed: int, timeout: float, profile: list[str] | None = None) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.bench", "--worker", "pipeline", "--n", str(n), "--seed", str(seed)]
    if profile:
        cmd += ["--profile", ",".join(profile)]
    m = run_measured(cmd, cwd=REPO, timeout=timeout)
    if m.killed:
        return {"n": n, "error": m.kill_reason, "process_wall_s": m.wall, "process_peak_rss": m.maxrss}
    if m.returncode != 0:
        return {"n": n, "error": f"worker failed ({m.returncode}): {m.stderr.strip()[-2000:]}"}
    data = json.loads(m.stdout.strip().splitlines()[-1])
    data.update(process_wall_s=m.wall, process_cpu_s=m.user + m.sys, process_peak_rss=m.maxrss)
    return data


def time_extraction(repeat: int = 5) -> list[dict]:
    """Per-seed extract time of the real seeds (best of ``repeat``), plus normalize of its records."""
    from qbank.extract import extract_file
    from qbank.source import load_sources

    rows = []
    for source in load_sources(REPO / "seeds" / "sources.yml"):
        path = REPO / "seeds" / source.seed
        times = []
        records: list[Record] = []
        for _ in range(repeat):
            start = time.perf_counter()
            records = extract_file(path, source.id, source.format)
            times.append(time.perf_counter() - start)
        rows.append({"source": source.id, "seed": source.seed, "format": source.format,
                     "bytes": path.stat().st_size, "records": len(records),
                     "best_s": min(times), "median_s": sorted(times)[len(times) // 2]})
    return rows


def bench_pipeline(sizes: tuple[int, ...], seed: int, timeout: float, log: Callable[[str], None]) -> dict:
    log("pipeline: extraction of the real seeds")
    out: dict = {"extraction": time_extraction(), "sizes": []}
    for n in sizes:
        log(f"pipeline: {n:,} records (fresh process)")
        out["sizes"].append(_run_pipeline_size(n, seed, timeout))
    ok = [r for r in out["sizes"] if "error" not in r]
    growth = []
    for a, b in zip(ok, ok[1:]):
        row = {"from": a["n"], "to": b["n"]}
        for key in ("normalize_s", "dedupe_s", "classify_s", "pipeline_s"):
            # On CPU time: the box is shared, and wall time picks up other people's load.
            ck = key.replace("_s", "_cpu_s")
            row[key] = {"ratio": b[ck] / a[ck] if a[ck] else None,
                        "exponent": growth_exponent(a["n"], a[ck], b["n"], b[ck]),
                        "wall_ratio": b[key] / a[key] if a[key] else None}
        growth.append(row)
    out["growth"] = growth
    # Profile what misses its goal: super-linear stage, too slow or too big at the top size.
    largest = ok[-1] if ok else None
    suspects = set()
    if growth:
        last = growth[-1]
        suspects |= {k.removesuffix("_s") for k in ("normalize_s", "dedupe_s", "classify_s")
                     if (last[k]["exponent"] or 0) > LINEAR_EXPONENT}
    if largest and largest["n"] >= 100_000 and (largest["pipeline_s"] > GOAL_PIPELINE_S
                                                 or largest["process_peak_rss"] > GOAL_PIPELINE_RSS):
        suspects.add(max(("normalize", "dedupe", "classify"), key=lambda s: largest[f"{s}_cpu_s"]))
    failed = [r for r in out["sizes"] if "error" in r]
    if failed:
        suspects.add("dedupe" if not ok else max(("normalize", "dedupe", "classify"),
                                                 key=lambda s: ok[-1][f"{s}_cpu_s"]))
    if suspects and ok:
        # Big enough for super-linear costs to dominate the profile, small enough to finish
        # under cProfile (which slows pure-Python loops about 2x).
        n = PROFILE_SIZE if ok[-1]["n"] >= 10 * PROFILE_SIZE // 3 else ok[-1]["n"]
        log(f"pipeline: profiling {n:,} records (cProfile) for {', '.join(sorted(suspects))}")
        prof = _run_pipeline_size(n, seed, timeout * 2, profile=sorted(suspects))
        out["profile"] = {"n": n, "stages": sorted(suspects),
                          "wall": {k: prof.get(f"{k}_s") for k in ("normalize", "dedupe", "classify")},
                          "top": prof.get("profile"), "error": prof.get("error")}
    return out


# =============================================================================
# Site benchmark
# =============================================================================


def _site_env() -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", QBANK_NODE_MODULES=str(REPO / "node_modules"))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _mkdocs_build(config: Path, site_dir: Path, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config), "-d", str(site_dir)]
    load = os.getloadavg()[0]
    m = run_measured(cmd, cwd=config.parent, env=_site_env(), timeout=timeout)
    pages = sum(1 for _ in site_dir.rglob("*.html")) if site_dir.exists() else 0
    index = site_dir / "search" / "qbank.json"  # the site's own compact index (qbank.site.search_index)
    return {
        "ok": m.returncode == 0 and not m.killed,
        "error": None if m.returncode == 0 else (m.kill_reason if m.killed else m.stderr.strip()[-3000:]),
        "load1_before": load, "wall_s": m.wall, "cpu_s": m.user + m.sys, "user_s": m.user, "sys_s": m.sys, "peak_rss": m.maxrss,
        "pages": pages, "ms_per_page": 1000 * m.wall / pages if pages else None,
        "cpu_ms_per_page": 1000 * (m.user + m.sys) / pages if pages else None,
        "search_index_bytes": index.stat().st_size if index.exists() else None,
        "search_index_gzip": len(gzip.compress(index.read_bytes(), 6)) if index.exists() else None,
        "site_bytes": sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file()) if site_dir.exists() else 0,
    }


def _package(filename: str) -> str:
    """Where a profiled function lives, coarsely: site-packages/<pkg>[/<subpkg>], qbank/<file>."""
    m = re.search(r"site-packages/([^/]+)/(?:([^/]+)/)?", filename)
    if m:
        sub = m.group(2)
        return m.group(1) + (f"/{sub}" if sub and not sub.endswith(".py") else "")
    m = re.search(r"scripts/(qbank/.*)", filename)
    if m:
        return m.group(1)
    if filename.startswith("~"):
        return "builtins (C)"
    return "stdlib " + Path(filename).name


def profile_build(config: Path, site_dir: Path, prof_path: Path, timeout: float) -> dict:
    """``mkdocs build`` under cProfile: own time by package and the event handlers' cumulative time."""
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof_path), "-m", "mkdocs", "build", "--strict", "--quiet",
           "-f", str(config), "-d", str(site_dir)]
    m = run_measured(cmd, cwd=config.parent, env=_site_env(), timeout=timeout)
    if m.returncode != 0 or not prof_path.exists():
        return {"error": m.kill_reason or m.stderr.strip()[-1000:]}
    stats = pstats.Stats(str(prof_path)).stats  # type: ignore[attr-defined]
    own: dict[str, float] = defaultdict(float)
    handlers = []
    for (filename, line, func), (_, nc, tt, ct, _) in stats.items():
        own[_package(filename)] += tt
        where = _package(filename)
        hook = func.startswith("on_") and "mkdocs/plugins.py" not in filename and not where.startswith("stdlib")
        helper = where.startswith("qbank") and func in ("load_bank", "validate", "render_math", "related_questions",
                                                         "copy_vendor_assets", "check_links")
        phase = (where.startswith("mkdocs") and func in ("build", "_populate_page", "_build_page", "load_config",
                                                         "_build_theme_template", "nb2html"))
        imports = func == "_find_and_load" and "importlib" in filename
        if hook or helper or phase or imports:
            handlers.append({"function": f"{where}:{line}({func})", "ncalls": nc, "cumtime": ct})
    total = sum(own.values())
    return {"profiled_wall_s": m.wall, "total_own_s": total,
            "own_by_package": sorted(({"package": k, "own_s": v} for k, v in own.items()), key=lambda r: -r["own_s"])[:12],
            "handlers": sorted(handlers, key=lambda r: -r["cumtime"])[:16]}


def synthetic_bank(n: int, seed: int = SEED) -> list:
    """``n`` bank questions in the real format: valid topics/tags, ~30 % with math, ~2 % mermaid."""
    from qbank.bank import Answer, Origin, Question, question_id, slugify
    from qbank.taxonomy import Taxonomy
    from qbank.difficulty import estimate_difficulty
    from qbank.normalize import normalize_answer, normalize_question
    from qbank.source import load_sources

    rng = random.Random(seed)
    factory = QuestionFactory(rng)
    taxonomy = Taxonomy.load(REPO / "data")
    topics, tags = list(taxonomy.topic_ids), list(taxonomy.tag_ids)
    sources = load_sources(REPO / "seeds" / "sources.yml")
    questions: list[Question] = []
    line = 1_000_001  # past every real seed's end: validation (QB309) compares a credited answer with the seed record at its line
    for _ in range(n):
        ask = factory.new_ask()
        title = normalize_question(factory.text(ask))
        n_answers = 0 if rng.random() < 0.08 else (2 if rng.random() < 0.1 else 1)
        math_q = rng.random() < 0.30
        mermaid_q = rng.random() < 0.02
        chosen = rng.sample(sources, max(1, n_answers))
        answers = []
        for k in range(n_answers):
            raw = factory.answer(ask, math=math_q and k == 0, mermaid=mermaid_q and k == 0)
            # "edited": synthetic text under a real source's name (validation checks a plain
            # source heading against the seed's text at the origin's line)
            answers.append(Answer(chosen[k].id, normalize_answer(raw).text, edited=True))
        if n_answers == 0 and (math_q or mermaid_q):
            math_q = mermaid_q = False
        aliases = [normalize_question(factory.reword(ask)[1])] if rng.random() < 0.1 else []
        origins = []
        for s in chosen:
            origins.append(Origin(s.id, s.seed, line, title))
            line += rng.randint(3, 40)
        q = Question(
            id=question_id(chosen[0].id, title), title=title, topic=rng.choice(topics),
            tags=sorted(rng.sample(tags, rng.randint(1, 3))), difficulty=estimate_difficulty(title),
            status="answered" if answers else "unanswered", aliases=aliases, origins=origins, answers=answers,
        )
        q.meta = {"math": math_q, "mermaid": mermaid_q}
        questions.append(q)
    seen: dict[str, int] = Counter(f"{q.topic}/{slugify(q.title)}" for q in questions)
    for q in questions:
        slug = slugify(q.title)
        if seen[f"{q.topic}/{slug}"] > 1:
            slug = f"{slug}-{q.id[2:]}"
        q.path = Path("questions") / q.topic / f"{slug}.md"
    return questions


def mark_distinct(questions: list) -> int:
    """Record ``distinct_from`` where the build's near-duplicate check (validate QB701) would
    take two *different* generated questions for one ("supervised" ~ "unsupervised"), as a
    maintainer would.  Returns how many questions needed it."""
    from itertools import combinations

    from qbank.dedupe import question_key, question_shape, would_merge

    phrases = []  # (question index, key, shape)
    for i, q in enumerate(questions):
        for text in [q.title, *q.aliases]:
            shape = question_shape(text)
            phrases.append((i, question_key(text), (shape.compound, shape.comparison)))
    df = Counter(w for _, key, _ in phrases for w in set(key.split()))
    postings: dict[str, list[int]] = defaultdict(list)
    for n, (_, key, _) in enumerate(phrases):
        # Four rarest words: a superset of what the validator's blocking can pair up.
        for w in sorted(set(key.split()), key=lambda w: (df[w], w))[:4]:
            postings[w].append(n)
    flagged: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) > 3000:
            continue
        for x, y in combinations(ids, 2):
            (qa, ka, sa), (qb, kb, sb) = phrases[x], phrases[y]
            if qa != qb and (min(qa, qb), max(qa, qb)) not in flagged and would_merge(ka, kb, sa, sb) is not None:
                flagged.add((min(qa, qb), max(qa, qb)))
    for a, b in sorted(flagged):
        questions[b].meta.setdefault("distinct_from", []).append(questions[a].id)
    return len({b for _, b in flagged})


def make_site_project(dest: Path, n: int | None, seed: int) -> dict:
    """A copy of the site project in ``dest``; with ``n``, its bank is replaced by a synthetic one.

    Public: the site benchmark builds it at each size, and tests/test_search_generated.py
    builds the same synthetic site to check search on a bank larger than ours.  Returns the
    bank's statistics (questions, formulas, diagrams, bytes, ``math_url``).
    """
    import yaml

    from qbank.bank import render

    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")  # its `qbank` plugin is this installed package
    for name in ("overrides", "data", "seeds"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copytree(REPO / "docs" / "assets", dest / "docs" / "assets")
    stats = {"questions": 0, "with_math": 0, "with_mermaid": 0, "bank_bytes": 0, "distinct_from": 0}
    if n is None:
        return stats
    questions = synthetic_bank(n, seed)
    stats["distinct_from"] = mark_distinct(questions)
    stats["math_url"] = next((q.url for q in questions if q.meta.get("math") and not q.meta.get("mermaid")), None)
    for q in questions:
        path = dest / "docs" / q.path
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render(q)
        if q.meta.get("distinct_from"):  # render() does not write this maintainer field
            extra = yaml.safe_dump({"distinct_from": q.meta["distinct_from"]}, default_flow_style=False)
            head, sep, body = text.partition("\n---\n")
            text = f"{head}\n{extra.rstrip()}{sep}{body}"
        path.write_text(text, encoding="utf-8")
        stats["questions"] += 1
        stats["with_math"] += bool(q.meta.get("math"))
        stats["with_mermaid"] += bool(q.meta.get("mermaid"))
        stats["bank_bytes"] += len(text.encode("utf-8"))
    return stats


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(directory: Path) -> contextlib.AbstractContextManager[str]:
    """``directory`` as plain static files (no compression); yields the base URL."""
    from benchmarks.search_bench import serve_static

    return serve_static(directory, _QuietHandler)


_COMPRESSIBLE = re.compile(r"text/|javascript|json|xml|svg|css", re.I)


def _find_question_urls() -> dict[str, str]:
    """Site URLs of the benchmark pages, found by content so a rename does not break the bench."""
    from qbank.bank import load_bank

    found = {}
    for q in load_bank(REPO / "docs"):
        body = " ".join(a.markdown for a in q.answers)
        if "math" not in found and re.search(r"temperature", q.title, re.I) and re.search(r"softmax", body, re.I):
            found["math"] = q.url
        if "mermaid" not in found and re.search(r"logits.*soft.*hard", q.title, re.I) and "```mermaid" in body:
            found["mermaid"] = q.url
    return found


def measure_pages(site_dir: Path, pages: dict[str, str | tuple[str, str]]) -> dict:
    """Load each page in headless chromium (fresh cache) and sum gzip -6 of every response body.

    A page given as ``(path, query)`` is measured after the reader also searched: clicked the
    search box, typed ``query`` and got the results (with the full-text shards)."""
    from playwright.sync_api import sync_playwright

    results = {}
    with serve(site_dir) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, spec in pages.items():
                path, query = (spec, None) if isinstance(spec, str) else spec
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                responses = []
                failed = []
                page.on("response", lambda r, seen=responses: seen.append(r))  # playwright cannot wrap a builtin method
                page.on("requestfailed", lambda r, failed=failed: failed.append(r.url))
                page.goto(base + path, wait_until="load")
                page.wait_for_load_state("networkidle")
                if name == "mermaid":
                    with contextlib.suppress(Exception):
                        page.wait_for_function(
                            "() => [...document.querySelectorAll('.mermaid')].some("
                            "e => e.querySelector('svg') || (e.shadowRoot && e.shadowRoot.querySelector('svg')))",
                            timeout=20_000)
                    page.wait_for_load_state("networkidle")
                if query:
                    page.click(".md-search__input")
                    page.keyboard.type(query, delay=30)
                    page.wait_for_function("q => document.querySelector('.md-search-result__list').dataset.qbQuery === q",
                                           arg=query, timeout=30_000)
                    page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)
                dom = page.evaluate("document.getElementsByTagName('*').length")
                files = []
                for r in responses:
                    try:
                        body = r.body()
                    except Exception:  # noqa: BLE001 - redirects, aborted requests have no body
                        continue
                    ctype = (r.headers.get("content-type") or "").split(";")[0]
                    gz = len(gzip.compress(body, 6)) if _COMPRESSIBLE.search(ctype) else len(body)
                    files.append({"url": r.url.removeprefix(base), "status": r.status, "type": ctype,
                                  "raw": len(body), "transferred": gz})
                by_kind: dict[str, int] = defaultdict(int)
                for f in files:
                    by_kind[_kind(f["url"], f["type"])] += f["transferred"]
                results[name] = {
                    "path": path, "query": query, "requests": len(files), "failed": failed, "dom_nodes": dom,
                    "raw_bytes": sum(f["raw"] for f in files),
                    "transferred_bytes": sum(f["transferred"] for f in files),
                    "by_kind": dict(sorted(by_kind.items(), key=lambda kv: -kv[1])),
                    "files": sorted(files, key=lambda f: -f["transferred"]),
                }
                context.close()
        finally:
            browser.close()
    return results


def _kind(url: str, ctype: str) -> str:
    if "vendor/mermaid" in url:
        return "mermaid js"
    if "katex" in url and url.endswith(".woff2"):
        return "katex fonts"
    if "katex" in url:
        return "katex css"
    if "search_index" in url or "search/" in url:
        return "search"
    if url.endswith(".js") or "javascript" in ctype:
        return "js"
    if url.endswith(".css") or "css" in ctype:
        return "css"
    if "html" in ctype:
        return "html"
    return ctype or "other"


SEARCH_QUERY = "gradient descent"


def _bench_search(out: dict, label: str, site: Path, math_url: str, log: Callable[[str], None]) -> None:
    """Index sizes, the math page's weight without and with a search, and search latency
    on the throttled profile (benchmarks.search_bench), for one built site."""
    from benchmarks import search_bench

    log(f"site: search on the {label} site (slow 4G, 4x CPU)")
    entry: dict = {"bank": label, **search_bench.index_sizes(site)}
    try:
        weights = measure_pages(site, {"plain": math_url, "searched": (math_url, SEARCH_QUERY)})
        entry["math_page_bytes"] = weights["plain"]["transferred_bytes"]
        entry["math_page_searched_bytes"] = weights["searched"]["transferred_bytes"]
        runs = [search_bench.measure(site, math_url, SEARCH_QUERY) for _ in range(3)]
        entry["runs"] = runs
        entry["first_result_ms"] = statistics.median(r["first_result_ms"] for r in runs)
        later = [x for r in runs for x in r["later_keys_ms"] if x is not None]
        entry["later_median_ms"] = statistics.median(later)
        entry["later_p90_ms"] = sorted(later)[int(0.9 * (len(later) - 1))]
        entry["later_max_ms"] = max(later)
        entry["full_text_ms"] = statistics.median(r["full_text_ms"] for r in runs if r["full_text_ms"] is not None)
        entry["fetched_before_use"] = sorted({u for r in runs for u in r["search_requests_before_use"]})
    except Exception as exc:  # noqa: BLE001 - report, do not lose the rest of the run
        entry["error"] = f"{type(exc).__name__}: {exc}"
    out.setdefault("search", []).append(entry)


def bench_site(sizes: tuple[int, ...], seed: int, timeout: float, log: Callable[[str], None]) -> dict:
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="qbank-bench-") as tmp:
        tmp_path = Path(tmp)
        log("site: mkdocs build --strict of the real site")
        real_site = tmp_path / "real-site"
        out["real"] = _mkdocs_build(REPO / "mkdocs.yml", real_site, timeout)
        out["real"]["questions"] = sum(1 for _ in (REPO / "docs" / "questions").glob("*/*.md"))
        from . import reload_bench  # edit-to-reload under `make serve`

        log("site: edit-to-reload under mkdocs serve --dirty (benchmarks.reload_bench)")
        out["reload"] = reload_bench.measure(reload_bench.copy_project(tmp_path / "reload"), log=log)
        out["synthetic"] = []
        for k, n in enumerate(sizes):
            log(f"site: synthetic bank of {n:,} questions")
            project = tmp_path / f"synthetic-{n}"
            project.mkdir()
            stats = make_site_project(project, n, seed)
            build = _mkdocs_build(project / "mkdocs.yml", project / "site", timeout)
            out["synthetic"].append({"n": n, **stats, **build})
            if build["ok"] and stats.get("math_url"):
                _bench_search(out, f"synthetic {n:,}", project / "site", stats["math_url"], log)
            if k:  # the smallest project (and its site) stays for the page weight and profile below
                shutil.rmtree(project, ignore_errors=True)
        ok = [s for s in out["synthetic"] if s["ok"]]
        out["growth"] = [{"from": a["n"], "to": b["n"], "ratio": b["wall_s"] / a["wall_s"],
                          "exponent": growth_exponent(a["n"], a["wall_s"], b["n"], b["wall_s"]),
                          "cpu_ratio": b["cpu_s"] / a["cpu_s"],
                          "cpu_exponent": growth_exponent(a["n"], a["cpu_s"], b["n"], b["cpu_s"])}
                         for a, b in zip(ok, ok[1:])]
        if len(ok) >= 2:  # build time = fixed + marginal x pages, from the two largest builds
            a, b = ok[-2], ok[-1]
            marginal = (b["cpu_s"] - a["cpu_s"]) / (b["pages"] - a["pages"])
            out["cost_model"] = {"marginal_ms_per_page": 1000 * marginal, "fixed_s": a["cpu_s"] - marginal * a["pages"],
                                 "from": a["n"], "to": b["n"]}

        # Profile the build that misses the per-page goal (the real site first: fixed costs show there).
        failing = [("real site", REPO / "mkdocs.yml", tmp_path / "profile-site")] if (
            out["real"]["ok"] and out["real"]["cpu_ms_per_page"] > GOAL_BUILD_MS_PER_PAGE) else []
        if sizes and ok and ok[0]["n"] == sizes[0] and ok[0]["cpu_ms_per_page"] > GOAL_BUILD_MS_PER_PAGE:
            project = tmp_path / f"synthetic-{sizes[0]}"
            failing.append((f"synthetic {sizes[0]:,}", project / "mkdocs.yml", project / "profile-site"))
        if failing:
            label, config, dest = failing[0]
            log(f"site: profiling the {label} build (cProfile)")
            out["profile"] = profile_build(config, dest, tmp_path / "build.prof", timeout * 2)
            out["profile"]["label"] = label
            shutil.rmtree(dest, ignore_errors=True)

        pages_out: dict = {}
        if out["real"]["ok"]:
            log("site: page weight and DOM size in headless chromium")
            urls = _find_question_urls()
            missing = {"math", "mermaid"} - set(urls)
            if missing:
                out["pages_missing"] = sorted(missing)
            try:
                pages_out.update(measure_pages(real_site, {"home": "", **urls}))
                if "math" in urls:
                    pages_out["math, then a search"] = measure_pages(real_site, {"m": (urls["math"], SEARCH_QUERY)})["m"]
                    _bench_search(out, "real site", real_site, urls["math"], log)
                # The same kind of page on a bigger bank: what grows with the bank (the search index).
                if ok and ok[0]["n"] == sizes[0] and ok[0].get("math_url"):
                    synth = measure_pages(tmp_path / f"synthetic-{sizes[0]}" / "site", {"math": ok[0]["math_url"]})
                    pages_out[f"math ({sizes[0]:,}-question bank)"] = synth["math"]
            except Exception as exc:  # noqa: BLE001 - report, do not lose the rest of the run
                out["pages_error"] = f"{type(exc).__name__}: {exc}"
        if pages_out:
            out["pages"] = pages_out
    return out


def bench_lighthouse(timeout: float, log: Callable[[str], None], performance_runs: int = LIGHTHOUSE_PERFORMANCE_RUNS) -> dict:
    """Lighthouse on a fresh strict build of the real site (see :mod:`benchmarks.lighthouse_bench`)."""
    from . import lighthouse_bench

    with tempfile.TemporaryDirectory(prefix="qbank-bench-lh-") as tmp:
        site = Path(tmp) / "site"
        log("lighthouse: mkdocs build --strict of the real site")
        build = _mkdocs_build(REPO / "mkdocs.yml", site, timeout)
        if not build["ok"]:
            return {"error": "build failed: " + (build["error"] or "")[-300:]}
        pages = lighthouse_bench.page_paths()
        out = lighthouse_bench.measure(site, pages, performance_runs=performance_runs, log=log)
    versions = {run.get("lighthouse") for *_, run in lighthouse_bench.runs(out)}
    out["lighthouse_version"] = ", ".join(sorted(v for v in versions if v))
    out["command"] = "python -m benchmarks.bench --only lighthouse"
    return out


# =============================================================================
# Report
# =============================================================================


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _count(x: int | None) -> str:
    return "–" if x is None else f"{x:,}"


def _exp(x: float | None) -> str:
    return "–" if x is None else f"n^{x:.2f}"


def goals(results: dict) -> list[dict]:
    rows: list[dict] = []

    def add(name: str, value: str, target: str, ok: bool | None) -> None:
        rows.append({"goal": name, "measured": value, "target": target,
                     "status": "n/a" if ok is None else ("PASS" if ok else "FAIL")})

    pipe = results.get("pipeline")
    if pipe:
        sizes = {r["n"]: r for r in pipe["sizes"]}
        top = sizes.get(100_000)
        if top is None:
            add("pipeline 100k: time", "not run", f"≤ {GOAL_PIPELINE_S:.0f} s", None)
        elif "error" in top:
            add("pipeline 100k: time", top["error"], f"≤ {GOAL_PIPELINE_S:.0f} s", False)
        else:
            add("pipeline 100k: time (normalize+dedupe+classify)",
                f"{_fmt_s(top['pipeline_s'])} wall, {_fmt_s(top['pipeline_cpu_s'])} CPU",
                f"≤ {GOAL_PIPELINE_S:.0f} s", top["pipeline_s"] <= GOAL_PIPELINE_S)
            add("pipeline 100k: peak RSS (whole process)", _fmt_bytes(top["process_peak_rss"]), "≤ 2 GiB",
                top["process_peak_rss"] <= GOAL_PIPELINE_RSS)
        for g in pipe.get("growth", []):
            for key in ("normalize_s", "dedupe_s", "classify_s", "pipeline_s"):
                e = g[key]["exponent"]
                add(f"pipeline {key.removesuffix('_s')} growth {g['from']:,}→{g['to']:,} (CPU)",
                    f"×{g[key]['ratio']:.1f} ({_exp(e)})", f"near-linear (≤ n^{LINEAR_EXPONENT})",
                    None if e is None else e <= LINEAR_EXPONENT)
        for r in pipe["sizes"]:
            q = r.get("quality")
            if q:
                add(f"dedupe {r['n']:,}: false merges (bench's own check)", f"{q['merged_pairs_different_questions']} pairs "
                    f"({q['groups_with_false_merge']} groups)", "0", q["merged_pairs_different_questions"] == 0)
    site = results.get("site")
    if site:
        def per_page(label: str, b: dict) -> None:
            if not b["ok"] or not b.get("ms_per_page"):
                add(label, "build failed: " + (b.get("error") or "–")[-80:], f"≤ {GOAL_BUILD_MS_PER_PAGE:.0f} ms", False)
                return
            wall_ok = b["ms_per_page"] <= GOAL_BUILD_MS_PER_PAGE
            cpu_ok = b["cpu_ms_per_page"] <= GOAL_BUILD_MS_PER_PAGE
            add(label, f"{b['ms_per_page']:.1f} ms wall, {b['cpu_ms_per_page']:.1f} ms CPU",
                f"≤ {GOAL_BUILD_MS_PER_PAGE:.0f} ms", wall_ok)
            if wall_ok != cpu_ok:
                rows[-1]["status"] += " (wall; CPU " + ("passes" if cpu_ok else "fails") + ")"

        per_page("real site build: ms per page", site["real"])
        for s in site["synthetic"]:
            per_page(f"synthetic {s['n']:,} build: ms per page", s)
            if s["n"] == 10_000:
                add("synthetic 10,000 build: wall time", _fmt_s(s["wall_s"]) if s["ok"] else "failed",
                    f"≤ {GOAL_10K_BUILD_S:.0f} s", s["ok"] and s["wall_s"] <= GOAL_10K_BUILD_S)
        for g in site.get("growth", []):
            add(f"site build growth {g['from']:,}→{g['to']:,}",
                f"wall ×{g['ratio']:.1f} ({_exp(g['exponent'])}), CPU ×{g['cpu_ratio']:.1f} ({_exp(g['cpu_exponent'])})",
                f"near-linear (≤ n^{LINEAR_EXPONENT})", None if g["exponent"] is None else g["exponent"] <= LINEAR_EXPONENT)
        math_page = (site.get("pages") or {}).get("math")
        if math_page:
            add("math question page: transferred (gzip -6)", _fmt_bytes(math_page["transferred_bytes"]), "≤ 150 KiB",
                math_page["transferred_bytes"] <= GOAL_MATH_PAGE_BYTES)
            add("math question page: DOM nodes", str(math_page["dom_nodes"]), f"≤ {GOAL_MATH_PAGE_DOM}",
                math_page["dom_nodes"] <= GOAL_MATH_PAGE_DOM)
        else:
            add("math question page", site.get("pages_error", "not measured"), "≤ 150 KiB, ≤ 800 nodes", None)
        for s in site.get("search", []):
            if "error" in s:
                add(f"search, {s['bank']}", s["error"], "measured", False)
                continue
            add(f"math page, {s['bank']} bank: transferred before any search", _fmt_bytes(s["math_page_bytes"]),
                "≤ 150 KiB", s["math_page_bytes"] <= GOAL_MATH_PAGE_BYTES)
            big = s["bank"] == "synthetic 10,000"
            add(f"search, {s['bank']}: first keystroke → first result (median of 3, slow 4G, 4× CPU)",
                f"{s['first_result_ms']:.0f} ms", f"≤ {GOAL_FIRST_RESULT_MS:.0f} ms",
                s["first_result_ms"] <= GOAL_FIRST_RESULT_MS if big else None)
            add(f"search, {s['bank']}: later keystrokes (median / p90 / max)",
                f"{s['later_median_ms']:.0f} / {s['later_p90_ms']:.0f} / {s['later_max_ms']:.0f} ms",
                f"≤ {GOAL_LATER_KEY_MS:.0f} ms", s["later_median_ms"] <= GOAL_LATER_KEY_MS if big else None)
        diagram = (site.get("pages") or {}).get("mermaid")
        if diagram:
            add("question page with a mermaid flowchart: transferred (gzip -6)", _fmt_bytes(diagram["transferred_bytes"]),
                "≤ 400 KiB", diagram["transferred_bytes"] <= GOAL_DIAGRAM_PAGE_BYTES)
        for name, p in (site.get("pages") or {}).items():
            if name.startswith("math ("):
                add(f"{name} (same kind of page, bigger bank)", f"{_fmt_bytes(p['transferred_bytes'])}, "
                    f"{p['dom_nodes']} nodes", "≤ 150 KiB, ≤ 800 nodes", None)
                rows[-1]["status"] = "info: " + ("within" if p["transferred_bytes"] <= GOAL_MATH_PAGE_BYTES
                                                  and p["dom_nodes"] <= GOAL_MATH_PAGE_DOM else "over") + " budget"
    lh = results.get("lighthouse")
    if lh:
        if "error" in lh:
            add("Lighthouse", lh["error"], "measured", False)
        else:
            from .lighthouse_bench import runs as lighthouse_runs

            all_runs = list(lighthouse_runs(lh))
            errors = [f"{k} {f} {p} error" for k, f, p, run in all_runs if "error" in run]
            for cat in ("accessibility", "best-practices", "seo"):
                below = [f"{k} {f} {p} {run['scores'].get(cat)}" for k, f, p, run in all_runs
                         if "scores" in run and (run["scores"].get(cat) or 0) < GOAL_LIGHTHOUSE]
                ok = bool(all_runs) and not below and not errors
                add(f"Lighthouse {cat}, {len(all_runs)} runs (page × form factor × palette)",
                    "all 100" if ok else ", ".join(below + errors) or "not run", "100 everywhere", ok)
            for kind, e in (lh.get("performance") or {}).items():
                if "median" in e:
                    add(f"Lighthouse mobile performance, {kind} (median of {len(e['runs'])})", f"{e['median']:.0f}",
                        f"≥ {GOAL_MOBILE_PERFORMANCE}", e["median"] >= GOAL_MOBILE_PERFORMANCE)
            for kind, e in (lh.get("performance_desktop") or {}).items():
                if "median" in e:
                    add(f"Lighthouse desktop performance, {kind} (median of {len(e['runs'])})", f"{e['median']:.0f}",
                        "100", e["median"] >= 100)
    return rows


def report(results: dict) -> str:
    out: list[str] = []
    m = results["machine"]
    out.append("## Machine\n")
    out.append(_table(["date (UTC)", "nproc", "CPU", "RAM", "Python", "versions"], [[
        m["date"], m["nproc"], m["cpu"], _fmt_bytes(m["ram_bytes"]), m["python"],
        ", ".join(f"{k} {v}" for k, v in m["versions"].items())]]))
    pipe = results.get("pipeline")
    if pipe:
        out.append("\n## Pipeline: normalize → dedupe → classify (one fresh process per size)\n")
        rows = []
        for r in pipe["sizes"]:
            if "error" in r:
                rows.append([f"{r['n']:,}", r["error"]] + [""] * 10)
                continue
            def wc(key: str, r: dict = r) -> str:
                return f"{_fmt_s(r[key + '_s'])} ({_fmt_s(r[key + '_cpu_s'])})"

            rows.append([f"{r['n']:,}", _fmt_s(r["generate_s"]), wc("normalize"), wc("dedupe"), wc("classify"),
                         f"**{wc('pipeline')}**", f"{1e6 * r['pipeline_s'] / r['n']:.0f} µs",
                         _fmt_bytes(r["process_peak_rss"]), _fmt_bytes(r["rss_after_generate"]),
                         _fmt_bytes(r["pipeline_peak_rss"]), _count(r["blocking"].get("candidate_pairs")),
                         f"{r['load1_before']:.1f} / {r['load1_after']:.1f}"])
        out.append("Times are wall (CPU) of the stage in the worker; the worker is single-threaded, so "
                   "wall ≫ CPU means the shared box was busy.\n")
        out.append(_table(["records", "generate", "normalize", "dedupe", "classify", "pipeline total",
                           "per record (wall)", "peak RSS (process)", "RSS after generate",
                           "peak RSS during pipeline", "dedupe candidate pairs", "load1 before / after"], rows))
        out.append("\nDedupe against ground truth (injected ≈ 10 % reworded near-duplicates):\n")
        rows = []
        for r in pipe["sizes"]:
            q = r.get("quality")
            if not q:
                continue
            kinds = ", ".join(f"{k} {v['found']}/{v['injected']}" for k, v in q["recall_by_kind"].items())
            rows.append([f"{r['n']:,}", q["distinct_questions"], q["injected_near_duplicates"], r["dedupe_merges"],
                         q["near_duplicates_found"], _pct(q["recall"]), q["merged_pairs_different_questions"],
                         _pct(q["pair_precision"]), r["dedupe_near_misses"], kinds])
        out.append(_table(["records", "distinct questions", "injected near-dups", "merges made", "near-dups found",
                           "recall", "false-merge pairs", "pair precision", "near-misses", "found/injected by rewording"],
                          rows))
        examples = [ex for r in pipe["sizes"] for ex in (r.get("quality") or {}).get("false_merge_examples", [])]
        if examples:
            out.append("\nFalse merges (first examples, each a group mixing different generated questions):\n")
            seen = set()
            for ex in examples:
                key = tuple(ex)
                if key in seen or len(seen) >= 8:
                    continue
                seen.add(key)
                out.append("- " + " ≡ ".join(f"“{q}”" for q in ex))
        if pipe.get("growth"):
            out.append("\nGrowth on CPU time (ratio between sizes, and k in t ∝ n^k; 10× the records at "
                       "k = 1 is ×10):\n")
            rows = [[f"{g['from']:,} → {g['to']:,}"] + [
                f"×{g[k]['ratio']:.1f} ({_exp(g[k]['exponent'])})" if g[k]["ratio"] else "–"
                for k in ("normalize_s", "dedupe_s", "classify_s", "pipeline_s")] for g in pipe["growth"]]
            out.append(_table(["sizes", "normalize", "dedupe", "classify", "total"], rows))
        out.append("\nExtraction of the real seeds (in-process, best of 5):\n")
        out.append(_table(["source", "format", "seed size", "records", "best", "median"], [
            [e["source"], e["format"], _fmt_bytes(e["bytes"]), e["records"], f"{1000 * e['best_s']:.1f} ms",
             f"{1000 * e['median_s']:.1f} ms"] for e in pipe["extraction"]]))
        prof = pipe.get("profile")
        if prof and prof.get("top"):
            out.append(f"\nProfile (cProfile, {prof['n']:,} records; flagged: {', '.join(prof['stages']) or '–'}; "
                       "wall under the profiler: " + ", ".join(f"{k} {_fmt_s(v)}" for k, v in prof["wall"].items()
                                                               if k in prof["stages"]) + "):\n")
            for stage in prof["stages"] or list(prof["top"]):
                for view, title in (("cumulative", "qbank functions (and ftfy) by cumulative time"),
                                    ("own", "top functions by own time")):
                    out.append(f"\n{stage} — {title}:\n")
                    out.append(_table(["function", "calls", "own time", "cumulative"], [
                        [f"`{r['function']}`", f"{r['ncalls']:,}", f"{r['tottime']:.2f} s", f"{r['cumtime']:.2f} s"]
                        for r in prof["top"][stage][view][:10]]))
        elif prof and prof.get("error"):
            out.append(f"\nProfile failed: {prof['error']}")
    site = results.get("site")
    if site:
        out.append("\n## Site build (`mkdocs build --strict`, fresh process, into a temp dir)\n")
        rows = []
        for label, s in [("real site", site["real"])] + [(f"synthetic {s['n']:,}", s) for s in site["synthetic"]]:
            extra = (f"{s['with_math']} / {s['with_mermaid']} / {s['distinct_from']}" if s.get("with_math") is not None
                     and s.get("questions") and "distinct_from" in s else "real")
            if not s["ok"]:
                rows.append([label, s.get("questions", ""), "FAILED: " + (s["error"] or "")[-300:].replace("\n", " ")]
                            + [""] * 9)
                continue
            rows.append([label, s.get("questions", ""), extra, s["pages"], _fmt_s(s["wall_s"]), _fmt_s(s["cpu_s"]),
                         f"{s['ms_per_page']:.1f} ms", f"{s['cpu_ms_per_page']:.1f} ms", _fmt_bytes(s["peak_rss"]),
                         f"{_fmt_bytes(s['search_index_bytes'])} ({_fmt_bytes(s['search_index_gzip'])} gz)",
                         _fmt_bytes(s["site_bytes"]), f"{s['load1_before']:.1f}"])
        out.append("CPU = user+sys of mkdocs and its KaTeX node process (os.wait4); peak RSS = largest "
                   "single process; distinct_from = synthetic questions that needed one to pass the build's "
                   "near-duplicate check (different questions it takes for one).\n")
        out.append(_table(["bank", "questions", "math / mermaid / distinct_from", "pages", "wall", "CPU", "wall per page",
                           "CPU per page", "peak RSS", "compact search index", "site size", "load1 before"], rows))
        for g in site.get("growth", []):
            out.append(f"\nBuild time {g['from']:,} → {g['to']:,} questions: wall ×{g['ratio']:.2f} "
                       f"({_exp(g['exponent'])}), CPU ×{g['cpu_ratio']:.2f} ({_exp(g['cpu_exponent'])})")
        cm = site.get("cost_model")
        if cm:
            out.append(f"\nCost model from the {cm['from']:,} and {cm['to']:,} builds (CPU): "
                       f"**{cm['marginal_ms_per_page']:.1f} ms per extra page + {cm['fixed_s']:.1f} s fixed** "
                       "(start-up, validation, notebooks, assets); the fixed part is why a small site's "
                       "average per page is high.")
        prof = site.get("profile")
        if prof and not prof.get("error"):
            out.append(f"\nProfile of the {prof['label']} build (cProfile; {_fmt_s(prof['profiled_wall_s'])} "
                       f"under the profiler, {_fmt_s(prof['total_own_s'])} of profiled time):\n")
            out.append(_table(["package / module", "own time", "share"], [
                [f"`{r['package']}`", _fmt_s(r["own_s"]), _pct(r["own_s"] / prof["total_own_s"])]
                for r in prof["own_by_package"][:10]]))
            out.append("")
            out.append(_table(["build phase / event handler (`_find_and_load` = imports)", "calls", "cumulative",
                               "share"], [
                [f"`{r['function']}`", f"{r['ncalls']:,}", _fmt_s(r["cumtime"]), _pct(r["cumtime"] / prof["total_own_s"])]
                for r in prof["handlers"][:16]]))
        elif prof:
            out.append(f"\nBuild profile failed: {prof['error']}")
        pages = site.get("pages")
        if pages:
            out.append("\n## Page weight in headless chromium (every response body; text gzip -6, binaries as is)\n")
            rows = []
            for name, p in pages.items():
                kinds = ", ".join(f"{k} {_fmt_bytes(v)}" for k, v in p["by_kind"].items())
                rows.append([name, f"`/{p['path']}`", p["requests"], _fmt_bytes(p["raw_bytes"]),
                             f"**{_fmt_bytes(p['transferred_bytes'])}**", p["dom_nodes"], kinds])
            out.append(_table(["page", "path", "requests", "raw", "transferred", "DOM nodes", "by kind"], rows))
            for name, p in pages.items():
                if p["failed"]:
                    out.append(f"\n{name}: failed requests: {', '.join(p['failed'])}")
        if site.get("pages_error"):
            out.append(f"\nPage measurement failed: {site['pages_error']}")
        searches = [s for s in site.get("search", []) if "error" not in s]
        if searches:
            out.append(f"\n## Search (benchmarks.search_bench: slow 4G = 150 ms RTT, 1.6 Mbit/s; 4× CPU; gzip; "
                       f"typing “{SEARCH_QUERY}” on the math page; median of 3 runs)\n")
            out.append(_table(["bank", "compact index (gzip)", "term shards (gzip, largest)", "math page",
                               "math page + a search", "first keystroke → first result",
                               "later keystrokes median / p90 / max", "full text in after last key",
                               "fetched before use"], [
                [s["bank"], f"{_fmt_bytes(s['compact_bytes'])} ({_fmt_bytes(s['compact_gzip'])})",
                 f"{s['shards']} files {_fmt_bytes(s['shards_bytes'])} ({_fmt_bytes(s['shards_gzip'])}, "
                 f"{_fmt_bytes(s['largest_shard_gzip'])})", _fmt_bytes(s["math_page_bytes"]),
                 _fmt_bytes(s["math_page_searched_bytes"]), f"**{s['first_result_ms']:.0f} ms**",
                 f"{s['later_median_ms']:.0f} / {s['later_p90_ms']:.0f} / {s['later_max_ms']:.0f} ms",
                 f"{s['full_text_ms']:.0f} ms", ", ".join(s["fetched_before_use"]) or "–"] for s in searches]))
        for s in site.get("search", []):
            if "error" in s:
                out.append(f"\nSearch measurement failed on the {s['bank']} site: {s['error']}")
        if site.get("reload"):
            from .reload_bench import summary

            out.append("\n## Edit-to-reload (benchmarks.reload_bench)\n\n" + summary(site["reload"]))
        if site.get("pages_missing"):
            out.append(f"\nPages not found in the bank: {', '.join(site['pages_missing'])}")
    lh = results.get("lighthouse")
    if lh:
        from . import lighthouse_bench

        out.append(f"\n## Lighthouse {lh.get('lighthouse_version', '')} (Debian chromium, gzip server; "
                   "dark = `--force-dark-mode`)\n")
        out.append(lh["error"] if "error" in lh else lighthouse_bench.report(lh))
    out.append("\n## Goals\n")
    out.append(_table(["goal", "measured", "target", "status"],
                      [[g["goal"], g["measured"], g["target"], g["status"]] for g in results["goals"]]))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run in a couple of minutes")
    parser.add_argument("--only", choices=("pipeline", "site", "lighthouse"), help="run one part only")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--timeout", type=float, default=900.0, help="per measured subprocess, seconds")
    parser.add_argument("--output", default=RESULTS_FILE, help="JSON results file (default: %(default)s in cwd)")
    parser.add_argument("--worker", choices=("pipeline",), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "pipeline":
        print(json.dumps(pipeline_worker(args.n, args.seed, args.profile)))
        return 0

    def log(msg: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    results: dict = {"machine": machine_info(), "quick": args.quick, "seed": args.seed}
    if args.only in (None, "pipeline"):
        sizes = QUICK_PIPELINE_SIZES if args.quick else FULL_PIPELINE_SIZES
        results["pipeline"] = bench_pipeline(sizes, args.seed, args.timeout, log)
    if args.only in (None, "site"):
        sizes = QUICK_SITE_SIZES if args.quick else FULL_SITE_SIZES
        results["site"] = bench_site(sizes, args.seed, args.timeout, log)
    if args.only in (None, "lighthouse"):
        results["lighthouse"] = bench_lighthouse(args.timeout, log, 0 if args.quick else LIGHTHOUSE_PERFORMANCE_RUNS)
    results["goals"] = goals(results)
    text = report(results)
    Path(args.output).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(text)
    log(f"results written to {Path(args.output).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
