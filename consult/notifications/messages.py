"""What each kind of notification says, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from consult.notifications.models import Notification


def _person_name(params: dict) -> str:
    """Names in notifications are read from the account when shown, never copied."""
    from consult.accounts.models import User
    from consult.db import db

    if not params.get("author_id"):  # written before names were read from the account
        return params.get("author") or _("Compte supprimé")
    person = db.session.get(User, params["author_id"])
    return person.public_name if person is not None else _("Compte supprimé")


def _when(iso: str | None) -> str:
    """A date stored in UTC, read in the platform's time zone and the reader's language."""
    from datetime import datetime

    from consult.core.i18n import when

    return when(datetime.fromisoformat(iso), "long") if iso else ""


def _request_status(value: str | None) -> str:
    from consult.labs.models import RequestStatus

    return RequestStatus(value).label if value in set(RequestStatus) else ""


def _application_status(value: str | None) -> str:
    from consult.labs.models import ApplicationStatus

    return ApplicationStatus(value).label if value in set(ApplicationStatus) else ""


MESSAGES = {
    "new_phase": lambda p: _("Le défi « %(challenge)s » entre dans la phase « %(phase)s ».",
                             challenge=p.get("challenge_title"), phase=p.get("phase")),
    "idea_withdrawn": lambda p: _("L’idée « %(idea)s », que vous souteniez, a été retirée par "
                                  "son auteur : votre soutien vous est rendu.",
                                  idea=p.get("idea_title")),
    "new_comment": lambda p: _("Nouveau commentaire sur l’idée « %(idea)s ».",
                               idea=p.get("idea_title")),
    "reply": lambda p: _("%(name)s a répondu à votre commentaire sur « %(idea)s ».",
                         name=_person_name(p), idea=p.get("idea_title")),
    "official_answer": lambda p: _("L’administration a répondu à l’idée « %(idea)s ».",
                                   idea=p.get("idea_title")),
    "brief_status": lambda p: _("Le cahier de prototypage « %(brief)s » est maintenant : "
                                "%(status)s.", brief=p.get("brief_title"),
                                status=p.get("status")),
    "brief_update": lambda p: _("Du nouveau sur le cahier de prototypage « %(brief)s ».",
                                brief=p.get("brief_title")),
    "idea_approved": lambda p: _("Votre idée « %(idea)s » est publiée.",
                                 idea=p.get("idea_title")),
    "idea_rejected": lambda p: _("Votre idée « %(idea)s » n’a pas été publiée : %(rule)s.",
                                 idea=p.get("idea_title"), rule=p.get("rule")),
    "idea_hidden": lambda p: _("Votre idée « %(idea)s » a été masquée : %(reason)s.",
                               idea=p.get("idea_title"), reason=p.get("reason")),
    "idea_kept": lambda p: _("Votre idée « %(idea)s » a été signalée ; l’équipe de "
                             "modération la garde publiée : %(reason)s", idea=p.get("idea_title"),
                             reason=p.get("reason")),
    "idea_restored": lambda p: _("Votre idée « %(idea)s » est de nouveau publiée.",
                                 idea=p.get("idea_title")),
    "theme_assigned": lambda p: _("Votre idée « %(idea)s » est classée dans le thème "
                                  "« %(theme)s ».", idea=p.get("idea_title"),
                                  theme=p.get("theme")),
    "title_corrected": lambda p: _("Le titre de votre idée a été précisé : « %(new)s ».",
                                   new=p.get("new")),
    "idea_merged": lambda p: _("Votre idée « %(idea)s » a été rapprochée d’une idée "
                               "semblable, « %(kept)s », où vous êtes crédité·e.",
                               idea=p.get("idea_title"), kept=p.get("kept_title")),
    "support_can_move": lambda p: _("L’idée « %(duplicate)s », que vous souteniez, a été "
                                    "fusionnée avec « %(idea)s » : vous pouvez y déplacer "
                                    "votre soutien en un clic.",
                                    duplicate=p.get("duplicate_title"),
                                    idea=p.get("idea_title")),
    "comment_hidden": lambda p: _("Votre commentaire sur « %(idea)s » a été masqué : "
                                  "%(reason)s.", idea=p.get("idea_title"),
                                  reason=p.get("reason")),
    "session_scheduled": lambda p: _("Nouvelle séance de test pour « %(brief)s » : %(session)s.",
                                     brief=p.get("brief_title"), session=p.get("session")),
    "seat_available": lambda p: _("Une place s’est libérée : vous êtes inscrit·e à "
                                  "« %(session)s ».", session=p.get("session")),
    "new_event": lambda p: _("Nouvel événement : « %(title)s », le %(date)s%(place)s.",
                             title=p.get("event_title"), date=_when(p.get("starts_at")),
                             place=(" — " + p["place"]) if p.get("place") else ""),
    "event_changed": lambda p: _("« %(title)s », auquel vous êtes inscrit·e, a changé : "
                                 "vérifiez la date et le lieu.", title=p.get("event_title")),
    "event_written_up": lambda p: _("Le compte rendu de « %(title)s » est publié.",
                                    title=p.get("event_title")),
    "event_cancelled": lambda p: _("« %(title)s », auquel vous étiez inscrit·e, est annulé.",
                                   title=p.get("event_title")),
    "co_ownership_proposed": lambda p: _("%(organisation)s est invitée à co-porter le défi "
                                         "« %(challenge)s » : acceptez ou déclinez.",
                                         organisation=p.get("organisation_name"),
                                         challenge=p.get("challenge_title")),
    "lab_request_answered": lambda p: _("%(lab)s a répondu à votre demande « %(service)s » : "
                                        "%(status)s.", lab=p.get("lab_name"),
                                        service=p.get("service"),
                                        status=_request_status(p.get("status"))),
    "application_decided": lambda p: _("Décision sur votre candidature à « %(call)s » : "
                                       "%(status)s.", call=p.get("call_title"),
                                       status=_application_status(p.get("status"))),
    "membership_requested": lambda p: _("%(person)s s’est connecté·e avec ProConnect comme "
                                        "agent de %(organisation)s : confirmez-vous qu’il "
                                        "ou elle y travaille ?", person=p.get("person"),
                                        organisation=p.get("organisation_name")),
    "membership_decided": lambda p: (
        _("%(organisation)s a confirmé que vous en êtes agent.",
          organisation=p.get("organisation_name")) if p.get("accepted") else
        _("%(organisation)s n’a pas confirmé que vous en êtes agent.",
          organisation=p.get("organisation_name"))),
    "results": lambda p: _("Les résultats du défi « %(challenge)s » sont publiés.",
                           challenge=p.get("challenge_title")),
}


def message(notification: Notification) -> str:
    render = MESSAGES.get(notification.kind)
    return render(notification.params or {}) if render else notification.kind


# Kinds that also leave as an e-mail to people who keep « important news by e-mail » on
# (the others wait for the daily digest, if the person asked for it).
MAILED_KINDS = frozenset({"results", "seat_available", "lab_request_answered",
                          "application_decided", "membership_requested",
                          "membership_decided"})


def target_url(notification: Notification) -> str | None:
    """Where a notification leads: its subject's page (issue 14: results, briefs and
    sessions could not be clicked through)."""
    from flask import url_for

    from consult.challenges.models import Challenge
    from consult.db import db

    params = notification.params or {}
    if params.get("lab_request_id"):
        return url_for("labs.request_page", request_id=params["lab_request_id"])
    if params.get("application_id"):
        return url_for("labs.application", application_id=params["application_id"])
    if params.get("event_id"):
        return url_for("events.show", event_id=params["event_id"])
    if notification.kind == "membership_requested" and params.get("organisation_slug"):
        return url_for("identity.recognition", slug=params["organisation_slug"])
    if notification.kind == "membership_decided" and params.get("organisation_slug"):
        return url_for("organisations.workspace", slug=params["organisation_slug"]) \
            if params.get("accepted") else None
    if notification.kind == "co_ownership_proposed" and params.get("organisation_slug"):
        return url_for("challenges.co_ownership", slug=params["organisation_slug"])
    if params.get("brief_id"):
        return url_for("briefs.show", brief_id=params["brief_id"])
    if notification.idea_id:
        anchor = f"commentaire-{params['comment_id']}" if params.get("comment_id") else None
        return url_for("ideas.show", idea_id=notification.idea_id, _anchor=anchor)
    challenge = db.session.get(Challenge, notification.challenge_id) \
        if notification.challenge_id else None
    if challenge is None:
        return None
    if notification.kind == "results":
        return url_for("challenges.results", slug=challenge.slug)
    return url_for("challenges.show", slug=challenge.slug)
