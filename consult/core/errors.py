"""Error pages a person can act on, in their language, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("consult.errors")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _api_message(status: int) -> str:
    """What the API says for errors its router raises, in the reader's language."""
    from flask_babel import gettext as _

    return {
        400: _("Requête mal formée."),
        404: _("Cette adresse n’existe pas dans l’API : voyez /api/v1/docs."),
        405: _("Méthode non permise à cette adresse."),
        413: _("Corps de requête trop volumineux."),
        414: _("Adresse trop longue."),
        415: _("Type de contenu non pris en charge."),
        429: _("Trop de requêtes : réessayez après le délai indiqué par Retry-After."),
        500: _("Erreur inattendue du serveur : elle est enregistrée et sera corrigée."),
    }.get(status, _("Erreur %(status)d.", status=status))


def _render(error: HTTPException, status: int):
    if wants_json():  # the API's documented shape, whoever raised the error
        response = jsonify({"error": {"code": error.name.lower().replace(" ", "_"),
                                      "message": _api_message(status), "field": None,
                                      "details": []}})
        if status == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response, status
    return render_template("errors/error.html", status=status, error=error), status


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        log.info("CSRF refused on %s: %s", request.endpoint, error.description)
        return render_template("errors/error.html", status=400, error=error, csrf=True), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        from consult.db import db

        # an error outside the view (the commit after it): the same replay as below
        if error.code == 500 and db.replica_failed(getattr(error, "original_exception", None)):
            return "", 500
        return _render(error, error.code or 500)

    if not app.testing:  # tests see the real exception (and call the handler directly)
        app.register_error_handler(Exception, unexpected_error)


def unexpected_error(error: Exception):
    """Nothing half-saved, then a page: the transaction is rolled back first, so that the
    page can be drawn even when the error was a failed flush (the session would refuse
    every query until rolled back: PendingRollbackError while rendering the 500)."""
    from consult.db import db

    if isinstance(error, HTTPException):
        return _render(error, error.code or 500)
    if db.replica_failed(error):  # read again from the primary: this answer is dropped,
        return "", 500  # and nothing is drawn over the broken connection
    db.session.rollback()
    log.exception("unexpected error on %s %s", request.method, request.path)
    return _render(InternalServerError(), 500)
