from hypothesis import given, settings
from hypothesis import strategies as st

from consult.core.http import safe_next


def test_paths_inside_the_site_are_kept():
    assert safe_next("/compte") == "/compte"
    assert safe_next("/defis?page=2#idees") == "/defis?page=2#idees"


def test_everything_else_falls_back():
    for target in ["", None, "//evil.example", "https://evil.example", "/\\evil.example",
                   "javascript:alert(1)", "%2f%2fevil.example", "/%5Cevil.example",
                   "/%09/evil.example", "\x00/compte", "evil.example/compte",
                   "%252f%252fevil.example"]:
        assert safe_next(target, "/") == "/", target


@settings(max_examples=500)
@given(st.text())
def test_never_an_external_url(target):
    result = safe_next(target, "/")
    assert result.startswith("/")
    assert not result.startswith("//") and "\\" not in result
    from urllib.parse import unquote, urlsplit

    decoded = unquote(unquote(result))
    assert not urlsplit(decoded).netloc and not decoded.startswith("//")


def test_every_redirect_to_a_requested_place_goes_through_safe_next():
    """One place checks redirect targets (core.http): no view redirects to a value read
    from the request without it (issue 14 found `back` used as is in moderation)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "consult"
    unchecked = []
    for path in root.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"redirect\((request|form)\.", line):
                unchecked.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert not unchecked, "\n".join(unchecked)


def test_a_response_that_sets_a_cookie_is_never_publicly_cacheable(client):
    response = client.get("/donnees")  # a public page whose form puts a token in the session
    if "Set-Cookie" in response.headers:
        assert response.headers["Cache-Control"] == "private, no-store"


def test_links_use_the_configured_address_not_the_host_header(client, app):
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory(phase="supports")
    body = client.get(f"/api/v1/challenges/{challenge.id}",
                      headers={"Host": "piege.example"}).get_json()
    assert body["url"].startswith(app.config["BASE_URL"] + "/")
    assert "piege.example" not in str(body)


def test_a_chunked_body_over_the_limit_is_413_not_cut(app):
    import io

    from consult.core.http import ChunkedBodyLimit

    seen = {}

    def inner(environ, start_response):
        seen["body"] = environ["wsgi.input"].read()
        start_response("200 OK", [])
        return [b"ok"]

    middleware = ChunkedBodyLimit(inner, limit=10)
    statuses = []
    for body in (b"x" * 11, b"y" * 10):
        environ = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(body)}
        middleware(environ, lambda status, headers: statuses.append(status))
    assert statuses == ["413 Request Entity Too Large", "200 OK"]
    assert seen["body"] == b"y" * 10  # under the limit: passed on whole
    assert app.wsgi_app.__class__.__name__ in {"ChunkedBodyLimit", "ProxyFix"}
