import csv
import io

from sqlalchemy import func, select

from consult.audit.models import ActionLog
from consult.challenges.models import CharterRule, ModerationMode
from consult.comments.models import Comment, CommentStatus, Report
from consult.db import db
from consult.ideas.models import AnswerStatus, IdeaCredit, IdeaStatus, Support
from consult.moderation import backlog
from consult.moderation.operations import ensure_charter
from consult.notifications.models import Notification
from consult.organisations.models import MembershipRole
from tests.conftest import login, mails_to, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)


def setup(phase="supports", **kwargs):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase=phase, organisations=[organisation], **kwargs)
    return organisation, challenge, agent_of(organisation)


def decide(client, idea, **data):
    payload = {"form": "decision", "d-action": "approve", "d-rule": "", "d-reason": "",
               "d-message": ""}
    payload.update({f"d-{k}": v for k, v in data.items()})
    return post_form(client, f"/moderation/idees/{idea.id}", payload)


def kinds_for(user):
    return [n.kind for n in db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id))]


def test_pre_moderated_idea_waits_then_is_approved(client):
    _, challenge, agent = setup(phase="ideas", moderation_mode=ModerationMode.PRE)
    author = UserFactory(email="auteur@exemple.fr")
    idea = IdeaFactory(challenge=challenge, author=author, status=IdeaStatus.PENDING,
                       published_at=None)
    login(client, agent)
    queue = client.get("/moderation").text
    assert idea.title in queue and "En attente de publication" in queue
    assert decide(client, idea, action="approve").status_code == 302
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PUBLISHED and idea.published_at
    db.session.refresh(challenge)
    assert challenge.ideas_count == 1
    assert kinds_for(author) == ["idea_approved"]
    [mail] = mails_to("auteur@exemple.fr", "moderation/idea_approved")
    assert "a été relue et publiée" in mail.body_text and "<p>" in mail.body_html
    entry = db.session.scalar(select(ActionLog).where(ActionLog.action == "idea.approve"))
    assert entry.actor_id == agent.id and entry.challenge_id == challenge.id


def test_reject_cites_the_charter_and_tells_the_author_in_their_language(client):
    _, challenge, agent = setup()
    author = UserFactory(email="author@example.org", locale="en")
    idea = IdeaFactory(challenge=challenge, author=author)
    rule = ensure_charter(challenge)[2]
    login(client, agent)
    response = decide(client, idea, action="reject", rule="")
    assert response.status_code == 422 and "Choisissez la règle de la charte" in response.text
    decide(client, idea, action="reject", rule=str(rule.id), message="Merci de reformuler.")
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.REJECTED and idea.rejection_rule_id == rule.id
    [mail] = mails_to("author@example.org", "moderation/idea_rejected")
    assert "was not published" in mail.body_text and "Merci de reformuler." in mail.body_text
    page = client.application.test_client().get(f"/defis/{challenge.slug}").text
    assert f"{rule.label} : 1" in page  # public figures per charter rule


def test_a_rule_of_another_challenge_is_refused(client):
    _, challenge, agent = setup()
    other_rule = ensure_charter(ChallengeFactory())[0]
    idea = IdeaFactory(challenge=challenge)
    login(client, agent)
    response = decide(client, idea, action="reject", rule=str(other_rule.id))
    assert response.status_code == 422
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PUBLISHED


def test_hide_restore_correct_title_and_theme(client):
    from tests.factories import ThemeFactory

    _, challenge, agent = setup()
    theme = ThemeFactory(challenge=challenge, name="Accueil")
    author = UserFactory()
    idea = IdeaFactory(challenge=challenge, author=author, title="titre pas clair")
    login(client, agent)
    assert decide(client, idea, action="hide", reason="").status_code == 422
    decide(client, idea, action="hide", reason="Propos à vérifier")
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.HIDDEN
    decide(client, idea, action="restore", reason="Vérifié")
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PUBLISHED
    post_form(client, f"/moderation/idees/{idea.id}", {
        "form": "title", "ti-title": "Un titre plus clair", "ti-note": "Pour la lisibilité"})
    db.session.refresh(idea)
    assert idea.title == "Un titre plus clair"
    entry = db.session.scalar(select(ActionLog).where(ActionLog.action == "idea.correct_title"))
    assert entry.details == {"old": "titre pas clair", "new": "Un titre plus clair"}
    post_form(client, f"/moderation/idees/{idea.id}", {"form": "theme", "t-theme": str(theme.id)})
    db.session.refresh(idea)
    assert idea.theme_id == theme.id
    assert kinds_for(author) == ["idea_hidden", "idea_restored", "title_corrected",
                                 "theme_assigned"]


