"""Every route of the URL map, walked with each role, GET and POST: the status each role
gets is written below. A route missing from ROUTES fails the test, so a new route is
never left without its access rule."""

from __future__ import annotations

import pytest

from consult.comments.models import Comment
from consult.db import db
from consult.organisations.models import MembershipRole
from tests.conftest import csrf_token, login
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
    brief_from,
)

ROLES = ("anonymous", "citizen", "agent_b", "agent_a", "admin_a", "platform")
LOGIN = "login"  # sent to the login page
OK = "ok"  # allowed: any answer but a refusal (validation errors included)

# Policies: the expected status of each role, in ROLES order.
PUBLIC = (200,) * 6
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
AGENT_OF_A = (LOGIN, 403, 403, 200, 200, 200)
MODERATOR = (LOGIN, 403, 200, 200, 200, 200)  # the queue: any agent (of their own items)
ADMIN_OF_A = (LOGIN, 403, 403, 403, 200, 200)
PLATFORM = (LOGIN, 403, 403, 403, 403, 200)
AUTHOR = (LOGIN, 403, 403, 403, 403, 403)  # nobody here wrote the item
BAD_TOKEN = (400,) * 6
POST_SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK)
POST_AGENT_OF_A = (LOGIN, 403, 403, OK, OK, OK)
POST_MODERATOR = (LOGIN, 403, OK, OK, OK, OK)
POST_ADMIN_OF_A = (LOGIN, 403, 403, 403, OK, OK)
POST_PLATFORM = (LOGIN, 403, 403, 403, 403, OK)
POST_AUTHOR = (LOGIN, 403, 403, 403, 403, 403)
POST_ANYONE = (OK,) * 6
TOKEN_ONLY = (401,) * 6  # API writes: a session cookie never stands for a token
NOT_PUBLISHED = (404,) * 6
# Labs: agents who may call on the lab or apply (of a partner, of the lab, of an eligible
# organisation); the parties to a request or an application (requester, lab's team).
LAB_CALLER = (LOGIN, 403, 200, 200, 200, 403)
POST_LAB_CALLER = (LOGIN, 403, OK, OK, OK, 403)
LAB_PARTY = (LOGIN, 404, 200, 200, 200, 200)
POST_REQUESTER = (LOGIN, 404, OK, 403, 403, 403)

