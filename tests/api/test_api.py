"""The read API: only what is public, cursor pagination that neither skips nor repeats,
conditional requests, JSON errors, filters that mirror the site's."""

from __future__ import annotations

import json
import re

import pytest

from consult.briefs.models import BriefStatus
from consult.briefs.operations import change_status
from consult.comments.models import Comment, CommentStatus
from consult.db import db, utcnow
from consult.ideas.models import AnswerStatus, IdeaStatus
from consult.territories.reference import resolve_territory
from tests.factories import ChallengeFactory, IdeaFactory, ThemeFactory, UserFactory, brief_from


def get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    assert response.is_json, (path, response.status_code, response.text[:200])
    return response


def walk(client, path: str) -> list[dict]:
    """Every item of a paginated list, following ``next``."""
    items, url, pages = [], path, 0
    while url:
        body = get(client, url).get_json()
        items += body["items"]
        url = body["next"] and body["next"].removeprefix("http://localhost")
        pages += 1
        assert pages < 100
    return items


@pytest.fixture
def consultation():
    """A challenge in voting with ideas in every state, comments in every state, a draft
    challenge and a draft brief; authors living somewhere else than their ideas."""
    lyon = resolve_territory("Lyon")[0]
    cergy = resolve_territory("Cergy")[0]
    author = UserFactory(email="auteur.secret@exemple.fr", display_name="Camille A.",
                         territory_id=lyon.id)
    challenge = ChallengeFactory(phase="supports", title="Accueil en préfecture")
    theme = ThemeFactory(challenge=challenge, name="Rendez-vous")
    published = IdeaFactory(challenge=challenge, author=author, theme=theme,
                            territory_id=cergy.id, title="Un rappel par SMS",
                            supports_count=4, answer_status=AnswerStatus.UNDER_STUDY,
                            answer_text="Nous étudions.", answered_at=utcnow())
    others = {status: IdeaFactory(challenge=challenge, author=author, status=status,
                                  title=f"Idée {status.value}",
                                  published_at=None if status == IdeaStatus.PENDING
                                  else utcnow())
              for status in (IdeaStatus.PENDING, IdeaStatus.REJECTED, IdeaStatus.HIDDEN,
                             IdeaStatus.WITHDRAWN)}
    comments = {status: Comment(idea_id=published.id, author=author, status=status,
                                body="" if status == CommentStatus.DELETED
                                else f"Commentaire {status.value}")
                for status in CommentStatus}
    db.session.add_all(comments.values())
    draft = ChallengeFactory(phase="supports", published_at=None, title="Défi en brouillon")
    IdeaFactory(challenge=draft, title="Idée d'un brouillon")
    organisation = challenge.organisations[0]
    brief = brief_from([published], organisation, author, title="Cahier publié",
                             problem_statement="P")
    change_status(author, brief, BriefStatus.PUBLISHED)
    brief_from([published], organisation, author, title="Cahier brouillon",
                     problem_statement="P")
    db.session.flush()
    return {"challenge": challenge, "published": published, "others": others,
            "comments": comments, "draft": draft, "brief": brief, "author": author}


def test_only_published_content_appears(client, consultation):
    challenge, published = consultation["challenge"], consultation["published"]
    titles = {c["title"] for c in walk(client, "/api/v1/challenges")}
    assert "Accueil en préfecture" in titles and "Défi en brouillon" not in titles
    ideas = walk(client, f"/api/v1/challenges/{challenge.id}/ideas")
    assert [i["id"] for i in ideas] == [published.id]
    for idea in consultation["others"].values():
        assert get(client, f"/api/v1/ideas/{idea.id}").status_code == 404
    assert get(client, f"/api/v1/challenges/{consultation['draft'].id}").status_code == 404
    assert get(client, f"/api/v1/challenges/{consultation['draft'].id}/ideas").status_code == 404
    comments = walk(client, f"/api/v1/ideas/{published.id}/comments")
    assert [c["body"] for c in comments] == ["Commentaire published"]
    briefs = walk(client, "/api/v1/briefs")
    assert [b["title"] for b in briefs] == ["Cahier publié"]
    detail = get(client, f"/api/v1/ideas/{published.id}").get_json()
    assert detail["briefs"] == [consultation["brief"].id]
    assert detail["answer"]["status"] == "under_study"
    assert detail["territory"]["key"] == "commune:95127"


