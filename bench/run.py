"""``make bench``: seed, serve Consult and a bare Flask « hello » under the same gunicorn
settings, drive load with wrk on loopback, write a Markdown report to bench/results/.

    python -m bench.run --scale 0.02 --database sqlite --duration 5 --connections 1,8,32
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "report.lua"
SUPPORT_LUA = ROOT / "bench" / "support.lua"
SURVEY_LUA = ROOT / "bench" / "survey.lua"
SIGNED_IN_LUA = ROOT / "bench" / "signed_in.lua"
REGISTER_LUA = ROOT / "bench" / "register.lua"
POST_LUA = ROOT / "bench" / "post.lua"
PASSWORD = "banc-d-essai-2026"  # noqa: S105  (the invented citizens of bench.seed)
PEOPLE = 128  # logged-in sessions for the support load


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.02,
                        help="1.0 = 100k citizens, 200k ideas, 2M supports")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "CONSULT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--only", default="",
                        help="measure only the rows whose label holds one of these words "
                        "(comma-separated, e.g. « connecté,Soutenir »); the ceiling always")
    return parser.parse_args(argv)


def chosen(args, label: str) -> bool:
    words = [w.strip().lower() for w in args.only.split(",") if w.strip()]
    return not words or any(w in label.lower() for w in words)


def prepare_database(args, workdir: Path) -> tuple[str, callable]:
    """A fresh database; returns its URL and a function that drops it."""
    if args.database == "sqlite":
        path = workdir / "bench.sqlite3"
        return f"sqlite:///{path}", lambda: None
    from consult.db import scratch_database

    return scratch_database(args.postgres_url, "consult_bench")


def seed_database(env: dict, scale: float, bench_pairs: int = 200) -> dict:
    """Seed in a separate process: the application and its engine stay out of this one."""
    result = subprocess.run([sys.executable, "-m", "bench.seed", "--scale", str(scale),
                             "--people", str(PEOPLE), "--bench-pairs", str(bench_pairs)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def job_figures(env: dict, summary: dict) -> dict:
    """The background jobs at this scale, each in its own process (bench.jobs)."""
    figures = {}
    for kind, challenge in (("pairwise", summary["pairwise_challenge"]),
                            ("statements", summary["statements_challenge"]),
                            ("draw", summary["pairwise_challenge"]),
                            ("topics", summary["large_challenge"])):
        done = subprocess.run([sys.executable, "-m", "bench.jobs", kind, str(challenge)],
                              cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        figures[kind] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  tâche {kind} : {figures[kind]}", flush=True)
    return figures


def start_gunicorn(target: str, port: int, workers: int, env: dict,
                   log: Path | None = None) -> subprocess.Popen:
    """gunicorn serving ``target``, once it answers; its output to ``log`` if given."""
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
               f"127.0.0.1:{port}", "--log-level", "warning", target]
    if log is None:
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    else:
        with log.open("w") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except Exception:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn {target} did not start on port {port}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


class MemoryWatch(threading.Thread):
    """Samples the gunicorn workers' resident memory; keeps the peak of any worker."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master, self.peak, self.running = master, 0.0, True

    def run(self) -> None:
        while self.running:
            for pid in worker_pids(self.master):
                self.peak = max(self.peak, rss_mb(pid))
            time.sleep(0.2)


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU time of each of these processes so far (threads included)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seconds