# endpoint: (path template, GET policy or None, POST policy or None)
ROUTES = {
    "site.home": ("/", PUBLIC, None),
    "site.accessibility": ("/accessibilite", PUBLIC, None),
    "site.privacy": ("/donnees-personnelles", PUBLIC, None),
    "site.legal": ("/mentions-legales", PUBLIC, None),
    "site.health": ("/sante", PUBLIC, None),
    "site.set_language": ("/preferences/langue", None, POST_ANYONE),
    "site.set_scheme": ("/preferences/affichage", None, POST_ANYONE),
    "static": ("/static/css/neutral.css", PUBLIC, None),
    "accounts.register": ("/inscription", (200, 302, 302, 302, 302, 302), POST_ANYONE),
    "accounts.login": ("/connexion", (200, 302, 302, 302, 302, 302), POST_ANYONE),
    "accounts.logout": ("/deconnexion", None, POST_ANYONE),
    "accounts.confirm_email": ("/compte/confirmer/faux-jeton", BAD_TOKEN, None),
    "accounts.resend_confirmation": ("/compte/renvoyer-confirmation", None, POST_SIGNED_IN),
    "accounts.forgot_password": ("/mot-de-passe-oublie", PUBLIC, POST_ANYONE),
    "accounts.reset_password": ("/mot-de-passe/faux-jeton", BAD_TOKEN, BAD_TOKEN),
    "accounts.profile": ("/compte", SIGNED_IN, POST_SIGNED_IN),
    "accounts.change_password": ("/compte/mot-de-passe", SIGNED_IN, POST_SIGNED_IN),
    "accounts.export_data": ("/compte/mes-donnees.json", SIGNED_IN, None),
    "accounts.delete_account": ("/compte/supprimer", SIGNED_IN, POST_SIGNED_IN),
    "site.organisation": ("/organisations/{org_a}", PUBLIC, None),
    "organisations.platform_list": ("/admin/organisations", PLATFORM, POST_PLATFORM),
    "organisations.platform_detail": ("/admin/organisations/{org_a}", PLATFORM, POST_PLATFORM),
    "organisations.workspace": ("/espace/{org_a}", AGENT_OF_A, None),
    "organisations.members": ("/espace/{org_a}/membres", ADMIN_OF_A, POST_ADMIN_OF_A),
    "organisations.remove_member": ("/espace/{org_a}/membres/{membership}/retirer", None,
                                    POST_ADMIN_OF_A),
    "organisations.revoke_invitation": ("/espace/{org_a}/invitations/{invitation}/annuler",
                                        None, POST_ADMIN_OF_A),
    "organisations.invitation": ("/invitations/faux-jeton", BAD_TOKEN, BAD_TOKEN),
    "organisations.register_invited": ("/invitations/faux-jeton/inscription", BAD_TOKEN,
                                       BAD_TOKEN),
    "challenges.index": ("/defis", PUBLIC, None),
    "challenges.show": ("/defis/{challenge}", PUBLIC, None),
    "challenges.new": ("/espace/{org_a}/defis/nouveau", AGENT_OF_A, POST_AGENT_OF_A),
    "challenges.edit": ("/defis/{challenge}/modifier", AGENT_OF_A, POST_AGENT_OF_A),
    "challenges.co_ownership": ("/espace/{org_a}/co-portage", ADMIN_OF_A, None),
    "challenges.decide_co_ownership": ("/espace/{org_a}/co-portage/{proposal}", None,
                                       POST_ADMIN_OF_A),
    "challenges.publish": ("/defis/{challenge}/publier", None, POST_AGENT_OF_A),
    "challenges.eligibility": ("/defis/{challenge}/qui-peut-participer", AGENT_OF_A,
                               POST_AGENT_OF_A),
    "challenges.close_phase": ("/defis/{challenge}/clore-phase", None, POST_ADMIN_OF_A),
    "challenges.media": ("/medias/absente.png", (404,) * 6, None),
    "challenges.results": ("/defis/{challenge}/resultats", (404, 404, 404, 200, 200, 200), None),
    "challenges.results_csv": ("/defis/{challenge}/resultats.csv",
                               (404, 404, 404, 200, 200, 200), None),
    "challenges.publish_results": ("/defis/{challenge}/resultats/publier", AGENT_OF_A,
                                   POST_AGENT_OF_A),
    "ideas.new": ("/defis/{challenge}/proposer", (LOGIN, 403, 403, 403, 403, 403),
                  (LOGIN, 403, 403, 403, 403, 403)),  # voting phase: proposing is closed
    "ideas.show": ("/idees/{idea}", PUBLIC, None),
    "ideas.edit": ("/idees/{idea}/modifier", AUTHOR, POST_AUTHOR),
    "ideas.withdraw": ("/idees/{idea}/retirer", None, POST_SIGNED_IN),  # refused: 303
    "ideas.support": ("/idees/{idea}/soutenir", None, POST_SIGNED_IN),
    "ideas.unsupport": ("/idees/{idea}/retirer-soutien", None, POST_SIGNED_IN),
    "ideas.move_support": ("/idees/{idea}/deplacer-soutien/{duplicate}", None, POST_SIGNED_IN),
    "notifications.follow_idea": ("/idees/{idea}/suivre", None, POST_SIGNED_IN),
    "notifications.follow_challenge": ("/defis/{challenge}/suivre", None, POST_SIGNED_IN),
    "ideas.comment": ("/idees/{idea}/commentaires", (LOGIN, 302, 302, 302, 302, 302),
                      POST_SIGNED_IN),
    "ideas.report_idea": ("/idees/{idea}/signaler", SIGNED_IN, POST_SIGNED_IN),
    "ideas.report_comment": ("/commentaires/{comment}/signaler", SIGNED_IN, POST_SIGNED_IN),
    "ideas.edit_comment": ("/commentaires/{comment}/modifier", AUTHOR, POST_AUTHOR),
    "ideas.delete_comment": ("/commentaires/{comment}/supprimer", None, POST_AUTHOR),
    "notifications.my_space": ("/mon-espace", SIGNED_IN, None),
    "notifications.index": ("/notifications", SIGNED_IN, None),
    "notifications.open": ("/notifications/{notification}", (LOGIN, 404, 404, 404, 404, 404),
                           None),  # someone else's notification
    "notifications.read_all": ("/notifications/lues", None, POST_SIGNED_IN),
    "briefs.index": ("/cahiers", PUBLIC, None),
    "site.search": ("/recherche?q=accueil", PUBLIC, None),
    "briefs.show": ("/cahiers/{brief}", PUBLIC, None),
    "briefs.export_markdown": ("/cahiers/{brief}.md", PUBLIC, None),
    "briefs.export_pdf": ("/cahiers/{brief}.pdf", PUBLIC, None),
    "briefs.new": ("/defis/{challenge}/cahiers/nouveau", AGENT_OF_A, POST_AGENT_OF_A),
    "briefs.edit": ("/cahiers/{brief}/modifier", AGENT_OF_A, POST_AGENT_OF_A),
    "briefs.change_status": ("/cahiers/{brief}/etat", None, POST_AGENT_OF_A),
    "briefs.post_update": ("/cahiers/{brief}/journal", None, POST_AGENT_OF_A),
    "codesign.volunteer": ("/cahiers/{brief}/volontaire", SIGNED_IN, POST_SIGNED_IN),
    "codesign.stop_volunteering": ("/cahiers/{brief}/volontaire/retirer", None,
                                   POST_SIGNED_IN),
    "codesign.new_session": ("/cahiers/{brief}/seances/nouvelle", AGENT_OF_A, POST_AGENT_OF_A),
    "codesign.feedback": ("/cahiers/{brief}/retours", SIGNED_IN, POST_SIGNED_IN),
    "codesign.add_version": ("/cahiers/{brief}/versions", None, POST_AGENT_OF_A),
    "codesign.participants": ("/cahiers/{brief}/participants", AGENT_OF_A, None),
    "dashboard.show": ("/espace/{org_a}/tableau-de-bord", AGENT_OF_A, None),
    "events.agenda": ("/evenements", PUBLIC, None),
    "events.show": ("/evenements/{event}", PUBLIC, None),
    "events.old_session_address": ("/seances/{session}", (301,) * 6, None),
    "events.new": ("/evenements/nouveau", MODERATOR, POST_MODERATOR),  # any agent
    "events.edit": ("/evenements/{event}/modifier", AGENT_OF_A, POST_AGENT_OF_A),
    "events.cancel_event": ("/evenements/{event}/annuler", AGENT_OF_A, POST_AGENT_OF_A),
    "events.register": ("/evenements/{event}/inscription", SIGNED_IN, POST_SIGNED_IN),
    "events.unregister": ("/evenements/{event}/desinscription", None, POST_SIGNED_IN),
    "events.participants": ("/evenements/{event}/participants", AGENT_OF_A, None),
    "events.check_in": ("/evenements/{event}/pointage/{registration}", None, POST_AGENT_OF_A),
    "events.write_up": ("/evenements/{event}/compte-rendu", AGENT_OF_A, POST_AGENT_OF_A),
    "events.event_calendar": ("/evenements/{event}.ics", PUBLIC, None),
    "events.personal_calendar": ("/agenda/{org_a_id}/faux-jeton.ics", NOT_PUBLISHED, None),
    "events.my_events": ("/mon-espace/evenements", SIGNED_IN, POST_SIGNED_IN),
    "events.follow_agenda": ("/evenements/suivre", None, POST_SIGNED_IN),
    "events.programmes": ("/programmes", PUBLIC, None),
    "events.programme": ("/programmes/{programme}", PUBLIC, None),
    "events.new_programme": ("/programmes/nouveau", MODERATOR, POST_MODERATOR),  # any agent
    "events.edit_programme": ("/programmes/{programme}/modifier", AGENT_OF_A, POST_AGENT_OF_A),
    "events.review_queue": ("/programmes/{programme}/examen", AGENT_OF_A, None),
    "events.review": ("/programmes/{programme}/examen/{submitted}", None, POST_AGENT_OF_A),
    "events.programme_calendar": ("/programmes/{programme}.ics", PUBLIC, None),
    "events.organisation_calendar": ("/organisations/{org_a}/evenements.ics", PUBLIC, None),
    "events.territory_calendar": ("/territoires/departement/95/evenements.ics", PUBLIC, None),
    "moderation.queue": ("/moderation", MODERATOR, None),
    "moderation.bulk": ("/moderation/lot", None, POST_MODERATOR),
    "moderation.idea": ("/moderation/idees/{idea}", AGENT_OF_A, POST_AGENT_OF_A),
    "moderation.comment": ("/moderation/commentaires/{comment}", None, POST_AGENT_OF_A),
    "moderation.settings": ("/moderation/defis/{challenge}", AGENT_OF_A, POST_AGENT_OF_A),
    "moderation.log": ("/moderation/defis/{challenge}/journal", AGENT_OF_A, None),
    "opendata.index": ("/donnees", PUBLIC, None),
    "opendata.dataset_csv": ("/donnees/idees.csv", PUBLIC, None),
    "opendata.dataset_json": ("/donnees/defis/{challenge}/idees.json", PUBLIC, None),
    "opendata.dataset_schema": ("/donnees/idees.schema.json", PUBLIC, None),
    "opendata.package": ("/donnees/datapackage.json", PUBLIC, None),
    "opendata.archive": ("/donnees/defis/{challenge}.zip", PUBLIC, None),
    "api.openapi": ("/api/v1/openapi.json", PUBLIC, None),
    "api.docs": ("/api/v1/docs", PUBLIC, None),
    "api.organisations": ("/api/v1/organisations", PUBLIC, None),
    "api.events": ("/api/v1/events", PUBLIC, None),
    "api.event": ("/api/v1/events/{event}", PUBLIC, None),
    "api.programmes": ("/api/v1/programmes", PUBLIC, None),
    "api.projects": ("/api/v1/projects", PUBLIC, None),
    "api.project": ("/api/v1/projects/{project}", PUBLIC, None),
    "api.calls": ("/api/v1/calls", PUBLIC, None),
    "api.call": ("/api/v1/calls/{call}", PUBLIC, None),
    "api.solutions": ("/api/v1/solutions", PUBLIC, None),
    "api.solution": ("/api/v1/solutions/{solution}", PUBLIC, None),
    "api.lab_activity": ("/api/v1/labs/{lab}/activity", PUBLIC, None),
    "api.programme": ("/api/v1/programmes/{programme_id}", PUBLIC, None),
    "api.organisation": ("/api/v1/organisations/{org_a_id}", PUBLIC, None),
    "api.challenges": ("/api/v1/challenges", PUBLIC, None),
    "api.create_challenge": ("/api/v1/challenges", None, TOKEN_ONLY),
    "api.challenge": ("/api/v1/challenges/{challenge_id}", PUBLIC, None),
    "api.update_challenge": ("/api/v1/challenges/{challenge_id}", None, None),  # PATCH
    "api.results": ("/api/v1/challenges/{challenge_id}/results", NOT_PUBLISHED, None),
    "api.pairwise": ("/api/v1/challenges/{challenge_id}/pairwise", NOT_PUBLISHED, None),
    "api.statements": ("/api/v1/challenges/{challenge_id}/statements", NOT_PUBLISHED, None),
    "api.ideas": ("/api/v1/challenges/{challenge_id}/ideas", PUBLIC, None),
    "api.idea": ("/api/v1/ideas/{idea}", PUBLIC, None),
    "api.answer_idea": ("/api/v1/ideas/{idea}/answer", None, None),  # PUT
    "api.comments": ("/api/v1/ideas/{idea}/comments", PUBLIC, None),
    "api.briefs": ("/api/v1/briefs", PUBLIC, None),
    "api.brief": ("/api/v1/briefs/{brief}", PUBLIC, None),
    "surveys.respond": ("/defis/{challenge}/questionnaires/{survey_phase}", PUBLIC,
                        POST_SIGNED_IN),
    "surveys.results": ("/defis/{challenge}/questionnaires/{survey_phase}/resultats",
                        (404, 404, 404, 200, 200, 200), None),  # open: its agents only
    "surveys.results_csv": ("/defis/{challenge}/questionnaires/{survey_phase}/resultats.csv",
                            (404, 404, 404, 200, 200, 200), None),
    "surveys.build": ("/defis/{challenge}/questionnaires/{survey_phase}/modifier", AGENT_OF_A,
                      POST_AGENT_OF_A),
    "surveys.add_question": ("/defis/{challenge}/questionnaires/{survey_phase}/questions",
                             None, POST_AGENT_OF_A),  # answered already: refused, 303
    "surveys.add_sus": ("/defis/{challenge}/questionnaires/{survey_phase}/sus", None,
                        POST_AGENT_OF_A),
    "surveys.edit_question": ("/defis/{challenge}/questionnaires/{survey_phase}/questions/"
                              "{question}", AGENT_OF_A, POST_AGENT_OF_A),
    "surveys.delete_question": ("/defis/{challenge}/questionnaires/{survey_phase}/questions/"
                                "{question}/supprimer", None, POST_AGENT_OF_A),
    "surveys.move_question": ("/defis/{challenge}/questionnaires/{survey_phase}/questions/"
                              "{question}/deplacer", None, POST_AGENT_OF_A),
    "surveys.hide_text": ("/defis/{challenge}/questionnaires/{survey_phase}/reponses/"
                          "{text_answer}/masquer", None, POST_AGENT_OF_A),
    # labs: agent_a and admin_a work for the lab; org_b (agent_b) is its partner, sent
    # the request and the application; the platform's administrator belongs to nothing
    # identity: no provider configured here (tests/identity starts one): nothing offered
    "identity.start": ("/connexion/franceconnect", NOT_PUBLISHED, None),
    "identity.callback": ("/connexion/franceconnect/retour", NOT_PUBLISHED, None),
    "identity.prove": ("/connexion/proconnect/lier", NOT_PUBLISHED, NOT_PUBLISHED),
    "identity.prove_by_mail": ("/connexion/proconnect/lier/faux-jeton", NOT_PUBLISHED,
                               NOT_PUBLISHED),
    # ProConnect agents: an organisation's administrators recognise and confirm them
    "identity.recognition": ("/espace/{org_a}/proconnect", ADMIN_OF_A, POST_ADMIN_OF_A),
    "identity.decide": ("/espace/{org_a}/proconnect/{membership_request}", None,
                        POST_ADMIN_OF_A),
    # pairwise: the route matrix's challenge has no pairwise phase (tests/pairwise has)
    "pairwise.compare": ("/defis/{challenge}/comparer", NOT_PUBLISHED, None),
    "pairwise.vote": ("/defis/{challenge}/comparer", None, POST_SIGNED_IN),
    "pairwise.ranking": ("/defis/{challenge}/classement", NOT_PUBLISHED, None),
    "pairwise.recompute": ("/defis/{challenge}/classement/recalculer", None,
                           POST_AGENT_OF_A),
    # statements: the route matrix's challenge has none (tests/statements has)
    "statements.vote_page": ("/defis/{challenge}/points-d-accord", NOT_PUBLISHED, None),
    "statements.vote": ("/defis/{challenge}/points-d-accord/1", None,
                        (LOGIN, 404, 404, 404, 404, 404)),
    "statements.submit": ("/defis/{challenge}/points-d-accord/proposer", None,
                          (LOGIN, 404, 404, 404, 404, 404)),
    "statements.report": ("/defis/{challenge}/points-d-accord/rapport", NOT_PUBLISHED, None),
    "statements.moderate": ("/defis/{challenge}/points-d-accord/1/moderer", None,
                            (LOGIN, 404, 404, 404, 404, 404)),
    "statements.recompute": ("/defis/{challenge}/points-d-accord/recalculer", None,
                             (LOGIN, 404, 404, 404, 404, 404)),
    # emerging topics: citizens read the published ones, agents of A work them
    "api.topics": ("/api/v1/challenges/{challenge_id}/topics", PUBLIC, None),
    "topics.page": ("/defis/{challenge}/sujets", PUBLIC, None),
    "representativeness.show": ("/defis/{challenge}/representativite", AGENT_OF_A, None),
    "topics.compute": ("/defis/{challenge}/sujets/calculer", None, POST_AGENT_OF_A),
    "topics.rename": ("/defis/{challenge}/sujets/{topic}/renommer", None, POST_AGENT_OF_A),
    "topics.merge": ("/defis/{challenge}/sujets/{topic}/fusionner", None, POST_AGENT_OF_A),
    "topics.split": ("/defis/{challenge}/sujets/{topic}/scinder", None, POST_AGENT_OF_A),
    "topics.publish": ("/defis/{challenge}/sujets/{topic}/publier", None, POST_AGENT_OF_A),
    "topics.make_theme": ("/defis/{challenge}/sujets/{topic}/theme", None, POST_AGENT_OF_A),
    "topics.summarise": ("/defis/{challenge}/sujets/resumer", None, POST_AGENT_OF_A),
    "topics.decide_summary": ("/defis/{challenge}/sujets/resumes/{summary}", None,
                              POST_AGENT_OF_A),
    "opinions.ask": ("/idees/{idea}/avis", AGENT_OF_A, POST_AGENT_OF_A),
    "opinions.index": ("/avis", (LOGIN, 403, 200, 200, 200, 403), None),  # agents
    "opinions.show": ("/avis/{opinion}", (LOGIN, 403, 200, 200, 200, 200),
                      (LOGIN, 403, OK, 403, 403, 403)),
    "opinions.act": ("/avis/{opinion}/citer", None, (LOGIN, 403, 403, OK, OK, OK)),
    "topics.answer": ("/defis/{challenge}/sujets/{topic}/repondre", None, POST_AGENT_OF_A),
    "answers.templates": ("/espace/{org_a}/modeles-de-reponse", AGENT_OF_A, POST_AGENT_OF_A),
    "answers.template": ("/espace/{org_a}/modeles-de-reponse/{answer_template}", None,
                         POST_AGENT_OF_A),
    "answers.labels": ("/espace/{org_a}/statuts-de-reponse", AGENT_OF_A, POST_AGENT_OF_A),
    "answers.delete_label": ("/espace/{org_a}/statuts-de-reponse/{answer_label}", None,
                             POST_AGENT_OF_A),
    "topics.duplicates": ("/defis/{challenge}/doublons", AGENT_OF_A, None),
    "topics.resolve_duplicate": ("/defis/{challenge}/doublons/{candidate}", None,
                                 POST_AGENT_OF_A),
    "labs.index": ("/labos", PUBLIC, None),
    "labs.lab": ("/labos/{lab}", PUBLIC, None),
    "labs.new_request": ("/labos/{lab}/solliciter", LAB_CALLER, POST_LAB_CALLER),
    "labs.request_page": ("/labos/demandes/{lab_request}", LAB_PARTY, POST_REQUESTER),
    "labs.triage": ("/labos/demandes/{lab_request}/reponse", None,
                    (LOGIN, 404, 403, OK, OK, OK)),
    "labs.queue": ("/labos/{lab}/demandes", AGENT_OF_A, None),
    "labs.my_requests": ("/labos/mes-demandes", SIGNED_IN, None),
    "labs.partners": ("/labos/{lab}/partenaires", ADMIN_OF_A, POST_ADMIN_OF_A),
    "labs.remove_partner": ("/labos/{lab}/partenaires/{org_b_id}/retirer", None,
                            POST_ADMIN_OF_A),
    "labs.new_project": ("/labos/{lab}/projets/nouveau", AGENT_OF_A, POST_AGENT_OF_A),
    "labs.project": ("/projets/{project}", PUBLIC, None),
    "labs.edit_project": ("/projets/{project}/modifier", AGENT_OF_A, POST_AGENT_OF_A),
    "labs.stage": ("/projets/{project}/etape", None, POST_AGENT_OF_A),
    "labs.tell": ("/projets/{project}/journal", None, POST_AGENT_OF_A),
    "labs.add_link": ("/projets/{project}/liens", None, POST_AGENT_OF_A),
    "labs.remove_link": ("/projets/{project}/liens/retirer", None, POST_AGENT_OF_A),
    "labs.calls": ("/appels", PUBLIC, None),
    "labs.call": ("/appels/{call}", PUBLIC, None),
    "labs.new_call": ("/labos/{lab}/appels/nouveau", AGENT_OF_A, POST_AGENT_OF_A),
    "labs.edit_call": ("/appels/{call}/modifier", AGENT_OF_A, POST_AGENT_OF_A),
    "labs.apply": ("/appels/{call}/candidater", LAB_CALLER, POST_LAB_CALLER),
    "labs.application": ("/candidatures/{application}", LAB_PARTY, POST_REQUESTER),
    "labs.withdraw": ("/candidatures/{application}/retirer", None, POST_REQUESTER),
    "labs.score": ("/candidatures/{application}/note", None,
                   (LOGIN, 404, 403, 403, 403, 403)),  # jurors only: none here
    "labs.decide": ("/candidatures/{application}/decision", None,
                    (LOGIN, 404, 403, OK, OK, OK)),
    "labs.jury": ("/appels/{call}/jury", AGENT_OF_A, POST_AGENT_OF_A),
    "labs.remove_juror": ("/appels/{call}/jury/{juror}/retirer", None, POST_AGENT_OF_A),
    "labs.publish_decisions": ("/appels/{call}/publier-decisions", None, POST_AGENT_OF_A),
    "labs.activity_report": ("/labos/{lab}/activite", PUBLIC, None),
    "labs.activity_pdf": ("/labos/{lab}/activite.pdf", PUBLIC, None),
    "labs.network": ("/labos/reseau", PUBLIC, None),
    "labs.catalogue": ("/solutions", PUBLIC, None),
    "labs.solution": ("/solutions/{solution}", PUBLIC, None),
    # the brief's team (org_a) publishes it; agent_b (org_b, partner of the lab) reuses it
    "labs.publish_solution": ("/cahiers/{brief}/catalogue", AGENT_OF_A, POST_AGENT_OF_A),
    "labs.reuse": ("/solutions/{solution}/essaimer", (LOGIN, 403, 200, 200, 200, 403),
                   (LOGIN, 403, OK, OK, OK, 403)),
    "api_tokens.index": ("/espace/{org_a}/jetons-api", ADMIN_OF_A, POST_ADMIN_OF_A),
    "api_tokens.revoke": ("/espace/{org_a}/jetons-api/{token}/revoquer", None, POST_ADMIN_OF_A),
}


