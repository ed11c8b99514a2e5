"""The API against a real gunicorn with the demo loaded, and an organisation token for
its writes (created through ``flask api-token``, as an administrator would)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.live import ROOT

DEMO_ORGANISATION = "departement-du-val-d-oise-demo"
DEMO_ADMIN = "agnes.admin@demo.consult.example"


@pytest.fixture(scope="session")
def api_server(demo_server):
    server = demo_server
    created = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "consult", "api-token", "--organisation",
         DEMO_ORGANISATION, "--by", DEMO_ADMIN, "--name", "Schemathesis",
         "--scope", "challenges:write", "--scope", "answers:write"],
        cwd=ROOT, env=server["env"], check=True, capture_output=True, text=True)
    return {**server, "token": created.stdout.strip()}
