"""The pages the build derives from the bank, and what it adds to each question page.

These pages are generated at build time from the bank files and never committed, so a
count or a list can never drift from the questions themselves.  The qbank plugin
(:mod:`qbank.site.plugin`) calls them as ``pages.<function>``; one module per concept:

* :mod:`.markup`: bank data written into a page (escaping) and the shared components;
* :mod:`.entry_pages`: home, study, browse;
* :mod:`.listings`: a topic, all topics, a tag, all tags, the unanswered questions;
* :mod:`.sources_page`: the sources and licence page;
* :mod:`.question_page`: what a question page gets around its Markdown, and redirects;
* :mod:`.repository_links`: the links into the GitHub repository.
"""

from .entry_pages import DOWNLOAD_STEM, browse, home, study
from .listings import tag_page, tags_index, topic_page, topics_index, unanswered
from .markup import DIFFICULTY_LABEL, badges, esc, meta, question_list, suggest_button, tag_chip, text
from .question_page import (
    KIND_TEXT,
    MONTHS,
    TOPIC_NAV_MAX,
    attribution,
    format_date,
    in_topic_order,
    provenance,
    question_actions,
    redirect,
    topic_nav,
    unanswered_notice,
)
from .repository_links import history_url, issue_url, suggest_url
from .sources_page import sources_page

__all__ = [
    "DIFFICULTY_LABEL",
    "DOWNLOAD_STEM",
    "KIND_TEXT",
    "MONTHS",
    "TOPIC_NAV_MAX",
    "attribution",
    "badges",
    "browse",
    "esc",
    "format_date",
    "history_url",
    "home",
    "in_topic_order",
    "issue_url",
    "meta",
    "provenance",
    "question_actions",
    "question_list",
    "redirect",
    "sources_page",
    "study",
    "suggest_button",
    "suggest_url",
    "tag_chip",
    "tag_page",
    "tags_index",
    "text",
    "topic_nav",
    "topic_page",
    "topics_index",
    "unanswered",
    "unanswered_notice",
]
