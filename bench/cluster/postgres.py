"""A PostgreSQL primary and its streaming read replica (``pg_basebackup``), two clusters
of Debian's PostgreSQL server in a scratch folder, each on its own port; for the
cluster run and the replica's tests. Run as root, the servers run as ``postgres``."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text


def server_bin() -> Path | None:
    """Debian's PostgreSQL server programs (the newest installed), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:  # the server refuses to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip() or done.stdout}")
    return done


class PostgresPair:
    """``start()`` creates both clusters and database ``consult`` on the primary."""

    def __init__(self, primary_port: int, replica_port: int,
                 listen: str = "127.0.0.1") -> None:
        self.bin = server_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's server is not installed (Debian: postgresql)")
        # a folder of its own under /tmp, which the postgres user can reach
        self.root = Path(tempfile.mkdtemp(prefix="consult-pg-"))
        self.primary_dir, self.replica_dir = self.root / "primary", self.root / "replica"
        self.primary_port, self.replica_port = primary_port, replica_port
        self.listen = listen
        self.host = listen.split(",")[-1].strip()  # the address clients are given

    def url(self, which: str = "primary", host: str | None = None) -> str:
        port = self.primary_port if which == "primary" else self.replica_port
        return f"postgresql+psycopg://postgres@{host or self.host}:{port}/consult"

    def _pg(self, program: str, *args: str) -> subprocess.CompletedProcess:
        return _as_postgres([str(self.bin / program), *args])

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._pg("initdb", "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--locale=C.UTF-8")
        settings = {
            "listen_addresses": f"'{self.listen}'", "port": str(self.primary_port),
            "unix_socket_directories": f"'{self.root}'", "wal_level": "replica",
            "max_wal_senders": "5", "hot_standby": "on", "max_connections": "200",
            "shared_buffers": "128MB", "fsync": "on", "synchronous_commit": "on",
            "hot_standby_feedback": "on",
            # counts each server's transactions as they end (pg_stat_database lags by up
            # to ten seconds: a backend flushes its counters at most once a second, and an
            # idle one only when a ten-second timer fires)
            "shared_preload_libraries": "'pg_stat_statements'",
        }
        with (self.primary_dir / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        with (self.primary_dir / "pg_hba.conf").open("a") as hba:
            hba.write("host all all 0.0.0.0/0 trust\nhost replication all 0.0.0.0/0 trust\n")
        self._pg("pg_ctl", "-D", str(self.primary_dir), "-l", str(self.root / "primary.log"),
                 "-w", "start")
        self._pg("createdb", "-h", str(self.root), "-p", str(self.primary_port), "-U",
                 "postgres", "consult")
        self._pg("psql", "-h", str(self.root), "-p", str(self.primary_port), "-U", "postgres",
                 "-d", "consult", "-c", "CREATE SCHEMA stats; "
                 "CREATE EXTENSION pg_stat_statements SCHEMA stats")
        self._pg("pg_basebackup", "-h", str(self.root), "-p", str(self.primary_port), "-U",
                 "postgres", "-D", str(self.replica_dir), "-R", "-X", "stream", "-c", "fast")
        with (self.replica_dir / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {self.replica_port}\n")
        self.start_replica()

    def start_replica(self) -> None:
        self._pg("pg_ctl", "-D", str(self.replica_dir), "-l", str(self.root / "replica.log"),
                 "-w", "start")

    def stop_replica(self) -> None:
        self._pg("pg_ctl", "-D", str(self.replica_dir), "-m", "fast", "-w", "stop")

    def replica_sql(self, statement: str):
        engine = create_engine(self.url("replica"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                return conn.execute(text(statement)).scalar()
        finally:
            engine.dispose()

    def pause_replay(self) -> None:
        self.replica_sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.replica_sql("SELECT pg_wal_replay_resume()")

    def wait_caught_up(self, timeout: float = 30) -> None:
        primary = create_engine(self.url("primary"), isolation_level="AUTOCOMMIT")
        with primary.connect() as conn:
            position = conn.execute(text("SELECT pg_current_wal_lsn()")).scalar()
        primary.dispose()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.replica_sql(f"SELECT pg_last_wal_replay_lsn() >= '{position}'::pg_lsn"):
                return
            time.sleep(0.1)
        raise TimeoutError("the replica did not catch up")

    def stop(self) -> None:
        for folder in (self.replica_dir, self.primary_dir):
            if (folder / "postmaster.pid").exists():
                with contextlib.suppress(RuntimeError):
                    self._pg("pg_ctl", "-D", str(folder), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