def machine_busy() -> tuple[float, float]:
    """The machine's busy and total CPU seconds so far, all cores (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / ticks, sum(values) / ticks


class CpuWatch:
    """Around one measurement: the servers' CPU per request and how busy the machine
    was — a row at 100 % is limited by the CPU, a row well under it waits (a lock, a
    disk, the GIL handed between threads)."""

    def __init__(self, master: int | None) -> None:
        self.master = master

    def __enter__(self):
        self.cpu = cpu_seconds(worker_pids(self.master)) if self.master else {}
        self.busy, self.total = machine_busy()
        return self

    def __exit__(self, *_exc) -> None:
        busy, total = machine_busy()
        now = cpu_seconds(worker_pids(self.master)) if self.master else {}
        # a worker replaced meanwhile (one that crashed) counts from its start; the CPU
        # of the one it replaced since the row began is lost (the row says its errors)
        self.worker_seconds = sum(seconds - self.cpu.get(pid, 0.0)
                                  for pid, seconds in now.items())
        self.busy_share = (busy - self.busy) / max(total - self.total, 1e-9)

    def figures(self, measured: dict) -> dict:
        requests = max(measured.get("requests", 0), 1)
        return {**measured, "cpu_ms": 1000 * self.worker_seconds / requests,
                "busy": self.busy_share}


def wrk(url: str, connections: int, duration: int, cookie: str | None = None,
        sessions: Path | None = None, answers: Path | None = None,
        reading: bool = False, registering: bool = False, posts: Path | None = None) -> dict:
    threads = max(1, min(connections, os.cpu_count() or 1))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if posts:
        command += ["-s", str(POST_LUA), url, "--", str(posts), str(threads)]
    elif sessions and answers:
        command += ["-s", str(SURVEY_LUA), url, "--", str(sessions), str(threads),
                    str(answers)]
    elif sessions:
        script = SIGNED_IN_LUA if reading else REGISTER_LUA if registering else SUPPORT_LUA
        command += ["-s", str(script), url, "--", str(sessions), str(threads)]
    else:
        command += ["-s", str(LUA), url]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    refused = [int(x.split()[1]) for x in result.stderr.splitlines()
               if x.startswith("refused_409 ")]
    other = [x for x in result.stderr.splitlines() if not x.startswith("refused_409 ")]
    if other:
        print("\n".join(other)[:2000], file=sys.stderr)
    line = [x for x in result.stdout.splitlines() if x.startswith("{")][-1]
    return {**json.loads(line), "refused": sum(refused)}


def _token(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(base: str, email: str) -> tuple[str, str]:
    """Log in through the pages; returns the session cookie and a CSRF token for it."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = opener.open(base + "/connexion").read().decode()
    data = urllib.parse.urlencode({"csrf_token": _token(login), "email": email,
                                   "password": PASSWORD}).encode()
    opener.open(base + "/connexion", data=data).read()
    page = opener.open(base + "/mon-espace").read().decode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, _token(page)


def support_sessions(base: str, ideas: dict[str, int], workdir: Path
                     ) -> tuple[Path, dict[str, tuple[str, str]]]:
    """People signed in (e-mail → the idea each supports and withdraws); and each
    person's cookie and CSRF token."""
    path = workdir / "sessions.tsv"
    lines, signed = [], {}
    for email, idea_id in ideas.items():
        cookie, token = sign_in(base, email)
        signed[email] = (cookie, token)
        lines.append(f"{cookie}\t{token}\t{idea_id}")
    path.write_text("\n".join(lines) + "\n")
    return path, signed


def _round_robin(per_person: dict[str, list[tuple[str, str]]],
                 signed: dict[str, tuple[str, str]], path: Path) -> Path:
    """POST lines (post.lua), one person after the other: « cookie, token, path, body »."""
    lines, turn = [], 0
    while any(len(posts) > turn for posts in per_person.values()):
        for email, posts in per_person.items():
            if len(posts) > turn:
                cookie, token = signed[email]
                lines.append("\t".join((cookie, token, *posts[turn])))
        turn += 1
    path.write_text("\n".join(lines) + "\n")
    return path


def pairwise_posts(conn, summary: dict, signed: dict, workdir: Path) -> Path:
    """Each pair given in advance to the signed-in people, answered once (its token)."""
    from sqlalchemy import text

    from bench.methods_seed import PAIRWISE_SLUG

    per_person: dict[str, list[tuple[str, str]]] = {email: [] for email in signed}
    for email, token in conn.execute(text(
            "SELECT u.email, p.token FROM pairwise_pairs p JOIN users u ON u.id = p.user_id "
            "WHERE p.challenge_id = :c AND p.answered_at IS NULL ORDER BY p.id"),
            {"c": summary["pairwise_challenge"]}):
        if email in per_person:
            choice = "left" if len(per_person[email]) % 2 else "right"
            per_person[email].append((f"/defis/{PAIRWISE_SLUG}/comparer",
                                      f"token={token}&choice={choice}"))
    return _round_robin(per_person, signed, workdir / "pairwise.tsv")


