"""What every chaos scenario stands on: the private servers, the app's processes (gunicorn with the
production settings, Celery workers), an SMTP sink that counts each mail by its Message-ID, an HTTP
load generator, the outbox sweeper, and the result rows.

Nothing here touches the shared PostgreSQL (5432) or Redis (6379): the ports are checked at start.
"""

from __future__ import annotations

import contextlib
import email
import hashlib
import http.client
import json
import logging
import os
import select
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.common import collectstatic_unless_current

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "chaos"
LOG = VAR / "log"
PY = str(ROOT / ".venv" / "bin" / "python")
PG_CTL = "/usr/lib/postgresql/15/bin/pg_ctl"
SHARED_PG_PORT, SHARED_REDIS_PORT = 5432, 6379


class ChaosError(Exception):
    """A scenario could not do what it set out to (a timeout, a process that died): it fails."""


def log(msg: str) -> None:
    print(f"chaos {time.strftime('%H:%M:%S')} {msg}", flush=True)


def wait_for(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.1):
    """The predicate's first truthy value, polled; ChaosError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise ChaosError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# ---- configuration ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    pg_port: int
    redis_port: int
    web_port: int
    db: str
    pgdata: Path
    redis_dir: Path

    @classmethod
    def from_env(cls) -> Config:
        cfg = cls(
            pg_port=int(os.environ.get("CHAOS_PGPORT", 5441)),
            redis_port=int(os.environ.get("CHAOS_REDIS_PORT", 6391)),
            web_port=int(os.environ.get("CHAOS_WEB_PORT", 8791)),
            db=os.environ.get("CHAOS_DB", "salesmgmt_chaos"),
            pgdata=Path(os.environ.get("CHAOS_PGDATA", VAR / "pg")),
            redis_dir=Path(os.environ.get("CHAOS_REDIS_DIR", VAR / "redis")),
        )
        if cfg.pg_port == SHARED_PG_PORT or cfg.redis_port == SHARED_REDIS_PORT:
            raise SystemExit("chaos: refusing to run against the shared PostgreSQL / Redis ports")
        return cfg

    @property
    def database_url(self) -> str:
        return f"postgres://salesmgmt:salesmgmt@127.0.0.1:{self.pg_port}/{self.db}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def services_env(self) -> dict[str, str]:
        """What bin/services needs to (re)start exactly these private servers."""
        return {
            **os.environ,
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.pg_port),
            "PGDATA": str(self.pgdata),
            "REDIS_PORT": str(self.redis_port),
            "REDIS_DIR": str(self.redis_dir),
            # A broker keeps its queue over a restart (append-only file), as a production one would.
            "REDIS_APPENDONLY": "yes",
            "DB_NAME": self.db,
        }

    def app_env(self, sink_port: int) -> dict[str, str]:
        """The environment of every app process: production settings on the private servers."""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "salesmgmt.settings.prod",
            "SECRET_KEY": "chaos-not-a-production-secret-0123456789abcdefghijklmnopqrstuvwxyz",
            "SECURE_SSL_REDIRECT": "False",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.base_url,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CELERY_BROKER_URL": self.redis_url,
            "CACHE_URL": self.redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink_port),
            # Short clocks so recovery happens within the run: a task of a killed worker comes back
            # after 10 s, the sweeper takes a mail "sending" or "pending" for 15 s as lost.
            "CELERY_VISIBILITY_TIMEOUT": "10",
            "OUTBOX_STALE_MINUTES": "0.25",
            "LOG_LEVEL": "WARNING",
            "REPORTING_ROLLUP_PAUSE": "0",
        }


# ---- private servers ----------------------------------------------------------------------------


def run(cmd: list[str], env: dict | None = None, check: bool = True) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise ChaosError(f"{' '.join(cmd[:4])}… exited {done.returncode}: {done.stderr.strip()[-400:]}")
    return done.stdout


def psql(cfg: Config, sql: str, db: str = "postgres") -> str:
    cmd = ["psql", "-h", "127.0.0.1", "-p", str(cfg.pg_port), "-U", "postgres", "-d", db]
    return run([*cmd, "-v", "ON_ERROR_STOP=1", "-qtAX", "-c", sql]).strip()


def pg_restart(cfg: Config) -> None:
    """Restart the private cluster (fast shutdown: sessions are cut, as in a failover or an upgrade).
    The server's output goes to its log: a pipe it inherited would keep us waiting for its end."""
    cmd = [PG_CTL, "-D", str(cfg.pgdata), "-l", str(cfg.pgdata / "server.log"), "-m", "fast", "-w", "restart"]
    done = subprocess.run(
        ["runuser", "-u", "postgres", "--", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if done.returncode != 0:
        raise ChaosError(f"pg_ctl restart exited {done.returncode}")


def pg_up(cfg: Config) -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(cfg.pg_port)]).returncode == 0


