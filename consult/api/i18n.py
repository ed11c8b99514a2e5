"""The API's description in the reader's language. Its texts are written in French in
the views' docstrings and the models' field descriptions (spectree builds the OpenAPI
document from them); this module lists them for the message catalogue (a Babel
extractor, see ``consult/translations/babel.cfg``) and translates a built document, so
that /api/v1/docs and /api/v1/openapi.json speak English to English readers (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

TRANSLATED_KEYS = frozenset({"summary", "description"})


def texts(document: Any) -> Iterator[str]:
    """Every text a person reads in the document: summaries, descriptions, tags."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in TRANSLATED_KEYS and isinstance(value, str) and value.strip():
                yield value
            elif key == "tags" and isinstance(value, list):
                yield from (t for t in value if isinstance(t, str))
                yield from (t["name"] for t in value if isinstance(t, dict) and "name" in t)
            elif key == "license" and isinstance(value, dict) and value.get("name"):
                yield value["name"]
            else:
                yield from texts(value)
    elif isinstance(document, list):
        for item in document:
            yield from texts(item)


def translate(document: Any, gettext) -> Any:
    """The same document with each text through ``gettext`` (unknown texts stay)."""
    if isinstance(document, dict):
        translated = {}
        for key, value in document.items():
            if key in TRANSLATED_KEYS and isinstance(value, str) and value.strip():
                translated[key] = gettext(value)
            elif key == "tags" and isinstance(value, list):
                translated[key] = [gettext(t) if isinstance(t, str) else translate(t, gettext)
                                   for t in value]
            elif key == "name" and isinstance(value, str) and document.get("_tag"):
                translated[key] = gettext(value)
            elif key == "license" and isinstance(value, dict):
                translated[key] = {**value, "name": gettext(value.get("name", ""))}
            else:
                translated[key] = translate(value, gettext)
        return translated
    if isinstance(document, list):
        return [translate(item, gettext) for item in document]
    return document


def extract(fileobj, keywords, comment_tags, options):
    """Babel extractor: the texts of the API's description, built by a throw-away app."""
    import tempfile
    from pathlib import Path

    from consult import create_app
    from consult.config import TestConfig

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig(Path(folder), f"sqlite:///{folder}/extract.sqlite3"))
        with app.test_request_context("/"):
            from consult.api.spec import openapi_document

            document = openapi_document("http://localhost", translated=False)
    for text in dict.fromkeys(texts(document)):
        yield 1, "gettext", text, []
