"""The hub's benchmark (``make bench``): its pages and API lists under load, beside a bare
Flask page served the same way in the same run.

On a database made by ``flask demo scale`` (named by ``BENCH_DATABASE_URL``), it:

1. runs VACUUM (ANALYZE), as autovacuum would have on a live database, then gives each
   demo user a known two-factor secret and the supervisor and the partner API
   tokens (the bench's own sign-ins; nothing else is changed);
2. starts the hub under gunicorn (2 workers, ``app.gunicorn_conf``) and the bare page
   (``scripts/bench_bare.py``) the same way, with the sign-in rate limit off;
3. signs each role in over HTTP (password, then the TOTP code), as a browser does;
4. counts the SQL statements of one request to each page (a SQLAlchemy event, through
   Flask's test client with the same session cookie, on the same database);
5. measures each page with wrk (Debian's ``wrk``; installed with apt-get when missing and
   run as root): requests per second, p50 and p95, and the ratio to the bare page's
   requests per second, measured first and last;
6. prints a table and writes the results as JSON (``--out``, default
   ``docs/bench/bench-<cases>.json``).

Timings live here, never in the tests. On a shared machine they are noisy: compare the
ratios to the bare page, which share the noise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
LUA = ROOT / "scripts" / "bench_report.lua"
CSRF = re.compile(
    r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)
EMAILS = {
    "keyworker": "keyworker@demo.hub.example",
    "supervisor": "supervisor@demo.hub.example",
    "admin": "admin@demo.hub.example",
    "partner": "partner@demo.hub.example",
    "victim_liaison": "victim.liaison@demo.hub.example",
    "analyst": "analyst@demo.hub.example",
}
PASSWORD = "hub-demo-password-2026"  # noqa: S105 - the demo users' fictional password


def targets(ids: dict) -> list[tuple[str, str, str]]:
    """(name, role, path) of each measurement; a role of ``api:...`` uses its token."""
    return [
        ("victim liaison home", "victim_liaison", "/victims/"),
        ("API GET /cases as supervisor", "api:supervisor", "/api/v1/cases"),
        ("case page", "keyworker", f"/cases/{ids['case']}"),
        ("victim-update page", "victim_liaison", f"/victims/cases/{ids['victim_case']}"),
        ("team caseload, sorted by name, page 200", "supervisor", "/cases/team?sort=name&page=200"),
        ("team caseload", "supervisor", "/cases/team"),
        ("partner's referral page", "partner", f"/referrals/{ids['referral']}"),
        ("keyworker caseload", "keyworker", "/cases/"),
        ("partner inbox", "partner", "/referrals/inbox"),
        ("API GET /referrals as partner", "api:partner", "/api/v1/referrals"),
        ("search (keyworker)", "keyworker", f"/search/?q={ids['name']}"),
        ("search (supervisor)", "supervisor", f"/search/?q={ids['name']}"),
        ("tasks: keyworker", "keyworker", "/tasks/"),
        ("tasks: supervisor", "supervisor", "/tasks/"),
        ("tasks: admin", "admin", "/tasks/"),
        ("tasks: partner", "partner", "/tasks/"),
        ("tasks: victim liaison", "victim_liaison", "/tasks/"),
        ("reports dashboard (12 months)", "analyst", "/reports/"),
    ]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is not installed: sudo apt-get install wrk")
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)  # noqa: S607
    return shutil.which("wrk") or sys.exit("wrk did not install")


def prepare(app) -> tuple[dict, dict, dict]:
    """Known TOTP secrets for the demo users, API tokens, and the ids the pages need."""
    import pyotp
    from sqlalchemy import func, select

    from app.auth.models import User
    from app.auth.tokens import issue_token
    from app.cases.models import Case, CaseEvent, Person
    from app.extensions import db
    from app.referrals.models import Referral
    from app.victims.models import Victim

    with app.app_context():
        users = {
            role: db.session.scalar(select(User).where(User.email == email))
            for role, email in EMAILS.items()
        }
        missing = [role for role, user in users.items() if user is None]
        if missing:
            sys.exit(f"No demo user for {missing}: make the database with flask demo scale")
        secrets = {}
        for role, user in users.items():
            secrets[role] = pyotp.random_base32()
            user.totp_secret = secrets[role]
            user.totp_last_step = None
        tokens = {
            role: issue_token(users[role], days=1, name="bench").secret
            for role in ("supervisor", "partner")
        }
        keyworker = users["keyworker"]
        events = select(func.count()).where(CaseEvent.case_id == Case.id).scalar_subquery()
        case = db.session.execute(
            select(Case.id, Person.family_name)
            .join(Person)
            .where(Case.keyworker_id == keyworker.id, Case.status == "active")
            .order_by(events.desc())
            .limit(1)
        ).one()
        victim_case = db.session.scalar(
            select(Victim.case_id)
            .join(Case)
            .where(Case.status == "active")
            .order_by(Victim.case_id)
            .limit(1)
        )
        referral = db.session.scalar(
            select(Referral.id)
            .where(Referral.organisation_id == users["partner"].organisation_id)
            .order_by(Referral.sent_at.desc())
            .limit(1)
        )
        cases = db.session.scalar(select(func.count()).select_from(Case))
        db.session.commit()
    ids = {
        "case": case.id,
        "name": case.family_name,
        "victim_case": victim_case,
        "referral": referral,
    }
    return secrets, tokens, {"ids": ids, "cases": cases}


def vacuum(app) -> None:
    """VACUUM (ANALYZE) the freshly generated database, as autovacuum would long since have
    done on a live one: until then no page's index-only scan can skip the table rows."""
    from sqlalchemy import text

    from app.extensions import db

    started = time.monotonic()
    with app.app_context():
        engine = db.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))
    say(f"VACUUM (ANALYZE): {time.monotonic() - started:.0f} s")


