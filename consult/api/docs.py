"""The description itself (``/api/v1/openapi.json``) and a page people can read
(``/api/v1/docs``), rendered on the server from the same description: no script, no
third-party viewer, the site's own accessible components."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, url_for

from consult.api.blueprint import bp
from consult.api.spec import openapi_document


def _server_url() -> str:
    """The site's root: the description's paths start with ``/api/v1``."""
    return current_app.config["BASE_URL"]


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(_server_url()))


def _type_of(schema: dict) -> str:
    """A short readable type: ``string``, ``integer | null``, ``[IdeaOut]``…"""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_of(option) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f"« {v} »" for v in schema["enum"])
    if "const" in schema:
        return f"« {schema['const']} »"
    if schema.get("type") == "array":
        return f"[{_type_of(schema.get('items', {}))}]"
    kind = schema.get("type", "object")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


@bp.get("/docs")
def docs():
    document = openapi_document(_server_url())
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = (operation.get("requestBody", {}).get("content", {})
                    .get("application/json", {}).get("schema"))
            operations.append({"method": method.upper(), "path": path, "op": operation,
                               "body": _type_of(body) if body else None,
                               "anchor": operation["operationId"]})
    tags = list(dict.fromkeys(t for o in operations for t in o["op"].get("tags", [])))
    return render_template("api/docs.html", document=document, operations=operations,
                           tags=tags, type_of=_type_of, schemas=document["components"]["schemas"],
                           spec_url=url_for("api.openapi"))
