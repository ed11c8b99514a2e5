"""``make cluster``: Consult past one machine, proven on this one.

Starts, on this machine (as root):

- a PostgreSQL primary and its streaming read replica (``pg_basebackup``), two clusters
  on ports 55432 and 55433, and a Redis on 56379, all on a bridge at 10.77.0.1;
- ``--hosts`` Consult web hosts (3 by default), each a network namespace with its own
  address (10.77.0.11, .12, .13) running gunicorn (Consult and a bare Flask « hello »)
  and the mail worker, with its own instance folder, as separate machines would;
- HAProxy (Debian's) in front, on 127.0.0.1:8090 (Consult) and 8091 (« hello »),
  health-checking each host.

Then it measures through HAProxy what people do (the same rows as ``make bench``,
each as a share of the « hello » ceiling through the same HAProxy and hosts), proves
that shared state is shared (sessions opened on one host used on all, rate limits
counted once for all hosts in Redis, each mail sent once by the hosts' workers), and
under a load of people supporting and reading back their supports: SIGKILLs every
process of one host, stops the replica, stops Redis. It checks that no acknowledged
write is lost, that every person read their own writes, which errors happened (and
when), and that ``flask check`` passes. The report goes to bench/results/."""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench import run as bench
from bench.cluster import network
from bench.cluster.postgres import PostgresPair

ROOT = bench.ROOT
LB_PORT, HELLO_LB_PORT = 8090, 8091
WEB_PORT, HELLO_PORT = 8000, 8001
PRIMARY_PORT, REPLICA_PORT, REDIS_PORT = 55432, 55433, 56379
LB = f"http://127.0.0.1:{LB_PORT}"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument("--scale", type=float, default=0.02,
                        help="the seed of make bench (1.0 = 200,000 ideas)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--connections", default="32")
    parser.add_argument("--people", type=int, default=48, help="signed-in citizens")
    parser.add_argument("--fault-seconds", type=int, default=30,
                        help="length of the load during which the faults happen")
    parser.add_argument("--output", type=Path, default=None)
    return parser.parse_args(argv)


class Browser:
    """One person: cookies kept; the address they come from (``X-Forwarded-For``, read
    by a host when it is reached directly, as from a proxy of its own)."""

    def __init__(self, base: str, address: str | None = None) -> None:
        self.base, self.address = base, address
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = ""

    def open(self, path: str, data: dict | None = None, json_answer: bool = False,
             base: str | None = None) -> tuple[int, str]:
        headers = {"Accept": "application/json"} if json_answer else {}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - http:// of our own cluster
            (base or self.base) + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        found = re.search(r'name="csrf_token" value="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        return status, text

    def sign_in(self, email: str, base: str | None = None) -> None:
        self.open("/connexion", base=base)
        status, page = self.open("/connexion", {"csrf_token": self.token, "email": email,
                                                "password": bench.PASSWORD}, base=base)
        if status != 200 or "/deconnexion" not in page:
            raise RuntimeError(f"{email} could not sign in ({status})")
        self.open("/mon-espace", base=base)  # a token for the session's forms

    def move_to(self, base: str) -> None:
        """Signed in on a host reached directly, the browser goes on through ``base``
        (HAProxy): its cookies are given to that address, as a shared domain would."""
        import copy

        host = urllib.parse.urlsplit(base).hostname
        cookies = list(self.jar)
        self.jar.clear()
        for cookie in cookies:
            moved = copy.copy(cookie)
            moved.domain = host
            self.jar.set_cookie(moved)
        self.base, self.address = base, None

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar if c.name != "consult_lsn")


