"""``qbank export --format anki|csv`` and the files the build publishes under downloads/.

The .apkg is read back as what it is: a zip holding ``collection.anki2``, an SQLite
database whose ``notes`` table has one row per answered question.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO
from qbank.anki import DECK_ID, FIELDS, MODEL_ID, markdown_to_anki_html, note_guid, write_apkg
from qbank.bank import load_bank
from qbank.taxonomy import Taxonomy
from qbank.cli import app
from qbank.csvexport import ANSWER_SEPARATOR, COLUMNS, unneutralize
from qbank.site.scheduler import SPEC
from qbank.source import load_sources
from qbank.site.study import DOWNLOADS, read_site_url

SITE_URL = read_site_url(REPO)


@pytest.fixture(scope="module")
def bank() -> list:
    return load_bank(REPO / "docs")


@pytest.fixture(scope="module")
def answered(bank: list) -> list:
    return [q for q in bank if q.status == "answered"]


def read_apkg(path: Path) -> dict:
    """The notes of an .apkg: {guid: {fields..., tags, mod, id}} plus the collection's models/decks."""
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["collection.anki2", "media"]
        assert json.loads(zf.read("media")) == {}
        db = path.with_suffix(".anki2")
        db.write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        notes = {}
        for nid, guid, mid, mod, tags, flds in conn.execute("SELECT id, guid, mid, mod, tags, flds FROM notes"):
            assert mid == MODEL_ID
            fields = dict(zip(FIELDS, flds.split("\x1f"), strict=True))
            assert guid not in notes, f"duplicate GUID {guid}"
            notes[guid] = {**fields, "tags": tags.split(), "mod": mod, "nid": nid}
        cards = conn.execute("SELECT nid, did FROM cards").fetchall()
        models, decks = conn.execute("SELECT models, decks FROM col").fetchone()
    finally:
        conn.close()
    assert len(cards) == len(notes), "one card per note"
    assert {did for _, did in cards} == {DECK_ID}
    return {"notes": notes, "models": json.loads(models), "decks": json.loads(decks)}


def _cli(*args: str, cwd: Path = REPO):
    runner = CliRunner()
    import os

    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


# -- Anki ------------------------------------------------------------------------------------


def test_cli_anki_export_has_one_note_per_answered_question(tmp_path: Path, answered: list) -> None:
    out = tmp_path / "deck.apkg"
    result = _cli("export", "--format", "anki", "-o", str(out))
    assert result.exit_code == 0, result.output
    deck = read_apkg(out)
    notes = deck["notes"]
    assert len(notes) == len(answered)
    assert set(notes) == {note_guid(q.id) for q in answered}
    by_id = {n["Id"]: n for n in notes.values()}
    for q in answered:
        n = by_id[q.id]
        assert n["Url"] == SITE_URL + q.url
        assert f"topic::{q.topic}" in n["tags"] and f"difficulty::{q.difficulty}" in n["tags"]
        assert set(q.tags) <= set(n["tags"])
        assert "Source:" in n["Attribution"] or "Answer 1:" in n["Attribution"]
        assert n["Answer"].strip()
    assert str(MODEL_ID) in deck["models"] and str(DECK_ID) in deck["decks"]


def test_anki_math_uses_mathjax_delimiters_and_attribution_is_on_the_back(tmp_path: Path, answered: list) -> None:
    out = tmp_path / "deck.apkg"
    write_apkg(out, answered, load_sources(REPO / "seeds" / "sources.yml"), Taxonomy.load(REPO / "data"), SITE_URL,
               timestamp=1_700_000_000)
    notes = {n["Id"]: n for n in read_apkg(out)["notes"].values()}
    temperature = next(q for q in answered if "temperature" in q.title.lower())
    answer = notes[temperature.id]["Answer"]
    assert r"\(" in answer and r"\)" in answer and r"\[" in answer, answer[:500]
    assert r"\frac{e^{z_i / \tau}}" in answer
    assert "$" not in answer
    attribution = notes[temperature.id]["Attribution"]
    assert "A Lazy Data Science Guide" in attribution and temperature.url in attribution
    models = read_apkg(out)["models"][str(MODEL_ID)]
    assert "{{Attribution}}" in models["tmpls"][0]["afmt"] and "{{Attribution}}" not in models["tmpls"][0]["qfmt"]