def test_nothing_personal_ever_leaves(client, consultation):
    published = consultation["published"]
    everything = "".join(get(client, path).text for path in (
        "/api/v1/organisations", "/api/v1/challenges", "/api/v1/briefs",
        f"/api/v1/challenges/{published.challenge_id}/ideas", f"/api/v1/ideas/{published.id}",
        f"/api/v1/ideas/{published.id}/comments", f"/api/v1/briefs/{consultation['brief'].id}"))
    assert "Camille A." in everything  # the display name, as on the site
    assert "auteur.secret" not in everything and "@" not in everything
    assert "Lyon" not in everything  # the author's own territory
    assert "supporter" not in everything and "user_id" not in everything


def test_cursor_pages_neither_skip_nor_repeat(client):
    challenge = ChallengeFactory(phase="supports")
    ideas = [IdeaFactory(challenge=challenge, supports_count=n % 4, comments_count=n % 3)
             for n in range(27)]
    expected = {i.id for i in ideas}
    for sort, key in (("supports", lambda i: (-i["supports_count"], -i["id"])),
                      ("comments", lambda i: (-i["comments_count"], -i["id"])),
                      ("newest", lambda i: (i["published_at"], i["id"])),
                      ("id", lambda i: i["id"])):
        walked = walk(client, f"/api/v1/challenges/{challenge.id}/ideas?limit=5&sort={sort}")
        assert [i["id"] for i in walked if i] and {i["id"] for i in walked} == expected
        assert len(walked) == len(expected), sort
        if sort != "newest":
            assert walked == sorted(walked, key=key), sort
    # an idea published while someone pages through does not shift the pages
    first = get(client, f"/api/v1/challenges/{challenge.id}/ideas?limit=10&sort=id").get_json()
    IdeaFactory(challenge=challenge)
    rest = walk(client, first["next"].removeprefix("http://localhost"))
    seen = [i["id"] for i in first["items"] + rest]
    assert len(seen) == len(set(seen)) == 28


def test_conditional_requests(client, consultation):
    path = f"/api/v1/ideas/{consultation['published'].id}"
    first = get(client, path)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=30"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    consultation["published"].supports_count += 1
    db.session.flush()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize(("path", "status", "code", "field"), [
    ("/api/v1/challenges?limit=0", 400, "invalid", "limit"),
    ("/api/v1/challenges?limit=abc", 400, "invalid", "limit"),
    ("/api/v1/challenges?phase=finished", 400, "invalid", "phase"),
    ("/api/v1/challenges?territory=paris", 400, "invalid", "territory"),
    ("/api/v1/challenges?colour=blue", 400, "invalid", "colour"),
    ("/api/v1/challenges?cursor=bm9wZQ", 400, "invalid_cursor", "cursor"),
    ("/api/v1/challenges/999999", 404, "not_found", None),
    ("/api/v1/nothing-here", 404, "not_found", None),
])
def test_errors_are_json_naming_the_field(client, path, status, code, field):
    response = client.get(path)
    assert response.status_code == status and response.is_json
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]


def test_errors_speak_english_when_asked(client):
    response = client.get("/api/v1/challenges?limit=0", headers={"Accept-Language": "en"})
    assert "at least 1" in response.get_json()["error"]["message"]


def test_a_cursor_from_another_sort_is_refused(client):
    challenge = ChallengeFactory(phase="supports")
    for _ in range(3):
        IdeaFactory(challenge=challenge)
    cursor = get(client, f"/api/v1/challenges/{challenge.id}/ideas?limit=1&sort=id") \
        .get_json()["next_cursor"]
    refused = client.get(f"/api/v1/challenges/{challenge.id}/ideas?sort=newest&cursor={cursor}")
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "cursor"