def redis_stop(cfg: Config) -> None:
    run(["redis-cli", "-p", str(cfg.redis_port), "shutdown"], check=False)
    wait_for(lambda: not redis_up(cfg), 10, "Redis to stop")


def redis_up(cfg: Config) -> bool:
    out = subprocess.run(["redis-cli", "-p", str(cfg.redis_port), "ping"], capture_output=True, text=True)
    return out.stdout.strip() == "PONG"


def services(cfg: Config) -> None:
    """bin/services with the private ports and directories: starts whatever of them is down."""
    out = run([str(ROOT / "bin" / "services")], env=cfg.services_env())
    for line in out.splitlines():
        log(line)


def migration_stamp() -> str:
    """What the template database depends on: migrations, demo seeders, and the demo's today."""
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("apps/*/migrations/*.py")) + sorted(ROOT.glob("apps/*/demo.py"))
    # The apps' seeders, and their order (declared in apps.py); apps/tenancy/demo.py is the registry.
    files += sorted(ROOT.glob("apps/*/demo/*.py")) + sorted(ROOT.glob("apps/*/apps.py"))
    files.append(ROOT / "apps/sales/management/commands/seed_demo.py")
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    digest.update(datetime.now(UTC).date().isoformat().encode())
    return digest.hexdigest()


def prepare_database(cfg: Config, env: dict[str, str]) -> str:
    """A fresh database for this run, cloned from a migrated and seeded template (made again when
    migrations or seeders changed, or on a new day); returns what was done."""
    template = f"{cfg.db}_tpl"
    stamp_file = VAR / "template.stamp"
    stamp = migration_stamp()
    have = psql(cfg, f"SELECT 1 FROM pg_database WHERE datname = '{template}'") == "1"
    made = "reused"
    if not (have and stamp_file.exists() and stamp_file.read_text() == stamp):
        t0 = time.monotonic()
        psql(cfg, f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        psql(cfg, f"CREATE DATABASE {template} OWNER salesmgmt")
        tpl_env = {**env, "DATABASE_URL": cfg.database_url.rsplit("/", 1)[0] + f"/{template}"}
        run([PY, "manage.py", "migrate", "-v0"], env=tpl_env)
        run([PY, "manage.py", "seed_demo", "--tenant", "demo"], env=tpl_env)
        stamp_file.write_text(stamp)
        made = f"migrated and seeded in {time.monotonic() - t0:.0f} s"
    psql(cfg, f"DROP DATABASE IF EXISTS {cfg.db} WITH (FORCE)")
    psql(cfg, f"CREATE DATABASE {cfg.db} TEMPLATE {template} OWNER salesmgmt")
    # The demo's own mails count as delivered before the run, and its queued tasks are gone: what
    # the sink receives from here on is the scenarios' doing.
    psql(cfg, "UPDATE tenancy_outboxmail SET status = 'sent' WHERE status IN ('pending', 'sending')", cfg.db)
    run(["redis-cli", "-p", str(cfg.redis_port), "flushall"])
    collectstatic_unless_current(env)
    return made


# ---- app processes -----------------------------------------------------------------------------------


class Proc:
    """A child in its own session, so a kill reaches its whole process tree (gunicorn's and Celery's
    children too). Every Proc is stopped when the run ends, however it ends."""

    running: list[Proc] = []

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], pipes: bool = False):
        """pipes: talk to the child over its stdin/stdout (text lines); its stderr goes to the log."""
        LOG.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = LOG / f"{name}.log"
        self._log = open(self.log_path, "ab")  # noqa: SIM115 — closed in stop()/kill9()
        self.popen = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else self._log,
            stderr=self._log if pipes else subprocess.STDOUT,
            text=pipes,
            start_new_session=True,
        )
        self.pid = self.popen.pid
        Proc.running.append(self)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def _killpg(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)

    def kill9(self) -> None:
        """SIGKILL to the whole process group: no cleanup, no acknowledgements, no goodbye."""
        self._killpg(signal.SIGKILL)
        self.popen.wait(timeout=30)
        self._forget()

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (gunicorn and Celery finish what they are doing), then SIGKILL what is left."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        self._killpg(signal.SIGKILL)
        self.popen.wait(timeout=30)
        self._forget()

    def _forget(self) -> None:
        self._log.close()
        if self in Proc.running:
            Proc.running.remove(self)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    @classmethod
    def stop_all(cls) -> None:
        for proc in list(cls.running):
            try:
                proc._killpg(signal.SIGKILL)
                proc.popen.wait(timeout=10)
            except Exception:  # noqa: BLE001, S110 — cleanup goes on for the others
                pass
            proc._forget()


