"""Tests for the ``qbank`` command line: export, extract and the error contract.

Exit codes: 0 success, 1 a failed check, 2 bad input (with a ``path:line: message``).
Commands run through typer's CliRunner from a copy of the repository under ``tmp_path``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, qbank_cli, seed_project
from qbank import cli
from qbank.bank import bank_files, load_bank
from qbank.taxonomy import Taxonomy
from qbank.extract import markdown as markdown_extractor
from qbank.pipeline import Project
from qbank.source import load_sources

FIXTURES = REPO / "tests" / "fixtures"
SEEDS = {
    "000_d3bd1c64e802493d.txt": ("lazy-ds-guide", 54),
    "001_bb0412ce525cf09f.txt": ("github-dl-qa", 44),
    "002_571e76fee13970cc.txt": ("flashcard-deck", 37),
}
RECORD_KEYS = {"source", "seed", "line", "number", "question", "answer", "difficulty", "section", "flags"}
QUESTION_KEYS = {"id", "title", "topic", "tags", "difficulty", "status", "aliases", "path", "url", "origins",
                 "reviewed", "answers"}


def tree(docs: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and every folder (None) under ``docs``."""
    return {p.relative_to(docs).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(docs.rglob("*"))}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Project:
    """An imported copy of the repository, shared read-only by this module's tests."""
    return seed_project(tmp_path_factory.mktemp("export") / "repo", import_bank=True)


@pytest.fixture
def qbank(monkeypatch):
    """Run ``qbank ARGS`` with the working directory set to ``cwd``."""
    return lambda cwd, *args: qbank_cli(monkeypatch, cwd, *args)


@pytest.fixture(scope="module")
def exported(repo, tmp_path_factory) -> tuple[bytes, bytes, bytes]:
    out = tmp_path_factory.mktemp("out")
    results = []
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(repo.root)
        runner = CliRunner()
        for name in ("one.json", "two.json"):
            r = runner.invoke(cli.app, ["export", "--format", "json", "-o", str(out / name)])
            assert r.exit_code == 0, r.output
            results.append((out / name).read_bytes())
        r = runner.invoke(cli.app, ["export"])
        assert r.exit_code == 0, r.stderr
        results.append(r.stdout_bytes)
    return tuple(results)


@pytest.fixture(scope="module")
def document(exported) -> dict:
    return json.loads(exported[0].decode("utf-8"))


# --- export --------------------------------------------------------------------------------


def test_export_is_byte_identical_across_runs_and_outputs(exported, repo):
    one, two, stdout = exported
    assert one == two
    assert stdout == one
    assert one.endswith(b"\n")
    assert not list(repo.root.glob("*.tmp"))


def test_export_schema_keys(document):
    assert set(document) == {"version", "sources", "topics", "tags", "questions"}
    assert document["version"] == 1


def test_export_sources_topics_tags(document, repo):
    assert [s["id"] for s in document["sources"]] == sorted(v[0] for v in SEEDS.values())
    sources = {s.id: s for s in load_sources(repo.sources_file)}
    for s in document["sources"]:
        assert set(s) == {"id", "title", "seed", "format", "author", "licence", "attribution"}
        assert s["attribution"] == sources[s["id"]].attribution
    taxonomy = Taxonomy.load(repo.data)
    assert [t["id"] for t in document["topics"]] == list(taxonomy.topic_ids)
    tag_ids = [t["id"] for t in document["tags"]]
    assert tag_ids == sorted(tag_ids) and len(tag_ids) == len(set(tag_ids))


def test_export_questions(document, repo):
    questions = document["questions"]
    assert len(questions) == 125
    ids = [q["id"] for q in questions]
    assert ids == sorted(ids) and len(set(ids)) == 125
    tag_ids = {t["id"] for t in document["tags"]}
    topic_ids = {t["id"] for t in document["topics"]}
    for q in questions:
        assert set(q) == QUESTION_KEYS, q["id"]
        assert re.fullmatch(r"q-[0-9a-f]{7}", q["id"])
        assert q["path"] == f"questions/{q['topic']}/{Path(q['path']).name}"
        assert q["url"] == q["path"][: -len(".md")] + "/"
        assert (repo.docs / q["path"]).is_file()
        assert q["topic"] in topic_ids
        assert set(q["tags"]) <= tag_ids and q["tags"] == sorted(q["tags"])
        assert q["difficulty"] in ("easy", "medium", "hard")
        assert q["status"] == ("answered" if q["answers"] else "unanswered")
        assert q["origins"] and all(set(o) == {"source", "seed", "line", "question"} for o in q["origins"])
        assert all(set(a) == {"source", "kind", "markdown"} and a["markdown"].strip() for a in q["answers"])
        assert all(a["kind"] in ("source", "edited", "project", "community") for a in q["answers"])


