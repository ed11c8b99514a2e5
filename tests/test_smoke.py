import sys

import pytest


def test_home_page_answers_in_french(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Améliorons ensemble les services publics" in response.get_data(as_text=True)


def test_footer_links_the_licence_and_the_accessibility_statement(client):
    page = client.get("/").text
    link = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert f'<a href="{link}">Licence Ouverte 2.0</a>' in page
    assert 'href="/accessibilite"' in page and "&lt;a href" not in page


def test_security_headers_on_every_response(client):
    response = client.get("/connexion")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.text
    assert client.get("/nexiste-pas").headers["X-Content-Type-Options"] == "nosniff"


def test_a_view_s_own_security_header_is_kept_and_none_is_doubled(app):
    from flask import Response

    hook = next(f for f in app.after_request_funcs[None]
                if getattr(f, "__name__", "") == "_security_headers")
    with app.test_request_context("/"):
        response = hook(Response("x", headers={"X-Frame-Options": "SAMEORIGIN",
                                               "content-security-policy": "default-src 'none'"}))
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    for name in ("X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
                 "Cross-Origin-Opener-Policy"):
        assert len(response.headers.getlist(name)) == 1, name


def test_session_cookie_is_httponly_and_lax(client):
    from tests.conftest import post_form

    post_form(client, "/preferences/langue", {"lang": "fr"})
    cookie = client.get_cookie("consult")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_production_cookie_is_secure_and_host_prefixed(monkeypatch, tmp_path):
    from consult.config import Config

    monkeypatch.setenv("CONSULT_BASE_URL", "https://consult.example.gouv.fr")
    monkeypatch.setenv("CONSULT_SECRET_KEY", "x" * 40)
    config = Config(tmp_path)
    assert config.SESSION_COOKIE_SECURE and config.SESSION_COOKIE_NAME == "__Host-consult"


def test_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    from consult.config import Config

    monkeypatch.delenv("CONSULT_SECRET_KEY", raising=False)
    first = Config(tmp_path).SECRET_KEY
    assert len(first) >= 48 and first == Config(tmp_path).SECRET_KEY
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_error_pages_are_helpful_and_in_french(client):
    response = client.get("/nexiste-pas")
    assert response.status_code == 404 and "Page introuvable" in response.text


def test_health_check(client):
    assert client.get("/sante").get_json() == {"status": "ok"}


def test_scheme_preference(client):
    from tests.conftest import post_form

    post_form(client, "/preferences/affichage", {"scheme": "dark"})
    assert 'data-scheme="dark"' in client.get("/").text


def test_form_fields_never_carry_empty_attributes(client):
    page = client.get("/connexion").text + client.get("/inscription").text
    assert '="None"' not in page
    assert 'aria-describedby="email-hint"' in page


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=63072000")


@pytest.mark.dbless
def test_the_application_boots_in_a_fresh_interpreter(tmp_path):
    """What gunicorn does: import wsgi in a new process, nothing imported before it (a
    statement built at import from a model whose relationships are not all known yet
    broke the workers' boot while every test passed)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {"PATH": "/usr/bin:/bin", "CONSULT_DATABASE_URL": f"sqlite:///{tmp_path}/boot.db",
           "CONSULT_INSTANCE_PATH": str(tmp_path), "CONSULT_MAIL_CONSOLE": "0"}
    booted = subprocess.run(
        [sys.executable, "-c", "import sys, wsgi; print(sorted({'numpy', 'PIL.Image', "
         "'sklearn', 'scipy', 'psycopg', 'redis'} & set(sys.modules)))"], cwd=root, env=env,
        capture_output=True, text=True, timeout=120)
    assert booted.returncode == 0, booted.stderr[-2000:]
    # what only jobs and uploads need is loaded by them, not by every web worker (NumPy
    # alone is 15 MB a worker: topics.clustering is imported by the job that computes),
    # nor the PostgreSQL and Redis clients on SQLite without Redis (Huey's storage module
    # imports both whenever installed: core.tasks hides them from it)
    assert booted.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.dbless
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
@pytest.mark.parametrize(("environment", "applied"), [({}, "True"),
                                                      ({"MALLOC_ARENA_MAX": "8"}, "False")])
def test_gunicorn_configuration_limits_malloc_arenas(environment, applied):
    """gunicorn.conf.py, as the master reads it, asks glibc for two malloc arenas (the
    workers it forks inherit it), unless the operator chose their own number."""
    import subprocess
    from pathlib import Path

    conf = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
    ran = subprocess.run(
        [sys.executable, "-c", f"import runpy; s = runpy.run_path({str(conf)!r}); "
         "print(s['fewer_malloc_arenas']())"],
        env={"PATH": "/usr/bin:/bin", **environment}, capture_output=True, text=True,
        timeout=60)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.strip() == applied


@pytest.mark.dbless
@pytest.mark.parametrize("uses_redis", [True, False])
def test_huey_keeps_the_client_of_the_queue_it_uses(uses_redis):
    """Hidden from Huey's import only: the Redis queue keeps redis-py, and psycopg and
    redis-py stay importable for whatever needs them afterwards."""
    import subprocess

    ran = subprocess.run(
        [sys.executable, "-c", "from consult.core.tasks import _import_huey; "
         f"h = _import_huey({uses_redis}); from huey import storage; "
         "import psycopg, redis; print(storage.Redis is not None, storage.psycopg is None)"],
        capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.split() == [str(uses_redis), "True"]
