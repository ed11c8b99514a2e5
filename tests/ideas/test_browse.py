
from consult.db import db
from consult.ideas.queries import IdeaFilters, IdeaSort, ideas_query
from tests.conftest import count_queries, login, post_form
from tests.factories import ChallengeFactory, IdeaFactory, ThemeFactory, UserFactory


def titles(page_html, ideas):
    return [i.title for i in ideas if i.title in page_html]


def test_search_ignores_accents_case_and_word_endings(client):
    challenge = ChallengeFactory(phase="supports")
    wanted = IdeaFactory(challenge=challenge, title="Améliorer l'accueil en préfecture",
                         body="Des chaises et un guichet prioritaire.")
    IdeaFactory(challenge=challenge, title="Des horaires le samedi",
                body="Ouvrir les mairies le samedi matin.")
    for query in ["prefecture ameliorer", "PRÉFECTURES", "améliorations accueil"]:
        page = client.get(f"/defis/{challenge.slug}", query_string={"q": query}).text
        assert wanted.title.replace("'", "&#39;") in page, query
        assert "Des horaires le samedi" not in page, query
    empty = client.get(f"/defis/{challenge.slug}", query_string={"q": "piscine"}).text
    assert "Aucune idée ne correspond à cette recherche." in empty


def test_search_input_with_operators_is_safe(client):
    challenge = ChallengeFactory(phase="supports")
    IdeaFactory(challenge=challenge, title="Une idée")
    for query in ['"', "NEAR(", "a OR", "*", "')--", "😀", "x" * 500]:
        assert client.get(f"/defis/{challenge.slug}", query_string={"q": query}).status_code == 200


def test_random_order_is_stable_for_a_visitor_and_differs_between_visitors():
    challenge = ChallengeFactory(phase="supports")
    ideas = [IdeaFactory(challenge=challenge) for _ in range(30)]
    order = {}
    for seed in (11, 12345):
        query = ideas_query(challenge, IdeaFilters(sort=IdeaSort.RANDOM, seed=seed))
        order[seed] = [i.id for i in db.session.scalars(query)]
    again = [i.id for i in db.session.scalars(
        ideas_query(challenge, IdeaFilters(sort=IdeaSort.RANDOM, seed=11)))]
    assert again == order[11]
    assert order[11] != order[12345]
    assert sorted(order[11]) == sorted(i.id for i in ideas)


def test_random_order_by_default_while_voting(client):
    challenge = ChallengeFactory(phase="supports")
    IdeaFactory(challenge=challenge)
    assert 'value="hasard" selected' in client.get(f"/defis/{challenge.slug}").text
    closed = ChallengeFactory(phase="results")
    assert 'value="soutiens" selected' in client.get(f"/defis/{closed.slug}").text


def test_sorts_filters_and_pagination(client):
    challenge = ChallengeFactory(phase="review")
    theme = ThemeFactory(challenge=challenge, name="Accueil")
    top = IdeaFactory(challenge=challenge, title="La plus soutenue", supports_count=9)
    chatty = IdeaFactory(challenge=challenge, title="La plus commentée", comments_count=5)
    themed = IdeaFactory(challenge=challenge, title="Celle du thème", theme=theme)
    for n in range(25):
        IdeaFactory(challenge=challenge, title=f"Idée de remplissage {n:02d}")
    page = client.get(f"/defis/{challenge.slug}", query_string={"tri": "soutiens"}).text
    assert page.index(top.title) < page.index("Idée de remplissage")
    page = client.get(f"/defis/{challenge.slug}", query_string={"tri": "commentees"}).text
    assert page.index(chatty.title) < page.index("Idée de remplissage")
    page = client.get(f"/defis/{challenge.slug}", query_string={"theme": theme.id}).text
    assert themed.title in page and top.title not in page
    first = client.get(f"/defis/{challenge.slug}", query_string={"tri": "recentes"}).text
    assert "Page 1 sur 2" in first and "page=2" in first
    second = client.get(f"/defis/{challenge.slug}",
                        query_string={"tri": "recentes", "page": 2}).text
    assert "Page 2 sur 2" in second
    assert client.get(f"/defis/{challenge.slug}", query_string={"page": "abc"}).status_code == 200