def test_export_matches_the_bank_files(document, repo):
    bank = {q.id: q for q in load_bank(repo.docs)}
    assert set(bank) == {q["id"] for q in document["questions"]}
    for q in document["questions"]:
        b = bank[q["id"]]
        assert q["title"] == b.title and q["path"] == b.path.as_posix() and q["aliases"] == b.aliases
        assert q["answers"] == [{"source": a.source, "kind": a.kind, "markdown": a.markdown} for a in b.answers]
        assert q["reviewed"] == b.reviewed
        assert q["origins"] == [o.to_dict() for o in b.origins]


def test_export_example_url(document):
    (q,) = [q for q in document["questions"] if q["title"] == "Why should we use Batch Normalization?"]
    assert q["path"] == "questions/normalization/why-should-we-use-batch-normalization.md"
    assert q["url"] == "questions/normalization/why-should-we-use-batch-normalization/"
    assert [(o["source"], o["line"]) for o in q["origins"]] == [("lazy-ds-guide", 28), ("github-dl-qa", 4)]
    assert [a["source"] for a in q["answers"]] == ["lazy-ds-guide", "github-dl-qa"]


def test_export_unknown_format_exits_2(qbank, repo):
    r = qbank(repo.root, "export", "--format", "nonsense")
    assert r.exit_code == 2
    assert "unknown export format 'nonsense'" in r.stderr
    assert r.stdout == ""


# --- extract -------------------------------------------------------------------------------


def jsonl(stdout: str) -> list[dict]:
    lines = stdout.rstrip("\n").split("\n")
    return [json.loads(line) for line in lines]


def test_extract_jsonl_001(qbank, repo):
    r = qbank(repo.root, "extract", "seeds/001_bb0412ce525cf09f.txt", "--jsonl")
    assert r.exit_code == 0, r.stderr
    rows = jsonl(r.stdout)
    assert len(rows) == 44
    assert all(set(row) == RECORD_KEYS for row in rows)
    assert [row["number"] for row in rows] == list(range(1, 45))
    assert {row["source"] for row in rows} == {"github-dl-qa"}
    assert {row["seed"] for row in rows} == {"001_bb0412ce525cf09f.txt"}
    unanswered = [row["number"] for row in rows if not row["answer"]]
    assert unanswered == [19, 25, 29, 31, 32, 34, 35, 36, 37, 38, 39, 40, 41, 42, 44]


def test_extract_counts_per_seed(qbank, repo):
    r = qbank(repo.root, "extract", *(f"seeds/{s}" for s in SEEDS))
    assert r.exit_code == 0, r.stderr
    rows = jsonl(r.stdout)
    for seed, (source, count) in SEEDS.items():
        mine = [row for row in rows if row["seed"] == seed]
        assert len(mine) == count, seed
        assert {row["source"] for row in mine} == {source}
    assert len(rows) == 54 + 44 + 37


def test_extract_normalized_option(qbank, repo):
    r = qbank(repo.root, "extract", "seeds/000_d3bd1c64e802493d.txt", "--normalized")
    assert r.exit_code == 0, r.stderr
    rows = jsonl(r.stdout)
    assert len(rows) == 54
    (ema,) = [row for row in rows if row["question"].startswith("What is EMA")]
    assert r"\text{ema\_param}" in ema["answer"]


def test_extract_from_a_subdirectory_finds_the_repository(qbank, repo):
    r = qbank(repo.docs, "extract", "../seeds/002_571e76fee13970cc.txt")
    assert r.exit_code == 0, r.stderr
    assert {row["source"] for row in jsonl(r.stdout)} == {"flashcard-deck"}


def test_extract_unknown_format_exits_2(qbank, repo):
    r = qbank(repo.root, "extract", "seeds/001_bb0412ce525cf09f.txt", "--format", "nonsense")
    assert r.exit_code == 2
    assert "unknown format" in r.stderr and "nonsense" in r.stderr
    assert "seeds/001_bb0412ce525cf09f.txt:1:" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("data, line", [
    (b"\xff\xfeW\x00h\x00a\x00t\x00", 1),
    (b"What is dropout?\n\nA regularizer.\n\xe9t\xe9\n", 4),
])
def test_extract_non_utf8_exits_2_with_location(qbank, repo, tmp_path, data, line):
    path = tmp_path / "a-rather-long-directory-name-so-messages-do-not-fit-80-columns" / "latin1_seed.txt"
    path.parent.mkdir()
    path.write_bytes(data)
    r = qbank(repo.root, "extract", path)
    assert r.exit_code == 2, r.output
    assert f"{path}:{line}:" in r.stderr
    assert "UTF-8" in r.stderr
    assert "Traceback" not in r.output
    assert r.stdout == ""