def start_web(cfg: Config, env: dict[str, str]) -> Proc:
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "salesmgmt.wsgi:application",
        "--bind", f"127.0.0.1:{cfg.web_port}", "--workers", "2", "--threads", "4",
        "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning",
    ]  # fmt: skip
    web = Proc("web", cmd, env)
    wait_for(lambda: http_status(cfg, "GET", "/accounts/login/") == 200, 60, "gunicorn to answer", 0.3)
    return web


_worker_count = 0


def start_worker(env: dict[str, str], concurrency: int = 1, **extra: str) -> Proc:
    """A Celery worker on the default queue; returns once it says it is ready."""
    global _worker_count
    _worker_count += 1
    name = f"worker-{_worker_count}"
    cmd = [
        str(ROOT / ".venv" / "bin" / "celery"), "-A", "salesmgmt", "worker", "-Q", "celery",
        "-c", str(concurrency), "-n", f"chaos-{name}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
    ]  # fmt: skip
    worker = Proc(name, cmd, {**env, **extra})

    def ready():
        if not worker.alive():
            raise ChaosError(f"{name} exited at start (see {worker.log_path})")
        return " ready." in worker.log_text()

    wait_for(ready, 60, f"{name} to be ready", 0.2)
    return worker


def http_status(cfg: Config, method: str, path: str, headers: dict | None = None, body=None) -> int | str:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", cfg.web_port, timeout=10)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__


# ---- the SMTP sink -------------------------------------------------------------------------------


@dataclass
class Accepted:
    at: float
    message_id: str
    to: str
    subject: str


class SmtpSink:
    """A small SMTP server on 127.0.0.1 that keeps what it accepts, keyed by Message-ID.

    Like a real server, it takes responsibility for a message only when it answers 250 to a live
    client: `hold` seconds after the data arrived (a slow relay, so a kill can land mid-send), it
    checks the connection is still open and otherwise discards the message — the client died
    before it could learn the mail was taken."""

    def __init__(self) -> None:
        self.hold = 0.0
        self.accepted: list[Accepted] = []
        self.discarded = 0
        self.holding = 0
        self.lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sink._converse(self.connection, self.rfile)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True, name="smtp-sink").start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _converse(self, sock: socket.socket, rfile) -> None:
        def say(*lines: str) -> None:
            sock.sendall("".join(line + "\r\n" for line in lines).encode())

        try:
            say("220 chaos-sink ESMTP")
            while True:
                line = rfile.readline()
                if not line:
                    return
                verb = line[:4].decode(errors="replace").upper()
                if verb == "EHLO":
                    say("250-chaos-sink", "250 8BITMIME")
                elif verb == "DATA":
                    say("354 end with <CRLF>.<CRLF>")
                    data = []
                    while True:
                        part = rfile.readline()
                        if not part:
                            return  # the client died mid-data: nothing was taken
                        if part in (b".\r\n", b".\n"):
                            break
                        data.append(part[1:] if part.startswith(b"..") else part)
                    if not self._accept(sock, b"".join(data)):
                        return
                    say("250 2.0.0 queued")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    say("250 OK")
        except OSError:
            return

    def _accept(self, sock: socket.socket, raw: bytes) -> bool:
        with self.lock:
            self.holding += 1
        try:
            if self.hold:
                time.sleep(self.hold)
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:  # the client sends nothing while it waits for our answer: this is EOF
                try:
                    gone = sock.recv(1, socket.MSG_PEEK) == b""
                except OSError:
                    gone = True
                if gone:
                    with self.lock:
                        self.discarded += 1
                    return False
            msg = email.message_from_bytes(raw)
            with self.lock:
                self.accepted.append(
                    Accepted(time.time(), str(msg["Message-ID"]), str(msg["To"]), str(msg["Subject"]))
                )
            return True
        finally:
            with self.lock:
                self.holding -= 1

    def counts(self, message_ids: set[str]) -> dict[str, int]:
        """How often each of these Message-IDs was accepted."""
        with self.lock:
            found = [a.message_id for a in self.accepted if a.message_id in message_ids]
        return {mid: found.count(mid) for mid in message_ids}


# ---- load ---------------------------------------------------------------------------------------------


@dataclass
class Hit:
    start: float
    end: float
    kind: str
    status: int | str

    @property
    def ok(self) -> bool:
        return isinstance(self.status, int) and 200 <= self.status < 400


@dataclass
class Identity:
    """Who the load acts as: a manager's browser session, a manager's and reps' API tokens, and a
    login for the (throttled, cache-backed) token endpoint."""

    session_cookie: str
    manager_token: str
    rep_tokens: list[str]
    username: str
    password: str
    tenant: str


