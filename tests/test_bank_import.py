"""Tests for the bank files and ``qbank import``: determinism, idempotence, and never clobbering edits.

Every test works on a copy of ``seeds/`` and ``data/`` under ``tmp_path`` with a fresh
``docs/`` tree, so neither the repository's bank nor other people's edits are touched.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, file_tree, qbank_cli, seed_project
from qbank.bank import (
    Answer,
    Origin,
    Question,
    bank_files,
    is_untouched,
    load_bank,
    read_question,
    render,
    slugify,
    split_front_matter,
    with_digest,
)
from qbank.taxonomy import Taxonomy
from qbank.importer import ImportPlan, apply_plan, plan_import
from qbank.pipeline import Project, run

SEED_000 = "000_d3bd1c64e802493d.txt"
BACKPROP = "Backpropagation is an algorithm used to train neural networks."


def do_import(project: Project, questions: list[Question] | None = None):
    plan = plan_import(questions if questions is not None else run(project).questions, project.docs)
    apply_plan(plan)
    return plan




@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One imported copy of the repository per test worker, plus its pipeline result."""
    project = seed_project(tmp_path_factory.mktemp("template") / "repo")
    result = run(project)
    plan = do_import(project, result.questions)
    assert len(plan.create) == 125 and not plan.update and not plan.delete
    return project, result


@pytest.fixture
def imported(template, tmp_path) -> Project:
    """A private, freshly imported copy of the repository."""
    project = Project(tmp_path / "repo")
    shutil.copytree(template[0].root, project.root)
    return project


@pytest.fixture
def questions(template) -> list[Question]:
    """The pipeline's questions for the unmodified seeds."""
    return template[1].questions


def file_of(project: Project, questions: list[Question], handle: str) -> Path:
    """The bank file of the question whose origins include ``<source>:<line>``."""
    hits = [q for q in questions if any(f"{o.source}:{o.line}" == handle for o in q.origins)]
    assert len(hits) == 1, handle
    return project.docs / hits[0].path


# --- determinism and idempotence --------------------------------------------------------


def test_two_fresh_imports_are_byte_identical(template, tmp_path):
    first = file_tree(template[0].docs)
    other = seed_project(tmp_path / "other")
    plan = do_import(other)
    assert len(plan.create) == 125
    second = file_tree(other.docs)
    assert len(first) == 125
    assert first == second
    # no temp files left behind by the atomic writes
    assert not [p for p in second if Path(p).name.startswith(".qbank-")]


def test_second_import_changes_nothing(imported, monkeypatch):
    before = file_tree(imported.docs)
    plan = do_import(imported)
    assert plan.changes == 0
    assert plan.unchanged == 125 and plan.hand_edited == []
    assert file_tree(imported.docs) == before
    result = qbank_cli(monkeypatch, imported.root, "import", "--check", "-q")
    assert result.exit_code == 0, result.output
    assert "bank up to date: 125 files, 0 hand-edited" in result.output
    assert file_tree(imported.docs) == before


def test_cli_import_into_empty_docs_matches_the_api(template, tmp_path, monkeypatch):
    other = seed_project(tmp_path / "other")
    result = qbank_cli(monkeypatch, other.root, "import", "-q")
    assert result.exit_code == 0, result.output
    assert "created 125, updated 0, removed 0" in result.output
    assert file_tree(other.docs) == file_tree(template[0].docs)


def test_every_imported_file_carries_a_matching_digest(imported):
    for path in bank_files(imported.docs):
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^import_digest: [0-9a-f]{16}$", text, re.M), path
        assert is_untouched(text), path


def test_deleted_file_fails_the_check_naming_it(imported, questions, monkeypatch):
    victim = file_of(imported, questions, "lazy-ds-guide:20")
    content = victim.read_bytes()
    victim.unlink()
    result = qbank_cli(monkeypatch, imported.root, "import", "--check", "-q")
    assert result.exit_code == 1, result.output
    assert f"missing: {victim.relative_to(imported.root).as_posix()}" in result.output
    assert "out of date" in result.output and "(1 files)" in result.output
    assert not victim.exists()  # --check writes nothing
    plan = do_import(imported, questions)
    assert list(plan.create) == [victim] and plan.changes == 1
    assert victim.read_bytes() == content


# --- hand edits -------------------------------------------------------------------------


