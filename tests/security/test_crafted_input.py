"""Crafted input gets a clear refusal, never a 500, and nothing is saved (issue 14):
dates a person cannot mean, control characters, decompression bombs, API bodies that
are not JSON or nested without end. The fuzzer (test_fuzz_site.py) sweeps every form;
these pin each class down with a form that is otherwise valid."""

from __future__ import annotations

import io
import json

from PIL import Image
from sqlalchemy import func, select

from consult.api.models import ApiScope
from consult.api.tokens import create_token
from consult.challenges.models import Challenge
from consult.db import db
from consult.ideas.models import Idea
from consult.organisations.models import MembershipRole
from tests.challenges.test_editor import FORM
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, OrganisationFactory, UserFactory, agent_of


def test_dates_out_of_reason_are_refused_on_the_field(client):
    organisation = OrganisationFactory()
    login(client, agent_of(organisation))
    for when in ("0001-01-01T00:00", "9999-12-31T23:59"):
        data = dict(FORM, organisations=[str(organisation.id)], **{"phases-0-starts_at": when})
        response = post_form(client, f"/espace/{organisation.slug}/defis/nouveau", data)
        assert response.status_code == 422, when
        assert "Saisissez une date entre 2000 et 2100." in response.text
        assert FORM["problem"] in response.text  # what was typed is kept
    assert db.session.scalar(select(func.count(Challenge.id))) == 0


def test_control_characters_are_refused_as_the_api_refuses_them(client):
    challenge = ChallengeFactory(phase="ideas")
    login(client, UserFactory())
    response = post_form(client, f"/defis/{challenge.slug}/proposer", {
        "title": "Un titre\x00 piégé", "body": "Un texte\x1b[31m coloré", "action": "submit"})
    assert response.status_code == 422
    assert response.text.count("caractère invisible non autorisé") >= 2  # both fields
    response = post_form(client, f"/defis/{challenge.slug}/proposer", {
        "title": "Un titre correct", "body": "Deux lignes\r\net\tune tabulation",
        "unique_confirmed": "1", "action": "submit"})
    assert response.status_code == 302  # line breaks and tabs are text
    assert db.session.scalar(select(func.count(Idea.id))) == 1


def test_a_decompression_bomb_is_refused_before_decoding(client):
    organisation = OrganisationFactory()
    login(client, agent_of(organisation))
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, format="PNG")  # 400 Mpx in ~50 kB
    assert bomb.tell() < 200_000
    bomb.seek(0)
    data = dict(FORM, organisations=[str(organisation.id)], cover=(bomb, "bombe.png"),
                cover_alt="Une image")
    response = post_form(client, f"/espace/{organisation.slug}/defis/nouveau", data,
                         content_type="multipart/form-data")
    assert response.status_code == 422 and "n’est pas une image" in response.text
    assert db.session.scalar(select(func.count(Challenge.id))) == 0


def test_api_bodies_that_are_not_json_get_the_api_error(client):
    organisation = OrganisationFactory()
    admin = agent_of(organisation, MembershipRole.ADMIN)
    _token, secret = create_token(admin, organisation, "Site", {ApiScope.CHALLENGES})
    auth = {"Authorization": f"Bearer {secret}"}
    form = client.post("/api/v1/challenges", data={"title": "x"}, headers=auth)
    assert form.status_code == 415
    assert form.get_json()["error"]["code"] == "unsupported_media_type"
    deep = "[" * 5000 + "]" * 5000
    nested = client.post("/api/v1/challenges", data=deep, headers=auth,
                         content_type="application/json")
    assert nested.status_code == 400 and nested.get_json()["error"]["code"] == "invalid_json"
    broken = client.post("/api/v1/challenges", data="{", headers=auth,
                         content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "invalid_json"
    fine = client.post("/api/v1/challenges", data=json.dumps({}), headers=auth,
                       content_type="application/json")
    assert fine.status_code == 400 and fine.get_json()["error"]["field"]  # names a field


def test_ids_beyond_what_the_database_holds_are_404(client):
    for path in ("/idees/99999999999999999999999", "/idees/²", "/cahiers/2147483648",
                 "/idees/0"):
        assert client.get(path).status_code == 404, path
