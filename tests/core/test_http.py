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