def test_hand_edit_survives_reimport_and_is_reported(imported, questions, monkeypatch):
    path = file_of(imported, questions, "lazy-ds-guide:20")
    edited = path.read_text(encoding="utf-8") + "\nA line added by a contributor.\n"
    path.write_text(edited, encoding="utf-8")
    assert not is_untouched(edited)

    plan = plan_import(questions, imported.docs)
    assert plan.hand_edited == [path]
    assert plan.changes == 0 and plan.unchanged == 124

    result = qbank_cli(monkeypatch, imported.root, "import")
    assert result.exit_code == 0, result.output
    rel = path.relative_to(imported.root).as_posix()
    assert f"kept {rel} (edited by hand; not overwritten)" in result.output
    assert "hand-edited kept 1" in result.output
    assert path.read_text(encoding="utf-8") == edited
    answers = read_question(path, imported.docs).answers  # backprop: 000 and 002 merged
    assert len(answers) == 2 and answers[-1].markdown.endswith("A line added by a contributor.")


def _edit_seed(project: Project, old: str, new: str) -> None:
    seed = project.seeds / SEED_000
    text = seed.read_text(encoding="utf-8")
    assert text.count(old) == 1
    seed.write_text(text.replace(old, new), encoding="utf-8")


def test_untouched_file_is_refreshed_when_its_seed_changes(imported, questions, monkeypatch):
    path = file_of(imported, questions, "lazy-ds-guide:20")
    before = file_tree(imported.docs)
    _edit_seed(imported, BACKPROP, "Backpropagation is THE algorithm used to train neural networks.")

    result = qbank_cli(monkeypatch, imported.root, "import", "--check", "-q")
    assert result.exit_code == 1, result.output
    assert f"outdated: {path.relative_to(imported.root).as_posix()}" in result.output

    plan = plan_import(run(imported).questions, imported.docs)
    assert list(plan.update) == [path] and not plan.create and not plan.delete
    apply_plan(plan)

    text = path.read_text(encoding="utf-8")
    assert "Backpropagation is THE algorithm" in text and BACKPROP not in text
    assert is_untouched(text)
    after = file_tree(imported.docs)
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {path.relative_to(imported.docs).as_posix()}
    assert set(after) == set(before)


def test_hand_edited_file_is_not_refreshed_when_its_seed_changes(imported, questions, monkeypatch):
    path = file_of(imported, questions, "lazy-ds-guide:20")
    edited = path.read_text(encoding="utf-8") + "\nContributor note.\n"
    path.write_text(edited, encoding="utf-8")
    _edit_seed(imported, BACKPROP, "Backpropagation is THE algorithm used to train neural networks.")
    plan = plan_import(run(imported).questions, imported.docs)
    assert plan.hand_edited == [path] and plan.changes == 0
    # --check does not fail on a hand-edited file: it is the contributor's now
    result = qbank_cli(monkeypatch, imported.root, "import", "--check", "-q")
    assert result.exit_code == 0, result.output
    assert "124 files, 1 hand-edited" in result.output
    assert path.read_text(encoding="utf-8") == edited


def test_removed_question_drops_untouched_file_and_keeps_edited_one(imported, questions):
    group_size = file_of(imported, questions, "lazy-ds-guide:252")
    ema = file_of(imported, questions, "lazy-ds-guide:256")
    bradley = file_of(imported, questions, "lazy-ds-guide:264")
    edited = ema.read_text(encoding="utf-8") + "\nKept by a contributor.\n"
    ema.write_text(edited, encoding="utf-8")

    # Drop the last three questions of seed 000 (group_size, EMA, Bradley-Terry).
    seed = imported.seeds / SEED_000
    lines = seed.read_text(encoding="utf-8").split("\n")
    assert lines[251].startswith("What is group_size")
    seed.write_text("\n".join(lines[:251]) + "\n", encoding="utf-8")

    plan = plan_import(run(imported).questions, imported.docs)
    assert sorted(plan.delete) == sorted([group_size, bradley])
    assert not plan.create and not plan.update
    apply_plan(plan)
    assert not group_size.exists() and not bradley.exists()
    assert ema.read_text(encoding="utf-8") == edited
    assert len(bank_files(imported.docs)) == 125 - 2
    # and the bank is now up to date
    again = plan_import(run(imported).questions, imported.docs)
    assert again.changes == 0 and again.unchanged == 122


