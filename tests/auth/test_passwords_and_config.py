"""The password rule, password hashing, and refusing unsafe production settings.

These tests do not use the ``app`` fixture, so they see the production argon2 parameters
(tests/auth/conftest.py lowers them only for tests that use ``app``).
"""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters

from app.auth.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    check_password,
    hash_password,
    password_problem,
)
from app.config import (
    DEVELOPMENT_SECRET,
    DEVELOPMENT_TOTP_KEY,
    ConfigurationError,
    load_config,
)

TOO_SHORT = "Password must be 8 characters or more"
TOO_COMMON = "Password is too common. Choose a password that is harder to guess"


def test_minimum_length_is_eight():
    assert MIN_LENGTH == 8
    assert password_problem("kx7vq2m") == TOO_SHORT
    assert password_problem("") == TOO_SHORT
    assert password_problem("kx7vq2mz") is None


@pytest.mark.parametrize(
    "password", ["password", "PASSWORD", "Password123", "qwertyui", "QwErTyUi"]
)
def test_common_passwords_are_refused_whatever_their_case(password):
    assert password_problem(password) == TOO_COMMON


def test_long_passphrase_is_accepted():
    assert password_problem("violet tugboat ladder under the quiet harbour") is None
    assert password_problem("x" * MAX_LENGTH) is None
    assert (
        password_problem("x" * (MAX_LENGTH + 1))
        == f"Password must be {MAX_LENGTH} characters or fewer"
    )


@pytest.mark.parametrize(
    "password",
    [
        "plumtreeorchard",  # lower case letters only
        "PLUMTREEORCHARD",  # upper case only
        "2718281828459",  # digits only
        "plum tree orchard",  # spaces, no digits or symbols
    ],
)
def test_no_composition_rules(password):
    assert password_problem(password) is None


def test_hash_is_argon2id_and_verifies():
    hashed = hash_password("violet tugboat ladder")
    assert hashed.startswith("$argon2id$")
    assert "violet" not in hashed
    parameters = extract_parameters(hashed)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19 * 1024  # OWASP's minimum for argon2id
    assert check_password(hashed, "violet tugboat ladder")
    assert not check_password(hashed, "violet tugboat ladder ")
    assert not check_password(None, "violet tugboat ladder")
    assert not check_password("not a hash", "violet tugboat ladder")
    assert hash_password("violet tugboat ladder") != hashed  # salted


GOOD_SECRET = "0123456789abcdefghijklmnopqrstuvwxyzABCD"  # noqa: S105 (40 characters)
POSTGRES_URL = "postgresql+psycopg://hub:secret@db.internal:5432/hub"
# Two Fernet keys (32 url-safe base64 bytes each): the current one, then an older one.
KEY_1 = "bXktZmlyc3QtdG90cC1rZXktb2YtMzItYnl0ZXMhISE="
KEY_2 = "bXktb2xkZXItdG90cC1rZXktb2YtMzItYnl0ZXMhISE="
GOOD_AUDIT_KEYS = "k1:abcdefghijklmnopqrstuvwxyz0123456789ABCD"  # production needs its own


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("HUB_ENV", "SECRET_KEY", "DATABASE_URL", "TOTP_ENCRYPTION_KEYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AUDIT_KEYS", GOOD_AUDIT_KEYS)  # tested in tests/audit/test_audit_keys.py
    monkeypatch.setenv("NOTIFY_TRANSPORT", "smtp")
    monkeypatch.setenv("BASE_URL", "https://hub.example.police.uk")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/1")
    return monkeypatch


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("NOTIFY_TRANSPORT", "console", "NOTIFY_TRANSPORT must be smtp"),
        ("BASE_URL", "http://127.0.0.1:5000", "BASE_URL must be set"),
        ("RATELIMIT_STORAGE_URI", "memory://", "RATELIMIT_STORAGE_URI must name a shared"),
    ],
)
def test_production_refuses_the_development_settings(clean_env, tmp_path, setting, value, message):
    """The console transport would print every email, set-up links included, to the log;
    the development address would send people links to localhost."""
    clean_env.setenv("DATABASE_URL", POSTGRES_URL)
    clean_env.setenv("SECRET_KEY", GOOD_SECRET)
    clean_env.setenv("TOTP_ENCRYPTION_KEYS", KEY_1)
    clean_env.setenv(setting, value)
    with pytest.raises(ConfigurationError, match=message):
        load_config(tmp_path, {"HUB_ENV": "production"})