def test_merge_duplicates_credits_the_author_and_lets_supporters_move(client, app):
    _, challenge, agent = setup(supports_per_person=2)
    kept = IdeaFactory(challenge=challenge, title="Rappel par SMS")
    duplicate_author = UserFactory(display_name="Auteur du doublon")
    duplicate = IdeaFactory(challenge=challenge, title="Un SMS de rappel",
                            author=duplicate_author)
    supporter = UserFactory()
    supporter_browser = app.test_client()
    login(supporter_browser, supporter)
    post_form(supporter_browser, f"/idees/{duplicate.id}/soutenir")
    login(client, agent)
    post_form(client, f"/moderation/idees/{duplicate.id}", {"form": "merge", "m-kept": kept.id})
    db.session.refresh(duplicate)
    assert duplicate.status == IdeaStatus.MERGED and duplicate.merged_into_id == kept.id
    assert db.session.scalar(select(IdeaCredit.user_id)) == duplicate_author.id
    # supports were not moved silently
    db.session.refresh(kept)
    assert kept.supports_count == 0
    assert kinds_for(supporter) == ["support_can_move"]
    page = supporter_browser.get(f"/idees/{kept.id}").text
    assert "Auteur du doublon" in page and "Déplacer mon soutien ici" in page
    response = post_form(supporter_browser,
                         f"/idees/{kept.id}/deplacer-soutien/{duplicate.id}")
    assert response.status_code == 302
    db.session.refresh(kept)
    db.session.refresh(duplicate)
    assert kept.supports_count == 1 and duplicate.supports_count == 0
    assert db.session.scalar(select(func.count(Support.id))) == 1
    from consult.integrity import run_checks

    assert run_checks() == []


def test_official_answer_reaches_author_supporters_and_followers_once(client, app):
    _, challenge, agent = setup()
    author = UserFactory(email="a@exemple.fr")
    idea = IdeaFactory(challenge=challenge, author=author)
    supporter, follower = UserFactory(), UserFactory()
    browser = app.test_client()
    login(browser, supporter)
    post_form(browser, f"/idees/{idea.id}/soutenir")
    post_form(browser, f"/idees/{idea.id}/suivre", {"follow": "1"})  # supporter follows too
    from consult.notifications.operations import follow

    follow(follower, idea=idea)
    login(client, agent)
    response = post_form(client, f"/moderation/idees/{idea.id}", {
        "form": "answer", "a-status": "not_retained", "a-text": ""})
    assert response.status_code == 422  # a reason is needed
    post_form(client, f"/moderation/idees/{idea.id}", {
        "form": "answer", "a-status": "selected", "a-text": "Nous la testons."})
    db.session.refresh(idea)
    assert idea.answer_status == AnswerStatus.SELECTED
    for person in (author, supporter, follower):
        assert kinds_for(person).count("official_answer") == 1, person
    assert mails_to("a@exemple.fr", "moderation/official_answer")
    assert "Nous la testons." in client.get(f"/idees/{idea.id}").text


