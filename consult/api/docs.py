"""The description itself (``/api/v1/openapi.json``) and a page people can read
(``/api/v1/docs``), rendered on the server from the same description: no script, no
third-party viewer, the site's own accessible components."""

from __future__ import annotations

import re

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


def example(schema: dict, schemas: dict, depth: int = 0):
    """A plausible value for ``schema``, to show what a request or an answer looks like
    (built from the description itself, so it never drifts from it)."""
    if depth > 6:
        return None
    if "$ref" in schema:
        return example(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas, depth + 1)
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        return example(options[0], schemas, depth + 1) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: example(prop, schemas, depth + 1)
                for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema.get("items", {}), schemas, depth + 1)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    formats = {"date-time": "2027-01-15T09:00:00+01:00", "date": "2027-01-15",
               "uri": "https://consult.example/…"}
    return formats.get(schema.get("format"), "…")


def _curl(method: str, path: str, operation: dict, body_example) -> str:
    import json

    url = _server_url() + re.sub(r"{[^}]*id}", "1", re.sub(r"{slug}", "exemple", path))
    parts = ["curl"] + ([f"-X {method}"] if method != "GET" else [])
    if operation.get("security"):
        parts.append("-H 'Authorization: Bearer <jeton>'")
    if body_example is not None:
        parts.append("-H 'Content-Type: application/json'")
        parts.append("-d '" + json.dumps(body_example, ensure_ascii=False) + "'")
    parts.append(f"'{url}'")
    return " \\\n  ".join(parts) if len(parts) > 2 else " ".join(parts)


@bp.get("/docs")
def docs():
    import json

    document = openapi_document(_server_url())
    schemas = document["components"]["schemas"]
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = (operation.get("requestBody", {}).get("content", {})
                    .get("application/json", {}).get("schema"))
            ok = next((r for code, r in sorted(operation["responses"].items())
                       if code.startswith("2")), {})
            answer = ok.get("content", {}).get("application/json", {}).get("schema")
            body_example = example(body, schemas) if body else None
            operations.append({
                "method": method.upper(), "path": path, "op": operation,
                "body": _type_of(body) if body else None, "anchor": operation["operationId"],
                "request": _curl(method.upper(), path, operation, body_example),
                "answer": json.dumps(example(answer, schemas), ensure_ascii=False, indent=2)
                if answer else None})
    tags = list(dict.fromkeys(t for o in operations for t in o["op"].get("tags", [])))
    return render_template("api/docs.html", document=document, operations=operations,
                           tags=tags, type_of=_type_of, schemas=document["components"]["schemas"],
                           spec_url=url_for("api.openapi"))