def test_query_count_does_not_grow_with_the_number_of_ideas(client):
    challenge = ChallengeFactory(phase="supports")
    ThemeFactory(challenge=challenge)
    user = UserFactory()
    login(client, user)
    IdeaFactory(challenge=challenge)
    idea = IdeaFactory(challenge=challenge)
    theme = challenge.themes[0].id if challenge.themes else ""
    urls = [f"/defis/{challenge.slug}", f"/defis/{challenge.slug}?tri=soutiens",
            f"/defis/{challenge.slug}?tri=hasard", f"/defis/{challenge.slug}?q=idee",
            f"/defis/{challenge.slug}?theme={theme}", f"/defis/{challenge.slug}?tri=recentes",
            f"/idees/{idea.id}", "/", "/defis", "/mon-espace"]
    small = {url: count_queries(client, url) for url in urls}
    for _ in range(40):
        IdeaFactory(challenge=challenge, author=UserFactory(), comments_count=1)
    large = {url: count_queries(client, url) for url in urls}
    assert small == large, (small, large)


def test_moderation_queue_query_count_does_not_grow_with_the_number_of_ideas(client):
    from consult.ideas.models import IdeaStatus
    from tests.factories import OrganisationFactory, agent_of

    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    login(client, agent_of(organisation))
    IdeaFactory(challenge=challenge, status=IdeaStatus.PENDING, published_at=None)
    small = count_queries(client, "/moderation")
    for _ in range(30):
        IdeaFactory(challenge=challenge, author=UserFactory(), status=IdeaStatus.PENDING,
                    published_at=None)
    assert count_queries(client, "/moderation") == small


def test_challenge_list_filters(client):
    mine = ChallengeFactory(phase="supports", title="Défi de vote")
    ChallengeFactory(phase="results", title="Défi clos")
    ChallengeFactory(phase="ideas", title="Défi brouillon", published_at=None)
    page = client.get("/defis").text
    assert "Défi de vote" in page and "Défi clos" in page and "Défi brouillon" not in page
    voting = client.get("/defis", query_string={"phase": "supports"}).text
    assert "Défi de vote" in voting and "Défi clos" not in voting
    org = mine.organisations[0]
    by_org = client.get("/defis", query_string={"organisation": org.id}).text
    assert "Défi de vote" in by_org and "Défi clos" not in by_org
    assert client.get("/defis", query_string={"phase": "nimporte"}).status_code == 200
    assert "Défi de vote" in client.get("/").text  # open challenges on the home page


def test_draft_challenge_is_invisible_to_the_public(client):
    draft = ChallengeFactory(phase="ideas", published_at=None)
    assert client.get(f"/defis/{draft.slug}").status_code == 404
    login(client, UserFactory())
    assert post_form(client, f"/defis/{draft.slug}/suivre", {"follow": "1"}).status_code == 404


def test_filter_by_territory_and_by_the_administrations_answer(client):
    from consult.ideas.models import AnswerStatus
    from consult.territories.reference import resolve_territory

    challenge = ChallengeFactory(phase="review")
    cergy = resolve_territory("Cergy")[0]
    here = IdeaFactory(challenge=challenge, title="Idée pour Cergy", territory_id=cergy.id)
    answered = IdeaFactory(challenge=challenge, title="Idée retenue",
                           answer_status=AnswerStatus.SELECTED)
    page = client.get(f"/defis/{challenge.slug}", query_string={"territoire": cergy.id}).text
    assert here.title in page and answered.title not in page
    page = client.get(f"/defis/{challenge.slug}", query_string={"reponse": "selected"}).text
    assert answered.title in page and here.title not in page and "Réponse : Retenue" in page
    page = client.get(f"/defis/{challenge.slug}", query_string={"reponse": "none"}).text
    assert here.title in page and answered.title not in page
