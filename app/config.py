"""Settings, read from the environment with safe development defaults."""

from __future__ import annotations

import os
import re
from pathlib import Path

from dotenv import find_dotenv, load_dotenv

from app.auth.encryption import key_problem, parse_keys

DEVELOPMENT_SECRET = "dev-only-secret-key-not-for-production"  # noqa: S105
# Encrypts TOTP secrets outside production only; production refuses to start with it.
DEVELOPMENT_TOTP_KEY = "ZGV2LW9ubHktdG90cC1rZXktbm90LWZvci1wcm9kISE="
DEVELOPMENT_AUDIT_KEYS = "dev:dev-only-audit-key-not-for-production"
AUDIT_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")
MINIMUM_SECRET_LENGTH = 32
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


RETENTION_SETTINGS = (
    "RETENTION_CASE_YEARS",
    "RETENTION_INELIGIBLE_YEARS",
    "RETENTION_VICTIM_CONTACT_YEARS",
)


class ConfigurationError(RuntimeError):
    """The settings are unsafe or incomplete for the environment they are in."""


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the settings dict. ``overrides`` (tests) win over the environment."""
    load_dotenv(find_dotenv(usecwd=True), override=False)  # .env in the working directory
    env = os.environ.get("HUB_ENV", "development")
    default_db = "sqlite:///" + str(Path(instance_path) / "hub.sqlite3")
    config: dict = {
        "HUB_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET),
        # The audit chain's HMAC keys, "id:key,id:key": the last signs new entries; the
        # others still verify what they signed. Kept out of the database, like SECRET_KEY.
        "AUDIT_KEYS": os.environ.get("AUDIT_KEYS") or DEVELOPMENT_AUDIT_KEYS,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        # hide_parameters: a database error never carries the statement's values (a
        # person's details) into an exception, so into no log or error report.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "SERVICE_NAME": os.environ.get("SERVICE_NAME", "Virtual offender hub"),
        "FORCE_NAME": os.environ.get("FORCE_NAME", "Exampleshire Police"),
        # Who users should contact for help, shown on the help page (a team, not a person).
        "HELP_CONTACT_TEAM": os.environ.get(
            "HELP_CONTACT_TEAM", "The out-of-court resolutions team"
        ),
        "HELP_CONTACT_EMAIL": os.environ.get("HELP_CONTACT_EMAIL", ""),
        "HELP_CONTACT_PHONE": os.environ.get("HELP_CONTACT_PHONE", ""),
        "HELP_CONTACT_HOURS": os.environ.get("HELP_CONTACT_HOURS", ""),
        # Sessions are tracked on the server; the cookie only names one.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_HOURS": _int("SESSION_ABSOLUTE_HOURS", 12),
        # Failed sign-ins in a row (per account; per client address) before attempts wait:
        # the first delay, doubled after each further failure, up to the maximum.
        "SIGN_IN_THROTTLE_ACCOUNT_FAILURES": _int("SIGN_IN_THROTTLE_ACCOUNT_FAILURES", 5),
        "SIGN_IN_THROTTLE_ADDRESS_FAILURES": _int("SIGN_IN_THROTTLE_ADDRESS_FAILURES", 30),
        "SIGN_IN_THROTTLE_FIRST_DELAY_SECONDS": _int("SIGN_IN_THROTTLE_FIRST_DELAY_SECONDS", 60),
        "SIGN_IN_THROTTLE_MAX_DELAY_MINUTES": _int("SIGN_IN_THROTTLE_MAX_DELAY_MINUTES", 15),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Report figures are aggregates, worked out at most this long ago (0: on every
        # request) and shared by everyone who asks with the same filters (app.reports.figures).
        "REPORT_FIGURES_SECONDS": _int("REPORT_FIGURES_SECONDS", 600),
        # Counts kept this long (0: worked out on every page): each user's task counts in
        # the navigation (app.tasks.navigation: the tasks page and the user's own changes
        # count afresh), the team view's cases per keyworker (app.cases.team) and the
        # victims home's cases with victims (app.victims.listing), forgotten when a change
        # alters them.
        "KEPT_COUNTS_SECONDS": _int("KEPT_COUNTS_SECONDS", 60),
        # Where these are kept: Redis when CACHE_REDIS_URL names one (every worker shares
        # it), else each process's own memory.
        "CACHE_REDIS_URL": os.environ.get("CACHE_REDIS_URL") or None,
        "SIGN_IN_RATE_LIMIT": os.environ.get("SIGN_IN_RATE_LIMIT", "20 per minute"),
        # Per API token (per client address without one), shared by every API resource.
        "RATELIMIT_API": os.environ.get("RATELIMIT_API", "1200 per minute"),
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,  # bounded by the session lifetime instead
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 1024 * 1024),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "FORCE_HTTPS": _bool("FORCE_HTTPS", False),
        "TOTP_ISSUER": os.environ.get("TOTP_ISSUER", "Virtual offender hub"),
        # Comma-separated Fernet keys: the first encrypts, all of them decrypt.
        "TOTP_ENCRYPTION_KEYS": os.environ.get("TOTP_ENCRYPTION_KEYS") or DEVELOPMENT_TOTP_KEY,
        "API_TOKEN_DEFAULT_DAYS": _int("API_TOKEN_DEFAULT_DAYS", 90),
        "API_TITLE": "Virtual offender hub API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "MINIMUM_AGE": _int("MINIMUM_AGE", 18),
        "BASE_URL": os.environ.get("BASE_URL", DEVELOPMENT_BASE_URL),
        "NOTIFY_TRANSPORT": os.environ.get("NOTIFY_TRANSPORT", "console"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "hub@localhost"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": _int("SMTP_PORT", 25),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD"),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        # Background tasks: Celery when a broker is named, else the web process itself.
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or None,
        "CELERY_QUEUE": os.environ.get("CELERY_QUEUE", "hub"),
        # The key of the research extract's pseudonyms (app.reports.extract); without it,
        # a key derived from SECRET_KEY.
        "RESEARCH_EXTRACT_KEY": os.environ.get("RESEARCH_EXTRACT_KEY") or None,
        # The retention schedule (app.retention.schedule; each period is in the README):
        # years after which a record comes up for an administrator's review and erasure.
        "RETENTION_CASE_YEARS": _int("RETENTION_CASE_YEARS", 6),
        "RETENTION_INELIGIBLE_YEARS": _int("RETENTION_INELIGIBLE_YEARS", 2),
        "RETENTION_VICTIM_CONTACT_YEARS": _int("RETENTION_VICTIM_CONTACT_YEARS", 1),
    }
    if overrides:
        config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # PostgreSQL's JIT compiles the plan of a query it expects to be costly, which for a
        # page's short queries costs more than it saves (about 0.9 s on one at 2,000 cases).
        # Parallel query: with every core already serving requests, a page's query that
        # starts workers takes their CPU from the other requests, and the planner picks a
        # parallel sequential scan over an index it should use (the navigation's partner
        # news count at 200,000 cases: docs/bench/README.md).
        options = config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault(
            "connect_args", {"options": "-c jit=off -c max_parallel_workers_per_gather=0"}
        )
    if isinstance(config["AUDIT_KEYS"], str):
        config["AUDIT_KEYS"] = parse_audit_keys(config["AUDIT_KEYS"])
    # app.jobs.runner: "celery", "thread" (no broker) or "manual" (tests, as an override;
    # ``make bench`` sets it in the environment, so its servers run no scheduled jobs).
    if os.environ.get("BACKGROUND_TASKS") == "manual" and config["HUB_ENV"] != "production":
        config.setdefault("BACKGROUND_TASKS", "manual")
    config.setdefault("BACKGROUND_TASKS", "celery" if config["CELERY_BROKER_URL"] else "thread")
    config.setdefault("CACHE_TYPE", "RedisCache" if config["CACHE_REDIS_URL"] else "SimpleCache")
    if config["CACHE_REDIS_URL"]:
        # Kept figures only save work (app.kept): an unreachable store must not hold a
        # page up for long.
        config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    if config["HUB_ENV"] == "production" and not config["CACHE_REDIS_URL"]:
        # Kept counts are forgotten when a change alters them, which every web process must
        # see: in production, kept only in a store they all share.
        config["KEPT_COUNTS_SECONDS"] = 0
    if config["HUB_ENV"] == "production":
        config["SESSION_COOKIE_SECURE"] = True  # production is only ever served over https
    config["TOTP_ENCRYPTION_KEYS"] = parse_keys(config["TOTP_ENCRYPTION_KEYS"])
    check_config(config)
    return config


def check_config(config: dict) -> None:
    """Refuse to start with unusable keys, and in production with development defaults."""
    problem = key_problem(config["TOTP_ENCRYPTION_KEYS"])
    if problem:
        raise ConfigurationError(problem)
    for name in RETENTION_SETTINGS:
        if not isinstance(config.get(name), int) or config[name] < 1:
            raise ConfigurationError(f"{name} must be a whole number of years, 1 or more")
    if config["HUB_ENV"] != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEVELOPMENT_SECRET or len(secret) < MINIMUM_SECRET_LENGTH:
        raise ConfigurationError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production"
        )
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raise ConfigurationError("DATABASE_URL must name the PostgreSQL database in production")
    if DEVELOPMENT_TOTP_KEY in config["TOTP_ENCRYPTION_KEYS"]:
        raise ConfigurationError(
            "TOTP_ENCRYPTION_KEYS must be set to your own Fernet keys in production "
            "(make one with: flask --app app keys new)"
        )
    development_keys = parse_audit_keys(DEVELOPMENT_AUDIT_KEYS)
    if config["AUDIT_KEYS"] == development_keys:
        raise ConfigurationError(
            "AUDIT_KEYS must be set in production: id:key, the key a random value of at least "
            "32 characters"
        )
    for key_id, key in config["AUDIT_KEYS"].items():
        if key in development_keys.values() or len(key) < MINIMUM_SECRET_LENGTH:
            raise ConfigurationError(
                f"AUDIT_KEYS: key {key_id!r} must be a random value of at least 32 characters "
                "in production"
            )
        if key == secret:
            raise ConfigurationError(f"AUDIT_KEYS: key {key_id!r} must not be the SECRET_KEY")
    if config["NOTIFY_TRANSPORT"] != "smtp":
        # The console transport prints every email, set-up links included, to the log.
        raise ConfigurationError("NOTIFY_TRANSPORT must be smtp in production")
    if config["BASE_URL"] == DEVELOPMENT_BASE_URL:
        raise ConfigurationError("BASE_URL must be set to the hub's address in production")
    if config["RATELIMIT_ENABLED"] and config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        # Each worker process would keep its own counts, multiplying every limit.
        raise ConfigurationError(
            "RATELIMIT_STORAGE_URI must name a shared store in production, "
            "e.g. redis://127.0.0.1:6379/1"
        )


def parse_audit_keys(raw: str) -> dict[str, str]:
    """``"id1:key1,id2:key2"`` as {id: key}, in order: the last is the current key."""
    keys: dict[str, str] = {}
    for item in raw.split(","):
        key_id, colon, key = item.strip().partition(":")
        if not colon or not key:
            raise ConfigurationError("AUDIT_KEYS must be a list of id:key, separated by commas")
        if not AUDIT_KEY_ID.fullmatch(key_id):
            raise ConfigurationError(
                "AUDIT_KEYS: a key id is 1 to 32 letters, digits, dots, dashes or underscores"
            )
        if key_id in keys:
            raise ConfigurationError(f"AUDIT_KEYS: the key id {key_id!r} is used twice")
        keys[key_id] = key
    return keys
