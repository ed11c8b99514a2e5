"""Crafted input never reaches a 500 on the site (issue 14): every route of the URL map,
with ids beyond 64 bits or in other scripts in its path, hostile values in every query
parameter the pages read and in every field of every form (and the fields missing),
as the roles that can reach the forms. The API has its own fuzzer (Schemathesis)."""

from __future__ import annotations

import re

import pytest

from consult.db import db
from tests.conftest import csrf_token, login
from tests.test_routes import ROUTES, world  # noqa: F401  (the fixture)

HOSTILE = [
    "9" * 25,  # beyond 64 bits
    "²", "١٢", "-1", "0", "1e309", "nan",
    "abc\x00def", "\x07\x1b[31m", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
    "0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31", "2026-02-30",
    "x" * 20_000, "", " ", "[]", "{}",
]
QUERY_NAMES = ["page", "tri", "theme", "territoire", "reponse", "q", "defi", "organisation",
               "phase", "idee", "statut", "type", "ordre", "cursor", "limit", "next"]
FIELD = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')


@pytest.fixture(autouse=True)
def _errors_as_pages(app, monkeypatch):
    """Exceptions become 500 pages (as in production) so every failure is listed."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def _savepoint(call):
    savepoint = db.session.begin_nested()
    db.session.connection()
    try:
        return call()
    finally:
        savepoint.rollback()
        db.session.expire_all()


def _path_variants(template: str, values: dict) -> list[str]:
    paths = []
    for name in re.findall(r"{(\w+)}", template):
        if isinstance(values[name], int):
            for hostile in ("9" * 25, "%C2%B2", "0"):
                paths.append(template.format(**{**values, name: hostile}))
    return paths


@pytest.mark.slow
def test_no_crafted_path_or_query_reaches_a_500(app, world):  # noqa: F811
    people, values = world
    browser = app.test_client()
    login(browser, people["platform"])
    failures = []
    for template, get, post in ROUTES.values():
        if template.startswith("/api/"):
            continue  # Schemathesis covers the API
        for path in _path_variants(template, values):
            for method in [m for m, policy in (("GET", get), ("POST", post)) if policy]:
                response = _savepoint(lambda p=path, m=method: browser.open(
                    p, method=m, data={"csrf_token": csrf_token(browser)} if m == "POST"
                    else None))
                if response.status_code >= 500:
                    failures.append(f"{method} {path}: {response.status_code}")
        if get is None:
            continue
        path = template.format(**values).split("?")[0]
        for hostile in HOSTILE:
            query = {name: hostile for name in QUERY_NAMES}
            response = _savepoint(lambda p=path, q=query: browser.get(p, query_string=q))
            if response.status_code >= 500:
                failures.append(f"GET {path} ?…={hostile[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin_a", "citizen"])
def test_no_crafted_form_reaches_a_500(app, world, role):  # noqa: F811
    people, values = world
    browser = app.test_client()
    login(browser, people[role])
    failures, posted = [], 0
    for endpoint, (template, get, post) in sorted(ROUTES.items()):
        if post is None or template.startswith("/api/") or endpoint == "accounts.logout":
            continue
        path = template.format(**values)
        fields: set[str] = set()
        if get is not None:
            page = _savepoint(lambda p=path: browser.get(p))
            fields = set(FIELD.findall(page.get_data(as_text=True))) - {"csrf_token"}
        fields |= {"action", "back", "parent_id", "selected", "follow", "id", "ids"}
        for hostile in [*HOSTILE, None]:  # None: every field missing
            data = {"csrf_token": csrf_token(browser)}
            if hostile is not None:
                data.update({name: hostile for name in fields})
            response = _savepoint(lambda p=path, d=data: browser.post(p, data=d))
            posted += 1
            if response.status_code >= 500:
                failures.append(f"POST {path} [{hostile if hostile is None else hostile[:20]!r}]"
                                f" as {role}: {response.status_code}")
            login(browser, people[role])  # a refused form must not sign the browser out
    assert not failures, "\n".join(failures)
    assert posted > 500