def test_idea_filters_mirror_the_site(client, consultation):
    challenge, published = consultation["challenge"], consultation["published"]
    other = IdeaFactory(challenge=challenge, title="Ouvrir le samedi matin")
    base = f"/api/v1/challenges/{challenge.id}/ideas"

    def ids(query):
        return [i["id"] for i in walk(client, f"{base}?{query}")]

    assert ids("theme=Rendez-vous") == [published.id]
    assert ids("theme=Inconnu") == []
    assert ids("territory=commune:95127") == [published.id]
    assert ids("answer=under_study") == [published.id]
    assert ids("answer=none") == [other.id]
    assert ids("q=samedi") == [other.id]
    challenges = walk(client, f"/api/v1/challenges?phase=supports&theme=Rendez-vous"
                              f"&organisation={challenge.organisations[0].slug}")
    assert [c["id"] for c in challenges] == [challenge.id]


def test_results_only_once_published(client):
    from consult.ideas.results import publish_results
    from tests.factories import agent_of

    challenge = ChallengeFactory(phase="review")
    best, second = (IdeaFactory(challenge=challenge, supports_count=n) for n in (5, 2))
    path = f"/api/v1/challenges/{challenge.id}/results"
    assert client.get(path).get_json()["error"]["code"] == "results_not_published"
    publish_results(agent_of(challenge.organisations[0]), challenge, "Merci à tous.",
                    {second.id: "Réalisable dès cette année."})
    body = get(client, path).get_json()
    assert [(r["rank"], r["idea"]["id"], r["selected"]) for r in body["ranking"]] == [
        (1, best.id, False), (2, second.id, True)]
    assert body["selected"] == [{"idea": body["ranking"][1]["idea"],
                                 "justification": "Réalisable dès cette année."}]


def test_the_description_covers_every_api_route(client, app):
    document = get(client, "/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    described = {(path, method.upper()) for path, ops in document["paths"].items()
                 for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in {"api.openapi", "api.docs"}:
            path = re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == served
    for ops in document["paths"].values():
        for operation in ops.values():
            assert operation["summary"] and "429" in operation["responses"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    for path, method in described:
        assert f"{method} {path}" in page.text


def test_json_is_utf8_and_dates_are_utc(client, consultation):
    body = get(client, f"/api/v1/ideas/{consultation['published'].id}")
    assert body.mimetype == "application/json"
    published_at = json.loads(body.data)["published_at"]
    assert published_at.endswith("Z") and "." not in published_at


def test_router_errors_use_the_documented_shape_in_the_readers_language(client):
    """An unknown path, a wrong method: the API's JSON error, translated (issue 14)."""
    unknown = client.get("/api/v1/nulle-part", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404
    error = unknown.get_json()["error"]
    assert set(error) == {"code", "message", "field", "details"}
    assert "does not exist" in error["message"]
    wrong = client.delete("/api/v1/challenges", headers={"Accept-Language": "fr"})
    assert wrong.status_code == 405 and "Méthode non permise" in wrong.get_json()["error"][
        "message"]
    assert "GET" in wrong.headers["Allow"]
    sort = client.get("/api/v1/challenges/1/ideas?sort=hasard",
                      headers={"Accept-Language": "en"}).get_json()["error"]
    assert sort["field"] == "sort" and " or " not in sort["message"]
    assert "« comments »" in sort["message"]


def test_the_documentation_shows_examples_and_renders_markdown(client):
    page = client.get("/api/v1/docs", headers={"Accept-Language": "en"}).text
    assert page.count("curl ") >= 13  # a request example for every operation
    assert "Exemple" not in page and "Example request" in page
    assert "&#34;items&#34;" in page  # an answer example built from the schema
    assert "`" not in page.split("<h2>Schemas</h2>")[0].split("<h2", 2)[-1]  # no raw backticks
    assert "A challenge’s results" in page  # summaries translated
