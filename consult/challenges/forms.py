from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from consult.core.forms import CheckboxList, ConsultForm, length, required
from consult.territories.forms import TerritoryField

DATE_FORMAT = "%Y-%m-%dT%H:%M"


class ChallengeForm(ConsultForm):
    title = StringField(_l("Titre du défi"), [required(), length(160, 5)],
                        description=_l("Une question ouverte, par exemple « Comment rendre "
                                       "la demande de carte d’identité plus simple ? »"))
    service = StringField(_l("Service public concerné"), [required(), length(200, 3)])
    problem = TextAreaField(_l("Le problème"), [required(), length(10_000, 20)],
                            description=_l("Ce qui ne va pas aujourd’hui, chiffres à l’appui "
                                           "si possible. Markdown accepté."))
    audience = TextAreaField(_l("Qui est concerné"), [Optional(), length(4000)])
    context = TextAreaField(_l("Contexte et contraintes"), [Optional(), length(6000)],
                            description=_l("Ce qui est possible ou non : budget, droit, "
                                           "délais."))
    themes = StringField(_l("Thèmes (séparés par des virgules)"), [Optional(), length(500)],
                         description=_l("Par exemple : Accueil, Rendez-vous, En ligne"))
    territory = TerritoryField(_l("Territoire (facultatif)"), [Optional(), length(120)])
    organisations = CheckboxList(_l("Organisations qui portent le défi"), coerce=int,
                                 description=_l("Plusieurs administrations peuvent porter un "
                                                "défi ensemble ; leurs agents le modèrent."))
    cover = FileField(_l("Image de couverture (facultative)"), [
        FileAllowed(["jpg", "jpeg", "png", "webp"],
                    _l("Image JPEG, PNG ou WebP uniquement."))],
        description=_l("5 Mo au plus."))
    cover_alt = StringField(_l("Texte alternatif de l’image"), [Optional(), length(300)],
                            description=_l("Ce que montre l’image, pour les personnes qui ne "
                                           "la voient pas. Obligatoire avec une image."))
    submission_starts_at = DateTimeLocalField(_l("Début du dépôt des idées"), [required()],
                                              format=DATE_FORMAT)
    voting_starts_at = DateTimeLocalField(_l("Début du vote"), [required()],
                                          format=DATE_FORMAT)
    review_starts_at = DateTimeLocalField(_l("Début de l’étude par l’administration"),
                                          [required()], format=DATE_FORMAT)
    results_at = DateTimeLocalField(_l("Publication des résultats"), [required()],
                                    format=DATE_FORMAT)
    supports_per_person = IntegerField(
        _l("Soutiens par personne"), [Optional(), NumberRange(min=1, max=1000,
                                                              message=_l("Entre 1 et 1000."))],
        description=_l("Laisser vide pour ne pas limiter."))
    self_support_allowed = BooleanField(_l("Autoriser à soutenir sa propre idée"))
    pre_moderation = BooleanField(_l("Modérer les idées avant de les publier"))
    moderation_charter = TextAreaField(_l("Charte de modération"), [Optional(),
                                                                    length(6000)])
    charter_rules = TextAreaField(
        _l("Règles de refus (une par ligne)"), [Optional(), length(3000)],
        description=_l("Chaque refus citera l’une d’elles ; les chiffres publics les "
                       "reprennent."))

    def set_organisations(self, organisations) -> None:
        self.organisations.choices = [SelectChoice(o.id, o.name) for o in organisations]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        dates = [self.submission_starts_at.data, self.voting_starts_at.data,
                 self.review_starts_at.data, self.results_at.data]
        if all(dates) and not (dates[0] < dates[1] < dates[2] < dates[3]):
            self.voting_starts_at.errors.append(str(_l(
                "Les phases doivent se suivre : dépôt, puis vote, puis étude, puis résultats.")))
            valid = False
        if self.cover.data and not (self.cover_alt.data or "").strip():
            self.cover_alt.errors.append(str(_l("Décrivez l’image pour qui ne la voit pas.")))
            valid = False
        if not self.organisations.data:
            self.organisations.errors.append(str(_l("Choisissez au moins une organisation.")))
            valid = False
        return valid