class Cluster:
    def __init__(self, args, workdir: Path) -> None:
        self.args, self.workdir = args, workdir
        self.pair = PostgresPair(PRIMARY_PORT, REPLICA_PORT,
                                 listen=f"127.0.0.1,{network.GATEWAY}")
        self.hosts: dict[int, dict[str, subprocess.Popen]] = {}
        self.redis: subprocess.Popen | None = None
        self.haproxy: subprocess.Popen | None = None
        self.env = dict(
            os.environ, PYTHONPATH=str(ROOT), CONSULT_DATABASE_URL=self.pair.url(),
            CONSULT_DATABASE_REPLICA_URL=self.pair.url("replica"),
            CONSULT_REDIS_URL=f"redis://{network.GATEWAY}:{REDIS_PORT}/0",
            CONSULT_SECRET_KEY="cluster-" + uuid.uuid4().hex, CONSULT_BASE_URL=LB,
            CONSULT_PROXY_COUNT="1", CONSULT_RATELIMIT_ENABLED="1", CONSULT_MAIL_CONSOLE="1",
            CONSULT_SMTP_HOST="")

    # -- starting and stopping -------------------------------------------------------
    def start(self) -> dict:
        network.up(self.args.hosts)
        self.pair.start()
        self.start_redis()
        summary = bench.seed_database(self.env, self.args.scale)
        self.pair.wait_caught_up(timeout=300)
        for number in range(1, self.args.hosts + 1):
            self.start_host(number)
        self.start_haproxy()
        return summary

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--bind", network.GATEWAY, "--port", str(REDIS_PORT), "--save",
             "", "--appendonly", "no", "--protected-mode", "no"],
            stdout=(self.workdir / "redis.log").open("ab"), stderr=subprocess.STDOUT)
        time.sleep(0.3)

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=10)
            self.redis = None

    def log(self, number: int, what: str) -> Path:
        return self.workdir / f"host{number}-{what}.log"

    def start_host(self, number: int) -> None:
        address = network.host_address(number)
        env = dict(self.env, CONSULT_INSTANCE_PATH=str(self.workdir / f"host{number}"))
        python = sys.executable

        def spawn(what: str, command: list[str]) -> subprocess.Popen:
            return subprocess.Popen(network.in_host(number, command), cwd=ROOT, env=env,
                                    start_new_session=True,
                                    stdout=self.log(number, what).open("ab"),
                                    stderr=subprocess.STDOUT)

        gunicorn = [python, "-m", "gunicorn", "--workers", str(self.args.workers),
                    "--log-level", "warning"]
        self.hosts[number] = {
            "web": spawn("web", [*gunicorn, "--bind", f"{address}:{WEB_PORT}", "wsgi:app"]),
            "hello": spawn("hello", [*gunicorn, "--bind", f"{address}:{HELLO_PORT}",
                                     "bench.hello:app"]),
            "worker": spawn("mail", [python, "-m", "flask", "--app", "consult", "worker",
                                     "--interval", "1"]),
        }
        wait_for(f"http://{address}:{WEB_PORT}/sante")
        wait_for(f"http://{address}:{HELLO_PORT}/")

    def start_haproxy(self) -> None:
        servers = "\n".join(f"    server web{n} {network.host_address(n)}:{{port}}"
                            for n in range(1, self.args.hosts + 1))
        config = HAPROXY.format(lb=LB_PORT, hello=HELLO_LB_PORT,
                                consult_servers=servers.format(port=WEB_PORT),
                                hello_servers=servers.format(port=HELLO_PORT))
        path = self.workdir / "haproxy.cfg"
        path.write_text(config)
        self.haproxy = subprocess.Popen(["haproxy", "-f", str(path), "-db"],
                                        stdout=(self.workdir / "haproxy.log").open("ab"),
                                        stderr=subprocess.STDOUT)
        time.sleep(0.3)
        if self.haproxy.poll() is not None:
            raise RuntimeError("HAProxy did not start: " + (self.workdir / "haproxy.log")
                               .read_text()[-1500:])
        wait_for(LB + "/sante")

    def stop(self) -> None:
        if self.haproxy is not None:
            self.haproxy.terminate()
        for number in self.hosts:
            network.kill_host(number)
        self.stop_redis()
        self.pair.stop()
        network.down(self.args.hosts)

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "consult", *args],
                              cwd=ROOT, env=dict(self.env, CONSULT_INSTANCE_PATH=str(
                                  self.workdir / "admin")), capture_output=True, text=True)

    def sql(self, statement: str, which: str = "primary", **params):
        from sqlalchemy import create_engine, text

        engine = create_engine(self.pair.url(which))
        try:
            with engine.connect() as conn:
                return conn.execute(text(statement), params).all()
        finally:
            engine.dispose()

    def rss_peak(self) -> float:
        return max((bench.rss_mb(pid) for host in self.hosts.values()
                    for pid in bench.worker_pids(host["web"].pid)), default=0.0)