def test_markdown_to_anki_html() -> None:
    html = markdown_to_anki_html("Softmax \\(p_i = e^{z_i}\\) with $a<b$.\n\n$$\\sum_i p_i = 1$$\n\n"
                                 "```mermaid\ngraph LR\n  A --> B\n```\n", "https://x.test/q/")
    assert r"<span>\(p_i = e^{z_i}\)</span>" in html
    assert r"\(a&lt;b\)" in html
    assert r"\[\sum_i p_i = 1\]" in html
    assert '<a href="https://x.test/q/">' in html and '<pre class="diagram">graph LR' in html


def test_two_exports_keep_guids_and_are_byte_identical(tmp_path: Path, answered: list) -> None:
    args = (answered, load_sources(REPO / "seeds" / "sources.yml"), Taxonomy.load(REPO / "data"), SITE_URL)
    a, b, later = tmp_path / "a.apkg", tmp_path / "b.apkg", tmp_path / "later.apkg"
    write_apkg(a, *args, timestamp=1_700_000_000)
    write_apkg(b, *args, timestamp=1_700_000_000)
    assert a.read_bytes() == b.read_bytes(), "same bank, same timestamp: the .apkg must be byte-identical"
    write_apkg(later, *args, timestamp=1_700_086_400)  # a re-export a day later (e.g. after an edit)
    first, second = read_apkg(a)["notes"], read_apkg(later)["notes"]
    assert set(first) == set(second), "GUIDs must survive re-exports so Anki updates instead of duplicating"
    assert all(second[g]["mod"] > first[g]["mod"] for g in first), "Anki updates only notes that are newer"
    assert all(first[g]["Answer"] == second[g]["Answer"] for g in first)


def test_cli_exports_twice_identically(tmp_path: Path) -> None:
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    assert _cli("export", "--format", "anki", "-o", str(a)).exit_code == 0
    assert _cli("export", "--format", "anki", "-o", str(b)).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_cli_rejects_bad_usage(tmp_path: Path) -> None:
    assert _cli("export", "--format", "anki").exit_code == 2  # binary: needs -o
    assert _cli("export", "--format", "xlsx", "-o", str(tmp_path / "x")).exit_code == 2


# -- CSV -------------------------------------------------------------------------------------


