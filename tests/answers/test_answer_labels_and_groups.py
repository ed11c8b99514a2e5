"""Official answers at scale, continued (issue 22): an organisation's own answer
statuses mapped onto the four canonical ones (the open data and the API stay
comparable), a template used in the one-idea answer form, and one answer for a merged
group (each idea keeps its own answer record, each author told once)."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.answers import operations as ops
from consult.answers.models import AnswerLabel
from consult.db import db
from consult.ideas.models import AnswerStatus, IdeaStatus
from consult.moderation import operations as moderation
from consult.opendata.datasets import DATASETS
from tests.conftest import login, mails_to, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)


def _world():
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisations=[organisation], phase="supports")
    agent = agent_of(organisation)
    db.session.commit()
    return organisation, challenge, agent


def test_an_organisation_names_its_own_statuses_each_mapped_onto_a_canonical_one(client):
    organisation, _challenge, agent = _world()
    login(client, agent)
    path = f"/espace/{organisation.slug}/statuts-de-reponse"
    bad = post_form(client, path, {"label_name": "", "label_status": "peut-être"})
    assert bad.status_code == 422  # every problem at once
    assert "Donnez un nom au statut" in bad.text and "statut commun" in bad.text
    clash = post_form(client, path, {"label_name": "Retenue", "label_status": "selected",
                                     "label_status_x": ""})
    assert clash.status_code == 422 and "déjà ce nom" in clash.text  # a canonical name
    nul = post_form(client, path, {"label_name": "Voirie\x00", "label_status": "under_study"})
    assert nul.status_code == 422 and "caractère invisible" in nul.text
    typed = post_form(client, path, {"label_name": "Transmise au service voirie",
                                     "label_status": ""})
    assert 'value="Transmise au service voirie"' in typed.text  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(AnswerLabel)) == 0
    assert post_form(client, path, {"label_name": "Transmise au service voirie",
                                    "label_status": "under_study"}).status_code == 302
    twice = post_form(client, path, {"label_name": "Transmise au service voirie",
                                     "label_status": "selected"})
    assert twice.status_code == 422 and "déjà ce nom" in twice.text
    label = db.session.scalar(select(AnswerLabel))
    assert (label.name, label.status) == ("Transmise au service voirie",
                                          AnswerStatus.UNDER_STUDY)
    # another organisation's agent can neither see nor delete it
    login(client, agent_of(OrganisationFactory()))
    assert client.get(path).status_code == 403
    assert post_form(client, f"{path}/{label.id}").status_code == 403
    assert db.session.get(AnswerLabel, label.id) is not None


def test_answering_with_an_own_status_keeps_the_canonical_one_for_open_data(client):
    organisation, challenge, agent = _world()
    idea = IdeaFactory(challenge=challenge, title="Réparer la rue des Lilas")
    other_org_label = AnswerLabel(organisation_id=OrganisationFactory().id,
                                  name="Label d'une autre organisation",
                                  status=AnswerStatus.SELECTED)
    db.session.add(other_org_label)
    label = ops.save_label(agent, organisation, "Transmise au service voirie", "under_study")
    db.session.commit()
    login(client, agent)
    form = client.get(f"/moderation/idees/{idea.id}").text
    assert f'value="label-{label.id}"' in form
    assert "Transmise au service voirie (À l’étude)" in form
    assert f'value="label-{other_org_label.id}"' not in form
    refused = post_form(client, f"/moderation/idees/{idea.id}", {
        "form": "answer", "a-status": f"label-{other_org_label.id}", "a-text": ""})
    assert refused.status_code == 422
    db.session.refresh(idea)
    assert idea.answer_status is None
    post_form(client, f"/moderation/idees/{idea.id}", {
        "form": "answer", "a-status": f"label-{label.id}", "a-text": "Le service étudie."})
    db.session.refresh(idea)
    assert idea.answer_status == AnswerStatus.UNDER_STUDY
    assert idea.answer_label == "Transmise au service voirie"
    page = client.get(f"/idees/{idea.id}").text
    assert "Transmise au service voirie" in page and "(à l’étude)" in page
    # the form shows the answer as given; deleting the label keeps the idea's text
    again = client.get(f"/moderation/idees/{idea.id}").text
    assert f'<option selected value="label-{label.id}">' in again
    assert post_form(client, f"/espace/{organisation.slug}/statuts-de-reponse/{label.id}"
                     ).status_code == 302
    db.session.refresh(idea)
    assert idea.answer_label == "Transmise au service voirie"
    # open data: the canonical status, and the organisation's own label beside it
    ideas = DATASETS["idees"]
    columns = [c.name for c in ideas.columns]
    row = dict(zip(columns, next(r for r in ideas.rows(None) if r[0] == idea.id),
                   strict=True))
    assert row["reponse_statut"] == "under_study"
    assert row["reponse_libelle"] == "Transmise au service voirie"
    api = client.get(f"/api/v1/ideas/{idea.id}").json
    assert api["answer"]["status"] == "under_study"
    assert api["answer"]["organisation_label"] == "Transmise au service voirie"


def test_the_one_idea_form_starts_from_a_template(client):
    organisation, challenge, agent = _world()
    author = UserFactory(display_name="Camille")
    idea = IdeaFactory(challenge=challenge, author=author, title="Ouvrir le samedi")
    template = ops.save_template(agent, organisation, "Retenue, merci", "selected",
                                 "Merci {auteur} : « {titre} » est retenue par "
                                 "{organisation}.")
    foreign = ops.save_template(agent_of(other := OrganisationFactory()), other,
                                "Modèle étranger", "not_retained", "Non, {auteur}.")
    db.session.commit()
    login(client, agent)
    page = client.get(f"/moderation/idees/{idea.id}").text
    assert "Partir d’un modèle de réponse" in page and "Retenue, merci" in page
    assert "Modèle étranger" not in page
    drafted = client.get(f"/moderation/idees/{idea.id}?modele={template.id}").text
    assert (f"Merci Camille : « Ouvrir le samedi » est retenue par {organisation.name}."
            .replace("'", "&#39;")) in drafted
    assert '<option selected value="selected">' in drafted
    assert "Texte repris du modèle « Retenue, merci »" in drafted
    not_offered = client.get(f"/moderation/idees/{idea.id}?modele={foreign.id}").text
    assert "Non, Camille." not in not_offered  # another organisation's template: ignored
    db.session.refresh(idea)
    assert idea.answer_status is None  # a draft, nothing answered until published


def test_one_answer_for_a_merged_group_each_idea_keeps_it_each_author_told_once(client):
    _organisation, challenge, agent = _world()
    kept_author = UserFactory(email="garde@exemple.fr")
    twice = UserFactory(email="deux@exemple.fr")
    kept = IdeaFactory(challenge=challenge, author=kept_author, title="Cantine bio")
    copies = [IdeaFactory(challenge=challenge, author=twice, title="Cantine bio, svp"),
              IdeaFactory(challenge=challenge, author=twice, title="Du bio à la cantine"),
              IdeaFactory(challenge=challenge, author=kept_author, title="Bio à la cantine")]
    db.session.commit()
    for copy in copies:
        moderation.merge_duplicate(agent, copy, kept)
    db.session.commit()
    login(client, agent)
    page = client.get(f"/moderation/idees/{kept.id}").text
    assert "vaut aussi pour les 3 idées fusionnées" in page
    post_form(client, f"/moderation/idees/{kept.id}", {
        "form": "answer", "a-status": "selected", "a-text": "Dès la rentrée."})
    for idea in (kept, *copies):
        db.session.refresh(idea)
        assert idea.answer_status == AnswerStatus.SELECTED, idea.title
        assert idea.answer_text == "Dès la rentrée."
    assert copies[0].status == IdeaStatus.MERGED  # still merged: only its answer changed
    assert len(mails_to("garde@exemple.fr", "moderation/official_answer")) == 1
    assert len(mails_to("deux@exemple.fr", "moderation/official_answer")) == 1
    merged_page = client.get(f"/idees/{copies[0].id}").text
    assert "Dès la rentrée." in merged_page