HAPROXY = """global
    maxconn 4096

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    # a host busy with the load answers its health check late, not never: without this
    # the check's whole timeout is « inter » (500 ms), two slow answers mark every host
    # down and HAProxy answers 503 to a whole row; a killed host still fails at once
    # (connection refused)
    timeout check 5s
    option forwardfor
    option http-server-close
    option redispatch
    retries 3
    # a request that never reached a host goes to another; a GET or HEAD that reached
    # a host which died under it is asked again of another (it changes nothing); a
    # POST that reached it is not replayed elsewhere: its outcome is unknown (502)
    retry-on conn-failure empty-response response-timeout

frontend consult
    bind 127.0.0.1:{lb}
    default_backend consult

frontend hello
    bind 127.0.0.1:{hello}
    default_backend hello

backend consult
    balance roundrobin
    http-request disable-l7-retry if !METH_GET
    option httpchk GET /sante
    http-check expect status 200
    default-server check inter 500ms fall 2 rise 2
{consult_servers}

backend hello
    balance roundrobin
    default-server check inter 500ms fall 2 rise 2
{hello_servers}
"""


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own hosts
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


# -- proofs ---------------------------------------------------------------------------
def sign_in_people(cluster: Cluster, choice: dict[str, int]) -> list[tuple[Browser, int]]:
    """Each person signs in on one host, reached directly (from an address of their
    own, so that the login limits per address see them apart), then browses through
    HAProxy on every host: sessions are shared."""
    people = []
    for n, (email, idea) in enumerate(choice.items()):
        host = n % cluster.args.hosts + 1
        browser = Browser(LB, address=f"10.99.{n // 250}.{n % 250 + 1}")
        browser.sign_in(email, base=f"http://{network.host_address(host)}:{WEB_PORT}")
        browser.move_to(LB)
        people.append((browser, idea))
    return people


def shared_sessions(people: list[tuple[Browser, int]], hosts: int) -> dict:
    """Every person's page through HAProxy, on every host in turn, shows them signed in."""
    seen, signed_in = 0, 0
    for browser, _idea in people[:8]:
        for _ in range(hosts * 2):
            status, page = browser.open("/mon-espace")
            seen += 1
            signed_in += status == 200 and "/deconnexion" in page
    return {"pages": seen, "signed_in": signed_in}


def login_attempts(count: int) -> Counter:
    """Wrong passwords through HAProxy from one address (each for another account, so
    only the per-address limit counts them): the statuses."""
    statuses: Counter = Counter()
    browser = Browser(LB)
    for n in range(count):
        browser.open("/connexion")
        status, _ = browser.open("/connexion", {
            "csrf_token": browser.token, "email": f"personne{n}-{uuid.uuid4().hex[:6]}@x.example",
            "password": "pas le bon"})
        statuses[status] += 1
    return statuses


