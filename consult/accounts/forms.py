from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from consult.accounts.models import AgeBand, Gender
from consult.core.forms import AcceptablePassword, ConsultForm, email_address, length, required
from consult.territories.forms import TerritoryField

LOCALE_CHOICES = [SelectChoice("fr", "Français"), SelectChoice("en", "English")]


class RegisterForm(ConsultForm):
    display_name = StringField(
        _l("Nom affiché"), [required(), length(80, 2)],
        description=_l("Visible par tous à côté de vos contributions. "
                       "Un prénom ou un pseudonyme suffit."))
    email = EmailField(_l("Adresse e-mail"), [required(), email_address(), length(320)],
                       description=_l("Jamais affichée. Un lien de confirmation y sera envoyé."))
    password = PasswordField(
        _l("Mot de passe"), [required(), AcceptablePassword()],
        description=_l("Au moins 12 caractères. Une phrase de plusieurs mots est idéale."))


class LoginForm(ConsultForm):
    email = EmailField(_l("Adresse e-mail"), [required(), email_address(), length(320)])
    password = PasswordField(_l("Mot de passe"), [required(), length(1024)])
    next = HiddenField()


class ForgotPasswordForm(ConsultForm):
    email = EmailField(_l("Adresse e-mail"), [required(), email_address(), length(320)])


class ResetPasswordForm(ConsultForm):
    password = PasswordField(_l("Nouveau mot de passe"), [required(), AcceptablePassword(None)],
                             description=_l("Au moins 12 caractères."))


class ChangePasswordForm(ConsultForm):
    current_password = PasswordField(_l("Mot de passe actuel"), [required(), length(1024)])
    new_password = PasswordField(_l("Nouveau mot de passe"),
                                 [required(), AcceptablePassword(None)],
                                 description=_l("Au moins 12 caractères."))


class ProfileForm(ConsultForm):
    display_name = StringField(_l("Nom affiché"), [required(), length(80, 2)],
                               description=_l("Visible par tous à côté de vos contributions."))
    territory = TerritoryField(
        _l("Territoire (facultatif)"), [Optional(), length(120)],
        description=_l("Votre commune ou votre département, par exemple « Cergy (95) » ou "
                       "« 93 ». Il n'est jamais affiché ; il sert aux statistiques "
                       "par territoire."))
    age_band = SelectField(
        _l("Tranche d’âge (facultatif)"), choices=[], default="",
        description=_l("Jamais affichée ; comptée seulement avec les autres, pour savoir qui "
                       "participe et qui manque."))
    gender = SelectField(_l("Genre (facultatif)"), choices=[], default="",
                         description=_l("Jamais affiché ; compté seulement avec les autres."))
    locale = SelectField(_l("Langue"), choices=LOCALE_CHOICES)
    digest_opt_in = BooleanField(_l("Recevoir un résumé quotidien par e-mail de ce que je suis"))
    important_mail = BooleanField(_l("Recevoir aussi par e-mail les nouvelles importantes : "
                                     "résultats des défis auxquels j’ai participé, place "
                                     "libérée pour une séance"))


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unsaid = [SelectChoice("", _l("Je préfère ne pas répondre"))]
        self.age_band.choices = unsaid + [SelectChoice(b.value, b.label) for b in AgeBand]
        self.gender.choices = unsaid + [SelectChoice(g.value, g.label) for g in Gender]
        for unanswered in (self.age_band, self.gender):  # None on the account, or absent
            unanswered.data = str(unanswered.data) if unanswered.data is not None else ""


class DeleteAccountForm(ConsultForm):
    password = PasswordField(_l("Mot de passe"), [required(), length(1024)])
    confirm = BooleanField(
        _l("Je comprends que mes données personnelles seront effacées définitivement."),
        [required()])


class ResendConfirmationForm(ConsultForm):
    pass


class LogoutForm(ConsultForm):
    pass