def _parse_csv(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == COLUMNS
    return list(reader)


def test_csv_parses_back_to_the_same_questions(tmp_path: Path, bank: list) -> None:
    out = tmp_path / "bank.csv"
    result = _cli("export", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert b"\r\n" in raw and not raw.startswith(b"\xef\xbb\xbf")
    rows = _parse_csv(raw.decode("utf-8"))
    assert [r["id"] for r in rows] == sorted(q.id for q in bank)
    by_id = {q.id: q for q in bank}
    for row in rows:
        q = by_id[row["id"]]
        assert unneutralize(row["question"]) == q.title
        assert unneutralize(row["answer"]).split(ANSWER_SEPARATOR) == ([a.markdown for a in q.answers] or [""])
        assert (row["topic"], row["difficulty"], row["status"]) == (q.topic, q.difficulty, q.status)
        assert row["tags"].split() == sorted(q.tags)
        assert row["sources"].split() == [a.source.replace(" ", "") for a in q.answers]
        assert row["answer_kinds"].split() == [a.kind for a in q.answers]
        assert row["reviewed"] == (q.reviewed or "")
        assert row["url"] == SITE_URL + q.url
    multi = [r for r in rows if len(by_id[r["id"]].answers) > 1]
    assert multi, "expected some questions with several answers"
    with_newlines = [r for r in rows if "\n" in r["answer"]]
    assert with_newlines, "multi-line Markdown must survive quoting"


def test_csv_to_stdout_equals_file(tmp_path: Path) -> None:
    out = tmp_path / "bank.csv"
    assert _cli("export", "--format", "csv", "-o", str(out)).exit_code == 0
    result = _cli("export", "--format", "csv")
    assert result.exit_code == 0
    assert _parse_csv(result.stdout) == _parse_csv(out.read_text(encoding="utf-8"))


# -- what the build publishes ------------------------------------------------------------------


def test_build_publishes_downloads_and_study_cards(built_site, questions_json: dict) -> None:
    apkg, csv_file = built_site.dir / DOWNLOADS["anki"], built_site.dir / DOWNLOADS["csv"]
    answered_ids = {q["id"] for q in questions_json["questions"] if q["status"] == "answered"}
    notes = read_apkg(apkg)["notes"]
    assert {n["Id"] for n in notes.values()} == answered_ids
    assert set(notes) == {note_guid(i) for i in answered_ids}
    rows = _parse_csv(csv_file.read_text(encoding="utf-8"))
    assert {r["id"] for r in rows} == {q["id"] for q in questions_json["questions"]}

    cards = json.loads((built_site.dir / "study" / "cards.json").read_text(encoding="utf-8"))
    assert cards["version"] == 1 and cards["scheduler"] == SPEC
    html = {c["id"]: c["answer_html"] for c in cards["cards"]}
    assert set(html) == answered_ids
    chrome = ("qb-meta", "qb-actions", "qb-provenance", "Related questions", "Also asked as", "headerlink", 'id="answer-')
    leaks = {i: c for i, h in html.items() for c in chrome if c in h}
    assert not leaks, f"page chrome in the study answers: {dict(list(leaks.items())[:5])}"
    assert all("qb-attribution" in h for h in html.values()), "every answer keeps its attribution line"
    assert all('href="../../../' not in h for h in html.values()), "links must be rebased to study/"
    temperature = next(q for q in questions_json["questions"] if "temperature" in q["title"].lower())
    assert "katex" in html[temperature["id"]] and "arithmatex\">\\(" not in html[temperature["id"]]


def test_home_and_study_pages_link_the_downloads(built_site) -> None:
    home = built_site.page("").read_text(encoding="utf-8")
    study = built_site.page("study/").read_text(encoding="utf-8")
    for name in DOWNLOADS.values():
        assert f'href="{name}"' in home, name
        assert f'href="../{name}"' in study, name
    assert 'href="study/"' in home
    # No page carries a <script> of its own (the output gate): qbank.js fetches study.js and
    # study.css where, and only where, the page has the #qb-study container.
    assert 'id="qb-study"' in study and "<script src=\"../assets/javascripts/study.js" not in study
    loader = (built_site.dir / "assets" / "javascripts" / "qbank.js").read_text(encoding="utf-8")
    assert 'getElementById("qb-study")' in loader and '"study.js"' in loader and "study.css" in loader
    others = [p for p in built_site.dir.rglob("index.html") if p.parent.name != "study"]
    assert not [p for p in others if 'id="qb-study"' in p.read_text(encoding="utf-8")], "study.js must load only on /study/"


def test_study_code_budget_and_no_other_hosts(built_site) -> None:
    import gzip
    import re as _re

    js = (built_site.dir / "assets" / "javascripts" / "study.js").read_bytes()
    css = (built_site.dir / "assets" / "stylesheets" / "study.css").read_bytes()
    assert len(gzip.compress(js, 9)) <= 30 * 1024, "study.js is over its 30 KiB gzip budget"
    for name, text in (("study.js", js.decode()), ("study.css", css.decode())):
        assert not _re.search(r"https?://|//[a-z0-9-]+\.[a-z]", text), f"{name} refers to another host"
