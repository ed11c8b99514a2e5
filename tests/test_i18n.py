"""French is the default language, English is complete."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "consult/translations/en/LC_MESSAGES/messages.po"


@pytest.mark.dbless
def test_every_translatable_string_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "--ignore-dirs=.* __pycache__",
         "-F", str(ROOT / "consult/translations/babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
         "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True)
    source_ids = {m.id for m in read_po(pot.open("rb")) if m.id}
    english = {m.id: m for m in read_po(CATALOGUE.open("rb")) if m.id}
    missing = sorted(str(i) for i in source_ids - english.keys())
    assert not missing, f"run `make extract-messages` and translate: {missing[:10]}"
    untranslated = sorted(str(i) for i in source_ids
                          if not all(english[i].string if isinstance(english[i].string, tuple)
                                     else [english[i].string])
                          or english[i].fuzzy)
    assert not untranslated, f"untranslated in English: {untranslated[:10]}"


@pytest.mark.dbless
def test_placeholders_survive_translation():
    import re

    for message in read_po(CATALOGUE.open("rb")):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", string)) <= wanted | set(
                re.findall(r"%\(\w+\)[sd]", ids[0])), message.id


def test_french_by_default_and_english_on_request(client):
    assert 'lang="fr"' in client.get("/").text
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert 'lang="en"' in english and "Let's improve public services together" in english


def test_language_switch_is_a_post_that_sets_a_cookie(client):
    from tests.conftest import post_form

    response = post_form(client, "/preferences/langue", {"lang": "en", "next": "/connexion"})
    assert response.status_code == 302 and response.headers["Location"] == "/connexion"
    page = client.get("/connexion").text
    assert "Sign in" in page and 'lang="en"' in page
    assert client.get("/preferences/langue").status_code == 405


def test_language_switch_next_stays_on_site(client):
    from tests.conftest import post_form

    response = post_form(client, "/preferences/langue", {"lang": "en", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_french_plurals_follow_french_rules(client):
    """« 0 idée », not « 0 idées »: French is the source language, and its catalogue
    carries CLDR's French plural rule (tools/french_catalogue.py)."""
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory(phase="ideas")
    page = client.get(f"/defis/{challenge.slug}", headers={"Accept-Language": "fr"}).text
    assert "0 idée<" in page or "0 idée " in page
    assert "0 idées" not in page


def test_choices_and_open_data_speak_the_readers_language(client):
    """Labels built into forms and datasets were frozen in French at import (issue 14):
    the session formats, the API token scopes, the open-data page."""
    from consult.organisations.models import MembershipRole
    from tests.conftest import login
    from tests.factories import OrganisationFactory, agent_of

    organisation = OrganisationFactory()
    login(client, agent_of(organisation, MembershipRole.ADMIN, locale="en"))
    english = {"Accept-Language": "en"}
    tokens = client.get(f"/espace/{organisation.slug}/jetons-api", headers=english).text
    assert "Publier les réponses officielles" not in tokens
    data = client.get("/donnees", headers=english).text
    assert "Published ideas, with their supports" in data
    assert "Les idées publiées" not in data


def test_dates_people_read_have_no_seconds_nor_offsets(app):
    import re
    from datetime import datetime

    from flask_babel import force_locale

    from consult.core.i18n import when

    with app.test_request_context("/"):
        for locale in ("fr", "en"):
            with force_locale(locale):
                for fmt in ("short", "medium", "long"):
                    text = when(datetime(2027, 3, 12, 13, 5, 42), fmt)
                    assert not re.search(r"\d:\d\d:\d\d|UTC|GMT|\+0\d", text), text
        with force_locale("fr"):
            assert when(datetime(2027, 3, 12, 13, 5, 42), "long") == "12 mars 2027, 14:05"


