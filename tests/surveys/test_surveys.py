"""Surveys (issue 16): built by the challenge's agents, answered without JavaScript,
one response per person changed until the phase ends, anonymous when promised, results
from the tallies with counts under 5 withheld, free texts moderated, the SUS score per
prototype version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.challenges.models import ChallengePhase
from consult.challenges.phases import Phase
from consult.db import db, utcnow
from consult.surveys import operations as ops
from consult.surveys.answering import read_answers
from consult.surveys.models import Answer, QuestionKind, Response, Survey, Tally
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, OrganisationFactory, UserFactory, agent_of

DAY = timedelta(days=1)


def survey_challenge(start=-1, end=10, **kwargs):
    """A challenge whose survey phase is under way (or placed by ``start``/``end``)."""
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisations=[organisation], **kwargs)
    now = utcnow()
    challenge.phases = [ChallengePhase(kind=Phase.SURVEY, starts_at=now + start * DAY,
                                       ends_at=now + end * DAY, title="Diagnostic",
                                       description="", settings={}),
                        ChallengePhase(kind=Phase.RESULTS, starts_at=now + (end + 1) * DAY,
                                       title="", description="", settings={})]
    db.session.flush()
    return challenge, challenge.phases[0], agent_of(organisation)


def every_kind(agent, phase):
    survey = ops.ensure_survey(agent, phase)
    add = ops.add_question
    questions = {
        "single": add(agent, survey, kind=QuestionKind.SINGLE, label="Comment venez-vous ?",
                      choices=["À pied", "En bus", "En voiture"]),
        "multiple": add(agent, survey, kind=QuestionKind.MULTIPLE, label="Quels guichets ?",
                        choices=["Accueil", "État civil", "Urbanisme"], required=False),
        "scale": add(agent, survey, kind=QuestionKind.SCALE, label="Votre satisfaction",
                     scale="0-10", low_label="Très mauvaise", high_label="Excellente"),
        "ranking": add(agent, survey, kind=QuestionKind.RANKING, label="Vos priorités",
                       choices=["Horaires", "Attente", "En ligne"]),
        "yes_no": add(agent, survey, kind=QuestionKind.YES_NO, label="Avez-vous attendu ?"),
        "grid": add(agent, survey, kind=QuestionKind.GRID, label="Êtes-vous d’accord ?",
                    choices=["L’accueil est aimable", "Les délais sont clairs"], scale="1-5"),
        "short": add(agent, survey, kind=QuestionKind.SHORT_TEXT, label="Votre commune",
                     required=False),
        "long": add(agent, survey, kind=QuestionKind.LONG_TEXT, label="Racontez",
                    required=False),
    }
    db.session.flush()
    return survey, questions


def answers_for(q, *, single=0, scale=7, ranks=(1, 2, 3), yes="1", grid=(4, 5), text=""):
    data = {f"q{q['single'].id}": str(q["single"].choices[single].id),
            f"q{q['scale'].id}": str(scale), f"q{q['yes_no'].id}": yes,
            f"q{q['long'].id}": text}
    for choice, rank in zip(q["ranking"].choices, ranks, strict=True):
        data[f"q{q['ranking'].id}-c{choice.id}"] = str(rank)
    for choice, value in zip(q["grid"].choices, grid, strict=True):
        data[f"q{q['grid'].id}-c{choice.id}"] = str(value)
    return data


def path(challenge, phase, rest=""):
    return f"/defis/{challenge.slug}/questionnaires/{phase.id}{rest}"


def tallies(question):
    return {(t.choice_key, t.value_key): t.n for t in db.session.scalars(
        select(Tally).where(Tally.question_id == question.id, Tally.n > 0))}


def test_a_citizen_answers_every_kind_of_question_then_changes_an_answer(client):
    challenge, phase, agent = survey_challenge()
    survey, q = every_kind(agent, phase)
    citizen = UserFactory()
    login(client, citizen)
    page = client.get(path(challenge, phase)).text
    assert page.count("<fieldset") >= 8 + 2 and "<legend" in page  # grid rows: fieldsets too
    assert "Envoyer mes réponses" in page
    data = answers_for(q, text="Une heure d’attente debout.")
    data[f"q{q['multiple'].id}"] = [str(q["multiple"].choices[0].id),
                                    str(q["multiple"].choices[2].id)]
    response = post_form(client, path(challenge, phase), data)
    assert response.status_code == 303, response.text
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert tallies(q["single"]) == {(q["single"].choices[0].id, -1): 1, (0, -2): 1}
    assert tallies(q["multiple"])[(0, -2)] == 1 and len(tallies(q["multiple"])) == 3
    assert tallies(q["scale"]) == {(0, 7): 1, (0, -2): 1}
    page = client.get(path(challenge, phase)).text
    assert "Modifier mes réponses" in page and "Une heure d’attente debout." in page
    # the same person answers again: one response, the tallies follow the change
    response = post_form(client, path(challenge, phase), answers_for(q, single=2, scale=3))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).responses_count == 1
    assert tallies(q["single"]) == {(q["single"].choices[2].id, -1): 1, (0, -2): 1}
    assert tallies(q["scale"]) == {(0, 3): 1, (0, -2): 1}
    assert tallies(q["multiple"]) == {} and tallies(q["long"]) == {}


def test_every_error_at_once_on_its_question_and_nothing_typed_is_lost(client):
    challenge, phase, agent = survey_challenge()
    _survey, q = every_kind(agent, phase)
    login(client, UserFactory())
    data = answers_for(q, ranks=(1, 1, 3), scale=11, text="Ce que j’ai vécu au guichet.")
    del data[f"q{q['yes_no'].id}"]
    response = post_form(client, path(challenge, phase), data)
    assert response.status_code == 422
    page = response.text
    assert "Le formulaire contient 3 erreurs" in page
    assert "Donnez à chaque option un rang différent, de 1 à 3." in page
    assert "Choisissez une valeur de 0 à 10." in page
    assert "Cette question est obligatoire." in page
    assert "Ce que j’ai vécu au guichet." in page  # kept
    assert f'href="#q{q["ranking"].id}-c{q["ranking"].choices[0].id}"' in page
    assert 'aria-invalid="true"' in page or "c-field--error" in page
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(Tally)) == 0


def test_an_anonymous_survey_keeps_no_link_to_the_account(app):
    _challenge, phase, agent = survey_challenge()
    survey, q = every_kind(agent, phase)
    ops.update_settings(agent, survey, intro="", anonymous=True, version_id=None)
    citizen = UserFactory()
    reading = read_answers(survey.questions, _multidict(answers_for(q)))
    assert ops.submit_response(citizen, survey, reading) is True
    assert ops.submit_response(citizen, survey, reading) is False  # a change, not a second
    response = db.session.scalar(select(Response))
    assert response.user_id is None and len(response.respondent_key) == 64
    assert response.created_at.hour == 0 and response.created_at.minute == 0  # the day only
    assert ops.my_response(survey, citizen).id == response.id  # they find their answers
    with pytest.raises(Exception, match="anonymat"):
        ops.update_settings(agent, survey, intro="", anonymous=False, version_id=None)


def _multidict(data):
    from werkzeug.datastructures import MultiDict

    return MultiDict([(k, v) for k, values in data.items()
                      for v in (values if isinstance(values, list) else [values])])


def test_no_answer_outside_the_phase_and_the_refusal_writes_nothing(client):
    challenge, phase, agent = survey_challenge(start=-10, end=-1)
    _survey, q = every_kind(agent, phase)
    login(client, UserFactory())
    page = client.get(path(challenge, phase)).text
    assert "Ce questionnaire est clos" in page and "Envoyer mes réponses" not in page
    response = post_form(client, path(challenge, phase), answers_for(q))
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_results_wait_for_the_end_and_withhold_small_counts(client, app):
    challenge, phase, agent = survey_challenge()
    survey, q = every_kind(agent, phase)
    for n in range(6):
        choice = 0 if n < 5 else 1  # 5 walk, 1 takes the bus
        reading = read_answers(survey.questions, _multidict(answers_for(
            q, single=choice, text=f"Témoignage {n}")))
        ops.submit_response(UserFactory(), survey, reading)
    results = path(challenge, phase, "/resultats")
    assert client.get(results).status_code == 404  # still open: agents only
    agents = app.test_client()
    login(agents, agent)
    page = agents.get(results).text
    assert "6 personnes ont répondu." in page and "<svg" in page and "<table" in page
    assert "83,3" in page  # 5 of 6 walk, exact for agents
    phase.ends_at = utcnow() - timedelta(minutes=1)
    phase.starts_at = utcnow() - 3 * DAY
    db.session.flush()
    page = client.get(results).text
    assert "moins de 5" in page and "83,3" in page  # the 1 is withheld, the 5 is shown
    assert "Témoignage 3" in page
    csv_text = client.get(path(challenge, phase, "/resultats.csv")).text
    header, *rows = csv_text.strip().splitlines()
    assert header.startswith("questionnaire_id,defi_id,question_id")
    bus = [r for r in rows if "En bus" in r]
    assert bus and bus[0].split(",")[-5:] == ["", "", "6", "", "True"]  # withheld
    from consult.opendata.datasets import DATASETS

    published = list(DATASETS["questionnaires"].rows(None))
    assert any(row[6] == "À pied" and row[8] == 5 for row in published)
    assert all(row[8] is None or row[8] >= 5 for row in published)


def test_a_moderator_hides_a_free_text(client, app):
    challenge, phase, agent = survey_challenge()
    survey, q = every_kind(agent, phase)
    for n in range(5):
        reading = read_answers(survey.questions, _multidict(answers_for(
            q, text="Propos injurieux" if n == 0 else f"Témoignage {n}")))
        ops.submit_response(UserFactory(), survey, reading)
    bad = db.session.scalar(select(Answer).where(Answer.text == "Propos injurieux"))
    login(client, agent)
    response = post_form(client, path(challenge, phase, f"/reponses/{bad.id}/masquer"),
                         {"hidden": "1"})
    assert response.status_code == 303
    phase.ends_at = utcnow() - timedelta(minutes=1)
    phase.starts_at = utcnow() - 3 * DAY
    db.session.flush()
    assert "Propos injurieux" not in app.test_client().get(path(challenge, phase,
                                                                 "/resultats")).text
    assert "Masquée au public" in client.get(path(challenge, phase, "/resultats")).text


def test_the_builder_without_javascript_and_its_lock(client):
    challenge, phase, agent = survey_challenge()
    login(client, agent)
    page = client.get(path(challenge, phase, "/modifier"))
    assert page.status_code == 200 and "Ajouter une question" in page.text
    missing = post_form(client, path(challenge, phase, "/questions"),
                        {"kind": "single", "label": "Comment venez-vous ?", "choices": "Seul"})
    assert missing.status_code == 422 and "Deux options au moins" in missing.text
    assert "Comment venez-vous ?" in missing.text  # kept
    added = post_form(client, path(challenge, phase, "/questions"), {
        "kind": "single", "label": "Comment venez-vous ?", "choices": "À pied\nEn bus",
        "required": "y", "scale": "1-5"})
    assert added.status_code == 303
    assert post_form(client, path(challenge, phase, "/sus")).status_code == 303
    survey = ops.survey_of(phase)
    assert [q.kind for q in survey.questions] == [QuestionKind.SINGLE, QuestionKind.GRID]
    assert len(survey.questions[1].choices) == 10
    second = survey.questions[1]
    post_form(client, path(challenge, phase, f"/questions/{second.id}/deplacer"),
              {"step": "up"})
    db.session.expire_all()
    assert ops.survey_of(phase).questions[0].id == second.id
    # once answered, the questions stay as they were asked
    reading = read_answers(survey.questions, _multidict({
        f"q{survey.questions[1].id}": str(survey.questions[1].choices[0].id),
        **{f"q{second.id}-c{c.id}": "3" for c in second.choices}}))
    ops.submit_response(UserFactory(), survey, reading)
    response = post_form(client, path(challenge, phase, f"/questions/{second.id}/supprimer"))
    assert response.status_code == 303
    db.session.expire_all()
    assert len(ops.survey_of(phase).questions) == 2


@pytest.mark.parametrize("answers, expected", [((5, 1), 100.0), ((1, 5), 0.0),
                                                ((3, 3), 50.0)])
def test_sus_score_per_prototype_version(app, answers, expected):
    from consult.surveys.results import sus_by_version, sus_score

    challenge, phase, agent = survey_challenge(start=-3, end=-1)
    phase.ends_at = utcnow() + DAY
    from consult.codesign.models import PrototypeVersion
    from tests.factories import IdeaFactory, brief_from

    lab = challenge.organisations[0]  # the lab in charge of a brief of another challenge
    brief = brief_from([IdeaFactory(challenge=ChallengeFactory(phase="review",
                                                               organisations=[lab]))])
    version = PrototypeVersion(brief_id=brief.id, name="Version 1", changes="")
    db.session.add(version)
    db.session.flush()
    survey = ops.ensure_survey(agent, phase)
    ops.update_settings(agent, survey, intro="", anonymous=False, version_id=version.id)
    grid = ops.add_sus(agent, survey)
    odd, even = answers
    for _ in range(5):
        data = {f"q{grid.id}-c{c.id}": str(odd if n % 2 == 0 else even)
                for n, c in enumerate(grid.choices)}
        ops.submit_response(UserFactory(), survey, read_answers(survey.questions,
                                                                _multidict(data)))
    assert sus_score(survey) == (expected, 5)
    with pytest.raises(Exception, match="version de prototype"):  # another team's brief
        other = brief_from([IdeaFactory(challenge=ChallengeFactory(phase="review"))])
        foreign = PrototypeVersion(brief_id=other.id, name="V1", changes="")
        db.session.add(foreign)
        db.session.flush()
        ops.update_settings(agent, survey, intro="", anonymous=False, version_id=foreign.id)
    assert [(v.name, score, n) for v, score, n in sus_by_version(brief.id)] == [
        ("Version 1", expected, 5)]


def test_the_tallies_are_checked_and_personal_data_follows_the_account(app):
    from consult.accounts.personal_data import ERASERS, SECTIONS
    from consult.surveys.integrity import (
        survey_responses_match_rows,
        survey_tallies_match_answers,
    )

    _challenge, phase, agent = survey_challenge()
    survey, q = every_kind(agent, phase)
    citizen = UserFactory()
    ops.submit_response(citizen, survey, read_answers(survey.questions, _multidict(
        answers_for(q, text="Mon histoire"))))
    ops.submit_response(citizen, survey, read_answers(survey.questions, _multidict(
        answers_for(q, single=1, scale=2))))
    assert survey_tallies_match_answers() == [] and survey_responses_match_rows() == []
    tally = db.session.scalar(select(Tally).where(Tally.question_id == q["scale"].id,
                                                  Tally.value_key == 2))
    tally.n += 1
    db.session.flush()
    assert survey_tallies_match_answers()  # a drifted count is found
    tally.n -= 1
    exported = SECTIONS["survey_answers"](citizen)
    assert exported[0]["survey_id"] == survey.id
    assert {"question": "Votre satisfaction", "choice_id": None, "value": 2,
            "text": None} in exported[0]["answers"]
    for erase in ERASERS:
        erase(citizen)
    assert db.session.scalar(select(Response.user_id)) is None
    assert survey_tallies_match_answers() == []  # the results it fed hold


def test_answers_changed_by_another_tab_meanwhile_are_counted_from_what_is_stored(
        app, monkeypatch):
    """The answer is counted before its first write (SQLite's writer's turn is not held
    while counting); when the stored answers changed in between — the same person
    sending from a second tab — the count is made again from them: no tally drifts."""
    from consult.surveys.integrity import survey_tallies_match_answers

    _challenge, phase, agent = survey_challenge()
    survey, q = every_kind(agent, phase)
    citizen = UserFactory()
    first = read_answers(survey.questions, _multidict(answers_for(q, single=0, scale=1)))
    second = read_answers(survey.questions, _multidict(answers_for(q, single=1, scale=4)))
    third = read_answers(survey.questions, _multidict(answers_for(q, single=2, scale=5)))
    ops.submit_response(citizen, survey, first)
    stale = ops._stored(survey.id, ops.respondent_key(survey, citizen))
    ops.submit_response(citizen, survey, second)  # the other tab, after the read below
    reads = []
    stored = ops._stored

    def stale_first_read(survey_id, key):
        reads.append(key)
        return stale if len(reads) == 1 else stored(survey_id, key)

    monkeypatch.setattr(ops, "_stored", stale_first_read)
    ops.submit_response(citizen, survey, third)
    assert len(reads) == 2  # read before counting, read again at the writer's turn
    assert survey_tallies_match_answers() == []
    assert tallies(q["scale"]) == {(0, 5): 1, (0, -2): 1}  # 5, and one respondent
