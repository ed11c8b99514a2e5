"""Downloads of the open data, for the platform (``/donnees/…``) and for one challenge
(``/donnees/defis/<slug>/…``), and the page that lists them."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    stream_with_context,
)

from consult.challenges.models import Challenge
from consult.challenges.queries import challenge_by_slug, published_challenges
from consult.core.ratelimit import limiter
from consult.db import db
from consult.opendata.datasets import DATASETS
from consult.opendata.export import csv_lines, datapackage, json_chunks, schema_json, write_archive

bp = Blueprint("opendata", __name__)
NAMES = ",".join(DATASETS)
ARCHIVES_PER_ADDRESS = "30 per hour"  # a ZIP reads every table: not for polling


def _scope(slug: str | None) -> Challenge | None:
    if slug is None:
        return None
    challenge = challenge_by_slug(slug)
    if challenge is None or challenge.published_at is None:
        abort(404)
    return challenge


def _download(body, content_type: str, filename: str) -> Response:
    response = Response(stream_with_context(body), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _prefix(scope: Challenge | None) -> str:
    return f"consult-{scope.slug}" if scope else "consult"


@bp.route("/donnees")
def index():
    challenges = list(db.session.scalars(published_challenges()))
    return render_template("opendata/index.html", datasets=DATASETS.values(),
                           challenges=challenges)


@bp.route(f"/donnees/<any({NAMES}):name>.csv")
@bp.route(f"/donnees/defis/<slug>/<any({NAMES}):name>.csv")
def dataset_csv(name: str, slug: str | None = None):
    scope = _scope(slug)
    spreadsheet = request.args.get("variante") == "tableur"  # semicolons and a BOM
    return _download(csv_lines(DATASETS[name], scope, spreadsheet), "text/csv; charset=utf-8",
                     f"{_prefix(scope)}-{name}{'-tableur' if spreadsheet else ''}.csv")


@bp.route(f"/donnees/<any({NAMES}):name>.json")
@bp.route(f"/donnees/defis/<slug>/<any({NAMES}):name>.json")
def dataset_json(name: str, slug: str | None = None):
    scope = _scope(slug)
    return _download(json_chunks(DATASETS[name], scope), "application/json",
                     f"{_prefix(scope)}-{name}.json")


@bp.route(f"/donnees/<any({NAMES}):name>.schema.json")
def dataset_schema(name: str):
    return Response(schema_json(DATASETS[name]), mimetype="application/json")


@bp.route("/donnees/datapackage.json")
@bp.route("/donnees/defis/<slug>/datapackage.json")
def package(slug: str | None = None):
    return Response(json.dumps(datapackage(_scope(slug)), ensure_ascii=False, indent=2),
                    mimetype="application/json")


@bp.route("/donnees/consult.zip")
@bp.route("/donnees/defis/<slug>.zip")
@limiter.limit(ARCHIVES_PER_ADDRESS)
def archive(slug: str | None = None):
    scope = _scope(slug)
    spool = write_archive(scope, current_app.config["BASE_URL"])
    return send_file(spool, mimetype="application/zip", as_attachment=True,
                     download_name=f"{_prefix(scope)}.zip", max_age=300)