class Load(threading.Thread):
    """People supporting an idea and withdrawing, each reading the idea's page back
    after every acknowledged press (through HAProxy, so on any host): records what
    each press answered, and whether the page showed the person their own press."""

    def __init__(self, browser: Browser, idea: int, stop: threading.Event,
                 started: float) -> None:
        super().__init__(daemon=True)
        self.browser, self.idea, self.stop, self.started = browser, idea, stop, started
        self.statuses: Counter = Counter()
        self.failures: list[tuple[float, str]] = []  # (second, what)
        self.state: bool | None = None  # whether the person supports it, as last known
        self.reads = self.unseen = 0

    def run(self) -> None:
        status, page = self.safe_open(f"/idees/{self.idea}")
        if status == 200:
            self.state = f"/idees/{self.idea}/retirer-soutien" in page
        while not self.stop.is_set():
            action = "retirer-soutien" if self.state else "soutenir"
            status, _ = self.safe_open(f"/idees/{self.idea}/{action}", {
                "csrf_token": self.browser.token}, json_answer=True)
            self.statuses[status] += 1
            if status in (200, 409):  # done, or already so: the state is known
                self.state = action == "soutenir"
            else:
                self.state = None
                self.failures.append((time.monotonic() - self.started, str(status)))
                time.sleep(0.2)
                status, page = self.safe_open(f"/idees/{self.idea}")
                if status == 200:
                    self.state = f"/idees/{self.idea}/retirer-soutien" in page
                continue
            status, page = self.safe_open(f"/idees/{self.idea}")
            if status == 200:
                self.reads += 1
                self.unseen += (f"/idees/{self.idea}/retirer-soutien" in page) != self.state
            else:
                self.failures.append((time.monotonic() - self.started, f"GET {status}"))

    def safe_open(self, path: str, data: dict | None = None,
                  json_answer: bool = False) -> tuple[int, str]:
        try:
            return self.browser.open(path, data, json_answer=json_answer)
        except (OSError, http.client.HTTPException) as error:
            # connection reset, or an answer cut short, by a dying host: the press may
            # or may not have been committed, so its state is read back, never assumed
            return 0, str(error)


class Reader(threading.Thread):
    """An anonymous visitor browsing the pages everyone reads (kept pages, shared
    through Redis; the replica behind them) during the faults."""

    PAGES = ("/", "/defis/grand-debat?tri=soutiens", "/defis/grand-debat?tri=hasard",
             "/defis")

    def __init__(self, stop: threading.Event, started: float) -> None:
        super().__init__(daemon=True)
        self.stop, self.started = stop, started
        self.statuses: Counter = Counter()
        self.failures: list[tuple[float, str]] = []

    def run(self) -> None:
        browser = Browser(LB)
        while not self.stop.is_set():
            for path in self.PAGES:
                try:
                    status, _ = browser.open(path)
                except (OSError, http.client.HTTPException):
                    status = 0
                self.statuses[status] += 1
                if status != 200:
                    self.failures.append((time.monotonic() - self.started, f"GET {status}"))


def faults_under_load(cluster: Cluster, people: list[tuple[Browser, int]],
                      user_ids: dict[str, int], emails: list[str]) -> dict:
    seconds = cluster.args.fault_seconds
    stop = threading.Event()
    started = time.monotonic()
    loads = [Load(browser, idea, stop, started) for browser, idea in people]
    readers = [Reader(stop, started) for _ in range(4)]
    for thread in [*loads, *readers]:
        thread.start()
    events = []

    def at(fraction: float, label: str, action) -> None:
        time.sleep(max(0.0, started + seconds * fraction - time.monotonic()))
        result = action()
        events.append((round(time.monotonic() - started, 1), label, result))

    victim = 2 if cluster.args.hosts > 1 else 1
    at(0.2, f"SIGKILL de tous les processus de l'hôte {victim}",
       lambda: f"{network.kill_host(victim)} processus")
    at(0.45, "arrêt du réplica PostgreSQL", lambda: cluster.pair.stop_replica() or "arrêté")
    login_during = {}
    at(0.65, "arrêt de Redis", lambda: cluster.stop_redis() or "arrêté")
    logins = threading.Thread(target=lambda: login_during.update(login_attempts(12)))
    at(0.75, "tentatives de connexion sans Redis (12, en parallèle de la charge)",
       lambda: logins.start() or "lancées")
    time.sleep(max(0.0, started + seconds - time.monotonic()))
    stop.set()
    for thread in [*loads, *readers]:
        thread.join(timeout=60)
    logins.join(timeout=120)
    elapsed = round(time.monotonic() - started, 1)

    statuses = sum((load.statuses for load in loads), Counter())
    failures = sorted(f for thread in [*loads, *readers] for f in thread.failures)
    pages = sum((reader.statuses for reader in readers), Counter())
    # every press whose answer said how things stand must be what the primary holds
    known = {(user_ids[email], load.idea): load.state
             for email, load in zip(emails, loads, strict=True) if load.state is not None}
    ideas = sorted({idea for _, idea in known})
    rows = {(user, idea) for user, idea in cluster.sql(
        "SELECT user_id, idea_id FROM supports WHERE idea_id = ANY(:ideas)", ideas=ideas)}
    lost = sum(1 for pair, supported in known.items() if supported and pair not in rows)
    phantom = sum(1 for pair, supported in known.items() if not supported and pair in rows)
    return {"seconds": elapsed, "events": events, "statuses": dict(statuses),
            "anonymous_pages": dict(pages),
            "failures": failures, "known": len(known), "lost": lost, "phantom": phantom,
            "reads": sum(load.reads for load in loads),
            "unseen": sum(load.unseen for load in loads),
            "login_without_redis": dict(login_during)}


