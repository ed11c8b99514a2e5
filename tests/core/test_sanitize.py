"""The one sanitiser: Markdown rendered without raw HTML, then cleaned by nh3. bleach,
unmaintained, only gives a second, independent opinion here."""

import re
from html.parser import HTMLParser

import bleach
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.core.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

pytestmark = pytest.mark.dbless  # no database: runs once, on SQLite


def test_markdown_is_rendered():
    html = render_markdown("# Titre\n\n**Gras** et [lien](https://exemple.fr)\n\n- un\n- deux")
    assert "<h3>Titre</h3>" in html  # headings start below the page's own
    assert "<strong>Gras</strong>" in html
    assert 'href="https://exemple.fr"' in html and 'rel="noopener noreferrer nofollow ugc"' in html
    assert "<li>un</li>" in html


class _Inspector(HTMLParser):
    """Collects what a browser would act on: tags and attributes."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def _scheme(url: str) -> str:
    """The scheme a browser would see, ignoring the whitespace and controls it strips."""
    squeezed = "".join(ch for ch in url if ord(ch) > 32).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", squeezed)
    return match.group(1) if match else ""


def problems(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(str(html))
    found = [t for t in inspector.tags if t not in ALLOWED_TAGS]
    for name, value in inspector.attributes:
        if name.startswith("on") or name in {"style", "src", "srcdoc", "formaction"}:
            found.append(name)
        if name == "href" and _scheme(value) not in {"", "http", "https", "mailto"}:
            found.append(f"href={value}")
    return found


VECTORS = [
    "<script>alert(1)</script>", "[clic](javascript:alert(1))",
    '<img src=x onerror="alert(1)">', "<a href='javascript:alert(1)'>x</a>",
    "[x](JaVaScRiPt:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<svg onload="alert(1)">', "<iframe src=//evil.example>", "![x](javascript:alert(1))",
    "[x](java\tscript:alert(1))", "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "[x](&#x6A;avascript:alert(1))", "<details open ontoggle=alert(1)>",
]


def test_scripts_and_dangerous_links_are_removed():
    for vector in VECTORS:
        html = render_markdown(vector)
        assert problems(html) == [], (vector, html)


def test_plain_words_about_javascript_stay_readable():
    assert "javascript:alert(1)" in render_markdown("[clic](javascript:alert(1))")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/:;&# \n*[]()!`ajvscriptonerlodfmghu")),
               max_size=80))
def test_output_is_clean_and_bleach_agrees(text):
    html = str(render_markdown(text))
    assert problems(html) == [], html
    second_opinion = bleach.clean(
        html, tags=ALLOWED_TAGS, protocols={"http", "https", "mailto"},
        attributes={**{k: list(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                    "a": ["href", "title", "rel"]}, strip=True)
    assert problems(second_opinion) == []
    # bleach removes nothing that nh3 let through: same tags and attributes
    assert _tags(second_opinion) == _tags(html)


def _tags(html: str) -> list:
    inspector = _Inspector()
    inspector.feed(html)
    return sorted(inspector.tags)


def test_quotes_stay_quotes():
    """RGAA 9.4: a quotation written in Markdown is announced as one."""
    html = render_markdown("> Le guichet ferme à midi.\n\nMerci.")
    assert "<blockquote>" in html and "Le guichet ferme à midi." in html