@pytest.fixture
def world():
    from consult.briefs.models import BriefStatus
    from consult.briefs.operations import change_status
    from consult.organisations.models import Invitation

    org_a, org_b = OrganisationFactory(), OrganisationFactory()
    people = {
        "citizen": UserFactory(), "agent_b": agent_of(org_b), "agent_a": agent_of(org_a),
        "admin_a": agent_of(org_a, MembershipRole.ADMIN),
        "platform": UserFactory(is_platform_admin=True),
    }
    owner = UserFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[org_a])
    idea = IdeaFactory(challenge=challenge, author=owner)
    duplicate = IdeaFactory(challenge=challenge, author=owner)
    comment = Comment(idea_id=idea.id, author=owner, body="Un commentaire")
    db.session.add(comment)
    brief = brief_from([idea], org_a, owner, title="Cahier", problem_statement="P")
    change_status(owner, brief, BriefStatus.PUBLISHED)
    from datetime import timedelta

    from consult.db import utcnow
    from consult.events.models import Event, Programme, Registration

    soon = utcnow() + timedelta(days=3)
    session = Event(brief_id=brief.id, kind="user_test", title="Atelier", starts_at=soon,
                    ends_at=soon + timedelta(hours=2), format="online",
                    online_url="https://visio.example", capacity=5, organisation_id=org_a.id)
    event = Event(kind="workshop", title="Atelier des familles", starts_at=soon,
                  ends_at=soon + timedelta(hours=2), format="online",
                  online_url="https://visio.example", capacity=5, organisation_id=org_a.id,
                  confirmed_count=1)
    programme = Programme(slug="mois-innovation", title="Mois de l’innovation",
                          organisation_id=org_a.id, starts_on=soon.date(),
                          ends_on=(soon + timedelta(days=20)).date())
    db.session.add_all([session, event, programme])
    db.session.flush()
    submitted = Event(kind="training", title="Formation proposée", starts_at=soon,
                      ends_at=soon + timedelta(hours=2), format="online",
                      online_url="https://visio.example", capacity=5,
                      organisation_id=org_b.id, programme_id=programme.id, review="submitted")
    registration = Registration(event_id=event.id, user_id=owner.id, status="confirmed")
    db.session.add_all([submitted, registration])
    invitation = Invitation(organisation=org_a, email="x@exemple.fr", role=MembershipRole.AGENT,
                            token_hash="0" * 64, expires_at=utcnow() + timedelta(days=1))
    db.session.add(invitation)
    from consult.api.models import ApiScope
    from consult.api.tokens import create_token

    token, _secret = create_token(people["admin_a"], org_a, "Site", {ApiScope.ANSWERS})
    from consult.challenges.models import CoOwnershipProposal

    proposal = CoOwnershipProposal(challenge=ChallengeFactory(organisations=[org_b]),
                                   organisation=org_a)
    db.session.add(proposal)
    from consult.identity.models import MembershipRequest

    membership_request = MembershipRequest(organisation=org_a, user=owner,
                                           provider="proconnect", matched_by="siret")
    db.session.add(membership_request)
    from consult.notifications.models import Notification

    notification = Notification(user_id=owner.id, kind="results", challenge_id=challenge.id)
    db.session.add(notification)
    survey_phase, question, text_answer = _survey(challenge, owner)
    lab_values = _lab(people, org_b)
    from consult.topics.models import Topic, TopicIdea, TopicRun

    run = TopicRun(challenge_id=challenge.id, status="done")
    db.session.add(run)
    db.session.flush()
    topic = Topic(challenge_id=challenge.id, run_id=run.id, label="Accueil", size=1)
    db.session.add(topic)
    db.session.flush()
    db.session.add(TopicIdea(topic_id=topic.id, idea_id=idea.id, weight=1.0))
    from consult.topics.models import DuplicateCandidate

    candidate = DuplicateCandidate(challenge_id=challenge.id, run_id=run.id,
                                   idea_a_id=min(idea.id, duplicate.id),
                                   idea_b_id=max(idea.id, duplicate.id), similarity=0.9)
    db.session.add(candidate)
    from consult.topics.models import Summary

    summary = Summary(challenge_id=challenge.id, kind="extractive")
    db.session.add(summary)
    from consult.opinions.models import OpinionRequest

    opinion = OpinionRequest(idea_id=idea.id, challenge_id=challenge.id,
                             asked_organisation_id=org_b.id, question="Conforme ?",
                             deadline=(utcnow() + timedelta(days=5)).date())
    db.session.add(opinion)
    from consult.answers.models import AnswerLabel, AnswerTemplate

    answer_template = AnswerTemplate(organisation_id=org_a.id, name="Étude",
                                     status="under_study", body="Merci.")
    answer_label = AnswerLabel(organisation_id=org_a.id, name="Transmise",
                               status="under_study")
    db.session.add_all([answer_template, answer_label])
    db.session.flush()
    values = {"org_a_id": org_a.id, "challenge_id": challenge.id, "token": token.id,
              "org_a": org_a.slug, "challenge": challenge.slug, "idea": idea.id,
              "duplicate": duplicate.id, "comment": comment.id, "brief": brief.id,
              "membership": people["agent_a"].membership_in(org_a.id).id,
              "invitation": invitation.id, "session": session.id, "proposal": proposal.id,
              "notification": notification.id, "survey_phase": survey_phase.id,
              "question": question.id, "text_answer": text_answer.id, "event": event.id,
              "programme": programme.slug, "programme_id": programme.id,
              "submitted": submitted.id, "membership_request": membership_request.id,
              "registration": registration.id, "org_b_id": org_b.id, "topic": topic.id,
              "candidate": candidate.id, "summary": summary.id,
              "opinion": opinion.id, "answer_template": answer_template.id,
              "answer_label": answer_label.id,
              **lab_values}
    return people, values