def test_reports_are_grouped_and_bulk_hide_and_keep(client, app):
    _, challenge, agent = setup(auto_hide_threshold=10)
    idea = IdeaFactory(challenge=challenge, title="Idée signalée")
    comment = Comment(idea_id=idea.id, author=UserFactory(), body="Un commentaire vif")
    db.session.add(comment)
    idea.comments_count = 1
    db.session.flush()
    for reason in ("abuse", "abuse", "spam"):
        reporter = app.test_client()
        login(reporter, UserFactory())
        post_form(reporter, f"/idees/{idea.id}/signaler", {"reason": reason})
        post_form(reporter, f"/commentaires/{comment.id}/signaler", {"reason": "abuse"})
    login(client, agent)
    page = client.get("/moderation?type=reported").text
    assert "3 signalements" in page and "Propos injurieux, haineux ou harcèlement (2)" in page
    detail = client.get(f"/moderation/idees/{idea.id}").text
    assert "3 signalements" in detail and "Publicité ou spam" in detail
    response = post_form(client, "/moderation/lot", {
        "items": [f"comment:{comment.id}"], "d-action": "hide", "action": "hide",
        "reason": "Insultes"})
    assert response.status_code == 302
    db.session.refresh(comment)
    assert comment.status == CommentStatus.HIDDEN
    post_form(client, "/moderation/lot", {"items": [f"idea:{idea.id}"], "action": "approve"})
    unresolved = db.session.scalar(select(func.count(Report.id)).where(
        Report.resolved_at.is_(None)))
    assert unresolved == 0
    assert "Rien à traiter" in client.get("/moderation").text


def test_bulk_reject_needs_a_chosen_challenge_and_rule(client):
    _, challenge, agent = setup(phase="ideas", moderation_mode=ModerationMode.PRE)
    ideas = [IdeaFactory(challenge=challenge, status=IdeaStatus.PENDING, published_at=None)
             for _ in range(3)]
    rule = ensure_charter(challenge)[3]
    login(client, agent)
    post_form(client, "/moderation/lot", {"items": [f"idea:{i.id}" for i in ideas],
                                          "action": "reject", "defi": challenge.id,
                                          "rule": str(rule.id)})
    for idea in ideas:
        db.session.refresh(idea)
        assert idea.status == IdeaStatus.REJECTED


def test_settings_threshold_and_mode(client):
    _, challenge, agent = setup()
    login(client, agent)
    response = post_form(client, f"/moderation/defis/{challenge.slug}",
                         {"mode": "pre", "threshold": "0"})
    assert response.status_code == 422
    post_form(client, f"/moderation/defis/{challenge.slug}", {"mode": "pre", "threshold": "2"})
    db.session.refresh(challenge)
    assert challenge.moderation_mode == ModerationMode.PRE and challenge.auto_hide_threshold == 2


def test_log_is_exported_as_csv_with_formulas_neutralised(client):
    _, challenge, agent = setup()
    idea = IdeaFactory(challenge=challenge)
    login(client, agent)
    decide(client, idea, action="hide", reason="=HYPERLINK(\"http://evil\")")
    response = client.get(f"/moderation/defis/{challenge.slug}/journal?format=csv")
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith('"date","agent","action"') and "\r\n" in body
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][2] == "Idée masquée" and rows[1][3] == "idea.hide"
    assert rows[1][6].startswith("'=")
    assert client.get(f"/moderation/defis/{challenge.slug}/journal").status_code == 200


def test_agents_only_reach_their_own_organisations_challenges(client, app):
    _, challenge, agent = setup()
    idea = IdeaFactory(challenge=challenge, title="Idée de l'organisation A")
    other_agent = agent_of(OrganisationFactory())
    org_admin = agent_of(challenge.organisations[0], MembershipRole.ADMIN)
    citizen = UserFactory()
    cases = [(citizen, 403, 403), (other_agent, 200, 403), (agent, 200, 200),
             (org_admin, 200, 200), (UserFactory(is_platform_admin=True), 200, 200)]
    for user, queue_status, idea_status in cases:
        browser = app.test_client()
        login(browser, user)
        queue = browser.get("/moderation")
        assert queue.status_code == queue_status
        if queue_status == 200 and user is other_agent:
            assert idea.title not in queue.text
        assert browser.get(f"/moderation/idees/{idea.id}").status_code == idea_status
        assert post_form(browser, f"/moderation/idees/{idea.id}", {
            "form": "decision", "d-action": "hide", "d-reason": "x"}).status_code in (
            (302,) if idea_status == 200 else (403,))
        if idea_status == 200:
            db.session.refresh(idea)
            if idea.status == IdeaStatus.HIDDEN:
                decide(browser, idea, action="restore", reason="ok")
    # IDOR: another organisation's agent cannot act through the bulk form either
    browser = app.test_client()
    login(browser, other_agent)
    post_form(browser, "/moderation/lot", {"items": [f"idea:{idea.id}"], "action": "hide",
                                           "reason": "x"})
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PUBLISHED
    assert db.session.scalar(select(CharterRule).limit(1)) is not None