def start(name: str, port: int, env: dict, app_uri: str | None, log_dir: Path) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "-c", "python:app.gunicorn_conf"]
    if app_uri:
        command.append(app_uri)
    log = open(log_dir / f"bench-{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(  # noqa: S603 - our own command line
        command,
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_up(url: str, seconds: int = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit(f"{url} did not answer in {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        sys.exit("No CSRF token on the sign-in page")
    return match.group(1) or match.group(2)


def sign_in(base: str, email: str, secret: str) -> requests.Session:
    from app.auth.mfa import code_for

    browser = requests.Session()
    form = browser.get(f"{base}/sign-in", timeout=30)
    answer = browser.post(
        f"{base}/sign-in",
        data={"csrf_token": csrf(form.text), "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or not answer.headers["Location"].endswith("/sign-in/code"):
        sys.exit(f"Sign-in of {email} failed: {answer.status_code}")
    form = browser.get(f"{base}/sign-in/code", timeout=30)
    answer = browser.post(
        f"{base}/sign-in/code",
        data={"csrf_token": csrf(form.text), "code": code_for(secret)},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        sys.exit(f"The code of {email} was refused: {answer.status_code}")
    return browser


def count_statements(app, path: str, cookies: dict, headers: dict) -> tuple[int, int]:
    """(status, SQL statements) of one request, through the test client."""
    from sqlalchemy import event

    from app.extensions import db

    statements = []

    def counted(*_args):
        statements.append(1)

    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        response = client.get(path, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return response.status_code, len(statements)


def wrk(url: str, headers: dict, args) -> dict:
    command = [
        args.wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "60s",
        "-s",
        str(LUA),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603 - our own command line
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 5300)))
    parser.add_argument("--only", help="measure only the targets whose name holds this text")
    parser.add_argument("--out", help="the JSON file (default docs/bench/bench-<cases>.json)")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgresql"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database made by flask demo scale")
    args.wrk = ensure_wrk()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "RATELIMIT_ENABLED": "false",
        "RATELIMIT_API": "1000000 per minute",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        # Pages only: the scheduled jobs (the hourly referral check, reminders) would
        # otherwise start in each worker (no broker here) and share the CPU with them.
        "BACKGROUND_TASKS": "manual",
    }
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # still stop the servers
    names = ("DATABASE_URL", "RATELIMIT_ENABLED", "RATELIMIT_API", "BACKGROUND_TASKS")
    os.environ.update({k: env[k] for k in names})
    from app import create_app

    app = create_app()
    vacuum(app)
    secrets, tokens, facts = prepare(app)
    hub_base, bare_base = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"
    log_dir = Path(os.environ.get("BENCH_LOG_DIR", tempfile.gettempdir()))
    hub = start("hub", args.port, env, None, log_dir)
    bare = start(
        "bare",
        args.port + 1,
        {**env, "PYTHONPATH": str(ROOT / "scripts")},
        "bench_bare:app",
        log_dir,
    )
    results, bare_runs = [], []
    try:
        wait_until_up(f"{hub_base}/health/ready")
        wait_until_up(f"{bare_base}/")
        browsers = {
            role: sign_in(hub_base, EMAILS[role], secret) for role, secret in secrets.items()
        }
        bare_runs.append(wrk(f"{bare_base}/", {}, args))
        say(
            f"bare page: {bare_runs[0]['rps']:.0f} req/s, p95 {bare_runs[0]['p95_ms']:.1f} ms",
        )
        for name, role, path in targets(facts["ids"]):
            if args.only and args.only not in name:
                continue
            if role.startswith("api:"):
                headers, cookies = {"Authorization": f"Bearer {tokens[role[4:]]}"}, {}
            else:
                cookies = browsers[role].cookies.get_dict()
                headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            first = requests.get(
                hub_base + path, headers=headers, allow_redirects=False, timeout=120
            )
            status, statements = count_statements(
                app, path, cookies, headers if not cookies else {}
            )
            measured = wrk(hub_base + path, headers, args)
            row = {
                "name": name,
                "role": role,
                "path": path.split("?")[0],
                "query": path.partition("?")[2],
            }
            row |= {
                "first_status": first.status_code,
                "first_ms": round(first.elapsed.total_seconds() * 1000, 1),
            }
            row |= {"sql_statements": statements, "test_client_status": status, **measured}
            results.append(row)
            say(
                f"{name}: {measured['rps']:.1f} req/s, p50 {measured['p50_ms']:.1f} ms, "
                f"p95 {measured['p95_ms']:.1f} ms, {statements} statements, "
                f"status {first.status_code}",
            )
        bare_runs.append(wrk(f"{bare_base}/", {}, args))
    finally:
        stop(hub)
        stop(bare)
    bare_rps = sum(run["rps"] for run in bare_runs) / len(bare_runs)
    for row in results:
        row["ratio_to_bare"] = round(row["rps"] / bare_rps, 4)
    report(results, bare_runs, bare_rps)
    out = Path(args.out or ROOT / "docs" / "bench" / f"bench-{facts['cases']}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "cases": facts["cases"],
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "settings": {
            "gunicorn_workers": 2,
            "connections": args.connections,
            "wrk_threads": args.threads,
            "seconds_per_page": args.duration,
        },
        "bare": bare_runs,
        "bare_rps_mean": round(bare_rps, 2),
        "pages": results,
    }
    out.write_text(json.dumps(document, indent=2) + "\n")
    say(f"Wrote {out}")


def report(results: list[dict], bare_runs: list[dict], bare_rps: float) -> None:
    say("")
    say(f"{'page':<40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'x bare':>7} {'SQL':>4} status")
    for run in bare_runs:
        say(
            f"{'bare Flask page':<40} {run['rps']:>8.1f} {run['p50_ms']:>8.1f} "
            f"{run['p95_ms']:>8.1f}"
        )
    for row in results:
        say(
            f"{row['name'][:40]:<40} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} "
            f"{row['ratio_to_bare']:>7.3f} {row['sql_statements']:>4} {row['first_status']:>6}"
        )
    say(f"(bare page mean: {bare_rps:.1f} req/s)")


if __name__ == "__main__":
    main()