def _lab(people, partner):
    """A lab where agent_a works and admin_a is administrator; ``partner`` calls on it
    (a request) and applies to its open call."""
    from datetime import timedelta

    from sqlalchemy import select

    from consult.db import utcnow
    from consult.labs import calls
    from consult.labs import operations as lab_ops
    from consult.organisations.models import Membership, OrganisationKind

    lab = OrganisationFactory(kind=OrganisationKind.LABORATOIRE)
    db.session.add_all([Membership(user=people["agent_a"], organisation=lab,
                                   role=MembershipRole.AGENT),
                        Membership(user=people["admin_a"], organisation=lab,
                                   role=MembershipRole.ADMIN)])
    db.session.flush()
    lab_ops.add_partner(people["admin_a"], lab, partner)
    request = lab_ops.submit_request(people["agent_b"], lab, partner, lab_ops.RequestDraft(
        service="Accueil", users_concerned="Les familles",
        problem="Les familles attendent trop longtemps au guichet."))
    project = lab_ops.open_project(people["agent_a"], lab, title="Accueil des familles")
    call = calls.publish_call(people["agent_a"], lab, calls.CallDraft(
        title="Appel 2027", opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=30), eligibility="Tous", criteria="Impact"))
    juror = UserFactory()  # none of the roles: a juror reads that call's applications
    calls.name_juror(people["agent_a"], call, juror.email)
    application = calls.submit_application(people["agent_b"], call, partner,
                                           calls.ApplicationDraft(
                                               title="Un accueil sans file",
                                               summary="Un accueil pensé avec les habitants."))
    from consult.briefs.models import Brief, BriefStatus
    from consult.labs.models import Solution

    brief = db.session.scalar(select(Brief).order_by(Brief.id))
    brief.status = BriefStatus.ADOPTED  # (its way there is the briefs' tests' subject)
    solution = Solution(brief_id=brief.id, organisation_id=brief.organisation_id,
                        title="Une solution", summary="Ce qu'elle résout.",
                        assessment="Ce qui a marché.")
    db.session.add(solution)
    db.session.flush()
    return {"lab": lab.slug, "lab_request": request.id, "project": project.id,
            "call": call.id, "application": application.id, "solution": solution.id,
            "juror": juror.id}


