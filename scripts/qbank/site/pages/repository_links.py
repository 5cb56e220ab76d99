"""Links into the project's GitHub repository: suggest a question, report a problem with
one, see a question file's history.  Every one is empty (or not shown) when ``repo_url`` is
not configured, so a fork or a local build never links to somebody else's repository.
"""

from __future__ import annotations

from urllib.parse import quote

from ...bank import Question

__all__ = ["history_url", "issue_url", "suggest_url"]


def suggest_url(repo_url: str) -> str:
    """The repository's "Suggest a question" issue form (.github/ISSUE_TEMPLATE/suggest-question.yml)."""
    return f"{repo_url.rstrip('/')}/issues/new?template=suggest-question.yml" if repo_url else ""


def history_url(repo_url: str, q: Question) -> str:
    """The file's commit history on the repository: what changed, when, by whom."""
    if not repo_url or q.path is None:
        return ""
    return f"{repo_url.rstrip('/')}/commits/main/docs/{q.path.as_posix()}"


def issue_url(repo_url: str, q: Question, page_url: str) -> str:
    """The "Report a problem" issue form (.github/ISSUE_TEMPLATE/wrong-answer.yml), filled in
    with the question's id, page and file."""
    title = quote(f"Problem with {q.id}: {q.title}"[:120])
    body = quote(f"Question id: {q.id}\nPage: {page_url}\nFile: docs/{q.path.as_posix() if q.path else ''}\n\n"
                 "What is wrong?\n")
    return f"{repo_url.rstrip('/')}/issues/new?template=wrong-answer.yml&title={title}&question-id={quote(q.id)}&page={quote(page_url)}&body={body}"
