"""The anonymous page cache, on a real gunicorn: a hit carries a fresh CSP nonce and
the visitor's own CSRF token (so its forms work), signed-in people never get a cached
page, and each language has its own copy."""

from __future__ import annotations

import re

import pytest
import requests

pytestmark = pytest.mark.slow

PAGE = "/defis/simplifier-la-demande-de-carte-d-identite?tri=soutiens"


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def token_of(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)


def test_a_hit_has_a_fresh_nonce_and_a_working_csrf_token(demo_server):
    base = demo_server["url"]
    first = requests.get(base + PAGE, timeout=10)
    visitor = requests.Session()
    for _ in range(4):  # two workers: a few tries reach the one that cached the page
        hit = visitor.get(base + PAGE, timeout=10)
        if hit.headers.get("X-Consult-Cache") == "hit":
            break
    assert hit.headers.get("X-Consult-Cache") == "hit"
    assert nonce_of(hit) != nonce_of(first)
    assert f'nonce="{nonce_of(hit)}"' in hit.text and nonce_of(first) not in hit.text
    assert token_of(hit) != token_of(first)
    changed = visitor.post(base + "/preferences/langue", data={
        "csrf_token": token_of(hit), "lang": "en", "next": PAGE}, allow_redirects=False,
        timeout=10)
    assert changed.status_code == 302  # the token from the cached page is this visitor's
    english = visitor.get(base + PAGE, timeout=10)
    assert 'lang="en"' in english.text  # another language, another copy


def test_signed_in_people_never_get_a_cached_page(demo_server):
    base = demo_server["url"]
    person = requests.Session()
    login_page = person.get(base + "/connexion", timeout=10)
    person.post(base + "/connexion", data={
        "csrf_token": token_of(login_page), "email": "camille@demo.consult.example",
        "password": "demo-consult-2026"}, timeout=10)
    for _ in range(4):
        page = person.get(base + PAGE, timeout=10)
        assert "X-Consult-Cache" not in page.headers
        assert "Se déconnecter" in page.text


def test_pages_of_signed_in_people_are_never_stored_by_a_cache(client):
    from tests.conftest import login
    from tests.factories import UserFactory

    anonymous = client.get("/defis")  # its forms put a CSRF token in a new session cookie
    assert "Set-Cookie" in anonymous.headers
    assert anonymous.headers["Cache-Control"] == "private, no-store"  # never shared
    login(client, UserFactory())
    for path in ("/defis", "/mon-espace", "/page-qui-n-existe-pas"):
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path