def mail_across_hosts(cluster: Cluster, count: int = 300) -> dict:
    """Queue ``count`` mails; the hosts' workers send them: each exactly once."""
    marker = uuid.uuid4().hex[:8]
    script = ("from consult import create_app\nfrom consult.db import db\n"
              "from consult.core.outbox import OutboxMessage\n"
              "app = create_app()\nwith app.app_context():\n"
              f"    for n in range({count}):\n"
              f"        db.session.add(OutboxMessage(to_address=f'grappe-{marker}-{{n}}@x.example',"
              " subject='Essai de la grappe', body_text='Bonjour', kind='cluster'))\n"
              "    db.session.commit()\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=dict(
        cluster.env, CONSULT_INSTANCE_PATH=str(cluster.workdir / "admin")),
        capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        left = cluster.sql("SELECT count(*) FROM outbox_messages WHERE kind = 'cluster' "
                           "AND status <> 'sent'")[0][0]
        if not left:
            break
        time.sleep(0.5)
    printed: Counter = Counter()
    per_host: Counter = Counter()
    for number in cluster.hosts:
        for line in cluster.log(number, "mail").read_text(errors="replace").splitlines():
            if line.startswith(f"Mail to grappe-{marker}-"):
                printed[line] += 1
                per_host[number] += 1
    return {"queued": count, "left": left, "sent": len(printed),
            "twice": sum(1 for n in printed.values() if n > 1), "per_host": dict(per_host)}


def replica_share(cluster: Cluster) -> tuple[int, int]:
    """Transactions ended so far in database ``consult`` on the primary and on the
    replica: the COMMITs and ROLLBACKs counted by pg_stat_statements the moment they run
    (the server's own count, ``pg_stat_database``, is flushed by each backend when it
    pleases: up to ten seconds after a run, a quarter of a two-second run was missing)."""
    query = ("SELECT coalesce(sum(s.calls), 0) FROM stats.pg_stat_statements s "
             "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'consult' "
             "AND upper(s.query) IN ('COMMIT', 'ROLLBACK')")
    return int(cluster.sql(query)[0][0]), int(cluster.sql(query, "replica")[0][0])


def warnings_logged(cluster: Cluster) -> dict[str, int]:
    patterns = {"réplica écarté": "read replica unavailable",
                "limites sans Redis": "falling back to in-memory storage",
                "cache de pages sans Redis": "page cache: Redis not answering"}
    found = dict.fromkeys(patterns, 0)
    for number in cluster.hosts:
        text = cluster.log(number, "web").read_text(errors="replace")
        for label, pattern in patterns.items():
            found[label] += text.count(pattern)
    return found


# -- the run --------------------------------------------------------------------------
def missing() -> str | None:
    """Why this machine cannot run the cluster, if it cannot."""
    from bench.cluster.postgres import server_bin

    if os.geteuid() != 0:
        return "make cluster crée des espaces de noms réseau : lancez-le en root."
    for program in ("ip", "haproxy", "redis-server", "wrk"):
        if shutil.which(program) is None:
            return f"{program} manque (make tools installe haproxy et wrk)."
    if server_bin() is None:
        return "le serveur PostgreSQL de Debian manque (paquet postgresql)."
    return None


