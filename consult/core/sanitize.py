"""The one place where text typed by a person becomes HTML.

Markdown is rendered by markdown-it-py with raw HTML disabled, then the result is
cleaned by nh3 (ammonia) against one allow-list. Stored text stays raw; templates call
``render_markdown`` (filter ``|markdown``) and never mark user text ``|safe`` otherwise.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "a", "hr", "del", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


@cache
def _markdown() -> MarkdownIt:
    # "js-default": CommonMark without raw HTML, with linkify-free tables and strikethrough.
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md


def clean_html(html: str) -> str:
    """Keep only allowed tags, attributes and URL schemes; links get rel=noopener etc."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


def _demote_headings(html: str) -> str:
    # A person's text lives inside a page that has its own h1/h2: start its headings at h3.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>")
        html = html.replace(f"</h{level}>", f"</h{level + 2}>")
    return html


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    html = _demote_headings(_markdown().render(text))
    return Markup(clean_html(html))  # cleaned by nh3 just above  # noqa: S704  # nosec B704



def render_markdown_inline(text: str | None) -> Markup:
    """One paragraph of Markdown without its ``<p>`` (a table cell, a short line)."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)  # already cleaned by render_markdown  # noqa: S704  # nosec B704
