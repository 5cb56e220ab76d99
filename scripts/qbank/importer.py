"""``qbank import``: bring the bank in line with the seeds without ever losing anyone's text.

Rules: a missing question is created; a file that ``qbank import`` wrote and nobody edited
since (its ``import_digest`` still matches) is refreshed or, if its question left the seeds,
removed; a hand-edited file is never touched, only reported.

Three guarantees, because the bank is the project's source of truth:

* **It never shrinks silently.**  A seed that yields fewer questions than the bank holds
  from it (a truncated download, a broken extractor) is refused before anything is
  planned, naming the questions that would go; ``--allow-removals`` accepts it.
* **All or nothing.**  New texts are staged as temp files first; then a journal is written,
  and every replaced or deleted file is moved aside before its replacement goes in.  Any
  failure rolls back from the journal; so does the next run after a crash (SIGKILL, full
  disk), and leftover temp files of a finished run are removed.
* **Normal files.**  Written files get the permissions ``open()`` would give them (the
  umask), not the 0600 of a temp file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .bank import (BankFormatError, Question, bank_files, is_untouched, parse_answers, render, split_front_matter,
                   with_digest)
from .errors import LocatedError
from .record import Record

JOURNAL = ".qbank-import.journal"
TEMP_PREFIX = ".qbank-"


@dataclass
class ImportPlan:
    create: dict[Path, str] = field(default_factory=dict)
    update: dict[Path, str] = field(default_factory=dict)
    delete: list[Path] = field(default_factory=list)
    hand_edited: list[Path] = field(default_factory=list)  # differs from the seeds, left alone
    unchanged: int = 0

    @property
    def changes(self) -> int:
        return len(self.create) + len(self.update) + len(self.delete)


class ImportWriteError(LocatedError):
    """A file or folder of the plan could not be written; the bank was rolled back."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, 1, f"cannot write: {reason}",
                         "check that the folder is writable and the disk is not full; nothing was changed")


class ImportShrinkError(Exception):
    """The seeds give fewer questions than the bank holds from them."""

    def __init__(self, shrunk: dict[str, tuple[int, int]], missing: list[str]) -> None:
        lines = [f"{source}: the seed gives {now}, the bank holds {held} from it"
                 for source, (held, now) in sorted(shrunk.items())]
        super().__init__("; ".join(lines))
        self.shrunk, self.missing = shrunk, missing
        self.path, self.line = Path("seeds"), 1
        self.message = "the seeds would remove questions from the bank: " + "; ".join(lines)
        self.hint = ("is a seed truncated? if the questions really left the source, run again with "
                     "--allow-removals (the list above is what goes)")


def _existing(docs: Path) -> dict[str, tuple[Path, dict]]:
    found: dict[str, tuple[Path, dict]] = {}
    for path in bank_files(docs):
        try:
            meta, _, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
        except (BankFormatError, UnicodeDecodeError, OSError):
            continue  # broken files are validate's business; import leaves them alone
        if meta.get("id"):
            found[str(meta["id"])] = (path, meta)
    return found


def check_shrink(records: list[Record], docs: Path) -> None:
    """Refuse seeds that give fewer questions -- or fewer answers -- than the bank holds from
    them (see above): the files would be deleted, or rewritten without their answers."""
    held: dict[str, set[tuple[int, str]]] = {}
    answered: dict[str, set[tuple[int, str]]] = {}
    where: dict[tuple[str, int], Path] = {}
    for path, meta in _existing(docs).values():
        credited = _credited_sources(path)
        for o in meta.get("origins") or []:
            if isinstance(o, dict) and isinstance(o.get("line"), int):
                source, key = str(o.get("source")), (o["line"], " ".join(str(o.get("question", "")).split()).lower())
                held.setdefault(source, set()).add(key)
                if source in credited:
                    answered.setdefault(source, set()).add(key)
                where[(source, o["line"])] = path
    given = Counter(r.source for r in records)
    given_answered = Counter(r.source for r in records if r.answered)
    shrunk = {s: (len(h), given.get(s, 0)) for s, h in held.items() if given.get(s, 0) < len(h)}
    shrunk.update({f"{s} (answers)": (len(a), given_answered.get(s, 0)) for s, a in answered.items()
                   if given_answered.get(s, 0) < len(a)})
    if not shrunk:
        return
    found = {(r.source, r.line) for r in records} | {(r.source, " ".join(r.question.split()).lower()) for r in records}
    found_answered = ({(r.source, r.line) for r in records if r.answered}
                      | {(r.source, " ".join(r.question.split()).lower()) for r in records if r.answered})
    missing = []
    for s in sorted({k.split(" ")[0] for k in shrunk}):
        for line, q in sorted(held.get(s, ())):
            if (s, line) not in found and (s, q) not in found:
                missing.append(f"{where[(s, line)].relative_to(docs.parent)} ({s}, seed line {line}: the question)")
            elif (line, q) in answered.get(s, ()) and (s, line) not in found_answered and (s, q) not in found_answered:
                missing.append(f"{where[(s, line)].relative_to(docs.parent)} ({s}, seed line {line}: its answer)")
    raise ImportShrinkError(shrunk, missing)


