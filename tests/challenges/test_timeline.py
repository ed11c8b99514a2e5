"""A challenge is a sequence of typed phases stored as rows (issue 16): the state and
what people may do follow the phases under way, two may overlap where it makes sense,
process templates prefill the calendar, and a bad sequence is explained."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.challenges.models import ChallengePhase
from consult.challenges.permissions import actions_for
from consult.challenges.phases import Action, Phase
from consult.challenges.timeline import PROCESSES, PhaseSpec, phase_problems, prefill
from consult.db import db, utcnow
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, OrganisationFactory, UserFactory, agent_of

DAY = timedelta(days=1)


def spec(kind, start, end, **kwargs):
    now = utcnow()
    return PhaseSpec(kind=kind, starts_at=now + start * DAY,
                     ends_at=now + end * DAY if end is not None else None, **kwargs)


def rows(challenge, *specs):
    challenge.phases = [ChallengePhase(kind=s.kind, starts_at=s.starts_at, ends_at=s.ends_at,
                                       settings=s.settings, title="", description="")
                        for s in specs]
    db.session.flush()


def test_ideas_and_supports_overlap_and_people_may_do_both(app):
    challenge = ChallengeFactory()
    rows(challenge, spec(Phase.IDEAS, -10, 10),
         spec(Phase.SUPPORTS, -5, 20, settings={"supports_per_person": 2}),
         spec(Phase.RESULTS, 20, None))
    citizen = UserFactory()
    assert challenge.states == (Phase.IDEAS, Phase.SUPPORTS)
    assert challenge.phase == Phase.SUPPORTS  # the last to have started
    assert {Action.PROPOSE, Action.SUPPORT} <= actions_for(citizen, challenge)
    assert challenge.supports_per_person == 2


def test_states_between_before_and_after_the_phases(app):
    challenge = ChallengeFactory()
    rows(challenge, spec(Phase.SURVEY, -10, -5), spec(Phase.IDEAS, 5, 10))
    now = utcnow()
    assert challenge.phase_at(now) == Phase.PAUSE
    assert challenge.phase_at(now - 20 * DAY) == Phase.ANNOUNCED
    assert challenge.phase_at(now + 20 * DAY) == Phase.CLOSED
    assert actions_for(UserFactory(), challenge) == {Action.VIEW, Action.FOLLOW, Action.REPORT}
    assert not challenge.has_vote and challenge.supports_per_person is None


def test_the_phase_filter_of_the_list_finds_each_state(app, client):
    from consult.challenges.queries import ChallengeFilters, published_challenges

    paused = ChallengeFactory(title="En pause")
    rows(paused, spec(Phase.SURVEY, -10, -5), spec(Phase.IDEAS, 5, 10))
    both = ChallengeFactory(title="Idées et vote")
    rows(both, spec(Phase.IDEAS, -10, 10), spec(Phase.SUPPORTS, -5, 20))
    over = ChallengeFactory(title="Fini")
    rows(over, spec(Phase.SURVEY, -10, -5))

    def found(phase):
        return {c.title for c in db.session.scalars(published_challenges(
            ChallengeFilters(phase=phase)))} & {"En pause", "Idées et vote", "Fini"}

    assert found(Phase.PAUSE) == {"En pause"}
    assert found(Phase.IDEAS) == found(Phase.SUPPORTS) == {"Idées et vote"}
    assert found(Phase.CLOSED) == {"Fini"}
    assert "Idées et vote" in client.get("/defis", query_string={"phase": "ideas"}).text


@pytest.mark.parametrize("specs, message", [
    ([], "au moins une phase"),
    ([(Phase.IDEAS, 0, 10), (Phase.REVIEW, 5, 20)], "en même temps"),
    ([(Phase.IDEAS, 0, 10), (Phase.IDEAS, 10, 20)], "qu’une phase"),
    ([(Phase.IDEAS, 5, 10), (Phase.SUPPORTS, 0, 20)], "ne peut pas commencer avant"),
    ([(Phase.SUPPORTS, 0, 10)], "ajoutez une phase de dépôt"),
    ([(Phase.SURVEY, 0, None), (Phase.RESULTS, 10, None)], "sans date de fin"),
    ([(Phase.SURVEY, 10, 5)], "doit suivre son début"),
])
def test_a_bad_sequence_is_explained(app, specs, message):
    problems = phase_problems([spec(*s) for s in specs])
    assert any(message in text for _, _, text in problems), problems


def test_allowed_sequences_pass(app):
    assert phase_problems([spec(Phase.INFORMATION, -5, 30), spec(Phase.SURVEY, 0, 10),
                           spec(Phase.IDEAS, 5, 20), spec(Phase.SUPPORTS, 10, 25),
                           spec(Phase.REVIEW, 25, 30), spec(Phase.RESULTS, 30, None)]) == []


@pytest.mark.parametrize("key", sorted(PROCESSES))
def test_every_process_template_is_a_valid_sequence(app, key):
    specs = prefill(key, utcnow())
    assert specs and phase_problems(specs) == []
    assert [s.kind for s in specs] == [kind for kind, _ in PROCESSES[key].steps]


def test_the_editor_offers_the_templates_and_saves_any_sequence(client, app):
    from sqlalchemy import select

    from consult.challenges.models import Challenge
    from tests.challenges.test_editor import FORM, calendar

    organisation = OrganisationFactory()
    login(client, agent_of(organisation))
    page = client.get(f"/espace/{organisation.slug}/defis/nouveau",
                      query_string={"demarche": "diagnostic-usage"}).text
    assert "Diagnostic d’usage" in page and '<option selected value="survey">' in page
    data = {k: v for k, v in FORM.items() if not k.startswith("phases-")}
    data.update(calendar(("survey", "2030-01-10T09:00", "2030-01-31T09:00"),
                         ("ideas", "2030-01-20T09:00", "2030-02-28T09:00"),
                         ("results", "2030-03-10T09:00", None), ("", "", None)),
                organisations=[str(organisation.id)])
    data["phases-1-title"] = "Vos idées pour l’accueil"
    assert post_form(client, f"/espace/{organisation.slug}/defis/nouveau",
                     data).status_code == 302
    challenge = db.session.scalar(select(Challenge))
    assert [(p.kind, p.label) for p in challenge.timeline()] == [
        (Phase.SURVEY, "Questionnaire"), (Phase.IDEAS, "Vos idées pour l’accueil"),
        (Phase.RESULTS, "Résultats")]
    edit = client.get(f"/defis/{challenge.slug}/modifier").text
    assert "Vos idées pour l’accueil" in edit and edit.count("Ligne libre") == 2
    # One row removed (« Aucune »), every error of the rest at once, nothing lost
    ids = [p.id for p in challenge.timeline()]
    data = {k: v for k, v in data.items() if not k.startswith("phases-")}
    data.update(calendar(("survey", "2030-01-10T09:00", "2030-01-05T09:00"),
                         ("", "2030-01-20T09:00", "2030-02-28T09:00"),
                         ("results", "2030-03-10T09:00", None)))
    data.update({"phases-0-id": str(ids[0]), "phases-2-id": str(ids[2])})
    response = post_form(client, f"/defis/{challenge.slug}/modifier", data)
    assert response.status_code == 422 and "doit suivre son début" in response.text
    assert "2030-01-05T09:00" in response.text
    data["phases-0-ends_at"] = "2030-01-31T09:00"
    assert post_form(client, f"/defis/{challenge.slug}/modifier", data).status_code == 302
    db.session.expire_all()
    assert [(p.id, p.kind) for p in challenge.timeline()] == [(ids[0], Phase.SURVEY),
                                                             (ids[2], Phase.RESULTS)]


def test_the_timeline_says_where_we_are(client, app):
    challenge = ChallengeFactory(title="Chevauchement")
    rows(challenge, spec(Phase.IDEAS, -10, 10), spec(Phase.SUPPORTS, -5, 20),
         spec(Phase.RESULTS, 20, None))
    page = client.get(f"/defis/{challenge.slug}").text
    assert page.count('aria-current="step"') == 2
    assert page.count("Nous en sommes là") == 2


def test_the_api_lists_the_phases(client, app):
    challenge = ChallengeFactory(phase="supports")
    body = client.get(f"/api/v1/challenges/{challenge.id}").get_json()
    assert [p["kind"] for p in body["phases"]] == ["ideas", "supports", "review", "results"]
    assert [p["current"] for p in body["phases"]] == [False, True, False, False]
    assert body["phase"] == "supports" and body["phases"][3]["ends_at"] is None


def test_closing_ideas_early_opens_the_vote_now(app):
    from consult.challenges.operations import close_phase_early

    challenge = ChallengeFactory(phase="ideas")
    assert close_phase_early(UserFactory(), challenge) == Phase.SUPPORTS
    ideas, supports = challenge.timeline()[:2]
    assert ideas.ends_at == supports.starts_at