def test_deleting_the_last_file_of_a_topic_removes_its_folder(imported):
    by_folder: dict[Path, list[Path]] = {}
    for path in bank_files(imported.docs):
        by_folder.setdefault(path.parent, []).append(path)
    folder, files = min(by_folder.items(), key=lambda kv: len(kv[1]))
    apply_plan(ImportPlan(delete=list(files)))
    assert not folder.exists()
    assert (imported.docs / "questions").is_dir()


# --- the file format ---------------------------------------------------------------------


def _same(a: Question, b: Question) -> None:
    for attr in ("id", "title", "topic", "tags", "difficulty", "status", "aliases", "origins", "answers",
                 "flags", "notebooks"):
        assert getattr(a, attr) == getattr(b, attr), (a.id, attr)


def test_read_question_round_trips_render_for_the_whole_bank(tmp_path, questions):
    docs = tmp_path / "docs"
    for q in questions:
        for text in (render(q), with_digest(render(q))):
            path = docs / q.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            back = read_question(path, docs)
            _same(q, back)
            assert back.path == q.path


def test_read_question_round_trips_tricky_text(tmp_path):
    q = Question(
        id="q-0123abc",
        title='What is "x: y" — and #1 (really)?',
        topic="foundations",
        tags=["a-tag", "b"],
        difficulty="hard",
        status="answered",
        aliases=["- starts like a list", "yes", "null", "ünïcödé: 𝐇𝐨𝐰?"],
        origins=[Origin("src", "seed.txt", 7, "What's 'quoted' & weird: [x]?"),
                 Origin("other", "s2.txt", 1, "")],
        answers=[Answer("src", "Text with a fence:\n\n```python\n## Answer (source: fake)\n---\n```\n\nEnd."),
                 Answer("community", "### Heading\n\n- item\n    - nested\n\n\\(x_1\\)")],
        flags=["unbalanced-math"],
        notebooks=["notebooks/x.ipynb"],
        path=Path("questions/foundations/what-is-x-y.md"),
    )
    path = tmp_path / q.path
    path.parent.mkdir(parents=True)
    path.write_text(with_digest(render(q)), encoding="utf-8")
    back = read_question(path, tmp_path)
    _same(q, back)
    assert is_untouched(path.read_text(encoding="utf-8"))


def test_unanswered_001_questions_have_no_answer_section(imported, template, questions):
    records = [r for r in template[1].records if r.source == "github-dl-qa" and not r.answered]
    assert sorted(r.number for r in records) == [19, 25, 29, 31, 32, 34, 35, 36, 37, 38, 39, 40, 41, 42, 44]
    for r in records:
        path = file_of(imported, questions, f"github-dl-qa:{r.line}")
        text = path.read_text(encoding="utf-8")
        q = read_question(path, imported.docs)
        assert q.status == "unanswered", path
        assert q.answers == []
        assert not re.search(r"^## Answer", text, re.M), path


def test_answered_files_have_one_section_per_answer(imported):
    for q in load_bank(imported.docs):
        text = (imported.docs / q.path).read_text(encoding="utf-8")
        sections = re.findall(r"^## Answer \(source: ([^)]+)\)$", text, re.M)
        assert sections == [a.source for a in q.answers]
        assert (q.status == "answered") == bool(q.answers), q.path


def test_paths_topics_slugs_and_ids(imported):
    files = bank_files(imported.docs)
    assert len(files) == 125
    topics = set(Taxonomy.load(imported.data).topic_ids)
    ids = []
    for path in files:
        rel = path.relative_to(imported.root).as_posix()
        m = re.fullmatch(r"docs/questions/([a-z0-9-]+)/([a-z0-9-]+)\.md", rel)
        assert m, rel
        meta, _, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
        assert meta["topic"] == m.group(1), rel
        assert meta["topic"] in topics, rel
        slug = slugify(meta["title"])
        assert m.group(2) in (slug, f"{slug}-{meta['id'][2:]}"), rel
        assert re.fullmatch(r"q-[0-9a-f]{7}", meta["id"]), rel
        ids.append(meta["id"])
    assert len(set(ids)) == len(ids)


def test_ids_and_paths_do_not_depend_on_where_the_repository_is(questions):
    a = {q.id: q.path for q in run(Project(REPO)).questions}
    b = {q.id: q.path for q in questions}
    assert a == b
