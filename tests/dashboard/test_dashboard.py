from datetime import timedelta

from consult.db import db, utcnow
from consult.ideas.models import AnswerStatus
from tests.conftest import count_queries, login, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)


def test_dashboard_shows_participation_answers_and_delays(client, app):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation],
                                 title="Défi mesuré")
    ideas = [IdeaFactory(challenge=challenge) for _ in range(4)]
    now = utcnow()
    ideas[0].published_at = now - timedelta(days=4)
    ideas[0].answer_status, ideas[0].answered_at = AnswerStatus.UNDER_STUDY, now - timedelta(days=2)
    ideas[1].published_at = now - timedelta(days=5)
    ideas[1].answer_status, ideas[1].answered_at = AnswerStatus.SELECTED, now - timedelta(days=1)
    db.session.flush()
    voter = app.test_client()
    login(voter, UserFactory())
    post_form(voter, f"/idees/{ideas[2].id}/soutenir")
    ChallengeFactory(phase="supports", title="Défi d'une autre organisation")
    login(client, agent_of(organisation))
    page = client.get(f"/espace/{organisation.slug}/tableau-de-bord").text
    assert "50\xa0%" in page  # 2 answered of 4 published (French: no-break space)
    assert "(2 sur 4)" in page
    assert "3,0 j" in page  # median of 2 and 4 days
    assert 'role="img"' in page and "<title id=\"participation-title\">" in page
    assert "Participation par semaine (données du graphique)" in page
    assert "Défi mesuré" in page and "Défi d&#39;une autre organisation" not in page
    rows = page.split("données du graphique)</caption>")[1].split("</table>")[0]
    assert rows.count("<tr>") == 13  # header + 12 weeks
    assert "<td>4</td><td>1</td><td>0</td>" in rows  # this week: 4 ideas, 1 support


def test_the_dashboard_reports_on_ten_challenges_whatever_their_number(client):
    """The representativeness of the ten most recent challenges is shown: only theirs
    is computed (it was computed for every challenge, then all but ten dropped)."""
    organisation = OrganisationFactory()
    agent = agent_of(organisation)

    def published(count: int) -> None:
        for _ in range(count):
            ChallengeFactory(phase="supports", organisations=[organisation])
        db.session.commit()

    published(10)
    login(client, agent)
    url = f"/espace/{organisation.slug}/tableau-de-bord"
    ten = count_queries(client, url)
    published(6)
    assert count_queries(client, url) == ten


def test_chart_escapes_labels():
    from consult.dashboard.chart import line_chart

    svg = str(line_chart("x", "<script>", "desc", ["<b>"], [("<i>", [1])]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
