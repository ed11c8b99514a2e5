"""The worker crash of SQLAlchemy's compiled modules, side by side with its Python ones.

Seeds one SQLite database, serves it with two gunicorns (four workers of eight threads
each, as ``make bench`` does) — by default one with SQLAlchemy's eight compiled modules
(``CONSULT_SQLALCHEMY_COMPILED=1``), one with their Python form, Consult's default
(consult/sqlalchemy_python.py); ``--side`` gives other sides, each the modules it keeps
compiled — loads both at once with the survey's results page, 32 connections each, and
counts the workers that died of SIGSEGV in each. Run it again when SQLAlchemy or Python
is upgraded: if the compiled side stops crashing, the default can go back.

    python -m bench.crash --minutes 15            # seeds scale 1 (5 min) first
    python -m bench.crash --minutes 15 --reuse /tmp/crash   # a database seeded before
    python -m bench.crash --side moteur=engine._result_cy,engine._row_cy \
        --side reste=util._immutabledict_cy                  # other sides: the modules kept
                                                             # compiled on each (the rest
                                                             # in Python)
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench import run as bench
from consult.sqlalchemy_python import compiled_asked

SIDES = (("compilés", "1"), ("Python", "0"))
FIRST_PORT = 5701


def side(text: str) -> tuple[str, str]:
    """``LABEL=MODULES``: a side's name and its ``CONSULT_SQLALCHEMY_COMPILED``."""
    label, _, setting = text.partition("=")
    if not label or not setting:
        raise argparse.ArgumentTypeError("LABEL=MODULES, e.g. moteur=engine._row_cy")
    try:
        compiled_asked(setting)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return label, setting


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reuse", type=Path, help="a folder seeded by an earlier run")
    parser.add_argument("--side", type=side, action="append", metavar="LABEL=MODULES",
                        help="a side and the modules it keeps compiled (1: all, 0: none);"
                             " default: all against none")
    args = parser.parse_args(argv)
    sides = [(label, {"CONSULT_SQLALCHEMY_COMPILED": setting}, FIRST_PORT + number)
             for number, (label, setting) in enumerate(args.side or SIDES)]
    workdir = args.reuse or Path(tempfile.mkdtemp(prefix="consult-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = dict(os.environ, CONSULT_DATABASE_URL=url, CONSULT_RATELIMIT_ENABLED="0",
               CONSULT_SECRET_KEY="crash-" + uuid.uuid4().hex, PYTHONPATH=str(bench.ROOT))
    summary_file = workdir / "seed.json"
    if not summary_file.exists():
        summary_file.write_text(json.dumps(bench.seed_database(env, args.scale)))
    summary = json.loads(summary_file.read_text())
    path = f"/defis/grand-questionnaire/questionnaires/{summary['survey_phase']}/resultats"
    servers, counts = [], {}
    try:
        for label, extra, port in sides:
            log = workdir / f"gunicorn-{port}.log"
            servers.append((label, port, log,
                            bench.start_gunicorn("wsgi:app", port, 4, {**env, **extra}, log)))
        agents = {port: bench.sign_in(f"http://127.0.0.1:{port}",
                                      "citoyen0@bench.consult.example")[0]
                  for _, port, _, _ in servers}
        deadline = time.monotonic() + args.minutes * 60
        served = {port: 0 for _, port, _, _ in servers}

        def load(port: int) -> None:
            while time.monotonic() < deadline:
                measured = bench.wrk(f"http://127.0.0.1:{port}{path}", 32, 10,
                                     cookie=agents[port])
                served[port] += measured["requests"]

        threads = [threading.Thread(target=load, args=(port,)) for _, port, _, _ in servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for _, _, _, process in servers:
            bench.stop(process)
    for label, port, log, _ in servers:
        counts[label] = {"crashes": log.read_text().count("was sent SIGSEGV"),
                         "requests": served.get(port, 0), "log": str(log)}
        print(f"{label:>9} : {counts[label]['crashes']} worker(s) tué(s) par SIGSEGV "
              f"en {args.minutes:g} min, {counts[label]['requests']} requêtes ({log})")
    return counts


if __name__ == "__main__":
    main()