def test_extract_nul_bytes_exits_2(qbank, repo, tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes(b"What?\nok\n\x00\x01")
    r = qbank(repo.root, "extract", path)
    assert r.exit_code == 2
    assert f"{path}:3:" in r.stderr


def test_extract_missing_file_exits_2(qbank, repo):
    r = qbank(repo.root, "extract", "seeds/nope.txt")
    assert r.exit_code == 2
    assert "seeds/nope.txt: no such file" in r.stderr


@pytest.mark.parametrize("fmt", ["auto", "flashcards"])
def test_extract_truncated_seed_exits_2_with_location(qbank, repo, tmp_path, fmt):
    lines = (REPO / "seeds" / "002_571e76fee13970cc.txt").read_text(encoding="utf-8").split("\n")[:40]
    path = tmp_path / "truncated_002.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = qbank(repo.root, "extract", path, "--format", fmt)
    assert r.exit_code == 2, r.output
    m = re.search(r"truncated_002\.txt:(\d+): (.+)", r.stderr)
    assert m, r.stderr
    assert 1 <= int(m.group(1)) <= 40
    assert "37" in m.group(2)  # what the header promised
    assert "hint:" in r.stderr
    assert r.stdout == ""


def test_extract_markdown_fixtures(qbank, repo):
    files = sorted((FIXTURES / "markdown").glob("*.md"))
    assert files
    r = qbank(repo.root, "extract", "--format", "markdown", *files)
    assert r.exit_code == 0, r.stderr
    rows = jsonl(r.stdout)
    expected = []
    for f in files:
        expected += markdown_extractor.extract(f.read_text(encoding="utf-8"), f.name, f.stem)
    assert rows == [rec.to_dict() for rec in expected]
    assert {row["seed"] for row in rows} == {f.name for f in files}


# --- import failures write nothing ------------------------------------------------------------


def test_broken_dedupe_yml_fails_import_and_writes_nothing(qbank, tmp_path):
    project = seed_project(tmp_path / "repo", import_bank=True)
    # make one bank file stale so a successful import would have written something
    victim = bank_files(project.docs)[0]
    victim.unlink()
    before = tree(project.docs)
    (project.data / "dedupe.yml").write_text("merge:\n  - why: x\n    origins: [a:1, b:2\n", encoding="utf-8")
    for args in (["import"], ["import", "--check"]):
        r = qbank(project.root, *args)
        assert r.exit_code == 2, (args, r.output)
        assert "dedupe.yml" in r.stderr and "not valid YAML" in r.stderr
        assert "Traceback" not in r.output
        assert tree(project.docs) == before
    assert not victim.exists()


def test_broken_seed_fails_import_into_empty_docs_and_writes_nothing(qbank, tmp_path):
    project = seed_project(tmp_path / "repo")
    seed = project.seeds / "002_571e76fee13970cc.txt"
    seed.write_text("\n".join(seed.read_text(encoding="utf-8").split("\n")[:40]) + "\n", encoding="utf-8")
    r = qbank(project.root, "import", "-q")
    assert r.exit_code == 2, r.output
    assert re.search(r"002_571e76fee13970cc\.txt:\d+:", r.stderr)
    assert list(project.docs.rglob("*")) == []


def test_dedupe_yml_with_unknown_key_fails_import(qbank, tmp_path):
    project = seed_project(tmp_path / "repo")
    (project.data / "dedupe.yml").write_text("merges:\n  - origins: [a:1, b:2]\n", encoding="utf-8")
    r = qbank(project.root, "import", "-q")
    assert r.exit_code == 2
    assert "dedupe.yml: unknown keys ['merges']" in r.stderr
    assert list(project.docs.rglob("*")) == []


def test_import_failing_while_writing_exits_2_and_leaves_docs_unchanged(qbank, tmp_path):
    """A file where a topic folder must go makes the write fail part-way through the plan."""
    project = seed_project(tmp_path / "repo")
    blocker = project.docs / "questions" / "normalization"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a folder\n", encoding="utf-8")
    before = tree(project.docs)
    r = qbank(project.root, "import", "-q")
    # nothing written: no bank file, no temp file, no new (empty) topic folder
    assert tree(project.docs) == before
    # a located error, not a traceback
    assert r.exit_code == 2, (r.exit_code, repr(r.exception))
    assert "docs/questions/normalization" in r.stderr
