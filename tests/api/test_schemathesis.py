"""Schemathesis against the served OpenAPI description, over HTTP to gunicorn on the
demo database: for every operation, inputs generated from the description (valid ones,
then invalid ones) and every built-in check: no server error, documented status codes,
content types and headers, bodies that conform to their schemas, invalid data refused,
valid data accepted."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = pytest.mark.slow

OPERATIONS = [  # (method, path): every operation of the description (checked below)
    ("GET", "/api/v1/organisations"), ("GET", "/api/v1/organisations/{organisation_id}"),
    ("GET", "/api/v1/challenges"), ("POST", "/api/v1/challenges"),
    ("GET", "/api/v1/challenges/{challenge_id}"), ("PATCH", "/api/v1/challenges/{challenge_id}"),
    ("GET", "/api/v1/challenges/{challenge_id}/ideas"),
    ("GET", "/api/v1/challenges/{challenge_id}/results"),
    ("GET", "/api/v1/challenges/{challenge_id}/pairwise"),
    ("GET", "/api/v1/challenges/{challenge_id}/statements"),
    ("GET", "/api/v1/challenges/{challenge_id}/topics"),
    ("GET", "/api/v1/ideas/{idea_id}"), ("PUT", "/api/v1/ideas/{idea_id}/answer"),
    ("GET", "/api/v1/ideas/{idea_id}/comments"),
    ("GET", "/api/v1/briefs"), ("GET", "/api/v1/briefs/{brief_id}"),
    ("GET", "/api/v1/events"), ("GET", "/api/v1/events/{event_id}"),
    ("GET", "/api/v1/programmes"), ("GET", "/api/v1/programmes/{programme_id}"),
    ("GET", "/api/v1/projects"), ("GET", "/api/v1/projects/{project_id}"),
    ("GET", "/api/v1/calls"), ("GET", "/api/v1/calls/{call_id}"),
    ("GET", "/api/v1/solutions"), ("GET", "/api/v1/solutions/{solution_id}"),
    ("GET", "/api/v1/labs/{slug}/activity"),
]
EXAMPLES = 50
# Valid data is accepted, or refused for a reason the description documents and no JSON
# Schema can express: 422 when a rule spans several fields (the phases' dates must
# follow each other) or the database (a territory code that does not exist).
# Invalid data is refused: schemathesis' list, plus what gunicorn answers before the
# application when a generated query string outgrows its request line (414) or its
# headers (431) — a refusal too.
CONFIG = SchemathesisConfig.from_dict({"checks": {
    "positive_data_acceptance": {
        "expected-statuses": ["2xx", "304", "401", "403", "404", "422", "429"]},
    "negative_data_rejection": {
        "expected-statuses": ["400", "401", "403", "404", "405", "406", "409", "414", "415",
                              "422", "428", "429", "431", "5xx"]}}})


@pytest.fixture(scope="session")
def api_schema(api_server):
    return schemathesis.openapi.from_url(api_server["url"] + "/api/v1/openapi.json",
                                         config=CONFIG)


def test_the_list_above_covers_the_description(api_schema):
    described = {(op.ok().method.upper(), op.ok().path)
                 for op in api_schema.get_all_operations()}
    assert described == set(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_conforms_to_the_description(api_schema, api_server, method, path,
                                                      mode):
    operation = api_schema[path][method]
    headers = {}
    if method != "GET":  # writes carry the organisation's token; reads are anonymous
        headers["Authorization"] = f"Bearer {api_server['token']}"

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        # A cursor is opaque: a random one is well formed yet rightly refused (400).
        excluded = [positive_data_acceptance] if "cursor" in (case.query or {}) else []
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    run()