def statement_posts(conn, summary: dict, signed: dict, workdir: Path) -> Path:
    """Forty statements per signed-in person, each answered (again: the answer changes)."""
    import random

    from sqlalchemy import text

    from bench.methods_seed import STATEMENTS_SLUG

    ids = list(conn.execute(text("SELECT id FROM statements WHERE challenge_id = :c "
                                 "ORDER BY id"), {"c": summary["statements_challenge"]})
               .scalars())
    draw = random.Random(21)
    per_person = {email: [(f"/defis/{STATEMENTS_SLUG}/points-d-accord/{sid}",
                           "choice=" + draw.choice(("agree", "disagree", "pass")))
                          for sid in draw.sample(ids, min(40, len(ids)))]
                  for email in signed}
    return _round_robin(per_person, signed, workdir / "statements.tsv")


def survey_answers(conn, phase_id: int, workdir: Path) -> Path:
    """A complete answer to the benchmark's questionnaire, as the page posts it."""
    from sqlalchemy import text

    rows = conn.execute(text(
        "SELECT q.id, q.kind, q.scale_min, c.id FROM survey_questions q "
        "JOIN surveys s ON s.id = q.survey_id LEFT JOIN survey_choices c ON c.question_id = q.id "
        "WHERE s.phase_id = :phase ORDER BY q.position, c.position"), {"phase": phase_id}).all()
    fields: list[tuple[str, str]] = []
    ranks: dict[int, int] = {}
    for question, kind, low, choice in rows:
        name = f"q{question}"
        if kind in ("single", "multiple") and not any(f[0] == name for f in fields):
            fields.append((name, str(choice)))
        elif kind == "ranking":
            ranks[question] = ranks.get(question, 0) + 1
            fields.append((f"{name}-c{choice}", str(ranks[question])))
        elif kind == "grid":
            fields.append((f"{name}-c{choice}", str(low + 1)))
        elif kind == "scale":
            fields.append((name, str(low + 3)))
        elif kind == "yes_no":
            fields.append((name, "1"))
        elif kind in ("short_text", "long_text"):
            fields.append((name, "Un avis du banc d'essai"))
    path = workdir / "answers.txt"
    path.write_text(urllib.parse.urlencode(fields))
    return path


