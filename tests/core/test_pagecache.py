"""The page cache, on a real gunicorn: a hit carries a fresh CSP nonce and the
visitor's own CSRF token (so its forms work); a signed-in citizen gets a kept page
filled with their own name, supports and ballot (core.personal); agents never get a
kept page; each language has its own copy."""

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


def signed_in(base: str, email: str) -> requests.Session:
    person = requests.Session()
    login_page = person.get(base + "/connexion", timeout=10)
    person.post(base + "/connexion", data={
        "csrf_token": token_of(login_page), "email": email,
        "password": "demo-consult-2026"}, timeout=10)
    return person


def supports_of(database: str, email: str) -> set[int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    with engine.connect() as connection:
        found = set(connection.execute(text(
            "SELECT s.idea_id FROM supports s JOIN users u ON u.id = s.user_id "
            "WHERE u.email = :email"), {"email": email}).scalars())
    engine.dispose()
    return found


def pressed(page: str) -> set[int]:
    """The ideas whose button says the person supports them."""
    return {int(i) for i in re.findall(
        r'id="soutien-(\d+)" data-support>\s*<input[^>]*>\s*<input[^>]*>\s*<button[^>]*'
        r'aria-pressed="true"', page)}


def test_a_citizen_gets_a_kept_page_filled_with_their_own_state(demo_server):
    base = demo_server["url"]
    camille = signed_in(base, "camille@demo.consult.example")
    yasmine = signed_in(base, "yasmine@demo.consult.example")
    for _ in range(4):  # both workers keep camille's page
        assert "(Camille" in camille.get(base + PAGE, timeout=10).text
    for _ in range(6):
        page = yasmine.get(base + PAGE, timeout=10)
        if page.headers.get("X-Consult-Cache") == "hit":
            break
    assert page.headers.get("X-Consult-Cache") == "hit"
    assert "(Yasmine" in page.text and "Camille" not in page.text.split("<main")[0]
    assert "\x00" not in page.text
    mine = supports_of(demo_server["database"], "yasmine@demo.consult.example")
    theirs = supports_of(demo_server["database"], "camille@demo.consult.example")
    shown = {int(i) for i in re.findall(r'id="soutien-(\d+)"', page.text)}
    assert mine & shown != theirs & shown  # the page kept for camille differs here
    assert pressed(page.text) == mine & shown
    # the forms of the kept page work with this person's session
    followed = yasmine.post(base + "/defis/simplifier-la-demande-de-carte-d-identite/suivre",
                            data={"csrf_token": token_of(page), "follow": "1"},
                            allow_redirects=False, timeout=10)
    assert followed.status_code in (302, 303)


def _one_row(database: str, sql: str, **params):
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    with engine.connect() as connection:
        row = connection.execute(text(sql), params).one()
    engine.dispose()
    return row


def test_an_idea_page_is_shared_by_citizens_each_with_their_own_buttons(demo_server):
    """The idea page kept for the author of a comment, filled for another citizen: their
    name, their support button, « Signaler » where the author had « Modifier »; the
    forms work with their session."""
    base, database = demo_server["url"], demo_server["database"]
    idea_id, comment_id, commenter = _one_row(database, (
        "SELECT c.idea_id, c.id, u.email FROM comments c JOIN users u ON u.id = c.author_id "
        "JOIN ideas i ON i.id = c.idea_id WHERE c.status = 'published' AND i.status = "
        "'published' AND u.email NOT LIKE '%agent%' AND u.email NOT LIKE '%admin%' "
        "ORDER BY c.id LIMIT 1"))
    other = next(e for e in ("camille@demo.consult.example", "yasmine@demo.consult.example",
                             "lucas@demo.consult.example") if e != commenter)
    path = f"{base}/idees/{idea_id}"
    author = signed_in(base, commenter)
    for _ in range(4):  # both workers keep the commenter's page
        theirs = author.get(path, timeout=10).text
        assert f"/commentaires/{comment_id}/modifier" in theirs
    reader = signed_in(base, other)
    for _ in range(6):
        page = reader.get(path, timeout=10)
        if page.headers.get("X-Consult-Cache") == "hit":
            break
    assert page.headers.get("X-Consult-Cache") == "hit"
    assert "\x00" not in page.text
    assert f"/commentaires/{comment_id}/modifier" not in page.text
    assert f"/commentaires/{comment_id}/signaler" in page.text
    assert "Signaler cette idée" in page.text
    header = page.text.split("<main")[0]
    assert commenter.split("@")[0].capitalize() not in header
    supported = idea_id in supports_of(database, other)
    assert pressed(page.text) == ({idea_id} if supported else set())
    answered = reader.post(f"{path}/commentaires", data={
        "csrf_token": token_of(page), "body": "Bonne idée, je la partage avec ma voisine."},
        allow_redirects=False, timeout=10)
    assert answered.status_code in (302, 303)


def test_agents_never_get_a_kept_page(demo_server):
    base = demo_server["url"]
    agent = signed_in(base, "bruno.agent@demo.consult.example")
    for _ in range(4):
        page = agent.get(base + PAGE, timeout=10)
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


def test_a_page_missed_by_many_at_once_is_rendered_once_per_worker(demo_server):
    """When a kept page expires at the height of a peak, one thread of each worker
    renders it and the others wait for it (they get the kept page)."""
    from concurrent.futures import ThreadPoolExecutor

    base = demo_server["url"]
    fresh = f"{PAGE}&essai=foule"  # a key nobody asked for yet

    def visit(_n):
        response = requests.get(base + fresh, timeout=20)
        return response.status_code, response.headers.get("X-Consult-Cache")

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(visit, range(16)))
    assert all(status == 200 for status, _ in answers)
    rendered = sum(1 for _, cache in answers if cache != "hit")
    assert 1 <= rendered <= 2  # two workers: at most one render each