def _survey(challenge, respondent):
    """A survey phase beside the vote, with a question and a free text already given (so
    that its questions no longer change: edits are refused, answered 303)."""
    from datetime import timedelta

    from consult.challenges.models import ChallengePhase
    from consult.challenges.phases import Phase
    from consult.db import utcnow
    from consult.surveys.models import Answer, Choice, Question, QuestionKind, Response, Survey

    now = utcnow()
    phase = ChallengePhase(kind=Phase.SURVEY, starts_at=now - timedelta(days=1),
                           ends_at=now + timedelta(days=5), title="", description="",
                           settings={})
    challenge.phases.append(phase)
    db.session.flush()
    question = Question(kind=QuestionKind.SINGLE, label="Venez-vous en mairie ?", position=0,
                        choices=[Choice(label="Oui", position=0),
                                 Choice(label="Non", position=1)])
    text = Question(kind=QuestionKind.LONG_TEXT, label="Racontez", position=1, required=False)
    survey = Survey(phase_id=phase.id, challenge_id=challenge.id, questions=[question, text],
                    responses_count=1)
    db.session.add(survey)
    db.session.flush()
    response = Response(survey_id=survey.id, respondent_key="x" * 64, user_id=respondent.id)
    db.session.add(response)
    db.session.flush()
    answer = Answer(response_id=response.id, question_id=text.id, text="Une longue attente.")
    db.session.add(answer)
    return phase, question, answer


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ROUTES.keys() == set(), "add the new routes to ROUTES"
    assert ROUTES.keys() - endpoints == set(), "remove routes that no longer exist"
    for rule in app.url_map.iter_rules():
        get, post = ROUTES[rule.endpoint][1:]
        assert ("GET" in rule.methods) == (get is not None), rule.endpoint
        assert ("POST" in rule.methods) == (post is not None), rule.endpoint