def test_the_journal_speaks_french_and_the_kept_authors_hear_why(client, app):
    """« Idée approuvée » linked to the idea, not « idea.approve » / « ideas n° 17 »; the
    message written when keeping a reported idea reaches its author (issue 14)."""
    from sqlalchemy import select

    from consult.comments.models import ReportReason
    from consult.comments.operations import report
    from consult.core.outbox import OutboxMessage
    from consult.moderation.operations import approve_idea
    from consult.notifications.models import Notification
    from tests.factories import ChallengeFactory, IdeaFactory, OrganisationFactory, UserFactory
    from tests.factories import agent_of as agent_for

    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    idea = IdeaFactory(challenge=challenge)
    report(UserFactory(), idea, ReportReason.OFF_TOPIC, "")
    agent = agent_for(organisation)
    approve_idea(agent, idea, "Le sujet est bien celui du défi.")
    db.session.flush()
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == idea.author_id)) == "idea_kept"
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.to_address == idea.author.email))
    assert "Le sujet est bien celui du défi." in mail.body_text
    login(client, agent)
    page = client.get(f"/moderation/defis/{challenge.slug}/journal").text
    assert "Idée approuvée" in page and "idea.approve" not in page
    assert f'href="/moderation/idees/{idea.id}">Idée n° {idea.id}</a>' in page


def test_repeated_links_name_what_they_act_on(client):
    """« Examiner et décider » on every card told apart for screen readers (issue 15)."""
    import re

    from tests.factories import ChallengeFactory, IdeaFactory, OrganisationFactory
    from tests.factories import agent_of as agent_for

    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation],
                                 moderation_mode=ModerationMode.PRE)
    for title in ("Des bancs", "Des horaires"):
        IdeaFactory(challenge=challenge, title=title, status=IdeaStatus.PENDING,
                    published_at=None)
    login(client, agent_for(organisation))
    page = client.get(f"/moderation?defi={challenge.id}").text
    names = [re.sub(r"<[^>]+>", "", m) for m in re.findall(
        r'<a href="/moderation/idees/\d+">(.*?)</a>', page)]
    assert len(names) == 2 and len(set(names)) == 2, names


def test_an_agent_of_many_challenges_finds_their_settings_folded_away(client):
    """A few challenges' settings and logs are linked above the queue; past three they
    fold into one disclosure that says how many (the queue stays at the top)."""
    organisation, first, agent = setup()
    login(client, agent)
    page = client.get("/moderation").text
    assert f"Réglages et journal : {first.title}" in page and "<details" not in page
    for _ in range(11):
        ChallengeFactory(phase="supports", organisations=[organisation])
    db.session.commit()
    page = client.get("/moderation").text
    assert "<summary>Réglages et journaux de modération de vos 12 défis</summary>" in page
    assert page.count("Réglages et journal : ") == 12


