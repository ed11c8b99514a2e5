from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from consult.challenges.phases import KINDS, PHASE_LABELS, Phase
from consult.challenges.timeline import PhaseSpec, phase_problems
from consult.core.forms import CheckboxList, ConsultForm, InputRules, length, required
from consult.core.timezones import local_to_utc
from consult.territories.forms import TerritoryField

DATE_FORMAT = "%Y-%m-%dT%H:%M"


class PhaseForm(InputRules, Form):
    """One row of the calendar: a phase's kind, title and dates (Paris time). A row
    whose type is left empty is ignored, so that the page works without JavaScript:
    two empty rows wait under the phases to add one, « Aucune » removes one."""

    id = HiddenField()
    kind = SelectField(_l("Type"), choices=[SelectChoice("", _l("— Aucune (ligne ignorée) —"))]
                       + [SelectChoice(k.value, PHASE_LABELS[k]) for k in KINDS], default="")
    title = StringField(_l("Titre (facultatif)"), [Optional(), length(120)])
    starts_at = DateTimeLocalField(_l("Début"), [Optional()], format=DATE_FORMAT)
    ends_at = DateTimeLocalField(_l("Fin (vide : ouverte)"), [Optional()], format=DATE_FORMAT)
    description = StringField(_l("Ce qui s’y passe (facultatif)"), [Optional(), length(300)])

    def spec(self) -> PhaseSpec | None:
        if not self.kind.data or self.starts_at.data is None:
            return None
        return PhaseSpec(kind=Phase(self.kind.data), starts_at=local_to_utc(self.starts_at.data),
                         ends_at=local_to_utc(self.ends_at.data) if self.ends_at.data else None,
                         title=(self.title.data or "").strip(),
                         description=(self.description.data or "").strip(),
                         id=int(self.id.data) if (self.id.data or "").isdigit() else None)


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
    process_key = HiddenField(default="")  # the process template the calendar started from
    phases = FieldList(FormField(PhaseForm), label=_l("Phase"), min_entries=1,
                       max_entries=14)
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

    def phase_specs(self) -> list[PhaseSpec]:
        """The phases typed, in the order they start, with the vote's rules on the
        supports phase."""
        specs = [spec for entry in self.phases for spec in [entry.form.spec()] if spec]
        for spec in specs:
            if spec.kind == Phase.SUPPORTS:
                spec.settings = {"supports_per_person": self.supports_per_person.data,
                                 "self_support_allowed": bool(self.self_support_allowed.data)}
        return sorted(specs, key=lambda s: s.starts_at)

    def _validate_phases(self) -> bool:
        rows = []  # (spec, entry) of the rows that name a phase
        valid = True
        for entry in self.phases:
            if entry.form.kind.data and entry.form.starts_at.data is None:
                if not entry.form.starts_at.errors:
                    entry.form.starts_at.errors.append(str(_l("Indiquez le début de la "
                                                              "phase.")))
                valid = False
            if entry.form.errors:  # a date out of reason: said on its field already
                valid = False
                continue
            spec = entry.form.spec()
            if spec is not None:
                rows.append((spec, entry))
        rows.sort(key=lambda row: row[0].starts_at)
        for index, name, message in phase_problems([spec for spec, _ in rows]):
            if index is None:
                self.form_errors.append(message)
            else:
                getattr(rows[index][1].form, name).errors.append(message)
            valid = False
        # the list's errors were taken when its rows validated: take them again
        self.phases.errors = [entry.errors for entry in self.phases.entries if entry.errors]
        return valid

    def set_organisations(self, organisations) -> None:
        self.organisations.choices = [SelectChoice(o.id, o.name) for o in organisations]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        valid = self._validate_phases() and valid
        if self.cover.data and not (self.cover_alt.data or "").strip():
            self.cover_alt.errors.append(str(_l("Décrivez l’image pour qui ne la voit pas.")))
            valid = False
        if not self.organisations.data:
            self.organisations.errors.append(str(_l("Choisissez au moins une organisation.")))
            valid = False
        return valid