class Load:
    """Threads that keep the app busy the way its users do: pages and API reads, a market report
    filed every `report_every` seconds (a write that enqueues a mail), a token obtained every
    `token_every` seconds (the endpoint whose throttle lives in the cache). Every request is kept."""

    def __init__(
        self,
        cfg: Config,
        who: Identity,
        threads: int = 3,
        report_every: float = 1.5,
        token_every: float = 10.0,  # under the per-username token rate (10/min)
    ):
        self.cfg, self.who = cfg, who
        self.hits: list[Hit] = []
        self.reports: list[int] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._reader, args=(i,), daemon=True) for i in range(threads)
        ]
        self._threads.append(
            threading.Thread(target=self._every, args=(report_every, self._report), daemon=True)
        )
        self._threads.append(
            threading.Thread(target=self._every, args=(token_every, self._token), daemon=True)
        )
        self._n = 0

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)

    def _request(self, kind: str, method: str, path: str, headers: dict, body: dict | None = None):
        start = time.time()
        status: int | str
        payload = b""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.cfg.web_port, timeout=15)
            data = json.dumps(body).encode() if body is not None else None
            if data is not None:
                headers = {**headers, "Content-Type": "application/json"}
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
            conn.close()
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
        hit = Hit(start, time.time(), kind, status)
        with self._lock:
            self.hits.append(hit)
        return hit, payload

    def _reader(self, index: int) -> None:
        who = self.who
        reads = [
            ("page", "/t/demo/notifications/", {"Cookie": f"sessionid={who.session_cookie}"}),
            ("api", "/api/v1/customers/", {"Authorization": f"Token {who.manager_token}"}),
            ("page", "/t/demo/reports/market/", {"Cookie": f"sessionid={who.session_cookie}"}),
            ("api", "/api/v1/notifications/", {"Authorization": f"Token {who.manager_token}"}),
        ]
        i = index
        while not self._stop.is_set():
            kind, path, headers = reads[i % len(reads)]
            self._request(kind, "GET", path, headers)
            i += 1
            self._stop.wait(0.05)

    def _every(self, seconds: float, action: Callable[[], None]) -> None:
        while not self._stop.wait(seconds):
            action()

    def _report(self) -> None:
        self._n += 1
        token = self.who.rep_tokens[self._n % len(self.who.rep_tokens)]
        body = {"title": f"Chaos market report {self._n}", "body": "Rival cut prices", "category": "price"}
        hit, payload = self._request(
            "report", "POST", "/api/v1/market-reports/", {"Authorization": f"Token {token}"}, body
        )
        if hit.status == 201:
            with self._lock:
                self.reports.append(json.loads(payload)["id"])

    def _token(self) -> None:
        who = self.who
        body = {"username": who.username, "password": who.password, "tenant": who.tenant, "name": "chaos"}
        self._request("token", "POST", "/api/v1/auth/token/", {}, body)

    def between(self, start: float, end: float) -> list[Hit]:
        """Requests that were in flight at some moment of [start, end]."""
        with self._lock:
            return [h for h in self.hits if h.end >= start and h.start <= end]


# ---- the run's context and results -------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    """What a scenario gets: the config, the app environment, the sink, the running processes and
    who the load acts as. A scenario that replaces the worker stores the new one here."""

    cfg: Config
    env: dict[str, str]
    sink: SmtpSink
    web: Proc
    worker: Proc
    who: Identity


@dataclass
class Result:
    scenario: str
    passed: bool
    did: str
    found: str
    figures: dict = field(default_factory=dict)
    seconds: float = 0.0

    def print(self) -> None:
        verdict = "PASS" if self.passed else "FAIL"
        print(f"\n[{verdict}] {self.scenario} ({self.seconds:.0f} s)", flush=True)
        print(f"  did:   {self.did}")
        print(f"  found: {self.found}")
        print("  figures: " + ", ".join(f"{k}={v}" for k, v in self.figures.items()), flush=True)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # The driver reports through its results; the app's warnings (a broker or database that is
    # down on purpose) are in the web and worker logs.
    logging.getLogger().setLevel(logging.CRITICAL)


class Sweeper(threading.Thread):
    """The outbox sweep the beat runs every few minutes, here every 3 s (with the run's 15 s
    staleness): it re-enqueues mails a killed worker or a broker outage left behind."""

    def __init__(self) -> None:
        super().__init__(daemon=True, name="outbox-sweeper")
        self._halt = threading.Event()
        self.swept = 0
        self.errors = 0

    def run(self) -> None:
        from django.db import close_old_connections

        from apps.tenancy.notifications import outbox_sweep

        while not self._halt.wait(3):
            try:
                close_old_connections()
                self.swept += outbox_sweep()
            except Exception:  # noqa: BLE001 — the database or broker is down: try again next tick
                self.errors += 1

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=15)