def test_a_long_queue_is_paged_in_order_and_every_item_is_reached(client, app):
    """60 pending ideas and a reported comment: the total is the whole queue, each page
    is 25 items in the order asked, the last item is reachable, the filters are kept."""
    from datetime import timedelta

    from consult.db import utcnow

    _, challenge, agent = setup(auto_hide_threshold=10)
    start = utcnow() - timedelta(days=30)
    pending = [IdeaFactory(challenge=challenge, status=IdeaStatus.PENDING, published_at=None,
                           title=f"Proposition n° {n:02d}", created_at=start + timedelta(hours=n))
               for n in range(60)]
    idea = IdeaFactory(challenge=challenge, title="Idée publiée")
    comment = Comment(idea_id=idea.id, author=UserFactory(), body="Un commentaire signalé")
    db.session.add(comment)
    db.session.flush()
    reporter = app.test_client()
    login(reporter, UserFactory())
    post_form(reporter, f"/commentaires/{comment.id}/signaler", {"reason": "abuse"})
    login(client, agent)

    first = client.get("/moderation").text
    assert "61 éléments à traiter" in first and "1 à 25 affichés" in first
    assert "Page 1 sur 3" in first and "Un commentaire signalé" in first  # the newest
    assert "Proposition n° 59" in first and "Proposition n° 36" in first
    assert "Proposition n° 35" not in first
    last = client.get("/moderation?page=3").text
    assert "51 à 61 affichés" in last and "Proposition n° 00" in last
    assert "Proposition n° 10" in last and "Proposition n° 11" not in last
    oldest = client.get(f"/moderation?ordre=anciens&type=pending&defi={challenge.id}").text
    assert "60 éléments à traiter" in oldest and "Un commentaire signalé" not in oldest
    assert "Proposition n° 00" in oldest and "Proposition n° 25" not in oldest
    assert (f'href="/moderation?defi={challenge.id}&amp;type=pending&amp;ordre=anciens&amp;'
            'page=2"') in oldest
    beyond = client.get("/moderation?page=99").text  # beyond the last: the last
    assert "Page 3 sur 3" in beyond and "Proposition n° 00" in beyond
    assert pending  # (every one of them was created)


def test_the_queue_reads_its_items_in_statements_that_do_not_grow_with_them(client):
    """The queue reads what it shows of each item's idea (its author, its challenge's
    title) with the ideas: not each challenge's phases, organisations and themes, nor
    the ideas' themes and territories."""
    from tests.conftest import count_queries

    organisation, challenge, agent = setup()
    others = [ChallengeFactory(phase="supports", organisations=[organisation])
              for _ in range(3)]
    for target in (challenge, *others):
        for n in range(3):
            IdeaFactory(challenge=target, status=IdeaStatus.PENDING, published_at=None,
                        title=f"Proposition à trier {target.id}-{n}")
    db.session.commit()
    login(client, agent)
    statements = count_queries(client, "/moderation")
    page = client.get("/moderation").text
    assert page.count("Proposition à trier ") == 2 * 12 and others[0].title in page
    for target in (challenge, *others):
        IdeaFactory(challenge=target, status=IdeaStatus.PENDING, published_at=None)
    db.session.commit()
    assert count_queries(client, "/moderation") == statements <= 11  # 14 before


def test_a_pending_idea_also_reported_is_one_item_since_it_was_proposed(client):
    """Reported while waiting (its author's page can be reported by an agent of another
    organisation, or it went back to pending): one item in the whole queue, at the time
    it was proposed, with its reports; and it stays among the reported items."""
    from datetime import timedelta

    from consult.comments.models import ReportReason
    from consult.db import utcnow

    _, challenge, agent = setup(auto_hide_threshold=10)
    start = utcnow() - timedelta(days=3)
    waiting = IdeaFactory(challenge=challenge, status=IdeaStatus.PENDING, published_at=None,
                          title="En attente et signalée", created_at=start)
    later = IdeaFactory(challenge=challenge, status=IdeaStatus.PENDING, published_at=None,
                        title="Proposée ensuite", created_at=start + timedelta(days=1))
    for days, reason in ((2, ReportReason.SPAM), (2.5, ReportReason.ABUSE)):
        db.session.add(Report(target_type="idea", target_id=waiting.id,
                              challenge_id=challenge.id, reporter_id=UserFactory().id,
                              reason=reason, created_at=start + timedelta(days=days)))
    backlog.refresh("idea", waiting.id)  # as the report operation does
    login(client, agent)

    page = client.get("/moderation?ordre=anciens").text
    assert "2 éléments à traiter" in page and page.count(f'value="idea:{waiting.id}"') == 1
    assert page.index("En attente et signalée") < page.index("Proposée ensuite")  # proposed first
    assert "2 signalements" in page
    reported = client.get("/moderation?type=reported").text
    assert "1 élément à traiter" in reported and "En attente et signalée" in reported
    assert later.id != waiting.id