def main(argv=None) -> tuple[Path, dict]:
    args = parse_args(argv)
    if missing():
        sys.exit(missing())
    workdir = Path(tempfile.mkdtemp(prefix="consult-cluster-"))
    cluster = Cluster(args, workdir)
    result: dict = {"args": vars(args) | {"output": None}, "rows": []}
    try:
        print(f"Grappe : {args.hosts} hôtes × {args.workers} workers, échelle {args.scale}",
              flush=True)
        summary = cluster.start()
        result["summary"] = summary
        people_count = min(args.people, summary["citizens"] - 1)
        from sqlalchemy import create_engine

        engine = create_engine(cluster.pair.url())
        with engine.connect() as conn:
            idea_id, choice = bench.support_choices(conn, people_count)
        engine.dispose()
        emails = list(choice)
        user_ids = dict(cluster.sql("SELECT email, id FROM users WHERE email LIKE "
                                    "'citoyen%@bench.consult.example'"))
        people = sign_in_people(cluster, choice)
        result["sessions"] = shared_sessions(people, args.hosts)
        result["limits_shared"] = dict(login_attempts(36))
        print(f"Sessions partagées : {result['sessions']}; limites : "
              f"{result['limits_shared']}", flush=True)

        sessions = workdir / "sessions.tsv"
        sessions.write_text("".join(f"{b.cookie()}\t{b.token}\t{i}\n" for b, i in people))
        agent = Browser(LB, address="10.98.0.1")
        agent.sign_in("citoyen0@bench.consult.example",
                      base=f"http://{network.host_address(1)}:{WEB_PORT}")
        agent.move_to(LB)
        rows = [("Accueil", "/", {}),
                ("Idées du grand défi, par soutiens", "/defis/grand-debat?tri=soutiens", {}),
                ("Idées du grand défi, au hasard", "/defis/grand-debat?tri=hasard", {}),
                ("Page d'une idée", f"/idees/{idea_id}", {}),
                (bench.SIGNED_IN_LIST, "/defis/grand-debat?tri=soutiens",
                 {"sessions": sessions, "reading": True}),
                (bench.SIGNED_IN_IDEA, f"/idees/{idea_id}",
                 {"sessions": sessions, "reading": True}),
                (bench.SUPPORT, "/", {"sessions": sessions}),
                (bench.MODERATION, "/moderation", {"cookie": agent.cookie()})]
        for c in (int(x) for x in args.connections.split(",")):
            ceiling = bench.wrk(f"http://127.0.0.1:{HELLO_LB_PORT}/", c, args.duration)
            result["rows"].append(("Flask nu (« hello »)", c, ceiling, 1.0))
            for label, path, kwargs in rows:
                bench.wrk(LB + path, c, 1, **kwargs)  # page caches warmed
                before = replica_share(cluster)
                measured = bench.wrk(LB + path, c, args.duration, **kwargs)
                after = replica_share(cluster)
                measured["transactions"] = (after[0] - before[0], after[1] - before[1])
                result["rows"].append((label, c, measured, measured["rps"] / ceiling["rps"]))
                print(f"  c={c:>3} {label:<45} {measured['rps']:8.1f} req/s p99 "
                      f"{measured['p99_ms']:7.1f} ms  {measured['errors']} erreurs  "
                      f"transactions primaire/réplica {measured['transactions']}", flush=True)
        result["rss_mb"] = cluster.rss_peak()

        print("Pannes sous charge…", flush=True)
        result["faults"] = faults_under_load(cluster, people, user_ids, emails)
        result["warnings"] = warnings_logged(cluster)
        check = cluster.flask("check")
        result["check"] = (check.returncode, (check.stdout + check.stderr).strip()[-300:])
        print(json.dumps(result["faults"], default=str)[:1500], flush=True)

        # back to full strength: the host, the replica and Redis return
        cluster.start_redis()
        cluster.pair.start_replica()
        cluster.start_host(2 if args.hosts > 1 else 1)
        time.sleep(2)  # HAProxy's checks (rise 2 × 500 ms)
        result["mail"] = mail_across_hosts(cluster)
        result["back"] = shared_sessions(people, args.hosts)
        print(f"Courriels : {result['mail']}", flush=True)
    finally:
        cluster.stop()
    output = args.output or bench.RESULTS / f"{datetime.now(UTC):%Y-%m-%d-%H%M}-cluster.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report(result), encoding="utf-8")
    (output.with_suffix(".json")).write_text(json.dumps(result, default=str, indent=1))
    print(f"Rapport : {output} ; journaux des hôtes, de HAProxy et de Redis : {workdir}")
    return output, result