def machine() -> dict:
    memory = next((int(line.split()[1]) // 1024 for line in
                   Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), 0)
    import sqlite3

    import sqlalchemy

    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {"cores": os.cpu_count(), "memory_mb": memory, "python": platform.python_version(),
            "platform": platform.platform(), "sqlite": sqlite3.sqlite_version,
            "sqlalchemy": sqlalchemy.__version__,
            "flask": __import__("importlib.metadata").metadata.version("flask"),
            "wrk": (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip()}


PAGES = [  # (label, path)
    ("Accueil", "/"),
    ("Idées du grand défi, par soutiens", "/defis/grand-debat?tri=soutiens"),
    ("Idées du grand défi, au hasard", "/defis/grand-debat?tri=hasard"),
    ("Idées du grand défi, filtrées par thème", "/defis/grand-debat?tri=soutiens&theme=1"),
    ("Idées du grand défi, recherche", "/defis/grand-debat?q=accueil+prefecture"),
    ("Idées du grand défi, filtrées par sujet émergent",
     "/defis/grand-debat?tri=soutiens&sujet={topic_id}"),
    ("Sujets émergents du grand défi", "/defis/grand-debat/sujets"),
    ("Page d'une idée", "/idees/{idea_id}"),
    ("Agenda d'un programme de 5 000 événements", "/programmes/bench-mois"),
    ("Agenda du programme filtré (département, thème, format)",
     "/programmes/bench-mois?territoire=59&theme=design&type=workshop"),
    ("Agenda de tous les événements, page 10", "/evenements?page=10"),
    ("Classement du grand comparatif (10 000 idées à l'échelle 1), page 1",
     "/defis/grand-comparatif/classement"),
    ("Rapport des points d'accord (groupes, consensus, divisions)",
     "/defis/grands-points-d-accord/points-d-accord/rapport"),
]


SIGNED_IN_LIST = "Idées du grand défi, citoyen connecté (ses soutiens et son vote affichés)"
SIGNED_IN_IDEA = "Page d'une idée, citoyen connecté"
SUPPORT = "Soutenir puis retirer (POST connecté, CSRF)"
SURVEY_ANSWER = "Répondre au questionnaire, 20 questions (POST connecté, CSRF)"
SURVEY_RESULTS = "Résultats du questionnaire, 100 000 répondants à l'échelle 1 (agent)"
MODERATION = "File de modération (agent connecté)"
SIGNED_IN_AGENDA = "Agenda du programme, citoyen connecté (ses inscriptions affichées)"
REGISTER = "S'inscrire puis se désinscrire, 30 places (POST connecté, CSRF)"
PAIRWISE_PAGE = "Comparer deux idées : la page de la paire (citoyen connecté)"
PAIRWISE_VOTE = "Comparer deux idées : choisir (POST connecté, CSRF, jeton à usage unique)"
STATEMENT_PAGE = "Points d'accord : la proposition suivante (citoyen connecté)"
STATEMENT_VOTE = "Points d'accord : répondre à une proposition (POST connecté, CSRF)"


def support_choices(conn, people_count: int) -> tuple[int, dict[str, int]]:
    """The most supported idea, and for each signed-in person (citoyen1…) a popular
    idea they neither wrote nor support yet (the seed is random): each support really
    inserts, each withdrawal deletes."""
    from sqlalchemy import bindparam, text

    idea_id = conn.execute(text(
        "SELECT id FROM ideas ORDER BY supports_count DESC LIMIT 1")).scalar_one()
    emails = [f"citoyen{n}@bench.consult.example" for n in range(1, people_count + 1)]
    people = dict(conn.execute(text("SELECT email, id FROM users WHERE email IN :emails")
                               .bindparams(bindparam("emails", expanding=True)),
                               {"emails": emails}).all())
    top = list(conn.execute(text(
        "SELECT id FROM ideas WHERE challenge_id = (SELECT id FROM challenges WHERE "
        "slug = 'grand-debat') ORDER BY supports_count DESC, id LIMIT 300")).scalars())
    taken = set(conn.execute(text(
        "SELECT user_id, idea_id FROM supports WHERE idea_id IN :ideas AND user_id IN "
        ":people").bindparams(bindparam("ideas", expanding=True),
                              bindparam("people", expanding=True)),
        {"ideas": top, "people": list(people.values())}).all())
    taken |= set(conn.execute(text(  # nobody supports their own idea
        "SELECT author_id, id FROM ideas WHERE id IN :ideas")
        .bindparams(bindparam("ideas", expanding=True)), {"ideas": top}).all())
    choice = {email: next(i for n, i in enumerate(top * 2)
                          if n >= position % len(top) and (people[email], i) not in taken)
              for position, email in enumerate(emails)}
    return idea_id, choice


def main(argv=None) -> Path:
    args = parse_args(argv)
    connections = [int(c) for c in args.connections.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-"))
    url, drop = prepare_database(args, workdir)
    env = dict(os.environ, CONSULT_DATABASE_URL=url, CONSULT_SECRET_KEY="bench-" + uuid.uuid4().hex,
               CONSULT_RATELIMIT_ENABLED="0", PYTHONPATH=str(ROOT))
    print(f"Base : {args.database} — échelle {args.scale}", flush=True)
    # each signed-in person answers one pair per vote POST: enough pairs for every row
    summary = seed_database(env, args.scale,
                            bench_pairs=max(200, 10 * args.duration * len(connections)))
    print(f"Données : {summary['citizens']} citoyens, {summary['ideas']} idées, "
          f"{summary['supports']} soutiens en {summary['seconds']:.1f} s", flush=True)
    if args.database == "sqlite":  # millions of rows went through the WAL: fold it into
        # the database (1.6 GB at scale 1), as a deployment's quiet hours would have done
        import sqlite3

        with sqlite3.connect(workdir / "bench.sqlite3") as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    summary["jobs"] = {} if args.only else job_figures(env, summary)  # rows chosen: no jobs
    consult = start_gunicorn("wsgi:app", 5601, args.workers, env)
    hello = start_gunicorn("bench.hello:app", 5602, args.workers, env)
    rows, peak = [], 0.0
    try:
        from sqlalchemy import create_engine, text

        people_count = min(PEOPLE, summary["citizens"] - 1)  # citoyen0 is the agent
        engine = create_engine(url)
        with engine.connect() as conn:
            summary["server"] = conn.execute(text(
                "SELECT version()" if args.database == "postgresql"
                else "SELECT 'SQLite ' || sqlite_version()")).scalar_one().split(" on ")[0]
            idea_id, choice = support_choices(conn, people_count)
            answers = survey_answers(conn, summary["survey_phase"], workdir)
        engine.dispose()
        base = "http://127.0.0.1:5601"
        sessions, signed = support_sessions(base, choice, workdir)
        with engine.connect() as conn:
            pairwise = pairwise_posts(conn, summary, signed, workdir)
            statements = statement_posts(conn, summary, signed, workdir)
        engine.dispose()
        registrations = workdir / "registrations.tsv"  # the same people, one contested event
        registrations.write_text("".join(
            "\t".join([*line.split("\t")[:2], str(summary["contested_event"])]) + "\n"
            for line in sessions.read_text().splitlines()))
        summary["queries"] = queries_per_page(env, idea_id, summary.get("topic", 0))
        agent_cookie, _ = sign_in(base, "citoyen0@bench.consult.example")
        watch = MemoryWatch(consult.pid)
        watch.start()
        for c in connections:
            with CpuWatch(hello.pid) as cpu:
                ceiling = wrk("http://127.0.0.1:5602/", c, args.duration)
            ceiling = cpu.figures(ceiling)
            rows.append(("Flask nu (« hello »)", c, ceiling, 1.0))
            for label, path in (p for p in PAGES if chosen(args, p[0])):
                # a peak is a steady state: each worker's page cache (and, for the random
                # order, its 64 permutations) warmed by one untimed second first
                url = "http://127.0.0.1:5601" + path.format(idea_id=idea_id,
                                                            topic_id=summary.get("topic", 0))
                wrk(url, c, 1)
                with CpuWatch(consult.pid) as cpu:
                    measured = wrk(url, c, args.duration)
                measured = cpu.figures(measured)
                rows.append((label, c, measured, measured["rps"] / ceiling["rps"]))
                print(f"  c={c:>3} {label:<45} {measured['rps']:8.1f} req/s "
                      f"p99 {measured['p99_ms']:7.1f} ms  {measured['errors']} erreurs  "
                      f"CPU {measured['cpu_ms']:.2f} ms/req, machine {measured['busy']:.0%}",
                      flush=True)
            survey = f"/defis/grand-questionnaire/questionnaires/{summary['survey_phase']}"
            for label, path, kwargs in (
                    (SIGNED_IN_LIST, "/defis/grand-debat?tri=soutiens",
                     {"sessions": sessions, "reading": True}),
                    (SIGNED_IN_IDEA, f"/idees/{idea_id}", {"sessions": sessions, "reading": True}),
                    (SUPPORT, "/", {"sessions": sessions}),
                    (MODERATION, "/moderation", {"cookie": agent_cookie}),
                    (SURVEY_ANSWER, survey, {"sessions": sessions, "answers": answers}),
                    (SURVEY_RESULTS, survey + "/resultats", {"cookie": agent_cookie}),
                    (SIGNED_IN_AGENDA, "/programmes/bench-mois",
                     {"sessions": sessions, "reading": True}),
                    (REGISTER, "/", {"sessions": registrations, "registering": True}),
                    (PAIRWISE_PAGE, "/defis/grand-comparatif/comparer",
                     {"sessions": sessions, "reading": True}),
                    (PAIRWISE_VOTE, "/", {"posts": pairwise}),
                    (STATEMENT_PAGE, "/defis/grands-points-d-accord/points-d-accord",
                     {"sessions": sessions, "reading": True}),
                    (STATEMENT_VOTE, "/", {"posts": statements})):
                if not chosen(args, label):
                    continue
                with CpuWatch(consult.pid) as cpu:
                    measured = wrk(base + path, c, args.duration, **kwargs)
                measured = cpu.figures(measured)
                rows.append((label, c, measured, measured["rps"] / ceiling["rps"]))
                print(f"  c={c:>3} {label:<45} {measured['rps']:8.1f} req/s "
                      f"p99 {measured['p99_ms']:7.1f} ms  {measured['errors']} erreurs  "
                      f"CPU {measured['cpu_ms']:.2f} ms/req, machine {measured['busy']:.0%}",
                      flush=True)
        watch.running = False
        peak = watch.peak
    finally:
        stop(consult)
        stop(hello)
        drop()
    output = args.output or RESULTS / (
        f"{datetime.now(UTC):%Y-%m-%d-%H%M}-{args.database}-scale-{args.scale}.md")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report(args, summary, rows, peak), encoding="utf-8")
    print(f"Rapport : {output}")
    return output


QUERY_PAGES = [  # (label, path): statements per page, the signed-in person's view
    ("Idées du grand défi, par soutiens", "/defis/grand-debat?tri=soutiens"),
    ("Page d'une idée", "/idees/{idea_id}"),
    ("Agenda du programme", "/programmes/bench-mois"),
    ("Agenda du programme filtré", "/programmes/bench-mois?territoire=59&theme=design"),
    ("Agenda de tous les événements", "/evenements"),
    ("Comparer deux idées", "/defis/grand-comparatif/comparer"),
    ("Classement du comparatif", "/defis/grand-comparatif/classement"),
    ("Points d'accord", "/defis/grands-points-d-accord/points-d-accord"),
    ("Rapport des points d'accord", "/defis/grands-points-d-accord/points-d-accord/rapport"),
    ("Idées filtrées par sujet émergent", "/defis/grand-debat?tri=soutiens&sujet={topic_id}"),
    ("Sujets émergents", "/defis/grand-debat/sujets"),
]

COUNT_QUERIES = """
import json, sys
from sqlalchemy import event
from consult import create_app
from consult.db import db
app = create_app()
app.config["WTF_CSRF_ENABLED"] = False  # signing in by a plain POST
counts = {}
with app.app_context():
    engine = db.engine
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(1))
    client = app.test_client()
    client.post("/connexion", data={"email": "citoyen1@bench.consult.example",
                                    "password": "banc-d-essai-2026"})
    for label, path in json.loads(sys.argv[1]):
        client.get(path)  # warm: the first request of a worker loads its settings
        statements.clear()
        status = client.get(path).status_code
        counts[label] = len(statements) if status == 200 else -status
print(json.dumps(counts))
"""


def queries_per_page(env: dict, idea_id: int, topic_id: int = 0) -> dict:
    """Statements each page sends to the database, for a signed-in citizen (the page
    cache serves anonymous visitors): the agenda's budget is the idea list's."""
    pages = [(label, path.format(idea_id=idea_id, topic_id=topic_id))
             for label, path in QUERY_PAGES]
    done = subprocess.run([sys.executable, "-c", COUNT_QUERIES, json.dumps(pages)], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def gunicorn_settings() -> dict:
    """worker_class and threads as gunicorn.conf.py sets them for every server here."""
    settings: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), settings)  # noqa: S102  (our own file)
    return {"worker_class": settings.get("worker_class", "sync"),
            "threads": settings.get("threads", 1)}