def _matches(expected, response) -> bool:
    if expected == OK:
        return response.status_code not in (401, 403, 404, 405) and not (
            response.status_code == 302 and "/connexion" in response.headers["Location"])
    if expected == LOGIN:
        return response.status_code == 302 and "/connexion" in response.headers["Location"]
    return response.status_code == expected


@pytest.mark.slow  # every route × six roles: in `make test`, not in the inner loop
def test_each_role_gets_the_expected_answer_on_every_route(app, world):
    people, values = world
    browsers = {}
    for role in ROLES:
        browsers[role] = app.test_client()
        if role != "anonymous":
            login(browsers[role], people[role])
    failures, checked = [], 0
    for _endpoint, (template, get, post) in sorted(ROUTES.items()):
        path = template.format(**values)
        for method, policy in (("GET", get), ("POST", post)):
            if policy is None:
                continue
            for role, expected in zip(ROLES, policy, strict=True):
                browser = browsers[role]
                token = csrf_token(browser, "/") if method == "POST" else None
                savepoint = db.session.begin_nested()
                db.session.connection()  # emit the SAVEPOINT now (begin_nested is lazy)
                try:
                    if method == "GET":
                        response = browser.get(path)
                    else:
                        response = browser.post(path, data={"csrf_token": token})
                finally:
                    savepoint.rollback()
                    db.session.expire_all()
                checked += 1
                if role != "anonymous":  # a logout case must not sign the browser out
                    login(browser, people[role])
                if not _matches(expected, response):
                    failures.append(f"{method} {path} as {role}: {response.status_code}, "
                                    f"expected {expected}")
    assert not failures, "\n".join(failures)
    assert checked > 250


