"""QB3xx, answers: every answer attributed (and credited only to a source whose text it
is), status agreeing with the content, headings nesting."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..bank import PROJECT, parse_answers
from ..bankfile import ANSWER_HEADING, HEADING
from .body import Fence
from .context import Context
from .doc import Doc, did_you_mean, list_field, quote
from .problems import CODES

# `community`, or `community @handle` (GitHub user-name rules): credit without a new source.
COMMUNITY_RE = re.compile(r"community(?: @[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})?")
LOOSE_ANSWER = re.compile(r" {0,3}#{1,6}[ \t]*answers?\b", re.I)


def check_answers(doc: Doc, ctx: Context, fences: Sequence[Fence] = ()) -> None:
    """Every answer is attributed; status agrees with the content; headings nest.

    The site turns each ``## Answer (source: ID)`` into "Answer N" with the source's
    attribution, so text outside such a section would be published without one.
    """
    base = doc.body_offset
    masked_lines = doc.masked.split("\n")
    body_lines = doc.body.split("\n")
    offset = 0
    in_answer = False
    section_start: int | None = None
    section_has_text = False
    prev_level = 1
    reported_outside = False
    prev_text = False
    sections: list[int] = []  # line index of every answer heading
    credited: list[tuple[str, bool, int, int]] = []  # (source, edited, offset, section number)

    def close_section() -> None:
        if section_start is not None and not section_has_text:
            doc.add("QB306", base + section_start, "this answer section is empty (comments do not count)")

    def in_code(at: int) -> bool:
        return any(f.start <= at < f.end for f in fences)

    for index, (masked, original) in enumerate(zip(masked_lines, body_lines)):
        h = HEADING.fullmatch(masked)
        if h:
            level = len(h.group(1))
            a = ANSWER_HEADING.match(original)
            if a:
                close_section()
                sid = a.group("source").strip()
                at = base + offset + original.index("(") + 9 if "(source: " in original else base + offset
                if sid not in ctx.sources and sid != PROJECT and not COMMUNITY_RE.fullmatch(sid):
                    doc.add("QB304", at, f"answer source '{sid}' is neither `community`, `project` nor a source in "
                            "seeds/sources.yml", f"{did_you_mean(sid, [*ctx.sources, 'community', PROJECT])}{CODES['QB304'][1]}")
                elif a.group("edited") and sid not in ctx.sources:
                    doc.add("QB304", at, f"', edited' marks an imported source's text that an editor changed; '{sid}' is "
                            "not an imported source", f"write '## Answer (source: {sid})'")
                elif sid in ctx.sources:
                    credited.append((sid, bool(a.group("edited")), at, len(sections)))
                sections.append(index)
                in_answer, section_start, section_has_text, prev_level = True, offset, False, 2
            elif LOOSE_ANSWER.match(original):
                close_section()
                doc.add("QB303", base + offset, f"answer heading {quote(original.strip())} is not '## Answer (source: ID)'")
                in_answer, section_start, section_has_text, prev_level = True, None, True, 2
            else:
                if not in_answer and not reported_outside:
                    doc.add("QB305", base + offset, "heading before the first '## Answer (source: ...)' heading")
                    reported_outside = True
                if level == 1:
                    doc.add("QB307", base + offset, "level-1 heading in the body")
                elif level == 2 and in_answer:
                    doc.add("QB311", base + offset, f"'{original.strip()[:60]}' is a level-2 heading inside an answer: "
                            "the site and the study card end the answer there")
                elif level > prev_level + 1 and in_answer:
                    doc.add("QB308", base + offset, f"heading level {level} follows level {prev_level}")
                prev_level = level
                section_has_text = True
            prev_text = False
        else:
            stripped = masked.strip()
            if re.fullmatch(r"=+", stripped) and prev_text:
                doc.add("QB307", base + offset, "'===' underline makes the line above a level-1 heading")
            if stripped:
                if in_answer:
                    section_has_text = True
                elif not reported_outside:
                    doc.add("QB305", base + offset + (len(masked) - len(masked.lstrip())),
                            "text before the first '## Answer (source: ...)' heading has no attribution")
                    reported_outside = True
            elif original.strip() and in_code(base + offset):  # a code block (comments are not content)
                if in_answer:
                    section_has_text = True
                elif not reported_outside:
                    doc.add("QB305", base + offset, "code before the first '## Answer (source: ...)' heading has no attribution")
                    reported_outside = True
            prev_text = bool(stripped)
        offset += len(original) + 1
    close_section()
    check_credit(doc, ctx, credited, sections, body_lines)

    status = (doc.meta or {}).get("status")
    answers = parse_answers(doc.body)
    if status == "answered" and not answers:
        doc.add("QB301", doc.field_pos("status"), "status is 'answered' but the file has no answer")
    elif status == "unanswered" and answers:
        doc.add("QB302", doc.field_pos("status"), f"status is 'unanswered' but the file has {len(answers)} answer"
                f"{'s' if len(answers) != 1 else ''}")


def check_credit(doc: Doc, ctx: Context, credited: list[tuple[str, bool, int, int]], sections: list[int],
                 body_lines: list[str]) -> None:
    """An answer credited to an imported source is that source's text, or says it was edited.

    Otherwise a contributor's words could be published under a source's name (or a source's
    words changed without the reader being told).
    """
    origins = [o for o in list_field(doc.meta, "origins") if isinstance(o, dict)]
    for sid, edited, at, n in credited:
        lines: list[int] = [o["line"] for o in origins if o.get("source") == sid and isinstance(o.get("line"), int)]
        if not lines:
            doc.add("QB310", at, f"this answer is credited to '{sid}', but the question was not imported from it")
            continue
        if edited:
            continue
        end = sections[n + 1] if n + 1 < len(sections) else len(body_lines)
        text = "\n".join(body_lines[sections[n] + 1:end]).strip()
        expected = [e for e in (ctx.imported_answer(sid, line) for line in lines) if e is not None]
        if expected and text not in expected:
            doc.add("QB309", at, f"this answer is credited to '{sid}' but is not its text as imported")