def test_production_refuses_the_development_secret(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", POSTGRES_URL)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config(tmp_path, {"HUB_ENV": "production"})
    clean_env.setenv("SECRET_KEY", DEVELOPMENT_SECRET)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config(tmp_path, {"HUB_ENV": "production"})


@pytest.mark.parametrize("secret", ["", "short", "x" * 31])
def test_production_refuses_a_short_secret(clean_env, tmp_path, secret):
    clean_env.setenv("DATABASE_URL", POSTGRES_URL)
    clean_env.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        load_config(tmp_path, {"HUB_ENV": "production"})


def test_production_refuses_sqlite(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", GOOD_SECRET)
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        load_config(tmp_path, {"HUB_ENV": "production"})  # the default: a SQLite file
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        load_config(tmp_path, {"HUB_ENV": "production"})


def test_production_reads_hub_env_from_the_environment(clean_env, tmp_path):
    clean_env.setenv("HUB_ENV", "production")
    with pytest.raises(ConfigurationError):
        load_config(tmp_path)


def test_production_accepts_a_proper_secret_and_postgresql(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", GOOD_SECRET)
    clean_env.setenv("DATABASE_URL", POSTGRES_URL)
    clean_env.setenv("TOTP_ENCRYPTION_KEYS", f"{KEY_1}, {KEY_2}")
    config = load_config(tmp_path, {"HUB_ENV": "production"})
    assert config["HUB_ENV"] == "production"
    assert config["SECRET_KEY"] == GOOD_SECRET
    assert config["SQLALCHEMY_DATABASE_URI"] == POSTGRES_URL
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["TOTP_ENCRYPTION_KEYS"] == [KEY_1, KEY_2]


def test_production_refuses_to_start_without_totp_encryption_keys(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", GOOD_SECRET)
    clean_env.setenv("DATABASE_URL", POSTGRES_URL)
    with pytest.raises(ConfigurationError, match="TOTP_ENCRYPTION_KEYS"):
        load_config(tmp_path, {"HUB_ENV": "production"})
    clean_env.setenv("TOTP_ENCRYPTION_KEYS", f"{KEY_1},{DEVELOPMENT_TOTP_KEY}")
    with pytest.raises(ConfigurationError, match="TOTP_ENCRYPTION_KEYS"):
        load_config(tmp_path, {"HUB_ENV": "production"})


@pytest.mark.parametrize("keys", ["not-a-key", f"{KEY_1},short", " , "])
def test_unusable_totp_encryption_keys_are_refused_everywhere(clean_env, tmp_path, keys):
    clean_env.setenv("TOTP_ENCRYPTION_KEYS", keys)
    with pytest.raises(ConfigurationError, match="TOTP_ENCRYPTION_KEYS"):
        load_config(tmp_path)


def test_production_from_the_environment_has_secure_cookies(clean_env, tmp_path):
    clean_env.setenv("TOTP_ENCRYPTION_KEYS", KEY_1)
    clean_env.setenv("HUB_ENV", "production")
    clean_env.setenv("SECRET_KEY", GOOD_SECRET)
    clean_env.setenv("DATABASE_URL", POSTGRES_URL)
    config = load_config(tmp_path, {})
    assert config["HUB_ENV"] == "production"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_overrides_win_over_the_environment(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", "x")
    clean_env.setenv("DATABASE_URL", "sqlite:///nowhere.sqlite3")
    config = load_config(
        tmp_path,
        {
            "HUB_ENV": "production",
            "SECRET_KEY": GOOD_SECRET,
            "SQLALCHEMY_DATABASE_URI": POSTGRES_URL,
            "TOTP_ENCRYPTION_KEYS": KEY_1,
        },
    )
    assert config["SECRET_KEY"] == GOOD_SECRET


def test_development_allows_the_defaults(clean_env, tmp_path):
    config = load_config(tmp_path)
    assert config["HUB_ENV"] == "development"
    assert config["SECRET_KEY"] == DEVELOPMENT_SECRET
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["TOTP_ENCRYPTION_KEYS"] == [DEVELOPMENT_TOTP_KEY]
    assert config["SIGN_IN_THROTTLE_ACCOUNT_FAILURES"] == 5
    assert config["SIGN_IN_THROTTLE_ADDRESS_FAILURES"] == 30
    assert config["SIGN_IN_THROTTLE_FIRST_DELAY_SECONDS"] == 60
    assert config["SIGN_IN_THROTTLE_MAX_DELAY_MINUTES"] == 15
    assert config["SESSION_IDLE_MINUTES"] == 30
    assert config["SESSION_ABSOLUTE_HOURS"] == 12


def test_production_keeps_task_counts_only_in_a_shared_store(clean_env, tmp_path):
    """A kept count is forgotten when its user changes something, which every web process
    must see: without Redis, production works the navigation's counts out on every page."""
    clean_env.setenv("SECRET_KEY", GOOD_SECRET)
    clean_env.setenv("DATABASE_URL", POSTGRES_URL)
    clean_env.setenv("TOTP_ENCRYPTION_KEYS", KEY_1)
    clean_env.delenv("CACHE_REDIS_URL", raising=False)
    clean_env.delenv("KEPT_COUNTS_SECONDS", raising=False)
    assert load_config(tmp_path, {"HUB_ENV": "production"})["KEPT_COUNTS_SECONDS"] == 0
    assert load_config(tmp_path, {"HUB_ENV": "development"})["KEPT_COUNTS_SECONDS"] == 60
    clean_env.setenv("CACHE_REDIS_URL", "redis://redis.internal:6379/2")
    config = load_config(tmp_path, {"HUB_ENV": "production"})
    assert config["KEPT_COUNTS_SECONDS"] == 60
    assert config["CACHE_TYPE"] == "RedisCache"
