"""``qbank import``: bring the bank in line with the seeds without ever clobbering people's edits.

Rules: a missing question is created; a file that ``qbank import`` wrote and nobody edited
since (its ``import_digest`` still matches) is refreshed or, if its question left the seeds,
removed; a hand-edited file is never touched, only reported.  The whole plan is computed
first and applied only if it is complete, so a failure writes nothing half-done.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .bank import BankFormatError, Question, bank_files, is_untouched, render, split_front_matter, with_digest


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


def _existing_ids(docs: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in bank_files(docs):
        try:
            meta, _, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
        except (BankFormatError, UnicodeDecodeError):
            continue  # broken files are validate's business; import leaves them alone
        if meta.get("id"):
            found[str(meta["id"])] = path
    return found


def plan_import(questions: list[Question], docs: Path) -> ImportPlan:
    plan = ImportPlan()
    existing = _existing_ids(docs)
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


class ImportWriteError(Exception):
    """A file or folder of the plan could not be written; nothing was changed."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}:1: cannot write: {reason}")
        self.path, self.line, self.message = path, 1, f"cannot write: {reason}"
        self.hint = "check that the folder is writable and is not a file; nothing was changed"


def apply_plan(plan: ImportPlan) -> None:
    """Write every file through a temp file + rename, then delete: no torn files.

    Everything is staged first; if any staging step fails, the temp files and any folders
    created for them are removed, so a failed import leaves the bank exactly as it was.
    """
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    current: Path | None = None
    try:
        for path, text in sorted({**plan.create, **plan.update}.items()):
            current = path
            missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            created.extend(reversed(missing))
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".qbank-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            staged.append((Path(tmp), path))
    except OSError as err:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for folder in reversed(created):
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()
        raise ImportWriteError(current or Path("."), err.strerror or str(err)) from None
    for tmp, path in staged:
        os.replace(tmp, path)
    for path in plan.delete:
        path.unlink(missing_ok=True)
        if path.parent.exists() and not any(path.parent.iterdir()):
            path.parent.rmdir()