def report(result: dict) -> str:
    args, info = result["args"], bench.machine()
    summary = result.get("summary", {})
    lines = [
        f"# Consult en grappe — {args['hosts']} hôtes web, un primaire et son réplica",
        "",
        f"- Machine : {info['platform']}, {info['cores']} cœurs, {info['memory_mb']} Mo ; "
        f"Python {info['python']} ; {info['wrk']}",
        f"- Topologie : HAProxy (Debian) → {args['hosts']} hôtes (espaces de noms réseau, "
        f"gunicorn {args['workers']} workers chacun, plus le worker des courriels) → "
        "PostgreSQL primaire + réplica en flux (pg_basebackup), Redis (sessions en base, "
        "limites de débit et pages gardées partagées dans Redis). Tous sur les mêmes 2 "
        "cœurs : ces chiffres montrent le coût et la tenue de la topologie, pas un gain "
        "de capacité.",
        f"- Données : échelle {args['scale']} ({summary.get('citizens')} citoyens, "
        f"{summary.get('ideas')} idées, {summary.get('supports')} soutiens)",
        "",
        "| Ligne | Connexions | req/s | Part du plafond | p50 ms | p99 ms | Erreurs "
        "| Transactions primaire | Transactions réplica |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, c, measured, ratio in result["rows"]:
        primary, replica = measured.get("transactions", ("", ""))
        lines.append(f"| {label} | {c} | {measured['rps']:.0f} | {ratio:.0%} | "
                     f"{measured['p50_ms']:.1f} | {measured['p99_ms']:.1f} | "
                     f"{measured['errors']} | {primary} | {replica} |")
    faults = result.get("faults", {})
    lines += ["", f"Mémoire résidente maximale d'un worker : {result.get('rss_mb', 0):.0f} Mo.",
              "", "## État partagé entre les hôtes", "",
              f"- Sessions : {result.get('sessions')} (pages « Mon espace » lues par "
              "HAProxy sur tous les hôtes, la session ouverte sur un seul)",
              f"- Limites de débit : 36 mauvais mots de passe d'une même adresse, répartis "
              f"sur tous les hôtes → {result.get('limits_shared')} (la limite de 30 par "
              "adresse est comptée une fois pour toute la grappe)",
              f"- Courriels : {result.get('mail')}", "",
              f"## Pannes sous charge ({faults.get('seconds')} s, {args['people']} personnes "
              "qui soutiennent, retirent et relisent la page, 4 visiteurs anonymes)", ""]
    for second, label, outcome in faults.get("events", []):
        lines.append(f"- à {second} s : {label} ({outcome})")
    lines += ["", f"- Réponses aux boutons : {faults.get('statuses')}",
              f"- Pages lues par 4 visiteurs anonymes pendant ce temps : "
              f"{faults.get('anonymous_pages')}",
              f"- Échecs (seconde, réponse) : {faults.get('failures')}",
              f"- Écritures acquittées vérifiées sur le primaire : {faults.get('known')} ; "
              f"perdues : {faults.get('lost')} ; présentes alors que retirées : "
              f"{faults.get('phantom')}",
              f"- Relectures de sa propre action : {faults.get('reads')}, dont "
              f"{faults.get('unseen')} qui ne la montraient pas",
              f"- Avertissements journalisés : {result.get('warnings')}",
              f"- `flask check` : code {result.get('check', ('?', ''))[0]} — "
              f"{result.get('check', ('', ''))[1]}",
              f"- Après retour de l'hôte, du réplica et de Redis : {result.get('back')}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
