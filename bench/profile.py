"""``python -m bench.profile``: where the time of one page (or button) goes, in process.

Runs Consult's WSGI application on a seeded database (``make bench``'s seed: give its
URL), as a signed-in person of the seed, and profiles ``--requests`` requests of
``--path`` with cProfile after a few untimed ones. Prints the time per request, the
time spent by package (own time: the database driver, SQLAlchemy, Jinja, Flask and
Werkzeug, Babel, Consult's own code…) and the functions costing most, cumulated — the
profile the benchmark report quotes when a target is missed.

    python -m bench.profile --database-url sqlite:////tmp/bench.sqlite3 \\
        --path /moderation --email citoyen0@bench.consult.example
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import time
import urllib.parse
from collections import Counter

PACKAGES = [  # (label, fragment of the file's path), first match wins
    ("pilote SQLite / psycopg", "sqlite3"), ("pilote SQLite / psycopg", "psycopg"),
    ("SQLAlchemy", "sqlalchemy"), ("Jinja", "jinja2"), ("Jinja (modèles compilés)", "<template>"),
    ("Jinja (modèles compilés)", "/templates/"), ("Werkzeug", "werkzeug"),
    ("Flask et extensions", "flask"), ("Babel", "babel"), ("Consult", "/consult/"),
    ("markupsafe", "markupsafe"), ("argon2", "argon2"),
]


def _package(filename: str) -> str:
    return next((label for label, fragment in PACKAGES if fragment in filename),
                "Python (bibliothèque standard, autres)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--email", default="citoyen1@bench.consult.example")
    parser.add_argument("--password", default="banc-d-essai-2026")
    parser.add_argument("--method", choices=["GET", "POST"], default="GET")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--data", default="", help="form fields of the POST (a=1&b=2)")
    parser.add_argument("--pair-tokens", action="store_true",
                        help="each POST with another of the person's unanswered pairwise "
                        "tokens (the seed gives them in advance), as `token`")
    parser.add_argument("--statements", action="store_true",
                        help="also print the SQL statements one request runs")
    args = parser.parse_args(argv)

    os.environ.update(CONSULT_DATABASE_URL=args.database_url, CONSULT_RATELIMIT_ENABLED="0",
                      CONSULT_MAIL_CONSOLE="0")
    from consult import create_app

    app = create_app()
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/connexion", data={"csrf_token": token, "email": args.email,
                                    "password": args.password})
    page = client.get("/mon-espace").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    fields = dict(urllib.parse.parse_qsl(args.data))
    pairs = iter(_pair_tokens(app, args.email) if args.pair_tokens else ())

    def one() -> int:
        if args.method == "GET":
            return client.get(args.path).status_code
        data = {"csrf_token": token, **fields}
        if args.pair_tokens:
            data["token"] = next(pairs)
        return client.post(args.path, data=data,
                           headers={"Accept": "application/json"}).status_code

    statuses = Counter(one() for _ in range(5))
    if args.statements:
        _print_statements(one)
    started = time.perf_counter()
    for _ in range(args.requests):  # the same requests without the profiler's cost
        statuses[one()] += 1
    plain = time.perf_counter() - started
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.requests):
        statuses[one()] += 1
    profile.disable()
    elapsed = time.perf_counter() - started

    stats = pstats.Stats(profile)
    own: Counter = Counter()
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        own[_package(filename)] += tottime
    total = sum(own.values()) or 1
    print(f"{args.method} {args.path} as {args.email}: {args.requests} requests, "
          f"{plain / args.requests * 1000:.1f} ms each, "
          f"{elapsed / args.requests * 1000:.1f} ms under the profiler "
          f"(statuses {dict(statuses)})")
    print("\nOwn time by package:")
    for label, seconds in own.most_common():
        print(f"  {label:<40} {seconds / args.requests * 1000:7.2f} ms  "
              f"{seconds / total:5.1%}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print("\n" + out.getvalue().split("\n", 6)[-1])


def _print_statements(one) -> None:
    """The statements of one request, in order, each on a line (the first 160 characters)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split())[:160])

    event.listen(Engine, "before_cursor_execute", record)  # every engine: primary, replica
    try:
        one()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    print(f"{len(seen)} statements in one request:")
    for statement in seen:
        print(f"  {statement}")
    print()


def _pair_tokens(app, email: str) -> list[str]:
    from sqlalchemy import select

    from consult.accounts.models import User
    from consult.db import db
    from consult.pairwise.models import PairShown

    with app.app_context():
        return list(db.session.scalars(select(PairShown.token).join(
            User, User.id == PairShown.user_id).where(
            User.email == email, PairShown.answered_at.is_(None)).order_by(PairShown.id)))


if __name__ == "__main__":
    main()