def test_a_kept_date_and_time_is_the_one_babel_writes(app):
    """``when`` formats once per minute and language: the same text as Babel's date and
    time in Paris time, across both changes of hour, in both languages."""
    from datetime import datetime, timedelta

    from babel import Locale
    from flask_babel import force_locale, format_date, format_time

    from consult.core.i18n import when

    moments = [datetime(2027, 3, 28, 0, 0) + timedelta(minutes=17 * n) for n in range(20)]
    moments += [datetime(2027, 10, 30, 23, 30) + timedelta(minutes=13 * n) for n in range(20)]
    moments += [datetime(2026, 12, 31, 23, 59, 59), datetime(2027, 7, 14, 9, 3, 1)]
    with app.test_request_context("/"):
        for locale in ("fr", "en"):
            with force_locale(locale):
                for fmt in ("short", "medium", "long"):
                    pattern = str(Locale.parse(locale).datetime_formats[fmt])
                    for moment in moments:
                        expected = (pattern.replace("'", "")
                                    .replace("{1}", format_date(moment, fmt))
                                    .replace("{0}", format_time(moment, "short")))
                        assert when(moment, fmt) == expected, (locale, fmt, moment)


@pytest.mark.dbless
def test_no_text_hedges_its_plural():
    """« soutien(s) » is not French typography: real plurals everywhere (issue 14)."""
    import re

    hedged = []
    for folder in ("templates", "consult"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".html", ".txt", ".py"}:
                for number, line in enumerate(path.read_text().splitlines(), 1):
                    text = line if path.suffix != ".py" else " ".join(
                        re.findall(r"\"[^\"]*\"|'[^']*'", line))  # Python: its strings only
                    if re.search(r"[a-zé]\(s\)", text):
                        hedged.append(f"{path.relative_to(ROOT)}:{number}")
    assert not hedged, hedged


def test_counts_are_written_as_the_reader_writes_them(client):
    """« 12 345 idées » in French, "12,345 ideas" in English (issue 14)."""
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory(phase="supports", ideas_count=12345, participants_settled=1)
    french = client.get("/defis", headers={"Accept-Language": "fr"}).text
    assert "12\u202f345 idées" in french and "1 participant<" in french
    english = client.get("/defis", headers={"Accept-Language": "en"}).text
    assert "12,345 ideas" in english
    assert challenge.slug in french


def test_french_content_carries_its_language_in_an_english_interface(client):
    """A screen reader reads French ideas in French on an English page (issue 15)."""
    from tests.factories import ChallengeFactory, IdeaFactory

    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"), title="Un guichet unique",
                       body="Un seul **guichet** pour tout.")
    english = client.get(f"/idees/{idea.id}", headers={"Accept-Language": "en"}).text
    assert '<h1><span lang="fr">Un guichet unique</span></h1>' in english
    assert '<div lang="fr"><p>Un seul <strong>guichet</strong>' in english
    french = client.get(f"/idees/{idea.id}", headers={"Accept-Language": "fr"}).text
    assert 'lang="fr">Un guichet' not in french  # the page itself is French already


def test_templates_translate_in_the_request_s_language_and_a_forced_one(app):
    """The templates' gettext keeps the request's translations (core.i18n): a
    ``force_locale`` block (a mail in its recipient's language) still speaks its own
    language, and the page speaks its own again after it; ``%%`` writes ``%``, a
    variable is escaped, a text's escaping is kept per language."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = ("{{ _('Accueil') }}|{{ _('Accueil') }}|{{ gettext('Accueil') }}|"
            "{{ _('à 95 %%') }}|{{ _('Bonjour %(name)s', name=who) }}")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        first = render_template_string(page, who="<b>")
        with force_locale("fr"):
            forced = render_template_string(page, who="<b>")
            with force_locale("en"):
                assert render_template_string("{{ _('Accueil') }}") == "Home"
            assert render_template_string("{{ _('Accueil') }}") == "Accueil"
        after = render_template_string(page, who="<b>")
    assert first == after == "Home|Home|Home|à 95 %|Bonjour &lt;b&gt;"
    assert forced == "Accueil|Accueil|Accueil|à 95 %|Bonjour &lt;b&gt;"


def test_a_cut_text_ends_with_the_ellipsis_character(app):
    """« Trop long… », never three full stops; a text short enough is left whole."""
    from flask import render_template_string

    with app.test_request_context("/"):
        cut = render_template_string("{{ text|truncate(40) }}", text="mot " * 30)
        whole = render_template_string("{{ text|truncate(40) }}", text="Assez court.")
        chosen = render_template_string("{{ text|truncate(40, end=' [suite]') }}",
                                        text="mot " * 30)
    assert cut.endswith("…") and "..." not in cut and len(cut) <= 40
    assert whole == "Assez court."
    assert chosen.endswith(" [suite]")
