"""The production rehearsal: the built wheel, as an IT team would run it.

    .venv/bin/python scripts/rehearsal.py --database-url postgresql+psycopg://.../hub_x

1. Build the wheel from a copy of the sources; make a fresh virtual environment in a
   temporary folder and install the locked dependencies and the wheel into it.
2. Against the (empty) PostgreSQL database given and Redis (``--redis-url``; a database
   number and a queue of the rehearsal's own), with a local SMTP server (aiosmtpd):
   migrate, load the demonstration data (the one step run with HUB_ENV=development, as
   the demo loader exists only there), and issue the keyworker an API token.
3. Start, as in production (HUB_ENV=production): gunicorn with 2 workers, a Celery worker
   and Celery beat.
4. Through the API, send a referral; the partner's email must arrive through the worker
   within ``--timeout`` seconds, and beat must hand the worker its every-minute sweep.
5. Stop everything with SIGTERM: each process must exit cleanly.

Prints each check, then a closing line ``rehearsal: N passed, N failed``; exits 1 if any
check failed. Nothing is left behind but the database, which the caller drops.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import redis
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
KEYWORKER = "keyworker@demo.hub.example"
PARTNER = "partner@demo.hub.example"
ACTIVE_CASE = "DEMO/00101/26"
PARTNER_ORGANISATION = "Turning Point Recovery"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Failed(Exception):
    """A check failed: the message says which, and why."""


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 Message accepted for delivery"

    def find(self, recipient: str, text: str) -> bool:
        with self.lock:
            return any(recipient in to and text in body for to, body in self.messages)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list, **kwargs) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)  # noqa: S603
    if result.returncode != 0:
        what = f"{Path(str(command[0])).name} {command[1:3]}"
        raise Failed(f"{what} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def wait_until(what: str, check, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Failed(f"{what}: not within {timeout:.0f}s")
        time.sleep(interval)


class Rehearsal:
    def __init__(self, options, work: Path):
        self.options = options
        self.work = work
        self.passed: list[str] = []
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.inbox = Inbox()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.queue = f"hub-rehearsal-{uuid.uuid4().hex[:8]}"

    def check(self, name: str, step, *args):
        started = time.monotonic()
        result = step(*args)
        self.passed.append(name)
        say(f"  ok  {name} ({time.monotonic() - started:.1f}s)")
        return result

    # 1. The wheel in a fresh environment -----------------------------------------------

    def build_wheel(self) -> Path:
        source = self.work / "source"
        source.mkdir()
        shutil.copy(ROOT / "pyproject.toml", source)
        shutil.copytree(
            ROOT / "app", source / "app", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        dist = self.work / "dist"
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source])
        [wheel] = dist.glob("*.whl")
        return wheel

    def install(self, wheel: Path) -> Path:
        venv = self.work / "venv"
        run([sys.executable, "-m", "venv", venv])
        pip = [venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps"]
        run([*pip, "--require-hashes", "-r", ROOT / "requirements.lock"])
        run([*pip, wheel])
        return venv / "bin"

    # 2. Services and data ----------------------------------------------------------------

    def environment(self, smtp_port: int) -> dict:
        keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE"}
        return {
            **{key: value for key, value in os.environ.items() if key in keep},
            "HUB_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            # Production's other keys: two-factor secrets at rest, and the audit chain's HMAC.
            "TOTP_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "AUDIT_KEYS": f"rehearsal:{secrets.token_urlsafe(48)}",
            "DATABASE_URL": self.options.database_url,
            "CELERY_BROKER_URL": self.options.redis_url,
            "CELERY_QUEUE": self.queue,
            "RATELIMIT_STORAGE_URI": self.options.redis_url,
            "CACHE_REDIS_URL": self.options.redis_url,
            "NOTIFY_TRANSPORT": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "MAIL_FROM": "hub@rehearsal.example",
            "BASE_URL": self.base,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
        }

    def prepare(self, bin_dir: Path, env: dict) -> str:
        run([bin_dir / "hub", "db", "upgrade"], cwd=self.work, env=env)
        run([bin_dir / "hub", "demo", "load"], cwd=self.work, env={**env, "HUB_ENV": "development"})
        issued = run(
            [bin_dir / "hub", "tokens", "create", "--email", KEYWORKER, "--days", "1"],
            cwd=self.work,
            env=env,
        )
        return issued.strip().splitlines()[-1]

    # 3. The processes --------------------------------------------------------------------

    def start(self, name: str, command: list, env: dict) -> None:
        self.logs[name] = self.work / f"{name}.log"
        with self.logs[name].open("w") as log:
            self.processes[name] = subprocess.Popen(  # noqa: S603
                command, cwd=self.work, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def start_all(self, bin_dir: Path, env: dict) -> None:
        celery = [bin_dir / "celery", "-A", "app.jobs.worker"]
        self.start("web", [bin_dir / "gunicorn", "-c", "python:app.gunicorn_conf"], env)
        self.start("worker", [*celery, "worker", "--concurrency", "2", "-l", "INFO"], env)
        schedule = self.work / "celerybeat-schedule"
        self.start("beat", [*celery, "beat", "-l", "INFO", "--schedule", schedule], env)

    def ready(self) -> dict:
        def answer():
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise Failed(f"{name} exited with {process.returncode}")
            try:
                status, body = self.request("GET", "/health/ready")
            except OSError:
                return None
            return body if status == 200 else None

        return wait_until("/health/ready answering 200", answer, self.options.timeout)

    # 4. A referral, through the API --------------------------------------------------------

    def request(self, method: str, path: str, body=None, token: str | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def send_referral(self, token: str) -> str:
        status, cases = self.request("GET", "/api/v1/cases?per_page=100", token=token)
        if status != 200:
            raise Failed(f"GET /api/v1/cases answered {status}: {cases}")
        [case] = [c for c in cases["items"] if c["crime_reference"] == ACTIVE_CASE]
        status, directory = self.request("GET", "/api/v1/organisations?per_page=200", token=token)
        if status != 200:
            raise Failed(f"GET /api/v1/organisations answered {status}: {directory}")
        [org] = [o for o in directory["items"] if o["name"] == PARTNER_ORGANISATION]
        status, referral = self.request(
            "POST",
            f"/api/v1/cases/{case['id']}/referrals",
            {
                "organisation_id": org["id"],
                "need": "Support to keep up with an alcohol service",
                "shared_categories": ["contact_details"],
            },
            token=token,
        )
        if status != 201:
            raise Failed(f"POST referral answered {status}: {referral}")
        return referral["reference"]

    def email_arrives(self, reference: str) -> None:
        wait_until(
            f"the partner's email for referral {reference}",
            lambda: self.inbox.find(PARTNER, f"New referral {reference}"),
            self.options.timeout,
        )
        log = self.logs["worker"]
        wait_until(
            "the worker's log of notifications.deliver",
            lambda: "notifications.deliver" in log.read_text() and "succeeded" in log.read_text(),
            10,
        )

    def beat_drives_the_worker(self) -> None:
        beat, worker = self.logs["beat"], self.logs["worker"]
        wait_until(
            "beat sending the every-minute sweep",
            lambda: "Sending due task deliver-outbox" in beat.read_text(),
            90,
        )
        wait_until(
            "the worker running the sweep",
            lambda: "Task notifications.sweep" in worker.read_text(),
            30,
        )

    # 5. Stopping ---------------------------------------------------------------------------

    def stop_all(self, *, strict: bool = True) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        problems = []
        for name, process in self.processes.items():
            try:
                code = process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                problems.append(f"{name} did not stop within 60s of SIGTERM")
                continue
            if code != 0:
                problems.append(f"{name} exited with {code}")
        self.processes.clear()
        if problems and strict:
            raise Failed("; ".join(problems))

    def show_logs(self) -> None:
        for name, path in self.logs.items():
            if path.exists():
                tail = path.read_text().splitlines()[-25:]
                say(f"--- {name} log (last lines) ---\n" + "\n".join(tail))

    def main(self) -> None:
        say("Production rehearsal")
        wheel = self.check("build the wheel", self.build_wheel)
        bin_dir = self.check("install the lock and the wheel in a fresh venv", self.install, wheel)
        smtp = Controller(self.inbox, hostname="127.0.0.1", port=free_port())
        smtp.start()
        try:
            env = self.environment(smtp.port)
            token = self.check("migrate, load demo data, issue a token", self.prepare, bin_dir, env)
            self.start_all(bin_dir, env)
            self.check("gunicorn (2 workers), worker and beat up: /health/ready", self.ready)
            reference = self.check("send a referral through the API", self.send_referral, token)
            self.check("the partner's email arrives via the worker", self.email_arrives, reference)
            self.check("beat hands the worker its sweep", self.beat_drives_the_worker)
            self.check("everything stops cleanly on SIGTERM", self.stop_all)
        finally:
            smtp.stop()
            if self.processes:
                self.stop_all(strict=False)
            server = redis.Redis.from_url(self.options.redis_url)
            server.delete(self.queue, *server.keys(f"_kombu.binding*.{self.queue}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--timeout", type=float, default=60, help="seconds for each wait")
    parser.add_argument("--logs", type=Path, help="a folder to copy the processes' logs to")
    options = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hub-rehearsal-") as work:
        rehearsal = Rehearsal(options, Path(work))
        failure = None
        try:
            rehearsal.main()
        except Failed as error:
            failure = str(error)
        except Exception as error:  # a crash of the rehearsal itself is a failure too
            failure = f"{type(error).__name__}: {error}"
        if failure:
            say(f"  FAILED: {failure}")
            rehearsal.show_logs()
        if options.logs:
            options.logs.mkdir(parents=True, exist_ok=True)
            for path in rehearsal.logs.values():
                shutil.copy(path, options.logs)
    seconds = time.monotonic() - started
    say(f"Production rehearsal {'FAILED' if failure else 'passed'} in {seconds:.0f}s")
    say(f"rehearsal: {len(rehearsal.passed)} passed, {1 if failure else 0} failed")
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
