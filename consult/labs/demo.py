"""Demo labs: the département and the prefecture are partners of the demo lab; a
request accepted became a project in co-design (linked to the demo challenge, its brief
and the lab's training), another waits for an answer; a call for projects is open to
the communes; the lab's activity report has something to count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consult.db import db, utcnow
from consult.labs import calls
from consult.labs import operations as ops
from consult.labs.models import LinkKind, ProjectStage


def load_labs(*, admin, citizens, organisations) -> dict[str, int]:
    from consult.briefs.models import Brief
    from consult.events.models import Event
    from consult.organisations.models import Membership

    def agent_of(key):
        query = select(Membership).where(Membership.organisation_id == organisations[key].id)
        return db.session.scalar(query.order_by(Membership.id)).user

    lab, dep, prefecture = organisations["lab"], organisations["dep95"], organisations[
        "prefecture"]
    claire = agent_of("lab")
    for partner in (dep, prefecture):
        ops.add_partner(claire, lab, partner)
    bruno = db.session.scalar(select(Membership).where(
        Membership.organisation_id == dep.id).order_by(Membership.id.desc())).user
    accepted = ops.submit_request(bruno, lab, dep, ops.RequestDraft(
        service="Bourses départementales des collèges",
        users_concerned="Les familles des collégiens boursiers, les secrétariats des collèges",
        problem="Les familles remplissent un dossier papier de six pages ; un dossier sur "
                "trois revient incomplet et la bourse arrive parfois en fin d’année.",
        tried="Un formulaire PDF à remplir sur ordinateur, peu utilisé.",
        to_involve="Des familles, deux collèges, le service des bourses."))
    project = ops.triage(claire, accepted, "accept", title="Des bourses sans dossier papier")
    project.methods = ["interviews", "workshop", "prototype"]
    ops.change_stage(claire, project, ProjectStage.CODESIGN,
                     "Douze entretiens avec des familles et deux ateliers au collège "
                     "Jules-Vallès : les pièces demandées sont la première difficulté.")
    brief = db.session.scalar(select(Brief).where(Brief.organisation_id == lab.id))
    if brief is not None:
        ops.link(claire, project, LinkKind.BRIEF, brief.id)
        ops.link(claire, project, LinkKind.CHALLENGE, brief.challenge_id)
    training = db.session.scalar(select(Event).where(Event.organisation_id == lab.id)
                                 .order_by(Event.starts_at))
    if training is not None:
        ops.link(claire, project, LinkKind.EVENT, training.id)
    ops.tell(claire, project, "Un premier prototype de formulaire en ligne est prêt à être "
                              "testé avec cinq familles.")
    ops.submit_request(agent_of("prefecture"), lab, prefecture, ops.RequestDraft(
        service="Accueil des étrangers en préfecture",
        users_concerned="Les personnes qui renouvellent leur titre de séjour",
        problem="Les rendez-vous en ligne sont pris en quelques minutes par des revendeurs "
                "et les usagers passent la nuit devant la préfecture."))
    ops.open_project(claire, lab, title="Le guichet unique des aidants",
                     summary="Avec les aidants familiaux : un seul interlocuteur pour leurs "
                             "démarches au Département.",
                     organisations=[dep], methods=["observation", "immersion"])
    call = calls.publish_call(claire, lab, calls.CallDraft(
        title="Appel à projets 2027 : innover avec les usagers",
        description="Le laboratoire accompagne **quatre projets** de communes en 2027 : "
                    "immersion, ateliers avec les habitants, prototype et test.",
        opens_at=utcnow() - timedelta(days=3), closes_at=utcnow() + timedelta(days=40),
        eligibility="Les communes et intercommunalités du Val-d’Oise.",
        eligible_kinds=["commune"],
        questions="Le service public concerné *\nLes usagers que vous associerez *\n"
                  "Le calendrier souhaité",
        criteria="Impact pour les usagers | 3\nImplication des usagers | 2\n"
                 "Capacité à déployer | 1", scale_max=5))
    calls.name_juror(claire, call, claire.email)
    return {"projets de laboratoire": 2, "demandes aux laboratoires": 2, "appels à projets": 1}
