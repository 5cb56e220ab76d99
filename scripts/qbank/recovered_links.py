"""Recovered links: put back the URLs a source's scrape lost, from ``data/recovered_links.yml``.

Why this exists: a text scrape keeps a link's words and drops its address, so an imported
answer says "Refer Wikipedia" or "... platforms. Ref" and points nowhere.  When the original
Markdown can be found, the addresses are recovered into a data file (with the evidence for
each one) and applied here, after normalization, so every re-import gets them back and the
repository never needs the original at build or import time.

An entry names the seed line holding the text, so it applies to the one record whose
answer spans that line; its ``context`` must occur exactly once in that answer.  A stale
entry (seed changed, context gone) is an error, never a silent skip.  The one exception is an
entry whose line is past the end of its (now shorter) seed: its question is gone with it, and
the import's shrink check is what reports that, so the link has nothing to apply to.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .errors import DATA_FILE_HINT, LocatedError
from .record import Record

MATCHES = ("same-sentence", "same-question", "inferred", "not-found")


class RecoveredLinkError(LocatedError, ValueError):
    """``data/recovered_links.yml`` cannot be used, or an entry does not apply to its seed: a
    located problem naming the file and the entry (a ``ValueError`` as before)."""

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        super().__init__(path, None, message, DATA_FILE_HINT)


class RecoveredLink(BaseModel):
    """One link; see the data file's header for what each field means."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    line: int
    context: str
    text: str
    url: str | None
    match: str
    reference_line: int | None
    comment: str

    @field_validator("url")
    @classmethod
    def _https(cls, url: str | None) -> str | None:
        if url is not None and (not url.startswith("https://") or any(c in url for c in " ()<>\"'")):
            raise ValueError("must be an https:// URL without spaces, brackets or quotes")
        return url

    @field_validator("match")
    @classmethod
    def _match(cls, match: str) -> str:
        if match not in MATCHES:
            raise ValueError(f"must be one of {', '.join(MATCHES)}")
        return match

    @model_validator(mode="after")
    def _consistent(self) -> RecoveredLink:
        if self.text not in self.context:
            raise ValueError("text must be part of context")
        if (self.url is None) != (self.match == "not-found"):
            raise ValueError("url is null exactly when match is not-found")
        return self


@dataclass(frozen=True)
class RecoveredLinks:
    path: Path
    links: tuple[RecoveredLink, ...]

    @classmethod
    def load(cls, path: Path) -> RecoveredLinks:
        """Read the data file; a missing file means no links (a project without any)."""
        if not path.exists():
            return cls(path, ())
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise RecoveredLinkError(path, f"cannot read recovered links: {err}") from None
        links: list[RecoveredLink] = []
        for n, entry in enumerate(data.get("links") or [], start=1):
            try:
                links.append(RecoveredLink.model_validate(entry))
            except ValidationError as err:
                first = err.errors()[0]
                raise RecoveredLinkError(path, f"entry {n}: {first['loc']}: {first['msg']}") from None
        return cls(path, tuple(links))

    def apply(self, records: list[Record], seed_lines: Mapping[str, int] | None = None) -> list[Record]:
        """``records`` (normalized) with the links of their sources written into the answers.

        ``seed_lines`` gives each seed's number of lines (by file name); without it every
        entry must apply.
        """
        by_source: dict[str, list[int]] = {}
        for k, r in enumerate(records):
            by_source.setdefault(r.source, []).append(k)
        out = list(records)
        for source, indexes in by_source.items():
            seed = records[indexes[0]].seed
            length = (seed_lines or {}).get(seed)
            links = [link for link in self.links if link.source == source and link.url
                     and (length is None or link.line <= length)]
            if not links:
                continue
            order = sorted(indexes, key=lambda k: records[k].line)
            for link in links:
                owner = next((k for k, nxt in zip(order, order[1:] + [None])
                              if records[k].line < link.line and (nxt is None or link.line < records[nxt].line)), None)
                if owner is None:
                    raise self._error(link, "no question of this source comes before that line")
                out[owner] = self._link(out[owner], link)
        return out

    def _link(self, record: Record, link: RecoveredLink) -> Record:
        answer = record.answer
        found = answer.count(link.context)
        if found != 1:
            linked = self._linked_context(link)
            if linked in answer and answer.count(linked) == 1:
                return record  # already applied together with a link of the same context
            raise self._error(link, f"context found {found} times in the answer to {record.question!r} "
                                    f"(seed line {record.line}), expected once")
        return replace(record, answer=answer.replace(link.context, self._linked_context(link), 1))

    def _linked_context(self, link: RecoveredLink) -> str:
        """The context with every link of the same line and context written in, in order."""
        context = link.context
        for other in self.links:
            if other.source == link.source and other.line == link.line and other.context == link.context \
                    and other.url:
                at = context.find(other.text)
                context = context[:at] + f"[{other.text}]({other.url})" + context[at + len(other.text):]
        return context

    def _error(self, link: RecoveredLink, why: str) -> RecoveredLinkError:
        return RecoveredLinkError(self.path, f"{link.source} line {link.line} {link.context!r}: {why}; "
                                             "fix the entry (see the file's header)")
