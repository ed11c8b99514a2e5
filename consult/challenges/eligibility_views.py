"""« Qui peut participer » : the agents who edit a challenge set its eligibility rules,
one block per action (challenges.eligibility)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import Form, FormField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.challenges import bp
from consult.challenges import eligibility as el
from consult.challenges.queries import challenge_by_slug
from consult.core.forms import CheckboxList, ConsultForm, InputRules, length
from consult.core.security import Permission, can
from consult.db import db
from consult.identity.models import AGE_THRESHOLDS
from consult.territories.forms import TerritoryField


class RuleForm(InputRules, Form):
    level = RadioField(_l("Qui"), choices=[(lv.value, el.LEVEL_LABELS[lv]) for lv in el.Level],
                       default=el.Level.CONFIRMED.value)
    min_age = SelectField(_l("Âge minimum (attesté par FranceConnect)"),
                          choices=[("", _l("Aucun"))] + [
                              (str(a), _l("%(age)d ans ou plus", age=a))
                              for a in AGE_THRESHOLDS], default="")
    organisations = CheckboxList(_l("Réservé aux agents de"), coerce=int,
                                 validate_choice=False,
                                 description=_l("Laisser vide pour ouvrir à tous."))
    territory = TerritoryField(_l("Réservé aux habitants de (facultatif)"),
                               [Optional(), length(120)],
                               description=_l("Une commune, un département ou une région : "
                                              "la commune déclarée dans le profil doit s’y "
                                              "trouver."))
    phase = SelectField(_l("Pendant"), default="", validate_choice=False)


class EligibilityForm(ConsultForm):
    propose = FormField(RuleForm, label=el.ACTION_TITLES[el.Action.PROPOSE])
    support = FormField(RuleForm, label=el.ACTION_TITLES[el.Action.SUPPORT])
    respond = FormField(RuleForm, label=el.ACTION_TITLES[el.Action.RESPOND])
    comment = FormField(RuleForm, label=el.ACTION_TITLES[el.Action.COMMENT])
    register = FormField(RuleForm, label=el.ACTION_TITLES[el.Action.REGISTER])
    compare = FormField(RuleForm, label=el.ACTION_TITLES[el.Action.COMPARE])
    state = FormField(RuleForm, label=el.ACTION_TITLES[el.Action.STATE])
    agree = FormField(RuleForm, label=el.ACTION_TITLES[el.Action.AGREE])

    actions: tuple = el.RULED_ACTIONS  # those of the challenge, once offer() has read it

    def blocks(self):
        return [(action, getattr(self, action.value)) for action in self.actions]

    @staticmethod
    def restricted(block) -> bool:
        """Whether a block says more than the default (it is shown open)."""
        form = block.form
        return bool((form.level.data or "confirmed") != "confirmed" or form.min_age.data
                    or form.organisations.data or (form.territory.data or "").strip()
                    or form.phase.data or form.errors)

    def offer(self, challenge, organisations) -> None:
        self.actions = el.ruled_actions(challenge)
        phase_choices = [SelectChoice("", _l("Toutes les phases"))] + [
            SelectChoice(str(p.id), p.label) for p in challenge.timeline()]
        for _action, block in self.blocks():
            block.organisations.choices = [SelectChoice(o.id, o.name) for o in organisations]
            block.phase.choices = phase_choices

    def fill(self, challenge) -> None:
        for found in el.rules(challenge):
            if found.action not in self.actions:
                continue
            block = getattr(self, found.action.value).form
            block.level.data = found.level.value
            block.min_age.data = str(found.min_age or "")
            block.organisations.data = list(found.organisations)
            block.phase.data = str(found.phase_id or "")
            if found.territory_id is not None:
                from consult.territories.models import Territory

                territory = db.session.get(Territory, found.territory_id)
                block.territory.data = territory.label if territory is not None else ""

    def read(self) -> list[el.Eligibility] | None:
        """The rules typed; None (errors named on their fields) when a choice was not one
        of those offered, or FranceConnect is asked for but not configured."""
        found, valid = [], True
        for action, block in self.blocks():
            form = block.form
            offered_orgs = {c.value if hasattr(c, "value") else c[0]
                            for c in form.organisations.choices}
            offered_phases = {str(c.value if hasattr(c, "value") else c[0])
                              for c in form.phase.choices}
            if not set(form.organisations.data or ()) <= offered_orgs:
                form.organisations.errors.append(_("Choisissez parmi les organisations "
                                                   "proposées."))
                valid = False
            if (form.phase.data or "") not in offered_phases:
                form.phase.errors.append(_("Choisissez une phase du défi."))
                valid = False
                continue
            if ((form.level.data or "confirmed") not in set(el.Level)
                    or (form.min_age.data or "") not in {"", *map(str, AGE_THRESHOLDS)}):
                valid = False  # (named on its field by the choices' own check)
                continue
            rule = el.Eligibility(
                action, el.Level(form.level.data or "confirmed"),
                int(form.min_age.data) if form.min_age.data else None,
                tuple(sorted(set(form.organisations.data or ()))),
                form.territory.territory_id,
                int(form.phase.data) if form.phase.data else None)
            refusal = el.rule_refusal(rule)
            if refusal is not None:
                (form.min_age if rule.min_age else form.level).errors.append(refusal)
                valid = False
            if not rule.is_default:
                found.append(rule)
        return found if valid else None


@bp.route("/defis/<slug>/qui-peut-participer", methods=["GET", "POST"])
@login_required
def eligibility(slug: str):
    from consult.organisations.queries import all_organisations

    challenge = challenge_by_slug(slug) or abort(404)
    if not can(current_user, Permission.EDIT_CHALLENGE, challenge):
        abort(403)
    form = EligibilityForm()
    form.offer(challenge, all_organisations())
    if not form.is_submitted():
        form.fill(challenge)
    else:
        valid = form.validate()
        rules = form.read()  # its own errors too: every error at once
        if valid and rules is not None:
            el.set_rules(person(), challenge, rules)
            flash(_("Les conditions de participation sont enregistrées."), "success")
            return redirect(url_for("challenges.show", slug=slug))
    return form_page("challenges/eligibility.html", form, challenge=challenge)
