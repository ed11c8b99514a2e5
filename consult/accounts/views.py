"""Account pages. Thin: load, check, call one operation, respond (the request commits)."""

from __future__ import annotations

import json

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts import bp, permissions  # noqa: F401
from consult.accounts import operations as ops
from consult.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    LogoutForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
)
from consult.accounts.sessions import person, renew_current_session, sign_in, sign_out
from consult.core import ratelimit as rl
from consult.core.http import safe_next
from consult.core.tokens import TokenError, TokenExpired
from consult.db import utcnow, writes_on_get

INVALID = 422


def form_page(template: str, form, status: int = 200, **context):
    """Render a form page; a submitted form with errors answers 422, keeping what was
    typed (password fields are never sent back)."""
    if form.errors:
        status = INVALID
    return render_template(template, form=form, **context), status


@bp.route("/inscription", methods=["GET", "POST"])
@rl.limiter.limit(rl.REGISTER_PER_ADDRESS, exempt_when=rl.only_posts)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    if not form.validate_on_submit():
        return form_page("accounts/register.html", form)
    register_user_from(form)
    return render_template("accounts/check_your_mail.html", email=form.email.data)


def register_user_from(form: RegisterForm):
    """The account a valid registration form asks for (None: the address had one; the
    same answer is given, so that nobody learns which addresses have an account). The
    invitation to an organisation builds on it (organisations.views)."""
    return ops.register_user(form.email.data, form.password.data, form.display_name.data,
                             locale=_current_locale())


def _current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "fr")[:2]


@bp.route("/compte/confirmer/<token>")
@writes_on_get
def confirm_email(token: str):
    try:
        user = ops.confirm_email(token)
    except TokenExpired:
        return render_template("accounts/token_problem.html", expired=True,
                               purpose="confirm"), 400
    except TokenError:
        return render_template("accounts/token_problem.html", expired=False,
                               purpose="confirm"), 400
    flash(_("Votre adresse e-mail est confirmée. Merci !"), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.profile"))
    return redirect(url_for("accounts.login"))


@bp.route("/compte/renvoyer-confirmation", methods=["POST"])
@login_required
@rl.limiter.limit(rl.MAIL_RESEND_PER_ADDRESS)
def resend_confirmation():
    ResendConfirmationForm().validate_on_submit() or abort(400)
    if not current_user.is_confirmed:
        ops.send_confirmation(person())
    flash(_("Un nouveau lien de confirmation vous a été envoyé."), "success")
    return redirect(safe_next(request.referrer and _path_of(request.referrer),
                              url_for("accounts.profile")))


def _path_of(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.route("/connexion", methods=["GET", "POST"])
@rl.limiter.limit(rl.LOGIN_PER_ADDRESS, exempt_when=rl.only_posts)
@rl.limiter.limit(rl.LOGIN_PER_ACCOUNT, key_func=rl.account_key, exempt_when=rl.only_posts)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        if current_user.is_authenticated:
            return redirect(safe_next(form.next.data, url_for("site.home")))
    if not form.validate_on_submit():
        return form_page("accounts/login.html", form)
    user = ops.authenticate(form.email.data, form.password.data)
    if user is None:
        rl.log.info("failed login on %s", rl.account_key())
        form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
        return form_page("accounts/login.html", form, status=INVALID)
    sign_in(user)
    flash(_("Vous êtes connecté·e. Bonjour %(name)s !", name=user.display_name), "success")
    return redirect(safe_next(form.next.data, url_for("site.home")))


@bp.route("/deconnexion", methods=["POST"])
def logout():
    LogoutForm().validate_on_submit() or abort(400)
    from consult.accounts.sessions import logout_target

    target = logout_target()  # read before the session ends
    sign_out()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(target or url_for("site.home"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@rl.limiter.limit(rl.RESET_PER_ADDRESS, exempt_when=rl.only_posts)
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return form_page("accounts/forgot_password.html", form)
    ops.request_password_reset(form.email.data)
    return render_template("accounts/check_your_mail.html", email=form.email.data, reset=True)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = ops.user_for_reset_token(token)
    except TokenExpired:
        return render_template("accounts/token_problem.html", expired=True, purpose="reset"), 400
    except TokenError:
        return render_template("accounts/token_problem.html", expired=False,
                               purpose="reset"), 400
    form = ResetPasswordForm()
    form.account_email = user.email
    if not form.validate_on_submit():
        return form_page("accounts/reset_password.html", form)
    ops.reset_password(token, form.password.data)
    sign_out()
    flash(_("Votre mot de passe a été changé. Connectez-vous avec le nouveau."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.territory.data = current_user.territory.label if current_user.territory else ""
        form.age_band.data = current_user.age_band.value if current_user.age_band else ""
        form.gender.data = current_user.gender.value if current_user.gender else ""
    if form.validate_on_submit():
        ops.update_profile(person(), display_name=form.display_name.data,
                           territory_id=form.territory.territory_id,
                           locale=form.locale.data, digest_opt_in=form.digest_opt_in.data,
                           important_mail=form.important_mail.data,
                           age_band=form.age_band.data, gender=form.gender.data)
        flash(_("Votre profil est enregistré."), "success")
        return redirect(url_for("accounts.profile"))
    return form_page("accounts/profile.html", form, candidates=form.territory.candidates,
                     sessions=ops.sessions_of(person()))


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        try:
            ops.change_password(person(), form.current_password.data,
                                form.new_password.data)
        except ops.AccountError:
            form.current_password.errors.append(_("Mot de passe actuel incorrect."))
        else:
            renew_current_session(current_user)
            flash(_("Mot de passe changé. Vos autres sessions ont été fermées."), "success")
            return redirect(url_for("accounts.profile"))
    return form_page("accounts/change_password.html", form)


@bp.route("/compte/mes-donnees.json")
@login_required
def export_data():
    data = ops.export_personal_data(person())
    filename = f"consult-mes-donnees-{utcnow():%Y-%m-%d}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"})


@bp.route("/compte/supprimer", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            ops.delete_account(person(), form.password.data)
        except ops.AccountError:
            form.password.errors.append(_("Mot de passe incorrect."))
        else:
            sign_out()
            session.clear()
            flash(_("Votre compte a été supprimé et vos données personnelles effacées."),
                  "success")
            return redirect(url_for("site.home"))
    return form_page("accounts/delete_account.html", form)