def test_every_post_route_refuses_a_missing_csrf_token(app, world):
    people, values = world
    browser = app.test_client()
    login(browser, people["platform"])
    for endpoint, (template, _get, post) in ROUTES.items():
        if post is None:
            continue
        savepoint = db.session.begin_nested()
        db.session.connection()
        try:
            response = browser.post(template.format(**values), data={})
        finally:
            savepoint.rollback()
        assert response.status_code == (401 if endpoint.startswith("api.") else 400), endpoint


@pytest.mark.slow
def test_no_post_route_keeps_what_it_wrote_before_refusing(app, world, monkeypatch):
    """Issue 16: whatever the answer of a refused POST (redirect, re-rendered form, 409),
    what the operation wrote before refusing does not stay. Every refusal made during
    these requests first writes a canary (a mail in the outbox, the side effect that
    must never leak); after each request, the canary of a refusal must be gone —
    undone with the request, or with the savepoint of ``refusable()``."""
    from sqlalchemy import func, select

    from consult.core import errors_domain
    from consult.core.outbox import OutboxMessage

    people, values = world
    original = errors_domain.Refused.__init__
    refusals: list[str] = []

    def refuse_after_writing(self, message, field=None):
        db.session.add(OutboxMessage(to_address="canary@exemple.fr", subject="canary",
                                     body_text=message, kind="canary"))
        db.session.flush()
        refusals.append(message)
        original(self, message, field)

    monkeypatch.setattr(errors_domain.Refused, "__init__", refuse_after_writing)
    canaries = select(func.count()).where(OutboxMessage.kind == "canary")
    browsers = {role: app.test_client() for role in ROLES}
    for role in ROLES[1:]:
        login(browsers[role], people[role])
    leaks, refused_routes = [], set()
    for endpoint, (template, _get, post) in sorted(ROUTES.items()):
        if post is None or endpoint.startswith("api."):
            continue
        for role in ROLES:
            token = csrf_token(browsers[role], "/")
            savepoint = db.session.begin_nested()
            db.session.connection()
            before = len(refusals)
            try:
                response = browsers[role].post(template.format(**values),
                                               data={"csrf_token": token})
                db.session.expire_all()
                left = db.session.scalar(canaries)
            finally:
                savepoint.rollback()
            if len(refusals) > before:
                refused_routes.add(endpoint)
                if left:
                    leaks.append(f"{endpoint} as {role}: {response.status_code} kept "
                                 f"{left} write(s) after « {refusals[-1]} »")
            if role != "anonymous":
                login(browsers[role], people[role])
    assert not leaks, "\n".join(leaks)
    assert len(refused_routes) >= 7, sorted(refused_routes)  # the walk does reach refusals