def _credited_sources(path: Path) -> set[str]:
    """Sources credited by the file's answer headings (their own text or edited)."""
    try:
        return {a.source for a in parse_answers(path.read_text(encoding="utf-8"))}
    except (OSError, UnicodeDecodeError):
        return set()


def plan_import(questions: list[Question], docs: Path) -> ImportPlan:
    plan = ImportPlan()
    existing = {qid: path for qid, (path, _) in _existing(docs).items()}
    wanted: set[str] = set()
    for q in questions:
        assert q.path is not None
        wanted.add(q.id)
        target = docs / q.path
        text = with_digest(render(q))
        current_path = existing.get(q.id)
        if current_path is None:
            if target.exists():
                plan.hand_edited.append(target)  # someone else's file sits where ours would go
            else:
                plan.create[target] = text
            continue
        current = current_path.read_text(encoding="utf-8")
        if current == text and current_path == target:
            plan.unchanged += 1
        elif not is_untouched(current):
            plan.hand_edited.append(current_path)
        elif current_path == target:
            plan.update[target] = text
        else:  # topic or title changed upstream: move the untouched file
            plan.delete.append(current_path)
            plan.create[target] = text
    for qid, path in sorted(existing.items()):
        if qid not in wanted and is_untouched(path.read_text(encoding="utf-8")):
            plan.delete.append(path)
    return plan


# -- applying a plan -----------------------------------------------------------------------------


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _aside(path: Path) -> Path:
    """A free temp name next to ``path`` to move it to (same folder: rename is atomic)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name}.", suffix=".old.tmp")
    os.close(fd)
    return Path(name)


def _write_journal(journal: Path, entries: list[dict]) -> None:
    tmp = journal.with_name(journal.name + ".tmp")
    try:
        tmp.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(tmp, journal)
    finally:
        tmp.unlink(missing_ok=True)


def _roll_back(entries: list[dict]) -> None:
    """Undo a partly applied plan, in reverse.  Per entry, whatever point it reached:
    nothing moved yet (the aside name may be an empty placeholder: dropped), the old file
    moved aside (put back), or the new file moved in (taken out, the old one put back)."""
    for e in reversed(entries):
        target, new, old = Path(e["target"]), e.get("new"), e.get("old")
        if new is not None and not Path(new).exists() and target.exists():
            target.unlink()  # the new text went in: take it out
        if old is not None and Path(old).exists():
            if target.exists():
                Path(old).unlink()  # never moved: only the placeholder name
            else:
                os.replace(old, target)
        if new is not None:
            Path(new).unlink(missing_ok=True)


def recover(docs: Path) -> int:
    """Before anything else: finish what a crashed import left (roll back from its journal)
    and remove stale temp files.  Returns how many leftovers were cleaned."""
    root = docs / "questions"
    journal = root / JOURNAL
    cleaned = 0
    if journal.exists():
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = []
        _roll_back(entries)
        journal.unlink(missing_ok=True)
        cleaned += 1
    if root.is_dir():
        for tmp in root.rglob(f"{TEMP_PREFIX}*.tmp"):
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink()
                cleaned += 1
    return cleaned


def apply_plan(plan: ImportPlan, docs: Path | None = None) -> None:
    """Apply ``plan`` all-or-nothing (see the module docstring); raises ImportWriteError
    after rolling back."""
    targets = sorted({**plan.create, **plan.update})
    anchor = docs or (targets[0].parents[2] if targets else plan.delete[0].parents[2] if plan.delete else None)
    if anchor is None:
        return
    root = anchor / "questions"
    root.mkdir(parents=True, exist_ok=True)
    journal = root / JOURNAL
    mode = _file_mode()
    entries: list[dict] = []
    created_dirs: list[Path] = []
    current: Path = root
    try:
        for path in targets:  # 1. stage every new text
            current = path
            missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            created_dirs.extend(reversed(missing))
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name}.", suffix=".new.tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write({**plan.create, **plan.update}[path])
            os.chmod(tmp, mode)
            entries.append({"target": str(path), "new": tmp, "old": None})
        entries += [{"target": str(p), "new": None, "old": None} for p in plan.delete]
        _write_journal(journal, entries)  # 2. from here on, a crash is rolled back by recover()
        for e in entries:  # 3. move the old file aside, put the new one in
            current = Path(e["target"])
            if current.exists():
                e["old"] = str(_aside(current))
                _write_journal(journal, entries)
                os.replace(current, e["old"])
            if e["new"] is not None:
                os.replace(e["new"], current)
    except OSError as err:
        _roll_back(entries)
        journal.unlink(missing_ok=True)
        for folder in reversed(created_dirs):
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()
        raise ImportWriteError(current, err.strerror or str(err)) from None
    journal.unlink()  # 4. commit: the old copies can go
    for e in entries:
        if e["old"] is not None:
            Path(e["old"]).unlink(missing_ok=True)
    for path in plan.delete:
        if path.parent.exists() and not any(path.parent.iterdir()):
            path.parent.rmdir()
