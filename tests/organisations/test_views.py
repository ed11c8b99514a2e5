from sqlalchemy import select

from consult.audit.models import ActionLog
from consult.db import db
from consult.organisations.models import Invitation, Membership, MembershipRole, Organisation
from tests.conftest import link_in, login, mails_to, post_form
from tests.factories import OrganisationFactory, UserFactory, agent_of


def platform_admin():
    return UserFactory(is_platform_admin=True)


def test_platform_admin_creates_an_organisation_and_names_its_administrator(client):
    login(client, platform_admin())
    response = post_form(client, "/admin/organisations", {
        "name": "Commune de Cergy", "kind": "commune", "territory": "Cergy (95)",
        "website": "https://www.cergy.fr", "description": "La ville."})
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.name == "Commune de Cergy"))
    assert organisation.slug == "commune-de-cergy"
    assert organisation.territory.label == "Cergy (95)"

    response = post_form(client, f"/admin/organisations/{organisation.slug}",
                         {"email": "maire.adjointe@cergy.example"})
    assert response.status_code == 302
    [mail] = mails_to("maire.adjointe@cergy.example", "organisations/invitation")
    assert "Commune de Cergy" in mail.subject
    invitation = db.session.scalar(select(Invitation))
    assert invitation.role == MembershipRole.ADMIN
    actions = {e.action for e in db.session.scalars(select(ActionLog))}
    assert {"organisation.create", "invitation.create"} <= actions


def test_every_kind_of_organisation_can_be_created(client):
    login(client, platform_admin())
    kinds = ["ministere", "service_etat", "operateur", "region", "departement", "commune",
             "laboratoire", "association"]
    for kind in kinds:
        assert post_form(client, "/admin/organisations",
                         {"name": f"Organisation {kind}", "kind": kind}).status_code == 302
    assert {o.kind.value for o in db.session.scalars(select(Organisation))} >= set(kinds)


def test_organisation_form_errors_keep_input(client):
    login(client, platform_admin())
    response = post_form(client, "/admin/organisations", {
        "name": "", "kind": "inconnu", "website": "pas une url", "description": "Texte gardé"})
    assert response.status_code == 422
    assert "Texte gardé" in response.text and 'value="pas une url"' in response.text
    assert db.session.scalar(select(Organisation)) is None


def test_invited_agent_registers_through_the_link_and_joins(client):
    organisation = OrganisationFactory(name="Labo 95")
    admin = agent_of(organisation, MembershipRole.ADMIN)
    login(client, admin)
    post_form(client, f"/espace/{organisation.slug}/membres",
              {"email": "nouvel.agent@exemple.fr", "role": "agent"})
    [mail] = mails_to("nouvel.agent@exemple.fr", "organisations/invitation")
    link = link_in(mail, "/invitations/")

    newcomer = client.application.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "Rejoindre Labo 95" in page.text
    token = link.rsplit("/", 1)[1]
    register_page = newcomer.get(f"/invitations/{token}/inscription")
    assert 'value="nouvel.agent@exemple.fr"' in register_page.text
    response = post_form(newcomer, f"/invitations/{token}/inscription", {
        "display_name": "Nouvel agent", "email": "nouvel.agent@exemple.fr",
        "password": "une phrase assez longue"})
    assert response.status_code == 302
    assert newcomer.get(f"/espace/{organisation.slug}").status_code == 200
    membership = db.session.scalar(select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.role == MembershipRole.AGENT))
    assert membership.user.is_confirmed  # the invitation link proved the address
    assert newcomer.get(link).status_code == 400  # used once


def test_invitation_to_an_existing_account_adds_it_at_once(client):
    organisation = OrganisationFactory()
    admin = agent_of(organisation, MembershipRole.ADMIN)
    existing = UserFactory(email="deja.inscrit@exemple.fr")
    login(client, admin)
    post_form(client, f"/espace/{organisation.slug}/membres",
              {"email": "Deja.Inscrit@exemple.fr", "role": "agent"})
    db.session.refresh(existing)
    assert existing.is_agent_of(organisation.id)
    assert mails_to("deja.inscrit@exemple.fr", "organisations/added")


def test_invitation_for_another_address_is_refused(client):
    organisation = OrganisationFactory()
    admin = agent_of(organisation, MembershipRole.ADMIN)
    login(client, admin)
    post_form(client, f"/espace/{organisation.slug}/membres",
              {"email": "destinataire@exemple.fr", "role": "agent"})
    [mail] = mails_to("destinataire@exemple.fr")
    intruder = client.application.test_client()
    login(intruder, UserFactory(email="intrus@exemple.fr"))
    response = post_form(intruder, link_in(mail, "/invitations/"))
    assert response.status_code == 403
    assert not db.session.scalar(select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.role == MembershipRole.AGENT))


def test_admin_removes_an_agent_but_not_the_last_admin(client):
    organisation = OrganisationFactory()
    admin = agent_of(organisation, MembershipRole.ADMIN)
    agent = agent_of(organisation)
    login(client, admin)
    membership = agent.membership_in(organisation.id)
    response = post_form(client, f"/espace/{organisation.slug}/membres/{membership.id}/retirer")
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(type(agent), agent.id).is_agent_of(organisation.id)
    own = admin.membership_in(organisation.id)
    # an admin cannot remove themself (permission), and the last admin stays
    response = post_form(client, f"/espace/{organisation.slug}/membres/{own.id}/retirer")
    assert response.status_code == 403


def test_revoke_invitation(client):
    organisation = OrganisationFactory()
    login(client, agent_of(organisation, MembershipRole.ADMIN))
    post_form(client, f"/espace/{organisation.slug}/membres",
              {"email": "x@exemple.fr", "role": "agent"})
    invitation = db.session.scalar(select(Invitation))
    response = post_form(client, f"/espace/{organisation.slug}/invitations/{invitation.id}/annuler")
    assert response.status_code == 302
    [mail] = mails_to("x@exemple.fr")
    assert client.application.test_client().get(link_in(mail, "/invitations/")).status_code == 400


def test_access_rules(client):
    """Citizens and agents of another organisation reach nothing of this one."""
    mine = OrganisationFactory()
    other = OrganisationFactory()
    routes = [f"/espace/{mine.slug}", f"/espace/{mine.slug}/membres", "/admin/organisations",
              f"/admin/organisations/{mine.slug}"]
    expected = {
        "citizen": [403, 403, 403, 403],
        "agent_other": [403, 403, 403, 403],
        "agent": [200, 403, 403, 403],
        "admin": [200, 200, 403, 403],
        "platform": [200, 200, 200, 200],
    }
    people = {
        "citizen": UserFactory(), "agent_other": agent_of(other), "agent": agent_of(mine),
        "admin": agent_of(mine, MembershipRole.ADMIN), "platform": platform_admin(),
    }
    anonymous = client.application.test_client()
    assert [anonymous.get(r).status_code for r in routes] == [302] * 4
    for role, user in people.items():
        browser = client.application.test_client()
        login(browser, user)
        assert [browser.get(r).status_code for r in routes] == expected[role], role


def test_agent_of_another_organisation_cannot_remove_members_by_changing_ids(client):
    mine, other = OrganisationFactory(), OrganisationFactory()
    victim = agent_of(other)
    login(client, agent_of(mine, MembershipRole.ADMIN))
    membership = victim.membership_in(other.id)
    # right organisation in the URL, membership of the other one: not found
    assert post_form(client, f"/espace/{mine.slug}/membres/{membership.id}/retirer"
                     ).status_code == 404
    assert post_form(client, f"/espace/{other.slug}/membres/{membership.id}/retirer"
                     ).status_code == 403