def durability(args) -> str:
    if args.database == "postgresql":
        return "PostgreSQL, synchronous_commit par défaut (on) : chaque écriture confirmée " \
               "est sur disque"
    mode = os.environ.get("CONSULT_SQLITE_SYNCHRONOUS", "full").lower()
    return ("SQLite synchronous=FULL : chaque écriture confirmée est sur disque"
            if mode == "full" else
            "SQLite synchronous=NORMAL (choisi) : une coupure de courant peut perdre les "
            "dernières écritures")


def report(args, summary, rows, peak) -> str:
    info = machine()
    server = gunicorn_settings()
    lines = [
        f"# Banc d'essai Consult — {args.database}, échelle {args.scale}",
        "",
        f"- Date : {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine : {info['cores']} cœurs, {info['memory_mb']} Mio, {info['platform']}",
        f"- Versions : Python {info['python']}, Flask {info['flask']}, "
        f"SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']}, {info['wrk']}",
        f"- Base : {summary.get('server', args.database)}",
        f"- gunicorn : {args.workers} workers {server['worker_class']} × {server['threads']} "
        "fils (gunicorn.conf.py), pour Consult comme pour le Flask nu",
        f"- Durabilité : {durability(args)}",
        f"- Données : {summary['citizens']} citoyens, {summary['ideas']} idées dans le grand "
        f"défi, {summary['supports']} soutiens, {summary['comments']} commentaires ; "
        f"à modérer, {summary['pending_ideas']} idées en attente et des signalements "
        f"ouverts sur {summary['reported_ideas']} idées et {summary['reported_comments']} "
        "commentaires ; "
        f"chargées en {summary['seconds']:.1f} s (insertions groupées) ; un questionnaire "
        f"ouvert de {summary['questions']} questions et {summary['respondents']} répondants ; "
        f"un programme de {summary['events']} événements et {summary['registrations']} "
        f"inscriptions ; une comparaison deux à deux de {summary['pairwise_ideas']} idées "
        f"et {summary['pairwise_votes']} choix de {summary['pairwise_voters']} personnes ; "
        f"{summary['statements']} propositions « points d'accord » et "
        f"{summary['statement_votes']} votes de {summary['statement_voters']} personnes",
        f"- Mesure : wrk, {args.duration} s par ligne après 1 s de mise en route (caches "
        "des workers chauds, comme au cœur d'un pic), sur 127.0.0.1 ; visiteurs anonymes "
        "sans cookie (chacun est un nouveau visiteur : nouvelle session, nouveau jeton)",
        f"- Mémoire résidente maximale d'un worker Consult : {peak:.0f} Mio",
        "",
        "| page | connexions | req/s | % du Flask nu | p50 ms | p95 ms | p99 ms | erreurs "
        "| CPU des workers, ms/req | machine occupée |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, c, m, ratio in rows:
        if m.get("refused"):
            label = f"{label} ({m['refused']} refus 409)"
        lines.append(f"| {label} | {c} | {m['rps']:.0f} | {ratio * 100:.0f} % | "
                     f"{m['p50_ms']:.1f} | {m['p95_ms']:.1f} | {m['p99_ms']:.1f} | "
                     f"{m['errors']} | {m['cpu_ms']:.2f} | {m['busy'] * 100:.0f} % |")
    jobs = summary.get("jobs") or {}
    if jobs:
        lines += ["", "Tâches de fond (chacune dans son processus, file Huey) :", "",
                  "| tâche | durée | mémoire du processus (avant → pic) |", "|---|---:|---:|"]
        for kind, label in (("pairwise", "Scores Bradley–Terry de la comparaison "
                             f"({summary['pairwise_votes']} choix)"),
                            ("statements", "Groupes d'opinion "
                             f"({summary['statement_votes']} votes)"),
                            ("topics", "Sujets émergents et doublons possibles du grand "
                             f"défi ({summary['ideas']} idées)")):
            if kind in jobs:
                job = jobs[kind]
                lines.append(f"| {label} | {job['seconds']:.1f} s | {job['rss_before_mb']} → "
                             f"{job['peak_mb']} Mio |")
        if "draw" in jobs:
            lines += ["", f"Tirage d'une paire (le travail de chaque page « comparer » "
                      f"après un choix), mesuré dans le processus sur {jobs['draw']['draws']} "
                      f"personnes : médiane {jobs['draw']['median_ms']} ms, p95 "
                      f"{jobs['draw']['p95_ms']} ms. La ligne « la page de la paire » "
                      "ci-dessus montre la paire en attente (rechargement) ; chaque choix "
                      "ajoute un tirage."]
    queries = summary.get("queries") or {}
    if queries:
        lines += ["", "Requêtes SQL par page (citoyen connecté, mesurées dans le processus) :",
                  "", "| page | requêtes |", "|---|---:|"]
        lines += [f"| {label} | {count} |" for label, count in queries.items()]
    lines += ["", "CPU des workers : le temps de processeur des workers de gunicorn pendant la "
              "ligne (/proc), divisé par les requêtes servies. Machine occupée : la part des "
              "cœurs occupés pendant la ligne, par tous les processus (wrk compris). Une ligne "
              "près de 100 % est limitée par le processeur ; une ligne bien en dessous attend "
              "autre chose (le tour de l'écrivain unique de SQLite, un disque, un verrou)."]
    lines += ["", "Refus 409 : quand gunicorn ferme une connexion (fin du keepalive), wrk, en "
              "se reconnectant, abandonne parfois une requête déjà préparée, ce qui décale "
              "d'un cran l'alternance soutenir/retirer d'une personne : l'application refuse "
              "alors à bon droit de retirer un soutien qu'elle n'a jamais reçu. Ces refus sont "
              "comptés à part ; toute autre réponse ≥ 400 est une erreur.",
              "", "Chiffres d'une seule exécution : à comparer entre eux (même machine, même "
              "exécution), pas à prendre comme absolus.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
