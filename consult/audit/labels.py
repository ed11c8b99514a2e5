"""What each logged action and target is called when people read the journal: the log
keeps stable codes (``idea.approve``), pages and exports say « Idée approuvée » in the
reader's language and link to the target (issue 14)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from consult.audit.models import ActionLog

ACTION_LABELS = {
    "idea.approve": _l("Idée approuvée"), "idea.reject": _l("Idée refusée"),
    "idea.hide": _l("Idée masquée"), "idea.restore": _l("Idée rétablie"),
    "idea.auto_hide": _l("Idée masquée automatiquement (signalements)"),
    "idea.correct_title": _l("Titre d’idée corrigé"), "idea.assign_theme": _l("Thème attribué"),
    "idea.merge": _l("Idées fusionnées"), "idea.answer": _l("Réponse officielle publiée"),
    "comment.hide": _l("Commentaire masqué"), "comment.restore": _l("Commentaire rétabli"),
    "comment.keep": _l("Commentaire gardé après signalement"),
    "comment.auto_hide": _l("Commentaire masqué automatiquement (signalements)"),
    "challenge.create": _l("Défi créé"), "challenge.update": _l("Défi modifié"),
    "challenge.publish": _l("Défi publié"), "challenge.close_phase": _l("Phase close"),
    "challenge.publish_results": _l("Résultats publiés"),
    "challenge.moderation_settings": _l("Réglages de modération changés"),
    "challenge.co_ownership_accept": _l("Co-portage accepté"),
    "challenge.co_ownership_decline": _l("Co-portage décliné"),
    "brief.create": _l("Cahier créé"), "brief.edit": _l("Cahier modifié"),
    "brief.status": _l("État du cahier changé"), "brief.update": _l("Nouvelle du cahier"),
    "brief.version": _l("Version du prototype ajoutée"), "session.create": _l("Séance créée"),
    "organisation.create": _l("Organisation créée"), "membership.add": _l("Membre ajouté"),
    "membership.remove": _l("Membre retiré"), "invitation.create": _l("Invitation envoyée"),
    "invitation.revoke": _l("Invitation annulée"),
    "platform_admin.grant": _l("Administrateur de la plateforme nommé"),
    "api_token.create": _l("Jeton d’API créé"), "api_token.revoke": _l("Jeton d’API révoqué"),
    "event.create": _l("Événement créé"), "event.update": _l("Événement modifié"),
    "event.cancel": _l("Événement annulé"), "event.write_up": _l("Compte rendu publié"),
    "event.ideas": _l("Idées d’atelier déposées"), "programme.open": _l("Programme ouvert"),
    "programme.update": _l("Programme modifié"),
    "programme.accept": _l("Événement accepté au programme"),
    "programme.changes": _l("Modifications demandées"),
    "programme.refuse": _l("Événement refusé au programme"),
    "lab.partner": _l("Partenaire du laboratoire ajouté"),
    "lab.unpartner": _l("Partenaire du laboratoire retiré"),
    "lab.request": _l("Laboratoire sollicité"),
    "lab.request_accept": _l("Demande acceptée : projet ouvert"),
    "lab.request_details": _l("Précisions demandées"),
    "lab.request_redirect": _l("Demande orientée vers un autre laboratoire"),
    "lab.request_decline": _l("Demande déclinée"), "lab.project": _l("Projet ouvert"),
    "lab.stage": _l("Étape du projet changée"), "lab.link": _l("Lien ajouté au projet"),
}

TARGET_LABELS = {
    "ideas": _l("Idée n° %(id)s"), "comments": _l("Commentaire n° %(id)s"),
    "challenges": _l("Défi n° %(id)s"), "briefs": _l("Cahier n° %(id)s"),
    "test_sessions": _l("Séance n° %(id)s"), "events": _l("Événement n° %(id)s"),
    "programmes": _l("Programme n° %(id)s"), "lab_requests": _l("Demande n° %(id)s"),
    "lab_projects": _l("Projet n° %(id)s"), "lab_partnerships": _l("Partenariat n° %(id)s"),
    "organisations": _l("Organisation n° %(id)s"),
    "memberships": _l("Adhésion n° %(id)s"), "invitations": _l("Invitation n° %(id)s"),
    "api_tokens": _l("Jeton n° %(id)s"), "users": _l("Compte n° %(id)s"),
}


def action_label(entry: ActionLog) -> str:
    return str(ACTION_LABELS.get(entry.action, entry.action))


def target_label(entry: ActionLog) -> str:
    label = TARGET_LABELS.get(entry.target_type)
    return str(label).replace("%(id)s", str(entry.target_id)) if label else (
        f"{entry.target_type} {entry.target_id or ''}".strip())


def target_url(entry: ActionLog) -> str | None:
    """Where the target can be seen by the journal's readers (agents), if anywhere."""
    if entry.target_id is None:
        return None
    if entry.target_type == "ideas":
        return url_for("moderation.idea", idea_id=entry.target_id)
    if entry.target_type == "briefs":
        return url_for("briefs.show", brief_id=entry.target_id)
    if entry.target_type in ("events", "test_sessions"):  # test sessions became events
        return url_for("events.show", event_id=entry.target_id)
    return None
