"""Idle clients cannot stall the site: with the server settings of `make run` (two
workers, gunicorn.conf.py), dozens of TCP connections that never send a byte leave every
page answering at once (issue 14: four such connections blocked sync workers for 30 s)."""

from __future__ import annotations

import socket
import time
import urllib.request

import pytest

from tests.live import start_live_server

pytestmark = pytest.mark.slow


def test_idle_connections_do_not_stall_the_workers(tmp_path_factory):
    cleanups: list = []
    server = start_live_server(tmp_path_factory, cleanups, workers=2)
    idle = []
    try:
        host, port = server["url"].removeprefix("http://").split(":")
        for _ in range(40):  # more than all the threads of both workers
            idle.append(socket.create_connection((host, int(port)), timeout=5))
        time.sleep(0.5)
        slowest = 0.0
        for _ in range(10):
            started = time.monotonic()
            with urllib.request.urlopen(server["url"] + "/sante", timeout=10) as answer:  # noqa: S310
                assert answer.status == 200
            slowest = max(slowest, time.monotonic() - started)
        assert slowest < 2, f"a page waited {slowest:.1f} s behind idle connections"
    finally:
        for connection in idle:
            connection.close()
        for cleanup in cleanups:
            cleanup()
